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

Where this departs from the paper (docs/decisions.md says why):
- A plan is never dropped as "covered" by a planned leaf that is a weak prefix of it: a plan
  made by another execution is not always recognised (:meth:`.wakeup._Path.step_of`), so the
  tree can hold a leaf the paper's would not, and with that shortcut the property tests
  (tests/test_dpor.py) found traces that were never run.
- A race wholly before the step where an execution branched off is planned again only if its
  reversal changed (:meth:`Dpor._plan`).
- The step an unfinished thread was waiting to take when the run ended (a blocked acquire in a
  deadlock, any step when the step limit cut the run) races with the steps that ran, like any
  step: otherwise an order that ends in a deadlock could be missed.
- A thread marked ``polling`` (kernel/stepped.py) is not planned to run again before another
  thread has: that keeps ``while not done: sleep()`` finite, by a fairness assumption.

Here are the search's stack of nodes, its sleep sets and its choices. It finds the races and
their reversals with vector clocks (clocks.py), keeps its plans in wakeup trees (wakeup.py), takes
which steps conflict from dependence.py, and names objects across executions with naming.py.

What the program does is seen only through :class:`Option` (a thread's next step) and
:class:`Step` (a step taken): the engine never looks at the world. Locations are compared
within one execution only (they are object ids): a thread's next step at a node is always read
from the current execution, never from an earlier one.

Locks need one rule beyond the paper. A blocking acquire that follows a release cannot be
swapped with it (it was not enabled before), so the race that matters is with the *previous
acquire* of that lock, as Nidhugg does: reversing that one lets the other thread in first. In
that reversal the acquire is ordered as it would be there, not as here, after the release
(:meth:`.clocks.HappensBefore.clock_past`): otherwise traces are planned twice, and others
never.
"""
from __future__ import annotations

from typing import Hashable, NamedTuple, Optional, Sequence, cast

from mypy_extensions import mypyc_attr

from ..kernel import Option, SimconcError, Step, Strategy
from .clocks import HappensBefore
from .dependence import dependent
from .naming import UNNAMEABLE, Named, first_touches, trace_digest
from .wakeup import WNode, _first_of, _Path, _Sequence, insert


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
        #: Of those, the ones cut where the thread planned to go next was not enabled (see
        #: _grow): what they were to explore was not.
        self.unfollowed = 0
        #: Complete executions of a trace already run (counted in ``executions`` too), and
        #: whether the last one was one (see naming.py).
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
        #: Each object the last execution touched: the first step that did (naming.first_touches).
        self._touches: dict[int, int] = {}
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
                # rules it out (see kernel/stepped.py).
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
                # The thread planned here is not enabled: the program did not take the steps
                # the plan was made from (it depends on something the schedule does not
                # decide: the real clock, object ids), or the plan is not one it can take.
                # Cut short and counted: the search goes on, but no longer covers everything.
                self.unfollowed += 1
                raise SleepBlocked("the planned thread cannot go on here")
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
        named: dict[Hashable, Named] = {}
        self._touches = first_touches(steps, named)
        for made in self._made:   # (each the location of a step taken, named already, unless
            # an error cut the run short before that step: then it cannot be told)
            made.first = _first_of(named.get(made.key, UNNAMEABLE), self._touches)
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

    def planned(self) -> int:
        """How many more executions the search has planned, once :meth:`end` said there are
        more: a lower bound on what is left (the next one, down the stack's path, and each
        branch planned beside it; exploring them may plan more)."""
        left = 1
        for node in self.stack:
            left += sum(1 for child in node.wut.children if child.thread != node.chosen)
        return left

    def _plan_pending(self, hb: HappensBefore, pending: Step) -> None:
        """Races of a step that never ran (a thread blocked in a deadlock, or cut off by the
        step limit): the execution where it goes first is planned like any other reversal.
        Each pending step is added on its own, so that pending steps never order each other."""
        i = hb.push(pending)
        for j in hb.races(i):
            self._insert(j, hb.reversal(j, i, self._whole), hb, hb.clock_past(j, i))
        hb.pop()

    def _plan(self, hb: HappensBefore) -> None:
        """Plan the reversal of every race in the execution. A reversal is made of the steps
        after the race's first step, to the end of the execution: a race before the step where
        this execution branched off has one that differs from last time's unless no step from
        there on is in it. Those are skipped: planned again, they could only be planned twice
        (a plan made by another execution is not always recognised, see wakeup.py). A bounded
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

    def _insert(self, at: int, seq: list[int], hb: HappensBefore,
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
        insert(view, _Path(node, at, hb, self._execution, self._touches))

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
