"""Plotly figures of the Speed lab: work next to time, speed ratio next to work ratio, sweeps, intensity.

Each builder takes timings (dsconv.speed.measure.Timing) or traffic counts (dsconv.costs.intensity.LayerTraffic) and
returns a go.Figure; none of them measures anything. `scale` enlarges fonts and height for a projector.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from dsconv.costs.intensity import LayerTraffic
from dsconv.figures.plotting import go, make_subplots
from dsconv.figures.style import (
    FONT_FAMILY,
    LINE_HEIGHT,
    SUBPLOT_TITLE_PX,
    TICK_PX,
    fit_lines,
    legend_height,
    log_ticks,
    page_width_px,
    readable,
    text_em,
    top_title,
    two_lines,
)
from dsconv.kinds import KINDS, LAYER_KINDS
from dsconv.safe_text import COUNT_WORDS, Fixed, column_unit, listed, rate, rate_places, ratio_cell, times_text
from dsconv.speed.roofline import Roofs, StepRegime, above_peak, classify_all, judged_share
from dsconv.speed.setup import PASS_LABELS, PASSES, SWEEP_PARAMETERS
from dsconv.speed.text import times, work_time_title
from dsconv.speed.timings import Timing, speed_ratios, timed_name

# Greys, light and dark: the kinds' colours (blue: SeparableConv2D, vermillion: Conv2D) meant the passes here.
PASS_COLORS = {"forward": "#94a3b8", "forward_backward": "#475569"}


def short_name(kind: str) -> str:
    """A timed kind's short name: "Depthwise + 1x1", "1x1 Conv2D alone"."""
    return timed_name(kind, "short")


def axis_label(kind: str) -> str:
    """A timed kind's short name on two lines, to fit under a bar."""
    return two_lines(short_name(kind))


MARGIN = dict(l=60, r=20, t=80, b=50)
NARROW_PX = 500  # a plotting width below which a legend takes a line an entry, and a roofline writes no words
# In projector mode a figure is at most this tall, so that the class sees all of it at once in a 1280 x 800 or
# 1024 x 768 window (the work/time figure stood 1,128-1,160 px tall, the roofline 943-1,100): its plot gives way,
# down to PROJECTOR_MIN_PLOT_PX; the text around it keeps its projector size.
PROJECTOR_FIGURE_PX = 740
PROJECTOR_MIN_PLOT_PX = 300


def _room(scale: float, width_px: float | None) -> float:
    """The plotting width of a figure shown `width_px` wide (default: page_width_px), between its margins."""
    return (width_px or page_width_px(scale)) - MARGIN["l"] - MARGIN["r"]


def _font_px(scale: float) -> int:
    """The Speed lab figures' text (a bar's number, a legend entry), times the scale."""
    return int(14 * scale)


def _panel_title_px(scale: float) -> float:
    """Panels' titles' size: make_subplots's 16 px times the scale. Left at 16 px, in projector mode they were smaller
    than the page's 18 px text, as were the legends (Streamlit's theme draws them at 0.75 rem) and the roofline's
    names (12 px times the scale)."""
    return round(SUBPLOT_TITLE_PX * scale, 1)


def _titles(titles: tuple[str, ...], room_px: float, scale: float = 1.0) -> tuple[str, ...]:
    """Panels' titles, each broken into lines that fit its panel (`room_px` wide)."""
    return tuple(fit_lines(title, room_px, _panel_title_px(scale)) for title in titles)


def _bottom_axes(fig: go.Figure) -> list[tuple[str, object]]:
    """The x axes along the plot's bottom edge, as (trace name of the axis, its layout): those anchored to a y axis
    whose domain starts at 0."""
    found = []
    for name in dict.fromkeys(["xaxis", *(key for key in fig.layout.to_plotly_json() if key.startswith("xaxis"))]):
        axis = fig.layout[name]
        anchor = axis.anchor if axis.anchor and axis.anchor != "free" else "y"
        y_axis = fig.layout["yaxis" + anchor[1:]]
        if (y_axis.domain or (0, 1))[0] == 0:
            found.append(("x" + name[len("xaxis"):], axis))
    return found


TICK_GAP_PX = 16  # from the plot's bottom edge to its tick labels' top (Plotly's tick and padding, measured)


def _tick_labels(fig: go.Figure, room: float, tick_px: float) -> float:
    """Lays out the bottom axes' category labels for the plot's width and returns the height they take: as written
    (lines broken by <br>) where every line fits its category, else turned upright on one line each (on a phone the
    labels of five bars ran into one another, and Plotly's own turn put them under the legend)."""
    height = TICK_GAP_PX + tick_px * 1.4  # numbers: one line
    for trace_axis, axis in _bottom_axes(fig):
        labels = list(dict.fromkeys(str(x) for trace in fig.data if (trace.xaxis or "x") == trace_axis
                                    and trace.x is not None for x in trace.x if isinstance(x, str)))
        if not labels:
            continue
        share = (axis.domain or (0, 1))[1] - (axis.domain or (0, 1))[0]
        category_px = room * share / len(labels)
        lines = [label.split("<br>") for label in labels]
        if all(text_em(line) * tick_px <= category_px - 6 for label in lines for line in label):
            height = max(height, TICK_GAP_PX + max(len(label) for label in lines) * tick_px * 1.4)
            axis.update(tickangle=0)
            continue
        upright = [label.replace("-<br>", "").replace("<br>", " ") for label in labels]
        axis.update(tickangle=-90, tickmode="array", tickvals=labels, ticktext=upright)
        height = max(height, TICK_GAP_PX + max(text_em(label) for label in upright) * tick_px + 6)
    return height


