"""What carries a simulated thread: a greenlet (reused), and in a timed world the SimPy process
that drives it.

Making a greenlet costs ten times what switching into one does, and an exploration runs
thousands of small executions a second, each starting a few threads: a greenlet whose thread has
ended waits to run the next thread instead of dying. Greenlets belong to one OS thread, so each
OS thread keeps its own idle ones.

A greenlet inherits the recursion depth of the greenlet it is started from (its C stack begins
there), and keeps it for good. So every one is started by the same greenlet, the *starter*, made
once per OS thread where it is first needed (the hub, as a rule), at a shallow depth: a thread
then has about the recursion headroom a real thread has, and the same in every execution. (Each
started from the thread that needed it, greenlets were made deeper and deeper, pooled, and
handed out again: an exploration of 100 threads ran out of recursion after a few dozen
executions.)

This module is never compiled (see setup.py). Greenlet tells a suspended greenlet from a running
one by the Python frame it was suspended in, and an idle greenlet waits in ``_work``: compiled,
``_work`` would have no frame, and the idle greenlet would look like it is running in another OS
thread (``gr_context`` could no longer be set). And a compiled generator, ``drive``, would leave
each timed run that ends in a deadlock to the cycle collector.
"""
from __future__ import annotations

import threading as _real_threading
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from greenlet import getcurrent, greenlet  # type: ignore[import-untyped]

if TYPE_CHECKING:  # pragma: no cover
    from .thread import SimThread

EXITED = object()   # what a finished thread's greenlet hands back to its process

_pools = _real_threading.local()
_POOL_SIZE = 64


def start_greenlet(run: Callable[[], object], hub: greenlet) -> tuple[greenlet, Any]:
    """Run ``run`` on a greenlet from :func:`idle_greenlet` until it first switches back; the
    greenlet and what it switched back with."""
    g = idle_greenlet(hub)
    return g, g.switch(run)


def idle_greenlet(hub: greenlet) -> greenlet:
    """A greenlet whose parent is ``hub`` (a fresh one, or one left idle by an ended thread):
    switched into with a callable, it runs it. When that returns, the greenlet hands the result
    to the hub as a dying one would, and waits to be reused; an exception out of it ends the
    greenlet as usual."""
    idle = getattr(_pools, "idle", None)
    if idle is None:
        idle = _pools.idle = []
        _pools.starter = None
    if not idle:
        _start_one()
    g = idle.pop()
    g.parent = hub
    g.gr_context = None   # a new thread's contextvars start empty, as on a new greenlet
    return g


def _start_one() -> None:
    """Put one new greenlet in the idle pool, started by the starter (see the module's
    docstring)."""
    starter = _pools.starter
    if starter is None or starter.dead:
        starter = _pools.starter = greenlet(_starting)
    starter.switch(getcurrent())


def _starting(asker: greenlet) -> None:
    """The starter: makes a greenlet, starts it (it runs nothing and waits in the pool), and
    goes back to the greenlet that asked; then waits for the next to ask."""
    while True:
        greenlet(_work).switch(_nothing)
        asker = asker.switch()


def _nothing() -> object:
    return None


def _work(task: Optional[Callable[[], object]]) -> None:
    me = getcurrent()
    idle = _pools.idle
    while True:
        result = task()   # type: ignore[misc]  # (never None: see below)
        task = None   # let the ended thread's frames go while this greenlet waits
        if len(idle) < _POOL_SIZE or result is None:   # (None: just started, see _starting)
            idle.append(me)
        task = me.parent.switch(result)
        if task is None:   # pragma: no cover - nobody switches in without a task
            return


def drive(thread: "SimThread", delay: float, env: Any,
          bootstrap: Callable[["SimThread"], object]) -> Iterator[Any]:
    """The SimPy process of ``thread`` in a timed world (on ``env``): after ``delay``, run
    ``bootstrap(thread)`` on a greenlet, and relay events to and from it."""
    world = thread.world
    if delay > 0:
        yield env.timeout(delay)
    world.current = thread
    if thread.interpreter is not world.running:
        world.enter(thread.interpreter)
    thread.greenlet, request = start_greenlet(lambda: bootstrap(thread), world.hub)
    while request is not EXITED:
        if world.fatal is not None:
            return
        value = yield request
        world.current = thread
        if thread.interpreter is not world.running:
            world.enter(thread.interpreter)
        request = thread.greenlet.switch(value)
