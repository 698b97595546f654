"""``multiprocessing``'s processes on the simulated machine.

A simulated program runs CPython's own ``multiprocessing`` (``Process``, its ``Queue``,
``Pool``, the synchronisation objects, ``concurrent.futures.ProcessPoolExecutor``); for the
length of a run its low-level parts are these:

- :class:`Popen` (``fork``), :class:`SpawnPopen` (``spawn``) and :class:`ForkServerPopen`: each
  starts a process as a new interpreter of the world (its own GIL, its own main thread, on the
  machine's cores: processes compute in parallel) whose main thread runs the process object's
  ``_bootstrap``, as a real child does (``children.py``). A forked child's memory is a copy of
  its parent's, made at ``start()`` (``fork.py``); a spawned one runs the main module afresh.
- :class:`SemLock`, ``_multiprocessing.SemLock``: a semaphore of the machine (shared by the
  processes that inherit it, as a named OS semaphore is), on the kernel's one waiting mechanism.
- the pipes and ``connection.wait`` of ``mp_pipes.py``; a process's ``sentinel``
  (:class:`Sentinel`) is ready once it has ended.
- ``os.getpid()``/``os.getppid()``: the running interpreter's (:func:`getpid`).

What each process has of its own in the modules' globals (``multiprocessing.process``'s current
process and children, ``multiprocessing.util``'s registries, ``sys.modules['__main__']``) is a
world's *interpreter globals*, which the kernel swaps as it switches between processes
(:data:`World.interpreter_globals`).
"""
from __future__ import annotations

import errno
import operator
import os as _os
import signal
import sys
from typing import Any, Optional

from ..kernel import (Interpreter, UnsimulatedError, WaitQueue, World, current_world,
                      maybe_current_world)
from ..sync.lock import fake_address
from . import mp_pipes, signals

#: ``os.getpid()`` of a run's main process; its children count up from it.
MAIN_PID = 4000
#: ``os.getppid()`` of the main process (the shell that started it).
SHELL_PID = 3999
#: ``os.getppid()`` of a forkserver child of the main process (its server's pid; another
#: process's server counts down from it by the process's number).
FORKSERVER_PID = 3998

#: ``_multiprocessing.SemLock``'s kinds.
RECURSIVE_MUTEX, SEMAPHORE = 0, 1
SEM_VALUE_MAX = 2147483647


def getpid() -> int:
    """``os.getpid()`` in a simulated program: its process's id."""
    world = maybe_current_world()
    if world is None:
        return _REAL_GETPID()
    return world.current_interpreter().pid or MAIN_PID


def getppid() -> int:
    """``os.getppid()`` in a simulated program."""
    world = maybe_current_world()
    if world is None:
        return _REAL_GETPPID()
    interpreter = world.current_interpreter()
    ppid = getattr(interpreter.face, "ppid", None)   # (a forkserver child's)
    if ppid is not None:
        return ppid
    parent = interpreter.parent
    return SHELL_PID if parent is None else (parent.pid or MAIN_PID)


_REAL_GETPID, _REAL_GETPPID = _os.getpid, _os.getppid


def register_at_fork(*args: Any, before: Any = None, after_in_child: Any = None,
                     after_in_parent: Any = None) -> None:
    """``os.register_at_fork`` in a simulated program: the hooks are its process's, called
    around each simulated fork (not the real interpreter's, which would call a finished run's
    code at a real fork)."""
    if args:
        raise TypeError("register_at_fork() takes no positional arguments")
    world = maybe_current_world()
    if world is None:
        _REAL_REGISTER_AT_FORK(before=before, after_in_child=after_in_child,
                               after_in_parent=after_in_parent)
        return
    if before is None and after_in_child is None and after_in_parent is None:
        raise TypeError("At least one argument is required.")
    for name, hook in (("before", before), ("after_in_child", after_in_child),
                       ("after_in_parent", after_in_parent)):
        if hook is not None and not callable(hook):
            raise TypeError(f"'{name}' must be callable, not {type(hook).__name__}")
    hooks = world.current_interpreter().face.at_fork
    for kind, hook in (("before", before), ("child", after_in_child),
                       ("parent", after_in_parent)):
        if hook is not None:
            hooks.setdefault(kind, []).append(hook)


_REAL_REGISTER_AT_FORK = _os.register_at_fork


