"""simconc's pytest plugin, as pytest loads it: outside the ``simconc`` package, so that a
pytest run that does not use simconc never imports it (its kernel, SimPy, greenlet).
(Hypothesis does the same, with ``_hypothesis_pytestplugin``.)

This module only declares the options and the ``explore`` marker. A test marked
``@pytest.mark.explore`` (or a configured ``simconc_instrument``) loads simconc, whose
``simconc.front.pytest_plugin`` does the work: see its docstring.
"""
from __future__ import annotations

from typing import Any

import pytest


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("simconc", "simconc exploration")
    group.addoption("--simconc-replay", metavar="TOKEN", default=None,
                    help="replay one execution of the selected explore test from its token")
    group.addoption("--simconc-full", action="store_true", default=False,
                    help="show every row of a failing test's interleaving (one of more than "
                         "100 rows is shown where it matters)")
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
        # (before the tests' modules import them: instrumented as they are imported)
        from simconc.front.pytest_plugin import instrument
        instrument(packages)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: Any) -> Any:
    marker = pyfuncitem.get_closest_marker("explore")
    if marker is None:
        return None
    from simconc.front.pytest_plugin import explore_test
    return explore_test(pyfuncitem, marker)
