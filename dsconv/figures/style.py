"""The look every chart shares where it must be read from the back of a room: dark text and axis labels.

Streamlit's chart theme draws tick labels pale grey, which a projector washes out; the builders in
the figure builders pass their figures (or their axis dicts) through here. Colours that carry meaning on
more than one page live here too; each layer kind's colour lives with the kind (dsconv.kinds).

The sign of a value is violet below zero, white at zero and orange above: neither end looks like a colour
channel (red, green or blue), so a student never reads a sign as a channel, and the pair stays apart for the
common colour-vision deficiencies (the purple-orange family of ColorBrewer's diverging schemes). Both ends
are light enough for black digits written on top.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

TEXT_COLOUR = "#111827"  # body text: 17:1 on white
TICK_COLOUR = "#1f2937"  # tick labels: 14:1 on white (WCAG AA asks 4.5:1)
AXIS_LINE_COLOUR = "#6b7280"
GRID_COLOUR = "#e5e7eb"
SIGNED = [[0.0, "#a78bfa"], [0.5, "#ffffff"], [1.0, "#fb923c"]]  # violet < 0 < orange, a Plotly colour scale
# Series that are not layer kinds (kernel sizes, the left and right model): Okabe-Ito, in this order.
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00")
CHANNEL_COLOURS = ("#f87171", "#4ade80", "#60a5fa")  # red, green, blue: light enough for black digits on top
PAGE_WIDTH_PX = 900  # a figure as wide as the page: Streamlit's wide layout, 1400 px window, sidebar open (x scale)
TICK_PX = 13.5  # tick labels, times the figure's scale: 18 px in projector mode (scale 1.35)


def axis(scale: float | None = None, **extra: Any) -> dict[str, Any]:
    """An axis dict with dark tick labels and title, for figures built from plain dicts; with a scale the tick
    labels are TICK_PX x scale (without one they follow the figure's font)."""
    style: dict[str, Any] = {"tickfont": {"color": TICK_COLOUR}, "title": {"font": {"color": TEXT_COLOUR}},
                             "linecolor": AXIS_LINE_COLOUR, "gridcolor": GRID_COLOUR}
    if scale is not None:
        style["tickfont"]["size"] = round(TICK_PX * scale, 1)
    for key, value in extra.items():
        if key == "title" and isinstance(value, dict):
            style["title"] = {**style["title"], **value}
        else:
            style[key] = value
    return style


def readable(fig: Any, scale: float = 1.0) -> Any:
    """Dark tick labels (TICK_PX x scale), axis titles and text on every axis of a go.Figure; returns the figure."""
    ticks = dict(tickfont_color=TICK_COLOUR, tickfont_size=round(TICK_PX * scale, 1), title_font_color=TEXT_COLOUR,
                 linecolor=AXIS_LINE_COLOUR)
    fig.update_xaxes(**ticks)
    fig.update_yaxes(**ticks)
    fig.update_layout(font_color=TEXT_COLOUR)
    return fig


def two_lines(label: str) -> str:
    """A layer's label broken for a bar chart's axis: "Depthwise<br>+ 1x1", "Separable-<br>Conv2D",
    "1x1 Conv2D<br>alone", "Depthwise-<br>Conv2D<br>alone" (on one line, "DepthwiseConv2D" ran into its neighbours'
    labels)."""
    if " + " in label:
        head, _, tail = label.partition(" + ")
        return f"{head}<br>+ {tail}"
    if label.endswith(" alone"):
        return f"{two_lines(label[:-len(' alone')])}<br>alone"
    if label.endswith("Conv2D") and len(label) > len("Conv2D") and " " not in label:
        return f"{label[:-len('Conv2D')]}-<br>Conv2D"
    return label


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
