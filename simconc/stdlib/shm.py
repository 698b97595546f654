"""POSIX shared memory (``_posixshmem``, under ``multiprocessing.shared_memory``) on the
simulated machine.

A name one simulated process creates is the machine's: another process opens it by that name.
All simulated processes are one real one, so a segment is an anonymous file of that process
(``memfd_create``) that each open duplicates: mapped by several processes, its pages are the
same memory, as a real segment's are. The names are the execution's own and go with it (nothing
is left in ``/dev/shm``), and no resource tracker process is started: the machine forgets what it
made when the execution ends, as a tracker would unlink what was leaked. A forked child's
``SharedMemory`` has its own descriptor and mapping of its parent's segment (``forked_block``).
"""
from __future__ import annotations

import _posixshmem  # type: ignore[import-not-found]   # (C, no stubs)
import errno
import mmap
import os
import sys
import tempfile
from typing import Any

from ..kernel import current_world


class Segments:
    """The machine's shared memory objects by name: one file descriptor each, closed when the
    execution that made them is gone."""

    __slots__ = ("fds",)

    def __init__(self) -> None:
        self.fds: dict[str, int] = {}

    def __del__(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()


def _segments() -> Segments:
    state = current_world().interpreters[0].face
    if state.segments is None:
        state.segments = Segments()
    return state.segments


def _anonymous_file() -> int:
    if hasattr(os, "memfd_create"):
        return os.memfd_create("simconc-shm")
    with tempfile.TemporaryFile() as file:   # (unlinked at once: memory of this process only)
        return os.dup(file.fileno())


def _error(kind: type, code: int, path: str) -> OSError:
    return kind(code, os.strerror(code), path)


def _check(path: str) -> str:
    """The name the OS is given: up to a NUL character (before 3.13, whose C function refuses
    one, as a path converter does)."""
    if "\0" in path:
        if sys.version_info >= (3, 13):
            raise ValueError("embedded null character")
        path = path[:path.index("\0")]
    return path


def shm_open(path: Any, flags: int, mode: int = 0o777) -> int:
    """``_posixshmem.shm_open``: a new file descriptor of the segment ``path``."""
    if not isinstance(path, str) or not isinstance(flags, int) or not isinstance(mode, int):
        _posixshmem.shm_open(path, flags, mode)   # (raises the TypeError this Python raises)
    name = _check(path)
    segments = _segments().fds
    fd = segments.get(name)
    if fd is None:
        if not flags & os.O_CREAT:
            raise _error(FileNotFoundError, errno.ENOENT, path)
        fd = segments[name] = _anonymous_file()
    elif flags & os.O_CREAT and flags & os.O_EXCL:
        raise _error(FileExistsError, errno.EEXIST, path)
    elif flags & os.O_TRUNC:
        os.ftruncate(fd, 0)
    return os.dup(fd)


def shm_unlink(path: Any) -> None:
    """``_posixshmem.shm_unlink``: the name goes; whoever has the segment open keeps it."""
    if not isinstance(path, str):
        _posixshmem.shm_unlink(path)   # (raises the TypeError this Python raises)
    fd = _segments().fds.pop(_check(path), None)
    if fd is None:
        raise _error(FileNotFoundError, errno.ENOENT, path)
    os.close(fd)


def untracked(*args: Any) -> None:
    """``resource_tracker.register``/``unregister``/``ensure_running``: no tracker process is
    simulated (what it would clean up at the end, the machine forgets with the execution)."""


def forked_block(block: Any, memo: dict) -> Any:
    """A ``SharedMemory`` in a forked child: its own descriptor and mapping of the same
    segment, as a fork duplicates both (the child closing its block leaves its parent's open)."""
    copied = object.__new__(type(block))
    memo[id(block)] = copied
    vars(copied).update(vars(block))
    if getattr(block, "_mmap", None) is not None and block._fd >= 0:
        copied._fd = os.dup(block._fd)
        copied._mmap = mmap.mmap(copied._fd, block._size)
        copied._buf = memoryview(copied._mmap)
    return copied
