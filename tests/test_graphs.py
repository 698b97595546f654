"""The two graphs: a deadlock's wait-for graph drawn, and the lock-order graph (lockdep).

The drawings must be well-formed SVG whose cycle is the analysis' cycle, whose labels say where
(file:line), and which are the same bytes every time; the lock-order graph must find the cycles
a program's lock orders make, even when its run did not deadlock, and none where there is no
danger (an RLock taken again, one global order, a lock let go before the other is taken).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import simconc
from simconc.analysis.deadlock import DeadlockReport
from simconc.analysis.lockorder import LockOrder

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
WHERE = re.compile(r"[\w.]+\.py:\d+")


def scenario(name: str) -> str:
    return str(ROOT / "scenarios" / name)


def program(tmp_path: Path, source: str, name: str = "program.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return str(path)


def groups(svg: str, kind: str) -> list[ET.Element]:
    """The SVG's node or edge groups (``kind``: "node" or "edge")."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [g for g in root.iter(f"{SVG}g") if kind in g.get("class", "").split()]


def hot(element: ET.Element) -> bool:
    return "hot" in element.get("class", "").split()


def labels(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "label"]


# -- the wait-for graph ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def deadlocked() -> simconc.RunResult:
    result = simconc.run(scenario("lock_order_deadlock.py"))
    assert result.status == "deadlock" and result.deadlock.cycle == ["A-then-B", "B-then-A"]
    return result


def test_the_wait_for_graph_is_svg_with_the_threads_and_locks_as_nodes(deadlocked):
    svg = simconc.wait_for_svg(deadlocked.deadlock)
    nodes = {g.get("data-node"): g for g in groups(svg, "node")}
    assert set(nodes) == {"t:MainThread", "t:A-then-B", "t:B-then-A", "r:Lock#1", "r:Lock#2"}
    assert "thread" in nodes["t:A-then-B"].get("class") and "lock" in nodes["r:Lock#1"].get("class")
    # A lock is named after the program's variable, above its label.
    texts = [t.text for t in nodes["r:Lock#1"].iter(f"{SVG}text")]
    assert texts == ["lock_a", "Lock#1"]


def test_the_cycle_is_highlighted_and_only_the_cycle(deadlocked):
    svg = simconc.wait_for_svg(deadlocked.deadlock)
    hot_nodes = {g.get("data-node") for g in groups(svg, "node") if hot(g)}
    assert hot_nodes == {"t:A-then-B", "t:B-then-A", "r:Lock#1", "r:Lock#2"}
    edges = {(g.get("data-from"), g.get("data-to")): g for g in groups(svg, "edge")}
    hot_edges = {pair for pair, g in edges.items() if hot(g)}
    # A-then-B waits for lock_b, which B-then-A holds; B-then-A waits for lock_a, which
    # A-then-B holds: around and back.
    assert hot_edges == {("t:A-then-B", "r:Lock#2"), ("r:Lock#2", "t:B-then-A"),
                         ("t:B-then-A", "r:Lock#1"), ("r:Lock#1", "t:A-then-B")}
    assert not hot(edges[("t:MainThread", "t:A-then-B")])   # the join, outside the cycle
    for pair, g in edges.items():
        path = g.find(f"{SVG}path")
        assert (path.get("stroke") == "#dc2626") == (pair in hot_edges)
        assert ("waits" in g.get("class")) == pair[0].startswith("t:")


def test_each_edge_of_the_wait_for_graph_says_where(deadlocked):
    svg = simconc.wait_for_svg(deadlocked.deadlock)
    texts = labels(svg)
    assert len(texts) == len(groups(svg, "edge")) == 5
    assert all(WHERE.search(text) for text in texts), texts
    assert "waits at lock_order_deadlock.py:27" in texts       # A-then-B's `with lock_b`
    assert "taken at lock_order_deadlock.py:23" in texts       # A-then-B's `with lock_a`
    assert "joins at lock_order_deadlock.py:46" in texts


