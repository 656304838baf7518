"""The animation's frames as data: for each step, where the kernel is, what it reads, multiplies and writes.

A step is one output position of one stage: at that position every output channel of the stage
writes its cell (so all output maps fill in together), and one "watched" set of kernels is shown
in full. The running multiply-add count adds, per position, one multiply-add per weight of every
kernel; its last value equals dsconv.costs.arithmetic's layer_cost (the tests check it for every mode).
When a layer has more positions than MAX_FRAMES, consecutive positions are grouped into one frame
(the frame shows the last of them) to keep the figure small; `Timeline.positions_per_frame` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from dsconv.sliding.engine import Layer

MAX_FRAMES = 300  # about 3 KB each: a 16 x 16 separable layer stays near 1 MB of figure


@dataclass(frozen=True)
class Frame:
    """One picture of the animation."""

    stage: int  # index into layer.stages
    position: int  # raster index of the output position shown (row * W' + col) within its stage
    row: int  # output row
    col: int  # output column
    watched: tuple[int, ...]  # output channels whose kernels are shown in full
    filled: int  # output positions of this stage already written (this one included)
    multiply_adds: int  # multiply-adds so far in this mode, all stages and output channels
    standard_multiply_adds: Fraction  # a standard convolution to the same output, the same share of its work done
    # (steps done / all steps of all stages), exactly: 41/72 of 2,916 is 1,660.5
    written: np.ndarray  # the value every output channel of this stage writes here


@dataclass(frozen=True)
class Timeline:
    """All frames of a layer, and how the steps were grouped."""

    layer: Layer
    frames: tuple[Frame, ...]
    positions_per_frame: int  # 1 = every step has its frame; more = steps grouped
    watch: int  # the filter (or depthwise copy) the student chose to watch, from 0

    @property
    def total_positions(self) -> int:
        """Output positions over all stages: the number of steps before any grouping."""
        return sum(stage.positions for stage in self.layer.stages)


def watched_channels(layer: Layer, stage_index: int, watch: int) -> tuple[int, ...]:
    """Output channels shown in full: the chosen filter, or for depthwise copy j every channel's kernel c * m + j."""
    stage = layer.stages[stage_index]
    count = stage.output.shape[2]
    if stage.name == "depthwise":
        multiplier = layer.config.depth_multiplier
        copy = min(watch, multiplier - 1)
        return tuple(c * multiplier + copy for c in range(count // multiplier))
    return (min(watch, count - 1),)


def build_timeline(layer: Layer, watch: int = 0, max_frames: int = MAX_FRAMES) -> Timeline:
    """Frames for every output position of every stage, grouped in runs of ceil(steps / max_frames) if needed (the first
    step of each run shown, and each stage's last step). A standard convolution's share of work is kept exact: rounded
    down to a whole count, 41/72 of 2,916 read "1,660" (it is 1,660.5)."""
    if max_frames < 1:
        raise ValueError(f"max_frames must be at least 1; got {max_frames}.")
    watch = max(0, int(watch))
    total = sum(stage.positions for stage in layer.stages)
    group = max(1, math.ceil(total / max_frames))
    standard_total = layer.standard_cost.multiply_adds
    frames = []
    done_macs = done_positions = 0
    for stage_index, stage in enumerate(layer.stages):
        width = stage.cols.shape[0]
        watched = watched_channels(layer, stage_index, watch)
        per_position = stage.products_per_position
        for position in range(stage.positions):
            done_macs += per_position  # one multiply-add per weight of every kernel at this position
            done_positions += 1
            last_of_stage = position == stage.positions - 1
            # Steps 1, 1 + group, 1 + 2 group, ... and each stage's last: the animation opens on the first step
            # (row 1, column 1), which a 512-step layer skipped when it showed every second step from step 2.
            if (done_positions - 1) % group and not last_of_stage:
                continue
            row, col = divmod(position, width)
            frames.append(Frame(stage_index, position, row, col, watched, position + 1, done_macs,
                                Fraction(standard_total * done_positions, total), stage.output[row, col].copy()))
    return Timeline(layer, tuple(frames), group, watch)


def frame_detail(timeline: Timeline, frame: Frame) -> list[dict]:
    """For each watched output channel: channels read, padded cells, window, weights, products and their sum."""
    stage = timeline.layer.stages[frame.stage]
    details = []
    for channel in frame.watched:
        window = stage.window(frame.row, frame.col, channel)
        weights = stage.filters[channel]
        products = window * weights
        details.append({
            "output_channel": channel,
            "reads": stage.reads[channel],
            "rows": stage.rows[frame.row],
            "cols": stage.cols[frame.col],
            "window": window,
            "weights": weights,
            "products": products,
            "sum": float(products.sum()),
        })
    return details
