"""The roofline model: which limit a timed layer step runs into, from this device's measured roofs.

A device has two roofs (Williams, Waterman and Patterson, 2009): its peak arithmetic speed P (GFLOP/s,
measured with a large matrix product) and its memory bandwidth B (GB/s, measured with a large array
copy). A step with arithmetic intensity I (FLOPs per byte it must move, dsconv.costs.intensity) can reach at
most min(P, I x B). Comparing what a step achieved with that bound, and its time with the time of a
call that does almost nothing, says what limits it:

- compute-bound: it reaches at least NEAR_ROOF of the bound, and the bound is the flat compute roof;
- memory-bound: it reaches at least NEAR_ROOF of the bound, and the bound is the slanted bandwidth roof;
- overhead-bound: below NEAR_ROOF of both roofs, and an empty call takes at least OVERHEAD_SHARE of its
  time: the fixed cost of each call (dispatch, threads, tiny kernels) dominates; a larger batch or image
  spreads it;
- below both roofs: below NEAR_ROOF of both, yet the fixed cost is a small part of its time: the
  operation's own code keeps neither the arithmetic units nor the memory busy.

Nothing here imports Keras: `measure_roofs` imports it when it runs. Every sentence the Speed lab
prints about why a step is slow comes from `explain`, which tests/test_roofline.py drives through each branch.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, Sequence

from dsconv import ONE_AT_A_TIME
from dsconv.costs.arithmetic import share_apart
from dsconv.devices import device_name
from dsconv.safe_text import listed, rate
from dsconv.speed.setup import LayerSetup
from dsconv.speed.timings import Timing, middles_apart

REGIMES = ("compute", "memory", "overhead", "kernel")
REGIME_LABELS = {"compute": "compute-bound", "memory": "memory-bound", "overhead": "overhead-bound",
                 "kernel": "below both roofs"}
# "Near" a roof: reaching half of it. Below half of both roofs, something other than arithmetic or memory
# traffic takes most of the time; half is the usual cut in roofline practice (a factor of 2 from the bound).
NEAR_ROOF = 0.5
# A step this close to NEAR_ROOF (in share of its roof) is said to be near the line: 48 % and 51 % of a roof read as
# "below both roofs" and "memory-bound", and another Measure may swap them.
NEAR_LINE = 0.05
# Overhead dominates when a call that does almost nothing already takes half of the step's time.
OVERHEAD_SHARE = 0.5
MATMUL_SIZE = 2048  # a 2048 x 2048 float32 product: 17 GFLOP, long enough to reach peak, ~0.2 s on 2 cores
COPY_MEGABYTES = 64  # larger than the last-level cache of most CPUs, small enough for a 1 GB cloud server
ROOF_REPEATS = 5  # timed calls of each; the best is the roof (a roof is what the device can do at most)
FLOOR_WARMUP = 3  # untimed calls of each smallest-call step, both made before either is timed
# SeparableConv2D and DepthwiseConv2D + 1x1 compute the same convolution two ways (they differ by one bias): with the
# same settings and pass they are one layer, and timings within noise of each other get one label (classify_all).
SAME_LAYER = {"depthwise_pointwise": "separable"}
TINY_LAYER = LayerSetup(height=1, width=1, in_channels=1, out_channels=1, kernel_size=1, batch=1)  # ~no work


@dataclass(frozen=True)
class Roofs:
    """A device's measured peak compute and memory bandwidth, and the time of a call that does almost nothing."""

    peak_gflops: float  # best GFLOP/s of a MATMUL_SIZE-square float32 matrix product (2 n^3 FLOPs)
    bandwidth_gbs: float  # best GB/s of x + 1 on a COPY_MEGABYTES float32 array (read once, written once)
    call_ms: float  # median ms of the smallest layer's forward call (1 x 1 x 1 input, one 1x1 filter)
    call_backward_ms: float  # the same layer's forward + backward call: the floor of a training step
    matmul_size: int = MATMUL_SIZE
    copy_megabytes: int = COPY_MEGABYTES

    @property
    def ridge(self) -> float:
        """The ridge point: FLOPs per byte above which the compute roof, not bandwidth, is the limit."""
        return self.peak_gflops / self.bandwidth_gbs

    def bound_gflops(self, flops_per_byte: float) -> float:
        """The most a step of this intensity can achieve here: min(P, I x B) GFLOP/s."""
        return min(self.peak_gflops, flops_per_byte * self.bandwidth_gbs)

    @property
    def floors_within_noise(self) -> bool:
        """Whether the smallest forward call was measured slower than the smallest forward + backward call, which does
        that forward call and more: the two floors then differ by noise only (0.57 ms forward against 0.39 ms)."""
        return self.call_ms > self.call_backward_ms

    def floor_ms(self, pass_name: str) -> float:
        """The time of the smallest call of this pass: no step of it can be faster. Where the forward floor came out
        above the forward + backward one, both passes take their mean: the closest pair of floors (least squares)
        in which the call that does more takes no less."""
        if self.floors_within_noise:
            return (self.call_ms + self.call_backward_ms) / 2
        return self.call_backward_ms if pass_name == "forward_backward" else self.call_ms

    def floor_words(self) -> str:
        """The smallest calls' times as a sentence states them: '0.30 ms forward and 0.40 ms forward + backward', or
        one time for both where they are within noise of each other (floor_note says why)."""
        if self.floors_within_noise:
            return f"about {self.floor_ms('forward'):.2f} ms forward or forward + backward"
        return f"{self.call_ms:.2f} ms forward and {self.call_backward_ms:.2f} ms forward + backward"

    def floor_note(self) -> str:
        """A sentence on floors measured the wrong way round, or nothing where the forward call was the quicker."""
        if not self.floors_within_noise:
            return ""
        return (f"Measured, the smallest forward call took {self.call_ms:.2f} ms and the smallest forward + backward "
                f"call {self.call_backward_ms:.2f} ms, though it does that forward call and more: the two are within "
                "noise of each other, so their mean stands for both.")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Roofs":
        """Inverse of to_dict; ValueError when a roof is missing or not a positive number."""
        values = {}
        for name in ("peak_gflops", "bandwidth_gbs", "call_ms", "call_backward_ms"):
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"The recorded roofs need a positive number for {name}; got {value!r}.")
            values[name] = float(value)
        return cls(**values, matmul_size=int(data.get("matmul_size", MATMUL_SIZE)),
                   copy_megabytes=int(data.get("copy_megabytes", COPY_MEGABYTES)))


