"""The lines of ``simconc run --trace``: each of the program's operations as it happens, and of
how the threads were scheduled, each block (on what), each wake-up (from what) and each hand-over
of the GIL (from whom); the rest (who runs, who took which core) is the timelines'."""
from __future__ import annotations

from typing import Optional

from ..kernel import TraceEvent
from ..kernel.trace import SCHEDULING
from .lanes import display


def trace_line(event: TraceEvent) -> Optional[str]:
    """The line ``--trace`` prints for ``event``, or None if it prints none."""
    op = event.op
    if op not in SCHEDULING:
        return event.format()
    if op == "block":
        return event._replace(label=display(event.label)).format()
    if op == "ready" and event.label:   # (empty: a thread that has just started)
        return event._replace(op="wake", label=display(event.label)).format()
    if op == "gil-take":
        return event.format()
    return None
