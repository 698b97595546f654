"""Cost profiles: the durations that give simulated time its meaning, as named data.

A profile says how long the operations of a machine take. Durations are in seconds. Jitter is a
relative spread: a duration ``d`` with jitter ``j`` lasts ``d * (1 + u)`` where ``u`` is drawn
uniformly from ``[-j, +j]`` through the scheduler's seeded random stream (so a seed or a schedule
token reproduces it).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any, Optional

@dataclass(frozen=True)
class Answer:
    """What a site answers for one page, when it is more than a page of HTML of a size: its
    ``status``, the ``headers`` it adds (name, value), and its ``body`` (None: ``size`` bytes
    of HTML, or a short page naming the status)."""
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: Optional[bytes] = None
    size: Optional[int] = None


@dataclass(frozen=True)
class Site:
    """A host of the simulated network (simconc.stdlib.network): how long it takes to answer
    (``latency``, until the first byte), how fast its bytes come (``bandwidth``, bytes a second),
    and how big its pages are (``pages``, by path with its query; ``size`` for any other path,
    or None: ``404 Not Found``)."""
    host: str
    latency: float = 0.1
    bandwidth: float = 1.25e6      # bytes a second (10 Mbit/s)
    size: Optional[int] = None     # any page not in ``pages``; None: 404
    pages: tuple[tuple[str, int], ...] = field(default=())
    #: Pages answered otherwise than with HTML of a size (by path; ``/*``: any other page).
    answers: tuple[tuple[str, Answer], ...] = field(default=())

    def page_size(self, path: str) -> Optional[int]:
        """The size of the page at ``path`` (with its query), or None: there is none."""
        for known, size in self.pages:
            if known == path:
                return size
        return self.size

    def answer(self, path: str) -> Answer:
        """What the site answers for ``path`` (with its query)."""
        for known, answer in self.answers:
            if known == path:
                return answer
        if not any(known == path for known, _size in self.pages):
            for known, answer in self.answers:
                if known == "/*":
                    return answer
        size = self.page_size(path)
        return Answer(size=size) if size is not None else Answer(status=404)


@dataclass(frozen=True)
class CostProfile:
    name: str
    description: str
    #: CPU cores of the simulated machine.
    cores: int = 2
    #: OS thread creation, from ``Thread.start()`` until the new thread runs its first bytecode.
    thread_start: float = 108e-6
    thread_start_jitter: float = 0.5
    #: ``fork()`` of a Python process, CPU time of the parent's thread that starts it (copying
    #: its page tables) before the child runs.
    process_start: float = 1.5e-3
    #: A spawned (or forkserver) child's start: a new interpreter starting and importing, CPU
    #: time of the child before it runs the program's main module.
    spawn_start: float = 25e-3
    #: A process's end as its parent sees it. ``process_kill``: from ``terminate()`` or
    #: ``kill()`` until the process has died and closed its descriptors (its sentinel is
    #: ready): meanwhile ``is_alive()`` is True. ``process_exit``: from then on until its
    #: parent can reap it (``waitpid``), which ``is_alive()`` and ``exitcode`` wait for; spread
    #: by ``process_exit_jitter``.
    process_kill: float = 1e-3
    process_exit: float = 30e-6
    process_exit_jitter: float = 1.0
    #: ``sys.getswitchinterval()``: how long a CPU-bound GIL holder keeps the GIL once another
    #: thread asks for it.
    switch_interval: float = 0.005
    #: A forced switch (the switch interval ran out while another thread waited): the GIL passes
    #: between two OS threads, and for this long no thread runs Python.
    forced_switch: float = 185e-6
    #: How long a thread computes on a core, once another thread waits for one, before the
    #: OS's scheduler gives that thread the core: a slice of Linux's (EEVDF's base slice,
    #: 0.75 ms, scaled for 2 cores; CFS's was of the same order).
    timeslice: float = 3e-3
    #: CPU time of one acquire or release of a lock (those inside a Condition, Semaphore, Event
    #: or Queue too), and of one put or get of a queue besides its locks' share. Spent by the
    #: thread that does it, holding the GIL: a thread that only polls still lets time pass.
    lock_op: float = 0.27e-6
    queue_op: float = 4.4e-6
    #: CPU time of one system call on a pipe between processes (a write, a read, a select),
    #: besides pickling what crosses it.
    pipe_op: float = 3e-6
    #: CPU time of one system call on a TCP socket over loopback (a connect, an accept, a send,
    #: a recv, a select): not measured, taken as a pipe's, as small a part of the kernel's work.
    loopback_op: float = 3e-6
    #: CPU time of one tick of counted Python (simconc.instrument.ticks): a function call or a
    #: loop iteration of a scenario's own code.
    python_step: float = 203.13e-9
    #: How late a timed sleep or timed wait wakes on average (OS timer slack), and its spread.
    sleep_overshoot: float = 50e-6
    sleep_jitter: float = 0.5
    #: The hosts of the simulated network (``urllib.request.urlopen``): any other does not
    #: resolve.
    sites: tuple[Site, ...] = ()
    #: The machine's line to the network, bytes a second, shared fairly by the responses
    #: arriving at once (each also at most its site's bandwidth); infinite: no limit but the
    #: sites'.
    line_bandwidth: float = float("inf")
    #: Epoch seconds that ``time.time()`` reports at simulated time zero.
    epoch: float = 1494575940.0  # 2017-05-12 15:59 +08:00, the tutorial's date

    def with_(self, **changes: Any) -> "CostProfile":
        """A copy with some costs changed (``profile.with_(cores=8)``)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PROFILES: dict[str, CostProfile] = {}

