"""The simulated network's sites at the socket level: each declared site (:mod:`.network`) has
an address, and a server that answers HTTP over a simulated TCP connection, on the network's
clock, as ``urlopen``'s fetch does. A program that speaks HTTP itself (``http.client``,
``urllib.request``'s openers, ``requests``) reaches the same sites, at the same times.

- A site's address is in 198.18.0.0/15, the block set aside for benchmarking (RFC 2544) and
  never routed: a printed address cannot be mistaken for a real host's. It follows from the
  host's name (its CRC-32), the same in every run and program; names that collide take the next
  free address, in the order they were first looked up.
- A site listens on ports 80 (HTTP) and 443 (HTTPS, behind the simulated TLS of
  :mod:`.tls`); a connection to any other port is refused. A connect completes at once: the
  site's ``latency`` counts the round trips.
- The server reads each request (its headers, then a body of ``Content-Length`` bytes or
  chunked) and answers it as ``urlopen``'s fetch would: the status line and headers
  ``latency`` after the request's last byte, then the body on the shared line
  (:class:`.network.Line`), delivered one TCP segment (:data:`SEGMENT` bytes) at a time, each
  when its last byte has arrived. Responses on one connection follow each other; a request that
  asks for it (``Connection: close``, HTTP/1.0) has the server close once its response is sent.
  Bytes that are not HTTP get ``400 Bad Request``, as does plain HTTP sent to port 443, and the
  connection closes.
- Untimed semantics has no clock: a response arrives whole, at once.
"""
from __future__ import annotations

import ipaddress
import zlib
from collections import deque
from typing import Any, Callable, Optional

from ..kernel import UnsimulatedError, current_world
from ..kernel.profile import Site
from .network import line, path_of, response, sites
from .refusal import refuse

#: Where the sites' addresses are (see the module's docstring).
NETWORK = ipaddress.ip_network("198.18.0.0/15")
#: The machine's own address on it, its end of a connection to a site (no site has it).
LOCAL = str(NETWORK[1])
#: Body bytes that arrive at once: a TCP segment on a 1500-byte Ethernet path (Linux's MSS
#: with TCP timestamps).
SEGMENT = 1448
#: The ports a site answers on.
HTTP_PORT, HTTPS_PORT = 80, 443
#: How a simulated TLS client over a memory BIO (tls.py) opens, and how a site answers it
#: (each followed by a host name and CRLF): never HTTP, never TLS.
HELLO, HELLO_OK = b"\x16simconc-tls ", b"\x16simconc-tls ok "
#: The longest request head a site reads before it answers 400 (nginx's default buffers).
MAX_HEAD = 8192 * 4


# -- addresses --------------------------------------------------------------------------------

def _addresses() -> dict[str, str]:
    """The machine's site addresses by host, and hosts by address (the main interpreter's
    state: a child looks a host up at its parent's address)."""
    state = current_world().interpreters[0].face
    if state.site_addresses is None:
        state.site_addresses = {}
    table: dict[str, str] = state.site_addresses
    return table


def address_of(host: str) -> Optional[str]:
    """The address of the site ``host`` (a name), or None: nobody declared it."""
    host = host.lower().rstrip(".")
    if host not in sites():
        return None
    table = _addresses()
    known = table.get(host)
    if known is None:
        first = zlib.crc32(host.encode("utf-8")) % NETWORK.num_addresses
        for step in range(NETWORK.num_addresses):
            candidate = str(NETWORK[(first + step) % NETWORK.num_addresses])
            if candidate not in table and candidate not in (str(NETWORK[0]), LOCAL):
                break
        table[host], table[candidate] = candidate, host
        known = candidate
    return known


def site_at(address: str) -> Optional[Site]:
    """The site whose address ``address`` is (an address it was given), or None."""
    try:
        if ipaddress.ip_address(address) not in NETWORK:
            return None
    except ValueError:
        return None
    host = _addresses().get(address)
    return sites().get(host) if host is not None else None


def host_at(address: str) -> Optional[str]:
    """The name of the site at ``address``, or None."""
    site = site_at(address)
    return site.host if site is not None else None


# -- a site's server --------------------------------------------------------------------------

class _Bad(Exception):
    """A request the server cannot read (400)."""


