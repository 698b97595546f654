"""``multiprocessing``'s pipes on the simulated machine: ``Pipe()``'s connections and
``connection.wait``.

CPython's ``multiprocessing`` (its ``Queue``, ``Pool``, ``ProcessPoolExecutor``; the thread
pools' change notifier) moves everything between processes through OS pipes and waits for them
with ``select``. For the length of a run ``multiprocessing.connection.Pipe`` and
``multiprocessing.connection.wait`` are these: a
connection sends bytes (``send`` pickles, ``recv`` unpickles: what crosses is a copy, as for
real) into a channel that its peer reads, and ``wait`` waits for channels, and for processes'
sentinels, on the kernel's one waiting mechanism. A real connection is refused.

A pipe's channels are the machine's, not one process's memory: a forked child shares them, as it
shares the OS pipes for real, through copies of its parent's connections. Every operation on a pipe
is a step on one location, shared by all of them: a sound over-approximation for exploration
(operations on two pipes are taken to conflict), and what lets one wait watch several. After its
execution, a pipe still takes what is sent (a pool's finalizer, run by the collector or at
exit, tells its handler to stop) and gives what it has, without waiting: nobody is left to wait
for.
"""
from __future__ import annotations

import errno
import weakref
from collections import deque
from multiprocessing.reduction import ForkingPickler
from typing import Any, Iterable, Optional

from greenlet import GreenletExit, getcurrent  # type: ignore[import-untyped]

from ..kernel import WaitQueue, current_world, maybe_current_world
from .state import face_state

#: The location every operation on a simulated pipe touches (see the module's docstring).
PIPES = ("multiprocessing", "pipes")


def thread_world() -> Any:
    """The running world, if a simulated thread of it runs now; None otherwise: outside any
    execution, or in one's own loop (a finalizer that a garbage collection runs in the hub, or
    in the teardown), where nobody is left to wait."""
    world = maybe_current_world()
    if world is None or world.current is None or getcurrent() is world.hub:
        return None
    return world


def check_alive(world: Any) -> None:
    """A thread of a process that has ended (``os._exit``, a kill) unwinds without doing
    anything another process could see (it writes to no pipe, releases no semaphore)."""
    thread = world.current
    if thread is not None and thread.killed:
        raise GreenletExit


def waiting(world: Any = None) -> WaitQueue:
    """The world's queue of threads waiting for a simulated pipe or a process's end (one for all
    interpreters: a child's write wakes its parent)."""
    if world is None:
        world = current_world()
    state = world.interpreters[0].face
    if state.pipes is None:
        state.pipes = WaitQueue(world, None, PIPES, "a pipe")
    return state.pipes


#: How many bytes a pipe holds that nobody has read yet: Linux's 64 KiB. A writer with more to
#: write waits until its reader reads: a child that puts a big item on a Queue does not end
#: before the item is taken (the deadlock of the multiprocessing programming guidelines).
PIPE_CAPACITY = 65536
#: What Connection.send_bytes writes before the message: its length.
_HEADER = 4


class Channel:
    """One direction of a pipe: the messages sent and not yet received, and how many open
    connections (in all processes) can write to it and read from it: no writer left, a reader
    that finds it empty gets EOFError; no reader left, a writer gets BrokenPipeError.

    It holds ``PIPE_CAPACITY`` bytes: a message is written into it as room comes, one message
    at a time, and its reader reads what is there of one being written (``partial``) as it
    waits for the rest, as a reader of a real pipe reads a message's bytes as they come."""

    __slots__ = ("items", "writers", "readers", "token", "buffered", "partial", "writing")
    _simconc_fork_shared = True

    def __init__(self) -> None:
        #: The messages written whole and not read yet, each with how many of its bytes are in
        #: the pipe still (its reader may have read some of them as it was being written).
        self.items: deque[tuple[bytes, int]] = deque()
        self.writers = 1
        self.readers = 1
        #: What a connection pickled for a spawned child names it by (see _rebuild_connection).
        self.token = -1
        self.buffered = 0   # bytes in the pipe
        self.partial = 0    # of them, those of the message being written, not read yet
        self.writing = False   # a message is being written

    @property
    def eof(self) -> bool:
        return self.writers <= 0

    def readable(self) -> bool:
        """Bytes to read, or none ever again (a read would raise EOFError)."""
        return bool(self.items) or self.partial > 0 or self.writers <= 0


