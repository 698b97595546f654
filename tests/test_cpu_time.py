"""A scenario's own Python costs simulated CPU time (simconc.instrument.ticks): counted from the
code, in proportion to the work, at the profile's speed, with the GIL's switch interval applied
to it as CPython applies it; and counting it changes nothing else the program can see."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import simconc
from simconc.instrument.rewrite import compile_instrumented
from simconc.instrument.ticks import COUNTER, NEXT
from simconc.kernel.counting import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP = simconc.PROFILES["tutorial-2017"].python_step


def run_ok(path: str, **options) -> str:
    result = simconc.run(path, **options)
    assert result.status == "ok", result.error or result.stderr
    return result.stdout


def test_a_call_and_a_loop_iteration_each_cost_one_step(scenario):
    result = simconc.run(scenario("""
        import time
        def fib(n):
            if n <= 2:
                return 1
            return fib(n - 1) + fib(n - 2)
        start = time.perf_counter()
        fib(20)                              # 2 * fib(20) - 1 = 13,529 calls
        middle = time.perf_counter()
        for i in range(10_000):              # 10,000 iterations
            pass
        squares = [i * i for i in range(5_000)]   # 5,000 elements
        end = time.perf_counter()
        print(repr(middle - start), repr(end - middle))
    """), profile="tutorial-2017")
    assert result.status == "ok", result.error
    fib_time, loops_time = map(float, result.stdout.split())
    assert fib_time == pytest.approx(13_529 * STEP, rel=1e-9)
    assert loops_time == pytest.approx(15_000 * STEP, rel=1e-9)


def test_under_the_ideal_profile_python_is_free(scenario):
    result = simconc.run(scenario("""
        import time
        for i in range(100_000):
            pass
        print(time.perf_counter())
    """), profile="ideal")
    assert result.status == "ok" and float(result.stdout) == 0.0


def forced_switches(result) -> int:
    return sum(1 for event in result.trace if event.op == "gil-drop")


@pytest.mark.parametrize("interval", [0.005, 0.001])
def test_two_computing_threads_hand_the_gil_over_every_switch_interval(scenario, interval):
    result = simconc.run(scenario(f"""
        import sys, threading, time
        sys.setswitchinterval({interval})
        def work():
            for i in range(250_000):   # about 50.8 ms of CPU time each
                pass
        start = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(time.perf_counter() - start)
    """), profile="tutorial-2017", trace=True)
    assert result.status == "ok", result.error
    computing = 2 * 250_000 * STEP
    # One thread computes at a time (one GIL), handing over once an interval, each hand-over
    # costing the profile's forced switch.
    switches = forced_switches(result)
    assert switches == pytest.approx(computing / interval, rel=0.1)
    elapsed = float(result.stdout)
    forced = simconc.PROFILES["tutorial-2017"].forced_switch
    assert elapsed == pytest.approx(computing + switches * forced, rel=0.02)


def test_a_computing_thread_lets_a_waiting_thread_in_after_the_switch_interval(scenario):
    # The main thread sleeps 10 ms, wakes while the worker computes, and waits for the GIL for
    # one switch interval (5 ms), as in CPython.
    result = simconc.run(scenario("""
        import threading, time
        def work():
            for i in range(500_000):   # about 0.1 s
                pass
        t = threading.Thread(target=work)
        t.start()
        start = time.perf_counter()
        time.sleep(0.01)
        print(round(time.perf_counter() - start, 4))
        t.join()
    """), profile="tutorial-2017")
    assert result.status == "ok", result.error
    # 10 ms of sleep, its timer slack (0.025 to 0.075 ms), 5 ms waiting for the GIL, and the
    # forced switch's hand-over (0.185 ms).
    assert 0.0152 <= float(result.stdout.split()[0]) <= 0.0153


def test_the_same_seed_gives_the_same_times(scenario):
    path = scenario("""
        import threading, time
        def work(n):
            return sum(i for i in range(n))
        threads = [threading.Thread(target=work, args=(20_000 * k,)) for k in range(1, 4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(repr(time.perf_counter()))
    """)
    runs = {simconc.run(path, seed=3).stdout for _ in range(3)}
    assert len(runs) == 1


LINES = """
def f(xs):
    t = 0
    for x in xs:
        if x:
            t += 1
        else:
            continue
    while t:
        t -= 1
    g = lambda y: y + 1
    return [g(y) for y in xs if y], {y: y for y in xs}, list(y for y in xs)
"""


def line_events(namespace: dict) -> list:
    f = namespace["f"]
    events = []

    def tracer(frame, event, arg):
        if event == "line" and frame.f_code.co_filename == "<lines>":
            events.append((frame.f_code.co_name, frame.f_lineno))
        return tracer
    sys.settrace(tracer)
    try:
        value = f([1, 0, 1])
    finally:
        sys.settrace(None)
    return [value, events]


def test_counted_code_returns_the_same_and_a_tracer_sees_the_same_lines():
    # Coverage tools and debuggers trace lines: a tick adds no line event (no branch, one line).
    plain: dict = {}
    exec(compile(LINES, "<lines>", "exec"), plain)
    charged: list = []
    counted: dict = {COUNTER: Counter(3, charged.append), NEXT: next}
    exec(compile_instrumented(LINES, "<lines>", memory=False, ticks=True), counted)
    assert line_events(counted) == line_events(plain)
    assert charged   # (the batches of 3 were used up, and charged)


def test_a_long_computation_is_not_stopped_as_spinning_and_is_said_to_compute(scenario):
    # Nothing tells a long computation from an endless loop: the watchdog says what the thread
    # does instead of stopping it; --until (or Ctrl-C) stops it.
    path = scenario("""
        while True:
            pass
    """)
    # (its simulated time runs a few times faster than real time: the limit is far enough
    # that the watchdog's 0.2 s of real time pass first, on a fast quiet machine too)
    proc = subprocess.run([sys.executable, "-m", "simconc", "run", path, "--until", "30",
                           "--spin-timeout", "0.2"], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "stopped at the --until limit" in proc.stderr
    assert "has computed for 0.2 s of real time without blocking at program.py:3" in \
        proc.stderr
    assert "busy-waiting" not in proc.stderr


# --- the free-threaded build --------------------------------------------------------------------

def test_without_a_gil_cpu_bound_threads_run_at_once_on_the_cores(scenario):
    path = scenario("""
        import threading, time
        def work():
            for i in range(100_000):
                pass
        def timed(n):
            threads = [threading.Thread(target=work) for _ in range(n)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - start
        print(timed(1), timed(2), timed(4))
    """)
    one, two, four = map(float, run_ok(path, gil=False).split())
    # (each start costs ~0.1 ms, 0.5% of a thread's 20 ms of work)
    assert two == pytest.approx(one, rel=0.03)       # two threads, two cores: no slower
    assert four == pytest.approx(2 * one, rel=0.03)  # four threads take turns on two cores
    one, two, four = map(float, run_ok(path).split())
    # With the GIL one computes at a time, and they hand it over every 5 ms (185 us each).
    assert 2 * one < two < 2.1 * one


def test_the_gil_scenario_without_a_gil_halves_the_threaded_time():
    result = simconc.run(os.path.join(REPO, "scenarios", "gil.py"), gil=False,
                         spin_timeout=600)
    assert result.status == "ok" and not result.gil
    times = [float(line.rsplit(" ", 1)[1]) for line in result.stdout.splitlines()]
    assert times[1] / times[0] == pytest.approx(0.5, rel=0.01)


def test_no_gil_and_the_gil_builds_switch_points_contradict_each_other(scenario):
    with pytest.raises(ValueError, match="contradict"):
        simconc.run(scenario("pass\n"), gil=False, semantics="untimed", switch_points="gil")


def test_the_summary_and_the_replay_say_no_gil(scenario):
    proc = subprocess.run([sys.executable, "-m", "simconc", "run", scenario("print(1)\n"),
                           "--no-gil"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0
    assert "| no GIL" in proc.stderr and proc.stderr.rstrip().endswith("--no-gil")
