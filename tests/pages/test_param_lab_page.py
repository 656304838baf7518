"""The Parameter lab run by Streamlit's AppTest: change widgets, check what the page then shows.

Expected numbers are the tutorial's (1,792 / 283 / 286 for 32x32x3 -> 64, k=3, "valid") or counted
here by hand from the layer's shape, never read back from dsconv.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import leaves, open_page, shown_tables

PAGE = "pages/1_Parameter_lab.py"
TABS = ("Compare the kinds", "Separable vs standard", "Check with Keras", "Whole network", "Code")


def cost_table(at: AppTest) -> dict[str, dict[str, str]]:
    """The comparison table, as {kind label: {column: shown text}}."""
    frame = shown_tables(at)[0]
    return {row["Kind"]: row.to_dict() for _, row in frame.iterrows()}


def no_traceback(at: AppTest) -> None:
    assert [e.value for e in at.exception] == []


def test_defaults_show_the_tutorials_numbers():
    at = open_page(PAGE)
    no_traceback(at)
    table = cost_table(at)
    assert table["Standard Conv2D"]["Params"] == "1,792"  # 3*3*3*64 + 64
    assert table["SeparableConv2D"]["Params"] == "283"  # 27 + 192 + 64
    assert table["DepthwiseConv2D + 1x1 Conv2D"]["Params"] == "286"  # (27 + 3) + (192 + 64)
    assert table["Standard Conv2D"]["Output shape"] == "30 x 30 x 64"
    assert table["Standard Conv2D"]["Multiply-adds"] == f"{30 * 30 * 3 * 3 * 3 * 64:,}"
    assert table["SeparableConv2D"]["Multiply-adds"] == f"{30 * 30 * 3 * 3 * 3 + 30 * 30 * 3 * 64:,}"
    assert table["DepthwiseConv2D"]["Output shape"] == "30 x 30 x 3"
    assert table["Pointwise (1x1) Conv2D"]["Output shape"] == "32 x 32 x 64"
    # float32, per image: a separable layer writes its 30x30x3 depthwise output and its 30x30x64 output.
    assert table["SeparableConv2D"]["Activation memory"] == f"{4 * (30 * 30 * 3 + 30 * 30 * 64) / 1024:,.1f} KiB"
    assert at.error == []
    assert len(at.get("plotly_chart")) == 1  # the cost bars; closed tabs do not run


def test_a_tensor_under_a_kibibyte_is_given_in_bytes_not_as_zero():
    """7 x 7 input, k = 3, strides 3, N = 3: the output is 2 x 2 x 3 floats, 48 bytes, and the table said 0.0 KiB."""
    at = open_page(PAGE, lab_h="7", lab_w="7", lab_stride="3", lab_cout="3", lab_dm="3")
    table = cost_table(at)
    assert table["Standard Conv2D"]["Output shape"] == "2 x 2 x 3"
    assert table["Standard Conv2D"]["Activation memory"] == f"{2 * 2 * 3 * 4} B"
    assert not [row for row in table.values() if row["Activation memory"].startswith("0.0")]


def test_with_flops_on_every_note_under_the_table_uses_the_tables_numbers():
    at = open_page(PAGE, lab_flops="true")
    table = cost_table(at)
    note = next(m.value for m in at.markdown if "row is a 1x1 layer" in m.value)
    # 2 x (30*30*27) = 48,600 and 2 x 196,608 = 393,216, both in the table: the note adds those
    assert table["DepthwiseConv2D"]["FLOPs (2 x multiply-adds)"] == "48,600"
    assert "(48,600 + 393,216 = 441,816)" in note


def test_the_reading_note_follows_the_layer_in_the_table():
    """It said "286 where Keras's SeparableConv2D has 283" under a table of a layer with a depth multiplier of 2."""
    at = open_page(PAGE, lab_dm="2")
    note = next(m.value for m in at.markdown if m.value.startswith("**Read the table like this.**"))
    rows = {row["Kind"]: row for _, row in shown_tables(at)[0].iterrows()}
    separable, pair = rows["SeparableConv2D"]["Params"], rows["DepthwiseConv2D + 1x1 Conv2D"]["Params"]
    assert f"here it has {pair} parameters to SeparableConv2D's {separable}" in note and "286" not in note
    # with "Use bias" off the note said SeparableConv2D has "one bias vector at the end" beside a table of none
    at = open_page(PAGE, lab_bias="false")
    note = next(m.value for m in at.markdown if m.value.startswith("**Read the table like this.**"))
    rows = {row["Kind"]: row for _, row in shown_tables(at)[0].iterrows()}
    assert rows["SeparableConv2D"]["Params"] == rows["DepthwiseConv2D + 1x1 Conv2D"]["Params"] == "219"  # 27 + 192
    assert "together with one bias vector" not in note and "without them, as here, both have 219 parameters." in note


def test_slider_change_updates_the_numbers():  # the address follows it in a browser: tests/browser/test_links.py
    at = open_page(PAGE)
    at.slider(key="lab_k").set_value(5).run()
    no_traceback(at)
    table = cost_table(at)
    assert table["Standard Conv2D"]["Params"] == f"{5 * 5 * 3 * 64 + 64:,}"
    assert table["Standard Conv2D"]["Output shape"] == "28 x 28 x 64"
    assert table["SeparableConv2D"]["Params"] == f"{5 * 5 * 3 + 3 * 64 + 64:,}"


def test_flops_toggle_doubles_the_shown_count_and_says_so():
    at = open_page(PAGE)
    before = cost_table(at)["Standard Conv2D"]["Multiply-adds"]
    at.toggle(key="lab_flops").set_value(True).run()
    no_traceback(at)
    column = "FLOPs (2 x multiply-adds)"
    after = cost_table(at)["Standard Conv2D"][column]
    assert int(after.replace(",", "")) == 2 * int(before.replace(",", ""))
    assert "Multiply-adds" not in shown_tables(at)[0].columns


def test_the_flops_switch_sits_in_the_one_tab_it_changes():
    """Above the tabs, "Count FLOPs instead of multiply-adds" changed only the first tab's counts: the whole network's
    "Multiply-adds per image 18.3 M" and the separable tab's counts stayed as they were with it on."""
    at = open_page(PAGE)
    assert [toggle.key for toggle in at.tabs[0].toggle] == ["lab_flops"]
    assert [toggle.key for toggle in at.toggle if toggle.key != "present"] == ["lab_flops"]  # nowhere else


