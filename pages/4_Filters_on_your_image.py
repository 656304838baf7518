"""Filters on your image: what learned and hand-made filters do to a photo.

Learned: the first layers of the standard and the separable CIFAR-10 models (TensorFlow is imported
only for this part). Hand-made: a depthwise step, a pointwise mix, and the one standard convolution
they equal, in NumPy.
"""

from __future__ import annotations

import zlib

import numpy as np
import streamlit as st
from PIL import Image

from dsconv import figures_filters as figs
from dsconv import filters as hand
from dsconv import samples
from dsconv.images import SAMPLE_SCENES, ImageError, find_cifar_test_batch, fit_within, to_float_array, to_model_input
from dsconv_ui.common import (Param, figure_scale, page_setup, restore_from_url, seed_defaults, share_link,
                              show_error, show_warnings, write_to_url)


from dsconv_ui.filters_view import (cifar_pictures, decode, get_model, learned_views, model_catalogue, sample,
                                    show_maps, standard_section)


SOURCES = ("Sample picture", "Upload a photo", "Camera", "CIFAR-10 test picture")
SAMPLE_NAMES = tuple(scene.name for scene in SAMPLE_SCENES) + tuple(samples.SAMPLE_LABELS[n] for n in samples.SAMPLES)
VIEWS = ("Learned filters (the CIFAR-10 models)", "Hand-made filters (NumPy)")
KERNEL_CHOICES = tuple(hand.KERNELS) + (hand.CUSTOM,)
MIX_CHOICES = tuple(hand.MIXES) + (hand.CUSTOM_MIX,)
WORK_SIZES = (256, 512, 1024)
PARAMS = [
    Param("fil_source", SOURCES[0], choices=SOURCES),
    Param("fil_sample", SAMPLE_NAMES[0], choices=SAMPLE_NAMES),
    Param("fil_cifar", 0, low=0, high=9999),
    Param("fil_view", VIEWS[0], choices=VIEWS),
    Param("fil_red", "Sobel x", choices=KERNEL_CHOICES),
    Param("fil_green", "Sobel x", choices=KERNEL_CHOICES),
    Param("fil_blue", "Sobel x", choices=KERNEL_CHOICES),
    Param("fil_kernel", "1 1 1; 1 -8 1; 1 1 1"),
    Param("fil_mix", "Grey (luma)", choices=MIX_CHOICES),
    Param("fil_mix_text", "1 0 0; 0 0 1"),
    Param("fil_size", 512, choices=WORK_SIZES),
    Param("fil_layer", "block1_conv1", choices=tuple(f"block{b}_conv{i}" for b in range(1, 6) for i in (1, 2))),
    Param("fil_maps", 32, choices=(8, 16, 32, 64)),
]


def picture_controls() -> tuple[Image.Image | None, str]:
    """Where the picture comes from; returns it (None if there is none yet) and a caption."""
    source = st.radio("Picture", SOURCES, horizontal=True, key="fil_source")
    if source == "Sample picture":
        name = st.selectbox("Sample", SAMPLE_NAMES, key="fil_sample")
        why = {scene.name: scene.why for scene in SAMPLE_SCENES}.get(name, "a picture from the Sliding kernels page")
        pixels = sample(name)
        return Image.fromarray(pixels), f"Generated sample: {why}. {pixels.shape[1]} x {pixels.shape[0]} pixels."
    if source == "CIFAR-10 test picture":
        path = find_cifar_test_batch()
        if path is None:
            st.info("No CIFAR-10 copy on this machine. Set DSCONV_CIFAR10_DIR to the folder that holds "
                    "cifar-10-batches-py/ (the unpacked cifar-10-python.tar.gz) and restart the app.")
            return None, ""
        try:
            pictures, labels, names = cifar_pictures(str(path))
        except ImageError as exc:
            show_error(exc)
            return None, ""
        index = int(st.number_input("Test picture number", 0, len(pictures) - 1, step=1, key="fil_cifar"))
        return Image.fromarray(pictures[index]), f"CIFAR-10 test picture {index}: a {names[labels[index]]}, 32 x 32."
    if source == "Upload a photo":
        upload = st.file_uploader("A photo (PNG, JPEG, WebP, BMP or GIF; up to 25 MB)",
                                  type=["png", "jpg", "jpeg", "webp", "bmp", "gif"], key="fil_upload")
    else:
        upload = st.camera_input("Take a picture", key="fil_camera")
    if upload is None:
        st.info("Choose a photo to see the filters at work, or pick a sample picture.")
        return None, ""
    try:
        pixels, (width, height) = decode(upload.getvalue())
    except ImageError as exc:
        show_error(exc)
        return None, ""
    note = "" if (pixels.shape[1], pixels.shape[0]) == (width, height) else \
        f", shrunk to {pixels.shape[1]} x {pixels.shape[0]} before any filtering"
    return Image.fromarray(pixels), f"Your picture: {width} x {height} pixels{note}."


