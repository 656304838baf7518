"""Shared test set-up: the repository's root, one way to open a page under AppTest, the headless browser for
tests/browser, and hypothesis running the same examples on every CI machine.

Tests import the helpers with `from conftest import ROOT, open_page, shown_tables` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import functools
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


def _scan_installed_components_once() -> None:
    """A server scans the installed packages for Streamlit components once, when it starts; AppTest does it for
    every new AppTest (0.15 s with 148 packages installed, hundreds of times a suite). The packages do not change
    during the tests, so every AppTest gets the first scan's answer."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without installable components: nothing is scanned
        return
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()

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


def leaves(node: Any):
    """The elements under an AppTest node (`at.main`), in page order: the leaves of its tree of blocks."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from leaves(child)


def shown_tables(at: Any) -> list:
    """The Markdown tables a page shows, in page order, as pandas DataFrames of the cells' text as a reader sees it.
    Read by an independent Markdown parser (markdown-it-py, with tables as in GitHub-flavoured Markdown) from the
    page's Markdown elements: the pages draw their small tables with dsconv.safe_text.markdown_table."""
    from html.parser import HTMLParser

    import pandas as pd
    from markdown_it import MarkdownIt

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.tables[-1][-1].append(self.cell)
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                # as a reader sees it: no word joiner (it keeps an address from being a link), a no-break space a space
                self.cell += data.replace("\u2060", "").replace("\u00a0", " ")

    parser = MarkdownIt("commonmark").enable("table")
    frames = []
    for element in at.markdown:
        cells = Cells()
        cells.feed(parser.render(element.value))
        frames += [pd.DataFrame(rows[1:], columns=rows[0]) for rows in cells.tables]
    return frames


@pytest.fixture(scope="session")
def shared_server():
    """One app server for the browser modules that only open pages and read them (accessibility, projector, Sliding
    kernels, Speed lab, Filters): each test opens its own browser session, so none sees another's settings. A server
    of their own cost each module its start and every page's first, cold run again (and the arena launcher's Keras
    import). Tests that need a fresh server (tests/browser/test_every_page.py, the arena's launch) start their own."""
    from harness import streamlit_server

    with streamlit_server() as url:
        yield url


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
        yield TabsShareTheirCache(chromium)
        chromium.close()


class TabsShareTheirCache:
    """Chromium, whose new_page(viewport=...) opens a tab in one browsing context for all the tests: the scripts a
    page loads (Streamlit's, Plotly's 4.6 MB) are then read from the cache and not compiled again for every tab (about
    0.3 s a page on 2 cores). Each tab still has its own Streamlit session, one per connection, so no test sees
    another's settings. new_context() gives a context of its own (separate cookies and storage), as before."""

    def __init__(self, chromium) -> None:
        self._chromium = chromium
        self._context = None

    def new_page(self, viewport: dict | None = None, **options):
        from harness import watch_messages

        if options:  # anything else a context decides: a context of its own
            tab = self._chromium.new_page(viewport=viewport, **options)
        else:
            if self._context is None:
                self._context = self._chromium.new_context()
            tab = self._context.new_page()
            if viewport:
                tab.set_viewport_size(viewport)
        watch_messages(tab)  # for wait_until_idle
        return tab

    def __getattr__(self, name: str):
        return getattr(self._chromium, name)


@pytest.fixture(scope="session")
def shared_views(request, browser, shared_server):
    """The tabs that tests parametrized with harness.on_views read, on the shared server: each view is opened once
    for all the tests that read it in this run (counted from the collected tests) and closed after the last."""
    from harness import SharedViews

    uses: dict = {}
    for item in request.session.items:
        key = getattr(item, "callspec", None) and item.callspec.params.get("view")
        if key:
            uses[key] = uses.get(key, 0) + 1
    views = SharedViews(browser, shared_server, uses)
    yield views
    views.close()


@pytest.fixture
def view(request, shared_views):
    """A tab open and idle on the (address, (width, height)) the test is parametrized with (harness.on_views); the
    test only reads it: other tests read the same tab."""
    tab = shared_views.open(request.param)
    yield tab
    shared_views.done(request.param)


@pytest.fixture
def page(browser):
    """A fresh 1400 x 1000 browser tab."""
    from harness import watch_messages

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    watch_messages(tab)  # for wait_until_idle
    yield tab
    context.close()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items) -> None:
    """pytest.ini runs the suite on two pytest-xdist workers with --dist loadgroup and two groups, one a worker, each
    in file order, as one pytest alone would run it: the browser tests (one app server and one Chromium, which they
    share), and the rest (Python and TensorFlow, mostly on one core, beside the browser tests as they wait for pages
    to settle). The README says what that saves."""
    if not config.pluginmanager.hasplugin("xdist"):  # run with -p no:xdist (and without pytest.ini's -n 2)
        return
    for item in items:
        browser = item.get_closest_marker("browser") and item.path.name not in BESIDE_THE_PYTHON_TESTS
        item.add_marker(pytest.mark.xdist_group("browser" if browser else "python"))


# Browser test files that run in the other worker, with a server and a Chromium of its own (each worker is a process,
# with its own session fixtures): the browser worker's tests took 842 s and the rest 458 s, the suite 14 min 25 s;
# with the first two here, 793 s and 596 s (pytest --durations, 2026-12-04), the suite 13 min 31 s that day, and the
# arena's browser tests (95 s, two of them on servers of their own) moved too.
BESIDE_THE_PYTHON_TESTS = {"test_accessibility.py", "test_every_page.py", "test_arena_browser.py"}
