"""The look every chart shares where it must be read from the back of a room: dark text and axis labels.

Streamlit's chart theme draws tick labels pale grey, which a projector washes out; the builders in
the figure builders pass their figures (or their axis dicts) through here. Colours that carry meaning on
more than one page live here too; each layer kind's colour lives with the kind (dsconv.kinds).

The sign of a value is violet below zero, white at zero and orange above: neither end looks like a colour
channel (red, green or blue), so a student never reads a sign as a channel, and the pair stays apart for the
common colour-vision deficiencies (the purple-orange family of ColorBrewer's diverging schemes). Both ends
are light enough for black digits written on top.
"""

from __future__ import annotations

import math
import re
from itertools import repeat
from typing import Any, Iterable

TEXT_COLOUR = "#111827"  # body text: 17:1 on white
TICK_COLOUR = "#1f2937"  # tick labels: 14:1 on white (WCAG AA asks 4.5:1)
AXIS_LINE_COLOUR = "#6b7280"
GRID_COLOUR = "#e5e7eb"
SIGNED = [[0.0, "#a78bfa"], [0.5, "#ffffff"], [1.0, "#fb923c"]]  # violet < 0 < orange, a Plotly colour scale
# Series that are not layer kinds (kernel sizes, the left and right model): Okabe-Ito, in this order.
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00")
CHANNEL_COLOURS = ("#f87171", "#4ade80", "#60a5fa")  # red, green, blue: light enough for black digits on top
# Every figure's font: the app's own, which Streamlit serves with the page, so that a figure's text is as wide on every
# machine. Plotly's default ("Open Sans", else Verdana, else Arial) is whatever the machine has: a digit is 0.64 em wide
# in Verdana (Windows, macOS), 0.56 in Arial and 0.50 in Source Sans, and numbers fitted to their cells for Source Sans
# overflowed them in Verdana. (Streamlit's chart theme sets this font too; figures shown with theme=None did not.)
FONT_FAMILY = '"Source Sans", sans-serif'
# Source Sans's advance widths in ems, regular weight (from its font file, as Chromium draws them; rounded up: kerning
# only narrows), for what the figures write. Any other character counts as OTHER_EM.
_EMS = {0.20: " ", 0.25: "ij.,·:;'", 0.26: "l", 0.27: "I", 0.30: "f", 0.31: "()", 0.32: "-", 0.34: "t", 0.35: "r/",
        0.42: "s", 0.43: "z", 0.45: "x", 0.46: "c", 0.47: "vy", 0.48: "JY", 0.49: "L", 0.50: "0123456789ekF−×+=",
        0.51: "ag", 0.52: "VX", 0.53: "E", 0.54: "STZΣ", 0.55: "hnouA", 0.56: "bdpq", 0.57: "PR", 0.58: "CK", 0.59: "B",
        0.62: "DG→", 0.65: "NU", 0.66: "H", 0.67: "OQ", 0.72: "w", 0.73: "M", 0.79: "W", 0.83: "m%"}
CHAR_EMS = {char: em for em, chars in _EMS.items() for char in chars}
# The same at the bold weight (700): Plotly's <b>...</b>, and every figure's title, which Streamlit's chart theme draws
# bold (a title fitted to a 447 px figure at the regular weight was 446 px wide at 4 px from its left edge, cut).
_BOLD_EMS = {0.20: " ", 0.28: "ij", 0.29: "l", 0.30: "',.:;·", 0.31: "I", 0.34: "-/", 0.35: "()f", 0.39: "t",
             0.40: "r", 0.45: "s", 0.46: "z", 0.47: "c", 0.51: "J", 0.52: "Lex", 0.53: "+0123456789=FYavy×−",
             0.54: "g", 0.55: "EZkΣ", 0.56: "STVo", 0.57: "Xu", 0.58: "Abdhnpq", 0.59: "C", 0.60: "P", 0.61: "B",
             0.62: "KR→", 0.64: "DG", 0.67: "NU", 0.68: "H", 0.69: "OQ", 0.77: "M", 0.78: "w", 0.82: "W", 0.86: "%m"}
