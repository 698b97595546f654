"""Deadlock01: two locks taken in opposite orders (lock-order deadlock).

Ported from SCTBench: CS/deadlock01_bad.c (concurrent-software-benchmarks). thread1 locks a
then b and increments a counter; thread2 locks b then a and decrements it. If each takes its
first lock before the other takes its second, neither can go on.
"""
import threading

SOURCE = "SCTBench CS/deadlock01_bad"
KIND = "lock-order deadlock"


class State:
    def __init__(self):
        self.a = threading.Lock()
        self.b = threading.Lock()
        self.counter = 1


def setup():
    return State()


def thread1(s):
    with s.a:
        with s.b:   # BAD: deadlock
            s.counter += 1


def thread2(s):
    with s.b:
        with s.a:   # BAD: deadlock
            s.counter -= 1


THREADS = [thread1, thread2]


def invariant(s):
    return True   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state)