@dataclass(frozen=True)
class StepRegime:
    """One timed step placed under the roofs: its intensity, what it achieved, and what limits it."""

    timing: Timing
    flops_per_byte: float
    achieved_gflops: float
    achieved_gbs: float
    bound_gflops: float  # min(P, I x B) at this intensity
    regime: str  # one of REGIMES
    # the timings of the same layer judged with this one (itself included), where their samples overlap: the regime
    # is theirs, from all their samples together (classify_all); empty where the step was judged alone
    together: tuple[Timing, ...] = ()
    group_fraction: float | None = None  # of the roof, from all the samples of `together`: what the label is judged on

    @property
    def fraction(self) -> float:
        """Achieved over the bound: 1 means the step runs at its roof."""
        return self.achieved_gflops / self.bound_gflops

    @property
    def label(self) -> str:
        """compute-bound, memory-bound, overhead-bound or below both roofs."""
        return REGIME_LABELS[self.regime]


def classify(timing: Timing, roofs: Roofs) -> StepRegime | None:
    """Place a measured step under the roofs (None for a step that was not measured)."""
    if not timing.measured or timing.median_ms <= 0:
        return None
    intensity = timing.flops_per_byte
    achieved = timing.gflops_per_s
    bound = roofs.bound_gflops(intensity)
    if achieved < NEAR_ROOF * bound:
        regime = "overhead" if roofs.floor_ms(timing.pass_name) >= OVERHEAD_SHARE * timing.median_ms else "kernel"
    else:
        regime = "compute" if intensity >= roofs.ridge else "memory"
    return StepRegime(timing, intensity, achieved, timing.gbytes_per_s, bound, regime)


