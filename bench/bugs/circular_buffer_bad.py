"""Circular buffer: the receiver's loop index is taken for the element's index (order violation).

Ported from SCTBench: CS/circular_buffer_bad.c (concurrent-software-benchmarks). t1 inserts
i into a 10-slot log buffer in iteration i if it may send; t2, in iteration i, removes an
element if it may receive and asserts it is i. Every operation is under one mutex, but the two
loops need not run in step: if t2 runs an iteration in which it cannot receive, the element it
later removes came from an earlier iteration of t1 than its own, and the assert fails.
Two threads and N = 7 iterations each, as in the original.
"""
import threading

SOURCE = "SCTBench CS/circular_buffer_bad"
KIND = "order violation"

BUFFER_MAX = 10
N = 7
ERROR = -1


class Log:
    def __init__(self):
        self.m = threading.Lock()
        self.buffer = [0] * BUFFER_MAX
        self.buffer_size = 10          # initLog(10)
        self.first = 0
        self.next = 0
        self.send = True
        self.receive = False
        self.error = None


def setup():
    return Log()


def remove_log_element(s):
    if s.next > 0 and s.first < s.buffer_size:
        s.first += 1
        return s.buffer[s.first - 1]
    return ERROR


def insert_log_element(s, b):
    if s.next < s.buffer_size and s.buffer_size > 0:
        s.buffer[s.next] = b
        s.next = (s.next + 1) % s.buffer_size
        return b
    return ERROR


def t1(s):
    for i in range(N):
        with s.m:
            if s.send:
                insert_log_element(s, i)
                s.send = False
                s.receive = True


def t2(s):
    for i in range(N):
        with s.m:
            if s.receive:
                got = remove_log_element(s)
                if got != i:   # BAD: assert(removeLogElement() == i)
                    s.error = f"t2 removed {got} in its iteration {i}"
                s.receive = False
                s.send = True


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
