"""The pytest plugin, run the way a user runs it: plain ``pytest`` in a project of their own."""
from __future__ import annotations

import re
import sys

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
    # fails. But a test in which nothing could race says where simconc did not look.
    result.assert_outcomes(passed=3)
    out = result.stdout.str()
    assert ("SimconcWarning: simconc saw nothing in test_counter that could race "
            "(1 execution)") in out
    assert "SimconcWarning: simconc saw nothing in test_safe_counter that could race" in out
    assert "named with --simconc-instrument" in out


def test_the_test_modules_own_accesses_are_seen_and_its_asserts_explained(pytester):
    # python_http_client's race (a frontrun case study): a worker writes, the test body reads.
    # The test module is the user's code: seen without naming it, its asserts still rewritten.
    pytester.makepyfile(test_headers='''
"""A docstring first: pytest puts its imports after it (a line, and no end line)."""
import threading
import pytest


class Client:
    def __init__(self):
        self.headers = {}

    def update(self, key, value):
        self.headers[key] = value


@pytest.mark.explore
def test_the_assert_reads_what_a_worker_writes():
    client = Client()
    t = threading.Thread(target=client.update, args=("a", 1))
    t.start()
    assert client.headers.get("a") == 1
    t.join()


@pytest.mark.explore
def test_joined_first():
    client = Client()
    t = threading.Thread(target=client.update, args=("a", 1))
    t.start()
    t.join()
    assert client.headers.get("a") == 1


def test_the_module_is_plain_again():
    assert "__simconc__" not in globals()
    assert test_joined_first.__code__.co_names.count("__simconc__") == 0
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error::UserWarning")
    result.assert_outcomes(failed=1, passed=2)
    out = result.stdout.str()
    assert "2 executions (dpor; every schedule that matters was run)" in out
    assert "AssertionError: assert None == 1" in out
    assert "+  where None = <built-in method get of dict object at" in out   # pytest's words
    assert re.search(r"MainThread read dict.get\(\) \(test_headers.py:19\), then Thread-1 "
                     r"\(update\) write dict\['a'\] = 1 \(test_headers.py:11\)", out)
    assert "--simconc-replay" in out
    # Every write the body reads was ordered by join: no race, and no warning either.
    assert "could race" not in out


def test_a_scripts_main_explored_from_the_script_itself(pytester):
    # The script imported threading before the exploration: its names are the face's in each
    # execution, and its own reads and writes are seen.
    script = pytester.makepyfile(counting='''
import threading
import simconc

counter = 0


def worker():
    global counter
    counter += 1


def main():
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    assert simconc.run(main).status == "ok"
    report = simconc.explore(main, check=lambda: counter == 2)
    print(report.executions, report.exhausted, [f.kind for f in report.failures])
''')
    result = pytester.run(sys.executable, str(script))
    assert result.ret == 0, result.stderr.str()
    assert result.stdout.lines[-1] == "4 True ['check']"


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


def test_a_named_packages_submodules_get_the_simulated_threading_too(pytester):
    # locked_pkg.counter bound the real RLock as it was imported: were it not rebound, both
    # threads would hold "the lock" at once, and simconc would report an update lost where
    # none can be.
    package = pytester.mkpydir("locked_pkg")
    package.joinpath("counter.py").write_text('''
from threading import RLock


class Counter:
    def __init__(self):
        self.lock = RLock()
        self.value = 0

    def increment(self):
        with self.lock:
            value = self.value
            self.value = value + 1
''')
    pytester.makeini("[pytest]\nsimconc_instrument = locked_pkg\n")
    pytester.makepyfile(test_locked='''
import threading
import pytest
from locked_pkg.counter import Counter


@pytest.mark.explore
def test_locked_increments():
    counter = Counter()
    threads = [threading.Thread(target=counter.increment) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.value == 2
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_an_explore_test_may_skip_or_xfail_itself(pytester):
    pytester.makepyfile(test_skipping='''
import pytest


@pytest.mark.explore
def test_skips_itself():
    pytest.skip("not on this version")


@pytest.mark.explore
def test_xfails_itself():
    pytest.xfail("known bug")
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rsx")
    result.assert_outcomes(skipped=1, xfailed=1)
    assert "not on this version" in result.stdout.str()


def test_locks_made_at_import_are_simulated_locks_in_each_execution(pytester):
    # A real lock held by one simulated thread would block the others, and with them the whole
    # simulation: for each execution, a module's or a class's lock made at import is replaced
    # by a simulated one, and the lost update it prevents is not reported.
    pytester.makepyfile(test_module_locks='''
import threading
import pytest

LOCK = threading.Lock()


class Account:
    _lock = threading.RLock()

    def __init__(self):
        self.balance = 0

    def deposit(self, amount):
        with self._lock:
            balance = self.balance
            self.balance = balance + amount


def run_two(target):
    threads = [threading.Thread(target=target) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.explore
def test_a_module_lock():
    account = Account()

    def deposit():
        with LOCK:
            balance = account.balance
            account.balance = balance + 10
    run_two(deposit)
    assert account.balance == 20


@pytest.mark.explore
def test_a_class_lock():
    account = Account()
    run_two(lambda: account.deposit(10))
    assert account.balance == 20


def test_the_real_locks_are_back():
    assert type(LOCK) is type(threading.Lock())
    assert type(Account._lock) is type(threading.RLock())
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=3)


def test_a_child_process_changes_its_own_copy_of_the_test_modules_state(pytester):
    # A real fork copies every module: the child's append is its own. (The test module was
    # imported before the run: it is the program's all the same.)
    pytester.makepyfile(test_child='''
import multiprocessing as mp
import pytest

seen = []


def work(q):
    seen.append("child")
    q.put(list(seen))


@pytest.mark.explore
def test_child_has_its_own_list():
    seen.clear()
    seen.append("parent")
    q = mp.Queue()
    p = mp.Process(target=work, args=(q,))
    p.start()
    got = q.get()
    p.join()
    assert got == ["parent", "child"] and seen == ["parent"]
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore")
    result.assert_outcomes(passed=1)


def test_each_execution_starts_from_the_test_modules_globals_as_the_test_began(pytester):
    # Each execution runs the body again in the same process: what one left in the module's
    # globals (a list appended to, a number rebound, an attribute of the module's object) is
    # put back first, so every execution is the test's one pytest run would be. (Before, the
    # list grew from one execution to the next and the second one failed.)
    pytester.makepyfile(test_carried='''
import threading
import pytest

seen = []
total = 0


class Box:
    def __init__(self):
        self.n = 0


box = Box()
_lock = threading.Lock()


@pytest.mark.explore
def test_counts():
    def work():
        global total
        with _lock:
            total += 1
            box.n += 1
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen.append(total)
    assert seen == [2] and box.n == 2, (seen, box.n)


def test_after():
    # (and the exploration leaves the module as the test began: simconc/runner/module_state.py)
    assert seen == [] and total == 0 and box.n == 0
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
