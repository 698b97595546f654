"""The simulated ``threading`` module: what scenario code gets for ``import threading``.

A thin face: ``Thread`` maps onto a kernel :class:`~simconc.kernel.SimThread`, the primitives are
the sync layer's. Names, signatures, messages and reprs follow CPython's ``Lib/threading.py``.
"""
from __future__ import annotations

import sys as _sys
from collections import namedtuple as _namedtuple
from weakref import WeakSet as _WeakSet
from typing import Any, Callable, Optional

from greenlet import GreenletExit

from ..kernel import SimThread, WaitQueue, current_world, maybe_current_world
from ..kernel.thread import ALIVE
from ..kernel.trace import caller_where
from ..sync import TIMEOUT_MAX, Lock, RLock
from ..sync import (Barrier, BoundedSemaphore, BrokenBarrierError, Condition, Event, Semaphore)
from ._thread import get_ident, get_native_id, stack_size  # as CPython takes them from _thread
from ._traceback import format_user_exception

__all__ = ['get_ident', 'active_count', 'Condition', 'current_thread', 'enumerate', 'main_thread',
           'TIMEOUT_MAX', 'Event', 'Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Thread',
           'Barrier', 'BrokenBarrierError', 'Timer', 'ThreadError', 'ExceptHookArgs',
           'setprofile', 'settrace', 'local', 'stack_size', 'excepthook', 'get_native_id',
           'getprofile', 'gettrace']

ThreadError = RuntimeError


def _fresh_state() -> dict[str, Any]:
    """Module attributes that each execution's copy of this module gets anew."""
    return {"_dangling": _WeakSet()}


_dangling = _WeakSet()


def _state(world: Any = None) -> dict:
    """This execution's threading state (each execution starts from scratch): of ``world``,
    the running one by default."""
    if world is None:
        world = current_world()
    state = world.face_state.get("threading")
    if state is None:
        state = world.face_state["threading"] = {"counter": 0, "active": {}}
    return state


def _newname(name_template: str = "Thread-%d", world: Any = None) -> str:
    state = _state(world)
    state["counter"] += 1
    return name_template % state["counter"]


def current_thread() -> "Thread":
    return _current_face(current_world())


def _current_face(world: Any) -> "Thread":
    sim = world.current_thread()
    face = sim.face
    if face is None:  # started with _thread.start_new_thread: CPython makes a _DummyThread
        face = _DummyThread(sim)
    return face


currentThread = current_thread


def main_thread() -> "Thread":
    return current_world().main.face


def enumerate() -> list["Thread"]:
    # One step, reading every thread's liveness at once: a thread's start and its end are
    # ordered against it. As CPython does, a thread being started is listed already.
    world = current_world()
    world.point(ALIVE, "r")
    return [t for t in _state()["active"].values() if t._sim is None or t._sim.state != "done"]


def active_count() -> int:
    return len(enumerate())


activeCount = active_count


_profile_hook = None
_trace_hook = None


def setprofile(func: Any) -> None:
    global _profile_hook
    _profile_hook = func


def settrace(func: Any) -> None:
    global _trace_hook
    _trace_hook = func


def getprofile() -> Any:
    return _profile_hook


def gettrace() -> Any:
    return _trace_hook


ExceptHookArgs = _namedtuple("ExceptHookArgs", "exc_type exc_value exc_traceback thread")


def excepthook(args: ExceptHookArgs, /) -> None:
    """CPython's default hook, with the simulated time the thread died at."""
    if args.exc_type == SystemExit:
        return
    stderr = _sys.stderr
    if stderr is None:
        return
    name = args.thread.name if args.thread is not None else get_ident()
    world = maybe_current_world()
    when = f" at {world.now * 1000:.3f} ms (simulated)" if world is not None else ""
    stderr.write(f"Exception in thread {name}{when}:\n")
    stderr.write(format_user_exception(args.exc_type, args.exc_value, args.exc_traceback))
    stderr.flush()


__excepthook__ = excepthook


