"""The generated code is checked by running it (Keras) or by reading its arguments (PyTorch, not installed).

Keras: exec the code, compare the model's count_params() and output shape with dsconv.costs.keras_check
(the real layers) and with dsconv.costs.arithmetic. PyTorch: parse the code, then count parameters and
follow shapes from the nn.Conv2d / nn.ZeroPad2d arguments with PyTorch's documented formulas.
"""

from __future__ import annotations

import ast
import random

import pytest

from dsconv.costs.arithmetic import LayerConfigError, layer_cost
from dsconv.costs.codegen import keras_code, pytorch_code
from dsconv.kinds import LAYER_KINDS

KERAS_CONFIGS = [
    dict(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3),
    dict(height=15, width=20, in_channels=6, out_channels=9, kernel_size=4, strides=2, padding="same",
         depth_multiplier=2, groups=3),
    dict(height=12, width=12, in_channels=8, out_channels=8, kernel_size=3, dilation_rate=2, padding="same",
         groups=8, use_bias=False),
]


def random_configs(count: int, seed: int = 0) -> list[dict]:
    """Random settings like the lab's widgets allow, valid at least for DepthwiseConv2D (strides and dilation
    above 1 together are only for the depthwise kinds: Keras's Conv2D refuses them)."""
    rng = random.Random(seed)
    configs = []
    while len(configs) < count:
        in_channels = rng.choice([1, 2, 3, 4, 6, 8, 12, 16])
        config = dict(height=rng.randint(1, 40), width=rng.randint(1, 40), in_channels=in_channels,
                      out_channels=rng.choice([1, 2, 4, 6, 8, 12, 24]), kernel_size=rng.randint(1, 7),
                      strides=rng.randint(1, 4), padding=rng.choice(["valid", "same"]), dilation_rate=1,
                      depth_multiplier=rng.randint(1, 3), groups=rng.choice([1, 2, 3, 4]),
                      use_bias=rng.random() < 0.7)
        if config["strides"] == 1 or rng.random() < 0.3:
            config["dilation_rate"] = rng.randint(1, 3)
        try:
            layer_cost("depthwise", **config)
        except LayerConfigError:
            continue
        configs.append(config)
    return configs


def torch_layers(code: str) -> list[tuple[str, dict]]:
    """The (name, arguments) of every nn.X(...) call inside nn.Sequential, in order."""
    tree = ast.parse(code)
    sequential = next(node for node in ast.walk(tree) if isinstance(node, ast.Call)
                      and ast.unparse(node.func) == "nn.Sequential")
    layers = []
    for call in sequential.args:
        name = ast.unparse(call.func)
        args = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        if call.args:
            args["_positional"] = [ast.literal_eval(a) for a in call.args]
        layers.append((name, args))
    return layers


def pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def follow_torch(code: str, channels: int, height: int, width: int) -> tuple[int, tuple[int, int, int], list]:
    """Params and output (H, W, C) from the code's arguments, by PyTorch's Conv2d documentation."""
    params, convs = 0, []
    for name, args in torch_layers(code):
        if name == "nn.ZeroPad2d":
            left, right, top, bottom = args["_positional"][0]
            height, width = height + top + bottom, width + left + right
            continue
        assert name == "nn.Conv2d"
        assert args["in_channels"] == channels, "each layer's in_channels must match the tensor it gets"
        groups = args["groups"]
        assert args["in_channels"] % groups == 0 and args["out_channels"] % groups == 0  # PyTorch requires it
        (kh, kw), (sh, sw), (dh, dw) = pair(args["kernel_size"]), pair(args["stride"]), pair(args["dilation"])
        params += args["out_channels"] * (args["in_channels"] // groups) * kh * kw
        params += args["out_channels"] if args["bias"] else 0
        if args["padding"] == "same":
            assert (sh, sw) == (1, 1), 'PyTorch allows padding="same" only with stride 1'
        else:
            ph, pw = pair(args["padding"])
            height = (height + 2 * ph - dh * (kh - 1) - 1) // sh + 1
            width = (width + 2 * pw - dw * (kw - 1) - 1) // sw + 1
        channels = args["out_channels"]
        convs.append(args)
    return params, (height, width, channels), convs


@pytest.mark.parametrize("config", random_configs(40))
def test_pytorch_code_counts_and_shapes(config):
    for kind in LAYER_KINDS:
        try:
            ours = layer_cost(kind, **config)
        except LayerConfigError:
            with pytest.raises(LayerConfigError):
                pytorch_code(kind, config)
            continue
        code = pytorch_code(kind, config)
        params, shape, convs = follow_torch(code, config["in_channels"], config["height"], config["width"])
        assert params == ours.params, (kind, code)
        assert shape == ours.output_shape, (kind, code)
        if kind in ("depthwise", "separable", "depthwise_pointwise"):
            depthwise = convs[0]
            assert depthwise["groups"] == config["in_channels"]
            assert depthwise["out_channels"] == config["in_channels"] * config["depth_multiplier"]
            assert depthwise["bias"] is (config["use_bias"] and kind != "separable")
        if kind in ("separable", "depthwise_pointwise"):
            assert convs[1]["kernel_size"] == 1 and convs[1]["groups"] == 1
        if kind == "grouped":
            assert convs[0]["groups"] == config["groups"]


def test_pytorch_code_for_the_tutorials_separable_layer():
    code = pytorch_code("separable", KERAS_CONFIGS[0])
    params, shape, convs = follow_torch(code, 3, 32, 32)
    assert (params, shape) == (27 + 3 * 64 + 64, (30, 30, 64))
    assert convs[0]["bias"] is False


def test_invalid_settings_get_no_code():
    with pytest.raises(LayerConfigError, match="groups"):
        keras_code("grouped", dict(KERAS_CONFIGS[0], groups=5))


@pytest.mark.slow
@pytest.mark.parametrize("config", KERAS_CONFIGS)
def test_keras_code_runs_and_matches_the_real_layers(config):
    from dsconv.costs.keras_check import keras_counts

    reference = {r.kind: r for r in keras_counts(LAYER_KINDS, **config)}
    for kind in LAYER_KINDS:
        ours = layer_cost(kind, **config)
        namespace: dict = {}
        exec(compile(keras_code(kind, config), f"<keras code for {kind}>", "exec"), namespace)
        model = namespace["model"]
        assert model.count_params() == reference[kind].params == ours.params, kind
        assert tuple(model.output_shape[1:]) == reference[kind].output_shape == ours.output_shape, kind


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["depthwise", "separable", "depthwise_pointwise"])
def test_keras_code_with_strides_and_dilation_runs(kind):
    from dsconv.costs.keras_check import keras_counts

    config = dict(height=16, width=16, in_channels=3, out_channels=8, kernel_size=3, strides=2, dilation_rate=2,
                  padding="same")
    reference = keras_counts([kind], **config)[0]
    namespace: dict = {}
    exec(compile(keras_code(kind, config), f"<keras code for {kind}>", "exec"), namespace)
    ours = layer_cost(kind, **config)
    assert namespace["model"].count_params() == reference.params == ours.params
    expected = (8, 8, 3 if kind == "depthwise" else 8)  # "same": ceil(16 / 2) = 8 a side
    assert tuple(namespace["model"].output_shape[1:]) == reference.output_shape == ours.output_shape == expected


def test_one_group_is_one_group_in_the_comments():
    """The Code tab's grouped layer with g = 1 read "# 1 groups" (Keras) and "# 1 groups: each filter sees 3
    channels" (PyTorch)."""
    settings = dict(height=8, width=8, in_channels=3, out_channels=4, kernel_size=3, groups=1)
    assert "# 1 group" in keras_code("grouped", settings) and "1 groups" not in keras_code("grouped", settings)
    assert "# 1 group: each filter sees 3 channels" in pytorch_code("grouped", settings)
    one = dict(settings, in_channels=2, out_channels=2, groups=2)
    assert "# 2 groups: each filter sees 1 channel" in pytorch_code("grouped", one)


@pytest.mark.slow
def test_the_tutorials_layer_code_says_its_relu_changes_no_count():
    """The kind is described as the tutorial's layer, "each with its bias and ReLU", and its code had no ReLU. The
    code says so, and the same code with activation="relu" on each step counts the same."""
    config = KERAS_CONFIGS[0]
    code = keras_code("depthwise_pointwise", config)
    assert 'gives each step activation="relu" too: no count changes' in code
    plain, with_relu = {}, {}
    exec(compile(code, "<plain>", "exec"), plain)
    exec(compile(code.replace("use_bias=True,", 'use_bias=True, activation="relu",'), "<relu>", "exec"), with_relu)
    assert [layer.activation.__name__ for layer in with_relu["model"].layers] == ["relu", "relu"]
    assert with_relu["model"].count_params() == plain["model"].count_params() == layer_cost(
        "depthwise_pointwise", **config).params


def test_one_filter_is_singular_in_the_generated_comments():
    """N = 1 wrote "# 1 filters of 1x1x1" (Keras) and "# 1 filters of 2x2x1" (PyTorch) in the code to copy."""
    settings = dict(height=2, width=2, in_channels=1, out_channels=1, kernel_size=2, depth_multiplier=4)
    code = "\n".join(maker(kind, settings) for maker in (keras_code, pytorch_code) for kind in LAYER_KINDS)
    assert "1 filters" not in code and "# 1 filter of 2x2x1" in code and "pointwise: 1 filter of 1x1x4" in code, code
