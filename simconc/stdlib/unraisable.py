"""The exceptions CPython cannot raise, reported as it reports them.

An exception in an atexit callback, a ``_thread`` thread, a fork hook, a finalizer or
``threading._shutdown`` has nobody to raise to: CPython hands it to ``sys.unraisablehook``,
whose default prints it. Its wording and format change between versions (3.13 words the atexit
and thread reports otherwise and prints no carets; 3.10 names a ``__main__`` class with its
module), and it never prints chained exceptions nor notes. So simconc's reports go through the
same hook: the program's own if it set one, else CPython's default, given a stand-in for a
function's address (the same in every run) and a traceback without simconc's frames.
"""
from __future__ import annotations

import inspect
import io
import sys
import types
from typing import Any, Optional

from ._traceback import program_traceback
from .addresses import shown


def write_unraisable(exc: BaseException, err_msg: Optional[str], obj: Any = None,
                     finalizing: bool = False) -> None:
    """Report ``exc`` as ``PyErr_WriteUnraisable`` does: ``err_msg`` (or "Exception ignored
    in") and ``obj``, then the traceback; while the interpreter is ``finalizing`` (at its
    exit), without source lines, which CPython cannot read then."""
    args = _ARGS((type(exc), exc, program_traceback(exc.__traceback__), err_msg, obj))
    hook = sys.unraisablehook
    if hook is not report_unraisable and hook is not sys.__unraisablehook__ \
            and not isinstance(hook, _ToHost):
        try:   # (the program's own: it sees what CPython would give it)
            hook(args)
        except Exception as failure:   # noqa: BLE001 - CPython reports it with the default
            _default(_ARGS((type(failure), failure, program_traceback(failure.__traceback__),
                            "Exception ignored in sys.unraisablehook", hook)), False)
        return
    _default(args, finalizing)


def ignored_in(where: str, func: Any) -> tuple[str, Any]:
    """The message and object of CPython's report of an exception it ignores ``where``
    (``"atexit callback"``, ``"thread started by"``) in ``func``: 3.13 puts the object in
    the message (``Exception ignored in atexit callback <function f at 0x...>:``)."""
    if sys.version_info >= (3, 13):
        return f"Exception ignored in {where} {shown(func)}", None
    return f"Exception ignored in {where}", func


def run_hook(host: Any, program_file: bool) -> Any:
    """``sys.unraisablehook`` for a run, for what CPython itself reports (a ``__del__`` that
    raises as a thread drops its object), the real process's being ``host``. A program file's
    process is its own: :func:`report_unraisable`, on its stderr even where the host has a hook
    of its own (pytest's would take it). A callable (a test's body) runs in the host's process:
    the host's own hook, if it has one, gets it, as it would outside a run. (simconc's own
    reports, an atexit function's, are the simulated process's: its stderr, either way.)"""
    if program_file or host is sys.__unraisablehook__:
        return report_unraisable
    return _ToHost(host)


def report_unraisable(unraisable: Any) -> None:
    """CPython's default hook, on the run's stderr, a function's address a stand-in."""
    _default(unraisable, False)


class _ToHost:
    """The host's hook, as a run's (:func:`run_hook`)."""

    __slots__ = ("host",)

    def __init__(self, host: Any) -> None:
        self.host = host

    def __call__(self, unraisable: Any) -> None:
        self.host(unraisable)


def _default(args: Any, finalizing: bool) -> None:
    """CPython's default hook, its object's repr with a stand-in address."""
    obj = args.object
    if isinstance(obj, types.MethodType) and getattr(obj.__func__, "__name__", "") == "__del__" \
            and not isinstance(inspect.getattr_static(type(obj.__self__), "__del__", None),
                               types.FunctionType):
        # (CPython looked __del__ up through a descriptor, finalizers' guard: it shows the
        # function it would have found)
        obj = obj.__func__
    if isinstance(obj, types.FunctionType):
        args = _ARGS((args.exc_type, args.exc_value, args.exc_traceback, args.err_msg,
                      Shown(shown(obj))))
    if not finalizing:
        sys.__unraisablehook__(args)
        return
    # At its exit CPython's traceback printer cannot import io to read the source: nor here.
    # No code of the program's may run while io is hidden (it could let another process's
    # thread run, which must find it): the value's str() and the object's repr() are taken
    # first, and what the hook writes is written at once after.
    args = _ARGS((args.exc_type, Shown(_str(args.exc_value)), args.exc_traceback, args.err_msg,
                  args.object if isinstance(args.object, Shown) or args.object is None
                  else Shown(_str(args.object, repr))))
    saved_io, stderr = sys.modules.get("io"), sys.stderr
    collected = io.StringIO()   # (C: it imports nothing)
    sys.modules["io"], sys.stderr = None, collected   # type: ignore[assignment]
    try:
        sys.__unraisablehook__(args)
    finally:
        sys.modules["io"], sys.stderr = saved_io, stderr   # type: ignore[assignment]
    stderr.write(collected.getvalue())


def _str(value: Any, how: Any = str) -> Optional[str]:
    """``how(value)``, or None if it raises (CPython then prints that it failed)."""
    try:
        return how(value)
    except Exception:   # noqa: BLE001 - as CPython's hook, which clears it
        return None


class Shown:
    """An object whose str() and repr() are a text taken before (or fail, if none was)."""

    __slots__ = ("text",)

    def __init__(self, text: Optional[str]) -> None:
        self.text = text

    def __str__(self) -> str:
        if self.text is None:
            raise ValueError("failed before")
        return self.text

    __repr__ = __str__


def _args_type() -> type:
    """``UnraisableHookArgs``, which ``sys`` does not name (the default hook takes nothing
    else): the type of what the hook is given for an object freed as its ``__del__`` raises."""
    given: list = []

    class Raising:
        def __del__(self) -> None:
            raise RuntimeError

    saved = sys.unraisablehook
    sys.unraisablehook = given.append
    try:
        Raising()
    finally:
        sys.unraisablehook = saved
    return type(given[0])


_ARGS = _args_type()
