"""Carter01: a class lock taken and released under another lock (resource deadlock).

Ported from SCTBench: CS/carter01_bad.c (concurrent-software-benchmarks). Thread t1 (class A)
and t2 (class B) each count their members under mutex m; the first member of a class takes
lock l, the last one releases it. If t1 holds l and t2, holding m, blocks on l, t1 can never
take m again to release l: a deadlock (t1 waits for m, held by t2; t2 waits for l, held by
t1). Threads as in the original: a1 (t1), b1 (t2) and two more, a2 and b2, that do nothing.
"""
import threading

SOURCE = "SCTBench CS/carter01_bad"
KIND = "resource deadlock"


class State:
    def __init__(self):
        self.m = threading.Lock()
        self.l = threading.Lock()
        self.A = 0
        self.B = 0


def setup():
    return State()


def t1(s):
    with s.m:
        s.A += 1
        if s.A == 1:
            s.l.acquire()
    # perform class A operation
    with s.m:
        s.A -= 1
        if s.A == 0:
            s.l.release()


def t2(s):
    with s.m:
        s.B += 1
        if s.B == 1:
            s.l.acquire()   # BAD: may block holding m while t1 holds l
    # perform class B operation
    with s.m:
        s.B -= 1
        if s.B == 0:
            s.l.release()


def t3(s):
    pass


def t4(s):
    pass


THREADS = [t1, t2, t3, t4]


def invariant(s):
    return True   # the bug is the deadlock, which the tools report by themselves


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state)
