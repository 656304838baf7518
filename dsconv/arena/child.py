"""The training of one Training arena launch, as its thread or spawned process runs it, and the messages it
sends back: ("progress", fields of a dsconv.training.engine.Progress), then ("done", status, peak memory) or
("failed", sentence, peak memory). A spawned process imports this module by name, so it stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dsconv.arena.settings import ArenaError, ArenaLimits, LaunchSettings, load_dataset


def child_train(settings: LaunchSettings, limits: ArenaLimits, work_dir: str, run_name: str, messages: Any,
                 stop: Any) -> None:
    """The training (thread or process): trains, writes record and weights to work_dir, reports via `messages`."""
    from dataclasses import asdict

    from dsconv.training.data import DataError, LoadingStopped
    from dsconv.training.engine import TrainingError, train_run
    from dsconv.training.models import ModelConfigError

    try:
        dataset = load_dataset(settings, limits, stop)
        config = settings.train
        record = train_run(dataset, config, out_dir=work_dir, title=settings.title(), run_name=run_name,
                           on_progress=lambda progress: messages.put(("progress", asdict(progress))),
                           stop_event=stop, data_info={"launched_from": "training arena"})
        messages.put(("done", record.status, _own_peak_rss()))
    except LoadingStopped:  # Stop pressed (or the tab closed) while a folder was read: no record, nothing trained
        messages.put(("stopped", None, _own_peak_rss()))
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


class ProgressView:
    """The fields of a dsconv.training.engine.Progress sent from the training process as a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)