def test_invalid_groups_shows_the_sentence_for_that_kind_only():
    at = open_page(PAGE)
    at.number_input(key="lab_groups").set_value(5).run()
    no_traceback(at)
    table = cost_table(at)
    assert table["Grouped Conv2D"]["Params"] == "invalid here"
    assert table["Standard Conv2D"]["Params"] == "1,792"
    assert table["SeparableConv2D"]["Params"] == "283"
    errors = [e.value for e in at.error]
    assert any("Grouped Conv2D" in e and "groups=5 must divide" in e for e in errors)
    assert not any("Standard Conv2D" in e for e in errors)


def test_valid_groups_cut_the_grouped_params():
    at = open_page(PAGE, lab_cin="8", lab_cout="16", lab_groups="4")
    no_traceback(at)
    table = cost_table(at)
    assert table["Grouped Conv2D"]["Params"] == f"{3 * 3 * (8 // 4) * 16 + 16:,}"
    assert table["Standard Conv2D"]["Params"] == f"{3 * 3 * 8 * 16 + 16:,}"


@pytest.mark.parametrize("query, sentence", [
    ({"lab_stride": "2", "lab_dil": "2"}, "cannot both be above 1 in a Conv2D"),
    ({"lab_h": "2", "lab_k": "11"}, "the output would be empty"),
    ({"lab_h": "1", "lab_w": "1", "lab_k": "11", "lab_dil": "4", "lab_stride": "1"}, "the output would be empty"),
    ({"lab_groups": "4096", "lab_cin": "3"}, "must divide both"),
    ({"lab_h": "1024", "lab_w": "1024", "lab_cin": "4096", "lab_cout": "4096", "lab_dm": "8", "lab_k": "11",
      "lab_pad": "same", "lab_flops": "1"}, None),
    ({"lab_h": "1", "lab_w": "1", "lab_cin": "1", "lab_cout": "1", "lab_k": "1", "lab_bias": "0"}, None),
])
def test_bad_or_extreme_settings_never_show_a_traceback(query, sentence):
    at = open_page(PAGE, **query)
    no_traceback(at)
    errors = " ".join(e.value for e in at.error)
    if sentence:
        assert sentence in errors
    else:
        assert errors == ""
    assert len(shown_tables(at)) >= 1  # the comparison table still shows
    for tab in TABS[1:]:
        if tab == "Check with Keras":
            continue  # pressing it imports TensorFlow: covered by the slow test below
        at.session_state["lab_tab"] = tab
        at.run()
        no_traceback(at)


