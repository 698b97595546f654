"""Untimed semantics: every visible operation is a step, and the scheduler orders the steps.

Durations are abstracted away (DESIGN.md, decision 2). A thread runs until it is about to do a
visible operation (a lock acquire or release, a read or write of shared state, a join, ...), says
which (:meth:`Stepped.point`) and waits for its turn. Which of the threads whose next operation
is enabled takes the next step is the scheduler's choice (:meth:`Stepped._take`). So every
ordering of visible operations that a real interpreter could produce is one sequence of ``step``
choices, and an exploration strategy enumerates them.

- A blocking acquire is enabled only when the lock is free, a join only when the thread has
  ended: a thread never parks on them, its step is simply not offered until it can happen.
- A timed wait times out at the step where it is scheduled unless what it waits for already
  happened: "times out or not" is the order of two steps, like everything else.
- ``sleep``, CPU work and IO are not steps: they touch nothing another thread can see, so where
  they fall between steps does not change any outcome. The clock stays at zero.
- A thread that polled (slept, or let a timed wait run out) ``POLLS`` times owes a step to
  each thread that could go on then: until each has taken one (or while none can go on), it is
  marked ``polling`` in the options, and exploration strategies let another thread go first;
  then it may poll ``POLLS`` times again. This fairness assumption (CHESS's, for yields) keeps
  ``while not done: sleep(0.01)`` from looping for ever in one execution, and exploration from
  running one execution per number of polls. (A poller's count is not reset by just any other
  thread's step: two threads polling in turn would keep each other's at zero, and the thread
  they both wait for might never run.)
- Operations that touch nothing shared (a new thread running up to its first visible operation,
  the wait in ``Thread.start``) run at once, without a choice: their order cannot matter.
- A container and its keys are one family of locations: the whole conflicts with every key
  (:func:`simconc.explore.dependence.dependent`).
- With ``switch_points="gil"`` a thread may be switched out only where the GIL build of CPython
  3.10 to 3.13 can drop the GIL (:meth:`Stepped.switch_point`; sleeps, IO and CPU work are such
  places): the GIL is a lock of the model, whose steps the search orders like a lock's.

The loop (:meth:`Stepped.run`, in the hub) picks the next thread and switches into it. A thread
that reaches its next step makes the same decision itself (:meth:`Stepped._next`) and switches
to the thread picked directly, where nothing else needs the hub: a round trip through the hub
would cost as much as the choice, and most often the thread picked is the one that asked, which
then simply goes on. No SimPy event is involved.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Hashable, Optional

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped]

from .errors import SimconcError
from .greenlets import EXITED, idle_greenlet
from .profile import IDEAL
from .scheduler import MAX_STEPS, Option
from .semantics import Semantics
from .thread import ALIVE, SimThread
from .trace import Step, Where, caller_where
from .waitqueue import WaitQueue
from .world import Abort

if TYPE_CHECKING:  # pragma: no cover
    from .interpreter import Interpreter
    from .world import World

#: Kinds of access. ``r``/``w``: read/write of a location; ``acq``: a blocking acquire (enabled
#: only when the lock is free); ``try``: a non-blocking or timed acquire (may fail); ``rel``: a
#: release; ``join``: waits for a thread's end (enabled only then); ``wait``: a park until another
#: step wakes it. Everything but two reads of one location conflicts.
ACCESSES = ("r", "w", "acq", "try", "rel", "join", "wait")

#: Steps that can only happen after the step that enabled them (a release, an exit, a wake-up):
#: the order of that pair can never be reversed.
BLOCKING = frozenset(("acq", "join", "wait"))

#: How many times in a row a thread may poll while other threads could run (see above).
POLLS = 3

#: The location of the GIL's steps under ``switch_points="gil"``.
GIL_KEY = ("GIL",)

#: Where a thread may be switched out: ``any`` visible operation (the free-threaded build; the
#: GIL build up to 3.9, whose eval loop could drop the GIL after almost any instruction), or only
#: where the eval loop of CPython 3.10 to 3.13 can drop the GIL (``gil``); by the names a user
#: may give, a build of a given CPython version among them.
SWITCH_POINT_NAMES = {"any": "any", "free-threaded": "any", "gil": "gil", "gil-3.9": "any",
                      "gil-3.10": "gil", "gil-3.11": "gil", "gil-3.12": "gil", "gil-3.13": "gil"}

_NOBODY: frozenset = frozenset()

# A step, an option: made once per visible operation, straight from a tuple (``_make`` and the
# generated ``__new__`` each cost a Python call more).
_new_tuple = tuple.__new__


def switch_points_named(name: str) -> str:
    """``any`` or ``gil`` for one of :data:`SWITCH_POINT_NAMES`; ValueError naming them if not."""
    try:
        return SWITCH_POINT_NAMES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown switch points {name!r}: choose one of "
                         f"{', '.join(SWITCH_POINT_NAMES)}") from None


def _has_finalizer(kind: type) -> bool:
    """Whether ``kind`` (or a base class of it but ``object``) has a ``__del__``: in Python,
    or a C type's finalizer."""
    return any("__del__" in vars(each) for each in kind.__mro__)


