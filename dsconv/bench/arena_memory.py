"""Benchmark: the server's resident memory while the Training arena's default launch trains.

`python -m dsconv.bench arena_memory` loads what a Streamlit server holds once the launcher is open
(Streamlit, Plotly, the bundled runs and their replay figure; the device check and timing probes run in a
subprocess), then runs the page's default launch (LaunchSettings(): synthetic data,
2,000 images, standard and separable, 3 epochs, batch 32) through dsconv.arena.job exactly as the page does
(on a thread of this process by default; in a child process with DSCONV_ARENA_TRAIN_IN_SUBPROCESS=1),
sampling the VmRSS of this process (and of the child) from /proc ten times a second. Goal: under 1.5 GB
(Streamlit Community Cloud gives an app 0.7-2.7 GB). `--train-size 10000 --source cifar10-local --data-dir
DIR` measures the largest launch the default caps allow. Takes about 1-3 minutes on a 2-core CPU.
Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

GOAL_BYTES = 1.5e9


def rss_bytes(field: str = "VmRSS", pid: int | str = "self") -> int:
    """Resident memory (VmRSS) or its peak (VmHWM) of a process from /proc/PID/status, in bytes (0 if gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        if pid == "self":
            raise OSError("/proc/self/status is missing: this benchmark needs Linux") from None
        return 0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024  # the kernel reports kB
    return 0


class Sampler:
    """Samples the server's (this process's) and the training process's VmRSS on a thread; keeps the peaks."""

    def __init__(self, every: float = 0.1) -> None:
        self.every, self._stop = every, threading.Event()
        self.server_peak, self.child_peak, self.total_peak = rss_bytes(), 0, rss_bytes()
        self.child_pid: int | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        server = rss_bytes()
        child = rss_bytes(pid=self.child_pid) if self.child_pid else 0
        self.server_peak, self.child_peak = max(self.server_peak, server), max(self.child_peak, child)
        self.total_peak = max(self.total_peak, server + child)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:,.0f} MB"


def main(argv: list[str]) -> int:
    """Run the default launch in-process and print the peak resident memory with the machine."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench arena_memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train-size", type=int, help="training images (default: the page's default launch)")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--source", help="synthetic (default), cifar10, cifar10-local or folder")
    parser.add_argument("--data-dir", default="")
    args = parser.parse_args(argv)

    import dataclasses

    import plotly  # noqa: F401 - a server holds these
    import streamlit  # noqa: F401

    import dsconv.arena as arena
    from dsconv.figures.training import replay_figure
    from dsconv.training import replay

    runs, _ = replay.load_bundled()
    if runs:
        replay_figure(replay.all_series(runs)).to_json()
    settings = arena.LaunchSettings()
    changes = {k: v for k, v in (("train_size", args.train_size), ("source", args.source),
                                 ("data_dir", args.data_dir or None)) if v is not None}
    if args.epochs is not None:
        changes["train"] = dataclasses.replace(settings.train, epochs=args.epochs)
    settings = dataclasses.replace(settings, **changes)
    limits = dataclasses.replace(arena.ArenaLimits.from_settings(), heartbeat_seconds=1e9)  # no heartbeats here
    settings.check(limits)
    from dsconv.devices import library_versions

    # As the launcher does: the device and a timing probe per architecture, measured in a subprocess.
    device, _ = arena.machine_profile(settings.train.architectures, settings.train.model.network.width_multiplier)
    before = rss_bytes()
    begin = time.perf_counter()
    with Sampler() as sampler:
        job = arena.TrainingJob(settings, limits, slots=arena.TrainingSlots(1)).start()
        while not job.join(0.05):
            sampler.child_pid = sampler.child_pid or job.process_id
    seconds = time.perf_counter() - begin
    snap = job.snapshot()
    if snap.state != "complete":
        print(f"the launch ended {snap.state}: {snap.message}")
        return 1
    versions = library_versions()
    print(f"arena memory: {settings.source}, {settings.train_size:,} training images (a tenth held out), "
          f"{settings.test_size:,} test, {settings.train.epochs} epochs, batch {settings.train.batch_size}, "
          f"{' + '.join(settings.train.architectures)}; trained in {seconds:.0f} s")
    child_peak = max(sampler.child_peak, job.child_peak_rss or 0)
    print(f"  server process before the launch (Streamlit, Plotly, bundled runs loaded): {mb(before)}")
    print(f"  server process peak while training (sampled every 0.1 s): {mb(sampler.server_peak)}; "
          f"after (models rebuilt for the Filters page): {mb(rss_bytes())}")
    if job.process_id:
        print(f"  training process peak (its VmHWM): {mb(child_peak)}")
        print(f"  both together, highest sampled sum: {mb(sampler.total_peak)}")
    else:
        print("  (training ran on a thread of the server process; DSCONV_ARENA_TRAIN_IN_SUBPROCESS=1 measures "
              "the subprocess mode)")
    verdict = "under" if sampler.total_peak < GOAL_BYTES and rss_bytes() < GOAL_BYTES else "OVER"
    print(f"  goal: everything together under {mb(GOAL_BYTES)} -> {verdict}")
    print(f"machine: {device}; keras {versions['keras']} on {versions['backend']} "
          f"{versions['backend_version']}")
    return 0
