"""TCP sockets on the simulated machine's loopback: ``socket.socket`` for ``AF_INET`` and
``AF_INET6`` stream sockets, and ``socket.socketpair()``, for the length of a run.

The machine has one interface, loopback (``127.0.0.1``, ``::1``): a program's servers and
clients (threads, processes of it) talk to each other over it; any other address is not the
machine's (binding to one: ``[Errno 99] Cannot assign requested address``; a host name other
than ``localhost``: refused, as nothing reaches the real network). Its port table is the
machine's (:class:`Loopback`, kept by the main interpreter's face state): a child process
connects to its parent's listener.

Modelled on ``mp_pipes``: every operation on a socket is a step on one location (``LOCATION``),
shared by all of them, a sound over-approximation for exploration; a thread that must wait (an
``accept`` with nobody connecting, a ``recv`` with nothing received, a ``send`` into a full
buffer) parks on the machine's one queue of socket waiters, releasing the GIL as the real
blocking call does, for at most its timeout on the simulated clock. What each operation
answers is what CPython answers on Linux, errno and message alike (checked against real
programs: tests/test_sockets.py runs each both ways):

- a connection carries at most ``BUFFER`` bytes not yet received each way (Linux's default
  ``SO_RCVBUF``, 128 KiB; there is no separate send buffer): a ``send`` into a full one blocks;
- a peer that closed with nothing unread sends a FIN: ``recv`` gives ``b''``, the first ``send``
  after it succeeds (its bytes are lost; the peer's kernel answers with a reset), the next ones
  raise ``BrokenPipeError: [Errno 32] Broken pipe`` (Python ignores SIGPIPE);
- a peer that closed with bytes unread sends a reset instead: the next ``recv`` raises
  ``ConnectionResetError: [Errno 104] Connection reset by peer``, then gives ``b''``;
- a port of 0 is the first free port from 32768 up (the bottom of Linux's
  ``ip_local_port_range``), in the order asked: the same in every run, where Linux picks at
  random; a closed socket frees its port at once (no ``TIME_WAIT``), and ``listen``'s backlog is
  not bounded;
- a connect on loopback completes at once (a non-blocking one raises ``EINPROGRESS`` all the
  same, as Linux's does, and the socket is writable at once).

A simulated socket's ``fileno()`` is ``FD_BASE`` (2**30) or more: Linux gives a process
descriptors below its ``RLIMIT_NOFILE``, which cannot exceed ``fs.nr_open`` (2**20 by
default), so that no number of a real descriptor is ever one of these, and ``select`` can tell
them apart.
"""
from __future__ import annotations

import ipaddress
import operator
import socket as _real_socket
from collections import deque
from typing import Any, Callable, Optional, Type

from ..kernel import UnsimulatedError, WaitQueue, current_world, maybe_current_world
from . import remote
from .mp_pipes import check_alive, thread_world
from .refusal import refuse

#: The location every operation on a simulated socket touches (see the module's docstring).
LOCATION = ("socket", "loopback")
#: How many bytes one direction of a connection holds that were sent and not yet received.
BUFFER = 131072
#: The first descriptor number of a simulated socket (see the module's docstring).
FD_BASE = 2 ** 30
#: Where ephemeral ports start.
EPHEMERAL = 32768

AF_INET, AF_INET6, SOCK_STREAM = _real_socket.AF_INET, _real_socket.AF_INET6, _real_socket.SOCK_STREAM
_V4_LOOPBACK, _V6_LOOPBACK = "127.0.0.1", "::1"
_real_socket_class = _real_socket.socket
_AF_UNIX = getattr(_real_socket, "AF_UNIX", 1)


def real_network(host: object) -> UnsimulatedError:
    """What a program that reaches for the real network (a host other than the machine's
    loopback) is told."""
    return UnsimulatedError(
        f"the simulated program reached for the real network ({host!r}): simconc never "
        f"reaches the real network. Sockets connect on the simulated machine's loopback "
        f"(localhost, 127.0.0.1, ::1) and to the simulated network's sites, which "
        f"urllib.request.urlopen fetches from too: declare a site with "
        f"simconc.serve(url, size), or use the profile's.")


# -- Linux's errors ---------------------------------------------------------------------------
# (numbers and messages as Linux has them, whatever system simconc runs on)

def _bad_fd() -> OSError:
    return OSError(9, "Bad file descriptor")


def _again() -> OSError:
    return BlockingIOError(11, "Resource temporarily unavailable")


def _invalid() -> OSError:
    return OSError(22, "Invalid argument")


def _broken_pipe() -> OSError:
    return BrokenPipeError(32, "Broken pipe")


def _in_use() -> OSError:
    return OSError(98, "Address already in use")


def _not_available() -> OSError:
    return OSError(99, "Cannot assign requested address")


def _reset() -> OSError:
    return ConnectionResetError(104, "Connection reset by peer")


def _is_connected() -> OSError:
    return OSError(106, "Transport endpoint is already connected")


def _not_connected() -> OSError:
    return OSError(107, "Transport endpoint is not connected")


def _refused() -> OSError:
    return ConnectionRefusedError(111, "Connection refused")


def _in_progress() -> OSError:
    return BlockingIOError(115, "Operation now in progress")


def _timed_out() -> OSError:
    return TimeoutError("timed out")


# -- the machine's loopback -------------------------------------------------------------------

