"""The sliding-kernel engine against TensorFlow, and its multiply-add counter against dsconv.costs.arithmetic.

Reference: tf.nn.conv2d (standard, pointwise, grouped as per-group slices), tf.nn.depthwise_conv2d
and tf.nn.separable_conv2d, on a few hundred random layers (float64 in both, compared at 1e-5).
TensorFlow is imported once, by the `tf` fixture.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from conv_reference import pad_like_tensorflow
from dsconv.costs.arithmetic import LayerConfigError, layer_cost
from dsconv.kinds import SLIDING_KINDS
from dsconv.sliding.engine import (
    SlidingConfig,
    axis_padding,
    build_layer,
    hidden_names,
    layer_weights,
    run_layer,
    zero_note,
)
from dsconv.sliding.frames import MAX_FRAMES, build_timeline, frame_detail
from dsconv.sliding.samples import sample_image

ATOL = 1e-5


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


def _tf_reference(tf, image, config, weights):
    """The same layer computed by tf.nn ops (NHWC, float64)."""
    x = tf.constant(image[None], dtype=tf.float64)
    s, d, pad = config.strides, config.dilation_rate, config.padding.upper()
    if config.mode in ("standard", "pointwise"):
        kernel = weights["kernel"] if config.mode == "standard" else weights["pointwise"]
        return tf.nn.conv2d(x, kernel, strides=s, padding=pad, dilations=d if config.mode == "standard" else 1)
    if config.mode == "grouped":
        kernel, groups = weights["kernel"], config.groups
        per_in, per_out = image.shape[2] // groups, kernel.shape[3] // groups
        parts = [tf.nn.conv2d(x[..., g * per_in:(g + 1) * per_in], kernel[..., g * per_out:(g + 1) * per_out],
                              strides=s, padding=pad, dilations=d) for g in range(groups)]
        return tf.concat(parts, axis=-1)
    if s > 1 and d > 1:
        # tf.nn's depthwise ops refuse strides and dilation together: pad as TensorFlow's "same" does, run the
        # dilated op at stride 1 and keep every s-th output, which is what a stride means.
        padded, _, _ = pad_like_tensorflow(image, config.kernel_size, s, config.padding, d)
        x, pad = tf.constant(padded[None], dtype=tf.float64), "VALID"
        hidden = tf.nn.depthwise_conv2d(x, weights["depthwise"], strides=[1, 1, 1, 1], padding=pad,
                                        dilations=[d, d])[:, ::s, ::s, :]
        if config.mode == "depthwise":
            return hidden
        return tf.nn.conv2d(hidden, weights["pointwise"], strides=1, padding="VALID")
    if config.mode == "depthwise":
        return tf.nn.depthwise_conv2d(x, weights["depthwise"], strides=[1, s, s, 1], padding=pad, dilations=[d, d])
    return tf.nn.separable_conv2d(x, weights["depthwise"], weights["pointwise"], strides=[1, s, s, 1],
                                  padding=pad, dilations=[d, d])


def _random_cases(rng, mode, count=40):
    """`count` random valid (image, config, weights) cases for one mode, drawn one at a time from `rng`."""
    found = 0
    while found < count:
        case = _random_case(rng, mode)
        if case is not None:
            found += 1
            yield case


def _random_case(rng, mode):
    """A random valid layer and weights for one mode (None when Keras would reject the layer)."""
    height, width = rng.integers(3, 13, size=2)
    channels = int(rng.integers(1, 5))
    kernel_size = 1 if mode == "pointwise" else int(rng.integers(1, 6))
    strides = int(rng.integers(1, 4))
    # Conv2D (standard, grouped) refuses strides and dilation together; depthwise kinds accept both.
    spatial_dilation = mode in ("depthwise", "separable") or strides == 1
    dilation = int(rng.integers(1, 4)) if spatial_dilation and mode != "pointwise" else 1
    groups = 1
    out_channels = int(rng.integers(1, 7))
    if mode == "grouped":
        groups = int(rng.choice([g for g in range(1, channels + 1) if channels % g == 0]))
        out_channels = groups * int(rng.integers(1, 4))
    config = SlidingConfig(mode=mode, kernel_size=kernel_size, strides=strides,
                           padding=str(rng.choice(["valid", "same"])), dilation_rate=dilation,
                           out_channels=out_channels, depth_multiplier=int(rng.integers(1, 4)), groups=groups)
    try:
        config.cost(int(height), int(width), channels)
    except LayerConfigError:
        return None
    image = rng.uniform(-1.0, 1.0, size=(int(height), int(width), channels))
    k, c, n, m = kernel_size, channels, out_channels, config.depth_multiplier
    shapes = {"standard": {"kernel": (k, k, c, n)}, "grouped": {"kernel": (k, k, c // groups, n)},
              "pointwise": {"pointwise": (1, 1, c, n)}, "depthwise": {"depthwise": (k, k, c, m)},
              "separable": {"depthwise": (k, k, c, m), "pointwise": (1, 1, c * m, n)}}[mode]
    weights = {name: rng.normal(size=shape) for name, shape in shapes.items()}
    return image, config, weights


@pytest.mark.parametrize("mode", SLIDING_KINDS)
def test_outputs_match_tensorflow_on_random_layers(tf, mode):
    for image, config, weights in _random_cases(np.random.default_rng(sum(map(ord, mode))), mode):
        ours = run_layer(image, config, weights).output
        reference = _tf_reference(tf, image, config, weights).numpy()[0]
        assert ours.shape == reference.shape, config
        np.testing.assert_allclose(ours, reference, atol=ATOL, err_msg=str(config))


@pytest.mark.parametrize("mode", SLIDING_KINDS)
@pytest.mark.parametrize("preset", ["identity", "sobel", "sharpen", "random"])
def test_preset_layers_on_samples_match_tensorflow(tf, mode, preset):
    image = sample_image("gradient", 9).astype(np.float64)
    config = SlidingConfig(mode=mode, kernel_size=4, padding="same", out_channels=6, depth_multiplier=2,
                           groups=3 if mode == "grouped" else 1)
    layer = build_layer(image, config, preset, seed=5)
    weights = layer_weights(config, 3, preset, 5)
    reference = _tf_reference(tf, image, config, weights).numpy()[0]
    np.testing.assert_allclose(layer.output, reference, atol=ATOL)


def test_same_padding_puts_the_extra_zero_at_the_bottom_right():
    assert axis_padding(6, 4, 1, 1, "same") == (1, 2)
    assert axis_padding(6, 2, 1, 1, "same") == (0, 1)
    assert axis_padding(7, 3, 2, 1, "same") == (1, 1)  # out 4: (4-1)*2 + 3 - 7 = 2
    assert axis_padding(6, 3, 2, 1, "same") == (0, 1)  # out 3: (3-1)*2 + 3 - 6 = 1
    assert axis_padding(5, 3, 1, 2, "same") == (2, 2)  # dilated span 5
    assert axis_padding(6, 3, 1, 1, "valid") == (0, 0)


@pytest.mark.parametrize("mode", SLIDING_KINDS)
def test_step_counter_ends_at_layer_cost_for_every_mode(mode):
    rng = np.random.default_rng(7 + len(mode))
    for image, config, weights in _random_cases(rng, mode):  # the loop draws from rng too, between cases
        layer = run_layer(image, config, weights)
        timeline = build_timeline(layer, watch=int(rng.integers(0, 4)), max_frames=int(rng.integers(5, 400)))
        height, width, channels = image.shape
        # The reference is dsconv.costs.arithmetic's closed formula (its kinds share the modes' names).
        expected = layer_cost(mode, height=height, width=width, in_channels=channels,
                              out_channels=config.out_channels, kernel_size=config.kernel_size,
                              strides=config.strides, padding=config.padding, dilation_rate=config.dilation_rate,
                              depth_multiplier=config.depth_multiplier, groups=config.groups)
        last = timeline.frames[-1]
        assert last.multiply_adds == expected.multiply_adds, config
        assert layer.output.shape == expected.output_shape
        for stage, stage_cost in zip(layer.stages, expected.stages):
            assert stage.products_per_position * stage.positions == stage_cost.multiply_adds
        # The standard comparison: k x k x C weights per output value, at the same positions, by hand.
        out_h, out_w, out_c = expected.output_shape
        k = 1 if mode == "pointwise" else config.kernel_size
        assert last.standard_multiply_adds == out_h * out_w * k * k * channels * out_c
        if config.strides == 1 or config.dilation_rate == 1 or mode == "pointwise":  # where Keras's Conv2D exists
            standard = layer_cost("standard", height=height, width=width, in_channels=channels, out_channels=out_c,
                                  kernel_size=k, strides=config.strides, padding=config.padding,
                                  dilation_rate=1 if mode == "pointwise" else config.dilation_rate)
            assert last.standard_multiply_adds == standard.multiply_adds
        counts = [frame.multiply_adds for frame in timeline.frames]
        assert counts == sorted(counts) and len(set(counts)) == len(counts)  # strictly growing


def test_counter_grows_by_the_work_of_one_position_each_step():
    image = sample_image("shape", 6)
    layer = build_layer(image, SlidingConfig(mode="standard", kernel_size=3, out_channels=4), "sobel")
    timeline = build_timeline(layer)
    assert [f.multiply_adds for f in timeline.frames] == [27 * 4 * (i + 1) for i in range(16)]
    separable = build_layer(image, SlidingConfig(mode="separable", kernel_size=3, out_channels=4), "sobel")
    counts = [f.multiply_adds for f in build_timeline(separable).frames]
    assert counts[:2] == [27, 54]  # depthwise: 3 channels x 9 weights
    assert counts[16] - counts[15] == 12  # pointwise: 4 filters x 3 weights
    assert counts[-1] == 16 * 27 + 16 * 12
    # Beside it, a standard convolution to the same 4 x 4 x 4 output (16 positions x 108) as far through its own sweep:
    # step 1 of 32 is 1/32 of its 1,728, not the 108 of its own first position.
    assert [f.standard_multiply_adds for f in build_timeline(separable).frames][:2] == [1728 // 32, 1728 * 2 // 32]


@pytest.mark.parametrize("mode, compared", [("standard", False), ("pointwise", False), ("separable", True),
                                           ("depthwise", True), ("grouped", True)])
def test_the_step_line_compares_with_a_standard_convolution_only_where_the_work_differs(mode, compared):
    """A standard layer's step line said "Multiply-adds so far: 108" and "a standard convolution as far through its
    own sweep: 108": the layer against itself. Elsewhere "54" beside "27" read as a standard convolution's work at
    one position (it does 108 there); the line now says its whole too: "54 of its 1,728"."""
    from dsconv.figures.sliding import sliding_figure_spec

    groups = dict(groups=3, out_channels=6) if mode == "grouped" else dict(out_channels=4)
    layer = build_layer(sample_image("shape", 6), SlidingConfig(mode=mode, kernel_size=3, **groups), "sobel")
    timeline = build_timeline(layer)
    header = sliding_figure_spec(timeline)["frames"][0]["data"][-1]["text"]
    lines = " ".join(re.sub(r"<[^>]+>", "", line) for line in header)
    assert ("a standard convolution to the same output" in lines) == compared, lines
    if mode == "separable":  # 4 x 4 x 4 from 6 x 6 x 3, k = 3: 16 positions x 4 filters x 27 = 1,728 in all
        # Step 1 of 32 (16 depthwise positions, then 16 pointwise): 1/32 of 1,728 is 54. "as far through: 54" read
        # as a standard convolution that had reached the same output position, which has done 108 there: the line
        # says what share of its work it is.
        assert "1/32 of the way through: 54 of its 1,728" in lines
        step_6 = re.sub(r"<[^>]+>", "", " ".join(sliding_figure_spec(timeline)["frames"][5]["data"][-1]["text"]))
        assert "6/32 of the way through: 324 of its 1,728" in step_6  # 1,728 x 6 / 32


def test_frames_are_grouped_below_the_cap_and_say_so():
    image = sample_image("gradient", 16)
    layer = build_layer(image, SlidingConfig(mode="separable", padding="same"), "box_blur")
    timeline = build_timeline(layer)
    assert timeline.total_positions == 512
    assert timeline.positions_per_frame == 2 and len(timeline.frames) <= MAX_FRAMES
    assert timeline.frames[-1].filled == 256 and timeline.frames[-1].stage == 1
    small = build_timeline(build_layer(image[:5, :5], SlidingConfig(), "box_blur"))
    assert small.positions_per_frame == 1 and len(small.frames) == 9


def test_each_frame_shows_the_products_whose_sum_is_written():
    image = sample_image("checkerboard", 7)
    for mode in SLIDING_KINDS:
        config = SlidingConfig(mode=mode, kernel_size=3, strides=2, padding="same", out_channels=6,
                               depth_multiplier=2, groups=3 if mode == "grouped" else 1)
        timeline = build_timeline(build_layer(image, config, "random", seed=3), watch=1)
        for frame in timeline.frames:
            stage = timeline.layer.stages[frame.stage]
            np.testing.assert_allclose(frame.written, stage.output[frame.row, frame.col])
            for detail in frame_detail(timeline, frame):
                assert detail["products"].shape == detail["weights"].shape == detail["window"].shape
                assert detail["sum"] == pytest.approx(stage.output[frame.row, frame.col, detail["output_channel"]])


def test_depthwise_kernel_reads_one_channel_and_slides_over_height_and_width():
    image = sample_image("gradient", 6)
    layer = build_layer(image, SlidingConfig(mode="depthwise", depth_multiplier=2), "identity")
    stage = layer.stages[0]
    assert stage.reads == ((0,), (0,), (1,), (1,), (2,), (2,))
    assert stage.output.shape == (4, 4, 6)  # moved over 4 x 4 positions, not along the channels
    np.testing.assert_allclose(stage.output[:, :, 2], image[1:5, 1:5, 1])  # identity copy of green


def test_grouped_spans_standard_to_depthwise():
    image = sample_image("shape", 8)
    standard = build_layer(image, SlidingConfig(mode="standard", out_channels=6), "sobel")
    grouped_1 = build_layer(image, SlidingConfig(mode="grouped", out_channels=6, groups=1), "sobel")
    np.testing.assert_allclose(grouped_1.output, standard.output)
    depthwise = build_layer(image, SlidingConfig(mode="depthwise", depth_multiplier=2), "sobel")
    grouped_3 = build_layer(image, SlidingConfig(mode="grouped", out_channels=6, groups=3), "sobel")
    np.testing.assert_allclose(grouped_3.output, depthwise.output)
    assert grouped_3.cost.multiply_adds == depthwise.cost.multiply_adds


@pytest.mark.parametrize("config, words", [
    (SlidingConfig(strides=2, dilation_rate=2), "Set strides to 1 or dilation_rate to 1"),
    (SlidingConfig(kernel_size=5, dilation_rate=3), "output would be empty"),
    (SlidingConfig(mode="grouped", groups=2), "Pick a groups value that divides both"),
    (SlidingConfig(mode="grouped", groups=3, out_channels=4), "divide both"),
])
def test_impossible_layers_raise_the_arithmetic_sentence(config, words):
    with pytest.raises(LayerConfigError, match=words):
        build_layer(sample_image("gradient", 6), config, "box_blur")


@pytest.mark.parametrize("mode", SLIDING_KINDS)
def test_figures_are_valid_plotly_and_every_frame_has_the_same_shapes(mode):
    import plotly.graph_objects as go

    from dsconv.figures.sliding import sliding_figure_spec
    from dsconv.figures.volume import volume_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=2, padding="same", dilation_rate=2, out_channels=3,
                           depth_multiplier=2, groups=3 if mode == "grouped" else 1)
    timeline = build_timeline(build_layer(sample_image("shape", 5), config, "sharpen"), watch=1)
    spec = sliding_figure_spec(timeline)
    go.Figure(spec)  # Plotly's own validation of every trace, frame and layout key
    go.Figure(volume_figure_spec(timeline))
    # Plotly merges a frame's shapes into the layout by index: a shorter list would leave stale outlines.
    assert len({len(frame["layout"]["shapes"]) for frame in spec["frames"]}) == 1
    assert len(spec["frames"]) == timeline.total_positions == len(spec["layout"]["sliders"][0]["steps"])
    header = spec["frames"][-1]["data"][-1]["text"]
    assert header[0].startswith(f"<b>Step {timeline.total_positions} of {timeline.total_positions}</b>")
    joined = " · ".join(line for line in header if line)
    count = joined[joined.index("Multiply"):]
    assert count.startswith(f"Multiply-adds so far: <b>{timeline.layer.cost.multiply_adds:,}</b> (")
    ends = ")" if mode in ("standard", "pointwise") else ") · "  # a standard convolution's count: nothing beside it
    assert f"per position{', after the depthwise step' if mode == 'separable' else ''}{ends}" in count
    # Every frame has as many header lines as the trace has points: Plotly keeps a point's old text otherwise.
    assert {len(frame["data"][-1]["text"]) for frame in spec["frames"]} == {len(spec["data"][-1]["x"])}


@pytest.mark.parametrize("mode, multiplier, outputs, kernel", [("depthwise", 2, 3, 3), ("separable", 2, 5, 5),
                                                              ("depthwise", 4, 3, 3), ("depthwise", 1, 3, 3)])
def test_every_header_line_fits_the_figure_and_names_every_sum_once(mode, multiplier, outputs, kernel):
    """The depthwise step's sums stood on one line: with a depth multiplier of 2, six of them ran past the figure's
    right edge ("... + bias → from B, kerne"). They now wrap: each line, measured in the app's font from its file
    (bold runs in bold), fits the width the figure is shown at (its left inset on both sides), at both scales."""

    from font_reference import mixed_px

    from dsconv.figures.sliding import sliding_figure_spec
    from dsconv.figures.style import page_width_px

    config = SlidingConfig(mode=mode, kernel_size=kernel, padding="same", out_channels=outputs,
                           depth_multiplier=multiplier)
    timeline = build_timeline(build_layer(sample_image("shape", 16), config, "sharpen"), watch=1)
    for scale in (1.0, 1.35):
        spec = sliding_figure_spec(timeline, scale)
        header = spec["data"][-1]
        room = page_width_px(scale) - 2 * header["x"][0]  # the width it is shown at, the same inset on the right
        for frame in spec["frames"][:3] + spec["frames"][-3:]:
            lines = frame["data"][-1]["text"]
            widths = [mixed_px(line, header["textfont"]["size"]) for line in lines]
            assert max(widths) <= room, (scale, max(widths), room, lines)
            assert all(line.count("<b>") == line.count("</b>") for line in lines)  # no bold run split over two lines
            text = " · ".join(re.sub(r"<[^>]+>", "", line) for line in lines if line)
            sums = [part for part in text.split(" · ") if "products, sum" in part]
            assert len(sums) == len(timeline.frames[int(frame["name"])].watched)  # one sum per watched kernel
            assert text.count("Multiply-adds so far") == 1
            assert re.search(r"a standard convolution to the same output, \d+/\d+ of the way through: ", text), text


LONE_OPERATOR_AT_A_BREAK = re.compile(r"(?:^|\s)[+−×/=-]$|^[+−×/=-]\s")


@pytest.mark.parametrize("mode", ["standard", "separable", "depthwise", "pointwise", "grouped"])
@pytest.mark.parametrize("scale, width_px", [(1.35, None), (1.35, 770), (1.0, 390), (1.0, 280), (1.0, None)])
def test_a_header_line_never_breaks_beside_an_operator(mode, scale, width_px):
    """In projector mode a separable layer's pointwise steps read "... through every channel — (R + G + B) /" with
    "3" alone on the next line, a stray number. A line of the header never ends with an operator (+, −, ×, /, =) nor
    starts with one: the sum and the operator's two sides stay on one line."""
    from dsconv.figures.sliding import sliding_figure_spec

    groups = {"groups": 3, "out_channels": 3} if mode == "grouped" else {}
    timeline = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(mode=mode, **groups), "sobel"))
    spec = sliding_figure_spec(timeline, scale, width_px)
    for frame in spec["frames"]:
        for line in frame["data"][-1]["text"]:
            plain = re.sub(r"<[^>]+>", "", line).strip()
            assert not LONE_OPERATOR_AT_A_BREAK.search(plain), (frame["name"], frame["data"][-1]["text"])


