"""asyncio's event loop on the simulated clock: CPython's own asyncio, with a selector that lets
simulated time pass instead of waiting on real file descriptors.

A run imports asyncio afresh for its program (the runner hides the one imported before, and
blocks the C accelerator ``_asyncio``, whose state would be the first asyncio's): its modules
then bind the face's ``time`` and ``threading``, and its pure-Python tasks and futures keep the
running loop in the face's thread-local. :func:`install` is called on that fresh package: its
event loop policy, and ``asyncio.SelectorEventLoop``, make :class:`SimulatedSelector` loops, whose
``time()`` is the simulated clock. A ``select(timeout)`` is a park on the loop's own queue for
``timeout`` simulated seconds (it releases the GIL, as a real select does), which another
thread's ``call_soon_threadsafe`` ends early; there is no self-pipe. The simulated sockets a
program makes (``sockets.py``: ``asyncio.start_server``, ``open_connection``) are watched as a
real loop watches its descriptors. ``add_signal_handler``
sets a handler of the simulated process (``signals.py``) that schedules the callback.
"""
from __future__ import annotations

import errno
import itertools
import os
import selectors
import signal
import sys
import traceback
import types
from typing import Any, Optional, cast

from greenlet import GreenletExit  # type: ignore[import-untyped]

from ..kernel import current_world, maybe_current_world
from ..kernel.errors import UnsimulatedError
from ..kernel.trace import Where
from ..kernel.waitqueue import WaitQueue
from . import selecting, signals, sockets
from ._traceback import ACCELERATED, SIMCONC_FILES, visible_stack
from .asyncio_c import (ACCELERATED_LINES, ORIGIN_EXTRA, c_signatures, drop_accelerated_chain,
                        install_unawaited_warning, name_wakeup_as_c, ASKED_DEPTH)
from .refusal import refuse as _refuse


class SimulatedSelector(selectors._BaseSelectorImpl):   # type: ignore[name-defined, misc]
    """What a simulated event loop waits in: for time to pass, for another thread's wake-up,
    and for the simulated sockets it watches (``sockets.py``). Real file descriptors (a real
    socket, a pipe) are refused: no real IO is simulated."""

    #: What a thread parked here waits for, as a deadlock report names it (a task awaits what
    #: nothing will ever complete: the loop waits with no timer due).
    _sim_label = "asyncio's event loop (no task ready, no timer due)"
    _fd_to_key: dict[int, selectors.SelectorKey]   # (the base class's: private, untyped)

    def __init__(self) -> None:
        super().__init__()
        world = current_world()
        self._queue = WaitQueue(world, self, world.name_new(self), "select")
        self._woken = False
        self._closed = False
        #: Simulated seconds the loop's clock is ahead of the world's: under untimed semantics
        #: no time passes, so a wait that timed out moves the loop's own clock to its deadline.
        self.skipped = 0.0

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        if sockets.endpoint_of(selecting.fd_of(fileobj)) is None:
            _refuse(UnsimulatedError(
                "the simulated program's event loop was asked to wait on a real file "
                "descriptor (a real socket, a pipe): simconc simulates asyncio's tasks, timers, "
                "queues and locks, and the sockets the program makes, not real IO."))
        return super().register(fileobj, events, data)

    def time(self) -> float:
        return current_world().read_clock() + self.skipped

    def select(self, timeout: Optional[float] = None) -> list:
        keys = [(key, sockets.endpoint_of(key.fd)) for key in self._fd_to_key.values()]

        def done() -> bool:
            return self._woken or bool(selecting.ready_keys(keys))
        # (with sockets to watch, the loop waits where their waiters do: a send wakes it)
        queue = sockets.loopback().queue if keys else self._queue
        if keys:
            sockets._enter(current_world())
        if not done():
            if timeout is None:
                queue.wait(done)
            elif timeout > 0:
                deadline = self.time() + timeout
                if not queue.wait(done, timeout):
                    self.skipped += max(0.0, deadline - self.time())
        self._woken = False
        return selecting.ready_keys(keys)

    def _was_woken(self) -> bool:
        return self._woken

    def wake(self) -> None:
        """What a byte written to the self-pipe does: the loop's select returns."""
        world = maybe_current_world()
        if world is not None:
            # (a step on what the loop's wait touches: an exploration orders the two)
            world.point(sockets.LOCATION if self._fd_to_key else self._queue.key, "w")
        self._woken = True
        if world is not None:
            if self._queue.waiters:
                self._queue.unpark_all()
            if self._fd_to_key:
                sockets.loopback(world).queue.unpark_ready()

    def close(self) -> None:
        self._closed = True
        super().close()


