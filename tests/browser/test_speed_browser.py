"""The Speed lab in headless Chromium: on every chart, at 1400 x 1000 and in projector mode, no two category labels
of an x axis overlap (the five timed kinds' names once ran into each other: "DepthwiseConv2D alone" was one line)."""

import pytest

from harness import streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser

OVERLAPS = """() => {
  const found = [];
  for (const axis of document.querySelectorAll('.js-plotly-plot .xaxislayer-above')) {
    const boxes = [...axis.querySelectorAll('.xtick text')].map(t => [t.textContent, t.getBoundingClientRect()])
      .filter(([text, r]) => text && r.width > 0).sort((a, b) => a[1].left - b[1].left);
    for (let i = 1; i < boxes.length; i++) {
      const [before, left] = boxes[i - 1], [after, right] = boxes[i];
      if (left.right > right.left + 1 && left.bottom > right.top && right.bottom > left.top) found.push([before, after]);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def url():
    with streamlit_server() as address:
        yield address


@pytest.mark.parametrize("viewport, query", [({"width": 1400, "height": 1000}, ""),
                                             ({"width": 1280, "height": 800}, "?present=1")], ids=["wide", "projector"])
def test_no_two_axis_labels_overlap(browser, url, viewport, query):
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(f"{url}/Speed_lab{query}")
        wait_until_idle(page)
        assert page.locator(".js-plotly-plot .xtick text").count() > 10
        assert page.evaluate(OVERLAPS) == []
    finally:
        page.close()


def test_a_table_wider_than_a_narrow_window_scrolls_inside_itself(browser, url):
    """At 900 px with the sidebar open, the timing table (11 columns) is wider than the page's column: it scrolls
    on its own, and the page does not move sideways under the reader (it once did)."""
    page = browser.new_page(viewport={"width": 900, "height": 900})
    try:
        page.goto(f"{url}/Speed_lab")
        wait_until_idle(page)
        widths = page.evaluate("""() => {
          const main = document.querySelector('[data-testid="stMain"]');
          const tables = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] table')];
          return {main: [main.scrollWidth, main.clientWidth], widest: Math.max(...tables.map(t => t.scrollWidth)),
                  shown: Math.max(...tables.map(t => t.clientWidth))};
        }""")
        assert widths["main"][0] <= widths["main"][1], widths  # the page itself has nothing to scroll sideways,
        assert widths["widest"] > widths["shown"], widths  # though a table is too wide: it scrolls on its own
    finally:
        page.close()
