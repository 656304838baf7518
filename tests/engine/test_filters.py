"""Hand-made filters: NumPy depthwise, pointwise and standard convolutions against tf.nn, and their costs against Keras."""

from __future__ import annotations

import numpy as np
import pytest

from dsconv.images.handmade import (
    CUSTOM,
    KERNEL_NOTES,
    KERNELS,
    MIXES,
    FilterError,
    apply_hand_made,
    combined_kernel,
    depthwise_conv,
    depthwise_kernel,
    edited_text,
    filter_costs,
    parse_kernel,
    parse_mix,
    pointwise_conv,
    standard_conv,
)

tf = pytest.importorskip("tensorflow")


def random_case(rng, height, width, channels, side, outputs):
    image = rng.normal(size=(height, width, channels)).astype(np.float32)
    depthwise = rng.normal(size=(side, side, channels)).astype(np.float32)
    mix = rng.normal(size=(channels, outputs)).astype(np.float32)
    return image, depthwise, mix


CASES = [(9, 11, 3, 3, 4), (16, 10, 3, 5, 1), (7, 7, 2, 1, 3), (12, 9, 4, 2, 6), (6, 8, 3, 4, 2), (20, 20, 3, 7, 8)]


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("height,width,channels,side,outputs", CASES)
def test_the_numpy_convolutions_equal_tf_nn(height, width, channels, side, outputs, padding):
    rng = np.random.default_rng(height * 100 + side * 10 + outputs)
    image, depthwise, mix = random_case(rng, height, width, channels, side, outputs)
    batch = image[None]
    expected_dw = tf.nn.depthwise_conv2d(batch, depthwise[:, :, :, None], [1, 1, 1, 1], padding.upper())[0].numpy()
    np.testing.assert_allclose(depthwise_conv(image, depthwise, padding), expected_dw, rtol=1e-4, atol=1e-4)
    expected_pw = tf.nn.conv2d(batch, mix[None, None], 1, "VALID")[0].numpy()
    np.testing.assert_allclose(pointwise_conv(image, mix), expected_pw, rtol=1e-4, atol=1e-4)
    weights = rng.normal(size=(side, side, channels, outputs)).astype(np.float32)
    expected_std = tf.nn.conv2d(batch, weights, 1, padding.upper())[0].numpy()
    np.testing.assert_allclose(standard_conv(image, weights, padding=padding), expected_std, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("height,width,channels,side,outputs", CASES)
def test_depthwise_then_pointwise_equals_one_standard_convolution(height, width, channels, side, outputs):
    rng = np.random.default_rng(side + outputs)
    image, depthwise, mix = random_case(rng, height, width, channels, side, outputs)
    result = apply_hand_made(image, depthwise, mix)
    # The reference: TensorFlow's own separable convolution, and tf.nn.conv2d with the combined kernel.
    separable = tf.nn.separable_conv2d(image[None], depthwise[:, :, :, None], mix[None, None], [1, 1, 1, 1], "SAME")
    np.testing.assert_allclose(result.mixed, separable[0].numpy(), rtol=1e-4, atol=1e-4)
    one_conv = tf.nn.conv2d(image[None], result.combined, 1, "SAME")[0].numpy()
    np.testing.assert_allclose(result.standard, one_conv, rtol=1e-4, atol=1e-4)
    assert result.max_difference < 1e-4


def test_the_combined_kernel_is_the_product_of_the_two():
    depthwise = np.arange(18, dtype=np.float32).reshape(3, 3, 2)
    mix = np.array([[2.0, -1.0, 0.5], [3.0, 0.0, 1.0]], np.float32)
    combined = combined_kernel(depthwise, mix)
    assert combined.shape == (3, 3, 2, 3)
    assert combined[1, 2, 1, 0] == depthwise[1, 2, 1] * 3.0  # W[i,j,c,n] = D[i,j,c] * P[c,n]
    assert combined[0, 0, 0, 2] == depthwise[0, 0, 0] * 0.5


def test_counts_match_keras_layers_without_bias():
    keras = pytest.importorskip("keras")
    separable, standard = filter_costs(64, 48, 3, 3, 4)
    sep_layer = keras.layers.SeparableConv2D(4, 3, padding="same", use_bias=False)
    sep_layer.build((None, 64, 48, 3))
    std_layer = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)
    std_layer.build((None, 64, 48, 3))
    assert separable.params == sep_layer.count_params() == 27 + 12
    assert standard.params == std_layer.count_params() == 108
    assert [stage.params for stage in separable.stages] == [27, 12]


def test_one_output_channel_makes_the_separable_way_larger():
    separable, standard = filter_costs(32, 32, 3, 3, 1)
    assert (separable.params, standard.params) == (30, 27)  # 27 + 3 against 27: no saving with N = 1


def test_sobel_x_finds_a_vertical_edge_and_blur_keeps_flat_areas():
    image = np.zeros((8, 8, 3), np.float32)
    image[:, 4:] = 1.0  # dark left half, bright right half: a vertical edge
    edges = depthwise_conv(image, depthwise_kernel([KERNELS["Sobel x"]] * 3))
    assert edges[4, 3, 0] == 4.0 and edges[4, 4, 0] == 4.0  # 1 + 2 + 1 across the edge
    assert edges[4, 1, 0] == 0.0 and edges[4, 6, 0] == 0.0  # flat areas give zero
    assert np.all(depthwise_conv(image, depthwise_kernel([KERNELS["Sobel y"]] * 3))[1:-1] == 0)
    blurred = depthwise_conv(image, depthwise_kernel([KERNELS["Blur"]] * 3))
    assert blurred[4, 6, 1] == pytest.approx(1.0) and blurred[4, 1, 1] == 0.0
    same = depthwise_conv(image, depthwise_kernel([KERNELS["Identity"]] * 3))
    np.testing.assert_array_equal(same, image)


