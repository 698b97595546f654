"""Plain exhaustive enumeration: every sequence of choices, no reduction.

The baseline DPOR is measured against (it runs every interleaving, equivalent or not), and the
reference the property tests hold DPOR to. It is also how a *timed* run's choices are explored
(which of the threads ready at one instant takes the GIL, which waiter a release wakes): those
choices are not steps with locations, so there is nothing to reduce by.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from ..kernel import Strategy


class Enumeration:
    """Depth-first over the choices: ``begin()`` gives the next execution's strategy, ``end()``
    moves to the next sequence and says whether one is left."""

    repeated = False   # every interleaving counts, equivalent or not (see Dpor.repeated)

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed                   # a timed run's seed choice: fixed, not explored
        self.stack: list[list[int]] = []   # [options, index taken] per choice of the execution
        self.executions = 0
        self.blocked = 0
        self.exhausted = False

    @property
    def index(self) -> int:
        """The number of the execution about to run."""
        return self.executions + self.blocked

    def begin(self) -> "_EnumerationStrategy":
        return _EnumerationStrategy(self)

    def end(self, steps: Sequence[Any], blocked: bool = False,
            pending: Sequence[Any] = ()) -> bool:
        self.executions += 1
        stack = self.stack
        while stack:
            top = stack[-1]
            if top[1] + 1 < top[0]:
                top[1] += 1
                return True
            stack.pop()
        self.exhausted = True
        return False


class _EnumerationStrategy(Strategy):
    def __init__(self, engine: Enumeration) -> None:
        self.engine = engine
        self.depth = 0
        self.blocked = False
        self.error = None

    def pick(self, kind: str, n: int, step: int, options: Optional[Sequence[Any]] = None) -> int:
        if kind == "seed":
            return self.engine.seed % n
        stack = self.engine.stack
        if self.depth == len(stack):
            stack.append([n, 0])
        self.depth += 1
        return stack[self.depth - 1][1]
