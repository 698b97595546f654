"""The simulated ``threading`` module: what scenario code gets for ``import threading``.

A thin face: ``Thread`` maps onto a kernel :class:`~simconc.kernel.SimThread`, the primitives are
the sync layer's. Names, signatures, messages and reprs follow CPython's ``Lib/threading.py``.
"""
from __future__ import annotations

import itertools as _itertools
import os.path as _os_path
import sys as _sys
from operator import itemgetter as _itemgetter
from weakref import WeakSet as _WeakSet
import warnings as _warnings
from typing import Any, Callable, Optional

from greenlet import GreenletExit  # type: ignore[import-untyped]

from ..kernel import SimThread, WaitQueue, current_world, maybe_current_world
from ..kernel.thread import ALIVE as _ALIVE
from ..kernel.trace import caller_where
from ..sync import TIMEOUT_MAX, Lock, RLock
from ..sync import (Barrier, BoundedSemaphore, BrokenBarrierError, Condition, Event, Semaphore)
from . import _thread as _thread_face
from ._thread import get_ident, get_native_id, stack_size  # as CPython takes them from _thread
from ._traceback import format_user_exception, record_uncaught as _record_uncaught
from .state import face_state as _face_state
from .unraisable import Shown as _Shown, write_unraisable as _write_unraisable

__all__ = ['get_ident', 'active_count', 'Condition', 'current_thread', 'enumerate', 'main_thread',
           'TIMEOUT_MAX', 'Event', 'Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Thread',
           'Barrier', 'BrokenBarrierError', 'Timer', 'ThreadError', 'ExceptHookArgs',
           'setprofile', 'settrace', 'local', 'stack_size', 'excepthook', 'get_native_id',
           'getprofile', 'gettrace']

ThreadError = RuntimeError

# CPython has two RLocks, the C one (``_CRLock``, what ``RLock()`` makes) and the pure-Python one
# (``_PyRLock``); simconc has one, which stands for both.
_CRLock = _PyRLock = RLock


def _fresh_state() -> dict[str, Any]:
    """Module attributes that each execution's copy of this module gets anew."""
    return {"_dangling": _WeakSet(), "_counter": _itertools.count(1).__next__, "_active": {}}


_dangling: _WeakSet[Any] = _WeakSet()
_active: dict = {}   # (each execution's module has its own: see _fresh_state)


def _module(world: Any) -> Any:
    """``world``'s own copy of this module, the one its program imported (None if the runner
    made none: the face used directly)."""
    return _face_state(world).modules.get("threading")


def _newname(name_template: str = "Thread-%d", world: Any = None) -> str:
    # CPython's: the next number from the module's _counter (this execution's module, where a
    # program or a test may have replaced it); the template module keeps a count per world.
    if world is None:
        world = current_world()
    module = _module(world)
    if module is not None:
        return name_template % module._counter()
    state = _face_state(world)
    state.names += 1
    return name_template % state.names


def current_thread() -> "Thread":
    return _current_face(current_world())


def _current_face(world: Any) -> "Thread":
    sim = world.current_thread()
    face = sim.face
    if face is None:  # started with _thread.start_new_thread: CPython makes a _DummyThread
        face = _DummyThread(sim)
    return face


def currentThread() -> "Thread":
    """Return the current Thread object, corresponding to the caller's thread of control.

    This function is deprecated, use current_thread() instead.
    """
    _warnings.warn('currentThread() is deprecated, use current_thread() instead',
                  DeprecationWarning, stacklevel=2)
    return current_thread()


def main_thread() -> "Thread":
    return current_world().current_interpreter().main.face   # type: ignore[union-attr]


def enumerate() -> list["Thread"]:
    # One step, reading every thread's liveness at once: a thread's start and its end are
    # ordered against it. As CPython does, a thread being started is listed already.
    world = current_world()
    world.point(_ALIVE, "r")
    return [t for t in _face_state().active.values()
            if t._sim is None or t._sim.state != "done"]


def active_count() -> int:
    return len(enumerate())


def activeCount() -> int:
    """Return the number of Thread objects currently alive.

    This function is deprecated, use active_count() instead.
    """
    _warnings.warn('activeCount() is deprecated, use active_count() instead',
                  DeprecationWarning, stacklevel=2)
    return active_count()


# The hooks a program sets for the threads it starts: this execution's (threading's own globals
# would carry them over to the next execution).
def _hooks() -> dict:
    world = maybe_current_world()
    return _face_state(world).hooks if world is not None else _outside_hooks


