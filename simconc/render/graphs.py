"""Graphs drawn as SVG: a deadlock's wait-for graph and a run's lock-order graph.

Both are drawn from an analysis (:class:`~simconc.analysis.deadlock.DeadlockReport`,
:class:`~simconc.analysis.lockorder.LockOrder`), never from a log of their own. The layout is
this module's, and deterministic: a cycle's nodes go on a circle, in the cycle's order; the other
nodes on rings around it, each next to the node it is linked to; a graph without a cycle is drawn
in columns, left to right along its edges. Nothing here reads a set's order, an id or the clock,
and coordinates are rounded to a tenth of a pixel: the same analysis gives the same bytes.

Each node and edge is a ``<g>`` whose ``class`` says what it is (``node thread``, ``edge
waits``...) and ``hot`` when it is on a cycle (drawn in red), with a ``<title>`` a browser shows
on hover. :func:`wait_for_svg` and :func:`lock_order_svg` return the SVG text, for a file or to
put inline in a page (``id_prefix`` keeps the arrowheads' ids apart when several graphs share one).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from ..analysis.deadlock import DeadlockReport
from ..analysis.lockorder import LockOrder
from .markup import escape

#: Sizes, in pixels (12 px monospace text is about 7.3 px a character).
_CHAR = 7.3
_SMALL_CHAR = 6.7     # the edges' 11 px labels
_LINE = 16
_PAD = 10
_MARGIN = 24
_TITLE = 34
_LEGEND = 30

_HOT = "#dc2626"
_EDGE = "#6b7280"
#: Fill and outline by kind of node.
_STYLES = {"thread": ("#dbeafe", "#2563eb", ""),
           "lock": ("#fef3c7", "#b45309", ""),
           "object": ("#ede9fe", "#7c3aed", ' stroke-dasharray="5,3"')}

def _n(x: float) -> str:
    """A coordinate: a tenth of a pixel, the same text on every machine."""
    text = f"{round(x, 1):.1f}"
    return "0.0" if text == "-0.0" else text


@dataclass
class _Node:
    key: str
    lines: list[str]          # the first in bold
    kind: str                 # "thread", "lock" or "object"
    tip: str
    hot: bool = False
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        return max(len(line) for line in self.lines) * _CHAR + 2 * _PAD

    @property
    def height(self) -> float:
        return len(self.lines) * _LINE + _PAD

    @property
    def size(self) -> float:
        return (self.width + self.height) / 2


@dataclass
class _Edge:
    a: str
    b: str
    kind: str                 # "waits", "holds" or "order"
    label: str
    tip: str
    hot: bool = False


@dataclass
class _Graph:
    title: str
    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: list[_Edge] = field(default_factory=list)
    core: list[str] = field(default_factory=list)     # the cycles' nodes, in order
    legend: list[tuple[str, str]] = field(default_factory=list)   # (kind, what it means)

    def node(self, key: str, lines: list[str], kind: str, tip: str) -> _Node:
        if key not in self.nodes:
            self.nodes[key] = _Node(key, lines, kind, tip)
        return self.nodes[key]

    def edge(self, a: str, b: str, kind: str, label: str, tip: str) -> _Edge:
        for edge in self.edges:
            if (edge.a, edge.b, edge.kind) == (a, b, kind):
                return edge
        self.edges.append(_Edge(a, b, kind, label, tip))
        return self.edges[-1]


# -- the wait-for graph ----------------------------------------------------------------------

def _name_lines(name: str) -> list[str]:
    """``lock_b (Lock#2)`` as two lines, the program's name first."""
    if name.endswith(")") and " (" in name:
        var, _, label = name[:-1].partition(" (")
        return [var, label]
    return [name]


def wait_for_svg(report: DeadlockReport, id_prefix: str = "wait-for") -> str:
    """A deadlock's wait-for graph as SVG text: its threads, and the locks (and events,
    queues, conditions...) they hold and wait on, as nodes; an arrow from a thread to what it
    waits for (to the thread itself for a join), labelled with the line that waits; an arrow
    from a lock to the thread that holds it, labelled with the line that took it. The cycle, if
    there is one, in red."""
    g = _Graph("")

    def thread(name: str) -> str:
        g.node(f"t:{name}", [name, "thread"], "thread", f"thread {name}")
        return f"t:{name}"

    waits = {w.thread: w for w in report.threads}
    for w in report.threads:
        me = thread(w.thread)
        on = w.waits_on
        if on is None:   # (a report from before waits_on: what it says in words)
            continue
        phrase = w.waits_for[len(on.name):].strip() if w.waits_for.startswith(on.name) else ""
        at = f" at {w.where}" if w.where else ""
        if on.kind == "thread":
            target = thread(on.label)
            label = f"joins{at}" if "(join)" in w.waits_for else "waits for its end at exit"
        else:
            target = f"r:{on.label}"
            g.node(target, _name_lines(on.name), "lock" if on.kind == "lock" else "object",
                   on.name if on.kind == "lock" else f"{on.name}: a {on.kind}")
            label = (f"waits {phrase}{at}" if phrase else f"waits{at}")
        g.edge(me, target, "waits", label, f"{w.thread} waits for {w.waits_for}{at}")
    for w in report.threads:
        me = f"t:{w.thread}"
        for lock in w.held:
            key = f"r:{lock.label}"
            g.node(key, _name_lines(lock.name), "lock", lock.name)
            at = f" at {lock.where}" if lock.where else ""
            g.edge(key, me, "holds", f"taken{at}" if at else "held",
                   f"{w.thread} holds {lock.name}" + (f", taken{at}" if at else ""))
    for w in report.threads:
        on = w.waits_on
        if on is not None and on.kind != "thread":
            for holder in w.held_by:   # (a holder that is not stuck: it still holds it)
                if not any(e.a == f"r:{on.label}" and e.b == f"t:{holder}" for e in g.edges):
                    g.edge(f"r:{on.label}", thread(holder), "holds", "held",
                           f"{holder} holds {on.name}")
    cycle = report.cycle or []
    for n, name in enumerate(cycle):
        after = f"t:{cycle[(n + 1) % len(cycle)]}"
        me = f"t:{name}"
        g.nodes[me].hot = True
        g.core.append(me)
        wait = waits.get(name)
        on = wait.waits_on if wait is not None else None
        if on is None:
            continue
        through = [me, after] if on.kind == "thread" else [me, f"r:{on.label}", after]
        if on.kind != "thread":
            g.nodes[through[1]].hot = True
            g.core.append(through[1])
        for a, b in zip(through, through[1:]):
            for edge in g.edges:
                if edge.a == a and edge.b == b:
                    edge.hot = True
    if len(cycle) == 1:
        g.title = f"Deadlock: {cycle[0]} waits for itself"
    elif cycle:
        g.title = "Deadlock: " + " -> ".join(cycle + cycle[:1]) + " (each waits for the next)"
    else:
        g.title = "Stuck, no cycle: each thread waits for something no running thread will do"
    kinds = {node.kind for node in g.nodes.values()} | {edge.kind for edge in g.edges}
    g.legend = [(kind, text) for kind, text in (
        ("thread", "thread"), ("lock", "lock"), ("object", "event, queue, condition..."),
        ("waits", "waits for"), ("holds", "held by")) if kind in kinds]
    if cycle:
        g.legend.append(("hot", "the cycle"))
    return _draw(g, id_prefix)


# -- the lock-order graph --------------------------------------------------------------------

def lock_order_svg(order: LockOrder, id_prefix: str = "lock-order") -> str:
    """A lock-order graph as SVG text: its locks as nodes, an arrow ``a -> b`` where a thread
    took ``b`` while holding ``a``, labelled with that thread and the line that took ``b`` the
    first time. The cycles that are potential deadlocks in red (one guarded by a gate lock,
    which cannot deadlock, in black)."""
    g = _Graph("")
    for label, name in order.locks.items():
        g.node(label, _name_lines(name), "lock", name)
    for first in order.edges.values():
        at = f" at {first.taken_at}" if first.taken_at else ""
        held_at = f" (taken at {first.held_at})" if first.held_at else ""
        took = "blocked for ever taking" if first.stuck else "took"
        g.edge(first.held, first.taken, "order", f"{first.thread}{at}",
               f"{', '.join(first.threads)}: {took} {order.name(first.taken)}{at} while "
               f"holding {order.name(first.held)}{held_at}")
    cycles = order.cycles()
    for cycle in cycles:
        for label in cycle.locks:
            if label not in g.core:
                g.core.append(label)
        if not cycle.potential_deadlock:
            continue
        for n, label in enumerate(cycle.locks):
            g.nodes[label].hot = True
            after = cycle.locks[(n + 1) % len(cycle.locks)]
            for edge in g.edges:
                if edge.a == label and edge.b == after:
                    edge.hot = True
    dangers = [c for c in cycles if c.potential_deadlock]
    if dangers:
        ring = dangers[0].locks
        g.title = (f"Lock order: {len(dangers)} potential deadlock"
                   f"{'s' if len(dangers) != 1 else ''}: "
                   + " -> ".join(_name_lines(order.name(lock))[0] for lock in ring + ring[:1]))
    else:
        g.title = (f"Lock order: no potential deadlock ({len(order.locks)} lock"
                   f"{'s' if len(order.locks) != 1 else ''}, {len(order.edges)} edge"
                   f"{'s' if len(order.edges) != 1 else ''})")
    g.legend = [("lock", "lock"), ("order", "taken while holding: thread, line")]
    if dangers:
        g.legend.append(("hot", "a cycle: a potential deadlock"))
    return _draw(g, id_prefix)


# -- layout ----------------------------------------------------------------------------------

def _neighbours(g: _Graph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {key: [] for key in g.nodes}
    for edge in g.edges:
        if edge.b not in out[edge.a]:
            out[edge.a].append(edge.b)
        if edge.a not in out[edge.b]:
            out[edge.b].append(edge.a)
    return out


def _ring(nodes: Sequence[_Node], radius: float, wanted: Sequence[float]) -> float:
    """Place ``nodes`` on a circle of at least ``radius`` around the origin, each as near its
    wanted angle as the others leave room for, in the order of those angles; the radius used."""
    order = sorted(range(len(nodes)), key=lambda i: (wanted[i], i))
    gaps = [(nodes[order[i]].size + nodes[order[(i + 1) % len(order)]].size) / 2 + 40
            for i in range(len(order))]
    around = sum(gaps) if len(order) > 1 else 0.0
    radius = max(radius, around / (2 * math.pi))
    angles = [wanted[order[0]]]
    for k in range(1, len(order)):
        angles.append(max(wanted[order[k]], angles[-1] + gaps[k - 1] / radius))
    shift = sum(angles[k] - wanted[order[k]] for k in range(len(order))) / len(order)
    for k, i in enumerate(order):
        angle = angles[k] - shift
        nodes[i].x, nodes[i].y = radius * math.cos(angle), radius * math.sin(angle)
    return radius


def _layout_rings(g: _Graph) -> None:
    """The cycles' nodes on a circle, in order from the top, clockwise; the others on rings
    around it, by how many edges away they are, each near its first neighbour inside."""
    core = [g.nodes[key] for key in g.core]
    # Each node's share of the circle: its size, and room for the labels of its edges.
    label = {key: 0.0 for key in g.core}
    for edge in g.edges:
        for end in (edge.a, edge.b):
            if end in label:
                label[end] = max(label[end], len(edge.label) * _SMALL_CHAR)
    share = [node.size + 0.8 * label[node.key] + 50 for node in core]
    around = sum(share)
    radius = max(90.0, around / (2 * math.pi)) if len(core) > 1 else 0.0
    angle = {}
    done = 0.0   # (the first node at the top)
    for n, (node, part) in enumerate(zip(core, share)):
        if n:
            done += (share[n - 1] + part) / 2
        a = -math.pi / 2 + 2 * math.pi * done / around
        node.x, node.y = radius * math.cos(a), radius * math.sin(a)
        angle[node.key] = a
    links = _neighbours(g)
    placed = set(g.core)
    biggest = max((node.size for node in core), default=0.0)
    while len(placed) < len(g.nodes):
        ring = [key for key in g.nodes if key not in placed
                and any(other in placed for other in links[key])]
        if not ring:   # (not linked to what is drawn: below it)
            ring = [key for key in g.nodes if key not in placed]
        nodes = [g.nodes[key] for key in ring]
        wanted = []
        for key in ring:
            near = next((o for o in links[key] if o in placed and o in angle), None)
            wanted.append(angle[near] if near is not None else math.pi / 2)
        size = max(node.size for node in nodes)
        radius = _ring(nodes, radius + (biggest + size) / 2 + 70, wanted)
        for node in nodes:
            angle[node.key] = math.atan2(node.y, node.x)
        placed.update(ring)
        biggest = size


def _layout_columns(g: _Graph) -> None:
    """No cycle: each node in the column after the furthest node with an edge to it (its
    longest path from a source), top to bottom in the order nodes were made."""
    column = {key: 0 for key in g.nodes}
    incoming = {key: 0 for key in g.nodes}
    for edge in g.edges:
        incoming[edge.b] += 1
    ready = [key for key in g.nodes if incoming[key] == 0]
    while ready:
        key = ready.pop(0)
        for edge in g.edges:
            if edge.a == key:
                column[edge.b] = max(column[edge.b], column[key] + 1)
                incoming[edge.b] -= 1
                if incoming[edge.b] == 0:
                    ready.append(edge.b)
    columns: dict[int, list[_Node]] = {}
    for key, node in g.nodes.items():
        columns.setdefault(column[key], []).append(node)
    x = 0.0
    for c in sorted(columns):
        nodes = columns[c]
        width = max(node.width for node in nodes)
        height = sum(node.height for node in nodes) + 40 * (len(nodes) - 1)
        y = -height / 2
        for node in nodes:
            node.x, node.y = x + width / 2, y + node.height / 2
            y += node.height + 40
        labels = [len(e.label) * _SMALL_CHAR for e in g.edges if column[e.a] == c]
        x += width + max([140.0] + [w + 50 for w in labels])


# -- drawing ---------------------------------------------------------------------------------

def _clip(node: _Node, toward_x: float, toward_y: float) -> tuple[float, float]:
    """Where the line from ``node``'s centre toward a point leaves its box."""
    dx, dy = toward_x - node.x, toward_y - node.y
    if dx == 0 and dy == 0:
        return node.x, node.y
    half_w, half_h = node.width / 2 + 3, node.height / 2 + 3
    t = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return node.x + t * dx, node.y + t * dy


@dataclass
class _Label:
    x: float
    y: float
    anchor: str        # SVG's text-anchor: start, middle or end

    def box(self, text: str) -> tuple[float, float, float, float]:
        width = len(text) * _SMALL_CHAR
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        return left, self.y - 12, left + width, self.y + 4


def _curve(g: _Graph, edge: _Edge) -> list[float]:
    """The edge as a quadratic curve (start, control, end): bent to its left where another
    edge goes back the other way (so that the two do not cover each other), outwards around a
    circle."""
    a, b = g.nodes[edge.a], g.nodes[edge.b]
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    if any(e.a == edge.b and e.b == edge.a for e in g.edges):
        bend = min(max(0.12 * length, 14.0), 46.0)
    elif g.core:   # (around a circle: bent outwards, away from its centre)
        bend = min(0.1 * length, 30.0)
        if dy / length * mx - dx / length * my < 0:
            bend = -bend
    else:
        bend = 0.0
    cx = mx + dy / length * bend * 2
    cy = my - dx / length * bend * 2
    x0, y0 = _clip(a, cx, cy)
    x2, y2 = _clip(b, cx, cy)
    return [x0, y0, cx, cy, x2, y2]


def _overlaps(box: tuple[float, float, float, float],
              others: list[tuple[float, float, float, float]]) -> bool:
    return any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
               for o in others)


def _place_labels(g: _Graph, curves: list[list[float]]) -> list[_Label]:
    """Where each edge's label goes: beside its curve, on the side it bends to (a straight
    edge: its left, or above), at its middle or, where that covers a node or a label placed
    before, further along it or on its other side; the middle if nothing is free."""
    taken = [(n.x - n.width / 2, n.y - n.height / 2, n.x + n.width / 2, n.y + n.height / 2)
             for n in g.nodes.values()]
    labels = []
    for edge, (x0, y0, cx, cy, x2, y2) in zip(g.edges, curves):
        dx, dy = x2 - x0, y2 - y0
        length = math.hypot(dx, dy) or 1.0
        nx, ny = dy / length, -dx / length   # (its left)
        bent = (cx - (x0 + x2) / 2) * nx + (cy - (y0 + y2) / 2) * ny
        if bent < -0.01 or abs(bent) <= 0.01 and (ny > 0 or ny == 0 and nx < 0):
            nx, ny = -nx, -ny
        candidates = []
        for side in (1, -1):
            for t in (0.5, 0.35, 0.65, 0.22, 0.78):
                px = (1 - t) ** 2 * x0 + 2 * t * (1 - t) * cx + t * t * x2
                py = (1 - t) ** 2 * y0 + 2 * t * (1 - t) * cy + t * t * y2
                sx, sy = nx * side, ny * side
                if sx > 0.35:
                    candidates.append(_Label(px + 6, py + 4, "start"))
                elif sx < -0.35:
                    candidates.append(_Label(px - 6, py + 4, "end"))
                else:
                    candidates.append(_Label(px, py + (15 if sy > 0 else -6), "middle"))
        chosen = next((c for c in candidates if not _overlaps(c.box(edge.label), taken)),
                      candidates[0])
        taken.append(chosen.box(edge.label))
        labels.append(chosen)
    return labels


def _draw(g: _Graph, id_prefix: str) -> str:
    if g.core:
        _layout_rings(g)
    else:
        _layout_columns(g)
    curves = [_curve(g, edge) for edge in g.edges]
    labels = _place_labels(g, curves)
    # The bounds of everything drawn, to move it all inside the picture.
    xs = [v for node in g.nodes.values() for v in (node.x - node.width / 2,
                                                   node.x + node.width / 2)]
    ys = [v for node in g.nodes.values() for v in (node.y - node.height / 2,
                                                   node.y + node.height / 2)]
    for edge, label in zip(g.edges, labels):
        x0, y0, x1, y1 = label.box(edge.label)
        xs += [x0, x1]
        ys += [y0, y1]
    if not xs:
        xs, ys = [0.0], [0.0]
    legend_width = sum(len(text) * _CHAR + 46 for _kind, text in g.legend)
    left, top = min(xs) - _MARGIN, min(ys) - _MARGIN - _TITLE
    width = max(max(xs) - left + _MARGIN, len(g.title) * _CHAR * 1.05 + 2 * _MARGIN,
                legend_width + 2 * _MARGIN)
    height = max(ys) - top + _MARGIN + _LEGEND
    width, height = math.ceil(width), math.ceil(height)

    def x(v: float) -> str:
        return _n(v - left)

    def y(v: float) -> str:
        return _n(v - top)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="ui-monospace, Menlo, Consolas, '
           f'monospace" font-size="12">',
           f"<title>{escape(g.title)}</title>",
           "<defs>"]
    for name, colour in (("arrow", _EDGE), ("arrow-hot", _HOT)):
        out.append(f'<marker id="{id_prefix}-{name}" viewBox="0 0 10 10" refX="9" refY="5" '
                   f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out += ["</defs>", f'<rect width="{width}" height="{height}" fill="white"/>',
            f'<text x="{_MARGIN}" y="{_MARGIN + 4}" font-size="14" font-weight="bold">'
            f"{escape(g.title)}</text>"]
    # Edges first, then the nodes over their ends, then the labels over everything.
    for edge, p in zip(g.edges, curves):
        colour, width_, marker = (_HOT, "2.2", "arrow-hot") if edge.hot else (_EDGE, "1.3",
                                                                              "arrow")
        dash = ' stroke-dasharray="6,4"' if edge.kind == "holds" else ""
        hot = " hot" if edge.hot else ""
        out.append(f'<g class="edge {edge.kind}{hot}" data-from="{escape(edge.a)}" '
                   f'data-to="{escape(edge.b)}"><title>{escape(edge.tip)}</title>'
                   f'<path d="M{x(p[0])},{y(p[1])} Q{x(p[2])},{y(p[3])} {x(p[4])},{y(p[5])}" '
                   f'fill="none" stroke="{colour}" stroke-width="{width_}"{dash} '
                   f'marker-end="url(#{id_prefix}-{marker})"/></g>')
    for node in g.nodes.values():
        fill, stroke, dash = _STYLES[node.kind]
        hot = " hot" if node.hot else ""
        stroke, stroke_width = (_HOT, "2.5") if node.hot else (stroke, "1.2")
        rx = "14" if node.kind == "thread" else "3"
        out.append(f'<g class="node {node.kind}{hot}" data-node="{escape(node.key)}">'
                   f"<title>{escape(node.tip)}</title>"
                   f'<rect x="{x(node.x - node.width / 2)}" y="{y(node.y - node.height / 2)}" '
                   f'width="{_n(node.width)}" height="{_n(node.height)}" rx="{rx}" '
                   f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"{dash}/>')
        first = node.y - node.height / 2 + _PAD / 2 + _LINE - 4
        for k, line in enumerate(node.lines):
            weight = ' font-weight="bold"' if k == 0 else ' fill="#4b5563"'
            out.append(f'<text x="{x(node.x)}" y="{y(first + k * _LINE)}" '
                       f'text-anchor="middle"{weight}>{escape(line)}</text>')
        out.append("</g>")
    for edge, label in zip(g.edges, labels):
        colour = _HOT if edge.hot else "#374151"
        out.append(f'<text class="label" x="{x(label.x)}" y="{y(label.y)}" '
                   f'text-anchor="{label.anchor}" '
                   f'font-size="11" fill="{colour}" stroke="white" stroke-width="4" '
                   f'paint-order="stroke">{escape(edge.label)}</text>')
    out += _legend(g.legend, _MARGIN, height - _LEGEND + 6, id_prefix)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _legend(items: list[tuple[str, str]], left: float, top: float, id_prefix: str) -> list[str]:
    out = ['<g class="legend" font-size="11">']
    at = left
    for kind, text in items:
        if kind in _STYLES:
            fill, stroke, dash = _STYLES[kind]
            rx = "7" if kind == "thread" else "2"
            out.append(f'<rect x="{_n(at)}" y="{_n(top)}" width="30" height="14" rx="{rx}" '
                       f'fill="{fill}" stroke="{stroke}"{dash}/>')
        else:
            colour = _HOT if kind == "hot" else _EDGE
            dash = ' stroke-dasharray="6,4"' if kind == "holds" else ""
            marker = "arrow-hot" if kind == "hot" else "arrow"
            out.append(f'<path d="M{_n(at)},{_n(top + 7)} L{_n(at + 28)},{_n(top + 7)}" '
                       f'stroke="{colour}" stroke-width="{2.2 if kind == "hot" else 1.3}"'
                       f'{dash} marker-end="url(#{id_prefix}-{marker})"/>')
        out.append(f'<text x="{_n(at + 36)}" y="{_n(top + 11)}">{escape(text)}</text>')
        at += len(text) * _CHAR + 46
    out.append("</g>")
    return out
