"""Run one case of this benchmark under frontrun 0.7.0's DPOR.

frontrun's ``explore`` refuses to run outside its own ``frontrun`` command, so run it as::

    cd bench/libraries/<case>
    python -m frontrun.cli python ../run_frontrun.py BUDGET [TEST_NAME ...]

(BUDGET 0: no ``max_executions``; frontrun then stops at its first failure or when its
preemption-bounded search is done.)

The case's ``frontrun_case.py`` gives, for each test of ``test_<case>.py``, the same setup,
workers and invariant in frontrun's own form (``setup`` makes the shared state, each worker runs
in a thread, ``invariant`` is checked after they end) and ``TRACE_PACKAGES`` (frontrun's
``trace_packages``: the library, which it would otherwise not trace, being in site-packages).

Each test is explored with frontrun's defaults (DPOR, ``preemption_bound=2``,
``stop_on_first=True``, ``detect_io=True``) and ``max_executions=BUDGET``, the number of
executions simconc's exhaustive exploration of the same test ran. Printed per test: whether the
invariant held, the executions run (``num_explored``; with ``stop_on_first`` the last one is the
failing one), the seconds, and frontrun's explanation.
"""
import os
import sys
import time

sys.path.insert(0, os.getcwd())

import frontrun  # noqa: E402
import frontrun_case  # noqa: E402


def main(argv):
    budget = int(argv[0]) or None   # 0: no limit (frontrun's own: preemption_bound=2)
    names = argv[1:] or list(frontrun_case.CASES)
    extra = getattr(frontrun_case, "OPTIONS", {})
    for name in names:
        spec = dict(frontrun_case.CASES[name])
        options = dict(max_executions=budget, trace_packages=frontrun_case.TRACE_PACKAGES,
                       reproduce_on_failure=10, total_timeout=600.0)
        options.update(extra)
        options.update(spec.pop("options", {}))
        started = time.perf_counter()
        try:
            result = frontrun.explore(**spec, **options)
        except Exception as exc:  # noqa: BLE001 -- reported, not hidden
            print(f"frontrun-result {name} error={type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - started
        found = result.property_holds is False
        print(f"frontrun-result {name} found={found} property_holds={result.property_holds} "
              f"executions={result.num_explored} seconds={seconds:.3f} "
              f"reproduced={result.reproduction_successes}/{result.reproduction_attempts}")
        if result.explanation:
            print(result.explanation)
        if result.property_holds is None:
            print("inconclusive:", getattr(result, "inconclusive_reason", None))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
