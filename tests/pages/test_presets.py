"""A link restores every widget of a page. Every setting's widget is bound to the address by Streamlit
(bind="query-params"): AppTest opens the page with a link, every widget must then hold the link's value, and the
address must still hold the link (Streamlit drops a value its widget refuses). Each page's presets set a non-default
value for every bound widget (found in the page's source, so a new widget without a preset here fails the coverage
test). Links made before the binding (1/0 for a switch, "a,b" for a list, an option's own name) keep working.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page
from dsconv.images import handmade as hand  # the Filters page's "custom" choices, whatever their wording
from dsconv.kinds import KINDS
from dsconv.sliding import PRESET_LABELS, SAMPLE_NAMES
from rendered import literal

WIDGET_KINDS = ("number_input", "slider", "select_slider", "selectbox", "radio", "checkbox", "toggle",
                "multiselect", "text_input", "text_area", "button_group")

# page -> list of presets; a preset is {URL key: (URL text, or a list for a multiselect, the value its widget must
# then hold)}. A widget that shows its options through a label has the label in the address. Several presets per page
# where a widget only appears for some settings.
PRESETS: dict[str, list[dict[str, tuple[object, object]]]] = {
    "pages/6_Quiz.py": [
        {"quiz_seed": ("4321", 4321), "quiz_q": ("7", 7),
         "quiz_topics": (["output shape", "times fewer"], ["shape", "times_fewer"]), "present": ("true", True)},
    ],
    "pages/1_Parameter_lab.py": [  # only the open tab draws its widgets: one preset per tab with widgets
        {"lab_h": ("20", 20), "lab_w": ("24", 24), "lab_cin": ("8", 8), "lab_cout": ("16", 16), "lab_k": ("5", 5),
         "lab_stride": ("2", 2), "lab_pad": ("same", "same"), "lab_dm": ("2", 2), "lab_groups": ("4", 4),
         "lab_bias": ("false", False), "lab_flops": ("true", True), "present": ("true", True)},
        {"lab_tab": ("Whole network", "Whole network"), "net_kind": (KINDS["mobilenet"].short, "mobilenet"),
         "net_blocks": ("2", 2), "net_filters": ("16", 16), "net_k": ("5", 5), "net_alpha": ("0.5", 0.5)},
        {"lab_tab": ("Code", "Code"), "lab_code_kind": (KINDS["grouped"].label, "grouped"), "lab_dil": ("2", 2)},
    ],
    "app.py": [{"present": ("true", True)}],  # the home page has no settings but projector mode
    "pages/2_Sliding_kernels.py": [
        {"sl_mode": (KINDS["separable"].word, "separable"), "sl_sample": (SAMPLE_NAMES["checkerboard"], "checkerboard"),
         "sl_size": ("6", 6), "sl_preset": (PRESET_LABELS["random"], "random"), "sl_seed": ("42", 42), "sl_k": ("5", 5),
         "sl_stride": ("2", 2), "sl_pad": ("same", "same"), "sl_cout": ("3", 3), "sl_dm": ("2", 2),
         "sl_watch": ("2", 2), "sl_3d": ("true", True), "present": ("true", True)},
        {"sl_mode": (KINDS["grouped"].word, "grouped"), "sl_groups": ("3", 3), "sl_dil": ("2", 2)},  # needs strides 1
    ],
    "pages/5_Speed_lab.py": [
        {"spd_size": ("16", 16), "spd_cin": ("8", 8), "spd_cout": ("24", 24), "spd_k": ("5", 5), "spd_batch": ("4", 4),
         "spd_repeats": ("5", 5), "spd_steps": ("true", True), "spd_sweep": ("kernel size", "kernel_size"),
         "spd_sweep_pass": ("forward + backward", "forward_backward"),
         "spd_recorded": ("The tutorial's convolution layers", "tutorial_layers"), "present": ("true", True)},
    ],
    "pages/4_Filters_on_your_image.py": [
        {"fil_sample": ("Stripes and rings", "Stripes and rings"),
         "fil_view": ("Hand-made filters (NumPy)", "Hand-made filters (NumPy)"), "fil_red": ("Blur", "Blur"),
         "fil_green": (hand.CUSTOM, hand.CUSTOM), "fil_blue": ("Laplacian", "Laplacian"),
         "fil_kernel": ("0 1 0; 1 -4 1; 0 1 0", "0 1 0; 1 -4 1; 0 1 0"), "fil_mix": (hand.CUSTOM_MIX, hand.CUSTOM_MIX),
         "fil_mix_text": ("0 1 0; 1 0 0", "0 1 0; 1 0 0"), "fil_size": ("256", 256), "present": ("true", True)},
        {"fil_source": ("CIFAR-10 test picture", "CIFAR-10 test picture"), "fil_cifar": ("17", 17)},
        {"fil_layer": ("block2_conv1", "block2_conv1"), "fil_maps": ("8", 8)},  # needs a model (SESSION)
        {"fil_left_model": ("Pretrained separable model (the held-out recipe)",
                            "Pretrained separable model (the held-out recipe)"),
         "fil_right_model": ("Pretrained standard model (the held-out recipe)",
                             "Pretrained standard model (the held-out recipe)")},  # needs two shipped models
    ],
    "pages/7_Real_networks.py": [  # only the open tab draws its widgets
        {"rn_model": ("ResNet50", "resnet50"), "rn_size": ("160", 160), "present": ("true", True)},
        {"rn_tab": ("What if it were separable?", "What if it were separable?"),
         "rn_whatif": (KINDS["mobilenet"].label, "mobilenet")},
        {"rn_tab": ("Compare two networks", "Compare two networks"), "rn_compare": ("Xception", "xception")},
    ],
    "pages/3_Training_arena.py": [
        {"arena_runs": ("", []), "arena_archs": ([KINDS["standard"].word, KINDS["mobilenet"].word],
                                                 ["standard", "mobilenet"]), "present": ("true", True)},
        {"arena_launch": ("true", True), "arena_source": ("CIFAR-10, downloaded", "cifar10"),
         "arena_train": ("500", 500), "arena_test": ("100", 100), "arena_epochs": ("2", 2), "arena_batch": ("64", 64),
         "arena_alpha": ("0.5", 0.5), "arena_launch_archs": ([KINDS["separable"].word, KINDS["mobilenet"].word],
                                                             ["separable", "mobilenet"]),
         "arena_seed": ("7", 7), "arena_valtest": ("true", True)},
    ],
}
# Links written before Streamlit's binding, as teachers saved them: each must still set its widgets.
OLDER_LINKS: dict[str, dict[str, tuple[str, object]]] = {
    "pages/6_Quiz.py": {"quiz_topics": ("shape,times_fewer", ["shape", "times_fewer"]), "present": ("1", True)},
    "pages/1_Parameter_lab.py": {"lab_bias": ("0", False), "lab_flops": ("1", True), "lab_k": ("5", 5)},
    "pages/2_Sliding_kernels.py": {"sl_mode": ("separable", "separable"), "sl_sample": ("checkerboard", "checkerboard"),
                                   "sl_preset": ("random", "random")},
    "pages/3_Training_arena.py": {"arena_archs": ("standard,mobilenet", ["standard", "mobilenet"])},
    "pages/5_Speed_lab.py": {"spd_sweep": ("kernel_size", "kernel_size"), "spd_steps": ("1", True)},
}
DYNAMIC_KEYS = {"CHANNEL_KEYS[index]": {"fil_red", "fil_green", "fil_blue"}}  # keys the page makes in a loop
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
    if page == "pages/4_Filters_on_your_image.py":
        from dsconv.images.learned import pretrained_catalogue

        if len(pretrained_catalogue()) < 2:
            gaps |= {"fil_left_model", "fil_right_model"}  # drawn only where two models are on offer
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
    import dsconv.arena.estimates

    def machine_profile(architectures, width_multiplier, probe=True):
        return "Test CPU, 2 cores", {arch: dsconv.arena.estimates.Speed(0.001, 1.0, "probe") for arch in architectures}

    monkeypatch.setattr(dsconv.arena.estimates, "machine_profile", machine_profile)  # what launch_estimate calls
    monkeypatch.setenv("DSCONV_CIFAR10_DIR", str(cifar_format_folder))


def bound_keys(page: str) -> set[str]:
    """The key of every widget the page's source binds to the address (**BOUND or bind=), keyed st.tabs included."""
    tree = ast.parse((ROOT / page).read_text())
    keys = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        bound = any(kw.arg is None and getattr(kw.value, "id", None) == "BOUND" or kw.arg == "bind"
                    for kw in node.keywords)
        key = next((kw.value for kw in node.keywords if kw.arg == "key"), None)
        if bound and isinstance(key, ast.Constant):
            keys.add(key.value)
        elif bound and isinstance(key, (ast.JoinedStr, ast.Subscript)):
            keys |= DYNAMIC_KEYS[ast.unparse(key)]
    if page == "app.py" or "page_setup(" in (ROOT / page).read_text():
        keys.add("present")  # page_setup's projector switch
    return keys


