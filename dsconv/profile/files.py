"""Read a model config out of an untrusted file without running anything from it: `read_model_file`.

A `.keras` file is a zip archive; only its `config.json` is read, with the standard library, after the archive has
passed every check below. A legacy `.h5` model's config is its `model_config` attribute, read with h5py as text in
a child process with a time and memory limit (H5_SECONDS, H5_MEMORY_BYTES). A `.json` file is the config itself.
Keras's own loaders are never called on a user's file: several 2025 CVEs ran code through them (CVE-2025-1550,
CVE-2025-8747, CVE-2025-9906; CVE-2025-9905, where HDF5 files skip `safe_mode`). Lambda layers and custom classes
are listed as not counted by the profiler, never run.

Every refusal is a `ModelFileError` whose sentence says what was wrong and what to do instead.
"""

from __future__ import annotations

import io
import json
import lzma
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from dsconv.safe_text import UTF16_BOMS, library_words, lone_surrogate_at, over_limit

MAX_FILE_BYTES = 200 * 2**20  # the whole upload (the app's own upload cap is lower: .streamlit/config.toml)
MAX_CONFIG_BYTES = 8 * 2**20  # config.json, uncompressed: EfficientNetB7's is about 1.5 MB
MAX_MEMBERS = 64  # a Keras archive holds 3 (metadata.json, config.json, model.weights.h5)
MAX_RATIO = 100  # uncompressed / compressed size of config.json: JSON compresses 10-20x, a bomb thousands
MAX_DEPTH = 100  # brackets inside brackets: Keras configs reach about 12, plus about 8 per nested model
BOM = b"\xef\xbb\xbf"  # some editors start UTF-8 text with it
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
# A JSON string, escapes included, or one left open to the end of the text. Every match that starts at a quote
# succeeds, so one pass over the text finds them all: the pattern that needed its closing quote failed, and started
# again, at every quote of an open string, and 160 KB of \" took 131 s with the interpreter lock held.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


class ModelFileError(ValueError):
    """An upload refused, with the reason and what to do."""


def _nesting_depth(text: str) -> int:
    """How deep brackets nest in a JSON text (those inside strings do not count), without parsing it."""
    brackets = np.frombuffer(_STRINGS.sub("", text).encode("utf-8", "replace"), dtype=np.uint8)
    steps = np.isin(brackets, (91, 123)).astype(np.int64) - np.isin(brackets, (93, 125))  # [ { open, ] } close
    return int(np.cumsum(steps).max(initial=0))


def parse_config_text(data: bytes | str, where: str = "The file") -> Any:
    """JSON text to a config, refused if too big, too deep or not JSON."""
    if len(data) > MAX_CONFIG_BYTES:
        size = over_limit(len(data) / 2**20, MAX_CONFIG_BYTES / 2**20, 1)
        raise ModelFileError(f"{where} holds {size} MB of config; dsconv reads configs up to "
                             f"{MAX_CONFIG_BYTES // 2**20} MB. Profile a smaller model.")
    try:
        text = data.removeprefix(BOM).decode("utf-8") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ModelFileError(f"{where} is not UTF-8 text, so it is not a Keras config. Upload the model's .keras "
                             "file, or the JSON of model.to_json().") from None
    depth = _nesting_depth(text)
    if depth > MAX_DEPTH:
        raise ModelFileError(f"{where} nests its JSON {depth} levels deep; dsconv reads configs up to {MAX_DEPTH} "
                             "levels (a real Keras model needs about 20).")
    try:
        config = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, RecursionError, ValueError) as error:
        if not isinstance(error, json.JSONDecodeError) and "digits" in str(error):  # Python's 4,300-digit limit
            raise ModelFileError(f"{where} holds a number thousands of digits long, which no Keras config has; "
                                 "it is not a model's config.") from None
        raise ModelFileError(f"{where} is not valid JSON ({library_words(error, 120)}); a Keras config is JSON. "
                             "Upload the model's .keras file, or the JSON of model.to_json() as Keras wrote it.") \
            from None
    place = lone_surrogate_at(config)
    if place is not None:
        raise ModelFileError(f"{where} holds text that is not valid Unicode{f' in “{place}”' if place else ''}: an "
                             "escaped half of a character pair (such as \\ud800) that stands for no character, "
                             "which Keras never writes. Remove it, or upload the model's .keras file as Keras saved "
                             "it.")
    return config


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _member_name_is_safe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and not (len(name) > 1 and name[1] == ":")