class StepThread(SimThread):
    """A thread under untimed semantics: the step it waits to take, and its fairness."""

    __slots__ = ("pending", "option", "last_step", "spawn_step", "yielded", "spins", "owed",
                 "behind")

    def __init__(self, world: "World", interpreter: "Interpreter", run: Callable[[], Any],
                 name: str, daemon: bool, ident: int, face: Any = None) -> None:
        super().__init__(world, interpreter, run, name, daemon, ident, face)
        self.pending: Any = None       # (key, access, enabled): what it does next
        self.option: Any = None        # that step as exploration is shown it (an Option)
        self.last_step = -1            # index of the last step it took
        self.spawn_step = -1           # the step during which its parent started it
        self.yielded = False           # since its last step it slept or a timed wait ran out
        self.spins = 0                 # polls (sleeps, timeouts) since others made progress
        self.owed: Optional[list] = None   # after POLLS of them: threads owed a step first
        #: The paths of the threads it has joined, and of those they joined: ended, every step
        #: of theirs happens before whatever it does next (Stepped.joined).
        self.behind: frozenset = _NOBODY

    def dispose(self) -> None:
        super().dispose()
        self.pending = self.option = None


class StepGIL:
    """An interpreter's GIL in the GIL build's model (``switch_points="gil"``): who holds it."""

    __slots__ = ("holder",)

    def __init__(self) -> None:
        self.holder: Optional[SimThread] = None


