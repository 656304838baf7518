"""Speed lab: measured time next to multiply-adds for Conv2D, SeparableConv2D and DepthwiseConv2D + 1x1 Conv2D.

The first view counts and shows recorded measurements without importing TensorFlow; TensorFlow is
loaded only when the reader clicks "Measure" or "Run the sweep".
"""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import threading
    from dataclasses import replace
    from typing import Sequence

    import streamlit as st

    from dsconv import ASSETS, figures
    from dsconv.costs import COMPARED_KINDS
    from dsconv.devices import cpu_model, device_name
    from dsconv.figures import timing_table, tutorial_table
    from dsconv.safe_text import counted
    from dsconv.speed import (
        BACKEND_FAILED,
        NEAR_ROOF,
        NOISY_SPREAD,
        PASS_LABELS,
        PASSES,
        SWEEP_PARAMETERS,
        SWEEP_VALUES,
        TIMED_KINDS,
        LayerSetup,
        Limits,
        Roofs,
        SpeedConfigError,
        TimingSettings,
        above_roof,
        classify_all,
        counting_rows,
        explain,
        layer_traffic,
        measure,
        measure_roofs,
        more_work_note,
        read_measurements,
        recorded_for,
        recorded_roofs,
        ridge_paragraph,
        speed_ratios,
        speedup_sentence,
        summary,
        sweep,
        traffic_paragraph,
    )
    from dsconv_ui.common import (
        BOUND,
        figure_scale,
        page_setup,
        projector_bar,
        roomy_on_a_small_projector,
        share_link,
        shared_figure,
        show_error,
        show_table,
        shown_width,
    )

TIMINGS_DIR = ASSETS / "speed"
SIZES = (4, 8, 16, 32, 56, 64, 112, 128, 224)
KERNELS = (1, 3, 5, 7, 9, 11)
LIMITS = Limits()
DEFAULT = LayerSetup()
# Figures are shared by every session, one per setting (dsconv_ui.common.shared_figure): a class opening the page
# with the recorded timings builds its six figures once, not once per student.
intensity_figure = shared_figure(figures.intensity_figure)
work_and_time_figure = shared_figure(figures.work_and_time_figure)
ratio_figure = shared_figure(figures.ratio_figure)
roofline_figure = shared_figure(figures.roofline_figure)
sweep_figure = shared_figure(figures.sweep_figure)
RECORDED_TITLES = {"sweep_out_channels": "Sweep over output channels", "sweep_kernel_size": "Sweep over kernel size",
                   "tutorial_layers": "The tutorial's convolution layers", "default": "The default layer"}


@st.cache_data(max_entries=4)
def recorded_measurements() -> dict[str, dict]:
    """Every bundled measurement file, keyed by its name (cpu, gpu, ...)."""
    return {path.stem: read_measurements(path) for path in sorted(TIMINGS_DIR.glob("*.json"))}


def layer_controls(bar: list | None) -> LayerSetup:
    """The configured layer, from the sidebar (size, channels and kernel from the projector bar if there is one)."""
    st.sidebar.header("The layer")
    spots = bar or [st.sidebar] * 4
    size = spots[0].select_slider("Input height and width (pixels)", SIZES, DEFAULT.height, key="spd_size", **BOUND)
    in_channels = spots[1].number_input("Input channels", 1, LIMITS.max_channels, DEFAULT.in_channels, key="spd_cin",
                                         **BOUND)
    out_channels = spots[2].number_input("Output channels (filters)", 1, LIMITS.max_channels, DEFAULT.out_channels,
                                          key="spd_cout", **BOUND)
    kernel = spots[3].select_slider("Kernel size (k x k)", KERNELS, DEFAULT.kernel_size, key="spd_k", **BOUND)
    batch = st.sidebar.number_input("Batch (images per call)", 1, LIMITS.max_batch, DEFAULT.batch, key="spd_batch",
                                    **BOUND)
    st.sidebar.caption('Stride 1, padding "same", float32, biases as Keras sets them by default.')
    return LayerSetup(height=size, width=size, in_channels=int(in_channels), out_channels=int(out_channels),
                      kernel_size=kernel, batch=int(batch))


