"""Timing results: the samples of one layer kind and pass, their median and spread, and speed ratios.

A Timing keeps every sample, so pages show the median and the interquartile range; bundled measurement
files (dsconv/assets/speed/*.json) hold Timings as plain JSON.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from dsconv.costs.intensity import STEP_KINDS, layer_traffic
from dsconv.kinds import KINDS
from dsconv.speed.setup import BACKWARD_TRAFFIC_FACTOR, BACKWARD_WORK_FACTOR, PASS_LABELS, LayerSetup

NOISY_SPREAD = 0.25  # an interquartile range above a quarter of the median: the machine was busy meanwhile


def timed_name(kind: str, form: str = "label") -> str:
    """A timed kind's name, the same in tables, figures and sentences (`form`: "label" or "short"); a step of a
    separable layer timed on its own says so: "DepthwiseConv2D alone", "1x1 Conv2D alone"."""
    return f"{KINDS[kind].short} alone" if kind in STEP_KINDS else getattr(KINDS[kind], form)


@dataclass(frozen=True)
class Timing:
    """The samples of one layer kind and pass at one setup; `skipped` says why there are none."""

    kind: str
    pass_name: str
    setup: LayerSetup
    samples_ms: tuple[float, ...] = ()
    skipped: str = ""

    @property
    def label(self) -> str:
        """The name of the layer kind timed: "SeparableConv2D", "DepthwiseConv2D alone" (timed_name)."""
        return timed_name(self.kind)

    @property
    def multiply_adds(self) -> int:
        """Multiply-adds of this pass over the batch: forward x B, times 3 with the backward pass."""
        factor = BACKWARD_WORK_FACTOR if self.pass_name == "forward_backward" else 1
        return factor * self.setup.batch * self.setup.cost(self.kind).multiply_adds

    @property
    def pass_label(self) -> str:
        """forward, or forward + backward."""
        return PASS_LABELS[self.pass_name]

    @property
    def bytes_moved(self) -> int:
        """Bytes this pass reads and writes over the batch, each tensor through memory once (dsconv.costs.intensity),
        x3 with the backward pass."""
        factor = BACKWARD_TRAFFIC_FACTOR if self.pass_name == "forward_backward" else 1
        return factor * layer_traffic(self.kind, **asdict(self.setup)).bytes_moved

    @property
    def flops_per_byte(self) -> float:
        """Arithmetic intensity of this pass: 2 x multiply-adds / bytes moved."""
        return 2 * self.multiply_adds / self.bytes_moved

    @property
    def measured(self) -> bool:
        return bool(self.samples_ms)

    def quartiles_ms(self) -> tuple[float, float, float]:
        """(first quartile, median, third quartile) of the samples, in ms ('inclusive' method)."""
        if len(self.samples_ms) < 2:
            value = self.samples_ms[0] if self.samples_ms else math.nan
            return (value, value, value)
        q1, median, q3 = statistics.quantiles(self.samples_ms, n=4, method="inclusive")
        return (q1, median, q3)

    @property
    def median_ms(self) -> float:
        return self.quartiles_ms()[1]

    @property
    def iqr_ms(self) -> float:
        """Interquartile range: the middle half of the samples spans this many ms."""
        q1, _, q3 = self.quartiles_ms()
        return q3 - q1

    @property
    def gflops_per_s(self) -> float:
        """Achieved speed: 2 x multiply-adds / median time, in GFLOP/s."""
        return 2 * self.multiply_adds / (self.median_ms * 1e6) if self.measured else math.nan

    @property
    def gbytes_per_s(self) -> float:
        """Achieved traffic: bytes moved / median time, in GB/s."""
        return self.bytes_moved / (self.median_ms * 1e6) if self.measured else math.nan

    @property
    def noisy(self) -> bool:
        """Whether the middle half of the samples spans more than NOISY_SPREAD of the median."""
        return self.measured and len(self.samples_ms) >= 2 and self.iqr_ms > NOISY_SPREAD * self.median_ms

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields."""
        return {"kind": self.kind, "pass_name": self.pass_name, "setup": asdict(self.setup),
                "samples_ms": [round(s, 4) for s in self.samples_ms], "skipped": self.skipped}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Timing":
        """Inverse of to_dict."""
        return cls(data["kind"], data["pass_name"], LayerSetup(**data["setup"]),
                   tuple(float(s) for s in data.get("samples_ms", ())), data.get("skipped", ""))


@dataclass
class SpeedReport:
    """Every timing of one click, with the device and backend they came from."""

    timings: list[Timing]
    device: str
    backend: str
    elapsed_s: float
    notes: list[str] = field(default_factory=list)
    startup_s: float = 0.0  # the backend's one-time start-up before the clock started (first click only)
    roofs: Any = None  # the device's dsconv.speed.roofline.Roofs, when measured (the page adds them after a click)

    def get(self, kind: str, pass_name: str, setup: LayerSetup | None = None) -> Timing | None:
        """The timing of one kind and pass (at one setup, for sweeps)."""
        for timing in self.timings:
            if timing.kind == kind and timing.pass_name == pass_name and (setup is None or timing.setup == setup):
                return timing
        return None


def read_measurements(path: str | Path) -> dict[str, Any]:
    """A bundled measurement file: {'meta': {...}, 'sets': {name: {'title', 'timings': [Timing]}}}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    sets = {name: {**entry, "timings": [Timing.from_dict(t) for t in entry["timings"]]}
            for name, entry in data["sets"].items()}
    return {"meta": data["meta"], "sets": sets}


def middles_apart(one: Timing, other: Timing) -> bool:
    """Whether the middle halves (first to third quartile) of two timings' samples do not overlap."""
    (low_one, _, high_one), (low_other, _, high_other) = one.quartiles_ms(), other.quartiles_ms()
    return high_one < low_other or high_other < low_one


def speed_ratios(timings: Sequence[Timing], baseline: str = "standard") -> list[dict[str, Any]]:
    """For each measured kind and pass beside the baseline: times fewer multiply-adds and times faster.

    mac_ratio = baseline multiply-adds / kind multiply-adds; speed_ratio = baseline median ms / kind median ms;
    apart: whether the middle halves of the two sets of samples do not overlap (where they do, the medians' order is
    not a finding: another click may swap it).
    """
    rows = []
    for timing in timings:
        base = next((t for t in timings if t.kind == baseline and t.pass_name == timing.pass_name
                     and t.setup == timing.setup), None)
        if timing.kind == baseline or base is None or not (timing.measured and base.measured):
            continue
        rows.append({"kind": timing.kind, "label": timing.label, "pass_name": timing.pass_name, "setup": timing.setup,
                     "mac_ratio": base.multiply_adds / timing.multiply_adds,
                     "speed_ratio": base.median_ms / timing.median_ms, "apart": middles_apart(base, timing)})
    return rows
