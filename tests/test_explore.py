"""Exploration of real programs: untimed semantics, the search, the report, replay, the CLI."""
from __future__ import annotations

import builtins
import json
import os
import re
import signal
import subprocess
import sys
import textwrap

import pytest

import simconc
from simconc.front.cli import main as cli
from simconc.kernel import SimconcError

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(os.path.dirname(HERE), "scenarios")
LOST_UPDATE = os.path.join(SCENARIOS, "lost_update.py")
NOLOCK = os.path.join(SCENARIOS, "nolock.py")
DOCS = os.path.join(os.path.dirname(HERE), "docs", "examples")
PHILOSOPHERS = os.path.join(SCENARIOS, "dining_philosophers.py")


def write(tmp_path, text: str, name: str = "prog.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_the_lost_update_is_found_and_its_token_fails_again_the_same_way():
    report = simconc.explore(LOST_UPDATE)
    assert report.exhausted and report.executions == 4 and report.blocked == 0
    assert dict(report.outcomes) == {"2": 2, "1  [check failed]": 2}
    [failure] = report.failures
    assert failure.kind == "check" and failure.count == 2
    assert "the counter is 1, not 2" in failure.message
    assert failure.explanation[0].startswith("lost update of Counter.value: ")
    assert "both read it before either wrote it" in failure.explanation[0]
    again = simconc.run(LOST_UPDATE, schedule=failure.schedule)
    assert again.status == "check" and again.stdout == "1\n"
    assert again.check_failure == failure.message


def test_the_interleaving_names_threads_operations_and_lines():
    [failure] = simconc.explore(LOST_UPDATE).failures
    ops = [(s["thread"], s["op"], s["obj"], s["where"].rsplit(":", 1)[-1])
           for s in failure.steps if not s["noise"] and s["op"] in ("read", "write")
           and s["obj"].startswith("Counter.value") and s["thread"] != "MainThread"]
    reads = [o for o in ops if o[1] == "read"]
    writes = [o for o in ops if o[1] == "write"]
    # Both workers read 0 (line 15) before either wrote 1 (line 16).
    assert [o[2:] for o in reads] == [("Counter.value = 0", "15")] * 2
    assert [o[2:] for o in writes] == [("Counter.value = 1", "16")] * 2
    assert ops.index(reads[1]) < ops.index(writes[0])


def test_dining_philosophers_deadlock_is_found_with_its_cycle():
    report = simconc.explore(PHILOSOPHERS)
    assert report.exhausted
    deadlocks = [f for f in report.failures if f.kind == "deadlock"]
    assert len(deadlocks) == 1
    assert set(deadlocks[0].threads) == {"philosopher-0", "philosopher-1", "philosopher-2"}
    assert "philosopher-0 -> philosopher-1 -> philosopher-2 -> philosopher-0" in \
        deadlocks[0].message
    # Every other execution finishes, each philosopher eating once, in the 3! orders.
    finished = [o for o, _ in report.outcomes if "deadlock" not in o]
    assert len(finished) == 6
    replay = simconc.run(PHILOSOPHERS, schedule=deadlocks[0].schedule)
    assert replay.status == "deadlock" and replay.deadlock.cycle


@pytest.mark.parametrize("n, traces", [(2, 4), (3, 36)])
def test_the_counter_runs_one_execution_per_trace(tmp_path, n, traces):
    path = write(tmp_path, LOST_UPDATE_N.replace("N_THREADS", str(n)))
    report = simconc.explore(path)
    assert (report.executions, report.blocked, report.exhausted) == (traces, 0, True)
    assert {o.split()[0] for o, _ in report.outcomes} == {str(k) for k in range(1, n + 1)}


LOST_UPDATE_N = open(LOST_UPDATE).read().replace("range(2)", "range(N_THREADS)")


def test_lastzero_and_readers_counts(tmp_path):
    lastzero = write(tmp_path, """
        import threading
        N = 4
        array = [0] * (N + 1)
        def reader():
            i = N
            while array[i] != 0:
                i -= 1
        def writer(j):
            array[j] = array[j - 1] + 1
        threads = [threading.Thread(target=reader)] + [
            threading.Thread(target=writer, args=(j,)) for j in range(1, N + 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """, "lastzero.py")
    report = simconc.explore(lastzero)
    assert report.executions == 28          # (N + 3) * 2 ** (N - 2)
    # None cut short (6 when reversals stopped at the race's second step and the sleep check
    # took only a plan's initials).
    assert report.blocked == 0
    readers = write(tmp_path, """
        import threading
        x = 0
        seen = [None] * 5
        def writer():
            global x
            x = 1
        def reader(i):
            seen[i] = x
        threads = [threading.Thread(target=writer)] + [
            threading.Thread(target=reader, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(sum(v for v in seen))
        """, "readers.py")
    report = simconc.explore(readers)
    assert report.executions == 32                              # 2 ** N
    assert {o for o, _ in report.outcomes} == {str(k) for k in range(6)}


def test_a_timed_wait_may_time_out_or_not(tmp_path):
    path = write(tmp_path, """
        import threading
        ready = threading.Event()
        got = []
        t = threading.Thread(target=lambda: got.append(ready.wait(5)))
        t.start()
        ready.set()
        t.join()
        print(got[0])
        """)
    report = simconc.explore(path)
    assert {o for o, _ in report.outcomes} == {"True", "False"}
    # The timed run: the set comes long before the five seconds are up.
    assert simconc.run(path).stdout == "True\n"


def test_a_lock_protects_the_counter_in_every_interleaving(tmp_path):
    path = write(tmp_path, LOST_UPDATE_N.replace("N_THREADS", "3").replace(
        "    def increment(self):\n", "    def increment(self):\n        with lock:\n    ").replace(
        "counter = Counter()", "counter = Counter()\nlock = threading.Lock()").replace(
        "        self.value = temp + 1", "            self.value = temp + 1"))
    report = simconc.explore(path, check="counter.value == 3")
    assert report.exhausted and report.ok
    assert report.outcomes == [("3", report.executions)]
    assert report.executions == 6    # the three threads take the lock in each of 3! orders


@pytest.mark.parametrize("consumer", [
    "if items:\n    seen.append(1)",
    "while items:\n    seen.append(1)\n    break",
    "if not items:\n    return\nseen.append(1)",
    "seen.extend(items and [1])",
    "seen.extend(1 for _ in range(1) if box.items)",
    "assert not box.items, 'saw it'",
])
def test_the_truth_of_a_shared_container_races_with_its_writes(scenario, consumer):
    # CPython takes a container's truth with its __len__, from C: the test is a read of the
    # whole container all the same, and its race with the producer's append is explored
    path = scenario(textwrap.dedent("""
        import threading
        items = []
        seen = []

        class Box:
            items = items

        box = Box()

        def producer():
            items.append(1)

    """) + "def consumer():\n" + textwrap.indent(consumer, "    ") + textwrap.dedent("""

        threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    """))
    report = simconc.explore(path, check="seen == []")
    assert report.exhausted and report.executions == 2
    assert not report.ok   # (the consumer saw the item in one of the two orders)


def test_a_callable_is_explored_with_its_locks_seen(tmp_path):
    def program():
        import threading
        a, b = threading.Lock(), threading.Lock()

        def one():
            with a:
                with b:
                    pass

        def two():
            with b:
                with a:
                    pass

        threads = [threading.Thread(target=one), threading.Thread(target=two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    report = simconc.explore(program)
    assert report.exhausted
    assert [f.kind for f in report.failures] == ["deadlock"]


def test_samplers_are_reproducible_and_find_the_lost_update():
    for strategy in ("random", "pct", "pos"):
        one = simconc.explore(LOST_UPDATE, strategy=strategy, seed=3, max_executions=40)
        two = simconc.explore(LOST_UPDATE, strategy=strategy, seed=3, max_executions=40)
        assert one.to_dict() == two.to_dict()
        assert one.executions == 40 and not one.exhausted
        assert one.failures, strategy
        again = simconc.run(LOST_UPDATE, schedule=one.failures[0].schedule)
        assert again.status == "check"


def test_interrupting_keeps_what_was_found():
    seen = []

    def progress(report):
        seen.append(report.executions)
        if report.executions == 3:
            raise KeyboardInterrupt

    report = simconc.explore(LOST_UPDATE, progress=progress)
    assert report.interrupted and not report.exhausted and report.executions == 3
    assert report.failures and report.failures[0].schedule.startswith("2")


def test_a_second_ctrl_c_interrupts_at_once_and_keeps_the_report():
    # The first request stops the search after the execution running now; the second,
    # pressed meanwhile, interrupts that execution: the report still holds the ones before.
    def progress(report):
        if report.executions == 2:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)

    report = simconc.explore(LOST_UPDATE, progress=progress)
    assert report.interrupted and report.executions == 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_requests_to_stop_once_the_executions_are_over_are_let_go_until_the_report_is_written(
        capsys):
    # As the command writes its report: a Ctrl-C or SIGTERM pressed once the search has
    # stopped, however late, must not lose what it found, nor end the command half-written.
    def progress(report):
        if report.executions == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    from simconc.explore.api import stop_requests
    with stop_requests(late="writing the report") as requests:
        report = simconc.explore(LOST_UPDATE, progress=progress)
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        written = report.format()
    assert report.interrupted and report.executions == 1 and "interrupted" in written
    assert requests == [signal.SIGTERM]
    assert capsys.readouterr().err.count("writing the report") == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_program_the_schedule_does_not_decide_is_a_clear_error():
    runs = []

    def program():
        import threading
        runs.append(1)
        lock = threading.Lock()

        def work():
            with lock:
                pass

        # Two threads on odd runs, one on even runs: the replayed prefix no longer fits.
        threads = [threading.Thread(target=work) for _ in range(len(runs) % 2 + 1)]
        for t in threads:
            t.start()

    with pytest.raises(SimconcError, match="does not decide"):
        simconc.explore(program)


def test_an_unbounded_loop_is_cut_at_the_step_limit(tmp_path):
    path = write(tmp_path, """
        import threading
        stop = False
        def spin():
            while not stop:
                pass
        t = threading.Thread(target=spin)
        t.start()
        stop = True
        t.join()
        """)
    report = simconc.explore(path, max_steps=200, max_executions=5)
    assert any(f.kind == "limit" for f in report.failures)


def test_what_a_thread_does_after_joining_every_other_is_not_a_step():
    # Every step of the joined threads happens before it: it races with nothing. It stays on
    # the trace, and the explorations are the same (4 executions, both outcomes).
    result = simconc.run(LOST_UPDATE, semantics="untimed")
    assert [(s.name, s.access) for s in result.steps[-2:]] == [("MainThread", "join")] * 2
    last = [(e.thread, e.op, e.obj) for e in result.trace.events][-2:]
    assert last == [("MainThread", "read", "Counter.value = 2"), ("MainThread", "exit", "")]
    report = simconc.explore(LOST_UPDATE)
    assert report.executions == 4 and sorted(report.outcome_counts) == [
        "1  [check failed]", "2"]


def test_a_thread_started_after_the_joins_races_again(tmp_path):
    # After joining, the main thread's accesses are steps again once it starts another thread:
    # its read of x and the new thread's write are explored both ways.
    path = write(tmp_path, """
        import threading
        x = 0
        def write(value):
            global x
            x = value
        first = threading.Thread(target=write, args=(1,))
        first.start()
        first.join()
        second = threading.Thread(target=write, args=(2,))
        second.start()
        seen = x
        second.join()
        print(seen)
        """)
    assert sorted(simconc.explore(path).outcome_counts) == ["1", "2"]


def test_a_thread_not_joined_keeps_the_steps_after_the_joins(tmp_path):
    # A daemon thread still running: joining the other one does not order its write, so the
    # main thread's read of x is still a step, and is explored before the write and after it.
    path = write(tmp_path, """
        import threading
        x = 0
        def write():
            global x
            x = 1
        daemon = threading.Thread(target=write, daemon=True)
        other = threading.Thread(target=lambda: None)
        daemon.start()
        other.start()
        other.join()
        print(x)
        """)
    assert sorted(simconc.explore(path).outcome_counts) == ["0", "1"]


def test_a_failure_among_the_first_executions_is_explained_from_that_execution(tmp_path):
    # The first executions run with their trace: the failure is explained from the execution
    # that showed it, even where running it again would not give it back. (This program counts
    # its runs in the real builtins: its third run starts a third thread.)
    path = write(tmp_path, """
        import builtins, threading
        runs = builtins.__dict__.get("_simconc_test_runs", 0)
        builtins._simconc_test_runs = runs + 1

        class Counter:
            value = 0

        counter = Counter()

        def work():
            temp = counter.value
            counter.value = temp + 1

        threads = [threading.Thread(target=work) for _ in range(2 if runs < 2 else 3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def check():
            assert counter.value == len(threads), "an update was lost"
        """)
    try:
        report = simconc.explore(path, stop_on_failure=True)
    finally:
        builtins.__dict__.pop("_simconc_test_runs", None)
    [failure] = report.failures
    assert report.executions == 2 and failure.execution == 1
    shown = [(row["thread"], row["op"], row["obj"]) for row in failure.steps
             if row["obj"].startswith("Counter.value")]
    assert shown == [("Thread-1 (work)", "read", "Counter.value = 0"),
                     ("Thread-2 (work)", "read", "Counter.value = 0"),
                     ("Thread-2 (work)", "write", "Counter.value = 1"),
                     ("Thread-1 (work)", "write", "Counter.value = 1")]
    assert failure.explanation[0].startswith("lost update of Counter.value")


def test_a_thread_spinning_in_one_execution_of_many_is_stopped_and_reported(tmp_path):
    # The exploration keeps one spin watchdog for all its executions: it must watch each one,
    # from that execution's own start, and leave no alarm behind.
    before = signal.getsignal(signal.SIGALRM)
    armed = signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0)   # (pytest-timeout's, say)
    path = write(tmp_path, """
        import threading
        counter = [0]
        def work():
            counter[0] += 1
            if counter[0] == 2 and threading.current_thread().name.startswith("Thread-1"):
                while True:   # touches nothing shared: never a step, never lets others run
                    pass
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """)
    report = simconc.explore(path, spin_timeout=0.5)
    [error] = [f for f in report.failures if f.kind == "error"]
    assert error.message.startswith("thread 'Thread-1 (work)' ran for 0.5 s of real time without "
                                    "blocking at prog.py:7")
    assert report.exhausted and report.executions > error.count
    assert signal.getsignal(signal.SIGALRM) == before
    assert (signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0)) == armed