def test_every_kernel_has_a_note_and_sums_as_expected():
    assert set(KERNELS) | {CUSTOM} == set(KERNEL_NOTES)
    sums = {name: float(kernel.sum()) for name, kernel in KERNELS.items()}
    assert sums["Blur"] == pytest.approx(1.0) and sums["Sharpen"] == 1.0 and sums["Identity"] == 1.0
    assert sums["Sobel x"] == sums["Sobel y"] == sums["Laplacian"] == 0.0


def test_mixes_have_a_name_per_output():
    for name, (mix, outputs) in MIXES.items():
        assert mix.shape == (3, len(outputs)), name
    grey = pointwise_conv(np.ones((2, 2, 3), np.float32), MIXES["Grey (luma)"][0])
    np.testing.assert_allclose(grey, 1.0, rtol=1e-6)  # luma weights sum to one
    opponent = pointwise_conv(np.full((1, 1, 3), 0.7, np.float32), MIXES["Opponent colours"][0])
    np.testing.assert_allclose(opponent[0, 0], [0.7, 0.0, 0.0], atol=1e-6)  # grey has no colour contrast


def test_parse_kernel_and_mix():
    kernel = parse_kernel("1 2 1; 0 0 0\n-1 -2 -1")
    np.testing.assert_array_equal(kernel, -KERNELS["Sobel y"])
    mix = parse_mix("0.5, 0.5, 0; 0 0 1")
    assert mix.shape == (3, 2) and mix[1, 0] == 0.5 and mix[2, 1] == 1.0


def test_a_grid_edit_rewrites_only_the_cells_it_changed():
    """A grid edit rewrote every number with "%g": 0.1234567891 typed (or set in the grid) became 0.123457."""
    text = "0.1234567891 1.50, 2; 0 −1 0; 1e-3 0 7"
    before = parse_kernel(text)
    after = before.astype(np.float64)
    assert edited_text(text, before, after) == "0.1234567891 1.50 2; 0 −1 0; 1e-3 0 7"  # nothing changed: as typed
    after[1, 1], after[2, 2] = 0.9876543219, 100.0
    edited = edited_text(text, before, after)
    assert edited == "0.1234567891 1.50 2; 0 0.9876543219 0; 1e-3 0 100"
    np.testing.assert_array_equal(parse_kernel(edited), np.float32(after))
    # a zero-width space between two numbers (pasted from a web page) is no item to either: it raised IndexError
    pasted = "1 \u200b 0; 0 1"
    before = parse_kernel(pasted)
    after = before.astype(np.float64)
    after[1, 1] = 5.0
    assert edited_text(pasted, before, after) == "1 0; 0 5"


@pytest.mark.parametrize("text,message", [("", "empty"), ("1 2; 3", "square"), ("1 x 3; 1 1 1; 1 1 1", "not a number"),
                                          ("; ".join(["1 " * 8] * 8), "at most 7"), ("inf 0; 0 0", "infinite"),
                                          # 1e308 gave "Infinity" cells, black maps and "differ by at most nan"
                                          ("1e308 0; 0 0", "from -100 to 100"), ("1 1e30; 0 0", "from -100 to 100"),
                                          # past a float: "an infinite or missing number" was said of them
                                          ("1e400 0; 0 0", "too large"), ("-1e999 1; 1 1", "too large"),
                                          (("9" * 400) + " 0; 0 0", "too large"), ("nan 0; 0 0", "infinite or missing"),
                                          ("-Infinity 0; 0 0", "infinite"),
                                          # 1e-300 became 0 without a word
                                          ("1 1e-300; 0 0", "1e-300 in the row '1 1e-300': too small"),
                                          ("1 -1e-39; 0 0", "Type 0, or a weight of at least 1.2e-38 in size")])
def test_bad_kernels_get_a_sentence(text, message):
    with pytest.raises(FilterError, match=message):
        parse_kernel(text)


@pytest.mark.parametrize("text, says", [
    ("1 1 1 1 1 1 1 1 1", "a 3 x 3 kernel typed on one line: separate its rows with ';', like 1 1 1; 1 1 1; 1 1 1"),
    (" ".join(["1"] * 25), "a 5 x 5 kernel typed on one line"),
    (" ".join(["1"] * 64), "one row of 64 numbers: a kernel is square, k rows of k numbers (at most 7 x 7)"),
    ("1 2 3", "one row of 3 numbers: a kernel is square"),
    ("1 2; 3", "it has 2 rows, but row 2 has 1 number. Give each of the 2 rows 2 numbers"),
    ("1 2 3; 4 5 6", "it has 2 rows, but row 1 has 3 numbers. Give each of the 2 rows 2 numbers"),
])
def test_a_kernel_of_the_wrong_shape_is_told_what_to_type(text, says):
    """64 numbers and no ';' were told "it has 1 rows ... Give each row 1 numbers": a 1 x 1 kernel, which is not
    what the student meant, in broken grammar."""
    with pytest.raises(FilterError) as refused:
        parse_kernel(text)
    assert says in str(refused.value)
    assert "1 rows" not in str(refused.value) and "1 numbers" not in str(refused.value)


def test_bad_mixes_and_kernel_sizes_get_a_sentence():
    with pytest.raises(FilterError, match="needs 3"):
        parse_mix("1 1; 0 1 0")
    with pytest.raises(FilterError, match="Row 1 of the mix has 1 weight; each output channel needs 3"):
        parse_mix("1")  # not "1 weights"
    with pytest.raises(FilterError, match="same size"):
        depthwise_kernel([KERNELS["Blur"], np.ones((5, 5), np.float32), KERNELS["Blur"]])
    with pytest.raises(FilterError, match="does not fit"):
        depthwise_conv(np.zeros((2, 2, 3), np.float32), np.zeros((3, 3, 3), np.float32), "valid")


