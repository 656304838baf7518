"""What every data source gives the training engine: a Dataset of 32 x 32 RGB images and labels, or a DataError."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

IMAGE_SIZE = 32  # every source is resized to the models' 32x32 input


class DataError(ValueError):
    """A data set that cannot be used, explained in one sentence that says what and where."""


@dataclass(frozen=True)
class Dataset:
    """Images (uint8, N x 32 x 32 x 3) and integer labels for train, validation (may be empty) and test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def sizes(self) -> dict[str, int]:
        """Number of images in each split."""
        return {"train": len(self.y_train), "validation": 0 if self.y_val is None else len(self.y_val),
                "test": len(self.y_test)}
