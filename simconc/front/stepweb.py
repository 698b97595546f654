"""``simconc step FILE --web``: the learner as the scheduler, in a browser.

A web page's side of a :class:`simconc.explore.stepping.Session`, as :mod:`.stepper` is a
terminal's: the session decides everything, this only carries its state to the page (as JSON,
:meth:`StepWeb.state`) and the learner's clicks back to it (:meth:`StepWeb.respond`). The page
(:mod:`.stepweb_page`) is one self-contained file: it fetches nothing but this API.

Why one thread, and a loop of our own rather than ``ThreadingHTTPServer``: a run swaps the
real concurrency modules for the simulated ones and guards the real ``select``, socket
connections and thread starts for the whole process (:mod:`simconc.runner.patching`), so
nothing else may run beside it; and the spin watchdog's alarm is the main thread's. So the
main thread waits on the listening socket and every open connection at once, and handles a
connection (its request, then any run it asks for) only once the request has arrived: a
browser's idle speculative connection waits in the selector without holding up the others.
"""
from __future__ import annotations

import json
import os
import selectors
import socket
import sys
import webbrowser
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Callable, Optional, cast

from ..kernel import SimconcError
from ..render import colors, draw
from ..explore.stepping import Session
from ..runner.script import arguments_of
from .commands import replay_command
from .stepper import ending, verdict
from .stepweb_page import PAGE

#: The timeline's width in pixels (the page scales it to fit).
TIMELINE_WIDTH = 1000

#: The largest request body the API reads (its bodies are a few bytes).
MAX_BODY = 65536

#: Seconds a connection that has begun its request gets to finish it.
REQUEST_TIMEOUT = 5.0


class BadRequest(Exception):
    """A request the API refuses: its HTTP status and what to tell the learner."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class StepWeb:
    """The API over one session (the routes are :meth:`respond`'s). ``make`` makes the
    session as it started (``reset`` makes it again); the rest is what the page says of it, as
    the terminal's :class:`.stepper.Stepper` takes it (``session``: the one ``make`` made
    already, if any)."""

    def __init__(self, make: Callable[[], Session], file: str, *, title: str = "",
                 hint: str = "", fewest: Optional[int] = None, context: int = 3,
                 session: Optional[Session] = None) -> None:
        self.make = make
        self.session = session if session is not None else make()
        self.file = file
        self.title = title
        self.hint = hint
        self.fewest = fewest
        self.context = context

    # -- what the page shows -----------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Where the session stands, as the page shows it (plain data: JSON)."""
        session = self.session
        shown = session.to_dict(self.context)
        timeline = session.timeline(self.file)
        colour = {lane.name: colors.of_thread(lane.who) for lane in timeline.threads}
        for thread in shown["threads"]:
            # (the file's name only: the page shows no path of this machine's)
            thread["file"] = os.path.basename(thread["file"]) if thread["file"] else None
            thread["colour"] = colour.get(thread["name"])   # (its lane's, on the timeline)
        reached = shown["reached"]
        if reached is not None and self.fewest is not None:
            reached["verdict"] = verdict(reached["steps"], self.fewest, "undo")
        result = session.result
        shown.update(
            program=self.file, title=self.title, hint=self.hint, fewest=self.fewest,
            ending=ending(result) if result is not None else "",
            runnable=[t.number for t in session.runnable], undoable=session.undoable,
            replay=replay_command(self.file, session.token, arguments_of(session.program)),
            history=[{"step": row["step"], "thread": row["thread"], "op": row["op"],
                      "obj": row["obj"], "where": _short(row["where"])}
                     for row in session.history()],
            timeline=draw([timeline], "svg", TIMELINE_WIDTH))
        return shown

    # -- the API -----------------------------------------------------------------------------------
    def respond(self, method: str, path: str, body: bytes = b"") -> tuple[int, str, bytes]:
        """The answer to one request: (status, content type, body). Routes: ``GET /`` the page;
        ``GET /api/state``; ``POST /api/pick`` ``{"thread": NUMBER or NAME}``; ``POST
        /api/auto`` ``{"until": "event" or "goal"}``; ``POST /api/undo``; ``POST /api/reset``.
        Each API answer is the state, or ``{"error": message}`` with a 4xx status."""
        path = path.split("?", 1)[0]
        try:
            if path == "/":
                _allow(method, "GET")
                return 200, "text/html; charset=utf-8", PAGE.encode("utf-8")
            if path == "/favicon.ico":
                return 204, "image/x-icon", b""   # (none: a browser asks for it anyway)
            if path == "/api/state":
                _allow(method, "GET")
                return self._json(200, self.state())
            actions = {"/api/pick": self._pick, "/api/auto": self._auto,
                       "/api/undo": self._undo, "/api/reset": self._reset}
            if path not in actions:
                raise BadRequest(404, f"no such page: {path} (the page is /, its API "
                                      f"/api/state, pick, auto, undo and reset)")
            _allow(method, "POST")
            actions[path](_body(body))
            return self._json(200, self.state())
        except BadRequest as exc:
            return self._json(exc.status, {"error": str(exc)})
        except SimconcError as exc:
            # (the program cannot be replayed, say: the session stays where it stood)
            return self._json(500, {"error": str(exc)})

    def _pick(self, body: dict[str, Any]) -> None:
        which = body.get("thread")
        if isinstance(which, bool) or not isinstance(which, (int, str)):
            raise BadRequest(400, 'pick takes {"thread": its number or its name}')
        try:
            self.session.pick(which)
        except ValueError as exc:
            raise BadRequest(400, str(exc)) from None

    def _auto(self, body: dict[str, Any]) -> None:
        until = body.get("until", "event")
        if until not in ("event", "goal"):
            raise BadRequest(400, f'auto runs until an "event" or the "goal", not {until!r}')
        session = self.session
        try:
            # (as the terminal's a and g)
            session.auto(until=until, limit=session.max_steps if until == "goal" else 100)
        except ValueError as exc:
            raise BadRequest(400, str(exc)) from None

    def _undo(self, body: dict[str, Any]) -> None:
        if not self.session.undo():
            raise BadRequest(400, "nothing to undo")

    def _reset(self, body: dict[str, Any]) -> None:
        self.session = self.make()

    @staticmethod
    def _json(status: int, payload: dict[str, Any]) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()


