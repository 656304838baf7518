"""dsconv.training.replay and dsconv.figures.training: epoch series, summary rows and the animated figure, checked
against run files read independently with json (no TensorFlow anywhere here)."""

import json
import math
from pathlib import Path

import pytest

from dsconv.figures.training import live_figure, replay_figure
from dsconv.safe_text import plain
from dsconv.training import replay
from dsconv.training.runs import MAX_RUN_BYTES, RunFileError
from run_records import arch, record_dict

STANDARD = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, 0.60, 9.5), (0.6, 0.85, 1.2, 0.60, 9.0)]
SEPARABLE = [(1.7, 0.30, 1.5, 0.35, 4.0), (1.2, 0.55, 1.2, 0.52, 4.5)]


@pytest.fixture
def runs_dir(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "b_run.json").write_text(json.dumps(record_dict(
        [arch("standard", STANDARD, test_accuracy=0.58), arch("separable", SEPARABLE, status="stopped")],
        status="stopped")))
    (folder / "tutorial_published.json").write_text(json.dumps(record_dict(
        [arch("standard", STANDARD)], kind="published", validation_on_test=True, title="Published")))
    (folder / "broken.json").write_text("{not json")
    return folder


def test_bundled_runs_are_listed_published_first_and_broken_files_reported(runs_dir):
    runs, problems = replay.load_bundled(runs_dir)
    assert [run.key for run in runs] == ["tutorial_published", "b_run"]
    assert len(problems) == 1 and problems[0].startswith("broken.json")


def test_epoch_series_and_gap_match_the_file(runs_dir):
    runs, _ = replay.load_bundled(runs_dir)
    run = runs[1]
    raw = json.loads((runs_dir / "b_run.json").read_text())["architectures"][0]["epochs"]
    series = replay.epoch_series(run, "standard")
    assert series.epochs == (1, 2, 3)
    assert series.loss == tuple(e["loss"] for e in raw)
    assert series.val_accuracy == tuple(e["val_accuracy"] for e in raw)
    for gap, entry in zip(series.gap, raw):
        assert gap == pytest.approx(entry["accuracy"] - entry["val_accuracy"])
    assert [s.label for s in replay.all_series(runs, ["separable"])] == ["Separable · A run"]


def test_summary_rows_match_an_independent_reading(runs_dir):
    runs, _ = replay.load_bundled(runs_dir)
    rows = replay.summary_rows(runs[1])
    raw = json.loads((runs_dir / "b_run.json").read_text())
    for row, part in zip(rows, raw["architectures"]):
        vals = [e["val_accuracy"] for e in part["epochs"]]
        assert row.best_val_accuracy == max(vals)
        assert row.best_epoch == vals.index(max(vals)) + 1  # first epoch reaching the best on ties
        assert row.total_seconds == pytest.approx(sum(e["seconds"] for e in part["epochs"]))
        assert row.params == part["params"] and row.multiply_adds == part["multiply_adds"]
        assert row.test_accuracy == part["test_accuracy"]
        assert row.epochs_done == len(part["epochs"]) and row.epochs_planned == raw["recipe"]["epochs"]
    assert rows[0].best_epoch == 2  # 0.60 at epochs 2 and 3: the first one counts
    text = replay.table_rows(rows)
    assert text[0]["Best val accuracy (epoch)"] == "0.6000 (2)" and text[0]["Test accuracy"] == "0.5800"
    assert text[1]["Test accuracy"] == "not recorded" and text[1]["Epochs"] == "2 of 3 (stopped)"
    assert text[0]["Total time"] == "28 s" and text[0]["Validated on"] == "held-out split"
    published = replay.table_rows(replay.summary_rows(runs[0]))[0]
    assert published["Validated on"] == "test set"


