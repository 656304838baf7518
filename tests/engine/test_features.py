"""Learned filters: feature maps, hidden depthwise outputs and predictions against direct tf.nn computations."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from dsconv.images.learned import (
    FeatureError,
    conv_rows,
    feature_maps,
    first_layer_kernels,
    row_kind,
    strongest_channels,
    top_predictions,
)
from dsconv.training.models import build_model

SMALL = dict(blocks=2, filters=8)  # small models: the same layers, fast on a 2-core CPU


def randomise(model, seed):
    """Give every weight (biases and BatchNorm statistics included) random, non-trivial values."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        if type(layer).__name__ == "BatchNormalization":
            gamma, beta, mean, var = (w.shape for w in weights)
            layer.set_weights([rng.uniform(0.5, 1.5, gamma), rng.normal(0, 0.2, beta),
                               rng.normal(0, 0.2, mean), rng.uniform(0.5, 2.0, var)])
        else:
            layer.set_weights([rng.normal(0, 0.4, w.shape).astype(np.float32) for w in weights])
    return model


@pytest.fixture(scope="module")
def models():
    return {kind: randomise(build_model(kind, **SMALL), seed)
            for seed, kind in enumerate(("standard", "separable", "depthwise_pointwise", "mobilenet"))}


@pytest.fixture(scope="module")
def picture():
    return np.random.default_rng(7).integers(0, 256, (32, 32, 3), dtype=np.uint8)


def relu(x):
    return tf.nn.relu(x)


def reference_row(model, kind, row, x):
    """(output, hidden) of one row computed with tf.nn from the layers' weights."""
    if kind == "standard":
        kernel, bias = model.get_layer(row).get_weights()
        return relu(tf.nn.conv2d(x, kernel, 1, "SAME") + bias), None
    if kind == "separable":
        depthwise, pointwise, bias = model.get_layer(row).get_weights()
        hidden = tf.nn.depthwise_conv2d(x, depthwise, [1, 1, 1, 1], "SAME")
        return relu(tf.nn.conv2d(hidden, pointwise, 1, "VALID") + bias), hidden
    if kind == "depthwise_pointwise":
        dw_kernel, dw_bias = model.get_layer(f"{row}_dw").get_weights()
        pw_kernel, pw_bias = model.get_layer(f"{row}_pw").get_weights()
        hidden = relu(tf.nn.depthwise_conv2d(x, dw_kernel, [1, 1, 1, 1], "SAME") + dw_bias)
        return relu(tf.nn.conv2d(hidden, pw_kernel, 1, "VALID") + pw_bias), hidden

    def batch_norm(name, y):
        gamma, beta, mean, var = model.get_layer(name).get_weights()
        eps = model.get_layer(name).epsilon
        return (y - mean) / np.sqrt(var + eps) * gamma + beta

    (dw_kernel,) = model.get_layer(f"{row}_dw").get_weights()
    (pw_kernel,) = model.get_layer(f"{row}_pw").get_weights()
    hidden = relu(batch_norm(f"{row}_dw_bn", tf.nn.depthwise_conv2d(x, dw_kernel, [1, 1, 1, 1], "SAME")))
    return relu(batch_norm(f"{row}_pw_bn", tf.nn.conv2d(hidden, pw_kernel, 1, "VALID"))), hidden


@pytest.mark.parametrize("kind", ["standard", "separable", "depthwise_pointwise", "mobilenet"])
def test_feature_maps_equal_a_direct_tensorflow_computation(models, picture, kind):
    model = models[kind]
    rows = conv_rows(model)
    assert rows == ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2"]
    x = tf.constant(picture[None].astype(np.float32) / 255.0)  # the models divide by 255 themselves
    for row in rows:
        if row == "block2_conv1":
            x = tf.nn.max_pool2d(x, 2, 2, "VALID")
        expected_output, expected_hidden = reference_row(model, kind, row, x)
        maps = feature_maps(model, picture, row)
        assert maps.kind == kind and row_kind(model, row) == kind
        np.testing.assert_allclose(maps.output, expected_output[0].numpy(), rtol=1e-4, atol=1e-4)
        if kind == "standard":
            assert maps.hidden is None
        else:
            np.testing.assert_allclose(maps.hidden, expected_hidden[0].numpy(), rtol=1e-4, atol=1e-4)
            assert maps.hidden.shape[-1] == x.shape[-1]  # one depthwise map per input channel
            assert maps.hidden_note
        x = expected_output


