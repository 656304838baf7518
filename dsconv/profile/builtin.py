"""The built-in architectures: their configs (shipped as gzipped JSON, made by tools/make_profile_assets.py from
`keras.applications` with `weights=None`) and the figures their papers publish.

Published figures are quoted, never measured here: multiply-adds and parameters as each paper counts them, and
top-1 accuracy on the data set it names.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dsconv import ASSETS
from dsconv.profile.graph import profile_config
from dsconv.profile.table import Profile

ASSET_DIR = ASSETS / "profile"
SIZES = (96, 128, 160, 192, 224, 256, 299, 320)  # input sizes the page offers besides a model's own


@dataclass(frozen=True)
class Published:
    """What a paper says about one model at one input size."""

    source: str  # the paper and table
    multiply_adds: str | None = None  # as the paper prints it ("569 M"); None: the paper gives none
    params: str | None = None
    top1: float | None = None  # percent
    dataset: str = "ImageNet"
    note: str = ""  # how the paper measured, where that matters
    conv_only: bool = False  # its multiply-adds are the convolution layers' alone
    protocol: str = "single crop"  # how the accuracy was measured: accuracies are compared on one protocol only
    one_run: bool = False  # its accuracy is one training run's (one seed), as the Training arena's records are
    top1_places: int | None = None  # the decimals the source prints, where a float drops a trailing zero (75.60)

    @property
    def top1_text(self) -> str:
        """The published accuracy as its source prints it (percent, without the sign): '70.6', '77.15', '75.60'."""
        if self.top1 is None:
            return "—"
        return f"{self.top1:.{self.top1_places}f}" if self.top1_places is not None else percent_text(self.top1)


@dataclass(frozen=True)
class Architecture:
    """One built-in network: its asset, how it was built, its input size and its papers' figures by input size."""

    name: str  # asset file and URL value
    title: str
    builder: str  # a keras.applications function, or "tutorial" for dsconv's own VGG models
    size: int  # its input's height and width
    published: dict[int, Published] = field(default_factory=dict)
    keras_args: dict[str, Any] = field(default_factory=dict)


def _mobilenet_v1(alpha: float, name: str, published: dict[int, Published]) -> Architecture:
    return Architecture(name, f"MobileNet V1, width {alpha:g}", "MobileNet", 224, published, {"alpha": alpha})


