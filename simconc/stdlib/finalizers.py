"""What of a process's objects is finalized as it ends, and where.

CPython ends a process in one of two ways. The main module's end, or ``sys.exit()``, finalizes
the interpreter: once its atexit functions have run, its modules' globals are cleared, and each
object they alone held is finalized, its ``__del__`` run in the main thread (what it prints is
the process's output). ``os._exit()``, a kill, and a forked child's end (``popen_fork`` calls
``os._exit``) finalize nothing.

A simulated process's objects outlive it: the run keeps the program's globals
(``RunResult.namespace``, a check), and the real process would finalize them when it drops
them, after the run, in no simulated thread. So as a simulated process ends, each object its
main module's globals reach whose class has a ``__del__`` in Python is finalized there
(:func:`finalize`) or not (:func:`never_finalized`), as CPython's end would, and is marked
ended: its class's ``__del__`` (guarded, :class:`_Guard`) does nothing for it when the run drops
it. Its class stays its class.

The order is the one CPython's last collection gives (:func:`collector_order`): the main
module's dictionary is garbage then, with all it alone holds, and the collector finalizes that
garbage in the order of its list, which its scan for what is reachable has rearranged.
"""
from __future__ import annotations

import builtins
import contextlib
import functools
import gc
import importlib
import itertools
import sys
import types
import weakref
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from greenlet import GreenletExit, greenlet  # type: ignore[import-untyped]

from ..kernel import SimconcError, current_world, maybe_current_world
from ._traceback import hidden
from .state import FaceState
from .unraisable import write_unraisable

#: Objects never looked into: they hold nothing the program's globals alone keep alive
#: (modules, code, frames, the threads', descriptors and built-in functions), or nothing at all.
_OPAQUE = (types.ModuleType, types.CodeType, types.FrameType, types.GeneratorType,
           types.CoroutineType, types.AsyncGeneratorType, greenlet, int, float, complex, str,
           bytes, bool, type(None), range, types.GetSetDescriptorType,
           types.MemberDescriptorType, types.WrapperDescriptorType, types.MethodDescriptorType,
           types.BuiltinFunctionType, types.MethodWrapperType, types.ClassMethodDescriptorType)

# What the walk does with an object of a class: pass it by, look into it, look into it and
# finalize it, look into it after the rest (a function), or see whether it is a class of the
# program's (then as a function).
_PASS, _LOOK, _FINALIZES, _LATER, _CLASS = 0, 1, 2, 3, 4

#: The actions of the built-in classes a walk meets most (any walk: made once).
_BUILT_IN = {kind: _PASS for kind in _OPAQUE}
_BUILT_IN.update({list: _LOOK, tuple: _LOOK, dict: _LOOK, set: _LOOK, frozenset: _LOOK,
                  types.CellType: _LOOK, types.MethodType: _LOOK,
                  types.FunctionType: _LATER, type: _CLASS})


def _action(kind: type) -> int:
    if issubclass(kind, _OPAQUE) or str(kind.__module__).startswith("simconc."):
        return _PASS
    if issubclass(kind, type):
        return _CLASS
    return _FINALIZES if _finalizer(kind) is not _NONE else _LOOK


def end_objects(state: FaceState, finalizing: bool) -> None:
    """The process whose face state is ``state`` ends: the objects its main module's globals
    reach are finalized in its running thread (``finalizing``: its interpreter's exit), or
    never (``os._exit``, a kill, a forked child's end, a run that stopped), and so are a forked
    child's copies of its parent's objects. Once: the first end that comes decides."""
    if state.objects_ended:
        return
    state.objects_ended = True
    if not state.finalizers and state.programs_finalize is not None:
        state.finalizers = state.programs_finalize()
    objects = reachable_finalizable(vars(state.main)) \
        if state.main is not None and state.finalizers else []
    if state.shared:   # (what a fork could not copy is its parent's too: not the child's)
        theirs = {id(obj) for obj in reachable_finalizable(dict(enumerate(state.shared)))}
        objects = [obj for obj in objects if id(obj) not in theirs]
    if finalizing and objects:
        assert state.main is not None   # (objects come from its globals)
        objects = _not_leaked(objects, state)
    if finalizing:
        _interpreter_exit(state, objects)
    else:
        never_finalized(objects)
    never_finalized(state.finalizable or ())


