"""Replay data: turns run records into per-architecture epoch series and summary-table rows.

The Training arena replays recorded runs (bundled, uploaded, or launched this session) without
TensorFlow: this module reads records through `dsconv.training.runs` and does plain arithmetic on their logs.
The generalisation gap of an epoch is training accuracy minus validation accuracy: how much better the
model does on the images it learned from than on images it has not seen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from dsconv import ASSETS
from dsconv.costs.network import count_text
from dsconv.kinds import NETWORK_KINDS, word
from dsconv.safe_text import counted, listed, over_limit, plain, told_apart
from dsconv.training.data import source_label
from dsconv.training.models import DEPTHWISE_INIT_WORDS, INPUT_SCALING_WORDS
from dsconv.training.runs import MAX_RUN_BYTES, ArchitectureRun, EpochLog, RunFileError, RunRecord, load_run

BUNDLED_DIR = ASSETS / "runs"  # DSCONV_RUNS_DIR=FOLDER replaces it


@dataclass(frozen=True)
class LoadedRun:
    """A run record with the key and label the page uses to pick it."""

    key: str  # unique: "tutorial_published", "upload:my_run.json", "session:1"
    label: str  # short text for lists and legends
    origin: str  # where it came from: "bundled", "upload" or "session" (a launch in this tab)
    record: RunRecord


def run_label(record: RunRecord, fallback: str, limit: int = 48) -> str:
    """The record's title (or `fallback`), cut to `limit` characters."""
    title = (record.title or fallback).strip() or fallback
    if len(title) > limit and " (" in title:
        title = title.split(" (")[0]  # drop a long parenthesis before cutting words
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def numbered(name: str, used: set[str] | dict) -> str:
    """`name`, or where it is in `used` the first of "name (2)", "name (3)", ... that is not."""
    found, copy = name, 1
    while found in used:
        copy += 1
        found = f"{name} ({copy})"
    return found


def distinct_labels(runs: list[LoadedRun]) -> list[LoadedRun]:
    """`runs` with labels that tell each apart: where two share one (two uploads with one title, or an upload titled
    as a bundled run), an uploaded run adds its file's name, and any still alike a number, from 2. Two uploads
    titled "Uploaded run" read alike in the pickers, the table, the sentences and the legend, where one click hid
    both."""
    shared = {label for label in (run.label for run in runs) if sum(run.label == label for run in runs) > 1}
    used: set[str] = set()
    out = []
    for run in runs:
        label = run.label
        if label in shared and run.origin == "upload":
            label = f"{label} ({run.key.removeprefix('upload:')})"
        label = numbered(label, used)
        used.add(label)
        out.append(run if label == run.label else replace(run, label=label))
    return out


def bundled_files(folder: str | Path | None = None) -> list[Path]:
    """The run files in `folder` (default BUNDLED_DIR), sorted by name, the published tutorial first."""
    folder = Path(folder or os.environ.get("DSCONV_RUNS_DIR") or BUNDLED_DIR)
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    return sorted(files, key=lambda p: (p.stem != "tutorial_published", p.name))


def load_bundled(folder: str | Path | None = None) -> tuple[list[LoadedRun], list[str]]:
    """Every readable run record in `folder` (default BUNDLED_DIR), and a sentence per unreadable file."""
    runs, problems = [], []
    for path in bundled_files(folder):
        try:
            record = load_run(path)
        except RunFileError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        runs.append(LoadedRun(path.stem, run_label(record, path.stem), "bundled", record))
    return runs, problems


def read_upload(name: str, data: bytes, max_bytes: int = MAX_RUN_BYTES) -> RunRecord:
    """Validate an uploaded run file; raise RunFileError naming the file when it is not a usable record.

    The error's sentence is Markdown, with the file name made literal.
    """
    name = plain(name)  # the message is Markdown; a file name is anything its owner chose
    if len(data) > max_bytes:
        raise RunFileError(f"{name} is {over_limit(len(data) / 1e6, max_bytes / 1e6, 1)} MB; a run record is a few "
                           "kB (at most "
                           f"{max_bytes / 1e6:.0f} MB). Upload the .json file that `python -m dsconv.train` wrote.")
    try:
        return load_run(bytes(data))
    except RunFileError as exc:
        raise RunFileError(f"{name}: {exc} Upload the .json file that `python -m dsconv.train` wrote.") from exc


# --- Epoch series ------------------------------------------------------------------------------------

def generalisation_gap(log: EpochLog) -> float | None:
    """Training accuracy minus validation accuracy for one epoch (None without validation)."""
    return None if log.val_accuracy is None else log.accuracy - log.val_accuracy


