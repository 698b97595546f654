"""The cost profile's operation costs: locks, queues and forced switches take simulated time.

A lock's acquire or release and a queue's put or get cost CPU time of the thread that does them
(``lock_op``, ``queue_op``); a forced switch of the GIL costs a hand-over during which no thread
runs (``forced_switch``). Measured through the program's own clock, as a user would.
"""
from __future__ import annotations

import pytest

import simconc

#: No jitter, no thread start or timer slack: only the costs under test move the clock.
BARE = simconc.get_profile("ideal")


def clocked(body, profile):
    """Run ``body()`` as the main thread; the simulated seconds it took, read by the program."""
    took = []

    def program():
        import time
        start = time.perf_counter()
        body()
        took.append(time.perf_counter() - start)

    result = simconc.run(program, profile=profile)
    assert result.status == "ok", (result.status, result.error, result.stderr)
    return took[0]


def test_every_acquire_and_release_of_a_lock_costs_lock_op():
    def body():
        import threading
        lock = threading.Lock()
        for _ in range(1000):
            with lock:
                pass
    assert clocked(body, BARE.with_(lock_op=1e-6)) == pytest.approx(2000e-6)
    assert clocked(body, BARE) == 0.0   # ideal: free


def test_a_queues_put_and_get_cost_queue_op_each_besides_their_locks():
    def body():
        import queue
        q = queue.Queue()
        for i in range(100):
            q.put(i)
            q.get()
    only_queue = clocked(body, BARE.with_(queue_op=1e-6))
    assert only_queue == pytest.approx(200e-6)
    with_locks = clocked(body, BARE.with_(queue_op=1e-6, lock_op=1e-7))
    assert with_locks == pytest.approx(200e-6 + 100 * 4 * 1e-7)   # 4 lock operations a pair


def test_the_tutorial_profile_times_them_as_the_authors_machine_did():
    def locks():
        import threading
        lock = threading.Lock()
        for _ in range(1000):
            lock.acquire()
            lock.release()

    def queues():
        import queue
        q = queue.Queue()
        for i in range(1000):
            q.put(i)
            q.get()
    # CPython 3.6 timed on a machine where fib(35) takes 3.11 s, scaled to the author's 3.75 s.
    assert clocked(locks, "tutorial-2017") / 1000 == pytest.approx(0.54e-6, rel=0.01)
    assert clocked(queues, "tutorial-2017") / 1000 == pytest.approx(9.9e-6, rel=0.01)


def test_cpu_bound_threads_pay_the_forced_switches_as_the_tutorial_measured():
    # The tutorial: fib(35) twice took 7.497 s one after the other, 7.774 s in two threads.
    def one_after_other():
        simconc.cpu(3.7485)
        simconc.cpu(3.7485)

    def two_threads():
        import threading
        threads = [threading.Thread(target=simconc.cpu, args=(3.7485,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    profile = simconc.get_profile("tutorial-2017")
    sequential = clocked(one_after_other, profile)
    threaded = clocked(two_threads, profile)
    assert sequential == pytest.approx(7.497)
    assert threaded / sequential == pytest.approx(7.774 / 7.497, abs=0.002)
    assert clocked(two_threads, BARE) == pytest.approx(7.497)   # free switches: no slower


def test_cpu_time_owed_passes_before_the_thread_sleeps_and_before_it_ends():
    def program():
        import threading
        import time
        lock = threading.Lock()
        woke = []

        def worker():
            for _ in range(10):
                with lock:          # 20 operations: 20 us owed
                    pass
            time.sleep(0.001)       # paid before the sleep begins
            woke.append(time.monotonic())
            for _ in range(5):
                with lock:          # 10 us more, paid before the thread ends
                    pass

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        print(f"{woke[0] * 1e6:.1f} {time.monotonic() * 1e6:.1f}")

    result = simconc.run(program, profile=BARE.with_(lock_op=1e-6))
    assert result.status == "ok" and result.stdout == "1020.0 1030.0\n"


def test_a_thread_that_only_polls_is_forced_off_the_gil_after_a_switch_interval():
    def program():
        import queue
        import threading
        import time
        q = queue.Queue()
        seen = []

        def poll():
            while True:
                try:
                    seen.append((q.get(False), time.monotonic()))
                    return
                except queue.Empty:
                    pass

        t = threading.Thread(target=poll)
        t.start()          # the poller runs at once, and polls
        q.put("item")      # the main thread gets the GIL back one switch interval later
        t.join()
        print(seen[0][0], f"{seen[0][1] * 1000:.1f} ms")

    result = simconc.run(program, profile=BARE.with_(queue_op=1e-6, lock_op=1e-7))
    assert result.status == "ok"
    item, when = result.stdout.split(" ", 1)
    assert item == "item" and 5.0 <= float(when.split()[0]) <= 5.1
