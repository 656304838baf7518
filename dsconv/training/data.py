"""Image data sets for training: where the pictures come from, and how they are cut into train/validation/test.

Every source gives uint8 images (N, 32, 32, 3), integer labels and class names. `prepare` then takes
stratified, seeded subsets and holds a validation split out of the training images, separate from the
test set (the tutorial validated on its test set; our records say which was done).
Sources: `synthetic` (generated, see dsconv.training.synthetic), `cifar10` (the Keras download),
`cifar10-local` (a folder in the official python-batches layout) and `folder` (train/ and test/ with one
subfolder per class). Bad data raises DataError, a ValueError that says what is wrong and where.
"""

from __future__ import annotations

import math
import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from dsconv import ONE_AT_A_TIME
from dsconv.image_files import ImageError, load_image
from dsconv.safe_text import over_limit
from dsconv.training.dataset import IMAGE_SIZE, DataError, Dataset
from dsconv.training.runs import MAX_CLASS_NAME, MAX_CLASSES
from dsconv.training.synthetic import synthetic_dataset

SOURCES = ("synthetic", "cifar10", "cifar10-local", "folder")
# Short, so a picker shows them in full; what each source is, in the notes.
SOURCE_LABELS = {"synthetic": "Synthetic shapes", "cifar10": "CIFAR-10, downloaded",
                 "cifar10-local": "CIFAR-10 on the server", "folder": "Image folder"}
