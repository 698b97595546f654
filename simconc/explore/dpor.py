"""Exhaustive search with optimal dynamic partial-order reduction (Abdulla et al., POPL 2014).

The search is stateless (DESIGN.md, decision 8): each execution re-runs the program from scratch
and replays a prefix of step choices; the engine keeps one :class:`Node` per step of the current
execution. After an execution it finds the races in it (two dependent steps of different
threads, not ordered through a third), and for each race plans the execution that reverses it
(the steps not caused by the first, then the second) in the wakeup tree of the state before the
first. Sleep sets keep every plan from repeating a trace already explored, so each Mazurkiewicz
trace (each class of executions equal up to swapping independent steps) runs once; an execution
that could only repeat one is cut short and counted apart (``blocked``).

Where this departs from the paper (docs/architecture.md says why):
- A plan is never dropped as "covered" by a planned leaf that is a weak prefix of it: with that
  shortcut the property tests (tests/test_dpor.py) found traces that were never run.
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
acquire* of that lock, as Nidhugg does: reversing that one lets the other thread in first.
"""
from __future__ import annotations

from typing import Hashable, Optional, Sequence

from ..kernel import SimconcError, Strategy
from ..kernel.untimed import BLOCKING, Option, Step, dependent


class Nondeterminism(SimconcError):
    """A replayed prefix of steps did not lead to the same state: the program depends on
    something the schedule does not decide."""


class SleepBlocked(SimconcError):
    """Every enabled thread is asleep (its steps from here were all explored already)."""


class WNode:
    """A node of a wakeup tree: a thread's step, and what is planned after it."""

    __slots__ = ("thread", "key", "access", "execution", "children")

    def __init__(self, thread: tuple, key: Hashable, access: str, execution: int) -> None:
        self.thread = thread
        self.key = key
        self.access = access
        self.execution = execution   # the keys are only comparable within this execution
        self.children: list[WNode] = []


class Node:
    """The state before one step of the current execution."""

    __slots__ = ("order", "options", "chosen", "sleep", "wut", "preemptions", "yielded",
                 "polling")

    def __init__(self, wut: WNode, sleep: list[tuple]) -> None:
        self.preemptions = 0                          # up to and including this node's step
        self.order: list[tuple] = []                  # enabled threads, as offered
        self.options: dict[tuple, tuple] = {}         # thread -> (key, access) of its next step
        self.yielded: frozenset = frozenset()         # threads that slept or timed out
        self.polling: frozenset = frozenset()         # ... too often in a row: others first
        self.chosen: tuple = ()
        self.sleep = sleep                            # threads whose steps here are explored
        self.wut = wut                                # its children: what to explore from here