def test_a_runs_rows_and_curves_come_standard_first_and_small_counts_in_full():
    """A record lists its models in the order they trained: the summary showed the better recipe's separable model
    above its standard one, under a run that had them the other way round. A tiny model's 35,136 multiply-adds read
    "0.0 M"."""
    log = [(1.0, 0.5, 0.9, 0.55, 3.0)]
    data = record_dict([arch("mobilenet", log, macs=35_136), arch("separable", log), arch("standard", log)], epochs=1)
    run = replay.LoadedRun("x", "x", "upload", replay.read_upload("x.json", json.dumps(data).encode()))
    assert [row.architecture for row in replay.summary_rows(run)] == ["standard", "separable", "mobilenet"]
    assert [item.label.split(" · ")[0] for item in replay.all_series([run])] == ["Standard", "Separable", "MobileNet"]
    assert replay.table_rows(replay.summary_rows(run))[2]["Multiply-adds / image"] == "35,136"
    # Beside a model of millions, the column keeps one form: 152,764,416 in full, not "152.8 M" above "35,136"
    data = record_dict([arch("standard", log, macs=152_764_416), arch("mobilenet", log, macs=35_136)], epochs=1)
    run = replay.LoadedRun("x", "x", "upload", replay.read_upload("x.json", json.dumps(data).encode()))
    assert [row["Multiply-adds / image"] for row in replay.table_rows(replay.summary_rows(run))] == [
        "152,764,416", "35,136"]


def test_runs_without_validation_have_no_best_epoch():
    data = record_dict([arch("standard", [(1.0, 0.5, None, None, 3.0), (0.8, 0.6, None, None, 61.0)])], epochs=2)
    run = replay.LoadedRun("x", "x", "upload", replay.read_upload("x.json", json.dumps(data).encode()))
    row = replay.summary_rows(run)[0]
    assert row.best_val_accuracy is None and row.best_epoch is None
    assert replay.epoch_series(run, "standard").gap == (None, None)
    assert replay.table_rows([row])[0]["Total time"] == "1 min 04 s"


@pytest.mark.parametrize("content, phrase", [
    (b"\x89PNG\r\n", "not JSON"),
    (b'{"schema": "something-else"}', "not a dsconv run record"),
    (json.dumps(record_dict([arch("standard", [(1.0, 1.5, 1.0, 0.5, 1.0)])])).encode(), "between 0 and 1"),
    (b"[1, 2, 3]", "must be an object"),
])
def test_bad_uploads_raise_a_sentence_naming_the_file(content, phrase):
    with pytest.raises(RunFileError) as info:
        replay.read_upload("mine.json", content)
    assert plain("mine.json") in str(info.value) and phrase in str(info.value)  # the name shown literally


def test_oversized_uploads_are_refused_before_parsing():
    with pytest.raises(RunFileError, match="a run record is a few kB"):
        replay.read_upload("big.json", b" " * (MAX_RUN_BYTES + 1))
    # 2,040,000 bytes read "2.0 MB; a run record is a few kB (at most 2 MB)"
    assert MAX_RUN_BYTES == 2_000_000
    with pytest.raises(RunFileError, match=r"json is 2\.04 MB; a run record is a few kB \(at most 2 MB\)"):
        replay.read_upload("big.json", b" " * 2_040_000)


def test_replay_figure_has_one_frame_per_epoch_with_growing_traces(runs_dir):
    runs, _ = replay.load_bundled(runs_dir)
    series = replay.all_series(runs[1:])
    fig = replay_figure(series)
    assert [frame.name for frame in fig.frames] == ["1", "2", "3"]
    traces_per_series = 6  # accuracy, val accuracy, loss, val loss, seconds, gap
    assert len(fig.data) == traces_per_series * len(series)
    for frame in fig.frames:
        epoch = int(frame.name)
        assert len(frame.data) == len(fig.data)
        standard_val_acc = frame.data[1]
        assert list(standard_val_acc.x) == list(range(1, epoch + 1))
        assert list(standard_val_acc.y) == [e[3] for e in STANDARD[:epoch]]
        separable_loss = frame.data[traces_per_series + 2]
        assert list(separable_loss.y) == [e[0] for e in SEPARABLE[:min(epoch, 2)]]
    assert fig.layout.sliders[0].active == 2
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ Play", "❚❚ Pause"]
    # Fixed axes hold every value, so the animation never rescales.
    losses = [e[i] for e in STANDARD + SEPARABLE for i in (0, 2)]
    low, high = fig.layout.yaxis2.range
    assert low <= min(losses) and high >= max(losses)
    gaps = [e[1] - e[3] for e in STANDARD + SEPARABLE]
    low, high = fig.layout.yaxis4.range
    assert low <= min(gaps) and high >= max(gaps)
    # The time's hover shows three digits and no trailing zero ('~'): a published run's whole 11 s read
    # "seconds 11.0000". Accuracies and losses keep four decimals.
    hovers = {trace.hovertemplate.split(": ", 1)[1].split(" %{y", 1)[0]: trace.hovertemplate for trace in fig.data}
    assert "%{y:.3~g} s<extra>" in hovers["time"] and "%{y:.4f}<extra>" in hovers["validation accuracy"]


