"""A simulated process's life: its start as a new interpreter of the world, and its end.

``start_forked`` starts a child as ``fork()`` does: its memory is a copy of its parent's
(``fork.py``), and its main thread goes straight to the process object's ``_bootstrap``.
``start_spawned`` starts one as ``spawn`` (and ``forkserver``) do: a fresh interpreter that
runs the program's main module afresh, as ``__mp_main__``, then unpickles the process object
its parent pickled; a program that starts a process outside its ``if __name__ == "__main__":``
guard fails there, with CPython's RuntimeError. Either way the child is an interpreter with its
own GIL and main thread, on the machine's cores; when its main thread is done it waits for its
non-daemon threads, and its end wakes whoever waits on its sentinel.
"""
from __future__ import annotations

import contextvars
import copy
import errno
import importlib
import io
import itertools
import os
import sys
import types
import weakref
from typing import Any, Callable, Optional

from greenlet import GreenletExit  # type: ignore[import-untyped]

from ..kernel import SimconcError, World, current_world
from ..kernel.interpreter import Interpreter
from ..kernel.world import ABSENT
from . import fresh_modules, mp_pipes, real_state, sockets
from ._traceback import format_user_exception
from .finalizers import copies_finalizable, end_objects
from .fork import Fork
from .module_loggers import logger_globals, own_loggers
from .processes import MAIN_PID, ProcessState, Sentinel
from .program_modules import OWN_IMPORTS, owned_modules, program_modules
from .state import FaceState
from .unraisable import ignored_in, write_unraisable


def start_forked(process_obj: Any) -> tuple[Interpreter, ProcessState]:
    """Start ``process_obj`` (a ``multiprocessing.process.BaseProcess``) in a new interpreter
    forked from the running one."""
    world = current_world()
    mp_pipes.check_alive(world)
    parent = world.current_interpreter()
    _prepare_parent(world)
    parent_state: FaceState = parent.face
    _call_hooks(parent_state.at_fork.get("before", ())[::-1])   # (last registered first)
    try:
        child, state, main, name = _fork(world, parent, parent_state, process_obj)
    except Exception:
        # (CPython's os.fork runs them when fork() fails too: a before hook took a lock that
        # an after hook releases)
        _call_hooks(parent_state.at_fork.get("parent", ()))
        raise
    _launch(world, child, state, main, name)
    _call_hooks(parent_state.at_fork.get("parent", ()))
    return child, state.process


