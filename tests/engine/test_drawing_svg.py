"""dsconv.figures.drawing_svg refuses what it does not draw, in a sentence, and keeps text as text. (That it draws the
idea picture where Plotly does is checked against plotly.js in tests/browser/test_drawing_svg_browser.py.)"""

import xml.etree.ElementTree as ElementTree

import plotly.graph_objects as go
import pytest

from dsconv.costs import TUTORIAL_LAYER
from dsconv.figures import DrawingError, drawing_svg, idea_figure, idea_layout

SVG = "{http://www.w3.org/2000/svg}"


def drawing(shapes=(), annotations=(), **layout) -> dict:
    return {"layout": {"height": 220, "margin": {"t": 10, "b": 10, "l": 0, "r": 0}, "xaxis": {"range": [0, 4]},
                       "yaxis": {"range": [0, 2]}, "shapes": list(shapes), "annotations": list(annotations), **layout}}


def test_the_idea_picture_is_well_formed_svg_with_every_label_and_its_accessible_name():
    figure = idea_figure(**TUTORIAL_LAYER)
    root = ElementTree.fromstring(drawing_svg(figure, 'Standard "and" separable <both>'))
    assert root.get("role") == "img" and root.get("aria-label") == 'Standard "and" separable <both>'
    assert root.find(f"{SVG}title").text == 'Standard "and" separable <both>'
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    for note in figure.layout.annotations:
        if note.text:
            assert note.text.replace("<br>", "").replace("<b>", "").replace("</b>", "") in texts
    assert len(list(root.iter(f"{SVG}path"))) == len(figure.layout.shapes)


def test_the_plain_layout_draws_as_the_validated_figure():
    """The home page draws idea_layout's plain dicts; the checks against plotly.js draw idea_figure: one picture."""
    for scale, narrow in ((1.0, False), (1.35, False), (1.0, True), (1.35, True)):
        assert drawing_svg({"layout": idea_layout(**TUTORIAL_LAYER, scale=scale, narrow=narrow)}, "x") == \
            drawing_svg(idea_figure(**TUTORIAL_LAYER, scale=scale, narrow=narrow), "x")


def test_one_data_unit_is_as_many_pixels_across_as_up():
    # 200 px of plotting height for 2 units: 100 px a unit, so 4 units across are 400 px; y grows upwards.
    svg = drawing_svg(drawing([{"type": "path", "path": "M 1,0 L 3,0 L 3,2 Z", "fillcolor": "red"}]), "a triangle")
    root = ElementTree.fromstring(svg)
    assert root.get("viewBox") == "0 0 400 220"
    assert root.find(f"{SVG}path").get("d") == "M 100.0,210.0 L 300.0,210.0 L 300.0,10.0 Z"


def test_text_stays_text():
    svg = drawing_svg(drawing(annotations=[{"x": 1, "y": 1, "text": "a &lt; b & <b>c</b>", "showarrow": False}]),
                      "text")
    text = ElementTree.fromstring(svg).find(f"{SVG}text")
    assert "".join(text.itertext()) == "a < b & c"
    assert [span.get("font-weight") for span in text.iter(f"{SVG}tspan")] == [None, "bold"]


@pytest.mark.parametrize("figure, refusal", [
    (go.Figure(go.Bar(x=[1], y=[1])), "this figure has traces"),
    (drawing([{"type": "rect", "x0": 0, "x1": 1, "y0": 0, "y1": 1}]), "only path shapes are drawn, not 'rect'"),
    (drawing([{"type": "path", "path": "M 0,0 C 1,1 2,2 3,3"}]), "uses more than M, L and Z"),
    (drawing(annotations=[{"x": 0, "y": 0, "text": "<script>x</script>", "showarrow": False}]),
     "a tag other than <b> and <br>"),
    ({"layout": {"shapes": []}}, "a drawing needs fixed x and y ranges"),
], ids=["traces", "rect", "curve", "script", "no-ranges"])
def test_what_it_does_not_draw_is_refused_in_a_sentence(figure, refusal):
    with pytest.raises(DrawingError, match=refusal.replace("(", r"\(").replace(")", r"\)")):
        drawing_svg(figure, "refused")
