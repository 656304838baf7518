"""The launch side of the Training arena, without Streamlit: size limits, a shared training slot, time
estimates, and a background training job that the page polls.

One server may host a whole class, so trainings share a process-wide slot limiter (one at a time by
default); a job runs `dsconv.training.train_run` on a thread, publishes a progress snapshot after every
batch, stops on request after the current batch, and stops by itself when its browser tab goes quiet.
Keras is imported only inside the functions that train or probe.
"""

from __future__ import annotations

import concurrent.futures
import io
import itertools
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
import weakref
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from dsconv.data import IMAGE_SUFFIXES, SOURCES
from dsconv.network import CONV_KINDS

ENV_PREFIX = "DSCONV_ARENA_"
STOP_GRACE_SECONDS = 30.0  # a stop request not honoured by then (one enormous batch) ends the process
STATES = ("loading", "training", "complete", "stopped", "failed")


class ArenaError(ValueError):
    """A launch that this server will not run, explained in one sentence."""


class ArenaBusy(ArenaError):
    """Every training slot is taken; the sentence says for about how long."""


@dataclass(frozen=True)
class ArenaLimits:
    """What one launch may ask for; override with st.secrets["arena"] or DSCONV_ARENA_<NAME> variables."""

    max_concurrent: int = 1  # a 2-core CPU trains one model at full speed; two would each crawl
    max_train_images: int = 10_000  # a fifth of CIFAR-10: ~1-3 min per standard epoch on a cloud CPU
    max_test_images: int = 2_000  # enough for a test accuracy to about ±1%
    max_epochs: int = 20  # the curves bend well before 20 epochs at these sizes
    max_batch_size: int = 512  # larger batches only cost memory on a CPU
    max_folder_images: int = 20_000  # an image folder is read whole before sampling
    heartbeat_seconds: float = 10.0  # a tab silent this long (and disconnected) is taken as closed
    allow_server_folders: bool = True  # False on a public server: no reading paths on its disk
    train_in_subprocess: bool = False  # a process isolates training from Streamlit, but costs a second
    # TensorFlow (~0.6-0.9 GB); a thread shares the server's, keeping a launch under 1.5 GB in all

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None,
                      environ: Mapping[str, str] | None = None) -> "ArenaLimits":
        """Defaults, overridden by `settings` (field names), then by DSCONV_ARENA_<FIELD> environment variables."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = (settings or {}).get(item.name)
            raw = environ.get(ENV_PREFIX + item.name.upper(), raw)
            if raw is not None:
                values[item.name] = _parse_setting(item.name, raw, type(item.default))
        limits = cls(**values)
        if limits.max_concurrent < 1 or limits.max_train_images < 20 or limits.max_test_images < 10 \
                or limits.max_epochs < 1 or limits.max_batch_size < 1 or limits.heartbeat_seconds <= 0:
            raise ArenaError("The arena's limits must allow at least 1 training, 20 training and 10 test images, "
                             "1 epoch, batch size 1 and a positive heartbeat; check DSCONV_ARENA_* settings.")
        return limits


def _parse_setting(name: str, raw: Any, kind: type) -> Any:
    text = str(raw).strip().lower()
    try:
        if kind is bool:
            if text not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(text)
            return text in ("1", "true", "yes")
        return kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
    except ValueError:
        raise ArenaError(f"The arena setting {name} must be a {kind.__name__}; got {raw!r}.") from None


@dataclass(frozen=True)
class LaunchSettings:
    """One launch: the data, the sizes, the recipe and which architectures to train."""

    source: str = "synthetic"  # generated shapes: no download, learnable in a few epochs
    data_dir: str = ""  # folder for cifar10-local and folder sources
    train_size: int = 2_000  # including the validation images held out of it
    test_size: int = 500
    epochs: int = 3  # about a minute for both models on a 2-core CPU
    batch_size: int = 32  # small batches learn faster per epoch on small data
    width_multiplier: float = 1.0  # MobileNet's alpha
    architectures: tuple[str, ...] = ("standard", "separable")  # the tutorial's comparison
    seed: int = 0
    val_split: float = 0.1  # a tenth of the training images held out for validation
    validate_on_test: bool = False  # the tutorial's shortcut, off: the test set stays unseen

    def check(self, limits: ArenaLimits) -> None:
        """Raise ArenaError with a sentence when this launch breaks a rule or a limit."""
        if self.source not in SOURCES:
            raise ArenaError(f"Choose a data source from {', '.join(SOURCES)}.")
        unknown = [a for a in self.architectures if a not in CONV_KINDS]
        if not self.architectures or unknown:
            raise ArenaError(f"Pick at least one architecture from {', '.join(CONV_KINDS)}.")
        for name, value, low, high in (("training images", self.train_size, 20, limits.max_train_images),
                                       ("test images", self.test_size, 10, limits.max_test_images),
                                       ("epochs", self.epochs, 1, limits.max_epochs),
                                       ("batch size", self.batch_size, 1, limits.max_batch_size)):
            if not low <= value <= high:
                raise ArenaError(f"The number of {name} must be between {low:,} and {high:,} on this server; "
                                 f"got {value:,}.")
        if self.source in ("cifar10-local", "folder"):
            if not limits.allow_server_folders:
                raise ArenaError("This server does not read folders from its disk; use synthetic data or the "
                                 "CIFAR-10 download.")
            if not self.data_dir.strip():
                raise ArenaError("Type the folder that holds the images (on the machine that runs this app).")
        if not 0.25 <= self.width_multiplier <= 2:
            raise ArenaError(f"The width multiplier must be between 0.25 and 2 here; got {self.width_multiplier}.")

    def title(self) -> str:
        """A short title for the run record."""
        train, _ = train_and_val_sizes(self)
        return (f"{' vs '.join(self.architectures)} · {self.source} · {train:,} images · "
                f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}")


def count_folder_images(folder: str | Path, stop_after: int) -> int:
    """Image files under `folder` (recursively), counting no further than stop_after + 1."""
    count = 0
    for _, _, names in os.walk(folder):
        count += sum(1 for name in names if Path(name).suffix.lower() in IMAGE_SUFFIXES)
        if count > stop_after:
            break
    return count


def load_dataset(settings: LaunchSettings, limits: ArenaLimits) -> Any:
    """The launch's data: loaded, then cut to the requested sizes with a held-out validation split."""
    from dsconv.data import DataError, load_source, prepare

    if settings.source == "folder" and count_folder_images(settings.data_dir, limits.max_folder_images) \
            > limits.max_folder_images:
        raise DataError(f"{settings.data_dir} holds more than {limits.max_folder_images:,} images; this server "
                        "reads an image folder whole, so give it a smaller copy.")
    full = load_source(settings.source, settings.data_dir or None, settings.seed,
                       train_size=settings.train_size, test_size=settings.test_size)
    return prepare(full, train_size=min(settings.train_size, len(full.y_train)),
                   test_size=min(settings.test_size, len(full.y_test)),
                   val_split=0.0 if settings.validate_on_test else settings.val_split, seed=settings.seed)


