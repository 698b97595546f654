"""What a simulated program writes to stdout and stderr, collected (and passed on live)."""
from __future__ import annotations

import io
from typing import Optional, TextIO

from ..kernel import World


class Capture(io.TextIOBase):
    """Collects what the program writes; optionally passes it on live."""

    def __init__(self, echo: Optional[TextIO] = None,
                 world: Optional[World] = None) -> None:
        self.parts: list[str] = []
        self.echo = echo
        #: A write is a visible operation (under untimed semantics, a step: which thread
        #: prints first is an order), while the world runs.
        self.world = world
        #: The other stream's echo, flushed before this one's is written to: both often go to
        #: one pipe or file, where a buffered stdout would come out after a later stderr.
        self.other_echo: Optional[TextIO] = None
        #: Set while the run unwinds the threads left at its end: what they write is dropped.
        self.muted = False

    def writable(self) -> bool:
        return True

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.muted:
            return len(text)
        world = self.world
        if world is not None and world.current is not None:
            if world.current.killed:   # (its process was killed: CPython runs none of its code)
                return len(text)
            world.point(_STDOUT, "w")
        self.parts.append(text)
        if self.echo is not None:
            if self.other_echo is not None:
                self.other_echo.flush()
            self.echo.write(text)
        return len(text)

    def flush(self) -> None:
        if self.echo is not None:
            self.echo.flush()

    def getvalue(self) -> str:
        return "".join(self.parts)


def captures(echo: Optional[TextIO], echo_err: Optional[TextIO],
             world: Optional[World] = None) -> tuple[Capture, Capture]:
    """The program's stdout and stderr, each flushing the other's echo before writing its
    own, so that the echoes come out in the order the program wrote them."""
    out, err = Capture(echo, world), Capture(echo_err, world)
    out.other_echo, err.other_echo = echo_err, echo
    return out, err


_STDOUT = ("stdout",)