SOURCE_NOTES = {"synthetic": "generated here, no download", "cifar10": "163 MB from the internet, once",
                "cifar10-local": "a copy unpacked from cifar-10-python.tar.gz, in a folder on the server",
                "folder": "a folder on the server with train/ and test/, one subfolder per class in each"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
CIFAR_BATCH_DIR = "cifar-10-batches-py"
CIFAR_TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
MAX_IMAGE_FILE_BYTES = 25_000_000  # as an uploaded photo (.streamlit/config.toml's maxUploadSize)
MAX_FOLDER_IMAGES = 200_000  # per split of an image folder: 4x CIFAR-10's training set, about 600 MB as 32x32 RGB


def source_label(source: Any) -> Any:
    """A data source's short label; one this version does not know, or a record's non-text value (a record may hold
    a list of numbers there), as it is."""
    return SOURCE_LABELS.get(source, source) if isinstance(source, str) else source


# --- Reading pickled CIFAR batches without trusting them -------------------------------------------

# The only globals a CIFAR-10 batch needs: numpy's array reconstruction (the "data" array), and
# _codecs.encode, which protocol-2 pickles use to rebuild bytes from latin-1 text (_latin1_bytes stands in for it).
# Everything else in a batch (dict, list, bytes, str, int) is built by pickle opcodes, no globals.
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


def _latin1_bytes(text: str, encoding: str = "latin1") -> bytes:
    """What _codecs.encode does for a pickle, and no more: text to bytes in latin-1. A batch that named another codec
    (an unknown one raised LookupError, a traceback) is refused."""
    if not isinstance(text, str) or not isinstance(encoding, str) or \
            encoding.lower().replace("_", "-") not in ("latin1", "latin-1", "iso-8859-1"):
        raise pickle.UnpicklingError(f"refused to rebuild bytes with the codec {str(encoding)[:40]!r}: a CIFAR-10 "
                                     "batch uses latin-1")
    return text.encode("latin-1")


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that refuses every global except numpy's plain-array reconstruction."""

    def find_class(self, module: str, name: str):  # noqa: D401 - pickle's hook
        if (module, name) == ("_codecs", "encode"):
            return _latin1_bytes
        if (module, name) in _ALLOWED_GLOBALS:
            import importlib

            return getattr(importlib.import_module(module), name)
        raise pickle.UnpicklingError(f"refused to load {module}.{name}: a CIFAR-10 batch never needs it")


MAX_BATCH_BYTES = 64 * 2**20  # an official batch is 31 MB: 10,000 pictures of 3,072 bytes, their labels and names


def restricted_unpickle(path: Path) -> object:
    """Unpickle `path` allowing only builtin containers and numpy arrays; raise DataError otherwise."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"{path} cannot be read ({exc}).") from exc
    if size > MAX_BATCH_BYTES:
        raise DataError(f"{path} is {over_limit(size / 2**20, MAX_BATCH_BYTES / 2**20)} MB; a CIFAR-10 python batch "
                        "is 31 MB (10,000 pictures), and "
                        f"dsconv reads batches of up to {MAX_BATCH_BYTES // 2**20} MB. Name the folder of the official "
                        "cifar-10-python.tar.gz.")
    try:
        with open(path, "rb") as handle:
            return _RestrictedUnpickler(handle, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError,
            KeyError, OSError, LookupError) as exc:
        # the reader's own refusals are sentences; a library's words for a damaged file ("invalid literal for int()
        # with base 10: 'arbage'") are not, and say nothing to a student
        why = str(exc) if str(exc).startswith("refused") else \
            "it is damaged, cut short, or another kind of file: the official batches are Python pickles"
        raise DataError(f"{path} is not a readable CIFAR-10 python batch ({why}).") from exc


def _key(batch: dict, name: str) -> object:
    for key in (name.encode(), name):
        if key in batch:
            return batch[key]
    raise KeyError(name)


def whole_labels(raw: object, count: int, num_classes: int, where: str) -> np.ndarray:
    """`count` labels as int64, each a whole number from 0 to num_classes - 1; DataError naming the first bad one.

    Labels of 10**30 (too large for any integer type), 0.5 (which a cast would silently cut to 0), true/false,
    text or NaN are refused: a label picks a class, so it is a class number or nothing.
    """
    allowed = f"whole numbers from 0 to {num_classes - 1} (one per class)"
    if isinstance(raw, (list, tuple)):  # as pickled by Python: check each value's own type (True is not 1 here)
        if len(raw) != count:
            raise DataError(f"{where} holds {count} images but {len(raw)} labels; it needs one label per image.")
        values = list(raw)
        bad = np.array([not _is_class_number(value, num_classes) for value in values], dtype=bool)
        labels = None
    else:
        try:
            labels = np.asarray(raw)
        except (ValueError, TypeError, OverflowError) as exc:
            raise DataError(f"{where}: the labels are not a list of numbers ({exc}); labels must be {allowed}.") from exc
        if labels.ndim != 1 or len(labels) != count:
            raise DataError(f"{where} holds {count} images but labels of shape {labels.shape}; it needs one label "
                            "per image.")
        values = labels.tolist()
        if labels.dtype.kind in "iu":
            bad = (labels < 0) | (labels >= num_classes)
        elif labels.dtype.kind == "f":
            with np.errstate(invalid="ignore"):
                bad = ~np.isfinite(labels) | (labels != np.round(labels)) | (labels < 0) | (labels >= num_classes)
        else:  # objects, text, bytes, true/false
            bad = np.array([not _is_class_number(value, num_classes) for value in values], dtype=bool)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        shown = repr(values[position])
        shown = shown if len(shown) <= 24 else shown[:20] + "..."
        raise DataError(f"{where}: label {position} is {shown}; labels must be {allowed}.")
    return (np.asarray(values, dtype=np.float64) if labels is None else labels).astype(np.int64)


def _is_class_number(value: object, num_classes: int) -> bool:
    """A whole number from 0 to num_classes - 1: an int, or a float with nothing after the point; never a bool."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value) and value == int(value) and 0 <= value < num_classes
    return isinstance(value, (int, np.integer)) and 0 <= value < num_classes


def read_cifar_batch(path: Path, num_classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Images (uint8, N x 32 x 32 x 3) and labels (0..num_classes - 1) of one CIFAR-10 python batch; DataError."""
    batch = restricted_unpickle(path)
    try:
        if not isinstance(batch, dict):
            raise TypeError("not a dict")
        data = _key(batch, "data")
        if not isinstance(data, np.ndarray):  # a pickled list may repeat one row by reference: 206 KB of file made
            # 50,000 rows, and 2.6 GB of memory in np.asarray
            raise TypeError(f"data is a {type(data).__name__}, not an array as in the official batches")
        raw_labels = _key(batch, "labels")
        count = len(raw_labels)
        if data.dtype == object or data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(data) != count:
            raise TypeError(f"data of shape {data.shape} and {count} labels")
        if data.dtype.kind not in "iuf":
            raise TypeError(f"data of {data.dtype} values")
        if data.dtype != np.uint8 and not (np.isfinite(data).all() and (data == np.round(data)).all()
                                           and data.min() >= 0 and data.max() <= 255):
            raise ValueError("pixel values must be whole numbers from 0 to 255")
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise DataError(f"{path} does not hold a CIFAR-10 batch: it needs 'data' (N x 3072 bytes) and N 'labels' "
                        f"({exc}).") from exc
    labels = whole_labels(raw_labels, count, num_classes, str(path))
    images = data.astype(np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # rows store R, G, B planes
    return np.ascontiguousarray(images), labels


class LoadingStopped(DataError):
    """A stop was asked for (the Training arena's Stop button) while the data loaded."""


def _go_on(stop: Any) -> None:
    """Raise LoadingStopped where `stop` (a threading or multiprocessing Event, or None) is set."""
    if stop is not None and stop.is_set():
        raise LoadingStopped("Stopped while the data loaded.")


def folder_path(typed: str | Path) -> Path:
    """A folder as a person typed it: "~" is their home folder, as in a shell (the arena's box read "~/cifar" as a
    folder named "~"). A NUL character, which no path can hold, is refused: it raised "embedded null byte"."""
    if "\x00" in str(typed):
        raise DataError("The folder's name holds a NUL character (\\x00), which no path can hold; type the folder "
                        "again.")
    try:
        path = Path(typed).expanduser()
    except RuntimeError:  # the system names no home folder: "~" stays as typed, and the loader says it is missing
        path = Path(typed)
    return Path(os.path.normpath(path))  # "a/../b" as a shell's cd reads it, and quoted so: "~/../.." is "/"


def cifar_batch_folder(folder: str | Path) -> Path:
    """The folder of CIFAR-10's python batches at `folder` (or in its cifar-10-batches-py/), once sure that every
    batch file is there; DataError saying what is missing. It lists names only, so the arena checks a typed folder
    with it on every change, before anything is read."""
    folder = folder_path(folder)
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{folder} is a file, not a folder; name the folder that cifar-10-python.tar.gz unpacks to.")
    if not folder.is_dir():
        raise DataError(f"The CIFAR-10 folder {folder} does not exist; unpack cifar-10-python.tar.gz and name its folder.")
    if (folder / CIFAR_BATCH_DIR).is_dir():
        folder = folder / CIFAR_BATCH_DIR
    missing = [name for name in (*CIFAR_TRAIN_FILES, "test_batch") if not (folder / name).is_file()]
    if missing:
        raise DataError(f"{folder} is not in the CIFAR-10 python-batches layout: {', '.join(missing)} missing "
                        "(expected data_batch_1..5, test_batch and batches.meta).")
    return folder


def load_cifar10_local(folder: str | Path, stop: Any = None) -> Dataset:
    """CIFAR-10 from a folder in the official python-batches layout (or the folder that contains it); `stop`, an
    Event, ends the reading between two batch files (LoadingStopped)."""
    folder = cifar_batch_folder(folder)
    for name in (*CIFAR_TRAIN_FILES, "test_batch", "batches.meta"):
        if (folder / name).exists():  # batches.meta may be absent: the official class names then
            _inside(folder / name, folder)
    class_names = _cifar_class_names(folder)
    parts = []
    for name in (*CIFAR_TRAIN_FILES, "test_batch"):
        _go_on(stop)
        parts.append(read_cifar_batch(folder / name, len(class_names)))
    x_train = np.concatenate([p[0] for p in parts[:-1]])
    y_train = np.concatenate([p[1] for p in parts[:-1]])
    x_test, y_test = parts[-1]
    return Dataset(x_train, y_train, x_test, y_test, class_names, "cifar10-local")


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def class_names_checked(names: Sequence[str], where: str) -> tuple[str, ...]:
    """Class names as a run record can keep them: 2 to MAX_CLASSES, each 1 to MAX_CLASS_NAME characters, unique."""
    names = tuple(names)
    if not 2 <= len(names) <= MAX_CLASSES:
        counted = f"{len(names):,} class" + ("" if len(names) == 1 else "es")
        raise DataError(f"{where} names {counted}; a classifier here needs 2 to {MAX_CLASSES:,}.")
    for name in names:
        if not 1 <= len(name) <= MAX_CLASS_NAME or not name.isprintable():
            shown = repr(name[:MAX_CLASS_NAME]) + ("..." if len(name) > MAX_CLASS_NAME else "")
            raise DataError(f"{where} has the class name {shown}; a class name is 1 to {MAX_CLASS_NAME} printable "
                            "characters.")
    if len(set(names)) < len(names):
        raise DataError(f"{where} names a class twice; each class needs its own name.")
    return names


def _cifar_class_names(folder: Path) -> tuple[str, ...]:
    meta_path = folder / "batches.meta"
    if not meta_path.is_file():
        return CIFAR10_CLASSES
    meta = restricted_unpickle(meta_path)
    try:
        names = _key(meta, "label_names") if isinstance(meta, dict) else None
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, (bytes, str)) for n in names):
            raise TypeError("not a list of names")
        names = tuple(n.decode() if isinstance(n, bytes) else n for n in names)
    except (KeyError, TypeError, UnicodeDecodeError) as exc:
        raise DataError(f"{meta_path} has no readable 'label_names' list of class names ({exc}).") from exc
    return class_names_checked(names, str(meta_path))


def load_cifar10_download() -> Dataset:
    """CIFAR-10 through `keras.datasets.cifar10.load_data()` (downloads about 163 MB once, then cached)."""
    import socket

    with ONE_AT_A_TIME:
        from keras.datasets import cifar10

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)  # offline machines must fail fast, not hang
    try:
        (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    except Exception as exc:  # noqa: BLE001 - urllib, socket and Keras raise many kinds; all mean "no data"
        raise DataError(
            "Could not download CIFAR-10 (no internet?). Use --data cifar10-local --data-dir FOLDER with the "
            "unpacked cifar-10-python.tar.gz, or --data folder --data-dir FOLDER with train/ and test/ "
            f"image folders. (The download said: {exc})"
        ) from exc
    finally:
        socket.setdefaulttimeout(previous)
    return Dataset(x_train, y_train.reshape(-1).astype(np.int64), x_test, y_test.reshape(-1).astype(np.int64),
                   CIFAR10_CLASSES, "cifar10")


# --- An image folder a teacher brings -----------------------------------------------------------------

def _inside(path: Path, root: Path) -> Path:
    """`path`, once sure that it (or the link it is) stays inside `root`; DataError for a link that leads out."""
    try:
        target = path.resolve(strict=True)
        inside = target.is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError) as exc:  # a missing target, a link loop
        raise DataError(f"Could not open {path} ({getattr(exc, 'strerror', None) or exc}).") from exc
    if not inside:
        raise DataError(f"{path} is a link to {target}, outside {root}; copy the files into the folder instead.")
    return path


