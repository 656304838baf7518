"""The tutorial's models run in NumPy: the same weights as Keras, the same sums, no TensorFlow.

A trained CNN is nothing but these sums: each convolution multiplies a k x k window of every channel it reads by its
weights and adds them up, then adds a bias and keeps the positive part (ReLU); max-pooling keeps the largest of each
2 x 2; the last layer weighs every number once more and softmax turns the scores into probabilities.

Weights come from a Keras 3 `.weights.h5` file, read with h5py as plain arrays (nothing in the file is run). Keras keys
them by layer class and order (`layers/separable_conv2d_3/vars/0`), so the reader walks the layers the model config
says it has (dsconv.kinds.layer_specs, the same list the Keras models are built from) and checks every shape.
tests/engine/test_numpy_model.py compares every row, hidden output and probability with Keras's.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dsconv import ONE_AT_A_TIME
from dsconv.costs.network import block_filters
from dsconv.kinds import layer_specs
from dsconv.training.models import ModelConfig

SNAKE = {"Conv2D": "conv2d", "DepthwiseConv2D": "depthwise_conv2d", "SeparableConv2D": "separable_conv2d",
         "BatchNormalization": "batch_normalization", "Dense": "dense"}  # Keras's names for the classes in a file
BATCHNORM_EPSILON = 1e-3  # Keras's default
MAX_WEIGHT_FILE_BYTES = 200_000_000  # the tutorial's standard model is 4.8 MB


class WeightFileError(ValueError):
    """A weights file that does not fit the model it should hold, said in one sentence."""


@dataclass(frozen=True)
class Row:
    """One convolution row of the network: its name (block1_conv1), kind and weight arrays, in Keras's order."""

    name: str
    kind: str
    weights: dict[str, list[np.ndarray]]  # Keras class -> the arrays of each of its layers in the row, in order


@dataclass(frozen=True)
class Forward:
    """One batch through the network: each row's output, the hidden depthwise output of the separable kinds (as
    dsconv.images.learned shows them), the scores before softmax and the probabilities."""

    rows: dict[str, np.ndarray]
    hidden: dict[str, np.ndarray]
    logits: np.ndarray
    probabilities: np.ndarray


def _windows(x: np.ndarray, k: int) -> np.ndarray:
    """(N, H, W, C, k, k): each output position's k x k window, with TensorFlow's "same" zero padding (stride 1)."""
    before = (k - 1) // 2
    padded = np.pad(x, ((0, 0), (before, k - 1 - before), (before, k - 1 - before), (0, 0)))
    return np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(1, 2))


def conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """Standard convolution, "same", stride 1: out[n, h, w, o] = sum over i, j, c of window[i, j, c] * kernel[i, j, c, o]."""
    k = kernel.shape[0]
    out = x @ kernel[0, 0] if k == 1 else np.einsum("nhwcij,ijco->nhwo", _windows(x, k), kernel, optimize=True)
    return out if bias is None else out + bias


def depthwise_conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """Depthwise convolution, "same", stride 1, depth multiplier m: channel c gives outputs c*m .. c*m + m - 1, each from
    channel c alone (Keras's order)."""
    k, _, channels, multiplier = kernel.shape
    out = np.einsum("nhwcij,ijcm->nhwcm", _windows(x, k), kernel, optimize=True)
    out = out.reshape(*out.shape[:3], channels * multiplier)
    return out if bias is None else out + bias


def batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """BatchNormalization at inference: (x - moving mean) / sqrt(moving variance + epsilon) * gamma + beta."""
    return (x - mean) / np.sqrt(variance + BATCHNORM_EPSILON) * gamma + beta


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def max_pool(x: np.ndarray) -> np.ndarray:
    """2 x 2 max-pooling, stride 2, "valid" (an odd last row or column is dropped, as Keras does)."""
    n, h, w, c = x.shape
    x = x[:, : h // 2 * 2, : w // 2 * 2]
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class NumpyModel:
    """The tutorial's VGG for one ModelConfig, with its weights, run in NumPy (float32, as Keras runs it)."""

    RECENT = 8  # batches whose results are kept: a page re-run asks again for the picture it just showed

    def __init__(self, config: ModelConfig, rows: list[Row], dense: list[np.ndarray]) -> None:
        self.config, self.rows, self.dense = config, rows, dense
        self._recent: OrderedDict[str, Forward] = OrderedDict()  # shared by every session: guarded by the lock
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop the kept results (a benchmark times a new picture's pass this way)."""
        with self._lock:
            self._recent.clear()

    def forward_once(self, images: np.ndarray) -> Forward:
        """forward(), kept for the last RECENT batches: the maps, the kernels' picture and the top-5 of one picture
        come from one pass, and a re-run of the page for the same picture does no arithmetic again."""
        batch = np.ascontiguousarray(images, np.float32)
        key = hashlib.blake2b(batch.tobytes(), digest_size=16).hexdigest() + str(batch.shape)
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        result = self.forward(batch)
        with self._lock:
            self._recent[key] = result
            while len(self._recent) > self.RECENT:
                self._recent.popitem(last=False)
        return result

    @property
    def row_names(self) -> list[str]:
        return [row.name for row in self.rows]

    def count_params(self) -> int:
        """Every number the model holds, BatchNorm's moving statistics included (as Keras counts them)."""
        arrays = [array for row in self.rows for layers in row.weights.values() for layer in layers for array in layer]
        return sum(array.size for array in arrays + list(self.dense))

    def forward(self, images: np.ndarray) -> Forward:
        """Run a batch (N, H, W, 3) of 0-255 pictures; the model scales them itself when its config says so."""
        x = np.asarray(images, np.float32)
        if self.config.input_scaling == "unit":
            x = x * np.float32(1 / 255)  # Keras's Rescaling multiplies by the scale
        outputs, hidden = {}, {}
        per_block = self.config.network.convs_per_block
        for index, row in enumerate(self.rows):
            x, hidden_x = self._row(row, x)
            outputs[row.name] = x
            if hidden_x is not None:
                hidden[row.name] = hidden_x
            if (index + 1) % per_block == 0:
                x = max_pool(x)
        kernel, bias = self.dense
        logits = x.reshape(len(x), -1) @ kernel + bias
        return Forward(outputs, hidden, logits, softmax(logits))

    @staticmethod
    def _row(row: Row, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        w = row.weights
        if row.kind == "standard":
            return relu(conv2d(x, *w["Conv2D"][0])), None
        if row.kind == "separable":  # no depthwise bias, one ReLU at the end
            depthwise, pointwise, *bias = w["SeparableConv2D"][0]
            hidden = depthwise_conv2d(x, depthwise)
            return relu(conv2d(hidden, pointwise, *bias)), hidden
        if row.kind == "depthwise_pointwise":  # the tutorial's layer: bias and ReLU after each step
            hidden = relu(depthwise_conv2d(x, *w["DepthwiseConv2D"][0]))
            return relu(conv2d(hidden, *w["Conv2D"][0])), hidden
        # MobileNet block: no biases; BatchNorm and ReLU after each step
        hidden = relu(batch_norm(depthwise_conv2d(x, *w["DepthwiseConv2D"][0]), *w["BatchNormalization"][0]))
        return relu(batch_norm(conv2d(hidden, *w["Conv2D"][0]), *w["BatchNormalization"][1])), hidden


def _weight_shapes(class_name: str, args: dict, channels: int) -> tuple[list[tuple[int, ...]], int]:
    """The shapes of a Keras layer's weights, in its file's order, for `channels` in, and the channels it gives out."""
    k = args.get("kernel_size", 1)
    kernel = (k, k) if isinstance(k, int) else tuple(k)
    bias = args.get("use_bias", True)
    if class_name == "Conv2D":
        filters = args["filters"]
        return [(*kernel, channels // args.get("groups", 1), filters)] + [(filters,)] * bias, filters
    multiplier = args.get("depth_multiplier", 1)
    if class_name == "DepthwiseConv2D":
        return [(*kernel, channels, multiplier)] + [(channels * multiplier,)] * bias, channels * multiplier
    if class_name == "SeparableConv2D":
        filters = args["filters"]
        return ([(*kernel, channels, multiplier), (1, 1, channels * multiplier, filters)] + [(filters,)] * bias,
                filters)
    return [(channels,)] * 4, channels  # BatchNormalization: gamma, beta, moving mean, moving variance


def _expected_rows(config: ModelConfig) -> list[tuple[str, list[tuple[str, list[tuple[int, ...]]]]]]:
    """(row name, [(Keras class of a layer that holds weights, the shapes of its weights)]) for every convolution
    row, in order, and last ("dense", [("Dense", [kernel, bias])])."""
    network = config.network
    height, width, channels = network.input_shape
    rows = []
    for block, filters in enumerate(block_filters(network.filters, network.blocks, network.width_multiplier), 1):
        for conv in range(1, network.convs_per_block + 1):
            specs = layer_specs(network.conv_kind, out_channels=filters, kernel_size=network.kernel_size,
                                padding="same", activation="relu", name=f"block{block}_conv{conv}")
            layers = []
            for spec in specs:
                if spec.class_name in SNAKE:
                    shapes, channels = _weight_shapes(spec.class_name, spec.args, channels)
                    layers.append((spec.class_name, shapes))
            rows.append((f"block{block}_conv{conv}", layers))
        height, width = height // 2, width // 2  # each block ends in a 2 x 2 max-pool ("valid")
    rows.append(("dense", [("Dense", [(height * width * channels, network.num_classes), (network.num_classes,)])]))
    return rows


def load_numpy_model(path: str | Path, config: ModelConfig) -> NumpyModel:
    """The model of `config` with the weights in a Keras 3 `.weights.h5` file; WeightFileError if they do not fit."""
    with ONE_AT_A_TIME:
        import h5py

    path = Path(path)
    if not path.is_file() or path.stat().st_size > MAX_WEIGHT_FILE_BYTES:
        raise WeightFileError(f"{path.name} is missing or larger than {MAX_WEIGHT_FILE_BYTES // 1_000_000} MB.")
    config.validate()
    counts: dict[str, int] = {}

    def next_name(class_name: str) -> str:
        number = counts.get(class_name, 0)
        counts[class_name] = number + 1
        return SNAKE[class_name] + (f"_{number}" if number else "")

    try:
        with h5py.File(path, "r") as weights_file:
            def arrays(class_name: str) -> list[np.ndarray]:
                group = weights_file.get(f"layers/{next_name(class_name)}/vars")
                if group is None:
                    raise WeightFileError(f"{path.name} has no weights for a {class_name} layer the model needs: it "
                                          f"was saved from a different model than its record describes.")
                return [np.asarray(group[key], np.float32) for key in sorted(group, key=int)]

            rows, dense = [], []
            for name, layers in _expected_rows(config):
                weights: dict[str, list[list[np.ndarray]]] = {}
                for class_name, shapes in layers:
                    found = arrays(class_name)
                    _check_shapes(path.name, name, class_name, [array.shape for array in found], shapes)
                    weights.setdefault(class_name, []).append(found)
                if name == "dense":
                    dense = weights["Dense"][0]
                else:
                    rows.append(Row(name, config.network.conv_kind, weights))
    except OSError as exc:
        raise WeightFileError(f"{path.name} is not a readable weights file ({exc}).") from exc
    return NumpyModel(config, rows, dense)


def _check_shapes(file_name: str, row: str, class_name: str, found: list[tuple[int, ...]],
                  expected: list[tuple[int, ...]]) -> None:
    """Every weight of a layer in the shape the model needs, or a sentence. NumPy would broadcast some wrong ones
    silently (a bias of one number added to every channel) and give wrong maps and classes, not an error."""
    if found == expected:
        return
    if len(found) != len(expected):
        said = f"has {len(found)} weight arrays, and the model needs {len(expected)}"
    else:
        wrong = next(n for n, (have, need) in enumerate(zip(found, expected)) if have != need)
        said = (f"has its weight array {wrong + 1} of shape {_shape(found[wrong])}, and the model needs "
                f"{_shape(expected[wrong])}")
    where = "the dense layer" if row == "dense" else f"{row}'s {class_name} layer"
    raise WeightFileError(f"{file_name} does not fit its model: {where} {said}. It was saved from a different model "
                          "than its record describes.")


def _shape(shape: tuple[int, ...]) -> str:
    return " x ".join(map(str, shape)) if shape else "a single number"


def pretrained_numpy_model(name: str) -> NumpyModel:
    """A shipped pretrained model (e.g. 'tutorial_standard') in NumPy: its record's config, its shipped weights."""
    with ONE_AT_A_TIME:
        from dsconv.training.pretrained import RUNS_DIR, pretrained_info

    _, part = pretrained_info(name)
    return load_numpy_model(RUNS_DIR / part.weights, ModelConfig.from_dict(part.model))
