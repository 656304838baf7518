"""Small generated RGB pictures (0-255, uint8, H x W x 3) for the sliding-kernel animation and other pages.

Generated, not stored: any size works, from a 4 x 4 grid a student can read cell by cell to a
224 x 224 picture. Each sample makes a point: the gradient has a different pattern in each channel,
the checkerboard is all edges, the shape has one object on a plain background.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SAMPLES = ("gradient", "checkerboard", "shape")
SAMPLE_NAMES = {"gradient": "Colour gradient", "checkerboard": "Checkerboard", "shape": "Shape"}  # short, for pickers
SAMPLE_NOTES = {
    "gradient": "red grows to the right, green downwards, blue fades from the top left corner",
    "checkerboard": "orange and blue squares",
    "shape": "a yellow disc on dark blue",
}
SAMPLE_LABELS = {name: f"{SAMPLE_NAMES[name]} ({SAMPLE_NOTES[name]})" for name in SAMPLES}  # name and what it shows
MIN_SIZE = 2  # below 2 x 2 there is no pattern to see
MAX_SIZE = 1024  # large enough for any page; the animation itself stops at 16


def _check_size(size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"The picture size must be a whole number from {MIN_SIZE} to {MAX_SIZE} pixels; got {size!r}.")


def _ramp(size: int) -> np.ndarray:
    """0 .. 255 in `size` even steps (both ends included)."""
    return np.linspace(0.0, 255.0, size)


def gradient(size: int) -> np.ndarray:
    """Red rises left to right, green top to bottom, blue falls along the diagonal: three different channels."""
    _check_size(size)
    ramp = _ramp(size)
    red = np.tile(ramp, (size, 1))
    green = red.T
    blue = 255.0 - (red + green) / 2.0
    return np.rint(np.stack([red, green, blue], axis=2)).astype(np.uint8)


def checkerboard(size: int) -> np.ndarray:
    """Orange and blue squares, size // 4 pixels a side (at least 1): sharp edges in every channel."""
    _check_size(size)
    square = max(1, size // 4)
    rows, cols = np.indices((size, size)) // square
    dark = (rows + cols) % 2 == 1
    image = np.empty((size, size, 3), dtype=np.uint8)
    image[~dark] = (250, 160, 40)  # orange
    image[dark] = (30, 80, 200)  # blue
    return image


def shape(size: int) -> np.ndarray:
    """A yellow disc, radius 0.3 x size, on a dark blue background (pixel centres inside the circle are yellow)."""
    _check_size(size)
    centre = (size - 1) / 2.0
    rows, cols = np.indices((size, size))
    inside = (rows - centre) ** 2 + (cols - centre) ** 2 <= (0.3 * size + 0.25) ** 2
    image = np.empty((size, size, 3), dtype=np.uint8)
    image[~inside] = (20, 40, 110)
    image[inside] = (250, 220, 40)
    return image


def sample_image(name: str, size: int) -> np.ndarray:
    """The named sample as a size x size x 3 uint8 array."""
    builders = {"gradient": gradient, "checkerboard": checkerboard, "shape": shape}
    if name not in builders:
        raise ValueError(f"Unknown sample picture {name!r}; choose one of: {', '.join(SAMPLES)}.")
    return builders[name](size)


def shrink_to_square(image: Image.Image, size: int) -> np.ndarray:
    """Centre-crop a Pillow image to a square and shrink it to size x size (box filter: each pixel averages its area)."""
    _check_size(size)
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    square = image.convert("RGB").crop((left, top, left + side, top + side))
    return np.asarray(square.resize((size, size), Image.Resampling.BOX), dtype=np.uint8).copy()
