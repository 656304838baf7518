"""Run records: what a training run did and measured, as JSON with a schema version.

A record holds the data and recipe, the device and library versions, and per architecture its model
settings, params, multiply-adds, one entry per finished epoch and the final test accuracy. `load_run`
checks a file before anything trusts it. This module never imports TensorFlow or Keras: the replay
page reads records on its light path.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dsconv.kinds import NETWORK_KINDS
from dsconv.safe_text import UTF16_BOMS, lone_surrogate_at

SCHEMA = "dsconv-run"
SCHEMA_VERSION = 1
MAX_RUN_BYTES = 2_000_000  # a 10-epoch record is about 5 kB; anything near 2 MB is not a run record
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
    model: dict[str, Any]  # dsconv.training.models.ModelConfig.to_dict()
    params: int
    multiply_adds: int  # per image, forward pass (dsconv.costs.network)
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
# Every field has a type and a range. A record is hostile until proven otherwise: anything outside gets a
# RunFileError that names the field, and nothing else escapes load_run.

MAX_RECORD_EPOCHS = 500  # per architecture; the tutorial trains 10, long CIFAR-10 schedules about 200
MAX_ARCHITECTURES = len(NETWORK_KINDS)
MAX_PARAMS = 10**12  # GPT-3 has 1.75e11
MAX_MULTIPLY_ADDS = 10**15  # per image, forward pass
MAX_IMAGES = 10**9  # per split
MAX_SECONDS = 10**7  # per epoch: about 115 days
MIN_SECONDS = 0.001
MAX_LOSS = 10**9  # a diverging run may reach a large loss; it stays finite and plottable
MAX_TEXT = {"title": 300, "notes": 5000, "short": 200}
MAX_CLASSES = 1000  # ImageNet has 1,000
MAX_CLASS_NAME = 60  # characters
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}")
MAX_EXTRA_KEYS = 40  # fields of a recipe, model, device or versions object


def _fail(where: str, what: str) -> RunFileError:
    return RunFileError(f"This is not a valid dsconv run record: {where} {what}.")


def _shown(bound: float) -> str:
    """A range bound as people write it: 1,000,000 or 0.5."""
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"


def _number(value: Any, where: str, *, low: float, high: float, optional: bool = False,
            above_low: bool = False) -> float | None:
    """A finite JSON number in [low, high] (or (low, high] with above_low), as a float."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, "must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(where, "is not a finite number")
    if value < low or value > high or (above_low and value == low):  # exact for ints of any size
        if above_low:
            raise _fail(where, f"must be more than {_shown(low)} and at most {_shown(high)}")
        raise _fail(where, f"must be between {_shown(low)} and {_shown(high)}")
    return float(value)


def _integer(value: Any, where: str, *, low: int = 0, high: int, optional: bool = False) -> int | None:
    """A whole JSON number (not true/false, not 1.0) in [low, high]."""
    if value is None and optional:
        return None
    if type(value) is not int or not low <= value <= high:
        raise _fail(where, f"must be a whole number from {low:,} to {high:,}")
    return value


def _mapping(value: Any, where: str, *, max_keys: int = MAX_EXTRA_KEYS) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    if len(value) > max_keys:
        raise _fail(where, f"has {len(value):,} fields; a run record has at most {max_keys}")
    return value


