"""Signals, each simulated process's own: its handlers, its alarm, and their delivery.

``signal.signal`` and ``signal.getsignal`` in a run keep a process's handlers in its face state,
never the real process's: its SIGINT stays simconc's (Ctrl-C ends an exploration with its
report), and a program that ignores SIGINT (a ``SharedMemoryManager``'s server process does)
leaves nothing behind after the run. A forked child starts with its parent's handlers, a spawned
one with a fresh interpreter's.

A signal reaches a process as the simulated machine sends it (:func:`send`): ``os.kill`` from
any simulated process, ``terminate()``/``kill()``, ``signal.raise_signal``, its alarm coming
due. Its disposition there decides, as Linux's and CPython's do: ``SIG_IGN`` nothing;
``SIG_DFL`` the OS's default (the process dies of it, exit code ``-signum``; SIGCHLD, SIGURG
and SIGWINCH are ignored); a Python function runs in the process's main thread, as
``handler(signum, frame)``: at once where the main thread sent the signal itself (CPython
checks for signals before ``os.kill`` and ``raise_signal`` return), else when that thread next
resumes or does a visible operation, a wait of it interrupted to run it (``World.interrupt``:
if the handler raises, the exception comes out of the wait; if it returns, the wait goes on for
what is left of it, PEP 475). A signal is pending once however often it arrives before its
handler runs. Only timed semantics interrupts a thread: an exploration refuses a handler that
would run anywhere but at once.

``signal.alarm`` and a one-shot ``setitimer(ITIMER_REAL)`` arm a timer on the simulated clock
(``World.timer``), which ``getitimer`` reads and a new call replaces or cancels, as the OS's;
when it comes due, the process is sent SIGALRM. A periodic timer is refused.
"""
from __future__ import annotations

import operator
import os
import signal as _real
import sys
import types
from typing import Any, Optional

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped]

from ..kernel import Interpreter, ProgramExit, UnsimulatedError, World, current_world

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
                f"ITIMER_REAL timer is simulated, not a periodic one nor another clock's")
    return (_arm(seconds), 0.0)


def getitimer(which: Any) -> tuple[float, float]:
    """``signal.getitimer`` in a simulated process: what is left of its ``ITIMER_REAL``."""
    which = operator.index(which)
    if which != _real.ITIMER_REAL:
        _refuse(f"signal.getitimer({which}): only ITIMER_REAL is simulated")
    world = current_world()
    state = world.current_interpreter().face
    return (max(state.alarm - world.now, 0.0) if state.alarm is not None else 0.0, 0.0)


def raise_signal(signalnum: Any) -> None:
    """``signal.raise_signal`` in a simulated process: sends it ``signalnum`` (see
    :func:`send`)."""
    signalnum = _number(signalnum)
    world = current_world()
    send(world, world.current_interpreter(), signalnum, f"signal.raise_signal({signalnum})")


def interrupt_main(signalnum: Any = _real.SIGINT) -> None:
    """``_thread.interrupt_main``: the process's main thread runs its handler of
    ``signalnum``, if it is a function (nothing is sent: SIG_DFL and SIG_IGN do nothing, and a
    wait of the main thread is not interrupted, as CPython's ``PyErr_SetInterruptEx`` wakes no
    system call)."""
    signalnum = _number(signalnum)
    world = current_world()
    interpreter = world.current_interpreter()
    if not isinstance(handler_of(interpreter, signalnum), _real.Handlers):
        trip(world, interpreter, signalnum, "_thread.interrupt_main()", wake=False)


def _arm(seconds: float) -> float:
    """Arm the running process's alarm ``seconds`` from now (0: disarm it); what was left of
    the one before."""
    world = current_world()
    interpreter = world.current_interpreter()
    state = interpreter.face
    left = max(state.alarm - world.now, 0.0) if state.alarm is not None else 0.0
    _disarm(state)
    if seconds:
        state.alarm = world.now + seconds
        if world.clocked:   # (untimed, the clock never moves: never due)
            state.alarm_cancel = world.timer(seconds, lambda: _ring(world, interpreter))
        if _disarm_at_exit not in interpreter.exit_hooks:
            interpreter.exit_hooks.append(_disarm_at_exit)
    return left


def _disarm(state: Any) -> None:
    state.alarm = None
    if state.alarm_cancel is not None:
        state.alarm_cancel()
        state.alarm_cancel = None


def _disarm_at_exit() -> None:
    """The process ends: its alarm with it (it would only move the clock on)."""
    _disarm(current_world().current_interpreter().face)


def _ring(world: World, interpreter: Interpreter) -> None:
    """``interpreter``'s alarm came due (outside any thread): SIGALRM."""
    state = interpreter.face
    state.alarm = state.alarm_cancel = None
    send(world, interpreter, _real.SIGALRM, "its alarm (signal.alarm or setitimer)")


def _refuse(what: str) -> None:
    error = UnsimulatedError(f"the simulated program: {what}")
    world = current_world()
    if world.fatal is None:
        world.fatal = error   # (the run stops at the next switch, whatever the program catches)
    raise error


#: Signals whose default is to do nothing (signal(7)); every other default ends the process.
_IGNORED_BY_DEFAULT = frozenset(getattr(_real, name) for name in ("SIGCHLD", "SIGURG",
                                                                  "SIGWINCH"))
