"""Open every page by its URL on a freshly started server, in headless Chromium: no exception element,
the page's title is shown, and a full-page screenshot is saved under artifacts/screenshots/."""

import pytest

from harness import ROOT, SCREENSHOTS, full_screenshot, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser

# URL path (Streamlit derives it from the file name) and a phrase each page shows.
PAGES = [
    ("", "app.py", "Depthwise separable convolutions"),
    ("Parameter_lab", "pages/1_Parameter_lab.py", "Parameter lab"),
    ("Sliding_kernels", "pages/2_Sliding_kernels.py", "Sliding kernels"),
    ("Training_arena", "pages/3_Training_arena.py", "Training arena"),
    ("Filters_on_your_image", "pages/4_Filters_on_your_image.py", "Filters on your image"),
    ("Speed_lab", "pages/5_Speed_lab.py", "Speed lab"),
    ("Quiz", "pages/6_Quiz.py", "Quiz"),
]


@pytest.mark.parametrize("path, source, phrase", PAGES, ids=[p[1] for p in PAGES])
def test_page_opens_by_url_on_a_fresh_server(page, path, source, phrase):
    assert (ROOT / source).exists(), f"{source} is missing"
    (ROOT / "artifacts").mkdir(exist_ok=True)
    with streamlit_server() as url:
        page.goto(f"{url}/{path}")
        wait_until_idle(page)
        name = source.split("/")[-1].removesuffix(".py")
        full_screenshot(page, SCREENSHOTS / f"{name}.png")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_role("heading", name=phrase).first.is_visible() or page.get_by_text(phrase).first.is_visible()
