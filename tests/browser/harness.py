"""Start `streamlit run app.py` on 127.0.0.1 and drive it with Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dsconv.bench.pages import free_port
from dsconv_ui.common import COLUMNS_STACK_AT_PX, WIDTH_RANGE_PX

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DSCONV_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-test.txt)"
    return None


def server_port() -> int:
    """A free port for a browser test's server, under the kernel's range of ephemeral ports where there is room. The
    other pytest worker's tests start servers on free_port (port 0: the kernel picks one in that range) while these
    run: a port picked in the same range could be handed to both in the same moment, and the health check below would
    then find the other worker's server."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return free_port()
    for _ in range(50):
        port = random.randint(max(1024, low - 10_000), low - 1) if low > 2048 else 0
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    return free_port()


@contextlib.contextmanager
def streamlit_server(timeout: float = 90):
    """A freshly started app server; yields its base URL and stops it afterwards."""
    port = server_port()
    log = open(ROOT / "artifacts" / f"streamlit-{port}.log", "w") if (ROOT / "artifacts").exists() else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Streamlit server did not start")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


BUSY_SCRIPT = """() => {
  const running = document.querySelector('[data-testid="stStatusWidget"]');
  const skeleton = document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
  const stale = document.querySelector('[data-stale="true"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const unrendered = charts.filter(c => !c.querySelector('.main-svg')).length;
  // the page's width probe (dsconv_ui.common) waits 0.3 s for the layout to settle, then may make the page run again
  const probes = window.dsconvWidth || {};
  const box = document.querySelector('[data-testid="stMainBlockContainer"]');
  const style = box && getComputedStyle(box);
  const width = box ? Math.min(__HIGH__, Math.max(__LOW__,
    Math.round(box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)))) : 0;
  const measuring = [...document.querySelectorAll('.stElementContainer[class*="st-key-_shown_width_"]')].some(el => {
    const probe = probes[(el.className.match(/st-key-(_shown_width_\\d+)/) || [])[1]];
    // Drawn but its script not run yet (on a busy 2-core machine it ran 0.5 s after the page looked done, and the
    // tests read figures laid out for another width), measuring, or laid out for another width than the one shown
    // (told, and the run it asked for not begun): the page is not done.
    // Or laid out for columns side by side where they stand one above another, or the other way.
    return !probe || probe.pending ||
      (box && box.clientWidth > 0 && Math.abs(width - probe.shown) > Math.max(8, 0.02 * probe.shown)) ||
      (box && box.clientWidth > 0 && probe.stacked !== window.matchMedia('(max-width: __COLUMNS__px)').matches);
  });
  // a playback bar (dsconv_ui.playback) whose script has not bound its buttons yet: a click there does nothing
  const unbound = document.querySelector('.dsconv-playback:not([data-bound="1"])');
  return Boolean(running || skeleton || stale || unrendered || measuring || unbound);
}""".replace("__LOW__", str(WIDTH_RANGE_PX[0])).replace("__HIGH__", str(WIDTH_RANGE_PX[1])).replace(
    "__COLUMNS__", str(COLUMNS_STACK_AT_PX))


def watch_messages(page) -> None:
    """Note when the page last sent or received a message over its websocket (a widget's change going out, a run's
    elements coming in), for wait_until_idle. Call it before the page opens its address; once is enough."""
    if hasattr(page, "dsconv_last_message"):
        return
    last = [0.0]

    def watch(socket) -> None:
        for event in ("framesent", "framereceived"):
            socket.on(event, lambda _payload: last.__setitem__(0, time.monotonic()))

    page.on("websocket", watch)
    page.dsconv_last_message = last


