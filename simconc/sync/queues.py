"""Ports of CPython's ``Lib/queue.py`` (Queue, LifoQueue, PriorityQueue) and of the C
``_queue.SimpleQueue``, on simulated locks.

The Python classes are CPython's code over our Lock and Condition, so subclasses overriding
``_init/_qsize/_put/_get`` work as they do in CPython. ``shutdown()`` and ``ShutDown`` exist on
3.13+ only, as in CPython. SimpleQueue follows the C code of the running version: up to 3.12 a
``put`` only signals a waiting ``get``, which may then find the item taken by another thread; from
3.13 ``put`` hands the item straight to the oldest waiting ``get``.
"""
from __future__ import annotations

import types
from collections import deque
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any, Hashable, Optional

from ..kernel import WaitQueue, current_world, maybe_current_world
from ._common import (Labelled, PY311, PY313, _time as time, new_serial,
                      object_repr, record)
from .condition import Condition
from .lock import _NS_MAX, TIMEOUT_MAX, Lock, timeout_ns as _timeout_ns

__all__ = ['Empty', 'Full', 'Queue', 'PriorityQueue', 'LifoQueue', 'SimpleQueue']


try:
    # CPython's, from the C module: the same class pickles by its name (_queue.Empty: a
    # manager's queue sends it to the process that called get) and prints as it
    from _queue import Empty
except ImportError:   # pragma: no cover - CPython always builds _queue
    class Empty(Exception):   # type: ignore[no-redef]
        'Exception raised by Queue.get(block=0)/get_nowait().'
        __module__ = "_queue"


class Full(Exception):
    'Exception raised by Queue.put(block=0)/put_nowait().'
    __module__ = "queue"


if PY313:
    class ShutDown(Exception):
        '''Raised when put/get with shut-down queue.'''
        __module__ = "queue"

    __all__.insert(2, 'ShutDown')


