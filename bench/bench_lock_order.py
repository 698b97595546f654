"""What does ``explore --lock-order`` cost? An exploration with it against the same without.

    python bench/bench_lock_order.py              # or: python -m bench.bench_lock_order
    python bench/bench_lock_order.py --quick      # fewer executions and rounds
    python bench/bench_lock_order.py --json

With ``lock_order=True`` each execution keeps its acquires and releases on its trace (with the
line of each: what the report names) and its lock-order graph is united into the report's. Two
programs, generated into a temporary directory:

locks
    Three threads, each taking a Lock and, inside it, an RLock twice, ten times over, around
    one increment: a program that does little but take locks, the worst case.
no_locks
    Three threads, each adding to a shared counter three times, read then write, no lock at
    all: what the option costs a program that takes none.

Each is explored (DPOR, no PCT samples) for a fixed number of executions, with and without the
option, the two taking turns for several rounds so that load elsewhere on the machine hits both
alike; each figure is its best round. Printed: the seconds of each, and their ratio (with /
without). Everything is measured in the run that prints it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
import time
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import simconc  # noqa: E402

PROGRAMS = {
    "locks": """
        import threading
        a = threading.Lock()
        b = threading.RLock()
        n = 0

        def work():
            global n
            for _ in range(10):
                with a:
                    with b:
                        with b:
                            n += 1

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """,
    "no_locks": """
        import threading
        counter = 0

        def add():
            global counter
            for _ in range(3):
                counter += 1

        threads = [threading.Thread(target=add) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """,
}


def measure(path: str, executions: int, rounds: int) -> dict[str, Any]:
    best = {False: float("inf"), True: float("inf")}
    counts = {}
    for _ in range(rounds):
        for with_order in (False, True):
            started = time.perf_counter()
            report = simconc.explore(path, lock_order=with_order, samples=False,
                                     max_executions=executions)
            best[with_order] = min(best[with_order], time.perf_counter() - started)
            counts[with_order] = report.executions
    return {"executions": counts[True], "without": best[False], "with": best[True],
            "ratio": best[True] / best[False]}


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer executions and rounds")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args(argv)
    executions, rounds = (200, 2) if args.quick else (1000, 3)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, source in PROGRAMS.items():
            path = os.path.join(folder, f"{name}.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(source))
            results[name] = measure(path, executions, rounds)
    if args.json:
        print(json.dumps({"kernel": "compiled" if simconc.compiled.active() else "pure",
                          "results": results}, indent=2))
        return 0
    kernel = "compiled" if simconc.compiled.active() else "pure-Python"
    print(f"explore --lock-order against explore, {kernel} kernel, best of {rounds} rounds")
    print(f"{'program':<12} {'executions':>10} {'without':>9} {'with':>9} {'with/without':>13}")
    for name, r in results.items():
        print(f"{name:<12} {r['executions']:>10} {r['without']:>8.2f}s {r['with']:>8.2f}s "
              f"{r['ratio']:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
