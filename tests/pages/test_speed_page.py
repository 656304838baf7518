"""The Speed lab page: recorded measurements on the first view (no TensorFlow), widgets, and a real Measure click."""

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page, shown_tables
from rendered import literal

PAGE = "pages/5_Speed_lab.py"


def table(at, index: int):
    """A table as the page shows it, with each column of numbers read back as numbers (an empty cell is NaN)."""
    import pandas as pd

    frame = shown_tables(at)[index]
    frame = frame.mask(frame == "")  # an empty cell is missing, in every column
    for column in frame.columns:
        cells = frame[column].str.replace(",", "")
        numbers = pd.to_numeric(cells, errors="coerce")
        if numbers.notna().sum() == cells.notna().sum() > 0:  # every filled cell is a number
            frame[column] = numbers
    return frame


def timings(at):
    """The first timing tables the page shows, one per pass under its pass's name, as one frame with a 'pass' column
    (forward rows first)."""
    import pandas as pd

    frames, pass_name = [], None
    for element in at.markdown:
        if element.value in ("**Forward pass**", "**Forward + backward pass**"):
            pass_name = element.value.strip("*").removesuffix(" pass").lower()
            if frames and pass_name == "forward":  # a second set of timings begins
                break
        elif pass_name and "median ms" in element.value:
            frame = table(Shown([element]), 0)
            frames.append(frame.assign(**{"pass": pass_name}))
            pass_name = None
    assert frames, "no timing table on the page"
    return pd.concat(frames, ignore_index=True)


class Shown:
    """Just enough of an AppTest for shown_tables: some of a page's Markdown elements."""

    def __init__(self, markdown):
        self.markdown = markdown


def fresh_page() -> AppTest:
    at = open_page(PAGE)
    assert not at.exception, at.exception
    return at


def test_first_view_shows_recorded_measurements_without_running_anything():
    at = fresh_page()
    subheaders = [s.value for s in at.subheader]
    assert any(s.startswith("Recorded earlier on") and "cores" in s for s in subheaders), subheaders
    assert not any(s.startswith("Measured here") for s in subheaders)
    # The recorded table of the default layer has the three kinds, both passes, and a median for each.
    recorded = timings(at)
    assert {"Standard Conv2D", "SeparableConv2D", "DepthwiseConv2D + 1x1 Conv2D"} <= set(recorded["layer"])
    assert set(recorded["pass"]) == {"forward", "forward + backward"}
    assert recorded["median ms"].notna().all()
    assert any("GPU: none recorded" in c.value for c in at.caption)
    # the command whole, in a block of its own (in the sentence a projector's line broke it after "python -")
    assert [c.value for c in at.code] == ["python -m dsconv.bench layers --out dsconv/assets/speed/gpu.json"]
    # "Why it matters" quotes the recorded speed-up of this very layer beside its multiply-add saving.
    standard = recorded[(recorded["layer"] == "Standard Conv2D") & (recorded["pass"] == "forward")]["median ms"].item()
    separable = recorded[(recorded["layer"] == "SeparableConv2D") & (recorded["pass"] == "forward")]["median ms"].item()
    sentence = next(m.value for m in at.markdown if "this layer's SeparableConv2D ran" in m.value)
    assert f"{standard / separable:.1f}x faster" in sentence and "7.9x fewer multiply-adds" in sentence
    # the device named as a sentence names it: "On the recorded AMD EPYC, 2 cores, this layer's ..." read as a list
    where = sentence.split(", this layer's")[0]
    assert ", " not in where and where.startswith("On the recorded ") and " with " in where, sentence


def test_the_recorded_tables_count_of_calls_is_said_beside_the_sliders():
    """The caption said "up to 10 timed calls" (the slider's default) over a recorded table whose rows all say n = 15:
    the recording's own count is now said with it."""
    import re

    at = fresh_page()
    calls = set(timings(at)["n"])
    said = [int(n) for c in at.caption for n in re.findall(r"Recorded .*? with up to (\d+) timed calls", c.value)]
    assert said and max(calls) <= said[0], (calls, said)
    assert at.slider(key="spd_repeats").value != said[0]  # the case the caption must not leave to the slider