def test_a_wait_without_a_cycle_is_drawn_with_nothing_hot():
    result = simconc.run(str(ROOT / "docs" / "examples" / "forgotten_event.py"))
    assert result.status == "deadlock" and result.deadlock.cycle is None
    svg = simconc.wait_for_svg(result.deadlock)
    nodes = {g.get("data-node"): g for g in groups(svg, "node")}
    assert set(nodes) == {"t:MainThread", "r:Event#1"}
    assert "object" in nodes["r:Event#1"].get("class")
    assert not any(hot(g) for g in groups(svg, "node") + groups(svg, "edge"))
    assert labels(svg) == ["waits to be set at forgotten_event.py:12"]


def test_a_report_read_back_from_json_draws_the_same(deadlocked):
    again = DeadlockReport.from_dict(json.loads(json.dumps(deadlocked.deadlock.to_dict())))
    assert simconc.wait_for_svg(again) == simconc.wait_for_svg(deadlocked.deadlock)


def test_names_that_need_escaping_make_well_formed_svg(tmp_path):
    path = program(tmp_path, """
        import threading
        a, b = threading.Lock(), threading.Lock()
        def one():
            with a:
                barrier.wait()
                with b:
                    pass
        def two():
            with b:
                barrier.wait()
                with a:
                    pass
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=one, name='<one & "1">'),
                   threading.Thread(target=two, name="two\\x1b[0m")]
        for t in threads:
            t.start()
        """)
    result = simconc.run(path)
    assert result.deadlock is not None and result.deadlock.cycle
    nodes = {g.get("data-node") for g in groups(simconc.wait_for_svg(result.deadlock), "node")}
    assert 't:<one & "1">' in nodes and "t:two\\x1b[0m" in nodes


# -- the same bytes ----------------------------------------------------------------------------

def _drawn(tmp_path: Path, hashseed: str, *options: str) -> tuple[bytes, ...]:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "")
                                                       .split(os.pathsep) if p])
    out = []
    for n, (file, option) in enumerate([("lock_order_deadlock.py", "--deadlock-graph"),
                                        ("lock_order_latent.py", "--lock-order")]):
        target = tmp_path / f"{hashseed}-{n}.svg"
        subprocess.run([sys.executable, "-m", "simconc", "run", f"scenarios/{file}", option,
                        str(target), "--quiet", *options], cwd=ROOT, env=env,
                       capture_output=True, timeout=120)
        out.append(target.read_bytes())
    return tuple(out)


def test_the_drawings_are_the_same_bytes_every_time_and_under_any_hash_seed(tmp_path):
    first = _drawn(tmp_path, "0")
    assert first == _drawn(tmp_path, "1") == _drawn(tmp_path, "12345")
    result = simconc.run(scenario("lock_order_deadlock.py"))
    assert first[0].decode() == simconc.wait_for_svg(result.deadlock)


# -- the lock-order graph ----------------------------------------------------------------------

def edges(order: LockOrder) -> set[tuple[str, str]]:
    return set(order.edges)


def test_lockdep_finds_opposite_orders_taken_at_different_times_without_a_deadlock():
    for seed in range(4):
        result = simconc.run(scenario("lock_order_latent.py"), seed=seed)
        assert result.status == "ok" and result.deadlock is None
        order = result.lock_order()
        assert edges(order) == {("Lock#1", "Lock#2"), ("Lock#2", "Lock#1")}
        [cycle] = order.cycles()
        assert cycle.locks == ["Lock#1", "Lock#2"] and cycle.potential_deadlock
        first, back = cycle.edges
        assert (first.thread, first.held_at, first.taken_at) == \
            ("transfer", "lock_order_latent.py:21", "lock_order_latent.py:24")
        assert (back.thread, back.held_at, back.taken_at) == \
            ("report", "lock_order_latent.py:29", "lock_order_latent.py:30")
        text = order.format()
        assert "1 potential deadlock, though this run did not deadlock" in text
        assert "accounts (Lock#1) -> audit (Lock#2) -> accounts (Lock#1)" in text


