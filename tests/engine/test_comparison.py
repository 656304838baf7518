"""dsconv.training.comparison: the arena's sentences about overfitting, accuracy and time, one record per outcome.

Each record below is built so that one outcome holds; the expected figures are worked out by hand here.
"""

from __future__ import annotations

import pytest

from dsconv.training import comparison, replay
from dsconv.training.runs import run_from_dict
from rendered import literal
from run_records import arch, record_dict

# (loss, accuracy, val_loss, val_accuracy, seconds) per epoch. Standard: gap 0.10 at its best epoch 2, 0.20 at 3.
STANDARD = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, 0.60, 10.0), (0.6, 0.80, 1.2, 0.60, 10.0)]


def loaded(separable_epochs, *, standard_epochs=STANDARD, standard_test=0.58, separable_test=0.57,
           validation_on_test=False, recipe=None, seed=0, title="A run", macs=(80_000, 10_000), other="separable",
           params=(8000, 1000)):
    data = record_dict(
        [arch("standard", standard_epochs, test_accuracy=standard_test, params=params[0], macs=macs[0]),
         arch(other, separable_epochs, test_accuracy=separable_test, params=params[1], macs=macs[1])],
        validation_on_test=validation_on_test, recipe=recipe, seed=seed, title=title)
    # CIFAR-10's sizes: on the fixture's 100 validation images chance alone moves an accuracy by 5 points, and the
    # sentences allow for that (few_images_note); these tests are about the 2 points another seed may change
    data["data"].update(train_size=45_000, val_size=5000, test_size=10_000)
    record = run_from_dict(data)
    return replay.LoadedRun(title, title, "bundled", record)


def test_less_overfitting_is_said_with_both_gaps():
    # Separable: last-epoch gap 0.70 - 0.62 = 0.08 against 0.20: 12 points smaller; best epoch 3, gap 0.08.
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.58, 5.0), (1.0, 0.70, 1.1, 0.62, 5.0)])
    sentence = comparison.overfitting_sentence(comparison.compare(run))
    assert "**overfits less** than the standard model (its gap is 12.0 points smaller)" in sentence
    assert "training accuracy is 0.08 above its validation accuracy, the standard model's 0.20 above" in sentence
    assert "best validation epoch (3 and 2) the gaps were 0.08 and 0.10" in sentence


def test_about_the_same_overfitting_within_two_points():
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.50, 5.0), (1.0, 0.79, 1.1, 0.60, 5.0)])
    sentence = comparison.overfitting_sentence(comparison.compare(run))  # gap 0.19 against 0.20
    assert "overfits **about as much**" in sentence and "differ by 1.0 points" in sentence
    # One run per model cannot measure the noise (the seed note says so): it was "within a single run's noise".
    assert "differ by 1.0 points, at most 2: another seed may change that much)" in sentence
    assert "noise" not in sentence


def test_more_overfitting():
    run = loaded([(1.6, 0.50, 1.5, 0.44, 5.0), (1.2, 0.70, 1.2, 0.55, 5.0), (1.0, 0.90, 1.1, 0.59, 5.0)])
    sentence = comparison.overfitting_sentence(comparison.compare(run))  # gap 0.31 against 0.20
    assert "**overfits more** than the standard model (its gap is 11.0 points larger)" in sentence


# Standard at or under its validation accuracy at the last epoch: gap 0.60 - 0.62 = -0.02 at epoch 3.
UNDER = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.55, 1.1, 0.58, 10.0), (0.9, 0.60, 1.0, 0.62, 10.0)]


def test_two_models_under_their_validation_accuracy_overfit_neither():
    """A one-epoch launch said "the separable model's training accuracy is 0.05 below its validation accuracy, the
    standard model's 0.16 below: the separable model overfits more": neither overfits, whatever their gaps' order."""
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.50, 1.2, 0.52, 5.0), (1.0, 0.57, 1.1, 0.62, 5.0)],
                 standard_epochs=UNDER)  # separable gap 0.57 - 0.62 = -0.05 against -0.02
    sentence = comparison.overfitting_sentence(comparison.compare(run))
    assert "training accuracy is 0.05 below its validation accuracy, the standard model's 0.02 below" in sentence
    assert ": **neither model overfits**: each does at least as well on the validation images" in sentence
    assert "more" not in sentence and "less" not in sentence


def test_a_model_under_its_validation_accuracy_does_not_overfit_beside_one_that_does():
    does_not = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.50, 1.2, 0.52, 5.0), (1.0, 0.57, 1.1, 0.62, 5.0)])
    sentence = comparison.overfitting_sentence(comparison.compare(does_not))  # -0.05 against the standard's 0.20
    assert "0.05 below its validation accuracy, the standard model's 0.20 above" in sentence
    assert ": the separable model **does not overfit**, and the standard model does." in sentence
    does = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.55, 5.0), (1.0, 0.70, 1.1, 0.62, 5.0)],
                  standard_epochs=UNDER)  # 0.08 against -0.02
    sentence = comparison.overfitting_sentence(comparison.compare(does))
    assert "0.08 above its validation accuracy, the standard model's 0.02 below" in sentence
    assert ": the separable model **overfits**, and the standard model does not." in sentence


# Standard a little over its validation accuracy at the last epoch: gap 0.63 - 0.62 = 0.01 at epoch 3.
SLIGHTLY = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.55, 1.1, 0.58, 10.0), (0.9, 0.63, 1.0, 0.62, 10.0)]


