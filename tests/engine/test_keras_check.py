"""dsconv.costs.keras_check builds real Keras layers: their counts are the reference for dsconv.costs.arithmetic."""

from __future__ import annotations

import pytest

from dsconv.costs.arithmetic import LayerConfigError, every_kind, layer_cost
from dsconv.kinds import LAYER_KINDS

CONFIGS = [
    dict(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3),  # the tutorial's example
    dict(height=17, width=9, in_channels=8, out_channels=12, kernel_size=5, strides=2, padding="same",
         depth_multiplier=2, groups=4),
    dict(height=16, width=16, in_channels=6, out_channels=9, kernel_size=3, dilation_rate=3, groups=3,
         use_bias=False),
    dict(height=7, width=7, in_channels=16, out_channels=32, kernel_size=(3, 1), strides=(1, 2),
         padding="valid", depth_multiplier=3, groups=8),
    dict(height=3, width=3, in_channels=3, out_channels=4, kernel_size=5),  # output empty except pointwise
    dict(height=8, width=8, in_channels=6, out_channels=8, kernel_size=3, groups=4),  # groups do not divide
    dict(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3, strides=2, dilation_rate=2),
]


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS)
def test_keras_counts_agree_with_arithmetic(config):
    from dsconv.costs.keras_check import keras_counts

    for result in keras_counts(LAYER_KINDS, **config):
        try:
            ours = layer_cost(result.kind, **config)
        except LayerConfigError:
            assert result.params is None and result.error, f"{result.kind}: Keras accepted what we reject"
            continue
        assert result.error == ""
        assert result.params == ours.params, result.kind
        assert result.output_shape == ours.output_shape, result.kind


@pytest.mark.slow
def test_the_tutorials_counts():
    from dsconv.costs.keras_check import keras_counts

    counts = {r.kind: r.params for r in keras_counts(["standard", "separable", "depthwise_pointwise"], **CONFIGS[0])}
    assert counts == {"standard": 1792, "separable": 283, "depthwise_pointwise": 286}


@pytest.mark.slow
def test_comparison_marks_agreement_and_refusals():
    from dsconv.costs.keras_check import compare_with_keras, keras_counts

    config = CONFIGS[-1]  # strides 2 with dilation 2: Conv2D refuses, the depthwise kinds accept
    costs = every_kind(**config)
    rows = {row.kind: row for row in compare_with_keras(costs, keras_counts(LAYER_KINDS, **config))}
    assert rows["standard"].verdict == rows["grouped"].verdict == "both refuse"
    assert rows["separable"].verdict == "match" and rows["separable"].keras_params == 283
    assert all(row.agrees for row in rows.values())
    # A count that differs from Keras's is a mismatch.
    wrong = dict(costs, separable=layer_cost("depthwise_pointwise", **config))
    assert {row.kind: row.verdict for row in compare_with_keras(wrong, keras_counts(["separable"], **config))} == {
        "separable": "mismatch"}