TAB_KEYS = ("lab_tab", "rn_tab")  # keyed st.tabs of the pages


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


_DEFAULTS: dict = {}


def default_widgets(page: str, session_maker=None) -> dict[str, object]:
    """The page's widgets when opened without a link (one run per page and session set-up)."""
    if (page, session_maker) not in _DEFAULTS:
        session = session_maker() if session_maker else None
        _DEFAULTS[(page, session_maker)] = widgets_by_key(open_page(page, session=session, timeout=TIMEOUTS.get(page)))
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
    at = open_page(page, {key: text for key, (text, _) in preset.items()}, session=session, timeout=TIMEOUTS.get(page))
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    widgets = widgets_by_key(at)
    for key, (text, expected) in preset.items():
        assert key in widgets, f"{page}: no widget with key {key!r} after opening the preset link"
        assert widgets[key].value == expected, f"{page}: widget {key!r} holds {widgets[key].value!r}, not {expected!r}"
        if key in default:  # the preset really changes the widget: it is not the default value
            assert default[key].value != expected, f"{page}: preset value for {key!r} is its default"
    # the address still holds the link: every value was taken, none dropped
    written = {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}
    assert written == {key: text if isinstance(text, list) else [text] for key, (text, _) in preset.items()}


@pytest.mark.parametrize("page", list(PRESETS))
def test_every_url_setting_of_the_page_has_a_preset(page):
    covered = set().union(*(preset.keys() for preset in PRESETS[page])) | known_gaps(page)
    assert bound_keys(page) <= covered, f"{page}: no preset sets {sorted(bound_keys(page) - covered)}"
    assert len(bound_keys(page)) >= len(set().union(*(preset.keys() for preset in PRESETS[page])))


