"""A bug benchmark anyone can rerun: every program of bench/bugs/ under every strategy.

    python bench/bench_bugs.py                  # the whole table (a few minutes)
    python bench/bench_bugs.py --budget 200     # a smaller budget of executions per run
    python bench/bench_bugs.py --only reorder_4_bad,log4j_38137
    python bench/bench_bugs.py --json           # one JSON object instead of the table

bench/bugs/ holds small concurrent programs with known bugs, ported from the published
benchmark suites of the field (SCTBench, JaConTeBe, the Fray paper's programs) or written
after the patterns they test; each says in its docstring what the bug is and where it comes
from. Each is a simconc scenario (its main body starts the threads of ``THREADS`` on the state
``setup()`` makes and joins them; its ``check()`` asserts ``invariant(state)``), and the same
three names, ``setup``, ``THREADS`` and ``invariant``, are what other tools take: frontrun's
``explore(setup=..., workers=..., invariant=...)`` runs the same threads on the same state. A
deadlock is a failure that simconc and frontrun report by themselves.

For each program, every run stops at its first failing execution (except the first) and
records whether it found the bug, how many executions it ran up to and including the first
failing one (or in all, if none failed), and the seconds that took:

dpor        simconc's DPOR alone (``samples=False``), exhaustive, no budget: it runs on after the
            first failure to the end, so the row also says how many executions exhaustive
            exploration takes and whether it ended (every schedule that matters was run).
dpor@N      DPOR alone, stopped after N executions (``--budget``, default 1,000).
dpor+pct@N  simconc's default: DPOR with PCT samples mixed in once it has run 100 executions
            (``samples=True``, seeded with ``--seed``), N executions at most, samples included.
pb2@N       DPOR bounded to 2 preemptions (``preemption_bound=2``), at most N executions.
random@N, pct@N, pos@N
            simconc's samplers, N executions at most, seeded with ``--seed`` (PCT at depth 3).
frontrun-dpor@N, frontrun-dpor-nb@N, frontrun-random@N
            frontrun (if installed), the same program in its own form: its DPOR with its
            defaults (preemption bound 2) and ``max_executions=N``, its DPOR with no
            preemption bound (``preemption_bound=None``), and its random strategy with
            ``max_attempts=N`` and the same seed; all stop at the first failure, do not
            replay it (``reproduce_on_failure=0``) and do not look for IO (the programs do
            none). frontrun refuses to run outside its own ``frontrun`` command, so each program
            runs in a subprocess under ``python -m frontrun.cli``, and the seconds are those of
            its ``explore`` calls, measured inside (a warm-up exploration first, not counted).
            frontrun's verdict "inconclusive" (a run that did not finish, as its threads block
            for good in a deadlock it does not recognise) is shown as ``?`` and is not counted
            as found.
interleave  interleave-test, if it can be imported (``import interleave``); it is not
            installed here, and the table says so.

``--seconds-limit`` (default 120) stops any one run after that long (simconc: between two
executions; frontrun: its ``total_timeout``), which then counts as not found. The targets
(from the project's issue): exhaustive DPOR finds every bug; at the budget, simconc's default
(dpor+pct@N) finds at least as many bugs as the best rival and takes less time in total. Every
figure printed is measured in the run that prints it.
"""
from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from typing import Any, Callable, Optional

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUGS = os.path.join(REPO, "bench", "bugs")

SIMCONC_STRATEGIES = ("dpor", "dpor@N", "dpor+pct@N", "pb2@N", "random@N", "pct@N", "pos@N")
#: The column of simconc's default exploration (what ``simconc explore FILE`` runs).
DEFAULT = "dpor+pct@N"
FRONTRUN_STRATEGIES = ("frontrun-dpor@N", "frontrun-dpor-nb@N", "frontrun-random@N")


# -- the programs --------------------------------------------------------------------------------

def programs(only: Optional[list[str]] = None) -> list[dict[str, str]]:
    """The programs of bench/bugs/, each with its path, SOURCE and KIND (read, not run)."""
    found = []
    for name in sorted(os.listdir(BUGS)):
        if not name.endswith(".py") or name.startswith("_"):
            continue
        path = os.path.join(BUGS, name)
        with open(path) as f:
            tree = ast.parse(f.read())
        meta = {"name": name[:-3], "path": path, "source": "?", "kind": "?"}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Constant) \
                    and node.targets[0].id in ("SOURCE", "KIND"):
                meta[node.targets[0].id.lower()] = node.value.value
        found.append(meta)
    if only:
        unknown = set(only) - {p["name"] for p in found}
        if unknown:
            raise SystemExit("bench_bugs: no such program in bench/bugs/: "
                             + ", ".join(sorted(unknown)))
        found = [p for p in found if p["name"] in only]
    return found


