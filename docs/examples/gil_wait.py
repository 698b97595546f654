"""A thread that wakes from a sleep while another computes must wait for the GIL: the computing
thread keeps it for one switch interval (5 ms) after being asked, then is forced to hand it over."""
import threading
import time

import simconc


def crunch():
    simconc.cpu(1.0)
    print("crunch done at {:.4f} s".format(time.monotonic()))


t = threading.Thread(target=crunch, name="crunch")
t.start()
for _ in range(3):
    time.sleep(0.1)
    print("main woke at {:.4f} s".format(time.monotonic()))
t.join()
