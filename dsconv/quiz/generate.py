"""Predict-then-reveal questions about convolution layers: generated from a seed, checked, and diagnosed.

Every answer comes from dsconv.costs.arithmetic. The worked formulas and the known mistakes (each computes the
answer a student holding that misconception would give) live in dsconv.quiz.answers. The same seed gives
the same questions on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Sequence

from dsconv.costs.arithmetic import tutorial_cost
from dsconv.costs.derivation import latex_number
from dsconv.kinds import KINDS
from dsconv.quiz.answers import (
    Misconception,
    answer_distance,
    answers_match,
    macs_formula,
    params_formula,
    shape_formula,
    traps,
    which_fewer,
)
from dsconv.quiz.questions import SEPARABLE_KINDS, TOPICS, Answer, LayerSpec, Question
from dsconv.safe_text import counted


@dataclass(frozen=True)
class QuizSettings:
    """What a generated question set looks like."""

    questions: int = 10  # one lesson's worth, about ten minutes
    sizes: tuple[int, ...] = (6, 7, 8, 9, 10, 12)  # input height = width, small enough to work by hand
    mac_sizes: tuple[int, ...] = (5, 6, 7, 8)  # smaller inputs where the student multiplies out positions
    in_channels: tuple[int, ...] = (1, 2, 3, 4, 8)  # grey, RGB and a few feature maps
    depthwise_in_channels: tuple[int, ...] = (2, 3, 4, 8)  # with one channel a depthwise layer is trivial
    out_channels: tuple[int, ...] = (4, 8, 16, 32)  # filter counts of a small network's early layers
    kernel_sizes: tuple[int, ...] = (3, 5)  # 3x3 (MobileNet, Xception) and 5x5 (MnasNet, EfficientNet)
    strides: tuple[int, ...] = (1, 1, 2)  # stride 2 one time in three, as in downsampling layers


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer: right or wrong, and the known mistakes that best explain a wrong one."""

    correct: bool
    # The closest known mistakes, in MISCONCEPTIONS order: more than one where they give the same number (a 1x1
    # layer with N = 2C: counting FLOPs and counting the pointwise kernel as 1 x 1 x N both double the answer).
    misconceptions: tuple[Misconception, ...] = ()

    @property
    def misconception(self) -> Misconception | None:
        """The first of the closest known mistakes, if any gives this answer."""
        return self.misconceptions[0] if self.misconceptions else None


def _count(spec: LayerSpec, metric: str) -> int:
    return getattr(spec.cost(), metric)


def _count_formula(spec: LayerSpec, metric: str) -> str:
    return params_formula(spec) if metric == "params" else macs_formula(spec)


# ---------------------------------------------------------------- question builders

def _defaults(spec: LayerSpec) -> str:
    """The settings the layer's code leaves at Keras's defaults, in words ('strides 1 and padding "valid", Keras's
    defaults'), or "": a count of multiply-adds or an output shape depends on them, so no student has to guess."""
    left = ([] if spec.strides != 1 else ["strides 1"]) + ([] if spec.padding == "same" else ['padding "valid"'])
    return f"{' and '.join(left)}, Keras's default{'s' if len(left) > 1 else ''}" if left else ""


def _intro(spec: LayerSpec) -> str:
    said = _defaults(spec)
    return f"`{spec.code()}` reads an input of shape **{spec.input_text}** (one image{'; ' + said if said else ''})."


