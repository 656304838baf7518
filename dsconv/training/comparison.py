"""What a training run's own numbers say about a separable model against the standard one.

The Training arena states facts about overfitting, accuracy and time only through these functions: each
computes the figures from the run record (gap at the last and at the best epoch, best validation and test
accuracy, seconds per epoch) and picks its sentence from them, with the figures in it. A difference
smaller than NOISE_POINTS is reported as "about the same": with one seed per model, differences of a
point or two are within what another seed would change (see SEED_NOTE). tests/test_comparison.py feeds
records with each outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from dsconv.kinds import noun
from dsconv.safe_text import counted, listed, plain, told_apart
from dsconv.seeds import FLOAT32_SLACK, NOISE_POINTS, about_the_same
from dsconv.training.models import DEPTHWISE_INIT_WORDS, INPUT_SCALING_WORDS
from dsconv.training.replay import LoadedRun, best_epoch, generalisation_gap
from dsconv.training.runs import ArchitectureRun

SAVING = 1.1  # fewer multiply-adds by a smaller factor than this is no saving to set the time against
SEEDS_FOR_A_SPREAD = 3  # fewer runs per model than this give no spread to compare a difference with


@dataclass(frozen=True)
class Outcome:
    """One architecture's figures in one run."""

    name: str
    params: int
    multiply_adds: int
    last_epoch: int
    final_gap: float | None  # training minus validation accuracy at the last epoch that read a validation accuracy
    best_val: float | None  # highest validation accuracy
    best_epoch: int | None  # the first epoch that reached it
    best_gap: float | None  # the gap at that epoch
    test: float | None  # test accuracy, when the run measured it
    seconds_per_epoch: float | None  # mean over epochs 2 to the last where there are two or more (first_timed)
    first_timed: int = 1  # the first epoch in seconds_per_epoch: epoch 1 also traces and compiles the model
    gap_epoch: int | None = None  # the epoch of final_gap: the last one, unless it read no validation accuracy
    zero_epochs: tuple[int, ...] = ()  # the epochs of seconds_per_epoch that the record gives 0 seconds
    validated_last: int | None = None  # the last epoch at which the model read a validation accuracy

    @classmethod
    def of(cls, arch: ArchitectureRun, gap_epochs: set[int] | None = None) -> "Outcome":
        """The figures of one architecture's part of a run, its gap at the last epoch that read a validation accuracy
        (of `gap_epochs`, where given: the epochs both models of a comparison read one)."""
        logs = arch.epochs
        best = best_epoch(arch)
        best_log = next((log for log in logs if best and log.epoch == best[1]), None)
        # validation read every other epoch, not at the last: the overfitting sentence was left out without a word
        gapped = next((log for log in reversed(logs) if generalisation_gap(log) is not None
                       and (gap_epochs is None or log.epoch in gap_epochs)), None)
        validated = [log.epoch for log in logs if generalisation_gap(log) is not None]
        return cls(arch.name, arch.params, arch.multiply_adds, logs[-1].epoch if logs else 0,
                   generalisation_gap(gapped) if gapped else None, best[0] if best else None,
                   best[1] if best else None, generalisation_gap(best_log) if best_log else None,
                   arch.test_accuracy, *_timed(logs), gap_epoch=gapped.epoch if gapped else None,
                   zero_epochs=tuple(log.epoch for log in (logs[1:] if len(logs) >= 2 else logs) if log.seconds == 0),
                   validated_last=validated[-1] if validated else None)


def _timed(logs: Sequence) -> tuple[float | None, int]:
    """(mean seconds per epoch, first epoch counted): without epoch 1, which also traces and compiles the model,
    where a later epoch was timed."""
    timed = logs[1:] if len(logs) >= 2 else logs
    return (sum(log.seconds for log in timed) / len(timed) if timed else None), (timed[0].epoch if timed else 1)


