"""Event used as a one-shot signal: a set() between the consumer's wait() and clear() is lost.

From the Python threading tutorial's event.py (section 2.2.4; simconc's scenarios/event.py
is the tutorial's program), which warns about it: a consumer waits for the event, clears it
and takes an item; the producer appends an item and sets the event, once per item. If the
producer appends its second item and sets the event after the consumer's wait() returned but
before its clear(), the clear() wipes that signal, and the consumer waits for ever for an item
that is already in the list (a deadlock). One producer of 2 items and one consumer, without
the tutorial's timeouts and random sleeps.
"""
import threading

SOURCE = "tutorial event.py (2.2.4)"
KIND = "Event clear race, deadlock"

ITEMS = 2


class State:
    def __init__(self):
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.items = []
        self.consumed = []


def setup():
    return State()


def producer(s):
    for i in range(ITEMS):
        with s.lock:
            s.items.append(i)
        s.event.set()


def consumer(s):
    for _ in range(ITEMS):
        s.event.wait()
        s.event.clear()   # BAD: wipes a set() that came after wait() returned
        with s.lock:
            s.consumed.append(s.items.pop(0))


THREADS = [producer, consumer]


def invariant(s):
    return s.consumed == list(range(ITEMS))   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), f"consumed {state.consumed}"
