"""Sentences of the Parameter lab that state a fact about its numbers, each chosen from those numbers.

`costs` is what the lab computes for one layer: kind -> dsconv.arithmetic.LayerCost, or the sentence
that refuses that kind. Each function returns Markdown text (or None when there is nothing true to say),
so the page shows only what its own table supports; tests/test_lab_text.py drives every branch.
"""

from __future__ import annotations

from typing import Any, Mapping

from dsconv.arithmetic import KIND_LABELS


def _valid(costs: Mapping[str, Any], *kinds: str) -> bool:
    return all(not isinstance(costs.get(kind), (str, type(None))) for kind in kinds)


def _shape(shape: tuple[int, ...]) -> str:
    return " x ".join(map(str, shape))


def pointwise_row_note(costs: Mapping[str, Any], in_shape: tuple[int, int, int]) -> str | None:
    """What the Pointwise (1x1) row counts, and whether the depthwise and pointwise rows add up to a separable layer."""
    if not _valid(costs, "pointwise"):
        return None
    pointwise = costs["pointwise"]
    note = (f"The **{KIND_LABELS['pointwise']}** row is a 1x1 layer on the raw {_shape(in_shape)} input "
            f"({pointwise.multiply_adds:,} multiply-adds).")
    if not _valid(costs, "depthwise", "separable"):
        return note
    depthwise, separable = costs["depthwise"], costs["separable"]
    inner = separable.stages[1]
    total = depthwise.multiply_adds + pointwise.multiply_adds
    if total == separable.multiply_adds:
        return (note + f" Here the 1x1 step inside SeparableConv2D reads a tensor of the same size "
                f"({_shape(separable.stages[0].output_shape)}), so the DepthwiseConv2D row plus this row "
                f"({depthwise.multiply_adds:,} + {pointwise.multiply_adds:,}) equals SeparableConv2D's "
                f"{separable.multiply_adds:,} multiply-adds.")
    return (note + f" Inside SeparableConv2D the 1x1 step reads the depthwise output instead "
            f"({_shape(separable.stages[0].output_shape)}: {inner.multiply_adds:,} multiply-adds), so the "
            f"DepthwiseConv2D row plus this row ({depthwise.multiply_adds:,} + {pointwise.multiply_adds:,} = "
            f"{total:,}) is not SeparableConv2D's {separable.multiply_adds:,}. The ↳ rows under each two-step "
            "layer are its own two steps: they add up.")


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
    if share > 0.5:
        return (f"For this layer the pointwise step does **{share:.0%}** of SeparableConv2D's multiply-adds: once "
                "the k x k work is depthwise, mixing the channels is what costs.")
    if share < 0.5:
        return (f"For this layer the depthwise step does **{1 - share:.0%}** of SeparableConv2D's multiply-adds: "
                "with few output channels against a large kernel, looking around costs more than mixing the "
                "channels.")
    return "For this layer the depthwise and the pointwise steps do the same number of multiply-adds."
