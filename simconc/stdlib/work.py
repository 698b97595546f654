"""Declaring what code costs, in a way that also does the real thing outside the simulator.

``cpu(0.2)`` means "this computes for 0.2 s": simulated, the thread holds the GIL and a core for
0.2 s of simulated time (handing the GIL over every switch interval if another thread wants it);
under plain ``python`` it really burns 0.2 s of CPU. ``io(0.5)`` means "this blocks on IO for
0.5 s": simulated, the thread releases the GIL and the clock moves; under plain ``python`` it
sleeps. One scenario file thus shows the effect both for real and simulated.
"""
from __future__ import annotations

import time as _time

from ..kernel import maybe_current_world


def cpu(seconds: float) -> None:
    """Compute for ``seconds`` (simulated: GIL and a core held; real: a busy loop)."""
    if seconds < 0:
        raise ValueError("cpu() needs a non-negative duration")
    world = maybe_current_world()
    if world is not None:
        world.cpu(seconds)
        return
    end = _time.perf_counter() + seconds
    while _time.perf_counter() < end:
        pass


def io(seconds: float) -> None:
    """Block on IO for ``seconds`` without holding the GIL (real: a sleep)."""
    if seconds < 0:
        raise ValueError("io() needs a non-negative duration")
    world = maybe_current_world()
    if world is not None:
        world.io(seconds)
        return
    _time.sleep(seconds)
