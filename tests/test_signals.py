"""Signals sent to simulated processes reach their handlers as CPython's on Linux do.

Each program runs twice: for real, under this interpreter, and under simconc (timed semantics);
both must print the same and end with the same status (a negative one: killed by that signal).
"""
import subprocess
import sys
import textwrap

import pytest

import simconc

PROGRAMS = {
    # A worker that exits cleanly on SIGTERM while blocked in a queue's get(); the parent's
    # terminate() and join() see exit code 0.
    "terminate_a_worker_with_a_handler": """
        import multiprocessing as mp, signal, sys

        def worker(ready, never):
            signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
            ready.put("ready")
            never.get()   # (another queue: on one, the worker could take its own "ready")
            print("never reached")

        if __name__ == "__main__":
            mp.set_start_method("fork")
            ready, never = mp.Queue(), mp.Queue()
            p = mp.Process(target=worker, args=(ready, never))
            p.start()
            print(ready.get())
            p.terminate()
            p.join()
            print("exitcode", p.exitcode)
    """,
    # A handler sets a flag that the main loop, sleeping in small steps, sees.
    "handler_sets_a_flag": """
        import signal, time
        stop = False
        def handler(signum, frame):
            global stop
            print("handler", signal.Signals(signum).name, frame is not None)
            stop = True
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, 0.35)
        loops = 0
        while not stop:
            time.sleep(0.1)
            loops += 1
        print("loops", loops, signal.getitimer(signal.ITIMER_REAL))
    """,
    # A signal the main thread sends itself: the handler runs before os.kill/raise_signal
    # return; frame is the frame that sent it.
    "self_signal_runs_before_the_call_returns": """
        import os, signal
        def handler(signum, frame):
            print("handler", signal.Signals(signum).name, frame.f_code.co_name)
        signal.signal(signal.SIGUSR1, handler)
        def send():
            os.kill(os.getpid(), signal.SIGUSR1)
            print("after os.kill")
            signal.raise_signal(signal.SIGUSR1)
            print("after raise_signal")
        send()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.raise_signal(signal.SIGCHLD)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.kill(os.getpid(), signal.SIGHUP)
        print("SIGCHLD and an ignored SIGHUP change nothing")
    """,
    # A handler that raises interrupts the main thread's waits: the exception comes out of the
    # wait, which no longer waits; one that returns lets the wait go on for what is left.
    "handlers_interrupt_waits": """
        import os, queue, signal, threading, time

        class Stop(Exception):
            pass

        def stop(signum, frame):
            print("handler", signal.Signals(signum).name)
            raise Stop

        def send_later(signum, delay=0.1):
            def send():
                time.sleep(delay)
                os.kill(os.getpid(), signum)
            threading.Thread(target=send).start()

        signal.signal(signal.SIGUSR1, stop)
        lock = threading.Lock()
        lock.acquire()
        send_later(signal.SIGUSR1)
        try:
            lock.acquire()
        except Stop:
            print("acquire interrupted, locked:", lock.locked())
        lock.release()
        t = threading.Thread(target=lambda: (lock.acquire(), print("another thread took it")))
        t.start()
        t.join()

        q = queue.Queue()
        send_later(signal.SIGUSR1)
        try:
            q.get()
        except Stop:
            print("get interrupted")
        q.put(1)
        print("get", q.get())

        cond = threading.Condition()
        send_later(signal.SIGUSR1)
        with cond:
            try:
                cond.wait()
            except Stop:
                print("Condition.wait interrupted, waiters:", len(cond._waiters))

        calls = []
        signal.signal(signal.SIGUSR2, lambda signum, frame: calls.append(signum))
        event = threading.Event()
        send_later(signal.SIGUSR2)
        start = time.monotonic()
        print("Event.wait", event.wait(0.3), time.monotonic() - start >= 0.3, calls)
        send_later(signal.SIGUSR2)
        start = time.monotonic()
        time.sleep(0.3)
        print("sleep lasted its time:", time.monotonic() - start >= 0.3, calls)

        send_later(signal.SIGINT)   # (Python's own handler: KeyboardInterrupt)
        try:
            time.sleep(1)
        except KeyboardInterrupt:
            print("KeyboardInterrupt")

        # interrupt_main() sends no signal: the sleep is not interrupted, the handler runs
        # once it is over
        import _thread
        threading.Thread(target=lambda: (time.sleep(0.1), _thread.interrupt_main())).start()
        start = time.monotonic()
        try:
            time.sleep(0.5)
        except KeyboardInterrupt:
            print("KeyboardInterrupt after the sleep:", time.monotonic() - start >= 0.5)
    """,
    # A signal that arrives while the main thread runs (not waiting): its handler has run by
    # the time the main thread's next wait is over.
    "arriving_while_the_main_thread_runs": """
        import os, signal, threading
        got = []
        signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
        t = threading.Thread(target=lambda: os.kill(os.getpid(), signal.SIGUSR1))
        t.start()
        total = sum(i * i for i in range(100000))
        with threading.Lock():
            t.join()
        print(got)
    """,
    # Signals to the program's own process (the first one): from a child; an alarm with the
    # default action ends it, the status a shell reports as killed by SIGALRM.
    "the_programs_process_receives_signals": """
        import multiprocessing as mp, os, signal, time

        def child():
            os.kill(os.getppid(), signal.SIGUSR1)

        if __name__ == "__main__":
            mp.set_start_method("fork")
            signal.signal(signal.SIGUSR1, lambda signum, frame: print("parent got SIGUSR1"))
            p = mp.Process(target=child)
            p.start()
            time.sleep(1)   # (interrupted, then resumed)
            p.join()
            print("child exitcode", p.exitcode, flush=True)
            signal.alarm(1)
            time.sleep(5)
            print("never reached")
    """,
    # asyncio's loop.add_signal_handler: the callback runs in the loop, woken from its wait by
    # a signal another thread sends; SIGTERM cancelling the main task (a graceful shutdown);
    # asyncio's own errors.
    "asyncio_add_signal_handler": """
        import asyncio, os, signal, threading


        async def main():
            loop = asyncio.get_running_loop()
            got = asyncio.Event()

            def on_usr1(tag):
                print("SIGUSR1 callback", tag, threading.current_thread().name)
                got.set()
            loop.add_signal_handler(signal.SIGUSR1, on_usr1, "from a thread")
            # sent by another thread while the loop waits
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGUSR1)).start()
            await got.wait()
            print("removed", loop.remove_signal_handler(signal.SIGUSR1),
                  loop.remove_signal_handler(signal.SIGUSR1), signal.getsignal(signal.SIGUSR1))
            for sig in (signal.SIGKILL, 0):
                try:
                    loop.add_signal_handler(sig, print)
                except (RuntimeError, ValueError) as exc:
                    print(type(exc).__name__, exc)

            async def coro():
                pass
            try:
                loop.add_signal_handler(signal.SIGUSR2, coro)
            except TypeError as exc:
                print("TypeError", exc)

            def elsewhere():
                try:
                    loop.add_signal_handler(signal.SIGUSR2, print)
                except RuntimeError as exc:
                    print("RuntimeError", exc)
            t = threading.Thread(target=elsewhere)
            t.start()
            t.join()

            # a graceful shutdown: SIGTERM cancels the main task, which cleans up
            task = asyncio.current_task()
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
            loop.call_later(0.1, os.kill, os.getpid(), signal.SIGTERM)
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("cancelled by SIGTERM at", round(loop.time() - start, 1))
            loop.remove_signal_handler(signal.SIGTERM)

        start = 0.0


        async def outer():
            global start
            start = asyncio.get_running_loop().time()
            await main()

        asyncio.run(outer())
        print("done", signal.getsignal(signal.SIGTERM))
    """,
    "the_program_blocked_for_ever_past_its_alarm": """
        import signal, threading
        signal.signal(signal.SIGALRM, lambda signum, frame: print("alarm", signum))
        signal.alarm(2)
        threading.Event().wait(3)
        print("woken, then waited the rest")
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        threading.Lock().acquire(); threading.Lock().acquire()   # (blocked for ever)
        lock = threading.Lock(); lock.acquire(); lock.acquire()
    """,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_program_with_signals_prints_what_cpython_prints(name, tmp_path, run_for_real):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(PROGRAMS[name]))
    real = run_for_real(path)
    assert real.returncode <= 0, real.stderr
    result = simconc.run(str(path), spin_timeout=60)
    assert result.stdout == real.stdout, (result.error, result.stderr)
    assert result.exit_code == real.returncode, (result.error, result.stderr)
    assert result.status == ("ok" if real.returncode == 0 else "error"), result.error


