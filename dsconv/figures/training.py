"""Plotly figures of training: an animated epoch-by-epoch replay, and live curves during a launch.

The replay is one figure with four panels (accuracy, loss, seconds per epoch, generalisation gap) and
one Plotly frame per epoch, so play, pause and the slider run in the browser without a rerun.
Colour is the architecture (the app's one colour per kind), the line's dash is the run; training values are
thin lines with open circles, validation values thick lines with filled ones.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from dsconv.figures.plotting import go, make_subplots
from dsconv.figures.style import (
    FONT_FAMILY,
    GRID_COLOUR,
    LINE_HEIGHT,
    SUBPLOT_TITLE_PX,
    TICK_PX,
    fit_lines,
    legend_height,
    log_ticks,
    page_width_px,
    readable,
    screen_height_px,
    text_em,
)
from dsconv.kinds import KINDS, word
from dsconv.safe_text import plotly_text
from dsconv.training.replay import EpochSeries

MAX_FRAMES = 50  # animation frames per replay, however many epochs the runs have
FRAME_POINT_BUDGET = 60_000  # points in all frames together: the figure's size stays linear in the epochs
LEGEND_SAMPLE_PX = 60  # a legend entry's line sample and the gaps around it
LEGEND_GAP_PX = 78  # the legend's top below the lower panels: under their tick labels and "epoch" titles
MAX_MARKED_EPOCHS = 60  # beyond this, a circle per epoch hides the lines
PANELS = ("Accuracy", "Loss", "Seconds per epoch", "Generalisation gap (train − validation accuracy)")
SHORT_GAP_TITLE = "Gap: train − validation accuracy"  # where the long title is wider than its panel
BUTTON_PAD_PX = 20  # each of Plotly's buttons: its text and this on either side together, times the scale (measured 17)
PANEL_FIELDS = (("accuracy", 1, 1, False), ("val_accuracy", 1, 1, True), ("loss", 1, 2, False),
                ("val_loss", 1, 2, True), ("seconds", 2, 1, True), ("gap", 2, 2, True))  # field, row, col, thick
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")  # one per run, in the order shown
OTHER_COLOUR = "#374151"  # an architecture the app has no colour for


def colour(architecture: str) -> str:
    """An architecture's colour: the same as its kind's on every page (dsconv.kinds)."""
    return KINDS[architecture].colour if architecture in KINDS else OTHER_COLOUR


def run_dashes(series: Sequence[EpochSeries]) -> dict[str, str]:
    """The line dash of each run, by run key, in the order the runs appear (cycles after six)."""
    keys = list(dict.fromkeys(item.run_key for item in series))
    return {key: DASHES[index % len(DASHES)] for index, key in enumerate(keys)}


def _upto(values: Sequence, epochs: Sequence[int], last: int) -> tuple[list, list]:
    """Epoch numbers and values up to and including epoch `last` (rounded to the 4 decimals the hover shows)."""
    keep = [i for i, epoch in enumerate(epochs) if epoch <= last]
    return [epochs[i] for i in keep], [None if values[i] is None else round(values[i], 4) for i in keep]


def frame_epochs(series: Sequence[EpochSeries]) -> list[int]:
    """The epochs that get an animation frame: every epoch, or every n-th and the last when there are many.

    Each frame holds every point up to its epoch, so a frame per epoch would make the figure grow with the
    square of the epochs (400 epochs made 20 MB here). At most MAX_FRAMES frames, fewer when the runs together
    have so many points that the frames would pass FRAME_POINT_BUDGET: the figure grows linearly.
    """
    last = max((max(item.epochs, default=0) for item in series), default=0)
    points = sum(len(item.epochs) for item in series) * len(PANEL_FIELDS)  # a trace per panel field
    affordable = max(2, FRAME_POINT_BUDGET * 2 // max(points, 1))  # a frame holds half the points on average
    count = min(last, MAX_FRAMES, affordable)
    if count >= last:
        return list(range(1, last + 1))
    stride = math.ceil(last / count)
    return sorted({*range(stride, last + 1, stride), last})


def frames_note(series: Sequence[EpochSeries]) -> str | None:
    """A sentence when the animation steps over epochs (None when every epoch has its frame)."""
    epochs = frame_epochs(series)
    if not epochs or epochs == list(range(1, epochs[-1] + 1)):
        return None
    stride = epochs[1] - epochs[0] if len(epochs) > 1 else epochs[0]
    return (f"These runs have {epochs[-1]:,} epochs, so the animation moves {stride} epochs per step "
            f"({len(epochs)} steps); every epoch is drawn, and the last step shows them all.")


def _range(values: list[float | None], floor: float | None = None, pad: float = 0.06) -> list[float]:
    """An axis range that holds every value with a margin (fixed, so the animation never rescales), and `floor`
    too: where every gap was negative, the gap panel's zero line, the one that tells overfitting, lay above it."""
    present = [v for v in values if v is not None]
    if not present:
        return [0.0, 1.0]
    lowest, high = min(present), max(present)
    low = lowest if floor is None else min(floor, lowest)
    high = high if floor is None else max(floor, high)
    span = high - low
    if span <= 1e-9 * max(1.0, abs(high), abs(low)):  # values alike but for float noise: an axis 1e-16 wide
        span = 1.0
    bottom = floor if floor is not None and lowest >= floor else low - pad * span
    return [bottom, high + pad * span]


