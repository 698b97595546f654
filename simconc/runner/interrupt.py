"""Ctrl-C during a run: the run stops where it is, its threads unwound, and :func:`run` raises
KeyboardInterrupt to its caller.

Python's own handler raises KeyboardInterrupt in whatever code runs when the signal comes. In a
simulated thread, it was the program's uncaught exception (which no replay shows: the schedule
never had it), and the run went on, so that a program that never ends could not be stopped;
in the kernel's loop, the run stopped in the middle of a step, with a traceback of simconc's
insides. A Ctrl-C is the user's, never the program's: the simulated program's own
``signal.signal(SIGINT, ...)`` is its process's (:mod:`simconc.stdlib.signals`), and a
program sends itself SIGINT with ``os.kill`` or ``signal.raise_signal``, the same way in every
run.

Only where nobody else handles SIGINT: an exploration has its own handler (Ctrl-C stops it
after the execution running now, see :func:`simconc.explore.api.stop_requests`), and so may
the program that calls :func:`run`.
"""
from __future__ import annotations

# (the C module, as in watchdog.py: signal.signal wraps what it returns in an enum)
import _signal  # type: ignore[import-not-found]
import threading
from typing import Any, Optional

from greenlet import getcurrent  # type: ignore[import-untyped]

from ..kernel import World


class ctrl_c_stops:
    """For the length of a ``with`` block: Ctrl-C stops ``world``'s run. (A class, not a
    generator: it wraps every run.)"""

    __slots__ = ("world", "previous", "requested")

    def __init__(self, world: World) -> None:
        self.world = world
        self.previous: Any = None
        self.requested = False

    def __enter__(self) -> None:
        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler \
                and threading.current_thread() is threading.main_thread():
            self.previous = _signal.signal(_signal.SIGINT, self._on_signal)

    def __exit__(self, kind: Optional[type], *exc: object) -> None:
        if self.previous is not None:
            _signal.signal(_signal.SIGINT, self.previous)
        if self.requested and kind is None:   # (it came as the run ended: it ends here)
            raise KeyboardInterrupt

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.requested = True
        world = self.world
        if world.hub is not None and getcurrent() is not world.hub:
            # (in a thread of the program: its greenlet is left there, the kernel's loop ends)
            world.abort(KeyboardInterrupt())
        elif world.fatal is None:
            # The kernel's loop raises it once its step is over: raised in the middle of one,
            # SimPy would take it for the failure of the process it runs, and go on.
            world.fatal = KeyboardInterrupt()