def test_a_gap_of_a_point_or_two_is_not_called_overfitting():
    """A run cut to 3 epochs said "the separable model's training accuracy is 0.00 above its validation accuracy,
    the standard model's 0.01 below: the separable model overfits, and the standard model does not": a gap of 0.3
    points, under the page's own 2 points of seed noise, printed as 0.00."""
    sliver = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.50, 1.2, 0.52, 5.0), (1.0, 0.623, 1.1, 0.62, 5.0)],
                    standard_epochs=UNDER)  # 0.623 - 0.62 = 0.003 against -0.02
    sentence = comparison.overfitting_sentence(comparison.compare(sliver))
    assert "training accuracy is 0.003 above its validation accuracy, the standard model's 0.02 below" in sentence
    # "neither model clearly overfits (each gap is at most 2 points ...)": the standard model's is under its validation
    # accuracy, and said so, apart from the sliver over it
    assert ": the standard model **does not overfit**, and the separable model does not clearly overfit (its gap is " \
        "at most 2 points: another seed may change that much)." in sentence
    assert "**overfits**" not in sentence and "each gap" not in sentence
    far_under = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.50, 1.2, 0.52, 5.0), (1.0, 0.53, 1.1, 0.62, 5.0)],
                       standard_epochs=SLIGHTLY)  # 0.53 - 0.62 = -0.09 against 0.01
    sentence = comparison.overfitting_sentence(comparison.compare(far_under))
    assert "0.09 below its validation accuracy, the standard model's 0.01 above" in sentence
    assert ": the separable model **does not overfit**, and the standard model does not clearly overfit (its gap is " \
        "at most 2 points" in sentence
    both = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.50, 1.2, 0.52, 5.0), (1.0, 0.635, 1.1, 0.62, 5.0)],
                  standard_epochs=SLIGHTLY)  # 0.015 against 0.01: both a little over
    assert ": **neither model clearly overfits** (each gap is at most 2 points: another seed may change that much)." \
        in comparison.overfitting_sentence(comparison.compare(both))
    small = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.50, 1.2, 0.52, 5.0), (1.0, 0.635, 1.1, 0.62, 5.0)])
    sentence = comparison.overfitting_sentence(comparison.compare(small))  # 0.015 against the standard's 0.20
    # 0.015 read "0.02": the gap's third decimal keeps it off the 2 points the sentence measures it against
    assert "0.015 above its validation accuracy, the standard model's 0.20 above" in sentence
    assert ": the separable model **does not clearly overfit** (its gap is at most 2 points: another seed may " \
        "change that much), and the standard model does." in sentence
    clear = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.55, 5.0), (1.0, 0.70, 1.1, 0.62, 5.0)],
                   standard_epochs=SLIGHTLY)  # 0.08 against 0.01
    sentence = comparison.overfitting_sentence(comparison.compare(clear))
    assert "0.08 above its validation accuracy, the standard model's 0.01 above" in sentence
    assert ": the separable model **overfits**, and the standard model does not clearly (its gap is at most 2 " \
        "points: another seed may change that much)." in sentence


def test_lower_accuracy_names_best_validation_and_test_and_says_why_is_not_known():
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.55, 1.2, 0.52, 5.0), (1.0, 0.60, 1.1, 0.55, 5.0)],
                 separable_test=0.50, recipe={"depthwise_init": "per_channel", "input_scaling": "unit"})
    c = comparison.compare(run)
    sentence = comparison.accuracy_sentence(c)
    assert "Accuracy: best validation accuracy: 0.550 for the separable model against 0.600" in sentence
    assert "5.0 points **lower**" in sentence
    assert "Test accuracy, measured once after the last epoch: 0.500 against 0.580, 8.0 points lower" in sentence
    behind = literal(comparison.behind_sentence(c))
    assert "is **not known**" in behind and "8.0x fewer parameters" in behind
    assert "it starts from a per-channel depthwise initializer (glorot over each kernel's own k x k)" in behind
    assert "input scaling (pixels scaled to 0-1) and learning rate" not in behind  # no learning rate in this recipe
    assert "its input scaling (pixels scaled to 0-1) is the standard model's" in behind  # one item: "is"
    assert "Telling them apart takes runs" in behind


BEHIND = [(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.55, 1.2, 0.52, 5.0), (1.0, 0.60, 1.1, 0.55, 5.0)]


@pytest.mark.parametrize("params", [(1000, 8000), (1000, 1000), (1000, 1040)])
def test_fewer_parameters_is_a_candidate_only_where_the_model_has_fewer(params):
    """A record whose separable model had 8x more parameters read "it has 0.1x fewer parameters (less capacity)", and
    one with as many "1.0x fewer": the record's own numbers said otherwise."""
    behind = literal(comparison.behind_sentence(comparison.compare(loaded(BEHIND, params=params))))
    assert "fewer parameters" not in behind and "capacity" not in behind, behind
    assert "is **not known**" in behind and "it has as many parameters" not in behind
    with_recipe = loaded(BEHIND, params=params, recipe={"depthwise_init": "per_channel"})
    assert "Candidates: it starts from a per-channel" in literal(comparison.behind_sentence(comparison.compare(
        with_recipe)))


def test_a_model_behind_with_nothing_else_different_says_so():
    behind = literal(comparison.behind_sentence(comparison.compare(loaded(BEHIND, params=(1000, 1000)))))
    assert behind == ("Why the separable model is behind here is **not known**: in this record only its layers "
                      "differ from the standard model's. Telling chance from the layers' effect takes several runs "
                      "of each, with different seeds."), behind


def test_about_the_same_and_higher_accuracy_give_no_why():
    same = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.59, 5.0)])
    c = comparison.compare(same)
    assert "**about the same** (within 2 points)" in comparison.accuracy_sentence(c)
    assert comparison.behind_sentence(c) is None
    higher = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.66, 1.2, 0.65, 5.0)]))
    assert "5.0 points **higher**" in comparison.accuracy_sentence(higher)
    assert comparison.behind_sentence(higher) is None
    # Both models trained all three epochs: their test accuracies are compared too (0.570 against 0.580: 1 point)
    three = [(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.59, 5.0), (1.0, 0.62, 1.1, 0.59, 5.0)]
    assert ("0.590 for the separable model against 0.600 for the standard model, **about the same** (within 2 "
            "points). Test accuracy, measured once after the last epoch: 0.570 against 0.580, about the same."
            ) in comparison.accuracy_sentence(comparison.compare(loaded(three)))
    assert "0.650 against 0.580, 7.0 points higher." in comparison.accuracy_sentence(
        comparison.compare(loaded(three, separable_test=0.65)))


