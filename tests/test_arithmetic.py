"""dsconv.arithmetic against references: real Keras layers for params, shapes and outputs, and a
brute-force convolution (tests/conv_reference.py) that counts its own multiplications."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conv_reference as ref
from dsconv.arithmetic import KINDS, LayerConfigError, layer_cost, mobilenet_ratio

DEPTHWISE_KINDS = ("depthwise", "separable", "depthwise_pointwise")
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def keras_layers(kind, cfg):
    """The real Keras layer(s) for one configuration."""
    common = dict(strides=cfg["strides"], padding=cfg["padding"], dilation_rate=cfg["dilation_rate"],
                  use_bias=cfg["use_bias"])
    n, k = cfg["out_channels"], cfg["kernel_size"]
    if kind == "standard":
        return [keras.layers.Conv2D(n, k, **common)]
    if kind == "grouped":
        return [keras.layers.Conv2D(n, k, groups=cfg["groups"], **common)]
    if kind == "pointwise":
        return [keras.layers.Conv2D(n, 1, strides=cfg["strides"], padding=cfg["padding"], use_bias=cfg["use_bias"])]
    if kind == "depthwise":
        return [keras.layers.DepthwiseConv2D(k, depth_multiplier=cfg["depth_multiplier"], **common)]
    if kind == "separable":
        return [keras.layers.SeparableConv2D(n, k, depth_multiplier=cfg["depth_multiplier"], **common)]
    return [keras.layers.DepthwiseConv2D(k, depth_multiplier=cfg["depth_multiplier"], **common),
            keras.layers.Conv2D(n, 1, use_bias=cfg["use_bias"])]


def run_keras(kind, cfg, image):
    """Build the Keras layers on the image; return (params, output)."""
    tensor = image[None].astype("float32")
    layers = keras_layers(kind, cfg)
    for layer in layers:
        tensor = layer(tensor)
    return sum(layer.count_params() for layer in layers), keras.ops.convert_to_numpy(tensor)[0], layers


def reference_output(kind, cfg, image, layers):
    """Recompute the Keras output with the brute-force convolution and the same weights; count multiplications."""
    conv = dict(strides=cfg["strides"], padding=cfg["padding"], dilation=cfg["dilation_rate"])
    if kind in ("standard", "grouped", "pointwise"):
        weights = layers[0].get_weights()
        return ref.conv2d(image, weights[0], weights[1] if cfg["use_bias"] else None,
                          groups=cfg["groups"] if kind == "grouped" else 1,
                          **(conv if kind != "pointwise" else dict(conv, dilation=1)))
    if kind == "depthwise":
        weights = layers[0].get_weights()
        return ref.depthwise_conv2d(image, weights[0], weights[1] if cfg["use_bias"] else None, **conv)
    if kind == "separable":
        weights = layers[0].get_weights()
        depthwise, pointwise = weights[0], weights[1]
        bias = weights[2] if cfg["use_bias"] else None
        hidden, first = ref.depthwise_conv2d(image, depthwise, None, **conv)
    else:
        dw_weights, pw_weights = layers[0].get_weights(), layers[1].get_weights()
        hidden, first = ref.depthwise_conv2d(image, dw_weights[0], dw_weights[1] if cfg["use_bias"] else None, **conv)
        pointwise, bias = pw_weights[0], (pw_weights[1] if cfg["use_bias"] else None)
    output, second = ref.conv2d(hidden, pointwise, bias)
    return output, first + second


@st.composite
def configs(draw, kind):
    """A configuration with small sizes; it may well be invalid (the test then expects both sides to refuse)."""
    size = st.one_of(st.integers(1, 5), st.tuples(st.integers(1, 5), st.integers(1, 5)))
    step = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
    in_channels = draw(st.integers(1, 8))
    out_channels = draw(st.integers(1, 8))
    groups = draw(st.sampled_from([g for g in range(1, 9) if in_channels % g == 0 and out_channels % g == 0]))
    return dict(height=draw(st.integers(1, 11)), width=draw(st.integers(1, 11)), in_channels=in_channels,
                out_channels=out_channels, kernel_size=draw(size), strides=draw(step),
                padding=draw(st.sampled_from(["valid", "same"])), dilation_rate=draw(st.one_of(st.just(1), step)),
                depth_multiplier=draw(st.integers(1, 3)), groups=groups, use_bias=draw(st.booleans()))


def check_against_keras(kind, cfg):
    rng = np.random.default_rng(0)
    image = rng.normal(size=(cfg["height"], cfg["width"], cfg["in_channels"]))
    cost_args = {key: value for key, value in cfg.items()}
    try:
        params, keras_out, layers = run_keras(kind, cfg, image)
    except ValueError:
        keras_ok = False
    else:
        keras_ok = True
    try:
        cost = layer_cost(kind, **cost_args)
    except LayerConfigError as exc:
        # One rule for every kind: strides > 1 with dilation > 1 is refused (Conv2D refuses it; TensorFlow's
        # depthwise op documents it as unsupported). Otherwise we refuse only what Keras refuses.
        strided_and_dilated = max(np.atleast_1d(cfg["strides"])) > 1 and max(np.atleast_1d(cfg["dilation_rate"])) > 1
        uses_dilation = kind != "pointwise"
        assert not keras_ok or (strided_and_dilated and uses_dilation), f"we refused what Keras accepts: {exc}"
        assert str(exc).endswith(".") and len(str(exc)) > 30
        return
    assert keras_ok, f"Keras refuses {kind} {cfg} but layer_cost accepted it"
    assert cost.params == params
    assert cost.output_shape == keras_out.shape
    ref_out, multiplications = reference_output(kind, cfg, image, layers)
    # The reference must agree with Keras's values too. Except: TensorFlow's depthwise op supports only
    # equal strides along height and width (its documentation says so) and on the CPU silently returns
    # wrong values for unequal ones (checked in the last test below against tf.nn.conv2d); shapes and
    # counts still agree with Keras there.
    if not (kind in DEPTHWISE_KINDS and len(set(np.atleast_1d(cfg["strides"]))) > 1):
        np.testing.assert_allclose(ref_out, keras_out, rtol=1e-4, atol=1e-4)
    assert cost.multiply_adds == multiplications


@pytest.mark.parametrize("kind", KINDS)
def test_layer_cost_matches_keras_and_brute_force(kind):
    @SETTINGS
    @given(configs(kind))
    def run(cfg):
        check_against_keras(kind, cfg)

    run()


@pytest.mark.parametrize(
    "kind, params",
    [("standard", 1792), ("depthwise_pointwise", 286), ("separable", 283)],
)
def test_tutorial_example(kind, params):
    cost = layer_cost(kind, height=32, width=32, in_channels=3, out_channels=64, kernel_size=3)
    assert cost.params == params
    assert cost.output_shape == (30, 30, 64)


def test_tutorial_example_ratios():
    standard = layer_cost("standard", height=32, width=32, in_channels=3, out_channels=64, kernel_size=3)
    custom = layer_cost("depthwise_pointwise", height=32, width=32, in_channels=3, out_channels=64, kernel_size=3)
    assert round(standard.params / custom.params, 1) == 6.3  # the tutorial's "less than 6 times" is 6.3x
    # Without biases the ratio is exactly 1/N + 1/k^2 (MobileNet, eq. 5).
    plain = dict(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3, use_bias=False)
    ratio = layer_cost("separable", **plain).multiply_adds / layer_cost("standard", **plain).multiply_adds
    assert ratio == pytest.approx(mobilenet_ratio(64, 3))
    assert layer_cost("standard", **plain).flops == 2 * layer_cost("standard", **plain).multiply_adds


def test_depthwise_ignores_out_channels_and_separable_has_one_bias():
    args = dict(height=8, width=8, in_channels=4, kernel_size=3, depth_multiplier=2)
    assert layer_cost("depthwise", out_channels=999, **args) == layer_cost("depthwise", out_channels=1, **args)
    separable = layer_cost("separable", out_channels=5, **args)
    assert [stage.bias for stage in separable.stages] == [0, 5]
    assert separable.stages[1].kernel_shape == (1, 1, 8, 5)  # N filters of 1x1xC (C = 4 x 2), not 1x1xN


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(height=0), "height must be at least 1"),
        (dict(in_channels=-3), "in_channels must be at least 1"),
        (dict(kernel_size=(3, 0)), "kernel_size must be at least 1"),
        (dict(kind="grouped", groups=2), "groups=2 must divide"),
        (dict(strides=2, dilation_rate=2), "cannot both be above 1"),
        (dict(kernel_size=5, height=4), "output would be empty"),
        (dict(padding="full"), 'padding must be "valid" or "same"'),
        (dict(kind="dilated"), "Unknown layer kind"),
        (dict(kernel_size=2.5), "kernel_size must be a whole number"),
    ],
)
def test_invalid_input_says_what_to_change(changes, words):
    args = dict(kind="standard", height=8, width=8, in_channels=3, out_channels=4, kernel_size=3)
    args.update(changes)
    kind = args.pop("kind")
    with pytest.raises(LayerConfigError, match=words):
        layer_cost(kind, **args)


def test_reference_depthwise_agrees_with_per_channel_conv2d_for_unequal_strides():
    """Where TensorFlow's depthwise op cannot be trusted, the reference still matches tf.nn.conv2d run
    channel by channel; TensorFlow documents its depthwise op as supporting equal strides only."""
    import tensorflow as tf

    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(3, 1, 1)), rng.normal(size=(2, 2, 1, 2))
    ours, _ = ref.depthwise_conv2d(image, kernel, None, strides=(1, 2), padding="same")
    for channel in range(2):
        per_channel = tf.nn.conv2d(image[None], kernel[:, :, :, channel:channel + 1], strides=[1, 1, 2, 1],
                                   padding="SAME").numpy()[0, :, :, 0]
        np.testing.assert_allclose(ours[:, :, channel], per_channel, atol=1e-9)
