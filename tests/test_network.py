"""The simulated network: urllib.request.urlopen answers from the profile's sites and those a
program declares, on the simulated clock, without the GIL, as CPython's urllib answers (its
response object, its errors and messages); the real network is never reached."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simconc

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def run_ok(path: str, **options) -> str:
    result = simconc.run(path, **options)
    assert result.status == "ok", result.error or result.stderr
    return result.stdout


# --- the tutorial's rows 22 to 24 ---------------------------------------------------------------

def test_row_22_map_gives_the_pages_in_the_order_of_their_urls():
    for seed in range(3):
        assert run_ok(str(SCENARIOS / "executor_map.py"), seed=seed).splitlines() == [
            "'http://httpbin.org' page is 12373 bytes",
            "'http://example.com/' page is 1270 bytes",
            "'https://api.github.com/' page is 2039 bytes"]


def test_row_24_as_completed_gives_the_pages_in_the_order_they_arrive():
    for seed in range(3):
        assert run_ok(str(SCENARIOS / "as_completed.py"), seed=seed).splitlines() == [
            "'http://example.com/' page is 1270 bytes",
            "'http://httpbin.org' page is 12373 bytes",
            "'https://api.github.com/' page is 2039 bytes"]


def test_row_23_the_exception_comes_out_of_result_and_stops_map():
    result = simconc.run(str(SCENARIOS / "executor_exception.py"), seed=0)
    lines = result.stdout.splitlines()
    submitted, mapped = lines[:5], lines[5:]
    assert "raise an exception: Don't do this" in submitted
    assert sorted(submitted) == sorted(["raise an exception: Don't do this"] + [
        f"fib({n}) = {v}" for n, v in ((30, 832040), (31, 1346269), (32, 2178309),
                                        (33, 3524578))])
    # map yields in input order and stops at fib(34): the exception ends the program.
    assert mapped == ["fib(30) = 832040", "fib(31) = 1346269", "fib(32) = 2178309",
                      "fib(33) = 3524578"]
    assert result.status == "error"
    assert result.stderr.rstrip().endswith("Exception: Don't do this")


def test_the_tutorials_course_pages_take_its_time_one_after_the_other(scenario):
    out = run_ok(scenario("""
        import time
        from urllib.request import urlopen
        urls = ['http://www.edu2act.cn/course/?page=%s' % p for p in range(2, 15)]
        start = time.time()
        for r in map(urlopen, urls):
            print(len(r.read()))
        print(time.time() - start)
    """))
    *sizes, elapsed = out.split()
    assert sizes[0] == "84325" and sizes[-1] == "81282" and len(sizes) == 13
    assert float(elapsed) == pytest.approx(5.933, rel=0.001)   # the tutorial's map_run


# --- urlopen -----------------------------------------------------------------------------------

def test_a_page_arrives_after_its_latency_and_its_size_over_the_bandwidth(scenario):
    out = run_ok(scenario("""
        import time, urllib.request, simconc
        simconc.serve("http://data.test/big", 250_000, latency=0.1, bandwidth=1_000_000)
        start = time.monotonic()
        with urllib.request.urlopen("http://data.test/big") as r:
            opened = time.monotonic() - start
            first = len(r.read(50_000))
            after_first = time.monotonic() - start
            rest = len(r.read())
            done = time.monotonic() - start
        print(r.status, r.reason, r.headers["Content-Length"], r.geturl())
        print(f"{opened:.4f} {first} {after_first:.4f} {rest} {done:.4f}")
    """))
    assert out.splitlines() == ["200 OK 250000 http://data.test/big",
                                "0.1000 50000 0.1500 200000 0.3500"]


def test_fetches_in_threads_overlap_their_waits(scenario):
    out = run_ok(scenario("""
        import threading, time, urllib.request, simconc
        simconc.serve("http://slow.test/*", 1000, latency=1.0)
        def get(n):
            urllib.request.urlopen(f"http://slow.test/{n}").read()
        start = time.monotonic()
        threads = [threading.Thread(target=get, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(round(time.monotonic() - start, 2))
    """))
    assert float(out) == pytest.approx(1.0, abs=0.01)   # four seconds of waiting, overlapped


def test_an_unknown_host_fails_as_a_dns_lookup_does(scenario):
    out = run_ok(scenario("""
        import socket, urllib.error, urllib.request
        try:
            urllib.request.urlopen("http://nowhere.test/")
        except urllib.error.URLError as e:
            print(e)
            print(type(e.reason).__name__, e.reason.errno, e.reason.strerror)
            print(type(e.__context__).__name__)
    """))
    assert out.splitlines() == ["<urlopen error [Errno -2] Name or service not known>",
                                "gaierror -2 Name or service not known", "gaierror"]


def test_a_missing_page_is_an_http_error_404(scenario):
    out = run_ok(scenario("""
        import urllib.error, urllib.request
        try:
            urllib.request.urlopen("http://example.com/missing")
        except urllib.error.HTTPError as e:
            print(e, e.code, e.reason, len(e.read()) > 0)
    """))
    assert out.strip() == "HTTP Error 404: Not Found 404 Not Found True"


def test_a_timeout_shorter_than_the_wait_raises_timeouterror(scenario):
    out = run_ok(scenario("""
        import time, urllib.request
        start = time.monotonic()
        try:
            urllib.request.urlopen("https://api.github.com/", timeout=0.25)
        except TimeoutError as e:
            print(repr(e), round(time.monotonic() - start, 3))
    """))
    assert out.strip() == "TimeoutError('timed out') 0.25"


def test_a_request_object_and_bad_data_behave_as_in_urllib(scenario):
    out = run_ok(scenario("""
        import urllib.request
        r = urllib.request.urlopen(urllib.request.Request("http://example.com/"))
        print(r.getcode(), len(r.read()))
        try:
            urllib.request.urlopen("http://example.com/", data="text")
        except TypeError as e:
            print(e)
    """))
    assert out.splitlines() == [
        "200 1270", "POST data should be bytes, an iterable of bytes, or a file object. It "
                    "cannot be of type str."]


def test_serve_refuses_what_is_not_a_site(scenario):
    result = simconc.run(scenario("""
        import simconc
        simconc.serve("example.com", 10)
    """))
    assert result.status == "error" and "ValueError: serve() needs a URL" in result.stderr
    result = simconc.run(scenario("""
        import simconc
        simconc.serve("http://x.test/", -1)
    """))
    assert "a page's size is a number of bytes (0 or more), not -1" in result.stderr


def test_the_same_pages_under_the_ideal_profile_take_no_time(scenario):
    out = run_ok(scenario("""
        import time, urllib.request
        print(len(urllib.request.urlopen("http://example.com/").read()), time.monotonic())
    """), profile="ideal")
    assert out.split() == ["1270", "0.0"]


@pytest.mark.parametrize("call", [
    'socket.create_connection(("www.python.org", 80), timeout=1)',
    'socket.getaddrinfo("example.org", 80)',
    'socket.gethostbyname("example.net")',
    's = socket.socket(); s.connect(("192.0.2.7", 9))',
])
def test_the_real_network_is_never_reached(scenario, call):
    result = simconc.run(scenario(f"""
        import socket
        {call}
    """))
    assert result.status == "error"
    assert "never reaches the real network" in result.error
    assert "program.py:3" in result.error


def test_urlopen_takes_the_arguments_of_the_running_python(scenario):
    # 3.13 took cafile, capath and cadefault away from urlopen.
    result = simconc.run(scenario("""
        import urllib.request
        print(len(urllib.request.urlopen("http://example.com/", cafile=None).read()))
        urllib.request.urlopen("http://example.com/", cafile="ca.pem")
    """))
    assert result.stdout == "1270\n"
    if sys.version_info >= (3, 13):
        assert "TypeError: urlopen() got an unexpected keyword argument 'cafile'" in \
            result.stderr
    else:
        assert result.status == "ok"


def test_downloads_at_once_share_the_machines_line(tmp_path):
    # tutorial-2017's line is 10 Mbit/s (1.25 MB/s); the server could send faster.
    path = tmp_path / "line.py"
    path.write_text(
        "import threading, time, urllib.request, simconc\n"
        "simconc.serve('http://files.example/big', 1_250_000, latency=0.0, bandwidth=10e6)\n"
        "simconc.serve('http://slow.example/small', 125_000, latency=0.0, bandwidth=125_000)\n"
        "def get(url, out):\n"
        "    start = time.time()\n"
        "    urllib.request.urlopen(url).read()\n"
        "    out.append(round(time.time() - start, 3))\n"
        "alone = []\n"
        "get('http://files.example/big', alone)\n"
        "both, mixed = [], []\n"
        "ts = [threading.Thread(target=get, args=('http://files.example/big', both))\n"
        "      for _ in range(2)]\n"
        "ts += [threading.Thread(target=get, args=('http://slow.example/small', mixed))]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print((alone, sorted(both), mixed))\n")
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    # Alone: 1 s. With another big one and a small one capped at 0.125 MB/s: the small one gets
    # its cap (less than a third), the big ones share the rest, then the whole line.
    alone, both, mixed = eval(result.stdout)
    assert alone == [1.0]
    assert mixed == [1.0]
    assert both == [pytest.approx(2.1, abs=0.001)] * 2
    # Under `ideal` the line is no limit: each has its server's 10 MB/s to itself.
    ideal = simconc.run(str(path), profile="ideal")
    assert eval(ideal.stdout)[:2] == ([0.125], [0.125, 0.125])


# --- the shared line: the fluid model, against a reference worked out from the start -----------

def _reference_arrival(transfers, me, amount, bandwidth):
    """When ``amount`` bytes of transfer ``me`` arrive: the fluid model stepped from the first
    start over every transfer, with max-min fair shares (the model network.py describes)."""
    done = [0.0] * len(transfers)
    now = min(start for start, _size, _cap in transfers)
    while True:
        active = [i for i, (start, size, _cap) in enumerate(transfers)
                  if start <= now and done[i] < size - 1e-9]
        caps = sorted((transfers[i][2], i) for i in active)
        shares, left = {}, bandwidth
        for n, (cap, i) in enumerate(caps):
            shares[i] = min(cap, left / (len(caps) - n))
            left -= shares[i]
        later = [start for start, _size, _cap in transfers if start > now]
        step = min(later) - now if later else float("inf")
        for i in active:
            goal = amount if i == me else transfers[i][1]
            step = min(step, (goal - done[i]) / shares[i])
        for i in active:
            done[i] += shares[i] * step
        now += step
        if done[me] >= amount - 1e-6:
            return now


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_line_gives_each_byte_the_time_the_fluid_model_does(data):
    from simconc.stdlib.network import Line
    bandwidth = data.draw(st.sampled_from([1e6, 1.25e6, 5e6]), "line")
    caps = data.draw(st.lists(st.sampled_from([2e5, 1e6, 1.25e6, 3e6]), min_size=1,
                              max_size=3), "caps")
    clock = [0.0]
    line = Line(bandwidth, lambda: clock[0])
    added = []   # (start, size, cap), the line's transfer
    for _ in range(data.draw(st.integers(1, 40), "steps")):
        clock[0] += data.draw(st.sampled_from([0.0, 0.001, 0.02, 0.1]))
        if not added or data.draw(st.booleans()):
            start = clock[0] + data.draw(st.sampled_from([0.0, 0.01, 0.05]))
            size = data.draw(st.sampled_from([0, 1448, 20_000, 150_000]))
            cap = data.draw(st.sampled_from(caps))
            added.append(((start, size, cap), line.add(start, size, cap)))
            continue
        me = data.draw(st.integers(0, len(added) - 1))
        (start, size, _cap), transfer = added[me]
        amount = data.draw(st.integers(0, size))
        got = line.arrived(transfer, amount)
        if amount == 0:
            assert got == start
            continue
        expected = _reference_arrival([a for a, _t in added], me, amount, bandwidth)
        if expected > clock[0] + 1e-9:   # still to come: the same time
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
        else:   # there already: a time no later than the present, and not before the start
            assert start <= got <= clock[0] + 1e-9


def test_a_thousand_fetches_at_once_share_the_line_fairly(tmp_path):
    # 200 threads each fetch five 100 KB pages of one site at once: the line (1.25 MB/s) is
    # the limit, so the whole takes the 100 MB over it, plus one latency and the last pages.
    path = tmp_path / "many.py"
    path.write_text(
        "import threading, time, urllib.request, simconc\n"
        "simconc.serve('http://h.example/*', 100_000, latency=0.05)\n"
        "ends = []\n"
        "def get(i):\n"
        "    for page in range(5):\n"
        "        urllib.request.urlopen(f'http://h.example/{i}/{page}').read()\n"
        "    ends.append(time.monotonic())\n"
        "ts = [threading.Thread(target=get, args=(i,)) for i in range(200)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print(round(min(ends), 3), round(max(ends), 3))\n")
    result = simconc.run(str(path))
    assert result.status == "ok", result.error
    first, last = map(float, result.stdout.split())
    # The line is never idle once the first answer comes (the threads' requests, started one
    # after the other, never all wait at once): the 100 MB take 80 s at 1.25 MB/s, after the
    # first latency. Shared fairly, no thread ends much before the others.
    assert last == pytest.approx(80.0 + 0.05, abs=0.002)
    assert last - 1.0 < first < last


# --- what a site answers: a status, headers, a body, redirects -----------------------------------

CLIENT = """
import json, sys, time, urllib.error, urllib.request
base = sys.argv[1]
start = time.monotonic()
with urllib.request.urlopen(base + "/old") as r:
    print(r.status, r.geturl().replace(base, ""), r.headers["Content-Type"], json.loads(r.read()))
for path in ("/busy", "/loop"):
    try:
        urllib.request.urlopen(base + path)
    except urllib.error.HTTPError as e:
        print(repr(e), e.code, repr(e.reason), e.headers.get("Retry-After"), e.read())
try:
    urllib.request.urlopen(urllib.request.Request(base + "/moved", data=b"x"))
except urllib.error.HTTPError as e:
    print(repr(e))
"""

SITE = """
import simconc
simconc.serve("http://api.example/items", body='[1, 2, 3]',
              headers={"Content-Type": "application/json"}, latency=0.1)
simconc.serve("http://api.example/old", status=301, headers={"Location": "/items"})
simconc.serve("http://api.example/busy", status=503, body="try later",
              headers={"Retry-After": "5"})
simconc.serve("http://api.example/loop", status=302, headers={"Location": "/loop"})
simconc.serve("http://api.example/moved", status=307, headers={"Location": "/items"})
"""


def test_a_sites_statuses_headers_and_redirects_are_urllibs(tmp_path):
    # The same client against a real server on the real interpreter, and against the same
    # answers declared with serve() in a run: urllib follows the redirect, raises the 503 and
    # the loop, and refuses to send a POST on through a 307, in the same words.
    import http.server
    import subprocess
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            found = {"/old": (301, [("Location", "/items")], b""),
                     "/busy": (503, [("Retry-After", "5")], b"try later"),
                     "/loop": (302, [("Location", "/loop")],
                               b"<!doctype html>\n<title>302 Found</title>\n"),
                     "/moved": (307, [("Location", "/items")], b"")}.get(self.path)
            status, headers, body = found or (200, [("Content-Type", "application/json")],
                                              b"[1, 2, 3]")
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        do_POST = do_GET

        def log_message(self, *args):
            pass

    client = tmp_path / "client.py"
    client.write_text(CLIENT)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        real = subprocess.run([sys.executable, str(client),
                               f"http://127.0.0.1:{server.server_address[1]}"],
                              capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert real.returncode == 0, real.stderr
    simulated = tmp_path / "simulated.py"
    simulated.write_text(SITE + CLIENT)
    result = simconc.run(simconc.Script(simulated, ["http://api.example"]))
    assert result.status == "ok", result.error or result.stderr
    assert result.stdout == real.stdout
    assert "<HTTPError 307: 'Temporary Redirect'>" in result.stdout


def test_a_redirect_costs_a_round_of_its_own_and_requests_follows_it(tmp_path):
    path = tmp_path / "follow.py"
    path.write_text(SITE + (
        "import requests, time, http.client\n"
        "start = time.monotonic()\n"
        "r = requests.get('http://api.example/old')\n"
        "print(r.status_code, r.url, [h.status_code for h in r.history], r.json(),\n"
        "      round(time.monotonic() - start, 2))\n"
        "r = requests.get('http://api.example/busy')\n"
        "print(r.status_code, r.reason, r.headers['Retry-After'], r.text)\n"
        "c = http.client.HTTPConnection('api.example')\n"
        "c.request('GET', '/old')\n"
        "answer = c.getresponse()\n"
        "print(answer.status, answer.reason, answer.getheader('Location'), answer.read())\n"))
    result = simconc.run(str(path))
    assert result.status == "ok", result.error or result.stderr
    assert result.stdout.splitlines() == [
        # two answers, each the site's 0.1 s latency after its request
        "200 http://api.example/items [301] [1, 2, 3] 0.2",
        "503 Service Unavailable 5 try later",
        # (a redirect declared without a body has a short page naming it, as nginx's has)
        "301 Moved Permanently /items b'<!doctype html>\\n<title>301 Moved Permanently</title>"
        "\\n'"]


@pytest.mark.parametrize("call, error", [
    ("serve('http://a.example/', status=99)", "a final HTTP status, 200 to 599, not 99"),
    ("serve('http://a.example/', status=600, size=3)", "200 to 599, not 600"),
    ("serve('http://a.example/', 10, body='x')", "a page's size or its body, not both"),
    ("serve('http://a.example/')", "needs the page's size or its body"),
    ("serve('http://a.example/', body=[1])", "body is bytes or str, not list"),
    ("serve('http://a.example/', status=204, body='x')", "a 204 answer has no body"),
    ("serve('http://a.example/', body='x', headers={'Content-Length': '1'})",
     "the Content-Length header is the server's own"),
    ("serve('http://a.example/', body='x', headers={'X-A': 'b\\r\\nX-B: c'})",
     "not a header"),
    ("serve('http://a.example/', body='x', headers={'X-A': 'caf\u00e9 \u2615'})",
     "not a header"),
    ("serve('http://a.example/', body='x', headers=[('X-A', 'b')])",
     "headers are a mapping of names to values, not list"),
])
def test_serve_refuses_an_answer_http_cannot_give(tmp_path, call, error):
    path = tmp_path / "bad.py"
    path.write_text(f"import simconc\nsimconc.{call}\n")
    result = simconc.run(str(path))
    assert result.status == "error"
    assert error in result.stderr