def test_the_step_line_says_every_filter_is_counted_and_where_the_bias_goes():
    from dsconv.figures.sliding import sliding_figure_spec

    # 8 x 8 x 3, k = 3, 4 standard filters (the page's default): 27 products per filter, 4 x 27 = 108 per position.
    timeline = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(), "sobel"))
    header = sliding_figure_spec(timeline)["frames"][0]["data"][-1]["text"]
    assert "filter 1 reads 3 channels — Sobel edge × (R + G + B) / 3" in header[0]
    assert header[1].startswith("27 products, sum ") and header[1].endswith(", + bias → Filter 1")
    assert header[2].startswith("Multiply-adds so far: <b>108</b> (4 filters × 27 per position)")


@pytest.mark.parametrize("multiplier", [1, 2])
def test_a_separable_layers_depthwise_step_adds_no_bias_and_its_maps_are_primed(multiplier):
    """The separable animation said "sum 230, + bias → from R" in its depthwise step, beside a table and a caption
    saying that SeparableConv2D has no depthwise bias (Keras's has one, after the pointwise step); and its pointwise
    step's rows were named R, G and B, holding -230, -180 and 70, numbers found nowhere in the picture's channels."""
    from dsconv.figures.sliding import sliding_figure_spec

    config = SlidingConfig(mode="separable", depth_multiplier=multiplier)
    timeline = build_timeline(build_layer(sample_image("shape", 8), config, "sobel"))
    spec = sliding_figure_spec(timeline)
    for frame, drawn in zip(timeline.frames, spec["frames"]):
        header = " ".join(drawn["data"][-1]["text"])
        board = " ".join(drawn["data"][len(timeline.layer.stages) - 1]["text"])  # the last stage's computation
        if frame.stage == 0:  # the depthwise step: its own sums, no bias
            assert "products, sum" in header and "bias" not in header and "bias" not in board, header
        else:  # the pointwise step: SeparableConv2D's one bias, after it; the rows are the depthwise maps
            assert ", + bias → Output" in header and "+ bias" in board, header
            first = "R′" if multiplier == 1 else "R′1"
            assert f"reads a 1 x 1 column through every depthwise map ({first} is the depthwise map from R" in header
    names = {"R′", "G′", "B′"} if multiplier == 1 else {"R′1", "R′2", "G′1", "G′2", "B′1", "B′2"}
    assert set(hidden_names(3, multiplier)) == names
    labels = {text for text in spec["frames"][-1]["data"][1]["text"] if text.startswith("<b>")}  # the rows' names
    assert labels and labels <= {f"<b>{name}</b>" for name in names}, labels  # never <b>R</b>
    depthwise_only = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(mode="depthwise"), "sobel"))
    assert ", + bias → from R" in " ".join(sliding_figure_spec(depthwise_only)["frames"][0]["data"][-1]["text"])


