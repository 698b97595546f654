class SelfRemoving:
    """Resolves once: stores the value on the instance, then removes itself from the class."""

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner):
        setattr(obj, self.name, 42)
        delattr(owner, self.name)
        return 42


class Holder:
    pass