@dataclass(frozen=True)
class Comparison:
    """A model against the standard model of the same run."""

    run_label: str
    standard: Outcome
    other: Outcome
    validation_on_test: bool  # then the 'validation' accuracy is a test accuracy read every epoch
    recipe: dict
    finished: tuple[int, int] | None = None  # (standard's, other's) epochs where they differ: compared at the fewer
    classes: int | None = None  # how many classes the record names (a guess is right 1 in that many)
    val_images: int | None = None  # how many images each validation accuracy was read on
    test_images: int | None = None  # how many images each test accuracy was read on


def compare(run: LoadedRun, other: str = "separable", baseline: str = "standard") -> Comparison | None:
    """The comparison of `other` with `baseline` in this run, or None if either is missing or has no epoch. Where one
    model finished fewer epochs (a stopped launch), both are compared over the epochs both finished, without their
    test accuracies (each measured after its own last epoch): a separable model stopped after 1 epoch of 3 was
    "56 points lower" than the standard model's 3, for causes "not known"."""
    parts = {arch.name: arch for arch in run.record.architectures}
    if baseline not in parts or other not in parts or not parts[baseline].epochs or not parts[other].epochs:
        return None
    counts = len(parts[baseline].epochs), len(parts[other].epochs)
    data = run.record.data
    names = data.get("class_names")
    sizes = dict(classes=len(names) if isinstance(names, list) and len(names) >= 2 else None,
                 val_images=data.get("test_size" if run.record.validation_on_test else "val_size") or None,
                 test_images=data.get("test_size") or None)
    if counts[0] == counts[1]:
        both = _validated_by_both(parts[baseline], parts[other])
        return Comparison(run.label, Outcome.of(parts[baseline], both), Outcome.of(parts[other], both),
                          run.record.validation_on_test, dict(run.record.recipe), **sizes)
    common = min(counts)
    cut = {name: replace(parts[name], epochs=parts[name].epochs[:common], test_accuracy=None, test_loss=None)
           for name in (baseline, other)}
    both = _validated_by_both(cut[baseline], cut[other])
    return Comparison(run.label, Outcome.of(cut[baseline], both), Outcome.of(cut[other], both),
                      run.record.validation_on_test, dict(run.record.recipe), finished=counts, **sizes)


def _validated_by_both(first: ArchitectureRun, second: ArchitectureRun) -> set[int]:
    """The epochs at which both models read a validation accuracy: their gaps are compared at the last of them (one
    model validated at epochs 1 and 2, the other at 1 and 3, had its epoch 2 set against the other's epoch 3)."""
    def validated(arch: ArchitectureRun) -> set[int]:
        return {log.epoch for log in arch.epochs if generalisation_gap(log) is not None}

    return validated(first) & validated(second)


CHANCE_MARGIN = 0.05  # best validation accuracies this close to a guess's: too little learned to compare
FEW_IMAGES = 2500  # under this many validation images one standard error of an accuracy near 50 % passes 1 point


def too_early(c: Comparison) -> str | None:
    """Where both models' best validation accuracy is at most CHANCE_MARGIN above a guess's (1 in the number of
    classes), why the run cannot compare them: a one-epoch launch on 200 images read "the separable model overfits
    less" of accuracies of 0.11 and 0.13 on 10 classes."""
    s, o = c.standard, c.other
    if not c.classes or s.best_val is None or o.best_val is None:
        return None
    chance = 1 / c.classes
    # below a guess too: 0.01 and 0.03 on ten classes read "about the same (within 2 points)"
    if any(best - chance > CHANCE_MARGIN and not math.isclose(best - chance, CHANCE_MARGIN, abs_tol=FLOAT32_SLACK)
           for best in (s.best_val, o.best_val)):
        return None
    return (f"Too early to compare: the best validation accuracies, {o.best_val:.3f} for the {noun(o.name)} model "
            f"and {s.best_val:.3f} for the standard model, are at most {100 * CHANCE_MARGIN:g} points above a guess's "
            f"({chance:.3f} with {c.classes} classes): neither model has learned enough yet for their overfitting or "
            "accuracy to say anything. Train more epochs, or on more images.")