def _fork(world: World, parent: Interpreter, parent_state: FaceState,
          process_obj: Any) -> tuple[Interpreter, FaceState, Callable[[], None], str]:
    """The child of ``start_forked``, with a copy of its parent's memory, and its main
    thread's code; not started yet."""
    world.cpu(world.profile.process_start)
    program_modules(world)(world.running)   # (what the parent imported since it last ran)
    child, state = _new_child(world, parent, process_obj.name,
                              FaceState(_child_modules(parent_state)))
    fork = Fork(parent_state, state, child.prefix, owned_modules(world))
    logger_globals(world)   # (their values copied below: the child's copies of its loggers)
    executor_globals(world)
    obj = fork.copy(process_obj)
    child.globals = [fork.copy(namespace.get(name, ABSENT))
                     for namespace, name in world.interpreter_globals]
    _own_environment(world, child.globals, copied=True)
    child.contents = [fork.copy(dict(d)) for d in world.interpreter_contents]
    state.at_fork = fork.copy(parent_state.at_fork)
    state.signals = fork.copy(parent_state.signals)   # (a fork keeps its parent's handlers)
    state.gc_enabled = parent_state.gc_enabled
    # (threading's atexit calls: a fork copies threading._threading_atexits)
    state.thread_atexits = [fork.copy_or_share(call) for call in parent_state.thread_atexits]
    child.shutdown_hooks = list(parent.shutdown_hooks)
    state.real = real_state.current(copy=fork.copy)
    mp_pipes.own_connections(fork.memo.values(), state)   # (its copies of its parent's)
    state.finalizable = copies_finalizable(fork.memo)
    state.finalizers = parent_state.finalizers
    state.programs_finalize = parent_state.programs_finalize
    state.shared = fork.shared
    # A child's at-fork hooks reinitialise the child's copy of its parent's state: only those
    # of what the fork copied run (logging's, its copy's; a module the fork did not copy would
    # reset its parent's state, which the child shares)
    copies = {id(value) for value in fork.memo.values()}
    child_hooks = [hook for hook in state.at_fork.get("child", ())
                   if id(getattr(hook, "__self__", None)) in copies
                   or id(getattr(hook, "__globals__", None)) in copies]
    parent_sentinel = parent_state.process.sentinel
    # (the forking thread's context variables: its thread goes on in the child, the task's
    # context in force where a coroutine forked)
    context = fork.copy(contextvars.copy_context())
    forking = _forking_thread(world, fork)
    state.forked_from = world.current_thread()

    def main() -> None:
        me = forking.go_on(world, state)
        _call_hooks(child_hooks)
        if _EXIT_FUNCTIONS_RUN:   # (3.13's popen_fork: atexit cleared, util's registered)
            state.atexit = [(sys.modules["multiprocessing.util"]._exit_function, (), {})]
        code = 1
        try:
            code = obj._bootstrap(parent_sentinel=parent_sentinel)
        except BaseException as exc:
            if _simconcs(exc, world):
                raise
            # (out of its threading._shutdown: popen_fork's os._exit(code), in a finally,
            # loses it, and the child ends with the status it started with)
        finally:
            if _EXIT_FUNCTIONS_RUN and not me.killed:
                _run_exit_functions(state)
        if not me.killed:   # (a killed process's code is its signal's, set by kill())
            state.process.exitcode = _status(code)
            # (popen_fork's os._exit: a thread _bootstrap did not wait for, because its
            # threading._shutdown raised first, ends with the process, at once)
            world.end_interpreter(child)

    return child, state, lambda: context.run(main), forking.name


def start_spawned(process_obj: Any, popen: Any) -> tuple[Interpreter, ProcessState]:
    """Start ``process_obj`` as ``spawn`` and ``forkserver`` do (see the module's docstring)."""
    from multiprocessing import context, reduction, spawn
    world = current_world()
    mp_pipes.check_alive(world)
    parent = world.current_interpreter()
    # (raises in a child still running its main module: CPython's RuntimeError)
    preparation = spawn.get_preparation_data(process_obj._name)
    stream = io.BytesIO()
    context.set_spawning_popen(popen)
    try:
        reduction.dump(preparation, stream)
        reduction.dump(process_obj, stream)
    finally:
        context.set_spawning_popen(None)
    data = stream.getvalue()
    _prepare_parent(world)
    program_modules(world)(world.running)
    parent_state: FaceState = parent.face
    child, state = _new_child(world, parent, process_obj.name, FaceState(fresh_modules()))
    state.run_main = parent_state.run_main
    state.finalizers = parent_state.finalizers
    state.programs_finalize = parent_state.programs_finalize
    state.streams = parent_state.streams
    state.real = real_state.fresh()
    loggers = logger_globals(world)   # (the parent's, until the child's logging is imported)
    executor_globals(world)
    # (the program's modules none: a fresh interpreter imports them afresh)
    child.globals = [ABSENT if namespace is sys.modules and name not in ("__main__", "__mp_main__")
                     else fresh_value(name, namespace.get(name, ABSENT))
                     for namespace, name in world.interpreter_globals]
    _own_environment(world, child.globals, copied=False)
    child.contents = [{} for _ in world.interpreter_contents]
    parent_sentinel = parent_state.process.sentinel

    def main() -> None:
        me = _ForkingThread(None, [], None).go_on(world, state)
        # (a fresh interpreter's multiprocessing.util registers its exit function as it is
        # imported; up to 3.12 _bootstrap calls it too, and it runs once)
        state.atexit = [(sys.modules["multiprocessing.util"]._exit_function, (), {})]
        world.cpu(world.profile.spawn_start)   # (a new interpreter starts, and imports)
        own_loggers(world, loggers)
        process = sys.modules["multiprocessing.process"]
        process.current_process()._inheriting = True
        try:
            received = io.BytesIO(data)
            _prepare(reduction.pickle.load(received), state)   # type: ignore[attr-defined]
            obj = reduction.pickle.load(received)   # type: ignore[attr-defined]
        except BaseException as exc:
            if isinstance(exc, (GreenletExit, SimconcError)):
                raise
            # (as CPython's spawned child does: the traceback, and exit code 1)
            sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))
            state.process.exitcode = 1
            return
        finally:
            vars(process.current_process()).pop("_inheriting", None)
        try:
            code = obj._bootstrap(parent_sentinel=parent_sentinel)
        except BaseException as exc:
            if _simconcs(exc, world):
                raise
            # (out of its threading._shutdown and spawn_main: the interpreter reports it)
            sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))
            code = 1
        finally:
            if not me.killed:   # (spawn_main's sys.exit: the interpreter's exit)
                _run_exit_functions(state)
                end_objects(state, finalizing=True)
        if not me.killed:
            state.process.exitcode = _status(code)

    _launch(world, child, state, main)
    return child, state.process


