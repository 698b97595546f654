"""Work-stealing queue: the owner's push overwrites a slot a thief is stealing (CHESS's BUG3).

Ported from SCTBench: chess/WorkStealQueue.cpp and WorkStealQueue.h (the CHESS paper's
work-stealing queue, Cilk's THE protocol, with the bug SCTBench enables, BUG3). The owner
pushes and pops at the tail without a lock; a thief steals at the head under the queue's lock.
Push's capacity check should leave one slot free (t < head + mask) so that a push cannot
overwrite the element a concurrent steal has just claimed; with BUG3 it checks
t < head + mask + 1, and an item can be taken twice while another is lost. Every item must be
operated on exactly once. As in the original: the owner (the main thread there, a worker
here) pushes and pops 4 items through a queue of initial size 2, and one stealer makes 2
steal attempts. The lock-free reads and writes of head and tail (interlocked there) are plain
attribute accesses, each one step.
"""
import threading

SOURCE = "SCTBench chess/WorkStealQueue (CHESS)"
KIND = "lock-free race (work stealing)"

INITQSIZE = 2          # must be a power of 2
N_STEALERS = 1
N_ITEMS = 4
N_STEAL_ATTEMPTS = 2
MAX_SIZE = 1024 * 1024
INITIAL_SIZE = 1024


class ObjType:
    def __init__(self):
        self.field = 0

    def operation(self):
        self.field += 1


class WorkStealQueue:
    def __init__(self, size):
        self.lock = threading.Lock()   # SpinLock
        self.head = 0
        self.tail = 0
        self.mask = size - 1
        self.elems = [None] * size

    def steal(self):
        with self.lock:
            h = self.head
            self.head = h + 1
            if h < self.tail:
                return True, self.elems[h & self.mask]
            self.head = h   # failure: restore the head
            return False, None

    def pop(self):
        t = self.tail - 1
        self.tail = t
        if self.head <= t:
            return True, self.elems[t & self.mask]
        self.tail = t + 1   # failure: restore the tail
        return self.sync_pop()

    def sync_pop(self):
        with self.lock:
            t = self.tail - 1
            self.tail = t
            if self.head <= t:
                result, found = self.elems[t & self.mask], True
            else:
                self.tail = t + 1
                result, found = None, False
            if self.head > t:   # empty: reset head and tail
                self.head = 0
                self.tail = 0
                found = False
            return found, result

    def push(self, elem):
        t = self.tail
        # Correct: if t < self.head + self.mask and t < MAX_SIZE
        if t < self.head + self.mask + 1 and t < MAX_SIZE:   # BUG3
            self.elems[t & self.mask] = elem
            self.tail = t + 1
        else:
            self.sync_push(elem)

    def sync_push(self, elem):
        with self.lock:
            h = self.head
            count = self.tail - h
            h = h & self.mask
            self.head = h
            self.tail = h + count
            if count >= self.mask:
                newsize = INITIAL_SIZE if self.mask == 0 else 2 * (self.mask + 1)
                assert newsize < MAX_SIZE
                newtasks = [None] * newsize
                for i in range(count):
                    newtasks[i] = self.elems[(h + i) & self.mask]
                self.elems = newtasks
                self.mask = newsize - 1
                self.head = 0
                self.tail = count
            assert count < self.mask
            t = self.tail
            self.elems[t & self.mask] = elem
            self.tail = t + 1


class State:
    def __init__(self):
        self.items = [ObjType() for _ in range(N_ITEMS)]
        self.q = WorkStealQueue(INITQSIZE)


def setup():
    return State()


def owner(s):
    q = s.q
    for i in range(N_ITEMS // 2):
        q.push(s.items[2 * i])
        q.push(s.items[2 * i + 1])
        found, r = q.pop()
        if found:
            r.operation()
    for i in range(N_ITEMS // 2):
        found, r = q.pop()
        if found:
            r.operation()


def stealer(s):
    for i in range(N_STEAL_ATTEMPTS):
        found, r = s.q.steal()
        if found:
            r.operation()


THREADS = [owner] + [stealer] * N_STEALERS


def invariant(s):
    return all(item.field == 1 for item in s.items)


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    fields = [item.field for item in state.items]
    assert invariant(state), f"each item must be operated on once; the counts are {fields}"
