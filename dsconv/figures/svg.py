"""A drawing made only of Plotly shapes and annotations (the home page's idea picture) as inline SVG.

A page that shows it this way needs no Plotly in the browser: Plotly's script is 4.6 MB, about 1 s of a page's first
paint on a 2-core machine and far more on a classroom's wifi. The drawing keeps one definition (its Plotly layout, as
`idea_layout` builds it); this module only draws what that layout says, in the same coordinates, font and colours.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

LINE_SPACING = 1.3  # Plotly's annotation line height, in font sizes
ARROW_LENGTH, ARROW_HALF_WIDTH = 3.0, 1.6  # the arrowhead drawn for an annotation arrow, in arrow widths
_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
PLOTLY_FAMILY = '"Open Sans", verdana, arial, sans-serif'  # Plotly's font when a layout names none


class DrawingError(ValueError):
    """The figure holds something this drawing does not draw (a trace, a shape type, a path command)."""


def _layout(figure: Any) -> dict:
    """The figure's layout as plain data; refuses a figure with traces."""
    data = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else dict(figure)
    if data.get("data"):
        raise DrawingError("only shapes and annotations can be drawn as SVG, and this figure has traces")
    return dict(data.get("layout") or {})


def _path(path: str, point) -> str:
    """A Plotly path made of M, L and Z commands, in data coordinates, as SVG path data in pixels."""
    tokens = re.findall(rf"[MLZ]|{_NUMBER},{_NUMBER}", path)
    if "".join(tokens).replace(" ", "") != re.sub(r"\s+", "", path):
        raise DrawingError(f"a shape's path uses more than M, L and Z: {path[:60]!r}")
    drawn = []
    for token in tokens:
        if "," in token:
            x, y = map(float, token.split(","))
            drawn.append("{:.1f},{:.1f}".format(*point(x, y)))
        else:
            drawn.append(token)
    return " ".join(drawn)


def _lines(text: str) -> list[list[tuple[str, bool]]]:
    """Annotation text (Plotly's <b> and <br> only) as lines of (text, bold) runs, the text unescaped."""
    lines = []
    for line in re.split(r"<br\s*/?>", text):
        runs, bold = [], False
        for piece in re.split(r"(</?b>)", line):
            if piece in ("<b>", "</b>"):
                bold = piece == "<b>"
            elif piece:
                if re.search(r"<[a-zA-Z/]", piece):
                    raise DrawingError(f"an annotation uses a tag other than <b> and <br>: {piece[:60]!r}")
                runs.append((html.unescape(piece), bold))
        lines.append(runs)
    return lines


def drawing_svg(figure: Any, title: str) -> str:
    """The figure's shapes (paths) and annotations (text, arrows) as an <svg> element, `title` its accessible name.

    The x and y axes must have fixed ranges at one scale (scaleanchor), as in a drawing: one data unit is as many
    pixels across as up. The SVG is as tall as the figure's plotting area and scales down with its container."""
    layout = _layout(figure)
    try:
        (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    except (KeyError, TypeError, ValueError):
        raise DrawingError("a drawing needs fixed x and y ranges") from None
    margin = {"t": 0, "b": 0, "l": 0, "r": 0, **(layout.get("margin") or {})}
    font = layout.get("font") or {}
    size, colour, family = font.get("size", 12), font.get("color", "#444"), font.get("family", PLOTLY_FAMILY)
    scale = (layout.get("height", 450) - margin["t"] - margin["b"]) / (y1 - y0)  # pixels per data unit
    width, height = (x1 - x0) * scale + margin["l"] + margin["r"], (y1 - y0) * scale + margin["t"] + margin["b"]

    def point(x: float, y: float) -> tuple[float, float]:
        return margin["l"] + (x - x0) * scale, margin["t"] + (y1 - y) * scale

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
             f'aria-label="{html.escape(title, quote=True)}" style="width:100%;max-width:{width:.0f}px;height:auto;'
             f'display:block;margin:auto" font-family="{html.escape(family, quote=True)}" font-size="{size}" '
             f'fill="{colour}"><title>{html.escape(title)}</title>']
    for shape in layout.get("shapes") or ():
        if shape.get("type") != "path":
            raise DrawingError(f"only path shapes are drawn, not {shape.get('type')!r}")
        line = shape.get("line") or {}
        parts.append(f'<path d="{_path(shape["path"], point)}" fill="{shape.get("fillcolor", "none")}" '
                     f'opacity="{shape.get("opacity", 1)}" stroke="{line.get("color", "#444")}" '
                     f'stroke-width="{line.get("width", 2)}"/>')
    for note in layout.get("annotations") or ():
        x, y = point(note["x"], note["y"])
        if note.get("showarrow", True):
            parts.append(_arrow(point(note["ax"], note["ay"]), (x, y), note.get("arrowcolor", "#444"),
                                note.get("arrowwidth", 1)))
        if note.get("text"):
            parts.append(_text(_lines(note["text"]), x, y, note.get("xanchor", "center"),
                               note.get("yanchor", "middle"), size))
    parts.append("</svg>")
    return "".join(parts)


def _arrow(start: tuple[float, float], end: tuple[float, float], colour: str, width: float) -> str:
    """A line from `start` to `end` with a triangular head at `end` (Plotly's arrowhead 3)."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    back_x, back_y = x1 - ux * ARROW_LENGTH * width, y1 - uy * ARROW_LENGTH * width
    left = (back_x - uy * ARROW_HALF_WIDTH * width, back_y + ux * ARROW_HALF_WIDTH * width)
    right = (back_x + uy * ARROW_HALF_WIDTH * width, back_y - ux * ARROW_HALF_WIDTH * width)
    return (f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{back_x:.1f}" y2="{back_y:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"/><polygon points="{x1:.1f},{y1:.1f} {left[0]:.1f},{left[1]:.1f} '
            f'{right[0]:.1f},{right[1]:.1f}" fill="{colour}"/>')


def _text(lines: list[list[tuple[str, bool]]], x: float, y: float, xanchor: str, yanchor: str, size: float) -> str:
    """Lines of text anchored at (x, y) as Plotly anchors an annotation's text box."""
    anchor = {"left": "start", "right": "end"}.get(xanchor, "middle")
    step = LINE_SPACING * size
    block = step * len(lines)
    top = {"top": y, "bottom": y - block}.get(yanchor, y - block / 2)
    spans = []
    for index, runs in enumerate(lines):
        baseline = top + step * index + (step + 0.7 * size) / 2  # a line's text centred in its line height
        spans.append(f'<tspan x="{x:.1f}" y="{baseline:.1f}">' + "".join(
            f'<tspan font-weight="bold">{html.escape(text)}</tspan>' if bold else html.escape(text)
            for text, bold in runs) + "</tspan>")
    return f'<text text-anchor="{anchor}">{"".join(spans)}</text>'
