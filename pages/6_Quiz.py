"""Quiz: predict a layer's parameters, shape or work, then reveal the answer with its worked formula."""

from __future__ import annotations

from dsconv import ONE_AT_A_TIME

with ONE_AT_A_TIME:  # one session's imports at a time: see dsconv/__init__.py
    import random
    from pathlib import Path

    import streamlit as st
    from streamlit.errors import StreamlitPageNotFoundError

    from dsconv.quiz import (
        MISCONCEPTIONS,
        TOPIC_LABELS,
        TOPICS,
        Question,
        QuizSettings,
        answer_text,
        check_answer,
        make_quiz,
    )
    from dsconv.safe_text import typed_number
    from dsconv_ui.common import (
        BOUND,
        is_presenting,
        page_setup,
        projector_bar,
        share_link,
        show_error,
        wrap_long_chips,
    )

SETTINGS = QuizSettings()
RESULTS_KEY = "quiz_results"  # question id -> what the student answered and how it was judged
PARAMETER_LAB = ("1_Parameter_lab.py", "Parameter lab: these counts for any layer you build")
SLIDING_KERNELS = ("2_Sliding_kernels.py", "Sliding kernels: watch the kernel visit every output position")
SHORT_LABELS = {"params": "parameters", "shape": "output shape", "multiply_adds": "multiply-adds",
                "cheaper": "which is cheaper", "times_fewer": "times fewer", "bias_place": "where the bias goes"}
TOPIC_PAGES = {"params": PARAMETER_LAB, "cheaper": PARAMETER_LAB, "times_fewer": PARAMETER_LAB,
               "bias_place": PARAMETER_LAB, "shape": SLIDING_KERNELS, "multiply_adds": SLIDING_KERNELS}


def question_id(question: Question) -> str:
    """The key of the question's answer and widgets (Question.key: one question, one key)."""
    return question.key


def new_question_set() -> None:
    """A set number other than the current one (a new set must be new), and back to question 1."""
    current = st.session_state.get("quiz_seed")
    st.session_state["quiz_seed"] = random.choice([seed for seed in range(1, 10_000) if seed != current])
    st.session_state["quiz_q"] = 1


def next_question() -> None:
    st.session_state["quiz_q"] = st.session_state["quiz_q"] % SETTINGS.questions + 1


def quiz_controls(bar: list | None) -> tuple[int, list[str]]:
    """The teacher's choices: which question set and which kinds of question; in the sidebar, or in the projector
    bar at the top of the page (the class sees the set number and the topics there)."""
    with st.sidebar:
        st.header("Question set")
        wrap_long_chips()
    seed = (bar[0] if bar else st.sidebar).number_input(
        "Set number", min_value=0, max_value=9999, value=1, step=1, key="quiz_seed", **BOUND,
        help="Everyone with the same set number (or the same link) gets the same questions.")
    topics = (bar[1] if bar else st.sidebar).multiselect("Kinds of question", TOPICS, default=TOPICS, key="quiz_topics",
                                                         format_func=SHORT_LABELS.get, wrap=True, **BOUND)
    (bar[2] if bar else st.sidebar).button("New question set", key="quiz_new_set", on_click=new_question_set,
                                           width="stretch")
    return int(seed), list(topics)


def reset_score() -> None:
    """Forget every answer of this session: the score starts again, and the questions take answers again."""
    st.session_state[RESULTS_KEY] = {}


def question_picker(questions: tuple[Question, ...], results: dict) -> Question:
    """Pick the question, see which are answered (✓ right, ✗ wrong, "answer shown") and the session's score."""
    picker, score = st.columns([3, 1])
    number = picker.radio("Question", range(1, len(questions) + 1), key="quiz_q", horizontal=True, **BOUND)
    # A shown answer was "2 ·", which read as a separator left dangling
    marks = [f"{i} {'✓' if record['correct'] else '(answer shown)' if record['correct'] is None else '✗'}"
             for i, record in ((i, results.get(question_id(q))) for i, q in enumerate(questions, 1)) if record]
    picker.caption(f"Question set {questions[0].seed} · answered: " + (", ".join(marks) if marks else "none yet"))
    scored = [record["correct"] for record in results.values() if record["correct"] is not None]
    score.metric("Score this session", f"{sum(scored)} / {len(scored)}",
                 help="Right answers out of questions answered; only your first answer to each question counts. "
                 '"Just show the answer" is not counted.')
    # Beside the score, in every mode: in the sidebar, projector mode hid it, and a teacher could not start again.
    score.button("Reset my score", key="quiz_reset_score", on_click=reset_score, disabled=not results,
                 help="Forget this session's answers: the score starts at 0 / 0 and every question takes an answer "
                 "again.")
    return questions[number - 1]


