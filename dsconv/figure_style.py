"""The look every chart shares where it must be read from the back of a room: dark text and axis labels.

Streamlit's chart theme draws tick labels pale grey, which a projector washes out; the builders in
dsconv.figures_* pass their figures (or their axis dicts) through here. Colours that carry meaning (layer
kinds, signs, channels) live with their figures and in dsconv.palette.
"""

from __future__ import annotations

from typing import Any

TEXT_COLOUR = "#111827"  # body text: 17:1 on white
TICK_COLOUR = "#1f2937"  # tick labels: 14:1 on white (WCAG AA asks 4.5:1)
AXIS_LINE_COLOUR = "#6b7280"
GRID_COLOUR = "#e5e7eb"
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
