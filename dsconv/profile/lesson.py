"""What a profile's numbers say, in sentences chosen from the numbers themselves.

Every sentence here has a branch for each way the numbers can fall; the tests build a profile for each branch.
Names that came from a file go through `quote` (the page passes dsconv.safe_text.plain, so that a layer named like a
Markdown link stays text; the CLI prints them as they are).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from dsconv.costs.arithmetic import share_text
from dsconv.kinds import label
from dsconv.profile.builtin import Published, paper_number, percent_text
from dsconv.profile.table import Profile, apart, in_millions
from dsconv.profile.whatif import WhatIf, swappable
from dsconv.safe_text import counted, listed
from dsconv.seeds import NOISE_POINTS, about_the_same

AGREE = 0.01  # within 1 % is agreement
Quote = Callable[[str], str]


def depthwise_and_pointwise(profile: Profile) -> tuple[float, float]:
    """Fractions of all multiply-adds in depthwise and in 1x1 pointwise work (a separable layer's two steps
    counted with each)."""
    total = profile.multiply_adds
    if not total:
        return 0.0, 0.0
    separable = profile.layers_of("separable")
    depthwise = sum(row.multiply_adds for row in profile.layers_of("depthwise")) + \
        sum(row.depthwise_multiply_adds for row in separable)
    pointwise = sum(row.multiply_adds for row in profile.layers_of("pointwise")) + \
        sum(row.multiply_adds - row.depthwise_multiply_adds for row in separable)
    return depthwise / total, pointwise / total


def where_the_arithmetic_is(profile: Profile, quote: Quote = str) -> str:
    """Where the multiply-adds sit, and what that teaches."""
    name = quote(profile.name)
    if not profile.multiply_adds:
        return f"{name} has no convolution or dense layer that was counted, so it has no multiply-adds here."
    depthwise, pointwise = depthwise_and_pointwise(profile)
    if depthwise and not pointwise:  # it said "0.0% sit in 1x1 pointwise work"
        return (f"In {name}, {share_text(depthwise)} of the multiply-adds sit in depthwise work and none in 1x1 "
                "pointwise work: no 1x1 layer mixes the channels that its depthwise layers filter one by one.")
    if depthwise:
        classes = sorted({row.class_name for row in profile.layers_of("separable")})
        inside = (f" (the 1x1 step inside each {quote(classes[0]) if len(classes) == 1 else 'separable layer'} "
                  "included)") if classes else ""  # a SeparableConv1D was called a SeparableConv2D
        if any(row.class_name == "Dense" for row in profile.layers_of("pointwise")):
            inside += " (Dense layers at every position of a map included: each is a 1x1 convolution in effect)"
        said = (f"In {name}, {share_text(pointwise)} of the multiply-adds sit in 1x1 pointwise work{inside} and "
                f"{share_text(depthwise)} in depthwise work. ")
        if depthwise < pointwise:
            return said + ("The depthwise step is cheap in arithmetic. It does few sums for each value it reads and "
                           "writes, though, so whether it is cheap in time is another question: the Speed lab "
                           "measures it.")
        return said + "Here the depthwise step does more arithmetic than the 1x1 step" + _why_depthwise(profile)
    standard = profile.share("multiply_adds").get("standard", 0.0)
    if standard:
        rows = profile.layers_of("standard")
        classes = sorted({row.class_name for row in rows})
        kind = "k x k convolutions" if classes == ["Conv2D"] else f"convolutions ({', '.join(map(quote, classes))})"
        # the what-if replaces 2-D Conv2D layers only: "the what-if makes them separable" stood over a Conv1D model's
        # what-if tab, which said it had nothing to replace
        swapped = [row for row in rows if swappable(row)]
        then = ("the what-if makes them separable" if len(swapped) == len(rows) else
                "the what-if makes its 2-D Conv2D layers separable" if swapped else
                "the what-if replaces 2-D Conv2D layers only, and this network has none")
        return f"{name} has no depthwise layer: {share_text(standard)} of its multiply-adds sit in standard {kind}; " \
               f"{then}."
    role, share = max(profile.share("multiply_adds").items(), key=lambda item: item[1])
    return f"{name} has neither depthwise nor standard k x k convolutions: {share_text(share)} of its " \
           f"multiply-adds sit in {role_layers(profile, role)}."


def _why_depthwise(profile: Profile) -> str:
    """Why a network's depthwise work outweighs its 1x1 work, where its own layers say: each separable layer's
    window does more multiply-adds than its 1x1 step (k x k above the output channels). "Its windows are large for
    its channel counts" was said of a network whose one separable layer's 1x1 step did more (480 against 288), its
    depthwise excess in DepthwiseConv2D layers of their own."""
    separable = profile.layers_of("separable")
    if separable and not profile.layers_of("depthwise") and \
            all(2 * row.depthwise_multiply_adds > row.multiply_adds for row in separable):
        return ": in each separable layer the window has more weights than the 1x1 step has output channels."
    return "."


def role_layers(profile: Profile, role: str) -> str:
    """The layers of a role, in words: "pointwise layers"; the "dense" role of a network without a Dense layer is its
    1 x 1 convolutions of a 1 x 1 map (MobileNetV3 Small "had" dense layers holding 82 % of its parameters), and the
    "pointwise" role of one whose Dense layers act at every position of a map holds them (ConvNeXt)."""
    if role == "pointwise":
        dense = {row.class_name == "Dense" for row in profile.rows if row.role == "pointwise"}
        return ("pointwise layers (Dense layers at every position of a map: 1 x 1 convolutions in effect)"
                if dense == {True} else "pointwise layers (Dense layers at every position of a map among them)"
                if dense == {True, False} else "pointwise layers")
    if role != "dense":
        return f"{role} layers"
    classes = {row.class_name == "Dense" for row in profile.rows if row.role == "dense"}
    if classes == {False}:
        return "1 x 1 convolutions of a 1 x 1 map (dense layers in effect)"
    return "dense layers (with the 1 x 1 convolutions of a 1 x 1 map)" if classes == {True, False} else "dense layers"


def where_the_parameters_are(profile: Profile, quote: Quote = str) -> str:
    """Which role holds most parameters, against where the arithmetic is. `quote` writes the network's name (an
    upload's file name) for the page."""
    if profile.frozen_layers:
        # a frozen base's weights are parameters too: "dense layers hold 100% of the trainable parameters ...:
        # parameters are not where the arithmetic is" was said of a frozen ResNet50, whose convolutions hold 23.6 M
        weights: dict[str, int] = {}
        for row in profile.rows:
            weights[row.role] = weights.get(row.role, 0) + row.params + (row.frozen_params if row.frozen else 0)
        whole = sum(weights.values())
        params = {role: value / whole for role, value in weights.items() if value} if whole else {}
        what = "the parameters, frozen and trainable,"
    else:
        params, what = profile.share("params"), "the trainable parameters"
    if not params:
        return f"{quote(profile.name)} has no trainable parameters that were counted."
    role, share = max(params.items(), key=lambda item: item[1])
    macs = profile.share("multiply_adds").get(role, 0.0)
    layers = role_layers(profile, role)
    if macs >= share / 2:
        return f"Parameters and arithmetic sit together: {layers} hold {share_text(share)} of {what} and do " \
               f"{share_text(macs)} of the multiply-adds."
    done = "none" if not macs else share_text(macs) if share_text(macs).startswith("under") else \
        f"only {share_text(macs)}"  # a role that does no sums "did only 0.0%"
    return f"{layers[0].upper() + layers[1:]} hold {share_text(share)} of {what} but do " \
           f"{done} of the multiply-adds: parameters are not where the arithmetic is."