def few_images_note(c: Comparison) -> str | None:
    """Where the validation accuracies, or the test accuracies the page compares, were read on few images, how much
    chance alone moves them, and the differences the sentences above call about the same for each."""
    if too_early(c):
        return None
    few_val = bool(c.val_images) and c.val_images < FEW_IMAGES
    # the test accuracies' own allowance, where the sentence compares them and it is not the validation one
    test_apart = _tests_compared(c) and _allowance_for(c.test_images)[0] != _allowance(c)[0]
    if few_val:
        text = _chance_note("validation", c.val_images, f"the sentences above call differences of up to "
                                                         f"{_allowance(c)[1]} about the same.")
        if test_apart and not c.test_images:  # a record without its test set's size ("read on None images")
            text += (" The record does not say how many images the test accuracies were read on: they are called "
                     f"about the same up to {_allowance_for(c.test_images)[1]} apart.")
        elif test_apart:  # chance's own figure, not the allowance's (5,000 images: "by about 0.0 points")
            text += (f" The test accuracies were read on {counted(c.test_images, 'image')}, where chance alone moves "
                     f"one by about {_chance_points(c.test_images):.1f} points: they are called about the same up "
                     f"to {_allowance_for(c.test_images)[1]} apart.")
        return text
    if test_apart and c.test_images:
        return _chance_note("test", c.test_images, f"the sentence above calls test accuracies up to "
                                                   f"{_allowance_for(c.test_images)[1]} apart about the same.")
    return None


def _chance_note(kind: str, images: int, verdict: str) -> str:
    """How much one image, and chance alone, move a `kind` accuracy read on `images` images, then `verdict`."""
    return (f"Each {kind} accuracy here was read on {counted(images, 'image')}, so each image counts for "
            f"{100 / images:.3g}% of it, and chance alone moves an accuracy near 50% by about "
            f"{_chance_points(images):.1f} points (one standard error): {verdict}")


def _chance_points(images: int) -> float:
    """One standard error of an accuracy near 50 % read on `images` images, in points: 100 sqrt(0.25 / n)."""
    return 100 * math.sqrt(0.25 / images)


def _standard_error(images: int | None) -> float:
    """One standard error of an accuracy near 50 % read on `images` images: sqrt(0.25 / n); 0 where the record does
    not say how many, or from FEW_IMAGES up (under a point, which NOISE_POINTS covers)."""
    return _chance_points(images) / 100 if images and images < FEW_IMAGES else 0.0


def _allowance_for(images: int | None) -> tuple[float, str, str]:
    """(the difference of two accuracies read on `images` images called about the same, it in points, why):
    NOISE_POINTS, another seed's spread, or one standard error of the few images where that is more (on 100 images
    "4.0 points lower", and why the model is behind, stood over a note that chance moves each accuracy by 5
    points)."""
    error = _standard_error(images)
    if error > NOISE_POINTS:
        return error, f"{100 * error:.1f} points", (f"chance alone moves an accuracy read on "
                                                    f"{counted(images, 'image')} that much")
    return NOISE_POINTS, f"{100 * NOISE_POINTS:g} points", "another seed may change that much"


def _allowance(c: Comparison) -> tuple[float, str, str]:
    """_allowance_for the run's validation images: what its sentences on validation accuracies and gaps allow."""
    return _allowance_for(c.val_images)


def _tests_compared(c: Comparison) -> bool:
    """Whether accuracy_sentence compares the two test accuracies (measured once each, after the last epoch)."""
    return not c.validation_on_test and c.other.test is not None and c.standard.test is not None


