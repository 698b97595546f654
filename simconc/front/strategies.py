"""A hypothesis strategy of schedules: hypothesis drives, shrinks and stores failing schedules.

``schedules()`` draws a list of numbers; run under untimed semantics, the ``k``-th choice among
``n`` ready threads takes ready thread ``picks[k] % n`` (and the first ready thread once the list
runs out), so any of them can be taken, however many there are. Hypothesis
shrinks a failing list towards fewer and smaller numbers, which is a schedule with fewer
departures from "first ready thread", and keeps it in its example database like any other.

    from hypothesis import given
    from simconc.front.strategies import schedules

    @given(schedules())
    def test_counter(schedule):
        result = schedule.run("scenarios/lost_update.py")
        assert result.ok, result.schedule      # the token replays it with `simconc replay`
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from hypothesis import strategies as st

from ..kernel import Strategy
from ..runner import Check, Program, RunResult, run


class Schedule:
    """A drawn schedule; :meth:`run` runs a program under it."""

    def __init__(self, picks: Sequence[int]) -> None:
        self.picks = list(picks)

    def strategy(self) -> Strategy:
        return _Picks(self.picks)

    def run(self, program: Program, check: Check = None, max_steps: int = 10_000) -> RunResult:
        """One untimed execution of ``program`` under this schedule (see :func:`simconc.run`)."""
        return run(program, strategy=self.strategy(), semantics="untimed", check=check,
                   max_steps=max_steps)

    def __repr__(self) -> str:
        return f"Schedule({self.picks!r})"


class _Picks(Strategy):
    def __init__(self, picks: list[int]) -> None:
        self.picks = picks
        self.used = 0

    def pick(self, kind: str, n: int, step: int, options: Optional[Sequence[Any]] = None) -> int:
        if kind != "step":
            return 0
        used, self.used = self.used, self.used + 1
        return self.picks[used] % n if used < len(self.picks) else 0


def schedules(max_choices: int = 100) -> st.SearchStrategy[Schedule]:
    """Schedules of up to ``max_choices`` choices (later choices take the first ready thread)."""
    return st.lists(st.integers(min_value=0), max_size=max_choices).map(Schedule)
