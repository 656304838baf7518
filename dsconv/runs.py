"""Run records: what a training run did and measured, as JSON with a schema version.

A record holds the data and recipe, the device and library versions, and per architecture its model
settings, params, multiply-adds, one entry per finished epoch and the final test accuracy. `load_run`
checks a file before anything trusts it. This module never imports TensorFlow or Keras: the replay
page reads records on its light path.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = "dsconv-run"
SCHEMA_VERSION = 1
MAX_RUN_BYTES = 2_000_000  # a 10-epoch record is about 5 kB; anything near 2 MB is not a run record
EPOCH_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy", "seconds")
STATUSES = ("running", "complete", "stopped")


class RunFileError(ValueError):
    """A run record that cannot be used, with a sentence that says why."""


@dataclass
class EpochLog:
    """One finished epoch: training loss/accuracy, validation loss/accuracy (None without validation), seconds."""

    epoch: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float


@dataclass
class ArchitectureRun:
    """One model's part of a run: its settings, size, cost and history."""

    name: str  # e.g. "standard", "separable"
    model: dict[str, Any]  # dsconv.models.ModelConfig.to_dict()
    params: int
    multiply_adds: int  # per image, forward pass (dsconv.network)
    epochs: list[EpochLog] = field(default_factory=list)
    status: str = "running"  # running | complete | stopped
    test_loss: float | None = None
    test_accuracy: float | None = None
    weights: str | None = None  # file name of the .weights.h5 beside the record
    steps_per_epoch: int | None = None

    def best_val_accuracy(self) -> float | None:
        """Highest validation accuracy over the finished epochs (None without validation)."""
        values = [e.val_accuracy for e in self.epochs if e.val_accuracy is not None]
        return max(values) if values else None

    def final_val_accuracy(self) -> float | None:
        """Validation accuracy of the last finished epoch."""
        return self.epochs[-1].val_accuracy if self.epochs else None

    def mean_epoch_seconds(self) -> float | None:
        """Average seconds per finished epoch."""
        return sum(e.seconds for e in self.epochs) / len(self.epochs) if self.epochs else None


@dataclass
class RunRecord:
    """A whole run: shared data, recipe and machine, and one ArchitectureRun per model trained."""

    title: str
    kind: str  # "measured" (trained by dsconv) or "published" (transcribed from a source)
    created: str  # ISO date and time (UTC)
    data: dict[str, Any]  # source, class_names, train/val/test sizes, seed, validation_on_test
    recipe: dict[str, Any]  # optimizer, learning_rate, batch_size, epochs, input_scaling
    device: dict[str, Any]  # description, kind ("cpu"/"gpu"), count
    versions: dict[str, str]  # python, numpy, keras, backend, backend_version
    architectures: list[ArchitectureRun] = field(default_factory=list)
    status: str = "running"
    source: dict[str, str] | None = None  # for published records: title, site, year
    notes: str = ""

    @property
    def validation_on_test(self) -> bool:
        return bool(self.data.get("validation_on_test", False))

    def architecture(self, name: str) -> ArchitectureRun:
        """The part of the run for architecture `name`."""
        for arch in self.architectures:
            if arch.name == name:
                return arch
        raise KeyError(f"This run has no architecture {name!r}; it has {', '.join(a.name for a in self.architectures)}.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the schema name and version first."""
        return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, **asdict(self)}


# --- Validation ---------------------------------------------------------------------------------------

def _fail(where: str, what: str) -> RunFileError:
    return RunFileError(f"This is not a valid dsconv run record: {where} {what}.")


def _number(value: Any, where: str, *, optional: bool = False, low: float | None = None) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, "must be a number")
    if not math.isfinite(value):
        raise _fail(where, "is not a finite number")
    if low is not None and value < low:
        raise _fail(where, f"must be at least {low}")
    return float(value)


def _integer(value: Any, where: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, "must be a whole number, 0 or more")
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, "must be text")
    return value


def _epoch(data: Any, where: str) -> EpochLog:
    data = _mapping(data, where)
    epoch = _integer(data.get("epoch"), f"{where}.epoch")
    values = {key: _number(data.get(key), f"{where}.{key}", optional=key.startswith("val_"), low=0)
              for key in EPOCH_KEYS}
    for key in ("accuracy", "val_accuracy"):
        if values[key] is not None and values[key] > 1:
            raise _fail(f"{where}.{key}", "must be between 0 and 1")
    return EpochLog(epoch=epoch, **values)