def test_first_layer_kernels_have_the_documented_shapes(models):
    standard = first_layer_kernels(models["standard"])
    assert standard.kind == "standard" and standard.standard.shape == (3, 3, 3, 8)
    np.testing.assert_array_equal(standard.standard, models["standard"].get_layer("block1_conv1").get_weights()[0])
    for kind in ("separable", "depthwise_pointwise", "mobilenet"):
        kernels = first_layer_kernels(models[kind])
        assert kernels.standard is None
        assert kernels.depthwise.shape == (3, 3, 3) and kernels.pointwise.shape == (3, 8)
    depthwise, pointwise, _ = models["separable"].get_layer("block1_conv1").get_weights()
    separable = first_layer_kernels(models["separable"])
    np.testing.assert_array_equal(separable.depthwise[:, :, 2], depthwise[:, :, 2, 0])
    np.testing.assert_array_equal(separable.pointwise[1, 5], pointwise[0, 0, 1, 5])


def test_top_predictions_read_the_softmax(picture):
    model = build_model("separable", **SMALL)
    dense = model.get_layer("predictions")
    kernel, _ = dense.get_weights()
    chosen = np.array([0.02, 0.3, 0.05, 0.01, 0.2, 0.12, 0.1, 0.08, 0.07, 0.05])
    # A zero kernel makes the output the softmax of the bias alone, whatever the picture.
    dense.set_weights([np.zeros_like(kernel), np.log(chosen).astype(np.float32)])
    names = tuple(f"class{i}" for i in range(10))
    top = top_predictions(model, picture, names)
    assert [name for name, _ in top] == ["class1", "class4", "class5", "class6", "class7"]
    np.testing.assert_allclose([p for _, p in top], [0.3, 0.2, 0.12, 0.1, 0.08], rtol=1e-5)


def test_wrong_inputs_get_a_sentence(models, picture):
    with pytest.raises(FeatureError, match="32 x 32 x 3"):
        feature_maps(models["standard"], np.zeros((64, 64, 3), np.uint8), "block1_conv1")
    with pytest.raises(FeatureError, match="no convolution row"):
        feature_maps(models["standard"], picture, "block9_conv1")
    with pytest.raises(FeatureError, match="classes"):
        top_predictions(models["standard"], picture, ("cat", "dog"))


def test_strongest_channels_orders_by_mean_absolute_response():
    maps = np.zeros((4, 4, 5), np.float32)
    maps[..., 1] = -3.0
    maps[..., 3] = 2.0
    maps[0, 0, 4] = 1.0
    assert strongest_channels(maps, 3).tolist() == [1, 3, 4]
    # every map shown: in channel order, as their sources are (R, G, B), not strongest first (B, G, R)
    assert strongest_channels(maps, 5).tolist() == strongest_channels(maps, 8).tolist() == [0, 1, 2, 3, 4]


def test_pretrained_catalogue_puts_the_tutorial_standard_model_first(monkeypatch):
    from dsconv.images.learned import pretrained_catalogue

    shipped = ["better_separable", "tutorial_separable", "tutorial_standard", "better_standard"]
    monkeypatch.setattr("dsconv.training.pretrained.available_pretrained", lambda: shipped)
    assert pretrained_catalogue() == [
        ("tutorial_standard", "Pretrained standard model (the tutorial's recipe)"),
        ("tutorial_separable", "Pretrained separable model (the tutorial's recipe)"),
        ("better_standard", "Pretrained standard model (the held-out recipe)"),
        ("better_separable", "Pretrained separable model (the held-out recipe)"),
    ]
    monkeypatch.setattr("dsconv.training.pretrained.available_pretrained", lambda: [])
    assert pretrained_catalogue() == []


def test_pretrained_notes_say_which_accuracy_of_which_run():
    """The Filters page and the arena quote different numbers: each note names its number and its run."""
    import json

    from dsconv.images.learned import pretrained_facts
    from dsconv.training.pretrained import RUNS_DIR

    for recipe, stem in (("tutorial", "tutorial_recipe"), ("better", "better_recipe")):
        data = json.loads((RUNS_DIR / f"{stem}.json").read_text())
        for part in data["architectures"]:
            _, note = pretrained_facts(f"{recipe}_{part['name']}")
            assert "our run, measured " + data["created"][:10] in note
            if data["data"]["validation_on_test"]:
                assert note.startswith(f"final validation accuracy {part['epochs'][-1]['val_accuracy']:.3f} after "
                                       f"{len(part['epochs'])} epochs, on the test set")
            else:
                assert note.startswith(f"test accuracy {part['test_accuracy']:.3f}, measured once")
                best = max(e["val_accuracy"] for e in part["epochs"])
                assert f"best validation accuracy {best:.3f}" in note


def test_hidden_maps_name_the_channel_they_come_from():
    from dsconv.images.learned import hidden_sources

    assert hidden_sources(3, 3, True) == ("from R", "from G", "from B")
    # Keras orders a depthwise output channel c * m + j: two copies per channel.
    assert hidden_sources(3, 6, True) == ("from R", "from R", "from G", "from G", "from B", "from B")
    assert hidden_sources(64, 64, False)[:2] == ("from map 1", "from map 2")
