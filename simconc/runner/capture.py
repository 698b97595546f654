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

    def writable(self) -> bool:
        return True

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        world = self.world
        if world is not None and world.current is not None:
            world.point(_STDOUT, "w")
        self.parts.append(text)
        if self.echo is not None:
            self.echo.write(text)
        return len(text)

    def flush(self) -> None:
        if self.echo is not None:
            self.echo.flush()

    def getvalue(self) -> str:
        return "".join(self.parts)


_STDOUT = ("stdout",)
