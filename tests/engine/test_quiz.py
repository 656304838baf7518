"""The quiz's answers against real Keras layers, and its misconception diagnoses against hand counts.

The reference test builds each question's layer(s) in Keras on a keras.Input of the question's shape and
compares count_params(), the output shape, the bias vectors and an independent multiply-add count
(output positions x the size of each kernel Keras created). Nothing here compares the quiz with
dsconv.costs.arithmetic.
"""

from __future__ import annotations

import math

import pytest

from dsconv.quiz.answers import MISCONCEPTIONS, traps
from dsconv.quiz.generate import (
    TOPICS,
    LayerSpec,
    Question,
    QuizSettings,
    answer_text,
    build_question,
    check_answer,
    make_question,
    make_quiz,
)

REFERENCE_SEEDS = range(7)  # 70 questions, about 100 distinct small Keras layers


@pytest.fixture(scope="module")
def keras_facts():
    """Build (once per distinct layer) the Keras layers of a spec and read their counts."""
    keras = pytest.importorskip("keras")
    cache: dict[LayerSpec, dict] = {}

    def layers_for(spec: LayerSpec) -> list:
        common = {"strides": spec.strides, "padding": spec.padding}
        if spec.kind == "standard":
            return [keras.layers.Conv2D(spec.out_channels, spec.kernel_size, **common)]
        if spec.kind == "pointwise":
            return [keras.layers.Conv2D(spec.out_channels, 1, **common)]
        if spec.kind == "depthwise":
            return [keras.layers.DepthwiseConv2D(spec.kernel_size, **common)]
        if spec.kind == "separable":
            return [keras.layers.SeparableConv2D(spec.out_channels, spec.kernel_size, **common)]
        assert spec.kind == "depthwise_pointwise"
        return [keras.layers.DepthwiseConv2D(spec.kernel_size, **common), keras.layers.Conv2D(spec.out_channels, 1)]

    def facts(spec: LayerSpec) -> dict:
        if spec not in cache:
            tensor = keras.Input(shape=(spec.size, spec.size, spec.in_channels))
            params = macs = 0
            biases = []  # (step, length) in the order the data flows
            for layer in layers_for(spec):
                tensor = layer(tensor)
                positions = tensor.shape[1] * tensor.shape[2]
                params += layer.count_params()
                if isinstance(layer, keras.layers.SeparableConv2D):
                    kernels = [layer.depthwise_kernel, layer.pointwise_kernel]
                    steps = ["depthwise", "pointwise"]
                else:
                    kernels = [layer.kernel]
                    steps = ["depthwise" if isinstance(layer, keras.layers.DepthwiseConv2D) else "pointwise"]
                macs += sum(positions * math.prod(kernel.shape) for kernel in kernels)
                if layer.bias is not None:
                    biases.append((steps[-1], layer.bias.shape[0]))
            cache[spec] = {"params": params, "multiply_adds": macs, "shape": tuple(tensor.shape[1:]),
                           "biases": biases}
        return cache[spec]

    facts.cache = cache
    return facts


def _keras_answer(question: Question, facts) -> object:
    """The answer to a question computed from Keras layers only."""
    layers = [facts(spec) for spec in question.layers]
    if question.topic in ("params", "multiply_adds", "shape"):
        return layers[0][question.topic]
    if question.topic == "cheaper":
        a, b = (layer[question.metric] for layer in layers)
        return "A" if a < b else "B" if b < a else "same"
    if question.topic == "times_fewer":
        return layers[0][question.metric] / layers[1][question.metric]
    steps = [step for step, _ in layers[0]["biases"]]
    return {("pointwise",): "pointwise_only", ("depthwise",): "depthwise_only",
            ("depthwise", "pointwise"): "both", (): "none"}[tuple(steps)]


def test_generated_answers_equal_keras_layer_counts(keras_facts):
    seen_topics, seen_kinds = set(), set()
    for seed in REFERENCE_SEEDS:
        for question in make_quiz(seed):
            expected = _keras_answer(question, keras_facts)
            if question.topic == "times_fewer":
                assert question.answer == pytest.approx(expected, rel=1e-12), question.prompt
            else:
                assert question.answer == expected, question.prompt
            assert check_answer(question, expected).correct
            seen_topics.add(question.topic)
            seen_kinds.update(spec.kind for spec in question.layers)
    assert seen_topics == set(TOPICS)
    assert seen_kinds == {"standard", "depthwise", "pointwise", "separable", "depthwise_pointwise"}
    assert len(keras_facts.cache) <= 150  # keep the Keras share of the suite small