_outside_hooks: dict = {}


def setprofile(func: Any) -> None:
    _hooks()["profile"] = func


def settrace(func: Any) -> None:
    _hooks()["trace"] = func


def getprofile() -> Any:
    return _hooks().get("profile")


def gettrace() -> Any:
    return _hooks().get("trace")


if _sys.version_info >= (3, 12):
    def setprofile_all_threads(func: Any) -> None:
        """Set a profile function for all threads started from the threading module and all
        Python threads that are currently executing."""
        setprofile(func)
        _sys.setprofile(func)   # (the simulated threads are greenlets of one OS thread)

    def settrace_all_threads(func: Any) -> None:
        """Set a trace function for all threads started from the threading module and all
        Python threads that are currently executing."""
        settrace(func)
        _sys.settrace(func)

    __all__ += ['setprofile_all_threads', 'settrace_all_threads']


class ExceptHookArgs(tuple):
    """``threading.excepthook``'s argument: CPython's ``_thread._ExceptHookArgs``, a struct
    sequence, made from one 4-sequence (exc_type, exc_value, exc_traceback, thread)."""

    __slots__ = ()
    n_sequence_fields = n_fields = 4
    n_unnamed_fields = 0
    __match_args__ = ("exc_type", "exc_value", "exc_traceback", "thread")

    def __new__(cls, sequence: Any, dict: Any = None) -> "ExceptHookArgs":
        items = tuple(sequence)
        if len(items) != 4:
            raise TypeError(f"_thread._ExceptHookArgs() takes a 4-sequence "
                            f"({len(items)}-sequence given)")
        return super().__new__(cls, items)

    exc_type = property(_itemgetter(0), doc="Exception type")
    exc_value = property(_itemgetter(1), doc="Exception value")
    exc_traceback = property(_itemgetter(2), doc="Exception traceback")
    thread = property(_itemgetter(3), doc="Thread")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self.__match_args__, self))
        return f"_thread._ExceptHookArgs({fields})"

    def __reduce__(self) -> Any:
        return (type(self), (tuple(self),))