BOLD_CHAR_EMS = {char: em for em, chars in _BOLD_EMS.items() for char in chars}
OTHER_EM = 0.91  # wider than any letter, digit or "@" of the font, at either weight (a bold "@": 0.902)


def text_em(text: str) -> float:
    """How wide `text` is in the figures' font, in ems: times the font size, pixels. Plotly's tags are not text; a
    bold run (<b>...</b>) is measured bold. (Summed with map, in the same order as a loop: the Sliding kernels figure
    measures some 16,000 texts, and a generator made this a third of its 0.45 s.)"""
    if "<" not in text:
        return float(sum(map(CHAR_EMS.get, text, repeat(OTHER_EM))))
    width, bold = 0.0, False
    for part in re.split(r"(<[^>]+>)", text):
        if part.lower() in ("<b>", "</b>"):
            bold = part.lower() == "<b>"
        elif not part.startswith("<"):
            width += sum(map((BOLD_CHAR_EMS if bold else CHAR_EMS).get, part, repeat(OTHER_EM)))
    return width


OPERATORS = frozenset("+−×/=-")  # a word that is one of these is never at a line's end or start (wrap_parts)


def _unbroken_words(part: str) -> list[str]:
    """The words of `part` that a line may break between: a bold run is one word, and an operator standing alone
    joins the words on both sides ("(R + G + B) /" ended a line, "3" alone began the next)."""
    words: list[str] = []
    glue = False
    for word in re.findall(r"(?:<b>.*?</b>|\S)+", part):
        operator = word in OPERATORS
        if words and (glue or operator):
            words[-1] += " " + word
        else:
            words.append(word)
        glue = operator
    return words


def wrap_parts(parts: list[str], room_em: float, bold: bool = False) -> list[str]:
    """Parts joined by " · " into lines at most `room_em` wide (style.text_em; `bold`: drawn bold, as a figure's
    title is); a part longer than a line is broken at spaces, never inside a bold run nor beside an operator."""
    def em(line: str) -> float:
        return text_em("<b>" + re.sub(r"</?b>", "", line, flags=re.IGNORECASE) + "</b>" if bold else line)

    lines: list[str] = []
    for part in parts:
        if lines and em(f"{lines[-1]} · {part}") <= room_em:
            lines[-1] += " · " + part
            continue
        words, line = _unbroken_words(part), ""
        for word in words:
            if line and em(f"{line} {word}") > room_em:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


LINE_HEIGHT = 1.3  # a line of Plotly's text, in sizes of its font
CAP_SHIFT_EM = 0.7  # how far below its anchor Plotly sets the baseline of a top-anchored line of text, in ems


def title_px(font_px: float) -> int:
    """The size Plotly gives a figure's title over a layout font of `font_px`: 1.4 times it."""
    return round(font_px * 1.4)


def top_title(text: str, width_px: float, font_px: float, pad_px: float) -> tuple[dict, int]:
    """A figure's title for a figure `width_px` wide over a layout font of `font_px`: broken into the lines that fit
    (a phone's figure, a half-page one on a 1024 x 768 projector), standing `pad_px` below the figure's top (Plotly
    centres a title in the top margin, and its second line ran into what stands under it). Returns the layout's
    title and the pixels its lines take."""
    size = title_px(font_px)
    text = fit_lines(text, width_px - 20, size, bold=True)  # Streamlit's chart theme draws a figure's title bold
    lines = 1 + text.count("<br>")
    # Plotly sets a top-anchored title's first baseline 0.7 em below the pad, but a title of several lines gets its
    # first line's baseline on the pad itself: its top stood above the figure's edge ("32 ot 64 maps ... atter").
    pad_px += round(CAP_SHIFT_EM * size) if lines > 1 else 0
    return (dict(text=text, font=dict(size=size), y=1, yref="container", yanchor="top", pad=dict(t=pad_px)),
            lines * round(size * LINE_HEIGHT))


