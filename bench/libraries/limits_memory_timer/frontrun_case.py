"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import threading

from limits import parse, storage, strategies

TRACE_PACKAGES = ["limits*"]
ITEM = parse("5/minute")


class State:
    def __init__(self):
        self.memory = storage.MemoryStorage()
        self.limiter = strategies.FixedWindowRateLimiter(self.memory)
        self.results = []
        self.lock = threading.Lock()


def hit(s):
    # (frontrun lets a worker's exception escape from explore() with no report: kept here)
    try:
        s.results.append(s.limiter.hit(ITEM, "client-1"))
    except RuntimeError as exc:
        s.results.append(str(exc))


def schedule(s):
    try:
        s.memory._MemoryStorage__schedule_expiry()
        s.results.append(True)
    except RuntimeError as exc:
        s.results.append(str(exc))


def locked_hit(s):
    with s.lock:
        hit(s)


CASES = {
    "test_two_hits_on_a_fresh_limiter": dict(
        setup=State, workers=[hit, hit], invariant=lambda s: s.results == [True, True]),
    "test_two_threads_schedule_expiry": dict(
        setup=State, workers=[schedule, schedule],
        invariant=lambda s: s.results == [True, True]),
    "test_two_hits_on_a_fresh_limiter_under_a_lock": dict(
        setup=State, workers=[locked_hit, locked_hit],
        invariant=lambda s: s.results == [True, True]),
}
