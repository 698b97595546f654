"""Running one program once (:func:`run`): a scenario file or a callable, on a fresh world.

Here a program meets the kernel: the run makes a world under the semantics asked for, installs
the stdlib face in place of the real modules, captures what the program prints, runs it as the
simulated main thread, checks its invariant, and turns what the world recorded into a
:class:`RunResult`. It knows nothing of the command line or of exploration.
"""
from __future__ import annotations

import builtins
import functools
import gc
import os
import sys
import types
from typing import Any, Callable, Collection, Optional, TextIO, Union

from greenlet import GreenletExit  # type: ignore[import-untyped]

from ..analysis.deadlock import report, stuck_state, variable_names
from ..instrument.hooks import hooks
from ..instrument.inplace import instrumented_in_place
from ..instrument.ticks import COUNTER, NEXT
from ..kernel import (BadToken, CostProfile, ProgramExit, RandomStrategy, ReplayStrategy,
                     ScheduleMismatch, SimconcError, Stepped, Strategy, Timed, TraceEvent, World,
                     decode_token, maybe_current_world, switch_points_named)
from ..kernel.scheduler import (MAX_STEPS, token_semantics, token_step_limit,
                                token_switch_points)
from ..stdlib import fresh_modules, real_state
from ..stdlib._traceback import SIMCONC_FILES, format_user_exception, record_uncaught
from ..stdlib.unraisable import ignored_in, run_hook, write_unraisable
from ..stdlib.finalizers import defines_finalizer, end_objects, module_defines_finalizer
from ..stdlib.state import FaceState
from .capture import captures
from .loading import folder_of, load_scenario
from .own_modules import programs_test
from .patching import simulated_modules, users_module
from .process_state import ProcessState
from .result import ExceptionInfo, RunResult
from .script import Script, arguments_of
from .interrupt import ctrl_c_stops
from .watchdog import spin_watchdog

Program = Union[str, "os.PathLike[str]", Script, Callable[[], Any]]

Check = Union[str, Callable[[], Any], None]


def _programs_finalize(patched: simulated_modules, is_programs: Callable[[str, Any], bool],
                       ) -> bool:
    """Whether a module of the program's own, first imported in the run, defines a
    finalizer (``FaceState.programs_finalize``)."""
    modules = sys.modules
    return any(is_programs(name, modules[name]) and module_defines_finalizer(modules[name])
               for name in patched.new_modules() if name in modules)