def test_replay_figure_needs_a_series():
    with pytest.raises(ValueError, match="Pick at least one"):
        replay_figure([])


def test_live_figure_draws_every_architecture_on_shared_axes():
    curves = {name: {"x": [0.5, 1.0], "loss": [2.0, 1.5], "accuracy": [0.2, 0.4], "val_x": [1],
                     "val_loss": [1.6], "val_accuracy": [0.35]} for name in ("standard", "separable")}
    fig = live_figure(curves, epochs=3)
    assert len(fig.data) == 8  # 2 architectures x (loss, accuracy) x (training, validation)
    assert {trace.legendgroup for trace in fig.data} == {"standard", "separable"}
    assert tuple(fig.layout.xaxis.range) == (0, 3) and tuple(fig.layout.xaxis2.range) == (0, 3)
    assert not math.isnan(fig.layout.yaxis.range[1])


def test_the_bundled_folder_is_where_the_engine_writes():
    assert replay.BUNDLED_DIR == Path(replay.__file__).resolve().parents[1] / "assets" / "runs"


def test_seconds_switch_to_a_log_scale_when_devices_differ_twentyfold(runs_dir):
    runs, _ = replay.load_bundled(runs_dir)
    series = replay.all_series(runs[1:])
    assert replay_figure(series).layout.yaxis3.type != "log"  # 4-10 s: a linear axis
    slow = replay.EpochSeries("slow", "slow", "standard", (1, 2), (1.0, 0.9), (0.5, 0.6), (1.0, 0.9), (0.5, 0.6),
                              (600.0, 500.0), (0.0, 0.0))
    axis = replay_figure([*series, slow]).layout.yaxis3
    assert axis.type == "log"
    assert axis.range[0] <= math.log10(4.0) and axis.range[1] >= math.log10(600.0)
    # Labelled in full (200, not Plotly's "2" beside 100), every tick a 1-2-5 step.
    assert list(axis.ticktext) == [f"{v:g}" for v in axis.tickvals]
    assert "200" in axis.ticktext and "2" in axis.ticktext


def test_colour_is_the_architecture_and_dash_the_run(runs_dir):
    """Standard keeps one colour in every run (it was blue in one run and pink in another); runs differ by dash."""
    from dsconv.kinds import KINDS

    runs, _ = replay.load_bundled(runs_dir)
    fig = replay_figure(replay.all_series(runs)).to_dict()
    by_name = {}
    for trace in fig["data"]:
        by_name.setdefault(trace["name"], set()).add((trace["line"]["color"], trace["line"]["dash"]))
    standard_colours = {colour for name, looks in by_name.items() if name.startswith("Standard") for colour, _ in looks}
    assert standard_colours == {KINDS["standard"].colour}
    assert {colour for name, looks in by_name.items() if name.startswith("Separable")
            for colour, _ in looks} == {KINDS["separable"].colour}
    dashes = {name.split(" · ")[1]: {dash for _, dash in looks} for name, looks in by_name.items()}
    assert dashes == {"Published": {"solid"}, "A run": {"dash"}}  # the published run first, then b_run


