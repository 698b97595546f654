"""CPython's own multiprocessing tests, Lib/test/_test_multiprocessing.py, against simconc's
simulated processes.

CPython binds the suite once per start method (``test_multiprocessing_fork`` ...) with
``install_tests_in_module_dict(globals(), 'fork')``, which makes, from each ``_TestX`` suite,
``WithProcessesTestX`` (``multiprocessing`` itself), ``WithThreadsTestX``
(``multiprocessing.dummy``) and ``WithManagerTestX`` (a ``Manager``'s proxies), as the suite
allows, and adds the suites of no type (``MiscTestCase`` ...). Here the same function binds
them, in a module of ours, inside each execution: every test method is the main process of one
simulated run, which imports the suite afresh (its ``multiprocessing``, ``threading`` and
``time`` are the run's) and runs the test in a unittest suite, with its module's fixtures
(CPython's ``setUpModule``: the start method) and its class's (a manager for the manager type). Left out, each with its reason (``EXCLUDED``; docs/cpython-conformance.md
lists them by reason).
"""
from __future__ import annotations

import gc
import importlib
import sys
import types
import unittest
from typing import Iterator

import pytest

import cpython_suites  # noqa: F401  (the real modules the suites need, imported first)
import simconc
from cpython_suites import _support_polls_simulated_time, runs_a_child

SUITE = "test._test_multiprocessing"
#: The start methods bound: fork (the default on Linux up to 3.13), spawn, whose children
#: start afresh and get what they are given pickled, and forkserver (whose children are
#: spawned ones here, as CPython 3.10 to 3.13 make them: docs/decisions.md).
START_METHODS = ("fork", "spawn", "forkserver")
#: The module the bound classes live in, as test.test_multiprocessing_fork is CPython's: a
#: pool pickles a test's bound method by its class's module and name.
BOUND = "simconc_test_multiprocessing_{}"
PY = sys.version_info[:2]

#: How a type's classes are named (the misc suites keep their own names).
TYPES = {"WithProcesses": "processes", "WithThreads": "threads", "WithManager": "manager"}


def type_of(suite: str) -> str:
    return next((kind for prefix, kind in TYPES.items() if suite.startswith(prefix)), "misc")


#: (suite, test) -> why it is not run; a suite is a class's name, a type ("processes",
#: "threads", "manager", "misc") or "*". Filled below, reason by reason.
EXCLUDED: dict[tuple[str, str], str] = {}


def exclude(reason: str, *keys: tuple[str, str]) -> None:
    for key in keys:
        EXCLUDED[key] = reason


def excluded(suite: str, test: str, start_method: str = "fork") -> str:
    """Why test ``test`` of ``suite`` is not run under ``start_method``, or "" (a key's suite
    may be ``spawn:`` something: under that start method only)."""
    for kind in (suite, type_of(suite), "*"):
        for key in ((kind, test), (f"{start_method}:{kind}", test)):
            if key in EXCLUDED:
                return EXCLUDED[key]
    return ""


def of(suite: str, *tests: str) -> list[tuple[str, str]]:
    return [(suite, test) for test in tests]


# -- what CPython skips too, for the type or start method (the test's own skipTest) --------
_NOT_FOR = "CPython skips it too: 'test not appropriate for {}'"
exclude(_NOT_FOR.format("threads"), *of(
    "WithThreadsTestProcess", "test_child_fd_inflation", "test_close", "test_current",
    "test_daemon_argument", "test_forkserver_sigint", "test_forkserver_sigkill", "test_kill",
    "test_many_processes", "test_parent_process", "test_parent_process_attributes",
    "test_process_mainthread_native_id", "test_sentinel", "test_set_executable",
    "test_terminate", "test_wait_for_threads"), *of(
    "WithThreadsTestQueue", "test_queue_feeder_donot_stop_onexc",
    "test_queue_feeder_on_queue_feeder_error"),
    ("WithThreadsTestSemaphore", "test_timeout"), ("WithThreadsTestPool", "test_map_unplicklable"),
    ("WithThreadsTestConnection", "test_sendbytes"))
exclude("CPython skips it too: 'only makes sense with processes'", *of(
    "WithThreadsTestConnection", "test_fd_transfer", "test_large_fd_transfer",
    "test_missing_fd_transfer"))
