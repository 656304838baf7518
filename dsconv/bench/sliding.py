"""`python -m dsconv.bench sliding`: time to build the Sliding kernels animation, and its size in the browser.

The case from the issue: a 16 x 16 x 3 picture, k = 3, "same" padding (256 positions), 4 standard
filters. Measures building the layer, all frames and both figures (the 2-D animation and the 3-D
view) in one go, as the page does on a cache miss; and the JSON the browser receives for each.
Goals: under 300 ms on a 2-core CPU, under 5 MB. Takes about 5 seconds. No TensorFlow.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import plotly.io as pio

from dsconv.devices import cpu_model
from dsconv.figures.sliding import sliding_figure
from dsconv.figures.volume import volume_figure
from dsconv.kinds import SLIDING_KINDS
from dsconv.sliding.engine import SlidingConfig, build_layer
from dsconv.sliding.frames import build_timeline
from dsconv.sliding.samples import sample_image

GOAL_MS = 300.0  # the goal for building everything on a 2-core CPU
GOAL_MB = 5.0  # the goal for the figure JSON sent to the browser


def build_all(size: int, config: SlidingConfig, preset: str):
    """Layer, frames and both figures, as the page builds them."""
    timeline = build_timeline(build_layer(sample_image("shape", size), config, preset))
    return timeline, sliding_figure(timeline), volume_figure(timeline)


def measure(size: int, config: SlidingConfig, preset: str, repeats: int) -> dict:
    """Median and spread of the build time (ms), and the JSON size (MB) of each figure."""
    times, cpu_times = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        timeline, figure, volume = build_all(size, config, preset)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    sizes = [len(pio.to_json(f, validate=False).encode()) / 1e6 for f in (figure, volume)]
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times),
            "cpu_ms": statistics.median(cpu_times),
            "frames": len(timeline.frames), "steps": timeline.total_positions, "mb": sizes}


def main(argv: list[str]) -> int:
    """Print the build time and figure sizes for the issue's case (and, with --all-modes, every mode)."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench sliding", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="builds to time (default 7)")
    parser.add_argument("--all-modes", action="store_true", help="also time every mode at 16 x 16 (about 30 s)")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {cpu_model()}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; load average {load:.1f} when it started")
    if load > (os.cpu_count() or 1):
        print("note: other programs were using the CPU; wall times are slower and noisier than on an idle machine.")
    build_all(8, SlidingConfig(), "sobel")  # warm-up: imports and first calls
    cases = [("standard, 4 filters (the issue's case)", SlidingConfig(padding="same"))]
    if args.all_modes:
        cases += [(mode, SlidingConfig(mode=mode, padding="same", out_channels=6, depth_multiplier=2,
                                       groups=3 if mode == "grouped" else 1)) for mode in SLIDING_KINDS]
    for label, config in cases:
        result = measure(16, config, "sobel", args.repeats)
        verdict = "meets" if result["median_ms"] < GOAL_MS and sum(result["mb"]) < GOAL_MB else "MISSES"
        print(f"16 x 16 x 3, k = 3, same, {label}: {result['steps']} steps in {result['frames']} frames")
        print(f"  build layer + frames + both figures: median {result['median_ms']:.0f} ms "
              f"(min {result['min_ms']:.0f}, max {result['max_ms']:.0f}, {args.repeats} runs; goal < {GOAL_MS:.0f} ms); "
              f"CPU time {result['cpu_ms']:.0f} ms (equals the wall time on an idle machine)")
        print(f"  JSON to the browser: animation {result['mb'][0]:.2f} MB + 3-D view {result['mb'][1]:.2f} MB = "
              f"{sum(result['mb']):.2f} MB (goal < {GOAL_MB:.0f} MB) -> {verdict} the goals")
    return 0
