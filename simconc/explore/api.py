"""``simconc.explore``: run a program under every schedule that matters (or a sample), check it
after each execution, and report the outcomes and the failing schedules.

Each execution is one :func:`simconc.run` under untimed semantics with a strategy from the
search (:mod:`.dpor`, :mod:`.enumerate`) or a sampler (:mod:`.sampling`); the report is built
from the executions' results and traces (:mod:`.report`). Nothing here knows the command line.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import _signal  # type: ignore[import-not-found]
import threading
import time
from typing import Any, Callable, Hashable, Iterator, Optional

from greenlet import getcurrent  # type: ignore[import-untyped]

from ..analysis.lockorder import LOCK_OPS, LockOrder, lock_names
from ..analysis.lockorder import lock_order as lock_order_of
from ..kernel import SimconcError, maybe_current_world
from ..kernel import switch_points_named
from ..kernel.scheduler import MAX_STEPS
from ..instrument.inplace import instrumented_in_place
from ..runner import Check, Program, RunResult, check_arguments, run, scenarios_pinned
from ..runner.module_state import from_its_start
from ..runner.patching import users_module
from ..runner.watchdog import spin_watchdog
from ..stdlib.host import Zone
from .dpor import Dpor
from .enumerate import Enumeration
from .parallel import Ahead, die_with_parent, signals_held, signals_let_go
from .report import ExploreReport, Failure, failure_kind, failure_of, outcome_of
from .sampling import Interleaved, Sampler

STRATEGIES = ("dpor", "enumerate", "random", "pct", "pos")

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")

#: A sampling strategy with no --max-executions runs this many.
DEFAULT_SAMPLES = 1000

#: Until the first failure, the first executions of an exploration run with their trace, so
#: that the failure is explained from the execution that showed it; any other execution runs
#: without (nobody reads its trace), and one that shows a new failure runs again, with it. A
#: failing program often fails in its first few executions, and tracing an execution costs
#: about a quarter of running it again: tracing four costs what they could save.
TRACED_FIRST = 4

#: Without ``max_steps``, the step limit of the first execution, which runs the program as it
#: comes (no preemption): as far as it goes, short of a program that never ends.
FIRST_STEP_LIMIT = 1_000_000


def step_limit_after(length: int) -> int:
    """The step limit of every execution after a first one of ``length`` steps: a preempted
    execution that takes four times as many steps as the program loops (polls, retries) for
    ever, in all likelihood; never under the default limit of a run."""
    return max(MAX_STEPS, 4 * length)


def explore(program: Program, *, strategy: str = "dpor", check: Check = None,
            max_executions: Optional[int] = None, seed: int = 0, depth: int = 3,
            preemption_bound: Optional[int] = None, samples: Optional[bool] = None,
            max_steps: Optional[int] = None, spin_timeout: float = 10.0,
            stop_on_failure: "bool | Callable[[Failure], bool]" = False,
            jobs: int = 1, semantics: str = "untimed", switch_points: str = "any",
            profile: str = "tutorial-2017", lock_order: bool = False,
            _share: tuple[int, int] = (0, 1),
            progress: Optional[Callable[[ExploreReport], None]] = None,
            _begin: Optional[Callable[[], None]] = None) -> ExploreReport:
    """Explore ``program`` (a scenario path, or a callable run as the main thread).

    ``strategy``: ``dpor`` (every Mazurkiewicz trace once: exhaustive), ``enumerate`` (every
    interleaving: exhaustive, no reduction), or the samplers ``random``, ``pct`` (``depth`` is
    its bug depth) and ``pos``, seeded with ``seed``. ``preemption_bound`` limits ``dpor`` to
    the executions that switch away from a thread that could go on at most that many times
    (fewer executions, no longer exhaustive). ``samples``: once ``dpor``'s search has run 100
    executions without ending, PCT samples (``depth``, ``seed``) run between its executions,
    ever fewer of them (50 by the search's 200th execution, 100 by its 500th); they count as
    executions (the report says how many were samples), and the search goes on to its end, so
    the exploration stays exhaustive (see :class:`.sampling.Interleaved`). On by default for
    an unbounded ``dpor``; ``samples=False`` runs the search alone. ``stop_on_failure`` stops
    at the first failure (or the first for which it, a callable, returns true). ``check`` is
    the invariant (see :func:`simconc.run`; a scenario's own ``check()`` by default).
    ``progress`` is called with the report so far after each execution. Ctrl-C stops the
    exploration: the report then says ``interrupted`` and holds everything found until then
    (see :func:`stop_requests`). ``jobs`` runs the exploration
    in that many processes: a sampled one is split between them, and ``dpor``'s workers explore
    planned subtrees ahead of the search (:mod:`.parallel`). The report is the one a single
    process gives, byte for byte.

    ``switch_points``: where a thread may be switched out, at ``"any"`` visible operation (the
    free-threaded build) or only where the GIL build of CPython 3.10 to 3.13 can drop the GIL
    (``"gil"``; also ``"gil-3.10"`` ... ``"gil-3.13"``, and ``"gil-3.9"``, which is ``"any"``:
    its eval loop could switch after almost any instruction). A race found under ``any`` but
    not under ``gil`` is one the GIL hides today.

    ``semantics="timed"`` explores the choices a timed run has under ``profile`` (who takes
    the GIL among threads ready at one instant, which waiter a release wakes), by ``enumerate``
    or the ``random`` sampler, with the run's seed fixed at ``seed``.

    ``lock_order``: also unite the lock-order graphs of the executions (which lock each took
    while holding which, :mod:`simconc.analysis.lockorder`): the report holds the union, and
    its cycles, each a potential deadlock whether or not an execution deadlocked. Each
    execution then keeps its acquires and releases on its trace, which costs about a quarter
    more time for a program that does little but take locks.

    A callable's own module (a script's ``main``, not a library's) is the user's code: its
    reads and writes of shared state are seen, as a scenario file's are (see
    :mod:`simconc.instrument.inplace`). Its globals are put back before each execution as they
    were when the exploration began, and once more when it ends: every execution starts from
    the same state, and the exploration leaves the module as it found it
    (:mod:`simconc.runner.module_state`).
    """
    arguments = dict(locals())   # (first: exactly the arguments, for the calls below)
    if _handling() is None and threading.current_thread() is threading.main_thread():
        # (from the first step: a request to stop that comes as it begins or as it ends, its
        # module put back, is one to this exploration too)
        with stop_requests():
            return explore(**arguments)
    own = users_module(program) if callable(program) and semantics == "untimed" else None
    if own is not None and "__simconc__" not in vars(own):
        with instrumented_in_place(own, extra=(program,)):
            return explore(**arguments)
    if _begin is None:
        # (``_begin``: the caller's, shrink's, which began before this exploration did)
        with from_its_start(program) as begin:
            return explore(**dict(arguments, _begin=begin))
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    if max_executions is not None and max_executions < 1:
        raise ValueError("max_executions must be at least 1")
    if preemption_bound is not None and (strategy != "dpor" or preemption_bound < 0):
        raise ValueError("a preemption bound (0 or more) goes with the dpor strategy only")
    if samples and (strategy != "dpor" or preemption_bound is not None):
        raise ValueError("PCT samples are mixed into an unbounded dpor search only")
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if (strategy == "pct" or strategy == "dpor" and samples) and depth < 1:
        raise ValueError(f"PCT's depth (how many orderings a bug needs) is at least 1, not {depth}")
    check_arguments(seed=seed if semantics == "timed" else None, spin_timeout=spin_timeout,
                    check=check)
    if semantics not in ("timed", "untimed"):
        raise ValueError(f"semantics must be 'timed' or 'untimed', not {semantics!r}")
    switch_points = switch_points_named(switch_points)
    if semantics == "timed" and switch_points != "any":
        raise ValueError("switch points are chosen under untimed semantics: a timed run's GIL "
                         "model decides where threads switch")
    if semantics == "timed" and strategy not in ("enumerate", "random"):
        raise ValueError("a timed run's choices are explored by the enumerate or random "
                         "strategy (DPOR, PCT and POS order untimed steps)")
    if max_steps is not None and max_steps < 1:
        raise ValueError(f"the step limit is at least 1 step, not {max_steps}")
    #: What each execution keeps of its trace for the lock-order graph, if it is wanted.
    ops = LOCK_OPS if lock_order else frozenset()
    ahead_options: Optional[dict[str, Any]] = None   # (workers start once the limit is known)
    if strategy in ("dpor", "enumerate"):
        if jobs > 1 and strategy == "enumerate":
            raise ValueError("--jobs runs dpor and the samplers (random, pct, pos) in several "
                             "processes; enumerate, the baseline, runs in one")
        engine: Any = Dpor(preemption_bound) if strategy == "dpor" else Enumeration(seed)
        if jobs > 1:
            ahead_options = dict(switch_points=switch_points, check=check,
                                 spin_timeout=spin_timeout, profile=profile, trace_ops=ops)
    else:
        if max_executions is None:
            max_executions = DEFAULT_SAMPLES
        length = 1
        if strategy == "pct" or max_steps is None and semantics == "untimed":
            _begin()
            length = _length(program, switch_points, check, max_steps, spin_timeout)
            if max_steps is None:
                max_steps = step_limit_after(length)
        if jobs > 1:
            _begin()   # (forked, each worker's exploration begins from the module as it is)
            return _in_processes(program, jobs, progress, strategy=strategy, check=check,
                                 max_executions=max_executions, seed=seed, depth=depth,
                                 max_steps=max_steps, spin_timeout=spin_timeout,
                                 stop_on_failure=bool(stop_on_failure), semantics=semantics,
                                 switch_points=switch_points, profile=profile,
                                 lock_order=lock_order)
        start, stride = _share
        engine = Sampler(strategy, seed, depth, start, stride, length)
        # This share's executions: start, start + stride, ... below max_executions.
        max_executions = len(range(start, max_executions, stride))
        if max_executions == 0:
            return ExploreReport(strategy=strategy, seed=seed, semantics=semantics,
                                 switch_points=switch_points,
                                 lock_order=LockOrder(executions=0) if lock_order else None)
    report = ExploreReport(strategy=strategy, seed=seed, preemption_bound=preemption_bound,
                           semantics=semantics, switch_points=switch_points,
                           lock_order=LockOrder(executions=0) if lock_order else None)
    #: PCT samples mixed into the search (made when the first is due: see Interleaved).
    mixing = samples is not False and strategy == "dpor" and preemption_bound is None \
        and semantics == "untimed"
    mixed: Optional[Interleaved] = None
    stop = stop_on_failure if callable(stop_on_failure) else (
        (lambda failure: True) if stop_on_failure else None)
    started = time.perf_counter()
    failures: dict[tuple, Failure] = {}

    def traced(result: RunResult) -> RunResult:
        # An execution that ran without a trace and showed a new failure runs again, with it,
        # from its token. Should the program not replay (it depends on something the schedule
        # does not decide), the failure is still reported, unexplained.
        _begin()
        try:
            again = run(program, schedule=result.schedule, check=check, max_steps=max_steps,
                        spin_timeout=spin_timeout, profile=profile, timeline=True)
        except SimconcError:
            return result
        again.namespace.clear()   # (as below)
        return again

    # (One spin watchdog for every execution, see watchdog.py; the file read once.)
    ahead: Optional[Ahead] = None
    next_count = 0.0
    with contextlib.ExitStack() as stack, _executions() as interrupted, \
            spin_watchdog(None, spin_timeout), scenarios_pinned(), Zone():
        # (the machine's time zone set once for all executions, not set and put back in each)
        while not interrupted:
            number = engine.index
            if mixing:
                if mixed is None and number >= Interleaved.AFTER:
                    # (PCT's length measured as strategy="pct" measures it: its samples are
                    # that strategy's executions)
                    _begin()
                    mixed = Interleaved(seed, depth, _length(program, switch_points, check,
                                                             max_steps, spin_timeout))
                if mixed is not None:
                    number += mixed.ran
                    if mixed.due(engine.index):
                        _begin()
                        result = run(program, strategy=mixed.begin(), semantics=semantics,
                                     switch_points=switch_points, check=check,
                                     max_steps=max_steps, spin_timeout=spin_timeout,
                                     profile=profile, trace=False, trace_ops=ops)
                        mixed.end()
                        report.samples += 1
                        new = _count(report, result, failures, number, traced)
                        result.namespace.clear()   # (as below)
                        report.elapsed = time.perf_counter() - started
                        if progress is not None:
                            progress(report)
                        if max_executions is not None and report.executions >= max_executions:
                            break
                        if stop is not None and new is not None and stop(new):
                            break
                        continue
            ran = ahead.take(engine) if ahead is not None else None
            with_trace = False
            if ran is not None and ahead is not None and ahead.follow(engine, ran) is not None:
                result, blocked = ran.result, ran.blocked
            else:
                strat = engine.begin()
                with_trace = number < TRACED_FIRST and not failures
                _begin()
                result = run(program, strategy=strat, semantics=semantics,
                             switch_points=switch_points, check=check,
                             max_steps=max_steps or FIRST_STEP_LIMIT,
                             spin_timeout=spin_timeout, profile=profile, trace=with_trace,
                             trace_ops=ops,
                             timeline=with_trace)   # (a failure's report draws its timeline)
                if strat.error is not None:
                    raise strat.error
                blocked = strat.blocked
            if max_steps is None and semantics == "untimed":
                # The first execution (no preemption) is as long as the program is: the others
                # may take a few times as many steps before they are cut as a livelock.
                max_steps = step_limit_after(len(result.steps))
            if ahead_options is not None and ahead is None:
                _begin()   # (forked, each worker begins from the module as it is: parallel.py)
                ahead = stack.enter_context(Ahead(program, jobs - 1, preemption_bound,
                                                  dict(ahead_options, max_steps=max_steps)))
            more = engine.end(result.steps, blocked, result.pending)
            if not report.shared:
                report.shared = _shares_data(result)
            if engine.repeated:   # a trace already run: counted apart
                report.redundant += 1
            new = _count(report, result, failures, number, _as_is if with_trace else traced) \
                if not (blocked or engine.repeated) else None
            # Nothing reads the program's globals again: emptied, they no longer hold their
            # functions (whose globals they are) in a cycle for the cycle collector to find.
            result.namespace.clear()
            report.blocked = engine.blocked
            report.elapsed = time.perf_counter() - started
            report.max_steps = max_steps
            if progress is not None:
                if isinstance(engine, Dpor):
                    if not more or report.elapsed >= next_count:
                        # (about a second apart: a long path takes a while to go over)
                        report.planned = engine.planned() if more else 0
                        next_count = report.elapsed + 1.0
                elif max_executions is not None:
                    report.total = max_executions
                progress(report)
            report.unfollowed = getattr(engine, "unfollowed", 0)
            if not more:
                report.exhausted = engine.exhausted and not report.unfollowed \
                    and preemption_bound is None
                break
            if max_executions is not None and report.executions >= max_executions:
                break
            if stop is not None and new is not None and stop(new):
                break
    report.interrupted = bool(interrupted)
    report.elapsed = time.perf_counter() - started
    return report


def _length(program: Program, switch_points: str, check: Check, max_steps: Optional[int],
            spin_timeout: float) -> int:
    """How long an execution of ``program`` is: one run, the first ready thread first (PCT
    places its change points in it; a sample's step limit follows from it)."""
    return len(run(program, semantics="untimed", switch_points=switch_points, check=check,
                   max_steps=max_steps or FIRST_STEP_LIMIT, spin_timeout=spin_timeout).steps)


def _shares_data(result: RunResult) -> bool:
    """Whether two threads of ``result`` read or wrote one location of data, one of them
    writing: as steps, and, where the execution kept its trace, before any other thread
    existed or after it was joined too (ordered, but shared: what a test checks)."""
    accesses = [(step.ident, step.key, step.access) for step in result.steps]
    accesses += [(event.ident, event.key, "w" if event.op == "write" else "r")
                 for event in result.trace.events if event.op in ("read", "write")]
    seen: dict[Hashable, tuple[int, bool]] = {}   # location -> (a thread, written)
    for thread, key, access in accesses:
        # The program's data only: a global ("global", ...) or an object's part (id, ...),
        # see simconc.instrument.hooks; not a thread's, a lock's or the output's location.
        if access != "r" and access != "w" or type(key) is not tuple or not key \
                or not (type(key[0]) is int or key[0] == "global"):
            continue
        written = access == "w"
        known = seen.get(key)
        if known is None or written and not known[1] and known[0] == thread:
            seen[key] = (thread, written)
        elif known[0] != thread and (written or known[1]):
            return True
    return False


def _as_is(result: RunResult) -> RunResult:
    return result


class _Interrupted(list):
    """The requests to stop (Ctrl-C, SIGTERM) an exploration got: true once one came (or a
    KeyboardInterrupt from ``progress``). ``over``: its executions are over, and what remains
    is to hand its report over."""
    over = False


#: The signals that stop an exploration with the report of what it found: Ctrl-C, and the
#: polite request to end that a CI runner or a process manager sends.
STOPPING = (_signal.SIGINT, _signal.SIGTERM)

#: The process and the requests of the :func:`stop_requests` that handles them now, if any.
_HANDLER: Optional[tuple[int, _Interrupted]] = None

#: In a worker of a sampled ``--jobs`` exploration: the requests it got since it began, which
#: every share of the exploration it runs sees (:func:`_worker_begins`).
_WORKER: Optional[_Interrupted] = None


def _handling() -> Optional[_Interrupted]:
    """The requests :func:`stop_requests` handles in this process now (a forked worker's
    parent's are not its own)."""
    return _HANDLER[1] if _HANDLER is not None and _HANDLER[0] == os.getpid() else None


@contextlib.contextmanager
def stop_requests(late: str = "") -> Iterator[_Interrupted]:
    """Ctrl-C (or SIGTERM) stops the exploration after the execution running now, keeping
    everything found: a KeyboardInterrupt raised inside the program's threads would only be
    the program's error. The same signal again interrupts at once. Once the executions are
    over, any more are let go (the first prints ``late``) until this context ends: a caller
    that writes the report inside it (the command line) loses none of it, however often the
    key is pressed. One handler from the first step to the last: handed from one to the next,
    a request would find Python's own between them, and the report would be lost. (A worker of
    ``--jobs`` gets a terminal's Ctrl-C and, passed on by the search, a SIGTERM: one request.)
    Within another (the exploration the command line runs), it is that one."""
    global _HANDLER
    interrupted = _handling()
    if interrupted is not None or threading.current_thread() is not threading.main_thread():
        yield interrupted if interrupted is not None else _Interrupted()
        return
    interrupted = _Interrupted() if _WORKER is None else _WORKER
    told: list[bool] = []

    def on_signal(signum: int, frame: Any) -> None:
        if interrupted.over:
            if late and not told:
                print(late, file=sys.stderr, flush=True)
            told.append(True)
        elif signum in interrupted:
            world = maybe_current_world()
            if world is not None and world.hub is not None and getcurrent() is not world.hub:
                # (in a thread of the program: raised there, it would be the program's
                # uncaught KeyboardInterrupt, a failure counted and explained)
                world.abort(KeyboardInterrupt())
            raise KeyboardInterrupt
        else:
            interrupted.append(signum)

    # (the C module, as in watchdog.py: signal.signal wraps what it returns in an enum, 15x slower)
    previous = [_signal.signal(signum, on_signal) for signum in STOPPING]
    outer, _HANDLER = _HANDLER, (os.getpid(), interrupted)
    try:
        yield interrupted
    finally:
        _HANDLER = outer
        for signum, handler in zip(STOPPING, previous):
            _signal.signal(signum, handler)


@contextlib.contextmanager
def _executions() -> Iterator[_Interrupted]:
    """Where an exploration runs its executions: the KeyboardInterrupt of a second request
    ends them, with what they found; after them, requests are let go (:func:`stop_requests`)."""
    with stop_requests() as interrupted:
        interrupted.over = False
        try:
            yield interrupted
        except KeyboardInterrupt:
            interrupted.append(True)
        finally:
            interrupted.over = True


def shrink(program: Program, schedule: str, *, check: Check = None,
           max_steps: Optional[int] = None, spin_timeout: float = 10.0) -> Failure:
    """The failure ``schedule`` shows, reached with the fewest preemptions: preemption-bounded
    searches with bounds 0, 1, 2... until one shows the same failure. A schedule with fewer
    preemptions is fewer places where "another thread ran in between" needs explaining.

    As in :func:`explore`, every execution of a callable starts from its own module as it was
    when the shrinking began (the state the exploration that found ``schedule`` left it in),
    and the module is left so."""
    with from_its_start(program) as begin:
        result = run(program, schedule=schedule, check=check, max_steps=max_steps,
                     spin_timeout=spin_timeout)
        found = failure_kind(result)
        if found is None:
            raise ValueError("the schedule does not fail: there is nothing to shrink")
        target = (found[0], _ADDRESS.sub("0x...", found[1]))
        most = sum(step.preempts for step in result.steps)
        for bound in range(most):
            report = explore(program, preemption_bound=bound, check=check,
                             max_steps=max_steps, spin_timeout=spin_timeout,
                             stop_on_failure=lambda f: _key(f.kind, f.message) == target,
                             _begin=begin)
            for failure in report.failures:
                if _key(failure.kind, failure.message) == target:
                    return failure
        failed = failure_of(result)
        assert failed is not None
        return failed


def _key(kind: str, message: str) -> tuple[str, str]:
    # Object addresses in a message differ from one execution to the next: not a new failure.
    return kind, _ADDRESS.sub("0x...", message)


def _in_processes(program: Program, jobs: int,
                  progress: Optional[Callable[[ExploreReport], None]],
                  **options: Any) -> ExploreReport:
    """A sampled exploration split over ``jobs`` processes, execution ``i`` in process
    ``i % jobs``, merged into the report one process would give."""
    import concurrent.futures
    import multiprocessing
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    report = ExploreReport(strategy=options["strategy"], seed=options["seed"],
                           semantics=options["semantics"],
                           switch_points=options["switch_points"],
                           total=options["max_executions"],
                           lock_order=LockOrder(executions=0) if options["lock_order"] else None)
    started = time.perf_counter()
    with _executions(), concurrent.futures.ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context(method),
            initializer=_worker_begins, initargs=(os.getpid(),)) as pool, \
            _passed_on(pool) as stopped:
        # (the workers are forked as the shares are handed out, with the requests held:
        # see _worker_begins; one that came meanwhile is passed on to all of them after)
        with signals_held(STOPPING):
            shares = [pool.submit(explore, program, _share=(k, jobs), **options)
                      for k in range(jobs)]
        if stopped:
            stopped.pass_on()   # (to any worker forked after it came)
        pending = list(shares)
        while pending:
            try:
                done, _ = concurrent.futures.wait(pending, return_when="FIRST_COMPLETED")
            except KeyboardInterrupt:
                # The workers were interrupted too: each returns what it found.
                report.interrupted = True
                continue
            report.interrupted = report.interrupted or bool(stopped)
            for future in [f for f in pending if f in done]:
                pending.remove(future)
                report.merge(future.result())
                report.elapsed = time.perf_counter() - started
                if progress is not None:
                    progress(report)
    return report


def _worker_begins(parent: int) -> None:
    """A worker of a sampled ``--jobs`` exploration, as it begins (the pool's initializer). It
    was forked with Ctrl-C and SIGTERM held (:func:`_in_processes`): until here it had the
    search's handler, which would have let a request go. From here, one is kept until its
    exploration begins, and for each share of it the worker runs after (a worker that
    stopped one share and takes another stops it at once)."""
    global _WORKER
    die_with_parent(parent)
    _WORKER = requests = _Interrupted()

    def on_signal(signum: int, frame: Any) -> None:
        if signum not in requests:
            requests.append(signum)

    for signum in STOPPING:
        _signal.signal(signum, on_signal)
    signals_let_go(STOPPING)


class _PassedOn(list):
    """The requests to stop that came to the search (true once one did), passed on to the
    workers of ``pool``."""

    def __init__(self, pool: Any) -> None:
        super().__init__()
        self.pool = pool
        self.sent: set[int] = set()

    def pass_on(self) -> None:
        """SIGTERM to each worker that has not had it."""
        # (the pool's processes: ProcessPoolExecutor names them nowhere public)
        for process in list(getattr(self.pool, "_processes", {}).values()):
            if process.pid in self.sent:
                continue
            self.sent.add(process.pid)
            try:
                os.kill(process.pid, _signal.SIGTERM)
            except OSError:   # (it ended meanwhile)
                pass


@contextlib.contextmanager
def _passed_on(pool: Any) -> Iterator[_PassedOn]:
    """Ctrl-C or SIGTERM sent to this process (a terminal's Ctrl-C reaches the workers too, a
    ``kill`` does not) is passed on to the pool's workers as SIGTERM: each stops and returns
    what it found, which the report then holds. Ctrl-C again interrupts the wait at once."""
    stopped = _PassedOn(pool)

    def on_signal(signum: int, frame: Any) -> None:
        if not stopped:
            stopped.append(signum)
            stopped.pass_on()
        elif signum == _signal.SIGINT:
            raise KeyboardInterrupt

    installed = threading.current_thread() is threading.main_thread()
    previous = [_signal.signal(signum, on_signal) for signum in STOPPING] if installed else []
    try:
        yield stopped
    finally:
        for signum, handler in zip(STOPPING, previous):
            _signal.signal(signum, handler)


def _count(report: ExploreReport, result: RunResult, failures: dict[tuple, Failure],
           number: int, traced: Callable[[RunResult], RunResult]) -> Optional[Failure]:
    """Count execution ``number``; the failure it showed, if that failure is new (explained
    from ``traced(result)``, the same execution with its trace)."""
    report.executions += 1
    if report.lock_order is not None:
        report.lock_order.merge(lock_order_of(result.trace.events, result.deadlock,
                                              lock_names(result.namespace), number))
    outcome = outcome_of(result)
    report.outcome_counts[outcome] = report.outcome_counts.get(outcome, 0) + 1
    report.outcome_first.setdefault(outcome, number)
    found = failure_kind(result)
    if found is None:
        return None
    key = _key(*found)
    known = failures.get(key)
    if known is not None:
        known.count += 1
        return None
    try:
        explained = failure_of(traced(result))
    except KeyboardInterrupt:
        # (stopped at once while it ran the execution again to explain it: what was found
        # is kept, with its schedule, unexplained)
        explained = None
        stopping = True
    else:
        stopping = False
    # (failure_kind found one: the result has a failure)
    failure: Failure = explained or failure_of(result)   # type: ignore[assignment]
    failures[key] = failure
    failure.execution = number
    report.failures.append(failure)
    if stopping:
        raise KeyboardInterrupt
    return failure
