"""Each process has its own environment and its own random numbers: a child starts with a
copy of its parent's environment, and what it sets there stays its own; CPython reseeds
``random`` in a forked child, so the child's draws leave its parent's sequence alone."""
import multiprocessing as mp
import os
import random


def child():
    print("child sees STAGE =", os.environ["STAGE"])
    os.environ["STAGE"] = "changed by the child"
    random.random()
    random.random()


if __name__ == "__main__":
    os.environ["STAGE"] = "set by the parent"
    random.seed(2017)
    p = mp.Process(target=child)
    p.start()
    p.join()
    print("parent sees STAGE =", os.environ["STAGE"])
    print("parent's first number:", round(random.random(), 6),
          "=", round(random.Random(2017).random(), 6))