class Loopback:
    """The machine's sockets: who is bound to which port, the descriptors, and the queue their
    waiters park on (one for all processes: a child's send wakes its parent)."""

    __slots__ = ("queue", "bound", "fds", "next_fd", "next_port", "handles")

    def __init__(self, world: Any) -> None:
        self.queue = WaitQueue(world, None, LOCATION, "a socket", selective=True)
        #: Open endpoints that have a local address, in the order they got it.
        self.bound: list[Endpoint] = []
        #: Descriptor -> endpoint, for select and the selectors.
        self.fds: dict[int, Endpoint] = {}
        self.next_fd = FD_BASE
        self.next_port = EPHEMERAL
        #: The open handles (socket objects) of every process, in the order made: a process
        #: that ends closes its own.
        self.handles: list[socket] = []

    def new_fd(self, endpoint: "Endpoint") -> int:
        fd = self.next_fd
        self.next_fd += 1
        self.fds[fd] = endpoint
        return fd

    def free_port(self, family: int) -> int:
        port = self.next_port
        while any(e.port == port for e in self.bound):
            port += 1
        self.next_port = port + 1
        return port


def loopback(world: Any = None) -> Loopback:
    """The world's loopback (made on first use)."""
    if world is None:
        world = current_world()
    state = world.interpreters[0].face
    if state.loopback is None:
        state.loopback = Loopback(world)
    return state.loopback


def endpoint_of(fd: int) -> Optional["Endpoint"]:
    """The simulated socket a descriptor number is, if it is one of the running world's."""
    if fd < FD_BASE:
        return None
    world = maybe_current_world()
    return loopback(world).fds.get(fd) if world is not None else None


class Endpoint:
    """One end of a connection, or a listening socket, as the kernel has it: shared by every
    handle of it (a ``dup``, a forked child's copy), closed when the last one is."""

    __slots__ = ("family", "proto", "fd", "handles", "state", "host", "port", "peer_address",
                 "wildcard", "options", "backlog", "incoming", "peer", "eof", "shut_rd",
                 "shut_wr", "reset", "peer_closed", "broken", "error", "busy",
                 "doomed", "server")
    _simconc_fork_shared = True

    def __init__(self, family: int, proto: int) -> None:
        self.family = family
        self.proto = proto
        self.fd = -1
        self.handles = 1
        #: new, bound, listening, connected or closed.
        self.state = "new"
        self.host = "0.0.0.0" if family == AF_INET else "::"
        self.port = 0
        self.wildcard = True
        self.peer_address: Any = None
        self.options: dict[tuple[int, int], int] = {}
        #: A listener's connections not yet accepted.
        self.backlog: deque[Endpoint] = deque()
        #: Bytes received and not yet read.
        self.incoming = bytearray()
        self.peer: Optional[Endpoint] = None
        #: The peer will send no more (its FIN arrived).
        self.eof = False
        self.shut_rd = False
        self.shut_wr = False
        #: A reset arrived that the next recv reports.
        self.reset = False
        #: The peer closed: the next send is lost and breaks the connection.
        self.peer_closed = False
        #: Sending raises EPIPE.
        self.broken = False
        #: SO_ERROR: what a non-blocking connect ended with.
        self.error = 0
        #: Threads inside a call on it (accept, recv, send), and whether its last handle was
        #: closed meanwhile: Linux closes it once those calls return (each holds the file),
        #: so a listener closed under a blocked accept still takes the next connection.
        self.busy = 0
        self.doomed = False
        #: A site's server, if this is its end of a connection (remote.py).
        self.server: Optional[remote.Server] = None

    def address(self) -> Any:
        if self.family == _AF_UNIX:   # (socketpair's: unnamed)
            return ""
        if self.family == AF_INET6:
            return (self.host, self.port, 0, 0)
        return (self.host, self.port)

    # -- readiness (select, poll, the selectors, asyncio) --
    def readable(self) -> bool:
        if self.state == "listening":
            return bool(self.backlog)
        if self.state == "connected":
            return bool(self.incoming) or self.eof or self.reset or self.shut_rd
        return self.state == "closed"

    def writable(self) -> bool:
        if self.error:
            return True
        if self.state != "connected":
            return False
        peer = self.peer
        return self.shut_wr or self.broken or self.peer_closed or peer is None \
            or peer.state == "closed" or len(peer.incoming) < BUFFER

    def close(self, machine: Optional[Loopback]) -> None:
        """The last handle is closed: the peer gets a FIN (or a reset, if bytes it sent were
        left unread), and the port is free."""
        if self.state == "closed":
            return
        peer = self.peer
        if peer is not None and peer.state != "closed":
            if self.incoming:   # (a reset; after it, recv finds the end)
                peer.reset = peer.broken = peer.eof = True
            else:
                peer.eof = True
                peer.peer_closed = True
        for pending in self.backlog:   # (connections never accepted: reset)
            client = pending.peer
            if client is not None and client.state != "closed":
                client.reset = client.broken = client.eof = True
            pending.state = "closed"
        self.backlog.clear()
        self.state = "closed"
        self.incoming.clear()
        if machine is not None:
            if self in machine.bound:
                machine.bound.remove(self)
            machine.fds = {fd: e for fd, e in machine.fds.items() if e is not self}
            machine.queue.unpark_ready()


def _enter(world: Any) -> None:
    """Before each operation: a step on the sockets' location, and its CPU time."""
    check_alive(world)
    world.point(LOCATION, "w")
    world.spend(world.profile.loopback_op)


def _record(world: Any, op: str, endpoint: Endpoint, detail: str = "") -> None:
    """An operation done, on the trace (``--trace``): the socket named by its local address."""
    if world is not None and world.tracing:
        world.record(world.current, op, f"socket {_name(endpoint.address())}", key=LOCATION,
                     detail=detail)