class Queue(Labelled):
    '''Create a queue object with a given maximum size.

    If maxsize is <= 0, the queue size is infinite.
    '''

    __module__ = "queue"

    def __init__(self, maxsize: int = 0) -> None:
        self._sim_serial = new_serial(self)
        self.maxsize = maxsize
        self._init(maxsize)

        # mutex must be held whenever the queue is mutating.  All methods
        # that acquire mutex must release it before returning.  mutex
        # is shared between the three conditions, so acquiring and
        # releasing the conditions also acquires and releases mutex.
        label = self._sim_label
        self.mutex = Lock._part(self, f"{label} mutex")

        # Notify not_empty whenever an item is added to the queue; a
        # thread waiting to get is notified then.
        self.not_empty = Condition._part(self.mutex, f"{label} not_empty", self)

        # Notify not_full whenever an item is removed from the queue;
        # a thread waiting to put is notified then.
        self.not_full = Condition._part(self.mutex, f"{label} not_full", self)

        # Notify all_tasks_done whenever the number of unfinished tasks
        # drops to zero; thread waiting to join() is notified to resume
        self.all_tasks_done = Condition._part(self.mutex, f"{label} all_tasks_done", self)
        self.unfinished_tasks = 0

        if PY313:
            # Queue shutdown state
            self.is_shutdown = False

    def __repr__(self) -> str:
        return object_repr(self)

    def task_done(self) -> None:
        '''Indicate that a formerly enqueued task is complete.'''
        with self.all_tasks_done:
            unfinished = self.unfinished_tasks - 1
            if unfinished <= 0:
                if unfinished < 0:
                    raise ValueError('task_done() called too many times')
                self.all_tasks_done.notify_all()
            self.unfinished_tasks = unfinished
            record("task_done", self)

    def join(self) -> None:
        '''Blocks until all items in the Queue have been gotten and processed.'''
        with self.all_tasks_done:
            record("join", self)
            while self.unfinished_tasks:
                self.all_tasks_done.wait()

    def qsize(self) -> int:
        '''Return the approximate size of the queue (not reliable!).'''
        with self.mutex:
            return self._qsize()

    def empty(self) -> bool:
        '''Return True if the queue is empty, False otherwise (not reliable!).'''
        with self.mutex:
            return not self._qsize()

    def full(self) -> bool:
        '''Return True if the queue is full, False otherwise (not reliable!).'''
        with self.mutex:
            return 0 < self.maxsize <= self._qsize()

    # The `PY313 and self.is_shutdown` tests below are 3.13's shutdown checks; before 3.13 they
    # short-circuit, so the code is that of 3.10-3.12 (which has no is_shutdown attribute).
    def put(self, item: Any, block: bool = True, timeout: Optional[float] = None) -> None:
        '''Put an item into the queue, blocking while it is full (CPython's semantics).'''
        _queue_work()
        with self.not_full:
            if PY313 and self.is_shutdown:
                raise ShutDown
            if self.maxsize > 0:
                if not block:
                    if self._qsize() >= self.maxsize:
                        raise Full
                elif timeout is None:
                    while self._qsize() >= self.maxsize:
                        self.not_full.wait()
                        if PY313 and self.is_shutdown:
                            raise ShutDown
                elif timeout < 0:
                    raise ValueError("'timeout' must be a non-negative number")
                else:
                    endtime = time() + timeout
                    while self._qsize() >= self.maxsize:
                        remaining = endtime - time()
                        if remaining <= 0.0:
                            raise Full
                        self.not_full.wait(remaining)
                        if PY313 and self.is_shutdown:
                            raise ShutDown
            self._put(item)
            self.unfinished_tasks += 1
            record("put", self)
            self.not_empty.notify()

    def get(self, block: bool = True, timeout: Optional[float] = None) -> Any:
        '''Remove and return an item from the queue, blocking while it is empty.'''
        _queue_work()
        with self.not_empty:
            if PY313 and self.is_shutdown and not self._qsize():
                raise ShutDown
            if not block:
                if not self._qsize():
                    raise Empty
            elif timeout is None:
                while not self._qsize():
                    self.not_empty.wait()
                    if PY313 and self.is_shutdown and not self._qsize():
                        raise ShutDown
            elif timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            else:
                endtime = time() + timeout
                while not self._qsize():
                    remaining = endtime - time()
                    if remaining <= 0.0:
                        raise Empty
                    self.not_empty.wait(remaining)
                    if PY313 and self.is_shutdown and not self._qsize():
                        raise ShutDown
            item = self._get()
            record("get", self)
            self.not_full.notify()
            return item

    def put_nowait(self, item: Any) -> None:
        '''Put an item into the queue without blocking.'''
        return self.put(item, block=False)

    def get_nowait(self) -> Any:
        '''Remove and return an item from the queue without blocking.'''
        return self.get(block=False)

    if PY313:
        def shutdown(self, immediate: bool = False) -> None:
            '''Shut-down the queue, making queue gets and puts raise ShutDown.'''
            with self.mutex:
                record("shutdown", self)
                self.is_shutdown = True
                if immediate:
                    while self._qsize():
                        self._get()
                        if self.unfinished_tasks > 0:
                            self.unfinished_tasks -= 1
                    # release all blocked threads in `join()`
                    self.all_tasks_done.notify_all()
                # All getters need to re-check queue-empty to raise ShutDown
                self.not_empty.notify_all()
                self.not_full.notify_all()

    # Override these methods to implement other queue organizations
    # (e.g. stack or priority queue).
    # These will only be called with appropriate locks held

    # Initialize the queue representation
    def _init(self, maxsize: int) -> None:
        self.queue: Any = deque()

    def _qsize(self) -> int:
        return len(self.queue)

    # Put a new item in the queue
    def _put(self, item: Any) -> None:
        self.queue.append(item)

    # Get an item from the queue
    def _get(self) -> Any:
        return self.queue.popleft()

    __class_getitem__ = classmethod(types.GenericAlias)  # type: ignore[var-annotated]