def test_bias_choice_counts_match_keras_bias_vectors(keras_facts):
    questions = [q for seed in REFERENCE_SEEDS for q in make_quiz(seed) if q.topic == "bias_place"]
    assert len(questions) >= 7
    for question in questions:
        spec = question.layers[0]
        label = dict(question.choices)[question.answer]
        lengths = [length for _, length in keras_facts(spec)["biases"]]
        # the revealed label names the Keras bias lengths: "16 biases" or "3 + 16 = 19 biases"
        assert f"{sum(lengths)} biases" in label
        if len(lengths) == 2:
            assert f"{lengths[0]} + {lengths[1]}" in label


def test_same_seed_same_questions_and_seeds_differ():
    assert make_quiz(42) == make_quiz(42)
    assert make_quiz(42) != make_quiz(43)
    assert make_question(5, 3, "shape") == make_quiz(5, ["shape"])[3]


def test_kinds_of_question_vary_and_numbers_stay_small():
    questions = [q for seed in range(40) for q in make_quiz(seed)]
    settings = QuizSettings()
    for question in questions:
        for spec in question.layers:
            assert spec.size <= 12 and spec.in_channels <= 8 and spec.out_channels <= 64
            assert spec.kernel_size in (1, 3, 5) and spec.strides in (1, 2)
    first_sets = {tuple(q.topic for q in make_quiz(seed)[: len(TOPICS)]) for seed in range(10)}
    assert all(set(topics) == set(TOPICS) for topics in first_sets)  # each set of ten covers every kind
    assert len(first_sets) > 1  # and the order depends on the seed
    assert {spec.padding for q in questions for spec in q.layers} == {"valid", "same"}
    assert {spec.strides for q in questions if q.topic == "shape" for spec in q.layers} == {1, 2}
    assert len(make_quiz(0)) == settings.questions


def test_every_prompt_says_the_strides_and_the_padding():
    """`DepthwiseConv2D(5)` on 8x8x2 asked for its multiply-adds (800 with "valid" padding, 3,200 with "same"): the code
    leaves Keras's defaults out, so the prompt says them."""
    for question in (q for seed in range(40) for q in make_quiz(seed)):
        choices = dict(question.choices)
        for name, spec in zip("AB", question.layers):
            said = question.prompt + " " + choices.get(name, "")  # a choice says its own layer's settings
            assert f"strides={spec.strides}" in said if spec.strides != 1 else "strides 1" in said, said
            assert 'padding="same"' in said if spec.padding == "same" else 'padding "valid"' in said, said


def test_comparison_pairs_differ_in_one_idea_only():
    """'Which is cheaper' tests the idea, not arithmetic: the two layers share input, channels, kernel and padding,
    and differ in their kind (and N where a depthwise layer fixes it) or in their stride alone."""
    from dsconv.quiz.generate import _well_posed

    answers = set()
    for seed in range(300):
        for question in make_quiz(seed, ["cheaper"]):
            a, b = question.layers
            assert _well_posed(question) and a.input_text == b.input_text and a.padding == b.padding == "same"
            differences = {field for field in ("kind", "out_channels", "kernel_size", "strides")
                           if getattr(a, field) != getattr(b, field)}
            assert differences in ({"kind"}, {"strides"}, {"kind", "kernel_size"}), (a, b)  # 1x1: the pointwise
            # the explanation names that idea ("differ in one thing only" was said of Conv2D against depthwise + 1x1)
            said = "their stride only" if differences == {"strides"} else "the kind of layer only"
            if "kernel_size" in differences:  # "the kind of layer only" was said of SeparableConv2D(8, 5), Conv2D(8, 1)
                assert {a.kind, b.kind} == {"pointwise", "separable"}
                said = "the kind of layer, and so in the kernel: a pointwise layer's is always 1 x 1"
            assert question.explanation.startswith(f"The two layers differ in {said}."), question.explanation
            answers.add(question.answer)
    assert answers == {"A", "B", "same"}


