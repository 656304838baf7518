"""The home page's idea picture is drawn as SVG (dsconv.figures.drawing_svg) from its Plotly layout. The reference is
Plotly itself: plotly.js (shipped with the plotly package) draws the same figure in Chromium at the same size, and every
label and every shape must land where Plotly puts them. And the home page, opened by its link, draws the picture and
never loads Plotly's 4.6 MB script."""

import json
from pathlib import Path

import plotly
import pytest

from dsconv.costs import TUTORIAL_LAYER
from dsconv.figures import drawing_svg, idea_figure
from harness import wait_until_idle

pytestmark = pytest.mark.browser

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
BOXES = """(root) => {
  const box = e => { const r = e.getBoundingClientRect(), o = root.getBoundingClientRect();
                     return [r.left - o.left, r.top - o.top, r.width, r.height]; };
  return {texts: [...root.querySelectorAll(%s)].map(e => [e.textContent, box(e)]),
          paths: [...root.querySelectorAll(%s)].map(box)};
}"""


def centre(box):
    left, top, width, height = box
    return left + width / 2, top + height / 2


@pytest.mark.parametrize("scale, narrow", [(1.0, False), (1.35, False), (1.0, True)],
                         ids=["wide", "projector", "phone"])
def test_every_label_and_shape_lands_where_plotly_draws_it(browser, scale, narrow):
    figure = idea_figure(**TUTORIAL_LAYER, scale=scale, narrow=narrow)
    svg = drawing_svg(figure, "the idea")
    width = float(svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.set_content(f'<div id="plotly" style="width:{width}px"></div><div id="svg">{svg}</div>')
        page.add_script_tag(path=str(PLOTLY_JS))
        spec = json.loads(figure.to_json())
        spec["layout"]["width"] = width  # Plotly draws at exactly the SVG's size: one data unit, as many pixels
        page.evaluate("spec => Plotly.newPlot('plotly', spec.data, spec.layout, {staticPlot: true})", spec)
        plotly_drawn = page.locator("#plotly").evaluate(BOXES % ("'.annotation-text'", "'.shapelayer path'"))
        ours = page.locator("#svg svg").evaluate(BOXES % ("':scope > text'", "':scope > path'"))
    finally:
        page.close()
    assert len(ours["paths"]) == len(plotly_drawn["paths"]) == len(figure.layout.shapes) > 30
    for mine, theirs in zip(ours["paths"], plotly_drawn["paths"]):
        assert mine == pytest.approx(theirs, abs=1.5), (mine, theirs)
    # Both draw an annotation's lines as one text element, in the layout's order (Plotly keeps an empty one for an
    # arrow without words).
    theirs = [(text, box) for text, box in plotly_drawn["texts"] if text.strip()]
    assert len(ours["texts"]) == len(theirs) == sum(1 for note in figure.layout.annotations if note.text) > 10
    for (text, box), (their_text, their_box) in zip(ours["texts"], theirs):
        assert text == their_text
        (x, y), (px, py) = centre(box), centre(their_box)
        assert abs(x - px) <= 3 and abs(y - py) <= 4 * scale, (text, (x, y), (px, py))


def test_the_home_page_draws_the_picture_without_loading_plotly(page, shared_server):
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    url = shared_server
    page.goto(url)
    wait_until_idle(page)
    picture = page.locator('svg[role="img"]:visible')  # the wide one (the narrow one is for a page under 600 px)
    assert picture.count() == 1 and page.locator('svg[role="img"]').count() == 2
    assert picture.locator("path").count() > 30 and "283 params" in picture.text_content()
    assert picture.bounding_box()["width"] > 600
    assert scripts and not [url for url in scripts if "Plotly" in url], [url for url in scripts if "Plotly" in url]


# Each drawn text's size as shown (its font size times the picture's shrink), and the pairs of texts that overlap.
SHOWN_TEXT = """(svg) => {
  const shrink = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const boxes = [...svg.querySelectorAll('text')].map(text => [text.textContent, text.getBoundingClientRect()]);
  const overlaps = [];
  boxes.forEach(([one, a], i) => boxes.slice(i + 1).forEach(([other, b]) => {
    const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    if (across > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) overlaps.push([one, other]);
  }));
  const outside = boxes.filter(([, box]) => box.left < svg.getBoundingClientRect().left - 1
    || box.right > svg.getBoundingClientRect().right + 1).map(([text]) => text);
  return {px: parseFloat(svg.getAttribute('font-size')) * shrink, overlaps, outside};
}"""


@pytest.mark.parametrize("width", [390, 1024])  # 1400: the test above
def test_the_idea_pictures_text_is_readable_on_a_phone(browser, shared_server, width):
    """On a phone the idea picture, 802 px wide, shrank to the 356 px page with its 16 px text: 7 px, unreadable.
    A page under 600 px now shows the narrow picture (its separable row turns down after the depthwise step), whose
    text is 12 px there; no two of its texts overlap, and none runs past its edge."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(shared_server)
        wait_until_idle(page)
        picture = page.locator('svg[role="img"]:visible')
        assert picture.count() == 1
        shown = picture.evaluate(SHOWN_TEXT)
    finally:
        page.close()
    assert shown["px"] >= 11.5 and shown["overlaps"] == [] and shown["outside"] == [], shown
