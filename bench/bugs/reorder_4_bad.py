"""Reorder: a checker that reads a after a setter's first write and b before its second.

Ported from SCTBench: CS/reorder_4_bad.c (concurrent-software-benchmarks; from the CHESS
examples). Each set thread writes a = 1, then b = -1; the check thread asserts that (a, b)
is (0, 0) or (1, -1). It fails if it reads a after some setter's a = 1 and b before every
setter's b = -1 (or a = 0 first and then b = -1): the check must fall between the two writes
of a setter. As in the original's defaults: 3 set threads and 1 check thread (4 threads). The more
setters, the more orders of their writes there are before the one the bug needs: DPOR's
search, which starts from the threads run one after the other, meets it later.
"""
import threading

SOURCE = "SCTBench CS/reorder_4_bad"
KIND = "atomicity violation, depth 2"

SET_THREADS = 3     # iSet
CHECK_THREADS = 1   # iCheck


class State:
    def __init__(self):
        self.a = 0
        self.b = 0
        self.error = None


def setup():
    return State()


def set_thread(s):
    s.a = 1
    s.b = -1


def check_thread(s):
    if not ((s.a == 0 and s.b == 0) or (s.a == 1 and s.b == -1)):   # BAD
        s.error = f"the check thread saw a = {s.a}, b = {s.b}"


THREADS = [set_thread] * SET_THREADS + [check_thread] * CHECK_THREADS


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
