"""Exhaustive search with optimal dynamic partial-order reduction (Abdulla et al., POPL 2014).

The search is stateless (DESIGN.md, decision 8): each execution re-runs the program from scratch
and replays a prefix of step choices; the engine keeps one :class:`Node` per step of the current
execution. After an execution it finds the races in it (two dependent steps of different
threads, not ordered through a third), and for each race plans the execution that reverses it
(every later step not caused by the first, to the end of the execution, and the second) in the
wakeup tree of the state before the first. Sleep sets keep every plan from repeating a trace
already explored, so each Mazurkiewicz trace (each class of executions equal up to swapping
independent steps) runs once; an execution that could only repeat one is cut short and counted
apart (``blocked``).

Where this departs from the paper (docs/architecture.md says why):
- A plan is never dropped as "covered" by a planned leaf that is a weak prefix of it: a plan
  made by another execution is not always recognised (:meth:`Dpor._insert`), so the tree can
  hold a leaf the paper's would not, and with that shortcut the property tests
  (tests/test_dpor.py) found traces that were never run.
- A race wholly before the step where an execution branched off is planned again only if its
  reversal changed (:meth:`Dpor._plan`).
- The step an unfinished thread was waiting to take when the run ended (a blocked acquire in a
  deadlock, any step when the step limit cut the run) races with the steps that ran, like any
  step: otherwise an order that ends in a deadlock could be missed.
- A thread marked ``polling`` (kernel/untimed.py) is not planned to run again before another
  thread has: that keeps ``while not done: sleep()`` finite, by a fairness assumption.

What the program does is seen only through :class:`Option` (a thread's next step) and
:class:`Step` (a step taken): the engine never looks at the world. Locations are compared
within one execution only (they are object ids): a thread's next step at a node is always read
from the current execution, never from an earlier one.

Locks need one rule beyond the paper. A blocking acquire that follows a release cannot be
swapped with it (it was not enabled before), so the race that matters is with the *previous
acquire* of that lock, as Nidhugg does: reversing that one lets the other thread in first. In
that reversal the acquire is ordered as it would be there, not as here, after the release
(:meth:`HappensBefore.clock_past`): otherwise traces are planned twice, and others never.
"""
from __future__ import annotations

from typing import Any, Hashable, NamedTuple, Optional, Sequence, cast

from mypy_extensions import mypyc_attr

from ..kernel import BLOCKING, Option, SimconcError, Step, Strategy
from .dependence import dependent, whole_of
from .traces import first_touches, object_named, trace_digest, with_object

_ACQUIRES = ("acq", "try")    # the accesses that take a lock
#: The accesses that tell a thread nothing: what it does after a blocking acquire or a release
#: is what it would have done anyway (a read, a failed try, a wait that timed out, or a method
#: that writes and returns something, such as list.pop, may change its course).
_SILENT = ("acq", "rel")


class Nondeterminism(SimconcError):
    """A replayed prefix of steps did not lead to the same state: the program depends on
    something the schedule does not decide."""


class SleepBlocked(SimconcError):
    """Every enabled thread is asleep (its steps from here were all explored already)."""


class Plan(NamedTuple):
    """The first execution of a branch the search has planned, fixed from the moment it is
    planned: the thread of each step as far as planned (the prefix, then the wakeup tree's
    first path), and the sleep set at step ``depth``, where it branches off (the siblings
    explored before it there). After the plan, every choice is the default one."""
    threads: tuple
    depth: int
    sleep: tuple


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


class Node:
    """The state before one step of the current execution."""

    __slots__ = ("options", "index", "chosen", "sleep", "wut", "preemptions", "_next")

    def __init__(self, wut: WNode, sleep: list[tuple], options: Sequence[Option]) -> None:
        self.preemptions = 0                          # up to and including this node's step
        self.chosen: tuple = ()
        self.index = 0                                # the chosen thread's place in options
        self.sleep = sleep                            # threads whose steps here are explored
        self.wut = wut                                # its children: what to explore from here
        #: This execution's options here (the enabled threads' next steps, as offered; the
        #: caller does not change them after; a replay sets them anew): kept as given,
        #: :meth:`next_step` makes a table of them only if planning asks.
        self.options = options
        self._next: Optional[dict] = None             # thread -> (key, access)

    def next_step(self, thread: tuple) -> Optional[tuple]:
        """``(key, access)`` of the step ``thread`` would take here, None if it is not enabled."""
        steps = self._next
        if steps is None:
            steps = self._next = {o.thread: (o.key, o.access) for o in self.options}
        return steps.get(thread)


