"""CPython's own asyncio tests, Lib/test/test_asyncio/, against simconc's asyncio.

As with ``concurrent.futures`` (tests/test_cpython_futures_tests.py), each test method runs as
the main thread of one simulated execution, which imports the test's module afresh: its
``asyncio`` is then the run's own (CPython's pure-Python asyncio, whose loops wait in simulated
time, docs/asyncio.md), and so are its ``threading`` and ``time``. ``unittest.async_case`` and
``unittest.mock`` are imported afresh in the run too, as they would be in a simulated program:
``IsolatedAsyncioTestCase`` then runs each test in an ``asyncio.Runner`` of the run's asyncio,
on simconc's event loop; the suites built on ``test_utils.TestCase`` run on CPython's own fake
clock (``test_utils.TestLoop``) or on a loop ``asyncio.new_event_loop()`` makes, simconc's.

The modules: those that test what a simulated program uses and need no real IO: tasks, futures,
locks, queues, ``wait_for``, timeouts, task groups, runners, ``to_thread``, the eager task
factory, ``staggered_race`` (the streams, sockets, subprocess and event-loop IO suites are not
bound). Left out, each with its reason (docs/cpython-conformance.md lists them by reason): the
suites of the C accelerator, which CPython's own decorator skips in a run; the tests that run a
real child interpreter; and EXCLUDED.
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import re
import sys
import unittest
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

import simconc
import test
from cpython_suites import run_in_execution, runs_a_child

_HOME = Path(test.__file__).parent / "test_asyncio"

#: The modules bound, those of them this Python ships.
MODULES = [name for name in (
    "test_locks", "test_queues", "test_futures", "test_futures2", "test_tasks", "test_timeouts",
    "test_taskgroups", "test_waitfor", "test_runners", "test_context", "test_pep492",
    "test_threads", "test_eager_task_factory", "test_staggered")
    if (_HOME / f"{name}.py").is_file()]

#: Imported afresh in each run, as in a simulated program (each holds the asyncio it imported).
_FRESH = ("unittest.async_case", "unittest.mock")

#: Why CPython skips a whole suite in a run: its Task or Future is the C accelerator's, which a
#: run blocks by design (its state would be the first asyncio's). Each such suite has a
#: pure-Python twin (``PyTask_PyFuture_Tests`` for ``CTask_CFuture_Tests``), which runs.
_NO_C = "requires the C _asyncio module"

#: (suite, test) -> why it is not run. A suite is named ``module.Class``; ("*", test) is every
#: suite's. Besides these, the suites of the C accelerator, which CPython's own decorator skips
#: in a run (_NO_C: SKIPPED_SUITES), and every test that runs its code in a real child
#: interpreter (``assert_python_ok``, found in its source: what it checks is that interpreter,
#: not the simulation).
EXCLUDED: dict[tuple[str, str], str] = {
    ("test_tasks.GenericTaskTests", "test_asyncio_module_compiled"):
        "checks that the C accelerator `_asyncio` is importable: a run blocks it by design",
    ("test_queues.QueueBasicTests", "test_repr"):
        "checks that a queue's repr shows hex(id(q)): a run's shows a stand-in, the same on "
        "every run (docs/primitives.md#deterministic-reprs)",
}


@contextlib.contextmanager
def _imported_afresh() -> Iterator[None]:
    """The asyncio tests, unittest's async_case and mock, as if never imported: a run imports
    them afresh (binding its own asyncio); the originals are back afterwards."""
    def ours(name: str) -> bool:
        return name in _FRESH or name == "test.test_asyncio" \
            or name.startswith("test.test_asyncio.")
    saved = {name: module for name, module in sys.modules.items() if ours(name)}
    holders = [(unittest, "IsolatedAsyncioTestCase"), (unittest, "async_case"),
               (unittest, "mock"), (test, "test_asyncio")]
    attributes = [(holder, attr, vars(holder)[attr]) for holder, attr in holders
                  if attr in vars(holder)]
    for name in saved:
        del sys.modules[name]
    for holder, attr, _ in attributes:
        delattr(holder, attr)
    try:
        yield
    finally:
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        for holder, attr in holders:
            vars(holder).pop(attr, None)
        sys.modules.update(saved)
        for holder, attr, value in attributes:
            setattr(holder, attr, value)


def _import(module: str) -> ModuleType:
    """Test module ``module`` of test_asyncio (in a run: afresh, on the run's asyncio)."""
    if module != "test_futures2":
        return importlib.import_module(f"test.test_asyncio.{module}")
    # Its CFutureTests reads tasks._CTask in its body, after the decorator that skips it
    # without the accelerator has looked: CPython without _asyncio cannot import the module. A
    # stand-in for the length of the import; the suite is then skipped as its decorator meant.
    from asyncio import tasks
    stand_in = not hasattr(tasks, "_CTask")
    if stand_in:
        tasks._CTask = None   # type: ignore[attr-defined]
    try:
        imported = importlib.import_module(f"test.test_asyncio.{module}")
    finally:
        if stand_in:
            del tasks._CTask   # type: ignore[attr-defined]
    if stand_in:
        imported.CFutureTests = unittest.skip(_NO_C)(imported.CFutureTests)
    return imported


def _suites() -> list[type]:
    """Every suite of the modules, imported in a run: its classes are kept for their names and
    sources, and for whether CPython's decorator skips them there (the modules are forgotten)."""
    found: list[type] = []

    def collect() -> None:
        for name in MODULES:
            module = _import(name)
            found.extend(suite for _, suite in sorted(vars(module).items())
                         if isinstance(suite, type) and issubclass(suite, unittest.TestCase)
                         and suite.__module__ == module.__name__
                         and unittest.TestLoader().getTestCaseNames(suite))

    with _imported_afresh():
        result = simconc.run(collect, seed=0)
    assert result.status == "ok", result.error
    return found


def _name(suite: type) -> str:
    return f"{suite.__module__.rpartition('.')[2]}.{suite.__name__}"


SUITES = _suites()
#: The suites CPython's own decorator skips in a run, and why.
SKIPPED_SUITES = {_name(suite): suite.__unittest_skip_why__ for suite in SUITES
                  if getattr(suite, "__unittest_skip__", False)}


def _cases() -> Iterator:
    for suite in SUITES:
        name = _name(suite)
        if name in SKIPPED_SUITES:
            continue
        for test_name in unittest.TestLoader().getTestCaseNames(suite):
            if ("*", test_name) in EXCLUDED or (name, test_name) in EXCLUDED \
                    or runs_a_child(suite, test_name):
                continue
            yield pytest.param(name, test_name, id=f"{name}.{test_name}")


def _case(suite: str, name: str) -> unittest.TestCase:
    module, _, cls = suite.partition(".")
    return getattr(_import(module), cls)(name)


@pytest.mark.parametrize("suite, name", list(_cases()))
def test_cpython_asyncio_tests(suite, name):
    # Some tests collect garbage many times (test_task_del_collect, 100 times; 3.10's
    # threading_cleanup, 300 times, after a test whose exception keeps its thread, as in
    # CPython): the objects that existed before the run are left out of the collections, which
    # took seconds each over a whole session's heap. The run's own are collected as always.
    gc.freeze()
    try:
        with _imported_afresh():
            run_in_execution(lambda: _case(suite, name))
    finally:
        gc.unfreeze()


def test_the_suites_left_out_whole_are_the_c_accelerators():
    # (a suite CPython skipped in a run for another reason would be a difference to look at;
    # each C suite's name says which of Task and Future is the accelerator's)
    assert set(SKIPPED_SUITES.values()) == {_NO_C}, SKIPPED_SUITES
    assert all(re.search(r"(^|_|[a-z])C(Task|Future|SubFuture|Introspection|CurrentLoop|Eager)",
                         name.partition(".")[2]) for name in SKIPPED_SUITES), SKIPPED_SUITES


def test_an_isolated_asyncio_test_runs_on_simconcs_loop_in_simulated_time():
    # (what the binding claims for the IsolatedAsyncioTestCase suites: their loop is the run's)
    seen: list = []

    def body() -> None:
        import asyncio
        from unittest.async_case import IsolatedAsyncioTestCase

        class Probe(IsolatedAsyncioTestCase):
            async def test_probe(self) -> None:
                loop = asyncio.get_running_loop()
                start = loop.time()
                await asyncio.sleep(5)
                seen.extend([type(loop._selector).__name__, loop.time() - start])

        outcome = unittest.TestResult()
        Probe("test_probe").run(outcome)
        seen.append(outcome.wasSuccessful())

    with _imported_afresh():
        result = simconc.run(body, seed=0)
    assert result.status == "ok", result.error
    assert seen[0] == "SimulatedSelector" and 5.0 <= seen[1] < 5.01 and seen[2], seen
    assert result.elapsed >= 5.0