class TrainingSlots:
    """A process-wide limit on concurrent trainings, shared by every browser session on the server."""

    def __init__(self, capacity: int = 1) -> None:
        self._lock = threading.Lock()
        self._capacity = capacity
        self._jobs: list[TrainingJob] = []

    def set_capacity(self, capacity: int) -> None:
        """Change how many trainings may run at once (running ones are never cut off)."""
        with self._lock:
            self._capacity = max(1, int(capacity))

    def try_claim(self, job: "TrainingJob") -> bool:
        """Take a slot for `job`; False when every slot is taken."""
        with self._lock:
            if len(self._jobs) >= self._capacity:
                return False
            self._jobs.append(job)
            return True

    def release(self, job: "TrainingJob") -> None:
        """Give back `job`'s slot (harmless if it holds none)."""
        with self._lock:
            if job in self._jobs:
                self._jobs.remove(job)

    def running(self) -> list["TrainingJob"]:
        """The jobs holding a slot now."""
        with self._lock:
            return list(self._jobs)

    def is_full(self) -> bool:
        with self._lock:
            return len(self._jobs) >= self._capacity

    def seconds_until_free(self) -> float | None:
        """Roughly when the first slot frees: the least remaining time of the running jobs (None if unknown)."""
        left = [job.snapshot().remaining for job in self.running()]
        known = [value for value in left if value is not None]
        return min(known) if known else None

    def busy_message(self) -> str:
        """A sentence for someone who cannot launch now."""
        left = self.seconds_until_free()
        when = "soon" if left is None else f"in about {max(1, round(left / 60))} min" if left >= 60 else \
            f"in about {max(5, round(left))} s"
        return (f"The server is already training (at most {self._capacity} at a time, to keep it fast). A slot "
                f"frees {when}; replays keep working meanwhile.")


