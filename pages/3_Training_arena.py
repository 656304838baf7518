"""Training arena: replay recorded training runs epoch by epoch, and launch small comparisons live.

The replay path reads JSON run records and draws Plotly figures; it never imports TensorFlow. Only
opening the launcher (device, time estimate) and training load Keras, lazily.
"""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import streamlit as st
    from streamlit import config as st_config
    from streamlit.errors import StreamlitPageNotFoundError

    from dsconv.arena import (
        MIN_TEST_IMAGES,
        MIN_TRAIN_IMAGES,
        SERVER_FOLDER_SOURCES,
        SLOTS,
        ArenaBusy,
        ArenaError,
        ArenaLimits,
        LaunchSettings,
        TrainingJob,
        batch_note,
        launch_estimate,
        learn_from_records,
        train_and_val_sizes,
    )
    from dsconv.devices import device_name
    from dsconv.figures import frames_note, live_figure, replay_figure
    from dsconv.kinds import KINDS, NETWORK_KINDS, noun, word
    from dsconv.safe_text import listed, plain
    from dsconv.training import (
        SOURCE_LABELS,
        SOURCE_NOTES,
        ModelConfig,
        RunFileError,
        TrainConfig,
        comparison,
        replay,
    )
    from dsconv_ui.common import (
        BOUND,
        ROOT,
        figure_scale,
        is_presenting,
        older_labels,
        page_setup,
        projector_bar,
        share_link,
        show_error,
        show_table,
        shown_width,
        wrap_long_chips,
    )
    from dsconv_ui.playback import reveal_on_play

OLDER_SOURCE_LABELS = {  # what the data picker showed, and links saved, before 2026-12
    "Synthetic shapes (generated, no download)": "synthetic", "CIFAR-10 (download, 163 MB)": "cifar10",
    "CIFAR-10 from a folder on the server": "cifar10-local", "Image folder on the server": "folder"}
# The architecture pickers showed the kinds' Keras names until 2026-12; the legend, table and sentences said
# "standard" and "separable". All now say each kind's word (dsconv.kinds.word; "Depthwise + 1x1" was and is its label).
OLDER_ARCH_LABELS = {"Conv2D": "standard", "SeparableConv2D": "separable", "MobileNet block": "mobilenet"}
ARCH_HELP = "Each model is the tutorial's VGG with one kind of convolution: " + "; ".join(
    f"{word(kind)}: {KINDS[kind].label}" + (f" ({KINDS[kind].detail})" if KINDS[kind].detail else "")
    for kind in NETWORK_KINDS) + "."
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
# Where an estimate's speeds come from (dsconv.arena.estimates.SOURCES), under the estimate: "earlier runs here" was
# said of run files bundled with the app, recorded on another machine described as this one is
ESTIMATE_SOURCES = {"probe": "a few timed steps", "recorded": "runs recorded on a machine like this",
                    "launched": "launches on this server"}
ALPHAS = (0.25, 0.5, 0.75, 1.0)
DEFAULT = LaunchSettings()  # the launch form starts at these settings


MAX_SESSION_RUNS = 5  # launched runs kept in a tab; older ones drop out of the replay list
MAX_MODEL_RUNS = 2  # launched runs whose Keras models stay in memory for the Filters page


def duration(seconds: float | None) -> str:
    """'42 s', '3 min 05 s', or '18 min' past ten minutes (short enough for a metric)."""
    if seconds is None:
        return "—"
    seconds = max(0, round(seconds))
    if seconds >= 600:
        return f"{round(seconds / 60)} min"
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


# --- Runs from uploads and from this tab's launches -------------------------------------------------

