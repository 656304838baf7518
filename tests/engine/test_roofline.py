"""dsconv.speed.roofline: the roofs, where each timed step sits under them, and the sentence chosen for each case.

Timings here are made up (recorded inputs), so every branch is reached on any machine; the bytes a step
moves are counted by hand from the layer's shapes.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from dsconv.speed.roofline import NEAR_ROOF, REGIMES, Roofs, classify, classify_all, explain, recorded_roofs, summary
from dsconv.speed.setup import LayerSetup
from dsconv.speed.timings import Timing

DEFAULT = LayerSetup()  # 8 x 32 x 32 x 64 -> 64, k = 3, "same"
SMALL = LayerSetup(height=16, width=16, in_channels=32, out_channels=32, batch=2)  # ~0.3 MFLOP in a depthwise step
ROOFS = Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=0.3, call_backward_ms=0.4)  # ridge 5 FLOPs/byte
DEVICE = "a test CPU"  # the machine the roofs are said to be measured on
# Bytes of the default layer's Conv2D forward pass, by hand: input 8*32*32*64 floats, weights 3*3*64*64 + 64,
# output 8*32*32*64, 4 bytes each.
CONV_BYTES = 4 * (8 * 32 * 32 * 64 + 3 * 3 * 64 * 64 + 64 + 8 * 32 * 32 * 64)
CONV_FLOPS = 2 * 8 * 32 * 32 * 3 * 3 * 64 * 64
DEPTHWISE_BYTES = 4 * (8 * 32 * 32 * 64 + 3 * 3 * 64 + 64 + 8 * 32 * 32 * 64)
DEPTHWISE_FLOPS = 2 * 8 * 32 * 32 * 3 * 3 * 64


def timing(kind: str, ms: float, pass_name: str = "forward", setup: LayerSetup = DEFAULT,
           spread: float = 0.0) -> Timing:
    """Five samples around `ms`: the median is `ms`, the quartiles ms -/+ spread."""
    return Timing(kind, pass_name, setup, (ms - 2 * spread, ms - spread, ms, ms + spread, ms + 2 * spread))


def test_bytes_and_intensity_are_counted_from_the_shapes():
    conv = timing("standard", 1.0)
    assert conv.bytes_moved == CONV_BYTES
    assert conv.flops_per_byte == pytest.approx(CONV_FLOPS / CONV_BYTES)
    backward = timing("standard", 3.0, "forward_backward")
    assert backward.bytes_moved == 3 * CONV_BYTES  # the gradients move the forward pass's bytes twice more
    assert backward.flops_per_byte == pytest.approx(conv.flops_per_byte)
    assert timing("depthwise", 1.0).bytes_moved == DEPTHWISE_BYTES
    assert conv.gbytes_per_s == pytest.approx(CONV_BYTES / 1e6)  # bytes per ms / 1e6 = GB/s


def test_the_ridge_and_the_bound():
    assert ROOFS.ridge == 5.0
    assert ROOFS.bound_gflops(1.0) == 20.0 and ROOFS.bound_gflops(50.0) == 100.0


def test_a_step_near_the_flat_roof_is_compute_bound():
    ms = CONV_FLOPS / (80.0 * 1e6)  # 80 GFLOP/s of a 100 GFLOP/s peak, far right of the ridge
    step = classify(timing("standard", ms), ROOFS)
    assert step.regime == "compute" and step.fraction == pytest.approx(0.8)
    [sentence] = explain([step], ROOFS, DEVICE)
    assert sentence.startswith("**Compute-bound**: Standard Conv2D (forward: 80 GFLOP/s, 80% of the peak)")
    # on the device the roofs come from: a recorded file's roofs were "the peak measured here", on another machine
    assert "the peak measured on a test CPU is 100 GFLOP/s" in sentence and "proportionally faster" in sentence
    assert "its roof is the arithmetic" in sentence and "and it reaches at least 50%" in sentence  # one step
    assert "would make it proportionally faster" in sentence
    [both] = explain([step, classify(timing("standard", ms, "forward_backward"), ROOFS)], ROOFS, DEVICE)
    assert "their roof is the arithmetic" in both and "they reach" in both and "make them proportionally" in both
    assert "faster than that peak" not in sentence


def test_a_step_faster_than_the_measured_peak_gives_both_readings():
    """The recorded Conv2D with an 11 x 11 kernel ran at 352 GFLOP/s, 165% of a 213 GFLOP/s 'peak', and the page still
    called 213 the peak. A count-based rate above the flat roof means the roof's matrix product is not the machine's
    best, or the library did fewer multiplications than counted: the sentence says both, and claims neither. (It
    said "all that a test CPU can do (whose peak would then be ...)": the bracket hung on the device's name.)"""
    ms = CONV_FLOPS / (165.0 * 1e6)  # 165 GFLOP/s against a peak of 100
    step = classify(timing("standard", ms), ROOFS)
    [sentence] = explain([step], ROOFS, DEVICE)
    assert "165% of the peak" in sentence
    assert (f"Standard Conv2D (forward: 165 GFLOP/s) ran faster than that peak, counting the multiply-adds a direct "
            f"convolution does. Either a test CPU can do more than the {ROOFS.matmul_size} x {ROOFS.matmul_size} "
            "matrix product the peak is measured with reaches (at least 165 GFLOP/s, then), or the library computed "
            "the layer with fewer multiplications than counted") in sentence
    # a count-based rate above the peak is not proof of a higher peak: the sentence gives both readings, claims neither
    assert "true peak is at least" not in sentence


def test_a_share_of_a_roof_reads_on_its_side_of_the_half():
    """The recorded tutorial layer's SeparableConv2D reached 49.6 % of its roof and the page said '50% of its roof'
    in the sentence 'They reach less than 50 % of what the roofs allow'."""
    from dsconv.speed.roofline import roof_percent

    assert [roof_percent(f) for f in (0.496, 0.4996, 0.5, 0.5004, 0.87, 1.23, 0.004)] == [
        "49.6%", "49.96%", "50%", "50.04%", "87%", "123%", "0.4%"]
    ms = CONV_FLOPS / (49.6 * 1e6)  # 49.6 GFLOP/s of a 100 GFLOP/s peak
    step = classify(timing("standard", ms), ROOFS)
    assert step.regime in ("kernel", "overhead") and "49.6% of its roof" in explain([step], ROOFS, DEVICE)[0]


def test_a_step_near_the_slanted_roof_is_memory_bound():
    ms = DEPTHWISE_BYTES / (15.0 * 1e6)  # 15 GB/s of 20, intensity ~2.2 below the ridge of 5
    step = classify(timing("depthwise", ms), ROOFS)
    assert step.regime == "memory" and step.fraction == pytest.approx(0.75)
    [sentence] = explain([step], ROOFS, DEVICE)
    assert sentence.startswith("**Memory-bound**: DepthwiseConv2D alone (forward: 15.0 GB/s at 2.2 FLOPs per byte, "
                               "75% of the roof)")
    assert "ridge point (5.0 FLOPs per byte)" in sentence and "moving fewer bytes would" in sentence


def test_a_short_step_far_below_both_roofs_is_overhead_bound():
    step = classify(timing("depthwise", 0.5, setup=SMALL), ROOFS)  # 0.5 ms, while an empty call takes 0.3 ms
    assert step.regime == "overhead" and step.fraction < NEAR_ROOF
    [sentence] = explain([step], ROOFS, DEVICE)
    assert sentence.startswith("**Overhead-bound**: DepthwiseConv2D alone (forward: 0.50 ms, ")
    assert "already takes 0.30 ms forward and 0.40 ms forward + backward on a test CPU:" in sentence
    assert "larger batch or image" in sentence and "3x the forward work" not in sentence
    # Forward + backward: 3x the work in less than twice the time is quoted as evidence; its floor is 0.4 ms.
    backward = classify(timing("depthwise", 0.7, "forward_backward", SMALL), ROOFS)
    assert backward.regime == "overhead"
    [both] = explain([step, backward], ROOFS, DEVICE)
    assert "took only 1.4x as long (DepthwiseConv2D alone)" in both
    assert "DepthwiseConv2D alone (forward: 0.50 ms, 1.3% of its roof; forward + backward: 0.70 ms" in both
    slow_forward = classify(timing("depthwise", 0.3, setup=SMALL), ROOFS)
    assert "took only" not in explain([slow_forward, backward], ROOFS, DEVICE)[0]  # 0.7 ms is more than twice 0.3


def test_a_long_step_far_below_both_roofs_is_below_both_roofs_not_overhead():
    step = classify(timing("depthwise", 5.0), ROOFS)  # 5 ms: the 0.3 ms call floor is 6% of it
    assert step.regime == "kernel" and step.fraction < NEAR_ROOF
    [sentence] = explain([step], ROOFS, DEVICE)
    assert sentence.startswith("**Below both roofs**: DepthwiseConv2D alone (forward: ")
    assert "the fixed cost of a call is only 6.0% of its time" in sentence and "verhead" not in sentence
    assert "It reaches less than 50%" in sentence and "no roof sets its time" in sentence


@pytest.mark.parametrize("median_ms, share", [(1000.0, "under 0.1%"), (400.0, "0.1%"), (0.3 / 0.496, "49.6%"),
                                              (30.0, "1.0%"), (2.0, "15%")])
def test_the_fixed_costs_share_of_a_step_below_both_roofs_is_never_nothing_nor_half(median_ms, share):
    """The share was written in whole percents: a step of 400 ms read "the fixed cost of a call is only 0%" (it is
    0.075 %), and one where the 0.3 ms call was 49.6 % of its time "only 50%", where half is what would make it
    overhead-bound."""
    step = classify(timing("depthwise", median_ms), ROOFS)
    assert step.regime == "kernel"
    [sentence] = explain([step], ROOFS, DEVICE)
    assert f"the fixed cost of a call is only {share} of its time" in sentence


def test_every_regime_has_a_label_and_the_summary_groups_the_forward_steps():
    steps = classify_all([timing("standard", CONV_FLOPS / 90e6), timing("depthwise", 0.45, setup=SMALL),
                          timing("pointwise", 0.45, setup=SMALL), timing("separable", 9.0, "forward_backward"),
                          Timing("separable", "forward", DEFAULT, skipped="time cap")], ROOFS)
    assert [s.regime for s in steps] == ["compute", "overhead", "overhead", "kernel"]
    assert set(REGIMES) == {"compute", "memory", "overhead", "kernel"}
    # The table calls the steps "DepthwiseConv2D alone" and "1x1 Conv2D alone": the sentence said "DepthwiseConv2D,
    # Pointwise (1x1) Conv2D are ...", other names and no "and".
    assert summary(steps) == ("Standard Conv2D is compute-bound; DepthwiseConv2D alone and 1x1 Conv2D alone are "
                              "overhead-bound.")
    sentences = explain(steps, ROOFS, DEVICE)  # one per regime present, in order
    assert [line.split("**")[1] for line in sentences] == ["Compute-bound", "Overhead-bound", "Below both roofs"]


def test_recorded_roofs_are_read_or_refused():
    assert recorded_roofs({"roofs": ROOFS.to_dict()}) == ROOFS
    assert recorded_roofs({}) is None
    assert recorded_roofs({"roofs": dict(ROOFS.to_dict(), bandwidth_gbs=-1)}) is None
    assert recorded_roofs({"roofs": dict(ROOFS.to_dict(), peak_gflops=math.nan)}) is None


def test_noisy_timings_are_flagged_above_a_quarter_of_the_median():
    assert not timing("standard", 2.0, spread=0.2).noisy  # IQR 0.4 on 2.0: 20 %
    assert timing("standard", 2.0, spread=0.3).noisy  # IQR 0.6 on 2.0: 30 %


@pytest.mark.slow
def test_the_roof_kernels_compute_what_they_claim():
    """The matrix product and the copy the roofs are timed with really compute a @ b and x + 1 (TensorFlow)."""
    import keras

    from dsconv.speed.steps import make_array_step

    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((64, 48), dtype=np.float32), rng.standard_normal((48, 32), dtype=np.float32)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(make_array_step(keras.ops.matmul, a, b)()), a @ b,
                               rtol=1e-4, atol=1e-4)
    x = rng.standard_normal(1000, dtype=np.float32)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(make_array_step(lambda v: v + 1.0, x)()), x + 1.0)


