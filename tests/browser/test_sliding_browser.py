"""The Sliding kernels animation plays in the browser: pressing Play moves the step slider forward
without re-running the script (the animation is Plotly frames on the client)."""

import re
import time

import pytest

from harness import SCREENSHOTS, full_screenshot, wait_until_idle, watch_messages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def url(shared_server):
    """The shared server (tests/conftest.py): each test opens its own browser session, and nothing here depends on a
    fresh server (tests/browser/test_every_page.py opens every page on a fresh one)."""
    return shared_server


def current_step(page) -> int:
    text = page.locator(".slider-label").first.text_content() or ""
    match = re.search(r"(\d+)", text.replace(",", ""))
    assert match, f"no step number in {text!r}"
    return int(match.group(1))


def wait_for_step_after(page, step: int, timeout_s: float = 60) -> int:
    """The slider's step once it has moved past `step` (polled, so a slow machine only takes longer)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = current_step(page)
        if now > step:
            return now
        page.wait_for_timeout(200)
    raise AssertionError(f"the animation stayed at step {step} for {timeout_s:.0f} s")


def button(page, action: str, chart: str = "sl_chart"):
    """One of the playback bar's buttons (dsconv_ui.playback) for a chart."""
    extra = '[data-default="1"]' if action == "play" else ""
    return page.locator(f'.dsconv-playback[data-chart="{chart}"] button[data-action="{action}"]{extra}')


