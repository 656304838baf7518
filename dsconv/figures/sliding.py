"""Plotly figure of the sliding-kernel animation: frames (dsconv.sliding.frames) in, one animated figure out.

Everything is drawn with layout shapes (cells, coloured by level) and scatter text (numbers), never with
heatmaps: Plotly redraws heatmaps on every animation frame, and a frame that comes before the redraw is
done leaves the figure blank. Shapes and text update in place (redraw=False), so every frame is complete
at any speed. The figure (dsconv.figures.sliding_layout) shows the computation of the watched kernel
large, "window x weights = products" per channel read and the sum, beside small maps of the input, the
depthwise output and the output maps, with the cells read and written outlined. Playback runs in the
browser (dsconv_ui.playback drives it); the figure carries the step slider.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable

import numpy as np

from dsconv.figures.sliding_layout import (
    GROUP_TITLE_PX,
    MAP_NAME_PX,
    MAX_BOARD_CELL_PX,
    MIN_SIDE_MAP_CELL_PX,
    STACK_BELOW_PX,
    STACK_UNDER_NUMBER_PX,
    Board,
    Grid,
    Layout,
    board_cells_tall,
    board_cells_wide,
    fit_maps,
    group_title_px,
    number_cell,
    number_font,
    numbers_fit,
    place_board,
    place_maps,
)
from dsconv.figures.sliding_parts import (
    PADDING_COLOUR,
    UNFILLED_COLOUR,
    WATCHED_COLOUR,
    WINDOW_COLOUR,
    PrebuiltFigure,
    channel_name,
    exact_text,
    format_value,
    frame_slider,
    multiply_adds_text,
    rect_path,
    signed_colours,
    symmetric_peak,
    tint_colours,
    weight_text,
    window_text,
)
from dsconv.figures.style import CHANNEL_COLOURS, FONT_FAMILY, TEXT_COLOUR, page_width_px, text_em, wrap_parts
from dsconv.safe_text import counted, listed
from dsconv.sliding.engine import cancelled_outputs, channel_names, faint_maps, hidden_names, hidden_names_note
from dsconv.sliding.frames import Timeline, frame_detail

EMPTY_CELL = "#f3f4f6"  # a cell whose value is (near) zero: light grey, so the grid stays visible on white
BOARD_LEVELS = 2  # signed board cells: -2..2 (strong, weak, zero); tinted window cells: 0..3
MAP_LEVELS = 3  # signed map cells: -3..3; tinted input cells: 0..5
BOARD_HEIGHT_PX = 400  # the computation's height budget (times the scale) when its numbers fit in it
# Plotly writes a text placed "middle right" of its point this far right of it: the default marker's radius, 3 px,
# / 0.8 + 1 (plotly.js, Drawing.textPointPosition), even where no marker is drawn
RIGHT_TEXT_NUDGE_PX = 3 / 0.8 + 1
WINDOW_TINTS = 3  # tinted window cells: 0..3
# The computation's fill shapes in every frame (a frame can only change shapes that every frame has): one per colour
# the board may show, the window's (3 channels x 4 tints, or 5 signs) and the weights' and products' (5 signs each).
# It was 18: a 5 x 5 kernel on the gradient used 19, and the page said the layer was impossible.
FRAME_SLOTS = 3 * (WINDOW_TINTS + 1) + 2 * (2 * BOARD_LEVELS + 1)


def output_labels(layer, stage_index: int) -> list[str]:
    """Names of a stage's output maps: filters, depthwise maps by source channel, pointwise outputs."""
    stage = layer.stages[stage_index]
    channels = layer.image.shape[2]
    count = stage.output.shape[2]
    if stage.name == "depthwise":
        multiplier = layer.config.depth_multiplier
        return [f"from {channel_name(o // multiplier, channels)}" + (f", kernel {o % multiplier + 1}" if multiplier > 1
                else "") for o in range(count)]
    if stage.name == "grouped":
        per_group = count // layer.config.groups
        return [f"Filter {o + 1} (group {o // per_group + 1})" for o in range(count)]
    return [f"{'Output' if stage.name == 'pointwise' else 'Filter'} {o + 1}" for o in range(count)]


def read_names(layer, stage_index: int) -> list[str]:
    """Names of the channels a stage reads: R, G, B (or ch n) for the picture; the depthwise maps after it."""
    channels = layer.image.shape[2]
    return channel_names(channels) if stage_index == 0 else hidden_names(channels, layer.config.depth_multiplier)


def steps_done(timeline: Timeline, frame) -> int:
    """Steps (output positions, all stages) finished at this frame."""
    return sum(s.positions for s in timeline.layer.stages[:frame.stage]) + frame.position + 1


# --- Where things go ----------------------------------------------------------------------------------------

def _stage_reads(timeline: Timeline) -> list[list[tuple[int, int, int]]]:
    """Per stage, the (output, slot, channel) reads of the kernels watched in that stage (the same in every frame)."""
    reads = []
    for index, stage in enumerate(timeline.layer.stages):
        frame = next(f for f in timeline.frames if f.stage == index)
        reads.append([(o, slot, c) for o in frame.watched for slot, c in enumerate(stage.reads[o])])
    return reads


def _sum_em(layer, stage_index: int) -> float:
    """The widest line of a computation row's own sum (_board_texts: "Σ = <b>-1320</b>", "→ from B, kernel 2"), in
    ems, its number taken six characters wide or as wide as the widest sum written: taken six wide, "Σ = 127.5625"
    (a 4 x 4 box blur's, exact) would have run past the room it was given."""
    labels = output_labels(layer, stage_index)
    write = window_text if stage_index < len(layer.stages) - 1 else exact_text  # as output_text writes them
    sums = {write(float(value)) for value in np.ravel(layer.stages[stage_index].output)}
    return max([text_em("Σ = <b>-00000</b>")] + [text_em(f"Σ = <b>{text}</b>") for text in sums]
               + [text_em(f"→ {label}") for label in labels])