def test_a_link_restores_the_settings_and_a_broken_one_is_ignored():
    at = open_page(PAGE, lab_cout="128", lab_k="5", lab_pad="same", lab_bias="0", lab_h="64")
    no_traceback(at)
    assert at.number_input(key="lab_cout").value == 128
    assert at.slider(key="lab_k").value == 5
    assert at.radio(key="lab_pad").value == "same"
    assert at.checkbox(key="lab_bias").value is False
    table = cost_table(at)
    assert table["Standard Conv2D"]["Params"] == f"{5 * 5 * 3 * 128:,}"
    assert table["Standard Conv2D"]["Output shape"] == "64 x 32 x 128"

    broken = open_page(PAGE, lab_k="99", lab_pad="sideways")
    no_traceback(broken)
    assert broken.slider(key="lab_k").value == 3
    assert broken.radio(key="lab_pad").value == "valid"
    assert len(broken.warning) == 2


def test_ratio_formulas_show_the_users_numbers():
    at = open_page(PAGE, lab_tab="Separable vs standard")
    latex = " ".join(block.value for block in at.latex)
    assert "{64}" in latex and "3^2" in latex
    assert "197{,}100" in latex and "1{,}555{,}200" in latex  # separable and standard multiply-adds
    assert f"{1 / 64 + 1 / 9:.4f}" in latex
    assert f"{283 / 1792:.4f}" in latex
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Params: standard / separable"] == f"{1792 / 283:.2f}x"
    assert metrics["Multiply-adds: standard / separable"] == "7.89x"  # by hand: 1,555,200 / 197,100 = 7.890
    assert metrics["Params: standard / depthwise + pointwise"] == "6.27x"


def test_network_tab_shows_the_tutorials_models():
    at = open_page(PAGE, lab_tab="Whole network")
    network = shown_tables(at)[-1]
    total = network[network["Layer"] == "total"].iloc[0]
    assert total["Params"] == "174,821"
    conv = network[network["Layer"] == "block3_conv2"].iloc[0]
    assert conv["Params"] == "68,096"
    # the shares, by hand: 68,096 / 174,821 = 38.95 %, 4,341,760 / 18,295,808 = 23.73 %; the dense layer holds
    # 40,970 / 174,821 = 23.44 % of the parameters and does 40,960 / 18,295,808 = 0.22 % of the multiply-adds
    assert (conv["% params"], conv["% multiply-adds"]) == ("39.0", "23.7")
    dense = network[network["Layer"] == "predictions"].iloc[0]
    assert (dense["% params"], dense["% multiply-adds"]) == ("23.4", "0.2")
    at.selectbox(key="net_kind").set_value("standard").run()
    no_traceback(at)
    network = shown_tables(at)[-1]
    assert network[network["Layer"] == "total"].iloc[0]["Params"] == "1,186,378"
    assert network[network["Layer"] == "block1_conv2"].iloc[0]["Params"] == "36,928"
    captions = " ".join(c.value for c in at.caption)
    assert "1,186,378 vs 174,821" in captions and "152.8 M vs 18.3 M" in captions


def test_closed_tabs_keep_their_settings():
    at = open_page(PAGE, lab_tab="Whole network")
    at.selectbox(key="net_kind").set_value("mobilenet")
    at.slider(key="net_blocks").set_value(2).run()
    at.query_params["lab_tab"] = "Compare the kinds"  # a click on a tab (the tabs are bound to the address)
    at.run()
    assert cost_table(at)["Standard Conv2D"]["Params"] == "1,792"
    at.query_params["lab_tab"] = "Whole network"
    at.run()
    no_traceback(at)
    assert at.selectbox(key="net_kind").value == "mobilenet"
    assert at.slider(key="net_blocks").value == 2
    rows = shown_tables(at)[-1]["Layer"].tolist()
    assert "block2_pool" in rows and "block3_conv1" not in rows


def test_code_tab_follows_the_settings_and_refuses_invalid_kinds():
    at = open_page(PAGE, lab_cout="32", lab_tab="Code")
    code = [c.value for c in at.code]
    assert any("layers.SeparableConv2D(" in c and "32," in c for c in code)
    assert any("nn.Conv2d(" in c and "groups=3" in c for c in code)
    at.selectbox(key="lab_code_kind").set_value("grouped")
    at.number_input(key="lab_groups").set_value(5).run()
    no_traceback(at)
    assert any("groups=5 must divide" in e.value for e in at.error)


