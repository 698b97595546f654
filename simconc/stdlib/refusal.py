"""Refusing what a run does not simulate, where the program asked for it."""
from __future__ import annotations

import os
import sys
import sysconfig
import types
from typing import NoReturn, Optional

from ..kernel import maybe_current_world
from ..kernel.errors import UnsimulatedError
from ._traceback import SIMCONC_FILES

_NOT_THE_PROGRAMS = (sysconfig.get_paths()["stdlib"], *SIMCONC_FILES, "<frozen ")


def refuse(error: UnsimulatedError) -> NoReturn:
    """Raise ``error`` where the program asked (its message names the program's line), and stop
    the run at its next switch even if the program catches it (a task's exception may be kept,
    or caught as any Exception)."""
    frame: Optional[types.FrameType] = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_NOT_THE_PROGRAMS):
        frame = frame.f_back
    if frame is not None:
        path, here = frame.f_code.co_filename, os.getcwd() + os.sep
        error.args = (f"{error.args[0]} (at {path[len(here):] if path.startswith(here) else path}"
                      f":{frame.f_lineno})",)
    world = maybe_current_world()
    if world is not None and world.fatal is None:
        world.fatal = error
    raise error