@pytest.mark.parametrize("page", list(OLDER_LINKS))
def test_a_link_made_before_the_binding_still_sets_the_widgets(page):
    at = open_page(page, {key: text for key, (text, _) in OLDER_LINKS[page].items()}, timeout=TIMEOUTS.get(page))
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    widgets = widgets_by_key(at)
    for key, (text, expected) in OLDER_LINKS[page].items():
        assert widgets[key].value == expected, f"{page}: {key}={text!r} gave {widgets[key].value!r}"
    # The address now spells each setting as its widget does, so the page's share link (the address) opens the page
    # as it is: ?sl_mode=pointwise showed Pointwise, and the link under "Anyone who opens this link sees the page
    # exactly as it is set now" had no sl_mode, and opened Standard.
    assert set(OLDER_LINKS[page]) <= set(at.query_params), dict(at.query_params)
    shared = open_page(page, dict(at.query_params), timeout=TIMEOUTS.get(page))
    again = widgets_by_key(shared)
    assert {key: again[key].value for key in OLDER_LINKS[page]} == {key: expected for key, (_, expected)
                                                                     in OLDER_LINKS[page].items()}


# Labels that pickers showed before they were shortened, so saved links spell them: each must still set its picker.
RELABELLED = [("pages/2_Sliding_kernels.py", "sl_sample", "Checkerboard (orange and blue squares)", "checkerboard"),
              ("pages/2_Sliding_kernels.py", "sl_sample", "Colour gradient (red grows to the right, green downwards)",
               "gradient"),
              ("pages/2_Sliding_kernels.py", "sl_preset", "Sobel edge (left-right change)", "sobel"),
              ("pages/2_Sliding_kernels.py", "sl_preset", "Random (seeded)", "random"),
              ("pages/3_Training_arena.py", "arena_source", "CIFAR-10 (download, 163 MB)", "cifar10"),
              # The architecture pickers showed Keras's names until 2026-12 (a multiselect: a repeated parameter).
              ("pages/3_Training_arena.py", "arena_archs", ["Conv2D", "MobileNet block"], ["standard", "mobilenet"]),
              ("pages/3_Training_arena.py", "arena_launch_archs", ["SeparableConv2D", "Depthwise + 1x1"],
               ["separable", "depthwise_pointwise"]),
              # "the better recipe" read as better results (its test accuracies are the lower): renamed 2026-12-04
              ("pages/4_Filters_on_your_image.py", "fil_left_model", "Pretrained separable model (the better recipe)",
               "Pretrained separable model (the held-out recipe)"),
              # Streamlit took the items it knew and dropped the others without a word: all are taken.
              ("pages/3_Training_arena.py", "arena_archs", ["Standard", "MobileNet block"], ["standard", "mobilenet"])]


@pytest.mark.parametrize("page, key, text, expected", RELABELLED, ids=[str(r[2])[:16] for r in RELABELLED])
def test_a_link_with_a_pickers_older_label_still_sets_it(page, key, text, expected):
    at = open_page(page, {key: text, **({"arena_launch": "true"} if key.startswith("arena") else {})})
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    assert widgets_by_key(at)[key].value == expected
    # the address (the share link) now spells the setting the picker's way, and sets it as well
    shared = open_page(page, dict(at.query_params))
    assert widgets_by_key(shared)[key].value == expected, dict(at.query_params)


def spelled(widget: object) -> str | None:
    """A widget's value as a link writes it: a number ("3", "0.5"), a switch ("true"), a picker's shown label;
    None for other widgets and where it cannot be told."""
    if getattr(widget, "options", None):  # a picker: its shown label (AppTest gives a select slider's no index)
        index = getattr(widget, "index", None)
        return widget.options[index] if isinstance(index, int) else None
    value = widget.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (int, float)) else None


@pytest.mark.parametrize("page, number", [pytest.param(page, number, id=f"{Path(page).stem}-{number}")
                                          for page, number in CASES if (page, number) not in SESSION])
def test_a_link_that_spells_a_default_value_is_taken_without_a_warning(page, number):
    """Streamlit drops a setting from the address once its widget holds the default; a link (or a teacher) that
    writes the default anyway, like ?quiz_q=1&quiz_seed=1, was told its settings were ignored."""
    tab = {key: text for key, (text, _) in PRESETS[page][number].items() if key in TAB_KEYS}  # that tab open
    default = widgets_by_key(open_page(page, tab)) if tab else default_widgets(page)
    query = {key: spelled(default[key]) for key in PRESETS[page][number] if key in default
             and key not in TAB_KEYS and spelled(default[key]) is not None}
    assert query, PRESETS[page][number]
    query.update(tab)
    at = open_page(page, query, timeout=TIMEOUTS.get(page))
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)], query
    widgets = widgets_by_key(at)
    assert all(widgets[key].value == default[key].value for key in query if key not in TAB_KEYS)