def test_counting_table_follows_the_widgets():  # and the address, in a browser: tests/browser/test_links.py
    at = fresh_page()
    at.number_input(key="spd_cout").set_value(128).run()
    counts = table(at, 0).set_index("layer")
    # Conv2D, "same": 8 images x 32*32 positions x 3*3*64 weights x 128 filters
    assert counts.loc["Standard Conv2D", "multiply-adds (M)"] == pytest.approx(8 * 1024 * 9 * 64 * 128 / 1e6, abs=0.01)
    # SeparableConv2D: 3*3*64 + 64 + 64*128 + 128 params (Keras: no depthwise bias)
    assert counts.loc["SeparableConv2D", "params"] == 576 + 8192 + 128
    assert not at.exception


def test_a_one_by_one_kernel_says_its_times_fewer_below_one_means_more():
    """At k = 1 the counting table's "x fewer multiply-adds" read 0.98 for both separable kinds, with no word."""
    def said(at) -> str:
        return " ".join(literal(caption.value) for caption in at.caption)

    at = fresh_page()
    assert "means more, not fewer" not in said(at)  # 3 x 3: both do fewer
    at.select_slider(key="spd_k").set_value(1).run()
    counts = table(at, 0).set_index("layer")
    assert counts.loc["SeparableConv2D", "x fewer multiply-adds"] < 1
    assert "means more, not fewer" in said(at) and "1/N + 1/k² = 1/64 + 1/1 = 1.02" in said(at)


def test_a_layer_too_large_for_a_click_is_explained_and_not_measured():
    at = fresh_page()
    at.select_slider(key="spd_size").set_value(224)
    at.number_input(key="spd_batch").set_value(64).run()
    assert any("Lower the batch" in e.value for e in at.error)
    assert at.button(key="spd_measure").disabled
    # Counting still works: nothing is lost.
    assert len(table(at, 0)) == 3
    # The page told the student to "click Measure" beside the Measure button it had just disabled.
    said = [i.value for i in at.info] + [c.value for c in at.caption]
    assert not any("click Measure" in text or "Click Measure" in text for text in said), said
    assert any("too large to time here" in i.value for i in at.info)


def test_a_layer_too_large_for_a_click_with_a_recording_says_how_the_recording_was_made():
    """A 11 x 11 kernel: refused (4.06 billion multiply-adds), while the recording right below timed it in 69 ms; the
    refusal said the work 'did not fit in a click' and the recording's caption said to click Measure."""
    at = open_page(PAGE, {"spd_k": "11"})
    assert not at.exception
    assert at.button(key="spd_measure").disabled
    error = next(e.value for e in at.error if "billion multiply-adds" in e.value)
    assert "4.06 billion" in error and "on a small shared server, more would take a click past 10 s" in error
    recorded = [c.value for c in at.caption if c.value.startswith("Recorded ")]
    assert recorded and all("the `dsconv.bench layers` benchmark recorded these without that limit" in c
                            for c in recorded)
    assert not any("Click Measure" in c for c in recorded)


def test_a_link_with_settings_restores_them():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["spd_k"] = "5"
    at.query_params["spd_cin"] = "32"
    at.run()
    assert at.select_slider(key="spd_k").value == 5 and at.number_input(key="spd_cin").value == 32
    assert not at.exception


@pytest.mark.slow
@pytest.mark.parametrize("recorded", ["default", "tutorial_layers", "sweep_kernel_size"])
def test_every_recorded_set_shows_beside_the_default_layer_without_an_error(recorded):
    # "The default layer" draws the same timings that section 2 already shows: each chart needs its own key.
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["spd_recorded"] = recorded
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="spd_recorded").value == recorded
    if recorded == "tutorial_layers":  # the tutorial's six layers, each with its speed-up beside its saving
        layers = table(at, -1)
        assert len(layers) == 6 and layers["x faster"].notna().all() and (layers["x fewer multiply-adds"] > 1).all()
        # two separable columns, one "x faster": the caption says which it compares (24.84 / 9.48 = 2.62, not the
        # depthwise + 1x1 pair's)
        assert any("x faster: SeparableConv2D against Conv2D" in c.value for c in at.caption)
        first = layers.iloc[0]
        assert float(first["x faster"]) == pytest.approx(float(first["Conv2D ms"]) / float(first["SeparableConv2D ms"]),
                                                         abs=0.006)


