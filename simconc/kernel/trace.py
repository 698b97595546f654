"""The trace: the one record of an execution, which exploration, the reports, the deadlock
analysis and every renderer read.

It holds two kinds of typed records, in order:

- :class:`TraceEvent`, one per visible operation (a lock's acquire, a read of shared state, a
  thread's start, a block and a wake-up): who did it (the thread's ident and name, its
  interpreter), what (the operation), to what (the object's identity, its location, and the
  label reports call it by), the value read or written, where (file:line) and when (simulated
  time, or how many steps had been taken). Events are data: text is made only when a renderer
  asks (:meth:`TraceEvent.format`, :func:`what`).
- :class:`Step`, one per step of an untimed execution (each visible operation the scheduler
  ordered): the thread's path, the location and how it was touched. Exploration's search reads
  only these; a step names the first event it made, an event how many steps came before it.

An execution that nobody will read (most of an exploration's) keeps its steps only.
"""
from __future__ import annotations

import os
import sys
from types import FrameType
from typing import Any, Callable, Hashable, Iterator, NamedTuple, Optional

from .values import NOTHING, describe

_SIMCONC_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_GREENLET_INTERNAL = ("<frozen ", )


class Where(NamedTuple):
    filename: str
    lineno: int
    function: str

    def __str__(self) -> str:
        return f"{os.path.basename(self.filename)}:{self.lineno}"


class TraceEvent(NamedTuple):
    """One visible operation (see the module's docstring)."""
    time: float        # simulated seconds (0.0 throughout an untimed execution)
    thread: str        # the thread's name when the operation happened
    op: str            # e.g. "acquire", "release", "read", "sleep", "start", "block", "exit"
    label: str         # the object operated on, as reports name it ("Lock#1", "counter"), or ""
    where: Optional[Where]
    #: Which thread: its name need not be unique (``Thread(name="worker")`` twice), this is.
    ident: int = -1
    #: The steps taken before it (it belongs to its thread's last one); none when timed.
    step: int = 0
    #: The object's identity: the location its steps touch (a lock's, a variable's), or None.
    key: Hashable = None
    #: The value read or written (see :func:`value_of`), or :data:`NOTHING`.
    value: Any = NOTHING
    #: What else a person is told of it ("count 2" for an RLock held twice), or "".
    detail: str = ""
    #: The interpreter of the thread (a process's; 0 for the first).
    interpreter: int = 0

    @property
    def obj(self) -> str:
        """What the operation was done to, as the trace prints it (:func:`what`)."""
        return what(self)

    def format(self) -> str:
        """One line of ``simconc run --trace``."""
        obj = what(self)
        where = f"  ({self.where})" if self.where else ""
        obj = f" {obj}" if obj else ""
        return f"[{self.time * 1000:10.3f} ms] {self.thread:<16} {self.op}{obj}{where}"


def what(event: TraceEvent) -> str:
    """What the operation was done to, as the trace prints it: ``Lock#1``, ``RLock#1 (count
    2)``, ``counter = 5``."""
    return describe(event.label, event.value, event.detail)


#: Events that say how threads are scheduled, not what the program did: who blocks on what
#: (``block``), who may go on again (``ready``: its label names what it was woken from, empty
#: when it has just started), who runs (``run``), who took the GIL from whom (``gil-take``), who
#: computes on which core (``core-take``, ``core-free``). Recorded only for a timeline
#: (``World.timeline``): the timelines read them; ``--trace`` prints the blocks, wake-ups and
#: hand-overs; iterating a trace leaves them all out. An asyncio task's, on the thread running
#: its event loop (the label: the task): made (``task-new``), a step run (``task-run``), the
#: step ended awaiting what its detail names (``task-wait``), yielding (``task-yield``) or done
#: (``task-done``), what it awaited done and its next step due (``task-ready``).
TASK_OPS = frozenset(("task-new", "task-run", "task-wait", "task-yield", "task-done",
                      "task-ready"))
SCHEDULING = frozenset(("block", "ready", "run", "gil-take", "core-take", "core-free")) | TASK_OPS


