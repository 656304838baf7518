"""Benchmark: the Training arena's launch estimate against the launch's real time, at several batch sizes.

`python -m dsconv.bench estimates [--batches 8 32 512] [--train-size 2000] [--epochs 3]` probes this machine as the
launcher does (a child process times training steps of each model at two batch sizes), then, for each batch size,
prints the launcher's estimate, the estimate that the probe's speed at one batch alone would give (what the launcher
showed before it carried a speed to the launch's batch), and the launch's own time, run through dsconv.arena.job as
the page runs it (the page's default launch: synthetic images, the standard and separable models). About 2 minutes
on a 2-core CPU with the defaults.
"""

from __future__ import annotations

import argparse
import dataclasses
import time


def timed_launch(settings, limits) -> float:
    """Seconds from the start of a launch to its end, as the page starts it (raises if it does not complete)."""
    import dsconv.arena as arena

    begin = time.perf_counter()
    job = arena.TrainingJob(settings, limits, slots=arena.TrainingSlots(1)).start()
    while not job.join(0.05):
        pass
    seconds = time.perf_counter() - begin
    snap = job.snapshot()
    if snap.state != "complete":
        raise RuntimeError(f"the launch at batch {settings.train.batch_size} ended {snap.state}: {snap.message}")
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench estimates", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 32, 512])
    parser.add_argument("--train-size", type=int, default=None, help="training images (default: the page's)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs (default: the page's)")
    args = parser.parse_args(argv)

    import dsconv.arena as arena

    default = arena.LaunchSettings()
    recipe = dataclasses.replace(default.train, epochs=args.epochs or default.train.epochs)
    base = dataclasses.replace(default, train=recipe, train_size=args.train_size or default.train_size)
    limits = dataclasses.replace(arena.ArenaLimits.from_settings(), heartbeat_seconds=1e9)  # no heartbeats here
    base.check(limits)
    device, speeds = arena.machine_profile(recipe.architectures, recipe.model.network.width_multiplier)
    for arch, speed in speeds.items():
        print(f"probe, {arch}: {1000 * speed.seconds_per_image:.2f} ms per image at batch {speed.batch}, "
              f"{1000 * (speed.step_seconds or 0):.1f} ms fixed per step, {speed.overhead_seconds:.1f} s before the "
              "first step")
    one_batch = {arch: dataclasses.replace(speed, step_seconds=None) for arch, speed in speeds.items()}
    print(f"{base.source} data, {base.train_size:,} training images, {base.test_size:,} test, {recipe.epochs} epochs, "
          f"{' + '.join(recipe.architectures)}")
    for batch in args.batches:
        settings = dataclasses.replace(base, train=dataclasses.replace(recipe, batch_size=batch))
        settings.check(limits)
        estimate = arena.estimate_launch(settings, speeds).total_seconds
        before = arena.estimate_launch(settings, one_batch).total_seconds
        took = timed_launch(settings, limits)
        print(f"  batch {batch:>4}: estimated {estimate:5.1f} s (at the probe's one batch: {before:5.1f} s); took "
              f"{took:5.1f} s; the estimate is {estimate / took:.2f}x the time, the one-batch one {before / took:.2f}x",
              flush=True)
    print(f"machine: {device}")
    return 0
