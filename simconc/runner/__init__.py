"""Running one program once: a scenario file or a callable, on a fresh world.

The runner is where a program meets the kernel (:mod:`.execution`): it loads the program
(:mod:`.loading`, instrumented when its shared state must be seen), installs the stdlib face in
place of the real modules (:mod:`.patching`), captures what the program prints
(:mod:`.capture`), watches for a thread that spins (:mod:`.watchdog`), runs it as the simulated
main thread, and turns what the world recorded into a :class:`RunResult` (:mod:`.result`). It
knows nothing of the command line or of exploration.
"""
from .execution import Check, Program, check_arguments, run
from .loading import ScenarioError, load_scenario, scenarios_pinned
from .result import ExceptionInfo, RunResult
from .script import Script
from .watchdog import spin_watchdog

__all__ = ["Check", "ExceptionInfo", "Program", "RunResult", "ScenarioError", "Script",
           "check_arguments", "load_scenario", "run", "scenarios_pinned", "spin_watchdog"]
