"""The simulated clock against the real one: the tutorial's timing scenarios run for real (this
machine's python) and simulated under this machine's profile (``simconc calibrate``, measured
first, in the same run), their figures side by side. Target: every simulated time within 25%
of the real one.

    python bench/bench_truth.py [--quick] [--profile PATH]

``--profile`` takes a profile calibrated before (else the run calibrates); ``--quick`` runs
the short scenarios only. The real runs are of the machine as it is: run it on an idle one.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import simconc  # noqa: E402
from simconc.front.calibrate import calibrate, write  # noqa: E402

#: (scenario, quick): the scenarios that print their own timings.
SCENARIOS = [("gil.py", True), ("multiprocess.py", True), ("process_pool.py", True),
             ("executor_processes.py", False), ("process_pool_twice.py", False)]

_FIGURE = re.compile(r"(?:Func: '(\w+)' Time: |(COST): )([0-9.]+)")


def figures(output: str) -> dict[str, float]:
    """The timings a scenario printed, by name ("nothread", "COST", ...)."""
    return {(m.group(1) or m.group(2)): float(m.group(3)) for m in _FIGURE.finditer(output)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", metavar="PATH")
    args = parser.parse_args()
    profile_path = args.profile
    if profile_path is None:
        started = time.perf_counter()
        profile = calibrate(quick=args.quick, progress=sys.stderr)
        profile_path = os.path.join(tempfile.mkdtemp(prefix="simconc-truth-"), "here.json")
        write(profile, profile_path)
        print(f"calibrated in {time.perf_counter() - started:.1f} s: {profile_path}")
    rows = []
    for name, quick in SCENARIOS:
        if args.quick and not quick:
            continue
        path = os.path.join(ROOT, "scenarios", name)
        sys.stderr.write(f"bench_truth: {name}: real ...\n")
        real = subprocess.run([sys.executable, path], capture_output=True, text=True,
                              cwd=ROOT, timeout=900)
        if real.returncode != 0:
            print(f"{name}: the real run failed:\n{real.stderr}")
            return 1
        sys.stderr.write(f"bench_truth: {name}: simulated ...\n")
        simulated = simconc.run(path, profile=profile_path, spin_timeout=900)
        if simulated.status != "ok":
            print(f"{name}: the simulated run failed: {simulated.error or simulated.stderr}")
            return 1
        measured, predicted = figures(real.stdout), figures(simulated.stdout)
        for figure, seconds in measured.items():
            rows.append((name, figure, seconds, predicted.get(figure, float("nan"))))
    print(f"{'scenario':<24} {'figure':<16} {'real s':>9} {'simulated s':>12} {'ratio':>7}")
    within = 0
    for name, figure, seconds, simulated_seconds in rows:
        ratio = simulated_seconds / seconds if seconds else float("nan")
        ok = abs(ratio - 1) <= 0.25
        within += ok
        print(f"{name:<24} {figure:<16} {seconds:9.3f} {simulated_seconds:12.3f} "
              f"{ratio:7.3f}{'' if ok else '  (outside 25%)'}")
    print(f"{within} of {len(rows)} figures within 25% of the real time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
