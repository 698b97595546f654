"""Producer-consumer, a variant: one producer, one consumer, a queue that is not thread-safe.

The Deadlock Empire's "Producer-Consumer (variant)", in Python. Most library classes are not
thread-safe: two threads inside the methods of one such object at once may corrupt it. Here
the queue is a small class of our own, with no lock. (The original loops for ever; two rounds
each here.)
"""
import threading

ORDER = 17
GOAL = "critical:enqueue,dequeue"
FEWEST = 6
HINT = "The consumer checks the count, not whether the producer is inside."


class UnsafeQueue:
    """A queue with no lock: never call two of its methods at once."""

    def __init__(self):
        self.items = []
        self.count = 0

    def enqueue(self, item):
        self.items.append(item)
        self.count += 1

    def dequeue(self):
        self.count -= 1
        return self.items.pop(0)


queue = UnsafeQueue()


def producer():
    for _ in range(2):
        queue.enqueue(42)


def consumer():
    for _ in range(2):
        if queue.count > 0:
            queue.dequeue()


threading.Thread(target=producer, name="producer").start()
threading.Thread(target=consumer, name="consumer").start()
