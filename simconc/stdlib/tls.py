"""TLS to the simulated network's sites: in a run, ``ssl.SSLContext.wrap_socket`` of a
simulated socket that connects to a site (:mod:`.remote`) gives an :class:`SSLSocket` of the
simulated machine, so that ``https://`` works over ``http.client``, ``urllib.request``'s
openers and ``requests`` as ``http://`` does.

Nothing is encrypted: the bytes are the site's HTTP, and the handshake costs no time (the
site's ``latency`` counts the round trips). What the program can see of TLS is checked as
OpenSSL checks it, with CPython's errors: ``check_hostname`` without a ``server_hostname``, a
name the site's certificate is not for, TLS to a site's plain HTTP port. The certificate
(``getpeercert()``) is the site's, issued by simconc's simulated network, and every context's
trust store is taken to trust it. TLS on the machine's loopback (a program's own TLS server) is
refused: the program's certificates would need real TLS.
"""
from __future__ import annotations

import ssl
from typing import Any, Optional

from ..kernel import UnsimulatedError
from .refusal import refuse
from .remote import HTTPS_PORT, Server
from .sockets import socket


def _refused(what: str) -> UnsimulatedError:
    return UnsimulatedError(
        f"the simulated program asked for {what}: simconc simulates TLS to the simulated "
        f"network's sites (https:// of a site, wrap_socket of a socket connected to one), "
        f"not on the machine's loopback.")


def _server(sock: socket) -> Optional[Server]:
    peer = sock._ep.peer
    return peer.server if peer is not None else None


class SSLSocket(socket):
    """``ssl.SSLSocket`` on the simulated machine, for a connection to a site."""

    __slots__ = ("_context", "_hostname")
    _context: Any
    _hostname: Optional[str]

    @property
    def context(self) -> Any:
        return self._context

    @property
    def server_hostname(self) -> Optional[str]:
        return self._hostname

    server_side = False
    session = None
    session_reused = False

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
            raise ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
        hostname = self._hostname
        if self._context.check_hostname and self._context.verify_mode != ssl.CERT_NONE \
                and (hostname or "").lower().rstrip(".") != server.site.host:
            message = f"Hostname mismatch, certificate is not valid for '{hostname}'."
            error = ssl.SSLCertVerificationError(
                1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}")
            error.verify_code, error.verify_message = 62, message   # (X509_V_ERR_HOSTNAME_MISMATCH)
            raise error
        server.tls = True

    def do_handshake(self, block: bool = False) -> None:
        self._check()

    def version(self) -> Optional[str]:
        return "TLSv1.3"

    def cipher(self) -> Optional[tuple[str, str, int]]:
        return ("TLS_AES_256_GCM_SHA384", "TLSv1.3", 256)

    def shared_ciphers(self) -> None:
        return None

    def compression(self) -> None:
        return None

    def selected_alpn_protocol(self) -> None:
        return None

    def selected_npn_protocol(self) -> None:
        return None

    def pending(self) -> int:
        return 0

    def get_channel_binding(self, cb_type: str = "tls-unique") -> None:
        return None

    def getpeercert(self, binary_form: bool = False) -> Any:
        """The site's certificate, as ``getpeercert`` decodes it; ``{}`` when the context did
        not verify it (CERT_NONE), as CPython's; its DER form is not simulated (None)."""
        self._check()
        server = _server(self)
        if binary_form or server is None:
            return None
        if self._context.verify_mode == ssl.CERT_NONE:
            return {}
        host = server.site.host
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