SLOTS = TrainingSlots()  # one per server process: every session imports the same module object
_job_ids = itertools.count(1)


@dataclass(frozen=True)
class JobSnapshot:
    """What the page shows about a job at one moment."""

    state: str  # one of STATES
    architecture: str | None  # the one training now (or last trained)
    architectures: tuple[str, ...]
    epoch: int
    epochs: int
    batch: int
    batches: int
    fraction: float  # of every batch of every architecture, 0 to 1
    elapsed: float  # seconds since the job started
    remaining: float | None  # seconds, estimated
    curves: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    message: str = ""  # why it stopped or failed

    @property
    def finished(self) -> bool:
        return self.state in ("complete", "stopped", "failed")


# --- Time estimates ----------------------------------------------------------------------------------

EVAL_FRACTION = 1 / 3  # evaluating an image is a forward pass: about a third of a training step's work
DATA_SECONDS = 2.0  # loading and cutting the data, roughly, before the first model starts
MIN_RECORDED_IMAGES = 500  # below this, an epoch's time is mostly fixed costs, not images


@dataclass(frozen=True)
class Speed:
    """How fast one architecture trains on this machine."""

    seconds_per_image: float  # one training step's time divided by its images
    overhead_seconds: float  # building, compiling and tracing the model before the first step
    source: str  # "probe" (measured just now) or "recorded" (from a finished run on this device)


@dataclass(frozen=True)
class Estimate:
    """Estimated seconds for a launch, per architecture and in all."""

    per_architecture: dict[str, float]
    total_seconds: float
    sources: tuple[str, ...]  # where the speeds came from


_SPEEDS: dict[tuple[str, str, float], Speed] = {}  # (device, architecture, width multiplier) -> Speed
_SPEEDS_LOCK = threading.Lock()


def known_speed(device: str, architecture: str, width_multiplier: float) -> Speed | None:
    """A speed this process measured or recorded for this device and model, if any."""
    with _SPEEDS_LOCK:
        return _SPEEDS.get((device, architecture, float(width_multiplier)))


def remember_speed(device: str, architecture: str, width_multiplier: float, speed: Speed) -> None:
    """Keep a speed for later estimates; a recorded speed replaces a probe, never the other way round."""
    key = (device, architecture, float(width_multiplier))
    with _SPEEDS_LOCK:
        if not (speed.source == "probe" and key in _SPEEDS):
            _SPEEDS[key] = speed


