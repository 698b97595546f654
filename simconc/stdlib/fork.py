"""A forked child's memory: a copy of its parent's, as ``fork()`` makes it.

All simulated processes live in one real one, so a child's memory is made by copying what it
can reach: its process object (target, arguments), the parent's ``__main__`` namespace, the
module globals each process has its own of (the world's interpreter globals). The copy is
``copy.deepcopy`` with the rules of a fork (:class:`Fork`):

- the parent's ``__main__`` module and the program's other modules (program_modules.py) and
  their namespaces become the child's own; a function whose globals are one of those namespaces
  is rebound to the child's copy (same code, copied defaults and closure), and a class defined
  in one is made again from its copied namespace, so that the child's code reads and writes the
  child's globals;
- the stdlib face's modules become the child's copies (its threads are its own);
- what the machine shares between processes is shared (``_simconc_fork_shared``: pipes,
  semaphores, process sentinels; the ctypes objects of ``RawValue``/``RawArray`` and of
  ``Value``/``Array``, in shared memory), as are modules, code and the kernel's objects;
- an object of ``multiprocessing`` whose class refuses pickling outside a spawn (a ``Queue``, a
  ``Lock``) is copied attribute by attribute, as fork copies its memory; so is an object of a
  program's class that has pickling of its own (``__reduce__``, ``__getstate__``...): a fork
  copies memory and never calls them (one that raises, or exits, must not break the fork).

The standard library's modules (but the face's) are shared by all processes (see
docs/processes.md): what of theirs each process has its own of is among the interpreter globals.
"""
from __future__ import annotations

import builtins
import contextvars
import copy
import copyreg
import ctypes
import io
import itertools
import mmap
import sys
import types
import weakref
from typing import Any, Callable, Iterable, Optional

from multiprocessing.reduction import ForkingPickler

from ..kernel import SimThread, World
from ..kernel.interpreter import Interpreter
from ..kernel.waitqueue import WaitQueue
from ..kernel.world import ABSENT
from . import sockets
from .shm import forked_block
from .state import FaceState

_ATOMIC_TYPES = (World, Interpreter, SimThread, mmap.mmap, types.ModuleType, types.CodeType,
                 types.BuiltinFunctionType, types.MethodWrapperType, types.GeneratorType,
                 types.CoroutineType, types.AsyncGeneratorType, types.FrameType)


_IMMUTABLE = (bytes, str, int, float, tuple, frozenset)
#: What a module's namespace holds of the interpreter's and its import's: the same in the copy.
_MODULES_OWN = frozenset(("__builtins__", "__loader__", "__spec__", "__file__", "__cached__",
                          "__name__", "__package__", "__path__"))
#: The modules whose classes a fork copies by the rules below (multiprocessing's refuse pickling
#: outside a spawn, and concurrent.futures derives from them).
_SCANNED = ("multiprocessing", "concurrent.", "simconc.", "simpy")
#: Modules whose objects are the simulated machine's, never a process's memory: shared.
_THE_MACHINES = ("simconc.kernel", "simconc.instrument", "simconc.runner", "simconc.explore",
                 "simconc.analysis", "simpy")


