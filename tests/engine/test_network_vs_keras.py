"""The reference test of dsconv.costs.network: every summary row equals the real Keras model's layers."""

import itertools

import pytest

pytest.importorskip("keras")

from dsconv.costs.network import network_summary
from dsconv.kinds import NETWORK_KINDS
from dsconv.training.models import ModelConfig, build_model

pytestmark = pytest.mark.slow

# Every conv kind at the tutorial's size, then small variants (kept small: each builds a Keras model).
CONFIGS = [ModelConfig.of(conv_kind=kind) for kind in NETWORK_KINDS]
CONFIGS += [ModelConfig.of(conv_kind=kind, blocks=blocks, filters=filters, kernel_size=kernel, width_multiplier=alpha)
            for kind, (blocks, filters, kernel, alpha) in itertools.product(
                NETWORK_KINDS, [(1, 8, 1, 1.0), (2, 4, 5, 0.5), (3, 6, 3, 0.75), (2, 16, 3, 1.5), (1, 3, 5, 0.3)])]
CONFIGS += [ModelConfig.of(conv_kind="separable", input_shape=(16, 24, 1), num_classes=3, blocks=2, filters=5)]
# One or three convolutions before each max-pool instead of VGG's two.
CONFIGS += [ModelConfig.of(conv_kind=kind, blocks=2, filters=6, convs_per_block=convs)
            for kind, convs in itertools.product(NETWORK_KINDS, (1, 3))]


def _keras_rows(model, name):
    layers = [layer for layer in model.layers if layer.name == name or layer.name.startswith(name + "_")]
    assert layers, f"no Keras layer for row {name}"
    return sum(layer.count_params() for layer in layers), tuple(layers[-1].output.shape[1:])


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: (f"{c.network.conv_kind}-b{c.network.blocks}-f{c.network.filters}-k{c.network.kernel_size}"
                                                 f"-a{c.network.width_multiplier}-c{c.network.convs_per_block}"))
def test_every_row_matches_keras(config):
    model = build_model(config)
    summary = network_summary(config.network)
    for row in summary.rows:
        params, shape = _keras_rows(model, row.name)
        assert params == row.params, row.name
        assert shape == tuple(row.output_shape), row.name
    assert summary.total_params == model.count_params()
