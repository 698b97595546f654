"""Swapping the real concurrency modules for the face, for the length of one execution.

Two ways in (DESIGN decision 5): a scenario file imports ``threading`` while it runs and finds
the face in ``sys.modules``; code that imported the real module earlier is caught by the guard on
the real ``_thread`` entry points, so it cannot start a real OS thread unnoticed (the modules the
pytest plugin names, and a callable's own, have their names rebound to the face instead).

Whatever else would escape the simulation (a real process, a native thread through ctypes) or
block it on something real (select) is refused the same way, with an UnsimulatedError where
the program called; ``os._exit`` ends the execution, not simconc (``_SWAPS``). Whatever
happens, everything is put back, and modules first imported during the run are forgotten.
"""
from __future__ import annotations

import _multiprocessing  # type: ignore[import-not-found]
import _posixshmem  # type: ignore[import-not-found]
import _thread
import atexit
import copy
import ctypes
import faulthandler
import gc
import importlib
import importlib.abc
import importlib.machinery
import inspect
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.popen_fork
import multiprocessing.popen_forkserver
import multiprocessing.popen_spawn_posix
import multiprocessing.process
import multiprocessing.resource_tracker
import multiprocessing.reduction
import operator
import os
import platform
import random
import resource
import select
import selectors
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading as _real_threading
import traceback
import types
import uuid
from typing import Any, Callable, Optional, Sequence

from ..kernel.errors import ProgramExit, RealThreadError, UnsimulatedError

try:
    import _posixsubprocess
except ImportError:   # (not on Windows: nothing to guard there)
    _posixsubprocess = None   # type: ignore[assignment]
try:
    import ssl
except ImportError:   # (a Python built without OpenSSL: nothing to guard)
    ssl = None   # type: ignore[assignment]
    tls = None
else:
    from ..stdlib import tls  # type: ignore[assignment]
from ..kernel.world import maybe_current_world
from ..stdlib import FACES
from ..stdlib import addresses, host, mp_pipes, processes, selecting, shm, signals, sockets
from ..stdlib import random as random_face
from ..stdlib.children import fresh_value
from ..stdlib._traceback import hidden, program_traceback
from ..stdlib.refusal import NOT_THE_PROGRAMS, guarded, real_descriptors
from ..stdlib.refusal import refuse as _stop
from .own_modules import forget_programs
from .stale import forward_hidden, forward_stale, run_begins, run_ends


def _refuse(*args: object, **kwargs: object) -> None:
    message = (
        "the simulated program tried to start a real OS thread, through a module that imported "
        "the real threading or _thread before the simulation started. simconc runs threads only "
        "in simulation: import threading (or the module that uses it) inside the program, so "
        "that it gets the simulated module.")
    _stop(RealThreadError(message))


def _refuse_process(*args: object, **kwargs: object) -> None:
    _stop(UnsimulatedError(
        "the simulated program tried to start or become a real process (os.fork, subprocess, "
        "os.system, os.exec* or os.posix_spawn): a real one would run outside the simulation. "
        "simconc simulates processes started with multiprocessing (Process, Pool, "
        "concurrent.futures.ProcessPoolExecutor)."))


def _refuse_affinity(*args: object, **kwargs: object) -> None:
    _stop(UnsimulatedError(
        "the simulated program set a process's cores (os.sched_setaffinity): simconc's "
        "processes run on any of the simulated machine's cores"))


def _refuse_rusage(*args: object, **kwargs: object) -> None:
    _stop(UnsimulatedError(
        "the simulated program asked for its resource usage (resource.getrusage): its memory, "
        "page faults and context switches would be the real process's, which runs every "
        "simulated one. simconc simulates its CPU time: time.process_time(), "
        "time.thread_time(), os.times()"))


def _refuse_signal(*args: object, **kwargs: object) -> None:
    _stop(UnsimulatedError(
        "the simulated program asked for a real signal (signal.pthread_kill, pause, sigwait, "
        "set_wakeup_fd, pthread_sigmask...): it would reach the real process, outside the "
        "simulation. simconc simulates signals sent to a process (os.kill, "
        "Process.terminate and kill, signal.raise_signal, signal.alarm and a one-shot "
        "setitimer) and their handlers (signal.signal), not signals to one thread, masks, "
        "nor waiting for a signal."))


#: Native functions a program could reach through ctypes to start a real thread or process,
#: or to end simconc's own process, behind the simulation's back.
_NATIVE_REFUSED = frozenset((
    "pthread_create", "thrd_create", "clone", "clone3", "fork", "vfork", "_Fork", "system",
    "posix_spawn", "posix_spawnp", "execv", "execve", "execvp", "execvpe", "execl", "execle",
    "execlp", "fexecve", "_exit", "_Exit", "exit", "abort", "PyThread_start_new_thread",
    "PyThread_start_joinable_thread"))


def _cdll_getitem(self: ctypes.CDLL, name_or_ordinal: object) -> object:
    if name_or_ordinal in _NATIVE_REFUSED and maybe_current_world() is not None:
        _stop(UnsimulatedError(
            f"the simulated program looked up the native function {name_or_ordinal!r} through "
            f"ctypes: a real thread or process it started, or an exit, would escape the "
            f"simulation. simconc does not simulate native threads or processes."))
    return _REAL_CDLL_GETITEM(self, name_or_ordinal)   # type: ignore[arg-type]   # (or an int)


_REAL_CDLL_GETITEM = ctypes.CDLL.__getitem__


