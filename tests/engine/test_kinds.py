"""The layer-kind registry (dsconv.kinds): one name, one set of labels and one colour per kind, spelled one way."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from dsconv.kinds import (
    KINDS,
    LAYER_KINDS,
    NETWORK_KINDS,
    SEPARABLE_KINDS,
    SLIDING_KINDS,
    label,
    layer_specs,
    short_label,
)


@pytest.mark.parametrize("field", ["label", "short", "word", "lesson", "colour"])
def test_no_two_kinds_share_a_label_or_a_colour(field):
    values = [getattr(kind, field) for kind in KINDS.values()]
    assert len(set(values)) == len(values), values


def test_every_group_of_kinds_is_registered():
    for group in (LAYER_KINDS, NETWORK_KINDS, SLIDING_KINDS, SEPARABLE_KINDS):
        assert set(group) <= set(KINDS)
    assert [KINDS[k].name for k in KINDS] == list(KINDS)


def test_short_labels_of_the_network_kinds():
    assert [short_label(k) for k in NETWORK_KINDS] == ["Conv2D", "SeparableConv2D", "Depthwise + 1x1", "MobileNet block"]
    assert label("not a kind") == short_label("not a kind") == "not a kind"  # a record's unknown name is shown as is


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_kind_names_the_keras_layers_it_is_made_of(kind):
    """Every Keras class that layer_specs builds for a kind appears in its label or its detail."""
    words = KINDS[kind].label + " " + KINDS[kind].detail
    for spec in layer_specs(kind, out_channels=8, kernel_size=3):
        name = {"BatchNormalization": "BatchNorm"}.get(spec.class_name, spec.class_name)
        assert name in words, (kind, spec.class_name)


def test_composite_kinds_name_their_layers_after_the_row():
    names = [spec.args["name"] for spec in layer_specs("mobilenet", out_channels=8, name="block1_conv1")]
    assert names == ["block1_conv1_dw", "block1_conv1_dw_bn", "block1_conv1_dw_relu", "block1_conv1_pw",
                     "block1_conv1_pw_bn", "block1_conv1_pw_relu"]
    assert [spec.args["name"] for spec in layer_specs("separable", out_channels=8, name="b")] == ["b"]


def test_the_one_by_one_layer_is_spelled_one_way_everywhere():
    """"1x1 Conv2D", never "Conv2D 1x1": the app once spelled the same layer both ways."""
    sources = [*ROOT.glob("dsconv/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py", ROOT / "README.md"]
    offenders = [str(path.relative_to(ROOT)) for path in sources if re.search(r"Conv2D 1x1", path.read_text())]
    assert offenders == []


def test_the_separable_kinds_of_one_layer_have_a_depthwise_then_a_one_by_one_step():
    for kind in SEPARABLE_KINDS:
        classes = [spec.class_name for spec in layer_specs(kind, out_channels=8)]
        assert classes[0] in ("DepthwiseConv2D", "SeparableConv2D"), kind
        if classes[0] == "DepthwiseConv2D":
            pointwise = [spec for spec in layer_specs(kind, out_channels=8) if spec.class_name == "Conv2D"]
            assert [spec.args["kernel_size"] for spec in pointwise] == [1], kind
