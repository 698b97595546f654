"""The main thread waits for an Event that nobody will ever set."""
import threading

ready = threading.Event()


def worker():
    print("worker: done, but forgot to call ready.set()")


threading.Thread(target=worker, name="worker").start()
ready.wait()
print("never printed")
