"""Loading a scenario file: its code, compiled (and instrumented) once per version of the file."""
from __future__ import annotations

import contextlib
import os
from importlib.util import decode_source
from typing import Any, Iterator, Optional

from ..instrument.rewrite import compile_instrumented
from ..kernel import SimconcError


class ScenarioError(SimconcError):
    """The program cannot be run at all: a missing file, a syntax error."""


_compiled: dict[tuple, Any] = {}   # (path, size, mtime, memory) -> code: explorations rerun it

#: Inside :func:`scenarios_pinned`: (path, memory, switches) -> the code loaded first.
_pinned: Optional[dict[tuple, Any]] = None


@contextlib.contextmanager
def scenarios_pinned() -> Iterator[None]:
    """Within the block, a scenario file is loaded once: later runs take the code loaded
    first without asking the OS whether the file changed. An exploration runs one file
    thousands of times, and explores one version of it."""
    global _pinned
    outer = _pinned
    if outer is None:
        _pinned = {}
    try:
        yield
    finally:
        _pinned = outer


def load_scenario(path: "str | os.PathLike[str]", memory: bool = False,
                  switches: bool = False, ticks: bool = False) -> Any:
    """The compiled code of a scenario file, or :class:`ScenarioError` saying what is wrong.
    With ``memory``, its reads and writes of shared state call the instrument's hooks; with
    ``switches`` too, so do the GIL build's switch points; with ``ticks``, its Python is
    counted (:mod:`simconc.instrument.ticks`)."""
    path = os.fspath(path)
    if _pinned is not None:
        code = _pinned.get((path, memory, switches, ticks))
        if code is None:
            code = _pinned[path, memory, switches, ticks] = _load(path, memory, switches, ticks)
        return code
    return _load(path, memory, switches, ticks)


def _load(path: str, memory: bool, switches: bool, ticks: bool) -> Any:
    try:
        stat = os.stat(path)
        cache_key = (path, stat.st_size, stat.st_mtime_ns, memory, switches, ticks)
        if cache_key in _compiled:
            return _compiled[cache_key]
        with open(path, "rb") as f:
            source = f.read()
    except FileNotFoundError:
        raise ScenarioError(f"no such scenario file: {path}") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path} is a directory, not a scenario file") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror}") from None
    try:
        code = compile(source, path, "exec", dont_inherit=True)
        if memory or ticks:
            code = compile_instrumented(decode_source(source), path, switches, memory, ticks)
    except SyntaxError as exc:
        where = f"{path}, line {exc.lineno}" if exc.lineno else path
        text = f"\n    {exc.text.rstrip()}" if exc.text else ""
        raise ScenarioError(f"the scenario has a syntax error ({where}): {exc.msg}{text}") from None
    except ValueError as exc:  # e.g. null bytes
        raise ScenarioError(f"the scenario cannot be compiled: {exc}") from None
    if len(_compiled) > 32:
        _compiled.clear()
    _compiled[cache_key] = code
    return code


#: A scenario's folder, by its path (and the directory a relative path is relative to): an
#: exploration runs the same file again and again, and os.path.abspath asks the OS each time.
_folders: dict[Any, str] = {}


def folder_of(path: str) -> str:
    """The folder of the scenario ``path`` (put first on ``sys.path``, as ``python FILE`` does)."""
    key = path if os.path.isabs(path) else (os.getcwd(), path)
    folder = _folders.get(key)
    if folder is None:
        if len(_folders) > 32:
            _folders.clear()
        folder = _folders[key] = os.path.dirname(os.path.abspath(path))
    return folder
