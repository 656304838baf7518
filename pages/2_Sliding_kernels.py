"""Sliding kernels: watch standard, depthwise, pointwise, separable and grouped convolutions work, step by step."""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import math
    from typing import Callable

    import numpy as np
    import streamlit as st

    from dsconv.costs import LayerConfigError, mobilenet_ratio, shape_text, tutorial_cost
    from dsconv.figures import (
        MAX_VOLUME_FRAMES,
        faint_maps_note,
        output_labels,
        projected_scale,
        same_copies_note,
        short_names_note,
        sliding_figure,
        volume_figure,
    )
    from dsconv.images import ImageError, load_image
    from dsconv.kinds import KINDS, SLIDING_KINDS, word
    from dsconv.safe_text import digits_apart_from_one
    from dsconv.sliding import (
        PRESET_LABELS,
        PRESET_NOTES,
        PRESETS,
        SAMPLE_NAMES,
        SAMPLE_NOTES,
        SAMPLES,
        SlidingConfig,
        alike_note,
        build_layer,
        build_timeline,
        sample_image,
        shrink_to_square,
        size_one_note,
        standard_twins,
        watched_channels,
        weight_rules,
        zero_note,
    )
    from dsconv_ui.common import (
        BOUND,
        figure_scale,
        kept_upload,
        older_labels,
        page_setup,
        projector_bar,
        share_link,
        show_error,
        show_table,
        shown_width,
    )
    from dsconv_ui.playback import playback_bar

UPLOAD = "upload"
OLDER_SAMPLE_LABELS = {  # what the picture picker showed, and links saved, before 2026-12
    "Colour gradient (red grows to the right, green downwards)": "gradient",
    "Checkerboard (orange and blue squares)": "checkerboard", "Shape (a yellow disc on dark blue)": "shape"}
OLDER_PRESET_LABELS = {  # what the preset picker showed, and links saved, before 2026-12 ("Sharpen" stays)
    "Identity (copies the pixel)": "identity", "Box blur (average)": "box_blur",
    "Sobel edge (left-right change)": "sobel", "Random (seeded)": "random"}

# Under the kind picker, each kind in a line ("Standard convolution." only said the choice again)
KIND_LINES = {
    "standard": "Standard convolution: each filter reads every channel.",
    "depthwise": "Depthwise convolution: each kernel reads one channel.",
    "pointwise": "Pointwise (1 x 1) convolution: each filter mixes the channels at one pixel.",
    "separable": "Depthwise separable: a depthwise step, then a pointwise one.",
    "grouped": "Grouped convolution: each filter reads its group's channels.",
}
WHAT_TO_WATCH = {
    "standard": "Each filter is a k x k x 3 block. At every position it multiplies every number under it, in all "
                "three channels at once, and adds the products into **one** number. N filters give N output maps.",
    "depthwise": "Each channel gets its own k x k kernel. The kernel slides over the **height and width** of its "
                 "own channel (the channel is not a direction it moves in) and writes its own output map: R, G and B "
                 "are never added together. With depth multiplier m, each channel has m kernels and m maps.",
    "pointwise": "A 1 x 1 kernel looks at one pixel through all the channels: one weight per channel, so each filter "
                 "mixes R, G and B into one number. It sees no neighbours; it only mixes colours.",
    "separable": "Two steps in one timeline: first the depthwise step (each channel filtered on its own, in space), "
                 "then the pointwise step (1 x 1 filters mix those maps into N outputs).",
    "grouped": "The channels are split into g groups and each filter reads only its own group. g = 1 is a "
               "standard convolution; g = 3 (one channel per group) is a depthwise convolution.",
}


BLOCKY_BELOW = 16  # a disc of fewer pixels a side is steps: at 8 x 8 a reviewer saw a cross, not the caption's disc


def sample_text(name: str, size: int | None = None) -> str:
    """A sample picture's name and what it shows, for the caption under it (at `size`, where that changes it)."""
    blocky = name == "shape" and size is not None and size < BLOCKY_BELOW
    return f"{SAMPLE_NAMES[name]}: {SAMPLE_NOTES[name]}" + (" (blocky at this size)" if blocky else "")


