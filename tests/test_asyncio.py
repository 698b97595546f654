"""asyncio on the simulated clock: a program prints what the real interpreter prints, its sleeps
and timeouts take simulated time, the same seed gives the same run, and each task is a lane of
the timeline. Programs whose real output does not depend on timing are run both ways and
compared."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import simconc
from simconc.render.lanes import timeline_of

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

#: Programs whose output under real asyncio is the same on every run (no time printed).
SAME_AS_REAL = {
    "gather_order": """
        import asyncio

        async def fetch(name, delay):
            print("start", name)
            await asyncio.sleep(delay)
            print("done", name)
            return name.upper()

        async def main():
            results = await asyncio.gather(fetch("a", 0.03), fetch("b", 0.01), fetch("c", 0.02))
            print(results)

        asyncio.run(main())
    """,
    "queue_producer_consumer": """
        import asyncio

        async def producer(q):
            for i in range(4):
                await q.put(i)
                print("put", i, "size", q.qsize())
            await q.put(None)

        async def consumer(q):
            while (item := await q.get()) is not None:
                print("got", item)
                await asyncio.sleep(0.01)

        async def main():
            q = asyncio.Queue(maxsize=2)
            await asyncio.gather(producer(q), consumer(q))

        asyncio.run(main())
    """,
    "lock_event": """
        import asyncio

        async def critical(lock, name):
            async with lock:
                print(name, "in")
                await asyncio.sleep(0.01)
                print(name, "out")

        async def waiter(event, name):
            await event.wait()
            print(name, "saw the event")

        async def main():
            lock = asyncio.Lock()
            await asyncio.gather(*(critical(lock, n) for n in "xyz"))
            event = asyncio.Event()
            tasks = [asyncio.create_task(waiter(event, n)) for n in "pq"]
            await asyncio.sleep(0.01)
            print("setting")
            event.set()
            await asyncio.gather(*tasks)

        asyncio.run(main())
    """,
    "semaphore_condition": """
        import asyncio

        async def worker(sem, cond, n, box):
            async with sem:
                print("in", n, "free", sem._value)
                await asyncio.sleep(0.01)
            async with cond:
                box.append(n)
                cond.notify_all()

        async def main():
            sem, cond, box = asyncio.Semaphore(2), asyncio.Condition(), []
            tasks = [asyncio.create_task(worker(sem, cond, n, box)) for n in range(4)]
            async with cond:
                await cond.wait_for(lambda: len(box) == 4)
            print(box)

        asyncio.run(main())
    """,
    "wait_as_completed_timeout": """
        import asyncio

        async def main():
            tasks = [asyncio.create_task(asyncio.sleep(d, result=d), name=f"t{d}")
                     for d in (0.03, 0.01, 0.02)]
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            print([t.get_name() for t in done], len(pending))
            for next_done in asyncio.as_completed(tasks):
                print("as_completed", await next_done)
            try:
                await asyncio.wait_for(asyncio.sleep(1), 0.01)
            except asyncio.TimeoutError:
                print("timed out")
            task = asyncio.create_task(asyncio.sleep(1))
            await asyncio.sleep(0)
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                print("cancelled", task.cancelled())
            print(await asyncio.get_running_loop().run_in_executor(None, sum, [1, 2, 3]))

        asyncio.run(main())
    """,
    # (each way a program makes a loop makes a simulated one: the default policy after a
    # reset, a new one, 3.13's EventLoop)
    "loops_a_program_makes": """
        import asyncio

        async def main():
            await asyncio.sleep(0.01)
            print("slept in", type(asyncio.get_running_loop()).__name__)

        asyncio.set_event_loop_policy(None)
        asyncio.run(main())
        asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
        asyncio.run(main())
        loop = getattr(asyncio, "EventLoop", asyncio.SelectorEventLoop)()
        loop.run_until_complete(main())
        loop.close()
    """,
    # (a failed task nobody holds is collected at once, and reports its exception unretrieved)
    "failed_task_nobody_holds": """
        import asyncio

        async def fail():
            1 / 0

        async def main():
            loop = asyncio.get_running_loop()
            loop.set_exception_handler(lambda loop, context: print(context["message"]))
            asyncio.create_task(fail())
            await asyncio.sleep(0)
            print("after one step")

        asyncio.run(main())
    """,
    # (debug mode names where each task was made: the program's, or asyncio's, line)
    "debug_task_created_at": """
        import asyncio
        import os

        async def main():
            task = asyncio.create_task(asyncio.sleep(0))
            print(os.path.basename(repr(task).rpartition(" created at ")[2]))
            await task

        asyncio.run(main(), debug=True)
    """,
}


@pytest.mark.parametrize("name", sorted(SAME_AS_REAL))
def test_prints_what_the_real_interpreter_prints(name, scenario):
    path = scenario(SAME_AS_REAL[name])
    real = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=60)
    assert real.returncode == 0, real.stderr
    result = simconc.run(path)
    assert result.status == "ok", result.error
    assert result.stdout == real.stdout


def loop_time_program(body: str) -> str:
    return textwrap.dedent("""
        import asyncio

        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            def now():
                return round(loop.time() - start, 3)
    """) + textwrap.indent(textwrap.dedent(body), "    ") + "\nasyncio.run(main())\n"


def test_sleep_takes_simulated_time_and_no_real_time(scenario):
    path = scenario(loop_time_program("""
        await asyncio.sleep(30)
        print("after", now())
        await asyncio.gather(asyncio.sleep(10), asyncio.sleep(20))
        print("after", now())
    """))
    result = simconc.run(path)
    assert result.status == "ok", result.error
    assert result.stdout == "after 30.0\nafter 50.0\n"
    assert result.elapsed == pytest.approx(50, abs=0.01)


def test_wait_for_raises_timeout_error_at_its_deadline(scenario):
    path = scenario(loop_time_program("""
        try:
            await asyncio.wait_for(asyncio.sleep(5), timeout=1.5)
        except asyncio.TimeoutError as error:
            print(type(error).__name__, now())
        print(await asyncio.wait_for(asyncio.sleep(1, result="in time"), timeout=2), now())
    """))
    result = simconc.run(path)
    assert result.status == "ok", result.error
    assert result.stdout == "TimeoutError 1.5\nin time 2.5\n"


def test_a_cpu_bound_coroutine_costs_time_and_holds_up_the_others(scenario):
    path = scenario(loop_time_program("""
        async def busy():
            total = 0
            for i in range(200_000):
                total += i
            print("busy done", now() > 0.01)

        async def sleeper():
            await asyncio.sleep(0.001)
            print("sleeper woke", now() > 0.01)

        await asyncio.gather(busy(), sleeper())
    """))
    result = simconc.run(path)
    assert result.status == "ok", result.error
    # The sleeper's timer is due after 1 ms, but the loop runs it only once busy() yields.
    assert result.stdout == "busy done True\nsleeper woke True\n"


def test_another_thread_wakes_the_loop_through_call_soon_threadsafe(scenario):
    path = scenario(loop_time_program("""
        import threading, time
        future = loop.create_future()
        def worker():
            time.sleep(2)
            loop.call_soon_threadsafe(future.set_result, "from the thread")
        threading.Thread(target=worker).start()
        print(await future, now())
        print(await asyncio.to_thread(sum, [1, 2]), now())
    """))
    result = simconc.run(path)
    assert result.status == "ok", result.error
    lines = result.stdout.splitlines()
    assert lines[0].startswith("from the thread 2.0")
    assert lines[1].startswith("3 2.0")


def test_same_seed_same_output_and_replay_reproduces_it():
    path = str(SCENARIOS / "models_async.py")
    first, again = simconc.run(path, seed=5), simconc.run(path, seed=5)
    assert (first.stdout, first.schedule, first.elapsed) == \
        (again.stdout, again.schedule, again.elapsed)
    replayed = simconc.run(path, schedule=first.schedule)
    assert (replayed.stdout, replayed.elapsed) == (first.stdout, first.elapsed)


def test_a_task_awaiting_what_never_comes_is_a_deadlock_not_a_hang(scenario):
    path = scenario("""
        import asyncio

        async def main():
            await asyncio.Event().wait()

        asyncio.run(main())
    """)
    result = simconc.run(path)
    assert result.status == "deadlock"
    assert "asyncio's event loop" in result.deadlock.format()


def test_a_real_socket_is_refused_with_a_clear_message(scenario):
    path = scenario("""
        import asyncio, os

        async def main():
            r, w = os.pipe()
            asyncio.get_running_loop().add_reader(r, print)
            await asyncio.sleep(1)

        asyncio.run(main())
    """)
    result = simconc.run(path)
    assert result.status == "error"
    assert "real file descriptor" in result.error


def test_real_asyncio_works_after_a_run():
    code = textwrap.dedent("""
        import asyncio, simconc

        def program():
            import asyncio
            asyncio.run(asyncio.sleep(1))
            print("simulated")

        print(simconc.run(program).stdout, end="")
        print(asyncio.run(asyncio.sleep(0, "real")), type(asyncio.new_event_loop()).__name__)
        print(simconc.run(program).stdout, end="")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.stdout == "simulated\nreal _UnixSelectorEventLoop\nsimulated\n", proc.stderr