def run(program: Program, *, seed: int = 0, schedule: Optional[str] = None,
        strategy: Optional[Strategy] = None, profile: "str | CostProfile" = "tutorial-2017",
        until: Optional[float] = None, spin_timeout: float = 10.0, memory: bool = False,
        semantics: Optional[str] = None, switch_points: Optional[str] = None,
        check: Check = None, max_steps: Optional[int] = None,
        trace_listener: Optional[Callable[[TraceEvent], None]] = None,
        echo: Optional[TextIO] = None, echo_err: Optional[TextIO] = None,
        trace: bool = True, timeline: bool = False, gil: bool = True,
        trace_ops: Collection[str] = (),
        at_end: Optional[Callable[[World], None]] = None) -> RunResult:
    """Run ``program`` (a scenario path, or a callable run as the main thread) once.

    ``seed`` picks the schedule (and the program's ``random`` numbers); ``schedule`` (a token
    from an earlier run) replays one exactly instead. ``until`` stops the run at that simulated
    time. ``echo``/``echo_err`` receive the program's output as it is written. ``memory`` (a
    scenario file only) puts its reads and writes of shared state on the trace.

    ``semantics`` is ``"timed"`` (the default) or ``"untimed"`` (every visible operation a step;
    a scenario's reads and writes of shared state are steps too; ``max_steps`` bounds a run:
    10,000 steps unless a token keeps another). A token carries its own. ``switch_points``
    (untimed only) is where a thread may be switched out: ``"any"`` visible operation (the default: the free-threaded build), or ``"gil"``, only
    where the GIL build of CPython 3.10 to 3.13 can drop the GIL. ``check`` is the invariant: an
    expression evaluated in the scenario's namespace, or a callable, after the run; false or
    raising AssertionError is a failure. A scenario that defines ``check()`` is checked with it
    by default.

    ``gil=False`` runs the free-threaded build of CPython (3.13t): no GIL, so threads compute
    at once on the machine's cores (under untimed semantics, where the GIL build's switch points
    would contradict it, it is ``switch_points="any"``, the default).

    ``trace=False`` keeps no trace (and no file:line of blocked threads): faster, for the many
    executions of an exploration that nobody will read; but the events of the operations named
    in ``trace_ops`` (``{"acquire", "release"}`` for a lock-order graph) are kept all the same. ``timeline=True`` also puts on the
    trace how the threads were scheduled (who blocked on what, became ready, ran: see
    :mod:`simconc.analysis.intervals`), which a timeline draws.

    ``at_end`` is called with the world once the run is over (it ended, no thread can go on, a
    limit or an error stopped it), before the threads left are unwound: what each was doing
    can still be read from it then (their greenlets' frames). It must not run the program.

    A callable's own module (a script's ``main``, not simconc's or the standard library's) runs
    instrumented under untimed semantics, as in an exploration: its reads and writes of shared
    state are steps, and a token an exploration recorded replays here. Its globals are not put
    back (an exploration does that, :mod:`.module_state`): one run is one call of the program,
    and leaves what the call leaves.
    """
    arguments = dict(locals())   # (first: exactly the arguments, for the call below)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    check_arguments(seed=seed, until=until, spin_timeout=spin_timeout, check=check)
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
        # A replay stops where the run stopped (or goes on as far): at the run's step limit
        # (0 too: a stepping session's token before its first step).
        limit = token_step_limit(schedule)
        if limit is not None:
            max_steps = limit
    if max_steps is None:
        max_steps = MAX_STEPS
    semantics = semantics or "timed"
    if semantics not in ("timed", "untimed"):
        raise ValueError(f"semantics must be 'timed' or 'untimed', not {semantics!r}")
    untimed = semantics == "untimed"
    switch_points = switch_points_named(switch_points or "any")
    if switch_points != "any" and not untimed:
        raise ValueError("switch points are chosen under untimed semantics: a timed run's GIL "
                         "model decides where threads switch")
    if not gil and switch_points != "any":
        raise ValueError("the GIL build's switch points (switch_points='gil') and no GIL "
                         "(gil=False) contradict each other")
    own = users_module(program) if untimed and callable(program) else None
    if own is not None and "__simconc__" not in vars(own):
        # (an exploration instruments it once for all its executions: see explore/api.py)
        with instrumented_in_place(own, extra=(program,)):
            return run(**arguments)
    if strategy is None:
        strategy = ReplayStrategy(decode_token(schedule)) if schedule is not None \
            else RandomStrategy(seed)
    world = World(strategy, semantics=Stepped(max_steps, switch_points) if untimed
                  else Timed(profile, until, gil))
    counter = None
    if callable(program):
        code, path = None, None
        body: Callable[[], Any] = program
    else:
        path = os.fspath(program)
        memory = memory or untimed
        # A timed run prices the scenario's own Python (where the profile gives it a cost).
        counter = world.counter
        code = load_scenario(path, memory, switch_points == "gil", counter is not None)
    world.tracing = trace
    world.kept_ops = frozenset(trace_ops)
    world.timeline = timeline and trace
    if trace_listener is not None:
        world.trace.listeners.append(trace_listener)
    out, err = captures(echo, echo_err, world)
    modules = fresh_modules()
    state = world.interpreters[0].face = FaceState(modules)
    # A scenario runs as the module __main__ (pickle finds its functions there, and a child
    # process its copy of them)
    main_module = types.ModuleType("__main__")
    namespace: dict[str, Any] = vars(main_module)
    if code is not None:
        state.main = main_module
    exit_code = 0
    main_exc: list[ExceptionInfo] = []

    def main_namespace(namespace: dict[str, Any], name: str, scope: str = "") -> dict[str, Any]:
        """``namespace`` made ready to run the scenario in as the module ``name`` (``scope``
        tells its globals apart from the main process's, for exploration)."""
        namespace.update({"__name__": name, "__file__": path, "__builtins__": builtins,
                          "__doc__": None})
        if counter is not None:
            namespace.update({COUNTER: counter, NEXT: next})
        if memory:
            record = world.record_access if trace else None
            namespace.update(hooks(record, namespace, world.access, scope=scope,
                                   switch=world.switch_point,
                                   body_thread=lambda: world.current is world.main,
                                   alone=lambda: len(world.threads) == 1))
        return namespace

    def run_main(name: str, scope: str) -> types.ModuleType:
        """The scenario run afresh as the module ``name`` (a spawned process's __mp_main__,
        ``scope`` its process)."""
        module = types.ModuleType(name)
        exec(code, main_namespace(vars(module), name, scope))   # type: ignore[arg-type]
        return module

    if code is not None:
        state.run_main = run_main

    def main() -> None:
        nonlocal exit_code
        threading_face = modules["threading"]
        main_face = threading_face._MainThread()
        main_face._sim_attach(world.current_thread())
        uncaught: Optional[BaseException] = None
        try:
            if code is not None:
                exec(code, main_namespace(namespace, "__main__"))
            else:
                body()
        except SystemExit as exc:
            # (as the OS keeps it: its low byte, sys.exit(-1) is 255, sys.exit(True) 1)
            exit_code = exc.code & 0xFF if isinstance(exc.code, int) \
                else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                sys.stderr.write(f"{exc.code}\n")
        except BaseException as exc:
            if isinstance(exc, (SimconcError, GreenletExit)):
                raise
            uncaught = exc
        if uncaught is not None:   # (out of the except clause: no exception is being handled)
            hook_exit = _print_uncaught(uncaught, saved_process.excepthook)
            if hook_exit is not None:
                exit_code = hook_exit
            main_exc.append(ExceptionInfo("MainThread", world.now, type(uncaught).__name__,
                                          str(uncaught)))
            record_uncaught(world, world.main, uncaught)

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
                write_unraisable(exc, *ignored_in("atexit callback", func))

    world.interpreters[0].exit_hooks.append(run_atexit_handlers)
    if code is not None:   # (and then, the interpreter's exit finalizes its globals)
        # (explored, only if the program or a module of its own defines a finalizer: a
        # library's object left in a global is finalized when the run drops it, after it)
        state.finalizers = not untimed or defines_finalizer(code)
        state.streams = (out, err)
        world.interpreters[0].exit_hooks.append(lambda: end_objects(state, finalizing=True))
    saved_out, saved_err = sys.stdout, sys.stderr
    saved_argv, saved_path = sys.argv, sys.path[:]
    saved_process = ProcessState()
    saved_main, saved_mp_main = sys.modules["__main__"], sys.modules.get("__mp_main__")
    # (threading.settrace_all_threads sets the real interpreter's hooks: the run's own)
    saved_trace, saved_profile = sys.gettrace(), sys.getprofile()
    # No automatic collection during the run: when the collector runs depends on everything
    # the process allocated before (earlier runs, pytest), and what it frees runs the program's
    # finalizers and weakref callbacks (an executor's, which wakes its workers) at that moment:
    # another run of the same schedule would do something else. (gc.collect() still works.)
    collecting = gc.isenabled()
    if code is not None:   # (the garbage made before the run: not for its exit to collect)
        gc.collect(0)
    gc.disable()
    fatal: Optional[BaseException] = None
    interrupted = False
    try:
        if path is not None:  # as `python FILE` does: argv[0] is the script, its folder on path
            sys.argv = [path, *arguments_of(program)]
            sys.path.insert(0, folder_of(path))
            # (and as multiprocessing names it when imported: its spawned children's
            # objects of the main module's classes are the same classes)
            sys.modules["__main__"] = sys.modules["__mp_main__"] = main_module
        # A callable's module bound threading's names before the run (a script's
        # `import threading` at its top, then simconc.run(main)): they are the face's in it.
        own = users_module(program) if code is None else None
        patched = simulated_modules(modules, atexit_handlers,
                                    own.__name__ if own is not None else None,
                                    world.profile.epoch, fresh_logging=code is not None)
        # (a wrapper's module is the wrapped callable's: the pytest plugin's body, a test's)
        programs = users_module(getattr(program, "__wrapped__", program)) \
            if code is None else None
        state.is_programs = programs_test(lambda: patched.before,
                                         programs.__name__ if programs is not None else None)
        # (not a closure over the state, which would keep it in a cycle)
        state.programs_finalize = functools.partial(_programs_finalize, patched,
                                                    state.is_programs)
        with patched, \
                spin_watchdog(world, spin_timeout), ctrl_c_stops(world):
            sys.stdout, sys.stderr = out, err
            sys.unraisablehook = run_hook(sys.unraisablehook, code is not None)
            if code is not None:   # (ProcessState puts the host's back)
                real_state.fresh_warnings()
            try:
                world.run(main)
            except ProgramExit as exc:   # os._exit(): the program ended there, no clean-up
                exit_code = exc.status
                world.finished = True
            except SimconcError as exc:
                fatal = exc
            except KeyboardInterrupt:   # (Ctrl-C, see interrupt.py: raised on once torn down)
                interrupted = True
                raise
            finally:
                # Read the world before tearing it down: teardown unwinds the stuck threads.
                finished = world.finished
                limit_hit = world.stopped_at_limit
                if untimed and max_steps != MAX_STEPS and (
                        limit_hit or len(world.trace.steps) > MAX_STEPS):
                    # Its replay must stop where it stopped, or go on as far: the token says.
                    world.scheduler.step_limit = max_steps
                stuck = None if finished or limit_hit or fatal is not None or interrupted \
                    else stuck_state(world, variable_names(namespace))
                if at_end is not None:
                    at_end(world)
                # (a process whose end did not come, or did not finalize, never will: the
                # objects the run keeps are not finalized when it drops them)
                for interpreter in world.interpreters:
                    if interpreter.face is not None:
                        end_objects(interpreter.face, finalizing=False)
                # What their finally blocks print is not the program's: CPython never runs them.
                out.muted = err.muted = True
                try:
                    world.teardown()
                finally:
                    out.muted = err.muted = False
                for note in world.notes:
                    err.write(note + "\n")
            check_failure = None
            if fatal is None and finished:
                sys.stdout, sys.stderr = out, err
                check_failure = _check(check, namespace, code is not None)
    finally:
        if collecting:
            gc.enable()
        sys.stdout, sys.stderr = saved_out, saved_err
        sys.argv, sys.path[:] = saved_argv, saved_path
        sys.modules["__main__"] = saved_main
        if saved_mp_main is None:
            sys.modules.pop("__mp_main__", None)
        else:
            sys.modules["__mp_main__"] = saved_mp_main
        saved_process.restore()
        if sys.gettrace() is not saved_trace:
            sys.settrace(saved_trace)
        if sys.getprofile() is not saved_profile:
            sys.setprofile(saved_profile)

    if isinstance(fatal, (BadToken, ScheduleMismatch)):
        raise fatal
    exceptions = main_exc + [
        ExceptionInfo(*exception) for interpreter in world.interpreters
        for exception in interpreter.face.thread_exceptions]
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
        check_failure=check_failure,
        gil=switch_points == "gil" if untimed else gil)
    world.dispose()
    return result


