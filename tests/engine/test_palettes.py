"""Colours that carry meaning stay apart for the common colour-vision deficiencies.

Each colour is passed through the simulation of protanopia, deuteranopia and tritanopia of Machado, Oliveira and
Fernandes (2009, severity 1.0, in linear RGB), and every pair that must be told apart keeps a CIE76 colour
difference of at least MIN_DELTA_E (about 2.3 is just noticeable; 10 and more reads as a different colour).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

MIN_DELTA_E = 12.0
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
VISIONS = ["normal", *MACHADO]


def linear(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=float) / 255
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of a linear-RGB colour."""
    xyz = np.clip(linear_rgb, 0, 1) @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                                                [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, vision: str) -> np.ndarray:
    rgb = linear([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return lab(rgb if vision == "normal" else np.array(MACHADO[vision]) @ rgb)


def closest(colours: dict[str, str], vision: str) -> tuple[float, str, str]:
    return min((float(np.linalg.norm(seen(a, vision) - seen(b, vision))), name_a, name_b)
               for (name_a, a), (name_b, b) in itertools.combinations(colours.items(), 2))


@pytest.mark.parametrize("vision", VISIONS)
def test_every_layer_kind_has_a_colour_of_its_own(vision):
    from dsconv.kinds import KINDS
    KIND_COLOURS = {name: kind.colour for name, kind in KINDS.items()}

    distance, first, second = closest(KIND_COLOURS, vision)
    assert distance >= MIN_DELTA_E, f"{first} and {second} look alike with {vision} (ΔE {distance:.1f})"


@pytest.mark.parametrize("vision", VISIONS)
def test_signs_stay_apart_at_every_level(vision):
    from dsconv.figures.sliding_parts import signed_colours

    for levels in (2, 3):
        colours = signed_colours(levels)
        for level in range(1, levels + 1):  # the same size of value, below and above zero
            distance = float(np.linalg.norm(seen(colours[level], vision) - seen(colours[-level], vision)))
            assert distance >= MIN_DELTA_E, f"level ±{level} of {levels} ({vision}): ΔE {distance:.1f}"


def test_the_simulation_is_the_published_one():
    """Pure red under protanopia loses most of its lightness (Machado et al.'s matrix), grey stays grey."""
    red = np.array(MACHADO["protanopia"]) @ linear([255, 0, 0])
    assert red[0] == pytest.approx(0.152286 * 1.0, rel=1e-6)
    grey = seen("#808080", "deuteranopia")
    assert abs(grey[1]) < 2 and abs(grey[2]) < 2


# The comparison every page makes: these two must be far apart, not just apart (vermillion and orange, ΔE 18-33,
# merged in the arena's lines on a projector, whose washed-out colours lose much of that).
MAIN_PAIR_DELTA_E = 60.0


@pytest.mark.parametrize("vision", VISIONS)
def test_standard_and_separable_are_far_apart(vision):
    from dsconv.kinds import KINDS

    distance = float(np.linalg.norm(seen(KINDS["standard"].colour, vision) - seen(KINDS["separable"].colour, vision)))
    assert distance >= MAIN_PAIR_DELTA_E, f"{vision}: ΔE {distance:.1f}"


def wcag_contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio, computed here from the sRGB decoding above."""
    light, dark = sorted((float(linear([int(c[i:i + 2], 16) for i in (1, 3, 5)]) @ [0.2126, 0.7152, 0.0722])
                          for c in (first, second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_labels_inside_bars_and_legend_titles_are_readable():
    """Three texts under WCAG's 4.5:1 for small text: the arena replay's legend title (Streamlit's theme grey,
    3.7:1), "over 99.9%" in white on the standard model's vermillion bar (3.9:1), and "24%" in dark grey on the
    dense layers' grey (3.7:1)."""
    from dsconv.figures.filters import predictions_figure
    from dsconv.figures.networks import share_figure
    from dsconv.figures.style import SERIES_COLOURS
    from dsconv.figures.training import replay_figure
    from dsconv.profile import builtin_profile
    from dsconv.training import replay

    runs, _ = replay.load_bundled()
    legend = replay_figure(replay.all_series(runs[:2], ["standard", "separable"])).layout.legend
    assert min(wcag_contrast(legend.title.font.color, "#ffffff"), wcag_contrast(legend.font.color, "#ffffff")) >= 4.5
    for colour in SERIES_COLOURS[:2]:  # the left and right model
        bar = predictions_figure([("ship", 0.9996), ("cat", 0.0004)], None, color=colour).data[0]
        assert wcag_contrast(bar.insidetextfont.color, colour) >= 4.5, colour
    for name in ("mobilenet_v1_100", "vgg16"):
        for trace in share_figure(builtin_profile(name)).data:
            assert wcag_contrast(trace.insidetextfont.color, trace.marker.color) >= 4.5, (name, trace.name)
