"""The simulated ``random`` module: the module-level functions draw from the execution's own
``random.Random``, seeded from the run's seed (``--seed 7`` gives ``random.seed(7)``'s numbers),
so the program's random numbers replay with the schedule. ``seed()`` and ``Random()`` with no
seed draw a seed from the run's instead of ``os.urandom``."""
from __future__ import annotations

import operator
import random as _real
from os import urandom as _real_urandom
from typing import Any

from ..kernel import maybe_current_world
from . import as_builtins
from .state import face_state as _face_state

_fallback = _real.Random()


def _rng() -> _real.Random:
    """The running process's stream: the main process's is the world's; a child's is its own,
    seeded afresh as it starts (CPython's ``random`` reseeds itself in a forked child, and a
    spawned one imports it afresh), so that what it draws leaves its parent's numbers alone."""
    world = maybe_current_world()
    if world is None:
        return _fallback
    thread = world.current
    if thread is None or not thread.interpreter.number:
        return world.random
    state = thread.interpreter.face
    if state.random is None:
        state.random = _real.Random(f"simconc:{world.run_seed}:process {thread.interpreter.number}")
    return state.random


def _bind(name: str):
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_rng(), name)(*args, **kwargs)
    call.__name__ = call.__qualname__ = name
    call.__doc__ = getattr(_real.Random, name).__doc__
    return call


def _fresh_seed() -> Any:
    """What ``seed()`` with no argument uses instead of ``os.urandom``: a new seed drawn
    deterministically from the run's, so that the run stays a function of (program, seed)."""
    world = maybe_current_world()
    if world is None:
        return None
    state = _face_state(world)
    state.reseeds += 1
    number = world.current_interpreter().number   # (each process draws seeds of its own)
    process = f":process {number}" if number else ""
    # (str seeds are hashed with SHA-512: stable)
    return f"simconc:{world.run_seed}{process}:{state.reseeds}"


class Random(_real.Random):
    """``random.Random``, seeded deterministically when no seed is given."""

    def seed(self, a: Any = None, version: int = 2) -> None:
        super().seed(_fresh_seed() if a is None else a, version)


def seed(a: Any = None, version: int = 2) -> None:
    _rng().seed(_fresh_seed() if a is None else a, version)


_FUNCTIONS = ["random", "uniform", "triangular", "randint", "choice", "randrange",
              "sample", "shuffle", "choices", "normalvariate", "lognormvariate", "expovariate",
              "vonmisesvariate", "gammavariate", "gauss", "betavariate", "paretovariate",
              "weibullvariate", "getstate", "setstate", "getrandbits", "randbytes",
              "binomialvariate"]   # (3.12+)
for _name in _FUNCTIONS:
    if hasattr(_real.Random, _name):
        globals()[_name] = _bind(_name)
del _name

SystemRandom = _real.SystemRandom   # (its entropy is os.urandom's: the run's, see urandom)
__all__ = list(_real.__all__)   # (`from random import *` binds the real module's names, no more)
as_builtins(globals(), ["seed", *_FUNCTIONS], _real)   # (the real ones are a Random's bound methods)


def urandom(size: int) -> bytes:
    """``os.urandom`` in a run: bytes drawn from a stream of the run's own, seeded from its seed
    (a stream apart from ``random``'s, which the program's draws of entropy leave alone), so
    that ``secrets``, ``uuid.uuid4()``, ``SystemRandom`` and a shared memory block's name replay
    with the schedule."""
    size = _real_urandom_check(size)
    world = maybe_current_world()
    if world is None:
        return _real_urandom(size)
    state = world.interpreters[0].face
    if state is None:
        return _real_urandom(size)
    if state.entropy is None:
        state.entropy = _real.Random(f"simconc:urandom:{world.run_seed}")
    return state.entropy.randbytes(size) if size else b""


def _real_urandom_check(size: object) -> int:
    size = operator.index(size)   # type: ignore[arg-type]   # (os.urandom's own TypeError)
    if size < 0:
        raise ValueError("negative argument not allowed")
    return size
