"""Projector mode at 1280 x 800, as a teacher projects it: every number on screen is at least 18 px (rendered, in
the browser), the page's main controls are on the first screen, and the Sliding kernels animation keeps its
sizes while it plays. Screenshots go to artifacts/screenshots/."""

import io

import pytest

from harness import OVERLAPPING_FIGURE_TEXT, SCREENSHOTS, WIDE_FORMULAS, on_views, opened, wait_until_idle

pytestmark = pytest.mark.browser

MIN_PX = 18
PROJECTOR = {"width": 1280, "height": 800}
XGA = {"width": 1024, "height": 768}  # an older projector
WIDE = {"width": 1400, "height": 1000}
SMALL_NUMBERS = """(limit) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const small = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!/\\d/.test(node.textContent)) continue;
    const element = node.parentElement;
    if (!element || element.closest('.slider-group, .slider-label-group, .hoverlayer, [data-testid="stTooltipContent"]'))
      continue;  // the figure slider's hidden tick labels; hover boxes
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || style.visibility === 'hidden' || style.display === 'none') continue;
    if (style.fill === 'rgba(0, 0, 0, 0)' || parseFloat(style.opacity) === 0) continue;
    const size = parseFloat(style.fontSize);
    if (size < limit) small.push([size, node.textContent.trim().slice(0, 30)]);
  }
  return small;
}"""
ON_FIRST_SCREEN = """(selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""
# Each page, and the controls that must be on its first screen in projector mode.
PAGES = {
    "Sliding_kernels": ['.st-key-sl_mode', '.st-key-sl_k', '.dsconv-playback button[data-action="play"]'],
    "Parameter_lab": ['.st-key-lab_cin', '.st-key-lab_k'],
    "Filters_on_your_image": ['.st-key-fil_source'],
    "Quiz": ['.st-key-quiz_seed', '.st-key-quiz_topics'],
    "Real_networks": ['.st-key-rn_model', '.st-key-rn_size'],
}


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server


@on_views(*[(f"{path}?present=1", PROJECTOR) for path in PAGES])
def test_numbers_are_readable_and_controls_on_the_first_screen(view):
    path = view.url.split("/")[-1].split("?")[0]
    for selector in PAGES[path]:
        assert view.evaluate(ON_FIRST_SCREEN, selector), f"{selector} is not on the first screen"
    view.screenshot(path=str(SCREENSHOTS / f"projector_{path}.png"))
    small = view.evaluate(SMALL_NUMBERS, MIN_PX)
    assert small == [], f"numbers under {MIN_PX} px: {small[:10]}"


@on_views(("Sliding_kernels?present=1", XGA))
def test_a_1024_projector_keeps_the_animations_numbers_large(view):
    """On a 1024 x 768 projector the animation is drawn at 770/1018 of projector mode's size to fit the window's
    height (the page is 770 px wide there, 1018 at 1280 x 800): its numbers at least 18 x 770/1018 = 13.6 px, each
    pixel 1.25 times as large on the wall as at 1280 x 800, so 95 % as tall there as the 18 px numbers."""
    limit = MIN_PX * 770 / 1018
    small = view.evaluate(SMALL_NUMBERS, limit)
    assert small == [], f"numbers under {limit:.1f} px: {small[:10]}"


def test_the_animation_keeps_readable_numbers_while_it_plays(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{server}/Sliding_kernels?present=1")
        wait_until_idle(page)
        page.locator('.dsconv-playback[data-chart="sl_chart"] button[data-action="play"][data-default="1"]').click()
        chart = page.locator(".st-key-sl_chart")
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(2500)
        page.screenshot(path=str(SCREENSHOTS / "projector_Sliding_kernels_playing.png"))
        # The whole figure (the window, the weights and products, the output cell) fits one screen.
        assert chart.bounding_box()["height"] <= 800
        small = page.evaluate(SMALL_NUMBERS, MIN_PX)
        assert small == [], f"numbers under {MIN_PX} px while playing: {small[:10]}"
    finally:
        page.close()


# The widest numbers the computation writes: a 5 x 5 Sobel on the disc, two kernels a channel ("-1320" products).
WIDE_NUMBERS = ("sl_mode=Separable&sl_dm=2&sl_cout=5&sl_k=5&sl_size=16&sl_pad=same&sl_preset=Sobel%20edge%20"
                "(left-right%20change)&sl_sample=shape")
CHART_TEXT = """() => {
  const svg = document.querySelector('.st-key-sl_chart .main-svg').getBoundingClientRect();
  const texts = [...document.querySelectorAll('.st-key-sl_chart .js-plotly-plot text')]
    .filter(t => t.textContent.trim() && !t.closest('.slider-group, .hoverlayer'))
    .filter(t => getComputedStyle(t).opacity !== '0' && getComputedStyle(t).fill !== 'rgba(0, 0, 0, 0)')
    .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([_, box]) => box.width > 0);
  const overlaps = [];
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i][1], b = texts[j][1];
    const wide = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const high = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (wide > 1 && high > 0.5 * Math.min(a.height, b.height)) overlaps.push([texts[i][0], texts[j][0], wide]);
  }
  const past = texts.filter(([_, box]) => box.right > svg.right + 1).map(([text, box]) => [text, box.right - svg.right]);
  const axis = document.querySelector('.st-key-sl_chart .js-plotly-plot')._fullLayout.xaxis;
  return {scale: axis._length / (axis.range[1] - axis.range[0]), overlaps: overlaps, past: past};
}"""


@pytest.mark.parametrize("viewport, present", [({"width": 1400, "height": 1000}, False),
                                               ({"width": 1280, "height": 800}, True),
                                               ({"width": 1024, "height": 768}, True)])  # measured by the browser
def test_the_animation_is_laid_out_for_the_width_it_is_shown_at(browser, server, viewport, present):
    """In projector mode the figure was laid out for 1.35 x 900 = 1215 px and shown at 1018: Plotly shrank its
    cells to fit, never its text, so the numbers were 19 % too large for their cells. It is now laid out for the width
    it gets (page_width_px), and with the widest numbers no text overlaps another or runs past the figure's edge."""
    with opened(browser, f"{server}/Sliding_kernels?{WIDE_NUMBERS}" + ("&present=1" if present else ""),
                viewport) as page:
        if viewport["width"] == 1024:  # the browser tells the page its width, and the page draws the figure again
            page.wait_for_function("() => document.querySelector('.st-key-sl_chart .js-plotly-plot')"
                                   "._fullLayout.xaxis.range[1] < 1000", timeout=20_000)
            wait_until_idle(page)
        for moment in range(3):
            found = page.evaluate(CHART_TEXT)
            # A figure pixel is a screen pixel: the top margin holds the step slider, so Plotly no longer grows it
            # (by 25-32 px) and shrinks the drawing to 93-97 % while its texts keep their size.
            assert found["scale"] >= 0.99, found["scale"]
            assert found["overlaps"] == [] and found["past"] == [], (moment, found["overlaps"][:5], found["past"][:5])
            if moment == 0:
                page.locator('.dsconv-playback[data-chart="sl_chart"] button[data-action="play"][data-default="1"]').click()
            if moment < 2:  # the next moment, further on
                page.wait_for_timeout(1500)