def _plot_px(height: int, scale: float, around_px: float) -> int:
    """The plot's height in a figure of nominal `height` whose title, labels and legend take `around_px`."""
    plot_px = int(height * scale) - MARGIN["t"] - MARGIN["b"]
    if scale > 1:
        plot_px = max(PROJECTOR_MIN_PLOT_PX, min(plot_px, int(PROJECTOR_FIGURE_PX - around_px)))
    return plot_px


def _layout(fig: go.Figure, title: str, height: int, scale: float, width_px: float | None = None,
            plot_px: int | None = None) -> go.Figure:
    """The Speed lab's look, laid out for a figure shown `width_px` wide: a title or a legend entry wider than the
    figure takes more lines (on a phone, "SeparableConv2D against Conv2D, forward: ..." ran 252 px past its edge).

    Below the plot, from the top: the bottom axes' labels, their title, then the legend, each in its own room, and the
    figure grows by what they take. The legend stood at a share of the plot's height below it, which on a 1024 x 768
    projector put the roofline's legend on its axis title, and on a phone under the bars' turned labels.

    The plot is `height` times the scale, less the margins, or in projector mode what PROJECTOR_FIGURE_PX leaves it
    (_plot_px); `plot_px` sets it instead (the roofline places its labels for the plot's height)."""
    font = _font_px(scale)
    title, title_lines_px = top_title(title, width_px or page_width_px(scale), font, 14)
    # The top margin holds the title's lines, from the top, then the top panels' titles' lines.
    panel_lines = max([1 + str(note.text).count("<br>") for note in fig.layout.annotations
                       if note.yref == "paper" and note.y is not None and note.y >= 0.99], default=0)
    top = 14 + title_lines_px + panel_lines * round(_panel_title_px(scale) * LINE_HEIGHT) + 12
    extra = max(0, top - MARGIN["t"])
    room = _room(scale, width_px)
    names = []
    for trace in fig.data:
        if trace.name and trace.showlegend is not False:
            trace.name = fit_lines(trace.name, room - 40, font)  # 40: the entry's line sample
            names.append(trace.name)
    axis_px = _tick_labels(fig, room, round(TICK_PX * scale, 1))
    # A bottom axis's title takes more lines where its axis is narrower than it (the roofline's "arithmetic
    # intensity (FLOPs per byte moved)" ran 22 px past a 360 px phone's edge)
    title_lines = 0
    for _, axis in _bottom_axes(fig):
        if axis.title.text:
            share = (axis.domain or (0, 1))[1] - (axis.domain or (0, 1))[0]
            axis.title.text = fit_lines(axis.title.text, room * share, font)
            title_lines = max(title_lines, 1 + axis.title.text.count("<br>"))
    if title_lines:
        axis_px += font * (1.5 + (title_lines - 1) * LINE_HEIGHT) + 12
    axis_px += 10  # between the axis and the legend
    legend_px = legend_height(names, room, font, grouped=any(trace.legendgroup for trace in fig.data))
    bottom = round(axis_px + legend_px + 12)
    if plot_px is None:  # the plot keeps its height, as far as a projector's window allows; the figure grows
        plot_px = _plot_px(height, scale, MARGIN["t"] + extra + bottom)
    fig.update_layout(title=title,
                      height=MARGIN["t"] + extra + plot_px + bottom, font=dict(family=FONT_FAMILY, size=font),
                      template="plotly_white", margin={**MARGIN, "t": MARGIN["t"] + extra, "b": bottom},
                      legend=dict(orientation="h", yanchor="top", y=-axis_px / plot_px, x=0, font=dict(size=font)))
    # The panels' titles (make_subplots's annotations, placed on the paper) at their size; the roofline's names and
    # other annotations placed on the data keep their own.
    fig.update_annotations(selector=dict(xref="paper", yref="paper"), font_size=_panel_title_px(scale))
    fig.update_xaxes(automargin=False)  # the bottom margin holds the labels: Plotly's push would move the legend up
    return readable(fig, scale)


