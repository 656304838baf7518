"""Learned filters: what a trained model's convolutions do to one picture.

Works on the VGG models of `dsconv.training.models` (any conv kind): a convolution "row" is the Keras layer
`block{b}_conv{i}` (Conv2D or SeparableConv2D) or the layers `block{b}_conv{i}_dw`, `_pw`, ...
For every row it gives the row's output (after its activation) and, for the separable kinds, the
hidden depthwise output that the pointwise mix then combines:
- Keras SeparableConv2D: the depthwise step alone, no bias, no activation (Keras applies neither);
- the tutorial's DepthwiseConv2D + Conv2D(1x1): the `_dw` layer's output, with its bias and ReLU;
- a MobileNet block: the input of `_pw`, i.e. after the depthwise BatchNorm and ReLU.
Every function takes a Keras model or a dsconv.images.numpy_model.NumpyModel (the shipped models run in NumPy, with the
same weights and the same numbers): Keras is imported only for a Keras model, inside the functions.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from dsconv import ONE_AT_A_TIME
from dsconv.images.numpy_model import NumpyModel
from dsconv.kinds import NETWORK_KINDS, noun

ROW_NAME = re.compile(r"^(block\d+_conv\d+)(?:_(?:dw|pw)(?:_bn|_relu)?)?$")
HIDDEN_NOTES = {
    "separable": "the depthwise step of SeparableConv2D: no bias, no activation (Keras applies neither there)",
    "depthwise_pointwise": "the DepthwiseConv2D layer's output, with its bias and ReLU (the tutorial's custom layer)",
    "mobilenet": "the depthwise step after its BatchNorm and ReLU (MobileNet block)",
}
class FeatureError(ValueError):
    """A model or layer that this page cannot look inside, explained in one sentence."""


def conv_rows(model: Any) -> list[str]:
    """The model's convolution rows in order: block1_conv1, block1_conv2, block2_conv1, ..."""
    if isinstance(model, NumpyModel):
        return model.row_names
    rows: list[str] = []
    for layer in model.layers:
        match = ROW_NAME.match(layer.name)
        if match and match.group(1) not in rows:
            rows.append(match.group(1))
    if not rows:
        raise FeatureError(f"The model {model.name!r} has no layers named block1_conv1 ...; "
                           "only models built by dsconv.training.models can be shown here.")
    return rows


def row_kind(model: Any, row: str) -> str:
    """standard | separable | depthwise_pointwise | mobilenet: which kind of convolution the row is."""
    if isinstance(model, NumpyModel):
        if row not in model.row_names:
            raise FeatureError(f"The model has no convolution row {row!r}; choose one of {', '.join(model.row_names)}.")
        return model.config.network.conv_kind
    names = {layer.name for layer in model.layers}
    if row in names:
        kind = type(model.get_layer(row)).__name__
        if kind == "Conv2D":
            return "standard"
        if kind == "SeparableConv2D":
            return "separable"
        raise FeatureError(f"The layer {row} is a {kind}, not a convolution this page knows.")
    if f"{row}_dw" in names and f"{row}_pw" in names:
        return "mobilenet" if f"{row}_dw_bn" in names else "depthwise_pointwise"
    raise FeatureError(f"The model {model.name!r} has no convolution row {row!r}; choose one of "
                       f"{', '.join(conv_rows(model))}.")


@dataclass(frozen=True)
class FirstLayerKernels:
    """The weights of a model's first convolution row."""

    kind: str
    standard: np.ndarray | None  # (k, k, C, N) for Conv2D
    depthwise: np.ndarray | None  # (k, k, C*m) for the separable kinds: one k x k kernel per channel
    pointwise: np.ndarray | None  # (C*m, N): P[c, n], how much of channel c goes into output n


def first_layer_kernels(model: Any) -> FirstLayerKernels:
    """The first row's kernels: one (k, k, C, N) tensor, or depthwise (k, k, C) plus pointwise (C, N)."""
    row = conv_rows(model)[0]
    kind = row_kind(model, row)
    if isinstance(model, NumpyModel):
        weights = model.rows[0].weights
        if kind == "standard":
            return FirstLayerKernels(kind, weights["Conv2D"][0][0], None, None)
        depthwise, pointwise = (weights["SeparableConv2D"][0][:2] if kind == "separable"
                                else (weights["DepthwiseConv2D"][0][0], weights["Conv2D"][0][0]))
    elif kind == "standard":
        return FirstLayerKernels(kind, np.asarray(model.get_layer(row).get_weights()[0]), None, None)
    elif kind == "separable":
        depthwise, pointwise = model.get_layer(row).get_weights()[:2]
    else:
        depthwise = model.get_layer(f"{row}_dw").get_weights()[0]
        pointwise = model.get_layer(f"{row}_pw").get_weights()[0]
    k_h, k_w, channels, multiplier = depthwise.shape
    return FirstLayerKernels(kind, None, np.asarray(depthwise).reshape(k_h, k_w, channels * multiplier),
                             np.asarray(pointwise)[0, 0])


