"""How long a 12-megapixel photo takes on the Filters page: `python -m dsconv.bench images`.

Generates a 4000 x 3000 photo-like JPEG (nothing downloaded), loads the two tutorial models once as the page
does (the shipped weights, run in NumPy; freshly built Keras models where the weights are missing),
then times the page's own processing path several times and prints the median and the slowest run:
- opening: `load_image(data, max_side=1024)` (JPEG draft decoding, EXIF, shrinking);
- hand-made view: the depthwise step, pointwise mix and one standard convolution at the page's
  working size, every shown map turned into grey pixels and JPEG-encoded as st.image does, and the
  kernel figures serialised as st.plotly_chart does;
- learned view: the 32 x 32 model input, first-layer kernels, feature maps (and the hidden
  depthwise maps) at block1_conv1 for both models, top-5 of both, figures serialised.
The goal: the learned view within 1 s of the upload on a 2-core CPU, once the models are loaded.
Takes about 15 s.

`--browser` times the whole way instead, as a student sees it: a fresh `streamlit run` server, the Filters page
opened in headless Chromium with "Upload a photo" chosen, then each photo (a new one every time, so nothing is
cached) handed to the page's file input, timed until the page shows the learned view of that photo with every chart
drawn and nothing left loading (the bench's quiet time not counted). That includes sending the 4-5 MB file to the
server, the page's re-run and the browser's drawing. The first upload also loads the models and is reported on its
own. Needs Playwright and Chromium, like `python -m dsconv.bench pages`. About 1 minute.

`--modes` measures memory instead: a 40-megapixel picture (the largest accepted) in each kind of file that is not
a plain colour photo (16-bit and float greys, transparency, a palette) is opened as the page opens it, each in a
fresh Python, which prints how far opening it raised the process's peak memory. About 1 minute.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image

from dsconv.figures import filters as figs
from dsconv.image_files import DISPLAY_MAX_SIDE, fit_within, load_image
from dsconv.images import handmade as hand
from dsconv.images.loading import scene_image, to_float_array, to_model_input

GOAL_SECONDS = 1.0  # the learned view within 1 s of a 12-megapixel upload (the page once took 2 s)


def photo_bytes(width: int = 4000, height: int = 3000, quality: int = 90, seed: int = 0) -> bytes:
    """A photo-like JPEG of width x height (the harbour scene plus fine noise, so JPEG has real work)."""
    scene = np.asarray(scene_image("Sunset harbour", width, height), np.int16)
    noise = np.random.default_rng(seed).integers(-6, 7, scene.shape, dtype=np.int16)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(scene + noise, 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _shown(pixels: np.ndarray) -> int:
    """Encode a picture as st.image does for output_format='JPEG'; returns the bytes sent."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=75)
    return buffer.tell()


def hand_made_view(picture: Image.Image, work_side: int) -> None:
    """What the hand-made view computes and sends for the default settings (Sobel x on every channel, grey mix)."""
    image = to_float_array(fit_within(picture, work_side))
    depthwise = hand.depthwise_kernel([hand.KERNELS["Sobel x"]] * 3)
    mix, _ = hand.MIXES["Grey (luma)"]
    result = hand.apply_hand_made(image, depthwise, mix)
    for values in (result.depthwise, result.mixed, result.standard):
        for n in range(values.shape[2]):  # as the page: each map decides on its own whether it is signed
            _shown(figs.map_to_grey(values[..., n], figs.is_signed(values[..., n])))
    figs.kernel_figure([depthwise[..., c] for c in range(3)], list(hand.CHANNELS)).to_json()
    figs.pointwise_figure(mix, list(hand.CHANNELS), ["grey"]).to_json()
    figs.kernel_figure([result.combined[:, :, c, 0] for c in range(3)], list(hand.CHANNELS)).to_json()


def learned_view(picture: Image.Image, models: list[Any], maps_shown: int = 32) -> None:
    """What the learned view computes and sends: kernels, feature maps at block1_conv1, top-5, for each model."""
    from dsconv.images.learned import feature_maps, first_layer_kernels, strongest_channels, top_predictions
    from dsconv.training.data import CIFAR10_CLASSES

    pixels = to_model_input(picture)
    for model in models:
        if hasattr(model, "forget"):  # a NumPy model keeps its last passes: time a new picture's, every time
            model.forget()
        kernels = first_layer_kernels(model)
        if kernels.standard is not None:
            _shown(figs.rgb_kernel_mosaic(kernels.standard))
        else:
            figs.kernel_figure([kernels.depthwise[..., c] for c in range(3)], list(hand.CHANNELS)).to_json()
            figs.pointwise_figure(kernels.pointwise, list(hand.CHANNELS)).to_json()
        maps = feature_maps(model, pixels, "block1_conv1")
        figs.feature_grid_figure(maps.output, strongest_channels(maps.output, maps_shown), "maps").to_json()
        if maps.hidden is not None:
            figs.feature_grid_figure(maps.hidden, strongest_channels(maps.hidden, maps_shown), "hidden").to_json()
        figs.predictions_figure(top_predictions(model, pixels, CIFAR10_CLASSES), "top-5").to_json()


