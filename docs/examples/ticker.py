"""A thread that never ends: it prints the simulated time every second, for ever."""
import threading
import time


def tick():
    start = time.monotonic()
    while True:
        time.sleep(1)
        print("tick at {:.3f} s".format(time.monotonic() - start))


threading.Thread(target=tick, name="ticker").start()
