"""Untimed semantics: every visible operation is a step, and the scheduler orders the steps.

Durations are abstracted away (DESIGN.md, decision 2). A thread runs until it is about to do a
visible operation (a lock acquire or release, a read or write of shared state, a join, ...), says
which (:meth:`UntimedWorld.point`) and switches to the hub. The hub then asks the scheduler which
of the threads whose next operation is enabled takes the next step. So every ordering of visible
operations that a real interpreter could produce is one sequence of ``step`` choices, and an
exploration strategy enumerates them.

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
  3.10 to 3.13 can drop the GIL (:meth:`UntimedWorld.switch_point`; sleeps, IO and CPU work are
  such places): the GIL is a lock of the model, whose steps the search orders like a lock's.

No SimPy event is involved: the hub switches into greenlets directly.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, NamedTuple, Optional

from greenlet import GreenletExit, getcurrent

from .errors import SimconcError
from .scheduler import Strategy
from .greenlets import EXITED, idle_greenlet
from .thread import ALIVE, SimThread
from .trace import Where, caller_where
from .waitqueue import WaitQueue
from .world import World, _Abort, _current_set

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


def switch_points_named(name: str) -> str:
    """``any`` or ``gil`` for one of :data:`SWITCH_POINT_NAMES`; ValueError naming them if not."""
    try:
        return SWITCH_POINT_NAMES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown switch points {name!r}: choose one of "
                         f"{', '.join(SWITCH_POINT_NAMES)}") from None


class Option(NamedTuple):
    """One thread a ``step`` choice may pick, as a strategy sees it."""
    thread: tuple      # the thread's path (the same in every execution)
    name: str
    key: Hashable
    access: str
    #: Since its last step the thread slept or a timed wait ran out: a strategy that prefers
    #: to keep a thread running should let another one run first.
    yielded: bool = False
    #: It has polled ``POLLS`` times while others could have run: fairness says others first.
    polling: bool = False


class Step(NamedTuple):
    """One step taken: the thread, what it touched and how, and where its parent started it."""
    thread: tuple
    key: Hashable
    access: str
    spawn_step: int    # for a thread's first step: the parent's step that started it, else -1
    trace_index: int   # the first trace record the step made
    name: str = ""     # the thread's name (for reports)
    preempts: bool = False   # another thread was running and could have gone on


# A step, an option: made once per visible operation, straight from a tuple (``_make`` and the
# generated ``__new__`` each cost a Python call more).
_new_tuple = tuple.__new__


class UntimedWorld(World):
    """One execution under untimed semantics (see the module's docstring)."""

    untimed = True

    def __init__(self, strategy: Optional[Strategy] = None, *, seed: int = 0,
                 max_steps: int = 10_000, switch_points: str = "any") -> None:
        switch_points = switch_points_named(switch_points)
        super().__init__(strategy, seed=seed, profile="ideal")
        self.scheduler.semantics = "untimed"
        self.scheduler.switch_points = switch_points
        #: The GIL build: a thread runs Python only while it holds the GIL, which it lets go at a
        #: switch point (:meth:`switch_point`) or before an operation that may block. The GIL is
        #: a lock of the model, its steps ``acq``/``rel`` on ``GIL_KEY``: the search orders them
        #: like any lock's, so between two switch points a thread's steps cannot be interleaved.
        self.gil_build = switch_points == "gil"
        self.gil_holder: Optional[SimThread] = None
        self.steps: list[Step] = []
        self.max_steps = max_steps
        self.step_limit_hit = False
        #: When the run ends: the step each unfinished thread was waiting to take (a blocked
        #: acquire in a deadlock, anything when the step limit cut the run). The search needs
        #: them: a step that never ran can still race with the steps that did.
        self.pending_at_end: list[Step] = []
        self._fresh: list[SimThread] = []
        self._local_waits = 0        # threads waiting on a wait nobody else observes (key None)
        self._polled = False         # some thread's ``spins`` is not 0
        self._last: Optional[SimThread] = None   # the thread that took the last step
        #: Objects whose id() keys a location in this execution: kept alive, so that no other
        #: object can take over an id while the execution still compares keys.
        self._keep: list[Any] = []
        #: Whether the strategy is shown each option (exploration) or only their number.
        self.wants_options = getattr(self.scheduler.strategy, "wants_options", False)

    #: The clock stays at zero. (A class attribute over World's property: read at every
    #: record, a property would cost a call each time.)
    now = 0.0

    # -- threads -------------------------------------------------------------------------------
    def start(self, thread: SimThread, where: Optional[Where] = None) -> None:
        parent = self.current if thread is not self.main else None
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
            if self.tracing:
                self.record(parent, "start", thread.name, where)
        self._fresh.append(thread)

    def _bootstrap(self, thread: SimThread) -> object:
        thread.state = "running"
        thread.started_at = 0.0
        thread.run_code()
        # Its end is a step: a join (or the interpreter's wait at exit) sees it. (The main
        # thread's end is the end of the program: nothing is left to see it.)
        if not self.finished:
            self.point(thread.alive_key, "w")
            if self.gil_holder is thread:
                self._release_gil(thread)
        thread.finish()
        return EXITED

    def _switch_into(self, thread: SimThread) -> Any:
        """Run ``thread`` (from the hub, or from a thread that waits: see _next); what this
        greenlet is resumed with."""
        self.current = thread
        if thread.greenlet is None:
            # (its greenlet is known before it first runs: it may be scheduled before the one
            # that started it is resumed)
            thread.greenlet = g = idle_greenlet(self.hub)
            return g.switch(lambda: self._bootstrap(thread))
        return thread.greenlet.switch()

    def name_new(self, obj: Any) -> Hashable:
        """The location of a lock, event or queue just made: the thread that made it and how
        many it had made before, ``("made", path, n)``. An id differs from one execution to the
        next; this name is the same in every execution in which the thread took the same steps
        before, which is when the search takes a step planned by another execution for the
        same step (explore/wakeup.py)."""
        thread = self.current
        if thread is None or getcurrent() is self.hub:
            self._keep.append(obj)   # (its id names it: no other object may take it over)
            return id(obj)
        thread.made += 1
        return ("made", thread.path, thread.made)

    # -- steps ---------------------------------------------------------------------------------
    def point(self, key: Any, access: str, enabled: Optional[Callable[[], bool]] = None,
              waiting_on: Any = None) -> None:
        thread = self.current
        if thread is None or self.tearing_down or getcurrent() is self.hub:
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
                if self.gil_holder is thread:
                    self._release_gil(thread)
            elif self.gil_holder is not thread:
                self._take_gil(thread)
        self._step(thread, key, access, enabled, waiting_on)

    def access(self, key: Any, access: str, obj: Any = None) -> None:
        """:meth:`point` for a read or write the instrument's hooks saw (one Python call per
        access, where a hook calling ``keep`` and ``point`` would make two). ``obj``, whose id
        is in ``key``, is kept alive while the execution compares keys. After the run (the
        check reads the program's state in the hub) an access is no step."""
        thread = self.current
        if thread is None or self.tearing_down or getcurrent() is self.hub:
            return
        if len(thread.behind) == len(self.threads) - 1:
            return   # (nothing to race with: see point)
        if obj is not None:
            self._keep.append(obj)
        if self.gil_build and self.gil_holder is not thread:
            self._take_gil(thread)
        self._step(thread, key, access, None, None)

    def switch_point(self) -> None:
        """Where the GIL build's eval loop checks whether to drop the GIL (a function's entry,
        the return from a call, a loop's back edge, a sleep): another thread may take it here.
        Under ``switch_points="any"`` every visible operation is one already: nothing to do.

        The thread lets the GIL go here and takes it again only before its next visible
        operation: what it does in between touches nothing another thread can see, so taking
        it later changes no outcome, and a stretch with nothing visible in it costs no steps."""
        thread = self.current
        if self.gil_holder is not thread or thread is None or self.tearing_down or \
                len(thread.behind) == len(self.threads) - 1 or getcurrent() is self.hub:
            return   # (every other thread joined, or none started: nothing to race, as in point)
        self._release_gil(thread)

    def _release_gil(self, thread: SimThread) -> None:
        self._step(thread, GIL_KEY, "rel", None, None)
        self.gil_holder = None
        self.record(thread, "gil-drop")   # where another thread could take over

    def _take_gil(self, thread: SimThread) -> None:
        self._step(thread, GIL_KEY, "acq", self._gil_free, None)
        self.gil_holder = thread

    def joined(self, thread: SimThread) -> None:
        """The running thread's join of ``thread`` has returned: every step of ``thread`` (and
        of the threads it joined) happens before whatever the running thread does next. Once
        it has joined every other thread, what it does races with nothing (see point)."""
        me = self.current
        if me is not None:
            me.behind = me.behind | thread.behind | {thread.path}

    def _gil_free(self) -> bool:
        return self.gil_holder is None

    def _step(self, thread: SimThread, key: Any, access: str,
              enabled: Optional[Callable[[], bool]], waiting_on: Any) -> None:
        """Wait, ready to do ``access`` on ``key``, until the scheduler picks this thread."""
        thread.pending = (key, access, enabled)   # what it does when next scheduled
        if self.wants_options:   # made once, not once per step it waits through
            thread.option = _new_tuple(Option, (thread.path, thread.name, key, access,
                                                thread.yielded, False))
        thread.state = "ready"
        if waiting_on is not None:
            thread.waiting_on = waiting_on
            if self.tracing:
                thread.waiting_where = caller_where()
        self.progress += 1
        if key is None:
            self._local_waits += 1
            try:
                value = self._next()
            finally:
                self._local_waits -= 1
        else:
            value = self._next()
        if isinstance(value, _Abort) or self.tearing_down:
            raise GreenletExit
        if waiting_on is not None:
            thread.waiting_on = thread.waiting_where = None
        thread.state = "running"

    def _next(self) -> Any:
        """From a thread that has just become ready: let the thread the scheduler picks run,
        and return when this one is picked (what it was resumed with). Where nothing but that
        choice is to be made, it is made here, in the thread's own greenlet: the round trip
        through the hub would cost as much as the choice, and most often the thread picked is
        this one, which then simply goes on; so is what needs no choice (a new thread, a wait
        nobody else sees: _local). Anything else (no thread ready, the step limit, the end, an
        error) is the hub's."""
        if self.fatal is not None or self.finished or len(self.steps) >= self.max_steps:
            return self.hub.switch()
        if self._fresh or self._local_waits:
            # (Thread.start waits here for the new thread, which runs up to its first step and
            # then hands back: two switches, where the hub would take four.)
            local = self._local()
            if local is not None:
                return self._switch_into(local)
        ready = [t for t in self.threads if t.state == "ready" and   # (_ready, inlined)
                 (t.pending[2] is None or t.pending[2]())]
        if not ready:
            return self.hub.switch()
        thread = self._take(ready)
        if thread is self.current:
            return None
        self.current = thread
        return thread.greenlet.switch()

    def _ready(self) -> list[SimThread]:
        return [t for t in self.threads if t.state == "ready" and
                (t.pending[2] is None or t.pending[2]())]

    def _take(self, ready: list[SimThread]) -> SimThread:
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
                self.abort(exc)
                raise
        else:
            thread = ready[0]
        key, access, _enabled = thread.pending
        last = self._last
        preempts = last is not None and last is not thread and last in ready
        steps = self.steps
        steps.append(_new_tuple(Step, (thread.path, key, access,
                                       thread.spawn_step if thread.last_step < 0 else -1,
                                       len(self.trace.events), thread.name, preempts)))
        thread.last_step = len(steps) - 1
        thread.yielded = False
        self._last = thread
        if self._polled:
            self._progress(thread)
        return thread

    def _progress(self, thread: SimThread) -> None:
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

    def _polls(self, thread: SimThread) -> None:
        """``thread`` polls (it sleeps, or a timed wait ran out): from its ``POLLS``-th poll on,
        it owes a step to each thread that could go on now."""
        thread.yielded = True
        thread.spins += 1
        self._polled = True
        if thread.spins >= POLLS and not thread.owed:
            thread.owed = self._ready() or None   # (it is running: not among them)

    def park(self, queue: WaitQueue, timeout: Optional[float], where: Optional[Where]) -> bool:
        """Untimed :meth:`WaitQueue.park`: a timed wait has timed out (its step came first); an
        untimed one waits for a step that wakes it."""
        if self.tearing_down:
            raise GreenletExit
        thread = self.current_thread()
        if timeout is not None:
            self._polls(thread)
            return False
        entry: list[Any] = [thread, False]
        queue.waiters.append(entry)
        if self.tracing:
            thread.waiting_where = where or caller_where()
        self.point(queue.key, "wait", lambda: entry[1], waiting_on=queue)
        return True

    def unpark(self, queue: WaitQueue) -> int:
        """Wake every waiter: each re-checks what it waits for when its step comes, so waking
        more than CPython would is never seen (and which one wins is the steps' order)."""
        waiters, queue.waiters = queue.waiters, []
        for entry in waiters:
            entry[1] = True
        return len(waiters)

    def sleep(self, seconds: float) -> None:
        thread = self.current_thread()
        self._polls(thread)
        self.record(thread, "sleep", f"{seconds:g}s", skip=1)
        self.switch_point()   # time.sleep() lets the GIL go

    def spend(self, seconds: float) -> None:
        pass   # no time passes (an operation's cost is a duration: abstracted away)

    def cpu(self, seconds: float) -> None:
        self.record(self.current_thread(), "cpu", f"{seconds:g}s", skip=1)
        self.switch_point()   # long work passes the eval loop's checks

    def io(self, seconds: float) -> None:
        self.record(self.current_thread(), "io", f"{seconds:g}s", skip=1)
        self.switch_point()   # blocking IO lets the GIL go

    # -- running -------------------------------------------------------------------------------
    def run(self, main: Callable[[], Any], name: str = "MainThread", face: Any = None) -> None:
        with _current_set(self):
            self.hub = getcurrent()
            self.main = thread = self.new_thread(lambda: self._main(main), name, False, face)
            self.start(thread)
            if self.gil_build:
                self.gil_holder = thread   # the main thread starts holding it
            threads = self.threads
            while True:
                self._run_local()
                self._raise_fatal()
                if self.finished:
                    break
                ready = self._ready()
                if not ready:
                    break  # everyone waits: a deadlock (the runner reports it)
                if len(self.steps) >= self.max_steps:
                    self.step_limit_hit = True
                    break
                # The thread picked runs until the hub is needed again; it and the threads it
                # picks make the choices in between (see _next).
                self._switch_into(self._take(ready))
                self._raise_fatal()
            self.pending_at_end = [
                Step(t.path, t.pending[0], t.pending[1],
                     t.spawn_step if t.last_step < 0 else -1, len(self.trace.events), t.name)
                for t in threads if t.state == "ready" and t.pending is not None]
            if self.finished:
                self.scheduler.finish()

    def _raise_fatal(self) -> None:
        # A method, so that each test reads ``fatal`` anew: inline in the loop, a type checker
        # (and so the compiled kernel, see setup.py) would take the second test's ``fatal`` for
        # the None that the first one saw, whatever the thread run in between set.
        if self.fatal is not None:
            raise self.fatal

    def dispose(self) -> None:
        super().dispose()
        self.gil_holder = self._last = None
        self._fresh = []
        self._keep.clear()   # (``keep`` appends to this list)

    @staticmethod
    def _options(ready: list[SimThread]) -> list[Option]:
        """The options when some thread has polled: each thread's own ``option``, marked
        ``polling`` while a thread it owes a step to could go on (unless every one would be)."""
        owing = [t.owed is not None and any(u in t.owed for u in ready) for t in ready]
        if all(owing):
            return [t.option for t in ready]
        return [t.option._replace(polling=True) if owes else t.option
                for t, owes in zip(ready, owing)]

    def _run_local(self) -> None:
        """From the hub: run what needs no choice (see _local) while there is any."""
        while True:
            local = self._local()
            if local is None:
                return
            self._switch_into(local)
            if self.fatal is not None or self.finished:
                return

    def _local(self) -> Optional[SimThread]:
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

    def _main(self, main: Callable[[], Any]) -> None:
        super()._main(main)
