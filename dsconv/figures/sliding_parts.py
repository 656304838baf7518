"""Building blocks of the sliding-kernel figures: colours and their levels, number formats, paths, the slider.

Cells are SVG paths in the figure's coordinates, several rectangles to a path (one path per colour level),
which keeps animation frames small and lets them update without a redraw.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from dsconv.figures.plotting import go
from dsconv.figures.style import SIGNED
from dsconv.safe_text import half_up
from dsconv.sliding.engine import channel_names

PADDING_COLOUR = "#d1d5db"
UNFILLED_COLOUR = "#eef2f7"
WINDOW_COLOUR = "#111827"
WATCHED_COLOUR = "#c2410c"


EXACT_PLACES = 2  # a box blur's 1/4 and 1/25 and a random weight's tenths make no more; a 1/16's four decimals
# (85 x 1/16 = 5.3125) stay rounded: written in full, a 4 x 4 kernel's numbers would be 9.7 px on a 390 px phone


def format_value(value: float) -> str:
    """Short, readable number: whole numbers plain, then 1 or 2 decimals depending on size, a half rounded up as by
    hand. Python's format rounds an exact half to even: 85 x 0.25 = 21.25 read "21.2"."""
    if not np.isfinite(value):
        return ""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    if abs(value) >= 100:
        return half_up(value, 0)
    if abs(value) >= 10:
        return half_up(value, 1)
    return half_up(value, 2).rstrip("0").rstrip(".") if abs(value) >= 0.005 else "0"


def _exact_places(value: float) -> str | None:
    """`value` with every decimal it has, where EXACT_PLACES or fewer hold it (21.25, 127.75, 1652.5), else None."""
    if not np.isfinite(value) or abs(value) >= 1e12:  # (past float's room for exact decimals)
        return None
    for places in range(EXACT_PLACES + 1):
        scaled = value * 10**places
        if abs(scaled - round(scaled)) < 1e-6:  # (a sum of products of 0.1s is off by 1e-13 or so)
            whole = round(scaled)
            digits = str(abs(whole)).rjust(places + 1, "0")  # 0.05 at 2 places: "005"
            point = len(digits) - places
            return ("-" if whole < 0 else "") + digits[:point] + ("." + digits[point:] if places else "")
    return None


def exact_text(value: float) -> str:
    """A product or a sum: written with every decimal it has where EXACT_PLACES or fewer hold it (21.25, 127.75,
    1652.5), else as format_value writes it (166.67 as "167", 7.0833 as "7.08"), a half rounded up. Rounded to fewer
    places, a frame's products did not add up to the sum it wrote: "21.2 + 42.5 + 21.2 + 42.5" beside "Σ = 127.5",
    and 1652.5 read "1652"."""
    exact = _exact_places(value)
    return exact if exact is not None else format_value(value)


def window_text(value: float) -> str:
    """A value in the kernel's window, as its products were worked with, and a sum that a next step's window reads:
    as exact_text, with one decimal more from 100 to 1,000 where two places do not hold it. A 1x1 step's window of
    173.44 read "173" beside "173 × 1/3 = 57.8" (173 / 3 is 57.7); a depthwise output of -144.5 read "-144" beside
    "-144 x -0.3 = 43.4"."""
    exact = _exact_places(value)
    if exact is not None:
        return exact
    return half_up(value, 1) if np.isfinite(value) and 100 <= abs(value) < 1000 else format_value(value)


def multiply_adds_text(count: Fraction | int) -> str:
    """A count of multiply-adds, exactly, with thousands separators: "2,916", or "1,660.5" for a share of one (2,916 x
    41/72), with every decimal it has where EXACT_PLACES or fewer hold it, else rounded half up to one decimal after
    "about". Rounded down to a whole count, 1,660.5 read "1,660"."""
    count = Fraction(count)
    for places in range(EXACT_PLACES + 1):
        if (count * 10**places).denominator == 1:
            return f"{float(count):,.{places}f}" if count.denominator > 1 else f"{count.numerator:,}"
    return f"about {float(half_up(float(count), 1)):,.1f}"


