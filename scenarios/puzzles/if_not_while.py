"""`if`, not `while`: a woken consumer takes for granted that the item is still there.

Section 2.2.5 of the tutorial waits for a condition in a loop, `while not items: cv.wait()`.
Here the consumers wait in an `if`. A notified thread does not run at once: it must first take
the condition's lock back, and another thread may get there first.
"""
import threading

ORDER = 4
GOAL = "exception"
FEWEST = 20
HINT = ("Let one consumer wait, then let the producer make an item and notify; before the "
        "woken consumer takes the lock back, let the other consumer in.")

cv = threading.Condition()
items = []


def consumer():
    name = threading.current_thread().name
    with cv:
        if not items:          # the tutorial says: while
            cv.wait()
        item = items.pop(0)
    print(name, "consumed", item)


def producer():
    with cv:
        items.append("an item")
        cv.notify()


threading.Thread(target=consumer, name="consumer1").start()
threading.Thread(target=consumer, name="consumer2").start()
threading.Thread(target=producer, name="producer").start()