class Step(NamedTuple):
    """One step of an untimed execution: the thread, what it touched and how, and where its
    parent started it."""
    thread: tuple      # the thread's path (the same in every execution)
    key: Hashable      # the location
    access: str        # how: r, w, acq, try, rel, join, wait (see simconc.kernel.stepped)
    spawn_step: int    # for a thread's first step: the parent's step that started it, else -1
    trace_index: int   # the first event the step made (its place in Trace.events)
    name: str = ""     # the thread's name (for reports)
    preempts: bool = False   # another thread was running and could have gone on
    ident: int = -1    # the thread's ident (names need not be unique)


_new_tuple = tuple.__new__   # (a TraceEvent straight from a tuple: one Python call less)

_outside: dict = {}   # file name -> whose it is (_kind_of; few distinct names)
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
    library: Optional[FrameType] = None   # the innermost frame of the standard library
    while f is not None:
        code = f.f_code
        filename = code.co_filename
        kind = outside.get(filename)
        if kind is None:
            kind = outside[filename] = _kind_of(filename)
        if kind == _USER:
            return _where(f, code)
        if kind == _LIBRARY and library is None:
            library = f
        f = f.f_back
    # (no frame of the program's: a pool's worker thread, say)
    return _where(library, library.f_code) if library is not None else None


def _where(f: FrameType, code: Any) -> Where:
    key = (id(code), f.f_lasti)
    known = _wheres.get(key)
    if known is not None and known[0] is code:
        return known[1]
    if len(_wheres) > _WHERES_KEPT:
        _wheres.clear()
    where = Where(code.co_filename, f.f_lineno, code.co_name)
    _wheres[key] = (code, where)
    return where


_SIMCONC, _LIBRARY, _USER = 0, 1, 2
_STDLIB = tuple({os.path.dirname(os.__file__), os.path.dirname(os.path.realpath(os.__file__))})


def in_standard_library(filename: str) -> bool:
    """Whether ``filename`` is the standard library's (its line numbers differ from one Python
    to the next: a picture that must be the same on all of them leaves them out)."""
    return _kind_of(filename) == _LIBRARY


def programs_file(filename: str) -> bool:
    """Whether ``filename`` is the program's (its own files and the packages it uses: neither
    simconc's nor the standard library's)."""
    return _kind_of(filename) == _USER


def _kind_of(filename: str) -> int:
    """Whose a file's code is: simconc's, the standard library's (and code it compiled from a
    string: ``<string>``), or the program's (its own files, the packages it uses)."""
    if filename.startswith(_SIMCONC_DIR) or filename.startswith(_GREENLET_INTERNAL):
        return _SIMCONC
    if (filename.startswith(_STDLIB) and "site-packages" not in filename) \
            or filename == "<string>":
        return _LIBRARY
    return _USER


#: Whether the kernel was compiled (by mypyc: its functions have no code objects).
_COMPILED = not hasattr(caller_where, "__code__")


class Trace:
    """An execution's events and steps (see the module's docstring), with optional live
    listeners of its events.

    Iterated, a trace gives the program's operations: its events but the scheduling ones
    (:data:`SCHEDULING`: who blocked, became ready, ran), which ``events`` has too."""

    __slots__ = ("events", "steps", "pending", "listeners")

    def __init__(self) -> None:
        self.events: list[TraceEvent] = []
        self.steps: list[Step] = []
        #: When an untimed run ends: the step each unfinished thread was waiting to take (a
        #: blocked acquire in a deadlock, anything when the step limit cut the run). A step
        #: that never ran can still race with the steps that did.
        self.pending: list[Step] = []
        self.listeners: list[Callable[[TraceEvent], None]] = []

    def record(self, time: float, thread: str, op: str, label: str = "",
               where: Optional[Where] = None, ident: int = -1, step: int = 0,
               key: Hashable = None, value: Any = NOTHING, detail: str = "",
               interpreter: int = 0) -> TraceEvent:
        event = _new_tuple(TraceEvent, (time, thread, op, label, where, ident, step, key, value,
                                        detail, interpreter))
        self.events.append(event)
        for listener in self.listeners:
            listener(event)
        return event

    def __iter__(self) -> Iterator[TraceEvent]:
        return (event for event in self.events if event.op not in SCHEDULING)

    def __len__(self) -> int:
        return sum(1 for _event in self)
