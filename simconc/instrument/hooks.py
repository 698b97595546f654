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
import weakref
from typing import Any, Callable, Optional

from ..kernel.values import NOTHING, shown
from ..kernel.world import maybe_current_world

#: The builtin containers whose methods are steps on the whole container (and their
#: subclasses: Counter, OrderedDict...).
_CONTAINERS = (list, dict, set, bytearray, collections.deque)
#: The standard library's weak containers, the same (tqdm's race is on a WeakSet of its bars),
#: told by their exact type: two are abstract base classes' subclasses, whose issubclass runs
#: Python code (and takes frames a program counting its recursion depth would see).
_WEAK_CONTAINERS = frozenset((weakref.WeakSet, weakref.WeakValueDictionary,
                              weakref.WeakKeyDictionary))


def _container(kind: type) -> bool:
    return issubclass(kind, _CONTAINERS) or kind in _WEAK_CONTAINERS


#: (Read through the descriptor: a subclass's own ``__getattribute__`` is not run.)
_DEFAULT_FACTORY: Any = collections.defaultdict.__dict__["default_factory"]


def _inserts_missing(obj: Any) -> bool:
    """Whether ``obj[key]`` stores a value for a missing key: a defaultdict with a factory."""
    return issubclass(type(obj), collections.defaultdict) and \
        _DEFAULT_FACTORY.__get__(obj) is not None


_GETATTR, _HASATTR, _SETATTR, _DELATTR = getattr, hasattr, setattr, delattr

#: Keys whose hash is their value's, computed without running any of the program's code.
_PLAIN_KEYS = frozenset((int, str, bytes, bool, float, complex, type(None)))


def _plain_key(key: Any) -> bool:
    """Whether ``key`` hashes by value without calling the program's code (a tuple of such)."""
    kind = type(key)
    if kind in _PLAIN_KEYS:
        return True
    return kind is tuple and all(_plain_key(part) for part in key)


# The hooks look at the program's objects by ``type(obj)`` only: ``isinstance`` would ask the
# object for its ``__class__``, running the program's ``__getattribute__`` where the program
# itself runs nothing (CPython's test_descr has a proxy whose ``__getattribute__`` would then
# recurse for ever, instrumented).

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


# What a module instrumented on import calls (importer.py): it is imported once, and runs in
# whatever execution is running then, or in none. (Here, compiled, rather than beside the
# importer: a Python function would be a frame more in every access, which code that counts
# its frames sees: warnings' stack levels, recursion limits.)
def record_in_run(op: str, label: str, key: Any, value: Any = NOTHING, detail: str = "") -> None:
    world = maybe_current_world()
    if world is not None:
        world.record_access(op, label, key, value, detail)


def access_in_run(key: Any, access: str, obj: Any = None) -> None:
    world = maybe_current_world()
    if world is not None:
        world.access(key, access, obj)


def switch_in_run() -> None:
    world = maybe_current_world()
    if world is not None:
        world.switch_point()