def test_preset_filters_are_described_by_pattern_and_channel_mix():
    layer = build_layer(sample_image("shape", 8), SlidingConfig(out_channels=8), "sobel")
    notes = layer.notes[0]
    assert notes[:2] == ("Sobel edge × (R + G + B) / 3", "Sobel edge × (R − G)")
    assert notes[6] == "Sobel edge, turned 90° × (R + G + B) / 3"  # after the six mixes the pattern turns
    # The weights are what the words say: filter 1's red slice is the Sobel pattern / 3 (the ±0.33 and ±0.67).
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 3
    np.testing.assert_allclose(layer.stages[0].filters[0][:, :, 0], sobel)
    np.testing.assert_allclose(layer.stages[0].filters[1][:, :, 1], -3 * sobel)  # (R − G): minus the pattern in G
    separable = build_layer(sample_image("shape", 8), SlidingConfig(mode="separable"), "sobel")
    assert separable.notes == (("Sobel edge on R alone", "Sobel edge on G alone", "Sobel edge on B alone"),
                               ("(R′ + G′ + B′) / 3", "(R′ − G′)", "(G′ − B′)", "R′"))  # the depthwise maps
    grouped = build_layer(sample_image("shape", 8), SlidingConfig(mode="grouped", groups=3, out_channels=3), "sobel")
    assert grouped.notes == (("Sobel edge × R", "Sobel edge × G", "Sobel edge × B"),)


def test_separable_outputs_equal_the_standard_filters_they_factor_into():
    from conv_reference import conv2d
    from dsconv.sliding.engine import standard_twins
    from dsconv.sliding.kernels import preset_filters

    image = sample_image("shape", 8).astype(np.float64)
    layer = build_layer(image, SlidingConfig(mode="separable"), "sobel")
    assert standard_twins(layer, "sobel") == (0, 1, 2, 3)
    standard, _ = conv2d(image, preset_filters("sobel", 3, 3, 4), None)  # the brute-force reference
    np.testing.assert_allclose(layer.output, standard, atol=1e-9)
    # Two kernel copies per channel: the mixes read turned copies, so no output is a standard filter.
    doubled = build_layer(image, SlidingConfig(mode="separable", depth_multiplier=2), "sobel")
    assert standard_twins(doubled, "sobel") == ()
    assert standard_twins(build_layer(image, SlidingConfig(), "sobel"), "sobel") == ()  # not separable
    # A 1 x 1 Sobel kernel is all zeros: every output is 0, and a zero output is nobody's twin.
    flat = build_layer(image, SlidingConfig(mode="separable", kernel_size=1), "sobel")
    assert not flat.output.any() and standard_twins(flat, "sobel") == ()


def test_the_benchmark_case_stays_under_five_megabytes():
    import plotly.io as pio

    from dsconv.figures.sliding import sliding_figure
    from dsconv.figures.volume import volume_figure

    timeline = build_timeline(build_layer(sample_image("gradient", 16), SlidingConfig(padding="same"), "sobel"))
    size = sum(len(pio.to_json(f, validate=False)) for f in (sliding_figure(timeline), volume_figure(timeline)))
    assert size < 5_000_000


def test_weight_rules_match_the_filters_they_describe():
    from dsconv.sliding.engine import weight_rules

    standard = weight_rules(SlidingConfig(out_channels=8), 3, "sobel")
    assert "After the 6 mixes the pattern turns by 90°" in standard[0]
    layer = build_layer(sample_image("shape", 8), SlidingConfig(out_channels=8), "sobel")
    assert layer.notes[0][6].startswith("Sobel edge, turned 90°")  # the seventh filter: turned, as the rule says
    pointwise = weight_rules(SlidingConfig(mode="pointwise", out_channels=8), 3, "sobel")
    assert pointwise == ["A pointwise filter is a channel mix of the 3 channels it reads; after the 6 mixes the same "
                         "mixes come back with their sign flipped."]
    flipped = build_layer(sample_image("shape", 8), SlidingConfig(mode="pointwise", out_channels=8), "sobel")
    assert flipped.notes[0][6] == "−(R + G + B) / 3"
    separable = weight_rules(SlidingConfig(mode="separable", depth_multiplier=2, out_channels=8), 3, "sobel")
    assert "the 6 channels it reads." in separable[1]  # 12 mixes (average, 5 differences, 6 channels), 8 outputs
    assert "after the" not in separable[1]  # "after the 12 mixes ... come back" stood over fewer outputs than mixes
    assert "After the" not in weight_rules(SlidingConfig(out_channels=4), 3, "sobel")[0]  # 6 mixes, 4 filters
    # the copies are counted from 1, as the figure names them: "copy j is turned j × 90°" stood over an unturned
    # kernel 1
    assert separable[0] == ("Every channel gets the same pattern; its 2 kernel copies: copy 1 as it is, copy 2 turned "
                            "90°.")
    assert weight_rules(SlidingConfig(mode="depthwise"), 3, "sobel") == ["Every channel gets the same pattern."]
    layer = build_layer(sample_image("shape", 8), SlidingConfig(mode="depthwise", depth_multiplier=3), "sobel")
    assert layer.notes[0][:3] == ("Sobel edge on R alone", "Sobel edge, turned 90° on R alone",
                                  "Sobel edge, turned 180° on R alone")
    grouped = weight_rules(SlidingConfig(mode="grouped", groups=3, out_channels=6), 3, "sobel")
    assert "Each group reads one channel" in grouped[0] and "next filter turns" in grouped[0]
    assert weight_rules(SlidingConfig(mode="grouped", groups=3, out_channels=3), 3, "sobel")[0].endswith("channel.")
    assert weight_rules(SlidingConfig(), 3, "random")[0].startswith("Random weights")


def test_the_animation_never_needs_a_redraw():
    """Plotly redraws heatmaps on every frame, and a frame that comes before the redraw is done leaves the figure
    blank: the figure has none, and its frames change only text traces and shapes (redraw=False)."""
    from dsconv.figures.sliding import sliding_figure_spec

    for mode in SLIDING_KINDS:
        config = SlidingConfig(mode=mode, kernel_size=3, out_channels=3, groups=3 if mode == "grouped" else 1)
        spec = sliding_figure_spec(build_timeline(build_layer(sample_image("shape", 6), config, "sobel")))
        assert {trace["type"] for trace in spec["data"]} == {"scatter"}
        assert all(step["args"][1]["frame"]["redraw"] is False for step in spec["layout"]["sliders"][0]["steps"])
        dynamic = len(spec["frames"][0]["layout"]["shapes"])
        assert all(len(frame["layout"]["shapes"]) == dynamic for frame in spec["frames"])
        for frame in spec["frames"]:  # the computation of the frame's stage is filled in, the other stage's blank
            filled = [any(text.strip() for text in trace["text"]) for trace in frame["data"][:-1] if "text" in trace]
            assert sum(filled) == 1
            # ...with no-break spaces, never "": Plotly removes a point's text that turns empty, and without a redraw
            # never draws it again (the header's "Multiply-adds so far" vanished after a frame of fewer lines)
            assert all(text != "" for trace in frame["data"] if "text" in trace for text in trace["text"])


@pytest.mark.parametrize("mode", ["standard", "depthwise", "pointwise", "separable", "grouped"])
def test_projector_sizes_for_the_default_layer(mode):
    """At 1.35x (projector mode) the computation's numbers and the header are at least 18 px, and the figure fits
    in one 800 px screen with room for the buttons above it, for every kind with the page's other settings: the
    depthwise and separable figures were 1,256 and 1,310 px tall, their maps under the computation, a screen below
    the Play buttons."""
    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=1 if mode == "pointwise" else 3)
    timeline = build_timeline(build_layer(sample_image("shape", 8), config, "sobel"))
    layout = plan(timeline, 1.35)
    assert layout.boards[0].font >= 18 and layout.header_font >= 18
    # 800 px, less the playback bar on one line (52 px) and the gap under it (21 px), less 4 px under the figure
    assert sliding_figure_spec(timeline, 1.35)["layout"]["height"] <= 800 - 52 - 21 - 4


@pytest.mark.parametrize("mode, multiplier, outputs, size, strides", [
    ("depthwise", 2, 3, 16, 1), ("separable", 2, 5, 16, 1), ("grouped", 1, 6, 16, 1),
    ("separable", 2, 4, 8, 2)])  # 4 x 4 output maps: "Output 1Output 2Output 3Output 4", with 4 px between them
def test_map_names_never_run_into_each_other(mode, multiplier, outputs, size, strides):
    """With a depth multiplier of 2, "from R, kernel 1" and "from R, kernel 2" printed over each other: a name wider
    than its tile is shortened, and the map's hover still gives the full name. Half an em stays clear between two
    names, so that they read as two."""
    from font_reference import text_px

    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=3, padding="same", out_channels=outputs, strides=strides,
                           depth_multiplier=multiplier, groups=3 if mode == "grouped" else 1)
    timeline = build_timeline(build_layer(sample_image("shape", size), config, "sharpen"), watch=1)
    for scale in (1.0, 1.35):
        spec = sliding_figure_spec(timeline, scale)
        layout = plan(timeline, scale, len(spec["data"][-1]["x"]))
        tiles = [tile for group in layout.maps for tile in group.tiles]
        drawn = {(round(a["x"], 3), round(a["y"], 3)): a["text"] for a in spec["layout"]["annotations"]}
        for tile in tiles:
            text = drawn[(round(tile.x0, 3), round(tile.y0 - 2 * scale, 3))]
            neighbours = [t.x0 for t in tiles if t.y0 == tile.y0 and t.x0 > tile.x0]
            room = (min(neighbours) - tile.x0) if neighbours else float("inf")
            assert text_px(text, 14 * scale) + 7 * scale <= room, (tile.label, text, room)  # the app's font file
        hover = " ".join(where for trace in spec["data"] for where, _ in trace.get("customdata") or [])
        assert all(tile.label in hover for tile in tiles)


@pytest.mark.parametrize("mode, kernel, multiplier, size", [("separable", 5, 1, 8), ("grouped", 5, 1, 8),
                                                             ("separable", 5, 3, 16), ("standard", 3, 1, 8)])
def test_every_number_of_the_computation_fits_its_cell_with_room_between(mode, kernel, multiplier, size):
    """The computation sized its numbers for four digits, and a product of five characters ("-1000") filled its cell
    edge to edge: "-1000-2000" read as a subtraction (5 x 5 kernels, projector mode). Every number, measured in the
    app's font file, leaves at least a tenth of its cell free, at 17 px or more in projector mode (a 5 x 5 layer's
    cells, as wide as the page allows, hold five characters at 17.2 px; a 3 x 3 layer's 18 px and more)."""
    from font_reference import text_px

    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=kernel, depth_multiplier=multiplier, padding="same",
                           groups=3 if mode == "grouped" else 1, out_channels=6 if mode == "grouped" else 4)
    timeline = build_timeline(build_layer(sample_image("shape", size), config, "sobel"))
    # the last: a 1024 x 768 projector (770 px), where the animation is drawn at 770 / 1018 of projector mode's size
    for scale, width in ((1.0, None), (1.35, None), (1.0211, 770.0)):
        spec = sliding_figure_spec(timeline, scale, width)
        layout = plan(timeline, scale, len(spec["data"][-1]["x"]), width)
        traces = [t for t in spec["data"] if isinstance(t.get("textposition"), list)]  # a computation's, per stage
        for frame, stage in zip(spec["frames"], (f.stage for f in timeline.frames)):
            board, trace = layout.boards[stage], traces[stage]
            assert scale == 1.0 or board.font >= (18 if kernel == 3 else 17) * (width or 1018) / 1018
            for text, size_px, where in zip(frame["data"][stage]["text"], trace["textfont"]["size"],
                                            trace["textposition"]):
                if size_px == round(board.font, 1) and where == "middle center":  # a cell's number
                    assert text_px(text, size_px) <= 0.9 * board.cell, (scale, text, size_px, board.cell)


@pytest.mark.parametrize("mode, kernel, width, least_px", [
    ("standard", 3, 248.0, 11.5), ("standard", 3, 288.0, 13), ("separable", 3, 356.0, 13), ("depthwise", 3, 288.0, 13),
    ("standard", 5, 328.0, 9.5), ("separable", 5, 248.0, 7.2), ("grouped", 3, 288.0, 13), ("standard", 3, 356.0, 13),
    ("separable", 3, 447.0, 13)])
