"""The tutorial's VGG-style CIFAR-10 models as Keras 3 models, with every variant the app explores.

Layer names match the rows of `dsconv.costs.network.network_summary`: a plain convolution is the Keras
layer `block{b}_conv{i}`; a composite one (depthwise + pointwise, or the MobileNet block) is several
Keras layers named with that prefix and an underscore (`block1_conv1_dw`, `block1_conv1_pw`, ...).
The code uses only `keras.layers`, so the same models run on the TensorFlow, JAX or PyTorch backend.
Keras is imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from dsconv import ONE_AT_A_TIME
from dsconv.costs.network import NetworkConfig, block_filters
from dsconv.kinds import NETWORK_KINDS, keras_layers

INPUT_SCALINGS = ("unit", "none")
DEPTHWISE_INITS = ("per_channel", "keras")
INPUT_SCALING_WORDS = {"unit": "pixels scaled to 0-1", "none": "raw 0-255 pixels"}
DEPTHWISE_INIT_WORDS = {"per_channel": "a per-channel depthwise initializer (glorot over each kernel's own k x k)",
                        "keras": "Keras's default depthwise initializer"}


class ModelConfigError(ValueError):
    """A model setting that cannot be built, explained in one sentence."""


@dataclass(frozen=True)
class ModelConfig:
    """Everything that decides a model: its layers (a NetworkConfig) and how it starts; the defaults are the
    tutorial's standard model, except the input scaling and the depthwise initializer."""

    network: NetworkConfig = NetworkConfig()  # the layers: kind, blocks, filters, kernel, width, input, classes
    input_scaling: str = "unit"  # "unit": divide by 255 (new runs); "none": raw 0-255 pixels, as the tutorial
    # "keras": Keras's glorot_uniform, which counts all C input channels in a depthwise kernel's fan-in
    # although each kernel sees one channel, so every depthwise layer shrinks the signal about C/2 times
    # (the tutorial's setting; it only trains with raw 0-255 pixels). "per_channel": glorot with the
    # true fans (k*k each), so separable models also train on 0-1 inputs.
    depthwise_init: str = "per_channel"

    @classmethod
    def of(cls, **settings: Any) -> "ModelConfig":
        """A ModelConfig from flat settings, each given to the config it belongs to: ModelConfig.of(conv_kind="separable",
        blocks=2, input_scaling="none")."""
        network = {key: settings.pop(key) for key in list(settings) if key in NetworkConfig.__dataclass_fields__}
        if "input_shape" in network:
            network["input_shape"] = tuple(int(v) for v in network["input_shape"])
        unknown = sorted(set(settings) - set(cls.__dataclass_fields__))
        if unknown:
            raise ModelConfigError(f"Unknown model setting{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
        return cls(network=NetworkConfig(**network), **settings)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields, flat (the run records' "model" object)."""
        data = {**asdict(self.network), "input_scaling": self.input_scaling, "depthwise_init": self.depthwise_init}
        data["input_shape"] = list(self.network.input_shape)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        """Inverse of to_dict; unknown keys are ignored."""
        known = set(NetworkConfig.__dataclass_fields__) | set(cls.__dataclass_fields__) - {"network"}
        return cls.of(**{key: data[key] for key in known if key in data})

    def validate(self) -> None:
        """Raise ModelConfigError with a sentence when this configuration cannot be built."""
        network = self.network
        if network.conv_kind not in NETWORK_KINDS:
            raise ModelConfigError(f"Unknown convolution kind {network.conv_kind!r}; choose one of {', '.join(NETWORK_KINDS)}.")
        if self.input_scaling not in INPUT_SCALINGS:
            raise ModelConfigError(f"input_scaling must be 'unit' (divide by 255) or 'none' (raw pixels); got {self.input_scaling!r}.")
        if self.depthwise_init not in DEPTHWISE_INITS:
            raise ModelConfigError(f"depthwise_init must be 'per_channel' or 'keras'; got {self.depthwise_init!r}.")
        if not 1 <= network.kernel_size <= 11:
            raise ModelConfigError(f"kernel_size must be between 1 and 11; got {network.kernel_size}.")
        if network.blocks < 1 or network.filters < 1 or network.convs_per_block < 1 or network.num_classes < 2:
            raise ModelConfigError("blocks, filters and convolutions per block must be at least 1, and there must be at "
                                   "least 2 classes.")
        height, width, _ = network.input_shape
        if min(height, width) < 2**network.blocks:
            raise ModelConfigError(f"{network.blocks} blocks halve a {height}x{width} image {network.blocks} times, "
                                   "leaving nothing; use fewer blocks.")
        try:
            block_filters(network.filters, network.blocks, network.width_multiplier)
        except ValueError as exc:  # a bad width multiplier
            raise ModelConfigError(str(exc)) from exc


def depthwise_initializer(depthwise_init: str, kernel_size: int) -> Any:
    """Initializer of depthwise kernels: Keras's default, or glorot uniform with fan_in = fan_out = k*k.

    Glorot uniform draws from +-sqrt(6 / (fan_in + fan_out)) = +-sqrt(3) / k with the true fans.
    """
    with ONE_AT_A_TIME:
        import keras

    if depthwise_init == "keras":
        return "glorot_uniform"
    limit = 3**0.5 / kernel_size
    return keras.initializers.RandomUniform(-limit, limit)


def _conv_layers(name: str, config: ModelConfig, out_channels: int) -> list[Any]:
    """The Keras layers of one convolution row, named `name` or `name_*` (dsconv.kinds says which)."""
    kernel_size = config.network.kernel_size
    return keras_layers(config.network.conv_kind, out_channels=out_channels, kernel_size=kernel_size, padding="same",
                        activation="relu", name=name,
                        depthwise_initializer=depthwise_initializer(config.depthwise_init, kernel_size))


def build_model(config: ModelConfig | str = "standard", **overrides: Any) -> Any:
    """A Keras (uncompiled) VGG model for `config` (or a conv kind name), with any setting overridden by name."""
    if isinstance(config, str):
        config = ModelConfig.of(conv_kind=config, **overrides)
    elif overrides:
        config = ModelConfig.from_dict({**config.to_dict(), **overrides})
    config.validate()
    network = config.network
    with ONE_AT_A_TIME:
        import keras
        from keras import layers

    inputs = keras.Input(shape=tuple(network.input_shape), name="image")
    x = inputs
    if config.input_scaling == "unit":
        x = layers.Rescaling(1.0 / 255, name="scaling")(x)
    for block, out_channels in enumerate(block_filters(network.filters, network.blocks, network.width_multiplier), 1):
        for conv in range(1, network.convs_per_block + 1):
            for layer in _conv_layers(f"block{block}_conv{conv}", config, out_channels):
                x = layer(x)
        x = layers.MaxPooling2D(2, 2, name=f"block{block}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(network.num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=f"vgg_{network.conv_kind}")


def compile_model(model: Any, learning_rate: float = 1e-3) -> Any:
    """Compile as the tutorial does: Adam, sparse categorical cross-entropy, accuracy."""
    with ONE_AT_A_TIME:
        import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
