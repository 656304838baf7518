"""The home page run by Streamlit's AppTest: the tutorial's numbers, the picture, the confusions, the links."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree

from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page

SVG = "{http://www.w3.org/2000/svg}"
PAGES = {
    "Parameter lab": "pages/1_Parameter_lab.py",
    "Sliding kernels": "pages/2_Sliding_kernels.py",
    "Training arena": "pages/3_Training_arena.py",
    "Filters on your image": "pages/4_Filters_on_your_image.py",
    "Speed lab": "pages/5_Speed_lab.py",
    "Real networks": "pages/7_Real_networks.py",
    "Quiz": "pages/6_Quiz.py",
}


def open_home() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert [e.value for e in at.exception] == []
    return at


def test_key_numbers_are_the_tutorials():
    metrics = {m.label: m.value for m in open_home().metric}
    # Counted by hand for 32x32x3 -> 64 filters, 3x3, "valid": the tutorial's figures.
    assert metrics["Conv2D params"] == f"{3 * 3 * 3 * 64 + 64:,}" == "1,792"
    assert metrics["SeparableConv2D params"] == f"{3 * 3 * 3 + 3 * 64 + 64}" == "283"
    assert metrics["Depthwise + 1x1 params"] == f"{3 * 3 * 3 + 3 + 3 * 64 + 64}" == "286"
    assert metrics["Depthwise + 1x1 against Conv2D"] == f"{1792 / 286:.1f}x" == "6.3x"


def test_it_says_which_layer_has_286_and_which_the_tutorials_models_use():
    """"The tutorial's own layer ... 286" beside the Parameter lab's tutorial models at 283 (their table's first
    separable row) read as two counts of one layer. Its hand-written layer has 286; the models it trains, 283."""
    said = " ".join(str(m.value) for m in open_home().markdown)
    assert "hand-written layer (a DepthwiseConv2D, then a 1x1 Conv2D: Depthwise + 1x1 above)" in said
    assert "depthwise step too: 286. The two models it trains use Keras's SeparableConv2D" in said
    assert "first separable layer has 283" in said  # the tutorial's table: conv 3->64, 1,792 and 283


def test_multiply_adds_are_shown_per_layer():
    at = open_home()
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["Conv2D params"] == f"{30 * 30 * 27 * 64:,} multiply-adds"
    assert deltas["SeparableConv2D params"] == f"{30 * 30 * 27 + 30 * 30 * 3 * 64:,} multiply-adds"
    # One layer, the pair, for both ratios: it read "Fewer params than Conv2D" without saying against which.
    pair = 30 * 30 * 27 + 30 * 30 * 3 * 64
    fewer = 30 * 30 * 27 * 64 / pair
    assert deltas["Depthwise + 1x1 against Conv2D"] == f"fewer params; {fewer:.1f}x fewer multiply-adds"


def test_the_picture_is_drawn_with_the_examples_shapes():
    at = open_home()
    assert not at.get("plotly_chart")  # drawn as SVG: the browser needs no Plotly for this page
    shown = [m.value for m in at.markdown if "<svg" in m.value]
    assert len(shown) == 1
    # two pictures, the wide one and the narrow one for a phone (the browser shows one, by the page's width)
    pictures = re.findall(r"<svg.*?</svg>", shown[0], flags=re.S)
    assert len(pictures) == 2
    for picture in pictures:
        texts = "".join("".join(text.itertext()) for text in ElementTree.fromstring(picture).iter(f"{SVG}text"))
        texts = texts.replace(" ", "")  # lines are broken in different places in the two
        for piece in ("input 32x32x3", "output 30x30x64", "30x30x3", "64 filters of 3x3x3",
                      "3 kernels of 3x3, one per channel", "64 filters of 1x1x3", "1,792 params", "27 params",
                      "256 params", "each channel filtered alone, then mixed · 283 params",
                      # a sum a student can check: 64 x 28 = 1,792 (it read "x 64 = 1,792" under 3x3x3: 1,728)
                      "64 x (27 weights + 1 bias)= 1,792 params", "64 x (3 weights + 1 bias)= 256 params"):
            assert piece.replace(" ", "") in texts, piece


def test_confusions_correct_the_tutorial():
    text = " ".join(m.value for m in open_home().markdown)
    assert "A channel is not a spatial dimension" in text
    assert "1 x 1 x C, and there are N of them" in text
    assert "283 or 286?" in text
    assert "6.3 times fewer" in text


def test_links_only_to_pages_that_exist():
    at = open_home()
    linked = {link.proto.label for link in at.main.get("page_link")}  # not the sidebar's navigation
    soon = " ".join(m.value for m in at.markdown if "coming soon" in m.value)
    for label, path in PAGES.items():
        if (ROOT / path).exists():
            assert label in linked
            assert label not in soon
        else:
            assert label not in linked
            assert f"**{label}** (coming soon)" in soon
    assert "Parameter lab" in linked  # this page exists in this repository


def test_confusions_quote_computed_counts_and_no_blanket_memory_claim():

    at = open_page("app.py", timeout=60)
    said = "\n".join(m.value for m in at.markdown)
    # 27 + 192 + 64 = 283 (Keras) and (27 + 3) + (192 + 64) = 286 (two layers); 1,792 / 286 = 6.27, / 283 = 6.33
    assert "**283 or 286?**" in said and "1,792 / 286 = 6.27; against Keras's layer it is 6.33 (1,792 / 283)" in said
    assert "so they are limited by memory" not in said and "The Speed lab measures which limit" in said


def test_each_count_sits_under_its_kernel_and_the_standard_kernel_shows_its_channels():
    from dsconv.costs import TUTORIAL_LAYER
    from dsconv.figures import idea_figure

    spec = json.loads(idea_figure(**TUTORIAL_LAYER).to_json())  # the layout the page draws as SVG
    notes = {a["text"]: a for a in spec["layout"]["annotations"] if "text" in a}

    def x_of(words: str) -> float:
        return next(a["x"] for text, a in notes.items() if words in text)

    # Standard row: input box at x 0-2.5, the kernel near x 6, the output box from x 9.8.
    assert 5 < x_of("1,792 params") < 8
    # Separable row: the three depthwise kernels near x 4.5, the 1x1 kernel near x 11, the output box from x 12.9.
    assert 3.5 < x_of("27 params") < 6 and 10 < x_of("256 params") < 12
    # The standard kernel is drawn as R, G and B slabs (3 faces each), not one orange cube.
    from dsconv.figures.style import CHANNEL_COLOURS

    kernel_faces = [shape for shape in spec["layout"]["shapes"] if shape.get("fillcolor") in CHANNEL_COLOURS
                    and 5.4 <= float(shape["path"].split()[1].split(",")[0]) <= 6.6
                    and float(shape["path"].split()[1].split(",")[1]) > 5]
    assert {shape["fillcolor"] for shape in kernel_faces} == set(CHANNEL_COLOURS[:3])


def test_it_claims_only_the_checks_that_are_made():
    """It said "Every count is computed by the app and checked against Keras": Keras gives parameter counts and
    output shapes, and no multiply-adds."""
    said = "\n".join(str(element.value) for element in open_home().markdown)
    assert "Every count is computed by the app and checked against Keras" not in said
    assert "parameter counts and output shapes are checked against Keras's own layers" in said
    assert "multiply-adds against each kernel's size times its output positions" in said
