"""Semaphore and BoundedSemaphore: ports of CPython's ``Lib/threading.py`` classes.

A counter under a ``Condition(Lock())``; a blocked acquire waits on the condition, so released
slots go to waiters oldest first, and a thread that arrives meanwhile may still take one first.
"""
from __future__ import annotations

from typing import Any, Optional

from ._common import Labelled, PY311, _time, address, new_serial, object_repr, record
from .condition import _inner_condition
from .lock import how_acquired


class Semaphore(Labelled):
    """This class implements semaphore objects (CPython's, over simulated locks)."""

    __module__ = "threading"  # as CPython's reprs and tracebacks name it

    # After Tim Peters' semaphore class, but not quite the same (no maximum)

    def __init__(self, value: int = 1) -> None:
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._sim_serial = new_serial(self)
        self._cond = _inner_condition(self._sim_label, self)
        self._value = value

    def __repr__(self) -> str:
        if not PY311:  # 3.10 has no __repr__ of its own
            return object_repr(self)
        cls = self.__class__
        return (f"<{cls.__module__}.{cls.__qualname__} at {address(self)}:"
                f" value={self._value}>")

    def acquire(self, blocking: bool = True, timeout: Optional[float] = None) -> bool:
        """Acquire a semaphore, decrementing the internal counter by one."""
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        rc = False
        endtime = None
        asked = timeout if blocking else 0.0
        with self._cond:
            while self._value == 0:
                if not blocking:
                    break
                if timeout is not None:
                    if endtime is None:
                        endtime = _time() + timeout
                    else:
                        timeout = endtime - _time()
                        if timeout <= 0:
                            break
                self._cond.wait(timeout)
            else:
                self._value -= 1
                rc = True
            how = how_acquired(blocking, asked)
            record("acquire" if rc else "acquire-failed", self,
                   f"value {self._value}, {how}" if how else f"value {self._value}")
        return rc

    __enter__ = acquire

    def release(self, n: int = 1) -> None:
        """Release a semaphore, incrementing the internal counter by one or more."""
        if n < 1:
            raise ValueError('n must be one or more')
        with self._cond:
            self._value += n
            record("release", self, f"value {self._value}")
            self._cond.notify(n)

    def __exit__(self, t: Any, v: Any, tb: Any) -> None:
        self.release()


class BoundedSemaphore(Semaphore):
    """A semaphore that raises ValueError when released more often than acquired."""

    __module__ = "threading"

    def __init__(self, value: int = 1) -> None:
        super().__init__(value)
        self._initial_value = value

    def __repr__(self) -> str:
        if not PY311:
            return object_repr(self)
        cls = self.__class__
        return (f"<{cls.__module__}.{cls.__qualname__} at {address(self)}:"
                f" value={self._value}/{self._initial_value}>")

    def release(self, n: int = 1) -> None:
        """Release a semaphore; ValueError if that would exceed the initial value."""
        if n < 1:
            raise ValueError('n must be one or more')
        with self._cond:
            if self._value + n > self._initial_value:
                raise ValueError("Semaphore released too many times")
            self._value += n
            record("release", self, f"value {self._value}")
            self._cond.notify(n)