class Fork:
    """The copy of a parent's memory for one child (see the module's docstring)."""

    def __init__(self, parent: FaceState, child: FaceState, scope: str = "",
                 modules: Iterable[types.ModuleType] = ()) -> None:
        #: What tells the child's globals apart from its parent's for exploration.
        self.scope = scope
        self.memo: dict[int, Any] = {id(ABSENT): ABSENT, id(vars(builtins)): vars(builtins)}
        #: What :meth:`copy_or_share` could not copy, and shares: its parent's as well.
        self.shared: list[Any] = []
        self.owned: set[int] = set()   # the namespaces whose functions are rebound
        self.owned_names: set[str] = set()   # and their modules' names (their classes too)
        for name, module in parent.modules.items():
            self.memo[id(module)] = child.modules[name]
        #: The child's threading (the face's), whose RLock a copied logging handler gets.
        self.threading = child.modules.get("threading")
        logging = sys.modules.get("logging")
        #: The parent's logging.Handler: its objects are copied by :meth:`_handler`.
        self.handler_class: Optional[type] = logging.Handler if logging is not None else None
        # The parent's __main__ and the program's modules (program_modules.py) become the
        # child's own: all made first, so that what one of them holds of another is the
        # child's copy of it
        owned = ([parent.main] if parent.main is not None else []) + [
            module for module in modules if module is not parent.main]
        copies = [self._own(module) for module in owned]
        if parent.main is not None:
            child.main = copies[0]
        for module, copied in zip(owned, copies):
            for key, value in list(vars(module).items()):
                vars(copied)[key] = value if key in _MODULES_OWN else self.copy_or_share(value)
            if module.__name__ == "logging" and self.threading is not None \
                    and vars(copied).get("_lock") is vars(module).get("_lock"):
                # (a lock the run stands in for logging's real one, made before it: the
                # machine's, shared; the child's logging locks its own, as after a real fork)
                vars(copied)["_lock"] = self.threading.RLock()

    def copy_or_share(self, value: Any) -> Any:
        """The child's copy of ``value``, or ``value`` itself where it cannot be copied."""
        try:
            return self.copy(value)
        except (TypeError, copy.Error):
            # (what cannot be copied, an open file or a socket, is shared: a fork shares the
            # descriptor under it)
            self.shared.append(value)
            return value

    def _own(self, module: types.ModuleType) -> types.ModuleType:
        copied = types.ModuleType(module.__name__)
        self.memo[id(module)] = copied
        self.memo[id(vars(module))] = vars(copied)
        self.owned.add(id(vars(module)))
        self.owned_names.add(module.__name__)
        return copied

    def copy(self, obj: Any) -> Any:
        rules = _ForkRules(_DISPATCH)
        rules.handlers = self.handler_class, self._handler
        rules.update(self._rules())
        copy._deepcopy_dispatch = rules   # type: ignore[attr-defined]
        try:
            return copy.deepcopy(obj, self.memo)
        finally:
            copy._deepcopy_dispatch = _DISPATCH   # type: ignore[attr-defined]

    def _rules(self) -> dict[type, Callable[[Any, dict], Any]]:
        rules: dict[type, Callable[[Any, dict], Any]] = {
            types.FunctionType: self._function, type: self._class,
            staticmethod: lambda x, memo: staticmethod(copy.deepcopy(x.__func__, memo)),
            classmethod: lambda x, memo: classmethod(copy.deepcopy(x.__func__, memo)),
            property: lambda x, memo: property(  # type: ignore[call-arg]   # (fget, fset, fdel, doc)
                *(copy.deepcopy(f, memo) for f in (x.fget, x.fset, x.fdel)), x.__doc__),
            types.MethodType: lambda x, memo: types.MethodType(
                copy.deepcopy(x.__func__, memo), copy.deepcopy(x.__self__, memo)),
            WaitQueue: _fresh_wait_queue,
            weakref.WeakValueDictionary: _weak_values,
            weakref.WeakSet: lambda x, memo: weakref.WeakSet(
                copy.deepcopy(list(x), memo)),
            itertools.count: _copy_count,
            memoryview: _memoryview,
            io.StringIO: _in_memory_stream, io.BytesIO: _in_memory_stream,
            # (a simulated socket: another handle of it, the child's; its class is named for
            # the socket module, where the scan below would not find it)
            sockets.socket: self._forked,
            # (a running asyncio loop's callbacks and tasks hold the context they run in: the
            # child's is a copy, of its variables' values, whose variables are the same keys)
            contextvars.Context: _context,
            contextvars.ContextVar: _shared, contextvars.Token: _shared,
        }
        # The ctypes types of multiprocessing's shared memory (RawValue, RawArray, and what a
        # Value or Array wraps): sharedctypes registers each with multiprocessing's pickler
        for cls, reducer in list(_REDUCERS.items()):
            if getattr(reducer, "__qualname__", "") == "reduce_ctype" \
                    and getattr(reducer, "__module__", "") == "multiprocessing.sharedctypes":
                rules[cls] = _ctypes_data
        managers = sys.modules.get("multiprocessing.managers")
        if managers is not None:
            # (and the proxy types made on the fly, AutoProxy's: a proxy's __deepcopy__ would
            # fetch its referent's value, where a fork copies the proxy)
            subclasses = managers.BaseProxy.__subclasses__()
            while subclasses:
                cls = subclasses.pop()
                subclasses += cls.__subclasses__()
                rules.setdefault(cls, _attributes)
        sharedctypes = sys.modules.get("multiprocessing.sharedctypes")
        if sharedctypes is not None:   # (and the Synchronized classes made for a Structure)
            for cls in list(sharedctypes.class_cache.values()):
                rules.setdefault(cls, _attributes)
        futures = sys.modules.get("asyncio.futures")
        if futures is not None:   # (the classes a run's asyncio uses, see asyncio_loop.py)
            subclasses = [futures._PyFuture]
            while subclasses:
                cls = subclasses.pop()
                subclasses += cls.__subclasses__()
                rules.setdefault(cls, _unlogged_future)
        for atomic in _ATOMIC_TYPES:
            rules[atomic] = _shared
        shared_memory = sys.modules.get("multiprocessing.shared_memory")
        if shared_memory is not None:
            rules[shared_memory.SharedMemory] = forked_block
        # multiprocessing's classes (which refuse pickling outside a spawn), the face's and
        # the kernel's objects: attribute by attribute, or shared where the machine shares them
        for name, module in list(sys.modules.items()):
            if module is None or not name.startswith(_SCANNED):
                continue
            machine = name.startswith(_THE_MACHINES)
            for value in list(vars(module).values()):
                if isinstance(value, type) and value.__module__ == name \
                        and value not in rules:
                    if hasattr(value, "_simconc_fork"):   # (it knows how: the hooks)
                        rules[value] = self._forked
                    elif machine or getattr(value, "_simconc_fork_shared", False) \
                            or issubclass(value, _IMMUTABLE):
                        rules[value] = _shared
                    elif value.__new__ is object.__new__ and "__deepcopy__" not in vars(value):
                        rules[value] = _attributes
        return rules

    def _forked(self, obj: Any, memo: dict) -> Any:
        return obj._simconc_fork(memo, self.scope)

    def _handler(self, handler: Any, memo: dict) -> Any:
        """A ``logging`` handler in the child: a copy, with a lock of its own (logging's
        at-fork hook makes the child's anew), and what cannot be copied (its stream, a file)
        shared, as a fork shares the descriptor under it."""
        cls = copy.deepcopy(type(handler), memo)
        if id(handler) in memo:   # (copied meanwhile, as its class was: see _attributes)
            return memo[id(handler)]
        copied = object.__new__(cls)
        memo[id(handler)] = copied
        for key, value in vars(handler).items():
            if key == "lock" and value is not None and self.threading is not None:
                value = self.threading.RLock()
            else:
                try:
                    value = copy.deepcopy(value, memo)
                except (TypeError, copy.Error):
                    pass
            vars(copied)[key] = value
        return copied

    def _function(self, function: types.FunctionType, memo: dict) -> Any:
        globals_ = function.__globals__
        if id(globals_) not in self.owned:
            return function
        cells, fill = _cells(function.__closure__, memo)
        copied = types.FunctionType(function.__code__, memo[id(globals_)], function.__name__,
                                    None, cells)
        memo[id(function)] = copied
        fill()   # (once it is remembered: a nested function that calls itself holds itself)
        copied.__defaults__ = copy.deepcopy(function.__defaults__, memo)
        copied.__kwdefaults__ = copy.deepcopy(function.__kwdefaults__, memo)
        copied.__qualname__ = function.__qualname__
        copied.__module__ = function.__module__
        copied.__doc__ = function.__doc__
        copied.__annotations__ = function.__annotations__
        copied.__dict__.update(copy.deepcopy(function.__dict__, memo))
        return copied

    def _class(self, cls: type, memo: dict) -> Any:
        if cls.__module__ not in self.owned_names or not any(
                isinstance(f, types.FunctionType) and id(f.__globals__) in self.owned
                for f in vars(cls).values()):
            return cls
        slots = set(getattr(cls, "__slots__", ()) if not isinstance(
            getattr(cls, "__slots__", ()), str) else (cls.__slots__,))  # type: ignore[attr-defined]
        namespace = {key: value for key, value in vars(cls).items()
                     if key not in ("__dict__", "__weakref__") and key not in slots}
        bases = tuple(copy.deepcopy(base, memo) for base in cls.__bases__)
        # (made first and remembered, then given copies of its attributes: a method that calls
        # super() holds the class in its closure, and copying it must find this copy)
        copied = type(cls)(cls.__name__, bases, dict(namespace))
        copied.__qualname__ = cls.__qualname__
        memo[id(cls)] = copied
        for key, value in namespace.items():
            if not isinstance(value, _IMMUTABLE):
                setattr(copied, key, copy.deepcopy(value, memo))
        return copied


