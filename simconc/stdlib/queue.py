"""The simulated ``queue`` module: CPython's queues over simulated locks."""
from __future__ import annotations

from ..sync import queues as _queues
from ..sync.queues import Empty, Full, LifoQueue, PriorityQueue, Queue, SimpleQueue

__all__ = ["Empty", "Full", "Queue", "PriorityQueue", "LifoQueue", "SimpleQueue"]
if hasattr(_queues, "ShutDown"):
    ShutDown = _queues.ShutDown
    __all__.append("ShutDown")
