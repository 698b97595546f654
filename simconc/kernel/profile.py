"""Cost profiles: the durations that give simulated time its meaning, as named data.

A profile says how long the operations of a machine take. Durations are in seconds. Jitter is a
relative spread: a duration ``d`` with jitter ``j`` lasts ``d * (1 + u)`` where ``u`` is drawn
uniformly from ``[-j, +j]`` through the scheduler's seeded random stream (so a seed or a schedule
token reproduces it).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

@dataclass(frozen=True)
class CostProfile:
    name: str
    description: str
    #: CPU cores of the simulated machine.
    cores: int = 2
    #: OS thread creation, from ``Thread.start()`` until the new thread runs its first bytecode.
    thread_start: float = 108e-6
    thread_start_jitter: float = 0.5
    #: ``sys.getswitchinterval()``: how long a CPU-bound GIL holder keeps the GIL once another
    #: thread asks for it.
    switch_interval: float = 0.005
    #: A forced switch (the switch interval ran out while another thread waited): the GIL passes
    #: between two OS threads, and for this long no thread runs Python.
    forced_switch: float = 185e-6
    #: CPU time of one acquire or release of a lock (those inside a Condition, Semaphore, Event
    #: or Queue too), and of one put or get of a queue besides its locks' share. Spent by the
    #: thread that does it, holding the GIL: a thread that only polls still lets time pass.
    lock_op: float = 0.27e-6
    queue_op: float = 4.4e-6
    #: How late a timed sleep or timed wait wakes on average (OS timer slack), and its spread.
    sleep_overshoot: float = 50e-6
    sleep_jitter: float = 0.5
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
# get of a queue.Queue 9.9 us (of which its locks' four operations take 1.1 us).
TUTORIAL_2017 = register(CostProfile(
    name="tutorial-2017",
    description="The tutorial author's 2017 machine: 2 cores, ~100 us to start a thread, "
                "5 ms GIL switch interval.",
))

# Durations near zero: every visible operation still happens in a well-defined order, but the
# clock barely moves except for sleeps and declared work. Handy for checking logic, not timing.
IDEAL = register(CostProfile(
    name="ideal",
    description="No overheads: threads start instantly, sleeps are exact, switches and lock and "
                "queue operations are free, no jitter.",
    thread_start=0.0, thread_start_jitter=0.0, sleep_overshoot=0.0, sleep_jitter=0.0,
    forced_switch=0.0, lock_op=0.0, queue_op=0.0,
))

def get_profile(profile: "str | CostProfile") -> CostProfile:
    """The profile named ``profile`` (or ``profile`` itself if it is already one)."""
    if isinstance(profile, CostProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown cost profile {profile!r}; known profiles: {known}") from None
