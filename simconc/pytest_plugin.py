"""The pytest plugin: exploration tests under plain ``pytest``, no wrapper command.

Mark a test ``@pytest.mark.explore`` and its body runs as the main thread of every execution
the search asks for; the test fails with the report (the explanation, the interleaving, the
token) if any execution fails. ``pytest --simconc-replay TOKEN path::test`` replays exactly one.

Shared state in the code under test is seen when its package is instrumented on import: the
``simconc_instrument`` ini option (or ``--simconc-instrument``) names the packages. Modules that
bound ``threading`` names before the test began (``from threading import Lock``) see the
simulated ones during each execution and the real ones again afterwards. ``--simconc-html DIR``
also writes each failing test's report there as a web page, its interleavings drawn.
"""
from __future__ import annotations

import os
import re
from typing import Any

import pytest

from .analysis.timeline import render_html
from .explore.api import explore
from .explore.report import ExploreReport, failure_of
from .importer import instrument_packages, instrumented
from .patching import REBIND
from .kernel import SimconcError
from .runner import run


class SimconcWarning(pytest.PytestWarning):
    """An explore test that probably does not test what it means to."""


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("simconc", "simconc exploration")
    group.addoption("--simconc-replay", metavar="TOKEN", default=None,
                    help="replay one execution of the selected explore test from its token")
    group.addoption("--simconc-html", metavar="DIR", default=None,
                    help="write each failing explore test's report to DIR as a web page, its "
                         "failing interleavings drawn")
    group.addoption("--simconc-instrument", metavar="PACKAGES", default=None,
                    help="comma-separated packages whose shared state exploration sees "
                         "(overrides the simconc_instrument ini option)")
    parser.addini("simconc_instrument", type="args", default=[],
                  help="packages whose reads and writes of shared state exploration sees")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "explore(strategy='dpor', max_executions=None, seed=0, check=None, "
                   "switch_points='any', jobs=1): run the test body under every schedule that "
                   "matters (simconc; switch_points='gil' for the GIL build's)")
    option = config.getoption("--simconc-instrument")
    packages = [p for p in option.split(",") if p] if option else \
        config.getini("simconc_instrument")
    if packages:
        instrument_packages(packages)
        REBIND.extend(p for p in packages if p not in REBIND)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: Any) -> Any:
    marker = pyfuncitem.get_closest_marker("explore")
    if marker is None:
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    test = pyfuncitem.obj

    def body() -> None:
        test(**args)

    module = pyfuncitem.module.__name__
    added = module not in REBIND
    if added:
        REBIND.append(module)   # the test module's own `from threading import ...`
    try:
        token = pyfuncitem.config.getoption("--simconc-replay")
        try:
            if token:
                result = run(body, schedule=token)
                failure = failure_of(result)
                if failure is not None:
                    pytest.fail(failure.format("simconc: the replayed execution failed"),
                                pytrace=False)
                return True
            report = explore(body, **dict(marker.kwargs))
        except SimconcError as exc:
            pytest.fail(f"simconc: {exc}", pytrace=False)
    finally:
        if added:
            REBIND.remove(module)
    if report.failures:
        node = pyfuncitem.nodeid
        text = report.format(replay=lambda token: f"pytest '{node}' --simconc-replay {token}")
        folder = pyfuncitem.config.getoption("--simconc-html")
        if folder:
            text += f"\ndrawn: {_write_page(folder, node, report)}"
        pytest.fail(text, pytrace=False)
    if report.executions == 1 and report.exhausted and not instrumented(module):
        # Nothing raced: often because the state under test lives where simconc does not look.
        pyfuncitem.warn(SimconcWarning(
            f"simconc ran a single schedule of {pyfuncitem.name}: nothing it did was seen to "
            f"race. Reads and writes of shared state are seen only in instrumented modules; "
            f"if the state under test lives in {module} or a package of yours, name it with "
            f"--simconc-instrument (or the simconc_instrument ini option)"))
    return True


def _write_page(folder: str, node: str, report: ExploreReport) -> str:
    """Write ``report`` as a web page into ``folder``, named for the test; the page's path."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, re.sub(r"[^A-Za-z0-9_.-]+", "_", node).strip("_") + ".html")
    with open(path, "w", encoding="utf-8") as page:
        page.write(render_html(report, f"simconc: {node}",
                               replay=f"pytest '{node}' --simconc-replay {{token}}"))
    return path
