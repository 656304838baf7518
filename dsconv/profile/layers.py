"""One Keras layer, counted from its config alone: output shape, parameters, multiply-adds and other operations.

Shapes leave out the batch axis and assume `channels_last`, Keras's default. The conventions, stated once
(`CONVENTION`) and printed by the page and the CLI:
- multiply-adds (MACs) are those of convolution and dense layers, as the papers count them: one per weight
  per output position; biases add none;
- other operations are counted apart: one per output element for batch norm, an activation (fused into a
  conv or dense layer too), rescaling and normalisation; n - 1 per element for n tensors added or multiplied;
  one per window element read for pooling;
- FLOPs are about 2 x multiply-adds;
- activation memory is each output's float32 size for one picture.

A layer class not listed here raises `NotCounted` with its name: the caller lists it and says the totals
leave it out. Nothing is guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from dsconv.costs import BYTES_PER_FLOAT32, conv_output_length
from dsconv.costs.arithmetic import window_reads

Shape = tuple[int, ...]  # without the batch axis

CONVENTION = (
    "Multiply-adds are those of the convolution and dense layers, as the papers count them: one per weight per "
    "output position (per input position for a transposed convolution), biases none. Other operations are counted "
    "apart: one per output element for batch norm, activations, rescaling and normalisation, n - 1 per element "
    "where n tensors are added or multiplied, one per element read for pooling. FLOPs are about 2 x multiply-adds. "
    "Activation memory is each output in float32, for one picture. Parameters are Keras's: batch norm's moving mean "
    "and variance count as non-trainable, and so do all the weights of a frozen layer (trainable false).")

# The role a layer plays, in the order tables and legends show them.
ROLES = ("standard", "grouped", "depthwise", "pointwise", "separable", "dense", "normalisation", "elementwise",
         "pooling", "other")
LARGEST_DIMENSION = 2**31  # a size beyond this is not a real model: refused, so no count overflows a table
LARGEST_COUNT = 10**15  # one layer's multiply-adds, parameters or values (GPT-3 does 1.75e11 a token): beyond, refused


class NotCounted(ValueError):
    """A layer the profiler cannot count, with the reason in a sentence."""


@dataclass(frozen=True)
class LayerCount:
    """What one call of a layer produces and costs."""

    role: str
    outputs: tuple[Shape, ...]
    params: int = 0  # trainable
    frozen_params: int = 0  # non-trainable (batch norm's moving statistics)
    multiply_adds: int = 0
    other_ops: int = 0
    depthwise_multiply_adds: int = 0  # the depthwise share of a separable layer's multiply-adds

    @property
    def activation_bytes(self) -> int:
        return sum(math.prod(shape) for shape in self.outputs) * BYTES_PER_FLOAT32


def _whole(value: Any, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < LARGEST_DIMENSION:
        raise NotCounted(f"its {what} is {value!r}, not a whole number from {minimum} up")
    return value


def _tuple(value: Any, rank: int, what: str, minimum: int = 1) -> tuple[int, ...]:
    values = [value] * rank if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(values, (list, tuple)) or len(values) != rank:
        raise NotCounted(f"its {what} is {value!r}, not {rank} whole numbers")
    return tuple(_whole(item, what, minimum) for item in values)


def _one_input(inputs: list[Shape]) -> Shape:
    if len(inputs) != 1:
        raise NotCounted(f"it takes one input, and the file gives it {len(inputs)}")
    return inputs[0]


def _channels_last(config: dict) -> None:
    if config.get("data_format", "channels_last") not in (None, "channels_last"):
        raise NotCounted(f"its data format is {config.get('data_format')!r}; only channels_last is counted")


def _spatial(shape: Shape, rank: int, layer: str) -> tuple[tuple[int, ...], int]:
    if len(shape) != rank + 1:
        raise NotCounted(f"a {layer} needs {rank + 1}-axis inputs (without the batch); it got {shape}")
    return shape[:-1], shape[-1]


def _activation_ops(config: dict, outputs: int) -> int:
    """A conv or dense layer's fused activation: one operation per output element unless it is linear."""
    return 0 if config.get("activation") in (None, "linear") else outputs


