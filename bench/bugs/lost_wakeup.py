"""A consumer checks the flag without the lock, then waits: the producer's notify can come between.

From the Python threading tutorial's condition.py (row 11 of simconc's scenarios: consumers
call cond.wait() without a condition) and SCTBench's CS/sync01_bad (a wait whose signal is
sent before it): the consumer reads ready without holding the condition's lock and, if it is
not set, takes the lock and waits; the producer sets ready and notifies under the lock. If the
producer runs between the consumer's check and its wait(), the notify is lost, and the
consumer waits for ever (a deadlock). One consumer and one producer.
"""
import threading

SOURCE = "tutorial condition.py; SCTBench sync01"
KIND = "missing notify, deadlock"


class State:
    def __init__(self):
        self.cond = threading.Condition()
        self.ready = False
        self.got = None


def setup():
    return State()


def consumer(s):
    if not s.ready:            # BAD: checked outside the lock
        with s.cond:
            s.cond.wait()      # ... and not checked again
    s.got = "item"


def producer(s):
    with s.cond:
        s.ready = True
        s.cond.notify()


THREADS = [consumer, producer]


def invariant(s):
    return s.got == "item"   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state)
