"""log4j AsyncAppender: producers and the consumer wait on one monitor, and notify() wakes one.

Ported from JaConTeBe: log4j 38137 (https://issues.apache.org/bugzilla/show_bug.cgi?id=38137,
log4j 1.2.13, "wait-notify deadlock"; JaConTeBe's Test38137, also in the Fray paper's
JaConTeBe set). AsyncAppender.append waits on the BoundedFIFO while it is full, puts the
event, and notify()s if the buffer was empty; the Dispatcher thread waits on the same
BoundedFIFO while it is empty, gets an event and notify()s if the buffer was full. One notify
wakes one waiter, which may be another appender instead of the dispatcher: then every thread
waits (the thread dump in JaConTeBe's description). The original runs 10 appenders of 50
events each against a buffer of 128 ("almost full"); here 2 appenders of 2 events each, a
buffer of 1 and a dispatcher that dispatches the 4 events and stops (the original's is a
daemon that loops for ever). A Condition's wait/notify are Java's wait/notify; CPython wakes
waiters in the order they waited, which still lets an appender be woken instead of the
dispatcher.
"""
import threading

SOURCE = "JaConTeBe log4j 38137"
KIND = "wait-notify deadlock"

BUFFER_SIZE = 1
APPENDERS = 2
EVENTS = 2   # by each appender


class BoundedFIFO:
    def __init__(self, size):
        self.monitor = threading.Condition()   # synchronized (bf), bf.wait(), bf.notify()
        self.buf = []
        self.max_size = size

    def is_full(self):
        return len(self.buf) == self.max_size

    def was_empty(self):   # after a put: it held nothing before
        return len(self.buf) == 1

    def was_full(self):    # after a get: it was full before
        return len(self.buf) + 1 == self.max_size


class State:
    def __init__(self):
        self.bf = BoundedFIFO(BUFFER_SIZE)
        self.dispatched = []


def setup():
    return State()


def append(s, event):
    bf = s.bf
    with bf.monitor:
        while bf.is_full():
            bf.monitor.wait()
        bf.buf.append(event)
        if bf.was_empty():
            bf.monitor.notify()   # BAD: may wake another appender, not the dispatcher


def appender(s):
    name = threading.current_thread().name
    for i in range(EVENTS):
        append(s, (name, i))


def dispatcher(s):
    bf = s.bf
    for _ in range(APPENDERS * EVENTS):
        with bf.monitor:
            while len(bf.buf) == 0:
                bf.monitor.wait()
            event = bf.buf.pop(0)
            if bf.was_full():
                bf.monitor.notify()   # BAD: may wake an appender that cannot go on
        s.dispatched.append(event)


THREADS = [dispatcher] + [appender] * APPENDERS


def invariant(s):
    return len(s.dispatched) == APPENDERS * EVENTS   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), f"{len(state.dispatched)} events dispatched"
