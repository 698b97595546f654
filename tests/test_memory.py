"""An execution is freed by reference counting as soon as it is dropped.

Thousands of executions a second each leave a world, threads, wait queues, a trace: left in
reference cycles, they pile up until the cycle collector walks them all, which cost a tenth of
every run. These tests keep any new cycle from creeping back in.
"""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

import simconc

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def simconc_garbage(action) -> list[str]:
    """The types of simconc's own objects that ``action()`` made and left for the cycle
    collector. (Objects that were alive before, say the worlds of other tests still held
    somewhere, are not its own.)"""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    before = {id(o) for o in gc.get_objects()}
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        action()
        gc.collect()
        found = sorted({type(o).__module__ + "." + type(o).__qualname__ for o in gc.garbage
                        if type(o).__module__.startswith("simconc") and id(o) not in before})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    return found


def busy_program() -> None:
    import queue
    import threading
    import time

    lock = threading.Lock()
    condition = threading.Condition()
    items: queue.Queue = queue.Queue(maxsize=1)
    done = threading.Event()

    def producer() -> None:
        for i in range(3):
            items.put(i)
            with lock:
                time.sleep(0.001)
        with condition:
            condition.notify_all()
        done.set()

    def consumer() -> None:
        for _ in range(3):
            items.get()
            items.task_done()

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    done.wait()
    for t in threads:
        t.join()


def deadlock() -> None:
    import threading
    import time

    a, b = threading.Lock(), threading.Lock()

    def one() -> None:
        with a:
            time.sleep(0.01)
            with b:
                pass

    def two() -> None:
        with b:
            time.sleep(0.01)
            with a:
                pass

    threads = [threading.Thread(target=one), threading.Thread(target=two, daemon=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_a_run_leaves_no_cycles() -> None:
    assert simconc_garbage(lambda: [simconc.run(busy_program, seed=s) for s in range(5)]) == []


@pytest.mark.parametrize("semantics", ["timed", "untimed"])
def test_a_deadlocked_run_leaves_no_cycles(semantics: str) -> None:
    results = []
    found = simconc_garbage(lambda: results.extend(
        simconc.run(deadlock, seed=s, semantics=semantics) for s in range(10)))
    assert "deadlock" in {r.status for r in results}   # the stuck threads were unwound too
    assert found == []


def test_an_exploration_leaves_no_cycles() -> None:
    report = []
    found = simconc_garbage(lambda: report.append(
        simconc.explore(str(SCENARIOS / "lost_update.py"))))
    assert report[0].failures    # the failure was replayed with its trace, and explained
    assert found == []
