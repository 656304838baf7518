"""dsconv.speed.text: the Speed lab's comparisons are worded by their numbers (fewer or more, faster or slower)."""

from __future__ import annotations

import pytest

from dsconv.costs.intensity import compare_traffic
from dsconv.speed.setup import LayerSetup
from dsconv.speed.text import speedup_sentence, times, traffic_paragraph, work_time_title
from dsconv.speed.timings import Timing

DEFAULT = LayerSetup()  # 8 x 32 x 32 x 64 -> 64, k = 3: SeparableConv2D does 301.99 / 38.27 = 7.89x fewer
ONE_BY_ONE = LayerSetup(kernel_size=1)  # k = 1: SeparableConv2D adds a depthwise step to a 1x1 Conv2D


def timed(setup, ms):
    return [Timing(kind, "forward", setup, (value,) * 3) for kind, value in ms.items()]


def test_a_ratio_near_one_gets_the_digits_that_keep_it_apart_from_one():
    from dsconv.figures.speed import ratio_label

    assert times(1.002, "faster", "slower") == "1.002x faster" and ratio_label(0.998) == "0.998x"
    assert ratio_label(1.0) == "1.0x" and ratio_label(0.98) == "0.98x" and ratio_label(7.89) == "7.9x"


def test_ratios_read_as_words_both_ways():
    assert times(2.04, "faster", "slower") == "2.0x faster"
    assert times(0.5, "faster", "slower") == "2.0x slower"
    assert times(1.0, "fewer", "more") == "1.0x fewer"
    assert times(1 / 1.02, "fewer", "more") == "1.02x more"
    # an exact ratio of two decimals keeps them: 2,621,440 / 2,097,152 is 1.25, and "1.2x" (rounded half to even)
    # stood below a caption's "1.25x"
    assert times(2_621_440 / 2_097_152, "fewer", "more") == "1.25x fewer"
    assert times(2_097_152 / 2_621_440, "fewer", "more") == "1.25x more"
    assert times(1.26, "fewer", "more") == "1.3x fewer" and times(7.89, "fewer", "more") == "7.9x fewer"
    # a ratio that is no number still reads as one, as before the halfway rule (it raised OverflowError)
    assert times(float("inf"), "faster", "slower") == "infx faster"


def test_the_chart_title_states_what_was_measured():
    assert work_time_title(timed(DEFAULT, {"standard": 2.6, "separable": 1.3})) == (
        "SeparableConv2D against Conv2D, forward: 7.9x fewer multiply-adds, 2.0x faster")
    # k = 1: 64 x 64 weights per position against 64 + 64 x 64: 1.02x more work; and slower here.
    assert work_time_title(timed(ONE_BY_ONE, {"standard": 1.0, "separable": 1.25})) == (
        "SeparableConv2D against Conv2D, forward: 1.02x more multiply-adds, 1.25x slower")  # 1.25 / 1.0 exactly
    assert work_time_title(timed(DEFAULT, {"standard": 2.6})) == "Work and time of each layer kind"


def test_the_speedup_sentence_says_slower_and_more_when_it_is():
    sentence = speedup_sentence(timed(ONE_BY_ONE, {"standard": 1.0, "separable": 1.25}), "a test CPU")
    assert "ran **1.25x slower** than Conv2D forward for **1.02x more multiply-adds**" in sentence
    assert "faster" not in sentence and "fewer" not in sentence
    sentence = speedup_sentence(timed(DEFAULT, {"standard": 2.6, "separable": 1.3}), "a test CPU")
    assert "ran **2.0x faster** than Conv2D forward for **7.9x fewer multiply-adds**" in sentence
    assert speedup_sentence(timed(DEFAULT, {"separable": 1.3}), "x") is None
    # with both passes timed: 2.6 / 1.3 = 2.0x forward, 6.0 / 4.0 = 1.5x forward + backward, said in brackets
    both = timed(DEFAULT, {"standard": 2.6, "separable": 1.3}) + [
        Timing(kind, "forward_backward", DEFAULT, (ms,) * 3) for kind, ms in (("standard", 6.0), ("separable", 4.0))]
    assert ("ran **2.0x faster** than Conv2D forward (1.5x faster forward + backward) for **7.9x fewer "
            "multiply-adds**") in speedup_sentence(both, "a test CPU")
    slower_back = both[:2] + [Timing(kind, "forward_backward", DEFAULT, (ms,) * 3)
                              for kind, ms in (("standard", 4.0), ("separable", 6.0))]
    assert "forward (1.5x slower forward + backward)" in speedup_sentence(slower_back, "a test CPU")


