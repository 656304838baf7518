"""The network summary against the tutorial's published per-layer tables and totals.

The row-by-row comparison with real Keras models lives in tests/test_network_vs_keras.py."""

import pytest

from dsconv.costs.arithmetic import LayerConfigError
from dsconv.costs.network import NetworkConfig, block_filters, network_summary

TUTORIAL_TABLE = {  # layer: (standard params, separable params), from the tutorial's summary tables
    "block1_conv1": (1_792, 283),
    "block1_conv2": (36_928, 4_736),
    "block2_conv1": (73_856, 8_896),
    "block2_conv2": (147_584, 17_664),
    "block3_conv1": (295_168, 34_176),
    "block3_conv2": (590_080, 68_096),
    "predictions": (40_970, 40_970),
}


@pytest.mark.parametrize("column, kind, total", [(0, "standard", 1_186_378), (1, "separable", 174_821)])
def test_tutorial_tables(column, kind, total):
    summary = network_summary(NetworkConfig(conv_kind=kind))
    params = {row.name: row.params for row in summary.rows if row.params}
    assert params == {name: values[column] for name, values in TUTORIAL_TABLE.items()}
    assert summary.total_params == total
    assert summary.rows[-3].output_shape == (4, 4, 256)  # after three max-pools: the 4096 inputs of Dense
    assert sum(summary.params_share(row) for row in summary.rows) == pytest.approx(1.0)


def test_tutorial_multiply_adds():
    standard = network_summary(NetworkConfig(conv_kind="standard")).total_multiply_adds
    separable = network_summary(NetworkConfig(conv_kind="separable"))
    assert round(standard / 1e6, 1) == 152.8
    assert round(separable.total_multiply_adds / 1e6, 1) == 18.3
    assert round(standard / separable.total_multiply_adds, 2) == 8.35


def test_block_filters_and_bad_configs():
    assert block_filters(64, 3) == [64, 128, 256]
    assert block_filters(64, 3, 0.5) == [32, 64, 128]
    with pytest.raises(LayerConfigError, match="Use fewer blocks"):
        network_summary(NetworkConfig(blocks=6))
    with pytest.raises(LayerConfigError, match="Unknown convolution kind"):
        network_summary(NetworkConfig(conv_kind="inception"))


def test_two_counts_shown_side_by_side_are_told_apart():
    """The Whole network tab read "1.6 M" beside "standard: 1.6 M" next to a ratio of 0.97x."""
    from dsconv.costs.network import count_text

    assert count_text(1_580_000, 1_630_000) == "1.58 M" and count_text(1_630_000, 1_580_000) == "1.63 M"
    assert count_text(152_800_000, 18_300_000) == "152.8 M"  # apart at one decimal: one decimal
    assert count_text(1_600_000, 1_600_000) == "1.6 M"  # equal: equal
    assert count_text(1_600_400, 1_600_100) == "1,600,400"  # not apart at three decimals: exact
    assert count_text(427_136, 1_700_000) == "427,136"
    # a column of them (the arena's summary) takes one number of decimals for all
    column = [1_580_000, 1_630_000, 152_800_000]
    assert [count_text(value, *column) for value in column] == ["1.58 M", "1.63 M", "152.80 M"]
