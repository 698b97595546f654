"""Pictures of what a world recorded: timelines and graphs drawn from the one trace.

Renderers read a run's trace (and the analyses of ``simconc.analysis``); none keeps its own log
or decides what happened.
"""
