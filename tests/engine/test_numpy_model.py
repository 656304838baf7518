"""The NumPy forward pass (dsconv.images.numpy_model) against Keras: every row's output, the hidden depthwise outputs
and the probabilities, for the shipped weights and for fresh models of every kind, on sample pictures, noise, an
all-zero and an all-255 picture."""

from __future__ import annotations

import numpy as np
import pytest

from dsconv.images.numpy_model import WeightFileError, load_numpy_model
from dsconv.kinds import NETWORK_KINDS
from dsconv.training import ModelConfig, build_model
from dsconv.training.pretrained import RUNS_DIR
from dsconv.training.runs import load_run

pytestmark = pytest.mark.slow
TOLERANCE = 1e-4


def pictures(side: int = 32, channels: int = 3) -> np.ndarray:
    """Sample scenes, noise, all zeros and all 255: the inputs every comparison uses."""
    from PIL import Image

    from dsconv.images import scene_image
    from dsconv.images.loading import SAMPLE_SCENES

    scenes = [np.asarray(scene_image(scene.name, 96, 96).resize((side, side), Image.Resampling.BILINEAR))
              for scene in SAMPLE_SCENES][:3]
    noise = np.random.default_rng(1).integers(0, 256, (2, side, side, 3))
    batch = np.concatenate([np.stack(scenes), noise, np.zeros((1, side, side, 3)), np.full((1, side, side, 3), 255)])
    return batch[..., :channels].astype(np.float32)


def keras_reference(model, config: ModelConfig, images: np.ndarray) -> tuple[dict, dict, np.ndarray]:
    """Each row's output and hidden depthwise output, the scores before softmax (Keras's Flatten output through its
    Dense weights) and the probabilities, computed by Keras."""
    import keras

    names = {layer.name for layer in model.layers}
    rows = sorted({name.split("_dw")[0].split("_pw")[0] for name in names if name.startswith("block") and "conv" in name})
    last = {row: next(n for n in (f"{row}_pw_relu", f"{row}_pw", row) if n in names) for row in rows}
    hidden_layer = {row: f"{row}_dw_relu" if f"{row}_dw_relu" in names else f"{row}_dw" for row in rows
                    if f"{row}_dw" in names}
    separable_inputs = {row: model.get_layer(row).input for row in rows if config.network.conv_kind == "separable"}
    outputs = [model.get_layer(last[row]).output for row in rows] + \
              [model.get_layer(hidden_layer[row]).output for row in hidden_layer] + list(separable_inputs.values()) + \
              [model.get_layer("flatten").output]
    probe = keras.Model(model.inputs, outputs)
    results = [np.asarray(r) for r in probe.predict(images, verbose=0)]
    row_out = dict(zip(rows, results[:len(rows)]))
    hidden = dict(zip(hidden_layer, results[len(rows):len(rows) + len(hidden_layer)]))
    dense = model.get_layer("predictions")
    logits = keras.ops.convert_to_numpy(keras.ops.add(keras.ops.matmul(results[-1], dense.kernel), dense.bias))
    for (row, _), inputs in zip(separable_inputs.items(), results[len(rows) + len(hidden_layer):-1]):
        layer = model.get_layer(row)
        hidden[row] = keras.ops.convert_to_numpy(keras.ops.depthwise_conv(inputs, layer.depthwise_kernel, padding="same"))
    return row_out, hidden, logits, np.asarray(model.predict(images, verbose=0))