SMALL = LayerSetup(height=8, width=8, in_channels=8, out_channels=8, batch=1)  # "same": 8 x 8 positions


def test_a_small_layers_speeds_keep_two_significant_digits():
    """A small layer's Measure said "it computed at 0 GFLOP/s where Conv2D reached 0". Counted by hand: Conv2D does
    64 positions x 9 x 8 x 8 = 36,864 multiply-adds, 73,728 FLOPs in 0.524 ms: 0.14 GFLOP/s; SeparableConv2D
    64 x (9 x 8 + 8 x 8) = 8,704, 17,408 FLOPs in 0.5 ms: 0.035 GFLOP/s."""
    from dsconv.safe_text import rate

    sentence = speedup_sentence(timed(SMALL, {"standard": 0.524, "separable": 0.5}), "a test CPU")
    assert "it computed at 0.035 GFLOP/s where Conv2D reached 0.14." in sentence, sentence
    assert [rate(value) for value in (213.4, 21.7, 5.31, 0.1407, 0.0348, 0.0)] == ["213", "22", "5.3", "0.14",
                                                                                   "0.035", "0"]
    assert rate(0.1407, 1) == "0.14" and rate(29.94, 1) == "29.9" and rate(2.5, 1) == "2.5"
    # and the timing table, whose columns showed 0.0: as many decimals as the slowest needs (0.035 and 0.14)
    from dsconv.figures.speed import timing_table

    rows = timing_table(timed(SMALL, {"standard": 0.524, "separable": 0.5}), "forward")
    assert [(row["GFLOP/s"], row["GFLOP/s"].places) for row in rows] == [(0.141, 3), (0.035, 3)]


def test_medians_within_their_samples_spread_are_about_as_fast():
    """A noisy Measure said SeparableConv2D "ran 1.02x faster" under a warning that both medians were noisy. Medians
    0.55 and 0.54 ms (1.0185: "1.02x"); the middle halves, 0.52-0.60 and 0.51-0.58 ms, overlap."""
    timings = [Timing("standard", "forward", DEFAULT, (0.50, 0.52, 0.55, 0.60, 0.70)),
               Timing("separable", "forward", DEFAULT, (0.48, 0.51, 0.54, 0.58, 0.66))]
    sentence = speedup_sentence(timings, "a test CPU")
    assert "ran **about as fast as** Conv2D forward for **7.9x fewer multiply-adds**: their medians are 1.02x " \
           "apart, and the middle halves of their samples overlap. It computed at" in sentence, sentence
    assert "faster" not in sentence and "slower" not in sentence
    assert work_time_title(timings) == "SeparableConv2D against Conv2D, forward: 7.9x fewer multiply-adds, about as fast"
    # the same medians with tight samples are apart: then the ratio is a finding
    tight = [Timing("standard", "forward", DEFAULT, (0.55,) * 3), Timing("separable", "forward", DEFAULT, (0.54,) * 3)]
    assert "ran **1.02x faster** than Conv2D forward" in speedup_sentence(tight, "a test CPU")


def test_the_traffic_paragraph_follows_the_layer():
    default = traffic_paragraph(compare_traffic(("standard", "separable"), **vars(DEFAULT)), 3)
    assert "does only **2.2**" in default and "each output value needs 9 multiply-adds" in default
    assert "7.9x fewer multiply-adds and moves 1.9x more bytes than Conv2D: less arithmetic, more memory" in default
    # 8 x 8 x 256 -> 256: the 256 x 256 x 9 weights dominate the bytes, and the separable layer moves fewer.
    wide = traffic_paragraph(compare_traffic(("standard", "separable"), **vars(LayerSetup(
        height=8, width=8, in_channels=256, out_channels=256))), 3)
    assert "fewer multiply-adds and moves 1.4x fewer bytes than Conv2D: it saves on both" in wide
    single = traffic_paragraph(compare_traffic(("standard", "separable"), **vars(LayerSetup(
        in_channels=1, out_channels=1, kernel_size=1))), 1)
    assert "needs 1 multiply-add," in single and "only" not in single
    # 1 -> 1 channel, k = 1, batch 8 of 32 x 32: Conv2D 8,192 multiply-adds, the two steps 8,192 each; Conv2D moves
    # 32,768 + 8 + 32,768 bytes, the steps 32,768 + 4 + 32,768 and 32,768 + 8 + 32,768: 131,084 / 65,544 = 2.0x.
    # It saves on neither, and says nothing of saving.
    assert ("SeparableConv2D does 2.0x more multiply-adds and moves 2.0x more bytes than Conv2D (each tensor through "
            "memory once; caches or a fused kernel can move fewer).") in single
    # 8 x 32 x 32 x 64 floats are 2.10 MB a tensor: "writes a whole output tensor (4.19 MB)" gave both as one's size;
    # the total is what the sizes shown add up to (2,097,152 bytes twice are 4.19 MB, but 2.10 + 2.10 = 4.20)
    assert "reads a whole input tensor and writes a whole output tensor (2.10 MB each, 4.20 MB together)" in default
    huge = traffic_paragraph(compare_traffic(("standard", "separable"), **vars(LayerSetup(
        batch=64, height=224, width=224, in_channels=512, out_channels=512))), 3)
    assert "(6.58 GB each, 13.16 GB together)" in huge  # 64 x 224 x 224 x 512 x 4 bytes: 6,576,668,672 each
    assert "**1,151.2 FLOPs per byte**" in huge  # with its separator


