"""An interpreter's GIL, under timed semantics: a token that a thread must hold to run Python.

A thread gives the GIL up whenever it blocks and asks for it again when it wakes; if the GIL is
free and nobody else can want it at this instant, it takes it at once. Otherwise the requests
made up to the end of the instant are gathered and the scheduler picks the winner, because which
of several waiting OS threads takes the GIL first is up to the operating system, not CPython. A thread
doing CPU work keeps the GIL until another thread has asked for it for a switch interval
(``sys.setswitchinterval``), then is forced to drop it and hand it over, as CPython's
FORCE_SWITCHING does. As in CPython's ``take_gil()``, the interval is the waiter's: it runs from
the request (or from the last hand-over, for a thread still waiting then), whatever the holder
does meanwhile; once it is out, the holder drops the GIL the next time it computes.
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
                 "_exclude", "drop_request", "_drop_timer", "holding", "drop_wanted", "_giver")

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
        #: A waiter's switch interval, running for the current holding (its timeout event).
        self._drop_timer: Optional[Event] = None
        #: How many times the GIL was taken: a holding's number (a waiter's interval that ran
        #: out for an earlier holding asks nothing of this one).
        self.holding = 0
        #: A waiter's interval ran out: the holder must drop the GIL (CPython's eval breaker).
        self.drop_wanted = False
        #: For a timeline only: the thread whose release scheduled the pending grant, which
        #: hands the GIL over from it (a grant among requests made while nobody held it is not
        #: a hand-over).
        self._giver: Optional["SimThread"] = None

    def take_if_free(self, thread: "SimThread") -> bool:
        """Take the GIL at once, with no event and no switch, if nobody holds it, wants it or is
        about to be granted it, and nothing else happens at this instant (as CPython's
        take_gil() does when the GIL is unlocked). If something else does happen now, another
        thread may wake at this very instant: then the request goes through a grant, so that
        which of them runs first is a choice, not SimPy's event order."""
        if self.holder is None and not self.waiters and not self._grant_pending:
            queue = self.env._queue
            if not queue or queue[0][0] > self.env._now:
                self._held_by(thread)
                return True
        return False

    def request(self, thread: "SimThread") -> Event:
        """Queue ``thread`` for the GIL; the returned event fires when it is granted."""
        event = Event(self.env)
        self.waiters.append([thread, event])
        if self.holder is None:
            self._schedule_grant()
        elif self._drop_timer is None and not self.drop_wanted:
            self._start_interval()
        return event

    def _held_by(self, thread: "SimThread") -> None:
        self.holder = thread
        self.holding += 1
        self._stop_interval()

    def _start_interval(self) -> None:
        """Someone waits for the GIL: a switch interval from now, the holder must drop it."""
        holding = self.holding
        timer = self._drop_timer = self.env.timeout(self.interpreter.switch_interval)
        timer.callbacks.append(lambda _: self._interval_out(holding))

    def _stop_interval(self) -> None:
        """The holding is over: so is its interval. (Its timeout, with no callback left, is
        nothing the run waits for: Timed.run passes over it without moving the clock.)"""
        self.drop_wanted = False
        timer = self._drop_timer
        if timer is not None:
            self._drop_timer = None
            if timer.callbacks:
                timer.callbacks.clear()

    def _interval_out(self, holding: int) -> None:
        self._drop_timer = None
        if self.world is None or holding != self.holding or not self.waiters:
            return
        self.drop_wanted = True
        drop = self.drop_request
        if drop is not None and not drop.triggered:
            drop.succeed()

    def release(self, thread: "SimThread", forced: bool = False) -> None:
        """``thread`` gives the GIL up; with ``forced`` it may not win the next grant itself,
        which comes the profile's ``forced_switch`` later (the hand-over between OS threads)."""
        if self.holder is not thread:
            return
        self.holder = None
        self._stop_interval()
        self._exclude = thread if forced else None
        if self.waiters:
            if self.world.timeline and not self._grant_pending:
                self._giver = thread
            self._schedule_grant(self.world.profile.forced_switch if forced else 0.0)

    def start_cpu(self) -> Event:
        """The holder computes: the event that tells it to drop the GIL (fired already if a
        waiter's interval is out)."""
        drop = self.drop_request = Event(self.env)
        if self.drop_wanted:
            drop.succeed()
        return drop

    def end_cpu(self) -> None:
        self.drop_request = None

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
        giver, self._giver = self._giver, None
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
        self._held_by(thread)
        if giver is not None and giver is not thread:
            self.world.record(thread, "gil-take", detail=f"from {giver.name}", skip=None)
        if waiters:
            self._start_interval()   # (the others wait on, their interval from now)
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
        self.world = self.env = self._giver = None


class NoGIL(GIL):
    """The free-threaded build's (CPython 3.13t, 3.14t): no GIL at all. Every thread runs Python
    as soon as it is ready and computes on any free core; nothing is ever handed over."""

    __slots__ = ()

    def take_if_free(self, thread: "SimThread") -> bool:
        return True

    def request(self, thread: "SimThread") -> Event:   # pragma: no cover - never waited for
        raise AssertionError("a free-threaded interpreter has no GIL to wait for")

    def release(self, thread: "SimThread", forced: bool = False) -> None:
        pass

    def start_cpu(self) -> Event:
        return Event(self.env)   # (never fired: nobody asks a computing thread to stop)
