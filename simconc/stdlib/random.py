"""The simulated ``random`` module: the module-level functions draw from the execution's own
``random.Random``, seeded from the run's seed (``--seed 7`` gives ``random.seed(7)``'s numbers),
so the program's random numbers replay with the schedule. Classes are the real ones."""
from __future__ import annotations

import random as _real
from typing import Any

from ..kernel import maybe_current_world

_fallback = _real.Random()


def _rng() -> _real.Random:
    world = maybe_current_world()
    return world.random if world is not None else _fallback


def _bind(name: str):
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_rng(), name)(*args, **kwargs)
    call.__name__ = call.__qualname__ = name
    call.__doc__ = getattr(_real.Random, name).__doc__
    return call


_FUNCTIONS = ["seed", "random", "uniform", "triangular", "randint", "choice", "randrange",
              "sample", "shuffle", "choices", "normalvariate", "lognormvariate", "expovariate",
              "vonmisesvariate", "gammavariate", "gauss", "betavariate", "paretovariate",
              "weibullvariate", "getstate", "setstate", "getrandbits", "randbytes"]
for _name in _FUNCTIONS:
    if hasattr(_real.Random, _name):
        globals()[_name] = _bind(_name)
del _name

Random = _real.Random
SystemRandom = _real.SystemRandom
__all__ = [n for n in _FUNCTIONS if n in globals()] + ["Random", "SystemRandom"]


def __getattr__(name: str) -> Any:
    return getattr(_real, name)
