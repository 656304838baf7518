"""The worked arithmetic the Parameter lab shows: MobileNet's cost ratio with this layer's numbers, in LaTeX, and
the verdict of the check against Keras.

The numbers in the formulas are the layer's own settings and dsconv.costs.arithmetic's counts; the tests evaluate
each formula independently and check that it gives the count it ends with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from dsconv.costs.arithmetic import LayerCost, mobilenet_ratio, shape_text
from dsconv.kinds import KINDS


def latex_number(value: int) -> str:
    """A whole number for LaTeX with thousands commas, e.g. 1{,}728."""
    return f"{value:,}".replace(",", "{,}")


@dataclass(frozen=True)
class RatioDerivation:
    """Separable over standard for one layer: the formulas with its numbers, and the ratios they give."""

    multiply_adds: str  # LaTeX: H'W'(k²Cm + CmN) / H'W'k²CN with the numbers, = the exact ratio
    approximation: str  # LaTeX: 1/N + 1/k² with the numbers
    params: str  # LaTeX: (k²Cm + CmN + N) / (k²CN + N) with the numbers (biases where the layer has them)
    exact: float  # separable / standard multiply-adds
    approximate: float  # MobileNet's 1/N + 1/k², times m where the layer has m kernels a channel
    params_ratio: float  # separable / standard params


def aligned_chain(*lines: Sequence[str]) -> str:
    """A chain of equalities a = b = c ..., one line of terms each, the lines' "=" under one another: in one line
    the worked ratio ran 994 px wide, past a 1024 px projector's 773 px page."""
    rows = [" = ".join(terms) for terms in lines]
    first, _, rest = rows[0].partition(" = ")
    return (r"\begin{aligned}" + rf"{first} &= {rest}" + "".join(rf" \\ &= {row}" for row in rows[1:])
            + r"\end{aligned}")


def stacked_lines(first: str, *rest: str) -> str:
    """A formula in lines that all begin at its left edge, each after the first with its own operator ("= ...",
    "+ ..."): for a narrow page, where aligned_chain's "=" under the first line's indents every line by its left
    side (on a phone's 356 px page the worked parameter ratio ran 502 px)."""
    if not rest:
        return first
    return r"\begin{aligned}&" + first + "".join(rf" \\ &{{}}{line}" for line in rest) + r"\end{aligned}"