def kernel_controls() -> tuple[np.ndarray, list[str]]:
    """One kernel per channel (a preset or the typed one); returns D (k, k, 3) and the kernels' names."""
    st.markdown("**Step 1: the depthwise filters**, one kernel for each colour channel.")
    columns = st.columns(3)
    chosen = [col.selectbox(f"{channel.capitalize()} channel's kernel", KERNEL_CHOICES, key=f"fil_{channel}")
              for col, channel in zip(columns, hand.CHANNELS)]
    custom = custom_kernel_editor() if hand.CUSTOM in chosen else None
    kernels = [custom if name == hand.CUSTOM else hand.KERNELS[name] for name in chosen]
    return hand.depthwise_kernel(kernels), chosen


def custom_kernel_editor() -> np.ndarray:
    """The custom kernel as an editable grid beside the same numbers as text (the text is what a link keeps)."""
    grid_column, text_column = st.columns([2, 3])
    text = st.session_state["fil_kernel"]
    try:
        kernel = hand.parse_kernel(text)
    except hand.FilterError:
        kernel = None  # the text field below shows the error
    if kernel is not None:
        # A new grid whenever the text changes, so typed text and grid edits never fight over a cell.
        edited = grid_column.data_editor(kernel.astype(np.float64), key=f"fil_grid_{zlib.crc32(text.encode())}",
                                         hide_index=True, num_rows="fixed", width="stretch")
        edited_text = hand.format_matrix(np.asarray(edited, np.float64))
        if edited_text != hand.format_matrix(kernel):
            st.session_state["fil_kernel"] = edited_text  # allowed: the text field is not drawn yet in this run
    text_column.text_input("Your kernel: click a cell of the grid, or type numbers separated by spaces and rows "
                           "by ';' (square, up to 7 x 7)", key="fil_kernel")
    return hand.parse_kernel(st.session_state["fil_kernel"])  # FilterError is shown by the caller


def mix_controls() -> tuple[np.ndarray, list[str], str]:
    """The pointwise mix P (3, N), names of its outputs, and its preset's name."""
    st.markdown("**Step 2: the pointwise mix**, a weighted sum of the three filtered channels at each pixel.")
    name = st.selectbox("Mix", MIX_CHOICES, key="fil_mix")
    if name == hand.CUSTOM_MIX:
        text = st.text_input("Your mix: one row per output channel, each with a red, a green and a blue weight; "
                             "rows separated by ';'", key="fil_mix_text")
        mix = hand.parse_mix(text)
        return mix, [f"output {n + 1}" for n in range(mix.shape[1])], name
    mix, outputs = hand.MIXES[name]
    return mix, list(outputs), name


