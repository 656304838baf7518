"""The figures' font and their estimate of how wide text is in it, against the font file Streamlit serves
(read by FreeType: tests/font_reference.py)."""

import pytest
from font_reference import FAMILY, mixed_px, text_px

from dsconv.figures.style import CHAR_EMS, FONT_FAMILY, OTHER_EM, text_em

# Texts the figures fit into cells and tiles: kernel numbers, map names, sums.
SAMPLES = ["-0.59", "0.11", "255", "−12.5", "Output 1", "from R, kernel 2", "R, k2", "Filter 3 (group 2)",
           "Σ = 1.25", "→ Output 4", "Step 12 of 512 · depthwise", "98 MiB", "59.2 G"]


def test_the_figures_font_is_the_one_streamlit_serves():
    assert FONT_FAMILY.split(",")[0].strip('"') == FAMILY


@pytest.mark.parametrize("char", sorted(CHAR_EMS))
def test_each_characters_width_is_the_fonts_rounded_up(char):
    real = text_px(char, 1.0)
    assert real <= CHAR_EMS[char] <= real + 0.011, (char, real, CHAR_EMS[char])


@pytest.mark.parametrize("text", SAMPLES)
def test_a_texts_width_is_never_underestimated_and_close(text):
    real, estimate = text_px(text, 100), 100 * text_em(text)
    assert real <= estimate <= 1.06 * real, (text, real, estimate)
    assert text_em(f"<i>{text}</i>") == text_em(text)  # Plotly's tags take no room


@pytest.mark.parametrize("text", ["<b>Step 391 of 512</b> · pointwise at output row 9, column 7",
                                  "9 products, sum <b>-1320</b>, + bias → Output 1", "Multiply-adds: <b>1,234,567</b>",
                                  "<b>R</b> ×", "<b>.:,;·</b>"])
def test_bold_runs_are_measured_bold_and_never_underestimated(text):
    real, estimate = mixed_px(text, 100), 100 * text_em(text)
    assert real <= estimate <= 1.15 * real, (text, real, estimate)
    assert text_em(text) > text_em(text.replace("<b>", "").replace("</b>", ""))


def test_an_unknown_character_counts_as_the_widest():
    assert text_em("@") == OTHER_EM and OTHER_EM >= max(CHAR_EMS.values())
    assert text_px("@", 1.0) <= OTHER_EM and text_px("—", 1.0) <= OTHER_EM
