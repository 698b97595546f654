"""``--jobs`` for the exhaustive search: workers run ahead of the search, which stays in one
process, and the search takes their executions as its own when it gets there.

Optimal DPOR decides each execution from everything the executions before it found, so the
search is sequential by nature: split into independent subtrees, two processes would plan the
same trace twice, and the count would depend on timing. What can be guessed early is how a
subtree the search has planned will be explored. Its first execution is fixed the moment it is
planned (its prefix, then its wakeup tree's first path, then the default choices; its sleep set
is made of the siblings planned before it: :meth:`Dpor.upcoming`), and the rest of it follows
from its own executions, unless the search plans more in it before it gets there. So a worker
explores a planned subtree on its own (:meth:`Dpor.following`) and sends each execution back as
it goes. When the search comes to the subtree, it takes those executions in order, for as long
as each is the one it would run next: it makes every choice again from the options the worker
saw and checks that it is the worker's (:meth:`Ahead.follow`), then analyses the execution
itself. The first that is not, it runs itself, and drops the rest of that worker's guess. The
report is byte for byte the one a single process gives.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator, NamedTuple, Optional, Sequence

from ..kernel import Option, SimconcError, Step
from ..runner import Program, RunResult, run
from ..runner.module_state import from_its_start
from .dpor import Dpor, Plan, SleepBlocked, _DporStrategy


#: The signals that stop the search (api.STOPPING): a worker handles them its own way.
_STOPPING = (signal.SIGINT, signal.SIGTERM)


class Ran(NamedTuple):
    """One execution a worker ran for a plan. Its options are sent once each, as plain tuples:
    most stay the same from one step to the next, and unpickling them one by one would cost
    the search as much as a good part of running the execution."""
    options: list            # the distinct options offered, as tuples
    choices: list            # per step: (which options were offered, the place chosen: -1 if
    result: RunResult        # it blocked); the result with its token, without its namespace
    blocked: bool            # or scheduler

    def steps(self) -> Iterator[tuple[tuple[Option, ...], int]]:
        """Each step's options, and the place chosen."""
        made = [Option._make(option) for option in self.options]
        for offered, index in self.choices:
            yield tuple([made[n] for n in offered]), index


def _branch(plan: Plan) -> tuple:
    """What names a planned branch for good: where it branches off, how, and its sleep set
    there. Its plan can still grow longer: an analysis can plan a step after the last one
    planned in it (on the path the first execution takes). The execution stays the same if
    the step planned is the one it took anyway (see :func:`_follows`)."""
    return plan.depth, plan.threads[:plan.depth + 1], plan.sleep


def _follows(ran: Ran, plan: Plan) -> bool:
    """Whether the execution ``ran`` took every step ``plan`` plans."""
    choices, options = ran.choices, ran.options
    if len(choices) < len(plan.threads):
        return False
    for (offered, index), thread in zip(choices, plan.threads):
        if index < 0 or options[offered[index]][0] != thread:
            return False
    return True


class _Recording(_DporStrategy):
    """A search's strategy that keeps the options of every step and what it chose."""

    def __init__(self, engine: Dpor) -> None:
        super().__init__(engine)
        self.numbers: dict[Option, int] = {}     # each distinct option: its place in Ran.options
        self.choices: list[tuple[tuple[int, ...], int]] = []

    def _step(self, options: Sequence[Option]) -> int:
        numbers = self.numbers
        offered = tuple([numbers.setdefault(option, len(numbers)) for option in options])
        try:
            index = super()._step(options)
        except SleepBlocked:
            self.choices.append((offered, -1))
            raise
        self.choices.append((offered, index))
        return index


