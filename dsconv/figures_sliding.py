"""Plotly figure of the sliding-kernel animation: frames (dsconv.sliding_frames) in, one animated figure out.

The figure has a "board" per row: the input channels (padded), the watched kernels with their
products and sum, the depthwise output of a separable layer, and the output maps. Each frame moves
the window outlines, replaces the kernel board and uncovers one more output cell in every map, so
the browser animates it alone (play/pause, three speeds, a scrub slider); nothing re-runs Python.
Several highlight rectangles go into one SVG path per map, which keeps each frame near 3 KB.
"""

from __future__ import annotations

import numpy as np

from dsconv.figures_sliding_parts import (DIVERGING, PADDING_COLOUR, TARGET_WIDTH_PX, UNFILLED_COLOUR,
                                          WATCHED_COLOUR, WINDOW_COLOUR, Board, PrebuiltFigure, Tile, cell_texts,
                                          cells_path, channel_name, format_value, heatmap_trace, json_grid,
                                          path_shape, play_controls, symmetric_peak, tint_scale, unfilled_path)
from dsconv.sliding_frames import Timeline, frame_detail


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
            if size >= 3:
                texts += [f"{names[channel]} weights", f"{names[channel]} products"]
            else:  # narrow tiles: the channel name only; the rows are named under the board
                texts += [names[channel], names[channel]]
            where += ["top right", "top right"]
            if len(details) > 1:  # depthwise: every channel has its own sum and its own output
                xs.append(products_x0 + x - 0.5)
                ys.append(size - 0.4)
                texts.append(f"<b>Σ = {format_value(detail['sum'])}</b>")
                where.append("bottom right")
            index += 1
    if size < 3:
        xs += [-0.5, products_x0 - 0.5]
        ys += [size - 0.4, size - 0.4]
        texts += ["weights", "pixel × weight"]
        where += ["bottom right", "bottom right"]
    if len(details) == 1:
        xs.append(products_x0 + tiles * (size + 1) - 0.7)
        ys.append((size - 1) / 2)
        texts.append(f"<b>Σ = {format_value(details[0]['sum'])}</b>")
        where.append("middle right")
    peak_w, peak_p = symmetric_peak(weights), symmetric_peak(products)
    weight_data = {"type": "heatmap", "z": json_grid(weights), "text": cell_texts(weights), "zmin": -peak_w, "zmax": peak_w}
    product_data = {"type": "heatmap", "z": json_grid(products), "text": cell_texts(products), "zmin": -peak_p, "zmax": peak_p}
    return weight_data, product_data, {"type": "scatter", "x": xs, "y": ys, "text": texts,
                                         "textposition": where}


def steps_done(timeline: Timeline, frame) -> int:
    """Steps (output positions, all stages) finished at this frame."""
    return sum(s.positions for s in timeline.layer.stages[:frame.stage]) + frame.position + 1


def _title(timeline: Timeline, frame, details) -> str:
    layer = timeline.layer
    stage = layer.stages[frame.stage]
    notes = layer.notes[frame.stage] if frame.stage < len(layer.notes) else ()
    where = f"output row {frame.row + 1}, column {frame.col + 1}"
    if stage.name == "depthwise":
        what = "each channel has its own kernel, which reads that channel only"
    elif stage.name == "pointwise":
        what = f"output {frame.watched[0] + 1} reads a 1×1 column through every channel"
    else:
        reads = stage.reads[frame.watched[0]]
        what = f"filter {frame.watched[0] + 1} reads {len(reads)} channel{'s' if len(reads) > 1 else ''}"
    if notes and len(frame.watched) == 1:
        what += f" ({notes[frame.watched[0]]})"
    header = (f"<b>Step {steps_done(timeline, frame)} of {timeline.total_positions}</b> · {stage.name} "
              f"at {where}: {what}")
    labels = output_labels(layer, frame.stage)
    sums = " · ".join(f"{d['products'].size} products, sum <b>{format_value(d['sum'])}</b>, + bias → "
                      f"{labels[d['output_channel']]}" for d in details)
    outputs = stage.output.shape[2]
    sizes = {f.size for f in stage.filters}
    unit = "kernels" if stage.name == "depthwise" else "outputs" if stage.name == "pointwise" else "filters"
    each = f"{outputs} {unit} × {sizes.pop()}" if len(sizes) == 1 else f"{outputs} {unit}"
    earlier = ", after the depthwise step" if frame.stage > 0 else ""
    count = (f"Multiply-adds so far: <b>{frame.multiply_adds:,}</b> (all {unit}: {each} per position{earlier}) · "
             f"standard convolution, same point: <b>{frame.standard_multiply_adds:,}</b>")
    return f"{header}<br>{sums}<br>{count}"


