"""What an exploration found: outcomes with counts, and each distinct failure with its schedule,
the interleaving that produced it, and why (which accesses conflicted).

Everything here is read from finished executions (their :class:`RunResult`, trace and steps).
"""
from __future__ import annotations

import functools
import os
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, NamedTuple, Optional, Sequence

from ..analysis.lockorder import LockOrder
from ..kernel import Step, Trace, TraceEvent
from ..kernel.scheduler import MAX_STEPS
from ..kernel.trace import SCHEDULING, what
from ..kernel.values import TypeName, describe
from ..render.lanes import Timeline, timeline_of
from ..runner import RunResult
from .clocks import HappensBefore


#: An interleaving longer than this many rows is shown where it matters (Failure.format).
LONG = 100
#: Rows shown on each side of a racing access in a long interleaving.
_CONTEXT = 4


def _left_out(rows: list[dict], digits: int, option: str) -> str:
    first, last = rows[0]["step"], rows[-1]["step"]
    steps = f"step {first}" if first == last else f"steps {first} to {last}"
    return (f"    {'':>{digits}}  ... {len(rows):,} row{'s' if len(rows) != 1 else ''} "
            f"({steps}) not shown: {option} shows the whole interleaving")


@dataclass
class Failure:
    """One distinct way the program failed (``kind``: ``check``, ``deadlock``, ``exception``,
    ``error`` for a simconc-level stop such as a spinning thread, or ``limit``)."""
    kind: str
    message: str
    threads: list[str]
    schedule: str
    steps: list[dict]
    explanation: list[str]
    count: int = 1
    #: Times the schedule switches away from a thread that could have gone on.
    preemptions: int = 0
    #: The number of the first execution that showed it.
    execution: int = 0
    #: The races the explanation names, as pairs of rows of ``steps`` (indices into it): two
    #: accesses that conflict and could have happened the other way round, in the order they
    #: happened. What a drawing of the interleaving points out (drawing.py).
    conflicts: list[tuple[int, int]] = field(default_factory=list)
    #: A deadlock's stuck threads, each as ``{"thread", "waits_for", "held_by", "where",
    #: "waits_on", "held"}``: what each waits for when no thread can go on, who holds it, and
    #: the locks it holds (:class:`~simconc.analysis.deadlock.ThreadWait`'s fields).
    waits: list[dict] = field(default_factory=list)
    #: A deadlock's cycle of threads, each waiting for the next (empty: none, or no deadlock).
    cycle: list[str] = field(default_factory=list)
    #: Every uncaught exception of the execution, each as ``{"thread", "type", "message"}``,
    #: in the order the run met them: a worker's that caused the main thread's failed assert
    #: belongs in the report as much as the assert.
    exceptions: list[dict] = field(default_factory=list)
    #: The failing execution, as far as its timeline needs it (see :attr:`timeline`), or the
    #: timeline once drawn.
    run: "Optional[_Run | Timeline]" = field(default=None, repr=False, compare=False)

    @property
    def timeline(self) -> Optional[Timeline]:
        """How the threads of the failing execution were scheduled, step by step (or in time,
        for a timed exploration): its lanes, which the report's page draws (drawing.py). Built
        when first asked for: most reports are never drawn."""
        if isinstance(self.run, _Run):
            self.run = timeline_of(self.run, f"{self.kind}: {self.message}")
        return self.run

    def __getstate__(self) -> dict[str, Any]:
        # (Sent between processes, --jobs: the lanes, plain data, rather than the trace.)
        self.timeline
        return self.__dict__

    def format(self, title: str = "failure", file: Optional[str] = None,
               steps: bool = True, replay: Optional[Callable[[str], str]] = None,
               full: bool = False, full_option: str = "--full") -> str:
        """The failure as a person reads it: what, why, the interleaving, how to replay it.
        An interleaving of more than :data:`LONG` rows is shown where it matters (``full``:
        the whole; ``full_option`` says how to ask for it): around the racing accesses, at its
        start and at its end."""
        lines = [f"{title} ({self.kind}, in {self.count} execution"
                 f"{'s' if self.count != 1 else ''}; this one with {self.preemptions} "
                 f"preemption{'s' if self.preemptions != 1 else ''}): {self.message}"]
        for line in self.explanation:
            lines.append(f"  {line}")
        # (The first one is the failure's message when the failure is an exception.)
        for exception in self.exceptions[1 if self.kind == "exception" else 0:]:
            lines.append(f"  uncaught in {exception['thread']}: {exception['type']}: "
                         f"{exception['message']}")
        if steps:
            lines.append("  the interleaving:")
            shown = [s for s in self.steps if not s.get("noise")]
            width = max((len(s["thread"]) for s in shown), default=0)
            digits = max(4, len(str(shown[-1]["step"])) if shown else 4)
            kept = None if full or len(shown) <= LONG else self._where_it_matters()
            left_out: list[dict] = []
            for index, s in enumerate(self.steps):
                if s.get("noise"):
                    continue
                if kept is not None and index not in kept:
                    left_out.append(s)
                    continue
                if left_out:
                    lines.append(_left_out(left_out, digits, full_option))
                    left_out = []
                what = f"{s['op']} {s['obj']}".rstrip()
                if s["where"]:
                    what = f"{what:<40}  {s['where']}"
                lines.append(f"    {s['step']:>{digits}}  {s['thread']:<{width}}  {what}")
            if left_out:
                lines.append(_left_out(left_out, digits, full_option))
        command = replay(self.schedule) if replay else \
            f"simconc replay {file} {self.schedule}" if file else self.schedule
        lines.append(f"  replay: {command}")
        return "\n".join(lines)

    def _where_it_matters(self) -> set[int]:
        """The rows of a long interleaving worth reading (indices into ``steps``): each racing
        access and the rows around it, the first rows, and the last ones (where it failed)."""
        rows = [i for i, s in enumerate(self.steps) if not s.get("noise")]
        position = {row: n for n, row in enumerate(rows)}
        marked = {row for pair in self.conflicts for row in pair if row in position}
        marked |= {row for row in rows if self.steps[row]["op"] == "uncaught"}
        kept = set(rows[:_CONTEXT]) | set(rows[-2 * _CONTEXT:])
        for row in marked:
            n = position[row]
            kept.update(rows[max(0, n - _CONTEXT):n + _CONTEXT + 1])
        return kept

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "threads": self.threads,
                "schedule": self.schedule, "count": self.count,
                "preemptions": self.preemptions, "execution": self.execution,
                "explanation": self.explanation, "steps": self.steps,
                "conflicts": [list(pair) for pair in self.conflicts], "waits": self.waits,
                "cycle": self.cycle,
                "exceptions": self.exceptions}