def pooled(timings: Sequence[Timing]) -> Timing:
    """One timing of all the samples of some timings of the same layer (named by the first)."""
    first = timings[0]
    return Timing(first.kind, first.pass_name, first.setup, tuple(s for t in timings for s in t.samples_ms))


def same_layer_groups(timings: Sequence[Timing]) -> list[tuple[Timing, ...]]:
    """The measured timings of one layer, pass and setup (the same kind, or the two kinds of SAME_LAYER) whose middle
    halves all overlap, so that they differ by noise only: two or more each."""
    groups: dict[tuple, list[Timing]] = {}
    for timing in timings:
        if timing.measured and timing.median_ms > 0:
            groups.setdefault((SAME_LAYER.get(timing.kind, timing.kind), timing.pass_name, timing.setup),
                              []).append(timing)
    return [tuple(members) for members in groups.values() if len(members) > 1
            and not any(middles_apart(one, other) for i, one in enumerate(members) for other in members[i + 1:])]


def classify_all(timings: Sequence[Timing], roofs: Roofs) -> list[StepRegime]:
    """classify for every measured timing, in order; timings of the same layer within noise of each other (the same
    kind measured twice, or SeparableConv2D beside DepthwiseConv2D + 1x1 at 1.19 and 1.19 ms) get one regime, judged
    on all their samples together: alone, 48 % and 51 % of a roof read "below both roofs" and "memory-bound"."""
    judged = {}
    for members in same_layer_groups(timings):
        whole = classify(pooled(members), roofs)
        judged.update({id(member): (whole, members) for member in members})
    steps = []
    for timing in timings:
        step = classify(timing, roofs)
        if step is not None and id(timing) in judged:
            whole, members = judged[id(timing)]
            step = replace(step, regime=whole.regime, together=members, group_fraction=whole.fraction)
        if step is not None:
            steps.append(step)
    return steps


def roof_percent(fraction: float, regime: str | None = None) -> str:
    """A step's share of its roof, read on its own side of NEAR_ROOF (49.6 % read "50%" in a sentence saying the step
    reaches less than 50 % of its roof) and never as nothing; over its roof, on its side of the share past which the
    sentences say the step beat the roof (a `regime` "memory" step's ABOVE_BANDWIDTH, else ABOVE_PEAK): 109.96 % read
    "110%" beside no such sentence, and 110.04 % "110%" beside one."""
    if fraction > 1:
        return share_apart(fraction, ABOVE_BANDWIDTH if regime == "memory" else ABOVE_PEAK)
    return share_apart(fraction, NEAR_ROOF)


def _named(steps: Sequence[StepRegime], figure: Callable[[StepRegime], str] | None = None) -> str:
    """The steps by layer kind, each pass with its figure: 'SeparableConv2D (forward: ...; forward + backward: ...)';
    without a `figure`, the passes alone: 'SeparableConv2D (forward; forward + backward)'."""
    kinds = list(dict.fromkeys(step.timing.kind for step in steps))
    parts = []
    for kind in kinds:
        mine = [step for step in steps if step.timing.kind == kind]
        passes = "; ".join(step.timing.pass_label + (f": {figure(step)}" if figure else "") for step in mine)
        parts.append(f"{mine[0].timing.label} ({passes})")
    return "; ".join(parts)


def _span(values: Sequence[float], unit: str, digits: int = 2) -> str:
    low, high = min(values), max(values)
    return f"{low:.{digits}f}{unit}" if round(low, digits) == round(high, digits) else \
        f"{low:.{digits}f}-{high:.{digits}f}{unit}"


