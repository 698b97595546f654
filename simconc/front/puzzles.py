"""The puzzles: scenarios a learner steps through to make something go wrong (``simconc step``).

A puzzle is an ordinary threaded Python file in ``scenarios/puzzles/`` with a few module
constants, read here without running it:

- the docstring's first line: ``Title: what it is about``;
- ``GOAL``: what to make happen (``check``, ``exception``, ``deadlock``, ``critical:FUNCTION``:
  see :mod:`simconc.explore.goals`);
- ``HINT``: a nudge for a learner who is stuck;
- ``FEWEST``: the fewest steps in which the goal can be met (``tests/test_puzzles.py`` checks
  it by an exhaustive search);
- ``ORDER``: its place in the list (easy first).
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from .scenarios import scenario_dir


@dataclass
class Puzzle:
    path: str
    name: str                 # the file's name without .py: ``simconc step puzzles/NAME``
    title: str
    goal: Optional[str]
    hint: str
    fewest: Optional[int]
    order: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "title": self.title, "goal": self.goal,
                "hint": self.hint, "fewest": self.fewest}


def puzzle_dir() -> Path:
    return scenario_dir() / "puzzles"


def describe_puzzle(path: "str | os.PathLike[str]") -> Puzzle:
    """The puzzle metadata of ``path`` (any scenario: missing constants are None or empty).
    ValueError if the file cannot be read or parsed."""
    try:
        source = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"{path} is not valid Python: {exc.msg} (line {exc.lineno})") \
            from None
    doc = ast.get_docstring(tree) or ""
    constants: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant):
            constants[node.targets[0].id] = node.value.value
    goal = constants.get("GOAL")
    fewest = constants.get("FEWEST")
    order = constants.get("ORDER")
    return Puzzle(str(path), Path(path).stem, doc.strip().splitlines()[0] if doc else "",
                  goal if isinstance(goal, str) else None, str(constants.get("HINT") or ""),
                  fewest if isinstance(fewest, int) else None,
                  order if isinstance(order, int) else 1_000)


def list_puzzles(directory: Optional[Path] = None) -> list[Puzzle]:
    """Every puzzle, in order."""
    directory = directory or puzzle_dir()
    puzzles = [describe_puzzle(p) for p in sorted(directory.glob("*.py"))
               if not p.name.startswith("_")]
    return sorted(puzzles, key=lambda p: (p.order, p.name))


def find_puzzle(spec: str) -> str:
    """The file ``spec`` names: a path, or ``puzzles/NAME`` (or ``NAME``) for a puzzle.
    ValueError naming the puzzles if it names none."""
    if os.path.exists(spec):
        return spec
    name = spec[len("puzzles/"):] if spec.startswith("puzzles/") else spec
    name = name[:-3] if name.endswith(".py") else name
    candidate = puzzle_dir() / f"{name}.py"
    if "/" not in name and os.sep not in name and candidate.is_file():
        return str(candidate)
    known = ", ".join(p.name for p in list_puzzles()) if puzzle_dir().is_dir() else "none"
    raise ValueError(f"no such file or puzzle: {spec} (the puzzles: {known}; `simconc "
                     f"puzzles` lists them)")
