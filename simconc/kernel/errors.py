"""Errors that simconc itself raises.

Errors a simulated *program* sees are CPython's own (RuntimeError, ValueError, queue.Empty, ...);
the classes here are for problems with the simulation: a schedule that does not fit the program,
a thread that never blocks, a program that tries to leave the simulation.
"""
from __future__ import annotations


class SimconcError(Exception):
    """Base class of every error that simconc raises about a run (never one the program sees)."""


class BadToken(SimconcError):
    """A schedule token that cannot be decoded at all."""


class ScheduleMismatch(SimconcError):
    """A schedule token that decodes but does not fit the program it is replayed on."""

    def __init__(self, message: str, step: int) -> None:
        super().__init__(message)
        self.step = step


class SpinError(SimconcError):
    """A simulated thread ran for too long without ever reaching a point where others may run."""


class UnsimulatedError(SimconcError):
    """The simulated program reached for something real that simconc does not simulate: a
    process (fork, subprocess, exec, a native thread through ctypes), asyncio's event loop, a
    wait on real file descriptors. Refused, so that it neither escapes the simulation nor
    hangs it."""


class RealThreadError(UnsimulatedError):
    """The simulated program tried to start a real OS thread."""


class ProgramExit(SimconcError):
    """The program called ``os._exit(status)``: its process, and so the execution, ends there,
    with no clean-up (never seen by the program; the run reports the status)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the program called os._exit({status})")
        self.status = status


class NotInSimulation(SimconcError):
    """A simulated primitive was used outside any simulated execution."""
