"""An explored callable's own module: every execution starts from its globals as the exploration
began, and the exploration leaves them so (simconc/runner/module_state.py)."""
from __future__ import annotations

import importlib
import json
import sys
import textwrap

import _pytest.outcomes
import pytest

import simconc
from simconc.runner.module_state import own_module

#: A module-level program: its threads lose an update, and it keeps what each call saw at
#: module level. Started from the state it was imported in, it fails only when the update is
#: lost; started from what an earlier execution left, its asserts fail on that instead.
PROGRAM = '''
import threading

THREADS = 2
seen = []
total = 0


class Tally:
    def __init__(self):
        self.calls = 0


tally = Tally()


def main():
    def work():
        global total
        value = total
        total = value + 1
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally.calls += 1
    seen.append(total)
    assert len(seen) == 1 and tally.calls == 1, f"not the first call: seen {seen}"
    assert total == THREADS, f"an update was lost: total {total}"
'''

LOST = ("exception", "AssertionError: an update was lost: total 1 (in MainThread)")


@pytest.fixture
def prog(tmp_path, monkeypatch, request):
    name = f"modstate_{request.node.name}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(PROGRAM))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module(name)
    yield module
    sys.modules.pop(name, None)


def as_imported(module) -> bool:
    return module.seen == [] and module.total == 0 and vars(module.tally) == {"calls": 0}


def test_every_execution_starts_from_the_module_as_the_exploration_began(prog):
    report = simconc.explore(prog.main)
    assert report.exhausted and report.executions == 4
    # (Carried over, the list grew from one execution to the next: each failed on it.)
    assert dict(report.outcomes) == {"(no output)": 2,
                                     "(no output)  [AssertionError: an update was lost: "
                                     "total 1]": 2}
    assert [(f.kind, f.message) for f in report.failures] == [LOST]
    assert as_imported(prog)   # the exploration leaves the module as it found it

    # The failure replays from its token; one run is one call, and leaves its effects.
    again = simconc.run(prog.main, schedule=report.failures[0].schedule)
    assert [(e.type, e.message) for e in again.exceptions] == [
        ("AssertionError", "an update was lost: total 1")]
    assert prog.seen == [1] and prog.total == 1 and prog.tally.calls == 1


def test_shrinking_starts_each_execution_from_the_module_as_it_began(prog):
    token = simconc.explore(prog.main).failures[0].schedule
    failure = simconc.shrink(prog.main, token)
    assert (failure.kind, failure.message) == LOST and failure.preemptions == 1
    assert as_imported(prog)


def test_the_module_is_put_back_however_the_exploration_ends(prog):
    def stop(report):
        raise KeyboardInterrupt   # Ctrl-C after the first execution
    report = simconc.explore(prog.main, progress=stop)
    assert report.interrupted and report.executions == 1
    assert as_imported(prog)


@pytest.mark.parametrize("options", [dict(samples=False),
                                     dict(strategy="random", seed=1, max_executions=30)],
                         ids=["dpor", "random"])
def test_the_workers_of_jobs_start_from_it_too(prog, options):
    # The report is the one a single process gives: the workers' executions (dpor's run ahead,
    # forked after the search's first) start from the same state as the search's own, the one
    # the exploration began with (three threads: enough executions for the workers to run
    # some the search takes).
    prog.THREADS = 3
    alone = simconc.explore(prog.main, **options).to_dict()
    assert as_imported(prog)
    together = simconc.explore(prog.main, jobs=2, **options).to_dict()
    assert as_imported(prog)
    assert together == alone
    assert {o["outcome"] for o in together["outcomes"]} == {
        "(no output)", *(f"(no output)  [AssertionError: an update was lost: total {n}]"
                         for n in (1, 2))}


def test_only_the_users_own_module_is_put_back(prog):
    assert own_module(prog.main) is prog

    def wrapper():   # (the pytest plugin's body: the module is the wrapped test's)
        prog.main()
    wrapper.__wrapped__ = prog.main
    assert own_module(wrapper) is prog
    # The standard library's, simconc's, an installed package's: their state is theirs.
    assert own_module(json.dumps) is None
    assert own_module(simconc.run) is None
    assert "site-packages" in _pytest.outcomes.__file__
    assert own_module(_pytest.outcomes.fail) is None
    assert own_module("scenarios/lost_update.py") is None   # (loaded afresh by each run)