def _name(address: Any) -> str:
    if not address:
        return "(unnamed)"
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _unsupported(what: str) -> UnsimulatedError:
    return UnsimulatedError(
        f"the simulated program asked for {what}: simconc simulates TCP sockets "
        f"(AF_INET, AF_INET6, SOCK_STREAM) on the simulated machine's loopback and "
        f"socket.socketpair(), not {what}.")


# -- addresses --------------------------------------------------------------------------------

def _host_port(family: int, address: Any, what: str) -> tuple[str, int]:
    """``address`` checked as CPython's ``getsockaddrarg`` does, its host resolved on the
    simulated machine (an IP literal, ``localhost``, or ``''``: any)."""
    if family == AF_INET:
        if not isinstance(address, tuple):
            raise TypeError(f"{what}(): AF_INET address must be tuple, not "
                            f"{type(address).__name__}")
        if len(address) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
    else:
        if not isinstance(address, tuple):
            raise TypeError(f"{what}(): AF_INET6 address must be tuple, not "
                            f"{type(address).__name__}")
        if not 2 <= len(address) <= 4:
            raise TypeError("AF_INET6 address must be a tuple (host, port[, flowinfo[, "
                            "scopeid]])")
    host, port = address[0], address[1]
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("idna")
    if not isinstance(host, str):
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if not isinstance(port, int):
        raise TypeError(f"'{type(port).__name__}' object cannot be interpreted as an integer")
    if not 0 <= port <= 65535:
        raise OverflowError(f"{what}(): port must be 0-65535.")
    return _resolve(family, host), port


def _resolve(family: int, host: str) -> str:
    """A host as an address of ``family``; refused if it is a name the machine does not know."""
    if host == "":
        return "0.0.0.0" if family == AF_INET else "::"
    if host.lower() in ("localhost", "localhost.localdomain"):
        return _V4_LOOPBACK if family == AF_INET else _V6_LOOPBACK
    if host == "<broadcast>" and family == AF_INET:
        return "255.255.255.255"
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        site = remote.address_of(host)
        if site is None:
            refuse(real_network(host))
        if family != AF_INET:   # (a site has an IPv4 address only)
            raise _real_socket.gaierror(-5, "No address associated with hostname")
        return site
    if (ip.version == 4) != (family == AF_INET):
        raise _real_socket.gaierror(-9, "Address family for hostname not supported")
    return str(ip)


def _is_loopback(host: str) -> bool:
    return host in (_V4_LOOPBACK, _V6_LOOPBACK) or host.startswith("127.")


def on_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, as a URL has it) is the machine's loopback."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::")


def _overlap(a: Endpoint, b: Endpoint) -> bool:
    """Whether two local addresses of one port would take each other's connections."""
    if a.family == b.family:
        return a.wildcard or b.wildcard or a.host == b.host
    v6 = a if a.family == AF_INET6 else b
    return v6.wildcard and not v6.options.get((_real_socket.IPPROTO_IPV6,
                                              _real_socket.IPV6_V6ONLY), 0)


def _reuse(e: Endpoint) -> bool:
    return bool(e.options.get((_real_socket.SOL_SOCKET, _real_socket.SO_REUSEADDR), 0))


def _conflicts(machine: Loopback, new: Endpoint, listening: bool) -> bool:
    """Linux's rule, for the cases loopback has: an address in use by a listener, or by any
    socket (a connection a listener accepted too) unless both set SO_REUSEADDR (no TIME_WAIT:
    a closed socket frees its port)."""
    for other in machine.bound:
        if other is new or other.port != new.port or not _overlap(other, new):
            continue
        # (at listen, the bind's check is done: only another listener is in the way)
        if other.state == "listening" or not listening and not (_reuse(other) and _reuse(new)):
            return True
    return False


def _listener(machine: Loopback, family: int, host: str, port: int) -> Optional[Endpoint]:
    """Who accepts a connection to ``host:port``: a listener bound to that address, else to
    its family's wildcard (or IPv6's, dual-stack)."""
    wildcard = None
    for e in machine.bound:
        if e.state != "listening" or e.port != port:
            continue
        if e.family == family and e.host == host:
            return e
        if wildcard is None and e.wildcard and (
                e.family == family or family == AF_INET and not e.options.get(
                    (_real_socket.IPPROTO_IPV6, _real_socket.IPV6_V6ONLY), 0)):
            wildcard = e
    return wildcard


# -- the socket -------------------------------------------------------------------------------

def _timeout_value(value: Any) -> Optional[float]:
    """A timeout as CPython's ``settimeout`` takes it (a float, or an integer: its errors)."""
    if value is None:
        return None
    value = float(value) if isinstance(value, float) else float(operator.index(value))
    if value != value:
        raise ValueError("Invalid value NaN (not a number)")
    if value < 0:
        raise ValueError("Timeout value out of range")
    return value


