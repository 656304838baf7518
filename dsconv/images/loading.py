"""Pictures ready for a convolution: shrunk, squared, as arrays; the sample scenes; CIFAR-10 test pictures.

Every picture from outside comes in through `dsconv.image_files.load_image` (size caps before decoding).
No TensorFlow and no Streamlit here; NumPy and Pillow only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from dsconv.image_files import ImageError, check_dimensions
from dsconv.safe_text import listed
from dsconv.training.data import CIFAR10_CLASSES, DataError, folder_path, read_cifar_batch

MODEL_SIDE = 32  # the CIFAR-10 models' input is 32 x 32 x 3


def center_square(image: Image.Image) -> Image.Image:
    """The largest centred square of the image (CIFAR-10 photos are square, with the object centred)."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def preview(image: Image.Image, smallest_side: int = 128, target: int = 256) -> Image.Image:
    """The picture as the page shows it: a small one (longest side under `smallest_side`) enlarged by a whole factor,
    up to about `target` pixels, with its pixels kept sharp and its proportions kept (a 100 x 30 upload was stretched
    to a square)."""
    longest = max(image.size)
    if longest >= smallest_side:
        return image
    factor = max(2, target // longest)
    return image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)


def to_model_input(image: Image.Image, side: int = MODEL_SIDE) -> np.ndarray:
    """The centred square shrunk (or enlarged) to side x side: uint8 array (side, side, 3), 0-255."""
    square = center_square(image.convert("RGB"))
    # Shrink in two steps when large: box down to about 4x the goal, then an antialiased resize.
    resized = square.resize((side, side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return np.asarray(resized, dtype=np.uint8).copy()


def model_input_words(image: Image.Image, side: int = MODEL_SIDE) -> str:
    """What to_model_input does to the picture's centred square, in words: "shrunk to 32 x 32", "enlarged to 32 x 32"
    or "already 32 x 32" (a 1 x 1 upload was said to be shrunk)."""
    square = min(image.size)
    return f"{'shrunk to' if square > side else 'enlarged to' if square < side else 'already'} {side} x {side}"


def to_float_array(image: Image.Image) -> np.ndarray:
    """Pixels as float32 (H, W, 3) in 0..1, ready for the NumPy filters."""
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


@dataclass(frozen=True)
class SampleScene:
    """A generated photo-like picture: its name and a sentence on why it is a good test for filters."""

    name: str
    why: str


SAMPLE_SCENES = (
    SampleScene("Sunset harbour", "soft gradients, a bright disc and hard horizontal edges"),
    SampleScene("Coloured shapes", "pure red, green and blue regions: channel mixes show clearly"),
    SampleScene("Stripes and rings", "edges in every direction: Sobel x and Sobel y differ plainly"),
)


def scene_image(name: str, width: int = 640, height: int = 480, seed: int = 0) -> Image.Image:
    """One of SAMPLE_SCENES drawn in NumPy at width x height (no files shipped, nothing downloaded)."""
    names = [scene.name for scene in SAMPLE_SCENES]
    if name not in names:
        raise ImageError(f"Unknown sample {name!r}; choose one of {', '.join(names)}.")
    check_dimensions(width, height)
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = xx / max(width - 1, 1), yy / max(height - 1, 1)
    rgb = np.zeros((height, width, 3), np.float32)
    if name == "Sunset harbour":
        horizon = 0.62
        sky = np.stack([0.98 - 0.3 * v, 0.55 + 0.25 * v, 0.35 + 0.45 * (1 - v)], axis=2)
        sea = np.stack([0.10 + 0.1 * v, 0.22 + 0.1 * v, 0.38 + 0.1 * v], axis=2)
        sea += 0.04 * np.sin(90 * v + 7 * np.sin(25 * u))[:, :, None]  # ripples
        rgb = np.where((v < horizon)[:, :, None], sky, sea)
        sun = ((u - 0.7) ** 2 * (width / height) ** 2 + (v - 0.45) ** 2) < 0.012
        rgb[sun & (v < horizon)] = (1.0, 0.9, 0.55)
        hull = (v > 0.55) & (v < 0.63) & (np.abs(u - 0.3) < 0.12 - (v - 0.55) * 0.6)
        mast = (np.abs(u - 0.3) < 0.004) & (v > 0.32) & (v <= 0.55)
        sail = (u > 0.305) & (u < 0.3 + (v - 0.32) * 0.45) & (v > 0.32) & (v < 0.54)
        rgb[hull] = (0.25, 0.12, 0.08)
        rgb[mast] = (0.2, 0.15, 0.1)
        rgb[sail] = (0.95, 0.95, 0.9)
    elif name == "Coloured shapes":
        rgb[:] = (0.92, 0.9, 0.85)
        rgb[(((u - 0.25) * width / height) ** 2 + (v - 0.35) ** 2) < 0.04] = (0.85, 0.1, 0.1)  # red disc
        rgb[(np.abs(u - 0.62) < 0.14) & (np.abs(v - 0.3) < 0.18)] = (0.1, 0.65, 0.2)  # green square
        rgb[(v > 0.55) & (v < 0.92) & (np.abs(u - 0.45) < (v - 0.55) * 0.6)] = (0.15, 0.25, 0.85)  # blue triangle
        rgb[(np.abs(u - 0.85) < 0.06) & (v > 0.55) & (v < 0.9)] = (0.95, 0.8, 0.1)  # yellow bar
    else:
        radius = np.hypot((u - 0.7) * width / height, v - 0.5)
        rings = 0.5 + 0.5 * np.sign(np.sin(radius * 40))
        stripes = 0.5 + 0.5 * np.sign(np.sin(u * 50))
        left = u < 0.4
        rgb = np.where(left[:, :, None], stripes[:, :, None] * (0.9, 0.85, 0.3),
                       rings[:, :, None] * (0.3, 0.6, 0.95))
    rgb = rgb + rng.normal(0, 0.012, rgb.shape)  # a little sensor noise, as in a real photo
    return Image.fromarray(np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8))


# --- CIFAR-10 test pictures, when this machine has them ------------------------------------------

CIFAR_DIR_VARIABLE = "DSCONV_CIFAR10_DIR"  # a folder holding cifar-10-batches-py/ (or that folder itself)


def cifar_test_batch_places() -> list[Path]:
    """Where a CIFAR-10 `test_batch` file is looked for, in order: in $DSCONV_CIFAR10_DIR (or its
    cifar-10-batches-py/), then in Keras's download cache."""
    places = []
    if os.environ.get(CIFAR_DIR_VARIABLE):
        folder = folder_path(os.environ[CIFAR_DIR_VARIABLE])
        places += [folder / "test_batch", folder / "cifar-10-batches-py" / "test_batch"]
    places.append(folder_path("~/.keras/datasets/cifar-10-batches-py/test_batch"))
    return places


def find_cifar_test_batch() -> Path | None:
    """The first CIFAR-10 `test_batch` file of cifar_test_batch_places(), or None."""
    for path in cifar_test_batch_places():
        try:
            if path.is_file():
                return path
        except (OSError, ValueError):  # a path the system refuses (too long, a NUL byte): nothing there
            continue
    return None


QUOTED_PATH_CHARACTERS = 300  # a path quoted in a sentence: a 5,000-character one made a message of 10,291


def _shortened(path: Path) -> str:
    """A path as a sentence quotes it: whole, or its start and its end around "..." when it is long."""
    text = str(path)
    half = QUOTED_PATH_CHARACTERS // 2
    return text if len(text) <= QUOTED_PATH_CHARACTERS else f"{text[:half]}...{text[-half:]}"


def no_cifar_test_batch() -> str:
    """What the page says when find_cifar_test_batch() found nothing: the places it looked, and what to do."""
    looked = listed([f"“{_shortened(path)}”" for path in cifar_test_batch_places()])
    lead = ("No CIFAR-10 test_batch file found" if os.environ.get(CIFAR_DIR_VARIABLE) else
            "No CIFAR-10 copy on this machine")
    return (f"{lead}: looked at {looked}. Set {CIFAR_DIR_VARIABLE} to the folder that holds cifar-10-batches-py/ (the "
            "unpacked cifar-10-python.tar.gz) and restart the app.")


def cifar_test_images(path: str | Path) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """(images uint8 (N, 32, 32, 3), labels, class names) from a CIFAR-10 `test_batch` file; ImageError if unusable.

    It is read as the training data is (dsconv.training.data.read_cifar_batch): no code runs, and every label is a class.
    """
    try:
        images, labels = read_cifar_batch(Path(path), len(CIFAR10_CLASSES))
    except DataError as exc:
        raise ImageError(f"{exc} Unpack cifar-10-python.tar.gz again, or point {CIFAR_DIR_VARIABLE} elsewhere.") from exc
    if not len(images):
        raise ImageError(f"{path} holds no pictures; unpack cifar-10-python.tar.gz again.")
    return images, labels, CIFAR10_CLASSES
