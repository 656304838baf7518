"""Filters on your image: what learned and hand-made filters do to a photo.

Learned: the first layers of the standard and the separable CIFAR-10 models, run in NumPy from their
shipped weights (dsconv.images.numpy_model: no TensorFlow). Hand-made: a depthwise step, a pointwise
mix, and the one standard convolution they equal, in NumPy.
"""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import time
    import zlib
    from typing import Any, Sequence

    import numpy as np
    import streamlit as st
    from PIL import Image

    from dsconv.figures import SERIES_COLOURS
    from dsconv.figures import filters as figs
    from dsconv.images import (
        DISPLAY_MAX_SIDE,
        SAMPLE_SCENES,
        ImageError,
        cifar_test_images,
        find_cifar_test_batch,
        fit_within,
        joined_notes,
        load_image,
        model_input_words,
        no_cifar_test_batch,
        older_pretrained_labels,
        pretrained_catalogue,
        preview,
        scene_image,
        to_float_array,
        to_model_input,
    )
    from dsconv.images import handmade as hand
    from dsconv.kinds import KINDS
    from dsconv.kinds import label as kind_label
    from dsconv.safe_text import plain, power_of_ten, significant, with_article
    from dsconv.sliding import samples
    from dsconv_ui.common import (
        BOUND,
        column_width,
        columns_stacked,
        figure_scale,
        kept_upload,
        older_labels,
        page_setup,
        share_link,
        shared_figure,
        show_error,
        shown_width,
        side_by_side,
    )

SOURCES = ("Sample picture", "Upload a photo", "Camera", "CIFAR-10 test picture")
PICTURE_NAMES = tuple(scene.name for scene in SAMPLE_SCENES) + tuple(samples.SAMPLE_LABELS[n] for n in samples.SAMPLES)
VIEWS = ("Learned filters (the CIFAR-10 models)", "Hand-made filters (NumPy)")
KERNEL_CHOICES = tuple(hand.KERNELS) + (hand.CUSTOM,)
MIX_CHOICES = tuple(hand.MIXES) + (hand.CUSTOM_MIX,)
WORK_SIZES = (256, 512, 1024)
DEFAULT_KERNEL = "1 1 1; 1 -8 1; 1 1 1"  # the custom kernel to start from: an edge finder
YOUR_KERNEL = "your kernel"  # the custom kernel in captions: "red after Custom (edit it)" named a menu entry
# Each channel's kernel picker, in hand.CHANNELS's order: written out, for the app reads a link's keys from here
# (dsconv_ui.link_keys); as f"fil_{channel}" every fil_ name was a setting, a typo such as fil_kernal too
CHANNEL_KEYS = ("fil_red", "fil_green", "fil_blue")
KERNEL_DECIMALS = 4  # the blur's 1/16, 2/16 and 4/16 written to two decimals (0.06, 0.12, 0.25) summed to 0.97


