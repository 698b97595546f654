"""Confused counter: two counters counted up together, yet one can fall behind.

The Deadlock Empire's "Confused Counter", in Python. Each thread adds one to `first`, then one
to `second`, then checks that `second` never reaches 2 unless `first` has.
"""
import threading

ORDER = 7
GOAL = "exception"
FEWEST = 11
HINT = "`first += 1` is a read and a write: lose one of the two updates of first, not of second."

first = 0
second = 0


def business_logic():
    pass


def worker():
    global first, second
    business_logic()
    first += 1
    second += 1
    assert not (second == 2 and first != 2), "second is 2, first is not"


threading.Thread(target=worker, name="A").start()
threading.Thread(target=worker, name="B").start()
