"""Token ring: a checker that sees every flag set while the values still disagree (order violation).

Ported from SCTBench: CS/token_ring_bad.c (concurrent-software-benchmarks, from the ESBMC
suite). t1 sets x1 = (x3 + 1) % 4, t2 sets x2 = x1, t3 sets x3 = x2, each with its flag, each
in an atomic block (one lock here); t4, once all three flags are set, asserts x1 == x2 == x3.
In the orders of t1, t2, t3 that start with t1 the value propagates around the ring and all
three agree; in the others (t2 or t3 first) they do not, and the assert fails if t4 runs after
all three. Four threads as in the original.
"""
import threading

SOURCE = "SCTBench CS/token_ring_bad"
KIND = "order violation"


class Ring:
    def __init__(self):
        self.atomic = threading.Lock()   # __ESBMC_atomic_begin/end
        self.x1, self.x2, self.x3 = 1, 2, 1
        self.flag1 = self.flag2 = self.flag3 = False
        self.error = None


def setup():
    return Ring()


def t1(s):
    with s.atomic:
        s.x1 = (s.x3 + 1) % 4
        s.flag1 = True


def t2(s):
    with s.atomic:
        s.x2 = s.x1
        s.flag2 = True


def t3(s):
    with s.atomic:
        s.x3 = s.x2
        s.flag3 = True


def t4(s):
    with s.atomic:
        if s.flag1 and s.flag2 and s.flag3:
            if not (s.x1 == s.x2 and s.x2 == s.x3):   # BAD
                s.error = f"x1, x2, x3 = {s.x1}, {s.x2}, {s.x3}: not all equal"


THREADS = [t1, t2, t3, t4]


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
