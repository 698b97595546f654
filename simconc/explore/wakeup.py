"""Wakeup trees: what the search plans to explore from a state, and how a plan joins them.

The wakeup tree of a node of the search (the state before one step of the current execution)
holds the executions planned from there, as sequences of steps that share their beginnings; the
search runs its leftmost branch first (dpor.py). A sequence of steps is inserted (:func:`insert`)
by going down, at each node, the first child whose step can go first in what is left of it: one
of the sequence's own steps with nothing before it in the sequence that happens before it (taken
out of the sequence then), or a step independent of all of the sequence. Where no child's can, the
rest of the sequence is added as the last branch; a sequence that empties on the way is covered,
planned already. Unlike the paper's, the insertion never stops at a planned leaf that is a weak
prefix of the sequence (dpor.py says why).

The tree's steps were planned by different executions, but locations are only comparable within
one execution: the insertion reads each child's step as the current execution names it, where
that can be told, and otherwise assumes it dependent (:meth:`_Path.step_of`; docs/decisions.md
gives each case, and what it cost when it was missing).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable, Optional, Sequence

from ..kernel import Step
from .dependence import whole_of
from .naming import ALIKE, Named, object_of, with_object

if TYPE_CHECKING:
    from .clocks import HappensBefore
    from .dpor import Node

#: The accesses that tell a thread nothing: what it does after a blocking acquire or a release
#: is what it would have done anyway (a read, a failed try, a wait that timed out, or a method
#: that writes and returns something, such as list.pop, may change its course).
_SILENT = ("acq", "rel")


class WNode:
    """A node of a wakeup tree: a thread's step, and what is planned after it."""

    __slots__ = ("thread", "key", "access", "execution", "first", "children")

    def __init__(self, thread: tuple, key: Hashable, access: str, execution: int,
                 first: Optional[int] = None) -> None:
        self.thread = thread
        self.key = key
        self.access = access
        self.execution = execution   # the keys are only comparable within this execution
        #: How another execution names ``key`` (see :func:`_renamed`): -1 if every execution
        #: names it alike, else a step on the path to this node (which every execution that
        #: gets here takes) that touches its object; None if none can be told (or not yet).
        self.first = first
        self.children: list[WNode] = []


_NO_CLOCK: list[int] = []   # (read for no step: none is at -1)


class _Sequence:
    """A sequence of steps of one execution, with what planning asks of it: which threads can
    start it (their first step in it has nothing before it that happens before it), and which
    locations it touches."""

    __slots__ = ("seq", "hb", "moved_clock", "initials", "threads", "_touched")

    def __init__(self, seq: list[int], hb: HappensBefore,
                 moved_clock: Optional[tuple[int, list[int]]] = None) -> None:
        self.seq = seq
        self.hb = hb
        #: A step of ``seq`` whose clock within it is not its clock here, and that clock.
        self.moved_clock = moved_clock
        self.initials: dict[tuple, int] = {}   # thread -> its first step's place in seq
        self.threads: dict[tuple, int] = {}    # every thread in seq -> its number in hb
        initials, threads = self.initials, self.threads
        self._touched: Optional[dict] = None   # key -> True if written, False if only read
        firsts: list[tuple[int, int]] = []     # (thread's number, its first step's position
        steps, clocks, number = hb.steps, hb.clocks, hb.number   # in thread), in seq order
        moved, moved_to = moved_clock if moved_clock is not None else (-1, _NO_CLOCK)
        for place, k in enumerate(seq):
            thread = steps[k].thread
            if thread in threads:
                continue
            clock = moved_to if k == moved else clocks[k]
            for t, position in firsts:
                if clock[t] >= position:
                    break           # that thread's first step here happens before it
            else:
                initials[thread] = place
            t = threads[thread] = number[k]
            firsts.append((t, clock[t]))

    def without(self, position: int) -> _Sequence:
        """The sequence less its step at ``position``."""
        seq = self.seq
        return _Sequence(seq[:position] + seq[position + 1:], self.hb, self.moved_clock)

    def independent(self, thread: tuple, next_step: tuple) -> bool:
        """Whether ``thread``, absent from the sequence, could go first: its next step
        conflicts with none of the sequence's."""
        if thread in self.threads:
            return False
        touched = self._touched
        if touched is None:   # asked for seldom: made on the first question
            touched = self._touched = {}
            steps = self.hb.steps
            for k in self.seq:
                step = steps[k]
                write = step.access != "r"
                touched[step.key] = touched.get(step.key, False) or write
                whole = whole_of(step.key)
                if whole is not None:   # a container's key: it conflicts with the whole too
                    touched[("parts", whole)] = touched.get(("parts", whole), False) or write
        key, access = next_step
        whole = whole_of(key)
        for location in (key, ("parts", key)) if whole is None else (key, whole):
            written = touched.get(location)
            if written is not None and (access != "r" or written):
                return False
        return True

    def weak_initial(self, thread: tuple, next_step: Optional[tuple]) -> bool:
        """Whether ``thread``, whose next step is ``next_step`` (None: not enabled), could go
        first: one of the initials, or absent with a step independent of all of the sequence."""
        if thread in self.threads:
            return thread in self.initials
        return next_step is not None and self.independent(thread, next_step)