def _declared_members(data: bytes) -> int | None:
    """How many members a zip's end-of-central-directory record declares, read before zipfile lists them all."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))  # the record, after at most a 64 KB comment
    if end < 0 or end + 12 > len(data):
        return None
    return int.from_bytes(data[end + 10:end + 12], "little")


def _from_zip(data: bytes) -> Any:
    declared = _declared_members(data)
    if declared is not None and declared > MAX_MEMBERS:  # 0xFFFF also means "see the ZIP64 record": too many either way
        raise ModelFileError(f"The archive holds {declared} files; a Keras archive holds 3, and dsconv opens "
                             f"archives of up to {MAX_MEMBERS}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, struct.error) as error:
        raise ModelFileError(f"The .keras file is not a readable zip archive ({library_words(error, 80)}). Save the "
                             "model again with model.save('name.keras').") from None
    if len(members) > MAX_MEMBERS:
        raise ModelFileError(f"The archive holds {len(members)} files; a Keras archive holds 3, and dsconv opens "
                             f"archives of up to {MAX_MEMBERS}.")
    unsafe = [member.filename for member in members if not _member_name_is_safe(member.filename)]
    if unsafe:
        raise ModelFileError(f"The archive names a file outside itself ({unsafe[0][:80]!r}: an absolute path or "
                             "'..'); dsconv refuses such archives. Save the model again with Keras.")
    names = [member.filename for member in members]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:  # dsconv would read the first, Keras's loader the last: two models under one name
        raise ModelFileError(f"The archive holds two files named {twice[:80]!r}; a Keras archive holds each once. "
                             "Save the model again with model.save('name.keras').")
    config = next((member for member in members if member.filename == "config.json"), None)
    if config is None:
        raise ModelFileError("The archive has no config.json, so it is not a Keras 3 .keras file. Save the model "
                             "with model.save('name.keras'), or upload the config JSON itself.")
    if config.file_size > MAX_CONFIG_BYTES:
        size = over_limit(config.file_size / 2**20, MAX_CONFIG_BYTES / 2**20)
        raise ModelFileError(f"The archive's config.json unpacks to {size} MB; dsconv reads "
                             f"configs up to {MAX_CONFIG_BYTES // 2**20} MB.")
    if config.file_size > MAX_RATIO * max(config.compress_size, 1) and config.file_size > 2**20:
        raise ModelFileError(f"The archive's config.json unpacks {config.file_size // max(config.compress_size, 1)} "
                             "times bigger than it is stored: a zip bomb, not a Keras file. dsconv refuses it.")
    try:
        with archive.open(config) as stream:
            text = stream.read(MAX_CONFIG_BYTES + 1)  # sizes in the header can lie: never read past the cap
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error, lzma.LZMAError,
            ValueError, struct.error) as error:  # ValueError: a header's offsets or a name (not UTF-8) that lie
        raise ModelFileError(f"The archive's config.json cannot be read ({library_words(error, 160)}); save the model "
                             "again with Keras.") from None
    return parse_config_text(text, "The archive's config.json")


H5_SECONDS = 10  # reading a model's config from HDF5 takes milliseconds; a file that stalls the reader is stopped
H5_MEMORY_BYTES = 2**30  # the reader's address space, where the system can cap it (Linux, macOS)
# The reader, run in a child process: HDF5 is C, and a fuzzer found .h5 files that kill the process reading them
# (SIGSEGV) or read for ever holding the interpreter lock, which would take the whole server and every session down.
# It writes one tag byte and the config: N (none), B (bytes), S (text), T (not text), E (an error's words).
_H5_READER = r"""
import io, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
except (ImportError, AttributeError, ValueError, OSError):
    pass
out = sys.stdout.buffer
try:
    import h5py
    with h5py.File(io.BytesIO(sys.stdin.buffer.read()), "r") as handle:
        raw = handle.attrs.get("model_config")
except BaseException as error:
    out.write(b"E" + (str(error) or type(error).__name__)[:400].encode("utf-8", "replace"))
else:
    if raw is None:
        out.write(b"N")
    elif isinstance(raw, bytes):
        out.write(b"B" + raw)
    elif isinstance(raw, str):
        out.write(b"S" + raw.encode("utf-8", "surrogatepass"))
    else:
        out.write(b"T")
