"""A preset link restores every widget of a page: AppTest opens the page with query params, then every
widget bound to one of the page's URL settings must hold the link's value, and the page must write the same
link back. Each page's presets set a non-default value for every one of its Param keys (read from the page's
source, so a new Param without a preset here fails the coverage test).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
WIDGET_KINDS = ("number_input", "slider", "select_slider", "selectbox", "radio", "checkbox", "toggle",
                "multiselect", "text_input", "text_area", "button_group")

# page -> list of presets; a preset is {URL key: (URL text, the value its widget must then hold)}.
# Several presets per page where a widget only appears for some settings.
PRESETS: dict[str, list[dict[str, tuple[str, object]]]] = {
    "pages/6_Quiz.py": [
        {"quiz_seed": ("4321", 4321), "quiz_q": ("7", 7), "quiz_topics": ("shape,times_fewer", ["shape", "times_fewer"]),
         "present": ("1", True)},
    ],
}
TIMEOUTS = {"pages/6_Quiz.py": 30}


def param_keys(page: str) -> set[str]:
    """The keys of every Param(...) the page's source declares (its URL-shareable settings)."""
    tree = ast.parse((ROOT / page).read_text())
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Param" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
    return keys


def widgets_by_key(at: AppTest) -> dict[str, object]:
    """Every keyed widget on the page (main area and sidebar)."""
    found = {}
    for kind in WIDGET_KINDS:
        for widget in getattr(at, kind, []):
            if getattr(widget, "key", None):
                found[widget.key] = widget
    return found


def open_page(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUTS.get(page, 60))
    for key, text in query.items():
        at.query_params[key] = text
    return at.run()


CASES = [(page, number) for page, presets in PRESETS.items() for number in range(len(presets))]


@pytest.mark.parametrize("page, number", CASES, ids=[f"{Path(p).stem}-{n}" for p, n in CASES])
def test_preset_link_restores_every_widget(page, number):
    preset = PRESETS[page][number]
    default = widgets_by_key(open_page(page, {}))
    at = open_page(page, {key: text for key, (text, _) in preset.items()})
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    widgets = widgets_by_key(at)
    for key, (text, expected) in preset.items():
        assert key in widgets, f"{page}: no widget with key {key!r} after opening the preset link"
        assert widgets[key].value == expected, f"{page}: widget {key!r} holds {widgets[key].value!r}, not {expected!r}"
        if key in default:  # the preset really changes the widget: it is not the default value
            assert default[key].value != expected, f"{page}: preset value for {key!r} is its default"
    # the page writes the same link back: the address bar is the preset
    written = {key: at.query_params[key] for key in at.query_params}
    assert written == {key: text for key, (text, _) in preset.items()}


@pytest.mark.parametrize("page", list(PRESETS))
def test_every_url_setting_of_the_page_has_a_preset(page):
    covered = set().union(*(preset.keys() for preset in PRESETS[page]))
    assert param_keys(page) <= covered, f"{page}: no preset sets {sorted(param_keys(page) - covered)}"


def test_projector_mode_from_the_link_hides_the_sidebar():
    at = open_page("pages/6_Quiz.py", {"present": "1"})
    assert at.toggle(key="present").value is True
    assert any("stSidebar" in str(m.value) and "display: none" in str(m.value) for m in at.markdown)
