"""Layer-by-layer cost of the tutorial's VGG-style CIFAR-10 models and their variants, without Keras.

It gives what `model.summary()` gives (output shapes, params) plus what it lacks: multiply-adds and
each layer's share. Layer names match the Keras models built by `dsconv.training.models`, so the tests can
compare every row with the real model. A composite convolution (depthwise + pointwise, or the
MobileNet block) is one row here and several Keras layers whose names start with the row's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsconv.costs.arithmetic import LayerConfigError, layer_cost
from dsconv.kinds import KINDS, NETWORK_KINDS

# BatchNormalization keeps gamma, beta, moving mean and moving variance: 4 numbers per channel
# (2 trainable). Its work is not counted as multiply-adds: at inference it folds into the convolution.
BATCHNORM_PARAMS_PER_CHANNEL = 4


@dataclass(frozen=True)
class NetworkConfig:
    """The tutorial's VGG: `blocks` blocks of `convs_per_block` k x k "same" convolutions and a 2x2 max-pool,
    filters doubling per block, then a softmax Dense layer."""

    conv_kind: str = "standard"  # standard | separable | depthwise_pointwise | mobilenet
    blocks: int = 3  # the tutorial uses three VGG blocks
    filters: int = 64  # first block's filters; each next block doubles them (64, 128, 256)
    kernel_size: int = 3  # the tutorial's 3x3 kernels
    width_multiplier: float = 1.0  # MobileNet's alpha: scales every block's filters
    convs_per_block: int = 2  # two convolutions before each max-pool, as in VGG
    input_shape: tuple[int, int, int] = (32, 32, 3)  # CIFAR-10 images
    num_classes: int = 10  # CIFAR-10's classes


@dataclass(frozen=True)
class LayerRow:
    """One row of the summary: a Keras layer, or a composite convolution."""

    name: str
    layer: str
    output_shape: tuple[int, ...]
    params: int
    multiply_adds: int


@dataclass(frozen=True)
class NetworkSummary:
    """Every row plus the totals and each row's share of them."""

    config: NetworkConfig
    rows: tuple[LayerRow, ...]

    @property
    def total_params(self) -> int:
        return sum(row.params for row in self.rows)

    @property
    def total_multiply_adds(self) -> int:
        return sum(row.multiply_adds for row in self.rows)

    def params_share(self, row: LayerRow) -> float:
        """Fraction of all parameters in this row."""
        return row.params / self.total_params

    def multiply_adds_share(self, row: LayerRow) -> float:
        """Fraction of all multiply-adds in this row."""
        total = self.total_multiply_adds
        return row.multiply_adds / total if total else 0.0


def count_text(count: int, *beside: int) -> str:
    """A network's multiply-adds (or params) as the Parameter lab's metrics show them: '152.8 M', or the exact count
    under a million ('35,136': a tiny network read '0.0 M'). Counts shown `beside` one another take one form: exact
    where any is under a million ('427,136 | standard: 1.7 M' read as two kinds of number), and the decimals that tell
    all of them apart, up to three, else exact (1,580,000 and 1,630,000 both read '1.6 M' beside a ratio of 0.97x)."""
    group = {count, *beside}
    if min(group) >= 1_000_000:
        for places in (1, 2, 3):
            if len({f"{value / 1e6:.{places}f}" for value in group}) == len(group):
                return f"{count / 1e6:,.{places}f} M"
    return f"{count:,}"


def block_filters(filters: int, blocks: int, width_multiplier: float = 1.0) -> list[int]:
    """Filters of each block: filters * 2**b, scaled by the width multiplier and rounded (at least 1)."""
    if blocks < 1 or filters < 1:
        raise LayerConfigError("blocks and filters must be at least 1.")
    if not 0 < width_multiplier <= 4:
        raise LayerConfigError(f"width_multiplier must be above 0 and at most 4; got {width_multiplier}.")
    return [max(1, int(round(filters * 2**block * width_multiplier))) for block in range(blocks)]


def _conv_row(name: str, conv_kind: str, shape: tuple[int, int, int], out_channels: int, kernel_size: int) -> LayerRow:
    height, width, in_channels = shape
    cost_kind = "separable" if conv_kind == "mobilenet" else conv_kind
    cost = layer_cost(cost_kind, height=height, width=width, in_channels=in_channels, out_channels=out_channels,
                      kernel_size=kernel_size, padding="same")
    params = cost.params
    if conv_kind == "mobilenet":
        # Depthwise and pointwise convolutions without bias, each followed by BatchNorm.
        params = sum(stage.params - stage.bias for stage in cost.stages)
        params += BATCHNORM_PARAMS_PER_CHANNEL * (in_channels + out_channels)
    return LayerRow(name, KINDS[conv_kind].label, cost.output_shape, params, cost.multiply_adds)


def network_summary(config: NetworkConfig = NetworkConfig()) -> NetworkSummary:
    """Per-layer output shape, params and multiply-adds of the VGG model `config` describes."""
    if config.conv_kind not in NETWORK_KINDS:
        raise LayerConfigError(f"Unknown convolution kind {config.conv_kind!r}; choose one of {', '.join(NETWORK_KINDS)}.")
    if config.kernel_size < 1 or config.convs_per_block < 1:
        raise LayerConfigError("kernel_size and convs_per_block must be at least 1.")
    height, width, channels = config.input_shape
    if height < 2**config.blocks or width < 2**config.blocks:
        raise LayerConfigError(
            f"{config.blocks} blocks halve a {height}x{width} input {config.blocks} times, leaving nothing. "
            "Use fewer blocks."
        )
    rows: list[LayerRow] = []
    shape = (height, width, channels)
    for block, out_channels in enumerate(block_filters(config.filters, config.blocks, config.width_multiplier), 1):
        for conv in range(1, config.convs_per_block + 1):
            row = _conv_row(f"block{block}_conv{conv}", config.conv_kind, shape, out_channels, config.kernel_size)
            rows.append(row)
            shape = row.output_shape
        shape = (shape[0] // 2, shape[1] // 2, shape[2])  # MaxPooling2D(2, 2), "valid"
        rows.append(LayerRow(f"block{block}_pool", "MaxPooling2D", shape, 0, 0))
    flat = shape[0] * shape[1] * shape[2]
    rows.append(LayerRow("flatten", "Flatten", (flat,), 0, 0))
    rows.append(LayerRow("predictions", "Dense (softmax)", (config.num_classes,),
                         flat * config.num_classes + config.num_classes, flat * config.num_classes))
    return NetworkSummary(config, tuple(rows))
