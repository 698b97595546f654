"""Naming the program's objects alike in every execution: to compare a location across
executions, and to digest an execution's Mazurkiewicz trace.

The location of an attribute or item of the program's objects holds the object's ``id()``, which
differs from one execution to the next (locks, events and queues are named alike in every
execution already, by the thread that made them: Stepped.name_new). :func:`object_of` says which
part of a location is an object's id, or why none is (:class:`NoObject`); :func:`first_touches`
which step first touched each object; :func:`with_object` puts another name in the object's
place. The search names a step planned by another execution with them (wakeup.py says how).

The trace digest identifies an execution's trace across executions, so that an execution that
repeats a trace already run can be counted apart (optimal DPOR runs each trace once; with locks
ours sometimes runs one twice, see docs/decisions.md). Within one execution a trace is the
happens-before order of its steps (:class:`.clocks.HappensBefore`). Across executions each object
is named instead by the first step that touches it, in a fixed order of the threads (the
thread's path, then its step's place in the thread). Two executions of one trace take the same
steps in each thread, so they name every object alike; and executions of two traces differ in
the order of some pair of conflicting steps, or in the steps a thread takes, so their digests
differ. (A step of a thread only ever differs because an earlier step read another value, which
is an order that differs first.)
"""
from __future__ import annotations

import hashlib
from array import array
from operator import itemgetter
from typing import Any, Callable, Final, Optional, Sequence, TYPE_CHECKING, Union

from ..kernel import Step

if TYPE_CHECKING:
    from .clocks import HappensBefore

#: Values a location may hold besides object ids that are the same in every execution.
_PLAIN = (int, str, float, bool, type(None), bytes)

#: The heads of the kernel's locations named by a thread's path (Stepped.name_new, a thread's
#: liveness): the same in every execution.
_MADE = ("made", "threads")


class NoObject:
    """What :func:`object_of` answers for a location with no object's id in it: one of
    :data:`ALIKE` and :data:`UNNAMEABLE`."""

    __slots__ = ("meaning",)

    def __init__(self, meaning: str) -> None:
        self.meaning = meaning

    def __repr__(self) -> str:
        return self.meaning


#: No part of the location is an object's id: it is the same location in every execution.
ALIKE: Final = NoObject("ALIKE")
#: A part of the location holds something no other execution can name (an object of the
#: program's used as a dictionary key): the location cannot be compared across executions.
UNNAMEABLE: Final = NoObject("UNNAMEABLE")

#: The object a location belongs to (its id), or why it has none.
Named = Union[int, NoObject]


class _Unnamed(Exception):
    """A location holds a value that cannot be named alike in every execution."""


def trace_digest(steps: Sequence[Step], hb: "HappensBefore",
                 table: dict) -> Optional[bytes]:
    """A digest of the trace of the execution that took ``steps`` (``hb``: their
    happens-before order): equal for two executions exactly when they are the same trace. None
    when some location cannot be named alike in every execution (a key of a dict that is an
    object of the program's own, say): such an execution is never taken for a repeat.
    ``table`` numbers the (location, access) pairs met so far, in the order they are first
    met, so that the digest hashes numbers, not text: the digests of two executions compare
    only if they were taken with the same table (one per search)."""
    count: dict[tuple, int] = {}          # steps per thread
    names: dict = {}                      # object -> (thread path, place) of its first step
    for step in steps:
        place = count[step.thread] = count.get(step.thread, 0) + 1
        obj = object_of(step.key)
        if type(obj) is int:
            first = (step.thread, place)
            known = names.get(obj)
            if known is None or first < known:
                names[obj] = first
    paths = sorted(count)
    if not paths:
        return None   # nothing ran: no other execution can be the same
    clock_of: Callable[[list[int]], Any] = itemgetter(*[hb.number_of(path) for path in paths])
    if len(paths) == 1:
        single = clock_of
        clock_of = lambda clock: (single(clock),)   # noqa: E731 (itemgetter of one: no tuple)
    per_thread: dict[tuple, list[int]] = {path: [] for path in paths}
    clocks = hb.clocks
    numbers: dict = {}                    # (key, access) -> its number in ``table``, here
    try:
        for i, step in enumerate(steps):
            pair = (step.key, step.access)
            number = numbers.get(pair)
            if number is None:
                entry = (_canonical(step.key, names), step.access)
                number = numbers[pair] = table.setdefault(entry, len(table))
            out = per_thread[step.thread]
            out.append(number)
            out += clock_of(clocks[i])
    except _Unnamed:
        return None
    digest = array("q", [count[path] for path in paths])
    for path in paths:
        digest.extend(per_thread[path])
    return hashlib.blake2b(repr(paths).encode() + digest.tobytes(), digest_size=16).digest()


def object_of(key: Any) -> Named:
    """The object location ``key`` belongs to, its id (the part of the location that holds
    it); :data:`ALIKE` if no part names an object (a global, stdout, the GIL, a thread's
    liveness, a lock, event or queue named by the thread that made it (Stepped.name_new), a plain
    name); :data:`UNNAMEABLE` if a part holds something no other execution can name (an object
    of the program's used as a dictionary key)."""
    kind = type(key)
    if kind is int:
        return key                             # a lock made outside any thread: its id
    if kind is not tuple or not key:           # (a name of the tests' abstract programs)
        return ALIKE if kind in _PLAIN else UNNAMEABLE
    head = key[0]
    if type(head) is int:                      # (id(obj), attr), (id(obj), "[]", k)
        if len(key) == 2 and type(key[1]) is str:
            return head                        # (the usual case, decided at once)
        return head if _plain(key[1:]) else UNNAMEABLE
    if type(head) is str:
        if head in _MADE:                      # (asked for every step: decided at once)
            return ALIKE
        return ALIKE if _plain(key[1:]) else UNNAMEABLE
    return UNNAMEABLE


def first_touches(steps: Sequence[Step], named: Optional[dict] = None) -> dict[int, int]:
    """Each object the steps touch (:func:`object_of`): the first step that touched it.
    ``named`` (a dict) is filled with each step's location -> :func:`object_of` it."""
    first: dict[int, int] = {}
    seen: dict = {} if named is None else named   # the keys looked at already (they recur)
    for i, step in enumerate(steps):
        key = step.key
        if key in seen:
            continue
        seen[key] = found = object_of(key)
        if type(found) is int:
            first.setdefault(found, i)
    return first


def with_object(key: Any, name: Any) -> Any:
    """``key`` with its object's id (:func:`object_of`) replaced by ``name``."""
    if type(key) is int:
        return name
    return (name,) + key[1:]


def _canonical(key: Any, names: dict) -> Any:
    """``key`` with its object, if it has one, replaced by the object's name."""
    found = object_of(key)
    if found is UNNAMEABLE:
        raise _Unnamed
    return key if found is ALIKE else with_object(key, ("object", names[found]))


def _plain(value: Any) -> bool:
    if type(value) is tuple:
        return all(_plain(v) for v in value)
    return type(value) in _PLAIN
