"""dsconv.profile on hostile uploads and hand-counted layers: every refusal is a sentence, every count a formula.

Each hostile file is made here (zipfile, io, h5py) and refused with its sentence; hostile configs go through
`profile_config`; each layer rule is checked against a count written out by hand and, on many random cases, against
Keras's own `compute_output_shape` and `count_params()`. The CLI runs as a student would run it. About 15 s of CPU
on 2 cores.
"""

import csv
import io
import json
import math
import os
import subprocess
import sys
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from dsconv.profile import ProfileError, builtin_profile, count_layer, graph, profile_config
from dsconv.profile import files as upload
from dsconv.profile.files import ModelFileError, read_model_file
from dsconv.profile.layers import RULES, NotCounted
from dsconv.profile.lesson import not_counted

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- Configs written by hand, in Keras 3's spelling ---------------------------------------------------------------

def tensor(name, node=0, index=0, shape=None):
    """A Keras 3 `__keras_tensor__` reference; `shape` (with the batch axis) as Keras records it, or None."""
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [name, node, index]}}


def input_layer(name="image", shape=(8, 8, 3)):
    return {"module": "keras.layers", "class_name": "InputLayer", "name": name, "inbound_nodes": [],
            "config": {"batch_shape": [None, *shape], "dtype": "float32", "name": name}}


def layer(class_name, name, config=None, *inputs, **extra):
    """A layer called once on `inputs` (names, or tensor dicts); several inputs go in one list, as Merge takes."""
    refs = [tensor(item) if isinstance(item, str) else item for item in inputs]
    args = [refs] if len(refs) > 1 else refs
    return {"module": "keras.layers", "class_name": class_name, "name": name, "registered_name": None,
            "config": {"name": name, **(config or {})}, "inbound_nodes": [{"args": args, "kwargs": {}}], **extra}


def functional(layers, outputs, inputs=("image",)):
    return {"module": "keras", "class_name": "Functional", "registered_name": "Functional",
            "config": {"name": "hand", "layers": list(layers), "input_layers": [[name, 0, 0] for name in inputs],
                       "output_layers": [[name, 0, 0] for name in outputs]}}


def sequential(layers, shape=(8, 8, 3)):
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "seq", "layers": [input_layer("seq_input", shape), *layers]}}


def dense(name, units=4):
    return {"module": "keras.layers", "class_name": "Dense", "config": {"name": name, "units": units}}


def archive(members, compression=zipfile.ZIP_DEFLATED):
    """A zip archive in memory holding `members` (name -> bytes or str)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as handle:
        for name, data in members.items():
            handle.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def h5_file(attributes=None, weights=True):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        if weights:
            handle.create_dataset("layers/dense/vars/0", data=np.zeros((3, 4), "float32"))
        for key, value in (attributes or {}).items():
            handle.attrs[key] = value
    return buffer.getvalue()


SMALL = functional([input_layer(), layer("Conv2D", "conv", {"filters": 4, "kernel_size": 3}, "image"),
                    layer("Flatten", "flat", {}, "conv"), layer("Dense", "head", {"units": 2}, "flat")], ["head"])
SMALL_TEXT = json.dumps(SMALL)


# ---- Hostile files ------------------------------------------------------------------------------------------------

def test_a_file_over_the_size_cap(monkeypatch):
    monkeypatch.setattr(upload, "MAX_FILE_BYTES", 2**20)
    with pytest.raises(ModelFileError, match=r"The file is 1\.000001 MB; dsconv reads model files up to 1 MB\. Upload "
                                             r"the config\.json inside it"):
        read_model_file(b"{" + b" " * 2**20, "big.keras")


def test_an_archive_with_too_many_members():
    members = {"config.json": SMALL_TEXT, **{f"junk/{i}.txt": "x" for i in range(upload.MAX_MEMBERS)}}
    with pytest.raises(ModelFileError, match=rf"The archive holds {upload.MAX_MEMBERS + 1} files; a Keras archive "
                                             rf"holds 3, and dsconv opens archives of up to {upload.MAX_MEMBERS}\."):
        read_model_file(archive(members), "many.keras")


def test_a_zip_bomb_config():
    # 4 MB of one repeated layer compress about 1000 times: far past any JSON's 10-20x.
    bomb = '{"layers": [' + ",".join(['{"class_name": "Dense"}'] * 170_000) + "]}"
    assert 2**20 < len(bomb) < upload.MAX_CONFIG_BYTES
    with pytest.raises(ModelFileError, match=r"unpacks \d+ times bigger than it is stored: a zip bomb"):
        read_model_file(archive({"config.json": bomb}), "bomb.keras")


def test_a_config_over_its_own_cap(monkeypatch):
    monkeypatch.setattr(upload, "MAX_CONFIG_BYTES", 2**20)
    big = json.dumps({"layers": [{"name": f"layer {i}"} for i in range(80_000)]})
    assert len(big) > 2**20
    megabytes = len(big) / 2**20
    with pytest.raises(ModelFileError, match=rf"config\.json unpacks to {megabytes:.0f} MB; dsconv reads configs up "
                                             r"to 1 MB"):
        read_model_file(archive({"config.json": big}), "big.keras")
    with pytest.raises(ModelFileError, match=rf"The file holds {megabytes:.1f} MB of config; dsconv reads configs "
                                             r"up to 1 MB"):
        read_model_file(big.encode(), "big.json")


@pytest.mark.parametrize("name", ["../evil.json", "a/../../evil.json", "/etc/passwd", "C:/Windows/evil.dll",
                                  "..\\evil.json"])
def test_member_names_outside_the_archive(name):
    with pytest.raises(ModelFileError, match=r"The archive names a file outside itself \(.*an absolute path or "
                                             r"'\.\.'\); dsconv refuses such archives"):
        read_model_file(archive({"config.json": SMALL_TEXT, name: "x"}), "evil.keras")


@pytest.mark.parametrize("packed", [False, True], ids=["json", "keras"])
def test_json_nested_deeper_than_the_cap(packed):
    deep = "[" * (upload.MAX_DEPTH + 1) + "]" * (upload.MAX_DEPTH + 1)
    data = archive({"config.json": deep}) if packed else deep.encode()
    with pytest.raises(ModelFileError, match=rf"nests its JSON {upload.MAX_DEPTH + 1} levels deep; dsconv reads "
                                             rf"configs up to {upload.MAX_DEPTH} levels"):
        read_model_file(data, "deep")


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"name": "[" * 500, "nested": [[["ok"]]]})
    assert read_model_file(text.encode(), "x.json") == json.loads(text)
    at_the_cap = "[" * upload.MAX_DEPTH + "]" * upload.MAX_DEPTH
    assert read_model_file(at_the_cap.encode(), "x.json") is not None


@pytest.mark.parametrize("text", [b"{not json}", b'{"a": NaN}', b'{"a": Infinity}', b"[1, 2", b'{"a": 1} trailing'])
def test_not_json(text):
    with pytest.raises(ModelFileError, match=r"The file is not valid JSON \(.*\); a Keras config is JSON\."):
        read_model_file(text, "x.json")
    with pytest.raises(ModelFileError, match=r"The archive's config\.json is not valid JSON"):
        read_model_file(archive({"config.json": text}), "x.keras")


def test_not_utf8():
    with pytest.raises(ModelFileError, match=r"The file is not UTF-8 text, so it is not a Keras config\."):
        read_model_file(b'{"name": "\xff\xfe"}', "x.json")
    with pytest.raises(ModelFileError, match=r"The archive's config\.json is not UTF-8 text"):
        read_model_file(archive({"config.json": b'{"name": "\xc3\x28"}'}), "x.keras")


def test_an_escaped_lone_surrogate_is_refused_in_words():
    """A layer named "\\ud800" (valid JSON, valid UTF-8) made Real networks raise "surrogates not allowed" in its
    chart and its tables."""
    config = json.dumps(sequential([dense("d\ud800")]))  # json.dumps writes the escape, as a hostile file would
    assert "\\ud800" in config
    with pytest.raises(ModelFileError) as refused:
        read_model_file(config.encode(), "x.json")
    assert str(refused.value) == ("The file holds text that is not valid Unicode in “config.layers[1].config.name”: "
                                  "an escaped half of a character pair (such as \\ud800) that stands for no "
                                  "character, which Keras never writes. Remove it, or upload the model's .keras file "
                                  "as Keras saved it.")
    with pytest.raises(ModelFileError, match="The archive's config.json holds text that is not valid Unicode"):
        read_model_file(archive({"config.json": config}), "x.keras")
    assert read_model_file(json.dumps(sequential([dense("d\U0001F600")])).encode(), "x.json")  # a pair is fine


def test_an_empty_file():
    with pytest.raises(ModelFileError, match=r"The file is empty\. Upload a \.keras, \.h5 or \.json model file\."):
        read_model_file(b"", "empty.keras")


def test_random_bytes():
    data = np.random.default_rng(17).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    assert not data.startswith((upload.ZIP_SIGNATURE, upload.HDF5_SIGNATURE, b"{", b"["))
    with pytest.raises(ModelFileError, match=r"'noise\.keras' is neither a \.keras archive, an \.h5 model nor JSON"):
        read_model_file(data, "noise.keras")


@SETTINGS
@given(st.binary(max_size=300) | st.binary(max_size=300).map(lambda data: upload.ZIP_SIGNATURE + data)
       | st.binary(max_size=300).map(lambda data: upload.HDF5_SIGNATURE + data))
def test_any_bytes_are_read_or_refused_in_words(data):
    try:
        config = read_model_file(data, "any")
    except ModelFileError:
        return
    try:
        profile_config(config)
    except ProfileError:
        pass


def test_a_keras_archive_without_config_json():
    data = archive({"metadata.json": '{"keras_version": "3.15.1"}', "model.weights.h5": b"weights"})
    with pytest.raises(ModelFileError, match=r"The archive has no config\.json, so it is not a Keras 3 \.keras file"):
        read_model_file(data, "x.keras")


def test_a_truncated_archive():
    data = archive({"metadata.json": "{}", "config.json": SMALL_TEXT})
    assert read_model_file(data, "x.keras") == SMALL  # whole, it reads
    for cut in (len(data) // 2, len(data) - 10, 30):
        with pytest.raises(ModelFileError, match=r"The \.keras file is not a readable zip archive \(.*\)\. Save the "
                                                 r"model again"):
            read_model_file(data[:cut], "x.keras")


def test_an_encrypted_or_unknown_compression_config():
    data = bytearray(archive({"config.json": SMALL_TEXT}))
    central = data.rfind(b"PK\x01\x02")
    encrypted = bytearray(data)
    encrypted[6] |= 1  # the "encrypted" flag, in the local header and the central directory
    encrypted[central + 8] |= 1
    with pytest.raises(ModelFileError, match=r"The archive's config\.json cannot be read \(.*\); save the model"):
        read_model_file(bytes(encrypted), "x.keras")
    unknown = bytearray(data)
    unknown[8] = unknown[central + 10] = 99  # a compression method zipfile does not know
    with pytest.raises(ModelFileError, match=r"cannot be read \(That compression method is not supported\)"):
        read_model_file(bytes(unknown), "x.keras")


def _header_changed(change):
    """A sound archive (metadata.json, then config.json) with one field of its headers changed by `change(data,
    end, central, local)`: the offsets of the end record, config.json's central entry and its local header."""
    data = bytearray(archive({"metadata.json": "{}", "config.json": SMALL_TEXT}))
    end = data.rfind(b"PK\x05\x06")
    central = data.rfind(b"PK\x01\x02")
    local = int.from_bytes(data[central + 42:central + 46], "little")
    change(data, end, central, local)
    return bytes(data)


