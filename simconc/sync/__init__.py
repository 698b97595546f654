"""The sync layer: CPython's C-level primitives on the kernel's one waiting mechanism, and ports
of CPython's pure-Python ones (Condition, Semaphore, Event, Barrier, the queues) on top of them."""
from .barrier import Barrier, BrokenBarrierError
from .condition import Condition
from .event import Event
from .lock import TIMEOUT_MAX, Lock, RLock, check_timeout, fake_address
from .queues import Empty, Full, LifoQueue, PriorityQueue, Queue, SimpleQueue
from .semaphore import BoundedSemaphore, Semaphore

__all__ = ["Barrier", "BoundedSemaphore", "BrokenBarrierError", "Condition", "Empty", "Event",
           "Full", "LifoQueue", "Lock", "PriorityQueue", "Queue", "RLock", "Semaphore",
           "SimpleQueue", "TIMEOUT_MAX", "check_timeout", "fake_address"]

try:  # 3.13+ only, as in CPython
    from .queues import ShutDown
    __all__.append("ShutDown")
except ImportError:
    pass