def test_the_ridge_paragraph_says_below_or_above_from_the_numbers():
    from dsconv.speed.roofline import Roofs
    from dsconv.speed.text import ridge_paragraph

    stages = compare_traffic(("separable",), **vars(DEFAULT))["separable"].stages  # 2.2 and 15.9 FLOPs per byte
    cpu = Roofs(peak_gflops=213.0, bandwidth_gbs=29.9, call_ms=0.32, call_backward_ms=0.35)  # ridge 7.1
    text = ridge_paragraph(stages, cpu, "AMD EPYC")
    assert "7.1 FLOPs per byte on the AMD EPYC" in text and "The depthwise step's 2.2 lies **below** it" in text
    assert "the 1x1 step's 15.9 lies **above** it: it could keep the arithmetic units busy" in text
    assert "(here 0.32 ms forward, " in text
    # The roofline section counts that fixed cost once per timed call, a two-step layer's call too; the paragraph
    # must not claim a multiple of it that the page's own classification does not use.
    assert "twice" not in text and "once per call" in text
    narrow = Roofs(peak_gflops=20.0, bandwidth_gbs=29.9, call_ms=0.1, call_backward_ms=0.2)  # ridge 0.7
    assert ("The depthwise step's 2.2 and the 1x1 step's 15.9 both lie **above** it: either could keep the arithmetic "
            "units busy.") in ridge_paragraph(stages, narrow, "x")
    wide = Roofs(peak_gflops=1000.0, bandwidth_gbs=29.9, call_ms=0.1, call_backward_ms=0.2)  # ridge 33.4
    assert "2.2 and the 1x1 step's 15.9 both lie **below** it: at best they run" in ridge_paragraph(stages, wide, "x")


def test_a_step_just_above_the_ridge_is_never_said_to_lie_above_an_equal_number():
    """8 x 8 x 19 -> 1024 channels, k = 1, batch 1, on the recorded CPU's roofs: the 1x1 step does 7.137 FLOPs per
    byte against a ridge of 7.124, and the page said "ridge point ... 7.1 ... the 1x1 step's 7.1 lies above it".
    Both take the digits that tell them apart."""
    from dsconv.speed.roofline import Roofs
    from dsconv.speed.text import ridge_paragraph

    setup = LayerSetup(batch=1, height=8, width=8, in_channels=19, out_channels=1024, kernel_size=1)
    stages = compare_traffic(("separable",), **vars(setup))["separable"].stages
    # By hand: 2 x 64·19·1024 FLOPs = 2,490,368 over 4 x (64·19 + 19·1024 + 1024 + 64·1024) bytes = 348,928: 7.1372
    assert stages[1].flops_per_byte == 2 * 64 * 19 * 1024 / (4 * (64 * 19 + 19 * 1024 + 1024 + 64 * 1024))
    roofs = Roofs(peak_gflops=213.0, bandwidth_gbs=29.9, call_ms=0.32, call_backward_ms=0.35)  # ridge 7.1237
    text = ridge_paragraph(stages, roofs, "AMD EPYC")
    assert "7.12 FLOPs per byte on the AMD EPYC" in text and "the 1x1 step's 7.14 lies **above** it" in text
    plain = ridge_paragraph(stages, Roofs(peak_gflops=300.0, bandwidth_gbs=29.9, call_ms=0.3, call_backward_ms=0.3),
                            "x")  # ridge 10.0: one decimal tells them apart
    assert "10.0 FLOPs per byte on the x" in plain and "step's 0.2 and the 1x1 step's 7.1 both lie **below**" in plain