class socket:
    """``socket.socket`` on the simulated machine (see the module's docstring)."""

    __slots__ = ("_ep", "_fd", "_timeout", "_closed", "_released", "_io_refs", "_owner",
                 "__weakref__")
    _timeout: Optional[float]
    _owner: Any   # (the interpreter whose handle it is; None made outside a run)

    def __init__(self, family: int = -1, type: int = -1, proto: int = -1,
                 fileno: Optional[int] = None) -> None:
        if fileno is not None:
            refuse(_unsupported("a socket made from a descriptor (socket(fileno=...))"))
        family = AF_INET if family == -1 else family
        type = SOCK_STREAM if type == -1 else type
        proto = 0 if proto == -1 else proto
        kind = type & ~(getattr(_real_socket, "SOCK_NONBLOCK", 0)
                        | getattr(_real_socket, "SOCK_CLOEXEC", 0))
        if family not in (AF_INET, AF_INET6) or kind != SOCK_STREAM:
            refuse(_unsupported(_describe(family, kind)))
        if proto not in (0, _real_socket.IPPROTO_TCP):
            raise OSError(93, "Protocol not supported")
        endpoint = Endpoint(family, proto)
        self._open(endpoint, _real_socket.getdefaulttimeout())
        if type & getattr(_real_socket, "SOCK_NONBLOCK", 0):
            self._timeout = 0.0

    def _open(self, endpoint: Endpoint, timeout: Optional[float]) -> None:
        world = maybe_current_world()
        if world is not None:
            machine = loopback(world)
            if endpoint.fd < 0:
                endpoint.fd = machine.new_fd(endpoint)
                self._fd = endpoint.fd
            else:
                self._fd = machine.new_fd(endpoint)
            self._owner = world.current_interpreter()
            machine.handles.append(self)
        else:
            self._fd = -1
            self._owner = None
        self._ep = endpoint
        self._timeout = timeout
        self._closed = self._released = False
        self._io_refs = 0

    @classmethod
    def _around(cls, endpoint: Endpoint, timeout: Optional[float]) -> "socket":
        made = cls.__new__(cls)
        made._open(endpoint, timeout)
        return made

    def _simconc_fork(self, memo: dict, scope: str) -> "socket":
        """A forked child's copy (fork.py): another handle of the same endpoint, the same
        number, the child's (the interpreter being forked is the newest, named ``scope``)."""
        copied = type(self).__new__(type(self))
        copied._ep, copied._fd, copied._timeout = self._ep, self._fd, self._timeout
        copied._closed, copied._released, copied._io_refs = self._closed, self._released, 0
        world = current_world()
        copied._owner = next(i for i in reversed(world.interpreters) if i.prefix == scope)
        if not self._released:
            self._ep.handles += 1
            loopback(world).handles.append(copied)
        memo[id(self)] = copied
        return copied

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"cannot pickle '{type(self).__name__}' object")

    # -- what CPython's socket.socket is made of (its Python-level methods, borrowed below) --
    @property
    def family(self) -> Any:
        return _real_socket.AddressFamily(self._ep.family)

    @property
    def type(self) -> Any:
        return _real_socket.SocketKind(SOCK_STREAM)

    @property
    def proto(self) -> int:
        return self._ep.proto

    @property
    def timeout(self) -> Optional[float]:
        return self._timeout

    def fileno(self) -> int:
        return -1 if self._released else self._fd

    def _check(self) -> Endpoint:
        if self._released:
            raise _bad_fd()
        return self._ep

    def _begin(self) -> tuple[Endpoint, Any]:
        """An operation begins: this handle's endpoint (EBADF once closed), and the world whose
        simulated thread runs it (None outside one), the operation's step taken."""
        endpoint = self._check()
        world = thread_world()
        if world is not None:
            _enter(world)
        return endpoint, world

    # (CPython's close and makefile's reference count: the descriptor stays open until the
    # last file object that makefile() made closes too)
    def _real_close(self) -> None:
        if self._released:
            return
        self._release()
        endpoint = self._ep
        if endpoint.handles <= 0 and endpoint.busy:
            endpoint.doomed = True
        elif endpoint.handles <= 0:
            world = thread_world()
            if world is not None:
                _enter(world)
                _record(world, "close", endpoint)
            world = maybe_current_world()
            endpoint.close(loopback(world) if world is not None else None)

    def _release(self) -> None:
        """This handle is closed (the endpoint with it, if it was the last: the caller's)."""
        self._released = True
        self._ep.handles -= 1
        world = maybe_current_world()
        if world is not None:
            handles = loopback(world).handles
            if self in handles:
                handles.remove(self)

    def close(self) -> None:
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def _decref_socketios(self) -> None:
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self._real_close()

    def detach(self) -> int:
        refuse(_unsupported("a simulated socket's descriptor (detach())"))

    def _hand_over(self, cls: Type["socket"]) -> Any:
        """This handle as an object of ``cls`` (a subclass), which takes its descriptor over:
        this one is detached (``fileno()`` -1, closing it does nothing), as ssl's
        ``wrap_socket`` detaches the socket it wraps."""
        endpoint = self._check()
        made = cls.__new__(cls)
        made._ep, made._fd, made._timeout, made._owner = \
            endpoint, self._fd, self._timeout, self._owner
        made._closed = made._released = False
        made._io_refs = 0
        self._closed = self._released = True
        world = maybe_current_world()
        if world is not None:
            handles = loopback(world).handles
            if self in handles:
                handles[handles.index(self)] = made
        return made

    def dup(self) -> "socket":
        endpoint = self._check()
        endpoint.handles += 1
        copied = type(self).__new__(type(self))
        copied._ep = endpoint
        world = maybe_current_world()
        copied._fd = loopback(world).new_fd(endpoint) if world is not None else -1
        copied._owner = world.current_interpreter() if world is not None else None
        if world is not None:
            loopback(world).handles.append(copied)
        copied._timeout, copied._io_refs = self._timeout, 0
        copied._closed = copied._released = False
        return copied

    def get_inheritable(self) -> bool:
        self._check()
        return False

    def set_inheritable(self, inheritable: bool) -> None:
        self._check()

    # -- timeouts --
    def settimeout(self, value: Any) -> None:
        self._timeout = _timeout_value(value)

    def gettimeout(self) -> Optional[float]:
        return self._timeout

    def setblocking(self, flag: bool) -> None:
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    def _wait(self, world: Any, until: Callable[[], bool], flags: int = 0,
              timeout: Any = -1.0) -> None:
        """Wait until ``until()``, as the socket's timeout says: for ever, not at all
        (BlockingIOError) or for at most its seconds of simulated time (TimeoutError)."""
        if until():
            return
        if timeout == -1.0:
            timeout = self._timeout
        if flags & getattr(_real_socket, "MSG_DONTWAIT", 0):
            timeout = 0.0
        if world is None or timeout == 0.0:
            raise _again()
        if not loopback(world).queue.wait(until, timeout):
            raise _timed_out()

    def _hold(self, endpoint: Endpoint) -> None:
        endpoint.busy += 1

    def _settle(self, endpoint: Endpoint) -> None:
        """A call on ``endpoint`` returns: if its last handle was closed meanwhile, it closes
        now."""
        endpoint.busy -= 1
        if endpoint.doomed and not endpoint.busy:
            world = maybe_current_world()
            endpoint.close(loopback(world) if world is not None else None)

    # -- options --
    def setsockopt(self, level: int, optname: int, value: Any, optlen: Any = None) -> None:
        endpoint = self._check()
        if isinstance(value, (bytes, bytearray)):
            value = int.from_bytes(bytes(value[:4]) or b"\0", "little")
        elif value is None:
            value = 0
        endpoint.options[(level, optname)] = int(value)

    def getsockopt(self, level: int, optname: int, buflen: Optional[int] = None) -> Any:
        endpoint = self._check()
        if (level, optname) == (_real_socket.SOL_SOCKET, _real_socket.SO_ERROR):
            value, endpoint.error = endpoint.error, 0
        elif (level, optname) == (_real_socket.SOL_SOCKET, _real_socket.SO_TYPE):
            value = SOCK_STREAM
        elif (level, optname) == (_real_socket.SOL_SOCKET, _real_socket.SO_RCVBUF):
            value = endpoint.options.get((level, optname), BUFFER)
        elif (level, optname) == (_real_socket.SOL_SOCKET, _real_socket.SO_SNDBUF):
            value = endpoint.options.get((level, optname), 16384)
        elif (level, optname) == (_real_socket.SOL_SOCKET, _real_socket.SO_ACCEPTCONN):
            value = int(endpoint.state == "listening")
        else:
            value = endpoint.options.get((level, optname), 0)
        if buflen is not None:
            return value.to_bytes(4, "little").ljust(buflen, b"\0")[:buflen]
        return value

    # -- addresses --
    def bind(self, address: Any) -> None:
        endpoint = self._check()
        host, port = _host_port(endpoint.family, address, "bind")
        world = thread_world()
        machine = loopback()
        if world is not None:
            _enter(world)
        if endpoint.state != "new":
            raise _invalid()
        if not (_is_wildcard(host) or _is_loopback(host)):
            raise _not_available()
        before = endpoint.host, endpoint.port, endpoint.wildcard
        endpoint.host, endpoint.wildcard = host, _is_wildcard(host)
        endpoint.port = port if port else machine.free_port(endpoint.family)
        if _conflicts(machine, endpoint, False):
            endpoint.host, endpoint.port, endpoint.wildcard = before
            raise _in_use()
        endpoint.state = "bound"
        machine.bound.append(endpoint)

    def _autobind(self, machine: Loopback, endpoint: Endpoint) -> None:
        endpoint.port = machine.free_port(endpoint.family)
        endpoint.state = "bound"
        machine.bound.append(endpoint)

    def listen(self, backlog: int = 128) -> None:
        endpoint, world = self._begin()
        machine = loopback()
        if endpoint.state == "connected":
            raise _invalid()
        if endpoint.state == "new":
            self._autobind(machine, endpoint)
        if endpoint.state == "bound" and _conflicts(machine, endpoint, True):
            raise _in_use()
        endpoint.state = "listening"
        _record(world, "listen", endpoint)

    def getsockname(self) -> tuple:
        return self._check().address()

    def getpeername(self) -> tuple:
        endpoint = self._check()
        if endpoint.state != "connected" or endpoint.peer_address is None:
            raise _not_connected()
        return endpoint.peer_address

    # -- connections --
    def accept(self) -> tuple["socket", tuple]:
        endpoint, world = self._begin()
        if endpoint.state != "listening":
            raise _invalid()
        self._hold(endpoint)
        try:
            self._wait(world, lambda: bool(endpoint.backlog) or endpoint.state != "listening")
            if endpoint.state != "listening":
                raise _bad_fd() if endpoint.state == "closed" else _invalid()
            conn = endpoint.backlog.popleft()
        finally:
            self._settle(endpoint)
        _record(world, "accept", endpoint, f"from {_name(conn.peer_address)}")
        # (CPython's accept: the default timeout, whatever the listener's)
        accepted = socket._around(conn, _real_socket.getdefaulttimeout())
        return accepted, conn.peer_address

    def _accept(self) -> tuple[int, tuple]:
        refuse(_unsupported("a simulated socket's accept() as a descriptor (_accept())"))

    def connect(self, address: Any) -> None:
        error = self._connect(address)
        if error is not None:
            raise error

    def connect_ex(self, address: Any) -> int:
        error = self._connect(address)
        return 0 if error is None else error.errno or 0

    def _connect(self, address: Any) -> Optional[OSError]:
        endpoint = self._check()
        host, port = _host_port(endpoint.family, address, "connect")
        world = thread_world()
        if world is not None:
            _enter(world)
        if endpoint.state == "connected":
            return _is_connected()
        if endpoint.state == "listening":
            return _invalid()
        if not _is_loopback(host) and not _is_wildcard(host):
            site = remote.site_at(host)
            if site is None:
                refuse(real_network(host))
            return self._connect_site(world, endpoint, site, host, port)
        if _is_wildcard(host):   # (Linux: connecting to "any" reaches loopback)
            host = _V4_LOOPBACK if endpoint.family == AF_INET else _V6_LOOPBACK
        machine = loopback()
        listener = _listener(machine, endpoint.family, host, port)
        if listener is None:
            _record(world, "connect", endpoint, f"to {_name((host, port))}: refused")
            if self._timeout == 0.0:
                endpoint.error = 111
                return _in_progress()
            return _refused()
        if endpoint.state == "new":
            self._autobind(machine, endpoint)
            endpoint.host, endpoint.wildcard = (_V4_LOOPBACK if endpoint.family == AF_INET
                                                else _V6_LOOPBACK), False
        elif endpoint.wildcard:
            endpoint.host, endpoint.wildcard = host, False
        accepted = Endpoint(listener.family, listener.proto)
        accepted.options = dict(listener.options)   # (as Linux's clone: SO_REUSEADDR too)
        accepted.host, accepted.port, accepted.wildcard = host, port, False
        if listener.family == AF_INET6 and endpoint.family == AF_INET:
            accepted.host = "::ffff:" + host
        accepted.state = endpoint.state = "connected"
        accepted.peer, endpoint.peer = endpoint, accepted
        accepted.peer_address = _as_seen_by(listener.family, endpoint)
        endpoint.peer_address = _as_seen_by(endpoint.family, accepted) \
            if listener.family == endpoint.family else (host, port)
        machine.bound.append(accepted)
        listener.backlog.append(accepted)
        machine.queue.unpark_ready()
        _record(world, "connect", endpoint, f"to {_name(endpoint.peer_address)}")
        if self._timeout == 0.0:
            return _in_progress()
        return None

    def _connect_site(self, world: Any, endpoint: Endpoint, site: Any, host: str,
                      port: int) -> Optional[OSError]:
        """A connection to a site of the simulated network (remote.py): to its server."""
        if port not in (remote.HTTP_PORT, remote.HTTPS_PORT):
            _record(world, "connect", endpoint, f"to {site.host} ({_name((host, port))}): "
                                                f"refused")
            if self._timeout == 0.0:
                endpoint.error = 111
                return _in_progress()
            return _refused()
        machine = loopback()
        if endpoint.state == "new":
            self._autobind(machine, endpoint)
        endpoint.host, endpoint.wildcard = remote.LOCAL, False
        end = Endpoint(AF_INET, endpoint.proto)
        end.host, end.port, end.wildcard = host, port, False
        end.state = endpoint.state = "connected"
        end.peer, endpoint.peer = endpoint, end
        endpoint.peer_address, end.peer_address = (host, port), (remote.LOCAL, endpoint.port)
        end.server = remote.Server(current_world(), site, port, end, endpoint,
                                   lambda: end.close(machine), machine.queue.unpark_ready)
        _record(world, "connect", endpoint, f"to {site.host} ({_name((host, port))})")
        if self._timeout == 0.0:
            return _in_progress()
        return None

    def shutdown(self, how: int) -> None:
        endpoint = self._check()
        if how not in (_real_socket.SHUT_RD, _real_socket.SHUT_WR, _real_socket.SHUT_RDWR):
            raise _invalid()
        world = thread_world()
        if world is not None:
            _enter(world)
        if endpoint.state == "listening" and how != _real_socket.SHUT_WR:
            endpoint.state = "bound"   # (Linux: it listens no more; a blocked accept: EINVAL)
            loopback().queue.unpark_ready()
            return
        if endpoint.state != "connected":
            raise _not_connected()
        if how in (_real_socket.SHUT_RD, _real_socket.SHUT_RDWR):
            endpoint.shut_rd = True
        if how in (_real_socket.SHUT_WR, _real_socket.SHUT_RDWR) and not endpoint.shut_wr:
            endpoint.shut_wr = True
            if endpoint.peer is not None:
                endpoint.peer.eof = True
        loopback().queue.unpark_ready()

    # -- bytes --
    def send(self, data: Any, flags: int = 0) -> int:
        view = _bytes_view(data)
        endpoint, world = self._begin()
        self._hold(endpoint)
        try:
            sent = self._send(world, endpoint, view, flags, self._timeout)
        finally:
            self._settle(endpoint)
        _record(world, "send", endpoint, f"{sent} bytes")
        return sent

    def _send(self, world: Any, endpoint: Endpoint, view: memoryview, flags: int,
              timeout: Optional[float]) -> int:
        """One send: a blocking socket's sends it all, waiting for room in the peer's buffer;
        one with a timeout, what fits once there is room (CPython waits for the socket to be
        writable, then sends without blocking)."""
        sent = 0
        while True:
            if endpoint.state != "connected" or endpoint.shut_wr or endpoint.broken:
                if endpoint.reset:
                    endpoint.reset = False
                    raise _reset()
                raise _broken_pipe()
            if endpoint.peer_closed:   # (lost: the peer's kernel answers with a reset)
                endpoint.broken = True
                return len(view)
            peer = endpoint.peer
            assert peer is not None
            room = BUFFER - len(peer.incoming)
            if room > 0 and sent < len(view):
                chunk = view[sent:sent + room]
                peer.incoming += chunk
                sent += len(chunk)
                if peer.server is not None:   # (a site's: it reads what arrives)
                    peer.server.receive()
                if world is not None:
                    loopback(world).queue.unpark_ready()
            if sent == len(view) or sent and timeout is not None:
                return sent
            self._wait(world, lambda: endpoint.writable(), flags, timeout)

    def sendall(self, data: Any, flags: int = 0) -> None:
        view = _bytes_view(data)
        endpoint, world = self._begin()
        timeout = self._timeout
        deadline = None if timeout is None or world is None \
            else world.read_clock() + timeout
        self._hold(endpoint)
        try:
            self._sendall(world, endpoint, view, flags, timeout, deadline)
        finally:
            self._settle(endpoint)
        _record(world, "send", endpoint, f"{len(view)} bytes")

    def _sendall(self, world: Any, endpoint: Endpoint, view: memoryview, flags: int,
                 timeout: Optional[float], deadline: Optional[float]) -> None:
        sent = 0
        while True:
            left = None if deadline is None else max(0.0, deadline - world.read_clock())
            if left == 0.0 and timeout != 0.0:
                raise _timed_out()
            sent += self._send(world, endpoint, view[sent:], flags,
                               None if timeout is None else (left if timeout else 0.0))
            if sent >= len(view):
                return

    def sendto(self, *args: Any) -> int:
        refuse(_unsupported("sendto() (UDP)"))

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        bufsize = operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        return self._recv(bufsize, flags)

    def _recv(self, bufsize: int, flags: int) -> bytes:
        endpoint, world = self._begin()
        if endpoint.state != "connected":
            raise _not_connected()
        self._hold(endpoint)
        try:
            self._wait(world, endpoint.readable, flags)
        finally:
            self._settle(endpoint)
        if endpoint.reset:
            endpoint.reset = False
            endpoint.incoming.clear()
            raise _reset()
        if endpoint.shut_rd and not endpoint.incoming:
            return b""
        data = bytes(endpoint.incoming[:bufsize])
        if not flags & _real_socket.MSG_PEEK:
            del endpoint.incoming[:bufsize]
            if data and world is not None:
                loopback(world).queue.unpark_ready()
        _record(world, "recv", endpoint, f"{len(data)} bytes" if data else "end of stream")
        return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        view = memoryview(buffer).cast("B")
        if nbytes == 0:
            nbytes = len(view)
        elif nbytes > len(view):
            raise ValueError("buffer too small for requested bytes")
        data = self._recv(nbytes, flags)
        view[:len(data)] = data
        return len(data)

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, Any]:
        bufsize = operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recvfrom")
        return self._recv(bufsize, flags), None

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        return self.recv_into(buffer, nbytes, flags), None

    def __enter__(self) -> "socket":
        return self

    def __exit__(self, *args: object) -> None:
        if not self._closed:
            self.close()

    def sendfile(self, file: Any, offset: int = 0, count: Optional[int] = None) -> int:
        refuse(_unsupported("socket.sendfile()"))


