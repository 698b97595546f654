"""What identifies an execution's Mazurkiewicz trace across executions, so that an execution
that repeats a trace already run can be counted apart (optimal DPOR runs each trace once; with
locks ours sometimes runs one twice, see docs/architecture.md).

Within one execution a trace is the happens-before order of its steps (:class:`.dpor.
HappensBefore`). Across executions the steps' locations cannot all be compared as they are: the
location of an attribute or item of the program's objects holds the object's ``id()``, which
differs from one execution to the next (locks, events and queues are named alike in every execution
already, by the thread that made them). Here each such object is named instead by the first step
that touches it, in a fixed order of the threads (the thread's path, then its step's place in the
thread). Two executions of one trace take the same steps in each thread, so they name every object
alike; and executions of two traces differ in the order of some pair of conflicting steps, or in
the steps a thread takes, so their digests differ. (A step of a thread only ever differs because an
earlier step read another value, which is an order that differs first.)

The search names objects across executions too, when it plans (:func:`object_named`,
:func:`first_touches`, :func:`with_object`; dpor.py says how).
"""
from __future__ import annotations

import hashlib
from array import array
from operator import itemgetter
from typing import Any, Optional, Sequence, TYPE_CHECKING

from ..kernel import Step

if TYPE_CHECKING:
    from .dpor import HappensBefore

#: Values a location may hold besides object ids that are the same in every execution.
_PLAIN = (int, str, float, bool, type(None), bytes)

#: The heads of the kernel's locations named by a thread's path (World.name_new, a thread's
#: liveness): the same in every execution.
_MADE = ("made", "threads")


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
        obj = object_named(step.key)
        if obj is not None and obj is not False:
            first = (step.thread, place)
            known = names.get(obj)
            if known is None or first < known:
                names[obj] = first
    paths = sorted(count)
    if not paths:
        return None   # nothing ran: no other execution can be the same
    clock_of = itemgetter(*[hb.number_of(path) for path in paths])
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


def object_named(key: Any) -> "int | bool | None":
    """The part of location ``key`` that names an object of its execution, its id; False if
    no part does (a global, stdout, the GIL, a thread's liveness, a lock, event or queue named
    by the thread that made it (World.name_new), a plain name: the same location in every
    execution); None if a part holds something no other execution can name (an object of the
    program's used as a dictionary key)."""
    kind = type(key)
    if kind is int:
        return key                             # a lock made outside any thread: its id
    if kind is not tuple or not key:
        return False if kind in _PLAIN else None   # (a name of the tests' abstract programs)
    head = key[0]
    if type(head) is int:                      # (id(obj), attr), (id(obj), "[]", k)
        if len(key) == 2 and type(key[1]) is str:
            return head                        # (the usual case, decided at once)
        return head if _plain(key[1:]) else None
    if type(head) is str:
        if head in _MADE:                      # (asked for every step: decided at once)
            return False
        return False if _plain(key[1:]) else None
    return None


def first_touches(steps: Sequence[Step], named: Optional[dict] = None) -> dict:
    """Each object the steps touch (:func:`object_named`): the first step that touched it.
    ``named`` (a dict) is filled with each step's location -> :func:`object_named` of it."""
    first: dict = {}
    seen: dict = {} if named is None else named   # the keys looked at already (they recur)
    for i, step in enumerate(steps):
        key = step.key
        if key in seen:
            continue
        seen[key] = found = object_named(key)
        if found is not None and found is not False:
            first.setdefault(found, i)
    return first


def with_object(key: Any, name: Any) -> Any:
    """``key`` with the part :func:`object_named` finds in it (an object) replaced by ``name``."""
    if type(key) is int:
        return name
    return (name,) + key[1:]


def _canonical(key: Any, names: dict) -> Any:
    """``key`` with its object, if it has one, replaced by the object's name."""
    found = object_named(key)
    if found is None:
        raise _Unnamed
    return key if found is False else with_object(key, ("object", names[found]))


def _plain(value: Any) -> bool:
    if type(value) is tuple:
        return all(_plain(v) for v in value)
    return type(value) in _PLAIN
