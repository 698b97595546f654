"""A simulated thread: a greenlet that runs the program's code, on one interpreter of the world.

The greenlet runs ordinary blocking Python. When the thread must wait, it parks (see
:mod:`.waitqueue`) and its world's semantics switches to another greenlet; it is switched back
into when it may go on. What a thread is under each semantics (the SimPy process that drives it
under timed semantics, its next step under untimed semantics) is that semantics' subclass of
:class:`SimThread` (:mod:`.timed`, :mod:`.stepped`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from greenlet import GreenletExit  # type: ignore[import-untyped]

from .trace import Where
from .waitqueue import WaitQueue

if TYPE_CHECKING:  # pragma: no cover
    from .interpreter import Interpreter
    from .world import World

#: The whole of the threads' ``alive_key`` locations: each thread's is one of its keys, so that
#: reading every thread's liveness at once (``threading.enumerate()``) is one access.
ALIVE = ("threads", "[]")


class SimThread:
    """The kernel's side of a thread. The face (``threading.Thread``) is kept in ``face``."""

    __slots__ = ("world", "interpreter", "ident", "program_ident", "name", "daemon", "face",
                 "_run", "greenlet", "state", "done", "waiting_on", "waiting_where", "started_at",
                 "ended_at", "held", "path", "spawned", "made", "alive_key", "on_finish",
                 "killed", "interrupts")

    def __init__(self, world: "World", interpreter: "Interpreter", run: Callable[[], Any],
                 name: str, daemon: bool, ident: int, face: Any = None) -> None:
        self.world = world
        self.interpreter = interpreter
        #: Unique in the world: the trace's thread id, and its part of ``alive_key``.
        self.ident = ident
        #: The ident the program sees (``threading.get_ident()``): its own, but for a forked
        #: child's main thread, which keeps its forking thread's, as ``fork()`` keeps the
        #: thread that called it.
        self.program_ident = ident
        self.name = name
        self.daemon = daemon
        self.face = face
        self._run: Any = run
        self.greenlet: Any = None      # a greenlet, once it has one
        #: "new" (not yet running), "ready" (may run, waiting for its turn: the GIL, a core, its
        #: step), "running", "blocked" (parked), "done", or "unwinding" (being torn down after
        #: the run ended)
        self.state = "new"
        #: The location that says whether this thread is alive, as exploration sees it: its
        #: start and its end write it; join() and is_alive() read it. All threads' locations
        #: are the keys of one container, ``ALIVE``, which threading.enumerate() reads whole.
        self.alive_key: tuple = (*ALIVE, ident)
        #: Joiners park here. It names no owner: a SimThread cannot be weakly referenced once
        #: compiled (see setup.py), and a strong reference would make a cycle. The deadlock
        #: analysis finds the thread from its queue.
        self.done = WaitQueue(world, None, self.alive_key, name)
        #: What it is parked on now, and the line of the program that parked it (the one
        #: waiting mechanism sets them: the deadlock analysis and the timelines read them).
        self.waiting_on: Optional[WaitQueue] = None
        self.waiting_where: Optional[Where] = None
        self.started_at: Optional[float] = None
        self.ended_at: Optional[float] = None
        #: Locks this thread holds now, in the order it took them (for deadlock reports).
        self.held: list = []
        #: Names the thread the same way in every execution, whatever order threads were made
        #: in: () is the main thread, (0, 2) the third thread started by the first thread the
        #: main thread started.
        self.path: tuple = ()
        self.spawned = 0               # threads it has started
        self.made = 0                  # locks, events, queues it made (Stepped.name_new)
        #: Called when the thread has ended (the face forgets it: threading._active).
        self.on_finish: Optional[Callable[[], None]] = None
        #: Its process has ended (``os._exit``, a kill): the next time it runs, it unwinds.
        self.killed = False
        #: What others asked it to run before it goes on (:meth:`World.interrupt`), in order.
        self.interrupts: list[Callable[[], Any]] = []

    def dispose(self) -> None:
        """The run is over: drop what links back to the world."""
        self.face = self._run = self.greenlet = None
        self.waiting_on = self.on_finish = None
        self.interrupts = []

    # -- _sim_label, _sim_holders: what the deadlock analysis asks of what a thread waits on --
    @property
    def _sim_label(self) -> str:
        return f"thread {self.name!r}"

    def _sim_holders(self) -> list["SimThread"]:
        """A join waits for this thread itself to finish."""
        return [] if self.state == "done" else [self]

    def ended(self) -> bool:
        """Whether the thread has ended (what a join waits for)."""
        return self.state == "done"

    def __repr__(self) -> str:
        return f"<SimThread {self.name!r} {self.state}>"

    # -- what every semantics does with a thread -------------------------------------------------
    def run_code(self) -> None:
        """Run the thread's code; an error that escapes the face stops the whole execution."""
        try:
            self._run()
        except GreenletExit:
            raise
        except BaseException as exc:  # the face reports the user's errors; this is a last resort
            self.world.abort(exc)

    def finish(self) -> None:
        """The thread has ended: record it and wake its joiners."""
        world = self.world
        self.state = "done"
        self.ended_at = world.now
        # Its code has returned: the kernel no longer keeps the face alive (threading's
        # _dangling sees a finished Thread go once the program drops it, as in CPython).
        on_finish, self.on_finish, self._run, self.face = self.on_finish, None, None, None
        if on_finish is not None:
            on_finish()
        if world.tracing:
            world.record(self, "exit", "", None, None)
        self.done.unpark_all()