# --- the pictures of the filters page --------------------------------------------------------------


def test_grey_maps_put_zero_at_mid_grey_when_signed():
    from dsconv.figures.filters import is_signed, map_to_grey

    edges = np.tile(np.array([-0.5, 0.0, 0.5], np.float32), 100)
    assert is_signed(edges)
    overshoot = np.full(1000, 0.6, np.float32)
    overshoot[:3] = -0.1  # a sharpened photo: a few pixels below zero at edges
    assert not is_signed(overshoot)
    assert map_to_grey(overshoot[None])[0, :4].tolist() == [0, 0, 0, 153]  # clipped to black, 0.6 stays 0.6

    signed = np.array([[-2.0, 0.0, 2.0]], np.float32)
    assert map_to_grey(signed).tolist() == [[0, 128, 255]]
    picture = np.array([[0.0, 0.5, 1.0]], np.float32)  # a 0..1 picture keeps its brightness
    assert map_to_grey(picture).tolist() == [[0, 128, 255]]


def test_feature_mosaic_places_each_chosen_map_scaled_to_its_maximum():
    from dsconv.figures.filters import feature_mosaic

    maps = np.zeros((2, 3, 4), np.float32)
    maps[..., 1] = 4.0
    maps[0, 0, 3] = 2.0
    maps[1, 2, 3] = 1.0
    mosaic, labels = feature_mosaic(maps, [3, 1], columns=2, gap=1)
    assert mosaic.shape == (2, 7)
    np.testing.assert_allclose(mosaic[:, :3], [[1.0, 0, 0], [0, 0, 0.5]])  # channel 3, divided by 2
    assert np.isnan(mosaic[:, 3]).all() and (labels[:, 3] == -1).all()
    np.testing.assert_allclose(mosaic[:, 4:], 1.0)  # channel 1, divided by 4
    assert (labels[:, :3] == 3).all() and (labels[:, 4:] == 1).all()


def test_rgb_kernel_tiles_stretch_each_kernel_on_its_own():
    from dsconv.figures.filters import rgb_kernel_mosaic

    kernels = np.zeros((1, 1, 3, 2), np.float32)
    kernels[0, 0, :, 0] = (-1.0, 0.0, 1.0)  # low red, mid green, high blue
    kernels[0, 0, :, 1] = (5.0, 5.0, 5.0)  # flat: mid-grey
    mosaic = rgb_kernel_mosaic(kernels, columns=2, zoom=2, gap=1)
    assert mosaic.shape == (4, 7, 3)
    assert mosaic[1, 1].tolist() == [0, 128, 255] and mosaic[1, 4].tolist() == [128, 128, 128]


def cell_px(figure, width_px: float, side: int) -> float:
    """A kernel's square cell as the figure draws it: its panel's width or its plotting height, the smaller, over
    the side (the page's figure is width_px wide, with 10 px margins left and right)."""
    panel = (width_px - 20) * (figure.layout.xaxis.domain[1] - figure.layout.xaxis.domain[0])
    margin = figure.layout.margin
    return min(panel, figure.layout.height - margin.t - margin.b) / side


@pytest.mark.parametrize("scale, width_px", [(1.0, 900), (1.35, 1018)])
def test_a_seven_by_seven_kernel_writes_its_numbers_across_the_page(scale, width_px):
    """A typed 7 x 7 kernel's slices of W (x the luma mix: 0.299, -0.598, 0.114) across the whole page were left to
    the hover, at 1400 x 1000 and in projector mode: the figure kept its 240 px height, which gave 7 rows 27 px cells.
    It now grows taller for its numbers, which are written where they fit, at 10 px x the scale or more."""
    from font_reference import text_px

    from dsconv.figures.filters import kernel_figure

    rng = np.random.default_rng(7)
    kernels = [rng.choice([-2.0, -1.0, 0.0, 1.0, 2.0], (7, 7)).astype(np.float32) * weight
               for weight in (0.299, 0.587, 0.114)]
    figure = kernel_figure(kernels, ["red", "green", "blue"], scale, decimals=4, width_px=width_px)
    cell = cell_px(figure, width_px, 7)
    assert "-0.598" in [text for row in figure.data[0].text for text in row]
    for trace in figure.data:
        font = trace.textfont.size
        assert trace.texttemplate == "%{text}" and font >= 10 * scale
        assert max(text_px(t, font) for row in trace.text for t in row) <= cell - 2  # 2 px gaps between cells
    assert figure.layout.height <= (800 if scale > 1 else 1000) / 2  # under half the screen


@pytest.mark.parametrize("side, scale, width_px, written", [(3, 1.0, 340, True), (5, 1.0, 340, False),
                                                           (5, 1.35, 460, False), (5, 1.0, 900, True),
                                                           (7, 1.0, 900, True)])
def test_kernel_numbers_are_written_only_where_they_fit_a_cell(side, scale, width_px, written):
    """Three 5 x 5 slices of the standard kernel in a third of the page: "0.59" in 20 px cells ran together. A number
    is written at a size that fits its cell, no smaller than 10 px times the scale, or left to the hover."""
    from font_reference import text_px

    from dsconv.figures.filters import kernel_figure

    kernels = [np.full((side, side), value, np.float32) for value in (0.3, -0.59, 0.11)]
    figure = kernel_figure(kernels, ["red", "green", "blue"], scale, width_px=width_px)
    cell = cell_px(figure, width_px, side)
    for trace in figure.data:
        if written:
            font = trace.textfont.size
            assert trace.texttemplate == "%{text}" and font >= 10 * scale
            assert max(text_px(t, font) for row in trace.text for t in row) <= cell - 2  # 2 px gaps between cells
        else:
            assert trace.texttemplate == "" and "%{z" in trace.hovertemplate
    notes = [a.text for a in figure.layout.annotations if "hover" in a.text]
    assert len(notes) == (0 if written else 1)  # one note under the kernels, not one beside each title
    assert [a.text for a in figure.layout.annotations if "hover" not in a.text] == ["red", "green", "blue"]


