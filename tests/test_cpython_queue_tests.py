"""CPython's own queue tests, Lib/test/test_queue.py, against simconc's ``queue``.

As with ``lock_tests`` (tests/test_cpython_lock_tests.py): each test method runs as the main
thread of one simulated execution, with ``test_queue`` imported fresh under the stdlib face, so
that its ``threading`` and ``time`` (and those the ``test.support`` helpers use) are simconc's.
CPython runs each suite twice, on the C ``_queue`` and on the pure-Python module; simconc has one
``queue``, bound to each suite once. Exclusions (docs/cpython-conformance.md lists them):
"""
from __future__ import annotations

import unittest

import pytest

from cpython_suites import cases, load_fresh, run_case

#: (suite, test) -> why it is not run.
EXCLUDED: dict[tuple[str, str], str] = {}

test_queue, _faces = load_fresh("test.test_queue")
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


@pytest.mark.parametrize("suite, name", list(cases(SUITES, EXCLUDED)))
def test_cpython_queue_tests(suite, name):
    run_case(suite, name)
