"""Deterministic addresses where the standard library's own reprs print ``id()``.

``concurrent.futures``' Future (``<Future at 0x7f... state=pending>``), asyncio's queues
(``<Queue at 0x7f... maxsize=0>``) and asyncio's locks, events, conditions, semaphores and
barriers (``<asyncio.locks.Lock object at 0x7f... [unlocked]>``) would print a real address,
which differs from one run to the next: a run's fresh import of them prints a stand-in, the
same on every run of the program and seed, as the face's own primitives do (``fake_address``).
"""
from __future__ import annotations

import itertools
import types
import weakref
from typing import Any

from ..kernel import maybe_current_world
from ..sync.lock import fake_address

#: id(obj) -> (a weak reference to obj, its stand-in, the run's main interpreter's counters:
#: one per run), for the objects given one.
_GIVEN: dict[int, tuple[weakref.ref, int, Any]] = {}


def fake_id(obj: Any) -> int:
    """``id(obj)`` in a repr: in a run, a number from the running interpreter's serial counter,
    given on first use in the run (in the order the program asks: the same on every run, even
    for an object that outlives runs, a library's function); outside a run, or for an object
    that cannot be weakly referenced, its real id."""
    world = maybe_current_world()
    if world is None:
        return id(obj)
    run = world.interpreters[0].numbers
    key = id(obj)
    entry = _GIVEN.get(key)
    if entry is not None and entry[0]() is obj and entry[2] is run:
        return entry[1]

    def forget(ref: weakref.ref) -> None:
        if _GIVEN.get(key, (None,))[0] is ref:
            del _GIVEN[key]

    try:
        ref = weakref.ref(obj, forget) if entry is None or entry[0]() is not obj else entry[0]
    except TypeError:
        return id(obj)
    numbers = world.current_interpreter().numbers
    numbers.serial += 1
    value = int(fake_address(numbers.serial), 16)
    _GIVEN[key] = (ref, value, run)
    return value


def _object_repr(self: Any) -> str:
    cls = type(self)
    return f"<{cls.__module__}.{cls.__qualname__} object at {fake_id(self):#x}>"


def install_futures(base: types.ModuleType) -> None:
    """``concurrent.futures._base``, freshly imported in a run: its Future's repr (it reads the
    module's ``id``), and its hash, by when it was made, not by its address, as the face's
    ``Thread``'s: ``as_completed`` and ``wait`` keep futures in sets, and yield those done at
    once in the sets' order, which was the addresses' (an exploration of the tutorial's row 24
    met its outcomes in another order from one process to the next). Equality stays identity."""
    base.id = fake_id   # type: ignore[attr-defined]
    future = base.Future   # type: ignore[attr-defined]
    made = itertools.count(1)   # (the fresh module's own: each run's, a forked child's copy)
    init = future.__init__

    def __init__(self: Any) -> None:
        self._simconc_hash = next(made)
        init(self)

    def __hash__(self: Any) -> int:
        return self._simconc_hash   # type: ignore[no-any-return]

    __init__.__doc__, __init__.__qualname__ = init.__doc__, init.__qualname__
    future.__init__, future.__hash__ = __init__, __hash__


def install_asyncio(asyncio: types.ModuleType) -> None:
    """The freshly imported ``asyncio`` package: its queues' reprs (``id``), and its locks'
    (``super().__repr__()``: their common base's, which is ``object``'s)."""
    asyncio.queues.id = fake_id
    asyncio.mixins._LoopBoundMixin.__repr__ = _object_repr


def shown(obj: Any) -> str:
    """``repr(obj)`` as CPython's reports print it ("Exception ignored in: ..."), a function's
    address a stand-in (see :func:`fake_id`)."""
    if isinstance(obj, types.FunctionType):
        return f"<function {obj.__qualname__} at {fake_id(obj):#x}>"
    return repr(obj)