@pytest.mark.slow
def test_keras_check_agrees_with_the_table():
    at = open_page(PAGE, lab_tab="Check with Keras")
    at.default_timeout = 420  # the first Keras import can take minutes on a busy 2-core machine
    at.button(key="lab_keras_check").click().run()
    no_traceback(at)
    frames = [t for t in shown_tables(at) if "Keras count_params()" in t.columns]
    assert len(frames) == 1
    check = {row["Kind"]: row for _, row in frames[0].iterrows()}
    assert check["SeparableConv2D"]["Keras count_params()"] == "283"
    assert check["DepthwiseConv2D + 1x1 Conv2D"]["Keras count_params()"] == "286"
    assert check["Standard Conv2D"]["Keras output"] == "30 x 30 x 64"
    assert set(frames[0]["Agree"]) == {"✅ match"}
    assert any("Keras agrees" in m.value for m in at.success)
    # A new setting asks for a new check instead of showing stale numbers.
    at.slider(key="lab_k").set_value(5).run()
    assert not any("Keras count_params()" in t.columns for t in shown_tables(at))
    assert any("press the button again" in i.value for i in at.info)


def test_separable_kinds_show_their_two_steps_and_the_pointwise_row_says_what_it_is():
    at = open_page(PAGE)
    no_traceback(at)
    table = cost_table(at)
    depthwise_step = table["↳ its depthwise step (SeparableConv2D)"]
    pointwise_step = table["↳ its pointwise (1x1) step, on the depthwise output (SeparableConv2D)"]
    # 30*30*27 = 24,300 and 30*30*3*64 = 172,800: together SeparableConv2D's 197,100
    assert (depthwise_step["Multiply-adds"], pointwise_step["Multiply-adds"]) == ("24,300", "172,800")
    assert table["SeparableConv2D"]["Multiply-adds"] == "197,100"
    assert (depthwise_step["Params"], pointwise_step["Params"]) == ("27", "256")  # no depthwise bias; 192 + 64
    assert table["↳ its depthwise step (DepthwiseConv2D + 1x1 Conv2D)"]["Params"] == "30"  # 27 + 3 biases
    rows = list(shown_tables(at)[0]["Kind"])
    assert rows.index("SeparableConv2D") + 1 == rows.index("↳ its depthwise step (SeparableConv2D)")
    text = "\n".join(m.value for m in at.markdown)
    assert "1x1 layer on the raw 32 x 32 x 3 input (196,608 multiply-adds)" in text
    assert "is not SeparableConv2D's 197,100" in text


def test_one_group_says_it_is_the_standard_layer():
    at = open_page(PAGE)
    table = cost_table(at)
    assert table["Grouped Conv2D (g = 1: the standard layer)"]["Params"] == table["Standard Conv2D"]["Params"]
    assert any("it *is* the standard layer" in m.value for m in at.markdown)
    at = open_page(PAGE, lab_cin="8", lab_cout="16", lab_groups="4")
    assert "Grouped Conv2D" in cost_table(at) and not any("it *is* the standard" in m.value for m in at.markdown)


def test_strides_and_dilation_are_refused_for_conv2d_only():
    at = open_page(PAGE, lab_stride="2", lab_dil="2")
    no_traceback(at)
    table = cost_table(at)
    assert table["Standard Conv2D"]["Params"] == "invalid here"
    assert table["Grouped Conv2D (g = 1: the standard layer)"]["Params"] == "invalid here"
    # 32x32, k = 3 dilated 2 spans 5: (32 - 5) // 2 + 1 = 14 a side (Keras builds it: 30 and 283 params)
    assert table["DepthwiseConv2D"]["Params"] == "30" and table["DepthwiseConv2D"]["Output shape"] == "14 x 14 x 3"
    assert table["SeparableConv2D"]["Params"] == "283"
    assert table["DepthwiseConv2D + 1x1 Conv2D"]["Params"] == "286"
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Standard Conv2D, Grouped Conv2D")


def test_why_it_matters_names_the_step_that_costs_for_this_layer():
    at = open_page(PAGE)
    text = "\n".join(m.value for m in at.markdown)
    assert "the pointwise step does **88%**" in text  # 192 / (27 + 192) per position
    assert "Xception spends it on accuracy" in text and "MobileNet and Xception fit on phones" not in text
    at = open_page(PAGE, lab_cout="4", lab_k="5")
    assert any("the depthwise step does **86%**" in m.value for m in at.markdown)  # 75 / (75 + 12)


@pytest.mark.slow
def test_keras_check_with_strides_and_dilation_agrees_everywhere():
    # The case that once showed three "mismatch" rows and called our own rule a bug.
    at = open_page(PAGE, lab_tab="Check with Keras", lab_stride="2", lab_dil="2")
    at.default_timeout = 420
    at.button(key="lab_keras_check").click().run()
    no_traceback(at)
    frame = next(t for t in shown_tables(at) if "Keras count_params()" in t.columns)
    check = {row["Kind"]: row for _, row in frame.iterrows()}
    assert check["SeparableConv2D"]["Keras count_params()"] == "283"
    assert check["DepthwiseConv2D"]["Keras output"] == "14 x 14 x 3"
    assert check["Standard Conv2D"]["Agree"] == "✅ both refuse"
    assert set(frame["Agree"]) <= {"✅ match", "✅ both refuse"}
    assert any("Keras agrees" in m.value for m in at.success)
    assert not at.warning