def visible(name: str) -> bool:
    """Whether a folder entry is read at all: hidden ones (.DS_Store, ._picture.jpg, .git) are skipped."""
    return not name.startswith(".")


def image_file_name(name: str) -> bool:
    """Whether a visible file of this name is read as a picture (by its suffix). The arena's count before reading
    uses it too: counted by suffix alone, a Mac copy's hidden "._0.png" twins doubled every count."""
    return visible(name) and Path(name).suffix.lower() in IMAGE_SUFFIXES


def _entries(folder: Path) -> list[Path]:
    """The visible entries of `folder`, sorted."""
    try:
        return sorted(p for p in folder.iterdir() if visible(p.name))
    except OSError as exc:
        raise DataError(f"Could not list the folder {folder} ({exc.strerror or exc}).") from exc


def _read_image(path: Path) -> np.ndarray:
    """One picture as 32 x 32 RGB, through the same guards as an uploaded photo (dsconv.image_files.load_image)."""
    with ONE_AT_A_TIME:
        from PIL import Image

    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_FILE_BYTES:
            raise DataError(f"The image {path} is {over_limit(size / 1e6, MAX_IMAGE_FILE_BYTES / 1e6)} MB; pictures "
                            "of up to "
                            f"{MAX_IMAGE_FILE_BYTES / 1e6:.0f} MB are read. Shrink it or remove it.")
        picture = load_image(path.read_bytes(), max_side=2 * IMAGE_SIZE)
    except ImageError as exc:
        raise DataError(f"Could not read the image {path}: {exc}") from exc
    except OSError as exc:
        raise DataError(f"Could not read the image {path} ({exc.strerror or exc}).") from exc
    return np.asarray(picture.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR), dtype=np.uint8)


