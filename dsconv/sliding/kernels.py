"""Kernel presets for the Sliding kernels page: small weights a student can check by hand.

A preset is a 2-D k x k pattern (identity, box blur, Sobel edge, sharpen) or random weights from a
seed. `filter_bank` turns the pattern into the weights one layer needs; filters that read several
channels mix them with a "colour mix" (average, red minus green, ...), so every filter of a standard
convolution reads all of its channels, as real filters do.

What a preset becomes when the kernel size has no middle cell or only one cell:
- An even kernel (2 or 4) has no middle cell; its "centre" is the upper-left of the middle four,
  row and column (k - 1) // 2. That is the cell TensorFlow's "same" padding lines up with the
  output pixel (it pads one less at the top and left), so the identity still copies the picture.
- Size 1: identity, box blur and sharpen all become the single weight 1 (a 1x1 kernel has no
  neighbours to blur or subtract). Sobel becomes the single weight 0: one weight cannot measure a
  difference between neighbours, so the output is blank.
- Random weights are drawn uniformly from -1 to 1 and rounded to one decimal, for readable products.
"""

from __future__ import annotations

import math

import numpy as np

PRESETS = ("identity", "box_blur", "sobel", "sharpen", "random")
# Short, so the picker shows them in full in a quarter of a 1024 x 768 projector's page; what each does, in the notes.
PRESET_LABELS = {"identity": "Identity", "box_blur": "Box blur", "sobel": "Sobel edge", "sharpen": "Sharpen",
                 "random": "Random"}
PRESET_NOTES = {"identity": "copies the pixel under the kernel's centre", "box_blur": "the average of the window",
                "sobel": "the change from left to right", "sharpen": "the pixel against its neighbours",
                "random": "weights drawn from the seed"}
MAX_KERNEL_SIZE = 5  # a 5x5 kernel already has 25 weights per channel: the largest a student reads


def kernel_centre(size: int) -> int:
    """Row/column of a kernel's centre: (size - 1) // 2, the upper-left middle cell for even sizes."""
    return (size - 1) // 2


def _binomial_row(length: int) -> np.ndarray:
    """Pascal's triangle row with `length` entries: 1 | 1 1 | 1 2 1 | 1 3 3 1 | 1 4 6 4 1."""
    return np.array([math.comb(length - 1, i) for i in range(length)], dtype=np.float64)


def _sobel(size: int) -> np.ndarray:
    """Sobel of any size: outer(smoothing, derivative), smoothing = binomial(k), derivative = [-1, 1] * binomial(k-1).

    k = 3 gives the classic [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]; k = 5 the usual 5x5 Sobel.
    """
    if size == 1:
        return np.zeros((1, 1))
    derivative = np.convolve([-1.0, 1.0], _binomial_row(size - 1))
    return np.outer(_binomial_row(size), derivative)


def _sharpen(size: int) -> np.ndarray:
    """Pixel plus (pixel minus each direct neighbour): centre 1 + n, each of the n up/down/left/right neighbours -1."""
    kernel = np.zeros((size, size))
    centre = kernel_centre(size)
    neighbours = 0
    for d_row, d_col in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        row, col = centre + d_row, centre + d_col
        if 0 <= row < size and 0 <= col < size:
            kernel[row, col] = -1.0
            neighbours += 1
    kernel[centre, centre] = 1.0 + neighbours  # the weights sum to 1: flat areas keep their brightness
    return kernel