def legend_height(names: list[str], room_px: float, font_px: float, grouped: bool = False) -> float:
    """The height a horizontal legend of these entries takes in `room_px`, the plot's width (an entry: its sample and
    the gaps around it, about 60 px, and its text, whose lines are broken by <br>). Entries that fit take one row;
    else Plotly sets them in columns as wide as the widest entry (counted as rows packed by each entry's own width,
    the roofline's 11 entries took 6 rows, not 4, and pushed its plot 27 px shorter than laid out). A `grouped`
    legend (traces with a legendgroup) is packed by each entry's own width, as before."""
    widths = [60 + max(text_em(line) for line in name.split("<br>")) * font_px for name in names]
    rows: list[list[str]] = []
    if names and not grouped and sum(widths) > room_px:  # in columns
        per_row = max(1, int(room_px // max(widths)))
        rows = [names[start:start + per_row] for start in range(0, len(names), per_row)]
    else:  # packed, each entry as wide as it is
        row_px = 0.0
        for name, width in zip(names, widths):
            if not rows or row_px + width > room_px:
                rows.append([])
                row_px = 0.0
            rows[-1].append(name)
            row_px += width
    return sum(max(1 + name.count("<br>") for name in row) * font_px * LINE_HEIGHT + 8 for row in rows)


def fit_lines(text: str, room_px: float, font_px: float, bold: bool = False) -> str:
    """`text` broken at its spaces into lines (Plotly's <br>) no wider than `room_px` at `font_px` (`bold`: drawn
    bold): a figure's title, a panel's title or a legend entry that a narrow figure (a phone's) would cut at its
    edge."""
    return "<br>".join(wrap_parts([text], room_px / font_px, bold))


PAGE_WIDTH_PX = 900  # a figure as wide as the page: Streamlit's wide layout, 1400 px window, sidebar open
# The same in projector mode (scale 1.35): a 1280 x 800 window with the sidebar hidden gives the page 1018 px (measured in
# Chromium), not 1.35 x 900 = 1215. A figure laid out for more is shrunk to fit by Plotly, its text never: at 1215 px,
# numbers sized for their cells were 19 % too large for them.
PROJECTOR_PAGE_WIDTH_PX = 1018


def page_width_px(scale: float = 1.0) -> float:
    """The width a figure as wide as the page is shown at, which its layout fits: PAGE_WIDTH_PX, and
    PROJECTOR_PAGE_WIDTH_PX in projector mode (a scale over 1). A wider window only makes the figure larger."""
    return PROJECTOR_PAGE_WIDTH_PX if scale > 1 else PAGE_WIDTH_PX * scale


def projected_scale(scale: float, width_px: float) -> float:
    """The scale of a figure shown `width_px` wide. In projector mode (a scale over 1) the scale is made for the
    1280 x 800 window, whose page is 1018 px wide. A 1024 x 768 projector puts its whole window across the same wall,
    each pixel 1280/1024 = 1.25 times larger, and gives the page 770 px. The scale shrinks with the page's width
    (scale x width / 1018: 1.021 there), never under 1, the normal window's, and never over `scale`: a number drawn
    there stands 0.756 x 1.25 = 95 % as tall on the wall as at 1280 x 800. At 1.35 the sliding-kernel animation on
    a 1024 x 768 projector ran 77 px (standard) to 670 px (depthwise) below the window while it played."""
    if scale <= 1:
        return scale
    return max(1.0, scale * min(1.0, width_px / PROJECTOR_PAGE_WIDTH_PX))


# The window's height a figure must fit in to be seen whole: the 1400 x 1000 window, and the 1280 x 800 one of projector
# mode (Streamlit's header is hidden there). A figure taller than this is never on the screen at once.
SCREEN_HEIGHT_PX = 1000
PROJECTOR_SCREEN_HEIGHT_PX = 800


def screen_height_px(scale: float = 1.0) -> float:
    """The height of the window a figure is shown in: SCREEN_HEIGHT_PX, PROJECTOR_SCREEN_HEIGHT_PX in projector mode."""
    return PROJECTOR_SCREEN_HEIGHT_PX if scale > 1 else SCREEN_HEIGHT_PX


SUBPLOT_TITLE_PX = 16  # make_subplots's size for panels' titles (times the scale where a figure scales them)
TICK_PX = 13.5  # tick labels, times the figure's scale: 18 px in projector mode (scale 1.35)


def axis(scale: float | None = None, **extra: Any) -> dict[str, Any]:
    """An axis dict with dark tick labels and title, for figures built from plain dicts; with a scale the tick
    labels are TICK_PX x scale (without one they follow the figure's font)."""
    style: dict[str, Any] = {"tickfont": {"color": TICK_COLOUR}, "title": {"font": {"color": TEXT_COLOUR}},
                             "linecolor": AXIS_LINE_COLOUR, "gridcolor": GRID_COLOUR}
    if scale is not None:
        style["tickfont"]["size"] = round(TICK_PX * scale, 1)
    for key, value in extra.items():
        if key == "title" and isinstance(value, dict):
            style["title"] = {**style["title"], **value}
        else:
            style[key] = value
    return style


def readable(fig: Any, scale: float = 1.0) -> Any:
    """Dark tick labels (TICK_PX x scale), axis titles and text on every axis of a go.Figure, and a dark legend (its
    title too: Streamlit's theme drew the arena's in #808495, 3.7:1 on white); returns the figure."""
    ticks = dict(tickfont_color=TICK_COLOUR, tickfont_size=round(TICK_PX * scale, 1), title_font_color=TEXT_COLOUR,
                 linecolor=AXIS_LINE_COLOUR)
    fig.update_xaxes(**ticks)
    fig.update_yaxes(**ticks)
    fig.update_layout(font_color=TEXT_COLOUR, legend_font_color=TEXT_COLOUR, legend_title_font_color=TEXT_COLOUR)
    return fig


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a '#rrggbb' colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two '#rrggbb' colours, 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill: str) -> str:
    """The text colour for a label drawn on `fill`: white or TEXT_COLOUR, whichever stands out more (Plotly's own
    choice put white on vermillion, 3.9:1; the page's dark grey on the dense layers' grey, 3.7:1)."""
    return max(("#ffffff", TEXT_COLOUR), key=lambda text: contrast(text, fill))


def two_lines(label: str) -> str:
    """A layer's label broken for a bar chart's axis: "Depthwise<br>+ 1x1", "Separable-<br>Conv2D",
    "1x1 Conv2D<br>alone", "Depthwise-<br>Conv2D<br>alone" (on one line, "DepthwiseConv2D" ran into its neighbours'
    labels)."""
    if " + " in label:
        head, _, tail = label.partition(" + ")
        return f"{head}<br>+ {tail}"
    if label.endswith(" alone"):
        return f"{two_lines(label[:-len(' alone')])}<br>alone"
    if label.endswith("Conv2D") and len(label) > len("Conv2D") and " " not in label:
        return f"{label[:-len('Conv2D')]}-<br>Conv2D"
    return label


def log_ticks(values: Iterable[float]) -> list[float]:
    """Ticks 1, 2, 5, 10, 20, 50, ... (powers of 10 alone over 3 decades) covering the positive values.

    Given as tickvals, they make Plotly label a log axis in full: its own ticks label 200 as "2" beside 100.
    """
    positive = [v for v in values if v and 0 < v < math.inf]
    if not positive:
        return []
    low, high = min(positive), max(positive)
    steps = (1, 2, 5) if high <= 1000 * low else (1,)  # over three decades, 1-2-5 would crowd the axis
    # From 1e-300 at least: 10.0 ** -324 is 0, and the loop below never ended for a value of 5e-324
    ticks, decade = [], 10.0 ** max(math.floor(math.log10(low)), -300)
    while not ticks or ticks[-1] < high:
        ticks += [step * decade for step in steps]
        decade *= 10
    inside = [t for t in ticks if low <= t <= high]
    below = [t for t in ticks if t < low][-1:] if not inside or inside[0] > low else []
    above = [t for t in ticks if t > high][:1] if not inside or inside[-1] < high else []
    return below + inside + above