def test_steps_near_the_half_line_are_said_to_be_near_it():
    """A Measure put SeparableConv2D at 48 % of its roof ("below both roofs: no roof sets their time") and
    DepthwiseConv2D + 1x1 at 51 % ("memory-bound: the 11.6 GB/s bandwidth sets their speed", at 5.9 GB/s): nearly the
    same step, opposite explanations, and another Measure could swap them."""
    roofs = Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=0.01, call_backward_ms=0.02)  # a call costs ~0
    below = classify(timing("depthwise", DEPTHWISE_BYTES / (9.6 * 1e6)), roofs)  # 9.6 GB/s of 20: 48 %
    above = classify(timing("depthwise", 3 * DEPTHWISE_BYTES / (10.2 * 1e6), "forward_backward"), roofs)  # 51 %
    far = classify(timing("depthwise", DEPTHWISE_BYTES / (15.0 * 1e6)), roofs)  # 75 %: not near
    assert (below.regime, above.regime, far.regime) == ("kernel", "memory", "memory")
    sentences = explain([below, above], roofs, DEVICE)
    memory = next(s for s in sentences if s.startswith("**Memory-bound**"))
    assert "sets their speed" not in memory  # at 51 % the bandwidth is their roof, not their speed
    # one step: "its roof ... it reaches" (it read "their roof ... they reach" of one step)
    assert "its roof is the 20.0 GB/s bandwidth, and it reaches at least 50% of it" in memory
    assert "would barely shorten it; moving fewer bytes would" in memory
    assert sentences[-1] == (
        "**Near the line**: DepthwiseConv2D alone (forward: 48% of its roof; forward + backward: 51% of its roof) are "
        "within 5 points of the 50% line between a roof's limit and neither: another Measure may place them on its "
        "other side, so the steps either side of it differ less than their labels do.")
    # one step near it, on one side: no "either side"
    assert explain([above, far], roofs, DEVICE)[-1].endswith("another Measure may place it on its other side.")
    assert not any("Near the line" in s for s in explain([far], roofs, DEVICE))


