"""Wrong predicate: the consumer waits for an item, then takes two.

A condition variable is only as good as the predicate it waits for. This consumer takes the
items in pairs, but waits only until there is one. The producer makes four items, notifying
after each.
"""
import threading

ORDER = 20
GOAL = "exception"
FEWEST = 9
HINT = "Let the consumer in when there is exactly one item."

cv = threading.Condition()
items = []


def producer():
    for item in range(4):
        with cv:
            items.append(item)
            cv.notify()


def pair_consumer():
    for _ in range(2):
        with cv:
            while not items:        # a pair needs two: len(items) < 2
                cv.wait()
            first = items.pop(0)
            second = items.pop(0)
        print("a pair:", first, second)


threading.Thread(target=pair_consumer, name="consumer").start()
threading.Thread(target=producer, name="producer").start()
