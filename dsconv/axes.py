"""Axis helpers shared by the figure builders (no Plotly import needed here)."""

from __future__ import annotations

import math
from typing import Iterable


def log_ticks(values: Iterable[float]) -> list[float]:
    """Ticks 1, 2, 5, 10, 20, 50, ... (powers of 10 alone over 3 decades) covering the positive values.

    Given as tickvals, they make Plotly label a log axis in full: its own ticks label 200 as "2" beside 100.
    """
    positive = [v for v in values if v and 0 < v < math.inf]
    if not positive:
        return []
    low, high = min(positive), max(positive)
    steps = (1, 2, 5) if high <= 1000 * low else (1,)  # over three decades, 1-2-5 would crowd the axis
    ticks, decade = [], 10.0 ** math.floor(math.log10(low))
    while not ticks or ticks[-1] < high:
        ticks += [step * decade for step in steps]
        decade *= 10
    inside = [t for t in ticks if low <= t <= high]
    below = [t for t in ticks if t < low][-1:] if not inside or inside[0] > low else []
    above = [t for t in ticks if t > high][:1] if not inside or inside[-1] < high else []
    return below + inside + above
