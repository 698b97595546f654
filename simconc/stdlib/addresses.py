"""Deterministic addresses where reprs print ``id()``.

``concurrent.futures``' Future (``<Future at 0x7f... state=pending>``), asyncio's queues
(``<Queue at 0x7f... maxsize=0>``) and asyncio's locks, events, conditions, semaphores and
barriers (``<asyncio.locks.Lock object at 0x7f... [unlocked]>``) would print a real address,
which differs from one run to the next: a run's fresh import of them prints a stand-in, the
same on every run of the program and seed, as the face's own primitives do (``fake_address``).
A default repr (``<__main__.Res object at 0x7f...>``, ``<function f at 0x7f...>``) is made in C
from the real address: what the program writes has each such address replaced by a stand-in,
given in the order the output first shows it (:func:`stand_in_addresses`).
"""
from __future__ import annotations

import re
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
    value = _shown(run).get(key)   # (the output showed its address already: the same one)
    if value is None:
        value = _next(world)
    _GIVEN[key] = (ref, value, run)
    return value


def _next(world: Any) -> int:
    """A new stand-in address, from the running interpreter's serial counter."""
    numbers = world.current_interpreter().numbers
    numbers.serial += 1
    return int(fake_address(numbers.serial), 16)


#: Real address -> stand-in, of the addresses the output of the run ``_SHOWN_IN[0]`` (its main
#: interpreter's counters) showed.
_SHOWN: dict[int, int] = {}
_SHOWN_IN: list = [None]

#: A default repr's address, in the text a program writes (what CPython's own reprs print
#: after it: ``>``, or a code object's ``,``).
_ADDRESS = re.compile(r" at 0x([0-9a-f]{4,16})(?=[>,])")

#: The stand-ins' range (``fake_address``): left as they are.
_STAND_INS = range(0x7F5A00000000, 0x7F5A10000000)


def _shown(run: Any) -> dict[int, int]:
    if _SHOWN_IN[0] is not run:
        _SHOWN.clear()
        _SHOWN_IN[0] = run
    return _SHOWN


def stand_in_addresses(text: str) -> str:
    """``text``, which the program writes, with each real address a repr shows in it (`` at
    0x7f3e...>``) given a stand-in: the one the object has (:func:`fake_id`), or the one the
    address got when the output first showed it in this run, or the next one. Outside a run,
    ``text``."""
    world = maybe_current_world()
    if world is None:
        return text
    run = world.interpreters[0].numbers
    shown = _shown(run)

    def stand_in(found: "re.Match[str]") -> str:
        real = int(found.group(1), 16)
        if real in _STAND_INS:
            return found.group(0)
        entry = _GIVEN.get(real)
        if entry is not None and entry[2] is run and entry[0]() is not None:
            return f" at {entry[1]:#x}"
        value = shown.get(real)
        if value is None:
            value = shown[real] = _next(world)
        return f" at {value:#x}"

    return _ADDRESS.sub(stand_in, text)


def _object_repr(self: Any) -> str:
    cls = type(self)
    return f"<{cls.__module__}.{cls.__qualname__} object at {fake_id(self):#x}>"


def install_futures(base: types.ModuleType) -> None:
    """``concurrent.futures._base``, freshly imported in a run: its Future's repr (it reads the
    module's ``id``)."""
    base.id = fake_id   # type: ignore[attr-defined]


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