def assert_same(numpy_model, keras_model, config: ModelConfig, images: np.ndarray) -> None:
    ours = numpy_model.forward(images)
    rows, hidden, logits, probabilities = keras_reference(keras_model, config, images)
    assert np.abs(ours.logits - logits).max() <= TOLERANCE * max(1.0, float(np.abs(logits).max()))
    assert list(ours.rows) == sorted(rows, key=lambda r: (int(r[5]), int(r[-1])))
    for row, expected in rows.items():
        scale = max(1.0, float(np.abs(expected).max()))
        assert np.abs(ours.rows[row] - expected).max() <= TOLERANCE * scale, row
    assert set(ours.hidden) == set(hidden)
    for row, expected in hidden.items():
        scale = max(1.0, float(np.abs(expected).max()))
        assert np.abs(ours.hidden[row] - expected).max() <= TOLERANCE * scale, f"hidden {row}"
    assert np.abs(ours.probabilities - probabilities).max() <= TOLERANCE
    assert np.allclose(ours.probabilities.sum(axis=1), 1, atol=1e-5)
    for got, want in zip(ours.probabilities, probabilities):  # the same top-5, where Keras's are clearly apart
        top = np.argsort(-want)[:5]
        apart = np.all(np.abs(np.diff(want[top])) > 10 * TOLERANCE)
        if apart:
            assert list(np.argsort(-got)[:5]) == list(top)


SHIPPED = [(record, part.name) for record in ("better_recipe", "tutorial_recipe")
           for part in load_run(RUNS_DIR / f"{record}.json").architectures if part.weights]


@pytest.mark.parametrize("record, architecture", SHIPPED)
def test_the_shipped_models_give_kerass_numbers(record, architecture):
    part = next(p for p in load_run(RUNS_DIR / f"{record}.json").architectures if p.name == architecture)
    config = ModelConfig.from_dict(part.model)
    keras_model = build_model(config)
    keras_model.load_weights(RUNS_DIR / part.weights)
    assert_same(load_numpy_model(RUNS_DIR / part.weights, config), keras_model, config, pictures())


FRESH = [ModelConfig.of(conv_kind=kind, blocks=2, filters=8) for kind in NETWORK_KINDS]
FRESH += [ModelConfig.of(conv_kind=kind, blocks=2, filters=6, kernel_size=5, width_multiplier=0.5, convs_per_block=3,
                         input_scaling="none") for kind in NETWORK_KINDS]
FRESH += [ModelConfig.of(conv_kind="mobilenet", blocks=1, filters=4, kernel_size=1, input_shape=(12, 10, 1),
                         num_classes=3)]


@pytest.mark.parametrize("config", FRESH, ids=lambda c: f"{c.network.conv_kind}-k{c.network.kernel_size}-"
                                                        f"c{c.network.convs_per_block}-{c.input_scaling}")
def test_fresh_models_of_every_kind_give_kerass_numbers(config, tmp_path):
    keras_model = build_model(config)
    rng = np.random.default_rng(2)
    for layer in keras_model.layers:  # BatchNorm's moving statistics away from 0 and 1, so they count
        if type(layer).__name__ == "BatchNormalization":
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 2, gamma.shape), rng.normal(0, 0.5, beta.shape),
                               rng.normal(0, 0.5, mean.shape), rng.uniform(0.2, 3, variance.shape)])
    path = tmp_path / "model.weights.h5"
    keras_model.save_weights(path)
    height, width, channels = config.network.input_shape
    assert_same(load_numpy_model(path, config), keras_model, config, pictures(height, channels)[:, :, :width])


def test_weights_of_another_model_are_refused_with_a_sentence(tmp_path):
    path = tmp_path / "standard.weights.h5"
    build_model("standard", blocks=2, filters=8).save_weights(path)
    with pytest.raises(WeightFileError, match="no weights for a SeparableConv2D layer"):
        load_numpy_model(path, ModelConfig.of(conv_kind="separable", blocks=2, filters=8))
    with pytest.raises(WeightFileError, match="does not fit its model"):
        load_numpy_model(path, ModelConfig.of(conv_kind="standard", blocks=2, filters=16))
    garbage = tmp_path / "garbage.weights.h5"
    garbage.write_bytes(b"not an HDF5 file at all" * 10)
    with pytest.raises(WeightFileError, match="not a readable weights file"):
        load_numpy_model(garbage, ModelConfig())
    with pytest.raises(WeightFileError, match="missing"):
        load_numpy_model(tmp_path / "none.weights.h5", ModelConfig())


