"""What a run puts back of the real process's state once it is over, so that the next run (the
next execution of an exploration, the next test) starts from the state this one started from,
as every ``python FILE`` starts from a fresh interpreter's.

A simulated program runs inside the real process that runs simconc (pytest's, a script's),
and some of what it changes is that process's: its environment (``os.environ`` and the real
environment under it), working directory, umask and recursion limit, ``warnings``' filters and
``showwarning``, the socket module's default timeout, ``sys.excepthook`` and
``sys.unraisablehook``, and ``logging``'s configuration when ``logging`` was imported before the
run (pytest's, or a library's: one first imported in the run is forgotten after
it, patching.py). Left changed, the second execution of an exploration would start where the
first ended (its ``logging.basicConfig`` a no-op, its handler writing to the first one's
captured output) and a token would not replay what it recorded.

Taking the state costs a few microseconds: it is taken at every run.
"""
from __future__ import annotations

import os
import sys
import warnings
from typing import Any

from ..stdlib import real_state


class ProcessState:
    """The real process's state as a run begins; :meth:`restore` puts it back."""

    __slots__ = ("environ", "real", "filters", "logging", "excepthook", "unraisablehook")

    def __init__(self) -> None:
        # (the encoded mapping under os.environ: comparing it is one dict comparison)
        self.environ = dict(_environ_data())
        # (working directory, umask, recursion limit, socket timeout, and the warnings module's
        # globals themselves: catch_warnings rebinds filters, a program may set showwarning)
        self.real = real_state.current()
        self.filters = list(warnings.filters)   # (and the filters in it, changed in place)
        self.excepthook, self.unraisablehook = sys.excepthook, sys.unraisablehook
        logging = sys.modules.get("logging")
        self.logging = _LoggingState(logging) if logging is not None else None

    def restore(self) -> None:
        data = _environ_data()
        if data != self.environ:
            # (through the real putenv and unsetenv: the C library's environment is changed)
            for key in [key for key in data if key not in self.environ]:
                os.unsetenv(key)
            for key, value in self.environ.items():
                if data.get(key) != value:
                    os.putenv(key, value)
            data.clear()
            data.update(self.environ)
        real_state.put(self.real, real_state.current())
        if warnings.filters != self.filters:
            filters: list = warnings.filters   # type: ignore[assignment]   # (a list, in fact)
            filters[:] = self.filters
        # (always: the registries of warnings shown, modules' and "once"'s, forget this run's,
        # as a fresh interpreter has shown none: the next run shows them again)
        warnings._filters_mutated()   # type: ignore[attr-defined]
        sys.excepthook, sys.unraisablehook = self.excepthook, self.unraisablehook
        if self.logging is not None:
            self.logging.restore()


def _environ_data() -> dict:
    """The dictionary under ``os.environ`` (encoded keys and values), the one its methods
    change."""
    return os.environ._data   # type: ignore[attr-defined]   # (os._Environ's, 3.10 to 3.14)


class _LoggingState:
    """``logging``'s configuration: each logger's level, handlers, filters, flags and parent;
    which loggers there are; the manager's ``disable`` level and classes; the module's
    settings. A handler's own state (its level, formatter) is not taken: a program that
    changes a handler it did not make changes pytest's."""

    __slots__ = ("module", "manager", "loggers", "names", "disable", "classes", "settings",
                 "handler_refs", "named_handlers", "at_fork")

    _SETTINGS = ("raiseExceptions", "lastResort", "logThreads", "logProcesses",
                 "logMultiprocessing", "_loggerClass", "_logRecordFactory")

    def __init__(self, logging: Any) -> None:
        self.module = logging
        manager = self.manager = logging.Logger.manager
        self.names = dict(manager.loggerDict)
        loggers = [manager.root] + [logger for logger in self.names.values()
                                    if isinstance(logger, logging.Logger)]
        self.loggers = [(logger, logger.level, logger.handlers[:], logger.filters[:],
                         logger.propagate, logger.disabled, logger.parent)
                        for logger in loggers]
        self.disable = manager.disable
        self.classes = (manager.loggerClass, manager.logRecordFactory)
        self.settings = [vars(logging).get(name) for name in self._SETTINGS]
        # What knows of every handler: the run's go with the run (their locks are the run's
        # simulated ones, which logging.shutdown at exit, or a fork, would use after it)
        self.handler_refs = logging._handlerList[:]
        self.named_handlers = dict(logging._handlers)
        at_fork = vars(logging).get("_at_fork_reinit_lock_weakset")
        self.at_fork = (at_fork, set(at_fork)) if at_fork is not None else None

    def restore(self) -> None:
        logging, manager = self.module, self.manager
        if manager.loggerDict != self.names:
            # (the loggers the run made are forgotten: getLogger makes them afresh)
            manager.loggerDict.clear()
            manager.loggerDict.update(self.names)
        for logger, level, handlers, filters, propagate, disabled, parent in self.loggers:
            if logger.handlers != handlers:
                logger.handlers[:] = handlers
            if logger.filters != filters:
                logger.filters[:] = filters
            logger.level, logger.propagate, logger.disabled, logger.parent = \
                level, propagate, disabled, parent
        manager.disable = self.disable
        manager.loggerClass, manager.logRecordFactory = self.classes
        for name, value in zip(self._SETTINGS, self.settings):
            if vars(logging).get(name) is not value:
                setattr(logging, name, value)
        manager._clear_cache()   # (what each logger knows of its effective level)
        if len(logging._handlerList) != len(self.handler_refs):
            logging._handlerList[:] = self.handler_refs
        if len(logging._handlers) != len(self.named_handlers):
            logging._handlers.clear()
            logging._handlers.update(self.named_handlers)
        if self.at_fork is not None:
            at_fork, handlers = self.at_fork
            for handler in [handler for handler in at_fork if handler not in handlers]:
                at_fork.discard(handler)