def _set_handler(sig: int, handler: Any) -> None:
    """The simulated process's handler of ``sig``, with asyncio's error for one that cannot be
    caught (``SIGKILL``: CPython's ``signal.signal`` raises ``OSError(EINVAL)``)."""
    try:
        signals.signal(sig, handler)
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            raise RuntimeError(f"sig {sig:d} cannot be caught")
        raise


def install(asyncio: types.ModuleType) -> None:
    """Make the freshly imported ``asyncio`` package's loops simulated ones."""
    base = asyncio.SelectorEventLoop
    wakeup = asyncio.tasks.Task._Task__wakeup

    class SimulatedEventLoop(base):   # type: ignore[misc, valid-type]
        """asyncio's selector event loop, on simulated time (simconc)."""

        def __init__(self, selector: Any = None) -> None:
            super().__init__(SimulatedSelector() if selector is None else selector)

        def time(self) -> float:
            return self._selector.time()

        def call_soon(self, callback: Any, *args: Any, context: Any = None) -> Any:
            handle = super().call_soon(callback, *args, context=context)
            if getattr(callback, "__func__", None) is wakeup:   # (what it awaited is done)
                world = maybe_current_world()
                task = callback.__self__
                if world is not None and world.timeline and world.current is not None \
                        and _traced(task):
                    world.record(world.current, "task-ready", _task_name(task), skip=None,
                                 key=id(task))
            return handle

        def run_forever(self) -> None:
            try:
                super().run_forever()
            except GreenletExit:
                # The run is over (a deadlock, a cut-short execution): its tasks' coroutines
                # are closed now, in the simulation, not by the collector after it, where
                # their clean-up (a finally that joins a thread) would reach for a world gone.
                for task in sorted(asyncio.all_tasks(self), key=lambda t: t.get_name()):
                    try:
                        task.get_coro().close()
                    except BaseException:
                        pass
                raise

        def _make_self_pipe(self) -> None:
            self._ssock = self._csock = None
            self._internal_fds = 0

        def _close_self_pipe(self) -> None:
            pass

        def _write_to_self(self) -> None:
            selector = self._selector
            if selector is not None:
                selector.wake()

        def _read_from_self(self) -> None:
            pass

        # asyncio's own (unix_events), but for the wakeup descriptor: where the real loop has
        # the C handler write the signal's number to it, for the loop to read and schedule the
        # callback, the simulated process's handler (signals.py, run in the main thread, its
        # wait interrupted) schedules it and wakes the loop itself.
        def add_signal_handler(self, sig: int, callback: Any, *args: Any) -> None:
            if asyncio.coroutines.iscoroutine(callback) \
                    or asyncio.coroutines.iscoroutinefunction(callback):
                raise TypeError("coroutines cannot be used with add_signal_handler()")
            self._check_signal(sig)
            self._check_closed()
            world = current_world()
            if world.current_thread() is not world.current_interpreter().main:
                raise RuntimeError("set_wakeup_fd only works in main thread of the main "
                                   "interpreter")
            self._signal_handlers[sig] = asyncio.events.Handle(callback, args, self, None)
            try:
                _set_handler(sig, self._simulated_signal)
            except BaseException:
                del self._signal_handlers[sig]
                raise

        def remove_signal_handler(self, sig: int) -> bool:
            self._check_signal(sig)
            try:
                del self._signal_handlers[sig]
            except KeyError:
                return False
            _set_handler(sig, signal.default_int_handler if sig == signal.SIGINT
                         else signal.SIG_DFL)
            return True

        def _simulated_signal(self, signum: int, frame: Any) -> None:
            self._handle_signal(signum)

        def call_exception_handler(self, context: dict) -> None:
            # What the handler logs (a task's exception never retrieved, one raised during
            # asyncio.run's shutdown) is formatted from the exception's traceback and those it
            # chains: without the frames of the pure-Python futures' own, as CPython's C ones
            # leave none ("return await future" is the last line).
            exception = context.get("exception")
            if isinstance(exception, BaseException):
                drop_accelerated_chain(exception)
            super().call_exception_handler(context)

        def _set_coroutine_origin_tracking(self, enabled: bool) -> None:
            # Where debug mode says a coroutine never awaited was made: the frames of a run
            # (simconc's, the pure-Python task's step) would take up the room of the program's
            # outer ones, so more are recorded, and those CPython never has are left out as the
            # warning is made (_warn_unawaited_coroutine).
            was = self._coroutine_origin_tracking_enabled
            super()._set_coroutine_origin_tracking(enabled)
            if enabled and not was and self._coroutine_origin_tracking_enabled:
                depth = sys.get_coroutine_origin_tracking_depth()
                ASKED_DEPTH[0] = depth
                sys.set_coroutine_origin_tracking_depth(depth + ORIGIN_EXTRA)

    SimulatedEventLoop.__module__ = "asyncio.unix_events"
    SimulatedEventLoop.__qualname__ = SimulatedEventLoop.__name__ = base.__name__

    # Every name a program makes a loop by is this run's: SelectorEventLoop, 3.13's EventLoop,
    # and the default policy's class, which asyncio instantiates afresh after a program's
    # set_event_loop_policy(None) (this run's own class: patched freely).
    for module in (asyncio, getattr(asyncio, "unix_events", None)):
        for name in ("SelectorEventLoop", "EventLoop"):
            if module is not None and hasattr(module, name):
                setattr(module, name, SimulatedEventLoop)
    policy = asyncio.DefaultEventLoopPolicy
    policy._loop_factory = SimulatedEventLoop
    asyncio.events._event_loop_policy = policy()
    _hide_accelerated(asyncio)
    c_signatures(asyncio)
    _trace_tasks(asyncio)
    name_wakeup_as_c(asyncio)
    install_unawaited_warning()


