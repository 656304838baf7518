"""The Filters page under AppTest: uploads, samples, CIFAR-10 pictures, hand-made filters and learned filters."""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from conftest import ROOT, open_page
from rendered import literal, read_power_of_ten

PAGE = "pages/4_Filters_on_your_image.py"
HAND_MADE = "Hand-made filters (NumPy)"
LEARNED = "Learned filters (the CIFAR-10 models)"


def page(view: str = HAND_MADE, timeout: int = 180) -> AppTest:
    """The page opened by a link to `view` (hand-made by default: no TensorFlow needed)."""
    at = open_page(PAGE, fil_view=view, timeout=timeout)
    assert not at.exception, [e.value for e in at.exception]
    return at


def image_captions(at: AppTest) -> list[str]:
    """Captions of every st.image on the page."""
    return [caption for element in at.get("image") for caption in element.captions]


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.delta for metric in at.metric}


def jpeg_bytes(width: int, height: int) -> bytes:
    pixels = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_upload_a_photo_shows_its_size_and_the_filters():
    at = page()
    at.radio(key="fil_source").set_value("Upload a photo").run()
    assert any("Choose a photo" in info.value for info in at.info)
    at.file_uploader(key="fil_upload").set_value(("holiday.jpg", jpeg_bytes(2000, 1500), "image/jpeg")).run()
    assert not at.exception and not at.error
    # "shrunk to 1024 x 768 before any filtering" stood over maps of the 512 x 384 working size
    assert ("Your picture: 2000 x 1500 pixels, read at 1024 x 768 (each view then works at a size of its own, said "
            "with it).") in image_captions(at)
    # Default working size 512: the filtered pictures are 512 x 384, and the two ways agree.
    assert any("512 x 384" in markdown.value for markdown in at.markdown)
    shown = metrics(at)
    assert shown["Depthwise + pointwise: weights"] == "30" and shown["One standard convolution: weights"] == "27"
    assert read_power_of_ten(shown["The two results differ by at most"]) < 1e-5
    assert "float32 rounding" in deltas(at)["The two results differ by at most"]


def test_a_bad_upload_gets_a_sentence_not_a_traceback():
    at = page()
    at.radio(key="fil_source").set_value("Upload a photo").run()
    at.file_uploader(key="fil_upload").set_value(("notes.png", b"not a picture at all", "image/png")).run()
    assert not at.exception
    assert any("not a PNG, JPEG, WebP, BMP or GIF" in error.value for error in at.error)
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 9000, 9000, 8, 2, 0, 0, 0)  # claims 81 megapixels in a 60-byte file
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 9)) + chunk(b"IEND", b"")
    at.file_uploader(key="fil_upload").set_value(("bomb.png", bomb, "image/png")).run()
    assert not at.exception
    assert any("megapixels" in error.value for error in at.error)


def test_hand_made_mix_and_kernels_change_the_counts():
    at = page()
    at.selectbox(key="fil_mix").set_value("Opponent colours").run()
    shown = metrics(at)
    # 3x3 kernels, 3 channels, 3 outputs: 27 + 9 against 81 weights.
    assert shown["Depthwise + pointwise: weights"] == "36" and shown["One standard convolution: weights"] == "81"
    at.selectbox(key="fil_red").set_value("Custom (edit it)").run()
    at.text_input(key="fil_kernel").set_value("1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1").run()
    assert any("same size" in error.value for error in at.error)  # 5x5 red next to 3x3 green and blue
    assert at.selectbox(key="fil_mix").value == "Opponent colours"  # nothing else was lost
    at.text_input(key="fil_kernel").set_value("0 0 0; 0 2 0; 0 0 0").run()
    assert not at.error and read_power_of_ten(metrics(at)["The two results differ by at most"]) < 1e-5