def test_a_pending_signal_is_pending_once():
    # Two SIGUSR1 before the handler runs: it runs once (the main thread waits for a lock the
    # sender holds, so both arrive first; for real that order would be a race).
    def program():
        import os
        import signal
        import threading
        calls = []
        signal.signal(signal.SIGUSR1, lambda signum, frame: calls.append(signum))
        lock = threading.Lock()

        def send():
            with lock:
                os.kill(os.getpid(), signal.SIGUSR1)
                os.kill(os.getpid(), signal.SIGUSR1)
        lock.acquire()
        t = threading.Thread(target=send)
        t.start()
        lock.release()
        t.join()
        print(calls)

    result = simconc.run(program)
    assert result.status == "ok", result.error
    assert result.stdout == "[10]\n"


def test_the_program_killed_by_a_signal_is_reported_so(tmp_path):
    path = tmp_path / "alarm.py"
    path.write_text("import signal, time\nsignal.alarm(1)\ntime.sleep(2)\n")
    run = subprocess.run([sys.executable, "-m", "simconc", "run", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "-- simconc: FAILED (the program was killed by SIGALRM) | 1000." in run.stderr


def test_a_handler_that_would_interrupt_is_refused_by_an_exploration():
    def program():
        import multiprocessing
        import signal
        import threading

        ready = multiprocessing.Event()

        def child():
            signal.signal(signal.SIGTERM, lambda *args: print("handled"))
            ready.set()
            stuck = threading.Lock()
            stuck.acquire()
            stuck.acquire()   # (waits until the handler would run)

        p = multiprocessing.Process(target=child)
        p.start()
        ready.wait()
        p.terminate()

    result = simconc.run(program, semantics="untimed")
    assert result.status == "error"
    assert "an exploration does not explore where among the threads' steps" in result.error
    assert "sent SIGTERM (terminate())" in result.error


def test_a_self_sent_signal_runs_its_handler_in_an_exploration_too():
    # (at once, in the thread that sent it: nothing to interrupt)
    def program():
        import signal
        signal.signal(signal.SIGUSR1, lambda signum, frame: print("handled", signum))
        signal.raise_signal(signal.SIGUSR1)
        print("after")

    result = simconc.run(program, semantics="untimed")
    assert result.status == "ok", result.error
    assert result.stdout == "handled 10\nafter\n"


@pytest.mark.parametrize("call, refused", [
    ("signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)", "not a periodic one"),
    ("signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)",
     "asked for a real signal"),
    ("os.kill(os.getpid(), signal.SIGSTOP)", "does not simulate job control"),
])
def test_what_is_not_simulated_is_refused(call, refused, tmp_path):
    path = tmp_path / "refused.py"
    path.write_text(f"import os, signal, threading\n{call}\n")
    result = simconc.run(str(path))
    assert result.status == "error" and refused in result.error, result.error