def number_ems(timeline: Timeline, details_of: list | None = None) -> list[float]:
    """For each stage, the widest number its computation writes in any frame (window, weight or product), in ems of
    the figure's font: "-1000" sized as four digits ran into "-2000" in the next cell, read as "-1000-2000".
    `details_of`: each frame's frame_detail, where the caller has them already."""
    widest = [0.0] * len(timeline.layer.stages)
    details_of = details_of or [frame_detail(timeline, frame) for frame in timeline.frames]
    for frame, details in zip(timeline.frames, details_of):
        for detail in details:
            texts = {exact_text(float(v)) for v in np.ravel(detail["products"])}
            texts |= {window_text(float(v)) for v in np.ravel(detail["window"])}
            texts |= {weight_text(float(v)) for v in np.ravel(detail["weights"])}
            widest[frame.stage] = max([widest[frame.stage]] + [text_em(text) for text in texts])
    return widest


def plan(timeline: Timeline, scale: float = 1.0, header_count: int = 3, width_px: float | None = None,
         details_of: list | None = None) -> Layout:
    """Every position of the figure for this timeline and scale (see dsconv.figures.sliding_layout), with
    `header_count` lines of text over it, for a figure shown `width_px` wide (default: page_width_px); `details_of`
    as number_ems."""
    layer = timeline.layer
    stages = layer.stages
    width = width_px or page_width_px(scale)
    header_font = 15 * scale
    header_lines = [(4 * scale, (0.75 + 1.35 * i) * header_font) for i in range(header_count)]
    head = (1.5 + 1.35 * (header_count - 1)) * header_font  # the header lines
    top = head + 28 * scale  # then the computation's title
    reads = _stage_reads(timeline)
    sizes = [stage.filters[0].shape[0] for stage in stages]
    own = [stage.name == "depthwise" for stage in stages]
    sum_ems = [_sum_em(layer, index) if mine else 0.0 for index, mine in enumerate(own)]
    ems = number_ems(timeline, details_of)
    readable = max(number_cell(scale, ems=em) for em in ems)
    first = stages[0]
    name_font = MAP_NAME_PX * scale

    def name_px(labels: list[str]) -> float:  # the widest of the tiles' shortest names, and half an em after it
        return max(text_em(tile_caption(label, 0.0, name_font)) + 0.5 for label in labels) * name_font

    labels = read_names(layer, 0)
    groups = [("Input" + (" (grey: padding)" if any(first.pad) else ""), labels, first.padded.shape[0],
               first.padded.shape[1], name_px(labels))]
    for index, stage in enumerate(stages):
        title = "Depthwise output" if index < len(stages) - 1 else "Output maps"
        labels = output_labels(layer, index)
        groups.append((title, labels, stage.output.shape[0], stage.output.shape[1], name_px(labels)))

    def boards_at(board_width: float, stacked: bool = False, top: float = top) -> tuple[float, list, float]:
        # One cell size for every stage's computation, but a narrower one (a 1 x 1 step) whose numbers need more
        # room gets larger cells as far as the width allows: a separable 5 x 5 layer's pointwise products were
        # written at 14 px in projector mode, in the depthwise step's cells. `stacked`: each stage whose own numbers,
        # one grid beside another, would be under STACK_UNDER_NUMBER_PX stacks its rows (a 1 x 1 step mostly has room).
        stack = [stacked and number_font(board_width / across, ems=em) < STACK_UNDER_NUMBER_PX * scale
                 for across, em in zip(one_row, ems)]
        wide = [board_cells_wide(size, mine, sum_em, s) for size, mine, sum_em, s in zip(sizes, own, sum_ems, stack)]
        tall = max(board_cells_tall(len(r), size, mine, s) for r, size, mine, s in zip(reads, sizes, own, stack))
        by_height = max(BOARD_HEIGHT_PX * scale / tall, readable)
        cell = min(board_width / max(wide), by_height, MAX_BOARD_CELL_PX * scale)
        own_cells = [max(cell, min(number_cell(scale, ems=em), board_width / across, MAX_BOARD_CELL_PX * scale))
                     for em, across in zip(ems, wide)]
        placed = [place_board(r, size, mine, 0.0, top, mine_cell, scale, em, s)
                  for r, size, mine, em, mine_cell, s in zip(reads, sizes, own, ems, own_cells, stack)]
        return cell, placed, top + max(board.height for board in placed)

    one_row = [board_cells_wide(size, mine, sum_em) for size, mine, sum_em in zip(sizes, own, sum_ems)]
    cells = max(one_row)

    # The maps go beside the computation when its numbers stay readable in 60 % of the width; failing that, when
    # the computation at its smallest readable cells leaves the maps room for cells of MIN_SIDE_MAP_CELL_PX: in
    # projector mode at 1280 x 800 a separable layer's maps sat a screen below its Play buttons.
    roomy = 0.6 * width / cells >= readable
    board_width = 0.6 * width if roomy else cells * readable
    cell, boards, board_bottom = boards_at(board_width)
    maps_x = board_width + 28 * scale
    maps_width, maps_budget = width - maps_x, max(board_bottom - head, 300 * scale)
    # Beside, every group's title must fit too: "Input (grey: padding)" ran 8 px past a 1024 x 768 projector's figure
    titles_px = max(group_title_px(group[0], scale) for group in groups)
    side_cell = fit_maps(groups, maps_width, maps_budget, scale)
    fits_beside = side_cell >= MIN_SIDE_MAP_CELL_PX * scale
    # (on a phone, maps beside a roomy computation must fit too: a pointwise layer's 8 x 8 input was drawn in cells of
    # 3.5 px beside it on a 390 px phone, stripes more than a picture; under it they have 9.5 px)
    two_columns = (roomy and (fits_beside or width >= STACK_BELOW_PX)) or (maps_width >= titles_px and fits_beside)
    if two_columns:
        map_cell = side_cell
        maps, maps_bottom = place_maps(groups, maps_x, head, maps_width, map_cell, scale)
    else:  # under the computation; on a phone, where three grids across leave numbers too small to read, each row's
        # products go under its window (a 280 px phone's numbers were 8 px, a separable layer's 6.5 px on a 390 px
        # phone, 11.8 px for the default layer there). Stacked, the computation is half as tall again: where its
        # numbers can be read on one row, and on any page of 600 px or more, it stays on one row.
        map_cell = fit_maps(groups, width, 380 * scale, scale)
        board_title = head + 11 * scale
        if width < STACK_BELOW_PX:  # a phone: the maps first, under the header. Under a stacked computation they
            # lay 1,200 px below the Play buttons of a 390 px phone, off its screen all the while the animation played
            maps, maps_bottom = place_maps(groups, 0.0, head, width, map_cell, scale)
            below = maps_bottom + 24 * scale - head
            cell, boards, board_bottom = boards_at(width, stacked=True, top=top + below)
            board_title += below
        else:
            cell, boards, board_bottom = boards_at(width)
            maps, maps_bottom = place_maps(groups, 0.0, board_bottom + 24 * scale, width, map_cell, scale)
    height = max(board_bottom, maps_bottom) + 8 * scale
    return Layout(width, height, scale, header_lines, header_font, boards, maps, map_cell,
                  (0.0, head + 11 * scale) if two_columns else (0.0, board_title), GROUP_TITLE_PX * scale,
                  maps_x - 8 * scale if two_columns else width - 4 * scale)


