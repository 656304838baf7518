"""dsconv.training.data and dsconv.training.synthetic on tiny fixtures the tests write themselves (no network, no real CIFAR-10)."""

import os
import pickle

import numpy as np
import pytest
from PIL import Image

from dsconv.training import data as data_module
from dsconv.training.data import (
    DataError,
    load_cifar10_local,
    load_image_folder,
    load_source,
    prepare,
    restricted_unpickle,
    stratified_indices,
)
from dsconv.training.synthetic import CLASS_NAMES, synthetic_dataset, synthetic_images

CLASSES = ["airplane", "automobile", "bird"]


def _write_batch(path, images, labels):
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), -1)  # official layout: R plane, G, B
    with open(path, "wb") as handle:
        pickle.dump({b"batch_label": b"x", b"labels": list(map(int, labels)), b"data": rows,
                     b"filenames": [b"f"] * len(labels)}, handle, protocol=2)


@pytest.fixture
def cifar_folder(tmp_path):
    """A tiny CIFAR folder in the python-batches layout: 5 train batches of 6 images, a test batch of 6."""
    rng = np.random.default_rng(0)
    root = tmp_path / "cifar-10-batches-py"
    root.mkdir()
    batches = []
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        images = rng.integers(0, 256, size=(6, 32, 32, 3), dtype=np.uint8)
        labels = np.arange(6) % 3
        _write_batch(root / name, images, labels)
        batches.append((images, labels))
    with open(root / "batches.meta", "wb") as handle:
        pickle.dump({b"label_names": [c.encode() for c in CLASSES], b"num_vis": 3072}, handle, protocol=2)
    return tmp_path, batches


def test_cifar_local_reads_the_official_layout(cifar_folder):
    folder, batches = cifar_folder
    for where in (folder, folder / "cifar-10-batches-py"):  # the folder or its parent
        dataset = load_cifar10_local(where)
        assert dataset.x_train.shape == (30, 32, 32, 3) and dataset.x_train.dtype == np.uint8
        assert np.array_equal(dataset.x_train[:6], batches[0][0])  # planes turned back into HWC pixels
        assert np.array_equal(dataset.x_test, batches[5][0])
        assert np.array_equal(dataset.y_train[6:12], batches[1][1])
        assert dataset.class_names == tuple(CLASSES)


def test_cifar_local_bad_layouts(cifar_folder, tmp_path):
    folder, _ = cifar_folder
    with pytest.raises(DataError, match="does not exist"):
        load_cifar10_local(tmp_path / "nowhere")
    os.remove(folder / "cifar-10-batches-py" / "data_batch_3")
    with pytest.raises(DataError, match="data_batch_3"):
        load_cifar10_local(folder)
    (folder / "cifar-10-batches-py" / "data_batch_3").write_bytes(b"not a pickle")
    with pytest.raises(DataError, match="data_batch_3"):
        load_cifar10_local(folder)
    with open(folder / "cifar-10-batches-py" / "data_batch_3", "wb") as handle:
        pickle.dump({b"labels": [1, 2]}, handle)
    with pytest.raises(DataError, match="needs 'data'"):
        load_cifar10_local(folder)
    for pixels in (np.full((2, 3072), 300.0), np.full((2, 3072), 0.5), np.full((2, 3072), np.nan)):
        _write_batch(folder / "cifar-10-batches-py" / "data_batch_3",
                     pixels.reshape(2, 3, 32, 32).transpose(0, 2, 3, 1), [1, 2])
        with pytest.raises(DataError, match="whole numbers from 0 to 255"):
            load_cifar10_local(folder)


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_restricted_unpickler_refuses_code(tmp_path, cifar_folder):
    evil = tmp_path / "evil"
    evil.write_bytes(pickle.dumps({b"data": _Exploit()}))
    with pytest.raises(DataError, match="refused to load"):
        restricted_unpickle(evil)
    folder, _ = cifar_folder
    (folder / "cifar-10-batches-py" / "test_batch").write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(DataError, match="posix.system|os.system|nt.system"):
        load_cifar10_local(folder)


