"""Parameter lab: what standard, grouped, depthwise, pointwise and separable convolutions cost."""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import streamlit as st

    from dsconv.costs import (
        LayerConfigError,
        NetworkConfig,
        compare_with_keras,
        count_text,
        every_kind,
        keras_code,
        keras_verdict,
        lab_text,
        network_summary,
        pytorch_code,
        ratio_derivation,
        too_large_to_check,
    )
    from dsconv.figures import cost as figures_cost
    from dsconv.kinds import KINDS, LAYER_KINDS, NETWORK_KINDS, label, short_label
    from dsconv.safe_text import times_text
    from dsconv_ui.common import (
        BOUND,
        figure_scale,
        is_presenting,
        page_setup,
        projector_bar,
        share_link,
        shared_figure,
        show_error,
        show_table,
        shown_width,
    )

# The worked ratio's widest line with every "=" under the first line's, in Chromium, with 4-digit settings, k = 11 and
# m = 8: 615 px, and 759 px in projector mode's larger text (a 1024 x 768 projector's page is 773). A page narrower
# than this (a phone, a laptop's page beside the sidebar) gets a line a step.
WIDE_FORMULAS_PX = {False: 620, True: 765}  # by is_presenting()
TABS = ("Compare the kinds", "Separable vs standard", "Check with Keras", "Whole network", "Code")


def lab_controls(bar: list | None) -> dict:
    """The layer settings, as layer_cost's keyword arguments: from the sidebar, or for C, N and k from the
    projector bar when there is one."""
    with st.sidebar:
        st.header("Your layer")
        left, right = st.columns(2)
        height = left.number_input("Input height", 1, 1024, 32, step=1, key="lab_h", **BOUND)
        width = right.number_input("Input width", 1, 1024, 32, step=1, key="lab_w", **BOUND)
    # a row of its own: on a phone Streamlit stands columns one above another, and the pair read height, C, width, N
    channel_spots = (bar[0], bar[1]) if bar else tuple(st.sidebar.columns(2))
    in_channels = channel_spots[0].number_input("In channels C", 1, 4096, 3, step=1, key="lab_cin", **BOUND)
    out_channels = channel_spots[1].number_input("Out channels N", 1, 4096, 64, step=1, key="lab_cout", **BOUND)
    kernel = (bar[2] if bar else st.sidebar).slider("Kernel size k (k x k)", 1, 11, 3, key="lab_k", **BOUND)
    with st.sidebar:
        strides = st.slider("Strides", 1, 4, 1, key="lab_stride", **BOUND)
        padding = st.radio("Padding", ("valid", "same"), horizontal=True, key="lab_pad", **BOUND)
        dilation = st.slider("Dilation rate", 1, 4, 1, key="lab_dil", **BOUND)
        depth_multiplier = st.slider("Depth multiplier m (depthwise and separable)", 1, 8, 1, key="lab_dm", **BOUND)
        groups = st.number_input("Groups g (grouped Conv2D only)", 1, 4096, 1, step=1, key="lab_groups", **BOUND)
        use_bias = st.checkbox("Use bias", True, key="lab_bias", **BOUND)
    return dict(height=int(height), width=int(width), in_channels=int(in_channels), out_channels=int(out_channels),
                kernel_size=int(kernel), strides=int(strides), padding=padding, dilation_rate=int(dilation),
                depth_multiplier=int(depth_multiplier), groups=int(groups), use_bias=bool(use_bias))


@st.cache_data(max_entries=256, show_spinner=False)
def all_costs(settings: dict) -> dict:
    """Every kind's LayerCost, or the sentence that says why this kind is invalid here."""
    return every_kind(**settings)


@st.cache_data(max_entries=32, show_spinner=False)  # keras_section shows what it waits for
def keras_reference(settings: dict) -> list:
    """count_params() and output shapes of the real Keras layers (imports TensorFlow)."""
    with ONE_AT_A_TIME:
        from dsconv.costs import keras_counts

    return keras_counts(LAYER_KINDS, **settings)


@st.cache_data(max_entries=64, show_spinner=False)
def network(config: NetworkConfig) -> tuple:
    """A network summary and its rows split into depthwise/pointwise parts."""
    summary = network_summary(config)
    return summary, figures_cost.network_parts(summary)


