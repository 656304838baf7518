"""Sentences of the Parameter lab that state a fact about its numbers, each chosen from those numbers.

`costs` is what the lab computes for one layer: kind -> dsconv.costs.arithmetic.LayerCost, or the sentence
that refuses that kind. Each function returns Markdown text (or None when there is nothing true to say),
so the page shows only what its own table supports; tests/test_lab_text.py drives every branch.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from dsconv.costs.arithmetic import (
    as_pair,
    axis_padding,
    parts_text,
    shape_text,
    share_apart,
    share_text,
    tutorial_cost,
)
from dsconv.kinds import KINDS
from dsconv.safe_text import counted, digits_apart_from_one, number_article


def counting_rule(height: int, width: int, kernel_size: int, strides: int, dilation_rate: int, padding: str) -> str:
    """How the table counts multiply-adds: one per weight per output position, the zeros of padding "same" included
    where it adds any (said with how many: an 11 x 11 kernel on a 1 x 1 input reads 120 zeros for 1 pixel)."""
    rows, cols = (sum(axis_padding(length, kernel, stride, dilation, padding))
                  for length, kernel, stride, dilation in zip((height, width), as_pair(kernel_size, "kernel_size"),
                                                               as_pair(strides, "strides"),
                                                               as_pair(dilation_rate, "dilation_rate")))
    said = "one multiply-add per weight per output position"
    if rows or cols:
        said += (f", the zeros that padding \"same\" adds around the input included "
                 f"({counted(rows, 'row')} and {counted(cols, 'column')} of them here)")
    return said


def _valid(costs: Mapping[str, Any], *kinds: str) -> bool:
    return all(not isinstance(costs.get(kind), (str, type(None))) for kind in kinds)


def pointwise_row_note(costs: Mapping[str, Any], in_shape: tuple[int, int, int], flops: bool = False) -> str | None:
    """What the Pointwise (1x1) row counts, and whether the depthwise and pointwise rows add up to a separable layer,
    in the table's unit: multiply-adds, or FLOPs (twice as many) when `flops`."""
    if not _valid(costs, "pointwise"):
        return None
    unit, per = ("FLOPs", 2) if flops else ("multiply-adds", 1)
    pointwise = costs["pointwise"].multiply_adds * per
    note = (f"The **{KINDS['pointwise'].label}** row is a 1x1 layer on the raw {shape_text(in_shape)} input "
            f"({pointwise:,} {'multiply-add' if pointwise == 1 else unit}).")  # "(1 multiply-adds)" on 1 x 1 x 1
    if not _valid(costs, "depthwise", "separable"):
        return note
    depthwise, separable = costs["depthwise"].multiply_adds * per, costs["separable"]
    inner, whole = separable.stages[1].multiply_adds * per, separable.multiply_adds * per
    total = depthwise + pointwise
    inner_input = separable.stages[0].output_shape
    if total == whole:
        adds_up = (f"so the DepthwiseConv2D row plus this row ({depthwise:,} + {pointwise:,}) equals "
                   f"SeparableConv2D's {whole:,} {unit}.")
        if tuple(inner_input) == tuple(in_shape):
            return note + f" Here the 1x1 step inside SeparableConv2D reads a tensor of the same size " \
                          f"({shape_text(inner_input)}), {adds_up}"
        height, width = costs["pointwise"].output_shape[:2]
        if (height, width) == tuple(inner_input[:2]):
            # a stride: the row reads the raw input at the layer's output positions, the step all of the depthwise
            # output
            return (note + f" With the layer's stride it visits {height} x {width} positions, as many as the 1x1 "
                    f"step inside SeparableConv2D, which reads the depthwise output ({shape_text(inner_input)}), "
                    f"{adds_up}")
        # fewer positions of more channels (a depth multiplier m: m x the channels at 1/m of the positions): the same
        # sum by another product; "as many positions" was said of 12 against 6
        return (note + f" Inside SeparableConv2D the 1x1 step reads the depthwise output instead "
                f"({shape_text(inner_input)}): its {counted(inner_input[0] * inner_input[1], 'position')} x "
                f"{counted(inner_input[2], 'channel')} come to what this row's {counted(height * width, 'position')} x "
                f"{counted(in_shape[2], 'channel')} do, "
                f"{adds_up}")
    return (note + f" Inside SeparableConv2D the 1x1 step reads the depthwise output instead "
            f"({shape_text(separable.stages[0].output_shape)}: {inner:,} {unit}), so the DepthwiseConv2D row plus "
            f"this row ({depthwise:,} + {pointwise:,} = {total:,}) is not SeparableConv2D's {whole:,}. The ↳ rows "
            "under each two-step layer are its own two steps: they add up.")