#: A forked child runs its atexit functions at its end from Python 3.13 on (before, popen_fork
#: ended it with os._exit, and _bootstrap called multiprocessing's exit function itself).
_EXIT_FUNCTIONS_RUN = sys.version_info >= (3, 13)


def _run_exit_functions(state: FaceState) -> None:
    """A child process's atexit functions, last registered first, as the interpreter runs
    them at exit: an exception is reported and the next one runs."""
    while state.atexit:
        func, args, kwargs = state.atexit.pop()
        try:
            func(*args, **kwargs)
        except GreenletExit:
            raise
        except Exception as exc:
            write_unraisable(exc, *ignored_in("atexit callback", func))


def _prepare_parent(world: World) -> None:
    """What the first start of a run sets up in the parent."""
    # (imported now, in the parent, whose registries it has from now on: a child's _bootstrap
    # imports it, and one first imported there would be every process's)
    util = importlib.import_module("multiprocessing.util")
    # (a real child gives its stdin up for /dev/null; here that stdin is simconc's own)
    util._close_stdin = _keep_stdin   # type: ignore[attr-defined]
    if not world.interpreter_globals:
        # (only the parent runs yet: the namespaces hold its values)
        world.interpreter_globals = interpreter_globals()
        world.interpreter_contents = [util._finalizer_registry]
    real_state.own_real_state(world)
    state = world.current_interpreter().face
    if state.process is None:
        state.process = ProcessState(Sentinel(world.current_interpreter()))


def _new_child(world: World, parent: Interpreter, name: str,
               state: FaceState) -> tuple[Interpreter, FaceState]:
    child = world.add_interpreter()
    child.parent = parent
    child.pid = MAIN_PID + child.number
    child.prefix = f"{name}/"
    state.process = ProcessState(Sentinel(child))
    child.face = state
    return child, state


def _simconcs(exc: BaseException, world: World) -> bool:
    """Whether ``exc`` is simconc's, not the program's: a thread's unwinding, a refusal."""
    return isinstance(exc, (GreenletExit, SimconcError)) or exc is world.fatal


def _status(code: int) -> int:
    """What a parent's wait sees of the status its child's ``_bootstrap`` returned, which
    ``os._exit`` gives the OS: its low byte (``sys.exit(300)`` is 44, ``sys.exit(True)`` 1)."""
    return int(code) & 0xFF


