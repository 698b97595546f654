"""Running one program once: a scenario file or a callable, on a fresh world.

The runner is where a program meets the kernel: it installs the stdlib face, captures what the
program prints, runs it as the simulated main thread, and turns the world's records into a
:class:`RunResult`. It knows nothing of the command line.
"""
from __future__ import annotations

import builtins
import contextlib
import io
from importlib.util import decode_source
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, TextIO, Union

from greenlet import GreenletExit

from ..analysis.deadlock import DeadlockReport, report, stuck_state, variable_names
from ..kernel import (BadToken, CostProfile, RandomStrategy, ReplayStrategy, ScheduleMismatch,
                     SimconcError, Step, Stepped, Strategy, Timed, Trace, TraceEvent, World,
                     decode_token, maybe_current_world, switch_points_named)
from ..kernel.scheduler import Scheduler, token_semantics, token_switch_points
from ..instrument.hooks import hooks
from ..instrument.rewrite import compile_instrumented
from .patching import simulated_modules
from ..stdlib import fresh_modules
from ..stdlib._traceback import format_user_exception
from ..stdlib.state import FaceState, face_state
from .watchdog import spin_watchdog

Program = Union[str, "os.PathLike[str]", Callable[[], Any]]


class ScenarioError(SimconcError):
    """The program cannot be run at all: a missing file, a syntax error."""


@dataclass
class ExceptionInfo:
    thread: str
    time: float
    type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"thread": self.thread, "time": self.time, "type": self.type,
                "message": self.message}


@dataclass
class RunResult:
    """What one execution did. ``status`` is ``ok``, ``deadlock``, ``error`` or ``limit``."""
    stdout: str
    stderr: str
    seed: Optional[int]
    #: The scheduler that made the choices: the token is encoded from it when first asked for
    #: (an exploration asks only for the few it reports).
    scheduler: Scheduler = field(repr=False)
    elapsed: float
    status: str
    deadlock: Optional[DeadlockReport]
    exceptions: list[ExceptionInfo]
    threads: int
    profile: str
    trace: Trace = field(repr=False)
    error: Optional[str] = None          # a simconc-level failure: spinning, a real thread, ...
    exit_code: int = 0                   # the program's own sys.exit code, if it called it
    namespace: dict = field(default_factory=dict, repr=False)
    semantics: str = "timed"
    switch_points: str = "any"           # untimed: where a thread may be switched out
    #: The invariant's verdict: None if it held (or there was none), else why it failed.
    check_failure: Optional[str] = None

    @property
    def steps(self) -> list[Step]:
        """Untimed semantics: the steps taken, in order (what exploration's analysis reads)."""
        return self.trace.steps

    @property
    def pending(self) -> list[Step]:
        """Untimed semantics: the step each unfinished thread was waiting to take at the end."""
        return self.trace.pending

    @property
    def schedule(self) -> str:
        """The schedule token: replays this execution exactly."""
        token = self.__dict__.get("_token")
        if token is None:
            token = self.__dict__["_token"] = self.scheduler.token
        return token

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "stdout": self.stdout, "stderr": self.stderr, "seed": self.seed,
            "schedule": self.schedule, "elapsed": self.elapsed, "status": self.status,
            "deadlock": self.deadlock.to_dict() if self.deadlock else None,
            "exceptions": [e.to_dict() for e in self.exceptions], "threads": self.threads,
            "profile": self.profile, "error": self.error, "exit_code": self.exit_code,
            "semantics": self.semantics, "switch_points": self.switch_points,
            "check": self.check_failure,
        }


class _Capture(io.TextIOBase):
    """Collects what the program writes; optionally passes it on live."""

    def __init__(self, echo: Optional[TextIO] = None,
                 world: Optional[World] = None) -> None:
        self.parts: list[str] = []
        self.echo = echo
        #: A write is a visible operation (under untimed semantics, a step: which thread
        #: prints first is an order), while the world runs.
        self.world = world

    def writable(self) -> bool:
        return True

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        world = self.world
        if world is not None and world.current is not None:
            world.point(_STDOUT, "w")
        self.parts.append(text)
        if self.echo is not None:
            self.echo.write(text)
        return len(text)

    def flush(self) -> None:
        if self.echo is not None:
            self.echo.flush()

    def getvalue(self) -> str:
        return "".join(self.parts)


