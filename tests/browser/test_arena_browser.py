"""The Training arena in headless Chromium: open the launcher with a tiny synthetic configuration (from
the URL), click Launch, see the progress move batch by batch, click Stop, and see the stopped run kept.
On a busy 2-core CPU this takes one to three minutes (TensorFlow import, a timing probe, graph tracing)."""

import contextlib
import re
import time

import pytest

from harness import SCREENSHOTS, full_screenshot, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser

# Small images and batches, but the most of them the launcher allows (about 22,500 batches) so that training is
# still running when Stop is clicked even on a much faster machine; Stop ends it within a batch.
TINY = ("?arena_launch=1&arena_source=synthetic&arena_train=10000&arena_test=100&arena_epochs=20&arena_batch=8"
        "&arena_launch_archs=separable&arena_runs=")
PROGRESS = '[data-testid="stProgress"]'


def batches_done(page) -> int | None:
    """Batches finished so far, read from the progress bar's text (None while loading)."""
    bar = page.locator(PROGRESS)
    if bar.count() == 0:
        return None
    match = re.search(r"epoch (\d+) of \d+ · batch (\d+) of (\d+)", bar.first.inner_text())
    if not match:
        return None
    epoch, batch, batches = map(int, match.groups())
    return (epoch - 1) * batches + batch


def progress_moves(page) -> None:
    """The progress bar reports a batch, then a later one."""
    deadline = time.monotonic() + 300
    first = None
    while time.monotonic() < deadline:
        first = batches_done(page)
        if first is not None:
            break
        page.wait_for_timeout(500)
    assert first is not None, "training never reported a batch"
    moved = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        moved = batches_done(page)
        if moved is not None and moved > first:
            break
    assert moved is not None and moved > first, f"the progress stayed at {first} batches"