@dataclass
class ExploreReport:
    strategy: str
    seed: int = 0
    preemption_bound: Optional[int] = None
    semantics: str = "untimed"
    switch_points: str = "any"   # where a thread may be switched out (untimed)
    executions: int = 0          # complete executions
    blocked: int = 0             # cut short: every thread asleep (counted apart)
    redundant: int = 0           # complete, but a trace already run (counted apart)
    #: Of ``executions``, the PCT samples mixed into a long DPOR search (sampling.Interleaved):
    #: the rest are the search's.
    samples: int = 0
    exhausted: bool = False      # every schedule that matters was run
    #: Planned executions that could not be followed (the thread planned was not enabled: the
    #: program depends on something the schedule does not decide): the search went on without
    #: them, and is not exhaustive.
    unfollowed: int = 0
    interrupted: bool = False    # stopped by Ctrl-C
    #: Whether some execution had two threads access one location of data (a read or write,
    #: not a lock's or queue's operation), one of them writing: what could race was seen.
    shared: bool = False
    elapsed: float = 0.0         # real seconds (not in the output, which is the same every run)
    #: While it runs, for progress lines (not in the output either): how many executions a
    #: sample takes in all, or how many more DPOR has planned at least; None if not told.
    total: Optional[int] = None
    planned: Optional[int] = None
    #: The step limit each execution (after the first) ran under.
    max_steps: Optional[int] = None
    outcome_counts: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    #: The number of the first execution of each outcome: ties in outcomes are in that order.
    outcome_first: dict[str, int] = field(default_factory=dict, repr=False)
    #: The lock-order graphs of the executions counted, united (None: not asked for).
    lock_order: Optional[LockOrder] = None

    def merge(self, other: "ExploreReport") -> None:
        """Add a share of the same exploration run elsewhere (``--jobs``): the result is what
        one process would have reported."""
        self.executions += other.executions
        self.blocked += other.blocked
        self.redundant += other.redundant
        self.samples += other.samples
        self.interrupted = self.interrupted or other.interrupted
        self.shared = self.shared or other.shared
        self.unfollowed += other.unfollowed
        if self.lock_order is not None and other.lock_order is not None:
            self.lock_order.merge(other.lock_order)
        for outcome, count in other.outcome_counts.items():
            self.outcome_counts[outcome] = self.outcome_counts.get(outcome, 0) + count
            first = other.outcome_first[outcome]
            self.outcome_first[outcome] = min(self.outcome_first.get(outcome, first), first)
        self.outcome_counts = dict(sorted(self.outcome_counts.items(),
                                          key=lambda kv: self.outcome_first[kv[0]]))
        mine = {(f.kind, f.message): f for f in self.failures}
        for failure in other.failures:
            known = mine.get((failure.kind, failure.message))
            if known is None:
                mine[(failure.kind, failure.message)] = failure
                self.failures.append(failure)
            else:
                total = known.count + failure.count
                if failure.execution < known.execution:
                    self.failures[self.failures.index(known)] = failure
                    mine[(failure.kind, failure.message)] = known = failure
                known.count = total
        self.failures.sort(key=lambda f: f.execution)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def outcomes(self) -> list[tuple[str, int]]:
        """Distinct outcomes, most frequent first (ties in the order they were first seen)."""
        order = list(self.outcome_counts)
        return sorted(self.outcome_counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy, "semantics": self.semantics,
            "switch_points": self.switch_points, "seed": self.seed,
            "preemption_bound": self.preemption_bound, "executions": self.executions,
            "blocked": self.blocked, "redundant": self.redundant, "samples": self.samples,
            "exhausted": self.exhausted,
            "unfollowed": self.unfollowed,
            "interrupted": self.interrupted,
            "outcomes": [{"outcome": o, "count": n} for o, n in self.outcomes],
            "failures": [f.to_dict() for f in self.failures],
            **({"lock_order": self.lock_order.to_dict()} if self.lock_order is not None else {}),
        }

    def summary(self) -> str:
        """One line: how many executions, by which strategy, and whether that was all of them."""
        space = ("every schedule that matters was run" if self.exhausted else
                 "interrupted: a partial exploration" if self.interrupted else
                 # (A bounded search plans fewer schedules; not all of those within its bound,
                 # and some beyond it: bench/bugs found both. A heuristic, not a guarantee.)
                 f"bounded to {self.preemption_bound} preemption"
                 f"{'s' if self.preemption_bound != 1 else ''}: not exhaustive"
                 if self.preemption_bound is not None else
                 f"not exhaustive: {self.unfollowed} planned schedule"
                 f"{'s' if self.unfollowed != 1 else ''} could not be followed (the program "
                 f"depends on something the schedule does not decide)" if self.unfollowed else
                 "not exhaustive: sampled, or stopped early")
        timed = ", timed" if self.semantics == "timed" else (
            ", GIL build's switch points" if self.switch_points == "gil" else "")
        plural = "s" if self.executions != 1 else ""
        # (The samples are executions too; the search's own are the rest.)
        mixed = (f" and PCT samples: {self.executions - self.samples} searched, "
                 f"{self.samples} sampled" if self.samples else "")
        return (f"{self.executions} execution{plural} ({self.strategy}{timed}{mixed}; {space})"
                + (f", {self.redundant} more repeated a trace already run"
                   if self.redundant else "")
                + (f", {self.blocked} more cut short (redundant, or a thread polling while "
                   f"others could run)" if self.blocked else ""))

    def format(self, file: Optional[str] = None, steps: bool = True,
               replay: Optional[Callable[[str], str]] = None, full: bool = False,
               full_option: str = "--full") -> str:
        """The summary a person reads: what ran, the outcomes, each failure explained (a long
        interleaving where it matters; ``full``: the whole)."""
        lines = [self.summary(), "outcomes:"]
        for outcome, count in self.outcomes:
            lines.append(f"  {count:>7}x  {outcome}")
        if not self.failures:
            lines.append("no failures")
        for n, failure in enumerate(self.failures, 1):
            lines.append("")
            lines.append(failure.format(f"failure {n} of {len(self.failures)}", file, steps,
                                        replay, full, full_option))
        if self.lock_order is not None:
            lines += ["", self.lock_order_text()]
        return "\n".join(lines)

    def lock_order_text(self) -> str:
        """The lock-order report of the executions (asked for with ``lock_order``), saying
        that its graph unites theirs."""
        assert self.lock_order is not None
        runs = self.lock_order.executions
        return self.lock_order.format(f"the {runs:,} execution{'s' if runs != 1 else ''} "
                                      f"explored" + (", their graphs united" if runs != 1
                                                     else ""))