# --- Shapes ------------------------------------------------------------------------------------------------

# A shape with nothing to draw in a frame gets the path NOTHING, never visible=False: a frame that turns a shape
# invisible leaves its last drawing on screen in Plotly.animate (the depthwise step's cells stayed under the pointwise
# step's products), while a new path always replaces it.
NOTHING = "M0,0"
BLANK_LINE = "\u00a0"  # a header line with nothing to say in this frame (see sliding_figure_spec)


def _fill(path: str, colour: str) -> dict:
    """A filled shape without an outline, in figure pixels (nothing drawn while its path is empty)."""
    return {"type": "path", "xref": "x", "yref": "y", "path": path or NOTHING, "fillcolor": colour,
            "line": {"width": 0}, "layer": "below"}


def _outline(path: str, colour: str, width: float, fill: str | None = None) -> dict:
    """An outline (or a cover, with `fill`) above everything, in figure pixels (nothing drawn while its path is
    empty)."""
    return {"type": "path", "xref": "x", "yref": "y", "path": path or NOTHING, "line": {"color": colour,
            "width": width}, "fillcolor": fill or "rgba(0,0,0,0)", "layer": "above"}


def _cells_path(grid: Grid, cells, inset: float) -> str:
    """One path of the given (row, col) cells, each inset so that a white gap separates neighbours. The grid's lines
    are rounded to whole pixels first, then each side is moved in by whole pixels: inset by a fraction, then
    rounded, a gap came out 1 px in some columns and 0 or 2 in others (a 12 x 12 map was drawn in stripes)."""
    gap = round(inset)
    return "".join(rect_path(round(x0) + gap, round(y0) + gap, round(x1) - gap, round(y1) - gap)
                   for x0, y0, x1, y1 in (grid.rect(r, c) for r, c in cells))


@lru_cache(maxsize=256)
def _cell_paths(x0: float, y0: float, rows: int, cols: int, cell: float, inset: float) -> np.ndarray:
    """Each cell's path of a grid (rows x cols, as objects), inset as _cells_path insets it: a frame's fills are the
    same cells in other groups, and drawing them again for each of 256 frames took a fifth of the figure's time."""
    grid = Grid(x0, y0, rows, cols, cell)
    paths = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            paths[r, c] = _cells_path(grid, [(r, c)], inset)
    return paths


def _level_paths(grid: Grid, levels: np.ndarray, inset: float) -> dict[int, str]:
    """A path per level: all the cells of the grid at that level, in row-major order."""
    paths = _cell_paths(grid.x0, grid.y0, grid.rows, grid.cols, grid.cell, inset)
    return {int(level): "".join(paths[levels == level]) for level in np.unique(levels)}


def signed_levels(values: np.ndarray, peak: float, count: int) -> np.ndarray:
    """Levels -count..count of values against their peak |value| (0 for near-zero values)."""
    share = np.asarray(values, dtype=np.float64) / (peak if peak > 0 else 1.0)
    levels = np.sign(share) * np.ceil(np.abs(share) * count - 1e-9)
    levels[np.abs(share) < 0.02] = 0
    return np.clip(levels, -count, count).astype(int)


def tint_levels(values: np.ndarray, count: int) -> np.ndarray:
    """Levels 0..count of pixel values 0..255."""
    return np.clip(np.rint(np.asarray(values, dtype=np.float64) / 255.0 * count), 0, count).astype(int)


MIN_GAPPED_CELL_PX = 8  # map cells smaller than this are drawn touching, as one picture


def map_inset(cell: float) -> float:
    """How far a map's cell is drawn in from its edges, so that white gaps part the cells: none under
    MIN_GAPPED_CELL_PX. There a gap of half a pixel or so rounds to 1 px in some columns and 0 in others, and a
    16 x 16 picture's disc was drawn in stripes."""
    return 0.0 if cell < MIN_GAPPED_CELL_PX else min(1.0, cell * 0.08)


