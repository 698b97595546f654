"""What the stdlib face keeps for one interpreter of one execution (each execution starts from
scratch): the ``face`` of the running thread's interpreter, which the kernel keeps for it."""
from __future__ import annotations

import types
from typing import Any, Optional

from ..kernel import World, current_world


class FaceState:
    """The face's per-execution state (see the module's docstring)."""

    __slots__ = ("modules", "active", "names", "dummy_names", "hooks", "locals",
                 "thread_exceptions", "reseeds", "sites", "site_addresses", "hashed", "pipes",
                 "process",
                 "main", "at_fork", "listeners", "semlocks", "channels", "run_main", "line", "atexit",
                 "is_programs", "segments", "entropy",
                 "signals", "alarm", "alarm_cancel", "pending", "random", "gc_enabled", "real", "ppid",
                 "loopback", "uuid_time", "connections", "finalizable", "shared", "finalizers",
                 "programs_finalize", "streams", "modules_cleared",
                 "objects_ended", "thread_atexits", "forked_from")

    def __init__(self, modules: Optional[dict[str, types.ModuleType]] = None) -> None:
        #: This execution's copies of the face's modules, by the name a program imports (none
        #: where the face is used without the runner).
        self.modules: dict[str, types.ModuleType] = modules if modules is not None else {}
        #: The threads by ident: this execution's module's ``threading._active``, as CPython
        #: keeps them.
        threading = self.modules.get("threading")
        self.active: dict[int, Any] = threading._active if threading is not None else {}
        #: ``Thread-N`` numbers given where no execution's module counts them (the face used
        #: directly), and ``_thread-N`` ones for start_new_thread's threads.
        self.names = 0
        self.dummy_names = 0
        #: The trace and profile functions the program set for the threads it starts.
        self.hooks: dict[str, Any] = {}
        #: ident -> the dictionaries of the ``threading.local`` objects that thread used.
        self.locals: dict[int, list[dict]] = {}
        #: Uncaught exceptions of threads: (thread name, simulated time, type name, message).
        self.thread_exceptions: list[tuple[str, float, str, str]] = []
        #: How many times ``random.seed()`` drew a seed of its own.
        self.reseeds = 0
        #: How many threads were given a hash (``Thread.__hash__``).
        self.hashed = 0
        #: Where threads wait for a simulated pipe (``mp_pipes``), made on first use.
        self.pipes: Any = None
        #: The interpreter's process (``processes.ProcessState``), once it is one: a child, or
        #: a parent whose children watch its sentinel.
        self.process: Any = None
        #: Its ``__main__`` module (the scenario's, or a child's copy of its parent's).
        self.main: Optional[types.ModuleType] = None
        #: ``os.register_at_fork``'s hooks, by kind ("before", "parent", "child").
        self.at_fork: dict[str, list] = {}
        #: The simulated machine's listening addresses (``mp_pipes.SocketListener``), kept by
        #: the main interpreter's state.
        self.listeners: Optional[dict] = None
        #: The machine's semaphores by handle, and pipes' channels by token: what a spawned
        #: child finds them by (main interpreter's state; made on first use).
        self.semlocks: Optional[dict] = None
        self.channels: Optional[list] = None
        #: The process's pipe connections (``mp_pipes.Connection``; weakly): those still open
        #: close as it ends, as the OS closes a dead process's descriptors. Made on first use.
        self.connections: Any = None
        #: A forked child's copies of its parent's objects that have a finalizer
        #: (``finalizers.copies_finalizable``), weakly.
        self.finalizable: Any = None
        #: What a fork could not copy, and shares with its parent (``Fork.shared``).
        self.shared: Any = None
        #: Whether its end looks for the objects its main module's globals reach that have a
        #: finalizer (``finalizers.end_objects``); not in an exploration of a program that
        #: defines none, where the walk would cost every execution for nothing.
        self.finalizers = True
        #: If not: whether a module of the program's own, imported in the run, defines a
        #: finalizer after all (a callable, the runner's: asked at the process's end).
        self.programs_finalize: Any = None
        #: Its own stdout and stderr, which its exit puts back before it finalizes (a program
        #: file's: the run's).
        self.streams: Optional[tuple[Any, Any]] = None
        #: Whether its exit has cleared its modules (its ``import`` fails from then on:
        #: ``finalizers._modules_cleared``).
        self.modules_cleared = False
        #: Whether its end has dealt with its objects' finalizers (``finalizers.end_objects``).
        self.objects_ended = False
        #: Runs the program's main module afresh under a name (a spawned child's
        #: ``__mp_main__``), instrumented as the run's; None for a callable program.
        self.run_main: Any = None
        #: The machine's line to the network (``network.Line``; main interpreter's state).
        self.line: Any = None
        #: A child process's ``atexit`` handlers: (function, args, kwargs), in the order
        #: registered (the main process's are the runner's).
        self.atexit: list[tuple[Any, tuple, dict]] = []
        #: ``threading._register_atexit``'s calls: (function, args, kwargs), in the order
        #: registered (CPython's ``threading._threading_atexits``).
        self.thread_atexits: list[tuple[Any, tuple, dict]] = []
        #: A forked child's: the thread of its parent that forked it, which goes on in the
        #: child as its main thread.
        self.forked_from: Any = None
        #: The simulated network's sites by host (``network.Site``): the profile's, and those
        #: the program declared (``simconc.serve``); made on first use.
        self.sites: Optional[dict[str, Any]] = None
        #: Their addresses by host, and hosts by address (``remote.address_of``).
        self.site_addresses: Optional[dict[str, str]] = None
        #: Whether a module (name, module) is the program's, each process's own
        #: (``program_modules.py``): the runner's say, in the main interpreter's state.
        self.is_programs: Any = None
        #: The machine's POSIX shared memory (``shm.Segments``) and its entropy (what
        #: ``os.urandom`` reads: ``random.urandom``): main interpreter's state, made on first use.
        self.segments: Any = None
        self.entropy: Any = None
        #: The last ``uuid.uuid1()`` timestamp the machine gave (``host.uuid_time_safe``; main
        #: interpreter's state): the next is later, even at the same simulated instant.
        self.uuid_time: Optional[int] = None
        #: The process's signal handlers by number, those it set (``signals.py``).
        self.signals: Optional[dict[int, Any]] = None
        #: When its alarm comes due (``signal.alarm``, ``setitimer``), in simulated time.
        self.alarm: Optional[float] = None
        #: What cancels its alarm's timer on the simulated clock (``World.timer``), if armed.
        self.alarm_cancel: Any = None
        #: The signals that arrived for a handler that has not run yet (each is pending once,
        #: however often it arrives meanwhile, as the kernel keeps it).
        self.pending: set[int] = set()
        #: A child process's own ``random`` stream (``random._rng``), made on first use.
        self.random: Any = None
        #: What its ``gc.isenabled()`` says (``gc.enable()`` and ``disable()`` set it; the real
        #: collector runs only when the program calls ``gc.collect()``: runner/patching.py).
        self.gc_enabled = True
        #: Its working directory, recursion limit, socket default timeout and warnings
        #: configuration while another process runs (``real_state.RealState``); None until a
        #: process starts.
        self.real: Any = None
        #: Its ``os.getppid()`` when its parent is not a simulated process (a forkserver
        #: child's: ``processes.ForkServerPopen``); None: its interpreter's parent's pid.
        self.ppid: Optional[int] = None
        #: The machine's loopback: its sockets, ports and descriptors (``sockets.Loopback``;
        #: main interpreter's state, made on first use).
        self.loopback: Any = None


def face_state(world: Optional[World] = None) -> FaceState:
    """The face's state of ``world``'s running interpreter (the running world's by default)."""
    if world is None:
        world = current_world()
    thread = world.current
    # (the running thread's interpreter, world.current_interpreter() inline: it is asked often)
    interpreter = thread.interpreter if thread is not None else world.interpreters[0]
    state = interpreter.face
    if state is None:   # (the face used without the runner, which makes it)
        state = interpreter.face = FaceState()
    return state
