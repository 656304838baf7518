"""A preset link restores every widget of a page: AppTest opens the page with query params, then every
widget bound to one of the page's URL settings must hold the link's value, and the page must write the same
link back. Each page's presets set a non-default value for every one of its Param keys (read from the page's
source, so a new Param without a preset here fails the coverage test).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dsconv.images import handmade as hand  # the Filters page's "custom" choices, whatever their wording

ROOT = Path(__file__).resolve().parents[1]
WIDGET_KINDS = ("number_input", "slider", "select_slider", "selectbox", "radio", "checkbox", "toggle",
                "multiselect", "text_input", "text_area", "button_group")

# page -> list of presets; a preset is {URL key: (URL text, the value its widget must then hold)}.
# Several presets per page where a widget only appears for some settings.
PRESETS: dict[str, list[dict[str, tuple[str, object]]]] = {
    "pages/6_Quiz.py": [
        {"quiz_seed": ("4321", 4321), "quiz_q": ("7", 7),
         "quiz_topics": ("shape,times_fewer", ["shape", "times_fewer"]), "present": ("1", True)},
    ],
    "pages/1_Parameter_lab.py": [  # only the open tab draws its widgets: one preset per tab with widgets
        {"lab_h": ("20", 20), "lab_w": ("24", 24), "lab_cin": ("8", 8), "lab_cout": ("16", 16), "lab_k": ("5", 5),
         "lab_stride": ("2", 2), "lab_pad": ("same", "same"), "lab_dm": ("2", 2), "lab_groups": ("4", 4),
         "lab_bias": ("0", False), "lab_flops": ("1", True), "present": ("1", True)},
        {"lab_tab": ("Whole network", "Whole network"), "net_kind": ("mobilenet", "mobilenet"),
         "net_blocks": ("2", 2), "net_filters": ("16", 16), "net_k": ("5", 5), "net_alpha": ("0.5", 0.5)},
        {"lab_tab": ("Code", "Code"), "lab_code_kind": ("grouped", "grouped"), "lab_dil": ("2", 2)},
    ],
    "app.py": [{"present": ("1", True)}],  # the home page has no settings but projector mode
    "pages/2_Sliding_kernels.py": [
        {"sl_mode": ("separable", "separable"), "sl_sample": ("checkerboard", "checkerboard"), "sl_size": ("6", 6),
         "sl_preset": ("random", "random"), "sl_seed": ("42", 42), "sl_k": ("5", 5), "sl_stride": ("2", 2),
         "sl_pad": ("same", "same"), "sl_cout": ("3", 3), "sl_dm": ("2", 2), "sl_watch": ("2", 2),
         "present": ("1", True)},
        {"sl_mode": ("grouped", "grouped"), "sl_groups": ("3", 3), "sl_dil": ("2", 2)},  # dilation needs strides 1
    ],
    "pages/5_Speed_lab.py": [
        {"spd_size": ("16", 16), "spd_cin": ("8", 8), "spd_cout": ("24", 24), "spd_k": ("5", 5), "spd_batch": ("4", 4),
         "spd_repeats": ("5", 5), "spd_steps": ("1", True), "spd_sweep": ("kernel_size", "kernel_size"),
         "spd_sweep_pass": ("forward_backward", "forward_backward"), "spd_recorded": ("tutorial_layers", "tutorial_layers"),
         "present": ("1", True)},
    ],
    "pages/4_Filters_on_your_image.py": [
        {"fil_sample": ("Stripes and rings", "Stripes and rings"),
         "fil_view": ("Hand-made filters (NumPy)", "Hand-made filters (NumPy)"), "fil_red": ("Blur", "Blur"),
         "fil_green": (hand.CUSTOM, hand.CUSTOM), "fil_blue": ("Laplacian", "Laplacian"),
         "fil_kernel": ("0 1 0; 1 -4 1; 0 1 0", "0 1 0; 1 -4 1; 0 1 0"), "fil_mix": (hand.CUSTOM_MIX, hand.CUSTOM_MIX),
         "fil_mix_text": ("0 1 0; 1 0 0", "0 1 0; 1 0 0"), "fil_size": ("256", 256), "present": ("1", True)},
        {"fil_source": ("CIFAR-10 test picture", "CIFAR-10 test picture"), "fil_cifar": ("17", 17)},
        {"fil_layer": ("block2_conv1", "block2_conv1"), "fil_maps": ("8", 8)},  # needs a model (SESSION)
    ],
    "pages/3_Training_arena.py": [
        {"arena_runs": ("", []), "arena_archs": ("standard,mobilenet", ["standard", "mobilenet"]),
         "present": ("1", True)},
        {"arena_launch": ("1", True), "arena_source": ("cifar10", "cifar10"), "arena_train": ("500", 500),
         "arena_test": ("100", 100), "arena_epochs": ("2", 2), "arena_batch": ("64", 64),
         "arena_alpha": ("0.5", 0.5), "arena_launch_archs": ("separable,mobilenet", ["separable", "mobilenet"]),
         "arena_seed": ("7", 7), "arena_valtest": ("1", True)},
    ],
}
TIMEOUTS = {"pages/6_Quiz.py": 90, "pages/4_Filters_on_your_image.py": 240}  # the learned view loads Keras


@functools.cache
def small_arena_model() -> dict:
    """No extra state when the app ships pretrained models; else what the Training arena leaves in
    st.session_state after a launch: a (small, untrained) model, so the learned view draws its widgets."""
    from dsconv.images.learned import pretrained_catalogue

    if pretrained_catalogue():
        return {}
    from dsconv.training.models import ModelConfig, build_model

    return {"arena_models": {"test model": (build_model(ModelConfig.of(blocks=2, filters=8)), None)}}


# (page, preset number) -> st.session_state entries the preset's widgets need before the page draws them
SESSION = {("pages/4_Filters_on_your_image.py", 2): small_arena_model}


def known_gaps(page: str) -> set[str]:
    """URL settings whose widgets cannot appear on this copy of the app, so no preset can show them restored."""
    gaps = set()
    if page == "pages/3_Training_arena.py":
        from dsconv.training import replay

        if not replay.bundled_files():
            gaps.add("arena_runs")  # its choices are the bundled run files: none yet
    return gaps


@pytest.fixture(scope="session")
def cifar_format_folder(tmp_path_factory) -> Path:
    """A `test_batch` file in CIFAR-10's format (20 random pictures), so the CIFAR picture picker is drawn."""
    import pickle

    import numpy as np

    folder = tmp_path_factory.mktemp("cifar")
    pixels = np.random.default_rng(0).integers(0, 256, size=(20, 3072), dtype=np.uint8)
    with open(folder / "test_batch", "wb") as handle:
        pickle.dump({b"data": pixels, b"labels": list(range(10)) * 2}, handle, protocol=2)
    return folder


