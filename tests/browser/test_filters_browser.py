"""The Filters page in headless Chromium: a new photo chosen over the shown one replaces the learned view in place, a
file that is no picture leaves the photo, and removing the file takes the page back to its empty state."""

import io

import numpy as np
import pytest
from PIL import Image

from harness import on_views, wait_until_idle

pytestmark = pytest.mark.browser

# Records, from now on, the fewest charts the page showed and whether the empty state's sentence appeared.
WATCH = """() => { window.__fewest = 1e9; window.__empty = false;
  new MutationObserver(() => {
    window.__fewest = Math.min(window.__fewest, document.querySelectorAll('[data-testid=stPlotlyChart]').length);
    window.__empty ||= document.body.innerText.includes('Choose a photo to see the filters at work');
  }).observe(document.body, {subtree: true, childList: true}); }"""


def photo(path, width: int, seed: int) -> str:
    pixels = np.random.default_rng(seed).integers(0, 256, (480, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_new_photo_replaces_the_learned_view_in_place(page, tmp_path, shared_server):
    """The uploader runs the page twice for a new photo, first without any: that run swept the learned view away
    (no chart left, "Choose a photo" shown) before the new photo's run drew every chart anew."""
    first, second = photo(tmp_path / "first.jpg", 640, 1), photo(tmp_path / "second.jpg", 642, 2)
    url = shared_server
    page.goto(f"{url}/Filters_on_your_image?fil_source=Upload+a+photo")
    page.get_by_text("Choose a photo to see the filters at work").wait_for(timeout=120_000)
    uploader = page.locator(".st-key-fil_upload input[type=file]")
    uploader.set_input_files(first)
    page.get_by_text("Your picture: 640 x 480 pixels").wait_for(timeout=120_000)
    wait_until_idle(page)
    shown = page.locator('[data-testid="stPlotlyChart"]').count()
    assert shown >= 5
    page.evaluate(WATCH)
    uploader.set_input_files(second)
    page.get_by_text("Your picture: 642 x 480 pixels").wait_for(timeout=120_000)
    wait_until_idle(page)
    assert page.evaluate("window.__fewest") >= shown and not page.evaluate("window.__empty")
    assert page.locator('[data-testid="stException"]').count() == 0
    # A file that is no picture, over the photo: it is refused, and the photo stays (its first, empty run set the photo
    # aside, and the refusal threw it away: "Choose a photo" under the refusal).
    notes = tmp_path / "notes.jpg"
    notes.write_bytes(b"not a picture at all")
    uploader.set_input_files(str(notes))
    page.get_by_text("This file is not a PNG, JPEG").wait_for(timeout=60_000)
    wait_until_idle(page)
    assert page.get_by_text("Your picture: 642 x 480 pixels").count() == 1
    assert page.get_by_text("Still using your file").count() == 1
    assert page.get_by_text("Choose a photo to see the filters at work").count() == 0
    page.get_by_role("button", name="Remove notes.jpg").click()  # the uploader's ×: no photo now
    page.get_by_text("Choose a photo to see the filters at work").wait_for(timeout=30_000)
    wait_until_idle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0


LABELS = """() => [...document.querySelectorAll('[class*="st-key-fil_hidden"]')].map(box => {
  const plot = box.querySelector('.main-svg').getBoundingClientRect();
  const texts = [...box.querySelectorAll('.annotation-text')].map(t => [t.textContent, t.getBoundingClientRect()]);
  const overlaps = [];
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i][1], b = texts[j][1];
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0 &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0) overlaps.push([texts[i][0], texts[j][0]]);
  }
  return {count: texts.length, overlaps: overlaps, outside: texts.filter(([_, r]) => r.right > plot.right + 1).length};
})"""


@pytest.fixture(scope="module")
def url(shared_server):
    """The shared server (tests/conftest.py) for the label cases: they only read what a fresh page draws."""
    return shared_server


@pytest.mark.parametrize("query", ["fil_layer=block3_conv2&fil_maps=64", "fil_layer=block2_conv1&fil_maps=8&present=1"])
def test_the_depthwise_maps_labels_never_run_into_each_other(page, url, query):
    """Each depthwise map's label ("from map 54") was wider than its tile: over 64 maps in half the page they ran
    together ("from mfrom mfrap 18"). A label is now written in full, as its channel alone, or not at all: whatever
    fits, with room between the rows for the rows below the first."""
    wide = "present" not in query
    page.set_viewport_size({"width": 1400, "height": 1000} if wide else {"width": 1280, "height": 800})
    page.goto(f"{url}/Filters_on_your_image?{query}")
    wait_until_idle(page, timeout_ms=300_000)
    grids = page.evaluate(LABELS)
    assert len(grids) >= 1  # the separable model has a hidden step (a standard model has none)
    for grid in grids:
        assert grid["count"] in (8, 64) and grid["overlaps"] == [] and grid["outside"] == 0, grid


OVER_THE_NOTES = """() => {
  const image = [...document.querySelectorAll('[data-testid="stImage"]')]
    .find(element => element.textContent.includes('What the models see'));
  const column = image.closest('[data-testid="stColumn"]');
  const next = column.nextElementSibling;
  return [image.querySelector('img').getBoundingClientRect().right, next.getBoundingClientRect().left];
}"""


@on_views(("Filters_on_your_image", {"width": 1024, "height": 768}),
          ("Filters_on_your_image", {"width": 1400, "height": 1000}))
def test_the_small_picture_keeps_to_its_column(view):
    """At 1024 x 768 beside the sidebar, "What the models see" (160 px in a 125 px column) covered the start of the
    models' notes beside it."""
    right, notes_left = view.evaluate(OVER_THE_NOTES)
    assert right <= notes_left, (right, notes_left)


COLOUR_BARS = """() => [...document.querySelectorAll('.colorbar .cbfills')].map(fill => {
  const box = fill.getBoundingClientRect();
  return Math.round(Math.max(box.width, box.height));
})"""


@on_views(("Filters_on_your_image", {"width": 1024, "height": 768}),
          ("Filters_on_your_image", {"width": 390, "height": 844}))
def test_every_colour_bar_is_long_enough_to_read(view):
    """Under the depthwise maps, beside the sidebar at 1024 x 768, the colour bar was 22 px long: its title, written
    beside it, took its length, and its -1, 0 and 1 stood turned and stacked on one another. It is the only key to
    the maps' signs (violet negative, orange positive)."""
    lengths = view.evaluate(COLOUR_BARS)
    # -1, 0 and 1 at 13 px, one above another, take about 51 px (a bar beside three small maps on a phone: 63 px)
    assert len(lengths) >= 4 and min(lengths) >= 60, lengths


def test_on_a_phone_the_depthwise_maps_are_laid_out_for_the_whole_page(page, url):
    """On a phone the two models' columns stand one above another, but the maps were laid out for half the page:
    drawn at the whole page's width their three tiles' labels "from R", "from G", "from B" ran into one another."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}/Filters_on_your_image")
    wait_until_idle(page, timeout_ms=300_000)
    grids = page.evaluate(LABELS)
    assert len(grids) >= 1
    for grid in grids:
        assert grid["count"] == 3 and grid["overlaps"] == [] and grid["outside"] == 0, grid
