"""Seeing shared state in unmodified code: reads and writes become visible operations.

A scenario's syntax tree is rewritten as it is compiled (the way pytest rewrites asserts), so
that reading or writing a module-level variable, an attribute or a subscript calls a hook that
records the access and then does the real thing. Not a ``sys.settrace`` callback: a greenlet
switch inside one leaves the interpreter's "inside a trace callback" state set (DESIGN.md,
decision 6). Rewriting the tree also makes the accesses the same on every Python version.

What is rewritten:
- a module-level variable of the program (one the module body assigns, or a function assigns
  as ``global``), read or written in any scope where it is global (``symtable`` decides), a
  ``for`` loop's target included; those only the module body can touch or write get cheaper
  hooks (:func:`body_variables`);
- ``obj.attr`` read (but not ``obj.method(...)``: a call's callee is not shared state) or
  assigned, ``obj.attr op= value``;
- ``obj[key]`` read, assigned, or ``obj[key] op= value``;
- what is done to a builtin container (a list, dict, set, bytearray or deque) as a whole: a
  method call (``xs.append(x)`` writes it, ``d.get(k)`` reads it: every method not known to
  only read counts as a write; the step is the call, after its arguments), ``key in d`` (reads
  that key), a ``for`` loop over it, ``len(xs)``, ``sorted(xs)``... and its truth, ``if xs:``,
  ``while xs:``, ``not xs``, ``xs or ys``, a comprehension's ``if`` (read it).
- ``del obj.attr``, and the builtins ``getattr``, ``setattr``, ``delattr`` and ``hasattr``
  called with an attribute's name (a read, a write, a write, a read of it).
Other deletions, compound targets (``a.x, b.y = ...``) and the names a ``match`` pattern captures
are left as they are (a pattern is not an expression: ``case Color.RED:`` stays a dotted name).

The rewrite keeps the program's meaning (CPython's own language tests pass instrumented:
tests/test_cpython_language.py). Two things the compiler does to names, it does itself, since a
name in a hook call is a string: private names are mangled (``self.__x`` in ``class C`` is
``_C__x``, :func:`mangled`), and a comprehension's ``for`` targets are its own, whatever the
enclosing scope has of that name (3.12 inlines comprehensions, PEP 709, and the symbol table no
longer tells them apart: :func:`_bound_by`).

A container's keys are locations of their own, ``(id(obj), "[]", key)``, inside the location of
the whole object, ``(id(obj), "[]")``: an operation on the whole conflicts with one on any key
(:func:`simconc.explore.dependence.dependent`).

Compiled for the GIL build's switch points (``switches=True``), the places where the eval loop
of CPython 3.10 to 3.13 checks whether to drop the GIL call ``__simconc__.switch()`` too: the
start of a function body (RESUME), the end of a loop body and ``continue`` (the back edge), and
the return from every call (CALL checks after the callee returns); a comprehension's back edge
is its element, ``[__simconc__.called(x) for ...]``. Between two of these a thread cannot be
switched out on a GIL build, which is why ``temp = self.value; self.value = temp + 1`` alone
does not lose updates there, while it does on the free-threaded build.

The hooks are the methods of ``__simconc__``, the one name a module compiled here expects in
its globals (``__simconc__.getattr(obj, "value")``): :func:`simconc.instrument.hooks.hooks` makes it for a
recorder ``record(op, what)``.
"""
from __future__ import annotations

import ast
import symtable
import types
from typing import Any, NamedTuple, Optional

from .ticks import add_ticks

_AUG_OPS = {ast.Add: "iadd", ast.Sub: "isub", ast.Mult: "imul", ast.Div: "itruediv",
            ast.FloorDiv: "ifloordiv", ast.Mod: "imod", ast.Pow: "ipow", ast.LShift: "ilshift",
            ast.RShift: "irshift", ast.BitOr: "ior", ast.BitXor: "ixor", ast.BitAnd: "iand",
            ast.MatMult: "imatmul"}


def _call(name: str, *args: ast.expr) -> ast.Call:
    """``__simconc__.name(*args)``: a call of the hook ``name`` (a method of
    :class:`simconc.instrument.hooks._Hooks`)."""
    return ast.Call(ast.Attribute(ast.Name("__simconc__", ast.Load()), name, ast.Load()),
                    list(args), [])