def test_settings_left_on_an_earlier_visit_come_back():
    # Every setting's widget keeps its value while another page runs (persist_state="session").
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/5_Speed_lab.py").run()
    at.number_input(key="spd_cin").set_value(32).run()
    at.switch_page("pages/6_Quiz.py").run()
    at.switch_page("pages/5_Speed_lab.py").run()
    assert not at.exception, at.exception
    assert at.number_input(key="spd_cin").value == 32


def measured_tiny_layer() -> AppTest:
    """The page after Measure on a 4 x 4 x 2 -> 4 layer, batch 1, 3 repeats: a few seconds on any machine."""
    at = fresh_page()
    at.select_slider(key="spd_size").set_value(4)
    at.number_input(key="spd_cin").set_value(2)
    at.number_input(key="spd_cout").set_value(4)
    at.number_input(key="spd_batch").set_value(1)
    at.slider(key="spd_repeats").set_value(3).run()
    return at.button(key="spd_measure").click().run(timeout=180)


def test_measure_a_tiny_layer_shows_a_table():
    at = measured_tiny_layer()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Measured here") for s in at.subheader)
    measured = timings(at)
    assert list(measured["layer"]) == ["Standard Conv2D", "SeparableConv2D", "DepthwiseConv2D + 1x1 Conv2D"] * 2
    done = measured["n"] > 0
    # A heavily loaded test machine may run out of the 10 s cap: such a row must say so, never show a number.
    assert done.any()
    assert (measured.loc[done, "median ms"] > 0).all() and (measured.loc[done, "n"] >= 3).all()
    if not done.all():
        assert measured.loc[~done, "note"].str.contains("time cap").all()
        assert measured.loc[~done, "median ms"].isna().all()
        assert any("did not fit in the time cap" in w.value for w in at.warning)
    # The speed ratio sits beside the multiply-add ratio wherever both layers were timed.
    both = done & done.groupby(measured["pass"]).transform(lambda d: d.iloc[0])
    assert measured.loc[both, "x faster"].notna().all() and measured.loc[both, "x fewer multiply-adds"].notna().all()
    assert (measured.loc[both & (measured["layer"] == "Standard Conv2D"), "x faster"] == 1.0).all()


def test_recorded_layer_is_placed_on_the_roofline_and_the_prose_follows_the_table():
    import json

    from dsconv.speed.roofline import REGIME_LABELS

    at = fresh_page()
    recorded = timings(at)
    assert "limited by" in recorded.columns and recorded["limited by"].notna().all()
    said = "\n".join(m.value for m in at.markdown)
    # Recorded timings: a noisy row is blamed on a possibly busy machine with its recorded load, never on "this" one.
    assert not any("This server" in w.value for w in at.warning)
    assert all("load average" in w.value for w in at.warning if "may have been busy" in w.value)
    # Every regime in the table has its sentence, and each row's layer is named in its regime's sentence.
    for regime, label in REGIME_LABELS.items():
        rows = recorded[recorded["limited by"] == label]
        sentence = next((line for line in said.splitlines() if line.startswith(f"- **{label[0].upper()}{label[1:]}**")),
                        None)
        assert (sentence is not None) == (len(rows) > 0), (label, sentence)
    assert "The roofline." in said
    # The copy's array is 64 x 2**20 bytes; "a 64 MB array" beside a caption defining 1 MB as 1,000,000 bytes
    assert "copying a 67 MB array (64 MiB)" in said
    roofline = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "Roofline of" in c.proto.spec]
    assert len(roofline) == 1
    points = [trace for trace in roofline[0]["data"] if trace["mode"] == "markers+text"]
    assert sum(len(trace["x"]) for trace in points) == len(recorded)  # one point per timed step
    # Two points of different kinds that land within one marker of each other (SeparableConv2D and DepthwiseConv2D +
    # 1x1 here, the same work at the same speed) must both show: the one drawn first is larger, so it rings the other.
    import math

    seen = 0
    for first, second in ((a, b) for i, a in enumerate(points) for b in points[i + 1:]):
        for x1, y1 in zip(first["x"], first["y"]):
            for x2, y2 in zip(second["x"], second["y"]):
                if math.hypot(math.log10(x1 / x2), math.log10(y1 / y2)) < 0.05 and first["name"].split(",")[0] != \
                        second["name"].split(",")[0]:
                    seen += 1
                    assert first["marker"]["size"] >= second["marker"]["size"] + 6, (first["name"], second["name"])
    assert seen  # the recorded default layer has such a pair
    # No blanket claim: the page's own numbers decide.
    assert "why the depthwise step is memory-bound" not in json.dumps([c.proto.spec for c in at.get("plotly_chart")])
    assert "wait on memory" not in said
    # Params with thousands separators in the counting table.
    assert all("," in cell for cell in shown_tables(at)[0]["params"])


