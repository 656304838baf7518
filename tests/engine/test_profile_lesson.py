"""Every branch of the Real networks page's sentences, on small profiles whose numbers are written here by hand."""

from __future__ import annotations

import pytest

from dsconv.profile import LayerRow, Profile, Published, lesson, percent_text, what_if
from dsconv.profile.builtin import paper_number


def net(*rows: LayerRow, name: str = "Net") -> Profile:
    return Profile(name, (8, 8, 3), rows)


def row(role: str, macs: int = 0, params: int = 0, frozen: int = 0, depthwise_macs: int = 0, counted: bool = True,
        name: str = "layer", class_name: str = "Conv2D") -> LayerRow:
    return LayerRow(name, class_name, role, (8, 8, 4), params, frozen, macs, depthwise_macs, counted=counted)


def test_where_the_arithmetic_is_in_each_case():
    cheap = net(row("depthwise", 30), row("pointwise", 950), row("standard", 20))
    said = lesson.where_the_arithmetic_is(cheap)
    assert "95% of the multiply-adds sit in 1x1 pointwise work and 3.0% in depthwise work" in said
    assert "cheap in arithmetic" in said
    costly = net(row("depthwise", 600), row("pointwise", 400))
    assert "does more arithmetic than the 1x1 step" in lesson.where_the_arithmetic_is(costly)
    # a SeparableConv2D's steps: 100 of its 500 multiply-adds are depthwise
    separable = net(row("separable", 500, depthwise_macs=100, class_name="SeparableConv2D"))
    assert "80% of the multiply-adds sit in 1x1 pointwise work (the 1x1 step inside each SeparableConv2D included) " \
           "and 20% in depthwise" in lesson.where_the_arithmetic_is(separable)
    plain = net(row("standard", 510), row("dense", 490))
    assert "no depthwise layer: 51% of its multiply-adds sit in standard" in lesson.where_the_arithmetic_is(plain)
    dense = net(row("dense", 10, class_name="Dense"))
    assert "neither depthwise nor standard k x k convolutions: 100% of its multiply-adds sit in dense layers" in \
        lesson.where_the_arithmetic_is(dense)
    assert "has no multiply-adds here" in lesson.where_the_arithmetic_is(net(row("pooling")))


def test_a_network_of_depthwise_layers_only_is_not_compared_with_a_1x1_step_it_lacks():
    """A model of one DepthwiseConv2D read "0.0% of the multiply-adds sit in 1x1 pointwise work and 100% in depthwise
    work. Here the depthwise step does more arithmetic than the 1x1 step", of a 1x1 step it does not have."""
    said = lesson.where_the_arithmetic_is(net(row("depthwise", 300), row("dense", 100, class_name="Dense")))
    assert said == ("In Net, 75% of the multiply-adds sit in depthwise work and none in 1x1 pointwise work: no 1x1 "
                    "layer mixes the channels that its depthwise layers filter one by one.")


def test_the_reason_depthwise_work_outweighs_1x1_work_is_given_only_where_the_layers_show_it():
    """"Its windows are large for its channel counts" was said of a network whose one separable layer's 1x1 step did
    more (480 against 288 multiply-adds): its depthwise excess came from DepthwiseConv2D layers of their own."""
    # a 5 x 5 window before 8 output channels: 25 > 8, the depthwise step does more in the layer itself
    large = net(row("separable", 25 * 64 + 8 * 64, depthwise_macs=25 * 64, class_name="SeparableConv2D"))
    said = lesson.where_the_arithmetic_is(large)
    assert said.endswith("Here the depthwise step does more arithmetic than the 1x1 step: in each separable layer the "
                         "window has more weights than the 1x1 step has output channels."), said
    mixed = net(row("separable", 480 + 288, depthwise_macs=288, class_name="SeparableConv2D"),
                row("depthwise", 2000, class_name="DepthwiseConv2D"))
    said = lesson.where_the_arithmetic_is(mixed)
    assert said.endswith("Here the depthwise step does more arithmetic than the 1x1 step."), said
    costly = net(row("depthwise", 600), row("pointwise", 400))  # the layers alone cannot say why
    assert lesson.where_the_arithmetic_is(costly).endswith("does more arithmetic than the 1x1 step."), said


