"""The compiled kernel (setup.py, simconc/compiled.py): the same results as its sources, and
never a stale one."""
import os
import subprocess
import sys

import pytest

from simconc import compiled

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def environment(**env: str) -> dict[str, str]:
    """This process's environment, without SIMCONC_PURE unless ``env`` sets it."""
    environ = {k: v for k, v in os.environ.items() if k != "SIMCONC_PURE"}
    environ.update(env)
    return environ


def simconc_out(args: list[str], pure: bool) -> bytes:
    env = environment(SIMCONC_PURE="1") if pure else environment()
    proc = subprocess.run([sys.executable, "-m", "simconc", *args], cwd=REPO, env=env,
                          capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert b"Warning" not in proc.stderr, proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize("args", [
    ["run", "scenarios/nolock.py", "--seed", "3", "--json", "--trace"],
    ["run", "scenarios/lock_order_deadlock.py", "--seed", "0", "--json", "--trace"],
    ["explore", "scenarios/lost_update.py", "--json"],
    ["explore", "scenarios/dining_philosophers.py", "--json", "--max-executions", "40"],
    ["explore", "scenarios/nolock.py", "--strategy", "pct", "--max-executions", "20", "--json"],
])
def test_the_compiled_kernel_and_its_sources_print_the_same_bytes(args: list[str]) -> None:
    assert simconc_out(args, pure=False) == simconc_out(args, pure=True)


def test_version_says_which_kernel_runs() -> None:
    # (Whether a run without SIMCONC_PURE runs compiled is asked of such a run: this process
    # may be running the sources on purpose, as tox's `pure` environment does.)
    installed = run_python("import simconc.compiled as c; print(c.active())").stdout.strip()
    for pure, kernel in ((False, "compiled kernel" if installed == "True" else "pure-Python kernel"),
                         (True, "pure-Python kernel")):
        assert simconc_out(["--version"], pure).decode().startswith(f"simconc 0.1.0 ({kernel}, ")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environment(**env),
                          capture_output=True, text=True, timeout=300)


def test_simconc_pure_runs_the_kernel_from_its_sources() -> None:
    done = run_python(
        "import sys, simconc, simconc.compiled as c, simconc.kernel.stepped as u\n"
        "d = sys.modules['simconc.explore.dpor']   # (simconc.explore is the function)\n"
        "print(c.active(), u.__file__.endswith('.py'), d.__file__.endswith('.py'))\n"
        "print(simconc.explore('scenarios/lost_update.py').executions)\n", SIMCONC_PURE="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True", "4"]
    assert done.stderr == ""


def test_a_source_edited_since_it_was_compiled_is_run_from_source_with_a_warning() -> None:
    # As if gil.py had been compiled from other bytes than it holds now (an editable install,
    # edited): its compiled module would ignore the edit.
    done = run_python(
        "import sys, types\n"
        "record = types.ModuleType('simconc._compiled_from')\n"
        "record.SHA256 = {'simconc.kernel.gil': '0' * 64, 'simconc.kernel.stepped': 'x'}\n"
        "sys.modules['simconc._compiled_from'] = record\n"
        "import simconc, simconc.compiled as c, simconc.kernel.gil as g\n"
        "print(c.active(), g.__file__.endswith('.py'))\n"
        "print(simconc.explore('scenarios/lost_update.py').executions)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "4"]
    assert "RuntimeWarning" in done.stderr
    assert os.path.join("simconc", "kernel", "gil.py") in done.stderr
    assert os.path.join("simconc", "kernel", "stepped.py") in done.stderr
    assert "pip install -e ." in done.stderr


def test_the_sources_compiled_are_told_from_edited_ones() -> None:
    right = {m: compiled.source_hash(m) for m in compiled.MODULES}
    assert compiled.changed_since_compiled(right) == []
    assert compiled.changed_since_compiled({**right, "simconc.explore.dpor": "0" * 64}) == \
        ["simconc.explore.dpor"]
