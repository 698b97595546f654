"""File.mkdirs: "the parent already exists" is taken for failure when another thread made it (race).

Ported from JaConTeBe: JDK 4742723 (https://bugs.openjdk.java.net/browse/JDK-4742723,
JDK 1.6.0, "race"; JaConTeBe's Test4742723). File.mkdirs() returns false if the directory
exists, returns true if mkdir() succeeds, and otherwise makes the parent with
parent.mkdirs() and then the directory. Two threads make base/a and base/b, neither of which
exists, nor does base: if t1 creates base between t2's failed mkdir(base/b) and t2's
base.mkdirs(), that call finds base existing, returns false, and t2 gives up: base/b is never
made (the test's "Two directories are expected to be created, but only one is created").
The file system is a set of paths under a lock (each mkdir is atomic); two threads as in
the original.
"""
import threading

SOURCE = "JaConTeBe JDK 4742723"
KIND = "check-then-act"


class FileSystem:
    def __init__(self):
        self.lock = threading.Lock()
        self.dirs = {"/"}

    def exists(self, path):
        with self.lock:
            return path in self.dirs

    def mkdir(self, path):
        with self.lock:
            if path in self.dirs or parent(path) not in self.dirs:
                return False
            self.dirs.add(path)
            return True


def parent(path):
    head = path.rsplit("/", 1)[0]
    return head or "/"


def mkdirs(fs, path):
    if fs.exists(path):
        return False   # BAD: false also when another thread just made it
    if fs.mkdir(path):
        return True
    p = parent(path)
    return p is not None and mkdirs(fs, p) and fs.mkdir(path)


class State:
    def __init__(self):
        self.fs = FileSystem()


def setup():
    return State()


def t1(s):
    mkdirs(s.fs, "/base/a")


def t2(s):
    mkdirs(s.fs, "/base/b")


THREADS = [t1, t2]


def invariant(s):
    return "/base/a" in s.fs.dirs and "/base/b" in s.fs.dirs


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    made = sorted(d for d in state.fs.dirs if d.startswith("/base/"))
    assert invariant(state), f"two directories are expected to be created, but only {made} were"