@pytest.mark.parametrize("page, query, named", [
    ("pages/1_Parameter_lab.py", {"lab_k": "99", "lab_pad": "diagonal", "lab_bias": "1"}, ("lab_k", "lab_pad")),
    ("pages/2_Sliding_kernels.py", {"sl_size": "nan", "sl_mode": "Inception"}, ("sl_size", "sl_mode")),
    ("pages/6_Quiz.py", {"quiz_topics": "everything", "quiz_seed": "-5"}, ("quiz_topics", "quiz_seed")),
    # pickers whose labels come from a table: an unknown value must not stick in the session state unannounced
    ("pages/7_Real_networks.py", {"rn_model": "garbage", "rn_size": "7"}, ("rn_model", "rn_size")),
    ("pages/7_Real_networks.py", {"rn_tab": "Compare two networks", "rn_compare": "AlexNet"}, ("rn_compare",)),
    ("pages/1_Parameter_lab.py", {"lab_tab": "Code", "lab_code_kind": "Inception"}, ("lab_code_kind",)),
    ("pages/3_Training_arena.py", {"arena_runs": "no_such_run"}, ("arena_runs",)),
])
def test_a_broken_link_keeps_the_defaults_and_says_which_settings_it_ignored(page, query, named):
    tab = {key: value for key, value in query.items() if key in TAB_KEYS}  # a picker inside a tab: that tab open
    default = widgets_by_key(open_page(page, tab)) if tab else default_widgets(page)
    at = open_page(page, query)
    assert not at.exception, at.exception
    said = " ".join(literal(w.value) for w in at.warning if "Ignored the link's setting" in str(w.value))
    for key in named:
        assert f"{key}=" in said, (key, said)
        assert widgets_by_key(at)[key].value == default[key].value


@pytest.mark.parametrize("page, key, texts, kept, left_out, extra", [
    ("pages/6_Quiz.py", "quiz_topics", ["parameters", "zzz"], ["params"], "'zzz'", {}),
    ("pages/6_Quiz.py", "quiz_topics", ["output shape", "parameters", "Bogus", "x"], ["shape", "params"],
     "'Bogus' and 'x'", {}),
    ("pages/3_Training_arena.py", "arena_archs", ["Standard", "Bogus"], ["standard"], "'Bogus'", {})])
def test_a_link_whose_list_is_taken_in_part_says_what_was_taken_and_left_out(page, key, texts, kept, left_out, extra):
    """?quiz_topics=parameters&quiz_topics=zzz: the picker took "parameters" and dropped "zzz" (Streamlit's way), and
    the warning said the link's setting was ignored and the control kept its default, all six topics."""
    at = open_page(page, {key: texts, **extra})
    assert not at.exception, at.exception
    assert at.multiselect(key=key).value == kept
    said = " ".join(literal(w.value) for w in at.warning)
    assert "Ignored the link's setting" not in said and "keeps its default" not in said, said
    assert f"Took part of the link's setting {key}=" in said and f"left out {left_out}" in said, said
    assert "since it takes any of " in said, said


@pytest.mark.parametrize("text, nearest", [("resnet", "ResNet50"), ("mobilenet v2", "MobileNetV2"),
                                           ("efficientnet", "EfficientNetB0"), ("zzz", None)])
def test_a_long_pickers_refusal_names_the_choice_nearest_the_links(text, nearest):
    """?rn_model=resnet was told only that its control "takes one of the 14 choices in its list": a teacher who typed
    the link had no way to learn it is spelt ResNet50. The refusal names the nearest choice, which the link takes."""
    at = open_page("pages/7_Real_networks.py", {"rn_model": text})
    said = " ".join(literal(w.value) for w in at.warning if "Ignored the link's setting" in str(w.value))
    assert "written as the picker shows them" in said
    assert ("the nearest is" in said) == (nearest is not None)
    if nearest:
        assert f"(the nearest is '{nearest}')" in said
        taken = open_page("pages/7_Real_networks.py", {"rn_model": nearest})
        assert not [w for w in taken.warning if "Ignored the link's setting" in str(w.value)]
        picker = taken.selectbox(key="rn_model")
        assert picker.options[picker.index] == nearest  # the label the picker shows


@pytest.mark.parametrize("page, key, text", [("pages/7_Real_networks.py", "rn_model", "mobilenet v2"),
                                             ("pages/2_Sliding_kernels.py", "sl_mode", "Inception"),
                                             ("pages/2_Sliding_kernels.py", "sl_size", "99"),
                                             ("pages/1_Parameter_lab.py", "lab_cin", "abc"),
                                             ("pages/7_Real_networks.py", "rn_size", "999")])
def test_a_refusal_names_the_default_the_page_shows_instead(page, key, text):
    """'?rn_model=mobilenet v2' was refused "so the control keeps its default", without saying which: a class read
    MobileNet V1's numbers under a link that asked for V2. The warning names the default as its control shows it;
    a select slider's default was not named (?rn_size=999: "keeps its default.")."""
    at = open_page(page, {key: text})
    said = " ".join(literal(w.value) for w in at.warning if f"Ignored the link's setting {key}=" in literal(w.value))
    widget = widgets_by_key(at)[key]
    options = getattr(widget, "options", None)
    if options and not hasattr(widget, "index"):  # a select slider: the labels it shows, its default first here
        shown = f"'{options[int(widget.proto.default[0])]}'"
    else:
        shown = f"'{options[widget.index]}'" if options else f"{widget.value:,}"  # as the page draws the control now
    assert said.endswith(f"so the control keeps its default, {shown}."), said