def _share_span(fractions: Sequence[float]) -> str:
    """The lowest and highest of some shares of a step's time taken by the fixed cost of a call, each read on its
    own side of OVERHEAD_SHARE and never as nothing: whole percents read "only 0%" for a call under 0.5 % of a step's
    time, and "only 50%" for 49.6 %, where half is what makes a step overhead-bound."""
    low, high = (share_apart(fraction, OVERHEAD_SHARE) for fraction in (min(fractions), max(fractions)))
    return low if low == high else f"{low} to {high}"


ABOVE_BANDWIDTH = 1.1  # a memory-bound step this far over the measured bandwidth is said to have beaten it: the
# bandwidth is the best of a few copies, and a step 2 % over it is within their spread
ABOVE_PEAK = 1.02  # a compute-bound step this far over the measured peak is said to have beaten it


def above_peak(steps: Sequence[StepRegime], roofs: Roofs) -> list[StepRegime]:
    """The compute-bound steps whose rate, counted as a direct convolution's multiply-adds, is more than 2 % over the
    measured peak (the matrix product's): the sentences and the roofline's "peak" label both say so (the recorded
    Conv2D, forward + backward, stood at 261 GFLOP/s over a line named "peak 213 GFLOP/s")."""
    return [step for step in steps
            if step.regime == "compute" and step.achieved_gflops > ABOVE_PEAK * roofs.peak_gflops]


def beyond_bandwidth(steps: Sequence[StepRegime], roofs: Roofs) -> list[StepRegime]:
    """The memory-bound steps that moved more than ABOVE_BANDWIDTH times the measured bandwidth."""
    return [step for step in steps if step.regime == "memory"
            and step.achieved_gbs > ABOVE_BANDWIDTH * roofs.bandwidth_gbs]


def above_roof(steps: Sequence[StepRegime], roofs: Roofs) -> list[StepRegime]:
    """The steps the sentences say beat their roof (above_peak, beyond_bandwidth): the roofline's caption says why a
    point can, only where a sentence says one did (at 105 % of the bandwidth it said so beside "cutting multiply-adds
    would barely shorten it")."""
    return above_peak(steps, roofs) + beyond_bandwidth(steps, roofs)


def judged_fraction(step: StepRegime) -> float:
    """The share of its roof a step's label was judged on: its own, or its group's (classify_all)."""
    return step.fraction if step.group_fraction is None else step.group_fraction


def judged_share(step: StepRegime, roof: str) -> str:
    """A step's share of its roof as its label was judged: its own, or its group's (classify_all), said so. A step
    at 51 % on its own, judged with its twin at 49 %, was listed at 51 % in a sentence saying "less than 50 %"."""
    together = "" if step.group_fraction is None else ", judged together"
    return f"{roof_percent(judged_fraction(step), step.regime)} of {roof}{together}"


@dataclass(frozen=True)
class _Words:
    """A sentence's words for the steps it names: one step or several ("its roof ... it reaches", "their roof ...
    they reach": one compute-bound step read "their roof ... they reach ... make them faster")."""

    their: str
    they: str
    them: str
    reach: str


def _words(members: Sequence) -> _Words:
    return _Words("its", "it", "it", "reaches") if len(members) == 1 else _Words("their", "they", "them", "reach")