def _trace_specs(series: Sequence[EpochSeries]) -> list[tuple[EpochSeries, str, int, int, bool]]:
    """(series, field, row, col, is_validation) for every trace, in drawing order."""
    return [(item, *panel) for item in series for panel in PANEL_FIELDS]


def _trace(item: EpochSeries, field: str, validation: bool, last: int, scale: float, dash: str,
           markers: bool, legend_name: str) -> go.Scatter:
    x, y = _upto(getattr(item, field), item.epochs, last)
    first_shown = field == ("val_accuracy" if item.has_validation else "accuracy")
    label = plotly_text(item.label)
    kind = {"accuracy": "training accuracy", "val_accuracy": "validation accuracy", "loss": "training loss",
            "val_loss": "validation loss", "seconds": "time", "gap": "train − validation accuracy"}[field]
    return go.Scatter(
        x=x, y=y, mode="lines+markers" if markers else "lines", name=legend_name, legendgroup=label,
        showlegend=first_shown,
        line=dict(color=colour(item.architecture), width=(2.8 if validation else 1.3) * scale, dash=dash),
        marker=dict(size=(7 if validation else 6) * scale, symbol="circle" if validation else "circle-open"),
        opacity=1.0 if validation else 0.75,
        # Seconds with three digits, and no zero a record did not have (a published run's whole 11 s hovered as
        # "11.0000"; a tenth at most read a 0.04 s epoch as "0"); accuracies and losses with four decimals.
        hovertemplate=f"{label}<br>epoch %{{x}}: {kind} %{{y:{'.3~g' if field == 'seconds' else '.4f'}}}"
                      f"{' s' if field == 'seconds' else ''}<extra></extra>")


def replay_layout(scale: float, width_px: float | None = None) -> dict[str, float]:
    """Where the replay figure's parts go, in Plotly's fractions of its panels' area, for a figure shown `width_px`
    wide (default: page_width_px): the gap between the two columns of panels, wide enough for the right panels' tick
    labels, and where the epoch slider starts, right of the Play and Pause buttons (at 1024 x 768, with fixed
    fractions, the Pause button covered the slider's first ticks), or under them, across the panels, where fewer than
    MIN_SLIDER_PX are left beside them (a phone's: 58 px for ten epochs at 390 px, and less than none at 280 px)."""
    width = width_px or page_width_px(scale)
    panels_px = width - 80 * scale - 20  # the margins: the left axes' titles and tick labels (99 px measured at 1.35)
    buttons_px = sum(text_em(label) * TICK_PX * scale + BUTTON_PAD_PX * scale for label in (PLAY_LABEL, PAUSE_LABEL))
    gap_px = max(0.08 * panels_px, 50 * scale)  # "−0.1" at 18 px is 32 px, 15 px from its panel
    columns = 2 if (panels_px - gap_px) / 2 >= MIN_PANEL_PX * scale else 1
    under = panels_px - buttons_px - 12 * scale < MIN_SLIDER_PX * scale
    return {"gap": gap_px / panels_px, "slider_x": 0.0 if under else (buttons_px + 12 * scale) / panels_px,
            "slider_under": under, "columns": columns,
            "panel_px": (panels_px - gap_px) / 2 if columns == 2 else panels_px, "width": width}