def test_a_phone_stacks_the_computation_so_that_its_numbers_can_be_read(mode, kernel, width, least_px):
    """On a phone, three grids across (window x weights = products) left numbers of 8 px on a 280 px phone (a 248 px
    figure) and 6.5 px for a separable layer on a 390 px phone. There each row's products now stand under its window:
    every number at least `least_px` (measured in the app's font file, with a tenth of its cell free), no grid past
    the figure's edge or on another, and the total line, on two lines, inside the figure."""
    from font_reference import mixed_px, text_px

    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=kernel, padding="same", groups=3 if mode == "grouped" else 1,
                           out_channels=6 if mode == "grouped" else 4)
    timeline = build_timeline(build_layer(sample_image("shape", 8), config, "sobel"))
    spec = sliding_figure_spec(timeline, 1.0, width)
    layout = plan(timeline, 1.0, len(spec["data"][-1]["x"]), width)
    traces = [t for t in spec["data"] if isinstance(t.get("textposition"), list)]  # a computation's, per stage
    for stage, (board, trace) in enumerate(zip(layout.boards, traces)):
        assert board.font >= least_px, (stage, board.font)
        if board.rows[0].window.rows > 1:  # products under the window (a 1 x 1 step: see the next test)
            assert all(row.products.y0 >= row.window.y0 + row.window.height for row in board.rows)
        grids = [(grid, f"row {i} {name}") for i, row in enumerate(board.rows)
                 for grid, name in ((row.window, "window"), (row.weights, "weights"), (row.products, "products"))]
        for index, (a, what) in enumerate(grids):
            assert a.x0 >= 0 and a.x0 + a.width <= width + 1e-6, what
            for b, other in grids[index + 1:]:
                apart = a.x0 + a.width <= b.x0 or b.x0 + b.width <= a.x0 or a.y0 + a.height <= b.y0 or \
                    b.y0 + b.height <= a.y0
                assert apart, (what, other)
        frames = [f for f, step in zip(spec["frames"], timeline.frames) if step.stage == stage]
        for frame in frames:
            texts = frame["data"][stage]["text"]
            for text, size_px, where in zip(texts, trace["textfont"]["size"], trace["textposition"]):
                if size_px == round(board.font, 1) and where == "middle center":  # a cell's number
                    assert text_px(text, size_px) <= 0.9 * board.cell, (text, size_px, board.cell)
            if board.total_at is not None:
                lines = texts[-1].split("<br>")
                assert len(lines) == 2
                assert all(board.total_at[0] + mixed_px(line, trace["textfont"]["size"][-1]) <= width
                           for line in lines), lines


@pytest.mark.parametrize("width", [288.0, 356.0])
def test_a_1x1_step_with_room_on_a_phone_keeps_its_row(width):
    """A separable layer's pointwise step, stacked with its depthwise step on a phone, wrote "-230 x 1/3" over "=
    -76.7", a line each, where one row had room for its numbers at 13.5 px: a step stacks only where its own numbers,
    on one row, would be under 12 px."""
    from dsconv.figures.sliding import plan, sliding_figure_spec

    timeline = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(mode="separable", padding="same"),
                                          "sobel"))
    layout = plan(timeline, 1.0, len(sliding_figure_spec(timeline, 1.0, width)["data"][-1]["x"]), width)
    depthwise, pointwise = layout.boards
    assert all(row.products.y0 > row.window.y0 for row in depthwise.rows)  # stacked
    assert all(row.products.y0 == row.window.y0 for row in pointwise.rows) and pointwise.font >= 13.5


@pytest.mark.parametrize("size, width, least", [(8, 356.0, 9.5), (16, 447.0, 6), (16, 535.0, 7)])
def test_maps_too_small_beside_the_computation_on_a_phone_go_above_it(size, width, least):
    """A pointwise layer's computation is narrow enough for the maps beside it, and there, on a 390 px phone, its
    8 x 8 input had cells of 3.5 px (stripes more than a picture). On a page under 600 px the maps go beside it only
    where their cells are 5 px or more, and otherwise over it, as wide as the figure."""
    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode="pointwise", kernel_size=1, out_channels=4)
    timeline = build_timeline(build_layer(sample_image("shape", size), config, "sobel"))
    layout = plan(timeline, 1.0, len(sliding_figure_spec(timeline, 1.0, width)["data"][-1]["x"]), width)
    board_top = min(row.window.y0 for row in layout.boards[0].rows)
    assert all(tile.y0 + tile.height < board_top for group in layout.maps for tile in group.tiles)  # over it
    assert layout.map_cell >= least


@pytest.mark.parametrize("mode, kernel, width", [("standard", 3, 356.0), ("separable", 3, 356.0),
                                                 ("depthwise", 5, 535.0), ("standard", 3, 599.0),
                                                 ("separable", 5, 447.0)])
def test_on_a_phone_the_maps_come_first_and_stay_on_screen_while_it_plays(mode, kernel, width):
    """Under the stacked computation (the watched kernel's three channels, window over products), the maps lay
    1,200 px below a 390 px phone's Play buttons: the output was off the screen all the while the animation played.
    Under 600 px they come first, under the header, and the computation's title and rows follow them."""
    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=kernel, padding="same")
    timeline = build_timeline(build_layer(sample_image("shape", 8), config, "sobel"))
    spec = sliding_figure_spec(timeline, 1.0, width)
    layout = plan(timeline, 1.0, len(spec["data"][-1]["x"]), width)
    maps_bottom = max(tile.y0 + tile.height for group in layout.maps for tile in group.tiles)
    maps_top = min(tile.y0 for group in layout.maps for tile in group.tiles)
    assert maps_top < layout.header_lines[-1][1] + 60  # right under the header's lines and the group's title
    beside = all(tile.x0 >= layout.board_right for group in layout.maps for tile in group.tiles)
    assert beside or maps_bottom < layout.board_title_at[1] < min(row.window.y0 for board in layout.boards
                                                                  for row in board.rows)
    assert layout.height <= spec["layout"]["height"]


@pytest.mark.parametrize("mode, kernel, width", [("standard", 3, 447.0), ("standard", 5, 900.0),
                                                 ("separable", 5, None), ("separable", 5, 770.0),
                                                 ("separable", 3, 535.0), ("depthwise", 3, 535.0)])
def test_a_wider_page_or_numbers_nearly_readable_keep_the_computation_on_one_row(mode, kernel, width):
    """Stacked, the computation is half as tall again; where its numbers can be read on one row (14 px in a 447 px
    page) or the page is 600 px or wider (13 px for a 5 x 5 layer at 1400 x 1000), each row keeps window x weights =
    products side by side."""
    from dsconv.figures.sliding import plan, sliding_figure_spec

    config = SlidingConfig(mode=mode, kernel_size=kernel, padding="same")
    timeline = build_timeline(build_layer(sample_image("shape", 8), config, "sobel"))
    for scale in (1.0, 1.35) if width is None else (1.0,):
        spec = sliding_figure_spec(timeline, scale, width)
        layout = plan(timeline, scale, len(spec["data"][-1]["x"]), width)
        for board in layout.boards:
            assert all(row.products.y0 == row.window.y0 for row in board.rows)
            assert board.font >= 10.5 * scale
        # the total line ("Σ of the 27 products = ...") takes two lines on a page under 600 px, one on a wider one
        last = len(layout.boards) - 1  # the last stage's computation
        totals = [text for frame in spec["frames"] if (text := frame["data"][last]["text"][-1]).startswith("Σ of the")]
        assert bool(totals) == any(board.total_at for board in layout.boards)  # a depthwise layer sums each row
        assert all(text.count("<br>") == int((width or 900) < 600) for text in totals)


@pytest.mark.parametrize("mode, size, kernel, multiplier", [("separable", 16, 3, 1), ("separable", 8, 5, 1),
                                                             ("separable", 16, 3, 2), ("depthwise", 16, 5, 1),
                                                             ("grouped", 16, 3, 1), ("standard", 8, 3, 1)])
def test_maps_under_the_computation_share_the_width_and_never_overlap(mode, size, kernel, multiplier):
    """Under the computation the groups of maps were stacked, each in its own band: a 16 x 16 separable layer's maps
    had 5.9 px cells in a third of a projector's page, the rest blank. A group that fits beside the one before now
    stands there. No tile, tile name or group title runs into another, or past the figure's edge (the app's font)."""
    from font_reference import text_px

    from dsconv.figures.sliding import plan, sliding_figure_spec, tile_caption

    config = SlidingConfig(mode=mode, kernel_size=kernel, depth_multiplier=multiplier, padding="same",
                           groups=3 if mode == "grouped" else 1, out_channels=6 if mode == "grouped" else 4)
    timeline = build_timeline(build_layer(sample_image("shape", size), config, "sobel"))
    for scale, width in ((1.0, None), (1.35, None), (1.35, 770.0), (1.0211, 770.0)):  # the last: a 1024 projector's
        spec = sliding_figure_spec(timeline, scale, width)
        layout = plan(timeline, scale, len(spec["data"][-1]["x"]), width)
        boxes = []  # (x0, y0, x1, y1, what) of every tile, tile name and group title
        for group in layout.maps:
            x, y = group.title_at
            boxes.append((x, y - 9 * scale, x + text_px(group.title, layout.title_font, bold=True), y + 9 * scale,
                          group.title))
            for tile in group.tiles:
                name = tile_caption(tile.label, tile.cols * tile.cell + 8 * scale, 14 * scale)
                boxes.append((tile.x0, tile.y0 - 18 * scale, tile.x0 + text_px(name, 14 * scale), tile.y0 - 2 * scale,
                              name))
                boxes.append((tile.x0, tile.y0, tile.x0 + tile.width, tile.y0 + tile.height, tile.label + " tile"))
        for index, (ax0, ay0, ax1, ay1, a) in enumerate(boxes):
            assert ax1 <= layout.width + 1e-6, (scale, width, a)
            for bx0, by0, bx1, by1, b in boxes[index + 1:]:
                assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (scale, width, a, b)
    if (mode, size, kernel, multiplier) == ("separable", 16, 3, 1):  # under the computation in projector mode: two
        layout = plan(timeline, 1.35, len(sliding_figure_spec(timeline, 1.35)["data"][-1]["x"]))  # groups a band
        assert layout.maps[0].tiles[0].y0 == layout.maps[1].tiles[0].y0 and layout.map_cell >= 8.5  # was 5.9