def measuring_controls() -> tuple[TimingSettings, tuple[str, ...], str, str]:
    """Repeats, which kinds to time, and the sweep's size and pass."""
    st.sidebar.header("Measuring")
    repeats = st.sidebar.slider("Timed repeats per layer and pass", 3, 30, TimingSettings().repeats, key="spd_repeats",
                                **BOUND,
                                help="After 2 untimed warm-up calls. Fewer are run when the time cap is near.")
    steps = st.sidebar.toggle("Also time the depthwise and 1x1 steps alone", False, key="spd_steps", **BOUND)
    st.sidebar.header("Sweep")
    parameter = st.sidebar.radio("Vary", tuple(SWEEP_PARAMETERS), format_func=SWEEP_PARAMETERS.get, key="spd_sweep",
                                 **BOUND)
    pass_name = st.sidebar.radio("Pass", PASSES, format_func=PASS_LABELS.get, key="spd_sweep_pass", **BOUND)
    kinds = TIMED_KINDS if steps else COMPARED_KINDS
    return TimingSettings(repeats=repeats), kinds, parameter, pass_name


def sweep_stale(swept: LayerSetup, parameter: str, pass_name: str, setup: LayerSetup, parameter_now: str,
                pass_now: str) -> bool:
    """Whether a sweep (of `parameter` on the layer `swept`, whatever its value of that parameter) is not the one
    the sidebar now sets: another layer, setting or pass."""
    return (parameter, pass_name) != (parameter_now, pass_now) or \
        replace(swept, **{parameter: getattr(setup, parameter)}) != setup


def describe(setup: LayerSetup, swept: str | None = None, values: Sequence[int] = ()) -> str:
    """The layer in one line; a sweep's `swept` setting as the `values` it took ("Swept layer: ..., 1x1 kernel" named
    the first value swept as the layer's own kernel, beside a sidebar that set 3 x 3)."""
    values = ", ".join(map(str, sorted(values[:-1]))) + f" or {max(values)}" if len(values) > 1 else \
        "".join(map(str, values))
    out = f"{values} channels out" if swept == "out_channels" else f"{counted(setup.out_channels, 'channel')} out"
    kernel = f"a k x k kernel, k = {values}" if swept == "kernel_size" else \
        f"{setup.kernel_size}x{setup.kernel_size} kernel"
    return f"{setup.batch} x {setup.height} x {setup.width} x {setup.in_channels} in, {out}, {kernel}"


def show_timings(timings: list, scale: float, key: str, roofs: Roofs | None = None, recorded: dict | None = None) -> None:
    """Table, a warning for noisy rows, work-vs-time bars and the ratio chart; `key` names the charts."""
    st.caption("n: timed calls. IQR: interquartile range, the spread of the middle half of them. x fewer "
               "multiply-adds, x faster: than Conv2D (multiply-adds, median ms); below 1, more work or slower (0.50x "
               "faster takes twice Conv2D's time). GB/s: the bytes each step moves if every tensor goes through "
               "memory once (the hidden depthwise output out and back), per second; caches or a fused kernel can "
               "move fewer. "
               "Forward + backward does 3x the forward pass's multiply-adds and moves 3x its bytes (gradients for "
               "the input and for the weights)." + (" Limited by: where the step sits under this device's roofs "
                                                   "(section 'The roofline' below)." if roofs else ""))
    for pass_name in (p for p in PASSES if any(t.pass_name == p for t in timings)):
        st.markdown(f"**{PASS_LABELS[pass_name].capitalize()} pass**")
        show_table(timing_table(timings, pass_name, roofs))
    noisy = [t for t in timings if t.noisy]
    if noisy:
        rows = "; ".join(f"{t.label}, {t.pass_label} (IQR {t.iqr_ms:.2f} ms on a median of "
                         f"{t.median_ms:.2f} ms)" for t in noisy)
        if recorded:
            when = (f"The machine may have been busy while these were recorded (load average "
                    f"{recorded.get('load_average_start', '?')} before, {recorded.get('load_average', '?')} after, "
                    "for 1, 5 and 15 minutes), or these steps vary from call to call: read those rows with care.")
        else:
            when = "This server may have been busy while measuring: measure again before trusting those rows."
        st.warning(f"The middle half of the samples spans more than {NOISY_SPREAD:.0%} of the median for {rows}. "
                   + when, icon="📉")
    if any(t.measured for t in timings):
        st.plotly_chart(work_and_time_figure(timings, scale, PAGE_PX), width="stretch", key=f"{key}_work",
                        config={"displayModeBar": False})
        if speed_ratios(timings):
            st.plotly_chart(ratio_figure(timings, scale, PAGE_PX), width="stretch", key=f"{key}_ratio",
                            config={"displayModeBar": False})


