"""The Real networks page in headless Chromium: upload a .keras file through the real uploader, see its totals and
both charts drawn (bars in the SVG, one colour per role), and a hostile archive refused in a sentence."""

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from harness import ROOT, SCREENSHOTS, full_screenshot, on_views, wait_until_idle

pytestmark = pytest.mark.browser

UPLOAD = "?rn_model=Your+model+file+%28.keras%2C+.h5+or+.json%29"


def keras_file(config: bytes, member: str = "config.json") -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr(member, config)
    return data.getvalue()


def test_an_uploaded_model_is_counted_and_drawn_and_a_hostile_one_refused(page, tmp_path, shared_server):
    config = gzip.decompress((ROOT / "dsconv" / "assets" / "profile" / "vgg_separable.json.gz").read_bytes())
    good, evil = tmp_path / "tutorial.keras", tmp_path / "evil.keras"
    good.write_bytes(keras_file(config))
    evil.write_bytes(keras_file(config, member="/etc/config.json"))
    url = shared_server
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{url}/Real_networks{UPLOAD}")
    wait_until_idle(page)
    page.locator('.st-key-rn_upload input[type="file"]').set_input_files(str(good))
    page.get_by_text("175 k").first.wait_for(timeout=60_000)  # the tutorial's 174,821 parameters
    wait_until_idle(page)
    charts = page.locator('.st-key-rn_layer_chart .main-svg, .st-key-rn_share_chart .main-svg')
    assert charts.count() >= 2
    bars = page.locator('.st-key-rn_layer_chart g.point path')
    assert bars.count() >= 14  # 6 separable layers and one dense, in two panels
    fills = set(page.eval_on_selector_all('.st-key-rn_layer_chart g.point path',
                                          "paths => paths.map(p => getComputedStyle(p).fill)"))
    assert len(fills) == 2, fills  # separable and dense
    # seven layers: a tick for each, in whole numbers (a one-layer model's read 0.6, 0.8, 1, 1.2, 1.4)
    ticks = page.locator('.st-key-rn_layer_chart g.x2tick text').all_text_contents()  # the lower panel's axis
    assert ticks and all(tick.isdigit() for tick in ticks), ticks
    full_screenshot(page, SCREENSHOTS / "Real_networks_upload.png")
    with page.expect_download(timeout=60_000) as download:  # the CSV is written when the button is clicked
        page.get_by_role("button", name="Download the table (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sum(int(row["params"]) for row in rows) == 174_821  # the tutorial's separable model
    assert any(row["class"] == "SeparableConv2D" for row in rows)
    page.locator('.st-key-rn_upload input[type="file"]').set_input_files(str(evil))
    page.get_by_text("names a file outside itself").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0


# the tick labels drawn (Plotly keeps a label that does not fit in the page, hidden)
SHOWN_TICKS = """selector => [...document.querySelectorAll(selector)]
  .filter(tick => tick.getBoundingClientRect().width > 0).map(tick => tick.textContent)"""


@on_views(("Real_networks?rn_model=VGG16", {"width": 1400, "height": 1000}))
def test_the_charts_axes_write_their_units_as_the_page_does(view):
    """VGG16's layer chart read "0.5B, 1B, 1.5B" beside the page's "15.5 G"; the share chart's axis "80 %" beside its
    bars' "95%", and it stopped at 80."""
    counts = view.locator('.st-key-rn_layer_chart g.ytick text').all_text_contents()
    assert counts and not any(tick.endswith("B") for tick in counts), counts
    assert any(tick.endswith("G") for tick in counts), counts
    shares = view.evaluate(SHOWN_TICKS, ".st-key-rn_share_chart g.xtick")
    assert shares == ["0%", "20%", "40%", "60%", "80%", "100%"], shares


def test_a_one_layer_models_layers_are_numbered_in_whole_numbers(page, tmp_path, shared_server):
    """A model of one Conv2D had its layer axis marked 0.6, 0.8, 1, 1.2, 1.4."""
    import keras

    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3)])
    path = tmp_path / "one.json"
    path.write_text(model.to_json())
    page.goto(f"{shared_server}/Real_networks{UPLOAD}")
    wait_until_idle(page)
    page.locator('.st-key-rn_upload input[type="file"]').set_input_files(str(path))
    page.locator('.st-key-rn_layer_chart .main-svg').first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert page.locator('.st-key-rn_layer_chart g.x2tick text').all_text_contents() == ["1"]
    # and the share chart's axis reaches 100% here too (Plotly hid the label that did not fit the margin)
    assert page.evaluate(SHOWN_TICKS, ".st-key-rn_share_chart g.xtick")[-1] == "100%"
    # its one-row table is as tall as its row: it stood 420 px tall, mostly empty rows
    table = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert table["height"] < 100, table
