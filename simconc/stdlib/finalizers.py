"""What of a process's objects is finalized as it ends, and where.

CPython ends a process in one of two ways. The main module's end, or ``sys.exit()``, finalizes
the interpreter: once its atexit functions have run, its modules' globals are cleared, and each
object they alone held is finalized, its ``__del__`` run in the main thread (what it prints is
the process's output). ``os._exit()``, a kill, and a forked child's end (``popen_fork`` calls
``os._exit``) finalize nothing.

A simulated process's objects outlive it: the run keeps the program's globals
(``RunResult.namespace``, a check), and the real process would finalize them when it drops
them, after the run, in no simulated thread. So as a simulated process ends, each object its
main module's globals reach whose class has a ``__del__`` in Python is finalized there
(:func:`finalize`) or not (:func:`never_finalized`), as CPython's end would, and takes a
subclass with no finalizer: it is never finalized again.

The order is the globals' (as bound), each object before what it holds, a list's or tuple's
items last first, functions' and classes' contents after the rest (the collector frees them,
last). CPython's own order differs between versions where cycles are involved (measured, 3.10
to 3.13: see docs/processes.md).
"""
from __future__ import annotations

import builtins
import gc
import sys
import types
import weakref
from typing import Any, Iterable, Optional

from greenlet import GreenletExit, greenlet  # type: ignore[import-untyped]

from ..kernel import SimconcError
from ._traceback import format_user_exception
from .addresses import shown
from .state import FaceState

#: Objects never looked into: they hold nothing the program's globals alone keep alive
#: (modules, code, frames, the threads', descriptors and built-in functions), or nothing at all.
_OPAQUE = (types.ModuleType, types.CodeType, types.FrameType, types.GeneratorType,
           types.CoroutineType, types.AsyncGeneratorType, greenlet, int, float, complex, str,
           bytes, bool, type(None), range, types.GetSetDescriptorType,
           types.MemberDescriptorType, types.WrapperDescriptorType, types.MethodDescriptorType,
           types.BuiltinFunctionType, types.MethodWrapperType, types.ClassMethodDescriptorType)

# What the walk does with an object of a class: pass it by, look into it, look into it and
# finalize it, look into it after the rest (a function), or see whether it is a class of the
# program's (then as a function).
_PASS, _LOOK, _FINALIZES, _LATER, _CLASS = 0, 1, 2, 3, 4

#: The actions of the built-in classes a walk meets most (any walk: made once).
_BUILT_IN = {kind: _PASS for kind in _OPAQUE}
_BUILT_IN.update({list: _LOOK, tuple: _LOOK, dict: _LOOK, set: _LOOK, frozenset: _LOOK,
                  types.CellType: _LOOK, types.MethodType: _LOOK,
                  types.FunctionType: _LATER, type: _CLASS})


def _action(kind: type) -> int:
    if issubclass(kind, _OPAQUE) or str(kind.__module__).startswith("simconc."):
        return _PASS
    if issubclass(kind, type):
        return _CLASS
    return _FINALIZES if _finalizer(kind) is not None else _LOOK


def end_objects(state: FaceState, finalizing: bool) -> None:
    """The process whose face state is ``state`` ends: the objects its main module's globals
    reach are finalized in its running thread (``finalizing``: its interpreter's exit), or
    never (``os._exit``, a kill, a forked child's end, a run that stopped), and so are a forked
    child's copies of its parent's objects. Once: the first end that comes decides."""
    if state.objects_ended:
        return
    state.objects_ended = True
    objects = reachable_finalizable(vars(state.main)) \
        if state.main is not None and state.finalizers else []
    if state.shared:   # (what a fork could not copy is its parent's too: not the child's)
        theirs = {id(obj) for obj in reachable_finalizable(dict(enumerate(state.shared)))}
        objects = [obj for obj in objects if id(obj) not in theirs]
    if finalizing:
        finalize(objects)
    else:
        never_finalized(objects)
    never_finalized(state.finalizable or ())


def defines_finalizer(code: types.CodeType) -> bool:
    """Whether the program ``code`` defines a ``__del__`` (or assigns one) anywhere."""
    known = _DEFINES.get(id(code))
    if known is None or known[0] is not code:
        if len(_DEFINES) > 64:
            _DEFINES.clear()
        found, todo = False, [code]
        while todo and not found:
            each = todo.pop()
            found = each.co_name == "__del__" or "__del__" in each.co_names
            todo.extend(const for const in each.co_consts if isinstance(const, types.CodeType))
        known = _DEFINES[id(code)] = (code, found)
    return known[1]


#: What :func:`defines_finalizer` found, by the id of the code it looked at (with the code).
_DEFINES: dict[int, tuple[types.CodeType, bool]] = {}


