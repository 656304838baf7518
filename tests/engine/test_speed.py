"""dsconv.speed.measure: the layers match Keras's counts, the steps produce the right shapes, the cap holds.

No timing value is ever asserted (the machine is shared): only that timings exist, are positive and
are summarised correctly.
"""

import json
import math

import numpy as np
import pytest

from conftest import ROOT
from dsconv.speed import (
    PASSES,
    TIMED_KINDS,
    LayerSetup,
    Limits,
    SpeedConfigError,
    Timing,
    TimingSettings,
    measure,
    read_measurements,
    sweep_setups,
    time_steps,
)
from dsconv.speed.measure import BACKEND_FAILED
from dsconv.speed.steps import build_layers, make_step
from speed_reference import same_inputs, tf_reference

TINY = LayerSetup(height=6, width=5, in_channels=3, out_channels=4, kernel_size=3, batch=2)


@pytest.mark.slow
@pytest.mark.parametrize("kind", TIMED_KINDS)
@pytest.mark.parametrize("setup", [TINY, LayerSetup(), LayerSetup(height=9, width=7, in_channels=5, out_channels=7,
                                                                   kernel_size=5, batch=1)])
def test_param_counts_match_keras(kind, setup):
    layers = build_layers(kind, setup)
    assert sum(layer.count_params() for layer in layers) == setup.cost(kind).params


@pytest.mark.slow
@pytest.mark.parametrize("kind", TIMED_KINDS)
def test_steps_give_the_right_shapes(kind):
    forward = make_step(kind, "forward", TINY)()
    out_channels = TINY.in_channels if kind == "depthwise" else TINY.out_channels
    assert tuple(forward.shape) == (2, 6, 5, out_channels)
    gradients = make_step(kind, "forward_backward", TINY)()
    weights = [tuple(v.shape) for layer in build_layers(kind, TINY) for v in layer.trainable_variables]
    assert [tuple(g.shape) for g in gradients] == [TINY.input_shape()] + weights


@pytest.mark.slow
@pytest.mark.parametrize("kind", TIMED_KINDS)
def test_steps_compute_what_tf_nn_computes(kind):
    # Reference: tf.nn ops with the same weights, and their gradients by a separate tape (tests/speed_reference.py).
    setup = LayerSetup(height=5, width=6, in_channels=2, out_channels=3, kernel_size=3, batch=2)
    forward, backward = make_step(kind, "forward", setup, seed=7), make_step(kind, "forward_backward", setup, seed=7)
    x, upstream = same_inputs(setup, kind, seed=7)
    _, reference = tf_reference(kind, [v.numpy() for layer in backward.layers for v in layer.trainable_variables],
                                x, upstream)
    # The forward step has its own freshly initialised layers: rebuild its output from their weights.
    expected, _ = tf_reference(kind, [v.numpy() for layer in forward.layers for v in layer.trainable_variables],
                               x, upstream)
    np.testing.assert_allclose(forward().numpy(), expected, rtol=1e-4, atol=1e-5)
    for got, want in zip(backward(), reference, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-4)


@pytest.mark.slow
def test_measure_tiny_layer_gives_positive_timings():
    report = measure(TINY, kinds=TIMED_KINDS, settings=TimingSettings(warmup=1, repeats=4, time_cap_s=300))
    assert len(report.timings) == len(TIMED_KINDS) * len(PASSES)
    assert report.backend == "tensorflow" and report.device
    for timing in report.timings:
        assert timing.measured, timing.skipped
        assert len(timing.samples_ms) == 4
        assert all(sample > 0 for sample in timing.samples_ms)
        assert min(timing.samples_ms) <= timing.median_ms <= max(timing.samples_ms)
        assert timing.iqr_ms >= 0 and timing.gflops_per_s > 0


class FakeDevice:
    """A clock that only moves when a fake step runs: each call of a kind costs a fixed number of seconds."""

    def __init__(self, seconds_per_call):
        self.now = 0.0
        self.seconds_per_call = seconds_per_call
        self.calls = []

    def clock(self):
        return self.now

    def make(self, kind, pass_name, setup):
        def step():
            self.calls.append(kind)
            self.now += self.seconds_per_call[kind]
        return step


