"""The Sliding kernels page under streamlit.testing's AppTest: change the settings, read what the page shows.

Expected counts are worked out by hand here (one multiply-add per weight per output position):
8 x 8 x 3 input, k = 3, valid -> 6 x 6 positions; standard N = 4: 36 * 27 * 4 = 3,888.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/2_Sliding_kernels.py"
from conftest import ROOT, open_page, shown_tables
from rendered import literal


@pytest.fixture
def app():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    at.run()
    assert not at.exception
    return at


def page_text(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def test_default_page_shows_the_standard_layer(app):
    text = page_text(app)
    assert "input 8 x 8 x 3 → output **6 x 6 x 4**" in text
    assert "Multiply-adds: 3,888**" in text
    assert "ends at exactly 3,888" in text
    assert "one spatial dimension" in text and "height **and** width" in text  # the tutorial's mistake 1, fixed
    assert charts(app) == 1
    assert not app.error


def test_the_shape_is_said_to_be_blocky_where_it_is():
    """At 8 x 8 the disc is a stepped diamond a reviewer took for a cross, under "a yellow disc on dark blue"."""
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    at.run()
    captions = [caption for image in at.get("image") for caption in image.captions]
    # (no-break spaces in the size: on a phone it broke as "8 x" over "8 pixels")
    assert "Shape: a yellow disc on dark blue (blocky at this size), 8\u00a0x\u00a08\u00a0pixels" in captions, captions
    at.slider(key="sl_size").set_value(16).run()
    captions = [caption for image in at.get("image") for caption in image.captions]
    assert "Shape: a yellow disc on dark blue, 16\u00a0x\u00a016\u00a0pixels" in captions, captions


def test_the_3d_view_is_built_and_drawn_only_once_switched_on(monkeypatch):
    import json

    from dsconv import figures

    built = []
    original = figures.volume_figure
    monkeypatch.setattr(figures, "volume_figure", lambda *args: built.append(args) or original(*args))
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    at.query_params["sl_k"] = "5"  # a setting whose 3-D view no other test has built (the figures are shared)
    at.run()
    assert not at.exception and charts(at) == 1 and built == []
    at.toggle(key="sl_3d").set_value(True).run()
    assert not at.exception and charts(at) == 2 and len(built) == 1
    volume = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert {trace["type"] for trace in volume["data"]} & {"mesh3d", "scatter3d"}
    assert not at.toggle(key="sl_3d").set_value(False).run().exception and charts(at) == 1


def test_standard_mode_gives_its_count_once(app):
    """It read "Multiply-adds: 3,888 (standard) vs 3,888 (standard)": the layer compared with itself."""
    text = page_text(app)
    # the default layer: 6 x 6 positions ("valid", 8 x 8 picture, k = 3) x 3 x 3 x 3 weights x 4 filters
    assert "**Multiply-adds: 3,888**: this is the standard convolution itself" in text
    assert "(standard) vs" not in text


def test_depthwise_mode_counts_one_channel_per_kernel(app):
    app.radio(key="sl_mode").set_value("depthwise").run()
    text = page_text(app)
    # depthwise: 36 positions x 9 weights x 3 channels; a standard conv to 6 x 6 x 3: 36 x 27 x 3
    assert "Multiply-adds: 972 (depthwise) vs 2,916 (standard)" in text
    assert "output **6 x 6 x 3**" in text
    app.slider(key="sl_dm").set_value(2).run()
    assert "Multiply-adds: 1,944 (depthwise) vs 5,832 (standard)" in page_text(app)
    assert charts(app) == 1


def test_separable_with_larger_kernel_and_same_padding(app):
    app.radio(key="sl_mode").set_value("separable").run()
    app.slider(key="sl_k").set_value(5)
    app.radio(key="sl_pad").set_value("same").run()
    text = page_text(app)
    # 64 positions: depthwise 64 x 25 x 3 = 4,800, pointwise 64 x 3 x 4 = 768; standard 64 x 75 x 4 = 19,200
    assert "Multiply-adds: 5,568 (separable) vs 19,200 (standard)" in text
    assert "output **8 x 8 x 4**" in text
    assert "1/4 + 1/25" in text
    assert not app.exception and charts(app) == 1


def test_the_rule_of_thumb_carries_the_depth_multiplier(app):
    """With m = 2 it read "1/N + 1/k² = 1/4 + 1/9 = 0.361; here it is 0.722": the rule looked off by half."""
    app.radio(key="sl_mode").set_value("separable").run()
    app.slider(key="sl_dm").set_value(2).run()
    text = page_text(app)
    # 36 positions: depthwise 36 x 9 x 6 = 1,944, pointwise 36 x 6 x 4 = 864; standard 36 x 27 x 4 = 3,888
    assert "Multiply-adds: 2,808 (separable) vs 3,888 (standard)" in text
    # 2 x (1/4 + 1/9) = 0.72222... = 2,808 / 3,888: the ratio is exact (it was a "rule of thumb", "here it is about")
    assert ("The counts' ratio 2,808 / 3,888 is exactly 2 × (1/4 + 1/9) ≈ 0.7222: MobileNet's ratio 1/N + 1/k², "
            "times the depth multiplier m.") in text


def test_pointwise_and_kernel_size_ignored(app):
    app.radio(key="sl_mode").set_value("pointwise").run()
    assert app.slider(key="sl_k").disabled
    text = page_text(app)
    assert "Multiply-adds: 768 (pointwise) vs 768 (standard)" in text  # 64 positions x 3 x 4, a 1x1 standard
    assert "output **8 x 8 x 4**" in text
    # the standard convolution of the same shape is this very layer: "does 1.00 times the work" said nothing
    assert "a pointwise layer is a standard convolution with a 1 x 1 kernel: the same work" in text
    assert "times the work" not in text


@pytest.mark.parametrize("settings, said", [
    # 36 positions: depthwise 36 x 9 x 3 = 972; a standard layer to 6 x 6 x 3, 36 x 27 x 3 = 2,916
    ({"sl_mode": "depthwise"}, "**Multiply-adds: 972 (depthwise) vs 2,916 (standard)**: the standard convolution "
                               "does 3 times the work."),
    # 49 positions (k = 2): depthwise 49 x 4 x 6 = 1,176, pointwise 49 x 6 x 4 = 1,176; standard 49 x 12 x 4 = 2,352
    ({"sl_mode": "separable", "sl_k": "2", "sl_dm": "2"},
     "**Multiply-adds: 2,352 (separable) vs 2,352 (standard)**: the standard convolution does the same work."),
    # one group of all 3 channels: 36 x 27 x 4 = 3,888 both
    ({"sl_mode": "grouped", "sl_groups": "1"},
     "**Multiply-adds: 3,888 (grouped) vs 3,888 (standard)**: one group is a standard convolution, so the work is "
     "the same."),
    # 36 positions: depthwise 36 x 9 x 3 = 972, pointwise 36 x 3 x 8 = 864; standard 36 x 27 x 8 = 7,776
    ({"sl_mode": "separable", "sl_cout": "8"},
     "**Multiply-adds: 1,836 (separable) vs 7,776 (standard)**: the standard convolution does 4.24 times the work."),
])
def test_the_work_sentence_compares_with_the_standard_layer(settings, said):
    """Each wording of the sentence under the table, with its numbers counted here by hand."""
    at = open_page(PAGE, settings)
    assert not at.exception
    assert said in page_text(at)


@pytest.mark.parametrize("dm, ratio", [("1", "1.125"), ("3", "3.375")])
def test_one_ratio_reads_alike_in_the_work_sentence_and_mobilenets_rule(dm, ratio):
    """A separable 1 x 1 layer into 8 channels: "this layer does 1.12 times its work" (two decimals, rounded half to
    even) stood over "here it is 1.125" in the rule of thumb. By hand, a position costs the depthwise step 3m
    multiply-adds (3 channels, m kernels each, k = 1) and the pointwise step 3m·8, against the standard layer's 3·8:
    27m/24 = 9m/8."""
    at = open_page(PAGE, {"sl_mode": "separable", "sl_k": "1", "sl_cout": "8", "sl_dm": dm})
    text = page_text(at)
    assert f"this layer does {ratio} times its work" in text and f"= {ratio}: MobileNet's ratio" in text


def test_a_separable_layer_with_a_1x1_kernel_does_more_work_and_the_page_says_so(app):
    app.radio(key="sl_mode").set_value("separable").run()
    app.slider(key="sl_k").set_value(1).run()
    text = page_text(app)
    # 64 positions: depthwise 64 x 1 x 3 = 192, pointwise 64 x 3 x 4 = 768; standard 64 x 3 x 4 = 768
    assert "Multiply-adds: 960 (separable) vs 768 (standard)" in text
    assert "the standard convolution does 0.80 times the work" not in text  # backwards for a student
    assert "here the standard convolution does less: this layer does 1.25 times its work" in text
    # a 1 x 1 Sobel kernel is all zeros: the page says so, and claims no twins ("outputs 1-4 equal standard filters")
    assert "Every weight of the depthwise kernels is 0 here (a Sobel edge compares neighbours" in text
    assert "equal standard filter" not in text


def test_strides_with_dilation_show_one_sentence_and_no_chart(app):
    app.slider(key="sl_stride").set_value(2)
    app.slider(key="sl_dil").set_value(2).run()
    assert not app.exception
    assert len(app.error) == 1 and "Set strides to 1 or dilation_rate to 1" in app.error[0].value
    assert charts(app) == 0
    assert "Multiply-adds:" not in page_text(app)


@pytest.mark.parametrize("mode", ["depthwise", "separable"])
def test_strides_with_dilation_animate_a_depthwise_kind(app, mode):
    # Keras's DepthwiseConv2D and SeparableConv2D accept strides 2 with dilation 2 (Conv2D does not).
    app.radio(key="sl_mode").set_value(mode)
    app.slider(key="sl_stride").set_value(2)
    app.slider(key="sl_dil").set_value(2).run()
    assert not app.exception and not app.error
    assert charts(app) == 1
    # 8 x 8 input, "valid": the dilated 3x3 window spans 5 cells, so (8 - 5) // 2 + 1 = 2 positions a side.
    assert "output **2 x 2 x" in page_text(app)


def test_two_groups_cannot_split_three_channels(app):
    app.radio(key="sl_mode").set_value("grouped").run()
    app.select_slider(key="sl_groups").set_value(2).run()
    assert len(app.error) == 1 and "divide both the input channels (3)" in app.error[0].value
    assert any("1.5 channels" in info.value for info in app.info)
    # following the hint must not lead to the next error: 3 groups need N = 3 or 6, and N is 4
    assert any("or 3 groups (one channel each: depthwise) with N = 3 or 6" in info.value for info in app.info)
    assert charts(app) == 0
    app.select_slider(key="sl_groups").set_value(3)
    app.slider(key="sl_cout").set_value(6).run()
    assert not app.error and charts(app) == 1
    # three groups of one channel = depthwise with 2 kernels per channel: 36 x 9 x 6; standard 36 x 27 x 6
    assert "Multiply-adds: 1,944 (grouped) vs 5,832 (standard)" in page_text(app)


def test_three_groups_blame_n_only_when_n_is_the_problem(app):
    app.radio(key="sl_mode").set_value("grouped").run()
    app.select_slider(key="sl_groups").set_value(3)
    app.slider(key="sl_cout").set_value(4).run()
    assert len(app.error) == 1 and any("N must be 3 or 6" in info.value for info in app.info)
    app.slider(key="sl_cout").set_value(6)
    app.slider(key="sl_stride").set_value(2)
    app.slider(key="sl_dil").set_value(2).run()
    assert len(app.error) == 1 and "Set strides to 1 or dilation_rate to 1" in app.error[0].value
    assert not any("N must be 3 or 6" in info.value for info in app.info)


def test_a_kernel_larger_than_the_picture_is_explained(app):
    app.slider(key="sl_size").set_value(4)
    app.slider(key="sl_k").set_value(5).run()
    assert len(app.error) == 1 and "output would be empty" in app.error[0].value
    assert charts(app) == 0


def test_link_settings_are_restored():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    at.query_params["sl_mode"] = "depthwise"
    at.query_params["sl_size"] = "6"
    at.run()
    assert not at.exception
    # 6 x 6 input, k = 3 valid -> 4 x 4 positions x 27 weights
    assert "Multiply-adds: 432 (depthwise)" in page_text(at)


def test_separable_numbers_list_the_steps_in_order_and_name_the_standard_twins(app):
    app.radio(key="sl_mode").set_value("separable").run()
    assert not app.exception
    layers = list(shown_tables(app)[0]["Layer"])
    assert layers[1:3] == ["↳ of which step 1, depthwise", "↳ of which step 2, pointwise"]  # sub-rows, marked
    text = page_text(app)
    # Sobel on each channel, then the four mixes: outputs 1-4 are the standard Sobel filters 1-4.
    assert "**Separable outputs 1, 2, 3, 4 equal standard filters 1, 2, 3, 4**" in text
    assert "Output 1: (R′ + G′ + B′) / 3" in text and "from R: Sobel edge on R alone" in text
    assert "It reads the depthwise maps: R′ is the depthwise map from R, and so on." in text  # the primes said


def test_standard_filters_name_their_channel_mix_and_the_bias(app):
    text = page_text(app)
    assert "Filter 1: Sobel edge × (R + G + B) / 3" in text
    assert "Each output adds its bias after the sum" in text
    assert "equal standard filter" not in text


def test_projector_mode_keeps_the_main_controls_in_a_bar():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    # The sidebar is hidden in projector mode: kind, kernel size, N and preset move to the page, and still work.
    assert not [r for r in at.sidebar.radio if r.key == "sl_mode"]
    assert not [s for s in at.sidebar.slider if s.key in ("sl_k", "sl_cout")]
    assert not [s for s in at.sidebar.selectbox if s.key == "sl_preset"]
    assert [s.key for s in at.sidebar.slider if s.key == "sl_stride"]  # the others stay in the (hidden) sidebar
    assert at.radio(key="sl_mode").horizontal
    at.radio(key="sl_mode").set_value("depthwise").run()
    assert charts(at) == 1 and any("Share these settings" in e.label for e in at.expander)


@pytest.mark.parametrize("mode, cout, said", [
    ("depthwise", 4, ["Each channel has 1 kernel copy (depth multiplier 1), so the depthwise step shows copy 1."]),
    ("separable", 4, ["Each channel has 1 kernel copy (depth multiplier 1), so the depthwise step shows copy 1.",
                      "There are only 4 outputs, so the animation watches output 4."]),
    ("standard", 1, ["There is only 1 filter, so the animation watches filter 1."]),
])
def test_a_filter_to_watch_past_the_last_one_is_explained(app, mode, cout, said):
    """The depthwise kind ignored 'Filter (or depthwise kernel copy) to watch' = 5 without a word; the other kinds said
    why."""
    app.radio(key="sl_mode").set_value(mode)
    app.slider(key="sl_cout").set_value(cout)
    app.slider(key="sl_watch").set_value(5).run()
    captions = [c.value for c in app.caption]
    assert all(sentence in captions for sentence in said), captions
    app.slider(key="sl_watch").set_value(1).run()
    assert not any("so the depthwise step shows" in c.value or "so the animation watches" in c.value
                   for c in app.caption)


@pytest.mark.parametrize("told, laid_out", [({"width": 773}, 770.0), (None, 1018.0), ({"width": 10**9}, 1018.0),
                                            ({"width": "wide"}, 1018.0), ({"width": True}, 1018.0), ([1, 2], 1018.0),
                                            ({"width": float("nan")}, 1018.0)])
def test_the_animation_is_laid_out_for_the_width_the_browser_measured(told, laid_out):
    """On a 1024 x 768 projector the page is 773 px wide: the browser says so (dsconv_ui.common.shown_width), and the
    figure is laid out for 770 px instead of the 1280 x 800 projector's 1018. Whatever else a browser says is not
    taken: the page keeps the width it assumes, without an error."""
    import json

    from conftest import open_page

    at = open_page(PAGE, {"present": "true"}, session={} if told is None else {"_shown_width_1": told})
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["range"] == [0, laid_out]


@pytest.mark.parametrize("query", [{"sl_k": "5", "sl_sample": "gradient"},
                                   {"sl_k": "5", "sl_sample": "gradient", "sl_mode": "separable"},
                                   {"sl_k": "4", "sl_sample": "gradient", "sl_preset": "random", "sl_mode": "depthwise"}])
def test_a_busy_computation_board_still_animates(query):
    """A 5 x 5 kernel on the gradient needs 19 colours on the computation board; the figure had 18, and the page said
    "Nothing is animated until the layer is possible" of a layer that is possible."""
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert charts(at) == 1


def test_the_pages_words_fit_the_layer_it_shows():
    """A teacher's review: the rule of thumb 1/4 + 1/16 = 0.3125 read "0.312"; a pointwise layer's preset was said to
    find "the change from left to right", which a 1 x 1 kernel cannot; a separable layer's outputs were "filters"
    in the caption while the figure calls them "Output 2"; three groups of one channel were told about channel
    mixes such as (R − G); a box blur turned 90° was named as if it differed from the unturned one."""
    from rendered import literal

    def opened(**query):
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception
        return at

    at = opened(sl_mode="separable", sl_k="4")  # N = 4: 1/4 + 1/16 = 0.3125 exactly
    assert "is exactly 1/4 + 1/16 = 0.3125: MobileNet's ratio" in literal(page_text(at))
    at = opened(sl_mode="separable", sl_k="3")  # 1/4 + 1/9 = 0.36111...
    assert "is exactly 1/4 + 1/9 ≈ 0.3611: MobileNet's ratio" in literal(page_text(at))
    at = opened(sl_mode="pointwise")
    said = " ".join(c.value for c in at.sidebar.caption)
    assert "left to right" not in said and "every preset but Random gives it the same channel mixes" in said
    # k = 1: the Sobel edge (the default preset) is the single weight 0, and the page says so of every filter; it
    # was "The change from left to right", each filter "Sobel edge on R alone", beside "every weight is 0"
    for mode in ("separable", "standard", "depthwise"):
        at = opened(sl_mode=mode, sl_k="1")
        said = literal(page_text(at)) + " ".join(c.value for c in at.sidebar.caption)
        assert "left to right" not in said and "Sobel edge on" not in said and "Sobel edge ×" not in said, said
        assert "the Sobel edge preset becomes the single weight 0, so its output is 0" in said
        assert "the weight 0 (the Sobel edge preset at 1 x 1)" in said
    said = " ".join(c.value for c in opened(sl_mode="standard", sl_k="1", sl_preset="box_blur").sidebar.caption)
    assert "the Box blur preset becomes the single weight 1, the pixel itself" in said
    from dsconv.sliding import kernels  # ... which the pointwise weights bear out

    mixes = [kernels.pointwise_filters(preset, 3, 8) for preset in kernels.PRESETS if preset != "random"]
    assert all(np.array_equal(mix, mixes[0]) for mix in mixes)
    at = opened(sl_mode="separable", sl_cout="2", sl_watch="6")
    assert "There are only 2 outputs, so the animation watches output 2." in [c.value for c in at.caption]
    at = opened(sl_mode="grouped", sl_groups="3", sl_cout="6")
    rules = literal(page_text(at))
    assert "(R − G)" not in rules and "Each group reads one channel, so its filter is the k x k pattern" in rules
    at = opened(sl_preset="box_blur", sl_cout="8")
    assert "Filter 7: Box blur, turned 90° (the same: it is symmetric) × (R + G + B) / 3" in literal(page_text(at))


def test_it_says_why_the_output_maps_look_alike_and_which_preset_makes_them_differ(app):
    """The default, four Sobel filters over the shape sample, drew four identical maps under "N filters give N
    output maps". The page says they are multiples of one another, and names a preset whose maps differ here."""
    said = [c.value for c in app.caption if "output maps are multiples of one another" in c.value]
    assert said == ["On this picture the 4 output maps are multiples of one another. Each map is coloured on its own "
                    "scale, so they look alike, but their numbers differ (hover over or tap a map). With the Identity "
                    "preset they differ."]
    app.selectbox(key="sl_preset").set_value("identity").run()
    assert not [c for c in app.caption if "multiples of one another" in c.value]
    app.selectbox(key="sl_preset").set_value("box_blur").run()
    assert not [c for c in app.caption if "multiples of one another" in c.value]


