"""3-D view of a sliding layer: the input volume, the kernel volume where it is now, the output volume.

The tensors are height x width x channels boxes, which flat grids hide: a standard kernel is a
k x k x C block that reaches through every channel, a depthwise kernel a k x k x 1 slab per channel,
a pointwise kernel a 1 x 1 x C column. Cells are markers (x = column, y = channel, z = -row);
the output fills in as the frames play. To keep the figure small the 3-D view has at most
MAX_VOLUME_FRAMES frames, spread evenly over the steps (it jumps several steps at a time).
"""

from __future__ import annotations

import numpy as np

from dsconv.figures.sliding import output_labels, steps_done
from dsconv.figures.sliding_parts import PrebuiltFigure, channel_name, frame_slider
from dsconv.figures.style import CHANNEL_COLOURS, FONT_FAMILY, LINE_HEIGHT, SIGNED, fit_lines, page_width_px
from dsconv.sliding.frames import Timeline

MAX_VOLUME_FRAMES = 40  # the filled cells are re-sent every frame; 40 keeps a 16 x 16 layer under 1 MB
GAP = 4  # empty columns between two volumes
KERNEL_COLOUR = "#c2410c"
SPACING = 1.8  # distance between two channels, so each channel reads as its own slab
SCENE_PX = 560  # the width the volumes take at full zoom in a figure 560 px tall (times the scale): a narrower figure
# (a 390 px phone's) zooms out to fit them; its input and output boxes and their names were cut at both edges


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _tint(values: np.ndarray, colour: str, top: float = 255.0) -> list[str]:
    """White (0) to the channel colour (top) for every value."""
    red, green, blue = _hex_rgb(colour)
    share = np.clip(values / top, 0, 1)
    return [f"rgb({int(255 - (255 - red) * s)},{int(255 - (255 - green) * s)},{int(255 - (255 - blue) * s)})"
            for s in share]


def _volume_points(values: np.ndarray, x0: float) -> tuple[list, list, list]:
    """Marker coordinates of an (H, W, C) volume: x = column + x0, y = channel, z = -row."""
    rows, cols, chans = np.indices(values.shape)
    return ((cols.ravel() + x0).tolist(), (chans.ravel() * SPACING).tolist(), (-rows.ravel()).tolist())


