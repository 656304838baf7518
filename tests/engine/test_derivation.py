"""The Parameter lab's worked ratio and Keras verdict (dsconv.costs.derivation), checked by evaluating every
formula independently of the arithmetic that wrote it."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from dsconv.costs import layer_cost
from dsconv.costs.derivation import keras_verdict, latex_number, ratio_derivation
from dsconv.costs.keras_check import CheckRow


def evaluate(latex: str) -> Fraction:
    """The value of a LaTeX fraction of products and sums of whole numbers (a^2 powers and {,} commas allowed)."""
    text = latex.replace("{,}", "").replace(r"\cdot", "*").replace("^", "**")
    numerator, denominator = re.fullmatch(r"\\frac\{(.+)\}\{(.+)\}", text).groups()
    return Fraction(eval(numerator, {"__builtins__": {}})) / Fraction(eval(denominator, {"__builtins__": {}}))


def parts(formula: str) -> list[str]:
    """The terms of a chain a = b = c, without the leading words (over several aligned lines or one)."""
    aligned = re.fullmatch(r"\\begin\{aligned\}(.+)\\end\{aligned\}", formula)
    if aligned:  # aligned_chain's "&=", or stacked_lines' lines from the left edge ("&" and "&{}=")
        formula = aligned.group(1).replace(r" \\ ", " ").replace("&{}", "").replace("&", "")
    return [part.strip() for part in formula.replace(r"\text{params: }", "").split("=")]


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize("h, w, c, n, k, m, strides, bias", [
    (32, 32, 3, 64, 3, 1, 1, True), (28, 20, 8, 16, 5, 2, 2, False), (7, 7, 32, 1, 1, 3, 1, True)])
def test_every_step_of_the_worked_ratio_evaluates_to_the_count_it_names(h, w, c, n, k, m, strides, bias, narrow):
    settings = dict(height=h, width=w, in_channels=c, out_channels=n, kernel_size=k, depth_multiplier=m,
                    strides=strides, use_bias=bias)
    standard, separable = layer_cost("standard", **settings), layer_cost("separable", **settings)
    out_h, out_w = (h - k) // strides + 1, (w - k) // strides + 1  # "valid" padding
    separable_macs = out_h * out_w * (k * k * c * m + c * m * n)  # MobileNet's eq. 4, written again here
    standard_macs = out_h * out_w * k * k * c * n
    derivation = ratio_derivation(standard, separable, kernel_size=k, in_channels=c, out_channels=n,
                                  depth_multiplier=m, use_bias=bias, narrow=narrow)
    # a narrow page's chain cancels H'W' in a step of its own before the numbers go in
    worked, counted, result = parts(derivation.multiply_adds)[-3:]
    assert evaluate(worked) == Fraction(separable_macs, standard_macs) == evaluate(counted)
    assert float(result) == pytest.approx(separable_macs / standard_macs, abs=5e-5)
    assert derivation.exact == pytest.approx(separable_macs / standard_macs)
    approx_worked, approx_result = parts(derivation.approximation)[-2:]
    if m > 1:  # m(1/N + 1/k²): it said 1/N + 1/k² = 0.1267 beside an exact ratio of 0.2535 when m = 2
        times, inner = re.fullmatch(r"(\d+)\\left\((.+)\\right\)", approx_worked).groups()
        assert int(times) == m
        approx_worked = inner
    first, second = approx_worked.split(" + ")
    assert evaluate(first) + evaluate(second) == Fraction(1, n) + Fraction(1, k * k)
    assert float(approx_result) == pytest.approx(m * (1 / n + 1 / k**2), abs=5e-5)
    assert float(approx_result) == pytest.approx(derivation.exact, abs=5e-5)  # the same output positions: exactly
    assert derivation.approximate == pytest.approx(m * (1 / n + 1 / k**2))  # it left m out (0.1267 for 0.2535)
    bias_terms = n if bias else 0
    params_worked, params_counted, params_result = parts(derivation.params)[-3:]
    separable_params = k * k * c * m + c * m * n + bias_terms  # Keras: no depthwise bias in SeparableConv2D
    standard_params = k * k * c * n + bias_terms
    assert evaluate(params_worked) == Fraction(separable_params, standard_params) == evaluate(params_counted)
    assert float(params_result) == pytest.approx(separable_params / standard_params, abs=5e-5)


def test_latex_numbers_keep_their_thousands_commas():
    assert latex_number(1_234_567) == "1{,}234{,}567" and latex_number(12) == "12"


def row(kind, ours, keras, shape=(30, 30, 64), error=""):
    return CheckRow(kind, ours, keras, shape if ours else None, shape if keras else None, error)


def test_the_verdict_says_keras_agrees_when_every_kind_matches_or_both_refuse():
    verdict = keras_verdict([row("standard", 1792, 1792), row("grouped", None, None, error="groups must divide")])
    assert verdict.agrees and verdict.sentence.startswith("Keras agrees with every count")
    assert [r["Agree"] for r in verdict.rows] == ["✅ match", "✅ both refuse"]
    assert verdict.rows[1]["Our params"] == "refused" and verdict.rows[0]["Keras output"] == "30 x 30 x 64"
    assert verdict.refusals == ["Keras on Grouped Conv2D: groups must divide"]


def test_the_verdict_names_every_kind_keras_disagrees_on():
    verdict = keras_verdict([row("standard", 1792, 1792), row("separable", 283, 284), row("depthwise", None, 30)],
                            row_label=lambda kind: kind.upper())
    assert not verdict.agrees
    assert verdict.sentence.startswith("Keras disagrees on SeparableConv2D, DepthwiseConv2D: ")
    assert [r["Kind"] for r in verdict.rows] == ["STANDARD", "SEPARABLE", "DEPTHWISE"]
    assert [r["Agree"] for r in verdict.rows] == ["✅ match", "❌ mismatch", "❌ mismatch"]
