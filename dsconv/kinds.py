"""The kinds of convolution layer, defined once: name, labels, colour, and the Keras layers each is made of.

Every page, table, figure and model reads its kinds from here. `layer_specs` says which Keras layers a kind
is, as plain class names and arguments; `keras_layers` builds them (the Parameter lab's Keras check, the
tutorial's models, the Speed lab's timed steps), and `dsconv.costs.codegen` prints them as code to copy.
Keras is imported inside `keras_layers` only, so importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsconv import ONE_AT_A_TIME
from dsconv.safe_text import counted


@dataclass(frozen=True)
class Kind:
    """One kind of convolution layer and the words and colour it is shown with."""

    name: str  # the key used in code, URLs and run records
    label: str  # full name, as in tables and sentences: "DepthwiseConv2D + 1x1 Conv2D"
    short: str  # legends, pickers and chart labels: "Depthwise + 1x1"
    word: str  # one word where space is tight (the projector bar): "Separable"
    lesson: str  # what the Sliding kernels page calls it, in plain words
    colour: str  # Okabe-Ito: readable on a projector and by most colour-blind viewers. Standard and separable, the
    # comparison of every page, are its vermillion and blue: as vermillion and orange they merged on a projector.
    detail: str = ""  # what its Keras layers are, where the label does not say it


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("standard", "Standard Conv2D", "Conv2D", "Standard", "Standard convolution", "#d55e00"),
    Kind("grouped", "Grouped Conv2D", "Grouped Conv2D", "Grouped", "Grouped convolution", "#cc79a7"),
    Kind("depthwise", "DepthwiseConv2D", "DepthwiseConv2D", "Depthwise", "Depthwise convolution", "#e69f00"),
    Kind("pointwise", "Pointwise (1x1) Conv2D", "1x1 Conv2D", "Pointwise", "Pointwise (1x1) convolution", "#009e73"),
    Kind("separable", "SeparableConv2D", "SeparableConv2D", "Separable",
         "Depthwise separable (depthwise, then pointwise)", "#0072b2"),
    Kind("depthwise_pointwise", "DepthwiseConv2D + 1x1 Conv2D", "Depthwise + 1x1", "Depthwise + 1x1",
         "Depthwise, then a separate 1x1 convolution", "#56b4e9",
         detail="each with its bias and ReLU: the tutorial's custom layer"),
    Kind("mobilenet", "MobileNet block", "MobileNet block", "MobileNet", "MobileNet block", "#882255",
         detail="DepthwiseConv2D, BatchNorm, ReLU, 1x1 Conv2D, BatchNorm, ReLU"),
)}

LAYER_KINDS = ("standard", "grouped", "depthwise", "pointwise", "separable", "depthwise_pointwise")  # one layer each
NETWORK_KINDS = ("standard", "separable", "depthwise_pointwise", "mobilenet")  # the tutorial's VGG, conv by conv
SLIDING_KINDS = ("standard", "depthwise", "pointwise", "separable", "grouped")  # the ones the animation slides
SEPARABLE_KINDS = ("separable", "depthwise_pointwise", "mobilenet")  # a depthwise step, then a 1x1 one


def label(kind: str) -> str:
    """A kind's full label; an unknown name is shown as it is (a run record may carry one)."""
    return KINDS[kind].label if kind in KINDS else kind


def word(kind: str) -> str:
    """A kind's one-word label; an unknown name (a broken link) is shown as it is."""
    return KINDS[kind].word if kind in KINDS else kind


def noun(kind: str) -> str:
    """A kind's one-word label as it reads inside a sentence: 'the separable model', 'the depthwise + 1x1 model',
    but 'the MobileNet model' (a name keeps its capitals)."""
    text = word(kind)
    first = text.split(" ")[0]
    return text[0].lower() + text[1:] if first[1:].islower() else text


def short_label(kind: str) -> str:
    """A kind's short label; an unknown name is shown as it is."""
    return KINDS[kind].short if kind in KINDS else kind


@dataclass(frozen=True)
class LayerSpec:
    """One Keras layer of a kind: its class in `keras.layers`, its arguments, and what it does, in words."""

    class_name: str
    args: dict[str, Any] = field(default_factory=dict)
    comment: str = ""


