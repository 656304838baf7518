"""Build the real Keras layers for a configuration and read back their parameter counts and shapes.

This is the reference the Parameter lab checks its arithmetic against. Keras (and with it TensorFlow)
is imported inside `keras_counts`, so importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from dsconv import ONE_AT_A_TIME
from dsconv.kinds import keras_layers

SHAPE_KEYS = ("height", "width", "in_channels")  # the input, not the layer


@dataclass(frozen=True)
class KerasCount:
    """What Keras says about one kind of layer: count_params(), built output shape, or its error."""

    kind: str
    params: int | None
    output_shape: tuple[int, ...] | None
    error: str = ""  # Keras's own message when it refuses the configuration


# The most weights Keras is asked to build for one check, all kinds together (float32: 100 MB). Building a layer
# allocates its weights: C = N = 4096 with an 11 x 11 kernel is 8 GB for the standard kernel alone, and a server with
# 1 GB (Streamlit Community Cloud) was killed, every student's session with it.
MAX_CHECKED_PARAMS = 25_000_000


def too_large_to_check(costs: Mapping[str, Any]) -> str | None:
    """The sentence refusing a Keras check of these layers (LayerCost per kind; a kind our arithmetic refuses is a
    sentence), or None where their weights, all together, stay within MAX_CHECKED_PARAMS."""
    built = [cost for cost in costs.values() if not isinstance(cost, str)]
    total = sum(cost.params for cost in built)
    if total <= MAX_CHECKED_PARAMS:
        return None
    return (f"Keras would have to build {total:,} weights ({total * 4 / 1e6:,.0f} MB) for these "
            f"{len(built)} layers, and this server builds at most {MAX_CHECKED_PARAMS:,} for a check. Lower the "
            "channels or the kernel size to check with Keras; the counts above need no Keras.")


def keras_counts(kinds: list[str] | tuple[str, ...], **settings: Any) -> list[KerasCount]:
    """For each kind, build its Keras layers on an (H, W, C) input; return count_params() and the output shape.

    settings are layer_cost's keyword arguments (height, width, in_channels, out_channels, kernel_size,
    strides, padding, dilation_rate, depth_multiplier, groups, use_bias).
    """
    with ONE_AT_A_TIME:
        import keras  # heavy: pulls in TensorFlow, so only here (dsconv.kinds builds the layers)

    s = dict(strides=1, padding="valid", dilation_rate=1, depth_multiplier=1, groups=1, use_bias=True)
    s.update(settings)
    results = []
    for kind in kinds:
        try:
            built = keras_layers(kind, **{key: value for key, value in s.items() if key not in SHAPE_KEYS})
            tensor = keras.Input(shape=(s["height"], s["width"], s["in_channels"]))
            for layer in built:
                tensor = layer(tensor)  # symbolic call: builds the weights, computes the shape, runs nothing
            shape = tuple(int(d) for d in tensor.shape[1:])
            results.append(KerasCount(kind, sum(layer.count_params() for layer in built), shape))
        except ValueError as exc:
            results.append(KerasCount(kind, None, None, str(exc).splitlines()[0][:300]))
    return results


@dataclass(frozen=True)
class CheckRow:
    """One kind of layer: our count and shape beside Keras's, and whether the two agree."""

    kind: str
    our_params: int | None  # None: our arithmetic refuses the configuration
    keras_params: int | None  # None: Keras refuses it
    our_shape: tuple[int, ...] | None
    keras_shape: tuple[int, ...] | None
    keras_error: str

    @property
    def agrees(self) -> bool:
        """Both give the same params and shape, or both refuse the configuration."""
        if self.our_params is None or self.keras_params is None:
            return self.our_params is None and self.keras_params is None
        return self.our_params == self.keras_params and self.our_shape == self.keras_shape

    @property
    def verdict(self) -> str:
        """"match", "both refuse", or "mismatch"."""
        if not self.agrees:
            return "mismatch"
        return "both refuse" if self.our_params is None else "match"


def compare_with_keras(costs: Mapping[str, Any], reference: Sequence[KerasCount]) -> list[CheckRow]:
    """Our LayerCost (or the sentence refusing it) per kind beside Keras's KerasCount for the same kind.

    Our rules are Keras's rules: every refusal of ours must be a refusal of Keras's too (strides above 1 with
    dilation above 1 included: Conv2D refuses them, the depthwise kinds accept them), so a disagreement of
    any kind is a bug in the arithmetic.
    """
    rows = []
    for ref in reference:
        ours = costs[ref.kind]
        valid = not isinstance(ours, str)
        rows.append(CheckRow(ref.kind, ours.params if valid else None, ref.params,
                             ours.output_shape if valid else None, ref.output_shape, ref.error))
    return rows
