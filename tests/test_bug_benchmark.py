"""The bug benchmark's programs (bench/bugs/) stay what they are: each has a bug, which the
default exploration finds, and its token replays (stopping at the first failure: bench/
bench_bugs.py measures the rest, and the rivals)."""
from __future__ import annotations

import os

import pytest

import simconc

BUGS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench", "bugs")
PROGRAMS = sorted(name for name in os.listdir(BUGS) if name.endswith(".py"))


def test_there_are_at_least_thirty_programs():
    assert len(PROGRAMS) >= 30


@pytest.mark.parametrize("name", PROGRAMS)
def test_dpor_finds_the_bug_and_its_token_replays_it(name):
    path = os.path.join(BUGS, name)
    report = simconc.explore(path, stop_on_failure=True, max_executions=20_000)
    assert report.failures, f"{name}: no failure in {report.executions} executions"
    failure = report.failures[0]
    replayed = simconc.run(path, schedule=failure.schedule)
    assert replayed.status != "ok"
