"""The lanes of a timeline: one model of a run, built from its trace, which every format draws.

A :class:`Timeline` is a run's lanes on one axis, from 0 to ``end``: simulated seconds, or for
an untimed run (its x axis is the step index) steps. A lane per thread, grouped by interpreter
(a process), says when the thread ran, when it was ready but waited (for the GIL or a core),
and when it was blocked and on what (a lock by its label, an event, a queue, IO, sleep, a
thread it joins); a lane per GIL says who held it, a lane per core who computed on it; markers
are the program's synchronisation operations (lock acquire and release, event set and clear,
notify, put and get...).

A timed run's lanes come from :func:`simconc.analysis.intervals.intervals` and the ``core-take``
/ ``core-free`` events the kernel records for a timeline; an untimed run's from its steps and
the ``block`` / ``ready`` events. Nothing here decides what happened: it only groups it. The
formats (``svg``, ``html``, ``chrome``, ``text``) lay the model out; :func:`narrow_blends` and
:func:`column_totals` are how a format drawn at a fixed resolution shows what is narrower than
one of its pixels or characters.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Sequence, cast

from ..analysis.intervals import intervals
from ..kernel import Trace, TraceEvent, Where, get_profile
from ..kernel.thread import ALIVE
from ..kernel.trace import SCHEDULING, TASK_OPS, in_standard_library, what
from .axis import duration, moment

#: What a stretch of a lane can be: a thread ``running`` (it holds its GIL), ``ready`` (it may
#: go on, and waits for the GIL or a core), ``blocked`` (parked on something); a GIL or a core
#: ``held`` by a thread. The order in which aggregates list their shares.
STATES = ("running", "ready", "blocked", "held")

#: The program's operations drawn as markers: synchronisation, and the reads and writes of
#: shared state a run recorded (untimed, or ``--memory``).
MARKED = frozenset(("acquire", "acquire-failed", "release", "set", "clear", "reset", "notify",
                    "wait", "wait-timeout", "put", "get", "task_done", "join", "start",
                    "abort", "uncaught", "read", "write"))

#: The untimed GIL's location (kernel/stepped.py: GIL_KEY): its steps say who holds it.
_GIL_KEY = ("GIL",)

#: How the sync layer's internal parts are named in a label, and how a reader is told.
_PARTS = ((" not_full waiter", " (full)"), (" not_empty waiter", " (empty)"),
          (" all_tasks_done waiter", " (unfinished tasks)"), (" waiter", ""))


class Span(NamedTuple):
    """One stretch of one lane."""
    start: float
    end: float
    state: str      # one of STATES
    #: Blocked: what on ("Lock#1", "Queue#1 (full)", "sleep"); ready: "the GIL" or "a core";
    #: on a GIL or core lane: who held it.
    on: str = ""
    #: Blocked: the operation that blocked, when the trace names it ("wait", "put", "join").
    op: str = ""
    where: str = ""   # the program's file:line, if known
    #: Which thread (its colour): the lane's own, or a GIL's or core's holder.
    who: int = -1


class Mark(NamedTuple):
    """One of the program's operations, at one instant of one thread."""
    at: float
    op: str
    obj: str
    where: str = ""


@dataclass
class Lane:
    kind: str            # "thread", "gil" or "core"
    name: str
    group: str           # the interpreter's ("interpreter 0") or the machine's
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    #: A thread's place among the timeline's threads (its colour); -1 for a GIL or a core.
    who: int = -1
    #: A thread's ident (the trace's); a core's number; -1 for a GIL.
    ident: int = -1


@dataclass
class Timeline:
    """One run's lanes (see the module's docstring)."""
    title: str
    unit: str            # "s" (simulated seconds) or "step"
    end: float
    lanes: list[Lane]

    def groups(self) -> list[tuple[str, list[Lane]]]:
        """The lanes by group, in the order the groups first appear."""
        found: dict[str, list[Lane]] = {}
        for lane in self.lanes:
            found.setdefault(lane.group, []).append(lane)
        return list(found.items())

    @property
    def threads(self) -> list[Lane]:
        return [lane for lane in self.lanes if lane.kind == "thread"]


def display(label: str) -> str:
    """What a reader is told a thread waits on: ``Queue#1 (full)`` for the trace's ``Queue#1
    not_full waiter`` (the sync layer's parts, as CPython builds the primitive)."""
    for part, shown in _PARTS:
        if label.endswith(part):
            return label[:-len(part)] + shown
    return label


