"""DBCP: close() locks the connection, then the pool; the evictor locks the pool, then it.

Ported from JaConTeBe: dbcp 270 (https://issues.apache.org/jira/browse/DBCP-270, commons-dbcp
1.2, "resource deadlock"; JaConTeBe's Dbcp270, also in the Fray paper's JaConTeBe set).
Thread1 closes a PoolableConnection: close() is synchronized on the connection and returns it
to the GenericObjectPool, whose addObjectToPool is synchronized on the pool. Thread2 runs the
pool's evictor: evict() is synchronized on the pool and validates each idle connection, which
creates a statement, whose AbandonedTrace.addTrace is synchronized on the connection. The two
monitors are taken in opposite orders (the thread dump in JaConTeBe's description). Java's
monitors are RLocks here; two threads as in the original.
"""
import threading

SOURCE = "JaConTeBe dbcp 270"
KIND = "lock-order deadlock"


class GenericObjectPool:
    def __init__(self):
        self.monitor = threading.RLock()
        self.idle = []

    def return_object(self, conn):
        self.add_object_to_pool(conn)

    def add_object_to_pool(self, conn):
        with self.monitor:   # synchronized: waits for the pool
            self.idle.append(conn)

    def evict(self):
        with self.monitor:   # synchronized (this)
            for conn in list(self.idle):
                conn.validate()


class PoolableConnection:
    def __init__(self, pool):
        self.monitor = threading.RLock()
        self.pool = pool
        self.traces = []
        self.closed = False

    def close(self):
        with self.monitor:   # synchronized close(): holds the connection ...
            self.closed = True
            self.pool.return_object(self)   # ... while it waits for the pool

    def validate(self):   # PoolableConnectionFactory.validateObject -> createStatement
        self.add_trace("SELECT 1")

    def add_trace(self, statement):
        with self.monitor:   # AbandonedTrace.addTrace: synchronized on the connection
            self.traces.append(statement)


class State:
    def __init__(self):
        self.pool = GenericObjectPool()
        self.conn = PoolableConnection(self.pool)
        # As in the thread dump, the evictor validates the connection Thread1 is closing.
        self.pool.idle.append(self.conn)


def setup():
    return State()


def thread1(s):   # closes its connection
    s.conn.close()


def thread2(s):   # the evictor
    s.pool.evict()


THREADS = [thread1, thread2]


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
