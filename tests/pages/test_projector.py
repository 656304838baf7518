"""Projector mode hides the sidebar, so each page's main settings move to a bar at the top of the page, where
they still work (AppTest; the rendered sizes are measured in tests/browser/test_projector_browser.py)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, shown_tables

BARS = {  # page: the keys of the widgets in its projector bar
    "pages/1_Parameter_lab.py": ("lab_cin", "lab_cout", "lab_k"),
    "pages/2_Sliding_kernels.py": ("sl_mode", "sl_k", "sl_cout", "sl_preset"),
    "pages/3_Training_arena.py": ("arena_runs", "arena_archs"),
    "pages/5_Speed_lab.py": ("spd_size", "spd_cin", "spd_cout", "spd_k"),
    "pages/6_Quiz.py": ("quiz_seed", "quiz_topics", "quiz_new_set"),
    "pages/7_Real_networks.py": ("rn_model", "rn_size"),
}


def keys_in(container) -> set[str]:
    """The keys of every widget inside a container (AppTest's tree), however deep."""
    found = set()
    for element in container:
        key = getattr(element, "key", None)
        if key:
            found.add(key)
    return found


@pytest.mark.parametrize("page, keys", BARS.items(), ids=list(BARS))
def test_main_settings_leave_the_hidden_sidebar_in_projector_mode(page, keys):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception, at.exception
    in_sidebar, on_page = keys_in(at.sidebar), keys_in(at.main)
    assert set(keys) <= on_page and not set(keys) & in_sidebar, (set(keys) - on_page, set(keys) & in_sidebar)
    said = [element.value for kind in ("markdown", "caption", "info", "warning") for element in getattr(at, kind)]
    assert not [text for text in said if "in the sidebar" in str(text)]  # hidden in projector mode: nobody finds it
    normal = AppTest.from_file(str(ROOT / page), default_timeout=120)
    normal.run()
    assert set(keys) <= keys_in(normal.sidebar)  # without projector mode they stay in the sidebar


def test_a_bar_setting_changes_the_page_in_projector_mode():
    at = AppTest.from_file(str(ROOT / "pages/1_Parameter_lab.py"), default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    at.slider(key="lab_k").set_value(5).run()
    table = {row["Kind"]: row for _, row in shown_tables(at)[0].iterrows()}
    assert table["Standard Conv2D"]["Params"] == f"{5 * 5 * 3 * 64 + 64:,}"
    assert at.toggle(key="present").value is True


HIDDEN = {  # page: what projector mode hides with the sidebar, as the page names it there
    "pages/5_Speed_lab.py": "Turn projector mode off to change the batch, the timed repeats, the steps timed alone "
                            "and the sweep.",
    "pages/3_Training_arena.py": "Turn projector mode off to upload run files, or to choose which of your uploaded or "
                                 "launched runs to replay.",
}


@pytest.mark.parametrize("page, said", HIDDEN.items(), ids=list(HIDDEN))
def test_a_page_says_which_settings_projector_mode_hides(page, said):
    """The Speed lab's batch, repeats and sweep and the arena's run-file upload were in the hidden sidebar, and
    nothing on the projected page said how to reach them (the Parameter lab said it)."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception, at.exception
    assert said in [caption.value for caption in at.caption]
    normal = AppTest.from_file(str(ROOT / page), default_timeout=120)
    normal.run()
    assert not [caption.value for caption in normal.caption if "projector mode off" in caption.value]