def _interpreter_exit(state: FaceState, objects: list) -> None:
    """The interpreter's exit, as CPython's ``Py_FinalizeEx`` goes (measured, 3.10 to 3.13).
    If the program left its collector on, a collection finalizes what it left in cycles
    (before the modules' clearing: with the program's own ``sys.stdout``), and rearranges the
    collector's list (:func:`collector_order`). Then the process's own stdout and stderr are
    put back (a program that set a StringIO there prints its finalizers' output all the same),
    and the last collection finalizes the rest in its list's order: the globals', and, if the
    collector was off, the cycles' (taken first here: the collector cannot say where they
    were in its list)."""
    collecting = state.gc_enabled
    cycles = state.main is not None and state.finalizers
    if state.main is not None:
        # (the order of the collector's lists as the run left them: a collection rearranges
        # them)
        objects = collector_order(vars(state.main), objects, scanned=collecting)
    if cycles and collecting:
        _collect_cycles()
    if state.streams is not None:
        sys.stdout, sys.stderr = state.streams
    if cycles and not collecting:
        _collect_cycles()
    with _modules_cleared(state):
        finalize(objects)


#: How many processes are in their exit's last collection (:func:`_modules_cleared`).
_clearing = 0
_REAL_IMPORT = builtins.__import__


@contextlib.contextmanager
def _modules_cleared(state: FaceState) -> Iterator[None]:
    """For the globals' finalizers, the process's modules are gone, as CPython's exit has
    cleared ``sys.modules`` and set ``sys.meta_path`` to None by then: an ``import`` of any
    module (``sys`` too), or an ``importlib.import_module``, raises CPython's ImportError
    (measured, 3.10 to 3.13). Every process's imports go through :func:`_import` and
    :func:`_gcd_import` meanwhile (another process's thread may run while a finalizer
    waits): they refuse only this one's."""
    global _clearing
    state.modules_cleared = True
    _clearing += 1
    builtins.__import__ = _import
    _BOOTSTRAP._gcd_import = _gcd_import   # (importlib.import_module's)
    try:
        yield
    finally:
        _clearing -= 1
        if not _clearing:
            builtins.__import__ = _REAL_IMPORT
            _BOOTSTRAP._gcd_import = _REAL_GCD_IMPORT


def _refuse_if_cleared() -> None:
    world = maybe_current_world()
    if world is not None:
        face = world.current_interpreter().face
        if face is not None and face.modules_cleared:
            raise ImportError("sys.meta_path is None, Python is likely shutting down")


def _import(name: str, globals: Optional[Mapping[str, object]] = None,
            locals: Optional[Mapping[str, object]] = None,
            fromlist: Optional[Sequence[str]] = (), level: int = 0) -> types.ModuleType:
    _refuse_if_cleared()
    return _REAL_IMPORT(name, globals, locals, fromlist, level)


def _gcd_import(name: str, package: Optional[str] = None, level: int = 0) -> types.ModuleType:
    _refuse_if_cleared()
    return _REAL_GCD_IMPORT(name, package, level)


#: importlib's own machinery: ``import_module`` calls its ``_gcd_import``.
_BOOTSTRAP: Any = getattr(importlib, "_bootstrap")
_REAL_GCD_IMPORT = _BOOTSTRAP._gcd_import


