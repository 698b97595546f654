"""The learner as the scheduler: a stepping session (:class:`Session`).

A session runs a program under untimed semantics, the semantics of ``simconc explore``: every
visible operation (a read or write of shared state, a lock's acquire, a print...) is a step,
and at each step the one choice point decides which thread takes it. The session stops where
that choice is open (more than one thread could take the next step) and lets the learner
decide (:meth:`Session.pick`), or lets a seeded scheduler run on to the next point worth
stopping at (:meth:`Session.auto`); :meth:`Session.undo` goes back. Where there is no choice
(one thread can go on), that thread goes on by itself.

How it runs: every action runs the program again from the start, the steps taken so far
replayed thread by thread (the schedule is a pure function of the choices), then the action,
then the run is stopped where the session stops (a :class:`Paused` from its strategy) and what
each thread is doing is read from the world before it is torn down (the runner's ``at_end``).
So undo is a replay of a shorter prefix, and the session never holds a run open between two
actions: nothing of the simulation (the swapped-in modules, the spin watchdog) outlives an
action, and whatever drives the session (a terminal, a web page) runs outside it. A puzzle's
run takes about a millisecond; an action replays at most a few hundred steps.

The schedule so far is a token :func:`simconc.run` (and ``simconc replay``) takes: the choices
made, and the steps taken as the run's step limit, so that the replay stops where the session
stands (a run that ended has no limit to keep).
"""
from __future__ import annotations

import io
import linecache
import os
import random
import sys
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Callable, Optional, Sequence, Union

from greenlet import getcurrent  # type: ignore[import-untyped]

from ..analysis.deadlock import namer, wait_of
from ..kernel import (Option, SimconcError, SimThread, Strategy, Trace, Where, World,
                      decode_token, encode_token, maybe_current_world, switch_points_named)
from ..kernel.scheduler import MAX_STEPS, token_semantics, token_switch_points
from ..render import Timeline, timeline_of
from ..runner import Check, RunResult, Script, run
from .goals import Goal, parse_goal, uncaught_text
from .report import interleaving

#: simconc's own files: a frame in one of them is not the program's.
_SIMCONC = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

#: How many steps ``auto`` takes at most before it stops anyway.
AUTO_STEPS = 100

#: The values a variable name is not given to (an ``int`` is shared by every variable holding
#: it; a function is code, not state).
_UNNAMED = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset, type,
            type(os), type(len), type(lambda: 0))


class Paused(SimconcError):
    """The session stopped the run here (not a failure of the program's)."""


class Diverged(SimconcError):
    """Replaying the steps taken so far did not lead where it did before: the program depends
    on something the schedule does not decide."""


@dataclass(frozen=True)
class ThreadView:
    """One thread where a session stands."""
    number: int          # 1, 2, ...: its place among the threads, in the order they started
    name: str
    #: ``runnable`` (it may take the next step), ``blocked`` (its next step must wait: a lock
    #: someone holds, a join, a wait) or ``done``.
    state: str
    #: What its next step does (``read counter``, ``lock.acquire()``); "" when done.
    next: str = ""
    #: Blocked: what it waits for (``lock_b (Lock#2), held by B``); else "".
    waits_for: str = ""
    #: The line of the program's it stands at (the innermost frame of the program's own code),
    #: None when none of it is left (the thread is about to end).
    where: Optional[Where] = None
    #: The program's functions it is inside, outermost first.
    functions: tuple[str, ...] = ()
    path: tuple = field(default=(), repr=False)   # names it the same way in every execution

    def to_dict(self, around: int = 1) -> dict[str, Any]:
        """The thread as plain data (JSON), its source lines ``around`` its line included."""
        where = self.where
        return {"number": self.number, "name": self.name, "state": self.state,
                "next": self.next, "waits_for": self.waits_for,
                "file": where.filename if where else None,
                "line": where.lineno if where else None,
                "functions": list(self.functions),
                "context": [list(line) for line in self.context(around)]}

    def context(self, around: int = 1) -> list[tuple[int, str]]:
        """The source lines around :attr:`where`, ``around`` on each side: (number, text)."""
        if self.where is None:
            return []
        lines = []
        for n in range(max(1, self.where.lineno - around), self.where.lineno + around + 1):
            text = linecache.getline(self.where.filename, n)
            if text:
                lines.append((n, text.rstrip("\n")))
        return lines