# Figures are shared objects (st.cache_resource, through shared_figure): st.plotly_chart only reads them, and
# unpickling a Plotly figure from st.cache_data would validate it all over again, which is what caching should save.
cost_figure = shared_figure(figures_cost.cost_figure, 128)
ratio_figure = shared_figure(figures_cost.ratio_figure, 128)
share_figure = shared_figure(figures_cost.network_share_figure, 32)


def show_kind_errors(costs: dict) -> None:
    """One st.error per distinct sentence, naming the kinds it applies to."""
    by_message: dict[str, list[str]] = {}
    for kind, cost in costs.items():
        if isinstance(cost, str):
            by_message.setdefault(cost, []).append(KINDS[kind].label)
    for message, labels in by_message.items():
        show_error(LayerConfigError(f"{', '.join(labels)}: {message}"))


def compare_section(settings: dict, costs: dict, use_flops: bool) -> None:
    count_name = "FLOPs (2 x multiply-adds)" if use_flops else "Multiply-adds"
    s = settings
    st.markdown(f"Every kind of layer on the same **{s['height']} x {s['width']} x {s['in_channels']}** input: "
                f"**{s['kernel_size']} x {s['kernel_size']}** kernels, **N = {s['out_channels']}** output "
                f"channel{'' if s['out_channels'] == 1 else 's'}, "
                f"strides {s['strides']}, padding \"{s['padding']}\", dilation {s['dilation_rate']}, depth "
                f"multiplier {s['depth_multiplier']}, groups {s['groups']}, {'with' if s['use_bias'] else 'no'} "
                f"bias. {count_name} are per image, for one forward pass: "
                + lab_text.counting_rule(s["height"], s["width"], s["kernel_size"], s["strides"], s["dilation_rate"],
                                         s["padding"]) + ".")
    rows = figures_cost.cost_table_rows(costs, count_name, use_flops, s["groups"])
    show_table(rows)
    show_kind_errors(costs)
    st.markdown(lab_text.reading_note(costs, s["in_channels"], s["depth_multiplier"], s["use_bias"]))
    for note in (lab_text.pointwise_row_note(costs, (s["height"], s["width"], s["in_channels"]), use_flops),
                 lab_text.grouped_note(costs, s["groups"])):
        if note:
            st.markdown(note)
    st.caption("Activation memory: float32 (4 bytes a value), per image, every tensor the layer writes, the "
               "hidden depthwise output of a two-step layer included; input and weights not included.")
    valid = [kind for kind, cost in costs.items() if not isinstance(cost, str)]
    if valid:
        fig = cost_figure(
            valid, [costs[k].params for k in valid],
            [costs[k].flops if use_flops else costs[k].multiply_adds for k in valid],
            [costs[k].activation_bytes / 1024 for k in valid], count_name, figure_scale(), PAGE_PX)
        st.plotly_chart(fig, key="lab_cost_chart", config={"displayModeBar": False}, theme=None)


def ratio_section(settings: dict, costs: dict) -> None:
    standard, separable = costs["standard"], costs["separable"]
    if isinstance(standard, str) or isinstance(separable, str):
        st.info("The ratio needs a valid standard and a valid separable layer for these settings.")
        show_kind_errors({kind: costs[kind] for kind in ("standard", "separable")})
        return
    k, c, n, m = settings["kernel_size"], settings["in_channels"], settings["out_channels"], \
        settings["depth_multiplier"]
    out_h, out_w, _ = separable.output_shape
    st.markdown("MobileNet's paper works out the separable layer's cost as a fraction of the standard one: "
                "the depthwise step does k²·C work per pixel, the pointwise step C·N, the standard layer k²·C·N.")
    derivation = ratio_derivation(standard, separable, kernel_size=k, in_channels=c, out_channels=n,
                                  depth_multiplier=m, use_bias=settings["use_bias"],
                                  narrow=PAGE_PX < WIDE_FORMULAS_PX[is_presenting()])
    for formula in (derivation.multiply_adds, derivation.approximation, derivation.params):
        st.latex(formula)
    cols = st.columns(3)
    cols[0].metric("Multiply-adds: standard / separable", times_text(standard.multiply_adds / separable.multiply_adds))
    cols[1].metric("Params: standard / separable", times_text(standard.params / separable.params))
    pair = costs["depthwise_pointwise"]
    if not isinstance(pair, str):
        cols[2].metric("Params: standard / depthwise + pointwise", times_text(standard.params / pair.params))
    st.markdown(
        f"With depth multiplier 1 the multiply-add ratio *is* 1/N + 1/k² exactly: both steps work on the same "
        f"{out_h} x {out_w} output positions, and the parameter ratio differs from it only by the biases. "
        + ("" if m == 1 else f"Here the depth multiplier is {m}: both steps do {m} times the work, so the ratio is "
                               f"{m} x (1/N + 1/k²), and the parameters grow alike (biases aside). ")
        + lab_text.tutorial_saving())
    kernels = sorted({*figures_cost.RATIO_KERNELS, k})
    st.plotly_chart(ratio_figure(c, kernels, n, k, settings["use_bias"], max(512, n), figure_scale(), m, PAGE_PX),
                    key="lab_ratio_chart", config={"displayModeBar": False}, theme=None)
    st.caption(lab_text.kernel_term_note(k, n, m))


