"""CPython's own threading tests, Lib/test/test_threading.py and test_threading_local.py,
against simconc's ``threading``.

As with ``lock_tests`` (tests/test_cpython_lock_tests.py): each test method runs as the main
thread of one simulated execution, with the test module imported fresh under the stdlib face.
The lock suites test_threading binds (``LockTests`` ...) run in tests/test_cpython_lock_tests.py
already; here run the tests of ``Thread``, ``Timer``, ``excepthook``, the module's surface, and
``threading.local``. Left out, each with its reason (docs/cpython-conformance.md lists them):
"""
from __future__ import annotations

import sys
import unittest

import pytest

from cpython_suites import cases, load_fresh, run_case, runs_a_child

SUITES_BY_NAME = ("ThreadTests", "ThreadingExceptionTests", "ExceptHookTests", "TimerTests",
                  "MiscTestCase")

#: (suite, test) -> why it is not run.
EXCLUDED: dict[tuple[str, str], str] = {
    ("ThreadTests", "test_PyThreadState_SetAsyncExc"): "raises in a thread through the C API "
                                                       "(ctypes.pythonapi): a CPython internal",
    ("ThreadTests", "test_debug_deprecation"): "CPython skips it too outside a debug build",
    ("ThreadTests", "test_disallow_instantiation"): "simconc's lock type can be called "
        "directly, as CPython 3.13's can; 3.10 to 3.12 refuse it (bpo-43916)",
    ("ThreadTests", "test_limbo_cleanup"): "replaces threading._start_new_thread, a CPython "
                                           "internal",
    ("ThreadTests", "test_shutdown_locks"): "reads Thread._tstate_lock and "
                                            "threading._shutdown_locks: CPython internals",
    ("ThreadTests", "test_tstate_lock"): "reads Thread._tstate_lock: a CPython internal",
    ("ThreadTests", "test_import_from_another_thread"): "runs a separate interpreter "
                                                        "(subprocess)",
    ("ThreadTests", "test_is_alive_after_fork"): "forks a real process, which a simulated "
                                                 "program cannot",
    ("ExceptHookTests", "test_excepthook"): "simconc's default hook adds the simulated time to "
        "CPython's header ('Exception in thread NAME at T ms (simulated):'), as issue 3 asks",
    ("ExceptHookTests", "test_excepthook_thread_None"): "the same header, with the time",
    ("ExceptHookTests", "test_original_excepthook"): "compares the default hook's output of "
        "two threads that fail at different simulated times: the header has the time",
}
if sys.version_info >= (3, 13):
    EXCLUDED[("ThreadTests", "test_foreign_thread")] = (
        "3.13's version clears Thread._started, a CPython internal")


test_threading, _ = load_fresh("test.test_threading")

for _suite_name in SUITES_BY_NAME:
    _suite = getattr(test_threading, _suite_name)
    for _name in unittest.TestLoader().getTestCaseNames(_suite):
        if runs_a_child(_suite, _name):
            EXCLUDED.setdefault((_suite_name, _name), "runs its code in a real child "
                                "interpreter (script_helper) or a fork: not simulated")
test_threading_local, _faces = load_fresh("test.test_threading_local")
SUITES = [getattr(test_threading, name) for name in SUITES_BY_NAME] + [
    # (CPython binds it to _thread._local and to _threading_local.local: simconc has one local)
    type("LocalTests", (test_threading_local.BaseLocalTest, unittest.TestCase),
         {"_local": _faces["threading"].local}),
]
#: The test module each suite's code reads threading and _thread from.
MODULE_OF = {suite: test_threading for suite in SUITES[:-1]}
MODULE_OF[SUITES[-1]] = test_threading_local


@pytest.mark.parametrize("suite, name", list(cases(SUITES, EXCLUDED)))
def test_cpython_threading_tests(suite, name):
    run_case(suite, name, module=MODULE_OF[suite], threads_may_fail=True)