IN_VIEW = """() => {
  const buttons = document.querySelector('.dsconv-playback[data-chart="sl_chart"] button').getBoundingClientRect();
  const chart = document.querySelector('.st-key-sl_chart .js-plotly-plot').getBoundingClientRect();
  const main = document.querySelector('[data-testid="stMain"]');
  const header = document.querySelector('[data-testid="stHeader"]');
  const shown = header && getComputedStyle(header).display !== 'none';
  return {buttons: buttons.top, chart: [chart.top, chart.bottom], height: innerHeight, scrolled: main.scrollTop,
          header: shown ? header.getBoundingClientRect().bottom : 0};
}"""
PLAY = '.dsconv-playback[data-chart="sl_chart"] button[data-action="play"][data-default="1"]'


@pytest.mark.parametrize("viewport, query, fits", [({"width": 1400, "height": 1000}, "", True),
                                                   ({"width": 1280, "height": 800}, "present=1", True),
                                                   ({"width": 1280, "height": 800}, "present=1&sl_mode=separable", True),
                                                   ({"width": 1400, "height": 1000},
                                                    "sl_mode=separable&sl_size=16&sl_k=5", False),
                                                   (XGA, "present=1", True), (XGA, "present=1&sl_mode=separable", True),
                                                   (XGA, "present=1&sl_mode=depthwise", True)],
                         ids=["wide", "projector", "projector-separable", "taller-than-the-window", "1024-projector",
                              "1024-projector-separable", "1024-projector-depthwise"])
def test_play_brings_the_animation_into_view_with_its_buttons(browser, server, viewport, query, fits):
    """In projector mode the controls fill the first screen: a teacher pressed Play and the class watched nothing,
    the figure was below the window (at 1400 x 1000 its lower half was). A press now scrolls the figure's bottom into
    view, never past the buttons: a figure taller than the window starts right under them. A separable layer's
    figure in projector mode was such a figure (1,310 px, its maps under the computation); its maps now stand beside
    the computation and the whole figure is seen with its buttons. On a 1024 x 768 projector the figure ended 77 px
    (standard), 551 px (separable) and 670 px (depthwise) below the window: it is now drawn at 770/1018 of projector
    mode's size (dsconv.figures.style.projected_scale), its numbers 95 % as tall on the wall as at 1280 x 800."""
    with opened(browser, f"{server}/Sliding_kernels?{query}", viewport) as page:
        page.locator(PLAY).click()
        page.wait_for_timeout(1500)
        found = page.evaluate(IN_VIEW)
        assert found["buttons"] >= found["header"], found  # never under Streamlit's header either
        together = found["chart"][1] - found["buttons"] <= found["height"] - found["header"]  # buttons to chart's end
        assert together == fits, found
        if together:
            assert found["chart"][1] <= found["height"], found
        else:  # the figure cannot fit with its buttons: it starts right under them, as much of it as fits
            assert found["buttons"] <= found["header"] + 20 and found["chart"][0] <= found["header"] + 150, found
        assert found["scrolled"] > 0


def test_a_window_that_only_changes_height_runs_nothing_again(browser, server):
    """Once the page is laid out for the width the browser told, a change of the window's height alone (a teacher
    moving the browser's toolbar) must not make the page run again and rebuild the 1.5 MB animation. Counted as
    messages from the server. (A guard for the width probe, which answers width changes only.)"""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    received = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: received.append(len(payload))))
    try:
        page.goto(f"{server}/Sliding_kernels?present=1")
        page.wait_for_function("() => { const gd = document.querySelector('.st-key-sl_chart .js-plotly-plot');"
                               " return Boolean(gd && gd._fullLayout && gd._fullLayout.xaxis.range[1] < 1000); }",
                               timeout=30_000)
        wait_until_idle(page)
        page.wait_for_timeout(1000)
        before = len(received)
        for height in (700, 740, 768):
            page.set_viewport_size({"width": 1024, "height": height})
            page.wait_for_timeout(900)
        wait_until_idle(page)
        assert len(received) == before, received[before:]  # no run: the server sent nothing
    finally:
        page.close()


