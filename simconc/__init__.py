"""simconc: a deterministic simulator of CPython concurrency.

Layers, imports pointing down only: ``kernel`` (world, threads, GIL, scheduler, trace) stands
alone; ``sync`` builds CPython's primitives on it; ``stdlib`` is the thin face a program imports
as ``threading``, ``queue``, ``time``...; ``analysis`` reads a finished world's records; the
runner and the command line sit on top. This file pulls together the public API.
"""
from . import compiled as _compiled

_compiled.choose()   # the compiled kernel, or its sources: decided before anything imports it

from .kernel import (BadToken, CostProfile, NotInSimulation, PROFILES, RealThreadError,
                     ScheduleMismatch, SimconcError, SpinError, UnsimulatedError, get_profile)
from .kernel.profile import Site
from .runner import ExceptionInfo, RunResult, ScenarioError, Script, run
from .explore.api import explore, shrink
from .explore.report import ExploreReport, Failure
from .explore.drawing import render_html, render_svg
from .explore.fewest import fewest_steps
from .explore.stepping import Session
from .analysis.lockorder import LockOrder
from .render import timeline_of, write_timeline
from .render.graphs import lock_order_svg, wait_for_svg
from .stdlib.work import cpu, io
from .stdlib.network import serve

__version__ = "0.1.0"

__all__ = [
    "BadToken", "CostProfile", "ExceptionInfo", "ExploreReport", "Failure", "LockOrder",
    "NotInSimulation",
    "PROFILES", "RealThreadError", "RunResult", "ScenarioError", "ScheduleMismatch", "Script",
    "Session", "SimconcError", "Site", "SpinError", "UnsimulatedError", "cpu", "explore",
    "fewest_steps", "get_profile", "io", "lock_order_svg", "render_html", "render_svg", "run",
    "serve", "shrink", "timeline_of", "wait_for_svg", "write_timeline",
]