class Connection:
    """``multiprocessing.connection.Connection`` over simulated channels. A forked child gets
    its own copy of each connection (closing it closes the child's handle only), on the same
    channels."""

    #: Its process has ended, which closed it (close_connections): only a finalizer run
    #: later can use it still, which a real process, ended by os._exit, never runs.
    _dead = False

    def __init__(self, incoming: Optional[Channel], outgoing: Optional[Channel]) -> None:
        self._in = incoming
        self._out = outgoing
        self._closed = False

    def __deepcopy__(self, memo: dict) -> "Connection":
        copied = Connection(self._in, self._out)
        copied._closed = self._closed
        if not self._closed:
            _duplicated(self)
        memo[id(self)] = copied
        return copied

    # -- what CPython's Connection has -------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def readable(self) -> bool:
        return self._in is not None

    @property
    def writable(self) -> bool:
        return self._out is not None

    def _check_closed(self) -> None:
        if self._closed:
            raise OSError("handle is closed")

    def _check_readable(self) -> None:
        if self._in is None:
            raise OSError("connection is write-only")

    def _check_writable(self) -> None:
        if self._out is None:
            raise OSError("connection is read-only")

    def fileno(self) -> int:
        self._check_closed()
        return -1 - id(self) % 1000   # (never a real descriptor: nothing real can select it)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if not self._dead:
                self._release()

    def _release(self) -> None:
        """Its pipe has one open end fewer each way it goes."""
        if self._in is not None:
            self._in.readers -= 1
        if self._out is not None:
            self._out.writers -= 1
            world = maybe_current_world()
            if world is not None:
                waiting(world).unpark_all()

    def __del__(self) -> None:
        # (CPython's: a connection dropped unclosed closes, its descriptor with it; a reader
        # of the pipe then sees its end)
        if not self._closed:
            self._closed = True
            if not self._dead:
                self._release()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send_bytes(self, buf: Any, offset: int = 0, size: Optional[int] = None) -> None:
        self._check_closed()
        self._check_writable()
        m = memoryview(buf)
        if m.itemsize > 1:
            m = m.cast('B')
        n = m.nbytes
        if offset < 0:
            raise ValueError("offset is negative")
        if n < offset:
            raise ValueError("buffer length < offset")
        if size is None:
            size = n - offset
        elif size < 0:
            raise ValueError("size is negative")
        elif offset + size > n:
            raise ValueError("buffer length < offset + size")
        self._put(bytes(m[offset:offset + size]))

    def send(self, obj: Any) -> None:
        self._check_closed()
        self._check_writable()
        self._put(bytes(ForkingPickler.dumps(obj)))

    def _put(self, data: bytes) -> None:
        world = thread_world()
        if world is not None:
            check_alive(world)
            world.point(PIPES, "w")
            world.spend(world.profile.pipe_op)
        channel = self._out
        assert channel is not None
        if self._dead:
            return
        if world is None:   # (after the execution: nobody is left to wait for, or to read)
            channel.items.append((data, 0))
            return
        queue = waiting(world)
        queue.wait(lambda: not channel.writing or channel.readers <= 0)
        left = len(data) + _HEADER
        channel.writing = True
        try:
            while True:
                if channel.readers <= 0:
                    # (as the OS's write() fails, its SIGPIPE ignored by CPython at start)
                    raise BrokenPipeError(errno.EPIPE, "Broken pipe")
                room = min(left, PIPE_CAPACITY - channel.buffered)
                if room > 0:
                    channel.buffered += room
                    channel.partial += room
                    left -= room
                    queue.unpark_all()
                if not left:
                    break
                queue.wait(lambda: channel.buffered < PIPE_CAPACITY or channel.readers <= 0)
            channel.items.append((data, channel.partial))
            channel.partial = 0
        finally:
            # (a writer that fails, or whose process ends, leaves what it wrote for the reader
            # to read: garbage, for real)
            channel.writing = False
            queue.unpark_all()

    def recv_bytes(self, maxlength: Optional[int] = None) -> bytes:
        self._check_closed()
        self._check_readable()
        if maxlength is not None and maxlength < 0:
            raise ValueError("negative maxlength")
        data = self._take()
        if maxlength is not None and len(data) > maxlength:
            raise OSError("bad message length")
        return data

    def recv_bytes_into(self, buf: Any, offset: int = 0) -> int:
        self._check_closed()
        self._check_readable()
        from multiprocessing import BufferTooShort
        with memoryview(buf) as m:
            itemsize = m.itemsize
            bytesize = itemsize * len(m)
            if offset < 0:
                raise ValueError("negative offset")
            elif offset > bytesize:
                raise ValueError("offset too large")
            data = self._take()
            if bytesize - offset < len(data):
                raise BufferTooShort(data)
            m.cast('B')[offset:offset + len(data)] = data
            return len(data)

    def recv(self) -> Any:
        self._check_closed()
        self._check_readable()
        return ForkingPickler.loads(self._take())

    def _take(self) -> bytes:
        channel = self._in
        assert channel is not None
        world = thread_world()
        if world is None:
            if not channel.items:
                raise EOFError
            return channel.items.popleft()[0]
        check_alive(world)
        world.point(PIPES, "w")
        world.spend(world.profile.pipe_op)
        queue = waiting(world)
        while True:
            queue.wait(channel.readable)
            if channel.items:
                data, in_pipe = channel.items.popleft()
                channel.buffered -= in_pipe
                queue.unpark_all()
                return data
            if not channel.partial:
                raise EOFError
            # (the first bytes of a message being written: read, which makes room for the rest)
            channel.buffered -= channel.partial
            channel.partial = 0
            queue.unpark_all()

    def poll(self, timeout: Optional[float] = 0.0) -> bool:
        self._check_closed()
        self._check_readable()
        world = maybe_current_world()
        if world is None:
            return self._in.readable()   # type: ignore[union-attr]
        if timeout is None or timeout > 0:
            return bool(wait([self], timeout))
        world.point(PIPES, "r")
        world.spend(world.profile.pipe_op)
        return self._sim_ready()

    def _sim_ready(self) -> bool:
        """Readable: bytes wait, or the other end is closed (recv would raise EOFError)."""
        channel = self._in
        return channel is not None and channel.readable()

    def __repr__(self) -> str:
        return f"<multiprocessing.connection.Connection (simulated) {'closed' if self._closed else 'open'}>"


