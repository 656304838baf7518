"""Streamlit helpers of the Filters page: cached pictures and models, and the views that draw maps and kernels.

The page (pages/4_Filters_on_your_image.py) keeps the lesson's order and its controls; this module holds what
draws the results. TensorFlow is imported only inside the functions that show a learned model.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from dsconv import figures_filters as figs
from dsconv import filters as hand
from dsconv import samples
from dsconv.features import pretrained_catalogue
from dsconv.images import DISPLAY_MAX_SIDE, cifar_test_images, load_image, sample_image
from dsconv_ui.common import figure_scale


@st.cache_data(max_entries=8, show_spinner="Opening the picture...")
def decode(data: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    """The uploaded bytes as an upright RGB array at most DISPLAY_MAX_SIDE a side, and the file's own size."""
    image = load_image(data, max_side=DISPLAY_MAX_SIDE)
    return np.asarray(image), image.info["original_size"]


@st.cache_data(max_entries=8, show_spinner=False)
def sample(name: str) -> np.ndarray:
    """A built-in picture: a generated scene (640 x 480) or one of the Sliding kernels samples (256 x 256)."""
    for key, label in samples.SAMPLE_LABELS.items():
        if label == name:
            return samples.sample_image(key, 256)
    return np.asarray(sample_image(name))


