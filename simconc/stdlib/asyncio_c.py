"""What CPython's C accelerator (``_asyncio``) makes of asyncio's futures and tasks, for the
pure-Python ones a run uses (asyncio_loop.py says why): a program that calls them wrongly gets
the C methods' errors, a future a task awaits names its callback as C does, what asyncio logs
and the warning of a coroutine never awaited show the frames CPython would, none of the
pure-Python task's or simconc's.
"""
from __future__ import annotations

import sys
import traceback
import types
from typing import Any, Optional

from greenlet import getcurrent  # type: ignore[import-untyped]

from ..kernel import maybe_current_world
from ._traceback import ACCELERATED, SIMCONC_FILES, drop_accelerated


#: How CPython's C classes parse a method's arguments, which their messages on a wrong call
#: follow: METH_NOARGS ("Future.result() takes no arguments (1 given)"), METH_O ("... takes
#: exactly one argument"), and Argument Clinic's parser (getargs.c, _PyArg_UnpackKeywords:
#: "cancel() takes at most 1 argument"), whose methods without arguments 3.12 and 3.13 check
#: themselves ("exception() takes no arguments"; 3.12 lets keywords through).
_NOARGS, _ONE, _CLINIC, _CLINIC_NOARGS = "noargs", "one", "clinic", "clinic-noargs"
_V = sys.version_info[:2]


def _future_specs() -> dict[str, tuple]:
    """Future's methods (Task's too, where Task does not define its own), by name: (kind,
    then for Argument Clinic: parameters, how many positional-only, fewest and most
    positional)."""
    new_clinic = _V >= (3, 12)   # (set_result... by Argument Clinic, with their class)
    specs: dict[str, tuple] = {
        "__init__": (_CLINIC, ("loop",), 0, 0, 0),
        "result": (_NOARGS,), "done": (_NOARGS,), "cancelled": (_NOARGS,),
        "_make_cancelled_error": (_NOARGS,),
        "exception": (_CLINIC_NOARGS,) if new_clinic else (_NOARGS,),
        "get_loop": (_CLINIC_NOARGS,) if new_clinic else (_NOARGS,),
        "add_done_callback": (_CLINIC, ("fn", "context"), 1, 1, 1),
        "cancel": (_CLINIC, ("msg",), 0, 0, 1),
    }
    for name, parameter in (("set_result", "result"), ("set_exception", "exception"),
                            ("remove_done_callback", "fn")):
        specs[name] = (_CLINIC, (parameter,), 1, 1, 1) if new_clinic else (_ONE,)
    return specs


def _task_specs() -> dict[str, tuple]:
    parameters = ("coro", "loop", "name") + (("context",) if _V >= (3, 11) else ()) \
        + (("eager_start",) if _V >= (3, 12) else ())
    specs: dict[str, tuple] = {
        "__init__": (_CLINIC, parameters, 0, 1, 1),
        "get_coro": (_NOARGS,), "get_name": (_NOARGS,), "set_name": (_ONE,),
        "set_result": (_ONE,), "set_exception": (_ONE,),
        "get_stack": (_CLINIC, ("limit",), 0, 0, 0),
        "print_stack": (_CLINIC, ("limit", "file"), 0, 0, 0),
        "cancel": (_CLINIC, ("msg",), 0, 0, 1),
    }
    for name, since in (("cancelling", (3, 11)), ("uncancel", (3, 11)),
                        ("get_context", (3, 12))):
        if _V >= since:
            specs[name] = (_NOARGS,)
    return specs