class _Path:
    """An insertion's way down a wakeup tree, from the node before step ``at`` of the current
    execution: what it knows of the steps the threads take on it so far, to tell the step of
    each child it meets (:meth:`step_of`)."""

    __slots__ = ("node", "at", "hb", "execution", "touches", "depth", "taken", "matched",
                 "told", "on_path")

    def __init__(self, node: Node, at: int, hb: HappensBefore, execution: int,
                 touches: dict[int, int]) -> None:
        self.node = node              # the search's node before step ``at``: the tree's root
        self.at = at
        self.hb = hb
        self.execution = execution    # the current execution (see WNode.execution)
        self.touches = touches        # its first step to touch each object (first_touches)
        self.depth = at               # the step of the tree's path that the next child is
        #: The threads that take a step on the path so far: how many.
        self.taken: dict[tuple, int] = {}
        #: The threads whose steps on the path so far are all the sequence's: the last one's
        #: index.
        self.matched: dict[tuple, int] = {}
        #: The threads that took a step on the path, not from the sequence, that may have told
        #: them something (not in _SILENT).
        self.told: set[tuple] = set()
        #: The objects the sequence's steps on the path touch: the first such step (see
        #: WNode.first).
        self.on_path: dict[int, int] = {}

    def step_of(self, child: WNode) -> Optional[tuple]:
        """``(key, access)`` of ``child``'s step, as the current execution names it; None if
        that cannot be told."""
        # The step of a child planned by another execution is read from this one (its
        # locations are this execution's). A thread's next step is fixed by its own history
        # alone (it is computed before the thread waits for its turn), so:
        if child.execution == self.execution:
            return child.key, child.access
        thread = child.thread
        if child.first is not None and child.first < self.at:
            renamed = _renamed(child, self.hb.steps)
            if renamed is not None:
                # Its location, named as this execution names it: the object it belongs to
                # was touched before the tree's node, by the same step here.
                return renamed, child.access
        if thread not in self.taken:
            # Down a path it takes no step on, it is the one it is offered at ``node`` here.
            # (Assuming it dependent instead put the plan after this child, where it found the
            # child's thread asleep and never ran: a trace was missed.)
            return self.node.next_step(thread)
        if thread in self.matched:
            # Its steps on the path are the sequence's own, in this execution's order, and read
            # what they read here (what comes before them in the sequence is on the path, and
            # nothing else on it conflicts): next, it takes the step it takes next here.
            return self.hb.next_step(self.matched[thread])
        if thread not in self.told:
            # Besides the sequence's own, it took only steps that tell a thread nothing (a
            # lock's acquires and releases): it went the way it goes here, and its step is the
            # one it takes here after as many steps as it took on the path.
            return self.hb.step_after(thread, self.at, self.taken[thread])
        # It has taken a step this execution did not take there, and may have read another
        # value: its step is not known here. Assumed dependent.
        return None

    def take_own(self, thread: tuple, k: int) -> None:
        """The path goes on with step ``k`` of the sequence, ``thread``'s."""
        self.matched[thread] = k
        found = object_of(self.hb.steps[k].key)
        if type(found) is int:
            self.on_path.setdefault(found, self.depth)
        self.taken[thread] = self.taken.get(thread, 0) + 1
        self.depth += 1

    def take_other(self, thread: tuple, access: str) -> None:
        """The path goes on with a step of ``thread``'s that is not the sequence's."""
        self.matched.pop(thread, None)   # a step not from this execution
        if access not in _SILENT:
            self.told.add(thread)
        self.taken[thread] = self.taken.get(thread, 0) + 1
        self.depth += 1

    def first_on_path(self, key: Hashable) -> Optional[int]:
        """:attr:`WNode.first` for ``key``, this execution's, planned as the path's next step:
        a step of the path that touches its object. Before ``at`` the path is this execution's;
        after it, the two take their steps in different orders, so a step from there is one of
        the sequence's on the path (``on_path``), or the planned step itself."""
        found = object_of(key)
        first = _first_of(found, self.touches)
        if first is not None and first < self.at:
            return first
        return self.on_path.setdefault(found, self.depth) if type(found) is int else None