@dataclass(frozen=True)
class Reached:
    """The goal, met: after how many steps, and how."""
    steps: int
    how: str


@dataclass
class _Stop:
    """Where one run of the session stopped: what the session shows until the next action."""
    paths: list[tuple]          # the thread of each step taken
    threads: list[ThreadView]
    result: RunResult
    output: str
    token: str
    reached: Optional[Reached]
    paused: bool                # stopped by the session (else the run ended)
    #: Why the last action stopped where it did (``auto``: a thread blocked...), or "".
    because: str = ""


Pick = Union[int, str]


class Session:
    """A program stepped through (see the module's docstring).

    ``goal`` (a :class:`~.goals.Goal` or its name: ``check``, ``exception``, ``deadlock``,
    ``critical:FUNCTION``) is what the learner tries to make happen: the session says when, and
    after how many steps. ``seed`` seeds the program's random numbers and :meth:`auto`'s
    choices. ``schedule`` starts where a session's token stood. ``check`` is the invariant (the
    program's ``check()`` by default); ``switch_points``, ``max_steps`` and ``spin_timeout``
    are :func:`simconc.run`'s. ``timeline=True`` records what :meth:`timeline` draws (who was
    blocked on what, step by step).
    """

    def __init__(self, program: "str | os.PathLike[str]", *, goal: "Goal | str | None" = None,
                 seed: int = 0, schedule: Optional[str] = None, check: Check = None,
                 switch_points: str = "any", max_steps: int = MAX_STEPS,
                 spin_timeout: float = 10.0, timeline: bool = False) -> None:
        #: (a Script keeps its arguments: the program's every run is given them)
        self.program: Union[str, Script] = program if isinstance(program, Script) \
            else os.fspath(program)
        self.goal = parse_goal(goal) if isinstance(goal, str) else goal
        self.seed = seed
        self.check = check
        self.switch_points = switch_points_named(switch_points)
        self.max_steps = max_steps
        self.spin_timeout = spin_timeout
        #: Each run records how the threads were scheduled too, for :meth:`timeline`.
        self.recording = timeline
        if max_steps < 1:
            raise ValueError(f"the step limit is at least 1 step, not {max_steps}")
        paths: list[tuple] = []
        if schedule is not None:
            paths = self._paths_of(schedule)
        self._stop = self._run(paths, ("stop",))
        self._undo: list[_Stop] = []

    @classmethod
    def following(cls, program: str, paths: Sequence[tuple], **options: Any) -> "Session":
        """A session standing where the steps ``paths`` lead: the thread of each step, by its
        path (``Step.thread``, the same in every execution), as a search found them."""
        session = cls(program, **options)
        session._stop = session._run(list(paths), ("stop",))
        return session

    # -- where it stands -------------------------------------------------------------------------
    @property
    def steps(self) -> int:
        """The steps taken so far."""
        return len(self._stop.paths)

    @property
    def threads(self) -> list[ThreadView]:
        """Every thread started so far, in the order they started."""
        return list(self._stop.threads)

    @property
    def runnable(self) -> list[ThreadView]:
        """The threads that may take the next step (none once the run is over)."""
        return [t for t in self._stop.threads if t.state == "runnable"] if not self.over else []

    @property
    def output(self) -> str:
        """What the program printed so far (stdout and stderr, in the order written)."""
        return self._stop.output

    @property
    def token(self) -> str:
        """The schedule so far: ``simconc replay FILE TOKEN`` runs the program to here."""
        return self._stop.token

    @property
    def over(self) -> bool:
        """Whether the run has ended (the program finished, or no thread can go on, or it was
        stopped: at the step limit, a spinning thread...)."""
        return not self._stop.paused

    @property
    def outcome(self) -> Optional[str]:
        """How the run ended: ``ok``, ``check`` (the invariant failed), ``deadlock``, ``error``
        (an exception escaped, or simconc stopped the program) or ``limit``; None while it
        goes on."""
        return self._stop.result.status if self.over else None

    @property
    def result(self) -> Optional[RunResult]:
        """The ended run (None while it goes on)."""
        return self._stop.result if self.over else None

    @property
    def trace(self) -> Trace:
        """The trace of the run up to here (what a timeline of the session draws)."""
        return self._stop.result.trace

    def timeline(self, title: str = "") -> Timeline:
        """The run so far as a timeline (:mod:`simconc.render`; its x axis is the step index):
        what a page shows growing as the learner steps. Needs ``timeline=True``."""
        if not self.recording:
            raise ValueError("this session does not record a timeline: make it with "
                             "timeline=True")
        return timeline_of(self._stop.result, title)

    @property
    def reached(self) -> Optional[Reached]:
        """The goal, if it was met so far: after how many steps, and how."""
        return self._stop.reached

    @property
    def undoable(self) -> int:
        """How many actions :meth:`undo` can take back, one a call."""
        return len(self._undo)

    @property
    def because(self) -> str:
        """Why the last action stopped where it did (after :meth:`auto`), or ""."""
        return self._stop.because

    def to_dict(self, around: int = 1) -> dict[str, Any]:
        """Where the session stands, as plain data (JSON): what a page shows of it."""
        reached = self.reached
        return {"program": os.fspath(self.program),
                "goal": None if self.goal is None else
                {"name": str(self.goal), "describe": self.goal.describe()},
                "steps": self.steps, "over": self.over, "outcome": self.outcome,
                "threads": [t.to_dict(around) for t in self.threads],
                "output": self.output, "token": self.token, "because": self.because,
                "reached": None if reached is None else
                {"steps": reached.steps, "how": reached.how}}

    def history(self, since: int = 0) -> list[dict]:
        """What the steps from step ``since`` on did, as rows of the interleaving (as
        ``simconc explore`` shows a failure's): ``step`` (1-based), ``thread``, ``op``,
        ``obj``, ``where``."""
        result = self._stop.result
        rows = [row for row in interleaving(result) if row["step"] > since and not row["noise"]]
        # A step that put nothing on the trace (a print's write) gets a row of its own.
        told = {row["step"] for row in rows}
        for number, step in enumerate(result.steps[since:], since + 1):
            if number not in told:
                rows.append({"step": number, "thread": step.name, "ident": step.ident,
                             "op": "print" if step.key == ("stdout",) else step.access,
                             "obj": "", "where": "", "noise": False})
        return sorted(rows, key=lambda row: row["step"])

    def thread(self, which: Pick) -> ThreadView:
        """The thread numbered ``which`` (1-based), or named so; ValueError if there is none."""
        for t in self._stop.threads:
            if t.number == which or t.name == which:
                return t
        numbers = ", ".join(str(t.number) for t in self._stop.threads)
        raise ValueError(f"there is no thread {which!r}: the threads are numbered {numbers}")

    # -- actions ---------------------------------------------------------------------------------
    def pick(self, which: Pick) -> list[dict]:
        """Let thread ``which`` (its number or name) take the next step; then the threads go on
        as long as only one can. The rows of the steps taken (:meth:`history`)."""
        thread = self.thread(which)
        if self.over:
            raise ValueError("the run is over: no thread can take a step (undo goes back)")
        if thread.state != "runnable":
            why = f"it waits for {thread.waits_for}" if thread.state == "blocked" else \
                "it has ended"
            raise ValueError(f"thread {thread.number} ({thread.name}) cannot take the next "
                             f"step: {why}")
        return self._act(("pick", thread.path))

    def auto(self, until: str = "event", limit: int = AUTO_STEPS) -> list[dict]:
        """Let the seeded scheduler choose, up to ``limit`` steps or the end of the run,
        until ``until``: ``event`` (a thread blocks, wakes or ends, a thread takes a lock
        another held before, or the goal is met) or ``goal`` (the goal is met); then the
        threads go on as long as only one can. The rows of the steps taken."""
        if until not in ("event", "goal"):
            raise ValueError(f"auto runs until an 'event' or the 'goal', not {until!r}")
        if limit < 1:
            raise ValueError(f"auto takes at least 1 step, not {limit}")
        if self.over:
            raise ValueError("the run is over: no thread can take a step (undo goes back)")
        return self._act(("auto", until, limit))

    def undo(self) -> bool:
        """Go back to where the last action started; False if there is none."""
        if not self._undo:
            return False
        # Replayed rather than restored: what a session shows always comes from a run of the
        # program as it is now.
        previous = self._undo.pop()
        self._stop = self._run(previous.paths, ("stop",))
        return True

    def _act(self, action: tuple) -> list[dict]:
        before = self.steps
        stop = self._run(self._stop.paths, action)
        self._undo.append(self._stop)
        self._stop = stop
        return self.history(before)

    # -- running ---------------------------------------------------------------------------------
    def _paths_of(self, schedule: str) -> list[tuple]:
        """The thread of each step of the run ``schedule`` names (a session's token)."""
        if token_semantics(schedule) != "untimed":
            raise ValueError("a stepping session replays an untimed token (from simconc "
                             "step or explore), not a timed one (simconc run)")
        if token_switch_points(schedule) != self.switch_points:
            raise ValueError(f"the token was recorded with switch points "
                             f"{token_switch_points(schedule)!r}, not {self.switch_points!r}")
        decode_token(schedule)   # (BadToken, saying why, before a run)
        result = run(self.program, schedule=schedule, check=self.check,
                     spin_timeout=self.spin_timeout)
        return [step.thread for step in result.steps]

    def _run(self, paths: list[tuple], action: tuple) -> _Stop:
        driver = _Driver(paths, action, self.goal, self.seed)
        seen: list[list[ThreadView]] = []
        echo = io.StringIO()   # (both streams, in the order the program wrote them)

        def at_end(world: World) -> None:
            seen.append(look(world))

        result = run(self.program, strategy=driver, semantics="untimed",
                     switch_points=self.switch_points, check=self.check,
                     max_steps=self.max_steps, spin_timeout=self.spin_timeout,
                     echo=echo, echo_err=echo, at_end=at_end, timeline=self.recording)
        if driver.error is not None:
            raise driver.error
        taken = [step.thread for step in result.steps]
        paused = driver.paused
        reached = driver.reached
        if not paused and reached is None and self.goal is not None:
            how = self.goal.at_end(result)
            if how is not None:
                reached = Reached(len(taken), how)
        if paused:
            token = encode_token(result.scheduler.choices, "untimed", self.switch_points,
                                 len(taken))
        else:
            token = result.schedule
        return _Stop(taken, seen[0] if seen else [], result, echo.getvalue(), token, reached,
                     paused, driver.because)