def ratio_derivation(standard: LayerCost, separable: LayerCost, *, kernel_size: int, in_channels: int,
                     out_channels: int, depth_multiplier: int = 1, use_bias: bool = True,
                     narrow: bool = False) -> RatioDerivation:
    """MobileNet's ratio (Howard et al., 2017: its eq. 5 over eq. 2) worked out for one layer, with the counts' ratio
    beside it. `narrow` (a phone, a laptop's page beside the sidebar): every step on a line of its own, from the left
    edge, and the output positions H'W' cancelled before the numbers go in, which keeps 4-digit settings under
    356 px."""
    k, c, n, m = kernel_size, in_channels, out_channels, depth_multiplier
    out_h, out_w, _ = separable.output_shape
    exact = separable.multiply_adds / standard.multiply_adds
    approximate = mobilenet_ratio(n, k, m)
    counted = (rf"\frac{{{latex_number(separable.multiply_adds)}}}{{{latex_number(standard.multiply_adds)}}}",
               f"{exact:.4f}")
    if narrow:
        multiply_adds = stacked_lines(  # the ratio's name on a line of its own: beside its first step it ran 36 px
            # past a 320 px phone's page
            r"\frac{\text{separable}}{\text{standard}}", r"= \frac{H'W'(k^2 C m + C m N)}{H'W' k^2 C N}",
            r"= \frac{k^2 C m + C m N}{k^2 C N}",
            rf"= \frac{{{k}^2\cdot{c}\cdot{m} + {c}\cdot{m}\cdot{n}}}{{{k}^2\cdot{c}\cdot{n}}}",
            "= " + " = ".join(counted))
    else:
        multiply_adds = aligned_chain(
            [r"\frac{\text{separable}}{\text{standard}}", r"\frac{H'W'(k^2 C m + C m N)}{H'W' k^2 C N}"],
            [rf"\frac{{{out_h}\cdot{out_w}\cdot({k}^2\cdot{c}\cdot{m} + {c}\cdot{m}\cdot{n})}}"
             rf"{{{out_h}\cdot{out_w}\cdot{k}^2\cdot{c}\cdot{n}}}"],
            counted)
    general, numbers = r"\frac{1}{N} + \frac{1}{k^2}", rf"\frac{{1}}{{{n}}} + \frac{{1}}{{{k}^2}}"
    if m > 1:  # MobileNet's ratio has no depth multiplier: with m kernels a channel both steps do m times the work
        general, numbers = rf"m\left({general}\right)", rf"{m}\left({numbers}\right)"
    approximation = (stacked_lines(general, f"= {numbers} = {approximate:.4f}") if narrow
                     else f"{general} = {numbers} = {approximate:.4f}")
    bias, bias_n = (r" + N", rf" + {n}") if use_bias else ("", "")
    params_steps = [rf"\text{{params: }}\frac{{k^2 C m + C m N{bias}}}{{k^2 C N{bias}}}",
                    rf"\frac{{{k}^2\cdot{c}\cdot{m} + {c}\cdot{m}\cdot{n}{bias_n}}}{{{k}^2\cdot{c}\cdot{n}{bias_n}}}"]
    params_counted = [rf"\frac{{{latex_number(separable.params)}}}{{{latex_number(standard.params)}}}",
                      f"{separable.params / standard.params:.4f}"]
    # narrow: "params:" on a line of its own (beside the general ratio it ran 12 px past a folded phone's 248 px page)
    params = (stacked_lines(r"\text{params:}", params_steps[0].removeprefix(r"\text{params: }"),
                            f"= {params_steps[1]}", "= " + " = ".join(params_counted)) if narrow
              else aligned_chain(params_steps, params_counted))
    return RatioDerivation(multiply_adds, approximation, params, exact, approximate,
                           separable.params / standard.params)


VERDICT_MARKS = {"match": "✅ match", "both refuse": "✅ both refuse", "mismatch": "❌ mismatch"}


@dataclass(frozen=True)
class KerasVerdict:
    """The check against Keras as the page shows it: a table row per kind, Keras's own refusals, one sentence."""

    rows: list[dict[str, str]]
    refusals: list[str]  # "Keras on <kind>: <its message>"
    agrees: bool
    sentence: str


def keras_verdict(check_rows: Sequence[Any], row_label: Any = None) -> KerasVerdict:
    """Our count beside Keras's for every kind (dsconv.costs.keras_check.CheckRow), and what they say together.

    `row_label(kind)` names a row (default: the kind's label)."""
    label = row_label or (lambda kind: KINDS[kind].label)
    rows = [{"Kind": label(row.kind),
             "Our params": "refused" if row.our_params is None else f"{row.our_params:,}",
             "Keras count_params()": "refused" if row.keras_params is None else f"{row.keras_params:,}",
             "Our output": shape_text(row.our_shape) if row.our_shape else "—",
             "Keras output": shape_text(row.keras_shape) if row.keras_shape else "—",
             "Agree": VERDICT_MARKS[row.verdict]} for row in check_rows]
    refusals = [f"Keras on {KINDS[row.kind].label}: {row.keras_error}" for row in check_rows if row.keras_error]
    wrong = [KINDS[row.kind].label for row in check_rows if not row.agrees]
    if not wrong:
        sentence = "Keras agrees with every count and shape above, and refuses exactly what this page refuses."
    else:
        sentence = (f"Keras disagrees on {', '.join(wrong)}: this page follows Keras's rules, so that is a bug in this "
                    "app; please report it with the link from 'Share these settings'.")
    return KerasVerdict(rows, refusals, not wrong, sentence)
