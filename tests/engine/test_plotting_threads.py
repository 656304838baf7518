"""Figures built while another thread imports pandas (dsconv.figures.plotting)."""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types

import plotly.io

from dsconv.figures import cost


def _half_imported(name: str) -> types.ModuleType:
    """A module as another thread's import leaves it in sys.modules before its code has run: empty, and marked so."""
    spec = importlib.machinery.ModuleSpec(name, None)
    spec._initializing = True
    module = types.ModuleType(name)
    module.__spec__ = spec
    return module


def test_a_figure_is_built_and_written_while_pandas_is_half_imported(monkeypatch):
    """On a 320 px phone Real networks showed "AttributeError: partially initialized module 'pandas' has no attribute
    'Series'": the page's second run built its figures while its first run (st.dataframe) still imported pandas, and
    Plotly took the half-made module for pandas. Here pandas stands half imported in sys.modules while a figure is
    built and written as Streamlit writes it: the figure is the same as without it."""
    def built() -> dict:
        fig = cost.cost_figure(["standard", "separable"], [1_792, 283], [1_555_200, 197_100], [225.0, 236.25],
                               "Multiply-adds", width_px=326)
        return json.loads(plotly.io.to_json(fig, validate=False))

    expected = built()
    monkeypatch.setitem(sys.modules, "pandas", _half_imported("pandas"))
    monkeypatch.setitem(sys.modules, "PIL.Image", _half_imported("PIL.Image"))
    assert built() == expected


def test_a_module_whose_import_is_done_is_still_found():
    """Plotly still sees numpy (it writes numpy arrays as typed arrays)."""
    import numpy

    from dsconv.figures.plotting import loaded_module

    assert loaded_module("numpy", should_load=False) is numpy
    assert loaded_module("no_such_module_here", should_load=False) is None
