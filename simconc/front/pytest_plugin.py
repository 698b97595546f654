"""The pytest plugin's work: exploration tests under plain ``pytest``, no wrapper command.

pytest loads ``_simconc_pytestplugin`` (a module outside this package, so that loading it
imports nothing of simconc), which calls in here only when a test asks for simconc.

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

from ..explore.drawing import render_html
from ..explore.api import explore
from ..explore.report import ExploreReport, failure_of
from ..instrument.importer import instrument_packages, instrumented
from ..runner.patching import REBIND
from ..kernel import SimconcError
from ..runner import run


class SimconcWarning(pytest.PytestWarning):
    """An explore test that probably does not test what it means to."""


def instrument(packages: list[str]) -> None:
    """Instrument ``packages`` on import from now on, and rebind their ``threading`` names for
    each execution (the ``simconc_instrument`` option)."""
    instrument_packages(packages)
    REBIND.extend(p for p in packages if p not in REBIND)


def explore_test(pyfuncitem: Any, marker: Any) -> bool:
    """Run the test ``pyfuncitem``, marked ``explore`` (``marker``), under every schedule that
    matters (or replay one with ``--simconc-replay``); fail it with the report if one fails."""
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