def test_time_cap_is_honoured():
    device = FakeDevice({"standard": 1.0, "separable": 0.1, "depthwise_pointwise": 0.1})
    tasks = [(kind, "forward", TINY) for kind in ("standard", "separable", "depthwise_pointwise")]
    settings = TimingSettings(warmup=2, repeats=10, min_repeats=3, time_cap_s=8.0)
    seen = []
    timings = time_steps(tasks, settings, progress=lambda fraction, text: seen.append(fraction),
                         make=device.make, clock=device.clock)
    assert device.now <= settings.time_cap_s
    assert seen[0] == 0 and seen[-1] == 1.0 and seen == sorted(seen)
    # After 2.4 s of warm-up, rounds of 1.2 s (one call of each) fill the 5.6 s left: 4 rounds, all kinds alike.
    assert [len(t.samples_ms) for t in timings] == [4, 4, 4]
    assert timings[0].samples_ms == (1000.0,) * 4
    assert device.calls[-3:] == ["standard", "separable", "depthwise_pointwise"]  # interleaved rounds


def test_each_setup_of_a_sweep_gets_a_share():
    device = FakeDevice({"standard": 0.5, "separable": 0.1})
    wide = TINY.replace(out_channels=8)
    tasks = [(kind, "forward", setup) for setup in (TINY, wide) for kind in ("standard", "separable")]
    settings = TimingSettings(warmup=1, repeats=30, min_repeats=3, time_cap_s=10.0)
    timings = time_steps(tasks, settings, make=device.make, clock=device.clock)
    assert device.now <= settings.time_cap_s
    assert [t.setup for t in timings] == [TINY, TINY, wide, wide]
    first, second = len(timings[0].samples_ms), len(timings[2].samples_ms)
    assert 3 <= first < 30 and 3 <= second < 30  # neither setup took the whole cap


def test_step_that_cannot_fit_is_skipped_not_started():
    device = FakeDevice({"standard": 4.0, "separable": 0.1})
    tasks = [("separable", "forward", TINY), ("standard", "forward", TINY)]
    timings = time_steps(tasks, TimingSettings(warmup=1, time_cap_s=5.0), make=device.make, clock=device.clock)
    assert not timings[1].measured and "do not fit" in timings[1].skipped
    assert device.calls.count("standard") == 1  # the warm-up only
    assert timings[0].measured and len(timings[0].samples_ms) >= 3
    assert device.now <= 5.0


@pytest.mark.parametrize("fails_at", ["make", "warm-up", "a timed call"])
def test_a_step_the_backend_cannot_run_is_skipped_with_its_words(fails_at):
    """1 -> 1 channels with a 1 x 1 kernel: TensorFlow's CPU library raised AbortedError ("could not create a
    primitive descriptor for the reorder primitive") on SeparableConv2D forward + backward, and the Speed lab showed a
    traceback. That step is skipped with the backend's words; the others are timed."""
    device = FakeDevice({"standard": 0.1, "separable": 0.1})

    def make(kind, pass_name, setup):
        if kind == "separable" and fails_at == "make":
            raise RuntimeError("could not create a primitive descriptor for the reorder primitive")
        step = device.make(kind, pass_name, setup)
        calls = []

        def failing():  # from its first call, or (a timed call) from its second: after the warm-up
            calls.append(1)
            if fails_at != "a timed call" or len(calls) > 1:
                raise RuntimeError("Graph execution error: could not create a primitive descriptor")
            return step()
        return failing if kind == "separable" else step

    tasks = [("separable", "forward_backward", TINY), ("standard", "forward_backward", TINY)]
    timings = time_steps(tasks, TimingSettings(warmup=1, time_cap_s=5.0), make=make, clock=device.clock)
    assert not timings[0].measured and timings[0].skipped.startswith(BACKEND_FAILED), timings[0].skipped
    assert "could not create a primitive descriptor" in timings[0].skipped
    assert timings[1].measured and len(timings[1].samples_ms) >= 3


