"""Real networks: where MobileNet, Xception, EfficientNet and ResNet spend their parameters and multiply-adds, and the
same for any Keras model a student brings. Counted from the model's config alone: no TensorFlow on this page."""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    from functools import partial

    import streamlit as st

    from dsconv.figures import cost, page_width_px
    from dsconv.figures import networks as figures
    from dsconv.kinds import SEPARABLE_KINDS, label
    from dsconv.profile import (
        ARCHITECTURES,
        CONVENTION,
        RECORD_FIELDS,
        SIZES,
        CountedUpload,
        ModelFileError,
        Profile,
        ProfileError,
        UnknownInputSize,
        apart,
        builtin_profile,
        count_upload,
        csv_text,
        in_millions,
        lesson,
        published,
        rows_as_records,
        what_if,
    )
    from dsconv.safe_text import counted, plain
    from dsconv_ui.common import (
        BOUND,
        arrow_table,
        figure_scale,
        is_presenting,
        kept_upload,
        page_setup,
        projector_bar,
        roomy_on_a_small_projector,
        share_link,
        show_error,
        show_table,
        shown_width,
    )

TABS = ("Layer by layer", "What if it were separable?", "Compare two networks")
OWN_SIZE = 0  # the input size picker's value for "the model's own"
UPLOAD = "your model file"  # the network picker's last choice
CHOICES = tuple(ARCHITECTURES) + (UPLOAD,)
DEFAULT = "mobilenet_v1_100"
# The layer table shows every column on the page, at 1400 px and on a projector, without a sideways scroll: the Keras
# class and the non-trainable count are left to the CSV, a layer's name is cut at this width (MobileNetV3's run to 40
# characters), and the note column comes only where a layer has a note.
CSV_ONLY = ("class", "non-trainable")
LAYER_COLUMN_PX = 240  # in projector mode, less by as much as the page is narrower than at 1280 x 800 (to 160 px)
LAYER_COLUMN_SHARE, LAYER_COLUMN_MIN_PX = 0.4, 120  # and never more than this share of a narrow page
NON_TRAINABLE_COLUMN_PX = 120  # the non-trainable column, shown where a layer is frozen: the layer names give it room
ROW_PX = 35  # a row of st.dataframe, its header's too


def title(name: str) -> str:
    """A network's name in the pickers. An unknown one (a broken link) is shown as it is, so that Streamlit drops it
    and the link's check names it; a label that raised would leave it in the session state unannounced."""
    if name == UPLOAD:
        return "Your model file (.keras, .h5 or .json)"
    return ARCHITECTURES[name].title if name in ARCHITECTURES else str(name)


def network_controls(bar: list | None) -> tuple[str, int]:
    """The network and its input size, from the sidebar or (projector mode) the bar at the top."""
    spots = bar or [st.sidebar, st.sidebar]
    st.sidebar.header("The network")
    name = spots[0].selectbox("Network", CHOICES, index=CHOICES.index(DEFAULT), format_func=title, key="rn_model",
                              **BOUND)
    own = ARCHITECTURES[name].size if name in ARCHITECTURES else None
    size = spots[1].select_slider(
        "Input size (height = width)", (OWN_SIZE,) + SIZES, OWN_SIZE, key="rn_size", **BOUND,
        format_func=lambda side: (f"its own ({own})" if own else "the file's own") if side == OWN_SIZE else str(side),
        help="A network without a dense layer on a flattened map takes any size; its multiply-adds grow with the "
             "picture's area. The papers' figures are for the network's own size.")
    return name, int(size)


@st.cache_resource(max_entries=64, show_spinner=False)
def profile_of(name: str, size: int) -> Profile:
    """A built-in network profiled once per size for every student: a shared, read-only result."""
    return builtin_profile(name, size or None)


@st.cache_resource(max_entries=64, show_spinner=False)
def layer_figure(name: str, size: int, scale: float, width_px: float):
    return figures.layer_figure(profile_of(name, size), scale, width_px)


@st.cache_resource(max_entries=64, show_spinner=False)
def share_figure(name: str, size: int, scale: float, width_px: float):
    return figures.share_figure(profile_of(name, size), scale, width_px)


