"""The app's own server settings (.streamlit/config.toml) on a real `streamlit run`: a running server whose source
files change (a teacher editing a page, a `git pull`) keeps serving its pages without a traceback."""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor

from dsconv.bench.crowd import Session, open_session
from dsconv.bench.pages import ROOT, server


def test_an_edited_source_file_leaves_the_filters_page_working(tmp_path):
    """With Streamlit's file watcher on, an edit of dsconv/figures re-imported the changed modules on the next run,
    and the models cached for the Filters page were of the old classes: "'NumpyModel' object has no attribute
    'outputs'" until the server restarted."""
    for part in ("app.py", "pages", "dsconv", "dsconv_ui", ".streamlit"):
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy
        copy(ROOT / part, tmp_path / part)

    async def visit_edit_visit(url):
        socket = await open_session(url)
        try:
            session = Session(socket)
            first = await session.run("Filters_on_your_image")
            for name in ("dsconv/figures/style.py", "dsconv/figures/sliding.py"):
                path = tmp_path / name
                path.write_text(path.read_text() + "\n# edited while the server runs\n")
            await asyncio.sleep(3)  # Streamlit's watcher polls every 0.2 s where watchdog is missing
            return first, await session.run("Filters_on_your_image")
        finally:
            await socket.close()

    # the app's settings only, as `streamlit run app.py` reads them
    with server(tmp_path / "app.py", tmp_path, settings=()) as (url, _pid), ThreadPoolExecutor(1) as pool:
        before, after = pool.submit(asyncio.run, visit_edit_visit(url)).result()  # Playwright may hold this loop
    assert before.errors == 0 and b"Learned filters" in before.payload
    assert after.errors == 0, after.payload[-2000:]
