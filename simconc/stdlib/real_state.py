"""What each simulated process has of its own in the real process's state: its working
directory, umask, recursion limit, socket default timeout and ``warnings`` configuration
(filters, ``showwarning``).

A real process has its own; all simulated processes are one real one, whose state is the
running process's. So each process's values are kept in its face state (``FaceState.real``)
while another one runs, and put in place as it runs again (:class:`RealStates`, a ``switching``
hook of the world): a child's ``os.chdir`` leaves its parent where it was, and a relative path
opened by the child is found from the child's directory, as for real. Only what differs is set.

A forked child starts from its parent's values, a spawned one with its parent's working
directory (``spawn.prepare`` changes to it) and umask, and a fresh interpreter's other values.
"""
from __future__ import annotations

import os
import socket
import sys
import types
import warnings
from typing import Any, Callable, Optional

from ..kernel import World
from ..kernel.interpreter import Interpreter


class RealState:
    """One process's values of the real process's state."""

    __slots__ = ("cwd", "umask", "recursion_limit", "timeout", "warnings")

    def __init__(self, cwd: Optional[str], umask: int, recursion_limit: int,
                 timeout: Optional[float], warnings: tuple) -> None:
        self.cwd = cwd   # (None: removed while the process was in it)
        self.umask = umask
        self.recursion_limit = recursion_limit
        self.timeout = timeout
        #: The values of the warnings module's globals :data:`WARNINGS`.
        self.warnings = warnings


#: The globals of the warnings module that are a process's state (its C accelerator reads
#: them from the module too); ``catch_warnings`` rebinds ``filters``.
WARNINGS = ("filters", "defaultaction", "onceregistry", "showwarning", "_showwarnmsg_impl")


def current(copy: Optional[Callable[[Any], Any]] = None) -> RealState:
    """The running process's values (``copy``: a forked child's, made by its fork's copy)."""
    namespace = vars(warnings)
    values = tuple(namespace[name] for name in WARNINGS)
    return RealState(_getcwd(), _umask(), sys.getrecursionlimit(), socket.getdefaulttimeout(),
                     values if copy is None else tuple(copy(value) for value in values))


def fresh() -> RealState:
    """A spawned child's values: its parent's working directory and umask (a spawned child is
    a fork that executes a new interpreter), a fresh interpreter's others (see
    :func:`_fresh_warnings`)."""
    return RealState(_getcwd(), _umask(), _FRESH_RECURSION_LIMIT, None, _fresh_warnings())


class RealStates:
    """The world's ``switching`` hook that gives each process its own :class:`RealState`."""

    __slots__ = ()

    def __call__(self, left: Interpreter, entering: Interpreter) -> None:
        theirs: Optional[RealState] = getattr(entering.face, "real", None)
        if theirs is None:   # (a process none of this was given: it shares the real one's)
            return
        mine = current()
        left.face.real = mine
        put(theirs, mine)


def put(state: RealState, now: RealState) -> None:
    """Make the real process's state ``state``, where it is ``now`` (only what differs is
    set; the runner puts a run's starting state back with it too)."""
    if state.cwd != now.cwd and state.cwd is not None:
        try:
            os.chdir(state.cwd)
        except OSError:   # (removed meanwhile: nothing to go back to)
            pass
    if state.umask != now.umask:
        os.umask(state.umask)
    if state.recursion_limit != now.recursion_limit:
        try:
            sys.setrecursionlimit(state.recursion_limit)
        except RecursionError:   # (lower than simconc's own depth here: cannot be)
            pass
    if state.timeout != now.timeout:
        socket.setdefaulttimeout(state.timeout)
    if any(a is not b for a, b in zip(state.warnings, now.warnings)):
        vars(warnings).update(zip(WARNINGS, state.warnings))
        # (the C accelerator's registries remember what was shown under other filters)
        warnings._filters_mutated()   # type: ignore[attr-defined]


def fresh_warnings() -> None:
    """Give the running process a fresh interpreter's warnings configuration (a program file's
    main process, as ``python FILE`` starts: not pytest's ``catch_warnings``, which would
    record the program's warnings for pytest's summary instead of printing them)."""
    vars(warnings).update(zip(WARNINGS, _fresh_warnings()))
    warnings._filters_mutated()   # type: ignore[attr-defined]


def own_real_state(world: World) -> None:
    """Give the running process (the first to start a child) its own state, as it is now, and
    install the hook (once a world)."""
    if not any(isinstance(hook, RealStates) for hook in world.switching):
        world.switching.append(RealStates())
        world.current_interpreter().face.real = current()


def _umask() -> int:
    mask = os.umask(0)   # (the only way to read it is to set it)
    os.umask(mask)
    return mask


def _getcwd() -> Optional[str]:
    try:
        return os.getcwd()
    except OSError:
        return None


#: A fresh interpreter's (CPython's ``Py_DEFAULT_RECURSION_LIMIT``: no option changes it).
_FRESH_RECURSION_LIMIT = 1000
_showwarnmsg_impl: Any = None   # (the warnings module's own, found once)


def _fresh_warnings() -> tuple:
    """A fresh interpreter's warnings configuration (as :data:`WARNINGS`): the filters the
    interpreter made as it started (``_warnings.filters``, the list ``catch_warnings`` leaves
    as it was: under pytest, the warnings module's one is pytest's copy), none shown once yet,
    and the module's own functions to show them (pytest's ``catch_warnings(record=True)``
    replaces ``_showwarnmsg_impl``, which is then made again from the module's code)."""
    global _showwarnmsg_impl
    import _warnings   # (the C accelerator: CPython always has it)
    namespace = vars(warnings)
    if _showwarnmsg_impl is None:
        impl = namespace["_showwarnmsg_impl"]
        if getattr(impl, "__globals__", None) is not namespace:
            code = warnings.__spec__.loader.get_code("warnings")   # type: ignore[union-attr]
            impl = next((types.FunctionType(const, namespace, const.co_name)
                         for const in code.co_consts if isinstance(const, types.CodeType)
                         and const.co_name == "_showwarnmsg_impl"), impl)
        _showwarnmsg_impl = impl
    return (list(getattr(_warnings, "filters", namespace["filters"])),
            getattr(_warnings, "_defaultaction", "default"), {},
            namespace["_showwarning_orig"], _showwarnmsg_impl)
