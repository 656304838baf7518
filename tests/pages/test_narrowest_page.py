"""Every page, in its main views, at the narrowest width the browser's probe tells (WIDTH_RANGE_PX[0]: a folded
phone's 280 px window) and just above it: each figure laid out for it builds, and no view shows a traceback.

At 280 px the Training arena showed a ValueError: the replay's epoch slider, placed right of its Play and Pause
buttons, had a negative length there (its buttons took more than the panels' width)."""

from __future__ import annotations

import pytest

from conftest import open_page
from dsconv_ui.common import WIDTH_RANGE_PX

NARROWEST = WIDTH_RANGE_PX[0]
VIEWS = [
    ("app.py", {}),
    ("pages/1_Parameter_lab.py", {}),
    *[("pages/1_Parameter_lab.py", {"lab_tab": tab}) for tab in ("Separable vs standard", "Check with Keras",
                                                                  "Whole network", "Code")],
    *[("pages/2_Sliding_kernels.py", {"sl_mode": mode}) for mode in ("standard", "depthwise", "pointwise",
                                                                      "separable", "grouped")],
    ("pages/2_Sliding_kernels.py", {"sl_mode": "separable", "sl_dm": "2", "sl_k": "5"}),
    ("pages/3_Training_arena.py", {}),
    ("pages/4_Filters_on_your_image.py", {}),
    ("pages/4_Filters_on_your_image.py", {"fil_view": "Hand-made filters (NumPy)"}),
    ("pages/5_Speed_lab.py", {}),
    *[("pages/5_Speed_lab.py", {"spd_recorded": shown}) for shown in ("sweep_out_channels", "sweep_kernel_size",
                                                                       "tutorial_layers")],
    ("pages/6_Quiz.py", {}),
    ("pages/7_Real_networks.py", {}),
    *[("pages/7_Real_networks.py", {"rn_tab": tab}) for tab in ("What if it were separable?",
                                                                 "Compare two networks")],
    ("pages/7_Real_networks.py", {"rn_model": "mobilenet_v3_large"}),
]


@pytest.mark.parametrize("width", [NARROWEST, NARROWEST + 40])
@pytest.mark.parametrize("present", [False, True], ids=["normal", "projector"])
@pytest.mark.parametrize("page, query", VIEWS, ids=[f"{page.split('/')[-1][:-3]}-{'-'.join(query.values()) or 'first'}"
                                                   for page, query in VIEWS])
def test_every_view_builds_at_a_folded_phones_width(page, query, present, width):
    told = {f"_shown_width_{int(present)}": {"width": width}}
    at = open_page(page, {**query, **({"present": "true"} if present else {})}, session=told)
    assert not at.exception, [exception.value for exception in at.exception][:1]
    assert at.session_state[f"_shown_width_{int(present)}"] == {"width": width}  # the width the page was laid out for