def show_roofline(timings: list, roofs: Roofs | None, device: str, scale: float, key: str) -> list:
    """The roofline chart and one sentence per step on what limits it; returns the classified steps."""
    if roofs is None:
        st.caption("No roofs were recorded with these timings, so they cannot be placed on a roofline.")
        return []
    steps = classify_all(timings, roofs)
    if not steps:
        return []
    named = device_name(device)
    st.markdown(f"**The roofline.** {named[0].upper()}{named[1:]} reaches **{roofs.peak_gflops:.0f} GFLOP/s** on a "
                f"{roofs.matmul_size} x {roofs.matmul_size} matrix product and moves **{roofs.bandwidth_gbs:.1f} "
                f"GB/s** copying a {roofs.copy_megabytes * 2**20 / 1e6:.0f} MB array ({roofs.copy_megabytes} MiB): its "
                f"ridge point is {roofs.ridge:.1f} FLOPs per "
                f"byte. The smallest possible layer call takes {roofs.floor_words()}. {roofs.floor_note()}".rstrip())
    st.plotly_chart(roofline_figure(steps, roofs, device, scale, PAGE_PX), width="stretch", key=f"{key}_roofline",
                    config={"displayModeBar": False})
    above = above_roof(steps, roofs)  # as the sentences under the figure say
    st.caption("Points on a roof run as fast as that roof allows; a step is bound by a roof when it reaches at "
               f"least {NEAR_ROOF:.0%} of it. Circles: forward; diamonds: forward + backward."
               + (" A point above a roof beat the measured roof: its data fit in the caches, which are faster "
                  "than main memory, its kernel is better tuned than the matrix product, or it did fewer "
                  "multiplications than the count it is placed by (Winograd's method does, for small kernels)."
                  if above else ""))
    st.markdown("\n".join(f"- {line}" for line in explain(steps, roofs, device)))
    return steps


def show_skipped(timings: list, parameter: str | None = None) -> None:
    """Say which timings the backend could not run and which the time cap left out, and what to change."""
    failed = [t for t in timings if t.skipped.startswith(BACKEND_FAILED)]
    if failed:
        st.warning(f"The backend could not run {len(failed)} of {len(timings)} timings on this machine: "
                   + "; ".join(f"{t.label}, {PASS_LABELS[t.pass_name]} at {t.setup.in_channels} -> "
                               f"{t.setup.out_channels} channels, k = {t.setup.kernel_size}: {t.skipped}"
                               for t in failed[:4]) + (f"; and {len(failed) - 4} more" if len(failed) > 4 else "")
                   + ". Try other channel counts or kernel sizes.", icon="⚠️")
    skipped = [t for t in timings if t.skipped and t not in failed]
    if not skipped:
        return
    if parameter:
        values = sorted({getattr(t.setup, parameter) for t in skipped})
        where = f"at {SWEEP_PARAMETERS[parameter]} {', '.join(map(str, values))}"
    else:
        where = "; ".join(f"{t.label}, {PASS_LABELS[t.pass_name]}: {t.skipped}" for t in skipped)
    st.warning(f"{len(skipped)} of {len(timings)} timings did not fit in the time cap ({where}). Make the layer "
               "smaller (batch, size, channels) or time fewer kinds; a busy server also leaves less time.", icon="⏱️")


@st.cache_resource(max_entries=4, show_spinner=False)
def server_roofs(backend: str, device: str) -> Roofs:
    """This server's roofs on one backend and device, measured once (about 2 s) and shared by every user."""
    return measure_roofs()


def with_roofs(report):
    """The report with this server's roofs attached (measured once per server), for section 1 and the roofline."""
    with st.spinner("Measuring this server's roofs once: a large matrix product and a large array copy..."):
        report.roofs = server_roofs(report.backend, report.device)
    return report


@st.cache_resource
def measuring_lock() -> threading.Lock:
    """One measurement at a time on this server: two at once would slow each other down."""
    return threading.Lock()


