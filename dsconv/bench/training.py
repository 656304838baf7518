"""Training throughput: the project's engine (dsconv.training.engine.train_run) vs the tutorial's plain model.fit.

`python -m dsconv.bench training [--steps 16] [--repeats 5] [--explore]`

Both train the same model (the tutorial's: raw 0-255 pixels, Keras's default depthwise initializer, Adam,
batch 128) on the same generated images (dsconv.training.synthetic), on this machine in this run:
- the tutorial as published: model.fit on the raw uint8 arrays, batch 128, the default progress bar;
- the engine: train_run, which adds a seeded shared order, per-batch progress and run records, and on
  TensorFlow feeds the batches itself with train_on_batch instead of model.fit's tf.data pipeline.
The two take turns epoch by epoch: after each of the engine's epochs, its end-of-epoch callback runs
one epoch of the plain fit. Each round's pair ran side by side in time, so a change in a shared machine's
load hits both alike; the ratio reported is the median of the rounds' ratios. Epoch 1 of each (tracing
the graph) is not counted. --explore also times variants of the plain fit (input pipeline, batch size,
steps_per_execution, XLA, and on a GPU mixed precision) in interleaved rounds, to see what helps here.
On the JAX or PyTorch backend (the GPU machines have no TensorFlow) the tf.data variant is left out. About 3 minutes (10 minutes with --explore) on 2 idle cores.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from typing import Any, Callable

import numpy as np

TUTORIAL_BATCH = 128  # the tutorial's batch size
MODELS = ("standard", "separable")  # the tutorial's two models


def tutorial_model(conv_kind: str, **compile_options: Any) -> Any:
    """The tutorial's model (raw pixels, Keras's depthwise init), compiled as it is: Adam, sparse cross-entropy."""
    import keras

    from dsconv.training.models import ModelConfig, build_model

    keras.utils.set_random_seed(0)
    model = build_model(ModelConfig.of(conv_kind=conv_kind, input_scaling="none", depthwise_init="keras"))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **compile_options)
    return model


def plain_fit(model: Any, x: Any, y: Any = None, batch_size: int | None = TUTORIAL_BATCH,
              verbose: int = 1) -> Callable[[], None]:
    """One epoch of model.fit; the progress bar (verbose=1, as published) is written to a buffer, not the screen."""
    def fit() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            model.fit(x, y, batch_size=batch_size, epochs=1, verbose=verbose)
    return fit


def interleaved_rates(conv_kind: str, x: np.ndarray, y: np.ndarray, repeats: int) -> tuple[list[float], list[float]]:
    """Images/s of the engine's epochs 2 .. repeats+1 and of the plain fit's epoch run right after each."""
    from dsconv.training.data import Dataset
    from dsconv.training.engine import TrainConfig, train_run
    from dsconv.training.models import ModelConfig

    tutorial = plain_fit(tutorial_model(conv_kind), x, y)
    tutorial()  # traces the graph: not counted
    plain: list[float] = []

    def after_epoch(progress: Any) -> None:
        if progress.event == "epoch" and progress.epoch > 1:  # the engine's epoch is timed before this call
            began = time.perf_counter()
            tutorial()
            plain.append(len(y) / (time.perf_counter() - began))

    dataset = Dataset(x_train=x, y_train=y, x_test=x[:TUTORIAL_BATCH], y_test=y[:TUTORIAL_BATCH],
                      class_names=tuple(f"class {i}" for i in range(10)), source="synthetic")
    config = TrainConfig(architectures=(conv_kind,), epochs=repeats + 1, batch_size=TUTORIAL_BATCH, seed=0,
                         model=ModelConfig.of(input_scaling="none", depthwise_init="keras"))
    record = train_run(dataset, config, on_progress=after_epoch)
    engine = [len(y) / epoch.seconds for epoch in record.architectures[0].epochs[1:]]
    return engine, plain


def explore(conv_kind: str, x: np.ndarray, y: np.ndarray, repeats: int, mixed_precision: bool) -> dict[str, float]:
    """Median images/s of plain model.fit variants, timed in interleaved rounds (one epoch of each per round)."""
    import keras

    images = len(y)
    as_float = x.astype(np.float32)
    variants: dict[str, Callable[[], Callable[[], None]]] = {
        "as published (uint8, batch 128, progress bar)": lambda: plain_fit(tutorial_model(conv_kind), x, y),
        "no progress bar (verbose=0)": lambda: plain_fit(tutorial_model(conv_kind), x, y, verbose=0),
        "float32 arrays instead of uint8": lambda: plain_fit(tutorial_model(conv_kind), as_float, y, verbose=0),
        "steps_per_execution=8": lambda: plain_fit(tutorial_model(conv_kind, steps_per_execution=8), x, y, verbose=0),
        "batch 256": lambda: plain_fit(tutorial_model(conv_kind), x, y, batch_size=256, verbose=0),
        "batch 64": lambda: plain_fit(tutorial_model(conv_kind), x, y, batch_size=64, verbose=0),
        "XLA (jit_compile=True)": lambda: plain_fit(tutorial_model(conv_kind, jit_compile=True), x, y, verbose=0),
    }
    if keras.backend.backend() == "tensorflow":  # tf.data is TensorFlow's input pipeline
        import tensorflow as tf

        variants["tf.data, batch 128, prefetch"] = lambda: plain_fit(
            tutorial_model(conv_kind),
            tf.data.Dataset.from_tensor_slices((x, y)).batch(TUTORIAL_BATCH).prefetch(tf.data.AUTOTUNE),
            batch_size=None, verbose=0)
    if mixed_precision:
        variants["mixed precision (float16 compute)"] = lambda: plain_fit(_mixed_precision_model(conv_kind), x, y,
                                                                          verbose=0)
    fits = {}
    for name, make in variants.items():  # build and trace every variant first
        fits[name] = make()
        fits[name]()
    rates: dict[str, list[float]] = {name: [] for name in fits}
    for _ in range(repeats):  # a change in the machine's load then hits every variant alike
        for name, fit in fits.items():
            began = time.perf_counter()
            fit()
            rates[name].append(images / (time.perf_counter() - began))
    results = {name: statistics.median(values) for name, values in rates.items()}
    baseline = results["as published (uint8, batch 128, progress bar)"]
    for name, rate in results.items():
        print(f"    {name:48s} {rate:8.1f} images/s  ({rate / baseline:.2f}x; {_fmt(rates[name])})", flush=True)
    return results


def main(argv: list[str]) -> int:
    """Measure and print images/s of the tutorial's fit and of the engine, and their ratio, for both models."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=16, help="batches of 128 per timed epoch (default 16)")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds: epochs of each (default 5)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated: standard,separable")
    parser.add_argument("--explore", action="store_true", help="also time variants of the plain fit")
    parser.add_argument("--mixed-precision", choices=("auto", "on", "off"), default="auto",
                        help="with --explore: also time float16 compute (auto: only on a GPU, where it pays)")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.repeats < 1:
        parser.error("--steps and --repeats must be at least 1")
    unknown = [name for name in args.models.split(",") if name not in MODELS]
    if unknown:
        parser.error(f"--models takes {' and '.join(MODELS)}, comma-separated; got {', '.join(unknown)}")
    import keras

    from dsconv.devices import describe_device, gpu_names, library_versions
    from dsconv.training.synthetic import synthetic_images

    mixed_precision = args.mixed_precision == "on" or (args.mixed_precision == "auto" and bool(gpu_names()))
    x, y = synthetic_images(args.steps * TUTORIAL_BATCH, seed=0)
    versions = library_versions()
    print(f"Device: {describe_device()['description']}; Keras {keras.__version__} on {versions['backend']} "
          f"{versions['backend_version']}; {len(y)} generated images ({args.steps} steps of {TUTORIAL_BATCH}) per "
          f"epoch, {args.repeats} timed epochs each.")
    for conv_kind in args.models.split(","):
        print(f"\n{conv_kind} model:", flush=True)
        engine, plain = interleaved_rates(conv_kind, x, y, args.repeats)
        ratios = [ours / theirs for ours, theirs in zip(engine, plain)]
        print(f"  tutorial's model.fit:   median {statistics.median(plain):7.1f} images/s, best {max(plain):7.1f} "
              f"({_fmt(plain)})")
        print(f"  dsconv training engine: median {statistics.median(engine):7.1f} images/s, best {max(engine):7.1f} "
              f"({_fmt(engine)})")
        print(f"  ratio engine / tutorial: {statistics.median(ratios):.2f} (median of the rounds: "
              f"{', '.join(f'{r:.2f}' for r in ratios)}; best to best {max(engine) / max(plain):.2f}; "
              "goal: at least 1.0)", flush=True)
        if args.explore:
            print("  variants of the plain fit (median images/s):")
            explore(conv_kind, x, y, args.repeats, mixed_precision)
    if args.explore and not mixed_precision:
        print("\nMixed precision (float16 compute) pays on GPUs; it was not tried here (--mixed-precision on forces it).")
    return 0


def _mixed_precision_model(conv_kind: str) -> Any:
    """The tutorial's model with float16 compute and float32 weights (Keras's "mixed_float16" policy)."""
    import keras

    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        return tutorial_model(conv_kind)
    finally:
        keras.mixed_precision.set_global_policy("float32")


def _fmt(rates: list[float]) -> str:
    return ", ".join(f"{rate:.0f}" for rate in rates)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
