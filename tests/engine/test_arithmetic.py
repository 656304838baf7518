"""dsconv.costs.arithmetic against references: real Keras layers for params, shapes and outputs, and a
brute-force convolution (tests/conv_reference.py) that counts its own multiplications."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conv_reference as ref
from dsconv.costs.arithmetic import LayerConfigError, layer_cost, mobilenet_ratio, standard_counterpart
from dsconv.kinds import LAYER_KINDS

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


def tensorflow_depthwise_unreliable(kind, cfg):
    """Whether Keras would hand unequal strides to TensorFlow's depthwise op.

    TensorFlow documents that op for equal strides only. On CPUs it silently returns wrong values for
    unequal ones on some machines (Intel, and the AMD machine of tests/test_arithmetic's fix) and raises
    InvalidArgumentError on others (another AMD EPYC). With dilation above 1 as well, Keras 3 takes another
    path (the strided layer's "same" padding, a dilated op at stride 1, then every s-th output), which is right
    everywhere.
    """
    strides, dilation = ref._pair(cfg["strides"]), ref._pair(cfg["dilation_rate"])
    return kind in DEPTHWISE_KINDS and strides[0] != strides[1] and max(dilation) == 1


def keras_symbolic(kind, cfg):
    """Build the Keras layers on a symbolic input: params and output shape without running any op."""
    tensor = keras.Input(shape=(cfg["height"], cfg["width"], cfg["in_channels"]))
    layers = keras_layers(kind, cfg)
    for layer in layers:
        tensor = layer(tensor)
    return sum(layer.count_params() for layer in layers), tuple(int(d) for d in tensor.shape[1:]), layers


def tf_per_channel(image, depthwise, pointwise, bias, strides, padding):
    """tf.nn.conv2d on one input channel at a time (it takes unequal strides on every CPU), then the 1x1 step."""
    import tensorflow as tf

    channels, multiplier = depthwise.shape[2], depthwise.shape[3]
    maps = [tf.nn.conv2d(image[None, :, :, c:c + 1], depthwise[:, :, c:c + 1, j:j + 1],
                         strides=[1, *ref._pair(strides), 1], padding=padding.upper()).numpy()[0, :, :, 0]
            for c in range(channels) for j in range(multiplier)]
    output = np.stack(maps, axis=-1)
    if pointwise is not None:
        output = tf.nn.conv2d(output[None], pointwise, strides=1, padding="VALID").numpy()[0]
    return output + (0 if bias is None else bias)


def check_against_keras(kind, cfg):
    rng = np.random.default_rng(0)
    image = rng.normal(size=(cfg["height"], cfg["width"], cfg["in_channels"]))
    unreliable = tensorflow_depthwise_unreliable(kind, cfg)
    try:
        if unreliable:
            params, keras_shape, layers = keras_symbolic(kind, cfg)
        else:
            params, keras_out, layers = run_keras(kind, cfg, image)
            keras_shape = keras_out.shape
    except ValueError:
        keras_ok = False
    else:
        keras_ok = True
    try:
        cost = layer_cost(kind, **cfg)
    except LayerConfigError as exc:
        assert not keras_ok, f"we refused what Keras accepts: {exc}"
        assert str(exc).endswith(".") and len(str(exc)) > 30
        return
    assert keras_ok, f"Keras refuses {kind} {cfg} but layer_cost accepted it"
    assert cost.params == params
    assert cost.output_shape == keras_shape
    ref_out, multiplications = reference_output(kind, cfg, image, layers)
    assert cost.multiply_adds == multiplications
    if not unreliable:
        np.testing.assert_allclose(ref_out, keras_out, rtol=1e-4, atol=1e-4)
        return
    # Keras's own values cannot be trusted here: check the reference against tf.nn.conv2d, channel by channel.
    weights = [w for layer in layers for w in layer.get_weights()]
    if kind == "depthwise":
        depthwise, pointwise, bias = weights[0], None, weights[1] if cfg["use_bias"] else None
    elif kind == "separable":
        depthwise, pointwise, bias = weights[0], weights[1], weights[2] if cfg["use_bias"] else None
    else:  # depthwise_pointwise: the depthwise bias goes in before the 1x1 step
        depthwise, pointwise = weights[0], weights[2 if cfg["use_bias"] else 1]
        bias = None
        if cfg["use_bias"]:
            depthwise_bias, bias = weights[1], weights[3]
            bias = bias + depthwise_bias @ pointwise[0, 0]
    expected = tf_per_channel(image, depthwise, pointwise, bias, cfg["strides"], cfg["padding"])
    np.testing.assert_allclose(ref_out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_layer_cost_matches_keras_and_brute_force(kind):
    @SETTINGS
    @given(configs(kind))
    def run(cfg):
        check_against_keras(kind, cfg)

    run()


@pytest.mark.parametrize("kind", DEPTHWISE_KINDS)
@pytest.mark.parametrize("strides", [(1, 2), (2, 1), (1, 3)])
def test_unequal_strides_on_a_cpu_whose_depthwise_op_refuses_them(kind, strides, monkeypatch):
    """The failing example from an AMD EPYC: height = width = 1, strides (1, 2). There TensorFlow's depthwise
    op raised InvalidArgumentError; here it is made to do the same, so the check holds on either kind of CPU."""
    import tensorflow as tf

    real = tf.nn.depthwise_conv2d

    def refuses_unequal_strides(input, filter, strides, *args, **kwargs):
        if strides[1] != strides[2]:
            raise tf.errors.InvalidArgumentError(None, None, "Current implementation only supports equal length "
                                                 "strides in the row and column dimensions.")
        return real(input, filter, strides, *args, **kwargs)

    monkeypatch.setattr(tf.nn, "depthwise_conv2d", refuses_unequal_strides)
    for height, width, padding in [(1, 1, "same"), (1, 1, "valid"), (5, 7, "same"), (6, 4, "valid")]:
        check_against_keras(kind, dict(height=height, width=width, in_channels=3, out_channels=4, kernel_size=1
                                       if height == 1 and padding == "valid" else 2, strides=strides, padding=padding,
                                       dilation_rate=1, depth_multiplier=2, groups=1, use_bias=True))


@pytest.mark.parametrize("kind", LAYER_KINDS)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_strides_and_dilation_together_follow_keras(kind, padding):
    """Keras's Conv2D refuses strides 2 with dilation 2; its DepthwiseConv2D and SeparableConv2D accept them,
    and the values they compute equal the brute-force reference (the Parameter lab's 'strides 2, dilation 2')."""
    cfg = dict(height=16, width=15, in_channels=3, out_channels=4, kernel_size=3, strides=2, padding=padding,
               dilation_rate=2, depth_multiplier=1, groups=1, use_bias=True)
    check_against_keras(kind, cfg)
    if kind in DEPTHWISE_KINDS:
        assert layer_cost(kind, **cfg).output_shape[:2] == ((6, 6) if padding == "valid" else (8, 8))
    elif kind != "pointwise":
        with pytest.raises(LayerConfigError, match="DepthwiseConv2D and SeparableConv2D allow both"):
            layer_cost(kind, **cfg)


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
    # Without biases the ratio is exactly 1/N + 1/k^2 (MobileNet: eq. 5 over eq. 2).
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


def test_standard_counterpart_counts_the_same_windows():
    args = dict(height=16, width=15, in_channels=3, out_channels=4, kernel_size=3)
    assert standard_counterpart(**args, strides=2, padding="same") == layer_cost("standard", **args, strides=2,
                                                                                 padding="same")
    # Where Conv2D refuses (strides 2, dilation 2), the count still holds: spans of 5 give (16 - 5) // 2 + 1 = 6
    # and (15 - 5) // 2 + 1 = 6 positions a side, 27 weights per filter, 4 filters.
    wide = standard_counterpart(**args, strides=2, dilation_rate=2)
    assert (wide.output_shape, wide.multiply_adds, wide.params) == ((6, 6, 4), 36 * 27 * 4, 27 * 4 + 4)


def test_every_kind_gives_each_kinds_cost_or_its_refusal():
    from dsconv.costs.arithmetic import every_kind
    from dsconv.kinds import LAYER_KINDS

    costs = every_kind(height=2, width=2, in_channels=3, out_channels=4, kernel_size=3)  # k = 3 does not fit
    assert list(costs) == list(LAYER_KINDS)
    assert costs["pointwise"] == layer_cost("pointwise", height=2, width=2, in_channels=3, out_channels=4,
                                            kernel_size=3)
    for kind in ("standard", "grouped", "depthwise", "separable", "depthwise_pointwise"):
        with pytest.raises(LayerConfigError) as info:
            layer_cost(kind, height=2, width=2, in_channels=3, out_channels=4, kernel_size=3)
        assert costs[kind] == str(info.value)


def test_the_tutorials_first_layer_has_its_hand_counted_parameters():
    from dsconv.costs.arithmetic import tutorial_cost

    assert tutorial_cost("standard").params == 3 * 3 * 3 * 64 + 64 == 1_792
    assert tutorial_cost("separable").params == 3 * 3 * 3 + 3 * 64 + 64 == 283
    assert tutorial_cost("depthwise_pointwise").params == 3 * 3 * 3 + 3 + 3 * 64 + 64 == 286


def test_the_params_ratio_column_never_rounds_a_layer_to_nothing():
    """4096 -> 4096 channels, k = 11, 4096 groups: the grouped layer has 499,712 weights against the standard
    layer's 2,030,047,232, a ratio of 0.000246. Three decimals showed it as 0.000, as if it had no weights."""
    from dsconv.costs.arithmetic import every_kind
    from dsconv.figures.cost import cost_table_rows

    costs = every_kind(height=8, width=8, in_channels=4096, out_channels=4096, kernel_size=11, padding="same",
                       groups=4096)
    rows = {row["Kind"]: row["Params vs standard"] for row in cost_table_rows(costs, "Multiply-adds", False, 4096)}
    for kind, cost in costs.items():
        if isinstance(cost, str):
            continue
        from dsconv.kinds import KINDS

        shown = next(text for label, text in rows.items() if label.startswith(KINDS[kind].label))
        exact = cost.params / costs["standard"].params
        assert float(shown) > 0 and abs(float(shown) - exact) <= 0.005 * exact, (kind, shown, exact)
    # ratios from 0.01 up keep their three decimals, as before
    tutorial = every_kind(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3)
    default = cost_table_rows(tutorial, "M", False)
    assert [row["Params vs standard"] for row in default if row["Params vs standard"] != "—"][0] == "1.000"


def test_two_layers_of_different_params_never_read_one_ratio():
    """C = N = 4096, k = 11, m = 8: SeparableConv2D holds 138,186,752 params and DepthwiseConv2D + 1x1 138,219,520
    (a bias on each step), and both read 0.068 of the standard layer's. Each ratio keeps the digits that tell it from
    the other; equal counts read alike."""
    from dsconv.costs.arithmetic import every_kind
    from dsconv.figures.cost import cost_table_rows

    costs = every_kind(height=8, width=8, in_channels=4096, out_channels=4096, kernel_size=11, depth_multiplier=8,
                       padding="same")
    counted = {kind: cost.params for kind, cost in costs.items() if not isinstance(cost, str)}
    # by hand: 11 x 11 x 4096 x 8 depthwise weights, then 4096 x 8 -> 4096 pointwise, and the biases
    depthwise, pointwise = 11 * 11 * 4096 * 8, 4096 * 8 * 4096
    assert counted["separable"] == depthwise + pointwise + 4096
    assert counted["depthwise_pointwise"] == depthwise + 4096 * 8 + pointwise + 4096
    rows = {row["Kind"]: row["Params vs standard"] for row in cost_table_rows(costs, "Multiply-adds", False)}
    shown = {kind: text for kind, text in rows.items() if text != "—"}
    assert len(set(shown.values())) == len(set(counted.values())), shown
    from dsconv.kinds import KINDS

    assert shown[KINDS["separable"].label] == "0.06807" and shown[KINDS["depthwise_pointwise"].label] == "0.06809"
    # the others keep their own three significant digits: given to the whole column, the digits more made 0.00197
    # read 0.0019693, and the table ran 6 px past a 1024 x 768 projector's page
    assert shown[KINDS["depthwise"].label] == "0.00197" and shown[KINDS["pointwise"].label] == "0.00827"


def test_the_cost_charts_labels_stay_short_and_the_hover_keeps_the_exact_figures():
    """A VGG layer (224 x 224 x 256 -> 512, k = 3): '59,190,018,048' stood outside its bar and ran into the next
    panel, cut to '59,190,018,0'. Bars now read 59.2 G; the hover and the table keep every digit."""
    from dsconv.costs.arithmetic import every_kind
    from dsconv.figures.cost import cost_figure, short_memory, short_number

    every = every_kind(height=224, width=224, in_channels=256, out_channels=512, kernel_size=3, padding="same")
    costs = {kind: cost for kind, cost in every.items() if not isinstance(cost, str)}
    figure = cost_figure(list(costs), [c.params for c in costs.values()], [c.multiply_adds for c in costs.values()],
                         [c.activation_bytes / 1024 for c in costs.values()], "Multiply-adds")
    for trace in figure.data:
        assert all(len(text) <= 8 for text in trace.text), trace.text
    standard = costs["standard"]
    assert standard.multiply_adds == 59_190_018_048 and "59.2 G" in figure.data[1].text
    assert f"{standard.multiply_adds:,}" in figure.data[1].customdata
    assert f"{standard.params:,}" in figure.data[0].customdata
    assert [short_number(v) for v in (864, 9_999, 10_000, 1_180_160, 115_605_504, 2.5e12)] == \
        ["864", "9,999", "10 k", "1.18 M", "116 M", "2.5 T"]
    assert [short_memory(b) for b in (512, 2048, 100_352 * 1024, 3 * 1024**3)] == ["512 B", "2 KiB", "98 MiB", "3 GiB"]
    # a size that rounds to 1,000 of its unit is said in the next: 1,000 to 1,023 KiB read "1e+03 KiB"
    assert [short_memory(b) for b in (1000 * 1024, 1023 * 1024, 1010 * 1024**2, 1500 * 1024**3)] == \
        ["0.977 MiB", "0.999 MiB", "0.986 GiB", "1,500 GiB"]


def test_short_counts_round_a_half_up_and_never_write_an_exponent():
    """By hand, 112,500 is 112.5 thousand and reads 113 k, and 112.5 KiB reads 113 KiB beside the table's "112.5 KiB"
    (Python's format rounds an exact half to even: "112"). 999,500 is 999.5 thousand, which rounds to 1,000 k: it
    is 1 M ("1e+03 k" was written), as 999,999,999 is 1 G."""
    from dsconv.figures.cost import short_memory, short_number
    from dsconv.profile.table import in_millions

    assert [short_number(v) for v in (112_500, 999_500, 999_999_999, 1_005_000, 2.5e12)] == \
        ["113 k", "1 M", "1 G", "1.01 M", "2.5 T"]
    assert [in_millions(v) for v in (112_500, 999_500, 4_231_976, 15_470_264_320)] == \
        ["113 k", "1 M", "4.23 M", "15.5 G"]
    assert short_memory(112.5 * 1024) == "113 KiB"
    for exponent in range(4, 15):
        for mantissa in (0.9995, 0.99999, 1.0, 9.995, 99.95, 999.5, 999.96):
            value = mantissa * 10**exponent
            assert "e" not in short_number(value) and "e" not in in_millions(value), value
            assert "e" not in short_memory(value), value


def test_the_tables_memory_takes_the_unit_of_its_size():
    """A 1024 x 1024 output of 4,096 float32 channels is 1024 * 1024 * 4096 * 4 = 17,179,869,184 bytes: the table read
    "16,384.0 MiB" beside its bar's "16 GiB"; 5 GiB read "5,120.0 MiB" and 2 MiB "2,048.0 KiB". The table takes the
    unit of the bar's label."""
    from dsconv.figures.cost import memory_text

    sizes = (48, 1024, 2 * 1024**2, 5 * 1024**3, 1000 * 1024, 1024 * 1024 * 4096 * 4)
    assert [memory_text(b) for b in sizes] == ["48 B", "1.0 KiB", "2.0 MiB", "5.0 GiB", "1.0 MiB", "16.0 GiB"]


@pytest.mark.parametrize("scale", [1.0, 1.35])
def test_the_whole_network_legend_sits_under_the_axes_numbers(scale):
    """The legend was placed on the plot at y = -0.08, over the x axes' numbers (10, 20, 30 half hidden). It now sits
    in the figure's own bottom margin, which is tall enough for the numbers and the legend's row."""
    from dsconv.costs import network_summary
    from dsconv.figures.cost import network_parts, network_share_figure
    from dsconv.training.models import NetworkConfig

    figure = network_share_figure(network_parts(network_summary(NetworkConfig(conv_kind="mobilenet"))), scale)
    legend = figure.layout.legend
    assert legend.yref == "container" and legend.y == 0 and legend.yanchor == "bottom"
    font = figure.layout.font.size
    assert figure.layout.margin.b >= 1.2 * font + 1.6 * font  # a row of axis numbers, then the legend's row


def test_a_share_beside_a_threshold_reads_on_its_own_side():
    """A share weighed against a threshold (a half, a roof's 50 %) never reads as the threshold unless it is it:
    50.2 % read "50%" beside "costs more", 49.6 % "50%" beside "less than 50 %"; the decimals stop at three, and
    beyond them the words say it."""
    from dsconv.costs.arithmetic import share_apart

    assert share_apart(0.502, 0.5) == "50.2%" and share_apart(0.496, 0.5) == "49.6%"
    assert share_apart(0.5, 0.5) == "50%" and share_apart(0.87, 0.5) == "87%"  # as share_text says them
    assert share_apart(0.49996, 0.5) == "49.996%"
    assert share_apart(0.4999996, 0.5) == "just under 50%" and share_apart(0.5000004, 0.5) == "just over 50%"


def test_the_parts_of_one_whole_add_up_to_100_as_shown():
    """The network's three parts read "48%, 43%, 9.7%" (100.7 % together): read together, they now share their
    decimals and add up to 100 % as shown, each within one step of the last decimal of its own value."""
    from dsconv.costs.arithmetic import parts_text

    # by hand: 101,376, 90,112 and 20,480 of 211,968 multiply-adds are 47.83 %, 42.51 % and 9.66 %
    assert parts_text([101_376 / 211_968, 90_112 / 211_968, 20_480 / 211_968]) == ["47.8%", "42.5%", "9.7%"]
    # thirds: 33.33 % each; the one tenth of a percent left goes to the first of the equal remainders
    assert parts_text([1 / 3, 1 / 3, 1 / 3]) == ["33.4%", "33.3%", "33.3%"]
    # 49.96 % stays under a half: with one decimal it would read 50.0 %
    assert parts_text([0.4996, 0.4804, 0.02]) == ["49.96%", "48.04%", "2.00%"]
    # a sliver is never 0, and what is short of all never 100
    assert parts_text([0.99996, 0.00004, 0.0]) == ["99.996%", "0.004%", "0.000%"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=2, max_size=4).filter(lambda counts: sum(counts) > 0))
def test_any_parts_of_one_whole_add_up_as_shown_and_keep_their_side_of_a_half(counts):
    from dsconv.costs.arithmetic import parts_text

    fractions = [c / sum(counts) for c in counts]
    shown = parts_text(fractions)
    if not all(text.endswith("%") and text[:-1].replace(".", "").isdigit() for text in shown):
        # no three decimals keep every share on its side of a half, off 0 and off 100: each reads as share_apart
        # reads it, and words say the rest ("just under 50%", "under 0.1%")
        assert any(text[:1].isalpha() for text in shown), shown
        return
    values = [float(text[:-1]) for text in shown]
    digits = len(shown[0][:-1].split(".")[1])
    assert all(len(text[:-1].split(".")[1]) == digits for text in shown) and 1 <= digits <= 3
    assert round(sum(values), digits) == 100
    for value, fraction in zip(values, fractions):
        assert abs(value - 100 * fraction) < 10**-digits
        assert (value < 50) == (fraction < 0.5) and (value != 50 or fraction == 0.5)
        assert (value > 0) == (fraction > 0) and (value < 100) == (fraction < 1)


def test_a_tables_column_of_shares_adds_up_and_never_shows_work_as_nothing():
    """The standard tutorial network's layers (by hand, its multiply-adds: 1,769,472, 37,748,736, 0, 18,874,368,
    37,748,736, 0, 18,874,368, 37,748,736, 0, 0, 40,960 of 152,805,376) read 0.0 for the predictions layer's
    40,960 (0.027 %), as for the pooling layers' zeros, and the column added up to 99.9."""
    from dsconv.costs.arithmetic import percent_column

    counts = [1_769_472, 37_748_736, 0, 18_874_368, 37_748_736, 0, 18_874_368, 37_748_736, 0, 0, 40_960]
    assert sum(counts) == 152_805_376
    assert percent_column([c / sum(counts) for c in counts]) == \
        ["1.2", "24.7", "0.0", "12.4", "24.7", "0.0", "12.3", "24.7", "0.0", "0.0", "< 0.1"]
    assert percent_column([0.99996, 0.00004]) == ["> 99.9", "< 0.1"]
    assert percent_column([1.0, 0.0]) == ["100.0", "0.0"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=40).filter(lambda counts: sum(counts) > 0))
def test_any_column_of_shares_adds_up_to_100_with_slivers_marked(counts):
    from dsconv.costs.arithmetic import percent_column

    fractions = [c / sum(counts) for c in counts]
    shown = percent_column(fractions)
    numbers = [float(text) for text in shown if text[0].isdigit()]
    assert round(sum(numbers), 1) == 100.0 or "> 99.9" in shown
    for text, fraction in zip(shown, fractions):
        if text == "< 0.1":
            assert 0 < fraction < 0.001
        elif text == "> 99.9":
            assert 0.999 < fraction < 1
        else:
            assert len(text.split(".")[1]) == 1 and abs(float(text) - 100 * fraction) < 0.1
            assert (float(text) > 0) == (fraction > 0) and (float(text) < 100) == (fraction < 1)


def test_a_half_in_the_params_ratio_column_rounds_up_as_by_hand():
    """k = 5, 16 -> 32 channels, depth multiplier 2, no bias: DepthwiseConv2D has 5 x 5 x 16 x 2 = 800 weights against
    the standard layer's 5 x 5 x 16 x 32 = 12,800, exactly 0.0625, and the column read 0.062 (Python's format rounds
    an exact half to even)."""
    from dsconv.costs.arithmetic import every_kind
    from dsconv.figures.cost import cost_table_rows
    from dsconv.safe_text import half_up

    costs = every_kind(height=32, width=32, in_channels=16, out_channels=32, kernel_size=5, depth_multiplier=2,
                       use_bias=False)
    assert (costs["depthwise"].params, costs["standard"].params) == (800, 12_800)
    rows = {row["Kind"]: row["Params vs standard"] for row in cost_table_rows(costs, "Multiply-adds", False)}
    assert rows["DepthwiseConv2D"] == "0.063"
    assert [half_up(v, 3) for v in (0.0625, 0.0624999, 0.1575, 2.0005, -0.0625)] == \
        ["0.063", "0.062", "0.158", "2.001", "-0.063"]


@pytest.mark.parametrize("length,kernel,stride,dilation", [(1, 11, 1, 1), (32, 3, 2, 1), (7, 3, 3, 1), (6, 4, 1, 1),
                                                           (6, 2, 1, 1), (5, 3, 1, 2), (9, 5, 4, 1), (2, 7, 3, 1),
                                                           (8, 1, 1, 1), (8, 1, 3, 1)])
def test_axis_padding_is_tensorflows_same_padding(length, kernel, stride, dilation):
    """The zeros axis_padding adds, before and after, given to tf.nn.conv2d as explicit padding, give exactly what
    its "SAME" gives (an image of distinct values and a kernel of distinct weights: a zero moved shifts a number)."""
    import tensorflow as tf

    from dsconv.costs.arithmetic import axis_padding

    before, after = axis_padding(length, kernel, stride, dilation, "same")
    image = tf.reshape(tf.range(1, length * length + 1, dtype=tf.float64), (1, length, length, 1))
    weights = tf.reshape(tf.range(1, kernel * kernel + 1, dtype=tf.float64) ** 1.5, (kernel, kernel, 1, 1))
    same = tf.nn.conv2d(image, weights, stride, "SAME", dilations=dilation if stride == 1 else None)
    explicit = tf.nn.conv2d(image, weights, stride, [[0, 0], [before, after], [before, after], [0, 0]],
                            dilations=dilation if stride == 1 else None)
    np.testing.assert_array_equal(same.numpy(), explicit.numpy())
    assert axis_padding(length, kernel, stride, dilation, "valid") == (0, 0)


@pytest.mark.parametrize("length,kernel,stride", [(1, 3, 1), (5, 3, 2), (147, 3, 2), (74, 3, 2), (19, 3, 2),
                                                  (7, 7, 1), (10, 4, 3), (2, 5, 1), (9, 2, 2), (8, 1, 3)])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_pooling_windows_read_the_input_only(length, kernel, stride, padding):
    """window_reads, the elements a pooling layer's windows read along one axis, against tf.nn.conv2d of a picture
    of ones by a kernel of ones, which sums each window's input elements (its zero padding adds nothing): "same"
    pooling was counted as reading its padding's zeros (Xception's block2_pool: 6,308,352 for 6,195,200)."""
    import tensorflow as tf

    from dsconv.costs import conv_output_length
    from dsconv.costs.arithmetic import window_reads

    if conv_output_length(length, kernel, stride, padding, 1) < 1:
        pytest.skip("no window fits")
    ones = tf.ones((1, length, length, 1), tf.float64)
    read = tf.nn.conv2d(ones, tf.ones((kernel, kernel, 1, 1), tf.float64), stride, padding.upper())
    assert window_reads(length, kernel, stride, padding) ** 2 == int(tf.reduce_sum(read).numpy())


def test_the_ratio_charts_legend_and_title_read_as_the_tables_do():
    """C = N = 4096, k = 1: the legend read "your layer: 1.000" beside the table's and the formula's 1.0002; and
    C = 1 read "C = 1 input channels" in the title."""
    from dsconv.figures.cost import ratio_figure, ratio_text

    figure = ratio_figure(4096, [1, 3], 4096, 1, True)
    here = next(trace.name for trace in figure.data if str(trace.name).startswith("your layer"))
    assert here == f"your layer: {ratio_text((4096 + 4096 * 4096 + 4096) / (4096 * 4096 + 4096))}" \
        == "your layer: 1.0002", here
    title = ratio_figure(1, [1, 3], 1, 1, True).layout.title.text
    assert "C = 1 input channel," in title, title