def test_a_file_that_is_no_picture_leaves_the_picture_before_it(app):
    """As on the Filters page: a text file chosen after a picture replaced it with the shape sample."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (250, 10, 10)).save(buffer, format="PNG")  # all red: every cell reads 250, 10, 10
    app.selectbox(key="sl_sample").set_value("upload").run()
    app.sidebar.get("file_uploader")[0].set_value(("red.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception and not app.error
    app.sidebar.get("file_uploader")[0].set_value(("notes.png", b"not a picture at all", "image/png")).run()
    assert not app.exception
    assert any("not a PNG, JPEG" in error.value for error in app.error), [error.value for error in app.error]
    assert "Still using your file 'red.png'" in literal(page_text(app))
    assert "uses the shape sample" not in page_text(app)


@pytest.mark.parametrize("mode, said", [("Depthwise", True), ("Separable", True), ("Standard", False)])
def test_a_standard_layer_keras_refuses_is_said_to_be_counted_only(mode, said):
    """With strides 2 and dilation 2 the page refuses a standard convolution (Keras does), and compared a depthwise
    layer with one ("the standard convolution does 3.00 times the work") without a word."""
    at = open_page(PAGE, {"sl_mode": mode, "sl_stride": "2", "sl_dil": "2", "sl_pad": "same", "sl_size": "9"})
    assert not at.exception
    noted = any("for a layer Keras would not build" in caption.value for caption in at.caption)
    assert noted == said
    if mode == "Standard":
        assert any("cannot both be above 1 in a Conv2D" in error.value for error in at.error)
    at = open_page(PAGE, {"sl_mode": mode, "sl_stride": "2", "sl_pad": "same", "sl_size": "9"})
    assert not any("for a layer Keras would not build" in caption.value for caption in at.caption)


def test_why_it_matters_counts_weights_and_parameters_as_keras_does():
    """"286 or 283 weights instead of 1,792" counted the biases as weights. Keras, on the tutorial's first layer
    (32 x 32 x 3 -> 64, k = 3): the kernels alone, then every parameter."""
    import keras

    def built(*layers):
        keras.Sequential([keras.Input((32, 32, 3)), *layers])
        return layers

    standard, = built(keras.layers.Conv2D(64, 3))
    separable, = built(keras.layers.SeparableConv2D(64, 3))
    pair = built(keras.layers.DepthwiseConv2D(3), keras.layers.Conv2D(64, 1))
    kernels = {"standard": standard.kernel.shape, "separable": (separable.depthwise_kernel.shape,
                                                                separable.pointwise_kernel.shape)}
    standard_weights = int(np.prod(kernels["standard"]))
    separable_weights = sum(int(np.prod(shape)) for shape in kernels["separable"])
    params = {"standard": standard.count_params(), "separable": separable.count_params(),
              "pair": sum(layer.count_params() for layer in pair)}
    text = " ".join(m.value for m in open_page(PAGE).markdown if "tutorial's first layer" in m.value)
    assert (f"that is {separable_weights:,} weights instead of {standard_weights:,}; with the biases, "
            f"{params['pair']:,} parameters (two layers) or {params['separable']:,} (SeparableConv2D) instead of "
            f"{params['standard']:,}.") in text, text


def test_short_map_names_are_said_in_full_under_the_figure():
    """Over a grouped layer's small maps "F1 g1" ... "F6 g3" stood unexplained."""
    import json

    from dsconv.figures.sliding import tile_caption

    assert tile_caption("Filter 1 (group 1)", 10.0, 14.0) == "F1 g1"  # too narrow a tile: written short
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    for key, value in {"sl_mode": "grouped", "sl_groups": "3", "sl_cout": "6"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    written = {a["text"] for a in spec["layout"]["annotations"]}
    said = " ".join(c.value for c in at.caption)
    assert "F1 g1" in written and "“F1 g1” stands for “Filter 1 (group 1)”" in said
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)  # the default layer's names are in full: nothing said
    at.run()
    assert "stands for" not in " ".join(c.value for c in at.caption)