def run_measurement(run, state_key: str) -> bool:
    """Run `run(progress)` under the server-wide lock with a progress bar; store its result in session state.
    Returns whether it did (otherwise a message on the page says why not)."""
    lock = measuring_lock()
    if not lock.acquire(blocking=False):
        st.warning("Someone else is measuring on this server right now; both timings would suffer. "
                   "Try again in a few seconds.", icon="⏳")
        return False
    try:
        st.session_state[state_key] = run(progress_bar("Loading TensorFlow ..."))
        return True
    except SpeedConfigError as exc:
        show_error(exc)
        return False
    finally:
        lock.release()


def progress_bar(first_text: str):
    """An st.progress bar and the callback that moves it."""
    bar = st.progress(0.0, text=first_text)
    return lambda fraction, text: bar.progress(min(max(fraction, 0.0), 1.0), text=text)


page_setup("Speed lab", "⏱️")
roomy_on_a_small_projector()  # at 773 px the roofline's legend took 11 lines: the figure could not fit the window
PAGE_PX = shown_width()  # what a figure as wide as the page is shown at: titles and legends fit it

st.title("Speed lab: multiply-adds are not milliseconds")
# projector mode: the layer's size, channels and kernel at the top (the sidebar is hidden)
bar = projector_bar(4, hidden="change the batch, the timed repeats, the steps timed alone and the sweep")
st.write(
    "A depthwise separable layer usually does far fewer multiply-adds than a standard convolution, so it should "
    "be that much faster. Is it? Configure a layer, count its work, then time it on this server: Conv2D, "
    "SeparableConv2D, and DepthwiseConv2D followed by a 1x1 Conv2D, each forward and forward + backward.")

setup = layer_controls(bar)
settings, kinds, sweep_parameter, sweep_pass = measuring_controls()
scale = figure_scale()
recorded = recorded_measurements()

too_large = None
try:
    setup.validate(LIMITS)
except SpeedConfigError as exc:
    too_large = exc
traffic = layer_traffic(setup)
report = st.session_state.get("speed_report")
found = {}  # the recorded timings section 2 shows, by device, when nothing was measured here
# The roofs section 1 compares with: this server's, once measured here, else the bundled CPU file's.
cpu_meta = recorded.get("cpu", {}).get("meta", {})
shown_roofs, roofs_device = (report.roofs, report.device) if report and report.roofs else (
    recorded_roofs(cpu_meta), cpu_meta.get("device", "the recorded CPU"))

st.header("1. What counting says")
st.caption(f"Layer: {describe(setup)}. Multiply-adds are for the whole batch, forward pass; FLOPs = 2 x multiply-adds. "
           "Bytes are counted in powers of 1,000, as bandwidth is (1 MB = 1,000,000 bytes, as in GB/s; Real networks "
           "counts memory in KiB of 1,024 bytes).")
show_table(counting_rows(setup))
if more_work := more_work_note(setup):
    st.caption(more_work)
# Timings measured here for this very layer are drawn beside its work per byte, once: section 2 drew the same
# intensity panel again under them.
measured_here = report.timings if report and report.timings[0].setup == setup else ()
st.plotly_chart(intensity_figure(traffic, measured_here, scale, shown_roofs, PAGE_PX), width="stretch",
                key="spd_intensity_chart", config={"displayModeBar": False})
if shown_roofs:
    st.caption(f"Dashed line: the ridge point of {device_name(roofs_device)}, its measured peak GFLOP/s over its "
               "measured GB/s. "
               "A step below it can at best run at intensity x bandwidth."
               + (" Right: the speed each layer reached when measured here (section 2)." if measured_here else ""))

st.header("2. What the clock says")
device_line = report.device if report else f"{cpu_model()} (a GPU, if any, is named after the first click)"
st.caption(f"Device: {device_line}. Each click: 2 untimed warm-up calls per layer and pass, then up to "
           f"{settings.repeats} timed calls; median and interquartile range (the middle half of the samples). "
           f"The whole click is capped at {settings.time_cap_s:.0f} s; loading and starting TensorFlow, and "
           "measuring this server's roofs, add a few seconds the first time.")
if too_large:
    show_error(too_large)
    if bar:  # projector mode: the batch is in the sidebar, which that mode hides
        st.caption("In projector mode the batch is in the hidden sidebar: change the settings above, or leave "
                   "projector mode to lower the batch.")