def test_every_panel_keeps_its_axes_through_the_animation(runs_dir):
    """The axes hold every value of every run shown, and no frame changes them (a short run cannot rescale)."""
    runs, _ = replay.load_bundled(runs_dir)
    fig = replay_figure(replay.all_series(runs)).to_dict()
    assert all("layout" not in frame for frame in fig["frames"])
    accuracies = [v for item in replay.all_series(runs) for v in (*item.accuracy, *item.val_accuracy) if v is not None]
    low, high = fig["layout"]["yaxis"]["range"]
    assert low <= min(accuracies) and max(accuracies) <= high


def test_the_replay_benchmark_runs_and_refuses_bad_options(capsys):
    from dsconv.bench import replay as bench

    assert bench.main(["--epochs", "3", "120", "--repeats", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("machine: ") and lines[2].split()[:2] == ["3", "3"]
    assert lines[3].split()[:2] == ["120", "40"]  # 120 epochs, at most 50 frames: every 3rd epoch, 40 frames
    with pytest.raises(SystemExit):
        bench.main(["--epochs", "501"])


def test_about_a_run_says_its_data_and_recipe_in_words():
    """'About these runs' quoted the record's keys: 'cifar10-local', 'multi gpu False', 'depthwise init per_channel'."""
    record = replay.load_bundled()[0]
    by_key = {run.key: run.record for run in record}
    first = replay.about_run(by_key["better_recipe"])[0]
    shown = first.replace("\\", "")  # the record's words are escaped Markdown
    assert ("Measured 2026-11-25. Data: CIFAR-10 on the server; 45,000 training images. Recipe: Adam, learning rate "
            "0.001, batch 128, 10 epochs, pixels scaled to 0-1, a per-channel depthwise initializer (glorot over each "
            "kernel's own k x k), sparse categorical cross-entropy loss.") in shown
    for raw_value in ("cifar10-local", "multi gpu", "per_channel", "sparse_categorical", "input scaling"):
        assert raw_value not in shown
    published = replay.about_run(by_key["tutorial_published"])[0].replace("\\", "")
    assert "Published 2022 (transcribed 2026-11-25). Data: CIFAR-10, downloaded; 50,000 training images." in published
    assert "raw 0-255 pixels" in published


def test_the_replay_fits_the_projector_window(runs_dir):
    """At scale 1.35 it was 918 px tall, in projector mode's 1280 x 800 window: never seen whole while it played."""
    series = replay.all_series(replay.load_bundled(runs_dir)[0])
    assert replay_figure(series, 1.35).layout.height <= 800 - 40
    assert replay_figure(series, 1.0).layout.height == 680  # the 1400 x 1000 window holds the whole figure as it was


def test_a_short_log_axis_keeps_only_the_ticks_that_stand_apart():
    """A replay kept within a 1024 x 768 window wrote 10, 20, 50, 100 and 200 on its 110 px seconds panel, each
    number over the next: there a decade is 73 px and an 18 px number needs 25 px. Powers of ten go first."""
    from dsconv.figures.training import spaced_ticks

    assert spaced_ticks([10, 20, 50, 100, 200], decade_px=73, min_px=25.5) == [10, 100]
    assert spaced_ticks([10, 20, 50, 100, 200], decade_px=200, min_px=25.5) == [10, 20, 50, 100, 200]
    assert spaced_ticks([2, 5, 10, 20, 50], decade_px=100, min_px=25.5) == [2, 5, 10, 20, 50]  # 0.3 decade: 30 px
    assert spaced_ticks([20, 50, 200], decade_px=40, min_px=25.5) == [20, 200]  # no power of ten among them


def test_the_kinds_no_chosen_run_trained_are_said_as_what_the_runs_hold():
    """It read "No chosen run trained Depthwise + 1x1 or MobileNet: nothing is drawn for them", first on the page as
    it opened with its default settings, as if something were broken."""
    runs, _ = replay.load_bundled()
    one = [run for run in runs if {part.name for part in run.record.architectures} == {"standard", "separable"}][:1]
    assert one, "a bundled run of the standard and separable models"
    assert replay.untrained_note(one, ["standard", "mobilenet"]) == (
        "The chosen run trained Standard and Separable, so MobileNet has no line here: launch a training below to "
        "see it.")
    assert replay.untrained_note(one, ["standard", "separable"]) is None


def loaded(data: dict, name: str = "run.json") -> replay.LoadedRun:
    return replay.LoadedRun(f"upload:{name}", name, "upload", replay.read_upload(name, json.dumps(data).encode()))


def test_a_model_that_finished_no_epoch_is_not_called_trained():
    """A run stopped in its second model's first epoch (the record is written before that epoch ends) read "The chosen
    run trained Standard and Separable", with no line for Separable and nothing said of it."""
    log = [(1.0, 0.5, 0.9, 0.55, 3.0)] * 3
    interrupted = loaded(record_dict([arch("standard", log), arch("separable", [], status="running")],
                                     status="running"))
    assert replay.untrained_note([interrupted], ["standard", "separable"]) == (
        "Separable finished no epoch in the chosen run, so it has no line here.")
    assert replay.untrained_note([interrupted], ["standard", "separable", "mobilenet"]) == (
        "Separable finished no epoch in the chosen run, so it has no line here. The chosen run trained Standard, so "
        "MobileNet has no line here: launch a training below to see it.")
    nothing = loaded(record_dict([arch("standard", [], status="stopped"), arch("separable", [], status="stopped")],
                                 status="stopped"))
    assert replay.untrained_note([nothing], ["standard", "separable", "depthwise_pointwise", "mobilenet"]) == (
        "Standard and Separable finished no epoch in the chosen run, so they have no line here. The chosen run holds "
        "no Depthwise + 1x1 or MobileNet model: launch a training below to see them.")
    assert replay.untrained_note([nothing, interrupted], ["separable"]) == (
        "Separable finished no epoch in any chosen run, so it has no line here.")


def test_short_totals_keep_the_figures_that_tell_them_apart():
    """Models whose epochs took 2 ms and 1 ms both read "0 s" in the Total time column, under a sentence that called
    one of them twice as fast per epoch; 3.4 s and 3.1 s both read "3 s". A model that finished no epoch has no
    total time."""
    def total(*seconds: float) -> str:
        part = arch("standard", [(1.0, 0.5, 0.9, 0.55, sec) for sec in seconds], status="complete")
        return replay.table_rows(replay.summary_rows(loaded(record_dict([part], epochs=max(1, len(seconds))))))[0][
            "Total time"]

    assert [total(0.002, 0.002, 0.002), total(0.001, 0.001, 0.001)] == ["6 ms", "3 ms"]
    assert [total(0.9994), total(0.9996), total(1.7, 1.7), total(1.55, 1.55)] == ["999 ms", "1.0 s", "3.4 s", "3.1 s"]
    assert [total(9.96), total(28.4), total(64.0)] == ["10 s", "28 s", "1 min 04 s"]
    assert total() == "—"


@pytest.mark.parametrize("seconds, shown", [
    ((13.6, 14.4), ["13.6 s", "14.4 s"]),  # both read "14 s"
    ((184.6, 185.4), ["3 min 04.6 s", "3 min 05.4 s"]),  # both read "3 min 05 s"
    ((3725.2, 3725.9), ["1 h 02 min 05 s", "1 h 02 min 06 s"]),  # both read "1 h 02 min"
    ((28.0, 28.0, 61.0), ["28 s", "28 s", "1 min 01 s"]),  # equal totals read alike, as before
    ((0.006, 0.003), ["6 ms", "3 ms"])])
def test_a_column_of_totals_never_reads_two_different_times_alike(seconds, shown):
    """Models of 13.6 s and 14.4 s both read "14 s" in the Total time column, beside a sentence that called one 1.06x
    faster per epoch. The column takes the digits that tell its totals apart."""
    parts = [arch(kind, [(1.0, 0.5, 0.9, 0.55, total)]) for kind, total in zip(("standard", "separable", "mobilenet"),
                                                                                seconds)]
    rows = replay.summary_rows(loaded(record_dict(parts, epochs=1)))
    assert [row["Total time"] for row in replay.table_rows(rows)] == shown


@pytest.mark.parametrize("accuracies", [((0.50, 0.60), (0.55, 0.70), (0.60, 0.85)),  # every gap negative
                                        ((0.5, 0.7), (0.5, 0.7), (0.5, 0.7))])  # three gaps of one value
def test_the_gap_panel_always_shows_its_zero_line(accuracies):
    """A run whose validation accuracy stayed above its training accuracy (a short launch on little data) drew its
    gap panel from -0.157 to -0.023: the zero line, the one that tells overfitting, lay above the panel. Gaps alike
    but for float noise made an axis about 1e-16 wide."""
    log = [(1.0, train, 0.9, val, 3.0) for train, val in accuracies]
    series = replay.all_series([loaded(record_dict([arch("standard", log)]))])
    figure = replay_figure(series, 1.0)
    gaps = [train - val for train, val in accuracies]
    low, high = figure.get_subplot(2, 2).yaxis.range
    assert low < min(gaps) and high > 0 >= max(gaps), (low, high, gaps)
    assert high - low >= 0.1  # a readable axis, not one of float noise


@pytest.mark.parametrize("width", [720.0, 1100.0])
def test_a_long_legend_makes_the_replay_taller_not_a_traceback(width):
    """Four uploaded runs with 300-character titles (the record's limit) raised "Vertical spacing must be between 0
    and 1" at 1280 px: the figure kept its window-high cap while the legend under the panels grew past it."""
    from dsconv.kinds import NETWORK_KINDS

    runs = []
    for i in range(12):
        record = replay.read_upload(f"r{i}.json", json.dumps(record_dict(
            [arch(kind, [(1.0, 0.5, 1.1, 0.4, 1.0)] * 3) for kind in NETWORK_KINDS],
            title=(f"run {i} " + "word " * 100)[:300])).encode())
        runs.append(replay.LoadedRun(f"upload:r{i}.json", replay.run_label(record, f"r{i}.json"), "upload", record))
    series = [item for item in replay.all_series(runs, list(NETWORK_KINDS)) if item.epochs]
    figure = replay_figure(series, 1.0, width_px=width)
    panels = [figure.layout[name].domain for name in ("yaxis", "yaxis3")]
    plot_px = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    assert min((high - low) * plot_px for low, high in panels) >= 99  # each panel still tall enough to read


@pytest.mark.parametrize("scale, width", [(1.0, None), (1.35, None), (1.35, 720.0), (1.0, 400.0)])
def test_the_replay_keeps_room_for_its_legend_under_the_panels(runs_dir, scale, width):
    """The bottom margin was 1 px: a loop over the panels reused its name for "is this the lowest panel" (True), and
    Plotly pushed the legend's room out of the panels after they were spaced."""
    series = replay.all_series(replay.load_bundled(runs_dir)[0])
    figure = replay_figure(series, scale, width_px=width)
    assert figure.layout.margin.b > 100 * scale  # the tick numbers, "epoch", the legend's title and its entries
    plot_px = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    lowest = min(figure.layout[name].domain[1] - figure.layout[name].domain[0]
                 for name in figure.layout if name.startswith("yaxis"))
    assert lowest * plot_px >= 99 * scale


def test_the_replays_controls_are_as_large_as_its_numbers_in_projector_mode(runs_dir):
    """In projector mode the epoch slider's numbers, its "epoch 10" and the Play and Pause buttons were 17 px (the
    figure's font, 13 px x 1.35 cut to a whole pixel), under the 18 px every other number there has."""
    series = replay.all_series(replay.load_bundled(runs_dir)[0])
    layout = replay_figure(series, 1.35).layout
    [slider], [buttons] = layout.sliders, layout.updatemenus
    assert slider.font.size >= 18 and slider.currentvalue.font.size >= 18 and buttons.font.size >= 18, (
        slider.font, slider.currentvalue.font, buttons.font)
    assert layout.xaxis.tickfont.size == slider.font.size  # the same size as the axes' numbers
