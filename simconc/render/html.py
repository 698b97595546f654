"""A timeline as one self-contained web page: zoom, pan, and hover a stretch or a marker to read
what it was (the operation, the object, file:line, the simulated time).

Everything is in the file: the lanes as JSON, and the script and style that draw them on a
canvas, hand-written here. The page fetches nothing, links nothing, and works without a
network. The script draws what is visible at the current zoom, one pixel column at a time where
stretches are narrower than a pixel, as the SVG does (:func:`.lanes.narrow_blends`), so a run of
ten thousand hand-overs stays as quick to pan as a short one.

The data is compact: the strings once each, in a table; times as integers (nanoseconds, or half
steps for an untimed run), each stretch's start as its distance from the end of the one before;
six numbers a stretch (seven on a GIL's or a core's lane: who held it).
"""
from __future__ import annotations

import json
from typing import Any, Optional, Sequence

from . import colors
from .lanes import STATES, Lane, Timeline
from .markup import escape

#: Integers per unit: a nanosecond of simulated time; half a step (an untimed run's markers sit
#: in the middle of their step).
_PER = {"s": 1_000_000_000, "step": 2}


def render(timelines: Sequence[Timeline], title: Optional[str] = None) -> str:
    """``timelines`` (one run, or several on one time axis) as an HTML page (a string)."""
    if title is None:
        title = timelines[0].title if len(timelines) == 1 else \
            f"{len(timelines)} runs on one time axis"
    data = json.dumps(_data(timelines), ensure_ascii=False, separators=(",", ":"))
    # (Inside a script element: nothing in the data may close it or open a comment.)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (_PAGE.replace("{{title}}", escape(title)).replace("{{style}}", _STYLE)
            .replace("{{script}}", _SCRIPT).replace("{{data}}", data))


def _data(timelines: Sequence[Timeline]) -> dict[str, Any]:
    unit = timelines[0].unit if timelines else "s"
    per = _PER[unit]
    strings: dict[str, int] = {"": 0}

    def string(text: str) -> int:
        number = strings.get(text)
        if number is None:
            number = strings[text] = len(strings)
        return number

    def ticks(value: float) -> int:
        return round(value * per)

    def lane_data(lane: Lane) -> dict[str, Any]:
        spans: list[int] = []
        last = 0
        for span in lane.spans:
            start, end = ticks(span.start), ticks(span.end)
            if end <= start:
                continue
            # (A thread's lane is all its own: the thread in a stretch is said on a GIL's or a
            # core's only.)
            spans += [start - last, end - start, STATES.index(span.state), string(span.on),
                      string(span.op), string(span.where)]
            if lane.kind != "thread":
                spans.append(span.who)
            last = end
        marks: list[int] = []
        last = 0
        for mark in lane.marks:
            at = ticks(mark.at)
            marks += [at - last, string(mark.op), string(mark.obj), string(mark.where)]
            last = at
        return {"name": lane.name, "kind": lane.kind, "who": lane.who, "s": spans,
                "m": marks}

    runs = [{"title": t.title,
             "groups": [{"name": group, "lanes": [lane_data(lane) for lane in lanes]}
                        for group, lanes in t.groups()]}
            for t in timelines]
    return {"unit": unit, "per": per, "end": ticks(max((t.end for t in timelines), default=0)),
            "states": list(STATES), "palette": list(colors.PALETTE),
            "ready": colors.READY, "blocked": colors.BLOCKED, "mark": colors.MARK,
            "runs": runs, "strings": list(strings)}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>{{style}}</style>
