"""How wide text is in the app's font, read by FreeType (through Pillow) from the font file Streamlit itself serves to
the browser: Source Sans, a variable font, at the regular (400) or bold (700) weight. Chromium draws the same advance
widths (a digit 0.497 em regular, 0.528 bold, measured in both). Tests check the figures' own width estimates, and that
what they fit into a cell fits, against this, never against the estimates themselves."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import streamlit

FAMILY = "Source Sans"  # the name Streamlit's style sheet gives the font below


@lru_cache(maxsize=2)
def _font(weight: int):
    from PIL import ImageFont

    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    files = sorted(media.glob("SourceSansVF-Upright*.woff2"))
    assert files, f"Streamlit's Source Sans font file is not under {media}"
    font = ImageFont.truetype(str(files[0]), 1000)
    font.set_variation_by_axes([weight])
    return font


def text_px(text: str, size_px: float, bold: bool = False) -> float:
    """The width of `text` (Plotly's tags left out) at `size_px`, in pixels."""
    return _font(700 if bold else 400).getlength(re.sub(r"<[^>]+>", "", text)) * size_px / 1000


def mixed_px(text: str, size_px: float) -> float:
    """The width of a text with bold runs (<b>...</b>, as Plotly writes them) at `size_px`: each run at its weight."""
    width, bold = 0.0, False
    for part in re.split(r"(<[^>]+>)", text):
        if part.lower() in ("<b>", "</b>"):
            bold = part.lower() == "<b>"
        elif not part.startswith("<"):
            width += text_px(part, size_px, bold=bold)
    return width