def explain(steps: Sequence[StepRegime], roofs: Roofs, device: str) -> list[str]:
    """One sentence per regime present among the steps, in REGIMES order, naming each step with its figures, and
    the device the roofs were measured on (a recorded file's roofs were said to be "measured here").

    Why a step takes its time is chosen from where it sits under the roofs (classify), never assumed.
    """
    groups = {regime: [s for s in steps if s.regime == regime] for regime in REGIMES}
    forward_ms = {s.timing.kind: s.timing.median_ms for s in steps if s.timing.pass_name == "forward"}
    named = device_name(device)  # "the AMD EPYC with 2 cores", as each sentence names it
    sentences = []
    if groups["compute"]:
        names = _named(groups["compute"],
                       lambda s: f"{rate(s.achieved_gflops)} GFLOP/s, {judged_share(s, 'the peak')}")
        w = _words(groups["compute"])
        text = (f"**Compute-bound**: {names}. Right of the ridge point ({roofs.ridge:.1f} FLOPs per byte) {w.their} "
                f"roof is the arithmetic (the peak measured on {named} is {roofs.peak_gflops:.0f} GFLOP/s), and "
                f"{w.they} {w.reach} at least {NEAR_ROOF:.0%} of it: fewer multiply-adds, done at the same rate, would "
                f"make {w.them} proportionally faster.")
        beyond = above_peak(groups["compute"], roofs)
        if beyond:  # the matrix product the roof comes from is not the fastest thing this machine runs
            fastest = max(step.achieved_gflops for step in beyond)
            # Counted as a direct convolution's multiply-adds: a library may do fewer multiplications (Winograd's
            # method, for small kernels), so the rate alone does not prove the machine's peak is higher.
            text += (f" {_named(beyond, lambda step: f'{rate(step.achieved_gflops)} GFLOP/s')} ran faster than that "
                     f"peak, counting the multiply-adds a direct convolution does. Either {named} can do more than "
                     f"the {roofs.matmul_size} x {roofs.matmul_size} matrix product the peak is measured with reaches "
                     f"(at least {fastest:.0f} GFLOP/s, then), or the library computed the layer with fewer "
                     "multiplications than counted (Winograd's method does, for small kernels).")
        sentences.append(text)
    if groups["memory"]:
        names = _named(groups["memory"], lambda s: f"{rate(s.achieved_gbs, 1)} GB/s at {s.flops_per_byte:.1f} FLOPs "
                                                   f"per byte, {judged_share(s, 'the roof')}")
        # (their roof, not their speed: at 51 % of it, "the 11.6 GB/s bandwidth sets their speed" stood beside 5.9 GB/s)
        w = _words(groups["memory"])
        text = (f"**Memory-bound**: {names}. Below the ridge point ({roofs.ridge:.1f} FLOPs per byte) {w.their} roof "
                f"is the {roofs.bandwidth_gbs:.1f} GB/s bandwidth, and {w.they} {w.reach} at least {NEAR_ROOF:.0%} of "
                "it")
        # A step at 299 % of that roof was said to be held back by it ("cutting multiply-adds would barely shorten it")
        beyond = beyond_bandwidth(groups["memory"], roofs)
        within = [step for step in groups["memory"] if step not in beyond]
        if beyond:
            b = _words(beyond)
            fast = _named(beyond, lambda s: f"{rate(s.achieved_gbs, 1)} GB/s, "
                                            f"{roof_percent(s.achieved_gflops / roofs.peak_gflops)} of the peak")
            text += (f". {fast} ran faster than that bandwidth allows, counting each tensor once through memory: "
                     f"part of {b.their} traffic likely stayed in the processor's caches, faster than the memory the "
                     f"roof is measured on, so the roofline cannot tell whether the caches or the arithmetic limit "
                     f"{b.them}.")
        if within:
            cut = f"utting multiply-adds would barely shorten {_words(within).them}; moving fewer bytes would."
            text += f" For {_named(within)}, c{cut}" if beyond else f": c{cut}"
        sentences.append(text)
    if groups["overhead"]:
        members = groups["overhead"]
        names = _named(members, lambda s: f"{s.timing.median_ms:.2f} ms, {judged_share(s, 'its roof')}")
        text = (f"**Overhead-bound**: {names}. The smallest possible call already takes {roofs.floor_words()} on "
                f"{named}: the fixed cost of each call (dispatch, threads, tiny kernels) is most of "
                f"{_words(members).their} time.")
        quick = [s for s in members if s.timing.pass_name == "forward_backward" and s.timing.kind in forward_ms
                 and s.timing.median_ms < 2 * forward_ms[s.timing.kind]]
        if quick:
            ratios = [s.timing.median_ms / forward_ms[s.timing.kind] for s in quick]
            text += (f" Forward + backward does 3x the forward work yet took only {_span(ratios, 'x', 1)} as long "
                     f"({', '.join(s.timing.label for s in quick)}).")
        # a tiny Conv2D took 0.29 ms beside "the smallest possible call already takes 0.32 ms", without a word
        under = [s for s in members if s.timing.median_ms < roofs.floor_ms(s.timing.pass_name)]
        if under:
            each = "" if len(under) == 1 else "each "
            text += (f" {_named(under, lambda s: f'{s.timing.median_ms:.2f} ms')} {each}took no longer than the "
                     "smallest possible call of its own pass: no call can be quicker, so the difference lies in the "
                     f"measurements, and the fixed cost of a call is all of {_words(under).their} time.")
        sentences.append(text + " A larger batch or image would spread the fixed cost over more work.")
    if groups["kernel"]:
        members = groups["kernel"]
        names = _named(members, lambda s: f"{rate(s.achieved_gflops)} GFLOP/s, {judged_share(s, 'its roof')}")
        # a step judged with its twin, by their pooled median as its label is (its own read "only 51%" of a call's
        # fixed cost, over the half that makes a step overhead-bound)
        shares = [roofs.floor_ms(s.timing.pass_name) / (pooled(s.together).median_ms if s.together
                                                        else s.timing.median_ms) for s in members]
        w = _words(members)
        sentences.append(f"**Below both roofs**: {names}. {w.they.capitalize()} {w.reach} less than {NEAR_ROOF:.0%} "
                         f"of what the roofs allow, yet the fixed cost of a call is only {_share_span(shares)} of "
                         f"{w.their} time: no roof sets {w.their} time, how well this implementation runs at this "
                         "size does. Counting multiply-adds or bytes does not predict it.")
    for members in dict.fromkeys(step.together for step in steps if step.together):
        sentences.append(_together(members, [s for s in steps if s.together == members], roofs))
    # judged on the whole percent shown (45% and 55% are near; a raw 0.4501 was and 0.4499 was not, both "45%"), and
    # on the share its label was judged on (a step at 46 % alone, labelled with its twin at 44 %, was "near the line"
    # beside the bullet that judged it at 44 %)
    near = [step for step in steps
            if abs(round(100 * judged_fraction(step)) - round(100 * NEAR_ROOF)) <= 100 * NEAR_LINE]
    if near:
        w = _words(near)
        text = (f"**Near the line**: {_named(near, lambda s: judged_share(s, 'its roof'))} "
                f"{'is' if len(near) == 1 else 'are'} within {NEAR_LINE * 100:.0f} points of the {NEAR_ROOF:.0%} line "
                f"between a roof's limit and neither: another Measure may place {w.them} on its other side")
        sides = {step.regime in ("compute", "memory") for step in near}  # their labels' sides (judged together: one)
        sentences.append(text + (", so the steps either side of it differ less than their labels do." if len(sides) > 1
                                 else "."))
    return sentences