def _where(where: Optional[Where]) -> str:
    """file:line of the program's; none of the standard library's (which Python's it is would
    change the picture)."""
    if where is None or in_standard_library(where.filename):
        return ""
    return f"{os.path.basename(where.filename)}:{where.lineno}"


def timeline_of(result: Any, title: str = "") -> Timeline:
    """The timeline of a run (a :class:`simconc.RunResult` recorded with ``timeline=True``)."""
    try:
        cores = get_profile(result.profile).cores
    except ValueError:   # (a profile made for the run: the cores it used are drawn)
        cores = 0
    if result.semantics == "untimed":
        return untimed(result.trace, title)
    end = result.elapsed
    if result.status == "deadlock":   # (they stay blocked for ever: shown so a while longer)
        end += max(end * _STUCK, 1e-6)
    return timed(result.trace, end, title, cores=cores, gil=result.gil)


#: How much longer than a deadlocked run its timeline goes on, showing its threads stuck.
_STUCK = 0.05


# -- a timed run ---------------------------------------------------------------------------------

def timed(trace: Trace, end: float, title: str = "", cores: int = 0,
          gil: bool = True) -> Timeline:
    """A timed run's lanes, to simulated time ``end``; ``cores`` core lanes at least, a GIL
    lane per interpreter unless ``gil`` is false (the free-threaded build has none)."""
    events = trace.events
    blocked_by = _blocking_operations(events)
    lanes: list[Lane] = []
    of_thread: dict[int, Lane] = {}
    running: dict[int, list[Span]] = {}   # interpreter -> its threads' running spans
    groups: dict[int, str] = {}   # interpreter -> its lanes' group
    for interval in intervals(trace, end):
        lane = of_thread.get(interval.ident)
        if lane is None:
            lane = of_thread[interval.ident] = Lane(
                "thread", interval.name, _group(interval.interpreter, interval.name),
                who=len(of_thread), ident=interval.ident)
            groups.setdefault(interval.interpreter, lane.group)
            lanes.append(lane)
        state, on, op, where = interval.state, "", "", _where(interval.where)
        if state == "blocked" and interval.on == "a core":
            state, on = "ready", "a core"
        elif state == "blocked":
            on = display(interval.on)
            op, before = blocked_by.get((interval.ident, interval.start, 0), ("", ""))
            where = where or before
        elif state == "ready" and gil:
            on = "the GIL"
        span = Span(interval.start, interval.end, state, on, op, where, lane.who)
        lane.spans.append(span)
        if state == "running" and span.end > span.start:
            running.setdefault(interval.interpreter, []).append(
                span._replace(state="held", on=interval.name, op="", where=""))
    for event in events:
        lane = of_thread.get(event.ident)
        if lane is None:
            continue
        lane.name = event.thread   # (a thread renamed while it ran: drawn under its last name)
        if event.op in MARKED:
            lane.marks.append(_mark(event, event.time))
    lanes = _with_tasks(lanes, events, of_thread, end)
    ordered = sorted(lanes, key=lambda lane: _interpreter(lane.group))
    if gil:
        for interpreter in sorted(running):
            held = sorted(running[interpreter], key=lambda s: s.start)
            ordered.append(Lane("gil", "GIL", groups.get(interpreter, f"interpreter {interpreter}"),
                                _merged(held)))
        ordered.sort(key=lambda lane: _interpreter(lane.group))
    ordered += _core_lanes(events, of_thread, end, cores)
    return Timeline(title, "s", end, ordered)


def _group(interpreter: int, name: str) -> str:
    """The group of an interpreter's lanes: ``interpreter 1: Process-1``, its process named as
    its threads' names say (``Process-1/MainThread``); the first is ``interpreter 0``."""
    if interpreter and "/" in name:
        return f"interpreter {interpreter}: {name.split('/', 1)[0]}"
    return f"interpreter {interpreter}"


#: What an asyncio task's event starts: its state, and what it waits on (``task-wait``: its
#: detail, what it awaits).
_TASK_STATE = {"task-new": ("ready", "the event loop"), "task-yield": ("ready", "the event loop"),
               "task-ready": ("ready", "the event loop"), "task-run": ("running", ""),
               "task-wait": ("blocked", "")}

