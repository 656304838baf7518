"""Processes the arena starts with multiprocessing's spawn, without the script Streamlit runs.

A spawned child runs the parent's main module again before its target, to find what the parent defined there.
Under Streamlit the main module is the app's script (app.py's, for every page): the speed probe's process ran the
home page outside Streamlit, with some 190 warnings, before loading TensorFlow. The arena's targets live in dsconv's
modules, so its children need none of the main module: `without_main()` leaves it out of what a process started in
its block is told, in that thread only (other threads, and other code's processes, are untouched: Streamlit installs
a new main module at the start of each session's run, so marking the module itself raced with them).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from multiprocessing import spawn
from typing import Iterator

_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")
_local = threading.local()
_original = spawn.get_preparation_data


def _preparation_data(name: str) -> dict:
    data = _original(name)
    if getattr(_local, "without_main", False):
        for key in _MAIN_KEYS:
            data.pop(key, None)
    return data


if getattr(spawn.get_preparation_data, "__module__", None) != __name__:  # once per process
    spawn.get_preparation_data = _preparation_data


@contextmanager
def without_main() -> Iterator[None]:
    """Processes started (spawned) in this block, in this thread, do not run the main module again."""
    before = getattr(_local, "without_main", False)
    _local.without_main = True
    try:
        yield
    finally:
        _local.without_main = before
