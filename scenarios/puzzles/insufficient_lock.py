"""Insufficient lock: every change is made under the lock, and still the program fails.

The Deadlock Empire's "Insufficient Lock", in Python. One thread adds 2 to `i` under the lock
and fails if it then sees 5; the other takes 1 away, under the same lock. The lock keeps them
from interleaving inside, but not from running in an order nobody thought of. (The original
loops for ever; three rounds each are enough here.)
"""
import threading

ORDER = 8
GOAL = "exception"
FEWEST = 20
HINT = "Mutual exclusion is not an order: which thread gets the lock next is yours to choose."

i = 0
mutex = threading.Lock()


def adder():
    global i
    for _ in range(3):
        with mutex:
            i = i + 2
            assert i != 5, "i is 5"


def subtractor():
    global i
    for _ in range(3):
        with mutex:
            i = i - 1


threading.Thread(target=adder, name="adder").start()
threading.Thread(target=subtractor, name="subtractor").start()
