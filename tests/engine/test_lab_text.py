"""The Parameter lab's data sentences (dsconv.costs.lab_text): every branch, with numbers worked out by hand here."""

from __future__ import annotations

from dsconv.costs.arithmetic import every_kind
from dsconv.costs.lab_text import grouped_note, pointwise_row_note, pointwise_share, reading_note

TUTORIAL = dict(height=32, width=32, in_channels=3, out_channels=64, kernel_size=3)


def test_the_tutorials_rows_do_not_add_up_and_the_note_says_why():
    note = pointwise_row_note(every_kind(**TUTORIAL), (32, 32, 3))
    # depthwise 30*30*27 = 24,300; 1x1 on the raw input 32*32*3*64 = 196,608; separable 24,300 + 30*30*3*64 = 197,100
    assert "1x1 layer on the raw 32 x 32 x 3 input (196,608 multiply-adds)" in note
    assert "(24,300 + 196,608 = 220,908) is not SeparableConv2D's 197,100" in note
    assert "reads the depthwise output instead (30 x 30 x 3: 172,800 multiply-adds)" in note


def test_with_flops_on_the_note_speaks_the_tables_unit():
    """The table shows FLOPs (48,600, 393,216, 394,200) and the note quoted multiply-adds (24,300 + 196,608 =
    220,908 against 197,100): none of its numbers were on the screen."""
    note = pointwise_row_note(every_kind(**TUTORIAL), (32, 32, 3), flops=True)
    assert "1x1 layer on the raw 32 x 32 x 3 input (393,216 FLOPs)" in note
    assert "(48,600 + 393,216 = 441,816) is not SeparableConv2D's 394,200" in note
    assert "(30 x 30 x 3: 345,600 FLOPs)" in note and "multiply-add" not in note
    same = pointwise_row_note(every_kind(**dict(TUTORIAL, padding="same")), (32, 32, 3), flops=True)
    assert "(55,296 + 393,216) equals SeparableConv2D's 448,512 FLOPs" in same


def test_same_padding_with_stride_one_makes_the_rows_add_up():
    note = pointwise_row_note(every_kind(**dict(TUTORIAL, padding="same")), (32, 32, 3))
    # depthwise 32*32*27 = 27,648; pointwise 196,608; separable the same two
    assert "(27,648 + 196,608) equals SeparableConv2D's 224,256 multiply-adds" in note
    assert "is not" not in note


def test_with_a_stride_the_note_says_the_row_visits_the_same_positions():
    """Stride 2, "same": the note said the 1x1 step "reads a tensor of the same size (16 x 16 x 3)" as the row's
    raw 32 x 32 x 3 input. The sums match because the strided 1x1 row visits 16 x 16 positions, as the step does."""
    costs = every_kind(**dict(TUTORIAL, padding="same", strides=2))
    note = pointwise_row_note(costs, (32, 32, 3))
    # depthwise 16*16*27 = 6,912; the strided 1x1 row 16*16*3*64 = 49,152; separable 6,912 + 49,152 = 56,064
    assert "With the layer's stride it visits 16 x 16 positions, as many as the 1x1 step" in note
    assert "reads the depthwise output (16 x 16 x 3)" in note and "same size" not in note
    assert "(6,912 + 49,152) equals SeparableConv2D's 56,064 multiply-adds" in note


def test_rows_that_add_up_by_coincidence_are_not_said_to_visit_as_many_positions():
    """3 x 4 x 3 to 8, k = 2, m = 2, stride 1, "valid": the note said the 1x1 row "visits 3 x 4 positions, as many as
    the 1x1 step inside SeparableConv2D ... (2 x 3 x 6)", which visits 6. By hand: the row 12 positions x 3 channels x
    8 = 288; the step 6 positions x 6 channels x 8 = 288; the depthwise step 6 x 2 x 2 x 3 x 2 = 144."""
    costs = every_kind(height=3, width=4, in_channels=3, out_channels=8, kernel_size=2, depth_multiplier=2)
    note = pointwise_row_note(costs, (3, 4, 3))
    assert "as many as" not in note and "stride" not in note, note
    assert ("Inside SeparableConv2D the 1x1 step reads the depthwise output instead (2 x 3 x 6): its 6 positions x 6 "
            "channels come to what this row's 12 positions x 3 channels do, so the DepthwiseConv2D row plus this row "
            "(144 + 288) equals SeparableConv2D's 432 multiply-adds.") in note, note


