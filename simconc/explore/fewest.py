"""The fewest steps in which a learner can meet a goal (:func:`fewest_steps`): what a puzzle's
"fewest steps known" is checked against.

The search is the exhaustive one, DPOR (:mod:`.dpor`): it runs one execution of each class of
executions equal up to the order of independent steps, and every way of stepping through the
program is a prefix of some execution of some class. Within one execution, the steps that must
come before a given point are those that happen before it (:mod:`.clocks`), and any set of
steps closed under "happens before" is a prefix of an equivalent execution, taken in this
execution's order (trace theory). So the fewest steps to a point where the goal is met is, over
the executions the search runs, the smallest such closed set:

- ``check``, ``deadlock``: met at the end of an execution, after all of its steps (every
  execution of a class has the same steps).
- ``exception``: met once the step after which a thread raised it is taken: that step and
  every step before it.
- ``critical:F``: met where two threads, A after its ``a``-th step and B after its ``b``-th,
  both stand inside ``F``: A's ``a``-th step, B's ``b``-th and every step before either, if
  that includes neither thread's next step; and only where a thread can still take a step (a
  session watches it there), so short of the whole execution.

What the search returns, it checks: the steps it found are replayed in a :class:`.Session`,
which must meet the goal after exactly that many.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..kernel import Option, SimconcError, SimThread, Step, maybe_current_world
from ..runner import Check, RunResult, run, scenarios_pinned, spin_watchdog
from .api import FIRST_STEP_LIMIT, step_limit_after
from .clocks import HappensBefore
from .dpor import Dpor, _DporStrategy
from .goals import Goal, parse_goal
from .stepping import Session, stands_in

#: An exploration of a puzzle stops after this many executions (then it is not exhaustive).
MAX_EXECUTIONS = 200_000


@dataclass
class Fewest:
    """The fewest steps to the goal, and a way to meet it in that many."""
    #: None if no execution meets the goal.
    steps: Optional[int]
    #: The thread of each step of a schedule that meets the goal after ``steps`` steps.
    paths: list[tuple] = field(default_factory=list)
    #: That schedule as a session's token (``simconc step FILE --schedule TOKEN`` starts
    #: there, ``simconc replay FILE TOKEN`` runs it).
    token: Optional[str] = None
    #: How the goal is met there.
    how: str = ""
    executions: int = 0
    #: Whether every execution that matters ran (else ``steps`` is only the fewest found).
    exhaustive: bool = False


class _Watching(_DporStrategy):
    """The search's strategy, noting at each step which threads stand inside the critical
    section: ``(thread path, steps it has taken) -> inside``. A thread moves only by taking a
    step (it then runs to its next one): only the threads of the steps taken since the last
    look, and the threads started since, stand somewhere new."""

    #: The goal searched for (set on the subclass :func:`_watching` makes).
    goal: Goal

    def __init__(self, engine: Dpor) -> None:
        super().__init__(engine)
        self._functions = frozenset(self.goal.functions)
        self.inside: dict[tuple[tuple, int], bool] = {}
        self._counts: dict[tuple, int] = {}
        self._threads: dict[tuple, SimThread] = {}
        self._seen = 0

    def _step(self, options: Sequence[Option]) -> int:
        world = maybe_current_world()
        if world is not None and self.goal.kind == "critical":
            moved = []
            if len(world.threads) != len(self._threads):
                for thread in world.threads[len(self._threads):]:
                    self._threads[thread.path] = thread
                    moved.append(thread.path)
            steps = world.trace.steps
            counts = self._counts
            for step in steps[self._seen:]:
                counts[step.thread] = counts.get(step.thread, 0) + 1
                moved.append(step.thread)
            self._seen = len(steps)
            functions = self._functions
            for path in moved:
                thread = self._threads[path]
                position = (path, counts.get(path, 0))
                if thread.state != "done" and position not in self.inside:
                    self.inside[position] = stands_in(thread, functions)
        return super()._step(options)


def _watching(goal: Goal) -> "type[_Watching]":
    """The strategy class for a search for ``goal`` (the engine makes each execution's from a
    class, :meth:`.dpor.Dpor.begin`)."""
    return type("_Watching", (_Watching,), {"goal": goal})


def fewest_steps(program: str, goal: "Goal | str", *, check: Check = None,
                 max_executions: int = MAX_EXECUTIONS, spin_timeout: float = 10.0) -> Fewest:
    """The fewest steps in which a session of ``program`` can meet ``goal`` (see the module's
    docstring), checked by replaying them in a session."""
    goal = parse_goal(goal) if isinstance(goal, str) else goal
    engine = Dpor()
    best: Optional[tuple[int, list[tuple], str]] = None
    max_steps = FIRST_STEP_LIMIT
    executions = 0
    cut = False   # some execution was cut at the step limit, or the search at max_executions
    kind = _watching(goal)
    with spin_watchdog(None, spin_timeout), scenarios_pinned():
        while True:
            strategy: _Watching = engine.begin(kind)   # type: ignore[assignment]
            result = run(program, strategy=strategy, semantics="untimed", check=check,
                         max_steps=max_steps, spin_timeout=spin_timeout,
                         trace=goal.kind == "exception")
            if strategy.error is not None:
                raise strategy.error
            if max_steps == FIRST_STEP_LIMIT:
                max_steps = step_limit_after(len(result.steps))
            more = engine.end(result.steps, strategy.blocked, result.pending)
            if not strategy.blocked:
                executions += 1
                cut = cut or result.status == "limit"
                found = _fewest_in(result, goal, strategy.inside)
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
            result.namespace.clear()
            if not more:
                break
            if executions >= max_executions:
                cut = True
                break
    exhaustive = engine.exhausted and not cut and not engine.unfollowed
    if best is None:
        return Fewest(None, executions=executions, exhaustive=exhaustive)
    steps, paths, how = best
    session = Session.following(program, paths, goal=goal, check=check,
                                spin_timeout=spin_timeout)
    reached = session.reached
    if reached is None or reached.steps != steps:
        raise SimconcError(
            f"the search found the goal met after {steps} steps, but replayed in a session "
            f"the same steps meet it " + (f"after {reached.steps}" if reached else "not at all")
            + ": the search's reasoning does not hold for this program")
    return Fewest(steps, paths, session.token, reached.how, executions, exhaustive)


def _fewest_in(result: RunResult, goal: Goal,
               inside: dict[tuple[tuple, int], bool]) -> Optional[tuple[int, list[tuple], str]]:
    """The fewest steps of ``result``'s execution (or of one equal to it up to the order of
    independent steps) after which ``goal`` is met: their number, the thread of each, and how
    it is met; None if it is not met."""
    steps = result.steps
    if goal.kind in ("check", "deadlock"):
        how = goal.at_end(result)
        return (len(steps), [s.thread for s in steps], how) if how is not None else None
    if goal.kind == "critical" and len({p for (p, _), yes in inside.items() if yes}) < 2:
        return None   # (no two threads were ever inside)
    if goal.kind == "exception" and not result.exceptions:
        return None
    hb = HappensBefore(steps, result.pending)
    mine: dict[tuple, list[int]] = {}   # each thread's steps, by index
    for index, step in enumerate(steps):
        mine.setdefault(step.thread, []).append(index)
    candidates: list[tuple[list[int], str]] = []   # (the closed set, as a clock; how)
    if goal.kind == "exception":
        paths = {s.ident: s.thread for s in list(steps) + list(result.pending)}
        for event in result.trace.events:
            if event.op != "uncaught":
                continue
            path = paths.get(event.ident, ())
            before = sum(1 for i in mine.get(path, ()) if i < event.step)
            clock = _position(hb, mine, steps, result.pending, path, before)
            how = f"{event.label}: {event.detail} (in {event.thread})" if event.detail \
                else f"{event.label} (in {event.thread})"
            candidates.append((clock, how))
    else:
        names = {s.thread: s.name for s in list(steps) + list(result.pending)}
        within = sorted(position for position, yes in inside.items() if yes)
        for n, (a_path, a) in enumerate(within):
            a_clock = _position(hb, mine, steps, result.pending, a_path, a)
            for b_path, b in within[n + 1:]:
                if b_path == a_path:
                    continue
                b_clock = _position(hb, mine, steps, result.pending, b_path, b)
                # Neither may need the other's next step first.
                if _entry(hb, b_clock, a_path) > a or _entry(hb, a_clock, b_path) > b:
                    continue
                clock = [max(x, y) for x, y in zip(a_clock, b_clock)]
                if sum(clock) >= len(steps) and result.status != "limit":
                    continue   # (the end of the execution: nothing is watched there)
                candidates.append((clock, f"{names.get(a_path, a_path)} and "
                                          f"{names.get(b_path, b_path)} are inside "
                                          f"{goal._section()} at the same time"))
    if not candidates:
        return None
    clock, how = min(candidates, key=lambda c: sum(c[0]))
    taken = [s.thread for i, s in enumerate(steps)
             if hb.clocks[i][hb.number[i]] <= clock[hb.number[i]]]
    return len(taken), taken, how


def _entry(hb: HappensBefore, clock: list[int], path: tuple) -> int:
    try:
        return clock[hb.number_of(path)]
    except KeyError:   # (a thread that took no step and waits for none)
        return 0


def _position(hb: HappensBefore, mine: dict[tuple, list[int]], steps: Sequence[Step],
              pending: Sequence[Step], path: tuple, taken: int) -> list[int]:
    """The steps that must come before thread ``path`` stands after its ``taken``-th step, as
    a clock: that step's own, or for ``taken == 0`` the step that started the thread."""
    if taken:
        return list(hb.clocks[mine[path][taken - 1]])
    zero = [0] * len({s.thread for s in list(steps) + list(pending)})
    first = next((s for s in list(steps) + list(pending) if s.thread == path), None)
    if first is None or first.spawn_step < 0:
        return zero
    return list(hb.clocks[first.spawn_step])
