"""The simulated machine's load average (``os.getloadavg()``), kept as Linux keeps it.

Linux samples, every ``LOAD_FREQ`` (5 s and a tick), how many tasks are runnable, and folds the
count into three exponentially damped averages (1, 5 and 15 minutes) in 11-bit fixed point
(``kernel/sched/loadavg.c``: ``calc_load``, ``EXP_1``, ``EXP_5``, ``EXP_15``). glibc's
``getloadavg`` reads them from ``/proc/loadavg``, printed with two decimals, so a program sees
``0.52``, never ``0.5234``.

Runnable, on the simulated machine, is a thread that computes (on a core, or waiting for one):
a thread that waits for its GIL sleeps on a condition variable, as one that sleeps or waits for
IO does, and none of those counts. The machine boots, its averages at zero, when the world's
clock starts, and nothing else runs on it. The count changes only where threads start or stop
computing (:meth:`Load.change`); the samples due since the last change are taken then, with the
count that held meanwhile, so no event is added to the world.
"""
from __future__ import annotations

#: Bits of fraction of Linux's fixed point (``FSHIFT``), and 1.0 in it (``FIXED_1``).
FSHIFT = 11
FIXED_1 = 1 << FSHIFT
#: ``1 / exp(5 s / 1 min)``, ``... / 5 min)``, ``... / 15 min)`` in fixed point.
EXP = (1884, 2014, 2037)
#: Ticks per second of Debian's kernels (``CONFIG_HZ``): the sampling period is 5 s and a tick.
HZ = 250
LOAD_FREQ = 5.0 + 1.0 / HZ


def calc_load(load: int, exp: int, active: int) -> int:
    """One sample of ``active`` tasks (in fixed point) folded into ``load``: Linux's
    ``calc_load``, rounding up while the load rises."""
    new = load * exp + active * (FIXED_1 - exp)
    if active >= load:
        new += FIXED_1 - 1
    return new // FIXED_1


def shown(load: int) -> float:
    """``load`` as ``/proc/loadavg`` prints it (rounded to two decimals) and glibc reads it."""
    load += FIXED_1 // 200
    return float(f"{load >> FSHIFT}.{((load & (FIXED_1 - 1)) * 100) >> FSHIFT:02d}")


class Load:
    """The runnable threads of a machine and its three averages."""

    __slots__ = ("active", "sampled", "averages")

    def __init__(self) -> None:
        #: Threads computing now.
        self.active = 0
        #: Samples taken (the last at ``sampled * LOAD_FREQ``).
        self.sampled = 0
        #: The 1, 5 and 15 minute averages, in fixed point.
        self.averages = [0, 0, 0]

    def advance(self, now: float) -> None:
        """Take the samples due by ``now``, the count unchanged since the last."""
        due = int(now // LOAD_FREQ)
        active = self.active * FIXED_1
        averages = self.averages
        while self.sampled < due:
            self.sampled += 1
            new = [calc_load(averages[i], EXP[i], active) for i in range(3)]
            if new == averages:   # (a fixed point: the samples left change nothing)
                self.sampled = due
            averages = new
        self.averages = averages

    def change(self, now: float, delta: int) -> None:
        """``delta`` threads start (or, negative, stop) computing at ``now``."""
        if self.sampled < int(now // LOAD_FREQ):
            self.advance(now)
        self.active += delta

    def read(self, now: float) -> tuple[float, float, float]:
        """``os.getloadavg()`` at ``now``."""
        self.advance(now)
        one, five, fifteen = (shown(each) for each in self.averages)
        return (one, five, fifteen)
