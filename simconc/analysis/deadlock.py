"""Why a run stopped with threads still waiting: a wait-for graph and its cycles.

Built from the kernel's own records (who parks on which wait queue, who holds what), never from
the program's objects' private state. Nodes are threads; an edge ``a -> b`` says ``a`` waits for
something only ``b`` can give (a lock ``b`` holds, ``b``'s end for a join).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Optional

import networkx as nx

from ..kernel import SimThread, World


@dataclass
class ThreadWait:
    thread: str
    waits_for: str                 # what it waits for, e.g. "Lock#2 (lock_b)"
    held_by: list[str]             # threads holding that, if anyone does
    holds: list[str]               # locks it holds itself
    where: Optional[str]           # file:line of the blocking call
    daemon: bool


@dataclass
class DeadlockReport:
    time: float
    cycle: Optional[list[str]]     # thread names around the first cycle, or None
    threads: list[ThreadWait] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format(self) -> str:
        if self.cycle:
            head = (f"Deadlock at {self.time * 1000:.3f} ms (simulated): these threads wait for "
                    f"each other in a cycle and none can ever proceed:\n    "
                    + " -> ".join(self.cycle + [self.cycle[0]]))
        else:
            head = (f"Stuck at {self.time * 1000:.3f} ms (simulated): no thread can ever proceed, "
                    f"though no cycle of locks is to blame (something waited for never comes):")
        lines = [head]
        for w in self.threads:
            holds = f" holds {', '.join(w.holds)};" if w.holds else ""
            by = f" (held by {', '.join(w.held_by)})" if w.held_by else ""
            at = f" at {w.where}" if w.where else ""
            lines.append(f"  {w.thread}{holds} waits for {w.waits_for}{by}{at}")
        return "\n".join(lines)


def _namer(names: Mapping[int, str]):
    def name(obj: Any) -> str:
        label = getattr(obj, "label", None) or type(obj).__name__
        var = names.get(id(obj))
        return f"{var} ({label})" if var and var != label else label
    return name


def variable_names(namespace: Mapping[str, Any]) -> dict[int, str]:
    """``id(value) -> name`` for the program's module-level variables, so a report can call a
    lock ``lock_a`` rather than ``Lock#1``."""
    return {id(v): k for k, v in namespace.items()
            if not k.startswith("__") and hasattr(v, "label")}


def wait_for_graph(world: World) -> nx.DiGraph:
    graph = nx.DiGraph()
    for thread in world.threads:  # creation order, so cycles are found deterministically
        if thread.state == "done":
            continue
        graph.add_node(thread.name)
        queue = thread.waiting_on
        if queue is None:
            continue
        holders = getattr(queue.owner, "holders", None)
        for holder in (holders() if holders is not None else []):
            if holder is not thread or getattr(queue.owner, "_kind", "") in ("Lock", "RLock"):
                graph.add_edge(thread.name, holder.name)
    return graph


def analyse(world: World, names: Mapping[int, str] = {}) -> Optional[DeadlockReport]:
    """The report for a world whose threads are stuck, or None if every thread finished."""
    stuck = [t for t in world.threads if t.state != "done" and t.waiting_on is not None]
    if not stuck:
        return None
    name = _namer(names)
    graph = wait_for_graph(world)
    cycle = None
    try:
        edges = nx.find_cycle(graph)
        cycle = [a for a, _b in edges]
    except nx.NetworkXNoCycle:
        pass
    report = DeadlockReport(world.now, cycle)
    for thread in stuck:
        owner = thread.waiting_on.owner
        holders = getattr(owner, "holders", None)
        held_by = [] if isinstance(owner, SimThread) else [
            h.name for h in (holders() if holders is not None else [])
            if h is not thread or owner in thread.held]
        waits = name(owner)
        if isinstance(owner, SimThread):
            waits = f"{owner.label} to finish (join)"
            if thread is world.main and world.main_returned:
                waits = (f"{owner.label} to finish (at exit the interpreter waits for every "
                         f"non-daemon thread)")
        where = thread.waiting_where
        report.threads.append(ThreadWait(
            thread=thread.name, waits_for=waits, held_by=held_by,
            holds=[name(lock) for lock in thread.held],
            where=f"{os.path.basename(where.filename)}:{where.lineno}" if where else None,
            daemon=thread.daemon))
    return report
