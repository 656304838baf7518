"""The Speed lab's counting table and its lookup of recorded measurements (dsconv.speed.tables)."""

from __future__ import annotations

import pytest

from dsconv.safe_text import markdown_table
from dsconv.speed import LayerSetup, Timing
from dsconv.speed.tables import counting_rows, recorded_for
from rendered import literal


def test_counting_rows_follow_the_formulas_of_a_same_padded_layer():
    setup = LayerSetup(height=16, width=12, in_channels=8, out_channels=32, kernel_size=5, batch=4)
    rows = {row["layer"]: row for row in counting_rows(setup)}
    positions = 4 * 16 * 12  # "same", stride 1: every input position, for each of the 4 images
    standard = positions * 5 * 5 * 8 * 32
    separable = positions * (5 * 5 * 8 + 8 * 32)
    # 350,208 multiply-adds, the fewest: in thousands, with three digits before the point (0.35 in millions)
    assert rows["Standard Conv2D"]["multiply-adds (k)"] == round(standard / 1e3, 2)
    assert rows["SeparableConv2D"]["multiply-adds (k)"] == round(separable / 1e3, 2)
    assert rows["DepthwiseConv2D + 1x1 Conv2D"]["multiply-adds (k)"] == round(separable / 1e3, 2)
    assert rows["SeparableConv2D"]["x fewer multiply-adds"] == round(standard / separable, 2)
    assert rows["Standard Conv2D"]["x fewer multiply-adds"] == 1.0
    assert rows["Standard Conv2D"]["params"] == 5 * 5 * 8 * 32 + 32
    assert rows["SeparableConv2D"]["params"] == 5 * 5 * 8 + 8 * 32 + 32  # no depthwise bias (Keras)
    assert rows["DepthwiseConv2D + 1x1 Conv2D"]["params"] == 5 * 5 * 8 + 8 + 8 * 32 + 32
    # Standard: read the input, the weights and write the output once, float32.
    moved = 4 * (4 * 16 * 12 * 8 + (5 * 5 * 8 * 32 + 32) + 4 * 16 * 12 * 32)
    assert rows["Standard Conv2D"]["kB moved"] == round(moved / 1e3, 2)  # 87,168 bytes: 0.09 in MB
    assert rows["Standard Conv2D"]["FLOPs per byte"] == pytest.approx(2 * standard / moved, abs=0.05)


@pytest.mark.parametrize("kernel, outputs, times, rule, fewer", [
    (1, 64, "1.02", "1.02", "0.98"), (3, 1, "1.11", "1.11", "0.90"), (1, 1, "2.00", "2.00", "0.50"),
    (1, 256, "1.004", "1.004", "0.996"), (1, 1024, "1.001", "1.001", "0.999"),
    (3, 64, None, None, "7.89"), (3, 2, None, None, "1.64")])
def test_a_ratio_below_one_in_the_times_fewer_column_is_said_to_mean_more(kernel, outputs, times, rule, fewer):
    """With a 1 x 1 kernel SeparableConv2D read "0.98" under "x fewer multiply-adds", unexplained. Where a separable
    kind does more work than Conv2D, a sentence says how much more, with the counts (computed here by hand), and that
    MobileNet's 1/N + 1/k² is above 1; where both do less, nothing is said. With 256 outputs the column and the
    sentence read "1.00" (1.004 times the work): a ratio that is not 1 keeps the digits that show it."""
    from dsconv.speed.tables import more_work_note

    setup = LayerSetup(height=8, width=8, in_channels=16, out_channels=outputs, kernel_size=kernel, batch=2)
    note = more_work_note(setup)
    rows = {row["layer"]: row for row in counting_rows(setup)}
    assert (note is None) == (times is None) == (rows["SeparableConv2D"]["x fewer multiply-adds"] >= 1)
    cell = rows["SeparableConv2D"]["x fewer multiply-adds"]
    assert f"{cell:.{cell.places}f}" == fewer
    if note:
        positions = 2 * 8 * 8
        standard, separable = positions * kernel**2 * 16 * outputs, positions * (kernel**2 * 16 + 16 * outputs)
        assert (f"SeparableConv2D and DepthwiseConv2D + 1x1 Conv2D do {times}x Conv2D's ({separable:,} against "
                f"{standard:,})") in note
        assert f"1/N + 1/k² = 1/{outputs} + 1/{kernel**2} = {rule}, is above 1" in note