def test_cli_explore_exit_status_json_and_bad_input(tmp_path, capsys):
    assert cli(["explore", LOST_UPDATE, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"executions", "exhausted", "outcomes", "failures"} <= set(data)
    failure = data["failures"][0]
    assert {"kind", "message", "threads", "schedule", "steps"} <= set(failure)
    assert cli(["replay", LOST_UPDATE, failure["schedule"], "--quiet"]) == 1
    capsys.readouterr()
    assert cli(["explore", LOST_UPDATE, "--check", "counter.value >= 1"]) == 0
    assert "no failures" in capsys.readouterr().out
    assert cli(["explore", str(tmp_path / "missing.py")]) == 2
    broken = write(tmp_path, "def (:\n", "broken.py")
    assert cli(["explore", broken]) == 2
    assert "syntax error" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli(["explore", LOST_UPDATE, "--strategy", "bogus"])
    assert exc.value.code == 2


def test_a_timed_token_is_refused_where_untimed_is_asked(tmp_path):
    timed = simconc.run(LOST_UPDATE, seed=1).schedule
    assert timed.startswith("1")
    with pytest.raises(simconc.BadToken, match="timed semantics"):
        simconc.run(LOST_UPDATE, schedule=timed, semantics="untimed")


def test_hypothesis_finds_and_shrinks_a_failing_schedule():
    from hypothesis import given, settings, HealthCheck
    from simconc.front.strategies import schedules

    failing = []

    # derandomize: the same examples (and shrinking) on every run, so the test cannot flake.
    @settings(max_examples=300, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(schedules())
    def counter_keeps_every_update(schedule):
        result = schedule.run(LOST_UPDATE)
        if not result.ok:
            failing.append((schedule, result.schedule))
        assert result.ok

    with pytest.raises(AssertionError):
        counter_keeps_every_update()
    schedule, token = failing[-1]        # the shrunk example runs last
    # A minimal departure from "first ready thread": two switches, nothing after the last.
    assert sum(pick != 0 for pick in schedule.picks) <= 2 and schedule.picks[-1] != 0
    assert simconc.run(LOST_UPDATE, schedule=token).status == "check"


def test_hypothesis_schedules_reach_every_ready_thread_however_many(tmp_path):
    # Ten threads wait for a lock the main thread holds; once it lets go, the choice is among
    # eleven (the ten and the main thread). A schedule that lets the last of them append first
    # must be found: the eleventh option too.
    from hypothesis import HealthCheck, find, settings
    from simconc.front.strategies import schedules

    path = tmp_path / "ten.py"
    path.write_text(textwrap.dedent("""\
        import threading

        lock = threading.Lock()
        order = []


        def append(i):
            with lock:
                order.append(i)


        lock.acquire()
        threads = [threading.Thread(target=append, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        lock.release()
        for t in threads:
            t.join()
        print(order[0])
        """))
    found = find(schedules(), lambda schedule: schedule.run(str(path)).stdout == "9\n",
                 settings=settings(max_examples=2000, database=None, derandomize=True,
                                   suppress_health_check=list(HealthCheck)))
    assert found.run(str(path)).stdout == "9\n"


def test_a_preemption_bound_runs_fewer_schedules_and_still_finds_the_lost_update():
    assert simconc.explore(LOST_UPDATE, preemption_bound=0).ok    # no switch: no lost update
    bounded = simconc.explore(LOST_UPDATE, preemption_bound=1)
    assert bounded.executions < 4
    assert [f.preemptions for f in bounded.failures] == [1]
    # A bounded search is a heuristic: it never claims to have run every schedule.
    assert not bounded.exhausted
    assert bounded.summary().endswith("(dpor; bounded to 1 preemption: not exhaustive)")
    with pytest.raises(ValueError, match="dpor"):
        simconc.explore(LOST_UPDATE, strategy="random", preemption_bound=1)


def test_shrinking_finds_the_same_deadlock_with_fewer_preemptions(capsys):
    sampled = simconc.explore(PHILOSOPHERS, strategy="random", seed=2, max_executions=100)
    [deadlock] = [f for f in sampled.failures if f.kind == "deadlock"]
    shrunk = simconc.shrink(PHILOSOPHERS, deadlock.schedule)
    assert shrunk.message == deadlock.message
    assert shrunk.preemptions < deadlock.preemptions
    assert shrunk.preemptions == 2   # two philosophers interrupted after their left fork
    assert simconc.run(PHILOSOPHERS, schedule=shrunk.schedule).status == "deadlock"
    assert cli(["shrink", PHILOSOPHERS, deadlock.schedule]) == 1
    assert "2 preemptions" in capsys.readouterr().out
    assert simconc.explore(PHILOSOPHERS, preemption_bound=0).ok
    passing = simconc.run(LOST_UPDATE, semantics="untimed")   # the first ready thread, always
    assert passing.ok
    with pytest.raises(ValueError, match="does not fail"):
        simconc.shrink(LOST_UPDATE, passing.schedule)


@pytest.mark.parametrize("strategy", ["random", "pct", "pos"])
def test_jobs_split_a_sampled_exploration_and_report_the_same(strategy):
    one = simconc.explore(PHILOSOPHERS, strategy=strategy, seed=5, max_executions=24)
    split = simconc.explore(PHILOSOPHERS, strategy=strategy, seed=5, max_executions=24, jobs=3)
    assert split.to_dict() == one.to_dict()
    with pytest.raises(ValueError, match="enumerate, the baseline, runs in one"):
        simconc.explore(PHILOSOPHERS, strategy="enumerate", jobs=2)


@pytest.mark.parametrize("program, options", [
    (PHILOSOPHERS, {}),                               # a deadlock
    ("lost_update_3", {}),                            # 36 executions
    (LOST_UPDATE, {"switch_points": "gil"}),
    (PHILOSOPHERS, {"preemption_bound": 1}),
])
def test_jobs_split_the_exhaustive_search_and_report_the_same(program, options, monkeypatch,
                                                               tmp_path):
    from simconc.explore.parallel import Ahead
    if program == "lost_update_3":
        program = write(tmp_path, LOST_UPDATE_N.replace("N_THREADS", "3"))
    taken = []
    follow = Ahead.follow

    def counted(self, engine, ran):
        strategy = follow(self, engine, ran)
        taken.append(strategy is not None)
        return strategy
    monkeypatch.setattr(Ahead, "follow", counted)
    one = simconc.explore(program, **options).to_dict()
    for jobs in (2, 3):
        assert simconc.explore(program, jobs=jobs, **options).to_dict() == one
    # The search never had to run again an execution a worker had run.
    assert all(taken)
    if program != PHILOSOPHERS:   # (7 executions: over before the workers get going)
        assert taken, "no worker's execution was used"


def test_jobs_survive_a_worker_that_fails(monkeypatch, tmp_path):
    # A worker that cannot explore its subtree costs time, never results: the search runs
    # those executions itself. (The workers are forked: they inherit the broken function.)
    from simconc.explore import parallel

    def broken(*args, **kwargs):
        raise RuntimeError("a worker's failure")
    program = write(tmp_path, LOST_UPDATE_N.replace("N_THREADS", "3"))
    one = simconc.explore(program).to_dict()
    monkeypatch.setattr(parallel, "_explore_subtree", broken)
    assert simconc.explore(program, jobs=2).to_dict() == one


def test_jobs_where_processes_are_spawned_an_unpicklable_program_runs_alone(monkeypatch):
    import multiprocessing

    def body():     # a local function: spawned processes cannot be given it
        import threading
        box = {"n": 0}

        def bump():
            box["n"] = box["n"] + 1
        threads = [threading.Thread(target=bump) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    one = simconc.explore(body).to_dict()
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert simconc.explore(body, jobs=2).to_dict() == one


def test_enumerate_is_ordered_against_a_thread_start(tmp_path):
    # enumerate()/active_count() read every thread's liveness at once, in one step; a start
    # and an end write it. Here `a` counts either before `b` is started, or after.
    path = write(tmp_path, """
        import threading
        go = threading.Event()
        seen = []
        def look():
            seen.append(threading.active_count())
        a = threading.Thread(target=look)
        a.start()
        b = threading.Thread(target=go.wait)
        b.start()
        a.join()
        go.set()
        b.join()
        print(seen[0])
    """)
    report = simconc.explore(path)
    assert report.exhausted and sorted(o for o, _ in report.outcomes) == ["2", "3"]


def test_the_choices_of_a_timed_run_are_explored_too():
    condition = os.path.join(SCENARIOS, "condition.py")
    report = simconc.explore(condition, semantics="timed", strategy="enumerate")
    assert report.exhausted and report.ok and report.executions > 1
    # Which consumer the notify_all wakes first is the GIL's choice: both orders are possible.
    firsts = {o.split(" | ")[1].split(":")[0] for o, _ in report.outcomes}
    assert firsts == {"c1", "c2"}
    untimed = simconc.explore(condition)
    # Untimed, the notify can come before a consumer waits: that consumer waits for ever.
    assert {f.kind for f in untimed.failures} == {"deadlock"}
    assert all("to be notified" in f.message for f in untimed.failures)
    with pytest.raises(ValueError, match="enumerate or random"):
        simconc.explore(condition, semantics="timed")


def test_ctrl_c_stops_the_command_with_the_summary_so_far():
    import signal
    import subprocess
    import sys
    import time
    proc = subprocess.Popen(
        [sys.executable, "-m", "simconc", "explore", LOST_UPDATE, "--strategy", "random",
         "--max-executions", "10000000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _exploring(proc)
    time.sleep(2)   # (the lost update is found in the first few executions)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err.decode()        # the lost update was found before
    text = out.decode()
    assert "interrupted: a partial exploration" in text
    assert "failure 1 of 1 (check" in text and "replay: simconc replay" in text
    assert b"Traceback" not in err


def test_ctrl_c_twice_stops_at_once_and_never_blames_the_program():
    # The second Ctrl-C (or a `timeout` passing its SIGINT on after the terminal's) interrupts
    # at once, here in the middle of a long execution or of its explanation: it is never the
    # program's KeyboardInterrupt, and a failure found is reported with its outcome.
    import signal
    import subprocess
    import sys
    import time
    proc = subprocess.Popen(
        [sys.executable, "-m", "simconc", "explore", os.path.join(DOCS, "long_count.py")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"simconc: exploring" not in seen:   # (the search runs: its first progress line)
        chunk = os.read(proc.stderr.fileno(), 4096)
        assert chunk, seen.decode()
        seen += chunk
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = seen + err
    text = out.decode()
    assert "interrupted: a partial exploration" in text, text + err.decode()
    assert "KeyboardInterrupt" not in text
    assert ("[check failed]" in text) == bool(re.search(r"failure 1 of \d+ \(check", text)), text
    assert b"Traceback" not in err, err.decode()


@pytest.mark.parametrize("args", [[], ["--jobs", "2"], ["--strategy", "random", "--jobs", "2"]],
                         ids=["dpor", "dpor-jobs", "random-jobs"])
def test_sigterm_stops_the_command_with_the_summary_so_far_and_no_process_left(args):
    # As a CI runner or a process manager stops a job: SIGTERM to the command alone, not to
    # its workers. It is Ctrl-C: the report so far, and every worker ends with it.
    import signal
    import subprocess
    import sys
    import time
    proc = subprocess.Popen(
        [sys.executable, "-m", "simconc", "explore", NOLOCK, "--max-executions", "10000000",
         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _exploring(proc)
    children = _workers(proc, 1 if "--jobs" in args else 0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    assert "interrupted: a partial exploration" in out.decode()
    time.sleep(0.5)
    assert not [child for child in children if _running(child)]


def test_a_request_that_reaches_a_worker_before_it_explores_still_stops_it(tmp_path):
    # A worker of --jobs gets SIGTERM (passed on by the search) as it starts, here while it
    # unpickles a check that takes a second to unpickle. It was once handled there by the
    # handler the worker was forked with, the search's, and let go: the worker explored on and
    # the exploration never ended.
    import signal
    import subprocess
    import sys
    path = write(tmp_path, f"""
        import time
        import simconc

        class Check:
            def __init__(self):
                self.state = "some"

            def __call__(self):
                return True

            def __setstate__(self, state):
                time.sleep(1.0)

        report = simconc.explore({NOLOCK!r}, strategy="random", jobs=2, check=Check(),
                                 max_executions=10_000_000)
        print(report.interrupted, report.executions < 10_000_000)
        """, name="explores.py")
    proc = subprocess.Popen([sys.executable, path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _exploring(proc)
    children = _workers(proc, 1)
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            for child in children:
                subprocess.run(["kill", "-9", child])
            proc.kill()
    assert b"Traceback" not in err, err.decode()
    assert out == b"True True\n"


def test_a_killed_search_leaves_no_worker_behind():
    import subprocess
    import sys
    import time
    proc = subprocess.Popen(
        [sys.executable, "-m", "simconc", "explore", NOLOCK, "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _exploring(proc)
    children = _workers(proc, 1)
    proc.kill()
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while [child for child in children if _running(child)]:
        assert time.monotonic() < deadline, f"workers {children} outlived their search"
        time.sleep(0.1)


def _exploring(proc, timeout: float = 120) -> None:
    """Wait until the command ``proc`` handles SIGTERM, as an exploration does from its first
    step (explore.api.stop_requests): a signal sent before would find it still starting, with
    Python's own handler, however long a loaded machine takes to import it."""
    import signal
    import time
    deadline = time.monotonic() + timeout
    while True:
        with open(f"/proc/{proc.pid}/status") as status:
            caught = next(int(line.split()[1], 16) for line in status
                          if line.startswith("SigCgt:"))
        if caught & 1 << (signal.SIGTERM - 1):
            return
        assert proc.poll() is None and time.monotonic() < deadline, "it never began exploring"
        time.sleep(0.05)


def _workers(proc, fewest: int, timeout: float = 120) -> list:
    """The child processes of ``proc`` once there are at least ``fewest`` (a second, when none
    are wanted: none were started then)."""
    import subprocess
    import time
    deadline = time.monotonic() + (timeout if fewest else 1.0)
    while True:
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        if len(children) >= fewest and (fewest or time.monotonic() >= deadline):
            return children
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.1)


def _running(pid: str) -> bool:
    """Whether process ``pid`` runs (not ended, nor a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_main_thread_alone_can_deadlock(tmp_path):
    path = write(tmp_path, """
        import threading
        lock = threading.Lock()
        lock.acquire()
        lock.acquire()
        """)
    report = simconc.explore(path)
    assert report.exhausted and [f.kind for f in report.failures] == ["deadlock"]


def test_a_check_then_act_on_a_dict_is_a_race(tmp_path):
    path = write(tmp_path, """
        import threading

        cache = {}
        computed = []

        def get(key):
            if key not in cache:
                computed.append(key)
                cache[key] = key * 2
            return cache[key]

        threads = [threading.Thread(target=get, args=(1,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def check():
            assert len(computed) == 1, f"computed {len(computed)} times"
        """)
    report = simconc.explore(path)
    assert report.exhausted
    [failure] = report.failures
    assert failure.message == "check failed: computed 2 times"
    assert any("1 in dict = False" in line for line in failure.explanation)


def test_container_methods_are_steps_on_the_whole_container(tmp_path):
    # append writes the whole list, xs[0] reads one key of it: they conflict, so both orders run.
    path = write(tmp_path, """
        import threading

        xs = []
        seen = []

        def writer():
            xs.append(1)

        def reader():
            try:
                seen.append(xs[0])
            except IndexError:
                seen.append(None)

        threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(seen, len(xs))
        """)
    report = simconc.explore(path)
    assert report.exhausted
    assert sorted(dict(report.outcomes)) == ["[1] 1", "[None] 1"]


def test_a_defaultdicts_lookup_stores_the_missing_key_a_write(tmp_path):
    # d["k"] on a defaultdict makes the value and stores it: taken for a read, it commuted
    # with the other thread's "k" in d, and only one of the two answers was ever seen.
    path = write(tmp_path, """
        import threading
        from collections import defaultdict

        d = defaultdict(int)

        def lookup():
            d["k"]

        def probe():
            print("k" in d)

        threads = [threading.Thread(target=lookup), threading.Thread(target=probe)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """)
    report = simconc.explore(path)
    assert report.exhausted
    assert sorted(dict(report.outcomes)) == ["False", "True"]


def test_a_lock_a_defaultdict_makes_is_the_first_lookups_and_every_plan_is_followed(tmp_path):
    # The lock is made by the thread that looks the key up first (and named after it). With
    # the lookups taken for reads, which commute, a plan in which a looks it up first was
    # grafted after b's lookup and b's acquire of the lock b made, as if independent: a then
    # held b's lock where b was planned to take it, and the plan could not be followed
    # ("not exhaustive"). limits 5.8.0's MemoryStorage (bench/libraries/limits_memory_timer)
    # keeps its locks so: defaultdict(threading.RLock).
    path = write(tmp_path, """
        import threading
        from collections import defaultdict

        locks = defaultdict(threading.Lock)
        seen = {}

        def scan():
            list(seen)

        def a():
            with locks["k"]:
                seen["k"] = 1

        def b():
            seen["b"] = 1
            with locks["k"]:
                seen["k"] = 2

        threads = [threading.Thread(target=f) for f in (scan, b, a)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(sorted(seen.items()))
        """)
    report = simconc.explore(path)
    assert report.unfollowed == 0 and report.exhausted
    assert sorted(dict(report.outcomes)) == ["[('b', 1), ('k', 1)]", "[('b', 1), ('k', 2)]"]


# -- reads that race with nothing are not steps ---------------------------------------------------
# A module variable that no function assigns is written only by the thread running the module
# body: that thread's reads of it, and every thread's reads of one assigned once before any other
# thread started, are not steps. Every other read still is, and no outcome is lost.

def outcomes(path: str, strategy: str = "dpor") -> set[str]:
    report = simconc.explore(path, strategy=strategy)
    assert report.exhausted
    return {outcome for outcome, _count in report.outcomes}


def test_a_variable_the_module_body_writes_after_starting_a_thread_is_still_a_race(tmp_path):
    path = write(tmp_path, """
        import threading

        seen = []
        flag = 0

        def reader():
            try:
                seen.append((flag, late))
            except NameError:
                seen.append((flag, None))

        t = threading.Thread(target=reader)
        t.start()
        flag = 1    # assigned twice by the body: a race with the reader's read
        late = 2    # assigned once, but after the reader started: a race too
        t.join()
        print(seen[0])
        """)
    expected = {"(0, None)", "(0, 2)", "(1, None)", "(1, 2)"}
    assert outcomes(path) == expected
    assert outcomes(path, "enumerate") == expected


def test_a_variable_assigned_once_after_a_thread_started_is_still_a_race(tmp_path):
    path = write(tmp_path, """
        import threading

        seen = []

        def reader():
            try:
                seen.append(late)
            except NameError:
                seen.append(None)

        t = threading.Thread(target=reader)
        t.start()
        late = 2
        t.join()
        print(seen[0])
        """)
    assert outcomes(path) == outcomes(path, "enumerate") == {"None", "2"}


def test_a_variable_assigned_in_a_loop_or_by_a_function_is_still_a_race(tmp_path):
    path = write(tmp_path, """
        import threading

        seen = []
        count = 0
        current = None

        def bump():
            global count
            count = count + 1

        def reader():
            seen.append((current, count))

        t = threading.Thread(target=reader)
        t.start()
        for current in ("a", "b"):
            pass
        bump()
        t.join()
        print(seen[0])
        """)
    # The reader may read ``current`` before, during or after the loop, and ``count`` before or
    # after the function assigned it.
    expected = {f"({current!r}, {count})" for current in (None, "a", "b") for count in (0, 1)}
    assert outcomes(path) == expected
    assert outcomes(path, "enumerate") == expected


def test_reads_that_race_with_nothing_take_no_step(tmp_path):
    report = simconc.explore(LOST_UPDATE)
    result = simconc.run(LOST_UPDATE, schedule=report.failures[0].schedule)
    keys = {step.key for step in result.steps}
    # ``counter`` is assigned once, before the threads start; ``threads`` and ``t`` are only
    # assigned by the module body, and read by the main thread that runs it.
    assert not any(key[0] == "global" for key in keys)
    # The reads are still on the trace, where the interleaving shows them.
    assert any(e.op == "read" and e.obj.startswith("counter = ") for e in result.trace)


@pytest.mark.parametrize("n, traces, cut_short", [(4, 105, 0), (5, 1761, 0)])
def test_the_dining_philosophers_run_each_trace_once(tmp_path, n, traces, cut_short):
    # Each execution's trace is computed here independently (locks and lists named through the
    # program's own globals). Each must be a trace no other execution ran, and the report must
    # count them all. (With five philosophers, DPOR once ran 3,619 executions and 52 cut short
    # for 1,729 distinct traces, and missed 4 of the 271 outcomes it finds now.)
    from simconc.explore.dependence import dependent
    from simconc.explore.dpor import Dpor
    with open(PHILOSOPHERS) as f:
        path = write(tmp_path, f.read().replace("N = 3", f"N = {n}"))

    def trace(result):
        names = {id(fork): f"fork{i}" for i, fork in enumerate(result.namespace["forks"])}
        names[id(result.namespace["forks"])] = "forks"
        names[id(result.namespace["threads"])] = "threads"
        steps, count = [], {}
        for s in result.steps:
            key = names[s.key] if isinstance(s.key, int) else (
                (names[s.key[0]], *s.key[1:]) if isinstance(s.key[0], int) else s.key)
            count[s.thread] = count.get(s.thread, 0) + 1
            steps.append(((s.thread, count[s.thread]), key, s.access))
        return frozenset((a[0], b[0]) for n, b in enumerate(steps) for a in steps[:n]
                         if a[0][0] != b[0][0] and dependent(a[1], a[2], b[1], b[2])) \
            | {len(steps)}

    engine, runs = Dpor(), []
    while True:
        strategy = engine.begin()
        result = simconc.run(path, strategy=strategy, semantics="untimed", trace=False)
        if not strategy.blocked:
            runs.append(trace(result))
        if not engine.end(result.steps, strategy.blocked, result.pending):
            break
    report = simconc.explore(path, samples=False)   # (the search's own count: no PCT samples)
    assert report.exhausted
    assert report.executions == len(set(runs)) == len(runs) == traces
    assert report.redundant == 0
    # A fork is named by the thread that made it (World.name_new), so a step another execution
    # planned is known for what it is wherever the fork is first taken: with forks named by
    # their ids, five philosophers cut 14 executions short, then 7, then none (4 while the sleep
    # check took only a plan's initials: test_dpor.py, test_a_sleeping_thread_independent_...).
    assert report.blocked == cut_short
    assert sum(report.outcome_counts.values()) == report.executions
    assert report.to_dict()["redundant"] == 0


def test_a_lock_is_named_alike_in_every_execution_whatever_order_threads_make_them(tmp_path):
    # Each worker makes a lock of its own: which is made first differs from one schedule to
    # the next, and so do their ids; the location their steps touch does not.
    path = write(tmp_path, """
        import threading

        def worker():
            lock = threading.Lock()
            with lock:
                pass

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    """)
    firsts, keys = set(), {(0,): set(), (1,): set()}
    for seed in range(12):
        steps = simconc.run(path, seed=seed, semantics="untimed", trace=False).steps
        acquires = [s for s in steps if s.access == "acq"]
        firsts.add(acquires[0].thread)
        for s in acquires:
            keys[s.thread].add(s.key)
    assert firsts == {(0,), (1,)}        # either worker may run first
    assert all(len(k) == 1 for k in keys.values()) and keys[(0,)] != keys[(1,)]


def test_threads_polling_in_turn_still_let_the_thread_they_wait_for_run(tmp_path):
    # Each poll of one poller used to reset the other's count, so neither was ever held back:
    # the search ran 3,000 executions without an end in sight, and event.py's consumers,
    # polling in turn, ran into the step limit ("a livelock") after 1,513.
    path = write(tmp_path, """
        import threading, time

        done = False

        def poller():
            while not done:
                time.sleep(0.01)

        def worker():
            global done
            time.sleep(0.01)
            done = True

        threads = [threading.Thread(target=poller), threading.Thread(target=poller),
                   threading.Thread(target=worker)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    """)
    report = simconc.explore(path, max_executions=500)
    assert report.exhausted and report.ok
    assert report.executions < 50


def test_a_plan_the_program_cannot_take_is_cut_short_not_taken_for_nondeterminism(tmp_path):
    # The run is cut by the step limit while the holder reads its own lock: the waiter's
    # acquire, which never ran, races with that read, but cannot come before it (the lock is
    # held). The plan was once followed into "the program depends on something the schedule
    # does not decide", an error that ended the exploration.
    path = write(tmp_path, """
        import threading

        lock = threading.Lock()

        def holder():
            with lock:
                while True:
                    lock.locked()

        def waiter():
            with lock:
                pass

        threading.Thread(target=holder).start()
        threading.Thread(target=waiter).start()
    """)
    report = simconc.explore(path, max_steps=30)
    assert report.exhausted and report.blocked >= 1
    assert {f.kind for f in report.failures} == {"limit"}


def test_a_library_imported_before_the_run_reads_its_own_constants_without_steps(tmp_path,
                                                                               monkeypatch):
    # The pytest plugin's case: the module under test is imported (instrumented) before any
    # execution, so its body has made every write of LIMIT already; ``hits``, which a function
    # assigns, is still a step on every read and write.
    import sys

    from simconc.instrument.importer import InstrumentingFinder, instrument_packages
    (tmp_path / "limits_lib.py").write_text(textwrap.dedent("""
        LIMIT = 2
        hits = 0

        def take():
            global hits
            if hits < LIMIT:
                hits = hits + 1
                return True
            return False
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = instrument_packages(["limits_lib"])
    try:
        import limits_lib

        def program():
            import threading
            limits_lib.hits = 0   # a module's state outlives an execution: each starts afresh
            took = []
            threads = [threading.Thread(target=lambda: took.append(limits_lib.take()))
                       for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(sorted(took))

        report = simconc.explore(program)
        result = simconc.run(program, semantics="untimed")
    finally:
        sys.meta_path.remove(finder)
        sys.modules.pop("limits_lib", None)
    assert isinstance(finder, InstrumentingFinder)
    keys = {step.key for step in result.steps}
    assert ("global", "limits_lib", "hits") in keys
    assert ("global", "limits_lib", "LIMIT") not in keys
    # Three threads check-then-act on ``hits``: more than two can take, as without the elision.
    assert report.exhausted and {o for o, _ in report.outcomes} >= {
        "[False, True, True]", "[True, True, True]"}


def test_the_header_counts_repeated_and_cut_short_executions_apart():
    from simconc.explore.report import ExploreReport
    report = ExploreReport(strategy="dpor", executions=5, redundant=2, blocked=1, exhausted=True)
    assert report.format().splitlines()[0] == (
        "5 executions (dpor; every schedule that matters was run), 2 more repeated a trace "
        "already run, 1 more cut short (redundant, or a thread polling while others could run)")


def test_every_thread_has_a_real_threads_recursion_headroom_in_every_execution(tmp_path):
    # Each thread runs on a greenlet, which keeps the recursion depth of the greenlet that
    # started it. Started from the threads that needed them and then reused, greenlets got
    # deeper execution after execution: the tutorial's 100 threads ran out of recursion (a
    # RecursionError inside simconc) after a few dozen executions. More threads than the pool of
    # idle greenlets keeps (64), so that new ones are made during the runs.
    path = write(tmp_path, """
        import threading


        def headroom():
            def down(n):
                try:
                    return down(n + 1)
                except RecursionError:
                    return n
            return down(0)


        rooms = []
        threads = [threading.Thread(target=lambda: rooms.append(headroom())) for _ in range(70)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(min(rooms) // 10 * 10)   # (to ten frames: the threads' own start differs a little)
        """)
    report = simconc.explore(path, max_executions=20)
    [(room, _count)] = report.outcomes            # the same in every execution
    assert int(room) >= 900                       # a real thread starts with about 990


def test_a_workers_uncaught_exception_is_in_the_report_of_the_main_threads_failure(tmp_path):
    # The worker's exception is the cause; the main thread's failed assert only its symptom.
    path = write(tmp_path, """
        import threading

        results = []


        def worker():
            results.append(int("not a number"))


        t = threading.Thread(target=worker, name="worker")
        t.start()
        t.join()
        assert results == [1], "no result"
        """)
    [failure] = simconc.explore(path).failures
    assert failure.message == "AssertionError: no result (in MainThread)"
    assert [e["thread"] for e in failure.exceptions] == ["MainThread", "worker"]
    text = failure.format()
    assert "uncaught in worker: ValueError: invalid literal for int() with base 10: " \
           "'not a number'" in text
    died = [s for s in failure.steps if s["op"] == "uncaught"]
    assert [(s["thread"], s["obj"].split(" (")[0]) for s in died] == \
        [("worker", "ValueError"), ("MainThread", "AssertionError")]
    assert died[0]["where"].endswith("prog.py:8")


#: Two threads each add 3,000 to a counter one `counter += 1` at a time: 12,006 steps.
LONG_COUNT = os.path.join(os.path.dirname(SCENARIOS), "docs", "examples", "long_count.py")


def _source(path: str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def test_a_long_program_is_explored_whole_and_its_lost_update_found():
    # 3,000 increments a thread: more than 12,000 steps, past what used to be every
    # execution's limit. The first execution runs as long as the program does, the others up
    # to four times that: the check runs, and fails in the second.
    path = LONG_COUNT
    report = simconc.explore(path, stop_on_failure=True)
    assert report.executions == 2 and report.max_steps > 4 * 12_000
    [failure] = report.failures
    assert (failure.kind, failure.message) == ("check", "check failed: 3000 updates were lost")
    replayed = simconc.run(path, schedule=failure.schedule)
    assert replayed.status == "check" and replayed.check_failure == failure.message
    assert len(replayed.steps) > 10_000


def test_a_long_interleaving_is_shown_where_it_matters_and_whole_on_request():
    [failure] = simconc.explore(LONG_COUNT, stop_on_failure=True).failures
    short = failure.format(file="prog.py").splitlines()
    whole = failure.format(file="prog.py", full=True).splitlines()
    assert len(whole) > 12_000 and len(short) < 60
    assert sum("not shown: --full shows the whole interleaving" in line for line in short) == 2
    # The four accesses of the lost update are there, each with the rows around it.
    for access in ("Thread-1 (work)  read counter = 2999 ", "Thread-2 (work)  read counter = 5998 ",
                   "Thread-2 (work)  write counter = 5999 ", "Thread-1 (work)  write counter = 3000 "):
        assert any(access in line for line in short), "\n".join(short)
    assert short[-1].startswith("  replay: simconc replay prog.py ")
    assert [line for line in whole if "not shown" in line] == []


def test_a_token_keeps_a_step_limit_other_than_the_default():
    path = LONG_COUNT
    report = simconc.explore(path, max_steps=500, stop_on_failure=True)
    [failure] = report.failures
    assert failure.kind == "limit"
    assert failure.message.startswith("the execution was cut at its step limit, 500 steps")
    # (Replayed under the default limit, it would go on past 500 steps: the token says where.)
    replayed = simconc.run(path, schedule=failure.schedule)
    assert replayed.status == "limit" and len(replayed.steps) == 500
    assert simconc.run(LOST_UPDATE, schedule=simconc.explore(LOST_UPDATE).failures[0].schedule
                       ).status == "check"   # (a token of the default limit keeps none)


@pytest.mark.parametrize("body, words", [
    (_source(LONG_COUNT), "it was still getting somewhere: in its last "
     "1,000 steps, 500 of 500 writes stored a value never stored there before"),
    ("""
import threading
x = 0
def flip():
    global x
    while True:
        x = 1
        x = 0
threading.Thread(target=flip).start()
""", "it was going round in circles: in its last 1,000 steps, its 1,000 writes stored only "
     "values stored there before"),
], ids=["long", "livelock"])
def test_a_cut_execution_says_whether_it_was_getting_somewhere(tmp_path, body, words):
    path = write(tmp_path, body)
    report = simconc.explore(path, max_steps=2000, stop_on_failure=True)
    [failure] = report.failures
    assert failure.kind == "limit"
    assert failure.explanation[0].startswith(words), failure.explanation


def test_progress_goes_to_a_log_at_a_steady_interval(monkeypatch, capsys):
    import simconc.front.cli as cli_module
    monkeypatch.setattr(cli_module, "PROGRESS_EVERY", 0.0)   # (every execution, here)
    assert cli(["explore", NOLOCK, "--strategy", "random", "--max-executions", "3"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("simconc: exploring: 1 executions of 3, 1 outcome, 0 failures, ")
    assert len(err) == 3
    assert cli(["explore", LOST_UPDATE]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("simconc: exploring: 1 executions (at least ")
    assert err[-1].startswith("simconc: exploring: 4 executions (none more planned), "
                              "2 outcomes, 1 failure, ")


def test_plans_that_could_not_be_followed_are_said_and_the_search_is_not_exhaustive():
    # (limits 5.8.0's MemoryStorage, explored, has six: the search goes on without them.)
    from simconc.explore.report import ExploreReport
    report = ExploreReport(strategy="dpor", executions=10, unfollowed=2)
    assert report.summary() == ("10 executions (dpor; not exhaustive: 2 planned schedules could "
                                "not be followed (the program depends on something the "
                                "schedule does not decide))")
    assert report.to_dict()["unfollowed"] == 2


def test_a_simplequeue_between_threads_is_explored_with_every_plan_followed(tmp_path):
    # Ported step by step, 3.10-3.12's SimpleQueue kept a flag between steps that no step
    # showed: 10 of 35 plans could not be followed, and explored executors could fail with
    # "release unlocked lock", a deadlock CPython cannot have.
    path = tmp_path / "simple_queue.py"
    path.write_text(textwrap.dedent("""
        import queue, threading
        q = queue.SimpleQueue()
        got = []
        def worker():
            for _ in range(3):
                got.append(q.get())
        t = threading.Thread(target=worker)
        t.start()
        for i in range(3):
            q.put(i)
        t.join()
        print(got)
    """))
    report = simconc.explore(str(path))
    assert report.exhausted and report.unfollowed == 0
    assert {o for o, _ in report.outcomes} == {"[0, 1, 2]"}


def test_an_executors_as_completed_explored_has_no_failure_and_no_unfollowed_plan():
    report = simconc.explore(os.path.join(SCENARIOS, "as_completed.py"), max_executions=1000)
    assert not report.failures and report.unfollowed == 0
    # Every order of completion (the three fetches have no order without time).
    assert len(report.outcomes) == 6


_AS_COMPLETED_EXPLORED = """
import sys
import simconc
report = simconc.explore(sys.argv[1], max_executions=200)
print(report.executions, [(outcome, count) for outcome, count in report.outcomes])
"""


def test_an_exploration_of_as_completed_is_the_same_in_every_process(tmp_path):
    # as_completed and wait yield the futures done at once in the order of a set: the futures'
    # addresses' order, which differed from one process to the next (so did the outcomes an
    # exploration met within its budget, and how often). A run's futures hash by when they were
    # made, as its threads do.
    script = tmp_path / "explore.py"
    script.write_text(_AS_COMPLETED_EXPLORED)
    outputs = set()
    for hash_seed in ("0", "1", "2"):
        done = subprocess.run([sys.executable, str(script),
                               os.path.join(SCENARIOS, "as_completed.py")],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs
