"""Groovy RootLoader: two threads both find a class not loaded, and both define it (check-then-act).

Ported from JaConTeBe: groovy 3495 (http://jira.codehaus.org/browse/GROOVY-3495, groovy 1.7.9,
"race"; JaConTeBe's Groovy3495, also in the Fray paper's JaConTeBe set). RootLoader.loadClass
calls findLoadedClass(name), then looks in its customClasses, then calls oldFindClass(name),
which defines the class; the JVM's record of defined classes is consistent, but the check and
the definition are two steps: if a second thread loads the same class between them, the first
one's defineClass throws LinkageError: "attempted duplicate class definition". Two threads
load "groovy/beans/Bindable", as in JaConTeBe's test; the JVM's class table is a dict under a
lock here.
"""
import threading

SOURCE = "JaConTeBe groovy 3495"
KIND = "check-then-act"


class JVM:
    def __init__(self):
        self.lock = threading.Lock()
        self.defined = {}

    def find_loaded_class(self, name):
        with self.lock:
            return self.defined.get(name)

    def define_class(self, name):
        with self.lock:
            if name in self.defined:
                raise LookupError(f"LinkageError: attempted duplicate class definition for "
                                  f"name: {name!r}")
            cls = ("class", name)
            self.defined[name] = cls
            return cls


class RootLoader:
    def __init__(self):
        self.jvm = JVM()
        self.custom_classes = {}

    def load_class(self, name):
        c = self.jvm.find_loaded_class(name)
        if c is not None:
            return c
        c = self.custom_classes.get(name)
        if c is not None:
            return c
        return self.jvm.define_class(name)   # oldFindClass: BAD, not checked again


class State:
    def __init__(self):
        self.loader = RootLoader()
        self.errors = []


def setup():
    return State()


def load(s):
    try:
        s.loader.load_class("groovy/beans/Bindable")
    except LookupError as e:
        s.errors.append(str(e))


THREADS = [load, load]


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
