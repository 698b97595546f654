"""Timelines (simconc/render/): each format well formed and self-contained, the lanes what the
trace says, the same bytes every time, and the command line's --timeline, --trace and compare.

Run as a script, it redraws the pictures docs/timelines.md shows (after an intended change)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import simconc
from simconc.analysis.intervals import intervals
from simconc.render import draw, timeline_of
from simconc.render.lanes import Timeline, timed

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEMAPHORE = os.path.join(REPO, "scenarios", "semaphore.py")
PHILOSOPHERS = os.path.join(REPO, "scenarios", "dining_philosophers.py")
GIL_WAIT = os.path.join(REPO, "docs", "examples", "gil_wait.py")
SVG = "{http://www.w3.org/2000/svg}"

#: Two threads computing under one GIL: a forced switch every 5 ms of simulated time.
SWITCHES = """\
import threading
import simconc

threads = [threading.Thread(target=simconc.cpu, args=({seconds},)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""

#: Every kind of wait a lane names.
WAITS = """\
import queue, threading, time
import simconc
lock = threading.Lock()
event = threading.Event()
q = queue.Queue(maxsize=1)
def a():
    with lock:
        time.sleep(0.01)
    event.wait()
    q.put(1); q.put(2)
    simconc.io(0.003)
    simconc.cpu(0.02)
def b():
    with lock:
        pass
    event.set()
    time.sleep(0.02)
    print(q.get(), q.get())
    simconc.cpu(0.02)
ts = [threading.Thread(target=a), threading.Thread(target=b)]
for t in ts: t.start()
for t in ts: t.join()
"""


def simconc_cli(*args, env=None, timeout=120):
    environment = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "simconc", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=timeout, env=environment)


@pytest.fixture
def program(tmp_path):
    def write(source: str, name: str = "prog.py") -> str:
        path = tmp_path / name
        path.write_text(source)
        return str(path)
    return write


def traced(path: str, **options) -> tuple[simconc.RunResult, Timeline]:
    result = simconc.run(path, timeline=True, **options)
    return result, timeline_of(result, os.path.basename(path))


def svg_lane_names(svg: str) -> list[str]:
    """The lanes' names, as the picture prints them left of the lanes."""
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")
            if t.get("text-anchor") == "end" and t.text and t.get("x") == "182"]


def titles(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}title")]


# -- the formats ---------------------------------------------------------------------------------

def test_the_svg_parses_with_a_lane_per_thread_the_gil_and_each_core():
    _result, timeline = traced(SEMAPHORE, seed=1)
    svg = draw([timeline], "svg")
    assert svg_lane_names(svg) == ["MainThread"] + [f"Thread-{n} (foo)" for n in range(1, 6)] + \
        ["GIL", "core 0", "core 1"]
    said = titles(svg)
    # The semaphore's latecomers are blocked on it, and say where; sleepers are asleep.
    for name in ("Thread-4 (foo)", "Thread-5 (foo)"):
        assert any(t.startswith(f"{name} blocked in acquire on Semaphore#1 at semaphore.py:18,")
                   for t in said), name
    assert any(t.startswith("Thread-1 (foo) asleep at semaphore.py:21, ") for t in said)
    assert any(t.startswith("MainThread blocked in join on Thread-1 (foo) at semaphore.py:31")
               for t in said)
    # A marker per operation, with its hover text.
    assert any(t.startswith("Thread-3 (foo): release Semaphore#1 (value 1) at semaphore.py:18, ")
               for t in said)


def test_the_lanes_name_what_each_thread_waits_on(program):
    _result, timeline = traced(program(WAITS))
    blocked = {(lane.name, span.on, span.op, span.where) for lane in timeline.threads
               for span in lane.spans if span.state == "blocked"}
    assert {("Thread-1 (a)", "sleep", "sleep", "prog.py:8"),
            ("Thread-1 (a)", "Event#1", "wait", "prog.py:9"),
            ("Thread-1 (a)", "Queue#1 (full)", "put", "prog.py:10"),
            ("Thread-1 (a)", "IO", "io", "prog.py:11"),
            ("Thread-2 (b)", "Lock#1", "acquire", "prog.py:14"),
            ("Thread-2 (b)", "Queue#1 (empty)", "get", "prog.py:18"),
            ("MainThread", "Thread-1 (a)", "join", "prog.py:22"),
            ("MainThread", "Thread-1 (a)", "start", "prog.py:21")} <= blocked
    # Ready stretches wait for the GIL; computing, the two threads take turns with it.
    ready = [span for lane in timeline.threads for span in lane.spans if span.state == "ready"]
    assert ready and all(span.on == "the GIL" for span in ready)
    marks = [(m.op, m.obj) for lane in timeline.threads for m in lane.marks]
    for expected in [("acquire", "Lock#1"), ("release", "Lock#1"), ("set", "Event#1"),
                     ("put", "Queue#1"), ("get", "Queue#1")]:
        assert expected in marks