def epochs_note(c: Comparison) -> str | None:
    """Where the two models finished different numbers of epochs, what the sentences compare."""
    if c.finished is None:
        return None
    standard, other = c.finished
    common = min(c.finished)
    return (f"Epochs: the {noun(c.other.name)} model finished {counted(other, 'epoch')} and the standard model "
            f"{standard:,}, so these sentences compare the {'first epoch' if common == 1 else f'first {common} epochs'}"
            ", which both finished, and leave out the test accuracies, each measured after its model's own last "
            "epoch.")


def _points(value: float, cut: float = NOISE_POINTS) -> str:
    """A difference of accuracies in points: 0.068 -> '6.8 points'; one past NOISE_POINTS with the decimals that keep
    it off them (0.0204 read "2.0 points lower" where 0.02 reads "within 2 points")."""
    points, digits = 100 * abs(value), 1
    while digits < 3 and not about_the_same(value, cut) and round(points, digits) == round(100 * cut, digits):
        digits += 1
    return f"{points:.{digits}f} points"


def _gap_digits(gap: float) -> int:
    """Decimals for a gap: two, or more where a gap that is not nothing would read 0.00 (0.003), or one above
    NOISE_POINTS or under it would read as it (0.0196: the sentence says whether a gap is at most that)."""
    digits = 2
    # a gap under FLOAT32_SLACK is none (float32's noise); one of 2e-5 read "0.0000 above" at four decimals
    while digits < 6 and ((abs(gap) >= FLOAT32_SLACK and round(abs(gap), digits) == 0) or (
            gap > 0 and not math.isclose(gap, NOISE_POINTS, abs_tol=FLOAT32_SLACK)
            and round(gap, digits) == NOISE_POINTS)):
        digits += 1
    return digits


def _above(gap: float) -> str:
    """A gap as words: 0.11 -> '0.11 above', -0.02 -> '0.02 below', 0.003 -> '0.003 above' (_gap_digits)."""
    return f"{abs(gap):.{_gap_digits(gap)}f} {'above' if gap >= 0 else 'below'}"


def _direction(difference: float, lower: str, same: str, higher: str, cut: float = NOISE_POINTS) -> str:
    if about_the_same(difference, cut):
        return same
    return lower if difference < 0 else higher


