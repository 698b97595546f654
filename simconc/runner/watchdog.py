"""Catching a simulated thread that spins without ever blocking.

Where pure Python costs no simulated time (code simconc does not count: a callable's, a
library's, everything under the ``ideal`` profile), a busy-wait (``while not done: pass``) never
lets another simulated thread run and would hang the run for ever. (One that polls a lock or a
queue lets time pass, but only its own: that is no sign of life either, see Timed.pay.) A
real-time alarm checks, twice a second, whether the kernel has seen any sign of life; after
``seconds`` without one it stops the run, naming the thread and the line it is spinning on.

Counted Python (a scenario's own code in a timed run, simconc.instrument.ticks) costs time and
loses the GIL as in CPython: a busy-wait there lets the others run, and a thread that computes
for long is not stuck. Nothing tells a long computation from a loop that never ends, so the
watchdog does not stop it; it says, every ``seconds``, what the thread is doing.
"""
from __future__ import annotations

import gc
import os
# (the C module: signal.signal's enum wrapping costs more than the run it guards)
import _signal  # type: ignore[import-not-found]
import signal
import sys
import threading
from typing import Optional

from greenlet import getcurrent  # type: ignore[import-untyped]

from ..kernel import SpinError, World

_TICK = 0.5


class spin_watchdog:
    """For the length of a ``with`` block: stop ``world``'s run if it shows no sign of life for
    ``seconds`` of real time. (A class, not a generator: it wraps every execution.)

    Inside the block of another one with the same budget it sets no alarm of its own: it points
    that one at ``world`` until its block ends. An exploration keeps one set, watching nothing
    between its executions, for all of them: the four system calls that set and reset an alarm
    cost more than the rest of this does for a small execution."""

    __slots__ = ("world", "seconds", "progress", "idle", "installed", "previous",
                 "previous_timer", "outer", "outer_world", "previous_armed", "computed")

    #: The watchdog whose alarm is set now, if any.
    _armed: Optional["spin_watchdog"] = None

    def __init__(self, world: Optional[World], seconds: float) -> None:
        self.world = world
        self.seconds = seconds
        self.progress = -1
        self.computed = 0
        self.idle = 0.0
        self.installed = False
        self.outer: Optional[spin_watchdog] = None

    def __enter__(self) -> None:
        seconds = self.seconds
        armed = spin_watchdog._armed
        if armed is not None and armed.seconds == seconds:
            self.outer, self.outer_world = armed, armed.world
            armed.watch(self.world)
            return
        if (seconds and seconds > 0 and hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()):
            self.previous = _signal.signal(_signal.SIGALRM, self._on_alarm)
            self.previous_timer = _signal.setitimer(_signal.ITIMER_REAL, _TICK, _TICK)
            self.installed = True
            self.previous_armed, spin_watchdog._armed = armed, self

    def __exit__(self, *exc: object) -> None:
        if self.outer is not None:
            self.outer.watch(self.outer_world)
        elif self.installed:
            spin_watchdog._armed = self.previous_armed
            # Put back the caller's alarm (pytest-timeout's, say), not just switch ours off.
            _signal.setitimer(_signal.ITIMER_REAL, *self.previous_timer)
            _signal.signal(_signal.SIGALRM, self.previous)

    def watch(self, world: Optional[World]) -> None:
        """Watch ``world`` from now on (None: nothing), its real time counted from now."""
        self.world, self.progress, self.idle = world, -1, 0.0

    def _on_alarm(self, signum: int, frame) -> None:
        world, seconds = self.world, self.seconds
        if world is None:
            return   # between two executions
        if world.progress != self.progress or world.hub is None:
            self.progress = world.progress
            self.computed = world.computed
            self.idle = 0.0
            return
        self.idle += _TICK
        thread = world.current
        if self.idle < seconds or thread is None or thread.state != "running":
            return
        if any(frame.f_code is getattr(cb, "__code__", None) for cb in gc.callbacks):
            return  # interrupted inside a gc callback, not the loop: try again next tick
        if getcurrent() is world.hub:
            return  # between two stretches of the loop (its CPU time passing): next tick
        where = ""
        f = frame
        while f is not None:
            if not f.f_code.co_filename.startswith(os.path.dirname(__file__)):
                where = f" at {os.path.basename(f.f_code.co_filename)}:{f.f_lineno} " \
                        f"(in {f.f_code.co_name})"
                break
            f = f.f_back
        if world.computed != self.computed:
            # It computes (its time passes): say so, and let it.
            self.computed, self.idle = world.computed, 0.0
            stderr = sys.__stderr__
            if stderr is not None:
                stderr.write(
                    f"simconc: thread {thread.name!r} has computed for {seconds:g} s of real "
                    f"time without blocking{where}, at {world.now:.3f} s of simulated time: a "
                    f"long computation, or a loop that never ends (Ctrl-C stops the run)\n")
                stderr.flush()
            return
        world.abort(SpinError(
            f"thread {thread.name!r} ran for {seconds:g} s of real time without blocking{where}: "
            f"it is probably busy-waiting. Its Python takes no simulated time (code simconc does "
            f"not count, or a profile where it is free), so a spinning thread never lets the "
            f"others run; wait on an Event or Condition, or call time.sleep() inside the loop."))
