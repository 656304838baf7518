"""Filters on a student's picture: loading it safely, hand-made filters in NumPy, and what trained models see.

Untrusted files go through `dsconv.image_files` (re-exported here). Pictures and samples (`loading`), hand-made
depthwise and pointwise filters (`handmade`), the shipped models run in NumPy (`numpy_model`), learned filters and
feature maps of a NumPy or a Keras model (`learned`; Keras only for a Keras model).
"""

from __future__ import annotations

from dsconv.image_files import DISPLAY_MAX_SIDE, ImageError, fit_within, load_image
from dsconv.images import handmade  # namespaces the pages read from
from dsconv.images.learned import (
                                   conv_rows,
                                   feature_maps,
                                   first_layer_kernels,
                                   joined_notes,
                                   model_classes,
                                   older_pretrained_labels,
                                   pretrained_catalogue,
                                   pretrained_facts,
                                   row_kind,
                                   strongest_channels,
                                   top_predictions,
)
from dsconv.images.loading import (
                                   SAMPLE_SCENES,
                                   center_square,
                                   cifar_test_images,
                                   find_cifar_test_batch,
                                   model_input_words,
                                   no_cifar_test_batch,
                                   preview,
                                   scene_image,
                                   to_float_array,
                                   to_model_input,
)
from dsconv.images.numpy_model import NumpyModel, WeightFileError, load_numpy_model, pretrained_numpy_model

__all__ = ["center_square", "cifar_test_images", "conv_rows", "DISPLAY_MAX_SIDE", "feature_maps",
           "find_cifar_test_batch", "first_layer_kernels", "fit_within", "handmade", "ImageError", "load_image",
           "load_numpy_model", "model_classes", "model_input_words", "no_cifar_test_batch", "NumpyModel",
           "older_pretrained_labels",
           "pretrained_catalogue",
           "joined_notes", "pretrained_facts",
           "pretrained_numpy_model", "preview", "row_kind", "SAMPLE_SCENES", "scene_image", "strongest_channels",
           "to_float_array", "to_model_input", "top_predictions", "WeightFileError"]