def test_depthwise_questions_read_several_channels():
    depthwise_kinds = {"depthwise", "separable", "depthwise_pointwise"}
    specs = [spec for seed in range(100) for q in make_quiz(seed) for spec in q.layers if spec.kind in depthwise_kinds]
    assert specs and min(spec.in_channels for spec in specs) >= 2


def test_topic_filter_and_bad_input():
    assert {q.topic for q in make_quiz(3, ["params", "shape"])} == {"params", "shape"}
    with pytest.raises(ValueError, match="at least one kind"):
        make_quiz(3, [])
    with pytest.raises(ValueError, match="at least one kind"):
        make_quiz(3, ["nonsense"])
    with pytest.raises(ValueError, match="whole number"):
        make_quiz(-1)


# ------------------------------------------------------------------ misconceptions, with the tutorial's numbers

TUTORIAL_SEPARABLE = LayerSpec("separable", 32, 3, 64, 3)  # SeparableConv2D(64, 3) on 32x32x3
TUTORIAL_CUSTOM = LayerSpec("depthwise_pointwise", 32, 3, 64, 3)  # DepthwiseConv2D(3) then Conv2D(64, 1)
TUTORIAL_STANDARD = LayerSpec("standard", 32, 3, 64, 3)  # Conv2D(64, 3)


def _named(question: Question, response) -> set[str]:
    verdict = check_answer(question, response)
    assert not verdict.correct
    return {verdict.misconception.key} if verdict.misconception else set()


def test_params_misconceptions_on_the_tutorials_first_layer():
    separable = build_question("params", [TUTORIAL_SEPARABLE])
    assert separable.answer == 283  # 27 + 192 + 64
    assert check_answer(separable, 283).correct
    assert _named(separable, 286) == {"separable_depthwise_bias"}  # the tutorial's custom layer count
    assert _named(separable, 27 + 192) == {"forgot_bias"}
    assert _named(separable, 27 + 64 * 64 + 64) == {"pointwise_n_by_n"}  # pointwise kernel as (64, 1, 1, 64)
    assert _named(separable, 300) == set()  # a wrong answer no known mistake explains

    custom = build_question("params", [TUTORIAL_CUSTOM])
    assert custom.answer == 286
    assert _named(custom, 283) == {"two_layers_as_separable"}

    standard = build_question("params", [TUTORIAL_STANDARD])
    assert standard.answer == 1792
    assert _named(standard, 1728) == {"forgot_bias"}


def test_multiply_add_misconceptions():
    # Conv2D(8, 3, strides=2) on 9x9x2: output 4x4, 3*3*2*8 = 144 weights per position
    spec = LayerSpec("standard", 9, 2, 8, 3, strides=2)
    question = build_question("multiply_adds", [spec])
    assert question.answer == 16 * 144
    assert _named(question, 2 * 16 * 144) == {"flops_not_macs"}
    assert _named(question, 81 * 144) == {"input_not_output_positions"}
    assert _named(question, 25 * 144) == {"wrong_padding"}  # "same" would give 5x5
    assert _named(question, 49 * 144) == {"forgot_stride"}  # stride 1 would give 7x7

    # With strides 1 and "valid" (the prompt says so), counting on the input's 8 x 8 positions gives what "same"
    # would: the input-size slip is named, not the padding the prompt spelled out (it named the padding first).
    depthwise = build_question("multiply_adds", [LayerSpec("depthwise", 8, 2, 2, 5)])
    assert depthwise.answer == 16 * 50
    assert _named(depthwise, 64 * 50) == {"input_not_output_positions"}

    # SeparableConv2D(8, 3) on 6x6x2, "same": 36 positions x (18 + 16); pointwise as 1x1x8: 36 x (18 + 64)
    pointwise = build_question("multiply_adds", [LayerSpec("separable", 6, 2, 8, 3, padding="same")])
    assert pointwise.answer == 36 * 34
    assert _named(pointwise, 36 * 82) == {"pointwise_n_by_n"}