def _text(value: Any, where: str, *, limit: int = MAX_TEXT["short"], optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _fail(where, "must be text")
    if len(value) > limit:
        raise _fail(where, f"is {len(value):,} characters long; at most {limit:,} are allowed")
    return value


def _key(key: str, where: str) -> str:
    """A field name: letters, digits and _, as dsconv writes them (an error message can then name it safely)."""
    if not _KEY.fullmatch(key):
        raise _fail(where, "has a field name that is not letters, digits and _ (at most 60)")
    return key


def _scalars(value: Any, where: str) -> dict[str, Any]:
    """An object whose values are short texts, finite numbers, true/false, null or short lists of numbers."""
    value = _mapping(value, where)
    for key, item in value.items():
        here = f"{where}.{_key(key, where)}"
        if isinstance(item, list):
            if len(item) > 8:
                raise _fail(here, "is a list of more than 8 items")
            for index, element in enumerate(item):
                _number(element, f"{here}[{index}]", low=-1e9, high=1e9)
        elif isinstance(item, (bool, type(None))):
            continue
        elif isinstance(item, (int, float)):
            _number(item, here, low=-1e12, high=1e12)
        else:
            _text(item, here)
    return value


def _epoch(data: Any, where: str) -> EpochLog:
    data = _mapping(data, where)
    return EpochLog(
        epoch=_integer(data.get("epoch"), f"{where}.epoch", low=1, high=MAX_RECORD_EPOCHS),
        loss=_number(data.get("loss"), f"{where}.loss", low=0, high=MAX_LOSS),
        accuracy=_number(data.get("accuracy"), f"{where}.accuracy", low=0, high=1),
        val_loss=_number(data.get("val_loss"), f"{where}.val_loss", low=0, high=MAX_LOSS, optional=True),
        val_accuracy=_number(data.get("val_accuracy"), f"{where}.val_accuracy", low=0, high=1, optional=True),
        seconds=_seconds(data.get("seconds"), f"{where}.seconds"))


def _seconds(value: Any, where: str) -> float:
    """An epoch's seconds: 0, or from MIN_SECONDS to MAX_SECONDS. 5e-324 s beside 10 s hung the page: the time
    axis's ticks started at 10 ** -324, which is 0 in floating point, and grew the server's memory for ever."""
    seconds = _number(value, where, low=0, high=MAX_SECONDS)
    if 0 < seconds < MIN_SECONDS:
        raise _fail(where, f"must be 0 or at least {MIN_SECONDS:g} (a millisecond): no epoch trains faster")
    return seconds


def _architecture(data: Any, where: str) -> ArchitectureRun:
    data = _mapping(data, where)
    name = data.get("name")
    if name not in NETWORK_KINDS:
        raise _fail(f"{where}.name", f"must be one of {', '.join(NETWORK_KINDS)}")
    epochs_data = data.get("epochs", [])
    if not isinstance(epochs_data, list):
        raise _fail(f"{where}.epochs", "must be a list")
    if len(epochs_data) > MAX_RECORD_EPOCHS:
        raise _fail(f"{where}.epochs", f"holds {len(epochs_data):,} epochs; this app replays at most "
                    f"{MAX_RECORD_EPOCHS} per model (keep every few epochs, renumbered, or split the run)")
    epochs = [_epoch(item, f"{where}.epochs[{i}]") for i, item in enumerate(epochs_data)]
    if [e.epoch for e in epochs] != list(range(1, len(epochs) + 1)):
        raise _fail(f"{where}.epochs", "must be numbered 1, 2, 3, ... in order")
    status = data.get("status", "complete")
    if status not in STATUSES:
        raise _fail(f"{where}.status", f"must be one of {', '.join(STATUSES)}")
    model = _scalars(data.get("model", {}), f"{where}.model")
    if "width_multiplier" in model:
        _number(model["width_multiplier"], f"{where}.model.width_multiplier", low=0, high=16, above_low=True)
    weights = data.get("weights")
    if weights is not None and (not isinstance(weights, str) or len(weights) > 200 or "/" in weights
                                or "\\" in weights or weights.startswith(".") or not weights.endswith(".weights.h5")):
        raise _fail(f"{where}.weights", "must be a plain file name ending in .weights.h5")
    return ArchitectureRun(
        name=name, model=model,
        params=_integer(data.get("params"), f"{where}.params", low=1, high=MAX_PARAMS),
        multiply_adds=_integer(data.get("multiply_adds"), f"{where}.multiply_adds", low=1, high=MAX_MULTIPLY_ADDS),
        epochs=epochs, status=status,
        test_loss=_number(data.get("test_loss"), f"{where}.test_loss", low=0, high=MAX_LOSS, optional=True),
        test_accuracy=_number(data.get("test_accuracy"), f"{where}.test_accuracy", low=0, high=1, optional=True),
        weights=weights,
        steps_per_epoch=_integer(data.get("steps_per_epoch"), f"{where}.steps_per_epoch", low=1, high=MAX_IMAGES,
                                 optional=True))


def _data(value: Any) -> dict[str, Any]:
    data = _mapping(value, "data")
    for key, item in data.items():
        where = f"data.{_key(key, 'data')}"
        if key in ("train_size", "val_size", "test_size"):
            _integer(item, where, high=MAX_IMAGES, optional=True)
        elif key == "seed":
            _integer(item, where, low=-(2**63), high=2**64 - 1, optional=True)
        elif key == "validation_on_test":
            if not isinstance(item, bool):
                raise _fail(where, "must be true or false")
        elif key == "class_names":
            if not isinstance(item, list) or len(item) > MAX_CLASSES:
                raise _fail(where, f"must be a list of at most {MAX_CLASSES} names")
            for index, name in enumerate(item):
                _text(name, f"{where}[{index}]", limit=MAX_CLASS_NAME)
        else:
            _scalars({key: item}, "data")
    return data


def _recipe(value: Any) -> dict[str, Any]:
    recipe = _scalars(value, "recipe")
    _integer(recipe.get("epochs"), "recipe.epochs", low=1, high=MAX_RECORD_EPOCHS, optional=True)
    _integer(recipe.get("batch_size"), "recipe.batch_size", low=1, high=MAX_IMAGES, optional=True)
    _number(recipe.get("learning_rate"), "recipe.learning_rate", low=0, high=100, above_low=True, optional=True)
    return recipe


def _device(value: Any) -> dict[str, Any]:
    device = _scalars(value, "device")
    _integer(device.get("count"), "device.count", high=100_000, optional=True)
    return device


def _created(value: Any) -> str:
    text = _text(value, "created", limit=40)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
        raise _fail("created", "must start with a date written YYYY-MM-DD, such as 2026-11-25")
    try:
        date.fromisoformat(text[:10])
    except ValueError:  # written right, but no such day: 2024-02-30
        raise _fail(f"created {text[:10]!r}", "is not a day of the calendar; write the day the run was made") from None
    return text


def _refuse_constant(name: str) -> None:
    raise _fail("a number", f"is {name}, which JSON does not allow")


def run_from_dict(data: Any) -> RunRecord:
    """Validate a decoded JSON object and turn it into a RunRecord, or raise RunFileError naming the field."""
    data = _mapping(data, "the file")
    if data.get("schema") != SCHEMA:
        schema = data.get("schema")
        named = isinstance(schema, str) and _KEY.fullmatch(schema.replace("-", "_"))
        shown = repr(schema) if named else "something else"
        raise RunFileError(f"This file is not a dsconv run record (its schema is {shown}, not {SCHEMA!r}).")
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:  # true and 1.0 equal 1 in Python; not here
        shown = json.dumps(version) if isinstance(version, (int, float, bool)) and abs(version) < 1e6 else "not a version"
        raise RunFileError(f"This run record has schema version {shown}; this app reads version {SCHEMA_VERSION} "
                           "(a whole number).")
    kind = data.get("kind")
    if kind not in ("measured", "published"):
        raise _fail("kind", "must be 'measured' or 'published'")
    status = data.get("status", "complete")
    if status not in STATUSES:
        raise _fail("status", f"must be one of {', '.join(STATUSES)}")
    archs = data.get("architectures")
    if not isinstance(archs, list) or not archs:
        raise _fail("architectures", "must be a non-empty list")
    if len(archs) > MAX_ARCHITECTURES:
        raise _fail("architectures", f"has {len(archs):,} entries; there are only {MAX_ARCHITECTURES} architectures")
    architectures = [_architecture(item, f"architectures[{i}]") for i, item in enumerate(archs)]
    names = [arch.name for arch in architectures]
    if len(set(names)) < len(names):
        raise _fail("architectures", "name the same architecture twice")
    recipe = _recipe(data.get("recipe"))
    planned = recipe.get("epochs")
    for index, arch in enumerate(architectures):
        if planned is not None and len(arch.epochs) > planned:
            raise _fail(f"architectures[{index}].epochs", f"holds {len(arch.epochs)} epochs, more than recipe.epochs "
                        f"({planned})")
    source = data.get("source")
    if source is not None:
        year = _scalars(source, "source").get("year")
        if year is not None and not (re.fullmatch(r"[0-9]{4}", str(year)) and 1000 <= int(str(year)) <= 2999):
            raise _fail("source.year", "must be a year such as 2022")
    versions = _scalars(data.get("versions", {}), "versions")
    return RunRecord(
        title=_text(data.get("title"), "title", limit=MAX_TEXT["title"]), kind=kind,
        created=_created(data.get("created")), data=_data(data.get("data")), recipe=recipe,
        device=_device(data.get("device")), versions={str(k): str(v) for k, v in versions.items()},
        architectures=architectures, status=status, source=None if source is None else _scalars(source, "source"),
        notes=_text(data.get("notes", ""), "notes", limit=MAX_TEXT["notes"]))


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
    if raw.startswith(UTF16_BOMS):  # saved as UTF-16 (Windows' "Unicode")
        raise RunFileError("This file is text in UTF-16, not JSON in UTF-8 as a run record is. Save it as UTF-8 "
                           "(any text editor can) and add it again.")
    try:
        # utf-8-sig: a byte-order mark first, as Windows' Notepad writes it, is no reason to refuse a record
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except RunFileError:
        raise
    except UnicodeDecodeError as exc:
        raise RunFileError("This file is not JSON in UTF-8, so it cannot be a run record. A text file saved in "
                           "another encoding can be saved again as UTF-8; a picture or any other file is no run "
                           "record.") from exc
    except json.JSONDecodeError as exc:
        raise RunFileError(f"This file is not JSON, so it cannot be a run record ({exc}).") from exc
    except RecursionError as exc:
        raise RunFileError("This file nests too deeply to be a run record.") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits (Python's own limit)
        raise RunFileError("This file holds a number thousands of digits long, which no run record has.") from exc
    try:
        place = lone_surrogate_at(data)
        if place is not None:
            raise RunFileError(f"This file holds text that is not valid Unicode{f' in “{place}”' if place else ''}: "
                               "an escaped half of a character pair (such as \\ud800) that stands for no character. "
                               "No run record has one: remove it.")
        return run_from_dict(data)
    except RecursionError as exc:
        raise RunFileError("This file nests too deeply to be a run record.") from exc


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
