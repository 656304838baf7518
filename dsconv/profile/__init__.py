"""Where a real network spends its parameters and multiply-adds, layer by layer, from its Keras config alone.

`profile_config` walks a config (Sequential, Functional, nested models, shared layers) and counts every layer
call (`layers`: the per-class rules and the stated convention); `builtin` holds the shipped architectures and
their papers' figures; `files` reads an untrusted upload's config without running anything; `whatif` recounts a
network with its standard convolutions made separable; `lesson` words what the numbers say. No TensorFlow.
"""

from __future__ import annotations

from dsconv.profile.builtin import (
    ARCHITECTURES,
    SIZES,
    Architecture,
    Published,
    builtin_config,
    builtin_profile,
    published,
)
from dsconv.profile.graph import MAX_LAYERS, ProfileError, declared_input_shape, profile_config
from dsconv.profile.layers import CONVENTION, ROLES, LayerCount, NotCounted, count_layer
from dsconv.profile.table import COLUMNS, LayerRow, Profile, in_millions, rows_as_records

__all__ = [
    "ARCHITECTURES", "COLUMNS", "CONVENTION", "MAX_LAYERS", "ROLES", "SIZES", "Architecture", "LayerCount", "LayerRow",
    "NotCounted", "Profile", "ProfileError", "Published", "builtin_config", "builtin_profile", "count_layer",
    "declared_input_shape", "in_millions", "profile_config", "published", "rows_as_records",
]