def counted_upload(file, size: int) -> CountedUpload:
    """The file counted at this size, read once per file and size and kept for this student: the check that takes
    or refuses a new file and the page that shows it read the same count (each read and profiled it apart, twice
    for every new file). A refusal is raised, never kept."""
    kept = st.session_state.get("rn_upload_profile")
    if kept and kept[0] == (file.file_id, size):
        return kept[1]
    counted = count_upload(file.getvalue(), file.name, size)
    st.session_state["rn_upload_profile"] = ((file.file_id, size), counted)
    return counted


def check_model_file(file, size: int) -> None:
    """Raise the sentence that refuses a file that is no model this page can count: one that reads, but is no model
    config (a JSON of {}), threw away the model uploaded before it. A file that names no input size is taken (the
    student picks one), and so is one that fails only at the size picked (the size is at fault, not the file)."""
    try:
        counted_upload(file, size)
    except ProfileError as error:  # said with the file's name: the model before it stays, and is named under it
        raise ProfileError(f"{file.name[:80]!r} was not taken. {error}") from None


def uploaded_profile(size: int) -> tuple[Profile | None, Profile | None]:
    """The uploaded model's profile at the size picked, and at another size than the file's, its profile at the
    file's own size (None where the file names none); None until there is one. Every refusal is a sentence; nothing
    from the file is ever run."""
    spot = st if is_presenting() else st.sidebar  # projector mode hides the sidebar
    upload = kept_upload(spot.file_uploader, "A Keras model: .keras, .h5 or the config JSON",
                         type=["keras", "h5", "json"], key="rn_upload",
                         reader=partial(check_model_file, size=size), refused=(ModelFileError, ProfileError),
                         literal=True)
    spot.caption("Only the model's config is read (never its code or weights): a Lambda or custom layer is "
                 "listed as not counted. Over 25 MB? A .keras file is a zip: upload the config.json inside.")
    if upload is None:
        where = "above" if is_presenting() else "in the sidebar"
        st.info(f"Upload a model saved with `model.save('name.keras')` (or `model.to_json()` saved as .json) {where}, "
                "or pick a built-in network.")
        for kept in ("rn_upload_profile", "rn_upload_figures"):  # a removed file's profile and charts go too
            st.session_state.pop(kept, None)
        return None, None
    try:  # a kept file at a size picked since it was taken: counted again, or refused there
        counted = counted_upload(upload, size)
    except (ModelFileError, ProfileError) as error:
        show_error(error, literal=True)  # it may quote the file's names
        return None, None
    if counted.problem is not None:  # the size is at fault, not the file: the student picks another
        show_error(counted.problem, literal=True)
        if isinstance(counted.problem, UnknownInputSize):
            where = "at the top" if is_presenting() else "in the sidebar"
            st.caption(f"Pick an input size {where}: it sets height and width, and the model keeps its channels "
                       "(3, an RGB picture, where the file does not say).")
        return None, None
    return counted.profile, counted.own


def uploaded_figures(profile: Profile, scale: float, width_px: float) -> tuple:
    """The uploaded model's two charts, built once per upload, size, scale and page width and kept for this student
    (built on every run, they took 40-70 ms of each click on this page)."""
    kept = st.session_state.get("rn_upload_figures")
    if kept and kept[0] is profile and kept[1] == (scale, width_px):
        return kept[2]
    built = figures.layer_figure(profile, scale, width_px), figures.share_figure(profile, scale, width_px)
    st.session_state["rn_upload_figures"] = (profile, (scale, width_px), built)
    return built


