"""The face's modules have the real ones' shape: the same public names (on every Python version,
``from M import *`` binding the same ones), and functions that behave as the built-in functions
they stand in for when a class holds one (logging's ``Formatter.converter = time.gmtime``)."""
import importlib
import sys

import pytest

import simconc

FACES = ["time", "random", "_thread", "threading", "queue"]


@pytest.mark.parametrize("name", FACES)
def test_a_star_import_binds_what_the_real_module_binds(name):
    real = importlib.import_module(name)
    expected = set(getattr(real, "__all__", None) or
                   [n for n in dir(real) if not n.startswith("_")])
    seen = {}

    def program():
        namespace = {}
        exec(f"from {name} import *", namespace)
        seen["names"] = {n for n in namespace if n != "__builtins__"}

    result = simconc.run(program)
    assert result.status == "ok", result.error
    # (every name the real one binds, and none of the face's own: typing's Any, its imports)
    missing = expected - seen["names"]
    if name == "_thread":   # (3.13's thread handles, which the face's threading does not use)
        missing -= {"start_joinable_thread"}
    assert not missing and seen["names"] <= expected


@pytest.mark.parametrize("name", FACES)
def test_the_face_shows_as_the_real_module_with_its_names(name):
    # print(threading) named simconc's file ('simconc.stdlib.threading'), and dir(threading)
    # had the face's own imports (Any, SimThread, current_world...)
    real = importlib.import_module(name)
    seen = {}

    def program():
        module = importlib.import_module(name)
        seen["repr"] = repr(module)
        seen["names"] = {n for n in dir(module) if not n.startswith("_")}

    result = simconc.run(program)
    assert result.status == "ok", result.error
    assert seen["repr"] == repr(real)
    expected = {n for n in dir(real) if not n.startswith("_")}
    if name == "_thread":   # (3.13's name of the lock class, threading.Lock's, which pickle
        expected.add("lock")   # looks up: the face's Lock is a class on every version)
    assert seen["names"] <= expected
    # What it lacks would reach the real machine: a function of the real module's it has no
    # face of (queue's time, the real time.monotonic), or the real threading (queue's).
    for missing in expected - seen["names"]:
        value = getattr(real, missing)
        assert callable(value) and not isinstance(value, type) \
            or value is sys.modules.get("threading"), missing


@pytest.mark.parametrize("name", ["threading", "_thread", "queue", "time", "random",
                                  "urllib.request"])
def test_reloading_a_face_module_leaves_it_the_face(name):
    # The face shows as the real module (its __spec__): importlib.reload then ran the real
    # module's code into it (threading's failed half-way, on _thread._set_sentinel, the
    # face's threading half replaced). Now it changes nothing, and returns the module.
    seen = {}

    def program():
        module = importlib.import_module(name)
        before = dict(vars(module))
        seen["same"] = importlib.reload(module) is module
        seen["changed"] = sorted(key for key, value in vars(module).items()
                                 if before.get(key, object()) != value)
        seen["repr"] = repr(module)
        import threading
        worker = threading.Thread(target=lambda: seen.setdefault("ran", True))
        worker.start()
        worker.join()

    result = simconc.run(program)
    assert result.status == "ok", result.error
    assert seen == {"same": True, "changed": [], "repr": repr(importlib.import_module(name)),
                    "ran": True}


def test_every_public_function_of_random_is_the_runs_own():
    seen = {}

    def program():
        import random
        random.seed(5)
        seen["draws"] = [getattr(random, n)(*args) for n, args in (
            ("random", ()), ("randint", (1, 6)), ("gauss", (0, 1)))]
        if sys.version_info >= (3, 12):
            seen["binomial"] = random.binomialvariate(10, 0.5)

    assert simconc.run(program).status == "ok"
    import random
    real = random.Random(5)
    assert seen["draws"] == [real.random(), real.randint(1, 6), real.gauss(0, 1)]
    if sys.version_info >= (3, 12):
        assert seen["binomial"] == real.binomialvariate(10, 0.5)


def test_functions_a_class_holds_are_called_not_bound_as_methods():
    seen = {}

    def program():
        import _thread
        import io
        import logging
        import random
        import threading
        import time

        class Stopwatch:
            clock = time.perf_counter
            draw = random.random
            ident = _thread.get_ident

        time.sleep(0.25)
        watch = Stopwatch()
        seen["held"] = (watch.clock(), 0 <= watch.draw() < 1,
                        watch.ident() == threading.get_ident())
        out = io.StringIO()
        handler = logging.StreamHandler(out)
        formatter = logging.Formatter("%(asctime)s %(message)s")
        formatter.converter = time.gmtime   # (an instance's: called as is)
        handler.setFormatter(formatter)
        logging.Formatter.converter = time.gmtime   # (the class's: CPython's idiom)
        other = logging.Formatter("%(asctime)s")
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
        seen["logged"] = (formatter.format(record), other.format(record))
        logging.Formatter.converter = time.localtime

    result = simconc.run(program, profile="ideal")
    assert result.status == "ok", result.error
    assert seen["held"] == (0.25, True, True)
    assert seen["logged"] == ("2017-05-12 07:59:00,250 hi", "2017-05-12 07:59:00,250")


