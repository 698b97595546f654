"""Barrier: a port of CPython's ``Lib/threading.py`` Barrier, with its state named.

CPython keeps the state as magic numbers (0 filling, 1 draining, -1 resetting, -2 broken); here
they have names, and are the same numbers: ``multiprocessing``'s Barrier, a subclass, keeps
``_state`` in shared memory, as an int.
"""
from __future__ import annotations

import enum
from typing import Callable, Optional

from ._common import Labelled, PY311, PY313, address, label_of, new_serial, object_repr, record
from .condition import _inner_condition


class BrokenBarrierError(RuntimeError):
    __module__ = "threading"  # tracebacks print threading.BrokenBarrierError, as in CPython


class _State(enum.IntEnum):
    FILLING = 0      # threads may enter and wait
    DRAINING = 1     # released: the waiters are leaving; new arrivals wait for the end
    RESETTING = -1   # like draining, but the leavers raise BrokenBarrierError
    BROKEN = -2      # everyone, now and later, raises BrokenBarrierError


class Barrier(Labelled):
    """Implements a Barrier (CPython's, over simulated locks)."""

    __module__ = "threading"

    def __init__(self, parties: int, action: Optional[Callable[[], object]] = None,
                 timeout: Optional[float] = None) -> None:
        if PY313 and parties < 1:
            raise ValueError("parties must be > 0")
        self._sim_serial = new_serial(self)
        self._cond = _inner_condition(self._sim_label, self)
        self._action = action
        self._timeout = timeout
        self._parties = parties
        self._state = _State.FILLING
        self._count = 0

    @property
    def _sim_label(self) -> str:
        self._numbered()
        return label_of(self)

    def _numbered(self) -> None:
        if "_sim_serial" not in vars(self):
            # (multiprocessing's Barrier, a subclass, sets its state without calling __init__)
            self._sim_serial = new_serial(self)

    def __repr__(self) -> str:
        self._numbered()
        if not PY311:  # 3.10 has no __repr__ of its own
            return object_repr(self)
        cls = self.__class__
        if self.broken:
            return f"<{cls.__module__}.{cls.__qualname__} at {address(self)}: broken>"
        return (f"<{cls.__module__}.{cls.__qualname__} at {address(self)}:"
                f" waiters={self.n_waiting}/{self.parties}>")

    def wait(self, timeout: Optional[float] = None) -> int:
        """Wait for the barrier; an index from 0 to parties-1, different for each thread."""
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            record("wait", self)
            self._enter()  # Block while the barrier drains.
            index = self._count
            self._count += 1
            try:
                if index + 1 == self._parties:
                    # We release the barrier
                    self._release()
                else:
                    # We wait until someone releases us
                    self._wait(timeout)
                return index
            finally:
                self._count -= 1
                # Wake up any threads waiting for barrier to drain.
                self._exit()

    # Block until the barrier is ready for us, or raise an exception
    # if it is broken.
    def _enter(self) -> None:
        while self._state in (_State.RESETTING, _State.DRAINING):
            # It is draining or resetting, wait until done
            self._cond.wait()
        # see if the barrier is in a broken state
        if self._state == _State.BROKEN:
            raise BrokenBarrierError
        assert self._state == _State.FILLING

    # Optionally run the 'action' and release the threads waiting
    # in the barrier.
    def _release(self) -> None:
        try:
            if self._action:
                self._action()
            # enter draining state
            self._state = _State.DRAINING
            self._cond.notify_all()
        except:  # noqa: E722 - CPython breaks the barrier on anything, KeyboardInterrupt too
            # an exception during the _action handler.  Break and reraise
            self._break()
            raise

    # Wait in the barrier until we are released.  Raise an exception
    # if the barrier is reset or broken.
    def _wait(self, timeout: Optional[float]) -> None:
        if not self._cond.wait_for(lambda: self._state != _State.FILLING, timeout):
            # timed out.  Break the barrier
            self._break()
            raise BrokenBarrierError
        if self._state in (_State.RESETTING, _State.BROKEN):
            raise BrokenBarrierError
        assert self._state == _State.DRAINING

    # If we are the last thread to exit the barrier, signal any threads
    # waiting for the barrier to drain.
    def _exit(self) -> None:
        if self._count == 0:
            if self._state in (_State.RESETTING, _State.DRAINING):
                # resetting or draining
                self._state = _State.FILLING
                self._cond.notify_all()

    def reset(self) -> None:
        """Reset the barrier to the initial state; current waiters get BrokenBarrierError."""
        with self._cond:
            record("reset", self)
            if self._count > 0:
                if self._state == _State.FILLING:
                    # reset the barrier, waking up threads
                    self._state = _State.RESETTING
                elif self._state == _State.BROKEN:
                    # was broken, set it to reset state
                    # which clears when the last thread exits
                    self._state = _State.RESETTING
            else:
                self._state = _State.FILLING
            self._cond.notify_all()

    def abort(self) -> None:
        """Place the barrier into a 'broken' state."""
        with self._cond:
            record("abort", self)
            self._break()

    def _break(self) -> None:
        # An internal error was detected.  The barrier is set to
        # a broken state all parties awakened.
        self._state = _State.BROKEN
        self._cond.notify_all()

    @property
    def parties(self) -> int:
        """Return the number of threads required to trip the barrier."""
        return self._parties

    @property
    def n_waiting(self) -> int:
        """Return the number of threads currently waiting at the barrier."""
        # We don't need synchronization here since this is an ephemeral result
        # anyway.  It returns the correct value in the steady state.
        if self._state == _State.FILLING:
            return self._count
        return 0

    @property
    def broken(self) -> bool:
        """Return True if the barrier is in a broken state."""
        return self._state == _State.BROKEN
