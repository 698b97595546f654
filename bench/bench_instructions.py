"""What does an exploration cost, counted in machine instructions? The same on every run.

    python bench/bench_instructions.py                  # this checkout
    python bench/bench_instructions.py --against HEAD~3 # and another commit, with the ratios
    python bench/bench_instructions.py --json

Times on a shared machine vary too much to see a change of a few percent: on the machine the
project is measured on, plain Python's own speed varies by 1.7x from one second to the next.
Instructions do not. Each workload runs in a child interpreter under valgrind's cachegrind (no
cache simulation: instructions only), once ``warm`` times and once ``warm + n`` times; the
difference over ``n`` is the cost of one repetition, with start-up, imports and compilation
left out. The children run with ``PYTHONHASHSEED=0``: a string's hash decides where its
dictionaries keep it, and with a random seed a small workload's count moves by a few percent
from one run to the next. It needs ``valgrind`` on the PATH (Debian: ``apt install valgrind``), and takes about
a minute per checkout.

The workloads:

``explore lost update``
    ``simconc.explore("scenarios/lost_update.py")``: 4 executions, the failing one run again
    with its trace, the report. The issue's throughput figure is this, per second.
``explore counter(3)``
    The 3-thread read-then-write counter of bench_explore.py, explored by DPOR (36 executions).
``run, no threads``
    ``simconc.run`` of a one-line scenario under untimed semantics, without a trace: the fixed
    cost of an execution.
``run, 4 threads``
    The same with four threads that do nothing, started and joined: what a thread costs.

``--against REV`` measures the commit ``REV`` of this repository too, in the same run (its
files are taken with ``git archive`` into a temporary directory), and prints each workload's
instructions there and here, and their ratio. That copy is never compiled: its kernel runs
from its sources, where this checkout's is compiled if ``pip install -e .`` compiled it (the
report says which; ``SIMCONC_PURE=1`` compares sources with sources).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from typing import Any, Optional

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if __package__ in (None, ""):  # run as a script: make the repository's bench importable
    sys.path.insert(0, REPO)

import simconc  # noqa: E402
from bench.bench_explore import COUNTER, template  # noqa: E402 (the counter of its table)

#: Each workload: its name, the code that runs it once (``ROOT`` is the checkout measured,
#: ``DIR`` a scratch directory), and how many repetitions the measurement takes.
WORKLOADS = (
    ("explore lost update",
     "simconc.explore(os.path.join(ROOT, 'scenarios', 'lost_update.py'))", 20),
    ("explore counter(3)", "simconc.explore(os.path.join(DIR, 'counter.py'))", 4),
    ("run, no threads",
     "run(os.path.join(DIR, 'empty.py'), semantics='untimed', trace=False)", 40),
    ("run, 4 threads",
     "run(os.path.join(DIR, 'threads.py'), semantics='untimed', trace=False)", 40),
)

_THREADS = textwrap.dedent("""\
    import threading


    def worker():
        pass


    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    """)

#: The child: imports simconc from ROOT, then runs one workload a given number of times.
_CHILD = textwrap.dedent("""\
    import os, sys
    ROOT, DIR, CODE, TIMES = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    sys.path.insert(0, ROOT)
    import simconc
    from simconc.runner import run
    assert os.path.dirname(os.path.abspath(simconc.__file__)) == os.path.join(ROOT, "simconc")
    CODE = compile(CODE, "<workload>", "exec")
    for _ in range(TIMES):
        exec(CODE)
    """)

_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


#: valgrind delivers a signal to the program late, when it can: a tick of the spin watchdog's
#: alarm that fires as the watchdog is put away can arrive after the default action is back,
#: and end the process. (Not outside valgrind: a signal comes as the system call that disarms
#: the alarm returns, and Python runs its handler before it changes one.) Such a run is
#: repeated.
_LATE_ALARM = "Process terminating with default action of signal 14 (SIGALRM)"


def instructions(root: str, scratch: str, code: str, times: int) -> int:
    """Instructions that running ``code`` ``times`` times in a child interpreter costs, start-up
    included."""
    for _attempt in range(3):
        done = subprocess.run(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no",
             "--cachegrind-out-file=/dev/null",
             sys.executable, "-c", _CHILD, root, scratch, code, str(times)],
            capture_output=True, text=True, cwd=scratch,
            env={**os.environ, "PYTHONHASHSEED": "0"})
        if _LATE_ALARM not in done.stderr:
            break
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"the workload failed under valgrind ({code}):\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def measure(root: str, scratch: str, log: Any) -> dict[str, int]:
    """Instructions per repetition of each workload, for the checkout at ``root``."""
    out = {}
    for name, code, n in WORKLOADS:
        log(f"  {name} ({n} repetitions) ...")
        once = instructions(root, scratch, code, 1)   # (the first pays for imports, compiling)
        out[name] = (instructions(root, scratch, code, 1 + n) - once) // n
    return out


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="REV",
                        help="also measure this commit of the repository, with the ratios")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("bench_instructions: valgrind is not installed (Debian: apt install valgrind)",
              file=sys.stderr)
        return 2

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="simconc-instructions-") as scratch:
        for name, text in (("counter.py", template(COUNTER)(3)), ("threads.py", _THREADS),
                           ("empty.py", "x = 1\n")):
            with open(os.path.join(scratch, name), "w") as f:
                f.write(text)
        report: dict[str, Any] = {"python": sys.version.split()[0],
                                   # (the children import this checkout as this process did)
                                   "kernel": ("compiled" if simconc.compiled.active()
                                              else "pure Python")}
        if args.against:
            other = os.path.join(scratch, "against")
            os.mkdir(other)
            try:
                archive = subprocess.run(["git", "-C", REPO, "archive", args.against],
                                         capture_output=True, check=True).stdout
            except subprocess.CalledProcessError as exc:
                print(f"bench_instructions: git archive {args.against} failed: "
                      f"{exc.stderr.decode().strip()}", file=sys.stderr)
                return 2
            subprocess.run(["tar", "-x", "-C", other], input=archive, check=True)
            log(f"{args.against}:")
            report["against"] = {"rev": args.against, "instructions": measure(other, scratch, log)}
        log("this checkout:")
        report["instructions"] = measure(REPO, scratch, log)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    here = report["instructions"]
    kernels = f"this checkout's kernel {report['kernel']}"
    if "against" in report:
        kernels += f", {report['against']['rev']}'s pure Python"
    print(f"Instructions per repetition (valgrind cachegrind, Python {report['python']}; "
          f"{kernels})")
    if "against" in report:
        there = report["against"]["instructions"]
        rev = report["against"]["rev"]
        print(f"{'workload':<24}{rev:>16}{'this checkout':>16}{'ratio':>8}")
        for name, _code, _n in WORKLOADS:
            print(f"{name:<24}{there[name]:>16,}{here[name]:>16,}"
                  f"{here[name] / there[name]:>8.3f}")
        print("ratio: this checkout's instructions over the other's (below 1: fewer)")
    else:
        print(f"{'workload':<24}{'instructions':>16}")
        for name, _code, _n in WORKLOADS:
            print(f"{name:<24}{here[name]:>16,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