def whole_numbers(values: list[float | None]) -> tuple[tuple[int, ...] | None, str]:
    """Typed counts as whole numbers, or None and a sentence for the first that is not one ("" when one is empty).

    The boxes take any number: a whole-number box in the browser cut "800.9" to 800, which was then marked right,
    and one with a minimum of 0 turned red at "-5" and sent nothing, so Check seemed to do nothing."""
    if None in values:
        return None, ""
    for value in values:
        if value < 0:
            return None, (f"{typed_number(value)} is below 0: a layer has no negative number of parameters, "
                          "multiply-adds, pixels or channels. Type 0 or more, then press Check.")
        if not float(value).is_integer():
            return None, (f"{typed_number(value)} is not a whole number: layers have whole numbers of parameters, "
                          "multiply-adds, pixels and channels. Type a whole number, then press Check.")
    return tuple(int(value) for value in values), ""


def answer_controls(question: Question, qid: str) -> tuple[object, str, str]:
    """The form for the student's prediction; returns the answer or None, "check", "show" or "" for the button
    pressed, and a sentence on what to change where the answer cannot be checked as typed."""
    # "%g": 800 reads 800, 800.9 reads 800.9. No minimum: the browser sent nothing for "-5" (see whole_numbers)
    whole = {"step": 1.0, "value": None, "format": "%g"}
    problem = ""
    with st.form(f"quiz_form_{qid}"):
        kind = question.answer_kind
        if kind == "shape":
            columns = st.columns(3)
            values = [column.number_input(name, key=f"quiz_answer_{qid}_{name}", **whole)
                      for column, name in zip(columns, ("height", "width", "channels"))]
            response, problem = whole_numbers(values)
        elif kind == "choice":
            labels = dict(question.choices)
            response = st.radio("Your answer", list(labels), index=None, format_func=labels.get,
                                key=f"quiz_answer_{qid}")
        elif kind == "ratio":
            response = st.number_input("Your answer (times fewer)", step=0.1, value=None, format="%.2f",
                                       key=f"quiz_answer_{qid}")
            if response is not None and response < 0:
                response, problem = None, (f"{typed_number(response)} times fewer cannot be: a ratio of two "
                                           "counts is not negative. Type 0 or more, then press Check.")
            elif response is not None:
                response += 0.0  # -0 is 0 ("You said -0 times fewer")
        else:
            unit = "parameters" if question.topic == "params" else "multiply-adds"
            number, problem = whole_numbers([st.number_input(f"Your answer ({unit})", key=f"quiz_answer_{qid}",
                                                             **whole)])
            response = None if number is None else number[0]
        buttons = st.container(horizontal=True)  # side by side, whatever the page's width
        pressed = buttons.form_submit_button("Check", type="primary", key=f"quiz_check_{qid}")
        # A button that looks like one: as a "tertiary" (plain text) button it read as a label under the box.
        # No tooltip: after the click it stayed over the revealed answer until the mouse moved (said above instead)
        shown = buttons.form_submit_button("Just show the answer", icon=":material/visibility:", key=f"quiz_show_{qid}")
    return response, "check" if pressed else "show" if shown else "", problem


def answered_choices(question: Question, response: object) -> None:
    """A choice question's options, still listed once it is answered or its answer shown, the answer and the student's
    pick marked: the form that listed them goes, and "A: 3·3·2·8 + 8 = 152" stood under "The answer: Layer B" with
    Layer A nowhere on the screen."""
    lines = []
    for key, label in question.choices:
        marks = [mark for mark, on in (("the answer", key == question.answer), ("your answer", key == response)) if on]
        lines.append(f"- {label}" + (f" **← {' and '.join(marks)}**" if marks else ""))
    st.markdown("\n".join(lines))


def show_link(topic: str) -> None:
    """Link to the page that shows this idea, when that page exists."""
    file_name, label = TOPIC_PAGES[topic]
    if not (Path(__file__).resolve().parent / file_name).exists():
        return
    try:
        st.page_link(f"pages/{file_name}", label=label, icon="👉")
    except StreamlitPageNotFoundError:  # this page runs on its own, without the app's other pages
        st.caption(f"See the **{label.split(':')[0]}** page of the app.")


def reveal(question: Question, record: dict) -> None:
    """The verdict, any known mistake the wrong answer matches, and the worked formula with these numbers."""
    if record["correct"] is None:
        st.info(f"The answer: **{answer_text(question)}** (shown without a guess; not scored).", icon="👀")
    elif record["correct"]:
        st.success(f"Right: **{answer_text(question)}**.", icon="✅")
    else:
        st.error(f"You said {answer_text(question, record['response'])}; the answer is "
                 f"**{answer_text(question)}**.", icon="❌")
    named = {m.key: m for m in MISCONCEPTIONS}
    found = [named[key] for key in record["misconceptions"] if key in named]
    # Where two mistakes give the same number here, each is named: the answer alone cannot tell which was made.
    given = "number" if question.answer_kind in ("number", "ratio") else "answer"  # a choice or a shape is none
    which = "a known mistake" + ("" if len(found) == 1 else f" (one of {len(found)} that give this {given} here)")
    for misconception in found:
        st.warning(f"Your answer matches {which}: **{misconception.name}.** {misconception.text(question)}",
                   icon="🧠")
    st.markdown("**Worked answer**")
    worked_formulas(question.formula)
    st.info(question.explanation)
    show_link(question.topic)
    st.button("Next question →", key="quiz_next", on_click=next_question, type="primary")
    if st.session_state.pop(FOCUS_NEXT, False):  # only on the run that reveals it, never on a later one
        # Check and "Just show the answer" leave the page with the form gone and the keyboard's focus nowhere: the
        # next Tab began again at the top, 14 stops of the sidebar before the verdict
        st.html(_FOCUS_NEXT_SCRIPT, unsafe_allow_javascript=True)