def kill(pid: int, signum: int) -> None:
    """``os.kill`` in a simulated program: the signal reaches the simulated process with that
    pid, whose disposition of it decides (``signals.send``); signal 0 asks whether the process
    is there. A signal to a real process (a pid no simulated process has) is refused: it would
    reach outside the simulation."""
    world = maybe_current_world()
    if world is None:
        _REAL_KILL(pid, signum)
        return
    pid, signum = operator.index(pid), operator.index(signum)
    target = _process_of(world, pid)
    if target is None:
        raise UnsimulatedError(
            f"the simulated program sent a signal (os.kill({pid}, {signum})) to a process that "
            f"is not one of the simulation's: a real one would receive it")
    _check_not_reaped(target)
    if not 0 <= signum < signal.NSIG:
        raise OSError(22, "Invalid argument")
    if signum == 0:
        return
    signals.send(world, target, signum, f"os.kill({pid}, {signum})")


_REAL_KILL = _os.kill


def _process_of(world: World, pid: int) -> Optional[Interpreter]:
    """The simulated process whose pid is ``pid``, if one is."""
    return next((each for each in world.interpreters if (each.pid or MAIN_PID) == pid), None)


def _check_not_reaped(process: Interpreter) -> None:
    """A child its parent has waited for (``join()``) is gone, its pid with it: ESRCH. (Ended
    and not waited for, it is a zombie, which a signal reaches to no effect.)"""
    state = process.face.process if process.face is not None else None
    if state is not None and state.reaped:
        raise ProcessLookupError(errno.ESRCH, "No such process")


def cpu_count() -> int:
    """``os.cpu_count()`` in a simulated program: the simulated machine's cores."""
    world = maybe_current_world()
    if world is None:
        return _REAL_CPU_COUNT() or 1
    return world.profile.cores


_REAL_CPU_COUNT = _os.cpu_count


def sched_getaffinity(pid: int) -> set[int]:
    """``os.sched_getaffinity()`` in a simulated program: every core of the simulated machine,
    for itself (0) or another of its processes; a pid no simulated process has is refused, as
    ``os.kill``'s is (the answer would be a real process's)."""
    world = maybe_current_world()
    if world is None:
        return _REAL_SCHED_GETAFFINITY(pid)
    pid = operator.index(pid)
    process = _process_of(world, pid) if pid else None
    if pid and process is None:
        raise UnsimulatedError(
            f"the simulated program asked for the cores of a process that is not one of the "
            f"simulation's (os.sched_getaffinity({pid})): the answer would be a real one's")
    if process is not None:
        _check_not_reaped(process)
    return set(range(world.profile.cores))


_REAL_SCHED_GETAFFINITY = _os.sched_getaffinity


def _c_int(value: Any) -> int:
    """``value`` as Argument Clinic converts it to a C int, with its errors."""
    value = operator.index(value)
    if not -2 ** 31 <= value < 2 ** 31:
        raise OverflowError("Python int too large to convert to C int")
    return value


