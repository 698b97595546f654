"""Two-stage: a reader between the two locked stages of a writer (atomicity violation).

Ported from SCTBench: CS/twostage_bad.c (concurrent-software-benchmarks; from the CHESS
examples). funcA sets data1 = 1 under data1Lock, then data2 = data1 + 1 under data2Lock;
funcB reads data1 under data1Lock (and stops if it is 0), then data2 under data2Lock, and
asserts data2 == data1 + 1. Each stage is locked, but the two stages are not atomic together:
funcB fails if it runs entirely between funcA's stages. One funcA and one funcB thread, as in
the original's default.
"""
import threading

SOURCE = "SCTBench CS/twostage_bad"
KIND = "atomicity violation"

T_THREADS = 1   # funcA threads (iTThreads)
R_THREADS = 1   # funcB threads (iRThreads)


class State:
    def __init__(self):
        self.data1_lock = threading.Lock()
        self.data2_lock = threading.Lock()
        self.data1_value = 0
        self.data2_value = 0
        self.error = None


def setup():
    return State()


def func_a(s):
    with s.data1_lock:
        s.data1_value = 1
    with s.data2_lock:
        s.data2_value = s.data1_value + 1


def func_b(s):
    with s.data1_lock:
        if s.data1_value == 0:
            return
        t1 = s.data1_value
    with s.data2_lock:
        t2 = s.data2_value
    if t2 != t1 + 1:   # BAD
        s.error = f"funcB read data1 = {t1} but data2 = {t2}"


THREADS = [func_a] * T_THREADS + [func_b] * R_THREADS


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