def test_with_k_1_the_note_says_how_much_more_the_separable_layer_does():
    """With k = 1 and m = 8 the caption said the separable layer "costs a little more than the standard 1 x 1 layer
    (1/N + 1 > 1)" beside a ratio of 8.125: m x (1/N + 1) = 8 x 65/64. With N = 1, 1/N + 1 = 2."""
    from dsconv.costs.lab_text import kernel_term_note

    assert "1/N + 1 = 1.016 times the standard 1 x 1 layer's multiply-adds" in kernel_term_note(1, 64, 1)
    assert "m x (1/N + 1) = 8.125 times" in kernel_term_note(1, 64, 8)
    assert "1/N + 1 = 2 times" in kernel_term_note(1, 1, 1) and "a little" not in kernel_term_note(1, 1, 1)


def test_pointwise_note_without_a_valid_separable_layer_only_says_what_the_row_is():
    costs = every_kind(**dict(TUTORIAL, height=2, width=2))  # k = 3 does not fit: only the 1x1 layer is valid
    assert isinstance(costs["separable"], str)
    assert pointwise_row_note(costs, (2, 2, 3)) == ("The **Pointwise (1x1) Conv2D** row is a 1x1 layer on the raw "
                                                     "2 x 2 x 3 input (768 multiply-adds).")  # 4 * 3 * 64
    costs["pointwise"] = "refused"
    assert pointwise_row_note(costs, (2, 2, 3)) is None


def test_one_group_is_named_the_standard_layer():
    assert "it *is* the standard layer" in grouped_note(every_kind(**TUTORIAL), 1)
    assert grouped_note(every_kind(**dict(TUTORIAL, in_channels=4, groups=2)), 2) is None
    assert grouped_note({"grouped": "refused"}, 1) is None


def test_the_step_that_does_most_of_the_work_is_named_with_its_share():
    # 64 outputs, k = 3: pointwise 3*64 of 3*9 + 3*64 per position = 192 / 219 = 88 %
    assert "the pointwise step does **88%**" in pointwise_share(every_kind(**TUTORIAL))
    # 4 outputs, k = 5: depthwise 25*3 of 75 + 12 = 86 %
    assert "the depthwise step does **86%**" in pointwise_share(every_kind(**dict(TUTORIAL, out_channels=4,
                                                                                  kernel_size=5)))
    # N = k^2 = 9: the two steps do the same work
    assert "the same number" in pointwise_share(every_kind(**dict(TUTORIAL, out_channels=9)))
    # The reason given is the rule itself: the depthwise step does more exactly when N < k^2 (k^2 C dm against C dm N
    # per position). It said "against a large kernel" of a 3 x 3 kernel with N = 1.
    small = pointwise_share(every_kind(**dict(TUTORIAL, out_channels=1, kernel_size=3)))
    assert "the depthwise step does **90%**" in small  # 9 of 9 + 1
    assert "with fewer output channels than the kernel has positions (k x k)" in small
    assert pointwise_share({"separable": "refused"}) is None


