"""Lock and RLock: the two primitives CPython implements in C, each on one :class:`WaitQueue`.

Everything else in ``threading`` (Condition, Semaphore, Event, Barrier, Timer) and ``queue`` is
CPython's Python code over these two, so their behaviour follows from here. A released lock
wakes one waiter picked by the scheduler; the waiter then competes for the lock again and may
lose it to a thread that arrives first, as under CPython's lock; unless it has waited for more
than a millisecond, when the release hands the lock straight to it (see FAIR_AFTER).
"""
from __future__ import annotations

import math
import operator
import sys
from typing import Any, Optional

from ..kernel import NOTHING, SimThread, WaitQueue, WeakAttribute, World, current_world

#: ``_thread.TIMEOUT_MAX`` on 64-bit Linux.
TIMEOUT_MAX = 9223372036.0

_PY311 = sys.version_info >= (3, 11)
_PY313 = sys.version_info >= (3, 13)

#: A waiter that has waited longer than this is handed the lock by the release, so that a
#: thread that releases it and takes it again in a loop cannot starve it. 3.13's lock is a
#: PyMutex that does just that (Python/lock.c, TIME_TO_BE_FAIR_NS). Before, an OS semaphore:
#: the woken waiter took it in the kernel, without the GIL, whenever it ran before the
#: releaser came back to it, which sooner or later it did; here a woken waiter tries again
#: only once it has the GIL, which a looping releaser drops inside its critical section, every
#: time at the same place, and it would never win (a livelock CPython does not have).
FAIR_AFTER: Optional[float] = 0.001


def fake_address(serial: int) -> str:
    """A stable stand-in for ``id()`` in reprs: the same every run, unlike real addresses."""
    return f"0x7f5a{0x10000 + serial * 0x40:08x}"


_NS_MAX = 2 ** 63  # _PyTime_t is a signed 64-bit count of nanoseconds


def timeout_ns(timeout: Any) -> int:
    """``_PyTime_FromSecondsObject(timeout, ROUND_CEILING)``: a duration in nanoseconds, with its
    errors and each version's messages (shared by sleep, acquire and the queues)."""
    if isinstance(timeout, float):
        if math.isnan(timeout):
            raise ValueError("Invalid value NaN (not a number)")
        ns = timeout * 1e9
        if not (math.isfinite(ns) and -_NS_MAX <= math.ceil(ns) < _NS_MAX):
            raise OverflowError("timestamp out of range for platform time_t" if _PY311
                                else "timestamp too large to convert to C _PyTime_t")
        return math.ceil(ns)
    ns = operator.index(timeout) * 10 ** 9
    if not -_NS_MAX <= ns < _NS_MAX:
        raise OverflowError("timestamp too large to convert to C PyTime_t" if _PY313
                            else "timestamp too large to convert to C _PyTime_t")
    return ns


def number_for(kind: str) -> int:
    """The next number of ``kind`` in this execution's interpreter (see kernel Numbers)."""
    return current_world().current_interpreter().numbers.number(kind)


#: What an acquire that cannot wait for ever says of itself on the trace (in its ``detail``):
#: such an acquire cannot be part of a deadlock (simconc.analysis.lockorder reads it).
NON_BLOCKING = "non-blocking"
CANNOT_WAIT = (NON_BLOCKING, "timeout ")


def how_acquired(blocking: bool, wait: Optional[float]) -> str:
    """The ``detail`` of an acquire's trace event: "" for one that waits for as long as it
    takes, else ``non-blocking`` or ``timeout 0.5s``."""
    if wait is None:
        return ""
    return NON_BLOCKING if not blocking else f"timeout {wait:g}s"


def check_timeout(blocking: bool, timeout: float) -> Optional[float]:
    """CPython's argument checks for ``acquire(blocking, timeout)``; the timeout to wait (None is
    forever)."""
    if type(timeout) is not int:  # ints need no conversion (the default -1: the hot path)
        timeout_ns(timeout)
    if not blocking:
        if timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        return 0.0
    if timeout < 0:
        if timeout != -1:
            raise ValueError("timeout value must be a non-negative number" if _PY313
                             else "timeout value must be positive")
        return None
    if timeout > TIMEOUT_MAX:
        raise OverflowError("timestamp out of range for platform time_t" if _PY311
                            else "timestamp too large to convert to C _PyTime_t")
    return timeout