_ASYNCIO = os.path.join(sysconfig.get_paths()["stdlib"], "asyncio") + os.sep


def _asyncio_caller() -> Optional[types.FrameType]:
    """The frame of asyncio's that called, if asyncio called."""
    frame: Optional[types.FrameType] = sys._getframe(2)
    while frame is not None and not frame.f_code.co_filename.startswith(_ASYNCIO):
        frame = frame.f_back
    return frame


def _refuse_select(*args: object, **kwargs: object) -> None:
    frame = _asyncio_caller()
    if frame is not None:
        _close_unstarted(frame.f_locals.get("self"))
        message = ("asyncio's event loop was given a real selector: it would wait on real "
                   "file descriptors, which would block the simulation. Let asyncio make its "
                   "own loop (asyncio.run, asyncio.new_event_loop()): simconc's wait on "
                   "simulated time.")
        _stop(UnsimulatedError(message))
    _stop(real_descriptors())


def _close_unstarted(loop: object) -> None:
    """Close the coroutines of the tasks a refused loop never started: left for the collector,
    each would warn that it was never awaited, and its task that it was destroyed pending (after
    the run, through the run's logging), which is not the program's fault."""
    for handle in list(getattr(loop, "_ready", ())):
        task = getattr(getattr(handle, "_callback", None), "__self__", None)
        coro = getattr(task, "_coro", None)
        if inspect.iscoroutine(coro) and \
                inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
            coro.close()
            task._log_destroy_pending = False   # type: ignore[union-attr]


def _refuse_network(sock: object, *args: object) -> None:
    _refuse_lookup(args[-1] if args else None)


def _refuse_lookup(host: object = None, *args: object, **kwargs: object) -> None:
    _stop(sockets.real_network(host))


_TRACEBACK_INIT = traceback.TracebackException.__init__


def _program_traceback_init(self: traceback.TracebackException, exc_type: Any, exc_value: Any,
                            exc_traceback: Any, *args: Any, **kwargs: Any) -> None:
    """A traceback the program formats in a run (``traceback.print_exc()`` in its code, or in
    the standard library's on its behalf: a process's ``_bootstrap``, a pool's
    ``RemoteTraceback``, ``logging``) has none of simconc's frames, as CPython's C primitives
    leave none of their own. (simconc's own reports leave them out their way.)"""
    frame: Optional[types.FrameType] = sys._getframe(1)
    while frame is not None and (frame.f_code in _FORMATTING
                                 or frame.f_code.co_filename == traceback.__file__):
        frame = frame.f_back
    if frame is not None and not hidden(frame.f_code):
        exc_traceback = program_traceback(exc_traceback)
    _TRACEBACK_INIT(self, exc_type, exc_value, exc_traceback, *args, **kwargs)


#: The frames between traceback's code and _program_traceback_init's: the guard's, its own.
_FORMATTING = (guarded(len, len).__code__, _program_traceback_init.__code__)


def _selector_select(self: selectors.BaseSelector, timeout: Optional[float] = None) -> Any:
    """A ``selectors`` class's ``select`` in a run: a wait on the simulated sockets it watches
    (or on nothing, for its timeout); refused, as real descriptors are, otherwise, and when it
    is asyncio's loop's (a real selector it was given)."""
    if selecting.watches_simulated(self) and _asyncio_caller() is None:
        return selecting.selector_select(self, timeout)
    _refuse_select()


def _poll_like(method: str) -> Callable[..., Any]:
    """``register``/``unregister`` of the poll-like selectors (poll, epoll) in a run: a
    simulated socket is kept in the selector's map alone (the real poller cannot watch it:
    epoll would refuse its number)."""
    original = vars(selectors._PollLikeSelector)[method]   # type: ignore[attr-defined]
    base = vars(selectors._BaseSelectorImpl)[method]   # type: ignore[attr-defined]

    def stand_in(self: Any, fileobj: Any, *args: Any) -> Any:
        if selecting.fd_of(fileobj) >= sockets.FD_BASE:
            return base(self, fileobj, *args)
        return original(self, fileobj, *args)
    return stand_in


def _poll_like_modify(self: Any, fileobj: Any, events: int, data: Any = None) -> Any:
    if selecting.fd_of(fileobj) >= sockets.FD_BASE:
        return selectors._BaseSelectorImpl.modify(   # type: ignore[attr-defined]
            self, fileobj, events, data)
    return _REAL_POLL_MODIFY(self, fileobj, events, data)


_REAL_POLL_MODIFY = selectors._PollLikeSelector.modify   # type: ignore[attr-defined]


def _exit(status: int) -> None:
    """``os._exit`` in a simulated thread: the execution ends there, as the process would, with
    no clean-up, and the run reports the status (the real one would end simconc itself)."""
    world = maybe_current_world()
    if world is None or world.current is None:
        _REAL_EXIT(status)
    status = operator.index(status)   # (CPython's converter: its TypeError, its OverflowError)
    if not -2 ** 31 <= status < 2 ** 31:
        raise OverflowError("Python int too large to convert to C int")
    world.record(world.current, "os._exit", str(status), skip=0)
    status &= 0xFF   # (what the OS keeps of it, and a parent's wait sees)
    if world.current_interpreter() is not world.interpreters[0]:   # (a child process's)
        from ..stdlib.children import exit_process
        exit_process(world, status)
    world.abort(ProgramExit(status))


_REAL_EXIT = os._exit