def outcome_of(result: RunResult) -> str:
    """How one execution ended, as a short line: its output, and how it failed, if it did."""
    out = result.stdout.strip()
    text = " | ".join(out.splitlines()) if out else "(no output)"
    if len(text) > 70:
        text = text[:67] + "..."
    tag = {"ok": "", "check": "  [check failed]", "deadlock": "  [deadlock]",
           "error": "  [error]", "limit": "  [step limit]"}.get(result.status, "")
    if result.status == "error" and result.exceptions and not result.error:
        first = result.exceptions[0]
        what = f"{first.type}: {first.message}".splitlines()[0]
        tag = f"  [{what if len(what) <= 60 else what[:57] + '...'}]"
    return text + tag


def failure_kind(result: RunResult) -> Optional[tuple[str, str]]:
    """(kind, message) of the failure one execution shows, or None if it passed: cheap, to tell
    a new failure from one already explained."""
    status = result.status
    if status == "ok":
        return None
    if status == "check":
        return "check", result.check_failure or "check failed"
    if status == "deadlock":
        report = result.deadlock
        if report is not None and report.cycle:
            return "deadlock", "deadlock: " + " -> ".join(report.cycle + [report.cycle[0]])
        waits = "; ".join(f"{w.thread} waits for {w.waits_for}"
                          for w in (report.threads if report is not None else []))
        return "deadlock", "deadlock: no thread can proceed" + (f" ({waits})" if waits else "")
    if status == "limit":
        limit = result.scheduler.step_limit or MAX_STEPS
        return "limit", (f"the execution was cut at its step limit, {limit:,} steps: a loop "
                         f"that polls or retries for ever (a livelock), or a program longer "
                         f"than that (--max-steps)")
    if result.error:
        return "error", result.error
    first = result.exceptions[0] if result.exceptions else None
    return "exception", (f"{first.type}: {first.message} (in {first.thread})" if first else
                         f"the program {result.exit_status}")


