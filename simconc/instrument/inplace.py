"""Instrumenting a module that is imported already, in place, for a while: the test module.

pytest imports a test module long before any test runs, through its own import hook (which
rewrites ``assert`` statements to explain failures). Its reads and writes of shared state are
the user's too, and often half of a race (a worker writes, the test body reads). Re-importing it
would run its body a second time and make new classes and functions under the names pytest
holds; instead its source is compiled again, instrumented, after the same ``before`` pass
(pytest's assertion rewriting, given by the plugin), and each of its functions takes the
instrumented code of its own definition: ``function.__code__`` is swapped, the function object
stays the one everybody holds, and its globals stay the module's. Undone on exit.

A function whose instrumented code does not fit (another set of free variables) is left as it
is; so is code the module made at run time (``exec``), which has no definition in the source.
"""
from __future__ import annotations

import ast
import importlib.util
import types
from typing import Any, Callable, Iterator, Optional

from .hooks import access_in_run, always, hooks, record_in_run, switch_in_run
from .rewrite import instrument

#: A pass over the module's syntax tree before it is instrumented (given its source's bytes).
Before = Callable[[ast.Module, bytes, str], None]


class instrumented_in_place:
    """Within the ``with`` block, ``module``'s functions (its own, its classes' methods, and
    ``extra`` ones) run instrumented, as if the module had been imported instrumented."""

    def __init__(self, module: types.ModuleType, before: Optional[Before] = None,
                 extra: tuple[Any, ...] = ()) -> None:
        self.module = module
        self.before = before
        self.extra = extra
        self.swapped: list[tuple[types.FunctionType, types.CodeType]] = []
        self.added = False

    def __enter__(self) -> "instrumented_in_place":
        path = getattr(self.module, "__file__", None)
        if not path or not path.endswith(".py"):
            return self
        with open(path, "rb") as file:
            data = file.read()
        source = importlib.util.decode_source(data)
        tree = ast.parse(source, path)
        if self.before is not None:
            self.before(tree, data, path)
        code = compile(instrument(tree, source, path, switches=True), path, "exec",
                       dont_inherit=True)
        by_definition = _codes_by_definition(code)
        for function in _functions_of(self.module, path, self.extra):
            new = by_definition.get(_definition(function.__code__))
            if new is not None and new.co_freevars == function.__code__.co_freevars:
                self.swapped.append((function, function.__code__))
                function.__code__ = new
        namespace = vars(self.module)
        if "__simconc__" not in namespace:
            # Its body ran before any execution: reads of what only the body assigns race
            # with nothing (as for a module imported instrumented, importer.py).
            namespace.update(hooks(record_in_run, namespace, access_in_run,
                                   scope=self.module.__name__, switch=switch_in_run,
                                   body_thread=always))
            self.added = True
        return self

    def __exit__(self, *exc: object) -> None:
        for function, original in reversed(self.swapped):
            function.__code__ = original
        self.swapped.clear()
        if self.added:
            vars(self.module).pop("__simconc__", None)
            self.added = False


def _definition(code: types.CodeType) -> tuple[str, int]:
    """What tells a function's code apart in its module: its qualified name (3.11+; the name
    before) and the line its definition starts on."""
    return getattr(code, "co_qualname", code.co_name), code.co_firstlineno


def _codes_by_definition(code: types.CodeType) -> dict[tuple[str, int], types.CodeType]:
    """Every code object compiled from a definition in ``code``, by :func:`_definition`; two
    of the same (lambdas on one line) are left out, ambiguous."""
    found: dict[tuple[str, int], Optional[types.CodeType]] = {}

    def walk(parent: types.CodeType) -> None:
        for const in parent.co_consts:
            if isinstance(const, types.CodeType):
                key = _definition(const)
                found[key] = None if key in found else const
                walk(const)

    walk(code)
    return {key: value for key, value in found.items() if value is not None}


def _functions_of(module: types.ModuleType, path: str,
                  extra: tuple[Any, ...]) -> Iterator[types.FunctionType]:
    """The functions defined in ``module``'s file that it holds: its functions, its classes'
    methods (static, class, properties), what they wrap (``__wrapped__``), and ``extra``."""
    seen: set[int] = set()
    todo = list(vars(module).values()) + list(extra)
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.MethodType):
            todo.append(obj.__func__)
        elif isinstance(obj, (staticmethod, classmethod)):
            todo.append(obj.__func__)
        elif isinstance(obj, property):
            todo.extend(f for f in (obj.fget, obj.fset, obj.fdel) if f is not None)
        elif isinstance(obj, type) and obj.__module__ == module.__name__:
            todo.extend(vars(obj).values())
        elif isinstance(obj, types.FunctionType):
            if obj.__code__.co_filename == path:
                yield obj
            wrapped = getattr(obj, "__wrapped__", None)
            if wrapped is not None:
                todo.append(wrapped)