ARENA_IN_VIEW = """() => {
  const chart = document.querySelector('.st-key-arena_replay_chart .js-plotly-plot').getBoundingClientRect();
  const play = document.querySelector('.st-key-arena_replay_chart .updatemenu-button').getBoundingClientRect();
  return {chart: [chart.top, chart.bottom], play: play.top, height: innerHeight};
}"""


def test_the_arenas_play_brings_its_whole_replay_into_view(browser, server):
    """In projector mode the replay (918 px tall in an 800 px window) started at the first screen's bottom edge: a
    teacher pressed Plotly's Play and the class watched the curves grow below the window. It now fits the window,
    and Play scrolls it into view, its Play button still on the screen."""
    with opened(browser, f"{server}/Training_arena?present=1", {"width": 1280, "height": 800}) as page:
        before = page.evaluate(ARENA_IN_VIEW)
        assert before["chart"][1] > before["height"], before  # the first screen holds the controls, not the figure
        page.locator(".st-key-arena_replay_chart .updatemenu-button").first.click()
        page.wait_for_timeout(1500)
        found = page.evaluate(ARENA_IN_VIEW)
        assert 0 <= found["play"] and found["chart"][1] <= found["height"], found


REPLAY_CROWDING = """() => {
  const gd = document.querySelector('.st-key-arena_replay_chart .js-plotly-plot');
  const boxes = (selector) => [...gd.querySelectorAll(selector)].map(e => e.getBoundingClientRect());
  const buttons = Math.max(...boxes('.updatemenu-button').map(b => b.right));
  const ticks = Math.min(...boxes('.slider-label').filter(b => b.width > 0).slice(1).map(b => b.left));
  const size = gd._fullLayout._size;  // the left panels' right edge, and what stands left of the right panels
  const left = gd.getBoundingClientRect().left + size.l + gd._fullLayout.xaxis.domain[1] * size.w;
  const right = Math.min(...boxes('.y2tick, .y4tick, .g-y2title, .g-y4title').filter(b => b.width > 0)
    .map(b => b.left));
  const titles = boxes('.g-gtitle, .annotation').map(b => [b.left, b.right]);
  const shown = gd.getBoundingClientRect();
  return {buttons, ticks, left, right, cut: titles.filter(([l, r]) => l < shown.left || r > shown.right)};
}"""


@on_views(("Training_arena?present=1", XGA), ("Training_arena", WIDE), ("Training_arena", XGA))
def test_the_replays_buttons_ticks_and_panels_keep_apart(view):
    """At 1024 x 768 the Pause button covered the epoch slider's first ticks, the loss panel's axis title ran into
    the accuracy panel (at 1400 x 1000 too, by 8 px), and the gap panel's title ran past its panel. The replay is laid
    out for the width the browser measures. At 1024 px the legend, five lines there, grew the bottom margin after the
    panels were spaced: the lower panels' titles lay 5-7 px over the upper panels' epoch numbers."""
    found = view.evaluate(REPLAY_CROWDING)
    assert found["buttons"] < found["ticks"], found
    assert found["left"] + 8 < found["right"], found
    assert found["cut"] == [], found
    assert view.evaluate(OVERLAPPING_FIGURE_TEXT) == []


def test_a_key_press_leaves_a_page_the_teacher_scrolled_alone(browser, server):
    """Scrolled down so that a figure taller than the window fills it and the buttons are above it, the arrow keys
    step without moving the page (bringing the figure's bottom into view would hide its top). (A standard 5 x 5 layer
    on 16 x 16, 1,089 px before, now has its maps beside the computation and fits: a separable one is taller.)"""
    taller = "Sliding_kernels?sl_mode=separable&sl_size=16&sl_k=5"
    with opened(browser, f"{server}/{taller}", {"width": 1400, "height": 1000}) as page:
        page.evaluate("""() => { const main = document.querySelector('[data-testid="stMain"]');
          const chart = document.querySelector('.st-key-sl_chart').getBoundingClientRect();
          main.scrollTop += chart.top; }""")
        page.wait_for_timeout(300)
        before = page.evaluate(IN_VIEW)
        assert before["buttons"] < 0 and before["chart"][1] > before["height"]
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(800)
        assert page.evaluate(IN_VIEW)["scrolled"] == before["scrolled"]


CUT_CHIPS = """() => [...document.querySelectorAll('[data-testid="stMultiSelect"] > [data-rac]')].flatMap(box => {
  const outer = box.getBoundingClientRect();
  return [...box.querySelectorAll('[data-tag]')].filter(tag => {
    const r = tag.getBoundingClientRect(), text = tag.querySelector('[title]') || tag;
    const shown = tag.closest('[data-testid="stMultiSelectTagsContainer"]').getBoundingClientRect();
    return r.left < outer.left - 1 || r.right > outer.right + 1 || text.scrollWidth > text.clientWidth + 1 ||
      r.top < shown.top - 1 || r.bottom > shown.bottom + 1;  // scrolled out of its box
  }).map(tag => tag.textContent);
})"""
CHIPS = '[data-testid="stMultiSelect"] > [data-rac] [data-tag]'


@on_views(("Training_arena?present=1", PROJECTOR), ("Quiz?present=1", PROJECTOR), ("Quiz", WIDE),
          ("Training_arena", WIDE))
def test_every_chosen_option_shows_in_full(view):
    """The arena's runs and architectures and the quiz's kinds of question stood in one row that ran past their box
    ("A better recipe on (", "D"): a teacher could not read what was chosen. They now wrap. In the sidebar, a chip
    longer than the box was cut with an ellipsis ("Published: the tutor..."); its text now wraps inside the chip. The
    quiz's sixth kind of question was hidden below the box's fixed height, to be scrolled to inside it."""
    assert view.locator(CHIPS).count() >= 2
    assert view.evaluate(CUT_CHIPS) == []


