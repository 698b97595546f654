"""Deterministic to the byte: the same program and seed print the same bytes whatever the hash
seed, and whatever the Python version (every tox environment compares against the same golden
files, recorded once)."""
import json
import os
import subprocess
import sys

import pytest

import simconc

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(REPO, "tests", "golden")

# Scenarios whose whole run (output, trace, schedule, simulated times) is compared.
CASES = [("nolock.py", 3), ("event.py", 4), ("condition.py", 1), ("lock_order_deadlock.py", 0),
         ("priority_queue.py", 2)]


def simconc_json(scenario, seed, hashseed):
    env = dict(os.environ, PYTHONHASHSEED=str(hashseed))
    proc = subprocess.run(
        [sys.executable, "-m", "simconc", "run", f"scenarios/{scenario}", "--seed", str(seed),
         "--json", "--trace"], cwd=REPO, env=env, capture_output=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert json.loads(proc.stdout)["status"] in ("ok", "deadlock")
    return proc.stdout


@pytest.mark.parametrize("scenario, seed", CASES)
def test_same_bytes_under_any_hash_seed_and_python(scenario, seed):
    outputs = {simconc_json(scenario, seed, hashseed) for hashseed in (0, 1, 12345)}
    assert len(outputs) == 1
    golden = os.path.join(GOLDEN, f"{scenario[:-3]}-seed{seed}.json")
    if not os.path.exists(golden):  # recorded once, by hand: see tests/golden/README.md
        pytest.fail(f"no golden file {golden}; record it with `python tests/test_determinism.py`")
    with open(golden, "rb") as f:
        assert outputs.pop() == f.read()


# Explorations whose whole report (outcomes, failures, tokens, interleavings) is compared: a
# token names visible operations, so it is the same on every Python version.
EXPLORED = [("lost_update.py", ()), ("dining_philosophers.py", ()),
            ("dining_philosophers.py", ("--strategy", "pct", "--seed", "7",
                                        "--max-executions", "40"))]


def explore_json(scenario, options, hashseed):
    env = dict(os.environ, PYTHONHASHSEED=str(hashseed))
    proc = subprocess.run(
        [sys.executable, "-m", "simconc", "explore", f"scenarios/{scenario}", "--json",
         *options], cwd=REPO, env=env, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout


def _explored_golden(scenario, options):
    suffix = "-".join(o.lstrip("-") for o in options)
    return os.path.join(GOLDEN, f"explore-{scenario[:-3]}{'-' + suffix if suffix else ''}.json")


@pytest.mark.parametrize("scenario, options", EXPLORED)
def test_explorations_are_the_same_bytes_everywhere(scenario, options):
    outputs = {explore_json(scenario, options, hashseed) for hashseed in (0, 1)}
    assert len(outputs) == 1
    golden = _explored_golden(scenario, options)
    if not os.path.exists(golden):
        pytest.fail(f"no golden file {golden}; record it with `python tests/test_determinism.py`")
    with open(golden, "rb") as f:
        assert outputs.pop() == f.read()


@pytest.mark.parametrize("scenario, seed", CASES)
def test_a_golden_runs_token_replays_that_run(scenario, seed, monkeypatch):
    # Tokens recorded once (in the golden files) must replay the same execution for good:
    # whatever the kernel's insides become, a token names choices, which must stay the same.
    with open(os.path.join(GOLDEN, f"{scenario[:-3]}-seed{seed}.json")) as f:
        golden = json.load(f)
    monkeypatch.chdir(REPO)   # (file names are shown relative to it)
    replayed = simconc.run(f"scenarios/{scenario}", schedule=golden["schedule"])
    assert (replayed.stdout, replayed.status, replayed.elapsed) == \
        (golden["stdout"], golden["status"], golden["elapsed"])
    assert [[e.op, e.obj] for e in replayed.trace] == [[e["op"], e["obj"]] for e in golden["trace"]]


@pytest.mark.parametrize("scenario, options", EXPLORED)
def test_a_golden_explorations_failing_tokens_replay_their_failures(scenario, options,
                                                                    monkeypatch):
    from simconc.explore.report import failure_of
    with open(_explored_golden(scenario, options)) as f:
        golden = json.load(f)
    monkeypatch.chdir(REPO)
    assert golden["failures"]
    for failure in golden["failures"]:
        replayed = failure_of(simconc.run(f"scenarios/{scenario}", schedule=failure["schedule"]))
        assert (replayed.kind, replayed.message, replayed.steps) == \
            (failure["kind"], failure["message"], failure["steps"])


def _command(hashseed, *args):
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed
    proc = subprocess.run([sys.executable, "-m", "simconc", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def test_a_program_that_depends_on_hash_order_runs_the_same_under_any_salt():
    # Threads started from a set of strings: under python their order changes with the hash
    # salt; the command runs under one salt whatever the shell's (and the token replays)
    program = "docs/examples/hash_order.py"
    real = {subprocess.run([sys.executable, program], cwd=REPO, capture_output=True, text=True,
                           env=dict(os.environ, PYTHONHASHSEED=salt)).stdout
            for salt in ("0", "4")}
    assert len(real) > 1   # (the program does depend on the salt)
    runs = {_command(salt, "run", program) for salt in ("1", "2", "12345", None)}
    assert len(runs) == 1
    (run,) = runs
    token = run.split("replay:  simconc replay ", 1)[1].split()[1]
    replayed = _command("7", "replay", program, token)
    assert replayed.split("\n\n-- simconc")[0] == run.split("\n\n-- simconc")[0]


def _record():
    for scenario, seed in CASES:
        with open(os.path.join(GOLDEN, f"{scenario[:-3]}-seed{seed}.json"), "wb") as f:
            f.write(simconc_json(scenario, seed, 0))
    for scenario, options in EXPLORED:
        with open(_explored_golden(scenario, options), "wb") as f:
            f.write(explore_json(scenario, options, 0))


if __name__ == "__main__":
    _record()


def test_the_addresses_the_standard_librarys_reprs_print_are_the_same_every_run(tmp_path):
    # (concurrent.futures' Future, asyncio's queues and locks print id(): a real address,
    # another on every run of CPython, and of simconc until it gave them stand-ins)
    path = tmp_path / "reprs.py"
    path.write_text(
        "import asyncio\n"
        "from concurrent.futures import ThreadPoolExecutor, Future\n"
        "async def main():\n"
        "    print(repr(asyncio.Queue()), asyncio.Lock(), asyncio.Event(),\n"
        "          asyncio.Semaphore(2), asyncio.Condition())\n"
        "with ThreadPoolExecutor(1) as ex:\n"
        "    f = ex.submit(pow, 2, 10)\n"
        "    f.result()\n"
        "    print(f, Future())\n"
        "asyncio.run(main())\n")
    first = simconc.run(str(path))
    assert first.status == "ok", first.error
    assert first.stdout.count(" at 0x7f5a") == 7
    assert "<Future at 0x7f5a" in first.stdout and "<Queue at 0x7f5a" in first.stdout
    assert "<asyncio.locks.Lock object at 0x7f5a" in first.stdout
    assert simconc.run(str(path)).stdout == first.stdout