@pytest.mark.parametrize("mode, size", [("separable", 16), ("standard", 16), ("depthwise", 32)])
def test_a_long_layer_opens_on_its_first_step_and_ends_on_its_last(mode, size):
    """A layer of more steps than frames shows every n-th step: it opened at 'Step 2 of 512', so the first
    position (row 1, column 1) was never on screen. It now shows steps 1, 1 + n, ... and each stage's last."""
    config = SlidingConfig(mode=mode, kernel_size=3, padding="same", out_channels=5)
    timeline = build_timeline(build_layer(sample_image("shape", size), config, "sharpen"), watch=1,
                              max_frames=MAX_FRAMES // 2)
    stages = timeline.layer.stages
    assert timeline.positions_per_frame > 1 and timeline.frames[0].position == 0 and timeline.frames[0].stage == 0
    for index, stage in enumerate(stages):
        mine = [frame.position for frame in timeline.frames if frame.stage == index]
        assert mine[-1] == stage.positions - 1
    assert len(timeline.frames) <= MAX_FRAMES // 2 + len(stages)


@pytest.mark.parametrize("mode, groups, outputs, kernel, size", [
    ("grouped", 3, 6, 3, 8),  # "... → Filter 1 (group 1), row 1, column 1" ran under the output maps beside it
    ("standard", 1, 8, 5, 16), ("grouped", 3, 6, 5, 16), ("pointwise", 1, 4, 1, 8)])
@pytest.mark.parametrize("scale, width", [(1.0, None), (1.35, None), (1.0, 356.0)])  # the last: a 390 px phone
def test_the_total_line_stays_left_of_the_output_maps(mode, groups, outputs, kernel, size, scale, width):
    """The total line ("Σ of the 27 products = ... → Filter 1, row 1, column 1") ends 8 px left of the maps beside
    it, or 4 px of the figure's edge, where Plotly writes it: 4.75 px right of its point (on a 390 px
    phone a pointwise layer's total ended 4.3 px from the maps' tiles, whose outlines reach past their left edge)."""
    from font_reference import mixed_px

    from dsconv.figures.sliding import plan, sliding_figure_spec

    nudge = 3 / 0.8 + 1  # plotly.js Drawing.textPointPosition: the default marker's radius (3 px) / 0.8 + 1
    config = SlidingConfig(mode=mode, groups=groups, out_channels=outputs, kernel_size=kernel)
    timeline = build_timeline(build_layer(sample_image("shape", size), config, "sobel"))
    spec = sliding_figure_spec(timeline, scale, width)
    layout = plan(timeline, scale, len(spec["data"][-1]["x"]), width)
    board, trace = layout.boards[0], next(t for t in spec["data"] if isinstance(t.get("textposition"), list))
    maps_left = min(tile.x0 for group in layout.maps for tile in group.tiles)
    # 8 px clear of the maps beside it (their outlines reach past their left edge), or 4 px of the figure's edge
    right_edge = maps_left - 8 if maps_left > board.total_at[0] else layout.width - 4
    font = trace["textfont"]["size"][-1]
    assert scale == 1.0 or font >= 18  # still readable from the back row in projector mode
    for frame in spec["frames"]:
        total = frame["data"][0]["text"][-1]
        assert total.startswith("Σ of the")
        for line in total.split("<br>"):
            assert board.total_at[0] + nudge + mixed_px(line, font) <= right_edge, (line, font)


def test_a_narrower_projector_draws_the_animation_at_a_smaller_scale():
    """A 1024 x 768 projector gives the page 770 px where the 1280 x 800 one gives it 1018: 1.35 x 770 / 1018 =
    1.0211 there (each of its pixels 1.25 times as large on the wall: a number 95 % as tall there as at 1.35)."""
    from dsconv.figures.style import projected_scale

    assert projected_scale(1.35, 1018.0) == 1.35 and projected_scale(1.35, 1400.0) == 1.35  # never larger
    assert projected_scale(1.35, 770.0) == pytest.approx(1.02112, abs=1e-5)
    assert projected_scale(1.35, 600.0) == 1.0  # 0.796: never under a normal window's
    assert projected_scale(1.0, 770.0) == 1.0 and projected_scale(1.0, 356.0) == 1.0  # a normal window: unchanged


@pytest.mark.parametrize("width, scale", [(770.0, 1.35), (770.0, 1.0211), (850.0, 1.0), (None, 1.0), (None, 1.35)])
def test_the_figure_is_laid_out_for_the_width_it_is_shown_at(width, scale):
    """page_width_px assumes the 1400 x 1000 window and the 1280 x 800 projector; on a 1024 x 768 projector the page
    is 770 px wide, and the figure laid out for 1018 px ran its header past its edge and its names into its maps.
    Laid out for the width the browser measured, every header line fits it (measured with the app's font file), and
    the maps move under the computation when they do not fit beside it."""
    from font_reference import mixed_px

    from dsconv.figures.sliding import plan, sliding_figure_spec
    from dsconv.figures.style import page_width_px

    shown = width or page_width_px(scale)
    timeline = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(), "sobel"))
    spec = sliding_figure_spec(timeline, scale, width)
    layout = plan(timeline, scale, len(spec["data"][-1]["x"]), width)
    assert spec["layout"]["xaxis"]["range"] == [0, shown] and layout.width == shown
    header_font = spec["data"][-1]["textfont"]["size"]
    header_font = header_font[0] if isinstance(header_font, list) else header_font
    for frame in spec["frames"]:
        for line, (x, _) in zip(frame["data"][-1]["text"], layout.header_lines):
            assert x + mixed_px(line, header_font) <= shown, (line, shown)
    tiles = [tile for group in layout.maps for tile in group.tiles]
    assert all(tile.x0 + tile.cols * tile.cell <= shown for tile in tiles)


@pytest.mark.parametrize("preset, multiplier, count, sample", [
    ("sobel", 2, 8, "gradient"), ("sobel", 2, 8, "checkerboard"), ("sobel", 1, 4, "shape"), ("box_blur", 1, 4, "shape"),
    ("identity", 3, 8, "gradient"), ("sharpen", 2, 6, "checkerboard"), ("random", 1, 4, "shape")])
def test_a_named_twin_agrees_with_the_standard_filter_on_any_picture(preset, multiplier, count, sample):
    """A separable output is the standard filter's twin when the two agree on every picture, not on the page's
    picture: on the linear gradient (m = 2, N = 8, stride 2) outputs 2 and 4 matched the standard maps while their
    kernels differ. Checked here on random noise, where different kernels give different maps."""
    from dsconv.sliding.engine import standard_twins

    config = dict(kernel_size=3, strides=2, padding="valid", out_channels=count)
    separable = build_layer(sample_image(sample, 8), SlidingConfig("separable", depth_multiplier=multiplier, **config),
                            preset)
    noise = np.random.default_rng(7).uniform(0, 255, (9, 9, 3))
    on_noise = build_layer(noise, SlidingConfig("separable", depth_multiplier=multiplier, **config), preset).output
    standard = build_layer(noise, SlidingConfig("standard", **config), preset).output
    agree = {n for n in range(count) if np.abs(standard[..., n]).max() > 1e-9
             and np.allclose(on_noise[..., n], standard[..., n], rtol=1e-9, atol=1e-9)}
    assert set(standard_twins(separable, preset)) == agree


def test_the_computation_shows_every_weight_exactly():
    """A 5 x 5 box blur's weight 1/75 was shown as 0.01 beside products worked out with 1/75: "20 x 0.01 = 0.27" to a
    student checking by hand. Every preset's weight reads back as exactly itself, as decimals or a fraction."""
    from fractions import Fraction

    from dsconv.figures.sliding import sliding_figure_spec
    from dsconv.figures.sliding_parts import weight_text
    from dsconv.sliding import kernels

    for preset in kernels.PRESETS:
        for size in (1, 3, 5):
            weights = np.concatenate([kernels.preset_filters(preset, size, 3, 4).ravel(),
                                      kernels.depthwise_filters(preset, size, 3, 2).ravel(),
                                      kernels.pointwise_filters(preset, 6, 4).ravel()])
            for weight in weights:
                assert float(Fraction(weight_text(float(weight)))) == pytest.approx(weight, abs=1e-12), weight
    blur = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(kernel_size=5), "box_blur"), watch=0)
    shown = {text for frame in sliding_figure_spec(blur)["frames"][:3] for trace in frame["data"]
             for text in trace.get("text", []) if isinstance(text, str)}
    assert "1/75" in shown and "0.01" not in shown


@pytest.mark.parametrize("config", [SlidingConfig(out_channels=1),
                                    SlidingConfig(mode="separable", kernel_size=1, out_channels=1),
                                    SlidingConfig(mode="depthwise", kernel_size=1)])
def test_the_header_says_one_thing_in_the_singular(config):
    """With one filter the header read "(1 filters x 27 per position)"; a 1 x 1 kernel read "1 products"."""

    from dsconv.figures.sliding import sliding_figure_spec

    timeline = build_timeline(build_layer(sample_image("shape", 8), config, "identity"), watch=0)
    lines = [line for frame in sliding_figure_spec(timeline)["frames"] for line in frame["data"][-1]["text"] if line]
    assert not [line for line in lines if re.search(r"(?<![\d,])1 (filters|products|outputs|kernels)\b", line)]
    assert any(re.search(r"(?<![\d,])1 (filter|product|output|kernel)\b", line) for line in lines)


@pytest.mark.parametrize("preset, size", [("box_blur", 3), ("identity", 5), ("sobel", 3), ("sharpen", 3),
                                          ("identity", 4), ("box_blur", 4)])
def test_a_turn_that_changes_nothing_says_so(preset, size):
    """"Box blur, turned 90°" named a filter identical to the unturned one as if it differed. Checked against
    np.rot90 of the kernels the layer uses (after the 6 mixes of R, G and B, filter 7 is filter 1 turned once)."""
    layer = build_layer(sample_image("shape", 8), SlidingConfig(kernel_size=size, out_channels=8, padding="same"),
                        preset)
    first, turned = layer.stages[0].filters[0][:, :, 0], layer.stages[0].filters[6][:, :, 0]
    same = np.allclose(first, turned)  # filter 7 is the same as filter 1
    note = layer.notes[0][6]
    assert ", turned 90°" in note and ("(the same: it is symmetric)" in note) == same, note
    # An even identity's turned copy reads a neighbouring pixel, and says so: its 1 moved off the first one's cell.
    moved = preset == "identity" and not same
    assert ("a copy shifted by one pixel" in note) == moved, note
    if moved:
        assert np.argwhere(first)[0].tolist() != np.argwhere(turned)[0].tolist()


def test_maps_that_are_multiples_of_one_another_are_said_to_be_alike():
    """The shape sample's channels are each a*disc + b, and a Sobel kernel sums to 0: every filter's map is a multiple
    of one map, and each coloured on its own scale, the four looked identical. A box blur keeps the b's: they differ."""
    from dsconv.sliding.engine import maps_alike

    image = sample_image("shape", 8)
    sobel = build_layer(image, SlidingConfig(mode="standard", out_channels=4), "sobel").output
    edges = sobel[..., 0] != 0
    ratios = sobel[edges] / sobel[..., 0][edges][:, None]  # each map over the first, where it is not 0
    assert np.allclose(ratios, ratios[0]) and np.all(sobel[~edges] == 0)  # multiples, by hand
    assert maps_alike(sobel)
    blur = build_layer(image, SlidingConfig(mode="standard", out_channels=4), "box_blur").output
    assert not np.allclose(blur[..., 1] * blur[0, 0, 0], blur[..., 0] * blur[0, 0, 1]) and not maps_alike(blur)
    assert not maps_alike(sobel[..., :1])  # one map: nothing to be alike
    assert not maps_alike(np.zeros((4, 4, 3)))  # all zero (a 1 x 1 Sobel): said otherwise on the page


def test_the_alike_note_names_a_preset_whose_maps_differ_or_says_none_does():
    from dsconv.sliding.engine import alike_note

    config = SlidingConfig(mode="standard", out_channels=4)
    shape = build_layer(sample_image("shape", 8), config, "sobel")
    assert alike_note(shape, "sobel").endswith("With the Identity preset they differ.")
    # A flat orange picture: every preset's maps are flat (alike), and Sobel's are all zero, which differ no more
    flat = np.broadcast_to(np.array([200, 80, 30], np.uint8), (6, 6, 3))
    said = alike_note(build_layer(flat, config, "box_blur"), "box_blur")
    assert said.endswith("Every preset gives maps like these here: another picture, or your own photo, can make "
                         "them differ.")


def test_a_window_value_keeps_the_decimal_its_product_was_worked_with():
    """A separable layer's pointwise step read a depthwise output of -144.5 as "-144", beside "-144 x -0.3 = 43.4"
    (-144.5 x -0.3 = 43.35). A window's value is written as the sum that made it, with the decimals that hold it.
    The figure of the reviewer's settings shows -144.5 in its window."""
    from dsconv.figures.sliding_parts import exact_text

    assert [exact_text(v) for v in (-144.5, 265.5, -246.49999999999991, 43.35, 120.0, 1234.4, 9.876)] == \
        ["-144.5", "265.5", "-246.5", "43.35", "120", "1234.4", "9.88"]
    from dsconv.figures.sliding import sliding_figure_spec
    from dsconv.sliding.engine import SlidingConfig, build_layer
    from dsconv.sliding.frames import build_timeline
    from dsconv.sliding.samples import sample_image

    config = SlidingConfig(mode="separable", dilation_rate=2, strides=2, padding="same", depth_multiplier=2,
                           out_channels=3)
    timeline = build_timeline(build_layer(sample_image("gradient", 7), config, "random", seed=5))
    texts = {text for frame in sliding_figure_spec(timeline)["frames"] for trace in frame["data"]
             for text in (trace.get("text") or []) if isinstance(text, str)}
    assert "-144.5" in texts and "-144" not in texts
    # its products add up to it as written: 170 x -0.9 + 255 x 0.7 + 170 x -0.4 + 255 x -0.4 = -153 + 178.5 - 68 - 102
    # (255 x 0.7 read "178", and the shown products made -145)
    assert {"-153", "178.5", "-68", "-102"} <= texts and "178" not in texts
    # and the depthwise step that made it says the same: its sum, its line over the figure, its map and hovers
    spec = sliding_figure_spec(timeline)
    written = json.dumps(spec)
    assert "<b>-144.5</b>" in written and "<b>-144</b>" not in written
    # a map's hover: "from R, kernel 1, row 1, column 2: -144.5"
    assert "column 2\", \"-144.5\"]" in written and "\"-144\"]" not in written