def input_controls() -> tuple[np.ndarray, str]:
    """The picture to convolve, size x size x 3 (0-255), from a sample or an uploaded file, and what it is."""
    with st.sidebar:
        st.header("Picture")
        older_labels("sl_sample", OLDER_SAMPLE_LABELS)
        source = st.selectbox("Picture", SAMPLES + (UPLOAD,), index=SAMPLES.index("shape"), key="sl_sample", **BOUND,
                              format_func=lambda s: SAMPLE_NAMES.get(s, "Your own picture (upload)"),
                              help="; ".join(sample_text(name) for name in SAMPLES) + ".")
        size = st.slider("Size in pixels (size x size)", 4, 16, 8, key="sl_size", **BOUND,
                         help="Small pictures keep every number readable; 16 x 16 has 256 positions per map.")
        if source != UPLOAD:  # the uploader appears only when it is used (a greyed-out one is hard to read)
            return sample_image(source, size), sample_text(source, size)
        # its kinds and size said as the Filters page says them (Streamlit's own refusal of a larger file was all)
        upload = kept_upload(st.file_uploader, "Picture file (PNG, JPEG, WebP, BMP or GIF; up to 25 MB)",
                             type=["png", "jpg", "jpeg", "webp", "bmp", "gif"],
                             key="sl_upload", help="Cropped to its centre square, then shrunk (or, if smaller, "
                                                   "enlarged) to the size above. It stays on the server only for your "
                                                   "session, and is never saved.",
                             reader=lambda file: shrunk_upload(file.getvalue(), size), refused=ImageError)
    if upload is None:
        st.info("Choose a picture file in the sidebar. Until then the page uses the shape sample.", icon="🖼️")
        return sample_image("shape", size), sample_text("shape", size)
    try:
        image, side = shrunk_upload(upload.getvalue(), size)
        # a 1 x 1 upload was shown as "Your picture, 8 x 8 pixels", blown up without a word
        return image, ("Your picture" if side >= size else
                       f"Your picture, enlarged from its {side}\u00a0x\u00a0{side} centre")
    except ImageError as exc:
        show_error(exc)
        st.caption("The page uses the shape sample until the picture can be read.")
        return sample_image("shape", size), sample_text("shape", size)


@st.cache_data(max_entries=16, show_spinner=False)
def shrunk_upload(data: bytes, size: int) -> tuple[np.ndarray, int]:
    """An uploaded file as a size x size x 3 array, and the side of the centre square it was cut to (ImageError, a
    ValueError, for a bad file). Decoded once per file and size: a rerun reads both from the cache."""
    picture = load_image(data, max_side=512)
    return shrink_to_square(picture, size), min(picture.size)


def kernel_controls(bar: list | None) -> tuple[str, int, object | None]:
    """The kernel preset (in the projector bar when there is one), the seed for random weights, and the sidebar's
    place for the preset's note (None in projector mode)."""
    with st.sidebar:
        st.header("Kernel weights")
    with bar[3] if bar else st.sidebar:
        older_labels("sl_preset", OLDER_PRESET_LABELS)
        preset = st.selectbox("Preset", PRESETS, index=PRESETS.index("sobel"), key="sl_preset",
                              format_func=PRESET_LABELS.get, **BOUND,
                              help=" ".join(f"{PRESET_LABELS[p]}: {PRESET_NOTES[p]}." for p in PRESETS) +
                                   " Even sizes centre the pattern on the upper-left of the middle four cells; "
                                   "at size 1 identity, blur and sharpen become the weight 1 and Sobel becomes 0.")
    note = None if bar else st.sidebar.empty()  # what the preset does, said once the kind is known
    with st.sidebar:
        seed = st.number_input("Seed (random weights)", 0, 9999, 0, step=1, key="sl_seed", **BOUND,
                               disabled=preset != "random")
    return preset, int(seed), note