def Pipe(duplex: bool = True) -> tuple[Connection, Connection]:
    """``multiprocessing.Pipe``: two connected ends (the first only receives, the second only
    sends, unless ``duplex``)."""
    ends = _pipe(duplex)
    own_connections(ends)
    return ends


def _pipe(duplex: bool) -> tuple[Connection, Connection]:
    there = Channel()
    if duplex:
        back = Channel()
        return Connection(back, there), Connection(there, back)
    return Connection(there, None), Connection(None, there)


def _duplicated(connection: Connection) -> None:
    """``connection``'s descriptors are duplicated (a fork's copy, a pickled one): its pipe
    has one more open end each way it goes."""
    if connection._in is not None:
        connection._in.readers += 1
    if connection._out is not None:
        connection._out.writers += 1


def own_connections(connections: Iterable[Any], state: Any = None) -> None:
    """``connections`` (and whatever else is among them) are the running process's (or the one
    whose face state is ``state``): they close as it ends."""
    if state is None:
        world = maybe_current_world()
        if world is None:
            return
        state = face_state(world)
    if state.connections is None:
        state.connections = weakref.WeakSet()
    state.connections.update(each for each in connections if type(each) is Connection)


def close_connections(state: Any) -> None:
    """A process whose face state is ``state`` has ended: its connections still open close."""
    for connection in list(state.connections or ()):
        if not connection._closed and not connection._dead:
            connection._release()
            connection._dead = True


def _reduce_connection(connection: Connection) -> tuple:
    """A connection pickled (for a spawned child, or sent through another pipe) names its
    channels by token: the unpickled one uses the same channels, as a duplicated descriptor
    would the same pipe. The descriptor is duplicated as it is pickled, as CPython's
    ``DupFd`` does: closing the original before the copy is unpickled leaves the pipe open."""
    world = current_world()
    connection._check_closed()
    _duplicated(connection)
    tokens: list[Optional[int]] = []
    for channel in (connection._in, connection._out):
        if channel is None:
            tokens.append(None)
            continue
        if channel.token < 0:
            channels = _channels(world)
            channel.token = len(channels)
            channels.append(channel)
        tokens.append(channel.token)
    return _rebuild_connection, (tokens[0], tokens[1], connection._closed)


