"""The pytest plugin, run the way a user runs it: plain ``pytest`` in a project of their own."""
from __future__ import annotations

import re

pytest_plugins = ["pytester"]

LIBRARY = '''
from threading import Lock          # bound before any test starts


class Counter:
    def __init__(self):
        self.value = 0

    def increment(self):
        temp = self.value
        self.value = temp + 1


class SafeCounter(Counter):
    def __init__(self):
        super().__init__()
        self.lock = Lock()

    def increment(self):
        with self.lock:
            super().increment()
'''

TESTS = '''
import threading
import pytest
from mylib import Counter, SafeCounter


def hammer(counter, n):
    threads = [threading.Thread(target=counter.increment) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.explore
def test_counter():
    counter = Counter()
    hammer(counter, 2)
    assert counter.value == 2


@pytest.mark.explore
def test_safe_counter():
    counter = SafeCounter()
    hammer(counter, 3)
    assert counter.value == 3


def test_the_real_modules_are_back():
    import mylib
    import simconc.sync
    assert mylib.Lock is threading.Lock
    assert not isinstance(threading.Lock(), simconc.sync.Lock)
    assert not isinstance(mylib.SafeCounter().lock, simconc.sync.Lock)
'''


def project(pytester):
    pytester.mkpydir("mylib").joinpath("__init__.py").write_text(LIBRARY)
    pytester.makepyfile(test_counter=TESTS)
    pytester.makeini("[pytest]\nsimconc_instrument = mylib\n")


def test_a_race_in_library_code_fails_the_test_with_its_explanation_and_token(pytester):
    project(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "lost update of Counter.value" in out
    assert "read Counter.value = 0" in out and "mylib/__init__.py:10" in out
    assert "SimconcWarning" not in out    # mylib is instrumented: many schedules each
    token = re.search(r"replay: pytest 'test_counter.py::test_counter' --simconc-replay (\S+)",
                      out).group(1)
    again = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_counter.py::test_counter",
                                          "--simconc-replay", token)
    again.assert_outcomes(failed=1)
    assert "the replayed execution failed" in again.stdout.str()
    assert "lost update of Counter.value" in again.stdout.str()


def test_without_instrumentation_only_the_locks_are_seen(pytester):
    project(pytester)
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # The counter's reads and writes are not steps, and mylib's Lock, bound from the real
    # threading before the test, is rebound only in named packages: nothing can race, nothing
    # fails. But a test that explored a single schedule says where simconc did not look.
    result.assert_outcomes(passed=3)
    out = result.stdout.str()
    assert "SimconcWarning: simconc ran a single schedule of test_counter:" in out
    assert "name it with --simconc-instrument" in out


def test_a_bad_token_is_a_clear_failure(pytester):
    project(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_counter.py::test_counter",
                                           "--simconc-replay", "not-a-token")
    result.assert_outcomes(failed=1)
    assert "simconc: schedule token 'not-a-token' is not a simconc token" in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_the_marker_chooses_the_gil_builds_switch_points(pytester):
    # Counter.increment reads and writes with nothing between that could let the GIL go: on the
    # GIL build no update is lost, without the GIL one is.
    pytester.mkpydir("mylib").joinpath("__init__.py").write_text(LIBRARY)
    pytester.makepyfile(test_gil='''
import threading
import pytest
from mylib import Counter


def hammer(counter):
    threads = [threading.Thread(target=counter.increment) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.value == 2


@pytest.mark.explore(switch_points="gil")
def test_with_the_gil():
    hammer(Counter())


@pytest.mark.explore(switch_points="any")
def test_free_threaded():
    hammer(Counter())
''')
    pytester.makeini("[pytest]\nsimconc_instrument = mylib\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    assert "test_free_threaded FAILED" in result.stdout.str() or \
        "FAILED test_gil.py::test_free_threaded" in result.stdout.str()


def test_the_marker_runs_the_search_in_several_processes_with_the_same_result(pytester):
    pytester.mkpydir("mylib").joinpath("__init__.py").write_text(LIBRARY)
    pytester.makepyfile(test_jobs='''
import threading
import pytest
from mylib import Counter


def hammer():
    counter = Counter()
    threads = [threading.Thread(target=counter.increment) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.value == 3


@pytest.mark.explore
def test_one_process():
    hammer()


@pytest.mark.explore(jobs=2)
def test_two_processes():
    hammer()
''')
    pytester.makeini("[pytest]\nsimconc_instrument = mylib\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    # Only the failures section: where the CI variable is set, pytest's short summary repeats
    # each failure's whole message, replay lines and all.
    out = result.stdout.str().split("short test summary info")[0]
    tokens: dict[str, list[str]] = {}
    for test, token in re.findall(r"replay: pytest 'test_jobs.py::(\w+)' --simconc-replay (\S+)",
                                  out):
        tokens.setdefault(test, []).append(token)
    assert len(tokens["test_one_process"]) == 2      # both failures, the same tokens
    assert tokens["test_one_process"] == tokens["test_two_processes"]
    summaries = re.findall(r"^(\d+ executions \(dpor.*)$", out, re.MULTILINE)
    assert summaries == ["36 executions (dpor; every schedule that matters was run)"] * 2


def test_pytest_loads_the_plugin_without_simconc_until_a_test_asks(pytester):
    # Installed, simconc's plugin is loaded by every pytest run; one that explores nothing must
    # not pay for importing simconc (its kernel, SimPy, greenlet), nor see its side effects.
    pytester.makepyfile(test_plain='''
        import sys


        def test_plain():
            assert not [m for m in sys.modules if m == "simconc" or m.startswith("simconc.")]
            assert "_simconc_pytestplugin" in sys.modules   # (loaded all the same)
        ''', test_later='''
        import sys
        import pytest


        @pytest.mark.explore
        def test_explored():
            assert "simconc.explore.api" in sys.modules
        ''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_plain.py")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_later.py")
    result.assert_outcomes(passed=1)


def test_a_workers_exception_behind_a_failed_assert_is_in_the_output(pytester):
    pytester.makepyfile(test_worker='''
        import threading
        import pytest


        @pytest.mark.explore
        def test_results():
            results = []
            t = threading.Thread(target=lambda: results.append(1 / 0), name="worker")
            t.start()
            t.join()
            assert results == [1]
        ''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert "uncaught in worker: ZeroDivisionError: division by zero" in result.stdout.str()