def made_up_report(regime_ms: dict, roofs, spread: float = 0.0):
    """A SpeedReport for the default layer with chosen medians (kind -> ms) and five samples each."""
    from dsconv.speed import LayerSetup, SpeedReport, Timing

    setup = LayerSetup()
    timings = [Timing(kind, "forward", setup, (ms - 2 * spread, ms - spread, ms, ms + spread, ms + 2 * spread))
               for kind, ms in regime_ms.items()]
    return SpeedReport(timings, "Test CPU, 2 cores", "tensorflow", 1.0, roofs=roofs)


def test_each_regime_gets_its_sentence_on_the_page():
    from dsconv.speed.roofline import Roofs

    # Peak 100 GFLOP/s, 20 GB/s; default layer: Conv2D 302 M multiply-adds forward, 604 MFLOP (6.04 ms at peak).
    # An empty call takes 2 ms on this made-up device.
    roofs = Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=2.0, call_backward_ms=2.5)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = made_up_report(
        {"standard": 7.0, "separable": 40.0, "depthwise_pointwise": 3.0, "depthwise": 0.25}, roofs)
    at.run()
    assert not at.exception, at.exception
    measured = timings(at).set_index("layer")["limited by"].to_dict()
    # Conv2D 86 GFLOP/s: compute; separable 1.9 GFLOP/s in 40 ms: below both; depthwise + 1x1 26 GFLOP/s in 3 ms,
    # two thirds of it the empty call's 2 ms: overhead;
    # the depthwise step: 4.2 MB in 0.25 ms = 16.8 GB/s of 20: memory.
    assert measured == {"Standard Conv2D": "compute-bound", "SeparableConv2D": "below both roofs",
                        "DepthwiseConv2D + 1x1 Conv2D": "overhead-bound", "DepthwiseConv2D alone": "memory-bound"}
    said = "\n".join(m.value for m in at.markdown)
    for start in ("- **Compute-bound**: Standard Conv2D", "- **Memory-bound**: DepthwiseConv2D",
                  "- **Overhead-bound**: DepthwiseConv2D + 1x1 Conv2D", "- **Below both roofs**: SeparableConv2D"):
        assert start in said, start
    assert "Measured on this server (Test CPU, 2 cores), forward pass: Standard Conv2D is compute-bound" in said


ABOVE_A_ROOF = "A point above a roof beat the measured roof"


@pytest.mark.parametrize("standard_ms, above", [(5.0, True), (6.0, False), (7.0, False)])
def test_a_point_above_its_roof_is_explained_only_when_one_is(standard_ms, above):
    """The roofline's caption explains a point above a roof (caches, a better-tuned kernel, Winograd) only when the
    page's own numbers put one there. Default layer, Conv2D forward: 8 x 32 x 32 x 64 x 64 x 9 = 301,989,888
    multiply-adds, 604 MFLOP; with a 100 GFLOP/s roof, 5 ms is 120.8 GFLOP/s (21 % above it), 6 ms 100.7 and 7 ms
    86.3 (on it within the 2 % the page allows, and under it)."""
    from dsconv.speed.roofline import Roofs

    roofs = Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=0.3, call_backward_ms=0.4)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = made_up_report({"standard": standard_ms}, roofs)
    at.run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption if "Circles: forward; diamonds: forward + backward." in c.value]
    assert len(captions) == 1
    assert (ABOVE_A_ROOF in captions[0]) is above, captions[0]