def _together(members: tuple[Timing, ...], steps: Sequence[StepRegime], roofs: Roofs) -> str:
    """Why some steps share one label: the same layer, samples that overlap; and which of them would read otherwise
    alone (a label is then not each step's own: the table and the sentences above give all of them the group's)."""
    whole = classify(pooled(members), roofs)
    names = list(dict.fromkeys(t.label for t in members))
    labels = listed(names)
    same = "the same convolution with the same settings" if len({t.kind for t in members}) > 1 else \
        f"the same layer measured {len(members)} times"
    text = (f"**Judged together**: {labels} ({members[0].pass_label}) {'are' if len(names) > 1 else 'is'} {same}, "
            f"and the middle halves of their samples overlap: they get one label, {whole.label}, from all their "
            f"samples together ({roof_percent(whole.fraction)} of the roof)")
    alone = [(step, classify(step.timing, roofs)) for step in steps]
    differ = [f"{step.timing.label} would read {own.label} ({roof_percent(own.fraction)} of its roof)"
              for step, own in alone if own.regime != step.regime]
    return text + (f"; alone, {listed(differ)}." if differ else ".")


def recorded_roofs(meta: dict[str, Any]) -> Roofs | None:
    """The roofs a bundled measurement file recorded in its meta, or None for a file without them."""
    data = meta.get("roofs")
    if not isinstance(data, dict):
        return None
    try:
        return Roofs.from_dict(data)
    except ValueError:
        return None