#: A task lane's ``ident`` (the Chrome trace's ``tid``): past any thread's, below a GIL's.
_TASK_IDENT = 500_000


def _with_tasks(lanes: list[Lane], events: list[TraceEvent], of_thread: dict[int, Lane],
                end: float) -> list[Lane]:
    """``lanes`` with a lane per asyncio task after its event loop's thread: running while a
    step of it runs, blocked on what it awaits, ready from when that is done (or it was made,
    or it yielded) until its loop runs it (the trace's ``task-*`` events)."""
    of_task: dict[Any, Lane] = {}
    under: dict[int, list[Lane]] = {}   # a thread's ident -> its tasks' lanes
    open_: dict[Any, Span] = {}
    for event in events:
        if event.op not in TASK_OPS or event.ident not in of_thread:
            continue
        lane = of_task.get(event.key)
        if lane is None:
            thread = of_thread[event.ident]
            lane = of_task[event.key] = Lane(
                "thread", event.label, thread.group, ident=_TASK_IDENT + len(of_task))
            under.setdefault(event.ident, []).append(lane)
        span = open_.pop(event.key, None)
        if span is not None and event.time > span.start:
            lane.spans.append(span._replace(end=event.time))
        state = _TASK_STATE.get(event.op)
        if state is not None:
            on = event.detail if event.op == "task-wait" else state[1]
            op = "await" if event.op == "task-wait" else ""
            open_[event.key] = Span(event.time, event.time, state[0], on, op,
                                    _where(event.where))
    for key, span in open_.items():
        if end > span.start:
            of_task[key].spans.append(span._replace(end=end))
    if not of_task:
        return lanes
    out: list[Lane] = []
    for lane in lanes:
        out.append(lane)
        out += under.get(lane.ident, [])
    who = len(of_thread)
    for lane in of_task.values():   # (colours past the threads', in the order tasks appeared)
        lane.who = who
        lane.spans = [span._replace(who=who) for span in lane.spans]
        who += 1
    return out


def _interpreter(group: str) -> int:
    if not group.startswith("interpreter "):
        return 1 << 30
    return int(group.split(" ", 2)[1].rstrip(":"))


def _blocking_operations(events: list[TraceEvent]
                         ) -> dict[tuple[int, float, int], tuple[str, str]]:
    """For each block (its thread, time and step): the program's operation that blocked, and
    its line, where the trace tells it. Some operations are recorded as they begin (``wait
    Event#1``, then ``block Event#1 waiter``; ``sleep``, then ``block sleep``), others once they
    are done (``block Lock#1``, then ``acquire Lock#1``; under untimed semantics, every one):
    the thread's operation on what it blocked on, just before the block or just after."""
    last: dict[int, TraceEvent] = {}   # the thread's last operation that may block
    waiting: dict[int, tuple[tuple[int, float, int], TraceEvent]] = {}
    found: dict[tuple[int, float, int], tuple[str, str]] = {}
    for event in events:
        op, ident = event.op, event.ident
        if op == "block":
            key = (ident, event.time, event.step)
            waiting.pop(ident, None)
            before = last.pop(ident, None)
            if before is not None and _on(before, event):
                found[key] = (before.op, _where(before.where))
            else:
                waiting[ident] = (key, event)
                if isinstance(event.key, tuple) and event.key[:2] == ALIVE:
                    found[key] = ("join", "")   # (a thread's end: its join, not yet recorded)
        elif op not in SCHEDULING:
            if op in _BEGUN:
                last[ident] = event
            pending = waiting.pop(ident, None)
            if pending is not None and _on(event, pending[1]):
                found[pending[0]] = (op, _where(event.where))
    return found


#: Operations recorded as they begin, before the thread blocks in them.
_BEGUN = frozenset(("wait", "put", "get", "join", "start", "sleep", "io"))


def _on(operation: TraceEvent, block: TraceEvent) -> bool:
    """Whether ``operation`` is on what ``block`` waits for."""
    if operation.label:
        return block.label.startswith(operation.label)
    return (operation.op, block.label) in (("sleep", "sleep"), ("io", "IO"))


def _mark(event: TraceEvent, at: float) -> Mark:
    return Mark(at, event.op, what(event), _where(event.where))


