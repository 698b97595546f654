"""Tracebacks of the program's code only: simconc's own frames are left out, as CPython's C
primitives leave no frame of their own."""
from __future__ import annotations

import os
import traceback
from types import TracebackType
from typing import Any, Optional

from ..kernel import Where

#: Where simconc's frames come from: its sources, or (compiled by mypyc, whose tracebacks name
#: a module's source relative to the package's parent) "simconc/...".
SIMCONC_FILES = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
                  "simconc" + os.sep)


def user_frames(tb: Optional[TracebackType]) -> traceback.StackSummary:
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(SIMCONC_FILES)]
    return traceback.StackSummary.from_list(frames)


def format_user_exception(exc_type: type, exc: BaseException,
                          tb: Optional[TracebackType]) -> str:
    """``traceback.format_exception`` without simconc's frames (chained exceptions included)."""
    te = traceback.TracebackException(exc_type, exc, tb, compact=True)
    _strip(te, set())
    return "".join(te.format())


def _strip(te: traceback.TracebackException, seen: set) -> None:
    if id(te) in seen:
        return
    seen.add(id(te))
    te.stack = traceback.StackSummary.from_list(
        [f for f in te.stack if not f.filename.startswith(SIMCONC_FILES)])
    for nested in (te.__cause__, te.__context__):
        if nested is not None:
            _strip(nested, seen)


def record_uncaught(world: Any, thread: Any, exc: BaseException) -> None:
    """Put ``thread``'s uncaught exception on the trace, at the line of the program's that
    raised it: an interleaving shows where a thread died, and of what."""
    frames = user_frames(exc.__traceback__)
    where = Where(frames[-1].filename, frames[-1].lineno or 0, frames[-1].name) if frames \
        else None
    message = str(exc)
    if "\n" in message:   # (one row of an interleaving: pytest's explanations go on for lines)
        message = message.split("\n", 1)[0] + " ..."
    world.record(thread, "uncaught", type(exc).__name__, where, None, detail=message)
