"""The quiz's answers: the worked formula behind a right answer, and the known mistakes behind wrong ones.

Every known mistake is a small function that computes the answer a student holding that misconception
would give, so a wrong answer is diagnosed by value (never by matching text). These functions read a
question's layers (dsconv.quiz.generate.LayerSpec) through their costs from dsconv.costs.arithmetic; dsconv.quiz.generate builds
the questions and imports this module, never the other way round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from dsconv.costs.arithmetic import LayerConfigError, tutorial_cost
from dsconv.costs.derivation import aligned_chain, latex_number, stacked_lines
from dsconv.quiz.questions import SEPARABLE_KINDS, Answer, LayerSpec, Question

RATIO_TOLERANCE = 0.05  # "one decimal place": 6.33 accepts 6.3; a ratio exactly halfway accepts both roundings



@dataclass(frozen=True)
class Misconception:
    """A known mistake and the function that computes the answer it leads to (None: it does not apply)."""

    key: str
    name: str
    explanation: str
    wrong_answer: Callable[[Question], Answer | None]
    explain_for: Callable[[Question], str] | None = None  # the explanation with this question's layer, if it varies

    def text(self, question: Question) -> str:
        """What the student should know, for this question's layer."""
        return self.explain_for(question) if self.explain_for else self.explanation


# ---------------------------------------------------------------- worked formulas (LaTeX)

def _weight_terms(spec: LayerSpec) -> list[tuple[str, str, int, bool]]:
    """(label, product written out, value, is_bias) for each block of weights, in the layer's order."""
    k, c, n = spec.kernel_size, spec.in_channels, spec.out_channels
    depthwise = ("depthwise k^2C", rf"{k}\cdot{k}\cdot{c}", k * k * c, False)
    pointwise = ("pointwise CN", rf"{c}\cdot{n}", c * n, False)
    return {
        "standard": [("weights k^2CN", rf"{k}\cdot{k}\cdot{c}\cdot{n}", k * k * c * n, False),
                     ("bias N", str(n), n, True)],
        "depthwise": [depthwise, ("bias C", str(c), c, True)],
        "pointwise": [pointwise, ("bias N", str(n), n, True)],
        "separable": [depthwise, pointwise, ("bias N", str(n), n, True)],
        "depthwise_pointwise": [depthwise, ("depthwise bias C", str(c), c, True), pointwise,
                                ("bias N", str(n), n, True)],
    }[spec.kind]


def params_formula(spec: LayerSpec) -> str:
    """LaTeX: the parameter count as labelled products with this layer's numbers, two products a line."""
    terms = _weight_terms(spec)
    braces = [rf"\underbrace{{{text}}}_{{\text{{{label.rsplit(' ', 1)[0]}}}\ {label.rsplit(' ', 1)[1]}}}"
              for label, text, _, _ in terms]
    lines = [("+ " if i else "") + " + ".join(braces[i:i + 2]) for i in range(0, len(braces), 2)]
    lines[-1] += rf" = {latex_number(sum(value for _, _, value, _ in terms))}"
    return stacked_lines(*lines)


def macs_formula(spec: LayerSpec) -> str:
    """LaTeX: multiply-adds = output positions x weights per position (biases add, they do not multiply), the
    products on the first line (the sum of a two-layer's weights on the next), the numbers on the last."""
    height, width, _ = spec.cost().output_shape
    weights = [(text, value) for _, text, value, is_bias in _weight_terms(spec) if not is_bias]
    inner = " + ".join(text for text, _ in weights)
    per_position = sum(value for _, value in weights)
    positions = rf"\underbrace{{{height}\cdot{width}}}_{{\text{{output positions}}}}"
    # a sum of two layers' weights on a line of its own: beside the positions it ran past a 320 px phone's page
    products = [rf"{positions} \times {inner}"] if len(weights) == 1 else [positions, rf"\times ({inner})"]
    return stacked_lines(*products, rf"= {latex_number(height * width)} \times {latex_number(per_position)}"
                                    rf" = {latex_number(height * width * per_position)}")


def shape_formula(spec: LayerSpec) -> tuple[str, str]:
    """LaTeX: output height (= width) by Keras's padding rule, then the channel count and the shape, each in lines
    that fit a phone's 288 px page (in one line the channels' ran 590 px)."""
    s, size, k = spec.strides, spec.size, spec.kernel_size
    out = spec.cost().output_shape
    if spec.padding == "same":
        side = aligned_chain([r"H'", r"\left\lceil \frac{H}{s} \right\rceil\quad\text{(same)}"],
                             [rf"\left\lceil \frac{{{size}}}{{{s}}} \right\rceil", str(out[0])])
    else:
        side = aligned_chain([r"H'", r"\left\lfloor \frac{H - k}{s} \right\rfloor + 1\quad\text{(valid)}"],
                             [rf"\left\lfloor \frac{{{size} - {k}}}{{{s}}} \right\rfloor + 1", str(out[0])])
    channels, why = (("C", "one output per input channel") if spec.kind == "depthwise" else ("N", "one per filter"))
    # the shape on a line of its own: beside the channels it ran past a 320 px phone's page
    return side, (rf"\begin{{gathered}}\text{{channels}} = {channels} = {out[2]}\\ \Rightarrow\;"
                  rf" {out[0]}\times{out[1]}\times{out[2]}\\ \text{{({why})}}\end{{gathered}}")


