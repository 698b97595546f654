"""The hooks that instrumented code calls (see :mod:`simconc.instrument.rewrite`, which rewrites the
code): each reports an access to the kernel, as the step where other threads may run first, then
does the real thing, and records it on the trace.

Compiled with the kernel (setup.py): every read and write of shared state in the program passes
through here.
"""
from __future__ import annotations

import collections
import operator
import types
from typing import Any, Callable, Optional

from ..kernel.values import NOTHING, shown

#: The builtin containers whose methods are steps on the whole container.
_CONTAINERS = (list, dict, set, bytearray, collections.deque)

#: Their methods that only read (every other method counts as a write).
_READING_METHODS = frozenset((
    "get", "keys", "values", "items", "copy", "count", "index", "issubset", "issuperset",
    "isdisjoint", "union", "intersection", "difference", "symmetric_difference", "most_common",
    "elements", "total", "fromkeys", "__contains__", "__len__", "__getitem__", "__iter__",
    "__reversed__", "__eq__", "__ne__", "__repr__", "hex", "decode", "find", "rfind",
    "startswith", "endswith"))


def _show(value: Any) -> str:
    """The value, if printing it is short and the same on every run; else its type."""
    return shown(value)


#: What the hooks report an access with: ``record(op, label, key, value, detail)``.
Record = Callable[..., None]


def _nothing(key: Any, access: str, obj: Any = None) -> None:
    pass


def _unrecorded(op: str, label: str, key: Any, value: Any = NOTHING, detail: str = "") -> None:
    pass


def _no_switch() -> None:
    pass


def _never() -> bool:
    return False


def hooks(record: Optional[Record], namespace: dict,
          point: Callable[..., None] = _nothing, scope: str = "",
          switch: Callable[[], None] = _no_switch,
          body_thread: Callable[[], bool] = _never,
          alone: Callable[[], bool] = _never) -> dict[str, Any]:
    """The globals a module compiled here into ``namespace`` needs: ``__simconc__``, whose
    methods are the hooks.

    Each access first calls ``point(location, "r" | "w", obj)`` (under untimed semantics, the
    step where other threads may run first), then happens, then is reported as ``record("read" |
    "write", label, location, value)`` (not at all when ``record`` is None: an execution nobody
    will read the trace of saves that). A location is ``("global", name)``,
    ``(id(obj), attr)``, ``(id(obj), "[]", key)`` or, for the whole of a container (or a key
    that cannot be hashed, or a slice), ``(id(obj), "[]")``; ``point`` must keep ``obj`` alive
    while locations are compared, so that no other object takes over its id. ``scope`` (a
    module's name) tells apart the globals of modules instrumented on import. ``switch()`` is
    called at the GIL build's switch points.

    Accesses that race with nothing are not steps (see :func:`body_variables`): those of a
    variable only the module body mentions, always; and, told by two callables, reads of a
    variable only the body assigns: ``body_thread()``, whether the thread running now is the
    one that runs the module body (ordered after every write by program order), and
    ``alone()``, whether no other thread has been started yet (a variable assigned once, then,
    is ordered before every other thread's reads too). By default neither holds.
    """
    return {"__simconc__": _Hooks(record, namespace, point, scope, switch, body_thread, alone)}