def not_counted(profile: Profile, quote: Quote = str) -> str:
    """'' when everything was counted; otherwise which layers the totals leave out."""
    missing = profile.not_counted
    if not missing:
        return ""
    names = ", ".join(f"{quote(row.name)} ({quote(row.class_name)})" for row in missing[:4])
    more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
    if len(missing) == 1:
        return f"1 layer call could not be counted: {names}. The totals leave it out."
    return f"{len(missing)} layer calls could not be counted: {names}{more}. The totals leave them out."


def size_note(profile: Profile, own: Profile, network: str = "the published network", quote: Quote = str) -> str:
    """At another input size, a network whose parameters change is another network than `network` ("the network in
    the file", for an upload). The reason is the layers whose weights changed: a dense layer after Flatten, or any
    other (a PReLU with a weight per position had been said to be "a dense layer after Flatten" too). Layers with
    weights that could be counted at the network's own size and not at this one are said apart: a Conv2D after a
    Lambda, counted at the file's size from the shapes it records, was said to hold weights that "depend on the size
    of their input" ("0 against 448")."""
    if profile.params == own.params:
        return ""
    before = {row.name: row.total_params for row in own.rows if row.counted}
    rows = list(profile.rows)
    changed = [(i, row) for i, row in enumerate(rows)
               if row.counted and before.get(row.name, row.total_params) != row.total_params]
    lost = [row for row in rows if not row.counted and before.get(row.name)]
    left_out: tuple[str, str] | tuple = ()
    if lost:
        named = listed([quote(row.name) for row in lost[:3]] + ([f"{len(lost) - 3} others"] if len(lost) > 3 else []))
        left_out = (f"{named} ({in_millions(sum(before[row.name] for row in lost))} parameters at the network's own "
                    f"{own.input_text}) could not be counted", f"the totals leave {'it' if len(lost) == 1 else 'them'} "
                    "out.")
    if not changed:
        return left_out and f"At {profile.input_text}, {left_out[0]}: {left_out[1]}"
    after_flatten = all(row.class_name == "Dense" and i and rows[i - 1].class_name == "Flatten" for i, row in changed)
    if after_flatten:
        why = ("a dense layer after Flatten takes every value of the last feature map, so its weights change with the "
               "picture's size")
    else:
        named = [f"{quote(row.name)} ({quote(row.class_name)}: {row.total_params:,} against {before[row.name]:,})"
                 for _, row in changed[:3]]
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        whose = "its" if len(changed) == 1 else "their"
        why = (f"the weights of {', '.join(named)}{more} depend on the size of {whose} input, so they change with "
               "the picture's")
    return (f"At {profile.input_text} this network has {in_millions(profile.params)} parameters, "
            f"against {in_millions(own.params)} at its own {own.input_text}: {why}. It is "
            f"not {network} any more." + (f" Besides, {left_out[0]} at this size: {left_out[1]}" if left_out else ""))