# -- simconc -------------------------------------------------------------------------------------

class _TimeUp(KeyboardInterrupt):
    """Raised from the progress callback: simconc stops the exploration as if on Ctrl-C."""


def run_simconc(path: str, strategy: str, budget: int, seed: int,
                seconds_limit: float) -> dict[str, Any]:
    """One exploration of ``path``; what it found, how many executions up to the first failing
    one and how long that took (or all of them, if nothing failed)."""
    import simconc

    kwargs: dict[str, Any] = {"seed": seed}
    exhaustive = strategy == "dpor"
    if exhaustive:
        kwargs.update(strategy="dpor", samples=False)
    else:
        base = strategy.split("@")[0]
        kwargs.update(max_executions=budget, stop_on_failure=True)
        if base == "pb2":
            kwargs.update(strategy="dpor", preemption_bound=2)
        elif base in ("dpor", "dpor+pct"):
            kwargs.update(strategy="dpor", samples=base == "dpor+pct")
        else:
            kwargs.update(strategy=base)
    first: dict[str, Any] = {}
    start = time.perf_counter()

    def progress(report: Any) -> None:
        now = time.perf_counter()
        if report.failures and not first:
            first.update(executions=report.executions, seconds=now - start)
        if now - start > seconds_limit:
            raise _TimeUp

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = simconc.explore(path, progress=progress, **kwargs)
    except Exception as error:   # simconc's own failure: recorded, the benchmark goes on
        return {"status": "error", "error": f"{type(error).__name__}: {error}",
                "seconds": time.perf_counter() - start}
    total = time.perf_counter() - start
    row: dict[str, Any] = {"found": bool(report.failures), "total_executions": report.executions,
                           "total_seconds": total, "exhausted": report.exhausted,
                           "interrupted": report.interrupted}
    if report.failures:
        failure = min(report.failures, key=lambda f: f.execution)
        row.update(status="found", executions=first.get("executions", failure.execution),
                   seconds=first.get("seconds", total), kind=failure.kind,
                   message=failure.message[:200], preemptions=failure.preemptions)
    else:
        row.update(status="timeout" if report.interrupted else "not found",
                   executions=report.executions, seconds=total)
    return row


# -- frontrun --------------------------------------------------------------------------------------

def frontrun_version() -> Optional[str]:
    try:
        import frontrun
    except ImportError:
        return None
    return getattr(frontrun, "__version__", "?")


def interleave_available() -> bool:
    import importlib.util
    return importlib.util.find_spec("interleave") is not None


def _frontrun_child(path: str, budget: int, seed: int, seconds_limit: float) -> None:
    """Run under ``python -m frontrun.cli``: frontrun's DPOR and random strategy on one program,
    one JSON line each."""
    import importlib.util

    import frontrun

    def load(file: str, name: str) -> Any:
        spec = importlib.util.spec_from_file_location(name, file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)   # not __main__: the main body does not run
        return module

    def explore(module: Any, strategy: str, limit: int) -> Any:
        common = dict(setup=module.setup, workers=list(module.THREADS),
                      invariant=module.invariant, reproduce_on_failure=0, detect_io=False,
                      total_timeout=seconds_limit)
        if strategy == "dpor":      # its default preemption bound, 2
            return frontrun.explore(strategy="dpor", max_executions=limit, stop_on_first=True,
                                    **common)
        if strategy == "dpor-nb":   # no preemption bound
            return frontrun.explore(strategy="dpor", max_executions=limit, stop_on_first=True,
                                    preemption_bound=None, **common)
        return frontrun.explore(strategy="random", max_attempts=limit, seed=seed, **common)

    # Warm-up, not measured: the first exploration in a process pays for setting frontrun up.
    warm = load(os.path.join(BUGS, "lazy01_bad.py"), "bench_bugs_warmup")
    for strategy in ("dpor", "dpor-nb", "random"):
        explore(warm, strategy, 5)
    module = load(path, "bench_bugs_program")
    for strategy in ("dpor", "dpor-nb", "random"):
        start = time.perf_counter()
        try:
            result = explore(module, strategy, budget)
        except Exception as error:
            print(json.dumps({"strategy": strategy, "status": "error",
                              "error": f"{type(error).__name__}: {error}"[:300],
                              "seconds": time.perf_counter() - start}), flush=True)
            continue
        seconds = time.perf_counter() - start
        holds = result.property_holds
        status = "found" if holds is False else "not found" if holds else "inconclusive"
        explanation = (result.explanation or result.inconclusive_reason or "").strip()
        print(json.dumps({"strategy": strategy, "status": status, "found": holds is False,
                          "executions": result.num_explored, "seconds": seconds,
                          "message": explanation.split("\n")[0][:200]}), flush=True)


