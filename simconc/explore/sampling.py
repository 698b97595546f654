"""Sampling strategies, for spaces too big to exhaust: random, PCT and POS.

Each execution gets its own strategy, seeded from the exploration's seed and the execution's
number, so a sampled exploration is reproducible and any one execution replays from its token.
- **random**: every step, a uniformly random ready thread.
- **PCT** (Burckhardt et al., ASPLOS 2010): threads get random distinct priorities, the highest
  ready one runs, and at ``depth - 1`` random steps the running thread drops below all others.
  A bug that needs ``d`` orderings is found with probability at least 1/(n k^(d-1)).
- **POS** (Yuan et al., CAV 2018): every pending operation gets a random priority, the highest
  runs, and the operations that conflict with it draw new priorities: it samples partial orders
  rather than interleavings, so equivalent interleavings are not oversampled.

:class:`Interleaved` mixes PCT samples into DPOR's search once the search has run a while
without ending (the default exploration; see its docstring).
"""
from __future__ import annotations

import random
from typing import Optional, Sequence

from ..kernel import Option, Step, Strategy
from .dependence import dependent


class Sampler:
    """Runs ``max_executions`` executions (or until stopped), each with a fresh strategy."""

    repeated = False   # every sample counts (see Dpor.repeated)

    def __init__(self, kind: str, seed: int = 0, depth: int = 3, start: int = 0,
                 stride: int = 1, length: int = 1) -> None:
        if kind not in ("random", "pct", "pos"):
            raise ValueError(f"unknown sampling strategy {kind!r}")
        self.kind = kind
        # This sampler runs executions start, start + stride, ...: a share of a sampled
        # exploration split over processes, each execution seeded as it would be in one.
        self.start, self.stride = start, stride
        self.seed = seed
        self.depth = depth
        self.executions = 0
        self.blocked = 0
        self.exhausted = False
        #: PCT spreads its change points over this many steps: the length of one execution
        #: (measured once, before sampling, so every share of a split exploration agrees).
        self.length = max(length, 1)

    def begin(self) -> Strategy:
        rng = random.Random(f"{self.kind}:{self.seed}:{self.index}")
        if self.kind == "pct":
            return _Pct(rng, self.depth, self.length)
        if self.kind == "pos":
            return _Pos(rng)
        return _Random(rng)

    @property
    def index(self) -> int:
        """The number of the execution about to run, in the whole exploration."""
        return self.start + self.stride * self.executions

    def end(self, steps: Sequence[Step], blocked: bool = False,
            pending: Sequence[Step] = ()) -> bool:
        self.executions += 1
        return True


class _Sampling(Strategy):
    wants_options = True
    blocked = False
    error = None

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.steps = 0

    def observe(self, options: Sequence[Option]) -> None:
        self._choose(options)

    def pick(self, kind: str, n: int, step: int,
             options: Optional[Sequence[Option]] = None) -> int:
        if kind == "seed":
            return 0
        if options is None:      # a timed run's choice (GIL, wake): only its number is known
            return self.rng.randrange(n)
        return self._choose(options)

    def _choose(self, options: Sequence[Option]) -> int:
        self.steps += 1
        fair = [o for o in options if not o.polling]
        if len(fair) in (0, len(options)):
            return self.choose(options)
        return options.index(fair[self.choose(fair)])   # a polling thread lets others go first

    def choose(self, options: Sequence[Option]) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class _Random(_Sampling):
    def choose(self, options: Sequence[Option]) -> int:
        return self.rng.randrange(len(options))


class _Pct(_Sampling):
    def __init__(self, rng: random.Random, depth: int, length: int) -> None:
        super().__init__(rng)
        self.priority: dict[tuple, float] = {}
        self.change_points = sorted(rng.sample(range(1, length + 1), min(depth - 1, length)))
        self.lowered = 0

    def choose(self, options: Sequence[Option]) -> int:
        for o in options:
            if o.thread not in self.priority:
                # Above every lowered priority (0 < lowered < 1): new threads start high.
                self.priority[o.thread] = 1 + self.rng.random()
        best = max(range(len(options)), key=lambda i: self.priority[options[i].thread])
        if self.change_points and self.steps >= self.change_points[0]:
            self.change_points.pop(0)
            self.lowered += 1
            self.priority[options[best].thread] = 1 / (1 + self.lowered)
            best = max(range(len(options)), key=lambda i: self.priority[options[i].thread])
        return best


class _Pos(_Sampling):
    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.priority: dict[tuple, float] = {}

    def choose(self, options: Sequence[Option]) -> int:
        for o in options:
            if o.thread not in self.priority:
                self.priority[o.thread] = self.rng.random()
        best = max(range(len(options)), key=lambda i: self.priority[options[i].thread])
        chosen = options[best]
        del self.priority[chosen.thread]     # its next operation draws a new priority
        for o in options:
            if o is not chosen and dependent(o.key, o.access, chosen.key, chosen.access):
                self.priority[o.thread] = self.rng.random()
        return best


class Interleaved:
    """PCT samples run between the executions of a DPOR search that goes on and on.

    DPOR goes depth-first: a bug that needs a thread held back early in the execution can come
    thousands of executions in (bench/bugs/twostage_5_bad: execution 4,381), where a random
    sample of PCT finds it in tens. So once the search has run :attr:`AFTER` executions without
    ending, PCT samples (depth ``depth``) run between its executions: samples 0, 1, 2, ... of
    ``strategy="pct"`` with the exploration's seed, exactly the executions that strategy runs,
    in its order. Sample ``s`` runs once the search has run ``AFTER + s * s // SPREAD``
    executions (complete or cut short): one every few executions at first (50 samples by the
    search's 200th, 100 by its 500th), ever fewer later (500 by its 10,100th, 1,000 by its
    40,100th). A sample found early is worth the most (a bug PCT finds at all it mostly finds
    in its first tens of samples); later the samples cost an ever smaller part of the time a
    search that ends takes (2% of twostage_5_bad's 47,880), and still go on in one that does
    not. The search itself goes on unchanged to its end (the samples touch nothing of it), so
    an exploration that ends is still exhaustive, and one that ends within :attr:`AFTER`
    executions runs no sample at all: its counts are the search's. Where a sample runs depends
    only on how many executions the search has run, so the exploration stays deterministic
    (and ``--jobs`` gives the same report).
    """

    #: The search's executions (complete or cut short) before the first sample. Every bug of
    #: bench/bugs that DPOR finds in its first thousand executions it finds by the 146th, most
    #: by the 20th; and a program whose search ends within this many runs no sample.
    AFTER = 100
    #: How fast the samples thin out (see above; docs/decisions.md says how it was chosen).
    SPREAD = 25

    def __init__(self, seed: int, depth: int, length: int) -> None:
        self.sampler = Sampler("pct", seed, depth, length=length)

    @property
    def ran(self) -> int:
        """The samples run so far."""
        return self.sampler.executions

    def due(self, searched: int) -> bool:
        """Whether a sample runs next, the search having run ``searched`` executions."""
        ran = self.sampler.executions
        return searched >= self.AFTER + ran * ran // self.SPREAD

    def begin(self) -> Strategy:
        return self.sampler.begin()

    def end(self) -> None:
        self.sampler.end(())
