"""`python -m dsconv.train`: a real 1-epoch run on synthetic images, --help, and clear errors with exit code 2."""

import subprocess
import sys

import pytest

from conftest import ROOT
from dsconv.training.cli import main
from dsconv.training.runs import load_run


@pytest.mark.slow
def test_one_epoch_on_256_synthetic_images_writes_a_loadable_record(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dsconv.train", "--arch", "separable", "--data", "synthetic", "--train-size", "256",
         "--test-size", "64", "--epochs", "1", "--batch-size", "32", "--out", str(tmp_path), "--name", "cli"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[separable] epoch 1/1" in result.stdout and "record:" in result.stdout
    record = load_run(tmp_path / "cli.json")
    part = record.architecture("separable")
    assert record.status == "complete" and len(part.epochs) == 1 and part.test_accuracy is not None
    assert record.data["train_size"] + record.data["val_size"] == 256  # 10% held out for validation
    assert (tmp_path / "cli_separable.weights.h5").is_file()


def test_help_states_typical_run_times(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "typical run times" in out and "s/epoch" in out and "--validate-on-test" in out


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], "must be 1 or more"),
    (["--arch", "grouped"], "invalid choice"),
    (["--val-split", "1.5"], "from 0 to below 1"),
    (["--batch-size", "many"], "not a whole number"),
    (["--data", "folder"], "needs --data-dir"),
])
def test_bad_arguments_exit_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_data_exits_2_without_a_traceback(capsys, tmp_path):
    assert main(["--data", "cifar10-local", "--data-dir", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "does not exist" in err and "Traceback" not in err
    assert main(["--data", "synthetic", "--train-size", "20", "--width-multiplier", "9"]) == 2
    assert "width_multiplier" in capsys.readouterr().err