def _box_mesh(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> dict:
    """The six faces of a box, faint: an output volume before its cells are computed."""
    corners = [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]
    faces = [(0, 1, 3), (0, 3, 2), (4, 5, 7), (4, 7, 6), (0, 1, 5), (0, 5, 4), (2, 3, 7), (2, 7, 6),
             (0, 2, 6), (0, 6, 4), (1, 3, 7), (1, 7, 5)]
    return {"type": "mesh3d", "x": [p[0] for p in corners], "y": [p[1] for p in corners],
            "z": [p[2] for p in corners], "i": [f[0] for f in faces], "j": [f[1] for f in faces],
            "k": [f[2] for f in faces], "color": "#cbd5e1", "opacity": 0.18, "hoverinfo": "skip",
            "flatshading": True, "showscale": False}


def _box_lines(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> tuple[list, list, list]:
    """The 12 edges of a box as one line trace (None breaks the line between edges)."""
    corners = [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]
    xs, ys, zs = [], [], []
    for a in range(8):
        for b in range(a + 1, 8):
            if sum(p != q for p, q in zip(corners[a], corners[b])) == 1:
                for point in (corners[a], corners[b], (None, None, None)):
                    xs.append(point[0])
                    ys.append(point[1])
                    zs.append(point[2])
    return xs, ys, zs


def volume_figure(timeline: Timeline, scale: float = 1.0, width_px: float | None = None) -> PrebuiltFigure:
    """Input, (depthwise output,) output volumes with the kernel volume at its place; frames spread over the steps;
    laid out for a figure `width_px` wide (default: page_width_px)."""
    return PrebuiltFigure(volume_figure_spec(timeline, scale, width_px))


def volume_figure_spec(timeline: Timeline, scale: float = 1.0, width_px: float | None = None) -> dict:
    """The 3-D view as a Plotly JSON dict (data, layout, frames)."""
    width = width_px or page_width_px(scale)
    fit = min(1.0, (width - 16 * scale) / (SCENE_PX * scale))
    title_font = 15 * scale
    layer = timeline.layer
    stages = layer.stages
    image = layer.image
    channels = image.shape[2]
    offsets = [0.0]
    volumes = [image] + [stage.output for stage in stages]
    for volume in volumes[:-1]:
        offsets.append(offsets[-1] + volume.shape[1] + GAP)
    span = offsets[-1] + volumes[-1].shape[1]
    marker_px = float(np.clip(480 / span, 3, 14) * scale * fit)

    data = []
    xs, ys, zs = _volume_points(image, 0.0)
    colours = []
    for r in range(image.shape[0]):
        for c in range(image.shape[1]):
            for ch in range(channels):
                colour = CHANNEL_COLOURS[ch] if channels == 3 else "#6b7280"
                colours.append(_tint(np.array([image[r, c, ch]]), colour)[0])
    data.append({"type": "scatter3d", "mode": "markers", "x": xs, "y": ys, "z": zs, "name": "input",
                 "marker": {"symbol": "square", "size": marker_px, "color": colours, "opacity": 1.0,
                            "line": {"width": 0}}, "hoverinfo": "skip"})
    # Each output volume is a box that fills in: its edges and faint faces, with no cell drawn until computed.
    edge_x, edge_y, edge_z = [], [], []
    for index, stage in enumerate(stages):
        h, w, c = stage.output.shape
        x0 = offsets[index + 1]
        box = (x0 - 0.5, x0 + w - 0.5, -0.6, (c - 1) * SPACING + 0.6, 0.5, -h + 0.5)
        xs, ys, zs = _box_lines(*box)
        edge_x += xs
        edge_y += ys
        edge_z += zs
        data.append(_box_mesh(*box))
    data.append({"type": "scatter3d", "mode": "lines", "x": edge_x, "y": edge_y, "z": edge_z, "hoverinfo": "skip",
                 "name": "output volume", "line": {"color": "#6b7280", "width": 3}})
    dynamic = list(range(len(data), len(data) + 3 + len(stages)))

    count = len(timeline.frames)
    chosen = sorted(set(np.linspace(0, count - 1, min(count, MAX_VOLUME_FRAMES)).round().astype(int).tolist()))
    frames, names, labels = [], [], []
    for number in chosen:
        frame = timeline.frames[number]
        frames.append({"name": str(number), "traces": dynamic,
                       "data": _frame_traces(timeline, frame, offsets, marker_px),
                       "layout": {"title": {"text": _fitted_title(_volume_title(timeline, frame), width - 8 * scale,
                                                                  title_font)}}})
        names.append(str(number))
        labels.append(f"{steps_done(timeline, frame)} of {timeline.total_positions}")
    data += [dict(trace) for trace in frames[0]["data"]]

    annotations = []
    titles = [f"Input {image.shape[0]}×{image.shape[1]}×{channels}"]
    for index, stage in enumerate(stages):
        h, w, c = stage.output.shape
        kind = "Depthwise output" if index < len(stages) - 1 else "Output"
        # on two lines in a zoomed-out view: "Depthwise output 6×6×3" ran across the next box on a 390 px phone
        titles.append(f"{kind}{'<br>' if fit < 1 else ' '}{h}×{w}×{c}")
    for x0, volume, title in zip(offsets, volumes, titles):  # over the middle of each box's top, clear of it
        # the input's slabs named in their order (R nearest the viewer): their tint alone told red from green for no
        # one with deuteranopia (6.9 CIEDE2000 apart)
        order = "<br>R in front, then G, B" if volume is image and channels == 3 else ""
        annotations.append({"x": x0 + (volume.shape[1] - 1) / 2, "y": (volume.shape[2] - 1) * SPACING / 2,
                            "z": 2.6, "text": f"<b>{title}</b>{order}", "showarrow": False, "yanchor": "bottom",
                            "font": {"size": 15 * scale * max(fit, 0.85), "color": "#111827"}})
    sliders = frame_slider(names, labels, scale, redraw=True, at_top=False)
    axis = {"visible": False, "showspikes": False}
    # as many title lines as the longest frame's (a phone's title breaks into three or four lines)
    lines = max(1 + frame["layout"]["title"]["text"].count("<br>") for frame in frames)
    top = int(max(70 * scale, (lines * LINE_HEIGHT + 1.2) * title_font))
    layout = {
        "height": int(560 * scale) + top - int(70 * scale),
        "margin": {"l": 0, "r": 0, "t": top, "b": int(80 * scale)},
        "paper_bgcolor": "#ffffff", "showlegend": False, "sliders": sliders, "font": {"family": FONT_FAMILY},
        "title": {"text": frames[0]["layout"]["title"]["text"], "x": 0.0, "xanchor": "left", "xref": "paper",
                  "font": {"size": 15 * scale}},
        "scene": {"xaxis": axis, "yaxis": axis, "zaxis": axis, "aspectmode": "manual", "annotations": annotations,
                  "aspectratio": _aspect(span + 1, (max(v.shape[2] for v in volumes) - 1) * SPACING + 1.2,
                                         max(v.shape[0] for v in volumes) + 2.5, 2.6 * fit),
                  "camera": {"eye": {"x": -0.45, "y": -1.0, "z": 0.6}, "up": {"x": 0, "y": 0, "z": 1},
                             "projection": {"type": "orthographic"}}},
    }
    return {"data": data, "layout": layout, "frames": frames}


def _fitted_title(text: str, room_px: float, font_px: float) -> str:
    """The title as written where each of its lines fits; else broken afresh at the spaces that fit it (a phone's
    figure cut it at its edge, "... all 4 output channels get a value at")."""
    if all(fit_lines(line, room_px, font_px, bold=True) == line for line in text.split("<br>")):
        return text
    return fit_lines(text.replace("<br>", " "), room_px, font_px, bold=True)


def _aspect(width: float, depth: float, height: float, zoom: float = 2.6) -> dict:
    """Axis lengths in proportion to the data; in an orthographic view their size is the zoom."""
    longest = max(width, depth, height)
    return {"x": zoom * width / longest, "y": zoom * depth / longest, "z": zoom * height / longest}


def _frame_traces(timeline: Timeline, frame, offsets: list[float], marker_px: float) -> list[dict]:
    """Kernel box edges, kernel weight positions, the output cells written so far, the cells written now."""
    layer = timeline.layer
    stage = layer.stages[frame.stage]
    x0 = offsets[frame.stage]
    top = stage.pad[0]
    left = stage.pad[2]
    rows = stage.rows[frame.row] - top  # input rows (negative or past the end: padding)
    cols = stage.cols[frame.col] - left
    read = sorted({c for o in frame.watched for c in stage.reads[o]})
    one_box_per_channel = stage.name == "depthwise"
    groups = [[c] for c in read] if one_box_per_channel else [read]
    box_x, box_y, box_z = [], [], []
    for group in groups:
        xs, ys, zs = _box_lines(x0 + cols[0] - 0.5, x0 + cols[-1] + 0.5, group[0] * SPACING - 0.6,
                                group[-1] * SPACING + 0.6,
                                -rows[0] + 0.5, -rows[-1] - 0.5)
        box_x += xs
        box_y += ys
        box_z += zs
    weight_x = [x0 + c for c in cols for _ in rows for _ in read]
    weight_y = [ch * SPACING for _ in cols for _ in rows for ch in read]
    weight_z = [-r for _ in cols for r in rows for _ in read]
    traces = [
        {"type": "scatter3d", "mode": "lines", "x": box_x, "y": box_y, "z": box_z,
         "line": {"color": KERNEL_COLOUR, "width": 6}, "hoverinfo": "skip"},
        {"type": "scatter3d", "mode": "markers", "x": weight_x, "y": weight_y, "z": weight_z, "hoverinfo": "skip",
         "marker": {"symbol": "diamond", "size": marker_px * 0.45, "color": KERNEL_COLOUR, "opacity": 1.0}},
    ]
    for index, out_stage in enumerate(layer.stages):
        filled = out_stage.positions if index < frame.stage else frame.filled if index == frame.stage else 0
        width, count = out_stage.output.shape[1], out_stage.output.shape[2]
        cells = np.arange(filled)
        rows_done, cols_done = cells // width, cells % width
        peaks = np.abs(out_stage.output).reshape(-1, count).max(axis=0)
        shares = out_stage.output[rows_done, cols_done, :] / np.where(peaks > 0, peaks, 1.0)
        traces.append({"type": "scatter3d", "mode": "markers", "hoverinfo": "skip",
                       "x": np.repeat(offsets[index + 1] + cols_done, count).tolist(),
                       "y": np.tile(np.arange(count) * SPACING, filled).tolist(),
                       "z": np.repeat(-rows_done, count).tolist(),
                       "marker": {"symbol": "square", "size": marker_px, "opacity": 1.0, "cmin": -1, "cmax": 1,
                                  "colorscale": SIGNED, "color": shares.ravel().round(3).tolist()}})
    out_c = stage.output.shape[2]
    traces.append({"type": "scatter3d", "mode": "markers", "hoverinfo": "skip",
                   "x": [offsets[frame.stage + 1] + frame.col] * out_c, "y": [c * SPACING for c in range(out_c)],
                   "z": [-frame.row] * out_c,
                   "marker": {"symbol": "square-open", "size": marker_px * 1.3, "color": KERNEL_COLOUR}})
    return traces


def _volume_title(timeline: Timeline, frame) -> str:
    layer = timeline.layer
    stage = layer.stages[frame.stage]
    size = stage.filters[0].shape[0]
    read = sorted({c for o in frame.watched for c in stage.reads[o]})
    if stage.name == "depthwise":
        shape, verb, writes = f"{len(read)} kernels of {size}×{size}×1 (one per channel)", "read", "write"
    else:
        shape, verb, writes = f"a {size}×{size}×{len(read)} kernel", "reads", "writes"
    labels = output_labels(layer, frame.stage)
    watched = ", ".join(labels[o] for o in frame.watched[:3]) + ("…" if len(frame.watched) > 3 else "")
    names = ", ".join(channel_name(c, layer.image.shape[2]) for c in read) if frame.stage == 0 else f"{len(read)} maps"
    return (f"<b>Step {steps_done(timeline, frame)} of {timeline.total_positions}</b>: {shape} {verb} {names} "
            f"at row {frame.row + 1}, column {frame.col + 1}<br>and {writes} {watched}; all {stage.output.shape[2]} "
            f"output channels get a value at this position")
