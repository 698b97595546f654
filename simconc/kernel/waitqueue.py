"""The one waiting mechanism: every time a simulated thread waits, it parks on a
:class:`WaitQueue`, with an optional deadline, and is woken by :meth:`WaitQueue.unpark`.

A lock, a condition's waiter, a thread's end (join), a queue, the GIL, a core, a sleep's or a
blocking IO's deadline: each is a queue that a thread parks on. So the kernel always knows who
waits on what (``SimThread.waiting_on``, set by the park itself), which is all the deadlock
analysis and the timelines need; and which waiter a wake-up picks is a scheduler choice.

How a park blocks is the world's semantics' (:meth:`World.park`): under timed semantics the
thread waits for a SimPy event; under untimed semantics a timed wait has timed out (its step
came first) and an untimed one waits for the step that wakes it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from .trace import Where
from .weak import WeakAttribute

if TYPE_CHECKING:  # pragma: no cover
    from .world import World


class WaitQueue:
    """Threads waiting for one object (a lock, a thread's end, the GIL, ...).

    ``owner`` is the object the threads wait for; the deadlock analysis asks it who holds it
    (``owner._sim_holders()``, if it has that method) and how to name it (``owner._sim_label``). A
    thread's end names none (see ``SimThread.done``); the kernel's own queues (the GIL, the
    cores, sleeping, IO) name their ``label`` instead.
    """

    __slots__ = ("world", "_owner", "waiters", "key", "label", "conditions")

    # Weakly: the owner keeps its queue, and a cycle between them would leave every lock
    # (and thread) of an execution to the cycle collector instead of reference counting.
    owner = WeakAttribute("_owner")

    def __init__(self, world: "World", owner: Any, key: Any, label: str = "",
                 selective: bool = False) -> None:
        self.world = world
        if owner is None:
            self._owner = None   # (what the owner's weak attribute keeps for None, at once)
        else:
            self.owner = owner
        #: The parked threads, in the order they parked: each entry is ``[thread, what wakes
        #: it]`` (a SimPy event under timed semantics, a flag under untimed semantics).
        self.waiters: list[list] = []
        #: What an untimed step that waits here touches (see :meth:`World.point`): the owner's
        #: location, which the operations that wake the waiters (a release, a thread's exit)
        #: touch too; ``None`` for a wait nothing else can observe (Thread.start's wait).
        self.key = key
        #: What it is called when it has no owner to name it ("the GIL", "sleep").
        self.label = label
        #: For a queue many threads wait on for different things (the machine's sockets): what
        #: each thread parked by :meth:`wait` waits for, so that :meth:`unpark_ready` wakes
        #: only those it has come for. None for the others.
        self.conditions: Optional[dict[Any, Callable[[], bool]]] = {} if selective else None

    def named(self) -> str:
        """What a thread parked here waits for, as the trace's ``block`` event names it: its
        own label, else its owner's."""
        if self.label:
            return self.label
        owner = self.owner
        return getattr(owner, "_sim_label", "") if owner is not None else ""

    def park(self, timeout: Optional[float] = None, where: Optional[Where] = None) -> bool:
        """Block the current thread until :meth:`unpark` picks it (True) or ``timeout`` passes
        (False). ``timeout=None`` waits forever; the caller handles non-blocking attempts."""
        return self.world.park(self, timeout, where)

    def wait(self, until: Callable[[], bool], timeout: Optional[float] = None,
             where: Optional[Where] = None) -> bool:
        """Park until ``until()`` holds, at most ``timeout`` seconds (None: for ever, 0: not at
        all); whether it holds. Woken early (another waiter took what was freed), it parks
        again for what is left of its time, as CPython's waits do."""
        if until():
            return True
        if timeout is not None and timeout <= 0:
            return False
        conditions = self.conditions
        if conditions is None:
            return self._wait(until, timeout, where)
        thread = self.world.current_thread()
        # (a signal's handler can run, and wait here, while its thread waits here)
        outer = conditions.get(thread)
        conditions[thread] = until
        try:
            return self._wait(until, timeout, where)
        finally:
            if outer is None:
                del conditions[thread]
            else:
                conditions[thread] = outer

    def _wait(self, until: Callable[[], bool], timeout: Optional[float],
              where: Optional[Where]) -> bool:
        if timeout is None:
            while not until():
                self.park(None, where)
            return True
        world = self.world
        deadline = world.read_clock() + timeout
        while not until():
            remaining = deadline - world.now
            if remaining <= 0 or not self.park(remaining, where):
                return until()
        return True

    def unpark(self) -> bool:
        """Wake one waiter, chosen by the scheduler (CPython leaves the order unspecified)."""
        if not self.waiters:
            return False
        return self.world.unpark(self)

    def hand_over(self, patient: Callable[[Any], bool]) -> Optional[Any]:
        """Wake one waiter, as :meth:`unpark` does, and return it if what its owner frees goes
        straight to it (it is ``patient``, and the semantics has time: see
        ``Semantics.hand_over``); None if nobody waits or the woken thread must compete."""
        if not self.waiters:
            return None
        return self.world.semantics.hand_over(self, patient)

    def unpark_all(self) -> int:
        """Wake every waiter (they then race for the GIL, which the scheduler decides)."""
        if not self.waiters:
            return 0
        return self.world.unpark_all(self)

    def unpark_ready(self) -> int:
        """Wake the waiters whose condition (given to :meth:`wait`) now holds, and those parked
        without one. A waiter woken for a change it does not wait for would look, find nothing
        and park again, which nothing can observe: on a queue of many threads waiting for
        different things (a server's hundred connections) it would cost each change a wake-up
        of every one of them."""
        waiters = self.waiters
        conditions = self.conditions
        if not waiters:
            return 0
        if conditions is None:
            return self.world.unpark_all(self)
        wake: list[list] = []
        keep: list[list] = []
        for entry in waiters:
            until = conditions.get(entry[0])
            (keep if until is not None and not until() else wake).append(entry)
        if not wake:
            return 0
        self.waiters = wake
        woken = self.world.unpark_all(self)
        self.waiters = keep
        return woken

    def __len__(self) -> int:
        return len(self.waiters)