def run_frontrun(path: str, budget: int, seed: int, seconds_limit: float) -> dict[str, dict]:
    """frontrun's two strategies on one program, in a subprocess under its own command."""
    command = [sys.executable, "-m", "frontrun.cli", sys.executable, os.path.abspath(__file__),
               "--frontrun-child", path, "--budget", str(budget), "--seed", str(seed),
               "--seconds-limit", str(seconds_limit)]
    rows: dict[str, dict] = {}
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=2 * seconds_limit + 60)
        output, errors, status = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or ""
        output = output.decode() if isinstance(output, bytes) else output
        errors, status = "the subprocess did not end in time", None
    for line in output.splitlines():
        if line.startswith("{"):
            run = json.loads(line)
            rows[f"frontrun-{run.pop('strategy')}@N"] = run
    for strategy in FRONTRUN_STRATEGIES:
        if strategy not in rows:
            rows[strategy] = {"status": "error", "seconds": time.perf_counter() - start,
                              "error": f"subprocess status {status}: {errors.strip()[-300:]}"}
    return rows


# -- the benchmark ---------------------------------------------------------------------------------

def bench(only: Optional[list[str]], budget: int, seed: int, seconds_limit: float,
          use_frontrun: bool, say: Callable[[str], None]) -> dict[str, Any]:
    import simconc
    import simconc.compiled

    chosen = programs(only)
    fr_version = frontrun_version() if use_frontrun else None
    # Warm-up, not measured: the first exploration in a process pays for imports and set-up.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        simconc.explore(os.path.join(BUGS, "lazy01_bad.py"), max_executions=3)
    report: dict[str, Any] = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "tree_changed": bool(_git("status", "--porcelain", "--", "simconc")),
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "kernel": "compiled" if simconc.compiled.active() else "pure Python",
        "budget": budget, "seed": seed, "seconds_limit": seconds_limit,
        "frontrun": fr_version or ("not run" if not use_frontrun else None),
        "interleave": "installed" if interleave_available() else "not installed",
        "load_average_at_start": _load(), "programs": [],
    }
    started = time.perf_counter()
    for number, program in enumerate(chosen, 1):
        row: dict[str, Any] = {"name": program["name"], "source": program["source"],
                               "kind": program["kind"], "runs": {}}
        for strategy in SIMCONC_STRATEGIES:
            row["runs"][strategy] = run_simconc(program["path"], strategy, budget, seed,
                                                seconds_limit)
        if fr_version:
            row["runs"].update(run_frontrun(program["path"], budget, seed, seconds_limit))
        report["programs"].append(row)
        say(f"[{number}/{len(chosen)}] {program['name']}: " + ", ".join(
            f"{strategy.replace('@N', f'@{budget}')} {_cell(run)}"
            for strategy, run in row["runs"].items()))
    report["seconds"] = time.perf_counter() - started
    report["load_average_at_end"] = _load()
    report["totals"] = totals(report)
    report["targets"] = targets(report)
    return report