@dataclass(frozen=True)
class FeatureMaps:
    """One row's response to one picture."""

    row: str
    kind: str
    output: np.ndarray  # (H, W, N): the row's output, after its activation
    hidden: np.ndarray | None  # (H, W, C*m): the depthwise output before the pointwise mix, or None
    hidden_note: str  # what `hidden` is exactly, for the caption
    hidden_sources: tuple[str, ...] = ()  # per hidden map, the one input channel it was made from



# One probe model per (model, row), built once: building a Keras model costs tens of milliseconds.
_PROBES: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()


def _probe(model: Any, row: str, kind: str) -> Any:
    cache = _PROBES.setdefault(model, {})
    if row not in cache:
        with ONE_AT_A_TIME:
            import keras

        if kind == "standard":
            outputs = [model.get_layer(row).output]
        elif kind == "separable":
            layer = model.get_layer(row)
            outputs = [layer.output, layer.input]  # the hidden step is computed from the layer's input
        else:
            last = f"{row}_pw" if kind == "depthwise_pointwise" else f"{row}_pw_relu"
            outputs = [model.get_layer(last).output, model.get_layer(f"{row}_pw").input]
        cache[row] = keras.Model(model.inputs[0], outputs, name=f"probe_{row}")
    return cache[row]


def model_input_shape(model: Any) -> tuple[int, int, int]:
    """(height, width, channels) of the pictures the model takes."""
    return tuple(model.config.network.input_shape if isinstance(model, NumpyModel) else model.inputs[0].shape[1:])


def model_classes(model: Any) -> int:
    """How many classes the model tells apart."""
    return model.config.network.num_classes if isinstance(model, NumpyModel) else int(model.outputs[0].shape[-1])


def model_batch(model: Any, image: np.ndarray) -> np.ndarray:
    """One picture (H, W, 3), 0-255, as the float32 batch the model takes; the model does its own scaling."""
    image = np.asarray(image)
    expected = tuple(model_input_shape(model))
    if image.shape != expected:
        raise FeatureError(f"The model takes {expected[0]} x {expected[1]} x {expected[2]} pictures; this one is "
                           f"{' x '.join(map(str, image.shape))}. Use dsconv.images.loading.to_model_input first.")
    return image.astype(np.float32)[None]


def feature_maps(model: Any, image: np.ndarray, row: str) -> FeatureMaps:
    """The row's output for `image` (0-255, the model's input size) and, if separable, its hidden depthwise output."""
    kind = row_kind(model, row)
    if isinstance(model, NumpyModel):
        result = model.forward_once(model_batch(model, image))
        output, hidden = result.rows[row][0], result.hidden.get(row)
        hidden = None if hidden is None else hidden[0]
        index = model.row_names.index(row)
        input_channels = model_input_shape(model)[2] if index == 0 else \
            result.rows[model.row_names[index - 1]].shape[-1]
        sources = hidden_sources(input_channels, hidden.shape[2], index == 0) if hidden is not None else ()
        return FeatureMaps(row, kind, output, hidden, HIDDEN_NOTES.get(kind, ""), sources)
    with ONE_AT_A_TIME:
        import keras

    # predict_on_batch runs a compiled function: several times faster than an eager call after the first.
    results = _probe(model, row, kind).predict_on_batch(model_batch(model, image))
    results = results if isinstance(results, (list, tuple)) else [results]
    output = np.asarray(results[0])[0]
    hidden = None
    if kind == "separable":
        layer = model.get_layer(row)
        hidden = keras.ops.depthwise_conv(np.asarray(results[1]), layer.depthwise_kernel, strides=layer.strides,
                                          padding=layer.padding, dilation_rate=layer.dilation_rate)
        hidden = keras.ops.convert_to_numpy(hidden)[0]
    elif kind != "standard":
        hidden = np.asarray(results[1])[0]
    sources: tuple[str, ...] = ()
    if hidden is not None:
        first = model.get_layer(row if kind == "separable" else f"{row}_dw")
        sources = hidden_sources(int(first.input.shape[-1]), hidden.shape[2], row == conv_rows(model)[0])
    return FeatureMaps(row, kind, output, hidden, HIDDEN_NOTES.get(kind, ""), sources)


