"""What belongs to a process: each simulated process has its own environment, ``random``
stream, ``logging`` and ``gc.isenabled()``, as real ones do; and a run leaves the real
process's state (environment, working directory, recursion limit, warnings' filters, logging's
configuration) as it found it, so that every run, every execution of an exploration, starts
from the same state.

The programs run twice: for real, under this interpreter, and under simconc; both must print
the same.
"""
import logging
import os
import socket
import subprocess
import sys
import textwrap
import warnings

import pytest

import simconc

PROGRAMS = {
    # A child's os.environ is a copy of its parent's as it starts: what it sets or deletes
    # changes its own alone, with fork and spawn.
    "environment": """
        import multiprocessing as mp, os

        def child(q):
            q.put(("child sees", os.environ.get("SIMC_PARENT"), os.getenv("SIMC_CHILD")))
            os.environ["SIMC_CHILD"] = "child"
            del os.environ["SIMC_PARENT"]
            os.environb[b"SIMC_BYTES"] = b"b"
            q.put(("child set", os.environ.get("SIMC_PARENT"), os.getenv("SIMC_CHILD"),
                   os.environ.get("SIMC_BYTES")))

        if __name__ == "__main__":
            for method in ("fork", "spawn"):
                os.environ["SIMC_PARENT"] = method
                ctx = mp.get_context(method)
                q = ctx.Queue()
                p = ctx.Process(target=child, args=(q,))
                p.start()
                print(method, q.get())
                print(method, q.get())
                p.join()
                print(method, "parent", os.environ.get("SIMC_PARENT"),
                      os.environ.get("SIMC_CHILD"), os.environ.get("SIMC_BYTES"))
    """,
    # CPython reseeds random in a forked child (a spawned one imports it afresh): the children's
    # draws leave the parent's numbers as they were, and are not the parent's.
    "random_per_process": """
        import multiprocessing as mp, random

        def child(q, parents_next):
            q.put(random.random() != parents_next)

        if __name__ == "__main__":
            for method in ("fork", "spawn"):
                random.seed(42)
                expected = random.Random(42).random()
                ctx = mp.get_context(method)
                q = ctx.Queue()
                children = [ctx.Process(target=child, args=(q, expected)) for _ in range(2)]
                for p in children:
                    p.start()
                print(method, "children draw their own:", q.get(), q.get())
                for p in children:
                    p.join()
                print(method, "parent's next number:", random.random() == expected)
    """,
    # A spawned child imports logging afresh: none of its parent's configuration (its INFO is
    # dropped, its WARNING goes bare to stderr), and its basicConfig is its own; a forked one
    # has its parent's.
    "logging_per_process": """
        import logging, multiprocessing as mp, sys

        def work():
            log = logging.getLogger("work")
            log.info("info from the child")
            log.warning("warning from the child")
            logging.basicConfig(level=logging.DEBUG, format="child's format: %(message)s",
                                stream=sys.stdout)
            log.debug("debug from the child, configured")

        if __name__ == "__main__":
            for method in ("spawn", "fork"):
                ctx = mp.get_context(method)
                p = ctx.Process(target=work)
                if method == "fork":
                    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                                        format="%(processName)s %(levelname)s %(message)s")
                p.start()
                p.join()
                logging.getLogger("main").info("parent after its %s child", method)
                print(method, "parent's root handlers:", len(logging.getLogger().handlers))
    """,
    # A library's module-level logger (concurrent.futures._base.LOGGER) is, in a child, the
    # child's logger of that name: what the library logs there reaches the handler the child
    # gave it, and never the parent's.
    "library_logger_in_a_child": """
        import concurrent.futures, logging, multiprocessing as mp

        class Keep(logging.Handler):
            def emit(self, record):
                print(mp.current_process().name, "kept:", record.getMessage().split(" for ")[0],
                      "(the root's)" if self in logging.getLogger().handlers else "")

        def child():
            logging.getLogger("concurrent.futures").addHandler(Keep())
            future = concurrent.futures.Future()
            future.add_done_callback(lambda f: 1 / 0)
            future.set_result(1)   # (the library logs the callback's exception)

        if __name__ == "__main__":
            logging.getLogger().addHandler(Keep())   # (a forked child's copy has it too)
            for method in ("fork", "spawn"):
                p = mp.get_context(method).Process(target=child)
                p.start()
                p.join()
            print("parent's concurrent.futures handlers:",
                  logging.getLogger("concurrent.futures").handlers)
    """,
    # gc.isenabled() is each process's: a forked child's is its parent's, a spawned one's on;
    # gc.collect() collects (automatic collection never runs inside a run: patching.py).
    "gc_state": """
        import gc, multiprocessing as mp

        def child(q):
            q.put(gc.isenabled())

        if __name__ == "__main__":
            print("start", gc.isenabled())
            gc.disable()
            for method in ("fork", "spawn"):
                ctx = mp.get_context(method)
                q = ctx.Queue()
                p = ctx.Process(target=child, args=(q,))
                p.start()
                print(method, "child", q.get())
                p.join()
            gc.enable()
            print("end", gc.isenabled())

            class Cycle:
                def __del__(self):
                    print("collected")

            c = Cycle()
            c.me = c
            del c
            print("found", gc.collect() > 0)
    """,
    # The main thread's uncaught exception goes to the program's sys.excepthook, with the
    # traceback from the program's first frame; what the hook raises is reported as CPython
    # reports it. (A process's own: its sys.excepthook is put back after the run.)
    "excepthook": """
        import sys

        def hook(exc_type, exc, tb):
            print("hook:", exc_type.__name__, exc, tb.tb_frame.f_code.co_name, tb.tb_lineno,
                  sys.exc_info())
            raise RuntimeError("the hook fails too")

        def fail():
            raise KeyError("k")

        sys.excepthook = hook
        fail()
    """,
    # A process's working directory, umask, recursion limit, socket timeout and warnings
    # configuration are its own: a forked child starts from its parent's, a spawned one in its
    # parent's directory with a fresh interpreter's others; what a child changes, and what the
    # parent changes while it runs, stays where it was changed. A relative path is found from
    # the process's own directory.
    "real_state": """
        import multiprocessing as mp, os, socket, sys, warnings

        def show(who):
            warnings.warn(f"{who}: a warning")   # (a filter of "error" makes it raise)
            mask = os.umask(0)
            os.umask(mask)
            return (who, os.path.basename(os.getcwd()) == "sub", oct(mask),
                    sys.getrecursionlimit(), socket.getdefaulttimeout(), os.path.exists("marker"))

        def to_stdout(message, category, filename, lineno, file=None, line=None):
            print("shown:", message)

        def child(q, go):
            q.put(show("child starts"))
            os.chdir("sub")
            os.umask(0o077)
            sys.setrecursionlimit(1234)
            socket.setdefaulttimeout(7.0)
            warnings.simplefilter("ignore")
            go.wait()   # (the parent changes its own meanwhile)
            q.put(show("child after"))
            with open("marker") as f:
                q.put(("child reads", f.read()))

        if __name__ == "__main__":
            os.mkdir("sub")
            with open(os.path.join("sub", "marker"), "w") as f:
                f.write("the child's")
            warnings.simplefilter("always")
            warnings.showwarning = to_stdout   # (a spawned child has the default: stderr)
            os.umask(0o027)
            sys.setrecursionlimit(2345)
            for method in ("fork", "spawn"):
                ctx = mp.get_context(method)
                q, go = ctx.Queue(), ctx.Event()
                p = ctx.Process(target=child, args=(q, go))
                p.start()
                print(method, q.get())
                socket.setdefaulttimeout(3.0)
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error")
                        go.set()
                        print(method, q.get())
                        print(method, q.get())
                        show("parent")
                except UserWarning as exc:
                    print(method, "raised:", exc)
                p.join()
                print(method, show("parent after"))
                socket.setdefaulttimeout(None)
    """,
    # multiprocessing's own logger crosses a spawn as spawn.prepare carries it: its level, and
    # whether it logs to stderr.
    "multiprocessing_logger_spawned": """
        import logging, multiprocessing as mp, multiprocessing.util as util

        def child():
            print("child:", mp.get_logger().getEffectiveLevel(), util._log_to_stderr)

        if __name__ == "__main__":
            mp.log_to_stderr(logging.WARNING)
            mp.get_logger().setLevel(logging.ERROR)
            p = mp.get_context("spawn").Process(target=child)
            p.start()
            p.join()
    """,
    # sys.path and sys.argv are each process's: a child starts with a copy of its parent's
    # (spawn's preparation data carries them), and what it appends or rebinds is its own. So
    # is sys.excepthook: the main thread's uncaught exception goes to its process's.
    "sys_path_and_argv": """
        import multiprocessing as mp, sys

        def child(q):
            q.put(("child sees", sys.path[-1], sys.argv[1:]))
            sys.path.append("/from-child")
            sys.argv.append("from-child")
            sys.path = sys.path + ["/rebound-in-child"]

        if __name__ == "__main__":
            sys.argv[1:] = ["parent-arg"]
            for method in ("fork", "spawn"):
                sys.path.append("/from-parent-" + method)
                ctx = mp.get_context(method)
                q = ctx.Queue()
                p = ctx.Process(target=child, args=(q,))
                p.start()
                print(method, q.get())
                p.join()
                print(method, "parent", sys.path[-1], sys.argv[1:])
            hook = sys.excepthook
            p = mp.get_context("fork").Process(target=setattr, args=(sys, "excepthook", print))
            p.start()
            p.join()
            print("parent's excepthook is its own:", sys.excepthook is hook)
    """,
    # A forkserver child's parent (os.getppid) is the server, a process of its own, not the
    # process that started it (parent_process), and it imports the main module afresh, as
    # CPython 3.10 to 3.13 do (the server means to import it once, but never does).
    "forkserver_parent": """
        import multiprocessing as mp, os

        print("module level in", mp.current_process().name, __name__)

        def child():
            parent = mp.parent_process()
            print(mp.current_process().name, "getppid is the server's:",
                  os.getppid() not in (parent.pid, os.getpid()), parent.name)

        if __name__ == "__main__":
            for method in ("forkserver", "fork", "spawn"):
                p = mp.get_context(method).Process(target=child)
                p.start()
                p.join()
    """,
    # A child's os.putenv and os.unsetenv take and refuse what CPython's do.
    "putenv_checks": """
        import multiprocessing as mp, os

        def attempts():
            for call, args in ((os.putenv, ("A", "b")), (os.putenv, ("", "b")),
                               (os.putenv, ("a=b", "c")), (os.putenv, ("=a", "c")),
                               (os.putenv, ("a\\0", "c")), (os.putenv, ("a", "c\\0")),
                               (os.putenv, (1, "c")), (os.unsetenv, ("A",)),
                               (os.unsetenv, ("",)), (os.unsetenv, ("a=b",)),
                               (os.unsetenv, ("a\\0",))):
                try:
                    call(*args)
                    print(call.__name__, args, "ok")
                except Exception as exc:
                    print(call.__name__, args, type(exc).__name__, exc)

        if __name__ == "__main__":
            p = mp.get_context("fork").Process(target=attempts)
            p.start()
            p.join()
    """,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_each_process_has_its_own_as_cpythons_do(name, tmp_path, run_for_real, monkeypatch):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(PROGRAMS[name]))
    (tmp_path / "real").mkdir()
    real = run_for_real(path, cwd=tmp_path / "real")
    assert real.returncode == (1 if name == "excepthook" else 0), real.stderr
    monkeypatch.chdir(tmp_path)   # (from a folder of its own too)
    result = simconc.run(str(path))
    assert result.status == ("error" if real.returncode else "ok"), (result.error, result.stderr)
    assert (result.stdout, result.stderr) == (real.stdout, real.stderr)