def test_functions_of_the_face_pickle_by_name_as_built_in_ones_do():
    def program():
        import _thread
        import concurrent.futures
        import pickle
        import random
        import time
        for function in (time.perf_counter, _thread.get_native_id, random.random):
            pickle.loads(pickle.dumps(function))   # (no PicklingError)
        # (a process pool sends the function it maps to its workers pickled)
        with concurrent.futures.ProcessPoolExecutor(2) as pool:
            print(list(pool.map(time.sleep, [0.1, 0.2])))

    result = simconc.run(program)
    assert result.status == "ok", (result.error, result.stderr)
    assert result.stdout == "[None, None]\n"


def test_functions_of_the_face_are_shown_as_the_real_ones_with_a_stable_address():
    import random
    import re
    import time
    seen = []

    def program():
        import random
        import time
        seen.append([repr(f) for f in (time.sleep, time.perf_counter, random.random,
                                       random.randint)])

    for _ in range(2):
        assert simconc.run(program).status == "ok"
    assert seen[0] == seen[1]
    real = [re.sub(r"0x[0-9a-f]+", "ADDRESS", repr(f))
            for f in (time.sleep, time.perf_counter, random.random, random.randint)]
    assert [re.sub(r"0x[0-9a-f]+", "ADDRESS", shown) for shown in seen[0]] == real


_PRIMITIVES = {
    "Lock": "threading.Lock()", "RLock": "threading.RLock()",
    "Condition": "threading.Condition()", "Event": "threading.Event()",
    "Semaphore": "threading.Semaphore()", "BoundedSemaphore": "threading.BoundedSemaphore()",
    "Barrier": "threading.Barrier(1)", "Queue": "queue.Queue()",
    "SimpleQueue": "queue.SimpleQueue()", "Thread": "threading.Thread()",
}


def _public(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_"))


@pytest.mark.parametrize("kind", sorted(_PRIMITIVES))
def test_the_primitives_have_the_real_ones_public_attributes_and_no_more(kind):
    # (duck typing sees what hasattr finds: an RLock with locked() before 3.14, or a label,
    # would be taken for what CPython's is not)
    import queue
    import threading
    real = _public(eval(_PRIMITIVES[kind], {"threading": threading, "queue": queue}))
    seen = {}

    def program():
        import queue
        import threading
        made = eval(_PRIMITIVES[kind], {"threading": threading, "queue": queue})
        seen["names"] = _public(made)
        seen["recursion_count"] = hasattr(made, "_recursion_count")

    result = simconc.run(program)
    assert result.status == "ok", result.error
    assert seen["names"] == real
    if kind == "RLock":   # (3.11's addition)
        assert seen["recursion_count"] == hasattr(threading.RLock(), "_recursion_count")


def test_a_subclass_of_a_primitive_may_have_a_label_of_its_own():
    # simconc named its objects for reports by a `label` property: a subclass that set
    # self.label failed, "property 'label' of 'Named' object has no setter"
    def program():
        import threading

        class Named(threading.Event):
            def __init__(self, label):
                super().__init__()
                self.label = label
                self.holders = []

        ready = Named("ready")
        waiter = threading.Thread(target=ready.wait)
        waiter.start()
        ready.set()
        waiter.join()
        print(ready.label, ready.holders, ready.is_set())

    result = simconc.run(program)
    assert result.status == "ok", result.error
    assert result.stdout == "ready [] True\n"


def test_a_thread_subclass_may_use_names_cpythons_thread_does_not_have():
    # simconc's own attributes of a Thread were `_hash` (its hash: a subclass's `self._hash =
    # "86f7e437"` broke `{thread}` with "__hash__ method should return an integer") and
    # `_forget` (called as the thread ended: a subclass's own method ran instead)
    def program():
        import threading

        class Hasher(threading.Thread):
            def run(self):
                self._hash = "86f7e437"

            def _forget(self):
                return "its own"

        threads = [Hasher(), Hasher()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(len({*threads}), threads[0]._hash, threads[0]._forget(), threading.active_count())

    result = simconc.run(program)
    assert result.status == "ok", (result.error, result.stderr)
    assert result.stdout == "2 86f7e437 its own 1\n"