@st.cache_data(max_entries=8, show_spinner="Opening the picture...")
def decode(data: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    """The uploaded bytes as an upright RGB array at most DISPLAY_MAX_SIDE a side, and the file's own size."""
    image = load_image(data, max_side=DISPLAY_MAX_SIDE)
    return np.asarray(image), image.info["original_size"]


def camera_frame(file: Any) -> tuple[np.ndarray, tuple[int, int]]:
    """A camera's picture, decoded as an upload is; one that cannot be read is refused in the camera's words (it is
    no file the student chose)."""
    try:
        return decode(file.getvalue())
    except ImageError:
        raise ImageError("The camera's picture could not be read as an image; take another (the last good one stays "
                         "in use).") from None


@st.cache_data(max_entries=8, show_spinner=False)
def sample(name: str) -> np.ndarray:
    """A built-in picture: a generated scene (640 x 480) or one of the Sliding kernels samples (256 x 256)."""
    for key, label in samples.SAMPLE_LABELS.items():
        if label == name:
            return samples.sample_image(key, 256)
    return np.asarray(scene_image(name))


@st.cache_resource(max_entries=1, show_spinner="Reading the CIFAR-10 test pictures...")
def cifar_pictures(path: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The 10,000 CIFAR-10 test pictures, read once per server (30 MB)."""
    return cifar_test_images(path)


# The figures (and the kernels' colour tiles) are shared per setting: a class that opens the same picture with the same
# models and settings gets them built once per server. A new session's run of the learned view took 38 ms of CPU
# building them, 30 ms sharing them, 26 ms with the wrappers made once (2-core AMD EPYC).
kernel_figure = shared_figure(figs.kernel_figure)
pointwise_figure = shared_figure(figs.pointwise_figure)
feature_grid_figure = shared_figure(figs.feature_grid_figure)
predictions_figure = shared_figure(figs.predictions_figure)
kernel_mosaic = shared_figure(figs.rgb_kernel_mosaic, 16)


# How the maps are greyed: said by the module whose map_to_grey draws them (figs.grey_note), so that the two agree


def grey_picture(values: np.ndarray, rounding: float) -> tuple[np.ndarray, bool]:
    """One map as grey pixels, and whether it was shown as a signed map (0 at mid-grey); `rounding` as
    figs.is_signed's."""
    signed = figs.is_signed(values, rounding)
    return figs.map_to_grey(values, signed), signed


def show_maps(values: np.ndarray, captions: list[str], said: set[str], rounding: Sequence[float],
              per_row: int = 3) -> None:
    """Each channel of (H, W, N) as a grey picture, per_row a row; each map decides on its own if it is signed.
    `said`: the kinds of grey the page has explained (figs.grey_note); `rounding`: the most float32 rounding can
    move one value of each map (HandMadeResult's)."""
    any_signed = any_flat = any_plain = False
    for start in range(0, values.shape[2], per_row):
        columns = st.columns(per_row)
        for col, n in zip(columns, range(start, min(start + per_row, values.shape[2]))):
            pixels, signed = grey_picture(values[..., n], rounding[n])
            flat = figs.flat_mark(values[..., n], rounding[n])
            any_signed, any_plain, any_flat = any_signed or signed, any_plain or not signed, any_flat or bool(flat)
            col.image(pixels, caption=captions[n] + (" (±)" if signed else "") + flat, width="stretch",
                      output_format="JPEG",
                      alt=f"Feature map {captions[n]}, in grey" + (", mid-grey is zero" if signed else "") + flat)
    if note := figs.grey_note(any_signed, any_plain, said):
        st.caption(note)
    if any_flat:
        st.caption(figs.FLAT_NOTE)


def clipped_note(result: hand.HandMadeResult) -> str:
    """What the colour picture of the kept channels clips, for its caption: a sharpened photo's values above 1 were
    drawn at full brightness, and its few below 0 as none, without a word."""
    rounding = max(result.mixed_rounding)
    high, low = float(result.mixed.max()), float(result.mixed.min())
    clipped = ([f"values above 1 (up to {significant(high)}) at full brightness"] if high > 1 + rounding else []) + \
        ([f"the few below 0 (down to {significant(low)}) as none"] if low < -rounding else [])
    return ": " + " and ".join(clipped) if clipped else ""


def standard_section(result: hand.HandMadeResult, outputs: list[str], said: set[str]) -> None:
    """Each output made both ways side by side, the standard kernel that does it in one step, and the counts."""
    st.markdown("**The same result as one standard convolution.** Multiply each channel's kernel by that "
                "channel's weight in the mix, W[i, j, c, n] = D[i, j, c] × P[c, n], and one Conv2D with a "
                f"{' x '.join(map(str, result.combined.shape))} kernel gives the same output. For each output "
                "channel: the standard kernel's three slices, then the two-step and the one-step results "
                "(n counts the outputs from 1, as their names do).")
    any_signed = any_plain = False
    flat_outputs = []  # (name, why it is one value)
    for n, name in enumerate(outputs):
        if len(outputs) > 1:  # which output the slices below make: its name was only under its pictures
            # a typed mix names its outputs "output 1", "output 2": "Output 1: output 1" said it twice
            st.markdown(f"**Output {n + 1}**" if name == f"output {n + 1}" else f"**Output {n + 1}: {name}**")
        # The slices take the page's width: in a third of it (beside the two pictures) their numbers, such as -0.598,
        # had no room and were left to the hover, and W = D x P could not be read off the page.
        st.plotly_chart(kernel_figure([result.combined[:, :, c, n] for c in range(3)],
                                      [f"W[..., {ch}, {n + 1}]" for ch in hand.CHANNELS], figure_scale(),
                                      decimals=figs.typed_places([result.combined], KERNEL_DECIMALS),
                                      width_px=PAGE_PX),  # as D's
                        key=f"fil_combined_{n}", config={"displayModeBar": False})
        two_steps, one_step = st.columns(2)
        signed = figs.is_signed(result.mixed[..., n], result.mixed_rounding[n])  # both ways on the same scale
        flat = figs.flat_mark(result.mixed[..., n], result.mixed_rounding[n])
        any_signed, any_plain = any_signed or signed, any_plain or not signed
        if flat:  # the maps it mixes (W's slices that are not 0) held one value each, or the mix cancelled them
            mixed = [c for c in range(result.combined.shape[2]) if np.any(result.combined[..., c, n])]
            kernels = all(figs.one_value(result.depthwise[..., c], result.depthwise_rounding[c]) is not None
                          for c in mixed)
            flat_outputs.append((name, "zero" if not mixed else "kernels" if kernels else "mix"))
        mark = (" (±)" if signed else "") + flat
        two_steps.image(figs.map_to_grey(result.mixed[..., n], signed), caption=f"{name}: depthwise + pointwise{mark}",
                        alt=f"Output {name} made by the depthwise step then the pointwise mix",
                        width="stretch", output_format="JPEG")
        one_step.image(figs.map_to_grey(result.standard[..., n], signed),
                       alt=f"Output {name} made by one standard convolution: the same picture",
                       caption=f"{name}: one standard convolution{mark}", width="stretch", output_format="JPEG")
    if note := figs.grey_note(any_signed, any_plain, said):
        st.caption(note)
    if flat_outputs:
        st.caption(figs.flat_outputs_note(flat_outputs))
    k = result.combined.shape[0]
    channels, out_channels = result.combined.shape[2], result.combined.shape[3]
    separable, standard = result.separable_cost, result.standard_cost
    left, middle, right = st.columns(3)
    left.metric("Depthwise + pointwise: weights", f"{separable.params:,}",
                help=f"{k} x {k} x {channels} + {channels} x {out_channels}")
    middle.metric("One standard convolution: weights", f"{standard.params:,}",
                  help=f"{k} x {k} x {channels} x {out_channels}")
    largest = float(np.abs(result.standard).max(initial=0.0))
    right.metric("The two results differ by at most", power_of_ten(result.max_difference),
                 hand.difference_note(result.max_difference, result.rounding_bound, largest), delta_color="off",
                 delta_arrow="off",
                 help="Pixel values run from 0 to 1 here. An 8-bit picture has 256 grey levels, 1/255 apart: the "
                      "difference is counted in those steps.")
    st.caption(f"Weights only, no biases. Multiply-adds for this picture: {separable.multiply_adds:,} "
               f"(depthwise + pointwise) against {standard.multiply_adds:,} (standard), one per weight per "
               "output pixel.")
    note = hand.saving_note(k, channels, out_channels)  # None where the two-step way saves weights
    if note:
        st.info(note)
    st.caption("It only works this way round: every depthwise + pointwise pair equals some standard kernel, but "
               "a standard kernel splits into a depthwise kernel times a mix only when, for each input channel, every "
               "filter's slice of that channel is a multiple of one shared k x k pattern, which most kernels are not.")


# --- Learned filters: the shipped models run in NumPy; TensorFlow only for a model trained in the arena ---

ARENA_PREFIX = "Trained in the arena: "
COLORS = (SERIES_COLOURS[1], SERIES_COLOURS[0])  # two models of one kind, left and right: orange and blue


def model_colours(kinds: list[str]) -> list[str]:
    """Each model in its kind's colour, as on every other page (a separable model was drawn in the depthwise kind's
    blue); two models of one kind in the two series colours."""
    return [KINDS[kind].colour for kind in kinds] if len(set(kinds)) == len(kinds) else list(COLORS[:len(kinds)])


@st.cache_resource(max_entries=4, show_spinner="Loading the pretrained model (once per server)...")
def pretrained_model(name: str):
    """A shipped pretrained model in NumPy (no TensorFlow), loaded once per server and shared, read-only."""
    with ONE_AT_A_TIME:
        from dsconv.images import pretrained_numpy_model

    return pretrained_numpy_model(name)


@st.cache_data(max_entries=8, show_spinner=False)
def pretrained_facts(name: str) -> tuple[tuple[str, ...] | None, str]:
    """Class names and a sentence on accuracy from the model's run record (JSON only)."""
    with ONE_AT_A_TIME:
        from dsconv.images import pretrained_facts as facts

    return facts(name)


def model_catalogue() -> dict[str, tuple]:
    """Label -> ("pretrained", name) or ("arena", model, class names) for every model on offer."""
    catalogue: dict[str, tuple] = {label: ("pretrained", name) for name, label in pretrained_catalogue()}
    # The Training arena stores its models here: name -> (Keras model, class names or None).
    for name, (model, class_names) in st.session_state.get("arena_models", {}).items():
        catalogue[ARENA_PREFIX + name] = ("arena", model, class_names)
    return catalogue


def get_model(entry: tuple) -> tuple[object, tuple[str, ...], str]:
    """The model of a catalogue entry (NumPy for a shipped one, Keras for one trained here), its class names
    (CIFAR-10's when it has ten outputs), and a note."""
    with ONE_AT_A_TIME:
        from dsconv.images import model_classes
        from dsconv.training import CIFAR10_CLASSES

    if entry[0] == "pretrained":
        names, note = pretrained_facts(entry[1])
        model = pretrained_model(entry[1])
    else:
        model, names, note = entry[1], entry[2], "trained in this session"
    outputs = model_classes(model)
    if names is None or len(names) != outputs:
        names = CIFAR10_CLASSES if outputs == 10 else tuple(f"class {i}" for i in range(outputs))
    return model, tuple(names), note


def kernels_panel(model, title: str) -> None:
    """The first convolution row's kernels: RGB tiles for Conv2D, or depthwise kernels and the mix."""
    with ONE_AT_A_TIME:
        from dsconv.images import first_layer_kernels

    kernels = first_layer_kernels(model)
    st.markdown(f"**{title}**")
    if kernels.standard is not None:
        k, _, channels, count = kernels.standard.shape
        st.image(kernel_mosaic(kernels.standard, columns=8), width="stretch",  # 8 a row: weights ~20 px
                 alt=f"The first layer's {kernels.standard.shape[3]} learned kernels as colour tiles",
                 caption=f"{count} kernels of {k} x {k} x {channels} = {k * k * channels * count:,} weights, each a "
                         "colour tile: red, green and blue say how much the kernel weighs each channel there "
                         "(each tile stretched to its own range).")
        return
    depthwise, mix = kernels.depthwise, kernels.pointwise
    # Counted from 1, as everywhere on the page ("output 1"; the maps' hover "channel 1").
    names = list(hand.CHANNELS) if depthwise.shape[2] == 3 else [f"channel {c + 1}" for c in range(depthwise.shape[2])]
    st.plotly_chart(kernel_figure([depthwise[..., c] for c in range(depthwise.shape[2])], names,
                                  figure_scale(), width_px=column_width(PAGE_PX, 2)),  # its half of the page
                    key=f"fil_dw_{title}", config={"displayModeBar": False})
    st.plotly_chart(pointwise_figure(mix, names, [str(n + 1) for n in range(mix.shape[1])], figure_scale()),
                    key=f"fil_pw_{title}", config={"displayModeBar": False})
    k = depthwise.shape[0]
    st.caption(f"Depthwise: {depthwise.shape[2]} kernels of {k} x {k}, one per channel ({depthwise.size} weights). "
               f"Pointwise: {mix.shape[0]} x {mix.shape[1]} mixing weights ({mix.size:,}).")


def learned_views(models: list[tuple], titles: list[str], pixels: np.ndarray, colours: list[str]) -> None:
    """Kernels, feature maps and top-5 of each model, side by side."""
    with ONE_AT_A_TIME:
        from dsconv.images import conv_rows, feature_maps, strongest_channels, top_predictions
        from dsconv.training import CIFAR10_CLASSES

    st.markdown("#### The first layer's filters")
    for column, (model, _), title in zip(st.columns(len(models)), models, titles):
        with column:
            kernels_panel(model, title)

    st.markdown("#### Feature maps: the picture after a layer")
    rows = [row for row in conv_rows(models[0][0]) if all(row in conv_rows(m) for m, _ in models[1:])]
    if not rows:
        st.info("These two models have no convolution layer of the same name; compare them one at a time.")
        return
    if st.session_state.get("fil_layer", st.query_params.get("fil_layer")) not in rows:
        st.session_state["fil_layer"] = rows[0]
    left, right = st.columns(2)
    row = left.selectbox("Layer", rows, key="fil_layer", **BOUND)
    count = right.select_slider("Maps shown (the strongest)", (8, 16, 32, 64), 32, key="fil_maps", **BOUND,
                                help="16 or fewer are drawn twice as large, four a row: in projector mode 32 maps "
                                     "of a 32 x 32 layer were 45 px each, too small to tell apart across a room. "
                                     "More are drawn four a row too in a narrow window, where eight a row would "
                                     "draw them smaller than their own pixels.")
    results = [feature_maps(model, pixels, row) for model, _ in models]
    shown_px = column_width(PAGE_PX, len(models))  # each model's grids get its column of the page
    columns = 4 if count <= 16 else figs.grid_columns(results[0].output.shape[:2], count, shown_px, figure_scale())
    # each model's maps and its step in between in its own column: in two rows of columns, a phone (columns one
    # under another) put "A standard layer has no step in between" under the separable model's maps
    for column, maps, title in zip(st.columns(len(models)), results, titles):
        channels = strongest_channels(maps.output, count)
        column.markdown(f"**{title}**")
        column.plotly_chart(feature_grid_figure(
            maps.output, channels, f"{len(channels)} of {maps.output.shape[2]} maps, "
            f"{maps.output.shape[0]} x {maps.output.shape[1]}, after {row}", columns, scale=figure_scale(),
            width_px=shown_px),
            key=f"fil_maps_{title}", config={"displayModeBar": False})
        if note := figs.flat_maps_note(maps.output, channels):  # drawn white, each at its own maximum
            column.caption(note)
        if maps.hidden is None:
            column.caption("A standard layer has no step in between: each map is made from all input channels at once.")
            continue
        channels = strongest_channels(maps.hidden, count)
        column.plotly_chart(feature_grid_figure(
            maps.hidden, channels, f"Depthwise maps ({len(channels)} of {maps.hidden.shape[2]}), before the mix",
            columns, scale=figure_scale(), tile_labels=[maps.hidden_sources[c] for c in channels], width_px=shown_px),
            key=f"fil_hidden_{title}", config={"displayModeBar": False})
        column.caption(f"The hidden output is {maps.hidden_note}. Each of its maps comes from one input channel, "
                       "written above it where there is room: its name, or its number alone (hover over or tap a map "
                       "for its own channel number; both count from 1).")
    st.caption("Each map is scaled to its own maximum. Grey maps: black 0, white the maximum. Maps that go below "
               "zero: violet negative, white 0, orange positive; the colour is a sign, not a colour channel. "
               "Hover over (or tap) a map for its channel number.")

    st.markdown("#### What the models think it is")
    for column, (model, names), title, color in zip(st.columns(len(models)), models, titles, colours):
        column.markdown(f"**{title}**")
        column.plotly_chart(predictions_figure(top_predictions(model, pixels, names), None, figure_scale(),
                                                    color), key=f"fil_top_{title}", config={"displayModeBar": False})
    if all(names == CIFAR10_CLASSES for _, names in models):
        st.caption("These models only know CIFAR-10's ten classes (airplane, automobile, bird, cat, deer, dog, frog, "
                   "horse, ship, truck) in tiny 32 x 32 pictures: a photo of anything else still gets one of those "
                   "ten names, and probabilities are not certainties.")
    else:
        # class names come from a data folder's names: shown as written ("**bold**" made bold text, a [link] a link)
        known = "; ".join(f"{title}: {', '.join(map(plain, names))}" for title, (_, names) in zip(titles, models))
        st.caption(f"Each model only knows the classes it was trained on, in tiny 32 x 32 pictures ({known}): a "
                   "photo of anything else still gets one of those names, and probabilities are not certainties.")


def picture_controls() -> tuple[Image.Image | None, str]:
    """Where the picture comes from; returns it (None if there is none yet) and a caption."""
    source = st.radio("Picture", SOURCES, horizontal=True, key="fil_source", **BOUND)
    if source == "Sample picture":
        name = st.selectbox("Sample", PICTURE_NAMES, key="fil_sample", **BOUND)
        why = {scene.name: scene.why for scene in SAMPLE_SCENES}.get(name, "a picture from the Sliding kernels page")
        pixels = sample(name)
        return Image.fromarray(pixels), f"Generated sample: {why}. {pixels.shape[1]} x {pixels.shape[0]} pixels."
    if source == "CIFAR-10 test picture":
        path = find_cifar_test_batch()
        if path is None:
            st.info(plain(no_cifar_test_batch()))
            return None, ""
        try:
            pictures, labels, names = cifar_pictures(str(path))
        except ImageError as exc:
            show_error(exc, literal=True)  # it quotes the folder's path: "_old_ copy" lost its underscores
            return None, ""
        index = int(st.number_input("Test picture number", 0, len(pictures) - 1, 0, step=1, key="fil_cifar", **BOUND))
        name = with_article(names[labels[index]])
        return Image.fromarray(pictures[index]), f"CIFAR-10 test picture {index}: {name}, 32 x 32."
    if source == "Upload a photo":
        upload = kept_upload(st.file_uploader, "A photo (PNG, JPEG, WebP, BMP or GIF; up to 25 MB)",
                             type=["png", "jpg", "jpeg", "webp", "bmp", "gif"], key="fil_upload",
                             reader=lambda file: decode(file.getvalue()), refused=ImageError)
    else:
        upload = kept_upload(st.camera_input, "Take a picture", key="fil_camera", reader=camera_frame,
                             refused=ImageError)
    if upload is None:
        if st.session_state.pop(SHOWN_UPLOAD, False):
            wait_for_a_replacement()
        st.info("Choose a photo to see the filters at work, or pick a sample picture.")
        return None, ""
    try:
        pixels, (width, height) = decode(upload.getvalue())
    except ImageError as exc:
        show_error(exc)
        return None, ""
    st.session_state[SHOWN_UPLOAD] = True
    # (it said "shrunk to 1024 x 683 before any filtering" over maps of a 512 x 342 picture, the working size)
    note = "" if (pixels.shape[1], pixels.shape[0]) == (width, height) else \
        f", read at {pixels.shape[1]} x {pixels.shape[0]} (each view then works at a size of its own, said with it)"
    return Image.fromarray(pixels), f"Your picture: {width} x {height} pixels{note}."


SHOWN_UPLOAD = "fil_upload_shown"  # the last run showed an uploaded photo
REPLACEMENT_WAIT_S = 1.0


def wait_for_a_replacement(seconds: float = REPLACEMENT_WAIT_S) -> None:
    """Choosing a new photo over the shown one makes the uploader run the page twice: first without any photo, as
    it drops the old one, then with the new one once it has arrived. Drawn at once, the first run swept the whole
    learned view away for a blink, and the second had to draw every chart anew. So wait here, up to `seconds`: the
    new photo's run takes over at the next Streamlit call, leaving the old view in place until the new one replaces
    it; after a removal (the uploader's ×) the page goes back to its empty state `seconds` later."""
    slot = st.empty()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        slot.empty()  # a Streamlit call: where a waiting run (the new photo's) stops this one


def kernel_controls() -> tuple[np.ndarray, list[str]]:
    """One kernel per channel (a preset or the typed one); returns D (k, k, 3) and the kernels' names as captions
    write them (the typed one is "your kernel")."""
    st.markdown("**Step 1: the depthwise filters**, one kernel for each colour channel.")
    columns = st.columns(3)
    chosen = [col.selectbox(f"{channel.capitalize()} channel's kernel", KERNEL_CHOICES,
                            index=KERNEL_CHOICES.index("Sobel x"), key=CHANNEL_KEYS[index], **BOUND)
              for index, (col, channel) in enumerate(zip(columns, hand.CHANNELS))]
    for col, name in zip(columns, chosen):
        col.caption(hand.KERNEL_NOTES[name].capitalize() + ".")
    custom = custom_kernel_editor() if hand.CUSTOM in chosen else None
    kernels = [custom if name == hand.CUSTOM else hand.KERNELS[name] for name in chosen]
    return hand.depthwise_kernel(kernels), [YOUR_KERNEL if name == hand.CUSTOM else name for name in chosen]


EMPTY_CELL = "A cell of the grid is empty: type a number in it (0 for none). Until then the kernel keeps its numbers."


def custom_kernel_editor() -> np.ndarray:
    """The custom kernel as an editable grid beside the same numbers as text (the text is what a link keeps)."""
    grid_column, text_column = st.columns([2, 3])
    # The text field comes after the grid, so its value (a link's, on arrival) is read here before it is drawn.
    text = st.session_state.get("fil_kernel", st.query_params.get("fil_kernel", DEFAULT_KERNEL))
    try:
        grid = hand.typed_grid(text)
    except hand.FilterError:
        grid = None  # the text field below shows the error
    if grid is not None:
        # A new grid whenever the text changes, so typed text and grid edits never fight over a cell. Each number as
        # typed ("%g": 1e-30, 0.25): by default the grid wrote 1e-30 with its 30 decimals, and the kernel's last
        # column ran out of sight
        edited = grid_column.data_editor(grid, key=f"fil_grid_{zlib.crc32(text.encode())}", hide_index=True,
                                         num_rows="fixed", width="stretch",
                                         column_config={str(column): st.column_config.NumberColumn(format="%g")
                                                        for column in range(grid.shape[1])})
        edited = np.asarray(edited, np.float64)
        if np.isnan(edited).any():  # a cleared cell: the kernel keeps its numbers (its text had read "nan")
            grid_column.warning(EMPTY_CELL, icon="✏️")
        elif not np.array_equal(edited, grid):  # allowed: the text field is not drawn yet in this run
            st.session_state["fil_kernel"] = hand.edited_text(text, grid, edited)
    text_column.text_input("Your kernel: click a cell of the grid, or type numbers separated by spaces and rows "
                           "by ';' (square, up to 7 x 7)", DEFAULT_KERNEL, key="fil_kernel", **BOUND)
    return hand.parse_kernel(st.session_state["fil_kernel"])  # FilterError is shown by the caller


def mix_controls() -> tuple[np.ndarray, list[str], str]:
    """The pointwise mix P (3, N), names of its outputs, and its preset's name."""
    st.markdown("**Step 2: the pointwise mix**, a weighted sum of the three filtered channels at each pixel.")
    name = st.selectbox("Mix", MIX_CHOICES, index=MIX_CHOICES.index("Grey (luma)"), key="fil_mix", **BOUND)
    if name == hand.CUSTOM_MIX:
        text = st.text_input("Your mix: one row per output channel, each with a red, a green and a blue weight; "
                             "rows separated by ';'", "1 0 0; 0 0 1", key="fil_mix_text", **BOUND)
        mix = hand.parse_mix(text)
        return mix, [f"output {n + 1}" for n in range(mix.shape[1])], name
    mix, outputs = hand.MIXES[name]
    return mix, list(outputs), name


def hand_made_section(picture: Image.Image) -> None:
    """Depthwise step, pointwise mix, the equal standard convolution, and the counts of each way."""
    st.subheader("Hand-made filters: depthwise, then pointwise")
    work_side = st.select_slider("Working size (longest side, pixels)", WORK_SIZES, 512, key="fil_size", **BOUND,
                                 help="Smaller is faster and lighter over a slow network; 1024 shows fine detail.")
    image = to_float_array(fit_within(picture, work_side))
    if max(picture.size) < work_side:  # fit_within never enlarges: say why the size chosen is not the size used
        st.caption(f"This picture is {picture.width} x {picture.height} pixels, smaller than the {work_side} "
                   "chosen: it is filtered at its own size (a picture is never enlarged).")
    step1, step2 = st.container(), st.container()  # controls first (all of them, always), pictures after
    depthwise = mix = None
    with step1:
        try:
            depthwise, names = kernel_controls()
        except ValueError as exc:  # FilterError: a typed kernel that cannot be used; it quotes the text typed
            show_error(exc, literal=True)
        if depthwise is not None:
            st.plotly_chart(kernel_figure([depthwise[..., c] for c in range(3)],
                                          [f"{ch}: {n}" for ch, n in zip(hand.CHANNELS, names)], figure_scale(),
                                          decimals=figs.typed_places([depthwise], KERNEL_DECIMALS), width_px=PAGE_PX),
                            key="fil_kernel_fig", config={"displayModeBar": False})
    with step2:
        try:
            mix, outputs, mix_name = mix_controls()
        except ValueError as exc:
            show_error(exc, literal=True)
    if depthwise is None or mix is None:
        return
    try:
        result = hand.apply_hand_made(image, depthwise, mix)
    except hand.FilterError as exc:  # weights whose products float32 cannot hold: it names them
        with step2:
            show_error(exc, literal=True)
        return
    height, width = image.shape[:2]
    with step1:
        # (a 20 x 20 upload's maps showed white and black bands at its sides, read as edges of the photo)
        st.markdown(f"Each channel of the **{width} x {height}** picture is filtered on its own: no channel is "
                    "mixed with another yet. Zeros pad its border (padding \"same\", as Keras pads), so a kernel "
                    "that compares neighbours finds an edge wherever a bright picture meets them.")
        said: set[str] = set()  # the kinds of grey explained so far: the second time in short
        show_maps(result.depthwise, [f"{ch} after {n}" for ch, n in zip(hand.CHANNELS, names)], said,
                  result.depthwise_rounding)
    with step2:
        st.plotly_chart(pointwise_figure(mix, list(hand.CHANNELS), outputs, figure_scale(),
                                         decimals=figs.typed_places([mix], KERNEL_DECIMALS)),
                        key="fil_mix_fig", config={"displayModeBar": False})
        if mix_name == "Keep the channels" and not figs.is_signed(result.mixed, max(result.mixed_rounding)):
            st.image(figs.channels_to_rgb(result.mixed), alt="The three mixed channels shown as one colour picture",
                     caption="The three mixed channels shown as one colour picture" + clipped_note(result),
                     width=min(width, 512))
    standard_section(result, outputs, said)


# --- Learned filters on the page (TensorFlow is imported only inside the functions above that run a model) ---
def model_controls(catalogue: dict) -> list[str]:
    """Which models to compare (one or two labels). Both pickers are kept in the address like every other setting;
    a link naming a model that is not on offer here (one trained in another session's arena, say) keeps the default,
    and the page's link check says so."""
    labels = list(catalogue)
    if len(labels) == 1:
        return labels
    left, right = st.columns(2) if side_by_side(labels, PAGE_PX) else (st.container(), st.container())
    older = older_pretrained_labels([entry[1] for entry in catalogue.values() if entry[0] == "pretrained"])
    older_labels("fil_left_model", older)
    older_labels("fil_right_model", older)
    first = left.selectbox("Left model", labels, index=0, key="fil_left_model", **BOUND)
    second = right.selectbox("Right model", labels, index=1, key="fil_right_model", **BOUND)
    return [first] if first == second else [first, second]


def learned_section(picture: Image.Image) -> None:
    """First-layer kernels, feature maps at a chosen layer, and the top-5 of the chosen models."""
    st.subheader("Learned filters: what the trained models see")
    catalogue = model_catalogue()
    if not catalogue:
        st.info("The pretrained weights are not in this copy of the app; train a model in the Training arena "
                "and it appears here. The hand-made filters (choose them above) work without any model.")
        return
    labels = model_controls(catalogue)
    with ONE_AT_A_TIME:
        from dsconv.images import conv_rows, row_kind

    try:
        loaded = [get_model(catalogue[label]) for label in labels]
    except (OSError, ValueError) as exc:
        show_error(ValueError(f"The model could not be loaded: {exc}"))
        return
    models = [(model, names) for model, names, _ in loaded]
    pixels = to_model_input(picture)
    seen, notes = st.columns([1, 3])  # the small picture beside the notes: alone on its row it left a blank band
    # at most its column's width (a quarter of the page, less the 1 rem gap): at 1024 px beside the sidebar, 160 px
    # ran 35 px over the notes. On a phone it stands above them: a quarter of the page (56 px on a folded phone)
    # wrapped its caption a word a line.
    side = max(32, min(160, int(PAGE_PX if columns_stacked() else (PAGE_PX - 16) / 4)))
    seen.image(Image.fromarray(pixels).resize((160, 160), Image.Resampling.NEAREST), width=side,
               alt=f"The picture as the models see it: its centred square {model_input_words(picture)} pixels, "
                   "shown larger",
               caption=f"What the models see: the centred square, {model_input_words(picture)}")
    notes.caption(joined_notes(labels, [note for _, _, note in loaded]))
    if any(entry[0] == "pretrained" for entry in (catalogue[label] for label in labels)):
        # ("every number below is these sums, checked against Keras to 1e-4": "these sums" named nothing on the page)
        notes.caption("The shipped models run here in NumPy, from the same weights Keras trained: every number below "
                      "is sums of pixels times weights, and the tests check each against Keras's own to within 1e-4. "
                      "A trained CNN is nothing more.")
    try:
        kinds = [row_kind(model, conv_rows(model)[0]) for model, _ in models]
        titles = [f"{label} · {kind_label(kind)}" for label, kind in zip(labels, kinds)]  # labels end in brackets
        learned_views(models, titles, pixels, model_colours(kinds))
    except ValueError as exc:  # FeatureError: a model this page cannot look inside
        show_error(exc)


page_setup("Filters on your image", "🖼️", text_settings=("fil_kernel", "fil_mix_text"))
PAGE_PX = shown_width()  # what a figure as wide as the page is shown at: its grids and tiles fit it
st.title("Filters on your image")
st.markdown("Bring a photo and watch what convolution filters do to it: the filters the CIFAR-10 models "
            "learned, and filters you make yourself, first one per colour channel (depthwise), then a mix of "
            "the channels (pointwise), which together do what one standard filter does.")


picture_column, preview_column = st.columns([3, 2])
with picture_column:
    picture, caption = picture_controls()
    view = st.radio("Look at", VIEWS, horizontal=True, key="fil_view", **BOUND)


if picture is not None:
    preview_column.image(preview(picture),
                         alt=caption or "The picture the filters work on",
                         caption=caption, width="stretch", output_format="JPEG")
    if view == VIEWS[0]:
        learned_section(picture)
    else:
        hand_made_section(picture)


st.subheader("Why it matters")
st.markdown("A standard filter looks at all channels at once, so each of its N outputs needs k·k·C weights. "
            "A separable layer first filters every channel on its own and then mixes channels with 1 x 1 "
            "weights, which costs k·k·C + C·N for all N outputs together. That is the saving MobileNet is "
            "built on. The price is flexibility: the two steps can only make standard filters of a special "
            "form, so a separable model learns different filters: compare the two models under Learned filters.")
share_link()
