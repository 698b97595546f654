"""Finding the scenario files and reading their one-line descriptions (without running them).

A scenario's module docstring starts with its one-line title; ``ROW = n`` names the row of the
tutorial's SCENARIOS.md table that it implements.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass
class ScenarioInfo:
    path: str
    title: str
    row: Optional[int]

    def to_dict(self) -> dict:
        return {"path": self.path, "title": self.title, "row": self.row}


def scenario_dir() -> Path:
    """``./scenarios`` if there is one, else the one beside the simconc package (a checkout)."""
    here = Path("scenarios")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "scenarios"


def describe(path: "str | os.PathLike[str]") -> ScenarioInfo:
    source = Path(path).read_text(encoding="utf-8")
    title, row = "", None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ScenarioInfo(str(path), "(syntax error)", None)
    doc = ast.get_docstring(tree)
    if doc:
        title = doc.strip().splitlines()[0]
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "ROW"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int)):
            row = node.value.value
    return ScenarioInfo(str(path), title, row)


def list_scenarios(directory: "Optional[Path]" = None) -> list[ScenarioInfo]:
    directory = directory or scenario_dir()
    infos = [describe(p) for p in sorted(directory.glob("*.py")) if not p.name.startswith("_")]
    return sorted(infos, key=lambda i: (i.row is None, i.row or 0, i.path))