@dataclass(frozen=True)
class EpochSeries:
    """One architecture's history in one run, as equal-length tuples indexed by epoch (None = not measured)."""

    run_key: str
    run_label: str
    architecture: str
    epochs: tuple[int, ...]
    loss: tuple[float, ...]
    accuracy: tuple[float, ...]
    val_loss: tuple[float | None, ...]
    val_accuracy: tuple[float | None, ...]
    seconds: tuple[float, ...]
    gap: tuple[float | None, ...]  # accuracy - val_accuracy

    @property
    def label(self) -> str:
        return f"{word(self.architecture)} · {self.run_label}"

    @property
    def has_validation(self) -> bool:
        return any(v is not None for v in self.val_accuracy)


def epoch_series(run: LoadedRun, architecture: str) -> EpochSeries:
    """The epoch-by-epoch series of one architecture of `run`."""
    logs = run.record.architecture(architecture).epochs
    return EpochSeries(
        run_key=run.key, run_label=run.label, architecture=architecture,
        epochs=tuple(log.epoch for log in logs), loss=tuple(log.loss for log in logs),
        accuracy=tuple(log.accuracy for log in logs), val_loss=tuple(log.val_loss for log in logs),
        val_accuracy=tuple(log.val_accuracy for log in logs), seconds=tuple(log.seconds for log in logs),
        gap=tuple(generalisation_gap(log) for log in logs))


def in_kind_order(architectures: tuple[ArchitectureRun, ...] | list[ArchitectureRun]) -> list[ArchitectureRun]:
    """A record's architectures in the app's order of kinds, standard first (a record lists them in the order they
    were trained: the summary showed one run's separable model above its standard one, the next run's below)."""
    order = {name: place for place, name in enumerate(NETWORK_KINDS)}
    return sorted(architectures, key=lambda arch: order.get(arch.name, len(order)))


def all_series(runs: list[LoadedRun], architectures: list[str] | None = None) -> list[EpochSeries]:
    """Series for every architecture of every run (only those named in `architectures`, when given), run by run,
    each run's in the order of kinds."""
    return [epoch_series(run, arch.name) for run in runs for arch in in_kind_order(run.record.architectures)
            if architectures is None or arch.name in architectures]


def untrained_note(runs: list[LoadedRun], architectures: list[str]) -> str | None:
    """The sentences for the architectures picked that have no line (None where each has one): those the chosen runs
    hold but finished no epoch of (a run stopped or still in its first epoch: the record is written before a model's
    first epoch ends), and those no chosen run holds (the bundled runs hold two of the four, and the two others were
    picked by default, drew nothing and said nothing). A model with no finished epoch was once counted as trained."""
    held = [part for run in runs for part in run.record.architectures]
    finished = [kind for kind in NETWORK_KINDS if any(part.name == kind and part.epochs for part in held)]
    started = [kind for kind in architectures if kind not in finished and any(part.name == kind for part in held)]
    absent = [kind for kind in architectures if kind not in finished and kind not in started]
    if not runs or not (started or absent):
        return None
    only = len(runs) == 1
    sentences = []
    if started:
        one = len(started) == 1
        sentences.append(f"{listed([word(kind) for kind in started])} finished no epoch in "
                         f"{'the chosen run' if only else 'any chosen run'}, so {'it has' if one else 'they have'} "
                         "no line here.")
    if absent:
        one = len(absent) == 1
        # said as what the runs hold, not as a fault: "No chosen run trained Depthwise + 1x1 or MobileNet: nothing is
        # drawn for them" stood first on the page as it opened, its default settings read as something broken
        see = f"launch a training below to see {'it' if one else 'them'}."
        if finished:
            sentences.append(f"{'The chosen run' if only else 'The chosen runs'} trained "
                             f"{listed([word(kind) for kind in finished])}, so "
                             f"{listed([word(kind) for kind in absent])} {'has no line' if one else 'have no lines'} "
                             f"here: {see}")
        else:
            sentences.append(f"{'The chosen run holds no' if only else 'No chosen run holds a'} "
                             f"{listed([word(kind) for kind in absent], 'or')} model: {see}")
    return " ".join(sentences)


# --- Summary table -------------------------------------------------------------------------------------

def best_epoch(arch: ArchitectureRun) -> tuple[float, int] | None:
    """(highest validation accuracy, the first epoch that reached it), or None without validation."""
    best: tuple[float, int] | None = None
    for log in arch.epochs:
        if log.val_accuracy is not None and (best is None or log.val_accuracy > best[0]):
            best = (log.val_accuracy, log.epoch)
    return best


