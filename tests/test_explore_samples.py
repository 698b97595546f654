"""The default exploration: DPOR's search, with PCT samples mixed in once it has run a while
without ending (simconc/explore/sampling.py, Interleaved). What a user relies on: a shallow bug
deep in the search's order is found early, the search still ends exhaustive, a sample's failure
replays and shrinks like any, a small program's counts are the search's alone, and --jobs gives
the same report."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import simconc
from simconc.explore.sampling import Interleaved

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BUGS = os.path.join(REPO, "bench", "bugs")
LOST_UPDATE = os.path.join(REPO, "scenarios", "lost_update.py")
#: DPOR's depth-first order first fails it at execution 4,381; PCT at depth 3 in tens.
DEEP = os.path.join(BUGS, "twostage_5_bad.py")
#: A search that ends after 182 executions, the bug found by the search at its 4th.
ENDS = os.path.join(BUGS, "mkdirs_jdk4742723.py")


def test_a_bug_deep_in_the_searchs_order_is_found_within_a_thousand_executions_by_default():
    report = simconc.explore(DEEP, max_executions=1000, stop_on_failure=True)
    assert report.failures and report.failures[0].kind == "check"
    assert report.samples > 0 and report.executions <= 1000
    assert "PCT samples" in report.summary()
    # The search alone does not get there in a thousand.
    alone = simconc.explore(DEEP, max_executions=1000, stop_on_failure=True, samples=False)
    assert not alone.failures and alone.samples == 0 and alone.executions == 1000


def test_a_small_program_runs_no_sample_and_its_report_is_the_searchs():
    report = simconc.explore(LOST_UPDATE)
    assert report.exhausted and report.executions == 4 and report.samples == 0
    assert report.to_dict() == simconc.explore(LOST_UPDATE, samples=False).to_dict()
    assert report.summary() == "4 executions (dpor; every schedule that matters was run)"


def test_the_search_still_ends_exhaustive_and_the_samples_are_counted_apart():
    alone = simconc.explore(ENDS, samples=False)
    mixed = simconc.explore(ENDS)
    assert alone.exhausted and alone.executions > Interleaved.AFTER
    assert mixed.exhausted and mixed.samples > 0
    # The search ran exactly what it runs alone; the samples came on top, and count.
    assert mixed.executions - mixed.samples == alone.executions
    assert mixed.blocked == alone.blocked and mixed.redundant == alone.redundant
    assert sum(mixed.outcome_counts.values()) == mixed.executions
    # Failures are deduplicated across the search and the samples as within the search.
    assert [(f.kind, f.message) for f in mixed.failures] == \
        [(f.kind, f.message) for f in alone.failures]
    assert all(m.count >= a.count for m, a in zip(mixed.failures, alone.failures))
    summary = mixed.summary()
    assert summary.startswith(f"{mixed.executions} executions (dpor and PCT samples: "
                              f"{alone.executions} searched, {mixed.samples} sampled; "
                              f"every schedule that matters was run)")
    data = mixed.to_dict()
    assert data["samples"] == mixed.samples and data["exhausted"]


def test_a_samples_failure_replays_and_shrinks():
    report = simconc.explore(DEEP, max_executions=1000, stop_on_failure=True)
    [failure] = report.failures   # a sample's: the search alone has none in 1,000 (above)
    again = simconc.run(DEEP, schedule=failure.schedule)
    assert again.status == "check" and again.check_failure == failure.message
    replay = subprocess.run([sys.executable, "-m", "simconc", "replay", DEEP, failure.schedule,
                             "--json"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert replay.returncode == 1, replay.stderr
    assert json.loads(replay.stdout)["status"] == "check"
    shrunk = simconc.shrink(DEEP, failure.schedule)
    assert shrunk.message == failure.message
    assert shrunk.preemptions <= failure.preemptions


def test_the_samples_are_the_pct_strategys_executions_in_its_order():
    mixed = simconc.explore(DEEP, max_executions=1000, stop_on_failure=True, seed=2)
    pct = simconc.explore(DEEP, strategy="pct", max_executions=1000, stop_on_failure=True,
                          seed=2)
    assert mixed.failures[0].schedule == pct.failures[0].schedule
    assert mixed.samples == pct.executions


@pytest.mark.parametrize("program, options", [
    (DEEP, {"max_executions": 300}),    # samples found the bug, and more
    (ENDS, {}),                         # the search ends, the samples counted in
])
def test_jobs_give_the_same_report_with_samples(program, options):
    one = simconc.explore(program, **options)
    assert one.samples > 0
    assert simconc.explore(program, jobs=2, **options).to_dict() == one.to_dict()


def test_samples_go_with_an_unbounded_dpor_only():
    for options in ({"strategy": "pct"}, {"strategy": "enumerate"},
                    {"preemption_bound": 1}):
        with pytest.raises(ValueError, match="unbounded dpor search only"):
            simconc.explore(LOST_UPDATE, samples=True, **options)
    # Left to the default, a bounded search or another strategy runs no sample.
    assert simconc.explore(ENDS, preemption_bound=1).samples == 0


def test_the_command_line_says_what_ran_and_turns_the_samples_off():
    def explore(*args):
        proc = subprocess.run([sys.executable, "-m", "simconc", "explore", DEEP,
                               "--max-executions", "300", *args], capture_output=True,
                              text=True, timeout=300, cwd=REPO)
        assert proc.returncode in (0, 1), proc.stderr
        return proc.stdout
    mixed = explore()
    assert mixed.startswith("300 executions (dpor and PCT samples: ")
    alone = json.loads(explore("--no-samples", "--json"))
    assert alone["samples"] == 0 and alone["executions"] == 300 and not alone["failures"]