def _module_variables(tree: ast.Module) -> set[str]:
    """Names the module body itself assigns (not defs, classes or imports): the shared state."""
    names: set[str] = set()
    own_scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
                  ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, own_scopes):
                continue   # names bound there belong to that scope
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            visit(child)

    visit(tree)
    return names


def _assigned_as_global(table: symtable.SymbolTable) -> set[str]:
    """Module variables that only functions assign (``global y; y = ...``): shared state too,
    though the module body never assigns them."""
    names: set[str] = set()
    for child in table.get_children():
        names.update(symbol.get_name() for symbol in child.get_symbols()
                     if symbol.is_declared_global() and symbol.is_assigned())
        names |= _assigned_as_global(child)
    return names


#: Scopes the module body runs as it meets them, in its own thread (3.12 inlines them).
_INLINE_SCOPES = ("listcomp", "setcomp", "dictcomp")


class BodyVariables(NamedTuple):
    """What the module body alone does to its variables (see :func:`body_variables`)."""
    private: frozenset   # no function, class or lambda mentions it
    body_only: frozenset   # only the module body assigns it (all of ``private``, and more)
    once: frozenset        # of those, assigned by one store that runs at most once


def body_variables(tree: ast.Module, table: symtable.SymbolTable,
                   shared: set[str]) -> BodyVariables:
    """Which of the ``shared`` module variables need fewer steps, because only the thread running
    the module body (the main thread, for a scenario) can touch them, or write them.

    - ``private``: no function, class, lambda or generator expression mentions it, so only the
      module body's thread ever reads or writes it (``threads``, ``t`` in ``for t in threads:
      t.start()``). Its accesses race with nothing: none is a step.
    - ``body_only``: no function or class assigns or deletes it (as ``global``): every write is
      the body thread's, so that thread's reads are ordered after every write by program order.
      Its reads are not steps; other threads' reads and its writes are.
    - ``once``: a ``body_only`` variable with a single store, outside any loop or comprehension,
      so written at most once a run. Written before any other thread started, it is ordered
      before every other thread's reads too, and then no read of it is a step (see
      :func:`hooks`; ``counter = Counter()``).
    """
    mentioned: set[str] = set()    # in a scope other threads may run
    elsewhere: set[str] = set()    # assigned there

    def nested(scope: symtable.SymbolTable, inline: bool) -> None:
        for child in scope.get_children():
            runs_inline = inline and child.get_name() in _INLINE_SCOPES
            for symbol in child.get_symbols():
                if not symbol.is_global():
                    continue
                if symbol.is_assigned():
                    elsewhere.add(symbol.get_name())
                if not runs_inline:
                    mentioned.add(symbol.get_name())
            nested(child, runs_inline)

    nested(table, True)
    sites: dict[str, int] = {}     # stores and deletions of each name in the module body
    looped: set[str] = set()       # ... of which some can run more than once
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    loops = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
             ast.GeneratorExp)

    def visit(node: ast.AST, in_loop: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, scopes):
                continue   # their stores of globals are the symbol table's to find
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                sites[child.id] = sites.get(child.id, 0) + 1
                if in_loop:
                    looped.add(child.id)
            visit(child, in_loop or isinstance(child, loops))

    visit(tree, False)
    module = {symbol.get_name(): symbol for symbol in table.get_symbols()}
    body_only = {name for name in shared if name not in elsewhere}
    once = {name for name in body_only
            if sites.get(name) == 1 and name not in looped
            and not (name in module and (module[name].is_imported()
                                         or module[name].is_namespace()))}
    private = {name for name in body_only if name not in mentioned}
    return BodyVariables(frozenset(private), frozenset(body_only), frozenset(once))


#: Builtins that read the whole of a container passed as their first argument.
#: The builtins that read, write or delete an attribute by name: each call is one access (a
#: hook ``call_setattr`` ...).
_ATTRIBUTE_BUILTINS = frozenset(("getattr", "setattr", "delattr", "hasattr"))

_READING_BUILTINS = frozenset((
    "len", "list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min", "max", "any",
    "all", "enumerate", "iter", "zip", "reversed", "str", "repr", "bool", "bytes", "map",
    "filter"))


def _switch() -> ast.Expr:
    return ast.Expr(_call("switch"))


def mangled(name: str, class_name: Optional[str]) -> str:
    """``name`` as CPython compiles it inside class ``class_name`` (private name mangling,
    ``_Py_Mangle``): ``__x`` in ``class C`` is ``_C__x``. The rewrite turns names and attributes
    into strings, which the compiler does not mangle, so it mangles them itself."""
    if class_name is None or not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = class_name.lstrip("_")
    return f"_{stripped}{name}" if stripped else name


