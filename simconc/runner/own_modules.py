"""Which modules are the program's own: each execution imports them afresh, as each
``python FILE`` does, and each simulated process has its own (``stdlib/program_modules.py``).

The program's modules are its own Python files (neither the standard library's nor simconc's,
nor installed packages', in a site-packages folder) first imported in the run, and the module
of a callable program (a pytest test's). Installed packages are shared by processes
and kept from one execution to the next, as the standard library is: importing them afresh for
each execution would cost most explorations more than they run (docs/decisions.md). A package
with an extension module (numpy) cannot be imported twice: it is kept too.
"""
from __future__ import annotations

import re
import sys
from typing import Callable, Collection, Optional

from ..kernel.trace import programs_file

#: Where installed packages are (their modules are not the program's own).
_INSTALLED = re.compile(r"[/\\](site|dist)-packages[/\\]")
#: Packages by their top-level name: whether one of their modules is an extension module.
_native: dict[str, bool] = {}


def is_programs(name: str, module: object) -> bool:
    """Whether ``module`` (``sys.modules[name]``) is the program's: see the module's docstring."""
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or not file.endswith(".py") or not programs_file(file) \
            or _INSTALLED.search(file):
        return False
    return not _is_native(name.partition(".")[0])


def programs_test(before: Callable[[], Collection[str]],
                  own: Optional[str]) -> Callable[[str, object], bool]:
    """Which modules are the program's in one run: :func:`is_programs`, first imported in it
    (``before()``: those there were as it began) or the callable's own module (``own``: a
    pytest test module, imported before the run)."""
    def test(name: str, module: object) -> bool:
        return (name == own or name not in before()) and is_programs(name, module)
    return test


def forget_programs(new: list[str]) -> None:
    """Forget the program's modules first imported in the run (``new``), and their packages'
    attributes for them, so that the next execution imports them afresh."""
    for top in [top for top, native in _native.items() if not native]:
        del _native[top]   # (a package may have imported its extension since)
    for name in new:
        module = sys.modules.get(name)
        if module is None or not is_programs(name, module):
            continue
        del sys.modules[name]
        # (`from . import helper` finds it as its package's attribute, without importing)
        parent, _, attr = name.rpartition(".")
        package = sys.modules.get(parent)
        if package is not None and vars(package).get(attr) is module:
            delattr(package, attr)


def _is_native(top: str) -> bool:
    native = _native.get(top)
    if native is None:
        prefix = top + "."
        native = _native[top] = any(
            (getattr(module, "__file__", None) or "").endswith((".so", ".pyd"))
            for name, module in list(sys.modules.items())
            if name == top or name.startswith(prefix))
    return native