class Dpor:
    """The search. ``begin()`` gives the strategy for the next execution; ``end()`` takes its
    steps, plans new executions, and says whether anything is left to explore."""

    def __init__(self, preemption_bound: Optional[int] = None) -> None:
        #: With a bound, only executions with at most this many preemptions (switching away
        #: from a thread that could go on) are planned: a smaller, incomplete search.
        self.preemption_bound = preemption_bound
        #: Reversals to the end of the execution, and the paper's sleep check (see _plan). A
        #: bounded search plans a race's reversal up to its second step only: the steps after it
        #: would fix an order of their own, with preemptions the bound does not count.
        self._whole = preemption_bound is None
        self.stack: list[Node] = []
        self.executions = 0          # complete executions
        self.blocked = 0             # executions cut short because every thread slept
        #: Complete executions of a trace already run (counted in ``executions`` too), and
        #: whether the last one was one (see traces.py).
        self.redundant = 0
        self.repeated = False
        self._traces: set[bytes] = set()
        self._locations: dict = {}   # (location, access) -> its number, for trace_digest
        self.exhausted = False
        self._execution = 0
        #: A search of one subtree only (see :meth:`following`): the steps up to this depth are
        #: not its to plan.
        self._frozen = -1
        self._analyzed = 0           # the leading steps of the stack whose races are planned
        self._fresh = 0              # this execution's first step not known to be so
        self._made: list[WNode] = []   # the wakeup-tree nodes this execution's run made
        #: Each object the last execution touched: the first step that did (traces.first_touches).
        self._touches: dict = {}
        #: The reversals planned after the last execution analysed, by race (step indices), of
        #: the races wholly before the step where it branched off (see _plan).
        self._reversals: dict = {}

    @property
    def index(self) -> int:
        """The number of the execution about to run."""
        return self.executions + self.blocked

    def begin(self, kind: "type[_DporStrategy] | None" = None) -> "_DporStrategy":
        self._execution += 1
        # The steps before the node chosen anew replay the last execution's: their races were
        # planned when they first ran (unless that execution was cut short), so end() starts
        # looking for races at the first new step.
        self._fresh = min(self._analyzed, max(len(self.stack) - 1, 0))
        self._made = []
        return (kind or _DporStrategy)(self)

    @classmethod
    def following(cls, plan: Plan, preemption_bound: Optional[int] = None) -> "Dpor":
        """A search of the subtree ``plan`` starts (see explore/parallel.py): its executions
        are the ones the whole search will run there, unless the whole search plans more in
        it before it gets there. It plans nothing before the plan's branch."""
        engine = cls(preemption_bound)
        engine._frozen = plan.depth
        path = root = WNode((), None, "", 0)
        for thread in plan.threads[plan.depth:]:
            new = WNode(thread, None, "", 0)
            path.children.append(new)
            path = new
        for thread in plan.threads[:plan.depth + 1]:
            node = Node(WNode((), None, "", 0), [], ())
            node.chosen = thread
            engine.stack.append(node)
        branch = engine.stack[plan.depth]
        branch.wut, branch.sleep = root, list(plan.sleep)
        return engine

    def upcoming(self, limit: int, last: bool = False) -> list[Plan]:
        """Up to ``limit`` executions the search will run, in the order it will run them: the
        next one (right after :meth:`end`), then the first execution of each branch planned
        further up; with ``last``, the ones it will come to last, last first. What runs in
        between, found by analysing the executions before, is not known yet; these are known
        already and will not change (unless more is planned on their path)."""
        stack = self.stack
        plans: list[Plan] = []
        top = len(stack) - 1
        prefix: tuple = ()
        for depth in (range(top + 1) if last else range(top, -1, -1)):
            node = stack[depth]
            children = node.wut.children
            if depth == top or len(children) > 1:
                if not last:
                    prefix = tuple(n.chosen for n in stack[:depth])
                here: list[Plan] = []
                sleep = list(node.sleep)
                for k, child in enumerate(children):
                    if k > 0 or depth == top:   # a lower node's first child is running now
                        here.append(Plan(prefix + _leftmost(child), depth, tuple(sleep)))
                    if len(node.options) > 1:   # as _backtrack puts it to sleep when done
                        sleep.append(child.thread)
                plans += reversed(here) if last else here
                if len(plans) >= limit:
                    return plans[:limit]
            if last:
                prefix += (node.chosen,)
        return plans

    # -- during an execution -------------------------------------------------------------------
    def _choose(self, depth: int, options: Sequence[Option]) -> int:
        """Which of ``options`` step ``depth`` of this execution takes (its place among them)."""
        stack = self.stack
        if depth < len(stack):
            # Replaying the prefix: the same thread as last time, read from this execution's
            # options (their locations are this execution's).
            node = stack[depth]
            index = _position(options, node.chosen)
            if index < 0:
                if depth == len(stack) - 1 and \
                        [o.thread for o in options] == [o.thread for o in node.options]:
                    # The step where this execution branches off, planned from the races of a
                    # step that never ran (a run cut by the step limit, a lock's holder still
                    # reading it): here, as last time, the planned thread cannot go on. The
                    # plan is not one the program can take: cut short, counted apart.
                    raise SleepBlocked("the planned step cannot be taken here")
                raise Nondeterminism(
                    f"re-run with the same schedule, the program offered other threads at step "
                    f"{depth + 1}: it depends on something the schedule does not decide (the "
                    f"real clock, os.urandom, object ids, state kept from an earlier run)")
            node.options, node._next, node.index = options, None, index   # (offer, inlined)
            if options[index].polling:
                # Planned here, but it would poll once more while others could run: fairness
                # rules it out (see kernel/untimed.py).
                raise SleepBlocked("the planned thread is polling")
        elif depth == len(stack):
            node = self._grow(options)
        else:  # pragma: no cover - the world asks for every step in order
            raise AssertionError("steps skipped")
        if self.preemption_bound is not None:   # only a bounded search reads the count
            previous = stack[depth - 1] if depth else None
            node.preemptions = (previous.preemptions if previous else 0) + (
                previous is not None and node.chosen != previous.chosen
                and node.next_step(previous.chosen) is not None)
        return node.index

    def _grow(self, options: Sequence[Option]) -> Node:
        """A node for the step after the last one: it takes what its wakeup tree plans first,
        or else the default (see :func:`_default`), which it plans."""
        stack = self.stack
        if stack:
            parent = stack[-1]
            previous = parent.chosen
            for wut in parent.wut.children:
                if wut.thread == previous:
                    break
            else:  # pragma: no cover - a node's chosen thread always has its child
                raise AssertionError("the step taken is not in the wakeup tree")
            sleep = parent.sleep
            if sleep:
                done = parent.options[parent.index]
                # (A sleeping thread is enabled: it has a next step.)
                sleep = [q for q in sleep if not dependent(
                    *cast("tuple[Hashable, str]", parent.next_step(q)), done.key, done.access)]
            else:
                sleep = []
        else:
            previous, sleep, wut = None, [], WNode((), None, "", 0)
        node = Node(wut, sleep, options)
        options = node.options
        if wut.children:
            node.chosen = wut.children[0].thread
            node.index = _position(options, node.chosen)
            if node.index < 0:
                raise Nondeterminism(
                    f"a planned schedule could not be followed at step {len(stack) + 1}: the "
                    f"program depends on something the schedule does not decide")
            if options[node.index].polling:
                raise SleepBlocked("the planned thread is polling")
        else:
            if len(options) == 1 and options[0].thread not in sleep:
                node.index = 0    # no choice (the kernel shows these steps too)
            else:
                node.index = _default(options, sleep, previous)
            option = options[node.index]
            node.chosen = option.thread
            made = WNode(option.thread, option.key, option.access, self._execution)
            wut.children.append(made)
            self._made.append(made)   # its ``first`` is known once the run is over
        stack.append(node)
        return node

    # -- after an execution --------------------------------------------------------------------
    def end(self, steps: Sequence[Step], blocked: bool,
            pending: Sequence[Step] = ()) -> bool:
        """Take the finished execution's ``steps`` (and the steps its unfinished threads were
        waiting to take); False once the search is exhausted."""
        self.repeated = False
        named: dict = {}
        self._touches = first_touches(steps, named)
        for made in self._made:   # (each the location of a step taken: named already)
            made.first = _first_of(named.get(made.key), self._touches)
        if blocked:
            self.blocked += 1
            del self.stack[len(steps):]
            self._analyzed = self._fresh
        else:
            self.executions += 1
            del self.stack[len(steps):]   # a run cut short by an error has no further nodes
            hb = HappensBefore(steps, pending)
            # Only executions with locks have been seen to repeat a trace (the property tests
            # check every execution of their programs, with locks and without): the digest, a
            # tenth of an execution's cost, is taken only for those.
            digest = trace_digest(steps, hb, self._locations) \
                if pending or hb.took_locks() else None
            self.repeated = digest is not None and digest in self._traces
            if self.repeated:
                self.redundant += 1
            elif digest is not None:
                self._traces.add(digest)
            self._plan(hb)
            for step in pending:
                self._plan_pending(hb, step)
            self._analyzed = len(steps)
        return self._backtrack()

    def _backtrack(self) -> bool:
        stack = self.stack
        while stack:
            node = stack[-1]
            chosen = node.chosen
            children = node.wut.children
            for child in children:
                if child.thread != chosen:
                    break
            else:
                # Nothing else planned here. (Its wakeup tree and sleep set go with it: the
                # parent drops this subtree next.)
                stack.pop()
                continue
            node.wut.children = [c for c in children if c.thread != chosen]
            if len(node.options) > 1:
                node.sleep.append(chosen)
            node.chosen = node.wut.children[0].thread
            return True
        self.exhausted = True
        return False

    def _plan_pending(self, hb: "HappensBefore", pending: Step) -> None:
        """Races of a step that never ran (a thread blocked in a deadlock, or cut off by the
        step limit): the execution where it goes first is planned like any other reversal.
        Each pending step is added on its own, so that pending steps never order each other."""
        i = hb.push(pending)
        for j in hb.races(i):
            self._insert(j, hb.reversal(j, i, self._whole), hb, hb.clock_past(j, i))
        hb.pop()

    def _plan(self, hb: "HappensBefore") -> None:
        """Plan the reversal of every race in the execution. A reversal is made of the steps
        after the race's first step, to the end of the execution: a race before the step where
        this execution branched off has one that differs from last time's unless no step from
        there on is in it. Those are skipped: planned again, they could only be planned twice
        (a plan made by another execution is not always recognised, see _insert). A bounded
        search's reversals stop at the race's second step: it plans only the new races."""
        fresh, last, whole = self._fresh, self._reversals, self._whole
        self._reversals = planned = {}
        for i in hb.racy:
            if i < fresh and not whole:
                continue   # (a reversal up to i: the same as when the race was first planned)
            for j in hb.races(i):
                seq = hb.reversal(j, i, whole)
                if seq[-1] < fresh:   # (the steps are in order: every one of them)
                    planned[j, i] = seq
                    if last.get((j, i)) == seq:
                        continue
                self._insert(j, seq, hb, hb.clock_past(j, i))

    def _insert(self, at: int, seq: list[int], hb: "HappensBefore",
                moved_clock: Optional[tuple[int, list[int]]] = None) -> None:
        """Plan ``seq`` (step indices of this execution) from the state before step ``at``,
        unless an explored or planned execution already covers it. ``moved_clock``: a step of
        ``seq`` whose clock within it is not its clock here, and that clock."""
        if at <= self._frozen:
            return
        node = self.stack[at]
        steps = hb.steps
        if self.preemption_bound is not None and \
                self._preemptions(at, seq, steps) > self.preemption_bound:
            return
        view = _Sequence(seq, hb, moved_clock)
        for q in node.sleep:
            # A sleeping thread that could go first (one of the sequence's initials, or absent
            # from it with a next step independent of all of it: a weak initial): what the plan
            # would explore was explored with that thread first, and the races of those
            # executions planned the rest. (A weak initial only against a whole reversal.)
            if view.weak_initial(q, node.next_step(q)) if self._whole else q in view.initials:
                return
        current = node.wut
        #: The threads that take a step on the tree's path so far: how many.
        taken: dict = {}
        #: The threads whose steps on the path so far are all ``seq``'s: the last one's index.
        matched: dict = {}
        #: The threads that took a step on the path, not from ``seq``, that may have told them
        #: something (not in _SILENT).
        told: set = set()
        depth = at             # the step of the tree's path that the next child is
        #: The objects ``seq``'s steps on the path touch: the first such step (see WNode.first).
        on_path: dict = {}
        while True:
            if not view.seq:
                return    # a planned execution starts with all of it: covered
            for child in current.children:
                position = view.initials.get(child.thread)
                if position is not None:
                    matched[child.thread] = view.seq[position]
                    found = object_named(steps[view.seq[position]].key)
                    if found is not None and found is not False:
                        on_path.setdefault(found, depth)
                    view = _Sequence(view.seq[:position] + view.seq[position + 1:], hb,
                                     moved_clock)
                    current = child
                    break
                # The step of a child planned by another execution is read from this one (its
                # locations are this execution's). A thread's next step is fixed by its own
                # history alone (it is computed before the thread waits for its turn), so:
                if child.execution == self._execution:
                    known: Optional[tuple] = (child.key, child.access)
                elif child.first is not None and child.first < at and \
                        (renamed := _renamed(child, steps)) is not None:
                    # Its location, named as this execution names it: the object it belongs to
                    # was touched before the tree's node, by the same step here.
                    known = renamed, child.access
                elif child.thread not in taken:
                    # Down a path it takes no step on, it is the one it is offered at ``node``
                    # here. (Assuming it dependent instead put the plan after this child, where
                    # it found the child's thread asleep and never ran: a trace was missed.)
                    known = node.next_step(child.thread)
                elif child.thread in matched:
                    # Its steps on the path are ``seq``'s own, in this execution's order, and
                    # read what they read here (what comes before them in ``seq`` is on the
                    # path, and nothing else on it conflicts): next, it takes the step it takes
                    # next here.
                    known = hb.next_step(matched[child.thread])
                elif child.thread not in told:
                    # Besides ``seq``'s own, it took only steps that tell a thread nothing (a
                    # lock's acquires and releases): it went the way it goes here, and its step
                    # is the one it takes here after as many steps as it took on the path.
                    known = hb.step_after(child.thread, at, taken[child.thread])
                else:
                    # It has taken a step this execution did not take there, and may have read
                    # another value: its step is not known here. Assumed dependent.
                    known = None
                if known is not None and view.independent(child.thread, known):
                    matched.pop(child.thread, None)   # a step not from this execution
                    if known[1] not in _SILENT:
                        told.add(child.thread)
                    current = child
                    break
            else:
                for k in view.seq:
                    new = WNode(steps[k].thread, steps[k].key, steps[k].access, self._execution,
                                self._first_on_path(steps[k].key, at, on_path, depth))
                    current.children.append(new)
                    current = new
                    depth += 1
                return
            taken[current.thread] = taken.get(current.thread, 0) + 1
            depth += 1

    def _first_on_path(self, key: Hashable, at: int, on_path: dict,
                       depth: int) -> Optional[int]:
        """:attr:`WNode.first` for ``key``, this execution's, planned as step ``depth`` of the
        tree's path from the node before step ``at``: a step of that path that touches its
        object. Before ``at`` the path is this execution's; after it, the two take their steps
        in different orders, so a step from there is one of ``seq``'s on the path
        (``on_path``), or the planned step itself."""
        first = _first(key, self._touches)
        if first is not None and first < at:
            return first
        found = object_named(key)
        return None if found is None else on_path.setdefault(found, depth)

    def _preemptions(self, at: int, seq: list[int], steps: Sequence[Step]) -> int:
        """Preemptions of the prefix before step ``at`` followed by ``seq``. Within ``seq`` a
        switch counts when the thread switched from still has a step later in ``seq`` (whether
        it could have gone on is not known for steps not yet run)."""
        count = self.stack[at - 1].preemptions if at else 0
        previous = self.stack[at - 1].chosen if at else None
        threads = [steps[k].thread for k in seq]
        for n, thread in enumerate(threads):
            if previous is not None and thread != previous and (
                    previous in threads[n + 1:]
                    or (n == 0 and self.stack[at].next_step(previous) is not None)):
                count += 1
            previous = thread
        return count