def _argument_error(spec: tuple, name: str, owner: str, args: tuple,
                    kwargs: dict) -> Optional[str]:
    """CPython's message for a call of C method ``name`` (of class ``owner``) with ``args``
    and ``kwargs`` it does not take; None if it takes them."""
    kind, nargs = spec[0], len(args)
    if kind == _NOARGS or kind == _ONE:
        qualname = f"{owner}.{name}()"
        if kwargs:
            return f"{qualname} takes no keyword arguments"
        if kind == _NOARGS:
            return f"{qualname} takes no arguments ({nargs} given)" if nargs else None
        return f"{qualname} takes exactly one argument ({nargs} given)" if nargs != 1 else None
    if kind == _CLINIC_NOARGS:
        return f"{name}() takes no arguments" if nargs or (kwargs and _V >= (3, 13)) else None
    parameters, posonly, minpos, maxpos = spec[1:]
    fname = owner if name == "__init__" else name
    given, most = nargs + len(kwargs), len(parameters)
    if given > most:
        return (f"{fname}() takes at most {most} {'' if nargs else 'keyword '}"
                f"argument{'' if most == 1 else 's'} ({given} given)")
    if nargs > maxpos:
        if maxpos == 0:
            return f"{fname}() takes no positional arguments"
        return (f"{fname}() takes {'at most' if minpos < maxpos else 'exactly'} {maxpos} "
                f"positional argument{'' if maxpos == 1 else 's'} ({nargs} given)")
    fewest = min(posonly, minpos)
    if nargs < fewest:
        return (f"{fname}() takes {'at least' if fewest < maxpos else 'exactly'} {fewest} "
                f"positional argument{'' if fewest == 1 else 's'} ({nargs} given)")
    for i in range(max(nargs, posonly), minpos):
        if parameters[i] not in kwargs:
            return f"{fname}() missing required argument '{parameters[i]}' (pos {i + 1})"
    for i in range(posonly, nargs):
        if parameters[i] in kwargs:
            return (f"argument for {fname}() given by name ('{parameters[i]}') and "
                    f"position ({i + 1})")
    for keyword in kwargs:
        if keyword not in parameters[posonly:]:
            if _V >= (3, 13):
                return f"{fname}() got an unexpected keyword argument '{keyword}'"
            return f"'{keyword}' is an invalid keyword argument for {fname}()"
    return None


