"""``simconc calibrate``: this machine's costs, measured with the real interpreter, as a cost
profile.

Each figure is the median of several timed batches of the real operation (threads, locks,
queues, pipes, processes of the real ``threading`` and ``multiprocessing``), so that a run under
the profile takes, in simulated time, about what the program takes here for real
(``bench/bench_truth.py`` compares the two). The profile is a JSON file that ``--profile``
takes; the tutorial's simulated network comes with it.
"""
from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import statistics
import sys
import threading
import time
from typing import Any, Callable, Optional, TextIO

from ..kernel.profile import TUTORIAL_2017, CostProfile

#: fib(n) makes 2 * fib(n) - 1 calls (its ``if n <= 2: return 1``): ticks of counted Python.
_FIB_CALLS = {25: 150049, 27: 392835}


def _fib(n: int) -> int:
    if n <= 2:
        return 1
    return _fib(n - 1) + _fib(n - 2)


def _median(measure: Callable[[], float], times: int) -> float:
    return statistics.median(measure() for _ in range(times))


def python_step(quick: bool) -> float:
    """Seconds per call of the tutorial's fib: a tick of counted Python."""
    n = 25 if quick else 27

    def once() -> float:
        start = time.perf_counter()
        _fib(n)
        return time.perf_counter() - start
    return _median(once, 3 if quick else 5) / _FIB_CALLS[n]


def lock_op(quick: bool) -> float:
    """One acquire or one release of a threading.Lock."""
    lock, count = threading.Lock(), 20_000 if quick else 200_000

    def once() -> float:
        acquire, release = lock.acquire, lock.release
        start = time.perf_counter()
        for _ in range(count):
            acquire()
            release()
        return (time.perf_counter() - start) / (2 * count)
    return _median(once, 5)


def queue_op(quick: bool, lock: float) -> float:
    """A put or a get of a queue.Queue, besides its locks' four operations a pair."""
    q: queue.Queue[int]
    q, count = queue.Queue(), 5_000 if quick else 50_000

    def once() -> float:
        put, get = q.put, q.get
        start = time.perf_counter()
        for i in range(count):
            put(i)
            get()
        return (time.perf_counter() - start) / count
    pair = _median(once, 5)
    return max(0.0, (pair - 4 * lock) / 2)


def thread_start(quick: bool) -> float:
    """From Thread.start() until the new thread runs its first line."""
    def once() -> float:
        seen: list[float] = []
        thread = threading.Thread(target=lambda: seen.append(time.perf_counter()))
        start = time.perf_counter()
        thread.start()
        thread.join()
        return seen[0] - start
    return _median(once, 30 if quick else 200)


def _child_started(connection: "multiprocessing.connection.Connection") -> None:
    connection.send(time.perf_counter())
    connection.close()


def process_start(method: str, quick: bool) -> float:
    """From Process.start() until the child (``method``: fork or spawn) runs its target."""
    context = multiprocessing.get_context(method)

    def once() -> float:
        reader, writer = context.Pipe(duplex=False)
        # (a fork or spawn context: both have Process, which the stubs' BaseContext has not)
        process = context.Process(  # type: ignore[attr-defined]
            target=_child_started, args=(writer,))
        start = time.perf_counter()
        process.start()
        started = reader.recv()
        process.join()
        reader.close()
        writer.close()
        return started - start
    return _median(once, 3 if quick else (10 if method == "fork" else 5))


def _sleeps() -> None:
    time.sleep(60)


def process_end(quick: bool) -> tuple[float, float]:
    """How a child's end looks to its parent (fork): from ``terminate()`` until its sentinel is
    ready, and from then on until ``waitpid`` finds it ended (each a median)."""
    kills: list[float] = []
    exits: list[float] = []
    for _ in range(5 if quick else 40):
        process = multiprocessing.get_context("fork").Process(  # type: ignore[attr-defined]
            target=_sleeps, daemon=True)
        process.start()
        pid = process.pid
        assert pid is not None   # (started)
        time.sleep(0.005)   # (in its sleep)
        start = time.perf_counter()
        os.kill(pid, signal.SIGTERM)
        multiprocessing.connection.wait([process.sentinel])
        ready = time.perf_counter()
        # (WNOWAIT: it stays to be reaped by join(), as multiprocessing needs)
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            pass
        exits.append(time.perf_counter() - ready)
        kills.append(ready - start)
        process.join()
    return statistics.median(kills), statistics.median(exits)


