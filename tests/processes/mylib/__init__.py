"""A package of the program's (tests/processes/program_modules.py): its state is each process's."""
from . import registry

counter = 0
log = []


class Tally:
    total = 0   # (a class attribute: a fork copies it too)

    def __init__(self, n):
        self.n = n

    def add(self):
        Tally.total += self.n
        return Tally.total


def bump(n=1):
    global counter
    counter += n
    log.append(n)
    registry.note(f"bump {n}")
    return counter


def square(x):
    bump()
    return x * x
