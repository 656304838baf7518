"""A student's model file counted at the input size they picked: `count_upload` reads it once and profiles it at that
size and at the file's own, and tells a file that is no model (refused) from a size that does not fit it (said)."""

from __future__ import annotations

from dataclasses import dataclass

from dsconv.profile.files import read_model_file
from dsconv.profile.graph import ProfileError, UnknownInputSize, picture_input, profile_config
from dsconv.profile.table import Profile

NAME_CHARS = 60  # a profile carries this much of the file's name


@dataclass(frozen=True)
class CountedUpload:
    """One file at one picked size (0: the file's own)."""

    profile: Profile | None  # at the size picked; None where `problem` says why there is none
    own: Profile | None  # at the file's own size, beside a picked one (None where the file names no size of its own)
    problem: ProfileError | None  # the file names no size (UnknownInputSize), or the size picked does not fit it


def count_upload(data: bytes, filename: str, size: int = 0) -> CountedUpload:
    """The file's config counted at `size` x `size` (its own channels; 0: the file's own size), and at its own size.

    Raises ModelFileError for a file that cannot be read, and ProfileError for one that is no model this profiler can
    count at any size. A file that names no input size, or that fails only at the size picked, is counted with that
    `problem`: there the size is at fault, not the file, and the student picks another."""
    config = read_model_file(data, filename)
    name = filename[:NAME_CHARS]
    own = failure = None
    try:
        own = profile_config(config, name=name)
    except UnknownInputSize as error:
        failure = error
    except ProfileError as error:
        if not size:
            raise
        failure = error  # it may still count at the size picked (a model saved before it was built)
    if not size:
        return CountedUpload(own, None, failure)
    try:
        picked = profile_config(config, input_shape=picture_input(config, size), name=name)
    except ProfileError as error:
        if failure is not None and not isinstance(failure, UnknownInputSize):
            raise  # no model at its own size nor at the one picked
        return CountedUpload(None, None, error)
    return CountedUpload(picked, own, None)
