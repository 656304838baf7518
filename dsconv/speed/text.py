"""Sentences and titles of the Speed lab that compare layers, each worded by the numbers it states.

A ratio above 1 reads "fewer" or "faster", below 1 "more" or "slower": the same code serves the default
layer, where SeparableConv2D does 7.9x fewer multiply-adds, and a 1x1 kernel, where it does more.
tests/test_speed_text.py drives every branch.
"""

from __future__ import annotations

from typing import Sequence

from dsconv.costs.intensity import LayerTraffic, StageTraffic
from dsconv.speed.roofline import Roofs
from dsconv.speed.timings import Timing, speed_ratios


def times(ratio: float, above: str, below: str, digits: int = 1) -> str:
    """A ratio as words: 2.04 -> '2.0x faster'; 0.5 -> '2.0x slower' (the inverse, with the other word); a ratio
    that would round to 1.0 gets more digits (1.02x more), so that the word is never the only sign of a difference."""
    value, word = (ratio, above) if ratio >= 1 else (1 / ratio, below)
    return f"{value:.{digits_apart_from_one(value, digits)}f}x {word}"


def digits_apart_from_one(ratio: float, digits: int = 1) -> int:
    """Decimals enough for a ratio that is not 1 never to read as 1 (1.02, 0.998), up to four."""
    while ratio != 1 and round(ratio, digits) == 1 and digits < 4:
        digits += 1
    return digits


def work_time_title(timings: Sequence[Timing]) -> str:
    """The work-and-time chart's title: what SeparableConv2D's forward pass did against Conv2D's, measured."""
    found = next((r for r in speed_ratios(timings) if r["kind"] == "separable" and r["pass_name"] == "forward"),
                 None)
    if found is None:
        return "Work and time of each layer kind"
    return (f"SeparableConv2D against Conv2D, forward: {times(found['mac_ratio'], 'fewer', 'more')} multiply-adds, "
            f"{times(found['speed_ratio'], 'faster', 'slower')}")


def speedup_sentence(timings: Sequence[Timing], where: str) -> str | None:
    """How much faster (or slower) SeparableConv2D ran than Conv2D, beside how many times fewer (or more) multiply-adds."""
    ratios = {r["pass_name"]: r for r in speed_ratios(timings) if r["kind"] == "separable"}
    if "forward" not in ratios:
        return None
    forward = ratios["forward"]
    achieved = {t.kind: t.gflops_per_s for t in timings if t.pass_name == "forward" and t.measured}
    backward = (f" ({times(ratios['forward_backward']['speed_ratio'], 'faster', 'slower')} forward + backward)"
                if "forward_backward" in ratios else "")
    return (f"On {where}, this layer's SeparableConv2D ran **{times(forward['speed_ratio'], 'faster', 'slower')}** "
            f"than Conv2D forward{backward} for **{times(forward['mac_ratio'], 'fewer', 'more')} multiply-adds**: "
            f"it computed at {achieved.get('separable', float('nan')):.0f} GFLOP/s where Conv2D reached "
            f"{achieved.get('standard', float('nan')):.0f}.")


def tensor_sizes(read: int, written: int) -> str:
    """The sizes of a step's input and output tensors in MB: '2.10 MB each, 4.20 MB together', or each its own. The
    total is the sum of the sizes shown (2,097,152 bytes twice is 4.19 MB, which a student adding 2.10 + 2.10 would
    not find)."""
    first, second = round(read / 1e6, 2), round(written / 1e6, 2)
    if first == second:
        return f"{first:,.2f} MB each, {first + second:,.2f} MB together"
    return f"{first:,.2f} MB in, {second:,.2f} MB out"


def traffic_paragraph(traffic: dict[str, LayerTraffic], kernel_size: int) -> str:
    """Work per byte of Conv2D, of the depthwise step and of the 1x1 step, and work against bytes for the layer."""
    standard, separable = traffic["standard"], traffic["separable"]
    depthwise, pointwise = separable.stages
    per_output = kernel_size * kernel_size
    lower = depthwise.flops_per_byte < standard.flops_per_byte
    text = (f"For this layer, **Conv2D** does **{standard.flops_per_byte:.1f} FLOPs per byte** it reads or writes; the "
            f"**depthwise step** of SeparableConv2D does {'only ' if lower else ''}"
            f"**{depthwise.flops_per_byte:.1f}**: each output value needs {per_output} multiply-add"
            f"{'s' if per_output > 1 else ''}, yet the step reads a whole input tensor and writes a whole output "
            f"tensor ({tensor_sizes(depthwise.input_bytes, depthwise.output_bytes)}), which the 1x1 step then reads "
            f"back ({pointwise.flops_per_byte:.1f} FLOPs per byte). ")
    work = standard.multiply_adds / separable.multiply_adds
    moved = separable.bytes_moved / standard.bytes_moved
    text += (f"Altogether SeparableConv2D does {times(work, 'fewer', 'more')} multiply-adds and moves "
             f"{times(1 / moved, 'fewer', 'more')} bytes than Conv2D")
    if work > 1 and moved > 1:
        text += ": less arithmetic, more memory traffic"
    elif work > 1:
        text += ": it saves on both"
    return text + " (best cases: each tensor touched once)."


def ridge_paragraph(depthwise: StageTraffic, roofs: Roofs, device: str) -> str:
    """Where the depthwise step's work per byte lies against the device's ridge point, and what that allows."""
    below = depthwise.flops_per_byte < roofs.ridge
    return (f"A device's **ridge point** is its peak FLOP/s over its memory bandwidth: {roofs.ridge:.1f} FLOPs per "
            f"byte on {device}. The depthwise step's {depthwise.flops_per_byte:.1f} lies "
            + ("**below** it: at best this step runs at intensity x bandwidth, so it can be memory-bound but never "
               "compute-bound. " if below else "**above** it: even this step could keep the arithmetic units busy. ")
            + "Whether it really is at a roof is a measurement, not a count: small layers pay a fixed cost once per call "
              f"(here {roofs.call_ms:.2f} ms forward, the time of the smallest possible layer), however few "
              "multiply-adds the call does.")
