"""Running CPython's own test suites against simconc (shared by tests/test_cpython_*_tests.py).

A suite's module is imported fresh under the stdlib face, so that its ``threading``, ``_thread``,
``queue`` and ``time`` are simconc's; then each test method runs as the main thread of one
simulated execution.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect
import re
import signal
import sys
import unittest
from types import ModuleType
from typing import Callable, Iterator, Optional

import pytest
# What the suites import besides the faces is the real thing, imported before they are loaded
# under the face: test.support (sysconfig, which it imports on 3.12+, makes an RLock at import),
# and asyncio (through unittest.mock), which cannot be imported half under it.
import doctest  # noqa: F401
import subprocess  # noqa: F401
import unittest.mock  # noqa: F401
from test import support as _support  # noqa: F401
from test.support import script_helper as _script_helper  # noqa: F401
from test.support import threading_helper as _threading_helper  # noqa: F401

import simconc
from simconc.kernel import current_world
from simconc.runner.patching import simulated_modules
from simconc.stdlib import fresh_modules

#: Modules a suite's import may load under the face: forgotten again afterwards.
_LOADED_WITH = ("test.lock_tests", "_threading_local")


def load_fresh(name: str) -> tuple[ModuleType, dict[str, ModuleType]]:
    """Test module ``name`` imported under the face, and the face modules it got."""
    modules = fresh_modules()
    saved = {module: sys.modules.pop(module, None) for module in (name, *_LOADED_WITH)}
    try:
        with simulated_modules(modules):
            module = importlib.import_module(name)
    finally:
        for loaded, original in saved.items():
            sys.modules.pop(loaded, None)
            if original is not None:
                sys.modules[loaded] = original
    return module, modules


def cases(suites: list[type], excluded: dict[tuple[str, str], str]) -> Iterator:
    """A pytest parameter per test method of ``suites``, but the ``excluded`` ones (keyed by
    (suite, test), or ("*", test) for every suite)."""
    for suite in suites:
        for name in unittest.TestLoader().getTestCaseNames(suite):
            if (("*", name) in excluded) or ((suite.__name__, name) in excluded):
                continue
            yield pytest.param(suite, name, id=f"{suite.__name__}.{name}")


#: What a test calls to run its code in a real child interpreter (or a real fork), which it then
#: checks: that interpreter, not the simulation. simconc refuses real processes.
_CHILD_PROCESS = ("assert_python_ok", "assert_python_failure", "spawn_python", "subprocess.",
                  "os.fork(")


def runs_a_child(suite: type, name: str, seen: frozenset = frozenset(),
                 markers: tuple[str, ...] = _CHILD_PROCESS) -> bool:
    """Whether test ``name`` (or a method of the suite it calls) runs a child process (calls
    one of ``markers``)."""
    source = inspect.getsource(getattr(suite, name))
    return any(call in source for call in markers) or any(
        runs_a_child(suite, called, seen | {name}, markers)
        for called in re.findall(r"self\.(\w+)\(", source)
        if called not in seen | {name} and inspect.isfunction(getattr(suite, called, None)))


@contextlib.contextmanager
def _support_polls_simulated_time() -> Iterator[None]:
    """test.support's helpers imported the real time, _thread and threading long ago: point
    them at the face for the length of one test, as the suite's own module is."""
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


@contextlib.contextmanager
def _faces_of_this_execution(module: Optional[ModuleType]) -> Iterator[None]:
    """``module``'s threading, _thread and time are this execution's for the length of one
    test, as they would be had it been imported in it (a test that replaces
    threading.excepthook replaces the one this execution's threads call)."""
    if module is None:
        yield
        return
    faces = {face: getattr(module, face) for face in ("threading", "_thread", "time")
             if hasattr(module, face)}
    for face in faces:
        setattr(module, face, sys.modules[face])
    try:
        yield
    finally:
        for face, original in faces.items():
            setattr(module, face, original)


#: The CPU time one test may take before it is stopped. The spin watchdog stops a thread that
#: never blocks; threads that block and wake for ever (a livelock: the simulated clock runs on)
#: look alive to it, and would hang the whole suite. (The slowest test takes 25 s, from the
#: sources, on 3.13.)
CPU_LIMIT = 300.0


@contextlib.contextmanager
def _stopped_after(seconds: float, worlds: list) -> Iterator[None]:
    """Stop the execution in ``worlds`` (the body puts it there) once the process has spent
    ``seconds`` of CPU time: its run ends with the error (the timed loop raises a world's
    ``fatal`` after each of its steps). CPU time, not real time: the spin watchdog owns the
    real-time alarm while an execution runs."""
    def stop(signum: int, frame: object) -> None:
        if worlds and worlds[0].fatal is None:
            worlds[0].fatal = simconc.SimconcError(
                f"the test ran for {seconds:g} s of CPU time and was stopped: its threads "
                f"still block and wake (a livelock?) at {worlds[0].now:.3f} s of simulated time")
    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def run_case(suite: type, name: str, module: Optional[ModuleType] = None,
             threads_may_fail: bool = False) -> None:
    """Run test ``name`` of ``suite`` as the main thread of one execution; fail unless it
    passed and simconc did not stop the run. With ``threads_may_fail``, the verdict is
    unittest's alone, as under CPython (some tests' threads raise on purpose, which makes the
    run's status "error"); a spin or a deadlock still fails. ``module``: see
    _faces_of_this_execution."""
    def case() -> unittest.TestCase:
        return suite(name)
    run_in_execution(case, module, threads_may_fail)


def run_in_execution(case: Callable[[], unittest.TestCase], module: Optional[ModuleType] = None,
                     threads_may_fail: bool = False, cpu_limit: float = CPU_LIMIT) -> None:
    """``run_case`` for the test ``case()`` makes in the execution (a suite whose module is
    imported there, as tests/test_cpython_futures_tests.py does). A test that runs for more
    than ``cpu_limit`` seconds of CPU time fails."""
    outcome = unittest.TestResult()
    worlds: list = []

    def body() -> None:
        worlds.append(current_world())
        with _faces_of_this_execution(module), _support_polls_simulated_time():
            case().run(outcome)

    # Three minutes before the spin watchdog stops a test, not its default 10 s: test_queue's
    # test_references calls gc.collect() 60 times, which over a full session's heap took 6 to
    # 8 s on 3.13; asyncio's test_runners test_interrupt_call_soon and test_interrupt_wait spin
    # a loop whose selector is a mock until 0.1 s of simulated time has passed, about 100,000
    # turns of a few lock operations each, which took 44 to 56 s with the machine loaded
    # (three suites at once on 2 cores) and went past a minute from the sources. (A test that
    # really spins still stops; the CPU limit above stops a livelock.)
    with _stopped_after(cpu_limit, worlds):
        result = simconc.run(body, seed=0, profile="tutorial-2017", spin_timeout=180.0)
    problems = [text for _case, text in outcome.errors + outcome.failures]
    allowed = ("ok", "error") if threads_may_fail and result.error is None else ("ok",)
    assert result.status in allowed and result.deadlock is None, (
        result.status, result.error, result.stderr,
        result.deadlock and result.deadlock.format(), problems)
    assert not outcome.skipped, outcome.skipped
    assert outcome.testsRun == 1 and not problems, "\n".join(problems)
