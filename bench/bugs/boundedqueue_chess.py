"""Bounded queue: `if`, not `while`, around Monitor.Wait, and Pulse wakes one waiter (deadlock).

Ported from SCTBench: chess-m/boundedqueue.cs (the managed CHESS test suite; CHESS reports a
deadlock for it). A queue bounded at 2 under one monitor: Enqueue waits once `if` the queue is
full and pulses when it holds one element; Dequeue waits once `if` it is empty and pulses when
it holds bound - 1. With one monitor for both conditions, a pulse can wake the wrong kind of
thread, and a pulse is only sent on those two counts: the threads can all end up waiting.
(With `if`, a woken thread also goes on without checking again, so the queue can overflow
or the consumer can dequeue from an empty queue.) The test, as in the original but smaller:
two producers enqueue 0, 1 each (0, 1, 2 there), one consumer dequeues 3 elements (4 there)
and asserts i >= the element it got in its iteration i, and at the end the queue must hold
the one element left (2 there). The original's sizes give 16,584 traces to explore, these
480; both deadlock. Monitor.Wait/Pulse are a
Condition's wait/notify.
"""
import threading

SOURCE = "SCTBench chess-m/boundedqueue (CHESS, smaller)"
KIND = "if-not-while wait, deadlock"

BOUND = 2
PRODUCED = 2   # by each producer (3 in the original)
CONSUMED = 3   # by the consumer (4 in the original)


class BoundedQueue:
    def __init__(self, bound):
        self.monitor = threading.Condition()   # lock (this), Monitor.Wait/Pulse
        self.queue = []
        self.bound = bound

    def enqueue(self, element):
        with self.monitor:
            if len(self.queue) == self.bound:   # BAD: if, not while
                self.monitor.wait()
            self.queue.append(element)
            if len(self.queue) == 1:
                self.monitor.notify()

    def dequeue(self):
        with self.monitor:
            if len(self.queue) == 0:   # BAD: if, not while
                self.monitor.wait()
            if not self.queue:
                raise IndexError("Dequeue from an empty queue")   # queue.First is null
            element = self.queue.pop(0)
            if len(self.queue) == self.bound - 1:
                self.monitor.notify()
        return element

    def size(self):
        with self.monitor:
            return len(self.queue)


class State:
    def __init__(self):
        self.queue = BoundedQueue(BOUND)
        self.errors = []


def setup():
    return State()


def producer1(s):
    for i in range(PRODUCED):
        s.queue.enqueue(i)


def producer2(s):
    for i in range(PRODUCED):
        s.queue.enqueue(i)


def consumer(s):
    for i in range(CONSUMED):
        try:
            element = s.queue.dequeue()
        except IndexError as e:
            s.errors.append(f"the consumer's dequeue {i} failed: {e}")
            return
        if not i >= element:   # Debug.Assert(i >= queue.Dequeue())
            s.errors.append(f"the consumer's dequeue {i} got {element}")


THREADS = [producer1, producer2, consumer]


def invariant(s):
    size = len(s.queue.queue)
    if size != 2 * PRODUCED - CONSUMED and not s.errors:
        s.errors.append(f"the queue holds {size} elements at the end, "
                        f"not {2 * PRODUCED - CONSUMED}")
    return not s.errors


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), state.errors[0]
