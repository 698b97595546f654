"""The lock-order graph, as Linux's lockdep keeps it: which lock was taken while holding which,
and its cycles, each a potential deadlock whether or not the run deadlocked.

Two threads that take lock_a then lock_b, and lock_b then lock_a, can deadlock: each holding its
first lock, each waiting for the other's. A run deadlocks only if their critical sections
overlap; the lock-order graph shows the danger from any run that took both orders, at any times.
Its nodes are locks, by their stable labels (``Lock#1``: the same in every run of the program);
an edge ``a -> b`` says some thread took ``b`` while it held ``a``, and keeps the first time it
happened (the thread, and the lines that took each lock). A cycle is a potential deadlock.

What counts (read from the trace's ``acquire`` and ``release`` events, nothing else):

- The locks are ``Lock``, ``RLock`` and a ``Condition``'s lock (its own, named after it, or the
  one it was given). The locks inside Event, Queue, Barrier and Semaphore are off the trace:
  they are held only inside those objects' methods, which take no other lock meanwhile.
- A thread that takes a lock while it holds others adds an edge from each of them (not only
  from the last one taken).
- An RLock taken again by its owner adds no edge (it cannot block); nor does a lock released
  before the other is taken.
- ``Condition.wait`` releases the condition's lock and takes it again once notified: that
  acquire is like any other (a thread holding another lock while it waits adds an edge).
- An acquire that cannot wait for ever (``blocking=False``, or a timeout) adds no edge to the
  lock it takes, as lockdep treats a trylock: it gives up instead of deadlocking. The lock is
  held all the same, and the locks taken while it is held get edges from it.
- A ``Semaphore`` (or ``BoundedSemaphore``) counts as a lock when the thread that acquired it
  releases it (``with sem:``): its edges are kept once that release comes. One acquired and
  never released by that thread is a signal (another thread releases it), not a lock held:
  its edges are dropped.
- A run that deadlocked: the acquires its stuck threads were blocked in never completed, so they
  are not on the trace; they are edges all the same (from the deadlock report).
- Lockdep's gate locks: a cycle whose every edge, every time, was taken while the thread held
  one same other lock cannot deadlock (two threads cannot both be inside that lock). Such a cycle
  is listed as guarded, not as a potential deadlock.

An exploration unites the graphs of all its executions (:meth:`LockOrder.merge`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from ..kernel import TraceEvent
from ..sync.lock import CANNOT_WAIT
from .deadlock import DeadlockReport

#: The operations the graph is read from: what an execution must keep of its trace for it.
LOCK_OPS = frozenset(("acquire", "release"))
#: At most this many cycles are listed (a dense graph has exponentially many).
MAX_CYCLES = 20
#: The search for cycles gives up after this many steps (and says so).
_MAX_SEARCH = 200_000


@dataclass
class LockEdge:
    """``taken`` was taken while ``held`` was held: first by ``thread``, which took ``held`` at
    ``held_at`` and ``taken`` at ``taken_at`` (file:line, None where the trace has none)."""
    held: str
    taken: str
    thread: str
    held_at: Optional[str]
    taken_at: Optional[str]
    #: The other locks held every time it happened (gate locks), in label order.
    guards: list[str] = field(default_factory=list)
    #: When it first happened: (execution, place in that execution's events). Orders the
    #: edges; not shown.
    first: tuple[int, int] = (0, 0)
    #: The first time was an acquire that never completed: the run deadlocked in it.
    stuck: bool = False
    #: Each thread that did it, and when it first did.
    by: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    @property
    def threads(self) -> list[str]:
        """Every thread that did, in the order they first did."""
        return sorted(self.by, key=self.by.__getitem__)

    def to_dict(self) -> dict[str, Any]:
        return {"held": self.held, "taken": self.taken, "thread": self.thread,
                "held_at": self.held_at, "taken_at": self.taken_at, "threads": self.threads,
                "guards": self.guards, "stuck": self.stuck}


@dataclass
class LockCycle:
    """A cycle of the graph: ``locks[0] -> locks[1] -> ... -> locks[0]``, by ``edges``."""
    locks: list[str]
    edges: list[LockEdge]
    #: A lock held every time each edge was taken: the cycle cannot deadlock. Empty if none.
    guarded_by: list[str] = field(default_factory=list)

    @property
    def potential_deadlock(self) -> bool:
        return not self.guarded_by

    def to_dict(self) -> dict[str, Any]:
        return {"locks": self.locks, "edges": [[e.held, e.taken] for e in self.edges],
                "potential_deadlock": self.potential_deadlock, "guarded_by": self.guarded_by}


@dataclass
class LockOrder:
    """The lock-order graph of one execution, or of several united (see the module)."""
    #: label -> the name reports use ("lock_a (Lock#1)"), in the order locks were first taken.
    locks: dict[str, str] = field(default_factory=dict)
    edges: dict[tuple[str, str], LockEdge] = field(default_factory=dict)
    #: How many executions' graphs it unites, and how many of those deadlocked.
    executions: int = 1
    deadlocked: int = 0
    #: label -> when it was first taken: (execution, place in its events). Orders the locks.
    firsts: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    #: The cycle search stopped early: there may be more cycles than listed.
    cut: bool = field(default=False, repr=False)

    # -- building ----------------------------------------------------------------------------
    def merge(self, other: "LockOrder") -> None:
        """Unite ``other`` (another execution's graph, or another share of an exploration's)
        into this one: an edge's first time is the earlier of the two."""
        self.executions += other.executions
        self.deadlocked += other.deadlocked
        changed = False
        for label, name in other.locks.items():
            if self.locks.get(label, label) == label:   # (a name rather than a bare label)
                self.locks[label] = name
            first = other.firsts.get(label, (0, 0))
            known = self.firsts.get(label)
            if known is None or first < known:
                self.firsts[label] = first
                changed = True
        for pair, edge in other.edges.items():
            mine = self.edges.get(pair)
            if mine is None:
                self.edges[pair] = LockEdge(edge.held, edge.taken, edge.thread, edge.held_at,
                                            edge.taken_at, list(edge.guards), edge.first,
                                            edge.stuck, dict(edge.by))
                changed = True
                continue
            if edge.first < mine.first:
                mine.thread, mine.held_at, mine.taken_at = edge.thread, edge.held_at, edge.taken_at
                mine.first, mine.stuck = edge.first, edge.stuck
                changed = True
            for thread, first in edge.by.items():
                mine.by[thread] = min(mine.by.get(thread, first), first)
            if mine.guards:
                mine.guards = sorted(set(mine.guards) & set(edge.guards))
        if changed:
            # (Sorted, so that the union is the same in whatever order the shares come.)
            self.edges = dict(sorted(self.edges.items(), key=lambda kv: kv[1].first))
            self.locks = dict(sorted(self.locks.items(),
                                     key=lambda kv: (self.firsts.get(kv[0], (0, 0)), kv[0])))

    # -- reading -----------------------------------------------------------------------------
    def name(self, label: str) -> str:
        return self.locks.get(label, label)

    def cycles(self) -> list[LockCycle]:
        """The graph's elementary cycles (at most :data:`MAX_CYCLES`), each from its lock taken
        first, shortest first, then in the order of their locks."""
        order = {label: n for n, label in enumerate(self.locks)}
        out: dict[str, list[str]] = {}
        for a, b in self.edges:
            out.setdefault(a, []).append(b)
        for targets in out.values():
            targets.sort(key=order.__getitem__)
        found: list[list[str]] = []
        budget = [_MAX_SEARCH]
        self.cut = False
        for start in self.locks:
            if len(found) >= MAX_CYCLES or budget[0] <= 0:
                break
            _cycles_from(start, out, order, found, budget)
        self.cut = budget[0] <= 0 or len(found) >= MAX_CYCLES
        found.sort(key=lambda cycle: (len(cycle), [order[label] for label in cycle]))
        cycles = []
        for locks in found[:MAX_CYCLES]:
            edges = [self.edges[(a, locks[(n + 1) % len(locks)])] for n, a in enumerate(locks)]
            common = set(edges[0].guards)
            for edge in edges[1:]:
                common &= set(edge.guards)
            cycles.append(LockCycle(locks, edges, sorted(common - set(locks),
                                                         key=lambda g: order.get(g, len(order)))))
        return cycles

    def to_dict(self) -> dict[str, Any]:
        cycles = self.cycles()
        return {"executions": self.executions, "deadlocked": self.deadlocked,
                "locks": [{"label": label, "name": name} for label, name in self.locks.items()],
                "edges": [edge.to_dict() for edge in self.edges.values()],
                "cycles": [cycle.to_dict() for cycle in cycles],
                "potential_deadlocks": sum(c.potential_deadlock for c in cycles)}

    def format(self, scope: Optional[str] = None) -> str:
        """The report: the graph's size and, for each cycle, its edges, each where it happened
        first. ``scope`` says whose graph it is (default: this run's, or the executions')."""
        given = scope
        if scope is None:
            scope = "this run" if self.executions == 1 else \
                f"the {self.executions:,} executions, their graphs united"
        cycles = self.cycles()
        size = (f"{_plural(len(self.locks), 'lock')} taken, "
                f"{_plural(len(self.edges), 'edge')} (a lock taken while holding another)")
        if not cycles:
            order = "no lock was taken while holding another" if not self.edges else \
                "the locks were always taken in one order"
            return f"Lock order of {scope}: {size}. No cycle: {order}, no potential deadlock."
        dangers = sum(c.potential_deadlock for c in cycles)
        guarded = len(cycles) - dangers
        what = [f"{_plural(dangers, 'potential deadlock')}"] if dangers else []
        what += [f"{guarded} guarded by a lock (no deadlock)"] if guarded else []
        head = (f"Lock order of {scope}: {size}. {_plural(len(cycles), 'cycle')}"
                + (" (or more: the search for them stopped)" if self.cut else "")
                + f": {' and '.join(what)}")
        single = self.executions == 1
        subject = "this run" if given is None else "it"
        if dangers and not self.deadlocked:
            head += f", though {subject} did not deadlock" if single else \
                ", though none of them deadlocked"
        elif dangers:
            head += f" ({subject} deadlocked)" if single else \
                f" ({self.deadlocked:,} of them deadlocked)"
        lines = [head + ":"]
        for cycle in cycles:
            ring = " -> ".join(self.name(label) for label in cycle.locks + cycle.locks[:1])
            if cycle.guarded_by:
                gates = ", ".join(self.name(g) for g in cycle.guarded_by)
                ring += f": guarded, every edge was taken holding {gates}"
            lines.append(f"  {ring}")
            for edge in cycle.edges:
                took = "blocked for ever taking" if edge.stuck else "took"
                others = f" (also {', '.join(edge.threads[1:])})" if len(edge.threads) > 1 \
                    else ""
                lines.append(f"    {edge.thread}{others} {took} {self.name(edge.taken)}"
                             f"{_at(edge.taken_at)} holding {self.name(edge.held)}"
                             f"{_at(edge.held_at, ', taken at')}")
            threads = {t for edge in cycle.edges for t in edge.threads}
            if cycle.potential_deadlock and len(threads) == 1:
                lines.append(f"    (only {threads.pop()} took them: a deadlock needs two "
                             f"threads running this code at once)")
        return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def _at(where: Optional[str], how: str = " at") -> str:
    return f"{how} {where}" if where else ""


