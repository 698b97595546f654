"""The simulated network's sites at the socket level (simconc/stdlib/remote.py, tls.py): a
program that speaks HTTP itself (http.client, urllib.request's openers, requests, asyncio's
streams, a bare socket) reaches the sites urlopen fetches from, at the times urlopen takes, and
gets from their servers and their TLS what a real server and OpenSSL give."""
from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

import simconc


def run_ok(path: str, **options) -> str:
    result = simconc.run(path, **options)
    assert result.status == "ok", result.error or result.stderr
    return result.stdout


def host_script(path, source: str, *args: str) -> subprocess.CompletedProcess:
    """``source`` written to ``path`` and run by a fresh interpreter (the host of the runs it
    makes) with ``args``; it must exit 0."""
    path.write_text(source)
    done = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_every_http_client_reaches_a_site_at_the_time_urlopen_does(scenario):
    # 0.2 s of latency, then 50,000 bytes at 1 MB/s: 0.25 s, whichever way the page is fetched.
    out = run_ok(scenario("""
        import http.client, time, urllib.request
        import requests
        import simconc
        simconc.serve("http://api.test/*", 50_000, latency=0.2, bandwidth=1e6)

        def timed(name, fetch):
            start = time.monotonic()
            status, size = fetch()
            print(f"{name}: {status} {size} {time.monotonic() - start:.3f}")

        def urlopen():
            with urllib.request.urlopen("http://api.test/a") as page:
                return page.status, len(page.read())

        def client(cls):
            def fetch():
                connection = cls("api.test")
                connection.request("GET", "/a")
                answer = connection.getresponse()
                return answer.status, len(answer.read())
            return fetch

        def opener():
            with urllib.request.build_opener().open("https://api.test/a") as page:
                return page.status, len(page.read())

        def get():
            answer = requests.get("https://api.test/a", timeout=5)
            return answer.status_code, len(answer.content)

        timed("urlopen", urlopen)
        timed("HTTPConnection", client(http.client.HTTPConnection))
        timed("HTTPSConnection", client(http.client.HTTPSConnection))
        timed("build_opener", opener)
        timed("requests", get)
    """))
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "urlopen", "HTTPConnection", "HTTPSConnection", "build_opener", "requests"]
    for line in lines:
        status, size, seconds = line.split(": ")[1].split()
        assert (status, size) == ("200", "50000")
        assert 0.25 <= float(seconds) < 0.26, line


def test_requests_in_threads_overlap_their_waits(scenario):
    out = run_ok(scenario("""
        import time
        from concurrent.futures import ThreadPoolExecutor
        import requests
        import simconc
        for host in ("a.test", "b.test", "c.test"):
            simconc.serve(f"https://{host}/*", 100_000, latency=0.3, bandwidth=1e6)
        urls = ["https://a.test/", "https://b.test/", "https://c.test/"]

        def fetch(url):
            return len(requests.get(url, timeout=5).content)

        start = time.monotonic()
        print("one by one", [fetch(url) for url in urls], f"{time.monotonic() - start:.2f}")
        start = time.monotonic()
        with ThreadPoolExecutor(3) as pool:
            print("threads", list(pool.map(fetch, urls)), f"{time.monotonic() - start:.2f}")
        with requests.Session() as session:
            start = time.monotonic()
            sizes = [len(session.get("https://a.test/x").content) for _ in range(3)]
            print("session", sizes, f"{time.monotonic() - start:.2f}")
    """))
    assert out.splitlines() == [
        "one by one [100000, 100000, 100000] 1.20",   # 3 x (0.3 + 0.1)
        # together, the three bodies share the 10 Mbit/s line: 300 kB take 0.24 s
        "threads [100000, 100000, 100000] 0.54",
        "session [100000, 100000, 100000] 1.20"]   # (one connection: test_a_session_connects_once)


def test_a_session_connects_once(scenario):
    result = simconc.run(scenario("""
        import requests
        with requests.Session() as session:
            for _ in range(3):
                session.get("http://example.com/")
    """), trace=True)
    assert result.status == "ok", result.error
    connects = [e for e in result.trace if e.op == "connect"]
    assert len(connects) == 1
    assert "to example.com (198.18." in connects[0].detail