def _collect_cycles() -> None:
    """CPython's exit collects the garbage its process left in reference cycles, and finalizes
    it, before what the globals hold (measured, 3.10 to 3.13). A run's collector is off
    (execution.py), so what the program dropped in a cycle is still there: collected now, in
    the main thread, as at CPython's exit. The run made it after a collection of its own
    (execution.py), so it is in the youngest generation, with nothing of before the run.
    Finalized only when the process is the world's one: the collector cannot tell one
    process's garbage from another's, nor from a child's that ended without finalizing (a
    forked child's). With several, the cycles are collected with every finalizer doing
    nothing."""
    world = current_world()
    if len(world.interpreters) == 1:
        gc.collect(0)
        return
    # (several processes: their cycles are collected, none finalized, rather than left to the
    # host's collector, which would run their finalizers after the run, outside it)
    global _inert
    _guard_classes_in(gc.get_objects(0))
    _inert = True
    try:
        gc.collect(0)
    finally:
        _inert = False


#: While set, every guarded ``__del__`` does nothing (:func:`_collect_cycles`).
_inert = False


def _guard_classes_in(objects: list) -> None:
    """Guard the ``__del__`` of the classes of ``objects`` that have one of Python's."""
    seen: set[type] = set()
    for obj in objects:
        kind = type(obj)
        if kind in seen:
            continue
        seen.add(kind)
        if _finalizer(kind) is not _NONE:
            _guard(kind)


def _not_leaked(objects: list, state: FaceState) -> list:
    """``objects`` but what outlives the main module's globals at the interpreter's exit, which
    CPython never finalizes. Its daemon threads stop for good (they would hang taking the GIL),
    their stacks freed without a reference dropped; the hooks the interpreter keeps (sys's and
    threading's hooks, fork hooks, logging's filters and handlers) are let go of only after its
    last collection. And if what they hold reaches the globals (the daemon thread runs one of
    the program's functions, a hook is one, an object of one of the program's classes, whose
    methods hold them), none is finalized: the module's dictionary outlives the module, and is
    never cleared. (Measured, 3.10 to 3.13: an atexit function or a signal handler of the
    program's does not keep them.)"""
    world = current_world()
    interpreter = world.current_interpreter()
    stopped = [thread for thread in world.threads
               if thread.interpreter is interpreter and thread is not world.current
               and thread.state != "done" and not thread.killed]
    held = _hooks_kept(state)
    if stopped:
        world.end_interpreter(interpreter)   # (they stop: a killed thread only unwinds, unseen)
    for thread in stopped:
        face = thread.face   # (its threading.Thread: what it runs, a Timer's function too)
        held.extend(vars(face).values() if hasattr(face, "__dict__") else ())
        frame = thread.greenlet.gr_frame if thread.greenlet is not None else None
        while frame is not None:
            if not hidden(frame.f_code):
                held.extend((frame.f_globals, dict(frame.f_locals)))
            frame = frame.f_back
    main = state.main
    assert main is not None
    leaked, reached = _walk(held, main.__name__, vars(main), reaching=True)
    if reached:
        never_finalized(objects)
        return []
    never_finalized(leaked)
    kept = {id(obj) for obj in leaked}
    return [obj for obj in objects if id(obj) not in kept]


def _hooks_kept(state: FaceState) -> list:
    """The hooks a process's interpreter keeps past its last collection at exit."""
    held = [sys.excepthook, sys.unraisablehook, sys.displayhook, state.at_fork,
            state.hooks.get("trace"), state.hooks.get("profile")]
    threading = state.modules.get("threading")
    if threading is not None:
        held.append(vars(threading).get("excepthook"))
    logging = sys.modules.get("logging")
    if logging is not None and hasattr(logging, "root"):
        loggers = [logging.root, *vars(logging.Logger.manager).get("loggerDict", {}).values()]
        held.extend((getattr(each, "filters", None), getattr(each, "handlers", None))
                    for each in loggers)
    return held