def handle_uploads(files: list) -> list[str]:
    """Read each uploaded run file into st.session_state; return an error sentence per unusable file."""
    uploads = st.session_state.setdefault("arena_uploads", {})
    errors = []
    files = files or []
    # A file read before keeps its run, under its key: keyed by its place among the files of its name, the second
    # run.json took the first one's key once that was removed (the ×), and its run replaced the first one's
    read = {file_id for file_id, _ in uploads.values()}
    present = {file.file_id for file in files}
    held = {key for key, (file_id, _) in uploads.items() if file_id in present}
    for file in files:
        if file.file_id in read:
            continue
        # A new file takes the first key of its name that no file still in the uploader holds: it replaces the run
        # of a file of that name read before and since removed; two of one name in the uploader (run.json from two
        # folders) are two runs: the second replaced the first without a word
        named = f"upload:{file.name}"
        key = replay.numbered(named, held)
        held.add(key)
        try:
            record = replay.read_upload(file.name, file.getvalue())
        except RunFileError as exc:  # a run read earlier from a file of that name stays: nothing is lost
            errors.append(str(exc) + (" The run read earlier from a file of the same name stays in the replay."
                                      if key in uploads or named in uploads else ""))
            continue
        uploads[key] = (file.file_id, replay.LoadedRun(key, replay.run_label(record, file.name), "upload", record))
        mine = st.session_state.get("arena_mine", [])
        if key not in mine:
            st.session_state["arena_mine"] = [*mine, key]  # a new list: Streamlit sees the change
    return errors


def collect_finished_job() -> None:
    """Once a launch ends: its run joins the replay list and its models go to the Filters page."""
    job = st.session_state.get("arena_job")
    if job is None or not job.snapshot().finished:
        return
    del st.session_state["arena_job"]
    st.session_state["arena_last_job"] = job
    if job.record is None or not any(part.epochs for part in job.record.architectures):
        return
    # numbered among the launches this tab kept: one that failed or kept nothing took no number ("Launch 2" was the
    # first run in the replay after a launch whose folder held no batch files)
    job.number = st.session_state["arena_launches"] = st.session_state.get("arena_launches", 0) + 1
    key = f"session:{job.number}"
    runs = st.session_state.setdefault("arena_session_runs", {})
    runs[key] = replay.LoadedRun(key, f"Launch {job.number}: {job.settings.title()}", "session", job.record)
    for old in list(runs)[:-MAX_SESSION_RUNS]:
        runs.pop(old)
    st.session_state["arena_mine"] = [k for k in st.session_state.get("arena_mine", []) if k in runs
                                      or k.startswith("upload:")] + [key]
    kept = st.session_state.setdefault("arena_model_jobs", [])
    class_names = tuple(job.record.data.get("class_names") or ()) or None
    kept.append((job.number, {f"{word(name)} model (launch {job.number})": (model, class_names)
                          for name, model in job.models.items()}))
    del kept[:-MAX_MODEL_RUNS]
    st.session_state["arena_models"] = {name: model for _, models in kept for name, model in models.items()}


# --- Launch -----------------------------------------------------------------------------------------------

@st.cache_resource
def configured_post_script_gc() -> bool:
    """Streamlit's runner.postScriptGC as configured, read once before this page changes it."""
    return bool(st_config.get_option("runner.postScriptGC"))


def hold_off_post_script_gc(limits: ArenaLimits) -> None:
    """Skip Streamlit's full gc.collect() after each script run while a launch trains on a server thread.

    With TensorFlow loaded, that collection takes 0.3-1.5 s and holds the GIL the training needs, and the
    progress panel reruns every 1.5 s. Python's own generational collector keeps running meanwhile.
    """
    configured = configured_post_script_gc()
    wanted = configured and not (SLOTS.running() and not limits.train_in_subprocess)
    if st_config.get_option("runner.postScriptGC") != wanted:
        st_config.set_option("runner.postScriptGC", wanted)