def spatial_kernel(preset: str, size: int, seed: int = 0) -> np.ndarray:
    """The k x k pattern of a preset (float64); random draws from U(-1, 1) rounded to 0.1 with the seed."""
    if preset not in PRESETS:
        raise ValueError(f"Unknown kernel preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_KERNEL_SIZE:
        raise ValueError(f"The kernel size must be a whole number from 1 to {MAX_KERNEL_SIZE}; got {size!r}.")
    if preset == "identity":
        kernel = np.zeros((size, size))
        kernel[kernel_centre(size), kernel_centre(size)] = 1.0
        return kernel
    if preset == "box_blur":
        return np.full((size, size), 1.0 / size**2)
    if preset == "sobel":
        return _sobel(size)
    if preset == "sharpen":
        return _sharpen(size)
    return random_weights((size, size), seed)


def random_weights(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Weights drawn uniformly from -1 to 1, rounded to one decimal (readable products), from a seed."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape).round(1)


def channel_mixes(channels: int) -> list[np.ndarray]:
    """How preset filters weigh their input channels: the average, then neighbour differences, then each channel alone.

    For RGB: average (brightness), R - G, G - B, R, G, B. One channel: just [1].
    """
    if channels < 1:
        raise ValueError(f"A filter must read at least one channel; got {channels}.")
    identity = np.eye(channels)
    if channels == 1:
        return [identity[0]]
    mixes = [np.full(channels, 1.0 / channels)]
    mixes += [identity[c] - identity[c + 1] for c in range(channels - 1)]
    mixes += [identity[c] for c in range(channels)]
    return mixes


def mix_names(channel_names: list[str]) -> list[str]:
    """The names of channel_mixes for these channels, in the same order: (R + G + B) / 3, (R − G), (G − B), R, G, B."""
    if len(channel_names) == 1:
        return [channel_names[0]]
    average = f"({' + '.join(channel_names)}) / {len(channel_names)}"
    differences = [f"({a} − {b})" for a, b in zip(channel_names, channel_names[1:])]
    return [average] + differences + list(channel_names)


def pattern_name(preset: str, size: int | None = None) -> str:
    """A preset's pattern as the filters' descriptions name it: its label, or at 1 x 1 the single weight it becomes
    (a Sobel edge of 1 x 1 was listed as an edge filter beside "every weight is 0")."""
    if size == 1 and preset != "random":
        return f"the weight {spatial_kernel(preset, 1)[0, 0]:g} (the {PRESET_LABELS[preset]} preset at 1 x 1)"
    return PRESET_LABELS[preset]


def size_one_note(preset: str) -> str:
    """What a non-random preset becomes at 1 x 1, in a sentence."""
    return (f"A 1 x 1 kernel has no neighbours: the {PRESET_LABELS[preset]} preset becomes the single weight "
            f"{spatial_kernel(preset, 1)[0, 0]:g}" + (", so its output is 0." if preset == "sobel" else
                                                      ", the pixel itself."))


def _turned(preset: str, quarter_turns: int, pattern: np.ndarray | None = None) -> str:
    """A pattern's name and its turn; "(the same: it is symmetric)" where turning the `pattern` changes nothing
    ("Box blur, turned 90°" described a filter identical to the unturned one, as if it differed)."""
    label = pattern_name(preset, None if pattern is None else pattern.shape[0])
    turns = quarter_turns % 4
    if turns == 0:
        return label
    if pattern is not None and pattern.shape == (1, 1):  # "the weight 1 ..., turned 90° (the same: it is symmetric)"
        return f"{label} again (a single weight has nothing to turn)"
    same = pattern is not None and np.array_equal(np.rot90(pattern, turns), pattern)
    # At an even size the identity's 1 is off the middle (no cell is): turned, it copies a neighbouring pixel.
    shifted = pattern is not None and not same and preset == "identity"
    return (f"{label}, turned {90 * turns}°" + (" (the same: it is symmetric)" if same else "")
            + (" (a copy shifted by one pixel: an even kernel has no middle cell)" if shifted else ""))


def filter_descriptions(preset: str, channel_names: list[str], count: int, size: int | None = None) -> list[str]:
    """What each filter of preset_filters is, in words: its pattern (and turn) times its colour mix.

    Filter n is the pattern turned n // M quarter turns, times the weights of mix n % M (M mixes), e.g.
    "Sobel edge × (R + G + B) / 3": each channel's slice is the Sobel pattern times 1/3. With the kernel's `size`, a
    turn that changes nothing says so.
    """
    if preset == "random":
        return ["random weights, drawn one by one from the seed"] * count
    pattern = None if size is None else spatial_kernel(preset, size)
    names = mix_names(channel_names)
    return [f"{_turned(preset, n // len(names), pattern)} × {names[n % len(names)]}"
            for n in range(count)]


def pointwise_descriptions(preset: str, channel_names: list[str], count: int) -> list[str]:
    """What each filter of pointwise_filters mixes: the colour mixes, with the sign flipped on each repeat."""
    if preset == "random":
        return ["random weights, drawn one by one from the seed"] * count
    names = mix_names(channel_names)
    return [("−" + names[n % len(names)] if (n // len(names)) % 2 else names[n % len(names)]) for n in range(count)]


def depthwise_descriptions(preset: str, depth_multiplier: int, size: int | None = None) -> list[str]:
    """What kernel copy j of depthwise_filters is: the pattern turned j quarter turns, the same in every channel
    (with the kernel's `size`, a turn that changes nothing says so)."""
    if preset == "random":
        return ["random weights, drawn one by one from the seed"] * depth_multiplier
    pattern = None if size is None else spatial_kernel(preset, size)
    return [_turned(preset, copy, pattern) for copy in range(depth_multiplier)]


def preset_filters(preset: str, size: int, channels: int, count: int, seed: int = 0) -> np.ndarray:
    """`count` filters of shape size x size x channels, stacked as (size, size, channels, count) like Keras.

    Preset: filter n = rot90(pattern, n // M) (x) mixes[n % M], M = number of colour mixes, so the
    first M filters share the pattern and differ in how they mix channels, later ones turn by 90 degrees.
    Random: every weight drawn independently from the seed.
    """
    if count < 1:
        raise ValueError(f"A layer needs at least one filter; got {count}.")
    if preset == "random":
        spatial_kernel(preset, size, seed)  # validates the size
        return random_weights((size, size, channels, count), seed)
    pattern = spatial_kernel(preset, size, seed)
    mixes = channel_mixes(channels)
    bank = np.empty((size, size, channels, count))
    for n in range(count):
        bank[:, :, :, n] = np.rot90(pattern, n // len(mixes))[:, :, None] * mixes[n % len(mixes)][None, None, :]
    return bank


def depthwise_filters(preset: str, size: int, channels: int, depth_multiplier: int, seed: int = 0) -> np.ndarray:
    """Depthwise kernels (size, size, channels, depth_multiplier): copy j is the pattern turned j x 90 degrees.

    Every channel gets the same pattern (so a symmetric preset gives identical copies); random draws all.
    Channel c with copy j writes output channel c * depth_multiplier + j, as Keras and tf.nn do.
    """
    if depth_multiplier < 1:
        raise ValueError(f"The depth multiplier must be at least 1; got {depth_multiplier}.")
    if preset == "random":
        spatial_kernel(preset, size, seed)
        return random_weights((size, size, channels, depth_multiplier), seed)
    pattern = spatial_kernel(preset, size, seed)
    bank = np.empty((size, size, channels, depth_multiplier))
    for copy in range(depth_multiplier):
        bank[:, :, :, copy] = np.rot90(pattern, copy)[:, :, None]
    return bank


def pointwise_filters(preset: str, channels: int, count: int, seed: int = 0) -> np.ndarray:
    """1 x 1 x channels x count kernels: colour mixes (sign flipped on each repeat) or random weights."""
    if count < 1:
        raise ValueError(f"A layer needs at least one filter; got {count}.")
    if preset == "random":
        return random_weights((1, 1, channels, count), seed + 1)  # +1: not the same numbers as the depthwise step
    if preset not in PRESETS:
        raise ValueError(f"Unknown kernel preset {preset!r}; choose one of: {', '.join(PRESETS)}.")
    mixes = channel_mixes(channels)
    bank = np.empty((1, 1, channels, count))
    for n in range(count):
        bank[0, 0, :, n] = mixes[n % len(mixes)] * (-1.0) ** (n // len(mixes))
    return bank


def grouped_filters(preset: str, size: int, channels: int, count: int, groups: int, seed: int = 0) -> np.ndarray:
    """Grouped kernels (size, size, channels // groups, count): each group's filters built like preset_filters.

    groups = 1 gives preset_filters exactly; groups = channels gives the depthwise_filters weights
    (with depth multiplier count // channels), so the two ends of the slider match the other modes.
    """
    if groups < 1 or channels % groups or count % groups:
        raise ValueError(f"groups={groups} must divide both the input channels ({channels}) and the filters ({count}).")
    per_group = count // groups
    if preset == "random":
        return preset_filters(preset, size, channels // groups, count, seed)
    one_group = preset_filters(preset, size, channels // groups, per_group, seed)
    return np.concatenate([one_group] * groups, axis=3)