@lru_cache(maxsize=4096)  # a kernel's few weights, written for every frame (a Fraction's limit_denominator is slow)
def weight_text(value: float) -> str:
    """A kernel weight as the computation shows it, exactly: its decimals where two places hold it (0.5, -0.04, 2),
    else its fraction (1/75, -2/3, -8/3). Shown as 0.01, a box blur's 1/75 sat beside products worked out with 1/75:
    "20 x 0.01 = 0.27" to a student checking by hand. Every preset's weight is one or the other."""
    if np.isfinite(value) and abs(value * 100 - round(value * 100)) < 1e-9:
        return format_value(value)
    if np.isfinite(value):
        fraction = Fraction(float(value)).limit_denominator(1000)
        if abs(float(fraction) - value) < 1e-9:
            return f"{fraction.numerator}/{fraction.denominator}"
    return format_value(value)


def channel_name(channel: int, channels: int) -> str:
    """R, G, B for an RGB picture; channel numbers from 1 otherwise (dsconv.sliding.engine.channel_names)."""
    return channel_names(channels)[channel]


def rect_path(x0: float, y0: float, x1: float, y1: float) -> str:
    """An SVG path of one rectangle, corners (x0, y0) and (x1, y1), in whole units (figure pixels): short.

    Plotly's path shapes take absolute commands only (M, H, V, Z), never relative ones.
    """
    left, top, right, bottom = round(x0), round(y0), round(x1), round(y1)
    return f"M{left},{top}H{right}V{bottom}H{left}Z"


def frame_slider(frame_names: list[str], labels: list[str], scale: float, redraw: bool = False,
                 at_top: bool = True) -> list[dict]:
    """The step slider over the figure (it runs in the browser); dsconv_ui.playback adds the buttons around it.

    redraw: a 3-D (WebGL) figure needs a redraw per frame; the flat figure is drawn so that it never does.
    """
    steps = [{"label": label, "method": "animate",
              "args": [[name], {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate",
                                "transition": {"duration": 0}}]} for name, label in zip(frame_names, labels)]
    return [{"active": 0, "steps": steps, "x": 0.0, "len": 1.0, "y": 1.0 if at_top else 0.0,
             "yanchor": "bottom" if at_top else "top", "pad": {"t": 0 if at_top else 8, "b": 0},
             "font": {"color": "rgba(0,0,0,0)", "size": 1}, "tickcolor": "rgba(0,0,0,0)", "ticklen": 0,
             "minorticklen": 0,
             "currentvalue": {"prefix": "Step ", "font": {"size": round(15 * scale, 1), "color": "#111827"},
                              "xanchor": "left", "offset": 4}}]


def _mix(colour: str, share: float) -> str:
    """White mixed with a colour: share 0 is white, 1 the colour."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - v) * share):02x}" for v in (red, green, blue))


def tint_colours(colour: str, levels: int) -> dict[int, str]:
    """Colours of tint levels 1..levels (level 0 is left to the caller): white to the channel colour."""
    return {level: _mix(colour, level / levels) for level in range(1, levels + 1)}


def signed_colours(levels: int) -> dict[int, str]:
    """Colours of sign levels -levels..levels except 0: the palette's violet below zero, orange above."""
    low, high = SIGNED[0][1], SIGNED[-1][1]
    colours = {}
    for level in range(1, levels + 1):
        colours[level] = _mix(high, level / levels)
        colours[-level] = _mix(low, level / levels)
    return colours


def symmetric_peak(values: np.ndarray) -> float:
    """Largest |value| (ignoring NaN), or 1 for an all-zero grid: the colour scale runs from -peak to +peak."""
    finite = np.abs(np.asarray(values, dtype=np.float64))
    finite = finite[np.isfinite(finite)]
    peak = float(finite.max()) if finite.size else 0.0
    return peak if peak > 0 else 1.0


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