def _map_shapes(layout: Layout, timeline: Timeline) -> list[dict]:
    """The maps' cells (static): inputs tinted by channel, padding grey, depthwise and output maps by sign."""
    layer = timeline.layer
    first = layer.stages[0]
    channels = layer.image.shape[2]
    inset = map_inset(layout.map_cell)
    shapes = []
    top, bottom, left, right = first.pad
    for c, tile in enumerate(layout.maps[0].tiles):
        values = first.padded[:, :, c]
        levels = tint_levels(values, 5) if channels == 3 else signed_levels(values, symmetric_peak(values), MAP_LEVELS)
        inside = np.zeros(values.shape, bool)
        inside[top:values.shape[0] - bottom, left:values.shape[1] - right] = True
        levels = np.where(inside, levels, -99)
        colours = tint_colours(CHANNEL_COLOURS[c], 5) if channels == 3 else signed_colours(MAP_LEVELS)
        for level, path in _level_paths(tile, levels, inset).items():
            shapes.append(_fill(path, PADDING_COLOUR if level == -99 else colours.get(level, EMPTY_CELL)))
    for group, stage in zip(layout.maps[1:], layer.stages):
        colours = signed_colours(MAP_LEVELS)
        for o, tile in enumerate(group.tiles):
            values = stage.output[:, :, o]
            for level, path in _level_paths(tile, signed_levels(values, symmetric_peak(values), MAP_LEVELS),
                                            inset).items():
                shapes.append(_fill(path, colours.get(level, EMPTY_CELL)))
    return shapes


def _board_shapes(layout: Layout, timeline: Timeline, frame, details) -> list[dict]:
    """The computation's fills for one frame, in FRAME_SLOTS fixed slots (window tints or signs, weights, products)."""
    layer = timeline.layer
    board = layout.boards[frame.stage]
    inset = max(1.0, board.cell * 0.04)
    by_output = {d["output_channel"]: d for d in details}
    reading_picture = frame.stage == 0 and layer.image.shape[2] == 3
    window_slots: dict[str, list[str]] = {}
    weight_slots: dict[int, list[str]] = {}
    product_slots: dict[int, list[str]] = {}
    weight_peak = max(float(np.max(np.abs(detail["weights"]))) for detail in details) or 1.0
    product_peak = max(float(np.max(np.abs(detail["products"]))) for detail in details) or 1.0
    for row in board.rows:
        detail = by_output[row.output]
        window = detail["window"][:, :, row.slot]
        weights = detail["weights"][:, :, row.slot]
        products = detail["products"][:, :, row.slot]
        if reading_picture:
            colours = tint_colours(CHANNEL_COLOURS[row.channel], WINDOW_TINTS)
            levels = tint_levels(window, WINDOW_TINTS)
        else:
            colours = signed_colours(BOARD_LEVELS)
            levels = signed_levels(window, symmetric_peak(layer.stages[frame.stage].inputs[:, :, row.channel]),
                                   BOARD_LEVELS)
        for level, path in _level_paths(row.window, levels, inset).items():
            window_slots.setdefault(colours.get(level, EMPTY_CELL), []).append(path)
        for level, path in _level_paths(row.weights, signed_levels(weights, weight_peak, BOARD_LEVELS), inset).items():
            weight_slots.setdefault(level, []).append(path)
        for level, path in _level_paths(row.products, signed_levels(products, product_peak, BOARD_LEVELS),
                                        inset).items():
            product_slots.setdefault(level, []).append(path)
    signed = signed_colours(BOARD_LEVELS)
    fills = [("".join(paths), colour) for colour, paths in window_slots.items()]
    fills += [("".join(paths), signed.get(level, EMPTY_CELL)) for level, paths in sorted(weight_slots.items())]
    fills += [("".join(paths), signed.get(level, EMPTY_CELL)) for level, paths in sorted(product_slots.items())]
    if len(fills) > FRAME_SLOTS:
        raise ValueError(f"{len(fills)} colours on the computation board; the figure has {FRAME_SLOTS} slots.")
    fills += [("", EMPTY_CELL)] * (FRAME_SLOTS - len(fills))
    return [_fill(path, colour) for path, colour in fills]


def _frame_outlines(layout: Layout, timeline: Timeline, frame) -> list[dict]:
    """Covers over unwritten output cells, the window outline on the tiles read, and the cells written now."""
    layer = timeline.layer
    stage = layer.stages[frame.stage]
    shapes = []
    for offset, group in enumerate(layout.maps[1:]):
        filled = group.tiles[0].rows * group.tiles[0].cols if offset < frame.stage else \
            frame.filled if offset == frame.stage else 0
        # edged in its own colour: a bare cover let the coloured cells under it show as slivers along its edges
        shapes.append(_outline("".join(_unfilled_path(tile, filled) for tile in group.tiles), UNFILLED_COLOUR, 1.5,
                               fill=UNFILLED_COLOUR))
    reading = layout.maps[frame.stage]
    read = sorted({c for o in frame.watched for c in stage.reads[o]})
    rows, cols = stage.rows[frame.row], stage.cols[frame.col]
    window = "".join(_window_path(reading.tiles[c], rows, cols) for c in read)
    shapes.append(_outline(window, WINDOW_COLOUR, 2.5 * layout.scale))
    written = layout.maps[frame.stage + 1]
    cell = [(frame.row, frame.col)]
    others = "".join(_cells_path(t, cell, 0) for o, t in enumerate(written.tiles) if o not in frame.watched)
    watched = "".join(_cells_path(written.tiles[o], cell, 0) for o in frame.watched)
    shapes.append(_outline(others, WINDOW_COLOUR, 1.5 * layout.scale))
    shapes.append(_outline(watched, WATCHED_COLOUR, 3 * layout.scale))
    return shapes


def _window_path(tile: Grid, rows, cols) -> str:
    """Outline of the cells a window reads: one rectangle if they touch (no dilation), else one per cell."""
    if all(b - a == 1 for a, b in zip(rows, rows[1:])) and all(b - a == 1 for a, b in zip(cols, cols[1:])):
        x0, y0, _, _ = tile.rect(rows[0], cols[0])
        _, _, x1, y1 = tile.rect(rows[-1], cols[-1])
        return rect_path(x0, y0, x1, y1)
    return _cells_path(tile, [(r, c) for r in rows for c in cols], 0)