def _newer_zip_version(data, end, central, local):
    data[central + 6:central + 8] = (255).to_bytes(2, "little")  # "version needed to extract": 25.5


def _far_directory(data, end, central, local):
    data[end + 19] = 0x81  # the directory's offset 2 GB on: zipfile's correction for a prefix went negative


def _name_not_utf8(data, end, central, local):
    for flags in (local + 6, central + 8):  # the UTF-8 flag, in both headers
        data[flags + 1] |= 0x08
    data[local + 30 + 2] = 0xA5  # "config.json" in the local header only: "c\xa5nfig.json", not UTF-8


@pytest.mark.parametrize("change", [_newer_zip_version, _far_directory, _name_not_utf8])
def test_an_archive_whose_headers_lie_is_refused_in_words(change):
    """Three archives from a fuzzer, one header field changed each: zipfile raised NotImplementedError ("zip file
    version 25.5"), ValueError ("negative seek value") and UnicodeDecodeError, which no refusal caught: the Real
    networks page showed a traceback, and the model shown before was gone."""
    with pytest.raises(ModelFileError, match=r"(not a readable zip archive|config\.json cannot be read) \(.+\)"):
        read_model_file(_header_changed(change), "x.keras")


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA],
                         ids=["deflate", "bzip2", "lzma"])
def test_a_corrupt_compressed_config(compression):
    """Damaged LZMA data raised lzma.LZMAError, which no refusal caught: the page showed a traceback."""
    data = bytearray(archive({"config.json": SMALL_TEXT * 3}, compression))
    # the compressed bytes follow the 30-byte local header and the name; zip's LZMA data starts with 9 bytes of its
    # own header (version and properties), whose damage reads as a bad checksum
    start = 30 + len("config.json") + 9
    for position in range(start, start + 40):
        data[position] ^= 0xFF
    with pytest.raises(ModelFileError, match=r"The archive's config\.json cannot be read"):
        read_model_file(bytes(data), "x.keras")


