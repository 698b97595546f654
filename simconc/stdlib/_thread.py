"""The simulated ``_thread`` module."""
from __future__ import annotations

import _thread as _real_thread
from typing import Any, Callable, Optional

from greenlet import GreenletExit  # type: ignore[import-untyped]

from ..kernel import current_world
from ..kernel.trace import caller_where
from ..sync import TIMEOUT_MAX, Lock, RLock
from . import as_builtins
from .state import face_state as _face_state
from .unraisable import ignored_in, write_unraisable


error = RuntimeError
LockType = Lock
allocate_lock = Lock
allocate = Lock
#: The lock type's own name (3.13's, and the name it pickles by: a manager's registry of
#: threading.Lock is pickled for a spawned server process).
lock = Lock


def get_ident() -> int:
    return current_world().current_thread().program_ident


def get_native_id() -> int:
    # (the OS's id of the thread: the kernel's, unique in the machine, where a forked child's
    # main thread has its forking thread's ident)
    return current_world().current_thread().ident


def start_new_thread(function: Callable[..., Any], args: tuple,
                     kwargs: Optional[dict] = None) -> int:
    if not isinstance(args, tuple):
        raise TypeError("2nd arg must be a tuple")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError("optional 3rd arg must be a dictionary")
    if not callable(function):
        raise TypeError("first arg must be callable")
    world = current_world()
    kw = kwargs or {}

    def bootstrap() -> None:
        try:
            function(*args, **kw)
        except (SystemExit, GreenletExit):
            pass
        except BaseException as exc:
            if exc is world.fatal:
                raise   # simconc's own refusal, which stops the run: not the program's error
            # CPython reports it through sys.unraisablehook: "Exception ignored in thread
            # started by: <function>".
            from ._traceback import record_uncaught
            write_unraisable(exc, *ignored_in("thread started by", function))
            _face_state(world).thread_exceptions.append(
                (sim.name, world.now, type(exc).__name__, str(exc)))
            record_uncaught(world, sim, exc)

    state = _face_state(world)
    state.dummy_names += 1
    sim = world.new_thread(bootstrap, f"_thread-{state.dummy_names}", daemon=True)
    world.start(sim, caller_where(1) if world.tracing else None)
    return sim.program_ident


start_new = start_new_thread


def _count() -> int:
    """Threads started that have not finished (the main thread excluded), as CPython counts."""
    world = current_world()
    interpreter = world.current_interpreter()
    return sum(1 for t in world.threads if t is not interpreter.main and t.state != "done"
               and t.interpreter is interpreter)


def stack_size(size: int = 0) -> int:
    if size and size < 32768:
        raise ValueError("size not valid: %d bytes" % size)
    return 0


def interrupt_main(signum: int = 2) -> None:
    """As if ``signum`` arrived: the main thread runs its handler (none where it is
    ``SIG_DFL`` or ``SIG_IGN``, as CPython's ``PyErr_SetInterruptEx``)."""
    from .signals import interrupt_main as trip
    trip(signum)


def exit() -> None:
    raise SystemExit


exit_thread = exit


def daemon_threads_allowed() -> bool:
    return True


#: The real module's public names (it has no ``__all__``: ``from _thread import *`` binds them).
__all__ = [name for name in dir(_real_thread) if not name.startswith("_") and name in globals()]

# Named as CPython names them: _thread's.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", None) == __name__:
        _obj.__module__ = "_thread"
as_builtins(globals(), __all__, _real_thread)   # (the real ones are built-in functions)
