"""A profiled network: one row per layer call, the totals, and each role's share."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from dsconv.profile.layers import ROLES, Shape
from dsconv.safe_text import COUNT_UNITS, half_up, in_units

COLUMNS = ("multiply_adds", "params", "frozen_params", "other_ops", "activation_bytes")
# How a JSON config's row starts whose layer has the same name and settings as one in another block: counted as its
# own, though it may be one layer called in both places (Keras counts that once; the file cannot tell).
ALIKE_NOTE = "same name and settings as"
# a JSON config's layer taken for one of the model around it (or inside it) called again: it may be a second layer
MERGED_NOTE = "shared, as the file reads:"


@dataclass(frozen=True)
class LayerRow:
    """One call of one layer: what it outputs and costs, or why it was not counted."""

    name: str  # nested models prefix their layers: "block/conv"; a shared layer's later calls say "(call 2)"
    class_name: str
    role: str
    output_shape: Shape | None
    params: int = 0  # trainable; a shared layer's are counted on its first call only
    frozen_params: int = 0
    multiply_adds: int = 0
    depthwise_multiply_adds: int = 0
    other_ops: int = 0
    activation_bytes: int = 0
    counted: bool = True
    note: str = ""  # why it was not counted, or where its shape came from
    frozen: bool = False  # saved with trainable false (Keras sets it on every layer of a frozen model)
    # What the what-if recounts a layer from: its config and input shapes (not shown).
    config: dict = field(default_factory=dict, compare=False, repr=False)
    inputs: tuple[Shape, ...] = field(default=(), compare=False, repr=False)

    @property
    def total_params(self) -> int:
        return self.params + self.frozen_params

    @property
    def kernel_text(self) -> str:
        """'3x3' for a layer that slides a window, '' otherwise."""
        size = self.config.get("kernel_size")
        if isinstance(size, int):
            size = [size] * max(1, len(self.inputs[0]) - 1 if self.inputs else 1)
        return "x".join(map(str, size)) if isinstance(size, (list, tuple)) else ""


@dataclass(frozen=True)
class Profile:
    """Every layer call of a network, in the order the network runs them."""

    name: str
    input_shape: Shape
    rows: tuple[LayerRow, ...]

    def total(self, column: str) -> int:
        if column not in COLUMNS + ("depthwise_multiply_adds",):
            raise ValueError(f"{column!r} is not a column of the profile; choose one of {', '.join(COLUMNS)}.")
        return sum(getattr(row, column) for row in self.rows)

    @property
    def multiply_adds(self) -> int:
        return self.total("multiply_adds")

    @property
    def params(self) -> int:
        """Every parameter Keras counts: trainable and not."""
        return self.total("params") + self.total("frozen_params")

    @property
    def input_text(self) -> str:
        """The input's shape as the page writes it ("224x224x3"), or what stands in for one: a model of several inputs
        (or none recorded) has no one shape, and its Compare row's "input" cell stood empty."""
        return "x".join(map(str, self.input_shape)) if self.input_shape else "several inputs, or none recorded"

    @property
    def frozen_layers(self) -> tuple[LayerRow, ...]:
        """Rows of frozen layers that hold weights: theirs count as not trainable, as Keras counts them."""
        return tuple(row for row in self.rows if row.frozen and row.frozen_params)

    @property
    def not_counted(self) -> tuple[LayerRow, ...]:
        return tuple(row for row in self.rows if not row.counted)

    @property
    def maybe_distinct(self) -> tuple[LayerRow, ...]:
        """Rows counted as a layer met before that may be layers of their own (MERGED_NOTE)."""
        return tuple(row for row in self.rows if row.note.startswith(MERGED_NOTE))

    @property
    def maybe_shared(self) -> tuple[LayerRow, ...]:
        """Rows counted as layers of their own that may be one shared layer (ALIKE_NOTE)."""
        return tuple(row for row in self.rows if row.note.startswith(ALIKE_NOTE))

    def by_role(self, column: str) -> dict[str, int]:
        """A column's total per role, in ROLES order, roles with none left out."""
        sums = {role: 0 for role in ROLES}
        for row in self.rows:
            sums[row.role] += getattr(row, column)
        return {role: value for role, value in sums.items() if value}

    def share(self, column: str) -> dict[str, float]:
        """Each role's fraction of a column's total."""
        whole = self.total(column)
        return {role: value / whole for role, value in self.by_role(column).items()} if whole else {}

    def layers_of(self, *roles: str) -> tuple[LayerRow, ...]:
        return tuple(row for row in self.rows if row.role in roles)


def in_millions(count: int | float) -> str:
    """4,231,976 -> '4.23 M'; 15,470,264,320 -> '15.5 G': three significant digits, a half rounded up (112,500 ->
    '113 k'), and the next unit where they round to 1,000 (999,500 read '1000 k'); small counts as they are."""
    return in_units(count, COUNT_UNITS[:3]) if abs(count) >= 1000 else f"{count:g}"


def apart(before: int | float, after: int | float) -> tuple[str, str]:
    """Two counts in_millions, or exact where that reads them the same though they differ: a MobileNet's one
    standard convolution made separable took "parameters from 4.25 M to 4.25 M", the change the page is about."""
    shown = in_millions(before), in_millions(after)
    if shown[0] == shown[1] and before != after:
        return f"{before:,}", f"{after:,}"
    return shown


# The table the page and the CLI show (and the CSV holds): each column's name and how a row gives it.
def _kib(size: int) -> float:
    """Bytes in KiB: whole from 100 KiB (MobileNet's 3,192.25 read "3,192.2" in a column of whole 1,568 and 3,136),
    to 0.1 KiB from 1 KiB, and to three decimals under 1 KiB (a 10-class output's 40 B read 0.0). A half goes up, as
    by hand: round() sends it to the even digit (1,624.5 KiB read 1,624, and 1.25 KiB 1.2)."""
    kib = size / 1024
    places = 0 if kib >= 100 else 1 if kib >= 1 else 3
    rounded = float(half_up(kib, places))
    return int(rounded) if not places else rounded


_RECORD = (
    ("layer", lambda row: row.name), ("class", lambda row: row.class_name), ("role", lambda row: row.role),
    ("output shape", lambda row: "x".join(map(str, row.output_shape)) if row.output_shape else "?"),
    ("kernel", lambda row: row.kernel_text), ("params", lambda row: row.params),
    ("non-trainable", lambda row: row.frozen_params), ("multiply-adds", lambda row: row.multiply_adds),
    ("other ops", lambda row: row.other_ops), ("activation KiB", lambda row: _kib(row.activation_bytes)),
    ("note", lambda row: row.note),
)
RECORD_FIELDS = tuple(name for name, _ in _RECORD)


def csv_text(profile: Profile) -> str:
    """The table as CSV; a cell a spreadsheet would take for a formula (=, +, -, @ first, or a tab or carriage return
    before one, which some spreadsheets skip: OWASP's list) starts with ' instead."""
    def cell(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=RECORD_FIELDS)
    writer.writeheader()
    writer.writerows({key: cell(value) for key, value in record.items()} for record in rows_as_records(profile))
    return text.getvalue()


def rows_as_records(profile: Profile) -> list[dict[str, Any]]:
    """The table the page and the CLI show (and the CSV holds), one plain dict per row."""
    return [{name: value(row) for name, value in _RECORD} for row in profile.rows]