# ---------------------------------------------------------------- misconceptions: each computes its wrong answer

def _without_bias(q: Question) -> Answer | None:
    if q.topic == "params":
        return q.layers[0].cost(use_bias=False).params
    if q.topic == "times_fewer" and q.metric == "params":
        return q.layers[0].cost(use_bias=False).params / q.layers[1].cost(use_bias=False).params
    return None


def _biases_text(spec: LayerSpec) -> str:
    """Every bias vector of a layer with Keras's defaults, named by the step that adds it."""
    c, n = spec.in_channels, spec.out_channels
    return {
        "standard": f"one bias per filter: N = {n}",
        "pointwise": f"one bias per filter: N = {n}",
        "depthwise": f"one bias per output channel, which here is one per input channel: C = {c}",
        "separable": f"one bias per output channel after the pointwise step, N = {n}, and none after the depthwise "
                     "step",
        "depthwise_pointwise": f"two bias vectors, one per layer: C = {c} after the depthwise step and N = {n} after "
                               f"the 1x1 step, {c + n} in all",
    }[spec.kind]


def _bias_explanation(q: Question) -> str:
    layers = q.layers if q.topic == "times_fewer" else q.layers[:1]
    parts = [f"`{spec.code()}` has {_biases_text(spec)}" for spec in layers]
    return "`use_bias=True` is the default, so biases count as parameters: " + "; ".join(parts) + "."


def _pointwise_as_n_by_n(spec: LayerSpec, metric: str) -> int | None:
    """The count if each pointwise filter had N weights (the tutorial's (n, 1, 1, n)) instead of C."""
    if spec.kind not in ("pointwise",) + SEPARABLE_KINDS:
        return None
    cost = spec.cost()
    height, width, n = cost.output_shape
    c = spec.in_channels
    positions = 1 if metric == "params" else height * width
    return getattr(cost, metric) - positions * c * n + positions * n * n


def _pointwise_wrong(q: Question) -> Answer | None:
    if q.topic in ("params", "multiply_adds"):
        return _pointwise_as_n_by_n(q.layers[0], q.topic)
    if q.topic == "times_fewer":
        return getattr(q.layers[0].cost(), q.metric) / _pointwise_as_n_by_n(q.layers[1], q.metric)
    return None


def _flops(q: Question) -> Answer | None:
    return 2 * q.answer if q.topic == "multiply_adds" else None


def _swap_two_step(q: Question, have: str, becomes: str) -> Answer | None:
    if q.topic == "cheaper":  # SeparableConv2D beside DepthwiseConv2D + Conv2D: counting them alike says "same"
        kinds = {spec.kind for spec in q.layers}
        pair = kinds == {"separable", "depthwise_pointwise"} and q.metric == "params"
        return "same" if pair and have == "depthwise_pointwise" else None
    spec = q.layers[-1]
    if spec.kind != have:
        return None
    swapped = replace(spec, kind=becomes)
    if q.topic == "params":
        return swapped.cost().params
    if q.topic == "bias_place":
        return "both" if becomes == "depthwise_pointwise" else "pointwise_only"
    if q.topic == "times_fewer" and q.metric == "params":
        return q.layers[0].cost().params / swapped.cost().params
    return None


def _other_padding(q: Question) -> Answer | None:
    if q.topic not in ("shape", "multiply_adds"):
        return None
    spec = q.layers[0]
    try:
        cost = replace(spec, padding="valid" if spec.padding == "same" else "same").cost()
    except LayerConfigError:
        return None
    return cost.output_shape if q.topic == "shape" else cost.multiply_adds


def _input_positions(q: Question) -> Answer | None:
    if q.topic != "multiply_adds":
        return None
    spec = q.layers[0]
    weights = sum(value for _, _, value, is_bias in _weight_terms(spec) if not is_bias)
    return spec.size * spec.size * weights


def _no_stride(q: Question) -> Answer | None:
    if q.topic not in ("shape", "multiply_adds") or q.layers[0].strides == 1:
        return None
    cost = replace(q.layers[0], strides=1).cost()
    return cost.output_shape if q.topic == "shape" else cost.multiply_adds


def _upside_down(q: Question) -> Answer | None:
    return 1 / q.answer if q.topic == "times_fewer" else None


def which_fewer(count_a: int, count_b: int) -> str:
    """The answer to "which has fewer": A, B, or same."""
    return "A" if count_a < count_b else "B" if count_b < count_a else "same"


