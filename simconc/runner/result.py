"""What one execution did: :class:`RunResult`, as the runner returns it."""
from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import Any, Optional

from ..analysis.deadlock import DeadlockReport
from ..analysis.lockorder import LockOrder, lock_names, lock_order
from ..kernel import Step, Trace
from ..kernel.scheduler import Scheduler


@dataclass
class ExceptionInfo:
    thread: str
    time: float
    type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"thread": self.thread, "time": self.time, "type": self.type,
                "message": self.message}


@dataclass
class RunResult:
    """What one execution did. ``status`` is ``ok``, ``deadlock``, ``error`` or ``limit``."""
    stdout: str
    stderr: str
    seed: Optional[int]
    #: The scheduler that made the choices: the token is encoded from it when first asked for
    #: (an exploration asks only for the few it reports).
    scheduler: Scheduler = field(repr=False)
    elapsed: float
    status: str
    deadlock: Optional[DeadlockReport]
    exceptions: list[ExceptionInfo]
    threads: int
    profile: str
    trace: Trace = field(repr=False)
    error: Optional[str] = None          # a simconc-level failure: spinning, a real thread, ...
    exit_code: int = 0                   # the program's own sys.exit code, if it called it
    namespace: dict = field(default_factory=dict, repr=False)
    semantics: str = "timed"
    switch_points: str = "any"           # untimed: where a thread may be switched out
    #: The invariant's verdict: None if it held (or there was none), else why it failed.
    check_failure: Optional[str] = None
    #: Whether the interpreter had a GIL (timed: not under ``gil=False``, the free-threaded
    #: build; untimed: only with the GIL build's switch points).
    gil: bool = True

    @property
    def steps(self) -> list[Step]:
        """Untimed semantics: the steps taken, in order (what exploration's analysis reads)."""
        return self.trace.steps

    @property
    def pending(self) -> list[Step]:
        """Untimed semantics: the step each unfinished thread was waiting to take at the end."""
        return self.trace.pending

    @property
    def schedule(self) -> str:
        """The schedule token: replays this execution exactly."""
        token = self.__dict__.get("_token")
        if token is None:
            token = self.__dict__["_token"] = self.scheduler.token
        return token

    @property
    def exit_status(self) -> str:
        """How the program's process ended, as a shell says it: "exited with status 3", or
        "was killed by SIGALRM" (a negative exit code: it died of that signal)."""
        code = self.exit_code
        if code < 0:
            try:
                return f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"was killed by signal {-code}"
        return f"exited with status {code}"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def lock_order(self) -> LockOrder:
        """The run's lock-order graph: which lock was taken while holding which, and its
        cycles, potential deadlocks even where this run did not deadlock (see
        :mod:`simconc.analysis.lockorder`). Read from the trace: empty for ``trace=False``."""
        return lock_order(self.trace.events, self.deadlock, lock_names(self.namespace))

    def to_dict(self) -> dict[str, Any]:
        return {
            "stdout": self.stdout, "stderr": self.stderr, "seed": self.seed,
            "schedule": self.schedule, "elapsed": self.elapsed, "status": self.status,
            "deadlock": self.deadlock.to_dict() if self.deadlock else None,
            "exceptions": [e.to_dict() for e in self.exceptions], "threads": self.threads,
            "profile": self.profile, "error": self.error, "exit_code": self.exit_code,
            "semantics": self.semantics, "switch_points": self.switch_points,
            "check": self.check_failure, "gil": self.gil,
        }