def layer_specs(kind: str, *, out_channels: int = 1, kernel_size: Any = 3, strides: Any = 1,
                padding: str = "valid", dilation_rate: Any = 1, depth_multiplier: int = 1, groups: int = 1,
                use_bias: bool = True, activation: str | None = None, in_channels: int | None = None,
                name: str | None = None) -> list[LayerSpec]:
    """The Keras layers that make up one layer of `kind`, in order, with Keras's own argument names.

    A composite kind names its layers `name_dw`, `name_pw` (and the MobileNet block `name_dw_bn`, ...), so a
    network's rows can find their layers. `activation` follows each kind's own rule: SeparableConv2D applies it
    once at the end; the tutorial's depthwise + 1x1 layer after each step; the MobileNet block always uses
    BatchNorm and ReLU and no biases (BatchNorm's beta does a bias's job). `in_channels` only feeds comments.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown layer kind {kind!r}; choose one of: {', '.join(KINDS)}.")
    window = dict(kernel_size=kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate)
    act = {"activation": activation} if activation else {}
    channels = f"x{in_channels}" if in_channels else ""

    def named(suffix: str = "") -> dict[str, Any]:
        return {"name": f"{name}{suffix}"} if name else {}

    def pointwise(step_strides: Any = 1, step_padding: str = "valid", bias: bool = use_bias,
                  extra: dict[str, Any] | None = None, suffix: str = "_pw", comment: str = "") -> LayerSpec:
        return LayerSpec("Conv2D", dict(filters=out_channels, kernel_size=1, strides=step_strides,
                                        padding=step_padding, use_bias=bias, **(extra or {}), **named(suffix)),
                         comment)

    if kind == "standard":
        return [LayerSpec("Conv2D", dict(filters=out_channels, **window, groups=1, use_bias=use_bias, **act,
                                         **named()))]
    if kind == "grouped":
        # (a grouped layer of one group read "# 1 groups")
        return [LayerSpec("Conv2D", dict(filters=out_channels, **window, groups=groups, use_bias=use_bias, **act,
                                         **named()), counted(groups, "group"))]
    if kind == "pointwise":
        return [pointwise(strides, padding, extra=act, suffix="",
                          comment=f"{counted(out_channels, 'filter')} of 1x1{channels}")]
    depthwise = dict(**window, depth_multiplier=depth_multiplier)
    mixed = f"pointwise: {counted(out_channels, 'filter')} of 1x1" + \
        (f"x{in_channels * depth_multiplier}" if in_channels else "")
    if kind == "depthwise":
        return [LayerSpec("DepthwiseConv2D", dict(**depthwise, use_bias=use_bias, **act, **named()))]
    if kind == "separable":
        return [LayerSpec("SeparableConv2D", dict(filters=out_channels, **depthwise, use_bias=use_bias, **act,
                                                  **named()), "no bias in the depthwise step")]
    if kind == "depthwise_pointwise":
        return [LayerSpec("DepthwiseConv2D", dict(**depthwise, use_bias=use_bias, **act, **named("_dw"))),
                pointwise(extra=act, comment=mixed)]
    return [LayerSpec("DepthwiseConv2D", dict(**depthwise, use_bias=False, **named("_dw"))),
            LayerSpec("BatchNormalization", named("_dw_bn")), LayerSpec("ReLU", named("_dw_relu")),
            pointwise(bias=False, comment=mixed), LayerSpec("BatchNormalization", named("_pw_bn")),
            LayerSpec("ReLU", named("_pw_relu"))]


def keras_layers(kind: str, *, depthwise_initializer: Any = None, **settings: Any) -> list[Any]:
    """The Keras layers of one layer of `kind` (see `layer_specs` for the settings), unbuilt.

    `depthwise_initializer` (a Keras initializer) goes to every depthwise kernel; without it Keras's default.
    """
    with ONE_AT_A_TIME:
        from keras import layers  # heavy: pulls in a backend, so only here

    made = []
    for spec in layer_specs(kind, **settings):
        args = dict(spec.args)
        if depthwise_initializer is not None and spec.class_name in ("DepthwiseConv2D", "SeparableConv2D"):
            args["depthwise_initializer"] = depthwise_initializer
        made.append(getattr(layers, spec.class_name)(**args))
    return made