def test_a_child_process_changes_the_real_environment_not():
    def program():
        import multiprocessing
        import os

        def child():
            os.environ["SIMC_FROM_CHILD"] = "1"
            os.putenv("SIMC_PUT_BY_CHILD", "1")

        p = multiprocessing.get_context("fork").Process(target=child)
        p.start()
        p.join()

    result = simconc.run(program)
    assert result.status == "ok", result.stderr
    assert "SIMC_FROM_CHILD" not in os.environ
    for name in ("SIMC_FROM_CHILD", "SIMC_PUT_BY_CHILD"):   # (the C environment)
        assert subprocess.run([sys.executable, "-c", f"import os; print(os.getenv({name!r}))"],
                              capture_output=True, text=True).stdout == "None\n"


def test_a_run_leaves_the_process_as_it_found_it(tmp_path):
    calls = []

    def program():
        import logging
        import os
        import socket
        import sys
        import warnings
        calls.append((os.environ.get("SIMC_LEFT"), len(logging.getLogger().handlers),
                      logging.getLogger("simc.left").level, sys.getrecursionlimit()))
        os.environ["SIMC_LEFT"] = "set"
        os.chdir(tmp_path)
        os.umask(0o077)
        sys.setrecursionlimit(4321)
        warnings.simplefilter("error")
        socket.setdefaulttimeout(3)
        sys.excepthook = sys.unraisablehook = print
        logging.basicConfig(level=logging.DEBUG)
        logging.getLogger("simc.left").setLevel(logging.ERROR)
        logging.disable(logging.CRITICAL)

    cwd, limit, filters = os.getcwd(), sys.getrecursionlimit(), list(warnings.filters)
    mask = os.umask(0o022)
    os.umask(mask)
    hooks = sys.excepthook, sys.unraisablehook
    handlers, level = logging.getLogger().handlers[:], logging.getLogger().level
    for _ in range(2):
        result = simconc.run(program)
        assert result.status == "ok", result.stderr
    # (the second run started where the first did)
    assert calls[0] == calls[1] == (None, len(handlers), logging.NOTSET, limit)
    assert "SIMC_LEFT" not in os.environ and os.getcwd() == cwd and os.umask(mask) == mask
    assert sys.getrecursionlimit() == limit and warnings.filters == filters
    assert socket.getdefaulttimeout() is None
    assert (sys.excepthook, sys.unraisablehook) == hooks
    assert logging.getLogger().handlers == handlers and logging.getLogger().level == level
    assert logging.root.manager.disable == 0 and "simc.left" not in logging.root.manager.loggerDict
    assert logging.getLogger("simc.left").isEnabledFor(logging.WARNING)