# --- row 1: the three models ---------------------------------------------------------------------

def finished(name: str) -> float:
    result = simconc.run(str(SCENARIOS / name))
    assert result.status == "ok", result.error
    last = result.stdout.splitlines()[-1]
    assert last.startswith("all done in ")
    return result.elapsed


def test_the_three_models_sync_takes_the_sum_async_and_threads_about_one_task():
    sync, threaded, async_ = (finished(f"models_{m}.py") for m in ("sync", "threaded", "async"))
    one = sync / 3   # each task: its computing and two 0.5 s downloads
    assert one > 1.0
    assert async_ < one + 0.5 and threaded < one + 0.5   # the waits overlap
    assert async_ > one and threaded > one   # the computing still takes turns


def test_the_async_models_timeline_has_a_lane_per_task_on_one_thread():
    result = simconc.run(str(SCENARIOS / "models_async.py"), timeline=True)
    timeline = timeline_of(result)
    names = [lane.name for lane in timeline.threads]
    assert names == ["MainThread", "Task-1 (main)", "Task-2 (task)", "Task-3 (task)",
                     "Task-4 (task)"]
    tasks = timeline.threads[2:]
    for lane in tasks:
        waits = [s for s in lane.spans if s.state == "blocked"]
        assert [s.on for s in waits] == ["sleep", "sleep"]
        assert all(s.end - s.start >= 0.5 for s in waits)
        assert all(s.where.startswith("models_async.py:") for s in waits)
    # One thread: no two tasks ever run at once.
    running = sorted((s.start, s.end) for lane in tasks for s in lane.spans
                     if s.state == "running")
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(running, running[1:]))
    # The last task made waits, ready, while the two before it compute their first part.
    first_ready = tasks[2].spans[0]
    assert (first_ready.state, first_ready.on) == ("ready", "the event loop")
    assert first_ready.end == min(s.start for s in tasks[2].spans if s.state == "running")
    assert first_ready.end - first_ready.start > 0.1
    # While one task computes, the others' downloads overlap it.
    first_wait = min(s.start for lane in tasks for s in lane.spans if s.state == "blocked")
    assert any(s.state == "running" and s.start >= first_wait
               for s in tasks[1].spans + tasks[2].spans)


