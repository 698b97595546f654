"""The program's own module as an exploration began, put back before each of its executions.

An exploration of a callable (``simconc.explore(main)``; the pytest plugin's test body) runs it
once per execution, in the same process: what one execution leaves in the globals of the
callable's own module (a list it appends to, a counter it rebinds, an attribute of an object of
the module's) would be there when the next one begins, so that every execution after the first
would start from another state, which its schedule token does not replay, and the search would
plan from executions of different programs. Each execution starts from the state the
exploration began with instead (:func:`from_its_start`), and the exploration leaves the module
as it found it. Only the user's own module is: not simconc's, the standard library's or an
installed package's (:func:`.own_modules.is_programs`), whose state is theirs to keep.

The state put back is shallow: each global's binding, the contents of a list, dict, set,
bytearray or deque bound to one, and the attributes of an object of a class the module defines.
What lies deeper (a dict inside a list) is the program's own to reset.
"""
from __future__ import annotations

import collections
import contextlib
import types
from typing import Any, Callable, Iterator, Optional

from .own_modules import is_programs
from .patching import users_module

_CONTAINERS = (list, dict, set, bytearray, collections.deque)


#: Values a global holds as data (what a program rebinds: ``total = 0``), as opposed to code or
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
            del namespace[name]   # (a global an execution added)
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


def own_module(program: object) -> Optional[types.ModuleType]:
    """The module of the callable ``program`` (of the callable it wraps: ``__wrapped__``, the
    pytest plugin's body's test) if it is the user's own, which an exploration puts back; None
    for a scenario's path, or a callable of simconc's, the standard library's or an installed
    package's."""
    if not callable(program):
        return None
    module = users_module(getattr(program, "__wrapped__", program))
    return module if module is not None and is_programs(module.__name__, module) else None


def _nothing() -> None:
    pass


@contextlib.contextmanager
def from_its_start(program: object) -> Iterator[Callable[[], None]]:
    """Within the block, a function that puts ``program``'s own module (:func:`own_module`)
    back as it is now: call it before each execution. It is put back once more as the block
    ends. (Nothing is done for a program with no module of the user's: a scenario's file is
    loaded afresh by each run.)"""
    module = own_module(program)
    if module is None:
        yield _nothing
        return
    state = ModuleState(module)
    try:
        yield state.restore
    finally:
        state.restore()
