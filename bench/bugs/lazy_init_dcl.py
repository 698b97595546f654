"""Double-checked lazy initialisation that publishes the object before filling it in.

Not a port of one file: the lazy-initialisation bug the CHESS and SCTBench suites test
(chess/lazyinit*.cpp, CS/lazy01_bad), in the shape of Java's broken double-checked locking
("The 'Double-Checked Locking is Broken' Declaration", Bacon et al.), written the way it goes
wrong in Python: get_config() checks the shared config without the lock, then under the lock
checks again, publishes an empty dict and fills it in. A second thread that arrives after the
dict is published but before it is filled skips the lock and reads a key that is not there
yet. Two threads call get_config().
"""
import threading

SOURCE = "pattern: double-checked locking"
KIND = "lazy initialisation"


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.config = None
        self.errors = []


def setup():
    return State()


def load_config():
    return {"db": "postgres://db", "pool": 4}


def get_config(s):
    if s.config is None:               # first check, without the lock
        with s.lock:
            if s.config is None:       # second check, under the lock
                s.config = {}          # BAD: published before it is filled in
                for key, value in load_config().items():
                    s.config[key] = value
    return s.config


def user(s):
    config = get_config(s)
    if "db" not in config:
        s.errors.append(f"a thread got the config before it was filled in: {config!r}")


THREADS = [user, user]


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
