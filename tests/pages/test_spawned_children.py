"""A process a page starts with multiprocessing's spawn (the Training arena's speed probe, its training process)
must not run the page again: spawn runs the main module's file in each child, and Streamlit makes the page the
main module. The probe ran the whole Training arena page outside Streamlit, logging some 190 warnings."""

from __future__ import annotations

import textwrap

from streamlit.testing.v1 import AppTest

PAGE = textwrap.dedent('''
    from pathlib import Path
    if __name__ == "__mp_main__":  # this file run again, in the child
        Path(__file__).with_suffix(".ran").write_text("run again in the child")
    else:
        import multiprocessing
        import os
        from dsconv_ui.common import page_setup, share_link

        {setup}
        child = multiprocessing.get_context("spawn").Process(target=os.getpid)
        child.start()
        child.join(120)
        Path(__file__).with_suffix(".child").write_text(str(child.exitcode))
        share_link()
''')


def run(tmp_path, setup: str) -> AppTest:
    script = tmp_path / "page.py"
    script.write_text(PAGE.format(setup=setup))
    at = AppTest.from_file(str(script), default_timeout=180).run()
    assert not at.exception, at.exception
    assert (tmp_path / "page.child").read_text() == "0"  # the child started and ended well
    return at


def test_a_child_process_does_not_run_the_page_again(tmp_path):
    run(tmp_path, 'page_setup("Test", "🧪")')
    assert not (tmp_path / "page.ran").exists()


def test_without_page_setup_the_child_runs_the_page_again(tmp_path):
    """The test above can fail: the same page without page_setup is run again in its child."""
    run(tmp_path, "")
    assert (tmp_path / "page.ran").exists()