def test_the_lock_order_drawing_highlights_the_cycle_with_its_threads_and_lines():
    svg = simconc.lock_order_svg(simconc.run(scenario("lock_order_latent.py")).lock_order())
    assert {g.get("data-node") for g in groups(svg, "node") if hot(g)} == {"Lock#1", "Lock#2"}
    assert {(g.get("data-from"), g.get("data-to")) for g in groups(svg, "edge") if hot(g)} == \
        {("Lock#1", "Lock#2"), ("Lock#2", "Lock#1")}
    assert sorted(labels(svg)) == ["report at lock_order_latent.py:30",
                                   "transfer at lock_order_latent.py:24"]


def test_a_deadlocked_run_counts_the_acquires_it_was_blocked_in(deadlocked):
    order = deadlocked.lock_order()
    assert edges(order) == {("Lock#1", "Lock#2"), ("Lock#2", "Lock#1")}
    assert all(edge.stuck for edge in order.edges.values())
    assert "(this run deadlocked)" in order.format()


def test_rlock_reentry_is_no_edge(tmp_path):
    order = simconc.run(program(tmp_path, """
        import threading
        r = threading.RLock()
        a = threading.Lock()
        with r:
            with a:
                with r:        # taken again while holding a: it cannot block
                    pass
        """)).lock_order()
    assert edges(order) == {("RLock#1", "Lock#1")} and order.cycles() == []


def test_one_global_order_is_no_cycle(tmp_path):
    order = simconc.run(program(tmp_path, """
        import threading, time
        a, b, c = threading.Lock(), threading.Lock(), threading.Lock()
        def work(pause):
            with a:
                time.sleep(pause)
                with b:
                    with c:
                        pass
        threads = [threading.Thread(target=work, args=(p,)) for p in (0.01, 0.0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """)).lock_order()
    assert edges(order) == {("Lock#1", "Lock#2"), ("Lock#1", "Lock#3"), ("Lock#2", "Lock#3")}
    assert order.cycles() == []
    assert "No cycle: the locks were always taken in one order" in order.format()


def test_a_lock_released_before_the_other_is_taken_is_no_edge(tmp_path):
    order = simconc.run(program(tmp_path, """
        import threading
        a, b = threading.Lock(), threading.Lock()
        def one():
            with a:
                pass
            with b:
                pass
        def two():
            with b:
                pass
            with a:
                pass
        for f in (one, two):
            t = threading.Thread(target=f)
            t.start()
            t.join()
        """)).lock_order()
    assert edges(order) == set() and len(order.locks) == 2
    assert "no lock was taken while holding another" in order.format()


def test_ordered_dining_philosophers_have_no_cycle_in_any_execution():
    report = simconc.explore(str(ROOT / "docs" / "examples" / "ordered_philosophers.py"),
                             lock_order=True)
    assert report.exhausted and not report.failures
    assert report.lock_order.executions == report.executions > 1
    assert edges(report.lock_order) == {("Lock#1", "Lock#2"), ("Lock#2", "Lock#3"),
                                        ("Lock#1", "Lock#3")}
    assert report.lock_order.cycles() == []


def test_unordered_dining_philosophers_have_the_cycle():
    report = simconc.explore(scenario("dining_philosophers.py"), lock_order=True)
    [cycle] = report.lock_order.cycles()
    assert cycle.locks == ["Lock#1", "Lock#2", "Lock#3"] and cycle.potential_deadlock
    assert sorted(edge.thread for edge in cycle.edges) == \
        ["philosopher-0", "philosopher-1", "philosopher-2"]
    assert 0 < report.lock_order.deadlocked < report.executions


