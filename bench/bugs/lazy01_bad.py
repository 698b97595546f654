"""Lazy01: a checker that must not see both updates (order violation).

Ported from SCTBench: CS/lazy01_bad.c (concurrent-software-benchmarks). thread1 adds 1 and
thread2 adds 2 to data under a mutex; thread3, under the same mutex, asserts data < 3. The
assert fails whenever thread3 takes the mutex after both others, which includes running the
threads one after the other in the order they were started. Three threads as in the original.
"""
import threading

SOURCE = "SCTBench CS/lazy01_bad"
KIND = "order violation"


class State:
    def __init__(self):
        self.mutex = threading.Lock()
        self.data = 0
        self.error = None


def setup():
    return State()


def thread1(s):
    with s.mutex:
        s.data += 1


def thread2(s):
    with s.mutex:
        s.data += 2


def thread3(s):
    with s.mutex:
        if s.data >= 3:   # BAD: assert(0)
            s.error = f"thread3 saw data = {s.data} (both updates)"


THREADS = [thread1, thread2, thread3]


def invariant(s):
    return s.error is None


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), state.error
