"""Timed semantics: durations decide what is ready, on SimPy's clock (DESIGN.md, decision 2).

Each thread is a SimPy process driving its greenlet (:func:`.greenlets.drive`). A thread runs
Python only while it holds its interpreter's GIL (:mod:`.gil`), and computes (:meth:`Timed.cpu`)
only while it also holds one of the machine's cores. Whenever it waits (a lock, a join, a sleep,
blocking IO, a core), it parks: it lets the GIL go, its greenlet hands the hub the SimPy event
to wait for, and its process resumes the greenlet when the event fires; it then asks for the
GIL again. Choices arise where the clock leaves an order open: which of the threads that want
the GIL at one instant takes it, which waiter a release wakes; the program's costs (thread
start, timer slack) are jittered from the run's seed.

The loop is SimPy's own: :meth:`Timed.run` processes events in time order until the program
ends, nothing is left to happen (a deadlock), or the ``until`` limit.
"""
from __future__ import annotations

from heapq import heappop
from typing import TYPE_CHECKING, Any, Callable, Final, Hashable, Optional

import simpy
from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped]

from .counting import Counter
from .gil import GIL, NoGIL
from .greenlets import EXITED, drive
from .load import Load
from .profile import CostProfile, get_profile
from .semantics import Semantics
from .thread import SimThread
from .trace import Where, caller_where
from .waitqueue import WaitQueue
from .world import Abort

if TYPE_CHECKING:  # pragma: no cover
    from .interpreter import Interpreter
    from .world import World

#: Durations below this are rounding noise (a nanosecond is 1e-9).
_TIME_EPSILON = 1e-12

#: What a wait returns when World.interrupt woke the thread before it was over.
INTERRUPTED: Final = object()

#: The accesses of a visible operation that may wait (see Timed.point).
_MAY_WAIT = frozenset(("acq", "join", "wait"))

#: The accesses of a visible operation that take or give back a lock (see Timed.point).
_LOCK_ACCESSES = frozenset(("acq", "try", "rel"))


class TimedThread(SimThread):
    """A thread under timed semantics: what it owes of CPU time (:meth:`Timed.spend`)."""

    __slots__ = ("debt", "quiet", "process", "cpu_time")

    def __init__(self, world: "World", interpreter: "Interpreter", run: Callable[[], Any],
                 name: str, daemon: bool, ident: int, face: Any = None) -> None:
        super().__init__(world, interpreter, run, name, daemon, ident, face)
        #: CPU time spent on locks and queues, not yet passed (Timed.spend).
        self.debt = 0.0
        #: While it pays for what it computed: its waits are no sign of life (Timed.pay).
        self.quiet = False
        #: The SimPy process that drives it (Timed.interrupt redirects it).
        self.process: Any = None
        #: The CPU time it has computed (``time.thread_time()``).
        self.cpu_time = 0.0