@pytest.mark.parametrize("page, number", [pytest.param(page, number, id=f"{Path(page).stem}-{number}")
                                          for page, number in CASES if (page, number) not in SESSION])
def test_a_link_of_nonsense_never_breaks_the_page(page, number):
    """Every setting of a preset replaced by a word no control knows: the page keeps its defaults and names them.
    An unknown sample (?sl_sample=xyz) reached the page as the sample's name and stopped it with a traceback."""
    settings = [key for key in PRESETS[page][number] if key not in TAB_KEYS]
    query = {key: "zzz" for key in settings}
    query.update({key: text for key, (text, _) in PRESETS[page][number].items() if key in TAB_KEYS})
    at = open_page(page, query, timeout=TIMEOUTS.get(page))
    assert not at.exception, at.exception
    said = " ".join(literal(w.value) for w in at.warning if "Ignored the link's setting" in str(w.value))
    drawn = [key for key in settings if key in widgets_by_key(at)]  # with nonsense, some controls never appear
    assert drawn and all(f"{key}='zzz'" in said for key in drawn), said


def test_projector_mode_from_the_link_hides_the_sidebar():
    at = open_page("pages/6_Quiz.py", {"present": "true"})
    assert at.toggle(key="present").value is True
    assert any("stSidebar" in str(m.value) and "display: none" in str(m.value) for m in at.markdown)


def test_the_ignored_settings_stay_said_until_a_setting_changes():
    """The warning was said on one run only: a run the page starts by itself (the browser telling its width, in
    projector mode at 1400 x 1000) wiped it before anyone could read it. It stays while the address stays."""
    def said(at) -> list[str]:
        return [w.value for w in at.warning if "Ignored the link's setting sl_k='99'" in literal(w.value)]

    at = open_page("pages/2_Sliding_kernels.py", {"sl_k": "99", "sl_mode": "Separable"})
    assert said(at)
    at.run()  # nothing changed
    assert not at.exception and said(at)
    at.slider(key="sl_cout").set_value(5).run()  # the student changes a setting: the link is behind them
    assert not said(at)


def test_the_ignored_settings_are_not_said_on_another_page():
    """A student who opened a link with sl_k=99 and then the Parameter lab was told there that sl_k was ignored."""
    at = open_page("app.py", timeout=300)
    at.switch_page("pages/2_Sliding_kernels.py")
    at.query_params["sl_k"] = "99"
    at.run()
    assert any("sl_k='99'" in literal(w.value) for w in at.warning)
    at.switch_page("pages/1_Parameter_lab.py").run()
    assert not at.exception
    assert not any("sl_k" in literal(w.value) for w in at.warning)


def test_a_refused_setting_is_quoted_literally_with_what_its_control_takes():
    """The warning said only that the value was "not one of the values its control takes here": a teacher who typed
    ?lab_k=13 was not told that 11 is the largest. And the link's text went into it as Markdown: ?lab_pad=[click](...)
    made a link inside the app's own warning, and ![..](...) loaded a picture from anywhere."""
    hostile = "[click](http://evil.example) ![x](http://evil.example/a.png) **loud**"
    at = open_page("pages/1_Parameter_lab.py", lab_k="13", lab_cin="5000", lab_pad=hostile, lab_bias="maybe")
    assert not at.exception
    said = {literal(w.value).split("=")[0].rsplit(" ", 1)[-1]: w.value for w in at.warning
            if "Ignored the link's setting" in str(w.value)}
    assert set(said) == {"lab_k", "lab_cin", "lab_pad", "lab_bias"}, said
    assert "takes a whole number from 1 to 11," in literal(said["lab_k"])
    assert "takes a whole number from 1 to 4,096," in literal(said["lab_cin"])
    assert "takes true or false," in literal(said["lab_bias"])
    assert "takes 'valid' or 'same'," in literal(said["lab_pad"])
    assert f"lab_pad={hostile!r}:" in literal(said["lab_pad"])  # what the reader sees: the text as it was typed
    tokens = MarkdownIt().parseInline(said["lab_pad"])[0].children  # no link, picture or bold text is made of it
    assert {token.type for token in tokens} == {"text"}, [token.type for token in tokens]


def test_a_select_sliders_refusal_lists_its_values_and_a_fraction_is_said_as_read():
    """?spd_size=33 said only "not one of the values its control takes here" (a select slider's labels were not
    found), and ?quiz_seed=3.5 set question set 3 without a word."""
    at = open_page("pages/5_Speed_lab.py", spd_size="33")
    assert not at.exception
    assert any("its control takes '4', '8', '16', '32', '56', '64', '112', '128' or '224', so" in literal(w.value)
               for w in at.warning)
    at = open_page("pages/6_Quiz.py", quiz_seed="3.5")
    assert not at.exception and at.number_input(key="quiz_seed").value == 3
    assert any("quiz_seed='3.5' as 3: its control takes a whole number from 0 to 9,999" in literal(w.value)
               for w in at.warning)