def work_and_time_figure(timings: Sequence[Timing], scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """Work (multiply-adds per layer kind) beside, or in projector mode or a narrow figure above, time (median ms with
    the interquartile range). Projector-sized labels need the page's whole width: side by side they crossed."""
    room = _room(scale, width_px)
    stacked = scale > 1 or room < 700
    # In millions, or the unit the table beside it uses for a tiny layer's (its bars read "0.0 M multiply-adds")
    unit, per_unit, places = column_unit([t.multiply_adds for t in timings if t.measured])
    work = f"{COUNT_WORDS[unit]} multiply-adds".strip()
    titles = _titles((f"Work ({work}, whole batch)",
                      "Time (median ms; whiskers: middle half of the samples)"), room if stacked else room * 0.45,
                     scale)
    # Stacked, the two panels share their bars' names, written once under the lower one.
    fig = (make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=titles)
           if stacked else
           make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=titles))
    time_panel = dict(row=2, col=1) if stacked else dict(row=1, col=2)
    for pass_name in PASSES:
        rows = [t for t in timings if t.pass_name == pass_name and t.measured]
        if not rows:
            continue
        names = [axis_label(t.kind) for t in rows]
        color = PASS_COLORS[pass_name]
        fig.add_bar(x=names, y=[t.multiply_adds / per_unit for t in rows], name=PASS_LABELS[pass_name],
                    marker_color=color, legendgroup=pass_name, row=1, col=1,
                    hovertemplate=f"%{{x}}: %{{y:,.{places}f}} {unit} multiply-adds".replace("  ", " ")
                    + "<extra>" + PASS_LABELS[pass_name] + "</extra>")
        quartiles = [t.quartiles_ms() for t in rows]
        fig.add_bar(x=names, y=[q[1] for q in quartiles], name=PASS_LABELS[pass_name], marker_color=color,
                    legendgroup=pass_name, showlegend=False, **time_panel,
                    error_y=dict(type="data", symmetric=False, array=[q[2] - q[1] for q in quartiles],
                                 arrayminus=[q[1] - q[0] for q in quartiles], color="#111827"),
                    hovertemplate="%{x}: %{y:.2f} ms (median)<extra>" + PASS_LABELS[pass_name] + "</extra>")
    fig.update_yaxes(title_text=work, row=1, col=1)
    fig.update_yaxes(title_text="ms", **time_panel)
    fig.update_layout(barmode="group")
    return _layout(fig, work_time_title(timings), 760 if stacked else 460, scale, width_px)


def ratio_label(ratio: float) -> str:
    """A bar's ratio, as the bar's height: 2.04 -> '2.0x'; one that would round to 1.0 gets another digit (0.98x read
    '1.0x', as if the two layers were even, under a title saying 1.02x more multiply-adds)."""
    return times_text(ratio, 1)