"""
_AGAIN = ("Save the model again with Keras, model.save('name.keras') or 'name.h5', and upload that, or upload its "
          "config JSON.")


def _read_h5_in_a_child(data: bytes) -> bytes:
    """The reader's answer (a tag byte and the config), from a child process with a time and memory limit."""
    reader = _H5_READER.replace("MEMORY_CAP", str(H5_MEMORY_BYTES))
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    try:
        done = subprocess.run([sys.executable, "-I", "-c", reader], input=data, capture_output=True,
                              timeout=H5_SECONDS, env=environment)
    except subprocess.TimeoutExpired:
        raise ModelFileError(f"Reading the .h5 file took more than {H5_SECONDS} s (a model's config takes "
                             "milliseconds), so dsconv stopped: the file is damaged or made to stall its reader. "
                             + _AGAIN) from None
    except OSError as error:
        raise ModelFileError(f"dsconv could not start its reader for .h5 files ({library_words(error, 80)}). Upload "
                             "the model's .keras file, or upload the model's config JSON.") from None
    if done.returncode != 0 or not done.stdout:
        raise ModelFileError("The HDF5 library stopped with an error while reading the .h5 file (its reader "
                             f"ended with code {done.returncode}): the file is damaged or made to break its reader. "
                             + _AGAIN)
    return done.stdout


def _from_h5(data: bytes) -> Any:
    answer = _read_h5_in_a_child(data)
    tag, raw = answer[:1], answer[1:]
    if tag == b"E":
        words = raw.decode("utf-8", "replace")
        raise ModelFileError(f"The .h5 file cannot be read as HDF5 ({library_words(words, 80)}): it is damaged, cut "
                             "short, or not HDF5. " + _AGAIN)
    if tag == b"N":
        raise ModelFileError("The .h5 file holds no model config (it may hold weights only, such as a "
                             ".weights.h5 file). Upload a whole saved model or its config JSON.")
    if tag not in (b"B", b"S"):
        raise ModelFileError("The .h5 file's model_config is not text; dsconv reads only a JSON config from it. "
                             "Save the model again with Keras, or upload its config JSON.")
    return parse_config_text(raw, "The .h5 file's model_config")


def read_model_file(data: bytes, filename: str = "model") -> Any:
    """The Keras config inside an uploaded .keras, .h5 or .json file, after every safety check."""
    data = data.removeprefix(BOM)
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"The file is {over_limit(len(data) / 2**20, MAX_FILE_BYTES / 2**20)} MB; dsconv reads "
                             "model files up to "
                             f"{MAX_FILE_BYTES // 2**20} MB. Upload the config.json inside it instead (a .keras "
                             "file is a zip archive).")
    if not data:
        raise ModelFileError("The file is empty. Upload a .keras, .h5 or .json model file.")
    if data.startswith(ZIP_SIGNATURE):
        return _from_zip(data)
    if data.startswith(HDF5_SIGNATURE):
        return _from_h5(data)
    if data.lstrip()[:1] in (b"{", b"["):
        return parse_config_text(data)
    if data.startswith(UTF16_BOMS):
        raise ModelFileError(f"{filename[:80]!r} is text in UTF-16; a Keras config is JSON in UTF-8. Save it as "
                             "UTF-8 (any text editor can) and upload it again.")
    kind = _json_scalar(data)
    if kind:  # valid JSON, but no object: "42" was said to be "neither ... nor JSON"
        raise ModelFileError(f"{filename[:80]!r} is JSON, but {kind}, not a model's config: a Keras config is a JSON "
                             "object, in braces { }. Upload a file saved by model.save(), or the JSON of "
                             "model.to_json().")
    raise ModelFileError(f"{filename[:80]!r} is neither a .keras archive, an .h5 model nor JSON. Upload a file "
                         "saved by model.save(), or the JSON of model.to_json().")


def _json_scalar(data: bytes) -> str:
    """What a file that is one JSON value other than an object or an array holds, in words ("a number"), or "". A
    file holding 42 or "hello" was said to be "neither a .keras archive, an .h5 model nor JSON". NaN is no JSON."""
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):  # (NaN, or a number of over 4,300 digits: no config either way)
        return ""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a true or false value"
    return "a number" if isinstance(value, (int, float)) else "a string" if isinstance(value, str) else ""