_BIAS_CHOICES = ("pointwise_only", "depthwise_only", "both", "none")
_EXPLANATIONS = {
    "params": "Parameters depend on the kernel and the channels only: the input's height and width, the stride "
              "and the padding do not change them.",
    "shape": '"valid" keeps the kernel inside the image; "same" pads with zeros so that the output side is the '
             "input side divided by the stride, rounded up.",
    "multiply_adds": "One multiply-add per weight per output position, so use the output's height and width. "
                     "FLOPs count the multiply and the add separately: twice this number.",
    "cheaper": "The two layers differ in {what}. Parameters ignore the stride and the input size; "
               "multiply-adds grow with the number of output positions, and a bias adds but does not multiply. A "
               "separable layer is a depthwise step plus a pointwise layer: with 2 or more output channels and a "
               "kernel of 2 x 2 or more, cheaper than a standard layer with the same settings; never fewer parameters "
               "than its pointwise layer alone, nor fewer multiply-adds at the same output positions.",
    "times_fewer": "Divide the standard count by the separable count. For multiply-adds the ratio is exactly "
                   "1 / (1/N + 1/k²): a bias adds, it does not multiply.",
    "bias_place": "Keras's SeparableConv2D has one bias vector, after the pointwise step. DepthwiseConv2D followed "
                  "by Conv2D is two layers, each with its own bias "
                  f"({tutorial_cost('depthwise_pointwise').params} vs {tutorial_cost('separable').params} parameters in "
                  "the tutorial's first layer).",
}


def _labelled(name: str, formula: str) -> str:
    """A worked formula under its layer's name: beside it, "DepthwiseConv2D + 1x1 Conv2D:" pushed a two-layer sum
    past the right edge of a 1024 px projector. A two-layer name takes two lines: in one it ran past a 320 px phone's
    page."""
    head, plus, tail = name.partition(" + ")
    title = rf"\text{{{head} +}}\\ \text{{{tail}:}}" if plus else rf"\text{{{name}:}}"
    return rf"\begin{{gathered}}{title}\\ {formula}\end{{gathered}}"


def _params_ratio_explanation(standard: LayerSpec, other: LayerSpec) -> str:
    """How far the biases move a parameter ratio from 1 / (1/N + 1/k²), which counts the weights only. It said the
    biases make it "slightly different": with C = 2 and N = 64 the weights give 7.89 and the parameters 5.74."""
    n, k2 = standard.out_channels, standard.kernel_size ** 2
    weights = standard.cost(use_bias=False).params / other.cost(use_bias=False).params
    biases = [layer.cost().params - layer.cost(use_bias=False).params for layer in (standard, other)]
    return (f"Divide the standard count by the separable count. 1 / (1/N + 1/k²) counts the weights only: "
            f"1 / (1/{n} + 1/{k2}) = {weights:.2f}. The biases ({biases[0]} in the Conv2D, {biases[1]} in the "
            f"{KINDS[other.kind].label}) make the parameters' ratio "
            f"{standard.cost().params / other.cost().params:.2f}.")