def session_alive_check():
    """A function that says whether this browser tab is still connected (None outside a real server)."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    instance, session_id = runtime.get_instance(), ctx.session_id
    return lambda: instance.is_active_session(session_id)


def start_launch(settings: LaunchSettings, limits: ArenaLimits, estimate) -> None:
    """Button callback: start the job (or say the server is busy)."""
    try:
        job = TrainingJob(settings, limits, estimate=estimate, alive=session_alive_check()).start()
    except ArenaError as exc:
        st.session_state["arena_launch_error"] = str(exc)
        return
    st.session_state["arena_job"] = job
    st.session_state.pop("arena_last_job", None)


SLOT_POLL_SECONDS = 2.0  # how often an open launcher looks whether the server's training slot is free


def launch_button(settings: LaunchSettings, limits: ArenaLimits, estimate) -> None:
    """The Launch button, and a "busy" notice while another tab trains.

    The panel is a fragment that looks at the slot every SLOT_POLL_SECONDS, busy or not: when the slot frees
    (or fills) it reruns the whole page, which redraws the estimate and enables (or disables) the button. The
    refresh cannot be decided on the last full run only: a fragment that reruns alone keeps the run_every it was
    drawn with, so a tab that was refused while its last full run saw a free slot would never refresh.
    """
    drawn_busy = SLOTS.is_full()

    @st.fragment(run_every=SLOT_POLL_SECONDS)
    def panel() -> None:
        busy = SLOTS.is_full()
        if busy != drawn_busy and "arena_launch_error" not in st.session_state:
            st.rerun(scope="app")  # the slot freed or filled since the page was drawn: redraw all of it
        if busy:
            st.warning(SLOTS.busy_message(), icon="⏳")
        st.button("Launch training", key="arena_launch_button", type="primary", disabled=busy,
                  on_click=start_launch, args=(settings, limits, estimate))
        if "arena_launch_error" in st.session_state:
            show_error(ArenaBusy(st.session_state.pop("arena_launch_error")))
        if st.session_state.get("arena_job") is not None:
            st.rerun(scope="app")  # the button started a job: show its progress in place of the form

    panel()


@st.fragment(run_every=1.5)
def live_panel() -> None:
    """Progress of this tab's running job, refreshed every 1.5 s; its heartbeat keeps the job alive."""
    job = st.session_state.get("arena_job")
    if job is None:
        return
    job.heartbeat()
    snap = job.snapshot()
    if snap.finished:
        st.rerun(scope="app")
    if snap.state == "loading":
        text = "Loading the data and TensorFlow…"
    else:
        index = snap.architectures.index(snap.architecture) + 1
        text = (f"Training the {noun(snap.architecture)} model ({index} of {len(snap.architectures)}) · "
                f"epoch {snap.epoch} of {snap.epochs} · batch {snap.batch} of {snap.batches}")
    if job.stop_requested:
        text = "Stopping after this batch, keeping the finished epochs… " + text
    st.progress(snap.fraction, text=text)
    cols = st.columns([1, 1, 1, 2])
    cols[0].metric("Elapsed", duration(snap.elapsed))
    cols[1].metric("Remaining (estimate)", duration(snap.remaining))
    cols[2].metric("Done", f"{100 * snap.fraction:.0f}%")
    cols[3].button("Stop (keeps the finished epochs)", key="arena_stop", on_click=job.request_stop)
    if snap.curves:
        st.plotly_chart(live_figure(snap.curves, snap.epochs, figure_scale()), key="arena_live_chart",
                        config={"displayModeBar": False})
        st.caption("Dashed: the running training loss and accuracy within each epoch. Dots: validation after "
                   "each finished epoch. The models train one after another on the same images in the same order.")


