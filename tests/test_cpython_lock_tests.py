"""CPython's own conformance suite, Lib/test/lock_tests.py, against simconc's primitives.

Each test method runs as the main thread of one simulated execution, with ``lock_tests``
imported fresh under the stdlib face, so that its ``threading``, ``_thread`` and ``time`` (and
the ``time`` and ``_thread`` that the ``test.support`` helpers poll with) are simconc's. The
suites are bound to the primitives as CPython's ``test_threading.py`` and ``test_thread.py`` bind
them. Exclusions (each tests a CPython internal; docs/cpython-conformance.md lists them):
"""
from __future__ import annotations

import contextlib
import importlib
import sys
import unittest

import pytest
# test.support and its helpers must bind the real modules (sysconfig, imported by test.support
# on 3.12+, makes an RLock at import): import them before lock_tests is loaded under the face.
from test import support as _support  # noqa: F401
from test.support import threading_helper as _threading_helper  # noqa: F401

import simconc
from simconc.patching import simulated_modules
from simconc.stdlib import fresh_modules

#: (suite, test) -> why it is not run. Only CPython internals, never a behaviour a user sees.
EXCLUDED = {
    ("*", "test_at_fork_reinit"): "fork re-initialisation of the C lock: a CPython internal for "
                                  "os.fork(), which a simulated program cannot call",
    ("ConditionAsRLockTests", "test_recursion_count"): "CPython skips it too: Condition does not "
                                                      "expose _recursion_count()",
}
# CPython also runs RLockTests twice, on the C RLock and the pure-Python _PyRLock; simconc has one
# RLock, so the suite runs once (the C duplicate is dropped).


def _load_lock_tests():
    modules = fresh_modules()
    saved = sys.modules.pop("test.lock_tests", None)
    try:
        with simulated_modules(modules):
            module = importlib.import_module("test.lock_tests")
    finally:
        sys.modules.pop("test.lock_tests", None)
        if saved is not None:
            sys.modules["test.lock_tests"] = saved
    return module, modules


lock_tests, _faces = _load_lock_tests()
_threading, _thread_face = _faces["threading"], _faces["_thread"]


def _suite(name, base, **attrs):
    return type(name, (base,), {k: staticmethod(v) for k, v in attrs.items()})


SUITES = [
    _suite("LockTests", lock_tests.LockTests, locktype=_threading.Lock),
    _suite("ThreadLockTests", lock_tests.LockTests, locktype=_thread_face.allocate_lock),
    _suite("RLockTests", lock_tests.RLockTests, locktype=_threading.RLock),
    _suite("EventTests", lock_tests.EventTests, eventtype=_threading.Event),
    _suite("ConditionAsRLockTests", lock_tests.RLockTests, locktype=_threading.Condition),
    _suite("ConditionTests", lock_tests.ConditionTests, condtype=_threading.Condition),
    _suite("SemaphoreTests", lock_tests.SemaphoreTests, semtype=_threading.Semaphore),
    _suite("BoundedSemaphoreTests", lock_tests.BoundedSemaphoreTests,
           semtype=_threading.BoundedSemaphore),
    _suite("BarrierTests", lock_tests.BarrierTests, barriertype=_threading.Barrier),
]


def _cases():
    for suite in SUITES:
        for name in unittest.TestLoader().getTestCaseNames(suite):
            if (("*", name) in EXCLUDED) or ((suite.__name__, name) in EXCLUDED):
                continue
            yield pytest.param(suite, name, id=f"{suite.__name__}.{name}")


@contextlib.contextmanager
def _support_polls_simulated_time():
    """test.support's helpers imported the real time and _thread long ago: point them at the
    face for the length of one test, as lock_tests itself is."""
    from test import support
    from test.support import threading_helper
    patches = [(support, "time", sys.modules["time"]),
               (threading_helper, "time", sys.modules["time"]),
               (threading_helper, "_thread", sys.modules["_thread"]),
               (threading_helper, "threading", sys.modules["threading"])]
    saved = [(mod, attr, getattr(mod, attr)) for mod, attr, _ in patches if hasattr(mod, attr)]
    try:
        for mod, attr, value in patches:
            if hasattr(mod, attr):
                setattr(mod, attr, value)
        yield
    finally:
        for mod, attr, value in saved:
            setattr(mod, attr, value)


@pytest.mark.parametrize("suite, name", list(_cases()))
def test_cpython_lock_tests(suite, name):
    outcome = unittest.TestResult()

    def body():
        with _support_polls_simulated_time():
            suite(name).run(outcome)

    result = simconc.run(body, seed=0, profile="tutorial-2017")
    problems = [text for _case, text in outcome.errors + outcome.failures]
    assert result.status == "ok", (result.status, result.error, result.stderr,
                                   result.deadlock and result.deadlock.format(), problems)
    assert not outcome.skipped, outcome.skipped
    assert outcome.testsRun == 1 and not problems, "\n".join(problems)
