"""How long a Training arena launch will take: speeds recorded by finished runs or probed in a child
process, kept once per server process, and the estimate built from them. Keras is imported only by the probe.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from dsconv import ONE_AT_A_TIME
from dsconv.arena.settings import LaunchSettings, train_and_val_sizes
from dsconv.arena.spawning import without_main
from dsconv.kinds import noun
from dsconv.safe_text import listed

EVAL_FRACTION = 1 / 3  # evaluating an image is a forward pass: about a third of a training step's work
DATA_SECONDS = 2.0  # loading and cutting the data, roughly, before the first model starts
MIN_RECORDED_IMAGES = 500  # below this, an epoch's time is mostly fixed costs, not images
PROBE_BATCHES = (8, 64)  # the probe times steps at both: a step's fixed cost apart from its images, and per image
PROBE_STEPS = 5  # timed steps at each batch, after one that traces the graph: their median (three, averaged, gave
# a step's fixed cost of 0 on one run and 8.8 ms on the next)
# Where a speed comes from, each replacing the ones before it: a probe's few steps on random images; a run file
# bundled with the app, recorded on a machine described as this one is; a launch that finished on this server.
SOURCES = ("probe", "recorded", "launched")


@dataclass(frozen=True)
class Speed:
    """How fast one architecture trains on this machine."""

    seconds_per_image: float  # one training step's time divided by its images
    overhead_seconds: float  # building, compiling and tracing the model before the first step
    source: str  # one of SOURCES
    batch: int | None = None  # the batch size it was timed at, where known: another batch trains at another speed
    # A training step's fixed cost, apart from its images (the probe's two batches tell them apart; None where not
    # known): the time per image at batch b is seconds_per_image + step_seconds x (1/b - 1/batch)
    step_seconds: float | None = None

    def rescales(self) -> bool:
        """Whether this speed can be carried to another batch size (its step's fixed cost is known)."""
        return self.step_seconds is not None and bool(self.batch)

    def per_image(self, batch: int) -> float:
        """Seconds per image at `batch`: a small batch pays a step's fixed cost over few images (one probe's speed
        at batch 8 stood behind a launch at batch 512: estimated 23.7 s, it took 14.0 s)."""
        if not self.rescales() or batch == self.batch:
            return self.seconds_per_image
        return max(0.0, self.seconds_per_image + self.step_seconds * (1 / batch - 1 / self.batch))


@dataclass(frozen=True)
class Estimate:
    """Estimated seconds for a launch, per architecture and in all."""

    per_architecture: dict[str, float]
    total_seconds: float
    sources: tuple[str, ...]  # where the speeds came from
    # (architecture, batch size) for each speed timed at one batch and not carried to others (no probe's curve)
    unscaled: tuple[tuple[str, int], ...] = ()


# (device, architecture, width multiplier) -> the best speed (by SOURCES), and the model's probe
_SPEEDS: dict[tuple[str, str, float], Speed] = {}
_PROBES: dict[tuple[str, str, float], Speed] = {}
_SPEEDS_LOCK = threading.Lock()


def carried(speed: Speed, probe: Speed) -> Speed:
    """`speed`, timed at one batch size, made to change with the batch as the probe's speed does: the probe's curve
    scaled to pass through it (a run's epochs have costs that a probe's steps have not). Unchanged where either
    cannot be carried."""
    if speed.rescales() or not speed.batch or not probe.rescales():
        return speed
    ratio = speed.seconds_per_image / probe.per_image(speed.batch)
    return replace(speed, step_seconds=probe.step_seconds * ratio)


def known_speed(device: str, architecture: str, width_multiplier: float) -> Speed | None:
    """The best speed this process knows for this device and model, if any, carried by its probe where it has one (a
    bundled run's speed at batch 128 stood behind every launch, whatever its batch, on the machine it was timed on)."""
    key = (device, architecture, float(width_multiplier))
    with _SPEEDS_LOCK:
        best, probe = _SPEEDS.get(key), _PROBES.get(key)
    return carried(best, probe) if best is not None and probe is not None else best


def probed(device: str, architecture: str, width_multiplier: float) -> bool:
    """Whether this process has probed this model on this device."""
    with _SPEEDS_LOCK:
        return (device, architecture, float(width_multiplier)) in _PROBES


def remember_speed(device: str, architecture: str, width_multiplier: float, speed: Speed) -> None:
    """Keep a speed for later estimates: a later source (SOURCES) replaces an earlier one, never the other way round
    (the bundled runs, read again on every run of the page, replaced the speed a launch on this server had just
    timed), and a model's first probe is kept apart, to carry the others to any batch size."""
    key = (device, architecture, float(width_multiplier))
    with _SPEEDS_LOCK:
        if speed.source == "probe":
            _PROBES.setdefault(key, speed)
        held = _SPEEDS.get(key)
        if held is None or SOURCES.index(speed.source) > SOURCES.index(held.source) or \
                (speed.source == held.source != "probe"):
            _SPEEDS[key] = speed


def speeds_from_record(record: Any, source: str = "recorded") -> dict[tuple[str, str, float], Speed]:
    """Speeds measured by a finished run: mean epoch seconds / (training images + validation images / 3); `source`:
    "recorded" for a run file, "launched" for a launch on this server.

    Runs under MIN_RECORDED_IMAGES training images are skipped: fixed per-epoch costs dominate them.
    """
    if record.kind != "measured" or (record.data.get("train_size") or 0) < MIN_RECORDED_IMAGES:
        return {}
    train = record.data.get("train_size") or 0
    val = record.data.get("val_size") or 0
    device = str(record.device.get("description", ""))
    speeds = {}
    for arch in record.architectures:
        mean = arch.mean_epoch_seconds()
        if mean and train:
            alpha = float(arch.model.get("width_multiplier", 1.0))
            batch = record.recipe.get("batch_size")
            speeds[(device, arch.name, alpha)] = Speed(mean / (train + val * EVAL_FRACTION), 3.0, source,
                                                       batch if isinstance(batch, int) and batch > 0 else None)
    return speeds


def fitted_speed(step_times: Mapping[int, float], overhead_seconds: float) -> Speed:
    """A probe's speed from a training step's time at two batch sizes (PROBE_BATCHES): a step takes a fixed cost
    plus a cost per image, a straight line through the two (its fixed cost at least 0), kept at the larger batch."""
    (small, t_small), (large, t_large) = sorted(step_times.items())
    if t_large <= t_small:  # more images took no longer: the load changed mid-probe, and the line says nothing (its
        # cost per image below 0 estimated a launch at batch 512 at its overhead alone)
        return Speed(t_large / large, overhead_seconds, "probe", large)
    fixed = max(0.0, (large * t_small - small * t_large) / (large - small))
    return Speed(t_large / large, overhead_seconds, "probe", large, fixed)


def probe_speed(architecture: str, width_multiplier: float) -> Speed:
    """Time training steps on random images at each of PROBE_BATCHES (imports Keras; a few seconds): the model's
    overhead before its first step, a step's fixed cost and the cost per image (fitted_speed)."""
    with ONE_AT_A_TIME:
        import keras
        import numpy as np

        from dsconv.training.models import ModelConfig, build_model, compile_model

    begin = time.perf_counter()
    model = compile_model(build_model(ModelConfig.of(conv_kind=architecture, width_multiplier=width_multiplier)))
    step_times, overhead = {}, 0.0
    for batch in PROBE_BATCHES:
        images = np.random.default_rng(batch).integers(0, 256, size=(batch, 32, 32, 3)).astype("float32")
        labels = np.arange(batch) % 10
        model.train_on_batch(images, labels)  # the first step at a batch size traces the graph
        warm = time.perf_counter()
        times = []
        for _ in range(PROBE_STEPS):
            start = time.perf_counter()
            model.train_on_batch(images, labels)
            times.append(time.perf_counter() - start)
        step_times[batch] = statistics.median(times)
        overhead = overhead or max(0.0, warm - begin - step_times[batch])  # building and the first trace
    keras.backend.clear_session(free_memory=False)
    return fitted_speed(step_times, overhead)


def _probe_child(architectures: tuple[str, ...], width_multiplier: float) -> tuple[str, dict]:
    with ONE_AT_A_TIME:
        from dsconv.devices import describe_device

    device = str(describe_device()["description"])
    return device, {arch: probe_speed(arch, width_multiplier) for arch in architectures}


_DEVICE: list[str] = []  # this machine's description, once a probe process has reported it
# One probe at a time: sessions that opened the launcher together each started one, on the same two cores, and the
# first to finish (timed beside the others) was kept for the server's life
_PROBING = threading.Lock()


def machine_profile(architectures: tuple[str, ...], width_multiplier: float,
                    probe: bool = True) -> tuple[str, dict[str, Speed]]:
    """This machine's device and the known speed of each architecture, probing (probe=True) each model not probed
    yet, one with a recorded speed too: the probe carries that speed to the launch's batch size.

    The device check and the probes run in a fresh process, so the server itself never loads TensorFlow
    for them (its memory stays small, and Streamlit's per-run clean-up stays fast). Results are kept.
    """
    def missing() -> list[str]:
        return [arch for arch in architectures if not _DEVICE or not probed(_DEVICE[0], arch, width_multiplier)] \
            if probe else []

    if not _DEVICE or missing():
        with _PROBING:  # sessions waiting here find the models probed once the probe before theirs is done
            left = missing()
            if not _DEVICE or left:
                context = multiprocessing.get_context("spawn")
                with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
                    with without_main():  # the process starts here, in this thread
                        future = pool.submit(_probe_child, tuple(left), width_multiplier)
                    device, speeds = future.result()
                _DEVICE[:] = [device]
                for arch, speed in speeds.items():
                    remember_speed(device, arch, width_multiplier, speed)
    device = _DEVICE[0]
    found = {arch: known_speed(device, arch, width_multiplier) for arch in architectures}
    return device, {arch: speed for arch, speed in found.items() if speed is not None}


def _source_rank(source: str) -> int:
    return SOURCES.index(source) if source in SOURCES else len(SOURCES)


def estimate_launch(settings: LaunchSettings, speeds: Mapping[str, Speed]) -> Estimate:
    """Seconds = data + per model: overhead + epochs x (train + val/3) x s/image + test/3 x s/image, each speed at the
    launch's batch size where it can be carried there (Speed.per_image)."""
    train, val = train_and_val_sizes(settings)
    per_arch = {}
    for arch in settings.train.architectures:
        speed = speeds[arch]
        # a batch larger than the training set is one step of the set's size
        per_image = speed.per_image(min(settings.train.batch_size, max(1, train)))
        per_arch[arch] = (speed.overhead_seconds + settings.train.epochs * (train + val * EVAL_FRACTION) * per_image
                          + settings.test_size * EVAL_FRACTION * per_image)
    sources = tuple(sorted({speeds[a].source for a in settings.train.architectures}, key=_source_rank))
    unscaled = tuple((a, speeds[a].batch) for a in settings.train.architectures
                     if speeds[a].batch and not speeds[a].rescales())
    return Estimate(per_arch, DATA_SECONDS + sum(per_arch.values()), sources, unscaled)


def batch_note(estimate: Estimate, batch_size: int) -> str | None:
    """Where a model's speed behind an estimate was timed at another batch size than the launch's and cannot be
    carried to it (a run's, for a model this server has not probed: it is training), that the estimate may be off:
    one probe's batch stood behind every later launch's estimate (batch 8 took 21.4 s where batch 512 took 14.0 s,
    both estimated at 23.7 s)."""
    other = [(arch, batch) for arch, batch in estimate.unscaled if batch != batch_size]
    if not other:
        return None
    timed = listed([f"the {noun(arch)} model's speed was timed at batch {batch:,}" for arch, batch in other])
    return (f"{timed[0].upper()}{timed[1:]}; this launch trains at batch {batch_size:,}, and a step's time per image "
            "changes with the batch, so the launch may take more or less.")


def learn_from_records(records: Sequence[Any]) -> int:
    """Remember the speeds of every finished run in `records` (see speeds_from_record); returns how many."""
    learned = 0
    for record in records:
        for (device, architecture, width_multiplier), speed in speeds_from_record(record).items():
            remember_speed(device, architecture, width_multiplier, speed)
            learned += 1
    return learned


def launch_estimate(settings: LaunchSettings, probe: bool = True) -> tuple[str, Estimate | None]:
    """This machine's device and the launch's estimated time; None when a model's speed is unknown and may not
    be probed now (probe=False: the server is training, and a probe would be slow and wrong)."""
    recipe = settings.train
    device, speeds = machine_profile(recipe.architectures, recipe.model.network.width_multiplier, probe=probe)
    if any(architecture not in speeds for architecture in recipe.architectures):
        return device, None
    return device, estimate_launch(settings, speeds)