@pytest.mark.parametrize("text", ["1e-400", "-1e-400", "0.0000000000000000000000000001", "1e-99999999999999999999",
                                  "1_0e-99999999999999999999"])
def test_a_fraction_too_small_for_a_float_is_said_as_read_too(text):
    """?quiz_seed=1e-400 set question set 0 without a word (1e-400 reads as exactly 0.0 in floating point), where
    ?quiz_seed=0.0000001 was said as read as 0."""
    at = open_page("pages/6_Quiz.py", quiz_seed=text)
    assert not at.exception and at.number_input(key="quiz_seed").value == 0
    assert any(f"quiz_seed='{text}' as 0: its control takes a whole number" in literal(w.value) for w in at.warning), \
        [w.value for w in at.warning]


BEYOND = "a number beyond the largest a computer's number holds (about 1.8 × 10³⁰⁸)"


@pytest.mark.parametrize("text, words", [("inf", "an endless number"), ("-Infinity", "an endless number"),
                                         ("1" * 400, BEYOND), ("1e400", BEYOND)])
def test_a_number_too_large_is_not_called_endless(text, words):
    """A 400-digit seed was refused as "an endless number": it is a number, only too large for a float. Only inf is
    called endless."""
    at = open_page("pages/2_Sliding_kernels.py", sl_seed=text)
    assert not at.exception, at.exception
    said = " ".join(literal(w.value) for w in at.warning)
    assert f": {words}, " in said, said
    assert ("endless" in said) == (words == "an endless number"), said


def test_an_endless_number_is_refused_whatever_its_control():
    """?quiz_seed=-1e999 raised OverflowError in Streamlit's number input (a traceback for the page); a typed kernel's
    text box given 'inf' is told the same, not that it takes none of the values "its control takes here"."""
    at = open_page("pages/6_Quiz.py", quiz_seed="-1e999")
    assert not at.exception and at.number_input(key="quiz_seed").value == 1
    assert any(f"quiz_seed='-1e999': {BEYOND}, and its control takes a whole number from 0 to 9,999"
               in literal(w.value) for w in at.warning), [w.value for w in at.warning]
    at = open_page("pages/4_Filters_on_your_image.py", fil_view="Hand-made filters (NumPy)", fil_red="Custom (edit it)",
                   fil_kernel="inf")
    assert not at.exception
    # A text box takes any text: the kernel's own sentence says what is wrong with it. The link's 'inf' was refused
    # as "an endless number, which this page takes from no link", though the page takes fil_kernel from links.
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    assert any("infinite or missing number in the row 'inf'" in literal(e.value) and "not inf or nan" in e.value
               for e in at.error), [e.value for e in at.error]
    # a number no control here takes (the launcher's seed is not drawn while the launcher is closed)
    at = open_page("pages/3_Training_arena.py", arena_seed="1e400")
    assert not at.exception
    assert any(f"arena_seed='1e400': {BEYOND}, which no control here takes" in literal(w.value)
               for w in at.warning), [w.value for w in at.warning]


def test_a_long_refused_setting_is_quoted_in_part_with_its_length():
    """?lab_pad= with 5,000 letters gave a warning of 5,121 characters: a junk link buried the page."""
    at = open_page("pages/1_Parameter_lab.py", lab_pad="a" * 5000)
    assert not at.exception
    [warning] = [literal(w.value) for w in at.warning if "Ignored the link's setting" in str(w.value)]
    assert f"lab_pad='{'a' * 60}...' (5,000 characters): " in warning and len(warning) < 300, warning


@pytest.mark.parametrize("page, key, text, expected", [
    ("pages/1_Parameter_lab.py", "net_filters", "16.0", 16),
    ("pages/1_Parameter_lab.py", "net_alpha", "1", 1.0),
    ("pages/1_Parameter_lab.py", "net_alpha", "0.50", 0.5),
    ("pages/5_Speed_lab.py", "spd_size", "224.0", 224),
])
def test_a_numeric_picker_takes_its_number_written_another_way(page, key, text, expected):
    """A select slider reads only its own label: ?net_filters=16.0 was refused where ?net_blocks=2.0 set a slider."""
    at = open_page(page, {key: text, **({"lab_tab": "Whole network"} if key.startswith("net") else {})})
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]
    assert widgets_by_key(at)[key].value == expected


