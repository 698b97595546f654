"""A pytest plugin for the benchmark only: measures simconc's exploration of each explore test.

Load it with ``PYTHONPATH=.. python -m pytest -p simconc_measure ...`` (run.sh does). It wraps
the ``explore`` call of simconc's pytest plugin (nothing in simconc is changed) and, for each
explore test, prints one line at the end of the session::

    simconc-measure <nodeid> executions=N first_failure=K first_failure_s=S total_s=T exhausted=B

``first_failure`` counts the complete executions run up to and including the first one that
failed (``-`` if none failed); ``first_failure_s`` the real seconds the exploration had taken by
then; ``total_s`` the seconds of the whole exploration.
"""
import time

import simconc.front.pytest_plugin as plugin

_LINES = []
_real_explore = plugin.explore


def _measuring_explore(body, **kwargs):
    started = time.perf_counter()
    first = {}

    def progress(report):
        if report.failures and "n" not in first:
            first["n"] = report.executions
            first["s"] = time.perf_counter() - started
        if user_progress is not None:
            user_progress(report)

    user_progress = kwargs.pop("progress", None)
    try:
        report = _real_explore(body, progress=progress, **kwargs)
    except Exception as exc:
        _LINES.append(f"executions=- first_failure=- first_failure_s=- "
                      f"total_s={time.perf_counter() - started:.3f} exhausted=- "
                      f"error={type(exc).__name__}")
        raise
    total = time.perf_counter() - started
    _LINES.append(
        f"executions={report.executions} first_failure={first.get('n', '-')} "
        f"first_failure_s={first['s']:.3f} " if "n" in first else
        f"executions={report.executions} first_failure=- first_failure_s=- ")
    _LINES[-1] += f"total_s={total:.3f} exhausted={report.exhausted}"
    return report


plugin.explore = _measuring_explore


def pytest_runtest_logreport(report):
    if report.when == "call" and _LINES and not _LINES[-1].startswith("simconc-measure"):
        _LINES[-1] = f"simconc-measure {report.nodeid} " + _LINES[-1]


def pytest_terminal_summary(terminalreporter):
    for line in _LINES:
        terminalreporter.write_line(line)