def totals_section(profile: Profile, paper, own: Profile | None, network: str) -> None:
    cols = st.columns(4)
    cols[0].metric("Multiply-adds per picture", in_millions(profile.multiply_adds),
                   help=f"{profile.multiply_adds:,}; FLOPs about {in_millions(2 * profile.multiply_adds)}")
    # With a layer left out, or one that may be a shared layer counted twice (a JSON config cannot tell), the total
    # is not known to be Keras's count, and is labelled so: a JSON upload said "Keras's count" 296 against Keras's 148
    left_out, alike, merged = len(profile.not_counted), len(profile.maybe_shared), len(profile.maybe_distinct)
    caveats = [f"without the {counted(left_out, 'layer call')} that could not be counted"] if left_out else []
    if alike:
        as_what = "a layer of its own" if alike == 1 else "layers of their own"
        caveats.append(f"with {counted(alike, 'layer')} of the same name and settings as a layer in another block "
                       f"counted as {as_what} (Keras counts one layer called in both places once; the file cannot "
                       "tell)")
    if merged:
        caveats.append(f"with {counted(merged, 'layer')} taken for a layer of the same name and settings in a model "
                       f"around or inside {'it' if merged == 1 else 'them'}, and counted once (Keras, loading the "
                       "file, builds two; the file cannot tell)")
    cols[1].metric("Parameters (Keras's count)" if not caveats else "Parameters (counted layers)",
                   in_millions(profile.params),
                   help=f"{profile.params:,}: {profile.total('params'):,} trainable, "
                        f"{profile.total('frozen_params'):,} not"
                        + (f" ({fixed})" if (fixed := lesson.not_trainable(profile)) else "")
                        + "".join(f"; {caveat}" for caveat in caveats))
    cols[2].metric("Other operations", in_millions(profile.total("other_ops")),
                   help="Batch norm, activations, additions, pooling: counted apart from multiply-adds")
    memory = profile.total("activation_bytes")
    # three significant digits, as the other totals ("569 M"): ResNet50's read "141.0 MiB"
    # "Activation memory" alone read like the memory a forward pass needs at its peak, which is less
    # the unit in the label: at 1024 x 768 beside the sidebar "63.7 MiB" took two lines, the row's other numbers one
    amount, unit = (cost.short_memory(memory) if memory >= 1024 else f"{memory:,} bytes").rsplit(" ", 1)
    cols[3].metric(f"All layers' outputs ({unit})", amount,
                   help=f"Every layer's output in float32, for one picture, added up: {memory:,} bytes. Training "
                        "keeps them all for the backward pass; a forward pass alone can free each output once the "
                        "next layers have read it, and needs less at any one moment.")
    st.caption("Multiply-adds are the convolution and dense layers', as the papers count them (FLOPs are about twice "
               "as many); batch norm, activations, additions and pooling are the other operations. More in \"How "
               "dsconv counts\" below.")
    missing = lesson.not_counted(profile, plain)
    if missing:
        st.warning(missing, icon="🧮")
    st.markdown(lesson.where_the_arithmetic_is(profile, plain))
    st.markdown(lesson.where_the_parameters_are(profile, plain))
    changed = lesson.size_note(profile, own, network, plain) if own else ""
    if changed:
        st.markdown(changed)
    if paper is None:
        return
    checks = [check for check in (lesson.multiply_adds_check(profile, paper), lesson.params_check(profile, paper))
              if check]
    if checks:
        show_table([{"figure": check.what, "paper": check.paper, "we count": f"{check.ours:,}",
                    "how they agree": check.verdict} for check in checks])
    # The accuracy too: a note often qualifies it ("its best epoch, read off the test set"), and stood alone.
    accuracy = f" Top-1 accuracy {paper.top1_text}% on {paper.dataset}." if paper.top1 else ""
    st.caption(f"Paper: {paper.source}.{accuracy}" + (f" Note: {paper.note}." if paper.note else ""))


