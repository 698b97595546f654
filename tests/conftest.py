"""What every test of simconc's shares."""
import subprocess
import sys
import textwrap

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run (derandomize) and keep none between
# runs (no database): the suite takes the same time and finds the same things each time, on any
# machine, and a failure it shows is one it shows again.
settings.register_profile("simconc", derandomize=True, database=None)
settings.load_profile("simconc")


@pytest.fixture
def scenario(tmp_path):
    """``scenario(source)``: the path of a scenario file holding ``source`` (dedented)."""
    def write(source: str) -> str:
        path = tmp_path / "program.py"
        path.write_text(textwrap.dedent(source))
        return str(path)
    return write


@pytest.fixture
def run_for_real():
    """``run_for_real(path)``: the program file ``path`` run by this interpreter, for real,
    from its folder or ``cwd`` (what simconc's run of it is compared with)."""
    def run(path, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-u", str(path)], capture_output=True,
                              text=True, timeout=60, cwd=cwd or path.parent)
    return run
