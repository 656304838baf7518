"""dsconv.training.engine on tiny synthetic data: the record, progress callbacks, the stop request, incremental writes."""

import threading

import numpy as np
import pytest

pytest.importorskip("keras")

from dsconv.costs.network import network_summary
from dsconv.training.data import prepare
from dsconv.training.engine import TrainConfig, TrainingError, train_run
from dsconv.training.models import ModelConfig
from dsconv.training.runs import load_run
from dsconv.training.synthetic import synthetic_dataset

pytestmark = pytest.mark.slow

SMALL = dict(batch_size=16, model=ModelConfig.of(blocks=1, filters=4))  # a tiny model keeps each test to a few seconds


@pytest.fixture(scope="module")
def tiny():
    return prepare(synthetic_dataset(64, 32, seed=0), val_split=0.25, seed=0)


@pytest.fixture(scope="module")
def trained(tiny, tmp_path_factory):
    """One two-architecture, two-epoch run shared by the tests below (each Keras model costs seconds)."""
    out = tmp_path_factory.mktemp("run")
    config = TrainConfig(architectures=("standard", "separable"), epochs=2, **SMALL)
    models, events = {}, []
    record = train_run(tiny, config, out_dir=out, run_name="r", on_progress=events.append, keep_models=models)
    return config, record, models, events, out


def test_record_holds_everything_and_validation_is_the_held_out_split(tiny, trained):
    config, record, models, events, tmp_path = trained
    assert record.status == "complete" and [a.name for a in record.architectures] == ["standard", "separable"]
    saved = load_run(tmp_path / "r.json")
    assert saved.status == "complete" and not saved.validation_on_test
    assert saved.data["train_size"] == 48 and saved.data["val_size"] == 16 and saved.data["test_size"] == 32
    assert saved.recipe["input_scaling"] == "unit" and saved.recipe["batch_size"] == 16
    assert saved.device["kind"] in ("cpu", "gpu") and saved.device["description"]
    assert {"python", "numpy", "keras", "backend", "backend_version"} <= set(saved.versions)
    for part in saved.architectures:
        model = models[part.name]
        assert part.params == model.count_params()
        assert part.multiply_adds == network_summary(config.model_config(part.name, (32, 32, 3), 10).network).total_multiply_adds
        assert [e.epoch for e in part.epochs] == [1, 2] and part.status == "complete"
        assert all(e.val_accuracy is not None and e.seconds > 0 for e in part.epochs)
        # The recorded validation figures are the model's own on the held-out images (last epoch).
        loss, accuracy = model.evaluate(tiny.x_val, tiny.y_val, batch_size=16, verbose=0)
        assert part.epochs[-1].val_accuracy == pytest.approx(accuracy) and part.epochs[-1].val_loss == pytest.approx(loss, rel=1e-4)
        test_loss, test_accuracy = model.evaluate(tiny.x_test, tiny.y_test, batch_size=16, verbose=0)
        assert part.test_accuracy == pytest.approx(test_accuracy)
        assert (tmp_path / part.weights).is_file()
    batch_events = [e for e in events if e.event == "batch" and e.architecture == "standard" and e.epoch == 1]
    assert [e.batch for e in batch_events] == [1, 2, 3] and batch_events[0].batches == 3
    assert all("loss" in e.logs and e.elapsed >= 0 for e in batch_events)
    epoch_events = [e for e in events if e.event == "epoch"]
    assert [(e.architecture, e.epoch) for e in epoch_events] == [("standard", 1), ("standard", 2),
                                                                 ("separable", 1), ("separable", 2)]
    assert "val_accuracy" in epoch_events[0].logs


def test_weights_file_restores_the_trained_model(tiny, trained):
    from dsconv.training.models import build_model

    _, record, models, _, out = trained
    part = record.architecture("separable")
    fresh = build_model(ModelConfig.from_dict(part.model))
    fresh.load_weights(str(out / part.weights))
    assert np.allclose(fresh.predict(tiny.x_test[:4], verbose=0), models["separable"].predict(tiny.x_test[:4], verbose=0),
                       atol=1e-6)


