"""Reading a student's picture file safely: the one gate every untrusted picture passes (uploads, data folders).

`load_image` accepts the bytes of an upload, a camera shot or a file in a data folder and returns an RGB
Pillow image with the EXIF orientation applied, or raises `ImageError` with a sentence that says what to
change. It checks the size the file's header claims BEFORE decoding any pixels, so a small file that claims
to be 100,000 x 100,000 pixels (a "decompression bomb") never fills the memory.
No TensorFlow and no Streamlit here; NumPy and Pillow only.
"""

from __future__ import annotations

import io
import re
import struct
import warnings

import numpy as np
from PIL import Image

from dsconv.safe_text import over_limit

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is larger than any phone camera's; beyond is suspicious
DISPLAY_MAX_SIDE = 1024  # hand-made filters and pictures: enough detail for a projector, fast in NumPy
MAX_ASPECT_RATIO = 25.0  # even a phone panorama is about 10:1; 1000:1 is a strip, not a picture
# Pillow plugins that are allowed to open a file: the common photo formats only (no EPS, which
# would run Ghostscript, and no exotic decoders). Cameras' MPO files open through the JPEG plugin.
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
FORMATS_SENTENCE = "a PNG, JPEG, WebP, BMP or GIF picture"
EXIF_ORIENTATION = 0x0112  # the EXIF tag that says how the camera was held


class ImageError(ValueError):
    """A picture that cannot be used, explained in one sentence that says what to change."""


