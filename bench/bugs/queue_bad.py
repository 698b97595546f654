"""Queue: the consumer's loop index is taken for the element's index (order violation).

Ported from SCTBench: CS/queue_bad.c (concurrent-software-benchmarks). t1 enqueues 0, then in
each iteration in which it may enqueue it enqueues the next value and records it in
stored_elements[i+1]; t2, in iteration i, dequeues if it may and asserts the element equals
stored_elements[i]. All under one mutex, but t2's iterations in which it may not dequeue shift
its index against the queue's contents, and the assert fails (SCTBench's bug). Two threads as
in the original; SIZE (the queue's capacity and the loops' length) is 5 here instead of 20 so
that exhaustive exploration stays small.
"""
import threading

SOURCE = "SCTBench CS/queue_bad (smaller)"
KIND = "order violation"

SIZE = 5
EMPTY = -1


class State:
    def __init__(self):
        self.m = threading.Lock()
        self.element = [0] * (SIZE + 1)
        self.head = 0
        self.tail = 0
        self.amount = 0
        self.stored_elements = [0] * SIZE
        self.enqueue_flag = True
        self.dequeue_flag = False
        self.error = None


def setup():
    return State()


def empty(q):
    return EMPTY if q.head == q.tail else 0


def enqueue(q, x):
    q.element[q.tail] = x
    q.amount += 1
    if q.tail == SIZE:
        q.tail = 1
    else:
        q.tail += 1
    return 0


def dequeue(q):
    x = q.element[q.head]
    q.amount -= 1
    if q.head == SIZE:
        q.head = 1
    else:
        q.head += 1
    return x


def t1(q):
    with q.m:
        value = 0
        enqueue(q, value)
        q.stored_elements[0] = value
        assert empty(q) != EMPTY
    for i in range(SIZE - 1):
        with q.m:
            if q.enqueue_flag:
                value += 1
                enqueue(q, value)
                q.stored_elements[i + 1] = value
                q.enqueue_flag = False
                q.dequeue_flag = True


def t2(q):
    for i in range(SIZE):
        with q.m:
            if q.dequeue_flag:
                got = dequeue(q)
                if got != q.stored_elements[i]:   # BAD
                    q.error = (f"t2 dequeued {got} in its iteration {i}, "
                               f"expected stored_elements[{i}] = {q.stored_elements[i]}")
                q.dequeue_flag = False
                q.enqueue_flag = True


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
