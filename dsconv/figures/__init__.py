"""Every Plotly figure the pages show, built from plain numbers; `style` holds the look they share.

Builders compute nothing a page could not check: they take dsconv's results and return figures.
"""

from __future__ import annotations

from dsconv.figures import cost, filters, networks  # namespaces the pages read from
from dsconv.figures.cost import idea_figure
from dsconv.figures.sliding import output_labels, sliding_figure
from dsconv.figures.speed import (
                                  intensity_figure,
                                  layer_name,
                                  ratio_figure,
                                  roofline_figure,
                                  sweep_figure,
                                  timing_table,
                                  tutorial_table,
                                  work_and_time_figure,
)
from dsconv.figures.style import CHANNEL_COLOURS, SERIES_COLOURS, SIGNED, axis, log_ticks, readable, two_lines
from dsconv.figures.training import frames_note, live_figure, replay_figure
from dsconv.figures.volume import MAX_VOLUME_FRAMES, volume_figure

__all__ = ["axis", "CHANNEL_COLOURS", "SERIES_COLOURS", "cost", "filters", "frames_note", "idea_figure", "intensity_figure", "networks",
           "layer_name", "live_figure", "log_ticks", "MAX_VOLUME_FRAMES", "output_labels", "ratio_figure",
           "readable", "replay_figure", "roofline_figure", "SIGNED", "sliding_figure", "sweep_figure",
           "timing_table", "tutorial_table", "two_lines", "volume_figure", "work_and_time_figure"]