def _other_metric(q: Question) -> Answer | None:
    if q.topic != "cheaper":
        return None
    other = "multiply_adds" if q.metric == "params" else "params"
    return which_fewer(*(getattr(spec.cost(), other) for spec in q.layers))


def _separable_always_wins(q: Question) -> Answer | None:
    if q.topic != "cheaper":
        return None
    separable = [label for label, spec in zip("AB", q.layers) if spec.kind in SEPARABLE_KINDS]
    return separable[0] if len(separable) == 1 else None


_TUTORIAL_SEPARABLE, _TUTORIAL_PAIR = (tutorial_cost(kind).params for kind in ("separable", "depthwise_pointwise"))
MISCONCEPTIONS = (  # mistakes about separable layers first: check_answer names the first of equal matches
    Misconception("pointwise_n_by_n", "Counting the pointwise kernel as 1 × 1 × N",
                  "A pointwise filter is 1 × 1 × C: it mixes the C input channels, so N filters hold C·N weights, "
                  "not N·N (the tutorial's (n, 1, 1, n) slip).", _pointwise_wrong),
    Misconception("separable_depthwise_bias", "Giving SeparableConv2D's depthwise step a bias",
                  "Keras's SeparableConv2D has a single bias vector, after the pointwise step "
                  f"({_TUTORIAL_SEPARABLE}, not {_TUTORIAL_PAIR}, in the tutorial's first layer).", lambda q: _swap_two_step(q, "separable", "depthwise_pointwise")),
    Misconception("two_layers_as_separable", "Treating DepthwiseConv2D + Conv2D as SeparableConv2D",
                  "DepthwiseConv2D keeps its own bias by default, so the two-layer version has C more parameters "
                  f"({_TUTORIAL_PAIR}, not {_TUTORIAL_SEPARABLE}, in the tutorial's first layer).",
                  lambda q: _swap_two_step(q, "depthwise_pointwise", "separable")),
    Misconception("separable_always_cheaper", "Assuming a separable layer is always cheaper",
                  "A separable layer is a depthwise step plus a pointwise (1 × 1) layer: it beats a standard layer "
                  "with the same settings where N ≥ 2 and k ≥ 2, but never has fewer parameters than the pointwise "
                  "layer alone, nor fewer multiply-adds at the same output positions.", _separable_always_wins),
    Misconception("forgot_bias", "Forgetting the bias",
                  "Every output channel also has one bias (`use_bias=True` is the default): add one number per output "
                  "channel to the weights.", _without_bias,
                  _bias_explanation),
    Misconception("flops_not_macs", "Giving FLOPs instead of multiply-adds",
                  "FLOPs count the multiply and the add separately, so they are twice the multiply-adds.", _flops),
    # Before the padding: with strides 1 both give the input's positions, and the prompt names the padding, so the
    # input size is the likelier slip.
    Misconception("input_not_output_positions", "Counting multiply-adds on the input size",
                  "The kernel's weights are used once per output position: multiply by the output's height × width, "
                  "not the input's.", _input_positions),
    Misconception("wrong_padding", 'Mixing up "valid" and "same" padding',
                  '"valid" output side = floor((H − k) / s) + 1; "same" output side = ceil(H / s).', _other_padding),
    Misconception("forgot_stride", "Forgetting the stride",
                  "A stride of 2 moves the kernel two pixels at a time: about half the height and half the width.",
                  _no_stride),
    Misconception("ratio_upside_down", "Dividing the wrong way round",
                  '"How many times fewer" is the larger count divided by the smaller one.', _upside_down),
    Misconception("params_vs_work", "Mixing up parameters and multiply-adds",
                  "Parameters do not depend on the input size or the stride; multiply-adds do (weights × output "
                  "positions).", _other_metric),
)


def traps(question: Question) -> list[tuple[Misconception, Answer]]:
    """Each misconception that applies to this question, with the wrong answer it computes."""
    found = []
    for misconception in MISCONCEPTIONS:
        wrong = misconception.wrong_answer(question)
        if wrong is not None and not answers_match(question, wrong, question.answer):
            found.append((misconception, wrong))
    return found


def answer_distance(question: Question, response: Answer, expected: Answer) -> float:
    """How far a response is from an answer: the difference for numbers and ratios, 0 or 1 otherwise."""
    if question.answer_kind in ("ratio", "number"):
        return abs(float(response) - float(expected))
    return 0.0 if answers_match(question, response, expected) else 1.0


def answers_match(question: Question, response: Answer, expected: Answer) -> bool:
    """Whether a response equals an answer: exactly, or within RATIO_TOLERANCE for a ratio."""
    kind = question.answer_kind
    if kind == "ratio":
        return math.isfinite(float(response)) and abs(float(response) - float(expected)) <= RATIO_TOLERANCE + 1e-9
    if kind == "shape":
        return tuple(int(v) for v in response) == tuple(expected)
    if kind == "number":
        return float(response) == float(expected)
    return response == expected
