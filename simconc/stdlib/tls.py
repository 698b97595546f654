"""TLS to the simulated network's sites. In a run, ``ssl.SSLContext.wrap_socket`` of a
simulated socket that connects to a site (:mod:`.remote`) gives an :class:`SSLSocket` of the
simulated machine, and ``wrap_bio`` with a site's name as ``server_hostname`` (asyncio's
streams, aiohttp) an :class:`SSLObject`, so that ``https://`` works over ``http.client``,
``urllib.request``'s openers, ``requests``, asyncio and ``aiohttp`` as ``http://`` does.
(``wrap_bio`` with a name of the machine's own, ``localhost``, is OpenSSL's.)

Nothing is encrypted: the bytes are the site's HTTP, and the handshake costs no time (the
site's ``latency`` counts the round trips). An ``SSLObject`` opens with a line of its own
(``remote.HELLO``), which the site answers at once with its name. What the program can see of
TLS is checked as OpenSSL checks it, with CPython's errors: ``check_hostname`` without a
``server_hostname``, a name the site's certificate is not for, TLS to a site's plain HTTP port.
The certificate (``getpeercert()``) is the site's, issued by simconc's simulated network, and
every context's trust store is taken to trust it. A TLS server of the program's
(``wrap_socket(server_side=True)``) is refused, and so is ``wrap_socket`` on the machine's
loopback: the program's certificates would need real TLS.
"""
from __future__ import annotations

import ssl
from typing import Any, Optional

from ..kernel import UnsimulatedError
from .refusal import refuse
from .remote import HELLO, HELLO_OK, HTTPS_PORT, Server
from .sockets import on_loopback, socket


def _refused(what: str) -> UnsimulatedError:
    return UnsimulatedError(
        f"the simulated program asked for {what}: simconc simulates TLS to the simulated "
        f"network's sites (https:// of a site, wrap_socket of a socket connected to one), "
        f"not on the machine's loopback.")


def _server(sock: socket) -> Optional[Server]:
    peer = sock._ep.peer
    return peer.server if peer is not None else None


def _wrong_version() -> ssl.SSLError:
    return ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")


def _check_hostname(context: Any, hostname: Optional[str], host: str) -> None:
    """What OpenSSL's verification says of a certificate for ``host`` where the program asked
    for ``hostname``."""
    if context.check_hostname and context.verify_mode != ssl.CERT_NONE \
            and (hostname or "").lower().rstrip(".") != host:
        message = f"Hostname mismatch, certificate is not valid for '{hostname}'."
        error = ssl.SSLCertVerificationError(
            1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}")
        error.verify_code, error.verify_message = 62, message   # (X509_V_ERR_HOSTNAME_MISMATCH)
        raise error


class _Session:
    """What an :class:`SSLSocket` and an :class:`SSLObject` show of their session with a site
    (``_site_host()``: its name, once the handshake is done)."""

    __slots__ = ()
    _context: Any
    _hostname: Optional[str]

    def _site_host(self) -> Optional[str]:
        raise NotImplementedError

    @property
    def context(self) -> Any:
        return self._context

    @property
    def server_hostname(self) -> Optional[str]:
        return self._hostname

    server_side = False
    session = None
    session_reused = False

    def version(self) -> Optional[str]:
        return "TLSv1.3" if self._site_host() else None

    def cipher(self) -> Optional[tuple[str, str, int]]:
        return ("TLS_AES_256_GCM_SHA384", "TLSv1.3", 256) if self._site_host() else None

    def shared_ciphers(self) -> None:
        return None

    def compression(self) -> None:
        return None

    def selected_alpn_protocol(self) -> None:
        return None

    def selected_npn_protocol(self) -> None:
        return None

    def get_channel_binding(self, cb_type: str = "tls-unique") -> None:
        return None

    def getpeercert(self, binary_form: bool = False) -> Any:
        """The site's certificate, as ``getpeercert`` decodes it; ``{}`` when the context did
        not verify it (CERT_NONE), as CPython's; its DER form is not simulated (None)."""
        host = self._site_host()
        if binary_form or host is None:
            return None
        if self._context.verify_mode == ssl.CERT_NONE:
            return {}
        return {
            "subject": ((("commonName", host),),),
            "issuer": ((("organizationName", "simconc"),),
                       (("commonName", "simconc simulated network CA"),)),
            "version": 3,
            "serialNumber": "5349434F4E43",
            "notBefore": "Jan  1 00:00:00 2017 GMT",
            "notAfter": "Dec 31 23:59:59 2099 GMT",
            "subjectAltName": (("DNS", host),),
        }


class SSLSocket(socket, _Session):
    """``ssl.SSLSocket`` on the simulated machine, for a connection to a site."""

    __slots__ = ("_context", "_hostname")
    _context: Any
    _hostname: Optional[str]

    def _simconc_fork(self, memo: dict, scope: str) -> "SSLSocket":
        copied: SSLSocket = super()._simconc_fork(memo, scope)  # type: ignore[assignment]
        copied._context, copied._hostname = self._context, self._hostname
        return copied

    def dup(self) -> "SSLSocket":
        raise NotImplementedError(f"Can't dup() {type(self).__name__} instances")

    def _connect(self, address: Any) -> Optional[OSError]:
        error = super()._connect(address)
        if error is None or isinstance(error, BlockingIOError):
            self._handshake()
        return error

    def _handshake(self) -> None:
        """What the handshake checks, on a connected socket."""
        server = _server(self)
        if server is None:
            refuse(_refused("TLS on the machine's loopback (wrap_socket)"))
        if server.port != HTTPS_PORT:   # (the site answers its HTTP port in plain text)
            raise _wrong_version()
        _check_hostname(self._context, self._hostname, server.site.host)
        server.tls = True

    def _site_host(self) -> Optional[str]:
        server = None if self._released else _server(self)
        return server.site.host if server is not None and server.tls else None

    def do_handshake(self, block: bool = False) -> None:
        self._check()

    def pending(self) -> int:
        return 0

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        if buffer is not None:
            return self.recv_into(buffer, len)
        return self.recv(len)

    def write(self, data: Any) -> int:
        return self.send(data)

    def unwrap(self) -> Any:
        refuse(_refused("a TLS connection's unwrap()"))