def test_the_chrome_trace_loads_with_the_required_fields():
    result, timeline = traced(SEMAPHORE, seed=1)
    document = json.loads(draw([timeline], "chrome"))
    events = document["traceEvents"]
    assert {e["ph"] for e in events} == {"M", "X", "i"}
    for event in events:
        assert isinstance(event["pid"], int) and isinstance(event["tid"], int)
        assert isinstance(event["name"], str)
        if event["ph"] == "X":
            assert event["ts"] >= 0 and event["dur"] > 0 and event["cat"] in (
                "running", "ready", "blocked", "held")
        elif event["ph"] == "i":
            assert event["ts"] >= 0 and event["s"] == "t"
    named = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    processes = {e["pid"]: e["args"]["name"] for e in events
                 if e["ph"] == "M" and e["name"] == "process_name"}
    assert processes == {1: "interpreter 0", 2: "machine"}
    for event in events:   # every lane drawn is a named thread of a named process
        if event["ph"] in "Xi":
            assert (event["pid"], event["tid"]) in named
    # Threads by their ident, in the interpreter's process; the GIL and the cores by name.
    idents = {i.ident: i.name for i in intervals(result.trace, result.elapsed)}
    assert {tid: name for (pid, tid), name in named.items() if pid == 1 and name != "GIL"} == \
        idents
    assert sorted(name for (pid, _tid), name in named.items() if pid == 2) == ["core 0", "core 1"]
    # What it says each thread ran is what the intervals say, in microseconds.
    for ident, name in idents.items():
        ran = sum(e["dur"] for e in events if e["ph"] == "X" and e["pid"] == 1 and
                  e["tid"] == ident and e["cat"] == "running")
        expected = sum(i.end - i.start for i in intervals(result.trace, result.elapsed)
                       if i.ident == ident and i.state == "running") * 1e6
        assert ran == pytest.approx(expected, abs=0.01), name


def test_each_interpreter_is_a_process_with_its_gil():
    from simconc.kernel import World

    world = World(seed=0, profile="ideal")
    world.timeline = True

    def main():
        other = world.add_interpreter()
        threads = [world.new_thread(lambda: world.cpu(0.02), "A"),
                   world.new_thread(lambda: world.cpu(0.02), "B", interpreter=other)]
        for t in threads:
            world.start(t)
        for t in threads:
            t.done.wait(t.ended)

    world.run(main)
    timeline = timed(world.trace, world.now, "two processes", cores=2)
    assert [(group, [lane.name for lane in lanes]) for group, lanes in timeline.groups()] == [
        ("interpreter 0", ["MainThread", "A", "GIL"]), ("interpreter 1", ["B", "GIL"]),
        ("machine", ["core 0", "core 1"])]
    document = json.loads(draw([timeline], "chrome"))
    pids = {e["args"]["name"]: e["pid"] for e in document["traceEvents"]
            if e.get("name") == "thread_name" and e["args"]["name"] in "AB"}
    assert pids["A"] != pids["B"]
    # Each computes on a core of its own at once: both cores are busy at the start.
    cores = [lane for lane in timeline.lanes if lane.kind == "core"]
    assert all(lane.spans and lane.spans[0].start == 0.0 for lane in cores)


def test_the_html_page_holds_everything_it_needs():
    _result, timeline = traced(SEMAPHORE, seed=1)
    page = draw([timeline], "html")
    lowered = page.lower()
    for outside in ("http:", "https:", "src=", "<link", "href=", "@import", "url(", "fetch(",
                    "xmlhttprequest", "<iframe", "<img"):
        assert outside not in lowered, outside
    assert page.count("<script") == 2
    data = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>',
                     page, re.S).group(1)
    parsed = json.loads(data)
    assert [lane["name"] for group in parsed["runs"][0]["groups"] for lane in group["lanes"]] \
        == [lane.name for lane in timeline.lanes]


