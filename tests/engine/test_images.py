"""load_image against good and bad files made here, and the shrinking helpers."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile, ImageOps

from dsconv.image_files import MAX_PIXELS, ImageError, check_dimensions, fit_within, load_image
from dsconv.images.loading import SAMPLE_SCENES, center_square, scene_image, to_float_array, to_model_input


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def solid(color, size=(16, 12), mode="RGB") -> Image.Image:
    return Image.new(mode, size, color)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height RGB pixels, with almost no pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


# --- files the app must refuse, each with a sentence --------------------------------------------


def test_zero_bytes_is_refused_with_a_sentence():
    with pytest.raises(ImageError, match="empty"):
        load_image(b"")


def test_a_text_file_is_not_an_image():
    with pytest.raises(ImageError, match="not a PNG, JPEG, WebP, BMP or GIF"):
        load_image(b"Dear class,\nplease bring a photo tomorrow.\n" * 20)


def test_truncated_jpeg_is_refused():
    rng = np.random.default_rng(1)
    data = encode(Image.fromarray(rng.integers(0, 256, (200, 300, 3), dtype=np.uint8)), "JPEG", quality=90)
    with pytest.raises(ImageError, match="damaged or cut short"):
        load_image(data[: len(data) // 2])


def test_truncated_png_is_refused():
    data = encode(Image.fromarray(np.random.default_rng(2).integers(0, 256, (64, 64, 3), dtype=np.uint8)), "PNG")
    with pytest.raises(ImageError):
        load_image(data[: len(data) - 200])


@pytest.mark.parametrize("width,height", [(8000, 8000), (100_000, 100_000), (70_000, 1_000)])
def test_a_header_claiming_too_many_pixels_is_refused_before_decoding(width, height, monkeypatch):
    data = png_claiming(width, height)
    assert len(data) < 200  # the bomb is tiny; decoding it would need gigabytes
    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or real_load(self))
    with pytest.raises(ImageError, match="megapixels|too large"):
        load_image(data)
    assert decoded == []  # refused from the header: no pixel was decoded


def test_the_crafted_header_really_claims_that_size():
    with Image.open(io.BytesIO(png_claiming(8000, 8000))) as image:
        assert image.size == (8000, 8000)
    assert 8000 * 8000 > MAX_PIXELS


def test_a_strip_of_10000_by_10_is_refused_as_an_absurd_shape():
    data = encode(solid((10, 20, 30), (10000, 10)), "PNG")
    with pytest.raises(ImageError, match="strip"):
        load_image(data)
    with pytest.raises(ImageError, match="The picture is 10,000 x 10 pixels"):  # written as the other sizes are
        load_image(data)


def test_other_formats_are_refused_even_if_pillow_reads_them():
    with pytest.raises(ImageError, match="not a PNG"):
        load_image(encode(solid((1, 2, 3)), "PPM"))


# --- files the app must accept ------------------------------------------------------------------


@pytest.mark.parametrize("width, height, said", [
    (7000, 5772, "(40.4 megapixels); the limit is 40 megapixels"),  # 40,404,000 pixels read "(40 megapixels)"
    (6325, 6325, "(40.01 megapixels)"),  # 40,005,625 pixels: one place still reads 40.0
    (1001, 40, "a strip 25.02 times longer than it is wide; pictures up to 25:1"),  # read "a strip 25 times"
    (40, 1012, "a strip 25.3 times longer")])
def test_a_refused_size_reads_over_the_limit_it_quotes(width, height, said):
    assert MAX_PIXELS == 40_000_000
    with pytest.raises(ImageError) as refused:
        check_dimensions(width, height)
    assert said in str(refused.value), str(refused.value)


def test_one_by_one_pixel_is_accepted_and_fills_the_model_input():
    image = load_image(encode(solid((200, 100, 50), (1, 1)), "PNG"))
    assert image.mode == "RGB" and image.size == (1, 1)
    model_input = to_model_input(image)
    assert model_input.shape == (32, 32, 3) and model_input.dtype == np.uint8
    assert np.all(model_input == (200, 100, 50))


def test_cmyk_jpeg_becomes_rgb_of_the_same_colour():
    cmyk = solid((0, 255, 255, 0), (32, 32), mode="CMYK")  # no cyan, full magenta and yellow: red
    image = load_image(encode(cmyk, "JPEG", quality=95))
    assert image.mode == "RGB"
    red, green, blue = np.asarray(image, dtype=int)[16, 16]
    assert red > 220 and green < 40 and blue < 40


def cielab_tiff(width: int, height: int, lab: tuple[float, float, float]) -> bytes:
    """An uncompressed 8-bit CIELab TIFF (photometric 8), written here from the TIFF 6.0 specification rather than by
    Pillow: L* stored as L* x 255 / 100, a* and b* as signed bytes. One colour in every pixel."""
    lightness, a_star, b_star = lab
    pixel = bytes((round(lightness * 255 / 100), round(a_star) & 0xFF, round(b_star) & 0xFF))
    data = pixel * (width * height)
    tags = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, "bits"), (259, 3, 1, 1), (262, 3, 1, 8),
            (273, 4, 1, "data"), (277, 3, 1, 3), (278, 3, 1, height), (279, 4, 1, len(data)), (284, 3, 1, 1)]
    bits_at = 8 + 2 + 12 * len(tags) + 4
    places = {"bits": bits_at, "data": bits_at + 6}
    entries = b"".join(struct.pack("<HHII", tag, kind, count, places[value]) if isinstance(value, str) else
                       struct.pack("<HHIHH", tag, kind, count, value, 0) if kind == 3 else
                       struct.pack("<HHII", tag, kind, count, value) for tag, kind, count, value in tags)
    return (b"II*\x00" + struct.pack("<IH", 8, len(tags)) + entries + struct.pack("<I", 0)
            + struct.pack("<HHH", 8, 8, 8) + data)


# sRGB's primaries in CIELab (D50, as ICC profiles and Photoshop write them), and the sRGB colour each must become.
LAB_PRIMARIES = {"red": ((54.3, 80.8, 69.9), (255, 0, 0)), "green": ((87.8, -79.3, 80.9), (0, 255, 0)),
                 "blue": ((29.6, 68.3, -112.0), (0, 0, 255)), "grey": ((53.6, 0.0, 0.0), (128, 128, 128))}


@pytest.mark.parametrize("name", sorted(LAB_PRIMARIES))
def test_a_cielab_tiff_keeps_its_colours(name):
    lab, expected = LAB_PRIMARIES[name]
    data = cielab_tiff(8, 6, lab)
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode == "LAB"  # really a Lab file, not read as RGB
    image = load_image(data)
    assert image.mode == "RGB" and image.size == (8, 6)
    np.testing.assert_allclose(np.asarray(image, dtype=int)[3, 4], expected, atol=24)


def test_16_bit_png_is_rescaled_not_clipped():
    ramp = np.tile(np.array([0, 16384, 32768, 65535], dtype=np.uint16), (4, 1))
    data = encode(Image.fromarray(ramp), "PNG")
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode.startswith("I")  # really a 16-bit file
    pixels = np.asarray(load_image(data), dtype=int)
    assert pixels.shape == (4, 4, 3)
    np.testing.assert_allclose(pixels[0, :, 0], [0, 64, 128, 255], atol=1)
    assert np.all(pixels[..., 0] == pixels[..., 2])  # grey stays grey


@pytest.mark.parametrize("low, high", [(-32768, 32767), (-5, 5), (0, 1_000_000)])
def test_signed_and_wide_integer_pictures_are_stretched_not_clipped(low, high):
    """A TIFF of signed integers (a signed 16-bit scan opens as Pillow's "I") loaded almost black: its values were
    divided by 257 as if they ran from 0 to 65,535, and the negative half clipped to 0. Integers below 0 or above
    65,535 are stretched from their lowest to their highest value, as floats are."""
    ramp = np.tile(np.linspace(low, high, 5).round().astype(np.int32), (5, 1))
    data = encode(Image.fromarray(ramp, mode="I"), "TIFF")
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode == "I" and np.asarray(raw).min() == low  # really signed or wide integers
    pixels = np.asarray(load_image(data), dtype=int)
    np.testing.assert_allclose(pixels[0, :, 0], (ramp[0] - low) / (high - low) * 255, atol=0.51)
    assert pixels[0, 0, 0] == 0 and pixels[0, -1, 0] == 255
    assert np.all(pixels[..., 0] == pixels[..., 1])


def test_animated_gif_gives_its_first_frame():
    frames = [solid((255, 0, 0), (20, 20)), solid((0, 0, 255), (20, 20))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.n_frames == 2
    red, green, blue = np.asarray(load_image(data), dtype=int)[10, 10]
    assert red > 200 and blue < 50


def test_exif_rotation_is_applied():
    stored = np.zeros((20, 40, 3), np.uint8)  # 40 wide, 20 high
    stored[:, :20] = (255, 0, 0)  # left half red
    stored[:, 20:] = (0, 0, 255)  # right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation 6: show the stored picture turned 90 degrees clockwise
    data = encode(Image.fromarray(stored), "JPEG", quality=95, exif=exif.tobytes())
    image = load_image(data)
    assert image.size == (20, 40)  # now 20 wide, 40 high
    assert image.info["original_size"] == (20, 40)
    pixels = np.asarray(image, dtype=int)
    assert pixels[5, 10, 0] > 200 and pixels[5, 10, 2] < 60  # turned clockwise: the left edge is on top
    assert pixels[35, 10, 2] > 200 and pixels[35, 10, 0] < 60


def _png_with_exif(exif: bytes) -> bytes:
    """A 4 x 4 PNG of one colour, (16, 32, 48), with `exif` as its eXIf chunk."""
    rows = b"".join(b"\x00" + bytes((16, 32, 48)) * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + png_chunk(b"eXIf", exif) + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))


@pytest.mark.parametrize("exif", [b"II*\x00", b"Exif\x00\x00II*\x00", b"\xff" * 30], ids=["short", "prefixed", "garbage"])
@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
@pytest.mark.parametrize("max_side", [None, 1024])
def test_a_picture_with_broken_exif_opens_as_stored(exif, fmt, max_side):
    """EXIF is metadata beside the pixels: a PNG whose eXIf chunk was 4 bytes (or a WebP's) raised struct.error,
    which no refusal caught (a traceback on the Filters and Sliding kernels pages, and the photo before it gone), and
    one of garbage was refused as a damaged picture, while a JPEG with the same EXIF opened. Broken EXIF now says
    nothing about turning the picture: it opens as stored."""
    data = _png_with_exif(exif) if fmt == "PNG" else encode(solid((16, 32, 48), (4, 4)), "WEBP", lossless=True,
                                                            exif=exif)
    image = load_image(data, max_side=max_side)
    assert image.size == (4, 4) and image.info["original_size"] == (4, 4)
    np.testing.assert_array_equal(np.asarray(image), np.full((4, 4, 3), (16, 32, 48), np.uint8))


def test_a_tiff_turned_by_its_exif_reports_its_upright_size():
    """Pillow turns a TIFF upright as it loads it (its size is the upright one from the start): the size the page
    reports as the file's was given turned once more, 30 x 20 for a picture shown 20 x 30."""
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(Image.fromarray(np.zeros((20, 30), np.float32)), "TIFF", exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as raw:
        upright = ImageOps.exif_transpose(raw)
        upright.load()
    image = load_image(data)
    assert image.size == upright.size == image.info["original_size"], (image.size, upright.size)


@pytest.mark.parametrize("mode,color", [("RGBA", (0, 0, 0, 0)), ("LA", (0, 0))])
def test_transparent_pixels_become_white(mode, color):
    image = load_image(encode(solid(color, (8, 8), mode=mode), "PNG"))
    assert image.mode == "RGB" and np.all(np.asarray(image) == 255)


@pytest.mark.parametrize("mode, key, kept", [("RGB", (0, 0, 0), (9, 90, 200)), ("L", 0, 90)])
@pytest.mark.parametrize("max_side", [None, 4])
def test_a_colour_keyed_transparency_becomes_white_too(mode, key, kept, max_side):
    """An RGB or grey PNG can mark one colour see-through (its tRNS chunk, as GIMP and ImageMagick write it): those
    pixels came out in their stored colour (black here), while a palette PNG's see-through pixels became white."""
    stored = solid(key, (8, 8), mode=mode)
    stored.paste(kept, (0, 0, 8, 4))  # the top half another colour, the bottom half the see-through one
    image = np.asarray(load_image(encode(stored, "PNG", transparency=key), max_side=max_side), dtype=int)
    near = 0 if max_side is None else 12  # the first and last rows; shrinking blends a few levels across the edge
    assert np.all(image[-1] >= 255 - near), image[-1, 0]
    np.testing.assert_allclose(image[0], np.broadcast_to(kept if mode == "RGB" else (kept,) * 3, image[0].shape),
                               atol=near)


def grey_png(width: int, rows: list[bytes], depth: int, see_through: int) -> bytes:
    """A grey PNG (colour type 0) of `depth` bits written here chunk by chunk, not by Pillow, with one level marked
    see-through (its tRNS chunk), its rows already packed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, len(rows), depth, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + row for row in rows))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"tRNS", struct.pack(">H", see_through))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


@pytest.mark.parametrize("max_side", [None, 4])
def test_a_one_bit_or_16_bit_grey_pngs_see_through_level_becomes_white(max_side):
    """A 1-bit or a 16-bit grey PNG with a see-through level (tRNS) came out black where it is see-through: only 8-bit
    greys, RGB and palettes had theirs laid over white. 16 x 8 pixels: the left half at the see-through level, the
    right half another."""
    near = 0 if max_side is None else 12  # shrinking blends a few levels across the edge

    def read(data: bytes) -> np.ndarray:
        image = np.asarray(load_image(data, max_side=max_side), dtype=int)
        assert image.shape[2] == 3 and np.all(image == image[..., :1])  # grey, as RGB
        return image[..., 0]

    # 16 bits: see-through 0 on the left, 51,400 (200 x 257, 200 in 8 bits) on the right
    wide = read(grey_png(16, [struct.pack(">16H", *[0] * 8, *[51_400] * 8)] * 8, 16, see_through=0))
    assert np.all(wide[:, 0] >= 255 - near) and np.all(np.abs(wide[:, -1] - 200) <= near), wide
    # 1 bit, black (0) see-through: all white; white (1) see-through: the black half stays black
    for key, left in ((0, 255), (1, 0)):
        bits = read(grey_png(16, [bytes([0x00, 0xFF])] * 8, 1, see_through=key))
        assert np.all(np.abs(bits[:, 0] - left) <= near) and np.all(bits[:, -1] >= 255 - near), (key, bits)


@pytest.mark.parametrize("depth, key, row", [(2, 1, bytes([0b01010101, 0b10101010])),
                                             (4, 5, bytes([0x55, 0x55, 0xAA, 0xAA]))])
def test_a_two_or_four_bit_grey_pngs_see_through_level_becomes_white(depth, key, row):
    """Pillow widens a 2- or 4-bit grey PNG's levels to 8 bits (1 of 3 to 85, 5 of 15 to 85) but not its see-through
    level: level 85 stayed grey where the file marks it see-through. 8 x 4 pixels: the first four at the see-through
    level (white), the last four at another (2 of 3 or 10 of 15: 170, as it is)."""
    image = np.asarray(load_image(grey_png(8, [row] * 4, depth, see_through=key)), dtype=int)
    assert np.all(image[:, :4] == 255) and np.all(image[:, 4:] == 170), image[0]


def test_palette_and_one_bit_images_become_rgb():
    palette = solid((0, 128, 0), (8, 8)).convert("P", palette=Image.Palette.ADAPTIVE)
    assert np.all(np.asarray(load_image(encode(palette, "PNG")))[0, 0] == (0, 128, 0))
    see_through = palette.copy()
    see_through.info["transparency"] = see_through.getpixel((0, 0))  # the only colour is transparent
    assert np.all(np.asarray(load_image(encode(see_through, "PNG"))) == 255)
    bits = Image.new("1", (8, 8), 1)
    assert np.all(np.asarray(load_image(encode(bits, "BMP"))) == 255)


# --- shrinking a large picture before it is made RGB -------------------------------------------

def smooth(width: int = 300, height: int = 200, phase: float = 0.0) -> np.ndarray:
    """Values from 0 to 1 that vary gently across a picture (nothing for a resampling filter to ring on)."""
    y, x = np.mgrid[0:height, 0:width]
    return (np.sin(x / 23.0 + phase) * np.cos(y / 17.0 - phase) + 1) / 2


def over_white(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Colours (0..255) with their opacity (0..1) laid over white."""
    return rgb * alpha[..., None] + 255 * (1 - alpha[..., None])


def picture_and_its_colours(kind: str) -> tuple[bytes, np.ndarray]:
    """A 300 x 200 file of one mode, and the RGB colours (0..255, full size) it stands for, worked out here."""
    grey, other = smooth(), smooth(phase=1.0)
    g8 = np.rint(grey * 255).astype(np.uint8)
    rgb8 = np.stack([g8, np.rint(other * 255).astype(np.uint8), 255 - g8], axis=2)
    alpha8 = np.rint(other * 255).astype(np.uint8)
    if kind == "L":
        return encode(Image.fromarray(g8), "PNG"), np.repeat(g8[..., None], 3, axis=2).astype(float)
    if kind == "LA":
        image = Image.merge("LA", [Image.fromarray(g8), Image.fromarray(alpha8)])
        return encode(image, "PNG"), over_white(np.repeat(g8[..., None], 3, axis=2), alpha8 / 255)
    if kind == "RGBA":
        return encode(Image.fromarray(np.dstack([rgb8, alpha8])), "PNG"), over_white(rgb8, alpha8 / 255)
    if kind in ("P", "P with transparency"):
        palette = Image.fromarray(rgb8).quantize(32)
        colours = np.asarray(palette.convert("RGB"), dtype=float)
        if kind == "P":
            return encode(palette, "PNG"), colours
        clear = int(np.asarray(palette)[100, 150])  # one of its colours is see-through
        return encode(palette, "PNG", transparency=clear), over_white(colours, np.asarray(palette) != clear)
    if kind == "1":
        bits = Image.fromarray(g8).convert("1")  # dithered: shrinking must average the dots, not pick some
        return encode(bits, "PNG"), np.repeat(np.asarray(bits, dtype=float)[..., None] * 255, 3, axis=2)
    if kind == "I;16":
        values = np.rint(grey * 65535).astype(np.uint16)
        return encode(Image.fromarray(values), "PNG"), np.repeat(values[..., None] / 257, 3, axis=2)
    if kind == "I (signed)":
        values = np.rint(grey * 600 - 300).astype(np.int32)
        stretched = (values - values.min()) / (values.max() - values.min()) * 255
        return encode(Image.fromarray(values, mode="I"), "TIFF"), np.repeat(stretched[..., None], 3, axis=2)
    if kind == "F":
        values = (grey * 3 - 1).astype(np.float32)
        stretched = (values - values.min()) / (values.max() - values.min()) * 255
        return encode(Image.fromarray(values, mode="F"), "TIFF"), np.repeat(stretched[..., None], 3, axis=2)
    if kind == "CMYK":
        cmyk = Image.fromarray(rgb8).convert("CMYK")
        return encode(cmyk, "TIFF"), np.asarray(cmyk.convert("RGB"), dtype=float)
    raise AssertionError(kind)


SHRINK_KINDS = ["L", "LA", "RGBA", "P", "P with transparency", "1", "I;16", "I (signed)", "F", "CMYK"]


@pytest.mark.parametrize("kind", SHRINK_KINDS)
def test_a_shrunk_picture_of_any_mode_shows_the_colours_of_the_whole(kind):
    """Shrinking happens before the picture is made RGB (for memory); what is shown must still be the whole picture
    made RGB and then shrunk: transparency over white, wide greys by the levels of every pixel, palettes and 1-bit
    dots averaged rather than picked."""
    data, colours = picture_and_its_colours(kind)
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.mode == kind.split(" ")[0]  # really a file of that mode
    image = load_image(data, max_side=50)
    assert image.mode == "RGB" and image.size == (50, 33) and image.info["original_size"] == (300, 200)
    expected = np.stack([np.asarray(Image.fromarray(colours[..., c].astype(np.float32), mode="F")
                                    .resize((50, 33), Image.Resampling.LANCZOS, reducing_gap=3.0))
                         for c in range(3)], axis=2)
    difference = np.abs(np.asarray(image, dtype=float) - np.clip(expected, 0, 255))
    assert difference.mean() < 1.0 and difference.max() <= 6, (difference.mean(), difference.max())


@pytest.mark.parametrize("max_side", [None, 60])
def test_a_float_picture_with_nan_and_infinities_is_stretched_over_its_finite_values(max_side):
    """A float TIFF holding NaN went wholly black with "invalid value" warnings: its lowest value was NaN. Now NaN
    and minus infinity show as its lowest finite value, plus infinity as its highest, the rest stretched between."""
    values = np.array([[np.nan, -1.0, 0.0, 1.0, 2.0, np.inf], [-np.inf, 2.0, 1.0, 0.0, -1.0, 0.5]], np.float32)
    data = encode(Image.fromarray(np.repeat(np.repeat(values, 20, axis=0), 20, axis=1), mode="F"), "TIFF")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = load_image(data, max_side=max_side)
    block = 20 if max_side is None else 10  # each value fills a square of 20 x 20 pixels, 10 x 10 once shrunk
    grey = np.asarray(image, dtype=int)[block // 2::block, block // 2::block, 0]
    np.testing.assert_allclose(grey, [[0, 0, 85, 170, 255, 255], [0, 255, 170, 85, 0, 128]], atol=2)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_shrunk_picture_is_turned_as_its_exif_says(orientation):
    """Turning upright now happens after shrinking, with the app's own table of the eight EXIF orientations: each
    must give what Pillow's exif_transpose gives."""
    stored = np.zeros((200, 300, 3), np.uint8)
    stored[:100, :150] = (255, 0, 0)
    stored[:100, 150:] = (0, 255, 0)
    stored[100:, :150] = (0, 0, 255)
    stored[100:, 150:] = (255, 255, 0)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(Image.fromarray(stored), "PNG", exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as raw:
        upright = ImageOps.exif_transpose(raw).convert("RGB")
    image = load_image(data, max_side=60)
    assert image.size == fit_within(upright, 60).size and image.info["original_size"] == upright.size
    difference = np.abs(np.asarray(image, dtype=int) - np.asarray(fit_within(upright, 60), dtype=int))
    assert difference.mean() < 0.5 and difference.max() <= 6  # shrunk across, then down, before or after turning


@pytest.mark.parametrize("kind", ["LA", "RGBA", "P with transparency", "I;16", "I (signed)", "F"])
def test_a_large_picture_is_shrunk_before_it_is_made_rgb(kind, monkeypatch):
    """A 40-megapixel picture with transparency or wide greys took 0.9-1.2 GB: it was turned upright, laid over
    white and made RGB at full size, each step a copy, before being shrunk to 1,024 pixels. Now every such step
    meets the shrunk picture (the figures: `python -m dsconv.bench images --modes`)."""
    data, _ = picture_and_its_colours(kind)
    exif = Image.Exif()
    exif[0x0112] = 6
    with Image.open(io.BytesIO(data)) as raw:
        raw.load()
        data = encode(raw, "PNG" if raw.mode != "F" and raw.mode != "I" else "TIFF", exif=exif.tobytes())
    sizes = []
    real_composite, real_transpose, real_fromarray = Image.alpha_composite, Image.Image.transpose, Image.fromarray
    monkeypatch.setattr(Image, "alpha_composite", lambda a, b: sizes.append(a.size) or real_composite(a, b))
    monkeypatch.setattr(Image.Image, "transpose", lambda self, how: sizes.append(self.size) or real_transpose(self, how))
    monkeypatch.setattr(Image, "fromarray", lambda array, *a, **k: sizes.append(array.shape[1::-1])
                        or real_fromarray(array, *a, **k))
    image = load_image(data, max_side=30)
    assert image.size == (20, 30)  # turned upright
    assert sizes and max(max(size) for size in sizes) <= 30, sizes


@pytest.mark.parametrize("fmt", ["WEBP", "BMP", "PNG", "JPEG"])
def test_common_formats_open(fmt):
    image = load_image(encode(solid((30, 60, 90), (24, 18)), fmt, **({"lossless": True} if fmt == "WEBP" else {})))
    assert image.size == (24, 18)
    assert np.allclose(np.asarray(image, dtype=int)[9, 12], (30, 60, 90), atol=4)


# --- shrinking ----------------------------------------------------------------------------------


def test_max_side_shrinks_a_large_jpeg_keeping_its_shape():
    rng = np.random.default_rng(3)
    data = encode(Image.fromarray(rng.integers(0, 256, (1500, 2000, 3), dtype=np.uint8)), "JPEG")
    image = load_image(data, max_side=1024)
    assert image.size == (1024, 768)
    assert image.info["original_size"] == (2000, 1500)


def test_fit_within_never_enlarges():
    small = solid((1, 2, 3), (100, 50))
    assert fit_within(small, 1024).size == (100, 50)
    assert fit_within(solid((1, 2, 3), (3000, 1000)), 300).size == (300, 100)


def test_model_input_uses_the_centred_square():
    pixels = np.zeros((30, 60, 3), np.uint8)
    pixels[:, 15:45] = 255  # the central 30 x 30 square is white, the sides black
    image = Image.fromarray(pixels)
    assert center_square(image).size == (30, 30)
    assert np.all(to_model_input(image) == 255)


def test_float_array_is_zero_to_one():
    array = to_float_array(solid((255, 0, 51), (4, 3)))
    assert array.shape == (3, 4, 3) and array.dtype == np.float32
    np.testing.assert_allclose(array[0, 0], (1.0, 0.0, 0.2), atol=1e-6)


@pytest.mark.parametrize("name", [scene.name for scene in SAMPLE_SCENES])
def test_sample_scenes_are_varied_rgb_pictures(name):
    image = scene_image(name, 160, 120)
    pixels = np.asarray(image, dtype=float)
    assert image.size == (160, 120) and image.mode == "RGB"
    assert pixels.std() > 30  # not a blank picture
    assert load_image(encode(image, "PNG")).size == (160, 120)


def test_unknown_sample_is_refused():
    with pytest.raises(ImageError, match="Unknown sample"):
        scene_image("Moon landing")


def test_cifar_test_batch_is_read_plane_by_plane(tmp_path, monkeypatch):
    import pickle

    from dsconv.images.loading import CIFAR_DIR_VARIABLE, cifar_test_images, find_cifar_test_batch

    rows = np.zeros((2, 3072), np.uint8)
    rows[0, :1024] = 255  # picture 0: the red plane full, so a red picture
    rows[1, 2048:] = 200  # picture 1: blue
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    with open(folder / "test_batch", "wb") as handle:
        pickle.dump({b"data": rows, b"labels": [3, 8]}, handle)
    monkeypatch.setenv(CIFAR_DIR_VARIABLE, str(tmp_path))
    path = find_cifar_test_batch()
    assert path == folder / "test_batch"
    pictures, labels, names = cifar_test_images(path)
    assert pictures.shape == (2, 32, 32, 3) and labels.tolist() == [3, 8]
    assert pictures[0, 5, 7].tolist() == [255, 0, 0] and pictures[1, 31, 0].tolist() == [0, 0, 200]
    assert names[3] == "cat" and names[8] == "ship"


def test_a_small_picture_is_enlarged_with_its_proportions_kept():
    """A 100 x 30 upload was shown as a square ("resize((256, 256))"), captioned 100 x 30 pixels."""
    from PIL import Image

    from dsconv.images import preview

    wide = Image.new("RGB", (100, 30), "red")
    assert preview(wide).size == (200, 60)
    assert preview(Image.new("RGB", (32, 32))).size == (256, 256)  # a CIFAR-10 picture, pixels kept sharp
    assert preview(Image.new("RGB", (1, 1))).size == (256, 256)
    large = Image.new("RGB", (640, 100))
    assert preview(large) is large


def test_a_png_with_megabytes_of_text_is_told_so_not_called_damaged():
    """A whole PNG with a 50 MB compressed text chunk was "damaged or cut short ... (Decompressed data too large for
    PngImagePlugin.MAX_TEXT_CHUNK)": the cause is its metadata, in Pillow's words."""
    picture = encode(solid((200, 30, 30)), "PNG")
    text = png_chunk(b"zTXt", b"note\x00\x00" + zlib.compress(b"a" * 50_000_000))
    with_text = picture[:33] + text + picture[33:]  # after the signature and IHDR
    with pytest.raises(ImageError, match=r"carries more text beside it \(its metadata\) than is read safely"):
        load_image(with_text)


def test_a_large_16_bit_grey_png_with_a_see_through_level_is_read_in_bands():
    """A 16-bit grey PNG with a see-through level was laid over white at full size, its mask and its 8-bit values as
    whole 64-bit arrays: a 40-megapixel file of a few MB took 1.1 GB. NumPy's arrays are counted by tracemalloc
    (Pillow's own pixels are not): they now stay a band of rows at a time."""
    import tracemalloc

    width, height = 4000, 2500  # 10 megapixels: 80 MB for one 64-bit array of them
    row = np.repeat(np.array([0, 51_400], dtype=">u2"), width // 2)  # see-through on the left, 200 in 8 bits right
    data = grey_png(width, [row.tobytes()] * height, 16, see_through=0)
    tracemalloc.start()
    try:
        image = load_image(data, max_side=100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30e6, f"{peak / 1e6:.0f} MB"
    shown = np.asarray(image, dtype=int)
    assert image.size == (100, 62) and shown[:, 0].min() == 255 and np.all(np.abs(shown[:, -1] - 200) <= 1)
