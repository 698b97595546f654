"""What a library imported outside a run holds of the modules a run imports afresh.

A module first imported during a run that binds the run's modules is forgotten after it
(``patching._forget_face_bound``), so that the next run, or real code, imports it afresh. A
package with an extension module cannot be imported afresh in part (numpy, aiohttp,
charset_normalizer): it is kept whole, and its Python modules still hold the run's modules
(aiohttp's ``asyncio``: the run's own import of asyncio, whose running loop is the ended run's;
the next run's program failed in ``asyncio.get_running_loop()``). :func:`forward_stale` gives
each such module, in their place, a :class:`ModuleOfName`: whichever module has that name when
it is used, the next run's own import in a run, the real one outside. (Outside means any other
real thread too: a Jupyter kernel's IO thread goes on with the real asyncio while a run runs.)

A library imported before a run holds the real modules a run hides and its program imports
afresh (aiohttp imported by a test module holds the real asyncio, whose running loop is never
the run's): :func:`forward_hidden` gives it a :class:`ModuleOfName` in their place too, once
and for good, so that in a run it uses the run's, and outside the real ones.

What the extension modules themselves hold (set as they were first imported, for good), and
the classes, functions and objects of these modules bound by name (``from asyncio import
sleep``, a module's ``logger``), stay what they were.
"""
from __future__ import annotations

import _thread
import importlib
import os
import site
import sys
import sysconfig
import types
from typing import Any, Iterable, Optional

#: The run going on: the real thread that runs it, and the modules it hid, by name.
_run: Optional[tuple[int, dict[str, types.ModuleType]]] = None


def run_begins(hidden: dict[str, types.ModuleType]) -> None:
    """A run begins on this thread, having hidden ``hidden``."""
    global _run
    _run = (_thread.get_ident(), hidden)


def run_ends() -> None:
    global _run
    _run = None


class ModuleOfName(types.ModuleType):
    """The module named ``name`` at the moment it is used (imported then if need be): in a run,
    the run's; outside it, ``real`` if given (the module it stands for), else the real one."""

    def __init__(self, name: str, real: Optional[types.ModuleType] = None) -> None:
        super().__init__(name)
        vars(self)["_simconc_real"] = real

    def _module(self) -> types.ModuleType:
        namespace = vars(self)
        name, run = namespace["__name__"], _run
        if run is None or run[0] != _thread.get_ident():   # (not the run's code)
            real = namespace["_simconc_real"] or (run[1].get(name) if run is not None else None)
            if real is not None:
                return real
        module = sys.modules.get(name)
        return module if module is not None else importlib.import_module(name)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._module(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._module(), attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self._module(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._module())

    def __repr__(self) -> str:
        return repr(self._module())


def forward_stale(kept: Iterable[types.ModuleType], stale: set[int],
                  real: bool = False) -> None:
    """In each module of ``kept``, put a :class:`ModuleOfName` in place of every module in
    ``stale`` (by ``id``: the run's modules that are gone, or with ``real`` the real modules it
    hides) it binds."""
    for module in kept:
        namespace = vars(module)
        for name, value in list(namespace.items()):
            if type(value) is types.ModuleType and id(value) in stale:
                namespace[name] = ModuleOfName(value.__name__, value if real else None)


#: Where libraries are installed (a library's module is one whose file is under one of them).
_LIBRARIES = tuple({os.path.join(how(folder), "")
                    for folder in [sysconfig.get_paths()[key] for key in ("purelib", "platlib")]
                    + site.getsitepackages() + [site.getusersitepackages()]
                    for how in (os.path.abspath, os.path.realpath)})
_SIMCONC = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "")
_looked_at: set[int] = set()   # (the modules forward_hidden has seen: each once)
_modules_seen: tuple[int, Any] = (0, None)   # (how many modules there were then, the newest)


def forward_hidden(hidden: set[int]) -> None:
    """In each installed library's module not seen yet, put a :class:`ModuleOfName` in place of
    every module in ``hidden`` (by ``id``: the modules the run hides) it binds."""
    global _modules_seen
    # (an import appends to sys.modules: none since the last look, nothing to look at; looking
    # through a thousand modules would cost a small run a sixth more)
    seen = (len(sys.modules), next(reversed(sys.modules), None))
    if seen == _modules_seen:
        return
    _modules_seen = seen
    for module in list(sys.modules.values()):
        if id(module) in _looked_at or module is None:
            continue
        _looked_at.add(id(module))
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.startswith(_LIBRARIES) \
                or path.startswith(_SIMCONC):
            continue
        forward_stale((module,), hidden, real=True)