def ratio_figure(timings: Sequence[Timing], scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """For each separable kind and pass: how many times fewer multiply-adds, and how many times faster, than Conv2D."""
    rows = [r for r in speed_ratios(timings) if r["kind"] in ("separable", "depthwise_pointwise")]
    names = [f"{short_name(r['kind'])}<br>{PASS_LABELS[r['pass_name']]}" for r in rows]
    fig = go.Figure()
    fig.add_bar(x=names, y=[r["mac_ratio"] for r in rows], name="Conv2D's multiply-adds / its multiply-adds",
                marker_color="#94a3b8", text=[ratio_label(r['mac_ratio']) for r in rows], textposition="outside")
    fig.add_bar(x=names, y=[r["speed_ratio"] for r in rows], name="speed-up: Conv2D's time / its time (measured; "
                "below 1 is slower)", marker_color="#c2410c", text=[ratio_label(r['speed_ratio']) for r in rows],
                textposition="outside")
    fig.add_hline(y=1, line_dash="dot", line_color="#111827")
    top = max([r["mac_ratio"] for r in rows] + [r["speed_ratio"] for r in rows] + [1.0])
    fig.update_yaxes(title_text="times", range=[0, top * 1.2])
    fig.update_layout(barmode="group")
    return _layout(fig, "Speed-up next to the multiply-add saving (dotted line: no speed-up)", 440, scale, width_px)


# Each kind's marker on the sweep's lines: SeparableConv2D's blue and Depthwise + 1x1's sky blue, the same maths two
# ways, are told apart by shape too (ΔE 25 between them)
SWEEP_SYMBOLS = {"standard": "circle", "separable": "square", "depthwise_pointwise": "diamond"}


def sweep_figure(timings: Sequence[Timing], parameter: str, pass_name: str, scale: float = 1.0,
                 width_px: float | None = None, left_out: Sequence[int] = ()) -> go.Figure:
    """Top: median ms of each kind as one size grows; bottom: multiply-add ratio and speed ratio to Conv2D.

    Values not timed (`left_out` before timing, over a limit; a step skipped at a value, by the time cap or the
    backend) are named in the title and marked by a dotted line at their place: only captions said so, and the lines
    ran straight over the gap."""
    rows = [t for t in timings if t.pass_name == pass_name and t.measured]
    axis_name = SWEEP_PARAMETERS[parameter]
    missing = sorted(set(left_out) | {getattr(t.setup, parameter) for t in timings
                                      if t.pass_name == pass_name and not t.measured})
    titles = _titles((f"Median time, {PASS_LABELS[pass_name]} (ms, log scale)",
                      "Times fewer multiply-adds (dashed grey) and times faster (solid) than Conv2D"),
                     _room(scale, width_px), scale)
    # The lower panel's title stands between the panels: each further line of it needs a line's more room there.
    spacing = 0.1 + round(_panel_title_px(scale) * LINE_HEIGHT) * titles[1].count("<br>") / (620 * scale - 130)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=spacing, subplot_titles=titles)
    for kind in LAYER_KINDS:
        points = sorted((getattr(t.setup, parameter), t) for t in rows if t.kind == kind)
        if not points:
            continue
        fig.add_scatter(x=[p[0] for p in points], y=[p[1].median_ms for p in points], mode="lines+markers",
                        name=short_name(kind), line_color=KINDS[kind].colour, legendgroup=kind, row=1, col=1,
                        marker=dict(symbol=SWEEP_SYMBOLS.get(kind, "circle"), size=9 * scale),
                        hovertemplate=f"{axis_name} %{{x}}: %{{y:.2f}} ms<extra>{short_name(kind)}</extra>")
    if missing and rows:  # a dotted line across the top panel's times at each value not timed
        low, high = min(t.median_ms for t in rows), max(t.median_ms for t in rows)
        fig.add_scatter(x=[x for value in missing for x in (value, value, None)],
                        y=[y for _ in missing for y in (low, high, None)], mode="lines", line_dash="dot",
                        line_color="#64748b", name=f"not timed ({axis_name} {', '.join(map(str, missing))})", row=1,
                        col=1, hoverinfo="skip")
    ratios = speed_ratios(rows)
    work = sorted((getattr(r["setup"], parameter), r["mac_ratio"]) for r in ratios if r["kind"] == "separable")
    if work:  # the two separable kinds differ by a bias: one line for their multiply-add saving
        fig.add_scatter(x=[w[0] for w in work], y=[w[1] for w in work], mode="lines", line_dash="dash",
                        line_color="#64748b", name="times fewer multiply-adds (SeparableConv2D)", row=2, col=1,
                        # as the sentences word it: "%{y:.1f}x fewer" read 1.0x fewer for 1.02x more (k = 1)
                        customdata=[times(w[1], "fewer", "more") for w in work],
                        hovertemplate="%{customdata} multiply-adds<extra></extra>")
    for kind in ("separable", "depthwise_pointwise"):
        points = sorted((getattr(r["setup"], parameter), r["speed_ratio"]) for r in ratios if r["kind"] == kind)
        if points:
            fig.add_scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers",
                            line_color=KINDS[kind].colour, legendgroup=kind, showlegend=False, row=2, col=1,
                            marker=dict(symbol=SWEEP_SYMBOLS.get(kind, "circle"), size=9 * scale),
                            customdata=[times(p[1], "faster", "slower") for p in points],
                            hovertemplate="%{customdata}<extra>" + short_name(kind) + "</extra>")
    fig.update_yaxes(type="log", tickvals=log_ticks([t.median_ms for t in rows]), title_text="ms", row=1, col=1)
    fig.update_yaxes(title_text="times", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(type="log" if parameter == "out_channels" else "linear",
                     tickvals=sorted({getattr(t.setup, parameter) for t in rows} | set(missing)))  # both panels
    fig.update_xaxes(title_text=axis_name, row=2, col=1)
    title = f"Sweep over {axis_name}, {PASS_LABELS[pass_name]}"
    if missing:  # a value where some kinds were timed names the kinds that were not ("not timed at 256" stood over
        # two kinds' points at 256)
        swept = list(dict.fromkeys(t.kind for t in timings if t.pass_name == pass_name))
        untimed = {value: [kind for kind in swept if not any(
            t.kind == kind and t.measured and getattr(t.setup, parameter) == value for t in rows)] for value in missing}
        whole = [str(value) for value in missing if len(untimed[value]) == len(swept)]
        parts = [f"not timed at {', '.join(whole)}"] if whole else []
        parts += [f"{listed([short_name(kind) for kind in untimed[value]])} not timed at {value}"
                  for value in missing if len(untimed[value]) < len(swept)]
        title += f": {'; '.join(parts)} (dotted)"
    return _layout(fig, title, 620, scale, width_px)


def intensity_figure(traffic: dict[str, LayerTraffic], measured: Sequence[Timing] = (),
                     scale: float = 1.0, roofs: Roofs | None = None, width_px: float | None = None) -> go.Figure:
    """Arithmetic intensity (FLOPs per byte) of each kind and of each step, with the device's measured ridge
    point when its roofs are known; with timings, achieved GFLOP/s beside it."""
    bars = [(kind, axis_label(kind), layer.flops_per_byte) for kind, layer in traffic.items()]
    two_step = traffic.get("separable") or traffic.get("depthwise_pointwise")
    if two_step is not None:  # the two steps of the separable layer (the tutorial's variant differs by a bias)
        bars += [("depthwise" if stage.name == "depthwise" else "pointwise",
                  f"its {'1x1' if stage.name == 'pointwise' else stage.name}<br>step",
                  stage.flops_per_byte) for stage in two_step.stages]
    forward = {t.kind: t for t in measured if t.pass_name == "forward" and t.measured}
    columns = 2 if forward else 1
    room = _room(scale, width_px)
    titles = _titles(("Arithmetic intensity: FLOPs per byte moved (log scale)", "Achieved speed, forward (GFLOP/s)"),
                     room * 0.54 if columns == 2 else room, scale)[:columns]
    fig = make_subplots(rows=1, cols=columns, horizontal_spacing=0.1, column_widths=[0.6, 0.4][:columns],
                        subplot_titles=titles)
    top = max([b[2] for b in bars] + ([roofs.ridge] if roofs is not None else []))
    # from under the lowest bar: a 1x1 kernel's depthwise step (0.2) stood below the axis, its number on the names
    low = min(-0.3, math.log10(min(b[2] for b in bars)) - 0.3)
    y_range = [low, math.log10(top) + 0.45]
    # A bar's number stands just over it; where the ridge line runs through that number (a measured ridge of 13.9
    # over bars of 9.1) it is written inside the bar's top instead.
    decades_per_px = (y_range[1] - y_range[0]) / (int(440 * scale) - MARGIN["t"] - MARGIN["b"])
    label_decades = (_font_px(scale) * LINE_HEIGHT + 4) * decades_per_px
    crossed = [roofs is not None and 0 <= math.log10(roofs.ridge) - math.log10(b[2]) <= label_decades for b in bars]
    fig.add_bar(x=[b[1] for b in bars], y=[b[2] for b in bars], marker_color=[KINDS[b[0]].colour for b in bars],
                text=[f"{b[2]:.1f}" for b in bars], textposition=["inside" if c else "outside" for c in crossed],
                insidetextanchor="end", showlegend=False, row=1, col=1,
                hovertemplate="%{x}: %{y:.2f} FLOPs per byte<extra></extra>")
    if roofs is not None:  # below the ridge a step can at best reach intensity x bandwidth, not the peak
        fig.add_hline(y=roofs.ridge, line_dash="dash", line_color="#92400e", row=1, col=1)
        # Named in the legend, under the plot: on the plot no place was free for every layer. Over the shortest bar
        # the name covered "12.2" over a bar just past a ridge of 11.5; at the line's right end, the 1x1 step's bar
        # rose through it. The caption under the figure says what the line is.
        fig.add_scatter(x=[None], y=[None], mode="lines", line=dict(color="#92400e", dash="dash", width=2),
                        name=f"ridge point: {roofs.ridge:.1f} FLOPs per byte", hoverinfo="skip", row=1, col=1)
    fig.update_yaxes(type="log", dtick=1, range=y_range, title_text="FLOPs / byte", row=1, col=1)
    if forward:
        kinds = [k for k in LAYER_KINDS if k in forward]
        fig.add_bar(x=[axis_label(k) for k in kinds], y=[forward[k].gflops_per_s for k in kinds],
                    marker_color=[KINDS[k].colour for k in kinds], showlegend=False, row=1, col=2,
                    text=[rate(forward[k].gflops_per_s) for k in kinds], textposition="outside",
                    hovertemplate="%{x}: %{y:.3~g} GFLOP/s<extra></extra>")
        # The panel's title names its unit; on a narrow page an axis title beside it stood on the intensity
        # panel's bar labels ("15.9", "ridge point 7.1"), so it is left out there.
        fig.update_yaxes(title_text="GFLOP/s" if room >= 700 else None, row=1, col=2)
    return _layout(fig, "Work per byte moved", 440, scale, width_px)


PASS_SYMBOLS = {"forward": "circle", "forward_backward": "diamond"}
ROOFLINE_HEIGHT = 520  # the roofline's height, before the scale and the rows under its plot
# Marker sizes (times the scale). SeparableConv2D does the work of DepthwiseConv2D + 1x1 Conv2D and often as fast: its
# points landed exactly under theirs and vanished. Drawn larger, before them (LAYER_KINDS' order), they ring them.
MARKER_PX = {"separable": 20}
MARKER_PX_DEFAULT = 13
# Where each kind's label sits beside its point, first choice: the two separable kinds land on top of each other.
LABEL_POSITIONS = {"standard": "middle left", "separable": "top left", "depthwise_pointwise": "bottom right",
                   "depthwise": "middle right", "pointwise": "top right"}
# The other places tried, in order, where the first is taken (by the roofs, their names, a point or another label)
OTHER_POSITIONS = ("middle right", "bottom right", "top right", "middle left", "bottom left", "top left",
                   "top center", "bottom center")


LABEL_GAP_PX = 8  # room kept left and right of a label: the layout's pixels are the browser's to within about that


def _label_box(position: str, x: float, y: float, radius: float, width: float, height: float) -> tuple:
    """The box (left, top, right, bottom; pixels, y down) of a label `width` x `height` that Plotly writes at
    `position` beside a marker of `radius` at (x, y), with a little room around it."""
    vertical, horizontal = position.split()
    gap = radius / 0.8 + 1  # Plotly's offset of a point's text from its centre (measured in Chromium: 9.1 px at 13)
    left = {"left": x - gap - width, "right": x + gap, "center": x - width / 2}[horizontal]
    top = {"top": y - gap - height, "bottom": y + gap - 2, "middle": y - height / 2}[vertical]
    # the room kept on the sides away from the marker (on its side the box would take in the marker itself)
    return (left - (LABEL_GAP_PX if horizontal != "right" else 0), top - (1 if vertical != "bottom" else 0),
            left + width + (LABEL_GAP_PX if horizontal != "left" else 0), top + height + (vertical != "top"))


def _overlaps(one: tuple, other: tuple) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def _label_positions(points: Sequence[tuple[str, str, float, float, float]], obstacles: Sequence[tuple],
                     roof: Sequence[tuple[float, float]], room: tuple[float, float], font_px: float,
                     markers: Sequence[tuple[float, float, float]]) -> list[str | None]:
    """Where each point's label goes: `points` are (kind, label, x, y, marker radius) in the plot's pixels (y down),
    labelled in that order; each takes the first place of its kind's LABEL_POSITIONS, then OTHER_POSITIONS, whose
    box stays in the plot (Plotly cuts a point's text at the plot's edge) and clear of the `obstacles` (boxes: the
    roofs' names), the `roof` line (pixel points along it), every marker ((x, y, radius)) and the labels placed
    before. None where no place is clear: the legend and the hover name that point. Fixed places put
    "SeparableConv2D" across the bandwidth roof, away from its own point, and Conv2D's name on the peak roof's."""
    placed: list[tuple] = []
    markers = [(x - r, y - r, x + r, y + r) for x, y, r in markers]
    chosen = []
    for kind, label, x, y, radius in points:
        width, height = text_em(label) * font_px, font_px * LINE_HEIGHT
        for position in dict.fromkeys((LABEL_POSITIONS[kind], *OTHER_POSITIONS)):
            box = _label_box(position, x, y, radius, width, height)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= room[0] and box[3] <= room[1]
            if inside and not any(_overlaps(box, other) for other in (*obstacles, *placed, *markers)) \
                    and not any(box[0] < px < box[2] and box[1] < py < box[3] for px, py in roof):
                chosen.append(position)
                placed.append(box)
                break
        else:
            chosen.append(None)
    return chosen


def roofline_figure(steps: Sequence[StepRegime], roofs: Roofs, device: str, scale: float = 1.0,
                    width_px: float | None = None) -> go.Figure:
    """The classic roofline, log-log: the device's two roofs and each measured step as a point labelled by kind.

    Its points' labels are placed for the plot's height, so in projector mode it is drawn once to learn what its
    title, labels and legend take, then again with the plot that leaves the figure PROJECTOR_FIGURE_PX tall."""
    plot_px = int(ROOFLINE_HEIGHT * scale) - MARGIN["t"] - MARGIN["b"]
    fig = _roofline(steps, roofs, device, scale, width_px, plot_px)
    if scale > 1 and fig.layout.height > PROJECTOR_FIGURE_PX:
        fig = _roofline(steps, roofs, device, scale, width_px,
                        _plot_px(ROOFLINE_HEIGHT, scale, fig.layout.height - plot_px))
    return fig


def _roofline(steps: Sequence[StepRegime], roofs: Roofs, device: str, scale: float, width_px: float | None,
              plot_px: int) -> go.Figure:
    # A narrow figure (a phone's) has no room for words on the plot: its points' names overlapped and ran past the
    # edge, and the roofs' names covered the axis. The legend names the points; the page's text, the roofs.
    room = _room(scale, width_px)
    narrow = room < NARROW_PX
    intensities = [s.flops_per_byte for s in steps] + [roofs.ridge]
    low = 10 ** math.floor(math.log10(min(intensities) / 2))
    high = 10 ** math.ceil(math.log10(max(intensities) * 2))
    lowest = min([s.achieved_gflops for s in steps] + [roofs.bound_gflops(low)])
    x_range = [math.log10(low), math.log10(high)]
    y_range = [math.log10(lowest / 2), math.log10(roofs.peak_gflops * 3)]
    y_ticks = log_ticks([lowest / 2, roofs.peak_gflops * 3])
    # The plot's width: Plotly widens the left margin for the y axis's numbers and title (by 17 px in projector mode)
    axis_px = max(text_em(f"{tick:g}") for tick in y_ticks) * TICK_PX * scale + 14 * scale * LINE_HEIGHT + 25
    room -= max(0.0, axis_px - MARGIN["l"])

    def pixels(x: float, y: float) -> tuple[float, float]:  # a point's place on the plot, y down
        return (room * (math.log10(x) - x_range[0]) / (x_range[1] - x_range[0]),
                plot_px * (y_range[1] - math.log10(y)) / (y_range[1] - y_range[0]))

    xs = [low, roofs.ridge, high]
    fig = go.Figure()
    fig.add_scatter(x=xs, y=[roofs.bound_gflops(x) for x in xs], mode="lines", line=dict(color="#111827",
                    width=3 * scale), name="roofs: min(peak, intensity x bandwidth)", hoverinfo="skip")
    font_px = round(TICK_PX * scale, 1)  # as the axes' numbers: 12 px times the scale was 16 px on a projector
    names = []  # the roofs' names' boxes on the plot, which the points' labels keep clear of
    if not narrow:  # the roofs' names: the bandwidth's left of the ridge, the peak's right of it, each in its room
        ridge_x, ridge_y = pixels(roofs.ridge, roofs.peak_gflops)
        # The peak's name starts just right of the ridge: at the roof's right end, the Conv2D points, the most
        # intense, stood on it ("peak 213" half hidden by a diamond).
        # A point above it is said on it: the page's own data beat a line named "peak", explained only further down.
        # Said on lines no longer than the name alone, which ends short of the most intense points (on one line it
        # ran under the Conv2D diamond).
        name = f"peak {roofs.peak_gflops:.0f} GFLOP/s (matrix product)"
        beyond = above_peak(steps, roofs)
        peak = fit_lines(name[:-1] + "; a layer ran faster: see below)" if beyond else name,
                         min(room - ridge_x - 18, text_em(name) * font_px + 2) if beyond else room - ridge_x - 18,
                         font_px)
        bandwidth = fit_lines(f"bandwidth {roofs.bandwidth_gbs:.1f} GB/s (array copy) x intensity ", ridge_x, font_px)
        for text, right_of_ridge in ((peak, True), (bandwidth, False)):
            lines = text.split("<br>")
            width, height = max(map(text_em, lines)) * font_px, len(lines) * font_px * LINE_HEIGHT
            left = ridge_x + 8 if right_of_ridge else ridge_x - width
            names.append((left, ridge_y - height, left + width, ridge_y))
        fig.add_annotation(x=math.log10(roofs.ridge), y=math.log10(roofs.peak_gflops), showarrow=False, xanchor="left",
                           xshift=8, text=peak, yanchor="bottom", font=dict(size=font_px, color="#111827"))
        fig.add_annotation(x=math.log10(roofs.ridge), y=math.log10(roofs.bound_gflops(roofs.ridge)), showarrow=False,
                           text=bandwidth, xanchor="right", yanchor="bottom", font=dict(size=font_px, color="#111827"))
    groups = [(kind, pass_name, [s for s in steps if s.timing.kind == kind and s.timing.pass_name == pass_name])
              for kind in LAYER_KINDS for pass_name in PASSES]
    groups = [group for group in groups if group[2]]
    radius = {kind: MARKER_PX.get(kind, MARKER_PX_DEFAULT) * scale / 2 for kind in LAYER_KINDS}
    labelled = [(kind, short_name(kind), *pixels(p.flops_per_byte, p.achieved_gflops), radius[kind])
                for kind, pass_name, points in groups if pass_name == "forward" for p in points]
    # Every point is a marker to keep clear of (Plotly's diamond reaches 1.3 times its size's half); only a forward
    # point is named
    markers = [(*pixels(p.flops_per_byte, p.achieved_gflops), radius[kind] * (1.3 if pass_name != "forward" else 1))
               for kind, pass_name, points in groups for p in points]
    roof = [pixels(x, roofs.bound_gflops(x)) for x in np.logspace(x_range[0], x_range[1], 400)]
    positions = iter(_label_positions(labelled, names, roof, (room, plot_px), font_px, markers) if not narrow else ())
    for kind, pass_name, points in groups:
        places = [next(positions) for _ in points] if pass_name == "forward" and not narrow else [None] * len(points)
        fig.add_scatter(
            x=[p.flops_per_byte for p in points], y=[p.achieved_gflops for p in points], mode="markers+text",
            marker=dict(color=KINDS[kind].colour, size=MARKER_PX.get(kind, MARKER_PX_DEFAULT) * scale,
                        symbol=PASS_SYMBOLS[pass_name], line=dict(color="#111827", width=1)),
            text=[short_name(kind) if place else "" for place in places],
            textposition=[place or "top center" for place in places],
            textfont=dict(size=font_px, color="#111827"),
            name=f"{short_name(kind)}, {PASS_LABELS[pass_name]}",
            # the share its label was judged on, as the sentences say it: a step judged with its twin read "below
            # both roofs (52% of its roof)" beside "49% of its roof, judged together" in the bullet under the chart
            # and its speeds as the table and the sentences write them: "%{y:.1f}" read a tiny layer's 0.000052
            # GFLOP/s as "0.0"
            customdata=[[p.label, rate(p.achieved_gbs, 1), judged_share(p, "its roof"), rate(p.achieved_gflops, 1)]
                        for p in points],
            hovertemplate=("%{x:.2f} FLOPs/byte, %{customdata[3]} GFLOP/s, %{customdata[1]} GB/s: "
                           "%{customdata[0]} (%{customdata[2]})<extra>"
                           f"{short_name(kind)}, {PASS_LABELS[pass_name]}</extra>"))
    ticks = log_ticks([low, high])
    if narrow:  # powers of ten only: 1, 2, 5, 10, ... stood on their sides, and the axis title ran into the legend
        ticks = [tick for tick in ticks if math.log10(tick).is_integer()]
    fig.update_xaxes(type="log", title_text="arithmetic intensity (FLOPs per byte moved)", range=x_range,
                     tickvals=ticks, tickangle=0)
    fig.update_yaxes(type="log", title_text="achieved GFLOP/s", range=y_range, tickvals=y_ticks)
    # "under its roofs" only where every step is: the recorded Conv2D forward + backward sits above the peak (123%)
    where = "under its roofs" if all(step.achieved_gflops <= step.bound_gflops for step in steps) else "and its roofs"
    return _layout(fig, f"Roofline of {device}: each timed step {where}", ROOFLINE_HEIGHT, scale, width_px,
                   plot_px)


def timing_table(timings: Sequence[Timing], pass_name: str, roofs: Roofs | None = None) -> list[dict[str, object]]:
    """Rows for the timing table of one pass (the page shows one table per pass; with a column naming the pass, one
    table of both ran 43 px past a 1024 x 768 projector's page): median, spread, work, achieved GFLOP/s and GB/s,
    both ratios to Conv2D, and with the device's roofs what limits each step."""
    ratios = {(r["kind"], r["pass_name"], r["setup"]): r for r in speed_ratios(timings)}
    unit, per_unit, places = column_unit([t.multiply_adds for t in timings])  # one unit for both passes' tables
    # one decimal, or as many as the slowest needs for two significant digits (a small layer's 0.14 read 0.0)
    measured = [t for t in timings if t.measured]
    speed_places = (rate_places([t.gflops_per_s for t in measured], 1),
                    rate_places([t.gbytes_per_s for t in measured], 1))
    regimes = {id(step.timing): step for step in classify_all(timings, roofs)} if roofs is not None else {}
    rows = []
    for t in (t for t in timings if t.pass_name == pass_name):
        ratio = ratios.get((t.kind, t.pass_name, t.setup), {})
        if t.kind == "standard" and t.measured:
            ratio = {"mac_ratio": 1.0, "speed_ratio": 1.0}  # the baseline itself
        # What a reader compares comes first (time, the two ratios, the regime); the details after.
        row = {
            "layer": timed_name(t.kind),
            "median ms": Fixed(t.median_ms, 3) if t.measured else None,
            "x fewer multiply-adds": ratio_cell(ratio["mac_ratio"]) if ratio else None,
            "x faster": ratio_cell(ratio["speed_ratio"]) if ratio else None,
        }
        if roofs is not None:  # one label for rows of the same layer within noise of each other (classify_all)
            regime = regimes.get(id(t))
            row["limited by"] = regime.label if regime else None
        row.update({
            "GFLOP/s": Fixed(t.gflops_per_s, speed_places[0]) if t.measured else None,
            "GB/s": Fixed(t.gbytes_per_s, speed_places[1]) if t.measured else None,
            "IQR ms": Fixed(t.iqr_ms, 3) if t.measured else None,
            "n": len(t.samples_ms),
            f"{unit} multiply-adds".strip(): Fixed(t.multiply_adds / per_unit, places),
        })
        if any(other.skipped for other in timings):
            row["note"] = t.skipped
        rows.append(row)
    return rows


def tutorial_table(timings: Sequence[Timing], layer_names: Sequence[str],
                   pass_name: str = "forward_backward") -> tuple[list[dict[str, object]], str]:
    """Per tutorial layer: median ms of each kind and the two ratios; and a sentence summing the six layers."""
    setups = list(dict.fromkeys(t.setup for t in timings))
    found = {(t.kind, t.setup): t for t in timings if t.pass_name == pass_name and t.measured}
    rows, totals = [], {}
    for name, setup in zip(layer_names, setups):
        row: dict[str, object] = {"layer": name, "input": f"{setup.height}x{setup.width}x{setup.in_channels}",
                                  "output channels": setup.out_channels}
        for kind in ("standard", "separable", "depthwise_pointwise"):
            timing = found.get((kind, setup))
            row[f"{short_name(kind)} ms"] = Fixed(timing.median_ms, 2) if timing else None
            if timing:
                ms, work = totals.get(kind, (0.0, 0))
                totals[kind] = (ms + timing.median_ms, work + timing.multiply_adds)
        standard, separable = found.get(("standard", setup)), found.get(("separable", setup))
        if standard and separable:
            row["x fewer multiply-adds"] = ratio_cell(standard.multiply_adds / separable.multiply_adds)
            row["x faster"] = ratio_cell(standard.median_ms / separable.median_ms)
        rows.append(row)
    if "standard" not in totals or "separable" not in totals:
        return rows, "Some layers were not measured, so there is no total."
    (std_ms, std_work), (sep_ms, sep_work) = totals["standard"], totals["separable"]
    places = 0  # whole milliseconds, or the decimals that tell two different totals apart ("2 ms ... 2 ms: slower")
    while places < 3 and std_ms != sep_ms and f"{std_ms:.{places}f}" == f"{sep_ms:.{places}f}":
        places += 1
    layers = f"{len(setups)} layers" if len(setups) != 1 else "one layer"
    summary = (f"Summed over the {layers} ({PASS_LABELS[pass_name]}, batch {setups[0].batch}): Conv2D "
               f"{std_ms:.{places}f} ms, SeparableConv2D {sep_ms:.{places}f} ms: "
               f"{times(std_ms / sep_ms, 'faster', 'slower')} for "
               f"{times(std_work / sep_work, 'fewer', 'more', 2)} multiply-adds. The tutorial's GPU: 26 vs 21 ms per "
               "training step (1.24x faster) for 8.35x fewer.")
    return rows, summary