def _short(where: str) -> str:
    """``lost_update.py:19`` for ``scenarios/puzzles/lost_update.py:19``."""
    return os.path.basename(where)


def _allow(method: str, allowed: str) -> None:
    if method != allowed:
        raise BadRequest(405, f"{method} is not allowed here: {allowed} is")


def _body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "the request's body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest(400, "the request's body is not a JSON object")
    return data


# -- serving -------------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    timeout = REQUEST_TIMEOUT

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        app = self.server.app
        length = self.headers.get("Content-Length") or "0"
        port = self.server.server_address[1]
        # Another site's page in the learner's browser may not drive the session: only this
        # address by name (no DNS rebinding), and JSON posts only (a form cannot send them
        # without the browser asking first, which this server never allows).
        if self.headers.get("Host") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            answer = app._json(403, {"error": "this page is served to 127.0.0.1 only"})
        elif not length.isdigit() or int(length) > MAX_BODY:
            answer = app._json(413, {"error": f"the API takes a JSON body of at most "
                                              f"{MAX_BODY} bytes"})
        elif self.command == "POST" and \
                self.headers.get_content_type() != "application/json":
            answer = app._json(415, {"error": "the API takes JSON "
                                              "(Content-Type: application/json)"})
        else:
            body = self.rfile.read(int(length)) if int(length) > 0 else b""
            answer = app.respond(self.command, self.path, body)
        status, kind, data = answer
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass   # (the terminal shows the session's start and end, not every click)


class _Server(HTTPServer):
    def __init__(self, app: StepWeb, port: int) -> None:
        self.app = app
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def run(self) -> None:
        """Serve until interrupted (KeyboardInterrupt): see the module's docstring for why
        one thread, and why a connection waits until its request has come."""
        with selectors.DefaultSelector() as waiting:
            waiting.register(self.socket, selectors.EVENT_READ)
            try:
                while True:
                    for key, _ in waiting.select():
                        if key.fileobj is self.socket:
                            try:
                                connection, address = self.socket.accept()
                            except OSError:
                                continue
                            waiting.register(connection, selectors.EVENT_READ, address)
                            continue
                        connection = cast(socket.socket, key.fileobj)   # (one accepted above)
                        waiting.unregister(connection)
                        self._handle(connection, key.data)
            finally:
                for key in list(waiting.get_map().values()):
                    if key.fileobj is not self.socket:
                        cast(socket.socket, key.fileobj).close()   # (one accepted above)

    def _handle(self, connection: socket.socket, address: Any) -> None:
        connection.settimeout(REQUEST_TIMEOUT)
        try:
            self.finish_request(connection, address)
        except OSError:
            pass   # (the browser went away, or took too long: nothing to answer)
        except Exception:
            # (a fault of ours: said on stderr, as socketserver does; the session goes on)
            self.handle_error(connection, address)
        finally:
            self.shutdown_request(connection)


def serve(app: StepWeb, port: int = 0, open_browser: bool = True,
          out: Optional[Any] = None) -> None:
    """Serve ``app`` on 127.0.0.1 (``port`` 0: a free one) until Ctrl-C, saying where; open
    the page in the learner's browser if ``open_browser`` and there is one to show it.
    OSError if the port cannot be had."""
    out = out or sys.stdout
    server = _Server(app, port)
    try:
        out.write(f"simconc step {app.file}: the page is at {server.url}\n"
                  f"Ctrl-C ends the session.\n")
        out.flush()
        if open_browser and _can_open():
            webbrowser.open(server.url)
        server.run()
    except KeyboardInterrupt:
        out.write("\n")
    finally:
        server.server_close()


def _can_open() -> bool:
    """Whether a graphical browser can be expected (without a display, the browser Python
    finds may be a text one, which would take over the terminal the server prints to)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
