"""Measured speed next to multiply-adds: what each layer kind costs in time, and why.

What to time (`setup`), one timed step per backend (`steps`), the measurements (`measure`, `timings`), the
roofs of this machine and each step's regime (`roofline`) and the sentences chosen from the numbers (`text`).
Keras is imported only when something is timed.
"""

from __future__ import annotations

from dsconv.speed.measure import BACKEND_FAILED, measure, sweep, sweep_setups, time_steps
from dsconv.speed.roofline import (
                                NEAR_ROOF,
                                Roofs,
                                StepRegime,
                                above_roof,
                                classify,
                                classify_all,
                                explain,
                                measure_roofs,
                                recorded_roofs,
                                summary,
)
from dsconv.speed.setup import (
                                BACKWARD_WORK_FACTOR,
                                PASS_LABELS,
                                PASSES,
                                SWEEP_PARAMETERS,
                                SWEEP_VALUES,
                                TIMED_KINDS,
                                LayerSetup,
                                Limits,
                                SpeedConfigError,
                                TimingSettings,
)
from dsconv.speed.tables import counting_rows, layer_traffic, more_work_note, recorded_for
from dsconv.speed.text import ridge_paragraph, speedup_sentence, traffic_paragraph
from dsconv.speed.timings import NOISY_SPREAD, SpeedReport, Timing, read_measurements, speed_ratios

__all__ = ["above_roof", "BACKEND_FAILED", "BACKWARD_WORK_FACTOR",
           "classify", "classify_all", "counting_rows", "layer_traffic", "explain", "LayerSetup", "Limits",
           "measure", "measure_roofs", "more_work_note", "NEAR_ROOF", "NOISY_SPREAD", "PASS_LABELS", "PASSES",
           "read_measurements", "recorded_for", "recorded_roofs", "ridge_paragraph", "Roofs", "speed_ratios", "SpeedConfigError",
           "SpeedReport", "speedup_sentence", "StepRegime", "summary", "sweep", "SWEEP_PARAMETERS", "sweep_setups",
           "SWEEP_VALUES", "time_steps", "TIMED_KINDS", "Timing", "TimingSettings", "traffic_paragraph"]