def test_white_and_faint_maps_are_said_under_the_picture(app):
    """A separable Box blur with depth multiplier 2 drew Outputs 2 and 4 white, with nothing said."""
    assert "drawn white" not in page_text(app) and "nearly 0" not in page_text(app)
    at = open_page(PAGE, {"sl_mode": "separable", "sl_dm": "2", "sl_preset": "box_blur"})
    assert "Output 2 and Output 4 are 0 on every picture, so they are drawn white." in page_text(at)
    at = open_page(PAGE, {"sl_mode": "separable", "sl_dm": "2", "sl_preset": "sobel", "sl_sample": "gradient"})
    assert "Output 1 is nearly 0 everywhere on this picture (at most 0.33, where Output 2 reaches 292)" in page_text(at)
    assert not at.exception


def test_a_channels_copies_drawn_alike_are_said_under_the_picture(app):
    """A 1 x 1 Box blur with depth multiplier 2 drew each channel's two depthwise maps alike, with nothing said."""
    assert "are the same map" not in page_text(app)
    at = open_page(PAGE, {"sl_mode": "separable", "sl_dm": "2", "sl_preset": "box_blur", "sl_k": "1"})
    assert ("The depthwise maps from R, kernel 1 and from R, kernel 2 are the same map, drawn twice (and likewise "
            "for G and B)") in page_text(at)
    assert not at.exception