def test_the_roofline_title_says_under_its_roofs_only_where_every_step_is():
    """The recorded Conv2D forward + backward ran at 123 % of the peak, above the flat roof, under the title "each
    timed step under its roofs"."""
    from dsconv.figures.speed import roofline_figure

    under = classify(timing("standard", CONV_FLOPS / (80.0 * 1e6)), ROOFS)
    over = classify(timing("standard", CONV_FLOPS / (123.0 * 1e6), "forward_backward"), ROOFS)
    title = roofline_figure([under], ROOFS, DEVICE).layout.title.text
    assert title.endswith("each timed step under its roofs"), title
    title = roofline_figure([under, over], ROOFS, DEVICE).layout.title.text
    assert "under" not in title and title.endswith("each timed step and its roofs"), title


def test_near_the_line_is_judged_on_the_percent_shown():
    """Two steps both shown at "45%" (0.4501 and 0.4499 of their roofs): one was said to be near the line, the other
    not."""
    roofs = Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=0.01, call_backward_ms=0.02)
    steps = [classify(timing("standard", CONV_FLOPS / (fraction * 100.0 * 1e6)), roofs) for fraction in
             (0.4501, 0.4499, 0.5549, 0.4449)]
    assert [f"{100 * step.fraction:.2f}" for step in steps] == ["45.01", "44.99", "55.49", "44.49"]
    [near] = [s for s in explain(steps, roofs, DEVICE) if s.startswith("**Near the line**")]
    assert near.count("45% of its roof") == 2 and "55% of its roof" in near and "44% of its roof" not in near, near


