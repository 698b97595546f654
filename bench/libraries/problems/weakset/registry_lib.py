import weakref


class Item:
    pass


class Registry:
    def __init__(self, kind):
        self.items = weakref.WeakSet() if kind == "weak" else set()

    def add(self, item):
        self.items.add(item)

    def count(self):
        return len(self.items)