def finished_view(job: TrainingJob) -> None:
    """A finished launch: why it stopped, or its test accuracies, summary table, downloads and filters link."""
    snap = job.snapshot()
    if snap.state == "failed":
        show_error(ArenaError(snap.message), literal=True)  # it may quote a data folder's paths and class names
        return
    record = job.record
    finished = [part for part in record.architectures if part.epochs] if record is not None else []
    if not finished:
        st.warning(f"{snap.message} No epoch had finished, so nothing was kept: the replay and the Filters page are "
                   "as they were.", icon="⏹️")
        return
    if snap.state == "stopped":
        # from the launch's settings: a model that never started is in no record (a stop in the first of three
        # models named none of the other two)
        unfinished = [word(arch) for arch in job.settings.train.architectures if arch not in {p.name for p in finished}]
        left_out = (f" Stopped before a first epoch finished, so left out: {', '.join(unfinished)}."
                    if unfinished else "")
        st.warning(f"{snap.message} The epochs that finished are kept below and in the replay above.{left_out}",
                   icon="⏹️")
    else:
        # in projector mode "Your runs" is in the hidden sidebar: the run is in the replay, but not to be found there
        where = "" if is_presenting() else ", under 'Your runs'"
        st.success(f"Launch {job.number} finished in {duration(snap.elapsed)}: it is in the replay above{where}.",
                   icon="✅")
    cols = st.columns(len(finished))
    for col, part in zip(cols, finished):
        best = replay.best_epoch(part)
        col.metric(f"{word(part.name)}: test accuracy",
                   "—" if part.test_accuracy is None else f"{part.test_accuracy:.3f}",
                   f"best val {best[0]:.3f} (epoch {best[1]})" if best else f"{len(part.epochs)} epochs",
                   delta_color="off", delta_arrow="off")
    run = replay.LoadedRun(f"session:{job.number}", f"Launch {job.number}", "session", record)
    rows = [row for row in replay.summary_rows(run) if row.epochs_done]
    summary_table(replay.table_rows(rows))
    cols = st.columns(3)
    saved = f"launch_{job.number}" if job.number else job.run_name  # named as the page names it ("Launch 1")
    cols[0].download_button("Download the run record (JSON)", job.record_json, file_name=f"{saved}.json",
                            mime="application/json", key="arena_download_json", on_click="ignore")
    cols[1].download_button("Download the weights (.zip)", job.weights_zip,
                            file_name=f"{saved}_weights.zip", mime="application/zip",
                            key="arena_download_weights", on_click="ignore",
                            help="Each model's .weights.h5 file and the run record, in one zip.")
    if job.models and (ROOT / "pages" / "4_Filters_on_your_image.py").exists():
        # In this tab, whose session holds the models: a Markdown link opened a new tab, a new session without them
        with cols[2]:
            try:
                st.page_link("pages/4_Filters_on_your_image.py", label="See its learned filters", icon="🖼️")
            except StreamlitPageNotFoundError:  # this page runs on its own, without the app's other pages
                st.markdown("🖼️ See its learned filters on the **Filters on your image** page of the app.")
            st.caption("On the Filters page, for as long as this tab stays open.")


@st.cache_data(ttl=30, max_entries=4, show_spinner=False)
def bundled(listing: tuple) -> tuple[list, list]:
    """The bundled run records, reread whenever a file appears, changes or goes (listing = names and mtimes)."""
    return replay.load_bundled()


@st.cache_resource(max_entries=16, show_spinner=False)  # shared and never changed: no copy on each rerun
def cached_replay_figure(series: tuple, scale: float, width_px: float):
    """The animated replay figure for these series, laid out for the width it is shown at (cached: frames take a
    moment to build). The page hands the width in steps of 40 px, down: a class of laptops of slightly different
    widths shares a figure, and one laid out for a few px less than its width still fits."""
    return replay_figure(list(series), scale, width_px=width_px)


def bundled_runs() -> tuple[list[replay.LoadedRun], list[str]]:
    listing = tuple((p.name, p.stat().st_mtime_ns) for p in replay.bundled_files())
    return bundled(listing)


def secrets_settings() -> dict:
    """The [arena] table of .streamlit/secrets.toml, or nothing when there are no secrets."""
    try:
        return dict(st.secrets.get("arena", {}))
    except (FileNotFoundError, KeyError, AttributeError, TypeError, ValueError):  # no or unreadable secrets
        return {}


# --- Replay ----------------------------------------------------------------------------------------------

