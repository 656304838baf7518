"""The crowd benchmark's protocol client against a real server: it opens pages and changes a widget as a browser
does, sees the new output shape in the server's answer, and says when a page does not exist."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from dsconv.bench.crowd import ProtocolError, Session, class_of, open_session
from dsconv.bench.pages import ROOT, server


def run(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def url():
    with server(ROOT / "app.py", ROOT) as (address, _pid):
        yield address


def test_two_sessions_change_n_and_see_each_new_shape(url):
    times, errors = run(class_of(url, 2, paced=False, visits=("Parameter_lab",)))  # raises if an answer
    # lacks the new shape "30 x 30 x N"
    assert len(times) == 10 and all(t > 0 for t in times) and errors == 0


def test_an_unknown_page_is_a_protocol_error(url):
    async def ask():
        socket = await open_session(url)
        try:
            await Session(socket).run("No_such_page")
        finally:
            await socket.close()

    with pytest.raises(ProtocolError, match="no page 'No_such_page'"):
        run(ask())


def test_a_preloaded_server_has_keras_before_its_first_run(tmp_path):
    """`bench crowd --keras`: the server imports Keras before any page runs, as after an arena launch."""
    page = tmp_path / "probe.py"
    page.write_text('import sys\n\nimport streamlit as st\n\nst.write(f"keras loaded: {\'keras\' in sys.modules}")\n')

    async def ask(address):
        socket = await open_session(address)
        try:
            return await Session(socket).run("")
        finally:
            await socket.close()

    with server(page, tmp_path, preload=("keras",)) as (address, _pid):
        assert b"keras loaded: True" in run(ask(address)).payload
    with server(page, tmp_path) as (address, _pid):
        assert b"keras loaded: False" in run(ask(address)).payload
