"""The interleaving drawn (simconc/explore/drawing.py): what a reader of the picture relies on."""
from __future__ import annotations

import os
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import simconc
from simconc.front.cli import main as cli

pytest_plugins = ["pytester"]

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(os.path.dirname(HERE), "scenarios")
LOST_UPDATE = os.path.join(SCENARIOS, "lost_update.py")
PHILOSOPHERS = os.path.join(SCENARIOS, "dining_philosophers.py")
SVG = "{http://www.w3.org/2000/svg}"


def boxes(svg: str) -> list[tuple[str, str, str]]:
    """Each operation drawn: (its tooltip, its label, its outline colour)."""
    out = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        out.append((group.find(f"{SVG}title").text, group.find(f"{SVG}text").text,
                    rect.get("stroke")))
    return out


def lane_names(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")
            if t.get("font-weight") == "bold"]


def arrows(svg: str) -> int:
    return sum(1 for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("marker-end"))


def test_the_lost_update_is_drawn_a_lane_per_thread_with_its_races_pointed_out():
    [failure] = simconc.explore(LOST_UPDATE).failures
    svg = simconc.render_svg(failure)
    assert lane_names(svg) == ["MainThread", "Thread-1 (worker)", "Thread-2 (worker)"]
    drawn = boxes(svg)
    # Every row of the printed interleaving, and only those, in the same order.
    shown = [row for row in failure.steps if not row["noise"]]
    assert [label for _tip, label, _stroke in drawn] == \
        [f"{row['op']} {row['obj']}".rstrip() for row in shown]
    assert drawn[0][0].endswith("(scenarios/lost_update.py:12)") or \
        drawn[0][0].endswith("lost_update.py:12)")
    # The two races of the lost update: Thread-1 read before Thread-2 wrote, and Thread-1's
    # write came after Thread-2's. Their three accesses are outlined, and two arrows drawn.
    raced = [(tip.split(": ", 1)[1], label) for tip, label, stroke in drawn
             if stroke == "#dc2626"]
    assert [label for _who, label in raced] == [
        "read Counter.value = 0", "write Counter.value = 1", "write Counter.value = 1"]
    assert [who.split(" read")[0].split(" write")[0] for who, _label in raced] == [
        "Thread-1 (worker)", "Thread-2 (worker)", "Thread-1 (worker)"]
    assert arrows(svg) == len(failure.conflicts) == 2
    first, second = failure.conflicts[0]
    assert failure.steps[first]["op"] == "read" and failure.steps[second]["op"] == "write"
    assert failure.steps[first]["thread"] != failure.steps[second]["thread"]


def test_a_deadlock_is_drawn_with_what_each_thread_waits_for_and_the_cycle():
    [failure] = simconc.explore(PHILOSOPHERS).failures
    assert failure.kind == "deadlock"
    svg = simconc.render_svg(failure)
    waits = [(tip, label) for tip, label, _stroke in boxes(svg) if label.startswith("waits for")]
    assert [label for _tip, label in waits][1:] == [
        "waits for Lock#2", "waits for Lock#3", "waits for Lock#1"]
    assert "philosopher-0 waits for Lock#2 (held by philosopher-1)" in waits[1][0]
    # philosopher-0 -> 1 -> 2 -> 0: one arrow per edge of the cycle.
    assert arrows(svg) == 3
    assert [w["held_by"] for w in failure.waits[1:]] == [
        ["philosopher-1"], ["philosopher-2"], ["philosopher-0"]]


