"""Figures of a real network's profile: multiply-adds and parameters layer by layer, and each role's share.

Bars take the role's colour: the convolution kinds' own (dsconv.kinds), greys for the rest.
"""

from __future__ import annotations

from dsconv.figures.plotting import go, make_subplots
from dsconv.figures.style import (
    FONT_FAMILY,
    TICK_PX,
    axis,
    fit_lines,
    legend_height,
    page_width_px,
    text_em,
    text_on,
)
from dsconv.kinds import KINDS
from dsconv.profile import ROLES, Profile, lesson
from dsconv.safe_text import plotly_text

ROLE_COLOURS = {**{role: KINDS[role].colour for role in ("standard", "grouped", "depthwise", "pointwise", "separable")},
                "dense": "#6b7280", "normalisation": "#9ca3af", "elementwise": "#c4b5a0", "pooling": "#a3a3a3",
                "other": "#d4d4d4"}
WEIGHTED = ("standard", "grouped", "depthwise", "pointwise", "separable", "dense")  # the roles with multiply-adds
FONT = dict(family=FONT_FAMILY, size=15, color="#111827")
TITLE_ROOM_PX = 24  # a panel's title (make_subplots's, 16 px) over the first panel


def _legend_on_top(names: list[str], width_px: float, font_px: int, beside_px: float) -> tuple[dict, int]:
    """A horizontal legend along the figure's top edge, and the height its rows take there. Set above the plot in
    a fixed margin, two rows on a phone ran into the bars below, and Plotly gave a third a scroll bar. Plotly breaks
    its rows at the plot's width: the figure's, less `beside_px` (the margins and the y axis's labels)."""
    room = width_px - beside_px
    legend = dict(orientation="h", xref="container", x=10 / width_px, yref="container", y=1, yanchor="top",
                  traceorder="normal")
    return legend, round(legend_height(names, room, font_px)) + 6


def layer_figure(profile: Profile, scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """Multiply-adds (top) and trainable parameters (bottom) of every convolution and dense layer, in order, laid out
    for a page `width_px` wide (page_width_px(scale) by default)."""
    rows = [(index, row) for index, row in enumerate(r for r in profile.rows if r.role in WEIGHTED)]
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                           subplot_titles=("Multiply-adds per layer", "Trainable parameters per layer"))
    for role in WEIGHTED:
        mine = [(index, row) for index, row in rows if row.role == role]
        if not mine:
            continue
        names = [plotly_text(row.name) for _, row in mine]  # a file's names, shown as written
        for line, values in ((1, [row.multiply_adds for _, row in mine]), (2, [row.params for _, row in mine])):
            # width: one layer's slot. Left to Plotly, a role's bars are as wide as the gap between its own layers,
            # and every other layer's pointwise bar would cover the depthwise bar beside it.
            figure.add_trace(go.Bar(
                x=[index + 1 for index, _ in mine], y=values, name=role, legendgroup=role, showlegend=line == 1,
                width=0.85, marker_color=ROLE_COLOURS[role], customdata=names,
                hovertemplate="%{customdata}: %{y:,}<extra>" + role + "</extra>"), row=line, col=1)
    font = round(FONT["size"] * scale)
    width, beside_px = width_px or page_width_px(scale), 20 + 5 * TICK_PX * scale  # the margins and the y axis's labels
    legend, legend_px = _legend_on_top([trace.name for trace in figure.data if trace.showlegend], width, font,
                                       beside_px)
    top = legend_px + round(TITLE_ROOM_PX * scale)
    figure.update_layout(
        barmode="overlay", bargap=0.1, height=round(480 * scale) - 90 + top + 30,
        margin=dict(l=10, r=10, t=top, b=30), showlegend=True,
        font={**FONT, "size": font}, plot_bgcolor="white", legend=legend)
    # Layers are counted in whole numbers: a model of one or two layers had ticks at 0.6, 0.8, ... (a long one keeps
    # Plotly's own, which are whole)
    few = {"tickvals": [index + 1 for index, _ in rows]} if len(rows) <= 12 else {}
    figure.update_xaxes(axis(scale, automargin=True, **few))
    # "..., input to output" ran 8 px past a phone's 356 px page, and "..., in order" 13 px past a 320 px phone's
    # 288 px page: it takes two lines where the plot is narrower than it (Plotly's margin grows for them)
    # at the panels' titles' size: left to Plotly (1.2 times the figure's font) it stood out as the largest text
    figure.update_xaxes(title=dict(text=fit_lines("convolution and dense layers, in order", width - beside_px, font),
                                   font=dict(size=font)), row=2, col=1)
    # G for 10^9, as the page's totals write it ("15.5 G"): Plotly's default wrote "1.5B"
    figure.update_yaxes(axis(scale, rangemode="tozero", automargin=True, exponentformat="SI"))
    figure.update_annotations(font={**FONT, "size": round(FONT["size"] * scale)})
    return figure


def share_figure(profile: Profile, scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """Each role's share of multiply-adds and of trainable parameters, as two stacked bars of 100 %, laid out for a
    page `width_px` wide (page_width_px(scale) by default)."""
    bars = (("multiply-adds", profile.share("multiply_adds")), ("trainable parameters", profile.share("params")))
    figure = go.Figure()
    for role in ROLES:
        shares = [share.get(role, 0.0) for _, share in bars]
        if not any(shares):
            continue
        figure.add_trace(go.Bar(
            y=[name for name, _ in bars], x=[100 * value for value in shares], name=role, orientation="h",
            marker_color=ROLE_COLOURS[role], text=[lesson.share_text(value) if value >= 0.05 else "" for value in shares],
            textposition="inside", insidetextfont=dict(color=text_on(ROLE_COLOURS[role])),
            hovertemplate="%{y}: %{x:.1f}%<extra>" + role + "</extra>"))
    font = round(FONT["size"] * scale)
    labels_px = max(text_em(name) for name, _ in bars) * TICK_PX * scale + 12  # the bars' names and their gap
    legend, top = _legend_on_top([trace.name for trace in figure.data], width_px or page_width_px(scale), font,
                                 10 + round(24 * scale) + labels_px)
    figure.update_layout(
        # room right of the plot for half of "100%" under its edge, which Plotly drops where it does not fit
        barmode="stack", height=round(210 * scale) - 70 + top + 30,
        margin=dict(l=10, r=round(24 * scale), t=top, b=30), showlegend=True,
        font={**FONT, "size": font}, plot_bgcolor="white", legend=legend,
        uniformtext=dict(minsize=round(12 * scale), mode="hide"))
    # "%" as the bars' own labels write it ("95%"), and 100 always marked (Plotly's own ticks stopped at 80)
    ticks = list(range(0, 101, 20))
    figure.update_xaxes(axis(scale, range=[0, 100], tickvals=ticks, ticktext=[f"{tick}%" for tick in ticks],
                             automargin=True))
    figure.update_yaxes(axis(scale, autorange="reversed", automargin=True))
    return figure