def _split_folder(folder: Path) -> None:
    """DataError where a split's folder (train/ or test/) is missing or a file."""
    if folder.exists() and not folder.is_dir():
        raise DataError(f"The image folder needs a subfolder {folder.name}/ with one folder per class; {folder} is a "
                        "file, not a folder.")
    if not folder.is_dir():
        raise DataError(f"The image folder needs a subfolder {folder.name}/ with one folder per class; {folder} is missing.")


def image_folder_root(folder: str | Path) -> Path:
    """The image folder at `folder`, once sure that it holds train/ and test/ folders; DataError saying what is
    missing. It reads no file, so the arena checks a typed folder with it on every change."""
    folder = folder_path(folder)
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{folder} is a file, not a folder; name a folder that holds train/ and test/.")
    if not folder.is_dir():
        raise DataError(f"The image folder {folder} does not exist.")
    for split in ("train", "test"):
        _split_folder(folder / split)
    return folder


def _read_split(root: Path, folder: Path, class_names: tuple[str, ...] | None,
                stop: Any = None) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    _split_folder(folder)
    _inside(folder, root)
    found = tuple(p.name for p in _entries(folder) if p.is_dir())
    if class_names is None:
        if len(found) < 2:
            raise DataError(f"{folder} has {len(found)} class folder(s); a classifier needs at least two.")
        class_names = class_names_checked(found, str(folder))
    elif found != class_names:
        raise DataError(f"{folder} has the classes {', '.join(found) or 'none'}, but train/ has {', '.join(class_names)}; "
                        "both need the same class folders.")
    files_per_class = []
    for name in class_names:
        entries = _entries(_inside(folder / name, root))
        files = [_inside(p, root) for p in entries if image_file_name(p.name) and p.is_file()]
        if not files:
            nested = [p.name + "/" for p in entries if p.is_dir()]
            inner = (f" (pictures in its subfolders {', '.join(nested[:3])} are not read: move them up)"
                     if nested else "")
            raise DataError(f"The class folder {folder / name} holds no images ({', '.join(IMAGE_SUFFIXES)}){inner}.")
        files_per_class.append(files)
    total = sum(len(files) for files in files_per_class)
    if total > MAX_FOLDER_IMAGES:
        raise DataError(f"{folder} holds {total:,} images; at most {MAX_FOLDER_IMAGES:,} per split are read "
                        "(CIFAR-10 has 50,000). Use a smaller selection.")
    images, labels = [], []
    for label, files in enumerate(files_per_class):
        for path in files:
            _go_on(stop)
            images.append(_read_image(path))
        labels.extend([label] * len(files))
    return np.stack(images), np.asarray(labels, dtype=np.int64), class_names