def _codecs_encode_pickle(text: str, encoding: str) -> bytes:
    """A protocol-2 pickle of _codecs.encode(text, encoding): the one call a batch's bytes are rebuilt with."""
    def string(value: str) -> bytes:
        return b"X" + len(value.encode()).to_bytes(4, "little") + value.encode()
    return b"\x80\x02c_codecs\nencode\n" + string(text) + string(encoding) + b"\x86R."


@pytest.mark.parametrize("encoding", ["no-such-code", "rot13", "utf-16", "idna"])
def test_the_allowed_bytes_rebuilder_takes_latin1_only(tmp_path, encoding):
    """A 44-byte test_batch called the allowed _codecs.encode with an unknown encoding: LookupError, which no
    refusal caught (a traceback on the Filters page's CIFAR-10 source; "failed unexpectedly" in the arena). Pickles
    rebuild bytes with latin-1 only; any other codec is refused in words."""
    path = tmp_path / "test_batch"
    path.write_bytes(_codecs_encode_pickle("a", encoding))
    with pytest.raises(DataError, match=rf"test_batch is not a readable CIFAR-10 python batch \(.*{encoding}"):
        restricted_unpickle(path)
    path.write_bytes(_codecs_encode_pickle("\xff\x00a", "latin1"))
    assert restricted_unpickle(path) == b"\xff\x00a"


def test_cifar10_download_offline_names_the_local_options(monkeypatch):
    keras_datasets = pytest.importorskip("keras.datasets")

    def offline():
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras_datasets.cifar10, "load_data", offline)
    with pytest.raises(DataError) as info:
        load_source("cifar10")
    assert "cifar10-local" in str(info.value) and "--data folder" in str(info.value)


def _image_folder(root, counts, size=(40, 20)):
    rng = np.random.default_rng(1)
    for split, per_class in counts.items():
        for name, count in per_class.items():
            (root / split / name).mkdir(parents=True)
            for i in range(count):
                pixels = rng.integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
                Image.fromarray(pixels).save(root / split / name / f"{i}.png")


def test_image_folder_resizes_and_labels(tmp_path):
    _image_folder(tmp_path, {"train": {"cats": 3, "dogs": 2}, "test": {"cats": 1, "dogs": 1}})
    dataset = load_image_folder(tmp_path)
    assert dataset.x_train.shape == (5, 32, 32, 3) and dataset.x_train.dtype == np.uint8
    assert dataset.class_names == ("cats", "dogs")
    assert list(dataset.y_train) == [0, 0, 0, 1, 1] and list(dataset.y_test) == [0, 1]
    source = load_source("folder", tmp_path)
    assert source.source == "folder"


@pytest.mark.parametrize("case, message", [
    ("missing", "does not exist"), ("no_test", "test/"), ("single", "at least two"),
    ("empty_class", "holds no images"), ("unreadable", "Could not read the image"), ("mismatch", "same class folders"),
])
def test_image_folder_bad_data(tmp_path, case, message):
    root = tmp_path / "set"
    if case != "missing":
        counts = {"train": {"a": 2, "b": 2}, "test": {"a": 1, "b": 1}}
        if case == "no_test":
            del counts["test"]
        if case == "single":
            counts["train"] = {"a": 2}
        if case == "mismatch":
            counts["test"] = {"a": 1, "c": 1}
        _image_folder(root, counts)
        if case == "empty_class":
            (root / "train" / "empty").mkdir()
            (root / "test" / "empty").mkdir()
        if case == "unreadable":
            (root / "train" / "a" / "broken.png").write_text("this is not a picture")
    with pytest.raises(DataError, match=message) as info:
        load_image_folder(root)
    assert isinstance(info.value, ValueError)


def test_source_needs_a_folder_and_a_known_name():
    with pytest.raises(DataError, match="--data-dir"):
        load_source("cifar10-local")
    with pytest.raises(DataError, match="choose one of"):
        load_source("mnist")