def defines_finalizer(code: types.CodeType) -> bool:
    """Whether the program ``code`` defines a ``__del__`` (or assigns one) anywhere."""
    known = _DEFINES.get(id(code))
    if known is None or known[0] is not code:
        if len(_DEFINES) > 64:
            _DEFINES.clear()
        found, todo = False, [code]
        while todo and not found:
            each = todo.pop()
            found = each.co_name == "__del__" or "__del__" in each.co_names
            todo.extend(const for const in each.co_consts if isinstance(const, types.CodeType))
        known = _DEFINES[id(code)] = (code, found)
    return known[1]


def module_defines_finalizer(module: types.ModuleType) -> bool:
    """Whether a class of ``module``'s own (a helper module of the program's) defines a
    ``__del__``."""
    name = module.__name__
    return any(isinstance(value, type) and value.__module__ == name and "__del__" in vars(value)
               for value in list(vars(module).values()))


#: What :func:`defines_finalizer` found, by the id of the code it looked at (with the code).
_DEFINES: dict[int, tuple[types.CodeType, bool]] = {}


def copies_finalizable(memo: dict[int, Any]) -> weakref.WeakSet:
    """The copies in a fork's ``memo`` that have a finalizer in Python, weakly: ones the child
    drops while it runs are finalized then, as CPython's are; the others never are."""
    found: weakref.WeakSet = weakref.WeakSet()
    finalized: dict[type, bool] = {}
    for key, obj in memo.items():
        cls = type(obj)
        has = finalized.get(cls)
        if has is None:
            has = finalized[cls] = _finalizer(cls) is not _NONE
        if has and key != id(obj):   # (a copy, not an object the child shares)
            try:
                found.add(obj)
            except TypeError:   # (no weak reference to it)
                pass
    return found


def reachable_finalizable(namespace: dict) -> list:
    """The objects ``namespace`` (a main module's globals) reaches whose class has a
    ``__del__`` in Python, in the order they are finalized (see the module's docstring)."""
    return _walk(list(namespace.values()), namespace.get("__name__"), namespace)[0]


def _walk(values: list, own: Optional[str], namespace: dict,
          reaching: bool = False) -> tuple[list, bool]:
    """What :func:`reachable_finalizable` finds from ``values`` (the classes looked into are
    the module ``own``'s, whose globals are ``namespace``); and, if ``reaching``, whether they
    reach ``namespace`` (then what was found so far)."""
    # (one pass per object, as cheap as it can be made: an exploration walks the globals at
    # the end of every execution)
    target = id(namespace) if reaching else -1
    seen = {id(namespace), id(vars(builtins))}
    actions = dict(_BUILT_IN)
    found: list = []
    later: list = []   # functions and the program's classes: looked into after the rest
    deferring = True
    stack = values[::-1]
    pop, push = stack.pop, stack.extend
    while True:
        if not stack:
            if not later:
                return found, False
            push(later[::-1])
            later.clear()
            deferring = False
        obj = pop()
        kind = type(obj)
        action = actions.get(kind)
        if action is None:
            action = actions[kind] = _action(kind)
        key = id(obj)
        if key == target:
            return found, True
        if not action or key in seen:
            continue
        if action >= _LATER:
            if action == _CLASS and obj.__module__ != own:
                continue   # (another module's class: not the program's to free)
            if action == _LATER:
                if str(obj.__module__).startswith("simconc."):
                    continue   # (simconc's own function)
                if id(obj.__globals__) == target:
                    return found, True
            if deferring:
                later.append(obj)
                continue
        seen.add(key)
        if action == _FINALIZES:
            found.append(obj)
        push(_held(obj)[::-1])


def _held(obj: Any) -> list:
    """What ``obj`` holds, in the order CPython's deallocation lets go of it (of a function,
    what it holds of its own: not its globals nor its code; of a class, its attributes)."""
    kind = type(obj)
    if kind is list or kind is tuple:
        return obj[::-1]
    if kind is dict:
        return [part for item in obj.items() for part in item]
    if kind is types.FunctionType:
        return [obj.__defaults__, obj.__kwdefaults__, obj.__closure__, obj.__dict__]
    if isinstance(obj, type):
        return list(vars(obj).values())
    if kind is set or kind is frozenset:
        return _in_creation_order(obj)
    return gc.get_referents(obj)