def test_network_pointwise_share_is_worded_by_the_share():
    from dsconv.costs.lab_text import network_pointwise_share

    # two shares said together add up to what they are: 8.15 % and 91.77 % (0.08 % other) read "8.2%" and "92%"
    said = network_pointwise_share(100, 815, 9177, 1000, 10_000, 7)
    assert "do 8.1% of the multiply-adds" in said and "still do most of the work (91.8%)" in said, said
    # and where they are the whole: 1.2 % and 98.8 % read "1.2%" and "99%"
    said = network_pointwise_share(100, 12, 988, 1000, 1000, 3)
    assert "do 1.2% of the multiply-adds" in said and "still do most of the work (98.8%)" in said, said

    # The tutorial's separable network: 93 % of its multiply-adds are pointwise (dsconv.costs.network counts them).
    most = network_pointwise_share(120_000, 93, 6, 174_821, 100, 3)
    assert "do 93% of the multiply-adds" in most and "Once the 3 x 3 work is depthwise" in most
    # One block of 8 filters with 7 x 7 kernels: the depthwise steps do most of it.
    few = network_pointwise_share(200, 14, 80, 1000, 100, 7)
    assert "do 14.0% of the multiply-adds" in few and "With 7 x 7 kernels" in few and "what costs" not in few
    assert "the depthwise steps still do most of the work (80.0%)" in few  # read together, to the same decimals
    assert network_pointwise_share(0, 0, 0, 1000, 100, 3) is None
    # 1 x 1 kernels: there is no k x k work to make depthwise ("Once the 1 x 1 work is depthwise" made no sense)
    flat = network_pointwise_share(2_000, 95, 1, 2_134, 100, 1)
    assert "Once the" not in flat and "With 1 x 1 kernels there is no spatial work to split off" in flat


def test_network_share_claims_no_majority_that_is_not_there():
    """One block of 8 filters, k = 3: depthwise 48%, pointwise 43%, dense 10% (dsconv.costs.network's own counts). It
    said "the depthwise steps still do most of the work" with 48%."""
    from dsconv.costs.lab_text import network_pointwise_share
    from dsconv.costs.network import NetworkConfig, network_summary
    from dsconv.figures.cost import network_parts

    summary = network_summary(NetworkConfig(conv_kind="separable", kernel_size=3, blocks=1, filters=8))
    parts = network_parts(summary)
    macs = {name: sum(p.multiply_adds.get(name, 0) for p in parts) for name in ("depthwise", "pointwise", "dense")}
    assert sum(macs.values()) == summary.total_multiply_adds
    # by hand, 32 x 32 positions ("same"): depthwise 1,024 x 9 x (3 + 8), pointwise 1,024 x (3 x 8 + 8 x 8), and the
    # dense layer 16 x 16 x 8 inputs x 10: 101,376 + 90,112 + 20,480 = 211,968 (47.8 %, 42.5 %, 9.7 %)
    assert macs == {"depthwise": 101_376, "pointwise": 90_112, "dense": 20_480}
    shares = {name: value / summary.total_multiply_adds for name, value in macs.items()}
    assert max(shares.values()) < 0.5 and round(shares["depthwise"], 2) == 0.48
    text = network_pointwise_share(sum(p.params.get("pointwise", 0) for p in parts), macs["pointwise"],
                                   macs["depthwise"], summary.total_params, summary.total_multiply_adds, 3)
    assert "most of the work" not in text.replace("No part does most of the work", "")
    assert "No part does most of the work: the depthwise steps do 47.8%, the pointwise parts 42.5%, the other layers " \
        "9.7%." in text  # read together, they add up to 100 % (48 %, 43 % and 9.7 % did not)
    assert "and do 42.5% of the multiply-adds" in text  # the same share, the same digits, in the same paragraph


def test_kernel_term_note_names_the_larger_term():
    from dsconv.costs.lab_text import kernel_term_note

    assert "with N = 64 > k² = 9, the 1/k² term is the larger one" in kernel_term_note(3, 64, 1)
    assert "never gets below 1/9 of the standard cost" in kernel_term_note(3, 64, 1)
    assert "with N = 64 < k² = 121, the 1/N term is the larger one" in kernel_term_note(11, 64, 1)
    assert "the two terms are equal" in kernel_term_note(3, 9, 1)
    assert "1/9 x m = 4/9" in kernel_term_note(3, 64, 4)
    assert "nothing to separate" in kernel_term_note(1, 64, 1)
    # "a 11 x 11 separable layer", "a 8 x 8"
    assert "However wide the layer, an 11 x 11 separable layer never" in kernel_term_note(11, 64, 1)
    assert "However wide the layer, an 8 x 8 separable layer never" in kernel_term_note(8, 64, 1)
    assert "However wide the layer, a 3 x 3 separable layer never" in kernel_term_note(3, 64, 1)


