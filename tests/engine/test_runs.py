"""dsconv.training.runs: run records round-trip, bad files are refused with a sentence, the published record is the tutorial's."""

import json
import math
from pathlib import Path

import pytest

from dsconv.training.pretrained import PUBLISHED_RUN
from dsconv.training.runs import (
    MAX_RUN_BYTES,
    ArchitectureRun,
    EpochLog,
    RunFileError,
    RunRecord,
    load_run,
    run_from_dict,
    save_run,
)


def _record():
    part = ArchitectureRun(name="separable", model={"conv_kind": "separable"}, params=174_821, multiply_adds=18_295_808,
                           epochs=[EpochLog(1, 1.5, 0.4, 1.3, 0.5, 10.0), EpochLog(2, 1.2, 0.55, 1.1, 0.6, 9.5)],
                           status="complete", test_loss=1.1, test_accuracy=0.59, weights="run_separable.weights.h5")
    return RunRecord(title="t", kind="measured", created="2026-11-25T22:00:00+00:00",
                     data={"source": "synthetic", "validation_on_test": False}, recipe={"batch_size": 128},
                     device={"description": "cpu", "kind": "cpu", "count": 1}, versions={"keras": "3"},
                     architectures=[part], status="complete")


def test_round_trip_and_summaries(tmp_path):
    path = save_run(_record(), tmp_path / "run.json")
    loaded = load_run(path)
    assert loaded == _record()
    assert load_run(path.read_bytes()) == loaded
    part = loaded.architecture("separable")
    assert part.best_val_accuracy() == 0.6 and part.final_val_accuracy() == 0.6
    assert part.mean_epoch_seconds() == pytest.approx(9.75)
    with pytest.raises(KeyError):
        loaded.architecture("standard")


def _bad(mutate):
    data = _record().to_dict()
    mutate(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize("raw, message", [
    (b"{not json", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[1, 2]", "must be an object"),
    (_bad(lambda d: d.update(schema="other")), "not a dsconv run record"),
    (_bad(lambda d: d.update(schema_version=99)), "schema version 99"),
    (_bad(lambda d: d["architectures"][0]["epochs"][0].update(loss=None)), "loss must be a number"),
    (_bad(lambda d: d["architectures"][0]["epochs"][1].update(epoch=5)), "numbered 1, 2, 3"),
    (_bad(lambda d: d["architectures"][0]["epochs"][0].update(accuracy=1.5)), "between 0 and 1"),
    (_bad(lambda d: d["architectures"][0].update(weights="../../etc/passwd")), "plain file name"),
    (_bad(lambda d: d["architectures"][0].update(params=-1)), "whole number"),
    (_bad(lambda d: d.update(architectures=[])), "non-empty list"),
    (_bad(lambda d: d.update(kind="guess")), "'measured' or 'published'"),
    (_bad(lambda d: d.update(status="exploded")), "must be one of"),
])
def test_bad_records_are_refused_with_a_sentence(raw, message):
    with pytest.raises(RunFileError, match=message):
        load_run(raw)


def test_nan_and_infinity_are_refused():
    for constant in ("NaN", "Infinity", "-Infinity"):
        text = json.dumps(_record().to_dict()).replace('"loss": 1.5', f'"loss": {constant}')
        assert constant in text
        with pytest.raises(RunFileError, match="JSON does not allow"):
            load_run(text.encode())
    data = _record().to_dict()
    data["architectures"][0]["epochs"][0]["loss"] = math.inf
    with pytest.raises(RunFileError, match="finite"):
        run_from_dict(data)
    with pytest.raises(ValueError):  # save_run never writes what load_run would refuse
        bad = _record()
        bad.architectures[0].epochs[0].loss = math.nan
        save_run(bad, Path("/tmp/never-written.json"))


def test_oversized_files_are_refused(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_RUN_BYTES + 1))
    with pytest.raises(RunFileError, match="larger than 2 MB"):
        load_run(big)
    with pytest.raises(RunFileError, match="larger than 2 MB"):
        load_run(b" " * (MAX_RUN_BYTES + 1))
    with pytest.raises(RunFileError, match="Could not read"):
        load_run(tmp_path / "missing.json")


def test_deep_nesting_is_refused():
    with pytest.raises(RunFileError):
        load_run(b"[" * 100_000 + b"]" * 100_000)


def test_published_record_equals_the_tutorial_table():
    record = load_run(PUBLISHED_RUN)
    assert record.kind == "published" and record.validation_on_test
    assert record.device["description"] == "unnamed GPU (as published)"
    assert "Depthwise Separable" in record.source["title"] and record.source["site"] == "Machine Learning Mastery"
    standard, separable = record.architecture("standard"), record.architecture("separable")
    assert (standard.params, separable.params) == (1_186_378, 174_821)
    assert [e.val_accuracy for e in standard.epochs] == [0.5297, 0.6717, 0.7109, 0.7235, 0.7516, 0.7501, 0.7455,
                                                          0.7560, 0.7387, 0.7484]
    assert [e.val_accuracy for e in separable.epochs] == [0.4918, 0.5861, 0.6501, 0.6721, 0.7056, 0.7153, 0.7415,
                                                           0.7537, 0.7582, 0.7458]
    assert [e.seconds for e in standard.epochs] == [11, 10, 10, 10, 10, 11, 11, 10, 10, 10]
    assert [e.seconds for e in separable.epochs] == [10, 8, 8, 8, 9, 8, 8, 8, 8, 8]
    assert [e.loss for e in standard.epochs][::9] == [1.7468, 0.2519]
    assert [e.accuracy for e in separable.epochs][::9] == [0.3534, 0.8485]
    assert standard.best_val_accuracy() == 0.756 and separable.best_val_accuracy() == 0.7582


def test_shipped_cifar10_records_are_valid_and_reproduce_the_tutorial():
    from dsconv.training.pretrained import RUNS_DIR

    record = load_run(RUNS_DIR / "tutorial_recipe.json")
    assert record.kind == "measured" and record.validation_on_test and record.recipe["input_scaling"] == "none"
    assert record.data["train_size"] == 50_000 and record.data["test_size"] == 10_000
    for name, params in (("standard", 1_186_378), ("separable", 174_821)):
        part = record.architecture(name)
        assert part.params == params and len(part.epochs) == 10 and part.status == "complete"
        assert 0.70 <= part.best_val_accuracy() <= 0.80  # the tutorial's 0.756 / 0.758, give or take
    better = load_run(RUNS_DIR / "better_recipe.json")
    assert not better.validation_on_test and better.recipe["input_scaling"] == "unit"
    assert better.data["val_size"] == 5_000 and better.data["train_size"] == 45_000