#: Where the main module's dictionary is in the collector's list at the exit, for a program that
#: makes its objects once its imports are done: at the end from 3.12 on (a collection during
#: the imports moved it to the middle generation, which a full collection lists after the
#: youngest, where the program's objects are), at the start before (it is in the oldest).
#: Measured, 3.10 to 3.13, with the imports of threading, queue and time; a program that
#: imports other modules, or makes enough objects to set off a collection, can see the other.
_NAMESPACE_LAST = sys.version_info >= (3, 12)


def collector_order(namespace: dict, objects: list, scanned: bool = True) -> list:
    """``objects`` (found from ``namespace``, a main module's globals) in the order CPython's
    exit finalizes them. Its last collection finds the dictionary garbage, with what it alone
    holds, and finalizes the garbage in its list's order. That order is what an earlier scan
    made of it, one that still found the dictionary reachable (``move_unreachable`` in
    ``Modules/gcmodule.c``): the scan takes the list in order, moves what nothing reachable
    has reached yet out of it, and puts what a reachable object then reaches back at its
    end, in the order that object's ``tp_traverse`` visits it. So an object the dictionary
    itself holds comes before what it holds (measured, 3.10 to 3.13: ``a = R("a",
    R("child")); z = R("z")`` finalizes ``a z child``). If no scan came (``scanned``: the
    program turned its collector off, and the exit's first collection did not come), the
    list is in the order the objects were made (``child a z``)."""
    if len(objects) < 2:
        return objects
    if not scanned:
        made = _list_ranks({id(each): each for each in objects}, (2, 0, 1))
        return sorted(objects, key=lambda each: made.get(id(each), _UNLISTED))
    members = _collected_with(namespace)
    if _NAMESPACE_LAST:
        listed = [each for each in members.values() if each is not namespace] + [namespace]
    else:
        others = {key: each for key, each in members.items() if each is not namespace}
        ranks = _list_ranks(others, (2, 0, 1))   # (a full collection's list: gen 0, 1 last)
        listed = [namespace] + sorted(others.values(),
                                      key=lambda each: ranks.get(id(each), _UNLISTED))
    kept = _scan(listed, namespace, members)
    wanted = {id(each) for each in objects}
    ordered = [each for each in kept if id(each) in wanted]
    seen = {id(each) for each in ordered}
    return ordered + [each for each in objects if id(each) not in seen]


_UNLISTED = (3, 0)


def _collected_with(namespace: dict) -> dict[int, Any]:
    """What the collector finds garbage with ``namespace`` (by id): the objects it tracks that
    the namespace reaches, but for the objects the walk never looks into (another module's
    classes and functions, simconc's objects, those :data:`_OPAQUE`)."""
    own = namespace.get("__name__")
    actions = dict(_BUILT_IN)
    members: dict[int, Any] = {id(namespace): namespace}
    stack = [namespace]
    while stack:
        for each in _referents(stack.pop()):
            key = id(each)
            if key in members or not gc.is_tracked(each):
                continue
            kind = type(each)
            action = actions.get(kind)
            if action is None:
                action = actions[kind] = _action(kind)
            if not action or (action == _CLASS and each.__module__ != own) or \
                    (action == _LATER and str(each.__module__).startswith("simconc.")):
                continue
            members[key] = each
            stack.append(each)
    return members


def _referents(obj: Any) -> list:
    """What the collector's traversal of ``obj`` visits, in its order: but a function's
    globals and builtins (the module's, reachable anyway), and a set's members in the order
    they were made (its own order follows their addresses: any is one CPython may take)."""
    kind = type(obj)
    if kind is set or kind is frozenset:
        return _in_creation_order(obj)
    found = gc.get_referents(obj)
    if kind is types.FunctionType:
        module = (obj.__globals__, getattr(obj, "__builtins__", None))
        return [each for each in found if not any(each is part for part in module)]
    return found