def test_compare_draws_the_three_models_on_one_axis():
    proc = subprocess.run(
        [sys.executable, "-m", "simconc", "compare", "scenarios/models_sync.py",
         "scenarios/models_threaded.py", "scenarios/models_async.py", "--timeline", "-"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "3 runs on one time axis" in out
    assert "Thread-3 (task)" in out and "Task-4 (task)" in out


def test_an_exploration_of_tasks_and_a_thread_is_exhaustive_and_quiet(tmp_path):
    # The loop's wake-up from another thread is a step on what its wait touches, so the search
    # can order them (before, a third of its planned schedules could not be followed); and the
    # coroutines an execution cut short leaves are closed in it, not by the collector later.
    code = textwrap.dedent("""
        import asyncio

        async def main():
            queue = asyncio.Queue()
            loop = asyncio.get_running_loop()
            worker = loop.run_in_executor(None, lambda: loop.call_soon_threadsafe(
                queue.put_nowait, "from the thread"))
            print(await queue.get())
            await worker

        asyncio.run(main())
    """)
    path = tmp_path / "program.py"
    path.write_text(code)
    proc = subprocess.run([sys.executable, "-m", "simconc", "explore", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "every schedule that matters was run" in proc.stdout
    assert "from the thread" in proc.stdout
    # (nothing but the progress line a slow machine prints every 10 s of an exploration)
    assert [line for line in proc.stderr.splitlines()
            if not line.startswith("simconc: exploring: ")] == []


FAILING_TASKS = {
    # awaited: the traceback goes from the program's await to the task's raise
    "awaited": """\
        import asyncio

        async def work():
            await asyncio.sleep(0.1)
            raise ValueError("boom")

        async def main():
            t = asyncio.create_task(work())
            await t

        asyncio.run(main())
        """,
    # never awaited, in debug mode: the loop reports it, with where the task was made
    "never retrieved": """\
        import asyncio

        async def work():
            await asyncio.sleep(0.1)
            raise ValueError("boom")

        async def main():
            asyncio.create_task(work())
            await asyncio.sleep(0.5)

        asyncio.run(main(), debug=True)
        """,
}


@pytest.mark.parametrize("name", sorted(FAILING_TASKS))
def test_a_failed_tasks_traceback_is_cpythons(name, tmp_path, monkeypatch, run_for_real):
    # CPython runs its futures and tasks in C (_asyncio), a run's asyncio in Python: their own
    # frames (Task.__step, Future.result, __await__...) must not show in what is printed.
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent(FAILING_TASKS[name]))
    real = run_for_real(path)
    monkeypatch.chdir(tmp_path)
    result = simconc.run("program.py")
    assert result.stderr == real.stderr.replace(str(tmp_path) + "/", "")
    assert "__step" not in result.stderr and "futures.py" not in result.stderr


# --- what CPython's C futures and tasks say (_asyncio), which a run's pure-Python ones must ----

C_MESSAGES = """\
    import asyncio

    def attempt(label, call):
        try:
            call()
        except (TypeError, RuntimeError, asyncio.InvalidStateError) as error:
            print(label, type(error).__name__, error)
        else:
            print(label, "ok")

    async def noop():
        pass

    async def main():
        loop = asyncio.get_running_loop()
        f, task = loop.create_future(), asyncio.create_task(noop())
        attempt("result pending", f.result)
        attempt("exception pending", f.exception)
        attempt("task result pending", task.result)
        attempt("task set_result", lambda: task.set_result(1))
        await task
        f.set_result(5)
        attempt("set_result done", lambda: f.set_result(6))
        attempt("set_exception done", lambda: f.set_exception(ValueError()))
        g = loop.create_future()
        attempt("set_exception 42", lambda: g.set_exception(42))
        attempt("set_exception int", lambda: g.set_exception(int))
        for obj in (f, task):
            for name in ("result", "exception", "done", "cancelled", "get_loop", "set_result",
                         "set_exception", "add_done_callback", "remove_done_callback",
                         "cancel", "get_coro", "get_name", "set_name", "get_stack",
                         "print_stack"):
                if hasattr(obj, name):
                    for args, kwargs in (((), {}), ((1, 2), {}), ((), {"x": 1}),
                                         ((print,), {"context": None, "x": 1}),
                                         ((), {"msg": 1, "x": 2}), ((1,), {"msg": 2})):
                        if args or kwargs:
                            attempt(f"{type(obj).__name__}.{name}{args}{kwargs}",
                                    lambda: getattr(obj, name)(*args, **kwargs))
        for kwargs in ({"x": 1}, {"loop": None, "x": 1}):
            attempt(f"Future({kwargs})", lambda: asyncio.Future(**kwargs))
        attempt("Future(1)", lambda: asyncio.Future(1))
        for args, kwargs in (((1,), {}), ((), {"bogus": 1}),
                             ((), {"name": "n", "eager_start": False, "x": 1})):
            coro = noop()
            attempt(f"Task{args}{kwargs}", lambda: asyncio.Task(coro, *args, **kwargs))
            coro.close()
        attempt("Task()", lambda: asyncio.Task())
        print(asyncio.Task.__init__.__doc__ is None)

    asyncio.run(main())
    """


def test_a_misused_future_or_task_says_what_cpythons_c_one_says(tmp_path, run_for_real):
    # Each version's own messages (3.12 and 3.13 parse some arguments anew, 3.13 words an
    # unexpected keyword otherwise), and no "Exception ignored in Task.__del__" after a Task()
    # given wrong arguments.
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent(C_MESSAGES))
    real = run_for_real(path)
    assert real.returncode == 0, real.stderr
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    assert result.stdout == real.stdout
    assert result.stderr == real.stderr == ""


def test_a_future_a_task_awaits_names_the_c_tasks_callback(tmp_path, monkeypatch, run_for_real):
    # cb=[Task.task_wakeup()], its class's name for a subclass, also where the loop reports a
    # task destroyed pending
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent("""\
        import asyncio, gc

        class MyTask(asyncio.Task):
            pass

        async def pend(future):
            await future

        async def main():
            loop = asyncio.get_running_loop()
            futures = [loop.create_future(), loop.create_future()]
            asyncio.create_task(pend(futures[0]))
            MyTask(pend(futures[1]))
            await asyncio.sleep(0)
            print(futures)

        loop = asyncio.new_event_loop()
        loop.run_until_complete(main())
        loop.close()
        gc.collect()
        """))
    real = run_for_real(path)
    monkeypatch.chdir(tmp_path)
    result = simconc.run("program.py")
    assert "task_wakeup" in result.stdout
    assert (result.stdout, result.stderr) == \
        (real.stdout, real.stderr.replace(str(tmp_path) + "/", ""))


LOGGED_BY_ASYNCIO = {
    # at asyncio.run's shutdown, a task whose cancellation raised another exception
    "shutdown": """\
        import asyncio

        async def cleanup():
            try:
                await asyncio.sleep(100)
            except asyncio.CancelledError:
                raise RuntimeError("failed while cancelled")

        async def main():
            asyncio.create_task(cleanup())
            await asyncio.sleep(0)

        asyncio.run(main())
        """,
    # the same, the task dropped: its exception never retrieved
    "never retrieved": """\
        import asyncio, gc

        async def cleanup():
            try:
                await asyncio.sleep(100)
            except asyncio.CancelledError:
                raise RuntimeError("failed while cancelled")

        async def main():
            task = asyncio.create_task(cleanup())
            await asyncio.sleep(0)
            task.cancel()
            await asyncio.sleep(0)
            del task
            gc.collect()

        asyncio.run(main())
        """,
    # debug mode: where a coroutine never awaited was made, from the program's <module>
    "coroutine never awaited": """\
        import asyncio

        async def never():
            pass

        async def main():
            await asyncio.sleep(0)
            never()

        asyncio.run(main(), debug=True)
        """,
}


def run_both(path: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """The program at ``path`` run for real and by ``simconc run`` (which prints what it warns
    of as the program's stderr: under pytest, a run's warnings are pytest's to catch)."""
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=60, cwd=path.parent)
    simulated = subprocess.run([sys.executable, "-m", "simconc", "run", "-q", str(path)],
                               capture_output=True, text=True, timeout=120, cwd=path.parent,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    return real, simulated


@pytest.mark.parametrize("name", sorted(LOGGED_BY_ASYNCIO))
def test_what_asyncio_logs_has_cpythons_frames(name, tmp_path):
    # The exceptions a failed task chains (the CancelledError the task threw into it) had the
    # frames of the pure-Python future and task that took it there; debug mode's record of
    # where a coroutine was made had simconc's, and lost the program's outer frames to them.
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent(LOGGED_BY_ASYNCIO[name]))
    real, simulated = run_both(path)
    assert "Traceback" in real.stderr or "Coroutine created at" in real.stderr
    assert (simulated.stdout, simulated.stderr) == (real.stdout, real.stderr)


def test_a_coroutine_collected_after_the_program_is_warned_of_as_at_exit(tmp_path):
    # Never awaited, it is collected as the run ends: in simconc's code, which the warning
    # must not name (CPython collects it at exit, with no frame: "sys:1", 3.13's "<sys>:0").
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent("""\
        import asyncio, warnings
        warnings.simplefilter("always")

        async def hello():
            pass

        async def nested():
            return asyncio.run(hello())

        try:
            asyncio.run(nested())
        except RuntimeError as error:
            print("nested:", error)
        """))
    real, simulated = run_both(path)
    assert "was never awaited" in real.stderr
    assert (simulated.stdout, simulated.stderr) == (real.stdout, real.stderr)


def test_a_coroutine_never_awaited_after_a_run_is_warned_of_where_the_program_left_it(tmp_path):
    # The warning's hook a run installs stays: outside a run it must say what Python's does,
    # the program's line, never the hook's own.
    path = tmp_path / "after.py"
    path.write_text(textwrap.dedent("""\
        import gc, warnings
        warnings.simplefilter("always")
        import simconc

        async def hello():
            pass

        def program():
            import asyncio
            asyncio.run(asyncio.sleep(0))

        assert simconc.run(program).status == "ok"
        hello()
        gc.collect()
        """))
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(
        f"{path}:13: RuntimeWarning: coroutine 'hello' was never awaited\n  hello()\n"), \
        proc.stderr
