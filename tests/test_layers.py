"""simconc's layers (docs/architecture.md): imports point down only, as import-linter's layers
contract in pyproject.toml says."""
from __future__ import annotations

import os

from importlinter.cli import lint_imports

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_imports_point_down_the_layers_only(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=os.path.join(ROOT, "pyproject.toml"), no_cache=True,
                          no_logo=True)
    output = capsys.readouterr().out
    assert status == 0, output
    assert "1 kept, 0 broken" in output