_STDOUT = ("stdout",)


_compiled: dict[tuple, Any] = {}   # (path, size, mtime, memory) -> code: explorations rerun it

#: Inside :func:`scenarios_pinned`: (path, memory, switches) -> the code loaded first.
_pinned: Optional[dict[tuple, Any]] = None


@contextlib.contextmanager
def scenarios_pinned() -> Iterator[None]:
    """Within the block, a scenario file is loaded once: later runs take the code loaded
    first without asking the OS whether the file changed. An exploration runs one file
    thousands of times, and explores one version of it."""
    global _pinned
    outer = _pinned
    if outer is None:
        _pinned = {}
    try:
        yield
    finally:
        _pinned = outer


def load_scenario(path: "str | os.PathLike[str]", memory: bool = False,
                  switches: bool = False) -> Any:
    """The compiled code of a scenario file, or :class:`ScenarioError` saying what is wrong.
    With ``memory``, its reads and writes of shared state call the instrument's hooks; with
    ``switches`` too, so do the GIL build's switch points."""
    path = os.fspath(path)
    if _pinned is not None:
        code = _pinned.get((path, memory, switches))
        if code is None:
            code = _pinned[path, memory, switches] = _load(path, memory, switches)
        return code
    return _load(path, memory, switches)


def _load(path: str, memory: bool, switches: bool) -> Any:
    try:
        stat = os.stat(path)
        cache_key = (path, stat.st_size, stat.st_mtime_ns, memory, switches)
        if cache_key in _compiled:
            return _compiled[cache_key]
        with open(path, "rb") as f:
            source = f.read()
    except FileNotFoundError:
        raise ScenarioError(f"no such scenario file: {path}") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path} is a directory, not a scenario file") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror}") from None
    try:
        code = compile(source, path, "exec", dont_inherit=True)
        if memory:
            code = compile_instrumented(decode_source(source), path, switches)
    except SyntaxError as exc:
        where = f"{path}, line {exc.lineno}" if exc.lineno else path
        text = f"\n    {exc.text.rstrip()}" if exc.text else ""
        raise ScenarioError(f"the scenario has a syntax error ({where}): {exc.msg}{text}") from None
    except ValueError as exc:  # e.g. null bytes
        raise ScenarioError(f"the scenario cannot be compiled: {exc}") from None
    if len(_compiled) > 32:
        _compiled.clear()
    _compiled[cache_key] = code
    return code


#: A scenario's folder, by its path (and the directory a relative path is relative to): an
#: exploration runs the same file again and again, and os.path.abspath asks the OS each time.
_folders: dict[Any, str] = {}


def _folder(path: str) -> str:
    key = path if os.path.isabs(path) else (os.getcwd(), path)
    folder = _folders.get(key)
    if folder is None:
        if len(_folders) > 32:
            _folders.clear()
        folder = _folders[key] = os.path.dirname(os.path.abspath(path))
    return folder


Check = Union[str, Callable[[], Any], None]


