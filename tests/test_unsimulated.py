"""What simconc does not simulate is refused with a clear message, never escapes the simulation
(a real process, a native thread, simconc's own exit) nor hangs it (a real wait); and what a
process does at its end (os._exit, daemon threads) is what CPython does."""
import subprocess
import sys
import textwrap

import pytest

import simconc
from simconc import UnsimulatedError


def in_a_thread(body):
    def program():
        import threading
        t = threading.Thread(target=body)
        t.start()
        t.join()
        print("after")
    return program


def refused(result, words):
    assert result.status == "error"
    assert words in result.error, result.error
    assert "after" not in result.stdout


@pytest.mark.parametrize("body", [
    lambda: __import__("subprocess").run([sys.executable, "-c", "open('/dev/null')"]),
    lambda: __import__("os").system("true"),
    lambda: __import__("os").execv(sys.executable, [sys.executable, "-c", "pass"]),
    lambda: __import__("os").posix_spawn(sys.executable, [sys.executable, "-c", "pass"], {}),
    lambda: __import__("os").fork(),
], ids=["subprocess", "system", "execv", "posix_spawn", "fork"])
def test_a_real_process_is_refused(body):
    result = simconc.run(in_a_thread(body))
    refused(result, "a real one would run outside the simulation")


def test_a_native_thread_through_ctypes_is_refused():
    def body():
        import ctypes
        libc = ctypes.CDLL(None)
        libc.pthread_create

    result = simconc.run(in_a_thread(body))
    refused(result, "the native function 'pthread_create' through ctypes")


def test_ctypes_itself_still_works_in_a_run():
    def program():
        import ctypes
        print(ctypes.CDLL(None).abs(-3))

    assert simconc.run(program).stdout == "3\n"


def test_asyncio_on_a_real_selector_is_said_to_be_unsimulated_not_blamed_on_the_program():
    # asyncio's own loops are simulated (test_asyncio.py); one given a real selector would
    # wait on real file descriptors.
    def program():
        import asyncio
        import selectors
        loop = asyncio.SelectorEventLoop(selectors.DefaultSelector())
        loop.run_until_complete(asyncio.sleep(0.1))
        print("after")

    result = simconc.run(program)
    refused(result, "asyncio's event loop was given a real selector")
    assert "busy" not in result.error


@pytest.mark.parametrize("then", ["", "cancel"])
def test_a_refused_event_loop_leaves_no_coroutine_never_awaited_warning(then):
    # The task the refused loop never started held an unstarted coroutine: collected after the
    # run, it warned "coroutine 'sleep' was never awaited", as if the program had forgotten it;
    # and a task cancelled then (as asyncio.Runner does as it closes, its loop refused again)
    # logged "Task was destroyed but it is pending!" through the run's logging, after the run,
    # which failed with an internal traceback.
    code = textwrap.dedent("""
        import gc, simconc

        def program():
            import asyncio, selectors
            loop = asyncio.SelectorEventLoop(selectors.DefaultSelector())
            task = loop.create_task(asyncio.sleep(0.1))
            try:
                loop.run_until_complete(task)
            finally:
                if THEN:
                    task.cancel()
                    loop.run_until_complete(asyncio.gather(task, return_exceptions=True))

        print(simconc.run(program).status)
        gc.collect()
    """).replace("THEN", repr(then))
    proc = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout == "error\n", proc.stderr
    assert "never awaited" not in proc.stderr
    assert "destroyed" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr


def test_waiting_on_real_file_descriptors_is_refused():
    def program():
        import os
        import select
        r, w = os.pipe()
        select.select([r], [], [])   # would block the whole simulation for ever
        print("after")

    refused(simconc.run(program), "waited on real file descriptors")


def test_unsimulated_errors_are_simconc_errors():
    assert issubclass(UnsimulatedError, simconc.SimconcError)
    assert issubclass(simconc.RealThreadError, UnsimulatedError)


def test_os_exit_ends_the_execution_with_its_status_and_no_clean_up():
    def program():
        import atexit
        import os
        import threading
        atexit.register(print, "atexit ran")

        def worker():
            try:
                print("worker")
                os._exit(3)
            finally:
                print("finally ran")

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        print("after")

    result = simconc.run(program)
    assert result.stdout == "worker\n"        # no finally, no atexit, nothing after
    assert (result.status, result.exit_code) == ("error", 3)
    assert result.error is None
    replayed = simconc.run(program, schedule=result.schedule)
    assert replayed.stdout == result.stdout and replayed.exit_code == 3


def test_os_exit_zero_is_a_clean_end():
    def program():
        import os
        print("bye")
        os._exit(0)

    result = simconc.run(program)
    assert (result.status, result.exit_code, result.stdout) == ("ok", 0, "bye\n")


@pytest.mark.parametrize("status, error", [
    ("3", "'str' object cannot be interpreted as an integer"),
    (2 ** 31, "Python int too large to convert to C int"),
])
def test_os_exit_checks_its_argument_as_cpython_does(status, error):
    with pytest.raises((TypeError, OverflowError)) as real:
        # (the real one's errors come before anything exits)
        __import__("os")._exit(status)
    assert str(real.value) == error

    def program():
        import os
        try:
            os._exit(status)
        except (TypeError, OverflowError) as exc:
            print(type(exc).__name__, exc)

    assert simconc.run(program).stdout == f"{type(real.value).__name__} {error}\n"


def test_os_exit_under_the_cli_keeps_the_summary_and_the_token(tmp_path):
    script = tmp_path / "exit.py"
    script.write_text("import os\nprint('x', flush=True)\nos._exit(4)\n")
    proc = subprocess.run([sys.executable, "-m", "simconc", "run", str(script)],
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.startswith("x\n")
    assert "the program exited with status 4" in proc.stderr
    assert "replay:" in proc.stderr


def test_a_daemon_threads_finally_does_not_run_at_the_end():
    # CPython ends the process with the daemon thread still asleep: its finally never runs.
    def program():
        import threading
        import time

        def daemon():
            try:
                time.sleep(10)
            finally:
                print("cleanup")

        threading.Thread(target=daemon, daemon=True).start()
        time.sleep(0.1)
        print("main done")

    result = simconc.run(program)
    assert (result.status, result.stdout) == ("ok", "main done\n")


def test_what_a_refused_run_imported_is_imported_afresh_afterwards():
    # asyncio, first imported in the run, imports concurrent.futures, whose Future is made
    # with a Condition of the execution's threading: left in sys.modules, real code after the
    # run (an exploration with --jobs: a process pool) met the simulated one there. (Refused
    # once; asyncio runs now, and what it imported must go all the same.)
    code = textwrap.dedent("""
        import simconc

        def program():
            import asyncio
            asyncio.run(asyncio.sleep(0.1))

        assert simconc.run(program).status == "ok"
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            print(pool.submit(sum, [1, 2]).result())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout == "3\n", proc.stderr