def test_an_archive_with_two_files_of_one_name():
    """dsconv profiled the first config.json of an archive, and Keras's loader reads the last: an archive could show
    one model here and load another. Keras writes each file once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        handle.writestr("config.json", SMALL_TEXT)
        with pytest.warns(UserWarning, match="Duplicate name"):
            handle.writestr("config.json", json.dumps({"class_name": "Sequential", "config": {"layers": []}}))
    with pytest.raises(ModelFileError, match=r"The archive holds two files named 'config\.json'; a Keras archive "
                                             r"holds each once\. Save the model again"):
        read_model_file(buffer.getvalue(), "x.keras")


@pytest.mark.parametrize("opening", ["[", '{"a": ', ""])
def test_a_string_left_open_is_one_string_to_the_nesting_count(opening):
    """An upload of '["' and 80 KB of escaped quotes took 29 s, and 160 KB 131 s, in the nesting count, the
    interpreter lock held and every session of the server waiting: the pattern for a JSON string failed at the end of
    the text and started again at every quote. A string left open now reaches the end in one match."""
    for body in ('"' + '\\"' * 2000, '"abc\\', '"' + 'x\\\n' * 500, '"' + '\\\\' * 1000):
        assert upload._STRINGS.fullmatch(body), body[:20]
        assert upload._nesting_depth(opening + body) == opening.count("[") + opening.count("{")
    attack = ('["' + '\\"' * (upload.MAX_CONFIG_BYTES // 2 - 8)).encode()  # just under the size cap
    with pytest.raises(ModelFileError, match=r"The file is not valid JSON \(.*\); a Keras config is JSON"):
        read_model_file(attack, "x.json")


def test_an_h5_file_without_a_model_config():
    with pytest.raises(ModelFileError, match=r"The \.h5 file holds no model config \(it may hold weights only"):
        read_model_file(h5_file(), "weights.h5")


def test_an_h5_model_config_that_is_not_text():
    with pytest.raises(ModelFileError, match=r"The \.h5 file's model_config is not text"):
        read_model_file(h5_file({"model_config": np.arange(4)}), "x.h5")


def test_an_h5_model_config_is_read_as_text_and_checked_like_json():
    assert read_model_file(h5_file({"model_config": SMALL_TEXT}), "x.h5") == SMALL
    deep = "[" * (upload.MAX_DEPTH + 5) + "]" * (upload.MAX_DEPTH + 5)
    with pytest.raises(ModelFileError, match=r"The \.h5 file's model_config nests its JSON"):
        read_model_file(h5_file({"model_config": deep}), "x.h5")


def test_a_damaged_h5_file_is_refused_with_what_to_do():
    """A cut-short .h5 said only "cannot be read as HDF5 (Unable to synchronously open file (truncated file: eof =
    6800, sblock->base_addr)." and nothing to do: h5py's words were cut inside their own bracket."""
    data = h5_file({"model_config": SMALL_TEXT})
    for damaged in (data[: len(data) // 3], data[: len(data) // 2], upload.HDF5_SIGNATURE + b"\x00" * 200):
        with pytest.raises(ModelFileError, match=r"The \.h5 file cannot be read as HDF5") as refused:
            read_model_file(damaged, "x.h5")
        sentence = str(refused.value)
        assert "Save the model again with Keras" in sentence, sentence
        assert sentence.count("(") == sentence.count(")"), sentence


@pytest.mark.parametrize("name, words", [
    ("hdf5_segfault.h5", r"The HDF5 library stopped with an error while reading the \.h5 file"),
    ("hdf5_stall.h5", r"Reading the \.h5 file took more than 3 s"),
    ("hdf5_overflow.h5", r"The \.h5 file cannot be read as HDF5 \(.+\): it is damaged")])
def test_an_h5_file_that_breaks_the_hdf5_library_is_refused_and_the_server_lives_on(monkeypatch, name, words):
    """Three files a fuzzer made from a Keras .h5 model, a few bytes changed each (tests/data): h5py killed the
    server's process on the first (SIGSEGV), read the second for ever holding the interpreter lock (every session
    froze), and let an OverflowError out of the third (a traceback on the Real networks page). HDF5 is now read in a
    child process with a time limit: each is a sentence, and this process goes on."""
    monkeypatch.setattr(upload, "H5_SECONDS", 3)
    with pytest.raises(ModelFileError, match=words) as refused:
        read_model_file((ROOT / "tests" / "data" / name).read_bytes(), name)
    sentence = str(refused.value)
    assert "upload its config JSON" in sentence or "upload the model's config JSON" in sentence, sentence
    assert read_model_file(h5_file({"model_config": SMALL_TEXT}), "x.h5") == SMALL  # and a sound file still reads


def test_a_librarys_words_in_a_refusal_are_cut_at_a_word_with_their_brackets_closed():
    from dsconv.safe_text import library_words

    reason = library_words(OSError("Unable to synchronously open file (truncated file: eof = 6800, "
                                   "sblock->base_addr = 0, stored_eof = 13600)"), 80)
    assert reason == "Unable to synchronously open file (truncated file: eof = 6800...)"
    assert library_words(ValueError("short"), 80) == "short" and library_words(ValueError(""), 80) == "ValueError"


# ---- Hostile configs ----------------------------------------------------------------------------------------------

def test_more_layers_than_the_cap(monkeypatch):
    monkeypatch.setattr(graph, "MAX_LAYERS", 20)
    with pytest.raises(ProfileError, match=r"The model has more than 20 layers; dsconv profiles models up to that"):
        profile_config(sequential([dense(f"d{i}") for i in range(21)], shape=(4,)))
    chain = [input_layer(shape=(4,))] + [layer("Dense", f"d{i}", {"units": 4}, f"d{i - 1}" if i else "image")
                                         for i in range(21)]
    with pytest.raises(ProfileError, match=r"more than 20 layers"):
        profile_config(functional(chain, ["d20"]))
    assert len(profile_config(sequential([dense(f"d{i}") for i in range(19)], shape=(4,))).rows) == 19


def test_layer_calls_count_against_the_cap(monkeypatch):
    monkeypatch.setattr(graph, "MAX_LAYERS", 100)
    many = layer("Dense", "d", {"units": 2}, "image")
    many["inbound_nodes"] = many["inbound_nodes"] * 200
    with pytest.raises(ProfileError, match=r"more than 100"):
        profile_config(functional([input_layer(shape=(4,)), many], ["d"]))


def _with_a_layer_in_the_middle(middle, recorded_shape=(None, 6, 6, 4)):
    """image 8x8x3 -> conv 3x3 (6x6x4) -> `middle` -> conv 3x3 (4x4x2) -> flatten -> dense 5."""
    return functional([
        input_layer(),
        layer("Conv2D", "before", {"filters": 4, "kernel_size": 3}, "image"),
        middle,
        layer("Conv2D", "after", {"filters": 2, "kernel_size": 3},
              tensor(middle["name"], shape=list(recorded_shape) if recorded_shape else None)),
        layer("Flatten", "flat", {}, "after"),
        layer("Dense", "head", {"units": 5}, "flat"),
    ], ["head"])


LAMBDA = layer("Lambda", "code", {"function": {"class_name": "__lambda__", "config": {
    "code": "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkAKQHaAXhyAgAAAHICAAAA+gI8eT7aCDxsYW1iZGE+"
            "AQAAAPMAAAAA"}}}, "before")
CUSTOM = layer("Doubler", "custom", {"factor": 2}, "before", registered_name="evil>Doubler", module="evil.layers")
# A custom class that borrows a known class name is still custom: the name alone is never trusted.
IMPOSTOR = layer("Conv2D", "impostor", {"filters": 4, "kernel_size": 1}, "before",
                 registered_name="evil>Conv2D", module="evil.layers")
# Hand counts of the three counted layers around the middle one:
# before: 3x3x3x4 = 108 weights + 4 biases, x 6x6 positions; after: 3x3x4x2 = 72 + 2, x 4x4; head: 32x5 + 5.
COUNTED_PARAMS = 112 + 74 + 165
COUNTED_MULTIPLY_ADDS = 108 * 36 + 72 * 16 + 32 * 5


@pytest.mark.parametrize("middle, reason", [
    (LAMBDA, "not counted: a Lambda layer holds code; dsconv never runs code from a file, so it is not counted"),
    (CUSTOM, "not counted: Doubler is a custom class (evil>Doubler); it is not counted"),
    (IMPOSTOR, "not counted: Conv2D is a custom class (evil>Conv2D); it is not counted"),
], ids=["lambda", "custom", "impostor"])
def test_code_and_custom_classes_are_listed_never_run(middle, reason):
    """Without a shape recorded for the layer's output, every layer after it says its input was not counted."""
    profile = profile_config(_with_a_layer_in_the_middle(middle, recorded_shape=None))
    assert [row.name for row in profile.rows if row.counted] == ["before"]
    notes = {row.name: row.note for row in profile.not_counted}
    assert notes[middle["name"]] == reason
    for name in ("after", "flat", "head"):
        assert notes[name] == "not counted: its input comes from a layer that was not counted", name
    assert (profile.params, profile.multiply_adds) == (112, 108 * 36)  # the first conv's alone
    assert not_counted(profile) == (f"4 layer calls could not be counted: {middle['name']} ({middle['class_name']}), "
                                    "after (Conv2D), flat (Flatten), head (Dense). The totals leave them out.")


def test_downstream_layers_use_the_shape_the_file_records():
    """Keras 3 records each tensor's shape with its batch axis ([null, 6, 6, 4]) where a later layer takes it."""
    profile = profile_config(_with_a_layer_in_the_middle(LAMBDA, recorded_shape=(None, 6, 6, 4)))
    (row,) = profile.not_counted
    assert row.note.endswith("output shape as the file records it") and row.output_shape == (6, 6, 4)
    assert [r.name for r in profile.rows if r.counted] == ["before", "after", "flat", "head"]
    assert (profile.params, profile.multiply_adds) == (COUNTED_PARAMS, COUNTED_MULTIPLY_ADDS)
    assert not_counted(profile) == "1 layer call could not be counted: code (Lambda). The totals leave it out."


def _saved_with_code(tmp_path):
    """A real Keras model with a Lambda and a registered custom layer, saved; and the live model."""
    keras = pytest.importorskip("keras")

    @keras.saving.register_keras_serializable(package="dsconv_test_evil")
    class Doubler(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2

    layers = keras.layers
    image = keras.Input((8, 8, 3), name="image")
    x = layers.Conv2D(4, 3, name="before")(image)
    x = layers.Lambda(lambda t: t * 2, name="code")(x)
    x = Doubler(name="custom")(x)
    x = layers.Conv2D(2, 3, name="after")(x)
    model = keras.Model(image, layers.Dense(5, name="head")(layers.Flatten(name="flat")(x)))
    path = tmp_path / "code.keras"
    model.save(path)
    return profile_config(read_model_file(path.read_bytes(), "code.keras")), model


@pytest.mark.slow
def test_a_keras_saved_lambda_and_custom_layer_are_listed_never_run(tmp_path):
    profile, model = _saved_with_code(tmp_path)
    notes = {row.name: row.note for row in profile.not_counted}
    assert notes["code"].startswith("not counted: a Lambda layer holds code; dsconv never runs code from a file")
    assert notes["custom"].startswith("not counted: Doubler is a custom class (dsconv_test_evil>Doubler)")
    assert profile.rows[0].name == "before" and profile.rows[0].counted
    assert profile.rows[0].params == model.get_layer("before").count_params()
    assert "could not be counted: code (Lambda), custom (Doubler)" in not_counted(profile)


@pytest.mark.slow
def test_a_keras_saved_lambda_does_not_hide_the_layers_after_it(tmp_path):
    profile, model = _saved_with_code(tmp_path)
    assert [row.name for row in profile.not_counted] == ["code", "custom"]
    assert profile.params == model.count_params()  # the Lambda and Doubler hold no weights


@pytest.mark.slow
def test_frozen_layers_count_as_not_trainable_as_keras_counts_them(tmp_path):
    """A frozen pretrained base under a new head (base.trainable = False), and one frozen layer: the page read 330
    trainable parameters and 16 not, where Keras counts 90 and 256, and said the frozen standard layers held 68% "of
    the trainable parameters". Checked against Keras's trainable and non-trainable weights, for a .keras file and for
    the JSON config of the same model."""
    import keras

    from dsconv.profile.lesson import not_trainable

    layers = keras.layers
    # named: Keras numbers the layers it names itself across the process ("conv2d_483" in the full suite)
    base = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 3, name="conv"),
                             layers.BatchNormalization(name="norm"), layers.ReLU(name="relu"),
                             layers.GlobalAveragePooling2D(name="pool")], name="base")
    base.trainable = False
    image = keras.Input((32, 32, 3))
    frozen = layers.Dense(6, name="frozen")
    frozen.trainable = False
    model = keras.Model(image, layers.Dense(10, name="head")(frozen(base(image))))
    path = tmp_path / "frozen.keras"
    model.save(path)
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    fixed = sum(int(np.prod(weight.shape)) for weight in model.non_trainable_weights)
    assert (trainable, fixed) == (70, 310)  # the head's 7 x 10 alone; 224 + 32 + 54 frozen
    for profile in (profile_config(read_model_file(path.read_bytes(), "frozen.keras")),
                    profile_config(json.loads(model.to_json()))):
        assert (profile.total("params"), profile.total("frozen_params")) == (trainable, fixed)
        assert [row.name for row in profile.frozen_layers] == ["base/conv", "base/norm", "frozen"]
        # batch norm's statistics are among the frozen base/norm's weights
        assert not_trainable(profile) == "the weights of 3 frozen layers"