def test_a_sites_server_answers_as_an_http_server_does(scenario):
    out = run_ok(scenario("""
        import socket
        import simconc
        simconc.serve("http://api.test/page", 3000, latency=0.1)

        def exchange(port, data):
            with socket.create_connection(("api.test", port)) as s:
                s.sendall(data)
                got = b""
                while chunk := s.recv(65536):
                    got += chunk
                return got

        head, _, body = exchange(80, b"HEAD /page HTTP/1.1\\r\\nHost: api.test\\r\\n"
                                     b"Connection: close\\r\\n\\r\\n").partition(b"\\r\\n\\r\\n")
        print(head.decode().splitlines(), len(body))
        answer = exchange(80, b"GET /page HTTP/1.0\\r\\n\\r\\n")
        print(answer.split(b"\\r\\n")[0], len(answer.partition(b"\\r\\n\\r\\n")[2]))
        answer = exchange(80, b"POST /page HTTP/1.1\\r\\nContent-Length: 5\\r\\n"
                              b"Connection: close\\r\\n\\r\\nhello")
        print(answer.split(b"\\r\\n")[0])
        answer = exchange(80, b"POST /page HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n"
                              b"Connection: close\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\n")
        print(answer.split(b"\\r\\n")[0])
        print(exchange(80, b"GET /other HTTP/1.0\\r\\n\\r\\n").split(b"\\r\\n")[0])
        print(exchange(80, b"\\x16\\x03\\x01 hello").split(b"\\r\\n")[0])
        print(exchange(443, b"GET /page HTTP/1.0\\r\\n\\r\\n").split(b"\\r\\n\\r\\n")[1])
        try:
            socket.create_connection(("api.test", 8080))
        except OSError as error:
            print(repr(error))
    """))
    assert out.splitlines() == [
        "['HTTP/1.1 200 OK', 'Content-Type: text/html; charset=utf-8', "
        "'Content-Length: 3000', 'Connection: close'] 0",
        "b'HTTP/1.1 200 OK' 3000",
        "b'HTTP/1.1 200 OK'",
        "b'HTTP/1.1 200 OK'",
        "b'HTTP/1.1 404 Not Found'",
        "b'HTTP/1.1 400 Bad Request'",
        "b'<!doctype html>\\n<title>400 Bad Request</title>\\n"
        "<p>The plain HTTP request was sent to HTTPS port\\n'",
        "ConnectionRefusedError(111, 'Connection refused')"]


def test_requests_on_one_connection_are_answered_one_after_the_other(scenario):
    out = run_ok(scenario("""
        import http.client, time
        import simconc
        simconc.serve("http://api.test/*", 100_000, latency=0.2, bandwidth=1e6)
        connection = http.client.HTTPConnection("api.test")
        start = time.monotonic()
        for path in ("/a", "/b"):
            connection.request("GET", path)
            answer = connection.getresponse()
            print(path, answer.status, answer.getheader("Connection"), len(answer.read()),
                  f"{time.monotonic() - start:.2f}")
    """))
    assert out.splitlines() == ["/a 200 keep-alive 100000 0.30", "/b 200 keep-alive 100000 0.60"]


def test_a_program_that_stops_reading_and_closes_ends_cleanly(scenario):
    out = run_ok(scenario("""
        import socket, time
        import simconc
        simconc.serve("http://api.test/*", 1_000_000, latency=0.1, bandwidth=1e6)
        s = socket.create_connection(("api.test", 80))
        s.sendall(b"GET / HTTP/1.1\\r\\nHost: api.test\\r\\n\\r\\n")
        print(s.recv(20))
        s.close()
        time.sleep(2)
        print("done", f"{time.monotonic():.2f}")
    """))
    assert out.splitlines() == ["b'HTTP/1.1 200 OK\\r\\nCon'", "done 2.10"]


