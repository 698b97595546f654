"""What a world's semantics decides: the interface :class:`~simconc.kernel.timed.Timed` and
:class:`~simconc.kernel.stepped.Stepped` implement (DESIGN.md, decision 2).

A world (:mod:`.world`) holds what every execution has; its semantics owns what differs: how a
thread is made and started, how it waits (:meth:`Semantics.park`, the one waiting mechanism:
each sets the waiting thread's ``waiting_on`` and ``waiting_where``, which the deadlock
analysis and the timelines read), how time passes (sleep, IO, CPU work, the cost of an
operation), what happens at a visible operation (:meth:`Semantics.point`: a step
the scheduler orders, or a cost), and the loop that runs the threads (:meth:`Semantics.run`).
The world calls these as its own methods (``world.park(...)``), so the layers above never ask
which semantics runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Optional

from .errors import UnsimulatedError
from .profile import CostProfile

if TYPE_CHECKING:  # pragma: no cover
    from .interpreter import Interpreter
    from .thread import SimThread
    from .trace import Where
    from .waitqueue import WaitQueue
    from .world import World


class Semantics:
    """The interface (every method is a semantics' own; see :mod:`.timed`, :mod:`.stepped`)."""

    def __init__(self, name: str, switch_points: str, profile: CostProfile,
                 gil_build: bool) -> None:
        #: ``timed`` or ``untimed``: the first character of a token says which (scheduler.py).
        self.name = name
        #: Whether it has a clock that moves (timed): durations pass and timers come due.
        #: Untimed, every duration is abstracted away, and what would come after one comes at
        #: once (:meth:`World.later`) or never (a timer).
        self.clocked = name == "timed"
        #: Where a thread may be switched out (untimed): ``any`` visible operation, or ``gil``.
        self.switch_points = switch_points
        #: Whether its interpreters are the GIL build's (not the free-threaded one's): what
        #: ``sys._is_gil_enabled()`` answers.
        self.gil_build = gil_build
        self.profile = profile
        #: The world (set by attach): a semantics keeps it for good; the world lets go of
        #: its semantics when it is disposed of.
        self.world: "World"
        #: This semantics' kind of thread, a subclass of SimThread:
        #: ``thread_class(world, interpreter, run, name, daemon, ident, face)``.
        self.thread_class: Callable[..., "SimThread"] = _no_thread

    def attach(self, world: "World") -> None:
        """Become ``world``'s semantics (called once, by the world it is given to)."""
        raise NotImplementedError

    @property
    def stopped_at_limit(self) -> bool:
        """Whether the run stopped at its limit (timed: ``until``; untimed: the step limit)."""
        raise NotImplementedError

    def add_interpreter(self, interpreter: "Interpreter") -> None:
        """Give ``interpreter``, new in the world, what this semantics needs of it (its GIL)."""
        raise NotImplementedError

    # -- threads ----------------------------------------------------------------------------------
    def start(self, thread: "SimThread", where: "Optional[Where]") -> None:
        """The running thread starts ``thread`` (the main thread: the run does)."""
        raise NotImplementedError

    def run(self, main: "SimThread") -> None:
        """The loop: start ``main`` and run the threads until the program ends, no thread can
        go on, a limit is reached, or the world has a fatal error (raised from here)."""
        raise NotImplementedError

    # -- waiting: the one mechanism ---------------------------------------------------------------
    def park(self, queue: "WaitQueue", timeout: Optional[float],
             where: "Optional[Where]") -> bool:
        """The running thread waits on ``queue`` until an unpark picks it (True) or ``timeout``
        (seconds; None: for ever) passes (False)."""
        raise NotImplementedError

    def unpark(self, queue: "WaitQueue") -> bool:
        """Wake one of ``queue``'s waiters (there is one), chosen by the scheduler."""
        raise NotImplementedError

    def unpark_all(self, queue: "WaitQueue") -> int:
        """Wake every one of ``queue``'s waiters; how many there were."""
        raise NotImplementedError

    def hand_over(self, queue: "WaitQueue",
                  patient: Callable[["SimThread"], bool]) -> "Optional[SimThread]":
        """Wake one of ``queue``'s waiters (there is one), as :meth:`unpark` does; the woken
        thread if what was freed is handed straight to it (a fair unlock: ``patient(thread)``
        says it has waited long enough), else None. A semantics without time hands nothing
        over: the woken thread competes again, which covers every order."""
        self.unpark(queue)
        return None

    def interrupt(self, thread: "SimThread") -> None:
        """``thread`` has something to run before it goes on (``World.interrupt``): if it
        waits, take it out of its wait and wake it. Without time (untimed), there is no saying
        when a wait would be interrupted relative to the other threads' steps (the steps would
        need a choice of their own for it, which the exploration does not make): only the
        running thread, which runs it at once, may be asked."""
        if thread is not self.world.current:
            raise UnsimulatedError(
                "untimed semantics cannot interrupt another thread: when the interruption "
                "arrives among the other threads' steps is not a choice it explores")

    def timer(self, seconds: float, action: Callable[[], Any]) -> Callable[[], None]:
        """Call ``action`` once ``seconds`` have passed (``World.timer``); what cancels it.
        Untimed semantics has no clock that would bring it due: refused."""
        raise UnsimulatedError("untimed semantics has no clock for a timer to come due on")

    # -- time ---------------------------------------------------------------------------------------
    def read_clock(self) -> float:
        """The simulated time as the running thread reads it (``time.monotonic()``)."""
        raise NotImplementedError

    def cpu_clock(self, whole_process: bool) -> float:
        """The CPU time the running thread has computed, or its whole process
        (``time.thread_time()``, ``time.process_time()``)."""
        raise NotImplementedError

    def load_average(self) -> tuple[float, float, float]:
        """The machine's load average (``os.getloadavg()``): see :mod:`.load`."""
        raise NotImplementedError

    def settle(self, thread: "SimThread") -> bool:
        """Let the CPU time ``thread`` owes pass (before it ends, say); whether it waited for it
        (other threads may then have run)."""
        raise NotImplementedError

    def sleep(self, seconds: float) -> None:
        raise NotImplementedError

    def io(self, seconds: float) -> None:
        """Block on IO for ``seconds``, without the GIL."""
        raise NotImplementedError

    def cpu(self, seconds: float) -> None:
        """Compute for ``seconds``, holding the GIL and a core."""
        raise NotImplementedError

    def spend(self, seconds: float) -> None:
        """The running thread spends ``seconds`` of CPU time on an operation (a queue's put)."""
        raise NotImplementedError

    # -- visible operations -------------------------------------------------------------------------
    def point(self, key: Any, access: str, enabled: Optional[Callable[[], bool]] = None,
              waiting_on: Any = None) -> None:
        """The running thread is about to do a visible operation on location ``key``
        (``access``: ``r``, ``w``, ``acq``, ``try``, ``rel``, ``join``, ``wait``), which it can
        do once ``enabled()`` (a blocking acquire: when the lock is free); ``waiting_on`` is the
        queue it would otherwise park on. Untimed: the step where other threads may go first.
        Timed: a lock's operation costs its CPU time."""
        raise NotImplementedError

    def access(self, key: Any, access: str, obj: Any = None) -> None:
        """A read (``r``) or write (``w``) of shared memory that the instrument's hooks saw;
        ``obj`` is the object whose ``id()`` is in ``key``, if any."""
        raise NotImplementedError

    def switch_point(self) -> None:
        """A place where CPython's GIL build may switch threads (untimed, ``gil`` switch
        points: the running thread lets the GIL go)."""
        raise NotImplementedError

    def name_new(self, obj: Any) -> Hashable:
        """The location of ``obj``, a lock, event or queue just made, that its steps touch."""
        raise NotImplementedError

    def joined(self, thread: "SimThread") -> None:
        """The running thread's join of ``thread`` has returned: ``thread`` has ended."""
        raise NotImplementedError

    def dispose(self) -> None:
        """The run is over: drop what links back to the world."""
        raise NotImplementedError


def _no_thread(*args: Any) -> "SimThread":
    raise NotImplementedError("a semantics sets its thread_class")
