"""Event: a port of CPython's ``Lib/threading.py`` Event (a flag under a ``Condition(Lock())``)."""
from __future__ import annotations

import warnings
from typing import Optional

from ._common import Labelled, PY311, address, new_serial, object_repr, record
from .condition import _inner_condition
from ..kernel import current_world


class Event(Labelled):
    """Class implementing event objects (CPython's, over simulated locks)."""

    __module__ = "threading"  # as CPython's reprs and tracebacks name it

    # After Tim Peters' event class (without is_posted())

    def __init__(self) -> None:
        self._sim_serial = new_serial(self)
        self._sim_key = current_world().name_new(self)   # the location its steps touch
        self._cond = _inner_condition(self._sim_label, self)
        self._flag = False

    def __repr__(self) -> str:
        if not PY311:  # 3.10 has no __repr__ of its own
            return object_repr(self)
        cls = self.__class__
        status = 'set' if self._flag else 'unset'
        return f"<{cls.__module__}.{cls.__qualname__} at {address(self)}: {status}>"

    def _at_fork_reinit(self) -> None:
        # Private method called by Thread._after_fork()
        self._cond._at_fork_reinit()

    def is_set(self) -> bool:
        """Return true if and only if the internal flag is true."""
        # Read without the lock, as CPython does: a step of its own.
        current_world().point(self._sim_key, "r")
        return self._flag

    def isSet(self) -> bool:
        """Return true if and only if the internal flag is true (deprecated alias)."""
        warnings.warn('isSet() is deprecated, use is_set() instead',
                      DeprecationWarning, stacklevel=2)
        return self.is_set()

    def set(self) -> None:
        """Set the internal flag to true, waking every waiting thread."""
        with self._cond:
            current_world().point(self._sim_key, "w")
            self._flag = True
            record("set", self)
            self._cond.notify_all()

    def clear(self) -> None:
        """Reset the internal flag to false."""
        with self._cond:
            current_world().point(self._sim_key, "w")
            self._flag = False
            record("clear", self)

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until the internal flag is true; the flag on exit (False only on a timeout)."""
        with self._cond:
            record("wait", self)
            signaled = self._flag
            if not signaled:
                signaled = self._cond.wait(timeout)
                if not signaled:
                    record("wait-timeout", self)
            return signaled