def overfitting_sentence(c: Comparison) -> str | None:
    """Whether each model overfits at its last epoch, and if both do, less, about as much or more than the standard
    model: the gaps at the last and best epochs."""
    if too_early(c):  # said once, by too_early, instead
        return None
    s, o = c.standard, c.other
    if s.best_val is not None and o.best_val is not None and s.final_gap is None:
        return ("Overfitting: not compared: the two models never read a validation accuracy at the same epoch, and a "
                "gap grows from epoch to epoch.")
    if s.final_gap is None or o.final_gap is None:  # it was left out without a word
        return "Overfitting: " + _unvalidated(c) + (", so the models' training accuracies have" if s.best_val is None
                                                    and o.best_val is None else ", so its training accuracy has") + \
            " nothing to be compared with."
    if (o.gap_epoch, s.gap_epoch) != (o.validated_last, s.validated_last):
        # their common epoch 1 read "neither model overfits" beside gaps of 0.02 and 0.35 at their best epochs, 2 and 3
        return (f"Overfitting: not compared: the last epoch at which both models read a validation accuracy is "
                f"{o.gap_epoch}, while the {noun(o.name)} model read its last at epoch {o.validated_last} and the "
                f"standard model at epoch {s.validated_last}, and a gap grows from epoch to epoch.")
    difference = o.final_gap - s.final_gap
    # A model overfits where its training accuracy is above its validation accuracy: two models at or under theirs
    # were said to overfit "more" or "less" by their signed gaps (-0.05 against -0.16: "overfits more").
    # A gap of a point or two is what another seed may change (a run cut to 3 epochs read "0.00 above its validation
    # accuracy ...: the separable model overfits"): a model overfits clearly above NOISE_POINTS.
    cut, allowed, why = _allowance(c)
    noise = f"at most {allowed}: {why}"
    clear_o, clear_s = (gap > 0 and not about_the_same(gap, cut) for gap in (o.final_gap, s.final_gap))
    if o.final_gap <= 0 and s.final_gap <= 0:
        verdict = ("**neither model overfits**: each does at least as well on the validation images as on its "
                   "training images")
    elif not clear_o and not clear_s and o.final_gap > 0 and s.final_gap > 0:
        verdict = f"**neither model clearly overfits** (each gap is {noise})"
    elif not clear_o and not clear_s:  # one under its validation accuracy, the other a little over it
        under, over = (o, s) if o.final_gap <= 0 else (s, o)
        verdict = (f"the {noun(under.name)} model **does not overfit**, and the {noun(over.name)} model does not "
                   f"clearly overfit (its gap is {noise})")
    elif not clear_o:
        verdict = (f"the {noun(o.name)} model **does not overfit**" if o.final_gap <= 0 else
                   f"the {noun(o.name)} model **does not clearly overfit** (its gap is {noise})") + \
            ", and the standard model does"
    elif not clear_s:
        verdict = f"the {noun(o.name)} model **overfits**, and the standard model does not" + \
            ("" if s.final_gap <= 0 else f" clearly (its gap is {noise})")
    else:
        verdict = f"the {noun(o.name)} model " + _direction(
            difference, f"**overfits less** than the standard model (its gap is {_points(difference, cut)} smaller)",
            f"overfits **about as much** as the standard model (the gaps differ by {_points(difference, cut)}, at "
            f"most {allowed.removesuffix(' points')}: {why})",
            f"**overfits more** than the standard model (its gap is {_points(difference, cut)} larger)", cut)
    last = "the last epoch" if (o.gap_epoch, s.gap_epoch) == (o.last_epoch, s.last_epoch) else \
        "the last epoch at which both read a validation accuracy"
    text = (f"Overfitting: at {last} ({o.gap_epoch}) the {noun(o.name)} model's training accuracy is "
            f"{_above(o.final_gap)} its validation accuracy, the standard model's {_above(s.final_gap)}: {verdict}.")
    if o.best_gap is not None and s.best_gap is not None:
        text += (f" At each model's best validation epoch ({o.best_epoch} and {s.best_epoch}) the gaps were "
                 f"{o.best_gap:.{_gap_digits(o.best_gap)}f} and {s.best_gap:.{_gap_digits(s.best_gap)}f}.")
    return text


def accuracy_sentence(c: Comparison) -> str | None:
    """Lower, about the same or higher accuracy than the standard model: best validation and test accuracy."""
    if too_early(c):  # said once, by too_early, instead
        return None
    s, o = c.standard, c.other
    if s.best_val is None or o.best_val is None:
        # a run trained without a validation split (dsconv.train --val-split 0) still measured its test accuracies:
        # 0.80 against 0.55 in the table went unsaid
        if not _tests_compared(c):
            return None
        return (f"Accuracy: {_unvalidated(c)}. Test accuracy, measured once after the last epoch: "
                f"{o.test:.3f} for the {noun(o.name)} model against {s.test:.3f} for the standard model, "
                f"{_test_verdict(c)}.")
    difference = o.best_val - s.best_val
    cut, allowed, why = _allowance(c)
    within = allowed if cut == NOISE_POINTS else f"{allowed}: {why}"
    verdict = _direction(difference, f"{_points(difference, cut)} **lower**", f"**about the same** (within {within})",
                         f"{_points(difference, cut)} **higher**", cut)
    what = "test-set accuracy read every epoch (the run validated on the test set)" if c.validation_on_test else \
        "validation accuracy"
    text = (f"Accuracy: best {what}: {o.best_val:.3f} for the {noun(o.name)} model against {s.best_val:.3f} for the "
            f"standard model, {verdict}.")
    if _tests_compared(c):
        text += (f" Test accuracy, measured once after the last epoch: {o.test:.3f} against {s.test:.3f}, "
                 f"{_test_verdict(c)}.")
    return text