CUT_VALUES = """() => [...document.querySelectorAll('[data-testid="stSelectbox"] input')]
  .filter(input => input.getBoundingClientRect().width > 0 && input.scrollWidth > input.clientWidth + 1)
  .map(input => input.value)"""


@on_views(("Sliding_kernels", WIDE), ("Sliding_kernels?sl_sample=gradient", WIDE),
          ("Sliding_kernels?sl_sample=checkerboard", WIDE), ("Training_arena?arena_launch=true", WIDE),
          ("Training_arena?arena_launch=true&present=1", PROJECTOR), ("Sliding_kernels?present=1", XGA),
          ("Filters_on_your_image?present=1", XGA), ("Filters_on_your_image?present=1", PROJECTOR))
def test_every_picker_shows_its_choice_in_full(view):
    """The Sliding kernels sidebar showed "Shape (a yellow disc on dark blue" and "Colour gradient (red grows to
    the"; the arena's launcher "Synthetic shapes (generated, no downlo"; a 1024 x 768 projector "Sobel edge
    (left-right ch" and, on the Filters page, "Pretrained standard model (the tutorial's". The pickers now show short
    names, and what each choice is goes in a caption or the help; the Filters page stacks its model pickers where two
    side by side would cut their names."""
    assert view.locator('[data-testid="stSelectbox"] input').count() >= 1
    assert view.evaluate(CUT_VALUES) == []


CUT_BUTTONS = """() => [...document.querySelectorAll('[data-testid="stButton"] button')]
  .filter(button => button.getBoundingClientRect().width > 0)
  .filter(button => [...button.querySelectorAll('*')].some(el => el.scrollWidth > el.clientWidth))
  .map(button => button.textContent)"""


@on_views(("Quiz?present=1", XGA), ("Quiz?present=1", PROJECTOR))
def test_the_quiz_buttons_show_their_names_in_full(view):
    """On a 1024 x 768 projector the Quiz's bar showed "New questi..." for "New question set"."""
    assert view.locator('.st-key-quiz_new_set button').count() == 1
    assert view.evaluate(CUT_BUTTONS) == []


CUT_LABELS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] *')]
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"""


@on_views(("?present=1", PROJECTOR), ("Real_networks?present=1", XGA), ("?present=1", XGA), ("", WIDE),
          ("Filters_on_your_image?fil_view=Hand-made%20filters%20(NumPy)&present=1", PROJECTOR), ("Real_networks", XGA))
def test_no_metric_label_is_cut_off(view):
    """The projector showed "Depthwise + 1x1 Conv2D par..." over the home page's 286, and "Largest difference between
    the two r..." on the Filters page; a 1024 x 768 projector "Multiply-adds pe..." on Real networks and "1,555,200
    multiply..." under the home page's 1,792. Labels and the notes under the numbers wrap. A number takes one line:
    at 1024 x 768 beside the sidebar Real networks wrote "63.7" and, under it, "MiB" (the unit is now in the label)."""
    assert view.locator('[data-testid="stMetricLabel"]').count() >= 3
    assert view.evaluate(CUT_LABELS) == []
    assert view.evaluate(WRAPPED_VALUES) == []
    # The numbers of a row stand on one line: where one label wrapped and its neighbour's did not, the home page's
    # 1,792 stood a line above 283, 286 and 6.3x on a 1024 x 768 projector.
    for row in view.evaluate(METRIC_ROWS):
        assert max(row) - min(row) <= 1, row


WRAPPED_VALUES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
  .filter(value => value.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(value).fontSize) * 1.2)
  .map(value => value.innerText)"""


METRIC_ROWS = """() => [...document.querySelectorAll('[data-testid="stHorizontalBlock"]')]
  .filter(block => !block.querySelector('[data-testid="stHorizontalBlock"]'))  // the innermost rows
  .map(block => [...block.querySelectorAll('[data-testid="stMetricValue"]')].map(v => v.getBoundingClientRect().top))
  .filter(tops => tops.length > 1)"""


CUT_BAR_LABELS = """() => {
  const gd = document.querySelector('.st-key-lab_cost_chart .js-plotly-plot');
  const right = gd.getBoundingClientRect().right;
  return [...gd.querySelectorAll('.bartext')].filter(t => t.getBoundingClientRect().right > right + 1)
    .map(t => t.textContent);
}"""


@on_views(("Parameter_lab?present=1", PROJECTOR), ("Parameter_lab?present=1", XGA))
def test_every_bar_label_of_the_parameter_lab_stays_in_its_figure(view):
    """On a 1024 x 768 projector the activation memory's "256 KiB" ran past the figure's edge ("256 KiE"): the
    figure left each bar's label the room it needs at the 1280 x 800 projector's width. The browser tells the page
    its width, and the bars leave room for their labels at that width. A panel's title wider than its panel takes two
    lines."""
    assert view.locator(".st-key-lab_cost_chart .bartext").count() >= 18
    assert view.evaluate(CUT_BAR_LABELS) == []
    # and every other text of its figures: "Activation memory", a panel's title, ran 2 px past at 1024 x 768
    assert view.evaluate(CUT_FIGURE_TEXT) == []


@on_views(("Sliding_kernels?present=1", PROJECTOR))
def test_the_kinds_of_convolution_stand_on_one_line(view):
    """In a quarter of the projected page the five kinds took four lines and pushed the animation down."""
    tops = view.evaluate("""() => [...document.querySelectorAll('.st-key-sl_mode [data-testid="stRadioOption"]')]
      .map(option => Math.round(option.getBoundingClientRect().top))""")
    assert len(tops) == 5 and len(set(tops)) == 1, tops