def _unfilled_path(tile: Grid, filled: int) -> str:
    """The cells of a raster-order map not written yet: the rest of the current row and every row below."""
    if filled >= tile.rows * tile.cols:
        return ""
    row, col = divmod(filled, tile.cols)
    path = ""
    if col:
        x0, y0, _, _ = tile.rect(row, col)
        _, _, x1, y1 = tile.rect(row, tile.cols - 1)
        path += rect_path(x0, y0, x1, y1)
    first = row + 1 if col else row
    if first < tile.rows:
        x0, y0, _, _ = tile.rect(first, 0)
        _, _, x1, y1 = tile.rect(tile.rows - 1, tile.cols - 1)
        path += rect_path(x0, y0, x1, y1)
    return path


# --- Text --------------------------------------------------------------------------------------------------

def _text_trace(xs, ys, texts, sizes, hover=None) -> dict:
    trace = {"type": "scatter", "mode": "text", "x": xs, "y": ys, "text": texts, "showlegend": False,
             "textposition": "middle center", "textfont": {"size": sizes, "color": TEXT_COLOUR},
             "cliponaxis": False}
    if hover is None:
        trace["hoverinfo"] = "skip"
    else:
        trace["customdata"] = hover
        trace["hovertemplate"] = HOVER_DONE
    return trace


# A map's hover, once its step is done, and before: a cover hid the cells not computed yet, while hovering one showed
# the value the animation had not reached ("Filter 1, row 5, column 1: 340" at step 9 of 36). Each frame says which
# maps are done: one string a map group, not one a cell.
HOVER_DONE = "%{customdata[0]}: %{customdata[1]}<extra></extra>"
HOVER_LATER = "%{customdata[0]}: its value shows once the whole map is computed<extra></extra>"


def _board_points(board: Board) -> tuple[list[float], list[float], list[float], list[str]]:
    """Where the computation's texts go, in a fixed order (labels, signs, the three grids' cells, sums, total),
    their font sizes and text positions. The positions depend on the stage only, so frames send texts alone."""
    xs, ys, sizes, where = [], [], [], []
    big = board.font * 1.25

    def put(point, size, position="middle center"):
        xs.append(round(point[0], 1))
        ys.append(round(point[1], 1))
        sizes.append(round(size, 1))
        where.append(position)

    for row in board.rows:
        put(row.label_at, big)
        put(row.times_at, big)
        put(row.equals_at, big)
        for grid in (row.window, row.weights, row.products):
            for r in range(grid.rows):
                for c in range(grid.cols):
                    put(grid.center(r, c), board.font)
        if row.sum_at is not None:
            put(row.sum_at, board.font, "middle right")
    if board.total_at is not None:
        put(board.total_at, big, "middle right")
    return xs, ys, sizes, where


def _board_texts(layout: Layout, timeline: Timeline, frame, details) -> list[str]:
    """The computation's texts for one frame, in _board_points' order."""
    layer = timeline.layer
    board: Board = layout.boards[frame.stage]
    names = read_names(layer, frame.stage)
    labels = output_labels(layer, frame.stage)
    by_output = {d["output_channel"]: d for d in details}
    texts = []
    for row in board.rows:
        detail = by_output[row.output]
        texts += [f"<b>{names[row.channel]}</b>", "×", "="]
        for values, write in ((detail["window"], window_text), (detail["weights"], weight_text),
                              (detail["products"], exact_text)):
            texts += [write(float(v)) for v in values[:, :, row.slot].ravel()]
        if row.sum_at is not None:
            texts.append(f"Σ = <b>{output_text(timeline, frame.stage)(detail['sum'])}</b><br>→ {labels[row.output]}")
    if board.total_at is not None:
        watched = details[0]
        total = output_text(timeline, frame.stage)(watched["sum"])
        then = "<br>" if layout.width < STACK_BELOW_PX else " "  # on a phone, two lines (on one, its letters were 7 px)
        bias = f",{then}+ bias " if layer.adds_bias(frame.stage) else then
        texts.append(f"Σ of the {watched['products'].size} products = <b>{total}</b>{bias}"
                     f"→ <b>{labels[watched['output_channel']]}</b>, row {frame.row + 1}, column {frame.col + 1}")
    return texts


def output_text(timeline: Timeline, stage: int) -> Callable[[float], str]:
    """How a stage's outputs are written, as sums and in its map: as the next step's window writes them where they
    feed one (window_text: a depthwise sum of -144.5 read "-144" above a pointwise window's "-144.5"), else as any
    value that is a sum of products (exact_text)."""
    return window_text if stage < len(timeline.layer.stages) - 1 else exact_text


