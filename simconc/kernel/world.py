"""A world: one simulated execution on one SimPy environment.

The world owns the clock, the scheduler, the trace, the GIL and the threads. It knows nothing of
``threading`` or of scenario files: the stdlib face and the runner build on it.
"""
from __future__ import annotations

import random
import sys
from typing import Any, Callable, Hashable, Optional

import simpy
from greenlet import GreenletExit, getcurrent

from .errors import NotInSimulation, SimconcError
from .gil import GIL
from .greenlets import drive
from .profile import CostProfile, get_profile
from .scheduler import RandomStrategy, Scheduler, Strategy
from .thread import SimThread
from .trace import Trace, Where, caller_where

_current: Optional["World"] = None

#: Greenlets of threads that refused to unwind at teardown (see World.abandon).
_ABANDONED: list = []

#: Durations below this are rounding noise (a nanosecond is 1e-9).
_TIME_EPSILON = 1e-12

#: The accesses of a visible operation that take or give back a lock (see World.point).
_LOCK_ACCESSES = frozenset(("acq", "try", "rel"))


def current_world() -> "World":
    """The world whose simulated execution is running now."""
    if _current is None:
        raise NotInSimulation(
            "this simconc primitive was used outside a simulated execution; run the program "
            "with simconc.run(...) or `simconc run FILE`")
    return _current


def maybe_current_world() -> Optional["World"]:
    return _current


class _current_set:
    """``with _current_set(world):`` ``world`` is the running one for the length of its run
    (runs cannot nest). (A class, not a generator: it wraps every execution.)"""

    __slots__ = ("world",)

    def __init__(self, world: "World") -> None:
        self.world = world

    def __enter__(self) -> None:
        global _current
        if _current is not None:
            raise SimconcError("a simulated execution is already running in this process; "
                               "simulations cannot be nested")
        _current = self.world

    def __exit__(self, *exc: object) -> None:
        global _current
        _current = None


class _Abort(BaseException):
    """Unwinds the hub when the world has a fatal error (never seen by the program)."""


