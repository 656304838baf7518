"""A page's settings live in its address, in a real browser (Streamlit's bind="query-params"): a link sets the
widgets, a changed widget changes the address, the settings come back after a visit to another page, the share
link is the address, and a link made before the binding (1/0, raw names) still sets the widgets."""

import time
from urllib.parse import parse_qs, urlparse

import pytest

from harness import wait_until_idle

pytestmark = pytest.mark.browser


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


def settle(page, until=None) -> None:
    """Wait until the page is idle, and, given `until` (a test of the address's query), until the address passes it,
    for up to 30 s: Streamlit writes a changed widget into the address just after the widget's message goes out,
    and a fixed pause for it (600 ms) was a guess at how slow a machine can be."""
    deadline = time.monotonic() + 30
    while until is not None and not until(query(page)) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    wait_until_idle(page)


def test_the_parameter_labs_settings_round_trip_through_its_address(page, shared_server):
    url = shared_server
    page.goto(f"{url}/Parameter_lab?lab_k=5&lab_bias=false")
    wait_until_idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stSliderThumbValue"]').first.inner_text() == "5"
    assert not page.get_by_label("Use bias").is_checked()
    assert "5 x 5 x 3 x 64" in main.inner_text() or "4,800" in main.inner_text()  # 5*5*3*64 weights, no bias
    assert query(page) == {"lab_k": ["5"], "lab_bias": ["false"]}

    field = page.get_by_label("Out channels N")
    field.fill("32")
    field.press("Enter")
    expected = {"lab_k": ["5"], "lab_bias": ["false"], "lab_cout": ["32"]}
    settle(page, expected.__eq__)
    assert query(page) == expected

    page.get_by_label("Use bias").check(force=True)  # back to its default: it leaves the address
    expected = {"lab_k": ["5"], "lab_cout": ["32"]}
    settle(page, expected.__eq__)
    assert query(page) == expected

    page.locator('[data-testid="stSidebar"] a', has_text="Quiz").click()
    wait_until_idle(page)
    page.locator('[data-testid="stSidebar"] a', has_text="Parameter lab").click()
    settle(page, expected.__eq__)
    assert query(page) == expected
    assert page.get_by_label("Out channels N").input_value() == "32"

    page.get_by_text("Share these settings").click()
    shared = page.locator('[data-testid="stCode"]').last.inner_text().strip()
    assert parse_qs(urlparse(shared).query) == query(page) and urlparse(shared).path == "/Parameter_lab"


def test_an_older_link_still_sets_the_widgets_and_names_what_it_could_not(page, shared_server):
    url = shared_server
    page.goto(f"{url}/Sliding_kernels?sl_mode=separable&present=1&sl_k=99")
    settle(page, lambda shown: "sl_k" not in shown)
    assert page.get_by_role("switch", name="Projector mode").is_checked()
    radios = page.locator('[data-testid="stRadio"]', has_text="Kind of convolution")
    assert radios.get_by_role("radio", name="Separable").is_checked()
    warnings = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("sl_k='99'" in text for text in warnings), warnings
    assert "sl_k" not in query(page)  # the refused value left the address
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_link_with_an_endless_or_a_fractional_number_says_what_it_did(page, shared_server):
    """?lab_h=1e400 (or inf) showed a traceback: Streamlit's whole-number input raised OverflowError reading it. Such a
    setting is now refused with the warning every refused setting gets. ?lab_k=2.5 was cut to 2 without a word."""
    url = shared_server
    page.goto(f"{url}/Parameter_lab?lab_h=1e400&lab_k=2.5&lab_cout=16")
    settle(page, lambda shown: "lab_h" not in shown)
    assert page.locator('[data-testid="stException"]').count() == 0
    warnings = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "lab_h='1e400': a number beyond the largest a computer's number holds (about 1.8 × 10³⁰⁸), and its " \
        "control takes a whole number from 1 to 1,024" in warnings, warnings
    assert "lab_k='2.5' as 2: its control takes a whole number from 1 to 11" in warnings, warnings
    address = query(page)
    assert "lab_h" not in address and address.get("lab_cout") == ["16"]


def test_a_setting_of_no_page_leaves_the_address_with_a_word(page, shared_server):
    """?foo=bar and another page's setting stayed in the address bar, and so in every link copied from it."""
    page.goto(f"{shared_server}/Quiz?foo=bar&quiz_seed=4&sl_k=5")
    settle(page, {"quiz_seed": ["4"]}.__eq__)
    warnings = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "foo='bar': no page of this app has a setting called that." in warnings, warnings
    assert "sl_k='5': it is a setting of the Sliding kernels page, not of this one." in warnings, warnings
    assert query(page) == {"quiz_seed": ["4"]}
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_list_picker_emptied_stays_empty_in_the_address(page, shared_server):
    """Streamlit's browser side writes nothing for an emptied list picker: the Training arena's bundled runs, all
    cleared, came back when the address was opened again."""
    page.goto(f"{shared_server}/Training_arena")
    wait_until_idle(page)
    runs = page.locator('[data-testid="stMultiSelect"]', has_text="Recorded runs (bundled with the app)")
    tags = runs.locator("[data-tag]")
    assert tags.count() > 0
    field = runs.locator("input").first
    field.click()
    for _ in range(2 * tags.count()):  # each Backspace takes the last chip (a few spare, never endless)
        if not tags.count():
            break
        field.press("Backspace")
        page.wait_for_timeout(300)
    page.keyboard.press("Escape")

    def emptied(shown: dict) -> bool:
        return shown.get("arena_runs") == [""]

    settle(page, emptied)
    assert query(page).get("arena_runs") == [""], page.url
    page.goto(page.url)
    settle(page, emptied)
    assert tags.count() == 0 and query(page).get("arena_runs") == [""], page.url


def test_the_page_bench_follows_the_home_pages_links(browser, shared_server):
    """`python -m dsconv.bench pages` also times each page reached by the home page's link, in the one tab that opened
    it (no page load): every page asked for but the home page, in order, each done (drawn, quiet, no exception). Two
    pages here, a chart's and the Quiz (the bench takes every page: 30 s of this suite's time)."""
    from dsconv.bench.pages import PAGES, in_app_seconds

    pages = {name: PAGES[name] for name in ("Home", "Sliding kernels", "Quiz")}
    times = in_app_seconds(browser, shared_server, pages=pages)
    assert list(times) == ["Sliding kernels", "Quiz"]
    assert all(0 < seconds < 120 for seconds in times.values()), times
