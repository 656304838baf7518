"""Training arena: replay recorded training runs epoch by epoch, and launch small comparisons live.

The replay path reads JSON run records and draws Plotly figures; it never imports TensorFlow. Only
opening the launcher (device, time estimate) and training load Keras, lazily. The launch's machinery
(progress panel, finished result, uploads) lives in dsconv_ui/arena_view.py.
"""

from __future__ import annotations

import streamlit as st

from dsconv import arena, comparison, replay
from dsconv.arena import MIN_TEST_IMAGES, MIN_TRAIN_IMAGES, SLOTS, ArenaError, ArenaLimits, LaunchSettings
from dsconv.data import SOURCES
from dsconv.figures_training import frames_note, replay_figure
from dsconv.safe_text import plain, plain_rows
from dsconv.network import CONV_KINDS, short_kind_label
from dsconv.runs import RunFileError
from dsconv_ui.arena_view import (collect_finished_job, duration, finished_view, handle_uploads,
                                  hold_off_post_script_gc, launch_button, launch_speeds, live_panel)
from dsconv_ui.common import (Param, figure_scale, page_setup, projector_bar, restore_from_url, seed_defaults, share_link,
                              show_error, show_warnings, write_to_url)

SOURCE_LABELS = {"synthetic": "Synthetic shapes (generated, no download)", "cifar10": "CIFAR-10 (download, 163 MB)",
                 "cifar10-local": "CIFAR-10 from a folder on the server", "folder": "Image folder on the server"}
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
ALPHAS = (0.25, 0.5, 0.75, 1.0)


@st.cache_data(ttl=30, max_entries=4, show_spinner=False)
def bundled(listing: tuple) -> tuple[list, list]:
    """The bundled run records, reread whenever a file appears, changes or goes (listing = names and mtimes)."""
    return replay.load_bundled()


@st.cache_resource(max_entries=16, show_spinner=False)  # shared and never changed: no copy on each rerun
def cached_replay_figure(series: tuple, scale: float):
    """The animated replay figure for these series (cached: frames take a moment to build)."""
    return replay_figure(list(series), scale)


def bundled_runs() -> tuple[list[replay.LoadedRun], list[str]]:
    listing = tuple((p.name, p.stat().st_mtime_ns) for p in replay.bundled_files())
    return bundled(listing)


def secrets_settings() -> dict:
    """The [arena] table of .streamlit/secrets.toml, or nothing when there are no secrets."""
    try:
        return dict(st.secrets.get("arena", {}))
    except (FileNotFoundError, KeyError, AttributeError, TypeError, ValueError):  # no or unreadable secrets
        return {}


def make_params(bundled_keys: list[str], limits: ArenaLimits) -> list[Param]:
    return [
        Param("arena_runs", bundled_keys[:2], choices=bundled_keys),
        Param("arena_archs", list(CONV_KINDS), choices=CONV_KINDS),
        Param("arena_launch", False),
        Param("arena_source", "synthetic", choices=SOURCES),
        Param("arena_train", min(2000, limits.max_train_images), low=MIN_TRAIN_IMAGES, high=limits.max_train_images),
        Param("arena_test", min(500, limits.max_test_images), low=MIN_TEST_IMAGES, high=limits.max_test_images),
        Param("arena_epochs", min(3, limits.max_epochs), low=1, high=limits.max_epochs),
        Param("arena_batch", 32, choices=tuple(b for b in BATCH_SIZES if b <= limits.max_batch_size)),
        Param("arena_alpha", 1.0, choices=ALPHAS),
        Param("arena_launch_archs", ["standard", "separable"], choices=CONV_KINDS),
        Param("arena_seed", 0, low=0, high=999_999),
        Param("arena_valtest", False),
    ]


# --- Replay ----------------------------------------------------------------------------------------------

def replay_controls(runs: list[replay.LoadedRun], problems: list[str], bar: list | None) -> tuple[list, list[str]]:
    """Which runs and architectures to replay (the sidebar; the projector bar takes the runs and architectures).
    Returns the chosen runs and architectures."""
    by_key = {run.key: run for run in runs}
    st.session_state["arena_runs"] = [k for k in st.session_state.get("arena_runs", []) if k in by_key]
    with st.sidebar:
        st.header("Runs to replay")
    chosen = (bar[0] if bar else st.sidebar).multiselect("Recorded runs (bundled with the app)", list(by_key),
                                                        key="arena_runs", format_func=lambda k: by_key[k].label)
    with st.sidebar:
        for problem in problems:
            st.warning(f"A bundled run file could not be read: {problem}")
        files = st.file_uploader("Add a run file made by `python -m dsconv.train`", type=["json"],
                                 accept_multiple_files=True, key="arena_upload",
                                 help="The .json record that the training command writes next to its weights.")
        upload_errors = handle_uploads(files)
        for message in upload_errors:
            show_error(RunFileError(message))
        mine = {**{k: v[1] for k, v in st.session_state.get("arena_uploads", {}).items()},
                **st.session_state.get("arena_session_runs", {})}
        if "arena_mine" in st.session_state:
            st.session_state["arena_mine"] = [k for k in st.session_state["arena_mine"] if k in mine]
        chosen_mine = st.multiselect("Your runs (uploaded or launched in this tab)", list(mine), key="arena_mine",
                                     format_func=lambda k: mine[k].label,
                                     placeholder="Upload a run file or launch a training")
    archs = (bar[1] if bar else st.sidebar).multiselect("Architectures", CONV_KINDS, key="arena_archs",
                                                       format_func=short_kind_label)
    return [by_key[k] for k in chosen] + [mine[k] for k in chosen_mine], archs


