"""A timeline's axis: where its ticks fall and how a time on it is written."""
from __future__ import annotations

import math


def ticks(end: float, most: int = 10, unit: str = "s") -> list[float]:
    """Round positions from 0 to ``end``, at most about ``most`` of them: steps of 1, 2 or 5
    times a power of ten (whole ones on an axis of steps: there is no step 0.5)."""
    if end <= 0:
        return [0.0]
    raw = end / max(most, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if unit == "step":
        step = max(step, 1.0)
    count = int(end / step + 1e-9)
    return [round(k * step, 12) for k in range(count + 1)]


def scale_of(end: float, unit: str) -> tuple[float, str]:
    """The factor and the name of the unit an axis to ``end`` is labelled in."""
    if unit == "step":
        return 1.0, ""
    if end < 1e-3:
        return 1e6, "us"
    if end < 1.0:
        return 1e3, "ms"
    return 1.0, "s"


def tick_label(value: float, end: float, unit: str) -> str:
    """A tick's label: ``250 ms``, ``1.5 s``, or a step's number."""
    factor, name = scale_of(end, unit)
    number = f"{value * factor:.6g}"
    return f"{number} {name}" if name else number


def moment(value: float, unit: str) -> str:
    """An instant or a duration as a reader is told it: ``841.506 ms``, ``3.7500 s``, ``69.0
    us``, ``step 12``."""
    if unit == "step":
        return f"step {value:g}"
    size = abs(value)
    if size == 0:
        return "0 ms"
    if size < 1e-3:
        return f"{value * 1e6:.1f} us"
    if size < 1.0:
        return f"{value * 1e3:.3f} ms"
    return f"{value:.4f} s"


def duration(value: float, unit: str) -> str:
    if unit == "step":
        return f"{value:g} step{'s' if value != 1 else ''}"
    return moment(value, unit)