# CPython's own Python-level methods: its repr, makefile (over recv_into and send, by
# SocketIO) work on a simulated socket as they are.
for _method in ("__repr__", "makefile"):
    setattr(socket, _method, vars(_real_socket_class)[_method])
socket.__module__ = "socket"
socket.__qualname__ = "socket"
del _method


def _as_seen_by(family: int, endpoint: Endpoint) -> tuple:
    if family == AF_INET6:
        host = endpoint.host if endpoint.family == AF_INET6 else "::ffff:" + endpoint.host
        return (host, endpoint.port, 0, 0)
    return (endpoint.host, endpoint.port)


def _bytes_view(data: Any) -> memoryview:
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'") \
            from None
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _describe(family: int, kind: int) -> str:
    names = {getattr(_real_socket, n): n for n in ("AF_UNIX", "AF_INET", "AF_INET6")
             if hasattr(_real_socket, n)}
    kinds = {getattr(_real_socket, n): n for n in ("SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                                   "SOCK_SEQPACKET") if hasattr(_real_socket, n)}
    family_name = names.get(family, f"address family {family}")
    kind_name = kinds.get(kind, f"socket type {kind}")
    if kind_name == "SOCK_DGRAM":
        return f"a UDP socket ({family_name}, SOCK_DGRAM)"
    return f"a socket of {family_name}, {kind_name}"


def socketpair(family: Any = None, type: int = SOCK_STREAM, proto: int = 0) -> tuple[socket, socket]:
    """``socket.socketpair()``: two connected sockets, unnamed, of ``AF_UNIX`` as Linux's are
    (the only ``AF_UNIX`` sockets simulated)."""
    if family is not None and family != getattr(_real_socket, "AF_UNIX", family):
        if family not in (AF_INET, AF_INET6):
            refuse(_unsupported(_describe(family, type)))
    if type != SOCK_STREAM:
        refuse(_unsupported(_describe(family or 1, type)))
    first, second = Endpoint(_AF_UNIX, proto), Endpoint(_AF_UNIX, proto)
    first.state = second.state = "connected"
    first.peer, second.peer = second, first
    first.peer_address = second.peer_address = ""
    a = socket._around(first, _real_socket.getdefaulttimeout())
    b = socket._around(second, _real_socket.getdefaulttimeout())
    return a, b


def close_sockets(world: Any, interpreter: Any) -> None:
    """``interpreter``'s process has ended: the sockets it made close, as the OS closes a dead
    process's descriptors."""
    state = world.interpreters[0].face
    machine = state.loopback
    if machine is None:
        return
    for handle in [h for h in machine.handles if h._owner is interpreter]:
        handle._release()
        if handle._ep.handles <= 0:
            handle._ep.close(machine)


# -- names ------------------------------------------------------------------------------------

#: The services a port may be named by (their IANA numbers): the machine's own table, not the
#: real one's /etc/services, which a minimal system lacks.
_SERVICES = {"echo": 7, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53,
             "http": 80, "pop3": 110, "imap": 143, "https": 443}


def _port_number(port: Any) -> int:
    if port is None:
        return 0
    if isinstance(port, bytes):
        port = port.decode()
    if isinstance(port, str):
        if port.isdigit():
            return int(port)
        if port in _SERVICES:
            return _SERVICES[port]
        raise _real_socket.gaierror(-8, "Servname not supported for ai_socktype")
    if isinstance(port, int):
        return port
    raise OSError("Int or String expected")


def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                flags: int = 0) -> list:
    """``socket.getaddrinfo`` for the names of the simulated machine: ``localhost``, loopback
    and wildcard addresses, and ``None`` (loopback, or with ``AI_PASSIVE`` the wildcards);
    any other is refused: it would be the real network."""
    if isinstance(host, bytes):
        host = host.decode("idna")
    number = _port_number(port)
    if host is None:
        if port is None:
            raise _real_socket.gaierror(-2, "Name or service not known")
        passive = flags & _real_socket.AI_PASSIVE
        addresses = [(AF_INET, "0.0.0.0" if passive else _V4_LOOPBACK),
                     (AF_INET6, "::" if passive else _V6_LOOPBACK)]
    else:
        if not isinstance(host, str):
            raise TypeError("getaddrinfo() argument 1 must be string or None")
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            site = None
            if host.lower() not in ("localhost", "localhost.localdomain"):
                site = remote.address_of(host)
                if site is None:
                    refuse(real_network(host))
                if family not in (0, AF_INET):
                    raise _real_socket.gaierror(-5, "No address associated with hostname")
            addresses = [(AF_INET, site or _V4_LOOPBACK)]
        else:
            if not (ip.is_loopback or ip.is_unspecified or remote.site_at(str(ip))):
                refuse(real_network(host))
            addresses = [(AF_INET if ip.version == 4 else AF_INET6, str(ip))]
    kinds = [(SOCK_STREAM, 6), (_real_socket.SOCK_DGRAM, 17), (_real_socket.SOCK_RAW, 0)]
    out = []
    for fam, address in addresses:
        if family not in (0, fam):
            continue
        for kind, protocol in kinds:
            if type not in (0, kind) or proto not in (0, protocol):
                continue
            sockaddr = (address, number, 0, 0) if fam == AF_INET6 else (address, number)
            out.append((_real_socket.AddressFamily(fam), _real_socket.SocketKind(kind),
                        protocol, "", sockaddr))
    if not out:
        raise _real_socket.gaierror(-9, "Address family for hostname not supported")
    return out


def gethostbyname(hostname: Any) -> str:
    """``socket.gethostbyname`` for the machine's names (any other is refused)."""
    if not isinstance(hostname, str):
        raise TypeError(f"gethostbyname() argument 1 must be str, bytes or bytearray, not "
                        f"{type(hostname).__name__}")
    address = getaddrinfo(hostname, None, AF_INET, SOCK_STREAM)[0][4][0] \
        if hostname else "0.0.0.0"
    return address


def gethostbyname_ex(hostname: Any) -> tuple[str, list, list]:
    """``socket.gethostbyname_ex`` for the machine's names (any other is refused)."""
    address = gethostbyname(hostname)
    name = "localhost" if _is_loopback(address) else remote.host_at(address) or address
    return (name, [], [address])


def gethostbyaddr(ip_address: Any) -> tuple[str, list, list]:
    """``socket.gethostbyaddr`` for the machine's addresses, whose name is ``localhost``, and
    the sites' (any other address is refused: its name would come from the real network)."""
    if not isinstance(ip_address, str):
        raise TypeError(f"gethostbyaddr() argument 1 must be str, bytes or bytearray, not "
                        f"{type(ip_address).__name__}")
    family, _, _, _, sockaddr = getaddrinfo(ip_address, None, 0, SOCK_STREAM)[0]
    address = sockaddr[0]
    name = "localhost" if _is_loopback(address) else remote.host_at(address)
    if name is None:
        refuse(real_network(ip_address))
    return (name, [], [address])


#: The simulated machine's name: its loopback's, so that what looks the machine up by its name
#: (``socket.getfqdn()``, ``http.server``'s ``server_bind``) finds loopback, and a program prints
#: the same name on every machine.
HOSTNAME = "localhost"


_REAL_GETNAMEINFO = _real_socket.getnameinfo   # (the module's is getnameinfo below, in a run)


def gethostname() -> str:
    """``socket.gethostname`` on the simulated machine: :data:`HOSTNAME`, never the real one's."""
    return HOSTNAME


def getnameinfo(sockaddr: Any, flags: int) -> tuple[str, str]:
    """``socket.getnameinfo`` for the machine's addresses: loopback's name is ``localhost``;
    the service's name is the real function's (from the local services database, no lookup on
    any network). Any other address is refused: its name would come from the real network."""
    if not isinstance(sockaddr, tuple):
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    if not 2 <= len(sockaddr) <= 4 or not isinstance(sockaddr[0], str):
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    try:
        ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
    except ValueError:
        ip = None
    site = remote.host_at(str(ip)) if ip is not None else None
    if ip is None and sockaddr[0].lower() not in ("localhost", "localhost.localdomain") \
            or ip is not None and not ip.is_loopback and site is None:
        refuse(real_network(sockaddr[0]))
    address = str(ip) if ip is not None else _V4_LOOPBACK
    host, service = _REAL_GETNAMEINFO(("127.0.0.1" if site else address, *sockaddr[1:]),
                                      flags | _real_socket.NI_NUMERICHOST)
    if flags & _real_socket.NI_NUMERICHOST:
        return (address if site else host), service
    return (site or "localhost"), service