def test_a_tiny_layers_counts_are_never_written_as_nothing():
    """A 4 x 4 x 1 picture, one output channel, an 11 x 11 kernel: the table read 0.00 million multiply-adds and
    0.00 MB moved for each kind, and the paragraph "(0.00 MB each, 0.00 MB together)"."""
    from dsconv.costs.intensity import compare_traffic
    from dsconv.speed.text import traffic_paragraph

    setup = LayerSetup(batch=1, height=4, width=4, in_channels=1, out_channels=1, kernel_size=11)
    rows = {row["layer"]: row for row in counting_rows(setup)}
    assert rows["Standard Conv2D"]["multiply-adds (k)"] == 1.94  # 4 x 4 x 11 x 11 = 1,936
    assert rows["SeparableConv2D"]["multiply-adds (k)"] == 1.95  # 4 x 4 x (11 x 11 + 1) = 1,952
    moved = 4 * (4 * 4 + (11 * 11 + 1) + 4 * 4)  # input, weights and bias, output: 616 bytes
    assert rows["Standard Conv2D"]["bytes moved"] == moved
    said = traffic_paragraph(compare_traffic(("standard", "separable"), **vars(setup)), 11)
    assert "(64 bytes each, 128 bytes together)" in said  # 4 x 4 floats a tensor
    # and the work bars beside the timings: "0.0 M multiply-adds" in their hover, 0.002 on an axis of millions
    from dsconv.figures.speed import work_and_time_figure

    figure = work_and_time_figure([Timing("standard", "forward", setup, (0.3,) * 3),
                                   Timing("separable", "forward", setup, (0.4,) * 3)])
    work = figure.data[0]
    assert list(work.y) == [1.936, 1.952] and "%{y:,.2f} k multiply-adds" in work.hovertemplate
    assert figure.layout.yaxis.title.text == "thousand multiply-adds"
    assert "Work (thousand multiply-adds, whole batch)" in [note.text for note in figure.layout.annotations]


def test_the_counting_table_keeps_its_decimal_places_whatever_the_layer():
    """"FLOPs per byte" read 139.1 and 9.1 for one layer (its values rounded to a single place) and 9.13 for another:
    each column now shows the same places for every layer."""
    for setup in (LayerSetup(), LayerSetup(height=16, width=12, in_channels=8, out_channels=32, kernel_size=5),
                  LayerSetup(in_channels=3, out_channels=1, kernel_size=1)):
        table = markdown_table(counting_rows(setup))
        for line in table.splitlines()[2:]:
            cells = [literal(cell).strip().replace("\u00a0", " ") for cell in line.strip("|").split("|")]
            assert [len(cell.partition(".")[2]) for cell in cells[2:]] == [2, 2, 2, 1], cells


def timing(setup, kind="standard", median=1.0):
    return Timing(kind=kind, pass_name="forward", setup=setup, samples_ms=(median,))


def test_recorded_for_takes_each_devices_first_set_that_measured_exactly_this_layer():
    wanted, other = LayerSetup(), LayerSetup(out_channels=128)
    recorded = {
        "cpu": {"sets": {"default": {"timings": [timing(other)]},
                         "sweep": {"timings": [timing(wanted, median=2.0), timing(other)]},
                         "again": {"timings": [timing(wanted, median=3.0)]}}},
        "gpu": {"sets": {"default": {"timings": [timing(other)]}}},
    }
    found = recorded_for(recorded, wanted)
    assert list(found) == ["cpu"]
    assert [t.median_ms for t in found["cpu"]] == [2.0]
    assert recorded_for(recorded, LayerSetup(kernel_size=7)) == {}