def decimals(value: float, places: int = 4) -> str:
    """A ratio to `places` decimals, trailing zeros dropped: 0.3125, 0.3611 (1/4 + 1/16 read "0.312")."""
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def exact(value: float, places: int = 4) -> bool:
    """Whether decimals(value) is the value itself, not a rounding of it."""
    return abs(float(decimals(value, places)) - value) < 1e-12


def times_said(ratio: float) -> str:
    """A work ratio as the sentence under the counts says it: whole where four decimals hold it (9/8 read "1.12"
    there and "1.125" in MobileNet's rule a line below), else two decimals, or more where those would read 1.00."""
    return decimals(ratio) if exact(ratio) else f"{ratio:.{digits_apart_from_one(ratio, 2)}f}"


def preset_note(preset: str, mode: str, kernel_size: int) -> str:
    """What the preset does, for the sidebar: a pointwise layer has no k x k pattern, and every preset but Random
    gives it the same channel mixes ("The change from left to right" was said of a 1 x 1 layer); at k = 1 another
    layer's pattern is a single weight (it was said of a Sobel edge whose every weight is 0)."""
    if mode == "pointwise" and preset != "random":
        return (f"A 1 x 1 layer has no {PRESET_LABELS[preset]} pattern: every preset but Random gives it the same "
                "channel mixes.")
    if kernel_size == 1 and preset != "random":
        return size_one_note(preset)
    return PRESET_NOTES[preset][0].upper() + PRESET_NOTES[preset][1:] + "."


def layer_controls(bar: list | None) -> tuple[SlidingConfig, int]:
    """The layer to animate and the filter to watch (from 0); kind, k and N go in the projector bar if there is one."""
    with st.sidebar:
        st.header("Layer")
    with bar[0] if bar else st.sidebar:
        mode = st.radio("Kind of convolution", SLIDING_KINDS, key="sl_mode", horizontal=bool(bar),
                        format_func=word, **BOUND)
        if not bar:
            st.caption(KIND_LINES[mode])
    spatial = mode != "pointwise"
    with bar[1] if bar else st.sidebar:
        kernel = st.slider("Kernel size k", 1, 5, 3, key="sl_k", disabled=not spatial, **BOUND,
                           help="Pointwise kernels are always 1 x 1.")
    with st.sidebar:
        strides = st.slider("Strides", 1, 3, 1, key="sl_stride", **BOUND)
        padding = st.radio("Padding", ("valid", "same"), key="sl_pad", horizontal=True, **BOUND,
                           help='"same" adds zeros around the picture (the odd extra one at the bottom/right, '
                                'as TensorFlow does) so that the output is ceil(size / strides) wide.')
        dilation = st.slider("Dilation", 1, 3, 1, key="sl_dil", disabled=not spatial, **BOUND,
                             help="Gaps between the cells a kernel reads. Keras's Conv2D (standard, grouped) allows it only "
                                  "with strides 1; depthwise and separable layers allow both.")
    with bar[2] if bar else st.sidebar:
        out_channels = st.slider("Output channels N", 1, 8, 4, key="sl_cout", disabled=mode == "depthwise", **BOUND,
                                 help="Filters of standard, grouped and pointwise layers; the pointwise step of "
                                      "separable.")
    with st.sidebar:
        multiplier = st.slider("Depth multiplier m", 1, 3, 1, key="sl_dm", **BOUND,
                               disabled=mode not in ("depthwise", "separable"),
                               help="Kernels per input channel (Keras's depth_multiplier).")
        groups = st.select_slider("Groups g", (1, 2, 3), 1, key="sl_groups", disabled=mode != "grouped", **BOUND,
                                  help="1 = standard, 3 = one channel per group (depthwise). "
                                       "2 cannot split 3 channels evenly.")
        watch = st.slider("Filter (or depthwise kernel copy) to watch", 1, 8, 1, key="sl_watch", **BOUND,
                          help="Which filter's products the animation shows; all output maps fill in anyway.")
    config = SlidingConfig(mode=mode, kernel_size=int(kernel) if spatial else 1, strides=int(strides),
                           padding=padding, dilation_rate=int(dilation) if spatial else 1,
                           out_channels=int(out_channels), depth_multiplier=int(multiplier), groups=int(groups))
    return config, int(watch) - 1