def test_an_acquire_that_cannot_wait_for_ever_is_no_edge_into_its_lock(tmp_path):
    result = simconc.run(program(tmp_path, """
        import threading
        a, b = threading.Lock(), threading.Lock()
        with a:
            with b:
                pass
        with b:
            if a.acquire(blocking=False):    # backs off instead of waiting: no deadlock
                a.release()
            if a.acquire(timeout=0.5):
                a.release()
        """))
    assert [e.detail for e in result.trace if e.op == "acquire"][-2:] == \
        ["non-blocking", "timeout 0.5s"]
    order = result.lock_order()
    assert edges(order) == {("Lock#1", "Lock#2")} and order.cycles() == []


def test_a_semaphore_used_as_a_lock_counts_and_one_used_as_a_signal_does_not(tmp_path):
    as_lock = simconc.run(program(tmp_path, """
        import threading
        s, a = threading.Semaphore(1), threading.Lock()
        with s:
            with a:
                pass
        with a:
            with s:
                pass
        """, "as_lock.py")).lock_order()
    assert edges(as_lock) == {("Semaphore#1", "Lock#1"), ("Lock#1", "Semaphore#1")}
    assert [c.locks for c in as_lock.cycles()] == [["Semaphore#1", "Lock#1"]]
    as_signal = simconc.run(program(tmp_path, """
        import threading
        ready, a = threading.Semaphore(0), threading.Lock()
        def consumer():
            ready.acquire()        # never released by this thread: a signal, not a lock
            with a:
                pass
        t = threading.Thread(target=consumer)
        t.start()
        with a:
            ready.release()
        t.join()
        """, "as_signal.py")).lock_order()
    assert edges(as_signal) == set()


def test_a_conditions_lock_is_a_lock_and_its_wait_takes_it_again(tmp_path):
    order = simconc.run(program(tmp_path, """
        import threading
        cond, a = threading.Condition(), threading.Lock()
        done = False
        def waiter():
            with a:
                with cond:
                    while not done:
                        cond.wait()      # lets cond's lock go, takes it again holding a
        t = threading.Thread(target=waiter)
        t.start()
        with cond:
            with a:                      # the other order: a potential deadlock
                done = True
            cond.notify()
        t.join()
        """)).lock_order()
    assert edges(order) == {("Lock#1", "Condition#1"), ("Condition#1", "Lock#1")}
    assert [c.locks for c in order.cycles()] == [["Lock#1", "Condition#1"]]


def test_a_cycle_under_a_gate_lock_is_guarded_not_a_potential_deadlock(tmp_path):
    order = simconc.run(program(tmp_path, """
        import threading
        gate, a, b = threading.Lock(), threading.Lock(), threading.Lock()
        def one():
            with gate:
                with a:
                    with b:
                        pass
        def two():
            with gate:
                with b:
                    with a:
                        pass
        threads = [threading.Thread(target=f) for f in (one, two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """)).lock_order()
    [cycle] = order.cycles()
    assert cycle.locks == ["Lock#2", "Lock#3"] and cycle.guarded_by == ["Lock#1"]
    assert not cycle.potential_deadlock and order.to_dict()["potential_deadlocks"] == 0
    assert "guarded, every edge was taken holding gate (Lock#1)" in order.format()


# -- exploration: the union of the executions' graphs ------------------------------------------

def test_explore_unites_the_executions_graphs_and_finds_an_order_no_run_takes_both_ways():
    path = str(ROOT / "docs" / "examples" / "order_by_race.py")
    for seed in range(6):
        assert simconc.run(path, seed=seed).lock_order().cycles() == []
        assert simconc.run(path, seed=seed, semantics="untimed").lock_order().cycles() == []
    report = simconc.explore(path, lock_order=True)
    assert report.lock_order.executions == report.executions == 2
    assert [c.locks for c in report.lock_order.cycles()] == [["Lock#1", "Lock#2"]]
    text = report.format()
    assert "Lock order of the 2 executions explored, their graphs united" in text
    assert "1 potential deadlock, though none of them deadlocked" in text


