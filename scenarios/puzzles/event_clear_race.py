"""Event clear race: a consumer clears the event that told it of an item; make it miss one.

The tutorial's event.py (section 2.2.4), pared down: the producer appends an item and sets the
event, twice; the consumer waits for the event, takes an item and clears the event, twice. The
tutorial warns that this is unreliable: a set() that comes after the consumer's wait() returned
but before its clear() is wiped out by that clear(), and the consumer waits for ever with an
item in the list.
"""
import threading

ORDER = 3
GOAL = "deadlock"
FEWEST = 26
HINT = "Let the producer set the event again between the consumer's wait() and its clear()."

items = []
event = threading.Event()


def producer():
    for item in (1, 2):
        items.append(item)
        event.set()


def consumer():
    for _ in range(2):
        event.wait()
        print("consumed", items.pop(0))
        event.clear()


threading.Thread(target=consumer, name="consumer").start()
threading.Thread(target=producer, name="producer").start()
