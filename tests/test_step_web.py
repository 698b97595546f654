"""`simconc step FILE --web`: the stepping session in a browser (simconc/front/stepweb.py).

The API is tested directly and over HTTP against the real command; the page in a real headless
browser, Debian's chromium driven by Playwright (nothing here downloads a browser). Where
chromium is missing these tests skip, except in CI (CI=true) or with SIMCONC_REQUIRE_BROWSER=1
(.ci/run installs chromium and sets it): there a missing browser fails them.

    python tests/test_step_web.py --update    # redraws docs/images/step-web.png
"""
from __future__ import annotations

import contextlib
import http.client as http_client
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Iterator, Optional

import pytest

from simconc.explore.stepping import Session
from simconc.front.stepweb import StepWeb

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOST_UPDATE = os.path.join(REPO, "scenarios", "puzzles", "lost_update.py")
CHECK_FAILED = "check failed: an update was lost: counter is 1, not 2"
#: The lost update, picked by hand: A reads, main starts B, B reads, both write.
LOSE_AN_UPDATE = ("A", "MainThread", "B", "A", "B")


def simconc(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simconc", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=timeout)


# -- the API, in-process --------------------------------------------------------------------------

def make_app() -> StepWeb:
    return StepWeb(lambda: Session(LOST_UPDATE, goal="check", timeline=True),
                   "scenarios/puzzles/lost_update.py", fewest=10)


def call(app: StepWeb, method: str, path: str, body: Optional[dict] = None) -> tuple[int, dict]:
    status, kind, data = app.respond(method, path, json.dumps(body or {}).encode())
    assert kind == "application/json"
    return status, json.loads(data)


def pick(app: StepWeb, name: str) -> dict:
    numbers = {t["name"]: t["number"] for t in app.state()["threads"]}
    status, state = call(app, "POST", "/api/pick", {"thread": numbers[name]})
    assert status == 200, state
    return state


def test_the_api_picks_threads_to_the_goal_as_the_session_does():
    app = make_app()
    status, state = call(app, "GET", "/api/state")
    assert status == 200
    assert (state["steps"], state["runnable"], state["undoable"]) == (0, [1, 2], 0)
    assert state["goal"] == {"name": "check",
                             "describe": "the program's check fails when it ends"}
    a = state["threads"][1]
    assert (a["name"], a["state"], a["next"], a["file"], a["line"]) == \
        ("A", "runnable", "read counter", "lost_update.py", 19)
    assert [19, "    counter += 1"] in a["context"]
    for clicks, name in enumerate(LOSE_AN_UPDATE, 1):
        state = pick(app, name)
        assert state["steps"] == clicks and state["undoable"] == clicks   # a choice each
    assert [(r["step"], r["thread"], r["op"], r["obj"]) for r in state["history"]] == [
        (1, "A", "read", "counter = 0"), (2, "MainThread", "start", "B"),
        (3, "B", "read", "counter = 0"), (4, "A", "write", "counter = 1"),
        (5, "B", "write", "counter = 1")]
    assert state["reached"] is None and state["output"] == ""
    state = pick(app, "B")            # B ends
    state = pick(app, "MainThread")   # then only one can go on at a time, to the end
    assert state["over"] and state["steps"] == 10 and state["runnable"] == []
    assert state["reached"] == {"steps": 10, "how": CHECK_FAILED, "verdict": "you matched it"}
    assert state["ending"] == CHECK_FAILED and state["output"] == "counter = 1\n"
    # What the page shows is the session's, to the letter.
    session = Session(LOST_UPDATE, goal="check", timeline=True)
    for name in LOSE_AN_UPDATE + ("B", "MainThread"):
        session.pick(name)
    assert state["token"] == session.token
    assert state["replay"] == f"simconc replay scenarios/puzzles/lost_update.py {session.token}"
    assert [r["step"] for r in state["history"]] == [r["step"] for r in session.history()]
    assert state["timeline"].startswith("<svg") and ">MainThread</text>" in state["timeline"]


def test_undo_auto_and_reset():
    app = make_app()
    pick(app, "A")
    before = app.state()
    pick(app, "MainThread")
    status, state = call(app, "POST", "/api/undo")
    assert status == 200 and state == before
    status, state = call(app, "POST", "/api/auto", {"until": "goal"})
    # (the seeded scheduler, from where the learner stood: as the session's auto)
    session = Session(LOST_UPDATE, goal="check", timeline=True)
    session.pick("A")
    session.auto(until="goal", limit=session.max_steps)
    assert status == 200 and (state["steps"], state["token"]) == (session.steps, session.token)
    status, state = call(app, "POST", "/api/reset")
    assert status == 200 and state["steps"] == 0 and state["undoable"] == 0
    assert state == make_app().state()
    status, state = call(app, "POST", "/api/auto")
    assert status == 200 and state["because"] and state["steps"] > 0


def test_bad_requests_get_a_clear_message_and_change_nothing():
    app = make_app()
    start = app.state()
    cases = [
        ("POST", "/api/pick", {"thread": "Z"}, 400,
         "there is no thread 'Z': the threads are numbered 1, 2"),
        ("POST", "/api/pick", {"thread": 7}, 400,
         "there is no thread 7: the threads are numbered 1, 2"),
        ("POST", "/api/pick", {}, 400, 'pick takes {"thread": its number or its name}'),
        ("POST", "/api/pick", {"thread": True}, 400,
         'pick takes {"thread": its number or its name}'),
        ("POST", "/api/auto", {"until": "lunch"}, 400,
         "auto runs until an \"event\" or the \"goal\", not 'lunch'"),
        ("POST", "/api/undo", None, 400, "nothing to undo"),
        ("GET", "/api/pick", None, 405, "GET is not allowed here: POST is"),
        ("POST", "/api/state", None, 405, "POST is not allowed here: GET is"),
        ("GET", "/api/steer", None, 404, "no such page: /api/steer (the page is /, its API "
                                         "/api/state, pick, auto, undo and reset)"),
    ]
    for method, path, body, status, message in cases:
        assert call(app, method, path, body) == (status, {"error": message}), path
    assert app.respond("POST", "/api/pick", b"{not json")[2] == \
        b'{"error": "the request\'s body is not JSON"}'
    assert app.respond("POST", "/api/pick", b"[1]")[0] == 400
    assert app.state() == start
    # A blocked thread is refused with the reason, as in the terminal.
    for name in LOSE_AN_UPDATE + ("B", "MainThread"):
        pick(app, name)
    assert call(app, "POST", "/api/pick", {"thread": 1}) == \
        (400, {"error": "the run is over: no thread can take a step (undo goes back)"})


def test_the_page_is_self_contained():
    status, kind, page = make_app().respond("GET", "/")
    text = page.decode()
    assert status == 200 and kind.startswith("text/html")
    # Nothing fetched from elsewhere: no URL, no external script, style or font.
    assert "http" not in text and " src=" not in text and "<link" not in text
    assert "fetch(path" in text and '"/api/state"' in text


# -- the command -----------------------------------------------------------------------------------

def _ctrl_c_interrupts() -> None:
    # (a shell starts a background job with Ctrl-C ignored, and its children inherit that:
    # the server here is told to stop by Ctrl-C whatever ran these tests)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def served(*args: str, env: Optional[dict] = None) -> Iterator[tuple[subprocess.Popen, str]]:
    """`simconc step ARGS --web --no-open` running, and its page's address; stopped (Ctrl-C,
    then killed if need be) whatever happens."""
    proc = subprocess.Popen([sys.executable, "-m", "simconc", "step", *args, "--web",
                             "--no-open"], cwd=REPO, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
                            preexec_fn=_ctrl_c_interrupts)
    # (a server that never says where it is would hang the read: it is killed instead)
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline()
        assert "the page is at http://127.0.0.1:" in line, line + proc.stderr.read()
        assert proc.stdout.readline() == "Ctrl-C ends the session.\n"
        yield proc, line.rsplit(" ", 1)[1].strip()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def http(url: str, method: str = "GET", body: Optional[dict] = None,
         headers: Optional[dict] = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_command_serves_the_api_and_ctrl_c_ends_it_with_the_token():
    with served("puzzles/lost_update") as (proc, url):
        status, state = http(url + "api/state")
        assert status == 200 and state["steps"] == 0
        assert http(url + "api/pick", "POST", {"thread": "Z"}) == \
            (400, {"error": "there is no thread 'Z': the threads are numbered 1, 2"})
        for name in LOSE_AN_UPDATE:
            status, state = http(url + "api/pick", "POST", {"thread": name})
        assert status == 200 and state["steps"] == 5
        # Only this address drives the session, and only with JSON.
        assert http(url + "api/state", headers={"Host": "evil.example:80"}) == \
            (403, {"error": "this page is served to 127.0.0.1 only"})
        assert http(url + "api/undo", "POST", {}, {"Content-Type": "text/plain"})[0] == 415
        huge = http_client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/")),
                                          timeout=60)
        huge.putrequest("POST", "/api/undo")
        huge.putheader("Content-Type", "application/json")
        huge.putheader("Content-Length", str(10 ** 12))
        huge.endheaders()
        assert huge.getresponse().status == 413
        huge.close()
        assert http(url + "api/state")[1]["steps"] == 5   # (and the server goes on)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and err == ""
    assert out == (f"\nsimconc step: 5 steps taken\n"
                   f"    token: {state['token']}\n    replay: {state['replay']}\n")


def test_the_same_clicks_show_the_same_page_whatever_the_hash_seed():
    shown = []
    for seed in ("1", "2"):
        with served("puzzles/lost_update", env={"PYTHONHASHSEED": seed}) as (_proc, url):
            for name in LOSE_AN_UPDATE + ("B",):
                http(url + "api/pick", "POST", {"thread": name})
            http(url + "api/auto", "POST", {"until": "event"})
            shown.append(http(url + "api/state")[1])
    assert shown[0] == shown[1] and shown[0]["reached"]["steps"] == 10


SPINS = """
import threading


def spin():
    while True:
        pass


def other():
    print("other")


threading.Thread(target=other, name="O").start()
threading.Thread(target=spin, name="S").start()
"""


def test_a_spinning_thread_is_stopped_as_in_the_terminal(tmp_path):
    # (the runs are the main thread's, where the spin watchdog's alarm goes off)
    program = tmp_path / "spins.py"
    program.write_text(SPINS)
    with served(str(program), "--spin-timeout", "1") as (_proc, url):
        status, state = http(url + "api/auto", "POST", {"until": "goal"})
        assert status == 200 and state["over"] and state["outcome"] == "error"
        assert state["ending"].startswith("thread 'S' ran for 1 s of real time without "
                                          "blocking at spins.py:6 (in spin)")
        status, state = http(url + "api/undo", "POST", {})
        assert status == 200 and state["steps"] == 0 and not state["over"]


def test_bad_input_gets_the_terminals_errors():
    for args in (["nosuch.py"], ["puzzles/lost_update", "--goal", "lunch"]):
        web, terminal = simconc("step", *args, "--web", "--no-open"), simconc("step", *args)
        assert web.returncode == terminal.returncode == 2
        assert web.stderr == terminal.stderr and web.stderr.startswith("simconc: error: ")
        assert web.stdout == ""
    wrong = simconc("step", "puzzles/lost_update", "--port", "8000")
    assert (wrong.returncode, wrong.stderr) == \
        (2, "simconc: error: --port and --no-open are options of --web\n")
    with served("puzzles/lost_update") as (_proc, url):
        taken = url.rsplit(":", 1)[1].strip("/")
        busy = simconc("step", "puzzles/lost_update", "--web", "--no-open", "--port", taken)
    assert busy.returncode == 2
    assert busy.stderr == f"simconc: error: cannot serve on 127.0.0.1 port {taken}: " \
                          f"Address already in use\n"


# -- in a real browser -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("CI", "").lower() in ("true", "1") or \
    bool(os.environ.get("SIMCONC_REQUIRE_BROWSER"))
#: No sandbox (root in a container), and nothing that reaches for the network by itself.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    missing = "chromium is not installed" if CHROMIUM is None else ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if REQUIRED:
            pytest.fail(f"{missing}, and CI or SIMCONC_REQUIRE_BROWSER requires the browser "
                        f"tests (.ci/run installs chromium)")
        pytest.skip(f"{missing} (in CI, or with SIMCONC_REQUIRE_BROWSER=1, this fails)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def page_of(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.goto(url)
    return page, errors


def png_size(path) -> tuple[int, int]:
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_step_page_clicked_through_a_lost_update(browser, tmp_path):
    from playwright.sync_api import expect
    with served("puzzles/lost_update") as (_proc, url):
        page, errors = page_of(browser, url)
        steps, status = page.locator("#steps"), page.locator("#status")
        expect(steps).to_have_text("0")
        expect(page.locator("#goal")).to_have_text(
            "goal: the program's check fails when it ends (fewest steps known: 10)")
        card = page.locator('.thread[data-name="A"]')
        expect(card.locator(".next")).to_have_text("next: read counter")
        expect(card.locator(".code .current")).to_have_text("19    counter += 1")
        shot = tmp_path / "step.png"
        page.screenshot(path=str(shot), full_page=True)
        width, height = png_size(shot)
        # (a blank page of this size is a few kilobytes: this one has text and colours)
        assert width == 1280 and height >= 900 and shot.stat().st_size > 30_000
        for clicks, name in enumerate(LOSE_AN_UPDATE, 1):
            page.click(f'button[data-thread="{name}"]')
            expect(steps).to_have_text(str(clicks))   # each click a step: each was a choice
            expect(page.locator("#history tr")).to_have_count(clicks)
        expect(page.locator("#history tr.new")).to_have_text(
            ["5Bwrite counter = 1lost_update.py:19"])
        expect(page.locator('.thread[data-name="A"] .next')).to_have_text("next: end")
        # Now no choice changes the outcome: B ends, then the main thread's joins.
        page.click('button[data-thread="B"]')
        expect(steps).to_have_text("6")
        expect(status).to_have_attribute("data-reached", "no")
        page.click('button[data-thread="MainThread"]')
        expect(status).to_have_attribute("data-reached", "yes")
        expect(status).to_have_text(f"goal met after 10 steps: {CHECK_FAILED} \u2014 fewest "
                                    f"steps known: 10 (you matched it)")
        expect(steps).to_have_text("10")
        expect(page.locator("#output")).to_have_text("counter = 1")
        expect(page.locator("button[data-thread]:enabled")).to_have_count(0)
        expect(page.locator("#auto")).to_be_disabled()
        # The timeline grew with the run: a lane each, hover text on the bars.
        lanes = page.locator("#timeline svg text").all_text_contents()
        assert {"MainThread", "A", "B"} <= set(lanes)
        assert page.locator("#timeline svg rect title").count() > 5
        token = page.locator("#token").inner_text()
        replay = page.locator("#replay").inner_text()
        assert replay == f"simconc replay scenarios/puzzles/lost_update.py {token}"
        # Undo goes back one click; the goal is no longer met; the same click meets it again.
        page.click("#undo")
        expect(steps).to_have_text("6")
        expect(status).to_have_attribute("data-reached", "no")
        page.keyboard.press("1")   # (the main thread's number)
        expect(status).to_have_attribute("data-reached", "yes")
        assert page.locator("#token").inner_text() == token
        assert errors == []
    replayed = simconc("replay", "scenarios/puzzles/lost_update.py", token, "--quiet")
    assert replayed.returncode == 1
    assert replayed.stdout == "counter = 1\n" and CHECK_FAILED in replayed.stderr


#: Where the canvas draws what: the axis (26 px), a group's name (17), a lane every 19 px, a bar
#: 14 px high; the lanes' names to the left of x = 200 (simconc/render/html.py's script).
AXIS, GROUP, ROW, BAR, NAMES = 26, 17, 19, 14, 200


def test_an_html_timeline_in_the_browser_draws_lanes_and_tells_what_is_hovered(browser,
                                                                               tmp_path):
    timeline = tmp_path / "t.html"
    made = simconc("run", "scenarios/lost_update.py", "--timeline", str(timeline), "--quiet")
    assert made.returncode == 0, made.stderr
    page, errors = page_of(browser, timeline.as_uri())
    shot = tmp_path / "timeline.png"
    page.screenshot(path=str(shot), full_page=True)
    assert png_size(shot)[0] == 1280 and shot.stat().st_size > 10_000
    lanes = page.evaluate("""() => JSON.parse(document.getElementById("timeline-data")
        .textContent).runs[0].groups[0].lanes.map(lane => lane.name)""")
    assert lanes == ["MainThread", "Thread-1 (worker)", "Thread-2 (worker)", "GIL"]
    # Each lane's bar has drawn pixels (a thread's colour, grey for blocked), not just the
    # page's white and the axis' light lines.
    drawn = page.evaluate("""([top, row, bar, names]) => {
        const canvas = document.getElementById("lanes");
        const ctx = canvas.getContext("2d"), ratio = window.devicePixelRatio || 1;
        const out = [];
        for (let i = 0; i < 4; i++) {
          const y = top + i * row, image = ctx.getImageData(names * ratio, y * ratio,
            canvas.width - names * ratio, bar * ratio).data;
          let count = 0;
          for (let p = 0; p < image.length; p += 4) {
            if (image[p + 3] > 0 && Math.min(image[p], image[p + 1], image[p + 2]) < 215) {
              count++;
            }
          }
          out.push(count);
        }
        return out;
    }""", [AXIS + GROUP, ROW, BAR, NAMES])
    assert all(count > 0 for count in drawn), drawn
    canvas = page.locator("#lanes").bounding_box()
    tip = page.locator("#tip")
    expect_hidden = tip.is_hidden()
    # The main thread waits for the second thread to start most of the run: its bar says so.
    page.mouse.move(canvas["x"] + NAMES + (canvas["width"] - NAMES) * 0.6,
                    canvas["y"] + AXIS + GROUP + BAR / 2 + 1)
    from playwright.sync_api import expect
    expect(tip).to_be_visible()
    said = tip.inner_text()
    assert expect_hidden and said == ("MainThread blocked in start on Thread-2 (worker) at "
                                      "lost_update.py:28, 69.1 us to 214.4 us (145.3 us)")
    page.mouse.move(canvas["x"] + 5, canvas["y"] + 5)   # (the axis: nothing to tell)
    expect(tip).to_be_hidden()
    assert errors == []


# -- the docs' picture ------------------------------------------------------------------------------

def draw_docs_screenshot(path: str) -> None:
    """The page after the lost update's first four clicks (docs/stepping.md shows it)."""
    from playwright.sync_api import expect, sync_playwright
    with sync_playwright() as playwright, served("puzzles/lost_update") as (_proc, url):
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = launched.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)
        for clicks, name in enumerate(LOSE_AN_UPDATE[:4], 1):
            page.click(f'button[data-thread="{name}"]')
            expect(page.locator("#steps")).to_have_text(str(clicks))
        page.screenshot(path=path, full_page=True)
        launched.close()


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_step_web.py --update   (redraws the docs' picture)")
    draw_docs_screenshot(os.path.join(REPO, "docs", "images", "step-web.png"))