class SemLock:
    """``_multiprocessing.SemLock``: a semaphore of the machine with CPython's bookkeeping of
    who acquired it (``_count``, ``_is_mine``), as ``Modules/_multiprocessing/semaphore.c``
    keeps it."""

    SEM_VALUE_MAX = SEM_VALUE_MAX
    _simconc_fork_shared = True

    def __init__(self, kind: int, value: int, maxvalue: int, name: str, unlink: bool) -> None:
        kind, value, maxvalue = (_c_int(each) for each in (kind, value, maxvalue))
        if kind not in (RECURSIVE_MUTEX, SEMAPHORE):
            raise ValueError("unrecognized kind")
        if value < 0:   # (sem_open's: it takes an unsigned value, above SEM_VALUE_MAX)
            raise OSError(errno.EINVAL, "Invalid argument")
        world = current_world()
        self._world = world
        self.kind = kind
        self.maxvalue = maxvalue
        # (no name: a simulated semaphore is never registered with the OS, nor with
        # multiprocessing's resource tracker, a real process)
        self.name = None
        self._value = value
        self._owner: Any = None   # the thread that acquired it last (CPython's last_tid)
        #: CPython's count, which each process's copy of the object keeps of its own: by
        #: interpreter (the number of each that has one)
        self._counts: dict[int, int] = {}
        self._key = world.name_new(self)
        self._queue = WaitQueue(world, self, self._key)
        numbers = world.current_interpreter().numbers
        numbers.serial += 1
        self._serial = numbers.serial
        self._label = f"{'RLock' if kind == RECURSIVE_MUTEX else 'SemLock'}#{numbers.number('SemLock')}"
        # (what a spawned child's _rebuild finds it by)
        handles = _handles(world)
        self.handle = 0x5e000 + len(handles)
        handles[self.handle] = self

    @property
    def _sim_label(self) -> str:
        return f"multiprocessing {self._label}"

    def _sim_holders(self) -> list:
        return [self._owner] if self._owner is not None and self._value == 0 else []

    def _mine(self) -> bool:
        thread = self._world.current_thread()
        return self._counts.get(thread.interpreter.number, 0) > 0 and self._owner is thread

    def _add(self, thread: Any, n: int) -> None:
        number = thread.interpreter.number
        self._counts[number] = self._counts.get(number, 0) + n

    def _available(self) -> bool:
        return self._value > 0

    def acquire(self, block: bool = True, timeout: Optional[float] = None) -> bool:
        world = self._world
        if mp_pipes.thread_world() is not world:
            # (after its execution, or in its loop: a finalizer's; nobody is left to wait for)
            if self._value <= 0:
                return False
            self._value -= 1
            return True
        mp_pipes.check_alive(world)
        thread = world.current_thread()
        if self.kind == RECURSIVE_MUTEX and self._mine():
            self._add(thread, 1)
            return True
        if not block:
            wait: Optional[float] = 0.0
        elif timeout is None:
            wait = None
        else:
            wait = max(0.0, float(timeout))
        if wait is None:
            world.point(self._key, "acq", self._available, self._queue)
        else:
            world.point(self._key, "try")
        if self._value <= 0 and not self._queue.wait(self._available, wait):
            world.record(thread, "acquire-failed", self._sim_label, None, 1, self._key)
            return False
        self._value -= 1
        self._add(thread, 1)
        self._owner = thread
        world.record(thread, "acquire", self._sim_label, None, 1, self._key)
        return True

    def release(self) -> None:
        world = self._world
        if mp_pipes.thread_world() is not world:
            self._value += 1
            return
        mp_pipes.check_alive(world)
        thread = world.current_thread()
        if self.kind == RECURSIVE_MUTEX:
            if not self._mine():
                raise AssertionError("attempt to release recursive lock not owned by thread")
            if self._counts[thread.interpreter.number] > 1:
                self._add(thread, -1)
                return
        world.point(self._key, "rel")
        if self.kind != RECURSIVE_MUTEX and self._value >= self.maxvalue:
            raise ValueError("semaphore or lock released too many times")
        self._add(thread, -1)   # (in the releasing process: below 0 if another acquired it)
        self._value += 1
        world.record(thread, "release", self._sim_label, None, 1, self._key)
        self._queue.unpark()

    __enter__ = acquire

    def __exit__(self, *args: object) -> None:
        self.release()

    def _count(self) -> int:
        return self._counts.get(self._world.current_interpreter().number, 0)

    def _is_mine(self) -> bool:
        return self._mine()

    def _get_value(self) -> int:
        self._world.point(self._key, "r")
        return self._value

    def _is_zero(self) -> bool:
        self._world.point(self._key, "r")
        return self._value == 0

    def _after_fork(self) -> None:
        # (CPython zeroes the child's count: the child's is 0 already, kept apart by process)
        self._counts.pop(self._world.current_interpreter().number, None)

    @classmethod
    def _rebuild(cls, handle: int, kind: int, maxvalue: int, name: Optional[str]) -> "SemLock":
        """The semaphore a spawned child was given (pickled by its handle): the same one."""
        return _handles(current_world())[handle]

    def __repr__(self) -> str:
        return f"<_multiprocessing.SemLock object at {fake_address(self._serial)}>"


def _handles(world: Any) -> dict:
    """The machine's semaphores by handle (kept by the main interpreter's face state)."""
    state = world.interpreters[0].face
    if state.semlocks is None:
        state.semlocks = {}
    return state.semlocks


def sem_unlink(name: str) -> None:
    """``_multiprocessing.sem_unlink``: a simulated semaphore has no name in the OS."""


class Sentinel(int):
    """A process's ``sentinel``: an int, as CPython's (a descriptor), one no other process of
    the run has; ready (``connection.wait`` returns it) once the process has ended."""

    _simconc_fork_shared = True
    _interpreter: Any
    ended: bool

    def __new__(cls, interpreter: Any) -> "Sentinel":
        sentinel = super().__new__(cls, SENTINEL_FDS + interpreter.number)
        sentinel._interpreter = interpreter
        sentinel.ended = False
        return sentinel

    def _sim_ready(self) -> bool:
        return self.ended


#: The first process sentinel's number (never a real descriptor: nothing real can select it).
SENTINEL_FDS = 1000


