"""A simulated thread: a greenlet that runs the user's code, driven by a SimPy process.

The greenlet runs ordinary blocking Python. When it must wait, :meth:`SimThread.block` switches
to the hub (the greenlet running the SimPy loop) handing it the SimPy event to wait for; the
thread's process yields that event, and switches back into the greenlet when it fires.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from greenlet import GreenletExit

from .greenlets import EXITED
from .trace import Where
from .waitqueue import WaitQueue

if TYPE_CHECKING:  # pragma: no cover
    from .world import World

_NOBODY: frozenset = frozenset()

#: The whole of the threads' ``alive_key`` locations (see explore/dependence.py, whole_of).
ALIVE = ("threads", "[]")


class SimThread:
    """The kernel's side of a thread. The face (``threading.Thread``) is kept in ``face``."""

    __slots__ = ("world", "ident", "name", "daemon", "face", "_run", "greenlet", "state",
                 "done", "waiting_on", "waiting_where", "started_at", "ended_at", "held",
                 "path", "spawned", "made", "pending", "option", "last_step", "spawn_step",
                 "yielded", "spins", "owed", "alive_key", "debt", "on_finish", "behind")

    def __init__(self, world: "World", run: Callable[[], Any], name: str, daemon: bool,
                 ident: int, face: Any = None) -> None:
        self.world = world
        self.ident = ident
        self.name = name
        self.daemon = daemon
        self.face = face
        self._run: Any = run
        self.greenlet: Any = None      # a greenlet, once it has one
        #: "new" (not yet running), "ready" (waiting for the GIL), "running", "blocked", "done",
        #: or "unwinding" (being torn down after the run ended)
        self.state = "new"
        #: The location that says whether this thread is alive, as exploration sees it: its
        #: start and its end write it; join() and is_alive() read it. All threads' locations
        #: are the keys of one container, ``ALIVE``, which threading.enumerate() reads whole.
        self.alive_key: tuple = (*ALIVE, ident)
        #: Joiners park here. It names no owner: a SimThread cannot be weakly referenced once
        #: compiled (see setup.py), and a strong reference would make a cycle. The deadlock
        #: analysis finds the thread from its queue.
        self.done = WaitQueue(world, None, key=self.alive_key)
        self.waiting_on: Optional[WaitQueue] = None
        self.waiting_where: Optional[Where] = None
        self.started_at: Optional[float] = None
        self.ended_at: Optional[float] = None
        #: Locks this thread holds now, in the order it took them (for deadlock reports).
        self.held: list = []
        # Untimed semantics (kernel/untimed.py). ``path`` names the thread the same way in every
        # execution, whatever order threads were created in: () is the main thread, (0, 2) the
        # third thread started by the first thread the main thread started.
        self.path: tuple = ()
        self.spawned = 0
        self.made = 0                  # locks, events, queues it made (World.name_new)
        self.pending: Any = None       # (key, access, enabled): what it does next
        self.option: Any = None        # that step as exploration is shown it (an Option)
        self.last_step = -1            # index of the last step it took
        self.spawn_step = -1           # the step during which its parent started it
        self.yielded = False           # since its last step it slept or a timed wait ran out
        self.spins = 0                 # polls (sleeps, timeouts) since others made progress
        self.owed: Optional[list] = None   # after POLLS of them: threads owed a step first
        #: The paths of the threads it has joined, and of those they joined: ended, every step
        #: of theirs happens before whatever it does next (UntimedWorld.joined).
        self.behind: frozenset = _NOBODY
        #: Timed semantics: CPU time spent on locks and queues, not yet passed (World.spend).
        self.debt = 0.0
        #: Called when the thread has ended (the face forgets it: threading._active).
        self.on_finish: Optional[Callable[[], None]] = None

    def dispose(self) -> None:
        """The run is over: drop what links back to the world (see World.dispose)."""
        self.face = self._run = self.greenlet = self.pending = self.option = None
        self.waiting_on = self.on_finish = None

    # -- label and holders: what the deadlock analysis asks of anything a thread can wait on --
    @property
    def label(self) -> str:
        return f"thread {self.name!r}"

    def holders(self) -> list["SimThread"]:
        """A join waits for this thread itself to finish."""
        return [] if self.state == "done" else [self]

    @property
    def finished(self) -> bool:
        return self.state == "done"

    def __repr__(self) -> str:
        return f"<SimThread {self.name!r} {self.state}>"

    # -- running (timed worlds drive it by a SimPy process: greenlets.drive) ---------------------
    def _bootstrap(self) -> object:
        world = self.world
        self.state = "ready"
        if not world.gil.take_if_free(self):
            world.wait_event(world.gil.request(self))
        self.state = "running"
        self.started_at = world.env.now
        self.run_code()
        world.settle(self)   # its last operations' CPU time passes before it ends
        self.finish()
        world.gil.release(self)
        return EXITED

    # What every world does with a thread's code, whatever drives it.
    def run_code(self) -> None:
        """Run the thread's code; an error that escapes the face stops the whole execution."""
        try:
            self._run()
        except GreenletExit:
            raise
        except BaseException as exc:  # the face reports the user's errors; this is a last resort
            self.world.internal_error(self, exc)

    def finish(self) -> None:
        """The thread has ended: record it and wake its joiners."""
        self.state = "done"
        self.ended_at = self.world.now
        # Its code has returned: the kernel no longer keeps the face alive (threading's
        # _dangling sees a finished Thread go once the program drops it, as in CPython).
        on_finish, self.on_finish, self._run, self.face = self.on_finish, None, None, None
        if on_finish is not None:
            on_finish()
        if self.world.tracing:
            self.world.record(self, "exit", "", skip=None)
        self.done.unpark_all()

    def block(self, event: Any) -> Any:
        """Give up the GIL, wait for the SimPy ``event``, take the GIL back; the event's value."""
        world = self.world
        if world.tearing_down:
            if self.state == "unwinding":
                # It caught the GreenletExit (a bare except) and blocked again: it would do so
                # for ever. Leave it suspended for good; never resumed, it cannot hang the run.
                world.abandon(self)
            self.state = "unwinding"
            raise GreenletExit
        gil = world.gil
        self.state = "blocked"
        gil.release(self)
        value = world.wait_event(event)
        self.state = "ready"
        if not gil.take_if_free(self):
            world.wait_event(gil.request(self))
        self.state = "running"
        return value
