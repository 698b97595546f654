"""CPython's own queue tests, Lib/test/test_queue.py, against simconc's ``queue``.

As with ``lock_tests`` (tests/test_cpython_lock_tests.py): each test method runs as the main
thread of one simulated execution, with ``test_queue`` imported fresh under the stdlib face, so
that its ``threading`` and ``time`` (and those the ``test.support`` helpers use) are simconc's.
CPython runs each suite twice, on the C ``_queue`` and on the pure-Python module; simconc has one
``queue``, bound to each suite once. Exclusions (docs/cpython-conformance.md lists them):
"""
from __future__ import annotations

import importlib
import sys
import unittest

import pytest
# test.support and its helpers must bind the real modules: import them before test_queue is
# loaded under the face (see tests/test_cpython_lock_tests.py).
from test import support as _support  # noqa: F401
from test.support import threading_helper as _threading_helper  # noqa: F401

import simconc
from simconc.patching import simulated_modules
from simconc.stdlib import fresh_modules

from test_cpython_lock_tests import _support_polls_simulated_time

#: (suite, test) -> why it is not run.
EXCLUDED: dict[tuple[str, str], str] = {}


def _load_test_queue():
    modules = fresh_modules()
    saved = sys.modules.pop("test.test_queue", None)
    try:
        with simulated_modules(modules):
            module = importlib.import_module("test.test_queue")
    finally:
        sys.modules.pop("test.test_queue", None)
        if saved is not None:
            sys.modules["test.test_queue"] = saved
    return module, modules


test_queue, _faces = _load_test_queue()
_queue = _faces["queue"]


def _suite(name, base):
    return type(name, (base, unittest.TestCase), {"queue": _queue})


SUITES = [
    _suite("QueueTests", test_queue.QueueTest),
    _suite("LifoQueueTests", test_queue.LifoQueueTest),
    _suite("PriorityQueueTests", test_queue.PriorityQueueTest),
    _suite("FailingQueueTests", test_queue.FailingQueueTest),
    # (CSimpleQueueTest: the suite that checks SimpleQueue is the module's own, and reentrancy)
    type("SimpleQueueTests", (test_queue.CSimpleQueueTest,), {"queue": _queue}),
]


def _cases():
    for suite in SUITES:
        for name in unittest.TestLoader().getTestCaseNames(suite):
            if (("*", name) in EXCLUDED) or ((suite.__name__, name) in EXCLUDED):
                continue
            yield pytest.param(suite, name, id=f"{suite.__name__}.{name}")


@pytest.mark.parametrize("suite, name", list(_cases()))
def test_cpython_queue_tests(suite, name):
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
