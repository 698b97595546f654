"""The sync layer's ports of CPython's Condition, Semaphore, Event, Barrier and queues behave as
CPython's do: wake orders, counts, timeouts on the simulated clock, exception types and messages.

Each program runs as the simulated main thread and imports the stdlib face (``threading``,
``queue``, ``time``); it records what it saw in ``log``, and the test checks that afterwards.
Most run on the "ideal" profile, where sleeps and timeouts last exactly what they say.
"""
import re
import sys
import warnings

import pytest

import simconc

PY311 = sys.version_info >= (3, 11)
PY313 = sys.version_info >= (3, 13)
SEEDS = range(6)


def run(program, seed=0, profile="ideal"):
    result = simconc.run(program, seed=seed, profile=profile)
    assert result.status == "ok", (result.status, result.stderr, result.error)
    return result


def ops(result, op):
    return [e.obj for e in result.trace if e.op == op]


# --- Condition ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_condition_notify_wakes_waiters_oldest_first(seed):
    woken = []

    def program():
        import threading, time
        cond = threading.Condition()

        def waiter(i):
            with cond:
                cond.wait()
                woken.append(i)

        threads = [threading.Thread(target=waiter, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
            time.sleep(0.01)   # so they queue up in order 0..4
        for _ in threads:
            with cond:
                cond.notify()
            time.sleep(0.01)   # the woken thread takes the lock back and logs itself
        for t in threads:
            t.join()

    run(program, seed)
    assert woken == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("seed", SEEDS)
def test_condition_notify_n_wakes_exactly_n_and_notify_all_the_rest(seed):
    log = []

    def program():
        import threading, time
        cond = threading.Condition(threading.Lock())   # the _is_owned fallback, too

        def waiter(i):
            with cond:
                log.append(("woke", i, cond.wait()))

        threads = [threading.Thread(target=waiter, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
            time.sleep(0.01)
        with cond:
            cond.notify(2)
            log.append(("left waiting", len(cond._waiters)))
        time.sleep(0.1)
        log.append(("after notify(2)", len([x for x in log if x[0] == "woke"])))
        with cond:
            cond.notify_all()
        for t in threads:
            t.join()

    run(program, seed)
    assert log[0] == ("left waiting", 3)
    # the two oldest are woken; which of them takes the lock back first is a choice
    assert sorted(log[1:3]) == [("woke", 0, True), ("woke", 1, True)]
    assert log[3] == ("after notify(2)", 2)
    assert sorted(log[4:]) == [("woke", 2, True), ("woke", 3, True), ("woke", 4, True)]


def test_condition_wait_and_wait_for_time_out_on_the_simulated_clock():
    log = []

    def program():
        import threading, time
        cond = threading.Condition()
        state = {"ready": False}
        with cond:
            t0 = time.monotonic()
            log.append(cond.wait(0.25))
            log.append(round(time.monotonic() - t0, 6))
            t0 = time.monotonic()
            log.append(cond.wait_for(lambda: state["ready"], timeout=0.5))
            log.append(round(time.monotonic() - t0, 6))
            log.append(len(cond._waiters))   # a timed-out waiter removes itself

        def setter():
            time.sleep(0.1)
            with cond:
                state["ready"] = True
                cond.notify()

        threading.Thread(target=setter).start()
        with cond:
            t0 = time.monotonic()
            log.append(cond.wait_for(lambda: state["ready"], timeout=5))
            log.append(round(time.monotonic() - t0, 6))

    run(program)
    assert log == [False, 0.25, False, 0.5, 0, True, 0.1]


def test_condition_errors_and_repr_are_cpythons():
    log = []

    def program():
        import threading
        for cond in (threading.Condition(), threading.Condition(threading.Lock())):
            for call in (cond.wait, cond.notify, cond.notify_all):
                try:
                    call()
                except RuntimeError as exc:
                    log.append(str(exc))
            log.append(repr(cond))
        cond = threading.Condition()
        with cond, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cond.notifyAll()
        log.append(caught[0].category)

    run(program)
    messages = ["cannot wait on un-acquired lock", "cannot notify on un-acquired lock",
                "cannot notify on un-acquired lock"]
    assert log[0:3] == messages and log[4:7] == messages
    assert re.fullmatch(r"<Condition\(<unlocked _thread\.RLock object owner=0 count=0 at "
                        r"0x[0-9a-f]+>, 0\)>", log[3])
    assert re.fullmatch(r"<Condition\(<unlocked _thread\.lock object at 0x[0-9a-f]+>, 0\)>",
                        log[7])
    assert log[8] is DeprecationWarning


def test_condition_over_a_duck_typed_lock_uses_cpythons_fallbacks():
    # No _is_owned/_release_save/_acquire_restore: Condition probes with acquire(False) and
    # falls back to plain release()/acquire(), as CPython's does.
    log = []

    def program():
        import threading, time

        class Wrapped:
            def __init__(self):
                self.inner = threading.Lock()
                self.calls = []

            def acquire(self, blocking=True, timeout=-1):
                self.calls.append("acquire")
                return self.inner.acquire(blocking, timeout)

            def release(self):
                self.calls.append("release")
                self.inner.release()

            __enter__ = acquire

            def __exit__(self, *exc):
                self.release()

        lock = Wrapped()
        cond = threading.Condition(lock)
        try:
            cond.notify()
        except RuntimeError as exc:
            log.append(str(exc))
        log.append(list(lock.calls))          # the probe: acquire(False) worked, so released
        del lock.calls[:]

        def notifier():
            time.sleep(0.1)
            with cond:
                cond.notify()

        threading.Thread(target=notifier).start()
        with cond:
            log.append(cond.wait())
        log.append(lock.calls[:4])

    run(program)
    assert log == ["cannot notify on un-acquired lock", ["acquire", "release"], True,
                   # enter, the probe (fails: held), wait's release, the notifier's enter
                   ["acquire", "acquire", "release", "acquire"]]


def test_condition_wait_restores_an_rlock_held_recursively():
    log = []

    def program():
        import threading, time
        cond = threading.Condition()

        def notifier():
            with cond:
                log.append("notifier got the lock")
                cond.notify()

        with cond:
            with cond:                      # held twice: wait must release it fully
                threading.Thread(target=notifier).start()
                log.append(cond.wait(1.0))
            # and take it back twice: the inner block's release leaves it held once
            # (RLock._recursion_count() would say 2 inside, but only from 3.11 on, as CPython's)
            log.append(cond._is_owned())

    run(program)
    assert log == ["notifier got the lock", True, True]


# --- Semaphore, BoundedSemaphore ---------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_semaphore_never_admits_more_than_its_value(seed):
    inside, most = [0], [0]

    def program():
        import threading, time
        sem = threading.Semaphore(2)

        def worker():
            for _ in range(3):
                with sem:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                    time.sleep(0.01)
                    inside[0] -= 1

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    run(program, seed, profile="tutorial-2017")
    assert most[0] == 2 and inside[0] == 0


def test_semaphore_messages_timeouts_and_release_n():
    log = []

    def program():
        import threading, time
        for make in (lambda: threading.Semaphore(-1), lambda: threading.Semaphore(1).release(0),
                     lambda: threading.Semaphore(1).acquire(False, 1),
                     lambda: threading.BoundedSemaphore(1).release()):
            try:
                make()
            except ValueError as exc:
                log.append(str(exc))
        sem = threading.Semaphore(0)
        t0 = time.monotonic()
        log.append((sem.acquire(timeout=0.3), round(time.monotonic() - t0, 6)))
        log.append(sem.acquire(False))
        got = []
        threads = [threading.Thread(target=lambda: got.append(sem.acquire())) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.1)
        sem.release(3)
        time.sleep(0.1)
        log.append((len(got), sem._value))
        sem.release()
        for t in threads:
            t.join()
        log.append((got, sem._value))

    run(program)
    assert log == ["semaphore initial value must be >= 0", "n must be one or more",
                   "can't specify timeout for non-blocking acquire",
                   "Semaphore released too many times",
                   (False, 0.3), False, (3, 0), ([True] * 4, 0)]


def test_bounded_semaphore_checks_release_n_against_its_initial_value():
    log = []

    def program():
        import threading
        sem = threading.BoundedSemaphore(3)
        sem.acquire()
        sem.acquire()
        try:
            sem.release(3)
        except ValueError as exc:
            log.append(str(exc))
        sem.release(2)
        log.append(sem._value)

    run(program)
    assert log == ["Semaphore released too many times", 3]


def test_semaphore_reprs_follow_the_running_python():
    log = []

    def program():
        import threading
        log.extend([repr(threading.Semaphore(2)), repr(threading.BoundedSemaphore(3)),
                    repr(threading.Event()), repr(threading.Barrier(2))])

    run(program)
    again = []
    log, first = again, log
    run(program)
    assert again == first   # fake addresses: the same every run
    addr = "0x[0-9a-f]+"
    if PY311:
        patterns = [rf"<threading\.Semaphore at {addr}: value=2>",
                    rf"<threading\.BoundedSemaphore at {addr}: value=3/3>",
                    rf"<threading\.Event at {addr}: unset>",
                    rf"<threading\.Barrier at {addr}: waiters=0/2>"]
    else:
        patterns = [rf"<threading\.{name} object at {addr}>"
                    for name in ("Semaphore", "BoundedSemaphore", "Event", "Barrier")]
    for pattern, text in zip(patterns, first):
        assert re.fullmatch(pattern, text), text


# --- Event -------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_event_wakes_every_waiter_and_times_out(seed):
    log = []

    def program():
        import threading, time
        event = threading.Event()

        def waiter(i):
            log.append((i, event.wait(), round(time.monotonic(), 6)))

        threads = [threading.Thread(target=waiter, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        log.append(("timed", event.wait(0.2), round(time.monotonic(), 6)))
        log.append(("is_set", event.is_set()))
        event.set()
        for t in threads:
            t.join()
        log.append(("after set", event.wait(0), event.is_set()))
        event.clear()
        log.append(("after clear", event.wait(0.1), event.is_set()))

    result = run(program, seed)
    assert log[:2] == [("timed", False, 0.2), ("is_set", False)]
    assert sorted(log[2:5]) == [(0, True, 0.2), (1, True, 0.2), (2, True, 0.2)]
    assert log[5:] == [("after set", True, True), ("after clear", False, False)]
    label = ops(result, "set")[0]
    assert re.fullmatch(r"Event#\d+", label)
    assert ops(result, "clear") == [label]
    # Its inner lock and condition are parts of it: the trace shows the event's operations only.
    assert not any(e.obj.startswith(f"{label} ") for e in result.trace)


def test_event_isSet_is_deprecated_but_works():
    log = []

    def program():
        import threading
        event = threading.Event()
        event.set()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            log.append(event.isSet())
        log.append(caught[0].category)

    run(program)
    assert log == [True, DeprecationWarning]


# --- Barrier -----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_barrier_releases_all_parties_after_the_action_and_is_reusable(seed):
    log = []

    def program():
        import threading
        barrier = threading.Barrier(3, action=lambda: log.append("action"))

        def party(i):
            for round_ in range(2):
                log.append(("in", round_))
                index = barrier.wait()
                log.append(("out", round_, index))

        threads = [threading.Thread(target=party, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log.append(("state", barrier.n_waiting, barrier.broken))

    run(program, seed, profile="tutorial-2017")
    for round_ in range(2):
        ins = [n for n, x in enumerate(log) if x == ("in", round_)]
        outs = [n for n, x in enumerate(log) if x[:2] == ("out", round_)]
        actions = [n for n, x in enumerate(log) if x == "action"]
        # every party arrived before the action ran, and the action ran before anyone left
        assert max(ins) < actions[round_] < min(outs)
        assert sorted(log[n][2] for n in outs) == [0, 1, 2]
    assert log[-1] == ("state", 0, False)


def test_barrier_abort_reset_and_timeout_break_it_as_in_cpython():
    log = []

    def program():
        import threading, time
        barrier = threading.Barrier(3)

        def party(name):
            try:
                barrier.wait()
                log.append((name, "passed"))
            except threading.BrokenBarrierError:
                log.append((name, "broken", round(time.monotonic(), 6)))

        def round_of_two(then):
            threads = [threading.Thread(target=party, args=(n,)) for n in ("a", "b")]
            for t in threads:
                t.start()
            time.sleep(0.1)
            log.append(("waiting", barrier.n_waiting))
            then()
            for t in threads:
                t.join()

        round_of_two(barrier.abort)
        log.append(("broken", barrier.broken))
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            log.append("wait on a broken barrier raises")
        barrier.reset()
        log.append(("after reset", barrier.broken))
        round_of_two(barrier.reset)          # reset while two wait: both raise, barrier fine
        log.append(("broken", barrier.broken))
        # A timeout breaks the barrier for everyone.
        t0 = time.monotonic()
        try:
            barrier.wait(timeout=0.5)
        except threading.BrokenBarrierError:
            log.append(("timed out", round(time.monotonic() - t0, 6), barrier.broken))

    run(program)
    # which of a and b logs first is the scheduler's choice: compare each round sorted
    log[1:3], log[7:9] = sorted(log[1:3]), sorted(log[7:9])
    assert log == [
        ("waiting", 2), ("a", "broken", 0.1), ("b", "broken", 0.1), ("broken", True),
        "wait on a broken barrier raises", ("after reset", False),
        ("waiting", 2), ("a", "broken", 0.2), ("b", "broken", 0.2), ("broken", False),
        ("timed out", 0.5, True),
    ]


def test_barrier_action_that_raises_breaks_the_barrier():
    log = []

    def program():
        import threading

        def action():
            raise KeyError("boom")

        barrier = threading.Barrier(2, action=action)

        def party():
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                log.append("other: broken")

        t = threading.Thread(target=party)
        t.start()
        try:
            barrier.wait()
        except KeyError:
            log.append("last: KeyError")
        t.join()
        log.append(barrier.broken)

    run(program)
    assert sorted(log[:2]) == ["last: KeyError", "other: broken"] and log[2] is True


def test_barrier_error_type_and_parties_check():
    log = []

    def program():
        import threading
        log.append(issubclass(threading.BrokenBarrierError, RuntimeError))
        log.append(threading.BrokenBarrierError.__module__)
        try:
            threading.Barrier(0)
            log.append("accepted")
        except ValueError as exc:
            log.append(str(exc))

    run(program)
    assert log == [True, "threading", "parties must be > 0" if PY313 else "accepted"]


# --- Queue, LifoQueue, PriorityQueue -----------------------------------------------------------

def test_queue_full_empty_and_timeouts():
    log = []

    def program():
        import queue, time
        q = queue.Queue(maxsize=2)
        q.put(1)
        q.put_nowait(2)
        log.append((q.full(), q.qsize(), q.empty()))
        for attempt in (lambda: q.put_nowait(3), lambda: q.put(3, block=False)):
            try:
                attempt()
            except queue.Full:
                log.append("Full")
        t0 = time.monotonic()
        try:
            q.put(3, timeout=0.3)
        except queue.Full:
            log.append(("Full after", round(time.monotonic() - t0, 6)))
        try:
            q.put(3, timeout=-1)
        except ValueError as exc:
            log.append(str(exc))
        log.append([q.get(), q.get_nowait()])
        try:
            q.get_nowait()
        except queue.Empty:
            log.append("Empty")
        t0 = time.monotonic()
        try:
            q.get(timeout=0.2)
        except queue.Empty:
            log.append(("Empty after", round(time.monotonic() - t0, 6)))
        try:
            q.get(timeout=-0.5)
        except ValueError as exc:
            log.append(str(exc))

    run(program)
    assert log == [(True, 2, False), "Full", "Full", ("Full after", 0.3),
                   "'timeout' must be a non-negative number", [1, 2], "Empty",
                   ("Empty after", 0.2), "'timeout' must be a non-negative number"]


@pytest.mark.parametrize("seed", SEEDS)
def test_queue_blocking_put_and_get_hand_items_over_in_fifo_order(seed):
    got = []

    def program():
        import queue, threading
        q = queue.Queue(maxsize=1)

        def producer():
            for i in range(10):
                q.put(i)
                assert q.qsize() <= 1
            q.put(None)

        def consumer():
            while (item := q.get()) is not None:
                got.append(item)

        threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    run(program, seed, profile="tutorial-2017")
    assert got == list(range(10))


@pytest.mark.parametrize("seed", SEEDS)
def test_queue_join_waits_for_every_task_done(seed):
    log = []

    def program():
        import queue, threading, time
        q = queue.Queue()

        def worker():
            for _ in range(3):
                item = q.get()
                time.sleep(0.05)
                log.append(("done", item))
                q.task_done()

        for i in range(3):
            q.put(i)
        t = threading.Thread(target=worker)
        t.start()
        q.join()
        log.append(("joined", q.unfinished_tasks))
        try:
            q.task_done()
        except ValueError as exc:
            log.append(str(exc))
        t.join()

    result = run(program, seed)
    assert log == [("done", 0), ("done", 1), ("done", 2), ("joined", 0),
                   "task_done() called too many times"]
    assert ops(result, "task_done") == ["Queue#1"] * 3
    assert [obj for obj in ops(result, "join") if obj.startswith("Queue")] == ["Queue#1"]


def test_priority_and_lifo_orders():
    log = []

    def program():
        import queue
        pq, lq = queue.PriorityQueue(), queue.LifoQueue()
        for item in [(3, "c"), (1, "a"), (4, "d"), (2, "b")]:
            pq.put(item)
            lq.put(item)
        log.append([pq.get()[1] for _ in range(4)])
        log.append([lq.get()[1] for _ in range(4)])

    run(program)
    assert log == [["a", "b", "c", "d"], ["b", "d", "a", "c"]]


def test_a_subclass_overriding_the_storage_hooks_is_used():
    log = []

    def program():
        import queue, threading

        class EvensFirst(queue.Queue):
            def _init(self, maxsize):
                self.evens, self.odds = [], []

            def _qsize(self):
                return len(self.evens) + len(self.odds)

            def _put(self, item):
                (self.odds if item % 2 else self.evens).append(item)

            def _get(self):
                return self.evens.pop(0) if self.evens else self.odds.pop(0)

        q = EvensFirst(maxsize=3)
        for i in (1, 2, 3):
            q.put(i)
        t = threading.Thread(target=q.put, args=(4,))
        t.start()                                  # blocks: the queue is full
        log.append(q.get())                        # 2, which lets 4 in
        t.join()
        log.append([q.get() for _ in range(3)])
        log.append(repr(q).startswith(f"<{__name__}.") or repr(q))

    result = run(program)
    assert log == [2, [4, 1, 3], True]
    assert all(re.fullmatch(r"EvensFirst#\d+", obj) for obj in ops(result, "put"))


def test_queue_classes_and_exceptions_are_named_as_in_cpython():
    log = []

    def program():
        import queue
        log.append(repr(queue.Queue()))
        log.extend(cls.__module__ for cls in (queue.Empty, queue.Full, queue.SimpleQueue))
        log.append(queue.Queue[int] is not None)

    run(program)
    assert re.fullmatch(r"<queue\.Queue object at 0x[0-9a-f]+>", log[0])
    assert log[1:] == ["_queue", "queue", "_queue", True]


def test_queue_shutdown_exists_exactly_where_cpython_has_it():
    # Queue.shutdown() and queue.ShutDown are new in 3.13: before, CPython has neither.
    log = []

    def program():
        import queue
        log.append((hasattr(queue, "ShutDown"), hasattr(queue.Queue(), "shutdown")))

    run(program)
    assert log == [(PY313, PY313)]


@pytest.mark.skipif(not PY313, reason="Queue.shutdown() is new in 3.13; the test above checks "
                                       "that earlier versions have none, as CPython")
def test_queue_shutdown_wakes_blocked_getters_with_ShutDown():
    log = []

    def program():
        import queue, threading
        q = queue.Queue()

        def getter():
            try:
                q.get()
            except queue.ShutDown:
                log.append("getter: ShutDown")

        t = threading.Thread(target=getter)
        t.start()
        q.put(1)
        t.join()
        t = threading.Thread(target=getter)
        t.start()
        q.shutdown()
        t.join()
        try:
            q.put(2)
        except queue.ShutDown:
            log.append("put: ShutDown")
        q2 = queue.Queue()
        q2.put("x")
        q2.shutdown()
        log.append(q2.get())                       # gets still drain what is left
        q3 = queue.Queue()
        q3.put("y")
        q3.shutdown(immediate=True)
        log.append((q3.qsize(), q3.unfinished_tasks))

    run(program)
    assert log == ["getter: ShutDown", "put: ShutDown", "x", (0, 0)]


@pytest.mark.skipif(PY313, reason="before 3.13 queue has no ShutDown")
def test_no_shutdown_before_313():
    log = []

    def program():
        import queue
        log.append((hasattr(queue, "ShutDown"), hasattr(queue.Queue(), "shutdown"),
                    hasattr(queue.Queue(), "is_shutdown")))

    run(program)
    assert log == [(False, False, False)]


# --- SimpleQueue -------------------------------------------------------------------------------

def test_simple_queue_basics_and_errors():
    log = []

    def program():
        import queue, time
        q = queue.SimpleQueue()
        log.append((q.empty(), q.qsize()))
        q.put(1)
        q.put_nowait(2)
        q.put(3, block=False, timeout=-5)          # block and timeout are ignored
        log.append((q.empty(), q.qsize(), q.get(), q.get_nowait(), q.get(False)))
        for args in ((False,), (False, -1), (True, 0)):
            try:
                q.get(*args)
            except queue.Empty:
                log.append("Empty")
        t0 = time.monotonic()
        try:
            q.get(timeout=0.4)
        except queue.Empty:
            log.append(("Empty after", round(time.monotonic() - t0, 6)))
        for bad in (-1, "x", float("nan")):
            try:
                q.get(timeout=bad)
            except (ValueError, TypeError) as exc:
                log.append((type(exc).__name__, str(exc)))
        try:
            queue.SimpleQueue(1)
        except TypeError as exc:
            log.append(str(exc))

    run(program)
    assert log == [(True, 0), (False, 3, 1, 2, 3), "Empty", "Empty", "Empty",
                   ("Empty after", 0.4),
                   ("ValueError", "'timeout' must be a non-negative number"),
                   ("TypeError", "'str' object cannot be interpreted as an integer"),
                   ("ValueError", "Invalid value NaN (not a number)"),
                   "SimpleQueue() takes no positional arguments"]


@pytest.mark.parametrize("seed", SEEDS)
def test_simple_queue_blocking_get_receives_every_item_in_order(seed):
    got = []

    def program():
        import queue, threading, time
        q = queue.SimpleQueue()

        def consumer():
            while (item := q.get()) is not None:
                got.append(item)

        threads = [threading.Thread(target=consumer) for _ in range(2)]
        for t in threads:
            t.start()
        for i in range(8):
            q.put(i)
            if i % 3 == 0:
                time.sleep(0.001)
        q.put(None)
        q.put(None)
        for t in threads:
            t.join()

    run(program, seed, profile="tutorial-2017")
    assert sorted(got) == list(range(8))


def test_simple_queue_put_hands_off_on_313_and_signals_before():
    # CPython 3.13's put() gives the item to the waiting get() directly; 3.10-3.12's only wakes
    # it, so a thread that gets first takes the item and the woken get() goes back to waiting.
    log = []

    def program():
        import queue, threading, time
        q = queue.SimpleQueue()

        def getter():
            try:
                log.append(("getter", q.get(timeout=1)))
            except queue.Empty:
                log.append(("getter", "Empty", round(time.monotonic(), 6)))

        t = threading.Thread(target=getter)
        t.start()
        time.sleep(0.2)
        q.put("item")
        try:
            log.append(("main", q.get_nowait()))   # no switch between put and get_nowait
        except queue.Empty:
            log.append(("main", "Empty"))
        t.join()

    run(program)
    if PY313:
        assert log == [("main", "Empty"), ("getter", "item")]
    else:
        assert log == [("main", "item"), ("getter", "Empty", 1.0)]


# --- what reports see --------------------------------------------------------------------------

def test_a_thread_stuck_in_a_wait_is_reported_stuck_not_deadlocked_on_itself():
    # A Condition waiter "holds" its own waiter lock in CPython's scheme; the report must not
    # call that a cycle, nor list waiter locks among the locks a thread holds.
    def program():
        import threading
        event = threading.Event()
        cond = threading.Condition()
        with cond:
            cond.wait(0.1)                 # leaves a waiter lock behind, acquired
        threading.Thread(target=event.wait, name="W").start()
        with cond:
            cond.wait()                    # nobody will ever notify

    result = simconc.run(program, profile="ideal")
    assert result.status == "deadlock"
    report = result.deadlock
    assert report.cycle is None
    waits = {w.thread: w for w in report.threads}
    assert re.fullmatch(r"Event#\d+ to be set", waits["W"].waits_for)
    assert re.fullmatch(r"Condition#\d+ to be notified", waits["MainThread"].waits_for)
    assert waits["W"].held_by == [] and waits["W"].holds == []
    assert waits["MainThread"].holds == []   # wait() released the condition's lock


# --- conformance: the same single-threaded calls, on CPython's modules and on simconc's --------

def exercise(threading, queue):
    """Calls whose results and errors must be CPython's to the letter (no reprs: addresses)."""
    out = []

    def attempt(call):
        try:
            out.append(("ok", call()))
        except Exception as exc:
            out.append((type(exc).__qualname__, type(exc).__module__, str(exc)))

    sem, bsem = threading.Semaphore(1), threading.BoundedSemaphore(2)
    for call in (lambda: threading.Semaphore(-1), lambda: sem.release(0),
                 lambda: sem.acquire(False, 1), lambda: sem.acquire(), lambda: sem.acquire(False),
                 lambda: sem.acquire(timeout=0), lambda: sem.acquire(timeout=-1),
                 lambda: bsem.release(), lambda: bsem.acquire() and bsem.release(2),
                 lambda: (bsem.acquire(), bsem.release(1), bsem._value)):
        attempt(call)
    event, cond = threading.Event(), threading.Condition()
    for call in (lambda: event.wait(0), lambda: (event.set(), event.wait(0), event.is_set()),
                 lambda: (event.clear(), event.wait(0.0)), cond.wait, cond.notify_all,
                 lambda: cond.__enter__() and cond.wait(0), lambda: cond.wait_for(lambda: 7, 1),
                 lambda: cond.wait_for(lambda: 0, 0), lambda: cond.wait(-1),
                 lambda: cond.notify(5) or cond.release()):
        attempt(call)
    barrier = threading.Barrier(1, action=lambda: out.append("action"))
    for call in (barrier.wait, lambda: (barrier.parties, barrier.n_waiting, barrier.broken),
                 lambda: (barrier.abort(), barrier.broken), barrier.wait,
                 lambda: (barrier.reset(), barrier.broken, barrier.wait())):
        attempt(call)
    q, pq, lq = queue.Queue(2), queue.PriorityQueue(), queue.LifoQueue()
    for call in (lambda: q.get_nowait(), lambda: q.get(timeout=0), lambda: q.get(True, -1),
                 lambda: q.get(False, -1), lambda: (q.put(1), q.put(2), q.full(), q.qsize()),
                 lambda: q.put(3, timeout=0), lambda: q.put(3, timeout=-2), lambda: q.put(3, False),
                 lambda: [q.get(), q.get()], lambda: (q.task_done(), q.task_done()),
                 q.task_done, q.join, lambda: (q.empty(), q.unfinished_tasks),
                 lambda: [pq.put(x) for x in (5, 1, 4, 2)] and [pq.get() for _ in range(4)],
                 lambda: [lq.put(x) for x in (5, 1, 4, 2)] and [lq.get() for _ in range(4)]):
        attempt(call)
    sq = queue.SimpleQueue()
    for call in (sq.get_nowait, lambda: sq.get(timeout=0), lambda: sq.get(timeout=-1),
                 lambda: sq.get(timeout=10 ** 12), lambda: (sq.put(1), sq.put_nowait(2),
                                                            sq.qsize(), sq.empty()),
                 lambda: [sq.get(), sq.get(False)], lambda: queue.SimpleQueue(maxsize=3)):
        attempt(call)
    return out


def test_single_threaded_results_and_errors_match_cpythons_modules():
    import queue as real_queue
    import threading as real_threading
    expected = exercise(real_threading, real_queue)
    got = []

    def program():
        import queue, threading
        got.extend(exercise(threading, queue))

    run(program)
    assert got == expected