@dataclass(frozen=True)
class PaperCheck:
    """One figure: what the paper says, what we count, and a sentence on how they agree."""

    what: str
    paper: str
    ours: int
    verdict: str


def _agrees(ours: float, paper: str) -> tuple[bool, str]:
    value, half_unit = paper_number(paper)
    off = ours / value - 1
    if ours == value:
        return True, "equals it exactly"
    if abs(off) < 0.0001:  # with its difference, as the next tier says it (one read bare, the other not)
        return True, f"agrees within 0.01% ({off:+.4%})" if round(off, 6) else "agrees within 0.0001%"
    if abs(off) <= AGREE:
        return True, f"agrees within 1% ({off:+.2%})"
    if abs(ours - value) <= half_unit:
        return True, f"agrees to the paper's precision ({off:+.1%}: it prints {paper})"
    return False, f"is {share_text(abs(off))} {'above' if off > 0 else 'below'} the paper's"


def multiply_adds_check(profile: Profile, paper: Published) -> PaperCheck | None:
    if paper.multiply_adds is None:
        return None
    conv = sum(row.multiply_adds for row in profile.rows if row.role != "dense")
    ours = conv if paper.conv_only else profile.multiply_adds
    verdict = _agrees(ours, paper.multiply_adds)[1]
    scope = "the convolution layers' multiply-adds" if paper.conv_only else "multiply-adds"
    return PaperCheck(scope, paper.multiply_adds, ours, f"Our count of {scope} {verdict}.")


def _cut_off(count: int, paper: str) -> bool:
    """Whether the paper's figure is `count` cut off at its last digit rather than rounded (3.47 M printed 3.4 M)."""
    value, half_unit = paper_number(paper)
    return value < count < value + 2 * half_unit


def params_check(profile: Profile, paper: Published) -> PaperCheck | None:
    """Keras counts batch norm's moving mean and variance as (non-trainable) parameters; papers do not."""
    if paper.params is None:
        return None
    ours = profile.params
    frozen = profile.total("frozen_params")
    agrees, verdict = _agrees(ours, paper.params)
    value = paper_number(paper.params)[0]
    closer_without = abs(ours - frozen - value) < abs(ours - value)
    if agrees and not (frozen and closer_without):
        return PaperCheck("parameters", paper.params, ours, f"Keras's parameter count {verdict}.")
    if frozen and _agrees(ours - frozen, paper.params)[0]:
        return PaperCheck("parameters", paper.params, ours, (
            f"Keras counts {in_millions(ours)} parameters, the paper {paper.params}: Keras includes {frozen:,} "
            "non-trainable statistics (the moving means and variances of batch norm and normalisation layers), "
            f"which are not learned. Without them the count {_agrees(ours - frozen, paper.params)[1]}."))
    if not frozen:
        said = (f"Keras counts {in_millions(ours)} parameters against the paper's {paper.params}: the count "
                f"{verdict}.")
    else:
        said = (f"Keras counts {in_millions(ours)} parameters ({in_millions(ours - frozen)} without the {frozen:,} "
                "moving means and variances of its batch norm and normalisation layers, which are not learned), "
                f"against the paper's {paper.params}: even the trainable count "
                f"{_agrees(ours - frozen, paper.params)[1]}.")
    # Batch norm's learned scales and offsets, in the layers that keep moving statistics (a Normalization layer
    # learns none)
    scales = sum(row.params for row in profile.rows if row.frozen_params)
    bare = ours - frozen - scales
    if scales and _cut_off(bare, paper.params):  # MobileNetV2: 3,470,760, which its authors' release lists as 3.47 M
        # the exact count: rounded to three digits, 3,499,600 read "3.5 M ... that is the paper's 3.4 M"
        said += (f" Without batch norm's {scales:,} learned scales and offsets too, it is {bare:,}: cut off at the "
                 f"paper's precision instead of rounded, that is the paper's {paper.params}.")
    elif _cut_off(ours - frozen, paper.params):
        said += (f" Cut off at the paper's precision instead of rounded, {ours - frozen:,} is the paper's "
                 f"{paper.params}.")
    else:
        said += " Where the difference comes from is not known here."
    return PaperCheck("parameters", paper.params, ours, said)


