"""The simulated ``urllib.request``: ``urlopen`` fetches from the simulated network
(:mod:`.network`); every other name is the real module's.

The response is CPython's own ``http.client.HTTPResponse``, reading the simulated site's bytes
(status line, headers, body) as they arrive: ``read()``, ``status``, ``headers``, ``geturl()``,
``with`` behave as for real. A redirect is followed by urllib's own ``HTTPRedirectHandler``;
another status other than 2xx raises ``urllib.error.HTTPError``;
a host nobody declared raises ``URLError`` with the reason a failed DNS lookup gives on Linux,
but the machine's own (``localhost``, a loopback address), where the program's servers answer
over simulated sockets (:mod:`.sockets`);
a ``timeout`` shorter than the wait raises ``TimeoutError: timed out``.
"""
from __future__ import annotations

import importlib
import socket
import sys
from typing import Any, Optional

from ..kernel import current_world
from .network import Arriving, Connection, line, path_of, response, sites
from .sockets import on_loopback

_real_module: Any = None


def _real() -> Any:
    """The real ``urllib.request`` (imported on first need: it imports ``ssl``)."""
    global _real_module
    if _real_module is None:
        known = sys.modules.get("urllib.request")
        if known is not None and not getattr(known, "_simconc_face", False):
            _real_module = known
            return known
        package = sys.modules.get("urllib")
        in_package = vars(package).get("request") if package is not None else None
        sys.modules.pop("urllib.request", None)
        try:
            _real_module = importlib.import_module("urllib.request")
        finally:
            if known is not None:   # (the face, during a run: it stays what programs import)
                sys.modules["urllib.request"] = known
                if in_package is not None:
                    sys.modules["urllib"].request = in_package  # type: ignore[attr-defined]
    return _real_module


_simconc_face = True


def __getattr__(name: str) -> Any:
    return getattr(_real(), name)


# (socket._GLOBAL_DEFAULT_TIMEOUT: CPython's sentinel for "no timeout given", not in the stubs)
def urlopen(url: Any, data: Any = None,
            timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT, *,  # type: ignore[attr-defined]
            cafile: Any = None, capath: Any = None, cadefault: bool = False,
            context: Any = None) -> Any:
    """Open ``url`` (a string or a ``Request``) on the simulated network."""
    if sys.version_info >= (3, 13):   # (3.13 took cafile, capath and cadefault away)
        for name, value in (("cafile", cafile), ("capath", capath), ("cadefault", cadefault)):
            if value not in (None, False):
                raise TypeError(f"urlopen() got an unexpected keyword argument '{name}'")
    import http.client
    import urllib.error
    real = _real()
    request = url if isinstance(url, real.Request) else real.Request(url, data)
    if data is not None:
        request.data = data
    if request.data is not None and isinstance(request.data, str):
        raise TypeError("POST data should be bytes, an iterable of bytes, or a file object. "
                        "It cannot be of type str.")
    request.timeout = timeout   # (as the real opener sets it: a redirect's request reads it)
    full_url = request.full_url
    if request.type not in ("http", "https"):
        raise urllib.error.URLError(f"unknown url type: {request.type}")
    host, path = path_of(full_url)
    site = sites().get(host)
    if site is None and on_loopback(host):
        # The program's own server, on the machine's loopback (sockets.py): urllib's own way
        # there, over simulated sockets. (No proxy: the real machine's environment may name
        # one, which would be the real network, and differ from one machine to the next.)
        opener = real.build_opener(real.ProxyHandler({}))
        return opener.open(request, timeout=timeout)
    if site is None:   # (raised as urllib raises it: while handling the lookup's error)
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except OSError as error:
            raise urllib.error.URLError(error)
    head, body = response(site, full_url, path, request.get_method())
    world = current_world()
    wait: Optional[float] = getattr(request, "timeout", None)
    if wait is socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
        wait = None
    stream = Arriving(head + body, len(head), world.read_clock(), site, wait, line())
    # (a Connection is socket enough: HTTPResponse only calls its makefile)
    answer = http.client.HTTPResponse(Connection(stream),  # type: ignore[arg-type]
                                      method=request.get_method(), url=full_url)
    answer.begin()   # (waits for the status line and the headers)
    answer.url = full_url
    answer.msg = answer.reason  # type: ignore[assignment]   # (as urllib's do_open does)
    if not 200 <= answer.status < 300:
        # A redirect is followed by urllib's own handler (its checks, its loop detection, its
        # messages, the methods it keeps), which opens the next request here again.
        redirect = real.HTTPRedirectHandler()
        follow = getattr(redirect, f"http_error_{answer.status}", None)
        if follow is not None:
            redirect.parent = _Opener()
            followed = follow(request, answer, answer.status, answer.reason, answer.headers)
            if followed is not None:
                return followed
        raise urllib.error.HTTPError(full_url, answer.status, answer.reason,
                                     answer.headers, answer)
    return answer


class _Opener:
    """What ``HTTPRedirectHandler`` opens the redirect's request with: ``urlopen`` again."""

    def open(self, request: Any, data: Any = None,
             timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT) -> Any:  # type: ignore[attr-defined]
        return urlopen(request, data, timeout)