def test_a_noisy_measurement_is_flagged():
    from dsconv.speed.roofline import Roofs

    roofs = Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=0.3, call_backward_ms=0.4)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = made_up_report({"standard": 7.0, "separable": 2.0}, roofs, spread=0.4)
    at.run()
    assert not at.exception, at.exception
    # IQR 0.8 ms: 11 % of 7 ms (quiet), 40 % of 2 ms (busy)
    warning = next(w.value for w in at.warning if "may have been busy while measuring" in w.value)
    assert "SeparableConv2D, forward (IQR 0.80 ms on a median of 2.00 ms)" in warning and "Conv2D, forward" not in \
        warning.replace("SeparableConv2D, forward", "")


def test_a_class_opening_the_page_builds_its_figures_once(monkeypatch):
    """The recorded view's figures are shared per setting: a second student opening the page gets them without
    building any (they were a new session's largest CPU cost, about 0.2 s of its 0.35 s)."""
    import streamlit as st

    from dsconv import figures

    builds = []
    for name in ("intensity_figure", "work_and_time_figure", "ratio_figure", "roofline_figure", "sweep_figure"):
        real = getattr(figures, name)
        monkeypatch.setattr(figures, name, lambda *args, _real=real, **kwargs: builds.append(1) or _real(*args,
                                                                                                            **kwargs))
    st.cache_resource.clear()
    specs = []
    for _ in range(2):  # two students, one after the other, with the sweeps shown
        at = open_page(PAGE, spd_recorded="sweep_out_channels")
        assert not at.exception, at.exception
        specs.append([chart.proto.spec for chart in at.get("plotly_chart")])
        if len(specs) == 1:
            first_builds, builds[:] = len(builds), []
    assert first_builds >= 3 and not builds, (first_builds, len(builds))
    assert specs[0] == specs[1]  # the same figures, not merely as many


def test_after_a_measure_click_every_section_uses_the_roofs_just_measured(monkeypatch):
    """Section 1's ridge line and 'Why it matters' were drawn in the click's run with the recorded file's roofs,
    while section 2 showed the new ones: two ridge points, both called measured."""
    import json

    import dsconv.speed as speed
    from dsconv.speed.roofline import Roofs

    roofs = Roofs(peak_gflops=100.0, bandwidth_gbs=40.0, call_ms=0.5, call_backward_ms=0.6)  # ridge 2.5
    report = made_up_report({"standard": 7.0, "separable": 2.0}, None)
    report.device = "Unit-test CPU with a 2.5 ridge"  # a device no other test measured: its roofs are not cached
    monkeypatch.setattr(speed, "measure", lambda *args, **kwargs: report)
    monkeypatch.setattr(speed, "measure_roofs", lambda: roofs)
    at = fresh_page()
    at.button(key="spd_measure").click().run()
    assert not at.exception, at.exception
    said = "\n".join(m.value for m in at.markdown)
    assert "2.5 FLOPs per byte on the Unit-test CPU with a 2.5 ridge" in said
    assert "(here 0.50 ms forward" in said
    intensity = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == "spd_intensity_chart")
    assert [shape["y0"] for shape in intensity["layout"]["shapes"]] == [2.5]  # the ridge line
    assert "ridge point: 2.5 FLOPs per byte" in [trace.get("name") for trace in intensity["data"]]  # named below
    assert any("ridge point of the Unit-test CPU" in c.value for c in at.caption)
    # Then a layer too large to time: the warning under the old timings told the student to click the disabled button.
    at.select_slider(key="spd_k").set_value(11).run()
    assert at.button(key="spd_measure").disabled
    warning = next(w.value for w in at.warning if w.value.startswith("These timings are for the layer above"))
    assert "The new layer is too large to time here (above)." in warning and "Click Measure" not in warning


def test_a_measured_layers_work_per_byte_is_drawn_once():
    """After Measure, section 1 drew the layer's work per byte and section 2 drew the same panel again, with the
    achieved speed beside it. It is drawn once, in section 1, with the speed beside it; section 2 draws one only for
    an earlier layer than the one now chosen."""
    import json

    from dsconv.speed.roofline import Roofs

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = made_up_report({"standard": 7.0, "separable": 2.0},
                                                      Roofs(100.0, 40.0, 0.5, 0.6))
    at.run()
    assert not at.exception, at.exception

    def intensity_panels():
        charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        titles = [[a["text"] for a in chart["layout"].get("annotations", [])] for chart in charts]
        return [[t for t in chart if t.startswith(("Arithmetic intensity", "Achieved speed"))] for chart in titles]

    assert [panels for panels in intensity_panels() if panels] == [
        ["Arithmetic intensity: FLOPs per byte moved (log scale)", "Achieved speed, forward (GFLOP/s)"]]
    assert any("Right: the speed each layer reached when measured here" in c.value for c in at.caption)
    at.select_slider(key="spd_k").set_value(5).run()  # another layer: its counting above, the measured one's below
    assert not at.exception, at.exception
    assert [panels for panels in intensity_panels() if panels] == [
        ["Arithmetic intensity: FLOPs per byte moved (log scale)"],
        ["Arithmetic intensity: FLOPs per byte moved (log scale)", "Achieved speed, forward (GFLOP/s)"]]
    assert not any("Right: the speed each layer reached" in c.value for c in at.caption)