_PAUSED = "the stepping session stopped here"


class _Driver(Strategy):
    """The strategy of one run of a session: replays the steps taken so far thread by thread,
    then does the action (``stop``; ``pick`` a thread; ``auto``), then goes on while only one
    thread can, and stops the run (:class:`Paused`) where the session stops. It watches the
    goal at every step."""

    wants_options = True

    def __init__(self, paths: list[tuple], action: tuple, goal: Optional[Goal],
                 seed: int) -> None:
        self.paths = paths
        self.action = action
        self.goal = goal
        self.seed = seed
        self.reached: Optional[Reached] = None
        self.error: Optional[SimconcError] = None
        self.because = ""
        self.paused = False
        self._acting = False       # past the action's own steps: only one thread goes on
        self._rng: Optional[random.Random] = None
        self._states: dict[tuple, str] = {}   # each thread's state at the last step
        self._auto_steps = 0
        self._events = 0                      # the trace's events read so far
        self._uncaught: list[str] = []        # the exceptions that escaped a thread so far

    def pick(self, kind: str, n: int, step: int,
             options: Optional[Sequence[Any]] = None) -> int:
        if kind == "seed":
            return self.seed % n   # (the program's random numbers, as under --seed)
        if kind != "step" or options is None:
            return 0
        return self._step(options)

    def observe(self, options: Sequence[Any]) -> None:
        self._step(options)

    def _step(self, options: Sequence[Option]) -> int:
        world = maybe_current_world()
        assert world is not None   # (a strategy is asked only while its world runs)
        taken = len(world.trace.steps)
        met = False
        if self.goal is not None and self.reached is None and \
                self.goal.kind in ("critical", "exception"):
            how = self.goal.during(*self._watch(world))
            if how is not None:
                self.reached = Reached(taken, how)
                # (met again while replaying, or where the session stood: no reason to stop)
                met = taken > len(self.paths)
        if taken < len(self.paths):
            want = self.paths[taken]
            for index, option in enumerate(options):
                if option.thread == want:
                    return index
            self.error = Diverged(
                f"replaying the steps taken so far, step {taken + 1} was not the same: the "
                f"program depends on something the schedule does not decide (the time, a "
                f"real file, a real thread)")
            raise self.error
        kind = self.action[0]
        if kind == "stop" or met:
            if met:
                self.because = "the goal is met"
            return self._pause()
        if kind == "pick" and not self._acting:
            self._acting = True
            return next(i for i, o in enumerate(options) if o.thread == self.action[1])
        if kind == "auto" and not self._acting:
            return self._auto(world, options)
        if len(options) == 1:
            return 0
        return self._pause()

    def _watch(self, world: World) -> tuple[list[tuple[str, list[str]]], list[str]]:
        """:func:`watch`, reading only what the goal needs, and the trace only where it has
        grown since the last step."""
        goal = self.goal
        if goal is not None and goal.kind == "critical":
            # (whether each stands inside the section, not all it stands inside: cheaper)
            return [(t.name, list(goal.functions) if stands_in(t, goal.functions) else [])
                    for t in world.threads if t.state != "done"], []
        events = world.trace.events
        for event in events[self._events:]:
            if event.op == "uncaught":
                self._uncaught.append(uncaught_text(event.thread, event.label, event.detail))
        self._events = len(events)
        return [], self._uncaught

    def _pause(self) -> int:
        self.paused = True
        raise Paused(_PAUSED)

    def _auto(self, world: World, options: Sequence[Option]) -> int:
        """A seeded choice, unless the last step was worth stopping after (then the session
        stops here, or once only one thread can go on)."""
        _, until, limit = self.action
        states = {t.path: _state(t) for t in world.threads}
        if self._rng is None:
            # Seeded by the session's seed and where the choice starts: the same choices
            # every time from here, whatever was undone before.
            self._rng = random.Random(self.seed * 1_000_003 + len(world.trace.steps))
        else:
            why = self._event(world, states) if until == "event" else ""
            if why:
                why = f"{why} at step {len(world.trace.steps)}"
            elif self._auto_steps >= limit:
                why = f"{limit} steps taken"
            if why:
                self.because = why
                self._acting = True
                if len(options) == 1:
                    return 0
                return self._pause()
        self._states = states
        self._auto_steps += 1
        return self._rng.randrange(len(options))

    def _event(self, world: World, states: dict[tuple, str]) -> str:
        """What the last step did that is worth stopping after, or ""."""
        names = {t.path: t.name for t in world.threads}
        events = []
        for path, state in states.items():
            before = self._states.get(path)
            if before is None or before == state:
                continue
            events.append(f"{names[path]} blocked" if state == "blocked" else
                          f"{names[path]} ended" if state == "done" else
                          f"{names[path]} can go on")
        steps = world.trace.steps
        last = steps[-1] if steps else None
        if last is not None and last.access == "acq":
            earlier = next((s for s in reversed(steps[:-1]) if s.key == last.key and
                            s.access in ("acq", "try")), None)
            if earlier is not None and earlier.thread != last.thread:
                events.append(f"{last.name} took a lock {earlier.name} held before")
        return ", ".join(events)


