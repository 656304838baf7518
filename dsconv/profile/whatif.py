"""The tutorial's experiment on a real network: every standard k x k convolution (k > 1) made separable.

Each such Conv2D row is recounted as the layers of a separable kind (`dsconv.kinds.layer_specs`: Keras's
SeparableConv2D, the tutorial's DepthwiseConv2D + 1x1 Conv2D, or a MobileNet block) with the same filters, window,
strides, padding, bias and activation; the output shape is the same, so every other row stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dsconv.kinds import SEPARABLE_KINDS, layer_specs, short_label
from dsconv.profile.layers import NotCounted, count_layer
from dsconv.profile.table import LayerRow, Profile


@dataclass(frozen=True)
class Swap:
    """One standard convolution and the layers that replace it."""

    before: LayerRow
    after: tuple[LayerRow, ...]

    def total(self, column: str) -> tuple[int, int]:
        return getattr(self.before, column), sum(getattr(row, column) for row in self.after)


@dataclass(frozen=True)
class WhatIf:
    """A network before and after its standard convolutions were replaced."""

    before: Profile
    after: Profile
    replacement: str  # a separable kind of dsconv.kinds
    swaps: tuple[Swap, ...]

    @property
    def layers_swapped(self) -> int:
        """Distinct layers replaced (a shared layer's later calls are the same layer)."""
        return sum(not swap.before.note.startswith("shared") for swap in self.swaps)

    def fewer(self, column: str) -> float:
        """How many times smaller the network's column is after the swap (inf where it fell to zero)."""
        after = self.after.total(column) if column != "params" else self.after.params
        before = self.before.total(column) if column != "params" else self.before.params
        return before / after if after else float("inf")


def swappable(row: LayerRow) -> bool:
    """A counted 2-D Conv2D with one group and a window larger than 1 x 1."""
    return row.counted and row.class_name == "Conv2D" and row.role == "standard" and len(row.inputs) == 1 \
        and len(row.inputs[0]) == 3


def _replace(row: LayerRow, replacement: str) -> tuple[LayerRow, ...]:
    config = row.config
    specs = layer_specs(replacement, out_channels=config["filters"], kernel_size=config["kernel_size"],
                        strides=config.get("strides", 1), padding=config.get("padding", "valid"),
                        dilation_rate=config.get("dilation_rate", 1), use_bias=bool(config.get("use_bias", True)),
                        activation=config.get("activation") if config.get("activation") != "linear" else None,
                        name=row.name)
    shape, rows = row.inputs[0], []
    for spec in specs:
        counted = count_layer(spec.class_name, spec.args, [shape])
        shape = counted.outputs[0]
        rows.append(LayerRow(spec.args.get("name", row.name), spec.class_name, counted.role, shape, counted.params,
                             counted.frozen_params, counted.multiply_adds, counted.depthwise_multiply_adds,
                             counted.other_ops, counted.activation_bytes, note=f"replaces {row.name}",
                             config=spec.args, inputs=(row.inputs[0],)))
    if shape != row.output_shape:
        raise NotCounted(f"{row.name}'s replacement gives {shape}, not {row.output_shape}")
    if row.frozen:  # a frozen layer's replacement is frozen too: all its weights are not trainable
        rows = [replace(new, params=0, frozen_params=new.total_params, frozen=True) for new in rows]
    if row.note.startswith("shared"):  # a later call of a shared layer: its replacement's weights are counted once
        rows = [replace(new, params=0, frozen_params=0, note=row.note) for new in rows]
    return tuple(rows)


def what_if(profile: Profile, replacement: str = "separable") -> WhatIf:
    """`profile` with every standard k x k convolution replaced by a layer of the separable kind `replacement`."""
    if replacement not in SEPARABLE_KINDS:
        raise ValueError(f"Replace with one of {', '.join(SEPARABLE_KINDS)}, not {replacement!r}.")
    rows, swaps = [], []
    for row in profile.rows:
        try:
            swap = Swap(row, _replace(row, replacement)) if swappable(row) else None
        except (NotCounted, KeyError, TypeError, ValueError):  # a window the separable layer cannot take: kept
            swap = None
        if swap:
            swaps.append(swap)
            rows.extend(swap.after)
        else:
            rows.append(row)
    after = Profile(f"{profile.name}, {short_label(replacement)}", profile.input_shape, tuple(rows))
    return WhatIf(profile, after, replacement, tuple(swaps))