def _title_lines(timeline: Timeline, frame, details, scale: float, width_px: float | None = None) -> list[str]:
    """The lines over the figure: where the kernel is and what it reads, the sums, the count so far; each wrapped to
    the figure's width (wrap_parts)."""
    layer = timeline.layer
    stage = layer.stages[frame.stage]
    notes = layer.notes[frame.stage] if frame.stage < len(layer.notes) else ()
    where = f"output row {frame.row + 1}, column {frame.col + 1}"
    if stage.name == "depthwise":
        what = "each channel is read by its own kernel only"
    elif stage.name == "pointwise" and frame.stage > 0:  # the depthwise maps, primed (hidden_names)
        what = (f"output {frame.watched[0] + 1} reads a 1 x 1 column through every depthwise map "
                f"({hidden_names_note(layer.image.shape[2], layer.config.depth_multiplier)})")
    elif stage.name == "pointwise":
        what = f"output {frame.watched[0] + 1} reads a 1 x 1 column through every channel"
    else:
        reads = stage.reads[frame.watched[0]]
        what = f"filter {frame.watched[0] + 1} reads {len(reads)} channel{'s' if len(reads) > 1 else ''}"
    if notes and len(frame.watched) == 1:
        what += f" — {notes[frame.watched[0]]}"  # "(Sobel edge × (R + G + B) / 3)" read as nested brackets
    header = (f"<b>Step {steps_done(timeline, frame)} of {timeline.total_positions}</b> · {stage.name} "
              f"at {where}: {what}")
    labels = output_labels(layer, frame.stage)
    bias = ", + bias" if layer.adds_bias(frame.stage) else ""  # a separable layer's depthwise step has none
    sums = [f"{counted(d['products'].size, 'product')}, sum <b>{output_text(timeline, frame.stage)(d['sum'])}</b>"
            f"{bias} → {labels[d['output_channel']]}" for d in details]
    outputs = stage.output.shape[2]
    sizes = {f.size for f in stage.filters}
    unit = "kernel" if stage.name == "depthwise" else "output" if stage.name == "pointwise" else "filter"
    each = f"{counted(outputs, unit)} × {sizes.pop()}" if len(sizes) == 1 else counted(outputs, unit)
    earlier = ", after the depthwise step" if frame.stage > 0 else ""
    count = [f"Multiply-adds so far: <b>{frame.multiply_adds:,}</b> ({each} per position{earlier})"]
    last = timeline.frames[-1]
    if last.standard_multiply_adds != last.multiply_adds:  # a standard layer was compared with itself ("108: 108")
        # the same share of its own work, the share said, and its whole: "as far through: 54" beside 27 read as a
        # standard convolution at the same output position (it does 108 there)
        share, whole = multiply_adds_text(frame.standard_multiply_adds), multiply_adds_text(last.standard_multiply_adds)
        count.append(f"a standard convolution to the same output, {steps_done(timeline, frame)}/"
                     f"{timeline.total_positions} of the way through: <b>{share}</b> of its {whole}")
    return [line for parts in ([header], sums, count) for line in wrap_parts(parts, header_room_em(scale, width_px))]


def tile_caption(label: str, room_px: float, font_px: float) -> str:
    """A map's name as written over its tile, shortened where the full name is wider than the tile and its gap
    ("from R, kernel 2" -> "R, k2"): side by side, six names of a depth multiplier of 2 ran into each other. Hovering
    over the map still gives the full name. Half an em stays clear before the next name ("Output 1Output 2", 4 px
    apart, read as one word)."""
    if (text_em(label) + 0.5) * font_px <= room_px:
        return label
    short = label.replace("from ", "").replace("kernel ", "k").replace("Filter ", "F").replace("Output ", "out ")
    return short.replace(" (group ", " g").replace(")", "") if "(group " in short else short


def header_room_em(scale: float, width_px: float | None = None) -> float:
    """A header line's room, in ems of its 15 px text times the scale: the figure's width (default: page_width_px)
    less the line's 4 px inset on both sides. (Six depthwise sums on one line were once cut off at the right edge.)"""
    return ((width_px or page_width_px(scale)) - 8 * scale) / (15 * scale)


def _map_text(layout: Layout, timeline: Timeline) -> list[dict]:
    """Static traces: each map group's numbers where they fit, else invisible points that show values on hover."""
    layer = timeline.layer
    grids = [(layout.maps[0], [layer.stages[0].padded[:, :, c] for c in range(layer.image.shape[2])], format_value)]
    grids += [(group, [stage.output[:, :, o] for o in range(stage.output.shape[2])], output_text(timeline, index))
              for index, (group, stage) in enumerate(zip(layout.maps[1:], layer.stages))]
    traces = []
    for group, maps, write in grids:
        xs, ys, texts, hover = [], [], [], []
        chars = max(len(write(float(v))) for values in maps for v in np.ravel(values))
        show = numbers_fit(layout.map_cell, chars, layout.scale)
        for tile, values in zip(group.tiles, maps):
            for r in range(tile.rows):
                for c in range(tile.cols):
                    x, y = tile.center(r, c)
                    xs.append(round(x, 1))
                    ys.append(round(y, 1))
                    text = write(float(values[r, c]))
                    texts.append(text if show else "")
                    hover.append([f"{tile.label}, row {r + 1}, column {c + 1}", text])
        trace = _text_trace(xs, ys, texts, round(number_font(layout.map_cell, chars, layout.scale), 1), hover)
        trace["mode"] = "text" if show else "markers"
        trace["marker"] = {"size": max(layout.map_cell * 0.8, 4), "opacity": 0}
        traces.append(trace)
    return traces


# --- The figure --------------------------------------------------------------------------------------------

# The computation's title, shortened where the figure is narrow (a phone's 360 px cut the longest by 83 px).
BOARD_TITLES = ("The watched kernel: window × weights = products, then their sum",
                "The watched kernel: window × weights = products", "The watched kernel")


def board_title(room_px: float, font_px: float) -> str:
    """The longest of BOARD_TITLES that fits `room_px` in bold at `font_px` (the shortest where none does)."""
    return next((title for title in BOARD_TITLES if text_em(f"<b>{title}</b>") * font_px <= room_px),
                BOARD_TITLES[-1])


def sliding_figure(timeline: Timeline, scale: float = 1.0, width_px: float | None = None) -> PrebuiltFigure:
    """The animated figure: the computation beside the maps, one frame per step (see the module docstring), laid out
    for a figure shown `width_px` wide (default: page_width_px)."""
    return PrebuiltFigure(sliding_figure_spec(timeline, scale, width_px))


