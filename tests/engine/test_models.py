"""dsconv.training.models: exact parameter counts of the tutorial's models and the variants, against Keras itself."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from dsconv.training.models import ModelConfig, ModelConfigError, build_model, depthwise_initializer

pytestmark = pytest.mark.slow


def test_tutorial_models_have_the_published_parameter_counts():
    assert build_model("standard").count_params() == 1_186_378
    assert build_model("separable").count_params() == 174_821


def test_tutorial_per_layer_counts():
    # The tutorial's table, layer by layer (standard, separable).
    table = {"block1_conv1": (1_792, 283), "block1_conv2": (36_928, 4_736), "block2_conv1": (73_856, 8_896),
             "block2_conv2": (147_584, 17_664), "block3_conv1": (295_168, 34_176),
             "block3_conv2": (590_080, 68_096), "predictions": (40_970, 40_970)}
    standard, separable = build_model("standard"), build_model("separable")
    for name, (std, sep) in table.items():
        assert standard.get_layer(name).count_params() == std
        assert separable.get_layer(name).count_params() == sep


def test_input_scaling_layer_divides_by_255_and_has_no_params():
    model = build_model("standard", input_scaling="unit")
    scaling = model.get_layer("scaling")
    assert scaling.count_params() == 0
    image = np.full((1, 32, 32, 3), 255.0, dtype="float32")
    assert np.allclose(keras.ops.convert_to_numpy(scaling(image)), 1.0)
    raw = build_model("standard", input_scaling="none")
    assert "scaling" not in [layer.name for layer in raw.layers]


def test_composite_layer_names_and_no_bias_in_mobilenet():
    model = build_model("mobilenet", blocks=1)
    names = [layer.name for layer in model.layers]
    for suffix in ("dw", "dw_bn", "dw_relu", "pw", "pw_bn", "pw_relu"):
        assert f"block1_conv1_{suffix}" in names
    assert model.get_layer("block1_conv1_dw").count_params() == 3 * 3 * 3  # no bias
    pair = build_model("depthwise_pointwise", blocks=1)
    # The tutorial's custom layer on RGB with 64 filters: (27 + 3) + (192 + 64) = 286.
    assert pair.get_layer("block1_conv1_dw").count_params() + pair.get_layer("block1_conv1_pw").count_params() == 286


def test_per_channel_depthwise_init_keeps_the_signal_and_keras_default_shrinks_it():
    # Keras's glorot counts all C channels in a depthwise kernel's fan-in; ours uses k*k.
    keras.utils.set_random_seed(0)
    layer = keras.layers.DepthwiseConv2D(3, depthwise_initializer=depthwise_initializer("per_channel", 3))
    layer_keras = keras.layers.DepthwiseConv2D(3, depthwise_initializer=depthwise_initializer("keras", 3))
    x = np.random.default_rng(0).normal(size=(4, 16, 16, 256)).astype("float32")
    std_ours = float(np.std(keras.ops.convert_to_numpy(layer(x))))
    std_keras = float(np.std(keras.ops.convert_to_numpy(layer_keras(x))))
    assert 0.7 < std_ours < 1.4  # glorot with fan_in = fan_out = 9 keeps the variance
    assert std_keras < 0.15  # sqrt(2 / 257): the shrinking the tutorial's raw pixels hid


def test_config_round_trip_and_bad_settings():
    config = ModelConfig.of(conv_kind="mobilenet", width_multiplier=0.5, kernel_size=5)
    assert ModelConfig.from_dict(config.to_dict()) == config
    for bad in (dict(conv_kind="grouped"), dict(input_scaling="half"), dict(blocks=6), dict(kernel_size=0),
                dict(width_multiplier=0), dict(depthwise_init="he")):
        with pytest.raises(ModelConfigError):
            build_model(ModelConfig.of(**bad))


def test_shipped_pretrained_models_load_with_their_weights():
    import h5py

    from dsconv.training.pretrained import (
        RUNS_DIR,
        PretrainedError,
        available_pretrained,
        load_pretrained,
        pretrained_info,
    )

    names = available_pretrained()
    assert {"tutorial_standard", "tutorial_separable"} <= set(names)
    model = load_pretrained("tutorial_separable")
    _, part = pretrained_info("tutorial_separable")
    assert model.count_params() == part.params == 174_821
    # The kernel of the first layer is the one stored in the .weights.h5 file, not a fresh initialisation.
    kernel = model.get_layer("block1_conv1").get_weights()[0]
    with h5py.File(RUNS_DIR / part.weights, "r") as handle:
        stored = []
        handle.visititems(lambda name, obj: stored.append(obj[()]) if hasattr(obj, "shape") and obj.shape == kernel.shape else None)
    assert any(np.array_equal(kernel, array) for array in stored)
    with pytest.raises(PretrainedError, match="choose one of"):
        load_pretrained("tutorial_grouped")