def build_question(topic: str, layers: Sequence[LayerSpec], metric: str = "params", seed: int = 0,
                   index: int = 0) -> Question:
    """The question of one kind about given layer(s); `metric` (params or multiply_adds) is for comparisons."""
    layers = tuple(layers)
    spec, what = layers[0], "parameters" if metric == "params" else "multiply-adds"
    extra: dict = {}
    if topic == "params":
        prompt = _intro(spec) + " How many parameters (weights and biases) does it have?"
        answer, formula, metric = spec.cost().params, (params_formula(spec),), "params"
    elif topic == "shape":
        prompt = _intro(spec) + " What shape (height × width × channels) does it output?"
        answer, formula, metric = spec.cost().output_shape, shape_formula(spec), "shape"
    elif topic == "multiply_adds":
        prompt = _intro(spec) + (" How many multiply-adds (one multiplication plus one addition each) does it do "
                                 "for this image? Bias additions do not count.")
        # the output's side first, as the shape question works it: the count's "4·4 output positions" came from
        # nowhere, where a student's mistake is most often that side (the input's, or the other padding's)
        answer, formula, metric = spec.cost().multiply_adds, (shape_formula(spec)[0], macs_formula(spec)), \
            "multiply_adds"
    elif topic == "cheaper":
        layer_a, layer_b = layers
        shared = _defaults(layer_a) if _defaults(layer_a) == _defaults(layer_b) else ""
        prompt = (f"Both layers read an input of shape **{layer_a.input_text}**{f' ({shared})' if shared else ''}. "
                  f"Which one has fewer **{what}**?")
        answer = which_fewer(_count(layer_a, metric), _count(layer_b, metric))
        extra["choices"] = tuple((name, f"Layer {name}: `{layer.code()}`" + (
            f" ({_defaults(layer)})" if _defaults(layer) and not shared else "")) for name, layer in zip("AB", layers))
        extra["choices"] += (("same", f"Neither: they have the same number of {what}"),)
        formula = tuple(_labelled(f"Layer {name}", _count_formula(layer, metric)) for name, layer in zip("AB", layers))
    elif topic == "times_fewer":
        standard, other = layers
        said = _defaults(standard)  # the two share their strides and padding
        prompt = (f"`{standard.code()}` and `{other.code()}` both read an input of shape **{standard.input_text}**"
                  f"{f' ({said})' if said else ''}. How many times fewer **{what}** does the second have? (One decimal "
                  "place.)")
        big, small = _count(standard, metric), _count(other, metric)
        answer = big / small
        formula = (_labelled("Conv2D", _count_formula(standard, metric)),
                   _labelled(KINDS[other.kind].label, _count_formula(other, metric)),
                   rf"\frac{{{latex_number(big)}}}{{{latex_number(small)}}} \approx {answer:.2f}")
        if metric == "multiply_adds":
            n, k = standard.out_channels, standard.kernel_size
            # the numbers on a line of their own: in one line the ratio ran past a 320 px phone's page
            formula += (_labelled("MobileNet", rf"\frac{{1}}{{1/N + 1/k^2}} \\ = \frac{{1}}{{1/{n} + 1/{k * k}}}"
                                               rf" = {1 / (1 / n + 1 / k**2):.2f}"),)
    elif topic == "bias_place":
        depthwise, pointwise = spec.cost().stages
        answer = {(False, True): "pointwise_only", (True, False): "depthwise_only", (True, True): "both",
                  (False, False): "none"}[(depthwise.bias > 0, pointwise.bias > 0)]
        c, n = spec.in_channels, spec.out_channels
        labels = {"pointwise_only": f"Only after the pointwise step: {n} biases",
                  "depthwise_only": f"Only after the depthwise step: {c} biases",
                  "both": f"After both steps: {c} + {n} = {c + n} biases", "none": "Nowhere: no bias at all"}
        extra["choices"] = tuple((key, labels[key]) for key in _BIAS_CHOICES)
        prompt = _intro(spec) + " Where are its biases (`use_bias` is left at its default)?"
        other = replace(spec, kind="depthwise_pointwise" if spec.kind == "separable" else "separable")
        formula = tuple(_labelled(KINDS[layer.kind].label, params_formula(layer)) for layer in (spec, other))
        metric = "params"
    else:
        raise ValueError(f"Unknown kind of question {topic!r}; choose from {', '.join(TOPICS)}.")
    explanation = _EXPLANATIONS[topic]
    if topic == "times_fewer" and metric == "params":
        explanation = _params_ratio_explanation(*layers)
    if topic == "cheaper":  # which one idea the pair differs in (tests/engine/test_quiz.py: the kind or the stride)
        what = "the kind of layer only"
        if layers[0].strides != layers[1].strides:
            what = "their stride only"
        elif layers[0].kernel_size != layers[1].kernel_size:  # a pointwise layer against a separable one
            what = "the kind of layer, and so in the kernel: a pointwise layer's is always 1 x 1"
        explanation = explanation.format(what=what)
    return Question(seed, index, topic, prompt, layers, metric, answer, formula=formula, explanation=explanation,
                    **extra)


def _pick(rng: random.Random, settings: QuizSettings, kind: str, sizes: Sequence[int] | None = None,
          out_channels: Sequence[int] | None = None, several_channels: bool = False) -> LayerSpec:
    """A random layer of one kind with small, hand-computable numbers (several channels for depthwise kinds, or
    when the layer will be compared with one)."""
    several = several_channels or kind in ("depthwise",) + SEPARABLE_KINDS
    in_channels = rng.choice(settings.depthwise_in_channels if several else settings.in_channels)
    return LayerSpec(
        kind=kind, size=rng.choice(sizes or settings.sizes), in_channels=in_channels,
        out_channels=in_channels if kind == "depthwise" else rng.choice(out_channels or settings.out_channels),
        kernel_size=1 if kind == "pointwise" else rng.choice(settings.kernel_sizes),
        strides=rng.choice(settings.strides), padding=rng.choice(("valid", "same")))