@dataclass(frozen=True)
class SummaryRow:
    """One architecture of one run, as the summary table shows it."""

    run_label: str
    architecture: str
    params: int
    multiply_adds: int  # per image, forward pass
    best_val_accuracy: float | None
    best_epoch: int | None
    final_val_accuracy: float | None  # the last finished epoch's
    test_accuracy: float | None  # None where the run recorded none
    total_seconds: float  # sum of the finished epochs' seconds (training and validation)
    epochs_done: int
    epochs_planned: int | None
    status: str
    device: str
    validation_on_test: bool
    published: bool  # transcribed from a source rather than measured by dsconv


UNRECORDED_DEVICE = "an unrecorded device"


def device_description(record: RunRecord) -> str:
    """The device the record says it ran on, or UNRECORDED_DEVICE where it says none in words: a null, empty or
    numeric description read "on the None", "on ," and "on 5"."""
    described = record.device.get("description")
    return described.strip() if isinstance(described, str) and described.strip() else UNRECORDED_DEVICE


def summary_rows(run: LoadedRun) -> list[SummaryRow]:
    """One SummaryRow per architecture of `run`, in the order of kinds."""
    record = run.record
    planned = record.recipe.get("epochs")
    rows = []
    for arch in in_kind_order(record.architectures):
        best = best_epoch(arch)
        rows.append(SummaryRow(
            run_label=run.label, architecture=arch.name, params=arch.params, multiply_adds=arch.multiply_adds,
            best_val_accuracy=None if best is None else best[0], best_epoch=None if best is None else best[1],
            final_val_accuracy=arch.final_val_accuracy(), test_accuracy=arch.test_accuracy, total_seconds=sum(log.seconds for log in arch.epochs),
            epochs_done=len(arch.epochs), epochs_planned=planned if isinstance(planned, int) else None,
            status=arch.status, device=device_description(record),
            validation_on_test=record.validation_on_test, published=record.kind == "published"))
    return rows


def record_date(record: RunRecord) -> str:
    """When the numbers were made: 'published 2022 (transcribed 2026-11-25)' or 'measured 2026-11-25'."""
    day = record.created[:10]
    if record.kind == "published":
        year = str((record.source or {}).get("year", "")).strip()
        return f"published {year} (transcribed {day})" if year else f"published; transcribed {day}"
    return f"measured {day}"


OPTIMIZER_WORDS = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop", "adamw": "AdamW"}
LOSS_WORDS = {"sparse_categorical_crossentropy": "sparse categorical cross-entropy loss",
              "categorical_crossentropy": "categorical cross-entropy loss"}


def recipe_text(recipe: dict) -> str:
    """A run's recipe in words: 'Adam, learning rate 0.001, batch 128, 10 epochs, raw 0-255 pixels, ...'.

    The keys `dsconv` writes read as words; any other key is shown as 'key value'. Markdown, made literal (`plain`).
    """
    parts = []
    for key, value in recipe.items():
        if value is None or (key == "multi_gpu" and value is False):  # one device: the usual case, said by "Device"
            continue

        def known(words: dict, otherwise: str) -> str:  # a record may hold a list of numbers anywhere: not a key
            return words.get(value, otherwise) if isinstance(value, str) else otherwise

        text = {"optimizer": lambda: known(OPTIMIZER_WORDS, f"optimizer {value}"),
                "learning_rate": lambda: f"learning rate {value}",
                "batch_size": lambda: f"batch {value}",
                "epochs": lambda: f"{value} epoch{'' if value == 1 else 's'}",
                "input_scaling": lambda: known(INPUT_SCALING_WORDS, f"input scaling {value}"),
                "depthwise_init": lambda: known(DEPTHWISE_INIT_WORDS, f"depthwise initializer {value}"),
                "multi_gpu": lambda: ("on every GPU at once (MirroredStrategy)" if value is True
                                      else f"multi GPU {value}"),
                "loss": lambda: known(LOSS_WORDS, f"loss {value}"),
                }.get(key, lambda: f"{key.replace('_', ' ')} {value}")()
        parts.append(plain(str(text)))
    return ", ".join(parts)