def reading_note(costs: Mapping[str, Any], in_channels: int, depth_multiplier: int, use_bias: bool = True) -> str:
    """How to read the two-step rows, in this layer's terms: m kernels per channel, 1 x 1 x (C·m) filters, and the
    parameters each two-step layer has here. (It said "286 where Keras's SeparableConv2D has 283, for 32 x 32 x 3 to
    64, k = 3" under a table of another layer, with 508 and 502; with biases off, that SeparableConv2D has "one bias
    vector at the end" beside a table that counts none.)"""
    c, m = in_channels, depth_multiplier
    kernels = "one k x k kernel" if m == 1 else f"{m} k x k kernels"
    depth = "C" if m == 1 else f"C·m = {c * m}"
    note = (f"**Read the table like this.** The *depthwise* step slides {kernels} over each input channel (over "
            "height and width; a channel is not a spatial dimension). The *pointwise* step is N filters of "
            f"1 x 1 x {depth}: it mixes channels at each pixel. ")
    valid = _valid(costs, "separable", "depthwise_pointwise")
    if not use_bias:
        same = f"both have {costs['separable'].params:,} parameters" if valid else "both have the same count"
        return note + ("*SeparableConv2D* is the two together, and so is the tutorial's depthwise + pointwise layer, "
                       "in two layers. With biases, SeparableConv2D adds one bias vector at the end and the "
                       f"tutorial's layer one after each step; without them, as here, {same}.")
    note += ("*SeparableConv2D* is the two together with one bias vector at the end; the tutorial's depthwise + "
             "pointwise layer keeps a bias in both steps")
    if not valid:
        return note + "."
    separable, pair = costs["separable"].params, costs["depthwise_pointwise"].params
    more = pair - separable
    return note + (f", so here it has {pair:,} parameters to SeparableConv2D's {separable:,}: {more:,} more, the "
                   f"{'bias' if more == 1 else 'biases'} of its depthwise step.")


def grouped_note(costs: Mapping[str, Any], groups: int) -> str | None:
    """Say that one group is the standard layer, when the grouped row repeats the standard row."""
    if groups != 1 or not _valid(costs, "grouped"):
        return None
    return ("With **g = 1** a grouped convolution has one group holding every channel: it *is* the standard "
            "layer, so its row repeats the standard row. Set g above 1 (a divisor of both C and N) to split the "
            "channels; g = C with N a multiple of C is a depthwise convolution.")


def pointwise_share(costs: Mapping[str, Any]) -> str | None:
    """Which step of SeparableConv2D does most of its multiply-adds for this layer, with the share."""
    if not _valid(costs, "separable"):
        return None
    depthwise, pointwise = costs["separable"].stages
    total = depthwise.multiply_adds + pointwise.multiply_adds
    share = pointwise.multiply_adds / total
    if tuple(depthwise.kernel_shape[:2]) == (1, 1):  # no k x k work to split off ("once the k x k work is depthwise")
        return (f"For the layer you set up, the pointwise step does **{share_apart(share, 0.5)}** of "
                "SeparableConv2D's multiply-adds, yet with k = 1 there is no looking around to split off: the "
                "depthwise step only scales each channel, and SeparableConv2D does more than a 1x1 Conv2D would.")
    if share > 0.5:
        return (f"For the layer you set up, the pointwise step does **{share_apart(share, 0.5)}** of "
                "SeparableConv2D's multiply-adds: once the k x k work is depthwise, mixing the channels is what costs.")
    if share < 0.5:
        return (f"For the layer you set up, the depthwise step does **{share_apart(1 - share, 0.5)}** of "
                "SeparableConv2D's multiply-adds: with fewer output channels than the kernel has positions (k x k), "
                "looking around costs more than mixing the channels.")
    return "For the layer you set up, the depthwise and the pointwise steps do the same number of multiply-adds."


