"""CPython's own tests of ``concurrent.futures``, Lib/test/test_concurrent_futures.py, against
simconc's threads and processes.

As with ``lock_tests`` (tests/test_cpython_lock_tests.py), each test method runs as the main
thread of one simulated execution. Here the suite's module is imported afresh inside that
execution, so that its ``concurrent.futures``, ``threading``, ``multiprocessing`` and ``time``
are the execution's own (the pools' modules are imported afresh in each run) and the processes
its pools start are simulated ones. The suites: ``Future``, ``wait``, ``as_completed``, the
executors' API, shutdown, initializers and broken pools, for ``ThreadPoolExecutor`` and for
``ProcessPoolExecutor`` under the fork, spawn and forkserver start methods.

Which file: CPython 3.10 ships the suite as one file, which runs as shipped; 3.11 and 3.12 as
installed here ship none, and 3.13's is a package; those run the copy of 3.10.13's file in
tests/cpython/ (its header says where it came from). Left out, each with its reason
(docs/cpython-conformance.md lists them by reason):
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import unittest
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

from cpython_suites import cases, run_in_execution

_SHIPPED = Path(unittest.__file__).parent.parent / "test" / "test_concurrent_futures.py"
if _SHIPPED.is_file():
    NAME, PATH = "test.test_concurrent_futures", _SHIPPED
else:
    NAME = "cpython_test_concurrent_futures_310"
    PATH = Path(__file__).parent / "cpython" / f"{NAME}.py"
    # (importable by its name, as CPython's is: a spawned worker imports it afresh to find the
    # functions it was sent)
    if str(PATH.parent) not in sys.path:
        sys.path.append(str(PATH.parent))

_CHILD = "runs its code in a real child interpreter (script_helper.assert_python_ok): " \
         "what it checks is that interpreter, not the simulation"

#: (suite, test) -> why it is not run.
EXCLUDED: dict[tuple[str, str], str] = {
    ("*", "test_interpreter_shutdown"): _CHILD,
    ("*", "test_submit_after_interpreter_shutdown"): _CHILD,
    ("ThreadPoolShutdownTest", "test_cancel_futures_wait_false"): _CHILD,
    ("ThreadPoolShutdownTest", "test_hang_gh83386"): _CHILD,
    **{(f"ProcessPool{method}ProcessPoolShutdownTest", "test_hang_gh83386"):
       "CPython skips it too for process pools (\"Hangs, see gh-83386\")"
       for method in ("Fork", "Forkserver", "Spawn")},
    **{(f"ProcessPool{method}ProcessPoolExecutorTest", "test_max_workers_too_large"):
       "CPython skips it too outside Windows (\"Windows-only process limit\")"
       for method in ("Fork", "Forkserver", "Spawn")},
    ("ProcessPoolForkProcessPoolExecutorTest", "test_idle_process_reuse_one"):
        "CPython skips it too under fork (\"Incompatible with the fork start method\")",
    ("ProcessPoolForkProcessPoolExecutorTest", "test_idle_process_reuse_multiple"):
        "CPython skips it too under fork (\"Incompatible with the fork start method\")",
}


def _import() -> ModuleType:
    """The suite's module, imported afresh (in an execution: under its faces)."""
    sys.modules.pop(NAME, None)
    return importlib.import_module(NAME)


def _suites() -> list[type]:
    # (imported outside a run for the names alone, with the real modules; forgotten again)
    try:
        module = _import()
    finally:
        sys.modules.pop(NAME, None)
    return [suite for name, suite in sorted(vars(module).items())
            if isinstance(suite, type) and issubclass(suite, unittest.TestCase)
            and unittest.TestLoader().getTestCaseNames(suite)]


SUITES = _suites()


@contextlib.contextmanager
def _root_logger_as_under_regrtest() -> Iterator[None]:
    """The root logger without pytest's capturing handlers, as CPython runs the suite: a
    failing callback's report (``LOGGER.exception``) goes to logging's last resort, which writes
    to the sys.stderr that ``support.captured_stderr()`` replaced (test_done_callback_raises)."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers[:] = []
    try:
        yield
    finally:
        root.handlers[:] = saved


@pytest.mark.parametrize("suite, name", list(cases(SUITES, EXCLUDED)))
def test_cpython_futures_tests(suite, name):
    try:
        with _root_logger_as_under_regrtest():   # (pytest adds its handler for the call)
            run_in_execution(lambda: getattr(_import(), suite.__name__)(name))
    finally:
        sys.modules.pop(NAME, None)


def test_a_test_whose_threads_never_end_is_stopped_not_left_to_hang_the_suite():
    # Two threads hand a turn to each other for ever: each blocks and is woken, so the spin
    # watchdog sees life; the CPU limit stops the test instead.
    class PingPong(unittest.TestCase):
        def test_for_ever(self):
            import threading
            turns = [threading.Event(), threading.Event()]

            def player(me: int) -> None:
                while True:
                    turns[me].wait()
                    turns[me].clear()
                    turns[1 - me].set()

            threading.Thread(target=player, args=(1,), daemon=True).start()
            turns[0].set()
            player(0)

    with pytest.raises(AssertionError, match="2 s of CPU time and was stopped"):
        run_in_execution(lambda: PingPong("test_for_ever"), cpu_limit=2.0)