def test_the_peak_line_says_when_a_layer_ran_faster_than_it():
    """The recorded Conv2D (forward + backward, 261 GFLOP/s) stood above a line named "peak 213 GFLOP/s (matrix
    product)"; only the sentences further down said why. The line's name now says so, and only then."""
    from dsconv.figures.speed import roofline_figure

    under = classify(timing("standard", CONV_FLOPS / (80.0 * 1e6)), ROOFS)
    over = classify(timing("standard", CONV_FLOPS / (123.0 * 1e6), "forward_backward"), ROOFS)

    def peak_label(steps):
        return next(a.text for a in roofline_figure(steps, ROOFS, DEVICE, width_px=1100).layout.annotations
                    if a.text.startswith("peak")).replace("<br>", " ")

    assert peak_label([under]) == "peak 100 GFLOP/s (matrix product)"
    assert peak_label([under, over]) == "peak 100 GFLOP/s (matrix product; a layer ran faster: see below)"
    assert "ran faster than that peak" in explain([under, over], ROOFS, DEVICE)[0]  # "below": the sentences say why


def test_the_floors_are_timed_in_turn_after_both_passes_warm_up(monkeypatch):
    """The smallest call measured 0.57 ms forward and 0.39 ms forward + backward: the forward pass, timed first after
    a single untimed call, absorbed the machine's settling. On a made-up device whose settling fades over the first
    30 calls, the call that does more must come out no quicker, each pass warmed up before either is timed, and the
    timed calls taking turns."""
    from fake_roofs import SettlingDevice, measured_roofs

    device = SettlingDevice(forward_s=0.3e-3, backward_s=0.4e-3, settling_s=0.5e-3, settled_after=30)
    roofs = measured_roofs(monkeypatch, device)
    assert roofs.call_ms < roofs.call_backward_ms, (roofs.call_ms, roofs.call_backward_ms)
    assert not roofs.floors_within_noise
    from dsconv.speed.roofline import FLOOR_WARMUP

    warm_up, timed = device.calls[:2 * FLOOR_WARMUP], device.calls[2 * FLOOR_WARMUP:]
    assert warm_up.count("forward") == warm_up.count("forward_backward") == FLOOR_WARMUP
    assert all({timed[i], timed[i + 1]} == {"forward", "forward_backward"} for i in range(0, len(timed), 2))
    assert roofs.floor_note() == "" and roofs.floor_words() == (
        f"{roofs.call_ms:.2f} ms forward and {roofs.call_backward_ms:.2f} ms forward + backward")