</head>
<body>
<header>
<h1>{{title}}</h1>
<div class="bar">
<button type="button" id="zoom-in" title="zoom in (+)">+</button>
<button type="button" id="zoom-out" title="zoom out (-)">&minus;</button>
<button type="button" id="reset" title="the whole run (0)">whole run</button>
<span id="view"></span>
<span class="hint">drag or shift+wheel or arrow keys: pan &middot; ctrl+wheel, +, - or
double-click: zoom &middot; hover: what it was</span>
</div>
<div class="legend">
<span><i id="legend-running"></i>running (a thread's colour; on a GIL or core lane: who held
it)</span>
<span><i id="legend-ready"></i>ready, waiting for the GIL or a core</span>
<span><i id="legend-blocked"></i>blocked, on what it names</span>
<span><i class="mark"></i>an operation (acquire, release, set, put, get...)</span>
<span>a bar split in height: stretches shorter than a pixel, by their share of its time</span>
</div>
</header>
<main id="plot"><canvas id="lanes"></canvas><div id="tip" hidden></div></main>
<script type="application/json" id="timeline-data">{{data}}</script>
<script>{{script}}</script>
</body>
</html>
"""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #111827; }
header { position: sticky; top: 0; background: white; padding: 0.6em 1em 0.4em;
         border-bottom: 1px solid #e5e7eb; z-index: 1; }
h1 { font-size: 1.05em; margin: 0 0 0.4em;
     font-family: ui-monospace, Menlo, Consolas, monospace; }
.bar { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; font-size: 0.85em; }
.bar button { font: inherit; padding: 0.1em 0.7em; cursor: pointer; }
#view { font-family: ui-monospace, Menlo, Consolas, monospace; }
.hint { color: #6b7280; }
.legend { font-size: 0.8em; color: #374151; margin-top: 0.4em; display: flex; gap: 1.2em;
          flex-wrap: wrap; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 0.35em;
            vertical-align: middle; }
.legend i.mark { width: 2px; height: 10px; background: #1f2937; }
#plot { position: relative; padding: 0.4em 0 1em; }
canvas { display: block; cursor: grab; }
canvas.dragging { cursor: grabbing; }
#tip { position: fixed; pointer-events: none; background: #111827; color: white;
       font: 12px ui-monospace, Menlo, Consolas, monospace; padding: 0.4em 0.6em;
       border-radius: 4px; max-width: 46em; white-space: pre-wrap; z-index: 2; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("timeline-data").textContent);
  var S = D.strings, PER = D.per, UNIT = D.unit, END = Math.max(D.end / PER, 1e-12);
  var STATES = D.states, RUNNING = 0, READY = 1, BLOCKED = 2, HELD = 3;
  var MONO = "ui-monospace, Menlo, Consolas, monospace";
  var NAMES = 200, RIGHT = 16, ROW = 19, BAR = 14, HEAD = 22, GROUP = 17, AXIS = 26;
  var canvas = document.getElementById("lanes"), ctx = canvas.getContext("2d");
  var tip = document.getElementById("tip"), view = document.getElementById("view");
  var rows = [], y = AXIS, W = 800;

  function prepare(lane) {
    var s = lane.s, K = lane.kind === "thread" ? 6 : 7, n = s.length / K, t = 0, i;
    lane.K = K; lane.n = n; lane.starts = new Float64Array(n); lane.ends = new Float64Array(n);
    for (i = 0; i < n; i++) {
      t += s[K * i]; lane.starts[i] = t / PER; t += s[K * i + 1]; lane.ends[i] = t / PER;
    }
    var m = lane.m, k = m.length / 4, a = 0;
    lane.k = k; lane.at = new Float64Array(k);
    for (i = 0; i < k; i++) { a += m[4 * i]; lane.at[i] = a / PER; }
  }
  D.runs.forEach(function (run) {
    var names = {};   // a thread's colour -> its name, for the GIL's and the cores' lanes
    if (D.runs.length > 1) { rows.push({kind: "run", y: y, text: run.title}); y += HEAD; }
    run.groups.forEach(function (group) {
      rows.push({kind: "group", y: y, text: group.name}); y += GROUP;
      group.lanes.forEach(function (lane) {
        prepare(lane); lane.names = names;
        if (lane.kind === "thread") { names[lane.who] = lane.name; }
        rows.push({kind: "lane", y: y, lane: lane}); y += ROW;
      });
    });
  });
  var HEIGHT = y + 8;
  var t0 = 0, t1 = END, MIN = UNIT === "step" ? 2 : END * 1e-6;

  function colour(state, who) {
    if (state === READY) { return D.ready; }
    if (state === BLOCKED) { return D.blocked; }
    return who >= 0 ? D.palette[who % D.palette.length] : "#6b7280";
  }
  function plotWidth() { return Math.max(W - NAMES - RIGHT, 50); }
  function X(t) { return NAMES + (t - t0) / (t1 - t0) * plotWidth(); }
  function T(x) { return t0 + (x - NAMES) / plotWidth() * (t1 - t0); }
  function firstAfter(values, n, t) {   // the first index whose value is > t
    var lo = 0, hi = n;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (values[mid] > t) { hi = mid; } else { lo = mid + 1; }
    }
    return lo;
  }
  function firstFrom(values, n, t) {    // the first index whose value is >= t
    var lo = 0, hi = n;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (values[mid] >= t) { hi = mid; } else { lo = mid + 1; }
    }
    return lo;
  }

  // -- how a time is written (as simconc's Python writes it) --
  function trim(number) { return String(parseFloat(number.toPrecision(6))); }
  function moment(v) {
    if (UNIT === "step") { return "step " + trim(v); }
    var a = Math.abs(v);
    if (a === 0) { return "0 ms"; }
    if (a < 1e-3) { return (v * 1e6).toFixed(1) + " us"; }
    if (a < 1) { return (v * 1e3).toFixed(3) + " ms"; }
    return v.toFixed(4) + " s";
  }
  function duration(v) {
    if (UNIT === "step") { return trim(v) + (v === 1 ? " step" : " steps"); }
    return moment(v);
  }
  function ticks(most) {
    var width = t1 - t0, raw = width / Math.max(most, 1);
    var power = Math.pow(10, Math.floor(Math.log10(raw))), step = power, k;
    [1, 2, 5, 10].some(function (m) { step = m * power; return step >= raw; });
    if (UNIT === "step") { step = Math.max(step, 1); }
    var out = [];
    for (k = Math.ceil(t0 / step); k * step <= t1 + step * 1e-9; k++) { out.push(k * step); }
    var factor = 1, name = "";
    if (UNIT !== "step") {
      if (t1 < 1e-3) { factor = 1e6; name = " us"; }
      else if (t1 < 1) { factor = 1e3; name = " ms"; }
      else { name = " s"; }
    }
    return out.map(function (v) { return [v, trim(v * factor) + name]; });
  }

  // -- drawing --
  function size() {
    var ratio = window.devicePixelRatio || 1;
    W = canvas.parentNode.clientWidth;
    canvas.width = Math.round(W * ratio); canvas.height = Math.round(HEIGHT * ratio);
    canvas.style.width = W + "px"; canvas.style.height = HEIGHT + "px";
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw();
  }
  function text(lane, i) {
    var s = lane.s, K = lane.K, state = s[K * i + 2], on = S[s[K * i + 3]], op = S[s[K * i + 4]];
    if (state === HELD) { return on; }
    if (state === BLOCKED) { return (op === "join" || op === "start") ? op + " " + on : on; }
    return "";
  }
  function drawLane(lane, top) {
    var width = plotWidth(), columns = Math.ceil(width), scale = width / (t1 - t0);
    var shares = null, who = null, held = null, s = lane.s, K = lane.K, i, c;
    for (i = firstAfter(lane.ends, lane.n, t0); i < lane.n && lane.starts[i] < t1; i++) {
      var a = Math.max(lane.starts[i], t0), b = Math.min(lane.ends[i], t1);
      var x0 = (a - t0) * scale, x1 = (b - t0) * scale, state = s[K * i + 2];
      var w = K === 7 ? s[K * i + 6] : lane.who;
      if (x1 - x0 >= 1) {
        ctx.fillStyle = colour(state, w);
        ctx.fillRect(NAMES + x0, top, x1 - x0, BAR);
        var label = text(lane, i), room = Math.floor((x1 - x0 - 6) / 6.2);
        if (label && room >= 4) {
          if (label.length > room) { label = label.slice(0, room - 1) + "\u2026"; }
          ctx.fillStyle = (state === RUNNING || state === HELD) ? "white" : "#111827";
          ctx.font = "10px " + MONO;
          ctx.fillText(label, NAMES + x0 + 3, top + 11);
        }
      } else {
        if (shares === null) {
          shares = new Float64Array(columns * 3); who = new Int32Array(columns); held = {};
        }
        c = Math.min(Math.floor(x0), columns - 1);
        if (state === HELD) {   // (a GIL's or a core's: by who held it)
          var mine = held[c] || (held[c] = {});
          mine[w] = (mine[w] || 0) + x1 - x0;
        } else {
          shares[c * 3 + state] += x1 - x0; who[c] = w;
        }
      }
    }
    if (shares !== null) {
      for (c = 0; c < columns; c++) {
        var bottom = top + BAR, parts = [], q;
        for (q = 0; q < 3; q++) { parts.push([q, who[c], shares[c * 3 + q]]); }
        if (held[c]) {
          Object.keys(held[c]).map(Number).sort(function (a, b) { return a - b; })
            .forEach(function (w) { parts.push([HELD, w, held[c][w]]); });
        }
        for (q = 0; q < parts.length; q++) {
          var e = Math.round(Math.min(parts[q][2], 1) * 8);   // (eighths; a brief run shows)
          if (parts[q][2] > 0 && (parts[q][0] === RUNNING || parts[q][0] === HELD)) {
            e = Math.max(e, 1);
          }
          var h = e / 8 * BAR;
          if (h > 0) {
            ctx.fillStyle = colour(parts[q][0], parts[q][1]);
            ctx.fillRect(NAMES + c, bottom - h, 1, h);
            bottom -= h;
          }
        }
      }
    }
    ctx.fillStyle = D.mark;
    var last = -1;
    for (i = firstFrom(lane.at, lane.k, t0); i < lane.k && lane.at[i] <= t1; i++) {
      var x = Math.floor((lane.at[i] - t0) * scale);
      if (x !== last) { ctx.fillRect(NAMES + x, top - 2, 1.5, 6); last = x; }
    }
  }
  function draw() {
    ctx.clearRect(0, 0, W, HEIGHT);
    ctx.textBaseline = "alphabetic";
    var marks = ticks(Math.max(2, Math.floor(plotWidth() / 110)));
    ctx.save();
    ctx.beginPath(); ctx.rect(NAMES, 0, plotWidth() + 1, HEIGHT); ctx.clip();
    ctx.font = "11px " + MONO; ctx.textAlign = "center";
    marks.forEach(function (m) {
      var x = Math.round(X(m[0]));
      ctx.fillStyle = "#eceef1"; ctx.fillRect(x, AXIS - 6, 1, HEIGHT);
      ctx.fillStyle = "#6b7280"; ctx.fillText(m[1], x, 14);
    });
    ctx.textAlign = "left";
    rows.forEach(function (row) { if (row.kind === "lane") { drawLane(row.lane, row.y); } });
    ctx.restore();
    ctx.font = "11px " + MONO; ctx.textAlign = "right";
    ctx.fillStyle = "#6b7280";
    ctx.fillText(UNIT === "step" ? "steps" : "simulated time", NAMES - 8, 14);
    rows.forEach(function (row) {
      if (row.kind === "run") {
        ctx.textAlign = "left"; ctx.fillStyle = "#111827"; ctx.font = "bold 12px " + MONO;
        ctx.fillText(row.text, 8, row.y + 15);
      } else if (row.kind === "group") {
        ctx.textAlign = "left"; ctx.fillStyle = "#6b7280"; ctx.font = "italic 11px " + MONO;
        ctx.fillText(row.text, 8, row.y + 12);
      } else {
        var lane = row.lane, name = lane.name;
        if (name.length > 28) { name = name.slice(0, 27) + "\u2026"; }
        ctx.textAlign = "right"; ctx.font = "11px " + MONO;
        ctx.fillStyle = lane.kind === "thread" ? colour(RUNNING, lane.who) : "#374151";
        ctx.fillText(name, NAMES - 8, row.y + 11);
        ctx.fillStyle = "#f3f4f6"; ctx.fillRect(NAMES, row.y + BAR, plotWidth(), 1);
      }
    });
    view.textContent = moment(t0) + " to " + moment(t1);
  }

  // -- what is under the pointer --
  function tellSpan(lane, i) {
    var s = lane.s, K = lane.K, state = s[K * i + 2], on = S[s[K * i + 3]], op = S[s[K * i + 4]];
    var where = S[s[K * i + 5]], a = lane.starts[i], b = lane.ends[i];
    var when = moment(a) + " to " + moment(b) + " (" + duration(b - a) + ")";
    var at = where ? " at " + where : "";
    if (state === HELD) { return lane.name + " held by " + on + ", " + when; }
    if (state === BLOCKED && on === "sleep") { return lane.name + " asleep" + at + ", " + when; }
    if (state === BLOCKED) {
      return lane.name + " blocked" + (op && op !== "io" ? " in " + op : "") + " on " + on + at +
        ", " + when;
    }
    if (state === READY) {
      return lane.name + " ready" + (on ? ", waiting for " + on : " (waiting for its turn)") +
        ", " + when;
    }
    return lane.name + " running, " + when;
  }
  function tellColumn(lane, a, b) {
    var totals = {}, order = [], count = 0, K = lane.K;
    for (var i = firstAfter(lane.ends, lane.n, a); i < lane.n && lane.starts[i] < b; i++) {
      var part = Math.min(lane.ends[i], b) - Math.max(lane.starts[i], a);
      if (part <= 0) { continue; }
      var state = lane.s[K * i + 2], what = state === HELD ?
        "held by " + (lane.names[lane.s[K * i + 6]] || "?") : STATES[state];
      if (!(what in totals)) { totals[what] = 0; order.push(what); }
      totals[what] += part; count += 1;
    }
    if (count === 0) { return ""; }
    var parts = order.map(function (what) {
      return Math.round(totals[what] / (b - a) * 100) + "% " + what;
    });
    return lane.name + ": " + count + " stretches from " + moment(a) + " to " + moment(b) +
      ", too short to draw one by one (" + parts.join(", ") + ")";
  }
  function tellMarks(lane, a, b) {
    var lines = [];
    for (var i = firstFrom(lane.at, lane.k, a); i < lane.k && lane.at[i] <= b; i++) {
      if (lines.length === 6) { lines.push("and more"); break; }
      var m = lane.m, obj = S[m[4 * i + 2]], where = S[m[4 * i + 3]];
      lines.push(lane.name + ": " + S[m[4 * i + 1]] + (obj ? " " + obj : "") +
                 (where ? " at " + where : "") + ", " + moment(lane.at[i]));
    }
    return lines.join("\n");
  }
  function under(x, yy) {
    if (x < NAMES || x > NAMES + plotWidth()) { return ""; }
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      if (row.kind !== "lane" || yy < row.y - 3 || yy >= row.y + BAR) { continue; }
      var lane = row.lane, pixel = (t1 - t0) / plotWidth(), t = T(x);
      if (yy < row.y + 5) {
        var marks = tellMarks(lane, t - 2 * pixel, t + 2 * pixel);
        if (marks) { return marks; }
      }
      var i = firstAfter(lane.ends, lane.n, t);
      if (i < lane.n && lane.starts[i] <= t && (lane.ends[i] - lane.starts[i]) / pixel >= 1) {
        return tellSpan(lane, i);
      }
      var c = Math.floor(x - NAMES);   // (stretches narrower than the pixel: told together)
      return tellColumn(lane, T(NAMES + c), T(NAMES + c + 1));
    }
    return "";
  }

  // -- zoom and pan --
  function setView(a, b) {
    var width = Math.min(Math.max(b - a, MIN), END * 1.1);
    a = Math.max(Math.min(a, END * 1.05 - width), -END * 0.05);
    t0 = a; t1 = a + width; draw();
  }
  function zoom(factor, x) {
    var t = T(x); setView(t - (t - t0) * factor, t + (t1 - t) * factor);
  }
  function pan(fraction) { var d = (t1 - t0) * fraction; setView(t0 + d, t1 + d); }
  var drag = null;
  canvas.addEventListener("mousedown", function (e) {
    drag = {x: e.clientX, t0: t0, t1: t1}; canvas.classList.add("dragging");
  });
  window.addEventListener("mouseup", function () {
    drag = null; canvas.classList.remove("dragging");
  });
  canvas.addEventListener("mousemove", function (e) {
    var box = canvas.getBoundingClientRect();
    if (drag !== null) {
      var d = (e.clientX - drag.x) / plotWidth() * (drag.t1 - drag.t0);
      setView(drag.t0 - d, drag.t1 - d); tip.hidden = true; return;
    }
    var said = under(e.clientX - box.left, e.clientY - box.top);
    if (!said) { tip.hidden = true; return; }
    tip.textContent = said; tip.hidden = false;
    var left = e.clientX + 14, room = window.innerWidth - tip.offsetWidth - 8;
    tip.style.left = Math.max(4, Math.min(left, room)) + "px";
    tip.style.top = (e.clientY + 16) + "px";
  });
  canvas.addEventListener("mouseleave", function () { tip.hidden = true; });
  canvas.addEventListener("wheel", function (e) {
    var box = canvas.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault(); zoom(Math.pow(1.0015, e.deltaY), e.clientX - box.left);
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault(); pan((e.shiftKey ? e.deltaY : e.deltaX) / plotWidth());
    }
  }, {passive: false});
  canvas.addEventListener("dblclick", function (e) {
    zoom(e.shiftKey ? 2 : 0.5, e.clientX - canvas.getBoundingClientRect().left);
  });
  function middle() { return NAMES + plotWidth() / 2; }
  function button(id, factor) {
    document.getElementById(id).addEventListener("click", function () { zoom(factor, middle()); });
  }
  button("zoom-in", 0.5);
  button("zoom-out", 2);
  document.getElementById("reset").addEventListener("click", function () { setView(0, END); });
  window.addEventListener("keydown", function (e) {
    if (e.key === "+" || e.key === "=") { zoom(0.5, NAMES + plotWidth() / 2); }
    else if (e.key === "-") { zoom(2, NAMES + plotWidth() / 2); }
    else if (e.key === "0") { setView(0, END); }
    else if (e.key === "ArrowLeft") { pan(-0.1); }
    else if (e.key === "ArrowRight") { pan(0.1); }
  });
  document.getElementById("legend-running").style.background = D.palette[0];
  document.getElementById("legend-ready").style.background = D.ready;
  document.getElementById("legend-blocked").style.background = D.blocked;
  window.addEventListener("resize", size);
  size();
}());
"""