def test_a_product_or_sum_keeps_the_decimals_that_hold_it_exactly():
    """255 x 0.7 = 178.5 read "178"; a value two decimals do not hold (250 x 2/3) stays rounded, so the default
    layer's figure (weights in thirds) keeps its size."""
    from dsconv.figures.sliding_parts import exact_text

    assert [exact_text(v) for v in (178.5, -144.5, 250 * 2 / 3, 43.35, 120.0, 1234.5, 0.25)] == \
        ["178.5", "-144.5", "167", "43.35", "120", "1234.5", "0.25"]


def _exact(value: float):
    """A weight, pixel or depthwise output as the rational number it is (1/16, 127.75, 1234/27), from its float."""
    from fractions import Fraction

    exact = Fraction(float(value)).limit_denominator(10**6)
    assert abs(float(exact) - value) < 1e-9, value
    return exact


def _read_as_promised(text: str, exact) -> bool:
    """Whether `text` writes the rational `exact` as the figure promises: every decimal where two places hold it, else
    rounded half up (away from zero) at the places the text shows, by hand: sign x floor(|x| 10^p + 1/2) / 10^p."""
    import math
    from fractions import Fraction

    shown = Fraction(text)
    if (exact * 100).denominator == 1:
        return shown == exact
    places = len(text.partition(".")[2])
    rounded = math.floor(abs(exact) * 10**places + Fraction(1, 2)) / Fraction(10**places)
    return shown == (rounded if exact >= 0 else -rounded)


def _shown_computations(timeline, spec):
    """For every frame and every sum its computation writes: (frame number, the products' texts, the sum's text, the
    exact products), the products worked out here from the frame's window and weights in fractions."""
    for number, frame in enumerate(timeline.frames):
        texts = spec["frames"][number]["data"][frame.stage]["text"]
        cells = timeline.layer.stages[frame.stage].filters[0].shape[0] ** 2
        rows, at = [], 0
        details = frame_detail(timeline, frame)
        reads = [(detail, slot) for detail in details for slot in range(len(detail["reads"]))]
        for detail, slot in reads:  # a row: name, "×", "=", window, weights, products, and a sum of its own if any
            assert texts[at + 1:at + 3] == ["×", "="], texts[at:at + 3]
            products = texts[at + 3 + 2 * cells:at + 3 + 3 * cells]
            exact = [_exact(x) * _exact(w) for x, w in zip(detail["window"][:, :, slot].ravel(),
                                                           detail["weights"][:, :, slot].ravel())]
            rows.append((products, exact))
            at += 3 + 3 * cells
            if texts[at].startswith("Σ = "):  # the row's own sum (a depthwise step)
                yield number, products, re.search(r"<b>(.*?)</b>", texts[at]).group(1), exact
                rows, at = [], at + 1
        if rows:  # one total under every row read: "Σ of the 27 products = <b>…</b>"
            assert texts[at].startswith(f"Σ of the {sum(len(p) for p, _ in rows)} products = "), texts[at]
            yield (number, [t for p, _ in rows for t in p], re.search(r"<b>(.*?)</b>", texts[at]).group(1),
                   [q for _, e in rows for q in e])


@pytest.mark.parametrize("preset", ["box_blur", "sobel", "random", "identity", "sharpen"])
def test_the_products_a_frame_shows_add_up_to_the_sum_it_shows(preset):
    """A 2 x 2 box blur's 85 x 1/4 = 21.25 read "21.2" (Python's format rounds an exact half to even), and its
    products 21.2, 42.5, 21.2, 42.5 stood beside "Σ = 127.5"; 127.75 read "128", and a sum of -1250.5 "-1250". Every
    product and sum, worked out here in fractions, is written exactly where two decimals hold it, else rounded half up;
    so the products shown add up to the sum shown, exactly where they are all exact, else within the halves of the
    last places shown. Each kind, on the reviewer's 4 x 4 gradient and on larger pictures."""
    from fractions import Fraction

    from dsconv.figures.sliding import sliding_figure_spec

    cases = [("gradient", 4, SlidingConfig(mode="depthwise", kernel_size=2)),
             ("gradient", 4, SlidingConfig(mode="standard", kernel_size=2, out_channels=2)),
             ("gradient", 4, SlidingConfig(mode="separable", kernel_size=2, depth_multiplier=2, out_channels=3)),
             ("gradient", 8, SlidingConfig(mode="depthwise", kernel_size=4)),
             ("shape", 8, SlidingConfig(mode="grouped", kernel_size=3, groups=3, out_channels=6)),
             ("gradient", 8, SlidingConfig(mode="standard", kernel_size=5, out_channels=1))]
    checked = exact_sums = 0
    for sample, size, config in cases:
        timeline = build_timeline(build_layer(sample_image(sample, size), config, preset, seed=8), watch=1)
        spec = sliding_figure_spec(timeline)
        for number, products, total, exact in _shown_computations(timeline, spec):
            where = (sample, config.mode, config.kernel_size, number + 1, products, total)
            assert all(_read_as_promised(text, q) for text, q in zip(products, exact)), where
            assert _read_as_promised(total, sum(exact)), where
            # what the rounding shown can leave: half of each rounded number's last place
            slack = sum(Fraction(1, 2 * 10 ** len(text.partition(".")[2])) for text, q in zip(products, exact)
                        if (q * 100).denominator > 1)
            slack += Fraction(1, 2 * 10 ** len(total.partition(".")[2])) if (sum(exact) * 100).denominator > 1 else 0
            assert abs(sum(Fraction(text) for text in products) - Fraction(total)) <= slack, where
            checked += 1
            exact_sums += slack == 0
    assert checked > 100 and exact_sums > 0


@pytest.mark.parametrize("sample", ["shape", "gradient", "checkerboard"])
def test_each_product_shown_is_its_window_times_its_weight_as_shown(sample):
    """A separable box blur's 1x1 step read "173 × 1/3 = 57.8": its window's 173.44 was written without the decimal
    its product was worked with (173 / 3 is 57.7). Every product shown is the window value shown times the weight
    shown, to the product's last place, in fractions, by hand."""
    from fractions import Fraction

    from dsconv.figures.sliding import sliding_figure_spec

    def read(text: str) -> Fraction:
        top, _, bottom = text.replace("−", "-").partition("/")
        return Fraction(top) / Fraction(bottom or 1)

    layer = build_layer(sample_image(sample, 8), SlidingConfig(mode="separable", kernel_size=3, out_channels=4),
                        "box_blur")
    timeline = build_timeline(layer)
    spec = sliding_figure_spec(timeline)
    checked = 0
    for number, frame in enumerate(timeline.frames):
        texts = spec["frames"][number]["data"][frame.stage]["text"]
        cells = layer.stages[frame.stage].filters[0].shape[0] ** 2
        at = 0
        while at + 3 < len(texts):
            if texts[at + 1:at + 3] != ["×", "="]:
                at += 1
                continue
            windows, weights, products = (texts[at + 3 + i * cells:at + 3 + (i + 1) * cells] for i in range(3))
            for window, weight, product in zip(windows, weights, products):
                places = len(product.partition(".")[2])
                assert abs(read(window) * read(weight) - Fraction(product)) <= Fraction(1, 2 * 10**places), \
                    (sample, number + 1, window, weight, product)
                checked += 1
            at += 3 + 3 * cells
    assert checked > 1000


def test_the_reviewers_box_blur_frames_add_up():
    """Sliding_kernels?sl_mode=depthwise&sl_k=2&sl_preset=box_blur&sl_sample=gradient&sl_size=4, step 5: R read
    "85 × 0.25 = 21.2" and 21.2, 42.5, 21.2, 42.5 beside "Σ = 127.5"; B's 42.5, 32, 32, 21.25 (127.75 by hand)
    beside "Σ = 128"."""
    from dsconv.figures.sliding import sliding_figure_spec

    timeline = build_timeline(build_layer(sample_image("gradient", 4), SlidingConfig(mode="depthwise", kernel_size=2),
                                          "box_blur"))
    texts = sliding_figure_spec(timeline)["frames"][4]["data"][0]["text"]
    red, blue = texts[:16], texts[32:48]
    assert red[3:7] == ["85", "170", "85", "170"] and red[11:15] == ["21.25", "42.5", "21.25", "42.5"], red
    assert red[15].startswith("Σ = <b>127.5</b>")  # 21.25 + 42.5 + 21.25 + 42.5
    assert blue[3:7] == ["170", "128", "128", "85"] and blue[11:15] == ["42.5", "32", "32", "21.25"], blue
    assert blue[15].startswith("Σ = <b>127.75</b>")  # 42.5 + 32 + 32 + 21.25
    # a sum of 1,000 or more that ends in .5: 5 x 5 x 3 random weights on the gradient, seed 8, step 7 (by the
    # products' fractions: -1250.5)
    timeline = build_timeline(build_layer(sample_image("gradient", 8), SlidingConfig(kernel_size=5, out_channels=1),
                                          "random", seed=8))
    total = sliding_figure_spec(timeline)["frames"][6]["data"][0]["text"][-1]
    assert total.startswith("Σ of the 75 products = <b>-1250.5</b>"), total


def test_the_standard_convolutions_share_of_work_is_said_exactly():
    """A separable layer into 3 outputs, 8 x 8 x 3 picture, k = 3: step 41 of 72 said "1,660 of its 2,916", rounded
    down (2,916 x 41/72 = 1,660.5), and step 1 "40" (40.5). By hand: 6 x 6 positions x 27 weights x 3 filters =
    2,916, and the 72 steps are 36 depthwise and 36 pointwise positions."""
    from fractions import Fraction

    from dsconv.figures.sliding import sliding_figure_spec

    layer = build_layer(sample_image("shape", 8), SlidingConfig(mode="separable", out_channels=3), "box_blur")
    timeline = build_timeline(layer)
    assert [frame.standard_multiply_adds for frame in timeline.frames] == [Fraction(2916 * n, 72) for n in range(1, 73)]
    spec = sliding_figure_spec(timeline)
    said = {n: re.sub(r"<[^>]+>", "", " ".join(spec["frames"][n - 1]["data"][-1]["text"])) for n in (1, 41, 72)}
    assert "1/72 of the way through: 40.5 of its 2,916" in said[1], said[1]
    assert "41/72 of the way through: 1,660.5 of its 2,916" in said[41], said[41]
    assert "72/72 of the way through: 2,916 of its 2,916" in said[72], said[72]


@pytest.mark.parametrize("mode, settings", [("depthwise", dict(depth_multiplier=2)),
                                            ("separable", dict(depth_multiplier=3)),
                                            ("standard", dict(out_channels=8)),
                                            ("grouped", dict(groups=3, out_channels=6))])
