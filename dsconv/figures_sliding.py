"""Plotly figure of the sliding-kernel animation: frames (dsconv.sliding_frames) in, one animated figure out.

The figure has a "board" per row: the input channels (padded), the watched kernels with their
products and sum, the depthwise output of a separable layer, and the output maps. Each frame moves
the window outlines, replaces the kernel board and uncovers one more output cell in every map, so
the browser animates it alone (play/pause, three speeds, a scrub slider); nothing re-runs Python.
Several highlight rectangles go into one SVG path per map, which keeps each frame near 3 KB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from dsconv.sliding_frames import Timeline, frame_detail

CHANNEL_NAMES = ("R", "G", "B")
CHANNEL_COLOURS = ("#f87171", "#4ade80", "#60a5fa")  # light enough for black digits at full value
DIVERGING = [[0.0, "#a78bfa"], [0.5, "#ffffff"], [1.0, "#fb923c"]]  # violet < 0 < orange
PADDING_COLOUR = "#d1d5db"
UNFILLED_COLOUR = "#eef2f7"
WINDOW_COLOUR = "#111827"
WATCHED_COLOUR = "#c2410c"
SPEEDS = (("Slow", 1200), ("Play", 500), ("Fast", 150))  # milliseconds per frame
TARGET_WIDTH_PX = 1150  # plot width in Streamlit's wide layout with the sidebar open
MIN_TEXT_CELL_PX = 19  # below this a cell is too small for its number; hover still shows it


def format_value(value: float) -> str:
    """Short, readable number: whole numbers plain, then 1 or 2 decimals depending on size."""
    if not np.isfinite(value):
        return ""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) >= 0.005 else "0"


def _texts(values: np.ndarray) -> list[list[str]]:
    return [[format_value(float(v)) for v in row] for row in values]


def channel_name(channel: int, channels: int) -> str:
    """R, G, B for an RGB picture; channel numbers from 1 otherwise."""
    return CHANNEL_NAMES[channel] if channels == 3 else f"ch {channel + 1}"


def tint_scale(channel: int, channels: int) -> list:
    """White to the channel's colour for RGB inputs; white to grey for other channel counts."""
    colour = CHANNEL_COLOURS[channel] if channels == 3 else "#9ca3af"
    return [[0.0, "#ffffff"], [1.0, colour]]


@dataclass
class Tile:
    """One grid drawn on a board: its place (top-left cell) and size."""

    label: str
    x0: int
    y0: int
    height: int
    width: int


