"""circuitbreaker 2.1.3: two failures counted as one, and the circuit does not open.

``@circuit(failure_threshold=2)`` wraps the function in ``CircuitBreaker.call``; a failure goes
to ``CircuitBreaker.__call_failed``, which does ``self._failure_count += 1`` and opens the
circuit when the count reaches the threshold. Nothing in the library takes a lock (fabfuel/
circuitbreaker#61, "Thread safe?", open: "From what I can see there is no locking, hence no
thread-safety"). Two threads failing at once can both read the count before either writes it:
the count ends at 1, the circuit stays closed after two failures, and the third call goes to
the failing backend instead of failing fast.
"""
import threading

import pytest

from circuitbreaker import CircuitBreakerMonitor, circuit


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def call_and_swallow(function):
    try:
        function()
    except ConnectionError:
        pass


@pytest.mark.explore
def test_two_failures_open_the_circuit():
    @circuit(failure_threshold=2, expected_exception=ConnectionError, name="backend")
    def backend():
        raise ConnectionError("backend down")

    run_all(lambda: call_and_swallow(backend), lambda: call_and_swallow(backend))
    breaker = CircuitBreakerMonitor.get("backend")
    assert breaker.failure_count == 2
    assert breaker.opened   # the next call fails fast


@pytest.mark.explore
def test_two_failures_open_the_circuit_under_a_lock():
    # The fixed variant: the calls through the breaker serialized by a lock of the caller's.
    lock = threading.Lock()

    @circuit(failure_threshold=2, expected_exception=ConnectionError, name="backend_locked")
    def backend():
        raise ConnectionError("backend down")

    def locked():
        with lock:
            backend()

    run_all(lambda: call_and_swallow(locked), lambda: call_and_swallow(locked))
    breaker = CircuitBreakerMonitor.get("backend_locked")
    assert breaker.failure_count == 2
    assert breaker.opened