def _queue_work() -> None:
    """A put or a get costs the profile's ``queue_op`` of CPU time, besides its locks'."""
    world = current_world()
    cost = world.profile.queue_op
    if cost:
        world.spend(cost)


class PriorityQueue(Queue):
    '''Variant of Queue that retrieves open entries in priority order (lowest first).'''

    __module__ = "queue"

    def _init(self, maxsize: int) -> None:
        self.queue = []

    def _qsize(self) -> int:
        return len(self.queue)

    def _put(self, item: Any) -> None:
        heappush(self.queue, item)

    def _get(self) -> Any:
        return heappop(self.queue)


class LifoQueue(Queue):
    '''Variant of Queue that retrieves most recently added entries first.'''

    __module__ = "queue"

    def _init(self, maxsize: int) -> None:
        self.queue = []

    def _qsize(self) -> int:
        return len(self.queue)

    def _put(self, item: Any) -> None:
        self.queue.append(item)

    def _get(self) -> Any:
        return self.queue.pop()


# --- SimpleQueue: a port of Modules/_queuemodule.c --------------------------------------------



class _Parked:
    """A ``get`` waiting for a hand-off: its own wait queue, and the item once given."""
    __slots__ = ("queue", "item", "given")

    def __init__(self, queue: WaitQueue) -> None:
        self.queue, self.item, self.given = queue, None, False


