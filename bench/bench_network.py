"""What do many fetches at once cost? Threads fetching pages on the simulated network.

    python bench/bench_network.py             # 50 and 200 threads, 5 pages each
    python bench/bench_network.py --threads 100 400 --pages 2
    python bench/bench_network.py --json
    python bench/bench_network.py --check     # exit status 1 if a target is missed

Every body arriving at once shares the machine's line (``simconc/stdlib/network.py``,
``Line``), so when a byte arrives depends on every other transfer. The program: ``--threads``
threads each fetch ``--pages`` pages of 100 KB, half from a site serving 1 MB/s and half from
one serving 0.4 MB/s, through ``urllib.request.urlopen`` (the face reads the whole body at
once) or ``http.client`` (the site's server on the machine's sockets, one TCP segment at a
time), run by ``simconc.run`` under ``tutorial-2017`` two ways:

``shared line``
    The profile as it is: a 10 Mbit/s line, shared fairly by the bodies arriving at once.
``line unlimited``
    The same profile with an unlimited line: each body arrives at its site's bandwidth, worked
    out alone. The baseline: everything but the sharing.

Each figure is the best of ``--rounds`` rounds, taken in turns, in milliseconds of the host's
time per fetch. The targets: at the larger size the shared line costs at most 10x the unlimited
one (the line's own work stays a small multiple of a fetch's, which the old line, stepping the
whole run's transfers at every call, made 2,000x), and a fetch costs at most 4x as much with
four times as many at once (what a fetch costs grows at most with how many are at once: looking
ahead goes through the events of the bodies that end first, and a change on a socket looks at
each thread waiting on one).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
import time
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository's simconc importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import simconc
from simconc.kernel.profile import get_profile

#: The targets: the shared line against the unlimited one, and a fetch's cost at 4x the fetches.
TARGET_VS_UNLIMITED = 10.0
TARGET_GROWTH = 4.0

PROGRAM = """\
import http.client, threading, urllib.request, simconc
simconc.serve("http://fast.example/*", 100_000, latency=0.05, bandwidth=1_000_000)
simconc.serve("http://slow.example/*", 100_000, latency=0.08, bandwidth=400_000)
THREADS, PAGES, API = {threads}, {pages}, {api!r}

def fetch(i):
    host = "fast.example" if i % 2 else "slow.example"
    for page in range(PAGES):
        if API == "urlopen":
            size = len(urllib.request.urlopen(f"http://{{host}}/{{i}}/{{page}}").read())
        else:
            connection = http.client.HTTPConnection(host)
            connection.request("GET", f"/{{i}}/{{page}}")
            size = len(connection.getresponse().read())
            connection.close()
        assert size == 100_000, size

threads = [threading.Thread(target=fetch, args=(i,)) for i in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def _measure(folder: str, threads: int, pages: int, api: str, rounds: int
             ) -> dict[str, dict[str, float]]:
    path = os.path.join(folder, f"fetch_{api}_{threads}.py")
    with open(path, "w") as f:
        f.write(PROGRAM.format(threads=threads, pages=pages, api=api))
    shared = get_profile("tutorial-2017")
    profiles = {"shared line": shared,
                "line unlimited": dataclasses.replace(shared, line_bandwidth=math.inf)}
    best = {name: math.inf for name in profiles}
    simulated = {}
    for _ in range(rounds):
        for name, profile in profiles.items():
            began = time.perf_counter()
            result = simconc.run(path, profile=profile)
            took = time.perf_counter() - began
            if result.status != "ok":
                raise SystemExit(f"the program failed ({name}, {api}, {threads} threads):\n"
                                 f"{result.error or result.stderr}")
            best[name] = min(best[name], took)
            simulated[name] = result.elapsed
    fetches = threads * pages
    return {name: {"ms_per_fetch": best[name] * 1000 / fetches, "fetches": fetches,
                   "simulated_s": simulated[name]} for name in profiles}


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs=2, default=[50, 200],
                        metavar=("SMALL", "LARGE"), help="threads at the two sizes")
    parser.add_argument("--pages", type=int, default=5, help="pages each thread fetches")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true",
                        help="exit status 1 if a target is missed")
    args = parser.parse_args(argv)
    if min(args.threads) < 1 or args.pages < 1 or args.rounds < 1:
        parser.error("--threads, --pages and --rounds are 1 or more")
    small, large = args.threads
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for api in ("urlopen", "http.client"):
            for threads in (small, large):
                if not args.json:
                    print(f"  {api}, {threads} threads x {args.pages} pages ...",
                          file=sys.stderr, flush=True)
                figures[f"{api} {threads}"] = _measure(folder, threads, args.pages, api,
                                                       args.rounds)
    checks = []
    for api in ("urlopen", "http.client"):
        at_large = figures[f"{api} {large}"]
        vs_unlimited = at_large["shared line"]["ms_per_fetch"] / \
            at_large["line unlimited"]["ms_per_fetch"]
        growth = at_large["shared line"]["ms_per_fetch"] / \
            figures[f"{api} {small}"]["shared line"]["ms_per_fetch"]
        checks.append((f"{api}: shared / unlimited", vs_unlimited, TARGET_VS_UNLIMITED,
                       f"at {large} threads"))
        checks.append((f"{api}: {large} / {small} threads", growth, TARGET_GROWTH,
                       "a fetch's cost, shared line"))
    missed = [name for name, ratio, target, _ in checks if ratio > target]
    if args.json:
        print(json.dumps({"figures": figures, "ratios": {name: ratio for name, ratio, _t, _w
                                                          in checks}}, indent=2))
    else:
        print(f"{'':34}{'ms/fetch':>10}{'fetches':>9}{'simulated s':>13}")
        for key, by_profile in figures.items():
            for name, figure in by_profile.items():
                print(f"{key + ', ' + name:34}{figure['ms_per_fetch']:>10.3f}"
                      f"{figure['fetches']:>9,}{figure['simulated_s']:>13.3f}")
        print()
        for name, ratio, target, what in checks:
            verdict = "met" if ratio <= target else "MISSED"
            print(f"{name:34}{ratio:>6.2f}   target <= {target:.2f} ({what}): {verdict}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