def totals(report: dict[str, Any]) -> dict[str, dict]:
    """Per strategy: bugs found, inconclusive, errors, and the seconds of all its runs."""
    result: dict[str, dict] = {}
    for row in report["programs"]:
        for strategy, run in row["runs"].items():
            total = result.setdefault(strategy, {"found": 0, "inconclusive": 0, "errors": 0,
                                                 "seconds": 0.0, "executions": 0, "programs": 0})
            total["programs"] += 1
            total["found"] += run["status"] == "found"
            total["inconclusive"] += run["status"] == "inconclusive"
            total["errors"] += run["status"] == "error"
            # A run's cost: to its first failure, or all of it if it found nothing. The
            # exhaustive DPOR's time to the end is in its own total.
            total["seconds"] += run.get("seconds", 0.0)
            total["executions"] += run.get("executions", 0) or 0
            if strategy == "dpor":
                for key, field, zero in (("all_executions", "total_executions", 0),
                                         ("all_seconds", "total_seconds", 0.0)):
                    total[key] = total.get(key, zero) + run.get(field, zero)
                total["exhausted"] = total.get("exhausted", 0) + bool(run.get("exhausted"))
    return result


def targets(report: dict[str, Any]) -> dict[str, Any]:
    all_totals = report["totals"]
    n = len(report["programs"])
    missed = [row["name"] for row in report["programs"] if row["runs"]["dpor"]["status"] != "found"]
    out: dict[str, Any] = {"dpor_finds_every_bug": {"met": not missed, "missed": missed,
                                                    "found": n - len(missed), "programs": n}}
    rivals = [s for s in FRONTRUN_STRATEGIES if s in all_totals]
    default = all_totals[DEFAULT]
    if rivals:
        best = max(rivals, key=lambda s: (all_totals[s]["found"], -all_totals[s]["seconds"]))
        rival = all_totals[best]
        out["default_vs_best_rival"] = {
            "rival": best, "simconc_found": default["found"], "rival_found": rival["found"],
            "simconc_seconds": round(default["seconds"], 2),
            "rival_seconds": round(rival["seconds"], 2),
            "at_least_as_many": default["found"] >= rival["found"],
            "faster": default["seconds"] < rival["seconds"],
            # Found by at least one of frontrun's strategies: an upper bound on any one of them.
            "rival_union_found": sum(any(row["runs"].get(s, {}).get("status") == "found"
                                         for s in rivals) for row in report["programs"])}
    return out


# -- output ----------------------------------------------------------------------------------------

def _cell(run: dict[str, Any]) -> str:
    status = run["status"]
    seconds = run.get("seconds", 0.0)
    if status == "found":
        return f"{run['executions']} {seconds:.2f}"
    if status == "error":
        return "ERR"
    mark = {"inconclusive": "?", "timeout": "t/o"}.get(status, "-")
    executions = run.get("executions")
    return f"{mark}{'' if executions is None else f'({executions})'} {seconds:.2f}"


