"""Analyses over a finished world's records: deadlocks, and a failing interleaving drawn."""
from .deadlock import (DeadlockReport, StuckState, ThreadWait, analyse, report, stuck_state,
                       variable_names, wait_for_graph)
from .timeline import render_html, render_svg

__all__ = ["DeadlockReport", "StuckState", "ThreadWait", "analyse", "render_html",
           "render_svg", "report", "stuck_state", "variable_names", "wait_for_graph"]
