"""Home page: what depthwise separable convolutions are, the tutorial's example in numbers, and the pages."""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import streamlit as st
    from streamlit.errors import StreamlitAPIException

    from dsconv.costs import TUTORIAL_LAYER, tutorial_cost
    from dsconv.figures import drawing_svg, idea_layout
    from dsconv_ui.common import PAGES, ROOT, figure_scale, page_setup, share_link

# The tutorial's example: an RGB 32 x 32 image, a 3 x 3 kernel, 64 output channels, padding "valid".
DESCRIPTIONS = {  # what a student does on each page of the navigation (dsconv_ui.common.PAGES)
    "pages/1_Parameter_lab.py":
        "Set up any layer and compare params, multiply-adds, shapes and memory of every kind; check them with Keras.",
    "pages/2_Sliding_kernels.py":
        "Watch standard, depthwise, pointwise, separable and grouped kernels slide over a picture, step by step.",
    "pages/3_Training_arena.py":
        "The tutorial's two CIFAR-10 models trained side by side: accuracy, time and overfitting; replay or launch.",
    "pages/4_Filters_on_your_image.py":
        "Apply the trained models' filters and your own depthwise and pointwise filters to a photo.",
    "pages/5_Speed_lab.py": "Time the layers on this machine: fewer multiply-adds is not proportionally faster.",
    "pages/7_Real_networks.py": "Open MobileNet, Xception, ResNet or your own Keras model: where its parameters and "
                                "multiply-adds sit, layer by layer, checked against the papers.",
    "pages/6_Quiz.py": "Predict, then reveal: check what you learned, with the working and the common mistakes.",
}


@st.cache_data(max_entries=4, show_spinner=False)
def example_costs() -> dict:
    """The tutorial example's cost for the three layers the tutorial compares."""
    return {kind: tutorial_cost(kind) for kind in ("standard", "separable", "depthwise_pointwise")}


IDEA_TITLE = ("The tutorial's layer two ways. Top: a standard convolution, 64 filters that each read all three "
              "channels. Bottom: a depthwise step, one 3 x 3 kernel per channel, then a pointwise step, 64 filters of "
              "1 x 1 x 3 that mix the channels.")


# The browser shows one of the two pictures by the width of the page (a container query: no run, no probe). The wide
# one's 16 px text shrinks with it: on a phone's 356 px page to 7 px; under 600 px the narrow one (464 px) is shown.
IDEA_CSS = """<style>
.dsconv-idea { container-type: inline-size; }
.dsconv-idea-narrow { display: none; }
@container (max-width: 600px) { .dsconv-idea-wide { display: none; } .dsconv-idea-narrow { display: block; } }
</style>"""


@st.cache_resource(max_entries=2, show_spinner=False)
def example_picture(scale: float) -> str:
    """The idea picture as inline SVG, wide and narrow, built once per server: drawn as SVG, the home page needs no
    Plotly in the browser (4.6 MB of script, about 1 s of a first paint here, far more on a classroom's wifi)."""
    wide, narrow = (drawing_svg({"layout": idea_layout(**TUTORIAL_LAYER, scale=scale, narrow=narrow)}, IDEA_TITLE)
                    for narrow in (False, True))
    return (f'{IDEA_CSS}<div class="dsconv-idea"><div class="dsconv-idea-wide">{wide}</div>'
            f'<div class="dsconv-idea-narrow">{narrow}</div></div>')


def key_numbers() -> None:
    costs = example_costs()
    standard, separable, pair = costs["standard"], costs["separable"], costs["depthwise_pointwise"]
    st.subheader("The tutorial's example in numbers")
    st.markdown("A 32 x 32 RGB image, a 3 x 3 kernel, 64 output channels, padding \"valid\" "
                f"(output {' x '.join(map(str, standard.output_shape))}). Multiply-adds are per image, one per "
                "weight per output position.")
    cols = st.columns(4)
    cols[0].metric("Conv2D params", f"{standard.params:,}", f"{standard.multiply_adds:,} multiply-adds",
                   delta_color="off", delta_arrow="off")
    cols[1].metric("SeparableConv2D params", f"{separable.params:,}", f"{separable.multiply_adds:,} multiply-adds",
                   delta_color="off", delta_arrow="off")
    cols[2].metric("Depthwise + 1x1 params", f"{pair.params:,}", f"{pair.multiply_adds:,} multiply-adds",
                   delta_color="off", delta_arrow="off")
    # Both ratios against the same layer, the tutorial's pair (it has SeparableConv2D's multiply-adds).
    cols[3].metric("Depthwise + 1x1 against Conv2D", f"{standard.params / pair.params:.1f}x",
                   f"fewer params; {standard.multiply_adds / pair.multiply_adds:.1f}x fewer multiply-adds",
                   delta_color="off", delta_arrow="off")
    depthwise, pointwise = separable.stages
    st.markdown(
        f"Where the {separable.params:,} come from: the depthwise step has {depthwise.params:,} weights "
        f"(three 3 x 3 kernels, one per channel, no bias in Keras's SeparableConv2D); the pointwise step has "
        f"{pointwise.params - pointwise.bias:,} weights (64 filters of 1 x 1 x 3) and {pointwise.bias} biases. "
        f"The tutorial's hand-written layer (a DepthwiseConv2D, then a 1x1 Conv2D: Depthwise + 1x1 above) adds a "
        f"bias to the depthwise step too: {pair.params:,}. The two models it trains use Keras's SeparableConv2D, "
        f"so their first separable layer has {separable.params:,}.")