def keras_section(settings: dict, costs: dict) -> None:
    st.markdown("Our numbers come from arithmetic. Press the button to build the real Keras layers for these "
                "settings and read Keras's own `count_params()` and output shapes. (This loads TensorFlow, "
                "which takes a few seconds the first time.)")
    refusal = too_large_to_check(costs)
    if refusal:
        st.info(refusal)
    pressed = st.button("Check with Keras", key="lab_keras_check", type="primary", disabled=refusal is not None)
    if refusal:
        return  # not also "press the button again" beside a button that is off
    if pressed:
        st.session_state["lab_keras_checked"] = dict(settings)
    if st.session_state.get("lab_keras_checked") != settings:
        if "lab_keras_checked" in st.session_state:
            st.info("The settings changed since the last check: press the button again.")
        return
    with st.spinner("Loading TensorFlow and building the real Keras layers (about 10 s the first time on this "
                    "server, then instant)..."):
        rows = compare_with_keras(costs, keras_reference(settings))
    verdict = keras_verdict(rows, lambda kind: figures_cost.kind_label(kind, settings["groups"]))
    show_table(verdict.rows)
    for refusal in verdict.refusals:
        st.caption(refusal)
    (st.success if verdict.agrees else st.warning)(verdict.sentence)


def network_section(scale: float) -> None:
    st.markdown("The tutorial's CIFAR-10 model: blocks of two convolutions and a max-pool, filters doubling per "
                "block, then Flatten and a Dense softmax. Change the convolution kind and see where the "
                "parameters and the multiply-adds go. This tab has its own settings, right here: the layer set up "
                "for the other tabs does not change it.")
    cols = st.columns([1.5, 1, 1, 1, 1])  # the kind's name needs the room: "SeparableConv2" in a fifth of a projector
    kind = cols[0].selectbox("Convolution kind", NETWORK_KINDS, index=NETWORK_KINDS.index("separable"), key="net_kind", **BOUND,
                             format_func=short_label)
    blocks = cols[1].slider("Blocks", 1, 5, 3, key="net_blocks", **BOUND)
    filters = cols[2].select_slider("First block's filters", (8, 16, 32, 64, 128), 64, key="net_filters", **BOUND)
    kernel = cols[3].slider("Kernel size", 1, 7, 3, key="net_k", **BOUND)
    alpha = cols[4].select_slider("Width multiplier", (0.25, 0.5, 0.75, 1.0, 1.5, 2.0), 1.0, key="net_alpha", **BOUND)
    if KINDS[kind].detail:
        st.caption(f"{KINDS[kind].label}: {KINDS[kind].detail}")
    config = NetworkConfig(conv_kind=kind, blocks=blocks, filters=filters, kernel_size=kernel, width_multiplier=alpha)
    try:
        summary, parts = network(config)
        standard, _ = network(NetworkConfig(blocks=blocks, filters=filters, kernel_size=kernel, width_multiplier=alpha))
    except LayerConfigError as exc:
        show_error(exc)
        return
    rows = figures_cost.network_table_rows(summary)
    cols = st.columns(3)
    cols[0].metric("Total params", f"{summary.total_params:,}",
                   f"standard: {standard.total_params:,}", delta_color="off", delta_arrow="off")
    mine, theirs = summary.total_multiply_adds, standard.total_multiply_adds
    cols[1].metric("Multiply-adds per image", count_text(mine, theirs), f"standard: {count_text(theirs, mine)}",
                   delta_color="off", delta_arrow="off")
    cols[2].metric("Multiply-adds: standard / this", times_text(theirs / mine))
    show_table(rows)
    st.plotly_chart(share_figure(parts, scale, PAGE_PX), key="net_share_chart",
                    config={"displayModeBar": False}, theme=None)
    share = lab_text.network_pointwise_share(sum(p.params.get("pointwise", 0) for p in parts),
                                             sum(p.multiply_adds.get("pointwise", 0) for p in parts),
                                             sum(p.multiply_adds.get("depthwise", 0) for p in parts),
                                             summary.total_params, summary.total_multiply_adds, kernel)
    if share:
        st.markdown(share)
    tut_std, _ = network(NetworkConfig())
    tut_sep, _ = network(NetworkConfig(conv_kind="separable"))
    st.caption(f"The tutorial's two models (the defaults here): {tut_std.total_params:,} vs "
               f"{tut_sep.total_params:,} params, {tut_std.total_multiply_adds / 1e6:.1f} M vs "
               f"{tut_sep.total_multiply_adds / 1e6:.1f} M multiply-adds per image.")


