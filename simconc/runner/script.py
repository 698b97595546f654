"""A program file with the arguments it is given: ``simconc run FILE ARGS...`` and
``simconc.run(Script(FILE, ARGS))`` run it as ``python FILE ARGS...`` does."""
from __future__ import annotations

import os
from typing import Any, Iterable


class Script:
    """A program file and its command-line arguments: in the run, ``sys.argv`` is
    ``[path, *args]`` (and so in its processes, which copy their parent's).

    It is a path (``os.fspath`` gives ``path``), so whatever takes a program file takes one:
    :func:`simconc.run`, :func:`simconc.explore`, :func:`simconc.shrink`, stepping. A schedule
    token replays with the same arguments only: they are part of the program."""

    __slots__ = ("path", "args")

    def __init__(self, path: "str | os.PathLike[str]", args: Iterable[str] = ()) -> None:
        path = os.fspath(path)
        if not isinstance(path, str):
            raise TypeError(f"a program file's path is a str, not {type(path).__name__}")
        if isinstance(args, str):   # (its letters would be the arguments)
            raise TypeError("a program's arguments are a list of strings, not one string")
        args = tuple(args)
        for arg in args:
            if not isinstance(arg, str):
                raise TypeError(f"a program's arguments are strings (as in sys.argv), not "
                                f"{type(arg).__name__}: {arg!r}")
        self.path = path
        self.args = args

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"Script({self.path!r}, {list(self.args)!r})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Script) and (self.path, self.args) == (other.path, other.args)

    def __hash__(self) -> int:
        return hash((self.path, self.args))

    def __reduce__(self) -> Any:   # (an exploration in processes sends it to its workers)
        return Script, (self.path, self.args)


def arguments_of(program: Any) -> tuple[str, ...]:
    """The command-line arguments ``program`` is run with (none but a :class:`Script`'s)."""
    return program.args if isinstance(program, Script) else ()
