"""Layer timings for the Speed lab's bundled measurements: `python -m dsconv.bench layers --out FILE`.

Measures the device's roofs first (peak GFLOP/s of a large matrix product, GB/s of a large array copy, and
the time of the smallest call: dsconv.speed.roofline), then times Conv2D, SeparableConv2D, DepthwiseConv2D + 1x1
Conv2D (and the two steps alone), forward and forward + backward, for four sets: the page's default layer, a sweep over output channels, a sweep over
kernel size, and the six convolution layers of the tutorial's VGG model at its batch of 128.
Takes about 40 s on 2 idle cores, about 2 minutes on busy ones (less with --quick). Writes JSON that the page shows as is.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from dsconv import ASSETS
from dsconv.costs.intensity import COMPARED_KINDS
from dsconv.costs.network import NetworkConfig, network_summary
from dsconv.speed import (
    PASSES,
    SWEEP_PARAMETERS,
    SWEEP_VALUES,
    TIMED_KINDS,
    LayerSetup,
    Limits,
    TimingSettings,
    sweep_setups,
    time_steps,
)

DEFAULT_OUT = ASSETS / "speed" / "cpu.json"
# A benchmark is not a click: it may time the tutorial's full batch of 128.
BENCH_LIMITS = Limits(max_tensor_elements=2**25, max_multiply_adds=50_000_000_000)
TUTORIAL_BATCH = 128  # the tutorial's model.fit batch size


def tutorial_layers(batch: int = TUTORIAL_BATCH) -> list[tuple[str, LayerSetup]]:
    """The six 3x3 convolutions of the tutorial's VGG model (names and shapes from dsconv.costs.network)."""
    summary = network_summary(NetworkConfig())
    shape = summary.config.input_shape
    layers = []
    for row in summary.rows:
        if row.name.startswith("block") and "_conv" in row.name:
            height, width, in_channels = shape
            layers.append((row.name, LayerSetup(height=height, width=width, in_channels=in_channels,
                                                out_channels=row.output_shape[2], kernel_size=3, batch=batch)))
        shape = row.output_shape
    return layers


def machine_description() -> dict[str, str]:
    """The CPU as lscpu names it, its cores, and the Keras device string."""
    from dsconv.speed.measure import device_name

    details = {"device": device_name()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        lscpu = ""
    for line in lscpu.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Hypervisor vendor"):
            details["lscpu " + key.strip()] = value.strip()
    return details


def log_progress(fraction: float, text: str) -> None:
    """Print progress on one line."""
    print(f"\r  [{fraction:4.0%}] {text:<70}", end="" if fraction < 1 else "\n", flush=True)


def main(argv: list[str]) -> int:
    """Measure every set and write the bundled JSON file."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench layers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON file to write (default {DEFAULT_OUT})")
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per layer kind and pass (default 15)")
    parser.add_argument("--quick", action="store_true", help="5 repeats, tutorial layers forward + backward only")
    parser.add_argument("--note", default="", help="what the reader should know about the conditions "
                        "(default: the machine's load average before and after)")
    args = parser.parse_args(argv)
    import keras

    from dsconv.devices import library_versions

    load_at_start = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else ""
    repeats = 5 if args.quick else args.repeats
    settings = TimingSettings(warmup=2, repeats=repeats, min_repeats=3, time_cap_s=600.0)
    from dsconv.speed.roofline import measure_roofs

    print("Roofs: a large matrix product, a large array copy and the smallest call ...")
    roofs = measure_roofs()
    print(f"  peak {roofs.peak_gflops:.1f} GFLOP/s, bandwidth {roofs.bandwidth_gbs:.1f} GB/s (ridge point "
          f"{roofs.ridge:.1f} FLOPs/byte), smallest call {roofs.call_ms:.3f} ms forward, "
          f"{roofs.call_backward_ms:.3f} ms forward + backward")
    if roofs.floors_within_noise:  # as the page says it (Roofs.floor_note)
        print(f"  {roofs.floor_note()}")
    sets = {}
    default = LayerSetup()
    print(f"Default layer {default} ...")
    sets["default"] = {"title": "The page's default layer", "parameter": None,
                       "timings": time_steps([(k, p, default) for p in PASSES for k in TIMED_KINDS], settings, log_progress)}
    for parameter in SWEEP_PARAMETERS:
        setups, notes = sweep_setups(default, parameter, SWEEP_VALUES[parameter], BENCH_LIMITS)
        print(f"Sweep over {SWEEP_PARAMETERS[parameter]}: {[getattr(s, parameter) for s in setups]} ...")
        tasks = [(k, p, s) for p in PASSES for s in setups for k in COMPARED_KINDS]
        sets[f"sweep_{parameter}"] = {"title": f"Sweep over {SWEEP_PARAMETERS[parameter]}", "parameter": parameter,
                                      "notes": notes, "timings": time_steps(tasks, settings, log_progress)}
    layers = tutorial_layers()
    passes = ("forward_backward",) if args.quick else PASSES
    print(f"The tutorial's six convolutions at batch {TUTORIAL_BATCH} ...")
    tasks = [(k, p, s) for _, s in layers for p in passes for k in TIMED_KINDS]
    sets["tutorial_layers"] = {"title": f"The tutorial's six convolution layers, batch {TUTORIAL_BATCH}",
                               "parameter": None, "layer_names": [name for name, _ in layers],
                               "timings": time_steps(tasks, settings, log_progress)}
    load_at_end = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else ""
    note = args.note or (f"Load average (1, 5, 15 minutes) {load_at_start} before and {load_at_end} after; "
                         f"above {os.cpu_count()} the CPU was shared and the timings are slower and noisier."
                         if load_at_start else "")
    meta = {**machine_description(), **library_versions(), "backend": keras.backend.backend(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python -m dsconv.bench layers " + " ".join(argv), "note": note,
            "settings": {"warmup": settings.warmup, "repeats": repeats, "min_repeats": settings.min_repeats},
            "load_average_start": load_at_start,  # 1, 5 and 15-minute load averages: above 2 means a busy 2-core CPU
            "load_average": load_at_end, "roofs": roofs.to_dict()}
    for entry in sets.values():
        entry["timings"] = [t.to_dict() for t in entry["timings"]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "sets": sets}, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {args.out} ({meta['device']}; {meta['note']})")
    summarize(sets)
    return 0


def summarize(sets: dict) -> None:
    """Print the median ms of each kind and pass for the default layer and the tutorial's layers in total."""
    from dsconv.speed.timings import Timing

    for name in ("default", "tutorial_layers"):
        timings = [t if isinstance(t, Timing) else Timing.from_dict(t) for t in sets[name]["timings"]]
        print(f"\n{sets[name]['title']}: median ms (summed over layers), GFLOP/s")
        for pass_name in PASSES:
            for kind in TIMED_KINDS:
                rows = [t for t in timings if t.kind == kind and t.pass_name == pass_name and t.measured]
                if rows:
                    total_ms = sum(t.median_ms for t in rows)
                    gflops = 2 * sum(t.multiply_adds for t in rows) / (total_ms * 1e6)
                    print(f"  {pass_name:17s} {kind:20s} {total_ms:9.2f} ms  {gflops:7.1f} GFLOP/s")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
