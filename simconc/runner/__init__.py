"""Running one program once: a scenario file or a callable, on a fresh world.

The runner is where a program meets the kernel: it loads the program (instrumented when its
shared state must be seen), installs the stdlib face in place of the real modules, captures
what the program prints, runs it as the simulated main thread, and turns what the world
recorded into a :class:`RunResult`. It knows nothing of the command line or of exploration.
"""
from .execution import (Check, ExceptionInfo, Program, RunResult, ScenarioError, load_scenario,
                        run, scenarios_pinned)
from .watchdog import spin_watchdog

__all__ = ["Check", "ExceptionInfo", "Program", "RunResult", "ScenarioError", "load_scenario",
           "run", "scenarios_pinned", "spin_watchdog"]
