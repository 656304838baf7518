"""Command line for long training runs: `python -m dsconv.train --arch standard --arch separable ...`.

It prints progress, writes OUT/NAME.json after every epoch and OUT/NAME_<arch>.weights.h5.
Ctrl-C (or SIGTERM) stops after the current batch and keeps the finished epochs.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from dsconv.kinds import NETWORK_KINDS
from dsconv.training.data import SOURCES, DataError, load_source, prepare
from dsconv.training.engine import TrainConfig, TrainingError
from dsconv.training.models import DEPTHWISE_INITS, INPUT_SCALINGS, ModelConfig, ModelConfigError
from dsconv.training.runs import RunFileError

TIMES = """typical run times, measured on this project's 2-core Intel Xeon CPU (TensorFlow 2.21, Keras 3.15),
which was shared with other work, so an idle machine is faster:
  importing Keras: 5-10 s before anything trains
  1 epoch, 256 synthetic images, separable (the test suite's run): about 15-25 s in all
  3 epochs, 2,000 synthetic images, separable (python -m dsconv.bench synthetic): 25-45 s, val_acc ~0.99
  all of CIFAR-10 (50,000 images, batch 128, 10 epochs):
    separable  65-90 s/epoch lightly loaded, ~210 s/epoch on a busy CPU (12-35 min)
    standard   240-590 s/epoch on a busy CPU, 344 s/epoch on average (about 1 hour)
examples:
  python -m dsconv.train --arch separable --data synthetic --train-size 2000 --epochs 3 --batch-size 32
  python -m dsconv.train --arch standard --arch separable --data cifar10-local --data-dir /tmp/cifar10 \\
      --input-scaling none --depthwise-init keras --validate-on-test --epochs 10 --out runs --name tutorial
"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be 1 or more")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be from 0 to below 1 (a fraction of the training images)")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be above 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its --help states typical run times)."""
    parser = argparse.ArgumentParser(
        prog="python -m dsconv.train", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=TIMES,
        description="Train the tutorial's VGG models (standard, separable, ...) on one data set with one seed, "
                    "and write a run record (JSON) and weights (.weights.h5).")
    recipe, model = TrainConfig(), ModelConfig()
    network = model.network
    parser.add_argument("--arch", action="append", choices=NETWORK_KINDS,
                        help=f"architecture; repeat for several (default: {' and '.join(recipe.architectures)})")
    parser.add_argument("--data", choices=SOURCES, default="synthetic", help="data source (default: synthetic)")
    parser.add_argument("--data-dir", help="folder for cifar10-local (python batches) or folder (train/ and test/)")
    parser.add_argument("--epochs", type=_positive_int, default=recipe.epochs)
    parser.add_argument("--train-size", type=_positive_int, help="stratified subset of the training images (default: all)")
    parser.add_argument("--test-size", type=_positive_int, help="stratified subset of the test images (default: all)")
    parser.add_argument("--batch-size", type=_positive_int, default=recipe.batch_size)
    parser.add_argument("--seed", type=int, default=recipe.seed)
    parser.add_argument("--learning-rate", type=_positive_float, default=recipe.learning_rate)
    parser.add_argument("--input-scaling", choices=INPUT_SCALINGS, default=model.input_scaling,
                        help="unit: pixels / 255 (default); none: raw 0-255 pixels as in the tutorial")
    parser.add_argument("--val-split", type=_fraction, default=0.1,
                        help="fraction of the training images held out for validation (default 0.1)")
    parser.add_argument("--validate-on-test", action="store_true",
                        help="the tutorial's shortcut: validate on the test set (no split is held out)")
    parser.add_argument("--blocks", type=_positive_int, default=network.blocks)
    parser.add_argument("--filters", type=_positive_int, default=network.filters)
    parser.add_argument("--kernel-size", type=_positive_int, default=network.kernel_size)
    parser.add_argument("--convs-per-block", type=_positive_int, default=network.convs_per_block,
                        help=f"convolutions before each max-pool (default {network.convs_per_block}, as in VGG)")
    parser.add_argument("--width-multiplier", type=_positive_float, default=network.width_multiplier)
    parser.add_argument("--depthwise-init", choices=DEPTHWISE_INITS, default=model.depthwise_init,
                        help="per_channel: glorot with each depthwise kernel's true fan (default); keras: Keras's "
                             "default, which only trains separable models on raw pixels (the tutorial's setting)")
    parser.add_argument("--multi-gpu", action="store_true", help="tf.distribute.MirroredStrategy over all GPUs (TensorFlow backend)")
    parser.add_argument("--out", default="runs", help="output folder (default: runs)")
    parser.add_argument("--name", default="run", help="file name stem of the record and weights (default: run)")
    parser.add_argument("--title", default="", help="a title stored in the record")
    return parser