def test_the_1x1_step_is_named_after_the_separable_layers_class():
    """A SeparableConv1D's 1x1 step was said to be "inside each SeparableConv2D"."""
    one_d = net(row("separable", 500, depthwise_macs=100, class_name="SeparableConv1D"))
    assert "(the 1x1 step inside each SeparableConv1D included)" in lesson.where_the_arithmetic_is(one_d)
    both = net(row("separable", 500, depthwise_macs=100, class_name="SeparableConv1D"),
               row("separable", 500, depthwise_macs=100, class_name="SeparableConv2D"))
    assert "(the 1x1 step inside each separable layer included)" in lesson.where_the_arithmetic_is(both)


def test_dense_layers_at_every_position_of_a_map_are_pointwise_work():
    """ConvNeXt's blocks mix channels with Dense layers applied at every position of a 56 x 56 (and smaller) map,
    after a 7 x 7 depthwise layer: the page said "2.4% of the multiply-adds sit in depthwise work and none in 1x1
    pointwise work: no 1x1 layer mixes the channels", beside "dense layers ... do 93% of the multiply-adds"."""
    import keras

    from dsconv.profile import count_upload

    layers = keras.layers
    inputs = keras.Input((16, 16, 8))
    x = layers.DepthwiseConv2D(7, padding="same", name="dw")(inputs)
    x = layers.Dense(8, name="mix")(layers.Dense(32, activation="gelu", name="expand")(layers.LayerNormalization()(x)))
    model = keras.Model(inputs, layers.Dense(10, name="head")(layers.GlobalAveragePooling2D()(x)))
    profile = count_upload(model.to_json().encode(), "block.json").profile
    assert profile.params == model.count_params()
    # independent counts: 7 x 7 x 8 per position; 8 x 32 and 32 x 8 per position; 8 x 10 once
    depthwise, pointwise, head = 16 * 16 * 7 * 7 * 8, 16 * 16 * (8 * 32 + 32 * 8), 8 * 10
    assert profile.multiply_adds == depthwise + pointwise + head
    assert {row.name: row.role for row in profile.rows if row.class_name == "Dense"} == {
        "expand": "pointwise", "mix": "pointwise", "head": "dense"}  # the head acts once: dense
    said = lesson.where_the_arithmetic_is(profile)
    assert round(100 * pointwise / (depthwise + pointwise + head)) == 57  # 131,072 of 231,504
    assert round(100 * depthwise / (depthwise + pointwise + head)) == 43  # 100,352 of them
    assert said.startswith(
        "In block.json, 57% of the multiply-adds sit in 1x1 pointwise work (Dense layers at every position of a map "
        "included: each is a 1x1 convolution in effect) and 43% in depthwise work."), said
    assert "none in 1x1" not in said
    assert "pointwise layers (Dense layers at every position of a map: 1 x 1 convolutions in effect)" in \
        lesson.where_the_parameters_are(profile)
    # a text model's Dense layers act at every word, on a sequence, not a map: they stay dense layers
    words = keras.Input((100,), dtype="int32")
    x = layers.Dense(64, name="mix")(layers.Dense(128, name="expand")(layers.Embedding(1000, 64)(words)))
    text = keras.Model(words, layers.Dense(2, name="head")(layers.GlobalAveragePooling1D()(x)))
    profile = count_upload(text.to_json().encode(), "text.json").profile
    assert profile.params == text.count_params()
    assert {row.role for row in profile.rows if row.class_name == "Dense"} == {"dense"}
    said = lesson.where_the_arithmetic_is(profile)
    assert "dense layers" in said and "map" not in said and "1 x 1" not in said, said


