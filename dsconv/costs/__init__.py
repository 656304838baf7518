"""What a convolution costs, counted in plain Python: parameters, output shapes, multiply-adds, memory traffic.

Layer arithmetic (`arithmetic`), the tutorial's networks row by row (`network`), arithmetic intensity
(`intensity`), code to copy (`codegen`), the check against real Keras layers (`keras_check`, which imports
Keras only when called) and the Parameter lab's notes (`lab_text`). No TensorFlow on import.
"""

from __future__ import annotations

from dsconv.costs import lab_text  # namespaces the pages read from
from dsconv.costs.arithmetic import (
                                     BYTES_PER_FLOAT32,
                                     TUTORIAL_LAYER,
                                     LayerConfigError,
                                     LayerCost,
                                     StageCost,
                                     as_pair,
                                     conv_output_length,
                                     every_kind,
                                     layer_cost,
                                     mobilenet_ratio,
                                     shape_text,
                                     standard_counterpart,
                                     tutorial_cost,
)
from dsconv.costs.codegen import keras_code, pytorch_code
from dsconv.costs.derivation import KerasVerdict, RatioDerivation, keras_verdict, latex_number, ratio_derivation
from dsconv.costs.intensity import (
                                     COMPARED_KINDS,
                                     STEP_KINDS,
                                     LayerTraffic,
                                     StageTraffic,
                                     compare_traffic,
                                     layer_traffic,
)
from dsconv.costs.keras_check import (
                                     MAX_CHECKED_PARAMS,
                                     CheckRow,
                                     KerasCount,
                                     compare_with_keras,
                                     keras_counts,
                                     too_large_to_check,
)
from dsconv.costs.lab_text import (
                                     grouped_note,
                                     kernel_term_note,
                                     network_pointwise_share,
                                     pointwise_row_note,
                                     pointwise_share,
                                     tutorial_saving,
)
from dsconv.costs.network import (
                                     BATCHNORM_PARAMS_PER_CHANNEL,
                                     LayerRow,
                                     NetworkConfig,
                                     NetworkSummary,
                                     block_filters,
                                     count_text,
                                     network_summary,
)

__all__ = ["as_pair", "BATCHNORM_PARAMS_PER_CHANNEL", "block_filters", "BYTES_PER_FLOAT32", "CheckRow",
           "compare_traffic", "compare_with_keras", "COMPARED_KINDS", "count_text", "conv_output_length", "every_kind",
           "grouped_note", "keras_code", "keras_counts", "keras_verdict", "KerasCount", "KerasVerdict",
           "kernel_term_note", "lab_text", "latex_number", "layer_cost", "layer_traffic", "LayerConfigError",
           "LayerCost", "LayerRow", "LayerTraffic", "MAX_CHECKED_PARAMS", "mobilenet_ratio", "network_pointwise_share",
           "network_summary", "NetworkConfig", "NetworkSummary", "pointwise_row_note", "pointwise_share",
           "pytorch_code", "ratio_derivation", "RatioDerivation", "shape_text", "StageCost", "StageTraffic",
           "standard_counterpart", "STEP_KINDS", "too_large_to_check", "tutorial_cost", "TUTORIAL_LAYER",
           "tutorial_saving"]