def hand_made_section(picture: Image.Image) -> None:
    """Depthwise step, pointwise mix, the equal standard convolution, and the counts of each way."""
    st.subheader("Hand-made filters: depthwise, then pointwise")
    work_side = st.select_slider("Working size (longest side, pixels)", WORK_SIZES, key="fil_size",
                                 help="Smaller is faster and lighter over a slow network; 1024 shows fine detail.")
    image = to_float_array(fit_within(picture, work_side))
    step1, step2 = st.container(), st.container()  # controls first (all of them, always), pictures after
    depthwise = mix = None
    with step1:
        try:
            depthwise, names = kernel_controls()
        except ValueError as exc:  # FilterError: a typed kernel that cannot be used
            show_error(exc)
        if depthwise is not None:
            st.plotly_chart(figs.kernel_figure([depthwise[..., c] for c in range(3)],
                                               [f"{ch}: {n}" for ch, n in zip(hand.CHANNELS, names)],
                                               figure_scale()), key="fil_kernel_fig")
    with step2:
        try:
            mix, outputs, mix_name = mix_controls()
        except ValueError as exc:
            show_error(exc)
    if depthwise is None or mix is None:
        return
    result = hand.apply_hand_made(image, depthwise, mix)
    height, width = image.shape[:2]
    with step1:
        st.markdown(f"Each channel of the **{width} x {height}** picture is filtered on its own: no channel is "
                    "mixed with another yet.")
        show_maps(result.depthwise, [f"{ch} after {n}" for ch, n in zip(hand.CHANNELS, names)])
    with step2:
        st.plotly_chart(figs.pointwise_figure(mix, list(hand.CHANNELS), outputs, figure_scale()), key="fil_mix_fig")
        if mix_name == "Keep the channels" and not figs.is_signed(result.mixed):
            st.image(figs.channels_to_rgb(result.mixed), alt="The three mixed channels shown as one colour picture",
                     caption="The three mixed channels shown as one colour "
                     "picture", width=min(width, 512))
    standard_section(result, outputs)


# --- Learned filters (TensorFlow is imported only inside dsconv_ui.filters_view, when there is a model) ---
def model_controls(catalogue: dict) -> list[str]:
    """Which models to compare (one or two labels)."""
    labels = list(catalogue)
    if len(labels) == 1:
        return labels
    left, right = st.columns(2)
    first = left.selectbox("Left model", labels, index=0, key="fil_left_model")
    second = right.selectbox("Right model", labels, index=1, key="fil_right_model")
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
    from dsconv.features import KIND_TITLES, conv_rows, row_kind

    try:
        loaded = [get_model(catalogue[label]) for label in labels]
    except (OSError, ValueError) as exc:
        show_error(ValueError(f"The model could not be loaded: {exc}"))
        return
    models = [(model, names) for model, names, _ in loaded]
    st.caption(" · ".join(f"{label}: {note}" for label, (_, _, note) in zip(labels, loaded)))
    pixels = to_model_input(picture)
    st.image(Image.fromarray(pixels).resize((160, 160), Image.Resampling.NEAREST), width=160,
             alt="The picture as the models see it: its centred square shrunk to 32 x 32 pixels, enlarged",
             caption="What the models see: the centred square, shrunk to 32 x 32")
    try:
        titles = [f"{label} ({KIND_TITLES[row_kind(model, conv_rows(model)[0])]})" for label, (model, _) in
                  zip(labels, models)]
        learned_views(models, titles, pixels)
    except ValueError as exc:  # FeatureError: a model this page cannot look inside
        show_error(exc)


page_setup("Filters on your image", "🖼️")
st.title("Filters on your image")
st.markdown("Bring a photo and watch what convolution filters do to it: the filters the CIFAR-10 models "
            "learned, and filters you make yourself, first one per colour channel (depthwise), then a mix of "
            "the channels (pointwise), which together do what one standard filter does.")


show_warnings(restore_from_url(PARAMS))
seed_defaults(PARAMS)

picture_column, preview_column = st.columns([3, 2])
with picture_column:
    picture, caption = picture_controls()
    view = st.radio("Look at", VIEWS, horizontal=True, key="fil_view")


if picture is not None:
    preview_column.image(picture if max(picture.size) >= 128 else picture.resize((256, 256), Image.Resampling.NEAREST),
                         alt=caption or "The picture the filters work on",
                         caption=caption, width="stretch", output_format="JPEG")
    if view == VIEWS[0]:
        learned_section(picture)
    else:
        hand_made_section(picture)


write_to_url(PARAMS)
share_link(PARAMS)
st.subheader("Why it matters")
st.markdown("A standard filter looks at all channels at once, so each of its N outputs needs k·k·C weights. "
            "A separable layer first filters every channel on its own and then mixes channels with 1 x 1 "
            "weights, which costs k·k·C + C·N for all N outputs together. That is the saving MobileNet is "
            "built on. The price is flexibility: the two steps can only make standard filters of a special "
            "form, so a separable model learns different filters: compare the two models under Learned filters.")
