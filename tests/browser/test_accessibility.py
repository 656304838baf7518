"""Every page, scanned with axe-core (WCAG 2.1 A and AA rules) in headless Chromium: no serious or critical
violation in projector mode and in the views a class uses most. Each page's first view is scanned where it is
opened on a fresh server (tests/browser/test_every_page.py), at the same 1400 x 1000: opening it again here cost
about 4 s a page."""

import pytest

from harness import serious_accessibility_violations, wait_until_idle

pytestmark = pytest.mark.browser

VIEWS = ["Real_networks?present=1&rn_tab=What%20if%20it%20were%20separable%3F",
         "?present=1", "Parameter_lab?present=1&lab_tab=Whole%20network", "Sliding_kernels?present=1&sl_mode=separable",
         "Training_arena?present=1&arena_launch=1", "Filters_on_your_image?fil_view=Hand-made%20filters%20(NumPy)",
         "Speed_lab?present=1", "Quiz?present=1"]


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server


@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_accessibility_violation(browser, server, view):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/{view}")
        wait_until_idle(page)
        serious = serious_accessibility_violations(page)
        assert serious == [], serious
    finally:
        page.close()