def _cycles_from(start: str, out: Mapping[str, list[str]], order: Mapping[str, int],
                 found: list[list[str]], budget: list[int]) -> None:
    """Every elementary cycle through ``start`` whose other locks come after it in ``order``
    (so that each cycle is found once, from its first lock): a depth-first search, within the
    step budget."""
    path = [start]
    on_path = {start}
    stack = [iter(out.get(start, ()))]
    while stack and len(found) < MAX_CYCLES:
        budget[0] -= 1
        if budget[0] <= 0:
            return
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            on_path.discard(path.pop())
            continue
        if nxt == start:
            found.append(list(path))
        elif nxt not in on_path and order[nxt] > order[start]:
            path.append(nxt)
            on_path.add(nxt)
            stack.append(iter(out.get(nxt, ())))


class _Hold:
    """A lock a thread holds: where it took it, and for a semaphore, the edges waiting for the
    thread's own release to count."""
    __slots__ = ("label", "where", "pending")

    def __init__(self, label: str, where: Any, semaphore: bool) -> None:
        self.label = label
        self.where = where   # a Where, a file:line, or None
        self.pending: Optional[list[_Occurrence]] = [] if semaphore else None


class _Occurrence:
    """One time a lock was taken while another was held, until it counts."""
    __slots__ = ("held", "taken", "thread", "held_at", "taken_at", "guards", "index", "waits",
                 "stuck")

    def __init__(self, held: _Hold, taken: str, thread: str, taken_at: Any,
                 guards: frozenset, index: int, stuck: bool = False) -> None:
        self.held, self.taken, self.thread = held.label, taken, thread
        self.held_at, self.taken_at = held.where, taken_at
        self.guards, self.index, self.stuck = guards, index, stuck
        self.waits = 0   # semaphore holds still to be released by their thread


