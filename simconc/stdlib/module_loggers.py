"""What modules each process does not have its own of hold of ``logging``: each process's own.

``logging`` is each process's own (``program_modules.OWN_IMPORTS``): a forked child has a copy,
a spawned one imports it afresh. But a module of the standard library or of an installed
package, shared by all processes, holds a logger of the logging it imported
(``concurrent.futures._base.LOGGER``, ``log = logging.getLogger(__name__)`` in a library), and
``logging`` itself (its ``import logging``): in a child, they must be the child's logger of
that name and the child's logging, or what the library logs, or configures, would go to the
parent's while the child configures its own. Each such global is made an interpreter global
(``World.interpreter_globals``) when a process starts: a forked child's value is its copy, a
spawned child's the logger of that name, or the module, in the logging it imports as it starts.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any, Optional

from ..kernel import World
from ..kernel.world import ABSENT
from .program_modules import OWN_IMPORTS

#: Modules whose globals are never a process's (the simulated machine's, simconc's own).
_MACHINE = ("simconc", "simpy", "greenlet", "networkx", "_pytest", "pytest", "pluggy")
#: What the scan found, by module name: (the module, the Logger class looked for, the names of
#: its globals bound to one). Scanned once per module and logging (a run's own, or the one
#: imported before the runs), not at every start of a process.
_found: dict[str, tuple[types.ModuleType, type, list[str]]] = {}


def logger_globals(world: World) -> list[int]:
    """Make each global bound to a logger or to one of logging's modules, in a module not each
    process's own, an interpreter global, if it is not one yet; the positions in
    ``world.interpreter_globals`` of all such globals."""
    logging = sys.modules.get("logging")
    if logging is None:
        return []
    logger_class = logging.Logger
    modules = {id(module) for name in OWN_IMPORTS if (module := sys.modules.get(name))}

    def is_logging(value: Any) -> bool:
        return isinstance(value, logger_class) or id(value) in modules

    pairs = world.interpreter_globals
    owned = {name for namespace, name in pairs if namespace is sys.modules}
    known = {(id(namespace), name): i for i, (namespace, name) in enumerate(pairs)}
    positions = []
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name in owned or module_name.startswith(_MACHINE):
            continue
        found = _found.get(module_name)
        if found is None or found[0] is not module or found[1] is not logger_class:
            found = _found[module_name] = (module, logger_class, [
                name for name, value in list(vars(module).items()) if is_logging(value)])
        namespace = vars(module)
        for name in found[2]:
            if not is_logging(namespace.get(name)):
                continue
            at = known.get((id(namespace), name))
            if at is None:
                # (every other process keeps the one it has: the one there is now)
                at = len(pairs)
                world.add_interpreter_global(namespace, name, namespace[name])
            positions.append(at)
    return positions


def own_loggers(world: World, positions: list[int]) -> None:
    """In a spawned child that starts (its values are in the namespaces): the globals at
    ``positions`` become its own logging's loggers of the same names, imported afresh."""
    if not positions:
        return
    import logging   # (afresh: a spawned child has none of its parent's)
    for at in positions:
        namespace, name = world.interpreter_globals[at]
        value: Optional[Any] = namespace.get(name, ABSENT)
        if isinstance(value, types.ModuleType):
            namespace[name] = importlib.import_module(value.__name__)
        elif value is not ABSENT and value is not None:
            namespace[name] = logging.getLogger(value.name)   # ("root": the root logger)
