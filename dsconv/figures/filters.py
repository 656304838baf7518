"""Pictures for the filters page: kernel tiles, the pointwise mix as a heatmap, feature-map grids,
top-5 bars, and grey images of signed filter outputs.

Builders take arrays and return Plotly figures (or uint8 pixels); they compute nothing a page could
not check. Colours: signed numbers (weights, maps that go below zero) violet-white-orange (dsconv.figures.style.SIGNED:
a sign, never a channel's colour); ReLU outputs grey; only the colour tiles of standard kernels use red, green
and blue, for the channels they weigh.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from dsconv.figures.plotting import go
from dsconv.figures.style import (
    FONT_FAMILY,
    LINE_HEIGHT,
    SERIES_COLOURS,
    SIGNED,
    TEXT_COLOUR,
    axis,
    page_width_px,
    text_em,
    text_on,
    top_title,
)
from dsconv.safe_text import half_up, plotly_text, rate_places, significant

FONT = dict(family=FONT_FAMILY, size=15, color="#111827")
NUMBER_PX = 13.5  # numbers written in cells, times the scale: 18 px in projector mode
PLOT_PX = 190  # a kernel figure's plotting height, times the scale, unless its numbers need more
GREY = "gray"  # black 0, white largest
GREY_PERCENTILE = 99.5  # map_to_grey's scale: this percentile of |value|, so a few extreme pixels cannot grey the rest
# What map_to_grey does, in words, for a caption under its maps.
GREY_SIGNED = (f"Maps marked ± go below zero: there mid-grey is 0, and white and black are equally far from 0, at the "
               f"{GREY_PERCENTILE:g}th percentile of the values' size; the few values beyond are clipped.")
GREY_UNSIGNED = (f"Maps without ± show 0 as black and 1 as white (or their {GREY_PERCENTILE:g}th percentile, where "
                 "that is larger); values beyond turn white, and the few below 0 black.")
GREY_NOTE = f"{GREY_SIGNED} {GREY_UNSIGNED}"


def grey_note(signed: bool, unsigned: bool, said: set[str] | None = None) -> str:
    """How the maps shown are greyed: the sentence for maps marked ± where some are, for the others where some are
    ("The other maps show 0 as black" stood under maps that were all ±), and once a page: a kind in `said` (updated
    here) is said again in short (the whole legend stood twice, under step 1 and under the results)."""
    said = set() if said is None else said
    parts = []
    for kind, shown, sentence in (("signed", signed, GREY_SIGNED), ("unsigned", unsigned, GREY_UNSIGNED)):
        if shown:
            parts.append(sentence if kind not in said else
                         "Maps marked ±: mid-grey is 0, as above." if kind == "signed" else
                         "Maps without ±: 0 is black, as above.")
            said.add(kind)
    return " ".join(parts)


def _layout(height: int, scale: float, title: str | None = None, **extra) -> dict:
    """The shared layout as a plain dict (Plotly validates a figure built from dicts once: fast on a busy CPU)."""
    layout = dict(height=int(height * scale), font=dict(FONT, size=int(FONT["size"] * scale)),
                  margin=dict(l=10, r=10, t=50 if title else 10, b=10), plot_bgcolor="white", paper_bgcolor="white")
    if title:
        layout["title"] = dict(text=title)
    return {**layout, **extra}


def is_signed(values: np.ndarray, rounding: float = 1e-6) -> bool:
    """True when at least 1% of the values are clearly below zero (then 0 is shown as mid-grey or white): below
    float32 rounding (`rounding`: the most it can move one value; 1e-6 suits sums of a few numbers near 1, and the
    hand-made filters say theirs, from their weights) and below half a percent of the largest value.

    Edge filters give negative values everywhere; a blur or sharpen of a photo only dips below zero at
    a few pixels (overshoot at edges, zero padding), and those are better shown clipped to black.
    """
    values = np.asarray(values, np.float32)
    if values.size == 0:
        return False
    extent = float(np.max(np.abs(values)))
    return float(np.percentile(_sample(values), 1)) < -(rounding + 0.005 * extent)


FLAT_NOTE = ("A map marked \"everywhere\" holds that one value at every pixel, so it is drawn in one shade: its kernel "
             "found nothing that changes across this picture.")
# Why an output of the mix holds one value: the maps it mixes do (their kernels found nothing), or they change and
# the mix's weights cancel them (FLAT_NOTE's "its kernel found nothing" was said of edges a mix of 0s had hidden)
FLAT_CAUSES = {"kernels": "the depthwise maps it mixes hold one value each (their kernels found nothing that changes "
                          "across this picture)",
               "mix": "the depthwise maps it mixes do change, but the mix's weights cancel them out",
               "zero": "it mixes nothing: each channel's weight in the mix, or its kernel, is 0"}


def flat_outputs_note(flat: Sequence[tuple[str, str]]) -> str:
    """The note under outputs marked "everywhere": why each is one value, from `flat`, (output name, a FLAT_CAUSES
    key) per such output."""
    whys = "; ".join(f"{name}: {FLAT_CAUSES[cause]}" for name, cause in flat)
    return ("An output marked \"everywhere\" holds that one value at every pixel, so it is drawn in one shade. "
            f"{whys[0].upper()}{whys[1:]}.")


def one_value(values: np.ndarray, rounding: float = 0.0) -> float | None:
    """The value a map holds at every pixel, or None where it holds more than one. Such a map is drawn in one shade
    (black for a Sobel filter on a picture of one colour), which says nothing on its own: its caption gives the value.
    `rounding`: the most float32 rounding can move one of the map's values (HandMadeResult says it for its maps,
    from their weights), so values that differ by up to twice that may be one exact value. A fixed 1e-6 had called
    the maps of a kernel of 1e-7s, from 0 to 9e-7, one value."""
    values = np.asarray(values, np.float32)
    if values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    return low if high - low <= 2 * rounding else None


def flat_mark(values: np.ndarray, rounding: float = 0.0) -> str:
    """" (0 everywhere)" for a caption where the map holds one value at every pixel (FLAT_NOTE explains it), else "".
    `rounding` as one_value's: a value within it of 0 is 0."""
    value = one_value(values, rounding)
    if value is None:
        return ""
    if abs(value) <= rounding:
        return " (0 everywhere)"
    # A white picture (1 at every pixel) under a 1 x 1 kernel of 100 and a mix of three 100s is 30,000 everywhere,
    # and read "3e+04": whole from 100, a half up, as by hand
    digits = f"{float(half_up(value, 0)):,.0f}" if abs(value) >= 99.95 else significant(value)
    return f" ({digits} everywhere)"