def hidden_sources(input_channels: int, hidden_channels: int, reads_the_picture: bool) -> tuple[str, ...]:
    """Where each depthwise map comes from: map j reads input channel j // m (m = depth multiplier), as Keras orders them.

    The first row reads the picture: 'from R', 'from G', 'from B'; later rows read the maps of the row before.
    """
    multiplier = max(1, hidden_channels // input_channels)
    names = ("R", "G", "B") if reads_the_picture and input_channels == 3 else \
        tuple(f"map {c + 1}" for c in range(input_channels))
    return tuple(f"from {names[j // multiplier]}" for j in range(hidden_channels))


def top_predictions(model: Any, image: np.ndarray, class_names: tuple[str, ...], k: int = 5) -> list[tuple[str, float]]:
    """The k most likely classes with their probabilities (the model's softmax), most likely first."""
    batch = model_batch(model, image)
    probabilities = (model.forward_once(batch).probabilities if isinstance(model, NumpyModel)
                     else np.asarray(model.predict_on_batch(batch)))[0]
    if len(probabilities) != len(class_names):
        raise FeatureError(f"The model predicts {len(probabilities)} classes but {len(class_names)} names were given.")
    order = np.argsort(-probabilities, kind="stable")[:k]
    return [(class_names[i], float(probabilities[i])) for i in order]


def strongest_channels(maps: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` channels with the largest mean absolute response, strongest first; all of them, in
    their own order, where `count` takes every one (a separable model's three depthwise maps read "from B, from G,
    from R" under filters shown red, green, blue)."""
    strength = np.abs(np.asarray(maps)).mean(axis=(0, 1))
    if count >= len(strength):
        return np.arange(len(strength))
    return np.argsort(-strength, kind="stable")[:count]


# --- The shipped pretrained models, described without TensorFlow ----------------------------------

# "better" named the recipe better than the tutorial's way of measuring (pixels scaled to 0-1, a held-out validation
# split, the test set used once), and read as better results: its test accuracies are the lower of the two recipes'.
RECIPE_LABELS = {"tutorial": "the tutorial's recipe", "better": "the held-out recipe"}
OLDER_RECIPE_LABELS = {"better": "the better recipe"}  # what the pickers showed, and links saved, before 2026-12-04


def pretrained_label(name: str, labels: dict[str, str] = RECIPE_LABELS) -> str:
    """'tutorial_standard' -> "Pretrained standard model (the tutorial's recipe)"."""
    recipe, _, arch = name.partition("_")
    return f"Pretrained {noun(arch)} model ({labels.get(recipe, recipe)})"


def older_pretrained_labels(names: list[str]) -> dict[str, str]:
    """{a label a shipped model had before: its label now}, for links saved then."""
    return {pretrained_label(name, {**RECIPE_LABELS, **OLDER_RECIPE_LABELS}): pretrained_label(name) for name in names
            if name.partition("_")[0] in OLDER_RECIPE_LABELS}


def pretrained_catalogue() -> list[tuple[str, str]]:
    """(name, label) of every shipped model, the tutorial's first, standard before separable; [] if none."""
    with ONE_AT_A_TIME:
        from dsconv.training.pretrained import available_pretrained

    try:
        names = available_pretrained()
    except ValueError:  # a damaged record (RunFileError is a ValueError)
        return []
    recipes = list(RECIPE_LABELS)

    def order(name: str) -> tuple[int, int, str]:
        recipe, _, arch = name.partition("_")
        return (recipes.index(recipe) if recipe in recipes else len(recipes),
                NETWORK_KINDS.index(arch) if arch in NETWORK_KINDS else len(NETWORK_KINDS), name)

    return [(name, pretrained_label(name)) for name in sorted(names, key=order)]


ON_THE_TEST_SET = ", on the test set, which it validated on as the tutorial did"  # then " (our run, measured ...)"


def joined_notes(labels: Sequence[str], notes: Sequence[str]) -> str:
    """Each model's note after its label, and a tail they all share said once: two runs that validated on the test
    set on one day said "on the test set, which it validated on as the tutorial did (our run, measured ...)" twice in
    one caption."""
    said = " · ".join(f"{label}: {note}" for label, note in zip(labels, notes))
    tails = {note[note.find(ON_THE_TEST_SET):] for note in notes}
    if len(notes) < 2 or any(ON_THE_TEST_SET not in note for note in notes) or len(tails) != 1:
        return said
    run = tails.pop()[len(ON_THE_TEST_SET):]  # " (our run, measured 2026-11-25)"
    heads = " · ".join(f"{label}: {note[:note.find(ON_THE_TEST_SET)]}" for label, note in zip(labels, notes))
    return (f"{heads}; {'both' if len(notes) == 2 else 'all'} on the test set, which they validated on as the "
            f"tutorial did{run.replace('(our run,', '(our runs,', 1)}")


def pretrained_facts(name: str) -> tuple[tuple[str, ...] | None, str]:
    """Class names (None if the record has none) and a note that says which accuracy it quotes, of which run."""
    with ONE_AT_A_TIME:
        from dsconv.training.pretrained import pretrained_info
        from dsconv.training.replay import record_date

    record, part = pretrained_info(name)
    names = tuple(record.data.get("class_names") or ()) or None
    epochs = len(part.epochs)
    run = f"our run, {record_date(record)}"
    final = part.final_val_accuracy()
    if record.validation_on_test and final is not None:
        # "on the test set" once: it said so twice ("..., on the test set (our run; it validated on the test set")
        return names, f"final validation accuracy {final:.3f} after {epochs} epochs{ON_THE_TEST_SET} ({run})"
    if part.test_accuracy is not None:
        best = part.best_val_accuracy()
        best_text = f"; best validation accuracy {best:.3f}" if best is not None else ""
        return names, f"test accuracy {part.test_accuracy:.3f}, measured once after {epochs} epochs ({run}{best_text})"
    return names, f"trained for {epochs} epochs ({run})"