@pytest.mark.parametrize("standard_best, separable_best", [(0.76, 0.74), (0.7555, 0.7355), (0.7012, 0.6812)])
def test_a_gap_of_exactly_two_points_is_about_the_same_however_it_rounds(standard_best, separable_best):
    """0.74 against 0.76 read "2.0 points lower", with a paragraph on why the separable model is behind, and 0.7355
    against 0.7555 "about the same (within 2 points)": 0.74 - 0.76 is -0.020000000000000018 in floating point."""
    from dsconv.seeds import about_the_same

    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, standard_best, 10.0)]
    run = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, separable_best, 5.0)],
                                    standard_epochs=standard))
    assert "**about the same** (within 2 points)" in comparison.accuracy_sentence(run)
    assert comparison.behind_sentence(run) is None
    assert about_the_same(separable_best - standard_best) and about_the_same(standard_best - separable_best)
    assert not about_the_same(0.7399 - 0.76) and not about_the_same(0.0201)


@pytest.mark.parametrize("separable_best, words", [
    (0.7396, "2.04 points **lower**"), (0.7804, "2.04 points **higher**"), (0.73996, "2.004 points **lower**")])
def test_a_difference_just_past_two_points_never_reads_two_points(separable_best, words):
    """0.7396 against 0.76 read "2.0 points lower", beside 0.74 against 0.76 "about the same (within 2 points)"."""
    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, 0.76, 10.0)]
    run = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, separable_best, 5.0)],
                                    standard_epochs=standard))
    assert words in comparison.accuracy_sentence(run)


def test_validation_on_the_test_set_is_named_and_no_second_test_figure_is_given():
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.59, 5.0)], validation_on_test=True)
    sentence = comparison.accuracy_sentence(comparison.compare(run))
    assert sentence.startswith("Accuracy: best test-set accuracy read every epoch (the run validated on the test set)")
    assert "measured once" not in sentence


def test_time_against_work():
    # 8x fewer multiply-adds, 10 s against 5 s per epoch: 2x faster, far less than the saving.
    slow = loaded([(1.6, 0.40, 1.5, 0.44, 5.0)])
    assert comparison.time_sentence(comparison.compare(slow)) == (
        "Time: the separable model does 8.00x fewer multiply-adds per image and was 2.00x faster per epoch "
        "(5.0 s against 10.0 s, epoch 1 alone, which also compiles the model): far less than the saving in arithmetic.")
    fair = loaded([(1.6, 0.40, 1.5, 0.44, 1.25)])
    assert comparison.time_sentence(comparison.compare(fair)).endswith("about the saving in arithmetic.")
    less = loaded([(1.6, 0.40, 1.5, 0.44, 1.6)])  # 6.25x against 8x: 78 %
    assert comparison.time_sentence(comparison.compare(less)).endswith(": less than the saving in arithmetic.")
    fast = loaded([(1.6, 0.40, 1.5, 0.44, 0.5)])
    assert comparison.time_sentence(comparison.compare(fast)).endswith("more than the saving in arithmetic.")
    slower = loaded([(1.6, 0.40, 1.5, 0.44, 20.0)])
    assert "was 2.00x slower per epoch" in comparison.time_sentence(comparison.compare(slower))
    # 2.01 s against 2 s is 1.005x, 1.00499... in binary: it read "was 1.00x faster per epoch", and the other way
    # round "was 1.00x slower per epoch"
    for standard, separable in ((2.01, 2.0), (2.0, 2.01), (2.0, 2.0)):
        run = loaded([(1.6, 0.40, 1.5, 0.44, separable)], standard_epochs=[(1.5, 0.40, 1.4, 0.45, standard)])
        sentence = comparison.time_sentence(comparison.compare(run))
        assert "1.00x" not in sentence and "took as long per epoch" in sentence, sentence
    run = loaded([(1.6, 0.40, 1.5, 0.44, 2.0)], standard_epochs=[(1.5, 0.40, 1.4, 0.45, 2.02)])
    assert "was 1.01x faster per epoch" in comparison.time_sentence(comparison.compare(run))
    # under a second in milliseconds: "(0.0 s against ...)" for a 0.04 s epoch
    assert [comparison.epoch_time(s) for s in (0.04, 0.9494, 0.95, 0.9994, 0.9996, 11.24)] == [
        "40 ms", "949 ms", "950 ms", "999 ms", "1.0 s", "11.2 s"]  # 0.95 read "0.9 s", 0.96 "1.0 s"
    brief = loaded([(1.6, 0.40, 1.5, 0.44, 0.04)])
    assert "was 250.00x faster per epoch (40 ms against 10.0 s, epoch 1 alone, which also compiles the model)" in \
        comparison.time_sentence(comparison.compare(brief))
    # times that print alike beside a ratio that is not 1 get the decimals that tell them apart
    close = loaded([(1.6, 0.40, 1.5, 0.44, 9.951)], standard_epochs=[(1.5, 0.40, 1.4, 0.45, 10.049)])
    assert "was 1.01x faster per epoch (9.95 s against 10.05 s," in comparison.time_sentence(comparison.compare(close))


def test_a_run_without_both_models_is_not_compared():
    record = run_from_dict(record_dict([arch("standard", STANDARD)]))
    assert comparison.compare(replay.LoadedRun("x", "x", "bundled", record)) is None