def test_stratified_subset_keeps_class_shares_and_is_seeded():
    labels = np.repeat(np.arange(4), [100, 60, 25, 15])
    first = stratified_indices(labels, 50, seed=3)
    assert np.array_equal(first, stratified_indices(labels, 50, seed=3))
    assert not np.array_equal(first, stratified_indices(labels, 50, seed=4))
    assert len(set(first)) == 50
    assert np.bincount(labels[first]).tolist() == [25, 15, 6, 4]  # 50 x (0.5, 0.3, 0.125, 0.075): 6.25 -> 6, 3.75 -> 4


def test_prepare_holds_validation_out_of_training():
    dataset = synthetic_dataset(200, 50, seed=0)
    cut = prepare(dataset, train_size=100, test_size=20, val_split=0.2, seed=5)
    assert cut.sizes() == {"train": 80, "validation": 20, "test": 20}
    assert np.bincount(cut.y_val, minlength=10).tolist() == [2] * 10
    train_rows = {image.tobytes() for image in cut.x_train}
    assert not any(image.tobytes() in train_rows for image in cut.x_val)
    with pytest.raises(DataError, match="between 1 and 200"):
        prepare(dataset, train_size=201)
    with pytest.raises(DataError, match="fraction"):
        prepare(dataset, val_split=1.5)


def test_prepare_refuses_a_single_class():
    dataset = synthetic_dataset(20, 10, seed=0)
    one = data_module.Dataset(dataset.x_train[dataset.y_train == 0], dataset.y_train[dataset.y_train == 0],
                              dataset.x_test, dataset.y_test, dataset.class_names, "synthetic")
    with pytest.raises(DataError, match="fewer than two classes"):
        prepare(one)


def test_synthetic_is_deterministic_balanced_and_varied():
    images, labels = synthetic_images(100, seed=7)
    again, labels_again = synthetic_images(100, seed=7)
    assert np.array_equal(images, again) and np.array_equal(labels, labels_again)
    assert not np.array_equal(images, synthetic_images(100, seed=8)[0])
    assert images.shape == (100, 32, 32, 3) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [10] * 10 and len(CLASS_NAMES) == 10
    # Warm classes are redder than cool ones on average: the colour half of the label is in the pixels.
    warm, cool = images[labels < 5].astype(float), images[labels >= 5].astype(float)
    assert (warm[..., 0] - warm[..., 2]).mean() > (cool[..., 0] - cool[..., 2]).mean() + 5
    dataset = load_source("synthetic", seed=7, train_size=30, test_size=20)
    assert dataset.sizes() == {"train": 30, "validation": 0, "test": 20}


def test_a_stop_ends_the_reading_of_cifar_batches(cifar_folder):
    """The Training arena's Stop is heard between two batch files (it was heard only once training began)."""
    import threading

    from dsconv.training.data import LoadingStopped, load_cifar10_local

    folder, batches = cifar_folder
    stop = threading.Event()
    assert len(load_cifar10_local(folder, stop).y_test) == 6  # not set: read whole
    stop.set()
    with pytest.raises(LoadingStopped, match="Stopped while the data loaded"):
        load_cifar10_local(folder, stop)


@pytest.mark.parametrize("content", [b"garbage\n", b"\x80\x02}q\x00", b"", b"\x00" * 64])
def test_a_damaged_batch_is_refused_in_words_not_the_librarys(tmp_path, content):
    """A test_batch holding the text "garbage" was refused with "(invalid literal for int() with base 10:
    'arbage')", the unpickler's own words."""
    path = tmp_path / "test_batch"
    path.write_bytes(content)
    with pytest.raises(DataError) as refused:
        restricted_unpickle(path)
    said = str(refused.value)
    assert said.endswith("is not a readable CIFAR-10 python batch (it is damaged, cut short, or another kind of file: "
                         "the official batches are Python pickles)."), said
    assert "invalid literal" not in said and "load key" not in said