def code_section(settings: dict, costs: dict) -> None:
    kind = st.selectbox("Layer kind", LAYER_KINDS, index=LAYER_KINDS.index("separable"), key="lab_code_kind",
                        format_func=label, **BOUND)
    if isinstance(costs[kind], str):
        show_error(LayerConfigError(f"{KINDS[kind].label}: {costs[kind]}"))
        return
    st.markdown("**Keras 3** (channels last). Run it and compare the printed count with the table.")
    st.code(keras_code(kind, settings), language="python")
    st.markdown("**PyTorch** (channels first). A depthwise convolution is a `Conv2d` with `groups` equal to "
                "the input channels; TensorFlow's \"same\" padding with strides pads the bottom and right more, "
                "so the code pads explicitly.")
    st.code(pytorch_code(kind, settings), language="python")


page_setup("Parameter lab", "🧮")
# The width a figure as wide as the page is shown at. Measured here, above the tabs: in a tab, the measure went with
# the tab, and coming back to it drew the bars for the assumed width first.
PAGE_PX = shown_width()
st.title("Parameter lab")
bar = projector_bar(3)  # projector mode: C, N and k at the top of the page (the sidebar is hidden)
where = ("with C, N and k above (turn projector mode off for the other settings)" if bar else "in the sidebar")
st.markdown(f"Set up one convolution layer {where} and compare what every kind of convolution costs "
            "for it: parameters, multiply-adds, output shape and memory. Every number is computed from the "
            "layer's shape and can be checked against real Keras layers below.")
settings = lab_controls(bar)
costs = all_costs(settings)
# Only the open tab runs (on_change="rerun"): a slider change re-runs one section, not five.
tabs = dict(zip(TABS, st.tabs(TABS, key="lab_tab", on_change="rerun", bind="query-params")))
with tabs["Compare the kinds"]:
    if tabs["Compare the kinds"].open:
        # Here, where it counts: above the tabs, it left the other tabs' multiply-adds as they were
        use_flops = st.toggle("Count FLOPs instead of multiply-adds (1 multiply-add = 2 FLOPs)", False, key="lab_flops",
                              **BOUND)
        compare_section(settings, costs, use_flops)
with tabs["Separable vs standard"]:
    if tabs["Separable vs standard"].open:
        ratio_section(settings, costs)
with tabs["Check with Keras"]:
    if tabs["Check with Keras"].open:
        keras_section(settings, costs)
with tabs["Whole network"]:
    if tabs["Whole network"].open:
        network_section(figure_scale())
with tabs["Code"]:
    if tabs["Code"].open:
        code_section(settings, costs)
st.subheader("Why it matters")
# Exact for the multiply-adds and the weights; the biases (N in both, C more in the tutorial's pair) are why the
# parameters' ratio is not it (a one-channel input: 0.214 against 1/64 + 1/9 = 0.127).
# With N and k both at least 2 the share is at most 1/2 + 1/4; with either at 1 it is over 1 (N = 1: 1 + 1/k²).
st.markdown("A separable layer does 1/N + 1/k² of a standard layer's multiply-adds, and has that share of its "
            "weights, biases aside (with depth multiplier 1). That is at most 3/4 of the standard layer's when N and "
            "k are both 2 or more, and more than the standard layer's when N = 1 or k = 1. MobileNet spends that "
            "saving on small, fast models for phones. Xception spends it on "
            "accuracy instead: about as many parameters as Inception V3, and a better ImageNet score. Fewer "
            "multiply-adds is not the same as faster, though: the Speed lab measures what they cost in time.")
share = lab_text.pointwise_share(costs)
if share and not tabs["Whole network"].open:  # under the network's own shares it read as the network's
    st.markdown(share)
share_link()