def test_the_tutorials_savings_are_computed():
    from dsconv.costs.lab_text import tutorial_saving

    # 1,792 / 286 = 6.27; 1,792 / 283 = 6.33; multiply-adds 1,555,200 / 197,100 = 7.89
    # (two decimals: "6.3x ... 6.3x against Keras's" pointed at a difference that one decimal hides)
    assert tutorial_saving() == ("For the tutorial's 3 → 64 layer the parameter saving is 1,792 / 286 = 6.27x "
                                 "(1,792 / 283 = 6.33x against Keras's SeparableConv2D), not \"less than 6 times\"; "
                                 "its multiply-add saving is 7.89x.")


def test_the_reading_note_gives_this_layers_counts():
    # Tutorial layer: SeparableConv2D 3*9 + 3*64 + 64 = 283; the tutorial's pair adds its depthwise step's 3 biases.
    note = reading_note(every_kind(**TUTORIAL), 3, 1)
    assert "one k x k kernel over each input channel" in note and "1 x 1 x C:" in note
    assert note.endswith("so here it has 286 parameters to SeparableConv2D's 283: 3 more, the biases of its depthwise "
                         "step.")
    # m = 2: 3*2*9 + 6*64 + 64 = 502 and 6 depthwise biases more, 508 (the table under which it once said 286 and 283).
    note = reading_note(every_kind(**dict(TUTORIAL, depth_multiplier=2)), 3, 2)
    assert "2 k x k kernels over each input channel" in note and "1 x 1 x C·m = 6:" in note
    assert "here it has 508 parameters to SeparableConv2D's 502: 6 more, the biases" in note and "286" not in note
    # No bias: 3*9 + 3*64 = 219 for both, and no "one bias vector at the end" said of this layer (it was)
    note = reading_note(every_kind(**dict(TUTORIAL, use_bias=False)), 3, 1, use_bias=False)
    assert note.endswith("With biases, SeparableConv2D adds one bias vector at the end and the tutorial's layer one "
                         "after each step; without them, as here, both have 219 parameters.")
    assert "together with one bias vector" not in note
    # A layer the kinds refuse: no numbers.
    note = reading_note(every_kind(**dict(TUTORIAL, height=2, width=2)), 3, 1)
    assert note.endswith("keeps a bias in both steps.")
    note = reading_note(every_kind(**dict(TUTORIAL, height=2, width=2, use_bias=False)), 3, 1, use_bias=False)
    assert note.endswith("without them, as here, both have the same count.")


def test_a_share_beside_one_half_never_reads_one_half():
    """k = 11 and N = 120: the depthwise step does 121 / 241 = 50.2 % and the sentence said "does **50%**" while
    naming it the costlier step; k = 1 said "once the k x k work is depthwise" where there is none."""
    assert "the depthwise step does **50.2%**" in pointwise_share(every_kind(**dict(TUTORIAL, kernel_size=11,
                                                                                    out_channels=120)))
    assert "the pointwise step does **50.2%**" in pointwise_share(every_kind(**dict(TUTORIAL, kernel_size=11,
                                                                                    out_channels=122)))
    flat = pointwise_share(every_kind(**dict(TUTORIAL, kernel_size=1, out_channels=4096)))
    assert "k x k work" not in flat and "with k = 1 there is no looking around to split off" in flat
    assert "**over 99.9%**" in flat  # 4096 of 4097 per position


