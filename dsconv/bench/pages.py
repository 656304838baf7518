"""How fast each page paints on a fresh server, and how much memory the server keeps: `python -m dsconv.bench pages`.

For every page, and for a bare one-line Streamlit page as the baseline, it starts a fresh `streamlit run` server,
opens the page by its link in headless Chromium (no other request first) and times until the script has finished
and nothing is left loading (no running indicator, skeleton, stale element or undrawn chart, for 1.5 s in a row;
that quiet time is not counted). Then one more fresh server has every page visited once, and its resident memory
is read from /proc. Between the two, on as many fresh servers as `--repeats`, one tab opens the home page and
follows its link to every other page, going back between two: the app's own navigation, with no page load, so the
browser runs Streamlit's and Plotly's scripts once a tab instead of once a page (seconds only: the goal is set
for a page opened by its link). Needs Playwright and Chromium (`DSCONV_CHROMIUM`, default /usr/bin/chromium). About 2 minutes on
a 2-core CPU. Goals: every page but the arena's launch and the Speed lab's measure within 1.5x of the bare page; the
server under 350 MB after visiting every page. A second reference, the bare page with one small Plotly chart, shows
the floor for any page that draws Plotly on its first screen.

`--sessions N` then has N browser sessions (one Chromium, N contexts, at a lower CPU priority than the server) open
the Filters page's learned view and the Parameter lab at once (it reports how long that took), and once all have,
each changes the lab's output channels five times, pausing before each change for a think time drawn from `--think`
(default 1-4 s, seeded, like students; `--think 0.2` has them change as fast as they can). It reports the median and
95th-percentile re-run time (from the change until the page shows it) against one session alone on the same server,
and whether any session saw an error. Goal at 30 sessions: a median within 3x of one session's and a p95 under
1.5 s. It also says how much CPU the server used in that time against the whole machine's: here the browsers share
the server's machine, and their work (loading pages, drawing charts) is in the times too.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dsconv.bench.ui import machine

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DSCONV_CHROMIUM", "/usr/bin/chromium")
PAGES = {"Home": "", "Parameter lab": "Parameter_lab", "Sliding kernels": "Sliding_kernels",
         "Training arena (replay)": "Training_arena", "Filters on your image (learned view)": "Filters_on_your_image",
         "Speed lab (recorded)": "Speed_lab", "Real networks": "Real_networks", "Quiz": "Quiz"}
QUIET_MS = 1500  # nothing busy for this long: the page is done
BUSY_SELECTOR = ('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-testid="stSpinner"], '
                 '[data-stale="true"]')
BUSY = ("() => Boolean(document.querySelector('" + BUSY_SELECTOR.replace("'", "\\'") + "') || "
        "[...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')].some(c => !c.querySelector('.main-svg')))")
BARE_PAGE = 'import streamlit as st\n\nst.write("A bare page: one line.")\n'
# The same page with one small Plotly chart: the floor for any page that draws Plotly on its first screen (the browser
# loads and runs Plotly's 4.6 MB script before it draws the chart).
PLOTLY_PAGE = ("import plotly.graph_objects as go\n" + BARE_PAGE +
               "st.plotly_chart(go.Figure(go.Bar(x=[1, 2], y=[1, 2])))\n")
GOAL_RATIO, GOAL_MB = 1.5, 350
CHANGES = 5  # widget changes per session
THINK_S = (1.0, 4.0)  # a student's pause between two changes: `--think`'s default, and the crowd bench's paced round
ALONE_PAUSE_S = (0.3, 0.3)  # one session alone: a short pause, so that a run never meets the last one's tail
GOAL_CROWD_RATIO, GOAL_P95_S = 3.0, 1.5


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy so far (all cores, idle and I/O wait left out), from /proc/stat."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The benchmarks' server flags: no browser opened, no usage statistics, no source watching.
BENCH_SETTINGS = ("--server.headless", "true", "--browser.gatherUsageStats", "false",
                  "--server.fileWatcherType", "none")


@contextlib.contextmanager
def server(script: Path, cwd: Path, preload: tuple[str, ...] = (), settings: tuple[str, ...] = BENCH_SETTINGS):
    """A fresh `streamlit run script` on a free port, with the modules in `preload` imported before it starts and
    `settings` on its command line (none: only cwd's .streamlit/config.toml): yields (base URL, process id)."""
    port = free_port()
    start = ["-m", "streamlit"] if not preload else \
        ["-c", "".join(f"import {name}\n" for name in preload) + "from streamlit.web.cli import main\nmain()"]
    process = subprocess.Popen(
        [sys.executable, *start, "run", str(script), "--server.port", str(port), "--server.address", "127.0.0.1",
         *settings], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Streamlit server did not start")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        if process.poll() is None:
            process.kill()


def with_app_settings(folder: Path) -> Path:
    """`folder`, for a reference page, with the app's own .streamlit/config.toml: the same server settings (no
    gc.collect after every run, the theme) as the app it is compared with."""
    settings = Path(folder) / ".streamlit"
    settings.mkdir(exist_ok=True)
    (settings / "config.toml").write_bytes((ROOT / ".streamlit" / "config.toml").read_bytes())
    return Path(folder)


def resident_mb(pid: int) -> float:
    """The process's resident memory (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def paint_seconds(browser, url: str, timeout_s: float = 300) -> float:
    """Seconds from opening `url` in a fresh tab until the page is done (the quiet time not counted)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        return done_after(page, started, timeout_s)
    finally:
        context.close()


def done_after(page, started: float, timeout_s: float = 300) -> float:
    """Seconds from `started` (perf_counter) until the page in `page` is done: its text is there, and nothing is busy
    for QUIET_MS in a row (not counted). A page that shows an exception raises."""
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stMarkdownContainer"], '
                           '[data-testid="stException"]', timeout=timeout_s * 1000)
    quiet_since = None
    while time.perf_counter() - started < timeout_s:
        if page.evaluate(BUSY):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.perf_counter()
        elif (time.perf_counter() - quiet_since) * 1000 >= QUIET_MS:
            if page.locator('[data-testid="stException"]').count():
                raise RuntimeError(f"{page.url} shows an exception")
            return quiet_since - started
        page.wait_for_timeout(50)
    raise TimeoutError(f"{page.url} kept running")


def in_app_seconds(browser, url: str, timeout_s: float = 300, pages: dict[str, str] = PAGES) -> dict[str, float]:
    """For every page of `pages` but the home page: seconds from a click on the home page's link to it until it is
    done, in the one tab that opened the home page, going back there between two (the app's own navigation: no page
    load, so the browser runs Streamlit's and Plotly's scripts once a tab, not once a page)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url)
        done_after(page, time.perf_counter(), timeout_s)
        times = {}
        for name, path in pages.items():
            if not path:
                continue
            started = time.perf_counter()
            page.locator(f'[data-testid="stMain"] a[href="{path}"]').first.click()
            page.wait_for_url(f"**/{path}", timeout=timeout_s * 1000)
            times[name] = done_after(page, started, timeout_s)
            page.go_back()
            done_after(page, time.perf_counter(), timeout_s)
        return times
    finally:
        context.close()


@dataclass
class Visit:
    """One browser session's times: opening both pages, each re-run, and the error elements it saw."""
    opening: float
    reruns: list[float]
    errors: int


async def one_session(browser, url: str, first_n: int, think: tuple[float, float], seed: int,
                      opened=None) -> Visit:
    """Open the Filters page's learned view and the Parameter lab; then (after `opened`, a barrier, if given) change
    N CHANGES times, each after a think time drawn from `think` (seeded), and time each re-run until the page shows
    the new shape."""
    import asyncio

    pause = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    errors = 0
    try:
        started = time.perf_counter()
        await page.goto(f"{url}/Filters_on_your_image", timeout=300_000)
        await page.get_by_text("What the models think it is").wait_for(timeout=300_000)
        errors += await page.locator('[data-testid="stException"]').count()
        await page.goto(f"{url}/Parameter_lab", timeout=300_000)
        await page.get_by_text("30 x 30 x 64").first.wait_for(timeout=300_000)
        opening = time.perf_counter() - started
        if opened is not None:
            await opened.wait()
        seconds = []
        for n in range(first_n, first_n + CHANGES):
            await asyncio.sleep(pause.uniform(*think))
            field = page.get_by_label("Out channels N")
            await field.fill(str(n), timeout=300_000)
            started = time.perf_counter()
            await field.press("Enter", timeout=300_000)
            await page.get_by_text(f"30 x 30 x {n}").first.wait_for(timeout=300_000)
            seconds.append(time.perf_counter() - started)
        errors += await page.locator('[data-testid="stException"]').count()
        return Visit(opening, seconds, errors)
    finally:
        await context.close()


async def crowd(url: str, sessions: int, think: tuple[float, float]) -> tuple[Visit, list[Visit]]:
    """One session alone, then `sessions` sessions that open the pages at once and, once all have, change N with
    think times drawn from `think`."""
    import asyncio

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                   args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        alone = await one_session(browser, url, 65, ALONE_PAUSE_S, seed=0)
        opened = asyncio.Barrier(sessions)
        visits = await asyncio.gather(*(one_session(browser, url, 100 + 10 * i, think, seed=i, opened=opened)
                                        for i in range(sessions)))
        await browser.close()
    return alone, list(visits)


def think_range(text: str) -> tuple[float, float]:
    """"1-4" -> (1.0, 4.0) and "0.2" -> (0.2, 0.2): seconds a student pauses between two changes."""
    low, dash, high = text.partition("-")
    try:
        pause = (float(low), float(high if dash else low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a think time: write seconds, like 1-4 or 0.2") from None
    if not 0 <= pause[0] <= pause[1] <= 60:
        raise argparse.ArgumentTypeError(f"{text!r}: the think time must be 0 to 60 s, the shorter first")
    return pause


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=1, help="fresh servers per page (default 1; the median is kept)")
    parser.add_argument("--sessions", type=int, default=0,
                        help="then time widget changes with this many browser sessions at once (e.g. 30)")
    parser.add_argument("--think", type=think_range, default=THINK_S, metavar="SECONDS",
                        help="with --sessions: each session's pause before a change, drawn from this range "
                             "(default 1-4, like students; 0.2 has them change as fast as they can)")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("error: Playwright is not installed (python3 -m pip install -r requirements-test.txt)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"error: no Chromium at {CHROMIUM} (apt-get install chromium, or set DSCONV_CHROMIUM)", file=sys.stderr)
        return 2
    print(machine())
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        references = {"bare one-line page": Path(folder) / "bare.py", "the same with one Plotly chart": Path(folder) /
                      "one_chart.py"}  # not plotly.py: the script's folder comes first on sys.path
        references["bare one-line page"].write_text(BARE_PAGE)
        references["the same with one Plotly chart"].write_text(PLOTLY_PAGE)
        times = {}
        for name, path in [*((name, None) for name in references), *PAGES.items()]:
            runs = []
            for _ in range(args.repeats):
                script, cwd = (references[name], with_app_settings(folder)) if path is None else (ROOT / "app.py", ROOT)
                with server(script, cwd) as (url, _pid):
                    runs.append(paint_seconds(browser, f"{url}/{path or ''}"))
            times[name] = sorted(runs)[len(runs) // 2]
        baseline, plotly_floor = times.pop("bare one-line page"), times.pop("the same with one Plotly chart")
        print(f"\nFirst paint on a fresh server, opened by its link (median of {args.repeats}):")
        print(f"  {'bare one-line page':40s} {baseline:6.2f} s")
        print(f"  {'the same with one Plotly chart':40s} {plotly_floor:6.2f} s  {plotly_floor / baseline:4.1f}x the "
              "bare page: the floor for a page that draws Plotly")
        for name, seconds in times.items():
            ratio = seconds / baseline
            verdict = "(goal met)" if ratio <= GOAL_RATIO else f"(over the {GOAL_RATIO}x goal)"
            print(f"  {name:40s} {seconds:6.2f} s  {ratio:4.1f}x the bare page {verdict}")
        rounds = []
        for _ in range(args.repeats):
            with server(ROOT / "app.py", ROOT) as (url, _pid):
                rounds.append(in_app_seconds(browser, url))
        print(f"\nThe same pages by the home page's links, in the tab that opened it, on a fresh server (median of "
              f"{args.repeats}; no page load: Streamlit's and Plotly's scripts run once a tab, not once a page):")
        for name in rounds[0]:
            print(f"  {name:40s} {sorted(r[name] for r in rounds)[len(rounds) // 2]:6.2f} s")
        with server(ROOT / "app.py", ROOT) as (url, pid):
            before = resident_mb(pid)
            for path in PAGES.values():
                paint_seconds(browser, f"{url}/{path}")
            after = resident_mb(pid)
        print(f"\nServer memory: {before:.0f} MB started, {after:.0f} MB after every page once "
              f"({'under' if after < GOAL_MB else 'over'} the {GOAL_MB} MB goal)")
        browser.close()
    if args.sessions:
        import asyncio
        import statistics

        with server(ROOT / "app.py", ROOT) as (url, pid):
            os.nice(10)  # the clients below run at a lower priority than the server, so they do not starve it
            server_before, machine_before, started = process_cpu_seconds(pid), machine_cpu_seconds(), time.monotonic()
            alone, visits = asyncio.run(crowd(url, args.sessions, args.think))
            server_cpu, machine_cpu = process_cpu_seconds(pid) - server_before, machine_cpu_seconds() - machine_before
            wall = time.monotonic() - started
            peak = resident_mb(pid)
        crowded = [seconds for visit in visits for seconds in visit.reruns]
        errors = alone.errors + sum(visit.errors for visit in visits)
        one, many = statistics.median(alone.reruns), statistics.median(crowded)
        p95 = percentile(crowded, 0.95)
        openings = [visit.opening for visit in visits]
        think = f"{args.think[0]:g}" if args.think[0] == args.think[1] else f"{args.think[0]:g}-{args.think[1]:g}"
        print(f"\nOpening the Filters page's learned view, then the Parameter lab: one session alone "
              f"{alone.opening:.1f} s; {args.sessions} at once: median {statistics.median(openings):.1f} s, slowest "
              f"{max(openings):.1f} s")
        print(f"Re-runs after a widget change (Parameter lab, {CHANGES} changes a session, each after a {think} s "
              "pause, once every session has opened the pages):")
        print(f"  one session alone: median {one * 1000:.0f} ms")
        print(f"  {args.sessions} sessions at once: median {many * 1000:.0f} ms ({many / one:.1f}x one session; goal "
              f"{GOAL_CROWD_RATIO:.0f}x), p95 {p95 * 1000:.0f} ms (goal {GOAL_P95_S * 1000:.0f} ms), "
              f"{len(crowded)} re-runs, {errors} errors seen; server {peak:.0f} MB")
        # Who used the CPU: the server and the browsers share this machine, so a re-run waits for either.
        print(f"  CPU in those {wall:.0f} s: the server {server_cpu:.1f} s, the whole machine {machine_cpu:.1f} s of "
              f"{wall * (os.cpu_count() or 1):.0f} s ({os.cpu_count()} cores); the rest is the browser sessions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
