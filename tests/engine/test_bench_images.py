"""The image bench's options: a bad repeat count is refused with what to write, before anything is generated."""

from __future__ import annotations

import pytest

from dsconv.bench.images import main


@pytest.mark.parametrize("argv", [["--repeats", "0"], ["--browser", "--repeats", "-2"]])
def test_a_repeat_count_below_one_is_refused(argv, capsys):
    with pytest.raises(SystemExit) as refused:
        main(argv)
    assert refused.value.code == 2 and "--repeats must be 1 or more" in capsys.readouterr().err