_V1 = "MobileNet paper (Howard et al. 2017)"
# tutorial.md's figures: its parameter table, its multiply-adds per image (152.8 M and 18.3 M) and its training logs.
# It said "counted from its layers", which read as this page's own count set beside itself as the paper's.
_TUTORIAL_SOURCE = "the tutorial's figures: its parameter table, its multiply-adds per image and its training logs"
ARCHITECTURES: dict[str, Architecture] = {arch.name: arch for arch in (
    Architecture("vgg_standard", "Tutorial VGG, standard Conv2D", "tutorial", 32,
                 {32: Published(_TUTORIAL_SOURCE, "152.8 M", "1,186,378", 75.60,
                                "CIFAR-10", "its best epoch, read off the test set", protocol="best epoch, test set",
                                one_run=True, top1_places=2)},
                 {"conv_kind": "standard"}),
    Architecture("vgg_separable", "Tutorial VGG, SeparableConv2D", "tutorial", 32,
                 {32: Published(_TUTORIAL_SOURCE, "18.3 M", "174,821", 75.82,
                                "CIFAR-10", "its best epoch, read off the test set", protocol="best epoch, test set",
                                one_run=True, top1_places=2)},
                 {"conv_kind": "separable"}),
    _mobilenet_v1(1.0, "mobilenet_v1_100", {
        224: Published(f"{_V1}, Tables 7 and 8", "569 M", "4.2 M", 70.6),
        192: Published(f"{_V1}, Table 7", "418 M", "4.2 M", 69.1),
        160: Published(f"{_V1}, Table 7", "290 M", "4.2 M", 67.2),
        128: Published(f"{_V1}, Table 7", "186 M", "4.2 M", 64.4)}),
    _mobilenet_v1(0.75, "mobilenet_v1_075", {224: Published(f"{_V1}, Table 6", "325 M", "2.6 M", 68.4)}),
    _mobilenet_v1(0.5, "mobilenet_v1_050", {224: Published(f"{_V1}, Table 6", "149 M", "1.3 M", 63.7)}),
    _mobilenet_v1(0.25, "mobilenet_v1_025", {224: Published(f"{_V1}, Table 6", "41 M", "0.5 M", 50.6)}),
    Architecture("mobilenet_v2", "MobileNetV2", "MobileNetV2", 224,
                 {224: Published("MobileNetV2 paper (Sandler et al. 2018), Table 4", "300 M", "3.4 M", 72.0)}),
    Architecture("mobilenet_v3_small", "MobileNetV3 Small", "MobileNetV3Small", 224,
                 {224: Published("MobileNetV3 paper (Howard et al. 2019), Table 3", "56 M", "2.5 M", 67.4)}),
    Architecture("mobilenet_v3_large", "MobileNetV3 Large", "MobileNetV3Large", 224,
                 {224: Published("MobileNetV3 paper (Howard et al. 2019), Table 3", "219 M", "5.4 M", 75.2)}),
    Architecture("efficientnet_b0", "EfficientNetB0", "EfficientNetB0", 224,
                 {224: Published("EfficientNet paper (Tan and Le 2019), Table 2", "0.39 B", "5.3 M", 77.1,
                                 note="its FLOPs column counts multiply-adds")}),
    Architecture("xception", "Xception", "Xception", 299,
                 {299: Published("Xception paper (Chollet 2017), Tables 1 and 3", None, "22,855,952", 79.0,
                                 note="the paper gives no multiply-add count")}),
    Architecture("resnet50", "ResNet50", "ResNet50", 224,
                 {224: Published("ResNet paper (He et al. 2015), Tables 1 and 3", "3.8 G", None, 77.15,
                                 note="its accuracy is from 10-crop testing; its 3.8 x 10^9 FLOPs are multiply-adds "
                                      "(Section 3.3 says so of its 34-layer network's 3.6 billion), and it gives no "
                                      "parameter count",
                                 protocol="10-crop testing")}),
    Architecture("vgg16", "VGG16", "VGG16", 224,
                 {224: Published(f"{_V1}, Table 8", "15.3 G", "138 M", 71.5,
                                 note="it does not say what its 15.3 G multiply-adds count; the convolution layers' "
                                      "round to it, the whole network's (dense layers too) to 15.5 G",
                                 conv_only=True)}),
)}


@lru_cache(maxsize=None)
def builtin_config(name: str) -> dict:
    """A built-in architecture's Keras config, read from its gzipped JSON asset."""
    if name not in ARCHITECTURES:
        raise ValueError(f"No built-in architecture is called {name!r}; choose one of {', '.join(ARCHITECTURES)}.")
    return json.loads(gzip.decompress((ASSET_DIR / f"{name}.json.gz").read_bytes()))


def builtin_profile(name: str, size: int | None = None) -> Profile:
    """A built-in architecture profiled at `size` x `size` (its own input size by default)."""
    config = builtin_config(name)  # refuses an unknown name
    arch = ARCHITECTURES[name]
    side = size or arch.size
    title = arch.title if side == arch.size else f"{arch.title} at {side}x{side}"
    return profile_config(config, input_shape=(side, side, 3), name=title)


def percent_text(value: float) -> str:
    """A published accuracy as printed: 70.6 -> '70.6', 77.15 -> '77.15', 72.0 -> '72.0'."""
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


_UNITS = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "B": 1e9}


def paper_number(text: str) -> tuple[float, float]:
    """A figure as a paper prints it, and half a unit of its last digit: '0.39 B' -> (3.9e8, 5e6); '1,186,378' ->
    (1186378, 0.5)."""
    digits, _, unit = text.replace(",", "").partition(" ")
    scale = _UNITS[unit]
    decimals = len(digits.partition(".")[2])
    return float(digits) * scale, 0.5 * scale / 10**decimals


def published(name: str, size: int | None = None) -> Published | None:
    """What the papers say about a built-in architecture at an input size, or None where they say nothing."""
    arch = ARCHITECTURES[name]
    return arch.published.get(size or arch.size)
