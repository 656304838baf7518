"""Building blocks of the sliding-kernel figures: colours, number formats, board layout, outlines, play controls.

Boards are rows of equal tiles (grids of cells) on one pair of axes; outlines and covers are SVG
paths in the axes' cell coordinates, several rectangles to a path, which keeps animation frames small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from dsconv.palette import SIGNED

CHANNEL_NAMES = ("R", "G", "B")
CHANNEL_COLOURS = ("#f87171", "#4ade80", "#60a5fa")  # light enough for black digits at full value
DIVERGING = SIGNED  # violet < 0 < orange (dsconv.palette)
PADDING_COLOUR = "#d1d5db"
UNFILLED_COLOUR = "#eef2f7"
WINDOW_COLOUR = "#111827"
WATCHED_COLOUR = "#c2410c"
SPEEDS = (("Slow", 1200), ("Play", 500), ("Fast", 150))  # milliseconds per frame
TARGET_WIDTH_PX = 900  # plot width in Streamlit's wide layout, 1400 px window, sidebar open
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


def cell_texts(values: np.ndarray) -> list[list[str]]:
    """Every cell of a 2-D array as its format_value text; blank cells (NaN) as ""."""
    values = np.asarray(values, dtype=np.float64)
    texts = np.full(values.shape, "", dtype=object)
    finite = np.isfinite(values)
    texts[finite] = [format_value(v) for v in values[finite].tolist()]
    return texts.tolist()


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
    def of(cls, name: str, labels: list[str], height: int, width: int, scale: float = 1.0,
           max_cell_px: float = 56) -> "Board":
        """Place equal tiles so cells stay readable: as many per row as keep them near 22 px (times scale) or more."""
        target = TARGET_WIDTH_PX * scale
        fit = max(1, int((target / (22 * scale) + 1) // (width + 1)))
        per_row = min(len(labels), fit)
        board = cls(name)
        for index, label in enumerate(labels):
            row, col = divmod(index, per_row)
            board.tiles.append(Tile(label, col * (width + 1), row * (height + 2), height, width))
        board.width = per_row * (width + 1) - 1
        board.height = -(-len(labels) // per_row) * (height + 2) - 2
        board.cell_px = min(max_cell_px * scale, target / board.width)
        return board

    @property
    def height_px(self) -> float:
        """Pixels the board needs: its cells plus a label line above every tile row."""
        return (self.height + 1.2) * self.cell_px


def rect_path(x0: float, y0: float, x1: float, y1: float) -> str:
    """An SVG path of one rectangle, corners (x0, y0) and (x1, y1)."""
    return f"M{x0:g},{y0:g}H{x1:g}V{y1:g}H{x0:g}Z"


def cells_path(tile: Tile, rows, cols, contiguous: bool) -> str:
    """Outline of the cells (rows x cols) of a tile; one rectangle when they touch, else one per cell."""
    if contiguous:
        return rect_path(tile.x0 + cols[0] - 0.5, tile.y0 + rows[0] - 0.5, tile.x0 + cols[-1] + 0.5, tile.y0 + rows[-1] + 0.5)
    return "".join(rect_path(tile.x0 + c - 0.5, tile.y0 + r - 0.5, tile.x0 + c + 0.5, tile.y0 + r + 0.5)
                   for r in rows for c in cols)


def unfilled_path(tile: Tile, filled: int) -> str:
    """The cells of a raster-order map not written yet: the rest of the current row and every row below."""
    if filled >= tile.height * tile.width:
        return ""
    row, col = divmod(filled, tile.width)
    edge = 0.54  # a little over half a cell, so no sliver of the map shows at the cover's border
    right, bottom = tile.x0 + tile.width - 1 + edge, tile.y0 + tile.height - 1 + edge
    path = rect_path(tile.x0 + col - 0.5, tile.y0 + row - edge, right, tile.y0 + row + 0.5) if col else ""
    top = row + 1 if col else row
    if top < tile.height:
        path += rect_path(tile.x0 - edge, tile.y0 + top - (0.5 if col else edge), right, bottom)
    return path


def path_shape(path: str, axis: int, line: str | None = None, width: float = 0, fill: str | None = None) -> dict:
    """A layout shape drawing the path on board `axis` (1 = x/y); an empty path gives a hidden shape."""
    suffix = "" if axis == 1 else str(axis)
    shape = {"type": "path", "path": path or "M0,0", "xref": f"x{suffix}", "yref": f"y{suffix}",
             "line": {"color": line or "rgba(0,0,0,0)", "width": width}}
    if fill:
        shape["fillcolor"] = fill
    if not path:
        shape["visible"] = False
    return shape




def json_grid(values: np.ndarray) -> list:
    """A 2-D array as JSON-ready lists: NaN becomes null (a blank cell), numbers rounded to 4 decimals."""
    values = np.asarray(values, dtype=np.float64)
    grid = np.round(values, 4).astype(object)
    grid[~np.isfinite(values)] = None
    return grid.tolist()


def font_px(board: Board, chars: int, scale: float) -> float:
    """Cell text size that fits `chars` characters in the board's cells (cell_px already includes the scale)."""
    return float(np.clip(board.cell_px * 1.3 / max(chars, 2), 9 * scale, 24 * scale))


def heatmap_trace(axis: str, tile: Tile, values: np.ndarray, colorscale, zmin: float, zmax: float, board: Board,
             scale: float, name: str, texts=None) -> dict:
    """A heatmap trace for one tile: values as colours, their text in the cells when the cells are large enough."""
    show_text = board.cell_px >= MIN_TEXT_CELL_PX
    return {
        "type": "heatmap", "xaxis": "x" + axis, "yaxis": "y" + axis, "name": name,
        "z": json_grid(values), "x0": tile.x0, "dx": 1, "y0": tile.y0, "dy": 1,
        "text": texts if texts is not None else cell_texts(values), "texttemplate": "%{text}" if show_text else "",
        "textfont": {"size": font_px(board, 4, scale), "color": "#111827"},
        "colorscale": colorscale, "zmin": zmin, "zmax": zmax, "showscale": False, "xgap": 1, "ygap": 1,
        "hovertemplate": "%{text}<extra>" + name + "</extra>"}


def symmetric_peak(values: np.ndarray) -> float:
    """Largest |value| (ignoring NaN), or 1 for an all-zero grid: the colour scale runs from -peak to +peak."""
    finite = np.abs(np.asarray(values, dtype=np.float64))
    finite = finite[np.isfinite(finite)]
    peak = float(finite.max()) if finite.size else 0.0
    return peak if peak > 0 else 1.0



def play_controls(frame_names: list[str], labels: list[str], scale: float) -> tuple[list, list]:
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