def sliding_figure_spec(timeline: Timeline, scale: float = 1.0, width_px: float | None = None) -> dict:
    """The animated figure as a Plotly JSON dict (data, layout, frames), built from plain lists."""
    details_of = [frame_detail(timeline, frame) for frame in timeline.frames]
    titles = [_title_lines(timeline, frame, details, scale, width_px)
              for frame, details in zip(timeline.frames, details_of)]
    header_count = max(len(lines) for lines in titles)  # the same in every frame: a text point per line
    layout = plan(timeline, scale, header_count, width_px, details_of)
    static_shapes = _map_shapes(layout, timeline)
    data = _map_text(layout, timeline)
    annotations = [{"text": f"<b>{group.title}</b>", "x": group.title_at[0], "y": group.title_at[1], "xref": "x",
                    "yref": "y", "xanchor": "left", "yanchor": "middle", "showarrow": False,
                    "font": {"size": round(layout.title_font, 1), "color": TEXT_COLOUR}} for group in layout.maps]
    annotations += [{"text": tile_caption(tile.label, tile.cols * tile.cell + 8 * scale, MAP_NAME_PX * scale),
                     "x": tile.x0, "y": tile.y0 - 2 * scale, "xref": "x", "yref": "y", "xanchor": "left",
                     "yanchor": "bottom", "showarrow": False,
                     "font": {"size": round(MAP_NAME_PX * scale, 1), "color": "#374151"}}
                    for group in layout.maps for tile in group.tiles]
    annotations.append({"text": f"<b>{board_title(layout.board_right - layout.board_title_at[0], layout.title_font)}</b>",
                        "x": layout.board_title_at[0], "y": layout.board_title_at[1], "xref": "x", "yref": "y",
                        "xanchor": "left", "yanchor": "middle", "showarrow": False,
                        "font": {"size": round(layout.title_font, 1), "color": TEXT_COLOUR}})

    board_texts = [_board_texts(layout, timeline, frame, details)
                   for frame, details in zip(timeline.frames, details_of)]
    board_traces = []
    for index, board in enumerate(layout.boards):  # one text trace per stage's computation: positions fixed
        xs, ys, sizes, where = _board_points(board)
        if board.total_at is not None:  # the total line ("Σ of the 9 products = ...") at a size its longest fits in:
            longest = max((text_em(line) for frame, texts in zip(timeline.frames, board_texts)  # it ran under the
                           if frame.stage == index for line in texts[-1].split("<br>")), default=0.0)  # maps beside it
            if longest:  # (Plotly writes it RIGHT_TEXT_NUDGE_PX right of its point: it ended 4 px from a phone's maps)
                room = layout.board_right - board.total_at[0] - RIGHT_TEXT_NUDGE_PX
                sizes[-1] = math.floor(min(sizes[-1], room / longest) * 10) / 10
        trace = _text_trace(xs, ys, [BLANK_LINE] * len(xs), sizes)
        trace["textposition"] = where
        board_traces.append(trace)
    board_indices = list(range(len(data), len(data) + len(board_traces)))
    header_index = board_indices[-1] + 1
    map_indices = list(range(1, len(layout.maps)))  # data[0] is the input's map, whose values are there from the start
    map_cells = [group.tiles[0].rows * group.tiles[0].cols for group in layout.maps[1:]]
    frames, names, labels = [], [], []
    for number, (frame, details, lines) in enumerate(zip(timeline.frames, details_of, titles)):
        # A text with nothing to say in this frame is a no-break space, never "": Plotly removes the text of a point
        # whose text turns empty and, animating without a redraw, does not draw it again ("Multiply-adds so far"
        # vanished after a frame of fewer header lines; the pointwise step's numbers on its first frame).
        texts = [{"text": board_texts[number] if index == frame.stage else [BLANK_LINE] * len(trace["x"])}
                 for index, trace in enumerate(board_traces)]
        header = {"text": lines + [BLANK_LINE] * (header_count - len(lines))}
        shapes = _board_shapes(layout, timeline, frame, details) + _frame_outlines(layout, timeline, frame)
        done = [index < frame.stage or (index == frame.stage and frame.filled >= cells)
                for index, cells in enumerate(map_cells)]
        hovers = [{"hovertemplate": HOVER_DONE if whole else HOVER_LATER} for whole in done]
        # (the computations' texts first, one per stage, and the header last: the order the tests read them in)
        frames.append({"name": str(number), "traces": board_indices + map_indices + [header_index],
                       "data": texts + hovers + [header],
                       "layout": {"shapes": [{"path": s["path"], "fillcolor": s["fillcolor"]} for s in shapes]}})
        names.append(str(number))
        labels.append(f"{steps_done(timeline, frame)} of {timeline.total_positions}")
        if number == 0:
            for index, hover in zip(map_indices, hovers):
                data[index].update(hover)
            for trace, text in zip(board_traces, texts):
                data.append({**trace, **text})
            header_trace = _text_trace([x for x, _ in layout.header_lines], [y for _, y in layout.header_lines],
                                       header["text"], round(layout.header_font, 1))
            header_trace["textposition"] = "middle right"
            data.append(header_trace)
            first_shapes = shapes
    # Room for the step slider over the figure, as much as Plotly takes for it (measured in Chromium: 55 px at scale 1,
    # 62 at 1.35). With less, Plotly grew the margin itself and shrank the drawing to 93-97 % of its planned size while
    # its text kept its size, so the texts sized to fit their places ran past them.
    margin_top = math.ceil(35 + 20 * scale) + 1
    layout_dict = {
        "height": int(layout.height + margin_top + 6), "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        "margin": {"l": 4, "r": 4, "t": margin_top, "b": 6}, "showlegend": False, "dragmode": False,
        "font": {"family": FONT_FAMILY, "color": TEXT_COLOUR}, "hovermode": "closest",
        "xaxis": {"visible": False, "range": [0, layout.width], "fixedrange": True, "constrain": "domain"},
        "yaxis": {"visible": False, "range": [layout.height, 0], "fixedrange": True, "scaleanchor": "x",
                  "constrain": "domain"},
        "shapes": first_shapes + static_shapes, "annotations": annotations,
        "sliders": frame_slider(names, labels, scale),
        # the maps' names written short over their tiles, with the full names, for the page to say ("F1 g1" stood
        # over a grouped layer's maps unexplained); Plotly keeps layout.meta as data
        "meta": {"short_names": shortened_names(layout, scale)},
    }
    return {"data": data, "layout": layout_dict, "frames": frames}


def shortened_names(layout: Layout, scale: float) -> list[list[str]]:
    """[written, full] for each map name written short over its tile (tile_caption), in the maps' order."""
    pairs = []
    for group in layout.maps:
        for tile in group.tiles:
            written = tile_caption(tile.label, tile.cols * tile.cell + 8 * scale, MAP_NAME_PX * scale)
            if written != tile.label:
                pairs.append([written, tile.label])
    return pairs