class _Base:
    __slots__ = ("_world", "_sim_key", "_queue", "_owner", "_serial", "_number", "_name",
                 "_internal", "_sim_owner_ref", "_since", "__weakref__")

    _sim_owner = WeakAttribute("_sim_owner_ref")

    _kind = "Lock"
    #: After how long a waiter is handed the lock as it is released (None: never).
    _fair_after: Optional[float] = None

    def __init__(self) -> None:
        self._setup(number_for(self._kind))

    def _setup(self, number: int) -> None:
        world = current_world()
        self._world: World = world
        self._sim_key = world.name_new(self)   # the location its steps touch
        self._queue = WaitQueue(world, self, self._sim_key)
        self._owner: Optional[SimThread] = None
        numbers = world.current_interpreter().numbers
        numbers.serial += 1
        self._serial = numbers.serial
        self._number = number
        self._name: Optional[str] = None
        #: Set on the locks inside Event, Semaphore, Queue...: their owner (``_sim_owner``) puts
        #: its own operations on the trace, so the lock's acquire/release would only be noise.
        self._internal = False
        self._sim_owner_ref = None
        #: Under a fair lock, when each of its waiters began to wait for it (made on first
        #: need: most locks never have a waiter).
        self._since: Optional[dict[SimThread, float]] = None

    @classmethod
    def _part(cls, owner: Any, name: str, internal: bool = True) -> Any:
        """A lock that is a part of ``owner`` (an Event's, a Queue's mutex, a Condition's own
        RLock): called ``name`` in reports and not numbered among the program's locks;
        ``internal`` keeps its acquires and releases off the trace (its owner records its own
        operations)."""
        lock = cls.__new__(cls)
        lock._setup(0)
        lock._internal = internal
        lock._sim_owner = owner
        lock._name = name
        return lock

    def _free(self) -> bool:
        return self._owner is None

    def _step(self, wait: Optional[float]) -> None:
        """The visible step of an acquire (untimed semantics): a blocking one is only offered
        while the lock is free; one with a timeout, or none, may come while it is held (and then
        fails: the timeout fired first)."""
        if wait is None:
            self._world.point(self._sim_key, "acq", self._free, self._queue)
        else:
            self._world.point(self._sim_key, "try")

    def _record(self, thread: SimThread, op: str, detail: str = "") -> None:
        if not self._internal:
            self._world.record(thread, op, self._sim_label, None, 1, self._sim_key, NOTHING, detail)

    # What reports call this object; the face renames internal locks after their owner.
    @property
    def _sim_label(self) -> str:
        return self._name or f"{self._kind}#{self._number}"

    def _sim_holders(self) -> list[SimThread]:
        return [self._owner] if self._owner is not None else []

    def _forget_owner(self) -> None:
        """Unlocked at once, waking nobody (``_at_fork_reinit``: a forked child's lock)."""
        owner = self._owner
        if owner is not None and self in owner.held:
            owner.held.remove(self)
        self._owner = None

    def _take(self, thread: SimThread, timeout: Optional[float]) -> bool:
        """Wait (timeout None: forever) until the lock is free, then hold it (or until a
        fair release hands it over)."""
        if self._owner is not None:
            if self._fair_after is None:
                if not self._queue.wait(self._free, timeout):
                    return False
            elif not self._wait_fairly(thread, timeout):
                return False
        self._owner = thread
        thread.held.append(self)
        return True

    def _wait_fairly(self, thread: SimThread, timeout: Optional[float]) -> bool:
        since = self._since
        if since is None:
            since = self._since = {}
        since[thread] = self._world.now   # (once per acquire, however often it is woken)
        try:
            # (handed over: it owns it and waits no more; a thread may wait for a lock it
            # holds itself, a Condition's waiter does, until another releases it)
            return self._queue.wait(
                lambda: self._owner is None or (self._owner is thread and thread not in since),
                timeout)
        finally:
            since.pop(thread, None)

    def _patient(self, thread: SimThread) -> bool:
        started = self._since.get(thread) if self._since is not None else None
        fair_after: Any = self._fair_after
        return started is not None and self._world.now - started > fair_after

    def _give_up(self) -> None:
        # (the callers checked the lock is held: _owner is the thread that holds it; an
        # annotation, not a cast(): no call on the release path)
        owner: SimThread = self._owner   # type: ignore[assignment]
        try:
            owner.held.remove(self)
        except ValueError:
            # (a forked child's copy of a lock another thread of its parent held: a thread
            # the child does not have, which a Lock lets the child release)
            pass
        self._owner = None
        if self._since:
            # (the heir holds it from now on; its acquire adds it to what it holds)
            heir = self._owner = self._queue.hand_over(self._patient)
            if heir is not None:
                del self._since[heir]
        else:
            self._queue.unpark()


