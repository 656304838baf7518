"""The Real networks page in headless Chromium: upload a .keras file through the real uploader, see its totals and
both charts drawn (bars in the SVG, one colour per role), and a hostile archive refused in a sentence."""

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from harness import ROOT, SCREENSHOTS, full_screenshot, wait_until_idle

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
    full_screenshot(page, SCREENSHOTS / "Real_networks_upload.png")
    with page.expect_download(timeout=60_000) as download:  # the CSV is written when the button is clicked
        page.get_by_role("button", name="Download the table (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sum(int(row["params"]) for row in rows) == 174_821  # the tutorial's separable model
    assert any(row["class"] == "SeparableConv2D" for row in rows)
    page.locator('.st-key-rn_upload input[type="file"]').set_input_files(str(evil))
    page.get_by_text("names a file outside itself").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
