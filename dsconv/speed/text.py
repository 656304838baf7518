"""Sentences and titles of the Speed lab that compare layers, each worded by the numbers it states.

A ratio above 1 reads "fewer" or "faster", below 1 "more" or "slower": the same code serves the default
layer, where SeparableConv2D does 7.9x fewer multiply-adds, and a 1x1 kernel, where it does more.
tests/test_speed_text.py drives every branch.
"""

from __future__ import annotations

import math
from typing import Sequence

from dsconv.costs.intensity import LayerTraffic, StageTraffic
from dsconv.devices import device_name
from dsconv.safe_text import BYTE_UNITS, column_unit, counted, digits_apart_from_one, rate
from dsconv.speed.roofline import Roofs
from dsconv.speed.timings import Timing, speed_ratios


def times(ratio: float, above: str, below: str, digits: int = 1) -> str:
    """A ratio as words: 2.04 -> '2.0x faster'; 0.5 -> '2.0x slower' (the inverse, with the other word); a ratio
    that would round to 1.0 gets more digits (1.02x more), so that the word is never the only sign of a difference."""
    value, word = (ratio, above) if ratio >= 1 else (1 / ratio, below)
    digits = digits_apart_from_one(value, digits, most=12)  # past the tables' four: 1.00001 read "1.0000x faster"
    # Where the figure with one more decimal ends in 5 (1.25), rounding it again is a coin toss: "1.2x" stood under
    # a caption's "1.25x", and over a table's 1.25 for a ratio of 1.2496. It keeps that decimal.
    if math.isfinite(value) and f"{value:.{digits + 1}f}".endswith("5"):
        digits += 1
    return f"{value:.{digits}f}x {word}"


def rates_apart(first: float, second: float) -> tuple[str, str]:
    """Two measured speeds, each with its two significant digits (rate), and more where that is all that tells them
    apart: "computed at 0.0026 GFLOP/s where Conv2D reached 0.0026" said they were the same."""
    texts, digits = (rate(first), rate(second)), 2
    if not (math.isfinite(first) and math.isfinite(second)) or min(first, second) <= 0:
        return texts
    while texts[0] == texts[1] and first != second and digits < 6:  # significant digits of the smaller: 1e-7 and
        digits += 1  # 1.01e-7 read alike at six decimals
        places = max(0, digits - 1 - math.floor(math.log10(min(first, second))))
        texts = f"{first:,.{places}f}", f"{second:,.{places}f}"
    return texts


def pace(ratio: dict) -> str:
    """A speed ratio (a row of speed_ratios) as words: '2.0x faster', '1.2x slower', or 'about as fast' where the
    middle halves of the two layers' samples overlap (the page said "1.02x faster" under a warning that both medians
    were noisy)."""
    return times(ratio["speed_ratio"], "faster", "slower") if ratio["apart"] else "about as fast"


def work_time_title(timings: Sequence[Timing]) -> str:
    """The work-and-time chart's title: what SeparableConv2D's forward pass did against Conv2D's, measured."""
    found = next((r for r in speed_ratios(timings) if r["kind"] == "separable" and r["pass_name"] == "forward"),
                 None)
    if found is None:
        return "Work and time of each layer kind"
    return (f"SeparableConv2D against Conv2D, forward: {times(found['mac_ratio'], 'fewer', 'more')} multiply-adds, "
            f"{pace(found)}")


def speedup_sentence(timings: Sequence[Timing], where: str) -> str | None:
    """How much faster (or slower) SeparableConv2D ran than Conv2D, beside how many times fewer (or more) multiply-adds."""
    ratios = {r["pass_name"]: r for r in speed_ratios(timings) if r["kind"] == "separable"}
    if "forward" not in ratios:
        return None
    forward = ratios["forward"]
    achieved = {t.kind: t.gflops_per_s for t in timings if t.pass_name == "forward" and t.measured}
    backward = (f" ({pace(ratios['forward_backward'])} forward + backward)" if "forward_backward" in ratios else "")
    separable, standard = rates_apart(achieved.get("separable", math.nan), achieved.get("standard", math.nan))
    speeds = (f"computed at {separable} GFLOP/s where Conv2D reached {standard}." if separable != standard else
              f"computed at {separable} GFLOP/s, as Conv2D did.")
    work = f"**{times(forward['mac_ratio'], 'fewer', 'more')} multiply-adds**"
    if forward["apart"]:
        return (f"On {where}, this layer's SeparableConv2D ran **{pace(forward)}** than Conv2D forward{backward} for "
                f"{work}: it {speeds}")
    value = max(forward["speed_ratio"], 1 / forward["speed_ratio"])  # the medians' order is within their spread
    return (f"On {where}, this layer's SeparableConv2D ran **about as fast as** Conv2D forward{backward} for {work}: "
            f"their medians are {value:.{digits_apart_from_one(value)}f}x apart, and the middle halves of their "
            f"samples overlap. It {speeds}")


