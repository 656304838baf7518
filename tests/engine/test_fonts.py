"""The figures' font and their estimate of how wide text is in it, against the font file Streamlit serves
(read by FreeType: tests/font_reference.py)."""

import pytest
from font_reference import FAMILY, mixed_px, text_px

from dsconv.figures.style import BOLD_CHAR_EMS, CHAR_EMS, FONT_FAMILY, OTHER_EM, fit_lines, text_em, top_title

# Texts the figures fit into cells and tiles: kernel numbers, map names, sums.
SAMPLES = ["-0.59", "0.11", "255", "−12.5", "Output 1", "from R, kernel 2", "R, k2", "Filter 3 (group 2)",
           "Σ = 1.25", "→ Output 4", "Step 12 of 512 · depthwise", "98 MiB", "59.2 G"]


def test_the_figures_font_is_the_one_streamlit_serves():
    assert FONT_FAMILY.split(",")[0].strip('"') == FAMILY


@pytest.mark.parametrize("char", sorted(CHAR_EMS))
def test_each_characters_width_is_the_fonts_rounded_up(char):
    real = text_px(char, 1.0)
    assert real <= CHAR_EMS[char] <= real + 0.011, (char, real, CHAR_EMS[char])


@pytest.mark.parametrize("char", sorted(CHAR_EMS))
def test_each_characters_bold_width_is_the_fonts_rounded_up(char):
    real = text_px(char, 1.0, bold=True)
    assert char in BOLD_CHAR_EMS and real <= BOLD_CHAR_EMS[char] <= real + 0.011, (char, real, BOLD_CHAR_EMS.get(char))


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
    assert real <= estimate <= 1.03 * real, (text, real, estimate)
    assert text_em(text) > text_em(text.replace("<b>", "").replace("</b>", ""))


def test_an_unknown_character_counts_as_the_widest():
    assert text_em("@") == OTHER_EM and OTHER_EM >= max(*CHAR_EMS.values(), *BOLD_CHAR_EMS.values())
    assert text_px("@", 1.0, bold=True) <= OTHER_EM
    assert text_px("@", 1.0) <= OTHER_EM and text_px("—", 1.0) <= OTHER_EM


@pytest.mark.parametrize("title, width_px", [
    ("Roofline of AMD EPYC, 2 cores: each timed step and its roofs", 450),
    ("Roofline of Intel(R) Xeon(R) Processor @ 2.20GHz, 2 cores: each timed step under its roofs", 450),
    ("SeparableConv2D against Conv2D, forward: 7.9x fewer multiply-adds, 2.7x faster", 450),
    ("Parameter ratio for C = 1024 input channels, depth multiplier 8", 320),
    ("32 of 64 maps, 32 x 32, after block1_conv1", 260)])
def test_a_figures_title_fits_it_as_streamlit_draws_it_bold(title, width_px):
    """Streamlit's chart theme draws a figure's title bold (<b>...</b>), 5-7 % wider than the regular weight the
    titles were fitted for: at 800 x 600 the roofline's first line, fitted to its 447 px figure, was 446 px wide from
    4 px in, and cut. Each line of the title, bold, fits the figure less 20 px."""
    layout, _ = top_title(title, width_px, 14, 12)
    size = layout["font"]["size"]
    for line in layout["text"].split("<br>"):
        assert text_px(line, size, bold=True) <= width_px - 20, (line, text_px(line, size, bold=True))
    assert fit_lines(title, width_px - 20, size, bold=True) == layout["text"]
