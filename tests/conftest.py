"""Shared test set-up: the repository's root, one way to open a page under AppTest, the headless browser for
tests/browser, and hypothesis running the same examples on every CI machine.

Tests import the helpers with `from conftest import ROOT, open_page` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

# CI (CI=true, as .ci/run sets it) replays a fixed set of examples: a failure there is reproducible, and a
# pass never depends on which examples a random draw happened to pick. Local runs keep drawing new ones.
# A busy CI machine must not fail a test on hypothesis's own wall-clock health check either.
settings.register_profile("ci", derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
    settings.load_profile("ci")

# Seconds a page's first run may take under AppTest: the pages that load Keras get more.
PAGE_TIMEOUTS = {"pages/3_Training_arena.py": 300, "pages/4_Filters_on_your_image.py": 240}


def open_page(page: str, query: Mapping[str, Any] | None = None, *, timeout: float | None = None,
              session: Mapping[str, Any] | None = None, **params: Any) -> Any:
    """Run `page` (a path from the repository's root) under AppTest as a link would open it: with the query
    `query` and `params` (a list value is a repeated parameter), after putting `session` into st.session_state."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout or PAGE_TIMEOUTS.get(page, 120))
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, value in {**(query or {}), **params}.items():
        at.query_params[key] = list(value) if isinstance(value, (list, tuple)) else value
    return at.run()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, through Playwright (tests/browser); skipped where either is missing."""
    from harness import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, chromium_missing

    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh 1400 x 1000 browser tab."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()