def test_negative_first_epoch_gap_and_seed_counts():
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0)])  # both: validation above training at epoch 1
    assert comparison.negative_first_gap(replay.all_series([run])) == ["Standard · A run", "Separable · A run"]
    positive = loaded([(1.6, 0.50, 1.5, 0.44, 5.0)], standard_epochs=[(1.5, 0.50, 1.4, 0.45, 10.0)])
    assert comparison.negative_first_gap(replay.all_series([positive])) == []
    runs = [loaded([(1.6, 0.4, 1.5, 0.44, 5.0)], seed=seed) for seed in (1, 2, 3)]
    assert comparison.seeds_per_model(runs) == {("A run", "standard"): 3, ("A run", "separable"): 3}
    assert comparison.seeds_per_model(runs[:1]) == {("A run", "standard"): 1, ("A run", "separable"): 1}
    assert comparison.seed_note(comparison.seeds_per_model(runs)) is None  # three seeds each: a spread exists
    assert comparison.seed_note(comparison.seeds_per_model(runs[:1])).startswith(
        "These models have one run each, with one seed")  # it said "Some of these models" of every one of them
    assert comparison.seed_note({("A run", "standard"): 1, ("A run", "separable"): 3}).startswith(
        "Some of these models have only one run, with one seed")
    assert "have 2 runs each, with different seeds" in comparison.seed_note(comparison.seeds_per_model(runs[:2]))


def test_the_negative_gap_note_names_every_curve_or_each_one_apart():
    """Four "architecture · run" labels joined by commas read as one garbled list; all of them are "every curve"."""
    both = replay.all_series([loaded([(1.6, 0.40, 1.5, 0.44, 5.0)])])  # both curves: validation above training
    assert comparison.negative_gap_note(both).startswith("At epoch 1 the gap is negative for every curve shown: ")
    positive = loaded([(1.6, 0.50, 1.5, 0.44, 5.0)], standard_epochs=[(1.5, 0.50, 1.4, 0.45, 10.0)])
    assert comparison.negative_gap_note(replay.all_series([positive])) is None
    one = replay.all_series([loaded([(1.6, 0.40, 1.5, 0.44, 5.0)], standard_epochs=[(1.5, 0.50, 1.4, 0.45, 10.0)])])
    assert comparison.negative_gap_note(one).startswith("At epoch 1 the gap is negative for Separable · A run: ")
    three = both + one
    assert comparison.negative_gap_note(three).startswith(
        "At epoch 1 the gap is negative for Standard · A run; Separable · A run; Separable · A run: ")


def test_time_when_there_is_no_saving_in_arithmetic():
    """With equal multiply-adds it said "does 1.00x fewer multiply-adds ... about the saving in arithmetic", and
    a model with more multiply-adds was said to do "0.50x fewer"."""
    same = loaded([(1.6, 0.40, 1.5, 0.44, 10.0)], macs=(10_000, 10_000))
    assert comparison.time_sentence(comparison.compare(same)) == (
        "Time: the separable model does about as many multiply-adds per image as the standard model and took as "
        "long per epoch (10.0 s against 10.0 s, epoch 1 alone, which also compiles the model): about as the "
        "arithmetic says.")
    faster = loaded([(1.6, 0.40, 1.5, 0.44, 5.0)], macs=(10_000, 10_000))
    assert comparison.time_sentence(comparison.compare(faster)).endswith(
        "was 2.00x faster per epoch (5.0 s against 10.0 s, epoch 1 alone, which also compiles the model): so the "
        "difference in time does not come from the arithmetic.")
    more = loaded([(1.6, 0.40, 1.5, 0.44, 20.0)], macs=(10_000, 20_000))
    assert comparison.time_sentence(comparison.compare(more)) == (
        "Time: the separable model does 2.00x more multiply-adds per image and was 2.00x slower per epoch "
        "(20.0 s against 10.0 s, epoch 1 alone, which also compiles the model): about as the arithmetic says.")


@pytest.mark.parametrize("seconds, macs, verdict", [
    (10.0, 12_000, "took as long per epoch (10.0 s against 10.0 s, epoch 1 alone, which also compiles the model): "
                   "its extra arithmetic did not show in the time."),
    (30.0, 12_000, "was 3.00x slower per epoch (30.0 s against 10.0 s, epoch 1 alone, which also compiles the "
                   "model): more than its extra arithmetic explains."),
    (5.0, 12_000, "was 2.00x faster per epoch (5.0 s against 10.0 s, epoch 1 alone, which also compiles the model): "
                  "faster in spite of its extra arithmetic."),
    (12.0, 30_000, "was 1.20x slower per epoch (12.0 s against 10.0 s, epoch 1 alone, which also compiles the "
                   "model): less than its extra arithmetic would say."),
    (10.0, 10_600, "took as long per epoch (10.0 s against 10.0 s, epoch 1 alone, which also compiles the model): "
                   "about as the arithmetic says.")])
def test_time_beside_more_arithmetic_says_what_the_times_show(seconds, macs, verdict):
    """A model with 1.20x the standard model's multiply-adds that took as long per epoch read "took as long per epoch
    (10.0 s against 10.0 s): so the difference in time does not come from the arithmetic", of no difference."""
    run = loaded([(1.6, 0.40, 1.5, 0.44, seconds)], macs=(10_000, macs))
    said = comparison.time_sentence(comparison.compare(run))
    assert said.endswith(verdict), said


def test_models_are_named_in_words_never_by_their_keys():
    """The depthwise + 1x1 model was 'the depthwise_pointwise model', and the recipe's values were quoted raw."""
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.55, 1.2, 0.52, 5.0), (1.0, 0.60, 1.1, 0.55, 5.0)],
                 other="depthwise_pointwise", recipe={"depthwise_init": "keras", "input_scaling": "none",
                                                      "learning_rate": 0.001})
    c = comparison.compare(run, "depthwise_pointwise")
    said = [literal(text(c)) for text in (comparison.overfitting_sentence, comparison.accuracy_sentence,
                                           comparison.behind_sentence, comparison.time_sentence)]
    assert all("the depthwise + 1x1 model" in sentence for sentence in said)
    assert not any("_" in sentence for sentence in said)
    assert ("it starts from Keras's default depthwise initializer; its input scaling (raw 0-255 pixels) and "
            "learning rate (0.001) are the standard model's") in said[2]