def tensor_sizes(read: int, written: int) -> str:
    """The sizes of a step's input and output tensors in MB (kB or bytes for a tiny layer's, which read "0.00 MB"):
    '2.10 MB each, 4.20 MB together', or each its own. The total is the sum of the sizes shown (2,097,152 bytes twice
    is 4.19 MB, which a student adding 2.10 + 2.10 would not find)."""
    unit, size, places = column_unit([read, written], BYTE_UNITS)
    first, second = round(read / size, places), round(written / size, places)
    if first == second:
        return f"{first:,.{places}f} {unit} each, {first + second:,.{places}f} {unit} together"
    return f"{first:,.{places}f} {unit} in, {second:,.{places}f} {unit} out"


def traffic_paragraph(traffic: dict[str, LayerTraffic], kernel_size: int) -> str:
    """Work per byte of Conv2D, of the depthwise step and of the 1x1 step, and work against bytes for the layer."""
    standard, separable = traffic["standard"], traffic["separable"]
    depthwise, pointwise = separable.stages
    per_output = kernel_size * kernel_size
    sizes = tensor_sizes(depthwise.input_bytes, depthwise.output_bytes)
    needs = f"each output value needs {counted(per_output, 'multiply-add')}"
    if depthwise.flops_per_byte < standard.flops_per_byte:  # the step's few sums per value against whole tensors
        step = (f"only **{depthwise.flops_per_byte:,.1f}**: {needs}, yet the step reads a whole input tensor and "
                f"writes a whole output tensor ({sizes})")
    else:  # "only ... yet" would contradict the numbers (an 11 x 11 kernel over a few output channels)
        step = (f"**{depthwise.flops_per_byte:,.1f}**: {needs}, from the input tensor it reads and into the output "
                f"tensor it writes ({sizes})")
    text = (f"For this layer, **Conv2D** does **{standard.flops_per_byte:,.1f} FLOPs per byte** it reads or writes; "
            f"the **depthwise step** of SeparableConv2D does {step}, which the 1x1 step then reads back "
            f"({pointwise.flops_per_byte:,.1f} FLOPs per byte). ")
    work = standard.multiply_adds / separable.multiply_adds
    moved = separable.bytes_moved / standard.bytes_moved
    text += (f"Altogether SeparableConv2D does {times(work, 'fewer', 'more')} multiply-adds and moves "
             f"{times(1 / moved, 'fewer', 'more')} bytes than Conv2D")
    if work > 1 and moved > 1:
        text += ": less arithmetic, more memory traffic"
    elif work > 1:
        text += ": it saves on both"
    return text + " (each tensor through memory once; caches or a fused kernel can move fewer)."


def ridge_paragraph(stages: Sequence[StageTraffic], roofs: Roofs, device: str) -> str:
    """Where the separable layer's two steps' work per byte lies against the device's ridge point, and what that
    allows: each step on its own side (with an 11 x 11 kernel the depthwise step is above the ridge while the 1x1
    step, below it, was not mentioned)."""
    # One decimal, or as many as tell a step from the ridge: "ridge point 7.1 ... the 1x1 step's 7.1 lies above it"
    # (7.137 against 7.121)
    places = 1
    while places < 4 and any(f"{stage.flops_per_byte:,.{places}f}" == f"{roofs.ridge:,.{places}f}"
                             and stage.flops_per_byte != roofs.ridge for stage in stages):
        places += 1
    named = [(f"the {'depthwise' if stage.name == 'depthwise' else '1x1'} step's {stage.flops_per_byte:,.{places}f}",
              stage.flops_per_byte < roofs.ridge) for stage in stages]
    sides = []
    for below in (True, False) if named[0][1] else (False, True):  # the depthwise step's side first
        steps = [name for name, is_below in named if is_below == below]
        if not steps:
            continue
        one = len(steps) == 1
        said = f"{' and '.join(steps)} {'lies' if one else 'both lie'} "
        if below:
            said += (f"**below** it: at best {'it runs' if one else 'they run'} at intensity x bandwidth, so "
                     f"{'it' if one else 'they'} can be memory-bound but never compute-bound")
        else:
            said += f"**above** it: {'it' if one else 'either'} could keep the arithmetic units busy"
        sides.append(said)
    text = "; ".join(sides)
    # the forward floor alone, or one for both passes where the forward one came out above the other (Roofs.floor_words)
    floor = (f"{roofs.floor_words()}, measured within noise of each other" if roofs.floors_within_noise
             else f"{roofs.call_ms:.2f} ms forward")
    return (f"A device's **ridge point** is its peak FLOP/s over its memory bandwidth: {roofs.ridge:,.{places}f} "
            f"FLOPs per byte on {device_name(device)}. {text[0].upper()}{text[1:]}. "
            "Whether a step really is at a roof is a measurement, not a count: small layers pay a fixed cost once per "
            f"call (here {floor}, the time of the smallest possible layer), however few "
            "multiply-adds the call does.")
