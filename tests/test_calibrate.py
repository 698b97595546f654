"""simconc calibrate measures this machine's costs and writes a profile that --profile reads."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import simconc
from simconc.kernel.profile import get_profile

ROOT = Path(__file__).resolve().parent.parent


def test_calibrate_writes_a_profile_that_runs_take(tmp_path):
    path = tmp_path / "here.json"
    proc = subprocess.run([sys.executable, "-m", "simconc", "calibrate", "--quick", "-o",
                           str(path)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "simconc: calibrate: python_step ..." in proc.stderr   # progress, as it measures
    data = json.loads(path.read_text())
    for cost in ("python_step", "lock_op", "queue_op", "thread_start", "process_start",
                 "spawn_start", "process_kill", "process_exit", "pipe_op", "sleep_overshoot",
                 "forced_switch"):
        assert isinstance(data[cost], float) and data[cost] >= 0, cost
    assert 0 < data["python_step"] < 1e-5 and data["cores"] >= 1
    profile = get_profile(str(path))
    assert profile.python_step == data["python_step"]
    assert profile.sites == get_profile("tutorial-2017").sites   # the tutorial's URLs stay
    # A run under it: fib's time is its calls at this machine's speed.
    result = simconc.run(str(ROOT / "scenarios" / "gil.py"), profile=str(path),
                         spin_timeout=600)
    took = float(result.stdout.splitlines()[0].rsplit(" ", 1)[1])
    assert took == pytest.approx(2 * 18_454_929 * data["python_step"], rel=0.01)


@pytest.mark.parametrize("content, message", [
    ("{", "is not JSON"),
    ("[1]", "is not a JSON object"),
    ('{"speed": 1}', "unknown cost 'speed'"),
    ('{"lock_op": -1}', "lock_op must be a non-negative number"),
    ('{"cores": 0}', "cores must be a positive integer"),
])
def test_a_bad_profile_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "simconc", "run", "--profile", str(path),
                           str(ROOT / "scenarios" / "lock.py")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
