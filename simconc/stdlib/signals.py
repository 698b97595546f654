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

``signal.alarm`` and a one-shot ``setitimer(ITIMER_REAL)`` arm a timer on the simulated clock,
which ``getitimer`` reads and a new call replaces or cancels, as the OS's: the common use, a
watchdog armed around a wait and cancelled after it, runs as it does for real. SIGALRM itself
is never delivered: an alarm that comes due stops the run with a clear error, when the process
next asks for its timer or ends (a periodic timer, which would come due, is refused at once).
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


def alarm(seconds: Any) -> int:
    """``signal.alarm`` in a simulated process: arms (0: cancels) its alarm on the simulated
    clock; the whole seconds that were left of the previous one, as the C library rounds them."""
    seconds = operator.index(seconds) % 2 ** 32   # (C's unsigned int)
    left = _arm(float(seconds))
    whole = int(left) + (left - int(left) >= 0.5)
    return whole if whole or not left else 1


def setitimer(which: Any, seconds: Any, interval: Any = 0.0) -> tuple[float, float]:
    """``signal.setitimer`` in a simulated process: ``ITIMER_REAL``, once (see the module's
    docstring); (what was left of the previous one, 0.0)."""
    which, seconds, interval = operator.index(which), float(seconds), float(interval)
    if which not in (_real.ITIMER_REAL, _real.ITIMER_VIRTUAL, _real.ITIMER_PROF) \
            or seconds < 0 or interval < 0:
        raise _real.ItimerError(22, "Invalid argument")
    if which != _real.ITIMER_REAL or (seconds and interval):
        _refuse(f"signal.setitimer({which}, {seconds:g}, {interval:g}): only a one-shot "
                f"ITIMER_REAL timer (a watchdog) is simulated, not one that would come due")
    return (_arm(seconds), 0.0)


def getitimer(which: Any) -> tuple[float, float]:
    """``signal.getitimer`` in a simulated process: what is left of its ``ITIMER_REAL``."""
    which = operator.index(which)
    if which != _real.ITIMER_REAL:
        _refuse(f"signal.getitimer({which}): only ITIMER_REAL is simulated")
    state = _due()
    return (max(state.alarm - current_world().now, 0.0) if state.alarm is not None else 0.0,
            0.0)


def _arm(seconds: float) -> float:
    """Arm the running process's alarm ``seconds`` from now (0: disarm it); what was left of
    the one before."""
    state = _due()
    world = current_world()
    left = max(state.alarm - world.now, 0.0) if state.alarm is not None else 0.0
    state.alarm = world.now + seconds if seconds else None
    if seconds:
        interpreter = world.current_interpreter()
        if _check_at_exit not in interpreter.exit_hooks:
            interpreter.exit_hooks.append(_check_at_exit)
    return left


def _due() -> Any:
    """The running process's face state, once its alarm is known not to have come due."""
    world = current_world()
    state = world.current_interpreter().face
    if state.alarm is not None and world.now >= state.alarm:
        when = state.alarm
        state.alarm = None
        _refuse(f"the alarm it armed (signal.alarm or setitimer) came due at {when:.3f} s of "
                f"simulated time, before it was cancelled: simconc does not deliver SIGALRM")
    return state


def _check_at_exit() -> None:
    _due()


def _refuse(what: str) -> None:
    error = UnsimulatedError(f"the simulated program: {what}")
    world = current_world()
    if world.fatal is None:
        world.fatal = error   # (the run stops at the next switch, whatever the program catches)
    raise error


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