def test_a_model_stopped_early_is_compared_over_the_epochs_both_finished():
    """A launch stopped in the separable model's second epoch: 1 epoch against the standard model's 3, and the page
    said "56.0 points lower ... Why the separable model is behind here is not known", with a time per epoch that set
    a first epoch (with the one-off setup) against a three-epoch mean. Epoch 1 by hand: validation 0.44 against
    0.45 (1 point: about the same), gaps 0.40 - 0.44 = -0.04 and 0.40 - 0.45 = -0.05, 5 s against 10 s."""
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0)], separable_test=0.30)
    c = comparison.compare(run)
    assert comparison.epochs_note(c) == (
        "Epochs: the separable model finished 1 epoch and the standard model 3, so these sentences compare the first "
        "epoch, which both finished, and leave out the test accuracies, each measured after its model's own last "
        "epoch.")
    accuracy = comparison.accuracy_sentence(c)
    assert "0.440 for the separable model against 0.450 for the standard model, **about the same**" in accuracy
    assert "Test accuracy" not in accuracy and comparison.behind_sentence(c) is None
    assert "at the last epoch (1)" in comparison.overfitting_sentence(c)
    assert "(5.0 s against 10.0 s, epoch 1 alone, which also compiles the model)" in comparison.time_sentence(c)
    # the same number of epochs: compared whole, as before, with no note
    whole = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0)] * 3))
    assert comparison.epochs_note(whole) is None and whole.finished is None


def test_the_time_per_epoch_leaves_out_epoch_one_where_later_epochs_were_timed():
    """Epoch 1 also traces and compiles the model: its 30 s beside 10 s epochs made the standard model's "per epoch"
    16.7 s. Standard 30, 10, 10 s and separable 20, 5, 5 s: 10.0 and 5.0 s over epochs 2-3, 2.00x faster."""
    standard = [(1.5, 0.40, 1.4, 0.45, 30.0), (1.0, 0.70, 1.1, 0.60, 10.0), (0.6, 0.80, 1.2, 0.60, 10.0)]
    run = loaded([(1.6, 0.40, 1.5, 0.44, 20.0), (1.2, 0.60, 1.2, 0.58, 5.0), (1.0, 0.70, 1.1, 0.62, 5.0)],
                 standard_epochs=standard)
    sentence = comparison.time_sentence(comparison.compare(run))
    assert "was 2.00x faster per epoch (5.0 s against 10.0 s, epochs 2-3: epoch 1 also compiles the model)" \
        in sentence, sentence
    # one epoch: it is all there is to time, and the sentence says it holds the compiling (30 s against 20 s: 1.50x)
    one = loaded([(1.6, 0.40, 1.5, 0.44, 20.0)], standard_epochs=standard[:1])
    sentence = comparison.time_sentence(comparison.compare(one))
    assert "was 1.50x faster per epoch (20.0 s against 30.0 s, epoch 1 alone, which also compiles the model):" \
        in sentence, sentence


def with_data(run, **data):
    """The same run with its record's data changed (class names, validation size)."""
    from dataclasses import replace as swap

    return replay.LoadedRun(run.key, run.label, run.origin, swap(run.record, data={**run.record.data, **data}))


TEN = [f"class {i}" for i in range(10)]
GUESSING = [(2.3, 0.11, 2.3, 0.12, 5.0), (2.2, 0.13, 2.25, 0.149, 5.0)]  # best 0.149 against a guess's 0.100


def test_accuracies_near_a_guess_are_too_early_to_compare():
    """A one-epoch launch on a few hundred images compared accuracies of 0.11 and 0.13 on ten classes as if the models
    had learned: "overfits less", "2.0 points higher", candidates for why one is behind."""
    standard = [(2.3, 0.10, 2.3, 0.10, 10.0), (2.25, 0.12, 2.28, 0.118, 10.0)]
    c = comparison.compare(with_data(loaded(GUESSING, standard_epochs=standard), class_names=TEN, val_size=5000))
    said = comparison.too_early(c)
    assert said == ("Too early to compare: the best validation accuracies, 0.149 for the separable model and 0.118 "
                    "for the standard model, are at most 5 points above a guess's (0.100 with 10 classes): neither "
                    "model has learned enough yet for their overfitting or accuracy to say anything. Train more "
                    "epochs, or on more images.")
    assert comparison.overfitting_sentence(c) is None and comparison.accuracy_sentence(c) is None
    assert comparison.behind_sentence(c) is None and comparison.few_images_note(c) is None
    assert comparison.time_sentence(c)  # the time is measured all the same
    # 0.151 is past 0.100 + 5 points: compared
    past = [(2.3, 0.11, 2.3, 0.12, 5.0), (2.2, 0.13, 2.25, 0.151, 5.0)]
    c = comparison.compare(with_data(loaded(past, standard_epochs=standard), class_names=TEN, val_size=5000))
    assert comparison.too_early(c) is None and comparison.accuracy_sentence(c)
    # below a guess is too early too: 0.01 and 0.03 on ten classes read "about the same (within 2 points)"
    worse = [(2.3, 0.01, 2.3, 0.01, 10.0), (2.3, 0.02, 2.3, 0.03, 10.0)]
    c = comparison.compare(with_data(loaded(worse, standard_epochs=standard), class_names=TEN, val_size=5000))
    assert "0.030 for the separable model and 0.118 for the standard model, are at most 5 points above" in \
        comparison.too_early(c)
    # with two classes a guess is right half the time: 0.60 is 10 points above it, compared
    learned = [(0.7, 0.55, 0.7, 0.58, 5.0), (0.6, 0.62, 0.65, 0.60, 5.0)]
    c = comparison.compare(with_data(loaded(learned, standard_epochs=[(0.7, 0.55, 0.7, 0.56, 10.0),
                                                                      (0.6, 0.6, 0.66, 0.61, 10.0)]),
                                     class_names=TEN[:2], val_size=5000))
    assert comparison.too_early(c) is None and comparison.accuracy_sentence(c)
    # a record without class names: no guess to measure against
    assert comparison.too_early(comparison.compare(loaded(GUESSING, standard_epochs=standard))) is None