class _Run(NamedTuple):
    """What a failure keeps of its execution to draw its timeline (render.lanes.timeline_of)."""
    trace: Trace
    semantics: str
    elapsed: float
    profile: str
    gil: bool


def failure_of(result: RunResult) -> Optional[Failure]:
    """The failure one execution shows, explained, or None if it passed."""
    found = failure_kind(result)
    if found is None:
        return None
    kind, message = found
    threads = sorted({s.name for s in result.steps if s.name})
    rows, row_of_event, firsts = _interleaving(result)
    explanation: list[str] = []
    conflicts: list[tuple[int, int]] = []
    waits: list[dict] = []
    cycle: list[str] = []
    if kind in ("check", "exception"):
        explanation, races = _explain(result, _events_of_steps(result, firsts))
        conflicts = [(row_of_event[firsts[j][0]], row_of_event[firsts[i][0]])
                     for j, i in races if firsts[j] and firsts[i]
                     and firsts[j][0] in row_of_event and firsts[i][0] in row_of_event]
        if kind == "exception" and result.exceptions:
            threads = [result.exceptions[0].thread]
    elif kind == "limit":
        explanation = [_progress(result)]
    elif kind == "deadlock" and result.deadlock is not None:
        waits = [{"thread": w.thread, "waits_for": w.waits_for, "held_by": list(w.held_by),
                  "where": w.where,
                  "waits_on": asdict(w.waits_on) if w.waits_on is not None else None,
                  "held": [asdict(lock) for lock in w.held]} for w in result.deadlock.threads]
        if result.deadlock.cycle:
            threads = cycle = list(result.deadlock.cycle)
        explanation = [line.strip() for line in result.deadlock.format().splitlines()[1:]
                       if " -> " not in line]
    return Failure(kind, message, threads, result.schedule, rows, explanation,
                   preemptions=sum(step.preempts for step in result.steps),
                   conflicts=conflicts, waits=waits, cycle=cycle,
                   exceptions=[{"thread": e.thread, "type": e.type, "message": e.message}
                               for e in result.exceptions],
                   run=_Run(result.trace, result.semantics, result.elapsed, result.profile,
                            result.gil))


