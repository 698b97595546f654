"""Write RESULTS.md from what run_case.py kept in each case's output/ (nothing is re-run here).

    python make_results.py          (from bench/libraries)
"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))

#: The cases in the order of the page: (directory, library==version, upstream references,
#: the main test, what simconc's result means, in a sentence or two).
CASES = [
    ("pybreaker_fail_counter", "pybreaker==1.4.1",
     "frontrun case study; [danielfm/pybreaker#87](https://github.com/danielfm/pybreaker/pull/87) "
     "(`calling()`, whose failure handling runs outside the lock); "
     "[#41](https://github.com/danielfm/pybreaker/pull/41) (CircuitMemoryStorage not thread-safe); "
     "unfixed in 1.4.1, the latest",
     "test_failures_are_counted",
     "Two failures inside `with breaker.calling():` count as one (`_fail_counter += 1`, "
     "pybreaker/__init__.py:439). The fixed variant goes through `breaker.call()`, which holds "
     "the breaker's lock: 2 executions, passes."),
    ("socketio_enter_room", "python-socketio==5.16.3",
     "frontrun case study; [miguelgrinberg/python-socketio#596](https://github.com/miguelgrinberg/python-socketio/issues/596) "
     "(not thread-safe by design: the application adds the lock)",
     "test_enter_room_in_fresh_namespace",
     "frontrun's own test (two clients, two rooms of a fresh namespace) and a server-level one "
     "(two clients connect to `/chat` and join `lobby` through `manager.connect` and "
     "`server.enter_room`): both lose a client. The fixed variant (a `Manager` whose "
     "`basic_enter_room` takes a lock): 20 executions, passes."),
    ("http_client_headers", "python_http_client==3.3.7",
     "frontrun case study (sendgrid); [sendgrid/sendgrid-python#318](https://github.com/sendgrid/sendgrid-python/pull/318) "
     "(request headers kept on the shared client); unfixed in 3.3.7, the latest",
     "test_each_request_carries_its_own_headers",
     "Two threads `client.mail.send.post(..., request_headers={'X-Request-Id': ...})` on one "
     "client, the network mocked at `Client._make_request`: one request goes out with the "
     "other's header. The race is the library's `dict.update` (client.py:145) against its "
     "`setdefault` (client.py:255) just before the request is built. Fixed variant (the sends "
     "under the application's lock): 2 executions, passes."),
    ("circuitbreaker_failure_count", "circuitbreaker==2.1.3",
     "[fabfuel/circuitbreaker#61](https://github.com/fabfuel/circuitbreaker/issues/61) "
     "(\"Thread safe?\", open: no locking at all); unfixed in 2.1.3, the latest",
     "test_two_failures_open_the_circuit",
     "Two failures of a `@circuit(failure_threshold=2)` function count as one "
     "(`self._failure_count += 1` in `__call_failed`): the circuit stays closed. Fixed "
     "variant (calls under a lock): passes."),
    ("botocore_component_locator", "botocore==1.31.15",
     "[boto/boto3#801](https://github.com/boto/boto3/issues/801), "
     "[boto/boto3#1592](https://github.com/boto/boto3/issues/1592), "
     "[boto/botocore#1776](https://github.com/boto/botocore/issues/1776); fixed in 1.31.16 by "
     "[boto/botocore#2985](https://github.com/boto/botocore/pull/2985)",
     "test_two_threads_get_a_lazy_component",
     "`KeyError: 'data_loader'` (the `KeyError: 'endpoint_resolver'` of the reports) when two "
     "threads first use a lazily registered component of one `Session`. botocore 1.31.16 (the "
     "fix) under the same test: 103 executions, passes."),
    ("cachetools_stampede", "cachetools==5.5.2",
     "[tkem/cachetools#262](https://github.com/tkem/cachetools/issues/262) (bug), "
     "[#279](https://github.com/tkem/cachetools/issues/279), "
     "[#224](https://github.com/tkem/cachetools/pull/224); fixed in 6.0.0 (the `func` "
     "decorators use a Condition; `@cached(condition=...)`)",
     "test_cached_with_lock_computes_once",
     "`@cached(TTLCache(...), lock=lock)` (#262's code) computes one key twice, and so does "
     "`cachetools.func.ttl_cache` (whose `RLock`, bound by the submodule at import, is "
     "simconc's in each execution since problem 1 was fixed: before, it stayed real and the "
     "report was a false failure). 6.0.0 with `@cached(lock=c, condition=c)`: passes."),
    ("limits_memory_timer", "limits==5.8.0",
     "[alisaifee/limits#26](https://github.com/alisaifee/limits/issues/26); fixed by "
     "[alisaifee/limits#352](https://github.com/alisaifee/limits/pull/352) (merged after 5.8.0, "
     "unreleased)",
     "test_two_threads_schedule_expiry",
     "`RuntimeError: threads can only be started once` from `MemoryStorage.__schedule_expiry` "
     "called from two threads: found, 15 executions. Through the public API "
     "(`FixedWindowRateLimiter.hit` from two threads, its expiry timer a third) the search "
     "takes about 60,000 executions, finds the race and ends exhaustive (PROBLEMS.md, problem "
     "6: it used to stop there with nothing, then to say that 6 planned schedules could not "
     "be followed, because a `defaultdict`'s lookup was taken for a read); frontrun reports a "
     "failure whose replays never fail (0 of 10)."),
    ("six_lazy_moves", "six==1.7.3",
     "[benjaminp/six#98](https://github.com/benjaminp/six/issues/98) (bug, major); "
     "[boto/botocore#1227](https://github.com/boto/botocore/issues/1227); fixed in 1.9.0",
     "test_two_threads_use_a_moved_name",
     "Two first reads of a lazy attribute both run its descriptor, whose `delattr` of the "
     "class attribute fails in the second: seen since `setattr`/`delattr` by name are "
     "accesses (PROBLEMS.md, problem 3: before, it was shown on an interleaving where it "
     "cannot happen). six 1.9.0: passes."),
    ("tqdm_position", "tqdm==4.23.0",
     "[tqdm/tqdm#323](https://github.com/tqdm/tqdm/issues/323) (bug-critical; #510, #563); "
     "fixed in 4.23.1 by commit 7f1590e",
     "test_two_threads_make_bars",
     "A bar made by one thread is in `tqdm._instances` (a `WeakSet`, whose operations are "
     "steps since problem 4 was fixed) before it has a `pos`, which another thread reads: "
     "found. The test makes each execution start from the same state (tqdm keeps its bars "
     "on the class). tqdm 4.23.1 fails too, and rightly: its fix guards `_get_free_pos`, but "
     "`close()` (`_decr_instances`, _tqdm.py:445) still reads `inst.pos` of every bar, "
     "another thread's new one among them."),
]


#: The test that shows the fix, where it is not the main one.
FIXED_TEST = {"cachetools_stampede": "test_cached_with_condition_computes_once"}


def load(case):
    path = os.path.join(HERE, case, "output", "summary.json")
    return json.load(open(path)) if os.path.exists(path) else None


def text(case, name):
    path = os.path.join(HERE, case, "output", name)
    return open(path).read() if os.path.exists(path) else ""


def trimmed(output, keep=60):
    """The output with each interleaving's setup rows (step 0: the main thread alone, before
    any other thread exists) folded into one line, and the rest cut after ``keep`` rows (the
    cuts said; the files have everything)."""
    out, rows, setup, skipped = [], 0, 0, 0

    def flush():
        nonlocal setup, skipped
        if setup:
            out.append(f"       [... {setup} rows of step 0: the main thread's setup]")
            setup = 0
        if skipped:
            out.append(f"       [... {skipped} more rows of this interleaving: see the file]")
            skipped = 0

    inside = False
    for line in output.splitlines():
        if line.startswith("  the interleaving:"):
            rows, setup, skipped, inside = 0, 0, 0, True
            out.append(line)
            continue
        m = re.match(r"^ {5,7}(\d+)  ", line)
        if inside and m:
            if m.group(1) == "0" and rows == 0 and " start " not in line:
                setup += 1
                continue
            if setup:
                flush()
            rows += 1
            if rows > keep:
                skipped += 1
                continue
        elif inside and (skipped or setup) and line.startswith(("  ", " +")) and \
                not line.startswith("  replay:"):
            if rows > keep:
                continue
        else:
            if inside and not line.startswith((" ", "")):
                pass
            if line.startswith("  replay:") or not line.startswith(" "):
                flush()
                inside = inside and not line.startswith("  replay:")
        out.append(line)
    flush()
    return "\n".join(out)


def frontrun_cell(info, key):
    fr = info.get(key)
    if not fr:
        return "-"
    if "error" in fr:
        return f"error: {fr['error'][:60]}"
    if fr.get("found") == "True":
        rep = fr.get("reproduced", "")
        return f"found, {fr['executions']} exec. (replayed {rep})"
    if fr.get("property_holds") == "None":
        return f"inconclusive after {fr['executions']} exec."
    return f"not found, {fr['executions']} exec."


def simconc_cell(info):
    if info.get("executions") in (None, "-"):
        return f"stopped: {info.get('error', 'error')}"
    if info.get("first_failure") in ("-", None):
        return f"passes, {info['executions']} exec. ({float(info['total_s']):.2f} s)"
    return (f"fails at exec. {info['first_failure']} of {info['executions']} "
            f"({float(info['first_failure_s']):.2f} s; all {float(info['total_s']):.2f} s)")


def main():
    lines = []
    add = lines.append
    summaries = {case: load(case) for case, *_ in CASES}
    version = next((s["simconc"] for s in summaries.values() if s), "?")
    add("# simconc on real libraries' thread-safety bugs, beside frontrun 0.7.0")
    add("")
    add("Each case is a directory here: a `pytest.ini` whose one setting names the library "
        "(`simconc_instrument = <package>`), a `test_<case>.py` whose `@pytest.mark.explore` "
        "test runs the library from two threads and asserts what it promises, and the same "
        "tests in frontrun's form (`frontrun_case.py`). `python run_case.py <case>` ran, for "
        "each case: the test under plain pytest (`cd <case> && python -m pytest -q -p "
        "no:cacheprovider`), the same with `-p simconc_measure` (executions and seconds to the "
        "first failure), a replay of the first failure's token (`--simconc-replay`), the fixed "
        "version of the library where there is one (`fixed.txt`, installed with `pip install "
        "--target` into `output/_fixed_site`, never into the venv), and frontrun 0.7.0 on the "
        "same workers and invariant twice: with `max_executions` = simconc's count for that "
        "test (the same budget) and with no `max_executions` (its defaults: DPOR, "
        "`preemption_bound=2`, `stop_on_first=True`; `trace_packages` naming the library in "
        "both). Everything below is copied from the files run_case.py wrote "
        "(`<case>/output/`); `python make_results.py` rewrites this page from them.")
    add("")
    add(f"simconc: {version} (the working tree, or with `SIMCONC_SNAPSHOT=DIR`, a clean "
        "compiled copy of one commit: `sh snapshot_simconc.sh DIR`). Python 3.11.7, Linux. "
        "Seconds are real time on a shared machine: compare them within a row, not across "
        "sessions.")
    add("")
    add("Problems found in simconc on the way, each with a minimal reproduction: "
        "[PROBLEMS.md](PROBLEMS.md).")
    add("")
    add("## In short")
    add("")
    add("- Found, with a token that replays the same failure, and a locked or fixed variant "
        "that passes, in all nine: the three frontrun case studies (pybreaker 1.4.1, "
        "python-socketio 5.16.3, python_http_client 3.3.7), circuitbreaker 2.1.3, botocore "
        "1.31.15, cachetools 5.5.2 (`@cached(lock=...)` and `cachetools.func`), limits 5.8.0, "
        "six 1.7.3 and tqdm 4.23.0. No false failure.")
    add("- frontrun 0.7.0 finds six of them (pybreaker, socketio, python_http_client, "
        "circuitbreaker, botocore, cachetools' `@cached`), in 2 to 7 executions; it misses "
        "six's and limits' `__schedule_expiry`, is inconclusive on tqdm's and "
        "`cachetools.func`'s, and reports a failure on limits' `hit()` that never replays.")
    add("- The first run of these cases (simconc c2f4409) found seven problems in simconc "
        "(PROBLEMS.md): a false failure (a package's submodules kept the real `RLock`), a "
        "wrong diagnosis (a lock made at import), two missed races (`setattr`/`delattr`, a "
        "`WeakSet`), `pytest.skip()` failing a test, an exploration that stopped with "
        "nothing, report glitches. Each is fixed, with a test; this page is the run after.")
    add("- A worker's exception escapes from `frontrun.explore()` uncounted and unreported "
        "(botocore's `KeyError` ended the exploration with a bare traceback), so the frontrun "
        "workers here catch the library's exception and the invariant checks it.")
    add("")
    add("## The table")
    add("")
    add("| case | library | upstream | simconc (main test) | replay | fixed / locked variant | "
        "frontrun, same budget | frontrun, its defaults | notes |")
    add("|---|---|---|---|---|---|---|---|---|")
    for case, lib, upstream, main_test, note in CASES:
        s = summaries[case]
        if not s:
            add(f"| {case} | {lib} | {upstream} | (not run) | | | | | {note} |")
            continue
        info = s["tests"].get(main_test, {})
        replay = ("fails the same way" if info.get("replay_same") else
                  ("fails, message differs" if info.get("replay_failed") else
                   ("-" if "token" not in info else "did not fail")))
        variants = [n for n in s["tests"] if "lock" in n and n != main_test]
        fixed = []
        for n in variants:
            v = s["tests"][n]
            fixed.append(f"{n.replace('test_', '', 1)}: {simconc_cell(v)}")
        if "fixed" in s:
            fx = s["fixed"]
            which = FIXED_TEST.get(case, main_test)
            main_line = next((m for m in fx["measure"] if f"::{which} " in m), "")
            ok = "first_failure=-" in main_line
            label = "" if which == main_test else f" ({which.replace('test_', '', 1)})"
            fixed.append(f"{fx['requirement']}{label}: {'passes' if ok else 'fails'}")
        add(f"| {case} | {lib} | {upstream} | {simconc_cell(info)} | {replay} | "
            f"{'<br>'.join(fixed) or '-'} | {frontrun_cell(info, 'frontrun')} | "
            f"{frontrun_cell(info, 'frontrun_free')} | {note} |")
    add("")
    add("Every test of every case, simconc and frontrun:")
    add("")
    add("| case | test | simconc | frontrun, same budget | frontrun, its defaults |")
    add("|---|---|---|---|---|")
    for case, *_ in CASES:
        s = summaries[case]
        if not s:
            continue
        for name, info in s["tests"].items():
            add(f"| {case} | {name} | {simconc_cell(info)} | {frontrun_cell(info, 'frontrun')} "
                f"| {frontrun_cell(info, 'frontrun_free')} |")
    add("")
    for case, lib, upstream, main_test, note in CASES:
        s = summaries[case]
        add(f"## {case}: {lib}")
        add("")
        add(f"Upstream: {upstream}.")
        add("")
        add(note)
        add("")
        add(f"The test: [{case}/test_{case}.py]({case}/test_{case}.py) (its docstring says what "
            f"the bug is); frontrun's form: [{case}/frontrun_case.py]({case}/frontrun_case.py).")
        add("")
        if not s:
            add("(not run)")
            continue
        add("### simconc")
        add("")
        add("```console")
        add(trimmed(text(case, "simconc.txt")).rstrip())
        add("```")
        add("")
        for name, info in s["tests"].items():
            if "token" in info:
                out = text(case, f"replay_{name}.txt")
                head = out.splitlines()[:6]
                add(f"The replay of `{name}`'s first failure "
                    f"({'the same failure' if info.get('replay_same') else 'see the file'}; "
                    f"[output/replay_{name}.txt]({case}/output/replay_{name}.txt)):")
                add("")
                add("```console")
                add("\n".join(head))
                add("[...]")
                add("```")
                add("")
        if "fixed" in s:
            out = text(case, "fixed.txt")
            add(f"The fixed version, {s['fixed']['requirement']}, under the same tests "
                f"([output/fixed.txt]({case}/output/fixed.txt)):")
            add("")
            add("```console")
            keep = [l for l in out.splitlines()
                    if l.startswith(("$ ", "simconc-measure", "FAILED", "SKIPPED"))
                    or re.match(r"^\S*[.FsE]+\s+\[100%\]", l)
                    or re.match(r"^\d+ (passed|failed)|^=+ .*(passed|failed)", l)]
            add("\n".join(keep))
            add("```")
            add("")
        add("### frontrun 0.7.0")
        add("")
        add("```console")
        fr = text(case, "frontrun.txt")
        add("\n".join(l for l in fr.splitlines()
                      if not l.startswith("frontrun: using preload")).rstrip())
        add("```")
        add("")
    with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