_DISPATCH = copy._deepcopy_dispatch   # type: ignore[attr-defined]

#: How ``object`` pickles: a class that changes one of these pickles its own way.
_PICKLING = ("__reduce_ex__", "__reduce__", "__getstate__", "__setstate__")
_OBJECTS_PICKLING = tuple(getattr(object, name, None) for name in _PICKLING)
_HEAP_TYPE = 1 << 9   # (Py_TPFLAGS_HEAPTYPE: a class made by a class statement)


class _ForkRules(dict):
    """``copy``'s dispatch table during a fork, with a rule found for a class it lacks: an
    object of a Python class with pickling of its own is copied attribute by attribute
    (deepcopy would call its ``__reduce_ex__`` and what that returns, as a fork never does)."""

    #: logging's Handler class, and the rule that copies its objects (Fork._handler).
    handlers: tuple[Optional[type], Callable[[Any, dict], Any]] = (None, lambda x, memo: x)

    def get(self, cls: Any, default: Any = None) -> Any:
        rule = dict.get(self, cls)
        if rule is None and isinstance(cls, type):
            handler_class, handler_rule = self.handlers
            if handler_class is not None and issubclass(cls, handler_class):
                rule = self[cls] = handler_rule
            elif _pickles_its_own_way(cls):
                rule = self[cls] = _attributes
        return default if rule is None else rule


