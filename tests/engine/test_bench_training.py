"""`python -m dsconv.bench training`: it runs, pairs each engine epoch with a plain fit, and refuses bad options.

No speed is asserted (figures belong in the README): only that every round is measured and reported.
"""

import re

import pytest

from dsconv.bench.training import main


@pytest.mark.slow
def test_a_tiny_benchmark_reports_one_ratio_per_round(capsys):
    assert main(["--steps", "1", "--repeats", "2", "--models", "separable"]) == 0
    out = capsys.readouterr().out
    assert "separable model:" in out and "standard model:" not in out
    rounds = re.search(r"median of the rounds: ([\d., ]+);", out)
    assert rounds and len(rounds.group(1).split(",")) == 2
    engine = re.search(r"dsconv training engine: median +[\d.]+ images/s, best +[\d.]+ \(([\d, ]+)\)", out)
    assert engine and len(engine.group(1).split(",")) == 2


@pytest.mark.parametrize("argv, words", [(["--models", "grouped"], "--models takes standard and separable"),
                                         (["--steps", "0"], "at least 1")])
def test_bad_options_exit_2_with_a_message(capsys, argv, words):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert words in capsys.readouterr().err