class ProcessState:
    """What the face keeps of a simulated process (its ``FaceState.process``): the sentinel its
    parent waits on, and its exit code once it has ended."""

    __slots__ = ("sentinel", "exitcode", "gone", "reaped")

    def __init__(self, sentinel: Sentinel) -> None:
        self.sentinel = sentinel
        self.exitcode: Optional[int] = None
        #: Its end is over: its parent's ``waitpid`` finds it ended (a while after its
        #: sentinel is ready: ``children._ended``).
        self.gone = False
        #: Its parent has seen it end (waitpid): its pid is no process's any more.
        self.reaped = False


class Popen:
    """``multiprocessing.popen_fork.Popen`` (and, for now, the other start methods'): starts
    the process object as a child interpreter of the world (see the module's docstring)."""

    method = "fork"
    _simconc_fork_shared = True

    def __init__(self, process_obj: Any) -> None:
        util = sys.modules.get("multiprocessing.util")
        if util is not None:
            util._flush_std_streams()
        self.returncode: Optional[int] = None
        self.finalizer = None
        self._launch(process_obj)

    def duplicate_for_child(self, fd: int) -> int:
        return fd

    def poll(self, flag: int = _os.WNOHANG) -> Optional[int]:
        if self.returncode is None:
            world = current_world()
            world.point(mp_pipes.PIPES, "r")
            state = self._state
            if state.gone:
                self.returncode = state.exitcode
                state.reaped = True
            elif self.sentinel.ended:
                # (it is ending: a parent that polls until it is gone, as the worker handler of
                # CPython's Pool does, lets its polls' time pass as it goes, not in a lump)
                world.settle(world.current_thread())
            world.record(world.current, "poll", self._child.prefix.rstrip("/"), None, 0,
                         mp_pipes.PIPES, detail="ended" if state.gone else
                         "exiting" if self.sentinel.ended else "running")
        return self.returncode

    def wait(self, timeout: Optional[float] = None) -> Optional[int]:
        if self.returncode is None:
            if not mp_pipes.wait([self.sentinel], timeout):
                return None
            if timeout != 0.0:
                # (CPython's waitpid without WNOHANG: the sentinel is ready a little before the
                # process is gone, children._ended)
                state = self._state
                mp_pipes.waiting().wait(lambda: state.gone)
            return self.poll()
        return self.returncode

    def _send_signal(self, sig: int) -> None:
        if self.returncode is None and not self.sentinel.ended:
            signals.send(current_world(), self._child, sig,
                         "terminate()" if sig == signal.SIGTERM else "kill()")

    def terminate(self) -> None:
        self._send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self._send_signal(signal.SIGKILL)

    def close(self) -> None:
        if self.finalizer is not None:
            self.finalizer()

    def _launch(self, process_obj: Any) -> None:
        from .children import start_forked
        self._child, self._state = start_forked(process_obj)
        self.pid = self._child.pid
        self.sentinel = self._state.sentinel

    def __repr__(self) -> str:
        return f"<simulated Popen pid={self.pid}>"


class DupFd:
    """A descriptor pickled for a spawned child (``reduction.DupFd``: the file of
    multiprocessing's shared heap): a duplicate, the child's own to close, of the real file
    (all simulated processes are one real one, where it is valid)."""

    def __init__(self, fd: int) -> None:
        self.fd = _os.dup(fd)

    def detach(self) -> int:
        return self.fd


class SpawnPopen(Popen):
    """``multiprocessing.popen_spawn_posix.Popen``: the child is a fresh interpreter that runs
    the main module afresh and unpickles its process object (``children.start_spawned``)."""

    method = "spawn"
    DupFd = DupFd

    def _launch(self, process_obj: Any) -> None:
        from .children import start_spawned
        self._child, self._state = start_spawned(process_obj, self)
        self.pid = self._child.pid
        self.sentinel = self._state.sentinel


class ForkServerPopen(SpawnPopen):
    """``multiprocessing.popen_forkserver.Popen``: a child forked from a server process, which
    runs the main module afresh as a spawned one does. (CPython 3.10 to 3.13 mean the server to
    import it once for all its children, but ask ``get_preparation_data`` for a ``main_path``
    it names ``init_main_from_path``: each child imports it, docs/decisions.md.) The server
    itself is not simulated: it is the child's parent, :func:`getppid`, by its pid alone."""

    method = "forkserver"

    def _launch(self, process_obj: Any) -> None:
        super()._launch(process_obj)
        parent = self._child.parent
        assert parent is not None   # (a child's)
        self._child.face.ppid = FORKSERVER_PID - parent.number
