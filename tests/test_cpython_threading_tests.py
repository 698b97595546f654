"""CPython's own threading tests, Lib/test/test_threading.py and test_threading_local.py,
against simconc's ``threading``.

As with ``lock_tests`` (tests/test_cpython_lock_tests.py): each test method runs as the main
thread of one simulated execution, with the test module imported fresh under the stdlib face.
The lock suites test_threading binds (``LockTests`` ...) run in tests/test_cpython_lock_tests.py
already; here run the tests of ``Thread``, ``Timer``, ``excepthook``, the module's surface, and
``threading.local``. Left out, each with its reason (docs/cpython-conformance.md lists them):
"""
from __future__ import annotations

import importlib
import sys
import unittest

import pytest
# What test_threading imports besides threading, _thread and time is the real thing, imported
# before it is loaded under the face: asyncio (through unittest.mock) cannot be imported half
# under it (see tests/test_cpython_lock_tests.py for test.support).
import doctest  # noqa: F401
import subprocess  # noqa: F401
import unittest.mock  # noqa: F401
from test import support as _support  # noqa: F401
from test.support import script_helper as _script_helper  # noqa: F401
from test.support import threading_helper as _threading_helper  # noqa: F401

import simconc
from simconc.patching import simulated_modules
from simconc.stdlib import fresh_modules

from test_cpython_lock_tests import _support_polls_simulated_time

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


def _load(name):
    modules = fresh_modules()
    saved = {module: sys.modules.pop(module, None)
             for module in (name, "test.lock_tests", "_threading_local")}
    try:
        with simulated_modules(modules):
            module = importlib.import_module(name)
    finally:
        for loaded, original in saved.items():
            sys.modules.pop(loaded, None)
            if original is not None:
                sys.modules[loaded] = original
    return module, modules


test_threading, _ = _load("test.test_threading")
test_threading_local, _faces = _load("test.test_threading_local")
SUITES = [getattr(test_threading, name) for name in SUITES_BY_NAME] + [
    # (CPython binds it to _thread._local and to _threading_local.local: simconc has one local)
    type("LocalTests", (test_threading_local.BaseLocalTest, unittest.TestCase),
         {"_local": _faces["threading"].local}),
]
#: The test module each suite's code reads threading and _thread from.
MODULE_OF = {suite: test_threading for suite in SUITES[:-1]}
MODULE_OF[SUITES[-1]] = test_threading_local


def _cases():
    for suite in SUITES:
        for name in unittest.TestLoader().getTestCaseNames(suite):
            if (("*", name) in EXCLUDED) or ((suite.__name__, name) in EXCLUDED):
                continue
            yield pytest.param(suite, name, id=f"{suite.__name__}.{name}")


@pytest.mark.parametrize("suite, name", list(_cases()))
def test_cpython_threading_tests(suite, name):
    outcome = unittest.TestResult()

    def body():
        # The test module's threading, _thread and time are this execution's, as they would be
        # had it been imported here (a test that replaces threading.excepthook replaces the one
        # this execution's threads call).
        module = MODULE_OF[suite]
        faces = {face: getattr(module, face) for face in ("threading", "_thread", "time")
                 if hasattr(module, face)}
        for face in faces:
            setattr(module, face, sys.modules[face])
        try:
            with _support_polls_simulated_time():
                suite(name).run(outcome)
        finally:
            for face, original in faces.items():
                setattr(module, face, original)

    result = simconc.run(body, seed=0, profile="tutorial-2017")
    problems = [text for _case, text in outcome.errors + outcome.failures]
    # The verdict is unittest's, as under CPython: a thread of the test may raise on purpose
    # (the excepthook tests), which makes the run's status "error"; simconc's own stops (a spin,
    # a deadlock) fail the test.
    assert result.error is None and result.deadlock is None, (
        result.status, result.error, result.stderr,
        result.deadlock and result.deadlock.format(), problems)
    assert result.status in ("ok", "error"), (result.status, result.stderr, problems)
    assert not outcome.skipped, outcome.skipped
    assert outcome.testsRun == 1 and not problems, "\n".join(problems)
