"""A generated data set for quick, offline training: ten classes of coloured shapes, NumPy only.

Each class is a shape (disc, square, triangle, horizontal bar, vertical bar) in a colour family (warm
or cool), so telling classes apart needs both colour and shape, and the two bars differ only by
orientation. Position, size, exact colour, background and pixel noise vary per image. The same seed
always gives the same images. A small CNN learns it in a few epochs (see `python -m dsconv.bench synthetic`).
"""

from __future__ import annotations

import numpy as np

from dsconv.training.dataset import IMAGE_SIZE, Dataset

SHAPES = ("disc", "square", "triangle", "horizontal bar", "vertical bar")
COLOURS = ("warm", "cool")
CLASS_NAMES = tuple(f"{colour} {shape}" for colour in COLOURS for shape in SHAPES)
DEFAULT_TRAIN = 5000  # enough for a few quick epochs; generating it takes about a second
DEFAULT_TEST = 1000  # 100 per class

# Hue ranges (degrees) of each colour family: warm = red to yellow, cool = cyan to blue.
_HUES = {"warm": (-20.0, 55.0), "cool": (175.0, 245.0)}


def _hsv_to_rgb(hue: float, saturation: float, value: float) -> np.ndarray:
    """RGB in 0-255 for a hue in degrees, saturation and value in 0-1 (the usual hexcone formula)."""
    hue = hue % 360.0
    chroma = value * saturation
    second = chroma * (1 - abs((hue / 60.0) % 2 - 1))
    sector = int(hue // 60)
    rgb = [(chroma, second, 0), (second, chroma, 0), (0, chroma, second),
           (0, second, chroma), (second, 0, chroma), (chroma, 0, second)][sector]
    return (np.asarray(rgb) + (value - chroma)) * 255.0


def _mask(shape: str, rows: np.ndarray, cols: np.ndarray, size: float) -> np.ndarray:
    """Boolean mask of one shape centred at (0, 0) on the offset grids rows/cols, `size` its half-width."""
    if shape == "disc":
        return rows**2 + cols**2 <= size**2
    if shape == "square":
        half = size * 0.85
        return (np.abs(rows) <= half) & (np.abs(cols) <= half)
    if shape == "triangle":  # apex up: the row range narrows to a point at the top
        return (rows <= size * 0.8) & (rows >= -size) & (np.abs(cols) <= (rows + size) * 0.6)
    if shape == "horizontal bar":
        return (np.abs(rows) <= size * 0.3) & (np.abs(cols) <= size * 1.2)
    return (np.abs(cols) <= size * 0.3) & (np.abs(rows) <= size * 1.2)  # vertical bar


def synthetic_images(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` images (uint8, count x 32 x 32 x 3) with balanced labels 0-9 in a seeded order."""
    if count < 1:
        raise ValueError(f"Ask for at least one synthetic image; got {count}.")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % len(CLASS_NAMES))
    grid_rows, grid_cols = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float32)
    images = np.empty((count, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
    for index, label in enumerate(labels):
        colour, shape = COLOURS[label // len(SHAPES)], SHAPES[label % len(SHAPES)]
        background = rng.uniform(20, 120) + rng.uniform(-15, 15, size=3)  # a dull, slightly tinted grey
        canvas = np.broadcast_to(background, (IMAGE_SIZE, IMAGE_SIZE, 3)).copy()
        size = rng.uniform(6.0, 10.0)
        centre_row, centre_col = rng.uniform(11, 21, size=2)
        mask = _mask(shape, grid_rows - centre_row, grid_cols - centre_col, size)
        low, high = _HUES[colour]
        canvas[mask] = _hsv_to_rgb(rng.uniform(low, high), rng.uniform(0.6, 1.0), rng.uniform(0.7, 1.0))
        canvas += rng.normal(0, 10, size=canvas.shape)  # sensor-like noise
        images[index] = np.clip(canvas, 0, 255).astype(np.uint8)
    return images, labels.astype(np.int64)


def synthetic_dataset(train_size: int | None = None, test_size: int | None = None, seed: int = 0) -> Dataset:
    """The synthetic data set: train and test images drawn independently from the same seed."""
    x_train, y_train = synthetic_images(train_size or DEFAULT_TRAIN, seed)
    x_test, y_test = synthetic_images(test_size or DEFAULT_TEST, seed + 1_000_003)  # another stream, same recipe
    return Dataset(x_train, y_train, x_test, y_test, CLASS_NAMES, "synthetic")
