"""asyncio's event loop on the simulated clock: CPython's own asyncio, with a selector that lets
simulated time pass instead of waiting on real file descriptors.

A run imports asyncio afresh for its program (the runner hides the one imported before, and
blocks the C accelerator ``_asyncio``, whose state would be the first asyncio's): its modules
then bind the face's ``time`` and ``threading``, and its pure-Python tasks and futures keep the
running loop in the face's thread-local. :func:`install` is called on that fresh package: its
event loop policy, and ``asyncio.SelectorEventLoop``, make :class:`SimulatedSelector` loops, whose
``time()`` is the simulated clock. A ``select(timeout)`` is a park on the loop's own queue for
``timeout`` simulated seconds (it releases the GIL, as a real select does), which another
thread's ``call_soon_threadsafe`` ends early; there is no self-pipe.
"""
from __future__ import annotations

import selectors
import types
from typing import Any, Optional

from ..kernel import current_world, maybe_current_world
from ..kernel.errors import UnsimulatedError
from ..kernel.waitqueue import WaitQueue


class SimulatedSelector(selectors.BaseSelector):
    """What a simulated event loop waits in: only for time to pass and for another thread's
    wake-up. Real file descriptors (sockets, pipes) are refused: no real IO is simulated."""

    #: What a thread parked here waits for, as a deadlock report names it (a task awaits what
    #: nothing will ever complete: the loop waits with no timer due).
    label = "asyncio's event loop (no task ready, no timer due)"

    def __init__(self) -> None:
        world = current_world()
        self._queue = WaitQueue(world, self, world.name_new(self), "select")
        self._woken = False
        self._closed = False
        #: Simulated seconds the loop's clock is ahead of the world's: under untimed semantics
        #: no time passes, so a wait that timed out moves the loop's own clock to its deadline.
        self.skipped = 0.0

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        raise UnsimulatedError(
            f"the simulated program's event loop was asked to wait on a real file descriptor "
            f"({fileobj!r}): simconc simulates asyncio's tasks, timers, queues and locks, not "
            f"real sockets or pipes.")

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        raise KeyError(fileobj)

    def get_map(self) -> dict:
        return {}

    def time(self) -> float:
        return current_world().read_clock() + self.skipped

    def select(self, timeout: Optional[float] = None) -> list:
        if not self._woken:
            if timeout is None:
                self._queue.wait(self._was_woken)
            elif timeout > 0:
                deadline = self.time() + timeout
                if not self._queue.wait(self._was_woken, timeout):
                    self.skipped += max(0.0, deadline - self.time())
        self._woken = False
        return []

    def _was_woken(self) -> bool:
        return self._woken

    def wake(self) -> None:
        """What a byte written to the self-pipe does: the loop's select returns."""
        self._woken = True
        if maybe_current_world() is not None and self._queue.waiters:
            self._queue.unpark_all()

    def close(self) -> None:
        self._closed = True


def install(asyncio: types.ModuleType) -> None:
    """Make the freshly imported ``asyncio`` package's loops simulated ones."""
    base = asyncio.SelectorEventLoop

    class SimulatedEventLoop(base):   # type: ignore[misc, valid-type]
        """asyncio's selector event loop, on simulated time (simconc)."""

        def __init__(self, selector: Any = None) -> None:
            super().__init__(SimulatedSelector() if selector is None else selector)

        def time(self) -> float:
            return self._selector.time()

        def _make_self_pipe(self) -> None:
            self._ssock = self._csock = None
            self._internal_fds = 0

        def _close_self_pipe(self) -> None:
            pass

        def _write_to_self(self) -> None:
            selector = self._selector
            if selector is not None:
                selector.wake()

        def _read_from_self(self) -> None:
            pass

        def add_signal_handler(self, sig: int, callback: Any, *args: Any) -> None:
            raise UnsimulatedError(
                "the simulated program's event loop was asked to handle a real signal: "
                "simconc does not simulate signals.")

    SimulatedEventLoop.__module__ = "asyncio.unix_events"
    SimulatedEventLoop.__qualname__ = SimulatedEventLoop.__name__ = base.__name__

    class SimulatedPolicy(asyncio.events.BaseDefaultEventLoopPolicy):
        _loop_factory = SimulatedEventLoop

    asyncio.SelectorEventLoop = SimulatedEventLoop
    if hasattr(asyncio, "unix_events"):
        asyncio.unix_events.SelectorEventLoop = SimulatedEventLoop
    asyncio.events._event_loop_policy = SimulatedPolicy()