def test_one_bias_is_one_bias():
    """C = 1: the tutorial's pair has one more parameter than SeparableConv2D, and the note said "the 1 biases"."""
    note = reading_note(every_kind(**dict(TUTORIAL, in_channels=1, out_channels=1)), 1, 1)
    assert "here it has 12 parameters to SeparableConv2D's 11: 1 more, the bias of its depthwise step." in note


def test_a_mobilenet_blocks_batchnorm_is_not_counted_in_its_pointwise_part():
    """MobileNet blocks (no biases, a BatchNorm after each step): the 1 x 1 part held its BatchNorm's 4 numbers a
    channel, so a tiny network's 1 x 1 weights, 25.9 % of its parameters, were said to be 32 %. Counted by hand from
    the layers Keras builds (dsconv.costs.network's own model): the 1 x 1 weights alone."""
    from dsconv.costs.network import NetworkConfig, network_summary
    from dsconv.figures.cost import network_parts

    config = NetworkConfig(conv_kind="mobilenet", blocks=5, filters=8, width_multiplier=0.25, kernel_size=7)
    parts = network_parts(network_summary(config))
    pointwise = sum(p.params.get("pointwise", 0) for p in parts)
    assert pointwise == 6 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024  # the ten 1 x 1 kernels, C x N each
    assert all(p.params.get("batchnorm", 0) % 4 == 0 for p in parts)  # gamma, beta, mean and variance per channel
    assert sum(sum(p.params.values()) for p in parts) == network_summary(config).total_params
    # In the chart, BatchNorm has its parameters' bars and no multiply-adds' bars to hover over ("batchnorm: 0.0%")
    from dsconv.figures.cost import network_share_figure

    drawn = [(trace.name, trace.xaxis) for trace in network_share_figure(parts).data]
    assert ("batchnorm", "x") in drawn and ("batchnorm", "x2") not in drawn and ("pointwise", "x2") in drawn


def test_a_networks_share_beside_one_half_never_reads_one_half():
    """Four separable blocks of 16 filters, k = 6: the 1 x 1 parts do 50.2 % of the work, and the sentence read
    "do 50% of the multiply-adds. Once the 6 x 6 work is depthwise, mixing the channels is what costs"."""
    from dsconv.costs.lab_text import network_pointwise_share
    from dsconv.costs.network import NetworkConfig, network_summary
    from dsconv.figures.cost import network_parts

    # By hand, 32 x 32 x 3 in, "same" padding, two convolutions a block, 2 x 2 pooling after each block:
    # 1 x 1 parts (H W C N): 1024*3*16 + 1024*16*16 + 256*16*32 + 256*32*32 + 64*32*64 + 64*64*64 + 16*64*128
    # + 16*128*128; depthwise parts (H W 36 C): 1024*36*(3 + 16) + 256*36*(16 + 32) + 64*36*(32 + 64)
    # + 16*36*(64 + 128); the dense layer 2*2*128*10.
    pointwise = 1024 * 3 * 16 + 1024 * 16 * 16 + 256 * 16 * 32 + 256 * 32 * 32 + 64 * 32 * 64 + 64 * 64 * 64 \
        + 16 * 64 * 128 + 16 * 128 * 128
    depthwise = 36 * (1024 * 19 + 256 * 48 + 64 * 96 + 16 * 192)
    total = pointwise + depthwise + 2 * 2 * 128 * 10
    summary = network_summary(NetworkConfig(conv_kind="separable", blocks=4, filters=16, kernel_size=6))
    assert summary.total_multiply_adds == total and 0.5 < pointwise / total < 0.505
    parts = network_parts(summary)
    text = network_pointwise_share(sum(p.params.get("pointwise", 0) for p in parts), pointwise, depthwise,
                                   summary.total_params, total, 6)
    assert "do 50.2% of the multiply-adds.**" in text and "mixing the channels is what costs" in text