@st.cache_resource(max_entries=1, show_spinner="Reading the CIFAR-10 test pictures...")
def cifar_pictures(path: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The 10,000 CIFAR-10 test pictures, read once per server (30 MB)."""
    return cifar_test_images(path)


SIGNED_NOTE = ("Maps marked ± go below zero: there mid-grey is 0, white the largest positive value and black the most "
               "negative. The other maps show 0 as black and brightness as it is (a few pixels below zero turn black).")


def grey_picture(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """One map as grey pixels, and whether it was shown as a signed map (0 at mid-grey)."""
    signed = figs.is_signed(values)
    return figs.map_to_grey(values, signed), signed


def show_maps(values: np.ndarray, captions: list[str], per_row: int = 3) -> None:
    """Each channel of (H, W, N) as a grey picture, per_row a row; each map decides on its own if it is signed."""
    any_signed = False
    for start in range(0, values.shape[2], per_row):
        columns = st.columns(per_row)
        for col, n in zip(columns, range(start, min(start + per_row, values.shape[2]))):
            pixels, signed = grey_picture(values[..., n])
            any_signed |= signed
            col.image(pixels, caption=captions[n] + (" (±)" if signed else ""), width="stretch", output_format="JPEG",
                      alt=f"Feature map {captions[n]}, in grey" + (", mid-grey is zero" if signed else ""))
    if any_signed:
        st.caption(SIGNED_NOTE)


def standard_section(result: hand.HandMadeResult, outputs: list[str]) -> None:
    """Each output made both ways side by side, the standard kernel that does it in one step, and the counts."""
    st.markdown("**The same result as one standard convolution.** Multiply each channel's kernel by that "
                "channel's weight in the mix, W[i, j, c, n] = D[i, j, c] × P[c, n], and one Conv2D with a "
                f"{' x '.join(map(str, result.combined.shape))} kernel gives the same output. For each output "
                "channel: the two-step result, the one-step result, and the standard kernel's three slices.")
    any_signed = False
    for n, name in enumerate(outputs):
        two_steps, one_step, kernel = st.columns([1, 1, 1.2])
        signed = figs.is_signed(result.mixed[..., n])  # both ways shown on the same scale
        any_signed |= signed
        mark = " (±)" if signed else ""
        two_steps.image(figs.map_to_grey(result.mixed[..., n], signed), caption=f"{name}: depthwise + pointwise{mark}",
                        alt=f"Output {name} made by the depthwise step then the pointwise mix",
                        width="stretch", output_format="JPEG")
        one_step.image(figs.map_to_grey(result.standard[..., n], signed),
                       alt=f"Output {name} made by one standard convolution: the same picture",
                       caption=f"{name}: one standard convolution{mark}", width="stretch", output_format="JPEG")
        with kernel:
            st.plotly_chart(figs.kernel_figure([result.combined[:, :, c, n] for c in range(3)],
                                               [f"W[..., {ch}, {n}]" for ch in hand.CHANNELS], figure_scale()),
                            key=f"fil_combined_{n}")
    if any_signed:
        st.caption(SIGNED_NOTE)
    k = result.combined.shape[0]
    channels, out_channels = result.combined.shape[2], result.combined.shape[3]
    separable, standard = result.separable_cost, result.standard_cost
    left, middle, right = st.columns(3)
    left.metric("Depthwise + pointwise: weights", f"{separable.params:,}",
                help=f"{k} x {k} x {channels} + {channels} x {out_channels}")
    middle.metric("One standard convolution: weights", f"{standard.params:,}",
                  help=f"{k} x {k} x {channels} x {out_channels}")
    right.metric("Largest difference between the two results", f"{result.max_difference:.1e}",
                 help="float32 rounding only; pixel values run from 0 to 1")
    st.caption(f"Weights only, no biases. Multiply-adds for this picture: {separable.multiply_adds:,} "
               f"(depthwise + pointwise) against {standard.multiply_adds:,} (standard), one per weight per "
               "output pixel.")
    if separable.params >= standard.params:
        many = 64  # the first layer of the tutorial's models
        st.info(f"With {out_channels} output channel{'s' if out_channels > 1 else ''} the two-step way has "
                f"{'as many' if separable.params == standard.params else 'more'} weights ({k}·{k}·{channels} + "
                f"{channels}·{out_channels} against {k}·{k}·{channels}·{out_channels}): the saving only appears with "
                f"many outputs. With {many} outputs, as in the tutorial models' first layer, {k}·{k}·{channels} + "
                f"{channels}·{many} = {k * k * channels + channels * many:,} weights would replace "
                f"{k}·{k}·{channels}·{many} = {k * k * channels * many:,}.")
    st.caption("It only works this way round: every depthwise + pointwise pair equals some standard kernel, but "
               "a standard kernel splits into a depthwise kernel times a mix only when, for each input channel, every "
               "filter's slice of that channel is a multiple of one shared k x k pattern, which most kernels are not.")


# --- Learned filters (TensorFlow is imported only below, and only when there is a model to show) ---

ARENA_PREFIX = "Trained in the arena: "
COLORS = ("#d55e00", "#0072b2")  # left and right model (Okabe-Ito orange and blue)


@st.cache_resource(max_entries=4, show_spinner="Loading the pretrained model (once per server)...")
def pretrained_model(name: str):
    """A shipped pretrained Keras model, loaded once per server and shared, read-only, by every user."""
    from dsconv.pretrained import load_pretrained

    return load_pretrained(name)


@st.cache_data(max_entries=8, show_spinner=False)
def pretrained_facts(name: str) -> tuple[tuple[str, ...] | None, str]:
    """Class names and a sentence on accuracy from the model's run record (JSON only)."""
    from dsconv.features import pretrained_facts as facts

    return facts(name)


def model_catalogue() -> dict[str, tuple]:
    """Label -> ("pretrained", name) or ("arena", model, class names) for every model on offer."""
    catalogue: dict[str, tuple] = {label: ("pretrained", name) for name, label in pretrained_catalogue()}
    # The Training arena stores its models here: name -> Keras model, or name -> (model, class names).
    for name, entry in st.session_state.get("arena_models", {}).items():
        model, class_names = entry if isinstance(entry, tuple) else (entry, None)
        catalogue[ARENA_PREFIX + name] = ("arena", model, class_names)
    return catalogue


def get_model(entry: tuple) -> tuple[object, tuple[str, ...], str]:
    """The Keras model of a catalogue entry, its class names (CIFAR-10's when it has ten outputs), and a note."""
    from dsconv.data import CIFAR10_CLASSES

    if entry[0] == "pretrained":
        names, note = pretrained_facts(entry[1])
        model = pretrained_model(entry[1])
    else:
        model, names, note = entry[1], entry[2], "trained in this session"
    outputs = int(model.outputs[0].shape[-1])
    if names is None or len(names) != outputs:
        names = CIFAR10_CLASSES if outputs == 10 else tuple(f"class {i}" for i in range(outputs))
    return model, tuple(names), note


def kernels_panel(model, title: str) -> None:
    """The first convolution row's kernels: RGB tiles for Conv2D, or depthwise kernels and the mix."""
    from dsconv.features import first_layer_kernels

    kernels = first_layer_kernels(model)
    st.markdown(f"**{title}**")
    if kernels.standard is not None:
        k, _, channels, count = kernels.standard.shape
        st.image(figs.rgb_kernel_mosaic(kernels.standard, columns=8), width="stretch",  # 8 a row: weights ~20 px
                 alt=f"The first layer's {kernels.standard.shape[3]} learned kernels as colour tiles",
                 caption=f"{count} kernels of {k} x {k} x {channels} = {k * k * channels * count:,} weights, each a "
                         "colour tile: red, green and blue say how much the kernel weighs each channel there "
                         "(each tile stretched to its own range).")
        return
    depthwise, mix = kernels.depthwise, kernels.pointwise
    names = list(hand.CHANNELS) if depthwise.shape[2] == 3 else [f"channel {c}" for c in range(depthwise.shape[2])]
    st.plotly_chart(figs.kernel_figure([depthwise[..., c] for c in range(depthwise.shape[2])], names,
                                       figure_scale()), key=f"fil_dw_{title}")
    st.plotly_chart(figs.pointwise_figure(mix, names, [str(n) for n in range(mix.shape[1])], figure_scale()),
                    key=f"fil_pw_{title}")
    k = depthwise.shape[0]
    st.caption(f"Depthwise: {depthwise.shape[2]} kernels of {k} x {k}, one per channel ({depthwise.size} weights). "
               f"Pointwise: {mix.shape[0]} x {mix.shape[1]} mixing weights ({mix.size:,}).")


def learned_views(models: list[tuple], titles: list[str], pixels: np.ndarray) -> None:
    """Kernels, feature maps and top-5 of each model, side by side."""
    from dsconv.data import CIFAR10_CLASSES
    from dsconv.features import conv_rows, feature_maps, strongest_channels, top_predictions

    st.markdown("#### The first layer's filters")
    for column, (model, _), title in zip(st.columns(len(models)), models, titles):
        with column:
            kernels_panel(model, title)

    st.markdown("#### Feature maps: the picture after a layer")
    rows = [row for row in conv_rows(models[0][0]) if all(row in conv_rows(m) for m, _ in models[1:])]
    if not rows:
        st.info("These two models have no convolution layer of the same name; compare them one at a time.")
        return
    if st.session_state.get("fil_layer") not in rows:
        st.session_state["fil_layer"] = rows[0]
    left, right = st.columns(2)
    row = left.selectbox("Layer", rows, key="fil_layer")
    count = right.select_slider("Maps shown (the strongest)", (8, 16, 32, 64), key="fil_maps")
    results = [feature_maps(model, pixels, row) for model, _ in models]
    for column, maps, title in zip(st.columns(len(models)), results, titles):
        channels = strongest_channels(maps.output, count)
        column.markdown(f"**{title}**")
        column.plotly_chart(figs.feature_grid_figure(
            maps.output, channels, f"{len(channels)} of {maps.output.shape[2]} maps, "
            f"{maps.output.shape[0]} x {maps.output.shape[1]}, after {row}", scale=figure_scale()),
            key=f"fil_maps_{title}")
    for column, maps, title in zip(st.columns(len(models)), results, titles):
        if maps.hidden is None:
            column.caption("A standard layer has no step in between: each map is made from all input channels at once.")
            continue
        channels = strongest_channels(maps.hidden, count)
        column.plotly_chart(figs.feature_grid_figure(
            maps.hidden, channels, f"Depthwise maps ({len(channels)} of {maps.hidden.shape[2]}), before the mix",
            scale=figure_scale(), tile_labels=[maps.hidden_sources[c] for c in channels]),
            key=f"fil_hidden_{title}")
        column.caption(f"The hidden output is {maps.hidden_note}. Each of its maps comes from one input channel, "
                       "named above it.")
    st.caption("Each map is scaled to its own maximum. Grey maps: black 0, white the maximum. Maps that go below "
               "zero: violet negative, white 0, orange positive; the colour is a sign, not a colour channel. "
               "Hover over a map for its channel number.")

    st.markdown("#### What the models think it is")
    for column, (model, names), title, color in zip(st.columns(len(models)), models, titles, COLORS):
        column.markdown(f"**{title}**")
        column.plotly_chart(figs.predictions_figure(top_predictions(model, pixels, names), None, figure_scale(),
                                                    color), key=f"fil_top_{title}")
    if all(names == CIFAR10_CLASSES for _, names in models):
        st.caption("These models only know CIFAR-10's ten classes (airplane, automobile, bird, cat, deer, dog, frog, "
                   "horse, ship, truck) in tiny 32 x 32 pictures: a photo of anything else still gets one of those "
                   "ten names, and probabilities are not certainties.")
    else:
        known = "; ".join(f"{title}: {', '.join(names)}" for title, (_, names) in zip(titles, models))
        st.caption(f"Each model only knows the classes it was trained on, in tiny 32 x 32 pictures ({known}): a "
                   "photo of anything else still gets one of those names, and probabilities are not certainties.")
