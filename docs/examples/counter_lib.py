"""A counter in a module of its own, imported by imported_counter.py."""


class Counter:
    def __init__(self):
        self.value = 0

    def increment(self):
        temp = self.value
        self.value = temp + 1
