"""The Sliding kernels animation plays in the browser: pressing Play moves the step slider forward
without re-running the script (the animation is Plotly frames on the client)."""

import re
import time

import pytest

from harness import SCREENSHOTS, full_screenshot, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser


def current_step(page) -> int:
    text = page.locator(".slider-label").first.text_content() or ""
    match = re.search(r"(\d+)", text.replace(",", ""))
    assert match, f"no step number in {text!r}"
    return int(match.group(1))


def wait_for_step_after(page, step: int, timeout_s: float = 60) -> int:
    """The slider's step once it has moved past `step` (polled, so a slow machine only takes longer)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = current_step(page)
        if now > step:
            return now
        page.wait_for_timeout(200)
    raise AssertionError(f"the animation stayed at step {step} for {timeout_s:.0f} s")


def test_play_moves_the_animation(page):
    with streamlit_server() as url:
        page.goto(f"{url}/Sliding_kernels")
        wait_until_idle(page)
        first = current_step(page)
        page.locator(".updatemenu-button", has_text="Play").first.click()
        middle = wait_for_step_after(page, first)
        assert first < middle < wait_for_step_after(page, middle)  # still moving: frames play one after another
        # Client-side animation: the server was not asked to re-run the script (no status widget).
        assert page.locator('[data-testid="stStatusWidget"]').count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        full_screenshot(page, SCREENSHOTS / "2_Sliding_kernels_playing.png")
