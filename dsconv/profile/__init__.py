"""Where a real network spends its parameters and multiply-adds, layer by layer, from its Keras config alone.

`profile_config` walks a config (Sequential, Functional, nested models, shared layers) and counts every layer
call (`layers`: the per-class rules and the stated convention); `builtin` holds the shipped architectures and
their papers' figures; `files` reads an untrusted upload's config without running anything; `upload` counts it at
the input size a student picked; `whatif`
recounts a network with its standard convolutions made separable; `lesson` words what the numbers say. No TensorFlow.
"""

from __future__ import annotations

from dsconv.profile import lesson  # the sentences the page and the CLI say
from dsconv.profile.builtin import (
    ARCHITECTURES,
    SIZES,
    Architecture,
    Published,
    builtin_config,
    builtin_profile,
    percent_text,
    published,
)
from dsconv.profile.files import ModelFileError, read_model_file
from dsconv.profile.graph import (
    MAX_LAYERS,
    ProfileError,
    UnknownInputSize,
    declared_input_shape,
    picture_input,
    profile_config,
)
from dsconv.profile.layers import CONVENTION, ROLES, LayerCount, NotCounted, count_layer
from dsconv.profile.table import (
    COLUMNS,
    RECORD_FIELDS,
    LayerRow,
    Profile,
    apart,
    csv_text,
    in_millions,
    rows_as_records,
)
from dsconv.profile.upload import CountedUpload, count_upload
from dsconv.profile.whatif import Swap, WhatIf, what_if

__all__ = [
    "ARCHITECTURES", "COLUMNS", "CONVENTION", "MAX_LAYERS", "RECORD_FIELDS", "ROLES", "SIZES", "Architecture",
    "CountedUpload", "LayerCount", "LayerRow", "ModelFileError", "NotCounted", "Profile", "ProfileError", "Published",
    "Swap", "UnknownInputSize", "WhatIf",
    "apart", "builtin_config", "builtin_profile", "count_layer", "count_upload", "csv_text", "declared_input_shape",
    "in_millions", "lesson",
    "percent_text", "picture_input", "profile_config", "published", "read_model_file", "rows_as_records", "what_if",
]
