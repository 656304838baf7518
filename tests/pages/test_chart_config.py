"""Every chart of every page is drawn without Plotly's toolbar: on a projector its icons, shown on hover, covered the
Filters page's kernel titles ("blue: Sobel x") and the Speed lab's, and no lesson of the app needs its zoom or export."""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT

PAGES = sorted(str(path.relative_to(ROOT)) for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")])


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_is_drawn_without_plotlys_toolbar(page):
    tree = ast.parse((ROOT / page).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "plotly_chart"]
    for call in calls:
        config = next((keyword.value for keyword in call.keywords if keyword.arg == "config"), None)
        assert config is not None, f"{page}:{call.lineno} draws a chart without config="
        settings = ast.literal_eval(config)
        assert settings.get("displayModeBar") is False, f"{page}:{call.lineno}"