class Lock(_Base):
    """``_thread.lock``: not owned, so any thread may release it."""

    __slots__ = ()
    __module__ = "_thread"   # type(lock) prints as CPython's <class '_thread.lock'>

    _fair_after = FAIR_AFTER

    def __init_subclass__(cls, internal: bool = False, **kwargs: Any) -> None:
        # CPython's lock type is final (before 3.13 threading.Lock was a function, from which
        # no class derives either); simconc's own signal lock is the one exception.
        if not internal:
            raise TypeError("type '_thread.lock' is not an acceptable base type")
        super().__init_subclass__(**kwargs)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        wait = check_timeout(blocking, timeout)
        world = self._world
        thread = world.current_thread()
        self._step(wait)
        got = self._take(thread, wait)
        self._record(thread, "acquire" if got else "acquire-failed",
                     "" if wait is None else how_acquired(blocking, wait))
        return got

    def release(self) -> None:
        world = self._world
        world.point(self._sim_key, "rel")
        if self._owner is None:
            raise RuntimeError("release unlocked lock")
        self._record(world.current_thread(), "release")
        self._give_up()

    def locked(self) -> bool:
        self._world.point(self._sim_key, "r")
        return self._owner is not None

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def _at_fork_reinit(self) -> None:
        self._forget_owner()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "locked" if self._owner is not None else "unlocked"
        return f"<{state} _thread.lock object at {fake_address(self._serial)}>"


class RLock(_Base):
    """``_thread.RLock``: owned by one thread, which may acquire it again; counts its holds."""

    __slots__ = ("_count",)
    __module__ = "_thread"

    _kind = "RLock"

    def _setup(self, number: int) -> None:
        super()._setup(number)
        self._count = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        wait = check_timeout(blocking, timeout)
        world = self._world
        thread = world.current_thread()
        if self._owner is thread:
            if self._count >= 0xFFFFFFFF:
                raise OverflowError("Internal lock count overflowed")
            self._count += 1
            self._record(thread, "acquire", f"count {self._count}")
            return True
        self._step(wait)
        got = self._take(thread, wait)
        if got:
            self._count = 1
        self._record(thread, "acquire" if got else "acquire-failed",
                     "" if wait is None else how_acquired(blocking, wait))
        return got

    def release(self) -> None:
        world = self._world
        thread = world.current_thread()
        if self._owner is not thread or self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        if self._count == 1:   # only the last release is seen by other threads
            world.point(self._sim_key, "rel")
        self._count -= 1
        self._record(thread, "release", f"count {self._count}" if self._count else "")
        if not self._count:
            self._give_up()

    if sys.version_info >= (3, 14):   # (CPython's RLock has no locked() before)
        def locked(self) -> bool:
            self._world.point(self._sim_key, "r")
            return self._owner is not None

    def _is_owned(self) -> bool:
        return self._owner is self._world.current_thread()

    if _PY311:   # (nor _recursion_count() before 3.11)
        def _recursion_count(self) -> int:
            return self._count if self._owner is self._world.current_thread() else 0

    def _release_save(self) -> tuple[int, int]:
        if self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        self._world.point(self._sim_key, "rel")
        owner: SimThread = self._owner   # type: ignore[assignment]   # (a count above 0: owned)
        state = (self._count, owner.program_ident)
        self._count = 0
        self._record(self._world.current_thread(), "release")
        self._give_up()
        return state

    def _acquire_restore(self, state: tuple[int, int]) -> None:
        world = self._world
        thread = world.current_thread()
        self._step(None)
        self._take(thread, None)
        self._count = state[0]
        self._record(thread, "acquire")

    def _at_fork_reinit(self) -> None:
        self._forget_owner()
        self._count = 0

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "locked" if self._owner is not None else "unlocked"
        owner = self._owner.program_ident if self._owner is not None else 0
        return (f"<{state} _thread.RLock object owner={owner} count={self._count} "
                f"at {fake_address(self._serial)}>")


Lock.__name__ = Lock.__qualname__ = "lock"