def faint_maps_note(layer) -> str:
    """Sentences on the maps that are 0 everywhere or nearly so (dsconv.sliding.faint_maps), named as the figure
    names them, or "": each map is coloured on its own scale, so a faint one looks as strong as the rest, and one that
    is 0 everywhere is white. Outputs whose weights cancel (cancelled_outputs) are said to be 0 on every picture."""
    def named(index: int, maps: tuple[int, ...]) -> str:
        names = [output_labels(layer, index)[n] for n in maps]
        if layer.stages[index].name != "depthwise":
            return listed(names)
        kind = "depthwise map" if len(layer.stages) > 1 else "map"
        return f"The {kind}{'' if len(maps) == 1 else 's'} {listed(names)}"

    def verb(maps: tuple[int, ...]) -> str:
        return "is" if len(maps) == 1 else "are"

    sentences = []
    cancelled, equal_pairs = cancelled_outputs(layer)
    last = len(layer.stages) - 1
    if cancelled:
        it = "it is" if len(cancelled) == 1 else "they are"
        # (why a channel's copies are one map is same_copies_note's to say, above this)
        why = (f"{'It' if len(cancelled) == 1 else 'Each'} adds one of a channel's depthwise maps and subtracts "
               "the same map drawn again." if equal_pairs else
               f"{'Its' if len(cancelled) == 1 else 'Their'} depthwise and pointwise weights cancel.")
        sentences.append(f"{named(last, cancelled)} {verb(cancelled)} 0 on every picture, so {it} drawn white. {why}")
    for index, stage in enumerate(layer.stages):
        zero, faint = faint_maps(stage.output)
        if index == last:
            zero = tuple(n for n in zero if n not in cancelled)
        if zero:
            it = "it is" if len(zero) == 1 else "they are"
            sentences.append(f"{named(index, zero)} {verb(zero)} 0 everywhere on this picture, so {it} drawn white.")
        if faint:
            peaks = np.abs(stage.output).reshape(-1, stage.output.shape[2]).max(axis=0)
            top = int(np.argmax(peaks))
            most = format_value(float(max(peaks[n] for n in faint)))
            strongest = output_labels(layer, index)[top]
            sentences.append(
                f"{named(index, faint)} {verb(faint)} nearly 0 everywhere on this picture (at most {most}, where "
                f"{'the map ' if stage.name == 'depthwise' else ''}{strongest} reaches "
                f"{format_value(float(peaks[top]))}): each map is coloured on its own scale, so "
                f"{'its' if len(faint) == 1 else 'their'} colours show differences too small to see in the others.")
    return " ".join(sentences)


def same_copies_note(layer, preset: str) -> str:
    """A sentence on a channel's depthwise maps that are one map drawn twice or more, because its kernel copies are
    equal, or "": the Box blur preset at m = 2 drew "from R, kernel 1" and "from R, kernel 2" alike without a word
    (copy 2 is the pattern turned 90°, and a symmetric pattern, or a 1 x 1 one, does not change)."""
    stage, copies = layer.stages[0], layer.config.depth_multiplier
    if stage.name != "depthwise" or copies < 2 or not any(np.any(kernel) for kernel in stage.filters):
        return ""  # (every weight 0, Sobel at 1 x 1: the page says so, and that every output is 0)
    labels = output_labels(layer, 0)
    per_channel = []  # for each channel, its groups of equal copies (two or more), as copy numbers from 0
    for channel in range(len(stage.filters) // copies):
        kernels_of = [stage.filters[channel * copies + j] for j in range(copies)]
        groups = []
        for j in range(copies):
            if not any(j in group for group in groups):
                group = tuple(i for i in range(j, copies) if np.array_equal(kernels_of[i], kernels_of[j]))
                if len(group) > 1:
                    groups.append(group)
        per_channel.append(groups)
    if not any(per_channel):
        return ""
    kind = "depthwise maps" if len(layer.stages) > 1 else "maps"
    names = channel_names(layer.image.shape[2])
    if all(groups == per_channel[0] for groups in per_channel):  # as every preset does: said once, for the first
        said = [listed([labels[j] for j in group]) for group in per_channel[0]]
        rest, whose = ((f" (and likewise for {listed(names[1:])})", "each channel's kernel copies") if len(names) > 1
                       else ("", "its kernel copies"))
    else:
        said = [listed([labels[channel * copies + j] for j in group])
                for channel, groups in enumerate(per_channel) for group in groups]
        rest, whose = "", "the kernel copies behind them"
    times = {2: "twice", 3: "three times"}.get(max(len(group) for groups in per_channel for group in groups),
                                                "several times")
    why = ("their random weights happen to be equal" if preset == "random" else
           "at 1 x 1 the preset is a single weight, and a single weight has nothing to turn"
           if layer.config.kernel_size == 1 else
           "each copy is the preset's pattern turned 90° from the one before, and this pattern looks the same turned")
    more = "".join(f", as are the {kind} {names_of}" for names_of in said[1:])  # "A and B ..., as are C and D"
    return (f"The {kind} {said[0]} are the same map, drawn {times}{more}{rest}: {whose} are equal, "
            f"since {why}.")


def short_names_note(spec: dict) -> str:
    """A sentence on the figure's short map names, from its first of each kind ("F1 g1 is Filter 1 (group 1)"), or
    "" where every name is written in full."""
    pairs = spec.get("layout", {}).get("meta", {}).get("short_names", [])
    firsts = {}
    for written, full in pairs:  # one example of each kind of shortening: filters, kernels, outputs
        firsts.setdefault(full.split(" ")[0], (written, full))
    if not firsts:
        return ""
    examples = "; ".join(f"“{written}” stands for “{full}”" for written, full in firsts.values())
    return f"Names over the maps are short where the maps are small: {examples}."
