"""commons-pool: the evictor makes an object, then adds it; a borrower in between makes another.

Ported from JaConTeBe: pool 120 (https://issues.apache.org/jira/browse/POOL-120, commons-pool
1.4 snapshot, "race"; JaConTeBe's Test120). The evictor's ensureMinIdle asks
calculateDeficit() (synchronized: minIdle - numIdle, capped by maxActive - numActive -
numIdle) and calls addObject(), which calls factory.makeObject() and only then, synchronized
on the pool, adds the object to the idle list; borrowObject, synchronized on the pool, takes
an idle object if there is one and otherwise calls makeObject() itself, outside the lock. The
test's factory counts the objects it made and throws "Too many active instances" past
maxActive: in the interleaving of JaConTeBe's description, the borrower looks at the idle list
between the evictor's makeObject() and its addObjectToPool(), finds it empty and makes a
second object. Precondition as there: maxActive is N and N - 1 objects are borrowed (N = 2
here), minIdle 1, no idle object; thread 1 is the evictor, thread 2 the borrower.
"""
import threading

SOURCE = "JaConTeBe pool 120"
KIND = "check-then-act"

MAX_ACTIVE = 2
MIN_IDLE = 1


class Factory:
    def __init__(self):
        self.monitor = threading.Lock()
        self.active_count = MAX_ACTIVE - 1   # N - 1 objects borrowed already
        self.errors = []

    def make_object(self):
        with self.monitor:
            self.active_count += 1
            if self.active_count > MAX_ACTIVE:
                self.errors.append(f"IllegalStateException: Too many active instances: "
                                   f"{self.active_count}")
                return None
        return object()


class GenericObjectPool:
    def __init__(self, factory):
        self.monitor = threading.RLock()
        self.factory = factory
        self.pool = []                     # idle objects
        self.num_active = MAX_ACTIVE - 1   # borrowed

    def calculate_deficit(self):
        with self.monitor:
            deficit = MIN_IDLE - len(self.pool)
            grow_limit = max(0, MAX_ACTIVE - self.num_active - len(self.pool))
            return min(deficit, grow_limit)

    def ensure_min_idle(self):   # the evictor
        deficit = self.calculate_deficit()
        for _ in range(deficit):
            if self.calculate_deficit() <= 0:
                break
            self.add_object()

    def add_object(self):
        obj = self.factory.make_object()
        with self.monitor:   # BAD: made outside the pool's lock, added inside
            self.pool.append(obj)

    def borrow_object(self):
        with self.monitor:
            pair = self.pool.pop(0) if self.pool else None
        if pair is None:
            pair = self.factory.make_object()
        with self.monitor:
            self.num_active += 1
        return pair


class State:
    def __init__(self):
        self.factory = Factory()
        self.pool = GenericObjectPool(self.factory)


def setup():
    return State()


def evictor(s):
    s.pool.ensure_min_idle()


def borrower(s):
    s.pool.borrow_object()


THREADS = [evictor, borrower]


def invariant(s):
    return not s.factory.errors


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), state.factory.errors[0]