def test_explores_report_and_json_list_the_cycle():
    out = subprocess.run([sys.executable, "-m", "simconc", "explore",
                          "scenarios/lock_order_latent.py", "--lock-order", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    order = json.loads(out.stdout)["lock_order"]
    assert order["executions"] == json.loads(out.stdout)["executions"]
    assert order["potential_deadlocks"] == 1
    assert order["cycles"] == [{"locks": ["Lock#1", "Lock#2"],
                                "edges": [["Lock#1", "Lock#2"], ["Lock#2", "Lock#1"]],
                                "potential_deadlock": True, "guarded_by": []}]
    without = simconc.explore(scenario("lock_order_latent.py"))
    assert without.lock_order is None and "lock_order" not in without.to_dict()


def test_the_union_is_the_same_from_one_process_or_several():
    options = dict(strategy="random", max_executions=24, seed=5, lock_order=True)
    one = simconc.explore(scenario("dining_philosophers.py"), **options)
    two = simconc.explore(scenario("dining_philosophers.py"), jobs=2, **options)
    assert one.to_dict()["lock_order"] == two.to_dict()["lock_order"]
    assert one.lock_order.format() == two.lock_order.format()


def test_explore_html_draws_a_deadlocks_wait_for_graph_and_the_lock_order(tmp_path):
    page = tmp_path / "report.html"
    out = subprocess.run([sys.executable, "-m", "simconc", "explore",
                          "scenarios/dining_philosophers.py", "--html", str(page),
                          "--lock-order"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 1, out.stderr
    html = page.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    wait_for = [s for s in svgs if 'class="node thread hot"' in s]
    assert len(wait_for) == 1
    assert {g.get("data-node") for g in groups(wait_for[0], "node") if hot(g)} == {
        "t:philosopher-0", "t:philosopher-1", "t:philosopher-2",
        "r:Lock#1", "r:Lock#2", "r:Lock#3"}
    assert all(WHERE.search(text) for text in labels(wait_for[0]))
    assert any("Lock order: 1 potential deadlock" in s for s in svgs)
    # The arrowheads' ids differ from one drawing to the next on the page.
    ids = re.findall(r'<marker id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


# -- the command line --------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simconc", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_run_deadlock_graph_writes_the_drawing_only_when_the_run_deadlocks(tmp_path):
    target = tmp_path / "graph.svg"
    out = cli("run", "scenarios/lock.py", "--quiet", "--deadlock-graph", str(target))
    assert out.returncode == 0 and not target.exists()
    assert f"no deadlock in this run: no wait-for graph to draw ({target} not written)" \
        in out.stderr
    out = cli("run", "scenarios/lock_order_deadlock.py", "--quiet", "--deadlock-graph",
              str(target))
    assert out.returncode == 1
    assert f"simconc: the wait-for graph, drawn: {target}" in out.stderr
    ET.fromstring(target.read_text(encoding="utf-8"))


def test_run_lock_order_prints_the_report_and_keeps_the_exit_status():
    out = cli("run", "scenarios/lock_order_latent.py", "--lock-order", "--quiet")
    assert out.returncode == 0
    assert "1 potential deadlock, though this run did not deadlock" in out.stderr
    out = cli("run", "scenarios/lock_order_latent.py", "--lock-order", "--json")
    assert json.loads(out.stdout)["lock_order"]["potential_deadlocks"] == 1


@pytest.mark.parametrize("option, path, message", [
    ("--lock-order", "scenarios/lock.py", "--lock-order draws an SVG picture: give a PATH "
                                          "ending in .svg, not 'scenarios/lock.py'"),
    ("--deadlock-graph", "nowhere/graph.svg", "cannot write nowhere/graph.svg: no directory "
                                              "nowhere"),
])
def test_a_drawing_that_cannot_be_written_is_bad_input(option, path, message):
    out = cli("run", "scenarios/lock_order_deadlock.py", option, path)
    assert out.returncode == 2
    assert out.stderr.startswith(f"simconc: error: {message}") and out.stdout == ""
    assert "Traceback" not in out.stderr