def _pickles_its_own_way(cls: type) -> bool:
    return bool(cls.__flags__ & _HEAP_TYPE) and cls.__new__ is object.__new__ \
        and not hasattr(cls, "__deepcopy__") and cls not in copyreg.dispatch_table \
        and any(getattr(cls, name, None) is not original
                for name, original in zip(_PICKLING, _OBJECTS_PICKLING))


def _shared(obj: Any, memo: dict) -> Any:
    return obj


_REDUCERS = ForkingPickler._extra_reducers   # type: ignore[attr-defined]


def _ctypes_data(obj: Any, memo: dict) -> Any:
    """A ctypes object in the child: the same one where it lives in multiprocessing's shared
    heap (``sharedctypes`` gives it the ``_wrapper`` of its block), a copy of one in the
    process's own memory."""
    if "_wrapper" in vars(obj):
        return obj
    return copy._reconstruct(obj, memo, *obj.__reduce_ex__(4))   # type: ignore[attr-defined]


def _in_memory_stream(stream: Any, memo: dict) -> Any:
    """A ``StringIO`` or ``BytesIO`` in the child: a copy, closed if it is (one that is closed
    will not pickle: a program's ``sys.stdout`` may be one)."""
    if stream.closed:
        copied = type(stream)()
        copied.close()
        memo[id(stream)] = copied
        return copied
    return copy._reconstruct(stream, memo, *stream.__reduce_ex__(4))   # type: ignore[attr-defined]


def _context(context: contextvars.Context, memo: dict) -> contextvars.Context:
    copied = contextvars.Context()
    memo[id(context)] = copied
    for variable, value in context.items():
        copied.run(variable.set, copy.deepcopy(value, memo))
    return copied


def _memoryview(view: memoryview, memo: dict) -> memoryview:
    """A memoryview in the child: the same view of memory the processes share (an ``mmap``:
    multiprocessing's heap, where a ``Barrier`` keeps its state), a view of a copy of the
    process's own buffer."""
    if isinstance(view.obj, mmap.mmap):
        return view
    data = bytearray(view.tobytes()) if not view.readonly else view.tobytes()
    copied = memoryview(data)
    # (a format and shape from a memoryview: ones cast accepts, which the stubs cannot tell)
    return copied if view.format == "B" and view.ndim == 1 else \
        copied.cast(view.format, view.shape)  # type: ignore[call-overload]