def test_mobilenets_ratio_is_said_exact_only_where_the_counts_give_it(monkeypatch):
    """The sentence is chosen from the counts: were the ratio off (here, a wrong formula), it would say both."""
    import dsconv.costs

    monkeypatch.setattr(dsconv.costs, "mobilenet_ratio", lambda n, k, m=1: 0.5)
    at = open_page(PAGE, {"sl_mode": "separable", "sl_dm": "2"})
    text = page_text(at)
    assert ("MobileNet's ratio 1/N + 1/k², times the depth multiplier m: 2 × (1/4 + 1/9) = 0.5; here the counts give "
            "about 0.7222.") in text
    assert "is exactly" not in text


@pytest.mark.parametrize("mode, line", [("standard", "Standard convolution: each filter reads every channel."),
                                        ("depthwise", "Depthwise convolution: each kernel reads one channel."),
                                        ("separable", "Depthwise separable: a depthwise step, then a pointwise one.")])
def test_the_kind_picker_says_what_each_kind_reads(mode, line):
    """Under the picker it said "Standard convolution.": the choice again, nothing more."""
    at = open_page(PAGE, {"sl_mode": mode})
    assert line in [c.value for c in at.sidebar.caption]


def _captions(at) -> list[str]:
    return [literal(c.value) for c in at.caption]


