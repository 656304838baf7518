"""Benchmark: is the synthetic data set learnable, and how fast? `python -m dsconv.bench synthetic`.

Trains the separable model (inputs scaled to 0-1) for 3 epochs on 2,000 synthetic images, 20% of them
held out for validation, and prints the validation accuracy and the seconds it took (Keras import and
data generation excluded, model building included). Target: at least 0.8 in under 30 s on a 2-core CPU.
Takes about 20-30 s in all.
"""

from __future__ import annotations

import argparse
import time


def main(argv: list[str]) -> int:
    """Run the benchmark and print its figures with the machine."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench synthetic", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--arch", default="separable")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from dsconv.devices import describe_device, library_versions
    from dsconv.training.data import prepare
    from dsconv.training.engine import TrainConfig, train_run
    from dsconv.training.synthetic import synthetic_dataset

    dataset = prepare(synthetic_dataset(args.images, 500, seed=args.seed), val_split=0.2, seed=args.seed)
    config = TrainConfig(architectures=(args.arch,), epochs=args.epochs, batch_size=args.batch_size, seed=args.seed)
    import keras  # noqa: F401 - imported before the clock starts

    begin = time.perf_counter()
    record = train_run(dataset, config)
    seconds = time.perf_counter() - begin
    part = record.architectures[0]
    print(f"synthetic benchmark: {args.arch}, {args.epochs} epochs, batch {args.batch_size}, "
          f"{dataset.sizes()['train']} train / {dataset.sizes()['validation']} validation images")
    for log in part.epochs:
        print(f"  epoch {log.epoch}: loss {log.loss:.4f}  acc {log.accuracy:.4f}  val_acc {log.val_accuracy:.4f}  {log.seconds:.1f} s")
    print(f"final validation accuracy {part.final_val_accuracy():.4f}, test accuracy {part.test_accuracy:.4f}, "
          f"{seconds:.1f} s in all (target: >= 0.8 in < 30 s)")
    versions = library_versions()
    print(f"machine: {describe_device()['description']}; keras {versions['keras']} on {versions['backend']} "
          f"{versions['backend_version']}")
    return 0