@pytest.mark.slow
def test_a_layer_unfrozen_inside_a_frozen_base_trains_as_keras_3_counts_it(tmp_path):
    """Fine-tuning: a base frozen (base.trainable = False), then its top layer unfrozen. Keras 3 trains that layer
    (each layer by its own flag), and the page counted it frozen with the base: 130 trainable parameters against
    Keras's 278 (a ResNet50 base at 96 x 96 with its last 10 layers unfrozen: 10,245 against 3,426,821). Keras 2,
    loading such a file, trains it too (test_keras2_configs_count_as_keras2_did)."""
    import keras

    layers = keras.layers
    inner = keras.Input((8, 8, 4))
    top = layers.Conv2D(4, 3, name="top")
    base = keras.Model(inner, layers.Conv2D(4, 3, name="other")(top(inner)), name="base")
    base.trainable = False
    top.trainable = True
    image = keras.Input((8, 8, 4))
    model = keras.Model(image, layers.Dense(2, name="head")(layers.Flatten(name="flat")(base(image))))
    path = tmp_path / "tuned.keras"
    model.save(path)
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    fixed = sum(int(np.prod(weight.shape)) for weight in model.non_trainable_weights)
    assert (trainable, fixed) == (148 + 130, 148)
    for profile in (profile_config(read_model_file(path.read_bytes(), "tuned.keras")),
                    profile_config(json.loads(model.to_json()))):
        assert (profile.total("params"), profile.total("frozen_params")) == (trainable, fixed)
        assert [row.name for row in profile.frozen_layers] == ["base/other"]


@pytest.mark.slow
@pytest.mark.parametrize("replacement", ["separable", "mobilenet"])
def test_the_what_if_keeps_a_frozen_convolution_frozen(replacement):
    """A frozen Conv2D made separable stays frozen: the what-if counted its replacement's weights as trainable (149
    trainable parameters for the separable kind, against Keras's 90, the head's). Checked against Keras models built
    with the replacement layers frozen."""
    import keras

    from dsconv.kinds import layer_specs
    from dsconv.profile.whatif import what_if

    layers = keras.layers

    def model_with(convolution):
        base = keras.Sequential([keras.Input((32, 32, 3)), *convolution, layers.ReLU(name="relu"),
                                 layers.GlobalAveragePooling2D(name="pool")], name="base")
        base.trainable = False
        image = keras.Input((32, 32, 3))
        return keras.Model(image, layers.Dense(10, name="head")(base(image)))

    standard = model_with([layers.Conv2D(8, 3, name="conv")])
    made = model_with([getattr(layers, spec.class_name)(**spec.args)
                       for spec in layer_specs(replacement, out_channels=8, kernel_size=3, name="conv")])
    after = what_if(profile_config(json.loads(standard.to_json())), replacement).after
    for weights, column in ((made.trainable_weights, "params"), (made.non_trainable_weights, "frozen_params")):
        assert after.total(column) == sum(int(np.prod(weight.shape)) for weight in weights), column
    assert after.total("params") == 90  # the head alone


@pytest.mark.slow
def test_a_nested_blocks_own_layer_named_like_one_outside_it_keeps_its_weights(tmp_path):
    """A model's "conv" and its nested block's own "conv" (two layers of one name and settings) read 2,320 parameters,
    "Keras's count", against Keras's 4,640: the block's was taken for the outer one called again. A .keras file marks
    each layer object called again (shared_object_id), and one called in both places is still counted once."""
    import keras

    layers = keras.layers
    inner = keras.Sequential([keras.Input((8, 8, 16)), layers.Conv2D(16, 3, padding="same", name="conv")],
                             name="block")
    image = keras.Input((8, 8, 16))
    model = keras.Model(image, inner(layers.Conv2D(16, 3, padding="same", name="conv")(image)))
    path = tmp_path / "alike.keras"
    model.save(path)
    profile = profile_config(read_model_file(path.read_bytes(), "alike.keras"))
    assert profile.params == model.count_params() == 4640
    assert not any(row.note.startswith("shared") for row in profile.rows)
    shared = layers.Conv2D(16, 3, padding="same", name="shared")
    block = keras.Sequential([keras.Input((8, 8, 16)), shared], name="block")
    image = keras.Input((8, 8, 16))
    once = keras.Model(image, block(shared(image)))  # one layer, called in the model and in its block
    once.save(tmp_path / "once.keras")
    profile = profile_config(read_model_file((tmp_path / "once.keras").read_bytes(), "once.keras"))
    assert profile.params == once.count_params() == 2320


def test_a_new_input_size_makes_recorded_shapes_stale():
    """The file's shapes were recorded at 8x8; at 10x10 they no longer hold, so nothing after the Lambda is counted."""
    profile = profile_config(_with_a_layer_in_the_middle(LAMBDA), input_shape=(10, 10, 3))
    assert [row.name for row in profile.rows if row.counted] == ["before"]
    assert profile.rows[0].output_shape == (8, 8, 4)
    assert profile.rows[2].note == "not counted: its input comes from a layer that was not counted"


@pytest.mark.parametrize("inputs", [("b",), ("ghost",)], ids=["loop", "missing"])
def test_a_graph_loop_or_a_missing_inbound_layer(inputs):
    config = functional([input_layer(), layer("Conv2D", "a", {"filters": 2, "kernel_size": 1}, *inputs),
                         layer("Conv2D", "b", {"filters": 2, "kernel_size": 1}, "a")], ["b"])
    with pytest.raises(ProfileError, match=r"Some layers wait for tensors no layer makes \(a loop, or a missing "
                                           r"layer\): a, b\. The file is damaged"):
        profile_config(config)


@pytest.mark.parametrize("filters", ["64", -3, 0, 2**40, True, 3.0, None, [4]])
def test_sizes_that_are_not_whole_numbers(filters):
    config = functional([input_layer(), layer("Conv2D", "good", {"filters": 4, "kernel_size": 1}, "image"),
                         layer("Conv2D", "bad", {"filters": filters, "kernel_size": 3}, "good")], ["bad"])
    profile = profile_config(config)
    good, bad = profile.rows
    assert good.counted and (good.params, good.multiply_adds) == (3 * 4 + 4, 3 * 4 * 64)
    assert not bad.counted
    assert bad.note == f"not counted: its number of filters is {filters!r}, not a whole number from 1 up"
    assert profile.params == 16


@pytest.mark.parametrize("batch_shape", [[None, "8", 8, 3], [None, 8.0, 8, 3], [None, -8, 8, 3], [None, True, 8, 3],
                                         [None, 2**40, 8, 3]])
def test_an_input_size_that_is_not_a_whole_number(batch_shape):
    config = functional([input_layer(), layer("Conv2D", "c", {"filters": 2, "kernel_size": 1}, "image")], ["c"])
    config["config"]["layers"][0]["config"]["batch_shape"] = batch_shape
    with pytest.raises(ProfileError, match=r"The input 'image' has a size that is not a whole number from 1 up"):
        profile_config(config)


@pytest.mark.parametrize("shape", [(True, 8, 3), (0, 8, 3), (8, "8", 3), (), (8, 2**40, 3)])
def test_a_given_input_shape_that_is_not_whole_numbers(shape):
    with pytest.raises(ProfileError, match=r"should be whole numbers from 1 up, such as 224,224,3"):
        profile_config(SMALL, input_shape=shape)


def test_an_unknown_input_size_needs_one_given():
    config = functional([input_layer(shape=(None, None, 3)),
                         layer("Conv2D", "c", {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"},
                               "image"),
                         layer("GlobalAveragePooling2D", "gap", {}, "c")], ["gap"])
    # (it asked to "Give one, such as 224,224,3", where the page has no field to type one: it has a size picker)
    with pytest.raises(ProfileError, match=r"The model's input shape is \[None, None, None, 3\]: some sizes are "
                                           r"unknown\.$"):
        profile_config(config)
    profile = profile_config(config, input_shape=(64, 48, 3))
    # 'same' with stride 2: ceil(64 / 2) x ceil(48 / 2) = 32 x 24 positions; 3x3x3x8 = 216 weights each.
    assert profile.rows[0].output_shape == (32, 24, 8)
    assert profile.multiply_adds == 216 * 32 * 24
    assert profile.input_shape == (64, 48, 3)


def test_a_sequential_model_without_an_input_layer():
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [dense("d1", 8), dense("d2", 2)],
                                                     "build_input_shape": [None, 5]}}
    assert [row.output_shape for row in profile_config(config).rows] == [(8,), (2,)]
    del config["config"]["build_input_shape"]
    with pytest.raises(ProfileError, match=r"The model file records no input shape: the model was saved before it was "
                                           r"built, or without an Input layer"):
        profile_config(config)