def _sample(values: np.ndarray, size: int = 65_536) -> np.ndarray:
    """At most `size` values, drawn at seeded random positions: percentiles for display need no full sort. Every k-th
    value had lined up with the channels (k = 9 on a 384 x 512 x 3 picture read red alone) or with a picture's
    columns (8-px stripes at k = 16), and a map that goes below zero was drawn as if it did not."""
    flat = np.asarray(values).ravel()
    if flat.size <= size:
        return flat
    return flat[np.random.default_rng(0).integers(0, flat.size, size)]


def map_to_grey(values: np.ndarray, signed: bool | None = None) -> np.ndarray:
    """One (H, W) map as uint8 grey: signed maps put 0 at mid-grey; others map 0..max (at least 1) to black..white.

    The scale is the GREY_PERCENTILE-th percentile of |values|, so a few extreme pixels do not turn the rest grey; the
    values beyond it are clipped. GREY_NOTE says so in words.
    """
    values = np.asarray(values, np.float32)
    signed = is_signed(values) if signed is None else signed
    extent = float(np.percentile(np.abs(_sample(values)), GREY_PERCENTILE)) if values.size else 0.0
    if signed:
        shown = 0.5 + 0.5 * values / (extent if extent > 0 else 1.0)
    else:
        shown = values / max(extent, 1.0)  # pictures in 0..1 keep their true brightness
    return np.clip(np.rint(shown * 255), 0, 255).astype(np.uint8)


