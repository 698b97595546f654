"""A timeline as a static SVG picture, for slides and docs: every lane of one run or of several
on one time axis, a hover text (``<title>``) on each stretch and marker.

Stretches a pixel wide or more are drawn as they are; narrower ones are drawn together per
pixel column (:func:`.lanes.narrow_blends`): a column's bar is split, bottom up, into the share
of its time the thread ran, was ready, was blocked. So a run with ten thousand GIL hand-overs
stays a few hundred shapes per lane, and two threads taking turns read as two half-height bars.
"""
from __future__ import annotations

from typing import Sequence

from . import colors
from .axis import tick_label, ticks
from .lanes import Lane, Span, Timeline, narrow_blends, tell, tell_blend, tell_mark
from .markup import clip, escape

#: Sizes, in pixels.
WIDTH = 1200
_NAMES = 190       # the lanes' names, on the left
_RIGHT = 24
_LANE = 14         # a lane's bar
_ROW = 19          # a lane with the gap below it
_TITLE = 24
_AXIS = 24
_HEADING = 22      # a run's title, where there are several
_GROUP = 17        # an interpreter's, the machine's
_LEGEND = 34
_CHAR = 6.2        # the width of a character at 10 px
_NAME_CHARS = 29


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render(timelines: Sequence[Timeline], width: int = WIDTH) -> str:
    """``timelines`` (one run, or several on one time axis) as an SVG image (a string)."""
    end = max((t.end for t in timelines), default=0.0) or 1.0
    unit = timelines[0].unit if timelines else "s"
    plot = width - _NAMES - _RIGHT
    scale = plot / end
    several = len(timelines) > 1
    rows = sum(len(t.lanes) for t in timelines)
    groups = sum(len(t.groups()) for t in timelines)
    height = _TITLE + _AXIS + rows * _ROW + groups * _GROUP + \
        (_HEADING * len(timelines) if several else 0) + _LEGEND
    title = f"{len(timelines)} runs on one time axis" if several else \
        (timelines[0].title if timelines else "")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="ui-monospace, Menlo, Consolas, '
           f'monospace" font-size="11">',
           f"<title>{escape(title)}</title>",
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="8" y="16" font-size="13" font-weight="bold">'
           f'{escape(clip(title, (width - 16) // 8))}</text>']
    # The axis: a tick's label on top, its line through every lane.
    top, bottom = _TITLE + _AXIS, height - _LEGEND
    axis = "steps" if unit == "step" else "simulated time"
    out.append(f'<text x="8" y="{_TITLE + 14}" fill="#6b7280">{axis}</text>')
    for value in ticks(end, unit=unit):
        x = _num(_NAMES + value * scale)
        out.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{bottom}" stroke="#eceef1"/>')
        out.append(f'<text x="{x}" y="{_TITLE + 14}" text-anchor="middle" fill="#6b7280">'
                   f'{escape(tick_label(value, end, unit))}</text>')
    y = top
    for timeline in timelines:
        if several:
            out.append(f'<text x="8" y="{y + 15}" font-weight="bold">'
                       f'{escape(clip(timeline.title, (width - 16) // 7))}</text>')
            y += _HEADING
        for group, lanes in timeline.groups():
            out.append(f'<text x="8" y="{y + 12}" fill="#6b7280" font-style="italic">'
                       f'{escape(group)}</text>')
            out.append(f'<line x1="{_NAMES}" y1="{y + 8}" x2="{width - _RIGHT}" y2="{y + 8}" '
                       f'stroke="#d1d5db" stroke-dasharray="2,3"/>')
            y += _GROUP
            names = {lane.who: lane.name for lane in timeline.threads}
            for lane in lanes:
                out.extend(_lane(lane, y, scale, plot, end, timeline.unit, names))
                y += _ROW
    out.extend(_legend(height - _LEGEND + 8, unit))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _lane(lane: Lane, y: int, scale: float, plot: int, end: float, unit: str,
          names: dict[int, str]) -> list[str]:
    name = lane.name
    colour = colors.of_thread(lane.who) if lane.kind == "thread" else "#374151"
    out = [f'<g><title>{escape(name)}</title><text x="{_NAMES - 8}" y="{y + 11}" '
           f'text-anchor="end" fill="{colour}">{escape(clip(name, _NAME_CHARS))}</text></g>',
           f'<line x1="{_NAMES}" y1="{y + _LANE}" x2="{_NAMES + plot}" y2="{y + _LANE}" '
           f'stroke="#f3f4f6"/>']
    wide, blends = narrow_blends(lane.spans, 0.0, end, plot)
    for span in wide:
        x0 = _NAMES + span.start * scale
        w = (span.end - span.start) * scale
        fill = colors.of_state(span.state, span.who)
        out.append(f'<rect x="{_num(x0)}" y="{y}" width="{_num(w)}" height="{_LANE}" '
                   f'fill="{fill}"><title>{escape(tell(lane, span, unit))}</title></rect>')
        text = _inside(lane, span)
        fits = int((w - 6) / _CHAR)
        if text and fits >= 4:
            ink = "white" if span.state in ("running", "held") else "#111827"
            out.append(f'<text x="{_num(x0 + 3)}" y="{y + 11}" font-size="10" fill="{ink}" '
                       f'pointer-events="none">{escape(clip(text, fits))}</text>')
    column = end / plot
    for blend in blends:
        x0 = _NAMES + blend.first
        w = blend.last - blend.first + 1
        tip = escape(tell_blend(lane, blend, blend.first * column, (blend.last + 1) * column,
                                unit, names))
        parts = []
        bottom = float(y + _LANE)
        for state, who, share in blend.parts:
            h = share * _LANE
            bottom -= h
            fill = colors.of_state(state, who)
            parts.append(f'<rect x="{x0}" y="{_num(bottom)}" width="{w}" height="{_num(h)}" '
                         f'fill="{fill}"/>')
        out.append(f"<g><title>{tip}</title>{''.join(parts)}</g>")
    out.extend(_marks(lane, y, scale, unit))
    return out


