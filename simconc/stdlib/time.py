"""The simulated ``time`` module: the clocks read simulated time and ``sleep`` advances it.

Everything else (``strftime``, ``localtime``, ...) is the real module's. Outside a simulated
execution the clocks and ``sleep`` are the real ones, so helpers imported under simulation keep
working afterwards.
"""
from __future__ import annotations

import time as _real

from ..kernel import maybe_current_world
from ..sync.lock import timeout_ns

__all__ = ["sleep", "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter",
           "perf_counter_ns", "process_time", "thread_time"]


def sleep(secs: float) -> None:
    world = maybe_current_world()
    if world is None:
        return _real.sleep(secs)
    timeout_ns(secs)  # CPython's TypeError, ValueError (NaN) and OverflowError (inf)
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    world.sleep(secs)


def monotonic() -> float:
    world = maybe_current_world()
    return world.read_clock() if world is not None else _real.monotonic()


def monotonic_ns() -> int:
    return int(monotonic() * 1e9)


perf_counter = monotonic
perf_counter_ns = monotonic_ns


def time() -> float:
    world = maybe_current_world()
    return world.profile.epoch + world.read_clock() if world is not None else _real.time()


def time_ns() -> int:
    return int(time() * 1e9)


def process_time() -> float:
    world = maybe_current_world()
    return world.read_clock() if world is not None else _real.process_time()


thread_time = process_time


def __getattr__(name: str):
    return getattr(_real, name)
