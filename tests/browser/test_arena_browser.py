"""The Training arena in headless Chromium: open the launcher with a tiny synthetic configuration (from
the URL), click Launch, see the progress move batch by batch, click Stop, and see the stopped run kept.
On a busy 2-core CPU this takes one to three minutes (TensorFlow import, a timing probe, graph tracing)."""

import re
import time

import pytest

from harness import ROOT, SCREENSHOTS, streamlit_server, wait_until_idle

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


def test_launch_shows_moving_progress_and_stop_keeps_the_finished_epochs(page):
    (ROOT / "artifacts").mkdir(exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url:
        page.goto(f"{url}/Training_arena{TINY}")
        wait_until_idle(page, 300_000)
        launch = page.locator(".st-key-arena_launch_button button")
        launch.wait_for(timeout=300_000)  # the launcher times a few training steps first
        assert page.get_by_text("Estimated time").count() >= 1
        launch.click()
        page.wait_for_selector(PROGRESS, timeout=120_000)
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
        page.screenshot(path=str(SCREENSHOTS / "Training_arena_launch.png"), full_page=True)
        page.locator(".st-key-arena_stop button").click()
        page.get_by_text("Stopped with the Stop button.").first.wait_for(timeout=180_000)
        wait_until_idle(page, 120_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(PROGRESS).count() == 0  # the live panel gave way to the result
        page.screenshot(path=str(SCREENSHOTS / "Training_arena_stopped.png"), full_page=True)
