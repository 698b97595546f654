"""A forked child gets a copy of its parent's memory, not a pickle of it: objects whose pickling
fails, exits, or has a side effect reach the child as they are, and nothing is pickled."""
import multiprocessing as mp
import sys

reduced = []


class Unpicklable:
    def __init__(self, text):
        self.text = text

    def __reduce__(self):
        raise TypeError("no pickling")


class ExitsWhenUnpickled:
    def __init__(self):
        self.n = 7

    def __reduce__(self):
        return sys.exit, (3,)


class Counted:
    def __getstate__(self):
        reduced.append("getstate")
        return {"k": 1}

    def __setstate__(self, state):
        reduced.append("setstate")
        self.__dict__.update(state)


def work(a, b, c):
    c.k = 2
    print(mp.current_process().name, a.text, b.n, vars(c), reduced)
    sys.stdout.flush()


if __name__ == "__main__":
    mp.set_start_method("fork")
    held = Unpicklable("in __main__")
    p = mp.Process(target=work, args=(Unpicklable("an argument"), ExitsWhenUnpickled(), Counted()))
    p.start()
    p.join()
    print("exit code", p.exitcode, held.text, reduced)
