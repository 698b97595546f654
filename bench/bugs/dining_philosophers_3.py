"""Three dining philosophers, each taking the left fork, then the right (lock-order deadlock).

Dijkstra's dining philosophers, the classic of the CHESS paper's and SCTBench's suites
(SCTBench's CS/din_phil*_sat and chess/diningphil.cpp are variants; simconc's
scenarios/dining_philosophers.py is the same program). Three forks are locks; each
philosopher takes the fork on the left, then the one on the right, eats, and puts them down.
If every philosopher holds the left fork, each waits for the next one's: a cycle.
"""
import threading

SOURCE = "classic (SCTBench din_phil, CHESS)"
KIND = "lock-order deadlock"

N = 3


class State:
    def __init__(self):
        self.forks = [threading.Lock() for _ in range(N)]
        self.meals = 0


def setup():
    return State()


def philosopher(s, i):
    left, right = s.forks[i], s.forks[(i + 1) % N]
    with left:
        with right:   # BAD: every philosopher takes the left fork first
            s.meals += 1


def philosopher0(s):
    philosopher(s, 0)


def philosopher1(s):
    philosopher(s, 1)


def philosopher2(s):
    philosopher(s, 2)


THREADS = [philosopher0, philosopher1, philosopher2]


def invariant(s):
    return s.meals == N   # the bug is the deadlock


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state)