def _architecture(data: Any, where: str) -> ArchitectureRun:
    data = _mapping(data, where)
    epochs_data = data.get("epochs", [])
    if not isinstance(epochs_data, list):
        raise _fail(f"{where}.epochs", "must be a list")
    epochs = [_epoch(item, f"{where}.epochs[{i}]") for i, item in enumerate(epochs_data)]
    if [e.epoch for e in epochs] != list(range(1, len(epochs) + 1)):
        raise _fail(f"{where}.epochs", "must be numbered 1, 2, 3, ... in order")
    status = data.get("status", "complete")
    if status not in STATUSES:
        raise _fail(f"{where}.status", f"must be one of {', '.join(STATUSES)}")
    test_accuracy = _number(data.get("test_accuracy"), f"{where}.test_accuracy", optional=True, low=0)
    if test_accuracy is not None and test_accuracy > 1:
        raise _fail(f"{where}.test_accuracy", "must be between 0 and 1")
    weights = data.get("weights")
    if weights is not None and (not isinstance(weights, str) or "/" in weights or "\\" in weights
                                or not weights.endswith(".weights.h5")):
        raise _fail(f"{where}.weights", "must be a plain file name ending in .weights.h5")
    return ArchitectureRun(
        name=_text(data.get("name"), f"{where}.name"), model=_mapping(data.get("model", {}), f"{where}.model"),
        params=_integer(data.get("params"), f"{where}.params"),
        multiply_adds=_integer(data.get("multiply_adds"), f"{where}.multiply_adds"),
        epochs=epochs, status=status, test_loss=_number(data.get("test_loss"), f"{where}.test_loss", optional=True, low=0),
        test_accuracy=test_accuracy, weights=weights,
        steps_per_epoch=_integer(data.get("steps_per_epoch"), f"{where}.steps_per_epoch", optional=True))


def _refuse_constant(name: str) -> None:
    raise _fail("a number", f"is {name}, which JSON does not allow")


def run_from_dict(data: Any) -> RunRecord:
    """Validate a decoded JSON object and turn it into a RunRecord, or raise RunFileError."""
    data = _mapping(data, "the file")
    if data.get("schema") != SCHEMA:
        raise RunFileError(f"This file is not a dsconv run record (its schema is {data.get('schema')!r}, not {SCHEMA!r}).")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise RunFileError(f"This run record has schema version {data.get('schema_version')!r}; this app reads version {SCHEMA_VERSION}.")
    kind = data.get("kind")
    if kind not in ("measured", "published"):
        raise _fail("kind", "must be 'measured' or 'published'")
    status = data.get("status", "complete")
    if status not in STATUSES:
        raise _fail("status", f"must be one of {', '.join(STATUSES)}")
    archs = data.get("architectures")
    if not isinstance(archs, list) or not archs:
        raise _fail("architectures", "must be a non-empty list")
    versions = _mapping(data.get("versions", {}), "versions")
    source = data.get("source")
    return RunRecord(
        title=_text(data.get("title"), "title"), kind=kind, created=_text(data.get("created"), "created"),
        data=_mapping(data.get("data"), "data"), recipe=_mapping(data.get("recipe"), "recipe"),
        device=_mapping(data.get("device"), "device"), versions={str(k): str(v) for k, v in versions.items()},
        architectures=[_architecture(item, f"architectures[{i}]") for i, item in enumerate(archs)],
        status=status, source=None if source is None else _mapping(source, "source"),
        notes=_text(data.get("notes", ""), "notes"))


def load_run(path_or_bytes: str | Path | bytes) -> RunRecord:
    """Read and validate a run record from a path or raw bytes (an upload); raise RunFileError when unusable."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        raw = bytes(path_or_bytes)
    else:
        path = Path(path_or_bytes)
        try:
            if path.stat().st_size > MAX_RUN_BYTES:
                raise RunFileError(f"{path.name} is larger than {MAX_RUN_BYTES // 1_000_000} MB; a run record is a few kB.")
            raw = path.read_bytes()
        except OSError as exc:
            raise RunFileError(f"Could not read the run record {path}: {exc.strerror or exc}.") from exc
    if len(raw) > MAX_RUN_BYTES:
        raise RunFileError(f"This file is larger than {MAX_RUN_BYTES // 1_000_000} MB; a run record is a few kB.")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFileError(f"This file is not JSON, so it cannot be a run record ({exc}).") from exc
    except RecursionError as exc:
        raise RunFileError("This file nests too deeply to be a run record.") from exc
    return run_from_dict(data)


def save_run(record: RunRecord, path: str | Path) -> Path:
    """Write the record as indented JSON (atomically: a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record.to_dict(), indent=1, allow_nan=False)
    run_from_dict(json.loads(text))  # never write a record that load_run would refuse
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(path)
    return path