@pytest.mark.parametrize("layer, kind, said", [
    ("conv2d", "standard", "block1_conv1's Conv2D layer has its weight array 2 of shape 1, and the model needs 8"),
    ("batch_normalization_1", "mobilenet",
     "block1_conv1's BatchNormalization layer has its weight array 2 of shape 1, and the model needs 8"),
    ("dense", "standard", "the dense layer has its weight array 2 of shape 1, and the model needs 10")])
def test_a_weight_that_numpy_would_broadcast_is_refused(tmp_path, layer, kind, said):
    """A bias (or BatchNorm's beta) of one number where the model needs one per channel: NumPy adds it to every
    channel without a word, and the file loaded, giving wrong maps and classes. Every weight's shape is checked."""
    import h5py

    path = tmp_path / "model.weights.h5"
    build_model(kind, blocks=2, filters=8).save_weights(path)
    with h5py.File(path, "r+") as weights:
        arrays = weights[f"layers/{layer}/vars"]
        del arrays["1"]
        arrays["1"] = np.zeros((1,), np.float32)
    with pytest.raises(WeightFileError, match=said):
        load_numpy_model(path, ModelConfig.of(conv_kind=kind, blocks=2, filters=8))


@pytest.mark.parametrize("record, architecture", SHIPPED[:2])
def test_the_filters_page_shows_the_same_maps_kernels_and_top_five_from_numpy_as_from_keras(record, architecture):
    from dsconv.images import (
        conv_rows,
        feature_maps,
        first_layer_kernels,
        model_classes,
        pretrained_numpy_model,
        top_predictions,
    )
    from dsconv.training import CIFAR10_CLASSES, load_pretrained

    name = f"{record.split('_')[0]}_{architecture}"
    ours, keras_model = pretrained_numpy_model(name), load_pretrained(name)
    assert conv_rows(ours) == conv_rows(keras_model) and model_classes(ours) == model_classes(keras_model) == 10
    mine, theirs = first_layer_kernels(ours), first_layer_kernels(keras_model)
    for field in ("standard", "depthwise", "pointwise"):
        a, b = getattr(mine, field), getattr(theirs, field)
        assert (a is None and b is None) or np.array_equal(a, b), field
    picture = pictures()[0]
    for row in conv_rows(ours):
        a, b = feature_maps(ours, picture, row), feature_maps(keras_model, picture, row)
        assert np.abs(a.output - b.output).max() <= TOLERANCE * max(1.0, float(np.abs(b.output).max()))
        assert (a.hidden is None) == (b.hidden is None) and a.hidden_sources == b.hidden_sources and a.hidden_note == b.hidden_note
        if a.hidden is not None:
            assert np.abs(a.hidden - b.hidden).max() <= TOLERANCE * max(1.0, float(np.abs(b.hidden).max()))
    top_ours, top_keras = top_predictions(ours, picture, CIFAR10_CLASSES), top_predictions(keras_model, picture, CIFAR10_CLASSES)
    assert [c for c, _ in top_ours] == [c for c, _ in top_keras]
    assert all(abs(p - q) <= TOLERANCE for (_, p), (_, q) in zip(top_ours, top_keras))


def test_a_picture_shown_again_is_not_computed_again(monkeypatch):
    """The Filters page asks for the maps and the top-5 of one picture, on every re-run: one pass serves them all."""
    from dsconv.images import feature_maps, pretrained_numpy_model, top_predictions
    from dsconv.training import CIFAR10_CLASSES

    model = pretrained_numpy_model("tutorial_separable")
    model.forget()
    passes = []
    real_forward = model.forward
    monkeypatch.setattr(model, "forward", lambda images: passes.append(1) or real_forward(images))
    picture, other = pictures()[0], pictures()[3]
    for _ in range(3):  # three re-runs of the page
        feature_maps(model, picture, "block1_conv1")
        feature_maps(model, picture, "block2_conv1")
        top_predictions(model, picture, CIFAR10_CLASSES)
    assert len(passes) == 1
    top_predictions(model, other, CIFAR10_CLASSES)
    assert len(passes) == 2
    assert np.array_equal(model.forward_once(picture[None]).probabilities, real_forward(picture[None]).probabilities)
