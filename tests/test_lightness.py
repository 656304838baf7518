"""What stays light: the pages that show no model, and every engine package, never import TensorFlow or Keras
(about 5 s and 600 MB); pages with only small tables import no pandas either. Each case runs in a fresh process, and the test reads that process's sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

PAGE_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
for key, value in json.loads(sys.argv[2]).items():
    at.query_params[key] = value
at.run()
if len(sys.argv) > 4:  # a photo uploaded to the page's uploader of that key, and the page run again
    import io
    import numpy as np
    from PIL import Image
    photo = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)).save(photo, "JPEG")
    at.file_uploader(key=sys.argv[4]).set_value(("photo.jpg", photo.getvalue(), "image/jpeg")).run()
print(json.dumps({"exceptions": [str(e.value) for e in at.exception], "shown": len(at.markdown),
                  "loaded": sorted(m for m in json.loads(sys.argv[3]) if m in sys.modules)}))
"""
ENGINE_PROBE = """
import json, sys
exec(sys.argv[1])
print(json.dumps({"exceptions": [], "shown": 1, "loaded": sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)}))
"""
HEAVY = ["tensorflow", "keras", "torch", "jax"]
PACKAGES = "costs, sliding, training, arena, speed, quiz, images, figures, profile"

# (what, page or engine code, link query): each page's first view, and the engine's packages and entry points.
# The Training arena's replay, the Speed lab's recorded measurements and the shipped models' learned filters (in
# NumPy) are light too; only launching a training, measuring, and a model trained in the arena load Keras.
CASES = [
    ("the home page", "app.py", {}),
    ("the Parameter lab", "pages/1_Parameter_lab.py", {}),
    ("the Sliding kernels page", "pages/2_Sliding_kernels.py", {}),
    ("the Training arena's replay", "pages/3_Training_arena.py", {}),
    ("the Filters page's hand-made filters", "pages/4_Filters_on_your_image.py",
     {"fil_view": "Hand-made filters (NumPy)"}),
    ("the Filters page's learned view of the shipped models, on an uploaded photo", "pages/4_Filters_on_your_image.py",
     {"fil_source": "Upload a photo", "fil_view": "Learned filters (the CIFAR-10 models)"}),
    ("the Speed lab's recorded measurements", "pages/5_Speed_lab.py", {}),
    ("the Quiz", "pages/6_Quiz.py", {}),
    ("the Real networks page, on Xception", "pages/7_Real_networks.py", {"rn_model": "Xception"}),
    ("the Real networks page's what-if", "pages/7_Real_networks.py", {"rn_tab": "What if it were separable?"}),
    ("every engine package, and no Streamlit either", f"import dsconv.kinds, dsconv.image_files\nfrom dsconv import {PACKAGES}", None),
    ("run records and the list of pretrained models",
     "import dsconv.training.runs, dsconv.training.pretrained\ndsconv.training.pretrained.available_pretrained()", None),
    ("the Speed lab's modules and its benchmark command",
     "import dsconv.speed.measure, dsconv.costs.intensity, dsconv.figures.speed, dsconv.bench.layers", None),
    ("the Keras check, until it is called", "import dsconv.costs.keras_check", None),
    ("the training command's parser", "import dsconv.train\ndsconv.training.cli.build_parser()", None),
]
# Pages whose tables are all small static ones (Markdown, dsconv.safe_text.markdown_table) import no pandas or
# pyarrow either: st.table and st.dataframe do (0.3 s of a fresh server's first page, and 0.9 MB of Arrow script in
# the browser). The Real networks page keeps st.dataframe for its layer tables, which a student sorts and scrolls.
NO_DATA_FRAMES = {"the home page", "the Parameter lab", "the Sliding kernels page", "the Training arena's replay",
                  "the Filters page's hand-made filters",
                  "the Filters page's learned view of the shipped models, on an uploaded photo",
                  "the Speed lab's recorded measurements", "the Quiz"}


@pytest.mark.parametrize("what, target, query", CASES, ids=[case[0] for case in CASES])
def test_loads_no_heavy_library(what, target, query):
    if query is None:  # engine code: nothing heavy, and the engine never imports Streamlit
        forbidden = HEAVY + ["streamlit"]
        command = [sys.executable, "-c", ENGINE_PROBE, target, json.dumps(forbidden)]
    else:
        assert (ROOT / target).exists(), f"{target} is missing"
        forbidden = HEAVY + (["pandas", "pyarrow"] if what in NO_DATA_FRAMES else [])
        command = [sys.executable, "-c", PAGE_PROBE, target, json.dumps(query), json.dumps(forbidden)]
        if query.get("fil_source") == "Upload a photo":
            command.append("fil_upload")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == []
    assert report["shown"] > 0, f"{what}: the page showed nothing"
    assert report["loaded"] == [], f"{what} imported {report['loaded']}"


PAGE_FILES = ["app.py", *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_pages_import_the_engine_from_its_packages_only(page):
    """The README's rule: each package's __init__ is its public surface. A page that imports from inside a package
    (dsconv.figures.cost) skips it, and the lazy loading it does (dsconv.figures loads a builder when first read)."""
    import ast

    tree = ast.parse((ROOT / page).read_text())
    inside = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
              and node.module.startswith("dsconv.") and node.module.count(".") > 1]
    inside += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
               if alias.name.startswith("dsconv.") and alias.name.count(".") > 1]
    assert inside == [], inside


def test_the_upload_limits_the_pages_state_are_the_servers():
    """Both picture uploaders say "up to 25 MB": the figure is the server's maxUploadSize (Sliding kernels' said no
    limit, and a larger file got Streamlit's own refusal only)."""
    import re
    import tomllib

    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    for page in ("pages/2_Sliding_kernels.py", "pages/4_Filters_on_your_image.py"):
        said = re.findall(r"up to (\d+) MB\)\"", (ROOT / page).read_text())
        assert said == [str(limit)], (page, said)
