"""limits 5.8.0: ``RuntimeError: threads can only be started once`` from ``MemoryStorage``.

``MemoryStorage`` expires its counters with a ``threading.Timer``; each hit calls
``__schedule_expiry``::

    if not self.timer.is_alive():
        self.timer = threading.Timer(0.01, self.__expire_events)
        self.timer.start()

Two threads hitting the limiter after the last timer ended both see it dead; the first assigns
a new timer, the second assigns another, and both call ``self.timer.start()`` on the second one:
``RuntimeError: threads can only be started once`` (alisaifee/limits#26, "Clarify
thread-safety", with this traceback from Flask-Limiter; fixed by alisaifee/limits#352, "Make
memory storage threadsafe", merged 2026-06-22 after 5.8.0, unreleased: the check and the start
under a lock).
"""
import threading

import pytest

import limits.storage.memory
from limits import parse, storage, strategies


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def hit(limiter, item, results):
    results.append(limiter.hit(item, "client-1"))


def simulated_threading():
    """limits.storage.memory did ``import threading`` when it was imported; simconc rebinds
    such names for each execution only in the top module of a named package
    (bench/libraries/PROBLEMS.md, problem 1), so the test does it for this submodule: during
    the execution, this module's ``threading`` is the simulated one."""
    real = limits.storage.memory.threading
    limits.storage.memory.threading = threading
    return real


@pytest.mark.explore
def test_two_hits_on_a_fresh_limiter():
    real = simulated_threading()
    try:
        memory = storage.MemoryStorage()
        limiter = strategies.FixedWindowRateLimiter(memory)
        item = parse("5/minute")
        results = []
        run_all(lambda: hit(limiter, item, results), lambda: hit(limiter, item, results))
        assert results == [True, True]   # both allowed, neither thread died
    finally:
        limits.storage.memory.threading = real


@pytest.mark.explore
def test_two_threads_schedule_expiry():
    # The method of the report, called as incr() and acquire_entry() call it on every hit.
    real = simulated_threading()
    try:
        memory = storage.MemoryStorage()
        errors = []

        def schedule():
            try:
                memory._MemoryStorage__schedule_expiry()
            except RuntimeError as exc:   # "threads can only be started once"
                errors.append(str(exc))

        run_all(schedule, schedule)
        assert errors == []
    finally:
        limits.storage.memory.threading = real


@pytest.mark.explore
def test_two_hits_on_a_fresh_limiter_under_a_lock():
    # The fixed variant: the hits serialized by a lock of the application's.
    real = simulated_threading()
    try:
        memory = storage.MemoryStorage()
        limiter = strategies.FixedWindowRateLimiter(memory)
        item = parse("5/minute")
        results = []
        lock = threading.Lock()

        def locked():
            with lock:
                hit(limiter, item, results)

        run_all(locked, locked)
        assert results == [True, True]
    finally:
        limits.storage.memory.threading = real