PLAY_LABEL, PAUSE_LABEL = "▶ Play", "❚❚ Pause"
MIN_PANEL_PX = 180  # narrower panels than this (a phone's: 103 px two abreast) stand in one column
MIN_PANEL_HEIGHT_PX = 100  # the least a panel is drawn tall, legend or not (170 px in one column, 229 at 1400 px)
MIN_SLIDER_PX = 160  # a shorter epoch slider stands under the buttons: 16 px an epoch for ten epochs
TOP_PX = 110  # above the panels: the buttons, the slider beside them and its "epoch N", the panels' titles
SLIDER_ROW_PX = 80  # a slider under the buttons: its "epoch N", its rail and its ticks' numbers (75 px measured)
SLIDER_UNDER_PX = 40  # and its bottom above the panels: over the first panel's title
BUTTONS_ROW_PX = 40  # the Play and Pause buttons over it (32 px measured)
LEGEND_TITLE = "colour: architecture · dash: run · thin{}: training · thick: validation   "


def _at(row: int, col: int, columns: int) -> dict[str, int]:
    """Where the panel of the 2 x 2 grid at (row, col) goes: there, or its place in one column of four."""
    return {"row": row, "col": col} if columns == 2 else {"row": 2 * (row - 1) + col, "col": 1}


def replay_figure(series: Sequence[EpochSeries], scale: float = 1.0, frame_ms: int = 600,
                  width_px: float | None = None) -> go.Figure:
    """Four panels with one frame per epoch, a play/pause button and an epoch slider; no taller than the window
    (in projector mode it was 918 px in an 800 px window, so a class never saw it whole while it played), and laid
    out for the width it is shown at (`width_px`, default: page_width_px)."""
    if not series:
        raise ValueError("Pick at least one run and architecture to replay.")
    place = replay_layout(scale, width_px)
    columns = place["columns"]
    last_epoch = max(max(item.epochs, default=0) for item in series)
    markers = last_epoch <= MAX_MARKED_EPOCHS
    # Below the panels: their tick labels and "epoch", then the legend, its title and one entry a curve's label. The
    # bottom margin holds them all: left to Plotly, it grew by the legend after the panels were spaced, and at 1024 px
    # (a legend of five lines) the lower panels' titles lay 5-7 px over the upper panels' epoch numbers.
    legend_font = round(TICK_PX * scale, 1)
    key = legend_title(markers, place["width"] - 20, TICK_PX * scale)
    # A run's name takes two lines where one does not fit beside its line's sample ("Standard · Published: the
    # tutorial's own training logs" ran 26 px past a 360 px phone's edge)
    names = {item.label: fit_lines(plotly_text(item.label), place["width"] - 20 - LEGEND_SAMPLE_PX * scale,
                                   legend_font) for item in series}
    bottom = int(LEGEND_GAP_PX * scale + (1 + key.count("<br>")) * legend_font * LINE_HEIGHT + 8
                 + legend_height(list(names.values()), place["width"] - 20, legend_font, grouped=True) + 8)
    # One column (a phone) is taller than any window: four panels of 170 px, one above another. Over them, the buttons
    # and the slider beside them, or one above the other.
    top = (SLIDER_UNDER_PX + SLIDER_ROW_PX + BUTTONS_ROW_PX if place["slider_under"] else TOP_PX) * scale
    height = int(min(680 * scale, screen_height_px(scale) - 40) if columns == 2 else
                 top + (4 * 170 + 3 * 75) * scale + bottom - 40)
    # A legend of many runs (four uploads with 300-character titles) left the window-high figure no room for its
    # panels: Plotly raised "Vertical spacing must be between 0 and 1". The figure then grows past the window.
    height = max(height, int(top + (2 * MIN_PANEL_HEIGHT_PX + 75) * scale + bottom) if columns == 2 else 0)
    plot_px = height - top - bottom
    # The buttons and the slider stand on their bottoms 13 % of the panels' height above them; a slider under the
    # buttons stands on its bottom over the panels' titles, and the buttons on it.
    slider_y = buttons_y = 1.13
    if place["slider_under"]:
        slider_y = 1 + SLIDER_UNDER_PX * scale / plot_px
        buttons_y = slider_y + SLIDER_ROW_PX * scale / plot_px
    # Between the rows: the upper panels' tick labels and the lower panels' titles, 75 px at scale 1
    spacing = 75 * scale / plot_px
    specs = _trace_specs(series)
    dashes = run_dashes(series)
    title_px = SUBPLOT_TITLE_PX * scale
    # The gap panel's title, shorter where its panel is narrower than it, and on two lines where the short one would
    # run more than 20 px past its panel on either side, the figure's right margin (a folded phone's, by 26 px)
    titles = PANELS if text_em(PANELS[3]) * title_px <= place["panel_px"] else \
        (*PANELS[:3], fit_lines(SHORT_GAP_TITLE, place["panel_px"] + 40, title_px))
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=place["gap"],
                        vertical_spacing=spacing) if columns == 2 else \
        make_subplots(rows=4, cols=1, subplot_titles=titles, vertical_spacing=spacing)
    for item, field, row, col, validation in specs:
        fig.add_trace(_trace(item, field, validation, last_epoch, scale, dashes[item.run_key], markers,
                             names[item.label]),
                      **_at(row, col, columns))
    shown = frame_epochs(series)
    fig.frames = [go.Frame(name=str(epoch), traces=list(range(len(specs))),  # x and y only: the style stays
                           data=[go.Scatter(dict(zip("xy", _upto(getattr(item, field), item.epochs, epoch))))
                                 for item, field, *_ in specs])
                  for epoch in shown]
    x_range = [0.5, last_epoch + 0.5]
    accuracies = [v for item in series for v in (*item.accuracy, *item.val_accuracy)]
    losses = [v for item in series for v in (*item.loss, *item.val_loss)]
    seconds = [v for item in series for v in item.seconds]
    gaps = [v for item in series for v in item.gap]
    dtick = 1 if last_epoch <= 20 else None
    # The right panels' titles name their axes: a title beside their tick labels ran into the left panels.
    for row, col, y_range, title in ((1, 1, _range(accuracies, pad=0.05), "accuracy"),
                                     (1, 2, _range(losses, floor=0.0), None),
                                     (2, 1, _range(seconds, floor=0.0), "seconds"),
                                     (2, 2, _range(gaps, floor=0.0), None)):
        at = _at(row, col, columns)
        lowest = at["row"] == (2 if columns == 2 else 4)  # (named `bottom`, it overwrote the bottom margin: 1 px)
        fig.update_xaxes(range=x_range, dtick=dtick, title_text="epoch" if lowest else None, **at)
        fig.update_yaxes(range=y_range, title_text=title, **at)
    positive = [v for v in seconds if v and v > 0]
    if positive and max(positive) > 20 * min(positive):  # e.g. a GPU's 10 s beside a CPU's 600 s: log scale
        low, high = math.log10(min(positive)), math.log10(max(positive))
        rows = 2 if columns == 2 else 4
        panel_px = (plot_px - (rows - 1) * 75 * scale) / rows
        ticks = spaced_ticks(log_ticks(positive), panel_px / (high - low + 0.2), TICK_PX * scale * 1.4)
        fig.update_yaxes(type="log", range=[low - 0.1, high + 0.1], title_text="seconds (log scale)",
                         tickvals=ticks, ticktext=[f"{t:g}" for t in ticks], **_at(2, 1, columns))
    fig.add_hline(y=0, line=dict(color="#6b7280", width=1), **_at(2, 2, columns))
    play = dict(label=PLAY_LABEL, method="animate",
                args=[None, dict(frame=dict(duration=frame_ms, redraw=False), fromcurrent=False,
                                 transition=dict(duration=frame_ms // 2), mode="immediate")])
    pause = dict(label=PAUSE_LABEL, method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate",
                                    transition=dict(duration=0))])
    slider_steps = [dict(label=str(epoch), method="animate",
                         args=[[str(epoch)], dict(mode="immediate", frame=dict(duration=0, redraw=False),
                                                  transition=dict(duration=0))])
                    for epoch in shown]
    fig.update_layout(
        height=height, margin=dict(l=60, r=20, t=60, b=bottom), font=dict(family=FONT_FAMILY, size=int(13 * scale)),
        # The legend at the axes' numbers' size, said: Streamlit's theme draws it at 0.75 rem, 15.75 px on a projector
        legend=dict(orientation="h", yanchor="top", y=-LEGEND_GAP_PX * scale / plot_px, x=0,
                    font=dict(size=round(TICK_PX * scale, 1)), title_font=dict(size=round(TICK_PX * scale, 1)),
                    title_text=key),
        # the controls' numbers and words at the axes' numbers' size: the figure's font, 13 px x 1.35 cut to a whole
        # pixel, drew them at 17 px in projector mode
        updatemenus=[dict(type="buttons", direction="left", buttons=[play, pause], x=0, y=buttons_y, xanchor="left",
                          yanchor="bottom", showactive=False, pad=dict(r=8, t=0),
                          font=dict(size=round(TICK_PX * scale, 1)))],
        sliders=[dict(active=len(shown) - 1, steps=slider_steps, x=place["slider_x"], y=slider_y,
                      len=1 - place["slider_x"], xanchor="left", font=dict(size=round(TICK_PX * scale, 1)),
                      yanchor="bottom", pad=dict(t=0, b=0),
                      currentvalue=dict(prefix="epoch ", visible=True, font=dict(size=round(TICK_PX * scale, 1))),
                      transition=dict(duration=0))],
        plot_bgcolor="white", hovermode="closest")
    fig.update_xaxes(showgrid=True, gridcolor=GRID_COLOUR, zeroline=False)
    fig.update_yaxes(showgrid=True, gridcolor=GRID_COLOUR, zeroline=False)
    readable(fig, scale)
    fig.update_annotations(font_size=round(title_px, 1))  # the annotations are the panels' titles
    fig.update_layout(margin=dict(t=int(top)))
    return fig


def spaced_ticks(ticks: Sequence[float], decade_px: float, min_px: float) -> list[float]:
    """The ticks of a log axis `decade_px` tall a decade that stand at least `min_px` apart: the powers of ten first,
    then the others where they fit (a replay kept within a 1024 x 768 window wrote 10, 20, 50, 100 and 200 on a
    110 px panel, each number over the next)."""
    kept: list[float] = []
    for tick in sorted(ticks, key=lambda t: (not math.log10(t).is_integer(), t)):
        if all(abs(math.log10(tick) - math.log10(other)) * decade_px >= min_px for other in kept):
            kept.append(tick)
    return sorted(kept)


def legend_title(markers: bool, room_px: float, font_px: float) -> str:
    """What the replay's lines mean, on one line, or two where the figure is narrower than it (a phone cut it), and
    more on a folded phone's 240 px (its second line ran 22 px past the edge)."""
    title = LEGEND_TITLE.format(", open circles" if markers else "")
    if text_em(title) * font_px <= room_px:
        return title
    head, _, tail = title.partition(" · thin")
    return "<br>".join(fit_lines(line, room_px, font_px) for line in (head, f"thin{tail}"))


def live_figure(curves: Mapping[str, Mapping[str, Sequence[float]]], epochs: int, scale: float = 1.0) -> go.Figure:
    """Loss and accuracy of every architecture on shared axes while a launch trains.

    `curves` maps an architecture to lists: x (epochs done, fractional), loss, accuracy (running means
    within the epoch, as Keras reports them), and val_x, val_loss, val_accuracy at each finished epoch.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Loss", "Accuracy"), horizontal_spacing=0.08)
    losses: list[float] = []
    for arch, curve in curves.items():
        name = plotly_text(word(arch))
        losses += list(curve.get("loss", [])) + list(curve.get("val_loss", []))
        for col, field in ((1, "loss"), (2, "accuracy")):
            fig.add_trace(go.Scatter(
                x=list(curve.get("x", [])), y=list(curve.get(field, [])), mode="lines", name=f"{name} (training)",
                legendgroup=arch, showlegend=col == 1, line=dict(color=colour(arch), width=2 * scale, dash="dash"),
                hovertemplate=f"{name}: training {field} %{{y:.4f}} at epoch %{{x:.2f}}<extra></extra>"),
                row=1, col=col)
            fig.add_trace(go.Scatter(
                x=list(curve.get("val_x", [])), y=list(curve.get(f"val_{field}", [])), mode="lines+markers",
                name=f"{name} (validation)", legendgroup=arch, showlegend=col == 1,
                line=dict(color=colour(arch), width=2.5 * scale), marker=dict(size=8 * scale),
                hovertemplate=f"{name}: validation {field} %{{y:.4f}} after epoch %{{x}}<extra></extra>"),
                row=1, col=col)
    fig.update_xaxes(range=[0, max(epochs, 1)], dtick=1 if epochs <= 20 else None, title_text="epoch",
                     showgrid=True, gridcolor=GRID_COLOUR)
    fig.update_yaxes(range=_range(losses, floor=0.0), title_text="loss", row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], title_text="accuracy", row=1, col=2)
    fig.update_yaxes(showgrid=True, gridcolor=GRID_COLOUR)
    fig.update_layout(height=int(380 * scale), margin=dict(l=60, r=20, t=50, b=40), font=dict(family=FONT_FAMILY, size=int(13 * scale)),
                      legend=dict(orientation="h", yanchor="top", y=-0.18, x=0,
                                  font=dict(size=round(TICK_PX * scale, 1))),
                      plot_bgcolor="white", uirevision="live")
    fig.update_annotations(font_size=round(SUBPLOT_TITLE_PX * scale, 1))  # the panels' titles: 16 px at any scale
    return readable(fig, scale)