def test_a_model_saved_unbuilt_is_counted_on_rgb_pictures_of_the_picked_size():
    """model.to_json() of an unbuilt Sequential model records no input. The page asked for a size, then refused the
    size picked ("input None is not a picture ... set it back to the file's own"), which asked for a size again."""
    from dsconv.profile import picture_input

    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        layer("Conv2D", "c1", {"filters": 8, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same"}),
        layer("GlobalAveragePooling2D", "g", {}), dense("d", 10)]}}
    for one in config["config"]["layers"]:
        one.pop("inbound_nodes", None)
    assert picture_input(config, 224) == (224, 224, 3)
    profile = profile_config(config, input_shape=picture_input(config, 224))
    assert profile.params == 3 * 3 * 3 * 8 + 8 + 8 * 10 + 10  # 314
    assert profile.multiply_adds == 224 * 224 * 216 + 80
    # Dense layers first: no picture to stand in for the missing input (it was counted as 224 x 224 x 64 maps)
    numbers = {"class_name": "Sequential", "config": {"name": "mlp", "layers": [dense("d1", 64), dense("d2", 10)]}}
    with pytest.raises(ProfileError, match=r"its first layer \(Dense\) does not read a picture"):
        picture_input(numbers, 224)


def test_keras_2_spelling_of_inbound_nodes():
    config = functional([input_layer(shape=(4,)), layer("Dense", "d", {"units": 3}, "image")], ["d"])
    config["config"]["layers"][1]["inbound_nodes"] = [[["image", 0, 0, {}]]]
    (row,) = profile_config(config).rows
    assert (row.output_shape, row.params, row.multiply_adds) == ((3,), 4 * 3 + 3, 12)


@pytest.mark.parametrize("class_name, config", [
    ("Conv2D", {"filters": 4, "kernel_size": 3}), ("MaxPooling2D", {}), ("GlobalAveragePooling2D", {}),
    ("ZeroPadding2D", {"padding": 1})])
def test_channels_first_is_listed_not_guessed(class_name, config):
    profile = profile_config(functional([input_layer(shape=(3, 8, 8)),
                                         layer(class_name, "cf", {**config, "data_format": "channels_first"}, "image")],
                                        ["cf"]))
    (row,) = profile.rows
    assert not row.counted
    assert row.note == "not counted: its data format is 'channels_first'; only channels_last is counted"


ODD_VALUES = [("Permute", {"dims": [1, "a", 3]}, (2, 3, 4)), ("PReLU", {"shared_axes": "ab"}, (8, 8, 3)),
              ("PReLU", {"shared_axes": 0.5}, (8, 8, 3)), ("Cropping2D", {"cropping": 0.5}, (8, 8, 3))]
ODD_IDS = ["permute-dims", "prelu-axes-text", "prelu-axes-float", "cropping-float"]


@pytest.mark.parametrize("class_name, config, shape", ODD_VALUES, ids=ODD_IDS)
def test_odd_values_in_known_layers_are_listed_not_raised(class_name, config, shape):
    profile = profile_config(functional([input_layer(shape=shape), layer(class_name, "odd", config, "image")],
                                        ["odd"]))
    (row,) = profile.rows
    assert not row.counted and row.note.startswith("not counted: ")


@pytest.mark.parametrize("class_name, config, shape", ODD_VALUES, ids=ODD_IDS)
def test_odd_values_in_known_layers_are_not_counted_in_words(class_name, config, shape):
    with pytest.raises(NotCounted):
        count_layer(class_name, config, [shape])


def test_no_count_outgrows_a_table():
    config = functional([input_layer(), layer("Dense", "wide", {"units": 2**31 - 1}, "image"),
                         layer("Dense", "wider", {"units": 2**31 - 1}, "wide")], ["wider"])
    try:
        profile = profile_config(config)
    except ProfileError:
        return
    for row in profile.rows:
        assert max(row.multiply_adds, row.params, row.other_ops, row.activation_bytes) < 2**63, row.name


FUZZED = sorted(RULES)
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-3, 2**40) | st.floats(allow_nan=False)
                           | st.sampled_from(["same", "valid", "channels_last", "channels_first", "relu", "a"]),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=2), max_leaves=8)
KEYS = ["filters", "kernel_size", "strides", "dilation_rate", "padding", "groups", "depth_multiplier", "units", "axis",
        "pool_size", "keepdims", "cropping", "size", "target_shape", "dims", "shared_axes", "scale", "center",
        "mean", "variance", "data_format", "use_bias", "activation"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FUZZED), st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=6),
       st.lists(st.lists(st.integers(1, 9), max_size=4).map(tuple), max_size=3))
def test_any_config_of_a_known_layer_is_counted_or_refused_in_words(class_name, config, inputs):
    try:
        counted = count_layer(class_name, config, inputs)
    except NotCounted as error:
        assert str(error)
        return
    assert all(isinstance(size, int) and size >= 0 for shape in counted.outputs for size in shape)
    assert min(counted.params, counted.frozen_params, counted.multiply_adds, counted.other_ops) >= 0


# ---- Each rule against a count written out by hand ----------------------------------------------------------------

def counted(class_name, config, *shapes):
    result = count_layer(class_name, config, list(shapes))
    return result.role, result.outputs[0], result.params, result.frozen_params, result.multiply_adds


@pytest.mark.parametrize("config, shape, expected", [
    # valid: 32 - 3 + 1 = 30; weights 3x3x3x64 = 1728 (+ 64 biases); MACs = 1728 x 30 x 30
    ({"filters": 64, "kernel_size": 3}, (32, 32, 3), ("standard", (30, 30, 64), 1792, 0, 1728 * 900)),
    # same, stride 2: ceil(32 / 2) = 16
    ({"filters": 64, "kernel_size": 3, "strides": 2, "padding": "same"}, (32, 32, 3),
     ("standard", (16, 16, 64), 1792, 0, 1728 * 256)),
    # valid, stride (2, 3), kernel (3, 5), no bias: floor((31 - 3) / 2) + 1 = 15, floor((20 - 5) / 3) + 1 = 6
    ({"filters": 2, "kernel_size": [3, 5], "strides": [2, 3], "use_bias": False}, (31, 20, 4),
     ("standard", (15, 6, 2), 3 * 5 * 4 * 2, 0, 120 * 90)),
    # dilation 2: the 3x3 window spans 5, so 32 - 5 + 1 = 28; weights 3x3x3x8 = 216
    ({"filters": 8, "kernel_size": 3, "dilation_rate": 2}, (32, 32, 3), ("standard", (28, 28, 8), 224, 0, 216 * 784)),
    # groups 2: each filter sees 8 / 2 = 4 channels: 3x3x4x16 = 576 weights
    ({"filters": 16, "kernel_size": 3, "padding": "same", "groups": 2}, (10, 10, 8),
     ("grouped", (10, 10, 16), 592, 0, 576 * 100)),
    # groups = input channels: a depthwise convolution spelled as Conv2D, 3x3x1x8 = 72 weights
    ({"filters": 8, "kernel_size": 3, "padding": "same", "groups": 8}, (10, 10, 8),
     ("depthwise", (10, 10, 8), 80, 0, 72 * 100)),
    # 1x1: pointwise, 8 x 16 = 128 weights
    ({"filters": 16, "kernel_size": 1}, (10, 10, 8), ("pointwise", (10, 10, 16), 144, 0, 128 * 100)),
])
def test_conv2d_by_hand(config, shape, expected):
    assert counted("Conv2D", config, shape) == expected


def test_depthwise_separable_and_dense_by_hand():
    # DepthwiseConv2D, multiplier 2: 3x3 x 8 x 2 = 144 weights, 16 biases, 16 output channels
    assert counted("DepthwiseConv2D", {"kernel_size": 3, "padding": "same", "depth_multiplier": 2}, (10, 10, 8)) == \
        ("depthwise", (10, 10, 16), 160, 0, 144 * 100)
    # SeparableConv2D: depthwise 3x3x8 = 72, pointwise 8 x 16 = 128, one bias per filter (16)
    separable = count_layer("SeparableConv2D", {"filters": 16, "kernel_size": 3, "padding": "same"}, [(10, 10, 8)])
    assert (separable.role, separable.outputs[0], separable.params, separable.multiply_adds,
            separable.depthwise_multiply_adds) == ("separable", (10, 10, 16), 216, 200 * 100, 72 * 100)
    # ... with multiplier 3: depthwise 3x3x8x3 = 216, pointwise 24 x 4 = 96, 4 biases
    assert counted("SeparableConv2D", {"filters": 4, "kernel_size": 3, "depth_multiplier": 3}, (6, 6, 8)) == \
        ("separable", (4, 4, 4), 316, 0, 312 * 16)
    # Dense on a 3-D input acts on the last axis: 12 x 4 weights at each of 5 x 7 positions, a 1x1 convolution
    assert counted("Dense", {"units": 4}, (5, 7, 12)) == ("pointwise", (5, 7, 4), 52, 0, 48 * 35)
    assert counted("Dense", {"units": 4, "use_bias": False}, (12,)) == ("dense", (4,), 48, 0, 48)