@dataclass
class Board:
    """A row of the figure: tiles placed left to right, wrapping after `per_row`."""

    name: str
    tiles: list[Tile] = field(default_factory=list)
    width: int = 1
    height: int = 1
    cell_px: float = 40.0

    @classmethod
    def of(cls, name: str, labels: list[str], height: int, width: int, max_cell_px: float = 56) -> "Board":
        """Place equal tiles so cells stay readable: as many per row as keep them near 22 px or more."""
        fit = max(1, int((TARGET_WIDTH_PX / 22 + 1) // (width + 1)))
        per_row = min(len(labels), fit)
        board = cls(name)
        for index, label in enumerate(labels):
            row, col = divmod(index, per_row)
            board.tiles.append(Tile(label, col * (width + 1), row * (height + 2), height, width))
        board.width = per_row * (width + 1) - 1
        board.height = -(-len(labels) // per_row) * (height + 2) - 2
        board.cell_px = min(max_cell_px, TARGET_WIDTH_PX / board.width)
        return board

    @property
    def height_px(self) -> float:
        """Pixels the board needs: its cells plus a label line above every tile row."""
        return (self.height + 1.2) * self.cell_px


def _rect(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"M{x0:g},{y0:g}H{x1:g}V{y1:g}H{x0:g}Z"


def _cells_path(tile: Tile, rows, cols, contiguous: bool) -> str:
    """Outline of the cells (rows x cols) of a tile; one rectangle when they touch, else one per cell."""
    if contiguous:
        return _rect(tile.x0 + cols[0] - 0.5, tile.y0 + rows[0] - 0.5, tile.x0 + cols[-1] + 0.5, tile.y0 + rows[-1] + 0.5)
    return "".join(_rect(tile.x0 + c - 0.5, tile.y0 + r - 0.5, tile.x0 + c + 0.5, tile.y0 + r + 0.5)
                   for r in rows for c in cols)


def _unfilled_path(tile: Tile, filled: int) -> str:
    """The cells of a raster-order map not written yet: the rest of the current row and every row below."""
    if filled >= tile.height * tile.width:
        return ""
    row, col = divmod(filled, tile.width)
    edge = 0.54  # a little over half a cell, so no sliver of the map shows at the cover's border
    right, bottom = tile.x0 + tile.width - 1 + edge, tile.y0 + tile.height - 1 + edge
    path = _rect(tile.x0 + col - 0.5, tile.y0 + row - edge, right, tile.y0 + row + 0.5) if col else ""
    top = row + 1 if col else row
    if top < tile.height:
        path += _rect(tile.x0 - edge, tile.y0 + top - (0.5 if col else edge), right, bottom)
    return path


def _shape(path: str, axis: int, line: str | None = None, width: float = 0, fill: str | None = None) -> dict:
    suffix = "" if axis == 1 else str(axis)
    shape = {"type": "path", "path": path or "M0,0", "xref": f"x{suffix}", "yref": f"y{suffix}",
             "line": {"color": line or "rgba(0,0,0,0)", "width": width}}
    if fill:
        shape["fillcolor"] = fill
    if not path:
        shape["visible"] = False
    return shape




def _grid(values: np.ndarray) -> list:
    """A 2-D array as JSON-ready lists: NaN becomes null (a blank cell), numbers rounded to 4 decimals."""
    return [[None if not np.isfinite(v) else round(float(v), 4) for v in row] for row in np.asarray(values)]


def _font_px(board: Board, chars: int, scale: float) -> float:
    return float(np.clip(board.cell_px * 1.3 / max(chars, 2), 9, 24) * scale)


def _heatmap(axis: str, tile: Tile, values: np.ndarray, colorscale, zmin: float, zmax: float, board: Board,
             scale: float, name: str, texts=None) -> dict:
    show_text = board.cell_px >= MIN_TEXT_CELL_PX
    return {
        "type": "heatmap", "xaxis": "x" + axis, "yaxis": "y" + axis, "name": name,
        "z": _grid(values), "x0": tile.x0, "dx": 1, "y0": tile.y0, "dy": 1,
        "text": texts if texts is not None else _texts(values), "texttemplate": "%{text}" if show_text else "",
        "textfont": {"size": _font_px(board, 4, scale), "color": "#111827"},
        "colorscale": colorscale, "zmin": zmin, "zmax": zmax, "showscale": False, "xgap": 1, "ygap": 1,
        "hovertemplate": "%{text}<extra>" + name + "</extra>"}


def _symmetric(values: np.ndarray) -> float:
    finite = np.abs(np.asarray(values, dtype=np.float64))
    finite = finite[np.isfinite(finite)]
    peak = float(finite.max()) if finite.size else 0.0
    return peak if peak > 0 else 1.0


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


def _read_names(layer, stage_index: int) -> list[str]:
    channels = layer.image.shape[2]
    if stage_index == 0:
        return [channel_name(c, channels) for c in range(channels)]
    return [label.replace("from ", "").replace(", kernel ", "") for label in output_labels(layer, 0)]


def _kernel_canvas(timeline: Timeline) -> tuple[int, int]:
    """Width and height of the kernel board: weights tiles, a gap, products tiles, room for the sum."""
    widths, heights = [], []
    for stage_index, stage in enumerate(timeline.layer.stages):
        frame = next(f for f in timeline.frames if f.stage == stage_index)
        tiles = sum(len(stage.reads[o]) for o in frame.watched)
        size = stage.filters[0].shape[0]
        widths.append(2 * tiles * (size + 1) + 1 + 4)
        heights.append(size + 1)
    return max(widths), max(heights)


def _kernel_board_data(timeline: Timeline, frame, details, width: int, height: int) -> tuple[dict, dict, dict]:
    """Per-frame data of the kernel board: weights canvas, products canvas, labels (and each sum)."""
    names = _read_names(timeline.layer, frame.stage)
    size = details[0]["weights"].shape[0]
    tiles = sum(len(d["reads"]) for d in details)
    products_x0 = tiles * (size + 1) + 1
    weights = np.full((height, width), np.nan)
    products = np.full((height, width), np.nan)
    xs, ys, texts, where = [], [], [], []
    index = 0
    for detail in details:
        for t, channel in enumerate(detail["reads"]):
            x = index * (size + 1)
            weights[:size, x:x + size] = detail["weights"][:, :, t]
            products[:size, products_x0 + x:products_x0 + x + size] = detail["products"][:, :, t]
            xs += [x - 0.5, products_x0 + x - 0.5]
            ys += [-0.55, -0.55]
            texts += [f"{names[channel]} weights", f"{names[channel]}: pixel × weight"]
            where += ["top right", "top right"]
            if len(details) > 1:  # depthwise: every channel has its own sum and its own output
                xs.append(products_x0 + x - 0.5)
                ys.append(size - 0.4)
                texts.append(f"<b>Σ = {format_value(detail['sum'])}</b>")
                where.append("bottom right")
            index += 1
    if len(details) == 1:
        xs.append(products_x0 + tiles * (size + 1) - 0.7)
        ys.append((size - 1) / 2)
        texts.append(f"<b>Σ = {format_value(details[0]['sum'])}</b>")
        where.append("middle right")
    peak_w, peak_p = _symmetric(weights), _symmetric(products)
    weight_data = {"type": "heatmap", "z": _grid(weights), "text": _texts(weights), "zmin": -peak_w, "zmax": peak_w}
    product_data = {"type": "heatmap", "z": _grid(products), "text": _texts(products), "zmin": -peak_p, "zmax": peak_p}
    return weight_data, product_data, {"type": "scatter", "x": xs, "y": ys, "text": texts,
                                         "textposition": where}


def steps_done(timeline: Timeline, frame) -> int:
    """Steps (output positions, all stages) finished at this frame."""
    return sum(s.positions for s in timeline.layer.stages[:frame.stage]) + frame.position + 1


def _title(timeline: Timeline, frame, details) -> str:
    layer = timeline.layer
    stage = layer.stages[frame.stage]
    where = f"output row {frame.row + 1}, column {frame.col + 1}"
    if stage.name == "depthwise":
        what = "each channel has its own kernel, which reads that channel only"
    elif stage.name == "pointwise":
        what = f"output {frame.watched[0] + 1} reads a 1×1 column through every channel"
    else:
        reads = stage.reads[frame.watched[0]]
        what = f"filter {frame.watched[0] + 1} reads {len(reads)} channel{'s' if len(reads) > 1 else ''}"
    header = (f"<b>Step {steps_done(timeline, frame)} of {timeline.total_positions}</b> · {stage.name} "
              f"at {where}: {what}")
    labels = output_labels(layer, frame.stage)
    sums = " · ".join(f"{d['products'].size} products, sum <b>{format_value(d['sum'])}</b> → {labels[d['output_channel']]}"
                      for d in details)
    count = (f"Multiply-adds so far: <b>{frame.multiply_adds:,}</b> ({layer.config.mode}) · "
             f"a standard convolution of the same shape, at the same point: <b>{frame.standard_multiply_adds:,}</b>")
    return f"{header}<br>{sums}<br>{count}"


def _frame_shapes(timeline: Timeline, frame, input_board: Board, stage_boards: list[Board]) -> list[dict]:
    """Covers over unwritten cells, window outlines on the channels read, and the cells written."""
    stage = timeline.layer.stages[frame.stage]
    reading_board = input_board if frame.stage == 0 else stage_boards[frame.stage - 1]
    reading_axis = 1 if frame.stage == 0 else 2 + frame.stage
    dilation = timeline.layer.config.dilation_rate if stage.name != "pointwise" else 1
    shapes = []
    for offset, board in enumerate(stage_boards):
        if offset < frame.stage:
            continue
        filled = frame.filled if offset == frame.stage else 0
        path = "".join(_unfilled_path(tile, filled) for tile in board.tiles)
        shapes.append(_shape(path, 3 + offset, fill=UNFILLED_COLOUR))
    read = sorted({c for o in frame.watched for c in stage.reads[o]})
    rows, cols = stage.rows[frame.row], stage.cols[frame.col]
    window = "".join(_cells_path(reading_board.tiles[c], rows, cols, dilation == 1) for c in read)
    shapes.append(_shape(window, reading_axis, WINDOW_COLOUR, 3.5))
    board = stage_boards[frame.stage]
    cell = [frame.row], [frame.col]
    others = "".join(_cells_path(t, *cell, True) for o, t in enumerate(board.tiles) if o not in frame.watched)
    watched = "".join(_cells_path(board.tiles[o], *cell, True) for o in frame.watched)
    shapes.append(_shape(others, 3 + frame.stage, WINDOW_COLOUR, 2))
    shapes.append(_shape(watched, 3 + frame.stage, WATCHED_COLOUR, 4))
    return shapes


def _play_controls(frame_names: list[str], labels: list[str], scale: float) -> tuple[list, list]:
    """Play buttons at three speeds, a pause button and the scrub slider (all run in the browser)."""
    def animate(duration):
        return {"frame": {"duration": duration, "redraw": True}, "fromcurrent": True,
                "transition": {"duration": 0}, "mode": "immediate"}

    buttons = [{"label": f"▶ {name}", "method": "animate", "args": [None, animate(ms)]} for name, ms in SPEEDS]
    buttons.append({"label": "❚❚ Pause", "method": "animate",
                    "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                      "transition": {"duration": 0}}]})
    menus = [{"type": "buttons", "direction": "right", "buttons": buttons, "x": 0.0, "y": 0.0, "xanchor": "left",
              "yanchor": "top", "pad": {"t": 12, "r": 10}, "showactive": False, "font": {"size": 15 * scale}}]
    steps = [{"label": label, "method": "animate",
              "args": [[name], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                                "transition": {"duration": 0}}]} for name, label in zip(frame_names, labels)]
    slider = [{"active": 0, "steps": steps, "x": 0.42, "len": 0.58, "y": 0.0, "yanchor": "top",
               "pad": {"t": 4}, "font": {"color": "rgba(0,0,0,0)", "size": 1}, "tickcolor": "rgba(0,0,0,0)",
               "currentvalue": {"prefix": "Step ", "font": {"size": 15 * scale, "color": "#111827"}, "xanchor": "left"}}]
    return menus, slider


class PrebuiltFigure(go.Figure):
    """A go.Figure that hands Streamlit and Plotly a ready spec as it is.

    Plotly validates every frame of a go.Figure one property at a time, which takes seconds for a
    few hundred frames; the spec here is built from plain lists, and the tests validate it once with
    go.Figure(spec). Streamlit and plotly.io call to_dict(), which returns the spec.
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        """The prebuilt spec (data, layout, frames)."""
        return self._spec

    def to_plotly_json(self) -> dict:
        """Same as to_dict, for plotly.io."""
        return self._spec


def sliding_figure(timeline: Timeline, scale: float = 1.0) -> PrebuiltFigure:
    """The animated figure: input channels, kernel board, (depthwise output), output maps; one frame per step."""
    return PrebuiltFigure(sliding_figure_spec(timeline, scale))


def sliding_figure_spec(timeline: Timeline, scale: float = 1.0) -> dict:
    """The animated figure as a Plotly JSON dict (data, layout, frames), built from plain lists."""
    layer = timeline.layer
    stages = layer.stages
    first = stages[0]
    channels = first.inputs.shape[2]
    padded_h, padded_w = first.padded.shape[:2]
    has_padding = any(first.pad)
    input_board = Board.of("input", [f"Input {channel_name(c, channels)}" for c in range(channels)],
                           padded_h, padded_w)
    kernel_w, kernel_h = _kernel_canvas(timeline)
    kernel_board = Board("kernel", [Tile("", 0, 0, kernel_h, kernel_w)], kernel_w, kernel_h,
                         min(58.0, TARGET_WIDTH_PX / kernel_w))
    stage_boards = [Board.of("hidden" if index < len(stages) - 1 else "output", output_labels(layer, index),
                             stage.output.shape[0], stage.output.shape[1]) for index, stage in enumerate(stages)]
    boards = [input_board, kernel_board] + stage_boards
    titles = ["Input: each channel as numbers" + (" (grey cells: padding zeros)" if has_padding else ""),
              "The watched kernel: its weights, the products with the window, and their sum"]
    titles += ["Depthwise output: the pointwise stage reads these maps" if b.name == "hidden" else
               "Output maps (they fill in as the kernels slide)" for b in stage_boards]

    spacing_px, top_px, bottom_px = 40 * scale, 118 * scale, 96 * scale
    plot_px = sum(b.height_px for b in boards) + spacing_px * (len(boards) - 1)
    layout = {"height": int(plot_px + top_px + bottom_px), "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
              "margin": {"l": 10, "r": 10, "t": int(top_px), "b": int(bottom_px)}, "showlegend": False,
              "annotations": [], "font": {"color": "#111827"}}
    data = []
    top = 1.0
    for index, (board, title) in enumerate(zip(boards, titles)):
        suffix = "" if index == 0 else str(index + 1)
        bottom = max(0.0, top - board.height_px / plot_px)
        layout[f"xaxis{suffix}"] = {"visible": False, "range": [-0.6, board.width - 0.4], "constrain": "domain",
                                    "fixedrange": True, "domain": [0, 1], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"visible": False, "range": [board.height - 0.4, -1.6], "fixedrange": True,
                                    "scaleanchor": f"x{suffix}", "constrain": "domain", "domain": [bottom, top],
                                    "anchor": f"x{suffix}"}
        top = bottom - spacing_px / plot_px
        layout["annotations"].append({"text": f"<b>{title}</b>", "x": -0.5, "y": -1.6, "xref": f"x{suffix}",
                                      "yref": f"y{suffix}", "xanchor": "left", "yanchor": "bottom",
                                      "showarrow": False, "font": {"size": 17 * scale}})
        for tile in board.tiles if board.name != "kernel" else []:
            layout["annotations"].append({"text": tile.label, "x": tile.x0 - 0.5, "y": tile.y0 - 0.5,
                                          "xref": f"x{suffix}", "yref": f"y{suffix}", "xanchor": "left",
                                          "yanchor": "bottom", "showarrow": False,
                                          "font": {"size": 13 * scale, "color": "#374151"}})

    for c, tile in enumerate(input_board.tiles):
        data.append(_heatmap("", tile, first.padded[:, :, c], tint_scale(c, channels), 0, 255, input_board, scale,
                             tile.label))
        if has_padding:
            top_pad, bottom_pad, left_pad, right_pad = first.pad
            mask = np.ones((padded_h, padded_w))
            mask[top_pad:padded_h - bottom_pad, left_pad:padded_w - right_pad] = np.nan
            texts = [["0" if np.isfinite(v) else "" for v in row] for row in mask]
            data.append(_heatmap("", tile, mask, [[0, PADDING_COLOUR], [1, PADDING_COLOUR]], 0, 1, input_board, scale,
                                 "padding", texts))
    for offset, (stage, board) in enumerate(zip(stages, stage_boards)):
        for o, tile in enumerate(board.tiles):
            values = stage.output[:, :, o]
            peak = _symmetric(values)
            data.append(_heatmap(str(3 + offset), tile, values, DIVERGING, -peak, peak, board, scale, tile.label))

    kernel_tile = kernel_board.tiles[0]
    empty = np.full((kernel_h, kernel_w), np.nan)
    dynamic = [len(data), len(data) + 1, len(data) + 2]
    data.append(_heatmap("2", kernel_tile, empty, DIVERGING, -1, 1, kernel_board, scale, "weight"))
    data.append(_heatmap("2", kernel_tile, empty, DIVERGING, -1, 1, kernel_board, scale, "product"))
    data.append({"type": "scatter", "mode": "text", "xaxis": "x2", "yaxis": "y2", "textposition": "top right",
                 "hoverinfo": "skip", "showlegend": False, "x": [], "y": [], "text": [],
                 "textfont": {"size": 17 * scale, "color": "#111827"}})

    frames, names, labels = [], [], []
    for number, frame in enumerate(timeline.frames):
        details = frame_detail(timeline, frame)
        weights, products, texts = _kernel_board_data(timeline, frame, details, kernel_w, kernel_h)
        frames.append({"name": str(number), "traces": dynamic, "data": [weights, products, texts],
                       "layout": {"shapes": _frame_shapes(timeline, frame, input_board, stage_boards),
                                  "title": {"text": _title(timeline, frame, details)}}})
        names.append(str(number))
        labels.append(f"{steps_done(timeline, frame)} of {timeline.total_positions}")
    for trace_index, update in zip(dynamic, frames[0]["data"]):
        data[trace_index] = {**data[trace_index], **update}
    menus, sliders = _play_controls(names, labels, scale)
    layout.update(shapes=frames[0]["layout"]["shapes"], updatemenus=menus, sliders=sliders,
                  title={"text": frames[0]["layout"]["title"]["text"], "x": 0.0, "xanchor": "left", "xref": "paper",
                         "yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": 8},
                         "font": {"size": 16 * scale}})
    return {"data": data, "layout": layout, "frames": frames}
