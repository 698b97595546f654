"""How long does drawing a timeline take, against the run it draws? Two long runs, each format.

    python bench/bench_timeline.py              # best of 3 rounds
    python bench/bench_timeline.py --rounds 5
    python bench/bench_timeline.py --json

The two runs the timelines must stay quick and small for (issue 22):

``100 threads``
    ``scenarios/nolock.py``, the tutorial's lost update: 101 threads, each blocking twice.
``10,000 switches``
    Two threads computing 25 s each under one GIL: a forced switch every 5 ms, 10,000 of them,
    each a stretch of each thread's lane, of the GIL's and of a core's.

For each: the run alone, as ``simconc run`` makes it (no timeline recorded: the baseline), the
same run recording its timeline (``run(timeline=True)``: what ``--timeline`` runs), the lanes
built from its trace (``render.lanes``), and each format drawn from the lanes, with its size.
Each figure is the best of ``--rounds`` rounds, and its ratio is against the baseline measured
in the same process.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from typing import Any, Callable

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import simconc
from simconc.render import draw, timeline_of

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SWITCHES = """\
import threading
import simconc

threads = [threading.Thread(target=simconc.cpu, args=(25.0,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""

FORMATS = ("svg", "html", "chrome", "text")


def _best(work: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - start)
    return best, value


def measure(path: str, rounds: int) -> dict[str, Any]:
    baseline, plain = _best(lambda: simconc.run(path, spin_timeout=600), rounds)
    recording, result = _best(lambda: simconc.run(path, spin_timeout=600, timeline=True),
                              rounds)
    lanes, timeline = _best(lambda: timeline_of(result, path), rounds)
    figures: dict[str, Any] = {
        "threads": plain.threads, "events": len(result.trace.events),
        "gil drops": sum(1 for e in result.trace.events if e.op == "gil-drop"),
        "stretches": sum(len(lane.spans) for lane in timeline.lanes),
        "seconds": {"run": baseline, "run, recording": recording, "lanes": lanes},
        "bytes": {}}
    for fmt in FORMATS:
        seconds, drawn = _best(lambda: draw([timeline], fmt), rounds)
        figures["seconds"][fmt] = seconds
        figures["bytes"][fmt] = len(drawn.encode("utf-8"))
    figures["ratio"] = {name: s / baseline for name, s in figures["seconds"].items()}
    return figures


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="best of this many (default 3)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds is at least 1")
    with tempfile.TemporaryDirectory() as folder:
        switches = os.path.join(folder, "switches.py")
        with open(switches, "w") as f:
            f.write(SWITCHES)
        results = {"100 threads": measure(os.path.join(REPO, "scenarios", "nolock.py"),
                                          args.rounds),
                   "10,000 switches": measure(switches, args.rounds)}
    report = {"python": sys.version.split()[0],
              "kernel": "compiled" if simconc.compiled.active() else "sources",
              "rounds": args.rounds, "runs": results}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"drawing a timeline, best of {args.rounds} rounds, Python {report['python']}, "
          f"kernel from its {report['kernel']}")
    for name, figures in results.items():
        print(f"\n{name}: {figures['threads']} threads, {figures['gil drops']:,} forced "
              f"switches, {figures['events']:,} trace events, {figures['stretches']:,} "
              f"stretches in the lanes")
        print(f"  {'':24}{'seconds':>9}{'x run':>8}{'size':>12}")
        for step, seconds in figures["seconds"].items():
            size = figures["bytes"].get(step)
            label = {"run": "run (the baseline)", "run, recording": "run recording it",
                     "lanes": "lanes from the trace"}.get(step, f"draw {step}")
            shown = f"{size / 1024:,.0f} KiB" if size is not None else ""
            print(f"  {label:24}{seconds:9.3f}{figures['ratio'][step]:8.2f}{shown:>12}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
