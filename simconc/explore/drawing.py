"""The interleaving drawn: one lane per thread, time going down, the races as arrows.

A failure's interleaving (:attr:`Failure.steps`, read from the execution's trace) is drawn as
SVG: each operation a box in its thread's lane, in the order it happened; the accesses the
explanation names (:attr:`Failure.conflicts`) outlined in red, with an arrow from the first to
the second. :func:`render_html` puts a whole exploration report on one self-contained page (no
script, no network), each failure with its drawing and its schedule's timeline (drawn by
:mod:`simconc.render`, as ``simconc run --timeline`` draws a run). Both are the same bytes for
the same report: nothing here reads the clock, an id or a set's order.
"""
from __future__ import annotations

from typing import Any, Optional, cast

from ..analysis.deadlock import DeadlockReport, ThreadWait
from ..render import svg as timeline_svg
from ..render.graphs import lock_order_svg, wait_for_svg
from ..render.markup import escape
from .report import ExploreReport, Failure

#: Sizes, in pixels.
_ROW = 24          # one operation
_LANE = 250        # one thread
_GUTTER = 48       # the step numbers on the left
_HEAD = 34         # the threads' names on top
_CHARS = 33        # what fits of "op obj" in a box, at 12 px monospace

#: A box's fill by the kind of operation: what a reader tells apart at a glance.
_FILLS = {"read": "#dbeafe", "write": "#fde68a", "acquire": "#d1fae5", "release": "#d1fae5",
          "wait": "#ede9fe", "notify": "#ede9fe", "notify_all": "#ede9fe", "set": "#ede9fe",
          "start": "#f3f4f6", "exit": "#f3f4f6", "join": "#f3f4f6"}
_OTHER = "#f9fafb"
_RACE = "#dc2626"