def channels_to_rgb(values: np.ndarray) -> np.ndarray:
    """Three channels in 0..1 as a uint8 colour picture (values outside 0..1 are clipped)."""
    return np.clip(np.rint(np.asarray(values, np.float32) * 255), 0, 255).astype(np.uint8)


def _number(value: float, decimals: int, exact: bool) -> str:
    """A kernel weight as text. `exact`, where every weight of the figure is exactly what `decimals` places write (a
    hand-made kernel): as short as it stays exact (0.0625, 0.25, -1). Else (learned weights) every one with `decimals`
    places: a learned 0.003 read "0", as if the weight were nothing, beside "0.2" for 0.20 and "0.41"; and where those
    places write no digit but 0, one significant digit ("0.003", not "0.00"). A weight that is exactly 0 reads "0"
    either way ("0.0000" beside a mix's 0.3333). Never '-0'."""
    if value == 0:
        return "0"
    text = f"{value:.{decimals}f}"
    if exact and "." in text:  # 10 at no decimals stays "10"
        # the shortest text that reads back as the same float32, where it fits the places: a typed 0.333333 read
        # "0.33333298564" at 12 places (float32 keeps it as 0.333332985640); a product such as -0.598 keeps "-0.598"
        shortest = np.format_float_positional(np.float32(value), unique=True, trim="-")
        text = shortest if len(shortest.partition(".")[2]) <= decimals else text.rstrip("0").rstrip(".")
    elif decimals > FIXED_PLACES_UP_TO:
        # places that a tiny weight asked for would write float32's noise in every other weight ("0.099666558206"),
        # and a weight too small for them would read as 0: four significant digits each ("0.09967", "1e-30")
        text = f"{value:.4g}"
    elif not text.strip("-0."):  # a learned 0.0029 read "0.00" beside its hover's 0.0029: one significant digit
        text = significant(value, 1)
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text or "0"


def _exact(kernels: list[np.ndarray], decimals: int) -> bool:
    """Whether `decimals` places write every weight exactly (to float32's precision: 0.299 is stored as 0.29899999).
    Relative to each weight: within 1e-6 of 1 had let 0.0000 stand for a typed 1e-7."""
    values = np.concatenate([np.ravel(np.asarray(kernel, np.float64)) for kernel in kernels])
    return bool(np.all(np.abs(np.round(values, decimals) - values) <= 1e-6 * np.abs(values)))


MOST_PLACES = 12
FIXED_PLACES_UP_TO = 6  # past this many places, weights that are not written exactly take significant digits


def typed_places(kernels: list[np.ndarray], fewest: int) -> int:
    """Decimal places for typed weights (hand-made kernels and mixes): `fewest`, or as many as the smallest weight
    that is not 0 needs for its first three digits (up to MOST_PLACES). With 4 places a kernel of 1e-7s read 0 in
    every cell, and so did its hover, beside maps that show its edges."""
    values = np.concatenate([np.ravel(np.asarray(kernel, np.float64)) for kernel in kernels])
    return rate_places(values.tolist(), fewest, digits=3, most=MOST_PLACES)


