"""A worker thread dies of an exception; the main thread carries on."""
import threading
import time


def worker():
    time.sleep(0.5)
    raise ValueError("bad value")


t = threading.Thread(target=worker, name="worker")
t.start()
t.join()
print("main carries on")