def test_play_moves_the_animation_and_pause_logs_no_error(page, url):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/Sliding_kernels")
    wait_until_idle(page)
    first = current_step(page)
    button(page, "play").click()
    middle = wait_for_step_after(page, first)
    assert first < middle < wait_for_step_after(page, middle)  # still moving: frames play one after another
    # Client-side animation: the server was not asked to re-run the script (no status widget).
    assert page.locator('[data-testid="stStatusWidget"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    full_screenshot(page, SCREENSHOTS / "2_Sliding_kernels_playing.png")
    button(page, "pause").click()
    page.wait_for_timeout(600)
    paused = current_step(page)
    page.wait_for_timeout(1200)
    assert current_step(page) == paused  # it stopped
    assert errors == []  # Plotly's own Pause left a rejected promise behind; this one does not


def test_previous_and_next_step_by_one_in_the_browser(page, url):
    page.goto(f"{url}/Sliding_kernels")
    wait_until_idle(page)
    assert current_step(page) == 1
    button(page, "next").click()
    page.wait_for_timeout(300)
    assert current_step(page) == 2
    button(page, "next").click()
    button(page, "next").click()
    page.wait_for_timeout(300)
    assert current_step(page) == 4
    button(page, "prev").click()
    page.wait_for_timeout(300)
    assert current_step(page) == 3
    page.keyboard.press("ArrowRight")  # the keys do the same when no field has the focus
    page.wait_for_timeout(300)
    assert current_step(page) == 4
    for _ in range(5):
        button(page, "prev").click()
    page.wait_for_timeout(300)
    assert current_step(page) == 1  # it stops at the first step
    assert page.locator('[data-testid="stStatusWidget"]').count() == 0  # no script re-run


def test_the_space_bar_pauses_what_a_click_started(page, url):
    """The space bar kept its own idea of "playing": after a click on Play, space started the animation again
    instead of pausing it."""
    page.goto(f"{url}/Sliding_kernels")
    wait_until_idle(page)
    first = current_step(page)
    button(page, "play").click()
    wait_for_step_after(page, first)
    page.locator("h1").first.click()  # the focus leaves the button, as a teacher's next click would
    page.keyboard.press(" ")
    page.wait_for_timeout(600)
    paused = current_step(page)
    page.wait_for_timeout(1500)
    assert current_step(page) == paused, "space did not pause the animation that a click started"
    page.keyboard.press(" ")  # and space plays again
    wait_for_step_after(page, paused, timeout_s=30)


BLANK_PROBE = """() => {
  const gd = document.querySelector('.st-key-sl_chart .js-plotly-plot');
  if (!gd || !gd._fullData) return {ok: false, why: 'no chart'};
  const texts = gd._fullData.filter(t => t.type === 'scatter' && Array.isArray(t.text));
  const numbers = texts.reduce((n, t) => n + t.text.filter(s => /\\d/.test(String(s))).length, 0);
  return {ok: true, numbers, step: (gd.querySelector('.slider-label') || {}).textContent};
}"""


SHOW_STEP = """(where) => {
  const gd = document.querySelector('.st-key-sl_chart .js-plotly-plot');
  const frames = gd._transitionData._frames;
  const index = {first: 0, middle: Math.floor(frames.length / 2), last: frames.length - 1}[where];
  return window.Plotly.animate(gd, [String(frames[index].name)], {frame: {duration: 0, redraw: false},
                                                                 transition: {duration: 0}, mode: 'immediate'});
}"""


def coloured_share(png: bytes) -> float:
    """Share of the picture's pixels that are clearly coloured (the channel tints and the sign colours)."""
    import io

    from PIL import Image

    pixels = Image.open(io.BytesIO(png)).convert("RGB").resize((300, 300))
    values = list(pixels.getdata())
    return sum(1 for r, g, b in values if max(r, g, b) - min(r, g, b) > 40) / len(values)


@pytest.mark.parametrize("mode", ["separable", "grouped"])
def test_playback_at_the_fastest_speed_never_blanks(page, url, mode):
    """The largest layer the page allows, played at the fastest speed: every sample of the figure taken while it
    plays still shows its coloured grids and its numbers (the figure once went blank while playing)."""
    query = f"sl_mode={mode}&sl_size=16&sl_k=5&sl_cout=8&sl_groups=1"
    page.goto(f"{url}/Sliding_kernels?{query}")
    wait_until_idle(page)
    chart = page.locator(".st-key-sl_chart")
    chart.scroll_into_view_if_needed()
    # The figure drawn still at its first, middle and last step: a separable layer's pointwise steps watch a 1 x 1
    # kernel, a fifth of the colour of its 5 x 5 depthwise steps. Samples are held against the least of them: on a
    # busy machine the 12 screenshots took 20 s and reached the pointwise steps, which read as "blank" against step 1.
    stills = []
    for where in ("first", "middle", "last"):
        page.evaluate(SHOW_STEP, where)
        page.wait_for_timeout(300)
        stills.append(coloured_share(chart.screenshot()))
    page.evaluate(SHOW_STEP, "first")
    page.wait_for_timeout(300)
    before = min(stills)
    assert before > 0.02, f"the figure is blank before it plays ({stills} coloured)"
    page.get_by_text("Fast", exact=False).first.click()
    samples = []  # each sample's screenshot takes about half a second: 12 of them span six seconds of playing
    for _ in range(12):
        page.wait_for_timeout(120)
        probe = page.evaluate(BLANK_PROBE)
        samples.append((coloured_share(chart.screenshot()), probe))
    steps = {probe["step"] for _, probe in samples}
    assert len(steps) >= 5, f"the animation did not play: {steps}"
    blank = [(share, probe) for share, probe in samples if share < 0.5 * before or probe["numbers"] == 0]
    assert not blank, f"{len(blank)} of {len(samples)} samples were blank while playing: {blank[:3]}"


def test_the_3d_view_opened_by_its_link_draws_and_plays(page, url):
    """Off by default (the slowest thing on the page to draw: tests/pages/test_sliding_page.py); a link with
    sl_3d=true opens it, drawn with WebGL, and its own Play button moves it on the client: samples taken while it
    plays still show the boxes."""
    page.goto(f"{url}/Sliding_kernels?sl_3d=true")
    wait_until_idle(page)
    volume = page.locator(".st-key-sl_volume")
    volume.scroll_into_view_if_needed()
    assert volume.locator("canvas").count() >= 1  # the gl3d scene
    before = coloured_share(volume.screenshot())
    assert before > 0.01, f"the 3-D view is blank ({before:.3f} coloured)"
    label = volume.locator(".slider-label").first
    assert (label.text_content() or "").startswith("Step 1 of")
    button(page, "play", chart="sl_volume").click()
    shares = []
    for _ in range(6):
        page.wait_for_timeout(250)
        shares.append(coloured_share(volume.screenshot()))
    assert min(shares) > 0.5 * before, shares
    assert not (label.text_content() or "").startswith("Step 1 of")  # it moved on
    assert page.locator('[data-testid="stStatusWidget"]').count() == 0  # played in the browser, no re-run
    full_screenshot(page, SCREENSHOTS / "2_Sliding_kernels_3d_playing.png")


DRAWN_AS_THE_FRAME_SAYS = """() => {
  const gd = document.querySelector('.st-key-sl_chart .js-plotly-plot');
  const name = gd._fullLayout._currentFrame;
  const frame = gd._transitionData._frames.find(f => f.name === name);
  const wanted = frame.layout.shapes.map(s => s.visible !== false && s.path !== 'M0,0');
  const drawn = wanted.map((_, i) => {
    const path = gd.querySelector(`.shapelayer path[data-index="${i}"]`);
    if (!path || getComputedStyle(path).display === 'none') return false;
    const box = path.getBBox();
    return box.width * box.height > 0;
  });
  return {step: name, wanted: wanted.filter(Boolean).length,
          wrong: wanted.map((want, i) => want !== drawn[i] ? i : -1).filter(i => i >= 0)};
}"""


TEXTS_AS_THE_FRAME_SAYS = """() => {
  const gd = document.querySelector('.st-key-sl_chart .js-plotly-plot');
  const name = gd._fullLayout._currentFrame || '0';
  const frame = gd._transitionData._frames.find(f => f.name === name);
  const groups = gd.querySelectorAll('.scatterlayer .trace');
  const plain = t => (t || '').replace(/<[^>]+>/g, '').replace(/\\u00a0/g, ' ').trim();
  return frame.traces.map((index, k) => {
    const wanted = (frame.data[k].text || []).map(plain).filter(Boolean);
    const drawn = [...groups[index].querySelectorAll('.textpoint')].map(g => plain(g.textContent)).filter(Boolean);
    return wanted.join('|') === drawn.join('|') ? null : {step: name, trace: index, wanted: wanted.slice(0, 4),
                                                          drawn: drawn.slice(0, 4)};
  }).filter(Boolean);
}"""


def test_stepping_into_the_pointwise_step_clears_the_depthwise_cells(page, url):
    """Stepped with Next from the depthwise step into the pointwise one, the depthwise step's weight and product cells
    stayed on screen under the pointwise products: a frame that hid a shape left its last drawing there. Every cell
    shape is now drawn exactly when the frame on screen has it. And every text: with three kernels a channel, after a
    frame of fewer header lines "Multiply-adds so far" was gone (16 of 72 frames), and the pointwise step's first
    frame showed no numbers (Plotly does not draw again a text it removed when it turned empty)."""
    page.goto(f"{url}/Sliding_kernels?sl_mode=Separable&sl_dm=3")
    wait_until_idle(page)
    page.locator(".st-key-sl_chart").scroll_into_view_if_needed()
    missing = []
    for _ in range(37):  # step 38 of 72: the pointwise step's second position (36 depthwise positions first)
        missing += page.evaluate(TEXTS_AS_THE_FRAME_SAYS)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(60)
    page.wait_for_timeout(800)
    found = page.evaluate(DRAWN_AS_THE_FRAME_SAYS)
    assert found["step"] == "37", found
    assert found["wrong"] == [], found
    assert missing + page.evaluate(TEXTS_AS_THE_FRAME_SAYS) == [], missing[:3]


@pytest.mark.parametrize("touch", [False, True])
def test_the_keys_hint_is_shown_only_where_there_are_keys(browser, url, touch):
    """A phone showed "keys: ← → step, space plays and pauses" under the animation, with no keys to press."""
    context = browser.new_context(viewport={"width": 390, "height": 844} if touch else {"width": 1400, "height": 1000},
                                  has_touch=touch, is_mobile=touch)
    tab = context.new_page()
    watch_messages(tab)
    try:
        tab.goto(url + "/Sliding_kernels")
        wait_until_idle(tab)
        assert tab.locator('.dsconv-playback[data-chart="sl_chart"] button[data-action="next"]').is_visible()
        assert tab.locator('.dsconv-playback[data-chart="sl_chart"] .dsconv-hint').is_visible() is (not touch)
    finally:
        context.close()