def test_each_run_shows_the_warnings_a_fresh_interpreter_would(tmp_path):
    # A warning shown once where a standard-library module called (copy's registry, which
    # outlives the run): the second run shows it as the first did. The program's showwarning
    # and catch_warnings' rebinding go with the run.
    path = tmp_path / "warns.py"
    path.write_text(textwrap.dedent("""
        import copy, warnings

        def show(message, category, filename, lineno, file=None, line=None):
            print("shown:", message)

        warnings.showwarning = show   # (under pytest, whose own records warnings)

        class C:
            def __deepcopy__(self, memo):
                warnings.warn("deep", UserWarning, stacklevel=2)
                return C()

        copy.deepcopy(C())
    """))
    shown = warnings.showwarning, warnings.filters
    outputs = []
    for _ in range(2):
        result = simconc.run(str(path))
        assert result.status == "ok", result.stderr
        outputs.append(result.stdout)
    assert outputs == ["shown: deep\n"] * 2
    path.write_text("import warnings\nwarnings.catch_warnings().__enter__()   # (never left)\n")
    assert simconc.run(str(path)).status == "ok"
    assert (warnings.showwarning, warnings.filters) == shown


def test_a_program_files_warnings_are_printed_as_python_file_prints_them(tmp_path,
                                                                         run_for_real):
    # The host records warnings (pytest does, around each test) and makes them errors: the
    # program's are still printed on its stderr, as a fresh interpreter prints them, and the
    # host records none of them. (Before, pytest's summary had them, and result.stderr none.)
    path = tmp_path / "warns.py"
    path.write_text(textwrap.dedent("""
        import warnings
        warnings.warn("plain")
        for _ in range(2):
            warnings.warn("once here", DeprecationWarning, stacklevel=1)
        print("went on")
    """))
    real = run_for_real(path)
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("error")
        result = simconc.run(str(path))
        assert warnings.filters[0][0] == "error"
    assert result.status == "ok", result.error
    assert (result.stdout, result.stderr) == (real.stdout, real.stderr)
    assert result.stderr.count("UserWarning: plain") == 1
    assert recorded == []


