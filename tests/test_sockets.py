"""Sockets on the simulated machine's loopback: a program's own servers and clients (threads,
socketserver, select and selectors, asyncio's streams) run under simconc as they run for real.

The programs of tests/sockets/ print only what is deterministic, so each runs twice: for real
with this interpreter, and under simconc; both must print the same, errors and messages
included (Linux's errno values and strings).
"""
import os
import pathlib
import subprocess
import sys

import pytest

import simconc

PROGRAMS = pathlib.Path(__file__).parent / "sockets"


#: two_clients prints the order its server accepted them: the scheduler's choice (explored below).
#: And the docs' example of asyncio's streams (deterministic for real too: one thread).
ASYNCIO_ECHO = PROGRAMS.parent.parent / "docs" / "examples" / "asyncio_socket.py"


@pytest.mark.parametrize("name", sorted(p.stem for p in PROGRAMS.glob("*.py")
                                        if p.stem != "two_clients") + ["asyncio_socket"])
def test_a_socket_program_prints_what_it_prints_for_real(name, run_for_real):
    path = ASYNCIO_ECHO if name == "asyncio_socket" else PROGRAMS / f"{name}.py"
    real = run_for_real(path)
    assert real.returncode == 0, real.stderr
    result = simconc.run(str(path))
    assert result.status == "ok", (result.error, result.stderr)
    assert (result.stdout, result.stderr) == (real.stdout, real.stderr)


def test_a_selector_that_watches_nothing_waits_for_ever_as_a_deadlock():
    def program():
        import selectors
        selectors.DefaultSelector().select()

    result = simconc.run(program)
    assert result.status == "deadlock"


def test_a_timeout_is_waited_on_the_simulated_clock():
    def program():
        import socket
        server = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(server.getsockname())
        conn, _ = server.accept()
        conn.settimeout(2.5)
        try:
            conn.recv(1)
        except TimeoutError as exc:
            print(type(exc).__name__, exc)
        for s in (conn, client, server):
            s.close()
    result = simconc.run(program)
    assert result.stdout == "TimeoutError timed out\n"
    assert 2.5 <= result.elapsed < 2.6


def test_a_host_other_than_loopback_and_the_sites_is_refused():
    def program():
        import socket
        socket.create_connection(("example.org", 80))
    result = simconc.run(program)
    assert result.status == "error"
    assert "reached for the real network ('example.org')" in result.error

    def by_address():
        import socket
        socket.socket().connect(("93.184.216.34", 80))
    result = simconc.run(by_address)
    assert result.status == "error"
    assert "reached for the real network ('93.184.216.34')" in result.error

    # and a real socket made before the run, even to loopback
    import socket
    real = socket.socket()

    def made_before():
        real.connect(("127.0.0.1", 9))
    try:
        result = simconc.run(made_before)
    finally:
        real.close()
    assert result.status == "error"
    assert "reached for the real network (('127.0.0.1', 9))" in result.error
    assert "Sockets connect on the simulated machine's loopback" in result.error


def test_udp_is_refused_by_name_even_if_the_program_catches_it():
    def program():
        import socket
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        except Exception:
            pass
        print("went on")
    result = simconc.run(program)
    assert result.status == "error"
    assert "asked for a UDP socket (AF_INET, SOCK_DGRAM)" in result.error
    assert "(at tests/test_sockets.py:" in result.error