#: Job control: a stopped process is not simulated.
_STOPPING = frozenset(getattr(_real, name) for name in ("SIGSTOP", "SIGCONT", "SIGTSTP",
                                                        "SIGTTIN", "SIGTTOU"))


def name_of(signum: int) -> str:
    """``SIGTERM`` for 15; the number itself for a real-time signal, which has no name."""
    try:
        return _real.Signals(signum).name
    except ValueError:
        return str(signum)


def handler_of(interpreter: Interpreter, signum: int) -> Any:
    """``interpreter``'s process's handler for ``signum``."""
    handlers = interpreter.face.signals if interpreter.face is not None else None
    return (handlers or {}).get(signum, _default(signum))


def send(world: World, target: Interpreter, signum: int, what: str) -> None:
    """``signum`` arrives at ``target``'s process (sent by ``what``, for messages), from the
    running thread or from no thread (an alarm); its disposition decides (module docstring)."""
    if signum in _STOPPING:
        _refuse(f"it sent {name_of(signum)} ({what}), which would stop or continue the "
                f"process: simconc does not simulate job control")
    if _ended(world, target):
        return
    if signum == _real.SIGKILL:
        _terminate(world, target, signum)
        return
    handler = handler_of(target, signum)
    if handler == _real.Handlers.SIG_IGN:
        return
    if handler == _real.Handlers.SIG_DFL:
        if signum not in _IGNORED_BY_DEFAULT:
            _terminate(world, target, signum)
        return
    trip(world, target, signum, what)


def trip(world: World, target: Interpreter, signum: int, what: str, wake: bool = True) -> None:
    """``target``'s handler of ``signum`` is to run in its main thread (CPython's C handler
    trips the signal; the eval loop of the main thread runs the handler). Without ``wake``
    (no signal was sent: ``_thread.interrupt_main``), a wait of the main thread is not
    interrupted: the handler runs once it is over."""
    state = target.face
    main = target.main
    sender = world.current if getcurrent() is not world.hub else None
    if main is None:
        return
    if signum not in state.pending:
        if sender is not main and not world.clocked:
            handler = handler_of(target, signum)
            _refuse(f"it sent {name_of(signum)} ({what}) to a process whose handler for it "
                    f"is a function of its own "
                    f"({getattr(handler, '__qualname__', type(handler).__name__)}): "
                    f"it would run in that process's main thread whenever CPython next checks "
                    f"for signals there, interrupting its wait if it waits, and an exploration "
                    f"does not explore where among the threads' steps that falls. Run it with "
                    f"`simconc run` (timed semantics), which runs handlers")
        state.pending.add(signum)
        world.interrupt(main, lambda: _handle(target, signum), wake)
    if sender is main:
        # CPython's os.kill and raise_signal check for signals before they return
        # (PyErr_CheckSignals): the handler runs now, in the thread that sent it.
        world.run_interrupts(main)


def _handle(interpreter: Interpreter, signum: int) -> None:
    """In ``interpreter``'s main thread: run its handler of ``signum``, as it is now (it may
    have changed since the signal arrived; SIG_DFL or SIG_IGN by now: nothing, as CPython)."""
    interpreter.face.pending.discard(signum)
    handler = handler_of(interpreter, signum)
    if isinstance(handler, _real.Handlers) or not callable(handler):
        return
    world = current_world()
    world.record(world.current, "signal", name_of(signum), skip=None, detail="handler")
    handler(int(signum), _program_frame())   # (a plain int, as CPython passes it)


_SIMCONC = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _program_frame() -> Optional[types.FrameType]:
    """The main thread's innermost frame past simconc's own: where the handler interrupts it,
    as CPython passes it."""
    frame: Optional[types.FrameType] = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_SIMCONC):
        frame = frame.f_back
    return frame


def _ended(world: World, interpreter: Interpreter) -> bool:
    if interpreter is world.interpreters[0]:
        return world.finished
    return bool(interpreter.face.process.sentinel.ended)


def _terminate(world: World, target: Interpreter, signum: int) -> None:
    """``target``'s process dies of ``signum`` (exit code ``-signum``), every thread of it at
    once; the program itself (the first process): the run ends there, as ``os._exit`` ends
    it, with the status a shell reports as killed by that signal."""
    thread = world.current if getcurrent() is not world.hub else None
    if target is world.interpreters[0]:
        world.record(thread, "signal", name_of(signum), skip=None, detail="killed")
        world.abort(ProgramExit(-signum))
    from .children import kill
    delay = world.profile.process_kill
    if thread is not None and thread.interpreter is not target and delay > 0 and world.clocked:
        # (os.kill returns at once; the other process dies once the signal has reached it:
        # is_alive() is still True right after terminate(), as CPython's nearly always is)
        world.record(thread, "signal", name_of(signum), skip=None,
                     detail=f"to {target.prefix.rstrip('/')}")
        world.later(delay, lambda: kill(world, target, -signum))
        return
    kill(world, target, -signum)
    if thread is not None and thread.interpreter is target:   # (it killed its own process)
        thread.killed = True
        raise GreenletExit