def test_floors_measured_the_wrong_way_round_are_said_to_be_within_noise(monkeypatch):
    """Where the forward floor still comes out above the forward + backward one (a device whose forward call measures
    0.57 ms and its forward + backward call 0.39 ms), no sentence states them as two floors: one time, their mean,
    stands for both, with a word on why, and a step's regime is judged on that mean."""
    from fake_roofs import SettlingDevice, measured_roofs

    from dsconv.speed import layer_traffic
    from dsconv.speed.text import ridge_paragraph

    roofs = measured_roofs(monkeypatch, SettlingDevice(forward_s=0.57e-3, backward_s=0.39e-3))
    roofs = Roofs(ROOFS.peak_gflops, ROOFS.bandwidth_gbs, roofs.call_ms, roofs.call_backward_ms)
    assert (round(roofs.call_ms, 2), round(roofs.call_backward_ms, 2)) == (0.57, 0.39)  # as measured, kept
    overhead = classify(timing("depthwise", 0.6, setup=SMALL), roofs)  # the 0.48 ms floor is 80 % of its time
    assert overhead.regime == "overhead"
    [sentence] = explain([overhead], roofs, DEVICE)
    assert "already takes about 0.48 ms forward or forward + backward on a test CPU:" in sentence, sentence
    assert "0.57" not in sentence and "0.39" not in sentence
    assert roofs.floors_within_noise
    assert roofs.floor_ms("forward") == roofs.floor_ms("forward_backward") == pytest.approx(0.48)
    # 1 ms: the forward floor as measured (0.57 ms) would make it overhead-bound; the mean (0.48 ms) does not
    kernel = classify(timing("depthwise", 1.0, setup=SMALL), roofs)
    assert kernel.regime == "kernel"
    assert "the fixed cost of a call is only 48% of its time" in explain([kernel], roofs, DEVICE)[0]
    assert roofs.floor_note() == ("Measured, the smallest forward call took 0.57 ms and the smallest forward + "
                                  "backward call 0.39 ms, though it does that forward call and more: the two are "
                                  "within noise of each other, so their mean stands for both.")
    ridge = ridge_paragraph(layer_traffic(SMALL)["separable"].stages, roofs, DEVICE)
    assert ("(here about 0.48 ms forward or forward + backward, measured within noise of each other, the time of the "
            "smallest possible layer)") in ridge, ridge


WIDE_RIDGE = Roofs(peak_gflops=400.0, bandwidth_gbs=20.0, call_ms=0.01, call_backward_ms=0.02)  # ridge 20, ~no call


def at_share(kind: str, share: float, spread: float = 0.0, setup: LayerSetup = DEFAULT) -> Timing:
    """A forward timing of `kind` whose median moves its bytes at `share` of WIDE_RIDGE's bandwidth."""
    moved = Timing(kind, "forward", setup, (1.0,)).bytes_moved
    return timing(kind, moved / (share * WIDE_RIDGE.bandwidth_gbs * 1e6), setup=setup, spread=spread)


def pooled_regime(timings) -> str:
    """By hand: the regime of the median of all the samples, on the slanted roof (below the ridge, ~no call cost)."""
    import statistics

    median = statistics.median(s for t in timings for s in t.samples_ms)
    share = timings[0].bytes_moved / (median * 1e6) / WIDE_RIDGE.bandwidth_gbs
    return "memory" if share >= NEAR_ROOF else "kernel"


