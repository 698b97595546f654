"""The kernel: a world of simulated threads on interpreters, each with its GIL, cores, a clock,
one choice point, one way to wait, one trace.

``World`` (world.py) holds an execution; its semantics, ``Timed`` (timed.py: SimPy's clock, the
GIL and cores) or ``Stepped`` (stepped.py: every visible operation a step), owns what differs.
Threads wait on a ``WaitQueue`` (waitqueue.py); every choice is ``Scheduler.choose``
(scheduler.py); everything that happens goes on the ``Trace`` (trace.py).

Nothing here knows about ``threading``, scenario files or the command line.
"""
from .errors import (BadToken, NotInSimulation, ProgramExit, RealThreadError, ScheduleMismatch,
                     SimconcError, SpinError, UnsimulatedError)
from .interpreter import Interpreter, Numbers
from .profile import PROFILES, CostProfile, get_profile
from .scheduler import (Choice, Option, RandomStrategy, ReplayStrategy, Scheduler, Strategy,
                        decode_token, encode_token)
from .semantics import Semantics
from .stepped import ACCESSES, BLOCKING, SWITCH_POINT_NAMES, Stepped, switch_points_named
from .thread import SimThread
from .timed import Timed
from .trace import NOTHING, Step, Trace, TraceEvent, Where, caller_where
from .waitqueue import WaitQueue
from .weak import WeakAttribute
from .world import World, current_world, maybe_current_world

__all__ = [
    "ACCESSES", "BLOCKING", "BadToken", "Choice", "CostProfile", "Interpreter", "NOTHING",
    "NotInSimulation", "Numbers", "Option", "PROFILES", "ProgramExit", "RandomStrategy",
    "RealThreadError", "ReplayStrategy", "SWITCH_POINT_NAMES", "ScheduleMismatch", "Scheduler", "Semantics",
    "SimThread", "SimconcError", "SpinError", "Step", "Stepped", "Strategy", "Timed", "Trace",
    "TraceEvent", "UnsimulatedError", "WaitQueue", "WeakAttribute", "Where", "World",
    "caller_where", "current_world", "decode_token", "encode_token", "get_profile",
    "maybe_current_world", "switch_points_named",
]