def _leftmost(wut: WNode) -> tuple:
    """The threads along the first path of a wakeup tree from ``wut``: what a search that
    takes this branch follows first."""
    threads = [wut.thread]
    while wut.children:
        wut = wut.children[0]
        threads.append(wut.thread)
    return tuple(threads)


# -- naming a location in another execution -------------------------------------------------------
# Two executions that share the steps before a node of the search touch the same objects in them,
# in the same order: an object touched there by step f is the one step f touches in either
# (traces.object_named says which part of a location names an object). That names a location
# across executions, where planning compares a step of an earlier execution with this one's
# (Dpor._insert). Locks, events and queues need none of this: they are named by the thread that
# made them (World.name_new), the same in every execution; the program's own objects do.

def _first(key: Hashable, first_touch: dict) -> Optional[int]:
    """:attr:`WNode.first` for ``key`` in the execution whose first touches are given."""
    return _first_of(object_named(key), first_touch)


def _first_of(found: Any, first_touch: dict) -> Optional[int]:
    """:attr:`WNode.first` for a location whose :func:`object_named` is ``found`` (None: it
    cannot be told, the safe answer)."""
    if found is None:
        return None
    if found is False:
        return -1
    return first_touch.get(found)   # (None: touched first by a step that never ran)


def _renamed(child: WNode, steps: Sequence[Step]) -> Optional[Hashable]:
    """``child``'s location as the execution of ``steps`` names it (``child.first`` is -1, or
    a step both executions share); None if that step does not touch an object of its kind
    (never seen: the search then takes the child's step as unknown)."""
    key: Any = child.key
    if child.first is None or child.first < 0:
        return key
    found = object_named(steps[child.first].key)
    if type(found) is not int or type(object_named(key)) is not int:
        return None
    return with_object(key, found)