def _explore_subtree(conn: Connection, program: Program, plan: Plan, bound: Optional[int],
                     options: dict[str, Any], limit: int, begin: Callable[[], None]) -> None:
    """Explore the subtree ``plan`` starts, sending ``("ran", branch, Ran)`` for each execution
    in the order the search runs them, then ``("end",)``; stop early when told to. ``begin``
    puts the program's own module back as the exploration began, before each execution."""
    engine = Dpor.following(plan, bound)
    for _ in range(limit):
        branch = _branch(plan)
        strategy: _Recording = engine.begin(_Recording)   # type: ignore[assignment]
        begin()
        result = run(program, strategy=strategy, semantics="untimed", trace=False, **options)
        if strategy.error is not None:
            break   # the search runs it itself, and meets the error the same way
        result.schedule   # encoded here: the scheduler stays behind
        result.scheduler = None   # type: ignore[assignment]
        result.namespace.clear()   # (as explore does: no cycle left for the collector)
        steps, pending = result.steps, result.pending
        # Plain tuples: a NamedTuple pickles as a call of its class, at five times the cost.
        result.trace.steps = [tuple(step) for step in steps]   # type: ignore[misc]
        result.trace.pending = [tuple(step) for step in pending]   # type: ignore[misc]
        conn.send(("ran", branch, Ran([tuple(option) for option in strategy.numbers],
                                      strategy.choices, result, strategy.blocked)))
        if not engine.end(steps, strategy.blocked, pending) or conn.poll():
            break
        plan = engine.upcoming(1)[0]
    conn.send(("end",))


def die_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent``, the search, does, however it ends (even
    killed): a worker left behind would hold the caller's output pipe open for good. Linux's
    parent-death signal; elsewhere a worker ends when its pipe closes."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:   # it ended before the signal was set
        os._exit(1)


@contextlib.contextmanager
def signals_held(signals: Sequence[int]) -> Iterator[None]:
    """Hold ``signals`` in this thread meanwhile: they wait, pending, until it ends. A worker
    forked meanwhile starts with them held too, and lets them go (:func:`signals_let_go`) once
    it handles them its own way: until then it has the handlers of the process it was forked
    from, and one of those run in a worker would be the search's own, wrong there. (Another
    thread of this process may still take one meanwhile: see api._PassedOn.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def signals_let_go(signals: Sequence[int]) -> None:
    """In a worker forked with ``signals`` held: handle them from now on (any that came
    meanwhile, now)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)


def _serve(conn: Connection, program: Program, bound: Optional[int],
           options: dict[str, Any], parent: int) -> None:
    """A worker: explore each subtree it is sent (``(plan, limit)``), until it is sent None."""
    die_with_parent(parent)
    # Ctrl-C and SIGTERM are the search's to handle: it stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signals_let_go(_STOPPING)
    # The program's own module as the exploration began: forked, as the search put it back just
    # before; spawned, as importing it made it.
    with from_its_start(program) as begin:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            if message == "stop":    # it came after the subtree ended: nothing to stop
                continue
            plan, limit = message
            try:
                _explore_subtree(conn, program, plan, bound, options, limit, begin)
            except BaseException:  # noqa: BLE001 - whatever it was, the search runs those itself
                conn.send(("end",))


