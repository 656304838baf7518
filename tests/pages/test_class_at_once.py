"""A class opening its links at the same moment on a freshly started server (Streamlit runs each session's script in
a thread of its own)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from dsconv.bench.crowd import Session, open_session
from dsconv.bench.pages import ROOT, server

# Real networks imports pandas on its first run (st.dataframe); the others build Plotly figures meanwhile.
PAGES = ("Real_networks", "Speed_lab", "Parameter_lab", "Training_arena") * 4


async def first_runs(url: str) -> list[tuple[str, int, bytes]]:
    sockets = [await open_session(url) for _ in PAGES]
    try:
        answers = await asyncio.gather(*(Session(socket).run(page) for socket, page in zip(sockets, PAGES)))
    finally:
        for socket in sockets:
            await socket.close()
    return [(page, answer.errors, answer.payload) for page, answer in zip(PAGES, answers)]


def test_sixteen_first_runs_at_once_on_a_fresh_server_show_no_exception():
    """16 students open four pages at once on a server that has just started: 7 to 11 of them got a traceback,
    "partially initialized module 'pandas' has no attribute 'Series'" (or 'numpy' ... 'ndarray'), where Plotly took a
    module another session's thread was still importing for the module itself (dsconv.figures.plotting)."""
    with server(ROOT / "app.py", ROOT) as (url, _pid):
        with ThreadPoolExecutor(1) as pool:  # a loop of its own: the browser tests' Playwright keeps one in this thread
            runs = pool.submit(asyncio.run, first_runs(url)).result()
    # each failed run: its page, and whether it was the half-imported module
    failed = [(page, b"partially initialized" in payload) for page, errors, payload in runs if errors]
    assert not failed, failed
