"""The Speed lab in headless Chromium: on every chart, at 1400 x 1000 and in projector mode, no two category labels
of an x axis overlap (the five timed kinds' names once ran into each other: "DepthwiseConv2D alone" was one line)."""

import pytest

from harness import OVERLAPPING_FIGURE_TEXT, on_views, wait_until_idle

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
def url(shared_server):
    return shared_server


@on_views(("Speed_lab", {"width": 1400, "height": 1000}), ("Speed_lab?present=1", {"width": 1280, "height": 800}))
def test_no_two_axis_labels_overlap(view):
    assert view.locator(".js-plotly-plot .xtick text").count() > 10
    assert view.evaluate(OVERLAPS) == []


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


def overlapping_texts(browser, tmp_path, figure, width: int) -> list:
    """The pairs of texts of `figure` drawn on one another, drawn `width` px wide by Plotly's own script in Chromium
    (a measurement takes the page several seconds)."""
    page = drawn(browser, tmp_path, figure, width)
    try:
        assert page.locator(".js-plotly-plot .bartext").count() >= 5
        return page.evaluate(OVERLAPPING_FIGURE_TEXT)
    finally:
        page.close()


def drawn(browser, tmp_path, figure, width: int):
    """A page with `figure` drawn `width` px wide by Plotly's own script, in the app's font (Streamlit's Source Sans,
    whose widths the figures' layouts count with; a wider font would fail them where the app does not)."""
    from pathlib import Path

    import plotly
    import plotly.io as pio
    import streamlit

    script = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    font = next((Path(streamlit.__file__).parent / "static" / "static" / "media").glob("SourceSansVF-Upright*"))
    face = (f"<style>@font-face {{font-family: 'Source Sans'; src: url('{font.as_uri()}') format('woff2'); "
            "font-weight: 200 900;}</style>")
    html = pio.to_html(figure, include_plotlyjs=False, full_html=True, default_width=f"{width}px")
    (tmp_path / "figure.html").write_text(html.replace("<head>", f"<head>{face}<script src='{script.as_uri()}'>"
                                                                 "</script>"))
    page = browser.new_page(viewport={"width": width + 20, "height": 900})
    page.goto((tmp_path / "figure.html").as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.fonts.check('12px \"Source Sans\"')")
    return page


# A point's label's text through which the roof line passes (sampled every 2 px along the line)
LABEL_ON_ROOF = """() => { const gd = document.querySelector('.js-plotly-plot');
  const roof = gd.querySelector('.scatterlayer .trace path.js-line'), m = roof.getScreenCTM(), points = [];
  for (let s = 0; s < roof.getTotalLength(); s += 2) {
    const p = roof.getPointAtLength(s); points.push([m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]); }
  return [...gd.querySelectorAll('.textpoint text')].filter(t => t.textContent.trim()).filter(t => {
    const b = t.getBoundingClientRect();
    return points.some(([x, y]) => x > b.left + 1 && x < b.right - 1 && y > b.top + 2 && y < b.bottom - 2);
  }).map(t => t.textContent); }"""


@pytest.mark.parametrize("recorded, number, scale, width", [  # each of them failed on the fixed places
    ("tutorial_layers", 0, 1.0, 900), ("tutorial_layers", 5, 1.35, 760), ("default", 0, 1.35, 760)])
def test_the_rooflines_labels_keep_clear_of_the_roofs_and_of_one_another(browser, tmp_path, recorded, number, scale,
                                                                          width):
    """The points' names stood at fixed places beside them: "SeparableConv2D" across the bandwidth roof and away from
    its own point, "1x1 Conv2D alone" on "Depthwise + 1x1", Conv2D's name on "peak 213 GFLOP/s". Each takes the first
    clear place, or none (the legend names every point). The bundled CPU recording, as the page shows it."""
    from dsconv import ASSETS
    from dsconv.figures.speed import roofline_figure
    from dsconv.speed import classify_all, read_measurements, recorded_roofs

    data = read_measurements(ASSETS / "speed" / "cpu.json")
    timings = data["sets"][recorded]["timings"]
    setup = list(dict.fromkeys(t.setup for t in timings))[number]
    steps = classify_all([t for t in timings if t.setup == setup], recorded_roofs(data["meta"]))
    page = drawn(browser, tmp_path, roofline_figure(steps, recorded_roofs(data["meta"]), "a CPU", scale, width), width)
    try:
        assert page.locator(".textpoint text").count() >= 2  # named on the plot: not a check of nothing
        assert page.evaluate(OVERLAPPING_FIGURE_TEXT) == []
        assert page.evaluate(LABEL_ON_ROOF) == []
    finally:
        page.close()


@pytest.mark.parametrize("width", [356, 420, 500])
def test_a_measured_layers_work_per_byte_keeps_its_texts_apart_on_a_phone(browser, tmp_path, width):
    """After Measure, "Work per byte moved" has a second panel, achieved GFLOP/s; on a phone its axis title stood on
    the first panel's bar label ("15.9") and on "ridge point 7.1". The panel's title names the unit: the axis title is
    left out there."""
    from dsconv.costs.intensity import compare_traffic
    from dsconv.figures.speed import intensity_figure
    from dsconv.speed import LayerSetup, Timing
    from dsconv.speed.roofline import Roofs

    setup = LayerSetup()
    traffic = compare_traffic(("standard", "separable", "depthwise_pointwise"), **vars(setup))
    timings = [Timing(kind, "forward", setup, (ms,) * 3) for kind, ms in (
        ("standard", 3.2), ("separable", 1.2), ("depthwise_pointwise", 1.2), ("depthwise", 0.7), ("pointwise", 0.85))]
    figure = intensity_figure(traffic, timings, 1.0, Roofs(213.0, 29.9, 0.32, 0.35), width)
    assert len(figure.data) == 3  # both panels, and the ridge line's name in the legend
    assert overlapping_texts(browser, tmp_path, figure, width) == []


@pytest.mark.parametrize("kernel, ridge, width", [(7, 11.5, 900), (9, 20.0, 1018), (5, 7.1, 356), (1, 3.0, 356)])
def test_the_ridge_lines_name_and_the_bars_numbers_stay_apart(browser, tmp_path, kernel, ridge, width):
    """The ridge line's name stood over the shortest bar: with a 7x7 kernel and a ridge of 11.5 FLOPs per byte, the
    depthwise step's 12.2 rises just past the line, and "ridge point 11.5" covered its number (on the bundled
    recording's 7.1, a 5x5 kernel's 6.2). The name is in the legend now. And a 1x1 kernel's depthwise step (0.2)
    stood below the axis, its number on the names under it."""
    import dataclasses

    from dsconv.costs.intensity import compare_traffic
    from dsconv.figures.speed import intensity_figure
    from dsconv.speed import LayerSetup
    from dsconv.speed.roofline import Roofs

    setup = dataclasses.replace(LayerSetup(), kernel_size=kernel)
    traffic = compare_traffic(("standard", "separable", "depthwise_pointwise"), **vars(setup))
    figure = intensity_figure(traffic, (), 1.35 if width == 1018 else 1.0, Roofs(ridge * 20, 20.0, 0.3, 0.3), width)
    assert overlapping_texts(browser, tmp_path, figure, width) == []