@pytest.mark.parametrize("validation_on_test, sizes, said", [
    (False, {"val_size": 100, "test_size": 10_000}, "read on 100 images, so each image counts for 1% of it, and "
     "chance alone moves an accuracy near 50% by about 5.0 points (one standard error): the sentences above call "
     "differences of up to 5.0 points about the same."),
    (True, {"val_size": 10_000, "test_size": 400}, "read on 400 images, so each image counts for 0.25% of it, and "
     "chance alone moves an accuracy near 50% by about 2.5 points (one standard error): the sentences above call "
     "differences of up to 2.5 points about the same."),
    (False, {"val_size": 1000, "test_size": 100}, "each image counts for 0.1% of it, and chance alone moves an "
     "accuracy near 50% by about 1.6 points (one standard error): the sentences above call differences of up to 2 "
     "points"),
    (False, {"val_size": 3, "test_size": 100}, "each image counts for 33.3% of it"),  # not "33%" nor "1e+02%"
    (False, {"val_size": 2500, "test_size": 100}, None),
])
def test_an_accuracy_read_on_few_images_says_how_much_chance_moves_it(validation_on_test, sizes, said):
    """sqrt(0.25 / 100) = 5 points, sqrt(0.25 / 400) = 2.5 points; from 2,500 images one standard error is 1 point
    or less, and nothing is said. A run that validated on the test set read its accuracies on the test images."""
    run = with_data(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.58, 5.0)],
                           validation_on_test=validation_on_test), class_names=TEN, **sizes)
    note = comparison.few_images_note(comparison.compare(run))
    assert (note is None) if said is None else said in note, note


def test_a_difference_within_what_chance_moves_on_few_images_is_about_the_same():
    """On 100 validation images, 0.66 against 0.70 read "4.0 points **lower**" and why the model is behind, over a
    note that chance alone moves each accuracy by about 5 points."""
    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.72, 1.1, 0.70, 10.0)]
    run = with_data(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.69, 1.2, 0.66, 5.0)], standard_epochs=standard),
                    class_names=TEN, val_size=100)
    c = comparison.compare(run)
    assert ("0.660 for the separable model against 0.700 for the standard model, **about the same** (within 5.0 "
            "points: chance alone moves an accuracy read on 100 images that much)") in comparison.accuracy_sentence(c)
    assert comparison.behind_sentence(c) is None
    # 6 points is past it, on 100 images; on 5,000 the 4 points are past the 2 another seed may change
    far = with_data(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.69, 1.2, 0.64, 5.0)], standard_epochs=standard),
                    class_names=TEN, val_size=100)
    assert "6.0 points **lower**" in comparison.accuracy_sentence(comparison.compare(far))
    assert "4.0 points **lower**" in comparison.accuracy_sentence(comparison.compare(with_data(run, val_size=5000)))


@pytest.mark.parametrize("val_size, test_size, tests, verdict, note", [
    # the launcher's split of a small launch: 3.0 points past the 2.2 that chance moves an accuracy on 500 images
    (200, 500, (0.67, 0.70), "0.670 against 0.700, 3.0 points lower.",
     "The test accuracies were read on 500 images, where chance alone moves one by about 2.2 points: they are called "
     "about the same up to 2.2 points apart."),
    (50, 100, (0.66, 0.70), "0.660 against 0.700, about the same (within 5.0 points: chance alone moves an accuracy "
     "read on 100 images that much).", "they are called about the same up to 5.0 points apart."),
    (5000, 100, (0.66, 0.70), "about the same (within 5.0 points", "Each test accuracy here was read on 100 images, "
     "so each image counts for 1% of it, and chance alone moves an accuracy near 50% by about 5.0 points (one "
     "standard error): the sentence above calls test accuracies up to 5.0 points apart about the same."),
    (5000, 10_000, (0.66, 0.70), "0.660 against 0.700, 4.0 points lower.", None),
    # many test images: chance's own 0.7 points, not the "0.0 points" of the allowance that NOISE_POINTS covers
    (200, 5000, (0.67, 0.70), "3.0 points lower.", "The test accuracies were read on 5,000 images, where chance alone "
     "moves one by about 0.7 points: they are called about the same up to 2 points apart."),
    # a record that does not say how many test images: the page raised a TypeError ("read on None images")
    (200, None, (0.67, 0.70), "3.0 points lower.", "The record does not say how many images the test accuracies were "
     "read on: they are called about the same up to 2 points apart."),
    (200, 0, (0.67, 0.70), "3.0 points lower.", "The record does not say how many images the test accuracies were "
     "read on: they are called about the same up to 2 points apart."),
    (5000, None, (0.67, 0.70), "3.0 points lower.", None),
])
def test_test_accuracies_are_judged_on_the_test_sets_own_size(val_size, test_size, tests, verdict, note):
    """The test verdict used the fixed 2 points whatever the test set's size: on 200 validation and 500 test images,
    0.670 against 0.700 read "about the same (within 3.5 points ...)" for validation and "3.0 points lower" for test,
    over a note that "the sentences above call differences of up to 3.5 points about the same"; on 50 and 100 images,
    4.0 points read "lower" where chance alone moves each test accuracy by 5. Each set's own size now sets its
    allowance, and the note says both."""
    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.72, 1.1, 0.70, 10.0)]
    run = with_data(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.69, 1.2, 0.67, 5.0)], standard_epochs=standard,
                           separable_test=tests[0], standard_test=tests[1]),
                    class_names=TEN, val_size=val_size, test_size=test_size)
    c = comparison.compare(run)
    sentence = comparison.accuracy_sentence(c)
    assert "Test accuracy, measured once after the last epoch: " in sentence and verdict in sentence, sentence
    said = comparison.few_images_note(c)
    assert (said is None) if note is None else note in said, said


