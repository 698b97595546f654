"""A test module's globals as a test began, put back before each execution of it.

The pytest plugin runs a test's body once per execution, in the same process: what the body
leaves in its module's globals (a list it appends to, a counter it rebinds, an attribute of an
object of the module's) would be there when the next execution begins, so that every execution
after the first would start from another state, which its schedule token does not replay. Each
execution starts from the state the test began with instead, as one pytest run of it does.

The state put back is shallow: each global's binding, the contents of a list, dict, set,
bytearray or deque bound to one, and the attributes of an object of a class the module defines.
What lies deeper (a dict inside a list) is the program's own to reset.
"""
from __future__ import annotations

import collections
import types
from typing import Any

_CONTAINERS = (list, dict, set, bytearray, collections.deque)


#: Values a global holds as data (what a test rebinds: ``total = 0``), as opposed to code or
#: machinery (a module, a class, a function, a lock), which a run rebinds to the face itself.
_VALUES = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset)


class ModuleState:
    """``module``'s globals as they are now, to :meth:`restore` later."""

    __slots__ = ("namespace", "data", "contents", "attributes")

    def __init__(self, module: types.ModuleType) -> None:
        self.namespace = vars(module)
        self.data: dict[str, Any] = {}
        self.contents: list[tuple[Any, Any]] = []
        self.attributes: list[tuple[dict, dict]] = []
        for name, value in self.namespace.items():
            if name.startswith("__"):
                continue
            if isinstance(value, _CONTAINERS):
                self.contents.append((value, value.copy()))
            elif _owns(module, value):
                self.attributes.append((vars(value), dict(vars(value))))
            elif not isinstance(value, _VALUES):
                continue
            self.data[name] = value

    def restore(self) -> None:
        namespace = self.namespace
        for name in [name for name, value in namespace.items()
                     if name not in self.data and not name.startswith("__") and _is_data(value)]:
            del namespace[name]   # (a global the test added)
        namespace.update(self.data)
        for container, saved in self.contents:
            container.clear()
            if isinstance(container, (dict, set)):
                container.update(saved)
            else:   # (list, bytearray, deque)
                container.extend(saved)
        for attributes, saved in self.attributes:
            attributes.clear()
            attributes.update(saved)


def _owns(module: types.ModuleType, value: Any) -> bool:
    """Whether ``value`` is an object of a class ``module`` defines (its attributes are data)."""
    return type(value).__module__ == module.__name__ and not isinstance(value, type) \
        and isinstance(getattr(value, "__dict__", None), dict)


def _is_data(value: Any) -> bool:
    return isinstance(value, _VALUES + _CONTAINERS)
