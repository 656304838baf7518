"""Parameter, multiply-add and shape arithmetic for convolution layers, in plain Python.

Conventions (the MobileNet paper's and ptflops'):
- one multiply-add per weight per output position, padding zeros included; a bias add is not a
  multiply-add. FLOPs are twice the multiply-adds.
- argument names and meanings follow Keras: kernel_size, strides and dilation_rate are an int or an
  (h, w) pair; padding is "valid" or "same".
No TensorFlow here: the tests check every count against real Keras layers.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Sequence, Union

from dsconv.kinds import KINDS, LAYER_KINDS

BYTES_PER_FLOAT32 = 4

IntOrPair = Union[int, Sequence[int]]


class LayerConfigError(ValueError):
    """A layer configuration that Keras would reject, explained in a sentence that says what to change."""


@dataclass(frozen=True)
class StageCost:
    """One step of a layer (a separable layer has two): its weights, work and output."""

    name: str
    params: int
    multiply_adds: int
    output_shape: tuple[int, int, int]
    kernel_shape: tuple[int, ...]
    bias: int

    @property
    def flops(self) -> int:
        """FLOPs = 2 x multiply-adds (one multiply and one add each)."""
        return 2 * self.multiply_adds

    @property
    def activation_bytes(self) -> int:
        """Bytes of the output this step writes, float32, per image."""
        height, width, channels = self.output_shape
        return BYTES_PER_FLOAT32 * height * width * channels


@dataclass(frozen=True)
class LayerCost:
    """What one layer costs: parameters, multiply-adds and the shape it produces."""

    kind: str
    params: int
    multiply_adds: int
    output_shape: tuple[int, int, int]
    stages: tuple[StageCost, ...]

    @property
    def flops(self) -> int:
        """FLOPs = 2 x multiply-adds (one multiply and one add each)."""
        return 2 * self.multiply_adds

    @property
    def activation_elements(self) -> int:
        """Values every stage writes, per image: a separable layer also writes its hidden depthwise output."""
        return sum(h * w * c for h, w, c in (stage.output_shape for stage in self.stages))

    @property
    def activation_bytes(self) -> int:
        """Activation memory in bytes for float32 values, per image (intermediate outputs included)."""
        return BYTES_PER_FLOAT32 * self.activation_elements


def shape_text(shape: tuple) -> str:
    """(30, 30, 64) -> "30 x 30 x 64"."""
    return " x ".join(map(str, shape))


def share_text(fraction: float) -> str:
    """0.95 -> '95%'; 0.031 -> '3.1%'; 0.0002 -> 'under 0.1%'; 0.998 -> '99.8%' and 0.9999 -> 'over 99.9%' (a share
    short of all is never rounded up to '100%': the tutorial's separable VGG's dense layer does 0.2 % of its work)."""
    if 0 < fraction < 0.0005:
        return "under 0.1%"
    if 0.9995 <= fraction < 1:
        return "over 99.9%"
    return f"{fraction:.1%}" if fraction < 0.1 or 0.995 <= fraction < 1 else f"{fraction:.0%}"


def reads_on_its_side(shown_percent: float, fraction: float, threshold: float) -> bool:
    """Whether a share written as `shown_percent` reads on the same side of `threshold` as `fraction` is: under it
    when it is under, over it when it is over, and at it only when it is it."""
    at = round(100 * threshold, 6)
    return (shown_percent < at) == (fraction < threshold) and (shown_percent != at or fraction == threshold)


def share_apart(fraction: float, threshold: float) -> str:
    """share_text, with the decimals it takes to read on its own side of `threshold` when it is not there: 50.2 %
    read "50%" in "the pointwise step does 50% ... mixing the channels is what costs", and a roof's 49.6 % "50%" in
    "less than 50 %"."""
    if fraction == threshold:
        return share_text(fraction)
    for digits in range(4):
        shown = round(100 * fraction, digits)
        if reads_on_its_side(shown, fraction, threshold):
            return share_text(fraction) if digits == 0 else f"{100 * fraction:.{digits}f}%"
    return f"just {'under' if fraction < threshold else 'over'} {100 * threshold:g}%"  # 49.99996 % read "50.000%"


def _largest_remainders(fractions: Sequence[float], digits: int) -> list[int] | None:
    """The shares of one whole in units of 10**-digits percent, rounded so that they add up to 100 % (the largest
    remainders round up); None when the fractions are not the parts of one whole."""
    unit = 10**digits
    exact = [round(100 * unit * f, 6) for f in fractions]  # 0.29 x 1000 is 289.99999999999994
    shown = [math.floor(x) for x in exact]
    short = 100 * unit - sum(shown)
    if not 0 <= short <= len(shown):
        return None
    for i in sorted(range(len(exact)), key=lambda i: shown[i] - exact[i])[:short]:  # largest remainders first
        shown[i] += 1
    return shown


def parts_text(fractions: Sequence[float], threshold: float = 0.5) -> list[str]:
    """The shares of one whole (`fractions` add up to 1), to be read together: all with the same decimals, at least
    one, and rounded so that the numbers shown add up to 100 % (the largest remainders round up), each still on its
    own side of `threshold`, none that is not nothing shown as 0 and none short of all shown as 100. The network's
    47.8 %, 42.5 % and 9.7 % read "48%, 43%, 9.7%", 100.7 % together. Only that rounding is tried, with 1 to 3
    decimals; where it keeps none of them to all of those rules, each share reads as share_apart reads it."""
    for digits in range(1, 4):
        unit = 10**digits
        shown = _largest_remainders(fractions, digits)
        if shown is None:
            break
        if all(reads_on_its_side(s / unit, f, threshold) and (s > 0 or f <= 0) and (s < 100 * unit or f >= 1)
               for s, f in zip(shown, fractions)):
            return [f"{s / unit:.{digits}f}%" for s in shown]
    return [share_apart(f, threshold) for f in fractions]


def percent_column(fractions: Sequence[float]) -> list[str]:
    """A table's column of shares of one whole, in percent with one decimal, rounded so that the numbers in it add up
    to 100.0 (the largest remainders round up). A share that is not nothing but rounds to 0 reads "< 0.1" (the
    standard network's predictions layer does 0.027 % of its multiply-adds, and read "0.0" beside the pooling layers'
    real zeros), and one short of all that rounds to 100 reads "> 99.9"."""
    shown = _largest_remainders(fractions, 1)
    if shown is None:  # not the parts of one whole: each on its own
        shown = [round(1000 * f) for f in fractions]
    return ["< 0.1" if s <= 0 < f else "> 99.9" if s >= 1000 and f < 1 else f"{s / 10:.1f}"
            for s, f in zip(shown, fractions)]


def as_pair(value: IntOrPair, name: str) -> tuple[int, int]:
    """Turn an int or an (h, w) pair into a pair of positive ints, as Keras does."""
    if isinstance(value, bool):
        raise LayerConfigError(f"{name} must be a whole number, not {value!r}.")
    if isinstance(value, int):
        pair = (value, value)
    else:
        try:
            pair = tuple(value)
        except TypeError:
            raise LayerConfigError(f"{name} must be a whole number or a pair of them, not {value!r}.") from None
        if len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
            raise LayerConfigError(f"{name} must be a whole number or a pair (height, width), not {value!r}.")
    if min(pair) < 1:
        raise LayerConfigError(f"{name} must be at least 1; got {value!r}. Set it to 1 or more.")
    return pair  # type: ignore[return-value]


def conv_output_length(length: int, kernel: int, stride: int, padding: str, dilation: int) -> int:
    """Output length along one axis, Keras's rule.

    valid: floor((L - d*(k-1) - 1) / s) + 1;  same: ceil(L / s)  (keras.src.ops.operation_utils).
    """
    if padding == "same":
        return -(-length // stride)
    effective_kernel = dilation * (kernel - 1) + 1
    return (length - effective_kernel) // stride + 1 if length >= effective_kernel else 0


def axis_padding(length: int, kernel: int, stride: int, dilation: int, padding: str) -> tuple[int, int]:
    """Zeros added (before, after) along one axis; TF's "same" rule puts the odd extra zero after."""
    if padding == "valid":
        return 0, 0
    out = -(-length // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - length, 0)
    return total // 2, total - total // 2


def window_reads(length: int, kernel: int, stride: int, padding: str) -> int:
    """Input elements read along one axis by all the windows of a pooling layer, the padding's zeros left out (max
    and average pooling skip them): each output's window, clipped to the input. Counting the zeros too, "same"
    pooling read 6,308,352 elements in Xception's block2_pool, where its windows hold 6,195,200."""
    out = conv_output_length(length, kernel, stride, padding, 1)
    before, _ = axis_padding(length, kernel, stride, 1, padding)
    reads, first, last = out * kernel, 0, out - 1
    while first < out and before - first * stride > 0:  # the first windows start in the zeros before the input
        reads -= min(kernel, before - first * stride)
        first += 1
    while last >= 0 and last * stride - before + kernel - length > 0:  # the last ones end in the zeros after it
        reads -= min(kernel, last * stride - before + kernel - length)
        last -= 1
    return reads


def _check_positive(**sizes: int) -> None:
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise LayerConfigError(f"{name} must be a whole number, not {value!r}.")
        if value < 1:
            raise LayerConfigError(f"{name} must be at least 1; got {value}. Set it to 1 or more.")


def _spatial(height, width, kernel_size, strides, padding, dilation_rate,
             strided_dilation: bool = False) -> tuple[int, int, tuple, tuple]:
    """Validate the sliding-window settings and return the output height and width.

    strided_dilation: whether the layer accepts strides > 1 together with dilation > 1. Keras's Conv2D
    refuses it; DepthwiseConv2D and SeparableConv2D accept it (on TensorFlow, Keras 3 pads the input as the strided
    layer's "same" padding does, runs a dilated convolution at stride 1 on it, then keeps every s-th output: not the
    stride-1 layer's padding; tests/engine/test_arithmetic.py checks the values).
    """
    if padding not in ("valid", "same"):
        raise LayerConfigError(f'padding must be "valid" or "same", not {padding!r}.')
    kernel = as_pair(kernel_size, "kernel_size")
    stride = as_pair(strides, "strides")
    dilation = as_pair(dilation_rate, "dilation_rate")
    if max(stride) > 1 and max(dilation) > 1 and not strided_dilation:
        raise LayerConfigError(
            f"strides {strides} and dilation_rate {dilation_rate} cannot both be above 1 in a Conv2D (Keras "
            "rejects it). Set strides to 1 or dilation_rate to 1; DepthwiseConv2D and SeparableConv2D allow both."
        )
    out_h = conv_output_length(height, kernel[0], stride[0], padding, dilation[0])
    out_w = conv_output_length(width, kernel[1], stride[1], padding, dilation[1])
    if out_h < 1 or out_w < 1:
        span_h = dilation[0] * (kernel[0] - 1) + 1
        span_w = dilation[1] * (kernel[1] - 1) + 1
        raise LayerConfigError(
            f"The kernel covers {span_h}x{span_w} pixels (dilation included) but the input is only "
            f"{height}x{width}, so the output would be empty. Use a larger input, a smaller kernel or dilation, "
            'or padding "same".'
        )
    return out_h, out_w, kernel, stride


def _depthwise_stage(name, height, width, in_channels, kernel_size, strides, padding, dilation_rate,
                     depth_multiplier, use_bias) -> StageCost:
    out_h, out_w, kernel, _ = _spatial(height, width, kernel_size, strides, padding, dilation_rate,
                                       strided_dilation=True)
    out_channels = in_channels * depth_multiplier
    weights = kernel[0] * kernel[1] * in_channels * depth_multiplier  # one k x k kernel per (channel, multiplier)
    bias = out_channels if use_bias else 0
    return StageCost(name, weights + bias, out_h * out_w * weights, (out_h, out_w, out_channels),
                     (kernel[0], kernel[1], in_channels, depth_multiplier), bias)


def _pointwise_stage(name, height, width, in_channels, out_channels, strides, padding, use_bias) -> StageCost:
    out_h, out_w, _, _ = _spatial(height, width, 1, strides, padding, 1)
    weights = in_channels * out_channels  # N filters of 1 x 1 x C
    bias = out_channels if use_bias else 0
    return StageCost(name, weights + bias, out_h * out_w * weights, (out_h, out_w, out_channels),
                     (1, 1, in_channels, out_channels), bias)


def _conv_stage(name, height, width, group_in_channels, out_channels, kernel_size, strides, padding, dilation_rate,
                use_bias, strided_dilation: bool = False) -> StageCost:
    out_h, out_w, kernel, _ = _spatial(height, width, kernel_size, strides, padding, dilation_rate, strided_dilation)
    weights = kernel[0] * kernel[1] * group_in_channels * out_channels  # N filters of k x k x C/g
    bias = out_channels if use_bias else 0
    return StageCost(name, weights + bias, out_h * out_w * weights, (out_h, out_w, out_channels),
                     (kernel[0], kernel[1], group_in_channels, out_channels), bias)


def layer_cost(
    kind: str,
    *,
    height: int,
    width: int,
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: str = "valid",
    dilation_rate: IntOrPair = 1,
    depth_multiplier: int = 1,
    groups: int = 1,
    use_bias: bool = True,
) -> LayerCost:
    """Params, multiply-adds and output shape of one Keras convolution layer on an H x W x C input.

    standard/grouped: k_h*k_w*(C/g)*N weights (+N bias); MACs = H'*W'*k_h*k_w*(C/g)*N.
    depthwise: k_h*k_w*C*m weights (+C*m bias); MACs = H'*W'*k_h*k_w*C*m  (m = depth_multiplier).
    pointwise: C*N weights (+N bias); MACs = H'*W'*C*N  (kernel_size and dilation are not used).
    separable: depthwise without bias, then pointwise with bias (Keras SeparableConv2D).
    depthwise_pointwise: depthwise with bias, then pointwise with bias (the tutorial's custom layer).
    Arguments a kind does not use (groups outside "grouped", depth_multiplier for standard, out_channels
    for depthwise) are ignored. Ratio of separable to standard, biases aside: 1/N + 1/k^2 (MobileNet).
    """
    if kind not in LAYER_KINDS:
        raise LayerConfigError(f"Unknown layer kind {kind!r}; choose one of: {', '.join(LAYER_KINDS)}.")
    _check_positive(height=height, width=width, in_channels=in_channels)
    use_bias = bool(use_bias)
    if kind in ("depthwise", "separable", "depthwise_pointwise"):
        _check_positive(depth_multiplier=depth_multiplier)
    if kind != "depthwise":
        _check_positive(out_channels=out_channels)

    if kind in ("standard", "grouped"):
        group_count = groups if kind == "grouped" else 1
        _check_positive(groups=group_count)
        if in_channels % group_count or out_channels % group_count:
            raise LayerConfigError(
                f"groups={group_count} must divide both the input channels ({in_channels}) and the output "
                f"channels ({out_channels}). Pick a groups value that divides both."
            )
        stages = (_conv_stage(KINDS[kind].label, height, width, in_channels // group_count, out_channels,
                              kernel_size, strides, padding, dilation_rate, use_bias),)
    elif kind == "pointwise":
        stages = (_pointwise_stage("pointwise", height, width, in_channels, out_channels, strides, padding, use_bias),)
    elif kind == "depthwise":
        stages = (_depthwise_stage("depthwise", height, width, in_channels, kernel_size, strides, padding,
                                   dilation_rate, depth_multiplier, use_bias),)
    else:
        # Keras SeparableConv2D has no depthwise bias; the tutorial's custom layer keeps one.
        depthwise = _depthwise_stage("depthwise", height, width, in_channels, kernel_size, strides, padding,
                                     dilation_rate, depth_multiplier, use_bias and kind == "depthwise_pointwise")
        mid_h, mid_w, mid_c = depthwise.output_shape
        pointwise = _pointwise_stage("pointwise", mid_h, mid_w, mid_c, out_channels, 1, "valid", use_bias)
        stages = (depthwise, pointwise)

    return LayerCost(
        kind=kind,
        params=sum(s.params for s in stages),
        multiply_adds=sum(s.multiply_adds for s in stages),
        output_shape=stages[-1].output_shape,
        stages=stages,
    )


TUTORIAL_LAYER = dict(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3)  # its first layer


@functools.lru_cache(maxsize=None)
def tutorial_cost(kind: str, use_bias: bool = True) -> LayerCost:
    """The cost of the tutorial's first layer (32 x 32 x 3 to 64 channels, k = 3) as layer kind `kind` (its weights
    alone without `use_bias`)."""
    return layer_cost(kind, **TUTORIAL_LAYER, use_bias=use_bias)


def every_kind(**settings) -> dict[str, LayerCost | str]:
    """layer_cost of each of LAYER_KINDS for these settings, or the sentence that says why a kind refuses them."""
    costs: dict[str, LayerCost | str] = {}
    for kind in LAYER_KINDS:
        try:
            costs[kind] = layer_cost(kind, **settings)
        except LayerConfigError as exc:
            costs[kind] = str(exc)
    return costs


def standard_counterpart(*, height: int, width: int, in_channels: int, out_channels: int, kernel_size: IntOrPair,
                         strides: IntOrPair = 1, padding: str = "valid", dilation_rate: IntOrPair = 1,
                         use_bias: bool = True) -> LayerCost:
    """The standard convolution a depthwise kind is compared with: same windows, same positions, N outputs.

    It equals layer_cost("standard", ...) wherever Keras's Conv2D exists; with strides > 1 and dilation > 1,
    where Conv2D refuses, it still counts k_h*k_w*C*N weights (+N bias) at each of the same H' x W' positions.
    """
    _check_positive(height=height, width=width, in_channels=in_channels, out_channels=out_channels)
    stage = _conv_stage(KINDS["standard"].label, height, width, in_channels, out_channels, kernel_size, strides,
                        padding, dilation_rate, bool(use_bias), strided_dilation=True)
    return LayerCost("standard", stage.params, stage.multiply_adds, stage.output_shape, (stage,))


def mobilenet_ratio(out_channels: int, kernel_size: int, depth_multiplier: int = 1) -> float:
    """MobileNet's ratio of separable to standard multiply-adds, 1/N + 1/k^2 (Howard et al., 2017: its eq. 5 over
    eq. 2), times the depth multiplier m (with m kernels a channel, both steps do m times the work): m(1/N + 1/k^2).
    Exact for multiply-adds (both steps and the standard layer visit the same output positions); the parameters'
    ratio differs from it by the biases."""
    _check_positive(out_channels=out_channels, kernel_size=kernel_size, depth_multiplier=depth_multiplier)
    return depth_multiplier * (1.0 / out_channels + 1.0 / kernel_size**2)