def test_one_output_channel_is_said_in_the_singular():
    at = open_page(PAGE, {"spd_cin": "1", "spd_cout": "1"})
    assert not at.exception
    layer = next(c.value for c in at.caption if c.value.startswith("Layer: "))
    assert "x 1 in, 1 channel out, 3x3 kernel" in layer


def test_the_default_layers_recording_is_not_shown_twice():
    """With the default layer chosen, section 2 shows its recorded timings, and section 4's "The default layer"
    showed them again, with the same warning about a noisy row twice."""
    from conftest import open_page

    at = open_page("pages/5_Speed_lab.py", spd_recorded="The default layer")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == len(set(warnings)), warnings
    assert any("its CPU timings are in section 2 above" in c.value for c in at.caption)
    at = open_page("pages/5_Speed_lab.py", spd_recorded="The default layer", spd_k="5")  # another layer: shown
    assert not any("section 2 above" in c.value for c in at.caption)
    assert any(t.key == "spd_rec_cpu_work" for t in at.get("plotly_chart"))
    # and named: after section 2's tables of the 5 x 5 layer, they read as its own (the default is 8 x 32 x 32 x 64
    # in, 64 channels out, 3 x 3: dsconv.speed.setup.LayerSetup's defaults)
    assert "Layer: 8 x 32 x 32 x 64 in, 64 channels out, 3x3 kernel, the layer this page opens with." in \
        [c.value for c in at.caption]
    from dsconv.speed.setup import LayerSetup
    from dsconv.speed.timings import read_measurements

    recorded = read_measurements(ROOT / "dsconv" / "assets" / "speed" / "cpu.json")["sets"]["default"]["timings"]
    assert {timing.setup for timing in recorded} == {LayerSetup()}  # the page's own default, as the caption says


def test_a_layer_too_large_in_projector_mode_says_where_the_batch_is():
    """The refusal says "Lower the batch, ...", and in projector mode the batch is in the hidden sidebar."""
    from conftest import open_page

    at = open_page("pages/5_Speed_lab.py", spd_size="224", spd_cin="512", spd_cout="512", present="1")
    assert not at.exception and at.error
    assert any("the batch is in the hidden sidebar" in c.value for c in at.caption)
    at = open_page("pages/5_Speed_lab.py", spd_size="224", spd_cin="512", spd_cout="512")
    assert at.error and not any("hidden sidebar" in c.value for c in at.caption)


@pytest.mark.parametrize("parameter, said", [("kernel_size", "with the kernel size set to each of 1, 3, 5, 7, 9, 11,"),
                                             ("out_channels", "with the output channels set to each of 8, 16, 32, "
                                                              "64, 128, 256,")])
def test_the_sweep_says_what_it_varies_in_a_sentence_that_agrees_with_it(parameter, said):
    """With the kernel size varied the page read "while the kernel size step through 1, 3, 5, ...": the sentence was
    written for the plural "output channels"."""
    at = open_page(PAGE, spd_sweep=parameter)
    assert not at.exception
    text = " ".join(str(element.value) for element in at.markdown)
    assert said in text and "step through" not in text