def test_at_1x1_the_weight_rules_turn_nothing_as_the_list_says(mode, settings):
    """?sl_mode=separable&sl_k=1&sl_dm=3: the rule said "its 3 kernel copies: copy 1 as it is, copy 2 turned 90°,
    copy 3 turned 180°" over a list that says each copy is "again (a single weight has nothing to turn)". A 1 x 1
    kernel turned is itself (np.rot90 of a single weight), so the rule says the copies and repeats are that weight."""
    from dsconv.sliding.engine import weight_rules

    config = SlidingConfig(mode=mode, kernel_size=1, **settings)
    for preset in ("identity", "sobel", "box_blur", "sharpen"):
        layer = build_layer(sample_image("shape", 8), config, preset)
        kernels = layer.stages[0].filters
        assert all(np.array_equal(np.rot90(kernel), kernel) for kernel in kernels)  # nothing to turn, by hand
        rules = " ".join(weight_rules(config, 3, preset))
        notes = [note for stage in layer.notes for note in stage]
        assert any("a single weight has nothing to turn" in note for note in notes), notes  # the list says so
        assert "a single weight has nothing to turn" in rules, rules
        assert not re.search(r"turned \d+°|turns (the pattern )?by 90°", rules), rules
    if mode == "separable":
        assert weight_rules(config, 3, "identity")[0] == ("Every channel gets the same single weight; its 3 kernel "
                                                          "copies are that weight again: a single weight has nothing "
                                                          "to turn.")
    # at 3 x 3 the copies still turn, as the list says
    turned = " ".join(weight_rules(SlidingConfig(mode=mode, kernel_size=3, **settings), 3, "sobel"))
    assert "nothing to turn" not in turned and re.search(r"turned 90°|turns (the pattern )?by 90°", turned), turned


def test_the_3d_views_input_slabs_are_named_in_the_order_they_stand():
    """The 3-D view told its red and green input slabs apart by tint alone (6.9 CIEDE2000 apart under deuteranopia),
    with nothing naming them. The camera looks along +y, and each channel's slab stands at its own y: the nearest
    (smallest y) is in front."""
    from dsconv.figures.volume import volume_figure_spec

    timeline = build_timeline(build_layer(sample_image("shape", 5), SlidingConfig(mode="separable"), "sharpen"), 1)
    spec = volume_figure_spec(timeline)
    scene = spec["layout"]["scene"]
    assert scene["camera"]["eye"]["y"] < 0  # the viewer stands at negative y
    first_pixel = spec["data"][0]["y"][:3]  # the first pixel's R, G and B cells, in the order the picture holds them
    assert first_pixel[0] < first_pixel[1] < first_pixel[2]  # R nearest the viewer, B farthest
    title = next(note["text"] for note in scene["annotations"] if note["text"].startswith("<b>Input"))
    assert title.endswith("<br>R in front, then G, B"), title


@pytest.mark.parametrize("mode", ["standard", "separable"])
def test_the_3d_view_on_a_phone_breaks_its_title_and_zooms_out_to_fit(mode):
    """At 356 px (a 390 px phone) the 3-D view's title ran past the figure's edge ("... all 4 output channels get a
    value at") and its boxes and their names were cut at both sides: the title breaks into lines that fit, the top
    margin holds them, and the scene zooms out with the width; a page-wide figure is drawn as before."""
    from dsconv.figures.style import text_em
    from dsconv.figures.volume import volume_figure_spec

    timeline = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(mode=mode), "sobel"))
    wide, phone = volume_figure_spec(timeline, 1.0, 900.0), volume_figure_spec(timeline, 1.0, 356.0)
    for frame in phone["frames"]:
        lines = frame["layout"]["title"]["text"].split("<br>")
        assert all(text_em("<b>" + line.replace("<b>", "").replace("</b>", "") + "</b>") * 15 <= 356 - 8
                   for line in lines), lines
        assert (len(lines) * 1.3 + 1) * 15 <= phone["layout"]["margin"]["t"]
    assert all(frame["layout"]["title"]["text"].count("<br>") == 1 for frame in wide["frames"])  # as written
    zoom = {name: spec["layout"]["scene"]["aspectratio"]["x"] for name, spec in (("wide", wide), ("phone", phone))}
    assert zoom["wide"] == pytest.approx(2.6) and zoom["phone"] == pytest.approx(2.6 * (356 - 16) / 560)
    assert phone["data"][0]["marker"]["size"] < wide["data"][0]["marker"]["size"]
    # the output boxes' names on two lines when zoomed out: "Depthwise output 6×6×3" ran across the next box
    def names(spec):
        return [note["text"] for note in spec["layout"]["scene"]["annotations"] if "output" in note["text"].lower()]
    assert all("<br>" in name for name in names(phone)) and not any("<br>" in name for name in names(wide))


# --- Maps drawn white or on a much finer scale ------------------------------------------------------------------

@pytest.mark.parametrize("preset, copies, cancelled", [
    ("box_blur", 2, (1, 3)), ("box_blur", 3, (1, 2)), ("identity", 2, (1, 3)), ("sobel", 2, ()), ("random", 2, ()),
    ("box_blur", 1, ())])
def test_outputs_whose_weights_cancel_are_0_on_any_picture(preset, copies, cancelled):
    """With a symmetric preset and depth multiplier 2, Outputs 2 and 4 of a separable layer were drawn white with
    nothing said. The outputs said to cancel are 0 on random pictures, and every other output is not."""
    from dsconv.sliding.engine import cancelled_outputs

    config = SlidingConfig(mode="separable", depth_multiplier=copies, out_channels=4)
    layer = build_layer(sample_image("shape", 8), config, preset)
    said, equal_pairs = cancelled_outputs(layer)
    assert said == cancelled and equal_pairs == bool(cancelled)
    rng = np.random.default_rng(7)
    for _ in range(3):
        output = run_layer(rng.uniform(0, 255, (8, 8, 3)), config, layer_weights(config, 3, preset, 0)).output
        peaks = np.abs(output).max(axis=(0, 1))
        assert [n for n in range(4) if peaks[n] == 0] == list(cancelled), peaks


def test_maps_that_are_0_or_nearly_0_on_this_picture_are_found():
    from dsconv.sliding.engine import faint_maps

    output = np.zeros((3, 3, 4))
    output[1, 1, 0], output[0, 2, 1], output[2, 2, 3] = 292.0, -2.92, 2.93  # 1 % of the top, and just over it
    assert faint_maps(output) == ((2,), (1,))
    assert faint_maps(np.zeros((3, 3, 2))) == ((), ())  # nothing to compare with: the weights' note says why


def test_the_faint_maps_note_names_the_maps_as_the_figure_does():
    """On the gradient, Sobel with depth multiplier 2: Output 1 reaches 0.33 against Output 2's 292, yet each map is
    coloured on its own scale, so it was drawn in full colour; Output 3 and two depthwise maps were white."""
    from dsconv.figures import faint_maps_note, same_copies_note

    layer = build_layer(sample_image("gradient", 8), SlidingConfig(mode="separable", depth_multiplier=2), "sobel")
    peaks = np.abs(layer.output).max(axis=(0, 1))
    hidden = np.abs(layer.stages[0].output).max(axis=(0, 1))
    assert peaks[2] == 0 and 0 < peaks[0] < 0.01 * peaks[1] and list(np.flatnonzero(hidden == 0)) == [1, 2]
    note = faint_maps_note(layer)
    assert note == ("The depthwise maps from R, kernel 2 and from G, kernel 1 are 0 everywhere on this picture, so "
                    "they are drawn white. Output 3 is 0 everywhere on this picture, so it is drawn white. Output 1 is "
                    f"nearly 0 everywhere on this picture (at most {peaks[0]:.2f}, where Output 2 reaches "
                    f"{peaks[1]:.0f}): each map is coloured on its own scale, so its colours show differences too "
                    "small to see in the others.")
    box = build_layer(sample_image("shape", 8), SlidingConfig(mode="separable", depth_multiplier=2), "box_blur")
    assert faint_maps_note(box) == (
        "Output 2 and Output 4 are 0 on every picture, so they are drawn white. Each adds one of a channel's "
        "depthwise maps and subtracts the same map drawn again.")
    assert same_copies_note(box, "box_blur").startswith("The depthwise maps from R, kernel 1 and from R, kernel 2 are "
                                                         "the same map, drawn twice")  # said there, why
    assert faint_maps_note(build_layer(sample_image("shape", 8), SlidingConfig(), "sobel")) == ""


@pytest.mark.parametrize("mode", ["depthwise", "separable"])
def test_a_channels_copies_that_draw_one_map_are_said(mode):
    """Box blur with depth multiplier 2 drew "from R, kernel 1" and "from R, kernel 2" as one picture without a word
    (copy 2 is the pattern turned 90°, and this pattern, or any 1 x 1 one, does not change). tf.nn's depthwise
    convolution, with the layer's weights, makes the maps the note calls the same equal, and the others differ."""
    tf = pytest.importorskip("tensorflow")
    from dsconv.figures import same_copies_note

    kind = "depthwise maps" if mode == "separable" else "maps"
    image = np.random.default_rng(3).uniform(0, 255, (8, 8, 3))
    for size, copies, why in [(1, 2, "at 1 x 1 the preset is a single weight, and a single weight has nothing to "
                                     "turn"),
                              (3, 3, "each copy is the preset's pattern turned 90° from the one before, and this "
                                     "pattern looks the same turned")]:
        config = SlidingConfig(mode=mode, kernel_size=size, depth_multiplier=copies)
        kernel = layer_weights(config, 3, "box_blur", 0)["depthwise"]
        maps = tf.nn.depthwise_conv2d(image[None], kernel, [1, 1, 1, 1], "VALID").numpy()[0]
        for channel in range(3):
            first = maps[..., channel * copies]
            assert all(np.array_equal(first, maps[..., channel * copies + j]) for j in range(copies))
        assert not np.array_equal(maps[..., 0], maps[..., copies])  # R's map is not G's
        names = " and ".join(f"from R, kernel {j + 1}" for j in range(copies)) if copies == 2 else \
            "from R, kernel 1, from R, kernel 2 and from R, kernel 3"
        times = "twice" if copies == 2 else "three times"
        assert same_copies_note(build_layer(image, config, "box_blur"), "box_blur") == (
            f"The {kind} {names} are the same map, drawn {times} (and likewise for G and B): each channel's kernel "
            f"copies are equal, since {why}.")
    # Sobel's copies differ at 3 x 3 (its maps too, by tf.nn), and at 1 x 1 are all 0: the page says so already
    sobel = SlidingConfig(mode=mode, depth_multiplier=2)
    maps = tf.nn.depthwise_conv2d(image[None], layer_weights(sobel, 3, "sobel", 0)["depthwise"], [1, 1, 1, 1],
                                  "VALID").numpy()[0]
    assert not np.array_equal(maps[..., 0], maps[..., 1])
    assert same_copies_note(build_layer(image, sobel, "sobel"), "sobel") == ""
    assert same_copies_note(build_layer(image, SlidingConfig(mode=mode, kernel_size=1, depth_multiplier=2), "sobel"),
                            "sobel") == ""
    assert same_copies_note(build_layer(image, SlidingConfig(mode=mode, depth_multiplier=1), "box_blur"),
                            "box_blur") == ""


def test_random_copies_that_happen_to_be_equal_are_said_per_channel():
    """At 1 x 1, random weights (one decimal, -1 to 1) can repeat within a channel: seed 5 with three copies gives R's
    copies 1 and 2 and B's copies 2 and 3 one weight each, so those maps are one map drawn twice."""
    from dsconv.figures import same_copies_note

    config = SlidingConfig(mode="depthwise", kernel_size=1, depth_multiplier=3)
    kernel = layer_weights(config, 3, "random", 5)["depthwise"][0, 0]  # (channels, copies)
    assert kernel[0, 0] == kernel[0, 1] and kernel[2, 1] == kernel[2, 2] and len(set(kernel[1])) == 3
    layer = build_layer(np.random.default_rng(3).uniform(0, 255, (8, 8, 3)), config, "random", 5)
    assert same_copies_note(layer, "random") == (
        "The maps from R, kernel 1 and from R, kernel 2 are the same map, drawn twice, as are the maps from B, "
        "kernel 2 and from B, kernel 3: the kernel copies behind them are equal, since their random weights happen "
        "to be equal.")


