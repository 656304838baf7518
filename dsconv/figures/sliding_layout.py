"""Where everything of the sliding-kernel figure goes, in pixels of the figure's design width.

The figure has two parts. The computation (left, or on top when it is wide): for the watched kernel, one
row per channel it reads, "window x weights = products", and the sum, with numbers large enough to read
from the back of a room. The maps (right, or below): the input channels, the depthwise output of a
separable layer and the output maps, small, each tile with the cells read or written outlined.
Sizes follow the design width (Streamlit's plot width, 900 px, 1.35x in projector mode), so the figure
scales as a whole; numbers are drawn only where they fit at MIN_NUMBER_PX or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dsconv.figures.style import CHAR_EMS, text_em

MIN_NUMBER_PX = 13.5  # smallest number drawn, times the scale: 18 px in projector mode (scale 1.35)
MAX_BOARD_CELL_PX = 56  # the computation's cells, times the scale
MAX_MAP_CELL_PX = 34  # the maps' cells, times the scale
MAP_NAME_PX = 14  # the maps' names over their tiles, times the scale
STACK_GAP = 0.35  # cells between a stacked row's window and its products (place_board)
STACK_BELOW_PX = 600  # a figure narrower than this (a phone, a small window) writes its total on two lines, and
# stacks a computation's rows (place_board) whose numbers, one grid beside another, would be smaller than
STACK_UNDER_NUMBER_PX = 12  # this, times the scale
MIN_SIDE_MAP_CELL_PX = 5  # the smallest map cell, times the scale, for which the maps move up beside a computation
# that needs more than 60 % of the width (below it they go under it, as wide as the figure)
# A number's character in ems: a digit of the figures' font (0.50; a point or a minus sign is narrower), and 4 % to
# spare, because the computation sizes its numbers for 4 characters and its products can have 5 ("-1320").
DIGIT_WIDTH = 1.04 * CHAR_EMS["0"]


FONT_PER_CELL = 0.86 / (4 * DIGIT_WIDTH)  # the computation's font size, in cells, below its 22 px cap


def number_font(cell_px: float, chars: int = 4, scale: float = 1.0, ems: float | None = None) -> float:
    """The font size that fits `chars` characters in a cell (or a text `ems` wide, at least 4 characters' room), at
    most 22 px times the scale."""
    return min(22 * scale, 0.86 * cell_px / _number_ems(chars, ems))


def _number_ems(chars: int, ems: float | None) -> float:
    return max(4 * DIGIT_WIDTH, ems) if ems is not None else max(chars, 2) * DIGIT_WIDTH


def numbers_fit(cell_px: float, chars: int, scale: float) -> bool:
    """Whether numbers of `chars` characters fit in cells of this size at the minimum size or more."""
    return number_font(cell_px, chars, scale) >= MIN_NUMBER_PX * scale - 1e-9


@dataclass
class Grid:
    """A rows x cols grid of square cells with its top-left corner at (x0, y0), in figure pixels (y down)."""

    x0: float
    y0: float
    rows: int
    cols: int
    cell: float
    label: str = ""

    def rect(self, row: float, col: float) -> tuple[float, float, float, float]:
        """Corners (x0, y0, x1, y1) of one cell."""
        x, y = self.x0 + col * self.cell, self.y0 + row * self.cell
        return x, y, x + self.cell, y + self.cell

    def center(self, row: float, col: float) -> tuple[float, float]:
        """The middle of one cell."""
        return self.x0 + (col + 0.5) * self.cell, self.y0 + (row + 0.5) * self.cell

    @property
    def width(self) -> float:
        return self.cols * self.cell

    @property
    def height(self) -> float:
        return self.rows * self.cell


@dataclass
class BoardRow:
    """One channel the watched kernel reads: its window, weights and products grids, and where its label goes."""

    output: int  # the output channel whose kernel this is
    slot: int  # position of the channel within that kernel's reads
    channel: int  # the input channel read
    window: Grid
    weights: Grid
    products: Grid
    label_at: tuple[float, float]
    times_at: tuple[float, float]
    equals_at: tuple[float, float]
    sum_at: tuple[float, float] | None  # a depthwise row has a sum of its own


@dataclass
class Board:
    """The computation of one stage: a row per channel read, and where the total goes (one-sum stages)."""

    rows: list[BoardRow]
    cell: float
    font: float
    total_at: tuple[float, float] | None
    height: float


@dataclass
class MapGroup:
    """A titled row of tiles: the input channels, the depthwise output, or the output maps."""

    title: str
    title_at: tuple[float, float]
    tiles: list[Grid] = field(default_factory=list)


@dataclass
class Layout:
    """Every position of the figure: header, boards (one per stage), map groups, and the figure size."""

    width: float
    height: float
    scale: float
    header_lines: list[tuple[float, float]]
    header_font: float
    boards: list[Board]
    maps: list[MapGroup]
    map_cell: float
    board_title_at: tuple[float, float]
    title_font: float  # the maps' and the computation's titles, in px
    board_right: float = float("inf")  # the computation's texts end left of this x (the maps beside it, or the
    # figure's edge)


def board_cells_wide(size: int, own_sums: bool, sum_em: float = 0.0, stacked: bool = False) -> float:
    """Cells across one computation row: label, three k-wide grids, x and =, and a sum of its own if any, written
    from 0.3 cells right of the products, `sum_em` ems wide at the numbers' font (at least 2.9 cells). On a 1024 x
    768 projector "→ from B, kernel 1" ran 2 px past the figure's edge in the 3.2 cells it had. `stacked`: the
    products under the window (place_board), two grids across instead of three."""
    sum_cells = 0.3 + max(2.9, sum_em * FONT_PER_CELL) if own_sums else 0.0
    if stacked:  # window x weights on top; the products, and their sum, under the window
        return max(1.7 + 2 * size + 0.9, 1.7 + size + sum_cells)
    if not own_sums:
        return 1.7 + 3 * size + 2 * 0.9
    return 1.7 + 3 * size + 2 * 0.9 + 0.3 + max(2.9, sum_em * FONT_PER_CELL)  # (+ sum_cells rounds differently)


def board_cells_tall(reads: int, size: int, own_sums: bool, stacked: bool = False) -> float:
    """Cells down one stage's computation of `reads` rows, with room for its total line (0.55 more than
    place_board's height: the gap under the last row)."""
    return reads * ((2 * size + STACK_GAP if stacked else size) + 0.55) + (0 if own_sums else 1.1)


def number_cell(scale: float, chars: int = 4, ems: float | None = None) -> float:
    """The smallest cell whose numbers of `chars` characters (or `ems` wide, as number_font) fit at MIN_NUMBER_PX x
    scale."""
    return MIN_NUMBER_PX * scale * _number_ems(chars, ems) / 0.86


def place_board(stage_reads: list[tuple[int, int, int]], size: int, own_sums: bool, x0: float, y0: float,
                cell: float, scale: float, ems: float | None = None, stacked: bool = False) -> Board:
    """The computation rows of one stage from (output, slot, channel) reads, at (x0, y0) with this cell size, its
    numbers sized for the widest, `ems` wide (at least 4 characters' room). `stacked` (a page too narrow for three
    grids across at readable numbers: a phone): each row's products stand under its window, "=" before them in
    the label's column, so that the cells are half as wide again (a 280 px phone's numbers were 8 px)."""
    rows, y = [], y0
    gap = 0.55 * cell
    for output, slot, channel in stage_reads:
        x = x0 + 1.7 * cell
        window = Grid(x, y, size, size, cell)
        weights = Grid(window.x0 + window.width + 0.9 * cell, y, size, size, cell)
        middle = y + size * cell / 2
        if stacked:
            products = Grid(x, y + (size + STACK_GAP) * cell, size, size, cell)
            equals_at = (x0 + 0.85 * cell, products.y0 + size * cell / 2)
        else:
            products = Grid(weights.x0 + weights.width + 0.9 * cell, y, size, size, cell)
            equals_at = (weights.x0 + weights.width + 0.45 * cell, middle)
        sum_at = (products.x0 + products.width + 0.3 * cell, products.y0 + size * cell / 2) if own_sums else None
        rows.append(BoardRow(output, slot, channel, window, weights, products, (x0 + 0.85 * cell, middle),
                             (window.x0 + window.width + 0.45 * cell, middle), equals_at, sum_at))
        y += (2 * size + STACK_GAP) * cell + gap if stacked else size * cell + gap
    total = None if own_sums else (x0 + 0.2 * cell, y + 0.4 * cell)
    height = (y - gap - y0) + (1.2 * cell if total else 0)
    return Board(rows, cell, number_font(cell, 4, scale, ems), total, height)


GROUP_GAP_PX = 28  # between two groups of maps side by side, times the scale
GROUP_TITLE_PX = 15  # a group's title ("Depthwise output"), bold, times the scale: Layout.title_font


def group_title_px(title: str, scale: float) -> float:
    """How wide a group's title is written, in pixels."""
    return text_em(f"<b>{title}</b>") * GROUP_TITLE_PX * scale


def place_maps(groups: list[tuple[str, list[str], int, int, float]], x0: float, y0: float, width: float, cell: float,
               scale: float) -> tuple[list[MapGroup], float]:
    """Tiles of each (title, tile labels, rows, cols, name px) group, within `width`; returns the groups and the
    bottom. A group whose tiles fit in one row beside the group before it stands there, else it starts a new band under
    the groups before (stacked, a separable layer's maps had 5 px cells in a third of the page, the rest blank); a group
    wider than `width` wraps its tiles. A tile takes at least `name px` across, with its gap, so that its shortest name
    stays clear of the next."""
    # A group's title has 28 px: at 24 its line ran 4 px into the tiles' names under it on a phone ("Input", "R").
    title_px, label_px, gap = 28 * scale, 18 * scale, 10 * scale
    right = x0 + width + 1e-6
    placed, band_top, bottom, x = [], y0, y0, x0
    for title, labels, rows, cols, name_px in groups:
        span = max(cols * cell, name_px - gap)
        one_row = max(len(labels) * span + (len(labels) - 1) * gap, group_title_px(title, scale))
        if not (x > x0 and x + one_row <= right):  # a new band, under everything so far
            x, band_top = x0, bottom
        group, left = MapGroup(title, (x, band_top + title_px * 0.5)), x
        y = band_top + title_px
        # Wrapped tiles are shared out evenly over the rows they need: six maps where five fit stood 5 + 1 (a
        # projector's grouped layer), now 3 + 3
        fits = max(1, int((right - left + gap) // (span + gap)))
        per_row = math.ceil(len(labels) / math.ceil(len(labels) / fits))
        for index, label in enumerate(labels):
            if index and index % per_row == 0:
                x = left
                y += label_px + rows * cell + gap
            group.tiles.append(Grid(x, y + label_px, rows, cols, cell, label))
            x += span + gap
        bottom = max(bottom, y + label_px + rows * cell + gap * 1.6)
        x = left + one_row + GROUP_GAP_PX * scale if left + one_row <= right else right  # the next group's place
        placed.append(group)
    return placed, bottom


def fit_maps(groups: list[tuple[str, list[str], int, int, float]], width: float, budget: float, scale: float) -> float:
    """The largest map cell (at most MAX_MAP_CELL_PX x scale) whose tiles fit in `width` and `budget` pixels high."""
    cell = MAX_MAP_CELL_PX * scale
    while cell > 3:
        widest = max(cols * cell for _, _, _, cols, _ in groups)
        _, bottom = place_maps(groups, 0, 0, width, cell, scale)
        if widest <= width and bottom <= budget:
            return cell
        cell -= 0.5
    return 3.0
