"""How many executions does exploration need, and how fast are they? With the baselines.

    python bench/bench_explore.py              # or: python -m bench.bench_explore
    python bench/bench_explore.py --quick      # smaller sizes and budgets (about 15 s)
    python bench/bench_explore.py --json       # one JSON object instead of the table

Three measurements, each against a baseline taken in the same run:

Counts
    Classic benchmark programs from the DPOR literature, written as ordinary threaded Python and
    generated with their size N into a temporary directory: ``simconc.explore(strategy="dpor",
    samples=False)`` (the search alone, without the default's PCT samples) on each, against
    the number of Mazurkiewicz traces the program has (where it is known) and against
    ``strategy="enumerate"`` (every interleaving, no reduction) on the same file. The
    count is the test of the reduction: fewer executions than traces means schedules are missed,
    more means work is repeated. Enumeration is stopped at a cap of executions or a time budget
    per program (whichever comes first) and then shown as ``>= n``: a lower bound, since it
    grows far too fast to finish. The outcomes enumeration reaches must all be reached by DPOR
    too (DPOR may not lose an outcome), and the report says whether they are.
Throughput
    ``simconc.explore`` on the two-thread lost update (scenarios/lost_update.py, 4 executions per
    exploration) over and over for a time budget: executions per second, everything a user pays
    for included, against the project's target of 2000. Then the same file under plain
    enumeration (379 executions per exploration) for comparison: what an exploration costs
    once is spread thinner there. The two take turns in rounds; each figure is its best round.
Jobs
    ``simconc.explore(jobs=2)`` against ``jobs=1`` on the 4-thread counter and readers(8) (3 and
    6 in a quick run), each the best of two turns: the time of each, their ratio, and whether
    the two reports are the same (they must be, byte for byte).
frontrun
    If the ``frontrun`` package is installed: its DPOR on the N-thread read-then-write counter,
    the same program as the ``counter`` rows here, against simconc's DPOR on it. frontrun's
    ``explore`` refuses to run outside its own ``frontrun`` command (which sets FRONTRUN_ACTIVE
    and LD_PRELOADs its IO interceptor), so it runs in a subprocess under that command, and the
    time reported is that of its ``explore`` call alone, measured inside the subprocess (the
    start-up of the interpreter and of frontrun is left out, and so is a first, warm-up
    exploration). frontrun and simconc's DPOR on the same counter take turns for three rounds, so
    that load elsewhere on the machine hits both alike, and each figure is its best round.

Everything printed is measured in the run that prints it; nothing is carried over.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import time as _time
from dataclasses import dataclass
from typing import Any, Callable, Optional

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import simconc

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOST_UPDATE = os.path.join(REPO, "scenarios", "lost_update.py")
LOST_UPDATE_LOGGED = os.path.join(REPO, "scenarios", "lost_update_logged.py")
DINING = os.path.join(REPO, "scenarios", "dining_philosophers.py")

#: The targets from the project's issue.
TARGET_EXECUTIONS_PER_SECOND = 2000   # explore() on the two-thread lost update
TARGET_VS_FRONTRUN = 20               # simconc exhausts the 4-thread counter 20x faster

#: The throughput figures' budget is split into this many rounds; a figure is its best round.
THROUGHPUT_ROUNDS = 5

#: Enumeration is stopped at this many executions, or after this many seconds on one program.
ENUMERATE_CAP = {"full": 20_000, "quick": 2_000}
ENUMERATE_SECONDS = {"full": 8.0, "quick": 1.0}

#: frontrun gets this long for one exploration before it is abandoned (its own total_timeout).
FRONTRUN_TIMEOUT = 300.0
#: Rounds of the frontrun comparison (frontrun, then simconc, in turn); the best round counts.
FRONTRUN_ROUNDS = 3


# -- the programs ---------------------------------------------------------------------------------
# Each is a complete threaded program: the worker threads, then the main thread starts them all
# and joins them all. Only the main thread prints, after the joins: output is a visible operation
# in simconc, and prints in the workers would add orderings to explore that the published counts
# do not have.

_START_AND_JOIN = """
for t in threads:
    t.start()
for t in threads:
    t.join()
"""

COUNTER = """\
import threading

N = {n}


class Counter:
    def __init__(self):
        self.value = 0

    def increment(self):
        temp = self.value
        self.value = temp + 1


