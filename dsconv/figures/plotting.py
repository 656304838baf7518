"""Plotly, made safe for a server that builds figures in many threads at once: every figure module takes `go` and
`make_subplots` from here.

Plotly asks whether a value is one of pandas' types (or numpy's, or a PIL image) by looking the module up in
sys.modules, without importing it. While one thread imports pandas (Streamlit's st.dataframe does, on Real networks),
the module stands there half made, and a figure built meanwhile in another thread failed with "partially initialized
module 'pandas' has no attribute 'Series'" (plotly/plotly.py#2433). It happened on one student's page: on a 320 px
phone, Real networks' second run, for the width the browser told, built its figures while its first run still imported
pandas; on a class's server any two sessions can meet so. Here a module still being imported counts as absent, as it
does before its import begins: no value the figures hold is of its types.
"""

from __future__ import annotations

import sys
from types import ModuleType

import _plotly_utils.optional_imports as optional_imports
import plotly.graph_objects as go
import plotly.io  # noqa: F401  (its JSON writer looks modules up too: it is patched with the rest)
from plotly.subplots import make_subplots

__all__ = ["go", "make_subplots", "loaded_module"]

_plotly_lookup = optional_imports.get_module


def loaded_module(name: str, should_load: bool = True) -> ModuleType | None:
    """Plotly's get_module, except that where it is not to load a module, one still being imported (by another
    thread) counts as absent. Python marks such a module with __spec__._initializing, which importlib checks too."""
    if not should_load:
        module = sys.modules.get(name)
        if getattr(getattr(module, "__spec__", None), "_initializing", False):
            return None
        return module
    return _plotly_lookup(name, should_load)


def _settle() -> None:
    """Every Plotly module loaded so far that holds get_module gets loaded_module instead, and so does
    optional_imports, where the modules loaded later take it from."""
    original = _plotly_lookup
    for module in list(sys.modules.values()):
        if getattr(module, "get_module", None) is original:
            module.get_module = loaded_module


_settle()
