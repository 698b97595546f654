"""The simulated network: which URLs answer, how big their pages are, and when their bytes
arrive.

A *site* is a host that answers (``Site``): how long it takes to answer (``latency``: the
round trips, the server's work, until the first byte), how fast its bytes come
(``bandwidth``), and how big each of its pages is (``pages``, by path and query; ``size`` for
any other path, or ``None``: any other path is ``404 Not Found``). The cost profile declares
some (``tutorial-2017``: the tutorial's URLs, so its code runs unchanged); a program declares
more with :func:`simconc.serve`. A host that nobody declared does not resolve, as a DNS lookup
would fail: nothing ever reaches the real network.

A fetch opened at time ``t`` receives its headers at ``t + latency`` and the ``k``-th byte of
its body at ``t + latency + k / bandwidth``: reading waits, without the GIL, until the bytes it
asks for have arrived (what arrived while the thread did something else is there at once, as
in a socket's buffer). Each connection has the site's bandwidth to itself.
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


class Arriving(io.RawIOBase):
    """The bytes of one response, as the program reads them from its socket: each read waits
    (blocking IO, without the GIL) until the bytes it returns have arrived."""

    def __init__(self, data: bytes, header: int, opened: float, site: Site,
                 timeout: Optional[float]) -> None:
        super().__init__()
        self.data = data
        self.header = header          # how many of the bytes are the status line and headers
        self.opened = opened
        self.site = site
        self.timeout = timeout
        self.pos = 0

    def readable(self) -> bool:
        return True

    def _arrived(self, end: int) -> float:
        """When the first ``end`` bytes have all arrived."""
        site = self.site
        return self.opened + site.latency + max(0, end - self.header) / site.bandwidth

    def _wait_for(self, end: int) -> None:
        world = current_world()
        wait = self._arrived(end) - world.read_clock()
        if wait <= 0:
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
