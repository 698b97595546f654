"""The dependence relation: which two steps of an execution do not commute.

Exploration's notion, read from the kernel's vocabulary (a step's location and access, see
``simconc.kernel``): two accesses conflict when they touch the same location and are not both
reads. A builtin container and its keys are one family of locations: the container is the
location ``(id, "[]")`` and each of its keys ``(id, "[]", key)`` a location inside it, so an
access to the whole conflicts with one to any key, and the keys do not conflict with each other.
(The vector clocks, HappensBefore, inline these rules where they run for every step.)
"""
from __future__ import annotations

from typing import Hashable, Optional


def whole_of(key: Hashable) -> Optional[Hashable]:
    """The location of the whole container for the location of one of its keys
    (``(id, "[]", key)`` -> ``(id, "[]")``), else None."""
    if type(key) is tuple and len(key) == 3 and key[1] == "[]":
        return key[:2]
    return None


def dependent(a_key: Hashable, a_access: str, b_key: Hashable, b_access: str) -> bool:
    """Whether two accesses conflict: the same location (or a container and one of its keys),
    and not both reads."""
    if a_access == "r" and b_access == "r":
        return False
    if a_key == b_key:
        return True
    whole = whole_of(a_key)
    if whole is not None and whole == b_key:
        return True
    whole = whole_of(b_key)
    return whole is not None and whole == a_key
