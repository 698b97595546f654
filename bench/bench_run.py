"""How fast is one execution? The lost-update program three ways, with the ratios.

    python bench/bench_run.py              # or: python -m bench.bench_run, python -m bench
    python bench/bench_run.py --seconds 1 --json

One program, two threads that each do ``tmp = counter; time.sleep(0); counter = tmp + 1`` (the
``sleep(0)`` is where the GIL is let go), and a main thread that starts and joins both, is run
over and over for a time budget three ways:

``simconc``
    ``simconc.run(program, seed=i)`` for i = 0, 1, 2, ...: a fresh world every execution, the
    runner, the stdlib face, the trace, the scheduler, everything a user pays for.
``bare``
    The same switches written by hand straight on ``simpy.Environment`` and ``greenlet``, no
    simconc at all: a fresh environment per execution, one SimPy process driving one greenlet per
    thread, a GIL token whose same-instant requests are settled by a seeded random pick, and the
    same blocking points as simconc (start waits until the thread runs, sleep(0), join, exit).
    This is what any simulator built this way has to do at the very least: the floor.
``threads``
    The same program on real OS threads with the real ``threading`` and ``time`` modules.

It prints the executions per second of each, how many executions lost an update (both outcomes
should appear: a sanity check that the switch really happens), the greenlet switches and SimPy
events per execution (the bare version should match simconc's, or it is not the same work), and
the two ratios against the project's targets: simconc within 3x of bare, and at least twice as
fast as real threads.

Each figure's time budget is split into rounds that take turns with the other variants, and a
figure is its best round, so a burst of load elsewhere on the machine hits every variant alike.
Real threads suffer most from load (they need a free core to start): on a busy machine their
figure can drop several-fold, and the ratio against them with it.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import sys
import time as _time
from typing import Any, Callable, Optional

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import greenlet
import simpy
from simpy.events import Event

#: The targets from the project's issue.
TARGET_VS_BARE = 1 / 3      # simconc's rate at least a third of bare SimPy + greenlet
TARGET_VS_THREADS = 2.0     # simconc's rate at least twice that of real threads

#: The cost profile simconc runs with by default here. ``ideal`` starts threads at once, as the
#: bare version does, so both outcomes (lost update or not) occur; under ``tutorial-2017`` the
#: second thread starts 100 us after the first has long finished and no update is ever lost.
DEFAULT_PROFILE = "ideal"


# -- the program ---------------------------------------------------------------------------------
def lost_update(threading: Any, time: Any) -> int:
    """Two threads increment a shared counter without a lock; the final counter (2, or 1 when
    an update was lost). ``threading`` and ``time`` are whichever modules the variant runs on."""
    counter = 0

    def worker() -> None:
        nonlocal counter
        tmp = counter
        time.sleep(0)
        counter = tmp + 1

    t1 = threading.Thread(target=worker)
    t2 = threading.Thread(target=worker)
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    return counter


# -- bare SimPy + greenlet -----------------------------------------------------------------------
_EXITED = object()   # what a finished greenlet hands back to its process


class BareWorld:
    """The floor: the switches simconc makes for this program, and nothing else.

    Each thread is a SimPy process that drives a greenlet: blocking switches to the hub (the
    greenlet running ``env.step``) with the event to wait for; the process yields it and
    switches back into the greenlet when it fires. One GIL token: a thread waits for it when it
    starts and after every block, and gives it up when it blocks or ends. Requests made at the
    same instant are gathered by a grant event scheduled after them, and the winner is a seeded
    random pick, as in simconc (a plain FIFO hand-off would never let the second thread in
    between the first one's read and write, so it would not be the same program).
    """

    current: Optional["BareWorld"] = None   # the execution running now, for the faces below

    def __init__(self, seed: int) -> None:
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.hub: Any = None
        self.thread: Optional[BareThread] = None   # the thread whose greenlet runs now
        self.holder: Optional[BareThread] = None
        self.waiters: list[tuple[BareThread, Event]] = []
        self.grant_pending = False
        self.finished = False

    # -- the GIL -------------------------------------------------------------------------------
    def request(self, thread: "BareThread") -> Event:
        event = Event(self.env)
        self.waiters.append((thread, event))
        if self.holder is None:
            self._schedule_grant()
        return event

    def release(self, thread: "BareThread") -> None:
        if self.holder is thread:
            self.holder = None
            if self.waiters:
                self._schedule_grant()

    def _schedule_grant(self) -> None:
        if self.grant_pending:
            return
        self.grant_pending = True
        event = Event(self.env)
        event._ok = True
        event._value = None
        event.callbacks.append(self._grant)
        self.env.schedule(event, 2)   # after every ordinary event of this instant

    def _grant(self, _event: Event) -> None:
        self.grant_pending = False
        waiters = self.waiters
        if self.holder is not None or not waiters:
            return
        pick = self.rng.randrange(len(waiters)) if len(waiters) > 1 else 0
        thread, event = waiters.pop(pick)
        self.holder = thread
        event.succeed()

    # -- blocking ------------------------------------------------------------------------------
    def block(self, event: Event) -> Any:
        """The running thread gives up the GIL, waits for ``event``, takes the GIL back."""
        thread = self.thread
        self.release(thread)
        value = self.hub.switch(event)
        self.hub.switch(self.request(thread))
        return value

    def drive(self, thread: "BareThread"):
        """The SimPy process of one thread: relays events between SimPy and its greenlet."""
        g = greenlet.greenlet(thread.bootstrap, self.hub)
        self.thread = thread
        request = g.switch()
        while request is not _EXITED:
            value = yield request
            self.thread = thread
            request = g.switch(value)

    def run(self, main: Callable[[], Any]) -> None:
        """Run ``main`` as the main thread until it returns."""
        BareWorld.current = self
        self.hub = greenlet.getcurrent()
        try:
            thread = BareThread(main)
            thread.is_main = True
            self.env.process(self.drive(thread))
            step, queue = self.env.step, self.env._queue
            while not self.finished and queue:
                step()
        finally:
            BareWorld.current = None


class BareThread:
    """``threading.Thread`` for the bare version: start() waits until the thread runs, as
    CPython's does; join() waits for its end."""

    is_main = False

    def __init__(self, target: Callable[[], Any]) -> None:
        self.world = world = BareWorld.current
        self.target = target
        # Flags, and an event only when someone has to wait (an event that fires with nobody
        # waiting would still cost a SimPy step).
        self.started = self.done = False
        self.on_started: Optional[Event] = None
        self.on_done: Optional[Event] = None

    def bootstrap(self) -> object:
        world = self.world
        world.hub.switch(world.request(self))
        self.started = True
        if self.on_started is not None:
            self.on_started.succeed()
        self.target()
        self.done = True
        if self.on_done is not None:
            self.on_done.succeed()
        if self.is_main:
            world.finished = True
        world.release(self)
        return _EXITED

    def start(self) -> None:
        world = self.world
        world.env.process(world.drive(self))
        if not self.started:
            self.on_started = Event(world.env)
            world.block(self.on_started)

    def join(self) -> None:
        if not self.done:
            self.on_done = Event(self.world.env)
            self.world.block(self.on_done)


class BareThreading:
    """What the program gets for ``threading`` in the bare version."""
    Thread = BareThread


class BareTime:
    """What the program gets for ``time`` in the bare version: sleep blocks on a timeout."""

    @staticmethod
    def sleep(seconds: float) -> None:
        world = BareWorld.current
        world.block(world.env.timeout(seconds))


# -- the three variants: each makes a function that runs one execution, given its seed ----------
def simconc_variant(profile: str = DEFAULT_PROFILE) -> Callable[[int], int]:
    import simconc
    from simconc.stdlib import threading as sim_threading, time as sim_time

    final: list[int] = []

    def main() -> None:
        final.append(lost_update(sim_threading, sim_time))

    def once(seed: int) -> int:
        result = simconc.run(main, seed=seed, profile=profile)
        if result.status != "ok":
            raise RuntimeError(f"simconc.run(seed={seed}) ended with status {result.status!r}: "
                               f"{result.error or result.stderr}")
        return final.pop()
    return once


def bare_variant() -> Callable[[int], int]:
    final: list[int] = []

    def main() -> None:
        final.append(lost_update(BareThreading, BareTime))

    def once(seed: int) -> int:
        BareWorld(seed).run(main)
        return final.pop()
    return once


def threads_variant() -> Callable[[int], int]:
    import threading
    import time

    def once(seed: int) -> int:
        return lost_update(threading, time)
    return once


# -- measuring -----------------------------------------------------------------------------------
def measure(once: Callable[[int], int], seconds: float, first_seed: int = 0) -> dict[str, Any]:
    """Run ``once(first_seed)``, ``once(first_seed + 1)``, ... until ``seconds`` of wall time
    have passed: the executions, how long they took, how many lost the update."""
    gc.collect()
    clock = _time.perf_counter
    lost = executions = 0
    start = clock()
    deadline = start + seconds
    while True:
        if once(first_seed + executions) != 2:
            lost += 1
        executions += 1
        now = clock()
        if now >= deadline:
            break
    return {"executions": executions, "seconds": now - start, "lost_update": lost}


def shape(once: Callable[[int], int], executions: int = 200) -> dict[str, float]:
    """Greenlet switches and SimPy events per execution (averaged over seeds 0, 1, ...) and the
    outcome of each: to check that the bare version does the same work as simconc."""
    counts = {"switches": 0, "events": 0}
    original_step = simpy.Environment.step

    def counting_step(env: simpy.Environment) -> None:
        counts["events"] += 1
        original_step(env)

    def on_switch(event: str, args: Any) -> None:
        if event in ("switch", "throw"):
            counts["switches"] += 1

    simpy.Environment.step = counting_step  # type: ignore[method-assign]
    previous = greenlet.settrace(on_switch)
    try:
        outcomes = [once(seed) for seed in range(executions)]
    finally:
        greenlet.settrace(previous)
        simpy.Environment.step = original_step  # type: ignore[method-assign]
    return {"switches_per_execution": counts["switches"] / executions,
            "events_per_execution": counts["events"] / executions,
            "outcomes": outcomes}


def run_bench(seconds: float = 3.0, profile: str = DEFAULT_PROFILE, rounds: int = 3,
              log: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    """Measure the three variants; a dict of figures, ratios and targets.

    Each variant gets ``seconds`` in all, split into ``rounds`` rounds that take turns with the
    other variants, so that a burst of load on the machine hits every variant alike; a figure is
    the rate of its best round (as ``timeit`` takes the best of its repeats).
    """
    variants = [
        ("simconc", f"simconc.run ({profile})", simconc_variant(profile)),
        ("bare", "bare SimPy + greenlet", bare_variant()),
        ("threads", "real OS threads", threads_variant()),
    ]
    figures: dict[str, Any] = {}
    outcomes: dict[str, list[int]] = {}
    for key, label, once in variants:   # warm up, and check the work is the same
        figure = figures[key] = {"label": label}
        if key != "threads":
            counts = shape(once)
            outcomes[key] = counts.pop("outcomes")
            figure.update(counts)
        else:
            for seed in range(50):
                once(seed)
        figure.update(executions=0, seconds=0.0, lost_update=0, rounds=[])
    for round_ in range(rounds):
        for key, label, once in variants:
            if log:
                log(f"round {round_ + 1}/{rounds}: {label} for {seconds / rounds:.3g} s ...")
            figure = figures[key]
            result = measure(once, seconds / rounds, first_seed=figure["executions"])
            figure["executions"] += result["executions"]
            figure["seconds"] += result["seconds"]
            figure["lost_update"] += result["lost_update"]
            figure["rounds"].append(result["executions"] / result["seconds"])
    for figure in figures.values():
        figure["per_second"] = max(figure["rounds"])
        figure["seconds"] = round(figure["seconds"], 4)
    rate = {key: figures[key]["per_second"] for key in figures}
    agree = sum(a == b for a, b in zip(outcomes["simconc"], outcomes["bare"]))
    vs_bare = rate["simconc"] / rate["bare"]
    vs_threads = rate["simconc"] / rate["threads"]
    return {
        "program": "two-thread lost update: tmp = counter; time.sleep(0); counter = tmp + 1",
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "simpy": simpy.__version__,
        "greenlet": greenlet.__version__,
        "kernel": "compiled" if _kernel_compiled() else "pure Python",   # (simconc/compiled.py)
        "cpus": os.cpu_count(),
        "seconds_per_figure": seconds,
        "rounds": rounds,
        "profile": profile,
        "figures": figures,
        # Seeds on which bare and simconc end with the same counter: all of them while both
        # draw the GIL's winners from random.Random(seed) in the same order (informational).
        "same_outcome_seeds": {"agree": agree, "of": len(outcomes["bare"])},
        "ratios": {
            "simconc_vs_bare": vs_bare,
            "simconc_vs_threads": vs_threads,
        },
        "targets": {
            "simconc_vs_bare": {"at_least": TARGET_VS_BARE, "met": vs_bare >= TARGET_VS_BARE,
                                "says": "simconc within 3x of bare SimPy + greenlet"},
            "simconc_vs_threads": {"at_least": TARGET_VS_THREADS,
                                   "met": vs_threads >= TARGET_VS_THREADS,
                                   "says": "simconc at least twice as fast as real threads"},
        },
    }


def _kernel_compiled() -> bool:
    import simconc
    return simconc.compiled.active()


def format_report(report: dict[str, Any]) -> str:
    figures = report["figures"]
    lines = [
        f"Two-thread lost update, executions per second "
        f"({report['kernel']} kernel, Python {report['python']}, simpy {report['simpy']}, "
        f"greenlet {report['greenlet']}, "
        f"{report['cpus']} CPUs, {report['seconds_per_figure']:g} s per figure in "
        f"{report['rounds']} rounds, best round shown)",
        "",
        f"{'':<28}{'execs/s':>10}{'us/exec':>10}{'executions':>12}{'lost update':>16}"
        f"{'switches':>10}{'events':>8}",
    ]
    for figure in figures.values():
        lost = figure["lost_update"]
        share = f"{lost} ({100 * lost / figure['executions']:.0f}%)"
        switches = f"{figure['switches_per_execution']:.1f}" \
            if "switches_per_execution" in figure else "-"
        events = f"{figure['events_per_execution']:.1f}" \
            if "events_per_execution" in figure else "-"
        lines.append(f"{figure['label']:<28}{figure['per_second']:>10,.0f}"
                     f"{1e6 / figure['per_second']:>10.1f}{figure['executions']:>12,}"
                     f"{share:>16}{switches:>10}{events:>8}")
    lines.append("")
    names = {"simconc_vs_bare": "simconc / bare", "simconc_vs_threads": "simconc / threads"}
    for key, ratio in report["ratios"].items():
        target = report["targets"][key]
        verdict = "met" if target["met"] else "MISSED"
        lines.append(f"{names[key]:<20}{ratio:>7.2f}   target >= {target['at_least']:.2f} "
                     f"({target['says']}): {verdict}")
    lines.append("")
    same = report["same_outcome_seeds"]
    lines.append("switches: greenlet switches per execution; events: SimPy events processed per "
                 "execution;")
    lines.append(f"bare and simconc end with the same counter on {same['agree']} of the first "
                 f"{same['of']} seeds.")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/bench_run.py",
        description="Executions per second of a two-thread lost-update program through "
                    "simconc.run, on bare SimPy + greenlet, and on real OS threads.")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="wall-clock budget per figure (default: 3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds per figure, taking turns; a figure is its best round "
                             "(default: 3)")
    parser.add_argument("--profile", default=DEFAULT_PROFILE,
                        help=f"simconc cost profile (default: {DEFAULT_PROFILE})")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    log = None if args.json else (lambda text: print(text, file=sys.stderr, flush=True))
    report = run_bench(args.seconds, args.profile, args.rounds, log)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    missed = [key for key, target in report["targets"].items() if not target["met"]]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