def format_report(report: dict[str, Any]) -> str:
    budget = report["budget"]
    columns = list(SIMCONC_STRATEGIES) + [s for s in FRONTRUN_STRATEGIES
                                          if any(s in row["runs"] for row in report["programs"])]
    heads = [c.replace("@N", f"@{budget}").replace("frontrun-", "fr-") for c in columns]
    name_width = max([len(r["name"]) for r in report["programs"]] + [7])
    cells = [[_cell(row["runs"][c]) if c in row["runs"] else "" for c in columns]
             for row in report["programs"]]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(heads)]
    extra_head = "dpor: all"
    extras = []
    for row in report["programs"]:
        dpor = row["runs"]["dpor"]
        extras.append(f"{dpor.get('total_executions', '?')}{'' if dpor.get('exhausted') else '+'} "
                      f"{dpor.get('total_seconds', 0.0):.2f}")
    extra_width = max([len(extra_head)] + [len(e) for e in extras])
    lines = [
        f"Bug benchmark: {len(report['programs'])} programs of bench/bugs/ (simconc "
        f"{report['commit']}{', simconc/ changed since' if report['tree_changed'] else ''}, "
        f"{report['kernel']} kernel, Python {report['python']}, {report['cpus']} CPUs)",
        f"budget {budget} executions per run, seed {report['seed']}, at most "
        f"{report['seconds_limit']:g} s per run; frontrun {report['frontrun'] or 'not installed'}; "
        f"interleave-test {report['interleave']}; load average {report['load_average_at_start']} "
        f"at start, {report['load_average_at_end']} at end; {report['seconds']:.0f} s in all",
        "",
        "each cell: executions up to and including the first failing one, then seconds to it;",
        "- (n): not found in n executions (then the seconds of the whole run), ? (n): frontrun's",
        "'inconclusive', t/o: stopped at the seconds limit, ERR: the tool failed (see --json).",
        "dpor: all = exhaustive DPOR's executions and seconds to the end ('+': did not end).",
        "",
    ]
    header = "  ".join([f"{'program':<{name_width}}"] + [f"{h:>{w}}" for h, w in zip(heads, widths)]
                       + [f"{extra_head:>{extra_width}}"])
    lines += [header, "-" * len(header)]
    for row, row_cells, extra in zip(report["programs"], cells, extras):
        lines.append("  ".join([f"{row['name']:<{name_width}}"]
                               + [f"{c:>{w}}" for c, w in zip(row_cells, widths)]
                               + [f"{extra:>{extra_width}}"]))
    lines.append("-" * len(header))
    tot = report["totals"]
    n = len(report["programs"])
    found = [f"{tot[c]['found']}/{n}" for c in columns]
    seconds = [f"{tot[c]['seconds']:.1f} s" for c in columns]
    dpor_all = f"{tot['dpor'].get('all_seconds', 0.0):.1f} s"
    ended = f"{tot['dpor'].get('exhausted', 0)}/{n} ended"
    for label, values, extra in (("found", found, ended), ("seconds", seconds, dpor_all)):
        lines.append("  ".join([f"{label:<{name_width}}"]
                               + [f"{c:>{w}}" for c, w in zip(values, widths)]
                               + [f"{extra:>{extra_width}}"]))
    inconclusive = {c: tot[c]["inconclusive"] for c in columns if tot[c]["inconclusive"]}
    errors = {c: tot[c]["errors"] for c in columns if tot[c]["errors"]}
    lines.append("")
    lines.append("seconds: the sum over the programs of each run's time: to its first failure, "
                 "or all of it if it found none.")
    if inconclusive:
        lines.append("inconclusive (not counted as found): " + ", ".join(
            f"{c.replace('@N', '')} {k}" for c, k in inconclusive.items()))
    if errors:
        lines.append("errors: " + ", ".join(f"{c.replace('@N', '')} {k}"
                                            for c, k in errors.items()))
    target = report["targets"]
    every = target["dpor_finds_every_bug"]
    lines.append(f"target: exhaustive DPOR finds every bug: {'met' if every['met'] else 'MISSED'} "
                 f"({every['found']} of {every['programs']}"
                 f"{'' if every['met'] else '; missed: ' + ', '.join(every['missed'])})")
    versus = target.get("default_vs_best_rival")
    if versus:
        lines.append(
            f"target: at {budget} executions simconc's default "
            f"({DEFAULT.replace('@N', f'@{budget}')}) finds at least as "
            f"many as the best rival ({versus['rival'].replace('@N', f'@{budget}')}): "
            f"{'met' if versus['at_least_as_many'] else 'MISSED'} ({versus['simconc_found']} "
            f"against {versus['rival_found']}), and faster in total: "
            f"{'met' if versus['faster'] else 'MISSED'} ({versus['simconc_seconds']:.2f} s against "
            f"{versus['rival_seconds']:.2f} s)")
        lines.append(f"(found by at least one of frontrun's strategies: "
                     f"{versus['rival_union_found']} of {n})")
    else:
        lines.append("target against the rivals: not measured (frontrun not installed or not run)")
    return "\n".join(lines)


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def _load() -> Optional[float]:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=1000,
                        help="executions per run of the budgeted strategies (default 1000)")
    parser.add_argument("--only", help="comma-separated program names (bench/bugs/NAME.py)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0, help="the samplers' seed (default 0)")
    parser.add_argument("--seconds-limit", type=float, default=120.0,
                        help="stop any one run after this many seconds (default 120)")
    parser.add_argument("--no-frontrun", action="store_true", help="leave frontrun out")
    parser.add_argument("--frontrun-child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.budget < 1 or args.seconds_limit <= 0:
        parser.error("--budget and --seconds-limit must be positive")
    if args.frontrun_child:
        _frontrun_child(args.frontrun_child, args.budget, args.seed, args.seconds_limit)
        return 0
    only = [name.strip() for name in args.only.split(",")] if args.only else None

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    report = bench(only, args.budget, args.seed, args.seconds_limit, not args.no_frontrun, say)
    if args.json:
        print(json.dumps(report, indent=1, default=str))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
