"""An interpreter: what one Python process of the simulated machine has of its own.

A world holds one interpreter per simulated process (one, until processes are simulated). Each
has its own GIL (its semantics' kind of GIL), its own main thread, the hooks it runs at
shutdown and at exit, its own ``sys.getswitchinterval()``, and the per-execution state that the
layers above keep for it (the stdlib face's modules, the labels of its objects): each layer
keeps a typed object of its own here (:meth:`Interpreter.state`), made anew for each execution.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from .thread import SimThread
    from .world import World

_S = TypeVar("_S")


class Interpreter:
    """One interpreter of a world (see the module's docstring)."""

    __slots__ = ("world", "number", "main", "main_returned", "shutdown_hooks", "exit_hooks",
                 "switch_interval", "gil", "_states")

    def __init__(self, world: "World", number: int, switch_interval: float) -> None:
        self.world: Any = world   # (None once the run is disposed of)
        self.number = number
        self.main: Optional["SimThread"] = None
        #: The main thread's code has returned; it now waits for the non-daemon threads.
        self.main_returned = False
        #: Called in the main thread when its code has returned, before it waits for the
        #: non-daemon threads (``threading._register_atexit``, which ThreadPoolExecutor uses).
        self.shutdown_hooks: list[Callable[[], Any]] = []
        #: Called in the main thread once every non-daemon thread has finished, as the
        #: interpreter calls its atexit handlers after threading's shutdown.
        self.exit_hooks: list[Callable[[], Any]] = []
        #: ``sys.getswitchinterval()`` (the program may change it).
        self.switch_interval = switch_interval
        #: The GIL, as the world's semantics models it (timed: a ``GIL``; untimed: its holder).
        self.gil: Any = None
        self._states: dict[type, Any] = {}

    def state(self, kind: "type[_S]") -> _S:
        """This interpreter's object of class ``kind`` (made on first use with ``kind()``): the
        state a layer above keeps per execution, typed, without the kernel knowing it."""
        found = self._states.get(kind)
        if found is None:
            found = self._states[kind] = kind()
        return found

    def dispose(self) -> None:
        """The run is over: drop what links back to the world and to the program."""
        self.world = self.main = self.gil = None
        self.shutdown_hooks = []
        self.exit_hooks = []
        self._states = {}
