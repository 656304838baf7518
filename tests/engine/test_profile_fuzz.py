"""Damaged and hostile configs never break the profiler: every built-in config, with one value anywhere in it
replaced by something odd, is either profiled or refused with a ProfileError sentence, never anything else."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dsconv.profile import ARCHITECTURES, ProfileError, builtin_config, profile_config, what_if
from dsconv.profile.files import parse_config_text

ODD = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                st.text(max_size=5), st.lists(st.integers(-3, 3), max_size=4),
                st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def paths(value, prefix=()):
    """Every place in a JSON value: a list of keys and indices."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


PLACES = {name: list(paths(builtin_config(name)))[1:] for name in ("vgg_separable", "mobilenet_v2", "resnet50")}


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PLACES)), where=st.integers(0, 10**6), odd=ODD, resize=st.booleans())
def test_one_odd_value_anywhere_is_counted_or_refused_in_a_sentence(name, where, odd, resize):
    config = copy.deepcopy(builtin_config(name))
    place = PLACES[name][where % len(PLACES[name])]
    target = config
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = odd
    try:
        profile = profile_config(config, input_shape=(96, 96, 3) if resize else None)
    except ProfileError as error:
        assert str(error).endswith(".") and len(str(error)) > 20
        return
    what_if(profile, "separable")  # and the what-if takes whatever was counted
    for row in profile.rows:
        assert row.counted or row.note.startswith("not counted") or row.note.startswith("its input")
        assert row.multiply_adds >= 0 and row.params >= 0


def test_every_built_in_survives_a_round_trip_through_json_text():
    for name, arch in ARCHITECTURES.items():
        text = json.dumps(builtin_config(name))
        shape = (arch.size, arch.size, 3)  # MobileNetV3's config leaves height and width open, as Keras builds it
        assert profile_config(parse_config_text(text.encode()), input_shape=shape).rows == \
            profile_config(builtin_config(name), input_shape=shape).rows
