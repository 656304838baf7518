"""Run records for tests, written as the JSON a training run would write (read back with dsconv.training.runs)."""

from __future__ import annotations


def arch(name, epochs, *, status="complete", test_accuracy=None, params=1000, macs=50_000):
    """One architecture's part: `epochs` is a list of (loss, accuracy, val_loss, val_accuracy, seconds)."""
    return {"name": name, "model": {"conv_kind": name, "width_multiplier": 1.0}, "params": params,
            "multiply_adds": macs, "status": status, "test_accuracy": test_accuracy, "test_loss": None,
            "weights": None, "steps_per_epoch": 10,
            "epochs": [{"epoch": i + 1, "loss": loss, "accuracy": acc, "val_loss": vloss, "val_accuracy": vacc,
                        "seconds": sec} for i, (loss, acc, vloss, vacc, sec) in enumerate(epochs)]}


def record_dict(archs, *, kind="measured", status="complete", validation_on_test=False, epochs=3, title="A run",
                seed=0, recipe=None, source=None, created="2026-01-01T00:00:00+00:00"):
    """A whole record around `archs` (see arch)."""
    return {"schema": "dsconv-run", "schema_version": 1, "title": title, "kind": kind, "created": created,
            "data": {"source": "synthetic", "train_size": 900, "val_size": 100, "test_size": 200,
                     "validation_on_test": validation_on_test, "seed": seed},
            "recipe": {"epochs": epochs, "batch_size": 32, **(recipe or {})},
            "device": {"description": "Test CPU, 2 cores"}, "versions": {}, "architectures": archs,
            "status": status, "source": source}