clicked = st.button("Measure", type="primary", key="spd_measure", disabled=too_large is not None)
if clicked and run_measurement(lambda update: with_roofs(measure(setup, kinds=kinds, settings=settings, limits=LIMITS,
                                                                   progress=update)), "speed_report"):
    # Section 1 and "Why it matters" use the roofs of the newest measurement: draw the page again with them, or
    # this run would show the recorded file's ridge point above and this server's below.
    st.rerun()
shown = ("", [], [])  # (where, timings, classified steps) section 2 shows for this layer, for "Why it matters"
if report is not None:
    measured_setup = report.timings[0].setup
    st.subheader(f"Measured here: {report.device}")
    startup = f" (+ {report.startup_s:.1f} s starting {report.backend})" if report.startup_s >= 0.05 else ""
    st.caption(f"Layer: {describe(measured_setup)}; backend {report.backend}; took {report.elapsed_s:.1f} s{startup}.")
    show_skipped(report.timings)
    if not measured_here:
        st.warning("These timings are for the layer above, not for the settings now in the sidebar. "
                   + ("The new layer is too large to time here (above)." if too_large
                      else "Click Measure to time the new layer."))
    show_timings(report.timings, scale, "spd_measured", report.roofs)
    if not measured_here:  # an earlier layer's: section 1 draws the layer now chosen
        st.plotly_chart(intensity_figure(layer_traffic(measured_setup), report.timings, scale, report.roofs, PAGE_PX),
                        width="stretch", key="spd_measured_intensity", config={"displayModeBar": False})
    steps = show_roofline(report.timings, report.roofs, report.device, scale, "spd_measured")
    if measured_here:
        shown = (f"this server ({report.device})", report.timings, steps)
else:
    found = recorded_for(recorded, setup)  # shown here; section 4 does not show them again
    if not found:
        st.info("Nothing measured yet, and no recorded measurement for exactly this layer: "
                + ("it is too large to time here (above); a smaller one can be." if too_large else "click Measure."))
    for name, timings in found.items():
        meta = recorded[name]["meta"]
        roofs = recorded_roofs(meta)
        st.subheader(f"Recorded earlier on {meta['device']}")
        calls = meta.get("settings", {}).get("repeats")
        with_calls = (f" with up to {calls} timed calls per layer and pass (a measurement here takes the number the "
                      "slider sets)") if calls else ""
        # (no "-m" in the sentence's code: a projector's line broke the command there, "python -" over "m dsconv")
        now = ("This layer is too large to time in a click here (above); the `dsconv.bench layers` benchmark "
               "recorded these without that limit." if too_large else "Click Measure to time this layer here and now.")
        st.caption(f"Recorded {meta['date']}{with_calls}; nothing was run to show these. {meta['note']} {now}")
        show_timings(timings, scale, f"spd_found_{name}", roofs, meta)
        steps = show_roofline(timings, roofs, meta["device"], scale, f"spd_found_{name}")
        named = device_name(meta["device"])  # "the AMD EPYC with 2 cores": "On the recorded AMD EPYC, 2 cores, this
        # layer's ..." read as a list
        shown = (f"the recorded {named[4:]}" if named.startswith("the ") else f"{named} (recorded)", timings, steps)

st.header("3. Sweep")
st.write(f"Time the three layers with the {SWEEP_PARAMETERS[sweep_parameter]} set to each of "
         f"{', '.join(map(str, SWEEP_VALUES[sweep_parameter]))}, everything else as configured "
         f"({PASS_LABELS[sweep_pass]}, same {settings.time_cap_s:.0f} s cap: fewer repeats each).")
if st.button("Run the sweep", key="spd_run_sweep", disabled=too_large is not None):
    run_measurement(lambda update: (sweep_parameter, sweep(setup, sweep_parameter, sweep_pass, settings=settings,
                                                           limits=LIMITS, progress=update)), "sweep_report")
