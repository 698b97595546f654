"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import threading

from circuitbreaker import CircuitBreaker

from test_circuitbreaker_failure_count import call_and_swallow

TRACE_PACKAGES = ["circuitbreaker*"]


def down():
    raise ConnectionError("backend down")


class State:
    def __init__(self):
        self.breaker = CircuitBreaker(failure_threshold=2, expected_exception=ConnectionError,
                                      name="backend")
        self.backend = self.breaker(down)   # what @circuit(...) does
        self.lock = threading.Lock()


def worker(s):
    call_and_swallow(s.backend)


def locked_worker(s):
    def locked():
        with s.lock:
            s.backend()
    call_and_swallow(locked)


def opened_after_two_failures(s):
    return s.breaker.failure_count == 2 and s.breaker.opened


CASES = {
    "test_two_failures_open_the_circuit": dict(
        setup=State, workers=[worker, worker], invariant=opened_after_two_failures),
    "test_two_failures_open_the_circuit_under_a_lock": dict(
        setup=State, workers=[locked_worker, locked_worker], invariant=opened_after_two_failures),
}