class _ForkingThread:
    """What a child's main thread is of the thread that started it: CPython's forked child
    goes on in the thread that called ``fork()``, with its ident, its ``threading.Thread``
    object (the child's copy: its name, ``current_thread()`` and ``main_thread()``) and the
    locks it held; a spawned child's is a new ``MainThread``."""

    def __init__(self, ident: Optional[int], held: list, face: Any,
                 name: str = "MainThread") -> None:
        self.ident = ident
        self.held = held
        self.face = face
        self.name = name

    def go_on(self, world: World, state: FaceState) -> Any:
        """The running thread, the child's main one, becomes it."""
        me = world.current_thread()
        if self.ident is not None:
            me.program_ident = self.ident
        face = self.face
        if face is None:
            face = state.modules["threading"]._MainThread()
            face._name = self.name
        face._sim_attach(me)
        for lock in self.held:
            lock._owner = me
            me.held.append(lock)
        return me


def _forking_thread(world: World, fork: Fork) -> _ForkingThread:
    """The running thread, as the child about to be forked has it (see _ForkingThread)."""
    thread = world.current_thread()
    name = thread.face._name if thread.face is not None else "MainThread"
    try:
        face = fork.copy(thread.face)
    except (TypeError, copy.Error):
        # (what it runs holds what cannot be copied, where a real fork copies everything:
        # the child gets a new object by the thread's name)
        face = None
    return _ForkingThread(thread.program_ident, [
        fork.memo[id(lock)] for lock in thread.held if id(lock) in fork.memo], face, name)


def _launch(world: World, child: Interpreter, state: FaceState,
            main: Callable[[], None], main_name: str = "MainThread") -> None:
    name = child.prefix.rstrip("/")

    def ended() -> None:
        if state.process.exitcode is None:
            state.process.exitcode = 1
        world.point(mp_pipes.PIPES, "w")   # (its end is seen by a wait on its sentinel)
        world.record(world.current, "exit-process", name, None, None, mp_pipes.PIPES,
                     detail=f"exit code {state.process.exitcode}")
        _ended(world, child, state.process)

    child.exit_hooks.append(ended)
    world.start_interpreter(child, main, main_name)


def _child_modules(parent: FaceState) -> dict[str, types.ModuleType]:
    """A forked child's copies of the face's modules: its parent's names (a program's
    ``threading.excepthook = f`` stays), and its own thread registry."""
    fresh = fresh_modules()
    for name, module in fresh.items():
        theirs = parent.modules.get(name)
        if theirs is None:
            continue
        own: dict[str, Any] = {key: vars(module)[key] for key in ("_active", "_dangling")
                               if key in vars(module)}
        vars(module).update(vars(theirs))
        vars(module).update(own)
    return fresh


def interpreter_globals() -> list[tuple[dict, str]]:
    """The module globals each simulated process has its own value of."""
    # (a manager's server process sets its sys.stdout back to sys.__stdout__: its own)
    pairs: list[tuple[dict, str]] = [(sys.modules, "__main__"), (sys.modules, "__mp_main__"),
                                     (vars(sys), "stdout"),
                                     (vars(sys), "stderr"), (vars(sys), "path"),
                                     (vars(sys), "argv"), (vars(sys), "excepthook")]
    process = sys.modules.get("multiprocessing.process")
    if process is not None:
        pairs += [(vars(process), name) for name in (
            "_current_process", "_parent_process", "_children", "_process_counter")]
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        pairs += [(vars(util), name) for name in (
            "_afterfork_registry", "_afterfork_counter", "_finalizer_counter", "_exiting",
            "_logger", "_log_to_stderr")]
    context = sys.modules.get("multiprocessing.context")
    if context is not None:
        pairs.append((vars(context._default_context), "_actual_context"))
    pairs += [(vars(os), name) for name in _ENVIRONMENT]
    pairs += [(sys.modules, name) for name in OWN_IMPORTS]
    return pairs


