"""Whether simconc's kernel runs compiled, and when it runs from its sources instead.

``pip install`` compiles the modules in :data:`MODULES` with mypyc when it can (setup.py): the
same code, with an exploration a third to two fifths cheaper in instructions (bench/README.md),
which the speed targets of exploration needed. The build records a hash of each
source it compiled (``simconc/_compiled_from.py``). At import, before any of those modules,
:func:`choose` makes Python import their sources instead, all of them (compiled, they only work
together), when

- ``SIMCONC_PURE`` is set (to ``1``, say): to debug the kernel, or to compare;
- a source has changed since it was compiled (an editable install, edited): Python would
  otherwise go on importing the stale compiled module and ignore the edit. A warning says so,
  and how to compile again.

Either way the program's results are the same, byte for byte; only the speed differs.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from typing import Any, Optional, Sequence

#: The modules setup.py compiles: the kernel's step loop, the search, and the hooks every
#: shared access of the program calls, where an exploration spends its time. (Not the stdlib
#: faces: each run makes fresh copies of them.)
MODULES = (
    "simconc.kernel.semantics",
    "simconc.kernel.stepped",
    "simconc.kernel.timed",
    "simconc.kernel.world",
    "simconc.kernel.interpreter",
    "simconc.kernel.thread",
    "simconc.kernel.scheduler",
    "simconc.kernel.trace",
    "simconc.kernel.gil",
    "simconc.kernel.load",
    "simconc.explore.dependence",
    "simconc.explore.naming",
    "simconc.explore.clocks",
    "simconc.explore.wakeup",
    "simconc.explore.dpor",
    "simconc.instrument.hooks",
)

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def source_path(module: str) -> str:
    """The source file of one of :data:`MODULES`."""
    return os.path.join(_ROOT, *module.split(".")) + ".py"


def source_hash(module: str) -> str:
    with open(source_path(module), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def changed_since_compiled(compiled_from: dict[str, str]) -> list[str]:
    """The modules whose source differs from what was compiled (``compiled_from``: module ->
    the hash of the source it was compiled from)."""
    return [m for m, digest in compiled_from.items()
            if not os.path.exists(source_path(m)) or source_hash(m) != digest]


class _Sources:
    """A finder that hands out the sources of :data:`MODULES`, ahead of their compiled modules."""

    def find_spec(self, name: str, path: Optional[Sequence[str]],
                  target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if name not in MODULES:
            return None
        return importlib.util.spec_from_file_location(name, source_path(name))


def choose() -> None:
    """Run the compiled kernel, or its sources (see the module's docstring). Called by
    ``simconc/__init__.py`` before anything imports the kernel."""
    if any(isinstance(f, _Sources) for f in sys.meta_path):
        return
    try:
        # (written by setup.py once it has compiled)
        from ._compiled_from import SHA256  # type: ignore[import-not-found, import-untyped]
    except ImportError:
        return   # a pure install: nothing compiled
    if os.environ.get("SIMCONC_PURE", "") in ("", "0"):
        changed = changed_since_compiled(SHA256)
        if not changed:
            return
        warnings.warn(
            f"simconc: {', '.join(source_path(m) for m in changed)} changed since it was "
            f"compiled; running the kernel from its sources (the same results, slower). "
            f"`pip install -e .` compiles it again; SIMCONC_PURE=1 silences this.",
            RuntimeWarning, stacklevel=3)
    sys.meta_path.insert(0, _Sources())   # type: ignore[arg-type]


def active() -> bool:
    """Whether the kernel in use is the compiled one."""
    from .kernel import trace
    return trace._COMPILED
