"""The kernel: a world of simulated threads, one GIL, cores, a clock, one choice point, a trace.

Nothing here knows about ``threading``, scenario files or the command line.
"""
from .errors import (BadToken, NotInSimulation, RealThreadError, ScheduleMismatch, SimconcError,
                     SpinError)
from .profile import PROFILES, CostProfile, get_profile
from .scheduler import (Choice, RandomStrategy, ReplayStrategy, Scheduler, Strategy, decode_token,
                        encode_token)
from .thread import SimThread
from .trace import Trace, TraceEvent, Where, caller_where
from .untimed import BLOCKING, Option, Step
from .waitqueue import WaitQueue
from .weak import WeakAttribute
from .world import World, current_world, maybe_current_world

__all__ = [
    "BLOCKING", "BadToken", "Choice", "CostProfile", "NotInSimulation", "Option", "PROFILES",
    "RandomStrategy", "RealThreadError", "ReplayStrategy", "ScheduleMismatch", "Scheduler",
    "SimThread", "SimconcError", "SpinError", "Step", "Strategy", "Trace", "TraceEvent",
    "WaitQueue", "WeakAttribute", "Where", "World",
    "caller_where", "current_world", "decode_token", "encode_token", "get_profile",
    "maybe_current_world",
]