class Stepped(Semantics):
    """Untimed semantics (see the module's docstring): at most ``max_steps`` steps a run."""

    def __init__(self, max_steps: int = MAX_STEPS, switch_points: str = "any") -> None:
        switch_points = switch_points_named(switch_points)
        # (The GIL build: a thread runs Python only while it holds the GIL, which it lets go at a
        # switch point (:meth:`switch_point`) or before an operation that may block. The GIL is
        # a lock of the model, its steps ``acq``/``rel`` on ``GIL_KEY``: the search orders them
        # like any lock's, so between two switch points a thread's steps cannot be interleaved.)
        super().__init__("untimed", switch_points, IDEAL, switch_points == "gil")
        self.thread_class = StepThread
        self.max_steps = max_steps
        self.step_limit_hit = False
        # The world's, read at every step: kept here too (one attribute nearer).
        self.threads: list[StepThread] = []   # (the world's threads)
        self.steps: list[Step] = []           # (its trace's steps, and its events)
        self.events: list[Any] = []
        self.scheduler: Any = None
        self._fresh: list[StepThread] = []
        self._local_waits = 0        # threads waiting on a wait nobody else observes (key None)
        self._polled = False         # some thread's ``spins`` is not 0
        self._last: Optional[StepThread] = None   # the thread that took the last step
        #: Objects whose id() keys a location in this execution: kept alive, so that no other
        #: object can take over an id while the execution still compares keys.
        self._keep: list[Any] = []
        #: Whether objects of a class have a finalizer (``__del__``): those are not kept alive.
        #: CPython finalizes one when the program drops it, and the program sees that (what
        #: its ``__del__`` prints, a lock it lets go); kept, it would be finalized after the
        #: run, outside it. Each is followed by its id instead (``_finalizable_ids``).
        self._finalizes: dict[type, bool] = {}
        #: For each id of an object with a finalizer: a weak reference to the object that has
        #: it, and how many had it before in this execution. An object that takes over the id
        #: of one that died gets locations of its own (``("again", n, key)``): which id the
        #: allocator gives it must not decide what conflicts with what.
        self._finalizable_ids: dict[int, tuple[Any, int]] = {}
        #: Whether the strategy is shown each option (exploration) or only their number.
        self.wants_options = False
        #: For a timeline only: the threads whose next step could not be taken at the last
        #: decision (a ``block`` recorded, its ``ready`` not yet), and what they wait on.
        self._blocked: dict[StepThread, str] = {}

    def attach(self, world: "World") -> None:
        self.world = world
        self.threads = world.threads   # type: ignore[assignment]  # (only StepThreads in it)
        self.steps = world.trace.steps
        self.events = world.trace.events
        self.scheduler = world.scheduler
        self.wants_options = getattr(world.scheduler.strategy, "wants_options", False)
        if self.gil_build:
            for interpreter in world.interpreters:
                self.add_interpreter(interpreter)

    def add_interpreter(self, interpreter: "Interpreter") -> None:
        if self.gil_build:   # (only the GIL build's switch points model one)
            interpreter.gil = StepGIL()


    @property
    def stopped_at_limit(self) -> bool:
        return self.step_limit_hit

    # -- threads -------------------------------------------------------------------------------
    def start(self, new: SimThread, where: Optional[Where]) -> None:
        world = self.world
        # (Each thread of a world under this semantics is a StepThread. Declared as such, not
        # cast: compiled, the assignment checks it; from the sources, cast() would be a call.)
        thread: StepThread = new   # type: ignore[assignment]
        parent: Optional[StepThread] = \
            world.current if thread is not world.main else None   # type: ignore[assignment]
        if parent is not None:
            thread.path = parent.path + (parent.spawned,)
            parent.spawned += 1
        # Its liveness is named by its path (an ident depends on the order threads start in).
        thread.alive_key = thread.done.key = (*ALIVE, thread.path)
        if parent is not None:
            # A step of the parent: from here threading.enumerate() lists the thread.
            self.point(thread.alive_key, "w")
        self.threads.append(thread)
        if parent is not None:
            thread.spawn_step = parent.last_step
            if world.tracing:
                world.record(parent, "start", thread.name, where, 0, thread.alive_key)
        self._fresh.append(thread)

    def _bootstrap(self, thread: StepThread) -> object:
        thread.state = "running"
        thread.started_at = 0.0
        try:
            if not thread.killed:
                thread.run_code()
        except GreenletExit:
            if not thread.killed:
                raise
        # Its end is a step: a join (or the interpreter's wait at exit) sees it. (The main
        # thread's end is the end of the program: nothing is left to see it.) A thread whose
        # process has ended takes no step to end: the process's end was the step the others
        # see, and nobody is left in it to join the thread. (A step raises GreenletExit in a
        # killed thread: out of here, it would leave the thread ready, at a step taken for
        # ever.)
        if not self.world.finished and not thread.killed:
            try:
                self.point(thread.alive_key, "w")
                if self.gil_build and thread.interpreter.gil.holder is thread:
                    self._release_gil(thread)
            except GreenletExit:
                if not thread.killed:
                    raise
        if self.gil_build and thread.killed and thread.interpreter.gil.holder is thread:
            thread.interpreter.gil.holder = None
        thread.finish()
        return EXITED

    def _switch_into(self, thread: StepThread) -> Any:
        """Run ``thread`` (from the hub, or from a thread that waits: see _next); what this
        greenlet is resumed with."""
        world = self.world
        world.current = thread
        if thread.interpreter is not world.running:
            world.enter(thread.interpreter)
        if thread.greenlet is None:
            # (its greenlet is known before it first runs: it may be scheduled before the one
            # that started it is resumed)
            thread.greenlet = g = idle_greenlet(world.hub)
            return g.switch(lambda: self._bootstrap(thread))
        return thread.greenlet.switch()

    def name_new(self, obj: Any) -> Hashable:
        """The location of a lock, event or queue just made: the thread that made it and how
        many it had made before, ``("made", path, n)``. An id differs from one execution to the
        next; this name is the same in every execution in which the thread took the same steps
        before, which is when the search takes a step planned by another execution for the
        same step (simconc/explore/)."""
        world = self.world
        thread = world.current
        if thread is None or getcurrent() is world.hub:
            self._keep.append(obj)   # (its id names it: no other object may take it over)
            return id(obj)
        thread.made += 1
        return ("made", thread.path, thread.made)

    # -- steps ---------------------------------------------------------------------------------
    def point(self, key: Any, access: str, enabled: Optional[Callable[[], bool]] = None,
              waiting_on: Any = None) -> None:
        world = self.world
        thread: Optional[StepThread] = world.current   # type: ignore[assignment]  # (see start)
        if thread is None or world.tearing_down or getcurrent() is world.hub:
            return
        if len(thread.behind) == len(self.threads) - 1 and (enabled is None or enabled()):
            # Every other thread has ended and been joined by this one (or none has ever
            # existed: the main thread before it starts one): each of their steps happens
            # before this, and this before anything a thread started later will do, so nothing
            # here can race. Not a step. (A wait that cannot go on is still one: the thread is
            # deadlocked on its own.)
            return
        if self.gil_build:
            if access in BLOCKING:
                # It may block: CPython lets the GIL go around a wait. (Here also when it would
                # not wait: one switch point more than the GIL build may have, never one less.)
                if thread.interpreter.gil.holder is thread:
                    self._release_gil(thread)
            elif thread.interpreter.gil.holder is not thread:
                self._take_gil(thread)
        self._step(thread, key, access, enabled, waiting_on)

    def access(self, key: Any, access: str, obj: Any = None) -> None:
        """:meth:`point` for a read or write the instrument's hooks saw (one Python call per
        access, where a hook calling ``keep`` and ``point`` would make two). ``obj``, whose id
        is in ``key``, is kept alive while the execution compares keys (unless it has a
        finalizer: see ``_finalizes``). After the run (the check reads the program's state in
        the hub) an access is no step."""
        world = self.world
        thread: Optional[StepThread] = world.current   # type: ignore[assignment]
        if thread is None or world.tearing_down or getcurrent() is world.hub:
            return
        if len(thread.behind) == len(self.threads) - 1:
            return   # (nothing to race with: see point)
        if obj is not None:
            kind = type(obj)
            finalizes = self._finalizes.get(kind)
            if finalizes is None:
                finalizes = self._finalizes[kind] = _has_finalizer(kind)
            if not finalizes:
                self._keep.append(obj)
            else:
                key = self._finalizable_location(obj, key)
        if self.gil_build and thread.interpreter.gil.holder is not thread:
            self._take_gil(thread)
        self._step(thread, key, access, None, None)

    def _finalizable_location(self, obj: Any, key: Any) -> Any:
        """``key``, a location of ``obj`` (which has a finalizer), as this execution names it:
        see ``_finalizable_ids``."""
        known = self._finalizable_ids.get(id(obj))
        if known is None or known[0]() is not obj:
            try:
                ref = weakref.ref(obj)
            except TypeError:   # (no weak reference to it: kept alive, as the others)
                self._keep.append(obj)
                return key
            known = self._finalizable_ids[id(obj)] = (ref, 0 if known is None else known[1] + 1)
        return key if not known[1] else ("again", known[1], key)

    def switch_point(self) -> None:
        """Where the GIL build's eval loop checks whether to drop the GIL (a function's entry,
        the return from a call, a loop's back edge, a sleep): another thread may take it here.
        Under ``switch_points="any"`` every visible operation is one already: nothing to do.

        The thread lets the GIL go here and takes it again only before its next visible
        operation: what it does in between touches nothing another thread can see, so taking
        it later changes no outcome, and a stretch with nothing visible in it costs no steps."""
        if not self.gil_build:
            return
        world = self.world
        thread: Optional[StepThread] = world.current   # type: ignore[assignment]
        if thread is None or thread.interpreter.gil.holder is not thread or \
                world.tearing_down or len(thread.behind) == len(self.threads) - 1 or \
                getcurrent() is world.hub:
            return   # (every other thread joined, or none started: nothing to race, as in point)
        self._release_gil(thread)

    def _release_gil(self, thread: StepThread) -> None:
        self._step(thread, GIL_KEY, "rel", None, None)
        thread.interpreter.gil.holder = None
        self.world.record(thread, "gil-drop")   # where another thread could take over

    def _take_gil(self, thread: StepThread) -> None:
        gil = thread.interpreter.gil
        self._step(thread, GIL_KEY, "acq", lambda: gil.holder is None, None)
        gil.holder = thread

    def joined(self, ended: SimThread) -> None:
        """The running thread's join of ``thread`` has returned: every step of ``thread`` (and
        of the threads it joined) happens before whatever the running thread does next. Once
        it has joined every other thread, what it does races with nothing (see point)."""
        me: Optional[StepThread] = self.world.current   # type: ignore[assignment]
        thread: StepThread = ended   # type: ignore[assignment]
        if me is not None:
            me.behind = me.behind | thread.behind | {thread.path}

    def _step(self, thread: StepThread, key: Any, access: str,
              enabled: Optional[Callable[[], bool]], waiting_on: Any) -> None:
        """Wait, ready to do ``access`` on ``key``, until the scheduler picks this thread."""
        world = self.world
        thread.pending = (key, access, enabled)   # what it does when next scheduled
        if self.wants_options:   # made once, not once per step it waits through
            thread.option = _new_tuple(Option, (thread.path, thread.name, key, access,
                                                thread.yielded, False))
        thread.state = "ready"
        if waiting_on is not None:   # (what the deadlock analysis reads)
            thread.waiting_on = waiting_on
            thread.waiting_where = caller_where() if world.tracing else None
        world.progress += 1
        if key is None:
            self._local_waits += 1
            try:
                value = self._next()
            finally:
                self._local_waits -= 1
        else:
            value = self._next()
        if isinstance(value, Abort) or world.tearing_down or thread.killed:
            raise GreenletExit
        if waiting_on is not None:
            thread.waiting_on = thread.waiting_where = None
        thread.state = "running"

    def _decide(self) -> Optional[StepThread]:
        """The one decision of the loop: the thread that runs next. First what needs no choice
        (a new thread, a wait nobody else sees: :meth:`_local`), else the scheduler's pick among
        the threads whose next step can be taken (:meth:`_take`, which records the step). None
        when the run is over: an error, the program's end, no thread can go on (a deadlock),
        or the step limit (then ``step_limit_hit``)."""
        world = self.world
        if world.fatal is not None or world.finished:
            return None
        if world.timeline:
            self._watch()
        if self._fresh or self._local_waits:
            local = self._local()
            if local is not None:
                return local
        ready = self._ready()
        if not ready:
            return None
        if len(self.steps) >= self.max_steps:
            self.step_limit_hit = True
            return None
        return self._take(ready)

    def _next(self) -> Any:
        """From a thread that has just become ready: run the thread :meth:`_decide` picks, and
        return when this one is picked again (what it was resumed with). The thread that gives
        way makes the loop's decision itself and switches straight to the one picked (see the
        module's docstring); when the run is over, it hands over to the hub. (Thread.start
        waits here for the new thread, which runs up to its first step and then hands back:
        two switches, where the hub would take four.)"""
        thread = self._decide()
        if thread is None:
            return self.world.hub.switch()
        if thread is self.world.current:
            return None   # (most often: the thread that asked goes on)
        return self._switch_into(thread)

    def _ready(self) -> list[StepThread]:
        """The threads whose next step can be taken now."""
        return [t for t in self.threads if t.state == "ready" and
                (t.pending[2] is None or t.pending[2]())]

    def _take(self, ready: list[StepThread]) -> StepThread:
        """The thread among ``ready`` that takes the next step (the scheduler's choice), with
        its step recorded."""
        options = (self._options(ready) if self._polled else
                   [t.option for t in ready]) if self.wants_options else None
        n = len(ready)
        if n > 1 or options is not None:
            # A strategy that follows every step (exploration keeps a node per step) is shown
            # the steps without a choice too.
            try:
                if n == 1:
                    assert options is not None   # (shown a step without a choice: see above)
                    self.scheduler.strategy.observe(options)
                    thread = ready[0]
                else:
                    thread = ready[self.scheduler.choose("step", n, options)]
            except SimconcError as exc:
                self.world.abort(exc)
                raise
        else:
            thread = ready[0]
        key, access, _enabled = thread.pending
        last = self._last
        preempts = last is not None and last is not thread and last in ready
        steps = self.steps
        steps.append(_new_tuple(Step, (thread.path, key, access,
                                       thread.spawn_step if thread.last_step < 0 else -1,
                                       len(self.events), thread.name, preempts,
                                       thread.ident)))
        thread.last_step = len(steps) - 1
        thread.yielded = False
        self._last = thread
        if self._polled:
            self._progress(thread)
        return thread

    def _watch(self) -> None:
        """For a timeline: each thread whose next step cannot be taken now (a lock held, a
        thread not ended, a wait not woken) is blocked on what it waits for, until it can."""
        world = self.world
        blocked = self._blocked
        for thread in self.threads:
            pending = thread.pending
            if pending is None or thread.state != "ready":
                if blocked and thread in blocked:
                    del blocked[thread]
                continue
            enabled = pending[2]
            if enabled is not None and not enabled():
                if thread not in blocked:
                    queue = thread.waiting_on
                    label = queue.named() if queue is not None else \
                        "the GIL" if pending[0] == GIL_KEY else ""
                    blocked[thread] = label
                    world.record(thread, "block", label, thread.waiting_where, None,
                                 pending[0])
            elif blocked and thread in blocked:
                world.record(thread, "ready", blocked.pop(thread), None, None)

    def _progress(self, thread: StepThread) -> None:
        """``thread`` took a step: the polls it ends (see the module's docstring)."""
        polled = False
        for other in self.threads:
            owed = other.owed
            if owed is not None and thread in owed:
                owed.remove(thread)
                if not owed:          # paid: each thread it owed has taken a step
                    other.spins, other.owed = 0, None
            polled = polled or other.spins > 0
        self._polled = polled

    def _polls(self, thread: StepThread) -> None:
        """``thread`` polls (it sleeps, or a timed wait ran out): from its ``POLLS``-th poll on,
        it owes a step to each thread that could go on now."""
        thread.yielded = True
        thread.spins += 1
        self._polled = True
        if thread.spins >= POLLS and not thread.owed:
            thread.owed = self._ready() or None   # (it is running: not among them)

    @staticmethod
    def _options(ready: list[StepThread]) -> list[Option]:
        """The options when some thread has polled: each thread's own ``option``, marked
        ``polling`` while a thread it owes a step to could go on (unless every one would be)."""
        owing = [t.owed is not None and any(u in t.owed for u in ready) for t in ready]
        if all(owing):
            return [t.option for t in ready]
        return [t.option._replace(polling=True) if owes else t.option
                for t, owes in zip(ready, owing)]

    # -- waiting ---------------------------------------------------------------------------------
    def park(self, queue: WaitQueue, timeout: Optional[float], where: Optional[Where]) -> bool:
        """A timed wait has timed out (its step came first); an untimed one waits for a step
        that wakes it (a ``wait`` step on the queue's location, enabled once unparked)."""
        world = self.world
        thread: StepThread = world.current_thread()   # type: ignore[assignment]
        if world.tearing_down or thread.killed:
            raise GreenletExit
        if timeout is not None:
            self._polls(thread)
            return False
        entry: list[Any] = [thread, False]
        queue.waiters.append(entry)
        self.point(queue.key, "wait", lambda: entry[1], waiting_on=queue)
        return True

    def unpark(self, queue: WaitQueue) -> bool:
        """Wake every waiter: each re-checks what it waits for when its step comes, so waking
        more than CPython would is never seen (and which one wins is the steps' order)."""
        return self.unpark_all(queue) > 0

    def unpark_all(self, queue: WaitQueue) -> int:
        waiters, queue.waiters = queue.waiters, []
        for entry in waiters:
            entry[1] = True
        return len(waiters)

    # -- time: none passes -----------------------------------------------------------------------
    def read_clock(self) -> float:
        return 0.0

    def cpu_clock(self, whole_process: bool) -> float:
        return 0.0

    def load_average(self) -> tuple[float, float, float]:
        return (0.0, 0.0, 0.0)   # (no time passes: no sample of the load is ever due)

    def settle(self, thread: SimThread) -> bool:
        return False   # no thread owes time

    def sleep(self, seconds: float) -> None:
        world = self.world
        thread: StepThread = world.current_thread()   # type: ignore[assignment]
        self._polls(thread)
        world.record(thread, "sleep", detail=f"{seconds:g}s", skip=1)
        self.switch_point()   # time.sleep() lets the GIL go

    def spend(self, seconds: float) -> None:
        pass   # no time passes (an operation's cost is a duration: abstracted away)

    def cpu(self, seconds: float) -> None:
        world = self.world
        world.record(world.current_thread(), "cpu", detail=f"{seconds:g}s", skip=1)
        self.switch_point()   # long work passes the eval loop's checks

    def io(self, seconds: float) -> None:
        world = self.world
        world.record(world.current_thread(), "io", detail=f"{seconds:g}s", skip=1)
        self.switch_point()   # blocking IO lets the GIL go

    # -- running -------------------------------------------------------------------------------
    def run(self, main: SimThread) -> None:
        """The hub's loop: run the thread :meth:`_decide` picks (it, and the threads it picks
        in turn, see _next, run until the hub is needed again), until the run is over: the
        program ends, no thread can go on (a deadlock: the runner reports it), the step limit,
        or an error (raised)."""
        world = self.world
        self.start(main, None)
        if self.gil_build:
            main.interpreter.gil.holder = main   # the main thread starts holding it
        while True:
            thread = self._decide()
            if world.fatal is not None:
                world.raise_fatal()
            if thread is None:
                break
            self._switch_into(thread)
            if world.fatal is not None:
                world.raise_fatal()
        trace = world.trace
        trace.pending = [
            Step(t.path, t.pending[0], t.pending[1], t.spawn_step if t.last_step < 0 else -1,
                 len(trace.events), t.name, False, t.ident)
            for t in self.threads if t.state == "ready" and t.pending is not None]

    def _local(self) -> Optional[StepThread]:
        """The thread to run next without a choice, if any: a new thread (up to its first
        visible operation; taken off the list of new ones), in creation order, else one whose
        wait nothing else can observe and that can go on. Their order cannot matter."""
        if self._fresh:
            return self._fresh.pop(0)
        if self._local_waits:
            for t in self.threads:
                if t.state == "ready" and t.pending[0] is None and (
                        t.pending[2] is None or t.pending[2]()):
                    return t
        return None

    def dispose(self) -> None:
        self._last = self.scheduler = None
        self._fresh = []
        self._blocked = {}
        self.threads = []
        self._keep.clear()   # (``access`` appends to this list)
        self._finalizable_ids.clear()
