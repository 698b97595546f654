"""Once a manager's process has ended, nothing listens at its address any more: connecting to
it fails at once (the proxies of a child that exits after it try to, to drop their
references, and go on exiting)."""
import multiprocessing as mp
import threading


def keep(event):
    print("child sees", event.is_set(), flush=True)


if __name__ == "__main__":
    mp.set_start_method("fork")
    manager = mp.Manager()
    event = manager.Event()
    event.set()
    child = mp.Process(target=keep, args=(event,))
    child.start()
    child.join()
    manager.shutdown()
    manager.join()
    outcome = []

    def ask():
        try:
            event.is_set()
        except Exception as e:   # (a thread of its own: a new connection)
            outcome.append(type(e).__name__)

    asker = threading.Thread(target=ask)
    asker.start()
    asker.join()
    print("after shutdown:", outcome, "child exit code", child.exitcode)
    # A child forked while the proxy lives drops its reference as it exits, after the manager
    # has gone: it must exit all the same.
    late = mp.Process(target=print, args=("late child",))
    late.start()
    late.join()
    print("late child exit code", late.exitcode)
