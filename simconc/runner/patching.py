"""Swapping the real concurrency modules for the face, for the length of one execution.

Two ways in (DESIGN decision 5): a scenario file imports ``threading`` while it runs and finds
the face in ``sys.modules``; code that imported the real module earlier is caught by the guard on
the real ``_thread`` entry points, so it cannot start a real OS thread unnoticed. Whatever
happens, everything is put back, and modules first imported during the run are forgotten.
"""
from __future__ import annotations

import _thread
import atexit
import os
import sys
import threading as _real_threading
import types
from typing import Optional

from ..kernel.errors import RealThreadError
from ..kernel.world import maybe_current_world


def _refuse(*args: object, **kwargs: object) -> None:
    message = (
        "the simulated program tried to start a real OS thread, through a module that imported "
        "the real threading or _thread before the simulation started. simconc runs threads only "
        "in simulation: import threading (or the module that uses it) inside the program, so "
        "that it gets the simulated module.")
    _stop(RealThreadError(message))


def _refuse_fork(*args: object, **kwargs: object) -> None:
    _stop(RealThreadError(
        "the simulated program tried to fork a real process (multiprocessing or os.fork). "
        "simconc does not simulate processes yet: only threads, in this version."))


def _stop(error: RealThreadError) -> None:
    world = maybe_current_world()
    if world is not None and world.fatal is None:
        # Stop the run at the next switch, but raise here normally, so that the real module's
        # own clean-up (Thread.start() un-registering the thread) still happens.
        world.fatal = error
    raise error


def _setswitchinterval(interval: float) -> None:
    """The simulated interpreter's ``sys.setswitchinterval``: the GIL's, not the real one's."""
    interval = float(interval)
    if interval <= 0:
        raise ValueError("switch interval must be strictly positive")
    world = maybe_current_world()
    if world is not None:
        world.current_interpreter().switch_interval = interval


def _getswitchinterval() -> float:
    world = maybe_current_world()
    return world.current_interpreter().switch_interval if world is not None else 0.005


_atexit_sink: Optional[list] = None   # where atexit.register goes during a run


def _atexit_register(func, *args, **kwargs):
    if _atexit_sink is None:
        return _REAL_ATEXIT_REGISTER(func, *args, **kwargs)
    _atexit_sink.append((func, args, kwargs))
    return func


def _atexit_unregister(func) -> None:
    if _atexit_sink is None:
        return _REAL_ATEXIT_UNREGISTER(func)
    _atexit_sink[:] = [h for h in _atexit_sink if h[0] != func]


_REAL_ATEXIT_REGISTER, _REAL_ATEXIT_UNREGISTER = atexit.register, atexit.unregister

#: What is swapped for the length of a run, found once: (module, attribute, stand-in).
_SWAPS = [(mod, attr, stand_in) for mod, attr, stand_in in (
    (_thread, "start_new_thread", _refuse), (_thread, "start_new", _refuse),
    (_thread, "start_joinable_thread", _refuse), (_real_threading, "_start_new_thread", _refuse),
    (_real_threading, "_start_joinable_thread", _refuse),
    (os, "fork", _refuse_fork), (os, "forkpty", _refuse_fork),
    (atexit, "register", _atexit_register), (atexit, "unregister", _atexit_unregister),
    (sys, "setswitchinterval", _setswitchinterval), (sys, "getswitchinterval", _getswitchinterval),
) if hasattr(mod, attr)]


#: Modules (by name) that imported the real concurrency modules, or names from them, before a
#: run began and should see the face during each run: the pytest plugin puts the modules under
#: test here (DESIGN.md, decision 9).
REBIND: list[str] = []