exclude(_NOT_FOR.format("manager"), ("WithManagerTestBarrier", "test_thousand"), *of(
    "WithManagerTestPool", "test_imap_handle_iterable_exception",
    "test_imap_unordered_handle_iterable_exception", "test_map_handle_iterable_exception"), *of(
    "WithManagerTestQueue", "test_queue_feeder_donot_stop_onexc",
    "test_queue_feeder_on_queue_feeder_error"), ("WithManagerTestSemaphore", "test_timeout"))
exclude("CPython skips it too: 'test not applicable to manager'", *of(
    "WithManagerTestPool", "test_enter", "test_resource_warning"))
exclude("CPython skips it too: 'only run in test_multiprocessing_spawn.'",
        ("fork:TestInternalDecorators", "test_only_run_in_spawn_testsuite"),
        ("forkserver:TestInternalDecorators", "test_only_run_in_spawn_testsuite"))
exclude("CPython skips it too: 'skipped on non-Windows platforms'",
        ("TestInvalidFamily", "test_invalid_family_win32"))
exclude("CPython skips it too under fork and forkserver: 'avoids redundant testing'",
        ("fork:TestStartMethod", "test_mixed_startmethod"),
        ("forkserver:TestStartMethod", "test_mixed_startmethod"))
exclude(_NOT_FOR.format("fork"), *of(
    "fork:WithProcessesTestProcess", "test_child_fd_inflation", "test_forkserver_sigint",
    "test_forkserver_sigkill"))
exclude(_NOT_FOR.format("spawn"), *of(
    "spawn:WithProcessesTestProcess", "test_forkserver_sigint", "test_forkserver_sigkill"))

# -- needs what simconc does not simulate, by design ----------------------------------------
exclude("signals the fork server, a real process (forkserver.ensure_running starts it with "
        "spawnv_passfds, which a simulated program is refused): no server runs, and simconc's "
        "forkserver children run the main module afresh as spawned ones, as CPython 3.10 to "
        "3.13 make them do", *of(
            "forkserver:WithProcessesTestProcess", "test_forkserver_sigint",
            "test_forkserver_sigkill"))
_FD = "passes a real file descriptor to another process (reduction.send_handle over a Unix socket)"
exclude(_FD, *of("WithProcessesTestConnection", "test_fd_transfer", "test_large_fd_transfer",
                 "test_missing_fd_transfer"))
exclude("passes real sockets between processes (a socket pickled, a real listening socket "
        "accepting): simconc simulates multiprocessing's pipes and managers' listeners, not "
        "the network's sockets", ("WithProcessesTestPicklingConnections", "test_pickling"))
exclude("waits on real sockets (socket.socket, connected between processes) with "
        "connection.wait: simconc simulates multiprocessing's pipes, not the network's sockets",
        ("TestWait", "test_wait_socket"), ("TestWait", "test_wait_socket_slow"))
exclude("makes a Connection from a raw descriptor number, an invalid one, whose poll() raises "
        "OSError: simconc refuses to wait on a connection it did not make (a real descriptor)",
        ("TestInvalidHandle", "test_invalid_handles"))
exclude("a CPython internal: the resource tracker, a real process that watches named "
        "semaphores and shared memory (simconc's semaphores have no name in the OS)",
        *(("TestResourceTracker", test) for test in (
            "test_resource_tracker_reused", "test_resource_tracker_sigint",
            "test_resource_tracker_sigkill", "test_resource_tracker_sigterm",
            "test_too_long_name_resource", "test_resource_tracker",
            "test_resource_tracker_exit_code")))
exclude("a thread computes without a visible operation (no lock, no sleep) until another's "
        "time.sleep(4.0) is over: the suite's module is not instrumented, so its Python costs no "
        "simulated time and the loop never gives the GIL way; simconc stops it as a spin "
        "(errors.md), after a minute of real time and memory",
        ("WithProcessesTestFinalize", "test_thread_safety"))

exclude("it makes a real descriptor of a socket (socket.socket().detach(), os.dup, "
        "socket.fromfd in the child): a simulated program's sockets are the simulated "
        "machine's, with no real descriptor (detach and fromfd are refused, docs/network.md); "
        "and a spawned (or forkserver) child must not have its parent's real descriptors, "
        "where all simulated processes are one real process", ("fork:TestCloseFds", "test_closefd"),
        ("spawn:TestCloseFds", "test_closefd"), ("forkserver:TestCloseFds", "test_closefd"))