class Dpor:
    """The search. ``begin()`` gives the strategy for the next execution; ``end()`` takes its
    steps, plans new executions, and says whether anything is left to explore."""

    def __init__(self, preemption_bound: Optional[int] = None) -> None:
        #: With a bound, only executions with at most this many preemptions (switching away
        #: from a thread that could go on) are planned: a smaller, incomplete search.
        self.preemption_bound = preemption_bound
        self.stack: list[Node] = []
        self.executions = 0          # complete executions
        self.blocked = 0             # executions cut short because every thread slept
        self.exhausted = False
        self._execution = 0

    @property
    def index(self) -> int:
        """The number of the execution about to run."""
        return self.executions + self.blocked

    def begin(self) -> "_DporStrategy":
        self._execution += 1
        return _DporStrategy(self)

    # -- during an execution -------------------------------------------------------------------
    def _node(self, depth: int, options: Sequence[Option]) -> Node:
        node = self._choose(depth, options)
        previous = self.stack[depth - 1] if depth else None
        node.preemptions = (previous.preemptions if previous else 0) + (
            previous is not None and node.chosen != previous.chosen
            and previous.chosen in node.options)
        return node

    def _choose(self, depth: int, options: Sequence[Option]) -> Node:
        stack = self.stack
        if depth < len(stack):
            node = stack[depth]
            _fill(node, options)
            if node.chosen not in node.options:
                raise Nondeterminism(
                    f"re-run with the same schedule, the program offered other threads at step "
                    f"{depth + 1}: it depends on something the schedule does not decide (the "
                    f"real clock, os.urandom, object ids, state kept from an earlier run)")
            if node.chosen in node.polling:
                # Planned here, but it would poll once more while others could run: fairness
                # rules it out (see kernel/untimed.py).
                raise SleepBlocked("the planned thread is polling")
            return node
        if depth != len(stack):  # pragma: no cover - the world asks for every step in order
            raise AssertionError("steps skipped")
        if stack:
            parent = stack[-1]
            done = parent.options[parent.chosen]
            sleep = [q for q in parent.sleep
                     if not dependent(*parent.options[q], *done)]
            wut = next(c for c in parent.wut.children if c.thread == parent.chosen)
        else:
            sleep, wut = [], WNode((), None, "", 0)
        node = Node(wut, sleep)
        _fill(node, options)
        if wut.children:
            node.chosen = wut.children[0].thread
            if node.chosen not in node.options:
                raise Nondeterminism(
                    f"a planned schedule could not be followed at step {depth + 1}: the program "
                    f"depends on something the schedule does not decide")
            if node.chosen in node.polling:
                raise SleepBlocked("the planned thread is polling")
        else:
            awake = [t for t in node.order if t not in sleep]
            fair = [t for t in awake if t not in node.polling]
            awake = fair or awake
            if not awake:
                raise SleepBlocked("every enabled thread is asleep")
            # Keep running the thread that ran last when it can: fewer switches to read. But a
            # thread that is polling (it slept, or a timed wait ran out) lets the next one in
            # turn run, or a polling loop would be all the first execution ever does.
            previous = stack[-1].chosen if stack else None
            if previous in awake and previous not in node.yielded:
                node.chosen = previous
            else:
                order = node.order
                after = order.index(previous) + 1 if previous in order else 0
                turn = [t for t in order[after:] + order[:after] if t in awake]
                node.chosen = turn[0]
            key, access = node.options[node.chosen]
            wut.children.append(WNode(node.chosen, key, access, self._execution))
        stack.append(node)
        return node

    # -- after an execution --------------------------------------------------------------------
    def end(self, steps: Sequence[Step], blocked: bool,
            pending: Sequence[Step] = ()) -> bool:
        """Take the finished execution's ``steps`` (and the steps its unfinished threads were
        waiting to take); False once the search is exhausted."""
        if blocked:
            self.blocked += 1
            del self.stack[len(steps):]
        else:
            self.executions += 1
            del self.stack[len(steps):]   # a run cut short by an error has no further nodes
            self._plan(steps)
            for step in pending:
                self._plan_pending(steps, step)
        return self._backtrack()

    def _backtrack(self) -> bool:
        stack = self.stack
        while stack:
            node = stack[-1]
            node.wut.children = [c for c in node.wut.children if c.thread != node.chosen]
            if len(node.order) > 1:
                node.sleep.append(node.chosen)
            if node.wut.children:
                node.chosen = node.wut.children[0].thread
                return True
            stack.pop()
        self.exhausted = True
        return False

    def _plan_pending(self, steps: Sequence[Step], pending: Step) -> None:
        """Races of a step that never ran (a thread blocked in a deadlock, or cut off by the
        step limit): the execution where it goes first is planned like any other reversal.
        Each pending step is added on its own, so that pending steps never order each other."""
        extended = list(steps) + [pending]
        hb = HappensBefore(extended)
        i = len(steps)
        for j in hb.races(i):
            self._insert(j, [k for k in range(j + 1, i) if not hb.before(j, k)] + [i],
                         extended, hb)

    def _plan(self, steps: Sequence[Step]) -> None:
        hb = HappensBefore(steps)
        for i, step in enumerate(steps):
            for j in hb.races(i):
                self._insert(j, [k for k in range(j + 1, i) if not hb.before(j, k)] + [i],
                             steps, hb)

    def _insert(self, at: int, seq: list[int], steps: Sequence[Step],
                hb: "HappensBefore") -> None:
        """Plan ``seq`` (step indices of this execution) from the state before step ``at``,
        unless an explored or planned execution already covers it."""
        node = self.stack[at]
        if self.preemption_bound is not None and \
                self._preemptions(at, seq, steps) > self.preemption_bound:
            return
        view = _Sequence(seq, steps, hb)
        if any(view.weak_initial(q, node.options.get(q)) for q in node.sleep):
            return
        current = node.wut
        depth = 0
        while True:
            if not view.seq:
                return    # a planned execution starts with all of it: covered
            for child in current.children:
                position = view.initials.get(child.thread)
                if position is not None:
                    view = _Sequence(view.seq[:position] + view.seq[position + 1:], steps, hb)
                    current = child
                    break
                if depth == 0:
                    known: Optional[tuple] = node.options.get(child.thread)
                elif child.execution == self._execution:
                    known = (child.key, child.access)
                else:
                    known = None   # its location belongs to another run: assume dependent
                if known is not None and view.independent(child.thread, known):
                    current = child
                    break
            else:
                for k in view.seq:
                    new = WNode(steps[k].thread, steps[k].key, steps[k].access, self._execution)
                    current.children.append(new)
                    current = new
                return
            depth += 1


    def _preemptions(self, at: int, seq: list[int], steps: Sequence[Step]) -> int:
        """Preemptions of the prefix before step ``at`` followed by ``seq``. Within ``seq`` a
        switch counts when the thread switched from still has a step later in ``seq`` (whether
        it could have gone on is not known for steps not yet run)."""
        count = self.stack[at - 1].preemptions if at else 0
        previous = self.stack[at - 1].chosen if at else None
        threads = [steps[k].thread for k in seq]
        for n, thread in enumerate(threads):
            if previous is not None and thread != previous and (
                    previous in threads[n + 1:] or (n == 0 and previous in self.stack[at].options)):
                count += 1
            previous = thread
        return count