def test_a_small_upload_is_said_to_be_enlarged_and_its_blank_maps_explained(app):
    """A 1 x 1 picture of one colour read "Your picture, 8 x 8 pixels", blown up without a word, and the Sobel
    preset's four maps, all 0, were drawn blank with no sentence saying why. A 40 x 40 picture is shrunk, as before."""
    import io

    from PIL import Image

    def png(side: int) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (side, side), (200, 10, 10)).save(buffer, format="PNG")
        return buffer.getvalue()

    app.selectbox(key="sl_sample").set_value("upload").run()
    app.sidebar.get("file_uploader")[0].set_value(("dot.png", png(1), "image/png")).run()
    assert not app.exception and not app.error
    pictures = [caption for element in app.get("image") for caption in element.captions]
    assert "Your picture, enlarged from its 1\u00a0x\u00a01 centre, 8\u00a0x\u00a08\u00a0pixels" in pictures, pictures
    assert ("Every output is 0: the picture is one colour, and each kernel's weights add up to 0, so every window "
            "they cover sums to 0. A picture with edges shows what the kernels find.") in _captions(app)
    app.sidebar.get("file_uploader")[0].set_value(("big.png", png(40), "image/png")).run()
    pictures = [caption for element in app.get("image") for caption in element.captions]
    assert "Your picture, 8\u00a0x\u00a08\u00a0pixels" in pictures, pictures