#: The functions of asyncio's modules that CPython's C accelerator replaces (``from _asyncio
#: import ...`` in each), beside Future's and Task's methods.
_ACCELERATED_FUNCTIONS = {
    "tasks": ("current_task", "_register_task", "_register_eager_task", "_unregister_task",
              "_unregister_eager_task", "_enter_task", "_leave_task", "_swap_current_task"),
    "events": ("get_running_loop", "_get_running_loop", "_set_running_loop", "get_event_loop"),
}


def _hide_accelerated(asyncio: types.ModuleType) -> None:
    """A run's asyncio is pure Python where CPython's is C (``_asyncio``): its tracebacks and
    debug mode's records of where a task was made would show frames of Future's and Task's
    own that CPython's never have. Name them (``_traceback.ACCELERATED``), and make debug
    mode's stack records leave them out (and simconc's), as the C future's does."""
    codes = []
    for cls in (asyncio.futures.Future, asyncio.tasks.Task):
        for value in vars(cls).values():
            value = getattr(value, "fget", value)   # (a property's getter)
            value = getattr(value, "__func__", value)   # (a classmethod's function)
            if isinstance(value, types.FunctionType):
                codes.append(value.__code__)
    for module, names in _ACCELERATED_FUNCTIONS.items():
        namespace = vars(getattr(asyncio, module))
        codes += [namespace[name].__code__ for name in names
                  if isinstance(namespace.get(name), types.FunctionType)]
    ACCELERATED.update((code.co_filename, code.co_firstlineno, code.co_name) for code in codes)
    ACCELERATED_LINES.update((code.co_filename, line, code.co_name) for code in codes
                              for _, _, line in code.co_lines() if line is not None)
    helpers = asyncio.format_helpers
    future_init = asyncio.futures.Future.__init__.__code__

    def extract_stack(f: Any = None, limit: Optional[int] = None) -> Any:
        if f is None:
            f = sys._getframe().f_back
        if sys._getframe(1).f_code is future_init:
            limit = None   # (the C future takes the whole stack: traceback.extract_stack())
        elif limit is None:
            limit = asyncio.constants.DEBUG_STACK_DEPTH
        # (f itself is kept: Task.__init__ takes its own frame off the record it gets; but not
        # the wrapper with C's argument errors that Future.__init__ is called through)
        while f.f_back is not None and f.f_code.co_filename.startswith(SIMCONC_FILES):
            f = f.f_back
        frames = itertools.chain([(f, f.f_lineno)], visible_stack(f.f_back))
        stack = traceback.StackSummary.extract(frames, limit=limit, lookup_lines=False)
        stack.reverse()
        return stack

    extract_stack.__doc__ = helpers.extract_stack.__doc__
    helpers.extract_stack = extract_stack


