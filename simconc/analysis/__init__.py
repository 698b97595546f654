"""Analyses of what a world recorded: why a run is stuck (the wait-for graph)."""
from .deadlock import (DeadlockReport, StuckState, ThreadWait, analyse, report, stuck_state,
                       variable_names, wait_for_graph)

__all__ = ["DeadlockReport", "StuckState", "ThreadWait", "analyse", "report", "stuck_state",
           "variable_names", "wait_for_graph"]