def tutorial_models() -> tuple[list[Any], str]:
    """The standard and separable tutorial models, and where their weights came from."""
    try:
        from dsconv.images import pretrained_numpy_model
        from dsconv.training.pretrained import available_pretrained

        if {"tutorial_standard", "tutorial_separable"} <= set(available_pretrained()):
            return [pretrained_numpy_model("tutorial_standard"), pretrained_numpy_model("tutorial_separable")], \
                "the shipped pretrained tutorial models, in NumPy as the page runs them"
    except (ImportError, OSError, ValueError):  # not shipped or unreadable: time freshly built ones instead
        pass
    from dsconv.training.models import build_model

    return [build_model("standard", input_scaling="none"), build_model("separable", input_scaling="none")], \
        "freshly built models (pretrained weights not found; the time is the same)"


def timed(step: Callable[[], Any], repeats: int) -> list[float]:
    """Wall-clock seconds of each of `repeats` calls."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    return seconds


def browser_uploads(repeats: int) -> tuple[float, list[float]]:
    """Seconds from handing a 12-megapixel photo to the Filters page's file input in Chromium until its learned view
    is drawn and quiet, on a fresh server: the first upload (which also loads the models), then `repeats` more."""
    from playwright.sync_api import sync_playwright

    from dsconv.bench.pages import BUSY, CHROMIUM, QUIET_MS, ROOT, server

    # A re-run replaces charts in place, and a short one may never show the running indicator: so a check counts
    # only if no message arrived while it ran, and it returns after the browser has drawn a frame (two animation
    # frames), that is, after whatever the messages before it made it draw.
    settled = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done((" + \
              BUSY + ")()))))"
    last_message = [0.0]

    def shown_within(page, width: int, started: float) -> float:
        # The preview's caption names the file's own size, a new one for every photo; then wait until settled.
        page.get_by_text(f"Your picture: {width} x 3000 pixels").wait_for(timeout=300_000)
        quiet_since = None
        while time.perf_counter() - started < 300:
            checked = time.perf_counter()
            busy = page.evaluate(settled)
            now = time.perf_counter()
            if busy or last_message[0] >= checked:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif (now - quiet_since) * 1000 >= QUIET_MS:
                if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
                    raise RuntimeError("the Filters page showed an error for a generated photo")
                return quiet_since - started
            page.wait_for_timeout(20)
        raise TimeoutError("the Filters page kept running for 5 minutes after an upload")

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        photos = []
        for n in range(repeats + 1):  # 4000 x 3000, 4002 x 3000, ...: 12 megapixels each, and told apart by size
            photos.append(Path(folder) / f"photo_{n}.jpg")
            photos[-1].write_bytes(photo_bytes(4000 + 2 * n, seed=n))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        with server(ROOT / "app.py", ROOT) as (url, _pid):
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.on("websocket", lambda socket: socket.on(
                "framereceived", lambda _frame: last_message.__setitem__(0, time.perf_counter())))
            page.goto(f"{url}/Filters_on_your_image?fil_source=Upload+a+photo")
            page.get_by_text("Choose a photo to see the filters at work").wait_for(timeout=300_000)
            seconds = []
            for n, photo in enumerate(photos):
                started = time.perf_counter()
                page.locator(".st-key-fil_upload input[type=file]").set_input_files(str(photo))
                seconds.append(shown_within(page, 4000 + 2 * n, started))
        browser.close()
    return seconds[0], seconds[1:]


def mode_pictures(width: int = 7700, height: int = 5190) -> dict[str, tuple[Image.Image, str]]:
    """A smooth picture of width x height (40 megapixels by default) in each mode that needs converting, and the
    format it is saved in."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    grey = (np.sin(x / 97) * np.cos(y / 61) + 1) / 2
    del x, y
    g8 = (grey * 255).astype(np.uint8)
    rgb = np.stack([g8, 255 - g8, g8 // 2], axis=2)
    palette = Image.fromarray(rgb).quantize(64)
    see_through = palette.copy()
    see_through.info["transparency"] = 0
    return {
        "RGB (for comparison)": (Image.fromarray(rgb), "PNG"),
        "16-bit grey": (Image.fromarray((grey * 65535).astype(np.uint16)), "PNG"),
        "float grey": (Image.fromarray((grey * 3 - 1).astype(np.float32), mode="F"), "TIFF"),
        "grey with transparency (LA)": (Image.merge("LA", [Image.fromarray(g8), Image.fromarray(255 - g8)]), "PNG"),
        "RGBA": (Image.fromarray(np.dstack([rgb, g8])), "PNG"),
        "palette": (palette, "PNG"),
        "palette with transparency": (see_through, "PNG"),
    }


_PEAK = """
import resource, sys
from dsconv.image_files import DISPLAY_MAX_SIDE, load_image

def peak_mb():
    # VmHWM starts afresh in a new program; ru_maxrss would start at the parent's size, which forked it
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 2**20)

data = open(sys.argv[1], "rb").read()
before = peak_mb()
load_image(data, max_side=DISPLAY_MAX_SIDE)
print(peak_mb() - before)
"""


def modes_main(machine_text: str) -> int:
    """`--modes`: print how far opening each 40-megapixel picture raises a fresh process's peak memory."""
    print(f"{'40-megapixel picture':30s} {'file':>9s} {'peak memory added':>18s}")
    with tempfile.TemporaryDirectory() as folder:
        for name, (picture, fmt) in mode_pictures().items():
            path = Path(folder) / "picture"
            picture.save(path, format=fmt, **({"compression": "tiff_deflate"} if fmt == "TIFF" else {}))
            done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True,
                                  check=False, cwd=Path(__file__).resolve().parents[2])
            if done.returncode:
                print(f"{name:30s} failed: {done.stderr.strip().splitlines()[-1:]}")
                return 1
            size = f"{path.stat().st_size / 1e6:.1f} MB {fmt}"
            print(f"{name:30s} {size:>13s} {float(done.stdout):13.0f} MB")
    print(f"Machine: {machine_text}")
    return 0


def main(argv: list[str]) -> int:
    """Print the timings of the Filters page's path for a generated 12-megapixel photo, and the machine."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench images", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each path (default 5)")
    parser.add_argument("--work-side", type=int, default=512, choices=(256, 512, 1024),
                        help="the hand-made view's working size (the page's default is 512)")
    parser.add_argument("--browser", action="store_true",
                        help="time the whole way in headless Chromium on a fresh server (upload, re-run, drawing)")
    parser.add_argument("--modes", action="store_true",
                        help="the peak memory of opening 40-megapixel pictures of each mode (transparency, 16-bit...)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be 1 or more")
    from dsconv.bench.ui import machine

    if args.browser:
        return browser_main(args.repeats, machine())
    if args.modes:
        return modes_main(machine())

    data = photo_bytes()
    print(f"Photo: 4000 x 3000 JPEG, {len(data) / 1e6:.1f} MB, generated.")
    start = time.perf_counter()
    models, source = tutorial_models()
    print(f"Models: {source}; loading took {time.perf_counter() - start:.2f} s (once per server).")

    def open_photo() -> Image.Image:
        return load_image(data, max_side=DISPLAY_MAX_SIDE)

    picture = open_photo()
    learned_view(picture, models)  # warm-up: Keras builds its functions on the first call
    hand_made_view(picture, args.work_side)

    results = {
        "opening (decode + shrink to 1024)": timed(open_photo, args.repeats),
        f"hand-made view at {args.work_side} px": timed(lambda: hand_made_view(picture, args.work_side), args.repeats),
        "learned view (both models)": timed(lambda: learned_view(picture, models), args.repeats),
        "upload -> hand-made view": timed(lambda: hand_made_view(open_photo(), args.work_side), args.repeats),
        "upload -> learned view": timed(lambda: learned_view(open_photo(), models), args.repeats),
    }
    print(f"\n{'step':40s} {'median':>8s} {'slowest':>8s}")
    for name, seconds in results.items():
        print(f"{name:40s} {statistics.median(seconds):7.2f}s {max(seconds):7.2f}s")
    worst = max(max(results["upload -> hand-made view"]), max(results["upload -> learned view"]))
    verdict = "within" if worst <= GOAL_SECONDS else "OVER"
    print(f"\nSlowest upload-to-result: {worst:.2f} s, {verdict} the {GOAL_SECONDS:.0f} s goal "
          "(Streamlit's own transfer and drawing in the browser come on top).")
    print(f"Machine: {machine()}; NumPy {np.__version__}")
    return 0 if worst <= GOAL_SECONDS else 1


def browser_main(repeats: int, machine_text: str) -> int:
    """`--browser`: print the first upload's time and the median and slowest of the next `repeats`."""
    from dsconv.bench.pages import CHROMIUM

    try:
        import playwright  # noqa: F401
    except ImportError:
        print("error: Playwright is not installed (python3 -m pip install -r requirements-test.txt)")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"error: no Chromium at {CHROMIUM} (apt-get install chromium, or set DSCONV_CHROMIUM)")
        return 2
    first, seconds = browser_uploads(repeats)
    worst = max(seconds)
    print("A 12-megapixel photo handed to the Filters page in headless Chromium, until its learned view is drawn "
          "and quiet (upload, re-run and drawing; a fresh server):")
    print(f"  first upload (also loads the models): {first:.2f} s")
    print(f"  next {repeats}, each a new photo: median {statistics.median(seconds):.2f} s, slowest {worst:.2f} s, "
          f"{'within' if worst <= GOAL_SECONDS else 'OVER'} the {GOAL_SECONDS:.0f} s goal")
    print(f"Machine: {machine_text}")
    return 0 if worst <= GOAL_SECONDS else 1