def test_the_ridge_paragraph_names_a_memory_bound_1x1_step_beside_a_busy_depthwise_step():
    """An 11 x 11 kernel into 4 output channels: the depthwise step's 30.0 FLOPs per byte is above the ridge, and the
    paragraph said only that "even this step could keep the arithmetic units busy", while the 1x1 step, at 1.9, is
    the one that can be memory-bound. (The traffic paragraph's "only 30.0 ... yet reads whole tensors" is right
    there: Conv2D's 215.8 is far above it; a depthwise step above Conv2D's intensity no longer reads "only".)"""
    from dsconv.speed.roofline import Roofs
    from dsconv.speed.text import ridge_paragraph

    setup = LayerSetup(kernel_size=11, out_channels=4)
    traffic = compare_traffic(("standard", "separable"), **vars(setup))
    depthwise, pointwise = traffic["separable"].stages
    assert depthwise.flops_per_byte > 7.1 > pointwise.flops_per_byte  # the case (30.0 and 1.9)
    cpu = Roofs(peak_gflops=213.0, bandwidth_gbs=29.9, call_ms=0.32, call_backward_ms=0.35)
    text = ridge_paragraph(traffic["separable"].stages, cpu, "AMD EPYC")
    # By hand, batch 8 of 32 x 32 x 64, "same": the depthwise step does 2 x 8·32·32·64·121 = 126,877,696 FLOPs and
    # moves 4 x (8·32·32·64 + 121·64 + 8·32·32·64) = 4,225,280 bytes: 30.03; the 1x1 step 2 x 8·32·32·64·4 =
    # 4,194,304 FLOPs over 4 x (8·32·32·64 + 64·4 + 4 + 8·32·32·4) = 2,229,264 bytes: 1.88
    assert ("The depthwise step's 30.0 lies **above** it: it could keep the arithmetic units busy; the 1x1 step's "
            "1.9 lies **below** it: at best it runs at intensity x bandwidth, so it can be memory-bound but never "
            "compute-bound.") in text
    # "only ... yet" is Conv2D's contrast: here Conv2D's 215.8 FLOPs per byte is far above the depthwise step's 30.0
    assert "does only **30.0**: each output value needs 121 multiply-adds, yet" in traffic_paragraph(traffic, 11)
    # A depthwise step above Conv2D's intensity (a one-channel output: Conv2D reads the input for a single sum)
    # gets no "only ... yet".
    flat = compare_traffic(("standard", "separable"), **vars(LayerSetup(kernel_size=11, out_channels=1, batch=1,
                                                                        in_channels=1)))
    assert flat["separable"].stages[0].flops_per_byte > flat["standard"].flops_per_byte  # 28.56 against 28.55
    said = traffic_paragraph(flat, 11)
    assert "only" not in said and "yet" not in said and "from the input tensor it reads" in said


def test_speeds_that_read_the_same_get_the_digits_that_tell_them_apart():
    """A small layer's Measure said "it computed at 0.0026 GFLOP/s where Conv2D reached 0.0026". Counted by hand:
    Conv2D 73,728 FLOPs in 14 ms is 0.0052663 GFLOP/s; SeparableConv2D 17,408 in 3.31 ms is 0.0052592."""
    sentence = speedup_sentence(timed(SMALL, {"standard": 14.0, "separable": 3.31}), "a test CPU")
    assert "it computed at 0.00526 GFLOP/s where Conv2D reached 0.00527." in sentence, sentence
    # exactly the same speed says so, in words
    sentence = speedup_sentence(timed(SMALL, {"standard": 14.0, "separable": 14.0 * 8_704 / 36_864}), "a test CPU")
    assert "it computed at 0.0053 GFLOP/s, as Conv2D did." in sentence, sentence


def test_speeds_are_told_apart_in_significant_digits_however_small():
    """Six decimals were the most: 1e-7 and 1.01e-7 GFLOP/s both read "0.000000", said to be "as Conv2D did"."""
    from dsconv.speed.text import rates_apart

    assert rates_apart(1e-7, 1.01e-7) == ("0.000000100", "0.000000101")
    assert rates_apart(213.44, 213.41) == ("213.44", "213.41") and rates_apart(5.3, 5.3) == ("5.3", "5.3")


