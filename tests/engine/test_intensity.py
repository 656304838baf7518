"""Arithmetic intensity against counts made by hand (no TensorFlow, no dsconv arithmetic in the expectations)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsconv.costs.arithmetic import LayerConfigError
from dsconv.costs.intensity import compare_traffic, layer_traffic

# A small layer counted on paper: batch 2, 8x8 input, 4 -> 6 channels, 3x3 kernel, padding "same", float32.
SMALL = dict(batch=2, height=8, width=8, in_channels=4, out_channels=6, kernel_size=3)


def test_standard_conv_hand_count():
    traffic = layer_traffic("standard", **SMALL)
    # MACs: 2 images x 8*8 positions x (3*3*4 weights per output) x 6 outputs = 27,648
    assert traffic.multiply_adds == 27_648
    (stage,) = traffic.stages
    assert stage.input_bytes == 4 * 2 * 8 * 8 * 4 == 2048
    assert stage.weight_bytes == 4 * (3 * 3 * 4 * 6 + 6) == 888
    assert stage.output_bytes == 4 * 2 * 8 * 8 * 6 == 3072
    assert traffic.bytes_moved == 6008
    assert traffic.intermediate_bytes == 0
    assert traffic.flops_per_byte == pytest.approx(2 * 27_648 / 6008)
    assert traffic.macs_per_byte == pytest.approx(27_648 / 6008)


def test_separable_conv_hand_count():
    traffic = layer_traffic("separable", **SMALL)
    depthwise, pointwise = traffic.stages
    # depthwise: 2 x 64 positions x 4 channels x 9 weights; 36 weights, no bias in Keras's SeparableConv2D
    assert depthwise.multiply_adds == 2 * 64 * 4 * 9 == 4608
    assert (depthwise.input_bytes, depthwise.weight_bytes, depthwise.output_bytes) == (2048, 144, 2048)
    # pointwise: 2 x 64 positions x 4 inputs x 6 outputs; 24 weights + 6 biases; reads the hidden 2048 bytes back
    assert pointwise.multiply_adds == 2 * 64 * 4 * 6 == 3072
    assert (pointwise.input_bytes, pointwise.weight_bytes, pointwise.output_bytes) == (2048, 120, 3072)
    assert traffic.multiply_adds == 7680
    assert traffic.bytes_moved == 2048 + 144 + 2048 + 2048 + 120 + 3072 == 9480
    assert traffic.intermediate_bytes == 2048
    assert traffic.flops_per_byte == pytest.approx(2 * 7680 / 9480)


def test_depthwise_pointwise_keeps_a_depthwise_bias():
    traffic = layer_traffic("depthwise_pointwise", **SMALL)
    assert traffic.stages[0].weight_bytes == 4 * (36 + 4)
    assert traffic.bytes_moved == 9480 + 16


def test_valid_padding_shrinks_the_output():
    traffic = layer_traffic("standard", **SMALL, padding="valid")
    # 6x6 output positions
    assert traffic.multiply_adds == 2 * 36 * 3 * 3 * 4 * 6
    assert traffic.stages[0].output_bytes == 4 * 2 * 36 * 6


def test_weights_are_read_once_per_batch():
    one = layer_traffic("standard", **{**SMALL, "batch": 1})
    many = layer_traffic("standard", **{**SMALL, "batch": 10})
    assert many.weight_bytes == one.weight_bytes == 888
    assert many.multiply_adds == 10 * one.multiply_adds
    assert many.flops_per_byte > one.flops_per_byte


def test_compare_traffic_keys_and_order():
    traffic = compare_traffic(**SMALL)
    assert list(traffic) == ["standard", "separable", "depthwise_pointwise"]
    assert traffic["standard"].flops_per_byte > traffic["separable"].flops_per_byte


@settings(max_examples=60, deadline=None)
@given(batch=st.integers(1, 64), side=st.integers(1, 64), channels=st.integers(1, 512), kernel=st.integers(1, 9))
def test_depthwise_intensity_is_capped_by_the_kernel(batch, side, channels, kernel):
    # Same padding: each output value takes k*k MACs but needs one input and one output value (8 bytes),
    # so a depthwise step can never exceed 2*k*k/8 FLOPs per byte, however many channels it has.
    stage = layer_traffic("depthwise", batch=batch, height=side, width=side, in_channels=channels,
                          out_channels=channels, kernel_size=kernel).stages[0]
    assert stage.multiply_adds == batch * side * side * channels * kernel * kernel
    assert stage.flops_per_byte < kernel * kernel / 4


def test_tutorial_layer_intensity_gap():
    # The tutorial's second layer, batch 128: Conv2D 64->64 does far more work per byte than its depthwise step.
    layer = dict(batch=128, height=32, width=32, in_channels=64, out_channels=64, kernel_size=3)
    standard = layer_traffic("standard", **layer)
    depthwise_step = layer_traffic("separable", **layer).stages[0]
    # standard: 2 * 128*1024*9*64*64 FLOPs / 4*(2*128*1024*64 + 36928) bytes
    assert standard.flops_per_byte == pytest.approx(2 * 128 * 1024 * 9 * 64 * 64 / (4 * (2 * 128 * 1024 * 64 + 36928)))
    assert depthwise_step.flops_per_byte == pytest.approx(2 * 128 * 1024 * 9 * 64 / (4 * (2 * 128 * 1024 * 64 + 576)))
    assert standard.flops_per_byte / depthwise_step.flops_per_byte > 60


@pytest.mark.parametrize("batch", [0, -1, 1.5, True])
def test_bad_batch_is_explained(batch):
    with pytest.raises(LayerConfigError, match="batch size"):
        layer_traffic("standard", **{**SMALL, "batch": batch})
