"""dsconv.figures.axes.log_ticks: 1-2-5 ticks that cover the data, counted by hand."""

import pytest

from dsconv.figures.style import log_ticks


@pytest.mark.parametrize("values, expected", [
    ([4.0, 600.0], [2, 5, 10, 20, 50, 100, 200, 500, 1000]),  # one tick beyond each end
    ([0.3, 0.9], [0.2, 0.5, 1]),
    ([10.0], [10]),  # a value on a tick needs nothing beyond it
    ([0.5, 5000.0], [0.1, 1, 10, 100, 1000, 10000]),  # four decades: powers of ten only
    ([0.0, -3.0, 20.0, 50.0], [20, 50]),  # zero and negatives cannot sit on a log axis
    ([], []),
    ([1.0, float("inf"), float("nan")], [1]),  # nor can infinity or a missing value
])
def test_log_ticks_step_1_2_5_and_cover_the_data(values, expected):
    assert log_ticks(values) == pytest.approx(expected)
