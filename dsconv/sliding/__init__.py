"""A kernel sliding over a picture, step by step, in NumPy: the data behind the Sliding kernels animation.

The step engine (`engine`), the frames a figure animates (`frames`), the preset kernels (`kernels`) and the
sample pictures (`samples`). Frames are data, not drawing: dsconv.figures turns them into figures.
"""

from __future__ import annotations

from dsconv.sliding import samples  # namespaces the pages read from
from dsconv.sliding.engine import (
                                   CHANNEL_NAMES,
                                   Layer,
                                   SlidingConfig,
                                   Stage,
                                   alike_note,
                                   axis_padding,
                                   build_layer,
                                   cancelled_outputs,
                                   channel_names,
                                   faint_maps,
                                   hidden_names,
                                   layer_weights,
                                   maps_alike,
                                   run_layer,
                                   standard_twins,
                                   weight_notes,
                                   weight_rules,
                                   window_starts,
                                   zero_note,
)
from dsconv.sliding.frames import MAX_FRAMES, Frame, Timeline, build_timeline, frame_detail, watched_channels
from dsconv.sliding.kernels import MAX_KERNEL_SIZE, PRESET_LABELS, PRESET_NOTES, PRESETS, size_one_note
from dsconv.sliding.samples import SAMPLE_LABELS, SAMPLE_NAMES, SAMPLE_NOTES, SAMPLES, sample_image, shrink_to_square

__all__ = ["alike_note", "axis_padding", "build_layer", "build_timeline", "cancelled_outputs", "CHANNEL_NAMES",
           "channel_names", "faint_maps", "Frame", "frame_detail", "hidden_names", "Layer", "layer_weights",
           "maps_alike", "MAX_FRAMES", "MAX_KERNEL_SIZE", "PRESET_LABELS", "PRESET_NOTES", "PRESETS", "run_layer",
           "size_one_note", "sample_image", "SAMPLE_LABELS", "SAMPLE_NAMES", "SAMPLE_NOTES", "SAMPLES", "samples",
           "shrink_to_square", "SlidingConfig", "Stage", "standard_twins", "Timeline", "watched_channels",
           "weight_notes", "weight_rules", "window_starts", "zero_note"]