ExceptHookArgs.__module__, ExceptHookArgs.__name__ = "_thread", "_ExceptHookArgs"
ExceptHookArgs.__qualname__ = "_ExceptHookArgs"


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
    _sim_hash = 0

    def __hash__(self) -> int:
        # By when it was made, not by its address: a set of threads (ThreadPoolExecutor's
        # _threads, which shutdown() joins in the set's order) iterates in the same order in
        # every run. (Equality stays identity, as CPython's.)
        return self._sim_hash

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
        self._native_id: Optional[int] = None
        self._sim: Optional[SimThread] = None
        self._sim_started = False
        # key None: nothing but this thread's start observes this wait (see WaitQueue.key).
        self._sim_started_queue = WaitQueue(world, self, None, name)   # (waits for it to start)
        self._initialized = True
        state = _face_state(world)
        state.hashed += 1
        self._sim_hash = state.hashed
        self._invoke_excepthook = _make_invoke_excepthook()
        module = _module(world)
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
        _face_state(world).active[sim.program_ident] = self   # after start's step (see enumerate)
        sim.on_finish = self._sim_forget
        # As CPython does: wait until the new thread has really started running.
        while not self._sim_started:
            self._sim_started_queue.park(where=where)

    def _bootstrap(self) -> None:
        self._ident = self._sim.program_ident   # type: ignore[union-attr]   # (started)
        self._native_id = self._sim.ident   # type: ignore[union-attr]
        self._sim_started = True
        self._sim_started_queue.unpark_all()
        try:
            self.run()
        except GreenletExit:
            raise  # the run is over and simconc is unwinding this thread: not the program's error
        except BaseException as exc:
            if exc is self._sim.world.fatal:   # type: ignore[union-attr]
                raise   # simconc's own refusal, which stops the run: not the program's error
            self._invoke_excepthook(self)

    def _sim_attach(self, sim: SimThread) -> None:
        """This object is the face of ``sim``, a running process's main thread."""
        self._sim = sim
        self._ident = sim.program_ident
        self._native_id = sim.ident
        self._sim_started = True
        sim.face = self
        _face_state().active[sim.program_ident] = self

    def _sim_forget(self) -> None:
        """The thread has ended (kernel's ``on_finish``): it leaves ``threading._active``, as
        CPython's does, and its thread-local data goes with it."""
        state = _face_state()
        ident: int = self._ident   # type: ignore[assignment]   # (it ran: it has one)
        state.active.pop(ident, None)
        for dicts in state.locals.pop(ident, ()):
            dicts.pop(ident, None)

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
        sim = self._sim_here()
        if sim is me:
            raise RuntimeError("cannot join current thread")
        if sim is None:
            return   # (stopped by a fork)
        where = caller_where(1) if world.tracing else None
        if timeout is None:
            world.point(sim.alive_key, "join", sim.ended, sim.done)
        else:
            world.point(sim.alive_key, "r")
        if world.tracing:
            world.record(me, "join", self._name, where, 0, sim.alive_key)
        if sim.done.wait(sim.ended, timeout, where) and timeout is None:
            world.joined(sim)

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
            self._sim.name = self._sim.interpreter.prefix + self._name

    @property
    def ident(self) -> Optional[int]:
        assert self._initialized, "Thread.__init__() not called"
        return self._ident

    @property
    def native_id(self) -> Optional[int]:
        assert self._initialized, "Thread.__init__() not called"
        return self._native_id

    def _set_native_id(self) -> None:
        self._native_id = get_native_id()

    def is_alive(self) -> bool:
        assert self._initialized, "Thread.__init__() not called"
        sim = self._sim_here() if self._sim is not None else None
        if sim is None:
            return False
        current_world().point(sim.alive_key, "r")
        return self._sim_started and sim.state != "done"

    def _sim_here(self) -> Optional[SimThread]:
        """The thread of the running process this (started) thread is. Seen from a forked
        child, a thread of its parent (the child's copy of its object, or the parent's own,
        which the child reaches through a module the processes share) is the child's main
        thread if it is the one that forked, as ``fork()`` keeps the thread that called it;
        any other is stopped, as ``threading._after_fork`` stops it: None."""
        sim: SimThread = self._sim   # type: ignore[assignment]
        interpreter = sim.world.current_interpreter()
        if sim.interpreter is interpreter:
            return sim
        if sim is _face_state(sim.world).forked_from:
            return interpreter.main
        return None

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

    # The old names, deprecated since 3.10 with CPython's own warnings.
    def isDaemon(self) -> bool:
        _warnings.warn('isDaemon() is deprecated, get the daemon attribute instead',
                      DeprecationWarning, stacklevel=2)
        return self.daemon

    def setDaemon(self, daemonic: bool) -> None:
        _warnings.warn('setDaemon() is deprecated, set the daemon attribute instead',
                      DeprecationWarning, stacklevel=2)
        self.daemon = daemonic

    def getName(self) -> str:
        _warnings.warn('getName() is deprecated, get the name attribute instead',
                      DeprecationWarning, stacklevel=2)
        return self.name

    def setName(self, name: str) -> None:
        _warnings.warn('setName() is deprecated, set the name attribute instead',
                      DeprecationWarning, stacklevel=2)
        self.name = name

    def __repr__(self) -> str:
        assert self._initialized, "Thread.__init__() was not called"
        status = "initial"
        if self._sim_started:
            status = "started"
        if self._sim is not None and (self._sim.state == "done" or self._sim_here() is None):
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
        world = current_world()
        module = _module(world)
        hook = getattr(module, "excepthook", excepthook) if module is not None else excepthook
        exc_type, exc_value, exc_tb = _sys.exc_info()
        # (called in an except clause: there is an exception; CPython's hook ignores SystemExit:
        # not a failure)
        if not issubclass(exc_type, SystemExit):  # type: ignore[arg-type]
            # (its name and message, not the exception: its traceback would keep the thread's
            # frames, and the Thread, alive for the rest of the run)
            _face_state(world).thread_exceptions.append(
                (thread.name, world.now, exc_type.__name__,  # type: ignore[union-attr]
                 str(exc_value)))
            _record_uncaught(world, thread._sim, exc_value)  # type: ignore[arg-type]
        try:
            hook(ExceptHookArgs([exc_type, exc_value, exc_tb, thread]))
        except Exception as exc:
            exc.__suppress_context__ = True
            _sys.stderr.write("Exception in threading.excepthook:\n")
            _sys.stderr.flush()
            if _sys.excepthook is _sys.__excepthook__:   # (the traceback without simconc's frames)
                _sys.stderr.write(format_user_exception(type(exc), exc, exc.__traceback__))
            else:   # as CPython does: the program's own sys.excepthook reports it
                _sys.excepthook(type(exc), exc, exc.__traceback__)
        finally:
            exc_type = exc_value = exc_tb = None
    return invoke_excepthook