class World:
    """One simulated execution. Use :meth:`run` once."""

    #: Timed semantics: durations decide what is ready (see kernel/untimed.py for the other).
    untimed = False

    def __init__(self, strategy: Optional[Strategy] = None, *, seed: int = 0,
                 profile: "str | CostProfile" = "tutorial-2017",
                 until: Optional[float] = None) -> None:
        # Untimed worlds have no clock and no GIL token (kernel/untimed.py): not made for them.
        # The clock is a float from the start (SimPy's would start at the int 0).
        self.env: Any = None if self.untimed else simpy.Environment(0.0)
        self.profile = get_profile(profile)
        #: ``sys.getswitchinterval()`` of the simulated interpreter (the program may change it).
        self.switch_interval = self.profile.switch_interval
        self._lock_op = self.profile.lock_op
        self.scheduler = Scheduler(strategy if strategy is not None else RandomStrategy(seed))
        self.trace = Trace()
        #: Whether operations go on the trace. An exploration runs most executions without it
        #: (nobody reads their traces) and re-runs the few it reports with it.
        self.tracing = True
        self.gil: Any = None if self.untimed else GIL(self)
        self._cores: Optional[simpy.Resource] = None
        self.threads: list[SimThread] = []
        self.current: Optional[SimThread] = None
        self.main: Optional[SimThread] = None
        self.hub: Any = None   # the greenlet run() is called in: it runs the event loop
        self.until = until
        self.fatal: Optional[BaseException] = None
        self.tearing_down = False
        self.finished = False
        #: The main thread's code has returned; it now waits for the non-daemon threads.
        self.main_returned = False
        #: Counts every switch to the hub: the spin watchdog's sign of life. (Not every trace
        #: record: a thread polling lock.acquire(False) records, but never lets others run.)
        self.progress = 0
        self._next_ident = 1
        #: Called in the main thread when its code has returned, before it waits for the non-daemon
        #: threads (``threading._register_atexit``, which ThreadPoolExecutor uses).
        self.shutdown_hooks: list[Callable[[], Any]] = []
        #: Called in the main thread once every non-daemon thread has finished, as the interpreter
        #: calls its atexit handlers after threading's shutdown.
        self.exit_hooks: list[Callable[[], Any]] = []
        #: Per-world state that the faces keep (thread-name counters, the Thread objects, ...).
        self.face_state: dict[str, Any] = {}
        self.run_seed = self.scheduler.choose("seed", 2 ** 32)
        self._random: Optional[random.Random] = None
        self._jitter: Optional[random.Random] = None

    # Made on first use: most executions of a small program never need them.
    @property
    def random(self) -> random.Random:
        """The program's own ``random`` stream, seeded from the run's seed."""
        if self._random is None:
            self._random = random.Random(self.run_seed)
        return self._random

    @property
    def cores(self) -> simpy.Resource:
        if self._cores is None:
            self._cores = simpy.Resource(self.env, capacity=self.profile.cores)
        return self._cores

    # -- time --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    def read_clock(self) -> float:
        """The simulated time as the running thread reads it: once the CPU time it owes for its
        lock and queue operations has passed (see :meth:`spend`)."""
        thread = self.current
        if thread is not None and getcurrent() is not self.hub:
            self.settle(thread)
        return self.now

    def settle(self, thread: SimThread) -> None:
        """Let the CPU time ``thread`` owes pass now, if it owes any: before it waits (every
        wait starts here: a sleep, IO, a park, whose deadline comes after it), reads the clock
        or ends."""
        if thread.debt and not self.tearing_down and not self.finished:
            self.pay(thread)

    def jittered(self, duration: float, jitter: float) -> float:
        if jitter <= 0 or duration <= 0:
            return duration
        if self._jitter is None:
            self._jitter = random.Random(self.run_seed * 2 + 1)
        return duration * (1.0 + self._jitter.uniform(-jitter, jitter))

    def timed_delay(self, seconds: float) -> float:
        """How long a timed sleep or wait of ``seconds`` really lasts (timer slack included)."""
        if seconds <= 0:
            return 0.0
        p = self.profile
        return seconds + self.jittered(p.sleep_overshoot, p.sleep_jitter)

    # -- the choice point ----------------------------------------------------------------------
    def choose(self, kind: str, n: int) -> int:
        try:
            return self.scheduler.choose(kind, n)
        except SimconcError as exc:
            self.abort(exc)
            raise  # abort() does not return from a simulated thread; from the hub it re-raises

    def abort(self, exc: BaseException) -> None:
        """Stop the whole execution with ``exc``: the run reports it, the program never sees it."""
        if self.fatal is None:
            self.fatal = exc
        if getcurrent() is not self.hub and self.hub is not None:
            self.hub.switch(_Abort())  # the thread's greenlet never resumes
        raise exc

    # -- threads -------------------------------------------------------------------------------
    def current_thread(self) -> SimThread:
        thread = self.current
        if thread is None or getcurrent() is self.hub:
            raise NotInSimulation("no simulated thread is running")
        return thread

    def new_thread(self, run: Callable[[], Any], name: str, daemon: bool = False,
                   face: Any = None) -> SimThread:
        thread = SimThread(self, run, name, daemon, self._next_ident, face)
        self._next_ident += 1
        return thread

    def start(self, thread: SimThread, where: Optional[Where] = None) -> None:
        """Make ``thread`` runnable after the OS's thread-creation time."""
        self.threads.append(thread)
        p = self.profile
        delay = 0.0 if thread is self.main else self.jittered(p.thread_start,
                                                               p.thread_start_jitter)
        if self.current is not None:
            self.record(self.current, "start", thread.name, where)
        self.env.process(drive(thread, delay))

    def wait_event(self, event: Any) -> Any:
        """Suspend the current greenlet until the SimPy ``event`` fires; its value."""
        self.progress += 1
        value = self.hub.switch(event)
        if isinstance(value, _Abort):  # pragma: no cover - the hub never sends one back
            raise GreenletExit
        return value

    def sleep(self, seconds: float) -> None:
        thread = self.current_thread()
        self.record(thread, "sleep", f"{seconds:g}s", skip=1)
        self.settle(thread)
        thread.block(self.env.timeout(self.timed_delay(seconds)))

    def io(self, seconds: float) -> None:
        """The current thread blocks on IO for ``seconds``, without the GIL."""
        thread = self.current_thread()
        self.record(thread, "io", f"{seconds:g}s", skip=1)
        self.settle(thread)
        thread.block(self.env.timeout(seconds))

    def cpu(self, seconds: float) -> None:
        """The current thread computes for ``seconds`` holding the GIL and a core; another thread
        that wants the GIL gets it after the switch interval, as in CPython."""
        thread = self.current_thread()
        self.record(thread, "cpu", f"{seconds:g}s", skip=1)
        remaining = seconds + thread.debt   # (and what it spent on locks and queues before)
        thread.debt = 0.0
        gil = self.gil
        # Compared with a tolerance: subtracting the slices' float durations leaves crumbs
        # (1e-18 s) too small to move the clock, which would otherwise loop for ever.
        while remaining > _TIME_EPSILON:
            with self.cores.request() as core:
                if not core.triggered:
                    thread.block(core)
                drop = gil.start_cpu()
                started = self.env.now
                finished = self.env.timeout(remaining)
                self.wait_event(self.env.any_of([finished, drop]))
                gil.end_cpu()
                remaining -= self.env.now - started
            if remaining > _TIME_EPSILON:
                self._forced_switch(thread, f"{remaining:g}s of work left")

    def _forced_switch(self, thread: SimThread, left: str) -> None:
        """Hand the GIL to a waiter, then queue up for it again."""
        self.record(thread, "gil-drop", left)
        thread.state = "ready"
        self.gil.release(thread, forced=True)
        self.wait_event(self.gil.request(thread))
        thread.state = "running"

    def spend(self, seconds: float) -> None:
        """The current thread spends ``seconds`` of CPU time on an operation (a lock's acquire,
        a queue's put). It is owed, not waited for at once: the thread pays it before it next
        waits for anything or reads the clock, or as soon as it adds up to a switch interval,
        so that a thread that only polls (``while True: q.get(False)``) still lets time pass,
        and the GIL go to a thread that waits for it, as CPython's forced switch does."""
        thread = self.current
        if thread is None or self.tearing_down or getcurrent() is self.hub:
            return
        thread.debt += seconds
        if thread.debt >= self.switch_interval:
            self.pay(thread)

    def pay(self, thread: SimThread) -> None:
        """``thread`` computes, holding the GIL, for the CPU time it owes (see :meth:`spend`).
        Its own waits here are no sign of life to the spin watchdog: a thread that polls a lock
        nobody will release only makes time pass."""
        seconds, thread.debt = thread.debt, 0.0
        self.wait_event(self.env.timeout(seconds))
        self.progress -= 1   # (what other threads did meanwhile still counts)
        if seconds >= self.switch_interval and self.gil.waiters:
            # A whole switch interval with others waiting for the GIL: forced to let one go.
            self._forced_switch(thread, "(polling)")
            self.progress -= 1

    # -- visible operations ----------------------------------------------------------------------
    def point(self, key: Any, access: str, enabled: Optional[Callable[[], bool]] = None,
              waiting_on: Any = None) -> None:
        """The current thread is about to do a visible operation on ``key`` (``access`` is how:
        ``r``, ``w``, ``acq``, ``try``, ``rel``, ``join``). Under untimed semantics this is where
        other threads may run first; under timed semantics durations decide that: here a lock's
        acquire or release costs the profile's ``lock_op`` of CPU time (:meth:`spend`)."""
        if self._lock_op and access in _LOCK_ACCESSES:
            self.spend(self._lock_op)

    def access(self, key: Any, access: str, obj: Any = None) -> None:
        """A read (``r``) or write (``w``) of shared memory that the instrument's hooks saw:
        ``obj`` is the object whose ``id()`` is in ``key``, if any. Under timed semantics it
        costs nothing and decides nothing; under untimed semantics it is a step (:meth:`point`)."""

    def name_new(self, obj: Any) -> Hashable:
        """The location of ``obj``, a lock, event or queue just made, that its steps touch
        (:meth:`point`). Only untimed semantics compares locations: here its id will do."""
        return id(obj)

    def joined(self, thread: SimThread) -> None:
        """The running thread's join of ``thread`` has returned: ``thread`` has ended. (Untimed
        semantics reads this: see UntimedWorld.joined.)"""

    def switch_point(self) -> None:
        """A place where CPython's GIL build may switch threads (see kernel/untimed.py); under
        timed semantics the GIL model decides that, so nothing happens here."""

    # -- trace ---------------------------------------------------------------------------------
    def record(self, thread: Optional[SimThread], op: str, obj: str = "",
               where: Optional[Where] = None, skip: Optional[int] = 0) -> None:
        """Put an operation on the trace, at ``where`` or else at the user's line that led to
        it. ``skip``: how many frames between the caller and the user's code are simconc's
        for certain (see caller_where); None when no line of the user's led to it."""
        if self.tearing_down or not self.tracing:  # unwinding threads after the end is not
            return                                # part of the execution
        if where is None and skip is not None:
            where = caller_where(2 + skip)
        self.trace.record(self.now, thread.name if thread else "-", op, obj, where,
                          thread.ident if thread else -1)

    def record_access(self, op: str, obj: str) -> None:
        """:meth:`record` for a read or write the instrument's hooks saw, by the running thread
        at the user's line past the hook. (One call fewer than ``record``: a traced execution
        makes one for every access.) Not in the hub: a finalizer the collector runs there
        belongs to no simulated thread."""
        thread = self.current
        if self.tearing_down or not self.tracing or thread is None or getcurrent() is self.hub:
            return
        self.trace.record(self.now, thread.name, op, obj, caller_where(2), thread.ident)

    def internal_error(self, thread: SimThread, exc: BaseException) -> None:
        """An exception escaped a thread's code past the face (a simconc bug, or an error of
        simconc's own): the execution cannot go on."""
        self.abort(exc)

    # -- running -------------------------------------------------------------------------------
    def run(self, main: Callable[[], Any], name: str = "MainThread", face: Any = None) -> None:
        """Run ``main`` as the main thread until the program ends (main done, non-daemon threads
        joined), no thread can proceed, or the ``until`` time limit passes."""
        with _current_set(self):
            self.hub = getcurrent()
            self.main = thread = self.new_thread(lambda: self._main(main), name, False, face)
            self.start(thread)
            step = self.env.step
            queue = self.env._queue
            until = self.until
            while not self.finished:
                if not queue:
                    break  # nothing can ever happen again: a deadlock or a forgotten wait
                if until is not None and queue[0][0] > until:
                    break
                try:
                    step()
                except _Abort:
                    pass
                if self.fatal is not None:
                    raise self.fatal
            if self.finished:
                self.scheduler.finish()  # a replayed token must have been used up exactly

    def _main(self, main: Callable[[], Any]) -> None:
        try:
            main()
        finally:
            # CPython's threading._shutdown: wait for every non-daemon thread before exiting,
            # including any that those threads start meanwhile.
            self.main_returned = True
            for hook in self.shutdown_hooks[::-1]:   # (mypyc 2.4 fails on reversed() here)
                hook()
            me = self.main
            assert me is not None   # (this is its code)
            while True:
                pending = [t for t in self.threads
                           if t is not me and not t.daemon and t.state != "done"]
                if not pending:
                    break
                pending[0].done.park()
            for hook in self.exit_hooks:
                hook()
            self.settle(me)   # its last operations' CPU time passes before the end
            self.finished = True

    def abandon(self, thread: SimThread) -> None:
        """Suspend ``thread``'s greenlet for good (teardown only). It stays referenced, so that
        garbage collection never throws into it again."""
        _ABANDONED.append(thread.greenlet)
        sys.stderr.write(f"simconc: thread {thread.name!r} caught the exception that unwinds it "
                         f"at the end of the run (a bare except?) and blocked again; it was "
                         f"left suspended.\n")
        self.hub.switch()

    def teardown(self) -> None:
        """Unwind the greenlets of threads that never finished (daemons, deadlocked threads), so
        their frames are released now and their ``finally`` blocks cannot block again."""
        global _current
        self.tearing_down = True
        previous, _current = _current, self
        try:
            for thread in self.threads:
                g = thread.greenlet
                # (An ended thread's greenlet may be running another thread already.)
                if g is not None and not g.dead and thread.state != "done":
                    self.current = thread
                    try:
                        g.throw(GreenletExit)
                    except GreenletExit:
                        pass
                    except BaseException:  # a finally block that raised: nothing left to report to
                        pass
        finally:
            _current = previous

    def dispose(self) -> None:
        """Break the world's reference cycles once nothing will run in it again (the result is
        built), so that reference counting frees an execution as it is dropped. Left to the
        cycle collector, the garbage of thousands of small executions costs a tenth of their
        time. What the result keeps (trace, scheduler, the program's namespace) stays valid."""
        for thread in self.threads:
            thread.dispose()
        self.threads = []
        self.main = self.current = self.hub = None
        self.shutdown_hooks = []
        self.exit_hooks = []
        self.face_state = {}
        if self.gil is not None:
            self.gil.world = None
        if self.env is not None:
            # SimPy binds its event constructors to the environment as bound methods of it.
            vars(self.env).clear()
