"""Attributes that hold their object weakly."""
from __future__ import annotations

from typing import Any
from weakref import ref


class WeakAttribute:
    """An attribute that holds its object weakly, kept in the attribute ``storage``: a wait queue
    names its owner, a part (the lock inside a Queue) its whole, without the two making a
    reference cycle, which would leave each execution's objects to the cycle collector."""

    __slots__ = ("storage",)

    def __init__(self, storage: str) -> None:
        self.storage = storage

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        target = getattr(obj, self.storage)
        return target() if target is not None else None

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(obj, self.storage, ref(value) if value is not None else None)