def _position(options: Sequence[Option], thread: Optional[tuple]) -> int:
    """Where ``thread`` is among ``options``; -1 if it is not offered."""
    index = 0
    for option in options:
        if option.thread == thread:
            return index
        index += 1
    return -1


def _default(options: Sequence[Option], sleep: list[tuple], previous: Optional[tuple]) -> int:
    """Where nothing is planned, the option an execution takes (its place in ``options``): the
    thread that ran last when it can go on (fewer switches to read), else the first awake one
    after it in the order offered, going round. A thread that has just slept or let a timed wait
    run out (``yielded``) lets the next one in turn run, or a polling loop would be all the first
    execution ever does; one marked ``polling`` runs only if every awake thread is."""
    last = _position(options, previous)
    if last >= 0:
        option = options[last]
        if not (option.yielded or option.polling) and previous not in sleep:
            return last        # the usual case, decided without looking at the others
    if not sleep:
        for option in options:
            if option.polling:
                break
        else:   # every thread awake, none polling: the next one after the last, going round
            return last + 1 if last + 1 < len(options) else 0
    awake = [n for n, option in enumerate(options) if option.thread not in sleep]
    fair = [n for n in awake if not options[n].polling]
    awake = fair or awake
    if not awake:
        raise SleepBlocked("every enabled thread is asleep")
    if last in awake and not options[last].yielded:
        return last
    return next((n for n in awake if n > last), awake[0])