def _rebuild_connection(incoming: Optional[int], outgoing: Optional[int],
                        closed: bool) -> Connection:
    channels = _channels(current_world())
    out = channels[outgoing] if outgoing is not None else None
    connection = Connection(channels[incoming] if incoming is not None else None, out)
    connection._closed = closed
    own_connections((connection,))
    return connection


def _channels(world: Any) -> list:
    state = world.interpreters[0].face
    if state.channels is None:
        state.channels = []
    return state.channels


ForkingPickler.register(Connection, _reduce_connection)


class SocketListener:
    """``multiprocessing.connection.SocketListener``: a listening address of the simulated
    machine (a Unix socket's path or a TCP address) that ``SocketClient`` connects to. Each
    connection is a simulated duplex pipe; CPython's ``Listener`` and ``Client`` around these
    do the authentication (managers use it)."""

    def __init__(self, address: Any, family: str, backlog: int = 1) -> None:
        world = current_world()
        listeners = _listeners(world)
        if family == "AF_INET":
            host, port = address
            if port == 0:   # (a free port of the machine's)
                port = 40000
                while (host, port) in listeners:
                    port += 1
            address = (host, port)
        if address in listeners:
            raise OSError(98, "Address already in use")
        self._address = address
        self._family = family
        self._last_accepted: Any = None
        self._pending: deque[Connection] = deque()
        self._closed = False
        #: The process whose socket it is: it closes as that process ends.
        self.owner = world.current_interpreter()
        listeners[address] = self

    def _sim_ready(self) -> bool:
        return bool(self._pending) or self._closed

    def accept(self) -> Connection:
        world = current_world()
        check_alive(world)
        world.point(PIPES, "w")
        waiting(world).wait(lambda: self._sim_ready())
        if self._closed:
            raise OSError(22, "Invalid argument")
        connection = self._pending.popleft()
        own_connections((connection,))
        self._last_accepted = "" if self._family == "AF_UNIX" else self._address
        return connection

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            world = maybe_current_world()
            if world is not None:
                _listeners(world).pop(self._address, None)
                waiting(world).unpark_all()


def SocketClient(address: Any) -> Connection:
    """``multiprocessing.connection.SocketClient``: a connection to a simulated listener."""
    world = current_world()
    check_alive(world)
    world.point(PIPES, "w")
    listener = _listeners(world).get(address)
    if listener is None:
        if isinstance(address, tuple):
            raise ConnectionRefusedError(111, "Connection refused")
        raise FileNotFoundError(2, "No such file or directory")
    ours, theirs = _pipe(duplex=True)
    own_connections((ours,))   # (theirs is the listener's process's, once it accepts it)
    listener._pending.append(theirs)
    waiting(world).unpark_all()
    return ours


def close_listeners(world: Any, interpreter: Any) -> None:
    """``interpreter``'s process has ended: its listening sockets close, as the OS closes a
    dead process's descriptors (a manager started again may listen at its address)."""
    for listener in [each for each in _listeners(world).values() if each.owner is interpreter]:
        listener.close()


def _listeners(world: Any) -> dict:
    state = world.interpreters[0].face
    if state.listeners is None:
        state.listeners = {}
    return state.listeners


def wait(object_list: Iterable[Any], timeout: Optional[float] = None) -> list:
    """``multiprocessing.connection.wait`` for simulated connections and processes' sentinels:
    those of ``object_list`` that are ready, waiting (at most ``timeout`` seconds) until one
    is."""
    objects = list(object_list)
    for o in objects:
        if not hasattr(o, "_sim_ready"):
            from ..kernel import UnsimulatedError
            raise UnsimulatedError(
                f"the simulated program waited on a real connection or descriptor ({o!r}) "
                f"with multiprocessing.connection.wait: simconc simulates only the pipes and "
                f"processes a simulated program makes")
    world = current_world()
    world.point(PIPES, "r")
    world.spend(world.profile.pipe_op)
    world.record(world.current, "wait", "pipes", None, 0, PIPES,
                 detail=f"for {len(objects)} connection{'s' if len(objects) != 1 else ''} "
                        f"or process{'es' if len(objects) != 1 else ''}")

    def ready() -> list:
        return [o for o in objects if o._sim_ready()]
    if timeout is None or timeout > 0:
        waiting(world).wait(lambda: bool(ready()), timeout)
    return ready()