PAGE_FILES = ["app.py", *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_text_box_bound_to_the_address_is_named_to_page_setup(page):
    """A text box takes any text from a link, "inf" too: page_setup must know its key (text_settings), or the link's
    "inf" is taken out of the address as an endless number the page's number boxes would raise on."""
    tree = ast.parse((ROOT / page).read_text())
    boxes, named = set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        keywords = {kw.arg: kw.value for kw in node.keywords}
        bound = any(kw.arg is None and getattr(kw.value, "id", None) == "BOUND" for kw in node.keywords)
        if name in ("text_input", "text_area") and bound and isinstance(keywords.get("key"), ast.Constant):
            boxes.add(keywords["key"].value)
        if name == "page_setup" and "text_settings" in keywords:
            named |= {element.value for element in keywords["text_settings"].elts}
    assert boxes == named, (boxes, named)


PAGE_LABELS = {"pages/1_Parameter_lab.py": "Parameter lab", "pages/2_Sliding_kernels.py": "Sliding kernels",
               "pages/3_Training_arena.py": "Training arena",
               "pages/4_Filters_on_your_image.py": "Filters on your image", "pages/5_Speed_lab.py": "Speed lab",
               "pages/7_Real_networks.py": "Real networks"}


def test_a_setting_of_another_page_or_of_none_is_said_and_left_out_of_the_share_link():
    """?foo=bar, or the Quiz opened with the Parameter lab's ?lab_h=20, stayed in the address without a word and went
    into the share link, under "Anyone who opens this link sees the page exactly as it is set now"."""
    from dsconv_ui.common import SHARE_KEY

    others = {page: next(key for number in range(len(PRESETS[page])) for key in PRESETS[page][number]
                         if key not in TAB_KEYS + ("present",)) for page in PAGE_LABELS}
    query = {"foo": "bar", "lab_hh": "3", "quiz_seed": "4", "embed": "true",
             **{key: "1" for key in others.values()}}
    at = open_page("pages/6_Quiz.py", query, session={SHARE_KEY: True})
    assert not at.exception, at.exception
    said = [literal(w.value) for w in at.warning if "Left out the link's setting" in literal(w.value)]
    assert "Left out the link's setting foo='bar': no page of this app has a setting called that." in said, said
    assert ("Left out the link's setting lab_hh='3': no page of this app has a setting called that (the nearest is "
            "lab_h).") in said, said
    for page, key in others.items():
        label = PAGE_LABELS[page]
        assert (f"Left out the link's setting {key}='1': it is a setting of the {label} page, not of this one. "
                f"Open the {label} page to use it.") in said, (key, said)
    assert len(said) == 2 + len(others)
    assert dict(at.query_params) == {"quiz_seed": "4", "embed": "true"}  # Streamlit's own setting stays
    [link] = [code.value for code in at.code]
    assert link.endswith("?quiz_seed=4"), link  # (Streamlit's st.query_params never lists embed)


def test_what_a_site_adds_to_a_shared_link_is_taken_out_without_a_word():
    """A link a teacher posted comes back with ?fbclid=... or ?utm_source=...: a class was told "no page of this app
    has a setting called that" about what Facebook or a mail added."""
    at = open_page("pages/6_Quiz.py", {"fbclid": "IwAR0abc", "utm_source": "moodle", "UTM_Medium": "x",
                                       "quiz_seed": "4"})
    assert not at.exception
    assert not [w.value for w in at.warning if "the link's setting" in literal(w.value)]
    assert dict(at.query_params) == {"quiz_seed": "4"}


@pytest.mark.parametrize("page", list(PRESETS))
def test_a_pages_own_settings_are_kept_where_their_controls_are_not_drawn(page):
    """A setting of this page whose control this run does not draw (a closed tab's, the launcher's while it is
    closed, the learned view's while the hand-made one is open) is kept in the address, without a word, for when
    the control appears. Every preset of the page at once: where they disagree, the first preset's value."""
    query = {}
    for preset in PRESETS[page]:
        for key, (text, _) in preset.items():
            if key not in TAB_KEYS:
                query.setdefault(key, text)
    at = open_page(page, query, timeout=TIMEOUTS.get(page))
    assert not at.exception, at.exception
    assert not [w.value for w in at.warning if "Left out the link's setting" in literal(w.value)]
    drawn = widgets_by_key(at)
    kept = {key for key in query if key not in drawn}
    assert kept <= set(at.query_params), (kept, dict(at.query_params))


@pytest.mark.parametrize("page", list(PRESETS))
def test_every_setting_of_a_page_is_read_as_that_pages_own(page):
    """The app tells a page's settings from another page's by reading the pages' source: each key of the presets
    here (written by hand) must be read as its own page's, projector mode's as every page's."""
    from dsconv_ui.common import PAGES
    from dsconv_ui.link_keys import owner

    pages = [(ROOT / file, label) for file, label, _ in PAGES]
    shared = (ROOT / "dsconv_ui" / "common.py",)
    for key in {key for preset in PRESETS[page] for key in preset}:
        expected = "" if key == "present" else dict(PAGES_BY_FILE)[page]
        assert owner(key, pages, shared) == expected, key
    assert owner("fil_nonsense!", pages, shared) is None and owner("lab_hh", pages, shared) is None
    # a typo of a Filters setting is no setting (every fil_ name was one: it was kept in the share link unsaid)
    assert owner("fil_kernal", pages, shared) is None and owner("fil_redd", pages, shared) is None


PAGES_BY_FILE = [*PAGE_LABELS.items(), ("pages/6_Quiz.py", "Quiz"), ("app.py", "Home")]


def test_a_setting_given_twice_to_a_control_of_one_value_is_said_and_written_once():
    """?lab_h=abc&lab_h=40 set 40 without a word (Streamlit's control reads the last), and the share link carried
    both; ?lab_pad=valid&lab_pad=same the same. A multiselect's repeated key is its list, as before."""
    from dsconv_ui.common import SHARE_KEY

    at = open_page("pages/1_Parameter_lab.py", {"lab_h": ["abc", "40"], "lab_pad": ["valid", "same"]},
                   session={SHARE_KEY: True})
    assert not at.exception
    said = [literal(w.value) for w in at.warning]
    assert ("The link sets lab_h 2 times ('abc', '40'); its control holds one value, so the page read the last, "
            "'40'. Keep one lab_h= in the link.") in said, said
    assert any(line.startswith("The link sets lab_pad 2 times ('valid', 'same')") for line in said), said
    assert at.number_input(key="lab_h").value == 40 and at.radio(key="lab_pad").value == "same"
    assert at.query_params["lab_h"] in ("40", ["40"]) and at.query_params["lab_pad"] in ("same", ["same"])
    [link] = [code.value for code in at.code]
    assert "lab_h=40" in link and "abc" not in link and "valid" not in link, link
    # the last refused, or (a slider, which read '3,5' as a range) none taken: said once, the default kept
    for key, texts, default in (("lab_h", ["40", "abc"], "32"), ("lab_k", ["3", "5"], "3")):
        at = open_page("pages/1_Parameter_lab.py", {key: texts})
        said = [literal(w.value) for w in at.warning]
        assert said == [f"The link sets {key} 2 times ({', '.join(repr(t) for t in texts)}); its control holds one "
                        f"value and took none of them, so it keeps its default, {default}. Keep one {key}= in the "
                        "link."], said
        assert str(at.session_state[key]) == default and key not in at.query_params
    # a select slider reads the last
    at = open_page("pages/5_Speed_lab.py", {"spd_size": ["64", "128"]})
    assert [literal(w.value) for w in at.warning] == [
        "The link sets spd_size 2 times ('64', '128'); its control holds one value, so the page read the last, "
        "'128'. Keep one spd_size= in the link."]
    assert at.session_state["spd_size"] == 128 and at.query_params["spd_size"] in ("128", ["128"])
    # an endless last value is refused before its control reads it (it raised OverflowError)
    at = open_page("pages/1_Parameter_lab.py", {"lab_h": ["32", "inf"]})
    assert not at.exception and at.number_input(key="lab_h").value == 32
    assert any(literal(w.value).startswith("Ignored the link's setting lab_h='inf': an endless number") for w in
               at.warning)
    # a list picker's items are its repeated key
    at = open_page("pages/6_Quiz.py", {"quiz_topics": ["output shape", "times fewer"]})
    assert not [w.value for w in at.warning if "times (" in literal(w.value)]


def test_a_controls_key_that_the_address_does_not_set_is_said_and_left_out():
    """?arena_mine=... (the arena's own runs, kept for the session, not in links) and the width probe's
    ?_shown_width_0=... stayed in the address and the share link without a word: a control of the page has that key,
    but not one the address sets. Said so: "no page of this app has a setting called that (the nearest is
    arena_train)" sent a teacher looking for a setting of another name."""
    from dsconv_ui.common import SHARE_KEY

    at = open_page("pages/3_Training_arena.py", {"arena_mine": "upload:foo", "_shown_width_0": "zz"},
                   session={SHARE_KEY: True}, timeout=TIMEOUTS.get("pages/3_Training_arena.py"))
    assert not at.exception
    said = [literal(w.value) for w in at.warning]
    for key, text in (("arena_mine", "upload:foo"), ("_shown_width_0", "zz")):
        assert f"Left out the link's setting {key}={text!r}: this page has a control of that name, but a link does " \
               "not set it. Choose it on the page." in said, (key, said)
        assert key not in at.query_params
    [link] = [code.value for code in at.code]
    assert "arena_mine" not in link and "_shown_width" not in link, link


def test_a_link_of_many_unknown_settings_gets_a_few_notes_and_a_count():
    """?k0=v&...&k999=v drew 1,000 warnings, one a key: 18-28 s for a browser to settle."""
    at = open_page("pages/1_Parameter_lab.py", {f"k{n}": "v" for n in range(300)})
    assert not at.exception
    said = [literal(w.value) for w in at.warning]
    assert len(said) == 24, len(said)
    assert all(line.startswith("Left out the link's setting k") for line in said[:23])
    assert said[23] == ("And 277 more of the link's settings were left out or mended, each for a reason like those "
                        "above.")
    few = open_page("pages/1_Parameter_lab.py", {f"k{n}": "v" for n in range(24)})  # every one said, as before
    assert len(few.warning) == 24 and not any("more of the link's" in w.value for w in few.warning)


def test_a_long_list_of_a_links_items_is_quoted_in_part_and_counted():
    """A link naming ten runs twice read "'r0', ..., 'r7' and 2 more more than once"; each warning now quotes the
    first eight items and counts the others, in one helper."""
    from dsconv_ui.common import _repeated_note, _twice_note

    items = [f"r{i}" for i in range(10)]
    quoted = ", ".join(f"\\'r{i}\\'" for i in range(8))  # Markdown-escaped quotes
    assert _twice_note("arena_runs", items + items) == (
        f"The link names {quoted} and 2 others more than once in arena\\_runs; each is chosen once. Name each once "
        "in the link.")
    assert _repeated_note("lab_h", items).startswith(f"The link sets lab\\_h 10 times ({quoted}, 2 others); ")
    assert _twice_note("arena_runs", ["a", "b", "a"]).startswith("The link names \\'a\\' more than once in ")
