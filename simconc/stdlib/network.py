"""The simulated network: which URLs answer, how big their pages are, and when their bytes
arrive.

A *site* is a host that answers (``Site``): how long it takes to answer (``latency``: the
round trips, the server's work, until the first byte), how fast its bytes come
(``bandwidth``), and how big each of its pages is (``pages``, by path and query; ``size`` for
any other path, or ``None``: any other path is ``404 Not Found``; ``answers``: pages with a
status, headers or a body of their own). The cost profile declares
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

import bisect
import heapq
import io
import math
from dataclasses import replace
from http import HTTPStatus
from typing import Any, Callable, Mapping, Optional
from urllib.parse import urlsplit

from ..kernel import current_world, maybe_current_world
from ..kernel.profile import Answer, Site


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
    for _path, answer in site.answers:
        check_answer(answer)
    return site


#: Headers a site's server writes itself, from the body and the connection.
_OWN_HEADERS = ("content-length", "transfer-encoding", "connection")


def check_answer(answer: Answer) -> Answer:
    """``answer``, or ValueError (TypeError for a wrong type) saying what is wrong with it."""
    if not isinstance(answer.status, int) or isinstance(answer.status, bool) \
            or not 200 <= answer.status <= 599:
        raise ValueError(f"a page's status is a final HTTP status, 200 to 599, not "
                         f"{answer.status!r}")
    if answer.size is not None and (not isinstance(answer.size, int) or answer.size < 0):
        raise ValueError(f"a page's size is a number of bytes (0 or more), not "
                         f"{answer.size!r}")
    if answer.status in (204, 304) and (answer.body or answer.size):
        raise ValueError(f"a {answer.status} answer has no body")
    for name, value in answer.headers:
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"a header's name and value are strings, not {name!r}: {value!r}")
        if not name or any(c in name for c in ":\r\n ") or any(c in value for c in "\r\n") \
                or not _latin1(name + value):
            raise ValueError(f"not a header: {name!r}: {value!r}")
        if name.lower() in _OWN_HEADERS:
            raise ValueError(f"the {name} header is the server's own: it follows from the "
                             f"body and the connection")
    return answer


def _latin1(text: str) -> bool:
    """Whether ``text`` can go in a header (HTTP/1.1 headers are ISO-8859-1)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


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


