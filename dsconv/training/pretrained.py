"""The shipped pretrained models: CIFAR-10 weights trained by `python -m dsconv.train`, with their run records.

Each name is a recipe and an architecture: `tutorial_standard` is the standard model trained with the
tutorial's recipe (raw pixels, validated on the test set); `better_separable` is the separable model
trained with scaled inputs and a held-out validation split. Records and weights live in dsconv/assets/runs/.
`pretrained_info` reads only JSON (no TensorFlow); `load_pretrained` builds the Keras model.
"""

from __future__ import annotations

from typing import Any

from dsconv import ASSETS, ONE_AT_A_TIME
from dsconv.training.runs import ArchitectureRun, RunRecord, load_run

RUNS_DIR = ASSETS / "runs"
RECIPES = {"tutorial": "tutorial_recipe", "better": "better_recipe"}  # name prefix -> record file stem
PUBLISHED_RUN = RUNS_DIR / "tutorial_published.json"


class PretrainedError(ValueError):
    """A pretrained model that is not shipped, explained in one sentence."""


def available_pretrained() -> list[str]:
    """Names of the shipped models whose record and weights are both present, e.g. 'tutorial_standard'."""
    names = []
    for prefix, stem in RECIPES.items():
        path = RUNS_DIR / f"{stem}.json"
        if not path.is_file():
            continue
        for part in load_run(path).architectures:
            if part.weights and part.epochs and (RUNS_DIR / part.weights).is_file():
                names.append(f"{prefix}_{part.name}")
    return names


def pretrained_info(name: str) -> tuple[RunRecord, ArchitectureRun]:
    """The run record and the architecture's part of it for a shipped model (JSON only, no Keras)."""
    prefix, _, arch = name.partition("_")
    path = RUNS_DIR / f"{RECIPES.get(prefix, '?')}.json"
    if prefix not in RECIPES or not path.is_file():
        raise PretrainedError(f"No pretrained model {name!r}; choose one of {', '.join(available_pretrained()) or 'none'}.")
    record = load_run(path)
    try:
        part = record.architecture(arch)
    except KeyError as exc:
        raise PretrainedError(f"No pretrained model {name!r}; choose one of {', '.join(available_pretrained())}.") from exc
    if not part.weights or not (RUNS_DIR / part.weights).is_file():
        raise PretrainedError(f"The weights of {name!r} are not shipped with this copy of dsconv.")
    return record, part


def load_pretrained(name: str) -> Any:
    """A built Keras model (uncompiled) with the shipped weights of `name`, e.g. 'tutorial_standard'."""
    with ONE_AT_A_TIME:
        from dsconv.training.models import ModelConfig, build_model

    _, part = pretrained_info(name)
    model = build_model(ModelConfig.from_dict(part.model))
    model.load_weights(str(RUNS_DIR / part.weights))
    return model
