"""Woken, but not yet running: the notifier checks the waiter's flag right after notify().

Ported from the Fray paper's benchmark programs: fraybench
RescheduleBeforeWaitReacquireMonitorLock.java (cmu-pasta/fray-benchmark, bms/fraybench/.../
fail/). A thread counts down a latch and waits on a monitor, then sets a flag; the main
thread, once the latch is down, notifies under the monitor, yields, takes the monitor again
and expects the flag to be set. A notified thread must still get the monitor back before it
runs, and the main thread can take the monitor first: "flag is false". Java's monitor is a
Condition, its CountDownLatch a small latch on a Condition, Thread.yield() a time.sleep(0).
Threads as in the original: the waiter and the notifier (the main thread there).
"""
import threading
import time

SOURCE = "Fray benchmark RescheduleBeforeWait..."
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
        self.o = threading.Condition()
        self.latch = CountDownLatch(1)
        self.flag = False
        self.errors = []


def setup():
    return State()


def waiter(s):
    with s.o:
        s.latch.count_down()
        s.o.wait()
        s.flag = True


def notifier(s):   # the original's main thread
    s.latch.wait()
    with s.o:
        s.o.notify()
    time.sleep(0)   # Thread.yield()
    with s.o:
        if not s.flag:   # BAD: the waiter may not have run yet
            s.errors.append("RuntimeException: flag is false")


THREADS = [waiter, notifier]


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