def _inside(lane: Lane, span: Span) -> str:
    """What a wide stretch says inside it: what a thread is blocked on, who holds a GIL."""
    if span.state == "held":
        return span.on
    if span.state == "blocked":
        return f"{span.op} {span.on}" if span.op in ("join", "start") else span.on
    return ""


def _marks(lane: Lane, y: int, scale: float, unit: str) -> list[str]:
    """A tick on top of the lane per pixel column holding any of its markers; its hover text
    lists them (the first few, and how many more)."""
    out: list[str] = []
    by_column: dict[int, list] = {}
    for mark in lane.marks:
        by_column.setdefault(int(mark.at * scale), []).append(mark)
    for column, marks in by_column.items():
        lines = [tell_mark(lane, mark, unit) for mark in marks[:6]]
        if len(marks) > 6:
            lines.append(f"and {len(marks) - 6:,} more")
        x = _NAMES + column
        out.append(f'<rect x="{x}" y="{y - 2}" width="1.5" height="6" fill="{colors.MARK}">'
                   f'<title>{escape(chr(10).join(lines))}</title></rect>')
    return out


def _legend(y: int, unit: str) -> list[str]:
    ready = "ready, waiting for its turn" if unit == "step" else \
        "ready, waiting for the GIL or a core"
    items = [(colors.PALETTE[0], "running (a thread's colour; on a GIL or core: its holder)"),
             (colors.READY, ready),
             (colors.BLOCKED, "blocked, on what it names")]
    out = []
    x = 8
    for fill, text in items:
        out.append(f'<rect x="{x}" y="{y}" width="14" height="10" fill="{fill}"/>')
        out.append(f'<text x="{x + 18}" y="{y + 9}" fill="#374151">{escape(text)}</text>')
        x += 30 + int(len(text) * _CHAR * 1.1)
    out.append(f'<rect x="{x}" y="{y - 1}" width="1.5" height="8" fill="{colors.MARK}"/>')
    out.append(f'<text x="{x + 6}" y="{y + 9}" fill="#374151">an operation</text>')
    out.append(f'<text x="8" y="{y + 24}" fill="#6b7280">A bar split in height: stretches '
               f'shorter than a pixel, drawn together by their share of its time.</text>')
    return out