#: What concurrent.futures keeps of a process's executors: each process's own. (A forked
#: child's threading._shutdown runs their _python_exit, on its copies, as for real: it must not
#: shut its parent's executors down.)
_EXECUTOR_GLOBALS = (
    ("concurrent.futures.thread", ("_shutdown", "_threads_queues", "_global_shutdown_lock")),
    ("concurrent.futures.process", ("_global_shutdown", "_threads_wakeups",
                                    "_global_shutdown_lock")))


def executor_globals(world: World) -> None:
    """Make the globals of ``_EXECUTOR_GLOBALS`` interpreter globals, as their modules are
    imported (in every process but the running one, they keep the value there is now)."""
    known = {(id(namespace), name) for namespace, name in world.interpreter_globals}
    for module_name, names in _EXECUTOR_GLOBALS:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        namespace = vars(module)
        for name in names:
            if name in namespace and (id(namespace), name) not in known:
                world.add_interpreter_global(namespace, name, namespace[name])


#: What a process has of its own environment in the os module (see _own_environment).
_ENVIRONMENT = ("environ", "environb", "putenv", "unsetenv")


def _own_environment(world: World, values: list, copied: bool) -> None:
    """A child's environment (in ``values``, its interpreter globals): a copy of its parent's
    as it starts (``copied``: the fork copied it already), which it changes alone. Its
    ``os.putenv`` and ``os.unsetenv`` check their arguments and change nothing else: all
    processes are one real one, whose C environment is the main process's."""
    at = {name: i for i, (namespace, name) in enumerate(world.interpreter_globals)
          if namespace is vars(os) and name in _ENVIRONMENT}
    if not copied:   # (both on one copy of the data, as os makes environb on environ's)
        data = dict(values[at["environ"]]._data)
        for name in ("environ", "environb"):
            if name in at and values[at[name]] is not ABSENT:
                mapping = values[at[name]] = copy.copy(values[at[name]])
                mapping._data = data
    values[at["putenv"]], values[at["unsetenv"]] = _putenv, _unsetenv


def _putenv(name: Any, value: Any) -> None:
    """``os.putenv`` in a child process: CPython's checks, and nothing to change."""
    name, value = os.fsencode(name), os.fsencode(value)
    if b"\0" in name or b"\0" in value:
        raise ValueError("embedded null byte")
    if b"=" in name:
        raise ValueError("illegal environment variable name")
    if not name:   # (setenv's EINVAL)
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))


def _unsetenv(name: Any) -> None:
    """``os.unsetenv`` in a child process: CPython's checks, and nothing to change."""
    name = os.fsencode(name)
    if b"\0" in name:
        raise ValueError("embedded null byte")
    if not name or b"=" in name:   # (unsetenv's EINVAL)
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))


_putenv.__name__ = _putenv.__qualname__ = "putenv"
_unsetenv.__name__ = _unsetenv.__qualname__ = "unsetenv"


def fresh_value(name: str, value: Any) -> Any:
    """What a fresh interpreter has in the interpreter global ``name`` (``value``: what the
    running one has): a run's main process (its own process object, named MainProcess, its
    children counted from 1) and a spawned child start from these."""
    if name == "__main__":
        return types.ModuleType("__main__")
    if name == "__mp_main__":
        return ABSENT
    if name == "_current_process":
        main = type(value)()   # (a _MainProcess: the module deletes the class's name)
        # (deterministic: a spawned child's comes from its parent, in _prepare)
        main._config["authkey"] = type(main._config["authkey"])(b"simconc" * 4)
        return main
    if name in ("_parent_process", "_actual_context"):
        return None
    if name == "_children":
        return set()
    if name in ("_process_counter", "_afterfork_counter", "_finalizer_counter"):
        return itertools.count(1 if name == "_process_counter" else 0)
    if name == "_afterfork_registry":
        return weakref.WeakValueDictionary()
    if name in ("_exiting", "_log_to_stderr", "_shutdown", "_global_shutdown"):
        return False
    if name in ("_threads_queues", "_threads_wakeups"):
        return weakref.WeakKeyDictionary()
    if name == "_logger":
        return None
    if name in ("path", "argv"):   # (sys's: spawn's preparation data has its parent's)
        return list(value)
    if name == "excepthook":
        return sys.__excepthook__
    return value   # (sys.stdout, sys.stderr: the run's)