def _fatal_signal(signum: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """``faulthandler``'s crash of the process by a fatal signal (``_sigsegv()``, which
    CPython's tests use to crash a pool's worker), in a simulated program: its process dies of
    that signal (exit code ``-signum``), as a real one would; the real one would kill simconc
    and every simulated process with it."""
    def crash(*args: Any, **kwargs: Any) -> None:
        world = maybe_current_world()
        if world is None or world.current is None:
            real(*args, **kwargs)
            return
        world.record(world.current, "signal", signal.Signals(signum).name, skip=0)
        if world.current_interpreter() is not world.interpreters[0]:   # (a child process's)
            from ..stdlib.children import exit_process
            exit_process(world, -signum)
        world.abort(ProgramExit(-signum))
    crash.__wrapped__ = real   # type: ignore[attr-defined]
    return crash


def users_module(program: object) -> Optional[types.ModuleType]:
    """The module a callable ``program`` was defined in, if it is the user's: not simconc's,
    nor the standard library's (a script run as ``__main__``, a test module, a package)."""
    function = getattr(program, "__func__", program)   # (a bound method)
    globals_ = getattr(function, "__globals__", None)
    if not isinstance(globals_, dict):
        return None
    module = sys.modules.get(globals_.get("__name__", ""))
    path = getattr(module, "__file__", None)
    if module is None or vars(module) is not globals_ or not isinstance(path, str) \
            or path.startswith(NOT_THE_PROGRAMS):
        return None
    return module


def _setswitchinterval(interval: float) -> None:
    """The simulated interpreter's ``sys.setswitchinterval``: the GIL's, not the real one's."""
    interval = float(interval)
    if interval <= 0:
        raise ValueError("switch interval must be strictly positive")
    world = maybe_current_world()
    if world is not None:
        world.current_interpreter().switch_interval = interval


def _getswitchinterval() -> float:
    world = maybe_current_world()
    return world.current_interpreter().switch_interval if world is not None else 0.005


def _is_gil_enabled() -> bool:
    """``sys._is_gil_enabled()`` (3.13+) in a run: whether the simulated build has a GIL (a run
    with ``gil=False``, ``--no-gil``, and an exploration's ``any`` switch points are the
    free-threaded build's)."""
    world = maybe_current_world()
    if world is None:
        return _REAL_IS_GIL_ENABLED()
    return world.semantics.gil_build


_REAL_IS_GIL_ENABLED: Callable[[], bool] = getattr(sys, "_is_gil_enabled", lambda: True)


def _gc_enable() -> None:
    """``gc.enable()`` in a run: the simulated process's collector is on, as it says (its
    ``gc.isenabled()``); but the real one collects only when the program calls
    ``gc.collect()``. An automatic collection could come in the middle of simconc's own code,
    between two of the program's threads, and run the program's finalizers in no thread at all;
    and when it comes depends on what the process allocated before the run."""
    world = maybe_current_world()
    if world is not None:
        world.current_interpreter().face.gc_enabled = True


def _gc_disable() -> None:
    world = maybe_current_world()
    if world is not None:
        world.current_interpreter().face.gc_enabled = False


def _gc_isenabled() -> bool:
    world = maybe_current_world()
    return world.current_interpreter().face.gc_enabled if world is not None \
        else _REAL_GC_ISENABLED()


_REAL_GC_ISENABLED = gc.isenabled

_atexit_sink: Optional[list] = None   # where atexit.register goes during a run


def _atexit_register(func, *args, **kwargs):
    sink = _exit_handlers()
    if sink is None:
        return _REAL_ATEXIT_REGISTER(func, *args, **kwargs)
    sink.append((func, args, kwargs))
    return func


def _atexit_unregister(func) -> None:
    sink = _exit_handlers()
    if sink is None:
        return _REAL_ATEXIT_UNREGISTER(func)
    sink[:] = [h for h in sink if h[0] != func]


def _exit_handlers() -> Optional[list]:
    """Where ``atexit.register`` goes: the run's main process's handlers (run at its end), a
    simulated child process's own, or (no run) the real interpreter's (None)."""
    if _atexit_sink is None:
        return None
    world = maybe_current_world()
    if world is not None and world.current is not None:
        interpreter = world.current.interpreter
        if interpreter.number:
            return interpreter.face.atexit
    return _atexit_sink


_REAL_ATEXIT_REGISTER, _REAL_ATEXIT_UNREGISTER = atexit.register, atexit.unregister

#: What is swapped for the length of a run, found once: (module, attribute, stand-in).
_SWAPS = [(mod, attr, stand_in) for mod, attr, stand_in in (
    (_thread, "start_new_thread", _refuse), (_thread, "start_new", _refuse),
    (_thread, "start_joinable_thread", _refuse), (_real_threading, "_start_new_thread", _refuse),
    (_real_threading, "_start_joinable_thread", _refuse),
    (os, "fork", _refuse_process), (os, "forkpty", _refuse_process), (os, "_exit", _exit),
    (os, "system", _refuse_process), (os, "execv", _refuse_process),
    (os, "execve", _refuse_process), (os, "posix_spawn", _refuse_process),
    (os, "posix_spawnp", _refuse_process), (_posixsubprocess, "fork_exec", _refuse_process),
    (subprocess, "_fork_exec", _refuse_process), (select, "select", selecting.select),
    (select, "poll", selecting.poll), (select, "epoll", selecting.epoll),
    (socket, "socket", sockets.socket), (socket, "socketpair", sockets.socketpair),
    (socket, "getaddrinfo", sockets.getaddrinfo), (socket, "gethostbyname", sockets.gethostbyname),
    (socket, "gethostbyname_ex", sockets.gethostbyname_ex),
    (socket, "gethostbyaddr", sockets.gethostbyaddr), (socket, "gethostname", sockets.gethostname),
    (socket, "getnameinfo", sockets.getnameinfo),
    (atexit, "register", _atexit_register), (atexit, "unregister", _atexit_unregister),
    (sys, "setswitchinterval", _setswitchinterval), (sys, "getswitchinterval", _getswitchinterval),
    (sys, "_is_gil_enabled", _is_gil_enabled),
    (gc, "enable", _gc_enable), (gc, "disable", _gc_disable), (gc, "isenabled", _gc_isenabled),
    (multiprocessing.connection, "wait", mp_pipes.wait),
    (multiprocessing.connection, "Pipe", mp_pipes.Pipe),
    (multiprocessing.connection, "SocketListener", mp_pipes.SocketListener),
    (multiprocessing.connection, "SocketClient", mp_pipes.SocketClient),
    (_multiprocessing, "SemLock", processes.SemLock),
    (_multiprocessing, "sem_unlink", processes.sem_unlink),
    (multiprocessing.popen_fork, "Popen", processes.Popen),
    (multiprocessing.popen_spawn_posix, "Popen", processes.SpawnPopen),
    (multiprocessing.popen_forkserver, "Popen", processes.ForkServerPopen),
    (os, "getpid", processes.getpid), (os, "getppid", processes.getppid),
    (os, "kill", processes.kill),
    (os, "cpu_count", processes.cpu_count), (os, "process_cpu_count", processes.cpu_count),
    (os, "register_at_fork", processes.register_at_fork),
    (os, "urandom", random_face.urandom), (random, "_urandom", random_face.urandom),
    # (a fresh sequence of tempfile's names, and of uuid1()'s timestamps, in each run; the
    # machine's network card: see _FUNCTION_GUARDS)
    (tempfile, "_name_sequence", None), (uuid, "_last_timestamp", None),
    (uuid, "_node", host.NODE),
    (_posixshmem, "shm_open", shm.shm_open), (_posixshmem, "shm_unlink", shm.shm_unlink),
    (multiprocessing.resource_tracker, "register", shm.untracked),
    (multiprocessing.resource_tracker, "unregister", shm.untracked),
    (multiprocessing.resource_tracker, "ensure_running", shm.untracked),
    (signal, "signal", signals.signal), (signal, "getsignal", signals.getsignal),
    (signal, "alarm", signals.alarm), (signal, "setitimer", signals.setitimer),
    (signal, "getitimer", signals.getitimer), (signal, "raise_signal", signals.raise_signal),
    *((signal, name, _refuse_signal) for name in (
        "pthread_kill", "pause", "sigwait",
        "sigwaitinfo", "sigtimedwait", "set_wakeup_fd", "siginterrupt", "pthread_sigmask")),
    *((faulthandler, name, _fatal_signal(signum, getattr(faulthandler, name)))
      for name, signum in (("_sigsegv", signal.SIGSEGV), ("_read_null", signal.SIGSEGV),
                           ("_sigabrt", signal.SIGABRT), ("_sigfpe", signal.SIGFPE))
      if hasattr(faulthandler, name)),
) if hasattr(mod, attr)]


#: Methods of classes guarded the same way, but for good, from the first execution on: setting
#: a class's attribute invalidates every type's method cache, which, twice an execution, cost a
#: run of no threads a sixth more instructions. Outside an execution they are the originals.
_CLASS_GUARDS = [(cls, attr, refusal) for cls, attr, refusal in (
    (ctypes.CDLL, "__getitem__", _cdll_getitem),
    (socket.socket, "connect", _refuse_network), (socket.socket, "connect_ex", _refuse_network),
    (socket.socket, "sendto", _refuse_network),
    *((cls, "select", _selector_select) for cls in vars(selectors).values()
      if isinstance(cls, type) and "select" in vars(cls)),
    *((selectors._PollLikeSelector, method, _poll_like(method))   # type: ignore[attr-defined]
      for method in ("register", "unregister")),
    (selectors._PollLikeSelector, "modify", _poll_like_modify),   # type: ignore[attr-defined]
    (traceback.TracebackException, "__init__", _program_traceback_init),
    # (TLS to the simulated network's sites; any other refused)
    *(((ssl.SSLContext, "wrap_socket", tls.wrap_socket),
        (ssl.SSLContext, "wrap_bio", tls.wrap_bio)) if tls is not None else ()),
)]

#: Functions replaced the same way, for good, by stand-ins that are the originals outside an
#: execution: those that only read the machine (or would change it), with no state of a run's to
#: put back after it. Swapped in each run as _SWAPS are, seven of these cost a run of no threads 3%
#: more instructions (bench_instructions).
_FUNCTION_GUARDS = [(mod, attr, stand_in) for mod, attr, stand_in in (
    (os, "times", host.times), (os, "uname", host.uname), (os, "getloadavg", host.getloadavg),
    (os, "sched_getaffinity", processes.sched_getaffinity),
    (os, "sched_setaffinity", guarded(os.sched_setaffinity, _refuse_affinity)),
    (resource, "getrusage", guarded(resource.getrusage, _refuse_rusage)),
    # (tempfile's names: drawn from a random.Random seeded from the run's seed, in a run)
    (tempfile, "_Random", random_face.Random),
    # (uuid1(): made from the simulated clock, the run's entropy and the machine's network
    # card, in a run; libuuid's real one, of the real clock and card, otherwise)
    (uuid, "_generate_time_safe", host.uuid_time_safe),
) if getattr(mod, attr, None) is not None]
_guards_installed = False


def _process_hash(self: multiprocessing.process.BaseProcess) -> int:
    """``hash()`` of a process object: in a run, its identity (``(1,)`` is the first child),
    so that the set of a process's children (``active_children()``, the joins at exit) comes
    in the same order in every execution; an id, as for real, otherwise."""
    if maybe_current_world() is None:
        return object.__hash__(self)
    return hash(self._identity)


def _install_asyncio(module: types.ModuleType) -> None:
    from ..stdlib.asyncio_loop import install
    install(module)
    addresses.install_asyncio(module)


#: What a module imported afresh in a run gets once it is loaded (_AfterImport).
_AFTER_IMPORT: dict[str, Callable[[types.ModuleType], None]] = {
    "asyncio": _install_asyncio, "concurrent.futures._base": addresses.install_futures}


class _AfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``asyncio`` and ``concurrent.futures._base`` for a program that imports them in a
    run (afresh: the runner hides those imported before), and fits them to the run once they
    are loaded: asyncio's event loops become simulated ones; their reprs print deterministic
    addresses (``stdlib/addresses.py``). And a face's module for ``importlib.reload``."""

    def find_spec(self, name: str, path: Optional[Sequence[str]] = None,
                  target: Optional[types.ModuleType] = None,
                  ) -> Optional[importlib.machinery.ModuleSpec]:
        if maybe_current_world() is None:
            return None
        if target is not None and name in FACES and target is sys.modules.get(name):
            # (importlib.reload of a face module, which shows as the real one: not the real
            # module's code run into it, but nothing; its identity as it was)
            shown: Any = copy.copy(target.__spec__)
            shown.loader_state, shown.loader = target.__spec__, self
            return shown
        if name not in _AFTER_IMPORT:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None:
            spec.loader_state = spec.loader
            spec.loader = self
        return spec

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        state = module.__spec__.loader_state   # type: ignore[union-attr]
        if isinstance(state, importlib.machinery.ModuleSpec):   # (a face's reload)
            module.__spec__, module.__loader__ = state, state.loader
            return
        state.exec_module(module)
        _AFTER_IMPORT[module.__name__](module)


def _install_guards() -> None:
    global _guards_installed
    _guards_installed = True
    for mod, attr, stand_in in _FUNCTION_GUARDS:
        setattr(mod, attr, stand_in)
    sys.meta_path.insert(0, _AfterImport())
    multiprocessing.process.BaseProcess.__hash__ = _process_hash   # type: ignore[assignment]
    host.install()
    for cls, attr, refusal in _CLASS_GUARDS:
        original = getattr(cls, attr)   # (socket.socket's connect is _socket.socket's)
        if refusal is _cdll_getitem:   # (it tells inside from outside itself)
            setattr(cls, attr, refusal)
        else:
            setattr(cls, attr, guarded(original, refusal))   # type: ignore[arg-type]


#: Modules (by name) that imported the real concurrency modules, or names from them, before a
#: run began and should see the face during each run: the pytest plugin puts the modules under
#: test here (DESIGN.md, decision 9).
REBIND: list[str] = []


def _rebindings(modules: dict[str, types.ModuleType],
                rebind: "tuple[str, ...] | list[str]") -> list[tuple[object, str, object]]:
    """(module, name, face object) for each name in a ``rebind`` module (or a module of a
    ``rebind`` package) bound to a real module of the face, or to a class or function from one
    (``from threading import Lock``); and (module or class, name, stand-in) for each real lock
    it, or a class of its own, holds (``_lock = threading.Lock()``, made at import)."""
    face_of: dict[int, object] = {}
    for name, face in modules.items():
        real = sys.modules.get(name)
        if real is None or real is face:
            continue
        face_of[id(real)] = face
        real_names = vars(real)   # (looked up there: a name it lacks costs no AttributeError)
        for attr, value in vars(face).items():
            real_value = real_names.get(attr)
            if not attr.startswith("__") and callable(real_value):
                face_of[id(real_value)] = value
    out: list[tuple[object, str, object]] = []
    for module in _modules_of(tuple(rebind)):
        for attr, value in list(vars(module).items()):
            stand_in = face_of.get(id(value))
            if stand_in is not None:
                out.append((module, attr, stand_in))
            elif type(value) in _REAL_LOCKS:
                _lock_in_run(module, attr, value, modules, out)
            elif isinstance(value, type) and value.__module__ == module.__name__:
                for name, held in list(vars(value).items()):   # (class Cache: _lock = Lock())
                    if type(held) in _REAL_LOCKS:
                        _lock_in_run(value, name, held, modules, out)
    return out


_named_cache: tuple = ((), -1, [])   # (rebind, len(sys.modules), its modules)


def _modules_of(rebind: tuple[str, ...]) -> list[types.ModuleType]:
    """The modules ``rebind`` names, and a package's modules too (locked_pkg.counter's `from
    threading import RLock`): looked for again only when the modules imported change (their
    number, or one of these), not in every execution (a scan of sys.modules)."""
    global _named_cache
    known, count, named = _named_cache
    if known != rebind or count != len(sys.modules) or any(
            sys.modules.get(module.__name__) is not module for module in named):
        prefixes = tuple(name + "." for name in rebind)
        named = [module for name, module in list(sys.modules.items())
                 if name in rebind or name.startswith(prefixes)]
        _named_cache = (rebind, len(sys.modules), named)
    return named


_REAL_LOCKS = {type(_real_threading.Lock()): "Lock", type(_real_threading.RLock()): "RLock"}


def _lock_in_run(holder: object, attr: str, real: object, modules: dict[str, types.ModuleType],
                 out: list[tuple[object, str, object]]) -> None:
    """A run's stand-in for a real lock that ``holder.attr`` holds, made before the run (at
    import): a real lock would block the whole simulation. Not for one held now."""
    if not real.acquire(False):   # type: ignore[attr-defined]
        return
    real.release()   # type: ignore[attr-defined]
    out.append((holder, attr, LockInRun(getattr(modules["threading"], _REAL_LOCKS[type(real)]))))


class LockInRun:
    """For one run, a real lock the program made before the run began (a module's or a
    class's ``_lock = threading.Lock()``, made as it was imported): a simulated lock, made
    when first used. (The real one would block the whole simulation: its threads are one
    real thread.)"""

    __slots__ = ("_make", "_lock")

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._lock: Any = None

    def _simulated(self) -> Any:
        if self._lock is None:
            self._lock = self._make()
        return self._lock

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._simulated().acquire(blocking, timeout)

    def release(self) -> None:
        self._simulated().release()

    def __enter__(self) -> bool:
        return self._simulated().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._simulated().__exit__(*exc)

    def __getattr__(self, name: str) -> Any:   # locked(), and what Condition asks of a lock
        return getattr(self._simulated(), name)

    def __repr__(self) -> str:
        return repr(self._simulated())


#: ``multiprocessing``'s module globals that a run starts afresh (its main process, its
#: children, the start method it chose) and that are put back after it.
_PROCESS_GLOBALS = ((vars(multiprocessing.process), "_current_process"),
                    (vars(multiprocessing.process), "_parent_process"),
                    (vars(multiprocessing.process), "_children"),
                    (vars(multiprocessing.process), "_process_counter"),
                    (vars(multiprocessing.process), "threading"),
                    (vars(multiprocessing.context._default_context), "_actual_context"))


#: The reducers ``multiprocessing``'s pickler knows besides copyreg's, by class.
_REDUCERS: dict = multiprocessing.reduction.ForkingPickler._extra_reducers   # type: ignore[attr-defined]


def _fresh_process_globals(modules: dict[str, types.ModuleType]) -> list[object]:
    """The values of ``_PROCESS_GLOBALS`` in a run: a fresh interpreter's (a main process of
    its own), and the face's threading where multiprocessing's modules imported the real one."""
    return [modules["threading"] if name == "threading" else fresh_value(name, namespace[name])
            for namespace, name in _PROCESS_GLOBALS]


class simulated_modules:
    """Install ``modules`` in ``sys.modules`` and guard the real thread starters; undo on exit.

    ``atexit.register`` calls made meanwhile go to ``atexit_handlers`` instead of the real
    interpreter: the simulated program's interpreter exits at the end of its execution.
    (A class, not a generator: it wraps every execution, and a generator's context manager
    costs more than this one's work.)"""

    __slots__ = ("modules", "atexit_handlers", "saved", "originals", "before", "sink",
                 "saved_bindings", "rebind", "hidden", "process_globals", "accelerator",
                 "reducers", "epoch", "fresh_logging", "zone", "logging_before")

    def __init__(self, modules: dict[str, types.ModuleType],
                 atexit_handlers: Optional[list] = None, rebind: Optional[str] = None,
                 epoch: Optional[float] = None, fresh_logging: bool = False) -> None:
        self.modules = modules
        self.atexit_handlers = atexit_handlers
        #: A module more to rebind, beside REBIND's: the program's own, for a callable.
        self.rebind = rebind
        #: ``time.time()`` as the run starts (the simulated clock's epoch).
        self.epoch = epoch
        #: Whether the program imports a logging of its own (a program file), or uses the one
        #: imported before the run (a callable: a pytest test's, which caplog watches).
        self.fresh_logging = fresh_logging

    def new_modules(self) -> list[str]:
        """The names of the modules first imported in the run so far."""
        before = self.before
        if len(sys.modules) == len(before) - len(self.hidden):
            return []
        return [name for name in sys.modules if name not in before]

    def __enter__(self) -> None:
        global _atexit_sink
        modules = self.modules
        self.zone = host.Zone()
        self.zone.__enter__()
        self.saved = {name: sys.modules.get(name) for name in modules}
        if not _guards_installed:
            _install_guards()
        self.originals = [getattr(mod, attr) for mod, attr, _ in _SWAPS]
        self.before = _known_modules()
        # (after: their fresh copies are not new modules, and go when the originals come back)
        self.hidden = {name: sys.modules.pop(name) for name in HIDDEN if name in sys.modules}
        if "asyncio" in sys.modules:   # (imported before the run: hidden whole, as the pools)
            self.hidden.update((name, sys.modules.pop(name)) for name in list(sys.modules)
                               if name.startswith("asyncio."))
            self.hidden["asyncio"] = sys.modules.pop("asyncio")
        if self.fresh_logging and "logging" in sys.modules:
            # (a program file runs as `python FILE` does: its logging is a fresh interpreter's,
            # with none of pytest's handlers, and goes with the run)
            self.hidden.update((name, sys.modules.pop(name)) for name in list(sys.modules)
                               if name == "logging" or name.startswith("logging."))
        if self.hidden:   # (a library imported before the run: the run's, in it)
            forward_hidden({id(module) for module in self.hidden.values()})
        run_begins(self.hidden)
        self.logging_before = {name: sys.modules.get(name) for name in _LOGGING}
        # The run's asyncio is pure Python: the accelerator's state is the first asyncio's.
        self.accelerator = sys.modules.get("_asyncio", _ABSENT)
        sys.modules["_asyncio"] = None   # type: ignore[assignment]
        self.sink, _atexit_sink = _atexit_sink, self.atexit_handlers
        rebind = REBIND if self.rebind is None or self.rebind in REBIND \
            else REBIND + [self.rebind]
        if "logging" in sys.modules:
            # (imported before the run, by pytest or a library, logging would name the real
            # thread in its records, MainThread, give them the real clock's time and lock a
            # real lock; one first imported in the run binds the face, and is forgotten after)
            rebind = rebind + ["logging"]
        rebound = _rebindings(modules, rebind) if rebind else []
        logging = sys.modules.get("logging")
        if logging is not None and self.epoch is not None:
            # (and its records' relativeCreated counts from the run's start, not its import's)
            started = vars(logging).get("_startTime")
            rebound.append((logging, "_startTime", int(self.epoch * 1e9)
                            if isinstance(started, int) else self.epoch))
        # (and platform.uname()'s cache, which names the machine)
        rebound.append((platform, "_uname_cache", host.platform_uname()))
        self.saved_bindings = [(holder, attr, getattr(holder, attr))
                               for holder, attr, _ in rebound]
        # A face of a submodule (urllib.request) is its package's attribute too, where
        # `import urllib.request` looks for it.
        packages: list[tuple[object, str, object]] = [
            (importlib.import_module(name.rpartition(".")[0]), name.rpartition(".")[2], module)
            for name, module in modules.items() if "." in name]
        self.saved_bindings += [(package, attr, vars(package).get(attr, _ABSENT))
                                for package, attr, _ in packages]
        # (and a hidden module's package, which a fresh import of it sets the attribute of; the
        # attribute goes for the run, or `from multiprocessing import util` would find it)
        hidden_in = [(sys.modules[parent], attr) for parent, _, attr in
                     (name.rpartition(".") for name in self.hidden) if parent in sys.modules]
        self.saved_bindings += [(package, attr, vars(package).get(attr, _ABSENT))
                                for package, attr in hidden_in]
        for package, attr in hidden_in:
            vars(package).pop(attr, None)
        rebound = rebound + packages
        self.process_globals = [namespace[name] for namespace, name in _PROCESS_GLOBALS]
        # (a run's multiprocessing.heap and sharedctypes, imported afresh, register their
        # reducers with the one ForkingPickler: kept, each would hold its run's modules for good)
        self.reducers = _REDUCERS.copy()
        for (namespace, name), value in zip(_PROCESS_GLOBALS, _fresh_process_globals(modules)):
            namespace[name] = value
        try:
            for holder, attr, face in rebound:
                setattr(holder, attr, face)
            sys.modules.update(modules)
            for mod, attr, stand_in in _SWAPS:
                setattr(mod, attr, stand_in)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        global _atexit_sink
        _atexit_sink = self.sink
        run_ends()
        self.zone.__exit__()
        for name, earlier in self.logging_before.items():
            made = sys.modules.get(name)
            if made is not None and made is not earlier:
                _release_logging(made)
        for holder, attr, original in self.saved_bindings:
            if original is _ABSENT:
                delattr(holder, attr)
            else:
                setattr(holder, attr, original)
        for (mod, attr, _), original in zip(_SWAPS, self.originals):
            setattr(mod, attr, original)
        for (namespace, name), value in zip(_PROCESS_GLOBALS, self.process_globals):
            namespace[name] = value
        if _REDUCERS != self.reducers:
            _REDUCERS.clear()
            _REDUCERS.update(self.reducers)
        for name, module in self.saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        if self.accelerator is _ABSENT:
            del sys.modules["_asyncio"]
        else:
            sys.modules["_asyncio"] = self.accelerator   # type: ignore[assignment]   # (a module)
        before = self.before
        kept: list[types.ModuleType] = []
        stale: set[int] = set()
        if len(sys.modules) != len(before) - len(self.hidden):
            # (the run's own imports of the modules it hid: gone with it, as the forgotten are)
            copies = [module for name in self.hidden
                      if (module := sys.modules.get(name)) is not None]
            gone = _forget_face_bound([n for n in sys.modules if n not in before],
                                      self.modules, copies)
            forget_programs([n for n in sys.modules if n not in before])
            kept = [sys.modules[n] for n in sys.modules if n not in before]
            stale = {id(module) for module in gone + copies}
        sys.modules.update(self.hidden)
        if kept and stale:
            forward_stale(kept, stale)
        if len(sys.modules) != len(before) or self.hidden:
            _known_modules()


_ABSENT = object()   # (an attribute that was not there before the run)

_LOGGING = ("logging", "logging.handlers", "logging.config")


def _release_logging(module: types.ModuleType) -> None:
    """``module``, a logging module the run imported, is left to real code: a package with an
    extension module first imported in the run is kept whole, and holds it (charset_normalizer,
    under requests, holds its loggers in its compiled modules for good). From now on it locks
    real locks, not the ended run's simulated ones, which would raise NotInSimulation in real
    code and in the next run."""
    from ..sync import RLock
    namespace = vars(module)
    if namespace.get("threading") is not None:
        namespace["threading"] = _real_threading
    if isinstance(namespace.get("_lock"), RLock):
        namespace["_lock"] = _real_threading.RLock()
    for ref in list(namespace.get("_handlerList", ())):
        handler = ref()
        if handler is not None and isinstance(getattr(handler, "lock", None), RLock):
            handler.lock = _real_threading.RLock()


#: Modules of the standard library that start threads or wait with what they imported from
#: the real threading: imported before a run (by pytest, by the code under test), they would
#: start real threads for the program (a ThreadPoolExecutor). A run hides them, so that the
#: program's import makes them afresh, on the face; the originals are put back after it. (Only
#: the pools: a module first imported in a run that imports one of these holds the face, and
#: is imported again in each run, as one that imports threading is. sched, which starts
#: threads too, is left out.) socketserver and http.server too: a program's servers run on
#: the simulated loopback, and simconc's stepping page imports them before many runs.
#: multiprocessing.util too: made afresh, it registers its exit function (which terminates the
#: pools still open, as at a real interpreter's exit) with the program's atexit, so that it
#: runs inside the execution, not at the collector's whim after it; and the modules that bind
#: its registries (a Queue's finalizers must go to the run's util, whose registries are each
#: simulated process's own; spawn's preparation data names its logger's level).
HIDDEN = ("concurrent", "concurrent.futures", "concurrent.futures._base",
          "concurrent.futures.thread", "concurrent.futures.process", "multiprocessing.pool",
          "multiprocessing.dummy", "multiprocessing.dummy.connection", "multiprocessing.util",
          "multiprocessing.queues", "multiprocessing.synchronize", "multiprocessing.managers",
          "multiprocessing.sharedctypes", "multiprocessing.heap", "multiprocessing.spawn",
          "socketserver", "http.server")

_known: set[str] = set()    # the names in sys.modules when last looked (membership only)
_known_last: Optional[str] = None


def _known_modules() -> set[str]:
    """The names in ``sys.modules``, taken again only when their number or the newest of them
    changed (an import appends to ``sys.modules``): a run compares against it to find the
    modules first imported while it ran, and copying ``sys.modules`` on every run costs more
    than a small run does."""
    global _known, _known_last
    last = next(reversed(sys.modules), None)
    if len(_known) != len(sys.modules) or last != _known_last:
        _known, _known_last = set(sys.modules), last
    return _known


def _forget_face_bound(new: list[str], modules: dict[str, types.ModuleType],
                       copies: list[types.ModuleType]) -> list[types.ModuleType]:
    """Forget the modules first imported during the run that bound the face (logging made its
    lock from this execution's threading), and those that hold what they made or what the
    run's own imports of hidden modules (``copies``: its asyncio, its logging) made, so that the
    next execution, or real code, imports them afresh; the modules forgotten. A package with an
    extension module cannot be re-imported in part (numpy): it is kept whole (stale.py)."""
    from ..stdlib import face_contents
    from ..sync import Condition, Event, Lock, RLock, Semaphore, Barrier, Queue, SimpleQueue
    simulated = (Lock, RLock, Condition, Event, Semaphore, Barrier, Queue, SimpleQueue)
    faces = face_contents() | {id(m) for m in modules.values()}
    # (by the module's own name: requests.packages.charset_normalizer.md is charset_normalizer's,
    # under another name, and requests itself is pure Python)
    native = {str(getattr(sys.modules[name], "__name__", name)).partition(".")[0] for name in new
              if (getattr(sys.modules[name], "__file__", None) or "").endswith((".so", ".pyd"))}
    candidates = [name for name in new if name.partition(".")[0] not in native]
    forgotten: set[str] = set()
    copied = {id(module) for module in copies}
    copied_dicts = {id(vars(module)) for module in copies}

    def of_a_copy(value: Any) -> bool:
        """``value`` is one of ``copies``, or a class or function of one, or an object of such
        a class (a logger of the run's logging)."""
        if id(value) in copied:
            return True
        if isinstance(value, types.FunctionType):
            return id(value.__globals__) in copied_dicts
        cls = value if isinstance(value, type) else type(value)
        where = getattr(cls, "__module__", None)
        home = sys.modules.get(where) if isinstance(where, str) else None
        return home is not None and id(home) in copied and vars(home).get(cls.__name__) is cls

    # And, until none is left, those that hold one of them, or a class or function of one
    # (concurrent.futures holds _base's Future, made with this execution's Condition; asyncio
    # holds concurrent.futures): left behind, real code would use this execution's face.
    while True:
        found = [name for name in candidates if name not in forgotten and any(
            id(v) in faces or isinstance(v, simulated)
            or (type(v) is types.ModuleType and v.__name__ in forgotten)
            or (isinstance(v, (type, types.FunctionType)) and v.__module__ in forgotten)
            or (copies and of_a_copy(v))
            for v in list(vars(sys.modules[name]).values()))]
        if not found:
            break
        forgotten.update(found)
    # And a forgotten package's modules (asyncio's): imported afresh, `from .coroutines import *`
    # would find the old one in sys.modules and bind no name in the new package.
    forgotten.update(name for name in candidates
                     if any(name.startswith(package + ".") for package in forgotten))
    gone = []
    for name in sorted(forgotten):
        module = sys.modules.pop(name)
        gone.append(module)
        # (and its package's attribute: `from . import heap` finds it there, without importing)
        parent, _, attr = name.rpartition(".")
        package = sys.modules.get(parent)
        if package is not None and vars(package).get(attr) is module:
            delattr(package, attr)
    return gone