counter = Counter()


def worker():
    counter.increment()


threads = [threading.Thread(target=worker) for _ in range(N)]
{start_and_join}
print(counter.value)
"""

LASTZERO = """\
import threading

N = {n}
array = [0] * (N + 1)
last = None


def last_zero():
    global last
    i = N
    while array[i] != 0:
        i -= 1
    last = i


def fill(j):
    array[j] = array[j - 1] + 1


threads = ([threading.Thread(target=last_zero)]
           + [threading.Thread(target=fill, args=(j,)) for j in range(1, N + 1)])
{start_and_join}
print(last, array)
"""

READERS = """\
import threading

N = {n}
x = 0
seen = [None] * N


def writer():
    global x
    x = 1


def reader(i):
    seen[i] = x


threads = ([threading.Thread(target=writer)]
           + [threading.Thread(target=reader, args=(i,)) for i in range(N)])
{start_and_join}
print(seen)
"""

# Flanagan and Godefroid's indexer (POPL 2005), with its getmsg() and hash(): thread tid inserts
# w = 11 * m + tid for m = 1..4 at (7 * w) % 128, probing on. The first collisions come at
# N = 12 (threads 0 and 11 share three values), which is where the published counts stop being
# 1. (The variant w = 11 * (4 * tid + i) would make thread 0 insert w = 0, which is the empty
# slot, so it is not used.) The compare-and-swap is made atomic with one lock per slot.
INDEXER = """\
import threading

N = {n}
SIZE = 128
table = [0] * SIZE
locks = [threading.Lock() for _ in range(SIZE)]


def cas(h, w):
    with locks[h]:
        if table[h] == 0:
            table[h] = w
            return True
    return False


def indexer(tid):
    for m in range(1, 5):
        w = m * 11 + tid        # getmsg()
        h = (w * 7) % SIZE      # hash(w)
        while not cas(h, w):
            h = (h + 1) % SIZE


