"""Every page, scanned with axe-core (WCAG 2.1 A and AA rules) in headless Chromium: no serious or critical
violation, in the first view, in projector mode, and in the views a class uses most."""

import pytest

from harness import wait_until_idle

pytestmark = pytest.mark.browser

VIEWS = ["", "Parameter_lab", "Sliding_kernels", "Training_arena", "Filters_on_your_image", "Speed_lab", "Quiz",
         "Real_networks", "Real_networks?present=1&rn_tab=What%20if%20it%20were%20separable%3F",
         "?present=1", "Parameter_lab?present=1&lab_tab=Whole%20network", "Sliding_kernels?present=1&sl_mode=separable",
         "Training_arena?present=1&arena_launch=1", "Filters_on_your_image?fil_view=Hand-made%20filters%20(NumPy)",
         "Speed_lab?present=1", "Quiz?present=1"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server


@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_accessibility_violation(browser, server, view):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/{view}")
        wait_until_idle(page)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
        serious = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
                   for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
    finally:
        page.close()