class SimpleQueue(Labelled):
    '''Simple, unbounded, reentrant FIFO queue.'''

    __module__ = "_queue"

    if TYPE_CHECKING:   # the C object's fields, set by __new__ (no class annotations at run time)
        _sim_key: Hashable
        _queue: deque[Any]
        _parked: deque[_Parked]   # 3.13+
        _waiting: WaitQueue       # 3.10-3.12

    def __new__(cls, *args: Any, **kwargs: Any) -> "SimpleQueue":
        # The C type's argument checks: the base class takes no arguments; a subclass with an
        # __init__ of its own may.
        if cls is SimpleQueue or cls.__init__ is object.__init__:
            if args:
                raise TypeError("SimpleQueue() takes no positional arguments")
            if kwargs:
                raise TypeError("SimpleQueue() takes no keyword arguments")
        self = super().__new__(cls)
        self._sim_serial = new_serial(self)
        self._sim_key = current_world().name_new(self)   # the location its steps touch
        self._queue = deque()
        if PY313:
            # Waiting gets, in a parking lot (see _get_handoff): FIFO.
            self._parked = deque()
        else:
            # Waiting gets, which a put wakes one at a time (see _get_woken).
            self._waiting = WaitQueue(current_world(), self, self._sim_key)
        return self

    def __repr__(self) -> str:
        return object_repr(self)

    def put(self, item: Any, block: bool = True, timeout: Optional[float] = None) -> None:
        '''Put the item on the queue; block and timeout are ignored, as it never blocks.'''
        world = maybe_current_world()
        if world is None:
            # After its execution: a finalizer of the program's (ThreadPoolExecutor's weakref
            # callback puts None to wake its workers) run when the collector got to it. Nobody
            # can be waiting any more: the item just goes in.
            self._queue.append(item)
            return
        world.point(self._sim_key, "w")
        # The item goes in before anything that allocates or lets time pass (the trace record,
        # its CPU time): a collection there may run a finalizer that puts too, and C's put is
        # reentrant, its own item first.
        if PY313:
            self._hand_over(item)
        else:
            self._queue.append(item)
            self._waiting.unpark()   # (a get() may be waiting: wake one)
        record("put", self)
        _queue_work()

    def _hand_over(self, item: Any) -> None:
        """Hand the item to the oldest get() still waiting (one whose timeout has already
        expired cannot take it: its unpark finds nobody parked), or else queue it."""
        parked = self._parked
        while parked:
            waiter = parked.popleft()
            if waiter.queue.unpark():
                waiter.item, waiter.given = item, True
                return
        self._queue.append(item)

    def put_nowait(self, item: Any) -> None:
        '''Put an item into the queue without blocking.'''
        return self.put(item, False)

    def get(self, block: bool = True, timeout: Optional[float] = None) -> Any:
        '''Remove and return an item, blocking (up to timeout seconds) while there is none.'''
        seconds: Optional[float] = None           # None: wait forever
        if not block:
            seconds = 0.0
        elif timeout is not None:
            ns = _timeout_ns(timeout)
            if ns < 0:
                raise ValueError("'timeout' must be a non-negative number")
            # 3.10-3.12 also check the timeout in microseconds (3.10 with >=, later with >).
            us, us_max = -(-ns // 1000), (_NS_MAX - 1) // 1000
            if not PY313 and (us > us_max or not PY311 and us == us_max):
                raise OverflowError("timeout value is too large")
            seconds = ns / 1e9
        if maybe_current_world() is None:
            # After its execution (a pool's finalizer empties its task queue): what is there,
            # without waiting, as nobody is left to put.
            if self._queue:
                return self._queue.popleft()
            raise Empty
        _queue_work()
        current_world().point(self._sim_key, "w")
        item = self._get_handoff(seconds) if PY313 else self._get_woken(seconds)
        record("get", self)
        return item

    def _get_woken(self, seconds: Optional[float]) -> Any:
        """3.10-3.12: wait until an item is there, or the deadline passes. A put() only wakes a
        waiting get(), which looks again: a thread that got first has taken the item, and the
        woken one waits on for what is left of its time.

        In C, put releases a lock that a waiting get holds and waits to take again, with a flag
        (``locked``) saying so; the GIL makes each side one step. Ported step by step, that flag
        was state between steps that no step showed: explored, a get could see half a put, fail
        with "release unlocked lock" and look like a deadlock, and the search's plans could not
        be followed. The kernel's one waiting mechanism does the same with nothing hidden."""
        if self._queue:
            return self._queue.popleft()
        if seconds == 0:
            raise Empty
        # C waits forever for a deadline already past when it comes to wait again (a negative
        # timeout): so does this, as the port did.
        wait = None if seconds is None or seconds < 0 else min(seconds, TIMEOUT_MAX)
        if not self._waiting.wait(lambda: bool(self._queue), wait):
            raise Empty
        return self._queue.popleft()

    def _get_handoff(self, seconds: Optional[float]) -> Any:
        """3.13+: park until a put() hands an item over, or the deadline passes."""
        endtime = time() + seconds if seconds else None
        while True:
            if self._queue:
                return self._queue.popleft()
            if seconds == 0:
                raise Empty
            remaining = None
            if endtime is not None:
                # In C the clock has always moved on by now; a simulated clock may not have, so
                # a deadline reached exactly is past, as it would be in CPython.
                remaining = endtime - time()
                if remaining <= 0:
                    raise Empty
            waiter = _Parked(WaitQueue(current_world(), self, self._sim_key))
            self._parked.append(waiter)
            waiter.queue.park(remaining)
            if waiter.given:
                return waiter.item
            try:
                self._parked.remove(waiter)
            except ValueError:
                pass
            # Timed out (the deadline is checked above) or woken without an item: look again.

    def get_nowait(self) -> Any:
        '''Remove and return an item from the queue without blocking.'''
        return self.get(False)

    def empty(self) -> bool:
        '''Return True if the queue is empty, False otherwise (not reliable!).'''
        current_world().point(self._sim_key, "r")
        return not self._queue

    def qsize(self) -> int:
        '''Return the approximate size of the queue (not reliable!).'''
        current_world().point(self._sim_key, "r")
        return len(self._queue)

    __class_getitem__ = classmethod(types.GenericAlias)  # type: ignore[var-annotated]