SSLSocket.__module__ = "ssl"
SSLSocket.__qualname__ = SSLSocket.__name__ = "SSLSocket"


def wrap_socket(context: Any, sock: Any, server_side: bool = False,
                do_handshake_on_connect: bool = True, suppress_ragged_eofs: bool = True,
                server_hostname: Optional[str] = None, session: Any = None) -> Any:
    """``ssl.SSLContext.wrap_socket`` in a run (see the module's docstring)."""
    if server_side:
        refuse(_refused("a TLS server (wrap_socket(server_side=True))"))
    if not isinstance(sock, socket):
        refuse(_refused("TLS on a socket that is not a simulated one"))
    if context.check_hostname and not server_hostname:
        raise ValueError("check_hostname requires server_hostname")
    connected = sock._check().state == "connected"
    made = sock._hand_over(SSLSocket)
    made._context, made._hostname = context, server_hostname
    if connected:
        try:
            made._handshake()
        except (OSError, ValueError):   # (as SSLSocket._create: closed, then raised)
            made.close()
            raise
    return made


def _want_read() -> ssl.SSLError:
    return ssl.SSLWantReadError(ssl.SSL_ERROR_WANT_READ, "The operation did not complete (read)")


class SSLObject(_Session):
    """``ssl.SSLObject`` on the simulated machine: TLS over two memory BIOs (asyncio's), to
    the site named ``server_hostname``. Its handshake sends ``remote.HELLO`` and waits for the
    site's answer; then what it reads and writes is the BIOs' bytes as they are."""

    __slots__ = ("_context", "_hostname", "_incoming", "_outgoing", "_state", "_buffer",
                 "_host")

    def __init__(self, context: Any, incoming: Any, outgoing: Any, hostname: str) -> None:
        self._context, self._hostname = context, hostname
        self._incoming, self._outgoing = incoming, outgoing
        self._state = "new"   # (new, sent: the hello; done; closed: unwrapped)
        self._buffer = bytearray()   # (read from the incoming BIO and not yet returned)
        self._host: Optional[str] = None

    def _site_host(self) -> Optional[str]:
        return self._host

    def do_handshake(self) -> None:
        if self._state == "done":
            return
        if self._state == "new":
            self._outgoing.write(HELLO + (self._hostname or "").encode("idna") + b"\r\n")
            self._state = "sent"
        self._buffer += self._incoming.read()
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if not HELLO_OK.startswith(bytes(self._buffer[:len(HELLO_OK)])):
                raise _wrong_version()   # (a site's HTTP port: its 400, in plain text)
            if self._incoming.eof:
                raise ssl.SSLEOFError(8, "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred "
                                         "in violation of protocol")
            raise _want_read()
        line = bytes(self._buffer[:end])
        if not line.startswith(HELLO_OK):
            raise _wrong_version()
        del self._buffer[:end + 2]
        host = line[len(HELLO_OK):].decode("ascii")
        _check_hostname(self._context, self._hostname, host)
        self._host, self._state = host, "done"

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        self.do_handshake()
        self._buffer += self._incoming.read()
        if not self._buffer and not self._incoming.eof:
            raise _want_read()
        data = bytes(self._buffer[:len])
        del self._buffer[:len]
        if buffer is not None:   # (``len``, CPython's name for the argument, hides the builtin)
            size = memoryview(data).nbytes
            memoryview(buffer).cast("B")[:size] = data
            return size
        return data

    def write(self, data: Any) -> int:
        self.do_handshake()
        size = memoryview(data).nbytes
        self._outgoing.write(data)
        return size

    def pending(self) -> int:
        return len(self._buffer)

    def unwrap(self) -> None:
        self._state = "closed"

    def verify_client_post_handshake(self) -> None:
        refuse(_refused("TLS post-handshake authentication"))


SSLObject.__module__ = "ssl"


def wrap_bio(context: Any, incoming: Any, outgoing: Any, server_side: bool = False,
             server_hostname: Optional[str] = None, session: Any = None) -> Any:
    """``ssl.SSLContext.wrap_bio`` in a run: an :class:`SSLObject` for a client that names a
    host as ``server_hostname`` (a site, or a name the site it reaches may not have: the
    handshake says so); OpenSSL's own for a server, or a client of the machine's own names (a
    program's TLS on its loopback, whose certificates are its own)."""
    if not server_side and server_hostname and not on_loopback(server_hostname):
        return SSLObject(context, incoming, outgoing, server_hostname)
    real = ssl.SSLContext.wrap_bio
    real = getattr(real, "__wrapped__", real)
    return real(context, incoming, outgoing, server_side, server_hostname, session)