def register(profile: CostProfile) -> CostProfile:
    PROFILES[profile.name] = profile
    return profile

# Calibrated so that the tutorial's nolock.py (100 threads, sleep(0.001) between read and write)
# loses updates the way the author saw. The main thread starts a thread every ~108 us, and each
# sleeps ~1.05 ms (timer slack included), so the threads read in "generations" of about
# 1.05 ms / 108 us = 10 threads that all see the same value: the final value is about
# 100 * 108 us / 1.05 ms = 10 (9 to 11 across seeds; mean 10.03 over seeds 0..39).
# The forced switch is the tutorial's own figure: fib(35) took 7.774 s in two threads against
# 7.497 s one after the other, 0.277 s more for 7.497 s / 5 ms = 1,499 forced switches, 185 us
# each. The lock and queue operations were timed with CPython 3.6 on a machine where fib(35)
# takes 3.11 s, and scaled to the author's 3.75 s: an acquire and a release 0.54 us, a put and a
# get of a queue.Queue 9.9 us (of which its locks' four operations take 1.1 us). A tick of
# counted Python is the tutorial's fib(35): 7.497 s for two, each of 18,454,929 calls (its
# `if n <= 2: return 1` makes 2 * fib(35) - 1 of them) and no loop: 203.13 ns a call.
# Its network is the tutorial's URLs, with the sizes it printed. Its 13 course pages took
# 5.933 s one after the other: at 10 Mbit/s (1.25 MB/s) their 1,078,353 bytes take 0.863 s, and
# each page's first byte 0.390 s. The other three printed no time: they answer in the order
# its as_completed example printed them (example.com, httpbin.org, api.github.com).
_EDU2ACT_SIZES = (84325, 83291, 83464, 83800, 83166, 83609, 82834, 82323, 82230, 82263, 82976,
                  82790, 81282)
TUTORIAL_2017 = register(CostProfile(
    name="tutorial-2017",
    description="The tutorial author's 2017 machine: 2 cores, ~100 us to start a thread, "
                "5 ms GIL switch interval; the tutorial's URLs on a 10 Mbit/s line.",
    line_bandwidth=1.25e6,
    sites=(
        Site("www.edu2act.cn", latency=0.390027, bandwidth=1.25e6,
             pages=tuple((f"/course/?page={page}", size)
                         for page, size in zip(range(2, 15), _EDU2ACT_SIZES))),
        Site("httpbin.org", latency=0.45, bandwidth=1.25e6, pages=(("/", 12373),)),
        Site("example.com", latency=0.25, bandwidth=1.25e6, pages=(("/", 1270),)),
        Site("api.github.com", latency=0.6, bandwidth=1.25e6, pages=(("/", 2039),)),
    ),
))

# Durations near zero: every visible operation still happens in a well-defined order, but the
# clock barely moves except for sleeps and declared work. Handy for checking logic, not timing.
IDEAL = register(CostProfile(
    name="ideal",
    description="No overheads: threads and processes start instantly, sleeps are exact, "
                "switches, lock, queue, pipe and socket operations, pure Python and the network's "
                "waits are free, processes end at once, no jitter.",
    thread_start=0.0, thread_start_jitter=0.0, sleep_overshoot=0.0, sleep_jitter=0.0,
    forced_switch=0.0, lock_op=0.0, queue_op=0.0, python_step=0.0, process_start=0.0,
    spawn_start=0.0, process_kill=0.0, process_exit=0.0, process_exit_jitter=0.0, pipe_op=0.0,
    loopback_op=0.0, line_bandwidth=float("inf"),
    sites=tuple(replace(site, latency=0.0, bandwidth=float("inf"))
                for site in TUTORIAL_2017.sites),
))

def get_profile(profile: "str | CostProfile") -> CostProfile:
    """The profile named ``profile``, or read from the JSON file ``profile`` names (or
    ``profile`` itself if it is already one)."""
    if isinstance(profile, CostProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        if profile.endswith(".json"):
            return load_profile(profile)
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown cost profile {profile!r}; known profiles: {known}, or a "
                         f"JSON file (simconc calibrate writes one)") from None

def load_profile(path: str) -> CostProfile:
    """A cost profile from a JSON file (``simconc calibrate`` writes one): its costs by name,
    over ``tutorial-2017``'s (whose simulated network it keeps)."""
    import json
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise ValueError(f"cannot read the cost profile {path!r}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"the cost profile {path!r} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"the cost profile {path!r} is not a JSON object")
    known = {f.name: f.type for f in fields(CostProfile)}
    changes = {}
    for key, value in data.items():
        if key == "sites" or key not in known:
            raise ValueError(f"the cost profile {path!r} has an unknown cost {key!r}")
        if key in ("name", "description"):
            if not isinstance(value, str):
                raise ValueError(f"the cost profile {path!r}: {key} must be a string")
        elif key == "cores":
            if type(value) is not int or value < 1:
                raise ValueError(f"the cost profile {path!r}: cores must be a positive integer")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"the cost profile {path!r}: {key} must be a non-negative number")
        elif key == "timeslice" and not value > 0:   # (nothing would ever be computed)
            raise ValueError(f"the cost profile {path!r}: timeslice must be a positive number")
        changes[key] = value
    changes.setdefault("name", os.path.basename(path))
    return TUTORIAL_2017.with_(**changes)