def test_a_slow_machine_still_measures_the_first_setups_of_a_sweep():
    # Each setup's share (1 s of 4) is too short for its preparation (0.6 s) plus 3 calls (0.9 s): the first
    # setups borrow from the later ones instead of all coming back empty, and the cap still holds.
    device = FakeDevice({"standard": 0.3})
    setups = [TINY.replace(out_channels=n) for n in (4, 8, 16, 32)]
    timings = time_steps([("standard", "forward", s) for s in setups], TimingSettings(warmup=2, time_cap_s=4.0),
                         make=device.make, clock=device.clock)
    assert [len(t.samples_ms) for t in timings] == [3, 3, 0, 0]
    assert "do not fit" in timings[2].skipped and "time cap reached" in timings[3].skipped
    assert device.now <= 4.0


def test_a_step_is_not_started_when_its_preparation_cannot_fit():
    device = FakeDevice({"standard": 1.5, "separable": 1.5})
    tasks = [("standard", "forward", TINY), ("separable", "forward", TINY)]
    timings = time_steps(tasks, TimingSettings(warmup=2, time_cap_s=5.0), make=device.make, clock=device.clock)
    # Preparing the first took 3 s; 2 s are left, less than any preparation so far: the second is not started.
    assert "time cap reached" in timings[1].skipped and "separable" not in device.calls
    assert device.now <= 5.0


def test_later_steps_are_skipped_once_the_cap_is_spent():
    device = FakeDevice({"standard": 2.0, "separable": 1.0})
    tasks = [("standard", "forward", TINY), ("separable", "forward", TINY)]
    timings = time_steps(tasks, TimingSettings(warmup=3, time_cap_s=1.0), make=device.make, clock=device.clock)
    assert "time cap reached" in timings[1].skipped
    assert "separable" not in device.calls


def test_quartiles_match_numpy():
    samples = (5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 7.0)
    timing = Timing("standard", "forward", TINY, samples)
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    assert timing.quartiles_ms() == pytest.approx((q1, median, q3))
    assert timing.iqr_ms == pytest.approx(q3 - q1)


def test_work_and_speed_arithmetic():
    setup = LayerSetup(height=4, width=4, in_channels=2, out_channels=3, kernel_size=3, batch=5)
    # standard, "same": 16 positions x 3*3*2*3 weights = 864 MACs per image, x 5 images
    forward = Timing("standard", "forward", setup, (2.0,))
    assert forward.multiply_adds == 4320
    assert forward.gflops_per_s == pytest.approx(2 * 4320 / 2e-3 / 1e9)
    assert Timing("standard", "forward_backward", setup, (2.0,)).multiply_adds == 3 * 4320


def test_round_trip_through_json():
    timing = Timing("separable", "forward_backward", TINY, (1.5, 2.25), "")
    assert Timing.from_dict(json.loads(json.dumps(timing.to_dict()))) == timing


@pytest.mark.parametrize("changes, words", [
    ({"batch": 0}, "batch must be a whole number from 1"),
    ({"kernel_size": 12}, "kernel size must be a whole number from 1 to 11"),
    ({"height": 256, "width": 256, "batch": 128}, "Lower the batch"),
    ({"in_channels": 512, "out_channels": 512, "batch": 4}, "billion multiply-adds"),
])
def test_too_large_or_bad_layers_are_explained(changes, words):
    with pytest.raises(SpeedConfigError, match=words):
        LayerSetup().replace(**changes).validate()


def test_a_layer_just_over_the_limit_reads_over_it():
    """8 x 8 pictures, 115 to 1,020 channels, a 5 x 5 kernel, batch 16: 3,002,880,000 multiply-adds, refused as
    "3.00 billion multiply-adds, above the 3 billion this page times"."""
    setup = LayerSetup().replace(height=8, width=8, in_channels=115, out_channels=1020, kernel_size=5, batch=16)
    assert 16 * 8 * 8 * 5 * 5 * 115 * 1020 == 3_002_880_000 and Limits().max_multiply_adds == 3_000_000_000
    with pytest.raises(SpeedConfigError, match=r"would take 3\.003 billion multiply-adds, above the 3 billion"):
        setup.validate()


