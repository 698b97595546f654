"""CPython's own conformance suite, Lib/test/lock_tests.py, against simconc's primitives.

Each test method runs as the main thread of one simulated execution, with ``lock_tests``
imported fresh under the stdlib face, so that its ``threading``, ``_thread`` and ``time`` (and
the ``time`` and ``_thread`` that the ``test.support`` helpers poll with) are simconc's. The
suites are bound to the primitives as CPython's ``test_threading.py`` and ``test_thread.py`` bind
them. Exclusions (each tests a CPython internal; docs/cpython-conformance.md lists them):
"""
from __future__ import annotations

import pytest

from cpython_suites import cases, load_fresh, run_case

#: (suite, test) -> why it is not run. Only CPython internals, never a behaviour a user sees.
EXCLUDED = {
    ("*", "test_at_fork_reinit"): "fork re-initialisation of the C lock: a CPython internal for "
                                  "os.fork(), which a simulated program cannot call",
    ("ConditionAsRLockTests", "test_recursion_count"): "CPython skips it too: Condition does not "
                                                      "expose _recursion_count()",
}
# CPython also runs RLockTests twice, on the C RLock and the pure-Python _PyRLock; simconc has one
# RLock, so the suite runs once (the C duplicate is dropped).

lock_tests, _faces = load_fresh("test.lock_tests")
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


@pytest.mark.parametrize("suite, name", list(cases(SUITES, EXCLUDED)))
def test_cpython_lock_tests(suite, name):
    run_case(suite, name)
