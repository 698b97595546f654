"""A reader-writer lock whose writers wait for readers but not for each other.

Not a port of one file: a reader-writer lock of the kind the CHESS suite tests (chess/SRWLock*
.cpp in SCTBench exercise Windows' slim reader/writer lock), written with a Condition in the
usual Python way, with one mistake: acquire_write waits while there are readers, but not
while another writer holds the lock. Two writers can then be inside at once (the invariant:
a writer is alone inside). Threads: two writers and one reader.
"""
import threading

SOURCE = "pattern: reader-writer lock"
KIND = "reader-writer lock"


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

    def acquire_write(self):
        with self.cond:
            while self.readers > 0:   # BAD: should also wait while self.writer
                self.cond.wait()
            self.writer = True

    def release_write(self):
        with self.cond:
            self.writer = False
            self.cond.notify_all()


class State:
    def __init__(self):
        self.rw = RWLock()
        self.inside = []   # who is inside: "w" for a writer, "r" for a reader
        self.errors = []


def setup():
    return State()


def writer(s):
    s.rw.acquire_write()
    s.inside.append("w")
    if s.inside != ["w"]:
        s.errors.append(f"a writer is not alone inside: {s.inside}")
    s.inside.remove("w")
    s.rw.release_write()


def reader(s):
    s.rw.acquire_read()
    s.inside.append("r")
    if "w" in s.inside:
        s.errors.append(f"a reader is inside with a writer: {s.inside}")
    s.inside.remove("r")
    s.rw.release_read()


THREADS = [writer, writer, reader]


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
