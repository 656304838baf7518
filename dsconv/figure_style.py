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


def axis(**extra: Any) -> dict[str, Any]:
    """An axis dict with dark tick labels and title, for figures built from plain dicts."""
    style: dict[str, Any] = {"tickfont": {"color": TICK_COLOUR}, "title": {"font": {"color": TEXT_COLOUR}},
                             "linecolor": AXIS_LINE_COLOUR}
    for key, value in extra.items():
        if key == "title" and isinstance(value, dict):
            style["title"] = {**style["title"], **value}
        else:
            style[key] = value
    return style


def readable(fig: Any) -> Any:
    """Dark tick labels, axis titles and text on every axis of a go.Figure; returns the figure."""
    fig.update_xaxes(tickfont_color=TICK_COLOUR, title_font_color=TEXT_COLOUR, linecolor=AXIS_LINE_COLOUR)
    fig.update_yaxes(tickfont_color=TICK_COLOUR, title_font_color=TEXT_COLOUR, linecolor=AXIS_LINE_COLOUR)
    fig.update_layout(font_color=TEXT_COLOUR)
    return fig
