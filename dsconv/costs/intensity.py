"""Arithmetic intensity: how much work a layer does per byte it moves, counted from dsconv.costs.arithmetic.

A layer is fast when its arithmetic units stay busy; they starve when each byte fetched from memory
feeds only a few multiply-adds. The count here is each tensor going through memory once: each step
reads its input and its weights once and writes its output once, all float32 (4 bytes). A two-step
layer (depthwise, then 1x1), run as two operations, also writes its hidden depthwise output and reads
it back. A model, not a bound: a tensor that stays in cache between steps is never fetched again, and a
fused kernel need not write the hidden output at all (both move fewer bytes), while a tensor evicted
and fetched again moves more. Forward pass only.

Intensity is given in FLOPs per byte (FLOPs = 2 x multiply-adds), the unit of the roofline model
(Williams, Waterman and Patterson, 2009); `macs_per_byte` gives it in multiply-adds.
No TensorFlow here: everything is counted, nothing is run.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsconv.costs.arithmetic import BYTES_PER_FLOAT32, LayerConfigError, layer_cost
from dsconv.kinds import KINDS

# The layer kinds of the Speed lab: the three the page compares, then the two steps of a separable layer.
COMPARED_KINDS = ("standard", "separable", "depthwise_pointwise")
STEP_KINDS = ("depthwise", "pointwise")


@dataclass(frozen=True)
class StageTraffic:
    """One step of a layer over a whole batch: its work and the bytes it reads and writes."""

    name: str
    multiply_adds: int
    input_bytes: int
    weight_bytes: int
    output_bytes: int

    @property
    def bytes_moved(self) -> int:
        """Bytes read (input, weights) plus bytes written (output)."""
        return self.input_bytes + self.weight_bytes + self.output_bytes

    @property
    def flops_per_byte(self) -> float:
        """Arithmetic intensity: 2 x multiply-adds / bytes moved."""
        return 2 * self.multiply_adds / self.bytes_moved


@dataclass(frozen=True)
class LayerTraffic:
    """A whole layer's work and memory traffic over one batch, step by step."""

    kind: str
    batch: int
    stages: tuple[StageTraffic, ...]

    @property
    def label(self) -> str:
        """The Keras name of the layer kind."""
        return KINDS[self.kind].label

    @property
    def multiply_adds(self) -> int:
        """Multiply-adds of every step, whole batch."""
        return sum(stage.multiply_adds for stage in self.stages)

    @property
    def flops(self) -> int:
        """FLOPs = 2 x multiply-adds."""
        return 2 * self.multiply_adds

    @property
    def bytes_moved(self) -> int:
        """Bytes read and written by every step; a hidden output counts twice (written, then read back)."""
        return sum(stage.bytes_moved for stage in self.stages)

    @property
    def intermediate_bytes(self) -> int:
        """Bytes of the hidden outputs between steps (zero for a one-step layer), counted once."""
        return sum(stage.output_bytes for stage in self.stages[:-1])

    @property
    def weight_bytes(self) -> int:
        """Bytes of all weights and biases."""
        return sum(stage.weight_bytes for stage in self.stages)

    @property
    def flops_per_byte(self) -> float:
        """Arithmetic intensity of the layer: FLOPs / bytes moved."""
        return self.flops / self.bytes_moved

    @property
    def macs_per_byte(self) -> float:
        """Arithmetic intensity in multiply-adds per byte moved."""
        return self.multiply_adds / self.bytes_moved


def layer_traffic(kind: str, *, batch: int, height: int, width: int, in_channels: int, out_channels: int,
                  kernel_size: int, padding: str = "same", use_bias: bool = True) -> LayerTraffic:
    """Bytes moved and multiply-adds of one layer over a batch of B images (stride 1, float32).

    per step: input B*H*W*C_in*4 bytes + weights (params)*4 + output B*H'*W'*C_out*4; MACs = B x per-image MACs.
    """
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise LayerConfigError(f"The batch size must be a whole number of at least 1; got {batch!r}.")
    cost = layer_cost(kind, height=height, width=width, in_channels=in_channels, out_channels=out_channels,
                      kernel_size=kernel_size, padding=padding, use_bias=use_bias)
    stages = []
    in_shape = (height, width, in_channels)
    for stage in cost.stages:
        in_elements = in_shape[0] * in_shape[1] * in_shape[2]
        out_h, out_w, out_c = stage.output_shape
        stages.append(StageTraffic(
            name=stage.name,
            multiply_adds=batch * stage.multiply_adds,
            input_bytes=BYTES_PER_FLOAT32 * batch * in_elements,
            weight_bytes=BYTES_PER_FLOAT32 * stage.params,  # read once per batch, however large the batch
            output_bytes=BYTES_PER_FLOAT32 * batch * out_h * out_w * out_c,
        ))
        in_shape = stage.output_shape
    return LayerTraffic(kind=kind, batch=batch, stages=tuple(stages))


def compare_traffic(kinds: tuple[str, ...] = COMPARED_KINDS, **layer: int) -> dict[str, LayerTraffic]:
    """layer_traffic for several kinds of the same configured layer, keyed by kind."""
    return {kind: layer_traffic(kind, **layer) for kind in kinds}
