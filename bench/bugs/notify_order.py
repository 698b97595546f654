"""Notify order: two waiters woken by two notify()s; the second assumes the first ran before it.

Ported from the Fray paper's benchmark programs: fraybench NotifyOrder.java (cmu-pasta/
fray-benchmark, bms/fraybench/.../fail/NotifyOrder.java). t1 and t2 each wait on one monitor
after counting down a latch; the main thread, once the latch is at zero, notifies twice
while holding the monitor. t2, once woken, expects t1 to have set the flag already, but the
order in which the two woken threads get the monitor back is not fixed: if t2 gets it first,
it throws "flag is false". Java's monitor is a Condition, its CountDownLatch a small latch on
a Condition, and the flag (an AtomicBoolean) an attribute. Threads as in the original: t1, t2
and the notifier (the main thread there).
"""
import threading

SOURCE = "Fray benchmark NotifyOrder"
KIND = "wake-up order"


class CountDownLatch:
    def __init__(self, count):
        self.cond = threading.Condition()
        self.count = count

    def count_down(self):
        with self.cond:
            self.count -= 1
            if self.count == 0:
                self.cond.notify_all()

    def wait(self):
        with self.cond:
            while self.count > 0:
                self.cond.wait()


class State:
    def __init__(self):
        self.o = threading.Condition()   # Object o: synchronized (o), o.wait(), o.notify()
        self.latch = CountDownLatch(2)
        self.flag = False
        self.errors = []


def setup():
    return State()


def t1(s):
    with s.o:
        s.latch.count_down()
        s.o.wait()
        s.flag = True


def t2(s):
    with s.o:
        s.latch.count_down()
        s.o.wait()
        if not s.flag:   # BAD: assumes t1 got the monitor back first
            s.errors.append("RuntimeException: flag is false")


def notifier(s):   # the original's main thread
    s.latch.wait()
    with s.o:
        s.o.notify()
        s.o.notify()


THREADS = [t1, t2, notifier]


def invariant(s):
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
