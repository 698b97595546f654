"""Boolean flags: a flag that says "someone is inside" is enough to keep others out... or is it?

The Deadlock Empire's "Boolean Flags Are Enough For Everyone", in Python. Each thread waits
until the flag is down, raises it, enters the critical section and lowers the flag. (The
original loops for ever; one round each is enough here.)
"""
import threading
import time

ORDER = 5
GOAL = "critical:critical_section"
FEWEST = 5
HINT = "A thread that has seen the flag down does not look again before it raises it."

flag = False


def critical_section():
    print("in the critical section")


def worker():
    global flag
    while flag:           # someone is inside: wait
        time.sleep(0)
    flag = True
    critical_section()
    flag = False


threading.Thread(target=worker, name="A").start()
threading.Thread(target=worker, name="B").start()
