"""The values an event of the trace keeps: what was read or written, as data that is the same
in every run and keeps nothing alive.

Not compiled with the kernel (see simconc/compiled.py): its classes derive from ``str``, which a
compiled class cannot.
"""
from __future__ import annotations

from typing import Any


class Nothing:
    """The value of an event that read or wrote none (:data:`NOTHING`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING = Nothing()


class TypeName(str):
    """The value of an object that is not a plain value (a list, an instance of the program's
    classes): its type's name, which is the same in every run, where its contents and id are
    not, and which does not keep it alive."""

    __slots__ = ()


class Repr(str):
    """The value of an instance of a subclass of a plain type (an ``IntEnum`` member, a ``str``
    subclass): its ``repr`` when it was read or written."""

    __slots__ = ()


#: The types whose values an event keeps as they are (immutable, shown the same in every run).
_PLAIN = (int, float, str, bool, type(None))


def value_of(value: Any) -> Any:
    """What an event keeps of a value read or written: the value itself if it is a plain one,
    else its :class:`TypeName` (or :class:`Repr`)."""
    kind = type(value)
    if kind is int or kind is str or kind is bool or kind is float or value is None:
        return value
    if isinstance(value, _PLAIN):
        return Repr(repr(value))
    return TypeName(kind.__name__)


def shown(value: Any) -> str:
    """A kept value as the trace prints it: short, the same in every run."""
    kind = type(value)
    text = str(value) if kind is TypeName or kind is Repr else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe(label: str, value: Any = NOTHING, detail: str = "") -> str:
    """What an operation was done to, as the trace prints it (``trace.what`` of an event):
    ``Lock#1``, ``RLock#1 (count 2)``, ``counter = 5``."""
    text = label
    if detail:
        text = f"{text} ({detail})" if text else detail
    if value is not NOTHING:
        text = f"{text} = {shown(value)}"
    return text
