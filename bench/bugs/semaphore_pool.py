"""A connection pool guarded by a semaphore that is released before the connection is returned.

Not a port of one file: the resource-pool pattern of the tutorial's semaphore.py
(Semaphore(3), row 3 of simconc's scenarios) and of commons-pool (JaConTeBe's pool bugs), with
an ordering mistake: release() returns the permit to the semaphore before it puts the
connection back on the free list. A thread that gets that permit can find the free list empty
(IndexError: pop from empty list). Two connections, Semaphore(2) and three workers that each
take a connection and give it back.
"""
import threading

SOURCE = "pattern: semaphore-guarded pool"
KIND = "semaphore misuse"

CONNECTIONS = 2
WORKERS = 3


class Pool:
    def __init__(self):
        self.sem = threading.Semaphore(CONNECTIONS)
        self.lock = threading.Lock()
        self.free = [f"conn{i}" for i in range(CONNECTIONS)]

    def acquire(self):
        self.sem.acquire()
        with self.lock:
            return self.free.pop()

    def release(self, conn):
        self.sem.release()     # BAD: the permit is back before the connection is
        with self.lock:
            self.free.append(conn)


class State:
    def __init__(self):
        self.pool = Pool()
        self.errors = []


def setup():
    return State()


def worker(s):
    try:
        conn = s.pool.acquire()
    except IndexError as e:
        s.errors.append(f"a worker got a permit but no connection: IndexError: {e}")
        return
    s.pool.release(conn)


THREADS = [worker] * WORKERS


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
