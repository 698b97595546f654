"""threading.Thread and friends, as CPython behaves: names, start/join, liveness, daemons,
enumerate, Timer, local, _thread."""
import subprocess
import sys

import pytest

import simconc


def run_ok(program, **kw):
    result = simconc.run(program, **kw)
    assert result.status == "ok", (result.status, result.stderr, result.error)
    return result


def test_names_idents_and_repr_follow_cpython():
    log = []

    def program():
        import threading

        def work():
            pass

        a = threading.Thread(target=work)
        b = threading.Thread(target=lambda: None)
        c = threading.Thread(name="custom")
        log.append([a.name, b.name, c.name, repr(a)])
        a.start()
        a.join()
        log.append([repr(a), a.ident is not None, threading.main_thread().name,
                    threading.current_thread() is threading.main_thread(),
                    threading.get_ident() == threading.main_thread().ident])

    run_ok(program)
    assert log[0] == ["Thread-1 (work)", "Thread-2 (<lambda>)", "custom",
                      "<Thread(Thread-1 (work), initial)>"]
    assert log[1][0].startswith("<Thread(Thread-1 (work), stopped ")
    assert log[1][1:] == [True, "MainThread", True, True]


def test_start_twice_join_errors_and_join_timeout():
    log = []

    def program():
        import threading, time
        t = threading.Thread(target=time.sleep, args=(1.0,))
        for call in (t.join,):
            try:
                call()
            except RuntimeError as e:
                log.append(str(e))
        t.start()
        try:
            t.start()
        except RuntimeError as e:
            log.append(str(e))
        start = time.monotonic()
        t.join(timeout=0.25)
        log.append((t.is_alive(), round(time.monotonic() - start, 2)))
        t.join()
        log.append((t.is_alive(), round(time.monotonic() - start, 2)))
        try:
            threading.current_thread().join()
        except RuntimeError as e:
            log.append(str(e))

    run_ok(program, profile="ideal")
    assert log == ["cannot join thread before it is started", "threads can only be started once",
                   (True, 0.25), (False, 1.0), "cannot join current thread"]


def test_subclass_with_run_and_daemon_inheritance():
    log = []

    def program():
        import threading

        class Worker(threading.Thread):
            def run(self):
                log.append((self.name, self.daemon, threading.current_thread() is self))
                child = threading.Thread(target=lambda: None)
                log.append(child.daemon)

        w = Worker(daemon=True)
        w.start()
        w.join()
        try:
            w.daemon = False
        except RuntimeError as e:
            log.append(str(e))

    run_ok(program)
    assert log == [("Thread-1", True, True), True, "cannot set daemon status of active thread"]


def test_enumerate_and_active_count_see_live_threads_only():
    log = []

    def program():
        import threading
        go = threading.Event()
        ts = [threading.Thread(target=go.wait, name=f"w{i}") for i in range(3)]
        for t in ts:
            t.start()
        log.append(([t.name for t in threading.enumerate()], threading.active_count()))
        go.set()
        for t in ts:
            t.join()
        log.append(([t.name for t in threading.enumerate()], threading.active_count()))

    run_ok(program)
    assert log == [(["MainThread", "w0", "w1", "w2"], 4), (["MainThread"], 1)]


def test_daemon_threads_do_not_keep_the_program_alive_but_others_do():
    def program():
        import threading, time

        def forever():
            while True:
                time.sleep(1)

        threading.Thread(target=forever, daemon=True).start()
        threading.Thread(target=time.sleep, args=(3,)).start()
        print("main done")

    result = run_ok(program, profile="ideal")
    assert result.stdout == "main done\n"
    assert result.elapsed == pytest.approx(3.0)   # waited for the non-daemon sleeper only


def test_timer_fires_after_its_interval_and_cancel_stops_it():
    log = []

    def program():
        import threading, time
        t0 = time.monotonic()
        fired = threading.Timer(0.5, lambda: log.append(("fired", time.monotonic() - t0)))
        cancelled = threading.Timer(0.5, lambda: log.append("cancelled one fired"))
        fired.start()
        cancelled.start()
        cancelled.cancel()
        fired.join()
        cancelled.join()

    run_ok(program, profile="ideal")
    assert log == [("fired", pytest.approx(0.5))]


