"""The Training arena's process-wide training slots: how many launches may train at once on this server,
shared by every browser session (one module object, so one SLOTS, per server process).
"""

from __future__ import annotations

import threading
from typing import Protocol


class Remaining(Protocol):
    """What a slot needs of a job's snapshot."""

    remaining: float | None


class SlotHolder(Protocol):
    """What a slot needs of a job (dsconv.arena.job.TrainingJob is one): how long it has left."""

    def snapshot(self) -> Remaining: ...


class TrainingSlots:
    """A process-wide limit on concurrent trainings, shared by every browser session on the server."""

    def __init__(self, capacity: int = 1) -> None:
        self._lock = threading.Lock()
        self._capacity = capacity
        self._jobs: list[SlotHolder] = []

    def set_capacity(self, capacity: int) -> None:
        """Change how many trainings may run at once (running ones are never cut off)."""
        with self._lock:
            self._capacity = max(1, int(capacity))

    def try_claim(self, job: SlotHolder) -> bool:
        """Take a slot for `job`; False when every slot is taken."""
        with self._lock:
            if len(self._jobs) >= self._capacity:
                return False
            self._jobs.append(job)
            return True

    def release(self, job: SlotHolder) -> None:
        """Give back `job`'s slot (harmless if it holds none)."""
        with self._lock:
            if job in self._jobs:
                self._jobs.remove(job)

    def running(self) -> list[SlotHolder]:
        """The jobs holding a slot now."""
        with self._lock:
            return list(self._jobs)

    def is_full(self) -> bool:
        with self._lock:
            return len(self._jobs) >= self._capacity

    def seconds_until_free(self) -> float | None:
        """Roughly when the first slot frees: the least remaining time of the running jobs (None if unknown)."""
        left = [job.snapshot().remaining for job in self.running()]
        known = [value for value in left if value is not None]
        return min(known) if known else None

    def busy_message(self) -> str:
        """A sentence for someone who cannot launch now."""
        left = self.seconds_until_free()
        when = "soon" if left is None else f"in about {max(1, round(left / 60))} min" if left >= 60 else \
            f"in about {max(5, round(left))} s"
        return (f"The server is already training (at most {self._capacity} at a time, to keep it fast). A slot "
                f"frees {when}; replays keep working meanwhile.")


SLOTS = TrainingSlots()  # one per server process: every session imports the same module object