def about_run(record: RunRecord, label: str | None = None) -> list[str]:
    """Markdown lines on where a run came from: title, date, data and recipe; the source; the notes. `label`: the
    name the page gives the run (LoadedRun.label), for a record whose title is blank (it read "****.").

    Everything the record says is made literal (`plain`): a record is a file anyone can write.
    """
    recipe = recipe_text(record.recipe)
    size = record.data.get("train_size")
    images = counted(size, "training image") if isinstance(size, int) else "training size not recorded"
    title = (record.title or "").strip() or label or "Untitled run"
    source = record.data.get("source")
    data = "data source not recorded" if source is None else plain(str(source_label(source)))
    when = record_date(record)
    lines = [f"**{plain(title)}**. {plain(when[0].upper() + when[1:])}. Data: {data}; {images}. "
             f"Recipe: {recipe or 'not recorded'}."]
    if record.source:
        where = ", ".join(plain(record.source[key]) for key in ("site", "year") if record.source.get(key))
        lines.append(f"Source: {plain(record.source.get('title', 'untitled'))}" + (f" ({where})." if where else "."))
    if record.notes:
        lines.append(plain(record.notes))
    return lines


def _duration(seconds: float, extra: int = 0) -> str:
    """Seconds as '6 ms', '3.4 s', '42 s', '3 min 05 s' or '1 h 02 min' (a record times an epoch in whole
    milliseconds at least), with `extra` digits more (durations). Whole seconds wrote a run of 6 ms and one of 3 ms
    both as "0 s", under a sentence that called one twice as fast per epoch."""
    if round(seconds * 1000, extra) < 1000:  # 0.9996 s: "1.0 s"
        return f"{seconds * 1000:.{extra}f} ms"
    if round(seconds, 1 + extra) < 10:
        return f"{seconds:.{1 + extra}f} s"
    if round(seconds, extra) < 60:
        return f"{seconds:.{extra}f} s"
    if round(seconds, extra) < 3600:
        whole = round(seconds, extra)
        minutes = int(whole // 60)
        return f"{minutes} min {whole - 60 * minutes:0{2 + (extra and extra + 1)}.{extra}f} s"
    whole = round(seconds, max(0, extra - 1)) if extra else round(seconds / 60) * 60
    hours, rest = int(whole // 3600), whole - 3600 * int(whole // 3600)
    if not extra:
        return f"{hours} h {int(rest // 60):02d} min"
    seconds_part = rest - 60 * int(rest // 60)
    return f"{hours} h {int(rest // 60):02d} min {seconds_part:0{2 + (extra > 1 and extra)}.{extra - 1}f} s"


def durations(seconds: list[float]) -> list[str]:
    """A column of total times (_duration), told apart (safe_text.told_apart): 13.6 s and 14.4 s both read "14 s",
    and 184.6 s and 185.4 s "3 min 05 s", beside a sentence that called one model 1.06x faster per epoch."""
    return told_apart(seconds, _duration, most=4)


def _test_text(row: SummaryRow) -> str:
    """The test accuracy; a run that validated on the test set has no other than its final validation figure."""
    if row.test_accuracy is None:
        return "not recorded"
    if row.validation_on_test and row.final_val_accuracy is not None and \
            abs(row.test_accuracy - row.final_val_accuracy) < 5e-5:
        return f"{row.test_accuracy:.4f} (= final val)"
    return f"{row.test_accuracy:.4f}"


def table_rows(rows: list[SummaryRow]) -> list[dict[str, str | None]]:
    """The summary rows as display text, one dict per row (column name -> text; "Validated on" None for a model that
    read no validation accuracy)."""
    shown = []
    counts = [row.multiply_adds for row in rows]  # one form for the column (152.8 M sat above 35,136)
    timed = iter(durations([row.total_seconds for row in rows if row.epochs_done]))
    for row in rows:
        epochs = f"{row.epochs_done}" if row.epochs_planned in (None, row.epochs_done) else \
            f"{row.epochs_done} of {row.epochs_planned}"
        shown.append({
            "Run": row.run_label, "Model": word(row.architecture), "Params": f"{row.params:,}",
            "Multiply-adds / image": count_text(row.multiply_adds, *counts),
            "Best val accuracy (epoch)": "—" if row.best_val_accuracy is None else
            f"{row.best_val_accuracy:.4f} ({row.best_epoch})",
            "Final val accuracy": "—" if row.final_val_accuracy is None else f"{row.final_val_accuracy:.4f}",
            "Test accuracy": _test_text(row),
            "Epochs": epochs + ("" if row.status == "complete" else f" ({row.status})"),
            "Total time": next(timed) if row.epochs_done else "—", "Device": row.device,
            "Validated on": None if row.best_val_accuracy is None else
            "test set" if row.validation_on_test else "held-out split",
        })
    return shown