def test_an_upload_is_decoded_once_not_on_every_rerun(app, monkeypatch):
    """The page decoded an uploaded picture again on every rerun only to read its size; the cached reader now gives
    the size with the picture, so a rerun that changes the kernel decodes nothing."""
    import io

    from PIL import Image

    import dsconv.images

    decoded = []
    real = dsconv.images.load_image
    monkeypatch.setattr(dsconv.images, "load_image", lambda *args, **kwargs: decoded.append(1) or real(*args, **kwargs))
    buffer = io.BytesIO()
    Image.new("RGB", (23, 29), (17, 170, 71)).save(buffer, format="PNG")  # a picture no other test uploads
    app.selectbox(key="sl_sample").set_value("upload").run()
    app.sidebar.get("file_uploader")[0].set_value(("once.png", buffer.getvalue(), "image/png")).run()
    assert not app.exception and not app.error
    first = len(decoded)
    assert first >= 1  # the picture was read: it was no other test's, so the cache did not hold it
    for mode in ("depthwise", "separable"):
        app.radio(key="sl_mode").set_value(mode).run()
        assert not app.exception
    assert len(decoded) == first, (first, len(decoded))


ZERO_POINTWISE = "Every weight of the pointwise kernels is 0 here, so every output is 0. Pick another seed or preset."


