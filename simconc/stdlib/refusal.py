"""Refusing what a run does not simulate, where the program asked for it."""
from __future__ import annotations

import os
import sys
import sysconfig
import types
from typing import Any, Callable, NoReturn, Optional

from ..kernel import maybe_current_world
from ..kernel.errors import UnsimulatedError
from ._traceback import SIMCONC_FILES

#: Where code that is not the program's lives: the standard library's and simconc's files.
NOT_THE_PROGRAMS = (sysconfig.get_paths()["stdlib"], *SIMCONC_FILES, "<frozen ")


def refuse(error: UnsimulatedError) -> NoReturn:
    """Raise ``error`` where the program asked (its message names the program's line), and stop
    the run at its next switch even if the program catches it (a task's exception may be kept,
    or caught as any Exception). Raised here normally, so that the real module's own clean-up
    (``Thread.start()`` un-registering the thread) still happens."""
    frame: Optional[types.FrameType] = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(NOT_THE_PROGRAMS):
        frame = frame.f_back
    if frame is not None:
        # (A script's path is absolute (3.9+): shown from where the command ran, as the trace
        # shows it.)
        path, here = frame.f_code.co_filename, os.getcwd() + os.sep
        error.args = (f"{error.args[0]} (at {path[len(here):] if path.startswith(here) else path}"
                      f":{frame.f_lineno})",)
    world = maybe_current_world()
    if world is not None and world.fatal is None:
        world.fatal = error
    raise error


def guarded(original: Callable[..., Any], refusal: Callable[..., Any]) -> Callable[..., Any]:
    """``original``, but ``refusal`` inside a simulated execution."""
    def guard(*args: Any, **kwargs: Any) -> Any:
        if maybe_current_world() is None:
            return original(*args, **kwargs)
        return refusal(*args, **kwargs)
    guard.__wrapped__ = original   # type: ignore[attr-defined]
    return guard


def real_descriptors(what: object = None) -> UnsimulatedError:
    """What a program that waits on real file descriptors is told."""
    named = f": {what!r}" if what is not None else ""
    return UnsimulatedError(
        f"the simulated program waited on real file descriptors (select, poll, epoll or "
        f"selectors{named}), which would block the simulation: simconc waits only on the "
        f"sockets a simulated program makes (socket.socket on the machine's loopback). Use "
        f"simulated sockets, threads, queues and time.sleep().")