def _request(data: bytearray) -> Optional[tuple[int, str, str, bool]]:
    """The first request in ``data``: (its length, method, target, whether the connection is
    kept alive after it), or None while it is incomplete; :class:`_Bad` if it is not HTTP."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        if len(data) > MAX_HEAD or data[:1] and not data[:1].isalpha():
            raise _Bad
        return None
    lines = bytes(data[:end]).decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
        raise _Bad
    method, target, version = parts
    headers: dict[str, str] = {}
    for text in lines[1:]:
        name, colon, value = text.partition(":")
        if not colon or not name or name != name.strip():
            raise _Bad
        headers[name.lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep = connection == "keep-alive" if version == "HTTP/1.0" else connection != "close"
    at = end + 4
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:   # (size lines, then the last chunk's trailers up to an empty line)
            eol = data.find(b"\r\n", at)
            if eol < 0:
                return None
            try:
                size = int(bytes(data[at:eol]).split(b";")[0], 16)
            except ValueError:
                raise _Bad from None
            at = eol + 2
            if size == 0:
                while True:
                    eol = data.find(b"\r\n", at)
                    if eol < 0:
                        return None
                    at, empty = eol + 2, eol == at
                    if empty:
                        return at, method, target, keep
            at += size + 2
            if at > len(data):
                return None
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _Bad from None
    if length < 0:
        raise _Bad
    if len(data) < at + length:
        return None
    return at + length, method, target, keep


_BAD_REQUEST = b"<!doctype html>\n<title>400 Bad Request</title>\n"


def _bad_request(detail: str = "") -> tuple[bytes, bytes]:
    body = _BAD_REQUEST if not detail else \
        _BAD_REQUEST + f"<p>{detail}\n".encode("ascii")
    head = (f"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("ascii")
    return head, body


class Server:
    """A site's end of one connection (its endpoint ``end``, whose peer is the program's
    ``client`` endpoint): reads the requests the program sends, and sends each its response on
    the network's clock. ``close`` closes ``end`` (as a socket's last handle closes it)."""

    def __init__(self, world: Any, site: Site, port: int, end: Any, client: Any,
                 close: Callable[[], None], wake: Callable[[], object]) -> None:
        self.world = world
        self.site = site
        self.port = port
        self.end = end
        self.client = client
        self._close = close
        self._wake = wake
        #: Whether the program must wrap the connection in TLS first (port 443), and did.
        self.tls_expected = port == HTTPS_PORT
        self.tls = False
        self.received = bytearray()
        #: Responses to send: (when their request ended, head, body, close after it).
        self.answers: deque[tuple[float, bytes, bytes, bool]] = deque()
        self.sending = False
        self.done = False   # (it answered a request that closes the connection, or a bad one)

    def receive(self) -> None:
        """The program sent bytes (now in ``end.incoming``): answer each complete request."""
        self.received += self.end.incoming
        self.end.incoming.clear()
        world = self.world
        while self.received and not self.done:
            if self.tls_expected and not self.tls and self.received.startswith(HELLO):
                # (tls.py's client over a memory BIO, asyncio's: answered at once, as the
                # handshake costs no time of its own)
                end = self.received.find(b"\r\n")
                if end < 0:
                    return
                del self.received[:end + 2]
                self.tls = True
                self._deliver(HELLO_OK + self.site.host.encode("ascii") + b"\r\n")
                continue
            if self.tls_expected and not self.tls and self.received[:2] == b"\x16\x03":
                # (a real TLS handshake: a memory BIO of OpenSSL's, which tls.py did not make)
                refuse(UnsimulatedError(
                    "the simulated program sent a real TLS handshake to a simulated site (a "
                    "memory BIO of OpenSSL's: wrap_bio with no server_hostname, or the "
                    "machine's own): simconc simulates TLS to a site named as server_hostname "
                    "(https:// of a site; wrap_socket or wrap_bio with a host name)."))
            if self.tls_expected and not self.tls:
                head, body = _bad_request("The plain HTTP request was sent to HTTPS port")
                close = True
                self.received.clear()
            else:
                try:
                    request = _request(self.received)
                except _Bad:
                    request = None
                    head, body = _bad_request()
                    close = True
                    self.received.clear()
                else:
                    if request is None:
                        return
                    size, method, target, keep = request
                    del self.received[:size]
                    path = target
                    if "://" in target:   # (absolute form: a proxy's request)
                        path = path_of(target)[1]
                    scheme = "https" if self.tls else "http"
                    head, body = response(self.site, f"{scheme}://{self.site.host}{path}",
                                          path, method, keep_alive=keep)
                    close = not keep
            self.done = close
            self.answers.append((world.read_clock(), head, body, close))
        if not self.sending:
            self._next()

    def _next(self) -> None:
        """Send the next response (if the connection is still there)."""
        if not self.answers or self.client.state == "closed":
            self.sending = False
            return
        self.sending = True
        asked, head, body, close = self.answers.popleft()
        world = self.world
        start = max(world.now, asked + self.site.latency)
        transfer = line().add(start, len(body), self.site.bandwidth)
        headed, sent = False, 0

        def step() -> None:
            nonlocal headed, sent
            if self.client.state == "closed":
                self.sending = False
                return
            if not headed:
                if not self._due(start):
                    self._later(start, step)
                    return
                self._deliver(head)
                headed = True
            while sent < len(body):
                target = min(sent + SEGMENT, len(body))
                arrives = line().arrived(transfer, target)
                if not self._due(arrives):
                    self._later(arrives, step)
                    return
                self._deliver(body[sent:target])
                sent = target
            if close:
                self.sending = False
                self._close()
            else:
                self._next()

        step()

    def _due(self, when: float) -> bool:
        world = self.world
        return not world.clocked or when <= world.now + 1e-12

    def _later(self, when: float, action: Callable[[], None]) -> None:
        self.world.timer(when - self.world.now, action)

    def _deliver(self, data: bytes) -> None:
        client = self.client
        if client.state == "connected":
            client.incoming += data
            self._wake()