def test_stop_request_keeps_only_finished_epochs(tiny, tmp_path):
    stop = threading.Event()
    seen_on_disk = []

    def progress(p):
        if p.event == "batch" and p.epoch == 2 and p.batch == 1:
            seen_on_disk.append(len(load_run(tmp_path / "run.json").architectures[0].epochs))
            stop.set()
    config = TrainConfig(architectures=("separable", "standard"), epochs=3, **SMALL)
    record = train_run(tiny, config, out_dir=tmp_path, on_progress=progress, stop_event=stop)
    assert seen_on_disk == [1]  # the record was written after epoch 1, before the run ended
    assert record.status == "stopped" and len(record.architectures) == 1  # standard never started
    part = record.architectures[0]
    assert part.status == "stopped" and [e.epoch for e in part.epochs] == [1]
    saved = load_run(tmp_path / "run.json")
    assert saved.status == "stopped" and len(saved.architectures[0].epochs) == 1


def test_tutorial_recipe_validates_on_test(tiny):
    config = TrainConfig(architectures=("separable",), epochs=1, validate_on_test=True, batch_size=16,
                         model=ModelConfig.of(blocks=1, filters=4, input_scaling="none"))
    record = train_run(tiny, config)
    part = record.architectures[0]
    assert record.validation_on_test and record.data["val_size"] == 32
    assert part.epochs[0].val_accuracy == pytest.approx(part.test_accuracy)


def test_bad_recipes_raise_training_errors(tiny):
    for bad in (dict(architectures=("grouped",)), dict(architectures=()), dict(architectures=("standard", "standard")),
                dict(epochs=0), dict(learning_rate=0.0)):
        with pytest.raises(TrainingError):
            train_run(tiny, TrainConfig(**bad))
    from dataclasses import replace

    with pytest.raises(TrainingError, match="at least one training and one test image"):
        train_run(replace(tiny, x_test=tiny.x_test[:0], y_test=tiny.y_test[:0]), TrainConfig())


def test_multi_gpu_needs_tensorflow(monkeypatch, tiny):
    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(TrainingError, match="TensorFlow backend"):
        train_run(tiny, TrainConfig(architectures=("separable",), epochs=1, multi_gpu=True, **SMALL))


def test_an_epoch_matches_model_fit_on_the_same_images_in_the_same_order(tiny):
    # Reference: Keras's own model.fit from the same start, on the engine's shuffled order (no shuffling of its own).
    import keras

    from dsconv.training.models import build_model, compile_model

    # 48 training images in batches of 20, 20 and 8: the averages must weigh each batch by its size.
    config = TrainConfig(architectures=("separable",), epochs=1, **{**SMALL, "batch_size": 20})
    models = {}
    record = train_run(tiny, config, keep_models=models)
    keras.utils.set_random_seed(config.seed)
    reference = compile_model(build_model(config.model_config("separable", (32, 32, 3), 10)), config.learning_rate)
    order = np.random.default_rng([config.seed, 1]).permutation(len(tiny.y_train))
    history = reference.fit(tiny.x_train[order], tiny.y_train[order], batch_size=config.batch_size, epochs=1,
                            shuffle=False, verbose=0)
    epoch = record.architectures[0].epochs[0]
    assert epoch.loss == pytest.approx(history.history["loss"][-1], rel=1e-4)
    assert epoch.accuracy == pytest.approx(history.history["accuracy"][-1])
    for mine, theirs in zip(models["separable"].get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)
    loss, accuracy = reference.evaluate(tiny.x_val, tiny.y_val, batch_size=config.batch_size, verbose=0)
    assert epoch.val_loss == pytest.approx(loss, rel=1e-4) and epoch.val_accuracy == pytest.approx(accuracy)