def test_whole_network_share_sentence_follows_the_numbers():
    at = open_page(PAGE, lab_tab="Whole network", net_kind="separable", net_blocks="1", net_filters="8", net_k="7")
    no_traceback(at)
    said = "\n".join(m.value for m in at.markdown)
    # One block of two 7 x 7 separable layers, 8 filters: the depthwise steps do most of the multiply-adds.
    assert "With 7 x 7 kernels" in said and "Once the 7 x 7 work is depthwise" not in said
    at = open_page(PAGE, lab_tab="Whole network", net_kind="separable")
    assert "Once the 3 x 3 work is depthwise" in "\n".join(m.value for m in at.markdown)


def test_ratio_chart_marks_the_layer_at_its_depth_multiplier():
    import json

    at = open_page(PAGE, lab_tab="Separable vs standard", lab_dm="4")
    no_traceback(at)
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["title"]["text"].endswith("depth multiplier 4")
    marker = next(trace for trace in chart["data"] if trace.get("name", "").startswith("your layer"))
    # 3x3x3x4 + 12x64 + 64 = 940 params against 1,792: the page's LaTeX shows the same 0.5246. Named in the legend:
    # written beside the marker, it lay on the curves
    assert marker["name"] == "your layer: 0.525" and "text" not in marker
    assert any("1/9 x m = 4/9" in c.value for c in at.caption)


def test_a_tiny_networks_multiply_adds_are_not_shown_as_zero():
    """Five blocks of 1 x 1 kernels at width 0.25 showed '0.0 M' multiply-adds (and 'standard: 0.0 M')."""
    at = open_page(PAGE, lab_tab="Whole network", net_kind="standard", net_blocks="5", net_k="1", net_alpha="0.25",
                   net_filters="8")
    assert not at.exception
    metric = next(m for m in at.metric if m.label == "Multiply-adds per image")
    # By hand, 32 x 32 x 3 in, filters 2, 4, 8, 16, 32, two 1 x 1 convolutions per block, 2 x 2 pooling after each:
    # 32*32*3*2 + 32*32*2*2 = 10,240 in the first block, 16*16*2*4 + 16*16*4*4 = 6,144 in each of the next four,
    # and a dense layer of 32 x 10 = 320.
    assert metric.value == "35,136" == f"{10_240 + 4 * 6_144 + 320:,}"
    assert "standard: 35,136" in str(metric.proto.delta)
    tutorial = next(m for m in open_page(PAGE, lab_tab="Whole network", net_kind="standard").metric
                    if m.label == "Multiply-adds per image")
    assert tutorial.value == "152.8 M"  # a million or more keeps the tutorial's unit


def test_counts_side_by_side_take_one_form():
    """MobileNet blocks at width 0.25: '427,136 | standard: 1.7 M' (an exact count beside a rounded one); and the
    layer table's total row read "100" under rows of "0.2"."""
    at = open_page(PAGE, lab_tab="Whole network", net_kind="mobilenet", net_blocks="5", net_filters="8",
                   net_alpha="0.25", net_k="7")
    assert not at.exception
    metric = next(m for m in at.metric if m.label == "Multiply-adds per image")
    delta = str(metric.proto.delta)
    assert " M" not in metric.value and " M" not in delta and delta.startswith("standard: ")
    assert int(metric.value.replace(",", "")) < 1_000_000 <= int(delta.removeprefix("standard: ").replace(",", ""))
    total = shown_tables(at)[-1].iloc[-1]
    assert total["Layer"] == "total" and total["% params"] == "100.0" and total["% multiply-adds"] == "100.0"


def test_a_share_short_of_all_is_never_rounded_to_100_percent():
    """C = N = 4096, 3 x 3: the pointwise step does 4096 / (9 + 4096) = 99.78 % of SeparableConv2D's multiply-adds,
    and the page said 100%, the depthwise step's part being the point of the sentence."""
    at = open_page(PAGE, lab_cin="4096", lab_cout="4096", lab_bias="false")
    assert not at.exception
    said = " ".join(m.value for m in at.markdown)
    assert f"the pointwise step does **{4096 / (9 + 4096):.1%}** of SeparableConv2D's multiply-adds" in said
    assert "**100%**" not in said


