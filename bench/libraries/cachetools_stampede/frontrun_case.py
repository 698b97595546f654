"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import inspect
import threading

import conftest  # noqa: F401  (puts _vendor, cachetools 5.5.2, on sys.path)

import cachetools
import cachetools.func

TRACE_PACKAGES = ["cachetools*"]


class State:
    def __init__(self, make):
        self.calls = []
        self.results = []
        self.lock = threading.Lock()

        def load(key):
            self.calls.append(key)
            return key.upper()
        self.load = make()(load)


def caller(s):
    s.results.append(s.load("config"))


def locked_caller(s):
    with s.lock:
        caller(s)


def once(s):
    return s.results == ["CONFIG", "CONFIG"] and s.calls == ["config"]


def cached_with_lock():
    return cachetools.cached(cachetools.TTLCache(maxsize=16, ttl=600), lock=threading.RLock())


def cached_with_condition():
    condition = threading.Condition()
    return cachetools.cached(cachetools.TTLCache(maxsize=16, ttl=600), lock=condition,
                             condition=condition)


CASES = {
    "test_func_ttl_cache_computes_once": dict(
        setup=lambda: State(lambda: cachetools.func.ttl_cache(maxsize=16, ttl=600)),
        workers=[caller, caller], invariant=once),
    "test_cached_with_lock_computes_once": dict(
        setup=lambda: State(cached_with_lock), workers=[caller, caller], invariant=once),
    "test_cached_with_lock_callers_under_a_lock": dict(
        setup=lambda: State(cached_with_lock), workers=[locked_caller, locked_caller],
        invariant=once),
}
if "condition" in inspect.signature(cachetools.cached).parameters:
    CASES["test_cached_with_condition_computes_once"] = dict(
        setup=lambda: State(cached_with_condition), workers=[caller, caller], invariant=once)