def test_the_same_layer_within_noise_gets_one_label():
    """SeparableConv2D and DepthwiseConv2D + 1x1 (the same convolution, the same settings) reached 48 % and 51 % of
    their roof with overlapping samples: the table said "below both roofs" for one, "memory-bound" for the other. Same
    layer, samples within noise: one label, from all their samples together; the sentences say why."""
    separable, both_steps = at_share("separable", 0.48, spread=0.05), at_share("depthwise_pointwise", 0.51, spread=0.05)
    assert (classify(separable, WIDE_RIDGE).regime, classify(both_steps, WIDE_RIDGE).regime) == ("kernel", "memory")
    steps = classify_all([separable, both_steps], WIDE_RIDGE)
    assert [s.regime for s in steps] == [pooled_regime([separable, both_steps])] * 2
    said = explain(steps, WIDE_RIDGE, DEVICE)
    together = next(line for line in said if line.startswith("**Judged together**"))
    assert together.startswith("**Judged together**: SeparableConv2D and DepthwiseConv2D + 1x1 Conv2D (forward) are "
                               "the same convolution with the same settings, and the middle halves of their samples "
                               f"overlap: they get one label, {steps[0].label},"), together
    alone = "DepthwiseConv2D + 1x1 Conv2D would read memory-bound" if steps[0].regime == "kernel" else \
        "SeparableConv2D would read below both roofs"
    assert alone in together, together
    # the regime's sentence lists each with the share its label was judged on: 51 % stood in "less than 50 %"
    regime = next(line for line in said if line.startswith(("**Below both roofs**", "**Memory-bound**")))
    shares = [int(share) for share in re.findall(r"(\d+)% of (?:its |the )roof, judged together", regime)]
    assert len(shares) == 2 and all((share < 50) == (steps[0].regime == "kernel") for share in shares), regime
    near = next(line for line in said if line.startswith("**Near the line**"))  # one label: not "either side" of it
    assert near.endswith("another Measure may place them on its other side."), near
    # the summary and the table read the same label for both
    assert summary(steps) == f"SeparableConv2D and DepthwiseConv2D + 1x1 Conv2D are {steps[0].label}."
    from dsconv.figures.speed import timing_table

    assert {row["limited by"] for row in timing_table([separable, both_steps], "forward", WIDE_RIDGE)} == {
        steps[0].label}


def test_the_same_layer_measured_twice_gets_one_label_and_layers_apart_keep_their_own():
    """One kind measured twice at one setting (48 % and 51 %, overlapping) reads one label; samples that do not
    overlap (no spread) are told apart, each by its own; another setting is another layer."""
    first, second = at_share("separable", 0.48, spread=0.05), at_share("separable", 0.51, spread=0.05)
    steps = classify_all([first, second], WIDE_RIDGE)
    assert [s.regime for s in steps] == [pooled_regime([first, second])] * 2
    together = next(line for line in explain(steps, WIDE_RIDGE, DEVICE) if line.startswith("**Judged together**"))
    assert together.startswith("**Judged together**: SeparableConv2D (forward) is the same layer measured 2 times")
    apart = classify_all([at_share("separable", 0.48), at_share("depthwise_pointwise", 0.51)], WIDE_RIDGE)
    assert [s.regime for s in apart] == ["kernel", "memory"] and not any(s.together for s in apart)
    assert not any(line.startswith("**Judged together**") for line in explain(apart, WIDE_RIDGE, DEVICE))
    other = classify_all([at_share("separable", 0.48, 0.05), at_share("depthwise_pointwise", 0.51, 0.05, SMALL)],
                         WIDE_RIDGE)
    assert not any(s.together for s in other)


def test_a_step_judged_with_its_twin_gives_the_call_cost_share_of_their_pooled_samples():
    """SeparableConv2D alone (median 0.90 ms against a 0.46 ms floor: 51%) would read overhead-bound; judged with
    DepthwiseConv2D + 1x1 (1.05 ms) both read "below both roofs", and the sentence said the fixed cost of a call is
    "only ... 51%" of their time, over the half its own rule calls overhead-bound."""
    roofs = Roofs(1000, 100, 0.46, 0.9)
    separable = Timing("separable", "forward", DEFAULT, (0.8, 0.88, 0.9, 0.99, 1.0))
    both = Timing("depthwise_pointwise", "forward", DEFAULT, (0.95, 0.97, 1.05, 1.1, 1.15))
    steps = classify_all([separable, both], roofs)
    assert {step.regime for step in steps} == {"kernel"} and all(step.together for step in steps)
    said = next(line for line in explain(steps, roofs, DEVICE) if line.startswith("**Below both roofs**"))
    # the ten samples sorted: 0.8 0.88 0.9 0.95 0.97 | 0.99 1.0 1.05 1.1 1.15, median (0.97 + 0.99) / 2 = 0.98
    share = re.search(r"the fixed cost of a call is only ([\d.]+)%", said)
    assert share and abs(float(share.group(1)) - 100 * 0.46 / 0.98) < 0.6, said  # 46.9%, under the half


