"""Run one case of the benchmark end to end and keep everything it printed.

    python run_case.py CASE_DIR [CASE_DIR ...]     (from bench/libraries, the venv active)

For each case directory, into CASE_DIR/output/:

1. ``simconc.txt``: ``python -m pytest -q -p no:cacheprovider`` run in the case directory (the
   command a user runs), exactly as it printed.
2. ``measure.txt``: the same run with the ``simconc_measure`` plugin: per test, the executions,
   the executions up to the first failing one, the seconds to it and in all.
3. ``replay_<test>.txt``: for each failing test, the first failure's token replayed with
   ``--simconc-replay``; checked to fail with the same message.
4. ``frontrun.txt``: frontrun 0.7.0 on the same tests (``frontrun_case.py``), each run twice
   (run_frontrun.py): with ``max_executions`` = the executions simconc ran on that test (the
   same budget), and with no ``max_executions`` (frontrun's own defaults: it stops at its first
   failure or when its search, bounded to 2 preemptions, is done).
5. ``fixed.txt`` (if the case has a ``fixed.txt``, a pip requirement naming the version of the
   library that fixed the bug): that version installed with ``pip install --no-deps --target
   output/_fixed_site`` and put first on ``PYTHONPATH``, and the same pytest run again, so that
   the fixed library runs under the same tests (the venv's copy untouched).
6. ``summary.json``: all of the above as data (make_results.py reads it).
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
#: A clean, compiled copy of one commit of simconc (snapshot_simconc.sh makes it), put first on
#: PYTHONPATH for every simconc run, so that the benchmark measures that commit and not a working
#: tree other people are editing. Unset: the simconc the venv imports.
SNAPSHOT = os.environ.get("SIMCONC_SNAPSHOT")


def pythonpath(*extra):
    return os.pathsep.join([p for p in (*extra, SNAPSHOT) if p])


def sh(args, cwd, env=None, timeout=1800):
    full = dict(os.environ, **(env or {}))
    done = subprocess.run(args, cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def first_failures(text):
    """{test name: (first failure's message line, its replay token)} from a pytest run."""
    found = {}
    for block in re.split(r"^_{3,} (\S+) _{3,}$", text, flags=re.M)[1:]:
        pass
    parts = re.split(r"^_{3,} (\S+) _{3,}$", text, flags=re.M)
    for name, body in zip(parts[1::2], parts[2::2]):
        m = re.search(r"^failure 1 of \d+ \(.*?\): (.*)$", body, flags=re.M)
        t = re.search(r"--simconc-replay (\S+)", body)
        if m and t:
            found[name] = (m.group(1), t.group(1))
    return found


def simconc_version():
    code, text = sh([PY, "-c", "import simconc, os; print(os.path.dirname(simconc.__file__))"],
                    HERE, env={"PYTHONPATH": pythonpath()})
    where = text.strip().splitlines()[-1]
    commit = open(os.path.join(SNAPSHOT, "COMMIT")).read().strip() if SNAPSHOT and \
        os.path.exists(os.path.join(SNAPSHOT, "COMMIT")) else "working tree"
    return f"{commit} ({where})"


def run_case(case):
    path = os.path.join(HERE, case)
    out = os.path.join(path, "output")
    os.makedirs(out, exist_ok=True)
    summary = {"case": case, "simconc": simconc_version()}
    pytest_cmd = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

    code, text = sh(pytest_cmd, path, env={"PYTHONPATH": pythonpath()})
    with open(os.path.join(out, "simconc.txt"), "w") as f:
        f.write(f"$ python -m pytest -q -p no:cacheprovider\n{text}")
    summary["pytest_exit"] = code

    code, text = sh(pytest_cmd + ["-p", "simconc_measure"], path, env={"PYTHONPATH": pythonpath(HERE)})
    lines = [line for line in text.splitlines() if line.startswith("simconc-measure ")]
    with open(os.path.join(out, "measure.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    tests = {}
    for line in lines:
        fields = line.split()
        node = fields[1]
        values = dict(kv.split("=", 1) for kv in fields[2:])
        tests[node.split("::")[-1]] = dict(node=node, **values)
    summary["tests"] = tests

    failures = first_failures(open(os.path.join(out, "simconc.txt")).read())
    for name, (message, token) in failures.items():
        node = tests[name]["node"]
        code, text = sh(pytest_cmd + [node, "--simconc-replay", token], path,
                        env={"PYTHONPATH": pythonpath()})
        with open(os.path.join(out, f"replay_{name}.txt"), "w") as f:
            f.write(f"$ python -m pytest -q -p no:cacheprovider '{node}' --simconc-replay "
                    f"{token}\n{text}")
        same = ("the replayed execution failed" in text) and (message.split(" (in ")[0] in text)
        tests[name].update(token=token, message=message, replay_failed=code != 0,
                           replay_same=same)

    if os.path.exists(os.path.join(path, "frontrun_case.py")):
        results = []
        for name, info in tests.items():
            runs = [("frontrun", info["executions"])] if info["executions"].isdigit() else []
            for key, budget in runs + [("frontrun_free", "0")]:
                code, text = sh([PY, "-m", "frontrun.cli", PY,
                                 os.path.join(HERE, "run_frontrun.py"), budget, name], path,
                                timeout=3600)
                results.append(f"$ python -m frontrun.cli python ../run_frontrun.py "
                               f"{budget} {name}\n{text}")
                m = re.search(r"^frontrun-result \S+ (.*)$", text, flags=re.M)
                info[key] = dict(kv.split("=", 1) for kv in m.group(1).split()
                                 if "=" in kv) if m else {"error": text[-500:]}
                if m and m.group(1).startswith("error="):
                    info[key] = {"error": m.group(1)}
        with open(os.path.join(out, "frontrun.txt"), "w") as f:
            f.write("\n".join(results))
    fixed = os.path.join(path, "fixed.txt")
    if os.path.exists(fixed):
        site = os.path.join(out, "_fixed_site")
        requirement = open(fixed).read().strip()
        if not os.path.isdir(site):
            code, text = sh([PY, "-m", "pip", "install", "-q", "--no-deps", "--target", site,
                             "-r", fixed], path)
            if code:
                raise RuntimeError(text)
        code, text = sh(pytest_cmd + ["-p", "simconc_measure"], path,
                        env={"PYTHONPATH": pythonpath(site, HERE)})
        with open(os.path.join(out, "fixed.txt"), "w") as f:
            f.write(f"$ pip install --no-deps --target output/_fixed_site '{requirement}'\n"
                    f"$ PYTHONPATH=output/_fixed_site:.. python -m pytest -q -p no:cacheprovider "
                    f"-p simconc_measure\n{text}")
        summary["fixed"] = dict(requirement=requirement, exit=code,
                                measure=[line for line in text.splitlines()
                                         if line.startswith("simconc-measure ")])
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    return summary


if __name__ == "__main__":
    for case in sys.argv[1:]:
        s = run_case(case.rstrip("/"))
        for name, info in s["tests"].items():
            print(case, name, json.dumps(info))