def confusions() -> None:
    costs = example_costs()
    standard, separable, pair = costs["standard"], costs["separable"], costs["depthwise_pointwise"]
    st.subheader("Common confusions (and what the tutorial got wrong)")
    st.markdown(
        "- **A channel is not a spatial dimension.** A depthwise kernel still slides over height and width; "
        "what changes is that each kernel reads one input channel only.\n"
        "- **The pointwise kernel is 1 x 1 x C, and there are N of them.** With C input channels and N outputs "
        "that is C·N weights plus N biases, not a kernel as deep as the output.\n"
        f"- **{separable.params:,} or {pair.params:,}?** Keras's SeparableConv2D has one bias vector, after the "
        f"pointwise step: {separable.params:,}. A DepthwiseConv2D followed by a 1x1 Conv2D keeps a bias in each "
        f"step: {pair.params:,}. Both are \"separable\".\n"
        f"- **About {standard.params / pair.params:.1f} times fewer, not \"less than 6\".** {standard.params:,} / "
        f"{pair.params:,} = {standard.params / pair.params:.2f}; against Keras's layer it is "
        f"{standard.params / separable.params:.2f} ({standard.params:,} / {separable.params:,}).\n"
        "- **Three different \"separable\" blocks.** Keras's layer has no activation between the steps, the "
        "tutorial's layer puts a ReLU after each step, and MobileNet puts BatchNorm + ReLU after each step.\n"
        "- **Fewer multiply-adds is not proportionally faster.** The tutorial's separable model did 8.35x fewer "
        "multiply-adds, yet a training step went only from 26 to 21 ms on its GPU. Depthwise layers do little "
        "arithmetic per byte they move, and every layer pays a fixed cost per call, so their time is often set by "
        "memory traffic, that fixed cost or how well the library's code runs, more than by the arithmetic counted. "
        "The Speed lab measures which limit each layer hits here.\n"
        "- **Validation on the test set is not a test score.** The tutorial picks its best epoch by the test "
        "set, so its \"val_acc\" is optimistic.\n"
        "- **Depth multiplier is not width multiplier.** Keras's depth_multiplier is how many outputs each "
        "input channel gets in the depthwise step; MobileNet's width multiplier thins every layer.")


def page_links() -> None:
    st.subheader("The pages")
    for path, label, icon in PAGES[1:]:  # every page but this one
        if (ROOT / path).exists():
            try:
                st.page_link(path, label=label, icon=icon)
            except StreamlitAPIException:  # the page is not registered (a page run on its own)
                st.markdown(f"{icon} **{label}**")
            st.caption(DESCRIPTIONS[path])


page_setup("Depthwise separable convolutions", "🧩")
st.title("Depthwise separable convolutions, explained")
st.markdown(
    "MobileNet and Xception replace most standard convolutions with *depthwise separable* ones: a depthwise "
    "step that filters each channel on its own, then a pointwise (1 x 1) step that mixes the channels. This "
    "app shows what that means, what it saves in parameters and arithmetic, and what it really costs when you "
    "train and run it. The app computes every count itself: parameter counts and output shapes are checked "
    "against Keras's own layers (live, in the Parameter lab), multiply-adds against each kernel's size times its "
    "output positions. Figures quoted from the tutorial say so.")
st.subheader("The idea in one picture")
st.markdown(example_picture(figure_scale()), unsafe_allow_html=True)
st.caption("Boxes are tensors (height x width x channels; red, green and blue are the three input channels, and "
           "more channels are drawn deeper). The small shapes under the arrows are the kernels each step learns.")
key_numbers()
confusions()
page_links()
st.subheader("Why it matters")
st.markdown("Splitting a convolution into \"look around\" (depthwise) and \"mix channels\" (pointwise) cuts "
            "its cost to about 1/N + 1/k² of a standard one. That saving is what made accurate image models "
            "run on phones, and knowing where it does and does not pay is what the rest of the app is about.")
share_link()