def test_a_step_is_near_the_line_by_the_share_its_label_was_judged_on():
    """The recorded default layer's DepthwiseConv2D + 1x1, forward + backward, was "44% of its roof, judged
    together" in one bullet and "46% of its roof ... within 5 points of the 50% line" in the next: its label came
    from the pooled 44 %, six points off the line. The near-line bullet judges each step as its label was judged."""
    separable, both_steps = at_share("separable", 0.46, spread=0.05), at_share("depthwise_pointwise", 0.42, spread=0.05)
    steps = classify_all([separable, both_steps], WIDE_RIDGE)
    assert all(step.together for step in steps)
    assert round(100 * steps[0].fraction) == 46 and round(100 * steps[0].group_fraction) <= 44
    said = explain(steps, WIDE_RIDGE, DEVICE)
    assert not any(line.startswith("**Near the line**") for line in said), said
    near = explain(classify_all([at_share("separable", 0.49, spread=0.05),
                                 at_share("depthwise_pointwise", 0.47, spread=0.05)], WIDE_RIDGE), WIDE_RIDGE, DEVICE)
    line = next(line for line in near if line.startswith("**Near the line**"))
    assert "of its roof, judged together" in line, line


def test_the_charts_hover_gives_the_share_a_steps_label_was_judged_on():
    """SeparableConv2D at 46 % of its roof, labelled with its twin at their pooled 44 %, hovered "below both roofs
    (46% of its roof)" beside the bullet's "44% of its roof, judged together"."""
    from dsconv.figures.speed import roofline_figure, short_name
    from dsconv.speed.roofline import roof_percent

    steps = classify_all([at_share("separable", 0.46, spread=0.05), at_share("depthwise_pointwise", 0.42, spread=0.05)],
                         WIDE_RIDGE)
    assert all(step.together for step in steps) and roof_percent(steps[0].fraction) != \
        roof_percent(steps[0].group_fraction)
    hovers = {trace.name: [list(row) for row in trace.customdata]
              for trace in roofline_figure(steps, WIDE_RIDGE, DEVICE, 1.0, 900).data if trace.customdata is not None}
    said = " ".join(explain(steps, WIDE_RIDGE, DEVICE))
    for step in steps:
        [row] = [rows[0] for name, rows in hovers.items() if name.startswith(short_name(step.timing.kind))]
        assert row[0] == step.label
        assert row[2] == f"{roof_percent(step.group_fraction)} of its roof, judged together"
        assert row[2] in said


def test_the_charts_hover_writes_a_tiny_layers_speeds_as_the_table_does():
    """A tiny layer's speed (here 16 multiply-adds, 32 FLOPs, in 1.223 ms: 0.000026 GFLOP/s) hovered as "0.0
    GFLOP/s" (a format of one decimal), while the table and the sentences wrote it with two significant digits."""
    from dsconv.figures.speed import roofline_figure
    from dsconv.safe_text import rate

    tiny = LayerSetup(batch=1, height=4, width=4, in_channels=1, out_channels=1, kernel_size=1)
    steps = classify_all([timing("standard", 1.223, setup=tiny)], ROOFS)
    [row] = [list(row) for trace in roofline_figure(steps, ROOFS, DEVICE).data if trace.customdata is not None
             for row in trace.customdata]
    gflops = 2 * 16 / 1.223e-3 / 1e9  # 16 multiply-adds: 2 FLOPs each
    assert steps[0].timing.gflops_per_s == pytest.approx(gflops)
    assert row[3] == rate(gflops, 1) == "0.000026"


