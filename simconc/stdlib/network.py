"""The simulated network: which URLs answer, how big their pages are, and when their bytes
arrive.

A *site* is a host that answers (``Site``): how long it takes to answer (``latency``: the
round trips, the server's work, until the first byte), how fast its bytes come
(``bandwidth``), and how big each of its pages is (``pages``, by path and query; ``size`` for
any other path, or ``None``: any other path is ``404 Not Found``). The cost profile declares
some (``tutorial-2017``: the tutorial's URLs, so its code runs unchanged); a program declares
more with :func:`simconc.serve`. A host that nobody declared does not resolve, as a DNS lookup
would fail: nothing ever reaches the real network.

A fetch opened at time ``t`` receives its headers at ``t + latency``, then its body at the
site's bandwidth, or less: the machine's line (the profile's ``line_bandwidth``) is shared
fairly by the bodies arriving at once (:class:`Line`, a fluid model: each gets an equal share,
and what a site cannot use goes to the others). Reading waits, without the GIL, until the
bytes it asks for have arrived (what arrived while the thread did something else is there at
once, as in a socket's buffer).
"""
from __future__ import annotations

import io
from dataclasses import replace
from typing import Any, Optional
from urllib.parse import urlsplit

from ..kernel import current_world, maybe_current_world
from ..kernel.profile import Site


def check_site(site: Site) -> Site:
    """``site``, or ValueError saying what is wrong with it."""
    if not site.host or "/" in site.host:
        raise ValueError(f"a site is a host name (example.com), not {site.host!r}")
    if not site.latency >= 0:
        raise ValueError(f"a site's latency is 0 seconds or more, not {site.latency!r}")
    if not site.bandwidth > 0:
        raise ValueError(f"a site's bandwidth is more than 0 bytes a second, not "
                         f"{site.bandwidth!r}")
    for _path, size in site.pages + ((("", site.size),) if site.size is not None else ()):
        if not isinstance(size, int) or size < 0:
            raise ValueError(f"a page's size is a number of bytes (0 or more), not {size!r}")
    return site


def path_of(url: str) -> tuple[str, str]:
    """The host of ``url`` and its path with its query (``/`` for none)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return (parts.hostname or "").lower(), path


def body_of(url: str, size: int) -> bytes:
    """The simulated page at ``url``: ``size`` bytes of HTML, the same every time."""
    head = f"<!doctype html>\n<title>{url}</title>\n<p>A page of simconc's simulated network.\n"
    filler = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n"
    text = (head + filler * (size // len(filler) + 1)).encode()
    return text[:size]


def response(site: Site, url: str, path: str, method: str = "GET",
             keep_alive: bool = False) -> tuple[bytes, bytes]:
    """What ``site`` answers a request for ``path`` (``url`` in full): the status line and
    headers, and the body (none for ``HEAD``, whose headers still give its length)."""
    size = site.page_size(path)
    status, reason = (200, "OK") if size is not None else (404, "Not Found")
    body = body_of(url, size) if size is not None else \
        b"<!doctype html>\n<title>404 Not Found</title>\n"
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n").encode("ascii")
    return head, (b"" if method == "HEAD" else body)


class Line:
    """The machine's line to the network, shared by the responses whose bodies arrive at once
    (see the module's docstring). Each transfer is ``[body start, body bytes, its site's
    bandwidth]``; when a body's ``n``-th byte arrives follows from every transfer known: one
    opened later can only slow it down, so a reader that finds its bytes not there yet waits
    again."""

    def __init__(self, bandwidth: float) -> None:
        self.bandwidth = bandwidth
        self.transfers: list[list[float]] = []

    def add(self, start: float, size: int, cap: float) -> list[float]:
        transfer = [start, float(size), cap]
        self.transfers.append(transfer)
        return transfer

    def arrived(self, transfer: list[float], amount: float) -> float:
        """When the first ``amount`` bytes of ``transfer``'s body have arrived."""
        start, _size, cap = transfer
        if amount <= 0:
            return start
        if self.bandwidth == float("inf") or len(self.transfers) == 1:
            return start + amount / min(cap, self.bandwidth)
        transfers = self.transfers
        done = [0.0] * len(transfers)
        me = transfers.index(transfer)
        starts = sorted({t[0] for t in transfers})
        now = min(starts)
        while True:
            active = [i for i, t in enumerate(transfers) if t[0] <= now and done[i] < t[1]]
            rates = self._shares([transfers[i][2] for i in active])
            later = [s for s in starts if s > now]
            step = (later[0] - now) if later else float("inf")
            for i, rate in zip(active, rates):
                left = (amount if i == me else transfers[i][1]) - done[i]
                if rate > 0:
                    step = min(step, left / rate)
            for i, rate in zip(active, rates):
                done[i] += rate * step
            now += step
            if done[me] >= amount - 1e-9:
                return now

    def _shares(self, caps: list[float]) -> list[float]:
        """Max-min fair shares of the line among transfers capped at ``caps``."""
        order = sorted(range(len(caps)), key=lambda i: caps[i])
        shares = [0.0] * len(caps)
        left = self.bandwidth
        for n, i in enumerate(order):
            shares[i] = min(caps[i], left / (len(caps) - n))
            left -= shares[i]
        return shares