def what_if_sentence(result: WhatIf, quote: Quote = str) -> str:
    """What replacing the standard convolutions did, in numbers."""
    if not result.swaps:
        return f"{quote(result.before.name)} has no standard k x k convolution to replace."
    layers = result.layers_swapped
    count = "its one standard k x k convolution" if layers == 1 else f"its {layers} standard k x k convolutions"
    calls = f" (called {len(result.swaps)} times)" if len(result.swaps) != layers else ""
    macs = apart(result.before.multiply_adds, result.after.multiply_adds)
    params = apart(result.before.params, result.after.params)
    return (f"Making {count}{calls} separable ({label(result.replacement)}) takes multiply-adds from {macs[0]} to "
            f"{macs[1]} ({_fewer(result.fewer('multiply_adds'))}) and parameters from {params[0]} to {params[1]} "
            f"({_fewer(result.fewer('params'))}).")


def _fewer(times: float) -> str:
    """8.1 -> '8.1x fewer'; 1.02 -> '2.0% fewer'; 1.0 -> 'unchanged'."""
    if times >= 1.5:
        return f"{times:,.1f}x fewer"
    cut = 1 - 1 / times
    if abs(cut) < 0.0005:
        return "unchanged" if cut == 0 else "almost unchanged"
    return f"{share_text(cut)} fewer" if cut > 0 else f"{share_text(-cut)} more"


def comparison_sentence(left: Profile, left_paper: Published | None, right: Profile,
                        right_paper: Published | None, quote: Quote = str) -> str:
    """Two networks' arithmetic against their published accuracy (compared only on one data set, one protocol)."""
    if left.multiply_adds == 0 or right.multiply_adds == 0:
        return "One of the two networks has no counted multiply-adds, so they cannot be compared."
    if left.name == right.name and left.multiply_adds == right.multiply_adds:
        return f"These are the same network: pick another to compare {quote(left.name)} with."
    pairs = [(left, left_paper), (right, right_paper)]
    (big, big_paper), (small, small_paper) = sorted(pairs, key=lambda pair: -pair[0].multiply_adds)
    times = big.multiply_adds / small.multiply_adds
    amount = "exactly as many multiply-adds as" if times == 1 else \
        "about as many multiply-adds as" if times < 1.05 else f"{times:,.1f}x the multiply-adds of"
    said = f"{quote(big.name)} does {amount} {quote(small.name)}"
    unknown = [quote(shown.name) for shown, paper in ((big, big_paper), (small, small_paper))
               if paper is None or paper.top1 is None]
    if unknown:
        return said + f"; no published accuracy is known here for {' and '.join(unknown)}."
    if big_paper.dataset != small_paper.dataset:
        return said + (f"; their accuracies are on different data sets ({big_paper.dataset}, "
                       f"{small_paper.dataset}) and cannot be compared.")
    if big_paper.protocol != small_paper.protocol:
        return said + (f"; their accuracies were measured differently ({big_paper.protocol}, "
                       f"{small_paper.protocol}), so they are not compared here.")
    gain = big_paper.top1 - small_paper.top1
    if (big_paper.one_run or small_paper.one_run) and about_the_same(gain / 100):
        # The Training arena's rule for the same runs: one seed each, so a point or two is what another seed changes
        # (this page said "0.22 points less accurate" of the tutorial's two models, which the arena calls the same).
        return said + (f" for about the same published top-1 accuracy ({big_paper.top1_text}% against "
                       f"{small_paper.top1_text}%: within {100 * NOISE_POINTS:g} points, which another seed of one "
                       "training run can change).")
    if gain > 0:
        return said + f" for {percent_text(gain)} more points of published top-1 accuracy."
    if gain < 0:
        return said + f" and is {percent_text(-gain)} points less accurate, as published."
    return said + " for the same published top-1 accuracy."


STATISTICS = "the statistics that batch norm and normalisation layers keep"


def not_trainable(profile: Profile) -> str:
    """What Keras counts as not trainable in `profile`, in words, each where there is any: the weights of frozen
    layers (a frozen pretrained base's were called trainable) and the statistics of batch norm and normalisation
    layers (said of a model with none); '' for a model whose every weight trains."""
    frozen = len(profile.frozen_layers)
    statistics = any(row.frozen_params and not row.frozen for row in profile.rows)
    return listed(([f"the weights of {counted(frozen, 'frozen layer')}"] if frozen else [])
                  + ([STATISTICS] if statistics else [])) if frozen or statistics else ""