def reason_of(status: int) -> str:
    """The reason phrase of ``status`` (``Not Found``), or none for a code HTTP names not."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def response(site: Site, url: str, path: str, method: str = "GET",
             keep_alive: bool = False) -> tuple[bytes, bytes]:
    """What ``site`` answers a request for ``path`` (``url`` in full): the status line and
    headers, and the body (none for ``HEAD``, whose headers still give its length)."""
    answer = site.answer(path)
    status, reason = answer.status, reason_of(answer.status)
    if answer.body is not None:
        body = answer.body
    elif answer.size is not None:
        body = body_of(url, answer.size)
    elif status in (204, 304):
        body = b""
    else:
        body = f"<!doctype html>\n<title>{status} {reason}</title>\n".encode()
    lines = [f"HTTP/1.1 {status} {reason}"]
    if not any(name.lower() == "content-type" for name, _value in answer.headers):
        lines.append("Content-Type: text/html; charset=utf-8")
    lines += [f"{name}: {value}" for name, value in answer.headers]
    lines += [f"Content-Length: {len(body)}",
              f"Connection: {'keep-alive' if keep_alive else 'close'}", "", ""]
    head = "\r\n".join(lines).encode("latin-1")
    return head, (b"" if method == "HEAD" else body)


#: Bytes short of a body's end that count as its end (what float rounding leaves over).
_ROUNDING = 1e-6


class Transfer:
    """One body on the line: from ``start``, ``size`` bytes, at most ``cap`` bytes a second.
    Once started, it has received ``group.delivered - offset`` bytes (see :class:`_Group`)."""

    __slots__ = ("start", "size", "cap", "offset", "started")

    def __init__(self, start: float, size: float, cap: float) -> None:
        self.start = start
        self.size = size
        self.cap = cap
        self.offset = 0.0
        self.started = False


class _Group:
    """The started transfers of one cap (a site's bandwidth). Max-min fair shares give them all
    the same rate at every moment, so one number tells what each has received: ``delivered``
    counts the bytes each got from the group's beginning to ``at`` (the last event settled while
    it had transfers), and a transfer that started when it was ``offset`` ends when it reaches
    ``offset + size``. ``ends`` holds those sums, in order; ``ends[first:]`` are the transfers
    not ended. ``before`` and ``was`` are the event settled before ``at`` and ``delivered``
    then; ``rate`` and ``end`` the group's share since ``at`` and when its next transfer ends
    at it."""

    __slots__ = ("cap", "at", "delivered", "ends", "first", "rate", "end", "before", "was")

    def __init__(self, cap: float, at: float) -> None:
        self.cap = cap
        self.at = at
        self.delivered = 0.0
        self.ends: list[float] = []
        self.first = 0
        self.rate = 0.0
        self.end = math.inf
        self.before = at
        self.was = 0.0

    def count(self) -> int:
        return len(self.ends) - self.first

    def copy(self) -> "_Group":
        """The group as it stands, with ends of its own (those not passed yet)."""
        twin = _Group(self.cap, self.at)
        twin.delivered, twin.ends = self.delivered, self.ends[self.first:]
        twin.rate, twin.end, twin.before, twin.was = self.rate, self.end, self.before, self.was
        return twin

    def begin(self, transfer: Transfer) -> float:
        """``transfer`` starts: its offset."""
        bisect.insort(self.ends, self.delivered + transfer.size, lo=self.first)
        return self.delivered

    def reach(self, delivered: float) -> None:
        """Move on to ``delivered``, ending the transfers it completes."""
        self.delivered = delivered
        ends, first = self.ends, self.first
        while first < len(ends) and ends[first] <= delivered + _ROUNDING:
            first += 1
        if first > 1024 and first * 2 > len(ends):   # (forget the ended, now and then)
            del ends[:first]
            first = 0
        self.first = first


class Line:
    """The machine's line to the network, shared by the responses whose bodies arrive at once
    (see the module's docstring).

    When a body's ``n``-th byte arrives follows from every transfer known: one added later can
    only slow it down, so a reader that finds its bytes not there yet waits again. A transfer is
    added when its request is answered, so it never starts before the simulated present
    (``clock``): the line settles each event (a body starting or ending) once the present has
    reached it, and looks ahead from the last one. The transfers of one cap share one rate
    (:class:`_Group`), so an event costs the number of caps (sites), not of transfers, and a
    run's many fetches cost in proportion to their number."""

    def __init__(self, bandwidth: float, clock: Callable[[], float]) -> None:
        self.bandwidth = bandwidth
        self.clock = clock
        self.at = -math.inf           # the last event settled
        self.groups: dict[float, _Group] = {}
        self.active: list[_Group] = []                          # those with transfers, by cap
        self.waiting: list[tuple[float, int, Transfer]] = []    # a heap of those not started
        self.added = 0                # (ties in the heap go by the order added)
        self.next_event = math.inf    # the first start or end after ``at``
        #: A look ahead's copy keeps the offsets of the transfers that start in it here, not
        #: on the transfers (see :meth:`_look_ahead`); the line itself, None.
        self.offsets: Optional[dict[Transfer, float]] = None

    def add(self, start: float, size: int, cap: float) -> Transfer:
        transfer = Transfer(start, float(size), cap)
        if self.bandwidth == math.inf:
            return transfer
        self._advance(self.clock())
        self.added += 1
        heapq.heappush(self.waiting, (start, self.added, transfer))
        self.next_event = min(self.next_event, start)
        return transfer

    def arrived(self, transfer: Transfer, amount: float) -> float:
        """When the first ``amount`` bytes of ``transfer``'s body have arrived, as far as the
        transfers added until now tell (for bytes there by the last event settled, a time no
        later than it)."""
        if amount <= 0:
            return transfer.start
        if self.bandwidth == math.inf:
            return transfer.start + amount / transfer.cap
        self._advance(self.clock())
        if transfer.started:
            group = self.groups[transfer.cap]
            goal = transfer.offset + amount
            if goal <= group.delivered + _ROUNDING:
                if goal <= group.was or group.delivered <= group.was:
                    return max(transfer.start, group.before)
                return group.before + (group.at - group.before) * \
                    (goal - group.was) / (group.delivered - group.was)
        when = self._before_next_event(transfer, amount)
        return when if when is not None else self._look_ahead(transfer, amount)

    def _before_next_event(self, transfer: Transfer, amount: float) -> Optional[float]:
        """When ``amount`` bytes of ``transfer`` arrive, if that is before the next event (the
        shares hold until then); None if it is not, or it has not started."""
        offset = transfer.offset if transfer.started else \
            self.offsets.get(transfer) if self.offsets is not None else None
        if offset is None:
            return None
        group = self.groups[transfer.cap]
        when = self.at + (offset + amount - group.delivered) / group.rate
        return when if when <= self.next_event else None

    def _look_ahead(self, transfer: Transfer, amount: float) -> float:
        """When ``amount`` bytes of ``transfer`` arrive, with the transfers known: the events on
        the way are settled as :meth:`_advance` settles them, on a copy of the line (transfers
        may yet be added before them)."""
        ahead = Line(self.bandwidth, self.clock)
        ahead.at, ahead.next_event, ahead.added = self.at, self.next_event, self.added
        ahead.groups = {cap: group.copy() for cap, group in self.groups.items()}
        ahead.active = [ahead.groups[group.cap] for group in self.active]
        ahead.waiting = list(self.waiting)   # (a copy of a heap is one)
        ahead.offsets = {}
        while True:
            ahead._advance(ahead.next_event)
            when = ahead._before_next_event(transfer, amount)
            if when is not None:
                return when

    def _rates(self, counts: list[tuple[float, int]]) -> list[float]:
        """Max-min fair shares of the line for groups of ``(cap, transfers)``, caps ascending."""
        left, transfers = self.bandwidth, sum(count for _cap, count in counts)
        rates = []
        for cap, count in counts:
            rate = min(cap, left / transfers)
            rates.append(rate)
            left -= rate * count
            transfers -= count
        return rates

    def _advance(self, until: float) -> None:
        """Settle every event up to ``until``."""
        waiting, groups, offsets = self.waiting, self.groups, self.offsets
        while self.next_event <= until:
            event, at = self.next_event, self.at
            for group in self.active:
                group.before, group.was, group.at = at, group.delivered, event
                group.reach(group.ends[group.first] if group.end <= event
                            else group.delivered + group.rate * (event - at))
            while waiting and waiting[0][0] <= event:
                started = heapq.heappop(waiting)[2]
                joined = groups.get(started.cap)
                if joined is None:
                    joined = groups[started.cap] = _Group(started.cap, event)
                joined.at = event
                offset = joined.begin(started)
                if offsets is None:
                    started.offset, started.started = offset, True
                else:
                    offsets[started] = offset
            self.at = event
            active = self.active = sorted((g for g in groups.values() if g.count()),
                                          key=lambda g: g.cap)
            next_event = waiting[0][0] if waiting else math.inf
            for group, rate in zip(active, self._rates([(g.cap, g.count()) for g in active])):
                group.rate = rate
                group.end = event + (group.ends[group.first] - group.delivered) / rate
                next_event = min(next_event, group.end)
            self.next_event = next_event


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
        state.line = Line(world.profile.line_bandwidth, lambda: world.now)
    return state.line


def sites() -> dict[str, Site]:
    """The running program's sites by host: its profile's, and those it declared."""
    from .state import face_state
    world = current_world()
    state = face_state(world)
    if state.sites is None:
        state.sites = {site.host: site for site in world.profile.sites}
    return state.sites


def serve(url: str, size: Optional[int] = None, *, body: "bytes | str | None" = None,
          status: int = 200, headers: Optional[Mapping[str, str]] = None,
          latency: Optional[float] = None, bandwidth: Optional[float] = None) -> None:
    """Declare that the simulated network has a page at ``url`` (``/*`` as its path: any page
    of that host): ``size`` bytes of HTML, or ``body`` (bytes, or text sent as UTF-8), with
    ``status`` (a redirect names its target in ``headers``' ``Location``) and ``headers``
    (``Content-Type`` replaces the default, HTML). ``latency`` and ``bandwidth`` set the host's
    (by default its earlier ones, or ``Site``'s). Outside a simulation it does nothing: the
    program then fetches from the real network."""
    if maybe_current_world() is None:
        return
    host, path = path_of(url)
    if not host or not urlsplit(url).scheme:
        raise ValueError(f"serve() needs a URL with its scheme and host "
                         f"(http://example.com/page), not {url!r}")
    if size is not None and body is not None:
        raise ValueError("serve() takes a page's size or its body, not both")
    if isinstance(body, str):
        body = body.encode()
    elif body is not None and not isinstance(body, bytes):
        raise TypeError(f"a page's body is bytes or str, not {type(body).__name__}")
    if size is None and body is None and status == 200:
        raise ValueError("serve() needs the page's size or its body")
    known = sites().get(host) or Site(host)
    changes: dict[str, Any] = {}
    if latency is not None:
        changes["latency"] = latency
    if bandwidth is not None:
        changes["bandwidth"] = bandwidth
    answers = tuple((p, a) for p, a in known.answers if p != path)
    others = tuple((p, s) for p, s in known.pages if p != path)
    if body is None and status == 200 and not headers:   # a page of HTML of a size
        if path == "/*":
            changes["size"] = size
        else:
            changes["pages"] = others + ((path, size),)
    else:
        if headers is not None and not isinstance(headers, Mapping):
            raise TypeError(f"a page's headers are a mapping of names to values, not "
                            f"{type(headers).__name__}")
        answer = Answer(status, tuple((headers or {}).items()), body, size)
        answers += ((path, check_answer(answer)),)
        changes["pages"] = others
    changes["answers"] = answers
    sites()[host] = check_site(replace(known, **changes))