@st.cache_resource(max_entries=8, show_spinner="Computing every step...")
def animation(image: np.ndarray, config: SlidingConfig, preset: str, seed: int, watch: int, scale: float,
              width: float):
    """The timeline and its figure, laid out for a figure `width` px wide (shared, read-only: st.plotly_chart only
    reads them)."""
    timeline = build_timeline(build_layer(image, config, preset, seed), watch)
    return timeline, sliding_figure(timeline, scale, width)


@st.cache_resource(max_entries=8, show_spinner=False)
def volume(image: np.ndarray, config: SlidingConfig, preset: str, seed: int, watch: int, scale: float, width: float):
    """The same timeline in 3-D, built only for a student who opens that view (shared, read-only)."""
    return volume_figure(animation(image, config, preset, seed, watch, scale, width)[0], scale, width)


def explain_error(config: SlidingConfig, exc: ValueError) -> None:
    """The sentence that says what to change, plus why for the RGB-specific cases."""
    show_error(exc)
    if config.mode == "grouped" and config.groups == 2:
        st.info("An RGB picture has 3 channels, and 3 cannot be split into 2 equal groups (1.5 channels each). "
                "Pick 1 group (a standard convolution) or 3 groups (one channel each: depthwise) with N = 3 or 6.")
    elif config.mode == "grouped" and config.groups == 3 and config.out_channels % 3:
        st.info("With 3 groups every group needs the same number of filters, so N must be 3 or 6.")
    st.caption("Nothing is animated until the layer is possible.")


