"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import pybreaker

from test_pybreaker_fail_counter import fail_once, fail_once_locked

TRACE_PACKAGES = ["pybreaker*"]

CASES = {
    "test_failures_are_counted": dict(
        setup=lambda: pybreaker.CircuitBreaker(fail_max=5),
        workers=[fail_once, fail_once],
        invariant=lambda breaker: breaker.fail_counter == 2,
    ),
    "test_failures_are_counted_under_the_lock": dict(
        setup=lambda: pybreaker.CircuitBreaker(fail_max=5),
        workers=[fail_once_locked, fail_once_locked],
        invariant=lambda breaker: breaker.fail_counter == 2,
    ),
}
