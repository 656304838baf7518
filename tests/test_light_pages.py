"""The light pages never import TensorFlow (or Keras, which would pull it in): each runs in a fresh
process under AppTest, and the test looks at that process's sys.modules afterwards."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Every page whose first view must stay light. The Training arena's replay path and the Speed lab's
# bundled measurements are light too; only launching, measuring or learned filters load Keras.
LIGHT_PAGES = [
    "app.py",
    "pages/1_Parameter_lab.py",
    "pages/2_Sliding_kernels.py",
    "pages/3_Training_arena.py",
    "pages/5_Speed_lab.py",
    "pages/6_Quiz.py",
]

PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
print(json.dumps({
    "exceptions": [str(e.value) for e in at.exception],
    "heavy": sorted(m for m in ("tensorflow", "keras", "torch", "jax") if m in sys.modules),
    "markdown": len(at.markdown),
}))
"""


@pytest.mark.parametrize("page", LIGHT_PAGES)
def test_page_does_not_import_tensorflow(page):
    if not (ROOT / page).exists():
        pytest.fail(f"{page} is missing")
    result = subprocess.run([sys.executable, "-c", PROBE, page], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == []
    assert report["markdown"] > 0, "the page showed nothing"
    assert report["heavy"] == [], f"{page} imported {report['heavy']}"


def test_engine_import_is_light():
    code = "import sys, dsconv, dsconv.costs.arithmetic, dsconv.costs.network; print(sorted(m for m in ('tensorflow','keras','streamlit') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]"
