"""A world: one simulated execution.

The world holds what an execution has whatever its semantics: the scheduler (the one choice
point), the trace, the threads and the interpreters they run on, the hub (the greenlet the run
started in, which runs the semantics' loop), and the run's fate (finished, or stopped by an
error). What differs between timed and untimed semantics (how time passes, how a thread waits,
where other threads may run, the loop that runs them) is its :class:`Semantics`:
:class:`~simconc.kernel.timed.Timed` or :class:`~simconc.kernel.stepped.Stepped`. The world
calls those as its own methods (``world.park``, ``world.point``, ``world.sleep``...): the layers
above never ask which semantics runs.

It knows nothing of ``threading`` or of scenario files: the stdlib face and the runner build on
it.
"""
from __future__ import annotations

import _thread
import random
from typing import TYPE_CHECKING, Any, Callable, Hashable, Optional

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped]

from .errors import NotInSimulation, SimconcError
from .interpreter import Interpreter
from .profile import CostProfile
from .scheduler import RandomStrategy, Scheduler, Strategy
from .thread import SimThread
from .trace import NOTHING, Trace, Where, caller_where
from .values import KEPT, value_of

if TYPE_CHECKING:  # pragma: no cover
    from .semantics import Semantics
    from .waitqueue import WaitQueue

_current: Optional["World"] = None
#: The real thread that runs it: the world is current on that thread only. Another real thread
#: of the process (a Jupyter kernel's IO thread, beside a run) is outside any simulation, and
#: uses the real modules and functions the run guards.
_current_thread = -1

#: Greenlets of threads that refused to unwind at teardown (see World.abandon).
_ABANDONED: list = []


def current_world() -> "World":
    """The world whose simulated execution is running now."""
    if _current is None or _thread.get_ident() != _current_thread:
        raise NotInSimulation(
            "this simconc primitive was used outside a simulated execution; run the program "
            "with simconc.run(...) or `simconc run FILE`")
    return _current


def maybe_current_world() -> Optional["World"]:
    if _current is not None and _thread.get_ident() == _current_thread:
        return _current
    return None


class _current_set:
    """``with _current_set(world):`` ``world`` is the running one for the length of its run
    (runs cannot nest). (A class, not a generator: it wraps every execution.)"""

    __slots__ = ("world",)

    def __init__(self, world: "World") -> None:
        self.world = world

    def __enter__(self) -> None:
        global _current, _current_thread
        if _current is not None:
            raise SimconcError("a simulated execution is already running in this process; "
                               "simulations cannot be nested")
        _current, _current_thread = self.world, _thread.get_ident()

    def __exit__(self, *exc: object) -> None:
        global _current, _current_thread
        _current, _current_thread = None, -1


#: An interpreter global that an interpreter does not have (see World.enter).
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


class Abort(BaseException):
    """Unwinds the hub when the world has a fatal error (never seen by the program)."""