# -- simconc differs (open gaps) -------------------------------------------------------------
exclude("the suite's own module is the standard library's (Lib/test), which all simulated "
        "processes share, as they share the standard library (docs/processes.md): the copies the "
        "manager's process keeps count in the class attribute of the parent's module. A "
        "program's own modules are each process's own",
        ("WithManagerTestPool", "test_release_task_refs"))
exclude("simconc differs: the face's time.sleep is a Python function, with a __dict__, where "
        "CPython's is a builtin: the xmlrpclib serializer marshals it as a struct where it "
        "refuses CPython's", ("WithManagerTestRemoteManager", "test_remote"))

#: What a test calls to run code in a real child interpreter (besides cpython_suites')
_REAL_CHILD = ("run_python_until_end", "script_helper.", "assert_python_ok",
               "assert_python_failure", "spawn_python", "subprocess.", "os.fork(")
_REAL_CHILD_REASON = ("runs its code in a real child interpreter (script_helper, subprocess) "
                      "and checks that: not simulated")


def _listing() -> dict[str, list[str]]:
    """The bound suites and their tests, as this interpreter's suite has them (listed inside a
    run: importing it makes multiprocessing objects)."""
    listing: dict[str, list[str]] = {}

    def body() -> None:
        module = _import_suite()
        try:
            bound: dict = {"__name__": BOUND.format("fork")}
            module.install_tests_in_module_dict(bound, "fork")
            for name, value in bound.items():
                if isinstance(value, type) and issubclass(value, unittest.TestCase):
                    listing[name] = list(unittest.TestLoader().getTestCaseNames(value))
                    for test in listing[name]:
                        if runs_a_child(value, test, markers=_REAL_CHILD):
                            EXCLUDED.setdefault((name, test), _REAL_CHILD_REASON)
        finally:
            sys.modules.pop(SUITE, None)

    result = simconc.run(body)
    assert result.status == "ok", (result.error, result.stderr)
    return listing


def _import_suite() -> types.ModuleType:
    sys.modules.pop(SUITE, None)
    return importlib.import_module(SUITE)


def run_in_simulation(start_method: str, suite: str, test: str) -> None:
    """Run ``test`` of the bound ``suite`` as the main process of one execution; fail unless
    unittest says it passed (and did not skip it) and simconc did not stop the run."""
    outcome = unittest.TestResult()
    name = BOUND.format(start_method)

    def body() -> None:
        module = _import_suite()
        bound = types.ModuleType(name)
        sys.modules[name] = bound
        try:
            module.install_tests_in_module_dict(vars(bound), start_method)
            with _support_polls_simulated_time():
                # (a suite runs its module's and its class's fixtures, as CPython's runner does)
                unittest.TestSuite([getattr(bound, suite)(test)]).run(outcome)
        finally:
            sys.modules.pop(name, None)
            sys.modules.pop(SUITE, None)

    # The fixtures call gc.collect() nine times a test: over a whole session's heap that was
    # most of the suite's time. What was there before the run is left out of the collections
    # (the run's own objects are collected as ever).
    # An exception a finaliser raised in the run (a pool's __del__, in the teardown) is an
    # error too, as in CPython's runner (it would only be a warning of pytest's).
    unraisable: list = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    gc.freeze()
    try:
        result = simconc.run(body, seed=0, profile="tutorial-2017", spin_timeout=60.0)
    finally:
        gc.unfreeze()
        sys.unraisablehook = hook
    problems = [text for _case, text in outcome.errors + outcome.failures] + [
        f"exception ignored in {each.object!r}: {each.exc_value!r}" for each in unraisable]
    assert result.status == "ok" and result.deadlock is None, (
        result.status, result.error, result.exceptions, result.stderr[-3000:],
        result.deadlock and result.deadlock.format(), problems)
    assert not outcome.skipped, outcome.skipped
    assert outcome.testsRun == 1 and not problems, "\n".join(problems)


def cases() -> Iterator:
    listing = _listing()
    for start_method in START_METHODS:
        for suite in sorted(listing):
            for test in listing[suite]:
                if not excluded(suite, test, start_method):
                    yield pytest.param(start_method, suite, test,
                                       id=f"{start_method}-{suite}.{test}")


@pytest.mark.parametrize("start_method, suite, test", list(cases()))
def test_cpython_multiprocessing_tests(start_method, suite, test):
    run_in_simulation(start_method, suite, test)