def _copy_count(counter: "itertools.count", memo: dict) -> "itertools.count":
    """A copy of an ``itertools.count`` at the same place (its repr says where: its pickling
    goes in Python 3.14)."""
    start, _, step = repr(counter)[len("count("):-1].partition(", ")
    number = float if "." in start + step or "e" in start + step else int
    return itertools.count(number(start), number(step) if step else 1)


def _cells(closure: Any, memo: dict) -> tuple[Any, Callable[[], None]]:
    """The copy of a function's closure, its cells empty, and what fills them with copies of
    their contents. A cell is copied once, as closures share one (the functions of one
    scope share the variable)."""
    if closure is None:
        return None, lambda: None
    cells = []
    new = []
    for cell in closure:
        copied = memo.get(id(cell))
        if copied is None:
            copied = memo[id(cell)] = types.CellType()
            new.append((cell, copied))
        cells.append(copied)

    def fill() -> None:
        for cell, copied in new:
            try:
                contents = cell.cell_contents
            except ValueError:   # (an empty cell)
                continue
            copied.cell_contents = copy.deepcopy(contents, memo)

    return tuple(cells), fill


def _unlogged_future(future: Any, memo: dict) -> Any:
    """A copy of an asyncio future or task (a running loop's, forked): one that never says,
    as the child's memory goes, that it was destroyed pending or that nobody retrieved its
    exception. A real child's copy is never destroyed: the child ends with ``os._exit``."""
    copied = _attributes(future, memo)
    copied._log_traceback = False
    if hasattr(copied, "_log_destroy_pending"):
        copied._log_destroy_pending = False
    return copied


def _attributes(obj: Any, memo: dict) -> Any:
    """A copy of ``obj`` with copies of its attributes (``__dict__`` and slots): what a fork
    makes of an object that would not pickle."""
    cls = copy.deepcopy(type(obj), memo)
    if id(obj) in memo:
        # (copied meanwhile, as its class was: a class attribute reaches it, as a logger's
        # class reaches every logger through Logger.manager)
        return memo[id(obj)]
    copied = object.__new__(cls)
    memo[id(obj)] = copied
    for klass in type(obj).__mro__:
        for slot in vars(klass).get("__slots__", ()):
            if slot in ("__dict__", "__weakref__"):
                continue
            name = f"_{klass.__name__.lstrip('_')}{slot}" if slot.startswith("__") \
                and not slot.endswith("__") else slot
            try:
                value = object.__getattribute__(obj, name)
            except AttributeError:
                continue
            object.__setattr__(copied, name, _copy_attribute(value, memo))
    state = getattr(obj, "__dict__", None)
    if state is not None:
        vars(copied).update({key: _copy_attribute(value, memo) for key, value in state.items()})
    return copied


_CTYPES_DATA = (ctypes._SimpleCData, ctypes.Array, ctypes.Structure, ctypes.Union)


def _copy_attribute(value: Any, memo: dict) -> Any:
    """An attribute of a ``multiprocessing`` object in the child: the same ctypes object where
    it is one (``Value``'s and ``Array``'s, in memory shared between processes), a copy of
    anything else."""
    if isinstance(value, _CTYPES_DATA):
        return value
    return copy.deepcopy(value, memo)


def _fresh_wait_queue(queue: WaitQueue, memo: dict) -> WaitQueue:
    """A wait queue in the child: the same object waited for, none of the parent's waiters."""
    copied = WaitQueue(queue.world, None, queue.key, queue.label)
    memo[id(queue)] = copied
    owner = queue.owner
    if owner is not None:
        copied.owner = copy.deepcopy(owner, memo)
    return copied


def _weak_values(registry: weakref.WeakValueDictionary, memo: dict) -> Any:
    """A weak registry keyed by an object's id (``multiprocessing.util``'s after-fork one): the
    child's holds its copies, by their ids."""
    copied: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
    memo[id(registry)] = copied
    for key, value in list(registry.items()):
        value_copy = copy.deepcopy(value, memo)
        if isinstance(key, tuple) and len(key) == 3 and key[1] == id(value):
            key = (key[0], id(value_copy), key[2])
        copied[key] = value_copy
    return copied