def copies_finalizable(memo: dict[int, Any]) -> weakref.WeakSet:
    """The copies in a fork's ``memo`` that have a finalizer in Python, weakly: ones the child
    drops while it runs are finalized then, as CPython's are; the others never are."""
    found: weakref.WeakSet = weakref.WeakSet()
    finalized: dict[type, bool] = {}
    for key, obj in memo.items():
        cls = type(obj)
        has = finalized.get(cls)
        if has is None:
            has = finalized[cls] = _finalizer(cls) is not None
        if has and key != id(obj):   # (a copy, not an object the child shares)
            try:
                found.add(obj)
            except TypeError:   # (no weak reference to it)
                pass
    return found


def reachable_finalizable(namespace: dict) -> list:
    """The objects ``namespace`` (a main module's globals) reaches whose class has a
    ``__del__`` in Python, in the order they are finalized (see the module's docstring)."""
    # (one pass per object, as cheap as it can be made: an exploration walks the globals at
    # the end of every execution)
    own = namespace.get("__name__")
    seen = {id(namespace), id(vars(builtins))}
    actions = dict(_BUILT_IN)
    found: list = []
    later: list = []   # functions and the program's classes: looked into after the rest
    deferring = True
    stack = list(reversed(namespace.values()))
    pop, push = stack.pop, stack.extend
    while True:
        if not stack:
            if not later:
                return found
            push(later[::-1])
            later.clear()
            deferring = False
        obj = pop()
        kind = type(obj)
        action = actions.get(kind)
        if action is None:
            action = actions[kind] = _action(kind)
        if not action or id(obj) in seen:
            continue
        if action >= _LATER:
            if action == _CLASS and obj.__module__ != own:
                continue   # (another module's class: not the program's to free)
            if action == _LATER and str(obj.__module__).startswith("simconc."):
                continue   # (simconc's own function)
            if deferring:
                later.append(obj)
                continue
        seen.add(id(obj))
        if action == _FINALIZES:
            found.append(obj)
        push(_held(obj)[::-1])


def _held(obj: Any) -> list:
    """What ``obj`` holds, in the order CPython's deallocation lets go of it (of a function,
    what it holds of its own: not its globals nor its code; of a class, its attributes)."""
    kind = type(obj)
    if kind is list or kind is tuple:
        return obj[::-1]
    if kind is dict:
        return [part for item in obj.items() for part in item]
    if kind is types.FunctionType:
        return [obj.__defaults__, obj.__kwdefaults__, obj.__closure__, obj.__dict__]
    if isinstance(obj, type):
        return list(vars(obj).values())
    return gc.get_referents(obj)


def _finalizer(cls: type) -> Optional[types.FunctionType]:
    """``cls``'s ``__del__``, if it is a Python function of the program's (or a library's,
    simconc's own classes aside: they know a dead process)."""
    if str(cls.__module__).startswith("simconc."):
        return None
    for each in cls.__mro__:
        found = vars(each).get("__del__")
        if found is not None:
            return found if isinstance(found, types.FunctionType) \
                and found is not _no_finalizer else None
    return None


def finalize(objects: Iterable[Any]) -> None:
    """Finalize each of ``objects`` in the running simulated thread (a process's main, as it
    exits), once: its ``__del__`` runs, an exception it raises reported as CPython's
    unraisable hook reports it, and the object never runs it again."""
    quiet: dict[type, type] = {}
    for obj in objects:
        finalizer = _finalizer(type(obj))
        if finalizer is None:   # (quietened meanwhile)
            continue
        _quieten(obj, quiet)   # (first: CPython marks it finalized before it calls __del__)
        try:
            finalizer(obj)
        except (GreenletExit, SimconcError):
            raise
        except BaseException as exc:   # noqa: BLE001 - CPython reports any and goes on
            sys.stderr.write(f"Exception ignored in: {shown(finalizer)}\n")
            sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))


def never_finalized(objects: Iterable[Any]) -> None:
    """A process has ended as ``os._exit`` ends it, which runs no finalizer: the ``__del__`` of
    ``objects`` must not run when the run drops them. (A Pool a forked child copied while it
    ran would warn it was never closed, and write to a pipe that is gone.)"""
    quiet: dict[type, type] = {}
    for obj in list(objects):
        _quieten(obj, quiet)


def _quieten(obj: Any, quiet: dict[type, type]) -> None:
    """``obj`` takes a subclass of its class that has no finalizer (``quiet``: those made so
    far; not kept from one process's end to the next, where they would keep the program's
    classes alive from one run to the next)."""
    cls = type(obj)
    if _finalizer(cls) is None:
        return
    try:
        if cls not in quiet:
            quiet[cls] = type(cls.__name__, (cls,), {
                "__del__": _no_finalizer, "__slots__": (), "__module__": cls.__module__,
                "__qualname__": cls.__qualname__})
        obj.__class__ = quiet[cls]
    except Exception:   # noqa: BLE001 - a class that cannot be derived from or swapped
        pass


def _no_finalizer(self: Any) -> None:
    """The finalizer of an object whose process has finalized it, or never will: none."""
