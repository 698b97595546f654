"""A timed wait under exploration: the setter may come first, or the timeout."""
import threading
import time

ready = threading.Event()


def setter():
    time.sleep(10)
    ready.set()


t = threading.Thread(target=setter)
t.start()
print("set in time" if ready.wait(timeout=0.5) else "timed out")
t.join()
