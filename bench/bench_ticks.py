"""What does counting a program's Python cost? ``fib(n)`` plain, with ticks, and under simconc.

    python bench/bench_ticks.py             # fib(30), 5 rounds
    python bench/bench_ticks.py --n 27 --rounds 3
    python bench/bench_ticks.py --json
    python bench/bench_ticks.py --check     # exit status 1 if the target is missed

A timed run counts a scenario's own Python (simconc/instrument/ticks.py): a tick at each
function start and loop iteration, which costs simulated time. The tutorial's CPU-bound
examples are ``fib`` of 25 to 37, so the figure is ``fib(n)``, one call per tick, three ways:

``plain``
    ``fib(n)`` compiled as Python compiles it: the baseline.
``ticks only``
    The same source compiled with ticks, its counter charging nothing: what the tick costs.
``simconc.run``
    A scenario that calls ``fib(n)``, run by ``simconc.run`` under ``tutorial-2017``: the ticks,
    the batches the kernel charges, and the run around them (a fresh world, the stdlib face,
    the compile of the scenario is cached). Its simulated time is printed too: it is the same
    on every machine.

Each figure is the best of ``--rounds`` rounds, taken in turns. The target (issue 21): counted,
at most 2x plain CPython's time.
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
from simconc.instrument.rewrite import compile_instrumented
from simconc.instrument.ticks import COUNTER, NEXT
from simconc.kernel.counting import Counter

#: The target: simconc.run of the counted program at most this many times plain Python's time.
TARGET = 2.0

SOURCE = """\
def fib(n):
    if n <= 2:
        return 1
    return fib(n - 1) + fib(n - 2)
"""


def _plain(n: int) -> Callable[[], Any]:
    namespace: dict[str, Any] = {}
    exec(compile(SOURCE, "<fib>", "exec"), namespace)
    return lambda: namespace["fib"](n)


def _ticks_only(n: int) -> Callable[[], Any]:
    code = compile_instrumented(SOURCE, "<fib>", memory=False, ticks=True)
    namespace: dict[str, Any] = {COUNTER: Counter(100_000, lambda ticks: None), NEXT: next}
    exec(code, namespace)
    return lambda: namespace["fib"](n)


def _simconc_run(n: int, folder: str) -> tuple[Callable[[], Any], list[float]]:
    path = os.path.join(folder, "fib_scenario.py")
    with open(path, "w") as f:
        f.write(SOURCE + f"\nfib({n})\n")
    simulated: list[float] = []

    def run() -> None:
        result = simconc.run(path, profile="tutorial-2017", spin_timeout=600)
        if result.status != "ok":
            raise SystemExit(f"the scenario failed: {result.error or result.stderr}")
        simulated.append(result.elapsed)
    return run, simulated


def measure(n: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        run, simulated = _simconc_run(n, folder)
        variants = {"plain": _plain(n), "ticks only": _ticks_only(n), "simconc.run": run}
        best = {name: float("inf") for name in variants}
        for _ in range(rounds):
            for name, work in variants.items():
                start = time.perf_counter()
                work()
                best[name] = min(best[name], time.perf_counter() - start)
    plain = best["plain"]
    return {"n": n, "rounds": rounds, "python": sys.version.split()[0],
            "kernel": "compiled" if simconc.compiled.active() else "sources",
            "seconds": best, "ratio": {name: s / plain for name, s in best.items()},
            "simulated seconds": simulated[-1], "target": TARGET,
            "met": best["simconc.run"] / plain <= TARGET}


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=30, help="fib(N) (default 30)")
    parser.add_argument("--rounds", type=int, default=5, help="best of this many (default 5)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--check", action="store_true",
                        help="exit status 1 if the target is missed")
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1:
        parser.error("--n and --rounds are at least 1")
    result = measure(args.n, args.rounds)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"fib({args.n}), best of {args.rounds} rounds, Python {result['python']}, "
              f"kernel from its {result['kernel']}")
        print(f"{'':16}{'seconds':>10}{'x plain':>10}")
        for name, seconds in result["seconds"].items():
            print(f"{name:16}{seconds:10.3f}{result['ratio'][name]:10.2f}")
        print(f"simulated time of fib({args.n}) under tutorial-2017: "
              f"{result['simulated seconds']:.4f} s")
        print(f"target: simconc.run at most {TARGET:g}x plain: "
              f"{'met' if result['met'] else 'MISSED'}")
    return 0 if result["met"] or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