def check_dimensions(width: int, height: int) -> None:
    """Raise ImageError for sizes the app refuses: no pixels, over MAX_PIXELS, or a strip of absurd shape."""
    if width < 1 or height < 1:
        raise ImageError(f"The picture claims to be {width} x {height} pixels, which has no pixels at all; "
                         "choose another file.")
    if width * height > MAX_PIXELS:
        megapixels = over_limit(width * height / 1e6, MAX_PIXELS / 1e6)  # 40.4, not "40" beside a limit of 40
        raise ImageError(f"The picture is {width:,} x {height:,} pixels ({megapixels} megapixels); "
                         f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels. Shrink it or choose a smaller photo.")
    ratio = max(width, height) / min(width, height)
    if ratio > MAX_ASPECT_RATIO:
        raise ImageError(f"The picture is {width:,} x {height:,} pixels, a strip {over_limit(ratio, MAX_ASPECT_RATIO)} "
                         "times longer than it is "
                         f"wide; pictures up to {MAX_ASPECT_RATIO:.0f}:1 are accepted. Crop it to a normal shape.")


# How each EXIF orientation is undone (the Orientation tag's values, as ImageOps.exif_transpose has them).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
PNG_WIDENED = {"L;2": 85, "L;4": 17}  # a PNG's 2- and 4-bit grey levels, as Pillow widens them to 8 bits
GREY_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")  # one number a pixel, wider than 8 bits
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
# Modes that Pillow shrinks as they are, without losing their values: all others are made one of these first
# (a palette or 1-bit picture would be shrunk by picking pixels, Pillow cannot shrink 16-bit greys, and shrinking
# colour and transparency apart rings at a see-through edge by up to 26 levels once laid over white).
SHRINKABLE_MODES = ("L", "RGB", "I", "F")


def _grey_levels(mode: str, low: float, high: float) -> tuple[float, float]:
    """Offset and factor that map the values of a wide grey picture, lowest `low` and highest `high`, onto 0..255.

    Floats, and integers outside 16-bit's 0..65535 (a signed 16-bit TIFF opens as "I" and went almost black, its
    negative half clipped to 0), are stretched from their lowest to their highest value; 16-bit greys are divided by
    257 (Pillow's own convert would clip at 255); integers that fit 8 bits are kept."""
    if mode == "F" or (mode == "I" and (low < 0 or high > 65535)):
        return (low, 255.0 / (high - low)) if high > low else (low, 0.0)
    if mode.startswith("I;16") or (mode == "I" and high > 255):
        return 0.0, 1 / 257
    return 0.0, 1.0


def _finite_floats(image: Image.Image) -> Image.Image:
    """A float picture whose NaN and infinite pixels are its lowest (NaN, -inf) or highest (+inf) finite value."""
    values = np.asarray(image, dtype=np.float32)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    return Image.fromarray(np.nan_to_num(values, nan=low, neginf=low, posinf=high), mode="F")


def _over_white(image: Image.Image) -> Image.Image:
    """A picture with transparency laid over white: an L picture for a grey one, RGB for any other. Pasting through
    its own opacity keeps one plane of white beside it; Image.alpha_composite would take three RGBA copies."""
    if image.mode in ("LA", "La"):
        grey, alpha = (image if image.mode == "LA" else image.convert("LA")).split()
        white = Image.new("L", image.size, 255)
        white.paste(grey, mask=alpha)
        return white
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    white = Image.new("RGB", image.size, (255, 255, 255))
    white.paste(rgba, mask=rgba)  # an RGBA mask pastes through its alpha
    return white


def _shrinkable(image: Image.Image) -> tuple[Image.Image, tuple[float, float] | None]:
    """`image` in a mode that SHRINKABLE_MODES holds (converted at full size only where it must be), and for a wide
    grey picture the levels that turn its values into 8 bits (from every pixel, before any shrinking)."""
    mode = image.mode
    if mode in GREY_MODES:
        see_through = image.info.get("transparency") if mode.startswith("I;16") else None  # a 16-bit PNG's tRNS
        if mode.startswith("I;16"):
            image = image.convert("I")  # the same numbers, in a mode Pillow can shrink and measure
        if mode == "F" and not all(np.isfinite(image.getextrema())):
            image = _finite_floats(image)
        levels = _grey_levels(mode, *image.getextrema())
        if isinstance(see_through, int):  # its see-through level came out black: laid over white, in 8 bits
            return _keyed_grey(image, levels, see_through), None
        return image, levels
    # one colour marked see-through (PNG's tRNS); a 1-bit picture's came out black (Pillow gives it as 0 or 255)
    if mode in ("1", "L", "RGB", "P") and "transparency" in image.info:
        return _over_white(image.convert("L").convert("LA") if mode in ("1", "L") else image), None
    if mode in SHRINKABLE_MODES:
        return image, None
    if mode in ALPHA_MODES:
        return _over_white(image), None
    return image.convert("L" if mode == "1" else "RGB"), None  # P, CMYK, YCbCr, LAB, HSV


def _to_rgb(image: Image.Image, levels: tuple[float, float] | None = None) -> Image.Image:
    """A picture from _shrinkable (shrunk or not) as 8-bit RGB, wide greys by their `levels`."""
    if image.mode in ("I", "F"):
        return Image.fromarray(np.repeat(_grey8(np.asarray(image), levels)[:, :, None], 3, axis=2))
    return image.convert("RGB") if image.mode != "RGB" else image


def _grey8(values: np.ndarray, levels: tuple[float, float] | None) -> np.ndarray:
    """A wide grey picture's values in 8 bits, by its `levels` (offset and factor; None: as they are)."""
    offset, factor = levels if levels is not None else (0.0, 1.0)
    return np.clip(np.rint((values.astype(np.float64) - offset) * factor), 0, 255).astype(np.uint8)


KEYED_BAND_PIXELS = 1 << 20  # _keyed_grey's band of rows: 8 MB as 64-bit floats


def _keyed_grey(image: Image.Image, levels: tuple[float, float], key: int) -> Image.Image:
    """A wide grey picture (mode I) with one see-through level `key` (a 16-bit PNG's tRNS) in 8 bits by its `levels`,
    that level white: a band of rows at a time. Laid over white at full size, its mask and values as whole 64-bit
    arrays took 1.1 GB for a 40-megapixel file of a few MB."""
    width, height = image.size
    keyed = Image.new("L", image.size)
    rows = max(1, KEYED_BAND_PIXELS // width)
    for top in range(0, height, rows):
        box = (0, top, width, min(height, top + rows))
        values = np.asarray(image.crop(box))
        keyed.paste(Image.fromarray(np.where(values == key, np.uint8(255), _grey8(values, levels))), box[:2])
    return keyed


def exif_orientation(image: Image.Image) -> int | None:
    """The EXIF orientation tag of an opened picture, or None where it has none or its EXIF cannot be read: EXIF is
    metadata beside the pixels, and a 4-byte eXIf chunk raised struct.error (a garbage one, "not a TIFF file"),
    while the pixels were sound. Such a picture is shown as stored."""
    try:
        orientation = image.getexif().get(EXIF_ORIENTATION)
    except (struct.error, SyntaxError, ValueError, OSError, EOFError, IndexError, KeyError, TypeError):
        return None
    return orientation if isinstance(orientation, int) else None


def load_image(data: bytes, *, max_side: int | None = None) -> Image.Image:
    """An RGB image from the bytes of a file, upright (EXIF), first frame only; ImageError if unusable.

    `result.info["original_size"]` is the upright width x height of the file before any shrinking.
    With `max_side`, the result is shrunk to fit max_side x max_side, and a JPEG is decoded at a
    reduced scale directly (Pillow's draft mode), which makes a 12-megapixel photo fast to open.
    """
    if not data:
        raise ImageError("The file is empty (0 bytes); choose a picture file.")
    Image.init()  # register every plugin first, or Pillow looks up WEBP, TIFF and MPO before they exist
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                # The header is read, no pixels yet: refuse bad sizes before decoding anything.
                check_dimensions(*image.size)
                original_size = image.size
                image.seek(0)  # an animated GIF or WebP: its first frame
                if max_side is not None and image.format in ("JPEG", "MPO"):
                    # Decode at 1/2, 1/4 or 1/8 scale; rotation may swap sides, so ask for both at least max_side.
                    image.draft("RGB", (max_side, max_side))
                # Pillow widens a 2- or 4-bit grey PNG's levels to 8 bits as it loads them, but not its see-through
                # level (tRNS): 1 of 3 became 85 and stayed grey where the file marks it see-through
                widened = PNG_WIDENED.get(image.tile[0][3]) if image.format == "PNG" and image.tile else None
                image.load()
                if widened and isinstance(image.info.get("transparency"), int):
                    image.info["transparency"] *= widened
                # Read after loading: Pillow turns a TIFF upright itself as it loads it (its size is the upright one
                # from the start), and drops the tag
                orientation = exif_orientation(image)
                if orientation in (5, 6, 7, 8):  # to be shown turned by 90 degrees
                    original_size = original_size[::-1]
                # Shrunk before it is turned upright and made RGB: a 40-megapixel picture with transparency or 16-bit
                # greys took 0.9-1.2 GB when each step copied it at full size.
                picture, levels = _shrinkable(image)
                if max_side is not None:
                    picture = fit_within(picture, max_side)
                turn = UPRIGHT.get(orientation)
                if turn is not None:
                    picture = picture.transpose(turn)
                rgb = _to_rgb(picture, levels)
                if rgb is image:
                    rgb = image.copy()  # detach from the closed file
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow's words: "Image size (N pixels) exceeds ..."
        size = f"{int(claimed.group(1)) / 1e6:,.0f} megapixels" if claimed else "far more pixels than any photo"
        raise ImageError(f"The picture's header claims {size}, more than the {MAX_PIXELS / 1e6:.0f}-megapixel "
                         "limit, so it is not opened (a file like this can fill the memory: a 'decompression "
                         "bomb'). Choose a smaller photo.") from exc
    except Image.UnidentifiedImageError as exc:
        raise ImageError(f"This file is not {FORMATS_SENTENCE} that can be read; choose a picture file.") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError) as exc:
        # Pillow's decoders report broken files with several exception types.
        if "MAX_TEXT_CHUNK" in str(exc) or "MAX_TEXT_MEMORY" in str(exc):  # a whole PNG with megabytes of text
            raise ImageError("The picture carries more text beside it (its metadata) than is read safely, so it is "
                             "not opened. Save it again without its metadata (any image editor's 'export' does) "
                             "or choose another file.") from exc
        raise ImageError(f"The picture file is damaged or cut short, so it cannot be read ({exc}). "
                         "Save it again or choose another file.") from exc
    rgb.info["original_size"] = original_size  # width x height of the file, upright, before any shrinking
    return rgb


def fit_within(image: Image.Image, max_side: int = DISPLAY_MAX_SIDE) -> Image.Image:
    """The image shrunk (never enlarged) so that neither side exceeds max_side, keeping its shape."""
    if max_side < 1:
        raise ImageError(f"max_side must be at least 1 pixel; got {max_side}.")
    width, height = image.size
    scale = max_side / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # reducing_gap: a fast box reduction first, then a good filter for the last step.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