@pytest.mark.parametrize("config, expected", [
    ({}, (8, 8)),  # axis -1: 4 channels; gamma and beta trainable, moving mean and variance not
    ({"axis": 1}, (12, 12)),  # axis 1 is the first axis after the batch: 6
    ({"axis": [1, 2]}, (60, 60)),  # 6 x 5 = 30 per statistic
    ({"center": False}, (4, 8)),
    ({"center": False, "scale": False}, (0, 8)),
])
def test_batch_normalization_axis_by_hand(config, expected):
    assert counted("BatchNormalization", config, (6, 5, 4))[2:4] == expected


def test_pooling_padding_reshape_merges_by_hand():
    # 3x3 windows, stride 2: valid floor((9 - 3) / 2) + 1 = 4; same ceil(9 / 2) = 5; 9 reads per output element
    pool = count_layer("MaxPooling2D", {"pool_size": 3, "strides": 2}, [(9, 9, 4)])
    assert (pool.outputs[0], pool.other_ops) == ((4, 4, 4), 64 * 9)
    assert counted("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (9, 9, 4))[1] == (5, 5, 4)
    # "same": one zero each side; the first and last windows of an axis read 2 of their 3, the others 3: 13 an axis
    same = count_layer("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, [(9, 9, 4)])
    assert same.other_ops == 13 * 13 * 4  # not 5 * 5 * 4 * 9, the zeros counted as read
    xception = count_layer("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, [(147, 147, 128)])
    assert xception.other_ops == 220 * 220 * 128 == 6_195_200  # block2_pool: 74 windows an axis, 2 + 72 x 3 + 2
    assert counted("AveragePooling2D", {"pool_size": 2, "strides": None}, (9, 8, 4))[1] == (4, 4, 4)  # strides = pool
    assert counted("GlobalAveragePooling2D", {}, (7, 7, 32))[1] == (32,)
    assert counted("GlobalAveragePooling2D", {"keepdims": True}, (7, 7, 32))[1] == (1, 1, 32)
    assert counted("GlobalMaxPooling2D", {"keepdims": True}, (7, 7, 32))[1] == (1, 1, 32)
    # ZeroPadding2D ((top, bottom), (left, right)): 5 + 1 + 2 = 8, 5 + 3 + 4 = 12; an int pads every side
    assert counted("ZeroPadding2D", {"padding": [[1, 2], [3, 4]]}, (5, 5, 2))[1] == (8, 12, 2)
    assert counted("ZeroPadding2D", {"padding": 1}, (5, 5, 2))[1] == (7, 7, 2)
    assert counted("ZeroPadding2D", {"padding": [1, 2]}, (5, 5, 2))[1] == (7, 9, 2)
    # Reshape with -1: 2 x 3 x 4 = 24 values, 24 / 4 = 6
    assert counted("Reshape", {"target_shape": [-1, 4]}, (2, 3, 4))[1] == (6, 4)
    with pytest.raises(NotCounted, match="does not hold the 24 values"):
        count_layer("Reshape", {"target_shape": [5, -1]}, [(2, 3, 4)])
    # Concatenate: sizes add on the axis, the others must agree
    assert counted("Concatenate", {"axis": -1}, (4, 4, 3), (4, 4, 5))[1] == (4, 4, 8)
    assert counted("Concatenate", {"axis": 1}, (2, 4, 3), (5, 4, 3))[1] == (7, 4, 3)
    with pytest.raises(NotCounted, match="differ on an axis other than -1"):
        count_layer("Concatenate", {"axis": -1}, [(4, 4, 3), (4, 5, 3)])
    # Multiply broadcasts (4, 4, 8) with (1, 1, 8): one operation per output element; Add of three: two
    multiply = count_layer("Multiply", {}, [(4, 4, 8), (1, 1, 8)])
    assert (multiply.outputs[0], multiply.other_ops) == ((4, 4, 8), 128)
    assert count_layer("Add", {}, [(4, 4, 8)] * 3).other_ops == 2 * 128
    with pytest.raises(NotCounted, match="do not broadcast together"):
        count_layer("Multiply", {}, [(4, 4, 8), (4, 4, 3)])


# ---- Each rule against Keras on random cases ----------------------------------------------------------------------

@st.composite
def windows(draw, channels_multiple=1):
    """A 2-D window layer's settings and an input it fits (strides > 1 with dilation > 1 is refused by Keras)."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (1, 1) if draw(st.booleans()) else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    strides = (1, 1) if dilation != (1, 1) else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["valid", "same"]))
    shape = tuple((k - 1) * d + 1 + draw(st.integers(0, 6)) for k, d in zip(kernel, dilation))
    shape += (channels_multiple * draw(st.integers(1, 4)),)
    return dict(kernel_size=kernel, strides=strides, dilation_rate=dilation, padding=padding,
                use_bias=draw(st.booleans())), shape


def against_keras(keras_layer, *shapes):
    """Keras's output shape and parameters for a layer on `shapes`, and the profiler's, from Keras's own config."""
    batched = [(None, *shape) for shape in shapes]
    keras_shape = keras_layer.compute_output_shape(batched if len(shapes) > 1 else batched[0])
    keras_layer.build(batched if len(shapes) > 1 else batched[0])
    ours = count_layer(type(keras_layer).__name__, keras_layer.get_config(), list(shapes))
    assert ours.outputs[0] == tuple(keras_shape[1:])
    assert ours.params + ours.frozen_params == keras_layer.count_params()
    assert ours.params == sum(math.prod(weight.shape) for weight in keras_layer.trainable_weights)
    return ours


@pytest.mark.slow
def test_convolutions_against_keras():
    keras = pytest.importorskip("keras")

    @SETTINGS
    @given(windows(channels_multiple=2), st.integers(1, 3), st.integers(1, 5), st.sampled_from([1, 2]))
    def run(window, multiplier, filters, groups):
        settings_, shape = window
        conv = against_keras(keras.layers.Conv2D(filters * groups, groups=groups, **settings_), shape)
        positions = math.prod(conv.outputs[0][:-1])
        kh, kw = settings_["kernel_size"]
        # k_h x k_w x (C_in / groups) x C_out weights, each used at every output position
        assert conv.multiply_adds == kh * kw * (shape[-1] // groups) * filters * groups * positions
        depthwise = against_keras(keras.layers.DepthwiseConv2D(depth_multiplier=multiplier, **settings_), shape)
        assert depthwise.multiply_adds == kh * kw * shape[-1] * multiplier * positions  # k x C_in x m per position
        separable = against_keras(keras.layers.SeparableConv2D(filters, depth_multiplier=multiplier, **settings_),
                                  shape)
        # depthwise k x C_in x m, then pointwise C_in x m x C_out, per position
        assert separable.multiply_adds == (kh * kw + filters) * shape[-1] * multiplier * positions

    run()


@pytest.mark.slow
def test_other_layers_against_keras():
    keras = pytest.importorskip("keras")
    layers = keras.layers
    side, channels = st.integers(1, 9), st.integers(1, 6)

    @SETTINGS
    @given(st.tuples(st.integers(1, 4), st.integers(1, 4)), st.sampled_from(["valid", "same"]), st.integers(0, 4),
           st.integers(0, 4), channels, st.integers(1, 3), st.booleans())
    def pooling(pool, padding, extra_h, extra_w, c, stride, keepdims):
        shape = (pool[0] + extra_h, pool[1] + extra_w, c)
        for kind in (layers.MaxPooling2D, layers.AveragePooling2D):
            against_keras(kind(pool, strides=stride, padding=padding), shape)
            against_keras(kind(pool, padding=padding), shape)
        for kind in (layers.GlobalAveragePooling2D, layers.GlobalMaxPooling2D):
            against_keras(kind(keepdims=keepdims), shape)

    @SETTINGS
    @given(side, side, channels, st.tuples(*[st.integers(0, 3)] * 4), st.tuples(st.integers(1, 3), st.integers(1, 3)))
    def resizing(h, w, c, pads, size):
        against_keras(layers.ZeroPadding2D(((pads[0], pads[1]), (pads[2], pads[3]))), (h, w, c))
        against_keras(layers.ZeroPadding2D(pads[0]), (h, w, c))
        against_keras(layers.Cropping2D(((pads[0], pads[1]), (pads[2], pads[3]))), (h + sum(pads[:2]) + 1,
                                                                                    w + sum(pads[2:]) + 1, c))
        against_keras(layers.UpSampling2D(size), (h, w, c))
        against_keras(layers.Flatten(), (h, w, c))
        against_keras(layers.Reshape((-1, c)), (h, w, c))
        against_keras(layers.Reshape((w, -1)), (h, w, c))
        against_keras(layers.Permute((3, 1, 2)), (h, w, c))

    @SETTINGS
    @given(st.lists(side, min_size=1, max_size=3).map(tuple), st.integers(1, 7), st.booleans(), st.booleans())
    def dense_and_norms(shape, units, center, scale):
        against_keras(layers.Dense(units, use_bias=center), shape)
        axes = list(range(1, len(shape) + 1))
        for axis in [-1, *axes]:
            against_keras(layers.BatchNormalization(axis=axis, center=center, scale=scale), shape)
            against_keras(layers.LayerNormalization(axis=axis, center=center, scale=scale), shape)
        against_keras(layers.Normalization(axis=-1), shape)
        against_keras(layers.PReLU(shared_axes=axes[:-1] or None), shape)

    @SETTINGS
    @given(side, side, channels, channels, st.integers(2, 3), st.sampled_from([-1, 1, 2, 3]))
    def merging(h, w, c, other, count, axis):
        sizes = {-1: (h, w, other), 3: (h, w, other), 1: (other, w, c), 2: (h, other, c)}
        against_keras(layers.Concatenate(axis=axis), (h, w, c), sizes[axis])
        for kind in (layers.Add, layers.Multiply, layers.Maximum, layers.Average, layers.Subtract):
            shapes = [(h, w, c)] * (2 if kind is layers.Subtract else count)
            merged = against_keras(kind(), *shapes)
            assert merged.other_ops == (len(shapes) - 1) * h * w * c  # n - 1 operations per output element
        against_keras(layers.Multiply(), (h, w, c), (1, 1, c))  # broadcasting, as squeeze-and-excite does

    pooling()
    resizing()
    dense_and_norms()
    merging()


@pytest.mark.slow
def test_one_and_three_dimensional_padding_and_cropping_against_keras():
    """Keras writes a 1-D layer's padding or cropping as one [before, after] pair: ZeroPadding1D(2) and
    Cropping1D((1, 1)) were "not counted" ("its padding [2, 2] is not 1 pairs of whole numbers"), and so was every
    layer after them that reads their output (an audio model's pooling)."""
    keras = pytest.importorskip("keras")
    layers = keras.layers
    for pads in ((2, 2), (0, 3), (1, 0)):
        against_keras(layers.ZeroPadding1D(pads), (10, 4))
        against_keras(layers.Cropping1D(pads), (10, 4))
        against_keras(layers.ZeroPadding3D((pads, pads[::-1], (1, 1))), (5, 6, 7, 2))
        against_keras(layers.Cropping3D((pads, pads[::-1], (1, 1))), (9, 8, 7, 2))
    against_keras(layers.ZeroPadding1D(3), (10, 4))
    against_keras(layers.Cropping1D(2), (10, 4))
    against_keras(layers.ZeroPadding3D(1), (5, 6, 7, 2))


def test_one_dimensional_padding_and_cropping_by_hand():
    """Keras's [before, after] pair of a 1-D layer, counted without Keras: 10 + 2 + 3 and 10 - 1 - 2; the refusal of
    a padding that is no pair says "a pair" for one dimension ("is not 1 pairs" before)."""
    assert count_layer("ZeroPadding1D", {"padding": [2, 3]}, [(10, 4)]).outputs[0] == (15, 4)
    assert count_layer("Cropping1D", {"cropping": [1, 2]}, [(10, 4)]).outputs[0] == (7, 4)
    with pytest.raises(NotCounted, match=r"its padding \[1, 2, 3\] is not a pair of whole numbers"):
        count_layer("ZeroPadding1D", {"padding": [1, 2, 3]}, [(10, 4)])


# ---- Never Keras: reading and profiling import neither Keras nor TensorFlow --------------------------------------

def test_reading_and_profiling_never_import_keras(tmp_path):
    script = """
import io, json, sys, zipfile
import dsconv.profile
from dsconv.profile import builtin_config, builtin_profile, profile_config
from dsconv.profile.files import read_model_file
from dsconv.profile.lesson import where_the_arithmetic_is
from dsconv.profile.whatif import what_if
profile = builtin_profile("mobilenet_v2")
where_the_arithmetic_is(profile)
what_if(builtin_profile("vgg16"), "separable")
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as handle:
    handle.writestr("config.json", json.dumps(builtin_config("mobilenet_v3_small")))
    handle.writestr("metadata.json", "{}")
uploaded = profile_config(read_model_file(buffer.getvalue(), "x.keras"), input_shape=(224, 224, 3))
assert uploaded.multiply_adds == builtin_profile("mobilenet_v3_small").multiply_adds
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("keras", "tensorflow", "tf_keras", "jax"))
assert not heavy, heavy
print("light")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "light"


# ---- The CLI ------------------------------------------------------------------------------------------------------

def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "dsconv.profile", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_prints_the_table_and_the_totals(tmp_path):
    result = cli("mobilenet_v2", "--csv", tmp_path / "table.csv")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[0].split() == ["layer", "class", "role", "output", "shape", "params", "multiply-adds"]
    # The first layer: 3x3x3x32 = 864 weights, no bias; 112 x 112 positions
    assert lines[1].split() == ["Conv1", "Conv2D", "standard", "112x112x32", "864", f"{864 * 112 * 112:,}"]
    # Keras's count_params() of MobileNetV2 (checked layer by layer in test_profile_vs_keras.py)
    assert "parameters 3,538,984 (3,504,872 trainable, 34,112 not)" in out
    assert "multiply-adds 300,774,272 (301 M; FLOPs about 602 M)" in out
    assert "Convention: Multiply-adds are those of the convolution and dense layers" in out
    assert "paper (MobileNetV2 paper (Sandler et al. 2018), Table 4): multiply-adds 300 M" in out
    with (tmp_path / "table.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 155 and f"wrote {len(rows)} rows to" in out
    assert sum(int(row["multiply-adds"]) for row in rows) == 300_774_272
    assert sum(int(row["params"]) + int(row["non-trainable"]) for row in rows) == 3_538_984


def test_cli_at_another_input_size_and_with_a_file(tmp_path):
    result = cli("mobilenet_v2", "--input-shape", "160,160,3")
    assert result.returncode == 0, result.stderr
    assert "MobileNetV2 at 160x160x3: input 160x160x3, 155 layer calls" in result.stdout
    assert f"multiply-adds {builtin_profile('mobilenet_v2', 160).multiply_adds:,}" in result.stdout
    assert "paper (" not in result.stdout  # the paper gives no figure at 160
    path = tmp_path / "small.keras"
    path.write_bytes(archive({"metadata.json": "{}", "config.json": SMALL_TEXT}))
    result = cli(path, "--input-shape", "10,10,3", "--what-if", "separable")
    assert result.returncode == 0, result.stderr
    # conv 3x3x3x4 = 108 weights at 8 x 8; flatten 256; head 256 x 2
    assert f"multiply-adds {108 * 64 + 256 * 2:,}" in result.stdout
    assert "Making its one standard k x k convolution separable" in result.stdout


@pytest.mark.parametrize("data, sentence", [
    (archive({"config.json": SMALL_TEXT})[:40], "is not a readable zip archive"),
    (archive({"config.json": SMALL_TEXT, "../evil": "x"}), "names a file outside itself"),
    (b"\x00\x01binary", "is neither a .keras archive, an .h5 model nor JSON"),
    (json.dumps(functional([input_layer()], ["image"], inputs=("ghost",))).encode(),
     "The model's input 'ghost' is not among its layers"),
], ids=["truncated", "escape", "binary", "damaged-config"])
def test_cli_refuses_a_hostile_file_in_words(tmp_path, data, sentence):
    path = tmp_path / "hostile.keras"
    path.write_bytes(data)
    result = cli(path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and sentence in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_refuses_a_file_over_the_cap_and_a_bad_input_shape(tmp_path, monkeypatch, capsys):
    from dsconv.profile import __main__ as command

    path = tmp_path / "big.json"
    path.write_bytes(SMALL_TEXT.encode())
    monkeypatch.setattr(command, "MAX_FILE_BYTES", 100)
    assert command.main([str(path)]) == 2
    assert "error: big.json is over 0 MB; profile its config.json." in capsys.readouterr().err
    result = cli("mobilenet_v2", "--input-shape", "224,abc,3")
    assert result.returncode == 2 and "'224,abc,3' is not sizes such as 224,224,3" in result.stderr
    result = cli(tmp_path / "missing.keras")
    assert result.returncode == 2 and "is neither a built-in architecture nor a file" in result.stderr


def test_cli_csv_of_a_model_without_layers(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(sequential([])))
    result = cli(path, "--csv", tmp_path / "empty.csv")
    assert result.returncode == 0 and "Traceback" not in result.stderr


# ---- Found in review: each test below failed before its mend -------------------------------------------------------

def test_a_json_file_saved_with_a_byte_order_mark_is_read():
    text = json.dumps(sequential([dense("d")], shape=(4,)))
    assert profile_config(read_model_file(b"\xef\xbb\xbf" + text.encode(), "bom.json")).params == 4 * 4 + 4


def test_an_archive_declaring_too_many_members_is_refused_before_they_are_listed():
    many = archive({f"m{i}": b"" for i in range(upload.MAX_MEMBERS + 1)})
    with pytest.raises(ModelFileError, match=rf"holds {upload.MAX_MEMBERS + 1} files"):
        upload._from_zip(many)
    assert upload._declared_members(many) == upload.MAX_MEMBERS + 1  # read from the end record, not the listing


@pytest.mark.parametrize("config, reason", [
    ({"units": 4, "lora_rank": 2}, "LoRA adapters"),
    ({"units": 4, "dtype": {"class_name": "QuantizedDTypePolicy", "config": {"name": "int8_from_float32"}}},
     "quantized"),
])
def test_layers_keras_stores_otherwise_are_not_counted(config, reason):
    with pytest.raises(NotCounted, match=reason):
        count_layer("Dense", config, [(8,)])


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")  # Keras 3.15 deprecates it; files still hold it
def test_rms_layer_normalisation_has_no_beta_as_in_keras():
    keras = pytest.importorskip("keras")
    norm = keras.layers.LayerNormalization(rms_scaling=True)
    norm.build((None, 3, 4))
    assert count_layer("LayerNormalization", {"rms_scaling": True}, [(3, 4)]).params == norm.count_params() == 4


def test_causal_conv1d_keeps_its_length_as_in_keras():
    keras = pytest.importorskip("keras")
    conv = keras.layers.Conv1D(5, 3, strides=2, padding="causal", dilation_rate=1)
    counted = count_layer("Conv1D", {"filters": 5, "kernel_size": [3], "strides": [2], "padding": "causal"}, [(9, 2)])
    assert counted.outputs[0] == tuple(conv.compute_output_shape((None, 9, 2))[1:]) == (5, 5)


def test_the_csv_keeps_a_spreadsheet_from_reading_a_name_as_a_formula():
    from dsconv.profile import csv_text

    config = functional([input_layer(shape=(4,)), layer("Dense", "=HYPERLINK(\"http://e.com\")", {"units": 2},
                                                        "image")], ["=HYPERLINK(\"http://e.com\")"])
    rows = list(csv.DictReader(io.StringIO(csv_text(profile_config(config)))))
    assert rows[0]["layer"] == "'=HYPERLINK(\"http://e.com\")"
    for start in ("\t", "\r"):  # a tab or carriage return before the formula, which some spreadsheets skip
        name = start + "=1+1"
        config = functional([input_layer(shape=(4,)), layer("Dense", name, {"units": 2}, "image")], [name])
        assert list(csv.DictReader(io.StringIO(csv_text(profile_config(config)))))[0]["layer"] == "'" + name


def test_the_what_if_counts_a_shared_convolutions_weights_once():
    from dsconv.profile import lesson, what_if

    shared = layer("Conv2D", "shared", {"filters": 3, "kernel_size": 3, "padding": "same"}, "image")
    shared["inbound_nodes"].append({"args": [tensor("shared")], "kwargs": {}})
    result = what_if(profile_config(functional([input_layer(), shared], ["shared"])), "separable")
    # SeparableConv2D 3 -> 3, 3x3: 27 depthwise + 9 pointwise + 3 biases = 39 weights, once; two calls of 8x8
    assert result.after.params == 39 and len(result.swaps) == 2 and result.layers_swapped == 1
    assert result.after.multiply_adds == 2 * 64 * (27 + 9)
    assert "Making its one standard k x k convolution (called 2 times) separable" in lesson.what_if_sentence(result)


def test_cli_refuses_a_built_in_picture_without_channels_and_an_unwritable_csv(tmp_path):
    result = cli("resnet50", "--input-shape", "224,224")
    assert result.returncode == 2 and "give --input-shape as height,width,channels" in result.stderr
    result = cli("vgg16", "--csv", tmp_path / "missing" / "out.csv")
    assert result.returncode == 2 and "cannot write the CSV" in result.stderr and "Traceback" not in result.stderr
    assert "there is no folder" in result.stderr
    result = cli("vgg16", "--csv", tmp_path)
    assert result.returncode == 2 and "it is a folder" in result.stderr
    grey = cli("mobilenet_v2", "--input-shape", "224,224,1")
    assert grey.returncode == 0 and "paper (" not in grey.stdout  # the papers' figures are for RGB pictures


def test_cli_leaves_no_empty_csv_when_it_refuses_the_model(tmp_path):
    (tmp_path / "photo.keras").write_bytes(b"\xff\xd8\xff\xe0 not a model")
    result = cli(tmp_path / "photo.keras", "--csv", tmp_path / "table.csv")
    assert result.returncode == 2 and "error:" in result.stderr
    assert not (tmp_path / "table.csv").exists()


def test_utf16_and_a_number_of_thousands_of_digits_are_said_for_what_they_are():
    """A config saved as UTF-16 was "neither a .keras archive, an .h5 model nor JSON"; a 5,000-digit number quoted
    Python's own advice, cut mid-word ("use sys.set_int_max_str_digits() t")."""
    utf16 = '{"class_name": "Sequential"}'.encode("utf-16")
    with pytest.raises(ModelFileError, match=r"is text in UTF-16; a Keras config is JSON in UTF-8\. Save it as UTF-8"):
        read_model_file(utf16, "config.json")
    with pytest.raises(ModelFileError, match=r"holds a number thousands of digits long, which no Keras config has"):
        read_model_file(b'{"a": ' + b"9" * 5000 + b"}", "x.json")


@pytest.mark.parametrize("data, kind", [(b"null", "null"), (b'"hello"', "a string"), (b" 42\n", "a number"),
                                        (b"-3.5e2", "a number"), (b"true", "a true or false value")])
def test_a_file_of_one_json_value_is_said_to_be_json_but_no_config(data, kind):
    """A .json file holding null, "hello" or 42 is valid JSON, and was refused as "neither a .keras archive, an .h5
    model nor JSON"."""
    with pytest.raises(ModelFileError) as refused:
        read_model_file(data, "model.json")
    assert str(refused.value) == (f"'model.json' is JSON, but {kind}, not a model's config: a Keras config is a JSON "
                                  "object, in braces { }. Upload a file saved by model.save(), or the JSON of "
                                  "model.to_json().")
    # NaN is no JSON (the README says so, and a config holding one is refused as "not a number JSON allows")
    for not_json in (b"NaN", b"-Infinity"):
        with pytest.raises(ModelFileError, match="is neither a .keras archive, an .h5 model nor JSON"):
            read_model_file(not_json, "model.json")


def test_a_model_of_two_inputs_says_so_where_an_input_shape_is_written():
    """A two-input model has no one input shape: the Compare tab's "input" cell stood empty, and the command line
    wrote "input , 3 layer calls"."""
    import json as json_module

    keras = pytest.importorskip("keras")
    left, right = keras.Input((4,), name="left"), keras.Input((6,), name="right")
    model = keras.Model([left, right], keras.layers.Dense(2)(keras.layers.Concatenate()([left, right])))
    profile = profile_config(json_module.loads(model.to_json()))
    assert profile.input_shape == () and profile.params == model.count_params()
    assert profile.input_text == "several inputs, or none recorded"
    assert builtin_profile("mobilenet_v2").input_text == "224x224x3"


def test_a_keras2_h5_of_sequential_models_counts_as_keras2_loading_it():
    """A .h5 file written by tf.keras 2.21 (its version kept apart from its config), of Sequential models alone: a
    frozen base with one layer unfrozen after it. Checked against tf.keras loading the same config
    (tests/data/keras2_configs.json, from tools/make_keras2_configs.py): 278 of 426 trainable."""
    record = json.loads((ROOT / "tests" / "data" / "keras2_configs.json").read_text())["frozen_sequential_base"]
    config = {key: value for key, value in record["config"].items() if key != "keras_version"}  # as a .h5 keeps it
    data = h5_file({"model_config": json.dumps(config), "keras_version": "2.21.0"})
    profile = profile_config(read_model_file(data, "tuned.h5"))
    assert [[row.name, list(row.output_shape), row.total_params] for row in profile.rows] == record["calls"]
    assert (profile.params, profile.total("params")) == (record["count_params"], record["trainable_params"]) == \
        (426, 278)
