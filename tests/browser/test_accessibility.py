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


FOCUSED = """() => {
  const active = document.activeElement;
  const ring = active && (active.closest('label') || active);
  const style = ring ? getComputedStyle(ring) : null;
  return {tag: active ? active.tagName : null, testid: active && active.closest('[data-testid]') ?
          active.closest('[data-testid]').dataset.testid : null,
          classes: active && active.getAttribute ? active.getAttribute('class') : null,
          outline: style ? [style.outlineStyle, parseFloat(style.outlineWidth)] : null};
}"""


def tab_to(page, matches, presses: int = 120) -> dict:
    """Press Tab until the focused element matches (a function of FOCUSED's answer); that answer."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        found = page.evaluate(FOCUSED)
        if matches(found):
            return found
    raise AssertionError(f"{presses} Tab presses never reached it; last: {found}")


def test_a_focused_radio_option_and_page_link_show_a_ring(browser, server):
    """A radio option focused from the keyboard had only a pale background (1.2:1 against the page), and a focused
    page link none beside the current page's tint: on a projector the class could not see where the keyboard was."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/Quiz?quiz_seed=6")
        wait_until_idle(page)
        link = tab_to(page, lambda found: found["testid"] in ("stPageLink-NavLink", "stSidebarNavLink"))
        assert link["outline"][0] == "solid" and link["outline"][1] >= 2, link
        radio = tab_to(page, lambda found: found["testid"] in ("stRadio", "stRadioOption"))
        assert radio["outline"][0] == "solid" and radio["outline"][1] >= 2, radio
    finally:
        page.close()


def test_the_arena_replay_plays_and_steps_from_the_keyboard(browser, server):
    """The replay's Play, Pause and epoch slider are Plotly's, drawn as SVG: 80 Tab presses never reached them, and
    the replay could be played only with a mouse."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    gd = "document.querySelector('.st-key-arena_replay_chart .js-plotly-plot')"

    def shows(epochs: str) -> None:  # the replay reaches one of these epochs (waited for, never a fixed time)
        page.wait_for_function(f"() => [{epochs}].includes({gd}._fullLayout._currentFrame)", timeout=15_000)

    try:
        page.goto(f"{server}/Training_arena")
        wait_until_idle(page)
        # the controls are made reachable within half a second of being drawn
        page.wait_for_function(f"() => {gd}.querySelector('.slider-group[tabindex=\"0\"]')", timeout=15_000)
        tab_to(page, lambda found: "slider-group" in (found["classes"] or ""), presses=200)
        page.keyboard.press("Home")
        shows("'1'")
        page.keyboard.press("ArrowRight")
        shows("'2'")
        page.keyboard.press("End")
        shows("'10'")
        tab_to(page, lambda found: "updatemenu-button" in (found["classes"] or ""), presses=5)
        page.keyboard.press("Enter")  # Play: from the first epoch
        shows(", ".join(f"'{epoch}'" for epoch in range(1, 10)))  # it left the last epoch: it plays
    finally:
        page.close()


def test_the_quiz_keeps_the_keyboard_on_the_revealed_answer(browser, server):
    """After Check (or "Just show the answer") the form went and the focus with it: the next Tab began at the top,
    14 stops of the sidebar before the verdict. The focus now waits on "Next question"."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/Quiz?quiz_seed=6&quiz_q=3")
        wait_until_idle(page)
        tab_to(page, lambda found: found["tag"] == "BUTTON" and "Just show" in page.evaluate(
            "() => document.activeElement.innerText"))
        page.keyboard.press("Enter")
        wait_until_idle(page)
        page.wait_for_timeout(500)
        assert page.evaluate("() => document.activeElement.innerText").startswith("Next question"), page.evaluate(
            FOCUSED)
    finally:
        page.close()
