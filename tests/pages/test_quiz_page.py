"""The Quiz page run by Streamlit's AppTest: predict, check, reveal, misconception names, score, links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page
from dsconv.quiz.answers import traps
from dsconv.quiz.generate import answer_text, make_quiz
from dsconv.quiz.questions import TOPICS
from dsconv_ui.common import SHARE_KEY
from rendered import literal

PAGE = "pages/6_Quiz.py"


def find(seed: int, topic: str, misconception: str | None = None):
    """The first question of a topic in a set (1-based number), and the wrong answer a misconception gives."""
    for question in make_quiz(seed):
        if question.topic != topic:
            continue
        wrong = {m.key: value for m, value in traps(question)}
        if misconception is None or misconception in wrong:
            return question, question.index + 1, wrong.get(misconception)
    raise LookupError(f"no {topic} question with {misconception} in set {seed}")


def qid(question) -> str:
    return question.key


def answer(at: AppTest, question, value) -> AppTest:
    """Type (or pick) an answer and press Check."""
    key = f"quiz_answer_{qid(question)}"
    if question.answer_kind == "shape":
        for name, part in zip(("height", "width", "channels"), value):
            at.number_input(key=f"{key}_{name}").set_value(part)
    elif question.answer_kind == "choice":
        at.radio(key=key).set_value(value)
    else:
        at.number_input(key=key).set_value(value)
    return at.button(key=f"quiz_check_{qid(question)}").click().run()


def texts(elements) -> str:
    return "\n".join(str(element.value) for element in elements)


def test_question_shows_and_answer_hidden_until_check():
    question, number, _ = find(3, "params")
    at = open_page(PAGE, quiz_seed="3", quiz_q=str(number))
    assert not at.exception
    assert question.prompt in texts(at.markdown)
    assert not at.latex and not at.success and not at.error  # nothing revealed before the prediction
    assert f"{question.answer:,}" not in texts(at.markdown)
    at = answer(at, question, question.answer)
    assert not at.exception
    assert f"Right: **{answer_text(question)}**" in texts(at.success)
    assert at.latex and f"= {question.answer:,}".replace(",", "{,}") in at.latex[0].value
    assert at.metric[0].value == "1 / 1"


@pytest.mark.parametrize("seed, topic, misconception, name", [
    (3, "params", "forgot_bias", "Forgetting the bias"),
    (1, "multiply_adds", "flops_not_macs", "Giving FLOPs instead of multiply-adds"),
    (2, "shape", "wrong_padding", 'Mixing up "valid" and "same" padding'),
    (1, "bias_place", "separable_depthwise_bias", "Giving SeparableConv2D's depthwise step a bias"),
    (4, "times_fewer", "ratio_upside_down", "Dividing the wrong way round"),
])
def test_misconception_value_is_named(seed, topic, misconception, name):
    question, number, wrong = find(seed, topic, misconception)
    at = open_page(PAGE, quiz_seed=str(seed), quiz_q=str(number))
    if question.answer_kind == "ratio":
        wrong = round(wrong, 2)
    at = answer(at, question, wrong)
    assert not at.exception
    assert f"the answer is **{answer_text(question)}**" in texts(at.error)
    assert name in texts(at.warning)
    assert at.metric[0].value == "0 / 1"


def test_named_misconceptions_cover_pointwise_and_input_size():
    for seed in range(20):
        try:
            question, number, wrong = find(seed, "params", "pointwise_n_by_n")
            break
        except LookupError:
            continue
    at = answer(open_page(PAGE, quiz_seed=str(seed), quiz_q=str(number)), question, wrong)
    assert "Counting the pointwise kernel as 1 × 1 × N" in texts(at.warning)


def test_two_mistakes_that_give_the_same_number_are_both_named():
    """Set 4, question 5: Conv2D(8, 1) on 7x7x4. The FLOPs, 3,136, are also what counting the pointwise kernel as
    1 x 1 x N gives (N = 2C); the page named only the second."""
    question = make_quiz(4)[4]
    assert question.answer == 1568 and "Conv2D(8, 1" in question.prompt
    at = answer(open_page(PAGE, quiz_seed="4", quiz_q="5"), question, 3136)
    said = texts(at.warning)
    assert "Giving FLOPs instead of multiply-adds" in said and "Counting the pointwise kernel as 1 × 1 × N" in said
    assert said.count("(one of 2 that give this number here)") == 2
    # a choice is no number: set 6, question 10, "Neither" is what two mistakes give
    choice = make_quiz(6)[9]
    assert choice.answer_kind == "choice" and choice.answer == "B"
    said = texts(answer(open_page(PAGE, quiz_seed="6", quiz_q="10"), choice, "same").warning)
    assert said.count("(one of 2 that give this answer here)") == 2 and "this number" not in said, said
    # nor is a shape: set 13, question 4, (4, 4, 4) is what two mistakes give
    shape = make_quiz(13)[3]
    assert shape.answer_kind == "shape" and shape.answer == (2, 2, 4)
    said = texts(answer(open_page(PAGE, quiz_seed="13", quiz_q="4"), shape, (4, 4, 4)).warning)
    assert said.count("(one of 2 that give this answer here)") == 2 and "this number" not in said, said


def test_unexplained_wrong_answer_names_nothing_and_first_answer_counts():
    question, number, _ = find(3, "params")
    at = answer(open_page(PAGE, quiz_seed="3", quiz_q=str(number)), question, question.answer + 1001)
    assert at.error and not at.warning
    assert f"quiz_answer_{qid(question)}" not in [w.key for w in at.number_input]  # locked after one try
    assert "Your answer: **" in texts(at.markdown)


@pytest.mark.parametrize("typed, said", [(1_234_567.5, "1,234,567.5 is not a whole number"),
                                         (123_456.5, "123,456.5 is not a whole number"),
                                         (-1_234_567.0, "-1,234,567 is below 0")])
def test_a_large_number_sent_back_is_said_as_typed(typed, said):
    """Python's "g" keeps six digits: 123,456.5 was said back as "123,456 is not a whole number", which is whole, and
    1,234,567.5 as "1.23457e+06"."""
    question, number, _ = find(3, "params")
    at = answer(open_page(PAGE, quiz_seed="3", quiz_q=str(number)), question, typed)
    assert not at.exception
    assert said in texts(at.warning), texts(at.warning)


def test_check_without_answer_asks_for_one():
    question, number, _ = find(5, "shape")
    at = open_page(PAGE, quiz_seed="5", quiz_q=str(number))
    at = at.button(key=f"quiz_check_{qid(question)}").click().run()
    assert "Type or pick your answer first" in texts(at.warning)
    assert at.metric[0].value == "0 / 0" and not at.latex


@pytest.mark.parametrize("topic", ["params", "shape"])
def test_a_number_that_is_not_whole_is_sent_back_not_scored(topic):
    """In the browser a whole-number box cut "800.9" to 800, which was then marked right. The boxes take any number
    now; one that is not whole is sent back with a sentence, unscored, and the box keeps what was typed."""
    question, number, _ = find(3, topic)
    typed = (question.answer + 0.9 if topic == "params" else
             (question.answer[0] + 0.5, *question.answer[1:]))
    at = answer(open_page(PAGE, quiz_seed="3", quiz_q=str(number)), question, typed)
    assert not at.exception
    shown = (typed if topic == "params" else typed[0])
    whole = question.answer if topic == "params" else question.answer[0]
    said = f"{whole:,}.9" if topic == "params" else f"{whole:,}.5"  # as typed: every digit, thousands marked
    assert f"{said} is not a whole number" in texts(at.warning), texts(at.warning)
    assert at.metric[0].value == "0 / 0" and not at.latex and not at.success and not at.error
    key = f"quiz_answer_{qid(question)}" + ("" if topic == "params" else "_height")
    assert at.number_input(key=key).value == shown  # kept, to be mended
    at = answer(at, question, question.answer)  # the whole number is then checked as usual
    assert at.success and at.metric[0].value == "1 / 1"


@pytest.mark.parametrize("topic", ["params", "shape", "times_fewer"])
def test_a_negative_answer_is_sent_back_with_a_sentence(topic):
    """The boxes had a minimum of 0: in the browser "-5" turned the box red and Check sent nothing, so it seemed to
    do nothing. Now a negative answer is sent back with a sentence, unscored, and the box keeps it."""
    question, number, _ = find(7, topic)
    typed = -5.0 if topic != "shape" else (-5.0, *question.answer[1:])
    at = answer(open_page(PAGE, quiz_seed="7", quiz_q=str(number)), question, typed)
    assert not at.exception
    said = texts(at.warning)
    if topic == "times_fewer":
        assert "-5 times fewer cannot be: a ratio of two counts is not negative. Type 0 or more" in said, said
    else:
        assert "-5 is below 0: a layer has no negative number of parameters, multiply-adds, pixels or channels." \
            in said, said
    assert at.metric[0].value == "0 / 0" and not at.latex
    at = answer(at, question, question.answer)  # then checked as usual
    assert at.success and at.metric[0].value == "1 / 1"


def test_a_ratio_of_minus_0_is_said_as_0():
    question, number, _ = find(7, "times_fewer")
    at = answer(open_page(PAGE, quiz_seed="7", quiz_q=str(number)), question, -0.0)
    assert "-0" not in " ".join(m.value for m in at.markdown) and not at.exception


def test_show_answer_reveals_without_scoring_and_next_moves_on():
    question, number, _ = find(6, "cheaper")
    at = open_page(PAGE, quiz_seed="6", quiz_q=str(number))
    at = at.button(key=f"quiz_show_{qid(question)}").click().run()
    assert answer_text(question) in texts(at.info)
    assert at.metric[0].value == "0 / 0"
    assert len(at.latex) == 2  # both layers' counts, worked out
    # said in words among the answered ones: "6 ·" read as a separator left dangling
    assert f"answered: {number} (answer shown)" in " ".join(c.value for c in at.caption)
    at = at.button(key="quiz_next").click().run()
    assert at.radio(key="quiz_q").value == number % 10 + 1
    assert at.query_params["quiz_q"] == str(number % 10 + 1)  # the address bar follows


def test_a_shown_answer_cannot_be_typed_back_and_scored():
    """After "Just show the answer" ("not scored") the answer box and Check stayed: typing the shown number and
    pressing Check scored it, 1 / 1. Once shown, the question takes no answer."""
    question, number, _ = find(2, "params")
    at = open_page(PAGE, quiz_seed="2", quiz_q=str(number))
    at = at.button(key=f"quiz_show_{qid(question)}").click().run()
    assert f"quiz_answer_{qid(question)}" not in [w.key for w in at.number_input]
    assert f"quiz_check_{qid(question)}" not in [b.key for b in at.button]
    assert at.metric[0].value == "0 / 0" and answer_text(question) in texts(at.info)


@pytest.mark.parametrize("query", [{}, {"present": "1"}])
def test_the_score_resets_beside_it_in_every_mode(query):
    """"Reset my score" stood in the sidebar, which projector mode hides: a teacher could not start the class's score
    again. It stands under the score, and a reset takes answers again."""
    question, number, _ = find(3, "params")
    at = open_page(PAGE, {**query, "quiz_seed": "3", "quiz_q": str(number)})
    assert at.button(key="quiz_reset_score").disabled  # nothing to forget yet
    at = answer(at, question, question.answer)
    assert at.metric[0].value == "1 / 1"
    assert "quiz_reset_score" not in [b.key for b in at.sidebar.button]  # on the page, not in the sidebar
    at = at.button(key="quiz_reset_score").click().run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "0 / 0" and "answered: none yet" in " ".join(c.value for c in at.caption)
    assert f"quiz_answer_{qid(question)}" in [w.key for w in at.number_input]  # it takes an answer again
    assert at.button(key="quiz_reset_score").disabled


def test_same_seed_same_questions_for_the_class_and_new_set_changes_them():
    first = open_page(PAGE, quiz_seed="77")
    second = open_page(PAGE, quiz_seed="77")
    assert texts(first.markdown) == texts(second.markdown)
    assert make_quiz(77)[0].prompt in texts(first.markdown)
    first = first.button(key="quiz_new_set").click().run()
    assert first.number_input(key="quiz_seed").value != 77  # never the same set again, whatever the draw
    assert first.query_params["quiz_seed"] == str(first.number_input(key="quiz_seed").value)


def test_topic_filter_and_bad_links_fail_gently():
    at = open_page(PAGE, quiz_topics="shape")
    assert "What shape" in texts(at.markdown)
    at = open_page(PAGE, quiz_seed="banana", quiz_q="99")
    assert not at.exception
    said = literal(texts(at.warning))  # the keys are shown literally (quiz\_seed in Markdown)
    assert "quiz_seed='banana'" in said and "quiz_q='99'" in said
    assert at.number_input(key="quiz_seed").value == 1 and at.radio(key="quiz_q").value == 1
    at.multiselect(key="quiz_topics").set_value([]).run()
    assert not at.exception
    assert "Pick at least one kind of question" in texts(at.error)
    # in the words of the picker the student uses, never the code's names ("multiply_adds, times_fewer")
    assert "multiply-adds, which is cheaper, times fewer, where the bias goes" in texts(at.error)
    assert "_" not in texts(at.error)


def test_share_link_carries_the_seed_and_question():
    question, number, _ = find(12, "params")
    at = open_page(PAGE, quiz_seed="12", quiz_q=str(number))
    assert not at.code  # the link is built only once its expander is opened
    at.session_state[SHARE_KEY] = True
    links = [code.value for code in at.run().code]
    assert any("quiz_seed=12" in link and f"quiz_q={number}" in link for link in links), links


def test_link_to_the_page_that_shows_it_when_run_in_the_app():
    if not (ROOT / "app.py").exists() or not (ROOT / "pages" / "1_Parameter_lab.py").exists():
        pytest.skip("the app's home page or the Parameter lab is not there yet")
    question, number, _ = find(3, "params")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["quiz_seed"] = "3"
    at.query_params["quiz_q"] = str(number)
    at.switch_page("pages/6_Quiz.py").run()
    at = answer(at, question, question.answer)
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert any(label.startswith("Parameter lab") for label in labels), labels


def test_settings_survive_a_visit_to_another_page():
    if not (ROOT / "app.py").exists() or not (ROOT / "pages" / "1_Parameter_lab.py").exists():
        pytest.skip("the app's home page or the Parameter lab is not there yet")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page("pages/6_Quiz.py").run()
    at.number_input(key="quiz_seed").set_value(55).run()
    at.radio(key="quiz_q").set_value(4).run()
    at.switch_page("pages/1_Parameter_lab.py").run()
    at.switch_page("pages/6_Quiz.py").run()
    assert not at.exception
    assert at.number_input(key="quiz_seed").value == 55 and at.radio(key="quiz_q").value == 4
    assert at.query_params["quiz_seed"] == "55" and at.query_params["quiz_q"] == "4"


def test_a_new_set_is_never_the_current_one(monkeypatch):
    import random

    # Even a draw that would pick the current set again gives another one.
    monkeypatch.setattr(random, "choice", lambda seeds: seeds[76])  # the 77th candidate: 78, since 77 is left out
    at = open_page(PAGE, quiz_seed="77").button(key="quiz_new_set").click().run()
    assert at.number_input(key="quiz_seed").value == 78


@pytest.mark.parametrize("topic", ["cheaper", "bias_place"])
def test_a_choice_questions_options_stay_listed_once_answered(topic):
    """"Just show the answer" on a which-is-cheaper question took its options away with the form: "The answer:
    Layer B: ..." and the worked "A: 3·3·2·8 + 8 = 152" stood with Layer A nowhere on the screen. Once answered (or
    shown), every option stays listed, the answer and the student's pick marked."""
    question, number, _ = find(6, topic)
    at = open_page(PAGE, quiz_seed="6", quiz_q=str(number))
    at = at.button(key=f"quiz_show_{qid(question)}").click().run()
    assert not at.exception
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    lines = listed.split("\n")
    assert [line.split(" **←")[0] for line in lines] == [f"- {label}" for _, label in question.choices]
    right = dict(question.choices)[question.answer]
    assert [line for line in lines if line.endswith("**← the answer**")] == [f"- {right} **← the answer**"]
    # answered wrong: both marks, each on its own option
    wrong = next(key for key, _ in question.choices if key != question.answer)
    at = answer(open_page(PAGE, quiz_seed="6", quiz_q=str(number)), question, wrong)
    lines = next(m.value for m in at.markdown if m.value.startswith("- ")).split("\n")
    assert f"- {dict(question.choices)[wrong]} **← your answer**" in lines and f"- {right} **← the answer**" in lines


