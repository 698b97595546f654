"""An interpreter's GIL, under timed semantics: a token that a thread must hold to run Python.

A thread gives the GIL up whenever it blocks and asks for it again when it wakes; if the GIL is
free and nobody else can want it at this instant, it takes it at once. Otherwise the requests
made up to the end of the instant are gathered and the scheduler picks the winner, because which
of several waiting OS threads takes the GIL first is up to the operating system, not CPython. A thread
doing CPU work keeps the GIL until another thread has asked for it for a switch interval
(``sys.setswitchinterval``), then is forced to drop it and hand it over, as CPython's
FORCE_SWITCHING does.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

from simpy.events import Event

from .waitqueue import WaitQueue

if TYPE_CHECKING:  # pragma: no cover
    from .interpreter import Interpreter
    from .thread import SimThread
    from .world import World

#: Heap priority of a grant: after every NORMAL event at the same instant, so that all requests of
#: that instant compete (SimPy orders events by (time, priority, insertion)).
_GRANT_PRIORITY = 2


class GIL:
    __slots__ = ("world", "interpreter", "env", "holder", "queue", "waiters", "_grant_pending",
                 "_exclude", "drop_request", "_drop_timer")

    def __init__(self, world: "World", interpreter: "Interpreter", env: Any) -> None:
        self.world: Any = world   # (None once the run is disposed of)
        self.interpreter = interpreter
        self.env: Any = env
        self.holder: Optional["SimThread"] = None
        #: The threads waiting for the GIL park here (the one waiting mechanism): its waiters
        #: are ``[thread, the event that grants it]``, in the order they asked.
        self.queue = WaitQueue(world, None, None, "the GIL")
        self.waiters: list[list] = self.queue.waiters
        self._grant_pending = False
        self._exclude: Optional["SimThread"] = None
        #: Set while the holder does CPU work: the event that tells it to drop the GIL.
        self.drop_request: Optional[Event] = None
        self._drop_timer = False

    def take_if_free(self, thread: "SimThread") -> bool:
        """Take the GIL at once, with no event and no switch, if nobody holds it, wants it or is
        about to be granted it, and nothing else happens at this instant (as CPython's
        take_gil() does when the GIL is unlocked). If something else does happen now, another
        thread may wake at this very instant: then the request goes through a grant, so that
        which of them runs first is a choice, not SimPy's event order."""
        if self.holder is None and not self.waiters and not self._grant_pending:
            queue = self.env._queue
            if not queue or queue[0][0] > self.env._now:
                self.holder = thread
                return True
        return False

    def request(self, thread: "SimThread") -> Event:
        """Queue ``thread`` for the GIL; the returned event fires when it is granted."""
        event = Event(self.env)
        self.waiters.append([thread, event])
        if self.holder is None:
            self._schedule_grant()
        elif self.drop_request is not None and not self._drop_timer:
            self._ask_holder_to_drop()
        return event

    def _ask_holder_to_drop(self) -> None:
        """The holder is computing and someone waits: after the switch interval it must drop."""
        self._drop_timer = True
        drop: Any = self.drop_request   # (set: the holder is computing)
        self.env.timeout(self.interpreter.switch_interval).callbacks.append(
            lambda _: drop.triggered or drop.succeed())

    def release(self, thread: "SimThread", forced: bool = False) -> None:
        """``thread`` gives the GIL up; with ``forced`` it may not win the next grant itself,
        which comes the profile's ``forced_switch`` later (the hand-over between OS threads)."""
        if self.holder is not thread:
            return
        self.holder = None
        self._exclude = thread if forced else None
        if self.waiters:
            self._schedule_grant(self.world.profile.forced_switch if forced else 0.0)

    def start_cpu(self) -> Event:
        self._drop_timer = False
        self.drop_request = Event(self.env)
        if self.waiters:
            self._ask_holder_to_drop()
        return self.drop_request

    def end_cpu(self) -> None:
        self.drop_request = None
        self._drop_timer = False

    def _schedule_grant(self, delay: float = 0.0) -> None:
        if self._grant_pending:
            return
        self._grant_pending = True
        event = Event(self.env)
        event._ok = True
        event._value = None
        event.callbacks.append(self._grant)
        self.env.schedule(event, _GRANT_PRIORITY, delay)

    def _grant(self, _event: Event) -> None:
        self._grant_pending = False
        waiters = self.waiters
        if self.holder is not None or not waiters:
            return
        candidates: Sequence[int] = range(len(waiters))
        if self._exclude is not None and len(waiters) > 1:
            candidates = [i for i, (t, _e) in enumerate(waiters) if t is not self._exclude]
        self._exclude = None
        pick = candidates[self.world.choose("gil", len(candidates))] if len(candidates) > 1 \
            else candidates[0]
        thread, event = waiters.pop(pick)
        self.holder = thread
        # Every ordinary event of this instant has been processed already (the grant runs at a
        # lower priority), so firing the winner's event here, rather than through the heap,
        # keeps the same order and saves an event per hand-over.
        event._ok = True
        event._value = None
        callbacks, event.callbacks = event.callbacks, None   # type: ignore[assignment]
        for callback in callbacks:
            callback(event)

    def dispose(self) -> None:
        """The run is over: drop what links back to the world."""
        self.world = self.env = None