TABLE_WIDTHS = """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"] table')]
  .map(t => [t.scrollWidth, t.clientWidth])"""


@on_views(("Training_arena?present=1", PROJECTOR), ("Speed_lab?present=1", PROJECTOR),
          ("Parameter_lab?present=1", PROJECTOR), ("Training_arena?present=1", XGA), ("Training_arena", XGA))
def test_every_table_fits_the_projected_page(view):
    """The widest tables (the arena's summary, the Speed lab's timings: 11 columns) show every column on a projector:
    a column hidden behind a table's own scroll bar ("Validated on" once was) is lost to the back of the room. On a
    1024 x 768 projector the arena's summary ran 224 px over: where each run ran and what it validated on, the same
    on every row of a run, is now said once a run, and cells are padded less (the Speed lab's at 1024 x 768:
    test_the_speed_lab_fits_a_1024_projector). Beside the sidebar at 1024 x 768 it still ran 93 px over, its run's
    name wrapped to six lines on every row, and hid Epochs and Total time: each run now has a table of its own,
    under a line that names it."""
    widths = view.evaluate(TABLE_WIDTHS)
    assert widths and all(scrolled <= shown for scrolled, shown in widths), widths


GRID_WIDTHS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
  .map(s => [s.scrollWidth, s.clientWidth])"""


@on_views(("Real_networks?rn_model=xception&present=1", PROJECTOR),  # the largest numbers
          ("Real_networks?rn_model=mobilenet_v3_large&present=1", PROJECTOR),  # the longest layer names (40 characters)
          ("Real_networks?rn_model=mobilenet_v3_large", WIDE),
          ("Real_networks?rn_model=xception&present=1", XGA),
          ("Real_networks?present=1&rn_tab=What%20if%20it%20were%20separable%3F", XGA))
def test_the_real_networks_layer_table_shows_every_column(view):
    """The layer table's last columns ("activation KB", "note") hid behind the data grid's sideways scroll, at 1400 px
    and on a projector: every column it shows now fits the page. On a 1024 x 768 projector the page was 773 px wide
    (5rem of room a side), which hid two of the layer table's columns and the what-if table's last: the page keeps 1rem
    a side there (982 px), and the layer names give way by what the page lacks of 1,018 px."""
    widths = view.evaluate(GRID_WIDTHS)
    assert len(widths) == 1 and all(scrolled <= shown for scrolled, shown in widths), widths


PHONE = {"width": 390, "height": 844}  # a phone held upright: the page is 356 px wide
SMALL_PHONE = {"width": 360, "height": 800}  # the narrowest common phone (many Androids): a 326 px page
TINY_PHONE = {"width": 320, "height": 640}  # the narrowest phone still met (an iPhone SE of 2016): a 288 px page
FOLDED_PHONE = {"width": 280, "height": 653}  # a folded phone's outer screen (Galaxy Z Fold): a 248 px page
CUT_FIGURE_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => {
  const shown = gd.getBoundingClientRect();
  return [...gd.querySelectorAll('text')].filter(text => {
    const box = text.getBoundingClientRect();
    return box.width > 0 && (box.right > shown.right + 1 || box.left < shown.left - 1
      || box.top < shown.top - 1 || box.bottom > shown.bottom + 1);
  }).map(text => text.textContent);
})"""


REPLAY_SLIDER = """() => {
  const gd = document.querySelector('.st-key-arena_replay_chart .js-plotly-plot');
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const rail = box(gd.querySelector('.slider-rail-rect'));
  const slider = [...gd.querySelectorAll('.slider-rail-rect, .slider-label, .slider-current-value, .slider-grip-rect')]
    .map(box);
  const buttons = [...gd.querySelectorAll('.updatemenu-button')].map(box);
  const on = (a, b) => Math.min(a[2], b[2]) > Math.max(a[0], b[0]) && Math.min(a[3], b[3]) > Math.max(a[1], b[1]);
  return {rail: rail[2] - rail[0], on_buttons: buttons.flatMap(a => slider.filter(b => on(a, b))).length};
}"""


@on_views(*[("Training_arena", size) for size in (PHONE, SMALL_PHONE, TINY_PHONE, FOLDED_PHONE)])
def test_the_replays_slider_has_room_on_a_phone(view):
    """Beside the Play and Pause buttons, the epoch slider had 93 px on a 390 px phone, 57 px at 360 and 16 px at
    320, its ten epochs' numbers on one another; at 280 px the page showed a traceback (a slider of negative length).
    Where it has under 160 px beside them, it stands under them, across the panels."""
    found = view.evaluate(REPLAY_SLIDER)
    assert found["rail"] >= 120 and found["on_buttons"] == 0, found
    assert view.evaluate(OVERLAPPING_FIGURE_TEXT) == []