class _Stream:
    """The executions of one subtree as a worker explores it, in the search's order."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.items: deque[tuple[tuple, Ran]] = deque()
        self.running = True
        self.dropped = False

    def inside(self, plan: Plan) -> bool:
        """Whether ``plan`` branches off within this subtree (its worker runs it, if any does)."""
        depth = self.plan.depth
        return plan.depth > depth and plan.threads[:depth + 1] == self.plan.threads[:depth + 1]


class _Worker:
    def __init__(self, conn: Connection, process: Any) -> None:
        self.conn = conn
        self.process = process
        self.stream: Optional[_Stream] = None   # the subtree it explores now


class Ahead:
    """``workers`` processes exploring planned subtrees ahead of the search."""

    #: Executions one worker runs ahead in one subtree, at most: a guess that goes wrong
    #: wastes no more than that.
    LIMIT = 1000
    #: Subtrees whose executions are kept, per worker, until the search gets there: on a search
    #: too big to finish, it may never get there, and the workers then wait.
    KEPT = 2

    def __init__(self, program: Program, workers: int, bound: Optional[int],
                 options: dict[str, Any]) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        self._workers: list[_Worker] = []
        self._streams: dict[tuple, _Stream] = {}    # by the branch that starts the subtree
        self._serving: Optional[_Stream] = None      # the one the search is in now
        for _ in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve,   # type: ignore[attr-defined]
                                      args=(theirs, program, bound, options, os.getpid()),
                                      daemon=True)
            try:
                with signals_held(_STOPPING):
                    process.start()
            except (AttributeError, TypeError, pickle.PicklingError):
                # Where processes are spawned, not forked, the program and the check must be
                # picklable (a module-level function, a path); a lambda is not. The search then
                # runs alone: slower, the same report.
                mine.close()
                theirs.close()
                break
            theirs.close()
            self._workers.append(_Worker(mine, process))

    def take(self, engine: Dpor) -> Optional[Ran]:
        """The search's next execution, if a worker has run it already; None if the search
        should run it itself (a worker that is still at it is stopped: waiting for it would
        leave the search's own process idle). Hands planned subtrees to idle workers."""
        self._receive()
        plans = engine.upcoming(1)
        if not plans:
            return None
        ran = self._next(plans[0])
        if any(worker.stream is None for worker in self._workers):
            self._hand_out(engine, _branch(plans[0]))
        return ran

    def _next(self, plan: Plan) -> Optional[Ran]:
        """The execution of ``plan`` from the subtree the search is in, or from one that
        starts with it."""
        first = _branch(plan)
        for stream in (self._serving, self._streams.get(first)):
            if stream is None or stream.dropped:
                continue
            self._serving = stream
            if stream.items and stream.items[0][0] == first:
                ran = stream.items.popleft()[1]
                if _follows(ran, plan):
                    return ran
            self._drop(stream)
        return None

    def _hand_out(self, engine: Dpor, first: tuple) -> None:
        """Idle workers take the planned subtrees the search will come to last: the search
        will not catch up with them soon. (``first`` it runs next, itself.)"""
        idle = [worker for worker in self._workers if worker.stream is None]
        room = self.KEPT * len(self._workers) - len(self._streams)
        del idle[max(room, 0):]
        if not idle:
            return
        serving = self._serving
        for plan in engine.upcoming(len(idle) + len(self._streams) + 2, last=True):
            if not idle:
                return
            branch = _branch(plan)
            if branch == first or branch in self._streams or (
                    serving is not None and serving.inside(plan)):
                continue
            worker = idle.pop(0)
            worker.stream = self._streams[branch] = _Stream(plan)
            worker.conn.send((plan, self.LIMIT))

    def _receive(self) -> None:
        """Take what the workers have sent."""
        busy = {worker.conn: worker for worker in self._workers if worker.stream is not None}
        if not busy:
            return
        ready: list[Connection] = wait(list(busy), timeout=0)   # type: ignore[assignment]
        for conn in ready:
            worker = busy[conn]
            stream = worker.stream
            assert stream is not None
            try:
                while True:
                    message = conn.recv()
                    if message[0] == "ran":
                        if not stream.dropped:
                            stream.items.append((message[1], message[2]))
                    else:
                        stream.running = False
                        worker.stream = None
                        break
                    if not conn.poll():
                        break
            except (EOFError, OSError):   # the worker is gone: the search runs its part
                stream.running = False
                self._workers.remove(worker)

    def _drop(self, stream: _Stream) -> None:
        """Forget a subtree's executions: the search does not need them (any more)."""
        if self._serving is stream:
            self._serving = None
        for branch, known in list(self._streams.items()):
            if known is stream:
                del self._streams[branch]
        stream.dropped = True
        stream.items.clear()
        if stream.running:
            for worker in self._workers:
                if worker.stream is stream:
                    worker.conn.send("stop")

    def close(self) -> None:
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self._workers:
            worker.process.join(timeout=1.0)
            if worker.process.is_alive():
                worker.process.terminate()
            worker.conn.close()

    def __enter__(self) -> "Ahead":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def follow(self, engine: Dpor, ran: Ran) -> Optional[_DporStrategy]:
        """Make ``engine`` take the execution a worker ran, choice by choice, from the options
        the worker saw; the strategy that did (its ``blocked`` set), or None if the search
        would have chosen otherwise somewhere (then the search runs the execution itself)."""
        depth = len(engine.stack)
        strategy = engine.begin()
        for options, index in ran.steps():
            try:
                chosen = strategy._step(options)
            except SleepBlocked:
                chosen = -1
            except SimconcError:
                chosen = None
            if chosen != index:
                # Its wakeup-tree nodes stay, marked with this execution's number: to the
                # search they are from another run, whose locations it does not compare.
                del engine.stack[depth:]
                if self._serving is not None:
                    self._drop(self._serving)
                return None
        result = ran.result   # its steps as the worker sent them: plain tuples
        result.trace.steps = list(map(Step._make, result.steps))
        result.trace.pending = list(map(Step._make, result.pending))
        return strategy