class _Hooks:
    """The hooks of one module in one execution (see :func:`hooks`): the instrumented code
    calls ``__simconc__.getattr(obj, "value")``. Methods of one object, made once per
    execution: nineteen closures made each time cost more than a small execution's accesses
    do, and so would binding nineteen methods to put them in the module's globals."""

    __slots__ = ("record", "tracing", "namespace", "point", "scope", "switch", "body_thread",
                 "alone", "settled", "operator")

    def __init__(self, record: Optional[Record], namespace: dict,
                 point: Callable[..., None], scope: str, switch: Callable[[], None],
                 body_thread: Callable[[], bool], alone: Callable[[], bool]) -> None:
        self.tracing = record is not None
        self.record = record if record is not None else _unrecorded   # (read when tracing)
        self.namespace = namespace
        self.point = point
        self.scope = scope
        self.switch = switch
        self.body_thread = body_thread
        self.alone = alone
        #: Variables assigned once, before any other thread started.
        self.settled: set[str] = set()
        #: ``x.n += 1`` is ``__simconc__.augattr(x, "n", __simconc__.operator.iadd, lambda: 1)``.
        #: (Set here: compiled, a class attribute would not be one of the object's.)
        self.operator: types.ModuleType = operator

    def global_key(self, name: str) -> tuple:
        return ("global", self.scope, name) if self.scope else ("global", name)

    def read(self, name: str) -> Any:
        key = self.global_key(name)
        self.point(key, "r")
        try:
            value = self.namespace[name]
        except KeyError:
            try:
                value = getattr(self.namespace["__builtins__"], name)
            except (KeyError, AttributeError):
                raise NameError(f"name {name!r} is not defined") from None
        if self.tracing:
            self.record("read", name, key, value)
        return value

    def read_body(self, name: str) -> Any:
        # A variable only the module body assigns: read by the body's thread, or once settled,
        # the read conflicts with no write another order could put after it.
        if name in self.settled or self.body_thread():
            return self.read_private(name)
        return self.read(name)

    def read_private(self, name: str) -> Any:
        try:
            value = self.namespace[name]
        except KeyError:
            return self.read(name)   # (not assigned yet: the error, as read gives it)
        if self.tracing:
            self.record("read", name, self.global_key(name), value)
        return value

    def assign(self, name: str, value: Any) -> Any:
        key = self.global_key(name)
        self.point(key, "w")
        if self.tracing:
            self.record("write", name, key, value)
        return value

    def assign_private(self, name: str, value: Any) -> Any:
        if self.tracing:
            self.record("write", name, self.global_key(name), value)
        return value

    def assign_once(self, name: str, value: Any) -> Any:
        self.assign(name, value)
        if self.alone():
            self.settled.add(name)
        return value

    def wrote(self, name: str, value: Any) -> None:
        if self.tracing:
            self.record("write", name, self.global_key(name), value)

    def getattr(self, obj: Any, attr: str) -> Any:
        if isinstance(obj, (types.ModuleType, type)):
            return getattr(obj, attr)
        key = (id(obj), attr)
        self.point(key, "r", obj)
        value = getattr(obj, attr)
        if self.tracing:
            self.record("read", f"{type(obj).__name__}.{attr}", key, value)
        return value

    def setattr(self, obj: Any, attr: str, value: Any) -> None:
        key = (id(obj), attr)
        self.point(key, "w", obj)
        setattr(obj, attr, value)
        if self.tracing:
            self.record("write", f"{type(obj).__name__}.{attr}", key, value)

    def augattr(self, obj: Any, attr: str, op: Callable, value: Callable[[], Any]) -> None:
        current = self.getattr(obj, attr)
        self.setattr(obj, attr, op(current, value()))

    @staticmethod
    def item(obj: Any, key: Any) -> Any:
        if isinstance(key, slice):   # a slice touches many keys (hashable from 3.12 on)
            return (id(obj), "[]")
        try:
            hash(key)
            return (id(obj), "[]", key)
        except TypeError:   # a list as a key...: the whole object
            return (id(obj), "[]")

    def getitem(self, obj: Any, key: Any) -> Any:
        location = self.item(obj, key)
        self.point(location, "r", obj)
        value = obj[key]
        if self.tracing:
            self.record("read", f"{type(obj).__name__}[{_show(key)}]", location, value)
        return value

    def setitem(self, obj: Any, key: Any, value: Any) -> None:
        location = self.item(obj, key)
        self.point(location, "w", obj)
        obj[key] = value
        if self.tracing:
            self.record("write", f"{type(obj).__name__}[{_show(key)}]", location,
                        value)

    def augitem(self, obj: Any, key: Any, op: Callable, value: Callable[[], Any]) -> None:
        current = self.getitem(obj, key)
        self.setitem(obj, key, op(current, value()))

    def called(self, value: Any) -> Any:
        self.switch()
        return value

    def method(self, obj: Any, name: str) -> Any:
        bound = getattr(obj, name)
        if not isinstance(obj, _CONTAINERS):
            return bound
        access = "r" if name in _READING_METHODS else "w"
        point, record = self.point, self.record if self.tracing else None

        # The step is the call, once its arguments are evaluated: taken when the method is
        # looked up, a read among them (``seen.append(x)``) would fall between the step and
        # the write it stands for, and the search would order the wrong thing.
        def call(*args: Any, **kwargs: Any) -> Any:
            whole = (id(obj), "[]")
            point(whole, access, obj)
            if record is not None:
                record("read" if access == "r" else "write", f"{type(obj).__name__}.{name}()",
                       whole)
            return bound(*args, **kwargs)
        return call

    def contains(self, key: Any, obj: Any) -> bool:
        if isinstance(obj, _CONTAINERS):
            location = self.item(obj, key)
            self.point(location, "r", obj)
            found = key in obj
            if self.tracing:
                self.record("read", f"{_show(key)} in {type(obj).__name__}", location, found)
            return found
        return key in obj

    def whole(self, obj: Any) -> Any:
        if isinstance(obj, _CONTAINERS):
            whole = (id(obj), "[]")
            self.point(whole, "r", obj)
            if self.tracing:
                self.record("read", type(obj).__name__, whole, detail="all of it")
        return obj
