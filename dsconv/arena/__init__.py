"""The Training arena's live training: one job per launch, a child process, and the server's shared slots.

Settings and limits (`settings`), time estimates (`estimates`), the job (`job`), its child process
(`child`) and the process-wide slots (`slots`).
"""

from __future__ import annotations

from dsconv.arena.estimates import (
           Estimate,
           Speed,
           batch_note,
           estimate_launch,
           launch_estimate,
           learn_from_records,
           machine_profile,
           remember_speed,
           speeds_from_record,
)
from dsconv.arena.job import STATES, JobSnapshot, TrainingJob
from dsconv.arena.settings import (
           MIN_TEST_IMAGES,
           MIN_TRAIN_IMAGES,
           SERVER_FOLDER_SOURCES,
           ArenaBusy,
           ArenaError,
           ArenaLimits,
           LaunchSettings,
           train_and_val_sizes,
)
from dsconv.arena.slots import SLOTS, TrainingSlots

__all__ = ["ArenaBusy", "ArenaError", "ArenaLimits", "batch_note", "Estimate", "estimate_launch", "JobSnapshot",
           "launch_estimate", "LaunchSettings", "learn_from_records", "machine_profile", "MIN_TEST_IMAGES",
           "MIN_TRAIN_IMAGES", "remember_speed", "SERVER_FOLDER_SOURCES", "SLOTS", "Speed", "speeds_from_record",
           "STATES", "train_and_val_sizes", "TrainingJob", "TrainingSlots"]
