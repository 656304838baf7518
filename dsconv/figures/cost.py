"""Plotly figures for what convolutions cost: kinds side by side, the MobileNet ratio, a network's
shares, and the home page's picture of standard vs depthwise + pointwise.

Builders take plain numbers and return figures; they compute nothing a page could not check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dsconv.costs.arithmetic import layer_cost, percent_column, shape_text
from dsconv.costs.network import NetworkSummary
from dsconv.figures.plotting import go
from dsconv.figures.style import (
    CHANNEL_COLOURS,
    FONT_FAMILY,
    LINE_HEIGHT,
    SERIES_COLOURS,
    axis,
    fit_lines,
    legend_height,
    page_width_px,
    text_em,
    top_title,
    two_lines,
)
from dsconv.kinds import KINDS
from dsconv.safe_text import COUNT_UNITS, counted, digits_apart_from_one, half_up, in_units, significant, told_apart

PART_COLORS = {"depthwise": KINDS["depthwise"].colour, "pointwise": KINDS["pointwise"].colour,
               "standard conv": KINDS["standard"].colour, "batchnorm": "#a78bfa", "dense": "#6b7280"}
FONT = dict(family=FONT_FAMILY, size=16, color="#111827")


MEMORY_UNITS = ("B", "KiB", "MiB", "GiB")


def memory_text(n_bytes: int) -> str:
    """Bytes under 1 KiB (a tiny tensor's 48 B read "0.0 KiB"), else one decimal in the unit its bar's label takes
    (short_memory): a 1024 x 1024 x 4096 output read "16,384.0 MiB" in the table beside its bar's "16 GiB", and 5 GiB
    "5,120.0 MiB"."""
    if n_bytes < 1024:
        return f"{n_bytes:,} B"
    power = _memory_power(n_bytes)
    return f"{n_bytes / 1024**power:,.1f} {MEMORY_UNITS[power]}"


def ratio_text(ratio: float, extra: int = 0) -> str:
    """A ratio with three decimals (0.113), or three significant digits below 0.01 (0.000246), never 0.000, and the
    decimals it takes not to read 1.000 when it is not 1 (C = N = 4096 with k = 1: SeparableConv2D has 1.0002 times
    the standard layer's params); `extra` decimals more. A half rounds up, as by hand: 800 / 12,800 = 0.0625 read
    "0.062" (Python rounds an exact half to even)."""
    if ratio >= 0.01 or ratio <= 0:
        return half_up(ratio, digits_apart_from_one(ratio, 3) + extra)
    return half_up(ratio, 2 - math.floor(math.log10(ratio)) + extra)  # no exponent: 0.0000246, not 2.46e-05


def ratio_column(ratios: list[float | None]) -> list[str | None]:
    """Ratios of one column (ratio_text), told apart (safe_text.told_apart): at C = N = 4096, k = 11, m = 8,
    SeparableConv2D's 138,186,752 params and DepthwiseConv2D + 1x1's 138,219,520 both read "0.068" of the standard
    layer's. The other ratios keep their own digits (given to the whole column, 0.00197 read 0.0019693, and the table
    ran past a 1024 x 768 projector's page). None (no ratio) stays None."""
    shown = iter(told_apart([ratio for ratio in ratios if ratio is not None], ratio_text))
    return [None if ratio is None else next(shown) for ratio in ratios]


STEP_LABELS = {"depthwise": "↳ its depthwise step", "pointwise": "↳ its pointwise (1x1) step, on the depthwise output"}


def kind_label(kind: str, groups: int = 1) -> str:
    """A kind's row label; a grouped layer with one group says that it is the standard layer."""
    if kind == "grouped" and groups == 1:
        return f"{KINDS[kind].label} (g = 1: the standard layer)"
    return KINDS[kind].label


def cost_table_rows(costs: dict, count_name: str, use_flops: bool, groups: int = 1) -> list[dict[str, str]]:
    """The comparison table's rows: a LayerCost per kind, or its error sentence (shown as "invalid here").

    A two-step kind (separable, depthwise + 1x1) is followed by one row per step, so the steps add up to it.
    """
    standard, rows = costs["standard"], []
    versus_of = dict(zip(costs, ratio_column([None if isinstance(standard, str) or isinstance(cost, str) else
                                              cost.params / standard.params for cost in costs.values()])))
    for kind, cost in costs.items():
        label = kind_label(kind, groups)
        if isinstance(cost, str):
            rows.append({"Kind": label, "Params": "invalid here", count_name: "—", "Output shape": "—",
                         "Activation memory": "—", "Params vs standard": "—"})
            continue
        versus = versus_of[kind] or "—"
        rows.append({"Kind": label, "Params": f"{cost.params:,}",
                     count_name: f"{cost.flops if use_flops else cost.multiply_adds:,}",
                     "Output shape": shape_text(cost.output_shape),
                     "Activation memory": memory_text(cost.activation_bytes), "Params vs standard": versus})
        if len(cost.stages) > 1:
            for stage in cost.stages:
                rows.append({"Kind": f"{STEP_LABELS[stage.name]} ({KINDS[kind].label})",
                             "Params": f"{stage.params:,}",
                             count_name: f"{stage.flops if use_flops else stage.multiply_adds:,}",
                             "Output shape": shape_text(stage.output_shape),
                             "Activation memory": memory_text(stage.activation_bytes),
                             "Params vs standard": "—"})
    return rows


def network_table_rows(summary: NetworkSummary) -> list[dict[str, str]]:
    """One row per layer with its shares (each column adds up to the total row's 100.0), and a total row."""
    params = percent_column([summary.params_share(r) for r in summary.rows])
    multiply_adds = percent_column([summary.multiply_adds_share(r) for r in summary.rows])
    rows = [{"Layer": r.name, "Type": r.layer, "Output shape": shape_text(r.output_shape), "Params": f"{r.params:,}",
             "% params": p, "Multiply-adds": f"{r.multiply_adds:,}", "% multiply-adds": m}
            for r, p, m in zip(summary.rows, params, multiply_adds)]
    rows.append({"Layer": "total", "Type": "", "Output shape": "", "Params": f"{summary.total_params:,}",
                 "% params": "100.0", "Multiply-adds": f"{summary.total_multiply_adds:,}",
                 "% multiply-adds": "100.0"})  # the column's one decimal, as every row has it
    return rows


def _base_layout(height: int, scale: float, **extra) -> dict:
    """Layout shared by the charts: projector-sized font, white background, no legend unless asked."""
    layout = dict(height=int(height * scale), font=dict(FONT, size=int(FONT["size"] * scale)),
                  margin=dict(l=10, r=10, t=60, b=10), plot_bgcolor="white", paper_bgcolor="white",
                  showlegend=False)
    layout.update(extra)
    return layout


def _panels(titles: list[str], gap: float = 0.03) -> tuple[dict, list[dict]]:
    """Side-by-side x axes sharing one y axis (what make_subplots does, built as plain dicts: much faster)."""
    width = (1 - gap * (len(titles) - 1)) / len(titles)
    axes, annotations = {}, []
    for index, title in enumerate(titles):
        start = index * (width + gap)
        name = "xaxis" if index == 0 else f"xaxis{index + 1}"
        axes[name] = axis(domain=[start, start + width], anchor="y", rangemode="tozero")
        annotations.append(dict(text=title, x=start + width / 2, y=1.0, xref="paper", yref="paper",
                                xanchor="center", yanchor="bottom", showarrow=False, yshift=8))
    return axes, annotations


def _rows(titles: list[str], gap_px: float, height_px: float) -> tuple[dict, list[dict]]:
    """Panels one above another, each with its own x and y axis: a narrow page (a phone) has no room for them side
    by side. `gap_px` between the panels, of a plotting area `height_px` tall, holds each panel's title."""
    gap = gap_px / height_px
    height = (1 - gap * (len(titles) - 1)) / len(titles)
    axes, annotations = {}, []
    for index, title in enumerate(titles):
        top = 1 - index * (height + gap)
        suffix = "" if index == 0 else str(index + 1)
        axes[f"xaxis{suffix}"] = axis(anchor=f"y{suffix}", rangemode="tozero")
        axes[f"yaxis{suffix}"] = axis(domain=[max(0.0, round(top - height, 6)), round(top, 6)], anchor=f"x{suffix}",
                                      autorange="reversed",
                                      automargin=True)
        annotations.append(dict(text=title, x=0.5, y=top, xref="paper", yref="paper", xanchor="center",
                                yanchor="bottom", showarrow=False, yshift=4))
    return axes, annotations


def _end_over_panel(titles: list[dict], panel_px: float, font_px: float) -> None:
    """A panel's title (_rows) wider than its panel ends at the panel's right end, over the names left of it: centred,
    "Activation memory" ran 21 px past a 360 px phone's edge, and "Share of parameters (%)" 26 px past a folded
    phone's (280 px)."""
    for title in titles:
        if text_em(title["text"]) * font_px > panel_px:
            title.update(x=1.0, xanchor="right")


def short_number(value: float) -> str:
    """A bar's label: exact up to 9,999, then three significant digits, a half rounded up, and k, M, G or T
    (59,190,018,048 -> 59.2 G; 112,500 -> 113 k). A count that rounds to 1,000 of its unit is said in the next:
    999,500 read "1e+03 k"."""
    if abs(value) < 10_000:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return in_units(value, (("T", 1e12), *COUNT_UNITS[:3]))


def short_memory(n_bytes: float) -> str:
    """A bar's label for bytes: three significant digits in KiB, MiB or GiB, a half rounded up (100,352 KiB -> 98 MiB;
    112.5 KiB -> 113 KiB, as the table's 112.5 reads by hand). A size that rounds to 1,000 of its unit is said in the
    next ("1e+03 KiB" was written for 1,000 to 1,023 KiB)."""
    power = _memory_power(n_bytes)
    value = n_bytes / 1024**power
    if power == 0:
        return f"{n_bytes:.0f} B"
    return f"{significant(value)} {MEMORY_UNITS[power]}" if value < 1000 else f"{value:,.0f} {MEMORY_UNITS[power]}"


def _memory_power(n_bytes: float) -> int:
    """The unit (a power of 1024, up to GiB) a size is said in: the largest it is at least 1 of, or the next where it
    rounds to 1,000 of that one at three digits. The table (memory_text) and the bars (short_memory) share it."""
    for power in (3, 2, 1):
        if n_bytes >= 1024**power:
            return power + 1 if power < 3 and float(significant(n_bytes / 1024**power)) >= 1000 else power
    return 0


PANEL_GAP = 0.04  # between the cost figure's three panels, a share of the plotting width
# Narrower panels than this (a phone's page: 46 px each beside the kinds' names) stand one above another instead.
MIN_PANEL_PX = 100
MIN_BARS_PX = 80  # the room stacked panels leave their bars and labels beside the kinds' names, or names take two lines


def names_width_px(labels: list[str], font_px: float) -> float:
    """The room bars' names take left of their plot: the widest line of any (lines broken by <br>), and a gap."""
    return max((text_em(line) for label in labels for line in label.split("<br>")), default=0.0) * font_px + 12


def label_room(values: list[float], texts: list[str], panel_px: float, font_px: float) -> float:
    """The end of a bar axis that leaves each bar's label, printed outside its end, room inside the panel: at least
    1.55 x the longest bar, more where the panel is narrow (a 1024 x 768 projector cut "256 KiB" to "256 KiE")."""
    longest = max(values) if values and max(values) > 0 else 1.0
    needed = [value / max(0.3, 1 - (text_em(text) * font_px + 10) / panel_px) for value, text in zip(values, texts)]
    return max([1.55 * longest, *needed])


def cost_figure(kinds: list[str], params: list[int], counts: list[int], activation_kib: list[float],
                count_label: str, scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """Three bar charts side by side: params, multiply-adds (or FLOPs) and activation memory per kind, laid out
    for a figure `width_px` wide (default: page_width_px); one above another where that is too narrow for them.

    Each bar is labelled in short (1.18 M, 59.2 G, 98 MiB): the exact figures stood outside the bars and ran into
    the next panel; the table above has them, and so has each bar's hover."""
    labels = [KINDS[kind].label for kind in kinds]
    colors = [KINDS[kind].colour for kind in kinds]
    names = ["Parameters", count_label, "Activation memory"]
    font_px = int(FONT["size"] * scale)
    width = width_px or page_width_px(scale)
    room_px = width - 20 - names_width_px(labels, font_px)  # right of the kinds' names
    panel_px = room_px * (1 - 2 * PANEL_GAP) / 3
    stacked = panel_px < MIN_PANEL_PX
    if stacked:  # one panel a row, each with the kinds' names
        line_px = 30
        if room_px < MIN_BARS_PX:  # names on two lines: on a 320 px phone "DepthwiseConv2D + 1x1 Conv2D" took 205
            # of the figure's 288 px, and Plotly cut it at the left
            labels = [two_lines(label) for label in labels]
            room_px, line_px = width - 20 - names_width_px(labels, font_px), 44
        panel_px, row_px, gap_px = room_px, line_px * len(kinds) * scale, 40 * scale
        axes, titles = _rows(names, gap_px, 3 * row_px + 2 * gap_px)
        _end_over_panel(titles, panel_px, font_px)
        height = (3 * row_px + 2 * gap_px) / scale + 70
    else:  # a panel's title wider than its panel takes two lines ("Activation memory" ran 2 px past a 1024 x 768
        # projector's figure)
        axes, titles = _panels([fit_lines(name, panel_px, font_px) for name in names], gap=PANEL_GAP)
        height = 90 + 48 * len(kinds)
        # and the top margin the lines past the first (its second line stood above the figure's top)
        more_px = max(title["text"].count("<br>") for title in titles) * round(font_px * LINE_HEIGHT)
        height, top_px = height + more_px / scale, 60 + more_px
    data = []
    panels = ((params, short_number, "{:,}"), (counts, short_number, "{:,}"),
              (activation_kib, lambda kib: short_memory(kib * 1024), lambda kib: memory_text(round(kib * 1024))))
    for index, (values, short, exact) in enumerate(panels):
        data.append(dict(type="bar", x=values, y=labels, orientation="h", marker_color=colors,
                         xaxis="x" if index == 0 else f"x{index + 1}",
                         yaxis="y" if index == 0 or not stacked else f"y{index + 1}", text=[short(v) for v in values],
                         customdata=[exact(v) if callable(exact) else exact.format(v)
                                     for v in values], textposition="outside", textangle=0,
                         cliponaxis=False, hovertemplate="%{y}: %{customdata}<extra></extra>"))
        # Room on the right of the longest bar for its label, which is printed outside the bar.
        axes["xaxis" if index == 0 else f"xaxis{index + 1}"].update(
            range=[0, label_room(values, [short(v) for v in values], panel_px, font_px)], showticklabels=False,
            showgrid=False)
    shared = {} if stacked else {"yaxis": axis(autorange="reversed", automargin=True)}
    layout = _base_layout(height, scale, annotations=titles, **shared, **axes)
    if not stacked:
        layout["margin"] = dict(layout["margin"], t=top_px)
    return go.Figure(data=data, layout=layout)


def _params_ratio(k: int, in_channels: int, out_channels: int, use_bias: bool, depth_multiplier: int = 1) -> float:
    """Exact separable/standard params: (k^2*C*m + C*m*N + b) / (k^2*C*N + b), b = N biases or 0."""
    bias = out_channels if use_bias else 0
    mid = in_channels * depth_multiplier
    return (k * k * mid + mid * out_channels + bias) / (k * k * in_channels * out_channels + bias)


RATIO_KERNELS = (3, 5, 7)  # the kernel sizes the ratio chart always draws (with the layer's), in the first colours
NARROW_FIGURE_PX = 600  # a figure narrower than this (a phone's) has its legend under the plot, not beside it


def ratio_figure(in_channels: int, kernel_sizes: list[int], current_out: int, current_kernel: int,
                 use_bias: bool = True, max_out: int = 512, scale: float = 1.0,
                 depth_multiplier: int = 1, width_px: float | None = None) -> go.Figure:
    """Separable/standard parameter ratio (exact) and m x (1/N + 1/k^2) against N, at the layer's depth multiplier m,
    laid out for a figure `width_px` wide (default: page_width_px). On a phone the legend beside the plot left it
    90 px, the title ran past both edges and "your layer: 0.158" past the right one: there the title takes more
    lines, and the legend, which names the marker's value, stands under the plot."""
    outs = sorted({4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, max_out, current_out})
    data = []
    # Each kernel size keeps its colour whatever else is drawn: chosen k = 1 came first and took k = 3's blue.
    others = [k for k in kernel_sizes if k not in RATIO_KERNELS]
    for k in kernel_sizes:
        index = RATIO_KERNELS.index(k) if k in RATIO_KERNELS else len(RATIO_KERNELS) + others.index(k)
        color = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        m = depth_multiplier
        data.append(dict(type="scatter", x=outs, y=[_params_ratio(k, in_channels, n, use_bias, m) for n in outs],
                         mode="lines", name=f"k={k}: exact (params)", line=dict(color=color, width=3)))
        data.append(dict(type="scatter", x=outs, y=[m * (1 / n + 1 / k**2) for n in outs], mode="lines",
                         name=f"k={k}: {'' if m == 1 else f'{m} x '}(1/N + 1/k²)",
                         line=dict(color=color, width=2, dash="dot")))
    here = _params_ratio(current_kernel, in_channels, current_out, use_bias, depth_multiplier)
    # Its value is named in the legend: written beside the marker, it lay on the curves, which run nearly flat
    # through it on a scale from 0 to 1 ("your layer: 0.130" crossed by k=3's two lines)
    data.append(dict(type="scatter", x=[current_out], y=[here], mode="markers", name=f"your layer: {ratio_text(here)}",
                     marker=dict(size=14, color="#111827", symbol="diamond"),
                     hovertemplate=f"your layer: N = {current_out}, {here:.4f}<extra></extra>"))
    width = width_px or page_width_px(scale)
    font = int(FONT["size"] * scale)
    title, title_lines_px = top_title(
        f"Parameter ratio for C = {counted(in_channels, 'input channel')}, depth multiplier {depth_multiplier}", width,
        font, 12)
    top = 24 + title_lines_px
    narrow = width < NARROW_FIGURE_PX
    legend, bottom, extra = dict(orientation="v", x=1.01, y=1), 10, 0
    # the axis's title in as many lines as the plot's width needs (on a 320 px phone it ran 9 px past the edge)
    x_title = "output channels N (log scale)"
    x_title = fit_lines(x_title, width - 100, font) if narrow else x_title
    if narrow:  # under the axis's numbers and title, in rows
        legend_px = legend_height([trace["name"] for trace in data], width - 80, font)  # the plot's width
        bottom = round(font * LINE_HEIGHT * (1 + x_title.count("<br>") + 1) + 40 + legend_px)
        legend = dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0)
        extra = bottom - 10 + top - 60
    layout = _base_layout(
        430 + extra / scale, scale, showlegend=True, legend=legend,
        title=title,
        xaxis=axis(scale, type="log", title=dict(text=x_title, standoff=12),
                   tickvals=[v for v in (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096) if v <= max(outs)],
                   automargin=not narrow),
        yaxis=axis(scale, title=dict(text="separable / standard"), rangemode="tozero",
                   automargin=True), margin=dict(l=70, r=10, t=max(60, top), b=bottom))
    return go.Figure(data=data, layout=layout)


@dataclass(frozen=True)
class LayerParts:
    """One network row split into its parts (depthwise / pointwise / standard conv / batchnorm / dense): a MobileNet
    block's BatchNorm is a part of its own, parameters without multiply-adds."""

    name: str
    params: dict[str, int]
    multiply_adds: dict[str, int]


def network_parts(summary: NetworkSummary) -> list[LayerParts]:
    """Split every weighted row of a network summary into its parts (with dsconv.costs.arithmetic): depthwise and
    pointwise, a MobileNet block's BatchNorm apart, a standard convolution or a dense layer whole."""
    config = summary.config
    cost_kind = "separable" if config.conv_kind == "mobilenet" else config.conv_kind
    shape = config.input_shape
    parts = []
    for row in summary.rows:
        if "_conv" in row.name:
            height, width, channels = shape
            cost = layer_cost(cost_kind, height=height, width=width, in_channels=channels,
                              out_channels=row.output_shape[2], kernel_size=config.kernel_size, padding="same")
            if config.conv_kind == "standard":
                parts.append(LayerParts(row.name, {"standard conv": cost.params},
                                        {"standard conv": cost.multiply_adds}))
            else:
                params = {}
                for stage in cost.stages:
                    if config.conv_kind == "mobilenet":  # no bias; a BatchNorm after each step, a part of its own:
                        # counted in the 1 x 1 part, its 4 numbers a channel made a block's pointwise share 73 %
                        # where its 1 x 1 weights are 70.6 % (MobileNet's table counts weights alone)
                        params[stage.name] = stage.params - stage.bias
                        params["batchnorm"] = params.get("batchnorm", 0) + 4 * stage.output_shape[2]
                    else:
                        params[stage.name] = stage.params
                parts.append(LayerParts(row.name, params, {s.name: s.multiply_adds for s in cost.stages}))
        elif row.params:
            parts.append(LayerParts(row.name, {"dense": row.params}, {"dense": row.multiply_adds}))
        shape = row.output_shape
    return parts


def network_share_figure(parts: list[LayerParts], scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """Stacked bars: each layer's share of all params and of all multiply-adds, split by part; side by side, or on a
    narrow page (a phone) one above the other, where side by side their titles ran into each other and their axes'
    numbers into one another."""
    total_params = sum(sum(p.params.values()) for p in parts)
    total_macs = sum(sum(p.multiply_adds.values()) for p in parts)
    names = [p.name for p in parts]
    width = width_px or page_width_px(scale)
    font = int(FONT["size"] * scale)
    stacked = width < NARROW_FIGURE_PX
    titles = ["Share of parameters (%)", "Share of multiply-adds (%)"]
    row_px = 34 * len(parts) * scale
    if stacked:
        axes, annotations = _rows(titles, 56 * scale, 2 * row_px + 56 * scale)
        _end_over_panel(annotations, width - 20 - names_width_px(names, font), font)
        for name in ("xaxis", "xaxis2"):  # numbers under each panel
            axes[name].update(showticklabels=True)
    else:
        axes, annotations = _panels(titles, gap=0.04)
    data = []
    for part, color in PART_COLORS.items():
        if not any(part in p.params for p in parts):
            continue
        named = False
        for index, key, total in ((0, "params", total_params), (1, "multiply_adds", total_macs)):
            values = [100 * getattr(p, key).get(part, 0) / total if total else 0 for p in parts]
            if not any(values):  # a part with none of it (BatchNorm's multiply-adds) draws nothing to hover over
                continue
            data.append(dict(type="bar", x=values, y=names, orientation="h", name=part, marker_color=color,
                             legendgroup=part, showlegend=not named, xaxis="x" if index == 0 else "x2",
                             yaxis="y2" if stacked and index == 1 else "y",
                             hovertemplate=f"%{{y}} {part}: %{{x:.1f}}%<extra></extra>"))
            named = True
    # The legend in the figure's own bottom margin, under the axes' numbers (placed on the plot, at y=-0.08, it
    # covered them), in as many rows as its entries take.
    # in the plot's width, right of the layers' names (on a 320 px phone the legend took a row an entry, and its
    # rows, counted across the whole figure, covered the numbers under the plot)
    legend_px = legend_height([trace["name"] for trace in data if trace["showlegend"]],
                              width - 20 - names_width_px(names, font), font, grouped=True)
    bottom = round(font * LINE_HEIGHT + 28 + legend_px)  # the numbers (16 px below the plot), then the legend
    shared = {} if stacked else {"yaxis": axis(autorange="reversed", automargin=True)}
    bottom = max(bottom, int(64 * scale))
    plot_px = 2 * row_px + 56 * scale if stacked else row_px + 56 * scale - 60  # side by side: as it always was
    layout = _base_layout((plot_px + 60 + bottom) / scale, scale, barmode="stack", annotations=annotations,
                          showlegend=True, legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0),
                          margin=dict(l=10, r=10, t=60, b=bottom), **shared, **axes)
    return go.Figure(data=data, layout=layout)


class _Drawing:
    """Collects shapes and annotations as plain dicts: one validation at the end, not one per add (much faster)."""

    def __init__(self) -> None:
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []

    def add_shape(self, **shape) -> None:
        self.shapes.append(shape)

    def add_annotation(self, **annotation) -> None:
        self.annotations.append(annotation)


def _box(fig: _Drawing, x: float, y: float, width: float, height: float, depth: float, color: str,
         label: str = "", below: str = "") -> None:
    """Draw a tensor as an oblique box: front face width x height, receding depth (channels)."""
    dx, dy = 0.6 * depth, 0.45 * depth
    faces = [
        [(x, y), (x + width, y), (x + width, y + height), (x, y + height)],
        [(x, y + height), (x + width, y + height), (x + width + dx, y + height + dy), (x + dx, y + height + dy)],
        [(x + width, y), (x + width + dx, y + dy), (x + width + dx, y + height + dy), (x + width, y + height)],
    ]
    for face, opacity in zip(faces, (0.95, 0.7, 0.55)):
        path = "M " + " L ".join(f"{px},{py}" for px, py in face) + " Z"
        fig.add_shape(type="path", path=path, fillcolor=color, opacity=opacity, line=dict(color="#111827", width=1))
    _labels(fig, x, y, width, height, depth, label, below)


def _labels(fig: _Drawing, x: float, y: float, width: float, height: float, depth: float, label: str,
            below: str) -> None:
    """A bold label above a drawn box and a plain one below it."""
    dx, dy = 0.6 * depth, 0.45 * depth
    if label:
        fig.add_annotation(x=x + (width + dx) / 2, y=y + height + dy + 0.25, text=f"<b>{label}</b>",
                           showarrow=False, yanchor="bottom")
    if below:
        fig.add_annotation(x=x + (width + dx) / 2, y=y - 0.2, text=below, showarrow=False, yanchor="top")


def _tensor(fig: _Drawing, x: float, y: float, size: float, channels: int, depth: float, color: str,
            label: str = "", below: str = "") -> None:
    """A tensor (or a kernel) with few channels is one coloured slab per channel (back to front), else one box."""
    if channels > len(CHANNEL_COLOURS):
        _box(fig, x, y, size, size, depth, color, label, below)
        return
    slab = depth / channels
    for index in reversed(range(channels)):
        _box(fig, x + 0.6 * slab * index, y + 0.45 * slab * index, size, size, slab, CHANNEL_COLOURS[index])
    _labels(fig, x, y, size, size, depth, label, below)


def _arrow(fig: _Drawing, x0: float, x1: float, y: float, text: str) -> None:
    fig.add_annotation(x=x1, y=y, ax=x0, ay=y, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                       arrowhead=3, arrowwidth=2.5, arrowcolor="#374151")
    fig.add_annotation(x=(x0 + x1) / 2, y=y + 0.35, text=text, showarrow=False, yanchor="bottom")


def idea_figure(height: int, width: int, in_channels: int, out_channels: int, kernel_size: int,
                scale: float = 1.0, narrow: bool = False) -> go.Figure:
    """The idea picture as a Plotly figure (see idea_layout)."""
    return go.Figure(layout=idea_layout(height, width, in_channels, out_channels, kernel_size, scale, narrow))


def _filters_count(filters: int, params: int, biases: int) -> str:
    """Under a picture's filters, the count as a sum a student can check: "64 x (27 weights + 1 bias)<br>= 1,792
    params". It read "x 64 = 1,792 params" under "64 filters of 3x3x3", which is 1,728."""
    weights, bias = (params - biases) // filters, biases // filters
    each = counted(weights, "weight") + (f" + {bias} bias" if bias else "")
    return f"{filters} x ({each})<br>= {params:,} params"


def _depthwise_step(fig: _Drawing, y: float, xs: tuple[float, float, float], shape: tuple[int, int, int, int],
                    out: tuple[int, int], params: int) -> None:
    """The idea picture's depthwise step, left to right at height `y`: the input, an arrow to `xs[0]` under its
    name, one small k x k kernel per channel from `xs[1]` with their count, and the output at `xs[2]`. `shape`: the
    input's height, width and channels and the kernel's size; `out`: the output's height and width."""
    (arrow_end, kernels, output), (height, width, c, k) = xs, shape
    _tensor(fig, 0.0, y, 2.2, c, 0.6, "#9ca3af", f"input {height}x{width}x{c}")
    _arrow(fig, 3.0, arrow_end, y + 1.1, f"depthwise: {c} kernels<br>of {k}x{k}, one<br>per channel")
    for index in range(min(c, len(CHANNEL_COLOURS))):
        _box(fig, kernels + 0.75 * index, y + 0.1, 0.6, 0.6, 0.05,
             CHANNEL_COLOURS[index] if c <= len(CHANNEL_COLOURS) else KINDS["depthwise"].colour)
    fig.add_annotation(x=kernels + 0.75 * min(c, len(CHANNEL_COLOURS)) / 2 - 0.08, y=y - 0.1,
                       text=f"{params:,} params", showarrow=False, yanchor="top")
    _tensor(fig, output, y, 2.2, c, 0.6, KINDS["depthwise"].colour, f"{out[0]}x{out[1]}x{c}")


def idea_layout(height: int, width: int, in_channels: int, out_channels: int, kernel_size: int,
                scale: float = 1.0, narrow: bool = False) -> dict:
    """The idea in one picture: standard conv vs depthwise then pointwise, with tensor shapes and params. A Plotly
    layout of shapes and annotations as plain data: the home page draws it as SVG (drawing_svg) without the 0.08 s
    that Plotly takes to validate it as a figure. `narrow` (a phone): the separable row turns down after its
    depthwise step, and the titles take two lines: 9.9 units across instead of 17.1, so that its text, shrunk with
    the picture to a 356 px page, is 12 px and not 7."""
    standard = layer_cost("standard", height=height, width=width, in_channels=in_channels,
                          out_channels=out_channels, kernel_size=kernel_size)
    separable = layer_cost("separable", height=height, width=width, in_channels=in_channels,
                           out_channels=out_channels, kernel_size=kernel_size)
    depthwise, pointwise = separable.stages
    out_h, out_w, _ = standard.output_shape
    k, c, n = kernel_size, in_channels, out_channels
    fig = _Drawing()
    size, thin, fat = 2.2, 0.6, 2.2  # drawing sizes: spatial side, few channels, many channels
    titles = (("<b>Standard convolution</b>:", "every filter looks at all channels at once"),
              ("<b>Depthwise separable</b> (Keras SeparableConv2D):",
               f"each channel filtered alone, then mixed · {separable.params:,} params"))
    if narrow:  # each title in two lines
        return _idea_narrow(fig, standard, separable, (height, width, c, k), scale,
                            ["<br>".join(parts) for parts in titles])
    standard_title, separable_title = (" ".join(parts) for parts in titles)
    top, bottom = 6.8, 0.6
    # Row 1: one standard convolution. Its kernel reaches through every channel: drawn as one slab per channel
    # (R, G, B), N of them; its count sits under it, not under the tensors.
    _tensor(fig, 0.0, top, size, c, thin, "#9ca3af", f"input {height}x{width}x{c}")
    _arrow(fig, 3.0, 9.4, top + 1.1, f"Conv2D: {n} filters of {k}x{k}x{c}")
    _tensor(fig, 5.5, top - 0.35, 0.8, c, 0.45, KINDS["standard"].colour,
            below=_filters_count(n, standard.params, standard.stages[0].bias))
    _box(fig, 9.8, top, size, size, fat, KINDS["standard"].colour, f"output {out_h}x{out_w}x{n}")
    # Row 2: depthwise (one k x k kernel per channel) then pointwise (N filters of 1 x 1 x C).
    _depthwise_step(fig, bottom, (6.2, 3.6, 6.6), (height, width, c, k), (out_h, out_w), depthwise.params)
    _arrow(fig, 9.6, 12.6, bottom + 1.1, f"pointwise: {n} filters<br>of 1x1x{c}")
    _tensor(fig, 10.75, bottom + 0.1, 0.3, c, 0.45, KINDS["pointwise"].colour,
            below=_filters_count(n, pointwise.params, pointwise.bias))
    _box(fig, 12.9, bottom, size, size, fat, KINDS["pointwise"].colour, f"output {out_h}x{out_w}x{n}")
    fig.add_annotation(x=0, y=top + 4.4, xanchor="left", showarrow=False, text=standard_title)
    fig.add_annotation(x=0, y=bottom + 4.3, xanchor="left", showarrow=False, text=separable_title)
    return _idea_frame(fig, scale, (-0.3, 16.8), (-1.3, 11.7))


IDEA_PX_PER_UNIT = 610 / 13  # the wide picture: 620 px tall, 10 of them margin, 13 units of drawing


def _idea_frame(fig: _Drawing, scale: float, x_range: tuple[float, float], y_range: tuple[float, float]) -> dict:
    """The picture's layout: its drawing in these ranges, one unit as many pixels as in the wide picture."""
    height = 10 + (y_range[1] - y_range[0]) * IDEA_PX_PER_UNIT
    return _base_layout(height, scale, shapes=fig.shapes, annotations=fig.annotations,
                        margin=dict(l=0, r=0, t=10, b=0), xaxis=dict(visible=False, range=list(x_range)),
                        yaxis=dict(visible=False, range=list(y_range), scaleanchor="x", scaleratio=1))


def _idea_narrow(fig: _Drawing, standard, separable, shape: tuple[int, int, int, int], scale: float,
                 titles: list[str]) -> dict:
    """The idea picture for a phone: the standard row as in the wide one; the separable row's depthwise step left to
    right, then its pointwise step down, from the depthwise output to the output under it. `shape`: the input's
    height, width and channels, and the kernel's size."""
    depthwise, pointwise = separable.stages
    out_h, out_w, n = standard.output_shape
    height, width, c, k = shape
    standard_title, separable_title = titles
    size, thin, fat = 2.2, 0.6, 2.2
    # The standard convolution, at the top
    row = 14.3
    _tensor(fig, 0.0, row, size, c, thin, "#9ca3af", f"input {height}x{width}x{c}")
    _arrow(fig, 3.0, 5.4, row + 1.1, f"Conv2D: {n} filters<br>of {k}x{k}x{c}")
    _tensor(fig, 3.75, row - 0.35, 0.8, c, 0.45, KINDS["standard"].colour,
            below=_filters_count(n, standard.params, standard.stages[0].bias))
    _box(fig, 5.7, row, size, size, fat, KINDS["standard"].colour, f"output {out_h}x{out_w}x{n}")
    fig.add_annotation(x=0, y=19.4, xanchor="left", yanchor="top", showarrow=False, text=standard_title)
    # Depthwise, left to right
    row = 7.6
    _depthwise_step(fig, row, (5.5, 3.25, 5.9), (height, width, c, k), (out_h, out_w), depthwise.params)
    # then pointwise, down: the output stands under the depthwise output, its name under it; the step's name, its
    # filters and their count left of the arrow
    middle = 5.9 + (size + 0.6 * thin) / 2
    fig.add_annotation(x=middle, y=3.95, ax=middle, ay=row - 0.2, xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=3, arrowwidth=2.5, arrowcolor="#374151")
    fig.add_annotation(x=middle - 0.35, y=6.0, text=f"pointwise: {n} filters<br>of 1x1x{c}", showarrow=False,
                       xanchor="right", yanchor="bottom")
    _tensor(fig, middle - 1.1, 5.0, 0.3, c, 0.45, KINDS["pointwise"].colour)
    fig.add_annotation(x=middle - 0.35, y=4.8, text=_filters_count(n, pointwise.params, pointwise.bias),
                       showarrow=False, xanchor="right", yanchor="top")
    _box(fig, middle - (size + 0.6 * fat) / 2, 0.5, size, size, fat, KINDS["pointwise"].colour,
         below=f"<b>output {out_h}x{out_w}x{n}</b>")
    fig.add_annotation(x=0, y=12.1, xanchor="left", yanchor="top", showarrow=False, text=separable_title)
    return _idea_frame(fig, scale, (-0.3, 9.6), (-0.6, 19.6))
