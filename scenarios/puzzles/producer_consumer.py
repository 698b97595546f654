"""Producer-consumer: the semaphore counts the items, and the consumer trusts it.

The Deadlock Empire's "Producer-Consumer", in Python. The producer releases the semaphore, then
puts an item in the queue (a list); the consumer takes the item once it gets the semaphore.
(The original loops for ever; two rounds each here.)
"""
import threading

ORDER = 16
GOAL = "exception"
FEWEST = 7
HINT = "The producer tells of the item before the item is there."

semaphore = threading.Semaphore(0)
queue = []


def consumer():
    for _ in range(2):
        if semaphore.acquire(blocking=False):
            print("consumed", queue.pop(0))


def producer():
    for _ in range(2):
        semaphore.release()
        queue.append(42)


threading.Thread(target=consumer, name="consumer").start()
threading.Thread(target=producer, name="producer").start()