def wait_until_idle(page, timeout_ms: int = 300_000, quiet_ms: int = 500) -> None:
    """Wait until the script run is over and everything is drawn: no running indicator, no skeleton, no stale
    element, every Plotly chart rendered, no width measure pending, no playback bar waiting for its script, and no
    message to or from the server (on a page watch_messages watches), all of it for `quiet_ms` in a row. (While the
    browser loads an element's script, such as Plotly's 4.6 MB, Streamlit shows a skeleton in its place, so that
    counts as busy. A widget's change goes out as a message at once; the page may show nothing of the run it asked
    for until its first elements come back. A slider sends its value 0.2 s after it stops.)"""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stMarkdownContainer"]', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    last_message = getattr(page, "dsconv_last_message", [0.0])
    quiet_since = None
    while time.monotonic() < deadline:
        if page.evaluate(BUSY_SCRIPT):
            quiet_since = None
        else:
            quiet_since = max(quiet_since or time.monotonic(), last_message[0])  # quiet counts from the last message
            if (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
                return
        page.wait_for_timeout(100)
    raise TimeoutError("the page kept running")


@contextlib.contextmanager
def opened(browser, url: str, viewport: dict):
    """A new tab at `viewport` on `url`, once the page is idle; closed afterwards."""
    page = browser.new_page(viewport=viewport)
    watch_messages(page)
    try:
        page.goto(url)
        wait_until_idle(page)
        yield page
    finally:
        page.close()


def on_views(*views):
    """Parametrize a test that only reads what a page shows with the views it reads: (address, viewport) pairs. The
    test gets each as `view`, a tab open on that address at that size and idle (tests/conftest.py); tests that read
    the same view share one tab, opened once. A test that clicks, scrolls, types or resizes opens its own tab
    (opened)."""
    return pytest.mark.parametrize("view", [pytest.param((path, (size["width"], size["height"])),
                                                         id=f"{path or 'home'}@{size['width']}x{size['height']}")
                                            for path, size in views], indirect=True)


class SharedViews:
    """The tabs behind `view`: each (address, size) is opened the first time a test asks for it and closed after the
    last test that reads it, so that the tests sharing it need not run one after another. `uses` counts the tests
    that will ask for each view in this run."""

    def __init__(self, browser, server: str, uses: dict) -> None:
        self._browser, self._server, self._left = browser, server, dict(uses)
        self._tabs: dict = {}

    def open(self, key: tuple):
        path, (width, height) = key
        tab = self._tabs.get(key)
        if tab is None or tab.is_closed():
            tab = self._browser.new_page(viewport={"width": width, "height": height})
            tab.goto(f"{self._server}/{path}")
            wait_until_idle(tab)
            tab.dsconv_address = tab.url
            self._tabs[key] = tab
        elif tab.url != tab.dsconv_address or tab.evaluate(SCROLLED):
            raise AssertionError(f"a test changed the shared view {path} at {width} x {height}: a test that changes "
                                 "a page opens its own tab (opened)")
        elif tab.evaluate(BUSY_SCRIPT):
            wait_until_idle(tab)
        return tab

    def done(self, key: tuple) -> None:
        self._left[key] = self._left.get(key, 1) - 1
        if self._left[key] <= 0 and key in self._tabs:
            self._tabs.pop(key).close()

    def close(self) -> None:
        for tab in self._tabs.values():
            tab.close()
        self._tabs.clear()


SCROLLED = """() => { const main = document.querySelector('[data-testid="stMain"]');
  return Boolean(window.scrollY || (main && main.scrollTop)); }"""


def full_screenshot(page, path) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its own container, so grow the viewport to fit."""
    height = page.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]') || document.body;
      const sidebar = document.querySelector('[data-testid="stSidebarContent"]');
      return Math.max(main.scrollHeight, sidebar ? sidebar.scrollHeight : 0);
    }""")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 80, 16000)})
    wait_until_idle(page, quiet_ms=300)  # the page only lays itself out again: no run, nothing to load
    page.screenshot(path=str(path), full_page=True)


# a formula wider than its column scrolls sideways inside it (KaTeX's braces overhang by 2 px, which shows nothing)
WIDE_FORMULAS = """() => [...document.querySelectorAll('.katex-display')]
  .filter(display => display.scrollWidth > display.clientWidth + 3).map(display => display.textContent.slice(0, 80))"""


# Pairs of texts of one Plotly figure drawn on one another (more than 2 px across and 3 px down: line boxes of
# stacked lines may touch).
OVERLAPPING_FIGURE_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => {
  const boxes = [...gd.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, b]) => b.width > 0 && b.height > 0);
  const hits = [];
  boxes.forEach(([one, a], i) => boxes.slice(i + 1).forEach(([other, b]) => {
    const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    if (across > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 3) hits.push([one, other]);
  }));
  return hits;
})"""


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_accessibility_violations(page) -> list:
    """axe-core's serious and critical violations of WCAG 2.1 A and AA on the page as it is now, with up to three
    elements each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