def _text(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "\u2026"


def _lane_key(row: dict) -> Any:
    """What tells a row's thread apart: its ident (from the trace), else its name."""
    ident = row.get("ident", -1)
    return ident if ident >= 0 else row["thread"]


def _sag(a: int, b: int) -> int:
    """How far below a line of boxes an arrow from lane ``a`` to lane ``b`` bends: the further
    apart, the deeper, and deeper still going left, so that two threads waiting for each other
    get two arcs, not one."""
    return 16 + 12 * abs(b - a) + (12 if b < a else 0)


def render_svg(failure: Failure, marker: str = "arrow") -> str:
    """The failure's interleaving as an SVG image (a string): the rows ``simconc explore``
    prints, drawn in lanes, with the conflicting accesses pointed out. ``marker``: the id of
    the arrowhead, which must differ between drawings put on one page."""
    rows = [(n, row) for n, row in enumerate(failure.steps) if not row.get("noise")]
    # A lane per thread, in the order they first appear; a thread is its ident (two threads
    # may share a name), a waiting thread of a deadlock report only its name.
    lanes: dict[Any, int] = {}
    names: dict[Any, str] = {}
    for _n, row in rows:
        names.setdefault(_lane_key(row), row["thread"])
        lanes.setdefault(_lane_key(row), len(lanes))
    by_name = {name: key for key, name in reversed(list(names.items()))}
    for wait in failure.waits:
        key = by_name.get(wait["thread"], wait["thread"])
        names.setdefault(key, wait["thread"])
        lanes.setdefault(key, len(lanes))
    place = {n: k for k, (n, _row) in enumerate(rows)}   # a row of steps -> its line here
    racing = {n for pair in failure.conflicts for n in pair}
    # The last line: what each stuck thread waits for, and room for the arrows under it.
    def lane_of(name: str) -> Optional[int]:
        return lanes.get(by_name.get(name, name))

    def known_lane(name: str) -> int:
        # (a thread known to have a lane: a waiting thread, given one above, or a holder
        # whose lane_of was checked first)
        return cast(int, lane_of(name))

    stuck = _ROW * 2 + max((_sag(known_lane(w["thread"]), known_lane(h)) // 2
                            for w in failure.waits for h in w["held_by"]
                            if lane_of(h) is not None), default=0) if failure.waits else 0
    width = _GUTTER + _LANE * max(len(lanes), 1)
    height = _HEAD + _ROW * len(rows) + stuck + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="ui-monospace, Menlo, Consolas, '
           f'monospace" font-size="12">',
           f'<title>{escape(failure.kind)}: {escape(failure.message)}</title>',
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
           f'fill="{_RACE}"/></marker></defs>',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    # The lanes: a name on top, a lifeline from the thread's first operation to its last.
    for key, lane in lanes.items():
        name = names[key]
        x = _GUTTER + lane * _LANE
        mine = [k for k, (_n, row) in enumerate(rows) if _lane_key(row) == key]
        if any(lane_of(wait["thread"]) == lane for wait in failure.waits):
            mine.append(len(rows) + 1)
        top, bottom = _HEAD + _ROW * mine[0], _HEAD + _ROW * (mine[-1] + 1)
        out.append(f'<rect x="{x + 2}" y="0" width="{_LANE - 4}" height="{height}" '
                   f'fill="{"#fafafa" if lane % 2 else "#ffffff"}"/>')
        out.append(f'<line x1="{x + _LANE // 2}" y1="{top}" x2="{x + _LANE // 2}" '
                   f'y2="{bottom}" stroke="#9ca3af" stroke-dasharray="3,3"/>')
        out.append(f'<text x="{x + _LANE // 2}" y="{_HEAD - 12}" text-anchor="middle" '
                   f'font-weight="bold">{escape(_text(name, _CHARS))}</text>')
    # The operations, in the order they happened.
    for k, (n, row) in enumerate(rows):
        x = _GUTTER + lanes[_lane_key(row)] * _LANE
        y = _HEAD + _ROW * k
        what = f"{row['op']} {row['obj']}".rstrip()
        tip = f"step {row['step']}: {row['thread']} {what}" + (
            f" ({row['where']})" if row["where"] else "")
        stroke = f'stroke="{_RACE}" stroke-width="2"' if n in racing else \
            'stroke="#9ca3af" stroke-width="1"'
        out.append(f'<g><title>{escape(tip)}</title>'
                   f'<rect x="{x + 8}" y="{y + 3}" width="{_LANE - 16}" height="{_ROW - 6}" '
                   f'rx="4" fill="{_FILLS.get(row["op"], _OTHER)}" {stroke}/>'
                   f'<text x="{x + 14}" y="{y + _ROW - 8}">{escape(_text(what, _CHARS))}</text>'
                   f'</g>')
        out.append(f'<text x="{_GUTTER - 8}" y="{y + _ROW - 8}" text-anchor="end" '
                   f'fill="#6b7280">{row["step"]}</text>')
    # A deadlock: where each stuck thread stays, and an arrow to the thread it waits for.
    y = _HEAD + _ROW * (len(rows) + 1)
    for wait in failure.waits:
        x = _GUTTER + known_lane(wait["thread"]) * _LANE
        tip = f"{wait['thread']} waits for {wait['waits_for']}" + (
            f" (held by {', '.join(wait['held_by'])})" if wait["held_by"] else "") + (
            f" at {wait['where']}" if wait["where"] else "")
        out.append(f'<g><title>{escape(tip)}</title>'
                   f'<rect x="{x + 8}" y="{y + 3}" width="{_LANE - 16}" height="{_ROW - 6}" '
                   f'rx="4" fill="#fee2e2" stroke="{_RACE}" stroke-width="2" '
                   f'stroke-dasharray="5,3"/><text x="{x + 14}" y="{y + _ROW - 8}">'
                   f'{escape(_text("waits for " + wait["waits_for"], _CHARS))}</text></g>')
    for wait in failure.waits:
        for holder in wait["held_by"]:
            if lane_of(holder) is None or holder == wait["thread"]:
                continue
            # From the bottom of one box to the bottom of the other, bent below the line (the
            # further apart, the deeper), so that the arrows of a cycle pass under the boxes.
            a, b = known_lane(wait["thread"]), known_lane(holder)
            x1 = _GUTTER + a * _LANE + _LANE // 2 + (12 if b > a else -12)
            x2 = _GUTTER + b * _LANE + _LANE // 2 + (-12 if b > a else 12)
            bottom = y + _ROW - 3
            out.append(f'<path d="M{x1},{bottom} Q{(x1 + x2) // 2},{bottom + _sag(a, b)} '
                       f'{x2},{bottom}" fill="none" stroke="{_RACE}" stroke-width="1.5" '
                       f'marker-end="url(#{marker})"/>')
    # The races: from the access that came first to the one that conflicted with it.
    for first, second in failure.conflicts:
        if first not in place or second not in place:
            continue   # (a row the drawing leaves out)
        step_a, step_b = failure.steps[first], failure.steps[second]
        lane_a, lane_b = lanes[_lane_key(step_a)], lanes[_lane_key(step_b)]
        y1 = _HEAD + _ROW * place[first] + _ROW // 2
        y2 = _HEAD + _ROW * place[second] + _ROW // 2
        if lane_a == lane_b:   # (one thread's two accesses: a loop out to the right)
            x1 = x2 = _GUTTER + lane_a * _LANE + _LANE - 8
            bend = x1 + _LANE // 6
        else:   # from the side of one box that faces the other, to that one's facing side
            right = lane_b > lane_a
            x1 = _GUTTER + lane_a * _LANE + (_LANE - 8 if right else 8)
            x2 = _GUTTER + lane_b * _LANE + (8 if right else _LANE - 8)
            bend = (x1 + x2) // 2
        out.append(f'<path d="M{x1},{y1} Q{bend},{(y1 + y2) // 2} {x2},{y2}" fill="none" '
                   f'stroke="{_RACE}" stroke-width="1.5" marker-end="url(#{marker})"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111827; max-width: 80em; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; }
table { border-collapse: collapse; }
td, th { padding: 0.2em 0.8em; text-align: left; border-bottom: 1px solid #e5e7eb; }
td.count { text-align: right; }
.failure { margin-top: 2em; border-top: 2px solid #dc2626; }
.why { background: #f9fafb; padding: 0.8em; white-space: pre-wrap; }
.drawing { overflow-x: auto; border: 1px solid #e5e7eb; }
.legend span { display: inline-block; padding: 0 0.5em; margin-right: 0.5em;
               border: 1px solid #9ca3af; border-radius: 4px; }
"""


def render_html(report: ExploreReport, title: str = "simconc explore",
                replay: Optional[str] = None) -> str:
    """The whole report as one HTML page: the summary, the outcomes, and each failure with its
    explanation, its interleaving drawn (:func:`render_svg`) and its token. ``replay``: the
    command that replays a token, with ``{token}`` where the token goes."""
    out = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8">',
           f"<title>{escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f"<h1>{escape(title)}</h1>", f"<p>{escape(report.summary())}</p>",
           "<h2>Outcomes</h2>", "<table>", "<tr><th>executions</th><th>outcome</th></tr>"]
    for outcome, count in report.outcomes:
        out.append(f'<tr><td class="count">{count}</td><td><code>{escape(outcome)}</code>'
                   f"</td></tr>")
    out.append("</table>")
    if not report.failures:
        out.append("<p>No failures.</p>")
    else:
        out.append('<p class="legend">In the drawings: <span style="background:#dbeafe">'
                   'read</span><span style="background:#fde68a">write</span>'
                   '<span style="background:#d1fae5">lock</span>'
                   '<span style="background:#ede9fe">wait, notify</span>'
                   f'<span style="border-color:{_RACE}">raced</span> an arrow goes from an '
                   "access to the one that conflicted with it, which could have come first. "
                   "Hover over an operation for where in the code it happened.</p>")
    for n, failure in enumerate(report.failures, 1):
        plural = "s" if failure.count != 1 else ""
        out += ['<section class="failure">',
                f"<h2>Failure {n} of {len(report.failures)}: {escape(failure.kind)}</h2>",
                f"<p><strong>{escape(failure.message)}</strong> (in {failure.count} "
                f"execution{plural}; this one with {failure.preemptions} preemption"
                f"{'s' if failure.preemptions != 1 else ''})</p>"]
        if failure.explanation:
            out.append(f'<pre class="why">{escape(chr(10).join(failure.explanation))}</pre>')
        command = replay.format(token=failure.schedule) if replay else failure.schedule
        out.append(f"<p>Replay: <code>{escape(command)}</code></p>")
        out.append(f'<div class="drawing">{render_svg(failure, f"arrow-{n}")}</div>')
        if failure.timeline is not None and failure.timeline.lanes:
            axis = "its x axis is the step index" if failure.timeline.unit == "step" else \
                "in simulated time"
            out.append(f"<h3>The same schedule as a timeline ({axis})</h3>")
            out.append(f'<div class="drawing">{timeline_svg.render([failure.timeline])}</div>')
        if failure.kind == "deadlock" and failure.waits:
            report_ = DeadlockReport(0.0, failure.cycle or None,
                                     [ThreadWait.from_dict(wait) for wait in failure.waits])
            out.append("<h3>The wait-for graph</h3>")
            out.append(f'<div class="drawing">{wait_for_svg(report_, f"wait-for-{n}")}</div>')
        out.append("</section>")
    if report.lock_order is not None:
        out += ['<section class="lock-order">', "<h2>Lock order</h2>",
                f'<pre class="why">{escape(report.lock_order_text())}</pre>',
                f'<div class="drawing">{lock_order_svg(report.lock_order)}</div>', "</section>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