def test_the_kernel_grid_keeps_typed_numbers_and_a_cleared_cell_is_told():
    """Clearing a cell of the grid wrote "nan" into the kernel's text, and the error quoted a row never typed; an edit
    rewrote every number in six digits (0.1234567891 became 0.123457)."""
    import zlib

    at = page()
    at.selectbox(key="fil_red").set_value("Custom (edit it)").run()
    text = at.text_input(key="fil_kernel").value
    assert text == "1 1 1; 1 -8 1; 1 1 1"
    grid = f"fil_grid_{zlib.crc32(text.encode())}"
    at.session_state[grid] = {"edited_rows": {0: {"0": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    assert at.text_input(key="fil_kernel").value == text  # the kernel keeps its numbers
    assert [warning.value for warning in at.warning] == [
        "A cell of the grid is empty: type a number in it (0 for none). Until then the kernel keeps its numbers."]
    at.session_state[grid] = {"edited_rows": {0: {"0": 0.1234567891}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error and not at.warning
    assert at.text_input(key="fil_kernel").value == "0.1234567891 1 1; 1 -8 1; 1 1 1"


def test_the_kernel_grid_writes_each_number_as_typed():
    """A typed kernel of 1e-30s filled the grid with "0.000000000000000000000000000001" (Streamlit's default writes
    every decimal of a tiny number), and its last column ran out of sight. Each column writes its numbers as "%g"
    does (1e-30, 0.333333; seen in Chromium), and the grid holds the numbers as typed, in float64: from the float32
    kernel, 0.1 was 0.10000000149011612."""
    import json

    for text, typed in (("0.1 0.25 -1; 2 0 0.333333; 1 2 3", [[0.1, 0.25, -1], [2, 0, 0.333333], [1, 2, 3]]),
                        ("1e-30 0 -1e-30; 2e-30 0 -2e-30; 1e-30 0 -1e-30",
                         [[1e-30, 0, -1e-30], [2e-30, 0, -2e-30], [1e-30, 0, -1e-30]])):
        at = open_page(PAGE, {"fil_view": HAND_MADE, "fil_red": "Custom (edit it)", "fil_kernel": text})
        assert not at.exception and not at.error
        [grid] = at.get("dataframe")
        assert grid.value.values.tolist() == typed
        formats = {name: column["type_config"].get("format") for name, column in json.loads(grid.proto.columns).items()
                   if name != "_index"}
        assert formats == {"0": "%g", "1": "%g", "2": "%g"}, formats
        assert at.text_input(key="fil_kernel").value == text  # nothing rewritten by the grid


def test_a_link_sets_the_page_up():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.query_params["fil_view"] = HAND_MADE
    at.query_params["fil_sample"] = "Coloured shapes"
    at.query_params["fil_mix"] = "Keep the channels"
    at.query_params["fil_red"] = at.query_params["fil_green"] = at.query_params["fil_blue"] = "Identity"
    at.run()
    assert not at.exception
    assert at.selectbox(key="fil_sample").value == "Coloured shapes"
    assert "The three mixed channels shown as one colour picture" in image_captions(at)
    assert metrics(at)["One standard convolution: weights"] == "81"


def test_cifar_pictures_come_from_the_named_folder(tmp_path, monkeypatch):
    rows = np.zeros((3, 3072), np.uint8)
    rows[2, 2048:] = 255
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    with open(folder / "test_batch", "wb") as handle:
        pickle.dump({b"data": rows, b"labels": [0, 1, 8]}, handle)
    monkeypatch.setenv("DSCONV_CIFAR10_DIR", str(tmp_path))
    at = page()
    at.radio(key="fil_source").set_value("CIFAR-10 test picture").run()
    at.number_input(key="fil_cifar").set_value(2).run()
    assert not at.exception
    assert "CIFAR-10 test picture 2: a ship, 32 x 32." in image_captions(at)
    assert any("32 x 32" in markdown.value for markdown in at.markdown)  # filtered at its own size
    at.number_input(key="fil_cifar").set_value(0).run()
    assert "CIFAR-10 test picture 0: an airplane, 32 x 32." in image_captions(at)  # it said "a airplane"


def test_no_cifar_copy_names_the_places_looked_at(tmp_path, monkeypatch):
    """The page said "No CIFAR-10 copy on this machine. Set DSCONV_CIFAR10_DIR ..." where the variable was set to a
    folder without the file: it named neither that folder nor Keras's cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DSCONV_CIFAR10_DIR", "~/cifar")  # "~" is the home folder here too
    at = page()
    at.radio(key="fil_source").set_value("CIFAR-10 test picture").run()
    assert not at.exception
    said = " ".join(info.value for info in at.info).replace("\\", "")
    for place in (home / "cifar" / "test_batch", home / "cifar" / "cifar-10-batches-py" / "test_batch",
                  home / ".keras" / "datasets" / "cifar-10-batches-py" / "test_batch"):
        assert f"“{place}”" in said, said
    assert "No CIFAR-10 test_batch file found" in said and "DSCONV_CIFAR10_DIR" in said
    monkeypatch.delenv("DSCONV_CIFAR10_DIR")
    at.run()
    said = " ".join(info.value for info in at.info).replace("\\", "")
    assert said.startswith("No CIFAR-10 copy on this machine: looked at “") and "cifar/test_batch" not in said


@pytest.mark.slow
def test_learned_filters_of_arena_models_side_by_side():
    from dsconv.training.models import build_model

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.session_state["arena_models"] = {"tiny standard": (build_model("standard", blocks=2, filters=8), None),
                                        "tiny separable": (build_model("separable", blocks=2, filters=8), None)}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="fil_left_model").set_value("Trained in the arena: tiny standard")
    at.selectbox(key="fil_right_model").set_value("Trained in the arena: tiny separable").run()
    assert not at.exception and not at.error
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    text = " ".join(titles)
    assert "8 of 8 maps, 32 x 32" in text  # both models' first layer: 8 maps of 32 x 32
    assert "Depthwise maps (3 of 3), before the mix" in text  # the separable model's hidden step
    assert any("only know CIFAR-10's ten classes" in caption.value for caption in at.caption)
    assert "What the models see: the centred square, shrunk to 32 x 32" in image_captions(at)
    at.selectbox(key="fil_layer").set_value("block2_conv1").run()
    text = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "of 16 maps, 16 x 16" in text and "Depthwise maps (8 of 8)" in text


def test_without_models_the_learned_part_says_so(monkeypatch):
    monkeypatch.setattr("dsconv.training.pretrained.available_pretrained", lambda: [])  # as if the weights were not shipped
    at = page(LEARNED)
    assert any("pretrained weights are not in this copy of the app" in info.value for info in at.info)


CAMERA_REFUSED = "The camera's picture could not be read as an image; take another (the last good one stays in use)."


def test_a_camera_shot_goes_through_the_same_path():
    at = page()
    at.radio(key="fil_source").set_value("Camera").run()
    at.camera_input(key="fil_camera").set_value(("shot.jpg", jpeg_bytes(640, 480), "image/jpeg")).run()
    assert not at.exception and not at.error
    assert "Your picture: 640 x 480 pixels." in image_captions(at)
    assert metrics(at)["One standard convolution: weights"] == "27"
    # a frame that cannot be read is refused in the camera's words and the good photo stays (it replaced it)
    at.camera_input(key="fil_camera").set_value(("shot2.jpg", b"not a jpeg at all", "image/jpeg")).run()
    assert not at.exception
    assert [error.value for error in at.error] == [CAMERA_REFUSED]
    assert "Your picture: 640 x 480 pixels." in image_captions(at)
    assert "Still using your file 'shot.jpg'" in " ".join(caption.value.replace("\\", "") for caption in at.caption)


@pytest.mark.slow
def test_the_pretrained_tutorial_models_side_by_side():
    import json

    from dsconv.training.pretrained import available_pretrained

    if not {"tutorial_standard", "tutorial_separable"} <= set(available_pretrained()):
        pytest.skip("the pretrained tutorial weights are not in this copy")
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.query_params["fil_sample"] = "Coloured shapes"
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert at.selectbox(key="fil_left_model").value == "Pretrained standard model (the tutorial's recipe)"
    assert at.selectbox(key="fil_right_model").value == "Pretrained separable model (the tutorial's recipe)"
    # Which accuracy of which run: the tutorial-recipe runs validated on the test set.
    notes = [c.value for c in at.caption if "final validation accuracy 0." in c.value]
    # said once for both models (it stood twice in one caption), and "test set" once (it was said twice a model)
    assert len(notes) == 1 and notes[0].count("final validation accuracy 0.") == 2, notes
    assert "; both on the test set, which they validated on as the tutorial did (our runs, measured" in notes[0]
    assert notes[0].count("test set") == 1
    text = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "32 of 64 maps, 32 x 32" in text and "Depthwise maps (3 of 3), before the mix" in text
    # The hidden maps say which channel each comes from, carry a colour bar, and their sign colours are no channel's.
    hidden = next(json.loads(chart.proto.spec) for chart in at.get("plotly_chart") if "Depthwise maps (3 of 3)" in
                  chart.proto.spec)
    assert sorted(a["text"] for a in hidden["layout"]["annotations"]) == ["from B", "from G", "from R"]
    trace = hidden["data"][0]
    assert trace["showscale"] and trace["colorbar"]["title"]["text"] == "scaled value"
    assert trace["zmin"] == -1  # the depthwise step of SeparableConv2D has no ReLU: its maps go below zero
    assert [stop[1] for stop in trace["colorscale"]] == ["#a78bfa", "#ffffff", "#fb923c"]  # violet to orange

    from dsconv.training.data import CIFAR10_CLASSES

    bars = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]
            if trace.get("type") == "bar"]
    assert len(bars) == 2  # the top-5 of each model
    for bar in bars:
        assert len(bar["y"]) == 5 and set(bar["y"]) <= set(CIFAR10_CLASSES)
        assert bar["x"] == sorted(bar["x"], reverse=True) and sum(bar["x"]) <= 100.0001
    # Each model in its kind's colour, as on the Parameter lab, the arena and the Speed lab (the separable model was
    # drawn in the depthwise kind's blue), and one pair of brackets to a title: "(the tutorial's recipe) (Standard ...)".
    from dsconv.kinds import KINDS

    assert [bar["marker"]["color"] for bar in bars] == [KINDS["standard"].colour, KINDS["separable"].colour]
    titles = [m.value for m in at.markdown if m.value.startswith("**Pretrained")]
    assert len(titles) >= 2 and not any(") (" in title for title in titles), titles


@pytest.mark.slow
def test_one_arena_model_with_its_own_classes(monkeypatch):
    import json

    from dsconv.training.models import build_model

    monkeypatch.setattr("dsconv.training.pretrained.available_pretrained", lambda: [])
    names = ("circle", "square", "star")
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.session_state["arena_models"] = {"shapes": (build_model("mobilenet", blocks=2, filters=8, num_classes=3), names)}
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert "fil_left_model" not in [box.key for box in at.selectbox]  # one model: nothing to choose
    bars = [trace for chart in at.get("plotly_chart") for trace in json.loads(chart.proto.spec)["data"]
            if trace.get("type") == "bar"]
    assert len(bars) == 1 and sorted(bars[0]["y"]) == sorted(names)  # top-5 of 3 classes: all three
    assert any("only knows the classes it was trained on" in caption.value and "circle, square, star" in caption.value
               for caption in at.caption)
    text = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "Depthwise maps (3 of 3), before the mix" in text  # a MobileNet block's hidden step after BatchNorm and ReLU


def test_one_output_note_uses_this_kernel_size():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.query_params.update(fil_view=HAND_MADE, fil_sample="Coloured shapes")
    at.run()
    assert not at.exception
    note = next(i.value for i in at.info if "the saving appears from" in i.value)
    # Sobel x, 3 x 3, one grey output: 27 + 3 = 30 weights against 27; with 64 outputs 27 + 192 = 219 against 1,728.
    assert "more weights (3·3·3 + 3·1 against 3·3·3·1)" in note and "= 219 weights would replace" in note
    custom = "Custom (edit it)"  # every channel gets the same typed 5 x 5 kernel
    at.query_params.update(fil_red=custom, fil_green=custom, fil_blue=custom,
                           fil_kernel="1 1 1 1 1; 1 1 1 1 1; 1 1 -24 1 1; 1 1 1 1 1; 1 1 1 1 1")
    at.run()
    note = next(i.value for i in at.info if "the saving appears from" in i.value)
    assert "5·5·3 + 3·64 = 267 weights would replace 5·5·3·64 = 4,800" in note  # k comes from the kernel used


def test_each_chosen_kernel_is_explained_under_its_picker():
    at = page()
    at.selectbox(key="fil_green").select("Laplacian").run()
    captions = [caption.value for caption in at.caption]
    assert "Right column minus left column: vertical edges (brightness changing from left to right)." in captions
    assert "The four neighbours minus four times the pixel: zero on flat areas, strong on fine detail." in captions


def test_a_class_opening_the_same_view_builds_its_figures_once(monkeypatch):
    """The learned view's figures are shared per setting: a second student with the same picture and settings gets
    them without building any (a re-run's CPU was mostly figure building; 30 students share one server)."""
    import streamlit as st

    from dsconv.figures import filters
    from dsconv.training.pretrained import available_pretrained

    if not {"tutorial_standard", "tutorial_separable"} <= set(available_pretrained()):
        pytest.skip("the pretrained tutorial weights are not in this copy")
    builds = []
    for name in ("kernel_figure", "pointwise_figure", "feature_grid_figure", "predictions_figure"):
        real = getattr(filters, name)
        monkeypatch.setattr(filters, name, lambda *args, _real=real, **kwargs: builds.append(1) or _real(*args,
                                                                                                            **kwargs))
    st.cache_resource.clear()
    specs = []
    for _ in range(2):  # two students, one after the other
        at = page(LEARNED)
        specs.append([chart.proto.spec for chart in at.get("plotly_chart")])
        if len(specs) == 1:
            first_builds, builds[:] = len(builds), []
    assert first_builds >= 6 and not builds, (first_builds, len(builds))
    assert specs[0] == specs[1]  # the same figures, not merely as many


def test_the_hand_made_mix_is_written_with_the_digits_its_products_need():
    """The luma mix read 0.3 / 0.59 / 0.11 beside a combined kernel of 1.17 (2 x 0.587 = 1.174, not 2 x 0.59)."""
    at = page()
    assert at.selectbox(key="fil_mix").value == "Grey (luma)"
    text = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert '"0.587"' in text and '"0.299"' in text and '"0.114"' in text


# --- the review of this page: each sentence and number as the reader sees it ---------------------------------------

HAND_KEYS = dict(fil_view=HAND_MADE, fil_red="Custom (edit it)", fil_green="Custom (edit it)",
                 fil_blue="Custom (edit it)")
BETTER_SEPARABLE = "Pretrained separable model (the held-out recipe)"
BETTER_STANDARD = "Pretrained standard model (the held-out recipe)"


def needs_pretrained(*names: str) -> None:
    from dsconv.training.pretrained import available_pretrained

    if not set(names) <= set(available_pretrained()):
        pytest.skip("the pretrained weights are not in this copy")


def charts(at: AppTest) -> dict[str, dict]:
    """Every Plotly chart's figure, by its widget key."""
    import json

    return {chart.key: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def array(value) -> np.ndarray:
    """A Plotly array as sent: a list, or a typed array ({"dtype", "bdata", "shape"} in base64)."""
    import base64

    if not isinstance(value, dict):
        return np.asarray(value)
    shape = [int(n) for n in str(value.get("shape", "-1")).split(",")]
    return np.frombuffer(base64.b64decode(value["bdata"]), np.dtype(value["dtype"])).reshape(shape)


def test_a_one_by_one_kernel_is_never_said_to_save_weights():
    """?fil_kernel=5 (1 x 1) with one output said "the saving only appears with many outputs ... 195 weights would
    replace 192": a 1 x 1 kernel never saves weights, since k·k·C + C·N = C + C·N > C·N."""
    from rendered import literal

    at = open_page(PAGE, **HAND_KEYS, fil_kernel="5", fil_mix="Custom (type it)", fil_mix_text="1 1 1")
    assert not at.exception and not at.error
    two_step, one_step = 1 * 1 * 3 + 3 * 1, 1 * 1 * 3 * 1
    many_two_step, many_one_step = 1 * 1 * 3 + 3 * 64, 1 * 1 * 3 * 64
    shown = metrics(at)
    assert shown["Depthwise + pointwise: weights"] == str(two_step)
    assert shown["One standard convolution: weights"] == str(one_step)
    notes = [literal(info.value) for info in at.info]
    assert len(notes) == 1 and "would replace" not in notes[0] and "saving appears" not in notes[0]
    assert "no saving at any number of outputs" in notes[0] and f"{many_two_step} against {many_one_step}" in notes[0]


def test_outputs_are_counted_from_one_in_the_standard_kernels_slices():
    """The slices were titled "W[..., red, 0]" beside outputs named "output 1"."""
    at = open_page(PAGE, fil_view=HAND_MADE, fil_mix="Custom (type it)", fil_mix_text="1 0 0; 0 0 1")
    assert not at.exception and not at.error
    figures = charts(at)
    assert figures["fil_mix_fig"]["data"][0]["x"] == ["output 1", "output 2"]
    for n in (1, 2):
        titles = [a["text"] for a in figures[f"fil_combined_{n - 1}"]["layout"]["annotations"]]
        assert titles == [f"W[..., {channel}, {n}]" for channel in ("red", "green", "blue")]


@pytest.mark.parametrize("query", [{}, {"present": "1"}])
def test_the_standard_kernels_slices_show_their_numbers(query):
    """The grey mix's standard kernel, W = D x P, had no numbers on the page (-0.598 had no room in a third of it),
    so a class could not check -2 x 0.299 = -0.598 against the kernel that gives the same picture. Every slice's
    numbers are written in now, at 13 px or more (10.8 px on a 1400 x 1000 screen before), each the product of the Sobel
    weight and the luma weight, as read off the page."""
    at = open_page(PAGE, {"fil_view": HAND_MADE, "fil_mix": "Grey (luma)", **query})
    assert not at.exception and not at.error
    slices = charts(at)["fil_combined_0"]["data"]
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    for trace, luma in zip(slices, (0.299, 0.587, 0.114)):  # ITU-R BT.601's weights
        assert trace["texttemplate"] == "%{text}" and trace["textfont"]["size"] >= 13
        written = np.array([[float(text.replace("−", "-")) for text in row] for row in trace["text"]])
        np.testing.assert_allclose(written, sobel * luma, atol=5e-5)


def test_the_grey_maps_note_says_what_the_mapping_does():
    """The note said "white the largest positive value and black the most negative"; the maps are drawn on a symmetric
    scale, a percentile of |value|, with the values beyond clipped. The mapping is recomputed here from the sentence."""
    import re

    from dsconv.figures.filters import map_to_grey

    at = page()  # Sobel x: signed maps
    notes = [caption.value for caption in at.caption if "Maps marked ±" in caption.value]
    assert notes, [caption.value for caption in at.caption]
    note = notes[0]
    assert "equally far from 0" in note and "clipped" in note and "largest positive value" not in note
    percentile = float(re.search(r"(\d+(?:\.\d+)?)th percentile", note).group(1))
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.uniform(-1, 3, 9_950), [-40, 40, 55, -60, 70] * 10]).astype(np.float32)
    values = values.reshape(100, 100)
    extent = np.percentile(np.abs(values), percentile)  # white and black: equally far from 0, beyond it clipped
    expected = np.clip(np.rint((0.5 + 0.5 * values / extent) * 255), 0, 255)
    np.testing.assert_array_equal(map_to_grey(values, signed=True), expected)
    assert map_to_grey(values, signed=True)[values == values.min()].max() == 0  # the few beyond: clipped
    positive = np.abs(values) / 10  # the other maps: 0 black, the percentile (here above 1) white
    expected = np.clip(np.rint(positive / max(1.0, np.percentile(positive, percentile)) * 255), 0, 255)
    np.testing.assert_array_equal(map_to_grey(positive, signed=False), expected)
    dim = np.linspace(0, 0.8, 10_000, dtype=np.float32).reshape(100, 100)  # under 1: brightness as it is
    np.testing.assert_array_equal(map_to_grey(dim, signed=False), np.rint(dim * 255))


def test_a_typed_kernel_is_called_your_kernel():
    """Captions read "red after Custom (edit it)", a menu entry's name."""
    at = open_page(PAGE, fil_view=HAND_MADE, fil_red="Custom (edit it)")
    assert not at.exception and not at.error
    captions = image_captions(at)
    assert "red after your kernel (±)" in captions and not any("Custom" in caption for caption in captions)
    titles = [a["text"] for a in charts(at)["fil_kernel_fig"]["layout"]["annotations"]]
    assert titles == ["red: your kernel", "green: Sobel x", "blue: Sobel x"]


def test_the_blur_weights_visibly_sum_to_one():
    """The blur's weights read 0.06, 0.12 and 0.25, which sum to 0.97, beside "summing to 1"."""
    at = open_page(PAGE, fil_view=HAND_MADE, fil_green="Blur")
    assert not at.exception and not at.error
    blur = np.array([[float(text) for text in row] for row in charts(at)["fil_kernel_fig"]["data"][1]["text"]])
    np.testing.assert_array_equal(blur, np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16)
    assert blur.sum() == 1.0  # as written: 4 x 0.0625 + 4 x 0.125 + 0.25
    # W = D x P one figure lower, with the mix that keeps the channels (P = 1 for green's own output): the same
    # numbers, not 0.06 / 0.12 / 0.25 under "W[i, j, c, n] = D[i, j, c] x P[c, n]".
    at.selectbox(key="fil_mix").set_value("Keep the channels").run()
    green = charts(at)["fil_combined_1"]["data"][1]["text"]
    np.testing.assert_array_equal(np.array([[float(text) for text in row] for row in green]), blur)
    # Keeping the channels multiplies by 1 and adds zeros: the two ways give the same bits, and the note says so (it
    # read "0 of one grey level: float32 rounding").
    assert metrics(at)["The two results differ by at most"] == "0"
    assert deltas(at)["The two results differ by at most"] == "identical: no pixel differs"


def test_a_picture_smaller_than_the_working_size_says_so():
    """A working size of 1024 for a 640 x 480 picture stayed 640 x 480 without a word."""
    from dsconv.images import scene_image

    at = open_page(PAGE, fil_view=HAND_MADE, fil_size=1024)
    assert not at.exception and not at.error
    width, height = scene_image(at.selectbox(key="fil_sample").value).size
    assert max(width, height) < 1024
    said = f"This picture is {width} x {height} pixels, smaller than the 1024 chosen"
    assert any(said in caption.value for caption in at.caption)
    assert any(f"**{width} x {height}** picture" in markdown.value for markdown in at.markdown)  # the size used
    at.select_slider(key="fil_size").set_value(512).run()  # smaller than the picture: nothing to say
    assert not any("smaller than the" in caption.value for caption in at.caption)


def test_learned_maps_labels_and_hovers_count_from_one_and_hovers_never_round_to_certainty():
    """A depthwise map labelled "54" (counted from 1) said "channel 53" in its hover, the mix's output axis ran 0-63,
    and a top-5 hover "%{x:.2f}%" read "0.00%" for 2.7e-05 % where the bar's label said "under 0.1%"."""
    needs_pretrained("tutorial_standard", "tutorial_separable")
    at = open_page(PAGE, fil_layer="block2_conv1", fil_maps=8)
    assert not at.exception and not at.error and not at.warning
    figures = charts(at)
    hidden = next(figure for key, figure in figures.items() if key.startswith("fil_hidden_"))
    hover = array(hidden["data"][0]["customdata"])
    labels = hidden["layout"]["annotations"]
    assert len(labels) == 8
    for label in labels:  # each label sits above its map's top-left pixel
        number = int(label["text"].split()[-1])
        assert hover[int(label["y"] + 0.5), int(label["x"] + 0.5)] == number, label
    assert "channel %{customdata}" in hidden["data"][0]["hovertemplate"]
    mix = next(figure for key, figure in figures.items() if key.startswith("fil_pw_"))["data"][0]
    assert mix["x"] == [str(n) for n in range(1, len(mix["x"]) + 1)] and "to output %{x}" in mix["hovertemplate"]

    bars = [figure["data"][0] for key, figure in figures.items() if key.startswith("fil_top_")]
    assert len(bars) == 2 and any(min(bar["x"]) < 0.1 for bar in bars)
    for bar in bars:
        assert "%{x" not in bar["hovertemplate"] and bar["customdata"] == bar["text"]
        assert all(text == "under 0.1%" for x, text in zip(bar["x"], bar["text"]) if x < 0.1)

    at.select_slider(key="fil_maps").set_value(64).run()  # all 64 depthwise maps: channels 1 to 64
    trace = next(figure for key, figure in charts(at).items() if key.startswith("fil_hidden_"))["data"][0]
    shown = array(trace["customdata"])[~np.isnan(array(trace["z"]).astype(float))]
    assert set(shown.tolist()) == set(range(1, 65))


def test_a_link_keeps_the_chosen_models_and_no_small_probability_reads_a_tenth_of_a_percent():
    """The model pickers were not in the address: a shared link lost them. And on the checkerboard the better
    separable model's 0.0645 % read "0.1%" above smaller ones that read "under 0.1%"."""
    from rendered import literal

    needs_pretrained("better_separable", "better_standard")
    at = open_page(PAGE, fil_sample="Checkerboard (orange and blue squares)", fil_left_model=BETTER_SEPARABLE,
                   fil_right_model=BETTER_STANDARD)
    assert not at.exception and not at.error and not at.warning
    assert (at.selectbox(key="fil_left_model").value, at.selectbox(key="fil_right_model").value) == (
        BETTER_SEPARABLE, BETTER_STANDARD)
    bars = [figure["data"][0] for key, figure in charts(at).items() if key.startswith("fil_top_")]
    assert len(bars) == 2
    for bar in bars:
        for percent, text in zip(bar["x"], bar["text"]):
            if percent < 0.1:
                assert text == "under 0.1%", (percent, text)
            elif percent < 99.95:
                assert text == f"{percent:.1f}%", (percent, text)

    # A model trained in another session's arena is not on offer here: the default stays, and the page says so.
    at = open_page(PAGE, fil_left_model="Trained in the arena: my model", fil_right_model=BETTER_SEPARABLE)
    assert not at.exception and not at.error
    assert at.selectbox(key="fil_left_model").value == at.selectbox(key="fil_left_model").options[0]
    assert at.selectbox(key="fil_right_model").value == BETTER_SEPARABLE
    warnings = [literal(warning.value) for warning in at.warning]
    assert len(warnings) == 1 and "fil_left_model='Trained in the arena: my model'" in warnings[0], warnings


@pytest.mark.parametrize("query", [
    {"fil_kernel": "1 ![x](http://127.0.0.1:9/p.png) [click me](http://127.0.0.1:9) 2"},
    {"fil_mix": "Custom (type it)", "fil_mix_text": "[click](http://127.0.0.1:9) 1 1"}])
def test_a_typed_kernel_or_mix_is_quoted_as_text_in_its_error(query):
    """The error quoted the typed row as Markdown: a link could put a picture from another server and a link of its
    own in the app's error box. A refused row is shown as written, and cut after 60 characters."""
    at = open_page(PAGE, **HAND_KEYS, **query)
    assert not at.exception
    raw = " ".join(str(e.value) for e in at.error)
    assert ", which is not a number" in raw
    assert "](http" not in raw and "\\]" in raw  # escaped: shown, links and loads nothing
    at = open_page(PAGE, **HAND_KEYS, fil_kernel="x" * 1500)  # under the 2,000 characters a text may have
    shown = " ".join(literal(e.value) for e in at.error)
    assert "x" * 60 + "..." in shown and "x" * 61 not in shown


def test_a_photo_stays_chosen_while_a_sample_is_looked_at():
    """Picking a sample picture and then "Upload a photo" again lost the photo: Streamlit forgets an uploader it does
    not draw. The page keeps the photo and says so; the uploader's x still removes it."""
    at = page()
    at.radio(key="fil_source").set_value("Upload a photo").run()
    at.file_uploader(key="fil_upload").set_value(("holiday.jpg", jpeg_bytes(800, 600), "image/jpeg")).run()
    at.radio(key="fil_source").set_value("Sample picture").run()
    at.radio(key="fil_source").set_value("Upload a photo").run()
    assert not at.exception and not at.error
    assert "Your picture: 800 x 600 pixels." in image_captions(at)
    assert any("Still using your file 'holiday.jpg'" in literal(caption.value) for caption in at.caption)
    at.run()  # and on the runs after (a slider moved): it was dropped on the next one
    assert "Your picture: 800 x 600 pixels." in image_captions(at)
    at.file_uploader(key="fil_upload").set_value(("beach.jpg", jpeg_bytes(640, 480), "image/jpeg")).run()
    assert "Your picture: 640 x 480 pixels." in image_captions(at)  # another file replaces it
    at.file_uploader(key="fil_upload").set_value(None).run()  # removed with the x
    assert any("Choose a photo" in info.value for info in at.info)


def test_a_file_that_is_no_picture_leaves_the_photo_before_it():
    """A text file named .jpg chosen after a photo threw the photo away: the hand-made section vanished under the
    refusal, and later the page kept "using" the text file. The refusal is said, and the photo stays."""
    at = page()
    at.radio(key="fil_source").set_value("Upload a photo").run()
    at.file_uploader(key="fil_upload").set_value(("holiday.jpg", jpeg_bytes(800, 600), "image/jpeg")).run()
    at.file_uploader(key="fil_upload").set_value(None).run()  # a browser replaces a file in two runs, first empty
    at.file_uploader(key="fil_upload").set_value(("notes.jpg", b"not a picture at all", "image/jpeg")).run()
    assert not at.exception
    assert any("not a PNG, JPEG" in error.value for error in at.error), [error.value for error in at.error]
    assert "Your picture: 800 x 600 pixels." in image_captions(at)
    assert any("Still using your file 'holiday.jpg'" in literal(caption.value) for caption in at.caption)
    at.file_uploader(key="fil_upload").set_value(None).run()  # the refused file removed with the x: no photo
    assert any("Choose a photo" in info.value for info in at.info)
    at.file_uploader(key="fil_upload").set_value(("holiday.jpg", jpeg_bytes(800, 600), "image/jpeg")).run()
    at.file_uploader(key="fil_upload").set_value(("notes.jpg", b"not a picture at all", "image/jpeg")).run()
    at.radio(key="fil_source").set_value("Sample picture").run()  # away and back: the photo, not the text file
    at.radio(key="fil_source").set_value("Upload a photo").run()
    assert "Your picture: 800 x 600 pixels." in image_captions(at) and not at.error


def test_a_link_setting_for_a_control_drawn_after_an_upload_is_read():
    """?fil_source=Upload+a+photo&fil_size=256.0: the working size is drawn only once a photo is there, and the
    link's "256.0" was then refused, its control meeting it on a run whose address had not changed."""
    at = open_page(PAGE, fil_view=HAND_MADE, fil_source="Upload a photo", fil_size="256.0")
    at.file_uploader(key="fil_upload").set_value(("holiday.jpg", jpeg_bytes(800, 600), "image/jpeg")).run()
    assert not at.exception
    assert at.select_slider(key="fil_size").value == 256
    assert not [w.value for w in at.warning if "Ignored the link's setting" in str(w.value)]


@pytest.mark.parametrize("size, said", [((1, 1), "the centred square, enlarged to 32 x 32"),
                                        ((20, 30), "the centred square, enlarged to 32 x 32"),
                                        ((32, 40), "the centred square, already 32 x 32"),
                                        ((640, 480), "the centred square, shrunk to 32 x 32")])
def test_what_the_models_see_says_whether_the_picture_was_shrunk_or_enlarged(size, said):
    """A 1 x 1 upload was "the centred square, shrunk to 32 x 32": its square (1 x 1, 20 x 20, 32 x 32, 480 x 480)
    is enlarged, kept or shrunk."""
    at = page(LEARNED, timeout=240)
    at.radio(key="fil_source").set_value("Upload a photo").run()
    at.file_uploader(key="fil_upload").set_value(("photo.jpg", jpeg_bytes(*size), "image/jpeg")).run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    captions = image_captions(at)
    assert f"What the models see: {said}" in captions, captions


def test_a_map_of_one_value_says_its_value():
    """A 1 x 1 white upload gave black maps under Sobel x without a word. Worked by hand: with zero padding the 3 x 3
    Sobel x kernel sees the pixel (1) only at its centre, whose weight is 0, so every map is 0; the Laplacian's centre
    weight is -4, so its map is -4. A photo's maps each hold many values."""
    png = io.BytesIO()
    Image.new("RGB", (1, 1), (255, 255, 255)).save(png, format="PNG")
    at = open_page(PAGE, fil_view=HAND_MADE, fil_source="Upload a photo", fil_red="Laplacian")
    at.file_uploader(key="fil_upload").set_value(("dot.png", png.getvalue(), "image/png")).run()
    assert not at.exception and not at.error
    captions = image_captions(at)
    assert "red after Laplacian (±) (-4 everywhere)" in captions, captions
    assert "green after Sobel x (0 everywhere)" in captions and "blue after Sobel x (0 everywhere)" in captions
    notes = [caption.value for caption in at.caption]
    assert sum("holds that one value at every pixel" in note for note in notes) == 2, notes  # under both sets of maps
    at = open_page(PAGE, fil_view=HAND_MADE)  # a sample photo
    assert not any("everywhere)" in caption for caption in image_captions(at))
    assert not any("holds that one value" in caption.value for caption in at.caption)


@pytest.mark.parametrize("kernel", ["1 1 1; 1 -8 1; 1 1 1", "1 1 1; 1 1 1; 1 1 1"])
def test_a_kernel_of_tiny_weights_marks_its_maps_as_the_same_kernel_of_larger_ones(kernel):
    """Custom weights of 1e-7 had every map called "(0 everywhere)", under a note that the kernel "found nothing that
    changes across this picture": any spread under 1e-6 was taken for float32 rounding, whatever the weights. On a
    sample photo the 1e-7 blur's maps run from 0 to about 9e-7, a spread of hundreds of thousands of float32 roundings
    there. Rounding is now judged against the weights' size: a kernel scaled by a power of ten marks its maps as the
    kernel itself does (± where they go below zero, never "everywhere")."""
    def captions(text: str) -> list[str]:
        at = open_page(PAGE, **HAND_KEYS, fil_kernel=text)
        assert not at.exception and not at.error, [e.value for e in at.exception]
        assert not any("holds that one value" in caption.value for caption in at.caption)
        return image_captions(at)

    tiny = "; ".join(" ".join(f"{float(number) * 1e-7:g}" for number in row.split()) for row in kernel.split(";"))
    assert "e-07" in tiny
    shown = captions(kernel)
    assert not any("everywhere" in caption for caption in shown) and len(shown) >= 5, shown
    assert captions(tiny) == shown


def test_a_typed_mix_names_each_output_once_in_its_heading():
    """A typed mix of two outputs headed them "Output 1: output 1" and "Output 2: output 2"; a preset's names stay."""
    at = open_page(PAGE, fil_view=HAND_MADE, fil_mix="Custom (type it)", fil_mix_text="1 0 0; 0 0 1")
    assert not at.exception and not at.error
    headings = [m.value for m in at.markdown if m.value.startswith("**Output ")]
    assert headings == ["**Output 1**", "**Output 2**"], headings


def test_the_kept_channels_colour_picture_says_what_it_clips():
    """Sharpen overshoots past 1 at edges and dips below 0 beside them; the colour picture of the three kept channels
    drew those at full brightness and as none, under a caption that did not say so. Identity clips nothing."""
    at = open_page(PAGE, fil_view=HAND_MADE, fil_red="Sharpen", fil_green="Sharpen", fil_blue="Sharpen",
                   fil_mix="Keep the channels")
    assert not at.exception
    [caption] = [c for c in image_captions(at) if c.startswith("The three mixed channels")]
    assert "values above 1 (up to " in caption and "at full brightness" in caption, caption
    at = open_page(PAGE, fil_view=HAND_MADE, fil_red="Identity", fil_green="Identity", fil_blue="Identity",
                   fil_mix="Keep the channels")
    assert "The three mixed channels shown as one colour picture" in image_captions(at)


def test_the_difference_metric_counts_grey_levels_as_an_8_bit_picture_has_them():
    """Its help said "an 8-bit picture has 255 grey levels between 0 and 1": it has 2**8 = 256 levels, 255 steps of
    1/255 apart, and the note under the metric counts those steps."""
    from dsconv.images.handmade import GREY_LEVELS

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.query_params.update(fil_view=HAND_MADE)
    at.run()
    [metric] = [m for m in at.metric if m.label == "The two results differ by at most"]
    assert f"An 8-bit picture has {2 ** 8} grey levels, 1/{GREY_LEVELS} apart" in metric.proto.help
    assert GREY_LEVELS == 2 ** 8 - 1


@pytest.mark.parametrize("told, two_lines", [({"width": 530, "stacked": False}, True),
                                             ({"width": 530, "stacked": True}, False),
                                             ({"width": 530}, False),  # not told yet: a page under 600 px, a phone's
                                             ({"width": 530, "stacked": "yes"}, False),  # not a yes or no: not taken
                                             ({"width": 1400, "stacked": False}, False)])
def test_the_maps_are_laid_out_for_the_columns_the_browser_shows(told, two_lines):
    """At 1024 x 768 beside the sidebar the page is 535 px, under the 600 px taken for a phone's where columns stand
    one above another: the two models' maps, side by side there in 259 px each, were laid out for 535 px, and their
    titles ran past their figures. The browser tells whether its columns stand one above another."""
    import json

    at = open_page(PAGE, session={"_shown_width_0": told})
    assert not at.exception
    titles = [json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "")
              for chart in at.get("plotly_chart")]
    maps = [title for title in titles if "maps, 32 x 32" in title]
    assert len(maps) == 2 and all(("<br>" in title) == two_lines for title in maps), maps


def test_class_names_from_a_data_folder_are_shown_as_written(monkeypatch):
    """A data folder's class folders named "**bold**" and "[click me](mailto:x@y)" made bold text and a live link in
    the caption under the predictions (the chart wrote them as text). The caption reads them as written."""
    from markdown_it import MarkdownIt

    from dsconv.training.models import build_model

    monkeypatch.setattr("dsconv.training.pretrained.available_pretrained", lambda: [])  # the arena's model alone
    names = ("circle", "**bold**", "[click me](mailto:x@y)")
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=180)
    at.session_state["arena_models"] = {"shapes": (build_model("standard", blocks=2, filters=8, num_classes=3), names)}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [caption] = [c.value for c in at.caption if "only knows the classes" in c.value]
    html = MarkdownIt("commonmark").render(caption)
    assert "<strong>" not in html and "<a " not in html, html
    assert "circle, **bold**, [click me](mailto:x@y)" in html.replace("\u2060", ""), html


def test_sixteen_maps_or_fewer_are_drawn_larger():
    """In projector mode 32 maps of a 32 x 32 layer were 45 px each, and fewer maps were no larger (eight a row
    whatever their number): 16 or fewer now stand four a row, twice as wide."""
    needs_pretrained("tutorial_standard", "tutorial_separable")
    for count, across in ((32, 8), (16, 4), (8, 4)):
        at = open_page(PAGE, fil_maps=count)
        assert not at.exception and not at.error
        grid = next(figure for key, figure in charts(at).items() if key.startswith("fil_maps_"))["data"][0]
        width = array(grid["z"]).shape[1]
        assert width == across * 33 - 1, (count, width)  # 32-pixel maps, one pixel apart


@pytest.mark.parametrize("told, across", [({"width": 530, "stacked": False}, 4),  # 1024 px beside the sidebar
                                          ({"width": 900, "stacked": False}, 8),  # 1400 px: 41 px maps eight a row
                                          ({"width": 530, "stacked": True}, 8)])  # a phone: a whole 530 px page each
def test_thirty_two_maps_in_a_narrow_column_stand_four_a_row(told, across):
    """At 1024 px beside the sidebar each model's half of the page is 259 px, and 32 maps of 32 x 32 eight a row were
    drawn about 25 px wide (Chromium), smaller than their own pixels. There they now stand four a row."""
    needs_pretrained("tutorial_standard", "tutorial_separable")
    at = open_page(PAGE, {"fil_maps": 32}, session={"_shown_width_0": told})
    assert not at.exception and not at.error
    grids = [figure["data"][0] for key, figure in charts(at).items() if key.startswith("fil_maps_")]
    assert len(grids) == 2 and all(array(grid["z"]).shape[1] == across * 33 - 1 for grid in grids), \
        [array(grid["z"]).shape for grid in grids]


def test_each_models_step_in_between_stands_in_its_own_column():
    """On a phone (columns one under another) "A standard layer has no step in between" stood under the separable
    model's maps: the sentences and the depthwise maps were a second row of columns."""
    needs_pretrained("tutorial_standard", "tutorial_separable")
    at = open_page(PAGE)
    assert not at.exception
    said = "A standard layer has no step in between"
    holding = [column for column in at.columns if any(said in caption.value for caption in column.caption)]
    assert len(holding) == 1
    keys = [chart.key for chart in holding[0].get("plotly_chart")]
    assert keys == [key for key in keys if key.startswith("fil_maps_")] and len(keys) == 1, keys
    assert "standard" in keys[0].lower()


def test_cifar_paths_are_quoted_as_written_and_long_ones_shortened(tmp_path, monkeypatch):
    """A broken test_batch in "_old_ copy/" was reported as Markdown ("old" in italics, the underscores gone, on the
    one message whose point is which file to fix); a 5,000-character folder made a message of 10,291 characters."""
    from rendered import literal

    folder = tmp_path / "_old_ copy" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    (folder / "test_batch").write_bytes(b"not a pickle")
    monkeypatch.setenv("DSCONV_CIFAR10_DIR", str(folder.parent))
    at = page()
    at.radio(key="fil_source").set_value("CIFAR-10 test picture").run()
    assert not at.exception
    said = " ".join(error.value for error in at.error)
    assert "_old_ copy" in literal(said) and "\\_old\\_" in said, said  # escaped: shown as written
    monkeypatch.setenv("DSCONV_CIFAR10_DIR", "/tmp/" + "a" * 5000)
    at = page()
    at.radio(key="fil_source").set_value("CIFAR-10 test picture").run()
    said = " ".join(literal(info.value) for info in at.info)
    assert "No CIFAR-10 test_batch file found" in said and len(said) < 1300 and "a" * 100 + "..." in said, len(said)


def test_the_channel_pickers_keys_follow_the_channels():
    """The pickers' keys are written out for the app's reading of links; they must stay the channels' own."""
    import ast

    from dsconv.images import handmade

    tree = ast.parse((ROOT / PAGE).read_text())
    keys = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                and getattr(node.targets[0], "id", None) == "CHANNEL_KEYS")
    assert keys == tuple(f"fil_{channel}" for channel in handmade.CHANNELS)


def test_the_grey_legend_says_what_the_maps_shown_are_and_says_it_once():
    """Under maps that were all ± it said "The other maps show 0 as black"; and the whole legend stood twice, under
    step 1 and under the results."""
    from dsconv.figures.filters import GREY_SIGNED, GREY_UNSIGNED

    at = open_page(PAGE, fil_view=HAND_MADE)  # Sobel x on every channel: every map goes below zero
    captions = [c.value for c in at.caption]
    assert captions.count(GREY_SIGNED) == 1 and not any(GREY_UNSIGNED in c for c in captions), captions
    assert "Maps marked ±: mid-grey is 0, as above." in captions
    at = open_page(PAGE, fil_view=HAND_MADE, fil_red="Blur", fil_green="Blur", fil_blue="Blur",
                   fil_mix="Keep the channels")
    captions = [c.value for c in at.caption]
    assert any(GREY_UNSIGNED in c for c in captions) and not any(GREY_SIGNED in c for c in captions), captions


def test_the_zero_padding_and_its_edges_are_said():
    """A 20 x 20 upload's maps showed white and black bands at its sides: the zero padding, read as the photo's."""
    from dsconv.images import handmade

    at = open_page(PAGE, fil_view=HAND_MADE)
    assert any("Zeros pad its border (padding \"same\", as Keras pads), so a kernel that compares neighbours finds an "
               "edge wherever a bright picture meets them." in m.value.replace("\\", "") for m in at.markdown)
    white = np.full((8, 8, 3), 255.0, np.float32)
    sobel = np.stack([handmade.KERNELS["Sobel x"]] * 3, axis=-1)
    maps = handmade.apply_hand_made(white, sobel, np.eye(3, dtype=np.float32)).depthwise
    assert np.all(maps[:, 1:-1] == 0) and np.all(maps[:, 0] != 0) and np.all(maps[:, -1] != 0)  # only at the border


def test_the_learned_view_says_its_numbers_are_numpy_sums_checked_against_keras():
    """Issue 16: one line on the page, the numbers from the same weights, computed in NumPy, checked against Keras
    (tests/engine/test_numpy_model.py holds the check, to 1e-4)."""
    at = open_page(PAGE)
    said = " ".join(c.value for c in at.caption)
    assert ("The shipped models run here in NumPy, from the same weights Keras trained: every number below is sums of "
            "pixels times weights, and the tests check each against Keras's own to within 1e-4.") in said
    checked = (ROOT / "tests" / "engine" / "test_numpy_model.py").read_text()
    assert "1e-4" in checked


def _png(colour, size=(24, 24), mode="RGB") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("picture, mix, said", [
    # the second row mixes nothing
    (None, "1 1 1; 0 0 0", "Output 2: it mixes nothing: each channel's weight in the mix, or its kernel, is 0."),
    # a grey picture's red and green maps are equal: red minus green cancels them, edges and all
    (("L", 128), "1 -1 0", "Output 1: the depthwise maps it mixes do change, but the mix's weights cancel them out."),
    # a black picture: every depthwise map is 0
    (("RGB", (0, 0, 0)), "1 -1 0", "Output 1: the depthwise maps it mixes hold one value each (their kernels found "
                                   "nothing that changes across this picture)."),
])
def test_an_output_of_one_value_is_said_to_come_from_what_made_it(picture, mix, said):
    """Under outputs of one value the note said "its kernel found nothing that changes across this picture", where
    the kernels had found edges (shown in step 1) and the mix cancelled them, or mixed nothing."""
    query = {"fil_view": HAND_MADE, "fil_mix": "Custom (type it)", "fil_mix_text": mix,
             "fil_red": "Sobel x", "fil_green": "Sobel x", "fil_blue": "Sobel x"}
    if picture:
        query["fil_source"] = "Upload a photo"
    at = open_page(PAGE, query)
    if picture:
        mode, colour = picture
        base = _png(colour, mode=mode) if mode == "RGB" else _ramp_png()
        at.file_uploader(key="fil_upload").set_value(("pic.png", base, "image/png")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    notes = [c.value for c in at.caption if c.value.startswith("An output marked")]
    assert len(notes) == 1 and notes[0].endswith(said), notes
    assert "its kernel found nothing" not in notes[0]


def test_weights_whose_product_is_too_small_for_float32_are_refused_not_blamed_on_a_zero():
    """Kernels of 1e-30 and a mix of 1e-30: W = D x P = 1e-60 read 0 in every cell, the output read "0 everywhere"
    both ways, and the note said "it mixes nothing: each channel's weight in the mix, or its kernel, is 0"."""
    edge = "1e-30 0 -1e-30; 2e-30 0 -2e-30; 1e-30 0 -1e-30"
    at = open_page(PAGE, {"fil_view": HAND_MADE, "fil_red": "Custom (edit it)", "fil_green": "Custom (edit it)",
                          "fil_blue": "Custom (edit it)", "fil_kernel": edge, "fil_mix": "Custom (type it)",
                          "fil_mix_text": "1e-30 0 0; 1 0 0"})
    assert not at.exception
    errors = [literal(e.value) for e in at.error]
    assert errors == ["The red kernel's weight 1e-30 and the mix's 1e-30 for output 1 multiply to 1.0e-60, too small "
                      "for the float32 numbers the filters compute with (at least 1.2e-38 in size): it would lose its "
                      "digits or become 0, in the maps too. Make one of them larger, or type 0."], errors
    assert not any("mixes nothing" in c.value for c in at.caption)


def _ramp_png() -> bytes:
    """A grey picture with edges: a ramp and a dark block (red, green and blue equal)."""
    from PIL import Image

    pixels = np.tile(np.linspace(0, 255, 24, dtype=np.uint8), (24, 1))
    pixels[6:12, 6:12] = 10
    buffer = io.BytesIO()
    Image.fromarray(pixels, "L").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_mix_is_written_to_the_places_its_products_are():
    """A typed mix of 0.1234567 was written "0.123" (3 places) beside W's "0.2469" (4 places), and W = D x P could not
    be read off the page: 2 x 0.123 is 0.246."""
    at = open_page(PAGE, {"fil_view": HAND_MADE, "fil_mix": "Custom (type it)", "fil_mix_text": "0.1234567 0.5 0.25",
                          "fil_red": "Sobel x", "fil_green": "Sobel x", "fil_blue": "Sobel x"})
    assert not at.exception and not at.error
    figures = charts(at)
    mix = [row[0] for row in figures["fil_mix_fig"]["data"][0]["text"]]
    assert mix == ["0.1235", "0.5000", "0.2500"], mix
    slices = figures["fil_combined_0"]["data"][0]["text"]  # W[..., red, 1] = Sobel x times 0.1234567
    assert slices[1][0] == "-0.2469"
    assert abs(-2 * float(mix[0]) - float(slices[1][0])) <= 1e-4  # read off the page: 2 x 0.1235 = 0.2470


def test_maps_of_one_value_in_the_learned_view_are_said_to_be_no_strong_response():
    """On a black picture every map of the tutorial models' first layer holds one value (each channel's bias, through
    ReLU), and each map, scaled to its own maximum, was drawn white beside "white the maximum": a strong response to
    nothing. The note counts them from the maps the NumPy pass gives."""
    needs_pretrained("tutorial_standard", "tutorial_separable")
    at = open_page(PAGE, {"fil_source": "Upload a photo", "fil_maps": 8})
    at.file_uploader(key="fil_upload").set_value(("black.png", _png((0, 0, 0), size=(40, 40)), "image/png")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    notes = [c.value for c in at.caption if "one value at every pixel on this picture" in c.value]
    assert notes and all(note.startswith("Every map shown holds one value") for note in notes), notes
    assert notes[0].endswith("no strong response, only the same value everywhere.")
    # a picture with edges: no such note where the maps change
    at.file_uploader(key="fil_upload").set_value(("ramp.png", _ramp_png(), "image/png")).run()
    assert not [c.value for c in at.caption if "one value at every pixel on this picture" in c.value]
    # the note's count against the maps themselves
    from dsconv.figures.filters import flat_maps_note

    maps = np.zeros((4, 4, 3), np.float32)
    maps[..., 0] = 0.25
    maps[..., 1] = np.arange(16).reshape(4, 4)
    assert flat_maps_note(maps, [0, 1]).startswith("1 of the 2 maps shown holds one value")
    assert flat_maps_note(maps, [0]).startswith("Every map shown holds one value")
    assert flat_maps_note(maps, [1]) is None
    # a map of 0 is drawn black (0), not in the shade of a maximum: 18 of 64 maps drawn black read "each is drawn in
    # one shade, that of its own maximum"
    assert flat_maps_note(maps, [0, 1, 2]) == (
        "1 of the 3 maps shown holds one value at every pixel on this picture, so each is drawn in one shade, that of "
        "its own maximum: no strong response, only the same value everywhere. 1 of the 3 maps shown holds 0 at every "
        "pixel, drawn black: no response on this picture.")
    assert flat_maps_note(maps, [2]) == ("Every map shown holds 0 at every pixel, drawn black: no response on this "
                                         "picture.")
    signed = maps.copy()
    signed[..., 1] -= 8  # a grid with values below 0 draws 0 white
    assert flat_maps_note(signed, [1, 2]).endswith("1 of the 2 maps shown holds 0 at every pixel, drawn white: no "
                                                  "response on this picture.")
