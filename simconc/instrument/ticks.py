"""Counting the pure Python a program runs, so that it costs simulated time.

A timed run prices what its program does (DESIGN.md, decision 2): a lock's acquire, a thread's
start, a sleep. Pure Python is priced too, by counting it from the code itself: the rewrite
below adds a *tick* where CPython's eval loop of 3.10 to 3.13 checks its eval breaker, the
places a thread can lose the GIL (see :mod:`.rewrite`): the start of every function body and
lambda, every iteration of a loop (CPython checks at the back edge; the tick is first in the
body), each element of a comprehension. The profile says what one tick costs
(``python_step``: a call of the code the tutorial timed), so ``fib(35)`` costs as many ticks as
it makes calls, on any machine, every time.

A tick must be cheap (a CPU-bound program runs it some ten million times a second): it is
``__simconc_next__(__simconc_cpu__.ticks)``, a call of the builtin ``next`` on an iterator made
in C, which only calls back into Python once a batch is used up
(:class:`simconc.kernel.counting.Counter`), to charge it to the running thread.
bench/bench_ticks.py measures what it adds. It yields ``True``, so that it never branches
where it stands: a statement, a lambda's ``tick and body``, a comprehension's ``if tick``; with
every one of its nodes on one line of the code, a tracer (``sys.settrace``, coverage, a
debugger) sees the same line events as in the plain code.

The rewrite adds two names, both starting with ``__simconc``, and changes nothing else: a tick
is an expression statement, a lambda's ``tick and body`` and a comprehension's ``if tick`` are
their body and their element, so the program means what it meant.
"""
from __future__ import annotations

import ast
from typing import Any

#: The globals a counted module expects (the runner binds them for each execution).
COUNTER = "__simconc_cpu__"
NEXT = "__simconc_next__"


def _tick_expr() -> ast.expr:
    """``__simconc_next__(__simconc_cpu__.ticks)``: True."""
    return ast.Call(ast.Name(NEXT, ast.Load()),
                    [ast.Attribute(ast.Name(COUNTER, ast.Load()), "ticks", ast.Load())], [])


def _placed(node: ast.AST, line: int, col: int) -> Any:
    """``node`` and everything in it at ``line``, ``col``."""
    for part in ast.walk(node):
        if "lineno" in part._attributes:
            part.lineno = part.end_lineno = line   # type: ignore[attr-defined]
            part.col_offset = part.end_col_offset = col   # type: ignore[attr-defined]
    return node


def _tick(line: int, col: int) -> ast.stmt:
    return _placed(ast.Expr(_tick_expr()), line, col)


class _Ticks(ast.NodeTransformer):
    def _function(self, node: "ast.FunctionDef | ast.AsyncFunctionDef") -> ast.AST:
        self.generic_visit(node)
        first = node.body[0]
        docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str)
        at = 1 if docstring else 0   # (a docstring must stay first)
        start = node.body[at] if at < len(node.body) else first
        node.body[at:at] = [_tick(start.lineno, start.col_offset)]   # (the line run first)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self.generic_visit(node)
        # ``lambda: TICK and body``: the tick is true, so the lambda returns its body.
        body = node.body
        node.body = ast.copy_location(ast.BoolOp(ast.And(), [
            _placed(_tick_expr(), body.lineno, body.col_offset), body]), body)
        return node

    def _loop(self, node: "ast.For | ast.AsyncFor | ast.While") -> ast.AST:
        self.generic_visit(node)
        # One an iteration: first in the body, on its first line (at the end, a ``continue``
        # would skip it, and a tick on any other line is a line event more for a tracer).
        first = node.body[0]
        node.body.insert(0, _tick(first.lineno, first.col_offset))
        return node

    visit_For = visit_AsyncFor = visit_While = _loop

    def _comprehension(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        # An element of the innermost loop: a condition that is always true, tested first.
        last: ast.comprehension = node.generators[-1]   # type: ignore[attr-defined]
        target = last.target
        last.ifs.insert(0, _placed(_tick_expr(), target.lineno, target.col_offset))
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension


def add_ticks(tree: ast.Module) -> ast.Module:
    """``tree`` with a tick at each of its eval-breaker checks (see the module's docstring)."""
    return ast.fix_missing_locations(_Ticks().visit(tree))
