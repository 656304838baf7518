"""What the Speed lab times: the layer's sizes, the limits of one click, and how a click measures.

Pure data and arithmetic (counts from dsconv.costs.arithmetic); nothing here imports Keras.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

from dsconv.costs.arithmetic import LayerConfigError, LayerCost, layer_cost
from dsconv.costs.intensity import COMPARED_KINDS, STEP_KINDS
from dsconv.safe_text import over_limit

TIMED_KINDS = COMPARED_KINDS + STEP_KINDS
PASSES = ("forward", "forward_backward")
PASS_LABELS = {"forward": "forward", "forward_backward": "forward + backward"}
# The backward pass computes two gradients, each as much work as the forward pass: for the input
# (a transposed convolution) and for the weights (a correlation of input and output gradient).
# Forward + backward = 3 x forward multiply-adds (the rule behind "6N FLOPs per token", Kaplan et al., 2020).
BACKWARD_WORK_FACTOR = 3
# The traffic grows alike: forward reads input and weights and writes the output; the input gradient reads the
# output gradient and the weights and writes a tensor the input's size; the weight gradient reads the output
# gradient and the input and writes the weights' size. Each moves the forward pass's bytes (each tensor once).
BACKWARD_TRAFFIC_FACTOR = 3
SWEEP_PARAMETERS = {"out_channels": "output channels", "kernel_size": "kernel size"}
SWEEP_VALUES = {"out_channels": (8, 16, 32, 64, 128, 256), "kernel_size": (1, 3, 5, 7, 9, 11)}
Progress = Callable[[float, str], None]


class SpeedConfigError(LayerConfigError):
    """A layer too large (or malformed) to time within a click, explained with what to change."""


@dataclass(frozen=True)
class Limits:
    """Sizes a click may time; they keep one click near 10 s and under ~200 MB on a small cloud CPU."""

    max_side: int = 256  # input height and width
    max_channels: int = 1024  # input and output channels
    max_kernel: int = 11  # kernel size
    max_batch: int = 256  # images per call
    max_tensor_elements: int = 4_194_304  # batch x H x W x max(C_in, C_out): one 16 MiB float32 tensor
    max_multiply_adds: int = 3_000_000_000  # Conv2D forward: ~0.3-1 s per forward+backward on 2 slow cores
    max_weights: int = 4_194_304  # Conv2D's k x k x C_in x C_out kernel: 16 MiB (11 x 11, 1024 -> 1024 took 3.7 GB)


@dataclass(frozen=True)
class LayerSetup:
    """The configured layer: B images of H x W x C_in in, C_out channels out, k x k kernel, stride 1, "same"."""

    height: int = 32  # CIFAR-10's size, the tutorial's first block
    width: int = 32
    in_channels: int = 64  # the tutorial's second layer: 64 -> 64
    out_channels: int = 64
    kernel_size: int = 3  # the tutorial's 3x3 kernels
    batch: int = 8  # small enough that a whole click stays well under the cap on a cloud CPU

    def cost(self, kind: str) -> LayerCost:
        """Params and multiply-adds per image of one layer kind (padding "same", with biases, as Keras's default)."""
        return layer_cost(kind, height=self.height, width=self.width, in_channels=self.in_channels,
                          out_channels=self.out_channels, kernel_size=self.kernel_size, padding="same")

    def input_shape(self) -> tuple[int, int, int, int]:
        """(B, H, W, C_in), channels last as Keras."""
        return (self.batch, self.height, self.width, self.in_channels)

    def replace(self, **changes: int) -> "LayerSetup":
        """A copy with some sizes changed."""
        return LayerSetup(**{**asdict(self), **changes})

    def validate(self, limits: Limits = Limits()) -> None:
        """Raise SpeedConfigError with a sentence when the layer is malformed or too large to time in a click."""
        bounds = {"height": limits.max_side, "width": limits.max_side, "in_channels": limits.max_channels,
                  "out_channels": limits.max_channels, "kernel_size": limits.max_kernel, "batch": limits.max_batch}
        for name, high in bounds.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise SpeedConfigError(f"{name.replace('_', ' ')} must be a whole number from 1 to {high}; got {value!r}.")
        elements = self.batch * self.height * self.width * max(self.in_channels, self.out_channels)
        if elements > limits.max_tensor_elements:
            raise SpeedConfigError(
                f"batch x height x width x channels (the larger of in and out) is {elements:,}, above the "
                f"{limits.max_tensor_elements:,} this page times in one click. Lower the batch, the input size or the "
                "channels.")
        weights = self.kernel_size ** 2 * self.in_channels * self.out_channels
        if weights > limits.max_weights:
            raise SpeedConfigError(
                f"Conv2D's kernel would hold {weights:,} weights ({weights * 4 / 2**20:,.0f} MiB), above the "
                f"{limits.max_weights:,} this page times in one click (with their gradients and the library's copies, "
                "more could fill a small server's memory). Lower the channels or the kernel size.")
        work = self.batch * self.cost("standard").multiply_adds
        if work > limits.max_multiply_adds:
            raise SpeedConfigError(
                f"The Conv2D forward pass would take {over_limit(work / 1e9, limits.max_multiply_adds / 1e9, 2)} "
                "billion multiply-adds, above the "
                f"{limits.max_multiply_adds / 1e9:.0f} billion this page times in one click (on a small shared "
                "server, more would take a click past 10 s). Lower the batch, the input size, the channels or the "
                "kernel size.")


@dataclass(frozen=True)
class TimingSettings:
    """How a click measures; every default is chosen for a ~10 s click."""

    warmup: int = 2  # the first call traces the function, the second warms caches; neither is kept
    repeats: int = 10  # enough samples for a median and quartiles
    min_repeats: int = 3  # fewer samples give no spread: such a row is skipped instead
    time_cap_s: float = 10.0  # the whole click, every layer kind and pass together

    def validate(self) -> None:
        """Raise SpeedConfigError if the settings cannot give a median and a spread."""
        if self.warmup < 1 or self.min_repeats < 1 or self.repeats < self.min_repeats or not self.time_cap_s > 0:
            raise SpeedConfigError(f"Use at least 1 warm-up, at least {self.min_repeats} repeats and a positive time cap.")