@pytest.mark.parametrize("mode, said", [("pointwise", ZERO_POINTWISE), ("separable", ZERO_POINTWISE)])
def test_random_weights_all_zero_in_any_step_are_said_with_advice_that_step_can_take(mode, said):
    """Seed 685 with one output draws pointwise weights that are all 0: the pointwise mode was told to "Pick a larger
    kernel" (a pointwise kernel is always 1 x 1), and the separable mode, whose depthwise weights are not all 0, said
    nothing beside its blank map."""
    at = open_page(PAGE, sl_mode=mode, sl_preset="random", sl_seed="685", sl_cout="1")
    assert not at.exception
    assert said in _captions(at), _captions(at)


def test_a_separable_twin_is_compared_only_as_the_standard_mode_can_be_set():
    """With strides 2 and dilation 2 the note said "pick Standard convolution to compare", where the standard mode
    refuses that layer, as Keras's Conv2D does."""
    at = open_page(PAGE, sl_mode="separable", sl_stride="2", sl_dil="2", sl_size="12")
    assert not at.exception
    text = literal("\n".join(m.value for m in at.markdown))
    assert "set strides or dilation to 1 and pick *Standard convolution* to compare" in text, text
    at = open_page(PAGE, sl_mode="separable")
    assert "(pick *Standard convolution* to compare)" in literal("\n".join(m.value for m in at.markdown))


