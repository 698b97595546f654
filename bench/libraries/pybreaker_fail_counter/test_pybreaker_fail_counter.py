"""pybreaker 1.4.1: two failures counted as one.

``CircuitBreaker.calling()`` (added in 1.1.0, danielfm/pybreaker#87) is implemented as
``yield from self.call(_wrapper)``: ``call`` holds the breaker's lock only while it creates
the generator, and the failure of the ``with`` block is handled later, by
``CircuitBreakerState.generator_call`` -> ``_handle_error`` -> ``CircuitMemoryStorage.
increment_counter``, which does ``self._fail_counter += 1`` with no lock held. Two threads
failing inside ``with breaker.calling():`` at once can both read the counter before either
writes it back: the breaker counts one failure instead of two, and trips late (or never).
"""
import threading

import pytest

import pybreaker


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def fail_once(breaker):
    try:
        with breaker.calling():
            raise IOError("backend down")
    except IOError:
        pass


@pytest.mark.explore
def test_failures_are_counted():
    breaker = pybreaker.CircuitBreaker(fail_max=5)
    run_all(lambda: fail_once(breaker), lambda: fail_once(breaker))
    assert breaker.fail_counter == 2


def fail_once_locked(breaker):
    # The fixed variant: the same failure through ``breaker.call``, which holds the breaker's
    # lock while the failure is handled and counted.
    def backend():
        raise IOError("backend down")

    try:
        breaker.call(backend)
    except IOError:
        pass


@pytest.mark.explore
def test_failures_are_counted_under_the_lock():
    breaker = pybreaker.CircuitBreaker(fail_max=5)
    run_all(lambda: fail_once_locked(breaker), lambda: fail_once_locked(breaker))
    assert breaker.fail_counter == 2
