"""The values an event of the trace keeps: what was read or written, as data that is the same
in every run and keeps nothing alive.

Not compiled with the kernel (see simconc/compiled.py): its classes derive from ``str``, which a
compiled class cannot.
"""
from __future__ import annotations

from typing import Any, Optional


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
    subclass): the plain type's ``repr`` of it when it was read or written."""

    __slots__ = ()


#: The types whose values an event keeps as they are (immutable, shown the same in every run;
#: and NOTHING's, so that one test tells what needs no :func:`value_of`).
_PLAIN = (int, float, str, bool, type(None))
KEPT = frozenset(_PLAIN + (Nothing,))


def value_of(value: Any, names: Optional[dict] = None) -> Any:
    """What an event keeps of a value read or written: the value itself if it is a plain one,
    else its :class:`TypeName` (or :class:`Repr`). ``names`` keeps the TypeName of each type
    met (one execution's: a trace names the same few types again and again)."""
    kind = type(value)
    if kind in KEPT:
        return value
    if names is not None:
        found = names.get(kind)
        if found is not None:
            return found
    if issubclass(kind, _PLAIN):   # (not isinstance: it could run the program's __class__)
        # (its plain base's repr: the subclass's own is the program's code, which may do
        # anything, where the program itself calls nothing)
        base = next(plain for plain in _PLAIN if issubclass(kind, plain))
        return Repr(base.__repr__(value))   # type: ignore[call-arg]
    found = TypeName(kind.__name__)
    if names is not None:
        names[kind] = found
    return found


def shown(value: Any) -> str:
    """A value as the trace prints it (kept by :func:`value_of` or not): short, the same in
    every run."""
    kind = type(value)
    text = value if kind is TypeName or kind is Repr else repr(value) if kind in KEPT \
        else value_of(value)
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
