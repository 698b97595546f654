"""The simulated ``time`` module: the clocks read simulated time and ``sleep`` advances it.

Every clock a program can read is the simulated machine's: the wall clock (``time``, and
``localtime``, ``gmtime``, ``ctime``, ``asctime`` and ``strftime`` when given no time), the
monotonic ones, and the CPU-time clocks (``process_time``, ``thread_time``: the CPU time the
process or thread computed, which a sleep or a wait does not add to); ``clock_gettime`` reads
them by their ids. Everything else is the real module's. Outside a simulated execution the
clocks and ``sleep`` are the real ones, so helpers imported under simulation keep working
afterwards.
"""
from __future__ import annotations

import time as _real
from typing import Any, Callable, Optional

from ..kernel import maybe_current_world
from ..kernel.errors import UnsimulatedError
from ..sync.lock import timeout_ns
from . import as_builtins
from .refusal import guarded, refuse

#: As the real module's (which has no ``__all__``): ``from time import *`` binds every public name.
__all__ = [name for name in dir(_real) if not name.startswith("_")]


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
    world = maybe_current_world()
    return _ns(world.read_clock()) if world is not None else _real.monotonic_ns()


def _ns(seconds: float) -> int:
    """A simulated duration in nanoseconds: rounded, not cut (1.4 s is 1,400,000,000 ns, where
    ``int(1.4 * 1e9)`` is one less)."""
    return round(seconds * 1e9)


perf_counter = monotonic
perf_counter_ns = monotonic_ns


def time() -> float:
    world = maybe_current_world()
    return world.profile.epoch + world.read_clock() if world is not None else _real.time()


def time_ns() -> int:
    world = maybe_current_world()
    if world is None:
        return _real.time_ns()
    # (whole seconds apart: in a float, 2017's nanoseconds are no longer exact)
    epoch = world.profile.epoch
    whole = int(epoch)
    return whole * 1_000_000_000 + _ns(epoch - whole + world.read_clock())


def process_time() -> float:
    world = maybe_current_world()
    return world.cpu_clock(True) if world is not None else _real.process_time()


def process_time_ns() -> int:
    world = maybe_current_world()
    return _ns(world.cpu_clock(True)) if world is not None else _real.process_time_ns()


def thread_time() -> float:
    world = maybe_current_world()
    return world.cpu_clock(False) if world is not None else _real.thread_time()


def thread_time_ns() -> int:
    world = maybe_current_world()
    return _ns(world.cpu_clock(False)) if world is not None else _real.thread_time_ns()


# -- the calendar's functions, given no time: now, on the simulated wall clock ------------------
# (Forwarded as they were called otherwise, so that a wrong argument meets the real function's
# own error and message.)

def _now_if_none(real: Callable[..., Any]) -> Callable[..., Any]:
    """``real(secs=None)``, reading the simulated wall clock when given no time (or None)."""
    def function(*args: Any, **kwargs: Any) -> Any:
        if not kwargs and (not args or (len(args) == 1 and args[0] is None)) and \
                maybe_current_world() is not None:
            return real(time())
        return real(*args, **kwargs)
    function.__name__ = function.__qualname__ = real.__name__
    return function


localtime = _now_if_none(_real.localtime)
gmtime = _now_if_none(_real.gmtime)
ctime = _now_if_none(_real.ctime)


def asctime(*args: Any, **kwargs: Any) -> str:
    if not args and not kwargs and maybe_current_world() is not None:
        return _real.asctime(localtime())
    return _real.asctime(*args, **kwargs)


def strftime(*args: Any, **kwargs: Any) -> str:
    if len(args) == 1 and not kwargs and maybe_current_world() is not None:
        return _real.strftime(args[0], localtime())
    return _real.strftime(*args, **kwargs)



# -- clocks by id ---------------------------------------------------------------------------------

_REALTIME, _MONOTONIC = (time, time_ns), (monotonic, monotonic_ns)
_PROCESS, _THREAD = (process_time, process_time_ns), (thread_time, thread_time_ns)


#: Linux's clock ids and the simulated clock each reads: REALTIME (0), its COARSE (5) and ALARM
#: (8) forms; MONOTONIC (1), MONOTONIC_RAW (4), MONOTONIC_COARSE (6), BOOTTIME (7) and its ALARM
#: form (9); PROCESS_CPUTIME_ID (2), THREAD_CPUTIME_ID (3).
_CLOCKS = {0: _REALTIME, 5: _REALTIME, 8: _REALTIME,
           1: _MONOTONIC, 4: _MONOTONIC, 6: _MONOTONIC, 7: _MONOTONIC, 9: _MONOTONIC,
           2: _PROCESS, 3: _THREAD}


def _clock(clk_id: Any, real: Callable[[Any], Any]) -> Optional[tuple[Callable[[], float],
                                                                      Callable[[], int]]]:
    """The simulated clock ``clk_id`` names, or None outside a run. An id the real function
    refuses meets its error; a real clock simconc does not simulate (``CLOCK_TAI``, another
    process's or thread's CPU clock) is refused by name."""
    if maybe_current_world() is None:
        return None
    clock = _CLOCKS.get(clk_id) if type(clk_id) is int else None
    if clock is None:
        real(clk_id)   # (a TypeError, or OSError EINVAL, as for real)
        refuse(UnsimulatedError(
            f"the simulated program read clock {clk_id!r} with time.clock_gettime(): simconc "
            "simulates the real-time, monotonic and CPU-time clocks (CLOCK_REALTIME, "
            "CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID, "
            "CLOCK_THREAD_CPUTIME_ID), not this one"))
    return clock


def clock_gettime(*args: Any, **kwargs: Any) -> float:
    clock = _clock(args[0], _real.clock_gettime) if len(args) == 1 and not kwargs else None
    return clock[0]() if clock is not None else _real.clock_gettime(*args, **kwargs)


def clock_gettime_ns(*args: Any, **kwargs: Any) -> int:
    clock = _clock(args[0], _real.clock_gettime_ns) if len(args) == 1 and not kwargs else None
    return clock[1]() if clock is not None else _real.clock_gettime_ns(*args, **kwargs)


def _reaching_the_real(real: Callable[..., Any], what: str) -> Callable[..., Any]:
    """``real`` outside a run; inside one, refused: it would reach the real machine."""
    def refusal(*args: Any, **kwargs: Any) -> None:
        refuse(UnsimulatedError(f"the simulated program called time.{real.__name__}(), which "
                                f"would {what}: simconc does not simulate it"))
    function = guarded(real, refusal)
    function.__name__ = function.__qualname__ = real.__name__
    return function


clock_settime = _reaching_the_real(_real.clock_settime, "set the real machine's clock")
clock_settime_ns = _reaching_the_real(_real.clock_settime_ns, "set the real machine's clock")
pthread_getcpuclockid = _reaching_the_real(
    _real.pthread_getcpuclockid, "name a real thread's CPU clock")


as_builtins(globals(), __all__, _real)


def __getattr__(name: str) -> Any:
    return getattr(_real, name)