def test_a_share_short_of_all_is_never_written_100_percent():
    """The tutorial's separable VGG: its dense layer does 40,960 of 18,295,808 multiply-adds, and the page said the
    separable layers do "100%" of them."""
    vgg = net(row("separable", 18_295_808 - 40_960, params=100), row("dense", 40_960, params=10))
    assert "do 99.8% of the multiply-adds" in lesson.where_the_parameters_are(vgg)
    almost = net(row("separable", 99_990, params=100), row("dense", 10, params=1))
    assert "do over 99.9% of the multiply-adds" in lesson.where_the_parameters_are(almost)
    assert "do 100% of the multiply-adds" in lesson.where_the_parameters_are(net(row("separable", 10, params=5)))


def test_where_the_parameters_are_in_each_case():
    together = net(row("pointwise", 90, params=80), row("dense", 10, params=20, class_name="Dense"))
    assert lesson.where_the_parameters_are(together) == (
        "Parameters and arithmetic sit together: pointwise layers hold 80% of the trainable parameters and do 90% "
        "of the multiply-adds.")
    apart = net(row("standard", 990, params=10), row("dense", 10, params=90, class_name="Dense"))
    assert lesson.where_the_parameters_are(apart).startswith(
        "Dense layers hold 90% of the trainable parameters but do only 1.0% of the multiply-adds")
    assert "no trainable parameters" in lesson.where_the_parameters_are(net(row("pooling")))
    tiny = net(row("standard", 99_999, params=10), row("dense", 1, params=90, class_name="Dense"))  # not "only under"
    assert lesson.where_the_parameters_are(tiny).startswith(
        "Dense layers hold 90% of the trainable parameters but do under 0.1% of the multiply-adds")
    # batch norm holds the parameters and does no multiply-adds: it read "do only 0.0% of the multiply-adds"
    idle = net(row("pointwise", 100, params=4), row("normalisation", 0, params=8))
    assert lesson.where_the_parameters_are(idle).startswith(
        "Normalisation layers hold 67% of the trainable parameters but do none of the multiply-adds")
    # MobileNetV3 Small has no Dense layer: its "dense" role is 1 x 1 convolutions of a 1 x 1 map, and the page said
    # "Dense layers hold 82%" of a network without one.
    convs = net(row("standard", 990, params=10), row("dense", 10, params=90))
    assert lesson.where_the_parameters_are(convs).startswith(
        "1 x 1 convolutions of a 1 x 1 map (dense layers in effect) hold 90% of the trainable parameters")
    both = net(row("standard", 990, params=10), row("dense", 5, params=45), row("dense", 5, params=45,
                                                                               class_name="Dense"))
    assert lesson.where_the_parameters_are(both).startswith(
        "Dense layers (with the 1 x 1 convolutions of a 1 x 1 map) hold 90% of the trainable parameters")


def test_layers_not_counted_are_named_and_the_totals_say_so():
    assert lesson.not_counted(net(row("standard", 5))) == ""
    one = net(row("other", counted=False, name="mystery", class_name="Lambda"))
    assert lesson.not_counted(one) == "1 layer call could not be counted: mystery (Lambda). The totals leave it out."
    many = net(*(row("other", counted=False, name=f"l{i}", class_name="Custom") for i in range(6)))
    assert lesson.not_counted(many).startswith("6 layer calls could not be counted: l0 (Custom), l1 (Custom), "
                                               "l2 (Custom), l3 (Custom) and 2 more.")


@pytest.mark.parametrize("text, value, half_unit", [("569 M", 569e6, 0.5e6), ("0.39 B", 0.39e9, 0.005e9),
                                                    ("1,186,378", 1186378, 0.5), ("15.3 G", 15.3e9, 0.05e9)])
def test_paper_figures_are_read_with_their_precision(text, value, half_unit):
    assert paper_number(text) == pytest.approx((value, half_unit))


