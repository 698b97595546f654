"""Tracebacks of the program's code only: simconc's own frames are left out, as CPython's C
primitives leave no frame of their own; and so are the frames of asyncio's pure-Python futures
and tasks, which a run uses where CPython runs its C accelerator (:data:`ACCELERATED`)."""
from __future__ import annotations

import os
import traceback
from types import CodeType, FrameType, TracebackType
from typing import Any, Iterator, Optional

from ..kernel import Where

#: Where simconc's frames come from: its sources, or (compiled by mypyc, whose tracebacks name
#: a module's source relative to the package's parent) "simconc/...".
SIMCONC_FILES = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
                  "simconc" + os.sep)


#: The functions of a run's asyncio that CPython runs in C (``_asyncio``: Future's and Task's
#: methods, the running loop's and current task's bookkeeping), by (file, first line, name):
#: the same in every run's fresh import of the package (asyncio_loop.install adds them).
ACCELERATED: set[tuple[str, int, str]] = set()


def hidden(code: CodeType) -> bool:
    """Whether a frame of ``code`` is one CPython's tracebacks never show: simconc's, or one of
    the pure-Python asyncio's that CPython runs in C."""
    return code.co_filename.startswith(SIMCONC_FILES) or \
        (code.co_filename, code.co_firstlineno, code.co_name) in ACCELERATED


def drop_accelerated(exc: BaseException) -> None:
    """Take the frames of asyncio's pure-Python futures and tasks out of ``exc``'s traceback,
    as a task's exception keeps it (where CPython's C task caught it, no frame of its own)."""
    kept = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if (code.co_filename, code.co_firstlineno, code.co_name) not in ACCELERATED:
            kept.append(tb)
        tb = tb.tb_next
    for entry, after in zip(kept, kept[1:] + [None]):
        if entry.tb_next is not after:
            entry.tb_next = after
    if (kept[0] if kept else None) is not exc.__traceback__:
        exc.__traceback__ = kept[0] if kept else None


def program_traceback(tb: Optional[TracebackType]) -> Optional[TracebackType]:
    """``tb`` without the frames CPython would not have (:func:`hidden`): a new chain, the
    exception's own left as it is."""
    entries = []
    while tb is not None:
        if not hidden(tb.tb_frame.f_code):
            entries.append(tb)
        tb = tb.tb_next
    chain: Optional[TracebackType] = None
    for entry in reversed(entries):
        chain = TracebackType(chain, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return chain


def visible_stack(frame: Optional[FrameType]) -> Iterator[tuple[FrameType, int]]:
    """``traceback.walk_stack(frame)`` without the frames CPython would not have
    (:func:`hidden`)."""
    if frame is None:
        return
    for each, lineno in traceback.walk_stack(frame):
        if not hidden(each.f_code):
            yield each, lineno


def user_frames(tb: Optional[TracebackType]) -> traceback.StackSummary:
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(SIMCONC_FILES)]
    return traceback.StackSummary.from_list(frames)


def format_user_exception(exc_type: type, exc: BaseException,
                          tb: Optional[TracebackType]) -> str:
    """``traceback.format_exception`` without simconc's frames, nor asyncio's that CPython runs
    in C (chained exceptions included)."""
    te = traceback.TracebackException(exc_type, exc, tb, compact=True)
    accelerated: set[tuple[str, int, str]] = set()
    _accelerated_lines(exc, tb, accelerated, set())
    _strip(te, accelerated, set())
    return "".join(te.format())


def _accelerated_lines(exc: BaseException, tb: Optional[TracebackType],
                       found: set[tuple[str, int, str]], seen: set[int]) -> None:
    """The (file, line, name) of each entry of the tracebacks of ``exc`` and of the exceptions
    it chains whose frame is one of :data:`ACCELERATED`: what :func:`_strip` leaves out."""
    if id(exc) in seen:
        return
    seen.add(id(exc))
    while tb is not None:
        code = tb.tb_frame.f_code
        if (code.co_filename, code.co_firstlineno, code.co_name) in ACCELERATED:
            found.add((code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    for nested in (exc.__cause__, exc.__context__):
        if nested is not None:
            _accelerated_lines(nested, nested.__traceback__, found, seen)


def _strip(te: traceback.TracebackException, accelerated: set[tuple[str, int, str]],
           seen: set) -> None:
    if id(te) in seen:
        return
    seen.add(id(te))
    te.stack = traceback.StackSummary.from_list(
        [f for f in te.stack if not f.filename.startswith(SIMCONC_FILES)
         and (f.filename, f.lineno, f.name) not in accelerated])
    for nested in (te.__cause__, te.__context__):
        if nested is not None:
            _strip(nested, accelerated, seen)


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
