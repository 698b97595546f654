"""The command line: ``simconc run | explore | replay | compare | shrink | step | list |
puzzles | profiles``.

Exit status: 0 when the program ran (``explore``: nothing failed), 1 on a deadlock, an uncaught
failure in the program or a failed check, 2 for bad input (a missing file, a syntax error, a bad
seed or token), 130 when Ctrl-C stopped a run (or an exploration before it had a report).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from ..kernel import PROFILES, BadToken, ScheduleMismatch, SimconcError, TraceEvent
from ..kernel.profile import get_profile
from ..kernel.trace import SCHEDULING, what
from ..kernel import SWITCH_POINT_NAMES
from ..explore.api import STRATEGIES, explore, shrink, stop_requests
from ..explore.report import ExploreReport
from ..explore.drawing import render_html
from ..instrument.importer import instrument_packages
from ..analysis.lockorder import LockOrder
from ..render.graphs import lock_order_svg, wait_for_svg
from ..runner import RunResult, ScenarioError, Script, run
from ..stdlib.host import use_zone
from ..render.trace_lines import trace_line
from .scenarios import list_scenarios
from .puzzles import describe_puzzle, find_puzzle, list_puzzles
from .stepper import Stepper, drive, file_name, undefined
from .commands import replay_command
from .timelines import TimelineOutput, add_compare, compare

if TYPE_CHECKING:
    from ..explore.stepping import Session

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: As a shell reports a command Ctrl-C ended (128 + SIGINT).
EXIT_INTERRUPTED = 130


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the scenario: an ordinary threaded Python file")
    parser.add_argument("--profile", default="tutorial-2017", type=_profile, metavar="PROFILE",
                        help="the cost profile that gives time its meaning: "
                             f"{', '.join(sorted(PROFILES))}, or a JSON file that simconc "
                             f"calibrate wrote (default: tutorial-2017)")
    parser.add_argument("--trace", action="store_true",
                        help="show each visible operation as it happens, and each block, "
                             "wake-up and hand-over of the GIL (on stderr)")
    parser.add_argument("--timeline", metavar="PATH",
                        help="draw the run's timeline to PATH, in the format its suffix names: "
                             ".svg (a picture), .html (a page to zoom, pan and hover), .json "
                             "(Chrome trace format: Perfetto, chrome://tracing), .txt; - draws "
                             "it in the terminal after the program's output")
    parser.add_argument("--memory", action="store_true",
                        help="also put the program's reads and writes of shared state (module "
                             "variables, attributes, subscripts) on the trace")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the output and the outcome")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print only the program's own output, no summary")
    parser.add_argument("--until", type=float, metavar="SECONDS",
                        help="stop at this simulated time (for programs that run for ever)")
    parser.add_argument("--no-gil", dest="gil", action="store_false",
                        help="run the free-threaded build of CPython (3.13t): no GIL, threads "
                             "compute at once on the machine's cores")
    parser.add_argument("--spin-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="stop a thread that runs this long in real time without blocking "
                             "(default: 10)")
    parser.add_argument("--deadlock-graph", metavar="PATH.svg",
                        help="if the run deadlocks, draw its wait-for graph (threads, the locks "
                             "they hold and what they wait for, the cycle in red) into PATH.svg")
    parser.add_argument("--lock-order", nargs="?", const="", metavar="PATH.svg",
                        help="report the run's lock-order graph (which lock was taken while "
                             "holding which) and its cycles, potential deadlocks even if this "
                             "run did not deadlock, as Linux's lockdep does; with PATH.svg, "
                             "also draw it there")
    _check_option(parser)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("args", nargs="*", metavar="ARG",
                        help="the program's own arguments (its sys.argv[1:], as python FILE "
                             "ARG... gives them), after the file; simconc's options may come "
                             "among them; after --, all are the program's, even one that "
                             "starts with -")


def _program(args: argparse.Namespace) -> "str | Script":
    """The program the command names: its file, with its arguments if it was given any."""
    return Script(args.file, args.args) if getattr(args, "args", None) else args.file


def _check_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", metavar="EXPR",
                        help="the invariant: an expression evaluated in the scenario's namespace "
                             "after the run (default: the scenario's check() function, if any)")


def _version() -> str:
    """The version, and which kernel runs (simconc/compiled.py): the results are the same either
    way, the speed is not."""
    from .. import __version__, compiled
    kernel = "compiled kernel" if compiled.active() else "pure-Python kernel"
    return f"simconc {__version__} ({kernel}, Python {platform.python_version()})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simconc",
        description="Run threaded Python on a simulated machine: deterministic, replayable.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p_run = sub.add_parser("run", help="run a scenario once, with a seed")
    _common(p_run)
    p_run.add_argument("--seed", type=int, default=0,
                       help="the seed that picks the schedule and the program's random numbers")
    _arguments(p_run)
    p_replay = sub.add_parser("replay", help="re-run exactly the execution a schedule token names")
    _common(p_replay)
    p_replay.add_argument("token", help="the schedule token a run printed")
    _arguments(p_replay)
    p_explore = sub.add_parser(
        "explore", help="run a scenario under every schedule that matters (or a sample) and "
                        "check it after each")
    p_explore.add_argument("file", help="the scenario: an ordinary threaded Python file")
    _arguments(p_explore)
    p_explore.add_argument("--strategy", default="dpor", choices=STRATEGIES,
                           help="dpor: every trace once (exhaustive, the default; with PCT "
                                "samples in a long search, see --samples); enumerate: every "
                                "interleaving; random, pct, pos: sampled")
    p_explore.add_argument("--max-executions", type=int, metavar="N",
                           help="stop after N executions (samplers: default 1000)")
    p_explore.add_argument("--seed", type=int, default=0,
                           help="the samplers' seed (and that of dpor's PCT samples)")
    p_explore.add_argument("--depth", type=int, default=3,
                           help="PCT's bug depth: how many orderings the bug needs (default 3)")
    p_explore.add_argument("--preemption-bound", type=int, metavar="K",
                           help="dpor: only schedules that switch away from a thread that could "
                                "go on at most K times (smaller, not exhaustive)")
    p_explore.add_argument("--samples", action=argparse.BooleanOptionalAction, default=None,
                           help="dpor: once the search has run 100 executions without ending, "
                                "run PCT samples (--depth, --seed) between its executions, "
                                "ever fewer (50 by its 200th, 100 by its 500th), to find "
                                "shallow bugs early in a long search; the search still goes on "
                                "to its end (default: on; --no-samples: the search alone)")
    p_explore.add_argument("--max-steps", type=int, default=None, metavar="N",
                           help="cut an execution after N steps (default: the first execution "
                                "runs as long as the program does, the others up to 4 times "
                                "its steps, and at least 10000)")
    p_explore.add_argument("--full", action="store_true",
                           help="show every row of a long interleaving (by default, one of more "
                                "than 100 rows is shown where it matters)")
    p_explore.add_argument("--instrument", metavar="PACKAGES",
                           help="comma-separated modules or packages the scenario imports "
                                "whose reads and writes of shared state are steps too")
    p_explore.add_argument("--switch-points", default="any", choices=list(SWITCH_POINT_NAMES),
                           metavar="WHERE",
                           help="where a thread may be switched out: 'any' visible operation "
                                "(default: the free-threaded build), or only where a GIL "
                                "build's eval loop can drop the GIL: 'gil' (3.10 to 3.13), "
                                "'gil-3.9' (= any) ... 'gil-3.13'")
    p_explore.add_argument("--timed", action="store_true",
                           help="explore the choices of a timed run instead (with --strategy "
                                "enumerate or random; --seed fixes the run's seed)")
    p_explore.add_argument("--profile", default="tutorial-2017", type=_profile,
                           metavar="PROFILE",
                           help="the cost profile of --timed (default: tutorial-2017)")
    p_explore.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                           help="run the exploration in N processes (dpor and the samplers; "
                                "the report is the same as from one)")
    p_explore.add_argument("--stop-on-failure", action="store_true",
                           help="stop at the first failing execution")
    p_explore.add_argument("--html", metavar="FILE",
                           help="also write the report as a web page, each failing interleaving "
                                "drawn: a lane per thread, the races as arrows")
    p_explore.add_argument("--json", action="store_true",
                           help="print one JSON object with the whole report")
    p_explore.add_argument("--lock-order", nargs="?", const="", metavar="PATH.svg",
                           help="unite the lock-order graphs of all the executions (which lock "
                                "was taken while holding which) and report its cycles, "
                                "potential deadlocks even where no execution deadlocked; with "
                                "PATH.svg, also draw it there (costs about a quarter more time "
                                "for a program that does little but take locks)")
    p_explore.add_argument("--spin-timeout", type=float, default=10.0, metavar="SECONDS",
                           help="stop a thread that runs this long in real time without "
                                "reaching a step (default: 10)")
    _check_option(p_explore)
    p_shrink = sub.add_parser(
        "shrink", help="find the failure an untimed schedule token shows with the fewest "
                       "preemptions, and its token")
    p_shrink.add_argument("file", help="the scenario the token belongs to")
    p_shrink.add_argument("token", help="a failing schedule token from simconc explore")
    _arguments(p_shrink)
    p_shrink.add_argument("--json", action="store_true", help="print the failure as JSON")
    p_shrink.add_argument("--full", action="store_true",
                          help="show every row of a long interleaving")
    _check_option(p_shrink)
    p_step = sub.add_parser(
        "step", help="be the scheduler: step through a scenario or puzzle, choosing which "
                     "thread takes each step")
    p_step.add_argument("file", help="the scenario, or puzzles/NAME for a puzzle "
                                     "(simconc puzzles lists them)")
    _arguments(p_step)
    p_step.add_argument("--goal", metavar="GOAL",
                        help="what to make happen: check (the check fails), exception (one "
                             "escapes a thread), deadlock, or critical:FUNCTION (two threads "
                             "inside FUNCTION at once); default: the puzzle's")
    p_step.add_argument("--seed", type=int, default=0,
                        help="the seed of the program's random numbers and of the "
                             "scheduler's choices when it runs (a)")
    p_step.add_argument("--schedule", metavar="TOKEN",
                        help="start where a token from simconc step (or explore) stands")
    p_step.add_argument("--context", type=int, default=None, metavar="N",
                        help="lines of code shown around each thread's line (default 1; 3 "
                             "with --web)")
    p_step.add_argument("--switch-points", default="any", choices=list(SWITCH_POINT_NAMES),
                        metavar="WHERE",
                        help="where a thread may be switched out, as for explore "
                             "(default: any)")
    p_step.add_argument("--spin-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="stop a thread that runs this long in real time without "
                             "reaching a step (default: 10)")
    _check_option(p_step)
    p_step.add_argument("--web", action="store_true",
                        help="step in a browser: serve a page on 127.0.0.1 (until Ctrl-C) "
                             "instead of reading commands from the terminal")
    p_step.add_argument("--port", type=int, default=None, metavar="N",
                        help="with --web: the port to serve on (default: a free one)")
    p_step.add_argument("--no-open", action="store_true",
                        help="with --web: print the page's address, do not open a browser")
    p_puzzles = sub.add_parser("puzzles", help="the puzzles for simconc step: make a "
                                               "program fail by choosing who runs")
    p_puzzles.add_argument("--json", action="store_true")
    add_compare(sub)
    p_list = sub.add_parser("list", help="the scenarios and what each shows")
    p_list.add_argument("--json", action="store_true")
    sub.add_parser("profiles", help="the cost profiles and their durations")
    p_calibrate = sub.add_parser(
        "calibrate", help="measure this machine's costs with the real interpreter and write "
                          "them as a cost profile")
    p_calibrate.add_argument("--output", "-o", default="calibrated.json", metavar="PATH.json",
                             help="where to write the profile (default: calibrated.json)")
    p_calibrate.add_argument("--quick", action="store_true",
                             help="fewer and shorter measurements (a few seconds, rougher)")
    return parser


def _profile(value: str) -> str:
    """``--profile``: a profile's name, or a JSON file of one, checked before anything runs."""
    try:
        get_profile(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`simconc explore ... | head`): not an error of ours.
        sys.stdout = open(os.devnull, "w")
        return EXIT_OK