def test_shape_misconceptions():
    question = build_question("shape", [LayerSpec("standard", 32, 3, 64, 3, strides=2, padding="same")])
    assert question.answer == (16, 16, 64)
    assert _named(question, (15, 15, 64)) == {"wrong_padding"}
    assert _named(question, (32, 32, 64)) == {"forgot_stride"}
    valid = build_question("shape", [TUTORIAL_STANDARD])
    assert valid.answer == (30, 30, 64)  # the tutorial's output shape
    assert _named(valid, (32, 32, 64)) == {"wrong_padding"}


def test_ratio_and_choice_misconceptions():
    question = build_question("times_fewer", [TUTORIAL_STANDARD, TUTORIAL_SEPARABLE], "params")
    assert question.answer == pytest.approx(1792 / 283)
    assert check_answer(question, 6.3).correct and check_answer(question, 6.33).correct
    assert not check_answer(question, 6.4).correct
    assert _named(question, 0.16) == {"ratio_upside_down"}
    assert _named(question, 7.9) == {"forgot_bias"}  # 1728 / 219
    assert _named(question, 6.27) == {"separable_depthwise_bias"}  # 1792 / 286, the tutorial's 6.3

    # A wrong ratio never reads as the right one: the box takes two decimals, and "You said 5.6 times fewer; the
    # answer is 5.6 times fewer" was marked wrong (5.56 against 808 / 144 = 5.611, 0.051 off).
    for hundredths in range(600, 670):
        response = hundredths / 100
        if not check_answer(question, response).correct:
            assert answer_text(question, response) != answer_text(question), response
    # The prompt asks for one decimal place; the right answer says what that is ("6.33" alone read as asking for two).
    assert answer_text(question, 6.3) == "6.3 times fewer"
    assert answer_text(question) == "6.33 times fewer (6.3 to one decimal place)"
    # an answer of 1e300 (the box allows it) was said back in 301 digits
    assert answer_text(question, 1e300) == "1e+300 times fewer"
    assert answer_text(question, 1e-300) == "1e-300 times fewer" and answer_text(question, 0.0) == "0 times fewer"
    assert answer_text(question, 123456.789) == "123456.79 times fewer"
    counts = build_question("params", [TUTORIAL_STANDARD])
    assert answer_text(counts, 1e300) == "1e+300 parameters" and answer_text(counts, 1792) == "1,792 parameters"
    # a shape of 1e308 x 1 x 1 (the boxes allow it) was said back in 309 digits
    shape = build_question("shape", [TUTORIAL_STANDARD])
    assert answer_text(shape, (1e308, 1, 1)) == "1e+308 × 1 × 1" and answer_text(shape, (30, 30, 64)) == "30 × 30 × 64"
    # a student's 1 was said back as "You said 1 parameters"
    assert answer_text(counts, 1) == "1 parameter" and answer_text(counts, 0) == "0 parameters"
    work = build_question("multiply_adds", [TUTORIAL_STANDARD])
    assert answer_text(work, 1) == "1 multiply-add" and answer_text(work, 2) == "2 multiply-adds"

    bias = build_question("bias_place", [TUTORIAL_SEPARABLE])
    assert bias.answer == "pointwise_only"
    assert _named(bias, "both") == {"separable_depthwise_bias"}
    assert _named(build_question("bias_place", [TUTORIAL_CUSTOM]), "pointwise_only") == {"two_layers_as_separable"}

    # 32 filters of a 5x5 separable layer cost more parameters than 4 filters of a 1x1 Conv2D on 8x8x4
    a = LayerSpec("standard", 8, 4, 4, 1)  # 4*4 + 4 = 20
    b = LayerSpec("separable", 8, 4, 32, 5)  # 100 + 128 + 32 = 260
    cheaper = build_question("cheaper", [a, b], "params")
    assert cheaper.answer == "A"
    assert _named(cheaper, "B") == {"separable_always_cheaper"}
    # A: Conv2D(8, 3, "same") on 12x12x4: 296 params, 144 x 288 = 41,472 MACs
    # B: SeparableConv2D(64, 3, strides=2, "same"): 36 + 256 + 64 = 356 params, 36 x 292 = 10,512 MACs
    a = LayerSpec("standard", 12, 4, 8, 3, padding="same")
    b = LayerSpec("separable", 12, 4, 64, 3, strides=2, padding="same")
    by_work = build_question("cheaper", [a, b], "multiply_adds")
    assert by_work.answer == "B"
    assert _named(by_work, "A") == {"params_vs_work"}
    by_params = build_question("cheaper", [a, b], "params")
    assert by_params.answer == "A"
    # Both mistakes say "B": the student hears one, the one about separable layers (listed first).
    assert _named(by_params, "B") == {"separable_always_cheaper"}
    # A stride changes the work, not the weights.
    one, two = LayerSpec("standard", 8, 4, 8, 3, padding="same"), LayerSpec("standard", 8, 4, 8, 3, 2, "same")
    same = build_question("cheaper", [one, two], "params")
    assert same.answer == "same" and _named(same, "B") == {"params_vs_work"}
    work = build_question("cheaper", [one, two], "multiply_adds")
    assert work.answer == "B" and _named(work, "same") == {"params_vs_work"}
    # SeparableConv2D beside DepthwiseConv2D + Conv2D: C fewer biases, the same multiply-adds.
    pair = [LayerSpec("separable", 8, 4, 8, 3), LayerSpec("depthwise_pointwise", 8, 4, 8, 3)]
    assert build_question("cheaper", pair, "multiply_adds").answer == "same"
    assert _named(build_question("cheaper", pair, "params"), "same") == {"two_layers_as_separable"}