def test_the_drawing_is_the_same_bytes_every_time_escapes_the_text_and_tells_threads_apart(
        tmp_path):
    program = tmp_path / "prog.py"
    program.write_text(textwrap.dedent('''
        import threading
        shared = {"<a & b>": 0}
        def worker():
            temp = shared["<a & b>"]
            shared["<a & b>"] = temp + 1
        threads = [threading.Thread(target=worker, name="t<&>") for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        def check():
            assert shared["<a & b>"] == 2
    '''))
    pages = {simconc.render_html(simconc.explore(str(program)), "t") for _ in range(2)}
    assert len(pages) == 1
    [page] = pages
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    assert "&#x27;&lt;a &amp; b&gt;&#x27;" in svg
    # Well-formed, and the two threads that share a name have a lane each.
    assert lane_names(svg) == ["MainThread", "t<&>", "t<&>"]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ("meta", "br", "path", "rect", "line", "marker", "!doctype"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("path", "rect", "line", "marker"):
            return
        assert self.open and self.open[-1] == tag, (self.open, tag)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_page_holds_the_report_each_failure_its_token_and_its_drawing(tmp_path):
    page_path = tmp_path / "report.html"
    assert cli(["explore", LOST_UPDATE, "--html", str(page_path)]) == 1
    page = page_path.read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    assert parser.open == []   # every element closed where it was opened
    text = "".join(parser.text)
    report = simconc.explore(LOST_UPDATE)
    [failure] = report.failures
    assert report.summary() in text
    assert failure.message in text and failure.explanation[0] in text
    assert f"simconc replay {LOST_UPDATE} {failure.schedule}" in text
    # The interleaving, and the same schedule as a timeline (simconc/render/svg.py).
    assert page.count("<svg") == 2 and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", "")   # self-contained: nothing fetched
    assert "The same schedule as a timeline (its x axis is the step index)" in text


def test_each_drawing_on_a_page_points_at_its_own_arrowhead():
    import copy
    import re
    report = simconc.explore(LOST_UPDATE)
    report.failures.append(copy.deepcopy(report.failures[0]))
    page = simconc.render_html(report)
    ids = re.findall(r'<marker id="([^"]+)"', page)
    assert ids == ["arrow-1", "arrow-2"]
    drawings = [svg for svg in page.split("<svg")[1:] if "<marker" in svg]   # (not timelines)
    assert len(drawings) == 2
    for name, svg in zip(ids, drawings):
        assert set(re.findall(r'url\(#([^)]+)\)', svg)) == {name}


def test_a_page_that_cannot_be_written_is_bad_input_before_anything_runs(tmp_path, capsys):
    assert cli(["explore", LOST_UPDATE, "--html", str(tmp_path / "no" / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "r.html" in err
    # A scenario that does not exist: exit 2, and no empty page left behind.
    assert cli(["explore", str(tmp_path / "missing.py"), "--html",
                str(tmp_path / "r.html")]) == 2
    assert not (tmp_path / "r.html").exists()


def test_a_passing_exploration_makes_a_page_without_drawings(tmp_path):
    page_path = tmp_path / "ok.html"
    assert cli(["explore", os.path.join(SCENARIOS, "worker_thread.py"), "--html",
                str(page_path)]) == 0
    page = page_path.read_text(encoding="utf-8")
    assert "No failures." in page and "<svg" not in page


def test_the_pytest_plugin_writes_a_failing_tests_page(pytester):
    pytester.makepyfile(test_race='''
        import threading
        import pytest

        class Counter:
            def __init__(self):
                self.value = 0

        @pytest.mark.explore
        def test_counter():
            counter = Counter()
            def bump():
                temp = counter.value
                counter.value = temp + 1
            threads = [threading.Thread(target=bump) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert counter.value == 2
    ''')
    pytester.makeini("[pytest]\nsimconc_instrument = test_race\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--simconc-html", "pages")
    result.assert_outcomes(failed=1)
    page = pytester.path / "pages" / "test_race.py_test_counter.html"
    result.stdout.fnmatch_lines(["*drawn: pages*test_race.py_test_counter.html*"])
    text = page.read_text(encoding="utf-8")
    assert "pytest &#x27;test_race.py::test_counter&#x27; --simconc-replay" in text
    assert "<svg" in text


#: The drawings docs/exploring.md shows, from the explorations it runs.
DRAWINGS = {"lost_update.svg": "scenarios/lost_update.py",
            "dining_philosophers.svg": "scenarios/dining_philosophers.py"}


def drawing(scenario: str) -> str:
    """The first failure of exploring ``scenario``, drawn, as from the repository's root."""
    here = os.getcwd()
    os.chdir(os.path.dirname(HERE))
    try:
        return simconc.render_svg(simconc.explore(scenario).failures[0])
    finally:
        os.chdir(here)


def test_the_drawings_in_the_docs_are_what_simconc_draws():
    for name, scenario in DRAWINGS.items():
        with open(os.path.join(os.path.dirname(HERE), "docs", "examples", name),
                  encoding="utf-8") as f:
            assert f.read() == drawing(scenario), \
                f"docs/examples/{name} is stale: redraw it with `python tests/test_drawing.py`"


if __name__ == "__main__":   # redraw the docs' drawings after an intended change
    for name, scenario in DRAWINGS.items():
        with open(os.path.join(os.path.dirname(HERE), "docs", "examples", name), "w",
                  encoding="utf-8") as f:
            f.write(drawing(scenario))
        print(f"docs/examples/{name}")


# -- any failure draws: hypothesis makes up interleavings, races and waits --------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_names = st.text(alphabet="ab<&>\"' T-1", min_size=1, max_size=6)


@st.composite
def failures(draw):
    threads = draw(st.lists(st.tuples(_names, st.integers(0, 5)), min_size=1, max_size=5,
                            unique_by=lambda t: t[1]))
    rows = [{"step": n, "thread": name, "ident": ident,
             "op": draw(st.sampled_from(["read", "write", "acquire", "exit", "zap"])),
             "obj": draw(st.text(max_size=50)), "where": draw(st.sampled_from(["", "p.py:3"])),
             "noise": draw(st.booleans())}
            for n, (name, ident) in enumerate(draw(st.lists(st.sampled_from(threads),
                                                            max_size=12)))]
    pairs = st.tuples(st.integers(0, max(len(rows) - 1, 0)), st.integers(0, max(len(rows) - 1, 0)))
    conflicts = draw(st.lists(pairs, max_size=4)) if rows else []
    names = [name for name, _ident in threads]
    waits = draw(st.lists(st.fixed_dictionaries({
        "thread": st.sampled_from(names), "waits_for": st.text(max_size=20),
        "held_by": st.lists(st.sampled_from(names + ["nobody"]), max_size=2),
        "where": st.sampled_from([None, "p.py:9"])}), max_size=3))
    return simconc.Failure("check", draw(st.text(max_size=30)), names, "2abc", rows, [],
                           conflicts=conflicts, waits=waits)


@settings(max_examples=150, deadline=None)
@given(failures())
def test_any_failure_draws_as_well_formed_svg_with_a_box_per_row_and_an_arrow_per_race(failure):
    svg = simconc.render_svg(failure)
    ET.fromstring(svg)   # well-formed, whatever the text held
    shown = [n for n, row in enumerate(failure.steps) if not row["noise"]]
    drawn = boxes(svg)
    assert len(drawn) == len(shown) + len(failure.waits)
    # A lane per thread (by ident; a waiting thread by its name when no row names it).
    idents = {row["ident"] for row in failure.steps if not row["noise"]}
    extra = {w["thread"] for w in failure.waits} - {
        row["thread"] for row in failure.steps if not row["noise"]}
    assert len(lane_names(svg)) == len(idents) + len(extra)
    races = sum(1 for a, b in failure.conflicts if a in shown and b in shown)
    lanes_of = {row["thread"] for row in failure.steps if not row["noise"]} | \
        {w["thread"] for w in failure.waits}
    waits = sum(1 for w in failure.waits for h in w["held_by"]
                if h in lanes_of and h != w["thread"])
    assert arrows(svg) == races + waits
    assert simconc.render_svg(failure) == svg   # the same bytes again
