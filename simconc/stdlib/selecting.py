"""Waiting for simulated sockets: ``select.select``, ``select.poll``, ``select.epoll`` and the
``selectors`` classes' ``select``, for the length of a run.

They wait on the machine's queue of socket waiters (``sockets.Loopback``), for at most their
timeout on the simulated clock, releasing the GIL as the real system calls do. They watch only
simulated sockets (descriptors from ``sockets.FD_BASE`` up): a real descriptor would block the
whole simulation, and is refused as before.
"""
from __future__ import annotations

import select as _real_select
import selectors
from typing import Any, Iterable, Optional, Sequence

from ..kernel import current_world
from .refusal import real_descriptors, refuse
from .sockets import FD_BASE, Endpoint, _enter, endpoint_of, loopback


def fd_of(obj: Any) -> int:
    """``obj``'s descriptor, as CPython's ``PyObject_AsFileDescriptor`` finds it."""
    if isinstance(obj, int):
        fd = obj
    else:
        method = getattr(obj, "fileno", None)
        if method is None:
            raise TypeError("argument must be an int, or have a fileno() method.")
        fd = method()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    return fd


def simulated(fd: int, what: object) -> Endpoint:
    """The simulated socket ``fd`` is; refused if it is a real descriptor."""
    endpoint = endpoint_of(fd)
    if endpoint is None:
        if fd >= FD_BASE:
            raise OSError(9, "Bad file descriptor")
        refuse(real_descriptors(what))
    return endpoint


def _seconds(timeout: Any) -> Optional[float]:
    if timeout is None:
        return None
    if not isinstance(timeout, (int, float)):
        raise TypeError("timeout must be a float or None")
    if timeout < 0:
        raise ValueError("timeout must be non-negative")
    return float(timeout)


def _wait(ready: Any, timeout: Optional[float]) -> None:
    """Wait until ``ready()`` gives something, for at most ``timeout`` simulated seconds."""
    world = current_world()
    _enter(world)
    if timeout is None or timeout > 0:
        loopback(world).queue.wait(lambda: bool(ready()), timeout)


def select(rlist: Iterable[Any], wlist: Iterable[Any], xlist: Iterable[Any],
           timeout: Any = None) -> tuple[list, list, list]:
    """``select.select`` over simulated sockets."""
    seconds = _seconds(timeout)
    watched = [[(o, simulated(fd_of(o), o)) for o in list(objects)]
               for objects in (rlist, wlist, xlist)]

    def ready() -> tuple[list, list, list]:
        return ([o for o, e in watched[0] if e.readable()],
                [o for o, e in watched[1] if e.writable()], [])
    _wait(lambda: any(ready()), seconds)
    return ready()


def _revents(endpoint: Endpoint, mask: int) -> int:
    events = 0
    if endpoint.readable():
        events |= _real_select.POLLIN
    if endpoint.writable():
        events |= _real_select.POLLOUT
    if endpoint.error:
        events |= _real_select.POLLERR
    if endpoint.state == "closed":
        events |= _real_select.POLLNVAL
    return events & (mask | _real_select.POLLERR | _real_select.POLLHUP | _real_select.POLLNVAL)


class poll:
    """``select.poll()`` over simulated sockets."""

    def __init__(self) -> None:
        self._fds: dict[int, int] = {}

    def register(self, fd: Any, eventmask: int = _real_select.POLLIN | _real_select.POLLPRI
                 | _real_select.POLLOUT) -> None:
        self._fds[fd_of(fd)] = eventmask

    def modify(self, fd: Any, eventmask: int) -> None:
        number = fd_of(fd)
        if number not in self._fds:
            raise FileNotFoundError(2, "No such file or directory")
        self._fds[number] = eventmask

    def unregister(self, fd: Any) -> None:
        del self._fds[fd_of(fd)]

    def poll(self, timeout: Any = None) -> list[tuple[int, int]]:
        if timeout is not None:
            if not isinstance(timeout, (int, float)):
                raise TypeError("timeout must be an integer or None")
            timeout = None if timeout < 0 else timeout / 1000
        watched = [(fd, simulated(fd, fd), mask) for fd, mask in self._fds.items()]

        def ready() -> list[tuple[int, int]]:
            return [(fd, events) for fd, e, mask in watched
                    for events in (_revents(e, mask),) if events]
        _wait(ready, timeout)
        return ready()


def selector_select(selector: selectors.BaseSelector,
                    timeout: Optional[float] = None) -> list[tuple[selectors.SelectorKey, int]]:
    """A ``selectors`` selector's ``select`` when what it watches is simulated sockets, or
    nothing (then it waits ``timeout``, as the real one does: for ever, without one)."""
    if getattr(getattr(selector, "_selector", None), "closed", False):
        raise ValueError("I/O operation on closed epoll object")   # (a closed epoll's own)
    keys = [(key, simulated(key.fd, key.fileobj))
            for key in list(selector._fd_to_key.values())]   # type: ignore[attr-defined]
    if timeout is not None and timeout < 0:
        timeout = 0
    _wait(lambda: ready_keys(keys), timeout)
    return ready_keys(keys)


def ready_keys(keys: Sequence[tuple[selectors.SelectorKey, Optional[Endpoint]]]
               ) -> list[tuple[selectors.SelectorKey, int]]:
    """Of a selector's keys, each with its simulated socket (None: not one), those ready for
    the events they watch, with those events, as a selector's ``select`` returns them."""
    out = []
    for key, endpoint in keys:
        if endpoint is None:
            continue
        events = (selectors.EVENT_READ if endpoint.readable() else 0) \
            | (selectors.EVENT_WRITE if endpoint.writable() else 0)
        if events & key.events:
            out.append((key, events & key.events))
    return out


def watches_simulated(selector: Any) -> bool:
    """Whether a ``selectors`` selector watches simulated sockets only (or nothing)."""
    return all(fd >= FD_BASE for fd in list(getattr(selector, "_fd_to_key", {})))


class epoll(poll):
    """``select.epoll()`` over simulated sockets (level-triggered; its events are poll's
    numbers on Linux)."""

    def __init__(self, sizehint: int = -1, flags: int = 0) -> None:
        super().__init__()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True

    def _check(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed epoll object")

    def fileno(self) -> int:
        self._check()
        raise OSError(9, "Bad file descriptor")   # (it has no descriptor to wait on)

    def register(self, fd: Any, eventmask: int = _real_select.POLLIN | _real_select.POLLPRI
                 | _real_select.POLLOUT) -> None:
        self._check()
        if fd_of(fd) in self._fds:
            raise FileExistsError(17, "File exists")
        super().register(fd, eventmask)

    def modify(self, fd: Any, eventmask: int) -> None:
        self._check()
        super().modify(fd, eventmask)

    def unregister(self, fd: Any) -> None:
        self._check()
        if fd_of(fd) not in self._fds:
            raise FileNotFoundError(2, "No such file or directory")
        super().unregister(fd)

    def poll(self, timeout: Any = None, maxevents: int = -1) -> list[tuple[int, int]]:
        self._check()
        if timeout is not None and timeout >= 0:
            timeout = timeout * 1000
        elif timeout is not None:
            timeout = None
        events = super().poll(timeout)
        return events if maxevents is None or maxevents < 0 else events[:maxevents]

    def __enter__(self) -> "epoll":
        self._check()
        return self

    def __exit__(self, *args: object) -> None:
        self.close()