threads = [threading.Thread(target=indexer, args=(tid,)) for tid in range(N)]
{start_and_join}
print(sorted(v for v in table if v))
"""


def dining_source(n: int) -> str:
    """scenarios/dining_philosophers.py itself, with its N set to ``n``."""
    with open(DINING) as f:
        source = f.read()
    source, found = re.subn(r"^N = \d+$", f"N = {n}", source, count=1, flags=re.M)
    if not found:
        raise RuntimeError(f"no 'N = ...' line to set in {DINING}")
    return source


def template(text: str) -> Callable[[int], str]:
    return lambda n: text.format(n=n, start_and_join=_START_AND_JOIN.strip())


@dataclass
class Program:
    name: str
    source: Callable[[int], str]
    sizes: tuple[int, ...]            # N for a full run
    quick_sizes: tuple[int, ...]      # N for --quick
    expected: Callable[[int], Optional[int]]   # traces, where known
    expected_says: str


def _indexer_published(n: int) -> Optional[int]:
    # The published counts for the indexer with an atomic compare-and-swap.
    return 1 if n <= 11 else {12: 8, 13: 64}.get(n)


PROGRAMS = (
    Program("counter", template(COUNTER), (2, 3, 4), (2, 3),
            lambda n: math.factorial(n) ** 2, "(N!)^2"),
    Program("lastzero", template(LASTZERO), (3, 4, 5), (3, 4),
            lambda n: (n + 3) * 2 ** (n - 2), "(N+3) * 2^(N-2)"),
    Program("readers", template(READERS), (4, 6, 8), (4, 6),
            lambda n: 2 ** n, "2^N"),
    Program("indexer", template(INDEXER), (10, 11, 12), (11, 12),
            _indexer_published, "published, atomic CAS: 1 for N <= 11, 8 for 12, 64 for 13"),
    Program("dining", dining_source, (3, 4), (3,),
            lambda n: None, "not known in closed form"),
)


def write_program(directory: str, program: Program, n: int) -> str:
    path = os.path.join(directory, f"{program.name}_{n}.py")
    with open(path, "w") as f:
        f.write(program.source(n))
    return path


# -- counts ---------------------------------------------------------------------------------------
def enumerate_bounded(path: str, cap: int, seconds: float) -> simconc.ExploreReport:
    """``strategy="enumerate"`` stopped at ``cap`` executions or after ``seconds``.

    explore() has a cap on executions but not on time, and its one way to stop early and still
    hand back the report is Ctrl-C, so the time budget raises KeyboardInterrupt from the progress
    callback. A real Ctrl-C (the flag unset) is passed on."""
    deadline = _time.perf_counter() + seconds
    stopped = []

    def progress(report: simconc.ExploreReport) -> None:
        if _time.perf_counter() >= deadline:
            stopped.append(True)
            raise KeyboardInterrupt

    report = simconc.explore(path, strategy="enumerate", max_executions=cap, progress=progress)
    if report.interrupted and not stopped:
        raise KeyboardInterrupt
    return report


def measure_counts(program: Program, n: int, path: str, cap: int,
                   enumerate_seconds: float) -> dict[str, Any]:
    gc.collect()
    dpor = simconc.explore(path, strategy="dpor", samples=False)   # (the search's own count)
    gc.collect()
    enum = enumerate_bounded(path, cap, enumerate_seconds)
    expected = program.expected(n)
    # DPOR must reach every outcome that some interleaving reaches.
    missed = sorted(set(enum.outcome_counts) - set(dpor.outcome_counts))
    return {
        "program": program.name, "n": n,
        "expected": expected, "expected_says": program.expected_says,
        "dpor": {"executions": dpor.executions, "repeated": dpor.redundant,
                 "blocked": dpor.blocked,
                 "exhausted": dpor.exhausted, "seconds": round(dpor.elapsed, 4),
                 "per_second": (dpor.executions + dpor.redundant) / dpor.elapsed,
                 "outcomes": len(dpor.outcome_counts),
                 "failures": [f.message for f in dpor.failures]},
        "enumerate": {"executions": enum.executions, "exhausted": enum.exhausted,
                      "seconds": round(enum.elapsed, 4),
                      "per_second": enum.executions / enum.elapsed,
                      "outcomes": len(enum.outcome_counts)},
        "outcomes_missed_by_dpor": missed,
        "verdict": (None if expected is None else
                    "OK" if dpor.exhausted and dpor.executions == expected else "MISMATCH"),
    }


# -- throughput -----------------------------------------------------------------------------------
def measure_throughput(seconds: float, rounds: int = THROUGHPUT_ROUNDS) -> dict[str, Any]:
    """simconc.explore on the two-thread lost update, again and again; then the same under
    plain enumeration. Each gets ``seconds`` in all, split into ``rounds`` rounds taking turns,
    and its figure is its best round (as bench_run.py's, and timeit's): a burst of load
    elsewhere on the machine slows a round, never speeds one up."""
    first = simconc.explore(LOST_UPDATE)   # warm up (imports, caches), and check the program
    if not first.exhausted or first.executions != 4:
        raise RuntimeError(f"{LOST_UPDATE}: expected 4 executions, exhausted; got "
                           f"{first.executions}, exhausted={first.exhausted}")
    clock = _time.perf_counter

    def one_round(strategy: str) -> dict[str, Any]:
        gc.collect()
        explorations = executions = 0
        start = clock()
        while True:
            executions += simconc.explore(LOST_UPDATE, strategy=strategy).executions
            explorations += 1
            now = clock()
            if now - start >= seconds / rounds:
                break
        return {"explorations": explorations, "executions": executions,
                "seconds": now - start, "per_second": executions / (now - start)}

    # The same program under plain enumeration: 379 executions per exploration, so what an
    # exploration costs once (the report, the failing execution run again with its trace) is
    # spread over many. Beside the figure above it shows how much of that figure is per
    # exploration rather than per execution. (Not the target's figure: see bench/README.md.)
    figures: dict[str, list[dict[str, Any]]] = {"dpor": [], "enumerate": []}
    for _ in range(rounds):
        for strategy, done in figures.items():
            done.append(one_round(strategy))

    def figure(done: list[dict[str, Any]]) -> dict[str, Any]:
        best = max(done, key=lambda r: r["per_second"])
        return {"explorations": best["explorations"], "executions": best["executions"],
                "seconds": round(best["seconds"], 4), "per_second": best["per_second"],
                "rounds": [round(r["per_second"]) for r in done]}

    dpor = figure(figures["dpor"])
    rate = dpor["per_second"]
    return {"program": os.path.relpath(LOST_UPDATE, REPO), **dpor,
            "target": {"at_least": TARGET_EXECUTIONS_PER_SECOND,
                       "met": rate >= TARGET_EXECUTIONS_PER_SECOND},
            "enumerate": figure(figures["enumerate"])}


# -- switch points --------------------------------------------------------------------------------
def measure_switch_points() -> list[dict[str, Any]]:
    """The lost updates explored with every visible operation a switch point (the free-threaded
    build) and with the GIL build's only: whether the update can be lost, and what the GIL
    model costs in executions (its hand-overs all conflict, so DPOR cannot commute them)."""
    rows = []
    for path in (LOST_UPDATE, LOST_UPDATE_LOGGED):
        for switch_points in ("any", "gil"):
            started = _time.perf_counter()
            report = simconc.explore(path, switch_points=switch_points)
            rows.append({"program": os.path.relpath(path, REPO), "switch_points": switch_points,
                         "executions": report.executions, "exhausted": report.exhausted,
                         "update_lost": bool(report.failures),
                         "seconds": round(_time.perf_counter() - started, 4)})
    return rows


# -- jobs -----------------------------------------------------------------------------------------
def measure_jobs(directory: str, quick: bool) -> list[dict[str, Any]]:
    """DPOR in one process and in two, taking turns (load elsewhere hits both alike)."""
    rows = []
    for name, n in ((("counter", 3), ("readers", 6)) if quick else
                    (("counter", 4), ("readers", 8))):
        program = next(p for p in PROGRAMS if p.name == name)
        path = write_program(directory, program, n)
        seconds: dict[int, list[float]] = {1: [], 2: []}
        reports: dict[int, dict[str, Any]] = {}
        for _ in range(2):
            for jobs in (1, 2):
                started = _time.perf_counter()
                reports[jobs] = simconc.explore(path, jobs=jobs, samples=False).to_dict()
                seconds[jobs].append(_time.perf_counter() - started)
        one, two = min(seconds[1]), min(seconds[2])
        rows.append({"program": name, "n": n, "executions": reports[1]["executions"],
                     "seconds_jobs_1": round(one, 4), "seconds_jobs_2": round(two, 4),
                     "speedup": one / two, "same_report": reports[1] == reports[2]})
    return rows


# -- frontrun -------------------------------------------------------------------------------------
# The counter in frontrun's own form (its README's example): shared state made by setup, one
# worker per thread, an invariant checked at the end. Exhaustive settings: no preemption bound
# (its default bound of 2 explores less), no stop at the first failure, no replay of the
# counterexample, no IO detection (the program does no IO).
FRONTRUN_SCRIPT = '''\
"""frontrun's DPOR on the N-thread counter, for each N given; one JSON line each.
Run it under frontrun's own command: frontrun python THIS_FILE 2 3 4"""
import json
import sys
import time