#: How many of a cut execution's last steps tell whether it was still getting somewhere.
_LAST_STEPS = 1_000


def _progress(result: RunResult) -> str:
    """Whether an execution cut at its step limit was still getting somewhere when it was cut:
    the writes of its last steps, and how many stored a value never stored there before."""
    seen: set = set()
    writes = new = 0
    since = len(result.steps) - _LAST_STEPS
    for event in result.trace.events:
        if event.op != "write":
            continue
        try:
            stored = (event.key, event.value)
            fresh = stored not in seen
            seen.add(stored)
        except TypeError:   # (a value that cannot be hashed: not one seen before, then)
            fresh = True
        if event.step > since:
            writes += 1
            new += fresh
    last = f"in its last {min(_LAST_STEPS, len(result.steps)):,} steps"
    if new:
        return (f"it was still getting somewhere: {last}, {new:,} of {writes:,} writes stored a "
                f"value never stored there before. A long program, then: give it more steps "
                f"(--max-steps), or fewer iterations")
    if writes:
        return (f"it was going round in circles: {last}, its {writes:,} writes stored only "
                f"values stored there before (threads that undo what they do, or retry, for "
                f"ever: a livelock)")
    return (f"it was going round in circles: {last}, nothing was written (threads that poll "
            f"for what never comes: a livelock)")


def _events_of_steps(result: RunResult, firsts: list[list[int]]) -> list[list[TraceEvent]]:
    """Each step's trace records. An access whose record came after other steps (reading
    ``obj.x`` ran a property or descriptor that took steps of its own before the read was
    done) is found by its thread and location."""
    trace = result.trace.events
    out = [[trace[k] for k in ks] for ks in firsts]
    for n, step in enumerate(result.steps):
        if out[n] or step.access not in ("r", "w"):
            continue
        op = "read" if step.access == "r" else "write"
        for event in trace[step.trace_index:]:
            if event.ident == step.ident and event.key == step.key and event.op == op:
                out[n] = [event]
                break
    return out


# -- the interleaving ----------------------------------------------------------------------------

def _where(event: TraceEvent) -> str:
    where = event.where
    if where is None:
        return ""
    return f"{_shown_path(where.filename)}:{where.lineno}"


@functools.lru_cache(maxsize=256)
def _shown_path(name: str) -> str:
    """Relative to the current directory when the file is inside it."""
    try:
        rel = os.path.relpath(name)
    except ValueError:   # another drive
        return name
    return name if rel.startswith("..") else rel


def _is_noise(event: TraceEvent) -> bool:
    """Whether a read is of a module variable that holds an object ("read counter = Counter"):
    how the code got to the object, not shared state worth showing."""
    key = event.key
    return type(event.value) is TypeName and type(key) is tuple and key[0] == "global"


#: Events that are no step's and show nothing shared: no time passes under untimed semantics,
#: and who blocks on what is told by the steps themselves.
_NOT_SHOWN = frozenset(("sleep", "cpu", "io")) | SCHEDULING


def interleaving(result: RunResult) -> list[dict]:
    """The rows of ``result``'s interleaving, as a failure shows them: each trace record
    (``step``, ``thread``, ``op``, ``obj``, ``where``; ``noise`` for a read of a variable that
    only holds an object), numbered by the step it belongs to (0: before the first step)."""
    return _interleaving(result)[0]


