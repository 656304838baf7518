"""Hostile data sources for training (`python -m dsconv.train`, the arena's launch form): each gets a sentence
that names the file, never a traceback; labels are whole numbers in [0, classes); links stay inside the folder.

The first cases are issue #14's: a PNG header claiming 40000 x 40000 pixels, a CIFAR label of 10**30 and
fractional labels. Before, they ended in DecompressionBombError, OverflowError, and a silent cut to 0 and 1."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT
from dsconv.image_files import ImageError
from dsconv.images.loading import cifar_test_images
from dsconv.training.data import DataError, load_cifar10_local, load_image_folder, read_cifar_batch, whole_labels


def png_claiming(width: int, height: int) -> bytes:
    """A 4 x 4 PNG whose header says width x height (its checksum fixed, so Pillow believes it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def image_folder(root: Path, per_class: int = 2) -> Path:
    for split in ("train", "test"):
        for name in ("cats", "dogs"):
            (root / split / name).mkdir(parents=True)
            for index in range(per_class):
                Image.new("RGB", (8, 8), (index * 40, 0, 0)).save(root / split / name / f"{index}.png")
    return root


def write_batch(path: Path, labels, count: int | None = None) -> None:
    count = len(labels) if count is None else count
    with open(path, "wb") as handle:
        pickle.dump({b"labels": labels, b"data": np.zeros((count, 3072), dtype=np.uint8)}, handle, protocol=2)


def cifar_folder(root: Path, labels=None, meta=None) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        write_batch(folder / name, [0, 1, 2, 3])
    if labels is not None:
        write_batch(folder / "data_batch_2", labels)
    if meta is not None:
        with open(folder / "batches.meta", "wb") as handle:
            pickle.dump(meta, handle, protocol=2)
    return root


# --- Image folders ----------------------------------------------------------------------------------------

def test_a_png_header_bomb_gets_a_sentence_naming_the_file(tmp_path):
    root = image_folder(tmp_path / "set")
    bomb = root / "train" / "cats" / "huge.png"
    bomb.write_bytes(png_claiming(40_000, 40_000))
    with pytest.raises(DataError) as info:
        load_image_folder(root)
    message = str(info.value)
    assert str(bomb) in message and "claims 1,600 megapixels" in message and "40-megapixel limit" in message


def test_an_image_file_over_the_size_cap_is_not_read(tmp_path, monkeypatch):
    from dsconv.training import data

    root = image_folder(tmp_path / "set")
    monkeypatch.setattr(data, "MAX_IMAGE_FILE_BYTES", 50)
    with pytest.raises(DataError, match="MB; pictures of up to"):
        load_image_folder(root)


def test_hidden_files_and_folders_are_skipped(tmp_path):
    root = image_folder(tmp_path / "set")
    (root / "train" / "cats" / "._0.png").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    (root / "train" / "cats" / ".DS_Store").write_bytes(b"Bud1")
    (root / "train" / ".git").mkdir()
    dataset = load_image_folder(root)
    assert dataset.class_names == ("cats", "dogs") and len(dataset.y_train) == 4


def test_pictures_only_in_nested_folders_are_named(tmp_path):
    root = image_folder(tmp_path / "set")
    nested = root / "train" / "cats" / "more"
    nested.mkdir()
    for picture in (root / "train" / "cats").glob("*.png"):
        picture.rename(nested / picture.name)
    with pytest.raises(DataError, match=r"subfolders more/ are not read: move them up"):
        load_image_folder(root)


def test_links_out_of_the_folder_are_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Image.new("RGB", (8, 8)).save(outside / "secret.png")
    root = image_folder(tmp_path / "set")
    link = root / "train" / "cats" / "link.png"
    link.symlink_to(outside / "secret.png")
    with pytest.raises(DataError, match="outside") as info:
        load_image_folder(root)
    assert str(link) in str(info.value)
    link.unlink()
    (root / "test" / "dogs").rename(tmp_path / "dogs_elsewhere")
    (root / "test" / "dogs").symlink_to(tmp_path / "dogs_elsewhere")
    with pytest.raises(DataError, match="outside"):
        load_image_folder(root)


def test_a_link_inside_the_folder_is_fine(tmp_path):
    root = image_folder(tmp_path / "set")
    (root / "train" / "cats" / "again.png").symlink_to(root / "train" / "cats" / "0.png")
    assert len(load_image_folder(root).y_train) == 5


def test_class_folder_names_must_fit_a_run_record(tmp_path):
    root = image_folder(tmp_path / "set")
    for split in ("train", "test"):
        (root / split / "dogs").rename(root / split / ("d" * 100))
    with pytest.raises(DataError, match="1 to 60 printable characters"):
        load_image_folder(root)


def test_a_file_instead_of_a_folder_is_named(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="is a file, not a folder"):
        load_image_folder(tmp_path / "file")
    with pytest.raises(DataError, match="is a file, not a folder"):
        load_cifar10_local(tmp_path / "file")


def test_a_split_that_is_a_file_is_called_a_file(tmp_path):
    """A train/ that was a file was "missing", so a teacher looked for a folder that was there."""
    root = image_folder(tmp_path / "set")
    shutil.rmtree(root / "train")
    (root / "train").write_text("not a folder")
    with pytest.raises(DataError) as info:
        load_image_folder(root)
    assert "is a file, not a folder" in str(info.value) and "missing" not in str(info.value)


def test_a_typed_folder_is_quoted_tidied(tmp_path):
    """"~/../.." was quoted as typed, with the home folder spelt out before "/../..": now the folder it names."""
    from dsconv.training.data import folder_path

    assert folder_path(tmp_path / "a" / ".." / "b" / ".") == tmp_path / "b"
    with pytest.raises(DataError) as info:
        load_image_folder(str(tmp_path / "a" / ".." / "none"))
    assert str(info.value) == f"The image folder {tmp_path / 'none'} does not exist."


# --- CIFAR-10 batches --------------------------------------------------------------------------------------

@pytest.mark.parametrize("labels, shown", [
    ([0, 1, 10**30, 2], "label 2 is 10000000000000000000..."),  # OverflowError before
    ([0, 0.5, 1.5, 2], "label 1 is 0.5"),  # cut to 0 and 1 before, silently
    ([0, 1, 2, 10], "label 3 is 10"),  # one past the last class
    ([0, -1, 2, 3], "label 1 is -1"),
    ([0, 1, True, 3], "label 2 is True"),
    ([0, 1, "2", 3], "label 2 is '2'"),
    ([0, 1, float("nan"), 3], "label 2 is nan"),
    (np.array([0, 1, 2**63 + 5, 3], dtype=np.uint64), "label 2 is 9223372036854775813"),
])
def test_cifar_labels_are_whole_numbers_of_a_class(tmp_path, labels, shown):
    root = cifar_folder(tmp_path, labels=labels)
    with pytest.raises(DataError) as info:
        load_cifar10_local(root)
    message = str(info.value)
    assert "data_batch_2" in message and shown in message and "whole numbers from 0 to 9" in message


def test_labels_must_be_one_number_per_image(tmp_path):
    root = cifar_folder(tmp_path)
    write_batch(root / "cifar-10-batches-py" / "test_batch", [[0, 1], [2, 3]], count=2)
    with pytest.raises(DataError, match=r"label 0 is \[0, 1\]; labels must be whole numbers"):
        load_cifar10_local(root)


def test_whole_numbers_stored_as_floats_are_labels():
    assert whole_labels([0.0, 1.0, 9.0], 3, 10, "x").tolist() == [0, 1, 9]


def test_labels_are_checked_against_the_meta_files_classes(tmp_path):
    root = cifar_folder(tmp_path, meta={b"label_names": [b"a", b"b", b"c"]})
    with pytest.raises(DataError, match="label 3 is 3; labels must be whole numbers from 0 to 2"):
        load_cifar10_local(root)


@pytest.mark.parametrize("meta, message", [
    ({b"label_names": b"abcdefghij"}, "readable 'label_names' list"),  # bytes: was read as 10 names "97", "98", ...
    ({b"label_names": {b"a": 1, b"b": 2}}, "readable 'label_names' list"),
    ({b"label_names": [b"a", 3]}, "readable 'label_names' list"),
    ({b"label_names": [b"\xff\xfe", b"b"]}, "readable 'label_names' list"),
    ({b"label_names": [b"same", b"same"]}, "names a class twice"),
    ({b"label_names": [b"x" * 500, b"b"]}, "1 to 60 printable characters"),
    ({b"label_names": [b"line\nbreak", b"b"]}, "printable"),
    ({b"label_names": [b"c%d" % i for i in range(5000)]}, "5,000 classes"),
    ({b"label_names": [b"only"]}, "names 1 class;"),
    ([b"not", b"a", b"dict"], "readable 'label_names' list"),
])
def test_a_bad_batches_meta_is_named(tmp_path, meta, message):
    root = cifar_folder(tmp_path, meta=meta)
    with pytest.raises(DataError, match=message) as info:
        load_cifar10_local(root)
    assert "batches.meta" in str(info.value)


def test_a_batch_linked_from_outside_is_refused(tmp_path):
    root = cifar_folder(tmp_path / "set")
    batch = root / "cifar-10-batches-py" / "test_batch"
    batch.rename(tmp_path / "test_batch_elsewhere")
    batch.symlink_to(tmp_path / "test_batch_elsewhere")
    with pytest.raises(DataError, match="outside"):
        load_cifar10_local(root)


@pytest.mark.parametrize("bad_pixel", [0.5, float("nan"), 300.0, -1.0])
def test_the_filters_pages_cifar_reader_refuses_pixels_it_would_have_to_cut(tmp_path, bad_pixel):
    """The Filters page once read pixels with np.asarray(..., dtype=np.uint8), which turns 0.5 into 0, NaN into
    whatever the CPU gives and 300 into 44, silently. It now shares the training reader's check."""
    pixels = np.zeros((2, 3072), dtype=np.float64)
    pixels[1, 7] = bad_pixel
    path = tmp_path / "test_batch"
    with open(path, "wb") as handle:
        pickle.dump({b"labels": [0, 1], b"data": pixels}, handle, protocol=2)
    with pytest.raises(ImageError, match="whole numbers from 0 to 255"):
        cifar_test_images(path)


def test_the_filters_pages_cifar_reader_checks_labels_too(tmp_path):
    path = tmp_path / "test_batch"
    write_batch(path, [0, 1, 10**30, 2])
    with pytest.raises(ImageError, match="label 2"):
        cifar_test_images(path)


# --- The command line -------------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dsconv.train", "--epochs", "1", "--out", "/tmp/dsconv-never", *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})


def test_the_cli_exits_with_one_sentence_for_each_bad_data_source(tmp_path):
    bomb_set = image_folder(tmp_path / "bomb")
    (bomb_set / "test" / "dogs" / "huge.png").write_bytes(png_claiming(40_000, 40_000))
    labels_set = cifar_folder(tmp_path / "labels", labels=[0, 1, 10**30, 2])
    halves_set = cifar_folder(tmp_path / "halves", labels=[0, 0.5, 1.5, 2])
    for source, folder, phrase in (("folder", bomb_set, "huge.png"), ("cifar10-local", labels_set, "label 2"),
                                   ("cifar10-local", halves_set, "label 1 is 0.5")):
        result = run_cli("--data", source, "--data-dir", str(folder))
        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1 and phrase in errors[0], result.stderr
        assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("error:", ""), result.stderr


def test_class_names_from_a_folder_reach_the_predictions_chart_as_text():
    from dsconv.figures.filters import predictions_figure

    fig = predictions_figure([("<b>cat</b>", 0.7), ('<a href="http://192.0.2.1">dog</a>', 0.3)], None)
    assert list(fig.data[0].y) == ["&lt;b&gt;cat&lt;/b&gt;", '&lt;a href="http://192.0.2.1"&gt;dog&lt;/a&gt;']


def test_a_batch_whose_rows_repeat_one_list_by_reference_is_refused(tmp_path):
    """pickle keeps one copy of an object that a list holds many times: 50,000 references to one row of 3,072
    numbers made a 206 KB file that np.asarray spread into 2.6 GB. The official batches hold an array, which cannot
    grow that way; a list of rows is refused."""
    row = [0] * 3072
    path = tmp_path / "test_batch"
    with open(path, "wb") as handle:
        pickle.dump({b"data": [row] * 2000, b"labels": [0] * 2000}, handle, protocol=2)
    assert path.stat().st_size < 20_000  # 2,000 rows of 3,072 numbers, in under 20 KB
    with pytest.raises(DataError, match=r"does not hold a CIFAR-10 batch: .*\(data is a list, not an array as in "
                                        r"the official batches\)"):
        read_cifar_batch(path)
    with pytest.raises(ImageError, match="not an array as in the official batches"):
        cifar_test_images(path)


def test_a_batch_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    from dsconv.training.data import MAX_BATCH_BYTES

    path = tmp_path / "test_batch"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BATCH_BYTES + 1)  # sparse: no disk written; never unpickled
    with pytest.raises(DataError, match=r"test_batch is 64\.000001 MB; a CIFAR-10 python batch is 31 MB \(10,000 "
                                        r"pictures\), "
                                        r"and dsconv reads batches of up to 64 MB"):
        read_cifar_batch(path)