def numbers_section(timeline, config: SlidingConfig) -> None:
    """This mode against a standard convolution of the same shape, from dsconv.costs.arithmetic."""
    layer = timeline.layer
    cost, standard = layer.cost, layer.standard_cost
    st.subheader("The numbers")
    rows = [{"Layer": KINDS[config.mode].lesson, "Weights (+ bias)": f"{cost.params:,}",
             "Multiply-adds": f"{cost.multiply_adds:,}", "Output shape": shape_text(cost.output_shape)}]
    if config.mode != "standard":
        rows.append({"Layer": "Standard convolution, same shapes", "Weights (+ bias)": f"{standard.params:,}",
                     "Multiply-adds": f"{standard.multiply_adds:,}", "Output shape": shape_text(standard.output_shape)})
    if len(cost.stages) > 1:  # the steps in the order they run, right under their layer
        rows[1:1] = [{"Layer": f"↳ of which step {number}, {stage.name}", "Weights (+ bias)": f"{stage.params:,}",
                      "Multiply-adds": f"{stage.multiply_adds:,}", "Output shape": shape_text(stage.output_shape)}
                     for number, stage in enumerate(cost.stages, 1)]
    show_table(rows)
    if config.mode != "standard" and config.strides > 1 and config.dilation_rate > 1:
        # the page refuses this standard layer itself (Keras does), and compared with it without a word
        st.caption(f"Keras's Conv2D refuses strides {config.strides} with dilation {config.dilation_rate}, so the "
                   "standard row is counted by the same rule for a layer Keras would not build: the comparison of "
                   "arithmetic stands, the layer does not.")
    ratio = standard.multiply_adds / cost.multiply_adds
    counts = f"{cost.multiply_adds:,} ({config.mode}) vs {standard.multiply_adds:,} (standard)"
    if config.mode == "standard":
        counts = f"{cost.multiply_adds:,}"
        comparison = "this is the standard convolution itself; pick another kind to compare"
    elif config.mode == "grouped" and config.groups == 1:
        comparison = "one group is a standard convolution, so the work is the same"
    elif config.mode == "pointwise":
        comparison = "a pointwise layer is a standard convolution with a 1 x 1 kernel: the same work"
    elif cost.multiply_adds == standard.multiply_adds:  # (k = 2, m = 2, N = 4: 2,352 each)
        comparison = "the standard convolution does the same work"
    elif ratio < 1:  # a 1 x 1 depthwise step only adds work
        comparison = f"here the standard convolution does less: this layer does {times_said(1 / ratio)} times its work"
    else:
        comparison = f"the standard convolution does {times_said(ratio)} times the work"
    st.markdown(f"**Multiply-adds: {counts}**: {comparison}. The counter in the animation ends at exactly "
                f"{timeline.frames[-1].multiply_adds:,}. Output shape {shape_text(cost.output_shape)}.")
    if config.mode == "separable":
        n, k, m = cost.output_shape[2], config.kernel_size, config.depth_multiplier
        numbers = f"1/{n} + 1/{k * k}" if m == 1 else f"{m} × (1/{n} + 1/{k * k})"
        # m kernels a channel: both steps do m times the work, so MobileNet's ratio (which has no m) times m
        name = "MobileNet's ratio 1/N + 1/k²" + ("" if m == 1 else ", times the depth multiplier m")
        thumb, here = mobilenet_ratio(n, k, m), cost.multiply_adds / standard.multiply_adds
        value = f"{'=' if exact(thumb) else '≈'} {decimals(thumb)}"
        if math.isclose(thumb, here, rel_tol=1e-12):  # always, by the counts; said from them, not assumed (it was
            # a "rule of thumb", "here it is about 0.7222", as if the count could differ; then "≈ 0.3611 is exactly")
            st.markdown(f"The counts' ratio {cost.multiply_adds:,} / {standard.multiply_adds:,} is exactly "
                        f"{numbers} {value}: {name}.")
        else:
            st.markdown(f"{name}: {numbers} {value}; here the counts give {'' if exact(here) else 'about '}"
                        f"{decimals(here)}.")
    st.caption("One multiply-add per weight per output position, padding zeros included (FLOPs = 2 x multiply-adds). "
               "Each output adds its bias after the sum ('+ bias' in the step line): one addition, no multiply-add. "
               "The biases on this page are 0, so the maps show the sums. Weights include the bias, as Keras counts "
               "them (SeparableConv2D has no depthwise bias).")


def weights_section(timeline, preset: str, seed: int) -> None:
    """What each filter's weights are (pattern, turn, channel mix), and which separable outputs equal a standard filter."""
    layer = timeline.layer
    names = {0: output_labels(layer, 0)}
    if len(layer.stages) > 1:
        names[1] = output_labels(layer, 1)
    lines = [f"{names[index][o]}: {note}" for index, notes in enumerate(layer.notes) for o, note in enumerate(notes)]
    if not lines:
        return
    with st.expander("What each filter's weights are", expanded=False):
        st.markdown(" ".join(weight_rules(layer.config, layer.image.shape[2], preset)))
        st.markdown("\n".join(f"- {line}" for line in lines))
    twins = standard_twins(layer, preset, seed)
    if twins:
        which = ", ".join(str(n + 1) for n in twins)
        # Keras's Conv2D refuses strides and dilation both above 1, and so does this page's standard mode
        compare = ("pick *Standard convolution* to compare" if min(layer.config.strides, layer.config.dilation_rate)
                   == 1 else "set strides or dilation to 1 and pick *Standard convolution* to compare: a Conv2D "
                   "takes no strides above 1 with dilation above 1")
        st.markdown(f"**Separable output{'s' if len(twins) > 1 else ''} {which} "
                    f"{'equal' if len(twins) > 1 else 'equals'} standard filter{'s' if len(twins) > 1 else ''} "
                    f"{which}** with the same preset ({compare}), on any picture: "
                    + ("the depthwise kernel times the pointwise mix, W[i, j, c] = D[i, j, c] × P[c], is the standard "
                       "kernel. " if layer.config.depth_multiplier == 1 else
                       "each channel's depthwise kernels times their pointwise weights, added up, are the standard "
                       "kernel. ")
                    + "A standard kernel that does not factor this way has no separable twin.")


