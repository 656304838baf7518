"""In projector mode a chart's words are at least as large as the page's: the back row reads both.

The page's text there is Streamlit's 0.875 rem of a 21 px root, 18.4 px. A chart's text that a figure does not size
itself is sized by Streamlit's Plotly theme, which draws legends at 0.75 rem (15.75 px on a projector); make_subplots
writes panels' titles at 16 px whatever the scale. The Speed lab's and the Training arena's legends, panel titles and
roofline names stood at 15.75-16 px there (measured in Chromium at 1280 x 800).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsconv.figures.style import TICK_PX

SCALE = 1.35  # dsconv_ui.common.figure_scale() in projector mode
PAGE_TEXT_PX = 0.875 * 21  # Streamlit's text size over the projector's 21 px root (dsconv_ui.common's style)
SMALLEST_PX = 18.0  # the axes' numbers: 13.5 px x 1.35 = 18.2; no chart word smaller than about the page's text
ROOT = Path(__file__).resolve().parents[2]


def speed_figures():
    from dsconv.figures.speed import intensity_figure, roofline_figure, sweep_figure, work_and_time_figure
    from dsconv.speed import classify_all, layer_traffic, read_measurements, recorded_roofs

    data = read_measurements(ROOT / "dsconv" / "assets" / "speed" / "cpu.json")
    sets, roofs = data["sets"], recorded_roofs(data["meta"])
    default = sets["default"]["timings"]
    setup = default[0].setup
    return {"work and time": work_and_time_figure(default, SCALE),
            "sweep": sweep_figure(sets["sweep_out_channels"]["timings"], "out_channels", "forward", SCALE),
            "intensity": intensity_figure(layer_traffic(setup), default, SCALE, roofs),
            "roofline": roofline_figure(classify_all(default, roofs), roofs, "the recorded CPU", SCALE)}


def training_figures():
    from dsconv.figures.training import live_figure, replay_figure
    from dsconv.training import replay

    runs, _ = replay.load_bundled()
    curve = dict(x=[0.5, 1.0, 1.5, 2.0], loss=[2.0, 1.6, 1.4, 1.2], accuracy=[0.3, 0.4, 0.5, 0.55], val_x=[1, 2],
                 val_loss=[1.5, 1.3], val_accuracy=[0.45, 0.52])
    return {"replay": replay_figure(replay.all_series(runs), SCALE),
            "live": live_figure({"standard": curve, "separable": curve}, 3, SCALE)}


def words(figure) -> list[tuple[str, str, float | None]]:
    """(what, its text, its size as the figure sets it: None where the theme's is drawn) for every legend entry,
    annotation and text trace's words. A trace's text falls back on the layout's font, a legend's does not."""
    layout = figure.layout
    found = [("legend", trace.name, layout.legend.font.size) for trace in figure.data
             if trace.name and trace.showlegend is not False]
    if layout.legend.title.text:
        found.append(("legend title", layout.legend.title.text, layout.legend.title.font.size))
    found += [("annotation", note.text, note.font.size or layout.font.size) for note in layout.annotations]
    found += [("text trace", str(list(trace.text)[:2]), trace.textfont.size or layout.font.size)
              for trace in figure.data if getattr(trace, "text", None) is not None and trace.type != "heatmap"
              and any(str(text) for text in trace.text)]
    return found


@pytest.mark.parametrize("name, figure", [*speed_figures().items(), *training_figures().items()])
def test_a_projector_charts_words_are_as_large_as_the_pages(name, figure):
    assert round(TICK_PX * SCALE, 1) >= SMALLEST_PX and PAGE_TEXT_PX - SMALLEST_PX < 0.5
    small = [(what, text[:40], size) for what, text, size in words(figure) if size is None or size < SMALLEST_PX]
    assert not small, f"{name}: {small}"
