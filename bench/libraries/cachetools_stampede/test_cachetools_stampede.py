"""cachetools 5.5.2: a cached function computed twice for one key (a cache stampede).

``@cached(cache, lock=lock)`` (and the ``cachetools.func`` decorators, which are
``@cached(cache, lock=RLock())``) hold the lock while they look the key up and while they store
the value, not while they compute it. Two threads asking for the same missing key both miss,
both release the lock, and both run the wrapped function: the expensive call the cache exists to
avoid is made twice (tkem/cachetools#262, labelled bug: "The string AAA is printed sometimes once
and sometimes twice", with ``@cached(cache=TTLCache(maxsize=10, ttl=60), lock=lock)``; #279,
#317; PR #224 tried key-level locking). cachetools 6.0.0 made the ``cachetools.func`` decorators
use a ``threading.Condition`` ("to deal with cache stampede issues", changelog) and gave
``@cached`` an opt-in ``condition`` parameter that does the same.
"""
import inspect
import threading

import pytest

import cachetools
import cachetools.func


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def loader(calls, decorator):
    @decorator
    def load(key):
        calls.append(key)   # the expensive call: a query, a download
        return key.upper()
    return load


def two_callers(load, lock=None):
    results = []

    def call():
        if lock is None:
            results.append(load("config"))
        else:
            with lock:
                results.append(load("config"))

    run_all(call, call)
    return results


@pytest.mark.explore
def test_func_ttl_cache_computes_once():
    # The cachetools.func decorator, as issue #262's users meet it.
    calls = []
    load = loader(calls, cachetools.func.ttl_cache(maxsize=16, ttl=600))
    assert two_callers(load) == ["CONFIG", "CONFIG"]
    assert calls == ["config"]   # computed once, the second caller served from the cache


@pytest.mark.explore
def test_cached_with_lock_computes_once():
    # Issue #262's own code: @cached(cache=TTLCache(...), lock=lock).
    calls = []
    lock = threading.RLock()
    load = loader(calls, cachetools.cached(cachetools.TTLCache(maxsize=16, ttl=600), lock=lock))
    assert two_callers(load) == ["CONFIG", "CONFIG"]
    assert calls == ["config"]


@pytest.mark.explore
def test_cached_with_lock_callers_under_a_lock():
    # The fixed variant: the callers serialized by a lock of their own.
    calls = []
    lock = threading.RLock()
    load = loader(calls, cachetools.cached(cachetools.TTLCache(maxsize=16, ttl=600), lock=lock))
    assert two_callers(load, lock=threading.Lock()) == ["CONFIG", "CONFIG"]
    assert calls == ["config"]


@pytest.mark.skipif("condition" not in inspect.signature(cachetools.cached).parameters,
                    reason=f"cachetools {cachetools.__version__} has no condition parameter "
                           f"(6.0.0 has)")
@pytest.mark.explore
def test_cached_with_condition_computes_once():
    # The fix of 6.0.0 for @cached: a Condition as the lock makes the second caller wait.
    calls = []
    condition = threading.Condition()
    load = loader(calls, cachetools.cached(cachetools.TTLCache(maxsize=16, ttl=600),
                                           lock=condition, condition=condition))
    assert two_callers(load) == ["CONFIG", "CONFIG"]
    assert calls == ["config"]