def _trace_tasks(asyncio: types.ModuleType) -> None:
    """For a timeline, a task's life on the trace: when it is made, when a step of it runs,
    and what it awaits when the step ends (this run's own Task class: patched freely)."""
    task_class = asyncio.tasks.Task
    init, step = task_class.__init__, task_class._Task__step
    home = os.path.dirname(cast(str, asyncio.__file__)) + os.sep   # (a package: it has a file)

    def traced(task: Any) -> Any:
        world = maybe_current_world()
        if world is None or not world.timeline or world.current is None:
            return None
        return world if _traced(task) else None

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        world = traced(self)
        if world is not None:
            world.record(world.current, "task-new", _task_name(self), skip=None, key=id(self))

    def _Task__step(self: Any, exc: Any = None) -> None:
        # (``self`` is dropped as the step ends, as asyncio's own __step drops it: the frame
        # stays alive in the traceback of the exception a failed task keeps, which would keep
        # the task; one nobody holds must go at once, and report its exception never
        # retrieved to the loop's exception handler)
        world = traced(self)
        if world is None:
            try:
                return step(self, exc)
            finally:
                _kept_as_c_keeps_it(self)
                self = exc = None
        thread, name = world.current, _task_name(self)
        world.record(thread, "task-run", name, skip=None, key=id(self))
        try:
            return step(self, exc)
        finally:
            _kept_as_c_keeps_it(self)
            if self.done():
                world.record(thread, "task-done", name, skip=None, key=id(self))
            elif self._fut_waiter is None:
                world.record(thread, "task-yield", name, skip=None, key=id(self))
            else:
                what, where = _awaiting(self, home)
                world.record(thread, "task-wait", name, where, None, id(self), detail=what)
            self = exc = None

    __init__.__doc__ = init.__doc__
    task_class.__init__ = __init__
    task_class._Task__step = _Task__step


def _kept_as_c_keeps_it(task: Any) -> None:
    """A task that failed keeps its exception with the traceback CPython's C task would have:
    no frame of the pure-Python task's own (``__step``), nor of the futures it awaited."""
    failure = task._exception
    if failure is not None and failure.__traceback__ is not None:
        # (and the exceptions it chains: a CancelledError thrown into the coroutine by the
        # pure-Python task has the frames that took it from the future it awaited)
        drop_accelerated_chain(failure)
        if hasattr(task, "_exception_tb"):   # (3.11+)
            task._exception_tb = failure.__traceback__


def _traced(task: Any) -> bool:
    """Whether ``task`` is the program's: not one of asyncio.run's own clean-up tasks."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code is None or os.path.basename(code.co_filename) != "base_events.py" \
        or os.path.basename(os.path.dirname(code.co_filename)) != "asyncio"


def _task_name(task: Any) -> str:
    """A task as a timeline names it: ``Task-2 (download)``, as a thread ``Thread-1 (add)``."""
    code = getattr(task.get_coro(), "cr_code", None)
    return f"{task.get_name()} ({code.co_name})" if code is not None else task.get_name()


def _awaiting(task: Any, home: str) -> tuple[str, Optional[Where]]:
    """What a suspended task awaits (asyncio's coroutine it is in, ``sleep``, ``Queue.get``; or
    the future: another task, ``gather``), and the program's line that awaits it."""
    coro, what, where = task.get_coro(), "", None
    while coro is not None:
        code, frame = getattr(coro, "cr_code", None), getattr(coro, "cr_frame", None)
        if code is None or frame is None:
            break
        if code.co_filename.startswith(home):
            if not what:
                what = getattr(code, "co_qualname", None) or _qualname(code, frame)
        else:
            where = Where(code.co_filename, frame.f_lineno, code.co_name)
        coro = coro.cr_await
    if not what:
        waited = task._fut_waiter
        what = (_task_name(waited) if hasattr(waited, "get_coro")
                else "gather" if type(waited).__name__ == "_GatheringFuture" else "a future")
    return what, where


def _qualname(code: Any, frame: Any) -> str:
    """3.10's code has no ``co_qualname``: a method's class from its ``self``."""
    owner = frame.f_locals.get("self")
    return f"{type(owner).__name__}.{code.co_name}" if owner is not None else code.co_name
