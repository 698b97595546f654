"""What a learner stepping through a program tries to make happen: a :class:`Goal`.

A goal is met at some point of an execution: ``check`` and ``deadlock`` when the run ends (the
program's invariant fails; no thread can go on), ``exception`` as soon as an exception escapes
a thread's code (a failed ``assert``, a ``pop`` from an empty list), ``critical:F`` as soon as
two threads are inside function ``F`` of the program at once (each has a frame of ``F`` on its
stack where it stands, waiting for its next step; ``critical:F,G``: inside ``F`` or ``G``).

Here only the rules, over plain data; reading a world for them is :mod:`.stepping`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ..runner import RunResult
from .report import failure_kind

#: The kinds of goal, as ``--goal`` names them (``critical`` takes its functions after a colon).
KINDS = ("check", "exception", "deadlock", "critical")

_FUNCTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Goal:
    kind: str
    #: ``critical``: the program's functions that make up the critical section.
    functions: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"critical:{','.join(self.functions)}" if self.kind == "critical" else self.kind

    def describe(self) -> str:
        """The goal in a sentence's words."""
        if self.kind == "critical":
            names = " or ".join(f"{f}()" for f in self.functions)
            return f"two threads inside {names} at the same time"
        return {"check": "the program's check fails when it ends",
                "exception": "an exception escapes a thread (a failed assert, say)",
                "deadlock": "a deadlock: no thread can go on"}[self.kind]

    def during(self, inside: Sequence[tuple[str, Sequence[str]]],
               uncaught: Sequence[str]) -> Optional[str]:
        """Whether the goal is met at a point where a thread can still take a step, and how
        (None if not). ``inside``: each unfinished thread's name and the program's functions
        on its stack, outermost first; ``uncaught``: the exceptions that escaped a thread so
        far, each as ``Type: message (in thread)``."""
        if self.kind == "exception" and uncaught:
            return uncaught[0]
        if self.kind == "critical":
            within = [name for name, functions in inside
                      if any(f in self.functions for f in functions)]
            if len(within) >= 2:
                return f"{' and '.join(within)} are inside {self._section()} at the same time"
        return None

    def at_end(self, result: RunResult) -> Optional[str]:
        """Whether the ended run ``result`` meets the goal, and how (None if not)."""
        found = failure_kind(result)
        if found is None:
            return None
        kind, message = found
        if kind == self.kind == "check" or kind == self.kind == "deadlock":
            return message
        if self.kind == "exception" and result.exceptions:
            first = result.exceptions[0]
            return f"{first.type}: {first.message} (in {first.thread})"
        return None

    def _section(self) -> str:
        return " or ".join(f"{f}()" for f in self.functions)


def parse_goal(text: str) -> Goal:
    """The goal ``text`` names (``check``, ``exception``, ``deadlock``, ``critical:F[,G...]``);
    ValueError saying what is accepted if it names none."""
    kind, colon, rest = text.strip().partition(":")
    if kind == "critical":
        functions = tuple(f.strip() for f in rest.split(",") if f.strip())
        bad = [f for f in functions if not _FUNCTION.match(f)]
        if not functions or bad:
            raise ValueError(f"the goal {text!r} names no function: critical:FUNCTION, the "
                             f"function that is the critical section (critical:F,G for "
                             f"several)")
        return Goal("critical", functions)
    if kind in KINDS and not colon:
        return Goal(kind)
    raise ValueError(f"unknown goal {text!r}: choose check, exception, deadlock or "
                     f"critical:FUNCTION")


def uncaught_text(thread: str, label: str, detail: str) -> str:
    """An escaped exception as goals show it: ``IndexError: pop from empty list (in B)``."""
    message = f"{label}: {detail}" if detail else label
    return f"{message} (in {thread})"