_NO_CLOCK: list[int] = []   # (read for no step: none is at -1)


class _Sequence:
    """A sequence of steps of one execution, with what planning asks of it: which threads can
    start it (their first step in it has nothing before it that happens before it), and which
    locations it touches."""

    __slots__ = ("seq", "hb", "initials", "threads", "_touched")

    def __init__(self, seq: list[int], hb: "HappensBefore",
                 moved_clock: Optional[tuple[int, list[int]]] = None) -> None:
        self.seq = seq
        self.hb = hb
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


class HappensBefore:
    """Vector clocks over one execution's steps: program order, a thread's start, and every
    pair of dependent steps in the order they ran.

    Threads are numbered in the order they first take a step, and a clock is a list indexed by
    that number: lists are far cheaper to copy and join than dicts keyed by thread paths. A
    step's own entry in its clock is its 1-based position in its thread.
    """

    def __init__(self, steps: Sequence[Step], pending: Sequence[Step] = ()) -> None:
        self.steps = list(steps)
        # The threads of ``pending`` (steps :meth:`push` may add) are numbered too, so that
        # every clock has a place for every thread that can appear.
        paths = [step.thread for step in self.steps]
        threads = {path: n for n, path in
                   enumerate(dict.fromkeys(paths + [step.thread for step in pending]))}
        self._threads = threads
        self._zero = [0] * len(threads)
        self.number = [threads[path] for path in paths]   # each step's thread, as its number
        self.clocks: list[list[int]] = []
        #: The step each unfinished thread was waiting to take when the run ended.
        self._pending = {step.thread: step for step in pending}
        #: The steps that can race with earlier ones (they have dependent steps of other
        #: threads right before them, or are acquires), in order: the clock before the step
        #: (program order, start) and those steps (the last of each thread, at least).
        self.racy: dict[int, tuple[list[int], list[int]]] = {}
        self.previous_acquire: dict[int, int] = {}   # acquire step -> the lock's acquire before
        self._last = [-1] * len(threads)     # each thread's last step so far
        # Per location: the last step that was not a read, and each thread's last read since.
        # Every earlier access happens before one of these, so they are the only edges a new
        # access needs (an earlier read of a thread is before its later one: program order).
        self._last_write: dict = {}
        self._reads_since: dict[Hashable, dict[int, int]] = {}
        self._last_acquire: dict = {}        # per lock: its last acquire (or try) so far
        # Per container: the keys of it accessed since it was last written as a whole. An
        # access to the whole is ordered after theirs, and theirs after the whole's (see
        # dependence.py, whole_of): a container and its keys are one family of locations.
        self._parts: dict = {}
        self._add(0, record=True)

    def _add(self, start: int, record: bool) -> None:
        """Compute the clocks of the steps from ``start`` on. With ``record``, later steps are
        ordered after them (:meth:`push` does not record)."""
        steps, number, clocks, racy, last = (self.steps, self.number, self.clocks, self.racy,
                                             self._last)
        last_write, reads_since, last_acquire = (self._last_write, self._reads_since,
                                                 self._last_acquire)
        parts, zero = self._parts, self._zero
        for i in range(start, len(steps)):
            step = steps[i]
            t = number[i]
            prev = last[t]
            if prev >= 0:
                base = clocks[prev]
            elif step.spawn_step >= 0:
                base = clocks[step.spawn_step]
            else:
                base = zero
            if record:
                last[t] = i
            key, access = step.key, step.access
            # The accesses of other threads this one is ordered after (the reads since a write
            # all come after it).
            write = last_write.get(key)
            preds = [write] if write is not None and number[write] != t else []
            if access == "r":
                if record:
                    reads_since.setdefault(key, {})[t] = i
            else:
                if key in reads_since:
                    preds += [j for u, j in reads_since[key].items() if u != t]
                if record:
                    last_write[key] = i
                    reads_since.pop(key, None)
            # The family rule (``_family``) concerns a container's keys, and a container whose
            # keys were accessed. (whole_of, and the usual case of _family, inlined: this runs
            # for every step.)
            if type(key) is tuple and len(key) == 3 and key[1] == "[]":
                whole = key[:2]
                if whole in last_write or whole in reads_since:
                    preds = self._family(i, t, key, access, whole, preds, record)
                elif record:   # nothing has touched the whole yet (a thread's liveness, say)
                    parts.setdefault(whole, {})[key] = None
            elif key in parts:
                preds = self._family(i, t, key, access, key, preds, record)
            clock = base.copy()    # ``base`` is another step's clock (or the shared zero)
            clock[t] = base[t] + 1 if prev >= 0 else 1
            clocks.append(clock)
            if preds:
                for j in preds:
                    for u, n in enumerate(clocks[j]):
                        if clock[u] < n:
                            clock[u] = n
                racy[i] = (base, preds)
            if access == "acq" and key in last_acquire:
                # An acquire races with the lock's previous acquire too (see races).
                self.previous_acquire[i] = last_acquire[key]
                racy[i] = (base, preds)
            if record and access in _ACQUIRES:
                last_acquire[key] = i

    def _family(self, i: int, t: int, key: Any, access: str, whole: Any, preds: list[int],
                record: bool) -> list[int]:
        """``preds`` with the accesses of ``key``'s family that step ``i`` is ordered after: of
        the whole container for one of its keys, of every key for the whole. (:meth:`_add`
        handles the usual case itself: a key of a container nothing has touched whole.)"""
        number, last_write, reads_since = self.number, self._last_write, self._reads_since
        related = [whole] if key != whole else list(self._parts.get(whole, ()))
        for other in related:
            write = last_write.get(other)
            if write is not None and number[write] != t:
                preds.append(write)
            if access != "r":
                preds += [j for u, j in reads_since.get(other, {}).items() if u != t]
        if record:
            if key != whole:
                self._parts.setdefault(whole, {})[key] = None
            elif access != "r":   # written whole: after everything done to its keys
                for part in self._parts.pop(whole, ()):
                    last_write.pop(part, None)
                    reads_since.pop(part, None)
        return sorted(set(preds))

    def next_step(self, j: int) -> Optional[tuple]:
        """``(key, access)`` of the step step ``j``'s thread takes after it: its next step here,
        or the one it was waiting to take when the run ended; None if it had ended. (Asked
        seldom, by the search's wakeup-tree insertion: looked for, not kept for every step.)"""
        steps, number = self.steps, self.number
        t = number[j]
        step = next((steps[k] for k in range(j + 1, len(steps)) if number[k] == t),
                    self._pending.get(steps[j].thread))
        if step is None or step is steps[j]:
            return None
        return step.key, step.access

    def step_after(self, thread: tuple, at: int, skip: int) -> Optional[tuple]:
        """``(key, access)`` of the step ``thread`` takes here after its steps before step
        ``at`` and ``skip`` more (or the one it was waiting to take when the run ended); None if
        it took fewer, or none here at all."""
        t = self._threads.get(thread)
        if t is None:
            return None
        steps, number = self.steps, self.number
        for k in range(at, len(steps)):
            if number[k] == t:
                if skip == 0:
                    return steps[k].key, steps[k].access
                skip -= 1
        step = self._pending.get(thread)
        if skip or step is None or (steps and step is steps[-1]):   # (pushed: counted above)
            return None
        return step.key, step.access

    def took_locks(self) -> bool:
        """Whether any step acquired (or tried to acquire) a lock."""
        return bool(self._last_acquire)

    def number_of(self, thread: tuple) -> int:
        """Where ``thread``'s entry is in the clocks."""
        return self._threads[thread]

    def push(self, step: Step) -> int:
        """Add ``step`` after the last step for a while (nothing is ordered after it, until
        :meth:`pop` takes it away); its index."""
        i = len(self.steps)
        self.steps.append(step)
        self.number.append(self._threads[step.thread])
        self._add(i, record=False)
        return i

    def pop(self) -> None:
        """Take away the step :meth:`push` added."""
        i = len(self.steps) - 1
        for per_step in (self.steps, self.number, self.clocks):
            del per_step[i]
        self.racy.pop(i, None)
        self.previous_acquire.pop(i, None)

    def local(self, j: int) -> int:
        """Step ``j``'s 1-based position in its thread."""
        return self.clocks[j][self.number[j]]

    def before(self, j: int, k: int) -> bool:
        """Whether step ``j`` happens before step ``k``."""
        t = self.number[j]
        return self.clocks[k][t] >= self.clocks[j][t]

    def reversal(self, j: int, i: int, whole: bool = True) -> list[int]:
        """What reverses the race of step ``j`` with step ``i``: every step after ``j`` that
        ``j`` does not happen before (the paper's ``notdep``) and ``i``. The steps after ``i``
        belong there too, as in the paper: the sleep check's "a sleeping thread that could go
        first" is only sound against the whole of it (:meth:`Dpor._insert`). Not ``whole``:
        only those before ``i``. The paper puts ``i`` last; here the steps are in the order
        they ran, an equivalent order (nothing after ``i`` happens before it) with fewer
        switches between threads: the first execution of the plan takes them in this order."""
        t, clocks = self.number[j], self.clocks
        local = clocks[j][t]
        end = len(clocks) if whole else i + 1
        return [k for k in range(j + 1, end) if k == i or clocks[k][t] < local]

    def clock_past(self, j: int, i: int) -> Optional[tuple[int, list[int]]]:
        """``(i, clock)``: step ``i``'s clock in the reversal of its race with step ``j``, where
        that is not its clock here. An acquire racing with the lock's previous acquire ``j`` is
        ordered here after ``j``'s release, and so after whatever came before that release;
        placed before ``j``, it comes after none of that, only after its own thread's steps and
        the steps it depends on that ``j`` does not come before. None for any other race (the
        steps of its reversal are ordered among themselves as here)."""
        if self.previous_acquire.get(i) != j:
            return None
        base, preds = self.racy[i]
        clock = base.copy()
        t = self.number[i]
        clock[t] = self.clocks[i][t]
        for p in preds:
            if not self.before(j, p):
                for u, n in enumerate(self.clocks[p]):
                    if clock[u] < n:
                        clock[u] = n
        return i, clock

    def _through_others(self, i: int, t: int) -> int:
        """Thread ``t``'s entry in the clock step ``i`` would have without its direct edges
        from ``t``: how far into ``t`` step ``i`` is ordered through the other threads."""
        clocks, number = self.clocks, self.number
        base, preds = self.racy[i]
        reached = base[t]
        for k in preds:
            if number[k] != t and clocks[k][t] > reached:
                reached = clocks[k][t]
        return reached

    def races(self, i: int) -> list[int]:
        """The steps ``j`` in a reversible race with step ``i``: dependent, of another thread,
        ordered before it by nothing else, and not the step that enabled it."""
        if i not in self.racy:
            return []
        step = self.steps[i]
        steps, number, clocks = self.steps, self.number, self.clocks
        last_of: dict[int, int] = {}         # thread -> its last step among those before i
        for j in self.racy[i][1]:
            last_of[number[j]] = j
        found = []
        for t, j in last_of.items():
            if step.access in BLOCKING and steps[j].access in ("rel", "w"):
                continue   # it could not have come first: that step enabled it
            if self._through_others(i, t) < clocks[j][t]:
                found.append(j)
        if step.access == "acq":
            # The acquire races with the lock's previous acquire, past the release between them.
            acquired = self.previous_acquire.get(i)
            if acquired is not None and number[acquired] != number[i] and \
                    acquired not in found and \
                    self._through_others(i, number[acquired]) < self.local(acquired):
                found.append(acquired)
        return sorted(found)


@mypyc_attr(allow_interpreted_subclasses=True)   # (parallel.py's _Recording)
class _DporStrategy(Strategy):
    """The strategy of one execution of the search: replays the planned prefix, then follows the
    wakeup tree or the first thread awake."""

    wants_options = True

    def __init__(self, engine: Dpor) -> None:
        self.engine = engine
        self.depth = 0
        self.blocked = False
        self.error: Optional[SimconcError] = None

    def pick(self, kind: str, n: int, step: int,
             options: Optional[Sequence[Option]] = None) -> int:
        if kind != "step":
            return 0          # the run's seed: exploration runs with seed 0
        assert options is not None
        return self._step(options)

    def _step(self, options: Sequence[Option]) -> int:
        try:
            index = self.engine._choose(self.depth, options)
        except SleepBlocked:
            self.blocked = True
            raise
        except SimconcError as exc:
            self.error = exc
            raise
        self.depth += 1
        return index

    def observe(self, options: Sequence[Option]) -> None:
        """A step with one thread enabled: no choice, but the search still keeps its node."""
        self._step(options)   # (a call, not an alias: subclasses override _step)
