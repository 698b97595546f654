"""The one waiting mechanism: every simulated block passes through :meth:`WaitQueue.park`.

Because every wait is a park on some queue, the kernel always knows who waits on what, which is
all the deadlock analysis needs, and which waiter a wake-up picks is a scheduler choice.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .trace import Where, caller_where
from .weak import WeakAttribute

if TYPE_CHECKING:  # pragma: no cover
    from .world import World


class WaitQueue:
    """Threads waiting for one object (a lock, a thread's end, a sleep's deadline, ...).

    ``owner`` is the object the threads wait for; the deadlock analysis asks it who holds it
    (``owner.holders()``, if it has that method) and how to name it (``owner.label``). A
    thread's end names none (see ``SimThread.done``).
    """

    __slots__ = ("world", "_owner", "waiters", "key")

    # Weakly: the owner keeps its queue, and a cycle between them would leave every lock
    # (and thread) of an execution to the cycle collector instead of reference counting.
    owner = WeakAttribute("_owner")

    def __init__(self, world: "World", owner: Any, key: Any) -> None:
        self.world = world
        self.owner = owner
        self.waiters: list[list] = []  # [thread, simpy event], in the order they parked
        #: What an untimed step that waits here touches (see :meth:`World.point`): the owner's
        #: location, which the operations that wake the waiters (a release, a thread's exit)
        #: touch too; ``None`` for a wait nothing else can observe (Thread.start's wait).
        self.key = key

    def park(self, timeout: Optional[float] = None, where: Optional[Where] = None) -> bool:
        """Block the current thread until :meth:`unpark` picks it (True) or ``timeout`` passes
        (False). ``timeout=None`` waits forever; the caller handles non-blocking attempts."""
        world = self.world
        if world.untimed:
            return world.park(self, timeout, where)
        thread = world.current_thread()
        world.settle(thread)   # (what it owes passes before its timeout starts)
        event = world.env.event()
        entry = [thread, event]
        self.waiters.append(entry)
        thread.waiting_on = self
        thread.waiting_where = where or caller_where()
        if timeout is not None:
            world.env.timeout(world.timed_delay(timeout)).callbacks.append(
                lambda _: self._expire(entry))
        try:
            return thread.block(event)
        finally:
            thread.waiting_on = None
            thread.waiting_where = None

    def _expire(self, entry: list) -> None:
        if not entry[1].triggered:
            self.waiters.remove(entry)
            entry[1].succeed(False)

    def unpark(self) -> bool:
        """Wake one waiter, chosen by the scheduler (CPython leaves the order unspecified)."""
        waiters = self.waiters
        if not waiters:
            return False
        if self.world.untimed:
            return self.world.unpark(self) > 0
        index = self.world.choose("wake", len(waiters)) if len(waiters) > 1 else 0
        waiters.pop(index)[1].succeed(True)
        return True

    def unpark_all(self) -> int:
        """Wake every waiter (they then race for the GIL, which the scheduler decides)."""
        if self.world.untimed:
            return self.world.unpark(self)
        waiters, self.waiters = self.waiters, []
        for _thread, event in waiters:
            event.succeed(True)
        return len(waiters)

    def __len__(self) -> int:
        return len(self.waiters)
