"""What a program reads of the machine it runs on, beyond the ``time`` module: the date
(``datetime``'s ``now()`` and ``utcnow()``), CPU times (``os.times()``), the time zone local
times are shown in, and the machine's name (``os.uname()``, ``platform``). Each is the simulated
machine's, so that a program prints the same on every machine.

- ``datetime.datetime.now()`` and ``utcnow()`` read the system clock in C, not through
  ``time.time()`` (``date.today()`` and ``datetime.today()`` do, and so read the face's). The C
  type refuses new attributes, so in a run they are read from the face's clock by methods put in
  the type's own dictionary, once, as the runner's class guards are (patching.py); outside a run
  they are the real ones.
- ``os.getloadavg()``: the simulated machine's, as Linux computes it from the threads that
  compute (``kernel/load.py``).
- ``os.times()``: the process's CPU time (``user``), none spent in the kernel (``system``),
  that of its child processes that have ended (``children_user``), and the monotonic clock
  (``elapsed``), in the clock ticks the real one counts in.
- The machine's local time is UTC, whatever the real machine's zone: ``time.localtime()``,
  ``ctime()``, ``datetime.now()`` and logging's times print the same on every machine. A run
  sets ``TZ`` (the real process's, which C's ``localtime`` reads) and puts it back after
  (:class:`Zone`).
- The machine's name is ``localhost`` (``sockets.HOSTNAME``, as ``socket.gethostname()``'s):
  ``os.uname().nodename``, ``platform.node()``, ``platform.uname().node``. Its system, release
  and processor are the real machine's. Its network card's address is :data:`NODE`
  (``uuid.getnode()``), and ``uuid.uuid1()`` is made as libuuid makes it, from the simulated
  clock, the run's entropy and that address (:func:`uuid_time_safe`).
"""
from __future__ import annotations

import ctypes
import datetime
import gc
import math
import os
import platform
import time as _real_time
import uuid
from typing import Any, Optional

from ..kernel import maybe_current_world
from . import random as random_face
from . import time as time_face
from .sockets import HOSTNAME

#: The simulated machine's time zone (its ``TZ``).
ZONE = "UTC"


class Zone:
    """The simulated machine's time zone for the length of a run: ``TZ`` set to :data:`ZONE`,
    and what it was put back after, with whatever the program set meanwhile. Unless the real
    zone already is UTC (a command-line run sets it once for all its executions, as does an
    exploration; many machines have it): setting it costs a tenth of a small run."""

    __slots__ = ("saved", "changed")

    def __enter__(self) -> None:
        self.saved = saved = _tz()
        self.changed = saved != _UTC and not (saved is None and _in_utc())
        if self.changed:
            os.environb[b"TZ"] = _UTC
            _real_time.tzset()

    def __exit__(self, *exc: object) -> None:
        saved = self.saved
        if not self.changed and _tz() == saved and _in_utc():   # (the program left it alone)
            return
        if saved is None:
            os.environb.pop(b"TZ", None)
        else:
            os.environb[b"TZ"] = saved
        _real_time.tzset()


_UTC = ZONE.encode()
#: The environment's own dictionary: a lookup in it costs a fortieth of what os.environ.get
#: does when TZ is not set (a KeyError raised and caught), twice in every run.
_ENVIRON: Optional[dict] = getattr(os.environ, "_data", None)


def _tz() -> Optional[bytes]:
    """The real process's ``TZ``."""
    return _ENVIRON.get(b"TZ") if _ENVIRON is not None else os.environb.get(b"TZ")


def _in_utc() -> bool:
    """Whether the real process's local time is UTC's (its zone as ``tzset()`` last read it)."""
    return _real_time.timezone == 0 and not _real_time.daylight and \
        _real_time.tzname == ("UTC", "UTC")


def use_zone() -> None:
    """Make :data:`ZONE` the real process's zone for good (a command that only runs programs)."""
    os.environ["TZ"] = ZONE
    _real_time.tzset()


# -- datetime ------------------------------------------------------------------------------------

_REAL_NOW = vars(datetime.datetime)["now"]
_REAL_UTCNOW = vars(datetime.datetime)["utcnow"]