class Thread:
    """A simulated thread with CPython's ``threading.Thread`` interface."""

    _initialized = False

    def __init__(self, group: None = None, target: Optional[Callable[..., Any]] = None,
                 name: Optional[str] = None, args: Any = (), kwargs: Optional[dict] = None, *,
                 daemon: Optional[bool] = None) -> None:
        assert group is None, "group argument must be None for now"
        if kwargs is None:
            kwargs = {}
        world = current_world()
        if name:
            name = str(name)
        else:
            name = _newname("Thread-%d", world)
            if target is not None:
                try:
                    name += f" ({target.__name__})"
                except AttributeError:
                    pass
        self._target = target
        self._name = name
        self._args = args
        self._kwargs = kwargs
        self._daemonic = daemon if daemon is not None else _current_face(world).daemon
        self._ident: Optional[int] = None
        self._sim: Optional[SimThread] = None
        self._started_flag = False
        # key None: nothing but this thread's start observes this wait (see WaitQueue.key).
        self._started_queue = WaitQueue(world, self, key=None)
        self._initialized = True
        self._invoke_excepthook = _make_invoke_excepthook()
        module = world.face_state.get("modules", {}).get("threading")
        if module is not None:
            module._dangling.add(self)

    # -- starting and running ----------------------------------------------------------------
    def start(self) -> None:
        if not self._initialized:
            raise RuntimeError("thread.__init__() not called")
        if self._sim is not None:
            raise RuntimeError("threads can only be started once")
        world = current_world()
        self._sim = sim = world.new_thread(self._bootstrap, self._name, self._daemonic, self)
        where = caller_where(1) if world.tracing else None
        world.start(sim, where)
        _state(world)["active"][sim.ident] = self   # after start's step (see enumerate)
        # As CPython does: wait until the new thread has really started running.
        while not self._started_flag:
            self._started_queue.park(where=where)

    def _bootstrap(self) -> None:
        self._ident = self._sim.ident
        self._started_flag = True
        self._started_queue.unpark_all()
        try:
            self.run()
        except GreenletExit:
            raise  # the run is over and simconc is unwinding this thread: not the program's error
        except BaseException:
            self._invoke_excepthook(self)

    def run(self) -> None:
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            # Avoid a refcycle if the thread is running a function with an argument that has a
            # member that points to the thread.
            del self._target, self._args, self._kwargs

    def join(self, timeout: Optional[float] = None) -> None:
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if self._sim is None:
            raise RuntimeError("cannot join thread before it is started")
        world = current_world()
        me = world.current_thread()
        if self._sim is me:
            raise RuntimeError("cannot join current thread")
        sim = self._sim
        where = caller_where(1) if world.tracing else None
        if timeout is None:
            world.point(sim.alive_key, "join", lambda: sim.state == "done", sim.done)
        else:
            world.point(sim.alive_key, "r")
        if world.tracing:
            world.record(me, "join", self._name, where)
        if timeout is None:
            while sim.state != "done":
                sim.done.park(where=where)
        else:
            deadline = world.now + max(timeout, 0)
            while sim.state != "done":
                remaining = deadline - world.now
                if remaining <= 0 or not sim.done.park(remaining, where):
                    break

    # -- properties ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        assert self._initialized, "Thread.__init__() not called"
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        assert self._initialized, "Thread.__init__() not called"
        self._name = str(name)
        if self._sim is not None:
            self._sim.name = self._name

    @property
    def ident(self) -> Optional[int]:
        assert self._initialized, "Thread.__init__() not called"
        return self._ident

    native_id = ident

    def is_alive(self) -> bool:
        assert self._initialized, "Thread.__init__() not called"
        if self._sim is not None:
            current_world().point(self._sim.alive_key, "r")
        return self._started_flag and self._sim is not None and self._sim.state != "done"

    @property
    def daemon(self) -> bool:
        assert self._initialized, "Thread.__init__() not called"
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic: bool) -> None:
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if self._sim is not None:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = daemonic

    def isDaemon(self) -> bool:
        return self.daemon

    def setDaemon(self, daemonic: bool) -> None:
        self.daemon = daemonic

    def getName(self) -> str:
        return self.name

    def setName(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        assert self._initialized, "Thread.__init__() was not called"
        status = "initial"
        if self._started_flag:
            status = "started"
        if self._sim is not None and self._sim.state == "done":
            status = "stopped"
        if self._daemonic:
            status += " daemon"
        if self._ident is not None:
            status += " %s" % self._ident
        return "<%s(%s, %s)>" % (self.__class__.__name__, self._name, status)


def _make_invoke_excepthook() -> Callable[[Thread], None]:
    def invoke_excepthook(thread: Thread) -> None:
        # Read the hook at call time from this execution's module, where a program may have
        # replaced it (threading.excepthook = ...).
        module = current_world().face_state.get("modules", {}).get("threading")
        hook = getattr(module, "excepthook", excepthook) if module is not None else excepthook
        world = current_world()
        exc_type, exc_value, exc_tb = _sys.exc_info()
        if not issubclass(exc_type, SystemExit):  # CPython's hook ignores it: not a failure
            world.face_state.setdefault("thread_exceptions", []).append(
                (thread.name, world.now, exc_value))
        try:
            hook(ExceptHookArgs(exc_type, exc_value, exc_tb, thread))
        except Exception as exc:
            exc.__suppress_context__ = True
            _sys.stderr.write("Exception in threading.excepthook:\n")
            _sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))
        finally:
            exc_type = exc_value = exc_tb = None
    return invoke_excepthook


