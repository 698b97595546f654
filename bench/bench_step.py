"""How long does a stepping session take to answer? A command against one run of the program.

    python bench/bench_step.py              # or: python -m bench.bench_step
    python bench/bench_step.py --rounds 5 --json

A session (``simconc.Session``, under ``simconc step``) answers each command by running the
program again from the start, replaying the steps taken so far (simconc/explore/stepping.py
says why). So a command costs about one run of the program, up to where the session stands,
and a little more: what the session reads of each thread where it stops (its frames, its next
step). For each puzzle below, at the end of a shortest solution (the deepest point a learner
reaches on the way to the goal), one step short of it, it times

``run``
    ``simconc.run(puzzle, semantics="untimed")``: one execution of the whole program, the
    baseline, measured in the same rounds;
``command``
    one command of the session there: ``pick()`` of the solution's last thread, then
    ``undo()`` (each a replay), timed per command;

and prints both in milliseconds and their ratio. A terminal or a web page waits for one command:
a few milliseconds is immediate. Each figure is the best of its rounds, which take turns.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simconc import Session, compiled, fewest_steps, run   # noqa: E402
from simconc.front.puzzles import describe_puzzle, find_puzzle   # noqa: E402

#: A small puzzle, a middling one, and the longest solution among the puzzles.
PUZZLES = ("lost_update", "simple_counter", "boss_fight")


def measure(name: str, rounds: int, repeat: int) -> dict[str, Any]:
    puzzle = describe_puzzle(find_puzzle(name))
    found = fewest_steps(puzzle.path, puzzle.goal)
    # One step short of the goal, the last step of the solution to take and undo.
    session = Session.following(puzzle.path, found.paths[:-1], goal=puzzle.goal)
    last = next(t.number for t in session.threads if t.path == found.paths[-1])
    best_run = best_command = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            run(puzzle.path, semantics="untimed")
        best_run = min(best_run, (time.perf_counter() - start) / repeat)
        start = time.perf_counter()
        for _ in range(repeat):
            session.pick(last)
            session.undo()
        best_command = min(best_command, (time.perf_counter() - start) / (2 * repeat))
    return {"puzzle": name, "steps": len(found.paths), "run_ms": best_run * 1000,
            "command_ms": best_command * 1000, "ratio": best_command / best_run}


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20, help="runs and commands per round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = [measure(name, args.rounds, args.repeat) for name in PUZZLES]
    if args.json:
        print(json.dumps({"python": platform.python_version(), "compiled": compiled.active(),
                          "figures": figures}, indent=2))
        return 0
    kernel = "compiled" if compiled.active() else "pure-Python"
    print(f"simconc step: one command against one run ({kernel} kernel, "
          f"Python {platform.python_version()})")
    print(f"{'puzzle':<16} {'steps':>5} {'run (ms)':>9} {'command (ms)':>13} {'ratio':>6}")
    for f in figures:
        print(f"{f['puzzle']:<16} {f['steps']:>5} {f['run_ms']:>9.2f} {f['command_ms']:>13.2f} "
              f"{f['ratio']:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