@pytest.mark.parametrize("call_s, every_one", [(0.5, False), (3.0, True)])
def test_timings_the_time_cap_left_out_are_named_in_a_warning(monkeypatch, call_s, every_one):
    """A busy server runs out of the 10 s cap: the steps it could not start or fit get a note instead of a time,
    and a warning names each of them and says what to change. The page's steps run on a clock of their own, on
    which each call of a layer takes `call_s` (the real call runs too): the cap runs out after some steps (0.5 s a
    call: 4 of 6 left out) or before any finishes (3 s), on any machine."""
    import importlib

    measuring = importlib.import_module("dsconv.speed.measure")  # the module (dsconv.speed.measure is its function)
    now = [0.0]

    def slow(*args):
        step = measuring.make_step(*args)

        def call():
            now[0] += call_s
            return step()
        return call

    original = measuring.time_steps
    monkeypatch.setattr(measuring, "time_steps", lambda tasks, settings, progress=None: original(
        tasks, settings, progress, make=slow, clock=lambda: now[0]))
    at = measured_tiny_layer()
    assert not at.exception, at.exception
    measured = timings(at)
    left_out = measured[measured["n"] == 0]
    assert len(left_out) == (6 if every_one else 4), measured
    assert left_out["median ms"].isna().all() and left_out["note"].str.contains("time cap").all()
    warning = next(w.value for w in at.warning if "did not fit in the time cap" in w.value)
    assert warning.startswith(f"{len(left_out)} of 6 timings did not fit in the time cap (")
    for _, row in left_out.iterrows():  # each named with its pass and why
        assert f"{row['layer']}, {row['pass']}: {row['note']}" in warning
    assert "Make the layer smaller (batch, size, channels) or time fewer kinds" in warning


def test_a_sweep_whose_every_value_was_left_out_says_so():
    """224 px, 1 -> 1 channels, an 11 x 11 kernel, batch 83, output channels swept: every value was over a limit and
    left out, and the page's `timings[0]` raised IndexError on every run (the sections after it never drawn)."""
    from dsconv.speed import SpeedReport

    notes = ["output channels 16 left out: over the limit", "output channels 64 left out: over the limit"]
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["sweep_report"] = ("out_channels", SpeedReport([], "Test CPU, 2 cores", "tensorflow", 0.1, notes))
    at.run()
    assert not at.exception, at.exception
    said = " ".join(literal(w.value) for w in at.warning)
    assert "Every value of the sweep was left out" in said, said
    assert all(note in " ".join(literal(c.value) for c in at.caption) for note in notes)
    assert "Why it matters" in " ".join(h.value for h in at.header)


def test_a_timing_the_backend_could_not_run_is_said_apart_from_the_time_cap():
    """A step TensorFlow's CPU library could not build was a traceback; skipped now, it is not said to have missed
    the time cap."""
    from dsconv.speed import BACKEND_FAILED, LayerSetup, SpeedReport, Timing
    from dsconv.speed.roofline import Roofs

    setup = LayerSetup()
    timings = [Timing("standard", "forward", setup, (7.0, 7.0, 7.0)),
               Timing("separable", "forward", setup, skipped=f"{BACKEND_FAILED} (could not create a primitive)")]
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = SpeedReport(timings, "Test CPU, 2 cores", "tensorflow", 1.0,
                                                   roofs=Roofs(peak_gflops=100.0, bandwidth_gbs=20.0, call_ms=2.0,
                                                               call_backward_ms=2.5))
    at.run()
    assert not at.exception, at.exception
    said = " ".join(literal(w.value) for w in at.warning)
    assert "The backend could not run 1 of 2 timings on this machine: SeparableConv2D, forward" in said, said
    assert "could not create a primitive" in said and "time cap" not in said, said


def test_floors_measured_the_wrong_way_round_are_not_shown_as_two_floors(monkeypatch):
    """The page said "The smallest possible layer call takes 0.57 ms forward and 0.39 ms forward + backward": a call
    that does more, quicker. Roofs measured (on a fake clock) that way round are one floor within noise, with a word."""
    from fake_roofs import SettlingDevice, measured_roofs

    from dsconv.speed.roofline import Roofs

    measured = measured_roofs(monkeypatch, SettlingDevice(forward_s=0.57e-3, backward_s=0.39e-3))
    roofs = Roofs(100.0, 20.0, measured.call_ms, measured.call_backward_ms)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = made_up_report({"standard": 7.0, "separable": 2.0}, roofs)
    at.run()
    assert not at.exception, at.exception
    said = "\n".join(m.value for m in at.markdown)
    assert "0.57 ms forward" not in said and "0.39 ms forward + backward" not in said
    roofline = next(line for line in said.splitlines() if line.startswith("**The roofline.**"))
    assert ("The smallest possible layer call takes about 0.48 ms forward or forward + backward. Measured, the "
            "smallest forward call took 0.57 ms and the smallest forward + backward call 0.39 ms") in roofline, roofline
    assert "within noise of each other" in roofline
    assert "(here about 0.48 ms forward or forward + backward, measured within noise of each other" in said