def _printer(every: int) -> callable:
    def show(progress) -> None:
        if progress.event == "epoch":
            logs = progress.logs
            val = (f"  val_loss {logs['val_loss']:.4f}  val_acc {logs['val_accuracy']:.4f}"
                   if "val_accuracy" in logs else "")
            print(f"[{progress.architecture}] epoch {progress.epoch}/{progress.epochs}  {logs['seconds']:.1f} s  "
                  f"loss {logs['loss']:.4f}  acc {logs['accuracy']:.4f}{val}", flush=True)
        elif progress.batch % every == 0:
            done = (progress.epoch - 1) * progress.batches + progress.batch
            left = progress.elapsed / done * (progress.epochs * progress.batches - done)
            print(f"[{progress.architecture}] epoch {progress.epoch} batch {progress.batch}/{progress.batches}  "
                  f"loss {progress.logs.get('loss', float('nan')):.4f}  {progress.elapsed:.0f} s elapsed, "
                  f"about {left:.0f} s left for this model", flush=True)
    return show


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, load and cut the data, train, and print where the record went."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data in ("cifar10-local", "folder") and not args.data_dir:
        parser.error(f"--data {args.data} needs --data-dir FOLDER")
    model = ModelConfig.of(blocks=args.blocks, filters=args.filters, kernel_size=args.kernel_size,
                           convs_per_block=args.convs_per_block, width_multiplier=args.width_multiplier,
                           input_scaling=args.input_scaling, depthwise_init=args.depthwise_init)
    config = TrainConfig(architectures=tuple(args.arch or TrainConfig().architectures), epochs=args.epochs,
                         batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
                         validate_on_test=args.validate_on_test, multi_gpu=args.multi_gpu, model=model)
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        print("stop requested: finishing this batch, keeping the finished epochs (again to abort)", flush=True)
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():  # signals can only be caught there
        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        config.validate()
        for arch in config.architectures:
            config.model_config(arch, (32, 32, 3), 10).validate()
        dataset = prepare(load_source(args.data, args.data_dir, args.seed, train_size=args.train_size,
                                      test_size=args.test_size), train_size=args.train_size,
                          test_size=args.test_size, val_split=0.0 if args.validate_on_test else args.val_split,
                          seed=args.seed)
        print(f"data: {args.data}, {dataset.sizes()} images, {dataset.num_classes} classes", flush=True)
        from dsconv.training.engine import train_run

        batches = -(-dataset.sizes()["train"] // args.batch_size)
        record = train_run(dataset, config, out_dir=args.out, title=args.title, run_name=args.name,
                           on_progress=_printer(max(1, batches // 5)), stop_event=stop,
                           data_info={"data_dir_name": Path(args.data_dir).name} if args.data_dir else None)
    except (DataError, TrainingError, ModelConfigError, RunFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: stopped before a record was written (Ctrl+C twice).", file=sys.stderr)
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for part in record.architectures:
        best = part.best_val_accuracy()
        print(f"{part.name}: {part.params:,} params, {len(part.epochs)} epochs ({part.status}), "
              f"best val_acc {best if best is None else round(best, 4)}, test_acc "
              f"{None if part.test_accuracy is None else round(part.test_accuracy, 4)}, "
              f"{part.mean_epoch_seconds() or 0:.1f} s/epoch", flush=True)
    print(f"record: {Path(args.out) / (args.name + '.json')} ({record.status})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