def _rebindings(modules: dict[str, types.ModuleType]) -> list[tuple[dict, str, object]]:
    """(namespace, name, face object) for each name in a REBIND module bound to a real module of
    the face, or to a class or function from one (``from threading import Lock``)."""
    face_of: dict[int, object] = {}
    for name, face in modules.items():
        real = sys.modules.get(name)
        if real is None or real is face:
            continue
        face_of[id(real)] = face
        for attr, value in vars(face).items():
            real_value = getattr(real, attr, None)
            if not attr.startswith("__") and callable(real_value):
                face_of[id(real_value)] = value
    out = []
    for module_name in REBIND:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        namespace = vars(module)
        for attr, value in list(namespace.items()):
            face = face_of.get(id(value))
            if face is not None:
                out.append((namespace, attr, face))
    return out


class simulated_modules:
    """Install ``modules`` in ``sys.modules`` and guard the real thread starters; undo on exit.

    ``atexit.register`` calls made meanwhile go to ``atexit_handlers`` instead of the real
    interpreter: the simulated program's interpreter exits at the end of its execution.
    (A class, not a generator: it wraps every execution, and a generator's context manager
    costs more than this one's work.)"""

    __slots__ = ("modules", "atexit_handlers", "saved", "originals", "before", "sink",
                 "saved_bindings")

    def __init__(self, modules: dict[str, types.ModuleType],
                 atexit_handlers: Optional[list] = None) -> None:
        self.modules = modules
        self.atexit_handlers = atexit_handlers

    def __enter__(self) -> None:
        global _atexit_sink
        modules = self.modules
        self.saved = {name: sys.modules.get(name) for name in modules}
        self.originals = [getattr(mod, attr) for mod, attr, _ in _SWAPS]
        self.before = _known_modules()
        self.sink, _atexit_sink = _atexit_sink, self.atexit_handlers
        rebound = _rebindings(modules) if REBIND else []
        self.saved_bindings = [(namespace, attr, namespace[attr])
                               for namespace, attr, _ in rebound]
        try:
            for namespace, attr, face in rebound:
                namespace[attr] = face
            sys.modules.update(modules)
            for mod, attr, stand_in in _SWAPS:
                setattr(mod, attr, stand_in)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        global _atexit_sink
        _atexit_sink = self.sink
        for namespace, attr, original in self.saved_bindings:
            namespace[attr] = original
        for (mod, attr, _), original in zip(_SWAPS, self.originals):
            setattr(mod, attr, original)
        for name, module in self.saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        before = self.before
        if len(sys.modules) != len(before):
            _forget_face_bound([n for n in sys.modules if n not in before], self.modules)
            _known_modules()


_known: set[str] = set()    # the names in sys.modules when last looked (membership only)
_known_last: Optional[str] = None


def _known_modules() -> set[str]:
    """The names in ``sys.modules``, taken again only when their number or the newest of them
    changed (an import appends to ``sys.modules``): a run compares against it to find the
    modules first imported while it ran, and copying ``sys.modules`` on every run costs more
    than a small run does."""
    global _known, _known_last
    last = next(reversed(sys.modules), None)
    if len(_known) != len(sys.modules) or last != _known_last:
        _known, _known_last = set(sys.modules), last
    return _known


def _forget_face_bound(new: list[str], modules: dict[str, types.ModuleType]) -> None:
    """Forget the modules first imported during the run that bound the face (logging made its
    lock from this execution's threading), so that the next execution, or real code, imports
    them afresh. A package with an extension module cannot be re-imported in part (numpy):
    it is kept whole."""
    from ..stdlib import face_contents
    from ..sync import Condition, Event, Lock, RLock, Semaphore, Barrier, Queue, SimpleQueue
    simulated = (Lock, RLock, Condition, Event, Semaphore, Barrier, Queue, SimpleQueue)
    faces = face_contents() | {id(m) for m in modules.values()}
    native = {name.partition(".")[0] for name in new
              if (getattr(sys.modules[name], "__file__", None) or "").endswith((".so", ".pyd"))}
    for name in new:
        if name.partition(".")[0] in native:
            continue
        values = list(vars(sys.modules[name]).values())
        if any(id(v) in faces or isinstance(v, simulated) for v in values):
            del sys.modules[name]
