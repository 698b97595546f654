"""simconc's type hints hold: mypy, run on the package, reports no error (docs/architecture.md).

mypy is the one the kernel is compiled with (``[build-system]`` in pyproject.toml pins the same
versions), run by this interpreter: each Python checks against its own version's stubs."""
from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_mypy_finds_no_error_in_the_package(tmp_path):
    # (a cache of this run's own: parallel tox environments would otherwise share the repo's)
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"),
                           "simconc"], cwd=ROOT, capture_output=True, text=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Success: no issues found" in done.stdout, output
