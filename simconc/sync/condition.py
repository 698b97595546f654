"""Condition: a port of CPython's ``Lib/threading.py`` Condition, on simulated locks.

Each waiter parks on a lock of its own, queued in a deque, and notify releases them oldest first:
CPython's wake order is FIFO, so it is not a scheduler choice here either. Which woken waiter
then gets the condition's lock back first is a choice (the lock's, as in CPython).
"""
from __future__ import annotations

import warnings
from collections import deque as _deque
from typing import Any, Callable, Optional, TypeVar

from ._common import Labelled, SignalLock, _time, new_serial, record
from ..kernel import WeakAttribute
from .lock import Lock, RLock

_T = TypeVar("_T")


class Condition(Labelled):
    """Class that implements a condition variable (CPython's, over simulated locks)."""

    __module__ = "threading"  # as CPython's reprs and tracebacks name it

    #: The Event, Semaphore, Barrier or Queue this condition is a part of, if any.
    _sim_owner = WeakAttribute("_sim_owner_ref")

    def __init__(self, lock: Any = None) -> None:
        self._sim_init(lock, True)

    @classmethod
    def _part(cls, lock: Any, name: str, owner: Any) -> "Condition":
        """A condition that is a part of ``owner`` (an Event's, a Queue's not_empty): called
        ``name``, not numbered among the program's conditions, and off the trace (the owner
        records its own operations)."""
        cond = cls.__new__(cls)
        cond._sim_init(lock, False)
        cond._sim_name = name
        cond._sim_visible = False
        cond._sim_owner = owner
        return cond

    def _sim_init(self, lock: Any, numbered: bool) -> None:
        self._sim_serial = new_serial(self, numbered)
        self._sim_name: Optional[str] = None
        #: False for the conditions inside Event, Semaphore, Barrier and Queue: their owner puts
        #: its own operations on the trace, so the inner wait/notify would only repeat them.
        self._sim_visible = True
        self._sim_owner_ref = None
        if lock is None:   # its own lock, named after it
            lock = RLock._part(None, self._sim_label, internal=False)
        self._lock = lock
        # Export the lock's acquire() and release() methods
        self.acquire = lock.acquire
        self.release = lock.release
        # If the lock defines _release_save() and/or _acquire_restore(),
        # these override the default implementations (which just call
        # release() and acquire() on the lock).  Ditto for _is_owned().
        if hasattr(lock, '_release_save'):
            self._release_save = lock._release_save  # type: ignore[method-assign]
        if hasattr(lock, '_acquire_restore'):
            self._acquire_restore = lock._acquire_restore  # type: ignore[method-assign]
        if hasattr(lock, '_is_owned'):
            self._is_owned = lock._is_owned  # type: ignore[method-assign]
        self._waiters: _deque = _deque()

    def _at_fork_reinit(self) -> None:
        self._lock._at_fork_reinit()
        self._waiters.clear()

    def __enter__(self) -> Any:
        return self._lock.__enter__()

    def __exit__(self, *args: Any) -> Any:
        return self._lock.__exit__(*args)

    def __repr__(self) -> str:
        return "<Condition(%s, %d)>" % (self._lock, len(self._waiters))

    def _release_save(self) -> Any:   # (replaced by the lock's own if it has one: state)
        self._lock.release()           # No state to save

    def _acquire_restore(self, x: Any) -> None:
        self._lock.acquire()           # Ignore saved state

    def _is_owned(self) -> bool:
        # Return True if lock is owned by current_thread.
        # This method is called only if _lock doesn't have _is_owned().
        if type(self._lock) is Lock:
            # The probe below answers "is it locked at all?"; for our own Lock, ask that
            # directly: the same answer, without an acquire-failed and a release on the trace
            # (and a needless wake-up) at every wait and notify of Event, Semaphore, Queue...
            return self._lock.locked()
        if self._lock.acquire(False):
            self._lock.release()
            return False
        else:
            return True

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Wait until notified or until a timeout occurs (CPython's semantics exactly)."""
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        if self._sim_visible:
            record("wait", self)
        waiter = SignalLock._part(self._sim_owner or self, f"{self._sim_label} waiter")
        waiter.acquire()
        self._waiters.append(waiter)
        saved_state = self._release_save()
        gotit = False
        try:    # restore state no matter what (e.g., KeyboardInterrupt)
            if timeout is None:
                waiter.acquire()
                gotit = True
            else:
                if timeout > 0:
                    gotit = waiter.acquire(True, timeout)
                else:
                    gotit = waiter.acquire(False)
                if not gotit and self._sim_visible:
                    record("wait-timeout", self)
            return gotit
        finally:
            self._acquire_restore(saved_state)
            if not gotit:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    def wait_for(self, predicate: Callable[[], _T], timeout: Optional[float] = None) -> _T:
        """Wait until a condition evaluates to True."""
        endtime = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                if endtime is None:
                    endtime = _time() + waittime
                else:
                    waittime = endtime - _time()
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n: int = 1) -> None:
        """Wake up at most n of the threads waiting on this condition, oldest first."""
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        if self._sim_visible:
            record("notify", self, "" if n == 1 else f"n={n}")
        waiters = self._waiters
        while waiters and n > 0:
            waiter = waiters[0]
            try:
                waiter.release()
            except RuntimeError:
                # gh-92530: The previous call of notify() released the lock,
                # but was interrupted before removing it from the queue.
                pass
            else:
                n -= 1
            try:
                waiters.remove(waiter)
            except ValueError:
                pass

    def notify_all(self) -> None:
        """Wake up all threads waiting on this condition."""
        self.notify(len(self._waiters))

    def notifyAll(self) -> None:
        """Wake up all threads waiting on this condition (deprecated alias)."""
        warnings.warn('notifyAll() is deprecated, use notify_all() instead',
                      DeprecationWarning, stacklevel=2)
        self.notify_all()


def _inner_condition(owner_label: str, owner: object = None) -> Condition:
    """``Condition(Lock())`` as Event, Semaphore and Barrier make it, named after its owner and
    kept off the trace (the owner records its own operations). The lock is "Event#4 lock", not
    "Event#4": a trace reading "acquire Semaphore#3" must mean the semaphore, not its lock."""
    return Condition._part(Lock._part(owner, f"{owner_label} lock"), owner_label, owner)