def speeds_from_record(record: Any) -> dict[tuple[str, str, float], Speed]:
    """Speeds measured by a finished run: mean epoch seconds / (training images + validation images / 3).

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
            speeds[(device, arch.name, alpha)] = Speed(mean / (train + val * EVAL_FRACTION), 3.0, "recorded")
    return speeds


def probe_speed(architecture: str, width_multiplier: float, batch_size: int = 32) -> Speed:
    """Measure a training step on random images (imports Keras; a few seconds): overhead and seconds per image."""
    import keras
    import numpy as np

    from dsconv.models import ModelConfig, build_model, compile_model

    batch = max(8, min(batch_size, 64))
    images = np.random.default_rng(0).integers(0, 256, size=(batch, 32, 32, 3)).astype("float32")
    labels = np.arange(batch) % 10
    begin = time.perf_counter()
    model = compile_model(build_model(ModelConfig(conv_kind=architecture, width_multiplier=width_multiplier)))
    model.train_on_batch(images, labels)  # the first step traces the graph
    warm = time.perf_counter()
    steps = 3
    for _ in range(steps):
        model.train_on_batch(images, labels)
    step = (time.perf_counter() - warm) / steps
    keras.backend.clear_session(free_memory=False)
    return Speed(step / batch, max(0.0, warm - begin - step), "probe")


def _probe_child(architectures: tuple[str, ...], width_multiplier: float, batch_size: int) -> tuple[str, dict]:
    from dsconv.devices import describe_device

    device = str(describe_device()["description"])
    return device, {arch: probe_speed(arch, width_multiplier, batch_size) for arch in architectures}


_DEVICE: list[str] = []  # this machine's description, once a probe process has reported it


def machine_profile(architectures: tuple[str, ...], width_multiplier: float, batch_size: int,
                    probe: bool = True) -> tuple[str, dict[str, Speed]]:
    """This machine's device and the known speed of each architecture, probing the unknown ones (probe=True).

    The device check and the probes run in a fresh process, so the server itself never loads TensorFlow
    for them (its memory stays small, and Streamlit's per-run clean-up stays fast). Results are kept.
    """
    missing = [arch for arch in architectures if not _DEVICE or known_speed(_DEVICE[0], arch, width_multiplier)
               is None] if probe else []
    if not _DEVICE or missing:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            device, speeds = pool.submit(_probe_child, tuple(missing), width_multiplier, batch_size).result()
        _DEVICE[:] = [device]
        for arch, speed in speeds.items():
            remember_speed(device, arch, width_multiplier, speed)
    device = _DEVICE[0]
    found = {arch: known_speed(device, arch, width_multiplier) for arch in architectures}
    return device, {arch: speed for arch, speed in found.items() if speed is not None}


def train_and_val_sizes(settings: LaunchSettings) -> tuple[int, int]:
    """(training images, validation images per epoch) after holding out the validation split."""
    if settings.validate_on_test:
        return settings.train_size, settings.test_size
    val = int(round(settings.val_split * settings.train_size))
    return settings.train_size - val, val


def estimate_launch(settings: LaunchSettings, speeds: Mapping[str, Speed]) -> Estimate:
    """Seconds = data + per model: overhead + epochs x (train + val/3) x s/image + test/3 x s/image."""
    train, val = train_and_val_sizes(settings)
    per_arch = {}
    for arch in settings.architectures:
        speed = speeds[arch]
        per_image = speed.seconds_per_image
        per_arch[arch] = (speed.overhead_seconds + settings.epochs * (train + val * EVAL_FRACTION) * per_image
                          + settings.test_size * EVAL_FRACTION * per_image)
    sources = tuple(sorted({speeds[a].source for a in settings.architectures}))
    return Estimate(per_arch, DATA_SECONDS + sum(per_arch.values()), sources)


# --- Keeping Keras's global state intact while a job trains ---------------------------------------------

_TRAINING_LOCK = threading.Lock()
_TRAINING_THREADS = 0  # training threads running in this process


def guard_clear_session() -> None:
    """Make keras.backend.clear_session() a no-op while a job trains in this process.

    Streamlit calls keras.backend.clear_session() after every script run (and every fragment rerun) once
    Keras is imported. That resets TensorFlow's default graph, its kernel cache and runs gc.collect(): on a
    training thread it stalls graph tracing for minutes. The guard skips those calls while training runs.
    """
    import keras

    original = keras.backend.clear_session
    if getattr(original, "_dsconv_guard", False):
        return

    def guarded(*args: Any, **kwargs: Any) -> Any:
        with _TRAINING_LOCK:
            if _TRAINING_THREADS:
                return None
            return original(*args, **kwargs)

    guarded._dsconv_guard = True  # type: ignore[attr-defined]
    keras.backend.clear_session = guarded


def _training_started() -> None:
    global _TRAINING_THREADS
    guard_clear_session()
    with _TRAINING_LOCK:  # also waits for a clear_session already running to end
        _TRAINING_THREADS += 1


def _training_ended() -> None:
    global _TRAINING_THREADS
    with _TRAINING_LOCK:
        _TRAINING_THREADS -= 1


# --- The background job --------------------------------------------------------------------------------

def _child_train(settings: LaunchSettings, limits: ArenaLimits, work_dir: str, run_name: str, messages: Any,
                 stop: Any) -> None:
    """The training (thread or process): trains, writes record and weights to work_dir, reports via `messages`."""
    from dataclasses import asdict

    from dsconv.data import DataError
    from dsconv.models import ModelConfigError
    from dsconv.training import TrainingError, train_run

    try:
        dataset = load_dataset(settings, limits)
        config = _train_config(settings)
        record = train_run(dataset, config, out_dir=work_dir, title=settings.title(), run_name=run_name,
                           on_progress=lambda progress: messages.put(("progress", asdict(progress))),
                           stop_event=stop, data_info={"launched_from": "training arena"})
        messages.put(("done", record.status, _own_peak_rss()))
    except (DataError, TrainingError, ModelConfigError, ArenaError, OSError) as exc:
        messages.put(("failed", str(exc), _own_peak_rss()))
    except Exception as exc:  # noqa: BLE001 - the parent must hear about any failure
        messages.put(("failed", f"Training failed unexpectedly: {type(exc).__name__}: {exc}", _own_peak_rss()))


def _own_peak_rss() -> int | None:
    """This process's peak resident memory in bytes (VmHWM, Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _train_config(settings: LaunchSettings) -> Any:
    from dsconv.training import TrainConfig

    return TrainConfig(architectures=tuple(settings.architectures), epochs=settings.epochs,
                       batch_size=settings.batch_size, seed=settings.seed, width_multiplier=settings.width_multiplier,
                       validate_on_test=settings.validate_on_test)


class _ProgressView:
    """The fields of a dsconv.training.Progress sent from the training process as a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)


class TrainingJob:
    """One launch, trained on a thread (or a spawned process) and watched by another thread; the page reads
    snapshot() and may request_stop().

    On a thread, training shares the server's TensorFlow (memory stays under 1.5 GB) and Streamlit's
    clear_session after each script run is held off while it trains. ArenaLimits.train_in_subprocess
    trains in a process instead: isolated from the server, and stoppable even while it builds a model.
    """

    def __init__(self, settings: LaunchSettings, limits: ArenaLimits, *, estimate: Estimate | None = None,
                 slots: TrainingSlots = SLOTS, alive: Callable[[], bool] | None = None) -> None:
        settings.check(limits)
        self.id = next(_job_ids)
        self.settings, self.limits, self.estimate, self._slots, self._alive = settings, limits, estimate, slots, alive
        self.work_dir = Path(tempfile.mkdtemp(prefix="dsconv-arena-"))
        weakref.finalize(self, shutil.rmtree, str(self.work_dir), True)  # weights go when the job is dropped
        self.run_name = f"arena_{self.id}"
        self.record: Any = None
        self.models: dict[str, Any] = {}
        self.process_id: int | None = None
        self.training_ended_at: float | None = None  # time.monotonic() when the training process ended
        self.child_peak_rss: int | None = None  # the training process's peak resident memory, bytes
        self._context = multiprocessing.get_context("spawn")
        self._child_stop = self._context.Event() if limits.train_in_subprocess else threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._heartbeat = self._started = time.monotonic()
        self._stop_asked: float | None = None
        self._state, self._message = "loading", ""
        self._arch, self._epoch, self._batch, self._batches = None, 0, 0, 0
        self._arch_elapsed = 0.0
        self._curves: dict[str, dict[str, list[float]]] = {}

    def start(self) -> "TrainingJob":
        """Claim a training slot and start the training process; raise ArenaBusy when no slot is free."""
        if not self._slots.try_claim(self):
            raise ArenaBusy(self._slots.busy_message())
        self._started = self._heartbeat = time.monotonic()
        self._thread = threading.Thread(target=self._watch, name=f"dsconv-arena-{self.id}", daemon=True)
        self._thread.start()
        return self

    def heartbeat(self) -> None:
        """The page is still watching (called on every refresh of its progress panel)."""
        self._heartbeat = time.monotonic()

    def request_stop(self, reason: str = "Stopped with the Stop button.") -> None:
        """Stop after the current batch; the finished epochs are kept."""
        with self._lock:
            if not self._message:
                self._message = reason
            if self._stop_asked is None:
                self._stop_asked = time.monotonic()
        self._child_stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._child_stop.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the job; True once it has finished."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._thread is not None and not self._thread.is_alive()

    def _watchers_gone(self) -> bool:
        quiet = time.monotonic() - self._heartbeat > self.limits.heartbeat_seconds
        return quiet and not (self._alive is not None and self._alive())

    def _on_progress(self, progress: Any) -> None:
        with self._lock:
            self._state, self._arch, self._epoch = "training", progress.architecture, progress.epoch
            self._batch, self._batches, self._arch_elapsed = progress.batch, progress.batches, progress.elapsed
            curve = self._curves.setdefault(progress.architecture, {k: [] for k in (
                "x", "loss", "accuracy", "val_x", "val_loss", "val_accuracy")})
            every = max(1, progress.batches // 50)  # at most ~50 points an epoch keeps the figure light
            if progress.event == "batch" and (progress.batch % every == 0 or progress.batch == progress.batches):
                curve["x"].append(progress.epoch - 1 + progress.batch / progress.batches)
                curve["loss"].append(progress.logs.get("loss", float("nan")))
                curve["accuracy"].append(progress.logs.get("accuracy", float("nan")))
            elif progress.event == "epoch" and "val_loss" in progress.logs:
                curve["val_x"].append(progress.epoch)
                curve["val_loss"].append(progress.logs["val_loss"])
                curve["val_accuracy"].append(progress.logs["val_accuracy"])

    def _must_kill(self) -> bool:
        """A stop that the process cannot honour soon: before its first batch, or 30 s after asking."""
        with self._lock:
            asked, state = self._stop_asked, self._state
        return asked is not None and (state == "loading" or time.monotonic() - asked > STOP_GRACE_SECONDS)

    def _watch(self) -> None:
        """Start the training (a thread, or a process) and relay its messages until it ends."""
        in_process = not self.limits.train_in_subprocess
        messages: Any = queue.Queue() if in_process else self._context.Queue()
        args = (self.settings, self.limits, str(self.work_dir), self.run_name, messages, self._child_stop)
        worker: Any = threading.Thread(target=_child_train, args=args, daemon=True, name=f"dsconv-train-{self.id}") \
            if in_process else self._context.Process(target=_child_train, args=args, daemon=True)
        outcome: tuple = ("failed", "The training process ended without a word (out of memory?).", None)
        if in_process:
            _training_started()  # Streamlit's clear_session after each script run would stall the training
        try:
            worker.start()
            self.process_id = None if in_process else worker.pid
            while True:
                try:
                    message = messages.get(timeout=0.25)
                except queue.Empty:
                    if not worker.is_alive():
                        break
                    if not self._child_stop.is_set() and self._watchers_gone():
                        self.request_stop("Stopped because its browser tab was closed.")
                    if not in_process and self._must_kill():
                        worker.terminate()
                        outcome = ("stopped", None, None)
                    continue
                if message[0] == "progress":
                    self._on_progress(_ProgressView(message[1]))
                else:
                    outcome = message
                    break
            worker.join(30)
            self.training_ended_at = time.monotonic()
            self._finish(*outcome)
        finally:
            if in_process:
                _training_ended()
            elif worker.is_alive():
                worker.kill()
            if not in_process:
                messages.close()
            self._slots.release(self)

    def _finish(self, state: str, detail: str | None, child_peak: int | None) -> None:
        """Read the record the process wrote, and rebuild its models for the Filters page."""
        from dsconv.runs import RunFileError, load_run

        self.child_peak_rss = child_peak if self.limits.train_in_subprocess else None
        path = self.work_dir / f"{self.run_name}.json"
        if path.exists():
            try:
                self.record = load_run(path)
            except RunFileError as exc:
                state, detail = "failed", str(exc)
        if state != "failed" and self.record is not None:
            state = self.record.status
            for (device, arch, alpha), speed in speeds_from_record(self.record).items():
                remember_speed(device, arch, alpha, speed)
            try:
                self._load_models()
            except (OSError, ValueError) as exc:
                detail = f"The run finished, but its weights could not be loaded: {exc}"
        with self._lock:
            self._state = state
            if state == "failed" or (detail and not self._message):
                self._message = detail or self._message

    def _load_models(self) -> None:
        """Each architecture with a finished epoch, rebuilt from the weights of its last finished epoch."""
        from dsconv.models import ModelConfig, build_model

        _training_started()  # keep Streamlit's clear_session away while the models are built
        try:
            for part in self.record.architectures:
                if part.epochs and part.weights and (self.work_dir / part.weights).exists():
                    model = build_model(ModelConfig.from_dict(part.model))
                    model.load_weights(str(self.work_dir / part.weights))
                    self.models[part.name] = model
        finally:
            _training_ended()

    def snapshot(self) -> JobSnapshot:
        """The job's state now (safe to call from any thread)."""
        with self._lock:
            archs = tuple(self.settings.architectures)
            epochs, batches = self.settings.epochs, self._batches
            index = archs.index(self._arch) if self._arch in archs else 0
            done = index * epochs * batches + max(0, self._epoch - 1) * batches + self._batch
            total = len(archs) * epochs * batches
            fraction = 1.0 if self._state in ("complete",) else (done / total if total else 0.0)
            return JobSnapshot(
                state=self._state, architecture=self._arch, architectures=archs, epoch=self._epoch, epochs=epochs,
                batch=self._batch, batches=batches, fraction=min(1.0, fraction),
                elapsed=time.monotonic() - self._started, remaining=self._remaining(index, done),
                curves={a: {k: list(v) for k, v in c.items()} for a, c in self._curves.items()},
                message=self._message)

    def _remaining(self, index: int, done: int) -> float | None:
        """Seconds left: this model at its measured pace, later ones from the estimate, scaled by how it erred."""
        if self._state in ("complete", "stopped", "failed"):
            return 0.0
        archs = self.settings.architectures
        arch_total = self.settings.epochs * self._batches
        arch_done = done - index * arch_total
        if self._state == "loading" or arch_done <= 0:
            return self.estimate.total_seconds - (time.monotonic() - self._started) if self.estimate else None
        current_left = self._arch_elapsed / arch_done * (arch_total - arch_done)
        later = 0.0
        if self.estimate:
            planned = self.estimate.per_architecture.get(archs[index]) or 1.0
            pace = (self._arch_elapsed + current_left) / planned
            later = sum(self.estimate.per_architecture.get(a, 0.0) for a in archs[index + 1:]) * pace
        return max(0.0, current_left + later)

    def record_json(self) -> bytes:
        """The finished run record as the JSON file `python -m dsconv.train` would write."""
        return (self.work_dir / f"{self.run_name}.json").read_bytes()

    def weights_zip(self) -> bytes:
        """A zip of the record and every .weights.h5 file the run wrote."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.work_dir.iterdir()):
                if path.suffix in (".json", ".h5"):
                    archive.write(path, path.name)
        return buffer.getvalue()