def _merged(spans: Sequence[Span]) -> list[Span]:
    """``spans`` in order, a holder's spans that follow each other made one."""
    out: list[Span] = []
    for span in spans:
        if out and out[-1].who == span.who and out[-1].end == span.start:
            out[-1] = out[-1]._replace(end=span.end)
        else:
            out.append(span)
    return out


def _core_lanes(events: list[TraceEvent], of_thread: dict[int, Lane], end: float,
                cores: int) -> list[Lane]:
    """A lane per core, from the kernel's ``core-take`` and ``core-free`` events."""
    held: dict[int, list[Span]] = {}
    taken: dict[int, tuple[float, int]] = {}   # core -> (since, the thread's ident)
    for event in events:
        if event.op == "core-take":   # (its key: the core's number)
            taken[cast(int, event.key)] = (event.time, event.ident)
        elif event.op == "core-free":
            number = cast(int, event.key)   # (the core's number, as above)
            since, ident = taken.pop(number, (event.time, event.ident))
            if event.time > since:
                lane = of_thread.get(ident)
                held.setdefault(number, []).append(Span(
                    since, event.time, "held", lane.name if lane else event.thread,
                    who=lane.who if lane else -1))
    for number, (since, ident) in taken.items():   # computing when the run ended
        lane = of_thread.get(ident)
        if end > since:
            held.setdefault(number, []).append(Span(since, end, "held",
                                                    lane.name if lane else "",
                                                    who=lane.who if lane else -1))
    count = max([cores] + [number + 1 for number in held])
    return [Lane("core", f"core {number}", "machine", _merged(held.get(number, [])),
                 ident=number) for number in range(count)]


# -- an untimed run ------------------------------------------------------------------------------

def untimed(trace: Trace, title: str = "") -> Timeline:
    """An untimed run's lanes: its x axis is the step index. A thread runs during each of its
    steps (step ``k`` spans ``k`` to ``k + 1``); in between it is ready (the scheduler picked
    another thread), or blocked from a ``block`` event to its ``ready`` (its step could not be
    taken: a lock held, a thread not ended). Its operations are marked in the step that made
    them; a thread lives from its parent's step that started it to its own last one."""
    steps = trace.steps
    # (A run that ended with threads stuck, a deadlock, shows them stuck one step more.)
    end = float(len(steps) + (1 if trace.pending else 0))
    events = trace.events
    lanes: list[Lane] = []
    of_thread: dict[int, Lane] = {}
    ident_of_path = {step.thread: step.ident for step in steps}
    born: dict[int, float] = {}
    died: dict[int, float] = {}
    blocks: dict[int, list[list[Any]]] = {}   # ident -> [[from, to, on, op, where]]
    blocked_by = _blocking_operations(events)

    def lane_of(ident: int, name: str, interpreter: int) -> Lane:
        lane = of_thread.get(ident)
        if lane is None:
            lane = of_thread[ident] = Lane("thread", name, _group(interpreter, name),
                                           who=len(of_thread), ident=ident)
            lanes.append(lane)
        return lane

    for event in events:
        if event.ident < 0:
            continue
        lane = lane_of(event.ident, event.thread, event.interpreter)
        lane.name = event.thread
        at = float(event.step)   # (made during step ``at - 1``: it ends there)
        born.setdefault(event.ident, max(at - 1.0, 0.0))
        op = event.op
        if op == "block":
            op_, where = blocked_by.get((event.ident, event.time, event.step), ("", ""))
            blocks.setdefault(event.ident, []).append(
                [at, None, display(event.label), op_, _where(event.where) or where])
        elif op == "ready":
            mine = blocks.get(event.ident)
            if mine and mine[-1][1] is None:
                mine[-1][1] = at
        elif op == "exit":
            died[event.ident] = at
        elif op in MARKED:
            lane.marks.append(_mark(event, max(at - 0.5, 0.0)))
        if op == "start" and isinstance(event.key, tuple) and event.key[:2] == ALIVE:
            child = ident_of_path.get(event.key[2])   # (its key: the child's liveness, by path)
            if child is not None:   # (it lives from the end of its parent's step)
                born[child] = min(born.get(child, at), at)
    taken: dict[int, list[int]] = {}
    for k, step in enumerate(steps):
        lane_of(step.ident, step.name, 0)
        born[step.ident] = min(born.get(step.ident, float(k)), float(k))
        taken.setdefault(step.ident, []).append(k)
    for ident, lane in of_thread.items():
        lane.spans = _untimed_spans(born.get(ident, 0.0), died.get(ident, end),
                                    taken.get(ident, []), blocks.get(ident, []), lane.who)
    ordered = sorted(lanes, key=lambda lane: _interpreter(lane.group))
    holders = _untimed_gil(steps, of_thread)
    if holders:
        ordered.append(Lane("gil", "GIL", "interpreter 0", holders))
    return Timeline(title, "step", end, ordered)