def load_image_folder(folder: str | Path, stop: Any = None) -> Dataset:
    """Images from FOLDER/train/<class>/* and FOLDER/test/<class>/*, resized to 32x32 RGB; `stop`, an Event, ends
    the reading between two images (LoadingStopped)."""
    folder = image_folder_root(folder)
    x_train, y_train, class_names = _read_split(folder, folder / "train", None, stop)
    x_test, y_test, _ = _read_split(folder, folder / "test", class_names, stop)
    return Dataset(x_train, y_train, x_test, y_test, class_names, "folder")


# --- Choosing a source and cutting it -------------------------------------------------------------------

def load_source(source: str, data_dir: str | Path | None = None, seed: int = 0, *,
                train_size: int | None = None, test_size: int | None = None, stop: Any = None) -> Dataset:
    """The full data set of `source` (one of SOURCES); data_dir for cifar10-local and folder; `stop`, an Event,
    ends the reading of a folder early (LoadingStopped).

    The synthetic source generates exactly train_size and test_size images (defaults 5,000 and 1,000).
    """
    if source not in SOURCES:
        raise DataError(f"Unknown data source {source!r}; choose one of {', '.join(SOURCES)}.")
    if source in ("cifar10-local", "folder") and not data_dir:
        raise DataError(f"The {source} data source needs a folder: pass --data-dir FOLDER.")
    if source == "synthetic":

        return synthetic_dataset(train_size, test_size, seed=seed)
    if source == "cifar10":
        return load_cifar10_download()
    if source == "cifar10-local":
        return load_cifar10_local(data_dir, stop)
    return load_image_folder(data_dir, stop)