import frontrun


class Counter:
    def __init__(self):
        self.value = 0

    def increment(self):
        temp = self.value
        self.value = temp + 1


def explore(n):
    return frontrun.explore(
        setup=Counter, workers=Counter.increment, count=n,
        invariant=lambda c: c.value == n,
        preemption_bound=None, stop_on_first=False, reproduce_on_failure=0, detect_io=False,
        max_executions=1_000_000, total_timeout={timeout})


explore(2)   # not timed: the first exploration in a process pays for setting frontrun up
for n in map(int, sys.argv[1:]):
    start = time.perf_counter()
    result = explore(n)
    seconds = time.perf_counter() - start
    print(json.dumps({{"n": n, "executions": result.num_explored, "seconds": seconds,
                      "property_holds": result.property_holds,
                      "failing_executions": len(result.failures)}}), flush=True)
'''


def frontrun_available() -> Optional[str]:
    """frontrun's version, or None if it cannot be imported here."""
    try:
        import frontrun
    except ImportError:
        return None
    return getattr(frontrun, "__version__", "?")


def run_frontrun(script: str, sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    """One subprocess under ``python -m frontrun.cli`` (its ``frontrun`` command, run by this
    interpreter so that it is the same Python): frontrun's DPOR on the counter for each size."""
    command = [sys.executable, "-m", "frontrun.cli", sys.executable, script, *map(str, sizes)]
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=len(sizes) * FRONTRUN_TIMEOUT + 60)
    runs = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or len(runs) != len(sizes):
        raise RuntimeError(f"frontrun subprocess failed (status {done.returncode}):\n"
                           f"{done.stderr.strip()[-2000:]}")
    if "preload library not found" in done.stderr:
        for run in runs:
            run["preload"] = False
    return runs


def compare_frontrun(directory: str, sizes: tuple[int, ...], rounds: int) -> dict[str, Any]:
    """frontrun and simconc's DPOR on the same counters, taking turns for ``rounds`` rounds so
    that a burst of load on the machine hits both alike; each figure is its best round (as in
    bench_run). frontrun's real threads make it the more sensitive to load."""
    script = os.path.join(directory, "frontrun_counter.py")
    with open(script, "w") as f:
        f.write(FRONTRUN_SCRIPT.format(timeout=FRONTRUN_TIMEOUT))
    counter = next(p for p in PROGRAMS if p.name == "counter")
    paths = {n: write_program(directory, counter, n) for n in sizes}
    theirs: dict[int, list[dict]] = {n: [] for n in sizes}
    ours: dict[int, list[simconc.ExploreReport]] = {n: [] for n in sizes}
    for _ in range(rounds):
        for run in run_frontrun(script, sizes):
            theirs[run["n"]].append(run)
        for n in sizes:
            gc.collect()
            ours[n].append(simconc.explore(paths[n], strategy="dpor", samples=False))
    comparison = []
    for n in sizes:
        them = min(theirs[n], key=lambda run: run["seconds"])
        us = min(ours[n], key=lambda report: report.elapsed)
        comparison.append({
            "n": n,
            "frontrun": {"executions": them["executions"], "seconds": round(them["seconds"], 4),
                         "per_second": them["executions"] / them["seconds"],
                         "failing_executions": them["failing_executions"],
                         "rounds_seconds": [round(r["seconds"], 4) for r in theirs[n]]},
            "simconc": {"executions": us.executions, "exhausted": us.exhausted,
                        "seconds": round(us.elapsed, 4), "per_second": us.executions / us.elapsed,
                        "rounds_seconds": [round(r.elapsed, 4) for r in ours[n]]},
            "time_ratio": them["seconds"] / us.elapsed,
            "rate_ratio": (us.executions / us.elapsed) / (them["executions"] / them["seconds"]),
        })
    preload = all(run.get("preload", True) for runs in theirs.values() for run in runs)
    return {"command": "frontrun python frontrun_counter.py " + " ".join(map(str, sizes)),
            "rounds": rounds, "preload": preload, "comparison": comparison}


# -- the whole run --------------------------------------------------------------------------------
def run_bench(quick: bool = False, seconds: float = 3.0,
              log: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    mode = "quick" if quick else "full"
    cap, enum_seconds = ENUMERATE_CAP[mode], ENUMERATE_SECONDS[mode]
    say = log or (lambda text: None)
    report: dict[str, Any] = {
        "mode": mode,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpus": os.cpu_count(),
        "simconc_revision": _revision(),
        # (setup.py compiles it when it can; SIMCONC_PURE=1 runs its sources: simconc/compiled.py)
        "kernel": "compiled" if simconc.compiled.active() else "pure Python",
        "enumerate_cap": cap,
        "enumerate_seconds": enum_seconds,
        # Other work on the machine slows every figure here: say how much there was.
        "load_average_at_start": _load(),
    }
    # The first exploration in a process pays for imports and caches: not the first row's.
    simconc.explore(LOST_UPDATE)
    with tempfile.TemporaryDirectory(prefix="bench_explore_") as directory:
        rows = []
        for program in PROGRAMS:
            for n in (program.quick_sizes if quick else program.sizes):
                say(f"{program.name}({n}): dpor, then enumerate ...")
                path = write_program(directory, program, n)
                rows.append(measure_counts(program, n, path, cap, enum_seconds))
        report["counts"] = rows

        say("switch points: the lost updates with and without the GIL ...")
        report["switch_points"] = measure_switch_points()

        say(f"throughput: simconc.explore on the lost update for {seconds:g} s ...")
        report["throughput"] = measure_throughput(seconds)

        say("jobs: dpor in one process and in two ...")
        report["jobs"] = measure_jobs(directory, quick)

        report["frontrun"] = frontrun_section(directory, quick, say)
    report["load_average_at_end"] = _load()
    return report


def frontrun_section(directory: str, quick: bool, say: Callable[[str], None]) -> dict[str, Any]:
    """frontrun against simconc on the counter, or why it was skipped."""
    version = frontrun_available()
    if version is None:
        return {"skipped": "frontrun is not installed (pip install frontrun)"}
    sizes = (2, 3) if quick else (2, 3, 4)
    say(f"frontrun {version}: its DPOR on the counter, N = {', '.join(map(str, sizes))}, "
        f"{FRONTRUN_ROUNDS} rounds taking turns with simconc ...")
    try:
        frontrun = compare_frontrun(directory, sizes, FRONTRUN_ROUNDS)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        # A broken frontrun should not cost the figures measured before it.
        return {"skipped": f"frontrun {version} failed: {error}"}
    frontrun["version"] = version
    four = [c for c in frontrun["comparison"] if c["n"] == 4]
    frontrun["target"] = (
        {"at_least": TARGET_VS_FRONTRUN, "met": four[0]["time_ratio"] >= TARGET_VS_FRONTRUN}
        if four else {"at_least": TARGET_VS_FRONTRUN, "met": None,
                      "says": "the 4-thread counter is run in a full run only"})
    return frontrun


def _revision() -> Optional[str]:
    """The repository's commit, with "+changes" if simconc/ differs from it: simconc changes
    fast, and a figure means little without the code it was measured on. None outside git."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "simconc")
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+changes" if dirty else "")


def _load() -> Optional[float]:
    """The 1-minute load average, where the platform has one."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


# -- the table ------------------------------------------------------------------------------------
def _count(figure: dict[str, Any]) -> str:
    return f"{figure['executions']:,}" if figure["exhausted"] else f">= {figure['executions']:,}"


def format_report(report: dict[str, Any]) -> str:
    lines = [f"Exploration counts and speed (simconc {report['simconc_revision'] or '?'}, "
             f"{report['kernel']} kernel, Python {report['python']}, {report['cpus']} CPUs, "
             f"{report['mode']} run)",
             f"load average {report['load_average_at_start']} at start and "
             f"{report['load_average_at_end']} at end; enumeration stopped at "
             f"{report['enumerate_cap']:,} executions or {report['enumerate_seconds']:g} s per "
             f"program", ""]
    header = (f"{'program':<10}{'N':>3}{'expected':>10}{'DPOR':>8}{'repeated':>10}{'blocked':>9}"
              f"{'enumerate':>12}{'DPOR s':>9}{'DPOR exec/s':>13}  check")
    lines += [header, "-" * len(header)]
    for row in report["counts"]:
        dpor, expected = row["dpor"], row["expected"]
        lines.append(
            f"{row['program']:<10}{row['n']:>3}"
            f"{(f'{expected:,}' if expected is not None else '-'):>10}"
            f"{_count(dpor):>8}{dpor['repeated']:>10}{dpor['blocked']:>9}"
            f"{_count(row['enumerate']):>12}"
            f"{dpor['seconds']:>9.2f}{dpor['per_second']:>13,.0f}  {row['verdict'] or '-'}")
    lines.append("")
    notes = ("expected: the program's Mazurkiewicz traces, "
             + "; ".join(f"{p.name} {p.expected_says}" for p in PROGRAMS)
             + ". DPOR: the distinct traces it ran; repeated: complete executions of a trace "
               "it had already run, and blocked: executions it cut short as redundant (none of "
               "either, for an optimal DPOR); DPOR exec/s counts the repeated ones too. "
               "enumerate: every interleaving, no reduction (>= n: stopped at the cap or the "
               "time budget). check: DPOR's count against expected.")
    lines += textwrap.wrap(notes, width=100)
    missed = [r for r in report["counts"] if r["outcomes_missed_by_dpor"]]
    if missed:
        for r in missed:
            lines.append(f"OUTCOMES MISSED BY DPOR in {r['program']}({r['n']}): "
                         f"{r['outcomes_missed_by_dpor']}")
    else:
        lines.append("Every outcome enumeration reached, DPOR reached too (all rows).")

    lines += ["", "Switch points: every visible operation (any) against the GIL build of "
                  "CPython 3.10-3.13 (gil)"]
    for row in report["switch_points"]:
        lines.append(f"  {row['program']:<34}{row['switch_points']:<5}{row['executions']:>6} "
                     f"executions  update {'LOST' if row['update_lost'] else 'never lost'}"
                     f"  {row['seconds']:.2f} s")

    t = report["throughput"]
    e = t["enumerate"]
    lines += ["", f"Throughput: simconc.explore on {t['program']} (4 executions each), the "
                  f"best of {len(t['rounds'])} rounds",
              f"  {t['per_second']:,.0f} executions/s ({t['explorations']:,} explorations in "
              f"{t['seconds']:.2f} s); target >= {t['target']['at_least']:,}: "
              f"{'met' if t['target']['met'] else 'MISSED'}",
              f"  for comparison, strategy='enumerate' on the same file, taking turns with it "
              f"({e['executions'] // max(e['explorations'], 1):,} executions each):",
              f"  {e['per_second']:,.0f} executions/s (the costs of an exploration spread "
              f"thinner)",
              f"  executions/s per round: {', '.join(f'{r:,}' for r in t['rounds'])}; "
              f"enumerate {', '.join(f'{r:,}' for r in e['rounds'])}"]

    lines += ["", "Jobs: simconc.explore(strategy='dpor') with jobs=1 and jobs=2, best of 2 turns"]
    for row in report["jobs"]:
        lines.append(f"  {row['program']}({row['n']}): {row['executions']:,} executions  "
                     f"jobs=1 {row['seconds_jobs_1']:.2f} s  jobs=2 {row['seconds_jobs_2']:.2f} s"
                     f"  speed-up {row['speedup']:.2f}x  same report: "
                     f"{'yes' if row['same_report'] else 'NO'}")

    fr = report["frontrun"]
    lines.append("")
    if "skipped" in fr:
        lines.append(f"frontrun comparison skipped: {fr['skipped']}.")
        return "\n".join(lines)
    lines += textwrap.wrap(
        f"frontrun {fr['version']} (DPOR, no preemption bound, under its `frontrun` command"
        f"{'' if fr['preload'] else ', preload library not found'}) against simconc DPOR, "
        f"on the N-thread counter, best of {fr['rounds']} rounds taking turns:", width=100)
    head = (f"{'N':>3}{'frontrun execs':>16}{'frontrun s':>12}{'exec/s':>9}"
            f"{'simconc execs':>15}{'simconc s':>11}{'exec/s':>9}{'time ratio':>12}")
    lines += [head, "-" * len(head)]
    for c in fr["comparison"]:
        f, s = c["frontrun"], c["simconc"]
        lines.append(f"{c['n']:>3}{f['executions']:>16,}{f['seconds']:>12.2f}"
                     f"{f['per_second']:>9,.0f}{s['executions']:>15,}{s['seconds']:>11.2f}"
                     f"{s['per_second']:>9,.0f}{c['time_ratio']:>11.1f}x")
    target = fr["target"]
    verdict = ("met" if target["met"] else "MISSED") if target["met"] is not None \
        else f"not measured ({target['says']})"
    lines += textwrap.wrap(f"time ratio: frontrun's time / simconc's; target for N = 4 >= "
                           f"{target['at_least']}x: {verdict}", width=100)
    for c in fr["comparison"]:
        lines.append(f"  N = {c['n']}, seconds per round: frontrun "
                     f"{', '.join(f'{x:.2f}' for x in c['frontrun']['rounds_seconds'])}; simconc "
                     f"{', '.join(f'{x:.2f}' for x in c['simconc']['rounds_seconds'])}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/bench_explore.py",
        description="Executions simconc.explore needs on classic programs (against the known "
                    "counts and plain enumeration), its throughput, and frontrun on the same "
                    "counter if installed.")
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, lower enumeration cap, 1 s of throughput")
    parser.add_argument("--seconds", type=float, default=None,
                        help="wall-clock budget of the throughput figure (default: 3, or 1 "
                             "with --quick)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else (1.0 if args.quick else 3.0)
    if seconds <= 0:
        parser.error("--seconds must be positive")
    log = None if args.json else (lambda text: print(text, file=sys.stderr, flush=True))
    report = run_bench(args.quick, seconds, log)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
