"""``multiprocessing``'s pipes on the simulated machine, as far as thread pools need them.

``multiprocessing.pool.ThreadPool`` (and ``multiprocessing.dummy.Pool``, which is one) tells its
worker handler of changes through a ``multiprocessing.queues.SimpleQueue`` (a real pipe) and
waits for it with ``multiprocessing.connection.wait`` (a real ``select``): a simulated program
would block the simulation there. For the length of a run both are these: a ``SimpleQueue`` of
pickled items (what crosses a pipe is a copy, as for real) whose reader is a simulated
connection, and a ``wait`` that waits for such connections on the kernel's one waiting
mechanism (a real connection is refused, as ``select`` is).

Every operation on these pipes is a step on one location, shared by all of them: a sound
over-approximation for exploration (operations on two pipes are taken to conflict), and what
lets one wait watch several. After its execution, a pipe still takes what is sent (a pool's
finalizer, run by the collector or at exit, tells its handler to stop) and gives what it has,
without waiting: nobody is left to wait for. Processes (issue 21) will put their queues and
pipes here.
"""
from __future__ import annotations

from collections import deque
from multiprocessing.reduction import ForkingPickler
from typing import Any, Iterable, Optional

from ..kernel import WaitQueue, current_world, maybe_current_world
from .state import face_state

#: The location every operation on a simulated pipe touches (see the module's docstring).
PIPES = ("multiprocessing", "pipes")


def _waiting() -> WaitQueue:
    """The running interpreter's queue of threads waiting for a simulated pipe."""
    state = face_state()
    if state.pipes is None:
        state.pipes = WaitQueue(current_world(), None, PIPES, "a pipe")
    return state.pipes


class Reader:
    """The reading end of a simulated pipe (``multiprocessing.connection.Connection``'s
    methods that the pools use)."""

    def __init__(self) -> None:
        self.items: deque[bytes] = deque()
        self.closed = False

    def poll(self, timeout: Optional[float] = 0.0) -> bool:
        self._check_closed()
        world = maybe_current_world()
        if world is None:
            return bool(self.items)
        if timeout is None or timeout > 0:
            return bool(wait([self], timeout))
        world.point(PIPES, "r")
        return bool(self.items)

    def recv_bytes(self, maxlength: Optional[int] = None) -> bytes:
        self._check_closed()
        world = maybe_current_world()
        if world is not None:
            world.point(PIPES, "w")
            _waiting().wait(lambda: bool(self.items))
        elif not self.items:
            raise EOFError
        return self.items.popleft()

    def close(self) -> None:
        self.closed = True

    def _check_closed(self) -> None:
        if self.closed:
            raise OSError("handle is closed")


class Writer:
    """The writing end of a simulated pipe."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.closed = False

    def send_bytes(self, data: Any, offset: int = 0, size: Optional[int] = None) -> None:
        if self.closed:
            raise OSError("handle is closed")
        view = memoryview(data)[offset:None if size is None else offset + size]
        world = maybe_current_world()
        if world is not None:
            world.point(PIPES, "w")
        self.reader.items.append(bytes(view))
        if world is not None:
            _waiting().unpark_all()

    def close(self) -> None:
        self.closed = True


class SimpleQueue:
    """``multiprocessing.queues.SimpleQueue`` over a simulated pipe: items are pickled at put and
    unpickled at get, as for real."""

    def __init__(self, *, ctx: Any = None) -> None:
        self._reader = Reader()
        self._writer = Writer(self._reader)
        self._poll = self._reader.poll

    def close(self) -> None:
        self._reader.close()
        self._writer.close()

    def empty(self) -> bool:
        return not self._poll()

    def get(self) -> Any:
        return ForkingPickler.loads(self._reader.recv_bytes())

    def put(self, obj: Any) -> None:
        self._writer.send_bytes(ForkingPickler.dumps(obj))


def wait(object_list: Iterable[Any], timeout: Optional[float] = None) -> list:
    """``multiprocessing.connection.wait`` for simulated connections: those of ``object_list``
    that are readable, waiting (at most ``timeout`` seconds) until one is."""
    objects = list(object_list)
    for o in objects:
        if not isinstance(o, Reader):
            from ..kernel import UnsimulatedError
            raise UnsimulatedError(
                f"the simulated program waited on a real connection ({o!r}) with "
                f"multiprocessing.connection.wait: simconc does not simulate processes yet")
    current_world().point(PIPES, "r")

    def ready() -> list:
        return [o for o in objects if o.items or o.closed]
    if timeout is not None and timeout <= 0:
        return ready()
    _waiting().wait(lambda: bool(ready()), timeout)
    return ready()