def test_the_multiply_add_check_in_each_case():
    paper = Published("a paper", multiply_adds="100 M")
    assert "equals it exactly" in lesson.multiply_adds_check(net(row("standard", 100_000_000)), paper).verdict
    assert "agrees within 1% (+0.90%)" in lesson.multiply_adds_check(net(row("standard", 100_900_000)), paper).verdict
    # the closest tier says its difference too (it read bare, "agrees within 0.01%", beside "(-0.02%)" ones)
    assert "agrees within 0.01% (+0.0035%)" in lesson.multiply_adds_check(net(row("standard", 100_003_500)),
                                                                            paper).verdict
    # closer than the four decimals can say: not "(+0.0000%)", which reads as exact
    assert lesson.multiply_adds_check(net(row("standard", 100_000_040)), paper).verdict.endswith(
        "agrees within 0.0001%.")
    assert "is 5.0% below the paper's" in lesson.multiply_adds_check(net(row("standard", 95_000_000)), paper).verdict
    rounded = Published("a paper", multiply_adds="0.39 B")  # 0.386 B is 1.0 % off, but prints as 0.39 B
    assert "agrees to the paper's precision (-1.0%: it prints 0.39 B)" in \
        lesson.multiply_adds_check(net(row("standard", 386_000_000)), rounded).verdict
    conv_only = Published("a paper", multiply_adds="100 M", conv_only=True)
    check = lesson.multiply_adds_check(net(row("standard", 100_000_000), row("dense", 50_000_000)), conv_only)
    assert check.ours == 100_000_000 and "convolution layers' multiply-adds" in check.verdict
    assert lesson.multiply_adds_check(net(row("standard", 1)), Published("a paper")) is None


def test_the_parameter_check_in_each_case():
    paper = Published("a paper", params="4.2 M")
    assert lesson.params_check(net(row("pointwise", params=4_210_000)), paper).verdict == \
        "Keras's parameter count agrees within 1% (+0.24%)."
    # 4,233,000 in all is within 1 % too, but 4,211,000 without the statistics is closer: the sentence says why
    with_statistics = net(row("pointwise", params=4_200_000), row("normalisation", params=11_000, frozen=22_000))
    said = lesson.params_check(with_statistics, paper).verdict
    assert said.startswith("Keras counts 4.23 M parameters, the paper 4.2 M: Keras includes 22,000 non-trainable "
                           "statistics (the moving means and variances of batch norm and normalisation layers)")
    assert said.endswith("Without them the count agrees within 1% (+0.26%).")
    unexplained = net(row("pointwise", params=3_500_000), row("normalisation", params=4_000, frozen=34_000))
    said = lesson.params_check(unexplained, Published("a paper", params="3.4 M")).verdict
    assert "even the trainable count is 3.1% above the paper's" in said
    # "Keras's implementation is not the paper's layer for layer" was a guess: the page says what it knows
    assert said.endswith("Where the difference comes from is not known here.") and "layer for layer" not in said
    # 3,434,000 without every batch-norm number: 3.43 M, which cut off (not rounded) at 0.1 M is 3.4 M
    cut = net(row("pointwise", params=3_434_000), row("normalisation", params=34_000, frozen=34_000))
    said = lesson.params_check(cut, Published("a paper", params="3.4 M")).verdict
    assert said.endswith("Without batch norm's 34,000 learned scales and offsets too, it is 3,434,000: cut off at "
                         "the paper's precision instead of rounded, that is the paper's 3.4 M."), said
    # no statistics, 3.46 M: the count itself, cut off, is the paper's
    said = lesson.params_check(net(row("pointwise", params=3_460_000)), Published("a paper", params="3.4 M")).verdict
    assert said == ("Keras counts 3.46 M parameters against the paper's 3.4 M: the count is 1.8% above the paper's. "
                    "Cut off at the paper's precision instead of rounded, 3,460,000 is the paper's 3.4 M."), said
    # the count written whole: rounded to three digits, 3,499,600 read "3.5 M is the paper's 3.4 M"
    said = lesson.params_check(net(row("pointwise", params=3_499_600)), Published("a paper", params="3.4 M")).verdict
    assert said.endswith("Cut off at the paper's precision instead of rounded, 3,499,600 is the paper's 3.4 M."), said
    # 3.55 M is past 3.4 M however it is cut
    said = lesson.params_check(net(row("pointwise", params=3_550_000)), Published("a paper", params="3.4 M")).verdict
    assert said.endswith("is 4.4% above the paper's. Where the difference comes from is not known here."), said