def _state(thread: SimThread) -> str:
    """``runnable``, ``blocked`` or ``done``, as the session shows a thread."""
    if thread.state == "done":
        return "done"
    pending = getattr(thread, "pending", None)
    if pending is None:
        return "runnable"
    enabled = pending[2]
    return "runnable" if enabled is None or enabled() else "blocked"


# -- reading a world -------------------------------------------------------------------------------

def _frames(thread: SimThread) -> list[FrameType]:
    """The thread's frames, innermost first (none once it has ended)."""
    g = thread.greenlet
    if g is None or thread.state == "done":
        return []
    frame: Optional[FrameType] = sys._getframe(1) if g is getcurrent() else g.gr_frame
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def _is_programs(frame: FrameType) -> bool:
    name = frame.f_code.co_filename
    return not name.startswith(_SIMCONC) and not name.startswith("<")


def inside_of(thread: SimThread) -> list[str]:
    """The program's functions ``thread`` stands inside, outermost first."""
    return [f.f_code.co_name for f in reversed(_frames(thread)) if _is_programs(f)]


def stands_in(thread: SimThread, functions: "frozenset[str] | tuple[str, ...]") -> bool:
    """Whether ``thread`` stands inside one of the program's ``functions`` (what the search
    asks at every step: the names are compared first, the files only where they match)."""
    g = thread.greenlet
    if g is None or thread.state == "done":
        return False
    frame: Optional[FrameType] = sys._getframe(1) if g is getcurrent() else g.gr_frame
    while frame is not None:
        if frame.f_code.co_name in functions and _is_programs(frame):
            return True
        frame = frame.f_back
    return False