def run(program: Program, *, seed: int = 0, schedule: Optional[str] = None,
        strategy: Optional[Strategy] = None, profile: "str | CostProfile" = "tutorial-2017",
        until: Optional[float] = None, spin_timeout: float = 10.0, memory: bool = False,
        semantics: Optional[str] = None, switch_points: Optional[str] = None,
        check: Check = None, max_steps: int = 10_000,
        trace_listener: Optional[Callable[[TraceEvent], None]] = None,
        echo: Optional[TextIO] = None, echo_err: Optional[TextIO] = None,
        trace: bool = True, timeline: bool = False) -> RunResult:
    """Run ``program`` (a scenario path, or a callable run as the main thread) once.

    ``seed`` picks the schedule (and the program's ``random`` numbers); ``schedule`` (a token
    from an earlier run) replays one exactly instead. ``until`` stops the run at that simulated
    time. ``echo``/``echo_err`` receive the program's output as it is written. ``memory`` (a
    scenario file only) puts its reads and writes of shared state on the trace.

    ``semantics`` is ``"timed"`` (the default) or ``"untimed"`` (every visible operation a step;
    a scenario's reads and writes of shared state are steps too; ``max_steps`` bounds a run). A
    token carries its own. ``switch_points`` (untimed only) is where a thread may be switched
    out: ``"any"`` visible operation (the default: the free-threaded build), or ``"gil"``, only
    where the GIL build of CPython 3.10 to 3.13 can drop the GIL. ``check`` is the invariant: an
    expression evaluated in the scenario's namespace, or a callable, after the run; false or
    raising AssertionError is a failure. A scenario that defines ``check()`` is checked with it
    by default.

    ``trace=False`` keeps no trace (and no file:line of blocked threads): faster, for the many
    executions of an exploration that nobody will read. ``timeline=True`` also puts on the
    trace how the threads were scheduled (who blocked on what, became ready, ran: see
    :mod:`simconc.analysis.intervals`), which a timeline draws.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if maybe_current_world() is not None:
        raise SimconcError("simconc.run() was called inside a simulated execution; simulations "
                           "cannot be nested: run the inner program on its own")
    if schedule is not None:
        from_token = token_semantics(schedule)
        if semantics is not None and semantics != from_token:
            raise BadToken(f"the schedule token was recorded under {from_token} semantics, "
                           f"not {semantics}")
        semantics = from_token
        token_switches = token_switch_points(schedule)
        if switch_points is not None and switch_points != token_switches:
            raise BadToken(f"the schedule token was recorded with switch points "
                           f"{token_switches!r}, not {switch_points!r}")
        switch_points = token_switches
    semantics = semantics or "timed"
    if semantics not in ("timed", "untimed"):
        raise ValueError(f"semantics must be 'timed' or 'untimed', not {semantics!r}")
    untimed = semantics == "untimed"
    switch_points = switch_points_named(switch_points or "any")
    if switch_points != "any" and not untimed:
        raise ValueError("switch points are chosen under untimed semantics: a timed run's GIL "
                         "model decides where threads switch")
    if strategy is None:
        strategy = ReplayStrategy(decode_token(schedule)) if schedule is not None \
            else RandomStrategy(seed)
    if callable(program):
        code, path = None, None
        body: Callable[[], Any] = program
    else:
        path = os.fspath(program)
        memory = memory or untimed
        code = load_scenario(path, memory, switches=switch_points == "gil")
    world = World(strategy, semantics=Stepped(max_steps, switch_points) if untimed
                  else Timed(profile, until))
    world.tracing = trace
    world.timeline = timeline and trace
    if trace_listener is not None:
        world.trace.listeners.append(trace_listener)
    out, err = _Capture(echo, world), _Capture(echo_err, world)
    modules = fresh_modules()
    world.interpreters[0].face = FaceState(modules)
    namespace: dict[str, Any] = {}
    exit_code = 0
    main_exc: list[ExceptionInfo] = []

    def main() -> None:
        nonlocal exit_code
        threading_face = modules["threading"]
        main_face = threading_face._MainThread()
        main_face._attach(world.current_thread())
        world.current_thread().face = main_face
        try:
            if code is not None:
                namespace.update({"__name__": "__main__", "__file__": path,
                                  "__builtins__": builtins, "__doc__": None})
                if memory:
                    record = world.record_access if trace else None
                    namespace.update(hooks(record, namespace, world.access,
                                           switch=world.switch_point,
                                           body_thread=lambda: world.current is world.main,
                                           alone=lambda: len(world.threads) == 1))
                exec(code, namespace)
            else:
                body()
        except SystemExit as exc:
            exit_code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                sys.stderr.write(f"{exc.code}\n")
        except BaseException as exc:
            if isinstance(exc, (SimconcError, GreenletExit)):
                raise
            sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))
            main_exc.append(ExceptionInfo("MainThread", world.now, type(exc).__name__,
                                          str(exc)))

    atexit_handlers: list = []

    def run_atexit_handlers() -> None:
        # As the interpreter does at exit: last registered first, errors reported and ignored.
        while atexit_handlers:
            func, args, kwargs = atexit_handlers.pop()
            try:
                func(*args, **kwargs)
            except BaseException as exc:
                if isinstance(exc, (SimconcError, GreenletExit)):
                    raise
                sys.stderr.write(f"Exception ignored in atexit callback: {func!r}\n")
                sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))

    world.interpreters[0].exit_hooks.append(run_atexit_handlers)
    saved_out, saved_err = sys.stdout, sys.stderr
    saved_argv, saved_path = sys.argv, sys.path[:]
    # (threading.settrace_all_threads sets the real interpreter's hooks: the run's own)
    saved_trace, saved_profile = sys.gettrace(), sys.getprofile()
    fatal: Optional[BaseException] = None
    try:
        if path is not None:  # as `python FILE` does: argv[0] is the script, its folder on path
            sys.argv = [path]
            sys.path.insert(0, _folder(path))
        with simulated_modules(modules, atexit_handlers), spin_watchdog(world, spin_timeout):
            sys.stdout, sys.stderr = out, err
            try:
                world.run(main)
            except SimconcError as exc:
                fatal = exc
            finally:
                # Read the world before tearing it down: teardown unwinds the stuck threads.
                finished = world.finished
                limit_hit = world.stopped_at_limit
                stuck = None if finished or limit_hit or fatal is not None \
                    else stuck_state(world, variable_names(namespace))
                world.teardown()
            check_failure = None
            if fatal is None and finished:
                sys.stdout, sys.stderr = out, err
                check_failure = _check(check, namespace, code is not None)
    finally:
        sys.stdout, sys.stderr = saved_out, saved_err
        sys.argv, sys.path[:] = saved_argv, saved_path
        if sys.gettrace() is not saved_trace:
            sys.settrace(saved_trace)
        if sys.getprofile() is not saved_profile:
            sys.setprofile(saved_profile)

    if isinstance(fatal, (BadToken, ScheduleMismatch)):
        raise fatal
    exceptions = main_exc + [
        ExceptionInfo(*exception) for exception in face_state(world).thread_exceptions]
    exceptions.sort(key=lambda e: e.time)
    deadlock = report(stuck)  # out here: building it imports networkx, which must see real modules
    if fatal is not None:
        status = "error"
    elif not finished:
        status = "limit" if limit_hit else "deadlock"
    elif exceptions or exit_code:
        status = "error"
    elif check_failure is not None:
        status = "check"
    else:
        status = "ok"
    result = RunResult(
        stdout=out.getvalue(), stderr=err.getvalue(),
        seed=seed if schedule is None else None, scheduler=world.scheduler,
        elapsed=world.now, status=status, deadlock=deadlock, exceptions=exceptions,
        threads=len(world.threads), profile=world.profile.name, trace=world.trace,
        error=str(fatal) if fatal is not None else None, exit_code=exit_code,
        namespace=namespace, semantics=semantics, switch_points=switch_points,
        check_failure=check_failure)
    world.dispose()
    return result


def _check(check: Check, namespace: dict, scenario: bool) -> Optional[str]:
    """Why the invariant failed, or None if it held. ``check`` is an expression to evaluate in the
    scenario's namespace, a callable, or None: then the scenario's own ``check()``, if any."""
    if check is None and scenario and callable(namespace.get("check")):
        check = namespace["check"]
    if check is None:
        return None
    try:
        if isinstance(check, str):
            ok = eval(check, namespace)
            return None if ok else f"check failed: {check}"
        ok = check()
    except AssertionError as exc:
        return f"check failed: {exc}" if str(exc) else "check failed (AssertionError)"
    except Exception as exc:
        return f"check raised {type(exc).__name__}: {exc}"
    if ok is False:
        return "check failed: check() returned False"
    return None