def kernel_figure(kernels: list[np.ndarray], titles: list[str], scale: float = 1.0, decimals: int = 2,
                  width_px: float | None = None) -> go.Figure:
    """k x k kernels side by side as heatmaps with their numbers written in (orange positive, violet negative).

    `width_px`, the figure's width on the page (about; the whole page's by default): the numbers are written smaller
    where they would not fit a cell (down to 10 px times the scale), and left to the hover where even that does not
    fit (three 5 x 5 slices in a third of the page ran together: "0.590.590.59"; 7 x 7 ones overflowed even across
    the whole page)."""
    extent = max(float(np.max(np.abs(k), initial=0.0)) for k in kernels) or 1.0
    count, spacing = len(kernels), 0.04
    width = (1 - spacing * (count - 1)) / count
    exact = _exact(kernels, decimals)
    font = NUMBER_PX * scale
    texts = [[[_number(v, decimals, exact) for v in row] for row in np.asarray(k)] for k in kernels]
    side = max(max(np.shape(k)[:2]) for k in kernels)
    ems = max(text_em(text) for kernel in texts for row in kernel for text in row)
    # A cell as wide as the figure allows; the figure grows taller (past its 240 px) as far as its numbers need at
    # full size: in 240 px a 7 x 7 kernel's cells were 27 px, too small for "0.299" even across the whole page.
    across = ((width_px or page_width_px(scale)) - 20) * width / side
    cell = min(across, max(PLOT_PX * scale / side, ems * font / 0.9))
    plot_px = max(PLOT_PX * scale, cell * side)
    font = min(font, 0.9 * cell / ems)
    if font < 10 * scale:
        font = 0.0
    axis = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain")
    # Built as plain dicts: Plotly validates once, several times faster than make_subplots and updates.
    data, layout = [], {}
    for col, kernel in enumerate(kernels):
        kernel = np.asarray(kernel, np.float64)
        suffix = str(col + 1) if col else ""
        # Rows and columns counted from 1 in the hover, as the page counts channels and outputs.
        data.append(dict(type="heatmap", z=kernel.tolist(), x=list(range(1, kernel.shape[1] + 1)),
                         y=list(range(1, kernel.shape[0] + 1)), text=texts[col], texttemplate="%{text}" if font else "",
                         textfont=dict(size=round(font or NUMBER_PX * scale, 1), color="#111827"),
                         colorscale=SIGNED, zmin=-extent, zmax=extent, showscale=False,
                         xgap=2, ygap=2, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                         hovertemplate="row %{y}, column %{x}: %{z:.4~g}<extra></extra>"))
        left = col * (width + spacing)
        layout[f"xaxis{suffix}"] = dict(axis, domain=[left, left + width], anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(axis, autorange="reversed", scaleanchor=f"x{suffix}", anchor=f"x{suffix}")
    layout["annotations"] = [dict(text=title, x=col * (width + spacing) + width / 2, y=1.0, xref="paper",
                                  yref="paper", xanchor="center", yanchor="bottom", showarrow=False,
                                  font=dict(size=int(FONT["size"] * scale)))
                             for col, title in enumerate(titles)]
    bottom = 10
    if not font:  # said once, under the kernels (beside each title, the notes ran into each other)
        layout["annotations"].append(dict(text="hover over or tap a cell for its number", x=0.5, y=0, xref="paper",
                                          yref="paper", xanchor="center", yanchor="top", yshift=-4, showarrow=False,
                                          font=dict(size=int(FONT["size"] * scale * 0.85))))
        bottom = int(28 * scale)
    top = int(40 * scale)
    layout = _layout(240, scale, **layout, margin=dict(l=10, r=10, t=top, b=bottom))
    return go.Figure(data=data, layout={**layout, "height": int(math.ceil(plot_px + top + bottom))})


def rgb_kernel_mosaic(kernels: np.ndarray, columns: int = 16, zoom: int = 10, gap: int = 3) -> np.ndarray:
    """N kernels (k, k, 3, N) as one uint8 picture: each kernel its own tile, stretched to 0..255 on its own."""
    kernels = np.asarray(kernels, np.float32)
    k_h, k_w, channels, count = kernels.shape
    if channels != 3:
        raise ValueError(f"Colour tiles need kernels with 3 input channels (RGB); these have {channels}.")
    rows = -(-count // columns)
    tile_h, tile_w = k_h * zoom, k_w * zoom
    mosaic = np.full((rows * (tile_h + gap) + gap, columns * (tile_w + gap) + gap, 3), 255, np.uint8)
    for n in range(count):
        kernel = kernels[..., n]
        low, high = float(kernel.min()), float(kernel.max())
        tile = (kernel - low) / (high - low) if high > low else np.full_like(kernel, 0.5)
        tile = np.kron(tile, np.ones((zoom, zoom, 1), np.float32))  # each weight a zoom x zoom block
        top, left = gap + (n // columns) * (tile_h + gap), gap + (n % columns) * (tile_w + gap)
        mosaic[top:top + tile_h, left:left + tile_w] = channels_to_rgb(tile)
    return mosaic


def pointwise_figure(mix: np.ndarray, input_names: list[str], output_names: list[str] | None = None,
                     scale: float = 1.0, annotate: bool | None = None, decimals: int = 2) -> go.Figure:
    """The pointwise weights P (C, N) as a heatmap: a row per input channel, a column per output channel, with
    `decimals` (the luma mix's 0.587 written 0.59 did not multiply to the combined kernel's 1.17). Outputs without
    names are numbered from 1, as the page names them ("output 1"); the axis ran 0-63 beside "output 1"."""
    mix = np.asarray(mix, np.float64)
    channels, outputs = mix.shape
    output_names = output_names or [f"{n + 1}" for n in range(outputs)]
    # A bare number reads "to output 54"; a name ("grey", "output 1") reads alone: "to output output 1" did not.
    to = "output %{x}" if all(str(name).isdigit() for name in output_names) else "%{x}"
    annotate = outputs <= 12 if annotate is None else annotate
    extent = float(np.max(np.abs(mix), initial=0.0)) or 1.0
    heatmap = dict(type="heatmap", z=mix.tolist(), x=list(output_names), y=list(input_names), colorscale=SIGNED,
                   zmin=-extent, zmax=extent, xgap=1 if annotate else 0, ygap=1,
                   colorbar=dict(title=dict(text="weight"), thickness=12),
                   hovertemplate=f"from %{{y}} to {to}: %{{z:.4~g}}<extra></extra>")
    if annotate:
        exact = _exact([mix], decimals)
        heatmap.update(text=[[_number(v, decimals, exact) for v in row] for row in mix], texttemplate="%{text}",
                       textfont=dict(size=round(NUMBER_PX * scale, 1), color="#111827"))
    return go.Figure(data=[heatmap], layout=_layout(
        120 + 38 * channels, scale, yaxis=axis(scale, autorange="reversed", title=dict(text="input channel c")),
        xaxis=axis(scale, title=dict(text="output channel n"), type="category")))


def feature_mosaic(maps: np.ndarray, channels: list[int] | np.ndarray, columns: int, gap: int = 1,
                   signed: bool | None = None, row_gap: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Chosen maps of (H, W, N) tiled into one array with NaN gaps (`row_gap` between rows, `gap` by default), each map
    scaled on its own.

    ReLU maps go to 0..1 (divided by their maximum); signed maps to -1..1 (divided by max |value|).
    Returns (mosaic, channel index per cell, -1 in the gaps), for one heatmap with hover labels.
    """
    maps = np.asarray(maps, np.float32)
    height, width, _ = maps.shape
    signed = is_signed(maps) if signed is None else signed
    rows, row_gap = -(-len(channels) // columns), gap if row_gap is None else row_gap
    mosaic = np.full((rows * (height + row_gap) - row_gap, columns * (width + gap) - gap), np.nan, np.float32)
    labels = np.full(mosaic.shape, -1, np.int32)
    for slot, channel in enumerate(channels):
        tile = maps[..., channel]
        extent = float(np.max(np.abs(tile), initial=0.0))
        tile = tile / extent if extent > 0 else tile
        top, left = (slot // columns) * (height + row_gap), (slot % columns) * (width + gap)
        mosaic[top:top + height, left:left + width] = tile
        labels[top:top + height, left:left + width] = channel
    return mosaic, labels


def flat_maps_note(maps: np.ndarray, channels: Sequence[int]) -> str | None:
    """Where some of the maps shown hold one value at every pixel, how many, and what their one shade says: each map
    is scaled to its own maximum, so a map of one value other than 0 is drawn in the shade of its maximum (on a black
    picture every map of the tutorial's first layer held only its bias, and all were drawn white, under "white the
    maximum"), while a map of 0 stays the shade of 0 (black, or white in a signed grid: 18 of 64 maps were drawn
    black beside a note that said each was drawn "in the shade of its own maximum"). None where every map shown
    changes across the picture."""
    maps = np.asarray(maps, np.float32)
    flat = [c for c in channels if float(np.ptp(maps[..., c])) <= 1e-6 * max(1.0, float(np.max(np.abs(maps[..., c]))))]
    if not flat:
        return None
    zero = [c for c in flat if not np.any(maps[..., c])]
    valued = [c for c in flat if c not in zero]

    def which(group: list[int]) -> str:
        some = "Every map shown" if len(group) == len(channels) else f"{len(group)} of the {len(channels)} maps shown"
        return f"{some} {'holds' if some.startswith('Every') or len(group) == 1 else 'hold'}"

    said = []
    if valued:
        said.append(f"{which(valued)} one value at every pixel on this picture, so each is drawn in one shade, that of "
                    "its own maximum: no strong response, only the same value everywhere.")
    if zero:
        said.append(f"{which(zero)} 0 at every pixel, drawn {'white' if is_signed(maps) else 'black'}: no response "
                    "on this picture.")
    return " ".join(said)


TILE_LABEL_PX = 13  # a map's label over it, times the scale
COLOUR_BAR_PX = 90  # what the colour bar and its title take of the figure's width, times the scale (about)
UNDER_BAR_PX = 45  # what it takes of the height lying under the grid, with its ticks and title, times the scale


def _figure_height(mosaic_shape: tuple[int, int], pixel_height: int) -> int:
    """The grid figure's height before the scale: the mosaic's proportions, within limits."""
    aspect = mosaic_shape[0] / mosaic_shape[1]
    return int(60 + pixel_height * min(1.2, max(0.25, aspect)))


def _unit_px(map_shape: tuple[int, int], rows: int, columns: int, row_gap: int, figure_px: float, scale: float,
             pixel_height: int, room: tuple[int, int, int, bool]) -> float:
    """Screen pixels per map pixel in a grid of `rows` x `columns` maps of `map_shape`, one pixel apart across and
    `row_gap` down, in a figure `figure_px` wide; `room`: the top and bottom margins, the title's lines past its first
    (px), and whether the colour bar lies under the grid. The drawing keeps the mosaic's proportions."""
    (height, width), (top, bottom, more_lines_px, under) = map_shape, room
    shape = (rows * (height + row_gap) - row_gap, columns * (width + 1) - 1)
    across = (figure_px - 20 - (0 if under else COLOUR_BAR_PX * scale)) / shape[1]
    return min(across, (_figure_height(shape, pixel_height) * scale + more_lines_px - top - bottom) / shape[0])


GRID_COLUMNS = (8, 4)  # maps a row in a grid of feature maps: eight, or four where that draws them larger


def grid_columns(map_shape: tuple[int, int], count: int, width_px: float, scale: float = 1.0,
                 pixel_height: int = 440) -> int:
    """How many of `count` maps of `map_shape` a row feature_grid_figure draws in a figure `width_px` wide: eight,
    or four where eight a row would draw a map's pixels smaller than the screen's and four a row draws them at least a
    quarter larger. Eight a row in half of a 1024 px page beside the sidebar drew 32 maps of 32 x 32 about 25 px
    wide; four a row, about twice that. 64 maps four a row reach the figure's greatest height and come out no larger,
    so they stay eight a row; so do 32 maps in half of a 1400 px window's page (41 px each), where eight a row keeps
    the figure short."""
    under = COLOUR_BAR_PX * scale > 0.25 * width_px
    room = (int(50 * scale), int(10 + (UNDER_BAR_PX * scale if under else 0)), 0, under)

    def tile_px(columns: int) -> float:  # a map's width on the screen
        columns = max(1, min(columns, count))
        return _unit_px(map_shape, -(-count // columns), columns, 1, width_px, scale, pixel_height, room) * map_shape[1]

    wide, narrow = GRID_COLUMNS
    small = tile_px(wide) < map_shape[1]  # under one screen pixel per map pixel
    return narrow if small and tile_px(narrow) >= 1.25 * tile_px(wide) else wide


def _tile_texts(labels: list[str], tile_px: float, font_px: float) -> list[str]:
    """The maps' labels as written over them: in full where every one fits its map with half an em to spare ("from
    map 54"), else the channel alone ("54", "R"), else none (hover names each map's channel). Over a grid of 64
    small maps the full labels ran into one another: "from mfrom mfrap 18"."""
    for texts in (labels, [label.replace("from map ", "").replace("from ", "") for label in labels]):
        if all((text_em(text) + 0.5) * font_px <= tile_px for text in texts):
            return texts
    return []


def feature_grid_figure(maps: np.ndarray, channels: list[int] | np.ndarray, title: str, columns: int = 8,
                        scale: float = 1.0, signed: bool | None = None, pixel_height: int = 440,
                        tile_labels: list[str] | None = None, width_px: float | None = None) -> go.Figure:
    """A grid of feature maps as one heatmap (grey for ReLU outputs, violet-orange for signed ones) with a colour
    bar; hover names the channel, and `tile_labels` (one per map shown) are written above the maps where they fit.
    `width_px`: the figure's width on the page (about; the whole page's by default)."""
    signed = is_signed(maps) if signed is None else signed
    columns = max(1, min(columns, len(channels)))
    height, width = maps.shape[:2]
    rows, font = -(-len(channels) // columns), TILE_LABEL_PX * scale
    # A title wider than the figure takes more lines, from the top ("32 of 64 maps, 32 x 32, after block1_conv1" ran
    # 16 px past a 1024 x 768 projector's half-page figure); the top margin holds them.
    title, title_lines_px = top_title(title, width_px or page_width_px(scale), int(FONT["size"] * scale),
                                      int(12 * scale))
    more_lines_px = title_lines_px - round(title["font"]["size"] * LINE_HEIGHT)  # the lines past the first
    top = int(50 * scale) + more_lines_px + (int(18 * scale) if tile_labels else 0)
    figure_px = width_px or page_width_px(scale)
    # Beside the grid the colour bar took a third of a 1024 x 768 projector's half-page figure, and its maps were 28 px
    # wide: where it would take over a quarter of the width, it lies under the grid.
    under = COLOUR_BAR_PX * scale > 0.25 * figure_px
    bottom = int(10 + (UNDER_BAR_PX * scale if under else 0))

    def unit_px(row_gap: int) -> float:  # screen pixels per map pixel
        return _unit_px((height, width), rows, columns, row_gap, figure_px, scale, pixel_height,
                        room=(top, bottom, more_lines_px, under))

    texts, row_gap = [], 1
    if tile_labels:
        texts = _tile_texts(list(tile_labels), unit_px(1) * width, font)
        if texts and rows > 1:  # room between the rows for the labels of the rows below the first
            row_gap = max(1, math.ceil(1.3 * font / unit_px(1)))
            row_gap = max(row_gap, math.ceil(1.3 * font / unit_px(row_gap)))
            texts = _tile_texts(list(tile_labels), unit_px(row_gap) * width, font)
            row_gap = row_gap if texts else 1
    mosaic, labels = feature_mosaic(maps, channels, columns, signed=signed, row_gap=row_gap)
    # Three decimals are plenty for grey levels and keep the JSON short; NaN gaps become nulls.
    # Gaps never hover (hoverongaps=False), so their label can be 0 and the labels fit in one byte each.
    # The hover counts channels from 1, as the labels over the maps do: a tile labelled "54" said "channel 53".
    labels = np.where(labels < 0, 0, labels + 1).astype(np.uint8 if labels.max(initial=0) < 255 else np.uint16)
    scale_text = "scaled value"  # each map divided by its own largest |value| (the page's caption says so)
    heatmap = dict(type="heatmap", z=np.round(mosaic, 3), customdata=labels, colorscale=SIGNED if signed else GREY,
                   zmin=-1 if signed else 0, zmax=1, showscale=True, hoverongaps=False,
                   # Under the grid its title stands above it: beside it, the title took the bar's length (a 22 px
                   # bar at 1024 px, its -1, 0 and 1 turned and stacked on one another)
                   colorbar=dict(title=dict(text=scale_text, side="top" if under else "right"), thickness=12,
                                 tickvals=[-1, 0, 1] if signed else [0, 1],
                                 **(dict(orientation="h", x=0.5, xanchor="center", y=0, yanchor="top",
                                         yref="paper", ypad=int(8 * scale), len=0.6) if under else {})),
                   hovertemplate="channel %{customdata}: %{z:.2f} of its maximum<extra></extra>")
    annotations = [dict(text=text, x=(slot % columns) * (width + 1) - 0.5,
                        y=(slot // columns) * (height + row_gap) - 0.5, xref="x", yref="y", xanchor="left",
                        yanchor="bottom", showarrow=False, font=dict(size=int(font), color="#111827"))
                   for slot, text in enumerate(texts)]
    # A grid narrower than its height allows is drawn at its own height: its maps stood at the foot of a tall,
    # mostly empty figure
    drawn_px = unit_px(row_gap) * mosaic.shape[0]
    figure_height = min(_figure_height(mosaic.shape, pixel_height) + more_lines_px / scale,
                        (top + drawn_px + bottom + 2) / scale)
    layout = _layout(figure_height, scale, annotations=annotations, margin=dict(l=10, r=10, t=top, b=bottom),
                     xaxis=dict(visible=False, constrain="domain"),
                     yaxis=dict(visible=False, autorange="reversed", scaleanchor="x", constrain="domain"))
    layout["title"] = title
    return go.Figure(data=[heatmap], layout=layout)


def probability_text(probability: float) -> str:
    """A class's probability in percent with one decimal, never a certainty or nothing: a model that gives "ship"
    99.97 % showed "100.0%" under a caption saying that probabilities are not certainties. A softmax over several
    classes never reaches 1 or 0, though in float32 it can round to them (logits 30, 0, -1 give exactly 1.0). Every
    value under 0.1 % reads "under 0.1%": 0.0645 % read "0.1%" above smaller ones that read "under 0.1%"."""
    percent = 100 * probability
    if percent >= 99.95:
        return "over 99.9%"
    if percent < 0.1:
        return "under 0.1%"
    return f"{percent:.1f}%"


def predictions_figure(predictions: list[tuple[str, float]], title: str | None, scale: float = 1.0,
                       color: str = SERIES_COLOURS[0]) -> go.Figure:
    """Top-k classes as horizontal bars with their probabilities in percent, most likely on top. The hover says what
    the label says: "%{x:.2f}%" showed 99.9961 % as "100.00%" and 2.7e-05 % as "0.00%"."""
    names = [plotly_text(name) for name, _ in predictions]  # class names come from a data folder
    percents = [100 * p for _, p in predictions]
    texts = [probability_text(p) for _, p in predictions]
    bar = dict(type="bar", x=percents, y=names, orientation="h", marker=dict(color=color),
               text=texts, customdata=texts, cliponaxis=False,
               textposition=["inside" if p >= 15 else "outside" for p in percents],  # small bars keep their label
               insidetextfont=dict(color=text_on(color)), outsidetextfont=dict(color=TEXT_COLOUR),
               hovertemplate="%{y}: %{customdata}<extra></extra>")
    # No grid: its lines ran through the small bars' "under 0.1%", which looked crossed out; every bar is labelled
    return go.Figure(data=[bar], layout=_layout(
        80 + 40 * len(names), scale, title, yaxis=axis(scale, autorange="reversed"),
        xaxis=axis(scale, range=[0, 100], title=dict(text="probability (%)"), showgrid=False)))
