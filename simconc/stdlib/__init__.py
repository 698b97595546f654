"""The stdlib face: what a simulated program gets for ``import threading`` (and ``_thread``,
``queue``, ``time``, ``random``, ``urllib.request``).

Each execution gets fresh copies of these modules (:func:`fresh_modules`), so a program that
assigns ``threading.excepthook`` or ``time.sleep`` changes only its own execution.
"""
from __future__ import annotations

import importlib
import re
import types
from typing import Any, Callable, Optional

from ..sync.lock import fake_address

#: The real modules that the face stands in for, by the name a program imports.
FACES = ("threading", "_thread", "queue", "time", "random", "urllib.request")


def face_module(name: str) -> types.ModuleType:
    """The face's template module for ``name`` (shared; do not mutate)."""
    return importlib.import_module(f"{__name__}.{name.replace('.', '_')}")


class _BuiltinLike(staticmethod):
    """A function of the face that stands in for a built-in one: called, never bound as a
    method when a class holds it; pickled by name, as a built-in function is (a process
    pool's ``map(time.sleep, ...)``); shown as the real one is, but for an address in it
    (``random.random``'s instance's), which is a stable one."""

    def __init__(self, function: Callable[..., Any], name: str, real: Any) -> None:
        super().__init__(function)
        self.name = name   # (its name in its module: an alias's, perf_counter, is its own)
        self.shown = re.sub(r"0x[0-9a-f]+", fake_address(-1), repr(real)) \
            if real is not None else f"<built-in function {name}>"
        if real is not None:   # (help() and __module__ as the real one's)
            self.__doc__ = real.__doc__
            if getattr(real, "__module__", None):
                self.__module__ = real.__module__

    def __reduce__(self) -> str:
        return self.name   # (its module's attribute: this very object)

    def __repr__(self) -> str:
        return self.shown


def as_builtins(namespace: dict[str, Any], names: "list[str] | tuple[str, ...]",
                real: types.ModuleType) -> None:
    """Make the face's functions ``names`` behave as the built-in functions (and bound methods)
    of the ``real`` module they stand in for when a class holds one: called, never bound as a
    method (``converter = time.localtime``, in logging's Formatter; ``clock =
    time.perf_counter``); and pickled and shown as those are."""
    for name in names:
        value = namespace.get(name)
        if isinstance(value, types.FunctionType):
            namespace[name] = _BuiltinLike(value, name, getattr(real, name, None))


#: Each face's name, contents, and _fresh_state (if it has one).
_templates: list[tuple[str, dict, Optional[Callable[[], dict[str, Any]]]]] = []


def face_contents() -> set[int]:
    """``id()`` of every module, class and function of the face: for recognising a module that
    bound them (membership only; nothing iterates over this set)."""
    fresh_modules()  # fills the templates
    return {id(v) for _name, contents, _f in _templates for v in contents.values()
            if isinstance(v, (type, types.FunctionType, types.ModuleType, staticmethod))
            and getattr(v, "__module__", "").startswith(("simconc.", "threading", "queue",
                                                          "_queue", "_thread", "time",
                                                          "random"))}


#: The real modules of the faces whose identity and names the face's modules take (imported
#: here, as simconc is, before any run stands the faces in for them).
_REAL = {name: importlib.import_module(name)
         for name in ("threading", "_thread", "queue", "time", "random", "urllib.request")}

#: What says which module a module is: its repr, ``help()``, ``inspect.getfile()``.
_IDENTITY = ("__spec__", "__file__", "__cached__", "__loader__", "__doc__", "__package__")


def _as_the_real(contents: dict[str, Any], real: types.ModuleType) -> dict[str, Any]:
    """A face module's ``contents``, shown as the ``real`` module: its identity (``print(
    threading)`` names CPython's file, not simconc's), its public names (``dir()``), and none
    it lacks (the face's own imports: ``typing.Any``, the kernel's functions; a later
    version's function; but its own classes, which pickle looks up by name). The face's
    functions look their globals up in simconc's module, not here. Of the real one's names
    the face has not, it takes only what cannot reach the real machine (:func:`_inert`)."""
    name = real.__name__
    shown = {key: value for key, value in contents.items()
             if key.startswith("_") and key not in _IDENTITY or hasattr(real, key)
             # (a class of the face's named after it: pickle finds it there, _thread.lock)
             or getattr(value, "__module__", None) == name
             and getattr(value, "__qualname__", None) == key}
    shown.update({key: vars(real)[key] for key in _IDENTITY if key in vars(real)})
    if "__getattr__" in shown:   # (it gives what it lacks from the real one: time's clocks)
        names = sorted(set(dir(real)) | set(shown))
        shown["__dir__"] = lambda: list(names)
    else:   # (a class or a module the real one imported, a constant: deque, WeakSet, TWOPI)
        shown.update({key: value for key, value in vars(real).items()
                      if key not in shown and not key.startswith("_") and _inert(value)})
    return shown


def _inert(value: Any) -> bool:
    """Whether the face may take ``value`` from the real module as it is: not a function,
    which could reach the real machine (queue's ``time`` is ``time.monotonic``, 3.13's
    ``_thread.start_joinable_thread`` starts a real thread), nor a module that has a face."""
    if isinstance(value, types.ModuleType):
        return value.__name__ not in _REAL
    return isinstance(value, type) or not callable(value)


def fresh_modules() -> dict[str, types.ModuleType]:
    """A fresh module object per face, for one execution."""
    if not _templates:
        for name in FACES:
            # (copied: a compact dict, whose keys an empty dict's update clones at once, where
            # it inserts a sparse one's one by one: 6 us a run instead of 13)
            contents = dict(face_module(name).__dict__, __name__=name)
            real = _REAL.get(name)
            if real is not None:
                contents = _as_the_real(contents, real)
            _templates.append((name, contents.copy(), contents.get("_fresh_state")))
    fresh = {}
    for name, contents, fresh_state in _templates:
        module = types.ModuleType(name)
        namespace = module.__dict__
        namespace.clear()   # (empty, the update below is a copy; contents has every name)
        namespace.update(contents)
        if fresh_state is not None:  # module-level state of the execution's own (threading._dangling)
            module.__dict__.update(fresh_state())
        fresh[name] = module
    return fresh