def _utcnow_warning() -> Optional[str]:
    """What the real ``utcnow()`` warns (3.12+: it is deprecated), or None."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        datetime.datetime.utcnow()
    return str(caught[0].message) if caught else None


_UTCNOW_WARNING = _utcnow_warning()


def _now(cls: type, *args: Any, **kwargs: Any) -> Any:
    # (called otherwise than as now() or now(tz), it is the real one: its errors, its messages)
    if maybe_current_world() is None or len(args) + len(kwargs) > 1 or \
            (kwargs and "tz" not in kwargs):
        return _REAL_NOW.__get__(None, cls)(*args, **kwargs)
    tz = args[0] if args else kwargs.get("tz")
    return cls.fromtimestamp(time_face.time(), tz)   # type: ignore[attr-defined]


def _utcnow(cls: type, *args: Any, **kwargs: Any) -> Any:
    if maybe_current_world() is None or args or kwargs:
        return _REAL_UTCNOW.__get__(None, cls)(*args, **kwargs)
    if _UTCNOW_WARNING is not None:
        import warnings
        warnings.warn(_UTCNOW_WARNING, DeprecationWarning, stacklevel=2)
    utc = datetime.datetime.fromtimestamp(time_face.time(), datetime.timezone.utc)
    return cls(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond)


_now.__name__ = _now.__qualname__ = "now"
_utcnow.__name__ = _utcnow.__qualname__ = "utcnow"
_now.__doc__, _utcnow.__doc__ = _REAL_NOW.__doc__, _REAL_UTCNOW.__doc__


def _set_in_type(cls: type, name: str, value: Any) -> None:
    """``cls.name = value`` for a type that refuses it (a C type): in its dictionary, which
    ``cls.__dict__`` shows read-only, and its method caches told."""
    namespace = gc.get_referents(cls.__dict__)[0]
    namespace[name] = value
    ctypes.pythonapi.PyType_Modified(ctypes.py_object(cls))


def install() -> None:
    """Put the simulated ``now()`` and ``utcnow()`` in ``datetime.datetime``, for good."""
    _set_in_type(datetime.datetime, "now", classmethod(_now))
    _set_in_type(datetime.datetime, "utcnow", classmethod(_utcnow))


# -- os.times() -----------------------------------------------------------------------------------

_REAL_TIMES = os.times
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _in_ticks(seconds: float) -> float:
    # (whole ticks, as the real one counts; the epsilon forgives the float sums' crumbs)
    return math.floor(seconds * _TICKS + 1e-6) / _TICKS


def times() -> os.times_result:
    world = maybe_current_world()
    if world is None:
        return _REAL_TIMES()
    user = world.cpu_clock(True)
    here = world.current_interpreter()
    children = sum(interpreter.cpu_time for interpreter in world.interpreters
                   if _ended(interpreter) and _descends(interpreter, here))
    return os.times_result((_in_ticks(user), 0.0, _in_ticks(children), 0.0,
                            _in_ticks(time_face.monotonic())))


times.__doc__ = _REAL_TIMES.__doc__


def _ended(interpreter: Any) -> bool:
    process = getattr(interpreter.face, "process", None)
    return process is not None and process.sentinel.ended


def _descends(interpreter: Any, ancestor: Any) -> bool:
    parent = interpreter.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


# -- os.getloadavg() -----------------------------------------------------------------------------

_REAL_GETLOADAVG = os.getloadavg


def getloadavg() -> tuple[float, float, float]:
    world = maybe_current_world()
    if world is None:
        return _REAL_GETLOADAVG()
    return world.semantics.load_average()


getloadavg.__doc__ = _REAL_GETLOADAVG.__doc__


# -- the machine's name ---------------------------------------------------------------------------

#: The simulated machine's network card address (a locally administered one).
NODE = 0x02_00_00_00_00_01

_REAL_UNAME = os.uname


def uname() -> os.uname_result:
    """``os.uname()``: the real machine's, but for its name."""
    real = _REAL_UNAME()
    if maybe_current_world() is None:
        return real
    return os.uname_result((real.sysname, HOSTNAME, real.release, real.version, real.machine))


uname.__doc__ = _REAL_UNAME.__doc__
_platform_uname: Optional[platform.uname_result] = None


def platform_uname() -> platform.uname_result:
    """What ``platform.uname()`` answers in a run (its cache's value meanwhile): the real one's,
    but for the name. Made outside a run, once: the real one learns the processor from a
    ``uname -p`` process, which a run would refuse."""
    global _platform_uname
    if _platform_uname is None:
        real = platform.uname()
        simulated = platform.uname_result(real.system, HOSTNAME, real.release, real.version,
                                          real.machine)
        vars(simulated)["processor"] = real.processor   # (a cached_property: found there)
        _platform_uname = simulated
    return _platform_uname


_REAL_UUID_TIME_SAFE = getattr(uuid, "_generate_time_safe", None)


def uuid_time_safe() -> tuple[bytes, None]:
    """libuuid's ``uuid_generate_time_safe`` (``uuid._generate_time_safe``, which ``uuid1()``
    calls) on the simulated machine: a version 1 UUID of the simulated clock, a clock sequence
    from the run's entropy (not the program's ``random`` numbers), and :data:`NODE`; each
    later than the last, as libuuid keeps them. (Without libuuid, ``uuid1()`` makes one in
    Python, from the face's clock and ``random``, and :data:`NODE`: left to it.)"""
    world = maybe_current_world()
    if world is None:   # (real code, between a run's executions: the real one, libuuid's)
        return _REAL_UUID_TIME_SAFE()   # type: ignore[misc]
    state = world.interpreters[0].face
    if state is None:   # (the face used without the runner: no machine of a run's to keep it)
        return _REAL_UUID_TIME_SAFE()   # type: ignore[misc]
    # (100 ns intervals since the Gregorian calendar's start, 1582-10-15, as RFC 4122 counts)
    timestamp = time_face.time_ns() // 100 + 0x01b21dd213814000
    if state.uuid_time is not None and timestamp <= state.uuid_time:
        timestamp = state.uuid_time + 1
    state.uuid_time = timestamp
    clock_seq = int.from_bytes(random_face.urandom(2), "big") & 0x3fff
    fields = (timestamp & 0xffffffff, (timestamp >> 32) & 0xffff, (timestamp >> 48) & 0x0fff,
              (clock_seq >> 8) & 0x3f, clock_seq & 0xff, NODE)
    return uuid.UUID(fields=fields, version=1).bytes, None
