"""Stack: the popper's flag is set once and never cleared, so it pops an empty stack.

Ported from SCTBench: CS/stack_bad.c (concurrent-software-benchmarks). t1 pushes i in each
of its iterations and sets flag; t2, in each of its iterations, pops if flag is set and
asserts the pop did not underflow. flag is never reset, so once t2 pops faster than t1 pushes
(two pops between two pushes), the stack underflows. Each iteration is under one mutex. Two
threads as in the original; SIZE (the stack's capacity and the loops' length) is 5 here
instead of 10 so that exhaustive exploration stays small.
"""
import threading

SOURCE = "SCTBench CS/stack_bad (smaller)"
KIND = "order violation"

SIZE = 5
OVERFLOW = -1
UNDERFLOW = -2


class State:
    def __init__(self):
        self.m = threading.Lock()
        self.top = 0
        self.arr = [0] * SIZE
        self.flag = False
        self.error = None


def setup():
    return State()


def push(s, x):
    if s.top == SIZE:
        return OVERFLOW
    s.arr[s.top] = x
    s.top += 1
    return 0


def pop(s):
    if s.top == 0:
        return UNDERFLOW
    s.top -= 1
    return s.arr[s.top]


def t1(s):
    for i in range(SIZE):
        with s.m:
            if push(s, i) == OVERFLOW:
                s.error = "stack overflow"
            s.flag = True


def t2(s):
    for i in range(SIZE):
        with s.m:
            if s.flag:
                if pop(s) == UNDERFLOW:   # BAD
                    s.error = f"stack underflow: t2 popped an empty stack in its iteration {i}"


THREADS = [t1, t2]


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