def _random_question(rng: random.Random, settings: QuizSettings, topic: str, seed: int, index: int) -> Question:
    """Draw the layer(s) a question of this kind is about."""
    metric = rng.choice(("params", "multiply_adds"))
    if topic == "params":
        layers = [_pick(rng, settings, rng.choice(("standard", "depthwise", "pointwise") + SEPARABLE_KINDS))]
    elif topic == "shape":
        layers = [_pick(rng, settings, rng.choice(("standard", "standard", "depthwise", "separable", "pointwise")))]
    elif topic == "multiply_adds":
        layers = [_pick(rng, settings, rng.choice(("standard", "depthwise", "pointwise", "separable")),
                        settings.mac_sizes, settings.out_channels[:3])]
    elif topic == "cheaper":
        layers = _cheaper_pair(rng, settings)
    elif topic == "times_fewer":
        standard = _pick(rng, settings, "standard", out_channels=(8, 16, 32, 64), several_channels=True)
        layers = [standard, replace(standard, kind=rng.choice(SEPARABLE_KINDS))]
    else:
        layers = [_pick(rng, settings, rng.choice(SEPARABLE_KINDS))]
    return build_question(topic, layers, metric, seed, index)


CHEAPER_IDEAS = (  # each pair differs in one thing only, so that the idea, not the arithmetic, decides
    "separable_vs_standard",  # factoring a convolution into depthwise + pointwise saves work and weights
    "depthwise_vs_standard",  # a depthwise layer skips the channel mixing a standard layer does
    "pointwise_vs_separable",  # a separable layer is a pointwise layer plus a depthwise step, never cheaper than it
    "stride",  # the stride changes the number of output positions, not the weights
    "separable_vs_two_layers",  # the two-layer version has one more bias vector, which adds no multiply-adds
)


def _cheaper_pair(rng: random.Random, settings: QuizSettings) -> list[LayerSpec]:
    """Two layers on the same input that differ in one idea of CHEAPER_IDEAS, in a random order."""
    idea = rng.choice(CHEAPER_IDEAS)
    base = replace(_pick(rng, settings, "separable"), padding="same")  # several channels; "same": equal positions
    if idea == "separable_vs_standard":
        pair = [replace(base, kind="standard"), replace(base, kind=rng.choice(SEPARABLE_KINDS))]
    elif idea == "depthwise_vs_standard":
        pair = [replace(base, kind="standard", out_channels=base.in_channels),
                replace(base, kind="depthwise", out_channels=base.in_channels)]
    elif idea == "pointwise_vs_separable":
        pair = [replace(base, kind="pointwise", kernel_size=1), base]
    elif idea == "stride":
        kind = rng.choice(("standard", "depthwise") + SEPARABLE_KINDS)
        layer = replace(base, kind=kind, out_channels=base.in_channels if kind == "depthwise" else base.out_channels)
        pair = [replace(layer, strides=1), replace(layer, strides=2)]
    else:
        pair = [replace(base, kind="separable"), replace(base, kind="depthwise_pointwise")]
    return pair if rng.random() < 0.5 else pair[::-1]


def _well_posed(question: Question) -> bool:
    """No 1x1 outputs, no tie, and a number question has at least one known mistake to diagnose; a ratio question, none
    that lands on the answer once rounded to one decimal place as the prompt asks (the answer 6.33 and the mistake
    6.27 both read 6.3, and the mistake was marked right)."""
    if any(min(spec.cost().output_shape[:2]) < 2 for spec in question.layers):
        return False
    if question.answer_kind == "choice":
        return True
    found = traps(question)
    if question.answer_kind == "ratio" and any(
            answers_match(question, round(float(wrong), 1), question.answer) for _, wrong in found):
        return False
    return bool(found)


def _identity(question: Question) -> tuple:
    """What makes two questions the same question: the kind, the quantity and the layers (a pair in either order)."""
    return question.topic, question.metric, frozenset(question.layers)