def insert(view: _Sequence, path: _Path) -> None:
    """Plan the steps of ``view`` in the wakeup tree of ``path.node`` (see the module's
    docstring), unless a planned execution starts with all of them."""
    current = path.node.wut
    while True:
        if not view.seq:
            return    # a planned execution starts with all of it: covered
        for child in current.children:
            position = view.initials.get(child.thread)
            if position is not None:
                path.take_own(child.thread, view.seq[position])
                view = view.without(position)
                current = child
                break
            known = path.step_of(child)
            if known is not None and view.independent(child.thread, known):
                path.take_other(child.thread, known[1])
                current = child
                break
        else:
            steps, execution = path.hb.steps, path.execution
            for k in view.seq:
                step = steps[k]
                new = WNode(step.thread, step.key, step.access, execution,
                            path.first_on_path(step.key))
                current.children.append(new)
                current = new
                path.depth += 1
            return


# -- naming a location in another execution -------------------------------------------------------
# Two executions that share the steps before a node of the search touch the same objects in them,
# in the same order: an object touched there by step f is the one step f touches in either
# (naming.object_of says which part of a location names an object). That names a location across
# executions, where planning compares a step of an earlier execution with this one's
# (_Path.step_of). Locks, events and queues need none of this: they are named by the thread that
# made them (Stepped.name_new), the same in every execution; the program's own objects do.

def _first_of(found: Named, first_touch: dict[int, int]) -> Optional[int]:
    """:attr:`WNode.first` for a location whose :func:`.naming.object_of` is ``found``."""
    if type(found) is int:
        return first_touch.get(found)   # (None: touched first by a step that never ran)
    return -1 if found is ALIKE else None   # (UNNAMEABLE: it cannot be told, the safe answer)


def _renamed(child: WNode, steps: Sequence[Step]) -> Optional[Hashable]:
    """``child``'s location as the execution of ``steps`` names it (``child.first`` is -1, or
    a step both executions share); None if that step does not touch an object of its kind
    (never seen: the search then takes the child's step as unknown)."""
    key: Any = child.key
    if child.first is None or child.first < 0:
        return key
    found = object_of(steps[child.first].key)
    if type(found) is not int or type(object_of(key)) is not int:
        return None
    return with_object(key, found)
