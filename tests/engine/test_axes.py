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


@pytest.mark.timeout(3)
def test_log_ticks_of_a_value_too_small_for_its_decade_end():
    """5e-324 s in a run record: its decade, 10.0 ** -324, is 0 in floating point, and the loop never ended (the page
    hung, the server's memory grew by about 150 MB a second)."""
    ticks = log_ticks([5e-324, 10.0])
    assert ticks[0] > 0 and ticks[-1] >= 10