def test_local_gives_each_thread_its_own_attributes():
    log = []

    def program():
        import threading

        class Counter(threading.local):
            def __init__(self):
                self.n = 0

        data = Counter()
        plain = threading.local()
        plain.x = "main"

        def work(k):
            for _ in range(k):
                data.n += 1
            log.append((k, data.n, hasattr(plain, "x")))

        ts = [threading.Thread(target=work, args=(k,)) for k in (2, 5)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        log.append(("main", data.n, plain.x))

    run_ok(program)
    assert sorted(log[:2]) == [(2, 2, False), (5, 5, False)]
    assert log[2] == ("main", 0, "main")


def test_thread_module_start_new_thread_and_locks():
    log = []

    def program():
        import _thread, threading, time
        done = _thread.allocate_lock()
        done.acquire()

        def work(a, b=0):
            log.append((a + b, threading.current_thread().name.startswith("Dummy-")))
            done.release()

        ident = _thread.start_new_thread(work, (1,), {"b": 2})
        done.acquire()
        log.append((isinstance(ident, int), _thread.TIMEOUT_MAX == threading.TIMEOUT_MAX,
                    type(done) is _thread.LockType))
        try:
            _thread.start_new_thread(work, [1])
        except TypeError as e:
            log.append(str(e))

    run_ok(program)
    assert log == [(3, True), (True, True, True), "2nd arg must be a tuple"]


def test_excepthook_report_names_the_thread_and_the_simulated_time():
    def program():
        import threading, time

        def fail():
            time.sleep(0.25)
            raise OSError("disk on fire")

        t = threading.Thread(target=fail, name="writer")
        t.start()
        t.join()

    result = simconc.run(program, profile="ideal")
    assert result.status == "error"
    assert result.stderr.startswith("Exception in thread writer at 250.000 ms (simulated):\n"
                                    "Traceback (most recent call last):\n")
    assert result.stderr.endswith("OSError: disk on fire\n")
    assert [(e.thread, e.type, e.time) for e in result.exceptions] == [
        ("writer", "OSError", 0.25)]


def test_sys_switchinterval_sets_the_simulated_gil_switch_interval():
    log = []

    def program():
        import sys, threading, simconc
        sys.setswitchinterval(0.001)
        log.append(sys.getswitchinterval())
        ts = [threading.Thread(target=simconc.cpu, args=(0.01,)) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    import sys
    before = sys.getswitchinterval()
    result = run_ok(program, profile="ideal")
    assert log == [0.001]
    assert sys.getswitchinterval() == before          # the real interpreter's is untouched
    drops = [e for e in result.trace if e.op == "gil-drop"]
    # 2 x 10 ms of work in 1 ms turns: the GIL changes hands about 20 times, not about 4.
    assert 15 <= len(drops) <= 20


def test_concurrent_futures_thread_pool_runs_on_simulated_threads(monkeypatch):
    # concurrent.futures is CPython's own code; imported inside the run it builds on the face.
    # (If this process imported it earlier, it holds the real threading: make the program import
    # it afresh, as a scenario run by `simconc run` does.)
    import sys
    for name in [n for n in sys.modules if n.startswith("concurrent")]:
        monkeypatch.delitem(sys.modules, name)

    def program():
        import time
        from concurrent.futures import ThreadPoolExecutor, as_completed

        def work(n):
            time.sleep(0.1 * (5 - n))
            if n == 3:
                raise Exception("Don't do this")
            return n * n

        with ThreadPoolExecutor(max_workers=3) as ex:
            futures = {ex.submit(work, n): n for n in range(5)}
            for f in as_completed(futures):
                try:
                    print(futures[f], f.result())
                except Exception as e:
                    print("raise an exception:", e)
        with ThreadPoolExecutor(max_workers=3) as ex:
            print(list(ex.map(work, [0, 1, 2])))

    result = run_ok(program, profile="ideal")
    lines = result.stdout.splitlines()
    assert lines[0] == "2 4"                       # the shortest task finishes first
    assert sorted(lines[:5]) == ["0 0", "1 1", "2 4", "4 16", "raise an exception: Don't do this"]
    assert lines[5] == "[0, 1, 4]"                 # map keeps the order of its inputs


def test_forking_a_real_process_is_refused_clearly():
    def program():
        import os
        os.fork()

    result = simconc.run(program)
    assert result.status == "error"
    assert "a real one would run outside the simulation" in result.error


def test_the_hooks_a_program_sets_for_its_threads_are_its_executions_own():
    seen = []

    def program():
        import threading
        seen.append(threading.gettrace())
        threading.settrace(print)
        threading.setprofile(print)
        seen.append((threading.gettrace(), threading.getprofile()))

    for _ in range(2):
        assert simconc.run(program).status == "ok"
    assert seen == [None, (print, print), None, (print, print)]


def test_the_old_names_warn_as_cpython_does():
    def program():
        import threading
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t = threading.Thread()
            t.setName("x")
            print(t.getName(), t.isDaemon(), threading.currentThread().name,
                  threading.activeCount())
        print(*sorted(str(w.message).split(" is ")[0] for w in caught))

    result = simconc.run(program)
    assert result.stdout == ("x False MainThread 1\n"
                             "activeCount() currentThread() getName() isDaemon() setName()\n")


def test_a_finished_thread_is_freed_once_the_program_drops_it():
    # As in CPython: the interpreter forgets a thread when it ends (threading._active, and
    # here the kernel too), so threading._dangling and weak references see it go.
    def program():
        import gc
        import threading
        import weakref
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()
        ref = weakref.ref(t)
        print(t.ident in threading._active, len(threading._dangling))
        del t
        gc.collect()
        print(ref() is None, len(threading._dangling))

    result = simconc.run(program)
    assert result.stdout == "False 2\nTrue 1\n"   # (the main thread stays)


def test_a_programs_trace_and_profile_functions_end_with_its_run():
    # (threading.settrace_all_threads, 3.12+, sets them this way too)
    def hook(*args):
        return None

    def program():
        import sys
        sys.settrace(hook)
        sys.setprofile(hook)

    before = sys.gettrace(), sys.getprofile()
    assert simconc.run(program).status == "ok"
    assert (sys.gettrace(), sys.getprofile()) == before


def test_a_lock_taken_again_in_a_loop_does_not_starve_a_waiter_as_in_cpython(tmp_path):
    # The spinner reads the clock inside its critical section, so that is where its CPU time
    # passes and where the GIL leaves it, every time: woken there, the waiter found the lock
    # taken again, for ever (simconc hung). CPython's waiter gets it: on 3.13 a release hands it
    # over to a waiter of more than 1 ms; before, the waiter takes it without the GIL.
    path = tmp_path / "starve.py"
    path.write_text("import threading, time\n"
                    "lock = threading.Lock()\n"
                    "stop = False\n"
                    "def spin():\n"
                    "    rounds = 0\n"
                    "    while not stop:\n"
                    "        with lock:\n"
                    "            time.monotonic()\n"
                    "            rounds += 1\n"
                    "    print('spinner stopped', rounds > 0)\n"
                    "thread = threading.Thread(target=spin)\n"
                    "thread.start()\n"
                    "time.sleep(0.01)\n"
                    "with lock:\n"
                    "    stop = True\n"
                    "thread.join()\n"
                    "print('main took the lock')\n")
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=60)
    assert real.returncode == 0, real.stderr
    # (until: a starved waiter would stop there, not hang the test)
    result = simconc.run(str(path), until=0.2)
    assert result.status == "ok", (result.status, result.error, result.stderr)
    assert result.stdout == real.stdout == "spinner stopped True\nmain took the lock\n"
    # (handed over at the first release after a millisecond of waiting, as 3.13's is)
    assert result.elapsed < 0.05
