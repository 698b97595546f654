"""Signal handlers, each simulated process's own.

``signal.signal`` and ``signal.getsignal`` in a run keep a process's handlers in its face state,
never the real process's: its SIGINT stays simconc's (Ctrl-C ends an exploration with its
report), and a program that ignores SIGINT (a ``SharedMemoryManager``'s server process does)
leaves nothing behind after the run. A forked child starts with its parent's handlers, a spawned
one with a fresh interpreter's.

A signal reaches a process only as the machine sends it: ``os.kill`` and ``terminate()``/
``kill()`` (``processes.kill``): SIGKILL ends it; SIGTERM ends it where its handler is the
default, does nothing where it is ``SIG_IGN``, and is refused where it is a function (simconc
runs no signal handler: it says so rather than end the process as the handler would not).
"""
from __future__ import annotations

import operator
import signal as _real
from typing import Any

from ..kernel import UnsimulatedError, current_world

_REAL_SIGNAL = _real.signal
_REAL_GETSIGNAL = _real.getsignal


def _handlers() -> dict[int, Any]:
    state = current_world().current_interpreter().face
    if state.signals is None:
        state.signals = {}
    return state.signals


def _number(signalnum: Any) -> int:
    signalnum = operator.index(signalnum)
    if not 1 <= signalnum < _real.NSIG:
        raise ValueError("signal number out of range")
    return signalnum


def _default(signalnum: int) -> Any:
    """A fresh interpreter's handler: Python's own for SIGINT, SIGPIPE and SIGXFSZ ignored (as
    CPython sets them at start), the OS's default for the others."""
    if signalnum == _real.SIGINT:
        return _real.default_int_handler
    if signalnum in (getattr(_real, "SIGPIPE", None), getattr(_real, "SIGXFSZ", None)):
        return _real.Handlers.SIG_IGN
    return _real.Handlers.SIG_DFL


def getsignal(signalnum: Any) -> Any:
    """``signal.getsignal`` in a simulated process: its handler for ``signalnum``."""
    signalnum = _number(signalnum)
    return _handlers().get(signalnum, _default(signalnum))


def signal(signalnum: Any, handler: Any) -> Any:
    """``signal.signal`` in a simulated process: sets its handler, returns the one before."""
    signalnum = _number(signalnum)
    if isinstance(handler, int) and not isinstance(handler, bool) \
            and handler in (_real.Handlers.SIG_DFL, _real.Handlers.SIG_IGN):
        handler = _real.Handlers(handler)
    elif not callable(handler):
        raise TypeError("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable "
                        "object")
    world = current_world()
    if world.current_thread() is not world.current_interpreter().main:
        raise ValueError("signal only works in main thread of the main interpreter")
    if signalnum in (_real.SIGKILL, _real.SIGSTOP):
        raise OSError(22, "Invalid argument")
    previous = getsignal(signalnum)
    _handlers()[signalnum] = handler
    return previous


def delivered(interpreter: Any, signum: int) -> bool:
    """Whether ``signum`` sent to ``interpreter``'s process ends it: SIGKILL always; SIGTERM
    where its handler is the default, not where it ignores it. A handler of its own is refused
    (no signal handler runs in a simulated process)."""
    if signum == _real.SIGKILL:
        return True
    handlers = interpreter.face.signals if interpreter.face is not None else None
    handler = (handlers or {}).get(signum, _default(signum))
    if handler == _real.Handlers.SIG_IGN:
        return False
    if handler != _real.Handlers.SIG_DFL:
        raise UnsimulatedError(
            f"the simulated program sent signal {signum} to a process with a handler of its own "
            f"for it ({handler!r}): simconc does not run signal handlers")
    return True
