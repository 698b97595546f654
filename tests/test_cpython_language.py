"""Instrumenting code keeps its meaning: CPython's own tests of the language, run with their
module instrumented as a user's package is (simconc.instrument.importer), pass as they do
without, on the Python that runs this test (tox runs 3.10 to 3.13).

Each module runs three times, in a child interpreter of its own: imported as usual, then
instrumented (every read and write of shared state a hook call, the GIL build's switch points
marked), then instrumented and counted as a timed run counts a scenario's Python
(simconc.instrument.ticks: a tick at each function start, loop iteration and comprehension
element, in batches of 7 so that the counter's slow path runs often too). The tests that fail
(or error) must be the same. The few tests that see what instrumenting changes
by design are left out of both runs, each with its reason (below)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: CPython's tests of the language and of the builtins and modules most code leans on.
MODULES = [
    "test_grammar", "test_scope", "test_class", "test_descr", "test_exceptions", "test_with",
    "test_generators", "test_listcomps", "test_setcomps", "test_dictcomps", "test_genexps",
    "test_unpack", "test_unpack_ex", "test_keywordonlyarg", "test_positional_only_arg",
    "test_named_expressions", "test_patma", "test_contextlib", "test_contextlib_async",
    "test_dataclasses", "test_enum", "test_functools", "test_super", "test_property",
    "test_decorators", "test_augassign", "test_compare", "test_bool", "test_coroutines",
    "test_asyncgen", "test_string_literals", "test_fstring", "test_types", "test_opcodes",
    "test_raise", "test_global", "test_builtin", "test_funcattrs", "test_extcall",
    "test_itertools", "test_collections", "test_abc", "test_dict", "test_list", "test_set",
    "test_iter", "test_richcmp", "test_copy", "test_weakref", "test_typing",
]

#: What the instrumented code cannot keep, by design, and the tests that see it.
#: - A function of an instrumented module finds its hooks in its module's globals
#:   (``__simconc__``): its code run with other globals (``types.FunctionType(f.__code__,
#:   {...})``) does not find them.
FOREIGN_GLOBALS = {
    "test.test_funcattrs.FunctionPropertiesTest.test___builtins__",
    "test.test_types.FunctionTests.test_function_type_defaults",
}
#: - From the sources (``SIMCONC_PURE=1``, or where the kernel was not compiled: tox's 3.10,
#:   3.12 and 3.13 run the sources), a hook is a Python function: a frame more while it runs,
#:   which code that counts frames sees (a warning's ``stacklevel``; a recursion limit set a few
#:   frames above, where 3.10 recurses in an except handler for minutes). Compiled, the hooks
#:   have no frames.
FRAMES = {
    "test.test_exceptions.ExceptionTests.test_recursion_in_except_handler",
    "test.test_functools.TestPartialC.test_partial_as_method",
    "test.test_functools.TestPartialCSubclass.test_partial_as_method",
    "test.test_functools.TestPartialPy.test_partial_as_method",
    "test.test_functools.TestPartialPySubclass.test_partial_as_method",
    "test.test_typing.InternalsTests.test_collect_parameters",
}
#: - Counted (simconc.instrument.ticks), the end of a batch of ticks makes the iterators of the
#:   next batch: a test that counts the interpreter's objects around some code sees one more.
COUNTED_OBJECTS = {
    "test.test_descr.ClassPropertiesAndMethods.test_slots",
}
# (Not run at all: test_traceback and test_inspect, which test what tracebacks and code objects
# show: an instrumented module's code names its hooks, and an exception raised in an access
# passes through the hook's frame, so a traceback shows one entry more.)

_CHILD = """
import importlib, io, json, sys, unittest
import simconc.compiled
name, mode, left_out = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
instrumented = mode != "plain"
if not simconc.compiled.active():
    left_out += json.loads(sys.argv[4])
charged = []
if mode == "counted":
    left_out += json.loads(sys.argv[5])
    from simconc.instrument import importer
    from simconc.instrument.ticks import COUNTER, NEXT
    from simconc.kernel.counting import Counter
    compile_instrumented = importer.compile_instrumented
    importer.compile_instrumented = lambda source, path, switches: compile_instrumented(
        source, path, switches, memory=True, ticks=True)
    exec_module = importer._InstrumentingLoader.exec_module
    counter = Counter(7, charged.append)
    def counted(self, module):
        module.__dict__.update({COUNTER: counter, NEXT: next})
        exec_module(self, module)
    importer._InstrumentingLoader.exec_module = counted
if instrumented:
    from simconc.instrument.importer import instrument_packages
    instrument_packages([name])
module = importlib.import_module(name)
assert instrumented == ("__simconc__" in vars(module)), "instrumented as asked"

def tests(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from tests(test)
        elif test.id() not in left_out:
            yield test

found = unittest.defaultTestLoader.loadTestsFromModule(module)
doctests = not found.countTestCases()
if doctests:   # (3.10's doctest modules: their tests are run by test_main)
    import doctest
    found = doctest.DocTestSuite(module)
suite = unittest.TestSuite(tests(found))
result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
ticks = sum(charged) + (counter.take() if mode == "counted" else 0)
print(json.dumps({"run": result.testsRun, "ticks": ticks, "doctests": doctests,
                  "failed": sorted(t.id() for t, _ in result.failures + result.errors)}))
"""


def run_tests(module: str, mode: str) -> dict:
    # Each in a directory of its own: some of CPython's tests make fixed-name files and
    # directories in the current one (test_fstring's ``temp_cwd()``), and the two runs of a
    # module go at once.
    with tempfile.TemporaryDirectory(prefix="simconc-language-") as folder:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, module, mode,
             json.dumps(sorted(FOREIGN_GLOBALS)), json.dumps(sorted(FRAMES)),
             json.dumps(sorted(COUNTED_OBJECTS))],
            capture_output=True, text=True, timeout=600, cwd=folder,
            env={**os.environ, "PYTHONPATH": REPO})
    assert done.returncode == 0 and done.stdout, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", MODULES)
def test_cpython_language_tests_pass_instrumented_as_they_do_plain(name: str) -> None:
    module = f"test.{name}"
    with ThreadPoolExecutor(3) as pool:
        plain, instrumented, counted = pool.map(lambda mode: run_tests(module, mode),
                                                ("plain", "instrumented", "counted"))
    left_out = sum(test.startswith(module + ".") for test in COUNTED_OBJECTS)
    assert instrumented["run"] == counted["run"] + left_out == plain["run"] > 0
    assert instrumented["failed"] == plain["failed"]
    assert counted["failed"] == plain["failed"]
    # The ticks were counted (unless its tests are doctests, code in strings, which the
    # instrumentation does not compile).
    assert counted["ticks"] > 0 or counted["doctests"]