def test_the_what_if_sentence_in_each_case():
    from dsconv.profile import profile_config

    config = {"class_name": "Sequential", "config": {"name": "tiny", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 3]}},
        {"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3], "padding": "same"}}]}}
    result = what_if(profile_config(config), "separable")
    # standard: 3*3*3*4 + 4 = 112 params, 8*8*108 = 6,912 multiply-adds; separable: 27 + 12 + 4 = 43 params,
    # 8*8*(27 + 12) = 2,496 multiply-adds
    assert lesson.what_if_sentence(result) == (
        "Making its one standard k x k convolution separable (SeparableConv2D) takes multiply-adds from 6.91 k to "
        "2.5 k (2.8x fewer) and parameters from 112 to 43 (2.6x fewer).")
    again = what_if(result.after, "separable")
    assert lesson.what_if_sentence(again).endswith("has no standard k x k convolution to replace.")


def test_the_comparison_sentence_in_each_case():
    big, small = net(row("standard", 600), name="Big"), net(row("pointwise", 200), name="Small")
    imagenet = lambda top1: Published("a paper", top1=top1)  # noqa: E731
    assert lesson.comparison_sentence(small, imagenet(70.0), big, imagenet(75.5)) == \
        "Big does 3.0x the multiply-adds of Small for 5.5 more points of published top-1 accuracy."
    assert lesson.comparison_sentence(big, imagenet(70.0), small, imagenet(72.25)) == \
        "Big does 3.0x the multiply-adds of Small and is 2.25 points less accurate, as published."
    assert lesson.comparison_sentence(big, imagenet(70.0), small, imagenet(70.0)).endswith(
        "for the same published top-1 accuracy.")
    assert lesson.comparison_sentence(big, imagenet(70.0), small, None).endswith(
        "; no published accuracy is known here for Small.")
    assert lesson.comparison_sentence(big, None, small, None).endswith("known here for Big and Small.")
    ten_crop = Published("a paper", top1=77.0, protocol="10-crop testing")
    assert "measured differently (10-crop testing, single crop), so they are not compared here" in \
        lesson.comparison_sentence(big, ten_crop, small, imagenet(70.0))
    assert lesson.comparison_sentence(big, None, big, None) == \
        "These are the same network: pick another to compare Big with."
    one_run = lambda top1: Published("a run", top1=top1, one_run=True)  # noqa: E731
    assert lesson.comparison_sentence(big, one_run(75.6), small, one_run(75.82)).endswith(
        "for about the same published top-1 accuracy (75.6% against 75.82%: within 2 points, which another seed of "
        "one training run can change).")
    assert lesson.comparison_sentence(big, one_run(75.6), small, one_run(72.0)).endswith(  # 3.6 points: a difference
        "for 3.6 more points of published top-1 accuracy.")
    twin = net(row("standard", 590), name="Twin")
    same = net(row("standard", 600), name="Same")  # an upload of a built-in: it said "about as many"
    assert lesson.comparison_sentence(big, None, same, None).startswith("Big does exactly as many multiply-adds as Same")
    assert lesson.comparison_sentence(big, None, twin, None).startswith("Big does about as many multiply-adds as Twin")
    cifar = Published("a tutorial", top1=75.6, dataset="CIFAR-10")
    assert "different data sets (ImageNet, CIFAR-10) and cannot be compared" in \
        lesson.comparison_sentence(big, imagenet(70.0), small, cifar)
    assert "cannot be compared" in lesson.comparison_sentence(net(row("pooling")), None, small, None)


@pytest.mark.parametrize("value, text", [(70.6, "70.6"), (77.15, "77.15"), (72.0, "72.0"), (6.55, "6.55")])
def test_published_accuracies_are_printed_as_published(value, text):
    assert percent_text(value) == text


def test_names_from_a_file_go_through_quote():
    from dsconv.safe_text import plain

    evil = net(row("depthwise", 30), row("pointwise", 950), row("other", counted=False, name="[x](http://e.com)",
                                                               class_name="![i](http://e.com/t.png)"),
               name="[notes](https://example.com).json")
    assert "[notes]" not in lesson.where_the_arithmetic_is(evil, plain)
    assert "\\[notes\\]" in lesson.where_the_arithmetic_is(evil, plain)
    warned = lesson.not_counted(evil, plain)
    assert "](http" not in warned and "!\\[i\\]" in warned


def test_a_size_that_changes_the_parameters_is_said():
    from dsconv.profile import builtin_profile

    own, small = builtin_profile("vgg16"), builtin_profile("vgg16", 96)
    # Flatten at 96: 3x3x512 = 4,608 inputs to the first dense layer of 4,096 units, against 7x7x512 = 25,088
    assert own.params - small.params == (25_088 - 4_608) * 4_096
    said = lesson.size_note(small, own)
    assert said.startswith("At 96x96x3 this network has 54.5 M parameters, against 138 M at its own 224x224x3")
    assert said.endswith("It is not the published network any more.")
    assert lesson.size_note(small, own, "the network in the file").endswith("It is not the network in the file any more.")
    assert lesson.size_note(builtin_profile("mobilenet_v2", 96), builtin_profile("mobilenet_v2")) == ""

    assert "a dense layer after Flatten takes every value of the last feature map" in said  # fc1 follows Flatten


def test_a_size_note_names_the_layers_whose_weights_changed():
    """An upload with a PReLU (one weight per value of its input) and no Flatten: at 96 x 96 its parameters grow,
    and the page blamed "a dense layer after Flatten", a layer it does not have."""
    import keras

    from dsconv.profile import count_upload

    layers = keras.layers
    inputs = keras.Input((32, 32, 3))
    x = layers.PReLU(name="prelu")(layers.Conv2D(8, 3, padding="same", name="conv")(inputs))
    model = keras.Model(inputs, layers.Dense(10, name="head")(layers.GlobalAveragePooling2D()(x)))
    small_prelu = model.get_layer("prelu").count_params()  # Keras's own counts, at 32 and at 96
    big = keras.layers.PReLU()
    big.build((None, 96, 96, 8))
    big_prelu = big.count_params()
    assert (small_prelu, big_prelu) == (32 * 32 * 8, 96 * 96 * 8)
    counted = count_upload(model.to_json().encode(), "p.json", 96)
    said = lesson.size_note(counted.profile, counted.own, "the network in the file")
    assert counted.profile.params == model.count_params() - small_prelu + big_prelu
    assert "Flatten" not in said, said
    assert (f"the weights of prelu (PReLU: {big_prelu:,} against {small_prelu:,}) depend on the size of its input, so "
            "they change with the picture's. It is not the network in the file any more.") in said, said


def test_layers_not_counted_at_a_picked_size_are_not_said_to_change_with_it(tmp_path):
    """A Lambda before a Conv2D: at the file's own size the Conv2D and the Dense are counted from the shapes the file
    records; at 96 x 96 they cannot be (the Lambda's output is unknown there). The page said "the weights of conv
    (Conv2D: 0 against 448), head (Dense: 0 against 170) depend on the size of their input ... It is not the network
    in the file any more": their weights are the same at any size, as Keras builds them."""
    import keras

    from dsconv.profile import count_upload

    layers = keras.layers
    inputs = keras.Input((32, 32, 3))
    x = layers.Conv2D(16, 3, name="conv")(layers.Lambda(lambda t: t * 2.0, name="double")(inputs))
    model = keras.Model(inputs, layers.Dense(10, name="head")(layers.GlobalAveragePooling2D()(x)))
    model.save(tmp_path / "lambda.keras")
    assert (model.get_layer("conv").count_params(), model.get_layer("head").count_params()) == (448, 170)
    counted = count_upload((tmp_path / "lambda.keras").read_bytes(), "lambda.keras", 96)
    assert counted.own.params == model.count_params() == 618  # at its own size, from the file's shapes
    said = lesson.size_note(counted.profile, counted.own, "the network in the file")
    assert said == ("At 96x96x3, conv and head (618 parameters at the network's own 32x32x3) could not be counted: "
                    "the totals leave them out."), said

    # With a layer whose weights do change (a PReLU, one weight per value), the two are said apart
    x = layers.PReLU(name="prelu")(layers.Conv2D(2, 3, padding="same", name="conv")(inputs))
    late = layers.Conv2D(4, 3, name="late")(layers.Lambda(lambda t: t * 2.0, name="double")(inputs))
    joined = layers.Concatenate()([layers.GlobalAveragePooling2D()(x), layers.GlobalAveragePooling2D()(late)])
    model = keras.Model(inputs, layers.Dense(3, name="head")(joined))
    model.save(tmp_path / "both.keras")
    lost = model.get_layer("late").count_params() + model.get_layer("head").count_params()
    assert lost == 112 + 21
    counted = count_upload((tmp_path / "both.keras").read_bytes(), "both.keras", 96)
    said = lesson.size_note(counted.profile, counted.own, "the network in the file")
    assert said.endswith(f"the weights of prelu (PReLU: {96 * 96 * 2:,} against {32 * 32 * 2:,}) depend on the size of "
                         "its input, so they change with the picture's. It is not the network in the file any more. "
                         f"Besides, late and head ({lost} parameters at the network's own 32x32x3) could not be "
                         "counted at this size: the totals leave them out."), said


def test_every_sentence_of_every_built_in_at_every_size_is_a_finished_sentence():
    """No unformatted field, no empty count, every sentence ends: for each network, size and what-if kind."""
    from dsconv.kinds import SEPARABLE_KINDS
    from dsconv.profile import ARCHITECTURES, SIZES, builtin_profile, published

    for name, arch in ARCHITECTURES.items():
        own = builtin_profile(name)
        for size in (arch.size, *SIZES):
            profile = builtin_profile(name, size)
            paper = published(name, size)
            said = [lesson.where_the_arithmetic_is(profile), lesson.where_the_parameters_are(profile),
                    lesson.size_note(profile, own), lesson.not_counted(profile),
                    *(check.verdict for check in (lesson.multiply_adds_check(profile, paper) if paper else None,
                                                  lesson.params_check(profile, paper) if paper else None) if check),
                    *(lesson.what_if_sentence(what_if(profile, kind)) for kind in SEPARABLE_KINDS),
                    lesson.comparison_sentence(profile, paper, own, published(name))]
            for sentence in filter(None, said):
                assert "{" not in sentence and "}" not in sentence and " 0 " not in sentence, (name, size, sentence)
                assert sentence.endswith("."), (name, size, sentence)


def test_layer_names_in_the_charts_hover_are_text():
    """Plotly draws tags in hover text: a name from a file must be shown as written, not as a link or markup."""
    import gzip
    import json

    from dsconv import ASSETS
    from dsconv.figures.networks import layer_figure
    from dsconv.profile import profile_config

    text = gzip.decompress((ASSETS / "profile" / "vgg_separable.json.gz").read_bytes()).decode()
    assert '"block1_conv1"' in text
    config = json.loads(text.replace('"block1_conv1"', '"<a href=\\"http://tracker.example\\">x</a>"'))
    names = [name for trace in layer_figure(profile_config(config)).data for name in trace.customdata]
    assert '&lt;a href="http://tracker.example"&gt;x&lt;/a&gt;' in names and not any("<a " in name for name in names)


def test_every_layer_bar_keeps_to_its_own_slot():
    """MobileNet alternates depthwise and pointwise layers: overlaid in one chart, a bar wider than one layer's slot
    (Plotly sizes a trace's bars by the gap between its own layers: 2 slots for every other layer) hid the layer
    beside it, so the depthwise bars this chart exists to show could not be seen."""
    from dsconv.figures.networks import layer_figure
    from dsconv.profile import builtin_profile

    figure = layer_figure(builtin_profile("mobilenet_v1_100"))
    roles = {trace.name for trace in figure.data}
    assert {"depthwise", "pointwise"} <= roles
    for trace in figure.data:
        assert trace.width is not None and trace.width <= 1, (trace.name, trace.width)
    positions = [x for trace in figure.data if trace.yaxis in (None, "y") for x in trace.x]
    assert len(positions) == len(set(positions))  # one bar a slot: none is drawn over another
    assert figure.layout.xaxis2.title.text  # the shared axis says what it counts
    # at the panels' titles' size (Plotly's default, 1.2 times the font, made it the largest text of the figure)
    assert figure.layout.xaxis2.title.font.size == figure.layout.annotations[0].font.size


@pytest.mark.parametrize("times, said", [
    (8.1, "8.1x fewer"),  # 1.5 and up: a factor
    (1.25, "20% fewer"),  # 1 - 1 / 1.25 = 0.20
    (0.8, "25% more"),  # 1 / 0.8 - 1 = 0.25
    (1.02, "2.0% fewer"),  # 1 - 1 / 1.02 = 0.0196
    (1.0, "unchanged"),
    (1.0004, "almost unchanged"),  # 0.04 % fewer
    (1 / 1.0004, "almost unchanged"),  # 0.04 % more
])
def test_a_what_ifs_change_is_worded_by_its_size(times, said):
    """The what-if's "from A to B (...)": a factor, a share fewer or more, or unchanged (each worked out by hand)."""
    assert lesson._fewer(times) == said


@pytest.mark.parametrize("build, said", [
    (lambda k, L: [k.Input((128, 16)), L.Conv1D(32, 5, padding="same"), L.Conv1D(32, 5),
                   L.GlobalAveragePooling1D(), L.Dense(4)],
     "sit in standard convolutions (Conv1D); the what-if replaces 2-D Conv2D layers only, and this network has none."),
    (lambda k, L: [k.Input((16, 16, 8)), L.Conv2DTranspose(16, 3, strides=2, padding="same"), L.Conv2D(3, 3)],
     "sit in standard convolutions (Conv2D, Conv2DTranspose); the what-if makes its 2-D Conv2D layers separable."),
    (lambda k, L: [k.Input((16, 16, 8)), L.Conv2D(16, 3), L.Conv2D(3, 3)],
     "sit in standard k x k convolutions; the what-if makes them separable."),
])
def test_where_the_arithmetic_is_promises_only_the_what_if_the_tab_does(build, said):
    """A Conv1D model read "over 99.9% of its multiply-adds sit in standard k x k convolutions; the what-if makes them
    separable", above a what-if tab that said it had "no standard k x k convolution to replace": the what-if takes 2-D
    Conv2D layers only. Each sentence is checked against what_if's own swaps."""
    import json

    keras = pytest.importorskip("keras")
    from dsconv.profile import profile_config

    model = keras.Sequential(build(keras, keras.layers))
    profile = profile_config(json.loads(model.to_json()))
    sentence = lesson.where_the_arithmetic_is(profile)
    assert said in sentence, sentence
    assert bool(what_if(profile).swaps) == ("makes" in said)


def test_what_is_not_trainable_is_named_only_where_there_is_some():
    """Batch norm's statistics were named of every model, one without batch norm too."""
    from dsconv.profile import builtin_profile

    assert lesson.not_trainable(builtin_profile("mobilenet_v1_100")) == lesson.STATISTICS
    assert lesson.not_trainable(builtin_profile("vgg_standard")) == ""  # the tutorial's VGG: no batch norm
    assert builtin_profile("vgg_standard").total("frozen_params") == 0


def test_a_huge_ratio_is_written_with_thousands_separators():
    """A tiny uploaded model beside MobileNetV2: "MobileNetV2 does 2784947.0x the multiply-adds of ..."."""
    big, small = net(row("standard", 2_784_947_000), name="Big"), net(row("pointwise", 1000), name="Small")
    assert lesson.comparison_sentence(big, None, small, None).startswith(
        "Big does 2,784,947.0x the multiply-adds of Small")
    assert lesson._fewer(123_456.0) == "123,456.0x fewer"