def replay_controls(runs: list[replay.LoadedRun], problems: list[str], bar: list | None) -> tuple[list, list[str]]:
    """Which runs and architectures to replay (the sidebar; the projector bar takes the runs and architectures).
    Returns the chosen runs and architectures."""
    by_key = {run.key: run for run in replay.distinct_labels(runs)}
    if "arena_runs" in st.session_state:  # the bundled files may have changed since the last run
        st.session_state["arena_runs"] = [k for k in st.session_state["arena_runs"] if k in by_key]
    with st.sidebar:
        st.header("Runs to replay")
        wrap_long_chips()
    chosen = (bar[0] if bar else st.sidebar).multiselect("Recorded runs (bundled with the app)", list(by_key),
                                                        default=list(by_key)[:2], key="arena_runs",
                                                        format_func=lambda k: by_key[k].label if k in by_key else str(k),
                                                        wrap=True, **BOUND)
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
        # labels that tell every run apart: the bundled ones come first and keep theirs, and the picker above has
        # drawn them
        mine = {run.key: run for run in replay.distinct_labels([*by_key.values(), *mine.values()])
                if run.key in mine}
        if "arena_mine" in st.session_state:
            st.session_state["arena_mine"] = [k for k in st.session_state["arena_mine"] if k in mine]
        # kept while another page runs, as the runs are (not in the address: a link cannot carry a file)
        chosen_mine = st.multiselect("Your runs (uploaded or launched in this tab)", list(mine), key="arena_mine",
                                     format_func=lambda k: mine[k].label, wrap=True,
                                     placeholder="Upload or launch a run", persist_state="session")
    older_labels("arena_archs", OLDER_ARCH_LABELS)
    archs = (bar[1] if bar else st.sidebar).multiselect("Architectures", NETWORK_KINDS, default=NETWORK_KINDS,
                                                       key="arena_archs", format_func=word, wrap=True, help=ARCH_HELP,
                                                       **BOUND)
    return [by_key[k] for k in chosen] + [mine[k] for k in chosen_mine], archs