def _untimed_spans(born: float, died: float, mine: list[int], blocks: list[list[Any]],
                   who: int) -> list[Span]:
    points = {born, died}
    for k in mine:
        points.update((float(k), float(k + 1)))
    for block in blocks:
        if block[1] is None:
            block[1] = died
        points.update((block[0], block[1]))
    cuts = sorted(p for p in points if born <= p <= died)
    running = set(mine)
    spans: list[Span] = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        if a == int(a) and int(a) in running:
            span = Span(a, b, "running", who=who)
        else:
            span = Span(a, b, "ready", who=who)
            for start, stop, on, op, where in blocks:
                if start <= a and b <= stop:
                    span = Span(a, b, "blocked", on, op, where, who)
                    break
        if spans and spans[-1][2:] == span[2:] and spans[-1].end == span.start:
            spans[-1] = spans[-1]._replace(end=span.end)
        else:
            spans.append(span)
    return spans


def _untimed_gil(steps: list, of_thread: dict[int, Lane]) -> list[Span]:
    """Who held the GIL model of the GIL build's switch points, from its steps."""
    spans: list[Span] = []
    holder: Optional[tuple[int, float]] = None
    for k, step in enumerate(steps):
        if step.key != _GIL_KEY:
            continue
        if step.access == "acq":
            holder = (step.ident, float(k))
        elif step.access == "rel" and holder is not None:
            lane = of_thread.get(holder[0])
            spans.append(Span(holder[1], float(k + 1), "held", lane.name if lane else "",
                              who=lane.who if lane else -1))
            holder = None
    return _merged(spans)


# -- drawing at a resolution ---------------------------------------------------------------------

class Blend(NamedTuple):
    """Columns ``first`` to ``last`` (inclusive) of a lane where stretches narrower than a
    column were drawn together: each part (a state, and the thread in it: on a GIL's lane, who
    held it) with its share of the columns' time, quantized to eighths."""
    first: int
    last: int
    parts: tuple[tuple[str, int, float], ...]   # (state, who, share), in STATES order
    # how many stretches, in all the columns (a field, which hides tuple.count)
    count: int  # type: ignore[assignment]


#: How far a column's share of a part may be from its neighbours' to be drawn with them.
_ALIKE = 0.26


def narrow_blends(spans: Sequence[Span], start: float, end: float,
                  columns: int) -> tuple[list[Span], list[Blend]]:
    """``spans`` drawn ``columns`` wide from ``start`` to ``end``: those a column wide or more,
    drawn as they are, and the rest gathered per column (:class:`Blend`). Neighbouring columns
    alike (each part's share within :data:`_ALIKE` of their mean) are one blend: threads that
    take turns faster than a column read as one steady bar, not as noise."""
    if end <= start or columns <= 0:
        return [], []
    scale = columns / (end - start)
    wide: list[Span] = []
    totals: dict[int, dict[tuple[int, int], float]] = {}   # column -> (state, who) -> share
    counts: dict[int, int] = {}
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)
        if b <= a:
            continue   # (outside, or an instant: nothing to draw)
        if (b - a) * scale >= 1.0:
            wide.append(span)
            continue
        part = (STATES.index(span.state), span.who)
        x, stop = (a - start) * scale, (b - start) * scale
        while True:   # (at most two columns: it is narrower than one)
            column = min(int(x), columns - 1)
            share = min(stop, column + 1.0) - x
            mine = totals.setdefault(column, {})
            mine[part] = mine.get(part, 0.0) + share
            counts[column] = counts.get(column, 0) + 1
            if stop <= column + 1.0 or column == columns - 1:
                break
            x = column + 1.0
    blends: list[Blend] = []
    group: list[int] = []
    sums: dict[tuple[int, int], float] = {}   # the group's columns' shares, summed
    for column in sorted(totals) + [-2]:
        mine = totals.get(column, {})
        # (Alike: the same threads ran, or held it, in each, as every one of them shows.)
        if group and column == group[-1] + 1 and _shown(mine) == _shown(sums) and all(
                abs(min(mine.get(part, 0.0), 1.0) - sums.get(part, 0.0) / len(group))
                <= _ALIKE for part in set(sums).union(mine)):
            group.append(column)
        else:
            if group:
                shares = tuple((STATES[state], who, _eighths(state, sums[state, who] / len(group)))
                               for state, who in sorted(sums))
                shares = tuple(part for part in shares if part[2] > 0)
                if shares:
                    blends.append(Blend(group[0], group[-1], shares,
                                        sum(counts[c] for c in group)))
            group, sums = [column], {}
        for part, share in mine.items():
            sums[part] = sums.get(part, 0.0) + min(share, 1.0)
    return wide, blends


