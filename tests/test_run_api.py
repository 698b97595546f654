"""`simconc.run` from Python: callables, the module swap, results, and failures."""
import os
import gc
import sys
import threading as real_threading
import time as real_time

import pytest

import simconc

LOCK = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios",
                    "lock.py")


def test_ctrl_c_comes_out_of_run_with_the_process_as_it_was(tmp_path):
    # A Ctrl-C is the user's: run() stops where the program is, unwinds its threads and raises
    # KeyboardInterrupt, never the program's exception, and the next run works.
    import signal
    import subprocess
    import textwrap
    script = tmp_path / "caller.py"
    script.write_text(textwrap.dedent("""
        import sys, threading, time
        import simconc

        def endless():
            def tick():
                while True:
                    time.sleep(0.5)
            threading.Thread(target=tick).start()
            while True:
                time.sleep(1)

        print("started", flush=True)   # (the run's own output is its result's)
        try:
            simconc.run(endless)
        except KeyboardInterrupt:
            print("interrupted", threading.Thread.__module__, sys.stdout is sys.__stdout__,
                  time.sleep.__module__, flush=True)
        result = simconc.run(lambda: print("again"))
        print(result.status, result.stdout.strip())
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "started\n"
    real_time.sleep(1)   # (the run goes on, then: simulated seconds pass by the thousand)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (0, "interrupted threading True time\nok again\n", "")


def test_a_callable_runs_as_the_main_thread_with_the_face_in_sys_modules():
    seen = {}

    def program():
        import threading, time
        seen["threading"] = threading
        seen["name"] = threading.current_thread().name
        t0 = time.monotonic()
        time.sleep(1.5)
        seen["slept"] = time.monotonic() - t0

    result = simconc.run(program, seed=1)
    assert result.status == "ok"
    assert seen["threading"] is not real_threading
    assert seen["name"] == "MainThread"
    assert 1.5 <= seen["slept"] < 1.51
    # ... and the real modules are back afterwards.
    assert sys.modules["threading"] is real_threading
    assert sys.modules["time"] is real_time


def test_the_real_modules_come_back_even_when_the_program_fails():
    def program():
        import threading
        raise KeyError("oops")

    result = simconc.run(program)
    assert result.status == "error"
    assert result.exceptions[0].type == "KeyError"
    assert "KeyError: 'oops'" in result.stderr
    assert sys.modules["threading"] is real_threading


class _Library:
    """Stands for a library that bound the real threading long ago: not the program's module,
    whose names are rebound for each run, but something it holds."""
    threading = real_threading


def test_starting_a_real_os_thread_is_refused_clearly():
    def program():
        _Library.threading.Thread(target=print).start()   # the real module, imported long ago

    before = real_threading.active_count()
    result = simconc.run(program)
    assert result.status == "error"
    assert "real OS thread" in result.error
    assert real_threading.active_count() == before


def test_the_programs_own_module_gets_the_simulated_threading():
    # This module imported the real threading at its top, as a script does before it calls
    # simconc.run(main): for the length of each run, its names are the face's.
    def program():
        t = real_threading.Thread(target=print, args=("simulated",))
        t.start()
        t.join()

    result = simconc.run(program)
    assert (result.status, result.stdout, result.threads) == ("ok", "simulated\n", 2)
    assert real_threading.Thread.__module__ == "threading"   # the real one again


def test_random_is_seeded_from_the_run_seed():
    def program():
        import random
        print(random.random())

    import random
    assert simconc.run(program, seed=7).stdout == f"{random.Random(7).random()}\n"
    assert simconc.run(program, seed=7).stdout == simconc.run(program, seed=7).stdout


def test_a_programs_change_to_a_face_module_stays_in_its_execution():
    def program():
        import threading
        threading.excepthook = lambda args: print("custom hook", args.exc_type.__name__)
        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()

    assert simconc.run(program).stdout == "custom hook ZeroDivisionError\n"

    def plain():
        import threading
        t = threading.Thread(target=lambda: 1 / 0, name="w")
        t.start()
        t.join()

    result = simconc.run(plain)
    assert "Exception in thread w" in result.stderr and result.stdout == ""


def test_modules_first_imported_during_a_run_are_imported_afresh_next_time(tmp_path):
    # logging makes a module-level RLock at import: from the face, if first imported in a run.
    path = tmp_path / "uses_logging.py"
    path.write_text("import logging, threading\n"
                    "logging.getLogger('x').warning('hello from %s', "
                    "threading.current_thread().name)\n")
    saved = sys.modules.pop("logging", None)
    try:
        for _ in range(2):
            result = simconc.run(str(path))
            assert result.status == "ok", result.stderr
            assert "hello from MainThread" in result.stderr
            assert "logging" not in sys.modules
    finally:
        if saved is not None:
            sys.modules["logging"] = saved


def test_each_execution_imports_the_programs_own_modules_afresh(tmp_path):
    # As each `python FILE` does: a module of the program's counts from zero in every execution
    # the search runs (it kept its count from the previous one, and the check failed).
    (tmp_path / "tally.py").write_text("count = 0\n\ndef bump():\n"
                                       "    global count\n    count += 1\n")
    path = tmp_path / "uses_tally.py"
    path.write_text("import threading\nimport tally\nx = 0\n\n"
                    "def work():\n    global x\n    x += 1\n    tally.bump()\n\n"
                    "def check():\n    assert tally.count == 2, tally.count\n\n"
                    "t = threading.Thread(target=work)\nt.start()\nwork()\nt.join()\n")
    report = simconc.explore(str(path))
    assert report.executions > 1
    assert report.ok, report.format()
    assert "tally" not in sys.modules


def polling_program():
    import threading
    lock = threading.Lock()
    lock.acquire()

    def poll():
        while not lock.acquire(False):   # never blocks
            pass
        print("the poller got the lock")

    threading.Thread(target=poll, name="poller").start()
    lock.release()


def test_polling_a_lock_lets_time_pass_and_the_gil_go_as_in_cpython():
    # Each acquire costs the poller CPU time: after a switch interval of it, the GIL is forced
    # over to the main thread, which releases the lock, as CPython's switch interval does.
    result = simconc.run(polling_program, spin_timeout=5)
    assert result.status == "ok" and result.stdout == "the poller got the lock\n"
    assert 0.005 <= result.elapsed < 0.007


def test_polling_a_lock_where_nothing_costs_time_is_caught_as_spinning():
    # Under `ideal` a lock's operations are free: the poller never lets main run.
    result = simconc.run(polling_program, spin_timeout=1, profile="ideal")
    assert result.status == "error"
    assert "'poller'" in result.error and "busy-waiting" in result.error


def test_polling_a_lock_nobody_will_release_is_caught_as_spinning_not_a_hang():
    def program():
        import threading
        lock = threading.Lock()
        lock.acquire()   # and never released

        def poll():
            while not lock.acquire(False):
                pass

        t = threading.Thread(target=poll, name="poller")
        t.start()
        t.join()

    result = simconc.run(program, spin_timeout=1)
    assert result.status == "error" and result.elapsed > 0   # its polling made time pass...
    assert "'poller'" in result.error and "busy-waiting" in result.error   # ...and nothing else


def test_sys_exit_in_a_thread_is_not_a_failure():
    def program():
        import sys, threading
        t = threading.Thread(target=sys.exit, args=(3,))
        t.start()
        t.join()
        print("main goes on")

    result = simconc.run(program)
    assert result.status == "ok" and result.stderr == "" and result.exceptions == []


def test_an_error_in_a_threading_atexit_hook_stops_them_and_is_reported_as_cpython_does():
    def program():
        import threading
        threading._register_atexit(print, "the first registered never runs")
        threading._register_atexit(lambda: 1 / 0)
        threading._register_atexit(print, "the last registered runs first")

    result = simconc.run(program)
    # (as `python -c` of that program prints; its loop in threading._shutdown has no handler)
    assert result.stdout == "the last registered runs first\n"
    header = "Exception ignored on threading shutdown:" if sys.version_info >= (3, 13) \
        else "Exception ignored in: <module 'threading' from '"
    assert result.stderr.startswith(header)
    assert result.stderr.endswith("ZeroDivisionError: division by zero\n")


def test_sleep_and_acquire_reject_what_cpython_rejects():
    log = []

    def program():
        import threading, time
        lock = threading.Lock()
        for call in (lambda: time.sleep(float("inf")), lambda: time.sleep(float("nan")),
                     lambda: time.sleep("1"), lambda: lock.acquire(True, None)):
            try:
                call()
            except (OverflowError, ValueError, TypeError) as e:
                log.append(type(e).__name__)

    simconc.run(program)
    assert log == ["OverflowError", "ValueError", "TypeError", "TypeError"]


def test_unseeded_random_streams_are_still_a_function_of_the_run_seed():
    def program():
        import random
        random.seed()
        print(random.random(), random.Random().random())

    assert simconc.run(program, seed=5).stdout == simconc.run(program, seed=5).stdout
    assert simconc.run(program, seed=5).stdout != simconc.run(program, seed=6).stdout


def test_a_scenario_sees_its_own_argv_and_can_import_its_neighbours(tmp_path):
    (tmp_path / "helper.py").write_text("GREETING = 'hi from the helper'\n")
    script = tmp_path / "main.py"
    script.write_text("import sys, helper\nprint(sys.argv[0].endswith('main.py'), helper.GREETING)\n")
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    assert simconc.run(str(script)).stdout == "True hi from the helper\n"
    assert sys.argv == saved_argv and sys.path == saved_path


def test_output_capture_is_a_text_stream():
    def program():
        import sys
        print(sys.stdout.encoding)
        try:
            sys.stdout.write(b"bytes")
        except TypeError as e:
            print(e)

    assert simconc.run(program).stdout == "utf-8\nwrite() argument must be str, not bytes\n"


def test_the_callers_alarm_timer_is_put_back():
    import signal
    signal.signal(signal.SIGALRM, lambda *a: None)
    signal.setitimer(signal.ITIMER_REAL, 30.0)
    try:
        simconc.run(lambda: None)
        remaining, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining <= 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def test_a_thread_that_swallows_its_unwinding_cannot_hang_the_run():
    def program():
        import threading, time

        def stubborn():
            while True:
                try:
                    time.sleep(1)
                except BaseException:
                    pass

        threading.Thread(target=stubborn, daemon=True, name="stubborn").start()

    result = simconc.run(program)
    assert result.status == "ok"
    assert "'stubborn' caught the exception that unwinds it" in result.stderr


@pytest.mark.parametrize("arguments, message", [
    ({"seed": -5}, "a seed is from 0 to 4294967295"),
    ({"seed": 2 ** 32}, "a seed is from 0 to 4294967295"),   # (it would stand for seed 0)
    ({"until": -1}, "until is a simulated time, 0 or more"),
    ({"spin_timeout": 0}, "the spin timeout is the real time"),
    ({"check": "counter.value =="}, "is not a Python expression"),
])
def test_an_argument_a_run_cannot_take_is_refused_before_it_runs(arguments, message):
    with pytest.raises(ValueError, match=message):
        simconc.run(LOCK, **arguments)


def test_an_exploration_refuses_a_pct_depth_below_one_and_a_bad_check():
    with pytest.raises(ValueError, match="PCT's depth"):
        simconc.explore(LOCK, strategy="pct", depth=0)
    with pytest.raises(ValueError, match="is not a Python expression"):
        simconc.explore(LOCK, check="x ===")


def test_an_executor_imported_before_the_run_is_made_afresh_for_it(tmp_path):
    # pytest, or the code under test, imported concurrent.futures (on the real threading)
    # before the run: the program's import gets a copy on the simulated one, and the real
    # modules are back afterwards, as they were.
    import concurrent.futures
    import multiprocessing
    import multiprocessing.pool
    path = tmp_path / "pool.py"
    path.write_text("from concurrent.futures import ThreadPoolExecutor\n"
                    "import multiprocessing.pool\n"
                    "with ThreadPoolExecutor(2) as ex:\n"
                    "    print(list(ex.map(abs, [-1, -2, -3])))\n")
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    assert result.stdout == "[1, 2, 3]\n"
    assert sys.modules["concurrent.futures"] is concurrent.futures
    assert multiprocessing.pool is sys.modules["multiprocessing.pool"]
    assert multiprocessing.pool is vars(multiprocessing)["pool"]
    with concurrent.futures.ThreadPoolExecutor(1) as ex:   # the real one still works
        assert ex.submit(abs, -4).result() == 4


_FINALIZED = """
import threading


class Noisy:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name, "in", threading.current_thread().name)
        if self.name in ("bad", "dropped"):
            1 / 0


def worker():
    dropped = Noisy("dropped")


thread = threading.Thread(target=worker, name="worker")
thread.start()
thread.join()
kept = Noisy("bad")
print("end")
"""


@pytest.mark.parametrize("semantics", ["timed", "untimed"])
def test_a_programs_objects_are_finalized_where_cpython_finalizes_them(tmp_path, semantics):
    # What a thread drops, in that thread (under untimed semantics too, which once kept it
    # alive to the end of the execution); what the globals hold, at the interpreter's exit, in
    # the main thread; an exception in either reported on the program's stderr as CPython
    # reports it, with a stand-in address (CPython prints a real one; and pytest's own hook
    # once took the thread's report away from the program's stderr); nothing after os._exit,
    # nor after the run (it once gave a NotInSimulation traceback there, outside the run).
    import re
    import subprocess
    path = tmp_path / "finalized.py"
    path.write_text(_FINALIZED)
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.stdout == "del dropped in worker\nend\ndel bad in MainThread\n"
    assert real.stderr.count("ZeroDivisionError: division by zero\n") == 2
    results = [simconc.run(str(path), semantics=semantics) for _ in range(2)]
    for result in results:
        assert result.stdout == real.stdout
        assert result.stderr.count("Exception ignored in: <function Noisy.__del__ at 0x7f5a") == 2
        assert re.sub("0x[0-9a-f]+", "ADDRESS", result.stderr) \
            == re.sub("0x[0-9a-f]+", "ADDRESS", real.stderr)
    assert results[0].stderr == results[1].stderr
    path = tmp_path / "exits.py"
    path.write_text(_FINALIZED + "import os\nos._exit(0)\n")
    # (python -u: simconc's stdout is unbuffered, where CPython's, to a pipe, loses at
    # os._exit what it has not flushed: processes.md lists it among what is not yet simulated)
    exited = subprocess.run([sys.executable, "-u", str(path)], capture_output=True, text=True)
    ended = simconc.run(str(path), semantics=semantics)
    assert ended.stdout == exited.stdout == "del dropped in worker\nend\n"
    assert re.sub("0x[0-9a-f]+", "ADDRESS", ended.stderr) \
        == re.sub("0x[0-9a-f]+", "ADDRESS", exited.stderr)


def test_the_exceptions_cpython_ignores_are_reported_as_the_running_version_reports_them(
        tmp_path):
    # CPython's default unraisable hook prints no chained exception nor note, names a class of
    # __main__ with its module on 3.10 only, prints "ValueError: " for an empty message, and
    # 3.13 words the atexit and thread reports otherwise and draws no carets. At the
    # interpreter's exit a finalizer's traceback has no source lines. simconc printed 3.12's
    # wording on every version, with the traceback module's format.
    import re
    import subprocess
    path = tmp_path / "ignored.py"
    path.write_text(
        "import _thread, atexit, threading, time\n"
        "class Mine(Exception):\n"
        "    class Inner(Exception):\n"
        "        pass\n"
        "def boom():\n"
        "    1 / 0\n"
        "def chained():\n"
        "    try:\n"
        "        {}['key']\n"
        "    except KeyError:\n"
        "        error = ValueError()\n"
        "        if hasattr(error, 'add_note'):\n"
        "            error.add_note('a note')\n"
        "        raise error\n"
        "def inner():\n"
        "    raise Mine.Inner('x')\n"
        "class Res:\n"
        "    def __del__(self):\n"
        "        boom()\n"
        "done = threading.Event()\n"
        "def thread():\n"
        "    try:\n"
        "        boom()\n"
        "    finally:\n"
        "        done.set()\n"
        "_thread.start_new_thread(thread, ())\n"
        "done.wait()\n"
        "time.sleep(0.5)\n"
        "for each in (boom, chained, inner):\n"
        "    atexit.register(each)\n"
        "res = Res()\n")
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.stderr.count("Traceback") == 5
    result = simconc.run(str(path))
    assert re.sub("0x[0-9a-f]+", "ADDRESS", result.stderr) \
        == re.sub("0x[0-9a-f]+", "ADDRESS", real.stderr)


_DAEMONS = '''
import sys, threading, time
class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("del", self.name, "starts", flush=True)
        time.sleep(0.5)
        print("del", self.name, "ends", flush=True)
elsewhere = {}
exec("""
import sys, time
class Apart:
    def __del__(self):
        print("del apart", flush=True)
def daemon(held):
    try:
        while True:
            sys.stdout.write("daemon\\\\n")
            time.sleep(0.2)
    finally:
        print("daemon's finally", flush=True)
""", elsewhere)   # (a class and a function whose globals are not the main module's)
def own_daemon(held):
    elsewhere["daemon"](held)
target, held = {"own": (own_daemon, Noisy("held")),
                "holds": (elsewhere["daemon"], Noisy("held")),
                "apart": (elsewhere["daemon"], elsewhere["Apart"]())}[CASE]
threading.Thread(target=target, args=(held,), daemon=True).start()
del held
time.sleep(0.3)
kept = Noisy("global")
print("main ends", flush=True)
'''


@pytest.mark.parametrize("semantics", ["timed", "untimed"])
@pytest.mark.parametrize("case", ["own", "holds", "apart"])
def test_what_a_daemon_thread_holds_at_the_exit_is_never_finalized(tmp_path, semantics, case):
    # As CPython finalizes, its daemon threads stop and their stacks are freed without a
    # reference dropped: what they hold is never finalized. If that reaches the main module's
    # globals (a daemon thread that runs the program's own function, or holds an object of a
    # class of the program's, whose methods hold them), none of them is: simconc finalized
    # them, and the daemon thread printed on meanwhile. One that holds nothing of the
    # program's leaves the globals to be finalized, and prints no more.
    import subprocess
    path = tmp_path / "daemons.py"
    path.write_text(f"CASE = {case!r}\n" + _DAEMONS)
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.stdout.endswith("main ends\ndel global starts\ndel global ends\n"
                                if case == "apart" else "main ends\n")
    result = simconc.run(str(path), semantics=semantics)
    assert result.status == "ok", result.error
    if semantics == "timed":
        assert result.stdout == real.stdout
    else:   # (no time passes: how often the daemon thread printed first is the schedule's)
        assert result.stdout.partition("main ends")[2] == real.stdout.partition("main ends")[2]


def test_what_a_finalizer_raises_goes_to_the_hosts_hook_for_a_callable_not_for_a_file(
        tmp_path, monkeypatch):
    # A program file is a process of its own: what its __del__ raises is on its stderr, as
    # CPython prints it, whatever hook the host has. A callable (a test's body) runs in the
    # host's process, whose hook (pytest's) gets it, as it would outside a run.
    collected = []
    monkeypatch.setattr(sys, "unraisablehook", collected.append)

    class Bad:
        def __del__(self):
            raise ValueError("in __del__")

    def body():
        import threading
        worker = threading.Thread(target=Bad)
        worker.start()
        worker.join()

    result = simconc.run(body)
    assert result.status == "ok", result.error
    assert [str(each.exc_value) for each in collected] == ["in __del__"]
    assert result.stderr == ""
    collected.clear()
    path = tmp_path / "bad.py"
    path.write_text("import threading\n"
                    "class Bad:\n"
                    "    def __del__(self):\n"
                    "        raise ValueError('in __del__')\n"
                    "worker = threading.Thread(target=Bad)\n"
                    "worker.start()\n"
                    "worker.join()\n")
    result = simconc.run(str(path))
    assert collected == []
    assert result.stderr.startswith("Exception ignored in: <function Bad.__del__ at 0x7f5a")
    assert result.stderr.endswith("ValueError: in __del__\n")
    assert sys.unraisablehook == collected.append   # (put back after the run)


_KEPT = """
import atexit, logging, os, sys, threading
class R:
    def __del__(self):
        print("del", flush=True)
def hook(*args, **kwargs):
    return None
if KIND == "sys.excepthook":
    sys.excepthook = hook
elif KIND == "threading.excepthook":
    threading.excepthook = hook
elif KIND == "fork hook":
    os.register_at_fork(after_in_child=hook)
elif KIND == "logging filter":
    logging.getLogger().addFilter(hook)
elif KIND == "threading.settrace":
    threading.settrace(hook)
elif KIND == "atexit":
    atexit.register(hook)
elif KIND == "daemon timer":
    timer = threading.Timer(100, hook)
    timer.daemon = True
    timer.start()
r = R()
"""


@pytest.mark.parametrize("kind", ["sys.excepthook", "threading.excepthook", "fork hook",
                                  "logging filter", "threading.settrace", "atexit",
                                  "daemon timer", "none"])
def test_a_hook_of_the_programs_the_interpreter_keeps_keeps_its_globals_unfinalized(
        tmp_path, kind):
    # The interpreter lets go of its hooks only after its last collection at exit: one of the
    # program's functions there keeps the main module's globals, which CPython 3.10 to 3.13 then
    # never finalize (an atexit function does not: the atexit functions are gone by then).
    # A daemon Timer keeps its function in an attribute of its own, not in _target.
    import subprocess
    path = tmp_path / "kept.py"
    path.write_text(f"KIND = {kind!r}\n" + _KEPT)
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.stdout == ("del\n" if kind in ("atexit", "none") else "")
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    assert result.stdout == real.stdout


def test_the_members_of_a_set_are_finalized_in_the_order_they_were_made(tmp_path):
    # A set iterates in its members' hash order, which for objects follows their addresses:
    # walked in that order, which of a set's objects was finalized first changed from one run
    # to the next. (CPython's own order there is its addresses': a run's is the order made.)
    path = tmp_path / "members.py"
    path.write_text(
        "class Res:\n"
        "    def __init__(self, n):\n"
        "        self.n = n\n"
        "    def __del__(self):\n"
        "        print(self.n, end=' ')\n"
        "junk = [object() for _ in range(7)]\n"
        "members = set()\n"
        "for n in range(40):\n"
        "    members.add(Res(n))\n"
        "    junk.append([n] * (n % 5))\n"
        "frozen = frozenset([Res(40), Res(41), Res(42)])\n")
    for _ in range(2):
        result = simconc.run(str(path))
        assert result.stdout == " ".join(str(n) for n in range(43)) + " "


_FINALIZED_IN_ORDER = """\
import threading, queue, time

class R:
    def __init__(self, name, child=None):
        self.name = name
        self.child = child
    def __del__(self):
        print("del", self.name)

class Pool:
    def __init__(self):
        self.items = [R("p%d" % i) for i in range(3)]
        self.lock = threading.Lock()
    def __del__(self):
        print("del pool")

c = R("c0")
def f(x=R("default")): pass
a = R("a", R("a.child")); z = R("z"); d = {"k": R("dv")}; y = R("y")
l = [R("l0"), R("l1")]
t = (R("t0"), R("t1"), 5)
class K:
    attr = R("K.attr")
n = R("n", [R("n.l0"), {"q": R("n.d")}])
pool = Pool()
objs = {i: R("o%d" % i) for i in range(3)}
later = R("later")
later.child = R("later.child")
a = R("a2")
"""


@pytest.mark.parametrize("semantics", ["timed", "untimed"])
def test_a_programs_objects_are_finalized_in_the_order_cpython_finalizes_them(tmp_path,
                                                                               semantics):
    # CPython's exit finalizes the garbage its last collection finds in the order of the
    # collector's list, which an earlier scan rearranged: what the globals hold first (in the
    # order made up to 3.11, as bound from 3.12 on), what they hold after. simconc walked the
    # globals depth first (`a a.child z dv y`), an order no version gives. Compared with the
    # running interpreter: each version's own order (3.10 puts an instance's attributes one
    # step further, in its own dictionary).
    import subprocess
    path = tmp_path / "order.py"
    path.write_text(_FINALIZED_IN_ORDER)
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[:3] == ["del a", "del a.child", "del c0"]
    result = simconc.run(str(path), semantics=semantics)
    assert result.status == "ok", result.error
    assert result.stdout == real.stdout


#: A class whose objects, in a reference cycle of their own or not, report their finalizing.
_REPORTED = """\
class R:
    def __init__(self, name, cycle=False):
        self.name = name
        if cycle:
            self.me = self

    def __del__(self):
        report(self.name)

"""

_CYCLES = """\
import threading

def report(name):
    if name == "bad":
        1 / 0
    print("del", name, "in", threading.current_thread().name)

def work():
    R("made in a thread", True)

thread = threading.Thread(target=work)
thread.start()
thread.join()
kept = R("global")
R("cycle", True)
R("bad", True)
print("end")
"""


def test_what_a_program_left_in_reference_cycles_is_finalized_at_its_exit(tmp_path):
    # CPython's exit collects what the program dropped in cycles, and finalizes it in the
    # main thread, before what its globals hold. A run collects nothing: these were never
    # finalized in it, and the host's collector ran their __del__ after the run, outside it
    # (a NotInSimulation traceback, on the host's stderr).
    import re
    import subprocess
    path = tmp_path / "cycles.py"
    path.write_text(_REPORTED + _CYCLES)
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.stdout == ("end\ndel made in a thread in MainThread\ndel cycle in MainThread\n"
                           "del global in MainThread\n")
    for semantics in ("timed", "untimed"):
        result = simconc.run(str(path), semantics=semantics)
        assert result.status == "ok", result.error
        assert result.stdout == real.stdout
        assert re.sub("0x[0-9a-f]+", "ADDRESS", result.stderr) \
            == re.sub("0x[0-9a-f]+", "ADDRESS", real.stderr)
    import gc
    reported = []
    saved, sys.unraisablehook = sys.unraisablehook, reported.append
    try:
        gc.collect()   # (nothing of the runs' is left to finalize, outside them)
    finally:
        sys.unraisablehook = saved
    assert not [each for each in reported if "R.__del__" in repr(each.object)]


def test_a_multiprocess_programs_cycles_are_not_finalized_after_the_run(tmp_path):
    # Their finalizers ran after the run, as the host collected them: outside it, printing a
    # NotInSimulation traceback on the host's stderr. (Which process left which cycle, the
    # collector cannot tell: they are collected at the main process's exit, unfinalized.)
    path = tmp_path / "cycles.py"
    path.write_text(_REPORTED + """\
import multiprocessing, threading

def report(name):
    print("del", name, "in", threading.current_thread().name)

def child():
    R("the child's", True)

if __name__ == "__main__":
    process = multiprocessing.Process(target=child)
    process.start()
    process.join()
    R("the main process's", True)
    print("end")
""")
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    assert result.stdout == "end\n"
    import gc
    reported = []
    saved, sys.unraisablehook = sys.unraisablehook, reported.append
    try:
        gc.collect()
    finally:
        sys.unraisablehook = saved
    assert not [each for each in reported if "R.__del__" in repr(each.object)]


_EXITS = {
    # The program turned its collector off: the exit's first collection does not come, and
    # nothing rearranges the collector's list. Its last finalizes all in the order made.
    "collector off": """\
import gc

def report(name):
    print("del", name)

R("cycle", True)
a = R("a", R("a.child"))
z = R("z")
gc.disable()
""",
    # The program set sys.stdout and sys.stderr to StringIOs: the exit's first collection
    # finalizes the cycle with them (what it prints is lost), then the exit puts the
    # process's own back, and the globals' finalizers print there.
    "streams replaced": """\
import atexit, io, sys

def report(name):
    print("del", name, "after an atexit function saw", seen)
    print("err", name, file=sys.stderr)

seen = []
kept = R("global")
R("cycle", True)
sys.stdout = io.StringIO()
sys.stderr = io.StringIO()
atexit.register(lambda: seen.append(type(sys.stdout).__name__))
print("hidden")
""",
    # The globals' finalizers run once the exit has cleared sys.modules and sys.meta_path:
    # an import fails (of sys too), where a cycle's, collected before, imports.
    "modules cleared": """\
import importlib

def report(name):
    if name == "uncaught":
        import os
    try:
        import json
        print(name, "imported json", json.dumps([1]))
    except ImportError as exc:
        print(name, "ImportError:", exc)
    try:
        print(name, "imported", importlib.import_module("csv").__name__)
    except ImportError as exc:
        print(name, "import_module: ImportError:", exc)

kept = R("global")
R("cycle", True)
last = R("uncaught")
""",
    # A __del__ that is not a function: CPython binds a descriptor (a partialmethod) and
    # calls it; a subclass's None fails (TypeError), its base class's is not run. simconc
    # ran the base class's, and left the partialmethod to run after the run, outside it.
    "finalizers of every kind": """\
import functools

class Base:
    def __del__(self):
        print("base's", type(self).__name__)

class NoFinalizer(Base):
    __del__ = None

class Partial:
    def _finalize(self, tag):
        print("partialmethod", tag)
    __del__ = functools.partialmethod(_finalize, "p")

class Lambda:
    __del__ = lambda self: print("lambda")

objects = [Base(), NoFinalizer(), Partial(), Lambda()]
""",
}


@pytest.mark.parametrize("case", sorted(_EXITS))
def test_the_exit_finalizes_with_the_collector_and_streams_the_program_left(tmp_path, case):
    # simconc finalized in one order whether the collector was on or off, a program's
    # replaced sys.stdout took its finalizers' output away, and a finalizer at the exit
    # imported what it liked.
    import re
    import subprocess
    path = tmp_path / "exit.py"
    path.write_text(_REPORTED + _EXITS[case])
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.returncode == 0, real.stderr
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    assert result.stdout == real.stdout
    assert re.sub("0x[0-9a-f]+", "ADDRESS", result.stderr) \
        == re.sub("0x[0-9a-f]+", "ADDRESS", real.stderr)


def test_a_functions_stand_in_address_does_not_depend_on_earlier_runs(tmp_path):
    # A library's function outlives runs: it kept the stand-in address an earlier run gave it,
    # so what a run printed depended on what ran before it in the process (here the program's
    # function and json.loads came out at one address).
    import subprocess
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text("import atexit, json\natexit.register(json.loads, '{')\n")
    second.write_text("import atexit, json\n"
                      "def boom():\n"
                      "    1 / 0\n"
                      "atexit.register(json.loads, '{')\n"
                      "atexit.register(boom)\n")
    fresh = subprocess.run([sys.executable, "-m", "simconc", "run", str(second)],
                           capture_output=True, text=True).stderr
    simconc.run(str(first))
    after = simconc.run(str(second)).stderr
    assert after == fresh.partition("\n-- simconc:")[0]
    assert "<function boom at 0x7f5a00010040>" in after
    assert "<function loads at 0x7f5a00010080>" in after


def test_a_program_hook_that_fails_is_reported_alone(tmp_path):
    # CPython reports the hook's own exception, not the one it was given: simconc reported
    # both.
    import re
    import subprocess
    path = tmp_path / "hook.py"
    path.write_text("import _thread, sys, threading, time\n"
                    "def bad_hook(unraisable):\n"
                    "    raise RuntimeError('hook fails')\n"
                    "sys.unraisablehook = bad_hook\n"
                    "done = threading.Event()\n"
                    "def thread():\n"
                    "    try:\n"
                    "        1 / 0\n"
                    "    finally:\n"
                    "        done.set()\n"
                    "_thread.start_new_thread(thread, ())\n"
                    "done.wait()\n"
                    "time.sleep(0.5)\n")
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert "ZeroDivisionError" not in real.stderr and "hook fails" in real.stderr
    result = simconc.run(str(path))
    assert re.sub("0x[0-9a-f]+", "ADDRESS", result.stderr) \
        == re.sub("0x[0-9a-f]+", "ADDRESS", real.stderr)


def test_an_object_finalized_at_its_process_end_is_still_of_its_class(tmp_path, capfd):
    # The end of the main process finalizes the program's objects before its check runs; they
    # were once given another class to keep them from being finalized again when the run
    # dropped them: the check then saw `type(obj) is not Res`, a dataclass unequal to its equal,
    # an object that could not be pickled, and the program's metaclass ran once more.
    path = tmp_path / "kept.py"
    path.write_text(
        "import dataclasses, pickle\n"
        "class Meta(type):\n"
        "    def __init__(cls, *args):\n"
        "        print('class', cls.__name__)\n"
        "        super().__init__(*args)\n"
        "@dataclasses.dataclass\n"
        "class Res(metaclass=Meta):\n"
        "    n: int\n"
        "    def __del__(self):\n"
        "        print('del', self.n)\n"
        "class Sub(Res):\n"
        "    def __del__(self):\n"
        "        print('del sub', self.n)\n"
        "        super().__del__()\n"
        "res, sub = Res(1), Sub(2)\n"
        "def check():\n"
        "    assert type(res) is Res and type(sub) is Sub\n"
        "    assert res == pickle.loads(pickle.dumps(res))\n"
        "    assert Res.__del__.__qualname__ == 'Res.__del__'\n")
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    # (what the check itself makes and drops is finalized there: `del 1`, the unpickled copy)
    assert result.stdout == "class Res\nclass Sub\ndel 1\ndel sub 2\ndel 2\ndel 1\n"
    namespace = result.namespace
    assert type(namespace["sub"]) is namespace["Sub"]
    other = namespace["Sub"](3)   # (one the process never had: finalized when dropped)
    del result, namespace, other
    gc.collect()
    assert capfd.readouterr().out == "del sub 3\ndel 3\n"


def test_an_exploration_finalizes_an_object_whose_class_a_module_of_the_programs_defines(
        tmp_path):
    # An exploration looks for objects to finalize only in a program that defines a __del__
    # (the walk costs every execution): one defined in the program's helper module was missed,
    # and ran after the run, outside it (a NotInSimulation traceback in the real process).
    import subprocess
    (tmp_path / "helper.py").write_text(
        "import threading\n"
        "class Res:\n"
        "    def __del__(self):\n"
        "        print('del in', threading.current_thread().name)\n")
    path = tmp_path / "main.py"
    path.write_text("import helper, threading\n"
                    "res = helper.Res()\n"
                    "worker = threading.Thread(target=print, args=('hi',))\n"
                    "worker.start()\n"
                    "worker.join()\n")
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert real.stdout == "hi\ndel in MainThread\n"
    result = simconc.run(str(path), semantics="untimed")
    assert result.stdout == real.stdout
    # (and a spawned child's, which imports the module itself: it copied its parent's answer
    # as it started, before the module was imported)
    spawning = tmp_path / "spawning.py"
    spawning.write_text("import multiprocessing\n"
                        "def child():\n"
                        "    import helper\n"
                        "    global res\n"
                        "    res = helper.Res()\n"
                        "if __name__ == '__main__':\n"
                        "    process = multiprocessing.get_context('spawn').Process(target=child)\n"
                        "    process.start()\n"
                        "    process.join()\n"
                        "    print('joined')\n")
    real = subprocess.run([sys.executable, str(spawning)], capture_output=True, text=True)
    assert real.stdout == "del in MainThread\njoined\n"
    result = simconc.run(str(spawning), semantics="untimed")
    assert result.stdout == real.stdout
    del result
    gc.collect()


def test_an_object_that_takes_over_a_finalized_ones_id_has_locations_of_its_own(tmp_path):
    # Under untimed semantics an object with a finalizer is not kept alive to the end of the
    # execution (it is finalized where the program drops it), so the next one may get its id:
    # its locations must still be its own, whatever id the allocator gives it, or what
    # conflicts with what (and so an exploration's count) would depend on the allocator.
    path = tmp_path / "reuse.py"
    path.write_text(
        "import threading\n"
        "class Res:\n"
        "    def __del__(self):\n"
        "        pass\n"
        "def worker():\n"
        "    for n in range(3):\n"
        "        r = Res()\n"
        "        r.x = n\n"
        "        del r\n"
        "t = threading.Thread(target=worker)\n"
        "t.start()\n"
        "t.join()\n")
    result = simconc.run(str(path), semantics="untimed")
    assert result.status == "ok", result.error
    writes = [step.key for step in result.steps if "'x'" in repr(step.key)]
    assert len(writes) == 3 and len(set(writes)) == 3


def test_a_script_runs_with_its_arguments_in_each_of_its_processes(tmp_path):
    # As `python FILE ARGS...`: sys.argv in the main process, and in a spawned child, which
    # gets its parent's; sys.argv is the host's again after the run.
    path = tmp_path / "argv.py"
    path.write_text(
        "import multiprocessing as mp, sys\n"
        "def child(q):\n"
        "    q.put(sys.argv[1:])\n"
        "if __name__ == '__main__':\n"
        "    mp.set_start_method('spawn')\n"
        "    q = mp.Queue()\n"
        "    p = mp.Process(target=child, args=(q,))\n"
        "    p.start()\n"
        "    print(sys.argv[1:], q.get())\n"
        "    p.join()\n")
    before = sys.argv[:]
    result = simconc.run(simconc.Script(path, ["-n", "5"]))
    assert result.status == "ok", result.error or result.stderr
    assert result.stdout == "['-n', '5'] ['-n', '5']\n"
    assert sys.argv == before
    assert simconc.run(str(path)).stdout == "[] []\n"
    report = simconc.explore(simconc.Script(path, ["x"]), max_executions=2)
    assert [outcome for outcome, _count in report.outcomes] == ["['x'] ['x']"]


def test_a_scripts_arguments_are_strings():
    with pytest.raises(TypeError, match="a list of strings, not one string"):
        simconc.Script("program.py", "-n 5")
    with pytest.raises(TypeError, match=r"are strings \(as in sys.argv\), not int: 5"):
        simconc.Script("program.py", ["-n", 5])
    assert simconc.Script("program.py", ("a",)) == simconc.Script("program.py", ["a"])
