"""Two readers upgrade their read lock to a write lock: each waits for the other to stop reading.

Not a port of one file: the upgrade deadlock of reader-writer locks (Java's
ReentrantReadWriteLock documents that a read lock cannot be upgraded; Fray's integration
tests include a ReentrantReadWriteLock deadlock). A correct reader-writer lock on a
Condition; each of two threads reads a value under the read lock and, still holding it,
acquires the write lock to update it. The write lock waits until no reader is inside, so if
both threads hold the read lock, both wait for ever. (If one finishes its update before the
other reads, all is well.)
"""
import threading

SOURCE = "pattern: read-to-write upgrade"
KIND = "resource deadlock"


class RWLock:
    def __init__(self):
        self.cond = threading.Condition()
        self.readers = 0
        self.writer = False

    def acquire_read(self):
        with self.cond:
            while self.writer:
                self.cond.wait()
            self.readers += 1

    def release_read(self):
        with self.cond:
            self.readers -= 1
            if self.readers == 0:
                self.cond.notify_all()

    def acquire_write(self, own_reads=0):
        with self.cond:
            while self.writer or self.readers > own_reads:
                self.cond.wait()
            self.writer = True

    def release_write(self):
        with self.cond:
            self.writer = False
            self.cond.notify_all()


class State:
    def __init__(self):
        self.rw = RWLock()
        self.value = 0


def setup():
    return State()


def upgrader(s):
    s.rw.acquire_read()
    v = s.value
    s.rw.acquire_write(own_reads=1)   # BAD: upgrade while holding the read lock
    s.value = v + 1
    s.rw.release_write()
    s.rw.release_read()


THREADS = [upgrader, upgrader]


def invariant(s):
    return True   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state)