def test_one_output_channel_is_said_in_the_singular():
    at = open_page(PAGE, lab_cin="1", lab_cout="1")
    assert not at.exception
    said = " ".join(m.value for m in at.markdown)
    assert "**N = 1** output channel, " in said


def test_the_measured_width_outlives_a_visit_to_another_tab():
    """The browser's measure of the page's width was taken inside the first tab: on another tab it was dropped, and
    coming back drew the bars for the assumed width (cut labels on a 1024 x 768 projector) until it was measured
    again. It is taken above the tabs."""
    at = open_page(PAGE, present="true")
    at.session_state["_shown_width_1"] = {"width": 770}  # what the browser tells at 1024 x 768
    at.run()
    for tab in ("Code", "Compare the kinds"):
        at.query_params["lab_tab"] = tab  # a click on a tab (the tabs are bound to the address)
        at.run()
        assert not at.exception
        assert at.session_state["_shown_width_1"] == {"width": 770}, tab


def test_a_layer_too_large_to_build_is_not_checked_with_keras():
    """C = N = 1024 with an 11 x 11 kernel: the check built every kind's weights (2 GB measured), and at C = N = 4096
    a server with 1 GB was killed. Past MAX_CHECKED_PARAMS weights the button is off and a sentence says what to
    lower; the counts stay. 1024 x 1024 x 121 + 1024 weights of the standard layer alone, counted by hand."""
    at = open_page(PAGE, lab_tab="Check with Keras", lab_cin="1024", lab_cout="1024", lab_k="11")
    no_traceback(at)
    assert at.button(key="lab_keras_check").disabled
    said = " ".join(i.value for i in at.info)
    assert "Lower the channels or the kernel size to check with Keras" in said
    total = int(said.split("Keras would have to build ")[1].split(" weights")[0].replace(",", ""))
    assert total > 1024 * 1024 * 121 + 1024
    at = open_page(PAGE, lab_tab="Check with Keras", lab_cin="64", lab_cout="64", lab_k="3")  # the same page, small
    assert not at.button(key="lab_keras_check").disabled and not at.info
    at.session_state["lab_keras_checked"] = {}  # as after a check of other settings
    at.number_input(key="lab_cin").set_value(4096)
    at.number_input(key="lab_cout").set_value(4096).run()
    assert at.button(key="lab_keras_check").disabled  # and not also "press the button again" beside it
    assert [i.value for i in at.info if "press the button again" in i.value] == []


def why_it_matters(at: AppTest) -> str:
    """The paragraph under "Why it matters" that states the separable layer's share of the work."""
    return next(m.value for m in at.markdown if "1/N + 1/k²" in m.value)


@pytest.mark.parametrize("query, n, k", [({"lab_cout": "1"}, 1, 3), ({"lab_k": "1"}, 64, 1),
                                         ({"lab_cout": "1", "lab_k": "1"}, 1, 1), ({}, 64, 3),
                                         ({"lab_cout": "2", "lab_k": "2"}, 2, 2)])
def test_why_it_matters_names_every_case_where_separable_costs_more(query, n, k):
    """The paragraph said a separable layer costs more "at k = 1" only; with N = 1 the table showed SeparableConv2D at
    9,000 multiply-adds against 8,100 under it. Counted by hand for 32 x 32 x 3 ("valid"): the separable layer does
    more exactly when 1/N + 1/k² > 1, that is when N = 1 or k = 1, and the paragraph names both."""
    at = open_page(PAGE, **query)
    no_traceback(at)
    out = 32 - k + 1
    standard, separable = out * out * k * k * 3 * n, out * out * (k * k * 3 + 3 * n)
    table = cost_table(at)
    assert table["Standard Conv2D"]["Multiply-adds"] == f"{standard:,}"
    assert table["SeparableConv2D"]["Multiply-adds"] == f"{separable:,}"
    text = why_it_matters(at)
    assert "N = 1 or k = 1" in text and "more than the standard layer's" in text, text
    assert (separable > standard) == (n == 1 or k == 1)
    if n >= 2 and k >= 2:  # and at most 3/4 of it otherwise, as it says: N = k = 2 is 1/2 + 1/4
        assert "at most 3/4" in text and separable <= 0.75 * standard


