"""A forked child whose end raises ends at once, as popen_fork's os._exit ends it: forked from a
ThreadPoolExecutor's worker, the child's threading._shutdown runs the executor's exit hook,
which joins the worker, the child's own thread, and raises; the child's other thread, not a
daemon and still asleep, ends with the process (exit code 1) instead of being waited for."""
import concurrent.futures as cf
import multiprocessing as mp
import threading
import time


def child():
    threading.Thread(target=time.sleep, args=(3,)).start()
    print("child forked from a worker", flush=True)


def in_worker():
    process = mp.get_context("fork").Process(target=child)
    start = time.monotonic()
    process.start()
    process.join()
    return process.exitcode, time.monotonic() - start < 1


if __name__ == "__main__":
    with cf.ThreadPoolExecutor(1) as executor:
        print(executor.submit(in_worker).result())
