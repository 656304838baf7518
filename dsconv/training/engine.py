"""The training engine: trains one or more architectures on the same data, seed and order, and records the run.

Each epoch: the training images in a seeded order that every architecture shares, one pass over them
(batch by batch with train_on_batch on TensorFlow on a CPU, model.fit elsewhere), then validation
(on the held-out split, or on the test set when the tutorial's recipe asks for it). The run record is
written after every finished epoch, so a run that is stopped or killed keeps what it finished. A stop
request (a threading.Event) is honoured after the current batch; the unfinished epoch is dropped.
Progress callbacks receive a Progress after every batch and every epoch.
Keras is imported inside the functions; only the MirroredStrategy option touches TensorFlow itself.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from dsconv import ONE_AT_A_TIME
from dsconv.costs.network import network_summary
from dsconv.kinds import NETWORK_KINDS, word
from dsconv.training.data import Dataset, source_label
from dsconv.training.models import ModelConfig
from dsconv.training.runs import ArchitectureRun, EpochLog, RunRecord, save_run


class TrainingError(ValueError):
    """A training setting that cannot be used, explained in one sentence."""


@dataclass(frozen=True)
class TrainConfig:
    """The recipe shared by every architecture in a run; defaults are the tutorial's except input scaling and
    the depthwise initializer."""

    architectures: tuple[str, ...] = ("standard", "separable")  # the tutorial compares these two
    epochs: int = 10  # the tutorial's 10 epochs
    batch_size: int = 128  # the tutorial's batch size (391 steps per epoch on 50,000 images)
    learning_rate: float = 1e-3  # Adam's default, as in the tutorial
    seed: int = 0  # same weights' start and same image order for every architecture
    validate_on_test: bool = False  # True repeats the tutorial's shortcut: the test set as validation data
    multi_gpu: bool = False  # tf.distribute.MirroredStrategy over all GPUs (TensorFlow backend only)
    # Every architecture's model: its sizes, input scaling and depthwise initializer. Its conv kind is each
    # architecture's, and its input shape and classes come from the data.
    model: ModelConfig = ModelConfig()

    def model_config(self, conv_kind: str, input_shape: tuple[int, int, int], num_classes: int) -> ModelConfig:
        """The ModelConfig of one architecture under this recipe."""
        network = replace(self.model.network, conv_kind=conv_kind, input_shape=tuple(input_shape), num_classes=num_classes)
        return replace(self.model, network=network)

    def validate(self) -> None:
        """Raise TrainingError when the recipe cannot run."""
        unknown = [a for a in self.architectures if a not in NETWORK_KINDS]
        if not self.architectures or unknown:
            raise TrainingError(f"Choose architectures from {', '.join(NETWORK_KINDS)}; got {', '.join(unknown) or 'none'}.")
        if len(set(self.architectures)) != len(self.architectures):
            raise TrainingError("Each architecture can appear once in a run.")
        if not 1 <= self.epochs <= 1000 or not 1 <= self.batch_size <= 65536:
            raise TrainingError("epochs must be 1 to 1000 and batch size 1 to 65536.")
        if not 0 < self.learning_rate < 1:
            raise TrainingError(f"The learning rate must be between 0 and 1; got {self.learning_rate}.")


@dataclass(frozen=True)
class Progress:
    """What a progress callback receives after each batch (event 'batch') and each epoch (event 'epoch')."""

    event: str  # "batch" or "epoch"
    architecture: str
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based batch within the epoch (the last batch at an 'epoch' event)
    batches: int  # batches per epoch
    logs: dict[str, float]  # loss/accuracy so far (and val_* at an 'epoch' event)
    elapsed: float  # seconds since this architecture started training


ProgressCallback = Callable[[Progress], None]


def _strategy(multi_gpu: bool) -> Any:
    if not multi_gpu:
        return None
    with ONE_AT_A_TIME:
        import keras

    if keras.backend.backend() != "tensorflow":
        raise TrainingError(f"The multi-GPU option uses tf.distribute.MirroredStrategy, which needs the TensorFlow "
                            f"backend; Keras runs on {keras.backend.backend()!r}. Set KERAS_BACKEND=tensorflow or drop it.")
    with ONE_AT_A_TIME:
        import tensorflow as tf

    return tf.distribute.MirroredStrategy()


def _make_callback(arch: str, epoch: int, config: TrainConfig, batches: int, started: float,
                   on_progress: ProgressCallback | None, stop_event: threading.Event | None) -> Any:
    with ONE_AT_A_TIME:
        import keras

    class _Relay(keras.callbacks.Callback):
        stopped = False

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            if on_progress is not None:
                on_progress(Progress("batch", arch, epoch, config.epochs, batch + 1, batches,
                                     {k: float(v) for k, v in (logs or {}).items()}, time.perf_counter() - started))
            if stop_event is not None and stop_event.is_set():
                self.stopped = True
                self.model.stop_training = True

    return _Relay()


def _batch_loop(model: Any, x: np.ndarray, y: np.ndarray, order: np.ndarray, batch_size: int, train: bool,
                on_batch: Callable[[int, dict[str, float]], bool] | None = None) -> dict[str, float] | None:
    """One pass over x[order] in batches (train_on_batch or test_on_batch): loss and metrics averaged per image.

    model.fit and model.evaluate report the same averages (Keras weights each batch's mean by its size).
    on_batch(batch number, running averages) returning True stops the pass: then the result is None.
    """
    totals: dict[str, float] = {}
    seen = 0
    step = model.train_on_batch if train else model.test_on_batch
    for number, first in enumerate(range(0, len(order), batch_size), start=1):
        chosen = order[first:first + batch_size]
        logs = step(x[chosen], y[chosen], return_dict=True)
        seen += len(chosen)
        for key, value in logs.items():
            totals[key] = totals.get(key, 0.0) + float(value) * len(chosen)
        if on_batch is not None and on_batch(number, {key: total / seen for key, total in totals.items()}):
            return None
    return {key: total / seen for key, total in totals.items()}


def _uses_batch_loop(config: TrainConfig) -> bool:
    """True on TensorFlow on a CPU, where the engine feeds the batches itself.

    model.fit on TensorFlow builds a tf.data pipeline whose background threads share the CPU with the
    training step: on 2 cores whole epochs ran at 60-75 % speed (python -m dsconv.bench training). On a
    GPU, and on JAX and PyTorch, model.fit stays: its prefetching and asynchronous dispatch keep a GPU fed,
    and the batch loop was never measured there.
    """
    with ONE_AT_A_TIME:
        import keras

        from dsconv.devices import gpu_names

    return keras.backend.backend() == "tensorflow" and not config.multi_gpu and not gpu_names()


def evaluate(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int, batch_loop: bool) -> tuple[float, float]:
    """(loss, accuracy) of the compiled model on x, y: model.evaluate's figures."""
    if batch_loop:
        logs = _batch_loop(model, x, y, np.arange(len(y)), batch_size, train=False)
        return logs["loss"], logs["accuracy"]
    loss, accuracy = model.evaluate(x, y, batch_size=batch_size, verbose=0)
    return float(loss), float(accuracy)


def _fit_epoch(model: Any, dataset: Dataset, x_val: Any, y_val: Any, arch: str, epoch: int, config: TrainConfig,
               started: float, on_progress: ProgressCallback | None, stop_event: threading.Event | None,
               batch_loop: bool) -> EpochLog | None:
    """One epoch in the shared seeded order, then validation; None when a stop request cut it short."""
    order = np.random.default_rng([config.seed, epoch]).permutation(len(dataset.y_train))
    batches = -(-len(order) // config.batch_size)
    begin = time.perf_counter()
    if batch_loop:
        def on_batch(number: int, running: dict[str, float]) -> bool:
            if on_progress is not None:
                on_progress(Progress("batch", arch, epoch, config.epochs, number, batches, running,
                                     time.perf_counter() - started))
            return stop_event is not None and stop_event.is_set()

        logs = _batch_loop(model, dataset.x_train, dataset.y_train, order, config.batch_size, True, on_batch)
        if logs is None:
            return None
    else:
        relay = _make_callback(arch, epoch, config, batches, started, on_progress, stop_event)
        history = model.fit(dataset.x_train[order], dataset.y_train[order], batch_size=config.batch_size, epochs=1,
                            shuffle=False, verbose=0, callbacks=[relay])
        if relay.stopped:
            return None
        logs = {key: float(values[-1]) for key, values in history.history.items()}
    val_loss = val_accuracy = None
    if x_val is not None:
        val_loss, val_accuracy = evaluate(model, x_val, y_val, config.batch_size, batch_loop)
    log = EpochLog(epoch, logs["loss"], logs["accuracy"], val_loss, val_accuracy, time.perf_counter() - begin)
    if on_progress is not None:
        on_progress(Progress("epoch", arch, epoch, config.epochs, batches, batches,
                             {k: v for k, v in asdict(log).items() if k not in ("epoch",) and v is not None},
                             time.perf_counter() - started))
    return log


def new_record(dataset: Dataset, config: TrainConfig, title: str, data_info: dict[str, Any] | None = None) -> RunRecord:
    """An empty 'running' record describing the data, recipe, device and libraries."""
    with ONE_AT_A_TIME:
        from dsconv.devices import describe_device, library_versions

    sizes = dataset.sizes()
    data = {"source": dataset.source, "class_names": list(dataset.class_names), "train_size": sizes["train"],
            "val_size": sizes["test"] if config.validate_on_test else sizes["validation"], "test_size": sizes["test"],
            "seed": config.seed, "validation_on_test": config.validate_on_test, **(data_info or {})}
    recipe = {"optimizer": "adam", "learning_rate": config.learning_rate, "batch_size": config.batch_size,
              "epochs": config.epochs, "input_scaling": config.model.input_scaling,
              "depthwise_init": config.model.depthwise_init, "multi_gpu": config.multi_gpu,
              "loss": "sparse_categorical_crossentropy"}
    title = title or f"{' vs '.join(word(arch) for arch in config.architectures)} on {source_label(dataset.source)}"
    return RunRecord(title=title, kind="measured",
                     created=datetime.now(timezone.utc).isoformat(timespec="seconds"), data=data, recipe=recipe,
                     device=describe_device(), versions=library_versions())


def train_run(dataset: Dataset, config: TrainConfig, *, out_dir: str | Path | None = None, title: str = "",
              run_name: str = "run", on_progress: ProgressCallback | None = None,
              stop_event: threading.Event | None = None, data_info: dict[str, Any] | None = None,
              keep_models: dict[str, Any] | None = None) -> RunRecord:
    """Train every architecture of `config` on `dataset`; write out_dir/run_name.json after each epoch and weights."""
    config.validate()
    if not len(dataset.y_train) or not len(dataset.y_test):
        raise TrainingError(f"Training needs at least one training and one test image; {dataset.source} has "
                            f"{len(dataset.y_train)} and {len(dataset.y_test)}.")
    if config.validate_on_test:
        x_val, y_val = dataset.x_test, dataset.y_test
    elif dataset.y_val is not None and len(dataset.y_val):
        x_val, y_val = dataset.x_val, dataset.y_val
    else:
        x_val = y_val = None
    with ONE_AT_A_TIME:
        import keras

        from dsconv.training.models import build_model, compile_model

    strategy = _strategy(config.multi_gpu)
    batch_loop = _uses_batch_loop(config)
    out = Path(out_dir) if out_dir is not None else None
    record = new_record(dataset, config, title, data_info)
    input_shape = tuple(int(v) for v in dataset.x_train.shape[1:])

    def save() -> None:
        if out is not None:
            save_run(record, out / f"{run_name}.json")

    for arch in config.architectures:
        model_config = config.model_config(arch, input_shape, dataset.num_classes)
        summary = network_summary(model_config.network)
        keras.utils.set_random_seed(config.seed)  # same start for a rerun of this architecture
        if strategy is not None:
            with strategy.scope():
                model = compile_model(build_model(model_config), config.learning_rate)
        else:
            model = compile_model(build_model(model_config), config.learning_rate)
        part = ArchitectureRun(name=arch, model=model_config.to_dict(), params=int(model.count_params()),
                               multiply_adds=summary.total_multiply_adds,
                               steps_per_epoch=-(-len(dataset.y_train) // config.batch_size))
        record.architectures.append(part)
        save()
        plain = build_model(model_config)  # uncompiled twin: its weight file holds no optimizer state
        snapshot = model.get_weights()
        started = time.perf_counter()
        for epoch in range(1, config.epochs + 1):
            log = _fit_epoch(model, dataset, x_val, y_val, arch, epoch, config, started, on_progress, stop_event,
                             batch_loop)
            if log is None:
                part.status = "stopped"
                break
            part.epochs.append(log)
            snapshot = model.get_weights()
            if out is not None:
                part.weights = f"{run_name}_{arch}.weights.h5"
                plain.set_weights(snapshot)
                plain.save_weights(str(out / part.weights))
            save()
        else:
            part.status = "complete"
        if part.status == "stopped":
            model.set_weights(snapshot)  # back to the last finished epoch
            record.status = "stopped"
            save()
            break
        part.test_loss, part.test_accuracy = evaluate(model, dataset.x_test, dataset.y_test, config.batch_size,
                                                      batch_loop)
        if keep_models is not None:
            keep_models[arch] = model
        save()
    if record.status != "stopped":
        record.status = "complete"
    save()
    return record
