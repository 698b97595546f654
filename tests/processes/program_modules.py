import importlib
import multiprocessing as mp
import sys

import mylib
from mylib import Tally, registry


def child(tag, tally):
    mylib.bump(10)
    tally.add()
    Tally.total += 1
    registry.note(f"child {tag}")
    late = importlib.import_module("mylib.late")
    print(tag, mylib.counter, mylib.log, Tally.total, registry.notes, late.imports,
          type(tally) is Tally)
    sys.stdout.flush()


def show(q):
    item = q.get()
    print("got", type(item) is Tally, item.n, Tally.total, mylib.counter)
    sys.stdout.flush()


if __name__ == "__main__":
    mylib.bump(1)
    Tally(5).add()
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        p = ctx.Process(target=child, args=(method, Tally(7)))
        p.start()
        p.join()
        print("parent", mylib.counter, mylib.log, Tally.total, registry.notes,
              "mylib.late" in sys.modules)
        q = ctx.Queue()
        r = ctx.Process(target=show, args=(q,))
        r.start()
        q.put(Tally(3))
        r.join()
    with mp.Pool(2) as pool:
        print(pool.map(mylib.square, range(5)), mylib.counter)
    import mylib.late
    print("late", mylib.late.imports, mylib.counter)
