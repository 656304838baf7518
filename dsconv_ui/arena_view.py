"""Streamlit helpers of the Training arena page: the runs a tab brings (uploads and finished launches), and a
launch's machinery (device and speeds, the Launch button, the live progress panel, the finished result).

The page (pages/3_Training_arena.py) reads top to bottom like the lesson and calls these; nothing here
imports TensorFlow, so the replay path stays light.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit import config as st_config

from dsconv import arena, replay
from dsconv.arena import SLOTS, ArenaBusy, ArenaError, ArenaLimits, LaunchSettings, TrainingJob
from dsconv.figures_training import live_figure
from dsconv.network import short_kind_label
from dsconv.runs import RunFileError
from dsconv.safe_text import plain
from dsconv_ui.common import figure_scale, show_error

ROOT = Path(__file__).resolve().parents[1]
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
    for file in files or []:
        key = f"upload:{file.name}"
        if key in uploads and uploads[key][0] == file.file_id:
            continue
        try:
            record = replay.read_upload(file.name, file.getvalue())
        except RunFileError as exc:
            errors.append(str(exc))
            uploads.pop(key, None)
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
    key = f"session:{job.id}"
    runs = st.session_state.setdefault("arena_session_runs", {})
    runs[key] = replay.LoadedRun(key, f"Launch {job.id}: {job.settings.title()}", "session", job.record)
    for old in list(runs)[:-MAX_SESSION_RUNS]:
        runs.pop(old)
    st.session_state["arena_mine"] = [k for k in st.session_state.get("arena_mine", []) if k in runs
                                      or k.startswith("upload:")] + [key]
    kept = st.session_state.setdefault("arena_model_jobs", [])
    class_names = tuple(job.record.data.get("class_names") or ()) or None
    kept.append((job.id, {f"{name} (launch {job.id})": (model, class_names) for name, model in job.models.items()}))
    del kept[:-MAX_MODEL_RUNS]
    st.session_state["arena_models"] = {name: model for _, models in kept for name, model in models.items()}


# --- Launch -----------------------------------------------------------------------------------------------

def launch_speeds(settings: LaunchSettings) -> tuple[str, dict[str, arena.Speed] | None]:
    """The device, and each architecture's speed, recorded or probed once per server (None when busy)."""
    archs, alpha = settings.architectures, settings.width_multiplier
    busy = SLOTS.is_full()  # a probe on a CPU that is training would be slow and wrong
    with st.spinner("Timing a few training steps in a separate process (once per server; it loads "
                    "TensorFlow, which takes a few seconds)…"):
        device, speeds = arena.machine_profile(archs, alpha, settings.batch_size, probe=not busy)
    return device, speeds if len(speeds) == len(archs) else None


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
        text = (f"Training {snap.architecture} ({index} of {len(snap.architectures)}) · "
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
        show_error(ArenaError(plain(snap.message)))  # it may quote a data folder's paths and class names
        return
    record = job.record
    finished = [part for part in record.architectures if part.epochs] if record is not None else []
    if not finished:
        st.warning(f"{snap.message} No epoch had finished, so nothing was kept: the replay and the Filters page are "
                   "as they were.", icon="⏹️")
        return
    if snap.state == "stopped":
        unfinished = [short_kind_label(part.name) for part in record.architectures if not part.epochs]
        left_out = (f" Stopped before a first epoch finished, so left out: {', '.join(unfinished)}."
                    if unfinished else "")
        st.warning(f"{snap.message} The epochs that finished are kept below and in the replay above.{left_out}",
                   icon="⏹️")
    else:
        st.success(f"Launch {job.id} finished in {duration(snap.elapsed)}: it is in the replay above, under "
                   "'Your runs'.", icon="✅")
    cols = st.columns(len(finished))
    for col, part in zip(cols, finished):
        best = replay.best_epoch(part)
        col.metric(f"{short_kind_label(part.name)}: test accuracy",
                   "—" if part.test_accuracy is None else f"{part.test_accuracy:.3f}",
                   f"best val {best[0]:.3f} (epoch {best[1]})" if best else f"{len(part.epochs)} epochs",
                   delta_color="off", delta_arrow="off")
    run = replay.LoadedRun(f"session:{job.id}", f"Launch {job.id}", "session", record)
    rows = [row for row in replay.summary_rows(run) if row.epochs_done]
    st.table(replay.table_rows(rows), hide_index=True)
    cols = st.columns(3)
    cols[0].download_button("Download the run record (JSON)", job.record_json, file_name=f"{job.run_name}.json",
                            mime="application/json", key="arena_download_json", on_click="ignore")
    cols[1].download_button("Download the weights (zip of .weights.h5)", job.weights_zip,
                            file_name=f"{job.run_name}_weights.zip", mime="application/zip",
                            key="arena_download_weights", on_click="ignore")
    if job.models and (ROOT / "pages" / "4_Filters_on_your_image.py").exists():
        cols[2].markdown("🖼️ [See its learned filters](/Filters_on_your_image) (on the Filters page, for as long "
                         "as this tab stays open)")