def stratified_indices(labels: np.ndarray, size: int | None, seed: int) -> np.ndarray:
    """Indices of a seeded subset of `size` labels keeping each class's share (largest remainders), in mixed order."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    if size is None or size >= len(labels):
        return rng.permutation(len(labels))
    if size < 1:
        raise DataError(f"A subset needs at least one image; got size {size}.")
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * size / len(labels)
    take = np.floor(exact).astype(int)
    leftover = size - take.sum()
    take[np.argsort(-(exact - take), kind="stable")[:leftover]] += 1
    chosen = [rng.permutation(np.flatnonzero(labels == cls))[:n] for cls, n in zip(classes, take)]
    return rng.permutation(np.concatenate(chosen))


def prepare(dataset: Dataset, *, train_size: int | None = None, test_size: int | None = None,
            val_split: float = 0.0, seed: int = 0) -> Dataset:
    """Stratified seeded subsets of train and test, then a stratified validation split held out of train."""
    if not 0 <= val_split < 1:
        raise DataError(f"The validation split is a fraction of the training images, from 0 to below 1; got {val_split}.")
    for name, size, available in (("train", train_size, len(dataset.y_train)), ("test", test_size, len(dataset.y_test))):
        if size is not None and not 1 <= size <= available:
            raise DataError(f"The {name} size must be between 1 and {available} for {dataset.source}; got {size}.")
    train = stratified_indices(dataset.y_train, train_size, seed)
    test = stratified_indices(dataset.y_test, test_size, seed + 1)
    x_train, y_train = dataset.x_train[train], dataset.y_train[train]
    if len(np.unique(y_train)) < 2:
        raise DataError(f"The training images of {dataset.source} hold fewer than two classes; a classifier needs two or more.")
    x_val = y_val = None
    if val_split > 0:
        val_count = int(round(val_split * len(y_train)))
        if not 1 <= val_count < len(y_train):
            raise DataError(f"A validation split of {val_split} leaves no validation or no training images out of {len(y_train)}.")
        held = stratified_indices(y_train, val_count, seed + 2)
        keep = np.setdiff1d(np.arange(len(y_train)), held)
        keep = np.random.default_rng(seed + 3).permutation(keep)
        x_val, y_val = x_train[held], y_train[held]
        x_train, y_train = x_train[keep], y_train[keep]
    return replace(dataset, x_train=x_train, y_train=y_train, x_test=dataset.x_test[test], y_test=dataset.y_test[test],
                   x_val=x_val, y_val=y_val)
