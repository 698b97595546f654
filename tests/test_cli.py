"""`simconc run`, `replay`, `list` from the outside: output, exit status, and bad input."""
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def simconc(*args, cwd=REPO, timeout=60):
    return subprocess.run([sys.executable, "-m", "simconc", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout)


@pytest.fixture
def write(tmp_path):
    def write(name, source):
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return str(path)
    return write


COUNTER = """
    import threading, time
    value = 0
    def work():
        global value
        new = value + 1
        time.sleep(0.001)
        value = new
    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads: t.start()
    for t in threads: t.join()
    print("value", value)
"""


def test_run_prints_the_programs_output_and_a_summary(write):
    path = write("counter.py", COUNTER)
    proc = simconc("run", path, "--seed", "4")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("value ")
    assert "simulated" in proc.stderr and "schedule" in proc.stderr
    quiet = simconc("run", path, "--seed", "4", "--quiet")
    assert quiet.stdout == proc.stdout and quiet.stderr == ""


def test_json_output_has_the_promised_fields(write):
    proc = simconc("run", write("counter.py", COUNTER), "--seed", "2", "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    for key in ("stdout", "seed", "schedule", "elapsed", "status", "deadlock", "exceptions"):
        assert key in data
    assert data["status"] == "ok" and data["deadlock"] is None and data["seed"] == 2
    assert data["stdout"].startswith("value ")


def test_replay_reproduces_the_run_exactly(write):
    path = write("counter.py", COUNTER)
    first = json.loads(simconc("run", path, "--seed", "9", "--json").stdout)
    again = json.loads(simconc("replay", path, first["schedule"], "--json").stdout)
    assert again["stdout"] == first["stdout"]
    assert again["elapsed"] == first["elapsed"]
    assert again["schedule"] == first["schedule"]


def test_trace_shows_operations_with_time_and_thread(write):
    proc = simconc("run", write("counter.py", COUNTER), "--trace", "--quiet")
    lines = proc.stderr.splitlines()
    assert any("Thread-1 (work)" in line and "sleep" in line and " ms]" in line
               for line in lines)
    assert any("MainThread" in line and "join" in line for line in lines)


def test_deadlock_exits_1_and_names_both_locks(write):
    path = write("deadlock.py", """
        import threading, time
        lock_a, lock_b = threading.Lock(), threading.Lock()
        def one():
            with lock_a:
                time.sleep(0.01)
                with lock_b: pass
        def two():
            with lock_b:
                time.sleep(0.01)
                with lock_a: pass
        t1 = threading.Thread(target=one, name="one"); t2 = threading.Thread(target=two, name="two")
        t1.start(); t2.start(); t1.join(); t2.join()
    """)
    proc = simconc("run", path)
    assert proc.returncode == 1
    assert "Deadlock" in proc.stderr
    assert "lock_a" in proc.stderr and "lock_b" in proc.stderr
    assert "one -> two -> one" in proc.stderr or "two -> one -> two" in proc.stderr
    data = json.loads(simconc("run", path, "--json").stdout)
    assert data["status"] == "deadlock" and sorted(data["deadlock"]["cycle"]) == ["one", "two"]


def test_a_thread_exception_is_reported_like_excepthook_and_the_run_goes_on(write):
    path = write("boom.py", """
        import threading, time
        def boom():
            time.sleep(0.002)
            raise ValueError("bad value")
        t = threading.Thread(target=boom, name="worker")
        t.start(); t.join()
        print("main carries on")
    """)
    proc = simconc("run", path)
    assert proc.returncode == 1
    assert proc.stdout == "main carries on\n"
    assert "Exception in thread worker at 2." in proc.stderr
    assert "ValueError: bad value" in proc.stderr
    assert "simconc/" not in proc.stderr.split("-- simconc")[0]  # no frames of ours


@pytest.mark.parametrize("args, message", [
    (["run", "does/not/exist.py"], "no such scenario file"),
    (["run", "SYNTAX", "--seed", "1"], "syntax error"),
    (["run", "COUNTER", "--seed", "seven"], "invalid int value"),
    (["replay", "COUNTER", "not-a-token"], "not a simconc token"),
    (["replay", "COUNTER", "1cgCAgICAEAACBwM"], "the token belongs to a different program"),
])
def test_bad_input_is_a_clear_error_with_status_2(write, args, message):
    paths = {"SYNTAX": write("syntax.py", "def broken(:\n    pass\n"),
             "COUNTER": write("counter.py", COUNTER)}
    proc = simconc(*[paths.get(a, a) for a in args])
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


SPIN = """
    import threading, time
    done = False
    def spin():
        while not done:
            pass
    t = threading.Thread(target=spin, name="spinner")
    start = time.time()
    t.start()
    done = True
    t.join()
    print(f"{time.time() - start:.4f}")
"""


def test_a_busy_wait_loses_the_gil_after_the_switch_interval_as_in_cpython(write):
    # The scenario's Python is counted: the spinner computes, and after 5 ms the main thread,
    # which waits for the GIL, gets it and sets the flag, as CPython's switch interval does.
    proc = simconc("run", write("spin.py", SPIN), "--spin-timeout", "5")
    assert proc.returncode == 0, proc.stderr
    assert 0.005 <= float(proc.stdout) < 0.006


def test_a_spinning_thread_where_python_is_free_is_stopped_with_its_name_and_line(write):
    # Under `ideal`, pure Python takes no time: the spinner would never let main run.
    proc = simconc("run", write("spin.py", SPIN), "--profile", "ideal", "--spin-timeout", "1")
    assert proc.returncode == 1
    assert "'spinner'" in proc.stderr and "spin.py:5" in proc.stderr
    assert "Traceback" not in proc.stderr


ENDLESS = {
    # (each prints "started" once it runs, then never ends, as it would not under CPython)
    "threads": """
        import threading, time
        def tick():
            while True:
                time.sleep(0.5)
        threading.Thread(target=tick).start()
        print("started", flush=True)
        while True:
            time.sleep(1)
    """,
    "computing": """
        print("started", flush=True)
        x = 0
        while True:
            x += 1
    """,
    "asyncio": """
        import asyncio
        async def main():
            print("started", flush=True)
            while True:
                await asyncio.sleep(1)
        asyncio.run(main())
    """,
    "processes": """
        import multiprocessing, time
        def work():
            while True:
                time.sleep(1)
        if __name__ == "__main__":
            p = multiprocessing.Process(target=work)
            p.start()
            print("started", flush=True)
            p.join()
    """,
}


@pytest.mark.parametrize("kind", sorted(ENDLESS))
def test_ctrl_c_stops_a_run_that_never_ends_with_its_output_so_far_and_no_traceback(write, kind):
    # Ctrl-C used to land wherever the signal found Python: in a simulated thread it was the
    # program's uncaught exception and the run went on (a program that never ends could not be
    # stopped); in the kernel, a traceback of simconc's insides.
    import signal
    import time
    path = write("endless.py", ENDLESS[kind])
    for delay in (0.0, 0.15, 0.4):   # (wherever the signal finds the run)
        proc = subprocess.Popen([sys.executable, "-m", "simconc", "run", path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline() == "started\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (delay, err)
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, err)
        assert "simconc: interrupted (Ctrl-C): the run stopped where it was" in err


def test_list_names_each_scenario_with_its_row():
    proc = simconc("list", "--json")
    assert proc.returncode == 0
    entries = json.loads(proc.stdout)
    assert entries and all({"path", "title", "row"} <= set(e) for e in entries)
    assert any(e["path"].endswith("nolock.py") and e["row"] == 5 for e in entries)


def test_waits_without_a_cycle_say_what_each_thread_waits_for(write):
    path = write("forgotten.py", """
        import threading, queue
        ready = threading.Event()
        jobs = queue.Queue()
        def waiter():
            ready.wait()
        def consumer():
            while True:
                jobs.get()
        threading.Thread(target=waiter, name="waiter").start()
        threading.Thread(target=consumer, name="consumer").start()
        print("main is done")
    """)
    proc = simconc("run", path)
    assert proc.returncode == 1
    assert proc.stdout == "main is done\n"
    assert "There is no cycle" in proc.stderr
    assert "waiter waits for ready (Event#1) to be set at forgotten.py:6" in proc.stderr
    assert re.search(r"consumer waits for jobs \(Queue#\d+\) to get an item at forgotten.py:9",
                     proc.stderr)
    assert ("MainThread waits for thread 'waiter' to finish (at exit the interpreter waits for "
            "every non-daemon thread)") in proc.stderr


def test_output_keeps_its_order_in_one_pipe(write):
    """stdout and stderr into one pipe (a CI log, `2>&1 | less`), stdout block-buffered as it
    is there: what the program printed, the thread's traceback, the trace and the summary come
    out in the order they happened."""
    path = write("order.py", """
        import threading
        print("before")
        def w():
            raise ValueError("x")
        t = threading.Thread(target=w); t.start(); t.join()
        print("after")
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for extra in ([], ["--trace"]):
        out = subprocess.run([sys.executable, "-m", "simconc", "run", *extra, path], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=60).stdout
        marks = ["before", "start Thread-1", "ValueError: x", "after", "-- simconc: FAILED"]
        if not extra:
            marks.remove("start Thread-1")
        positions = [out.find(mark) for mark in marks]
        assert -1 not in positions and positions == sorted(positions), out


ARGS = """
    import sys, threading
    rounds = int(sys.argv[1])
    counter = 0
    def work():
        global counter
        for _ in range(rounds):
            counter = counter + 1
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(sys.argv[1:], counter)
    def check():
        return counter == 2 * max(rounds, 0)
"""


def test_the_program_gets_its_arguments_as_python_gives_them(write):
    path = write("args.py", ARGS)
    for words, program_args in ((["3"], ["3"]), (["--quiet", "3", "x y"], ["3", "x y"]),
                                (["--quiet", "--", "3", "-v", "--"], ["3", "-v", "--"])):
        proc = simconc("run", path, *words)
        assert proc.returncode == 0, proc.stderr
        real = subprocess.run([sys.executable, path, *program_args], capture_output=True,
                              text=True, timeout=60)
        assert proc.stdout == real.stdout == f"{program_args!r} 6\n"
    # An option among them is simconc's, as the usage says: after -- it is the program's.
    proc = simconc("run", path, "3", "-v")
    assert proc.returncode == 2
    assert "unrecognized arguments: -v (the program's own go after --)" in proc.stderr


def test_a_replay_command_carries_the_arguments(write):
    path = write("args.py", ARGS)
    proc = simconc("run", path, "--seed", "1", "--", "-2")
    # (int("-2") is -2: no rounds, and the replay must give the program "-2" again)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "['-2'] 0\n"
    replay = re.search(r"replay:  (.*)", proc.stderr).group(1)
    assert replay.endswith(" -- -2")
    again = simconc(*replay.split()[1:])
    assert again.returncode == 0, again.stderr
    assert again.stdout == proc.stdout
    bare = simconc("replay", path, replay.split()[3])
    assert bare.returncode == 1 and "IndexError: list index out of range" in bare.stderr


def test_explore_and_shrink_give_the_program_its_arguments(write):
    path = write("args.py", ARGS)
    page = os.path.join(os.path.dirname(path), "report.html")
    proc = simconc("explore", path, "--html", page, "--", "1")
    assert proc.returncode == 1, proc.stderr
    assert "['1'] 1" in proc.stdout   # the lost update, found with rounds = 1
    replay = re.search(r"replay: (simconc replay .*)", proc.stdout).group(1)
    assert replay.endswith(" -- 1")
    with open(page, encoding="utf-8") as f:
        assert replay in f.read()   # (the page's replay command too, its token in place)
    token = replay.split()[3]
    shrunk = simconc("shrink", path, token, "--", "1")
    assert shrunk.returncode == 1, shrunk.stderr
    assert re.search(r"replay: simconc replay \S+ \S+ -- 1\n", shrunk.stdout)
    refused = simconc("list", "--", "1")
    assert refused.returncode == 2 and "list takes no program arguments" in refused.stderr
