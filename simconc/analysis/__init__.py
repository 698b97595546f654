"""Analyses over a finished world's records: deadlocks now; races and timelines later."""
from .deadlock import (DeadlockReport, StuckState, ThreadWait, analyse, report, stuck_state,
                       variable_names, wait_for_graph)

__all__ = ["DeadlockReport", "StuckState", "ThreadWait", "analyse", "report", "stuck_state",
           "variable_names", "wait_for_graph"]