def _scan(listed: list, root: Any, members: dict[int, Any]) -> list:
    """The collector's list after ``move_unreachable`` scanned ``listed``, ``root`` the one
    object found reachable from outside it."""
    marked = {id(root)}
    scanned: set[int] = set()
    moved_out: set[int] = set()
    kept = []
    for obj in listed:   # (it grows as objects are put back at its end)
        key = id(obj)
        if key not in marked:
            moved_out.add(key)
            continue
        if key in scanned:
            continue
        scanned.add(key)
        kept.append(obj)
        for each in _referents(obj):
            other = id(each)
            if other not in members:
                continue
            if other in moved_out:
                moved_out.discard(other)
                marked.add(other)
                listed.append(each)
            elif other not in scanned:
                marked.add(other)
    return kept


def _list_ranks(objects: dict[int, Any],
                generations: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    """Where each of ``objects`` (by id) is in the collector's lists, taken in the order of
    ``generations``. A run collects nothing (execution.py), so what it made is in the youngest
    generation, in the order it was made."""
    ranks: dict[int, tuple[int, int]] = {}
    # (the youngest generation looked into first: the run's objects are there)
    for place, generation in sorted(enumerate(generations), key=lambda each: each[1]):
        # (the index of every object the collector tracks there, found in C)
        listed = gc.get_objects(generation)
        indices = dict(zip(map(id, listed), itertools.count()))
        del listed
        for key in objects:
            index = indices.get(key)
            if index is not None:
                ranks[key] = (place, index)
        if len(ranks) == len(objects):
            break
    return ranks


def _in_creation_order(members: Any) -> list:
    """A set's members in the order they were made, as far as the collector's lists tell (a
    set's own order follows the members' addresses and the string hash seed: it would decide
    which of two objects is finalized first). A run collects nothing (execution.py), so what
    it made is in the youngest generation, in order; a member the collector does not track
    holds nothing that has a finalizer of the program's, and comes last."""
    members = list(members)
    tracked = {id(each): each for each in members if gc.is_tracked(each)}
    if len(tracked) < 2:
        return members
    rank = _list_ranks(tracked, (2, 1, 0))
    return sorted(members, key=lambda each: rank.get(id(each), _UNLISTED))


#: What :func:`_finalizer` gives for a class with no ``__del__`` of Python's.
_NONE = object()
#: ``__del__`` attributes of C: what a C base class has of its own finalizer.
_OF_C = (types.WrapperDescriptorType, types.MethodDescriptorType, types.BuiltinFunctionType,
         types.MethodWrapperType)


def _finalizer(cls: type) -> Any:
    """``cls``'s ``__del__``, as its class dictionary has it, if it is Python's, of the
    program's (or a library's, simconc's own classes aside: they know a dead process): a
    function, or what CPython binds or calls all the same (a ``partialmethod``, a callable
    object, None, which fails); :data:`_NONE` if not."""
    if str(cls.__module__).startswith("simconc."):
        return _NONE
    for each in cls.__mro__:
        namespace = vars(each)
        if "__del__" in namespace:
            found = namespace["__del__"]
            if isinstance(found, _Guard):
                found = found.original
            return _NONE if isinstance(found, _OF_C) else found
    return _NONE


def _bound(finalizer: Any, obj: Any) -> Any:
    """What CPython calls as ``obj``'s finalizer (``slot_tp_finalize``): a function with the
    object; a descriptor bound to it (a ``partialmethod``); anything else as it is (None:
    ``TypeError: 'NoneType' object is not callable``)."""
    get = getattr(type(finalizer), "__get__", None)
    return get(finalizer, obj, type(obj)) if get is not None else finalizer


def finalize(objects: Iterable[Any]) -> None:
    """Finalize each of ``objects`` in the running simulated thread (a process's main, as it
    exits), once: its ``__del__`` runs, an exception it raises reported as CPython's
    unraisable hook reports it, and the object never runs it again. One CPython has finalized
    already (its ``__del__`` resurrected it) is not finalized again, as CPython's exit does."""
    objects = list(objects)
    for index, obj in enumerate(objects):
        finalizer = _finalizer(type(obj))
        if finalizer is _NONE or id(obj) in _ENDED or gc.is_finalized(obj):
            continue
        # (a function is called with the object, and named in a report: CPython's unbound
        # call; anything else is bound first, and the report names what was called)
        if type(finalizer) is not types.FunctionType:
            finalizer = _bound(finalizer, obj)
        try:
            if type(finalizer) is types.FunctionType:
                finalizer(obj)
            else:
                finalizer()
        except (GreenletExit, SimconcError):   # (the run stops: the rest never will be)
            never_finalized(objects[index:])
            raise
        except BaseException as exc:   # noqa: BLE001 - CPython reports any and goes on
            write_unraisable(exc, None, finalizer, finalizing=True)
        # (after the call, not before: a subclass's __del__ that calls super().__del__()
        # reaches the base class's guard, which must let it through)
        _end(obj)


def never_finalized(objects: Iterable[Any]) -> None:
    """A process has ended as ``os._exit`` ends it, which runs no finalizer: the ``__del__`` of
    ``objects`` must not run when the run drops them. (A Pool a forked child copied while it
    ran would warn it was never closed, and write to a pipe that is gone.)"""
    for obj in list(objects):
        if _finalizer(type(obj)) is not _NONE:
            _end(obj)


#: The ids of the objects whose process's end finalized them, or never will. Each is alive
#: while its id is here: it leaves when its ``__del__`` is called, the one call CPython makes
#: as it frees the object (PEP 442), so the id is never taken for a later object's.
_ENDED: set[int] = set()


class _Guard:
    """What a class's ``__del__`` becomes once an object of it has ended with its process: the
    same function for every object but the ended ones, whose ``__del__`` does nothing.

    The class keeps its identity (``type(obj) is Cls``, pickling, a dataclass's ``==``), and
    ``Cls.__del__`` is still the program's function. A descriptor, not a wrapping function: the
    finalizer CPython calls is then the program's own, with no frame of simconc's in the
    traceback of what it raises. A library's class (a ``Pool``) keeps its guard from one run
    to the next: for objects not ended, it changes nothing."""

    __slots__ = ("original",)

    def __init__(self, original: Any) -> None:
        self.original = original

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        if obj is not None and (id(obj) in _ENDED or _inert):
            # (a call forgets it, not the lookup: the program may look at obj.__del__ and
            # not call it; and a C callable adds no frame)
            return functools.partial(_ENDED.discard, id(obj))
        original = self.original
        get = getattr(type(original), "__get__", None)   # (None: the class says no __del__)
        return get(original, obj, owner) if get is not None else original

    def __reduce__(self) -> tuple:   # (a class pickled by value: cloudpickle's)
        return _Guard, (self.original,)


def _end(obj: Any) -> None:
    """``obj``'s ``__del__`` never runs again: its class's is guarded, its id marked ended."""
    if gc.is_finalized(obj):   # (CPython never calls it again: nothing would unmark it)
        return
    if _guard(type(obj)):
        _ENDED.add(id(obj))


def _guard(cls: type) -> bool:
    """Guard the ``__del__`` ``cls`` has (:class:`_Guard`); whether it is."""
    owner = next(each for each in cls.__mro__ if "__del__" in vars(each))
    if not isinstance(vars(owner)["__del__"], _Guard):
        try:
            type.__setattr__(owner, "__del__", _Guard(vars(owner)["__del__"]))
        except (TypeError, AttributeError):   # (a class that cannot be changed)
            return False
    return True