def layers_section(profile: Profile, name: str, size: int) -> None:
    scale = figure_scale()
    if name in ARCHITECTURES:
        chart, shares = layer_figure(name, size, scale, PAGE_PX), share_figure(name, size, scale, PAGE_PX)
    else:
        chart, shares = uploaded_figures(profile, scale, PAGE_PX)
    st.plotly_chart(shares, key="rn_share_chart", config={"displayModeBar": False}, theme=None)
    st.plotly_chart(chart, key="rn_layer_chart", config={"displayModeBar": False}, theme=None)
    st.caption("Every convolution and dense layer, in the order the network runs them; hover over (or tap) a bar for "
               "its name. The table below lists every layer.")
    records = rows_as_records(profile)
    # a frozen layer read "params 0" here and its full count in the what-if's table: its column shows where any is
    shown = [column for column in RECORD_FIELDS if (column not in CSV_ONLY or column == "non-trainable"
                                                    and profile.frozen_layers)
             and (column != "note" or any(record["note"] for record in records))]
    # as tall as its rows, up to 420 px (a one-layer upload's table stood 420 px tall, mostly empty rows)
    height = min(420, ROW_PX * (len(records) + 1) + 3)
    # On a 1024 x 768 projector Xception's table ran 13 px past the page, with the layer names 240 px wide
    layer_px = LAYER_COLUMN_PX if not is_presenting() else \
        int(max(160, LAYER_COLUMN_PX - max(0.0, page_width_px(figure_scale()) - PAGE_PX)))
    # On a phone the table scrolls sideways under its pinned layer names: 240 px of a 356 px page left one more column
    if "non-trainable" in shown:  # a frozen layer's column takes its width from the names' (it ran past the page)
        layer_px = max(LAYER_COLUMN_MIN_PX, layer_px - NON_TRAINABLE_COLUMN_PX)
    layer_px = int(min(layer_px, max(LAYER_COLUMN_MIN_PX, LAYER_COLUMN_SHARE * PAGE_PX)))
    st.dataframe(arrow_table(records), hide_index=True, key="rn_table", height=height, column_order=shown,
                 column_config={"layer": st.column_config.TextColumn(width=layer_px, pinned=True),
                                "activation KiB": st.column_config.NumberColumn("output KiB", format="localized"),
                                **{column: st.column_config.NumberColumn(format="localized")
                                   for column in ("params", "non-trainable", "multiply-adds", "other ops")}})
    fixed = lesson.not_trainable(profile)
    st.caption("Output KiB: the layer's output for one picture, in float32 (1 KiB = 1,024 bytes). Params: the "
               + (f"trainable ones; non-trainable: {fixed}. The CSV also has each layer's Keras class"
                  if profile.frozen_layers else
                  "trainable ones" + (f" (Keras's count adds {fixed})" if fixed else "") + ". The CSV also has each "
                  "layer's Keras class and its non-trainable parameters")
               + ", and names a long layer in full.")
    st.download_button("Download the table (CSV)", partial(csv_text, profile), "layers.csv", "text/csv",
                       key="rn_csv")  # written when clicked, not on every run


def what_if_section(profile: Profile) -> None:
    st.markdown("The tutorial's experiment on a whole network: replace every standard k x k convolution (k > 1) "
                "with a separable one of the same filters, window, strides and padding. The output shapes stay the "
                "same, so every other layer stays as it was.")
    replacement = st.radio("Replace them with", SEPARABLE_KINDS, format_func=label, horizontal=True,
                           key="rn_whatif", **BOUND)
    result = what_if(profile, replacement)
    st.markdown(lesson.what_if_sentence(result, plain))
    if replacement == "mobilenet":
        st.caption("A MobileNet block brings its own batch norm and ReLU after each step; where the network already "
                   "had them after the convolution, the swap keeps both, as a literal swap would.")
    if not result.swaps:
        return
    cols = st.columns(2)
    for spot, name, (before, after) in ((cols[0], "Multiply-adds", apart(result.before.multiply_adds,
                                                                        result.after.multiply_adds)),
                                        (cols[1], "Parameters", apart(result.before.params, result.after.params))):
        spot.metric(f"{name} after", after, f"before: {before}", delta_color="off", delta_arrow="off")
    st.dataframe(arrow_table([{"layer": swap.before.name, "kernel": swap.before.kernel_text,
                   "output shape": "x".join(map(str, swap.before.output_shape or ())),
                   "params before": swap.total("total_params")[0], "params after": swap.total("total_params")[1],
                   "multiply-adds before": swap.total("multiply_adds")[0],
                   "multiply-adds after": swap.total("multiply_adds")[1]} for swap in result.swaps]),
                 hide_index=True, key="rn_whatif_table", column_config={
                     "layer": st.column_config.TextColumn(pinned=True),
                     **{column: st.column_config.NumberColumn(format="localized") for column in (
                         "params before", "params after", "multiply-adds before", "multiply-adds after")}})


