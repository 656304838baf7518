"""The page bench's options: think times as a student would pause, and refusals that say what to write."""

from __future__ import annotations

import argparse

import pytest

from dsconv.bench.pages import percentile, think_range


@pytest.mark.parametrize("text, pause", [("1-4", (1.0, 4.0)), ("0.2", (0.2, 0.2)), ("0-0", (0.0, 0.0)),
                                         ("2.5-60", (2.5, 60.0))])
def test_a_think_time_is_a_range_or_one_value(text, pause):
    assert think_range(text) == pause


@pytest.mark.parametrize("text, says", [("x", "is not a think time"), ("1-", "is not a think time"),
                                        ("4-1", "the shorter first"), ("-1", "is not a think time"),
                                        ("1-61", "0 to 60 s")])
def test_a_bad_think_time_is_refused_with_what_to_write(text, says):
    with pytest.raises(argparse.ArgumentTypeError, match=says):
        think_range(text)


def test_the_95th_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0 and percentile(values, 0.5) == 51.0 and percentile([3.0], 0.95) == 3.0