def test_kernel_numbers_fit_their_cells_across_the_whole_page_too():
    """Without a width, the figure is as wide as the page: a 7 x 7 kernel's cells are then about 27 px, and "-0.59"
    at the full 13.5 px overflowed them. The numbers now shrink to fit there as well; a 3 x 3 kernel's stay full size."""
    from font_reference import text_px

    from dsconv.figures.filters import NUMBER_PX, kernel_figure

    seven = kernel_figure([np.full((7, 7), -0.59, np.float32)] * 3, ["red", "green", "blue"])
    cell = cell_px(seven, 900, 7)
    assert all(text_px("-0.59", trace.textfont.size) <= cell - 2 for trace in seven.data if trace.texttemplate)
    three = kernel_figure([np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)] * 3, ["r", "g", "b"])
    assert all(trace.textfont.size == NUMBER_PX and trace.texttemplate == "%{text}" for trace in three.data)


def test_learned_weights_share_their_places_and_hand_made_ones_stay_exact():
    """A learned kernel read "0" for 0.003, as if the weight were nothing, and "0.2" beside "0.41": rounded weights
    all show the figure's places. A hand-made kernel, which those places write exactly, stays short."""
    from dsconv.figures.filters import kernel_figure

    def written(kernel, decimals=2):
        figure = kernel_figure([np.asarray(kernel, np.float32)], ["red"], decimals=decimals)
        return [list(row) for row in figure.data[0].text]

    learned = [[0.2001, 0.003, -0.41], [-0.002, 1.0, 0.1], [0.0, 0.25, -0.5]]
    # ...but a weight that is exactly 0 reads "0", told apart from a small one: the grey mix's W wrote "0.0000" beside
    # 0.3333 for output 1 and "0" for the others
    # and one that the places write as "0.00" keeps a significant digit: the shipped separable model's red kernel
    # read "0.00" for its 0.0029
    assert written(learned) == [["0.20", "0.003", "-0.41"], ["-0.002", "1.00", "0.10"], ["0", "0.25", "-0.50"]]
    assert written([[0.0, 1 / 3]], 4) == [["0", "0.3333"]]
    assert written([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) == [["-1", "0", "1"], ["-2", "0", "2"], ["-1", "0", "1"]]
    blur = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
    assert written(blur, 4)[1] == ["0.125", "0.25", "0.125"]
    assert written([[0.299]], 4) == [["0.299"]]  # stored in float32 as 0.29899999: still the 0.299 the student typed
    assert written([[10, 100], [-20, 0]], 0) == [["10", "100"], ["-20", "0"]]  # no decimals: never "1" for 10


def test_typed_weights_too_small_for_four_places_keep_their_digits_in_cells_and_hover():
    """A typed kernel of 1e-7s (an edge finder: -8e-7 in the middle) read "0" in every cell, and "0.0000" in its hover,
    above maps that show its edges: 0.0000 counted as writing 1e-7 exactly. Typed weights get the places their
    smallest weight needs for three digits, and the hover writes four significant digits."""
    from dsconv.figures.filters import MOST_PLACES, kernel_figure, pointwise_figure, typed_places

    tiny = np.array([[1, 1, 1], [1, -8, 1], [1, 1, 1]], np.float32) * np.float32(1e-7)
    places = typed_places([tiny], 4)
    figure = kernel_figure([tiny], ["red"], decimals=places)
    assert [list(row) for row in figure.data[0].text] == [["0.0000001"] * 3, ["0.0000001", "-0.0000008", "0.0000001"],
                                                         ["0.0000001"] * 3]
    assert "%{z:.4~g}" in figure.data[0].hovertemplate
    mix = np.array([[2.99e-8], [0.5], [0.0]], np.float32)
    shown = pointwise_figure(mix, ["red", "green", "blue"], ["grey"], decimals=typed_places([mix], 3))
    assert [list(row) for row in shown.data[0].text] == [["0.0000000299"], ["0.5"], ["0"]]
    assert "%{z:.4~g}" in shown.data[0].hovertemplate
    blur = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 16
    assert typed_places([blur], 4) == 4 and typed_places([np.zeros((3, 3))], 4) == 4  # as before
    assert typed_places([np.full((1, 1), 1e-30)], 4) == MOST_PLACES


def test_typed_weights_never_show_float32_noise_nor_read_as_zero():
    """A typed 1e-30 asked for 12 places: 0.333333 then read "0.333332985640" (float32's noise), -0.5 read
    "-0.500000000000", and the 1e-30 itself "0.000000000000", a weight that is not 0 written as 0. Weights that a
    figure's places write exactly take their shortest float32 text; past six places the others take four significant
    digits."""
    from dsconv.figures.filters import kernel_figure, typed_places

    def cells(kernel):
        kernel = np.asarray(kernel, np.float32)
        return [list(row) for row in kernel_figure([kernel], ["red"], decimals=typed_places([kernel], 4)).data[0].text]

    assert cells([[0.333333, 0.333333, 0], [-0.5, 1e-30, 0], [0, 0, 1]]) == [["0.3333", "0.3333", "0"],
                                                                           ["-0.5", "1e-30", "0"], ["0", "0", "1"]]
    assert cells([[0.333333, 1e-11], [0, 1]]) == [["0.333333", "0.00000000001"], ["0", "1"]]  # exact: as typed
    assert cells([[-0.598, 0.0997], [0.0625, 1]]) == [["-0.598", "0.0997"], ["0.0625", "1"]]  # as before
    for row in cells([[0.333333, 2e-12], [-0.7, 1e-25]]):
        for text in row:
            assert float(text) != 0 and len(text.replace("-", "")) <= 8, text


def test_a_prediction_is_never_rounded_to_a_certainty_or_to_nothing():
    """A model that gave "ship" 99.97 % showed "100.0%", under a caption saying probabilities are not certainties."""
    from dsconv.figures.filters import predictions_figure

    figure = predictions_figure([("ship", 0.9997), ("truck", 0.0002), ("cat", 0.0001), ("dog", 0.25)], None)
    assert list(figure.data[0].text) == ["over 99.9%", "under 0.1%", "under 0.1%", "25.0%"]
    # a float32 softmax rounds to exactly 1 and 0 (logits 30, 0, -1): still not a certainty
    probabilities = np.exp(np.float32([30, 0, -1]) - 30) / np.exp(np.float32([30, 0, -1]) - 30).sum()
    assert probabilities[0] == 1.0
    rounded = predictions_figure([("ship", float(probabilities[0])), ("cat", 0.0)], None)
    assert list(rounded.data[0].text) == ["over 99.9%", "under 0.1%"]


def test_the_luma_mix_is_written_with_the_digits_its_products_need():
    """0.587 written 0.59 did not multiply to the combined kernel's 1.17 (2 x 0.587 = 1.174)."""
    from dsconv.figures.filters import pointwise_figure

    figure = pointwise_figure(MIXES["Grey (luma)"][0], ["R", "G", "B"], ["grey"], decimals=3)
    assert [row[0] for row in figure.data[0].text] == ["0.299", "0.587", "0.114"]


# --- what the filters page says, checked against its own numbers (the review of the Filters page) -------------------


def weights(side: int, channels: int, outputs: int) -> tuple[int, int]:
    """(two-step, one-step) weights without biases, counted here: k*k*C + C*N against k*k*C*N."""
    return side * side * channels + channels * outputs, side * side * channels * outputs


@pytest.mark.parametrize("side, outputs", [(1, 1), (1, 3), (1, 8)])
def test_a_one_by_one_kernel_is_never_said_to_save_weights(side, outputs):
    """With k = 1 the note said "the saving only appears with many outputs ... 195 weights would replace 192"."""
    from dsconv.images.handmade import saving_note

    note = saving_note(side, 3, outputs)
    two_step, one_step = weights(side, 3, outputs)
    many_two_step, many_one_step = weights(side, 3, 64)
    assert two_step > one_step and many_two_step > many_one_step  # the reference: no saving at any N
    assert note is not None and "would replace" not in note and "saving appears" not in note
    assert "no saving at any number of outputs" in note
    assert f"{many_two_step:,} against {many_one_step:,}" in note  # 195 against 192


def test_a_saving_is_claimed_only_where_the_numbers_show_one():
    from dsconv.images.handmade import saving_note

    many_two_step, many_one_step = weights(3, 3, 64)
    assert many_two_step < many_one_step
    note = saving_note(3, 3, 1)  # one output: more weights, but 64 outputs would save
    assert note.startswith("With 1 output channel the two-step way has more weights (3·3·3 + 3·1 against "
                           "3·3·3·1)")
    assert f"3·3·3 + 3·64 = {many_two_step:,} weights would replace 3·3·3·64 = {many_one_step:,}." in note
    assert weights(3, 3, 3)[0] < weights(3, 3, 3)[1] and saving_note(3, 3, 3) is None  # a saving here: no note
    # Were even the many outputs too few to save, the note says so rather than claiming a saving.
    assert weights(2, 3, 1)[0] > weights(2, 3, 1)[1]
    few = saving_note(2, 3, 1, many=1)
    assert "no saving even with 1 output:" in few and "would replace" not in few


def test_a_hover_over_a_top_five_bar_says_what_its_label_says():
    """"%{x:.2f}%" showed 99.9961 % as "100.00%" and 2.7e-05 % as "0.00%", beside labels "over 99.9%"."""
    from dsconv.figures.filters import predictions_figure

    bar = predictions_figure([("ship", 0.999961), ("cat", 2.7e-7), ("dog", 0.25)], None).data[0]
    assert "%{x" not in bar.hovertemplate and "%{customdata}" in bar.hovertemplate
    assert list(bar.customdata) == list(bar.text) == ["over 99.9%", "under 0.1%", "25.0%"]


@pytest.mark.parametrize("probability", [0.000645, 0.000999, 0.0009999999, 0.0005, 0.0004999, 1e-9, 0.0])
def test_every_probability_under_a_tenth_of_a_percent_reads_under_it(probability):
    """On the checkerboard, 0.0645 % read "0.1%" above smaller ones that read "under 0.1%"."""
    from dsconv.figures.filters import probability_text

    assert 100 * probability < 0.1 and probability_text(probability) == "under 0.1%"


@pytest.mark.parametrize("probability, text", [(0.001, "0.1%"), (0.00149, "0.1%"), (0.0123, "1.2%"),
                                               (0.9994, "99.9%"), (0.99951, "over 99.9%")])
def test_a_probability_from_a_tenth_of_a_percent_keeps_its_number(probability, text):
    from dsconv.figures.filters import probability_text

    assert probability_text(probability) == text


def test_kernel_and_mix_hovers_count_from_one():
    """Rows, columns and outputs are counted from 1, as the page names its outputs ("output 1")."""
    from dsconv.figures.filters import kernel_figure, pointwise_figure

    figure = kernel_figure([np.zeros((3, 3), np.float32)], ["red"])
    assert list(figure.data[0].x) == list(figure.data[0].y) == [1, 2, 3]
    mix = pointwise_figure(np.zeros((3, 64), np.float32), ["red", "green", "blue"])
    assert list(mix.data[0].x) == [str(n) for n in range(1, 65)] and "to output %{x}" in mix.data[0].hovertemplate
    named = pointwise_figure(np.zeros((3, 2), np.float32), ["red", "green", "blue"], ["output 1", "output 2"])
    assert "from %{y} to %{x}:" in named.data[0].hovertemplate  # "to output output 1" before


def test_a_feature_grid_hover_names_the_channel_its_label_names():
    """A depthwise map labelled "54" (counted from 1) said "channel 53" (counted from 0) in its hover."""
    from dsconv.figures.filters import feature_grid_figure

    maps = np.random.default_rng(3).random((4, 4, 300)).astype(np.float32)
    chosen = [299, 0, 53]
    labels = [f"from map {c + 1}" for c in chosen]
    figure = feature_grid_figure(maps, chosen, "maps", columns=3, tile_labels=labels, width_px=2000)
    trace = figure.data[0]
    hover = np.asarray(trace.customdata)
    assert [a.text for a in figure.layout.annotations] == labels  # written in full: there is room
    assert hover[0, 0] == 300 and hover[0, 5] == 1 and hover[0, 10] == 54  # first cell of each 4-wide tile (+1 gap)
    assert trace.hovertemplate.startswith("channel %{customdata}:")


@pytest.mark.parametrize("difference, words", [
    (4.8e-7, "of one grey level: float32 rounding, too small to see"),  # the sample's: 0.00012 of a level
    (1e-5, "of one grey level: float32 rounding, too small to see"),
    (0.5 / 255, "0.5 grey levels: more than float32 rounding"), (0.2, "51.0 grey levels: more than float32 rounding"),
    (0.0, "identical: no pixel differs")])  # 'Keep the channels' read "0 of one grey level: float32 rounding"
def test_the_two_ways_difference_is_said_in_grey_levels(difference, words):
    """'The two results differ by at most 4.8e-07' told a class nothing; the note under it says how much of one of
    an 8-bit picture's 255 grey levels that is, and calls it rounding only within what float32 can round (here, for
    weights like the sample's: 3 x 3 x 3 + 3 products on sums of at most 8)."""
    from dsconv.images.handmade import difference_note

    bound = 2 * 31 * float(np.spacing(np.float32(8.0)))  # 5.9e-5: 0.015 of a grey level
    note = difference_note(difference, bound, 8.0)
    assert note.endswith(words)
    if "too small to see" in note:
        from rendered import read_power_of_ten

        assert read_power_of_ten(note.split(" of one")[0]) == pytest.approx(difference * 255, rel=0.06)


@pytest.mark.parametrize("side, weight, mix", [(7, 100, 100), (5, 10, 10), (3, 100, -100)])
def test_large_weights_round_by_more_than_a_grey_level_and_it_is_still_called_rounding(side, weight, mix):
    """With the largest weights the page takes (100), the outputs reach 1.5 million (in units of white): float32
    keeps about 7 digits there, and the two ways, the same sum in another order, differed by 159 grey levels, which
    the page called "more than float32 rounding". The bound is counted from the weights (each way sums k x k x C + C
    products, none larger than the sum of one output's |weights|, pixels at most 1); the two ways' float64 results
    agree to far less, so the difference is float32's."""
    from dsconv.images import fit_within, scene_image, to_float_array
    from dsconv.images import handmade as hand

    image = to_float_array(fit_within(scene_image("Sunset harbour"), 128))
    kernel = np.full((side, side), float(weight))
    depthwise = hand.depthwise_kernel([kernel, kernel, kernel])
    pointwise = np.array([[mix], [-mix if mix < 0 else mix], [mix]], np.float32)
    result = hand.apply_hand_made(image, depthwise, pointwise)
    # the exact sum, in float64, written here: zero padding of k // 2 a side ("same"), every window times W
    weights = depthwise.astype(np.float64)[..., None] * pointwise.astype(np.float64)[None, None]  # (k, k, C, 1)
    padded = np.pad(np.asarray(image, np.float64), ((side // 2,) * 2, (side // 2,) * 2, (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (side, side), axis=(0, 1))  # (H, W, C, k, k)
    exact = np.einsum("hwcij,ijcn->hwn", windows, weights)
    assert result.max_difference > 1e-4  # more than a grey level's 1/255 at least somewhere in the cases
    for way in (result.mixed, result.standard):  # each way within half the bound of the exact sum: rounding only
        assert np.abs(way - exact).max() <= result.rounding_bound / 2
    largest = float(np.abs(result.standard).max())
    note = hand.difference_note(result.max_difference, result.rounding_bound, largest)
    assert "more than" not in note and "float32 rounding" in note, note
    assert f"{result.max_difference * 255:,.1f} grey levels" in note


@pytest.mark.parametrize("size", [1e-7, 1.0, 100.0])
def test_each_maps_rounding_bounds_its_distance_from_the_exact_sum_at_any_size_of_weights(size):
    """Each map's rounding (HandMadeResult.depthwise_rounding, mixed_rounding) is what tells a map of one value from
    one whose values differ: a fixed 1e-6 had called the maps of a kernel of 1e-7s one value. Checked against exact
    sums in float64, written here, for weights of 1e-7, 1 and 100 with signs: every value within its map's bound,
    and the bound far under the map's spread (a map of these photos holds many values at every size)."""
    from dsconv.figures.filters import one_value
    from dsconv.images import fit_within, scene_image, to_float_array
    from dsconv.images import handmade as hand

    image = to_float_array(fit_within(scene_image("Sunset harbour"), 96))
    rng = np.random.default_rng(3)
    depthwise = (rng.normal(size=(5, 5, 3)) * size).astype(np.float32)
    pointwise = rng.normal(size=(3, 2)).astype(np.float32)
    result = hand.apply_hand_made(image, depthwise, pointwise)
    padded = np.pad(np.asarray(image, np.float64), ((2, 2), (2, 2), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (5, 5), axis=(0, 1))  # (H, W, C, k, k)
    exact_depthwise = np.einsum("hwcij,ijc->hwc", windows, depthwise.astype(np.float64))
    exact_mixed = exact_depthwise @ pointwise.astype(np.float64)
    for maps, exact, rounding in ((result.depthwise, exact_depthwise, result.depthwise_rounding),
                                  (result.mixed, exact_mixed, result.mixed_rounding),
                                  (result.standard, exact_mixed, result.mixed_rounding)):
        assert len(rounding) == maps.shape[2]
        for n, bound in enumerate(rounding):
            assert np.abs(maps[..., n] - exact[..., n]).max() <= bound
            assert 0 < bound < 1e-3 * np.ptp(exact[..., n])
            assert one_value(maps[..., n], bound) is None


@pytest.mark.parametrize("width_px, scale, bar_under", [(376, 1.35, True), (499, 1.35, False), (447, 1.0, False)])
def test_a_narrow_feature_grid_lays_its_colour_bar_under_the_maps_and_wastes_no_height(width_px, scale, bar_under):
    """On a 1024 x 768 projector (half-page figures 376 px wide) the colour bar took a third of the width, the maps
    were 28 px wide, and they stood at the foot of a 378 px figure, mostly empty. Counted from the layout: the plot
    area is the figure less its margins (and the colour bar, where it stands beside); the mosaic keeps its
    proportions."""
    from dsconv.figures.filters import COLOUR_BAR_PX, feature_grid_figure

    maps = np.random.default_rng(4).random((32, 32, 64)).astype(np.float32)
    figure = feature_grid_figure(maps, list(range(32)), "32 of 64 maps, 32 x 32, after block1_conv1", scale=scale,
                                 width_px=width_px)
    layout, bar = figure.layout, figure.data[0].colorbar
    assert (bar.orientation == "h") == bar_under
    area_w = width_px - layout.margin.l - layout.margin.r - (0 if bar_under else COLOUR_BAR_PX * scale)
    area_h = layout.height - layout.margin.t - layout.margin.b
    mosaic_h, mosaic_w = 4 * 33 - 1, 8 * 33 - 1  # 4 rows of 8 maps of 32 px, 1 px between them
    unit = min(area_w / mosaic_w, area_h / mosaic_h)
    assert 32 * unit >= 40, 32 * unit  # each map drawn at least 40 px wide
    assert area_h - unit * mosaic_h < 10, (area_h, unit * mosaic_h)  # no empty band over or under the maps


@pytest.mark.parametrize("side, channels", [(3, 3), (5, 3), (2, 3), (2, 8), (3, 1)])
def test_one_outputs_note_says_from_how_many_outputs_the_saving_appears(side, channels):
    """"With 1 output channel the two-step way has more weights: the saving only appears with many outputs", where
    2 outputs already save (3·3·3 + 3·2 = 33 against 54). The first saving number of outputs is counted here."""
    from dsconv.images.handmade import saving_note

    first = next(n for n in range(2, 65) if weights(side, channels, n)[0] < weights(side, channels, n)[1])
    two_step, one_step = weights(side, channels, first)
    note = saving_note(side, channels, 1)
    assert f"the saving appears from {first} outputs on ({side}·{side}·{channels} + {channels}·{first} = " \
           f"{two_step:,} against {side}·{side}·{channels}·{first} = {one_step:,})" in note, note
    assert "only appears with many" not in note


@pytest.mark.parametrize("text", ["0,5 1; 1,5 2", "1 0,25 1; 1 1 1; 1 1 1"])
def test_a_decimal_comma_is_refused_not_read_as_two_numbers(text):
    """"0,5; 1,5" was read as the 2 x 2 kernel [[0, 5], [1, 5]] and the mix "1,5 0" as red 1, green 5, blue 0:
    a comma between two digits is a decimal comma in much of the world. It is refused, saying how to write both."""
    with pytest.raises(FilterError, match=r"'0,5'|'0,25'") as refused:
        parse_kernel(text)
    assert "decimal point" in str(refused.value) and "1, 2" in str(refused.value)
    with pytest.raises(FilterError, match=r"'1,5'"):
        parse_mix("1,5 0")
    assert parse_kernel("1, 2; 3, 4").tolist() == [[1, 2], [3, 4]]  # a comma and a space still separate


def test_a_typographic_minus_is_read_as_minus():
    """"−1" (U+2212, as textbooks print it, copied from one) was refused as something that is not a number, in a
    sentence that showed the same "−1"."""
    assert parse_kernel("−1 0 1; −2 0 2; −1 0 1").tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


def test_text_a_student_pastes_is_read_as_they_see_it_or_refused_in_words():
    """A row of 30,000 digits froze the server for 13 s a run (the decimal-comma search backtracked over it, holding
    every session); "–1" with the en dash a slide writes and "1\u200b" with a zero-width space from a web page were
    "not a number" in rows that looked right; "1_0" was read as 10."""
    sobel = parse_kernel("-1 0 1; -2 0 2; -1 0 1")
    np.testing.assert_array_equal(parse_kernel("–1 0 1; –2 0 2; –1 0 1"), sobel)  # en dashes
    np.testing.assert_array_equal(parse_kernel("−1 0 1\u200b; −2 0 2; −1\ufeff 0 1"), sobel)  # minus signs, invisibles
    with pytest.raises(FilterError, match="The kernel is 5,000 characters long; a kernel needs far fewer"):
        parse_kernel("1" * 5000)
    with pytest.raises(FilterError, match="The mix is 2,001 characters long"):
        parse_mix("1" * 2001)
    with pytest.raises(FilterError, match="'1_0', which is not a number, in the row '1_0 0 0'"):
        parse_kernel("1_0 0 0; 0 1 0; 0 0 0")
    with pytest.raises(FilterError, match="'1—1', which is not a number \\(it holds the character EM DASH\\)"):
        parse_kernel("1—1 0; 0 0")


def test_a_flat_map_says_its_value_as_a_reader_writes_it():
    """A map of 2,295 at every pixel (9 x 255: a kernel of nine 1s over pixels of 255, by tf.nn's depthwise
    convolution) had its caption read "(2.3e+03 everywhere)"; on the page a white picture (pixels 0-1) under a 1 x 1
    kernel of 100 and a mix of three 100s is 30,000 everywhere, and read "3e+04". Values from 100 read whole, a half
    rounded up, and smaller ones to three digits."""
    from dsconv.figures.filters import flat_mark

    white = np.full((1, 6, 6, 3), 255.0, np.float32)
    reference = tf.nn.depthwise_conv2d(white, np.ones((3, 3, 3, 1), np.float32), [1, 1, 1, 1], "VALID").numpy()[0]
    assert flat_mark(reference[..., 0]) == " (2,295 everywhere)"
    assert flat_mark(reference[..., 0] * 100) == " (229,500 everywhere)"
    assert [flat_mark(np.full((2, 2), value)) for value in (127.5, 12.75, -0.5, 0.0)] == \
        [" (128 everywhere)", " (12.8 everywhere)", " (-0.5 everywhere)", " (0 everywhere)"]
    assert flat_mark(np.arange(4.0).reshape(2, 2)) == ""


def test_a_weight_too_large_is_refused_with_the_pages_pixel_range():
    """The page filters pixels of 0 to 1 (its grey maps show 1 as white), yet the refusal said "a pixel is 0 to 255"."""
    from PIL import Image

    from dsconv.images.loading import to_float_array

    assert float(to_float_array(Image.new("RGB", (2, 2), (255, 255, 255))).max()) == 1.0
    with pytest.raises(FilterError, match=r"use weights from -100 to 100 \(a pixel is 0 to 1 here;"):
        parse_kernel("200 0 0; 0 1 0; 0 0 1")


def test_a_map_that_goes_below_zero_is_drawn_signed_whatever_its_size():
    """Percentiles were read from every k-th value, which lined up with the channels (k = 9 on 384 x 512 x 3: red
    alone) and with columns (8-px stripes at k = 16): a map 12.5% below zero was drawn unsigned, its negatives black
    like flat areas, and a mix with a signed blue channel was shown as one colour picture."""
    from dsconv.figures import filters as figs

    stripes = np.where((np.arange(1024) // 8) % 8 == 0, -4.0, 1.0).astype(np.float32)  # 1 column in 8 negative
    values = np.broadcast_to(stripes, (1024, 1024))
    assert (values < 0).mean() == 0.125  # the reference: the values themselves
    assert figs.is_signed(values)
    grey = figs.map_to_grey(values)
    assert grey[values < 0].max() < grey[values > 0].min()  # below zero darker than zero's mid-grey and above
    mixed = np.zeros((384, 512, 3), np.float32)
    mixed[..., :2] = 0.5
    mixed[..., 2] = np.where(np.arange(512) % 5 < 2, -3.2, 2.0)  # blue 40% negative, red and green not
    assert figs.is_signed(mixed)


@pytest.mark.parametrize("kernel_weight, mix_weight, refused", [
    (1e-30, 1e-30, True),  # 1e-60: 0 in float32
    (1e-19, 1e-19, True),  # 1e-38, just under float32's smallest normal number, 1.18e-38
    (1e-18, 1e-18, False),  # 1e-36: held
    (1e-30, 0.0, False),  # a mix weight of 0 multiplies nothing: its 0 is the student's
    (-1e-30, 1e-30, True)])  # said with its sign: "-1e-30" read "1e-30", and the product -1e-60 "1.0e-60"
def test_weights_whose_product_float32_cannot_hold_are_refused(kernel_weight, mix_weight, refused):
    """A kernel of 1e-30s and a mix of 1e-30 made W = D x P of 1e-60, 0 in float32: every W cell read 0, the output
    "0 everywhere" both ways, and the note blamed "each channel's weight in the mix, or its kernel, is 0". In float64
    (tf.nn's float64 gives an edge map of about 4e-60) nothing is 0."""
    image = np.random.default_rng(0).random((6, 6, 3)).astype(np.float32)
    depthwise = np.zeros((3, 3, 3), np.float32)
    depthwise[:, 0, 0] = kernel_weight  # red: one column of the weight
    mix = np.array([[mix_weight], [1.0], [0.0]], np.float32)  # output 1: the red map scaled, and green as it is
    assert (kernel_weight * mix_weight != 0 and kernel_weight * mix_weight < np.finfo(np.float32).tiny) == refused
    if refused:
        with pytest.raises(FilterError) as refused:
            apply_hand_made(image, depthwise, mix)
        assert str(refused.value) == (
            f"The red kernel's weight {kernel_weight:.3g} and the mix's {mix_weight:.3g} for output 1 multiply to "
            f"{kernel_weight * mix_weight:.1e}, too small for the float32 numbers the filters compute with (at least "
            "1.2e-38 in size): it would lose its digits or become 0, in the maps too. Make one of them larger, or "
            "type 0."), str(refused.value)
        return
    result = apply_hand_made(image, depthwise, mix)
    assert np.all(result.combined[..., 0, 0][depthwise[..., 0] != 0] != 0) == (mix_weight != 0)