def test_each_kernel_size_keeps_its_colour_in_the_ratio_chart():
    """With k = 1 chosen, the ratio chart drew k = 1 in the blue that k = 3 has by default, and k = 3 in orange: a
    class comparing two screens read the colours as the same kernels."""
    import json

    def colours(**query) -> dict[str, str]:
        at = open_page(PAGE, lab_tab="Separable vs standard", **query)
        no_traceback(at)
        chart = json.loads(at.get("plotly_chart")[0].proto.spec)
        return {trace["name"].split(":")[0]: trace["line"]["color"] for trace in chart["data"] if "line" in trace}

    default, one, nine = colours(), colours(lab_k="1"), colours(lab_k="9")
    assert set(default) == {"k=3", "k=5", "k=7"} and set(one) == {"k=1", "k=3", "k=5", "k=7"}
    for shown in (one, nine):
        assert all(shown[name] == colour for name, colour in default.items()), (default, shown)
    assert one["k=1"] not in default.values() and nine["k=9"] not in default.values()


def test_a_whole_network_ratio_just_under_one_never_reads_one():
    """1 x 1 kernels, wide layers: "Multiply-adds: standard / this" read "1.00x" (67,584,000 / 67,865,600 = 0.996)
    beside "a separable layer costs more than a standard 1 x 1 layer, not less" and "67.9 M, standard: 67.6 M"."""
    at = open_page(PAGE, lab_tab="Whole network", net_kind="separable", net_blocks="3", net_filters="64", net_k="1",
                   net_alpha="2.0")
    no_traceback(at)
    shown = {m.label: m.value for m in at.metric}
    said = [str(element.value) for kind in (at.markdown, at.caption, at.info, at.warning) for element in kind]
    assert any("costs more than a standard 1 x 1 layer, not less" in line for line in said), said
    ratio = shown["Multiply-adds: standard / this"]
    assert ratio == "0.996x", ratio
    assert open_page(PAGE, lab_tab="Whole network").metric[2].value == "8.35x"  # the tutorial's models, as before


def decimals_hold(shown: str, exact: float) -> bool:
    """Whether `shown` ("0.9998x", "1.0002") is `exact` rounded to the decimals it shows, and reads off 1 when `exact`
    is not 1."""
    digits = shown.rstrip("x").strip()
    places = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits)
    return abs(value - exact) <= 0.5 * 10**-places + 1e-12 and (value != 1 or exact == 1)


def test_ratios_that_are_not_one_never_read_one_at_the_widest_one_by_one_layer():
    """C = N = 4096, k = 1 on the Separable vs standard tab: the metrics read "1.00x" and the caption "1/N + 1 = 1
    times", beside the sentence that the separable layer does more. Counted by hand (32 x 32, "valid"): Conv2D does
    32·32·4096·4096 multiply-adds and has 4096·4096 + 4096 params; SeparableConv2D adds the 4096 depthwise ones, a
    ratio of 4096/4097 = 0.99976 for the multiply-adds and 1/N + 1 = 1.000244 the other way."""
    c = n = 4096
    at = open_page(PAGE, lab_tab="Separable vs standard", lab_cin=str(c), lab_cout=str(n), lab_k="1")
    no_traceback(at)
    shown = {m.label: m.value for m in at.metric}
    standard_macs, separable_macs = 32 * 32 * c * n, 32 * 32 * (c + c * n)
    standard_params, separable_params, pair_params = c * n + n, c + c * n + n, (c + c) + (c * n + n)
    for label, exact in (("Multiply-adds: standard / separable", standard_macs / separable_macs),
                         ("Params: standard / separable", standard_params / separable_params),
                         ("Params: standard / depthwise + pointwise", standard_params / pair_params)):
        assert decimals_hold(shown[label], exact), (label, shown[label], exact)
    caption = next(c.value for c in at.caption if "1/N + 1 =" in c.value)
    told = caption.split("1/N + 1 = ")[1].split(" times")[0]
    assert decimals_hold(told, 1 + 1 / n), caption


def test_the_tables_params_ratio_never_reads_one_for_a_layer_that_is_not_the_standard_one():
    """1024 x 1024, C = N = 4096, k = 1: SeparableConv2D's and the depthwise + 1x1 pair's "Params vs standard" read
    "1.000", as the pointwise layer's, which is the standard layer. By hand: 4096 + 4096·4096 + 4096 = 16,785,408
    and 4096·2 + 4096·4096 + 4096 = 16,789,504 against 16,781,312."""
    at = open_page(PAGE, lab_h="1024", lab_w="1024", lab_cin="4096", lab_cout="4096", lab_k="1")
    no_traceback(at)
    table = cost_table(at)
    standard = 4096 * 4096 + 4096
    for label, params in (("SeparableConv2D", 16_785_408), ("DepthwiseConv2D + 1x1 Conv2D", 16_789_504),
                          ("Pointwise (1x1) Conv2D", standard)):
        assert table[label]["Params"] == f"{params:,}"
        assert decimals_hold(table[label]["Params vs standard"], params / standard), table[label]