def test_the_same_layer_within_noise_reads_one_label_in_the_table_and_the_prose():
    """SeparableConv2D at 48 % of its roof read "below both roofs" beside DepthwiseConv2D + 1x1 at 51 %, "memory-bound":
    the same convolution, samples that overlap. The table and the sentences give both one label."""
    from dsconv.speed import LayerSetup, Timing
    from dsconv.speed.roofline import Roofs

    roofs = Roofs(peak_gflops=400.0, bandwidth_gbs=20.0, call_ms=0.01, call_backward_ms=0.02)  # ridge 20 FLOPs/byte
    moved = {kind: Timing(kind, "forward", LayerSetup(), (1.0,)).bytes_moved for kind in ("separable",
                                                                                         "depthwise_pointwise")}
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["speed_report"] = made_up_report(
        {kind: moved[kind] / (share * 20.0 * 1e6) for kind, share in (("separable", 0.48),
                                                                      ("depthwise_pointwise", 0.51))}, roofs,
        spread=0.05)
    at.run()
    assert not at.exception, at.exception
    labels = timings(at).set_index("layer")["limited by"].to_dict()
    assert len(set(labels.values())) == 1, labels
    [label] = set(labels.values())
    said = "\n".join(m.value for m in at.markdown)
    assert (f"overlap: they get one label, {label}, from all their samples together") in said
    assert f"forward pass: SeparableConv2D and DepthwiseConv2D + 1x1 Conv2D are {label}." in said


def _sweep_of(setup, parameter: str = "out_channels", pass_name: str = "forward"):
    """A sweep of `parameter` on `setup`, as the page keeps it (three kinds, six samples each)."""
    from dataclasses import replace

    from dsconv.speed import SWEEP_VALUES, SpeedReport, Timing

    timings = [Timing(kind, pass_name, replace(setup, **{parameter: value}), (1.0, 1.1, 1.2, 1.0, 1.1, 1.2))
               for value in SWEEP_VALUES[parameter] for kind in ("standard", "depthwise", "separable")]
    return parameter, SpeedReport(timings, "Test CPU, 2 cores", "tensorflow", 0.1, [])


@pytest.mark.parametrize("query, stale", [({}, False), ({"spd_cin": "512"}, True), ({"spd_sweep": "kernel_size"}, True),
                                          ({"spd_sweep_pass": "forward_backward"}, True)])
def test_a_sweep_names_its_layer_and_says_when_it_is_not_the_sidebars(query, stale):
    """A sweep run on 64 input channels stayed under the page once the sidebar set 512, beneath "everything else as
    configured", with nothing naming the layer it timed (section 2 says so of its own timings)."""
    from dsconv.speed import LayerSetup

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["sweep_report"] = _sweep_of(LayerSetup())
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    captions = [literal(c.value) for c in at.caption]
    # it read "8 channels out, 3x3 kernel, its output channels varied": the first value swept, as the layer's own
    assert "Swept layer: 8 x 32 x 32 x 64 in, 8, 16, 32, 64, 128 or 256 channels out, 3x3 kernel; forward." \
        in captions, captions
    warned = any("This sweep was run on the layer and pass named above" in w.value for w in at.warning)
    assert warned == stale


def test_a_kernel_size_sweep_names_the_sizes_it_timed_not_its_first():
    """A sweep of the kernel size on a 3 x 3 layer read "Swept layer: ..., 1x1 kernel, its kernel size varied"."""
    from dsconv.speed import LayerSetup

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["sweep_report"] = _sweep_of(LayerSetup(), "kernel_size")
    at.query_params.update({"spd_sweep": "kernel_size"})
    at.run()
    assert not at.exception, at.exception
    captions = [literal(c.value) for c in at.caption]
    assert "Swept layer: 8 x 32 x 32 x 64 in, 64 channels out, a k x k kernel, k = 1, 3, 5, 7, 9 or 11; forward." \
        in captions, captions
