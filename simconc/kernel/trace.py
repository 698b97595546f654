"""The trace: one log of every visible operation, which every renderer and analysis reads."""
from __future__ import annotations

import os
import sys
from types import FrameType
from typing import Callable, NamedTuple, Optional

_SIMCONC_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_GREENLET_INTERNAL = ("<frozen ", )


class Where(NamedTuple):
    filename: str
    lineno: int
    function: str

    def __str__(self) -> str:
        return f"{os.path.basename(self.filename)}:{self.lineno}"


class TraceEvent(NamedTuple):
    time: float        # simulated seconds
    thread: str        # the thread's name when the operation happened
    op: str            # e.g. "acquire", "release", "sleep", "start", "exit"
    obj: str           # the object operated on, as a short label ("Lock#1"), or ""
    where: Optional[Where]
    #: Which thread: its name need not be unique (``Thread(name="worker")`` twice), this is.
    ident: int = -1

    def format(self) -> str:
        where = f"  ({self.where})" if self.where else ""
        obj = f" {self.obj}" if self.obj else ""
        return f"[{self.time * 1000:10.3f} ms] {self.thread:<16} {self.op}{obj}{where}"


_new_tuple = tuple.__new__   # (a TraceEvent straight from a tuple: one Python call less)

_outside: dict = {}   # file name -> is it the user's (outside simconc)? (few distinct names)
#: (id of a code object, offset of an instruction in it) -> (the code, its Where): a trace names
#: the same places again and again, and finding an offset's line scans the code's line table.
#: (The code is kept, and compared: another code object may take over a dead one's id. Kept,
#: codes cost memory: the cache starts again past _WHERES_KEPT places.)
_wheres: dict = {}
_WHERES_KEPT = 10_000


def caller_where(skip: int = 0) -> Optional[Where]:
    """The innermost frame of the user's code (the first frame outside simconc).

    ``skip`` frames above the caller are simconc's for certain (the face function that called
    it, say): the search starts past them. Walking frame by frame makes Python build a frame
    object for each, which costs more than anything else a traced operation does; jumping
    builds one. A caller that may also be called from deeper inside simconc still gives the
    smallest count: the search goes on outwards from there.

    Compiled (see setup.py), simconc's kernel has no frames for ``skip`` to count: the search
    then starts at the innermost frame there is."""
    try:
        f: Optional[FrameType] = sys._getframe(0 if _COMPILED else 1 + skip)
    except ValueError:   # (compiled, and this greenlet has no Python frame at all)
        return None
    outside = _outside
    while f is not None:
        code = f.f_code
        filename = code.co_filename
        mine = outside.get(filename)
        if mine is None:
            mine = outside[filename] = not (filename.startswith(_SIMCONC_DIR)
                                            or filename.startswith(_GREENLET_INTERNAL))
        if mine:
            key = (id(code), f.f_lasti)
            known = _wheres.get(key)
            if known is not None and known[0] is code:
                return known[1]
            if len(_wheres) > _WHERES_KEPT:
                _wheres.clear()
            where = Where(filename, f.f_lineno, code.co_name)
            _wheres[key] = (code, where)
            return where
        f = f.f_back
    return None


#: Whether the kernel was compiled (by mypyc: its functions have no code objects).
_COMPILED = not hasattr(caller_where, "__code__")


class Trace:
    """An append-only list of :class:`TraceEvent`, with optional live listeners."""

    __slots__ = ("events", "listeners")

    def __init__(self) -> None:
        self.events: list[TraceEvent] = []
        self.listeners: list[Callable[[TraceEvent], None]] = []

    def record(self, time: float, thread: str, op: str, obj: str = "",
               where: Optional[Where] = None, ident: int = -1) -> TraceEvent:
        event = _new_tuple(TraceEvent, (time, thread, op, obj, where, ident))
        self.events.append(event)
        for listener in self.listeners:
            listener(event)
        return event

    def __iter__(self):
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)