@pytest.mark.parametrize("query", [dict(net_kind="standard"),
                                   dict(net_kind="separable", net_blocks="5", net_filters="128", net_alpha="2.0",
                                        net_k="7")])
def test_the_network_tables_shares_are_never_zero_for_work_and_add_up_to_the_total(query):
    """The standard network's predictions layer does 40,960 of 152,805,376 multiply-adds (0.027 %) and its share read
    "0.0", as the pooling layers' real zeros; a wide separable network's first convolution had "0.0" of its params.
    The columns then added up to 99.9 or 100.1 under a total of 100.0. Checked against the table's own counts: a
    share that is not nothing but rounds to nothing reads "< 0.1", and the numbers in a column add up to 100.0."""
    at = open_page(PAGE, lab_tab="Whole network", **query)
    no_traceback(at)
    table = next(t for t in shown_tables(at) if "% multiply-adds" in t.columns)
    rows, total = table.iloc[:-1], table.iloc[-1]
    assert total["Layer"] == "total"
    slivers = 0
    for count, share in (("Params", "% params"), ("Multiply-adds", "% multiply-adds")):
        counts = [int(v.replace(",", "")) for v in rows[count]]
        assert sum(counts) == int(total[count].replace(",", "")) and total[share] == "100.0"
        numbers = []
        for part, shown in zip(counts, rows[share]):
            exact = 100 * part / sum(counts)
            if shown == "< 0.1":
                assert 0 < exact < 0.1, (count, part)
                slivers += 1
                continue
            assert len(shown.split(".")[1]) == 1, shown
            numbers.append(float(shown))
            assert (float(shown) > 0) == (part > 0) and abs(float(shown) - exact) < 0.1, (count, part, shown)
        assert round(sum(numbers), 1) == 100.0, (count, numbers)
    assert slivers  # these two networks each have one


def test_the_reading_note_stands_under_its_table():
    """"Read the table like this" stood below the three charts, a screen away from the table it explains."""
    at = open_page(PAGE)

    order = [(node.type, getattr(node, "value", "")) for node in leaves(at.main)]
    table = next(i for i, (kind, value) in enumerate(order) if kind == "markdown" and "| Kind" in str(value))
    note = next(i for i, (kind, value) in enumerate(order) if str(value).startswith("**Read the table like this.**"))
    chart = next(i for i, (kind, _) in enumerate(order) if kind == "plotly_chart")
    assert table < note < chart, order[table:chart + 1]


def test_the_whole_network_tab_says_its_settings_are_its_own():
    """Under the Whole network tab, "For the layer you set up, the pointwise step does 88%" stood below the network's
    own 73% and 93% (an earlier round had it say "For this layer", then name the layer: a visual review still read it
    as the network's), and nothing said that the sidebar's layer does not change the network."""
    at = open_page(PAGE, lab_tab="Whole network")
    text = " ".join(m.value for m in at.markdown)
    assert "This tab has its own settings, right here: the layer set up for the other tabs does not change it." in text
    assert "For the layer you set up" not in text
    assert "For the layer you set up" in " ".join(m.value for m in open_page(PAGE).markdown)


def test_the_size_fields_pair_by_row_so_a_phone_reads_them_in_order():
    """On a phone Streamlit stands a row's columns one above another: with height and C in the left column and width
    and N in the right one, the sidebar read height, C, width, N."""
    at = open_page(PAGE)
    keys = [[widget.key for widget in column.get("number_input")] for column in at.sidebar.columns]
    assert keys == [["lab_h"], ["lab_w"], ["lab_cin"], ["lab_cout"]]


def test_the_page_says_that_multiply_adds_count_the_padding_zeros():
    """With padding "same", an 11 x 11 kernel on a 1 x 1 input does 121 multiply-adds (11 * 11 weights at its one
    output position), 120 of them on zeros; the page did not say its count reads the padding too."""
    at = open_page(PAGE, lab_h="1", lab_w="1", lab_k="11", lab_pad="same", lab_cin="1", lab_cout="1")
    no_traceback(at)
    assert cost_table(at)["Standard Conv2D"]["Multiply-adds"] == f"{11 * 11 * 1 * 1 * 1 * 1:,}"
    said = "\n".join(m.value for m in at.markdown)
    assert ('Multiply-adds are per image, for one forward pass: one multiply-add per weight per output position, the '
            'zeros that padding "same" adds around the input included (10 rows and 10 columns of them here).') in said
    at = open_page(PAGE)  # padding "valid": no zeros to speak of
    said = "\n".join(m.value for m in at.markdown)
    assert "for one forward pass: one multiply-add per weight per output position." in said and "zeros" not in said
