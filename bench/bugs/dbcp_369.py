"""DBCP: registerNewInstance iterates the instance map while an unsynchronized remove changes it.

Ported from JaConTeBe: dbcp 369 (https://issues.apache.org/jira/browse/DBCP-369, commons-dbcp
1.2, "race"; JaConTeBe's Dbcp369, also in the Fray paper's JaConTeBe set).
InstanceKeyObjectFactory.registerNewInstance is synchronized and iterates instanceMap's keys
to find the largest; removeInstance is not synchronized and removes a key: a removal between
two steps of the iteration makes the HashMap's iterator throw ConcurrentModificationException
(its modCount no longer matches the one it started with). java.util.HashMap's fail-fast
iterator is written out here (a key list and a modCount checked at each next()); two threads
as in the original, with two instances registered before.
"""
import threading

SOURCE = "JaConTeBe dbcp 369"
KIND = "iteration vs. removal race"


class ConcurrentModificationException(Exception):
    pass


class HashMap:
    def __init__(self):
        self.keys = []
        self.values = {}
        self.mod_count = 0

    def put(self, key, value):
        if key not in self.values:
            self.keys.append(key)
            self.mod_count += 1
        self.values[key] = value

    def remove(self, key):
        if key in self.values:
            del self.values[key]
            self.keys = [k for k in self.keys if k != key]
            self.mod_count += 1

    def key_iterator(self):
        expected = self.mod_count
        table = self.keys   # the iterator walks the table it started on
        for key in table:
            if self.mod_count != expected:   # HashIterator.nextEntry
                raise ConcurrentModificationException("HashMap changed during iteration")
            yield key


class InstanceKeyObjectFactory:
    def __init__(self):
        self.lock = threading.Lock()   # static synchronized
        self.instance_map = HashMap()

    def register_new_instance(self, ds):
        with self.lock:
            largest = 0
            for key in self.instance_map.key_iterator():
                largest = max(largest, int(key))
            key = str(largest + 1)
            self.instance_map.put(key, ds)
            return key

    def remove_instance(self, key):   # BAD: not synchronized
        self.instance_map.remove(key)


class State:
    def __init__(self):
        self.factory = InstanceKeyObjectFactory()
        self.factory.register_new_instance("ds-1")
        self.factory.register_new_instance("ds-2")
        self.errors = []


def setup():
    return State()


def register(s):
    try:
        s.factory.register_new_instance("ds-3")
    except ConcurrentModificationException as e:
        s.errors.append(f"ConcurrentModificationException: {e}")


def remove(s):
    s.factory.remove_instance("1")


THREADS = [register, remove]


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