def test_tls_checks_what_openssl_checks(scenario):
    out = run_ok(scenario("""
        import socket, ssl
        context = ssl.create_default_context()

        def attempt(what, call):
            try:
                print(what, call())
            except (OSError, ValueError) as error:
                print(what, type(error).__name__, error)

        attempt("plain port", lambda: context.wrap_socket(
            socket.create_connection(("example.com", 80)), server_hostname="example.com"))
        attempt("other name", lambda: context.wrap_socket(
            socket.create_connection(("example.com", 443)), server_hostname="example.org"))
        attempt("no name", lambda: context.wrap_socket(socket.create_connection(
            ("example.com", 443))))
        plain = socket.socket()
        tls = context.wrap_socket(plain, server_hostname="example.com")
        print("detached", plain.fileno(), type(tls).__module__, type(tls).__name__)
        tls.connect(("example.com", 443))
        print(tls.version(), tls.getpeercert()["subject"], tls.getpeercert()["subjectAltName"])
        tls.sendall(b"HEAD / HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n")
        print(tls.recv(15))
        tls.close()
        unchecked = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        unchecked.check_hostname, unchecked.verify_mode = False, ssl.CERT_NONE
        with unchecked.wrap_socket(socket.create_connection(("example.com", 443))) as tls:
            print("unverified", tls.getpeercert())
    """))
    assert out.splitlines() == [
        "plain port SSLError [SSL: WRONG_VERSION_NUMBER] wrong version number",
        "other name SSLCertVerificationError [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
        "verify failed: Hostname mismatch, certificate is not valid for 'example.org'.",
        "no name ValueError check_hostname requires server_hostname",
        "detached -1 ssl SSLSocket",
        "TLSv1.3 ((('commonName', 'example.com'),),) (('DNS', 'example.com'),)",
        "b'HTTP/1.1 200 OK'",
        "unverified {}"]


_NAMES = """
    import socket
    address = socket.gethostbyname("example.com")
    print(address, socket.getaddrinfo("example.com", "https", type=socket.SOCK_STREAM)[0][4])
    print(socket.gethostbyname_ex("example.com"), socket.gethostbyaddr(address))
    print(socket.getnameinfo((address, 443), 0), socket.getnameinfo((address, 443),
                                                                  socket.NI_NUMERICHOST))
    try:
        socket.getaddrinfo("example.com", 80, socket.AF_INET6)
    except socket.gaierror as error:
        print(repr(error))
"""


def test_a_sites_address_is_the_same_in_every_run_and_never_a_real_hosts(scenario, tmp_path):
    path = scenario(_NAMES)
    out = run_ok(path)
    address = out.split()[0]
    assert ipaddress.ip_address(address) in ipaddress.ip_network("198.18.0.0/15")
    assert out.splitlines()[1:] == [
        f"('example.com', [], ['{address}']) ('example.com', [], ['{address}'])",
        f"('example.com', 'https') ('{address}', 'https')",
        "gaierror(-5, 'No address associated with hostname')"]
    # the same in another run, seed and hash seed
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "simconc", "run", path, "--seed", hash_seed, "--quiet"],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        assert done.stdout == out


def test_asyncio_streams_and_select_wait_for_a_sites_bytes(scenario):
    out = run_ok(scenario("""
        import asyncio, select, socket, time

        async def get(host):
            reader, writer = await asyncio.open_connection(host, 80)
            writer.write(f"GET / HTTP/1.1\\r\\nHost: {host}\\r\\nConnection: close\\r\\n\\r\\n"
                         .encode())
            data = await reader.read()
            writer.close()
            await writer.wait_closed()
            return data.partition(b"\\r\\n\\r\\n")[2]

        async def main():
            start = time.monotonic()
            pages = await asyncio.gather(get("example.com"), get("httpbin.org"))
            print([len(page) for page in pages], f"{time.monotonic() - start:.3f}")

        asyncio.run(main())
        s = socket.create_connection(("example.com", 80))
        s.setblocking(False)
        s.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
        start, got, waits = time.monotonic(), b"", 0
        while True:
            waits += 1
            select.select([s], [], [])
            if not (chunk := s.recv(65536)):
                break
            got += chunk
        print(len(got.partition(b"\\r\\n\\r\\n")[2]), f"{time.monotonic() - start:.3f}", waits)
    """))
    # the profile's: example.com answers in 0.25 s; httpbin.org in 0.45 s, then 12373 bytes at
    # 10 Mbit/s (example.com's body came before, on the same line)
    lines = out.splitlines()
    pages, seconds = lines[0].rsplit(" ", 1)
    assert pages == "[1270, 12373]"
    assert seconds == f"{0.45 + 12373 / 1.25e6:.3f}"
    size, seconds, waits = lines[1].split()
    assert size == "1270" and seconds == "0.251"
    assert int(waits) == 3   # the head, the body's one segment, the end


