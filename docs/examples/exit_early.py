"""A worker ends the whole process with os._exit: no finally block, no atexit handler runs."""
import atexit
import os
import threading

atexit.register(print, "atexit handler")


def worker():
    try:
        print("worker: giving up")
        os._exit(3)
    finally:
        print("never printed")


t = threading.Thread(target=worker)
t.start()
t.join()
print("never printed either")