def test_sweep_leaves_out_values_over_the_limit():
    setups, notes = sweep_setups(LayerSetup(batch=8), "kernel_size", limits=Limits())
    assert [s.kernel_size for s in setups] == [1, 3, 5, 7, 9]
    assert len(notes) == 1 and notes[0].startswith("kernel size 11 left out")
    with pytest.raises(SpeedConfigError, match="output channels or kernel size"):
        sweep_setups(LayerSetup(), "batch")


def test_bundled_cpu_measurements_are_complete():
    data = read_measurements(ROOT / "dsconv" / "assets" / "speed" / "cpu.json")
    meta = data["meta"]
    assert "cores" in meta["device"] and meta["backend"] == "tensorflow"
    assert "shared" in meta["note"]
    default = data["sets"]["default"]["timings"]
    assert {(t.kind, t.pass_name) for t in default} >= {(k, p) for k in TIMED_KINDS[:3] for p in PASSES}
    assert all(t.setup == LayerSetup() and t.measured and min(t.samples_ms) > 0 for t in default)
    for name in ("sweep_out_channels", "sweep_kernel_size", "tutorial_layers"):
        assert data["sets"][name]["timings"], name


def test_figures_build_from_recorded_timings():
    from dsconv.costs.intensity import compare_traffic
    from dsconv.figures.speed import (
        intensity_figure,
        ratio_figure,
        sweep_figure,
        timing_table,
        tutorial_table,
        work_and_time_figure,
    )

    data = read_measurements(ROOT / "dsconv" / "assets" / "speed" / "cpu.json")["sets"]
    default = data["default"]["timings"]
    assert len(work_and_time_figure(default).data) == 4  # work and time, for each pass
    side, stacked = work_and_time_figure(default).layout, work_and_time_figure(default, 1.3).layout
    assert side.xaxis.domain[1] < side.xaxis2.domain[0]  # beside each other
    assert stacked.yaxis.domain[0] > stacked.yaxis2.domain[1]  # projector: work above time, each full width
    assert stacked.xaxis.domain[1] - stacked.xaxis.domain[0] > 0.95
    ratios = ratio_figure(default).data
    assert [len(trace.y) for trace in ratios] == [4, 4]  # 2 separable kinds x 2 passes
    standard = next(t for t in default if t.kind == "standard" and t.pass_name == "forward")
    separable = next(t for t in default if t.kind == "separable" and t.pass_name == "forward")
    assert ratios[1].y[0] == pytest.approx(standard.median_ms / separable.median_ms)
    assert ratios[0].y[0] == pytest.approx(standard.multiply_adds / separable.multiply_adds)
    assert list(ratios[0].text) == [f"{y:.1f}x" for y in ratios[0].y]  # 7.9x: one decimal where it tells them apart
    # k = 1: SeparableConv2D does 1.02x more multiply-adds; its bar read "1.0x", as if even (the table says 0.98)
    from dsconv.speed.setup import LayerSetup

    flat = [Timing(kind, "forward", LayerSetup(kernel_size=1), (ms,) * 3)
            for kind, ms in (("standard", 1.0), ("separable", 1.2), ("depthwise_pointwise", 1.2))]
    assert ratio_figure(flat).data[0].text[0] == "0.98x" and ratio_figure(flat).data[1].text[0] == "0.8x"
    # 256 outputs: SeparableConv2D does 1 + 1/256 = 1.0039 times the work; the table's "x fewer" read 1.00
    wide = [Timing(kind, "forward", LayerSetup(kernel_size=1, out_channels=256), (ms,) * 3)
            for kind, ms in (("standard", 1.0), ("separable", 1.2), ("depthwise_pointwise", 1.2))]
    cells = [row["x fewer multiply-adds"] for row in timing_table(wide, "forward")]
    assert [f"{cell:.{cell.places}f}" for cell in cells] == ["1.00", "0.996", "0.996"]
    rows = timing_table(default, "forward")
    assert rows[0]["x faster"] == 1.0 and rows[0]["GFLOP/s"] == pytest.approx(standard.gflops_per_s, abs=0.05)
    sweep = sweep_figure(data["sweep_out_channels"]["timings"], "out_channels", "forward")
    assert sorted(sweep.data[0].x) == [8, 16, 32, 64, 128, 256]
    # the two blues, SeparableConv2D and Depthwise + 1x1, differ by their markers' shape too, in both panels
    shapes = {(trace.legendgroup, trace.marker.symbol) for trace in sweep.data if trace.legendgroup}
    assert {symbol for group, symbol in shapes if group == "separable"} != {
        symbol for group, symbol in shapes if group == "depthwise_pointwise"}
    assert len({group for group, _ in shapes}) == len(shapes)  # one shape a kind
    traffic = compare_traffic(batch=8, height=32, width=32, in_channels=64, out_channels=64, kernel_size=3)
    bars = intensity_figure(traffic, default).data
    assert list(bars[0].y) == pytest.approx([traffic["standard"].flops_per_byte, traffic["separable"].flops_per_byte,
                                             traffic["depthwise_pointwise"].flops_per_byte,
                                             traffic["separable"].stages[0].flops_per_byte,
                                             traffic["separable"].stages[1].flops_per_byte])
    table, summary = tutorial_table(data["tutorial_layers"]["timings"], data["tutorial_layers"]["layer_names"])
    assert [row["layer"] for row in table] == [f"block{b}_conv{c}" for b in (1, 2, 3) for c in (1, 2)]
    assert "Conv2D" in summary and "8.35x fewer" in summary
    assert "8.37x fewer multiply-adds" in summary  # by hand: 152,764,416 / 18,254,848 = 8.368