_BRIEF_SHOWN = (STATES.index("running"), STATES.index("held"))


def _shown(shares: dict[tuple[int, int], float]) -> set[tuple[int, int]]:
    """The parts that ran or held, which a column shows however briefly."""
    return {part for part, share in shares.items() if part[0] in _BRIEF_SHOWN and share > 0}


def _eighths(state: int, share: float) -> float:
    """``share`` to the nearest eighth; a thread that ran at all (or held a GIL or a core)
    gets one at least, so that a brief run still shows."""
    eighths = round(share * 8)
    if share > 0 and state in _BRIEF_SHOWN:
        eighths = max(eighths, 1)
    return eighths / 8


def column_totals(spans: Sequence[Span], start: float, end: float,
                  columns: int) -> list[list[float]]:
    """For each of ``columns`` columns from ``start`` to ``end``: the share of its time in
    each of :data:`STATES` (the rest: the lane was empty)."""
    out = [[0.0] * len(STATES) for _ in range(columns)]
    if end <= start or columns <= 0:
        return out
    scale = columns / (end - start)
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)
        if b <= a:
            continue
        index = STATES.index(span.state)
        x, stop = (a - start) * scale, (b - start) * scale
        column = min(int(x), columns - 1)
        while x < stop and column < columns:
            part = min(stop, column + 1.0) - x
            out[column][index] += part
            x = column + 1.0
            column += 1
    return out


# -- told to a reader ----------------------------------------------------------------------------

def tell(lane: Lane, span: Span, unit: str) -> str:
    """A stretch as a person reads it (a tooltip): who, what, on what, where, when."""
    when = f"{moment(span.start, unit)} to {moment(span.end, unit)} " \
           f"({duration(span.end - span.start, unit)})"
    where = f" at {span.where}" if span.where else ""
    if span.state == "held":
        return f"{lane.name} held by {span.on}, {when}"
    if span.state == "blocked":
        if span.on == "sleep":
            return f"{lane.name} asleep{where}, {when}"
        doing = f" in {span.op}" if span.op and span.op != "io" else ""
        return f"{lane.name} blocked{doing} on {span.on}{where}, {when}"
    if span.state == "ready":
        waits = f", waiting for {span.on}" if span.on else " (waiting for its turn)"
        return f"{lane.name} ready{waits}, {when}"
    return f"{lane.name} running, {when}"


def tell_mark(lane: Lane, mark: Mark, unit: str) -> str:
    where = f" at {mark.where}" if mark.where else ""
    obj = f" {mark.obj}" if mark.obj else ""
    return f"{lane.name}: {mark.op}{obj}{where}, {moment(mark.at, unit)}"


def tell_blend(lane: Lane, blend: Blend, start: float, end: float, unit: str,
               names: Optional[dict[int, str]] = None) -> str:
    """Stretches drawn together, as a person reads them: how many, when, each part's share
    (a GIL's or a core's by who held it, named from ``names``: who -> thread name)."""
    names = names or {}
    shares = ", ".join(f"{share:.0%} " + (f"held by {names.get(who, '?')}"
                                         if state == "held" else state)
                       for state, who, share in blend.parts)
    return f"{lane.name}: {blend.count:,} stretches from {moment(start, unit)} to " \
           f"{moment(end, unit)}, too short to draw one by one ({shares})"