def layer_section(image: np.ndarray, what: str, timeline, config: SlidingConfig, watch: int, preset: str,
                  seed: int) -> None:
    """The picture and what this kind of convolution does, in a sentence."""
    layer = timeline.layer
    picture, text = st.columns([1, 4])
    picture.image(np.kron(image, np.ones((160 // image.shape[0], 160 // image.shape[0], 1))).astype(np.uint8),
                  # no-break spaces: on a phone it broke as "8 x" over "8 pixels"
                  caption=f"{what}, {image.shape[0]}\u00a0x\u00a0{image.shape[1]}\u00a0pixels",
                  alt=f"The picture the kernels slide over, {image.shape[0]} x {image.shape[1]} pixels, enlarged")
    with text:
        st.markdown(f"**{KINDS[config.mode].lesson}**: input {shape_text(image.shape)} → output "
                    f"**{shape_text(layer.output.shape)}**. {WHAT_TO_WATCH[config.mode]}")
        if note := zero_note(layer, preset):
            st.caption(note)
        # a watch past the last filter or kernel copy shows another one (watched_channels decides which): say so
        m, filters = config.depth_multiplier, layer.stages[-1].output.shape[2]
        copy = watched_channels(layer, 0, watch)[0] if layer.stages[0].name == "depthwise" else watch
        if copy != watch:  # the depthwise step's copy j is channel 0's output j
            st.caption(f"Each channel has {'1 kernel copy' if m == 1 else f'{m} kernel copies'} (depth multiplier "
                       f"{m}), so the depthwise step shows copy {copy + 1}.")
        shown = watched_channels(layer, len(layer.stages) - 1, watch)[0] if config.mode != "depthwise" else watch
        if shown != watch:
            unit = "output" if config.mode in ("separable", "pointwise") else "filter"  # as the figure names them
            st.caption(f"There {f'is only 1 {unit}' if filters == 1 else f'are only {filters} {unit}s'}, so the "
                       f"animation watches {unit} {shown + 1}.")
        if alike := alike_note(layer, preset, seed):
            st.caption(alike)
        if same := same_copies_note(layer, preset):  # a channel's copies alike (Box blur at m = 2), said why
            st.caption(same)
        if faint := faint_maps_note(layer):  # a white map, or one on a scale a thousand times finer, said
            st.caption(faint)
        if timeline.positions_per_frame > 1:
            st.caption(f"This layer has {timeline.total_positions} steps; to keep the page light each frame "
                       f"jumps {timeline.positions_per_frame} steps (the counter still counts every one).")


def animation_section(figure) -> None:
    """The playback buttons and the animated figure."""
    playback_bar("sl_chart")
    st.plotly_chart(figure, key="sl_chart", config={"displayModeBar": False, "scrollZoom": False})
    short = short_names_note(figure.to_dict())
    # (it said "pale cells are not computed yet": those are covered in grey-blue; a pale square is a value near 0,
    # and the thin black boxes on the other maps were not said)
    st.caption("The buttons, the keys and the slider run in your browser. The thick black outline is the window the "
               "watched kernel reads; the orange box is the cell its sum is written to, and thin black boxes the "
               "cells the other maps get in the same step. A flat grey-blue cover hides the cells not computed yet; "
               "a computed value near 0 is a pale square. Hover over (or tap) a small map for its numbers, once the "
               "whole map is computed." + (f" {short}" if short else ""))


def volume_section(draw: Callable[[], object]) -> None:
    """The same layer as boxes in 3-D, with its own buttons; drawn (`draw()`) once the student switches it on: a
    3-D view is the slowest thing on the page to draw (0.65 s of its first paint on a 2-core CPU)."""
    st.subheader("The same layer in 3-D")
    st.markdown("Tensors are boxes: height x width x channels. The orange box is the kernel volume where it is "
                "now: a standard kernel reaches through all channels, a depthwise kernel is one slab per channel, "
                "a pointwise kernel is a 1 x 1 column.")
    if not st.toggle("Show the 3-D view", key="sl_3d", **BOUND,
                     help="Draws the boxes; on a slow computer a 3-D view takes a moment to appear."):
        return
    playback_bar("sl_volume", redraw=True, keys=False)
    st.plotly_chart(draw(), key="sl_volume", config={"displayModeBar": False})
    st.caption(f"Drag to turn the boxes. This view has its own buttons and at most {MAX_VOLUME_FRAMES} "
               "frames, so it jumps several steps at a time.")


def main() -> None:
    page_setup("Sliding kernels", "🎞️")
    st.title("Sliding kernels")
    # In projector mode the lesson's main controls sit in a bar at the top and the animation comes right after
    # it; the introduction and the picture follow. Otherwise the controls stay in the sidebar.
    kinds = st.container()  # in projector mode the kind of convolution, on one line over the other three settings:
    bar = projector_bar(3)  # in a quarter of the page its five choices took four lines, pushing the animation down
    bar = [kinds, *bar] if bar else None
    top = st.container()
    image, what = input_controls()
    preset, seed, note = kernel_controls(bar)
    config, watch = layer_controls(bar)
    if note is not None:
        note.caption(preset_note(preset, config.mode, config.kernel_size))
    with top if not bar else st.container():
        st.markdown(
            "A convolution slides a small grid of weights, the kernel, over a picture. At each position it "
            "multiplies the pixels under the kernel by the weights and adds the products up: that sum is one "
            "pixel of the output. The kinds of convolution differ in **which channels** one kernel reads. "
            "Pick a kind, press play, and watch the red, green and blue channels being read.")
    width = shown_width()
    scale = projected_scale(figure_scale(), width)  # smaller on a narrower projector: the figure fits its window
    try:
        timeline, figure = animation(image, config, preset, seed, watch, scale, width)
    except (LayerConfigError, ValueError) as exc:
        with top:
            explain_error(config, exc)
        share_link()
        return
    with top:
        if not bar:
            layer_section(image, what, timeline, config, watch, preset, seed)
        animation_section(figure)
    if bar:
        layer_section(image, what, timeline, config, watch, preset, seed)
    volume_section(lambda: volume(image, config, preset, seed, watch, scale, width))
    weights_section(timeline, preset, seed)
    numbers_section(timeline, config)
    st.subheader("Why it matters")
    # weights alone, then with the biases: "286 or 283 weights instead of 1,792" counted the biases as weights
    weights = {kind: tutorial_cost(kind, use_bias=False).params for kind in ("separable", "standard")}
    params = {kind: tutorial_cost(kind).params for kind in ("depthwise_pointwise", "separable", "standard")}
    st.markdown(
        "A standard kernel does two jobs at once: it looks at neighbours (space) and it mixes channels. "
        "A depthwise separable convolution splits those jobs: the depthwise step handles space, one channel "
        "at a time, and the 1 x 1 pointwise step mixes channels, for roughly 1/N + 1/k² of the work. MobileNet "
        "spends that saving on running on phones; Xception on a more accurate network of Inception V3's size. In "
        f"the tutorial's first layer (3 x 3 kernel, 3 → 64 channels) that is {weights['separable']:,} weights instead "
        f"of {weights['standard']:,}; with the biases, {params['depthwise_pointwise']:,} parameters (two layers) or "
        f"{params['separable']:,} (SeparableConv2D) instead of {params['standard']:,}.\n\n"
        "A common mistake, made by the tutorial this app grew from, is to say a depthwise convolution works "
        "along one spatial dimension, the channel. A channel is not a spatial dimension: as the animation shows, "
        "a depthwise kernel slides over height **and** width; what it does not do is look at other channels.")
    share_link()


main()
