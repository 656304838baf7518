"""Kernel presets and generated sample pictures: known values, sizes 1-5, the even-size and size-1 rules."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dsconv.sliding import kernels
from dsconv.sliding.engine import SlidingConfig, run_layer
from dsconv.sliding.samples import SAMPLES, checkerboard, gradient, sample_image, shape, shrink_to_square

SIZES = range(1, 6)


def test_classic_three_by_three_kernels():
    np.testing.assert_array_equal(kernels.spatial_kernel("sobel", 3), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(kernels.spatial_kernel("sharpen", 3), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(kernels.spatial_kernel("identity", 3), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    np.testing.assert_allclose(kernels.spatial_kernel("box_blur", 3), np.full((3, 3), 1 / 9))


def test_five_by_five_sobel_is_the_usual_one():
    expected = np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1])
    np.testing.assert_array_equal(kernels.spatial_kernel("sobel", 5), expected)


@pytest.mark.parametrize("size", SIZES)
def test_weight_sums_for_every_size(size):
    assert kernels.spatial_kernel("identity", size).sum() == 1
    assert kernels.spatial_kernel("box_blur", size).sum() == pytest.approx(1)
    assert kernels.spatial_kernel("sharpen", size).sum() == pytest.approx(1)  # flat areas keep their brightness
    assert kernels.spatial_kernel("sobel", size).sum() == pytest.approx(0)  # flat areas give no edge
    assert kernels.spatial_kernel("sobel", size).shape == (size, size)


def test_size_one_presets():
    for preset in ("identity", "box_blur", "sharpen"):
        np.testing.assert_array_equal(kernels.spatial_kernel(preset, 1), [[1.0]])
    np.testing.assert_array_equal(kernels.spatial_kernel("sobel", 1), [[0.0]])


@pytest.mark.parametrize("size", SIZES)
def test_identity_with_same_padding_copies_the_picture_for_every_size(size):
    """The centre rule for even sizes lines up with TensorFlow's padding (the engine matches tf.nn, see test_sliding)."""
    image = sample_image("gradient", 7).astype(np.float64)
    weights = {"depthwise": kernels.depthwise_filters("identity", size, 3, 1)}
    layer = run_layer(image, SlidingConfig(mode="depthwise", kernel_size=size, padding="same"), weights)
    np.testing.assert_allclose(layer.output, image)


def test_random_weights_follow_the_seed_and_are_rounded():
    first = kernels.spatial_kernel("random", 4, seed=3)
    np.testing.assert_array_equal(first, kernels.spatial_kernel("random", 4, seed=3))
    assert not np.array_equal(first, kernels.spatial_kernel("random", 4, seed=4))
    assert np.all(np.abs(first) <= 1) and np.allclose(first * 10, np.round(first * 10))


def test_channel_mixes_and_filter_banks():
    mixes = kernels.channel_mixes(3)
    np.testing.assert_allclose(mixes[0], [1 / 3] * 3)
    np.testing.assert_array_equal(mixes[1], [1, -1, 0])
    assert len(mixes) == 6
    bank = kernels.preset_filters("sobel", 3, 3, 8)
    assert bank.shape == (3, 3, 3, 8)
    np.testing.assert_allclose(bank[:, :, 0, 0], kernels.spatial_kernel("sobel", 3) / 3)
    np.testing.assert_allclose(bank[:, :, 0, 6], np.rot90(kernels.spatial_kernel("sobel", 3)) / 3)  # 7th turns
    depthwise = kernels.depthwise_filters("sobel", 3, 3, 2)
    np.testing.assert_array_equal(depthwise[:, :, 1, 1], np.rot90(kernels.spatial_kernel("sobel", 3)))
    pointwise = kernels.pointwise_filters("box_blur", 3, 7)
    assert pointwise.shape == (1, 1, 3, 7)
    np.testing.assert_allclose(pointwise[0, 0, :, 6], [-1 / 3] * 3)


def test_grouped_filters_at_both_ends():
    np.testing.assert_array_equal(kernels.grouped_filters("sobel", 3, 3, 4, 1), kernels.preset_filters("sobel", 3, 3, 4))
    grouped = kernels.grouped_filters("sobel", 3, 3, 6, 3)
    depthwise = kernels.depthwise_filters("sobel", 3, 3, 2)
    for n in range(6):
        np.testing.assert_array_equal(grouped[:, :, 0, n], depthwise[:, :, n // 2, n % 2])
    with pytest.raises(ValueError, match="must divide"):
        kernels.grouped_filters("sobel", 3, 3, 4, 2)


@pytest.mark.parametrize("bad", [0, 6, 2.5, True])
def test_bad_kernel_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="kernel size"):
        kernels.spatial_kernel("box_blur", bad)


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="preset"):
        kernels.spatial_kernel("emboss", 3)


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("size", [4, 7, 16, 224])
def test_samples_have_the_right_shape_and_type(name, size):
    image = sample_image(name, size)
    assert image.shape == (size, size, 3) and image.dtype == np.uint8
    assert image.std() > 0


def test_gradient_channels_grow_in_different_directions():
    image = gradient(8).astype(int)
    assert image[0, 0, 0] == 0 and image[0, -1, 0] == 255 and np.all(np.diff(image[:, :, 0], axis=1) > 0)
    assert image[0, 0, 1] == 0 and image[-1, 0, 1] == 255 and np.all(np.diff(image[:, :, 1], axis=0) > 0)
    assert image[0, 0, 2] == 255 and image[-1, -1, 2] == 0


def test_checkerboard_and_shape():
    board = checkerboard(8)
    assert {tuple(c) for c in board.reshape(-1, 3)} == {(250, 160, 40), (30, 80, 200)}
    assert tuple(board[0, 0]) != tuple(board[0, 2]) and tuple(board[0, 0]) == tuple(board[0, 1])
    disc = shape(9)
    assert tuple(disc[4, 4]) == (250, 220, 40) and tuple(disc[0, 0]) == (20, 40, 110)


def test_bad_sample_requests_are_refused():
    with pytest.raises(ValueError, match="Unknown sample"):
        sample_image("cat", 8)
    with pytest.raises(ValueError, match="size"):
        sample_image("gradient", 1)


def test_shrink_to_square_crops_the_centre_and_averages():
    picture = np.zeros((40, 80, 3), dtype=np.uint8)
    picture[:, 20:60] = (200, 100, 0)  # the centre square is all orange; the sides are black
    small = shrink_to_square(Image.fromarray(picture), 4)
    assert small.shape == (4, 4, 3)
    assert np.all(small == (200, 100, 0))
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    from dsconv.image_files import load_image

    assert shrink_to_square(load_image(buffer.getvalue()), 5).shape == (5, 5, 3)