def test_logging_imported_before_the_run_names_the_simulated_threads_and_time():
    # (this module imported logging before any run, as pytest does: the run's records come
    # from it, and name the simulated thread and the simulated clock's time)
    def program():
        import logging
        import threading
        import time

        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append((record.threadName, record.thread, record.relativeCreated))

        log = logging.getLogger("simc.threads")
        log.addHandler(Keep())

        def work():
            time.sleep(1.5)
            log.warning("working")

        t = threading.Thread(target=work, name="worker")
        t.start()
        t.join()
        log.warning("done")
        print(records, threading.get_ident(), t.ident)

    outputs = set()
    for _ in range(2):
        result = simconc.run(program)
        assert result.status == "ok", result.stderr
        outputs.add(result.stdout)
    (output,) = outputs   # (the same in each run: nothing of the real clock)
    records, main, worker = eval(output.rpartition("]")[0] + "]"), *map(
        int, output.rpartition("]")[2].split())
    assert [(name, ident) for name, ident, _ in records] == [("worker", worker),
                                                             ("MainThread", main)]
    assert all(1500 <= at < 1510 for _, _, at in records), records   # (1.5 s, and CPU time)
    assert "simc.threads" not in logging.root.manager.loggerDict


def test_a_forked_child_has_a_copy_of_its_parents_logging(caplog):
    # The test's own logging, pytest's (its handlers, caplog's among them): a forked child's
    # changes stay in the child, and the parent's records still reach caplog.
    log = logging.getLogger("simc.forked")

    def program():
        import multiprocessing

        def child():
            print("child: the module's logger is getLogger's:",
                  log is logging.getLogger("simc.forked"))
            log.setLevel(logging.CRITICAL)
            logging.getLogger().addHandler(logging.NullHandler())
            logging.getLogger("simc.made.in.child")

        log.setLevel(logging.INFO)
        p = multiprocessing.get_context("fork").Process(target=child)
        p.start()
        p.join()
        print("parent: level", logging.getLevelName(log.level),
              "root handlers", len(logging.getLogger().handlers),
              "child's logger", "simc.made.in.child" in logging.root.manager.loggerDict)
        log.info("the parent's record")

    handlers = len(logging.getLogger().handlers)
    with caplog.at_level(logging.INFO, logger="simc.forked"):
        result = simconc.run(program)
    assert result.status == "ok", result.stderr
    assert result.stdout == (f"child: the module's logger is getLogger's: True\n"
                             f"parent: level INFO root handlers {handlers} child's logger False\n")
    assert [r.getMessage() for r in caplog.records] == ["the parent's record"]
