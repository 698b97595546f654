"""The pytest plugin's work: exploration tests under plain ``pytest``, no wrapper command.

pytest loads ``_simconc_pytestplugin`` (a module outside this package, so that loading it
imports nothing of simconc), which calls in here only when a test asks for simconc.

Mark a test ``@pytest.mark.explore`` and its body runs as the main thread of every execution
the search asks for; the test fails with the report (the explanation, the interleaving, the
token) if any execution fails. ``pytest --simconc-replay TOKEN path::test`` replays exactly one.

Shared state in the test module is seen: it is instrumented in place for each explore test,
pytest's assertion rewriting kept (:mod:`simconc.instrument.inplace`). In the code under test it
is seen when its package is instrumented on import: the ``simconc_instrument`` ini option (or
``--simconc-instrument``) names the packages. Those modules, which bound ``threading`` names
before the test began (``from threading import Lock``), see the simulated ones during each
execution (and a lock they made at import is a simulated one), and the real ones afterwards.
``--simconc-html DIR`` also writes each failing test's report there as a web page, its
interleavings drawn; ``--simconc-full`` shows every row of a long interleaving.
"""
from __future__ import annotations

import ast
import os
import re
import sys
from typing import Any

import pytest

from ..explore.drawing import render_html
from ..explore.api import explore
from ..explore.report import ExploreReport, failure_of
from ..instrument.importer import instrument_packages
from ..instrument.inplace import instrumented_in_place
from ..runner.patching import REBIND
from ..kernel import SimconcError
from ..runner import run


class SimconcWarning(pytest.PytestWarning):
    """An explore test that probably does not test what it means to."""


def instrument(packages: list[str]) -> None:
    """Instrument ``packages`` on import from now on, and rebind their ``threading`` names for
    each execution (the ``simconc_instrument`` option)."""
    finder = instrument_packages(packages)
    # Behind pytest's own import hook: a test module named too keeps its assertion rewriting
    # (and is instrumented in place as its tests run, as every test module is).
    rewriting = [i for i, f in enumerate(sys.meta_path)
                 if type(f).__name__ == "AssertionRewritingHook"]
    if rewriting:
        sys.meta_path.remove(finder)
        sys.meta_path.insert(rewriting[-1], finder)
    REBIND.extend(p for p in packages if p not in REBIND)


def _in_place(pyfuncitem: Any) -> instrumented_in_place:
    """The test's module, instrumented for the length of the test, its assertions rewritten
    by pytest as they were when it was imported."""
    module = pyfuncitem.module
    if "@py_builtins" not in vars(module):   # (not imported through pytest's assertion rewriting)
        return instrumented_in_place(module, extra=(pyfuncitem.obj,))
    from _pytest.assertion.rewrite import rewrite_asserts
    config = pyfuncitem.config

    def rewritten(tree: ast.Module, source: bytes, path: str) -> None:
        rewrite_asserts(tree, source, path, config)
    return instrumented_in_place(module, rewritten, extra=(pyfuncitem.obj,))


def explore_test(pyfuncitem: Any, marker: Any) -> bool:
    """Run the test ``pyfuncitem``, marked ``explore`` (``marker``), under every schedule that
    matters (or replay one with ``--simconc-replay``); fail it with the report if one fails."""
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    test = pyfuncitem.obj
    outcomes: list[BaseException] = []   # pytest.skip() or pytest.xfail() in the body

    def body() -> None:
        try:
            test(**args)
        except (pytest.skip.Exception, pytest.xfail.Exception) as exc:
            outcomes.append(exc)   # (the test's outcome, not an execution's failure)

    # Its module is the program's: the exploration puts its globals back as the test began
    # before each execution, and after the last (simconc/runner/module_state.py).
    body.__wrapped__ = test   # type: ignore[attr-defined]

    module = pyfuncitem.module.__name__
    added = module not in REBIND
    if added:
        REBIND.append(module)   # the test module's own `from threading import ...`
    in_place = _in_place(pyfuncitem)
    try:
        in_place.__enter__()
        token = pyfuncitem.config.getoption("--simconc-replay")
        try:
            if token:
                result = run(body, schedule=token)
                if outcomes:
                    raise outcomes[0]
                failure = failure_of(result)
                if failure is not None:
                    pytest.fail(failure.format("simconc: the replayed execution failed",
                                               full=pyfuncitem.config.getoption("--simconc-full"),
                                               full_option="--simconc-full"), pytrace=False)
                return True
            report = explore(body, **dict(marker.kwargs))
        except SimconcError as exc:
            pytest.fail(f"simconc: {exc}", pytrace=False)
    finally:
        in_place.__exit__()
        if added:
            REBIND.remove(module)
    if outcomes:
        raise outcomes[0]
    if report.failures:
        node = pyfuncitem.nodeid
        text = report.format(replay=lambda token: f"pytest '{node}' --simconc-replay {token}",
                             full=pyfuncitem.config.getoption("--simconc-full"),
                             full_option="--simconc-full")
        folder = pyfuncitem.config.getoption("--simconc-html")
        if folder:
            text += f"\ndrawn: {_write_page(folder, node, report)}"
        pytest.fail(text, pytrace=False)
    if not report.shared:
        # Often because the state under test lives where simconc does not look.
        pyfuncitem.warn(SimconcWarning(
            f"simconc saw nothing in {pyfuncitem.name} that could race ({report.executions} "
            f"execution{'s' if report.executions != 1 else ''}): no location it sees was read "
            f"or written by two threads, one of them writing. Reads and writes are seen in the "
            f"test's module and in the packages named with --simconc-instrument (or the "
            f"simconc_instrument ini option): if the state under test lives in a package of "
            f"yours, name it"))
    return True


def _write_page(folder: str, node: str, report: ExploreReport) -> str:
    """Write ``report`` as a web page into ``folder``, named for the test; the page's path."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, re.sub(r"[^A-Za-z0-9_.-]+", "_", node).strip("_") + ".html")
    with open(path, "w", encoding="utf-8") as page:
        page.write(render_html(report, f"simconc: {node}",
                               replay=f"pytest '{node}' --simconc-replay {{token}}"))
    return path