def _prepare(data: dict, state: FaceState) -> None:
    """``multiprocessing.spawn.prepare`` for a simulated child: its name, authkey, start
    method and multiprocessing's logger, and its main module run afresh as ``__mp_main__``
    (its ``sys.path`` and ``sys.argv`` are copies of its parent's already, interpreter globals,
    and its working directory is its parent's: ``real_state.fresh``)."""
    from multiprocessing import process, spawn
    current = process.current_process()
    if "name" in data:
        current.name = data["name"]
    if "authkey" in data:
        current.authkey = data["authkey"]
    if "start_method" in data:
        spawn.set_start_method(data["start_method"], force=True)   # type: ignore[attr-defined]
    # (multiprocessing's logger, as its parent had it: a spawned child's logging is its own)
    util = sys.modules["multiprocessing.util"]
    if data.get("log_to_stderr"):
        util.log_to_stderr()
    if "log_level" in data:
        util.get_logger().setLevel(data["log_level"])
    if state.run_main is not None:
        module = state.run_main("__mp_main__", process.current_process().name + "/")
        sys.modules["__main__"] = sys.modules["__mp_main__"] = state.main = module


def _call_hooks(hooks: Any) -> None:
    """``os.register_at_fork``'s hooks, as CPython calls them: an exception is reported as
    unraisable (as its default hook prints it), and the fork goes on."""
    for hook in hooks:
        try:
            hook()
        except GreenletExit:
            raise
        except Exception as exc:
            write_unraisable(exc, None, hook)


def _keep_stdin() -> None:
    """``multiprocessing.util._close_stdin`` in a simulated child: stdin is not the child's."""


def _ended(world: World, interpreter: Interpreter, process: ProcessState) -> None:
    """``interpreter``'s process has ended: its other threads end with it (``os._exit``), its
    descriptors are closed, which wakes whoever waits for its sentinel, and then it is gone.

    Gone (its parent's ``waitpid`` finds it ended, ``is_alive()`` is False) only the
    profile's ``process_exit`` later, on the simulated clock: Linux closes a dying process's
    descriptors before it has torn the rest down, and CPython's parent woken by the sentinel
    finds it still alive more often than not. Untimed, it is gone at once (an exploration does
    not explore that window)."""
    world.end_interpreter(interpreter)
    end_objects(interpreter.face, finalizing=False)   # (unless its exit finalized them)
    process.sentinel.ended = True
    mp_pipes.close_listeners(world, interpreter)
    mp_pipes.close_connections(interpreter.face)
    sockets.close_sockets(world, interpreter)
    waiting = mp_pipes.waiting(world)
    waiting.unpark_all()

    def gone() -> None:
        process.gone = True
        waiting.unpark_all()
    profile = world.profile
    world.later(world.jittered(profile.process_exit, profile.process_exit_jitter), gone)


def kill(world: World, interpreter: Interpreter, exitcode: int) -> None:
    """The process dies of a signal (``Process.terminate()``/``kill()``, once it has come:
    ``signals``) or ``os._exit``: it ends at once with ``exitcode``."""
    process: ProcessState = interpreter.face.process
    if process.sentinel.ended:
        return
    process.exitcode = exitcode
    world.point(mp_pipes.PIPES, "w")
    world.record(world.current, "kill", interpreter.prefix.rstrip("/"), None, 0, mp_pipes.PIPES,
                 detail=f"exit code {exitcode}")
    _ended(world, interpreter, process)


def exit_process(world: World, status: int) -> None:
    """``os._exit(status)`` in a simulated child process: it ends there, every thread of it at
    once, with no clean-up (the running thread unwinds silently, its output dropped)."""
    interpreter = world.current_interpreter()
    kill(world, interpreter, status)
    world.current_thread().killed = True
    raise GreenletExit
