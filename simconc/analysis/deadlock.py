"""Why a run stopped with threads still waiting: a wait-for graph and its cycles.

Built from the kernel's own records (who parks on which wait queue, who holds what), never from
the program's objects' private state. Nodes are threads; an edge ``a -> b`` says ``a`` waits for
something only ``b`` can give (a lock ``b`` holds, ``b``'s end for a join).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Optional

from ..kernel import SimThread, World

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # type: ignore[import-untyped]


@dataclass
class Resource:
    """Something a thread holds or waits on, as a node of the drawn wait-for graph."""
    name: str            # as the report names it: "lock_b (Lock#2)", "ready (Event#1)"
    label: str           # its stable label ("Lock#2"); a thread joined: the thread's name
    kind: str            # "lock", "thread" (a join waits for a thread's end), or the type of
                         # the object the program knows ("Event", "Queue", "Condition"...)
    where: Optional[str] = None   # file:line: where the thread waits on it, or took the lock


@dataclass
class ThreadWait:
    thread: str
    waits_for: str                 # what it waits for, e.g. "Lock#2 (lock_b)"
    held_by: list[str]             # threads holding that, if anyone does
    holds: list[str]               # locks it holds itself
    where: Optional[str]           # file:line of the blocking call
    daemon: bool
    #: What it waits on, as data (where: the blocking call's line).
    waits_on: Optional[Resource] = None
    #: The locks it holds, as data, each with the line that took it (None without a trace).
    held: list[Resource] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ThreadWait":
        """The inverse of ``asdict``: a report read back from its JSON (or a Failure's)."""
        on = data.get("waits_on")
        held = [Resource(**lock) for lock in data.get("held", [])]
        return cls(data["thread"], data["waits_for"], list(data["held_by"]),
                   list(data.get("holds", [lock.name for lock in held])), data["where"],
                   data.get("daemon", False), Resource(**on) if on else None, held)


@dataclass
class DeadlockReport:
    time: float
    cycle: Optional[list[str]]     # thread names around the first cycle, or None
    threads: list[ThreadWait] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DeadlockReport":
        """The report read back from :meth:`to_dict`'s data."""
        return cls(data["time"], list(data["cycle"]) if data.get("cycle") else None,
                   [ThreadWait.from_dict(w) for w in data["threads"]])

    def format(self) -> str:
        if self.cycle:
            head = (f"Deadlock at {self.time * 1000:.3f} ms (simulated): these threads wait for "
                    f"each other in a cycle and none can ever proceed:\n    "
                    + " -> ".join(self.cycle + [self.cycle[0]]))
        else:
            head = (f"Stuck at {self.time * 1000:.3f} ms (simulated): no thread can ever proceed. "
                    f"There is no cycle: each waits for something no running thread will do:")
        lines = [head]
        for w in self.threads:
            holds = f" holds {', '.join(w.holds)};" if w.holds else ""
            by = f" (held by {', '.join(w.held_by)})" if w.held_by else ""
            at = f" at {w.where}" if w.where else ""
            lines.append(f"  {w.thread}{holds} waits for {w.waits_for}{by}{at}")
        return "\n".join(lines)


def namer(names: Mapping[int, str]):
    """How a report names an object: its variable and its label, ``lock_a (Lock#1)``, where
    ``names`` (:func:`variable_names`) knows its variable; else its label."""
    def name(obj: Any) -> str:
        label = getattr(obj, "_sim_label", None) or type(obj).__name__
        var = names.get(id(obj))
        return f"{var} ({label})" if var and var != label else label
    return name


#: What a thread parked inside one of these waits for, by the part it parked on.
_WAITS = [("not_empty", "to get an item"), ("not_full", "to have room to put an item"),
          ("all_tasks_done", "for every task to be done (join)")]
_WAITS_BY_TYPE = {"Event": "to be set", "Condition": "to be notified",
                  "Semaphore": "to be released", "BoundedSemaphore": "to be released",
                  "Barrier": "to fill", "SimpleQueue": "to get an item"}


def _describe_wait(obj: Any, name) -> str:
    """``lock_b (Lock#2)``, or for a lock inside an Event, Queue...: ``ready (Event#1) to be
    set``, naming the object the program knows rather than its parts."""
    owner = getattr(obj, "_sim_owner", None)
    if owner is None:
        return name(obj)
    part = getattr(obj, "_sim_label", "")
    for key, phrase in _WAITS:
        if key in part:
            return f"{name(owner)} {phrase}"
    phrase = next((p for cls, p in _WAITS_BY_TYPE.items()
                   if any(k.__name__ == cls for k in type(owner).__mro__)), "")
    return f"{name(owner)} {phrase}".rstrip()


def variable_names(namespace: Mapping[str, Any]) -> dict[int, str]:
    """``id(value) -> name`` for the program's module-level variables, so a report can call a
    lock ``lock_a`` rather than ``Lock#1``."""
    return {id(v): k for k, v in namespace.items()
            if not k.startswith("__") and hasattr(v, "_sim_label")}


@dataclass
class StuckState:
    """What the stuck threads wait for, read off a world before it is torn down: plain data, so
    the report can be built later, outside the simulation."""
    time: float
    nodes: list[str]                  # unfinished threads, in creation order
    edges: list[tuple[str, str]]      # a waits for b
    threads: list[ThreadWait]


def stuck_state(world: World, names: Mapping[int, str] = {}) -> Optional[StuckState]:
    """The waits of a world whose threads are stuck, or None if every thread finished."""
    stuck = [t for t in world.threads if t.state != "done" and t.waiting_on is not None]
    if not stuck:
        return None
    name = namer(names)
    state = StuckState(world.now, [t.name for t in world.threads if t.state != "done"], [], [])
    taken = _taken_at(world, stuck)
    for thread in stuck:  # creation order, so the cycle found is the same every run
        owner = _owner(world, thread)
        holders = getattr(owner, "_sim_holders", None)
        holding = holders() if holders is not None else []
        # A thread blocked on a lock it holds itself (Lock.acquire twice) waits for itself.
        state.edges.extend((thread.name, h.name) for h in holding
                           if h is not thread or owner in thread.held)
        state.threads.append(wait_of(world, thread, name, taken))
    return state


def _owner(world: World, thread: SimThread) -> Any:
    """What ``thread`` is parked on: a lock, an event's condition..., or for a join the thread
    it waits for (a join's queue is that thread's own ``done``)."""
    queue = thread.waiting_on
    assert queue is not None
    owner = queue.owner
    if owner is None:   # a join: the queue is a thread's own ``done`` (see SimThread)
        owner = next((t for t in world.threads if t.done is queue), None)
    if owner is None:   # a queue with no owner (a pipe of multiprocessing): its label
        owner = _Unowned(queue.label or "something")
    return owner


def wait_of(world: World, thread: SimThread, name: Any = None,
            taken: Optional[dict[tuple[int, Any], str]] = None) -> ThreadWait:
    """What ``thread``, parked (its ``waiting_on`` set), waits for, who holds that, what it
    holds itself and where it waits. ``name`` names an object (default: its label, see
    :func:`namer`); ``taken``: where each lock held was taken (:func:`_taken_at`)."""
    name = name or namer({})
    owner = _owner(world, thread)
    holders = getattr(owner, "_sim_holders", None)
    holding = holders() if holders is not None else []
    if isinstance(owner, SimThread):
        waits = f"{owner._sim_label} to finish (join)"
        if thread is thread.interpreter.main and thread.interpreter.main_returned:
            waits = (f"{owner._sim_label} to finish (at exit the interpreter waits for every "
                     f"non-daemon thread)")
        held_by = []
    else:
        waits = _describe_wait(owner, name)
        held_by = [h.name for h in holding if h is not thread or owner in thread.held]
    where = thread.waiting_where
    at = f"{os.path.basename(where.filename)}:{where.lineno}" if where else None
    taken = taken or {}
    return ThreadWait(
        thread=thread.name, waits_for=waits, held_by=held_by,
        holds=[name(lock) for lock in thread.held], where=at, daemon=thread.daemon,
        waits_on=_resource(owner, name, at),
        held=[Resource(name(lock), lock._sim_label, "lock",
                       taken.get((thread.ident, getattr(lock, "_sim_key", None))))
              for lock in thread.held])


class _Unowned:
    """What a thread waits for on a queue no object owns: named by the queue's label."""

    def __init__(self, label: str) -> None:
        self._sim_label = label

    def _sim_holders(self) -> list:
        return []


def _resource(obj: Any, name, where: Optional[str]) -> Resource:
    """What a thread parked on a wait queue of ``obj`` (a lock, or a thread it joins) waits on:
    the lock, the thread, or the object the program knows (an Event rather than the waiter lock
    inside it)."""
    if isinstance(obj, SimThread):
        return Resource(obj.name, obj.name, "thread", where)
    known = getattr(obj, "_sim_owner", None)
    if known is not None:
        return Resource(name(known), getattr(known, "_sim_label", type(known).__name__),
                        type(known).__name__, where)
    return Resource(name(obj), getattr(obj, "_sim_label", type(obj).__name__), "lock", where)


def _taken_at(world: World, threads: list[SimThread]) -> dict[tuple[int, Any], str]:
    """(thread ident, lock key) -> file:line of the acquire that took each lock the stuck
    threads hold (the outermost one of an RLock), from the trace: its last acquire of the lock
    that was not a re-entry. Nothing for a lock whose acquires are off the trace (the parts of
    an Event, a Queue...) or for a run without one."""
    wanted = {(t.ident, getattr(lock, "_sim_key", None)) for t in threads for lock in t.held}
    found: dict[tuple[int, Any], str] = {}
    for event in reversed(world.trace.events):
        if len(found) == len(wanted):
            break
        if event.op != "acquire" or event.where is None or event.detail.startswith("count "):
            continue
        place = (event.ident, event.key)
        if place in wanted and place not in found:
            found[place] = str(event.where)
    return found


def wait_for_graph(state: StuckState) -> "nx.DiGraph":
    """Threads as nodes, ``a -> b`` when ``a`` waits for something only ``b`` can give."""
    import networkx as nx  # imported only when needed: it takes most of a second to load
    graph = nx.DiGraph()
    graph.add_nodes_from(state.nodes)
    graph.add_edges_from(state.edges)
    return graph


def report(state: Optional[StuckState]) -> Optional[DeadlockReport]:
    """The deadlock report: the first wait-for cycle, if any, and what each thread waits for."""
    if state is None:
        return None
    import networkx as nx
    try:
        cycle: Optional[list[str]] = [a for a, _b in nx.find_cycle(wait_for_graph(state))]
    except nx.NetworkXNoCycle:
        cycle = None
    return DeadlockReport(state.time, cycle, state.threads)


def analyse(world: World, names: Mapping[int, str] = {}) -> Optional[DeadlockReport]:
    """:func:`report` of :func:`stuck_state` (call it outside a simulated execution)."""
    return report(stuck_state(world, names))
