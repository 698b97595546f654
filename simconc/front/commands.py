"""The commands simconc prints for a person to run again: a replay of a schedule token."""
from __future__ import annotations

import shlex
from typing import Sequence


def replay_command(file: str, token: str, args: Sequence[str] = (),
                   options: Sequence[str] = ()) -> str:
    """``simconc replay FILE TOKEN [OPTIONS] [-- ARGS]``, quoted for a POSIX shell: the
    program's arguments after ``--``, so that one that starts with ``-`` stays the program's.
    The token goes in as it is (its letters need no quoting; a page's ``{token}`` stays a
    placeholder)."""
    words = [*options, "--", *args] if args else list(options)
    return " ".join(["simconc", "replay", shlex.quote(file), token, *map(shlex.quote, words)])