def test_a_refused_second_tab_gets_a_working_launch_when_the_slot_frees(browser):
    """Tab B opens the launcher while the slot is free, tab A launches and its progress moves batch by batch, B's
    Launch is refused ("busy"). A's Stop keeps the finished epochs, and B's button must come back by itself within
    seconds: it stayed disabled until a reload, because the notice refreshed itself only when the last full page
    run had seen a busy server. (One launch serves both stories: each launch costs half a minute on 2 cores.)"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    tab_a, tab_b = (context.new_page() for context in contexts)
    try:
        with streamlit_server() as url:
            for tab in (tab_b, tab_a):  # B first: its page is drawn while the slot is free
                tab.goto(f"{url}/Training_arena{TINY}")
                wait_until_idle(tab, 300_000)
                tab.locator(".st-key-arena_launch_button button").wait_for(timeout=300_000)
            launch_b = tab_b.locator(".st-key-arena_launch_button button")
            assert launch_b.is_enabled()
            assert tab_a.get_by_text("Estimated time").count() >= 1  # the launcher timed a few steps first
            tab_a.locator(".st-key-arena_launch_button button").click()
            tab_a.wait_for_selector(PROGRESS, timeout=120_000)
            progress_moves(tab_a)
            tab_a.screenshot(path=str(SCREENSHOTS / "Training_arena_launch.png"), full_page=True)
            with contextlib.suppress(PlaywrightTimeout):  # B may already show "busy" by itself: nothing to click
                launch_b.click(timeout=5_000)
            tab_b.get_by_text("The server is already training").first.wait_for(timeout=30_000)
            assert tab_b.locator(".st-key-arena_launch_button button").is_disabled()
            tab_a.locator(".st-key-arena_stop button").wait_for(timeout=300_000)
            tab_a.locator(".st-key-arena_stop button").click()
            tab_a.get_by_text("Stopped with the Stop button.").first.wait_for(timeout=180_000)
            freed = time.monotonic()
            tab_b.wait_for_function(
                """() => { const b = document.querySelector('.st-key-arena_launch_button button');
                           return b && !b.disabled; }""", timeout=20_000)
            waited = time.monotonic() - freed
            assert tab_b.get_by_text("The server is already training").count() == 0
            assert tab_b.locator('[data-testid="stException"]').count() == 0
            assert waited < 20, f"B's Launch came back {waited:.0f} s after the slot freed"
            wait_until_idle(tab_a, 120_000)
            assert tab_a.locator('[data-testid="stException"]').count() == 0
            assert tab_a.locator(PROGRESS).count() == 0  # the live panel gave way to the result
            tab_a.screenshot(path=str(SCREENSHOTS / "Training_arena_stopped.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()


def _hostile_records(tmp_path):
    """Three records that broke the page (an exception, the bundled replay gone) and one with a Markdown title."""
    import json

    from run_records import arch, record_dict

    epochs = [(1.2, 0.5, 1.1, 0.55, 3.0), (1.0, 0.6, 1.0, 0.6, 3.0)]
    good = json.dumps(record_dict([arch("standard", epochs), arch("separable", epochs)], epochs=2))
    files = {
        "huge_macs.json": good.replace('"multiply_adds": 50000', '"multiply_adds": 1' + "0" * 400, 1),
        "endless_seconds.json": good.replace('"seconds": 3.0', '"seconds": 1e308'),
        "digits.json": good.replace('"params": 1000', '"params": ' + "9" * 5000, 1),
        "pixel.json": good.replace('"title": "A run"', '"title": "![pixel](http://192.0.2.1/p.png) **loud**"'),
    }
    paths = []
    for name, text in files.items():
        assert text != good, name
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    return paths


def test_hostile_run_records_get_sentences_and_the_bundled_replay_stays(page, tmp_path):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    with streamlit_server() as url:
        page.goto(f"{url}/Training_arena")
        wait_until_idle(page, 300_000)
        bundled_rows = page.locator('[data-testid="stMarkdownContainer"] table tbody tr').count()
        assert bundled_rows >= 2
        page.locator(".st-key-arena_upload input[type=file]").set_input_files(_hostile_records(tmp_path))
        page.get_by_text("digits long").first.wait_for(timeout=60_000)
        wait_until_idle(page, 120_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
        for name, field in (("huge_macs.json", "multiply_adds"), ("endless_seconds.json", "seconds"),
                            ("digits.json", "digits long")):
            assert any(name in text and field in text for text in errors), (name, errors)
        # The bundled replay is still drawn, and the valid upload joined it with its title as plain text.
        assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 1
        # one summary table a run, each under a line that names its run in bold
        assert page.locator('[data-testid="stMarkdownContainer"] table tbody tr').count() == bundled_rows + 2
        names = page.locator('[data-testid="stMarkdownContainer"] p > strong').all_inner_texts()
        assert "![pixel](http://192.0.2.1/p.png) **loud**" in [name.replace("\u2060", "") for name in names], names
        assert page.locator('img[src*="192.0.2.1"]').count() == 0
        assert page.locator('a[href*="192.0.2.1"]').count() == 0  # not even a link: the address stays text
        full_screenshot(page, SCREENSHOTS / "Training_arena_hostile_uploads.png")
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not outside, outside


OVERLAPS = """() => {
  const chart = document.querySelector('[data-testid="stPlotlyChart"]');
  const legend = chart.querySelector('.legendtitletext').getBoundingClientRect();
  const titles = [...chart.querySelectorAll('[class$="title"] text, text[class$="title"]')]
    .filter(t => /^x\\d*title$/.test(t.getAttribute('class') || ''));
  const crossing = titles.map(t => t.getBoundingClientRect())
    .filter(r => r.left < legend.right && legend.left < r.right && r.top < legend.bottom && legend.top < r.bottom);
  return {titles: titles.length, crossing: crossing.length};
}"""


@pytest.mark.parametrize("viewport, query", [({"width": 1400, "height": 1000}, ""),
                                             ({"width": 1280, "height": 800}, "?present=1")])
def test_the_replay_legend_clears_the_epoch_titles(browser, viewport, query, shared_server):
    """The legend's title ("colour: architecture · dash: run ...") sat on the lower panels' "epoch" title."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        url = shared_server
        page.goto(f"{url}/Training_arena{query}")
        wait_until_idle(page, 300_000)
        found = page.evaluate(OVERLAPS)
        assert found["titles"] >= 2, found  # both lower panels say "epoch"
        assert found["crossing"] == 0, found
    finally:
        context.close()