def c_signatures(asyncio: types.ModuleType) -> None:
    """Future's and Task's methods with what CPython's C ones say to a wrong call: their
    arguments' errors, the InvalidStateError of a result not set or of a future already done,
    ``set_exception``'s checks (this run's own classes: patched freely). A call with the right
    arguments costs one more call (the pure-Python method's own code runs)."""
    future, task = asyncio.futures.Future, asyncio.tasks.Task
    invalid_state, pending = asyncio.exceptions.InvalidStateError, asyncio.futures._PENDING
    made = []

    def owner_of(self: Any) -> str:
        return "Task" if isinstance(self, task) else "Future"

    def checked(cls: type, name: str, spec: tuple) -> Any:
        method = vars(cls)[name]
        kind, owner = spec[0], cls.__name__
        if kind == _CLINIC:
            # (which keywords each number of positional arguments leaves to be named)
            parameters, posonly, minpos, maxpos = spec[1:]
            named = [frozenset(parameters[max(n, posonly):]) for n in range(maxpos + 1)]

            def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                n = len(args)
                if not (minpos <= n <= maxpos and (not kwargs or kwargs.keys() <= named[n])):
                    message = _argument_error(spec, name, owner, args, kwargs)
                    if message is not None:
                        if name == "__init__" and owner == "Task":
                            self._log_destroy_pending = False   # (C's: not initialized)
                        raise TypeError(message)
                return method(self, *args, **kwargs)
        elif kind == _ONE:
            def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                if kwargs or len(args) != 1:
                    raise TypeError(_argument_error(spec, name, owner_of(self), args, kwargs))
                return method(self, args[0])
        else:
            def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                if args or kwargs:
                    message = _argument_error(spec, name, owner_of(self), args, kwargs)
                    if message is not None:
                        raise TypeError(message)
                return method(self)
        made.append(wrapper.__code__)
        return wrapper

    wrappers: dict[tuple[type, str], Any] = {}
    for cls, specs in ((future, _future_specs()), (task, _task_specs())):
        for name, spec in specs.items():
            if name in vars(cls):
                wrappers[cls, name] = checked(cls, name, spec)
            else:   # (a C Task's own descriptor, named Task's; Python's is inherited)
                wrappers[cls, name] = None

    # The few whose messages are the C future's (around the pure-Python one's code), and the
    # simplest of those an await calls, the pure-Python one's code here: no second call.
    set_result, set_exception = wrappers[future, "set_result"], wrappers[future, "set_exception"]
    copy_context = asyncio.futures.contextvars.copy_context
    cancelled_state, future_specs = asyncio.futures._CANCELLED, _future_specs()

    def wrong(name: str, self: Any, args: tuple, kwargs: dict) -> None:
        message = _argument_error(future_specs[name], name, owner_of(self), args, kwargs)
        if message is not None:
            raise TypeError(message)

    def done(self: Any, *args: Any, **kwargs: Any) -> bool:
        if args or kwargs:
            wrong("done", self, args, kwargs)
        return self._state != pending

    def cancelled(self: Any, *args: Any, **kwargs: Any) -> bool:
        if args or kwargs:
            wrong("cancelled", self, args, kwargs)
        return self._state == cancelled_state

    def get_loop(self: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            wrong("get_loop", self, args, kwargs)
        loop = self._loop
        if loop is None:
            raise RuntimeError("Future object is not initialized.")
        return loop

    def result_set(self: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            wrong("result", self, args, kwargs)
        state = self._state
        if state == cancelled_state:
            raise self._make_cancelled_error()
        if state == pending:
            raise invalid_state("Result is not set.")
        self._Future__log_traceback = False
        if self._exception is not None:
            raise self._exception.with_traceback(self._exception_tb)
        return self._result

    def add_done_callback(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) != 1 or kwargs and (len(kwargs) != 1 or "context" not in kwargs):
            wrong("add_done_callback", self, args, kwargs)
        fn, context = args[0], kwargs.get("context")
        if self._state != pending:
            self._loop.call_soon(fn, self, context=context)
        else:
            if context is None:
                context = copy_context()
            self._callbacks.append((fn, context))

    def settable(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self._state != pending and len(args) == 1 and not kwargs:
            raise invalid_state("invalid state")
        return set_result(self, *args, **kwargs)

    def exception_settable(self: Any, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs:
            exception = args[0]
            if self._state != pending:
                raise invalid_state("invalid state")
            if isinstance(exception, type) and issubclass(exception, BaseException):
                exception = exception()
                if self._state != pending:
                    raise invalid_state("invalid state")
            if not isinstance(exception, BaseException):
                raise TypeError("invalid exception object")
            args = (exception,)
        return set_exception(self, *args, **kwargs)

    for function in (done, cancelled, get_loop, add_done_callback):
        wrappers[future, function.__name__] = function
        made.append(function.__code__)
    wrappers[future, "result"] = result_set
    wrappers[future, "set_result"] = settable
    wrappers[future, "set_exception"] = exception_settable
    made += [result_set.__code__, settable.__code__, exception_settable.__code__]

    for (cls, name), wrapper in wrappers.items():
        if wrapper is None:
            # Task's: Future's wrapper, with Task's name in its messages (owner_of)
            continue
        original = vars(cls)[name]
        wrapper.__name__, wrapper.__qualname__ = original.__name__, original.__qualname__
        wrapper.__module__ = original.__module__
        wrapper.__doc__ = original.__doc__ if name != "__init__" else \
            "Initialize self.  See help(type(self)) for accurate signature."
        setattr(cls, name, wrapper)
    ACCELERATED.update((code.co_filename, code.co_firstlineno, code.co_name) for code in made)


def drop_accelerated_chain(exc: BaseException) -> None:
    """:func:`drop_accelerated` on ``exc`` and on each exception it chains."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        each = todo.pop()
        if id(each) in seen:
            continue
        seen.add(id(each))
        if each.__traceback__ is not None:
            drop_accelerated(each)
        todo += [e for e in (each.__cause__, each.__context__) if e is not None]


def name_wakeup_as_c(asyncio: types.ModuleType) -> None:
    """A future a task awaits names its callback as CPython's does (``cb=[Task.task_wakeup()]``,
    its class's name for a subclass of Task), not ``Task.__wakeup``: in its repr, and in
    "Task was destroyed but it is pending!"."""
    helpers = asyncio.format_helpers
    format_callback = helpers._format_callback
    wakeup = asyncio.tasks.Task._Task__wakeup

    def _format_callback(func: Any, *args: Any, **kwargs: Any) -> str:
        if getattr(func, "__func__", None) is wakeup:
            func = types.SimpleNamespace(
                __qualname__=f"{type(func.__self__).__qualname__}.task_wakeup")
        return format_callback(func, *args, **kwargs)

    helpers._format_callback = _format_callback


#: How many more frames a coroutine made in debug mode records in a run than the program asks
#: for (the run's own, left out again), and how many the program asked for.
ORIGIN_EXTRA = 100
ASKED_DEPTH = [0]
#: (file, line, name) of each line of the functions of :data:`ACCELERATED`: a coroutine's
#: origin names a frame by its current line.
ACCELERATED_LINES: set[tuple[str, int, str]] = set()
_unawaited_installed = False


def install_unawaited_warning() -> None:
    """The warning of a coroutine never awaited (``warnings._warn_unawaited_coroutine``,
    which the interpreter calls) as CPython gives it for the program: where debug mode says
    the coroutine was made, without the frames of simconc's and of the pure-Python task, as
    deep as asked; and if it is collected in simconc's code, not there but where the program
    is (the end of the program: ``sys:1``). Installed once, for good: outside a run, for a
    coroutine that has no simconc frame in its origin, it is the warnings module's own."""
    global _unawaited_installed
    if _unawaited_installed:
        return
    _unawaited_installed = True
    import warnings
    original = warnings._warn_unawaited_coroutine   # type: ignore[attr-defined]

    def _warn_unawaited_coroutine(coro: Any) -> None:
        # (for a coroutine no run made, collected outside one, what follows is the original's
        # own code: calling it from here would make this function the warning's location)
        origin = getattr(coro, "cr_origin", None)
        try:
            caller: Optional[types.FrameType] = sys._getframe(1)
        except ValueError:   # (no Python frame runs: collected as the interpreter ends)
            caller = None
        ours = caller is not None and caller.f_code.co_filename.startswith(SIMCONC_FILES)
        ran_here = origin is not None and any(
            entry[0].startswith(SIMCONC_FILES) for entry in origin)
        import linecache
        msg_lines = [f"coroutine '{coro.__qualname__}' was never awaited\n"]
        if origin is not None:
            if ran_here or maybe_current_world() is not None:
                origin = [entry for entry in origin if not entry[0].startswith(SIMCONC_FILES)
                          and entry not in ACCELERATED_LINES][:ASKED_DEPTH[0] or len(origin)]
            entries = [(filename, lineno, name, linecache.getline(filename, lineno))
                       for filename, lineno, name in reversed(origin)]
            msg_lines.append("Coroutine created at (most recent call last)\n")
            msg_lines += traceback.format_list(entries)
        msg = "".join(msg_lines).rstrip("\n")
        # (the warning is the program's line's, which simconc's own frames run under; where
        # none does, as at the end of a run, its code is over, as when CPython collects the
        # coroutine at exit: "sys:1")
        level, frame = 2, caller
        if ours:
            world = maybe_current_world()
            in_program = world is not None and world.hub is not None \
                and getcurrent() is not world.hub
            while frame is not None and frame.f_code.co_filename.startswith(SIMCONC_FILES):
                level, frame = level + 1, frame.f_back
            if not in_program:
                while frame is not None:
                    level, frame = level + 1, frame.f_back
        warnings.warn(msg, category=RuntimeWarning, stacklevel=level, source=coro)

    _warn_unawaited_coroutine.__doc__ = original.__doc__
    warnings._warn_unawaited_coroutine = _warn_unawaited_coroutine  # type: ignore[attr-defined]