def test_the_x_faster_column_and_the_sentence_under_it_never_disagree():
    """Conv2D at 1.000 ms, SeparableConv2D at 1.004 ms with tight samples: the table's "x faster" read 1.00 while the
    sentence under it said "ran 1.004x slower" (the "x fewer multiply-adds" column already kept off 1.00). And a
    ratio of 1.2496 read 1.25 in the table but "1.2x faster" in the sentence."""
    from dsconv.figures.speed import timing_table

    close = timed(DEFAULT, {"standard": 1.0, "separable": 1.004})
    cell = timing_table(close, "forward")[1]["x faster"]
    assert f"{cell:.{cell.places}f}" == "0.996"  # 1.000 / 1.004 = 0.99602
    assert "ran **1.004x slower** than Conv2D" in speedup_sentence(close, "a test CPU")
    assert times(1.2496, "faster", "slower") == "1.25x faster"  # as the table's two decimals show it
    assert times(1.2449, "faster", "slower") == "1.2x faster"  # its table's 1.24 agrees
    assert times(1.25, "faster", "slower") == "1.25x faster" and times(2.04, "faster", "slower") == "2.0x faster"


def test_the_tutorial_tables_x_faster_keeps_off_one():
    from dsconv.figures.speed import tutorial_table

    timings = [Timing(kind, "forward_backward", DEFAULT, (ms,) * 3)
               for kind, ms in (("standard", 2.0), ("separable", 2.006))]
    rows, summary = tutorial_table(timings, ["block1_conv1"])
    cell = rows[0]["x faster"]
    assert f"{cell:.{cell.places}f}" == "0.997"  # 2.000 / 2.006 = 0.99701
    assert summary.startswith("Summed over the one layer (forward + backward, batch 8): Conv2D 2.00 ms, "
                              "SeparableConv2D 2.01 ms: 1.003x slower for")  # it said "2 ms ... 2 ms: slower"
    rows, summary = tutorial_table(timings[:1], ["block1_conv1"])
    assert summary == "Some layers were not measured, so there is no total." and "x faster" not in rows[0]


def test_a_device_is_named_in_a_sentence_as_a_device():
    """"AMD EPYC, 2 cores reaches 213 GFLOP/s" and "does not reach all that AMD EPYC, 2 cores can do" read as lists."""
    from dsconv.devices import device_name

    assert device_name("AMD EPYC, 2 cores") == "the AMD EPYC with 2 cores"  # "(2 cores)" nested in brackets
    assert device_name("Intel(R) Xeon(R) Processor, 2 cores") == "the Intel Xeon Processor with 2 cores"
    assert device_name("NVIDIA H200") == "the NVIDIA H200"
    assert device_name("2 x NVIDIA A100") == "2 x NVIDIA A100" and device_name("the recorded CPU") == "the recorded CPU"
    assert device_name("An NVIDIA A100") == "an NVIDIA A100" and device_name("A GPU") == "a GPU"  # mid-sentence


def test_a_ratio_that_is_not_one_never_prints_as_one_beside_its_word():
    """times() stopped at four decimals: 1.00001 read "1.0000x faster", the word the only sign of a difference."""
    assert times(1.00001, "faster", "slower") == "1.00001x faster"
    assert times(1 / 1.00001, "faster", "slower") == "1.00001x slower"
    assert times(1.0, "faster", "slower") == "1.0x faster"  # equal: no digits hunted for
    assert times(2.04, "faster", "slower") == "2.0x faster"


@pytest.mark.parametrize("cores, label", [({0}, "Test CPU, 1 core"), ({0, 1}, "Test CPU, 2 cores")])
def test_a_machine_of_one_core_is_named_in_the_singular(monkeypatch, cores, label):
    """A one-core machine read "AMD EPYC, 1 cores", and "the AMD EPYC with 1 cores" in the Speed lab's sentences."""
    from dsconv import devices

    monkeypatch.setattr(devices.os, "sched_getaffinity", lambda pid: cores, raising=False)
    monkeypatch.setattr(devices, "Path", lambda path: type("NoInfo", (), {"read_text": lambda *a, **k: ""})())
    monkeypatch.setattr(devices.platform, "processor", lambda: "Test CPU")
    assert devices.cpu_model() == label
    assert devices.device_name(devices.cpu_model()) == "the " + label.replace(", ", " with ")