@pytest.mark.parametrize("size", [4, 8, 10, 12, 14, 16])
@pytest.mark.parametrize("scale, width", [(1.0, 900), (1.25, 1018), (1.0, 390)])
def test_a_maps_cells_are_parted_by_one_even_gap_or_none(size, scale, width):
    """A map's cells, as drawn: the white gap between two neighbours is the same across every row and column, 2 px
    where cells are at least MIN_GAPPED_CELL_PX and none under it. Each side was inset by a fraction of a pixel and
    then rounded: a 12 x 12 map's gaps came out 1 px in some columns and 0 in others, and a disc was drawn striped."""
    from dsconv.figures.sliding import MIN_GAPPED_CELL_PX, _map_shapes, plan

    timeline = build_timeline(build_layer(sample_image("shape", size), SlidingConfig(mode="separable"), "sobel"))
    layout = plan(timeline, scale, 3, width)
    tile = layout.maps[0].tiles[0]  # the picture's red channel
    corners = [tuple(int(v) for v in found) for shape in _map_shapes(layout, timeline)
               for found in re.findall(r"M(-?\d+),(-?\d+)H(-?\d+)V(-?\d+)H-?\d+Z", shape["path"])]
    right_end, bottom_end = tile.x0 + tile.cols * tile.cell, tile.y0 + tile.rows * tile.cell
    inside = [(left, top, right, bottom) for left, top, right, bottom in corners
              if tile.x0 - 1 <= left < right_end and tile.y0 - 1 <= top < bottom_end]
    assert len(inside) == size * size
    columns = sorted({(left, right) for left, _, right, _ in inside})
    rows = sorted({(top, bottom) for _, top, _, bottom in inside})
    assert len(columns) == len(rows) == size
    gaps = {after[0] - before[1] for line in (columns, rows) for before, after in zip(line, line[1:])}
    assert gaps == ({2} if layout.map_cell >= MIN_GAPPED_CELL_PX else {0}), (layout.map_cell, gaps)


def test_wrapped_maps_share_their_rows_evenly():
    """Six maps where five fit in a row stood 5 + 1 (a grouped layer's in projector mode); now 3 + 3, in as many rows
    as before; seven where five fit, 4 + 3."""
    from dsconv.figures.sliding_layout import place_maps

    def rows_of(count: int, fits: int) -> list[int]:
        cell, gap = 10.0, 10.0  # a 6-column map is 60 px, 70 px with its gap
        groups, _ = place_maps([("Output maps", [f"F{n}" for n in range(count)], 6, 6, 0.0)], 0, 0,
                               fits * 70 - gap, cell, 1.0)
        tops = [tile.y0 for tile in groups[0].tiles]
        return [tops.count(top) for top in sorted(set(tops))]

    assert rows_of(6, 5) == [3, 3]
    assert rows_of(7, 5) == [4, 3]
    assert rows_of(5, 5) == [5] and rows_of(10, 5) == [5, 5] and rows_of(3, 1) == [1, 1, 1]


def test_the_gradient_sample_is_said_channel_by_channel():
    """Its note named red and green only: with Sobel, the blue maps were not 0, and nothing said why."""
    from dsconv.sliding.samples import SAMPLE_NOTES

    picture = sample_image("gradient", 8).astype(int)
    red, green, blue = (picture[..., c] for c in range(3))
    assert (np.diff(red, axis=1) > 0).all() and (np.diff(green, axis=0) > 0).all()
    assert blue[0, 0] == blue.max() and (np.diff(blue, axis=0) < 0).all() and (np.diff(blue, axis=1) < 0).all()
    assert SAMPLE_NOTES["gradient"] == "red grows to the right, green downwards, blue fades from the top left corner"


def test_a_single_weight_is_not_said_to_turn():
    from dsconv.sliding.kernels import depthwise_descriptions

    assert depthwise_descriptions("identity", 3, 1)[1] == ("the weight 1 (the Identity preset at 1 x 1) again (a "
                                                          "single weight has nothing to turn)")


def test_maps_that_are_negative_multiples_are_said_to_swap_colours():
    """Separable, m = 3, three outputs, Sobel on the gradient: Output 1 is violet and Outputs 2 and 3 orange, under
    "they look alike"."""
    from dsconv.sliding.engine import alike_note

    layer = build_layer(sample_image("gradient", 8), SlidingConfig(mode="separable", depth_multiplier=3,
                                                                   out_channels=3), "sobel")
    maps = layer.output.reshape(-1, 3).T
    assert [float(np.sign(maps[n] @ maps[0])) for n in range(3)] == [1.0, -1.0, -1.0]
    note = alike_note(layer, "sobel")
    assert ("so they show one picture, 2 of them in swapped colours, violet for orange (negative multiples of the "
            "first)") in note and "look alike" not in note
    same = alike_note(build_layer(sample_image("shape", 8), SlidingConfig(), "sobel"), "sobel")
    assert "so they look alike" in same and "swapped" not in same


def test_identical_maps_are_not_said_to_differ_in_their_numbers():
    """A grey upload (red = green = blue) in Depthwise mode, with one preset kernel for every channel, gives three maps
    equal number for number, under "so they look alike, but their numbers differ (hover over or tap a map)": the
    hover showed the same numbers."""
    from dsconv.sliding.engine import alike_note

    grey = np.add.outer(np.arange(8) * 20, np.arange(8) * 7).astype(np.uint8)
    for preset in ("sobel", "box_blur", "identity", "sharpen"):
        layer = build_layer(np.dstack([grey, grey, grey]), SlidingConfig(mode="depthwise"), preset)
        assert np.array_equal(layer.output[..., 0], layer.output[..., 1])  # the reference: the same numbers
        assert np.array_equal(layer.output[..., 0], layer.output[..., 2])
        note = alike_note(layer, preset)
        assert note.startswith("On this picture the 3 output maps are identical, number for number; the picture's "
                               "red, green and blue are equal (a grey picture). "), note
        assert "differ (hover" not in note and note.endswith("With the Random preset they differ.")
    # multiples that are not equal still say so: the shape sample's four Sobel maps, and its one grey channel
    shape = build_layer(sample_image("shape", 8), SlidingConfig(mode="standard", out_channels=4), "sobel")
    assert not np.allclose(shape.output[..., 0], shape.output[..., 1])
    assert "but their numbers differ (hover over or tap a map)" in alike_note(shape, "sobel")


def test_a_map_shows_its_values_on_hover_only_once_it_is_computed():
    """A cover hid the cells not computed yet, while hovering one showed its value ahead of the animation ("Filter 1,
    row 5, column 1: 340" at step 9 of 36). Every frame says, map by map, whether the whole map is computed."""
    from dsconv.figures.sliding import HOVER_DONE, HOVER_LATER, sliding_figure_spec

    timeline = build_timeline(build_layer(sample_image("shape", 8), SlidingConfig(mode="separable"), "sobel"))
    spec = sliding_figure_spec(timeline)
    assert spec["data"][0]["hovertemplate"] == HOVER_DONE  # the picture's values are there from the start
    assert [trace["hovertemplate"] for trace in spec["data"][1:3]] == [HOVER_LATER, HOVER_LATER]
    assert "340" not in HOVER_LATER and spec["data"][1]["customdata"][0][0] == "from R, row 1, column 1"

    def hovers(frame):  # the depthwise maps' and the outputs' templates in this frame
        return [data["hovertemplate"] for index, data in zip(frame["traces"], frame["data"]) if index in (1, 2)]

    frames = spec["frames"]
    depthwise_done = next(n for n, frame in enumerate(timeline.frames) if frame.stage == 0 and frame.filled == 36)
    assert hovers(frames[depthwise_done - 1]) == [HOVER_LATER, HOVER_LATER]
    assert hovers(frames[depthwise_done]) == [HOVER_DONE, HOVER_LATER]
    assert hovers(frames[-2]) == [HOVER_DONE, HOVER_LATER] and hovers(frames[-1]) == [HOVER_DONE, HOVER_DONE]


# ---- Why every output is 0: one sentence per cause ----------------------------------------------------------------

STRIPES = np.repeat(np.arange(8, dtype=float)[:, None, None] * 30, 8, axis=1).repeat(3, axis=2)  # rows of one value


@pytest.mark.parametrize("image, config, preset, said", [
    # a 1 x 1 Sobel kernel has no neighbours to compare: the depthwise step's weights are all 0
    (STRIPES, SlidingConfig(mode="separable", kernel_size=1), "sobel",
     "Every weight of the depthwise kernels is 0 here (a Sobel edge compares neighbours, and a 1 x 1 kernel has none),"
     " so every output is 0. Pick a larger kernel or another preset."),
    # one colour under kernels that add up to 0
    (np.full((8, 8, 3), 90.0), SlidingConfig(mode="standard"), "sobel",
     "Every output is 0: the picture is one colour, and each kernel's weights add up to 0, so every window they "
     "cover sums to 0. A picture with edges shows what the kernels find."),
    # left-right edge finders on a picture that changes only from top to bottom
    (STRIPES, SlidingConfig(mode="depthwise"), "sobel",
     "Every output is 0 on this picture: at every position the products cancel."),
    # a black picture: every product is 0, whatever the kernels (its blur's maps "cancelled")
    (np.zeros((8, 8, 3)), SlidingConfig(mode="standard"), "box_blur",
     "Every output is 0: every pixel of the picture is 0 (black), so every product is 0. A picture with something in "
     "it shows what the kernels do."),
    (np.zeros((8, 8, 3)), SlidingConfig(mode="separable"), "sobel",
     "Every output is 0: every pixel of the picture is 0 (black), so every product is 0. A picture with something in "
     "it shows what the kernels do."),
    (STRIPES.transpose(1, 0, 2), SlidingConfig(mode="depthwise"), "sobel", None),
    (np.full((8, 8, 3), 90.0), SlidingConfig(mode="standard"), "box_blur", None),
])
def test_zero_note_says_why_every_output_is_zero(image, config, preset, said):
    layer = build_layer(image, config, preset)
    weights_zero = any(not any(np.any(kernel) for kernel in stage.filters) for stage in layer.stages)
    assert (said is None) == bool(np.any(layer.output)), "the cases are chosen by their outputs"
    assert weights_zero == (said is not None and said.startswith("Every weight"))
    assert zero_note(layer, preset) == said


def test_a_preset_offered_as_giving_other_maps_gives_two_maps_that_differ():
    """On a one-colour picture the Random preset's maps are multiples of one another, and the note said "With the
    Identity preset they differ": Identity gives two blank maps there and two alike ones. Blank maps are left out of
    the comparison, and no preset is offered where none gives two that differ."""
    from dsconv.sliding import PRESET_LABELS, PRESETS, alike_note, maps_alike

    grey = np.full((8, 8, 3), 128.0)
    said = alike_note(build_layer(grey, SlidingConfig(), "random"), "random")
    assert said.endswith("Every preset gives maps like these here: another picture, or your own photo, can make them "
                         "differ."), said
    for preset in PRESETS:  # the reason, checked by hand: at most one kind of map that is not blank
        output = build_layer(grey, SlidingConfig(), preset).output
        shown = [n for n in range(output.shape[-1]) if np.any(output[..., n])]
        assert len(shown) < 2 or maps_alike(output[..., shown]), preset
    # on the shape sample another preset's maps do differ, and it is named
    shape = sample_image("shape", 8).astype(float)
    said = alike_note(build_layer(shape, SlidingConfig(), "sobel"), "sobel")
    named = next(label for name, label in PRESET_LABELS.items() if f"With the {label} preset they differ." in said)
    other = build_layer(shape, SlidingConfig(), next(n for n, label in PRESET_LABELS.items() if label == named)).output
    assert np.count_nonzero([np.any(other[..., n]) for n in range(other.shape[-1])]) >= 2 and not maps_alike(other)