def compare_section(profile: Profile, name: str, size: int) -> None:
    others = tuple(ARCHITECTURES)
    other = st.selectbox("Compare with", others, index=others.index("mobilenet_v2"), format_func=title,
                         key="rn_compare", **BOUND)
    other_profile = profile_of(other, 0)
    mine = published(name, size or None) if name in ARCHITECTURES else None
    theirs = published(other)
    rows = []
    for shown, paper in ((profile, mine), (other_profile, theirs)):
        rows.append({"network": shown.name, "input": shown.input_text,
                     "multiply-adds (we count)": in_millions(shown.multiply_adds),
                     "parameters (we count)": in_millions(shown.params),
                     "top-1, as published": f"{paper.top1_text}%" if paper and paper.top1 else "—",
                     "data set": paper.dataset if paper else "—",
                     "measured with": paper.protocol if paper and paper.top1 else "—",
                     "source": paper.source if paper else "—"})
    show_table(rows)
    st.markdown(lesson.comparison_sentence(profile, mine, other_profile, theirs, plain))
    st.caption("The accuracies are quoted from the papers, not measured here: top-1 on the data set named, as each "
               "paper measured it. The tutorial's models are CIFAR-10 models and do not compare with ImageNet ones.")


def tab_contents(profile: Profile | None, name: str, size: int) -> None:
    """The three tabs; only the open one runs. Without a profile (no file yet) each says so, and keeps its place."""
    tabs = dict(zip(TABS, st.tabs(TABS, key="rn_tab", on_change="rerun", bind="query-params")))
    sections = {"Layer by layer": lambda: layers_section(profile, name, size),
                "What if it were separable?": lambda: what_if_section(profile),
                "Compare two networks": lambda: compare_section(profile, name, size)}
    for title_, section in sections.items():
        with tabs[title_]:
            if tabs[title_].open:
                if profile is None:
                    st.caption("This part shows once a network is counted.")
                else:
                    section()


page_setup("Real networks", "🏗️")
roomy_on_a_small_projector()
PAGE_PX = shown_width()  # what a table as wide as the page is shown at: the layer table's names give way to fit it
st.title("Real networks")
bar = projector_bar(2)
st.markdown("MobileNet and Xception made depthwise separable convolutions famous. Open one and count: where do its "
            "parameters and multiply-adds sit, layer by layer? Every number comes from the model's Keras config "
            "alone, and the tests check each built-in network against the Keras model itself.")
name, size = network_controls(bar)
if name == UPLOAD:
    (profile, own), paper = uploaded_profile(size), None
else:
    try:
        profile, paper = profile_of(name, size), published(name, size or None)
        own = profile_of(name, 0) if size else None
    except ProfileError as error:  # a size too small for the network's windows
        show_error(error)
        profile, paper, own = None, None, None
if profile is not None:
    sizes = sorted(ARCHITECTURES[name].published) if name in ARCHITECTURES else []
    if sizes and paper is None:
        st.caption(f"Published figures exist for input size{'s' if len(sizes) > 1 else ''} "
                   f"{', '.join(map(str, sizes))} only, so there is none to check against at this size.")
    totals_section(profile, paper, own, "the network in the file" if name == UPLOAD else "the published network")
tab_contents(profile, name, size)
with st.expander("How dsconv counts"):
    st.markdown(CONVENTION)
st.subheader("Why it matters")
st.markdown("Multiply-adds and parameters are what a network costs on paper, not what it costs in time. A layer "
            "that does few sums for each value it reads and writes can end up waiting for memory, or for the fixed "
            "cost of a call, rather than for arithmetic: the Speed lab measures which limit each layer meets on "
            "this machine. And parameters are not arithmetic: a dense layer can hold "
            "most of a network's weights and do almost none of its sums (open VGG16).")
share_link()