def test_a_step_faster_than_the_measured_bandwidth_is_not_said_to_be_held_back_by_it():
    """A DepthwiseConv2D at 299% of its bandwidth roof (and 94 % of the compute peak) was "Memory-bound ... cutting
    multiply-adds would barely shorten it; moving fewer bytes would": a step moving 3x the measured bandwidth is not
    limited by it. Its tensors came from the caches, and the sentence says that the roofline cannot tell what limits
    it, with its share of the peak. A step under the roof beside it keeps the usual reading."""
    fast = classify(timing("depthwise", DEPTHWISE_BYTES / (40.0 * 1e6)), ROOFS)  # 40 GB/s against a roof of 20
    assert fast.regime == "memory"
    [sentence] = explain([fast], ROOFS, DEVICE)
    assert "cutting multiply-adds would barely shorten" not in sentence, sentence
    peak = f"{100 * fast.achieved_gflops / ROOFS.peak_gflops:.0f}%"
    assert (f"DepthwiseConv2D alone (forward: 40.0 GB/s, {peak} of the peak) ran faster than that bandwidth allows, "
            "counting each tensor once through memory: part of its traffic likely stayed in the processor's caches, "
            "faster than the memory the roof is measured on, so the roofline cannot tell whether the caches or the "
            "arithmetic limit it.") in sentence, sentence
    # at 105 % of the roof, within the spread of the copies the bandwidth is the best of: no such claim
    near = classify(timing("depthwise", DEPTHWISE_BYTES / (21.0 * 1e6)), ROOFS)
    assert "faster than that bandwidth" not in explain([near], ROOFS, DEVICE)[0]
    under = classify(Timing("depthwise", "forward_backward", DEFAULT, (DEPTHWISE_BYTES * 3 / 15e6,) * 5), ROOFS)
    assert under.regime == "memory"
    [both] = explain([fast, under], ROOFS, DEVICE)
    assert "ran faster than that bandwidth allows" in both
    assert ("For DepthwiseConv2D alone (forward + backward), cutting multiply-adds would barely shorten it; moving "
            "fewer bytes would.") in both, both


def test_a_step_quicker_than_the_smallest_call_is_said_to_be_all_fixed_cost():
    """A tiny Conv2D took 0.29 ms forward beside "the smallest possible call already takes 0.32 ms": no call can be
    quicker than that, and nothing said that the two differ only by the timings' noise."""
    quick = classify(timing("standard", 0.29, setup=SMALL), ROOFS)  # the forward floor is 0.30 ms
    assert quick.regime == "overhead"
    [sentence] = explain([quick], ROOFS, DEVICE)
    assert ("Standard Conv2D (forward: 0.29 ms) took no longer than the smallest possible call of its own pass: no "
            "call can be quicker, so the difference lies in the measurements, and the fixed cost of a call is all of "
            "its time.") in sentence, sentence
    two = classify(timing("depthwise", 0.25, setup=SMALL), ROOFS)
    [both] = explain([quick, two], ROOFS, DEVICE)
    assert ("Standard Conv2D (forward: 0.29 ms); DepthwiseConv2D alone (forward: 0.25 ms) each took no longer than the "
            "smallest possible call of its own pass: no call can be quicker, so the difference lies in the "
            "measurements, and the fixed cost of a call is all of their time.") in both, both
    slower = classify(timing("standard", 0.31, setup=SMALL), ROOFS)
    assert "took no longer than the smallest" not in explain([slower], ROOFS, DEVICE)[0]



def test_the_caption_and_the_sentences_say_a_step_beat_its_roof_alike():
    """The roofline's caption said "a point above a roof beat the measured roof: its data fit in the caches" of a
    memory-bound step at 105 % of the bandwidth, beside a sentence that held it bound by that bandwidth. Both now go by
    above_roof; and a share near 110 % reads on its own side of it (109.96 % and 110.04 % both read "110%", one beside
    the sentence and one without)."""
    from dsconv.speed.roofline import above_roof, roof_percent

    near = classify(timing("depthwise", DEPTHWISE_BYTES / (21.0 * 1e6)), ROOFS)  # 105 % of 20 GB/s
    far = classify(Timing("depthwise", "forward_backward", DEFAULT, (DEPTHWISE_BYTES * 3 / 25e6,) * 5), ROOFS)
    assert near.regime == far.regime == "memory"
    assert above_roof([near, far], ROOFS) == [far]
    said = explain([near, far], ROOFS, DEVICE)[0]
    assert "DepthwiseConv2D alone (forward + backward: 25.0 GB/s" in said.split("ran faster than that bandwidth")[0]
    assert [roof_percent(f, "memory") for f in (1.0996, 1.1004, 1.05)] == ["109.96%", "110.04%", "105%"]
    assert roof_percent(1.0196, "compute") == "101.96%" and roof_percent(1.5) == "150%"
