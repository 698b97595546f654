"""Wrong lock: two updates of one counter under two different locks (atomicity violation).

Ported from SCTBench: CS/wronglock_3_bad.c (concurrent-software-benchmarks; from the CHESS
examples). funcA, under dataLock, reads dataValue, increments it and asserts it is the value
read plus one; each funcB increments dataValue under thisLock, another lock, so nothing keeps
a funcB from incrementing between funcA's read and its check. As in the original: one funcA
thread and 3 funcB threads (iNum1 = 1, iNum2 = 3).
"""
import threading

SOURCE = "SCTBench CS/wronglock_3_bad"
KIND = "wrong lock"

NUM1 = 1   # funcA threads
NUM2 = 3   # funcB threads


class State:
    def __init__(self):
        self.data_lock = threading.Lock()
        self.this_lock = threading.Lock()
        self.data_value = 0
        self.error = None


def setup():
    return State()


def func_a(s):
    with s.data_lock:
        x = s.data_value
        s.data_value += 1
        if s.data_value != x + 1:   # BAD
            s.error = f"funcA read {x}, incremented, and then read {s.data_value}"


def func_b(s):
    with s.this_lock:   # BAD: the wrong lock
        s.data_value += 1


THREADS = [func_a] * NUM1 + [func_b] * NUM2


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
