"""What the stdlib face keeps for one interpreter of one execution (each execution starts from
scratch): ``state()`` of the running thread's interpreter (see Interpreter.state)."""
from __future__ import annotations

import types
from typing import Any, Optional

from ..kernel import World, current_world


class FaceState:
    """The face's per-execution state (see the module's docstring)."""

    __slots__ = ("modules", "active", "names", "dummy_names", "hooks", "locals",
                 "thread_exceptions", "reseeds")

    def __init__(self) -> None:
        #: This execution's copies of the face's modules, by the name a program imports.
        self.modules: dict[str, types.ModuleType] = {}
        #: The threads by ident: this execution's ``threading._active`` (bound on first use).
        self.active: Optional[dict[int, Any]] = None
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


def face_state(world: Optional[World] = None) -> FaceState:
    """The face's state of ``world``'s running interpreter (the running world's by default)."""
    if world is None:
        world = current_world()
    return world.current_interpreter().state(FaceState)