def watch(world: World) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """What goals watch while a run goes on (:meth:`.goals.Goal.during`'s arguments): each
    unfinished thread's name and the program's functions it is inside, and the exceptions that
    escaped a thread so far."""
    inside = [(t.name, inside_of(t)) for t in world.threads if t.state != "done"]
    uncaught = [uncaught_text(e.thread, e.label, e.detail) for e in world.trace.events
                if e.op == "uncaught"]
    return inside, uncaught


def look(world: World) -> list[ThreadView]:
    """Each thread of ``world`` as the session shows it (see :class:`ThreadView`)."""
    frames = {t.path: _frames(t) for t in world.threads}
    namespace = next((f.f_globals for fs in frames.values() for f in fs
                      if _is_programs(f) and f.f_globals.get("__name__") == "__main__"), {})
    names = {id(v): k for k, v in namespace.items()
             if not k.startswith("__") and not isinstance(v, _UNNAMED)}
    name = namer(names)
    views = []
    for number, thread in enumerate(world.threads, 1):
        state = _state(thread)
        mine = frames[thread.path]
        programs = [f for f in mine if _is_programs(f)]
        where = None
        if programs:
            top = programs[0]
            where = Where(top.f_code.co_filename, top.f_lineno, top.f_code.co_name)
        waits = ""
        if state == "blocked":
            waits = "its turn"
            if thread.waiting_on is not None:
                wait = wait_of(world, thread, name)
                waits = wait.waits_for + (f", held by {', '.join(wait.held_by)}"
                                          if wait.held_by else "")
        views.append(ThreadView(
            number, thread.name, state,
            _next_step(thread, mine, names, name) if state != "done" else "",
            waits, where, tuple(f.f_code.co_name for f in reversed(programs)), thread.path))
    return views