def test_a_run_without_validation_still_compares_its_test_accuracies():
    """A run trained with --val-split 0 read no validation accuracy: its table showed test accuracies of 0.55 and
    0.80, and "What these runs say" had no accuracy sentence at all."""
    unvalidated = [(1.0, 0.6, None, None, 5.0), (1.0, 0.7, None, None, 5.0)]
    run = loaded(unvalidated, standard_epochs=[(1.0, 0.6, None, None, 10.0), (1.0, 0.9, None, None, 10.0)],
                 separable_test=0.55, standard_test=0.80)
    c = comparison.compare(run)
    assert c.other.best_val is None and c.standard.best_val is None
    assert comparison.accuracy_sentence(c) == (
        "Accuracy: the run read no validation accuracy. Test accuracy, measured once after the last epoch: 0.550 for "
        "the separable model against 0.800 for the standard model, 25.0 points lower.")
    same = loaded(unvalidated, standard_epochs=[(1.0, 0.6, None, None, 10.0)] * 2, separable_test=0.79,
                  standard_test=0.80)
    assert comparison.accuracy_sentence(comparison.compare(same)).endswith("0.800 for the standard model, about the "
                                                                           "same.")
    untested = loaded(unvalidated, standard_epochs=[(1.0, 0.6, None, None, 10.0)] * 2, separable_test=None,
                      standard_test=None)
    assert comparison.accuracy_sentence(comparison.compare(untested)) is None  # nothing measured to compare


def test_float32_accuracies_two_points_apart_are_about_the_same():
    """Records keep accuracies as float32: 0.5002 and 0.5202 (200 images apart in 10,000) are 0.5001999735832214 and
    0.5202000141143799, 0.0200000405 apart, and read "2.000 points lower" beside the rule "within 2 points"."""
    import math

    import numpy as np

    low, high = (float(np.float32(value)) for value in (0.5002, 0.5202))
    assert high - low > 0.02 and not math.isclose(high - low, 0.02)  # what a relative tolerance missed
    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.60, 1.1, high, 10.0)]
    run = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.55, 1.2, low, 5.0)],
                                    standard_epochs=standard))
    assert "**about the same** (within 2 points)" in comparison.accuracy_sentence(run)
    assert comparison.behind_sentence(run) is None
    # a gap of float32's 0.02 (training 0.5402, validation 0.5202) is at most 2 points: not "overfits"
    train = float(np.float32(0.5402))
    gap_run = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, train, 1.2, high, 5.0)],
                                        standard_epochs=[(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.90, 1.1, 0.60, 10.0)]))
    said = comparison.overfitting_sentence(gap_run)
    assert "0.02 above its validation accuracy" in said and "does not clearly overfit" in said, said


def test_a_gap_of_a_few_hundred_thousandths_is_not_written_as_none():
    """0.70002 against 0.7000 read "0.0000 above" at four decimals."""
    run = comparison.compare(loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.70002, 1.2, 0.70, 5.0)]))
    assert "training accuracy is 0.00002 above its validation accuracy" in comparison.overfitting_sentence(run)


def test_epochs_timed_at_0_seconds_are_said_not_compared():
    """A record whose epochs after the first took 0 seconds lost its time sentence without a word."""
    zero = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.58, 0.0), (1.0, 0.70, 1.1, 0.62, 0.0)])
    assert comparison.time_sentence(comparison.compare(zero)) == (
        "Time: not compared: the record gives the separable model 0 seconds for epochs 2-3.")


def test_one_model_without_validation_is_named_and_its_gap_said_missing():
    """A record whose separable model read no validation accuracy (its standard model did) said "the run read no
    validation accuracy" beside the standard model's validation curve, and left out the overfitting sentence without
    a word."""
    run = loaded([(1.6, 0.40, 1.5, None, 5.0), (1.2, 0.60, 1.2, None, 5.0), (1.0, 0.70, 1.1, None, 5.0)])
    found = comparison.compare(run)
    accuracy = comparison.accuracy_sentence(found)
    assert accuracy.startswith("Accuracy: the separable model read no validation accuracy. Test accuracy"), accuracy
    assert "the run read no" not in accuracy
    overfitting = comparison.overfitting_sentence(found)
    assert overfitting == ("Overfitting: the separable model read no validation accuracy, so its training accuracy "
                           "has nothing to be compared with."), overfitting
    both = loaded([(1.6, 0.40, 1.5, None, 5.0)] * 3, standard_epochs=[(1.5, 0.40, 1.4, None, 10.0)] * 3)
    assert comparison.accuracy_sentence(comparison.compare(both)).startswith(
        "Accuracy: the run read no validation accuracy. Test accuracy")
    assert comparison.overfitting_sentence(comparison.compare(both)) == (
        "Overfitting: the run read no validation accuracy, so the models' training accuracies have nothing to be "
        "compared with.")


def test_a_last_epoch_without_validation_is_compared_at_the_last_epoch_that_read_one():
    """Validation read every other epoch, not at the last: the overfitting sentence was left out without a word. The
    gaps are now those of the last epoch that read a validation accuracy, and the sentence says which that is."""
    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, 0.60, 10.0), (0.6, 0.80, 1.2, None, 10.0)]
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.58, 5.0), (1.0, 0.70, 1.1, None, 5.0)],
                 standard_epochs=standard)
    sentence = comparison.overfitting_sentence(comparison.compare(run))
    # at epoch 2: separable 0.60 - 0.58 = 0.02, standard 0.70 - 0.60 = 0.10
    assert sentence.startswith("Overfitting: at the last epoch at which both read a validation accuracy (2) the "
                               "separable "
                               "model's training accuracy is 0.02 above its validation accuracy, the standard "
                               "model's 0.10 above:"), sentence