class World:
    """One simulated execution. Use :meth:`run` once.

    ``semantics`` is a :class:`~simconc.kernel.timed.Timed` or a
    :class:`~simconc.kernel.stepped.Stepped` (by default ``Timed(profile, until)``).
    """

    def __init__(self, strategy: Optional[Strategy] = None, *, seed: int = 0,
                 profile: "str | CostProfile" = "tutorial-2017", until: Optional[float] = None,
                 semantics: "Optional[Semantics]" = None) -> None:
        if semantics is None:
            from .timed import Timed
            semantics = Timed(profile, until)
        self.semantics: Any = semantics
        self.profile = semantics.profile
        self.scheduler = Scheduler(strategy if strategy is not None else RandomStrategy(seed),
                                   semantics.name, semantics.switch_points)
        self.trace = Trace()
        #: Whether operations go on the trace. An exploration runs most executions without it
        #: (nobody reads their traces) and re-runs the few it reports with it.
        self.tracing = True
        #: Without the trace, the operations whose events are kept all the same (an
        #: exploration's lock-order graph reads each execution's acquires and releases).
        self.kept_ops: frozenset[str] = frozenset()
        #: Whether the trace also says how threads are scheduled: who blocked on what, became
        #: ready, ran (the events a timeline needs, see analysis/intervals.py). Off by
        #: default: a timed run makes several for each wait.
        self.timeline = False
        self.threads: list[SimThread] = []
        #: The simulated time (0.0 throughout an untimed run; the timed semantics moves it).
        self.now = 0.0
        self.interpreters = [Interpreter(self, 0, self.profile.switch_interval)]
        #: Module globals of which each interpreter has its own value, as each process has its
        #: own memory (``multiprocessing.process._current_process``): (namespace, name) pairs.
        #: The namespaces hold the values of ``running``, the interpreter whose thread runs
        #: (or ran last); each other interpreter keeps its values in ``Interpreter.globals``.
        self.interpreter_globals: list[tuple[dict, str]] = []
        #: Dicts of which each interpreter has its own contents, where the dict itself is bound
        #: elsewhere too (``multiprocessing.util._finalizer_registry``, a default argument of
        #: its finalizers): the same object, its contents swapped.
        self.interpreter_contents: list[dict] = []
        #: Called in order with the interpreter that ran until now and the one about to run,
        #: before the interpreter globals are swapped (the face finds what the first imported
        #: meanwhile, stdlib/program_modules.py, and swaps the real process's working
        #: directory and the like, stdlib/real_state.py).
        self.switching: list[Callable[[Interpreter, Interpreter], None]] = []
        self.running: Interpreter = self.interpreters[0]
        self.current: Optional[SimThread] = None
        self.main: Optional[SimThread] = None
        self.hub: Any = None   # the greenlet run() is called in: it runs the semantics' loop
        self.fatal: Optional[BaseException] = None
        self.tearing_down = False
        #: What simconc has to say about the run beyond the trace (the runner prints it).
        self.notes: list[str] = []
        self.finished = False
        #: Counts every switch to the hub: the spin watchdog's sign of life. (Not every trace
        #: record: a thread polling lock.acquire(False) records, but never lets others run.)
        self.progress = 0
        #: The program's counted Python (simconc.instrument.ticks), where a timed run prices it:
        #: the counter its ticks call, and how many ticks ran (the watchdog reads it: a thread
        #: that computes is not stuck, however long it takes).
        self.counter: Any = None
        self.computed = 0
        self._next_ident = 1
        self.run_seed = self.scheduler.choose("seed", 2 ** 32)
        self._random: Optional[random.Random] = None
        self._jitter: Optional[random.Random] = None
        #: The TypeName of each type whose values the trace keeps so (see values.value_of).
        self._type_names: dict[type, Any] = {}
        # What the semantics does, as the world's own methods (bound once, here: a call then
        # costs what a method's does). Each is documented on Semantics.
        self.park: Callable[["WaitQueue", Optional[float], Optional[Where]], bool] = \
            semantics.park
        self.unpark: Callable[["WaitQueue"], bool] = semantics.unpark
        self.unpark_all: Callable[["WaitQueue"], int] = semantics.unpark_all
        self.point: Callable[..., None] = semantics.point
        self.access: Callable[..., None] = semantics.access
        self.switch_point: Callable[[], None] = semantics.switch_point
        self.sleep: Callable[[float], None] = semantics.sleep
        self.io: Callable[[float], None] = semantics.io
        self.cpu: Callable[[float], None] = semantics.cpu
        self.spend: Callable[[float], None] = semantics.spend
        self.read_clock: Callable[[], float] = semantics.read_clock
        self.cpu_clock: Callable[[bool], float] = semantics.cpu_clock
        self.name_new: Callable[[Any], Hashable] = semantics.name_new
        self.joined: Callable[[SimThread], None] = semantics.joined
        self.settle: Callable[[SimThread], bool] = semantics.settle
        #: Whether simulated time passes (timed semantics): see Semantics.clocked.
        self.clocked: bool = semantics.clocked
        #: The semantics' kind of thread (a subclass of SimThread).
        self._thread_class: Callable[..., SimThread] = semantics.thread_class
        semantics.attach(self)

    # Made on first use: most executions of a small program never need them.
    @property
    def random(self) -> random.Random:
        """The program's own ``random`` stream, seeded from the run's seed."""
        if self._random is None:
            self._random = random.Random(self.run_seed)
        return self._random

    def jittered(self, duration: float, jitter: float) -> float:
        """``duration`` spread by ``jitter`` (see CostProfile), from the run's seeded stream."""
        if jitter <= 0 or duration <= 0:
            return duration
        if self._jitter is None:
            self._jitter = random.Random(self.run_seed * 2 + 1)
        return duration * (1.0 + self._jitter.uniform(-jitter, jitter))

    # -- the choice point ----------------------------------------------------------------------
    def choose(self, kind: str, n: int) -> int:
        try:
            return self.scheduler.choose(kind, n)
        except SimconcError as exc:
            self.abort(exc)
            raise  # abort() does not return from a simulated thread; from the hub it re-raises

    def abort(self, exc: BaseException) -> None:
        """Stop the whole execution with ``exc``: the run reports it, the program never sees it.
        (An exception that escaped a thread's code past the face, a simconc bug or an error of
        simconc's own, ends up here too.)"""
        if self.fatal is None:
            self.fatal = exc
        if getcurrent() is not self.hub and self.hub is not None:
            self.hub.switch(Abort())  # the thread's greenlet never resumes
        raise exc

    def raise_fatal(self) -> None:
        """Raise the error that stopped the execution, if one did (from the hub's loop).

        A method, so that each test reads ``fatal`` anew: inline in a loop, a type checker
        (and so the compiled kernel, see setup.py) would take the second test's ``fatal`` for
        the None that the first one saw, whatever the thread run in between set."""
        if self.fatal is not None:
            raise self.fatal

    # -- threads -------------------------------------------------------------------------------
    def current_thread(self) -> SimThread:
        thread = self.current
        if thread is None or getcurrent() is self.hub:
            raise NotInSimulation("no simulated thread is running")
        return thread

    def add_interpreter(self) -> Interpreter:
        """A new interpreter in this world (a process's): its own GIL, numbers and face state,
        on the same machine (cores) and clock, under the same scheduler and trace. Its threads
        are made with ``new_thread(..., interpreter=it)``."""
        interpreter = Interpreter(self, len(self.interpreters), self.profile.switch_interval)
        self.interpreters.append(interpreter)
        self.semantics.add_interpreter(interpreter)
        return interpreter

    def add_interpreter_global(self, namespace: dict, name: str, others: Any) -> None:
        """Make ``namespace[name]`` an interpreter global: the running interpreter's value is
        the one there; every other interpreter's is ``others``."""
        self.interpreter_globals.append((namespace, name))
        for interpreter in self.interpreters:
            if interpreter is not self.running:
                interpreter.globals.append(others)

    def enter(self, interpreter: Interpreter) -> None:
        """A thread of ``interpreter`` is about to run: the interpreter globals take its values
        (those of the interpreter that ran until now are kept in its ``globals``)."""
        left = self.running
        if left is interpreter:
            return
        for hook in self.switching:
            hook(left, interpreter)
        pairs = self.interpreter_globals
        if pairs:
            left.globals = [namespace.get(name, ABSENT) for namespace, name in pairs]
            values = interpreter.globals
            for i in range(min(len(values), len(pairs))):
                namespace, name = pairs[i]
                value = values[i]
                if value is ABSENT:   # (a name only some processes have: __mp_main__)
                    namespace.pop(name, None)
                else:
                    namespace[name] = value
        shared = self.interpreter_contents
        if shared:
            left.contents = [dict(d) for d in shared]
            contents = interpreter.contents
            for i in range(min(len(contents), len(shared))):
                d = shared[i]
                d.clear()
                d.update(contents[i])
        self.running = interpreter

    def current_interpreter(self) -> Interpreter:
        """The interpreter of the running thread (the first one outside any thread)."""
        thread = self.current
        return thread.interpreter if thread is not None else self.interpreters[0]

    def new_thread(self, run: Callable[[], Any], name: str, daemon: bool = False,
                   face: Any = None, interpreter: Optional[Interpreter] = None) -> SimThread:
        """A thread of ``interpreter`` (the running thread's by default) that will run ``run``
        once :meth:`start` starts it."""
        if interpreter is None:   # (current_interpreter(), inline: a call a thread saved)
            current = self.current
            interpreter = current.interpreter if current is not None else self.interpreters[0]
        if interpreter.prefix:
            name = interpreter.prefix + name
        thread = self._thread_class(self, interpreter, run, name, daemon, self._next_ident,
                                    face)
        self._next_ident += 1
        return thread

    def start(self, thread: SimThread, where: Optional[Where] = None) -> None:
        """Make ``thread`` runnable (the running thread started it)."""
        self.semantics.start(thread, where)

    # -- interrupting a thread -------------------------------------------------------------
    def interrupt(self, thread: SimThread, action: Callable[[], Any], wake: bool = True) -> None:
        """Have ``thread`` run ``action`` before it goes on: when it next resumes from a wait,
        or at its next visible operation. With ``wake``, a thread parked in a queue, asleep or
        in IO is taken out of its wait and woken to run it (the wait returns early, as an EINTR
        does; a park returns True, so its caller looks again); one waiting for the GIL or a
        core is not (it is running, as far as the program can tell). An exception out of
        ``action`` comes out of the wait, or the operation. (How a semantics wakes a thread is
        its own: see ``Semantics.interrupt``.)"""
        thread.interrupts.append(action)
        if wake:
            self.semantics.interrupt(thread)

    def run_interrupts(self, thread: SimThread) -> None:
        """Run what :meth:`interrupt` queued on ``thread`` (the running thread), oldest first.
        One that raises leaves the others queued, for the next time."""
        interrupts = thread.interrupts
        while interrupts and not thread.killed and not self.tearing_down:
            action = interrupts.pop(0)
            action()

    def timer(self, seconds: float, action: Callable[[], Any]) -> Callable[[], None]:
        """Call ``action`` once ``seconds`` of simulated time have passed, outside any thread
        (``current`` is None meanwhile); what cancels it. A run waits for a timer as for any
        other event: a program whose threads all wait is no deadlock while one is due."""
        return self.semantics.timer(seconds, action)

    def later(self, seconds: float, action: Callable[[], Any]) -> None:
        """Call ``action`` once ``seconds`` have passed, as :meth:`timer`; with no clock
        (untimed semantics, where durations are abstracted away) or no delay, now."""
        if self.clocked and seconds > 0:
            self.semantics.timer(seconds, action)
        else:
            action()

    # -- trace ---------------------------------------------------------------------------------
    def record(self, thread: Optional[SimThread], op: str, label: str = "",
               where: Optional[Where] = None, skip: Optional[int] = 0, key: Hashable = None,
               value: Any = NOTHING, detail: str = "") -> None:
        """Put an operation on the trace, at ``where`` or else at the user's line that led to
        it. ``skip``: how many frames between the caller and the user's code are simconc's
        for certain (see caller_where); None when no line of the user's led to it."""
        if self.tearing_down or not self.tracing and op not in self.kept_ops:
            return   # (unwinding threads after the end is not part of the execution)
        if where is None and skip is not None:
            where = caller_where(2 + skip)
        if thread is None:
            self.trace.record(self.now, "-", op, label, where, -1,
                              len(self.trace.steps), key, value, detail)
            return
        self.trace.record(self.now, thread.name, op, label, where, thread.ident,
                          len(self.trace.steps), key, value, detail, thread.interpreter.number)

    def record_access(self, op: str, label: str, key: Hashable, value: Any = NOTHING,
                      detail: str = "") -> None:
        """:meth:`record` for a read or write the instrument's hooks saw (``value``: the value
        read or written), by the running thread at the user's line past the hook. (One call fewer than ``record``: a traced execution
        makes one for every access.) Not in the hub: a finalizer the collector runs there
        belongs to no simulated thread."""
        thread = self.current
        if self.tearing_down or not self.tracing or thread is None or getcurrent() is self.hub:
            return
        if type(value) not in KEPT:
            value = value_of(value, self._type_names)   # (plain values are kept as they are)
        self.trace.record(self.now, thread.name, op, label, caller_where(2),
                          thread.ident, len(self.trace.steps), key, value, detail,
                          thread.interpreter.number)

    # -- running -------------------------------------------------------------------------------
    def run(self, main: Callable[[], Any], name: str = "MainThread", face: Any = None) -> None:
        """Run ``main`` as the main thread until the program ends (main done, non-daemon threads
        joined), no thread can proceed, or a limit is reached (the semantics')."""
        with _current_set(self):
            self.hub = getcurrent()
            interpreter = self.interpreters[0]
            self.main = thread = self.new_thread(lambda: self._main(main, interpreter), name,
                                                 False, face, interpreter)
            interpreter.main = thread
            self.semantics.run(thread)
            if self.finished:
                self.scheduler.finish()  # a replayed token must have been used up exactly

    def _main(self, main: Callable[[], Any], interpreter: Interpreter) -> None:
        try:
            main()
        finally:
            # CPython's threading._shutdown (unless the program called it already: the
            # face's): the hooks, then wait for every non-daemon thread before exiting
            if not interpreter.main_returned:
                interpreter.main_returned = True
                for hook in interpreter.shutdown_hooks[::-1]:   # (mypyc 2.4: no reversed())
                    hook()
            self.wait_for_threads(interpreter)
            me = interpreter.main
            assert me is not None   # (this is its code)
            for hook in interpreter.exit_hooks:
                hook()
            self.settle(me)   # its last operations' CPU time passes before the end
            if interpreter is self.interpreters[0]:
                self.finished = True

    def wait_for_threads(self, interpreter: Interpreter) -> None:
        """Wait until every non-daemon thread of ``interpreter`` but the running one has ended,
        including any that those threads start meanwhile. (A thread its process's end killed
        has ended, for the program: it only unwinds, when it next runs.)"""
        me = self.current
        while True:
            pending = [t for t in self.threads if t is not me and not t.daemon and
                       t.state != "done" and not t.killed and t.interpreter is interpreter]
            if not pending:
                break
            pending[0].done.park()

    def start_interpreter(self, interpreter: Interpreter, main: Callable[[], Any],
                          name: str = "MainThread", face: Any = None) -> SimThread:
        """Start ``interpreter``'s main thread (a process's), running ``main``; when it returns,
        the interpreter waits for its non-daemon threads and runs its exit hooks."""
        thread = self.new_thread(lambda: self._main(main, interpreter), name, False, face,
                                 interpreter)
        interpreter.main = thread
        self.start(thread)
        return thread

    def end_interpreter(self, interpreter: Interpreter) -> None:
        """``interpreter``'s process ends (``os._exit``, a kill): every thread of it but the
        running one unwinds the next time it runs, and one that waits is woken to do so."""
        for thread in self.threads:
            if thread.interpreter is not interpreter or thread is self.current \
                    or thread.state == "done" or thread.killed:
                continue
            thread.killed = True
            queue = thread.waiting_on
            if queue is None:
                continue
            for i, entry in enumerate(queue.waiters):
                if entry[0] is thread:
                    del queue.waiters[i]
                    wake = entry[1]
                    if type(wake) is bool:   # (untimed: a flag; timed: a SimPy event)
                        entry[1] = True
                    elif not wake.triggered:
                        wake.succeed(True)
                    break

    @property
    def stopped_at_limit(self) -> bool:
        """Whether the run stopped at its limit (``until``, the step limit) with threads left."""
        return self.semantics.stopped_at_limit

    def abandon(self, thread: SimThread) -> None:
        """Suspend ``thread``'s greenlet for good (teardown only). It stays referenced, so that
        garbage collection never throws into it again."""
        _ABANDONED.append(thread.greenlet)
        self.notes.append(f"simconc: thread {thread.name!r} caught the exception that unwinds "
                          f"it at the end of the run (a bare except?) and blocked again; it "
                          f"was left suspended.")
        self.hub.switch()

    def teardown(self) -> None:
        """Unwind the greenlets of threads that never finished (daemons, deadlocked threads), so
        their frames are released now and their ``finally`` blocks cannot block again."""
        global _current, _current_thread
        self.tearing_down = True
        previous, _current = _current, self
        previous_thread, _current_thread = _current_thread, _thread.get_ident()
        try:
            for thread in self.threads:
                g = thread.greenlet
                # (An ended thread's greenlet may be running another thread already.)
                if g is not None and not g.dead and thread.state != "done":
                    self.current = thread
                    self.enter(thread.interpreter)
                    try:
                        g.throw(GreenletExit)
                    except GreenletExit:
                        pass
                    except BaseException:  # a finally block that raised: nothing left to report to
                        pass
        finally:
            # (the modules keep the main interpreter's values, which the runner puts back)
            self.enter(self.interpreters[0])
            _current, _current_thread = previous, previous_thread

    def dispose(self) -> None:
        """Break the world's reference cycles once nothing will run in it again (the result is
        built), so that reference counting frees an execution as it is dropped. Left to the
        cycle collector, the garbage of thousands of small executions costs a tenth of their
        time. What the result keeps (trace, scheduler, the program's namespace) stays valid."""
        self.semantics.dispose()
        # The semantics (and its methods, bound here) keep the world: let go of them.
        self.semantics = None
        for name in SEMANTICS_BOUND:
            setattr(self, name, _over)
        self._type_names = {}   # (the program's classes)
        for thread in self.threads:
            thread.dispose()
        for interpreter in self.interpreters:
            interpreter.dispose()
        self.threads = []
        if self.counter is not None:
            self.counter.dispose()
            self.counter = None
        self.main = self.current = self.hub = None   # (its bound methods are the world's: it lets go of it)


#: The world's attributes that are its semantics' methods, bound in ``__init__``: ``dispose``
#: lets go of each (one left keeps the world alive in a reference cycle: test_kernel checks that
#: this names them all).
SEMANTICS_BOUND = ("park", "unpark", "unpark_all", "point", "access", "switch_point", "sleep",
                   "io", "cpu", "spend", "read_clock", "cpu_clock", "name_new", "joined",
                   "settle", "_thread_class")


def _over(*args: Any) -> Any:
    """What a world's semantics' methods are once its run is over."""
    raise NotInSimulation("this execution is over: its world runs nothing more")
