"""`python -m dsconv.bench replay`: time to build the Training arena's replay figure, and its size, by epochs.

A run record of N epochs and two models (made up here: smooth curves, no TensorFlow) is replayed as the page
does it. With a frame per epoch holding every earlier epoch, the figure grew with the square of N (400 epochs
made 20 MB); frames are now capped (dsconv.figures.training.MAX_FRAMES) and carry only x and y, so it grows
linearly. Takes about 10 seconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import plotly.io as pio

from dsconv.devices import cpu_model
from dsconv.figures.training import replay_figure
from dsconv.training import replay
from dsconv.training.runs import MAX_RECORD_EPOCHS, ArchitectureRun, EpochLog, RunRecord


def record(epochs: int) -> RunRecord:
    """A run of `epochs` epochs for the standard and separable models, with smooth made-up curves."""
    def logs(slower: float) -> list[EpochLog]:
        return [EpochLog(i, 2.0 / i, 1 - 0.6 / i, 2.2 / i, 1 - 0.7 / i, 10.0 * slower + i % 3)
                for i in range(1, epochs + 1)]
    parts = [ArchitectureRun(name, {}, 1000, 50_000, logs(slower), "complete")
             for name, slower in (("standard", 2.0), ("separable", 1.0))]
    return RunRecord("benchmark", "measured", "2026-01-01T00:00:00+00:00", {}, {"epochs": epochs}, {}, {}, parts,
                     "complete")


def measure(epochs: int, repeats: int) -> dict:
    """Median build time (ms, figure and its JSON) and JSON size (MB) of the replay of `epochs` epochs."""
    series = replay.all_series([replay.LoadedRun("bench", "benchmark", "bundled", record(epochs))])
    times, size, frames = [], 0, 0
    for _ in range(repeats):
        start = time.perf_counter()
        figure = replay_figure(series)
        text = pio.to_json(figure, validate=False)
        times.append((time.perf_counter() - start) * 1000)
        size, frames = len(text.encode()) / 1e6, len(figure.frames)
    return {"median_ms": statistics.median(times), "mb": size, "frames": frames}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="builds to time per size (default 3)")
    parser.add_argument("--epochs", type=int, nargs="+", default=[10, 100, 200, 400, MAX_RECORD_EPOCHS],
                        help=f"epoch counts to replay (default 10 100 200 400 {MAX_RECORD_EPOCHS})")
    args = parser.parse_args(argv)
    if args.repeats < 1 or any(not 1 <= n <= MAX_RECORD_EPOCHS for n in args.epochs):
        parser.error(f"--repeats must be at least 1 and each --epochs from 1 to {MAX_RECORD_EPOCHS}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {cpu_model()}, Python {platform.python_version()}, {platform.system()} {platform.machine()}; "
          f"load average {load:.1f} when it started")
    print(f"{'epochs':>7} {'frames':>7} {'build + JSON':>13} {'JSON':>9}")
    for epochs in args.epochs:
        found = measure(epochs, args.repeats)
        print(f"{epochs:>7} {found['frames']:>7} {found['median_ms']:>10.0f} ms {found['mb']:>6.2f} MB")
    return 0