def test_a_child_process_fetches_from_the_same_sites(scenario):
    out = run_ok(scenario("""
        import http.client, multiprocessing, socket

        def fetch():
            connection = http.client.HTTPConnection("example.com")
            connection.request("GET", "/")
            print("child", len(connection.getresponse().read()),
                  socket.gethostbyname("example.com") == ADDRESS)

        if __name__ == "__main__":
            ADDRESS = socket.gethostbyname("example.com")
            child = multiprocessing.Process(target=fetch)
            child.start()
            child.join()
    """))
    assert out == "child 1270 True\n"


def test_an_exploration_of_threads_that_fetch_ends_with_every_page(tmp_path):
    path = tmp_path / "fetching.py"
    path.write_text(
        "import http.client, threading\n"
        "sizes = []\n"
        "def fetch(host):\n"
        "    connection = http.client.HTTPConnection(host)\n"
        "    connection.request('GET', '/')\n"
        "    sizes.append(len(connection.getresponse().read()))\n"
        "threads = [threading.Thread(target=fetch, args=(h,))\n"
        "           for h in ('example.com', 'httpbin.org')]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "assert sorted(sizes) == [1270, 12373], sizes\n")
    report = simconc.explore(str(path), max_executions=50)
    assert report.ok, report.failures
    assert report.executions > 1


def test_tls_over_asyncios_streams_reaches_the_site_and_checks_its_name(scenario):
    out = run_ok(scenario("""
        import asyncio

        async def main():
            reader, writer = await asyncio.open_connection("example.com", 443, ssl=True)
            writer.write(b"GET / HTTP/1.0\\r\\nHost: example.com\\r\\n\\r\\n")
            data = await reader.read()
            print(data.split(b"\\r\\n")[0], len(data.partition(b"\\r\\n\\r\\n")[2]))
            print(writer.get_extra_info("peercert")["subject"], writer.get_extra_info("cipher"))
            writer.close()
            for port, name in ((80, "example.com"), (443, "example.org")):
                try:
                    await asyncio.open_connection("example.com", port, ssl=True,
                                                  server_hostname=name)
                except OSError as error:
                    print(type(error).__name__, error)

        asyncio.run(main())
    """))
    assert out.splitlines() == [
        "b'HTTP/1.1 200 OK' 1270",
        "((('commonName', 'example.com'),),) ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)",
        "SSLError [SSL: WRONG_VERSION_NUMBER] wrong version number",
        "SSLCertVerificationError [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "Hostname mismatch, certificate is not valid for 'example.org'."]


def test_a_real_tls_handshake_to_a_site_stops_the_run_and_says_why(scenario):
    result = simconc.run(scenario("""
        import asyncio

        async def main():
            await asyncio.open_connection("example.com", 443, ssl=True, server_hostname="")

        asyncio.run(main())
    """))
    assert result.status == "error"
    assert "sent a real TLS handshake to a simulated site" in result.error
    assert "program.py:7" in result.error   # (asyncio.run: the loop runs there)


_AGAIN = """
import logging, sys
import simconc
program = sys.argv[1]
for _ in range(3):   # (each run imports requests afresh; charset_normalizer is compiled: kept)
    result = simconc.run(program)
    print(result.status, result.error, result.stdout.strip())
# real code after the runs: requests and charset_normalizer on the real logging, locks
import charset_normalizer, requests
print(requests.logging is logging,
      charset_normalizer.from_bytes("h\\u00e9".encode(), explain=True).best().encoding)
"""


def test_requests_runs_again_and_works_in_real_code_after_a_run(tmp_path):
    # charset_normalizer (under requests) has compiled modules, so the first run's import is
    # kept after it, and holds that run's logging: its locks were the run's simulated ones,
    # which raised NotInSimulation in the next run and in real code (at the latest at exit).
    program = tmp_path / "program.py"
    program.write_text(
        "import charset_normalizer, requests\n"
        "answer = requests.get('http://example.com/')\n"
        "print(answer.status_code,\n"
        "      charset_normalizer.from_bytes('h\\u00e9'.encode(), explain=True).best().encoding)\n")
    done = host_script(tmp_path / "again.py", _AGAIN, str(program))
    assert done.stdout.splitlines() == ["ok None 200 utf_8"] * 3 + ["True utf_8"]
    assert "Exception ignored" not in done.stderr and "NotInSimulation" not in done.stderr


_AIOHTTP = """
import asyncio, time
import aiohttp

async def fetch(session, url):
    async with session.get(url) as response:
        return url, response.status, len(await response.read())

async def main():
    start = time.monotonic()
    async with aiohttp.ClientSession() as session:
        urls = ["https://example.com/", "http://httpbin.org/", "https://api.github.com/"]
        for result in await asyncio.gather(*(fetch(session, url) for url in urls)):
            print(*result)
    print(f"{time.monotonic() - start:.3f}")

asyncio.run(main())
"""

_AIOHTTP_AROUND = """
import asyncio, sys
import aiohttp   # (before any run: it holds the real asyncio)
import simconc
for _ in range(3):   # (aiohttp has compiled modules: kept after the first run that imports it)
    result = simconc.run(sys.argv[1])
    print(result.status, result.error, result.stdout.splitlines()[-1:])

async def real():
    import aiohttp   # (the one kept by the runs, when the first imported it)
    async with aiohttp.ClientSession() as session:
        return type(session).__name__, session.closed

print(asyncio.run(real()))
"""


def test_aiohttp_fetches_from_the_sites_in_every_run_and_works_for_real_after(tmp_path,
                                                                             scenario):
    program = scenario(_AIOHTTP)
    assert run_ok(program).splitlines() == [
        "https://example.com/ 200 1270", "http://httpbin.org/ 200 12373",
        "https://api.github.com/ 200 2039",
        "0.602"]   # (api.github.com answers last, after 0.6 s: the three fetches overlap)
    # Imported before a run, aiohttp held the real asyncio, whose running loop is never the
    # run's; first imported in a run, it held that run's asyncio for good: either way, the
    # program failed in asyncio.get_running_loop() ("no running event loop").
    done = host_script(tmp_path / "around.py", _AIOHTTP_AROUND, program)
    assert done.stdout.splitlines() == ["ok None ['0.602']"] * 3 + ["('ClientSession', False)"]
    done = host_script(tmp_path / "fresh.py",   # (and first imported in the first run)
                       _AIOHTTP_AROUND.replace("import aiohttp   # (before", "# (not before"),
                       program)
    assert done.stdout.splitlines() == ["ok None ['0.602']"] * 3 + ["('ClientSession', False)"]


_REAL_THREAD = """
import asyncio, sys, threading
import aiohttp.helpers   # (holds the real asyncio: the runs below give it the run's, in a run)
import simconc
checks, errors, stop = [], [], threading.Event()

def real_loop():   # (a Jupyter kernel's IO thread, say: real asyncio, beside the run)
    async def watch():
        while not stop.is_set():
            try:
                checks.append(aiohttp.helpers.asyncio.get_running_loop() is not None)
            except RuntimeError as error:
                errors.append(str(error))
            await asyncio.sleep(0.001)
    asyncio.run(watch())

thread = threading.Thread(target=real_loop)
thread.start()
result = simconc.run(sys.argv[1])
stop.set()
thread.join()
print(result.status, result.stdout.strip(), len(checks) > 5, errors[:1])
"""


def test_a_real_thread_beside_a_run_is_outside_it(tmp_path):
    # A real thread of the process running its own asyncio loop while a run runs (a Jupyter
    # kernel's IO thread): its selector's select was refused as the run's ("asyncio's event
    # loop was given a real selector"), the world being the process's, not the thread's; and
    # a library's asyncio is the real one for it, the run's only in the run.
    program = tmp_path / "program.py"
    program.write_text("import asyncio\n"
                       "async def main():\n"
                       "    total = 0\n"
                       "    for i in range(3_000_000):   # (real time passes meanwhile)\n"
                       "        total += i\n"
                       "    print(total)\n"
                       "asyncio.run(main())\n")
    done = host_script(tmp_path / "beside.py", _REAL_THREAD, str(program))
    assert done.stdout == "ok 4499998500000 True []\n"
