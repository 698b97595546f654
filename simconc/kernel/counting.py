"""The counter behind a counted program's ticks (simconc.instrument.ticks): pure Python that
costs simulated time.

A tick is ``next(counter.ticks)``, one call of a builtin on an iterator made in C: a batch of
``True`` from ``itertools.repeat``, chained to a callable iterator that the tick after the batch
calls. That one starts a new batch and charges the one used up to the thread running now
(``charge``), which computes for its CPU time there. A tick never branches, so a tracer sees
the same line events as in the plain code. Whoever switches away from a thread takes its ticks
so far first (:meth:`Counter.take`): the ticks in the counter are always the running thread's.

The end of a batch is a Python call, so it can meet what a call meets: a tracer's ``call``
event, whose tracer (counted too) ticks before the call has begun (each batch has a serial
number: the batch is charged once, by whichever call comes first), and the recursion limit of
a program that recurses deeply (near it, the charge waits for a tick with room: the kernel's
own calls must never be the ones that hit it).
"""
from __future__ import annotations

import sys
from functools import partial
from itertools import chain, repeat
from operator import length_hint
from typing import Callable, Iterator

#: Bound here: a program may take the builtins away for a while (CPython's test_iter does).
_iter = iter

#: Frames the charge needs below the recursion limit: the kernel's calls until its greenlet
#: switches (the waits run on the hub's stack).
_ROOM = 100


class Counter:
    """Ticks counted in batches; ``charge(n)`` is told of each full batch of ``n`` ticks."""

    __slots__ = ("ticks", "batch", "charge", "_left", "_serial", "_over")

    def __init__(self, batch: int, charge: Callable[[int], None]) -> None:
        self.batch = batch
        self.charge = charge
        self._serial = 0
        self._over = 0   # ticks past the end of the batch, not charged yet
        self._new_batch()

    def _new_batch(self) -> None:
        self._serial += 1
        self._left = repeat(True, self.batch)
        self.ticks: Iterator[bool] = chain(
            self._left, _iter(partial(self._used_up, self._serial), None))

    def _used_up(self, serial: int) -> bool:
        """A tick after the batch: charge the batch and the ticks since, with a new one
        begun."""
        if serial != self._serial:
            return True   # (a tracer's tick, while this batch's end was being handled)
        self._over += 1
        if _near_recursion_limit():
            return True
        used = self.batch + self._over
        self._over = 0
        self._new_batch()   # (first: other threads tick while this one's time passes)
        self.charge(used)
        return True

    def dispose(self) -> None:
        """The run is over: let go of the batch (which holds this counter: a cycle) and of the
        semantics. The program's functions may still be called (from its namespace, kept by
        the result): their ticks count nothing from now on."""
        self.ticks = self._left = repeat(True)
        self.charge = _nothing

    def take(self) -> int:
        """The ticks run since the batch began, which begins again."""
        used = self.batch - length_hint(self._left) + self._over
        if used:
            self._over = 0
            self._new_batch()
        return used


def _nothing(ticks: int) -> None:
    pass


def _near_recursion_limit() -> bool:
    try:
        sys._getframe(sys.getrecursionlimit() - _ROOM)
    except ValueError:
        return False
    return True