@pytest.mark.parametrize("ridge, inside", [(13.9, {"Separable-<br>Conv2D", "Depthwise<br>+ 1x1"}),
                                          (7.1, set())])
def test_a_bars_number_that_the_ridge_line_would_cross_is_written_inside_the_bar(ridge, inside):
    """A measured ridge of 13.9 FLOPs per byte ran its dashed line through the "9.1" over the separable bars. Such a
    number goes inside its bar's top; every number left over a bar has the line clear of it."""
    from dsconv.figures.speed import intensity_figure
    from dsconv.speed import layer_traffic
    from dsconv.speed.roofline import Roofs

    roofs = Roofs(peak_gflops=ridge * 20.0, bandwidth_gbs=20.0, call_ms=0.01, call_backward_ms=0.03)
    figure = intensity_figure(layer_traffic(LayerSetup()), scale=1.0, roofs=roofs)
    bars = figure.data[0]
    positions = dict(zip(bars.x, bars.textposition))
    assert {name for name, where in positions.items() if where == "inside"} == inside, positions
    low, high = figure.layout.yaxis.range
    plot_px = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    text_px = figure.layout.font.size * 1.2 + 3  # a line of the number and Plotly's gap over the bar
    for name, value, where in zip(bars.x, bars.y, bars.textposition):
        above = (math.log10(ridge) - math.log10(value)) / (high - low) * plot_px  # the line over the bar's top, px
        if where == "outside":
            assert not 0 <= above <= text_px, (name, value, above)