def test_the_counting_rule_says_how_many_padding_zeros_it_counts():
    """Multiply-adds count padding zeros: an 11 x 11 kernel on a 1 x 1 input with padding "same" does 121 for its
    one pixel, 120 of them on zeros. The lab's sentence says so, with the rows and columns of zeros; with no zeros
    (padding "valid", or a 1 x 1 kernel at stride 1) it does not speak of them."""
    from dsconv.costs.lab_text import counting_rule

    rule = "one multiply-add per weight per output position"
    assert counting_rule(1, 1, 11, 1, 1, "same") == (
        rule + ', the zeros that padding "same" adds around the input included (10 rows and 10 columns of them here)')
    assert counting_rule(32, 31, 3, 2, 1, "same").endswith("(1 row and 2 columns of them here)")  # TF's rule
    assert counting_rule(32, 32, 3, 1, 1, "valid") == rule
    assert counting_rule(32, 32, 1, 1, 1, "same") == rule
    assert counting_rule(32, 32, 1, 2, 1, "same") == rule  # 16 outputs at stride 2 read 31 rows: no zero


def test_one_multiply_add_is_said_in_the_singular():
    """A 1 x 1 x 1 input and N = 1: the pointwise row does 1 x 1 x 1 x 1 = 1 multiply-add, said "(1 multiply-adds)"."""
    costs = every_kind(height=1, width=1, in_channels=1, out_channels=1, kernel_size=11, padding="same")
    note = pointwise_row_note(costs, (1, 1, 1))
    assert "1x1 layer on the raw 1 x 1 x 1 input (1 multiply-add)." in note, note
    assert "(2 FLOPs)." in pointwise_row_note(costs, (1, 1, 1), flops=True)


def test_one_position_and_one_channel_are_singular_in_the_pointwise_note():
    """A 2 x 2 x 1 input, N = 1, k = 2, depth multiplier 4: the note read "its 1 positions x 4 channels come to what
    this row's 4 positions x 1 channels do"."""
    costs = every_kind(height=2, width=2, in_channels=1, out_channels=1, kernel_size=2, depth_multiplier=4)
    note = pointwise_row_note(costs, (2, 2, 1))
    assert "its 1 position x 4 channels come to what this row's 4 positions x 1 channel do" in note, note


def test_the_floor_under_a_separable_layer_is_written_reduced():
    """With m = 8 and k = 2 the note said "never gets below 1/4 x m = 8/4 of the standard cost": twice the standard
    cost, written so that a student reads a share of it. And "the 1/N term is still the larger one": still, after
    nothing."""
    from fractions import Fraction

    from dsconv.costs.lab_text import kernel_term_note

    note = kernel_term_note(2, 2, 8)
    assert "never gets below 1/4 x m = 2 times the standard cost." in note and "8/4" not in note, note
    assert "still" not in note
    assert "never gets below 1/4 x m = 1/2 of the standard cost." in kernel_term_note(2, 64, 2)
    assert "never gets below 1/9 x m = 1/3 of the standard cost." in kernel_term_note(3, 64, 3)
    assert "never gets below 1/4 x m = 1.5 times the standard cost." in kernel_term_note(2, 64, 6)
    assert "never gets below 1/4 x m = 1 times" not in kernel_term_note(2, 64, 4)
    assert "never gets below 1/4 x m = 4/4" not in kernel_term_note(2, 64, 4)
    assert "never gets below 1/4 x m = the standard cost itself." in kernel_term_note(2, 64, 4)
    for k in range(2, 12):  # every floor the lab can say, read back as a number: m / k²
        for m in range(1, 9):
            said = kernel_term_note(k, 64, m).split("never gets below ")[1].removesuffix(".")
            value = said.split(" = ")[-1] if m > 1 else said
            if value == "the standard cost itself":
                read = Fraction(1)
            elif value.endswith(" times the standard cost"):
                read = Fraction(value.removesuffix(" times the standard cost"))
            else:
                read = Fraction(value.removesuffix(" of the standard cost"))
                assert read.denominator > 1 and read < 1 and f"{read}" == value.split(" ")[0], (k, m, said)
            assert read == Fraction(m, k * k), (k, m, said)