def pipe_op(quick: bool) -> float:
    """A small message's send_bytes or recv_bytes on a multiprocessing pipe."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    count = 2_000 if quick else 20_000

    def once() -> float:
        send, recv = writer.send_bytes, reader.recv_bytes
        start = time.perf_counter()
        for _ in range(count):
            send(b"x" * 64)
            recv()
        return (time.perf_counter() - start) / (2 * count)
    try:
        return _median(once, 5)
    finally:
        reader.close()
        writer.close()


def sleep_overshoot(quick: bool) -> float:
    """How much later than asked time.sleep(0.001) returns."""
    def once() -> float:
        start = time.perf_counter()
        time.sleep(0.001)
        return time.perf_counter() - start - 0.001
    return max(0.0, _median(once, 50 if quick else 300))


def forced_switch(quick: bool, switch_interval: float) -> float:
    """The time lost at each forced GIL hand-over: two computing threads against the same work
    in a row, over the number of hand-overs (the tutorial's own way, row 2)."""
    n = 25 if quick else 27

    def once() -> float:
        start = time.perf_counter()
        _fib(n)
        _fib(n)
        alone = time.perf_counter() - start
        threads = [threading.Thread(target=_fib, args=(n,)) for _ in range(2)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        together = time.perf_counter() - start
        return max(0.0, (together - alone) / (alone / switch_interval))
    return _median(once, 3)


def calibrate(quick: bool = False, progress: Optional[TextIO] = None) -> CostProfile:
    """This machine's cost profile (see the module's docstring)."""
    def step(name: str, measure: Callable[[], Any]) -> Any:
        if progress is not None:
            progress.write(f"simconc: calibrate: {name} ...")
            progress.flush()
        value = measure()
        if progress is not None:
            shown = value if isinstance(value, tuple) else (value,)
            progress.write(f" {', '.join(_shown(each) for each in shown)}\n")
        return value

    switch_interval = sys.getswitchinterval()
    lock = step("lock_op", lambda: lock_op(quick))
    costs: dict[str, Any] = dict(
        cores=os.cpu_count() or 1,
        switch_interval=switch_interval,
        python_step=step("python_step", lambda: python_step(quick)),
        lock_op=lock,
        queue_op=step("queue_op", lambda: queue_op(quick, lock)),
        thread_start=step("thread_start", lambda: thread_start(quick)),
        process_start=step("process_start (fork)", lambda: process_start("fork", quick)),
        spawn_start=step("spawn_start", lambda: process_start("spawn", quick)),
    )
    # (both from the same processes' ends)
    costs["process_kill"], costs["process_exit"] = step(
        "process_kill, process_exit", lambda: process_end(quick))
    costs.update(
        pipe_op=step("pipe_op", lambda: pipe_op(quick)),
        sleep_overshoot=step("sleep_overshoot", lambda: sleep_overshoot(quick)),
        forced_switch=step("forced_switch", lambda: forced_switch(quick, switch_interval)),
    )
    return TUTORIAL_2017.with_(
        name="calibrated",
        description=f"This machine, measured by simconc calibrate with Python "
                    f"{sys.version.split()[0]}: {costs['cores']} cores; the tutorial's URLs.",
        **costs)


def _shown(seconds: float) -> str:
    if isinstance(seconds, int):
        return str(seconds)
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def write(profile: CostProfile, path: str) -> None:
    """The profile as the JSON file ``--profile PATH`` reads (without its sites: the
    tutorial's come back when it is read)."""
    data = {key: value for key, value in profile.as_dict().items() if key != "sites"}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
