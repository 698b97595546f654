"""Condition variables: two consumers wait on a condition for the producer's items.

The Deadlock Empire's "Condition Variables", in Python: C#'s Monitor.Wait and PulseAll are a
threading.Condition's wait() and notify_all(). The consumers check for an item with `if`.
(The original loops for ever; one round each is enough here.)
"""
import threading

ORDER = 18
GOAL = "exception"
FEWEST = 18
HINT = "notify_all() wakes both; only one item is there."

cv = threading.Condition()
queue = []


def consumer():
    with cv:
        if not queue:
            cv.wait()
        queue.pop(0)


def producer():
    with cv:
        queue.append(42)
        cv.notify_all()


threading.Thread(target=consumer, name="consumer1").start()
threading.Thread(target=consumer, name="consumer2").start()
threading.Thread(target=producer, name="producer").start()
