"""Real thread-safety bugs of real PyPI libraries (bench/libraries/, docs/real-bugs.md), each a
case of plain pytest tests whose one setting names the library: under plain ``pytest``, each
bug's test fails with simconc's report, its token replays the same failure, and the variant
that serializes the callers (``..._under_a_lock``) passes: no false failure.

Each case needs its library at the version with the bug (bench/libraries/requirements.txt;
``.ci/run`` installs them, and there ``SIMCONC_REAL_LIBRARIES=required`` makes a missing one a
failure): elsewhere a case whose library is not installed at that version is skipped, saying
which.
"""
from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys

import pytest

LIBRARIES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench",
                         "libraries")

#: case -> (the distribution and the version with the bug, where it is installed from).
CASES = {
    "pybreaker_fail_counter": ("pybreaker", "1.4.1"),
    "socketio_enter_room": ("python-socketio", "5.16.3"),
    "http_client_headers": ("python_http_client", "3.3.7"),
    "circuitbreaker_failure_count": ("circuitbreaker", "2.1.3"),
    "botocore_component_locator": ("botocore", "1.31.15"),
    "cachetools_stampede": ("cachetools", "5.5.2"),
    "six_lazy_moves": ("six", "1.7.3"),
    "tqdm_position": ("tqdm", "4.23.0"),
    "limits_memory_timer": ("limits", "5.8.0"),
}
#: Tests left to the benchmark (run_case.py): limits' public API explores some 24,000
#: executions, minutes of a test run.
SLOW = {"limits_memory_timer": "not test_two_hits_on_a_fresh_limiter or under_a_lock"}
#: The variants that serialize the callers (or use the fixed API): they must pass.
SAFE = re.compile(r"under_a_lock|under_the_lock|locked|with_condition")


def _installed(case: str) -> str:
    """Why the case cannot run here, or "" if it can."""
    distribution, version = CASES[case]
    if case == "cachetools_stampede":   # (installed into the case, beside the venv's)
        vendored = os.path.join(LIBRARIES, case, "_vendor", "cachetools")
        return "" if os.path.isdir(vendored) else \
            f"needs cachetools=={version} in {case}/_vendor (see requirements.txt)"
    try:
        found = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        found = None
    return "" if found == version else \
        f"needs {distribution}=={version} (bench/libraries/requirements.txt), not {found}"


def _pytest(case: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA",
                           *args], cwd=os.path.join(LIBRARIES, case), capture_output=True,
                          text=True, timeout=900)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bug_is_found_its_token_replays_it_and_the_safe_variant_passes(case):
    reason = _installed(case)
    if reason:
        if os.environ.get("SIMCONC_REAL_LIBRARIES") == "required":   # (CI installs them)
            pytest.fail(reason)
        pytest.skip(reason)
    selection = ("-k", SLOW[case]) if case in SLOW else ()
    run = _pytest(case, *selection)
    out = run.stdout
    failed = set(re.findall(r"^FAILED \S+::(\w+)", out, re.M))
    passed = set(re.findall(r"^PASSED \S+::(\w+)", out, re.M))
    assert failed and all(not SAFE.search(name) for name in failed), out[-3000:]
    assert passed and all(SAFE.search(name) for name in passed), out[-3000:]
    # The first failure's token, replayed, fails the same way.
    body = re.split(r"^_{3,} \w+ _{3,}$", out, flags=re.M)[1]
    message = re.search(r"^failure 1 of \d+ \(.*?\): (.*)$", body, re.M).group(1)
    node, token = re.search(r"replay: pytest '(\S+)' --simconc-replay (\S+)", body).groups()
    replay = _pytest(case, node, "--simconc-replay", token)
    assert "simconc: the replayed execution failed (" in replay.stdout, replay.stdout[-3000:]
    assert message in replay.stdout
