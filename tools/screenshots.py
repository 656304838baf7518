"""Screenshots of app pages, as a teacher would see them: `python tools/screenshots.py [PAGE[?QUERY] ...]`.

Starts `streamlit run app.py` on a free port, opens each page (default: every page) in Debian's headless
Chromium at 1400 x 1000 and in projector mode at 1280 x 800, waits until nothing is loading, and saves a
whole-page PNG under artifacts/screenshots/ (named after the page, the query and the size) plus one of the
first screen. PAGE is Streamlit's URL path: "" (home), Parameter_lab, Sliding_kernels, ... About 15 s a page.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from harness import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, full_screenshot, streamlit_server, wait_until_idle  # noqa: E402

PAGES = ["", "Parameter_lab", "Sliding_kernels", "Training_arena", "Filters_on_your_image", "Speed_lab", "Real_networks",
         "Quiz"]
SIZES = {"wide": ({"width": 1400, "height": 1000}, ""), "projector": ({"width": 1280, "height": 800}, "present=true")}


def file_name(target: str, size: str, whole: bool) -> str:
    """A readable file name for one page, query and size."""
    stem = re.sub(r"[^A-Za-z0-9_=-]+", "_", target or "Home").strip("_")
    return f"{stem}_{size}{'' if whole else '_screen'}.png"


def main(targets: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for target in targets or PAGES:
            path, _, query = target.partition("?")
            for size, (viewport, extra) in SIZES.items():
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                joined = "&".join(part for part in (query, extra) if part)
                page.goto(f"{url}/{path}" + (f"?{joined}" if joined else ""))
                wait_until_idle(page, timeout_ms=300_000)
                page.screenshot(path=str(SCREENSHOTS / file_name(target, size, False)))
                full_screenshot(page, SCREENSHOTS / file_name(target, size, True))
                print(f"{target or 'Home'} ({size}): {SCREENSHOTS / file_name(target, size, True)}", flush=True)
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
