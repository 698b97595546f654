"""The colours of a timeline, the same in every format: a thread's own colour while it runs (and
on the GIL or core it holds), grey while it waits, as in the tutorial's figures."""
from __future__ import annotations

#: A thread's colour, by its place among the run's threads (then round again).
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#2f4b7c", "#d45087", "#7aa640")

#: Waiting: ready (for the GIL or a core), and blocked (on a lock, an event, sleep...).
READY = "#e3e5e8"
BLOCKED = "#a9afb8"
MARK = "#1f2937"


def of_thread(who: int) -> str:
    return PALETTE[who % len(PALETTE)] if who >= 0 else "#6b7280"


def of_state(state: str, who: int) -> str:
    """The fill of a stretch in ``state`` of thread ``who`` (running, or holding a GIL or a
    core: its colour)."""
    if state == "ready":
        return READY
    if state == "blocked":
        return BLOCKED
    return of_thread(who)