def _bound_by(generators: list[ast.comprehension]) -> set[str]:
    """The names a comprehension's ``for`` targets bind: its own, whatever the enclosing scope
    has of the same name (3.12 inlines comprehensions, and the symbol table no longer tells)."""
    return {node.id for generator in generators for node in ast.walk(generator.target)
            if isinstance(node, ast.Name)}


class _Rewriter(ast.NodeTransformer):
    def __init__(self, shared: set[str], table: symtable.SymbolTable,
                 switches: bool = False,
                 body: BodyVariables = BodyVariables(frozenset(), frozenset(), frozenset())
                 ) -> None:
        self.shared = shared
        self.tables = [table]
        self.switches = switches
        self.body = body
        #: The names the comprehensions being visited bind (theirs alone, see _bound_by).
        self.comprehension_locals: list[set[str]] = []
        #: The class whose methods are being visited, innermost last (see mangled).
        self.classes: list[str] = []

    def _name(self, name: str) -> str:
        """``name`` (of a variable or an attribute) as the compiler would name it here."""
        return mangled(name, self.classes[-1]) if self.classes else name

    # -- scopes: symtable says whether a name is global where it is used ----------------------
    def _child_table(self, name: str, lineno: int) -> Optional[symtable.SymbolTable]:
        for child in self.tables[-1].get_children():
            if child.get_name() == name and child.get_lineno() == lineno:
                return child
        return None

    def _scoped(self, node: ast.expr, name: str) -> ast.AST:
        table = self._child_table(name, node.lineno)
        if table is None:  # a scope symtable folds away (3.12's inlined comprehensions)
            return self.generic_visit(node)
        self.tables.append(table)
        try:
            return self.generic_visit(node)
        finally:
            self.tables.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        # Decorators and defaults are evaluated in the enclosing scope.
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self.visit(node.args)
        table = self._child_table(node.name, node.lineno)
        if table is not None:
            self.tables.append(table)
            try:
                node.body = self._statements(node.body)
            finally:
                self.tables.pop()
        if self.switches:   # RESUME, after the docstring (which must stay first)
            first = node.body[0] if node.body else None
            docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str)
            at = 1 if docstring else 0
            node.body[at:at] = [ast.copy_location(_switch(), node.body[0])]
        return node

    # -- loops and calls: the GIL build's switch points ---------------------------------------
    def _loop(self, node: "ast.For | ast.While | ast.AsyncFor") -> ast.AST:
        test = node.test if isinstance(node, ast.While) else None
        node = self.generic_visit(node)   # type: ignore[assignment]
        if isinstance(node, ast.For):     # iterating reads the whole of a container
            node.iter = ast.copy_location(_call("whole", node.iter), node.iter)
        elif isinstance(node, ast.While) and test is not None:
            node.test = _truth(test, node.test)
        target = getattr(node, "target", None)
        name = self._name(target.id) if isinstance(target, ast.Name) else ""
        if isinstance(target, ast.Name) and self._is_shared(name) and \
                name not in self.body.private:
            # ``for x in ...`` assigns a module variable other code reads: each item is a write
            # step, as ``x = item`` would be.
            # (a For or an AsyncFor: a While has no target)
            node.target = ast.Name("__simconc_item__", ast.Store())  # type: ignore[union-attr]
            store = ast.Assign([ast.Name(target.id, ast.Store())], _call(
                self._assign_hook(name), ast.Constant(name),
                ast.Name("__simconc_item__", ast.Load())))
            node.body.insert(0, ast.copy_location(store, target))
        if self.switches:
            node.body.append(ast.copy_location(_switch(), node.body[-1]))
        return node

    visit_For = visit_While = visit_AsyncFor = _loop  # type: ignore[assignment]

    # -- truth tests: ``if items:`` reads the whole of a container, as ``len(items)`` does ------
    def _tested(self, node: "ast.If | ast.IfExp | ast.Assert") -> ast.AST:
        test = node.test
        node = self.generic_visit(node)   # type: ignore[assignment]
        node.test = _truth(test, node.test)
        return node

    visit_If = visit_IfExp = visit_Assert = _tested  # type: ignore[assignment]

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        operand = node.operand
        node = self.generic_visit(node)   # type: ignore[assignment]
        if isinstance(node.op, ast.Not):
            node.operand = _truth(operand, node.operand)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        values = list(node.values)
        node = self.generic_visit(node)   # type: ignore[assignment]
        node.values = [_truth(old, new) for old, new in zip(values, node.values)]
        return node

    def visit_Continue(self, node: ast.Continue) -> Any:
        if self.switches:
            return [ast.copy_location(_switch(), node), node]
        return node

    def _comprehension(self, node: ast.expr, name: str) -> ast.AST:
        generators: list[ast.comprehension] = node.generators   # type: ignore[attr-defined]
        # The first iterable is evaluated in the enclosing scope; the rest in the
        # comprehension's, where the names its targets bind are its own.
        generators[0].iter = self.visit(generators[0].iter)
        first_iter = generators[0].iter
        self.comprehension_locals.append({self._name(bound) for bound in _bound_by(generators)})
        table = self._child_table(name, node.lineno)   # (None: 3.12 inlines it)
        if table is not None:
            self.tables.append(table)
        try:
            for field, old in ast.iter_fields(node):
                if field != "generators" and isinstance(old, ast.AST):
                    setattr(node, field, self.visit(old))
            for n, generator in enumerate(generators):
                generator.target = self.visit(generator.target)
                if n:
                    generator.iter = self.visit(generator.iter)
                generator.ifs = [_truth(test, self.visit(test)) for test in generator.ifs]
        finally:
            self.comprehension_locals.pop()
            if table is not None:
                self.tables.pop()
        assert generators[0].iter is first_iter
        for generator in generators:
            generator.iter = ast.copy_location(_call("whole", generator.iter), generator.iter)
        if self.switches:
            if isinstance(node, ast.DictComp):
                node.value = _call("called", node.value)
            else:
                node.elt = _call("called", node.elt)   # type: ignore[attr-defined]
        return node

    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        return self._comprehension(node, "listcomp")

    def visit_SetComp(self, node: ast.SetComp) -> ast.AST:
        return self._comprehension(node, "setcomp")

    def visit_DictComp(self, node: ast.DictComp) -> ast.AST:
        return self._comprehension(node, "dictcomp")

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> ast.AST:
        return self._comprehension(node, "genexpr")

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return self._scoped(node, "lambda")

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        # Only the methods: a class body's own names are the class's, not shared variables.
        table = self._child_table(node.name, node.lineno)
        if table is not None:
            self.tables.append(table)
            self.classes.append(node.name)
            try:
                node.body = [self.visit(s) if isinstance(s, (ast.FunctionDef,
                                                              ast.AsyncFunctionDef)) else s
                             for s in node.body]
            finally:
                self.classes.pop()
                self.tables.pop()
        return node

    def _is_shared(self, name: str) -> bool:
        """Whether ``name`` (mangled already, if it is) is a shared module variable here."""
        if name not in self.shared:
            return False
        if any(name in names for names in self.comprehension_locals):
            return False
        table = self.tables[-1]
        if table.get_type() == "module":
            return True
        try:
            return table.lookup(name).is_global()
        except KeyError:
            return True   # not mentioned in this scope's table: resolved globally

    # -- statements: writes are recorded after they happen ----------------------------------
    def _statements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            new = self.visit(stmt)
            if isinstance(new, list):
                out.extend(new)
            elif new is not None:
                out.append(new)
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, old in ast.iter_fields(node):
            if isinstance(old, list) and old and isinstance(old[0], ast.stmt):
                setattr(node, field, self._statements(old))
            elif isinstance(old, list):
                setattr(node, field, [self.visit(v) if isinstance(v, ast.AST) else v
                                      for v in old])
            elif isinstance(old, ast.AST):
                setattr(node, field, self.visit(old))
        return node

    def visit_Assign(self, node: ast.Assign) -> Any:
        node.value = self.visit(node.value)
        if len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Attribute):
                return ast.copy_location(ast.Expr(_call(
                    "setattr", self.visit(target.value), ast.Constant(self._name(target.attr)),
                    node.value)), node)
            if isinstance(target, ast.Subscript):
                return ast.copy_location(ast.Expr(_call(
                    "setitem", self.visit(target.value), self.visit(target.slice),
                    node.value)), node)
            if isinstance(target, ast.Name) and self._is_shared(self._name(target.id)):
                # The hook runs once the value is computed, just before the store: the step.
                name = self._name(target.id)
                node.value = _call(self._assign_hook(name), ast.Constant(name), node.value)
                return node
        after = [ast.copy_location(ast.Expr(_call("wrote", ast.Constant(self._name(t.id)),
                                                  ast.Name(t.id, ast.Load()))), node)
                 for t in node.targets
                 if isinstance(t, ast.Name) and self._is_shared(self._name(t.id))]
        return [node, *after] if after else node

    def visit_Delete(self, node: ast.Delete) -> Any:
        # del a.x, b[k]: each target in turn, as CPython deletes them; an attribute's is a write.
        out: list[ast.stmt] = []
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                call = _call("delattr", self.visit(target.value),
                             ast.Constant(self._name(target.attr)))
                out.append(ast.copy_location(ast.Expr(ast.copy_location(call, target)), node))
            else:
                out.append(ast.copy_location(ast.Delete([self.visit(target)]), node))
        return out

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        op = ast.Attribute(ast.Attribute(ast.Name("__simconc__", ast.Load()), "operator",
                                         ast.Load()), _AUG_OPS[type(node.op)], ast.Load())
        value = ast.Lambda(ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                         kw_defaults=[], defaults=[]), self.visit(node.value))
        target = node.target
        if isinstance(target, ast.Attribute):
            return ast.copy_location(ast.Expr(_call(
                "augattr", self.visit(target.value), ast.Constant(self._name(target.attr)), op,
                value)), node)
        if isinstance(target, ast.Subscript):
            return ast.copy_location(ast.Expr(_call(
                "augitem", self.visit(target.value), self.visit(target.slice), op, value)), node)
        name = self._name(target.id) if isinstance(target, ast.Name) else ""
        if isinstance(target, ast.Name) and self._is_shared(name):
            # ``x += v`` is ``x = x.__iadd__(v)``: a read step, then a write step.
            update = ast.Call(op, [_call(self._read_hook(name), ast.Constant(name)),
                                   ast.Call(value, [], [])], [])
            return ast.copy_location(ast.Assign(
                [ast.Name(target.id, ast.Store())],
                _call(self._assign_hook(name), ast.Constant(name), update)), node)
        node.value = self.visit(node.value)
        return node

    def visit_match_case(self, node: ast.AST) -> ast.AST:
        # A pattern is not an expression: its value patterns (``case Color.RED:``) must stay
        # dotted names, and its captures bind names. Only the guard and the body are code.
        guard = getattr(node, "guard", None)
        if guard is not None:
            node.guard = _truth(guard, self.visit(guard))   # type: ignore[attr-defined]
        node.body = self._statements(node.body)   # type: ignore[attr-defined]
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        internal = _internal(node.comparators[0])   # ("x" in @py_builtins.locals(): pytest's)
        node = self.generic_visit(node)   # type: ignore[assignment]
        if len(node.ops) == 1 and not internal and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            test = _call("contains", node.left, node.comparators[0])
            if isinstance(node.ops[0], ast.NotIn):
                return ast.copy_location(ast.UnaryOp(ast.Not(), test), node)
            return ast.copy_location(test, node)
        return node

    # -- expressions: reads -----------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load):
            name = self._name(node.id)
            if self._is_shared(name):
                return ast.copy_location(_call(self._read_hook(name), ast.Constant(name)), node)
        return node

    def _read_hook(self, name: str) -> str:
        if name in self.body.private:
            return "read_private"
        return "read_body" if name in self.body.body_only else "read"

    def _assign_hook(self, name: str) -> str:
        if name in self.body.private:
            return "assign_private"
        # (A variable stored once is stored by the module body: the only store is this one.)
        return "assign_once" if name in self.body.once else "assign"

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        if isinstance(func, ast.Attribute):
            # obj.method(...): the callee is not shared state, but a builtin container's
            # method reads or writes the container (the hook says which, then binds it).
            node.func = ast.copy_location(_call("method", self.visit(func.value),
                                                ast.Constant(self._name(func.attr))), func)
        elif isinstance(func, ast.Name) and func.id in _ATTRIBUTE_BUILTINS \
                and isinstance(func.ctx, ast.Load):
            # setattr(obj, "x", v) and the like: the hook is told the function the name holds
            # (the builtin, unless the program bound the name to another) and does what it does.
            node.args = [self.visit(func), *node.args]
            node.func = ast.copy_location(ast.Attribute(
                ast.Name("__simconc__", ast.Load()), f"call_{func.id}", ast.Load()), func)
            node.args[1:] = [self.visit(a) for a in node.args[1:]]
            node.keywords = [self.visit(k) for k in node.keywords]
            if self.switches:
                return ast.copy_location(_call("called", node), node)
            return node
        else:
            node.func = self.visit(func)
            if isinstance(func, ast.Name) and func.id in _READING_BUILTINS and node.args \
                    and not isinstance(node.args[0], ast.Starred):
                node.args[0] = ast.copy_location(_call("whole", node.args[0]), node.args[0])
        node.args = [self.visit(a) for a in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        if self.switches:   # CALL checks the eval breaker once the callee has returned
            return ast.copy_location(_call("called", node), node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and _internal(node.value):
            if isinstance(node.value, ast.Name):   # @py_assert1.get: pytest's split call
                return ast.copy_location(
                    _call("member", node.value, ast.Constant(self._name(node.attr))), node)
            return node   # @pytest_ar._saferepr: pytest's own
        if isinstance(node.ctx, ast.Load):
            return ast.copy_location(
                _call("getattr", self.visit(node.value), ast.Constant(self._name(node.attr))),
                node)
        node.value = self.visit(node.value)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.ctx, ast.Load):
            return ast.copy_location(
                _call("getitem", self.visit(node.value), self.visit(node.slice)), node)
        node.value = self.visit(node.value)
        node.slice = self.visit(node.slice)
        return node


def instrument(tree: ast.Module, source: str, filename: str,
               switches: bool = False) -> ast.Module:
    """``tree`` with its shared-state accesses turned into hook calls (and, with ``switches``,
    the GIL build's switch points too)."""
    table = symtable.symtable(source, filename, "exec")
    # (Names no program can write, "@py_assert1", are a compiler pass's own: pytest's.)
    shared = {name for name in _module_variables(tree) | _assigned_as_global(table)
              if not name.startswith("@")}
    new = ast.fix_missing_locations(
        _Rewriter(shared, table, switches, body_variables(tree, table, shared)).visit(tree))
    for node in ast.walk(new):
        lineno = getattr(node, "lineno", None)
        if lineno is not None and (getattr(node, "end_lineno", None) or lineno) < lineno:
            # A node another pass made with a line but no end (pytest's imports after a
            # docstring) got its parent's end from fix_missing_locations: before its start.
            node.end_lineno = lineno   # type: ignore[attr-defined]
            node.end_col_offset = node.col_offset   # type: ignore[attr-defined]
        if isinstance(node, ast.Attribute) and _is_hook(node.value):
            # A hook made for a statement spans its lines; a method call is placed at its
            # attribute's last line (CPython 3.11 on), and the hook's record would name the
            # statement's last line. Its first is the one the program wrote the access on.
            node.end_lineno, node.end_col_offset = node.lineno, node.col_offset
    return new


#: The tests whose truth may be a container's (``if items:``, ``while self.queue:``): CPython
#: takes it with the container's ``__len__``, from C, where the rewrite sees nothing else.
_MAY_BE_CONTAINERS = (ast.Name, ast.Attribute, ast.Subscript, ast.Call)


def _truth(test: ast.expr, visited: ast.expr) -> ast.expr:
    """The test ``test`` (``visited``: rewritten) of a truth test: a read of the whole of a
    container it may be (``__simconc__.whole``, which returns it as it is, so the test takes
    the same truth), as ``len(items)`` is one. Other tests, and pytest's own, as they are."""
    if not isinstance(test, _MAY_BE_CONTAINERS) or _internal(test) or _is_hook(test):
        return visited
    return ast.copy_location(_call("whole", visited), test)


def _internal(node: ast.expr) -> bool:
    """Whether ``node`` is, or is reached from, a name no program can write (``@py_assert1``,
    ``@py_builtins.locals()``): a compiler pass's own, pytest's assertion rewriting's."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id.startswith("@")


def _is_hook(node: ast.expr) -> bool:
    """Whether ``node`` is ``__simconc__`` (or an attribute of it: ``__simconc__.operator``)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "__simconc__"


def compile_instrumented(source: str, filename: str, switches: bool = False,
                         memory: bool = True, ticks: bool = False) -> types.CodeType:
    """``source`` compiled with its shared-state accesses as hook calls (unless not
    ``memory``), the GIL build's switch points (``switches``) and ticks of counted Python
    (``ticks``, :mod:`.ticks`)."""
    tree = ast.parse(source, filename)
    if memory:
        tree = instrument(tree, source, filename, switches)
    if ticks:
        tree = add_ticks(tree)
    return compile(tree, filename, "exec", dont_inherit=True)
