"""The program's modules, each simulated process's own.

A real process has its own ``sys.modules``: a forked child starts with copies of its parent's
modules, a spawned one imports them afresh, and what one process imports later is its alone.
All simulated processes share one real ``sys.modules``, so the program's modules (its own files,
and the pure-Python packages it uses: ``FaceState.is_programs`` says which) are made each
process's own as the interpreter globals are: each is a ``(sys.modules, name)`` pair of
``World.interpreter_globals``, its value swapped at each switch between processes. A forked
child gets a copy of its parent's module (``fork.py`` copies it as it copies ``__main__``), a
spawned child none, so that its import runs the module afresh.

The standard library's modules and simconc's stay shared: what of theirs differs between
processes is among the interpreter globals (``children.interpreter_globals``). Of those,
``logging``'s modules (:data:`OWN_IMPORTS`) are each process's own as the program's are: a
forked child gets a copy of its parent's configuration (``fork.py``), a spawned one imports
them afresh, with none of it, as real ones do.
"""
from __future__ import annotations

import sys
from typing import Callable, Optional

from ..kernel import World
from ..kernel.interpreter import Interpreter
from ..kernel.world import ABSENT


class ProgramModules:
    """Makes each program module imported so far the importing process's own: one of the
    world's ``switching`` hooks (called as a process stops running), and called before a
    fork."""

    __slots__ = ("world", "is_programs", "known", "count", "last")

    def __init__(self, world: World, is_programs: Callable[[str, object], bool]) -> None:
        self.world = world
        self.is_programs = is_programs
        self.known: set[str] = set()
        self.count = -1             # len(sys.modules) when last looked
        self.last: object = None    # and its newest name (an import appends to it)

    def __call__(self, running: Interpreter, entering: Optional[Interpreter] = None) -> None:
        modules = sys.modules
        if len(modules) == self.count and next(reversed(modules), None) == self.last:
            return
        new = [name for name in modules if name not in self.known]
        self.known.update(new)
        self.count, self.last = len(modules), next(reversed(modules), None)
        world = self.world
        for name in new:
            if not self.is_programs(name, modules[name]):
                continue
            # (``running`` imported it: the others never did. Its value is read from
            # sys.modules as it leaves; the others keep theirs by position)
            world.add_interpreter_global(modules, name, ABSENT)


def program_modules(world: World) -> ProgramModules:
    """The world's :class:`ProgramModules`, installed as its first ``switching`` hook on first
    use."""
    for hook in world.switching:
        if isinstance(hook, ProgramModules):
            return hook
    state = world.interpreters[0].face
    modules = ProgramModules(world, getattr(state, "is_programs", None) or _none)
    world.switching.insert(0, modules)
    return modules


#: The standard library's modules each process imports for itself (see the module's docstring).
OWN_IMPORTS = ("logging", "logging.handlers", "logging.config")


def owned_modules(world: World) -> list:
    """The program's modules the running process has, and its logging (those ``fork.py``
    copies)."""
    return [module for namespace, name in world.interpreter_globals
            if namespace is sys.modules and name not in ("__main__", "__mp_main__")
            and (module := namespace.get(name)) is not None]


def _none(name: str, module: object) -> bool:
    return False