def _print_uncaught(exc: BaseException, hook_before: Any) -> Optional[int]:
    """What the interpreter prints of the main thread's uncaught exception ``exc``: its
    traceback, or, if the program set ``sys.excepthook`` (``hook_before``: the one there was as
    the run began), what that hook does with it, and what the hook raised after CPython's
    ``Error in sys.excepthook:``. The exit code a hook's ``SystemExit`` asks for, if it did."""
    hook = sys.excepthook
    if hook is hook_before or hook is sys.__excepthook__:
        sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))
        return None
    tb = exc.__traceback__   # (from the program's first frame, as CPython passes it)
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(SIMCONC_FILES):
        tb = tb.tb_next
    try:
        hook(type(exc), exc, tb)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as error:
        if isinstance(error, (SimconcError, GreenletExit)):
            raise
        sys.stderr.write("Error in sys.excepthook:\n"
                         + format_user_exception(type(error), error, error.__traceback__)
                         + "\nOriginal exception was:\n"
                         + format_user_exception(type(exc), exc, exc.__traceback__))
    return None


SEEDS = 2 ** 32   # a run's seed is one choice among this many (kernel/world.py)


def check_arguments(seed: Optional[int] = None, until: Optional[float] = None,
                    spin_timeout: Optional[float] = None, check: Check = None) -> None:
    """ValueError, saying what is wrong, for an argument a run cannot take."""
    if seed is not None and not 0 <= seed < SEEDS:
        raise ValueError(f"a seed is from 0 to {SEEDS - 1} (a run's seed is one choice among "
                         f"2**32), not {seed}")
    if until is not None and not until >= 0:
        raise ValueError(f"until is a simulated time, 0 or more, not {until}")
    if spin_timeout is not None and not spin_timeout > 0:
        raise ValueError(f"the spin timeout is the real time a thread may run without blocking "
                         f"before it is stopped: more than 0 seconds, not {spin_timeout}")
    if isinstance(check, str):
        try:
            compile(check, "<check>", "eval")
        except SyntaxError as exc:
            raise ValueError(f"the check {check!r} is not a Python expression: "
                             f"{exc.msg}") from None


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