@pytest.fixture(autouse=True)
def no_tensorflow_for_the_arena_launcher(monkeypatch, cifar_format_folder):
    """The arena's launcher names the device and times a few training steps (TensorFlow, in a child process):
    a stand-in here, because this test is about which values the widgets get, not about the device."""
    import dsconv.arena.job

    def machine_profile(architectures, width_multiplier, batch_size, probe=True):
        return "Test CPU, 2 cores", {arch: dsconv.arena.job.Speed(0.001, 1.0, "probe") for arch in architectures}

    monkeypatch.setattr(dsconv.arena.job, "machine_profile", machine_profile)
    monkeypatch.setenv("DSCONV_CIFAR10_DIR", str(cifar_format_folder))


def param_keys(page: str) -> set[str]:
    """The keys of every Param(...) the page's source declares (its URL-shareable settings)."""
    tree = ast.parse((ROOT / page).read_text())
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Param" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
    return keys


TAB_KEYS = ("lab_tab",)  # keyed st.tabs of the pages


class OpenTab:
    """A keyed st.tabs: AppTest shows its tabs but not which is open, so its value is read from the session;
    the open tab's own widgets (in the same preset) show that the page really drew that tab."""

    def __init__(self, value: str):
        self.value = value


def widgets_by_key(at: AppTest) -> dict[str, object]:
    """Every keyed widget on the page (main area and sidebar)."""
    found = {}
    for kind in WIDGET_KINDS:
        for widget in getattr(at, kind, []):
            if getattr(widget, "key", None):
                found[widget.key] = widget
    labels = {tab.label for tab in at.tabs}
    for key in TAB_KEYS:
        if key not in found and key in at.session_state and at.session_state[key] in labels:
            found[key] = OpenTab(at.session_state[key])
    return found


def open_page(page: str, query: dict[str, str], session: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUTS.get(page, 120))
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, text in query.items():
        at.query_params[key] = text
    return at.run()


_DEFAULTS: dict = {}


def default_widgets(page: str, session_maker=None) -> dict[str, object]:
    """The page's widgets when opened without a link (one run per page and session set-up)."""
    if (page, session_maker) not in _DEFAULTS:
        session = session_maker() if session_maker else None
        _DEFAULTS[(page, session_maker)] = widgets_by_key(open_page(page, {}, session))
    return _DEFAULTS[(page, session_maker)]


CASES = [(page, number) for page, presets in PRESETS.items() for number in range(len(presets))]


@pytest.mark.parametrize("page, number", [
    pytest.param(page, number, id=f"{Path(page).stem}-{number}",
                 marks=[pytest.mark.slow] if (page, number) in SESSION else [])
    for page, number in CASES])
def test_preset_link_restores_every_widget(page, number):
    preset = PRESETS[page][number]
    session = SESSION[(page, number)]() if (page, number) in SESSION else None
    default = default_widgets(page, SESSION.get((page, number)))
    at = open_page(page, {key: text for key, (text, _) in preset.items()}, session)
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    widgets = widgets_by_key(at)
    for key, (text, expected) in preset.items():
        assert key in widgets, f"{page}: no widget with key {key!r} after opening the preset link"
        assert widgets[key].value == expected, f"{page}: widget {key!r} holds {widgets[key].value!r}, not {expected!r}"
        if key in default:  # the preset really changes the widget: it is not the default value
            assert default[key].value != expected, f"{page}: preset value for {key!r} is its default"
    # the page writes the same link back: the address bar is the preset
    written = {key: at.query_params[key] for key in at.query_params}
    assert written == {key: text for key, (text, _) in preset.items()}


@pytest.mark.parametrize("page", list(PRESETS))
def test_every_url_setting_of_the_page_has_a_preset(page):
    covered = set().union(*(preset.keys() for preset in PRESETS[page])) | known_gaps(page)
    assert param_keys(page) <= covered, f"{page}: no preset sets {sorted(param_keys(page) - covered)}"


def test_projector_mode_from_the_link_hides_the_sidebar():
    at = open_page("pages/6_Quiz.py", {"present": "1"})
    assert at.toggle(key="present").value is True
    assert any("stSidebar" in str(m.value) and "display: none" in str(m.value) for m in at.markdown)