class _Sequence:
    """A sequence of steps of one execution, with what weak-initial questions need: which
    threads can start it (their first step in it has nothing before it that happens before it),
    and which locations it touches."""

    __slots__ = ("seq", "initials", "threads", "touched")

    def __init__(self, seq: list[int], steps: Sequence[Step], hb: "HappensBefore") -> None:
        self.seq = seq
        self.initials: dict[tuple, int] = {}
        first_local: dict[tuple, int] = {}     # thread -> its first step's position in thread
        touched: dict = {}                     # key -> True if written, False if only read
        clocks, local = hb.clocks, hb.local
        for position, k in enumerate(seq):
            step = steps[k]
            thread = step.thread
            if thread not in first_local:
                clock = clocks[k]
                if not any(clock.get(t, 0) >= n for t, n in first_local.items()):
                    self.initials[thread] = position
                first_local[thread] = local[k]
            touched[step.key] = touched.get(step.key, False) or step.access != "r"
        self.threads = first_local
        self.touched = touched

    def independent(self, thread: tuple, next_step: tuple) -> bool:
        """Whether ``thread``, absent from the sequence, could go first: its next step
        conflicts with none of the sequence's."""
        if thread in self.threads:
            return False
        key, access = next_step
        written = self.touched.get(key)
        return written is None or (access == "r" and not written)

    def weak_initial(self, thread: tuple, next_step: Optional[tuple]) -> bool:
        if thread in self.threads:
            return thread in self.initials
        return next_step is not None and self.independent(thread, next_step)


def _fill(node: Node, options: Sequence[Option]) -> None:
    node.order = [o.thread for o in options]
    node.options = {o.thread: (o.key, o.access) for o in options}
    node.yielded = frozenset(o.thread for o in options if o.yielded)
    node.polling = frozenset(o.thread for o in options if o.polling)