def _frame_shapes(timeline: Timeline, frame, input_board: Board, stage_boards: list[Board]) -> list[dict]:
    """Covers over unwritten cells, window outlines on the channels read, and the cells written."""
    stage = timeline.layer.stages[frame.stage]
    reading_board = input_board if frame.stage == 0 else stage_boards[frame.stage - 1]
    reading_axis = 1 if frame.stage == 0 else 2 + frame.stage
    dilation = timeline.layer.config.dilation_rate if stage.name != "pointwise" else 1
    shapes = []
    for offset, board in enumerate(stage_boards):  # one shape per board in every frame: Plotly merges by index
        if offset < frame.stage:
            shapes.append(path_shape("", 3 + offset))
            continue
        filled = frame.filled if offset == frame.stage else 0
        path = "".join(unfilled_path(tile, filled) for tile in board.tiles)
        shapes.append(path_shape(path, 3 + offset, fill=UNFILLED_COLOUR))
    read = sorted({c for o in frame.watched for c in stage.reads[o]})
    rows, cols = stage.rows[frame.row], stage.cols[frame.col]
    window = "".join(cells_path(reading_board.tiles[c], rows, cols, dilation == 1) for c in read)
    shapes.append(path_shape(window, reading_axis, WINDOW_COLOUR, 3.5))
    board = stage_boards[frame.stage]
    cell = [frame.row], [frame.col]
    others = "".join(cells_path(t, *cell, True) for o, t in enumerate(board.tiles) if o not in frame.watched)
    watched = "".join(cells_path(board.tiles[o], *cell, True) for o in frame.watched)
    shapes.append(path_shape(others, 3 + frame.stage, WINDOW_COLOUR, 2))
    shapes.append(path_shape(watched, 3 + frame.stage, WATCHED_COLOUR, 4))
    return shapes


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
                           padded_h, padded_w, scale)
    kernel_w, kernel_h = _kernel_canvas(timeline)
    kernel_board = Board("kernel", [Tile("", 0, 0, kernel_h, kernel_w)], kernel_w, kernel_h,
                         min(58.0 * scale, TARGET_WIDTH_PX * scale / kernel_w))
    stage_boards = [Board.of("hidden" if index < len(stages) - 1 else "output", output_labels(layer, index),
                             stage.output.shape[0], stage.output.shape[1], scale)
                    for index, stage in enumerate(stages)]
    boards = [input_board, kernel_board] + stage_boards
    titles = ["Input: each channel as numbers" + (" (grey cells: padding zeros)" if has_padding else ""),
              "The watched kernel: its weights, the products (pixel × weight) and their sum"]
    titles += ["Depthwise output: the pointwise stage reads these maps" if b.name == "hidden" else
               "Output maps (they fill in as the kernels slide)" for b in stage_boards]

    layout: dict = {}
    spacing_px, top_px, bottom_px, header_px = 34 * scale, 12 * scale, 96 * scale, 84 * scale
    plot_px = header_px + sum(b.height_px for b in boards) + spacing_px * len(boards)
    header_axis = str(len(boards) + 1)  # the three lines that say what this step does, on their own axes
    layout[f"xaxis{header_axis}"] = {"visible": False, "range": [0, 1], "fixedrange": True, "domain": [0, 1],
                                     "anchor": f"y{header_axis}"}
    layout[f"yaxis{header_axis}"] = {"visible": False, "range": [2.5, -0.5], "fixedrange": True,
                                     "domain": [1 - header_px / plot_px, 1], "anchor": f"x{header_axis}"}
    layout.update({"height": int(plot_px + top_px + bottom_px), "plot_bgcolor": "#ffffff",
                   "paper_bgcolor": "#ffffff", "margin": {"l": 10, "r": 10, "t": int(top_px), "b": int(bottom_px)},
                   "showlegend": False, "annotations": [], "font": {"color": "#111827"}})
    data = []
    top = 1.0 - (header_px + spacing_px) / plot_px
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
        data.append(heatmap_trace("", tile, first.padded[:, :, c], tint_scale(c, channels), 0, 255, input_board, scale,
                             tile.label))
        if has_padding:
            top_pad, bottom_pad, left_pad, right_pad = first.pad
            mask = np.ones((padded_h, padded_w))
            mask[top_pad:padded_h - bottom_pad, left_pad:padded_w - right_pad] = np.nan
            texts = [["0" if np.isfinite(v) else "" for v in row] for row in mask]
            data.append(heatmap_trace("", tile, mask, [[0, PADDING_COLOUR], [1, PADDING_COLOUR]], 0, 1, input_board, scale,
                                 "padding", texts))
    for offset, (stage, board) in enumerate(zip(stages, stage_boards)):
        for o, tile in enumerate(board.tiles):
            values = stage.output[:, :, o]
            peak = symmetric_peak(values)
            data.append(heatmap_trace(str(3 + offset), tile, values, DIVERGING, -peak, peak, board, scale, tile.label))

    kernel_tile = kernel_board.tiles[0]
    empty = np.full((kernel_h, kernel_w), np.nan)
    dynamic = [len(data), len(data) + 1, len(data) + 2, len(data) + 3]
    data.append(heatmap_trace("2", kernel_tile, empty, DIVERGING, -1, 1, kernel_board, scale, "weight"))
    data.append(heatmap_trace("2", kernel_tile, empty, DIVERGING, -1, 1, kernel_board, scale, "product"))
    data.append({"type": "scatter", "mode": "text", "xaxis": "x2", "yaxis": "y2", "textposition": "top right",
                 "hoverinfo": "skip", "showlegend": False, "x": [], "y": [], "text": [],
                 "textfont": {"size": 15 * scale, "color": "#111827"}})
    data.append({"type": "scatter", "mode": "text", "xaxis": f"x{header_axis}", "yaxis": f"y{header_axis}",
                 "textposition": "middle right", "hoverinfo": "skip", "showlegend": False, "x": [0, 0, 0],
                 "y": [0, 1, 2], "text": ["", "", ""], "textfont": {"size": 16 * scale, "color": "#111827"}})

    frames, names, labels = [], [], []
    for number, frame in enumerate(timeline.frames):
        details = frame_detail(timeline, frame)
        weights, products, texts = _kernel_board_data(timeline, frame, details, kernel_w, kernel_h)
        header = {"type": "scatter", "text": _title(timeline, frame, details).split("<br>")}
        frames.append({"name": str(number), "traces": dynamic, "data": [weights, products, texts, header],
                       "layout": {"shapes": _frame_shapes(timeline, frame, input_board, stage_boards)}})
        names.append(str(number))
        labels.append(f"{steps_done(timeline, frame)} of {timeline.total_positions}")
    for trace_index, update in zip(dynamic, frames[0]["data"]):
        data[trace_index] = {**data[trace_index], **update}
    menus, sliders = play_controls(names, labels, scale)
    layout.update(shapes=frames[0]["layout"]["shapes"], updatemenus=menus, sliders=sliders)
    return {"data": data, "layout": layout, "frames": frames}
