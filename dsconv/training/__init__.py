"""Training the tutorial's models: data sources, the models, the engine, run records and their replay.

`python -m dsconv.train` is its command line (`cli`). Keras is imported inside the functions that build or
train a model, never on import.
"""

from __future__ import annotations

from dsconv.training import comparison, replay  # namespaces the pages read from
from dsconv.training.data import (
    CIFAR10_CLASSES,
    IMAGE_SUFFIXES,
    SOURCE_LABELS,
    SOURCE_NOTES,
    SOURCES,
    load_source,
    prepare,
    read_cifar_batch,
    source_label,
)
from dsconv.training.dataset import IMAGE_SIZE, DataError, Dataset
from dsconv.training.engine import TrainConfig, TrainingError, train_run
from dsconv.training.models import (
                                    DEPTHWISE_INITS,
                                    INPUT_SCALINGS,
                                    ModelConfig,
                                    ModelConfigError,
                                    build_model,
                                    compile_model,
)
from dsconv.training.pretrained import PretrainedError, available_pretrained, load_pretrained, pretrained_info
from dsconv.training.runs import MAX_RUN_BYTES, ArchitectureRun, EpochLog, RunFileError, RunRecord, load_run, save_run
from dsconv.training.synthetic import synthetic_dataset

__all__ = ["ArchitectureRun", "available_pretrained", "build_model", "CIFAR10_CLASSES", "comparison",
           "compile_model", "DataError", "Dataset", "DEPTHWISE_INITS", "EpochLog", "IMAGE_SIZE", "IMAGE_SUFFIXES",
           "INPUT_SCALINGS", "load_pretrained", "load_run", "load_source", "MAX_RUN_BYTES", "ModelConfig",
           "ModelConfigError", "prepare", "pretrained_info", "PretrainedError", "read_cifar_batch", "replay",
           "RunFileError", "RunRecord", "save_run", "SOURCE_LABELS", "source_label", "SOURCE_NOTES", "SOURCES",
           "synthetic_dataset", "train_run", "TrainConfig",
           "TrainingError"]
