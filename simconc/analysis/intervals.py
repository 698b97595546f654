"""What each thread was doing when, read from a timed run's trace: the intervals a timeline
draws.

A thread is *running* while it holds its interpreter's GIL (from a ``run`` event), *ready* while
it may run but waits for the GIL (from a ``ready`` event, or a forced ``gil-drop``), and
*blocked* while it is parked on something (from a ``block`` event, which names it: a lock, a
condition's waiter, ``sleep``, ``IO``, ``a core``, a thread it joins or starts). Its ``exit``
ends its last interval. Everything here is read from the trace's events: the kernel records
them where its one waiting mechanism parks a thread and where the GIL changes hands.

An untimed run has no intervals (no time passes): its steps are its timeline (what
``simconc.render.lanes`` draws of it).
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from ..kernel import Trace, Where

#: The states of a thread, by the event that starts them.
_STATE_OF = {"run": "running", "ready": "ready", "gil-drop": "ready", "block": "blocked"}


class Interval(NamedTuple):
    """One stretch of one thread in one state."""
    ident: int          # the thread
    name: str           # its name when the stretch began
    interpreter: int
    state: str          # "running", "ready" or "blocked"
    on: str             # what it was blocked on (the trace's label), else ""
    start: float        # simulated seconds
    end: float
    where: Optional[Where] = None   # the line of the program it blocked at, if it blocked


def intervals(trace: Trace, end: Optional[float] = None) -> list[Interval]:
    """Every thread's intervals, in the order they began. Those still open when the trace ends
    end at ``end`` (by default the time of the trace's last event)."""
    events = trace.events
    if trace.steps:
        return []   # (an untimed run's: its block and ready events say nothing of time)
    if end is None:
        end = events[-1].time if events else 0.0
    found: list[Interval] = []
    open_: dict[int, tuple[int, Interval]] = {}   # ident -> (its place in found, the interval)
    for event in events:
        state = _STATE_OF.get(event.op)
        if state is None and event.op != "exit":
            continue
        current = open_.pop(event.ident, None)
        if current is not None:
            place, interval = current
            found[place] = interval._replace(end=event.time)
        if state is not None:
            interval = Interval(event.ident, event.thread, event.interpreter, state,
                                event.label if state == "blocked" else "", event.time,
                                event.time, event.where)
            open_[event.ident] = (len(found), interval)
            found.append(interval)
    for place, interval in open_.values():
        found[place] = interval._replace(end=end)
    return found
