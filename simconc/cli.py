"""The command line: ``simconc run | replay | list | profiles``.

Exit status: 0 when the program ran, 1 on a deadlock or an uncaught failure in the program, 2 for
bad input (a missing file, a syntax error, a bad seed or token).
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from typing import Optional, Sequence

from .kernel import PROFILES, BadToken, ScheduleMismatch, SimconcError, TraceEvent
from .runner import RunResult, ScenarioError, run
from .scenarios import list_scenarios

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the scenario: an ordinary threaded Python file")
    parser.add_argument("--profile", default="tutorial-2017", choices=sorted(PROFILES),
                        help="the cost profile that gives time its meaning "
                             "(default: tutorial-2017)")
    parser.add_argument("--trace", action="store_true",
                        help="show each visible operation as it happens (on stderr)")
    parser.add_argument("--memory", action="store_true",
                        help="also put the program's reads and writes of shared state (module "
                             "variables, attributes, subscripts) on the trace")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the output and the outcome")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print only the program's own output, no summary")
    parser.add_argument("--until", type=float, metavar="SECONDS",
                        help="stop at this simulated time (for programs that run for ever)")
    parser.add_argument("--spin-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="stop a thread that runs this long in real time without blocking "
                             "(default: 10)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simconc",
        description="Run threaded Python on a simulated machine: deterministic, replayable.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p_run = sub.add_parser("run", help="run a scenario once, with a seed")
    _common(p_run)
    p_run.add_argument("--seed", type=int, default=0,
                       help="the seed that picks the schedule and the program's random numbers")
    p_replay = sub.add_parser("replay", help="re-run exactly the execution a schedule token names")
    _common(p_replay)
    p_replay.add_argument("token", help="the schedule token a run printed")
    p_list = sub.add_parser("list", help="the scenarios and what each shows")
    p_list.add_argument("--json", action="store_true")
    sub.add_parser("profiles", help="the cost profiles and their durations")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        return _list(args)
    if args.command == "profiles":
        for profile in PROFILES.values():
            print(f"{profile.name}: {profile.description}")
            for key, value in profile.as_dict().items():
                if key not in ("name", "description"):
                    print(f"    {key} = {value}")
        return EXIT_OK
    return _run(args)


def _list(args: argparse.Namespace) -> int:
    infos = list_scenarios()
    if args.json:
        print(json.dumps([i.to_dict() for i in infos], indent=2))
        return EXIT_OK
    width = max((len(os.path.basename(i.path)) for i in infos), default=0)
    for info in infos:
        row = f"row {info.row:>2}" if info.row is not None else "      "
        print(f"{os.path.basename(info.path):<{width}}  {row}  {info.title}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    def show(event: TraceEvent) -> None:
        sys.stderr.write(event.format() + "\n")
        sys.stderr.flush()

    listener = show if args.trace and not args.json else None
    live = not args.json
    try:
        result = run(args.file,
                     seed=getattr(args, "seed", 0),
                     schedule=getattr(args, "token", None),
                     profile=args.profile, until=args.until, spin_timeout=args.spin_timeout,
                     memory=args.memory,
                     trace_listener=listener,
                     echo=sys.stdout if live else None, echo_err=sys.stderr if live else None)
    except (ScenarioError, BadToken, ScheduleMismatch) as exc:
        if args.json:
            print(json.dumps({"status": "bad-input", "error": str(exc)}))
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SimconcError as exc:  # pragma: no cover - every known failure is reported in result
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        payload = result.to_dict()
        if args.trace:
            payload["trace"] = [_event_dict(e) for e in result.trace]
        print(json.dumps(payload, indent=2))
    else:
        _report(result, args)
    if result.status in ("ok", "limit"):
        return EXIT_OK
    return EXIT_FAILED


def _event_dict(event: TraceEvent) -> dict:
    return {"time": event.time, "thread": event.thread, "op": event.op, "obj": event.obj,
            "where": str(event.where) if event.where else None}


def _report(result: RunResult, args: argparse.Namespace) -> None:
    """Why the run failed (always), then the summary (unless --quiet), on stderr."""
    err = sys.stderr
    sys.stdout.flush()
    if result.deadlock is not None:
        err.write("\n" + result.deadlock.format() + "\n")
    if result.error:
        err.write(f"\nsimconc: stopped: {result.error}\n")
    if args.quiet:
        return
    status = {"ok": "ok", "deadlock": "DEADLOCK", "error": "FAILED",
              "limit": "stopped at the --until limit"}[result.status]
    if result.status == "error" and result.exit_code:
        status += f" (the program exited with status {result.exit_code})"
    elif result.status == "error" and result.exceptions:
        status += f" ({len(result.exceptions)} uncaught exception" \
                  f"{'s' if len(result.exceptions) > 1 else ''})"
    seed = f"seed {result.seed}" if result.seed is not None else "replayed"
    threads = f"{result.threads} thread{'s' if result.threads != 1 else ''}"
    err.write(f"\n-- simconc: {status} | {result.elapsed * 1000:.3f} ms simulated | "
              f"{threads} | {seed} | profile {result.profile}\n")
    replay = ["simconc", "replay", args.file, result.schedule]
    if args.profile != "tutorial-2017":
        replay += ["--profile", args.profile]
    if args.until is not None:
        replay += ["--until", f"{args.until:g}"]
    err.write(f"   schedule {result.schedule}\n   replay:  {shlex.join(replay)}\n")