def test_the_sweeps_hover_words_each_ratio_as_the_sentences_do():
    """The recorded kernel-size sweep at k = 1: SeparableConv2D does 1 + 1/N times Conv2D's multiply-adds (more), and
    its dashed line hovered "1.0x fewer multiply-adds"; a speed ratio of 0.83 hovered "0.8x faster"."""
    from dsconv.figures.speed import sweep_figure

    timings = read_measurements(ROOT / "dsconv" / "assets" / "speed" / "cpu.json")["sets"]["sweep_kernel_size"][
        "timings"]
    forward = [t for t in timings if t.pass_name == "forward"]
    fig = sweep_figure(forward, "kernel_size", "forward")
    work = next(trace for trace in fig.data if trace.name == "times fewer multiply-adds (SeparableConv2D)")
    at_one = list(work.x).index(1)
    out_channels = next(t.setup.out_channels for t in forward if t.setup.kernel_size == 1)
    # k = 1: Conv2D does C·N multiply-adds a position, SeparableConv2D C + C·N (no bias in the count)
    assert work.y[at_one] == pytest.approx(out_channels / (out_channels + 1), rel=1e-3)
    assert work.customdata[at_one].endswith("x more") and not work.customdata[at_one].startswith("1.0x")
    for trace in fig.data:
        if trace.customdata is not None and trace.name != work.name:  # the speed ratios, one trace a kind
            for ratio, words in zip(trace.y, trace.customdata):
                assert words.endswith("faster") == (ratio >= 1), (ratio, words)


def test_a_layer_whose_weights_alone_would_fill_a_small_server_is_refused():
    """4 x 4 pictures, 1024 -> 1024 channels, an 11 x 11 kernel, batch 1: the activations and the multiply-adds were
    within the limits, but Conv2D's kernel alone is 127 million weights (484 MiB): one click took the server to 3.7 GB,
    past what Streamlit Community Cloud gives a whole app. The weights have a cap too, said in a sentence."""
    setup = LayerSetup(height=4, width=4, in_channels=1024, out_channels=1024, kernel_size=11, batch=1)
    with pytest.raises(SpeedConfigError, match=r"Conv2D's kernel would hold 126,877,696 weights \(484 MiB\), above "
                                               r"the 4,194,304"):
        setup.validate()
    LayerSetup(height=32, width=32, in_channels=128, out_channels=128, kernel_size=3, batch=8).validate()  # tutorial
    LayerSetup(kernel_size=7).validate()  # the default layer with a 7 x 7 kernel


def test_the_sweep_chart_itself_shows_the_values_not_timed():
    """A sweep's skipped values (over the time cap, or left out over a limit) were named only in captions under the
    chart, whose lines ran straight across the gap. The chart's title names them and a dotted line marks each place."""
    from dataclasses import replace

    from dsconv.figures.speed import sweep_figure

    recorded = read_measurements(ROOT / "dsconv" / "assets" / "speed" / "cpu.json")["sets"]["sweep_out_channels"]
    values = sorted({t.setup.out_channels for t in recorded["timings"]})
    capped = values[-2]  # the time cap left the separable layer out at one value
    timings = [replace(t, samples_ms=(), skipped="time cap reached before it started")
               if t.setup.out_channels == capped and t.kind == "separable" else t for t in recorded["timings"]]
    fig = sweep_figure(timings, "out_channels", "forward")
    # the other kinds were timed there: the title names the one that was not ("not timed at 256" stood over them)
    assert fig.layout.title.text.replace("<br>", " ").endswith(f"forward: SeparableConv2D not timed at {capped} "
                                                               "(dotted)"), fig.layout.title.text
    [dotted] = [trace for trace in fig.data if trace.line.dash == "dot"]
    assert {x for x in dotted.x if x is not None} == {capped} and dotted.name.startswith("not timed")
    assert capped in fig.layout.xaxis.tickvals
    # values left out before timing (over a limit) are not among the timings: the page names them
    kept = [t for t in recorded["timings"] if t.setup.out_channels != values[-1]]
    fig = sweep_figure(kept, "out_channels", "forward", left_out=(values[-1],))
    assert f"not timed at {values[-1]} (dotted)" in fig.layout.title.text.replace("<br>", " ")
    [dotted] = [trace for trace in fig.data if trace.line.dash == "dot"]
    assert {x for x in dotted.x if x is not None} == {values[-1]} and values[-1] in fig.layout.xaxis.tickvals
    # nothing skipped: no line, the plain title
    fig = sweep_figure(recorded["timings"], "out_channels", "forward")
    assert "not timed" not in fig.layout.title.text and not any(trace.line.dash == "dot" for trace in fig.data)
