"""A barrier between the phases of a stencil, but none between a phase's reads and its writes.

Not a port of one file: the phase bug of iterative, barrier-synchronised codes (the SPLASH-2
programs of SCTBench's splash2 set are built this way). Two workers each own one cell: in
phase 1 each writes its cell, then both meet at a barrier, then each reads its neighbour's
cell and overwrites its own with the sum for phase 2. A second barrier belongs between the
reads and the writes of phase 2; without it, a worker can overwrite its cell before its
neighbour has read the phase-1 value, and the neighbour sums a phase-2 value. Two workers
and a threading.Barrier(2).
"""
import threading

SOURCE = "pattern: missing barrier"
KIND = "barrier misuse"


class State:
    def __init__(self):
        self.barrier = threading.Barrier(2)
        self.cell = [0, 0]
        self.read = [None, None]


def setup():
    return State()


def step(s, i):
    s.cell[i] = i + 1                 # phase 1
    s.barrier.wait()
    neighbour = s.cell[1 - i]         # phase 2 reads ...
    s.read[i] = neighbour
    # BAD: a barrier.wait() belongs here
    s.cell[i] = s.cell[i] + neighbour  # ... and writes


def worker0(s):
    step(s, 0)


def worker1(s):
    step(s, 1)


THREADS = [worker0, worker1]


def invariant(s):
    return s.read == [2, 1]   # each read its neighbour's phase-1 value


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), (f"the workers read {state.read} from their neighbours, "
                              f"not their phase-1 values [2, 1]")