class Arriving(io.RawIOBase):
    """The bytes of one response, as the program reads them from its socket: each read waits
    (blocking IO, without the GIL) until the bytes it returns have arrived."""

    def __init__(self, data: bytes, header: int, opened: float, site: Site,
                 timeout: Optional[float], line: Line) -> None:
        super().__init__()
        self.data = data
        self.header = header          # how many of the bytes are the status line and headers
        self.opened = opened
        self.site = site
        self.timeout = timeout
        self.pos = 0
        self.line = line
        self.transfer = line.add(opened + site.latency, len(data) - header, site.bandwidth)

    def readable(self) -> bool:
        return True

    def _arrived(self, end: int) -> float:
        """When the first ``end`` bytes have all arrived (as far as the fetches opened until
        now tell)."""
        return self.line.arrived(self.transfer, max(0, end - self.header))

    def _wait_for(self, end: int) -> None:
        world = current_world()
        while True:   # (a fetch opened meanwhile may have slowed these bytes down)
            wait = self._arrived(end) - world.read_clock()
            if wait <= 1e-12:
                return
            if self.timeout is not None and wait > self.timeout:
                world.io(self.timeout)
                raise TimeoutError("timed out")
            world.io(wait)

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), len(self.data) - self.pos)
        if n <= 0:
            return 0
        self._wait_for(self.pos + n)
        buffer[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n

    def readline(self, size: Optional[int] = -1) -> bytes:
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, self.pos + size)
        self._wait_for(end)
        line = self.data[self.pos:end]
        self.pos = end
        return line

    def readall(self) -> bytes:
        self._wait_for(len(self.data))
        rest = self.data[self.pos:]
        self.pos = len(self.data)
        return rest


class Connection:
    """What ``http.client.HTTPResponse`` reads a response from: a socket's ``makefile``."""

    def __init__(self, stream: Arriving) -> None:
        self.stream = stream

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> Arriving:
        return self.stream


def line() -> Line:
    """The running machine's line to the network."""
    world = current_world()
    state = world.interpreters[0].face
    if state.line is None:
        state.line = Line(world.profile.line_bandwidth)
    return state.line


def sites() -> dict[str, Site]:
    """The running program's sites by host: its profile's, and those it declared."""
    from .state import face_state
    world = current_world()
    state = face_state(world)
    if state.sites is None:
        state.sites = {site.host: site for site in world.profile.sites}
    return state.sites


def serve(url: str, size: int, *, latency: Optional[float] = None,
          bandwidth: Optional[float] = None) -> None:
    """Declare that the simulated network has a page at ``url`` of ``size`` bytes (``/*`` as
    its path: any page of that host). ``latency`` and ``bandwidth`` set the host's (by default
    its earlier ones, or ``Site``'s). Outside a simulation it does nothing: the program then
    fetches from the real network."""
    if maybe_current_world() is None:
        return
    host, path = path_of(url)
    if not host or not urlsplit(url).scheme:
        raise ValueError(f"serve() needs a URL with its scheme and host "
                         f"(http://example.com/page), not {url!r}")
    known = sites().get(host) or Site(host)
    changes: dict[str, Any] = {}
    if latency is not None:
        changes["latency"] = latency
    if bandwidth is not None:
        changes["bandwidth"] = bandwidth
    if path == "/*":
        changes["size"] = size
    else:
        changes["pages"] = tuple((p, s) for p, s in known.pages if p != path) + ((path, size),)
    sites()[host] = check_site(replace(known, **changes))