def replay_section(selected: list[replay.LoadedRun], archs: list[str]) -> None:
    st.header("Replay recorded runs")
    if not selected:
        st.info("Pick a recorded run above, or launch a training below." if is_presenting() else
                "Pick a recorded run in the sidebar, upload a run file, or launch a training below.")
        return
    if not archs:  # the multiselect emptied: there is nothing to draw, whatever the runs hold
        st.info("Pick at least one architecture in the “Architectures” box to replay its runs.")
        return
    series = replay.all_series(selected, archs)
    series = [item for item in series if item.epochs]
    untrained = replay.untrained_note(selected, archs)
    rows = [row for run in selected for row in replay.summary_rows(run) if row.architecture in archs]
    if not series:  # every model picked finished no epoch, or no run holds it: what the runs hold, still in a table
        st.info(untrained or "The chosen runs have no finished epoch for these architectures.")
        if rows:
            summary_section(selected, rows)
        return
    if untrained:
        st.caption(untrained)
    st.caption("Press ▶ Play to watch the runs epoch by epoch, or drag the slider. Colour is the architecture and the "
               "line's dash the run. Thin lines with open circles are measured on the training images, thick ones on "
               "validation images the model never trained on.")
    st.plotly_chart(cached_replay_figure(tuple(series), figure_scale(), PAGE_PX // 40 * 40), key="arena_replay_chart",
                    config={"displayModeBar": False})
    reveal_on_play("arena_replay_chart")
    stepping = frames_note(series)
    if stepping:
        st.caption(stepping)
    summary_section(selected, rows, archs, series)


def summary_section(selected: list[replay.LoadedRun], rows: list[replay.SummaryRow], archs: list[str] | None = None,
                    series: list | None = None) -> None:
    """The summary table of the chosen runs' `rows`, what the runs say (where `series` holds finished epochs), the
    notes on each run, and the runs' titles and recipes. A run whose models finished no epoch still shows its table
    and its "stopped" note: the page once said only that nothing was drawn."""
    st.subheader("Summary")
    summary_table(replay.table_rows(rows))
    st.caption("Multiply-adds: one per weight per output position, forward pass, per image (FLOPs are twice that). "
               "Best val accuracy is the highest over the finished epochs (at the epoch in brackets), final val "
               "accuracy the last one's; a run "
               "that validated on the test set has no other test accuracy than its final val accuracy. Total time "
               "adds the epochs' seconds.")
    # under the table they are about: after "What these runs say" the test-set warning stood 1,700 px below the
    # accuracies it qualifies at 1024 x 768, off a projected screen
    for run in selected:
        # (not of a run that read no validation accuracy: it was headed "with no validation accuracy" too)
        if run.record.validation_on_test and any(a.best_val_accuracy() is not None for a in run.record.architectures):
            st.warning(f"**{plain(run.label)}** validated on the test set, as the tutorial did: its 'best validation "
                       "accuracy' was picked by looking at the test images, so it is an optimistic test accuracy.",
                       icon="🔎")
        if run.record.status == "stopped" or any(a.status != "complete" for a in run.record.architectures):
            st.info(f"**{plain(run.label)}** was stopped or is still running: " +
                    ("it shows the epochs that finished." if any(a.epochs for a in run.record.architectures) else
                     "none of its epochs had finished when it was written."))
    if series:
        what_the_runs_say(selected, archs, series)
    with st.expander("About these runs: titles, recipes and notes"):
        for run in selected:
            first, *more = replay.about_run(run.record, run.label)
            st.markdown(first)
            for line in more:
                st.caption(line)


RUN_COLUMNS = ("Run", "Device", "Validated on")  # the same on every row of a run: said once, above its table


def summary_table(rows: list[dict[str, str]]) -> None:
    """The summary, one table a run under a line that names the run, where it ran and what it validated on. With the
    run's name a column of its own, written again (and wrapped to six lines) on every row, the table ran 93 px past a
    1024 x 768 projector's page and hid Epochs and Total time behind its scroll bar; with Device and Validated on too,
    224 px."""
    runs: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        runs.setdefault(row["Run"], []).append(row)
    for run, own in runs.items():
        # a run that read no validation accuracy was headed "validated on the held-out split" over its "—" cells
        validated = next((row["Validated on"] for row in own if row["Validated on"]), None)
        st.markdown(f"**{plain(run)}**, on {plain(device_name(own[0]['Device']))}, "
                    + (f"validated on the {validated}:" if validated else "with no validation accuracy:"))
        show_table([{key: value for key, value in row.items() if key not in RUN_COLUMNS} for row in own])


def what_the_runs_say(selected: list[replay.LoadedRun], archs: list[str], series: list) -> None:
    """Each run's models against its standard model: overfitting, accuracy and time, from its own numbers."""
    blocks = []
    for run in selected:
        for other in [arch for arch in archs if arch != "standard"]:
            found = comparison.compare(run, other)
            if found is None or "standard" not in archs:
                continue
            lines = [text for text in (comparison.epochs_note(found), comparison.too_early(found),
                                       comparison.overfitting_sentence(found), comparison.accuracy_sentence(found),
                                       comparison.few_images_note(found), comparison.behind_sentence(found),
                                       comparison.time_sentence(found)) if text]
            blocks.append(f"**{plain(run.label)}**, {noun(other)} against {noun('standard')}:\n"
                          + "\n".join(f"- {line}" for line in lines))
    if not blocks:
        return
    st.subheader("What these runs say")
    for block in blocks:
        st.markdown(block)
    negative = comparison.negative_gap_note(series, quote=plain)
    if negative:
        st.caption(negative)
    note = comparison.seed_note(comparison.seeds_per_model(selected))
    if note:
        st.info(note, icon="🎲")


# --- Launch -----------------------------------------------------------------------------------------------

def launch_controls(limits: ArenaLimits, locked: bool = False) -> LaunchSettings:
    """The launch form's widgets (greyed out where `locked`); returns the settings they describe."""
    lock = {"disabled": locked}
    cols = st.columns(3)
    older_labels("arena_source", OLDER_SOURCE_LABELS)
    sources = limits.sources()
    source = cols[0].selectbox("Data", sources, index=sources.index(DEFAULT.source), key="arena_source",
                               format_func=SOURCE_LABELS.get, **lock, **BOUND,
                               help=" ".join(f"{SOURCE_LABELS[s]}: {SOURCE_NOTES[s]}." for s in sources))
    cols[0].caption(SOURCE_NOTES[source][0].upper() + SOURCE_NOTES[source][1:] + ".")
    data_dir = ""
    if source in SERVER_FOLDER_SOURCES:
        hint = "/path/to/cifar-10-batches-py" if source == "cifar10-local" else "/path/with/train/and/test"
        # kept while the box is hidden (another data source, the launcher closed), never in the page's link
        data_dir = cols[0].text_input("Folder on the server", key="arena_dir", placeholder=hint, **lock,
                                      persist_state="session")
    _, fewest_val = train_and_val_sizes(LaunchSettings(train_size=MIN_TRAIN_IMAGES))
    train = cols[1].number_input(f"Training images ({MIN_TRAIN_IMAGES:,} to {limits.max_train_images:,})",
                                 MIN_TRAIN_IMAGES, limits.max_train_images, min(DEFAULT.train_size, limits.max_train_images),
                                 step=100, key="arena_train", **lock, **BOUND,
                                 help=f"A tenth is held out for validation. At least {MIN_TRAIN_IMAGES:,}, so that "
                                      f"the validation set has {fewest_val} images: with fewer, one image moves the "
                                      "validation accuracy by several points.")
    test = cols[1].number_input(f"Test images ({MIN_TEST_IMAGES:,} to {limits.max_test_images:,})", MIN_TEST_IMAGES,
                                limits.max_test_images, min(DEFAULT.test_size, limits.max_test_images), step=100,
                                key="arena_test", **lock, **BOUND,
                                help=f"At least {MIN_TEST_IMAGES}: one image is then one point of test accuracy.")
    epochs = cols[2].slider("Epochs", 1, limits.max_epochs, min(DEFAULT.train.epochs, limits.max_epochs),
                            key="arena_epochs", **lock, **BOUND)
    # a server's cap under the smallest choice is the one choice (a cap of 4 left none, and the page raised an error)
    batches = tuple(b for b in BATCH_SIZES if b <= limits.max_batch_size) or (limits.max_batch_size,)
    batch = cols[2].select_slider("Batch size", batches, min(DEFAULT.train.batch_size, batches[-1]), key="arena_batch",
                                  **lock, **BOUND)
    cols = st.columns([3, 2, 1])
    older_labels("arena_launch_archs", OLDER_ARCH_LABELS)
    archs = cols[0].multiselect("Architectures", NETWORK_KINDS, default=DEFAULT.train.architectures,
                                key="arena_launch_archs", format_func=word, wrap=True, help=ARCH_HELP, **lock, **BOUND)
    alpha = cols[1].select_slider("Width multiplier (MobileNet's alpha)", ALPHAS,
                                  DEFAULT.train.model.network.width_multiplier, key="arena_alpha", **lock, **BOUND)
    seed = cols[2].number_input("Seed", 0, 999_999, DEFAULT.train.seed, key="arena_seed", **lock, **BOUND)
    valtest = st.checkbox("Validate on the test set (the tutorial's shortcut; keeps no images aside)",
                          DEFAULT.train.validate_on_test, key="arena_valtest", **lock, **BOUND)
    model = ModelConfig.of(width_multiplier=float(alpha))
    recipe = TrainConfig(architectures=tuple(archs), epochs=int(epochs), batch_size=int(batch), seed=int(seed),
                         validate_on_test=valtest, model=model)
    return LaunchSettings(source=source, data_dir=data_dir.strip(), train_size=int(train), test_size=int(test),
                          train=recipe)


def launcher(limits: ArenaLimits) -> None:
    settings = launch_controls(limits)
    last = st.session_state.get("arena_last_job")
    if last is not None and last.snapshot().state == "failed" and last.settings != settings:
        del st.session_state["arena_last_job"]  # its error was about other settings: a fixed folder cleared nothing
    try:
        settings.check(limits)  # a data folder too, by its names: said as it is typed, not after Launch
    except ArenaError as exc:
        show_error(exc)
        return
    if "arena_last_job" in st.session_state and last.snapshot().state == "failed":
        finished_view(last)
    with st.spinner("Timing a few training steps in a separate process (once per server; it loads "
                    "TensorFlow, which takes a few seconds)…"):
        # no probe on a busy CPU: with two slots, a probe beside a training timed it slow for the server's life
        device, estimate = launch_estimate(settings, probe=not SLOTS.running())
    st.markdown(f"**Device:** {device}")
    cols = st.columns(3)
    if estimate is None:
        cols[0].metric("Estimated time", "—", "after the running training", delta_color="off", delta_arrow="off")
    else:
        how = listed([ESTIMATE_SOURCES[source] for source in estimate.sources])
        cols[0].metric("Estimated time", duration(estimate.total_seconds), f"from {how}", delta_color="off",
                       delta_arrow="off")
    train, val = train_and_val_sizes(settings)
    cols[1].metric("Images per epoch", f"{train:,} + {val:,}", "training + validation", delta_color="off",
                   delta_arrow="off")
    if estimate is not None and (note := batch_note(estimate, settings.train.batch_size)):
        st.caption(note)
    launch_button(settings, limits, estimate)


def launch_section(limits: ArenaLimits) -> None:
    st.header("Launch a live training")
    st.markdown("Train the models yourself on this server and watch the curves grow; the estimate below says how "
                "long your settings take. The server trains one launch at a time.")
    job = st.session_state.get("arena_job")
    if job is not None:
        live_panel()
        # Drawn, greyed out, so that the address (and the share link) keeps them: a control that is not drawn
        # leaves it, and a link copied during a launch opened the launcher's defaults.
        with st.expander("This launch's settings (locked while it trains)"):
            launch_switch(locked=True)
            launch_controls(limits, locked=True)
        return
    last = st.session_state.get("arena_last_job")
    failed = last is not None and last.snapshot().state == "failed"
    if last is not None and not failed:
        finished_view(last)
    if launch_switch():
        launcher(limits)  # it says why a launch failed, until a setting changes
    elif failed:
        finished_view(last)


def launch_switch(locked: bool = False) -> bool:
    return st.toggle("Open the launcher (loads TensorFlow: a few seconds the first time)", False, key="arena_launch",
                     disabled=locked, **BOUND)


page_setup("Training arena", "🏋️")
PAGE_PX = shown_width()  # what a figure as wide as the page is shown at: the replay is laid out for it
st.title("Training arena")
# projector mode: the runs and architectures to replay, at the top
# a finished launch joins the replay by itself (collect_finished_job): only choosing among one's runs needs the sidebar
bar = projector_bar([3, 2], hidden="upload run files, or to choose which of your uploaded or launched runs to replay")
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
# runs timed on a machine described as this one is, for launch estimates (a launch on this server outranks them)
learn_from_records([loaded.record for loaded in RUNS])
selected_runs, shown_archs = replay_controls(RUNS, PROBLEMS, bar)
replay_section(selected_runs, shown_archs)
launch_section(LIMITS)
st.subheader("Why it matters")
st.markdown("Parameters and multiply-adds are arithmetic; accuracy, overfitting and time have to be measured, and "
            "one run is one sample of them. Look at the gap panel: a model that fits its training images much "
            "better than unseen ones is overfitting. Look at the seconds too, beside the multiply-adds: what the "
            "saving in arithmetic is worth in time depends on the device (the Speed lab measures why).")
share_link()
