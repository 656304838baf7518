"""The Quiz in headless Chromium: what a student types is what is checked."""

import pytest

from dsconv.quiz.generate import make_quiz
from harness import WIDE_FORMULAS, opened, wait_until_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server


def test_a_number_typed_with_a_fraction_is_sent_back_not_cut_to_a_whole_one(browser, server):
    """The answer boxes took whole numbers only: the browser cut a typed "78.9" to 78, and the quiz marked it right.
    Now the box keeps 78.9, Check says it is not a whole number and scores nothing; 78 is then marked right."""
    question = make_quiz(3)[0]
    assert question.topic == "params" and isinstance(question.answer, int)  # set 3's first question: a count
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/Quiz?quiz_seed=3&quiz_q=1")
        wait_until_idle(page)
        box = page.locator(f".st-key-quiz_answer_{question.key} input")
        box.fill(f"{question.answer}.9")
        page.get_by_role("button", name="Check").click()
        wait_until_idle(page)
        warning = page.locator('[data-testid="stAlertContentWarning"]')
        assert f"{question.answer}.9 is not a whole number" in warning.inner_text()
        assert box.input_value() == f"{question.answer}.9"
        assert page.locator('[data-testid="stMetricValue"]').inner_text() == "0 / 0"
        box.fill(str(question.answer))
        page.get_by_role("button", name="Check").click()
        wait_until_idle(page)
        assert "Right" in page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
        assert page.locator('[data-testid="stMetricValue"]').inner_text() == "1 / 1"
    finally:
        page.close()



@pytest.mark.parametrize("seed, number, topic, kind", [
    (1, 4, "params", "depthwise_pointwise"), (11, 9, "shape", "depthwise"),
    (109, 10, "cheaper", "depthwise_pointwise"), (16, 4, "times_fewer", "standard")])
def test_every_worked_answer_fits_a_phone(browser, server, seed, number, topic, kind):
    """On a phone (390 px: a 356 px page) 7 of 10 worked answers scrolled sideways: a DepthwiseConv2D then a 1x1
    Conv2D's four labelled products in one line (459 px), a count of multiply-adds with its numbers (up to 492 px),
    a depthwise layer's channels with their reason (590 px). Each now takes two products, or one step, a line. These
    are the sets' widest answers (by their LaTeX's length, over sets 0-199) of the formulas' four shapes: a sum of
    labelled products, a shape, a count of multiply-adds beside a layer's name, and a ratio with MobileNet's.
    (The bias questions' sums are the parameter question's.) On the narrowest phone met (320 px: a 288 px page) the
    channels beside the shape ran 24 px past it, and "DepthwiseConv2D + 1x1 Conv2D:" 25 px: the shape, a two-layer
    name's second layer, its sum of weights and MobileNet's numbers each take a line of their own."""
    question = make_quiz(seed)[number - 1]
    assert (question.topic, question.layers[0].kind) == (topic, kind)
    with opened(browser, f"{server}/Quiz?quiz_seed={seed}&quiz_q={number}", {"width": 320, "height": 640}) as page:
        page.get_by_role("button", name="Just show the answer").click()
        page.locator(".katex-display").first.wait_for()
        wait_until_idle(page)
        assert page.locator(".katex-display").count() == len(question.formula)
        assert page.evaluate(WIDE_FORMULAS) == []


FORMULA_BOXES = """() => [...document.querySelectorAll('.katex-display')].map(display => {
  const box = display.getBoundingClientRect();
  return [Math.round(box.left), Math.round(box.top), Math.round(box.right), Math.round(box.bottom)];
})"""


@pytest.mark.parametrize("width", [1400, 1024, 800])
def test_a_worked_answer_stands_in_pairs_on_a_wider_page(browser, server, width):
    """Laid out in lines for a phone, a ratio's four formulas stood one under another down a desktop's page, a narrow
    column 640 px tall at 1400 x 1000. Now two stand side by side where the page has room (at 1400 and 1024 px,
    beside the sidebar); where it has not (800 px, the sidebar open), the second goes under the first. None scrolls
    sideways or runs into another; on a phone they stand one under another (the test above)."""
    question = make_quiz(16)[3]
    assert question.topic == "times_fewer" and len(question.formula) == 4
    with opened(browser, f"{server}/Quiz?quiz_seed=16&quiz_q=4", {"width": width, "height": 800}) as page:
        page.get_by_role("button", name="Just show the answer").click()
        page.locator(".katex-display").first.wait_for()
        wait_until_idle(page)
        assert page.evaluate(WIDE_FORMULAS) == []
        boxes = page.evaluate(FORMULA_BOXES)
        assert len(boxes) == 4
        for index, (left, top, right, bottom) in enumerate(boxes):  # no two formulas on one another
            for other in boxes[index + 1:]:
                assert right <= other[0] or other[2] <= left or bottom <= other[1] or other[3] <= top, boxes
        if width >= 1024:
            for first, second in (boxes[:2], boxes[2:]):
                assert first[1] == second[1] and first[2] <= second[0], boxes  # one beside the other
            assert boxes[2][1] > boxes[0][1]  # the second pair under the first
        else:
            assert boxes[1][1] > boxes[0][1], boxes  # the page has no room for the first pair on one line


def test_the_link_under_a_worked_answer_wraps_on_a_phone(browser, server):
    """At 390 px "Sliding kernels: watch the kernel visit every output position" was cut after "output" (366 px of
    label in a 314 px box, no ellipsis)."""
    with opened(browser, f"{server}/Quiz?quiz_seed=0&quiz_q=2", {"width": 390, "height": 844}) as page:
        page.get_by_role("button", name="Just show the answer").click()
        page.locator(".katex-display").first.wait_for()
        wait_until_idle(page)
        label = page.locator('[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p')
        assert "visit every output position" in label.inner_text()
        assert label.evaluate("p => p.scrollWidth <= p.clientWidth + 1 && p.getBoundingClientRect().height > 30")
