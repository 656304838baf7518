"""The Training arena's rules for one launch, without Streamlit: the server's limits (from st.secrets or
DSCONV_ARENA_* variables), the settings a student picks, how many images each epoch sees, and loading the data.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from dsconv import ONE_AT_A_TIME
from dsconv.kinds import NETWORK_KINDS, word
from dsconv.safe_text import counted, library_words
from dsconv.training.data import (
    SOURCES,
    cifar_batch_folder,
    folder_path,
    image_file_name,
    image_folder_root,
    source_label,
    visible,
)
from dsconv.training.dataset import DataError
from dsconv.training.engine import TrainConfig

ENV_PREFIX = "DSCONV_ARENA_"
SERVER_FOLDER_SOURCES = ("cifar10-local", "folder")  # the sources that read a folder typed on the page


class ArenaError(ValueError):
    """A launch that this server will not run, explained in one sentence."""


class ArenaBusy(ArenaError):
    """Every training slot is taken; the sentence says for about how long."""


# The fewest images a launch may use, so that its accuracies mean something: a tenth of the training images is
# held out for validation, and with 500 that is 50 images (one image moves the accuracy by 2 points, against 50
# points for the 2 of 20); 100 test images put one image at 1 point.
MIN_TRAIN_IMAGES = 500
MIN_TEST_IMAGES = 100


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
        if limits.max_concurrent < 1 or limits.max_train_images < MIN_TRAIN_IMAGES \
                or limits.max_test_images < MIN_TEST_IMAGES or limits.max_epochs < 1 or limits.max_batch_size < 1 \
                or limits.heartbeat_seconds <= 0:
            raise ArenaError(f"The arena's limits must allow at least 1 training, {MIN_TRAIN_IMAGES} training and "
                             f"{MIN_TEST_IMAGES} test images, 1 epoch, batch size 1 and a positive heartbeat; check "
                             "DSCONV_ARENA_* settings.")
        return limits

    def sources(self) -> tuple[str, ...]:
        """The data sources a launch may use here: without the folders on the server's disk where it forbids them."""
        return tuple(s for s in SOURCES if self.allow_server_folders or s not in SERVER_FOLDER_SOURCES)


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
    val_split: float = 0.1  # a tenth of the training images held out for validation
    # The recipe: the tutorial's comparison (standard and separable), 3 epochs of batch 32 (about a minute for both
    # models on a 2-core CPU; small batches learn faster per epoch on small data), the test set kept unseen.
    train: TrainConfig = TrainConfig(epochs=3, batch_size=32)

    def check(self, limits: ArenaLimits) -> None:
        """Raise ArenaError with a sentence when this launch breaks a rule or a limit."""
        if self.source not in SOURCES:
            raise ArenaError(f"Choose a data source from {', '.join(map(source_label, SOURCES))}.")
        unknown = [a for a in self.train.architectures if a not in NETWORK_KINDS]
        if not self.train.architectures or unknown:
            raise ArenaError(f"Pick at least one architecture from {', '.join(map(word, NETWORK_KINDS))}.")
        for name, value, low, high in (("training images", self.train_size, MIN_TRAIN_IMAGES, limits.max_train_images),
                                       ("test images", self.test_size, MIN_TEST_IMAGES, limits.max_test_images),
                                       ("epochs", self.train.epochs, 1, limits.max_epochs),
                                       ("batch size", self.train.batch_size, 1, limits.max_batch_size)):
            if not low <= value <= high:
                raise ArenaError(f"The number of {name} must be between {low:,} and {high:,} on this server; "
                                 f"got {value:,}.")
        if self.source in SERVER_FOLDER_SOURCES:
            if not limits.allow_server_folders:
                raise ArenaError("This server does not read folders from its disk; use synthetic data or the "
                                 "CIFAR-10 download.")
            if not self.data_dir.strip():
                raise ArenaError("Type the folder that holds the images (on the machine that runs this app).")
            try:
                self.check_folder(limits)
            except DataError as exc:
                raise ArenaError(str(exc)) from None
        if not 0.25 <= self.train.model.network.width_multiplier <= 2:
            raise ArenaError(f"The width multiplier must be between 0.25 and 2 here; got {self.train.model.network.width_multiplier}.")

    def check_folder(self, limits: ArenaLimits) -> None:
        """DataError where the typed folder cannot hold this launch's data, by what its names say (no file is read,
        no TensorFlow loaded): the page checks it on every change of a setting. A missing batch file or train/
        folder was said only after Launch, by the training, and the error stayed up once the folder was fixed."""
        try:  # a name too long for the system, a folder the server may not enter: said, not a traceback
            if self.source == "cifar10-local":
                cifar_batch_folder(self.data_dir)
                return
            image_folder_root(self.data_dir)
            train, test = count_folder_images(self.data_dir, limits.max_folder_images)
        except OSError as error:
            raise DataError(f"The server cannot read the folder {str(self.data_dir)[:120]!r} "
                            f"({error.strerror or type(error).__name__}): type another folder.") from None
        if (train or 0) + (test or 0) > limits.max_folder_images:
            raise DataError(f"{self.data_dir} holds more than {limits.max_folder_images:,} images; this server "
                            "reads an image folder whole, so give it a smaller copy.")
        if train and test:  # both counted: too few is said before a launch; else the loader says what is missing
            _enough_images((train, test), self)

    def title(self) -> str:
        """A short title for the run record."""
        train, _ = train_and_val_sizes(self)
        return (f"{' vs '.join(word(arch) for arch in self.train.architectures)} · {source_label(self.source)} · "
                f"{train:,} images · "
                f"{self.train.epochs} epoch{'s' if self.train.epochs != 1 else ''}")


