"""What a timeline draws, read from a timed run's trace (simconc/analysis/intervals.py): when
each thread ran, waited for the GIL, and was blocked, and on what."""
from __future__ import annotations

import itertools
import textwrap

import pytest

import simconc
from simconc.analysis.intervals import intervals

SEMAPHORE = "scenarios/semaphore.py"


def by_thread(found):
    return {name: [i for i in found if i.name == name] for name in {i.name for i in found}}


def test_threads_waiting_for_the_semaphore_are_blocked_on_it_until_they_get_in():
    result = simconc.run(SEMAPHORE, seed=1, timeline=True)
    threads = by_thread(intervals(result.trace, result.elapsed))
    # The first three get in at once and sleep; the fourth and fifth wait for the semaphore
    # from the moment they start until one of the first three leaves.
    for name in ("Thread-4 (foo)", "Thread-5 (foo)"):
        blocked = [i for i in threads[name] if i.state == "blocked"]
        assert blocked[0].on.startswith("Semaphore#1")
        assert blocked[0].end - blocked[0].start > 0.1
        assert blocked[1].on == "sleep"
    for name in ("Thread-1 (foo)", "Thread-2 (foo)", "Thread-3 (foo)"):
        assert not any(i.on.startswith("Semaphore") for i in threads[name])
    # Released when a holder leaves: each waiter's wait ends as a sleeper's ends.
    sleep_ends = {round(i.end, 9) for i in intervals(result.trace) if i.on == "sleep"}
    assert round(threads["Thread-4 (foo)"][2].end, 9) in sleep_ends


def test_a_threads_intervals_follow_each_other_from_its_start_to_its_exit():
    result = simconc.run(SEMAPHORE, seed=2, timeline=True)
    for name, found in by_thread(intervals(result.trace, result.elapsed)).items():
        assert found[0].state == "ready"
        for before, after in zip(found, found[1:]):
            assert before.end == after.start, (name, before, after)
        exits = [e.time for e in result.trace if e.op == "exit" and e.thread == name]
        assert found[-1].end == (exits[0] if exits else result.elapsed)


def test_the_gil_is_held_by_one_thread_at_a_time_and_cpu_work_takes_turns(tmp_path):
    path = tmp_path / "cpu.py"
    path.write_text(textwrap.dedent("""\
        import threading
        import simconc

        threads = [threading.Thread(target=simconc.cpu, args=(0.02,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """))
    result = simconc.run(str(path), profile="ideal", timeline=True)
    found = intervals(result.trace, result.elapsed)
    running = [i for i in found if i.state == "running" and i.end > i.start]
    for a, b in itertools.combinations(running, 2):
        assert not (a.start < b.end and b.start < a.end), (a, b)
    # Forced switches every 5 ms: each worker runs in slices, waiting for the GIL in between.
    workers = [name for name in by_thread(found) if name != "MainThread"]
    for name in workers:
        slices = [i for i in running if i.name == name]
        assert len(slices) >= 3
        assert all(i.end - i.start == pytest.approx(0.005) for i in slices[:-1])
        assert any(i.state == "ready" and i.end - i.start >= 0.005 for i in found
                   if i.name == name)


def test_an_untimed_run_has_no_intervals():
    result = simconc.run(SEMAPHORE, semantics="untimed", timeline=True)
    assert intervals(result.trace) == []


def test_a_run_records_how_threads_were_scheduled_only_when_asked():
    # (A timed run makes several such events for each wait: a run that draws no timeline
    # should not pay for them.)
    plain = simconc.run(SEMAPHORE, seed=1)
    drawn = simconc.run(SEMAPHORE, seed=1, timeline=True)
    assert intervals(plain.trace) == []
    assert [e for e in drawn.trace] == [e for e in plain.trace]   # the program's operations
    assert len(drawn.trace.events) > len(plain.trace.events)