def parse(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command line, parsed. What follows the first ``--`` is the program's arguments
    (argparse's subcommands would take it for their own, or refuse it)."""
    words = list(sys.argv[1:] if argv is None else argv)
    cut = words.index("--") if "--" in words else len(words)
    parser = build_parser()
    # (known only: argparse gives a subcommand's positionals after one of its options, as in
    # `run FILE --quiet ARG`, back as unknown)
    args, extra = parser.parse_known_args(words[:cut])
    if hasattr(args, "args"):
        for word in extra:
            if word.startswith("-") and word != "-" and not word[1:2].isdigit():
                parser.error(f"unrecognized arguments: {' '.join(extra)} (the program's own "
                             f"go after --)")
        args.args = [*args.args, *extra, *words[cut + 1:]]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    elif cut < len(words):
        parser.error(f"{args.command} takes no program arguments: "
                     f"{shlex.join(words[cut:])}")
    return args


def _main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse(argv)
    use_zone()   # (once: each run would otherwise set it, and put the real one back)
    if args.command == "list":
        return _list(args)
    if args.command == "puzzles":
        return _puzzles(args)
    if args.command == "step":
        return _step(args)
    if args.command == "calibrate":
        return _calibrate(args)
    if args.command == "profiles":
        for profile in PROFILES.values():
            print(f"{profile.name}: {profile.description}")
            for key, value in profile.as_dict().items():
                if key == "sites":   # (a table of its own: its hosts name it)
                    value = ", ".join(site.host for site in value) or "none"
                if key not in ("name", "description"):
                    print(f"    {key} = {value}")
        return EXIT_OK
    if args.command == "explore":
        return _explore(args)
    if args.command == "shrink":
        return _shrink(args)
    if args.command == "compare":
        return compare(args, run_one=_run_quietly, report=_report)
    return _run(args)


def _shrink(args: argparse.Namespace) -> int:
    try:
        failure = shrink(_program(args), args.token, check=args.check)
    except (ScenarioError, BadToken, ScheduleMismatch, ValueError) as exc:
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SimconcError as exc:
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(failure.to_dict(), indent=2))
    else:
        print(failure.format("shrunk failure", full=args.full,
                             replay=lambda token: replay_command(args.file, token, args.args)))
    return EXIT_FAILED


def _explore(args: argparse.Namespace) -> int:
    tty = sys.stderr.isatty() and not args.json
    last = [0.0]
    told = [0]   # the failures told so far

    def progress(report: ExploreReport) -> None:
        # On a terminal, a line redrawn at most ten times a second, and each failure as it is
        # found; in a log (CI), a line every PROGRESS_EVERY seconds.
        if report.elapsed - last[0] < (0.1 if tty else PROGRESS_EVERY):
            return
        last[0] = report.elapsed
        if tty:
            for failure in report.failures[told[0]:]:
                first = failure.message.splitlines()[0] if failure.message else ""
                sys.stderr.write(f"\r  found: {failure.kind}: {first[:100]} "
                                 f"(execution {failure.execution + 1})\x1b[K\n")
            told[0] = len(report.failures)
            sys.stderr.write(f"\r  {_so_far(report)}\x1b[K")
        else:
            sys.stderr.write(f"simconc: exploring: {_so_far(report)}\n")
        sys.stderr.flush()

    problem = _svg_path("--lock-order", args.lock_order)
    if problem is not None:
        if args.json:
            print(json.dumps({"status": "bad-input", "error": problem}))
        print(f"simconc: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.instrument:
        instrument_packages([p for p in args.instrument.split(",") if p])
    page = None
    if args.html:
        try:   # opened now: a page that cannot be written is bad input, not a lost exploration
            page = open(args.html, "w", encoding="utf-8")
        except OSError as exc:
            print(f"simconc: error: cannot write {args.html}: {exc.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
    report: Optional[ExploreReport] = None
    # (one handler of Ctrl-C and SIGTERM from the exploration's first step until its report
    # is written: a request once the executions are over would lose everything they found)
    with stop_requests(late="simconc: writing the report of what the exploration found; it "
                            "ends once written"):
        try:
            report = explore(_program(args), strategy=args.strategy, check=args.check,
                             max_executions=args.max_executions, seed=args.seed, depth=args.depth,
                             preemption_bound=args.preemption_bound, samples=args.samples,
                             jobs=args.jobs,
                             semantics="timed" if args.timed else "untimed", profile=args.profile,
                             switch_points=args.switch_points,
                             max_steps=args.max_steps, spin_timeout=args.spin_timeout,
                             stop_on_failure=args.stop_on_failure, progress=progress,
                             lock_order=args.lock_order is not None)
        except KeyboardInterrupt:
            # (a second request before its first execution ended: nothing found to report)
            print("simconc: interrupted before the exploration's first execution ended",
                  file=sys.stderr)
            return EXIT_INTERRUPTED
        except (ScenarioError, BadToken, ScheduleMismatch, ValueError) as exc:
            if args.json:
                print(json.dumps({"status": "bad-input", "error": str(exc)}))
            print(f"simconc: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except SimconcError as exc:
            print(f"simconc: error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        finally:
            if page is not None and report is None:
                page.close()
                os.remove(args.html)   # (nothing to show: no empty page left behind)
        if tty:
            sys.stderr.write("\r\x1b[K")
        if args.json:
            print(json.dumps(report.to_dict(), indent=2))
        else:
            print(report.format(full=args.full, replay=lambda token: replay_command(
                args.file, token, args.args)))
        if page is not None:
            with page:
                page.write(render_html(report, shlex.join(["simconc", "explore", args.file,
                                                           *args.args]),
                                       replay=replay_command(args.file, "{token}", args.args)))
            print(f"simconc: the report, drawn: {args.html}", file=sys.stderr)
        if args.lock_order and report.lock_order is not None \
                and not _write(args.lock_order, lock_order_svg(report.lock_order),
                               "the lock-order graph"):
            return EXIT_BAD_INPUT
    return EXIT_FAILED if report.failures else EXIT_OK


#: Seconds between two progress lines where no terminal redraws one (a CI log).
PROGRESS_EVERY = 10.0


def _so_far(report: ExploreReport) -> str:
    """Where an exploration stands, in a line: executions (of how many, or how many more at
    least, where that can be told), outcomes, failures, time."""
    done = f"{report.executions:,} executions"
    if report.samples:   # (PCT samples mixed into a long search)
        done += f", {report.samples:,} of them PCT samples"
    if report.total is not None:
        done += f" of {report.total:,}"
    elif report.planned is not None:
        search = "the search: " if report.samples else ""
        done += f" ({search}at least {report.planned:,} more planned)" if report.planned else \
            f" ({search}none more planned)"
    failures = len(report.failures)
    return (f"{done}, {len(report.outcome_counts)} outcome"
            f"{'s' if len(report.outcome_counts) != 1 else ''}, {failures} failure"
            f"{'s' if failures != 1 else ''}, {report.elapsed:.0f} s")


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


def _puzzles(args: argparse.Namespace) -> int:
    puzzles = list_puzzles()
    if args.json:
        print(json.dumps([p.to_dict() for p in puzzles], indent=2))
        return EXIT_OK
    width = max((len(p.name) for p in puzzles), default=0)
    goals = max((len(p.goal or "") for p in puzzles), default=0)
    print(f"{'puzzle':<{width}}  {'goal':<{goals}}  fewest  what")
    for p in puzzles:
        fewest = str(p.fewest) if p.fewest is not None else "?"
        print(f"{p.name:<{width}}  {p.goal or '':<{goals}}  {fewest:>6}  {p.title}")
    print(f"\n{len(puzzles)} puzzles: `simconc step puzzles/NAME` plays one; fewest is the "
          f"fewest steps known to meet its goal.")
    return EXIT_OK


def _step(args: argparse.Namespace) -> int:
    from ..explore.stepping import Session
    try:
        path = find_puzzle(args.file)
        puzzle = describe_puzzle(path)
        context = args.context if args.context is not None else 3 if args.web else 1
        if context < 0:
            raise ValueError(f"--context is a number of lines, 0 or more, not {context}")
        if not args.web and (args.port is not None or args.no_open):
            raise ValueError("--port and --no-open are options of --web")
        if args.port is not None and not 0 <= args.port <= 65535:
            raise ValueError(f"--port is a port number, 0 to 65535 (0: a free one), not "
                             f"{args.port}")

        def make() -> Session:
            return Session(Script(path, args.args), goal=args.goal or puzzle.goal,
                           seed=args.seed,
                           schedule=args.schedule, check=args.check,
                           switch_points=args.switch_points, spin_timeout=args.spin_timeout,
                           timeline=args.web)

        session = make()
    except (ScenarioError, BadToken, ScheduleMismatch, ValueError) as exc:
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SimconcError as exc:
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    goal = session.goal
    if goal is not None and goal.kind == "critical":
        missing = undefined(path, goal.functions)
        if missing:
            print(f"simconc: warning: {path} defines no function {', '.join(missing)}: the "
                  f"goal {goal} is met only if a module it imports does", file=sys.stderr)
    fewest = puzzle.fewest if not args.goal or args.goal == puzzle.goal else None
    if args.web:
        return _step_web(make, session, file_name(path), title=puzzle.title, hint=puzzle.hint,
                         fewest=fewest, context=context, port=args.port or 0,
                         open_browser=not args.no_open)
    stepper = Stepper(session, file_name(path), title=puzzle.title, hint=puzzle.hint,
                      fewest=fewest, context=context)
    try:
        drive(stepper, sys.stdin)
    except KeyboardInterrupt:
        print()
        stepper.finish()
    except SimconcError as exc:
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
def _step_web(make: Callable[[], "Session"], session: "Session", file: str, *, title: str,
              hint: str, fewest: Optional[int], context: int, port: int,
              open_browser: bool) -> int:
    from .stepweb import StepWeb, serve
    app = StepWeb(make, file, title=title, hint=hint, fewest=fewest, context=context,
                  session=session)
    try:
        serve(app, port, open_browser=open_browser)
    except OSError as exc:
        print(f"simconc: error: cannot serve on 127.0.0.1 port {port}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    Stepper(app.session, file).finish()
    return EXIT_OK


def _svg_path(option: str, path: Optional[str]) -> Optional[str]:
    """Why ``path`` cannot take a drawing (a message), or None if it can."""
    if path is None or path == "":
        return None
    if not path.endswith(".svg"):
        return (f"{option} draws an SVG picture: give a PATH ending in .svg, not {path!r} "
                f"(the scenario file goes before the options)")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        return f"cannot write {path}: no directory {folder}"
    return None


def _write(path: str, text: str, what: str) -> bool:
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        print(f"simconc: error: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return False
    print(f"simconc: {what}, drawn: {path}", file=sys.stderr)
    return True


def _run(args: argparse.Namespace) -> int:
    for option, path in (("--deadlock-graph", args.deadlock_graph),
                         ("--lock-order", args.lock_order)):
        problem = _svg_path(option, path)
        if problem is not None:
            if args.json:
                print(json.dumps({"status": "bad-input", "error": problem}))
            print(f"simconc: error: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
    out, err = sys.stdout, sys.stderr   # the terminal's: during the run, the program's own

    def show(event: TraceEvent) -> None:
        line = trace_line(event)
        if line is not None:
            out.flush()   # what the program printed first comes out first, under a pipe too
            err.write(line + "\n")
            err.flush()

    listener = show if args.trace and not args.json else None
    live = not args.json
    try:
        # (Checked before the run: a timeline that cannot be drawn is bad input, not a lost run.)
        timeline = TimelineOutput.of(args.timeline, json_output=args.json)
        result = run(_program(args),
                     seed=getattr(args, "seed", 0),
                     schedule=getattr(args, "token", None),
                     profile=args.profile, until=args.until, spin_timeout=args.spin_timeout,
                     memory=args.memory, check=args.check, gil=args.gil,
                     trace_listener=listener, timeline=timeline is not None or args.trace,
                     echo=sys.stdout if live else None, echo_err=sys.stderr if live else None)
    except KeyboardInterrupt:
        # (what the program printed until then is out already: it was passed on as it came)
        if args.json:
            print(json.dumps({"status": "interrupted"}))
        print("simconc: interrupted (Ctrl-C): the run stopped where it was; --until SECONDS "
              "ends one at a simulated time", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ScenarioError, BadToken, ScheduleMismatch, ValueError) as exc:
        if args.json:
            print(json.dumps({"status": "bad-input", "error": str(exc)}))
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SimconcError as exc:  # pragma: no cover - every known failure is reported in result
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    order = result.lock_order() if args.lock_order is not None else None
    if timeline is not None:   # (in the terminal: after the program's output)
        timeline.draw([(result, run_title(args))])
    if args.json:
        payload = result.to_dict()
        if args.trace:
            payload["trace"] = [_event_dict(e) for e in result.trace if e.op not in SCHEDULING]
        if order is not None:
            payload["lock_order"] = order.to_dict()
        print(json.dumps(payload, indent=2))
    else:
        _report(result, args, order)
    if timeline is not None:
        timeline.tell()
    written = True
    if args.deadlock_graph:
        if result.deadlock is not None:
            written = _write(args.deadlock_graph, wait_for_svg(result.deadlock),
                             "the wait-for graph")
        else:
            print(f"simconc: no deadlock in this run: no wait-for graph to draw "
                  f"({args.deadlock_graph} not written)", file=sys.stderr)
    if args.lock_order and order is not None:
        written = _write(args.lock_order, lock_order_svg(order), "the lock-order graph") \
            and written
    if not written:
        return EXIT_BAD_INPUT
    if result.status in ("ok", "limit"):
        return EXIT_OK
    return EXIT_FAILED


def _calibrate(args: argparse.Namespace) -> int:
    from .calibrate import calibrate, write
    if not args.output.endswith(".json"):
        print(f"simconc: error: the profile is a JSON file: {args.output!r} does not end in "
              f".json", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        profile = calibrate(quick=args.quick, progress=sys.stderr)
    except KeyboardInterrupt:
        print("simconc: calibrate: interrupted; nothing written", file=sys.stderr)
        return EXIT_FAILED
    try:
        write(profile, args.output)
    except OSError as exc:
        print(f"simconc: error: cannot write {args.output!r}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {args.output}: use it with --profile {args.output}")
    return EXIT_OK


def run_title(args: argparse.Namespace) -> str:
    """A run, as its timeline is titled: the file and what made this run differ from the
    default one."""
    words = [args.file, *getattr(args, "args", ())]
    if getattr(args, "token", None):
        words += ["replay", args.token]
    elif getattr(args, "seed", 0):
        words += ["--seed", str(args.seed)]
    if args.profile != "tutorial-2017":
        words += ["--profile", args.profile]
    if not args.gil:
        words.append("--no-gil")
    if args.until is not None:
        words += ["--until", f"{args.until:g}"]
    return " ".join(words)


def _run_quietly(args: argparse.Namespace) -> RunResult:
    """One run of ``simconc compare``: its output kept, for its heading."""
    return run(args.file, seed=args.seed, profile=args.profile, until=args.until,
               spin_timeout=args.spin_timeout, memory=args.memory, check=args.check,
               gil=args.gil, timeline=True)


def _event_dict(event: TraceEvent) -> dict:
    return {"time": event.time, "thread": event.thread, "op": event.op, "obj": what(event),
            "where": str(event.where) if event.where else None}


def _report(result: RunResult, args: argparse.Namespace,
            order: Optional[LockOrder] = None) -> None:
    """Why the run failed (always), the lock order (if asked for), then the summary (unless
    --quiet), on stderr."""
    err = sys.stderr
    sys.stdout.flush()
    if result.deadlock is not None:
        err.write("\n" + result.deadlock.format() + "\n")
    if result.error:
        err.write(f"\nsimconc: stopped: {result.error}\n")
    if result.check_failure:
        err.write(f"\nsimconc: {result.check_failure}\n")
    if order is not None:
        err.write("\n" + order.format() + "\n")
    if args.quiet:
        return
    status = {"ok": "ok", "deadlock": "DEADLOCK", "error": "FAILED", "check": "CHECK FAILED",
              "limit": "stopped at the --until limit" if result.semantics == "timed"
              else "stopped at the step limit"}[result.status]
    if result.status == "error" and result.exit_code:
        status += f" (the program {result.exit_status})"
    elif result.status == "error" and result.exceptions:
        status += f" ({len(result.exceptions)} uncaught exception" \
                  f"{'s' if len(result.exceptions) > 1 else ''})"
    seed = f"seed {result.seed}" if result.seed is not None else "replayed"
    threads = f"{result.threads} thread{'s' if result.threads != 1 else ''}"
    when = f"{result.elapsed * 1000:.3f} ms simulated" if result.semantics == "timed" \
        else f"untimed, {len(result.steps)} steps"
    profile = f" | profile {result.profile}" if result.semantics == "timed" else ""
    if result.semantics == "timed" and not result.gil:
        profile += " | no GIL"
    err.write(f"\n-- simconc: {status} | {when} | {threads} | {seed}{profile}\n")
    options = []
    if args.profile != "tutorial-2017":
        options += ["--profile", args.profile]
    if args.until is not None:
        options += ["--until", f"{args.until:g}"]
    if not args.gil:
        options.append("--no-gil")
    replay = replay_command(args.file, result.schedule, getattr(args, "args", ()), options)
    err.write(f"   schedule {result.schedule}\n   replay:  {replay}\n")