def make_question(seed: int, index: int, topic: str, settings: QuizSettings = QuizSettings(),
                  asked: frozenset = frozenset()) -> Question:
    """The question at `index` of the set `seed`, given the identities (_identity) of the set's questions before it
    (`asked`, as make_quiz passes them), which it does not repeat: the same on every machine and every run (set 151
    asked the same question twice, and the answer to one was a free point for the other). Where 60 draws give only
    repeats (a small pool of QuizSettings), the first well-posed one."""
    if topic not in TOPICS:
        raise ValueError(f"Unknown kind of question {topic!r}; choose from {', '.join(TOPICS)}.")
    rng = random.Random(f"dsconv-quiz/{seed}/{index}/{topic}")  # string seeds hash with SHA-512: stable
    question, first_well_posed = _random_question(rng, settings, topic, seed, index), None
    for _ in range(60):  # redraw the rare degenerate case, and the rarer repeat
        if _well_posed(question):
            if _identity(question) not in asked:
                return question
            first_well_posed = first_well_posed or question
        question = _random_question(rng, settings, topic, seed, index)
    return first_well_posed or question


def make_quiz(seed: int, topics: Sequence[str] = TOPICS,
              settings: QuizSettings = QuizSettings()) -> tuple[Question, ...]:
    """A set of questions for one seed: the chosen kinds in a seed-shuffled order, repeated to fill the set."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"The question set number must be a whole number of at least 0, not {seed!r}.")
    chosen = [topic for topic in TOPICS if topic in topics]
    unknown = [topic for topic in topics if topic not in TOPICS]
    if unknown or not chosen:
        raise ValueError(f"Pick at least one kind of question from: {', '.join(TOPICS)}.")
    random.Random(seed).shuffle(chosen)
    questions: list[Question] = []
    for i in range(settings.questions):
        asked = frozenset(_identity(question) for question in questions)
        questions.append(make_question(seed, i, chosen[i % len(chosen)], settings, asked))
    return tuple(questions)


def check_answer(question: Question, response: Answer) -> Verdict:
    """Right or wrong, and the known misconceptions whose computed answer is closest to a wrong response.

    Several mistakes can give the same wrong answer: the student hears each of the nearest (ratios are matched
    within a tolerance, so one value can be nearer than another), in MISCONCEPTIONS order, which lists the mistakes
    about separable layers before the general ones. Naming only the first told a student who counted FLOPs that
    they had counted the pointwise kernel as 1 x 1 x N, where N = 2C makes both give the same number.
    """
    if answers_match(question, response, question.answer):
        return Verdict(True)
    matches = [(answer_distance(question, response, wrong), misconception)
               for misconception, wrong in traps(question) if answers_match(question, response, wrong)]
    nearest = min((distance for distance, _ in matches), default=None)
    return Verdict(False, tuple(misconception for distance, misconception in matches if distance == nearest))


HUGE = 1e15  # an answer this large is said back in powers of ten, not in full


def answer_text(question: Question, value: Answer | None = None) -> str:
    """An answer (the right one by default) as a student reads it."""
    right = value is None
    value = question.answer if value is None else value
    if question.answer_kind == "shape":  # a height of 1e308 was said back in 309 digits
        return " × ".join(str(int(v)) if abs(float(v)) < HUGE else f"{float(v):.3g}" for v in value)
    if question.answer_kind == "ratio":  # two decimals, as the answer box takes them: a wrong 5.56 must not read as
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")  # the right 5.611's "5.6"
        if abs(float(value)) >= HUGE or 0 < abs(float(value)) < 0.005:  # 1e300 was said in 301 digits, 1e-300 as 0
            return f"{float(value):.3g} times fewer"
        rounded = f"{float(value):.1f}"  # the prompt asks for one decimal place: say what that is
        return f"{text} times fewer" + (f" ({rounded} to one decimal place)" if right and rounded != text else "")
    if question.answer_kind == "choice":
        return dict(question.choices).get(value, str(value))
    unit = "parameter" if question.topic == "params" else "multiply-add"
    # counted: a student's 1 was said back as "1 parameters"
    return counted(int(value), unit) if abs(float(value)) < HUGE else f"{float(value):.3g} {unit}s"
