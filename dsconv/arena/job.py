"""The launch side of the Training arena, without Streamlit: a background training job that the page polls,
and the one place the page, tests and benchmarks import the arena from.

One server may host a whole class, so trainings share a process-wide slot limiter (one at a time by
default); a job runs `dsconv.training.engine.train_run` on a thread, publishes a progress snapshot after every
batch, stops on request after the current batch, and stops by itself when its browser tab goes quiet.
Keras is imported only inside the functions that train or probe. The parts live beside this module:
arena_settings (limits, launch settings, data), arena_slots (the shared slots), arena_estimates (speeds and
time estimates) and arena_child (the training).
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import queue
import shutil
import tempfile
import threading
import time
import weakref
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from dsconv import ONE_AT_A_TIME
from dsconv.arena.child import ProgressView, child_train
from dsconv.arena.estimates import (
    Estimate,
    remember_speed,
    speeds_from_record,
)
from dsconv.arena.settings import (
    ArenaBusy,
    ArenaLimits,
    LaunchSettings,
)
from dsconv.arena.slots import SLOTS, TrainingSlots
from dsconv.arena.spawning import without_main

STOP_GRACE_SECONDS = 30.0  # a stop request not honoured by then (one enormous batch) ends the process
STATES = ("loading", "training", "complete", "stopped", "failed")

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


class TrainingJob:
    """One launch, trained on a thread (or a spawned process) and watched by another thread; the page reads
    snapshot() and may request_stop().

    On a thread, training shares the server's TensorFlow (memory stays under 1.5 GB); the pages keep Streamlit
    from clearing Keras's session under it (dsconv_ui.common.leave_keras_alone). ArenaLimits.train_in_subprocess
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
        # The launch's number among the launches its tab kept, given by the page once it keeps the run: the server's
        # id counts every launch, refused and failed ones too, of every tab
        self.number: int | None = None
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
        worker: Any = threading.Thread(target=child_train, args=args, daemon=True, name=f"dsconv-train-{self.id}") \
            if in_process else self._context.Process(target=child_train, args=args, daemon=True)
        outcome: tuple = ("failed", "The training process ended without a word (out of memory?).", None)
        try:
            with without_main():  # a process runs none of the app's script (dsconv.arena.spawning)
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
                    self._on_progress(ProgressView(message[1]))
                else:
                    outcome = message
                    break
            worker.join(30)
            self.training_ended_at = time.monotonic()
            self._finish(*outcome)
        finally:
            if not in_process and worker.is_alive():
                worker.kill()
            if not in_process:
                messages.close()
            self._slots.release(self)

    def _finish(self, state: str, detail: str | None, child_peak: int | None) -> None:
        """Read the record the process wrote, and rebuild its models for the Filters page."""
        with ONE_AT_A_TIME:
            from dsconv.training.runs import RunFileError, load_run

        self.child_peak_rss = child_peak if self.limits.train_in_subprocess else None
        path = self.work_dir / f"{self.run_name}.json"
        if path.exists():
            try:
                self.record = load_run(path)
            except RunFileError as exc:
                state, detail = "failed", str(exc)
        if state != "failed" and self.record is not None:
            state = self.record.status
            for (device, arch, alpha), speed in speeds_from_record(self.record, "launched").items():
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
        """Each architecture with a finished epoch, from the weights of its last finished epoch, in NumPy: the
        Filters page shows them as it shows the shipped models, and this server never loads Keras for them."""
        with ONE_AT_A_TIME:
            from dsconv.images.numpy_model import load_numpy_model
            from dsconv.training.models import ModelConfig

        for part in self.record.architectures:
            if part.epochs and part.weights and (self.work_dir / part.weights).exists():
                self.models[part.name] = load_numpy_model(self.work_dir / part.weights, ModelConfig.from_dict(part.model))

    def snapshot(self) -> JobSnapshot:
        """The job's state now (safe to call from any thread)."""
        with self._lock:
            archs = tuple(self.settings.train.architectures)
            epochs, batches = self.settings.train.epochs, self._batches
            index = archs.index(self._arch) if self._arch in archs else 0
            done = index * epochs * batches + max(0, self._epoch - 1) * batches + self._batch
            total = len(archs) * epochs * batches
            fraction = 1.0 if self._state == "complete" else (done / total if total else 0.0)
            return JobSnapshot(
                state=self._state, architecture=self._arch, architectures=archs, epoch=self._epoch, epochs=epochs,
                batch=self._batch, batches=batches, fraction=min(1.0, fraction),
                # until the training ended: "Launch 1 finished in 6 s" read "46 s" forty seconds later
                elapsed=(self.training_ended_at or time.monotonic()) - self._started,
                remaining=self._remaining(index, done),
                curves={a: {k: list(v) for k, v in c.items()} for a, c in self._curves.items()},
                message=self._message)

    def _remaining(self, index: int, done: int) -> float | None:
        """Seconds left: this model at its measured pace, later ones from the estimate, scaled by how it erred."""
        if self._state in ("complete", "stopped", "failed"):
            return 0.0
        archs = self.settings.train.architectures
        arch_total = self.settings.train.epochs * self._batches
        arch_done = done - index * arch_total
        if self._state == "loading" or arch_done <= 0:
            return max(0.0, self.estimate.total_seconds - (time.monotonic() - self._started)) if self.estimate else None
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
