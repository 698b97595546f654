"""Pictures of what a world recorded: timelines drawn from the one trace.

Renderers read a run's trace (and the analyses of ``simconc.analysis``); none keeps its own log
or decides what happened. :mod:`.lanes` is the one model of a timeline, built from a trace;
each format lays it out: :mod:`.svg` (a picture), :mod:`.html` (a page to zoom, pan and hover),
:mod:`.chrome` (Perfetto, chrome://tracing), :mod:`.text` (a terminal).
"""
from __future__ import annotations

import os
from typing import Optional, Sequence

from .lanes import Timeline, timeline_of

#: The formats, by the suffix of the file a timeline is written to ("-": the terminal).
FORMATS = {".svg": "svg", ".html": "html", ".htm": "html", ".json": "chrome", ".txt": "text"}


def format_of(path: str) -> str:
    """The format a timeline written to ``path`` takes, from its suffix; ValueError saying which
    suffixes there are if it has none of them."""
    if path == "-":
        return "text"
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"cannot tell which timeline to draw from {path!r}: its name must end "
                         f"in one of {known} (or be - for the terminal)")
    return FORMATS[suffix]


def draw(timelines: Sequence[Timeline], fmt: str, width: Optional[int] = None) -> str:
    """``timelines`` (one run, or several on one time axis) in format ``fmt`` (svg, html,
    chrome, text), as text; ``width``: characters for text, pixels for svg."""
    if fmt == "svg":
        from . import svg
        return svg.render(timelines, width or svg.WIDTH)
    if fmt == "html":
        from . import html
        return html.render(timelines)
    if fmt == "chrome":
        from . import chrome
        return chrome.render(timelines)
    if fmt == "text":
        from . import text
        return text.render(timelines, width or text.WIDTH)
    raise ValueError(f"unknown timeline format {fmt!r}: svg, html, chrome or text")


def write_timeline(timelines: "Timeline | Sequence[Timeline]", path: str,
                   width: Optional[int] = None) -> None:
    """Write a timeline (or several, on one time axis) to ``path``, in the format its suffix
    names (:func:`format_of`)."""
    if isinstance(timelines, Timeline):
        timelines = [timelines]
    drawn = draw(timelines, format_of(path), width)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(drawn)


__all__ = ["FORMATS", "Timeline", "draw", "format_of", "timeline_of", "write_timeline"]
