"""A timeline in the Chrome trace event format: a JSON file that Perfetto (ui.perfetto.dev) and
chrome://tracing open.

Each interpreter is a process (``pid`` 1, 2...: a run's first interpreter is 1; several runs
compared follow one another), each thread a thread of it (``tid`` its ident), named by
``process_name`` / ``thread_name`` metadata (``ph: "M"``); its GIL is one more thread of it.
The machine's cores are the threads of a process of their own. Every stretch is a complete
event (``ph: "X"``, ``ts`` and ``dur`` in microseconds of simulated time; for an untimed run a
step is a microsecond), its state its category and what it was blocked on in ``args``; every
marker an instant event (``ph: "i"``). Nothing is aggregated: the viewer zooms.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

from .lanes import Lane, Timeline

#: The ``tid`` of an interpreter's GIL: past any thread's ident.
_GIL_TID = 1_000_000


def _us(seconds: float, unit: str) -> float:
    """A time in the format's microseconds, rounded to the nanosecond (a stable text)."""
    return round(seconds if unit == "step" else seconds * 1e6, 3)


def render(timelines: Sequence[Timeline]) -> str:
    """``timelines`` as the text of a Chrome trace JSON file."""
    events: list[dict[str, Any]] = []
    pid = 0
    for run, timeline in enumerate(timelines):
        prefix = f"{timeline.title}: " if len(timelines) > 1 else ""
        pids: dict[str, int] = {}
        for group, lanes in timeline.groups():
            pid += 1
            pids[group] = pid
            events.append({"ph": "M", "pid": pid, "tid": 0, "name": "process_name",
                           "args": {"name": prefix + group}})
            events.append({"ph": "M", "pid": pid, "tid": 0, "name": "process_sort_index",
                           "args": {"sort_index": pid}})
            for order, lane in enumerate(lanes):
                tid = _tid(lane)
                events.append({"ph": "M", "pid": pid, "tid": tid, "name": "thread_name",
                               "args": {"name": lane.name}})
                events.append({"ph": "M", "pid": pid, "tid": tid, "name": "thread_sort_index",
                               "args": {"sort_index": order}})
                events.extend(_lane(lane, pid, tid, timeline.unit))
    document = {"traceEvents": events, "displayTimeUnit": "ms",
                "otherData": {"generator": "simconc",
                              "runs": [t.title for t in timelines],
                              "unit": timelines[0].unit if timelines else "s"}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _tid(lane: Lane) -> int:
    """A thread's ident; its interpreter's GIL past any; a core's number, from 1."""
    if lane.kind == "thread":
        return lane.ident
    if lane.kind == "gil":
        return _GIL_TID
    return lane.ident + 1


def _lane(lane: Lane, pid: int, tid: int, unit: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for span in lane.spans:
        if span.end <= span.start:
            continue
        if span.state == "held":
            name = span.on
            args: dict[str, Any] = {"holder": span.on}
        elif span.state == "blocked":
            name = f"blocked: {span.on}"
            args = {"on": span.on}
            if span.op:
                args["operation"] = span.op
            if span.where:
                args["where"] = span.where
        elif span.state == "ready":
            name = f"ready: {span.on}" if span.on else "ready"
            args = {"waits for": span.on} if span.on else {}
        else:
            name, args = "running", {}
        start = _us(span.start, unit)
        out.append({"ph": "X", "pid": pid, "tid": tid, "name": name, "cat": span.state,
                    "ts": start, "dur": round(_us(span.end, unit) - start, 3), "args": args})
    for mark in lane.marks:
        args = {"object": mark.obj}
        if mark.where:
            args["where"] = mark.where
        out.append({"ph": "i", "s": "t", "pid": pid, "tid": tid, "cat": "operation",
                    "name": f"{mark.op} {mark.obj}".rstrip(), "ts": _us(mark.at, unit),
                    "args": args})
    return out
