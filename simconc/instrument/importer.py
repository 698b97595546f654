"""Instrumenting the modules under test as they are imported (DESIGN.md, decisions 5 and 6).

A scenario file is instrumented as the runner compiles it. Library code (the thread-safe class a
pytest test exercises) is instrumented by this import hook instead, for the packages the user
names: reads and writes of their module variables, attributes and subscripts become steps under
untimed semantics, exactly as in a scenario. Outside a simulated execution the hooks only do the
access, so the instrumented module works as before in ordinary code.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from typing import Any, Optional, Sequence

from .hooks import access_in_run, always, hooks, record_in_run, switch_in_run
from .rewrite import compile_instrumented
from ..kernel import maybe_current_world


def _matches(name: str, packages: Sequence[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


class _InstrumentingLoader(importlib.machinery.SourceFileLoader):
    # (SourceLoader's signature, which get_code calls; the stubs give InspectLoader's static one)
    def source_to_code(  # type: ignore[override]
            self, data: Any, path: Any, *, _optimize: int = -1) -> Any:
        source = importlib.util.decode_source(data) if isinstance(data, bytes) else data
        # With the GIL build's switch points marked: an exploration of either kind may import
        # it (the marks cost a call each and do nothing under switch_points="any").
        return compile_instrumented(source, path, switches=True)

    def exec_module(self, module: Any) -> None:
        # Imported outside any simulated execution (the usual case: before the test runs), the
        # module body has made every write of the variables only it assigns before any
        # execution starts: reading them races with nothing, in every thread.
        body = {"body_thread": always} if maybe_current_world() is None else {}
        module.__dict__.update(hooks(record_in_run, module.__dict__, access_in_run,
                                     scope=module.__name__, switch=switch_in_run, **body))
        super().exec_module(module)

    # Never write instrumented bytecode where the plain import would find it.
    def set_data(self, path: Any, data: Any, *, _mode: int = 0o666) -> None:
        pass

    def get_code(self, fullname: str) -> Any:
        return self.source_to_code(self.get_data(self.get_filename(fullname)),
                                   self.get_filename(fullname))


class InstrumentingFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of ``packages`` as usual, then loads them instrumented."""

    def __init__(self, packages: Sequence[str]) -> None:
        self.packages = list(packages)

    def find_spec(self, name: str, path: Optional[Sequence[str]] = None,
                  target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if not _matches(name, self.packages):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        spec.loader = _InstrumentingLoader(spec.loader.name, spec.loader.path)
        return spec


def instrument_packages(packages: Sequence[str]) -> InstrumentingFinder:
    """From now on, import the modules of ``packages`` (dotted names, with their submodules)
    instrumented. Modules already imported are imported again, instrumented."""
    finder = InstrumentingFinder(packages)
    sys.meta_path.insert(0, finder)
    for name in [n for n in sys.modules if _matches(n, packages)]:
        del sys.modules[name]
    return finder


def instrumented(name: str) -> bool:
    """Whether module ``name`` is one :func:`instrument_packages` instruments."""
    return any(isinstance(finder, InstrumentingFinder) and _matches(name, finder.packages)
               for finder in sys.meta_path)