_NO_GUARDS: frozenset = frozenset()


def _text(where: Any) -> Optional[str]:
    return str(where) if where is not None else None


def lock_order(events: Iterable[TraceEvent], deadlock: Optional[DeadlockReport] = None,
               names: Mapping[str, str] = {}, execution: int = 0) -> LockOrder:
    """The lock-order graph of one execution, from its trace's events (and, if it deadlocked,
    the acquires its stuck threads were blocked in). ``names``: label -> the program's name for
    the lock (:func:`lock_names`). ``execution``: its number in an exploration."""
    graph = LockOrder(deadlocked=int(deadlock is not None))
    edges = graph.edges
    held: dict[int, list[_Hold]] = {}      # thread ident -> its holds, in the order taken
    holder: dict[str, int] = {}            # lock -> the thread holding it (a Lock: any may release)
    first_taken: dict[str, int] = {}       # lock -> the event that first took it

    def count(occurrence: _Occurrence) -> None:
        pair = (occurrence.held, occurrence.taken)
        edge = edges.get(pair)
        when = (execution, occurrence.index)
        if edge is None:
            edges[pair] = LockEdge(occurrence.held, occurrence.taken, occurrence.thread,
                                   _text(occurrence.held_at), _text(occurrence.taken_at),
                                   sorted(occurrence.guards), when, occurrence.stuck,
                                   {occurrence.thread: when})
            return
        if when < edge.first:
            # (an edge of a semaphore's, counted at its release: it happened earlier)
            edge.thread = occurrence.thread
            edge.held_at, edge.taken_at = _text(occurrence.held_at), _text(occurrence.taken_at)
            edge.first, edge.stuck = when, occurrence.stuck
        known = edge.by.get(occurrence.thread)
        if known is None or when < known:
            edge.by[occurrence.thread] = when
        if edge.guards:
            edge.guards = sorted(set(edge.guards) & occurrence.guards)

    index = -1
    for index, event in enumerate(events):
        op = event.op
        if op != "acquire" and op != "release":
            continue
        # (Another interpreter, a process, numbers its locks from 1 too.)
        label = event.label if not event.interpreter else f"{event.label}@{event.interpreter}"
        ident = event.ident
        # (A semaphore records its own acquires and releases, with no location: its lock is
        # its condition's, off the trace. A lock's events carry its location.)
        semaphore = event.key is None
        detail = event.detail
        if op == "acquire":
            if label not in graph.locks:
                graph.locks[label] = names.get(event.label, label)
                first_taken[label] = index
            if not semaphore and holder.get(label) == ident:
                continue   # an RLock taken again by its owner: it cannot block
            holds = held.get(ident)
            if holds is None:
                holds = held[ident] = []
            hold = _Hold(label, event.where, semaphore)
            if holds and not (detail and any(word in detail for word in CANNOT_WAIT)):
                labels = frozenset([h.label for h in holds]) if len(holds) > 1 else None
                for h in holds:
                    if h.label == label:   # (a semaphore taken twice: no edge to itself)
                        continue
                    guards = labels - {h.label} if labels is not None else _NO_GUARDS
                    if h.pending is None and hold.pending is None:
                        edge = edges.get((h.label, label))
                        if edge is not None and not edge.guards and event.thread in edge.by:
                            continue   # (the usual case: nothing new)
                        count(_Occurrence(h, label, event.thread, event.where, guards, index))
                        continue
                    occurrence = _Occurrence(h, label, event.thread, event.where, guards, index)
                    for pending in (h.pending, hold.pending):
                        if pending is not None:
                            pending.append(occurrence)
                            occurrence.waits += 1
            holds.append(hold)
            if not semaphore:
                holder[label] = ident
        elif semaphore:
            holds = held.get(ident, [])
            for n in range(len(holds) - 1, -1, -1):
                hold = holds[n]
                if hold.label == label and hold.pending is not None:
                    del holds[n]
                    for occurrence in hold.pending:   # its own thread released it: a lock
                        occurrence.waits -= 1
                        if occurrence.waits == 0:
                            count(occurrence)
                    break
        elif not detail.startswith("count "):   # (an RLock still held: "count 1")
            owner = holder.pop(label, ident)
            holds = held.get(owner, [])
            for n in range(len(holds) - 1, -1, -1):
                if holds[n].label == label and holds[n].pending is None:
                    del holds[n]
                    break
    if deadlock is not None:
        # The acquires the stuck threads were blocked in: never done, so not on the trace.
        for n, wait in enumerate(deadlock.threads, index + 1):
            on = wait.waits_on
            if on is None or on.kind != "lock" or not wait.held:
                continue
            labels = frozenset(mine.label for mine in wait.held)
            for lock in [*wait.held, on]:
                if lock.label not in graph.locks:
                    graph.locks[lock.label] = lock.name
                    first_taken[lock.label] = n
            for mine in wait.held:
                if mine.label != on.label:
                    count(_Occurrence(_Hold(mine.label, mine.where, False), on.label,
                                      wait.thread, on.where, labels - {mine.label, on.label}, n,
                                      True))
    graph.edges = dict(sorted(graph.edges.items(), key=lambda kv: kv[1].first))
    graph.firsts = {label: (execution, n) for label, n in first_taken.items()}
    return graph


def lock_names(namespace: Mapping[str, Any]) -> dict[str, str]:
    """label -> ``"name (label)"`` for the locks the program keeps in module-level variables,
    so that a report says ``lock_a (Lock#1)`` as the deadlock report does."""
    out: dict[str, str] = {}
    for key, value in namespace.items():
        label = getattr(value, "_sim_label", None) if not key.startswith("__") else None
        if isinstance(label, str) and label not in out:
            out[label] = f"{key} ({label})" if key != label else label
    return out