def _frame_texts(at, step: int) -> list[list[str]]:
    """The texts of the animation's frame at `step` (from 1), trace by trace: the computations', then the header."""
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [trace.get("text") or [] for trace in spec["frames"][step - 1]["data"]]


def test_the_reviewers_box_blur_link_shows_products_that_add_up():
    """The reviewer's link, step 5: "85 × 0.25 = 21.2", and 21.2, 42.5, 21.2, 42.5 beside "Σ = 127.5" (they add to
    127.4); B's 42.5, 32, 32, 21.2 beside "Σ = 128" (by hand 127.75); step 2: G's 0, 0, 21.2, 21.2 beside 42.5."""
    at = open_page(PAGE, present="1", sl_mode="depthwise", sl_k="2", sl_preset="box_blur", sl_sample="gradient",
                   sl_size="4")
    assert not at.exception
    rows = _frame_texts(at, 5)[0]  # R, G, B: name, ×, =, 4 window cells, 4 weights, 4 products, the sum
    assert rows[11:16] == ["21.25", "42.5", "21.25", "42.5", "Σ = <b>127.5</b><br>→ from R"], rows[:16]
    assert rows[43:48] == ["42.5", "32", "32", "21.25", "Σ = <b>127.75</b><br>→ from B"], rows[32:]
    header = " ".join(_frame_texts(at, 5)[-1])
    assert "sum <b>127.75</b>, + bias → from B" in header, header  # the line over the figure says the same sum
    rows = _frame_texts(at, 2)[0]
    assert rows[27:32] == ["0", "0", "21.25", "21.25", "Σ = <b>42.5</b><br>→ from G"], rows[16:32]


def test_the_standard_convolutions_share_is_said_with_its_half():
    """Separable, 3 outputs, step 41 of 72: "1,660 of its 2,916", where 2,916 x 41/72 = 1,660.5 (by hand: 6 x 6
    positions x 27 weights x 3 filters = 2,916); step 1 said 40 (40.5)."""
    import re

    at = open_page(PAGE, present="1", sl_mode="separable", sl_cout="3")
    assert not at.exception
    said = {step: re.sub(r"<[^>]+>", "", " ".join(_frame_texts(at, step)[-1])) for step in (1, 41)}
    assert "1/72 of the way through: 40.5 of its 2,916" in said[1], said[1]
    assert "41/72 of the way through: 1,660.5 of its 2,916" in said[41], said[41]


@pytest.mark.parametrize("query, copies", [({"sl_mode": "separable", "sl_k": "1", "sl_dm": "3"}, 3),
                                           ({"sl_mode": "depthwise", "sl_k": "1", "sl_dm": "2"}, 2)])
def test_at_1x1_the_weights_rule_says_what_the_list_under_it_says(query, copies):
    """The rule read "its 3 kernel copies: copy 1 as it is, copy 2 turned 90°, copy 3 turned 180°" over a list whose
    copies are each "again (a single weight has nothing to turn)"."""
    at = open_page(PAGE, query)
    assert not at.exception
    shown = [literal(m.value) for e in at.expander if e.label == "What each filter's weights are" for m in e.markdown]
    rule, listed = shown[0], shown[1]
    assert f"its {copies} kernel copies are that weight again: a single weight has nothing to turn." in rule, rule
    assert "turned" not in rule, rule
    assert "again (a single weight has nothing to turn)" in listed, listed