def always() -> bool:
    return True


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

    def _simconc_fork(self, memo: dict, scope: str) -> "_Hooks":
        """A forked process's hooks (see simconc/stdlib/fork.py): the same, on the child's copy
        of the module's namespace, its globals told apart from its parent's by ``scope`` (a
        child's writes never race with its parent's: they are separate memories)."""
        copied = _Hooks(self.record if self.tracing else None,
                        memo.get(id(self.namespace), self.namespace), self.point,
                        scope + self.scope, self.switch, self.body_thread, self.alone)
        copied.settled = set(self.settled)
        memo[id(self)] = copied
        return copied

    def global_key(self, name: str) -> tuple:
        return ("global", self.scope, name) if self.scope else ("global", name)

    def read(self, name: str) -> Any:
        key = self.global_key(name)
        self.point(key, "r")
        try:
            value = self.namespace[name]
        except KeyError:
            value = _builtin(self.namespace, name)
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

    # (An access that raises is on the trace too, saying so: its step was taken.)
    def getattr(self, obj: Any, attr: str) -> Any:
        if issubclass(type(obj), (types.ModuleType, type)):
            return getattr(obj, attr)
        key = (id(obj), attr)
        self.point(key, "r", obj)
        try:
            value = getattr(obj, attr)
        except BaseException as exc:
            if self.tracing:
                self.record("read", _attribute(obj, attr), key, detail=_raised(exc))
            raise
        if self.tracing:
            self.record("read", f"{type(obj).__name__}.{attr}", key, value)
        return value

    def setattr(self, obj: Any, attr: str, value: Any) -> None:
        key = (id(obj), attr)
        self.point(key, "w", obj)
        try:
            setattr(obj, attr, value)
        except BaseException as exc:
            if self.tracing:
                self.record("write", _attribute(obj, attr), key, detail=_raised(exc))
            raise
        if self.tracing:
            self.record("write", _attribute(obj, attr), key, value)

    def delattr(self, obj: Any, attr: str) -> None:
        key = (id(obj), attr)
        self.point(key, "w", obj)
        try:
            delattr(obj, attr)
        except BaseException as exc:
            if self.tracing:
                self.record("write", _attribute(obj, attr), key, detail="deleting it "
                            + _raised(exc))
            raise
        if self.tracing:
            self.record("write", _attribute(obj, attr), key, detail="deleted")

    # The builtins by name (rewrite.py's _ATTRIBUTE_BUILTINS): ``function`` is what the name
    # held where the program called it, the builtin unless the program bound another.
    def call_getattr(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        if function is not _GETATTR or kwargs or not 2 <= len(args) <= 3 \
                or type(args[1]) is not str:
            return function(*args, **kwargs)
        if len(args) == 2:
            return self.getattr(args[0], args[1])
        try:
            return self.getattr(args[0], args[1])
        except AttributeError:
            return args[2]

    def call_hasattr(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        if function is not _HASATTR or kwargs or len(args) != 2 or type(args[1]) is not str:
            return function(*args, **kwargs)
        try:
            self.getattr(args[0], args[1])
        except AttributeError:
            return False
        return True

    def call_setattr(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        if function is not _SETATTR or kwargs or len(args) != 3 or type(args[1]) is not str:
            return function(*args, **kwargs)
        self.setattr(args[0], args[1], args[2])
        return None

    def call_delattr(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        if function is not _DELATTR or kwargs or len(args) != 2 or type(args[1]) is not str:
            return function(*args, **kwargs)
        self.delattr(args[0], args[1])
        return None

    def augattr(self, obj: Any, attr: str, op: Callable, value: Callable[[], Any]) -> None:
        current = self.getattr(obj, attr)
        self.setattr(obj, attr, op(current, value()))

    @staticmethod
    def item(obj: Any, key: Any) -> Any:
        """The location of ``obj[key]``: the key's own, where the key hashes by value; else
        (an object of the program's as a key, a slice, a list) the whole object's. Hashing
        such a key here would run its ``__hash__`` where the program may not."""
        if _plain_key(key):
            return (id(obj), "[]", key)
        return (id(obj), "[]")

    def getitem(self, obj: Any, key: Any) -> Any:
        location = self.item(obj, key)
        if _inserts_missing(obj):
            # A defaultdict's lookup of a missing key makes its value, in this thread, and
            # stores it: a write (as setdefault is). Whether the key will be missing is not
            # known until the step is taken, so every lookup is one.
            self.point(location, "w", obj)
            size = dict.__len__(obj)
            value = obj[key]
            if self.tracing:
                self.record("write" if dict.__len__(obj) != size else "read",
                            f"{type(obj).__name__}[{_show(key)}]", location, value)
            return value
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
        if not _container(type(obj)):
            return bound
        return _ContainerCall(obj, name, bound, self.point,
                              self.record if self.tracing else None)

    def member(self, obj: Any, attr: str) -> Any:
        """``obj.attr``, where the code cannot tell a method's lookup from a read: pytest's
        assertion rewriting splits ``d.get(k)`` into ``f = d.get; f(k)``."""
        if _container(type(obj)):
            return self.method(obj, attr)   # (a builtin container's attributes are methods)
        return self.getattr(obj, attr)

    def contains(self, key: Any, obj: Any) -> bool:
        if _container(type(obj)):
            location = self.item(obj, key)
            self.point(location, "r", obj)
            found = key in obj
            if self.tracing:
                self.record("read", f"{_show(key)} in {type(obj).__name__}", location, found)
            return found
        return key in obj

    def whole(self, obj: Any) -> Any:
        if _container(type(obj)):
            whole = (id(obj), "[]")
            self.point(whole, "r", obj)
            if self.tracing:
                self.record("read", type(obj).__name__, whole, detail="all of it")
        return obj


def _attribute(obj: Any, attr: str) -> str:
    """How the trace names ``obj.attr``: by the object's class, or the class's own name."""
    # (type(), not isinstance: that asks the object its __class__, running its own code)
    return f"{obj.__name__ if issubclass(type(obj), type) else type(obj).__name__}.{attr}"


def _raised(exc: BaseException) -> str:
    return f"raised {type(exc).__name__}"


class _ContainerCall:
    """A builtin container's method, bound, whose call is a step on the container.

    The step is the call, once its arguments are evaluated: taken when the method is looked
    up, a read among them (``seen.append(x)``) would fall between the step and the write it
    stands for, and the search would order the wrong thing. It shows as the method it calls
    (pytest's explanation of a failed assert names it)."""

    __slots__ = ("obj", "name", "bound", "point", "record")

    def __init__(self, obj: Any, name: str, bound: Any, point: Callable[..., None],
                 record: Optional[Record]) -> None:
        self.obj, self.name, self.bound, self.point, self.record = obj, name, bound, point, record

    def __call__(self, /, *args: Any, **kwargs: Any) -> Any:   # (a keyword "self" is theirs)
        obj = self.obj
        whole = (id(obj), "[]")
        write = self.name not in _READING_METHODS or (
            self.name == "__getitem__" and _inserts_missing(obj))
        self.point(whole, "w" if write else "r", obj)
        if self.record is not None:
            self.record("write" if write else "read", f"{type(obj).__name__}.{self.name}()",
                        whole)
        return self.bound(*args, **kwargs)

    def __repr__(self) -> str:
        return repr(self.bound)


def _builtin(namespace: dict, name: str) -> Any:
    """``name`` from the builtins of a module whose globals are ``namespace``: its
    ``__builtins__``, a module (a script's) or a dict (an imported module's), as CPython finds
    them."""
    try:
        found = namespace["__builtins__"]
        return found[name] if type(found) is dict else getattr(found, name)
    except (KeyError, AttributeError):
        raise NameError(f"name {name!r} is not defined") from None
