"""Timelines on the command line: ``--timeline PATH`` of ``run`` and ``replay``, and ``simconc
compare``, which runs several programs (or one several ways) and draws them on one time axis."""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from typing import Any, Callable, Optional, Sequence

from ..kernel import PROFILES, BadToken, ScheduleMismatch, SimconcError
from ..render import draw, format_of, timeline_of
from ..render.text import WIDTH
from ..runner import RunResult, ScenarioError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class TimelineOutput:
    """Where a timeline goes (a file, or ``-``: the terminal), checked before anything runs."""

    def __init__(self, path: str, fmt: str) -> None:
        self.path = path
        self.format = fmt

    @classmethod
    def of(cls, path: Optional[str], json_output: bool = False) -> "Optional[TimelineOutput]":
        """The output ``--timeline PATH`` asks for (None: none); ValueError if it cannot be:
        an unknown suffix, a file that cannot be written, the terminal under ``--json``."""
        if path is None:
            return None
        fmt = format_of(path)
        if path == "-":
            if json_output:
                raise ValueError("--timeline - draws in the terminal, which --json keeps for "
                                 "one JSON object: give the timeline a file")
            return cls(path, fmt)
        why = _unwritable(path)
        if why:
            raise ValueError(f"cannot write the timeline to {path}: {why}")
        return cls(path, fmt)

    @property
    def to_terminal(self) -> bool:
        return self.path == "-"

    def draw(self, runs: Sequence[tuple[Any, str]]) -> None:
        """Draw ``runs`` (each a result recorded with a timeline, and its title)."""
        timelines = [timeline_of(result, title) for result, title in runs]
        if self.to_terminal:
            sys.stdout.flush()
            sys.stdout.write(draw(timelines, "text", terminal_width()))
            sys.stdout.flush()
            return
        drawn = draw(timelines, self.format, WIDTH if self.format == "text" else None)
        with open(self.path, "w", encoding="utf-8", newline="\n") as f:
            f.write(drawn)

    def tell(self) -> None:
        if not self.to_terminal:
            print(f"simconc: the timeline, drawn: {self.path}", file=sys.stderr)


def _unwritable(path: str) -> str:
    """Why ``path`` cannot be written, or "" (checked without creating it: a run that then
    fails as bad input leaves no file behind)."""
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        return "it is a folder"
    if not os.path.isdir(folder):
        return "no such folder"
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and
                                          not os.access(path, os.W_OK)):
        return "permission denied"
    return ""


def terminal_width() -> int:
    """The terminal's width (``COLUMNS`` if set), else 100."""
    return shutil.get_terminal_size((WIDTH, 24)).columns


# -- simconc compare ------------------------------------------------------------------------------

def add_compare(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="run several programs, or one several ways, and draw their timelines "
                        "on one time axis")
    p.add_argument("runs", nargs="+", metavar="RUN",
                   help="a scenario file, or a file and its options in one quoted argument: "
                        "'scenarios/gil.py --no-gil' (options: --seed, --profile, --no-gil, "
                        "--until, --check, --memory, --spin-timeout)")
    p.add_argument("--timeline", default="-", metavar="PATH",
                   help="where to draw them: .svg, .html, .json, .txt, or - for the terminal "
                        "(the default)")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print only the programs' output and the timeline, no summaries")


class _RunParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:   # (a bad RUN is bad input, said as such)
        raise ValueError(message)


def _run_parser() -> argparse.ArgumentParser:
    p = _RunParser(prog="RUN", add_help=False)
    p.add_argument("file")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--profile", default="tutorial-2017", choices=sorted(PROFILES))
    p.add_argument("--no-gil", dest="gil", action="store_false")
    p.add_argument("--until", type=float)
    p.add_argument("--check")
    p.add_argument("--memory", action="store_true")
    p.add_argument("--spin-timeout", type=float, default=10.0)
    return p


def parse_run(text: str) -> argparse.Namespace:
    """One RUN of ``simconc compare``: a file, and the options of ``simconc run`` it takes."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot read the run {text!r}: {exc}") from None
    try:
        args = _run_parser().parse_args(words)
    except ValueError as exc:
        raise ValueError(f"cannot read the run {text!r}: {exc}") from None
    args.trace = args.json = args.quiet = False
    args.timeline = None
    return args


def compare(args: argparse.Namespace, run_one: Callable[[argparse.Namespace], RunResult],
            report: Callable[[RunResult, argparse.Namespace], None]) -> int:
    """``simconc compare``: each run's output under a heading, its summary, then the timelines
    on one time axis. Exit status 1 if any run failed."""
    try:
        output = TimelineOutput.of(args.timeline)
        runs = [(text, parse_run(text)) for text in args.runs]
        for _text, run_args in runs:
            if not os.path.exists(run_args.file):
                raise ScenarioError(f"no such file: {run_args.file}")
    except (ValueError, ScenarioError) as exc:
        print(f"simconc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    assert output is not None
    done: list[tuple[RunResult, str]] = []
    failed = False
    for text, run_args in runs:
        sys.stdout.write(f"== {text}\n")
        sys.stdout.flush()
        try:
            result = run_one(run_args)
        except (ScenarioError, BadToken, ScheduleMismatch, ValueError) as exc:
            print(f"simconc: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except SimconcError as exc:  # pragma: no cover - every known failure is in the result
            print(f"simconc: error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        sys.stderr.write(result.stderr)
        run_args.quiet = args.quiet
        report(result, run_args)
        sys.stderr.flush()
        sys.stdout.write("\n")
        failed = failed or result.status not in ("ok", "limit")
        done.append((result, text))
    output.draw(done)
    output.tell()
    return EXIT_FAILED if failed else EXIT_OK