@pytest.mark.parametrize("present", [False, True])
def test_the_labels_under_the_braces_are_the_numbers_size_on_a_projector(present):
    """KaTeX sets a brace's label at 70 % of the numbers' size: 15 px on a 1280 x 800 projector ("output
    positions"). In projector mode the labels are set in the text style, as large as the numbers; elsewhere a phone's
    288 px page needs the small ones."""
    question, number, _ = find(2, "params")
    at = open_page(PAGE, quiz_seed="2", quiz_q=str(number), **({"present": "true"} if present else {}))
    at = at.button(key=f"quiz_show_{qid(question)}").click().run()
    formulas = [element.value for element in at.latex]
    assert formulas and all(r"\underbrace" in formula for formula in formulas)
    large = [r"}_{\textstyle\text{" in formula for formula in formulas]
    assert all(large) if present else not any(large)


def test_an_answer_stays_with_its_question_when_the_kinds_of_question_change():
    """Answers were kept under "set_position_kind". Set 27's question 8 asks a parameter count either way, but with
    every kind of question it is a DepthwiseConv2D's (80) and with parameters alone a SeparableConv2D's (272), since a
    set does not repeat its earlier questions: the answer 80 showed under the new question as "Your answer", the
    point stayed, and the new question took no answer."""
    every, counts_only = make_quiz(27)[7], make_quiz(27, ("params",))[7]
    assert (every.topic, counts_only.topic) == ("params", "params") and every.prompt != counts_only.prompt
    at = open_page(PAGE, quiz_seed="27", quiz_q="8")
    at = answer(at, every, every.answer)
    assert f"Right: **{answer_text(every)}**" in texts(at.success)
    at = at.multiselect(key="quiz_topics").set_value(["params"]).run()
    assert not at.exception, at.exception
    assert counts_only.prompt in texts(at.markdown)
    assert "Your answer" not in texts(at.markdown) and not at.success  # nothing of the other question's answer
    at = answer(at, counts_only, counts_only.answer)  # it takes its own answer
    assert f"Right: **{answer_text(counts_only)}**" in texts(at.success)
    at = at.multiselect(key="quiz_topics").set_value(list(TOPICS)).run()  # back to every kind
    assert f"Your answer: **{answer_text(every)}**" in texts(at.markdown)  # the first answer is still its own
    assert at.metric[0].value == "2 / 2"