def _slide(config: dict, shape: Shape, rank: int, layer: str) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """The window, the output's spatial size and the input channels of a convolution over `rank` axes."""
    _channels_last(config)
    spatial, channels = _spatial(shape, rank, layer)
    kernel = _tuple(config.get("kernel_size"), rank, "kernel size")
    strides = _tuple(config.get("strides", 1), rank, "strides")
    dilation = _tuple(config.get("dilation_rate", 1), rank, "dilation rate")
    padding = config.get("padding", "valid")
    if padding == "causal" and rank == 1:  # padded on the left only: as long as "same"
        padding = "same"
    if padding not in ("valid", "same"):
        raise NotCounted(f"its padding is {padding!r}; valid and same are counted")
    out = tuple(conv_output_length(n, k, s, padding, d) for n, k, s, d in zip(spatial, kernel, strides, dilation))
    if min(out) < 1:
        raise NotCounted(f"its {'x'.join(map(str, kernel))} window does not fit its {shape} input")
    return kernel, out, channels


def _conv(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    """Conv1D/2D/3D with groups: kernel k x (C_in / groups) x C_out, MACs = that x output positions."""
    kernel, out, in_channels = _slide(config, _one_input(inputs), rank, "convolution")
    filters = _whole(config.get("filters"), "number of filters")
    groups = _whole(config.get("groups", 1), "number of groups")
    if in_channels % groups or filters % groups:
        raise NotCounted(f"its {groups} groups do not divide {in_channels} input and {filters} output channels")
    weights = math.prod(kernel) * (in_channels // groups) * filters
    positions = math.prod(out)
    if groups == 1 and math.prod(kernel) == 1 and math.prod(out) == 1 == math.prod(_one_input(inputs)[:-1]):
        role = "dense"  # a 1x1 convolution of a 1x1 map: a classifier or a squeeze-and-excite layer, dense in effect
    elif groups == 1:
        role = "pointwise" if math.prod(kernel) == 1 else "standard"
    else:
        role = "depthwise" if groups == in_channels else "grouped"
    return LayerCount(role, (out + (filters,),), params=weights + filters * bool(config.get("use_bias", True)),
                      multiply_adds=weights * positions,
                      other_ops=_activation_ops(config, positions * filters))


def _transposed(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    """ConvTranspose: every input position spreads k x C_in x C_out weights over a window of the (larger) output, so
    MACs = that x input positions; the output length is Keras's (keras.src.ops.operation_utils:
    deconv_output_length)."""
    _channels_last(config)
    spatial, in_channels = _spatial(_one_input(inputs), rank, "transposed convolution")
    kernel = _tuple(config.get("kernel_size"), rank, "kernel size")
    strides = _tuple(config.get("strides", 1), rank, "strides")
    dilation = _tuple(config.get("dilation_rate", 1), rank, "dilation rate")
    extra = config.get("output_padding")
    extra = None if extra is None else _tuple(extra, rank, "output padding", minimum=0)
    padding = config.get("padding", "valid")
    if padding not in ("valid", "same"):
        raise NotCounted(f"its padding is {padding!r}; valid and same are counted")
    out = []
    for axis, (n, k, s, d) in enumerate(zip(spatial, kernel, strides, dilation)):
        k = k + (k - 1) * (d - 1)
        if extra is None:
            out.append(n * s + max(k - s, 0) if padding == "valid" else n * s)
        else:
            out.append((n - 1) * s + k - 2 * (k // 2 if padding == "same" else 0) + extra[axis])
    if min(out) < 1:
        raise NotCounted(f"its output would have no positions ({out})")
    filters = _whole(config.get("filters"), "number of filters")
    weights = math.prod(kernel) * in_channels * filters
    return LayerCount("pointwise" if math.prod(kernel) == 1 else "standard", (tuple(out) + (filters,),),
                      params=weights + filters * bool(config.get("use_bias", True)),
                      multiply_adds=weights * math.prod(spatial),
                      other_ops=_activation_ops(config, math.prod(out) * filters))


def _depthwise(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    """DepthwiseConv: k x C_in x multiplier weights, each used at every output position."""
    kernel, out, in_channels = _slide(config, _one_input(inputs), rank, "depthwise convolution")
    outputs = in_channels * _whole(config.get("depth_multiplier", 1), "depth multiplier")
    weights = math.prod(kernel) * outputs
    positions = math.prod(out)
    return LayerCount("depthwise", (out + (outputs,),), params=weights + outputs * bool(config.get("use_bias", True)),
                      multiply_adds=weights * positions, depthwise_multiply_adds=weights * positions,
                      other_ops=_activation_ops(config, positions * outputs))


def _separable(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    """SeparableConv: a depthwise step (k x C_in x m) then a pointwise one (C_in x m x C_out), one bias per filter."""
    kernel, out, in_channels = _slide(config, _one_input(inputs), rank, "separable convolution")
    middle = in_channels * _whole(config.get("depth_multiplier", 1), "depth multiplier")
    filters = _whole(config.get("filters"), "number of filters")
    positions = math.prod(out)
    depthwise = math.prod(kernel) * middle
    return LayerCount("separable", (out + (filters,),),
                      params=depthwise + middle * filters + filters * bool(config.get("use_bias", True)),
                      multiply_adds=(depthwise + middle * filters) * positions,
                      depthwise_multiply_adds=depthwise * positions,
                      other_ops=_activation_ops(config, positions * filters))


def _dense(config: dict, inputs: list[Shape]) -> LayerCount:
    """Dense on the last axis: C_in x units weights, used at every other position. On a feature map (two axes or more
    besides the channels, as in ConvNeXt's blocks) it mixes each position's channels: a 1x1 pointwise convolution in
    effect, counted as one (ConvNeXt, whose Dense layers do 93 % of its multiply-adds beside 7 x 7 depthwise layers,
    read "none in 1x1 pointwise work"), as a 1x1 convolution of a 1x1 map counts as dense. On a sequence (a text
    model's words) it stays dense: its layers were called "1 x 1 convolutions" of "a map"."""
    shape = _one_input(inputs)
    if not shape:
        raise NotCounted("a dense layer needs at least one axis besides the batch")
    units = _whole(config.get("units"), "number of units")
    positions = math.prod(shape[:-1])
    on_a_map = len(shape) >= 3 and positions > 1
    return LayerCount("pointwise" if on_a_map else "dense", (shape[:-1] + (units,),),
                      params=shape[-1] * units + units * bool(config.get("use_bias", True)),
                      multiply_adds=shape[-1] * units * positions,
                      other_ops=_activation_ops(config, positions * units))


def _axes(config: dict, shape: Shape, default: Any) -> tuple[int, ...]:
    """A normalisation layer's axes as indices into `shape` (Keras counts the batch axis as 0)."""
    axis = config.get("axis", default)
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    found = []
    for item in axes:
        if isinstance(item, bool) or not isinstance(item, int) or not -len(shape) - 1 <= item <= len(shape) or \
                item % (len(shape) + 1) == 0:
            raise NotCounted(f"its axis {axis!r} does not fit its {shape} input")
        found.append(item % (len(shape) + 1) - 1)
    return tuple(found)


def _batch_norm(config: dict, inputs: list[Shape]) -> LayerCount:
    """gamma and beta (trainable when scale and center), moving mean and variance (not trainable): per channel."""
    shape = _one_input(inputs)
    channels = math.prod(shape[axis] for axis in _axes(config, shape, -1))
    affine = bool(config.get("scale", True)) + bool(config.get("center", True))
    return LayerCount("normalisation", (shape,), params=affine * channels, frozen_params=2 * channels,
                      other_ops=math.prod(shape))


def _layer_norm(config: dict, inputs: list[Shape]) -> LayerCount:
    """gamma (when scale) and beta (when center, and not RMS scaling, which has no beta) over the normalised axes."""
    shape = _one_input(inputs)
    size = math.prod(shape[axis] for axis in _axes(config, shape, -1))
    affine = bool(config.get("scale", True)) + (bool(config.get("center", True)) and not config.get("rms_scaling"))
    return LayerCount("normalisation", (shape,), params=affine * size, other_ops=math.prod(shape))


def _normalization(config: dict, inputs: list[Shape]) -> LayerCount:
    """Keras's Normalization layer: without a given mean and variance it keeps both (and a count) as weights."""
    shape = _one_input(inputs)
    if config.get("mean") is not None or config.get("variance") is not None:
        return LayerCount("normalisation", (shape,), other_ops=math.prod(shape))
    size = math.prod(shape[axis] for axis in _axes(config, shape, -1))
    return LayerCount("normalisation", (shape,), frozen_params=2 * size + 1, other_ops=math.prod(shape))


def _same(role: str, ops_per_element: int = 1) -> Callable[[dict, list[Shape]], LayerCount]:
    def count(config: dict, inputs: list[Shape]) -> LayerCount:
        shape = _one_input(inputs)
        return LayerCount(role, (shape,), other_ops=ops_per_element * math.prod(shape))
    return count


def _prelu(config: dict, inputs: list[Shape]) -> LayerCount:
    shape = _one_input(inputs)
    shared = config.get("shared_axes") or []
    shared = [shared] if isinstance(shared, int) else shared
    if not isinstance(shared, (list, tuple)) or any(isinstance(a, bool) or not isinstance(a, int) for a in shared):
        raise NotCounted(f"its shared axes {config.get('shared_axes')!r} are not whole numbers")
    alpha = [1 if axis + 1 in shared else size for axis, size in enumerate(shape)]
    return LayerCount("elementwise", (shape,), params=math.prod(alpha), other_ops=math.prod(shape))


def _broadcast(inputs: list[Shape]) -> Shape:
    if len(inputs) < 2:
        raise NotCounted(f"it merges two or more tensors, and the file gives it {len(inputs)}")
    rank = max(len(shape) for shape in inputs)
    padded = [(1,) * (rank - len(shape)) + shape for shape in inputs]
    out = []
    for sizes in zip(*padded):
        bigger = {size for size in sizes if size != 1}
        if len(bigger) > 1:
            raise NotCounted(f"its inputs {inputs} do not broadcast together")
        out.append(bigger.pop() if bigger else 1)
    return tuple(out)


def _merge(config: dict, inputs: list[Shape]) -> LayerCount:
    """Add, Multiply and the like: n - 1 operations per output element."""
    shape = _broadcast(inputs)
    return LayerCount("elementwise", (shape,), other_ops=(len(inputs) - 1) * math.prod(shape))


def _concatenate(config: dict, inputs: list[Shape]) -> LayerCount:
    if len(inputs) < 2 or len({len(shape) for shape in inputs}) != 1 or not inputs[0]:
        raise NotCounted(f"it joins two or more tensors of one rank, and the file gives it {inputs}")
    axis = config.get("axis", -1)
    rank = len(inputs[0])
    if isinstance(axis, bool) or not isinstance(axis, int) or axis % (rank + 1) == 0 or not -rank - 1 <= axis <= rank:
        raise NotCounted(f"its axis {axis!r} does not fit its inputs {inputs}")
    index = axis % (rank + 1) - 1
    if any(shape[:index] + shape[index + 1:] != inputs[0][:index] + inputs[0][index + 1:] for shape in inputs):
        raise NotCounted(f"its inputs {inputs} differ on an axis other than {axis}")
    joined = inputs[0][:index] + (sum(shape[index] for shape in inputs),) + inputs[0][index + 1:]
    return LayerCount("other", (joined,))


def _pooling(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    """Max or average pooling: one operation per window element read, for every output element."""
    _channels_last(config)
    spatial, channels = _spatial(_one_input(inputs), rank, "pooling layer")
    pool = _tuple(config.get("pool_size", 2), rank, "pool size")
    strides = pool if config.get("strides") is None else _tuple(config.get("strides"), rank, "strides")
    padding = config.get("padding", "valid")
    if padding not in ("valid", "same"):
        raise NotCounted(f"its padding is {padding!r}; valid and same are counted")
    out = tuple(conv_output_length(n, k, s, padding, 1) for n, k, s in zip(spatial, pool, strides))
    if min(out) < 1:
        raise NotCounted(f"its {pool} window does not fit its {spatial} input")
    # an output element reads its window's elements that lie in the input: "same" padding's zeros are not read
    reads = math.prod(window_reads(n, k, s, padding) for n, k, s in zip(spatial, pool, strides))
    return LayerCount("pooling", (out + (channels,),), other_ops=reads * channels)


def _global_pooling(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    _channels_last(config)
    shape = _one_input(inputs)
    spatial, channels = _spatial(shape, rank, "global pooling layer")
    out = (1,) * rank + (channels,) if config.get("keepdims", False) else (channels,)
    return LayerCount("pooling", (out,), other_ops=math.prod(shape))


def _side_pairs(value: Any, rank: int, what: str) -> list:
    """A padding or cropping layer's `value` as `rank` (before, after) pairs: a whole number for every side, or one
    for each dimension (a number, or a pair). Keras writes a 1-D layer's as one [before, after] pair: [2, 2] was
    refused as "not 1 pairs of whole numbers", and every layer after it went uncounted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [(value, value)] * rank
    if isinstance(value, (list, tuple)):
        if rank == 1 and len(value) == 2 and not any(isinstance(item, (list, tuple)) for item in value):
            return [tuple(value)]
        pairs = [item if isinstance(item, (list, tuple)) else (item, item) for item in value]
        if len(pairs) == rank and all(len(pair) == 2 for pair in pairs):
            return pairs
    raise NotCounted(f"its {what} {value!r} is not " + ("a pair" if rank == 1 else f"{rank} pairs") +
                     " of whole numbers")


def _padding(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    _channels_last(config)
    spatial, channels = _spatial(_one_input(inputs), rank, "padding layer")
    pairs = _side_pairs(config.get("padding", 1), rank, "padding")
    out = tuple(n + _whole(a, "padding", 0) + _whole(b, "padding", 0) for n, (a, b) in zip(spatial, pairs))
    return LayerCount("other", (out + (channels,),))


def _cropping(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    _channels_last(config)
    spatial, channels = _spatial(_one_input(inputs), rank, "cropping layer")
    cropping = config.get("cropping", 0)
    pairs = _side_pairs(cropping, rank, "cropping")
    out = tuple(n - _whole(a, "cropping", 0) - _whole(b, "cropping", 0) for n, (a, b) in zip(spatial, pairs))
    if min(out) < 1:
        raise NotCounted(f"its cropping {cropping!r} leaves nothing of its {spatial} input")
    return LayerCount("other", (out + (channels,),))


def _upsampling(config: dict, inputs: list[Shape], rank: int) -> LayerCount:
    _channels_last(config)
    spatial, channels = _spatial(_one_input(inputs), rank, "upsampling layer")
    size = _tuple(config.get("size", 2), rank, "size")
    return LayerCount("other", (tuple(n * s for n, s in zip(spatial, size)) + (channels,),))


def _flatten(config: dict, inputs: list[Shape]) -> LayerCount:
    _channels_last(config)
    return LayerCount("other", ((math.prod(_one_input(inputs)),),))


def _reshape(config: dict, inputs: list[Shape]) -> LayerCount:
    size = math.prod(_one_input(inputs))
    target = config.get("target_shape")
    if not isinstance(target, (list, tuple)) or not target:
        raise NotCounted(f"its target shape is {target!r}, not a list of sizes")
    unknown = [i for i, item in enumerate(target) if item == -1]
    known = [_whole(item, "target shape") for item in target if item != -1]
    if len(unknown) > 1 or (unknown and size % math.prod(known)) or (not unknown and math.prod(known) != size):
        raise NotCounted(f"its target shape {target} does not hold the {size} values of its input")
    return LayerCount("other", (tuple(size // math.prod(known) if item == -1 else item for item in target),))


def _permute(config: dict, inputs: list[Shape]) -> LayerCount:
    shape = _one_input(inputs)
    dims = config.get("dims")
    if not isinstance(dims, (list, tuple)) or any(isinstance(d, bool) or not isinstance(d, int) for d in dims) \
            or sorted(dims) != list(range(1, len(shape) + 1)):
        raise NotCounted(f"its dims {dims!r} are not a reordering of 1..{len(shape)}")
    return LayerCount("other", (tuple(shape[d - 1] for d in dims),))


def _embedding(config: dict, inputs: list[Shape]) -> LayerCount:
    """A table of `input_dim` vectors of `output_dim`, one looked up per position: weights, and no arithmetic. A text
    model's 64,000 embedding weights were left out of its count (Embedding was a class the profiler did not know)."""
    shape = _one_input(inputs)
    rows, width = _whole(config.get("input_dim"), "input size"), _whole(config.get("output_dim"), "output size")
    return LayerCount("other", (tuple(shape) + (width,),), params=rows * width)


def _resized(config: dict, inputs: list[Shape]) -> LayerCount:
    """Resizing, CenterCrop and RandomCrop (at inference, a centre crop): a picture of `height` x `width` with the
    input's channels, one interpolated or copied value per output element. Unknown to the profiler, they left a
    Sequential model's every later layer uncounted."""
    _channels_last(config)
    shape = _one_input(inputs)
    if len(shape) != 3:
        raise NotCounted(f"it takes a picture (height, width, channels), and the file gives it {list(shape)}")
    out = (_whole(config.get("height"), "height"), _whole(config.get("width"), "width"), shape[2])
    return LayerCount("other", (out,), other_ops=math.prod(out))


def _input(config: dict, inputs: list[Shape]) -> LayerCount:
    return LayerCount("other", tuple(inputs))


def _ranked(count: Callable[..., LayerCount], rank: int) -> Callable[[dict, list[Shape]], LayerCount]:
    return lambda config, inputs: count(config, inputs, rank)


# Keras 3's image augmentation layers that keep the picture's shape (keras.layers, 3.15).
AUGMENTATION_LAYERS = ("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                       "RandomBrightness", "RandomHue", "RandomSaturation", "RandomSharpness", "RandomGrayscale",
                       "RandomColorDegeneration", "RandomColorJitter", "RandomPosterization", "RandomInvert",
                       "RandomErasing", "RandomGaussianBlur", "RandomShear", "RandomPerspective",
                       "RandomElasticTransform", "AutoContrast", "Equalization", "Solarization", "AugMix",
                       "RandAugment", "MixUp", "CutMix")


RULES: dict[str, Callable[[dict, list[Shape]], LayerCount]] = {
    "InputLayer": _input,
    "Dense": _dense,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Normalization": _normalization,
    "Rescaling": _same("elementwise"),
    "PReLU": _prelu,
    "Add": _merge, "Subtract": _merge, "Multiply": _merge, "Average": _merge, "Maximum": _merge, "Minimum": _merge,
    "Concatenate": _concatenate,
    "Flatten": _flatten, "Reshape": _reshape, "Permute": _permute,
    **{name: _same("elementwise") for name in ("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax")},
    **{name: _same("other", 0) for name in ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                                            "GaussianNoise", "GaussianDropout", "AlphaDropout", "Identity",
                                            "ActivityRegularization")},
    # Augmentation: random changes while the model trains, and the picture passed on unchanged when it predicts (the
    # forward pass counted here). In front of a Sequential model they left every layer after them uncounted.
    **{name: _same("other", 0) for name in AUGMENTATION_LAYERS},
    "Resizing": _resized, "CenterCrop": _resized, "RandomCrop": _resized,
    "Embedding": _embedding,
}
for _rank in (1, 2, 3):
    RULES.update({
        f"Conv{_rank}D": _ranked(_conv, _rank),
        f"Conv{_rank}DTranspose": _ranked(_transposed, _rank),
        f"MaxPooling{_rank}D": _ranked(_pooling, _rank),
        f"AveragePooling{_rank}D": _ranked(_pooling, _rank),
        f"GlobalAveragePooling{_rank}D": _ranked(_global_pooling, _rank),
        f"GlobalMaxPooling{_rank}D": _ranked(_global_pooling, _rank),
        f"ZeroPadding{_rank}D": _ranked(_padding, _rank),
        f"Cropping{_rank}D": _ranked(_cropping, _rank),
        f"UpSampling{_rank}D": _ranked(_upsampling, _rank),
    })
for _rank in (1, 2):
    RULES[f"DepthwiseConv{_rank}D"] = _ranked(_depthwise, _rank)
    RULES[f"SeparableConv{_rank}D"] = _ranked(_separable, _rank)


# Keras 3 records arithmetic on symbolic tensors (`x + 3.0`, `x * y`) as operations of keras.src.ops in the graph.
OPERATIONS = ("Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Maximum", "Minimum")


def count_operation(class_name: str, inputs: list[Shape], constants: int) -> LayerCount:
    """An elementwise operation of tensors and plain numbers: (operands - 1) operations per output element."""
    if class_name not in OPERATIONS:
        raise NotCounted(f"the operation {class_name} is not one the profiler knows")
    if len(inputs) + constants < 2 or not inputs:
        raise NotCounted(f"the operation {class_name} needs two operands, one of them a tensor")
    shape = inputs[0] if len(inputs) == 1 else _broadcast(inputs)
    return _within_reason(LayerCount("elementwise", (shape,),
                                     other_ops=(len(inputs) + constants - 1) * math.prod(shape)))


def count_layer(class_name: str, config: Any, inputs: list[Shape]) -> LayerCount:
    """Count one call of a Keras layer from its class name, its config and its input shapes."""
    rule = RULES.get(class_name)
    if rule is None:
        raise NotCounted(f"{class_name} is not a layer class the profiler knows")
    if not isinstance(config, dict):
        raise NotCounted(f"its config is a {type(config).__name__}, not an object")
    if config.get("lora_rank"):
        raise NotCounted("it carries LoRA adapters, whose weights the profiler does not count")
    policy = config.get("dtype")
    if isinstance(policy, dict) and "Quantized" in str(policy.get("class_name", "")):
        raise NotCounted("it is quantized, and its weights are not stored as one float each")
    return _within_reason(rule(config, inputs))


def _within_reason(counted: LayerCount) -> LayerCount:
    """A count no real network reaches is refused, so that no total outgrows a table's 64-bit numbers."""
    sizes = [size for shape in counted.outputs for size in shape]
    biggest = max(counted.params, counted.frozen_params, counted.multiply_adds, counted.other_ops,
                  max((math.prod(shape) for shape in counted.outputs), default=0))
    if any(size >= LARGEST_DIMENSION for size in sizes) or biggest > LARGEST_COUNT:
        raise NotCounted(f"its counts reach {biggest:.2g}, beyond any real network's ({LARGEST_COUNT:.0e} a layer)")
    return counted
