"""Every Plotly figure the pages show, built from plain numbers; `style` holds the look they share.

Builders compute nothing a page could not check: they take dsconv's results and return figures.

Names are loaded from their module when first read (PEP 562): a page that needs one figure does not import the
builders of every other page (and their engines) on a fresh server's first visit. The home page needs only the idea
picture, drawn as SVG: 0.17 s of imports less before it shows on a 2-core machine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each public name and the module that defines it.
_HOMES = {
    "idea_figure": "cost", "idea_layout": "cost",
    "faint_maps_note": "sliding", "output_labels": "sliding", "same_copies_note": "sliding",
    "short_names_note": "sliding", "sliding_figure": "sliding",
    "intensity_figure": "speed", "ratio_figure": "speed", "roofline_figure": "speed",
    "sweep_figure": "speed", "timing_table": "speed", "tutorial_table": "speed", "work_and_time_figure": "speed",
    "CHANNEL_COLOURS": "style", "SERIES_COLOURS": "style", "SIGNED": "style", "axis": "style", "log_ticks": "style",
    "page_width_px": "style", "projected_scale": "style", "readable": "style", "text_em": "style", "two_lines": "style",
    "DrawingError": "svg", "drawing_svg": "svg",
    "frames_note": "training", "live_figure": "training", "replay_figure": "training",
    "MAX_VOLUME_FRAMES": "volume", "volume_figure": "volume",
}
_NAMESPACES = ("cost", "filters", "networks")  # modules the pages read from as namespaces (figures.cost.cost_figure)

# every name in _HOMES and _NAMESPACES
__all__ = ["CHANNEL_COLOURS", "DrawingError", "MAX_VOLUME_FRAMES", "SERIES_COLOURS", "SIGNED", "axis", "cost",
           "drawing_svg", "faint_maps_note", "filters", "frames_note", "idea_figure", "idea_layout",
           "intensity_figure", "live_figure", "log_ticks", "networks", "output_labels", "page_width_px",
           "projected_scale", "ratio_figure", "readable", "replay_figure", "roofline_figure", "same_copies_note",
           "short_names_note", "sliding_figure", "sweep_figure", "text_em", "timing_table", "tutorial_table",
           "two_lines", "volume_figure", "work_and_time_figure"]


def __getattr__(name: str):
    if name in _NAMESPACES:
        return importlib.import_module(f"{__name__}.{name}")
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value  # read once: later reads are plain attribute reads
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for readers and type checkers: what the names are
    from dsconv.figures import cost, filters, networks
    from dsconv.figures.cost import idea_figure, idea_layout
    from dsconv.figures.sliding import output_labels, short_names_note, sliding_figure
    from dsconv.figures.speed import (
        intensity_figure,
        ratio_figure,
        roofline_figure,
        sweep_figure,
        timing_table,
        tutorial_table,
        work_and_time_figure,
    )
    from dsconv.figures.style import (
        CHANNEL_COLOURS,
        SERIES_COLOURS,
        SIGNED,
        axis,
        log_ticks,
        page_width_px,
        projected_scale,
        readable,
        text_em,
        two_lines,
    )
    from dsconv.figures.svg import DrawingError, drawing_svg
    from dsconv.figures.training import frames_note, live_figure, replay_figure
    from dsconv.figures.volume import MAX_VOLUME_FRAMES, volume_figure