class HappensBefore:
    """Vector clocks over one execution's steps: program order, a thread's start, and every
    pair of dependent steps in the order they ran."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = steps
        self.local: list[int] = []          # 1-based position of each step in its thread
        self.clocks: list[dict] = []
        self.preds: list[list[int]] = []    # earlier dependent steps of other threads
        self.base: list[dict] = []          # the clock before the step (program order, start)
        last: dict[tuple, int] = {}
        # Per location: the last step that was not a read, and the reads since. Every earlier
        # access happens before one of these, so they are the only edges a new access needs.
        last_write: dict = {}
        reads_since: dict = {}
        for i, step in enumerate(steps):
            thread = step.thread
            prev = last.get(thread)
            if prev is not None:
                base = dict(self.clocks[prev])
            elif step.spawn_step >= 0:
                base = dict(self.clocks[step.spawn_step])
            else:
                base = {}
            local = base.get(thread, 0) + 1 if prev is not None else 1
            key = step.key
            write = last_write.get(key)
            frontier = [write] if write is not None else []
            if step.access != "r":
                frontier += reads_since.get(key, ())
                last_write[key] = i
                reads_since[key] = []
            else:
                reads_since.setdefault(key, []).append(i)
            preds = sorted(j for j in frontier if steps[j].thread != thread)
            clock = dict(base)
            for j in preds:
                for t, n in self.clocks[j].items():
                    if clock.get(t, 0) < n:
                        clock[t] = n
            clock[thread] = local
            self.local.append(local)
            self.clocks.append(clock)
            self.preds.append(preds)
            self.base.append(base)
            last[thread] = i

    def before(self, j: int, k: int) -> bool:
        """Whether step ``j`` happens before step ``k``."""
        return self.clocks[k].get(self.steps[j].thread, 0) >= self.local[j]

    def _through_others(self, i: int, thread: tuple) -> dict:
        """The clock step ``i`` would have without its direct edges from ``thread``."""
        clock = dict(self.base[i])
        for k in self.preds[i]:
            if self.steps[k].thread != thread:
                for t, n in self.clocks[k].items():
                    if clock.get(t, 0) < n:
                        clock[t] = n
        return clock

    def races(self, i: int) -> list[int]:
        """The steps ``j`` in a reversible race with step ``i``: dependent, of another thread,
        ordered before it by nothing else, and not the step that enabled it."""
        steps = self.steps
        step = steps[i]
        last_of: dict[tuple, int] = {}
        for j in self.preds[i]:
            last_of[steps[j].thread] = j
        found = []
        for thread, j in last_of.items():
            if step.access in BLOCKING and steps[j].access in ("rel", "w"):
                continue   # it could not have come first: that step enabled it
            if self._through_others(i, thread).get(thread, 0) < self.local[j]:
                found.append(j)
        if step.access == "acq":
            # The acquire races with the lock's previous acquire, past the release between them.
            for j in range(i - 1, -1, -1):
                other = steps[j]
                if other.key == step.key and other.access in ("acq", "try"):
                    if other.thread != step.thread and j not in found and \
                            self._through_others(i, other.thread).get(other.thread, 0) \
                            < self.local[j]:
                        found.append(j)
                    break
        return sorted(found)


class _DporStrategy(Strategy):
    """The strategy of one execution of the search: replays the planned prefix, then follows the
    wakeup tree or the first thread awake."""

    wants_options = True

    def __init__(self, engine: Dpor) -> None:
        self.engine = engine
        self.depth = 0
        self.blocked = False
        self.error: Optional[SimconcError] = None

    def observe(self, options: Sequence[Option]) -> None:
        """A step with one thread enabled: no choice, but the search still keeps its node."""
        self._step(options)

    def pick(self, kind: str, n: int, step: int,
             options: Optional[Sequence[Option]] = None) -> int:
        if kind != "step":
            return 0          # the run's seed: exploration runs with seed 0
        assert options is not None
        return self._step(options)

    def _step(self, options: Sequence[Option]) -> int:
        try:
            node = self.engine._node(self.depth, options)
        except SleepBlocked:
            self.blocked = True
            raise
        except SimconcError as exc:
            self.error = exc
            raise
        self.depth += 1
        return node.order.index(node.chosen)