def replay_section(selected: list[replay.LoadedRun], archs: list[str]) -> None:
    st.header("Replay recorded runs")
    if not selected:
        st.info("Pick a recorded run in the sidebar, upload a run file, or launch a training below.")
        return
    series = replay.all_series(selected, archs)
    series = [item for item in series if item.epochs]
    if not series:
        st.info("The chosen runs have no finished epoch for these architectures; pick other architectures.")
        return
    st.caption("Press ▶ Play to watch the runs epoch by epoch, or drag the slider. Colour is the architecture and the "
               "line's dash the run. Thin lines with open circles are measured on the training images, thick ones on "
               "validation images the model never trained on.")
    st.plotly_chart(cached_replay_figure(tuple(series), figure_scale()), key="arena_replay_chart",
                    config={"displayModeBar": False})
    stepping = frames_note(series)
    if stepping:
        st.caption(stepping)
    rows = [row for run in selected for row in replay.summary_rows(run) if row.architecture in archs]
    st.subheader("Summary")
    st.table(plain_rows(replay.table_rows(rows), ("Run", "Device")), hide_index=True)
    st.caption("Multiply-adds: one per weight per output position, forward pass, per image (FLOPs are twice that). "
               "Best val accuracy is the highest over the finished epochs (at the epoch in brackets), final val "
               "accuracy the last one's; a run "
               "that validated on the test set has no other test accuracy than its final val accuracy. Total time "
               "adds the epochs' seconds.")
    what_the_runs_say(selected, archs, series)
    for run in selected:
        if run.record.validation_on_test:
            st.warning(f"**{plain(run.label)}** validated on the test set, as the tutorial did: its 'best validation "
                       "accuracy' was picked by looking at the test images, so it is an optimistic test accuracy.",
                       icon="🔎")
        if run.record.status == "stopped" or any(a.status != "complete" for a in run.record.architectures):
            st.info(f"**{plain(run.label)}** was stopped or is still running: it shows the epochs that finished.")
    with st.expander("About these runs: titles, recipes and notes"):
        for run in selected:
            first, *more = replay.about_run(run.record)
            st.markdown(first)
            for line in more:
                st.caption(line)


def what_the_runs_say(selected: list[replay.LoadedRun], archs: list[str], series: list) -> None:
    """Each run's models against its standard model: overfitting, accuracy and time, from its own numbers."""
    blocks = []
    for run in selected:
        for other in [arch for arch in archs if arch != "standard"]:
            found = comparison.compare(run, other)
            if found is None or "standard" not in archs:
                continue
            lines = [text for text in (comparison.overfitting_sentence(found), comparison.accuracy_sentence(found),
                                       comparison.behind_sentence(found), comparison.time_sentence(found)) if text]
            blocks.append(f"**{plain(run.label)}**, {other} against standard:\n" + "\n".join(f"- {line}" for line in lines))
    if not blocks:
        return
    st.subheader("What these runs say")
    for block in blocks:
        st.markdown(block)
    negative = comparison.negative_first_gap(series)
    if negative:
        st.caption(comparison.NEGATIVE_GAP_NOTE.format(labels=", ".join(plain(label) for label in negative)))
    note = comparison.seed_note(comparison.seeds_per_model(selected))
    if note:
        st.info(note, icon="🎲")


# --- Launch -----------------------------------------------------------------------------------------------

