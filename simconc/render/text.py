"""A timeline drawn with Unicode blocks, for a terminal (``--timeline -``) or a ``.txt`` file.

A character is a column of time. A thread's lane shows ``█`` where it ran the whole column,
``▁`` to ``▇`` where it ran part of it (its share, in eighths: ten thousand hand-overs of the
GIL in one column read as two half-height lanes), ``▒`` where it was ready (waiting for the GIL
or a core), ``░`` where it was blocked, with what it was blocked on written over a long enough
stretch. A GIL's or a core's lane shows the key of the thread that held it most of the column.
Markers are left to the other formats: a character has no room for them.
"""
from __future__ import annotations

import math
import textwrap
from typing import Sequence

from .axis import moment, tick_label, ticks
from .lanes import STATES, Lane, Timeline, column_totals

_EIGHTHS = "▁▂▃▄▅▆▇"
_RUNNING, _READY, _BLOCKED = "█", "▒", "░"
_KEYS = "123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NAME_MOST = 22
#: Width when none is given: a terminal's, else this.
WIDTH = 100


def key(who: int) -> str:
    """The character a thread is shown by on a GIL's or a core's lane."""
    return _KEYS[who] if 0 <= who < len(_KEYS) else "*"


def render(timelines: Sequence[Timeline], width: int = WIDTH) -> str:
    """``timelines`` (one run, or several on one time axis), ``width`` characters wide."""
    end = max((t.end for t in timelines), default=0.0) or 1.0
    unit = timelines[0].unit if timelines else "s"
    names = [_name(lane) for t in timelines for lane in t.lanes]
    left = min(max((len(n) for n in names), default=4), _NAME_MOST) + 2
    columns = max(width - left - 2, 10)
    out = []
    column = end / columns
    each = f"a column is {moment(column, unit)}" if unit != "step" else \
        f"a column is {column:.3g} step{'s' if column != 1 else ''}"
    head = f"timeline of {timelines[0].title}" if len(timelines) == 1 else \
        f"{len(timelines)} runs on one time axis"
    span = f"steps 0 to {end:g}" if unit == "step" else f"simulated time 0 to {moment(end, unit)}"
    out += textwrap.wrap(f"{head}: {span}, {each}", width,
                         break_on_hyphens=False) or [""]
    out.append(" " * (left + 1) + _axis(end, unit, columns))
    for timeline in timelines:
        if len(timelines) > 1:
            out.append(f"== {timeline.title}")
        for group, lanes in timeline.groups():
            out.append(group)
            for lane in lanes:
                name = _name(lane)
                if len(name) > left - 2:
                    name = name[:left - 3] + "…"
                out.append(f"  {name:<{left - 2}}│{_bar(lane, end, columns)}│")
    ready = "waiting for its turn" if unit == "step" else "waiting for the GIL or a core"
    legend = [f"{_RUNNING} running", f"{_EIGHTHS[3]} running part of a column",
              f"{_READY} ready, {ready}", f"{_BLOCKED} blocked"]
    line = ""
    for item in legend:   # (as many to a line as the width holds)
        if line and len(line) + 3 + len(item) > width:
            out.append(line)
            line = ""
        line = f"{line}   {item}" if line else item
    out.append(line)
    if any(lane.kind != "thread" for t in timelines for lane in t.lanes):
        out += textwrap.wrap("on a GIL or core lane: the key of the thread that held it most "
                             "of the column (the key is before each thread's name)", width)
    return "\n".join(out) + "\n"


def _name(lane: Lane) -> str:
    return f"{key(lane.who)} {lane.name}" if lane.kind == "thread" else lane.name


def _axis(end: float, unit: str, columns: int) -> str:
    """The tick labels, each from its column on (marked ``╵``), as many as fit."""
    line = ""
    for value in ticks(end, max(columns // 12, 1), unit):
        at = round(value / end * columns)
        text = "╵" + tick_label(value, end, unit)
        if (line and at <= len(line)) or at + len(text) > columns + 2:
            continue
        line = line.ljust(at) + text
    return line


def _bar(lane: Lane, end: float, columns: int) -> str:
    if lane.kind != "thread":
        return _holders(lane, end, columns)
    running, ready, blocked = (STATES.index(s) for s in ("running", "ready", "blocked"))
    chars = []
    for shares in column_totals(lane.spans, 0.0, end, columns):
        if shares[running] >= 7 / 8:
            chars.append(_RUNNING)
        elif shares[running] > 0:
            chars.append(_EIGHTHS[min(max(round(shares[running] * 8), 1), 7) - 1])
        elif shares[ready] > 0 and shares[ready] >= shares[blocked]:
            chars.append(_READY)
        elif shares[blocked] > 0:
            chars.append(_BLOCKED)
        else:
            chars.append(" ")
    # What a long blocked stretch was blocked on, written over it.
    scale = columns / end
    for span in lane.spans:
        if span.state != "blocked":
            continue
        first, last = math.ceil(span.start * scale), math.floor(span.end * scale)
        text = f"{span.op} {span.on}" if span.op in ("join", "start") else span.on
        if last - first < 5 or not text:
            continue
        room = last - first - 2
        text = text if len(text) <= room else text[:room - 1] + "…"
        if all(c == _BLOCKED for c in chars[first:first + len(text) + 2]):
            chars[first + 1:first + 1 + len(text)] = text
    return "".join(chars)


def _holders(lane: Lane, end: float, columns: int) -> str:
    """Each column: the key of the thread that held the GIL or core most of it."""
    most: list[dict[int, float]] = [{} for _ in range(columns)]
    scale = columns / end
    for span in lane.spans:
        x, stop = span.start * scale, min(span.end * scale, columns)
        column = min(int(x), columns - 1)
        while x < stop and column < columns:
            part = min(stop, column + 1.0) - x
            mine = most[column]
            mine[span.who] = mine.get(span.who, 0.0) + part
            x = column + 1.0
            column += 1
    return "".join(key(max(mine, key=lambda w: (mine[w], -w))) if mine else " "
                   for mine in most)
