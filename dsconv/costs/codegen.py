"""Keras and PyTorch code for one configured convolution layer, ready to copy.

The settings are the keyword arguments of `dsconv.costs.arithmetic.layer_cost`; the code is only written
for a configuration that arithmetic accepts, and its closing comment states the expected counts.
"""

from __future__ import annotations

from typing import Any

from dsconv.costs.arithmetic import as_pair, conv_output_length, layer_cost
from dsconv.kinds import layer_specs
from dsconv.safe_text import counted


def _literal(value: Any) -> str:
    """An int pair that is square becomes one int, as people write it."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (tuple, list)):
        pair = tuple(value)
        return str(pair[0]) if pair[0] == pair[1] else str(pair)
    return repr(value)


def _call(name: str, args: list[str], comment: str = "", width: int = 72) -> list[str]:
    """A constructor call as lines no wider than `width`: on one line if it fits, else one argument group a line."""
    one_line = f"{name}({', '.join(args)}),"
    suffix = f"  # {comment}" if comment else ""
    if len(one_line) + len(suffix) <= width:
        return [one_line + suffix]
    lines, current = [f"{name}(" + suffix], ""
    for arg in args:
        if current and len(current) + len(arg) + 2 > width - 4:
            lines.append("    " + current.rstrip())
            current = ""
        current += arg + ", "
    lines.append("    " + current.rstrip())
    lines.append("),")
    return lines


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    full = dict(strides=1, padding="valid", dilation_rate=1, depth_multiplier=1, groups=1, use_bias=True)
    full.update(settings)
    return full


def keras_code(kind: str, settings: dict[str, Any]) -> str:
    """Keras 3 code that builds the layer as a one-layer model; raises LayerConfigError if invalid."""
    s = _settings(settings)
    cost = layer_cost(kind, **s)
    body = []
    for spec in layer_specs(kind, in_channels=s["in_channels"], **{key: value for key, value in s.items()
                                                                 if key not in ("height", "width", "in_channels")}):
        args = [str(value) if key == "filters" else f"{key}={_literal(value)}" for key, value in spec.args.items()]
        body += _call(f"layers.{spec.class_name}", args, spec.comment)
    c = s["in_channels"]
    lines = [
        "import keras",
        "from keras import layers",
        "",
        "model = keras.Sequential([",
        f"    keras.Input(shape=({s['height']}, {s['width']}, {c})),  # height, width, channels",
        *("    " + line for line in body),
        "])",
        "print(model.count_params(), model.output_shape)",
        f"# expect {cost.params:,} params and output (None, {', '.join(map(str, cost.output_shape))})",
    ]
    if kind == "depthwise_pointwise":  # the kind is described as the tutorial's layer, "each with its bias and ReLU"
        lines.append('# the tutorial\'s layer gives each step activation="relu" too: no count changes')
    return "\n".join(lines) + "\n"


def _torch_padding(settings: dict[str, Any]) -> tuple[str, str]:
    """PyTorch padding argument, plus an nn.ZeroPad2d line when TensorFlow's 'same' pads unevenly with strides."""
    if settings["padding"] == "valid":
        return "0", ""
    stride = as_pair(settings["strides"], "strides")
    if max(stride) == 1:
        return '"same"', ""  # PyTorch pads like TensorFlow here, but only allows "same" with stride 1
    kernel = as_pair(settings["kernel_size"], "kernel_size")
    dilation = as_pair(settings["dilation_rate"], "dilation_rate")
    pads = []
    for length, k, s, d in zip((settings["height"], settings["width"]), kernel, stride, dilation):
        out = conv_output_length(length, k, s, "same", d)
        total = max((out - 1) * s + d * (k - 1) + 1 - length, 0)
        pads.append((total // 2, total - total // 2))  # TensorFlow puts the odd pixel at the bottom/right
    (top, bottom), (left, right) = pads
    return "0", f"nn.ZeroPad2d(({left}, {right}, {top}, {bottom})),  # TensorFlow's 'same' with strides"


def pytorch_code(kind: str, settings: dict[str, Any]) -> str:
    """PyTorch code for the same layer (channels first); raises LayerConfigError if invalid."""
    s = _settings(settings)
    cost = layer_cost(kind, **s)
    c, n, m, bias = s["in_channels"], s["out_channels"], s["depth_multiplier"], s["use_bias"]
    k, st, dil = _literal(s["kernel_size"]), _literal(s["strides"]), _literal(s["dilation_rate"])
    padding, pad_line = _torch_padding(s)

    def conv(in_c: int, out_c: int, groups: int, use_bias: bool, comment: str) -> list[str]:
        return _call("nn.Conv2d", [f"in_channels={in_c}", f"out_channels={out_c}", f"kernel_size={k}",
                                   f"stride={st}", f"padding={padding}", f"dilation={dil}", f"groups={groups}",
                                   f"bias={use_bias}"], comment)

    def one_by_one(in_c: int, stride: str, comment: str) -> list[str]:
        return _call("nn.Conv2d", [f"in_channels={in_c}", f"out_channels={n}", "kernel_size=1", f"stride={stride}",
                                   "padding=0", "dilation=1", "groups=1", f"bias={bias}"], comment)

    if kind == "standard":
        body = conv(c, n, 1, bias, f"{counted(n, 'filter')} of {k}x{k}x{c}")
    elif kind == "grouped":
        g = s["groups"]
        body = conv(c, n, g, bias, f"{counted(g, 'group')}: each filter sees {counted(c // g, 'channel')}")
    elif kind == "pointwise":
        pad_line = ""
        body = one_by_one(c, st, f"{counted(n, 'filter')} of 1x1x{c}")
    elif kind == "depthwise":
        body = conv(c, c * m, c, bias, "depthwise: groups = in_channels")
    else:
        depthwise_bias = bias and kind == "depthwise_pointwise"  # Keras SeparableConv2D has no depthwise bias
        body = (conv(c, c * m, c, depthwise_bias, "depthwise: groups = in_channels")
                + one_by_one(c * m, "1", f"pointwise: {counted(n, 'filter')} of 1x1x{c * m}"))
    if pad_line:
        body.insert(0, pad_line)
    h, w, out_c = cost.output_shape
    lines = [
        "import torch",
        "from torch import nn",
        "",
        "model = nn.Sequential(",
        *("    " + line for line in body),
        ")",
        f"x = torch.zeros(1, {c}, {s['height']}, {s['width']})  # PyTorch puts channels first",
        "print(sum(p.numel() for p in model.parameters()), tuple(model(x).shape))",
        f"# expect {cost.params:,} params and output (1, {out_c}, {h}, {w})",
    ]
    return "\n".join(lines) + "\n"
