"""Analyses over a finished world's records: deadlocks now; races and timelines later."""
from .deadlock import DeadlockReport, ThreadWait, analyse, variable_names, wait_for_graph

__all__ = ["DeadlockReport", "ThreadWait", "analyse", "variable_names", "wait_for_graph"]