def count_folder_images(folder: str | Path, stop_after: int) -> tuple[int | None, int | None]:
    """Image files where the image-folder source reads them, FOLDER/train/<class>/ and FOLDER/test/<class>/ (one
    level each): (training, test), counting no further than stop_after + 1 in all; None for a split that could not
    be listed whole (missing or unreadable: the loader says which and what to do). Nothing else is looked at: "/"
    typed as the folder was walked whole, 90 s with the launch's slot held, before anyone found that it had no
    train/."""
    counts: dict[str, int | None] = {"train": 0, "test": 0}
    for split in counts:
        try:
            with os.scandir(folder_path(folder) / split) as entries:  # what the loader reads, by its own tests
                classes = [entry.path for entry in entries if visible(entry.name) and entry.is_dir()]
            for path in classes:
                with os.scandir(path) as files:
                    for file in files:
                        counts[split] += image_file_name(file.name) and file.is_file()
                        if sum(count or 0 for count in counts.values()) > stop_after:
                            return counts["train"], counts["test"]
        except OSError:
            counts[split] = None
    return counts["train"], counts["test"]


def load_dataset(settings: LaunchSettings, limits: ArenaLimits, stop: Any = None) -> Any:
    """The launch's data: loaded, then cut to the requested sizes with a held-out validation split. `stop`, an
    Event, ends the reading of a folder early (dsconv.training.data.LoadingStopped)."""
    with ONE_AT_A_TIME:
        from dsconv.training.data import load_source, prepare

    if settings.source == "folder":
        train, test = count_folder_images(settings.data_dir, limits.max_folder_images)
        if (train or 0) + (test or 0) > limits.max_folder_images:
            raise DataError(f"{settings.data_dir} holds more than {limits.max_folder_images:,} images; this server "
                            "reads an image folder whole, so give it a smaller copy.")
        if train and test:  # both counted: too few is said before they are read (it took minutes); else the loader
            _enough_images((train, test), settings)  # says what is missing
    try:
        full = load_source(settings.source, settings.data_dir or None, settings.train.seed,
                           train_size=settings.train_size, test_size=settings.test_size, stop=stop)
    except DataError as exc:
        if settings.source != "cifar10":
            raise
        # The data module speaks to the command line ("Use --data cifar10-local --data-dir FOLDER"): the page's
        # choices are the way out here
        local = ("" if not limits.allow_server_folders else f"choose “{source_label('cifar10-local')}” and type "
                 "the folder of the unpacked cifar-10-python.tar.gz, or ")
        raise DataError(f"Could not download CIFAR-10: this server has no internet, or the download failed. Under "
                        f"Data, {local}choose “{source_label('synthetic')}”, which needs no download. "
                        f"(The download said: {library_words(exc.__cause__ or exc)})") from exc
    except OSError as exc:  # a path the system refuses: its error quoted the whole path (4,000 characters)
        why = exc.strerror or "the system refused the path"
        if exc.errno == errno.ENAMETOOLONG:
            raise DataError(f"The folder cannot be read ({why}); type a shorter path to a folder on this "
                            "server.") from exc
        raise DataError(f"The folder cannot be read ({why}): check that this server may read it, or type "
                        "another folder.") from exc
    _enough_images((len(full.y_train), len(full.y_test)), settings)
    return prepare(full, train_size=settings.train_size, test_size=settings.test_size,
                   val_split=0.0 if settings.train.validate_on_test else settings.val_split, seed=settings.train.seed)


def _enough_images(held: tuple[int, int], settings: LaunchSettings) -> None:
    """Raise DataError where the data holds fewer training or test images than the launch asked for, saying what to
    change. A smaller folder trained on what it held without a word, under a title that said the sizes asked for
    ("1,800 images" over 540), and below the page's own minimums (27 training images)."""
    if held[0] < settings.train_size or held[1] < settings.test_size:
        raise DataError(_too_few_images(held, settings))


def _too_few_images(held: tuple[int, int], settings: LaunchSettings) -> str:
    """The sentence for data that holds fewer images than the launch asked for, and what to change."""
    train, test = held
    said = (f"The data holds {counted(train, 'training image')} and {counted(test, 'test image')}; the launch asked "
            f"for {settings.train_size:,} and {settings.test_size:,}.")
    if train < MIN_TRAIN_IMAGES or test < MIN_TEST_IMAGES:
        return (f"{said} The arena trains on at least {MIN_TRAIN_IMAGES:,} training and {MIN_TEST_IMAGES:,} test "
                "images (with fewer, one image moves an accuracy by several points): give it a folder with more.")
    return (f"{said} Set Training images to at most {train:,} and Test images to at most {test:,}, or give it a "
            "folder with more.")


def train_and_val_sizes(settings: LaunchSettings) -> tuple[int, int]:
    """(training images, validation images per epoch) after holding out the validation split."""
    if settings.train.validate_on_test:
        return settings.train_size, settings.test_size
    val = int(round(settings.val_split * settings.train_size))
    return settings.train_size - val, val
