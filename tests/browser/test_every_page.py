"""Open every page by its URL on a freshly started server, in headless Chromium: no exception element,
the page's title is shown, no serious accessibility violation (axe-core; other views: test_accessibility.py), and a
full-page screenshot is saved under artifacts/screenshots/."""

import pytest

from dsconv_ui.common import PAGES as APP_PAGES
from harness import (
    ROOT,
    SCREENSHOTS,
    full_screenshot,
    serious_accessibility_violations,
    streamlit_server,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

# A phrase each page shows in its own content (the navigation lists every label, so labels alone prove
# nothing). The pages come from the app's own list, so a new page without a phrase fails here.
PHRASES = {
    "app.py": "Depthwise separable convolutions",
    "pages/1_Parameter_lab.py": "Parameter lab",
    "pages/2_Sliding_kernels.py": "Sliding kernels",
    "pages/3_Training_arena.py": "Training arena",
    "pages/4_Filters_on_your_image.py": "Filters on your image",
    "pages/5_Speed_lab.py": "Speed lab",
    "pages/6_Quiz.py": "Check yourself",
    "pages/7_Real_networks.py": "where do its parameters and multiply-adds sit",
}
# Streamlit's URL path for a page file: its name without the leading number and ".py".
# The font of every text in a chart or drawing, and whether the app's own font is loaded (not only named).
CHART_FONTS = """() => ({
  families: [...new Set([...document.querySelectorAll('.js-plotly-plot text, [data-testid="stMain"] svg[role="img"] text')]
    .filter(t => t.textContent.trim()).map(t => getComputedStyle(t).fontFamily))],
  loaded: [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Source Sans' && f.status === 'loaded')})"""
PAGES = [("" if source == "app.py" else source.split("/")[-1].removesuffix(".py").split("_", 1)[1], source,
          PHRASES[source]) for source, _label, _icon in APP_PAGES]


@pytest.mark.parametrize("path, source, phrase", PAGES, ids=[p[1] for p in PAGES])
def test_page_opens_by_url_on_a_fresh_server(page, path, source, phrase):
    assert (ROOT / source).exists(), f"{source} is missing"
    (ROOT / "artifacts").mkdir(exist_ok=True)
    with streamlit_server() as url:
        page.goto(f"{url}/{path}")
        wait_until_idle(page)
        serious = serious_accessibility_violations(page)  # the first view, before the screenshot resizes the window
        assert serious == [], serious
        name = source.split("/")[-1].removesuffix(".py")
        full_screenshot(page, SCREENSHOTS / f"{name}.png")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stMain"]').get_by_text(phrase).first.is_visible()
        # Every chart writes in the app's font, whose widths the figures fit their numbers to: Plotly's own default is
        # Verdana on most machines, 28 % wider, and charts shown with theme=None used it.
        fonts = page.evaluate(CHART_FONTS)
        assert all(family.startswith('"Source Sans"') for family in fonts["families"]), fonts
        assert fonts["loaded"] or not fonts["families"], fonts