def test_the_closest_misconception_is_named_when_two_give_the_same_kind_of_answer():
    # Conv2D(64, 3) on 32x32x3 against SeparableConv2D(64, 3): 1792 / 283 = 6.33; forgetting the bias: 1728 / 219
    # = 7.89; the tutorial's 286: 6.27. A response of 6.3 is right; 6.25 lies within 0.05 of 6.27 only.
    question = build_question("times_fewer", [TUTORIAL_STANDARD, TUTORIAL_SEPARABLE], "params")
    assert _named(question, 6.25) == {"separable_depthwise_bias"}
    verdict = check_answer(question, 7.9)
    assert verdict.misconception.key == "forgot_bias"


def test_every_mistake_that_gives_the_same_number_is_named():
    """Conv2D(8, 1) on 7x7x4 does 49 x 4 x 8 = 1,568 multiply-adds. 3,136 is both the FLOPs (2 x 1,568) and the
    pointwise kernel counted as 1 x 1 x N (49 x 8 x 8, since N = 2C): only the second was named, to a student who
    had most likely counted FLOPs."""
    question = build_question("multiply_adds", [LayerSpec("pointwise", 7, 4, 8, 1, padding="same")])
    assert question.answer == 49 * 4 * 8
    verdict = check_answer(question, 3136)
    assert {m.key for m in verdict.misconceptions} == {"flops_not_macs", "pointwise_n_by_n"}
    assert check_answer(question, 1568 + 1).misconceptions == ()  # and a number no mistake gives names none


def test_forgetting_the_bias_names_every_bias_the_layer_has():
    custom = build_question("params", [TUTORIAL_CUSTOM])
    misconception = check_answer(custom, 27 + 192).misconception  # both biases left out: 286 - 3 - 64
    assert misconception.key == "forgot_bias"
    text = misconception.text(custom)
    assert "C = 3 after the depthwise step and N = 64 after the 1x1 step, 67 in all" in text
    # it read "`DepthwiseConv2D(3) then Conv2D(64, 1)` has both layers keep theirs: C = 3 ..."
    assert "then Conv2D(64, 1)` has two bias vectors, one per layer: C = 3 after" in text, text
    separable = build_question("params", [TUTORIAL_SEPARABLE])
    assert "N = 64, and none after the depthwise step" in check_answer(separable, 219).misconception.text(separable)
    depthwise = build_question("params", [LayerSpec("depthwise", 8, 4, 4, 3)])  # 36 weights + 4 biases
    assert "C = 4" in check_answer(depthwise, 36).misconception.text(depthwise)


def test_every_misconception_is_reachable_and_never_the_right_answer():
    reached = set()
    for seed in range(60):
        for question in make_quiz(seed):
            for misconception, wrong in traps(question):
                verdict = check_answer(question, wrong)
                assert not verdict.correct and verdict.misconception is not None
                reached.add(misconception.key)
            assert answer_text(question)
    assert reached == {m.key for m in MISCONCEPTIONS}
    named = set()
    for seed in range(60):
        for question in make_quiz(seed):
            named |= {check_answer(question, wrong).misconception.key for _, wrong in traps(question)}
    assert named == {m.key for m in MISCONCEPTIONS}  # and each one is the one named for some answer


