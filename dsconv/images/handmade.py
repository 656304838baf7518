"""Hand-made filters on a picture: a depthwise step, a pointwise mix, and the one standard convolution they equal.

Shapes follow Keras/TensorFlow (channels last, "same" = zero padding as tf.nn.conv2d's SAME):
- depthwise kernel D: (k, k, C), one k x k kernel per input channel, no mixing of channels;
- pointwise mix P: (C, N), N output channels, each a weighted sum of the C channels;
- the equal standard kernel W: (k, k, C, N) with W[i, j, c, n] = D[i, j, c] * P[c, n].
Every standard kernel of that "rank-one per channel" form can be split this way; most learned ones
cannot, which is why a separable layer is a different (cheaper) layer, not a compression of Conv2D.
Like Keras, these are cross-correlations (the kernel is not flipped). NumPy only; no TensorFlow.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from dsconv.costs.arithmetic import LayerCost, layer_cost
from dsconv.safe_text import counted, power_of_ten

MAX_KERNEL_SIDE = 7  # bigger hand-typed kernels are hard to read and slow on a 2-core CPU
MAX_MIX_OUTPUTS = 8  # more output channels than fit on a page side by side
MAX_WEIGHT = 100  # a typed weight's size at most: pixels are 0-1 here, and past this float32 sums lose their digits
PADDINGS = ("same", "valid")

# A 3x3 kernel for each classic filter. Sobel x responds where brightness grows from left to right.
KERNELS: dict[str, np.ndarray] = {
    "Identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], np.float32),
    "Blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 16,
    "Sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], np.float32),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float32),
    "Emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], np.float32),
}
CUSTOM = "Custom (edit it)"
KERNEL_NOTES = {
    "Identity": "a single 1 in the centre: the channel comes out unchanged",
    "Blur": "a weighted average of the 3 x 3 neighbourhood (weights 1-2-1, summing to 1)",
    "Sharpen": "the pixel five times, minus its four neighbours: differences get stronger",
    "Sobel x": "right column minus left column: vertical edges (brightness changing from left to right)",
    "Sobel y": "bottom row minus top row: horizontal edges (brightness changing from top to bottom)",
    "Emboss": "one corner minus the opposite corner: a relief lit from the top left",
    "Laplacian": "the four neighbours minus four times the pixel: zero on flat areas, strong on fine detail",
    CUSTOM: "your own numbers",
}

CHANNELS = ("red", "green", "blue")
# Pointwise mixes, P[c, n]: how much of input channel c goes into output channel n.
MIXES: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {
    "Keep the channels": (np.eye(3, dtype=np.float32), ("red", "green", "blue")),
    "Grey (luma)": (np.array([[0.299], [0.587], [0.114]], np.float32), ("grey",)),  # ITU-R BT.601 weights
    "Opponent colours": (
        np.array([[1 / 3, 1 / 2, -1 / 4], [1 / 3, -1 / 2, -1 / 4], [1 / 3, 0, 1 / 2]], np.float32),
        ("light (R+G+B)/3", "red-green (R-G)/2", "blue-yellow (2B-R-G)/4"),
    ),
    "Swap red and blue": (np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]], np.float32), ("red", "green", "blue")),
}
CUSTOM_MIX = "Custom (type it)"


class FilterError(ValueError):
    """A kernel or mix that cannot be used, explained in one sentence that says what to change."""


QUOTED_ROW_CHARACTERS = 60  # a refused row is quoted up to this many characters (one of 3,000 filled the box)


def _quoted(row: str) -> str:
    return f"'{row}'" if len(row) <= QUOTED_ROW_CHARACTERS else f"'{row[:QUOTED_ROW_CHARACTERS]}...'"


# A minus sign as textbooks print it (U+2212) and as word processors write it (the en dash, U+2013) reads as "-";
# characters that take no room (a zero-width space from a web page) are dropped: "1\u200b 0 1" was "not a number" in a
# row that looked right.
_MINUS_SIGNS = {ord("\u2212"): "-", ord("\u2013"): "-"}
_INVISIBLE = {ord(char): None for char in "\u200b\u200c\u200d\u2060\ufeff"}


def _rows(text: str) -> list[str]:
    """The rows of a typed kernel or mix, as the parser and a grid's edit both read them, invisible characters dropped:
    separated by ';' or new lines, empty ones left out. (Read apart, a zero-width space between two numbers was an
    item to the grid's edit and none to the parser: an edit of that kernel raised IndexError.)"""
    return [row.strip() for row in re.split(r"[;\n]", text.translate(_INVISIBLE)) if row.strip()]


def _items(row: str) -> list[str]:
    """The numbers of a row as typed: separated by spaces or commas."""
    return [item for item in re.split(r"[,\s]+", row) if item]


SMALLEST_WEIGHT = float(np.finfo(np.float32).tiny)  # 1.2e-38: below it a float32 weight loses digits, then is 0


MAX_TEXT_CHARACTERS = 2000  # a 7 x 7 kernel of 13-character numbers is under 700; 30,000 digits froze the server


def _number_text(item: str) -> bool:
    """Whether `item` is a number as the page takes it: Python's float, but without digit groups ("1_0" was 10)."""
    try:
        float(item)
    except ValueError:
        return False
    return "_" not in item


def _parse_rows(text: str, what: str) -> list[list[float]]:
    if len(text) > MAX_TEXT_CHARACTERS:  # before any search: a row of 30,000 digits took 13 s, holding every session
        raise FilterError(f"The {what} is {len(text):,} characters long; a {what} needs far fewer (at most "
                          f"{MAX_TEXT_CHARACTERS:,}): type its numbers, rows separated by ';'.")
    rows = _rows(text)
    if not rows:
        raise FilterError(f"The {what} is empty; type numbers, rows separated by ';'.")
    parsed = []
    for row in rows:
        row = row.translate(_MINUS_SIGNS)  # kept as typed in a grid's edit (edited_text), read as "-" here
        decimal_comma = re.search(r"[-+]?\d+,\d+", row)
        if decimal_comma:  # "0,5": two numbers, or a half written the way much of the world writes it
            raise FilterError(f"The {what} has {_quoted(decimal_comma.group())} in the row {_quoted(row)}: write a "
                              "decimal with a decimal point (0.5), and separate numbers with spaces or a comma and a "
                              "space (1, 2).")
        bad = next((item for item in _items(row) if not _number_text(item)), None)
        if bad is not None:
            odd = next((char for char in bad if not char.isascii()), None)  # one that looks like a digit or sign
            named = f" (it holds the character {unicodedata.name(odd, repr(odd))})" if odd else ""
            raise FilterError(f"The {what} has {_quoted(bad)}, which is not a number{named}, in the row "
                              f"{_quoted(row)}; use numbers like 1, -2 or 0.25 separated by spaces.")
        items = _items(row)
        numbers = [float(item) for item in items]
        # "1e400" and 400 nines are numbers too large for a float, said as too large below ("an infinite or missing
        # number" was said of them); "inf" and "nan" as what they are
        if any(not np.isfinite(number) and ("inf" in item.lower() or "nan" in item.lower())
               for item, number in zip(items, numbers)):
            raise FilterError(f"The {what} has an infinite or missing number in the row {_quoted(row)}; use numbers "
                              "like 1, -2 or 0.25 (not inf or nan).")
        if any(abs(number) > MAX_WEIGHT for number in numbers):
            raise FilterError(f"The {what} has a number too large in the row {_quoted(row)}: use weights from "
                              f"-{MAX_WEIGHT} to {MAX_WEIGHT} (a pixel is 0 to 1 here; larger weights only push the "
                              "map past what can be shown).")
        tiny = next((number for number in numbers if 0 < abs(number) < SMALLEST_WEIGHT), None)
        if tiny is not None:  # 1e-300 became 0 without a word
            raise FilterError(f"The {what} has {tiny:g} in the row {_quoted(row)}: too small for the weights, which "
                              f"are float32 numbers (it would lose its digits or become 0). Type 0, or a weight of at "
                              f"least {SMALLEST_WEIGHT:.1e} in size.")
        parsed.append(numbers)
    return parsed


def parse_kernel(text: str) -> np.ndarray:
    """A square k x k kernel (1 <= k <= 7) from text: numbers separated by spaces, rows by ';' or new lines."""
    return np.array(_kernel_rows(text), np.float32)


def typed_grid(text: str) -> np.ndarray:
    """A kernel's numbers (as parse_kernel takes them) in float64, as typed: a grid shows them with their own digits
    (its "%g"); a float32 kernel's 0.1 is 0.10000000149 there."""
    return np.array(_kernel_rows(text), np.float64)


def _kernel_rows(text: str) -> list[list[float]]:
    """The rows of a square kernel's text, each number as Python reads it, or FilterError."""
    rows = _parse_rows(text, "kernel")
    side = len(rows)
    if side > MAX_KERNEL_SIDE:
        raise FilterError(f"The kernel has {side} rows; use at most {MAX_KERNEL_SIDE}.")
    if side == 1 and len(rows[0]) > 1:  # everything on one line: the rows' ';' forgotten
        count = len(rows[0])
        k = math.isqrt(count)
        if k * k == count and k <= MAX_KERNEL_SIDE:
            example = "; ".join([" ".join(["1"] * k)] * k)
            raise FilterError(f"This looks like a {k} x {k} kernel typed on one line: separate its rows with ';', like "
                              f"{example}.")
        raise FilterError(f"The kernel has one row of {count} numbers: a kernel is square, k rows of k numbers (at "
                          f"most {MAX_KERNEL_SIDE} x {MAX_KERNEL_SIDE}), rows separated by ';', like 1 2 1; 0 0 0; "
                          "-1 -2 -1.")
    for number, row in enumerate(rows, 1):
        if len(row) != side:
            raise FilterError(f"The kernel must be square: it has {side} rows, but row {number} has "
                              f"{counted(len(row), 'number')}. Give each of the {side} rows {side} numbers.")
    return rows


def parse_mix(text: str, in_channels: int = 3) -> np.ndarray:
    """A pointwise mix P (C, N) from text: one row per OUTPUT channel, each with C weights (R G B)."""
    rows = _parse_rows(text, "mix")
    if len(rows) > MAX_MIX_OUTPUTS:
        raise FilterError(f"The mix has {len(rows)} output rows; use at most {MAX_MIX_OUTPUTS}.")
    for number, row in enumerate(rows, 1):
        if len(row) != in_channels:
            raise FilterError(f"Row {number} of the mix has {counted(len(row), 'weight')}; each output channel needs "
                              f"{in_channels}, one per input channel (red, green, blue).")
    return np.array(rows, np.float32).T


def edited_text(text: str, before: np.ndarray, after: np.ndarray) -> str:
    """`text`, read as the matrix `before`, with the cells that differ in `after` (a grid's edit of it) written anew,
    each as the shortest decimal that reads back as the grid's number; every other number stays as typed. A grid
    edit rewrote every number with "%g", six digits: 0.1234567891 became 0.123457."""
    before = np.asarray(before, np.float64)
    return "; ".join(" ".join(item if after[i, j] == before[i, j] else _shortest(after[i, j])
                              for j, item in enumerate(_items(row))) for i, row in enumerate(_rows(text)))


def _shortest(value: float) -> str:
    """The shortest decimal that reads back as `value`, without a trailing ".0": 0.1234567891, 3, 1e-05."""
    written = repr(float(value))
    return written[:-2] if written.endswith(".0") else written


def depthwise_kernel(per_channel: list[np.ndarray]) -> np.ndarray:
    """Stack one k x k kernel per channel into D (k, k, C); every kernel must have the same size."""
    sides = {kernel.shape for kernel in per_channel}
    if len(sides) != 1:
        sizes = ", ".join(f"{k.shape[0]}x{k.shape[1]}" for k in per_channel)
        raise FilterError(f"A depthwise layer uses one kernel size for every channel; these are {sizes}. "
                          "Make the kernels the same size.")
    return np.stack(per_channel, axis=2).astype(np.float32)


def _pad_same(image: np.ndarray, kernel_h: int, kernel_w: int) -> np.ndarray:
    """Zero padding as TensorFlow's SAME at stride 1: total k-1, the extra row/column at the bottom/right."""
    top, left = (kernel_h - 1) // 2, (kernel_w - 1) // 2
    return np.pad(image, ((top, kernel_h - 1 - top), (left, kernel_w - 1 - left), (0, 0)))


def _check(image: np.ndarray, kernel: np.ndarray, padding: str) -> np.ndarray:
    if padding not in PADDINGS:
        raise FilterError(f"padding must be 'same' or 'valid'; got {padding!r}.")
    image = np.asarray(image, np.float32)
    if image.ndim != 3 or image.shape[2] != kernel.shape[2]:
        raise FilterError(f"The image has shape {image.shape}, but the kernel expects {kernel.shape[2]} channels.")
    if padding == "same":
        return _pad_same(image, kernel.shape[0], kernel.shape[1])
    if image.shape[0] < kernel.shape[0] or image.shape[1] < kernel.shape[1]:
        raise FilterError(f"A {kernel.shape[0]}x{kernel.shape[1]} kernel does not fit in a {image.shape[0]}x"
                          f"{image.shape[1]} image without padding; use padding 'same'.")
    return image


def depthwise_conv(image: np.ndarray, kernel: np.ndarray, padding: str = "same") -> np.ndarray:
    """out[y, x, c] = sum_ij in[y+i, x+j, c] * D[i, j, c]: each channel filtered on its own (stride 1)."""
    kernel = np.asarray(kernel, np.float32)
    planes = np.ascontiguousarray(_check(image, kernel, padding).transpose(2, 0, 1))  # (C, H, W): one plane each
    kernel_h, kernel_w, channels = kernel.shape
    out_h, out_w = planes.shape[1] - kernel_h + 1, planes.shape[2] - kernel_w + 1
    out = np.zeros((channels, out_h, out_w), np.float32)
    for c in range(channels):
        for i in range(kernel_h):
            for j in range(kernel_w):
                if kernel[i, j, c]:  # zero weights add nothing (Sobel has three, identity eight)
                    out[c] += kernel[i, j, c] * planes[c, i:i + out_h, j:j + out_w]
    return out.transpose(1, 2, 0)


def pointwise_conv(image: np.ndarray, mix: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """out[y, x, n] = sum_c in[y, x, c] * P[c, n] (+ b[n]): a 1 x 1 convolution mixes channels, pixel by pixel."""
    image, mix = np.asarray(image, np.float32), np.asarray(mix, np.float32)
    if mix.ndim != 2 or image.shape[-1] != mix.shape[0]:
        raise FilterError(f"The mix has shape {mix.shape}, but the image has {image.shape[-1]} channels.")
    out = image @ mix
    return out if bias is None else out + np.asarray(bias, np.float32)


def combined_kernel(depthwise: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """The standard kernel W (k, k, C, N) that does both steps at once: W[i, j, c, n] = D[i, j, c] * P[c, n].
    A product of two weights that is not 0 but too small for a float32 number is refused (too_small_products)."""
    depthwise, mix = np.asarray(depthwise, np.float32), np.asarray(mix, np.float32)
    if depthwise.shape[2] != mix.shape[0]:
        raise FilterError(f"The depthwise kernel has {depthwise.shape[2]} channels but the mix expects {mix.shape[0]}.")
    too_small_products(depthwise, mix)
    return depthwise[:, :, :, None] * mix[None, None, :, :]


def too_small_products(depthwise: np.ndarray, mix: np.ndarray) -> None:
    """Raise FilterError where a kernel weight and a mix weight, neither 0, multiply to less than a float32 number
    holds (SMALLEST_WEIGHT): 1e-30 by 1e-30 became 0 in W, and in the mixed maps, and the page blamed a weight of 0
    that was not there (float64, as tf.nn computes it there, gives maps of about 4e-60)."""
    for c in range(mix.shape[0]):
        weights = np.asarray(depthwise[..., c], np.float64).ravel()
        weights = weights[weights != 0]
        if not weights.size:
            continue
        smallest = float(weights[np.argmin(np.abs(weights))])  # with its sign: "-1e-30" was said as "1e-30"
        for n in range(mix.shape[1]):
            weight = float(mix[c, n])
            if weight and abs(smallest * weight) < SMALLEST_WEIGHT:
                channel = CHANNELS[c] if mix.shape[0] == len(CHANNELS) else f"channel {c + 1}"
                product = smallest * weight
                raise FilterError(f"The {channel} kernel's weight {smallest:.3g} and the mix's {weight:.3g} for output "
                                  f"{n + 1} multiply to {product:.1e}, too small for the float32 numbers the filters "
                                  f"compute with (at least {SMALLEST_WEIGHT:.1e} in size): it would lose its digits or "
                                  "become 0, in the maps too. Make one of them larger, or type 0.")


def standard_conv(image: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None,
                  padding: str = "same") -> np.ndarray:
    """out[y, x, n] = sum_ijc in[y+i, x+j, c] * W[i, j, c, n] (+ b[n]): one standard convolution (stride 1)."""
    kernel = np.asarray(kernel, np.float32)
    padded = _check(image, kernel, padding)
    kernel_h, kernel_w, _, out_channels = kernel.shape
    out_h, out_w = padded.shape[0] - kernel_h + 1, padded.shape[1] - kernel_w + 1
    out = np.zeros((out_h, out_w, out_channels), np.float32)
    for i in range(kernel_h):
        for j in range(kernel_w):
            out += padded[i:i + out_h, j:j + out_w, :] @ kernel[i, j]
    return out if bias is None else out + np.asarray(bias, np.float32)


@dataclass(frozen=True)
class HandMadeResult:
    """Both ways of filtering one picture, and what each way costs."""

    depthwise: np.ndarray  # (H, W, C): after step 1, each channel filtered on its own
    mixed: np.ndarray  # (H, W, N): after step 2, the pointwise mix
    standard: np.ndarray  # (H, W, N): the one standard convolution with W = D * P
    combined: np.ndarray  # W, (k, k, C, N)
    separable_cost: LayerCost  # depthwise then pointwise, no biases
    standard_cost: LayerCost  # the one standard convolution, no bias
    # The most float32 rounding can move one value of each depthwise map (C), and of each output by either way (N):
    # what tells a map of one value from one of values that differ (figures.filters.one_value)
    depthwise_rounding: tuple[float, ...] = ()
    mixed_rounding: tuple[float, ...] = ()

    @property
    def max_difference(self) -> float:
        """Largest absolute difference between the two ways (float32 rounding only)."""
        return float(np.max(np.abs(self.mixed - self.standard), initial=0.0))

    @property
    def rounding_bound(self) -> float:
        """The most float32 rounding can part the two ways, for pixel values from 0 to 1. Each way sums at most
        k*k*C products and C more (the depthwise outputs mixed), and no partial sum exceeds one output's sum of
        |weights|, S. Each float32 operation errs by at most u = 2**-24 of its result, so each way is within
        (k*k*C + C + 1) * u * S of the exact sum (Higham's bound, to first order), and the two within twice that.
        float32's spacing at S is at least u * S: the bound counts it whole, 2 (k*k*C + C + 1) spacing(S)."""
        kernel_h, kernel_w, channels, outputs = self.combined.shape
        largest = float(np.abs(self.combined).reshape(-1, outputs).sum(axis=0).max(initial=0.0))
        return 2 * sum_rounding(max(largest, 1.0), kernel_h * kernel_w * channels + channels + 1)


def sum_rounding(reach: float, terms: int) -> float:
    """The most float32 rounding can move a sum of `terms` products whose sizes add up to at most `reach` (the sum
    of |weight| x |pixel|): each operation errs by at most u = 2**-24 of a partial sum no larger than `reach`, so
    the sum is within terms * u * reach of the exact one (Higham's bound, to first order), counted here in whole
    float32 spacings at `reach` (each at least u * reach)."""
    return terms * float(np.spacing(np.float32(reach)))


GREY_LEVELS = 255  # an 8-bit picture's steps from black to white: the pixel values here run from 0 to 1


def difference_note(difference: float, bound: float, largest: float) -> str:
    """What the largest difference between the two ways means, in grey levels of an 8-bit picture: none, float32
    rounding (within `bound`, HandMadeResult.rounding_bound), too small to see under half a level, or more than
    rounding. `largest`: the largest output, in units of white, for the rounding that can be seen (weights of 100
    make sums of a million, where float32's 7 digits leave whole grey levels)."""
    levels = difference * GREY_LEVELS
    if levels == 0:  # a mix that keeps the channels adds nothing up: no rounding at all
        return "identical: no pixel differs"
    if difference > bound:
        return f"{levels:,.1f} grey levels: more than float32 rounding"
    if levels < 0.5:
        return f"{power_of_ten(levels)} of one grey level: float32 rounding, too small to see"
    return (f"{levels:,.1f} grey levels: float32 rounding all the same, on outputs up to {largest * GREY_LEVELS:,.0f} "
            "grey levels (float32 keeps about 7 digits)")


def filter_costs(height: int, width: int, kernel_side: int, in_channels: int, out_channels: int,
                 padding: str = "same") -> tuple[LayerCost, LayerCost]:
    """(separable, standard) costs without biases: params k*k*C + C*N versus k*k*C*N."""
    common = dict(height=height, width=width, in_channels=in_channels, out_channels=out_channels,
                  kernel_size=kernel_side, padding=padding, use_bias=False)
    return layer_cost("separable", **common), layer_cost("standard", **common)


MANY_OUTPUTS = 64  # the output channels of the first layer of the tutorial's models, for the one-output note


def saving_note(kernel_side: int, in_channels: int, out_channels: int, many: int = MANY_OUTPUTS) -> str | None:
    """Why the two-step way saves no weights here, or None where it does save (k*k*C + C*N < k*k*C*N).

    Chosen from the numbers: a saving with `many` outputs is claimed only where those numbers show one. With a
    1 x 1 kernel there is none at any N, since k*k*C + C*N = C + C*N > C*N; the note had claimed "195 weights would
    replace 192" there."""
    k, c, n = kernel_side, in_channels, out_channels
    separable, standard = (cost.params for cost in filter_costs(1, 1, k, c, n))
    if separable < standard:
        return None
    here = (f"With {counted(n, 'output channel')} the two-step way has "
            f"{'as many' if separable == standard else 'more'} "
            f"weights ({k}·{k}·{c} + {c}·{n} against {k}·{k}·{c}·{n})")
    many_separable, many_standard = (cost.params for cost in filter_costs(1, 1, k, c, many))
    if many_separable < many_standard:
        # the fewest outputs that save, counted: "the saving only appears with many outputs" stood where 2 save
        counts = ((outputs, *(cost.params for cost in filter_costs(1, 1, k, c, outputs)))
                  for outputs in range(n + 1, many + 1))
        first, first_separable, first_standard = next(count for count in counts if count[1] < count[2])
        return (f"{here}: the saving appears from {first} outputs on ({k}·{k}·{c} + {c}·{first} = "
                f"{first_separable:,} against {k}·{k}·{c}·{first} = {first_standard:,}) and grows with them. With "
                f"{many} outputs, as in the tutorial models' first layer, {k}·{k}·{c} + {c}·{many} = "
                f"{many_separable:,} weights would replace {k}·{k}·{c}·{many} = {many_standard:,}.")
    if k == 1:
        return (f"{here}, and with a 1 x 1 kernel there is no saving at any number of outputs: {c} + {c}·N is always "
                f"more than {c}·N (with {many} outputs, {many_separable:,} against {many_standard:,}). A 1 x 1 "
                "depthwise step only scales each channel, which the mix could do on its own.")
    # Reached only where `many` is small (k >= 2 and N >= 2 always save): a guard should MANY_OUTPUTS change.
    return (f"{here}, and there is no saving even with {counted(many, 'output')}: {k}·{k}·{c} + {c}·{many} = "
            f"{many_separable:,} against {k}·{k}·{c}·{many} = {many_standard:,}.")


def apply_hand_made(image: np.ndarray, depthwise: np.ndarray, mix: np.ndarray,
                    padding: str = "same") -> HandMadeResult:
    """Filter `image` (H, W, C floats) as depthwise-then-pointwise and as one standard convolution."""
    image = np.asarray(image, np.float32)
    combined = combined_kernel(depthwise, mix)  # first: it refuses weights whose products float32 cannot hold
    step1 = depthwise_conv(image, depthwise, padding)
    step2 = pointwise_conv(step1, mix)
    one_step = standard_conv(image, combined, padding=padding)
    separable, standard = filter_costs(image.shape[0], image.shape[1], depthwise.shape[0], image.shape[2],
                                       mix.shape[1], padding)
    # Each channel's largest pixel bounds its products; a depthwise map sums k*k of them, an output k*k*C + C + 1
    # (either way: HandMadeResult.rounding_bound)
    brightest = np.abs(image).reshape(-1, image.shape[2]).max(axis=0, initial=0.0)
    taps = depthwise.shape[0] * depthwise.shape[1]
    reach = np.abs(depthwise).reshape(taps, -1).sum(axis=0) * brightest  # (C,): a depthwise map's largest sum
    depthwise_rounding = tuple(sum_rounding(float(r), taps) for r in reach)
    mixed_reach = (np.abs(mix) * reach[:, None]).sum(axis=0)  # (N,)
    terms = taps * image.shape[2] + image.shape[2] + 1
    mixed_rounding = tuple(sum_rounding(float(r), terms) for r in mixed_reach)
    return HandMadeResult(step1, step2, one_step, combined, separable, standard, depthwise_rounding, mixed_rounding)