def launch_controls(limits: ArenaLimits) -> LaunchSettings:
    """The launch form's widgets; returns the settings they describe."""
    cols = st.columns(3)
    source = cols[0].selectbox("Data", SOURCES, key="arena_source", format_func=SOURCE_LABELS.get)
    data_dir = ""
    if source in ("cifar10-local", "folder"):
        hint = "/path/to/cifar-10-batches-py" if source == "cifar10-local" else "/path/with/train/and/test"
        data_dir = cols[0].text_input("Folder on the server", key="arena_dir", placeholder=hint)
    _, fewest_val = arena.train_and_val_sizes(LaunchSettings(train_size=MIN_TRAIN_IMAGES))
    train = cols[1].number_input(f"Training images ({MIN_TRAIN_IMAGES:,} to {limits.max_train_images:,})",
                                 MIN_TRAIN_IMAGES, limits.max_train_images, step=100, key="arena_train",
                                 help=f"A tenth is held out for validation. At least {MIN_TRAIN_IMAGES:,}, so that "
                                      f"the validation set has {fewest_val} images: with fewer, one image moves the "
                                      "validation accuracy by several points.")
    test = cols[1].number_input(f"Test images ({MIN_TEST_IMAGES:,} to {limits.max_test_images:,})", MIN_TEST_IMAGES,
                                limits.max_test_images, step=100, key="arena_test",
                                help=f"At least {MIN_TEST_IMAGES}: one image is then one point of test accuracy.")
    epochs = cols[2].slider("Epochs", 1, limits.max_epochs, key="arena_epochs")
    batch = cols[2].select_slider("Batch size", tuple(b for b in BATCH_SIZES if b <= limits.max_batch_size),
                                  key="arena_batch")
    cols = st.columns([3, 2, 1])
    archs = cols[0].multiselect("Architectures", CONV_KINDS, key="arena_launch_archs", format_func=short_kind_label)
    alpha = cols[1].select_slider("Width multiplier (MobileNet's alpha)", ALPHAS, key="arena_alpha")
    seed = cols[2].number_input("Seed", 0, 999_999, key="arena_seed")
    valtest = st.checkbox("Validate on the test set (the tutorial's shortcut; keeps no images aside)",
                          key="arena_valtest")
    return LaunchSettings(source=source, data_dir=data_dir.strip(), train_size=int(train), test_size=int(test),
                          epochs=int(epochs), batch_size=int(batch), width_multiplier=float(alpha),
                          architectures=tuple(archs), seed=int(seed), validate_on_test=valtest)


def launcher(limits: ArenaLimits) -> None:
    settings = launch_controls(limits)
    try:
        settings.check(limits)
    except ArenaError as exc:
        show_error(exc)
        return
    device, speeds = launch_speeds(settings)
    estimate = arena.estimate_launch(settings, speeds) if speeds else None
    st.markdown(f"**Device:** {device}")
    cols = st.columns(3)
    if estimate is None:
        cols[0].metric("Estimated time", "—", "after the running training", delta_color="off", delta_arrow="off")
    else:
        how = " and ".join({"probe": "a few timed steps", "recorded": "earlier runs here"}[s] for s in estimate.sources)
        cols[0].metric("Estimated time", duration(estimate.total_seconds), f"from {how}", delta_color="off",
                       delta_arrow="off")
    train, val = arena.train_and_val_sizes(settings)
    cols[1].metric("Images per epoch", f"{train:,} + {val:,}", "training + validation", delta_color="off",
                   delta_arrow="off")
    launch_button(settings, limits, estimate)


def launch_section(limits: ArenaLimits) -> None:
    st.header("Launch a live training")
    st.markdown("Train the models yourself on this server and watch the curves grow; the estimate below says how "
                "long your settings take. The server trains one launch at a time.")
    job = st.session_state.get("arena_job")
    if job is not None:
        live_panel()
        return
    if "arena_last_job" in st.session_state:
        finished_view(st.session_state["arena_last_job"])
    if st.toggle("Open the launcher (loads TensorFlow: a few seconds the first time)", key="arena_launch"):
        launcher(limits)


page_setup("Training arena", "🏋️")
st.title("Training arena")
bar = projector_bar([3, 2])  # projector mode: the runs and architectures to replay, at the top
st.markdown("The tutorial trained a standard and a separable VGG model on CIFAR-10 and concluded that the separable "
            "one reaches about the same accuracy with 6.8x fewer parameters and less overfitting. Replay its "
            "published logs next to our own measured runs, epoch by epoch, or launch a small comparison live.")
try:
    LIMITS = ArenaLimits.from_settings(secrets_settings())
except ArenaError as exc:
    show_error(exc)
    LIMITS = ArenaLimits()
SLOTS.set_capacity(LIMITS.max_concurrent)
hold_off_post_script_gc(LIMITS)
collect_finished_job()
RUNS, PROBLEMS = bundled_runs()
for loaded in RUNS:
    for (device_name, arch_name, alpha_value), speed_value in arena.speeds_from_record(loaded.record).items():
        arena.remember_speed(device_name, arch_name, alpha_value, speed_value)
PARAMS = make_params([run.key for run in RUNS], LIMITS)
show_warnings(restore_from_url(PARAMS))
seed_defaults(PARAMS)
selected_runs, shown_archs = replay_controls(RUNS, PROBLEMS, bar)
write_to_url(PARAMS)
share_link(PARAMS)
replay_section(selected_runs, shown_archs)
launch_section(LIMITS)
st.subheader("Why it matters")
st.markdown("Parameters and multiply-adds are arithmetic; accuracy, overfitting and time have to be measured, and "
            "one run is one sample of them. Look at the gap panel: a model that fits its training images much "
            "better than unseen ones is overfitting. Look at the seconds too, beside the multiply-adds: what the "
            "saving in arithmetic is worth in time depends on the device (the Speed lab measures why).")