def _unvalidated(c: Comparison) -> str:
    """Which of the two models read no validation accuracy: a record whose separable model read none said "the run
    read no validation accuracy" beside the standard model's validation curve."""
    missing = [outcome for outcome in (c.other, c.standard) if outcome.best_val is None]
    within = " in the epochs both models finished" if c.finished else ""  # compared over those (compare)
    if len(missing) == 2:
        return f"the run read no validation accuracy{within}"
    return f"the {noun(missing[0].name)} model read no validation accuracy{within}"


def _test_verdict(c: Comparison) -> str:
    """Lower, about the same or higher, of the other model's test accuracy against the standard model's, judged on
    the test set's own size: 3.0 points read "lower" on 500 test images, where chance alone moves each by 2.2, beside
    a validation verdict and a note that allowed 3.5 points on 200 validation images."""
    difference = c.other.test - c.standard.test
    cut, allowed, why = _allowance_for(c.test_images)
    return _direction(difference, f"{_points(difference, cut)} lower",
                      "about the same" if cut == NOISE_POINTS else f"about the same (within {allowed}: {why})",
                      f"{_points(difference, cut)} higher", cut)


def behind_sentence(c: Comparison) -> str | None:
    """When the other model is clearly behind: what could explain it, and that this run cannot tell which."""
    if too_early(c):  # said once, by too_early, instead
        return None
    s, o = c.standard, c.other
    if s.best_val is None or o.best_val is None or o.best_val >= s.best_val or \
            about_the_same(o.best_val - s.best_val, _allowance(c)[0]):
        return None
    # fewer only where the record says so, in the digits written: 8x more had read "0.1x fewer", as many "1.0x fewer"
    fewer = s.params / o.params if s.params and o.params else 0.0
    causes = [f"it has {fewer:.1f}x fewer parameters (less capacity)"] if round(fewer, 1) > 1 else []
    init = c.recipe.get("depthwise_init")
    if init:  # a record may hold a list of numbers here: shown as it is, never looked up
        start = DEPTHWISE_INIT_WORDS.get(init) if isinstance(init, str) else None
        causes.append(f"it starts from {plain(start or f'the depthwise initializer {init}')}")
    scaling, rate = c.recipe.get("input_scaling"), c.recipe.get("learning_rate")
    if scaling or rate:
        scaling_words = INPUT_SCALING_WORDS.get(scaling, scaling) if isinstance(scaling, str) else scaling
        shared = [part for part in (f"input scaling ({plain(scaling_words)})" if scaling else "",
                                    f"learning rate ({plain(rate)})" if rate else "") if part]
        causes.append(f"its {' and '.join(shared)} {'is' if len(shared) == 1 else 'are'} the standard model's, "
                      "chosen for neither in particular")
    if not causes:
        return (f"Why the {noun(o.name)} model is behind here is **not known**: in this record only its layers differ "
                "from the standard model's. Telling chance from the layers' effect takes several runs of each, with "
                "different seeds.")
    return (f"Why the {noun(o.name)} model is behind here is **not known**. Candidates: "
            + "; ".join(causes) + ". Telling them apart takes runs that change one of them at a time, each with "
            "several seeds.")


def epoch_time(seconds: float, extra: int = 0) -> str:
    """An epoch's time: '11.2 s', or in milliseconds under a second ('40 ms'), with `extra` more decimals: a run of
    0.04 s epochs against 0.1 s ones read "2.50x faster per epoch (0.0 s against 0.0 s)"."""
    if round(seconds * 1000, extra) < 1000:  # 0.9996 s: "1.0 s"
        return f"{seconds * 1000:.{extra}f} ms"
    return f"{seconds:.{1 + extra}f} s"