def worked_formulas(formulas: tuple[str, ...]) -> None:
    """A worked answer's formulas, side by side where the page has room for them. Each is laid out in lines for a
    phone's 288 px, and one under another they made a narrow column down a desktop's page (a ratio's four, 640 px
    tall at 1400 x 1000); a formula that does not fit beside the one before goes under it."""
    if is_presenting():  # the labels under the braces at the numbers' size: at 70 % of it they were 15 px on a screen
        formulas = tuple(formula.replace(r"}_{\text{", r"}_{\textstyle\text{") for formula in formulas)
    for start in range(0, len(formulas), 2):
        row = st.container(horizontal=True, wrap=True, horizontal_alignment="center", gap="medium")
        for formula in formulas[start:start + 2]:
            row.latex(formula, width="content")


FOCUS_NEXT = "_quiz_focus_next"
_FOCUS_NEXT_SCRIPT = """<script>
(function () {
  let tries = 0;
  const focus = () => {
    const button = document.querySelector('.st-key-quiz_next button');
    const lost = !document.activeElement || document.activeElement === document.body;
    if (button && lost) button.focus({preventScroll: true});
    else if (!button && ++tries < 20) setTimeout(focus, 100);
  };
  focus();
})();
</script>"""


page_setup("Quiz", "❓")
st.session_state.setdefault(RESULTS_KEY, {})

st.title("Check yourself: predict, then reveal")
bar = projector_bar([1, 3, 1.4])  # projector mode: set number, topics and a new set, at the top for the class
# (at [1, 3, 1] a 1024 x 768 projector cut the button to "New questi...", at [1, 3, 1.2] "New question ...")
st.write("Work each answer out on paper, type it in and press **Check**. Then the quiz reveals the answer "
         "and the formula with your numbers, and names the mistake if your answer matches a common one. For a "
         "class discussion, **Just show the answer** reveals it without scoring.")

seed, topics = quiz_controls(bar)
if not topics:
    st.error("Pick at least one kind of question in the “Kinds of question” box: "
             f"{', '.join(SHORT_LABELS[topic] for topic in TOPICS)}.", icon="⚠️")
    share_link()
    st.stop()
try:
    quiz = make_quiz(seed, topics, SETTINGS)
except ValueError as exc:
    show_error(exc)
    share_link()
    st.stop()

results = st.session_state[RESULTS_KEY]
question = question_picker(quiz, results)
qid = question_id(question)

with st.container(border=True):
    st.subheader(f"Question {question.index + 1}: {TOPIC_LABELS[question.topic]}")
    st.markdown(question.prompt)
    if qid in results:  # answered, or shown without a guess: either way it takes no answer now (a shown one was scored)
        if question.answer_kind == "choice":
            answered_choices(question, results[qid]["response"])
        elif results[qid]["response"] is not None:
            st.markdown(f"Your answer: **{answer_text(question, results[qid]['response'])}**")
    else:
        response, action, problem = answer_controls(question, qid)
        if action == "check" and problem:
            st.warning(problem, icon="✍️")
        elif action == "check" and response is None:
            st.warning("Type or pick your answer first, then press Check.", icon="✍️")
        elif action == "check":
            verdict = check_answer(question, response)
            results[qid] = {"response": response, "correct": verdict.correct,
                            "misconceptions": [misconception.key for misconception in verdict.misconceptions]}
            st.session_state[FOCUS_NEXT] = True
            st.rerun()
        elif action == "show":
            results[qid] = {"response": None, "correct": None, "misconceptions": []}
            st.session_state[FOCUS_NEXT] = True
            st.rerun()

if qid in results:
    reveal(question, results[qid])

st.divider()
st.subheader("Why it matters")
st.write("Parameter counts decide a model's size on disk and in memory; multiply-adds decide its work per "
         "image; the output shape decides what the next layer receives. Depthwise separable layers cut the "
         "first two to about 1/N + 1/k² of a standard layer's. MobileNet spends that saving on small, fast models "
         "for phones; Xception spends it on accuracy, at about Inception V3's size.")
share_link()