def test_one_epoch_timed_at_0_seconds_is_said_not_averaged_in():
    """The standard model's epochs 2-3 took 0 s and 10 s: their mean, 5 s, stood beside the separable model's 5 s as
    "took as long per epoch", where its one timed epoch took twice as long. And a 2-epoch run read "for epochs 2-2"."""
    standard = [(1.5, 0.40, 1.4, 0.45, 30.0), (1.0, 0.70, 1.1, 0.60, 0.0), (0.6, 0.80, 1.2, 0.60, 10.0)]
    run = loaded([(1.6, 0.40, 1.5, 0.44, 30.0), (1.2, 0.60, 1.2, 0.58, 5.0), (1.0, 0.70, 1.1, 0.62, 5.0)],
                 standard_epochs=standard)
    assert comparison.time_sentence(comparison.compare(run)) == (
        "Time: not compared: the record gives the standard model 0 seconds for epoch 2.")
    two = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.58, 0.0)], standard_epochs=STANDARD[:2])
    assert comparison.time_sentence(comparison.compare(two)) == (
        "Time: not compared: the record gives the separable model 0 seconds for epoch 2.")


@pytest.mark.parametrize("work, separable_seconds", [(11_000, 11.2), (80_000, 12.0), (13_000, 11.0), (80_000, 10.0)])
def test_a_model_no_faster_for_less_arithmetic_is_not_said_to_get_part_of_the_saving(work, separable_seconds):
    """1.10x fewer multiply-adds and 1.12x slower read "about the saving in arithmetic"; 8x fewer and 1.20x slower,
    "far less than the saving": a slowdown worded as a smaller speed-up. Taking as long is no part of it either."""
    standard = [(1.5, 0.40, 1.4, 0.45, 20.0), (1.0, 0.70, 1.1, 0.60, 10.0), (0.6, 0.80, 1.2, 0.60, 10.0)]
    run = loaded([(1.6, 0.40, 1.5, 0.44, 20.0), (1.2, 0.60, 1.2, 0.58, separable_seconds),
                  (1.0, 0.70, 1.1, 0.62, separable_seconds)], standard_epochs=standard, macs=(work, 10_000))
    said = comparison.time_sentence(comparison.compare(run))
    assert said.endswith(": none of the saving in arithmetic shows in its time."), said
    assert ("slower per epoch" in said) == (separable_seconds > 10), said


@pytest.mark.parametrize("work, seconds, verdict", [(11_000, 9.9, "far less than"), (12_000, 9.26, "far less than"),
                                                    (13_000, 8.33, "less than"), (11_000, 9.2, "about"),
                                                    (12_000, 7.0, "about"), (11_000, 8.85, "about"),
                                                    (11_000, 7.0, "more than"), (80_000, 1.6, "less than"),
                                                    (80_000, 1.4, "about")])
def test_a_small_saving_is_judged_by_the_share_of_it_that_shows(work, seconds, verdict):
    """1.10x fewer multiply-adds and 1.01x faster read "about the saving in arithmetic" (the speed within 20 % of the
    saving as a ratio), and 1.20x fewer and 1.08x faster too: a tenth, and two fifths, of the saving showed. Standard
    epochs of 10 s; the separable model's epochs take `seconds`."""
    standard = [(1.5, 0.40, 1.4, 0.45, 20.0), (1.0, 0.70, 1.1, 0.60, 10.0), (0.6, 0.80, 1.2, 0.60, 10.0)]
    run = loaded([(1.6, 0.40, 1.5, 0.44, 20.0), (1.2, 0.60, 1.2, 0.58, seconds), (1.0, 0.70, 1.1, 0.62, seconds)],
                 standard_epochs=standard, macs=(work, 10_000))
    said = comparison.time_sentence(comparison.compare(run))
    assert said.endswith(f": {verdict} the saving in arithmetic."), said


def test_the_gaps_are_compared_at_an_epoch_both_models_read_a_validation_accuracy():
    """The separable model validated at epochs 1 and 2, the standard model at 1 and 3: its epoch 2 was set against
    the standard model's epoch 3 ("does not clearly overfit, and the standard model does"); read at their common
    epoch 1 instead, "neither model overfits" stood beside larger gaps at their best epochs. An earlier common epoch
    than either's last is said not compared, and so is none in common."""
    standard = [(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, None, 10.0), (0.6, 0.80, 1.2, 0.60, 10.0)]
    run = loaded([(1.6, 0.40, 1.5, 0.44, 5.0), (1.2, 0.60, 1.2, 0.58, 5.0), (1.0, 0.70, 1.1, None, 5.0)],
                 standard_epochs=standard)
    assert comparison.overfitting_sentence(comparison.compare(run)) == (
        "Overfitting: not compared: the last epoch at which both models read a validation accuracy is 1, while the "
        "separable model read its last at epoch 2 and the standard model at epoch 3, and a gap grows from epoch to "
        "epoch.")
    apart = loaded([(1.6, 0.40, 1.5, None, 5.0), (1.2, 0.60, 1.2, 0.58, 5.0), (1.0, 0.70, 1.1, None, 5.0)],
                   standard_epochs=[(1.5, 0.40, 1.4, 0.45, 10.0), (1.0, 0.70, 1.1, None, 10.0),
                                    (0.6, 0.80, 1.2, 0.60, 10.0)])
    assert comparison.overfitting_sentence(comparison.compare(apart)) == (
        "Overfitting: not compared: the two models never read a validation accuracy at the same epoch, and a gap "
        "grows from epoch to epoch.")


def test_a_model_that_validated_only_after_the_epochs_both_finished_is_said_so():
    """The standard model finished 2 epochs, the separable model 3, validated only at its epoch 3: compared over the 2
    both finished, the page said "the separable model read no validation accuracy", which its epoch 3 did."""
    run = loaded([(1.6, 0.40, 1.5, None, 5.0), (1.2, 0.60, 1.2, None, 5.0), (1.0, 0.70, 1.1, 0.62, 5.0)],
                 standard_epochs=STANDARD[:2])
    said = comparison.overfitting_sentence(comparison.compare(run))
    assert said.startswith("Overfitting: the separable model read no validation accuracy in the epochs both models "
                           "finished, so its training accuracy has nothing"), said