def test_a_programs_text_cannot_break_out_of_the_page(program):
    path = program('import threading\nthreading.Thread(target=lambda: None, '
                   'name="</script><script>alert(1)</script>").start()\n')
    _result, timeline = traced(path)
    page = draw([timeline], "html")
    assert page.count("<script") == 2 and page.count("</script>") == 2
    ET.fromstring(draw([timeline], "svg"))   # (and the picture still parses)


_HARNESS = r"""
const fs = require("fs");
const page = fs.readFileSync(process.argv[2], "utf8");
const data = page.match(
  /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/)[1];
const script = page.match(/<script>([\s\S]*?)<\/script>/)[1];
const elements = {};
const ctx = {setTransform() {}, clearRect() {}, save() {}, restore() {}, beginPath() {}, rect() {},
             clip() {}, fillRect() { drawn.rects++; }, fillText(t) { drawn.texts.push(t); }};
const drawn = {rects: 0, texts: []};
function element(id) {
  return {style: {}, hidden: false, textContent: id === "timeline-data" ? data : "",
          classList: {add() {}, remove() {}}, listeners: {}, offsetWidth: 300,
          addEventListener(type, f) { this.listeners[type] = f; },
          getBoundingClientRect() { return {left: 0, top: 0}; },
          parentNode: {clientWidth: 1200}, getContext() { return ctx; }};
}
const document = {getElementById(id) { return elements[id] || (elements[id] = element(id)); }};
const onWindow = {};
const window = {devicePixelRatio: 1, innerWidth: 1400, addEventListener(t, f) { onWindow[t] = f; }};
new Function("document", "window", script)(document, window);
const canvas = elements["lanes"], tip = elements["tip"], view = elements["view"];
const out = {rects: drawn.rects, texts: drawn.texts, view: view.textContent, hovers: []};
for (const [x, y] of JSON.parse(process.argv[3])) {
  canvas.listeners.mousemove({clientX: x, clientY: y});
  out.hovers.push(tip.hidden ? "" : tip.textContent);
}
canvas.listeners.wheel({ctrlKey: true, deltaY: -500, clientX: 700, preventDefault() {}});
out.zoomed = view.textContent;
canvas.listeners.mousedown({clientX: 700});
canvas.listeners.mousemove({clientX: 600, clientY: 10});
onWindow.mouseup();
out.panned = view.textContent;
onWindow.keydown({key: "0"});
out.reset = view.textContent;
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None and not os.environ.get("SIMCONC_REQUIRE_NODE"),
                    reason="runs the page's script under Node.js, which is not installed "
                           "(CI sets SIMCONC_REQUIRE_NODE: there, a missing node fails)")
def test_the_pages_script_draws_hovers_zooms_and_pans(tmp_path, program):
    _result, timeline = traced(program(WAITS))
    page = tmp_path / "t.html"
    page.write_text(draw([timeline], "html"), encoding="utf-8")
    harness = tmp_path / "harness.js"
    harness.write_text(_HARNESS)
    # Rows: the axis (26 px), the group's name (17), then 19 px a lane: MainThread, Thread-1,
    # Thread-2, the GIL. Thread-1 sleeps from 0.07 ms to 10.1 ms of 71.3: pixel 200 + 60 is in
    # it; Thread-2 computes from 30 ms on, taking turns with Thread-1.
    points = [[260, 62], [260, 81], [1000, 100], [1000, 20]]
    proc = subprocess.run(["node", str(harness), str(page), json.dumps(points)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["rects"] > 20 and "MainThread" in out["texts"] and "Queue#1 (full)" in out["texts"]
    assert out["view"] == "0 ms to 71.299 ms"
    assert out["hovers"][:3] == [
        "Thread-1 (a) asleep at prog.py:8, 69.0 us to 10.136 ms (10.067 ms)",
        "Thread-2 (b) blocked in acquire on Lock#1 at prog.py:14, 205.9 us to 10.136 ms "
        "(9.930 ms)",
        "GIL held by Thread-2 (b), 53.928 ms to 58.928 ms (5.000 ms)"]
    assert out["hovers"][3] == ""   # (the axis)
    assert out["zoomed"] != out["view"] and out["panned"] != out["zoomed"]
    assert out["reset"] == out["view"]


# -- lanes and the trace agree -------------------------------------------------------------------

def _overlap(spans) -> bool:
    ordered = sorted(spans, key=lambda s: s.start)
    return any(b.start < a.end - 1e-12 for a, b in zip(ordered, ordered[1:]))


@pytest.mark.parametrize("source", ["semaphore", "waits", "switches", "switches-no-gil"])
def test_lanes_and_intervals_agree_with_the_trace(source, program):
    options = {}
    if source == "semaphore":
        path = SEMAPHORE
    elif source == "waits":
        path = program(WAITS)
    else:
        path = program(SWITCHES.format(seconds=0.2))
        options["gil"] = source == "switches"
    result, timeline = traced(path, **options)
    found = intervals(result.trace, result.elapsed)
    for lane in timeline.threads:
        mine = [i for i in found if i.ident == lane.ident]
        # The lane is the thread's intervals: from its start to its end, one after the other.
        assert [(s.start, s.end) for s in lane.spans] == [(i.start, i.end) for i in mine]
        ran = sum(s.end - s.start for s in lane.spans if s.state == "running")
        assert ran == pytest.approx(sum(i.end - i.start for i in mine if i.state == "running"))
        # ...which is the time it held a core, as the kernel's core records say.
        held = 0.0
        taken = {}
        for event in result.trace.events:
            if event.ident == lane.ident and event.op == "core-take":
                taken[event.label] = event.time
            elif event.ident == lane.ident and event.op == "core-free":
                held += event.time - taken.pop(event.label)
        assert ran == pytest.approx(held, abs=1e-12)
    gils = [lane for lane in timeline.lanes if lane.kind == "gil"]
    cores = [lane for lane in timeline.lanes if lane.kind == "core"]
    assert len(cores) == 2 and not any(_overlap(lane.spans) for lane in cores)
    if not result.gil:
        assert gils == []
        # No GIL: both threads compute at once, one core each.
        assert all(lane.spans for lane in cores)
        return
    [gil] = gils
    assert not _overlap(gil.spans)   # one holder at a time
    running = {lane.name: [s for s in lane.spans if s.state == "running"]
               for lane in timeline.threads}
    for span in gil.spans:   # held by a thread while it was running
        assert any(r.start <= span.start and span.end <= r.end + 1e-12
                   for r in running[span.on]), span


def test_an_untimed_run_is_drawn_step_by_step():
    [failure] = simconc.explore(PHILOSOPHERS).failures
    result = simconc.run(PHILOSOPHERS, schedule=failure.schedule, timeline=True)
    timeline = timeline_of(result)
    assert timeline.unit == "step" and timeline.end == len(result.steps) + 1
    for k, step in enumerate(result.steps):   # each step: its thread runs, and no other
        running = [lane.ident for lane in timeline.threads for s in lane.spans
                   if s.state == "running" and s.start <= k < s.end]
        assert running == [step.ident], k
    # The deadlock: each philosopher blocked on the lock the next one holds, to the end; the
    # main thread in its join.
    last = {lane.name: lane.spans[-1] for lane in timeline.threads}
    assert {name: (s.state, s.on, s.end) for name, s in last.items()} == {
        "MainThread": ("blocked", "philosopher-0", timeline.end),
        "philosopher-0": ("blocked", "Lock#2", timeline.end),
        "philosopher-1": ("blocked", "Lock#3", timeline.end),
        "philosopher-2": ("blocked", "Lock#1", timeline.end)}
    # The failure the exploration reports has the same timeline, which its page draws.
    assert failure.timeline is not None
    assert [(lane.name, lane.spans) for lane in failure.timeline.lanes] == \
        [(lane.name, lane.spans) for lane in timeline.lanes]


def test_a_deadlocked_run_shows_its_threads_stuck_past_its_end():
    result, timeline = traced(os.path.join(REPO, "scenarios", "lock_order_deadlock.py"))
    assert result.status == "deadlock" and timeline.end > result.elapsed
    last = {lane.name: lane.spans[-1] for lane in timeline.threads}
    assert {name: (s.state, s.on, s.op) for name, s in last.items()} == {
        "MainThread": ("blocked", "A-then-B", "join"),
        "A-then-B": ("blocked", "Lock#2", ""), "B-then-A": ("blocked", "Lock#1", "")}
    assert all(s.start == pytest.approx(result.elapsed, abs=1e-3) and s.end == timeline.end
               for name, s in last.items() if name != "MainThread")


def test_a_run_records_scheduling_only_for_a_timeline():
    for semantics in ("timed", "untimed"):
        plain = simconc.run(SEMAPHORE, semantics=semantics)
        assert not any(e.op in ("block", "ready", "run", "gil-take", "core-take")
                       for e in plain.trace.events), semantics


# -- the same bytes ------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".svg", ".html", ".json", ".txt"])
def test_the_same_run_draws_the_same_bytes_whatever_the_hash_seed(suffix, tmp_path):
    drawn = []
    for n, hashseed in enumerate(["0", "4242"]):
        path = tmp_path / f"t{n}{suffix}"
        proc = simconc_cli("run", SEMAPHORE, "--seed", "2", "--quiet", "--timeline", str(path),
                           env={"PYTHONHASHSEED": hashseed})
        assert proc.returncode == 0, proc.stderr
        drawn.append(path.read_bytes())
    assert drawn[0] == drawn[1]
    result, timeline = traced(SEMAPHORE, seed=2)
    fmt = {".svg": "svg", ".html": "html", ".json": "chrome", ".txt": "text"}[suffix]
    assert draw([timeline_of(result, f"{SEMAPHORE} --seed 2")], fmt).encode() == drawn[0]


# -- the command line ----------------------------------------------------------------------------

def test_a_bad_suffix_or_place_is_a_clear_error_before_the_program_runs(tmp_path):
    for target, said in [(tmp_path / "t.png", "cannot tell which timeline to draw from "),
                         (tmp_path / "none" / "t.svg", "cannot write the timeline to ")]:
        proc = simconc_cli("run", SEMAPHORE, "--timeline", str(target))
        assert proc.returncode == 2
        assert proc.stderr.startswith(f"simconc: error: {said}") and "Traceback" not in proc.stderr
        assert proc.stdout == "" and not target.exists()
    assert ".svg" in simconc_cli("run", SEMAPHORE, "--timeline", "t.png").stderr
    proc = simconc_cli("run", SEMAPHORE, "--timeline", "-", "--json")
    assert proc.returncode == 2 and "give the timeline a file" in proc.stderr


def test_the_terminal_timeline_comes_after_the_programs_output_as_wide_as_the_terminal():
    proc = simconc_cli("run", SEMAPHORE, "--timeline", "-", env={"COLUMNS": "72"})
    assert proc.returncode == 0
    out = proc.stdout.splitlines()
    start = out.index(next(line for line in out if line.startswith("timeline of ")))
    assert out[:start] == [line for line in out[:start] if "sema" in line]   # the program's
    assert len(out[:start]) == 10
    lanes = [line for line in out[start:] if "│" in line]
    assert len(lanes) == 9 and {len(line) for line in lanes} == {72}
    assert "Semaphore#1" in next(line for line in lanes if "Thread-5" in line)
    assert proc.stderr.startswith("\n-- simconc: ok")   # (the summary, after it)


def test_trace_shows_each_block_wake_up_and_hand_over_of_the_gil():
    proc = simconc_cli("run", SEMAPHORE, "--trace", "--quiet")
    lines = [line.split("] ", 1)[1] for line in proc.stderr.splitlines()]
    # The threads the semaphore keeps out appear when they block, not only once they get in.
    for name in ("Thread-4 (foo)", "Thread-5 (foo)"):
        mine = [" ".join(line.split()[2:4]) for line in lines if line.startswith(name)]
        assert mine[:2] == ["block Semaphore#1", "wake Semaphore#1"], mine
    assert "Thread-4 (foo)   gil-take from Thread-3 (foo)" in lines
    proc = simconc_cli("run", GIL_WAIT, "--profile", "ideal", "--trace", "--quiet")
    lines = [line.split("] ", 1)[1] for line in proc.stderr.splitlines()]
    drops = [n for n, line in enumerate(lines) if "gil-drop" in line]
    # Each forced switch hands the GIL to the thread that waited for it.
    for n in drops:
        assert lines[n + 1].startswith("MainThread       gil-take from crunch"), lines[n + 1]


def test_compare_draws_several_runs_on_one_time_axis(tmp_path, program):
    path = program(SWITCHES.format(seconds=0.05), "cpu.py")
    out = tmp_path / "both.svg"
    proc = simconc_cli("compare", path, f"{path} --no-gil", "--timeline", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"== {path}\n\n== {path} --no-gil\n\n"
    assert proc.stderr.count("-- simconc: ok") == 2 and "| no GIL" in proc.stderr
    svg = out.read_text()
    ET.fromstring(svg)
    heads = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("x") == "8" and
             t.get("font-weight") == "bold"]
    assert heads == ["2 runs on one time axis", path, f"{path} --no-gil"]
    # One axis for both: the run with the GIL takes twice as long, to 100 ms.
    ticks = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")
             if t.get("text-anchor") == "middle"]
    assert ticks[0] == "0 ms" and ticks[-1] == "100 ms"
    text = simconc_cli("compare", path, f"{path} --no-gil", "--quiet", env={"COLUMNS": "90"})
    assert "== " + path in text.stdout and "2 runs on one time axis" in text.stdout
    bad = simconc_cli("compare", f"{path} --bogus")
    assert bad.returncode == 2 and bad.stderr.startswith("simconc: error: cannot read the run")


def test_a_long_run_stays_small_where_a_pixel_holds_many_stretches(program):
    result, timeline = traced(program(SWITCHES.format(seconds=25.0)))
    assert sum(1 for e in result.trace.events if e.op == "gil-drop") >= 9_990
    svg = draw([timeline], "svg")
    assert len(svg) < 20_000 and sum(1 for _ in ET.fromstring(svg).iter()) < 300
    # Two threads taking turns read as two half bars, each half the time running; the GIL's
    # lane, half each thread's.
    blends = {}   # each lane's longest blend: its share of each part
    for said in titles(svg):
        found = re.match(r"(.*?): ([\d,]+) stretches .*too short to draw one by one (.*)", said)
        if found and int(found[2].replace(",", "")) > 9_000:
            blends[found[1]] = found[3]
    assert blends == {"Thread-1 (cpu)": "(50% running, 50% ready)",
                      "Thread-2 (cpu)": "(50% running, 50% ready)",
                      "GIL": "(50% held by Thread-1 (cpu), 50% held by Thread-2 (cpu))",
                      "core 0": "(50% held by Thread-1 (cpu), 50% held by Thread-2 (cpu))"}
    assert len(draw([timeline], "html")) < 1_500_000
    text = draw([timeline], "text", 100)
    assert {len(line) for line in text.splitlines() if "│" in line} == {100}


# -- the docs' pictures --------------------------------------------------------------------------

DOCS_PAGE = os.path.join(REPO, "docs", "timelines.md")


def picture_commands() -> list[tuple[list[str], str]]:
    """Each command of docs/timelines.md that draws a picture in docs/images/: its words and
    the picture's path."""
    found = []
    with open(DOCS_PAGE, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("simconc ") and "docs/images/" in line:
                words = shlex.split(line)
                target = next(w for w in words if w.startswith("docs/images/"))
                found.append((words, target))
    return found


def draw_picture(words: list[str], target: str, into: str) -> bytes:
    argv = [into if w == target else w for w in words[1:]]
    proc = simconc_cli(*argv, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(into, "rb") as f:
        return f.read()


def test_the_docs_pictures_are_what_the_commands_they_show_draw(tmp_path):
    commands = picture_commands()
    assert commands, "docs/timelines.md shows no command that draws a picture"
    for n, (words, target) in enumerate(commands):
        with open(os.path.join(REPO, target), "rb") as f:
            committed = f.read()
        made = draw_picture(words, target, str(tmp_path / f"{n}{os.path.splitext(target)[1]}"))
        assert made == committed, \
            f"{target} is stale: redraw it with `python tests/test_timeline.py`"


if __name__ == "__main__":   # redraw the docs' pictures after an intended change
    for words, target in picture_commands():
        draw_picture(words, target, os.path.join(REPO, target))
        print(target)
