"""A process finalizes what its main module's globals hold as CPython's does at its end: the
main process and a spawned child as they exit (each object's ``__del__`` runs in their main
thread, after their atexit functions, before their parent's ``join()`` returns), a forked child
never (popen_fork ends it with ``os._exit``), nor a process killed. (One object each: the order
in which CPython finalizes several depends on its collector, and on the version.)"""
import atexit
import multiprocessing as mp
import threading


class Noisy:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name, "in", mp.current_process().name,
              threading.current_thread().name, flush=True)


class Stubborn(Noisy):
    """One that a fork cannot copy (simconc's fork then shares it): the parent's all the same."""

    def __reduce_ex__(self, protocol):
        raise TypeError("a Stubborn cannot be copied")

    def __deepcopy__(self, memo):
        raise TypeError("a Stubborn cannot be copied")


kept = []


def child(tag):
    kept.append(Noisy(f"{tag}-kept"))
    local = Noisy(f"{tag}-local")
    print(tag, "child ends", flush=True)


def killed(ready):
    kept.append(Noisy("killed-kept"))
    ready.set()
    threading.Event().wait()


if __name__ == "__main__":
    atexit.register(print, "the main process's atexit function", flush=True)
    stubborn = Stubborn("main-stubborn")
    for method in ("fork", "spawn"):
        process = mp.get_context(method).Process(target=child, args=(method,))
        process.start()
        process.join()
        print(method, "child joined:", process.exitcode, flush=True)
    context = mp.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=killed, args=(ready,))
    process.start()
    ready.wait()
    process.terminate()
    process.join()
    print("killed child joined:", process.exitcode, flush=True)
    print("main ends", flush=True)