class _MainThread(Thread):
    def __init__(self) -> None:
        Thread.__init__(self, name="MainThread", daemon=False)

    def _attach(self, sim: SimThread) -> None:
        self._sim = sim
        self._ident = sim.ident
        self._started_flag = True
        _state()["active"][sim.ident] = self


class _DummyThread(Thread):
    """A thread started with ``_thread.start_new_thread``, seen through ``current_thread()``."""

    def __init__(self, sim: SimThread) -> None:
        state = _state()
        Thread.__init__(self, name=_newname("Dummy-%d"), daemon=True)  # CPython's one counter
        self._sim = sim
        self._ident = sim.ident
        self._started_flag = True
        sim.face = self
        state["active"][sim.ident] = self

    def join(self, timeout: Optional[float] = None) -> None:
        raise AssertionError("cannot join a dummy thread")


class Timer(Thread):
    """Call a function after a specified number of seconds (CPython's code)."""

    def __init__(self, interval: float, function: Callable[..., Any], args: Any = None,
                 kwargs: Optional[dict] = None) -> None:
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self) -> None:
        """Stop the timer if it hasn't finished yet."""
        self.finished.set()

    def run(self) -> None:
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


class local:
    """Thread-local data, as CPython's ``_threading_local``: each simulated thread sees its own
    ``__dict__``, swapped in on every attribute access (nothing can switch threads in between)."""

    def __new__(cls, *args: Any, **kw: Any) -> "local":
        if (args or kw) and (cls.__init__ is object.__init__):
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        # The creating thread's dictionary; its __init__ runs the ordinary way, right after.
        dicts = {get_ident(): object.__getattribute__(self, "__dict__")}
        object.__setattr__(self, "_local__impl", (dicts, args, kw))
        return self


def _local_patch(self: local) -> None:
    dicts, args, kw = object.__getattribute__(self, "_local__impl")
    ident = get_ident()
    d = dicts.get(ident)
    if d is None:
        d = dicts[ident] = {"_local__impl": (dicts, args, kw)}
        object.__setattr__(self, "__dict__", d)
        cls = type(self)
        if cls.__init__ is not object.__init__:
            cls.__init__(self, *args, **kw)
    else:
        object.__setattr__(self, "__dict__", d)


def _local_getattribute(self: local, name: str) -> Any:
    _local_patch(self)
    return object.__getattribute__(self, name)


def _local_setattr(self: local, name: str, value: Any) -> None:
    if name == "__dict__":
        raise AttributeError("%r object attribute '__dict__' is read-only"
                             % self.__class__.__name__)
    _local_patch(self)
    object.__setattr__(self, name, value)


def _local_delattr(self: local, name: str) -> None:
    if name == "__dict__":
        raise AttributeError("%r object attribute '__dict__' is read-only"
                             % self.__class__.__name__)
    _local_patch(self)
    object.__delattr__(self, name)


local.__getattribute__ = _local_getattribute  # type: ignore[method-assign]
local.__setattr__ = _local_setattr  # type: ignore[method-assign]
local.__delattr__ = _local_delattr  # type: ignore[method-assign]


_HAVE_THREAD_NATIVE_ID = True


def _register_atexit(func: Callable[..., Any], *arg: Any, **kwargs: Any) -> None:
    """Call ``func`` when the main thread's code has returned, before the interpreter waits for
    the non-daemon threads (CPython's hook, which concurrent.futures relies on)."""
    world = current_world()
    if world.main_returned:
        raise RuntimeError("can't register atexit after shutdown")
    def call() -> None:
        try:
            func(*arg, **kwargs)
        except GreenletExit:
            raise
        except Exception as exc:  # CPython reports it as unraisable and goes on shutting down
            _sys.stderr.write(f"Exception ignored in: {func!r}\n")
            _sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))

    world.shutdown_hooks.append(call)


def _shutdown() -> None:
    """Kept for code that calls it; the kernel itself waits for non-daemon threads at exit."""