#: How a call of the program's reads where its name is not the operation's.
_CALLS = {"__enter__": "acquire", "__exit__": "release"}


def _next_step(thread: SimThread, frames: list[FrameType], names: dict[int, str],
               name: Callable[[Any], str]) -> str:
    """What the thread's next step does, in the program's words: the call of the program's it
    is part of (``lock.acquire()``, ``print``), or the variable it reads or writes."""
    pending = getattr(thread, "pending", None)
    if pending is None:
        return ""
    key, access, _enabled = pending
    programs = [i for i, f in enumerate(frames) if _is_programs(f)]
    if access in ("r", "w") and type(key) is tuple and key and \
            (key[0] == "global" or type(key[0]) is int):
        local = frames[programs[0]].f_locals if programs else {}
        return _access(key, access, local, names)
    if not programs:
        # None of the program's code is left to run: its end (the main thread's: the
        # interpreter's wait for the other threads).
        if access in ("wait", "join"):
            return "the interpreter's wait for the other threads, at exit"
        return "end"
    inner = programs[0]
    if inner == 0:
        return {"acq": "acquire", "try": "try to acquire", "rel": "release",
                "join": "join", "wait": "wait"}.get(access, access)
    call = frames[inner - 1]
    function = call.f_code.co_name
    obj = call.f_locals.get("self")
    if call.f_code.co_filename.endswith(os.path.join("runner", "capture.py")):
        return "print"
    if obj is not None and function in ("start", "join", "is_alive") and \
            hasattr(obj, "ident") and hasattr(obj, "name"):
        return f"{function} {obj.name}"
    verb = _CALLS.get(function, function)
    if obj is None:
        return f"{verb}()"
    ref = names.get(id(obj)) or (name(obj) if hasattr(obj, "_sim_label") else type(obj).__name__)
    return f"{ref}.{verb}()"


def _access(key: tuple, access: str, local: dict, names: dict[int, str]) -> str:
    """``read counter``, ``write self.value``, ``write items``, ``write d['k']``."""
    verb = "read" if access == "r" else "write"
    if key[0] == "global":
        return f"{verb} {key[-1]}"
    owner = next((k for k, v in local.items() if id(v) == key[0]), None) or names.get(key[0])
    if len(key) == 2 and key[1] == "[]":
        return f"{verb} {owner or 'a container'}"
    if len(key) == 3:
        return f"{verb} {owner or 'a container'}[{key[2]!r}]"
    return f"{verb} {owner + '.' if owner else 'an attribute '}{key[1]}"