def test_a_simulated_descriptor_is_no_real_ones_number():
    def program():
        import resource
        import socket
        with socket.socket() as sock:
            print(sock.fileno() >= resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    assert simconc.run(program).stdout == "True\n"


def test_exploring_two_clients_finds_both_orders_of_the_server():
    report = simconc.explore(str(PROGRAMS / "two_clients.py"))
    assert {o for o, _ in report.outcomes} == {"a b", "b a"}
    assert not report.failures


def test_a_child_process_connects_to_its_parents_listener(tmp_path):
    path = tmp_path / "child.py"
    path.write_text(
        "import multiprocessing, socket\n"
        "def child(port):\n"
        "    with socket.create_connection(('127.0.0.1', port)) as sock:\n"
        "        sock.sendall(b'from the child')\n"
        "if __name__ == '__main__':\n"
        "    server = socket.create_server(('127.0.0.1', 0))\n"
        "    p = multiprocessing.get_context('fork').Process(\n"
        "        target=child, args=(server.getsockname()[1],))\n"
        "    p.start()\n"
        "    conn, _ = server.accept()\n"
        "    print(conn.recv(100))\n"
        "    p.join()\n")
    result = simconc.run(str(path))
    assert result.status == "ok", (result.error, result.stderr)
    assert result.stdout == "b'from the child'\n"


@pytest.mark.parametrize("path", [PROGRAMS / "echo_threads.py", ASYNCIO_ECHO],
                         ids=["echo_threads", "asyncio_socket"])
def test_the_same_output_whatever_the_hash_seed(path):
    outputs = set()
    for seed in ("1", "2"):
        code = ("import simconc; r = simconc.run(%r); "
                "print(r.status, r.stdout, r.elapsed, r.schedule)" % str(path))
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("ok ")
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_tls_is_refused_by_name():
    def program():
        import socket
        import ssl
        server = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(server.getsockname())
        ssl.create_default_context().wrap_socket(client, server_hostname="localhost")
    result = simconc.run(program)
    assert result.status == "error"
    assert "asked for TLS on the machine's loopback (wrap_socket)" in result.error


def test_each_socket_operation_is_on_the_trace():
    result = simconc.run(str(PROGRAMS / "echo_threads.py"))
    lines = [event.format() for event in result.trace.events
             if event.op in ("listen", "connect", "accept", "send", "recv", "close")]
    assert any(" listen socket 127.0.0.1:32768" in line and "echo_threads.py:34" in line
               for line in lines)
    assert any(" connect socket 127.0.0.1:" in line and "(to 127.0.0.1:32768)" in line
               for line in lines)
    assert any(" accept socket 127.0.0.1:32768 (from 127.0.0.1:" in line for line in lines)
    assert any(" recv " in line and "(end of stream)" in line for line in lines)


def test_the_machine_is_named_for_its_loopback_whatever_the_real_one():
    # (http.server's server_bind looks the machine up by its name: the real machine's would be
    # the real network, and a name printed would differ from one machine to the next)
    def program():
        import socket
        print(socket.gethostname(), socket.getfqdn(), socket.gethostbyname(socket.gethostname()))
        print(socket.getnameinfo(("127.0.0.1", 8080), socket.NI_NUMERICSERV),
              socket.getnameinfo(("::1", 8080, 0, 0),
                                 socket.NI_NUMERICHOST | socket.NI_NUMERICSERV))
        socket.getnameinfo(("93.184.216.34", 80), 0)
    result = simconc.run(program)
    assert result.stdout == ("localhost localhost 127.0.0.1\n"
                             "('localhost', '8080') ('::1', '8080')\n")
    assert result.status == "error"
    assert "reached for the real network ('93.184.216.34')" in result.error


def test_a_thread_waiting_on_one_connection_sleeps_through_the_others_traffic():
    # A recv waits for its own socket: the bytes of other connections do not wake it, as they
    # do not wake a real thread blocked in recv (on the timelines it stays blocked, once).
    def program():
        import socket
        import threading
        import time
        server = socket.create_server(("127.0.0.1", 0))
        idle = socket.create_connection(server.getsockname())
        idle_end = server.accept()[0]
        busy = socket.create_connection(server.getsockname())
        busy_end = server.accept()[0]

        def waiter():
            assert idle.recv(10) == b"last"

        thread = threading.Thread(target=waiter, name="waiter")
        thread.start()
        for _ in range(50):
            busy.sendall(b"x" * 100)
            assert busy_end.recv(100) == b"x" * 100
            time.sleep(0.001)
        idle_end.sendall(b"last")
        thread.join()
    result = simconc.run(program, timeline=True)
    assert result.status == "ok", result.error
    blocks = [e for e in result.trace.events if e.thread == "waiter" and e.op == "block"]
    assert len(blocks) == 1, [e.format() for e in blocks]


def test_a_signal_handler_can_wait_on_a_socket_while_its_thread_waits_on_another(tmp_path):
    # The handler runs inside the main thread's recv, and waits in a recv of its own; each
    # gets its bytes, as on the real interpreter.
    path = tmp_path / "nested.py"
    path.write_text(
        "import signal, socket, threading, time\n"
        "a, b = socket.socketpair()\n"
        "c, d = socket.socketpair()\n"
        "def handler(signum, frame):\n"
        "    print('handler got', d.recv(10))\n"
        "signal.signal(signal.SIGALRM, handler)\n"
        "def feeder():\n"
        "    time.sleep(0.2)\n"
        "    c.sendall(b'inner')\n"
        "    time.sleep(0.2)\n"
        "    b.sendall(b'outer')\n"
        "threading.Thread(target=feeder).start()\n"
        "signal.setitimer(signal.ITIMER_REAL, 0.1)\n"
        "print('main got', a.recv(10))\n")
    real = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=60)
    result = simconc.run(str(path))
    assert result.status == "ok", result.error or result.stderr
    assert result.stdout == real.stdout == "handler got b'inner'\nmain got b'outer'\n"