def summary(steps: Sequence[StepRegime]) -> str:
    """Which steps sit in which regime, in one sentence (forward pass), e.g. for 'Why it matters'."""
    forward = [s for s in steps if s.timing.pass_name == "forward"]
    groups = {regime: [s.timing.label for s in forward if s.regime == regime] for regime in REGIMES}
    parts = [f"{listed(names)} {'is' if len(names) == 1 else 'are'} {REGIME_LABELS[regime]}"
             for regime, names in groups.items() if names]
    return "; ".join(parts) + "." if parts else ""


# --- Measuring the roofs (imports Keras when called) ------------------------------------------------------

def _best_rate(step: Callable[[], Any], amount: float, repeats: int, clock: Callable[[], float]) -> float:
    """amount / fastest call, after one untimed call (it traces or compiles)."""
    step()
    fastest = math.inf
    for _ in range(repeats):
        began = clock()
        step()
        fastest = min(fastest, clock() - began)
    return amount / fastest


def measure_roofs(matmul_size: int = MATMUL_SIZE, copy_megabytes: int = COPY_MEGABYTES,
                  repeats: int = ROOF_REPEATS, clock: Callable[[], float] = time.perf_counter) -> Roofs:
    """Measure peak GFLOP/s, bandwidth and the per-call floor on the active Keras backend (about 2 s on 2 cores)."""
    with ONE_AT_A_TIME:
        import keras
        import numpy as np

        from dsconv.speed.steps import make_array_step, make_step

    rng = np.random.default_rng(0)
    a = rng.standard_normal((matmul_size, matmul_size), dtype=np.float32)
    b = rng.standard_normal((matmul_size, matmul_size), dtype=np.float32)
    peak = _best_rate(make_array_step(keras.ops.matmul, a, b), 2 * matmul_size**3 / 1e9, repeats, clock)
    del a, b
    x = np.ones(copy_megabytes * 2**20 // 4, dtype=np.float32)
    bandwidth = _best_rate(make_array_step(lambda v: v + 1.0, x), 2 * x.nbytes / 1e9, repeats, clock)
    del x
    # The smallest call's floors: both passes warm up (several calls each: the first ones trace, and the threads and
    # caches settle over a few more) before either is timed, and their samples alternate, so that a machine still
    # settling, or busy for a while, slows both alike (timed one after the other, the forward pass, timed first,
    # absorbed the settling: 0.57 ms forward against 0.39 ms forward + backward).
    passes = ("forward", "forward_backward")
    tiny = {pass_name: make_step("pointwise", pass_name, TINY_LAYER) for pass_name in passes}
    for _ in range(FLOOR_WARMUP):
        for pass_name in passes:
            tiny[pass_name]()
    samples: dict[str, list[float]] = {pass_name: [] for pass_name in passes}
    for number in range(4 * repeats):
        for pass_name in passes if number % 2 == 0 else passes[::-1]:  # each pass first in half of the rounds
            began = clock()
            tiny[pass_name]()
            samples[pass_name].append((clock() - began) * 1e3)
    floors = [statistics.median(samples[pass_name]) for pass_name in passes]
    return Roofs(peak, bandwidth, *floors, matmul_size, copy_megabytes)
