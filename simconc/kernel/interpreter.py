"""An interpreter: what one Python process of the simulated machine has of its own.

A world holds one interpreter per simulated process (one, until processes are simulated). Each
has its own GIL (its semantics' kind of GIL), its own main thread, the hooks it runs at
shutdown and at exit, its own ``sys.getswitchinterval()``, the numbers it gives the objects its
program makes (:class:`Numbers`), and the state of its stdlib face (``face``: its modules, its
threads by ident...), all made anew for each execution.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:  # pragma: no cover
    from .thread import SimThread
    from .world import World


class Numbers:
    """What an interpreter has numbered of the objects its program made, so that labels and
    reprs are the same on every run: one serial counter for all of them (fake addresses come
    from it), one for the signal locks that every Condition.wait makes (an address range of
    their own), and a count per kind (labels: the first Queue is Queue#1, whatever else was
    made before it). Objects that are parts of another (an Event's lock, a Queue's
    conditions) are named after their owner and take no number of their kind."""

    __slots__ = ("serial", "signal_serial", "kinds")

    def __init__(self) -> None:
        self.serial = 0
        self.signal_serial = 0x100000
        self.kinds: dict[str, int] = {}

    def number(self, kind: str) -> int:
        """The next number of ``kind``."""
        kinds = self.kinds
        kinds[kind] = number = kinds.get(kind, 0) + 1
        return number


class Interpreter:
    """One interpreter of a world (see the module's docstring)."""

    __slots__ = ("world", "number", "main", "main_returned", "shutdown_hooks", "exit_hooks",
                 "switch_interval", "gil", "numbers", "face", "globals", "contents", "pid",
                 "parent", "prefix", "cpu_time")

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
        #: The GIL, as the world's semantics models it (timed: a ``GIL``; untimed, with the GIL
        #: build's switch points: who holds it).
        self.gil: Any = None
        self.numbers = Numbers()
        #: The stdlib face's state (simconc.stdlib.state.FaceState), which the kernel keeps
        #: for it and never reads, as a thread keeps its ``face``.
        self.face: Any = None
        #: Its values of the world's interpreter globals while another interpreter runs.
        self.globals: list[Any] = []
        #: Its contents of the world's interpreter contents, likewise.
        self.contents: list[dict] = []
        #: Its process id (``os.getpid()``), and the interpreter that started it.
        self.pid = 0
        self.parent: Optional["Interpreter"] = None
        #: What reports put before the names of its threads: its process's name and a slash
        #: ("Process-1/MainThread"), but for the first interpreter's.
        self.prefix = ""
        #: The CPU time its threads have computed (``time.process_time()``).
        self.cpu_time = 0.0

    def dispose(self) -> None:
        """The run is over: drop what links back to the world and to the program."""
        self.world = self.main = self.gil = self.face = self.parent = None
        self.globals = []
        self.contents = []
        self.shutdown_hooks = []
        self.exit_hooks = []