def _timed_epochs(c: Comparison) -> str:
    """Which epochs the times average, where epoch 1 is left out: ', epochs 2-5 (epoch 1 also compiles the model)'."""
    first, last = c.other.first_timed, min(c.other.last_epoch, c.standard.last_epoch)
    if last == 1:  # one epoch each: nothing to leave out, and the time holds the compiling too
        return ", epoch 1 alone, which also compiles the model"
    if first == 1 or c.standard.first_timed == 1:
        return ""
    which = f"epoch {last}" if last == first else f"epochs {first}-{last}"
    return f", {which}: epoch 1 also compiles the model"


def _epochs_text(epochs: Sequence[int]) -> str:
    """Epochs as a sentence names them: "epoch 2", "epochs 2-5" (a run of them), "epochs 2 and 4"."""
    if len(epochs) == 1:
        return f"epoch {epochs[0]}"
    if list(epochs) == list(range(epochs[0], epochs[-1] + 1)):
        return f"epochs {epochs[0]}-{epochs[-1]}"
    return "epochs " + listed([str(epoch) for epoch in epochs])


def _more_work_verdict(speed: float, work: float, alike: bool) -> str:
    """What a model's time says beside its arithmetic where it does no fewer multiply-adds than the standard model
    (`work`, the standard's over its own, under SAVING): `speed`, the standard's seconds over its own, and `alike`,
    whether the two times read as one. "took as long ...: so the difference in time does not come from the
    arithmetic" was said of a model that did 1.20x more multiply-adds in the same time: there was no difference."""
    if 1 / SAVING < speed / work < SAVING or (alike and work > 1 / SAVING):
        return "about as the arithmetic says"
    if work > 1 / SAVING:  # about as many multiply-adds, and the times differ
        return "so the difference in time does not come from the arithmetic"
    if alike:
        return "its extra arithmetic did not show in the time"
    if speed / work < 1:
        return "more than its extra arithmetic explains"
    return "faster in spite of its extra arithmetic" if speed > 1 else "less than its extra arithmetic would say"


def time_sentence(c: Comparison) -> str | None:
    """How many times faster (or slower) per epoch the other model was, beside how many times fewer multiply-adds
    it does."""
    s, o = c.standard, c.other
    # A record whose epochs took 0 seconds lost its time sentence without a word; one such epoch among timed ones
    # was averaged in as a real 0 s (0 and 10 s: "took as long" as a model that took 5 s an epoch)
    untimed = [f"the {noun(part.name)} model 0 seconds for {_epochs_text(part.zero_epochs)}" for part in (o, s)
               if part.zero_epochs]
    if untimed:
        return f"Time: not compared: the record gives {listed(untimed)}."
    if not s.seconds_per_epoch or not o.seconds_per_epoch or not o.multiply_adds:
        return None
    work = s.multiply_adds / o.multiply_adds
    speed = s.seconds_per_epoch / o.seconds_per_epoch
    # By the digits shown: a speed of 1.005 is 1.00499... in binary, and read "was 1.00x faster per epoch"
    took = (f"was {speed:.2f}x faster per epoch" if speed > 1 and f"{speed:.2f}" != "1.00" else
            f"was {1 / speed:.2f}x slower per epoch" if speed < 1 and f"{1 / speed:.2f}" != "1.00" else
            "took as long per epoch")
    # 9.951 s against 10.049 s read "1.01x faster (10.0 s against 10.0 s)"; times that took as long read alike
    seconds = [o.seconds_per_epoch, s.seconds_per_epoch]
    shown = [epoch_time(value) for value in seconds] if took.startswith("took as long") else \
        told_apart(seconds, epoch_time, most=3)
    times = f"({shown[0]} against {shown[1]}{_timed_epochs(c)})"
    if work < SAVING:  # no saving in arithmetic to compare the time with
        does = ("about as many multiply-adds per image as the standard model" if work > 1 / SAVING
                else f"{1 / work:.2f}x more multiply-adds per image")
        verdict = _more_work_verdict(speed, work, took.startswith("took as long"))
        return f"Time: the {noun(o.name)} model does {does} and {took} {times}: {verdict}."
    if not took.startswith("was") or speed < 1:  # a slowdown read "about the saving" beside 1.10x fewer
        verdict = "none of the saving in arithmetic shows in its time"
    else:
        verdict = SAVING_VERDICTS[_saving_band(speed, work)] + " the saving in arithmetic"
    return (f"Time: the {noun(o.name)} model does {work:.2f}x fewer multiply-adds per image and {took} {times}: "
            f"{verdict}.")


