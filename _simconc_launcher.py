"""The ``simconc`` command, as the console script starts it: outside the ``simconc`` package,
so that what it does first costs no import of simconc.

A string's hash is salted per interpreter (``PYTHONHASHSEED``, random by default), and a
program that iterates over a set of strings (starts a thread per name in a set) does it in
another order under another salt: its output, and what a schedule token replays, would change
from one shell to the next. The command runs its interpreter with ``PYTHONHASHSEED=0``, started
again with it when it was started without it, so that a run is a function of the program and
its seed or token alone (docs/determinism.md). An interpreter that ignores the environment
(``python -E``, ``-I``) is left as it is.
"""
from __future__ import annotations

import os
import signal
import sys


def pin_hash_seed() -> None:
    """Run this interpreter again, the same command line, under ``PYTHONHASHSEED=0``, unless it
    runs under it already (or would ignore it)."""
    if os.environ.get("PYTHONHASHSEED") == "0" or sys.flags.ignore_environment:
        return
    os.environ["PYTHONHASHSEED"] = "0"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, sys.orig_argv)


def main() -> int:
    pin_hash_seed()
    try:
        from simconc.front.cli import main as command
        status = command()
    except KeyboardInterrupt:
        # (Ctrl-C where no command handles it: as simconc starts, say, importing itself)
        print("simconc: interrupted", file=sys.stderr)
        status = 130
    # The command's work is done and written: a Ctrl-C now (a second one, pressed while an
    # interrupted exploration wrote its report) would only print a traceback of the
    # interpreter's exit. (SIGTERM still ends it.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return status