if "sweep_report" in st.session_state:
    parameter, sweep_report = st.session_state["sweep_report"]
    timings = sweep_report.timings
    show_skipped(timings, parameter)
    if timings:
        swept = timings[0].setup
        timed = {getattr(t.setup, parameter) for t in timings}  # the values over a limit were never timed
        st.caption(f"Swept layer: {describe(swept, parameter, sorted(timed))}; {PASS_LABELS[timings[0].pass_name]}.")
        # a sweep kept from an earlier layer stood under the new one's sentence and controls, unsaid (section 2 says
        # so of its timings)
        if sweep_stale(swept, parameter, timings[0].pass_name, setup, sweep_parameter, sweep_pass):
            st.warning("This sweep was run on the layer and pass named above, not on the settings now in the "
                       "sidebar. Click Run the sweep to sweep those.", icon="⏱️")
        left_out = tuple(value for value in SWEEP_VALUES[parameter] if value not in timed)
        st.plotly_chart(sweep_figure(timings, parameter, timings[0].pass_name, scale, PAGE_PX, left_out),
                        width="stretch", key="spd_sweep_chart", config={"displayModeBar": False})
    else:  # each value over a limit (an 11 x 11 kernel at 224 px, batch 83): the notes below say which and why
        st.warning(f"Every value of the sweep was left out, so nothing was timed: the notes below say why. Make the "
                   f"layer smaller (batch, size, channels), or sweep another setting than the "
                   f"{SWEEP_PARAMETERS[parameter]}.", icon="⏱️")
    for note in sweep_report.notes:
        st.caption(note)
else:
    st.caption("No sweep run yet; the recorded sweeps are in section 4.")

st.header("4. Recorded measurements")
for name, data in recorded.items():
    meta = data["meta"]
    st.markdown(f"**{name.upper()}: {meta['device']}**, {meta['date']}, Keras {meta['keras']} on "
                f"{meta['backend']} {meta['backend_version']}. {meta['note']}")
if "gpu" not in recorded:
    # The command in a block of its own, whole on one line and with a copy button: inside the sentence a projector's
    # line broke it after "python -", and a student copied "m dsconv.bench ..." from the next line
    st.caption("GPU: none recorded. This project had no GPU when these were measured, and no figure is invented. "
               "On a GPU machine, this command adds them here:")
    st.code("python -m dsconv.bench layers --out dsconv/assets/speed/gpu.json", language="bash")
choice = st.radio("Show", tuple(RECORDED_TITLES), format_func=RECORDED_TITLES.get, horizontal=True, key="spd_recorded",
                  **BOUND)
for name, data in recorded.items():
    entry = data["sets"].get(choice)
    if entry is None:
        continue
    if entry.get("parameter"):
        for pass_name in PASSES:
            st.plotly_chart(sweep_figure(entry["timings"], entry["parameter"], pass_name, scale, PAGE_PX),
                            width="stretch", key=f"spd_recorded_{name}_{pass_name}", config={"displayModeBar": False})
    elif choice == "tutorial_layers":
        rows, summary_text = tutorial_table(entry["timings"], entry["layer_names"])
        # (two separable columns beside one "x faster": which one it compares was not said)
        st.caption(f"Median ms of forward + backward for each layer at batch {entry['timings'][0].setup.batch}, as "
                   "in one training step. x fewer multiply-adds and x faster: SeparableConv2D against Conv2D.")
        show_table(rows)
        st.write(summary_text)
    elif found.get(name) == entry["timings"]:
        # section 2 shows these very timings, for the layer chosen: the page showed them, and their warnings, twice
        st.caption(f"The default layer is the layer chosen now: its {name.upper()} timings are in section 2 above.")
    else:  # named: beside section 2's tables of another layer, these read as that layer's
        st.caption(f"Layer: {describe(entry['timings'][0].setup)}, the layer this page opens with.")
        show_timings(entry["timings"], scale, f"spd_rec_{name}", recorded_roofs(data["meta"]), data["meta"])

st.header("Why it matters")
st.markdown(traffic_paragraph(traffic, setup.kernel_size))
if shown_roofs:
    st.markdown(ridge_paragraph(traffic["separable"].stages, shown_roofs, roofs_device))
where, timings, steps = shown
if steps:
    st.markdown(f"Measured on {where}, forward pass: {summary(steps)}")
speedup = speedup_sentence(timings, where)
if speedup:
    st.markdown(speedup)
st.markdown(
    "The tutorial met this too: its separable model did **8.35x fewer multiply-adds** (18.3 M vs 152.8 M per "
    "image), yet a training step went only from **26 to 21 ms** on its GPU, 1.24x faster. On GPUs, large "
    "depthwise layers are typically memory-bound; ShuffleNet V2 (Ma et al., 2018) made it a rule: FLOPs are an "
    "indirect measure of speed, so measure time on the target device, and count memory access too.")
share_link()