LEGEND_ON_AXIS_TITLE = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => {
  const legend = gd.querySelector('.legend');
  if (!legend) return [];
  const box = legend.getBoundingClientRect();
  return [...gd.querySelectorAll('[class*="xtitle"]')].filter(title => {
    const other = title.getBoundingClientRect();
    return other.width > 0 && other.bottom > box.top + 1 && other.top < box.bottom - 1
      && other.right > box.left && other.left < box.right;
  }).map(title => title.textContent);
})"""


@on_views(*[(path, PHONE) for path in ["Sliding_kernels", "Sliding_kernels?sl_mode=Separable&sl_dm=2&sl_k=5",
                                         "Parameter_lab", "Parameter_lab?lab_tab=Separable+vs+standard",
                                         "Parameter_lab?lab_tab=Whole+network", "Training_arena", "Speed_lab",
                                         "Real_networks"]],
          *[(path, SMALL_PHONE) for path in ["Parameter_lab", "Training_arena", "Speed_lab"]],
          *[(path, TINY_PHONE) for path in ["Sliding_kernels", "Parameter_lab", "Parameter_lab?lab_tab=Whole+network",
                                            "Parameter_lab?lab_tab=Separable+vs+standard", "Real_networks"]],
          *[(path, FOLDED_PHONE) for path in ["Sliding_kernels", "Parameter_lab", "Parameter_lab?lab_tab=Whole+network",
                                              "Training_arena", "Filters_on_your_image", "Speed_lab",
                                              "Real_networks"]])
def test_no_figure_text_runs_past_a_phones_edge(view):
    """A student opening the class's link on a phone: the sliding figure's title "The watched kernel: window x weights
    = products, then their sum" ran 83 px past the edge of the 356 px page; the Parameter lab's three panels, 46 px
    each beside the kinds' names, cut every bar's label ("225 KiB" by 16 px) and "Activation memory"; the arena's
    replay, four panels of 103 px, cut its legend's title by 57 px; the Speed lab's titles and legend entries ran up
    to 252 px past the edge, and Real networks' axis title 8 px. Panels stand one above another there, and titles
    take more lines. No two texts of a figure overlap either (the Speed lab's bar names did, and the sliding
    figure's maps' titles their tiles' names). The Parameter lab's other tabs: the ratio chart's legend beside it left
    the plot 90 px and its title ran past both edges; the whole network's two panels, side by side, ran their titles
    and numbers into each other: there the legend stands under the plot, and the panels one above the other. On a
    360 px phone the Parameter lab's panel title "Activation memory", centred over bars narrower than it, ran 21 px
    past the edge, the arena's runs' names in its legend 26 px, and the roofline's axis title 22 px: such a title
    ends at its panel's right end, and the names and the axis title take two lines. On a 320 px phone the page's
    288 px were too few for the width probe, which told nothing, and every figure was laid out for 900 px (the sliding
    figure's numbers lay on one another): it now tells a width under 240 px as 240. There the kinds' names take two
    lines beside the cost bars (Plotly cut "DepthwiseConv2D + 1x1 Conv2D" at the left), the axes' titles of the ratio
    chart and of Real networks' layers two, and the whole network's legend, a row an entry beside the layers' names,
    has the room it takes (it lay on the numbers under the plot). On a folded phone's 248 px page the whole network's
    panel titles ran 26 px past its edge (they end at their panels' right end), and the arena's gap panel's title and
    its legend's second line (they take the lines they need)."""
    assert view.locator(".js-plotly-plot").count() >= 1
    assert view.evaluate(CUT_FIGURE_TEXT) == []
    # the roofline's legend, an entry a line, took the plot's height and ran into its axis's title
    assert view.evaluate(LEGEND_ON_AXIS_TITLE) == []
    # the Speed lab's work and time bars' names ran into one another, and Plotly's own turn put the ratio chart's
    # under its legend; the sliding figure's maps' titles ("Input") sat 4 px into their tiles' names ("R")
    assert view.evaluate(OVERLAPPING_FIGURE_TEXT) == []


@on_views(("Filters_on_your_image?present=1", XGA), ("Filters_on_your_image", XGA),
          ("Filters_on_your_image", {"width": 800, "height": 600}),
          ("Filters_on_your_image", {"width": 640, "height": 900}))
def test_no_figure_text_of_the_filters_page_runs_past_a_1024_projectors_edge(view):
    """On a 1024 x 768 projector the feature maps' title "32 of 64 maps, 32 x 32, after block1_conv1" ran 16 px past
    its half-page figure: it takes two lines where one does not fit (the Parameter lab's "Activation memory" is
    checked with its bar labels). At 1024 x 768 with the sidebar open (and at 800 x 600) the page is 535 px (447),
    under the 600 px taken for a phone's, where columns stand one above another: the half-page figures, laid out for
    the whole page, cut both maps' titles and the depthwise maps' title, and the first layer's kernel weights lay on
    one another. The browser now tells whether its columns stand one above another (up to 640 px)."""
    assert view.locator(".js-plotly-plot").count() >= 1
    assert view.evaluate(CUT_FIGURE_TEXT) == []
    assert view.evaluate(OVERLAPPING_FIGURE_TEXT) == []


MODEL_INPUT = """() => {
  const image = document.querySelector('img[alt^="The picture as the models see it"]');
  const column = image.closest('[data-testid="stColumn"]').getBoundingClientRect();
  const notes = image.closest('[data-testid="stHorizontalBlock"]').lastElementChild.getBoundingClientRect();
  const box = image.getBoundingClientRect();
  return {width: box.width, column: column.width, over_notes: box.bottom > notes.top && box.right > notes.left + 1};
}"""


@on_views(("Filters_on_your_image", FOLDED_PHONE), ("Filters_on_your_image", PHONE),
          ("Filters_on_your_image", XGA), ("Filters_on_your_image", WIDE))
def test_what_the_models_see_is_shown_large_enough_for_its_caption(view):
    """The 32 x 32 picture the models see, beside the notes, is a quarter of the page at most 160 px wide. On a phone
    its column stands above the notes and it was still a quarter: 56 px on a folded phone (85 px at 390), its caption
    a word a line down the page. There it is 160 px wide; beside the notes it stays in its column."""
    found = view.evaluate(MODEL_INPUT)
    assert found["width"] >= min(160, found["column"] - 2) and not found["over_notes"], found


@on_views(("Speed_lab?present=1", XGA))
def test_the_speed_lab_fits_a_1024_projector(view):
    """At 1024 x 768, in one visit: the bandwidth roof's name, written leftwards from the ridge, began left of the
    figure's own edge ("andwidth 29.9 GB/s ..."): it now takes as many lines as the room left of the ridge needs. The
    timings' table (11 columns) ran 43 px past the page, "M multiply-adds" behind its scroll bar: one table a pass
    now, without a column naming it. The roofline's legend lay on its axis title, and the ratio chart's two-line bar
    names ran into its legend: below each plot the axis's labels, its title and the legend have their own room."""
    assert view.locator('[class*="roofline"] .js-plotly-plot').count() >= 1
    assert view.locator(".js-plotly-plot").count() >= 5
    assert view.evaluate(CUT_FIGURE_TEXT) == []
    assert view.evaluate(OVERLAPPING_FIGURE_TEXT) == []
    widths = view.evaluate(TABLE_WIDTHS)
    assert len(widths) >= 3 and all(scrolled <= shown for scrolled, shown in widths), widths


@on_views(("Parameter_lab?present=1&lab_tab=Separable%20vs%20standard", XGA),
          ("Parameter_lab?present=1&lab_tab=Separable%20vs%20standard&lab_cin=4096&lab_cout=4096&lab_k=7", XGA))
def test_the_worked_ratio_fits_a_projector(view):
    """The worked ratio was one chain of equalities 994 px wide, cut at the right of a 1024 x 768 projector's page:
    it now takes a line a step."""
    assert view.locator(".katex-display").count() == 3
    assert view.evaluate(WIDE_FORMULAS) == []


TABS_PAST_THE_EDGE = """() => [...document.querySelectorAll('[data-testid="stTabs"] [role="tablist"]')]
  .flatMap(list => {
  const shown = list.getBoundingClientRect();
  return [...list.querySelectorAll('[role="tab"]')].filter(tab => tab.getBoundingClientRect().right > shown.right + 1)
    .map(tab => tab.textContent);
})"""


@on_views(("Parameter_lab", PHONE), ("Real_networks", PHONE),  # the pages with tabs
          ("Parameter_lab?present=1&lab_tab=Separable%20vs%20standard", XGA))
def test_every_tab_is_in_view_on_a_phone(view):
    """On a phone the Parameter lab's five tabs ran 553 px in a 356 px page: "Whole network" and "Code" lay past the
    edge, behind a scroll arrow, and Real networks' "Compare two networks" too. Tabs that do not fit take a second
    row."""
    assert view.locator('[role="tab"]').count() >= 2
    assert view.evaluate(TABS_PAST_THE_EDGE) == []


LEGEND_ON_PLOT = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const legend = gd.querySelector('.legend').getBoundingClientRect();
  const plots = [...gd.querySelectorAll('.nsewdrag')].map(drag => drag.getBoundingClientRect());
  return [Math.round(legend.bottom - Math.min(...plots.map(plot => plot.top))),
          Math.round(Math.min(...plots.map(plot => plot.height)))];
})"""


@on_views(("Real_networks", PHONE), ("Real_networks?present=1", XGA))
def test_real_networks_legends_stand_above_their_bars(view):
    """On a phone the share chart's legend (five roles) took three rows in a margin made for one: "normalisation" sat
    on the multiply-adds bar, under a scroll bar. Each legend now has the rows it takes, above the plot, and the
    plots keep their height (the share chart's two bars 140 px at 16 px text, the layer chart's panels 150)."""
    found = view.evaluate(LEGEND_ON_PLOT)
    assert len(found) == 2, found
    for overlap, plot_px in found:
        assert overlap <= 0 and plot_px >= 100, found


# The first column of the widest table (or data grid) on the page, in page pixels, and its scroller.
FIRST_COLUMN = """(grid) => {
  const scrollers = grid ? [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
    : [...document.querySelectorAll('[data-testid="stMarkdownContainer"] table')];
  const widest = scrollers.sort((a, b) => (b.scrollWidth - b.clientWidth) - (a.scrollWidth - a.clientWidth))[0];
  widest.scrollIntoView({block: 'start'});
  widest.dataset.widest = 'yes';
  const box = widest.getBoundingClientRect();
  const first = grid ? 50 : widest.querySelector('th').getBoundingClientRect().width;
  const top = Math.max(0, box.top);
  return {x: box.left, y: top, width: first, height: Math.min(box.bottom, innerHeight - 20) - top,
          hidden: widest.scrollWidth - widest.clientWidth};
}"""


def apart(one: bytes, other: bytes, levels: int = 40) -> tuple:
    """Where two screenshots differ by more than `levels` (of 255) in any colour (the box), and how many pixels do.
    The lines between rows may be drawn a shade apart (24 levels) where the scroll moves the sticky cells to a layer
    of their own; a cell's text scrolled away or drawn over differs by 150 or more."""
    from PIL import Image, ImageChops

    diff = ImageChops.difference(*(Image.open(io.BytesIO(png)).convert("L") for png in (one, other)))
    far = diff.point(lambda value: 255 if value > levels else 0)
    return far.getbbox(), sum(1 for value in far.getdata() if value)


@pytest.mark.parametrize("path, grid", [("Training_arena", False), ("Parameter_lab?lab_tab=Whole%20network", False),
                                        ("Real_networks", True)])  # the Speed lab's and the what-if table alike
def test_a_tables_row_names_stay_in_view_as_it_scrolls_on_a_phone(browser, server, path, grid):
    """On a phone the wide tables (the arena's summary: 9 columns in 628 px; the Speed lab's timings; the lab's
    network and kinds; Real networks' layers, 835 px) scroll sideways, and the rows' names scrolled away with the
    numbers: a student read "152.8 M" without knowing whose. The first column now stays (a sticky cell, a pinned grid
    column) while the others pass under it, painted over them: its pixels are the same before and after the scroll
    (but for a shade of the lines between rows)."""
    with opened(browser, f"{server}/{path}", PHONE) as page:
        wait_until_idle(page, quiet_ms=1000)  # the width probe's run is over: a run fades the page while it lasts
        box = page.evaluate(FIRST_COLUMN, grid)
        assert box["hidden"] > 50, box  # the table is wider than the phone's page
        wait_until_idle(page, quiet_ms=300)
        clip = {key: box[key] for key in ("x", "y", "width", "height")}
        before = page.screenshot(clip=clip)
        page.evaluate("() => { document.querySelector('[data-widest]').scrollLeft = 100000; }")
        page.wait_for_timeout(400)
        assert page.evaluate("() => document.querySelector('[data-widest]').scrollLeft") > 50
        after = page.screenshot(clip=clip)
        box, count = apart(before, after)
        if count:  # kept for a look
            name = "phone-row-names-" + "".join(c if c.isalnum() else "-" for c in path)
            (SCREENSHOTS / f"{name}-before.png").write_bytes(before)
            (SCREENSHOTS / f"{name}-after.png").write_bytes(after)
        assert count == 0, (box, count)


@on_views(("Parameter_lab?lab_tab=Separable%20vs%20standard", PHONE),
          ("Parameter_lab?lab_tab=Separable%20vs%20standard", TINY_PHONE),
          ("Parameter_lab?lab_tab=Separable%20vs%20standard", FOLDED_PHONE),
          ("Parameter_lab?lab_tab=Separable%20vs%20standard&lab_cin=4096&lab_cout=4096&lab_k=11&lab_dm=8&lab_h=1024"
           "&lab_w=1024", PHONE),
          ("Parameter_lab?lab_tab=Separable%20vs%20standard&lab_cin=4096&lab_cout=4096&lab_k=11&lab_dm=8&lab_h=1024"
           "&lab_w=1024&present=1", XGA))
def test_the_worked_ratio_fits_a_phone(view):
    """On a phone's 356 px page the worked ratio's lines, each "=" under the first line's, ran 374 px (multiply-adds)
    and 502 px (parameters) with the lab's first settings, and 508 and 615 px with 4-digit ones: there every step
    takes a line of its own from the left edge, the output positions cancelled before the numbers go in. On a 320 px
    phone the first line, the ratio's name beside its first step, ran 36 px past the page: the name has its own. On a
    folded phone's 248 px page the parameters' first line ran 12 px past it: "params:" has its own line too."""
    assert view.locator(".katex-display").count() == 3
    assert view.evaluate(WIDE_FORMULAS) == []


FIGURE_HEIGHTS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .map(gd => gd.getBoundingClientRect().height)"""
SMALL_CODE = """(limit) => [...document.querySelectorAll('[data-testid="stMain"] code')]
  .filter(code => parseFloat(getComputedStyle(code).fontSize) < limit).map(code => code.textContent.slice(0, 30))"""


@on_views(("Speed_lab?present=1", XGA), ("Speed_lab?present=1", PROJECTOR))
def test_every_speed_lab_figure_fits_a_projectors_window(view):
    """In projector mode the work/time figure stood 1,128-1,160 px tall and the roofline 943-1,100: more than the
    window, so the class never saw a whole one. And a command in a caption was 13.8 px."""
    heights = view.evaluate(FIGURE_HEIGHTS)
    window = view.evaluate("() => innerHeight")
    assert len(heights) >= 5 and max(heights) <= window - 20, (heights, window)
    assert view.evaluate(SMALL_CODE, MIN_PX) == []


@pytest.mark.parametrize("viewport", [XGA, PROJECTOR])
def test_the_quizs_worked_answer_fits_a_projector(browser, server, viewport):
    """Set 8's 8th question (a DepthwiseConv2D then a 1x1 Conv2D against a Conv2D): its worked sum, with
    "DepthwiseConv2D + 1x1 Conv2D:" beside it, was 960 px wide in a 773 px column on a 1024 x 768 projector."""
    with opened(browser, f"{server}/Quiz?present=1&quiz_seed=8&quiz_q=8", viewport) as page:
        page.get_by_role("button", name="Just show the answer").click()
        page.locator(".katex-display").first.wait_for()
        wait_until_idle(page)
        assert 'then Conv2D(64, 1)' in page.locator('[data-testid="stMain"]').inner_text()
        assert page.locator(".katex-display").count() >= 3
        assert page.evaluate(WIDE_FORMULAS) == []


CUT_VALUES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *')]
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"""


@on_views(("Real_networks?rn_model=Xception", XGA), ("Real_networks", XGA), ("Real_networks?present=1", XGA))
def test_no_metric_value_is_cut_off(view):
    """At 1024 x 768 beside the sidebar, Real networks' activation memory read "63.7 ..." and "239.2 ...": a value
    too wide for its quarter of the page wraps at its space instead."""
    assert view.locator('[data-testid="stMetricValue"]').count() >= 4
    assert view.evaluate(CUT_VALUES) == []


def test_projector_mode_from_a_link_to_home_stays_on_at_its_first_link(browser, server):
    """A class opened /?present=true and the teacher clicked the home page's "Parameter lab": the lab opened with the
    sidebar back and projector mode off. The home page had no second run, and Streamlit carried the switch, set by
    the link and never touched, into the next page's address as nothing, which a bound switch reads as off."""
    with opened(browser, f"{server}/?present=true", {"width": 1400, "height": 1000}) as page:
        page.locator('[data-testid="stMain"] a[href*="Parameter_lab"]').first.click()
        page.wait_for_timeout(1500)
        wait_until_idle(page)
        assert "present=true" in page.url, page.url
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert page.locator(".st-key-present input").is_checked()