class Timed(Semantics):
    """Timed semantics, under a cost ``profile``, stopping at simulated time ``until``; with
    ``gil=False``, interpreters of the free-threaded build (no GIL: threads compute at once, on
    as many cores as the machine has)."""

    def __init__(self, profile: "str | CostProfile" = "tutorial-2017",
                 until: Optional[float] = None, gil: bool = True) -> None:
        super().__init__("timed", "any", get_profile(profile), gil)
        self.thread_class = TimedThread
        self.until = until
        # The clock is a float from the start (SimPy's would start at the int 0).
        self.env: Any = simpy.Environment(0.0)
        self._lock_op = self.profile.lock_op
        self._python_step = self.profile.python_step
        self._cores: Optional[simpy.Resource] = None
        #: The kernel's own places to wait, which no operation of the program wakes: a thread
        #: parks there until SimPy says (its deadline passed, a core is free). Made on first
        #: use, as the cores are.
        self._queues: dict[str, WaitQueue] = {}
        #: For a timeline only: the thread computing on each core, numbered from 0 (SimPy's
        #: resource counts its users but names no core; the lowest free number is taken).
        self._on_core: list[Optional[SimThread]] = []
        #: The machine's load average (``os.getloadavg()``).
        self.load = Load()
        self._timeslice = self.profile.timeslice
        #: Fired when a thread must wait for a core (see _slice); made on first use.
        self._wanted: Optional[Any] = None

    def attach(self, world: "World") -> None:
        self.world = world
        for interpreter in world.interpreters:
            self.add_interpreter(interpreter)
        if self._python_step > 0:
            world.counter = Counter(self._batch(world.interpreters[0]), self.computed)

    def _queue(self, label: str) -> WaitQueue:
        """The kernel's own queue called ``label``: "sleep", "IO" or "a core"."""
        queue = self._queues.get(label)
        if queue is None:
            queue = self._queues[label] = WaitQueue(self.world, None, None, label)
        return queue

    def add_interpreter(self, interpreter: "Interpreter") -> None:
        if self.gil_build:
            interpreter.gil = GIL(self.world, interpreter, self.env)
        else:
            interpreter.gil = NoGIL(self.world, interpreter, self.env)

    @property
    def cores(self) -> simpy.Resource:
        # Made on first use: most programs never compute.
        if self._cores is None:
            self._cores = simpy.Resource(self.env, capacity=self.profile.cores)
        return self._cores

    @property
    def stopped_at_limit(self) -> bool:
        queue = self.env._queue
        return self.until is not None and bool(queue) and self.env.peek() > self.until

    # -- threads -------------------------------------------------------------------------------
    def start(self, thread: SimThread, where: Optional[Where]) -> None:
        """``thread`` runs after the OS's thread-creation time."""
        world = self.world
        world.threads.append(thread)
        p = self.profile
        delay = 0.0 if thread is world.main else world.jittered(p.thread_start,
                                                                p.thread_start_jitter)
        if world.current is not None:
            world.record(world.current, "start", thread.name, where, 0, thread.alive_key)
        timed: TimedThread = thread   # type: ignore[assignment]
        timed.process = self.env.process(drive(thread, delay, self.env, self._bootstrap))

    def _bootstrap(self, thread: SimThread) -> object:
        """The life of ``thread``'s greenlet: it takes the GIL, runs, pays, ends, lets go."""
        gil: GIL = thread.interpreter.gil
        self._run_again(thread, gil)
        thread.started_at = self.world.now
        try:
            if not thread.killed:
                thread.run_code()
                # (its last operations' CPU time passes before it ends; a killed one's process
                # is gone: it owes nothing more, and one killed meanwhile unwinds)
                self.settle(thread)
        except GreenletExit:
            if not thread.killed:
                raise
        thread.finish()
        gil.release(thread)
        return EXITED

    # -- waiting ---------------------------------------------------------------------------------
    def park(self, queue: WaitQueue, timeout: Optional[float], where: Optional[Where]) -> bool:
        """The current thread waits on ``queue`` until an unpark picks it (True), or its deadline
        passes (False)."""
        world = self.world
        thread = world.current_thread()
        if thread.killed:
            raise GreenletExit   # (its process has ended: it unwinds)
        if thread.interrupts and not world.tearing_down:
            # (they came while it ran: it runs them before it would wait, as CPython's eval
            # loop would have; then its caller looks again)
            world.run_interrupts(thread)
            return True
        if self.settle(thread):
            # What it owed passed first, and other threads ran meanwhile: what it was about to
            # wait for may have happened. Woken at once, the caller looks again (every park is
            # in a loop that does, as a condition's waits are).
            return True
        event = self.env.event()
        entry = [thread, event]
        queue.waiters.append(entry)
        if timeout is not None:
            self.env.timeout(self.timed_delay(timeout)).callbacks.append(
                lambda _: _expire(queue, entry))
        woken = self._block(thread, queue, event, where or caller_where())
        if thread.interrupts:
            world.run_interrupts(thread)
        return woken is not False   # (interrupted: woken early, the caller looks again)

    def unpark(self, queue: WaitQueue) -> bool:
        waiters = queue.waiters
        index = self.world.choose("wake", len(waiters)) if len(waiters) > 1 else 0
        waiters.pop(index)[1].succeed(True)
        return True

    def hand_over(self, queue: WaitQueue,
                  patient: Callable[[SimThread], bool]) -> Optional[SimThread]:
        waiters = queue.waiters
        index = self.world.choose("wake", len(waiters)) if len(waiters) > 1 else 0
        thread, event = waiters.pop(index)
        event.succeed(True)
        return thread if patient(thread) else None

    def unpark_all(self, queue: WaitQueue) -> int:
        waiters, queue.waiters = queue.waiters, []
        for _thread, event in waiters:
            event.succeed(True)
        return len(waiters)

    def _wait_out(self, thread: SimThread, queue: WaitQueue, event: Any) -> Any:
        """``thread`` parks on one of the kernel's own queues until SimPy fires ``event`` (its
        value), or an interrupt wakes it first (``INTERRUPTED``)."""
        entry = [thread, event]
        queue.waiters.append(entry)
        try:
            return self._block(thread, queue, event, None)
        finally:
            if entry in queue.waiters:   # (its process's end took it out: World.end_interpreter)
                queue.waiters.remove(entry)

    def _wait_for_core(self, thread: SimThread, event: Any) -> None:
        """``thread``, which computes, waits until SimPy fires ``event`` (a core is free),
        keeping its GIL: CPython's thread, preempted by the OS, still holds it, so its
        process's other threads wait for the GIL meanwhile (one that has waited a switch
        interval asks for it, and gets it once the holder runs again and drops it)."""
        world = self.world
        if world.tearing_down:
            if thread.state == "unwinding":   # (as in _block: it caught the GreenletExit)
                world.abandon(thread)
            thread.state = "unwinding"
            raise GreenletExit
        queue = self._queue("a core")
        entry = [thread, event]
        queue.waiters.append(entry)
        thread.state = "ready"
        thread.waiting_on = queue   # (what the timelines read; World.end_interpreter too)
        if world.timeline:
            world.record(thread, "ready", queue.named(), skip=None)
        try:
            self._wait(event)
        finally:
            thread.waiting_on = None
            if entry in queue.waiters:   # (its process's end took it out: World.end_interpreter)
                queue.waiters.remove(entry)
        thread.state = "running"
        if world.timeline:
            world.record(thread, "run", skip=None)
        if thread.killed:
            raise GreenletExit   # (its process ended while it waited: it unwinds)

    def _block(self, thread: SimThread, queue: WaitQueue, event: Any,
               where: Optional[Where]) -> Any:
        """Let the GIL go, wait for the SimPy ``event``, take the GIL back; the event's value.
        Every wait of a thread under timed semantics passes here."""
        world = self.world
        if world.tearing_down:
            if thread.state == "unwinding":
                # It caught the GreenletExit (a bare except) and blocked again: it would do so
                # for ever. Leave it suspended for good; never resumed, it cannot hang the run.
                world.abandon(thread)
            thread.state = "unwinding"
            raise GreenletExit
        gil: GIL = thread.interpreter.gil
        thread.state = "blocked"
        thread.waiting_on = queue   # (what the deadlock analysis and the timelines read)
        thread.waiting_where = where
        if world.timeline:
            world.record(thread, "block", queue.named(), where, skip=None, key=queue.key)
        gil.release(thread)
        try:
            value = self._wait(event)
        finally:
            thread.waiting_on = thread.waiting_where = None
        self._run_again(thread, gil, queue)
        if thread.killed:
            raise GreenletExit   # (its process ended while it waited: it unwinds)
        return value

    def _run_again(self, thread: SimThread, gil: GIL, woken: Optional[WaitQueue] = None) -> None:
        """``thread`` may go on (it has started, or its wait on ``woken`` is over): it is ready,
        and runs once it holds the GIL (at once if nobody else can want it now)."""
        world = self.world
        thread.state = "ready"
        if world.timeline:
            world.record(thread, "ready", woken.named() if woken is not None else "", skip=None)
        if not gil.take_if_free(thread):
            self._wait_for_gil(thread, gil)
        thread.state = "running"
        if world.timeline:
            world.record(thread, "run", skip=None)

    def _wait_for_gil(self, thread: SimThread, gil: GIL) -> None:
        event = gil.request(thread)
        thread.waiting_on = gil.queue
        try:
            self._wait(event)
        finally:
            thread.waiting_on = None

    def _wait(self, event: Any) -> Any:
        """Suspend the current greenlet until the SimPy ``event`` fires; its value."""
        world = self.world
        thread: TimedThread = world.current   # type: ignore[assignment]
        if not thread.quiet:
            world.progress += 1
        value = world.hub.switch(event)
        if isinstance(value, Abort):  # pragma: no cover - the hub never sends one back
            raise GreenletExit
        return value

    # -- time ------------------------------------------------------------------------------------
    def read_clock(self) -> float:
        """The simulated time as the running thread reads it: once the CPU time it owes for its
        lock and queue operations has passed (see :meth:`spend`)."""
        world = self.world
        thread = world.current
        if thread is not None and getcurrent() is not world.hub:
            self.settle(thread)
        return world.now

    def cpu_clock(self, whole_process: bool) -> float:
        """The CPU time the running thread (or its whole process) has computed, as it reads it:
        once what it owes has passed, as for :meth:`read_clock`."""
        thread: TimedThread = self.world.current_thread()   # type: ignore[assignment]
        self.settle(thread)
        return thread.interpreter.cpu_time if whole_process else thread.cpu_time

    def load_average(self) -> tuple[float, float, float]:
        """``os.getloadavg()``: the machine's, as the running thread reads the clock."""
        return self.load.read(self.read_clock())

    def settle(self, thread: SimThread) -> bool:
        """Let the CPU time ``thread`` owes pass now, if it owes any: before it waits (every
        wait starts here: a sleep, IO, a park, whose deadline comes after it), reads the clock
        or ends."""
        # (Each thread of a world under this semantics is a TimedThread. Declared as such, not
        # cast: compiled, the assignment checks it; from the sources, cast() would be a call.)
        owing: TimedThread = thread   # type: ignore[assignment]
        world = self.world
        if not world.tearing_down and not world.finished:
            return self.pay(owing)
        return False

    def timed_delay(self, seconds: float) -> float:
        """How long a timed sleep or wait of ``seconds`` really lasts (timer slack included)."""
        if seconds <= 0:
            return 0.0
        p = self.profile
        return seconds + self.world.jittered(p.sleep_overshoot, p.sleep_jitter)

    def sleep(self, seconds: float) -> None:
        world = self.world
        thread = world.current_thread()
        world.record(thread, "sleep", detail=f"{seconds:g}s", skip=1)
        self.settle(thread)
        self._sleep(thread, self._queue("sleep"), seconds, True)

    def io(self, seconds: float) -> None:
        """The current thread blocks on IO for ``seconds``, without the GIL."""
        world = self.world
        thread = world.current_thread()
        world.record(thread, "io", detail=f"{seconds:g}s", skip=1)
        self.settle(thread)
        self._sleep(thread, self._queue("IO"), seconds, False)

    def _sleep(self, thread: SimThread, queue: WaitQueue, seconds: float, slack: bool) -> None:
        """Wait ``seconds`` on ``queue`` (``slack``: with a timer's). Interrupted, the thread
        runs what interrupted it, then waits for what is left, as CPython's sleep and its
        system calls do after an EINTR (PEP 475)."""
        world = self.world
        deadline = world.now + seconds
        while True:
            if thread.interrupts:   # (they came while it ran)
                world.run_interrupts(thread)
                seconds = deadline - world.now
                if seconds <= _TIME_EPSILON:
                    return
            event = self.env.timeout(self.timed_delay(seconds) if slack else seconds)
            if self._wait_out(thread, queue, event) is not INTERRUPTED:
                if thread.interrupts:   # (queued without waking it: World.interrupt)
                    world.run_interrupts(thread)
                return
            seconds = deadline - world.now

    def interrupt(self, thread: SimThread) -> None:
        """A thread parked in a queue, asleep or in IO is taken out of its wait, which returns
        ``INTERRUPTED`` (see ``World.interrupt``). One that is already woken, that waits for
        the GIL or a core (it runs, as far as its program can tell), or that runs, runs its
        interrupts when it next resumes or does a visible operation."""
        if thread.state != "blocked":
            return
        queue = thread.waiting_on
        if queue is None or queue.label == "a core":
            return
        waiters = queue.waiters
        for i in range(len(waiters)):
            entry = waiters[i]
            if entry[0] is thread:
                del waiters[i]
                event = entry[1]
                if not event.triggered:   # (a park's own event)
                    event.succeed(INTERRUPTED)
                    return
                # A deadline (sleep, IO), already scheduled: the thread's process waits for it
                # no more (it then moves nothing, not even the clock: see run), but for an
                # event of its own that fires now.
                timed: TimedThread = thread   # type: ignore[assignment]
                process = timed.process
                resume = process._resume
                event.callbacks.remove(resume)
                wake = self.env.event()
                wake.callbacks.append(resume)
                wake.succeed(INTERRUPTED)
                return

    def timer(self, seconds: float, action: Callable[[], Any]) -> Callable[[], None]:
        event = self.env.timeout(max(seconds, 0.0))
        world = self.world

        def fire(_: Any) -> None:
            previous, world.current = world.current, None   # (no thread runs it)
            try:
                action()
            finally:
                world.current = previous

        def cancel() -> None:
            callbacks = event.callbacks
            if callbacks and fire in callbacks:
                callbacks.remove(fire)

        event.callbacks.append(fire)
        return cancel

    def cpu(self, seconds: float) -> None:
        """The current thread computes for ``seconds`` holding the GIL and a core; another thread
        that wants the GIL gets it after the switch interval, as in CPython."""
        world = self.world
        thread: TimedThread = world.current_thread()   # type: ignore[assignment]
        world.record(thread, "cpu", detail=f"{seconds:g}s", skip=1)
        self._take_ticks(thread)
        # (and what it spent on locks and queues, and computed, before)
        remaining, thread.debt = seconds + thread.debt, 0.0
        self._compute(thread, remaining)

    def _compute(self, thread: SimThread, remaining: float) -> None:
        """``thread`` computes for ``remaining`` seconds, holding its GIL and one of the cores.
        When a thread waiting for the GIL has waited a switch interval, it drops the GIL, hands
        it over, and queues for it again (CPython's forced switch)."""
        env = self.env
        gil: GIL = thread.interpreter.gil
        timed: TimedThread = thread   # type: ignore[assignment]   # (declared: see settle)
        # Compared with a tolerance: subtracting the slices' float durations leaves crumbs
        # (1e-18 s) too small to move the clock, which would otherwise loop for ever.
        load = self.load
        while True:
            # (runnable, for the load average, from its asking for a core to its leaving it)
            load.change(env.now, 1)
            try:
                with self.cores.request() as core:
                    if not core.triggered:
                        wanted, self._wanted = self._wanted, None
                        if wanted is not None:
                            wanted.succeed()
                        # (parked on a condition of its own, not on SimPy's request: a
                        # process's end wakes its waiting threads by firing what they wait
                        # on, and a request fired by hand stays in SimPy's queue)
                        self._wait_for_core(thread, env.any_of([core]))
                    number = self._core_taken(thread) if self.world.timeline else -1
                    drop = gil.start_cpu()
                    remaining = self._slice(timed, remaining, drop)
                    gil.end_cpu()
                    if number >= 0:
                        self._core_freed(thread, number)
            finally:
                load.change(env.now, -1)
            if drop.triggered:
                # (Even with nothing left: CPython drops the GIL at the next check of the eval
                # breaker, and a thread that computes again at once would otherwise never let
                # go.)
                self._forced_switch(thread, f"{remaining:g}s of work left"
                                    if remaining > _TIME_EPSILON else "")
            if remaining <= _TIME_EPSILON:
                return
            # (else its time slice ran out while another thread waited for a core: it queues
            # for one again, behind that thread)

    def _slice(self, thread: TimedThread, remaining: float, drop: Any) -> float:
        """``thread`` computes on a core until it has computed ``remaining``, it is told to drop
        its GIL (``drop``), or, while another thread waits for a core, its time slice ran out:
        the OS shares the cores among the threads that compute (``profile.timeslice``). What
        it has left to compute."""
        env = self.env
        cores = self.cores
        while remaining > _TIME_EPSILON and not drop.triggered:
            contended = bool(cores.queue)
            if contended:
                until = env.timeout(min(remaining, self._timeslice))
                waited = env.any_of([until, drop])
            else:
                waited = env.any_of([env.timeout(remaining), drop, self._core_wanted()])
            started = env.now
            self._wait(waited)
            computed = env.now - started
            remaining -= computed
            thread.cpu_time += computed
            thread.interpreter.cpu_time += computed
            if contended and cores.queue:
                break
        return remaining

    def _core_wanted(self) -> Any:
        """The event a thread that must wait for a core fires: the threads computing then
        each finish their time slice, and let their core go."""
        event = self._wanted
        if event is None:
            event = self._wanted = self.env.event()
        return event

    def _core_taken(self, thread: SimThread) -> int:
        """For a timeline: ``thread`` computes on the lowest-numbered free core; its number."""
        on_core = self._on_core
        if None in on_core:
            number = on_core.index(None)
            on_core[number] = thread
        else:
            number = len(on_core)
            on_core.append(thread)
        self.world.record(thread, "core-take", f"core {number}", skip=None, key=number)
        return number

    def _core_freed(self, thread: SimThread, number: int) -> None:
        self._on_core[number] = None
        self.world.record(thread, "core-free", f"core {number}", skip=None, key=number)

    def _forced_switch(self, thread: SimThread, left: str) -> None:
        """Hand the GIL to a waiter, then queue up for it again."""
        world = self.world
        gil: GIL = thread.interpreter.gil
        world.record(thread, "gil-drop", detail=left)
        thread.state = "ready"
        gil.release(thread, forced=True)
        self._wait_for_gil(thread, gil)
        thread.state = "running"
        if world.timeline:
            world.record(thread, "run", skip=None)

    def spend(self, seconds: float) -> None:
        """The current thread spends ``seconds`` of CPU time on an operation (a lock's acquire,
        a queue's put). It is owed, not waited for at once: the thread pays it before it next
        waits for anything or reads the clock, or as soon as it adds up to a switch interval,
        so that a thread that only polls (``while True: q.get(False)``) still lets time pass,
        and the GIL go to a thread that waits for it, as CPython's forced switch does."""
        world = self.world
        thread: Optional[TimedThread] = world.current   # type: ignore[assignment]
        if thread is None or world.tearing_down or getcurrent() is world.hub:
            return
        thread.debt += seconds
        if thread.debt >= thread.interpreter.switch_interval:
            self.pay(thread)

    def computed(self, ticks: int) -> None:
        """The running thread ran a batch of ``ticks`` of counted Python (see
        :mod:`.counting`): it computes for their CPU time now."""
        world = self.world
        thread: Optional[TimedThread] = world.current   # type: ignore[assignment]
        if thread is None or world.tearing_down or world.finished or \
                getcurrent() is world.hub:
            return
        world.computed += ticks
        thread.debt += ticks * self._python_step
        self.pay(thread)
        if thread.interrupts:   # (as CPython's eval loop checks its pending calls)
            world.run_interrupts(thread)
        counter: Any = world.counter
        counter.batch = self._batch(thread.interpreter)   # (sys.setswitchinterval may change)

    def _batch(self, interpreter: "Interpreter") -> int:
        """Ticks in a batch: a quarter of a switch interval of computing. (A thread runs a
        batch of its Python before its time passes: the batch is how far ahead it may be.)"""
        return max(1, int(interpreter.switch_interval / 4 / self._python_step))

    def _take_ticks(self, thread: TimedThread) -> None:
        """What ``thread`` computed since its counter's batch began is owed."""
        counter = self.world.counter
        if counter is not None:
            ticks = counter.take()
            if ticks:
                self.world.computed += ticks
                thread.debt += ticks * self._python_step

    def pay(self, thread: TimedThread) -> bool:
        """``thread`` computes, holding the GIL and a core, for the CPU time it owes (see
        :meth:`spend`, :meth:`computed`). Its own waits here are no sign of life to the spin
        watchdog: a thread that polls a lock nobody will release only makes time pass (what
        it computes is told apart by ``world.computed``). Whether it waited (then other threads
        may have run meanwhile)."""
        self._take_ticks(thread)
        seconds = thread.debt
        if seconds <= 0.0:
            return False
        thread.debt = 0.0
        thread.quiet = True
        try:
            self._compute(thread, seconds)
        finally:
            thread.quiet = False
        return True

    # -- visible operations ----------------------------------------------------------------------
    def point(self, key: Any, access: str, enabled: Optional[Callable[[], bool]] = None,
              waiting_on: Any = None) -> None:
        """Durations decide what runs first, not steps: here a lock's acquire or release costs
        the profile's ``lock_op`` of CPU time (:meth:`spend`). Before an operation that may
        wait, a thread runs what interrupted it (World.interrupt) first. (Not before a release
        or a write: an exception there would leave it half done, where CPython checks for
        signals only between the program's bytecodes.)"""
        if access in _MAY_WAIT:
            thread = self.world.current
            if thread is not None and thread.interrupts and getcurrent() is not self.world.hub:
                self.world.run_interrupts(thread)
        if self._lock_op and access in _LOCK_ACCESSES:
            self.spend(self._lock_op)

    def access(self, key: Any, access: str, obj: Any = None) -> None:
        """A read or write the instrument's hooks saw: it costs nothing, decides nothing."""

    def switch_point(self) -> None:
        """The GIL model decides where threads switch: nothing happens here."""

    def name_new(self, obj: Any) -> Hashable:
        """Only untimed semantics compares locations: an id will do."""
        return id(obj)

    def joined(self, thread: SimThread) -> None:
        """Nothing to do: untimed semantics reads this."""

    # -- running -------------------------------------------------------------------------------
    def run(self, main: SimThread) -> None:
        """SimPy's loop: process events in time order until the program ends, nothing is left
        to happen (a deadlock, or a forgotten wait), or the next event is past ``until``."""
        world = self.world
        self.start(main, None)
        step = self.env.step
        queue = self.env._queue
        until = self.until
        while not world.finished:
            while queue and not queue[0][3].callbacks:
                # Nobody waits for it (a deadline that lost its race, a switch interval whose
                # holding ended): it moves nothing, not even the clock.
                heappop(queue)
            if not queue:
                break  # nothing can ever happen again: a deadlock or a forgotten wait
            now = queue[0][0]   # (SimPy's clock, once it takes the event: the world's from now)
            if until is not None and now > until:
                break
            world.now = now
            try:
                step()
            except Abort:
                pass
            if world.fatal is not None:
                world.raise_fatal()

    def dispose(self) -> None:
        for interpreter in self.world.interpreters:
            if interpreter.gil is not None:
                interpreter.gil.dispose()
        self._queues = {}
        self._on_core = []
        self._wanted = None
        # SimPy binds its event constructors to the environment as bound methods of it.
        vars(self.env).clear()


def _expire(queue: WaitQueue, entry: list) -> None:
    """A timed park's deadline: it times out unless it was woken first."""
    if not entry[1].triggered:
        queue.waiters.remove(entry)
        entry[1].succeed(False)