def test_worked_formulas_end_in_the_keras_counts(keras_facts):
    # The revealed working must not contradict the answer: its last number is Keras's count for the layer.
    from dsconv.quiz.answers import macs_formula, params_formula

    def total(formula: str) -> int:
        return int(formula.rsplit("=", 1)[1].replace(r"\end{aligned}", "").replace("{,}", "").strip())

    checked = 0
    for seed in REFERENCE_SEEDS:
        for question in make_quiz(seed):
            for spec in question.layers:
                facts = keras_facts(spec)
                assert total(params_formula(spec)) == facts["params"], params_formula(spec)
                assert total(macs_formula(spec)) == facts["multiply_adds"], macs_formula(spec)
                checked += 1
    assert checked >= 20


def seen_by_the_student(question) -> tuple:
    """What a student reads of a question: its prompt and its choices, whatever order the choices come in."""
    choices = sorted(label.split(": ", 1)[-1] for _, label in question.choices)
    return question.prompt, tuple(choices)


@pytest.mark.parametrize("topics, seeds", [(TOPICS, range(400)), *(((topic,), range(120)) for topic in TOPICS),
                                           (TOPICS, (151,)), (("params",), (14,))])
def test_no_set_asks_the_same_question_twice(topics, seeds):
    """Set 151 asked the same SeparableConv2D question as its 2nd and its 8th, each scored: one answer was a free
    point for the other. Set 14 of parameter questions only did the same with its 7th and 8th."""
    for seed in seeds:
        shown = [seen_by_the_student(question) for question in make_quiz(seed, topics)]
        assert len(set(shown)) == len(shown), (seed, topics)


def test_the_ratio_explanation_gives_the_weights_and_the_parameters_ratios():
    """It said the biases make a parameter ratio "slightly different" from 1 / (1/N + 1/k²): set 1943's 2nd question
    (C = 2, N = 64, k = 3) has 7.89 from the weights and 5.74 with the biases. Counted here by hand: weights k²CN
    against k²C + CN; biases N for Conv2D and SeparableConv2D, C + N for the two layers."""
    seen = 0
    for seed in range(300):
        for question in make_quiz(seed, ("times_fewer",)):
            if question.metric != "params":
                assert "slightly" not in question.explanation
                continue
            standard, other = question.layers
            c, n, k2 = standard.in_channels, standard.out_channels, standard.kernel_size ** 2
            bias = n + (c if other.kind == "depthwise_pointwise" else 0)
            weights = k2 * c * n / (k2 * c + c * n)
            total = (k2 * c * n + n) / (k2 * c + c * n + bias)
            assert f"1 / (1/{n} + 1/{k2}) = {weights:.2f}." in question.explanation, question.explanation
            assert f"({n} in the Conv2D, {bias} in the " in question.explanation
            assert question.explanation.endswith(f"ratio {total:.2f}.") and math.isclose(question.answer, total)
            seen += 1
    assert seen > 100
    question = make_quiz(1943)[1]
    assert "= 7.89." in question.explanation and question.explanation.endswith("ratio 5.74.")