class _MainThread(Thread):
    def __init__(self) -> None:
        Thread.__init__(self, name="MainThread", daemon=False)


class _DummyThread(Thread):
    """A thread started with ``_thread.start_new_thread``, seen through ``current_thread()``."""

    def __init__(self, sim: SimThread) -> None:
        active = _face_state().active
        Thread.__init__(self, name=_newname("Dummy-%d"), daemon=True)  # CPython's one counter
        self._sim = sim
        self._ident = sim.program_ident
        self._native_id = sim.ident
        self._sim_started = True
        sim.face = self
        active[sim.program_ident] = self

    def is_alive(self) -> bool:
        # CPython takes a foreign thread for alive for good (3.10 to 3.12); 3.13 asks its handle.
        if _sys.version_info < (3, 13) or self._sim.state != "done":  # type: ignore[union-attr]
            return True
        raise RuntimeError("thread is not alive")

    def join(self, timeout: Optional[float] = None) -> None:
        if _sys.version_info >= (3, 13):
            raise RuntimeError("cannot join a dummy thread")
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
    ``__dict__``, swapped in on every attribute access (nothing can switch threads in between).
    A thread's dictionary goes when the thread ends."""

    __slots__ = ("_local__impl", "__dict__", "__weakref__")

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
        d = dicts[ident] = {}
        # Forgotten when the thread ends (Thread._bootstrap), as CPython drops a dead thread's.
        _face_state().locals.setdefault(ident, []).append(dicts)
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


local.__getattribute__ = _local_getattribute  # type: ignore[method-assign, assignment]
local.__setattr__ = _local_setattr  # type: ignore[method-assign, assignment]
local.__delattr__ = _local_delattr  # type: ignore[method-assign, assignment]

# CPython's threading.local is _thread._local, and prints as such.
local.__module__, local.__name__, local.__qualname__ = "_thread", "_local", "_local"
_thread_face._local = local  # type: ignore[attr-defined]


_HAVE_THREAD_NATIVE_ID = True


def _register_atexit(func: Callable[..., Any], *arg: Any, **kwargs: Any) -> None:
    """Call ``func`` when the main thread's code has returned, before the interpreter waits for
    the non-daemon threads (CPython's hook, which concurrent.futures relies on)."""
    interpreter = current_world().current_interpreter()
    if interpreter.main_returned:
        raise RuntimeError("can't register atexit after shutdown")
    calls = _face_state().thread_atexits
    if not calls:
        interpreter.shutdown_hooks.append(_at_shutdown)
    calls.append((func, arg, kwargs))


def _shutdown() -> None:
    """CPython's, which a forked child's ``_bootstrap`` calls as it ends: once, the calls
    ``_register_atexit`` registered (an exception comes out of it), then wait for the
    non-daemon threads. The kernel does the same as a process's main thread returns."""
    world = current_world()
    interpreter = world.current_interpreter()
    if interpreter.main_returned:
        return
    interpreter.main_returned = True
    _run_atexits()
    world.wait_for_threads(interpreter)


def _run_atexits() -> None:
    # (last registered first; an exception stops them, as CPython's loop has no handler)
    calls = _face_state().thread_atexits
    while calls:
        func, arg, kwargs = calls.pop()
        func(*arg, **kwargs)


def _at_shutdown() -> None:
    """The kernel's shutdown hook: ``_run_atexits``, an exception reported as CPython's
    interpreter reports one out of ``threading._shutdown``."""
    try:
        _run_atexits()
    except GreenletExit:
        raise
    except Exception as exc:
        if exc is current_world().fatal:
            raise
        if _sys.version_info >= (3, 13):
            _write_unraisable(exc, "Exception ignored on threading shutdown")
        else:
            _write_unraisable(exc, None, _Shown(_REAL_MODULE))


#: How CPython's interpreter names the threading module, whose _shutdown failed (it is in
#: the standard library's directory, as warnings is).
_REAL_MODULE = "<module 'threading' from %r>" % _os_path.join(
    _os_path.dirname(_warnings.__file__), "threading.py")


# Named as CPython names them (reprs, tracebacks, pickles): threading's own are threading's, what
# it takes from _thread (get_ident, stack_size...) is _thread's.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", None) == __name__:
        _obj.__module__ = "threading"