def network_pointwise_share(pointwise_params: int, pointwise_macs: int, depthwise_macs: int, total_params: int,
                            total_macs: int, kernel_size: int) -> str | None:
    """Share of a network's params and multiply-adds in its pointwise (1 x 1) parts, and which part does most of
    the work, if one does (the dense layers and any standard convolution count in the total too)."""
    if not pointwise_macs:
        return None
    macs, depthwise = pointwise_macs / total_macs, depthwise_macs / total_macs

    def lead(macs_text: str) -> str:
        return (f"**The pointwise (1 x 1) parts hold {share_text(pointwise_params / total_params)} of the parameters "
                f"and do {macs_text} of the multiply-adds.**")

    # The shares the sentence weighs against one half read on their side of it (50.19 % read "50%" beside "what
    # costs"), and shares read together add up to 100 % ("8.2%" pointwise and "92%" depthwise, with 0.07 % other)
    rest = max(0, total_macs - depthwise_macs - pointwise_macs) / total_macs  # counted: exactly 0 where none
    shown = parts_text([depthwise, macs, rest])
    k = f"{kernel_size} x {kernel_size}"
    if kernel_size == 1:  # nothing spatial to split off: a depthwise step only scales each channel
        return lead(share_apart(macs, 0.5)) + (
            " With 1 x 1 kernels there is no spatial work to split off: each depthwise step only scales its channels, "
            "so a separable layer costs more than a standard 1 x 1 layer, not less.")
    if macs > 0.5:  # one share said: on its own
        return lead(share_apart(macs, 0.5)) + f" Once the {k} work is depthwise, mixing the channels is what costs."
    if depthwise > 0.5:  # two shares said together: parts_text's, which add up
        return lead(shown[1]) + (f" With {k} kernels and these channel counts the depthwise steps still do most of "
                                 f"the work ({shown[0]}): mixing channels costs less than looking around.")
    return lead(shown[1]) + (f" No part does most of the work: the depthwise steps do {shown[0]}, the pointwise "
                             f"parts {shown[1]}, the other layers {shown[2]}.")


def kernel_term_note(kernel_size: int, out_channels: int, depth_multiplier: int) -> str:
    """Which term of 1/N + 1/k^2 dominates for this layer, and the floor 1/k^2 puts under the separable cost."""
    k2 = kernel_size**2
    if kernel_size == 1:  # m x (1/N + 1): "a little more" was said of 8.125 times (m = 8), and of 2 (N = 1)
        formula = "1/N + 1" if depth_multiplier == 1 else "m x (1/N + 1)"
        times = depth_multiplier * (1 / out_channels + 1)
        shown = f"{times:.4g}" if float(f"{times:.4g}") != 1 else f"{times:.{digits_apart_from_one(times, 4)}f}"
        return ("With k = 1 there is nothing to separate: the depthwise step only scales each channel, so the "
                f"separable layer does {formula} = {shown} times the standard 1 x 1 layer's multiply-adds.")
    if out_channels > k2:
        which = f"with N = {out_channels} > k² = {k2}, the 1/k² term is the larger one"
    elif out_channels < k2:
        which = f"with N = {out_channels} < k² = {k2}, the 1/N term is the larger one"
    else:
        which = f"with N = k² = {k2}, the two terms are equal"
    return (f"For k = {kernel_size}, {which}. However wide the layer, {number_article(kernel_size)} {kernel_size} x "
            f"{kernel_size} separable layer never gets below {_floor_text(k2, depth_multiplier)}.")


def _floor_text(k2: int, depth_multiplier: int) -> str:
    """m / k² of the standard cost, reduced: with m = 8 and k = 2 the lab said "1/4 x m = 8/4 of the standard cost",
    twice that cost written as a share of it."""
    floor = Fraction(depth_multiplier, k2)
    if depth_multiplier == 1:
        return f"1/{k2} of the standard cost"
    if floor < 1:
        value = f"{floor} of the standard cost"
    elif floor == 1:
        value = "the standard cost itself"
    else:
        value = f"{float(floor):g} times the standard cost"
    return f"1/{k2} x m = {value}"


def tutorial_saving() -> str:
    """The tutorial's first layer (32 x 32 x 3 to 64, k = 3): its parameter and multiply-add savings, computed."""
    standard, separable, pair = (tutorial_cost(kind) for kind in ("standard", "separable", "depthwise_pointwise"))
    return (f"For the tutorial's 3 → 64 layer the parameter saving is {standard.params:,} / {pair.params:,} = "
            f"{standard.params / pair.params:.2f}x ({standard.params:,} / {separable.params:,} = "
            f"{standard.params / separable.params:.2f}x against Keras's SeparableConv2D), not \"less than 6 times\"; "
            f"its multiply-add saving is {standard.multiply_adds / separable.multiply_adds:.2f}x.")
