"""A process the Training arena starts with multiprocessing's spawn (its speed probe, its training process) must not
run the app's script again: spawn runs the parent's main module in each child, and Streamlit makes the script it runs
the main module (app.py's, for every page). The probe ran the home page outside Streamlit, logging some 190 warnings.
Marking that module was not enough: each session's run installs a new one, at any moment, in its own thread."""

from __future__ import annotations

import textwrap

import pytest
from streamlit.testing.v1 import AppTest

PAGE = textwrap.dedent('''
    import sys
    from pathlib import Path
    if __name__ == "__mp_main__":  # this file run again, in the child
        Path(__file__).with_suffix(".ran").write_text("run again in the child")
    else:
        import concurrent.futures
        import contextlib
        import multiprocessing
        import os
        import types

        from dsconv.arena.spawning import without_main

        if {another_run}:  # another session's run starts: a new, unmarked main module of the same file
            fresh = types.ModuleType("__main__")
            fresh.__file__ = sys.modules["__main__"].__file__
            sys.modules["__main__"] = fresh
        context = multiprocessing.get_context("spawn")
        guard = without_main() if {guarded} else contextlib.nullcontext()
        if {pool}:  # the probe's way
            with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
                with guard:
                    future = pool.submit(os.getpid)
                code = 0 if future.result() else 1
        else:  # the training process's way
            child = context.Process(target=os.getpid)
            with guard:
                child.start()
            child.join(120)
            code = child.exitcode
        Path(__file__).with_suffix(".child").write_text(str(code))
''')


def run(tmp_path, guarded: bool, pool: bool, another_run: bool) -> bool:
    """Whether the child ran the page's script again."""
    script = tmp_path / "page.py"
    script.write_text(PAGE.format(guarded=guarded, pool=pool, another_run=another_run))
    at = AppTest.from_file(str(script), default_timeout=180).run()
    assert not at.exception, at.exception
    assert (tmp_path / "page.child").read_text() == "0"  # the child started and ended well
    return (tmp_path / "page.ran").exists()


@pytest.mark.parametrize("pool", [False, True], ids=["process", "pool"])
@pytest.mark.parametrize("another_run", [False, True], ids=["alone", "another-run"])
def test_a_child_process_does_not_run_the_script_again(tmp_path, pool, another_run):
    assert not run(tmp_path, guarded=True, pool=pool, another_run=another_run)


@pytest.mark.parametrize("pool", [False, True], ids=["process", "pool"])
def test_without_the_guard_the_child_runs_the_script_again(tmp_path, pool):
    """The test above can fail: the same script, its child started without the guard, is run again in the child."""
    assert run(tmp_path, guarded=False, pool=pool, another_run=False)
