"""What the ports of CPython's pure-Python primitives share: the simulated clock, deterministic
labels and reprs, trace records, and a lock that is only ever used as a signal."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Optional, Protocol

from ..kernel import NOTHING, SimThread, current_world
from .lock import Lock, fake_address

PY311 = sys.version_info >= (3, 11)
PY313 = sys.version_info >= (3, 13)


def _time() -> float:
    """``time.monotonic()`` as CPython's ``threading`` and ``queue`` read it: here, the simulated
    clock, so timeouts are measured in simulated seconds."""
    return current_world().read_clock()


def new_serial(obj: _Numbered, numbered: bool = True) -> int:
    """Number ``obj``: the next of the interpreter's one serial counter (the one lock.py uses;
    fake addresses come from it) and, unless it is a part of another object (a Queue's
    not_empty), the next of its kind (``_sim_number``; labels come from it), so both are the
    same on every run."""
    numbers = current_world().current_interpreter().numbers
    numbers.serial += 1
    obj._sim_number = numbers.number(type(obj).__name__) if numbered else 0
    return numbers.serial


class _Numbered(Protocol):
    """What new_serial numbers: a port (a Labelled, whose subclasses all have a ``__dict__``)."""
    _sim_number: int


def label_of(obj: Labelled) -> str:
    """``Event#4``: the name reports use. Attributes are prefixed ``_sim_`` because user
    subclasses (of Queue especially) may well have a ``_name`` or ``_serial`` of their own."""
    return getattr(obj, "_sim_name", None) or f"{type(obj).__name__}#{obj._sim_number}"


class Labelled:
    """What every port shares: the name reports and the trace use (``Event#4``)."""

    __slots__ = ()

    if TYPE_CHECKING:   # set on every port by new_serial (its own, not a slot)
        _sim_number: int
        _sim_serial: int

    @property
    def _sim_label(self) -> str:
        return label_of(self)


def record(op: str, obj: Labelled, detail: str = "") -> None:
    """Put one visible operation on ``obj`` (a port: an Event, a Queue...) on the trace, at the
    user's line (simconc frames are skipped)."""
    world = current_world()
    world.record(world.current_thread(), op, obj._sim_label, None, 1,
                 getattr(obj, "_sim_key", None), NOTHING, detail)


def object_repr(obj: Labelled) -> str:
    """``object.__repr__`` with a deterministic stand-in for ``id()``."""
    cls = type(obj)
    return f"<{cls.__module__}.{cls.__qualname__} object at {fake_address(obj._sim_serial)}>"


def address(obj: Labelled) -> str:
    return fake_address(obj._sim_serial)


class SignalLock(Lock, internal=True):
    """A Lock used as a signal rather than for exclusion (a Condition's waiter lock, SimpleQueue's
    wake-up lock): whoever acquired it last does not hold anything another thread waits for, the
    waiter waits for a notify that any thread may send. So the deadlock analysis is told nobody
    holds it, instead of seeing the waiting thread 'hold' its own waiter lock. It is always a
    part of another object: made by :meth:`Lock._part`."""

    __slots__ = ()

    def _setup(self, number: int) -> None:
        # Every Condition.wait makes one of these. Numbered from the interpreter's counter, they
        # would shift the labels (Queue#3 or Queue#9?) of every object made after a wait, by how
        # many waits happened first; so they count apart, in an address range of their own.
        numbers = current_world().current_interpreter().numbers
        serial = numbers.serial
        super()._setup(number)
        numbers.serial = serial
        numbers.signal_serial += 1
        self._serial = numbers.signal_serial

    def _sim_holders(self) -> list[SimThread]:
        return []

    # Nor does it count among the thread's held locks: a Condition's waiter lock stays acquired
    # when the wait returns (CPython just drops it), so each wait would leave one in
    # ``thread.held`` for good, and the lock-order graph would see it held around later acquires.
    def _take(self, thread: SimThread, timeout: Optional[float]) -> bool:
        if not super()._take(thread, timeout):
            return False
        thread.held.remove(self)
        return True

    def _give_up(self) -> None:
        # (the callers checked the lock is held: _owner is the thread that holds it)
        owner: SimThread = self._owner   # type: ignore[assignment]
        owner.held.append(self)  # what _Base._give_up takes off again
        super()._give_up()