def _interleaving(result: RunResult) -> tuple[list[dict], dict[int, int], list[list[int]]]:
    """Every trace record in order, numbered by the step it belongs to (0: before the first
    step, while the main thread was alone); each record's row, by its place in the trace; and
    where in the trace the records each step made are (a step that made none, such as a lock
    inside a Queue, has an empty list)."""
    steps = result.steps
    made: list[list[int]] = [[] for _ in steps]
    rows: list[dict] = []
    row_of_event = {}
    for index, event in enumerate(result.trace.events):
        op = event.op
        if op in SCHEDULING:
            continue   # (who blocked and woke: the timeline's, no step's)
        step = event.step   # how many steps had been taken: it belongs to the last, if its own
        if step and event.ident == steps[step - 1].ident:
            made[step - 1].append(index)
        if op in _NOT_SHOWN:
            continue
        row_of_event[index] = len(rows)
        rows.append({"step": step, "thread": event.thread, "ident": event.ident, "op": op,
                     "obj": describe(event.label, event.value, event.detail),
                     "where": _where(event), "noise": op == "read" and _is_noise(event)})
    return rows, row_of_event, made


# -- why ------------------------------------------------------------------------------------------

def _is_memory(step: Step) -> bool:
    key = step.key
    return isinstance(key, tuple) and key != ("stdout",)


def _describe(step: Step, events: list[TraceEvent]) -> str:
    event = events[0] if events else None
    if event is None:
        return f"{step.name} {step.access} step"
    where = _where(event)
    return f"{step.name} {event.op} {what(event)}" + (f" ({where})" if where else "")


def _explain(result: RunResult, events: list[list[TraceEvent]],
             limit: int = 4) -> tuple[list[str], list[tuple[int, int]]]:
    """Why the execution went wrong: lost updates if there are any, else the conflicting
    accesses that could have happened in the other order; and the races that names, as pairs
    of steps (indices) in the order they ran. ``events``: each step's trace records."""
    steps = result.steps
    if not steps:
        return [], []
    lost = _lost_updates(steps, events)[:2]
    if lost:
        return ([line for lines, _races in lost for line in lines],
                sorted({race for _lines, races in lost for race in races}))
    hb = HappensBefore(steps)
    lines = []
    races = []
    for i, step in enumerate(steps):
        if not _is_memory(step):
            continue
        for j in hb.races(i):
            races.append((j, i))
            lines.append(f"{_describe(steps[j], events[j])}, then {_describe(step, events[i])}: "
                         f"these conflict, and could have happened the other way round")
    if lines:
        return (["conflicting accesses to shared state in this execution:"] + lines[:limit],
                races[:limit])
    return [], []


def _lost_updates(steps: Sequence[Step], events: list[list[TraceEvent]]
                  ) -> list[tuple[list[str], list[tuple[int, int]]]]:
    """Each write that overwrote another thread's write with a value computed from a read made
    before that write (the classic lost update): its lines of text, and its two races, the read
    before the other thread's write and that write before the one that overwrote it."""
    blocks = []
    last: dict = {}   # (thread, location) -> the thread's last step on it so far
    before = []       # each step's thread's step on its location before it (None: none)
    for i, step in enumerate(steps):
        place = (step.thread, step.key)
        before.append(last.get(place))
        last[place] = i
    for i, step in enumerate(steps):
        if step.access != "w" or not _is_memory(step):
            continue
        read = before[i]
        if read is None or steps[read].access != "r":
            continue
        lost = [k for k in range(read + 1, i) if steps[k].key == step.key
                and steps[k].access == "w" and steps[k].thread != step.thread]
        if not lost:
            continue
        k = lost[-1]
        other_read = before[k]   # (step k is on the same location)
        name = _location(events[i])
        if other_read is not None and steps[other_read].access == "r":
            first, second = sorted((other_read, read))
            lines = [f"lost update of {name}: {steps[first].name} and {steps[second].name} both "
                     f"read it before either wrote it; {step.name}'s write overwrote "
                     f"{steps[k].name}'s:"]
        else:
            lines = [f"lost update of {name}: {steps[k].name} wrote it between "
                     f"{step.name}'s read and {step.name}'s write, which overwrote it:"]
        for m in sorted({other_read, read, k, i} - {None}):
            lines.append(f"  {_describe(steps[m], events[m])}")
        blocks.append((lines, [(read, k), (k, i)]))
    return blocks


def _location(events: list[TraceEvent]) -> str:
    return events[0].label if events else "a shared location"