SAVING_VERDICTS = ("far less than", "less than", "about", "more than")


def _saving_band(speed: float, work: float) -> int:
    """How a speed-up (`speed` > 1) compares with a saving in arithmetic (`work` >= SAVING), as an index into
    SAVING_VERDICTS: by their ratio (under 0.5, under 0.8, over 1.25), and lower where the share of the saving that
    shows, log(speed) / log(work), is under 0.8 or 0.5. By the ratio alone 1.10x fewer multiply-adds and 1.01x faster
    read "about the saving": a tenth of it showed. (The share only lowers a verdict: near a small saving it swings
    far, and 1.13x faster for 1.10x fewer read "more than the saving".)"""
    def band(value: float) -> int:
        return 0 if value < 0.5 else 1 if value < 0.8 else 3 if value > 1.25 else 2

    by_ratio, by_share = band(speed / work), band(math.log(speed) / math.log(work))
    return by_ratio if by_share >= 2 else min(by_ratio, by_share)


def negative_first_gap(series: Sequence) -> list[str]:
    """Labels of the series whose gap is negative at epoch 1 (validation above training)."""
    return [item.label for item in series if item.gap and item.gap[0] is not None and item.gap[0] < 0]


def negative_gap_note(series: Sequence, quote: Callable[[str], str] = str) -> str | None:
    """The sentence for the curves whose gap is negative at epoch 1: every curve shown, or the list of them, one
    "architecture · run" label apart from the next by a semicolon (a label holds a "·" and often a ":" itself, and
    four of them joined by commas read as one). `quote` writes a label (a run file's title) for the page."""
    negative = [quote(label) for label in negative_first_gap(series)]
    if not negative:
        return None
    who = ("every curve shown" if len(negative) == len(series) and len(series) > 1
           else "; ".join(negative) if len(negative) > 1 else negative[0])
    return (f"At epoch 1 the gap is negative for {who}: the validation accuracy is above the training accuracy. "
            "Training accuracy is averaged over an epoch in which the model kept improving, while validation is "
            "measured once, at the epoch's end, by the better model.")


def seeds_per_model(runs: Sequence[LoadedRun]) -> dict[tuple[str, str], int]:
    """How many runs with distinct seeds each (recipe title, architecture) has among these runs."""
    seeds: dict[tuple[str, str], set] = {}
    for run in runs:
        for arch in run.record.architectures:
            seeds.setdefault((run.record.title, arch.name), set()).add(run.record.data.get("seed"))
    return {key: len(values) for key, values in seeds.items()}


def seed_note(counts: dict[tuple[str, str], int]) -> str | None:
    """Say, with the counts, that runs with too few seeds give no spread to judge a point or two by."""
    fewest = min(counts.values(), default=SEEDS_FOR_A_SPREAD)
    if fewest >= SEEDS_FOR_A_SPREAD:
        return None
    runs = "one run" if fewest == 1 else f"{fewest} runs"
    every = all(count == fewest for count in counts.values())
    who = f"These models have {runs} each" if every else f"Some of these models have only {runs}"
    return (f"{who}, with {'one seed' if fewest == 1 else 'different seeds'}: too "
            f"few to measure how much another seed changes the accuracy. Until at least {SEEDS_FOR_A_SPREAD} seeds "
            "per model give that spread, a difference of a point or two may be nothing but the seed.")