def test_the_cheaper_explanation_states_the_conditions_keras_needs():
    """"A separable layer is ... cheaper than a standard layer with the same settings, never cheaper than the
    pointwise layer alone" was false at N = 1 (SeparableConv2D(1, 3) on 8 channels: 81 parameters, Conv2D(1, 3): 73)
    and for multiply-adds at other output positions (SeparableConv2D(8, 7) on 8 x 8 x 3, "valid": 2 x 2 positions, 684
    multiply-adds; Conv2D(8, 1): 8 x 8 positions, 1,536). Counted in Keras; the sentences now state both conditions."""
    keras = pytest.importorskip("keras")
    from dsconv.quiz.answers import MISCONCEPTIONS
    from dsconv.quiz.generate import _EXPLANATIONS

    def params(layer, shape):
        keras.Sequential([keras.Input(shape), layer])
        return layer.count_params()

    assert params(keras.layers.SeparableConv2D(1, 3), (8, 8, 8)) > params(keras.layers.Conv2D(1, 3), (8, 8, 8))
    assert params(keras.layers.SeparableConv2D(64, 1), (8, 8, 3)) > params(keras.layers.Conv2D(64, 1), (8, 8, 3))
    assert params(keras.layers.SeparableConv2D(2, 2), (8, 8, 3)) < params(keras.layers.Conv2D(2, 2), (8, 8, 3))
    separable, pointwise = keras.layers.SeparableConv2D(8, 7), keras.layers.Conv2D(8, 1)
    out_s = keras.Sequential([keras.Input((8, 8, 3)), separable]).output_shape
    out_p = keras.Sequential([keras.Input((8, 8, 3)), pointwise]).output_shape
    macs_s = out_s[1] * out_s[2] * (7 * 7 * 3 + 3 * 8)  # one multiply-add per weight per output position
    macs_p = out_p[1] * out_p[2] * 3 * 8
    assert (macs_s, macs_p) == (684, 1536)  # the separable layer does fewer, at fewer positions
    cheaper = _EXPLANATIONS["cheaper"]
    assert "with 2 or more output channels and a kernel of 2 x 2 or more" in cheaper
    assert "nor fewer multiply-adds at the same output positions" in cheaper
    mistake = next(m for m in MISCONCEPTIONS if m.key == "separable_always_cheaper")
    said = mistake.text if isinstance(mistake.text, str) else mistake.text(None)
    assert "where N ≥ 2 and k ≥ 2" in said and "at the same output positions" in said


def test_a_count_of_multiply_adds_works_out_its_output_positions_first():
    """The worked answer read "4·4 (output positions) × 5·5·2 = 800" and never said where the 4 came from, while the
    mistakes it named were about that side ("counting multiply-adds on the input size", "mixing up valid and same")."""
    valid = build_question("multiply_adds", [LayerSpec("standard", 8, 2, 1, 5)])  # 8 x 8 x 2, k = 5: 4 x 4 outputs
    side, count = valid.formula
    assert side.endswith(r"\left\lfloor \frac{8 - 5}{1} \right\rfloor + 1 = 4\end{aligned}")
    assert r"\underbrace{4\cdot4}" in count and count.endswith(r"= 800\end{aligned}")
    same = build_question("multiply_adds", [LayerSpec("separable", 12, 4, 8, 3, strides=2, padding="same")])
    assert r"\left\lceil \frac{12}{2} \right\rceil" in same.formula[0]  # 6 x 6 outputs


def test_two_questions_never_share_a_key():
    """The page keeps each answer under its question's key. Set 27's question 8 is a DepthwiseConv2D count with every
    kind of question and a SeparableConv2D count with parameters alone (a set does not repeat its earlier questions),
    and both had the key "27_7_params": the first one's answer was shown, and scored, as the second's."""
    from itertools import combinations

    subsets = [subset for size in range(1, len(TOPICS) + 1) for subset in combinations(TOPICS, size)]
    seen: dict[str, tuple] = {}
    for seed in range(0, 60):
        for subset in subsets:
            for question in make_quiz(seed, subset):
                asked = (question.prompt, question.layers, question.metric, question.answer)
                assert seen.setdefault(question.key, asked) == asked, (question.key, seen[question.key], asked)
    assert len(seen) > 60 * 10


def test_a_mistake_rounded_as_the_prompt_asks_is_never_marked_right():
    """A "times fewer" question asks for one decimal place and accepts answers within 0.05. Set 11's question 5 had
    the answer 6.33, and the mistake of giving SeparableConv2D's depthwise step a bias gives 6.27: a student who made
    it and rounded as asked typed 6.3, and was marked right, with no word of the mistake."""
    checked = 0
    for seed in range(0, 400):
        for question in make_quiz(seed):
            if question.answer_kind != "ratio":
                continue
            checked += 1
            assert check_answer(question, round(float(question.answer), 1)).correct  # the right answer, rounded
            for misconception, wrong in traps(question):
                typed = round(float(wrong), 1)
                verdict = check_answer(question, typed)
                assert not verdict.correct, (seed, question.index, question.answer, misconception.key, wrong)
    assert checked > 400
