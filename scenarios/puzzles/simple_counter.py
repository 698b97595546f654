"""Simple counter: each thread enters the critical section when the counter shows its number.

The Deadlock Empire's "Simple Counter", in Python. Both threads count up; the first enters the
critical section when it sees 5, the second when it sees 3. Surely they cannot both be inside?
(The original loops for ever; three rounds each are enough here.)
"""
import threading

ORDER = 6
GOAL = "critical:critical_section"
FEWEST = 16
HINT = ("Once a thread has passed its test, it does not care what the counter says: let the "
        "second in at 3, then count on to 5.")

counter = 0


def critical_section():
    print("in the critical section")


def first():
    global counter
    for _ in range(3):
        counter += 1
        if counter == 5:
            critical_section()


def second():
    global counter
    for _ in range(3):
        counter += 1
        if counter == 3:
            critical_section()


threading.Thread(target=first, name="first").start()
threading.Thread(target=second, name="second").start()
