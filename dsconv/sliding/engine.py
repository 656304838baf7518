"""Sliding-kernel convolution in NumPy, step by step: the data behind the Sliding kernels animation.

Every mode is written one way: output channel o reads a list of input channels with its own
k x k x len(list) kernel, and its value at an output position is the sum of the products of that
kernel with the window it covers. A standard filter reads all channels, a grouped filter its
group's channels, a depthwise kernel one channel (it still slides over height AND width: the
channel is not a spatial dimension), a pointwise filter all channels through a 1 x 1 window.
Separable = a depthwise stage, then a pointwise stage on its output.

Padding follows TensorFlow: "same" pads total = max((ceil(L/s) - 1) * s + d * (k - 1) + 1 - L, 0)
zeros per axis, total // 2 before and the rest (one more when odd) after, at the bottom/right.
No TensorFlow here: the tests compare these outputs with tf.nn convolutions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dsconv import ONE_AT_A_TIME
from dsconv.costs.arithmetic import LayerConfigError, LayerCost, axis_padding, layer_cost, standard_counterpart
from dsconv.kinds import SLIDING_KINDS
from dsconv.sliding import kernels

CHANNEL_NAMES = ("R", "G", "B")


@dataclass(frozen=True)
class SlidingConfig:
    """One layer to animate; argument names follow Keras."""

    mode: str = "standard"  # the convolution every other mode is compared with
    kernel_size: int = 3  # 3x3: the size VGG and MobileNet use
    strides: int = 1  # visit every position: the slide is easiest to follow
    padding: str = "valid"  # no zeros added: every product uses a real pixel
    dilation_rate: int = 1  # neighbouring pixels, no gaps
    out_channels: int = 4  # four filters fit a projector row (ignored by depthwise)
    depth_multiplier: int = 1  # Keras's default: one kernel per channel
    groups: int = 1  # used by "grouped" only; 1 = standard

    def cost(self, height: int, width: int, in_channels: int) -> LayerCost:
        """dsconv.costs.arithmetic's count for this layer (raises LayerConfigError for an impossible one)."""
        if self.mode not in SLIDING_KINDS:
            raise LayerConfigError(f"Unknown mode {self.mode!r}; choose one of: {', '.join(SLIDING_KINDS)}.")
        return layer_cost(self.mode, height=height, width=width, in_channels=in_channels,
                          out_channels=self.out_channels, kernel_size=self.kernel_size, strides=self.strides,
                          padding=self.padding, dilation_rate=self.dilation_rate,
                          depth_multiplier=self.depth_multiplier, groups=self.groups)

    def standard_cost(self, height: int, width: int, in_channels: int) -> LayerCost:
        """A standard convolution with the same input, kernel size, strides and output shape, for comparison."""
        out_channels = self.cost(height, width, in_channels).output_shape[2]
        kernel_size, dilation = (1, 1) if self.mode == "pointwise" else (self.kernel_size, self.dilation_rate)
        return standard_counterpart(height=height, width=width, in_channels=in_channels,
                                    out_channels=out_channels, kernel_size=kernel_size, strides=self.strides,
                                    padding=self.padding, dilation_rate=dilation)


def window_starts(length: int, kernel: int, stride: int, dilation: int, padding: str) -> np.ndarray:
    """Padded-input index of every cell each window reads along one axis: (outputs, kernel), i*s + d*a."""
    before, after = axis_padding(length, kernel, stride, dilation, padding)
    span = dilation * (kernel - 1) + 1
    outputs = (length + before + after - span) // stride + 1
    return np.arange(outputs)[:, None] * stride + np.arange(kernel)[None, :] * dilation


@dataclass(frozen=True)
class Stage:
    """One sliding pass: which channels each output reads, with which kernel, and what it writes."""

    name: str  # "standard", "grouped", "depthwise" or "pointwise"
    inputs: np.ndarray  # (H, W, C) values it reads, before padding
    padded: np.ndarray  # (H + top + bottom, W + left + right, C)
    pad: tuple[int, int, int, int]  # zeros added: top, bottom, left, right
    rows: np.ndarray  # (H', k) padded row of each kernel row, per output row
    cols: np.ndarray  # (W', k) padded column of each kernel column, per output column
    reads: tuple[tuple[int, ...], ...]  # input channels read by each output channel
    filters: tuple[np.ndarray, ...]  # (k, k, len(reads[o])) weights of each output channel
    output: np.ndarray  # (H', W', number of output channels)

    @property
    def positions(self) -> int:
        """Output positions the kernel visits: H' x W'."""
        return self.rows.shape[0] * self.cols.shape[0]

    @property
    def products_per_position(self) -> int:
        """Multiply-adds at one position, all output channels together: the sum of every kernel's size."""
        return int(sum(f.size for f in self.filters))

    def window(self, row: int, col: int, output_channel: int) -> np.ndarray:
        """The (k, k, channels read) values under output channel's kernel at output position (row, col)."""
        block = self.padded[np.ix_(self.rows[row], self.cols[col])]
        return block[:, :, list(self.reads[output_channel])]

    def products(self, row: int, col: int, output_channel: int) -> np.ndarray:
        """Window x weights, element by element: the numbers whose sum is written to the output."""
        return self.window(row, col, output_channel) * self.filters[output_channel]


def run_stage(name: str, inputs: np.ndarray, reads, filters, stride: int, dilation: int, padding: str) -> Stage:
    """Slide every output channel's kernel over the (padded) inputs and return the whole stage."""
    inputs = np.asarray(inputs, dtype=np.float64)
    height, width, _ = inputs.shape
    size = filters[0].shape[0]
    top, bottom = axis_padding(height, size, stride, dilation, padding)
    left, right = axis_padding(width, size, stride, dilation, padding)
    padded = np.pad(inputs, ((top, bottom), (left, right), (0, 0)))
    rows = window_starts(height, size, stride, dilation, padding)
    cols = window_starts(width, size, stride, dilation, padding)
    # windows[i, j, a, b, c] = padded[rows[i, a], cols[j, b], c]
    windows = padded[rows[:, None, :, None], cols[None, :, None, :], :]
    output = np.empty((rows.shape[0], cols.shape[0], len(filters)))
    for o, (channels, kernel) in enumerate(zip(reads, filters)):
        output[:, :, o] = np.einsum("ijabc,abc->ij", windows[..., list(channels)], kernel)
    return Stage(name, inputs, padded, (top, bottom, left, right), rows, cols,
                 tuple(tuple(r) for r in reads), tuple(filters), output)


def grouped_stage(inputs: np.ndarray, kernel: np.ndarray, groups: int, stride: int, dilation: int,
                  padding: str, name: str = "standard") -> Stage:
    """Keras Conv2D(groups=g): filter n reads group n // (N / g), i.e. channels [gi * C/g, (gi + 1) * C/g)."""
    per_group_in, count = kernel.shape[2], kernel.shape[3]
    per_group_out = count // groups
    reads = [tuple(range((n // per_group_out) * per_group_in, (n // per_group_out + 1) * per_group_in))
             for n in range(count)]
    return run_stage(name, inputs, reads, [kernel[:, :, :, n] for n in range(count)], stride, dilation, padding)


def depthwise_stage(inputs: np.ndarray, kernel: np.ndarray, stride: int, dilation: int, padding: str) -> Stage:
    """tf.nn.depthwise_conv2d: output channel c * m + j = channel c slid with kernel[:, :, c, j] (one channel each)."""
    channels, multiplier = kernel.shape[2], kernel.shape[3]
    reads = [(c,) for c in range(channels) for _ in range(multiplier)]
    filters = [kernel[:, :, c:c + 1, j] for c in range(channels) for j in range(multiplier)]
    return run_stage("depthwise", inputs, reads, filters, stride, dilation, padding)


@dataclass(frozen=True)
class Layer:
    """A whole layer run on a picture: its stages (two for separable) and the weights it used."""

    config: SlidingConfig
    image: np.ndarray  # (H, W, C) float64 input
    stages: tuple[Stage, ...]
    cost: LayerCost  # dsconv.costs.arithmetic's count for the same layer
    standard_cost: LayerCost  # a standard convolution of the same shape
    notes: tuple[tuple[str, ...], ...] = ()  # per stage, what each output channel's weights are (from a preset)

    @property
    def output(self) -> np.ndarray:
        """The layer's final output (bias left out: it adds a number after the sum, no multiply-add)."""
        return self.stages[-1].output

    def adds_bias(self, stage_index: int) -> bool:
        """Whether a bias is added after this stage's sums: after every stage but a separable layer's depthwise step
        (Keras's SeparableConv2D has one bias, after its pointwise step; its animation said "+ bias" there)."""
        return not (self.config.mode == "separable" and stage_index < len(self.stages) - 1)

    @property
    def multiply_adds(self) -> int:
        """Multiply-adds counted by sliding: products per position x positions, summed over stages."""
        return sum(stage.products_per_position * stage.positions for stage in self.stages)


def layer_weights(config: SlidingConfig, in_channels: int, preset: str, seed: int) -> dict[str, np.ndarray]:
    """The kernels a mode uses, from a preset: {"kernel"} for standard/grouped, {"depthwise"}, {"pointwise"} or both."""
    size = config.kernel_size
    if config.mode == "standard":
        return {"kernel": kernels.preset_filters(preset, size, in_channels, config.out_channels, seed)}
    if config.mode == "grouped":
        return {"kernel": kernels.grouped_filters(preset, size, in_channels, config.out_channels, config.groups, seed)}
    if config.mode == "pointwise":
        return {"pointwise": kernels.pointwise_filters(preset, in_channels, config.out_channels, seed)}
    weights = {"depthwise": kernels.depthwise_filters(preset, size, in_channels, config.depth_multiplier, seed)}
    if config.mode == "separable":
        hidden = in_channels * config.depth_multiplier
        weights["pointwise"] = kernels.pointwise_filters(preset, hidden, config.out_channels, seed)
    return weights


def run_layer(image: np.ndarray, config: SlidingConfig, weights: dict[str, np.ndarray]) -> Layer:
    """Run the configured mode on an (H, W, C) image with the given weights; LayerConfigError if impossible."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 3:
        raise ValueError(f"The picture must be height x width x channels; got shape {image.shape}.")
    height, width, channels = image.shape
    cost = config.cost(height, width, channels)  # Keras's rules, sentences included
    standard = config.standard_cost(height, width, channels)
    step = (config.strides, config.dilation_rate, config.padding)
    if config.mode in ("standard", "grouped"):
        groups = config.groups if config.mode == "grouped" else 1
        stages = (grouped_stage(image, weights["kernel"], groups, *step, name=config.mode),)
    elif config.mode == "pointwise":
        stages = (grouped_stage(image, weights["pointwise"], 1, config.strides, 1, config.padding, name="pointwise"),)
    else:
        first = depthwise_stage(image, weights["depthwise"], *step)
        stages = (first,)
        if config.mode == "separable":  # the pointwise step: 1x1, stride 1, on the depthwise output
            stages += (grouped_stage(first.output, weights["pointwise"], 1, 1, 1, "valid", name="pointwise"),)
    return Layer(config, image, stages, cost, standard)


def channel_names(channels: int) -> list[str]:
    """R, G, B for an RGB picture; ch 1, ch 2, ... otherwise."""
    return list(CHANNEL_NAMES) if channels == 3 else [f"ch {c + 1}" for c in range(channels)]


HIDDEN_MARK = "′"  # R′: the depthwise step's map from R, as the pointwise step reads it


def hidden_names(channels: int, depth_multiplier: int) -> list[str]:
    """Names of a depthwise step's outputs, as the pointwise step reads them: the channel each comes from, primed (and
    its kernel copy when m > 1): R′, or R′1 and R′2. Named R, G and B, a pointwise row read "R: -230", a number found
    nowhere in the picture's red channel."""
    names = channel_names(channels)
    return [f"{name}{HIDDEN_MARK}" + ("" if depth_multiplier == 1 else str(copy + 1))
            for name in names for copy in range(depth_multiplier)]


def hidden_names_note(channels: int, depth_multiplier: int) -> str:
    """What the primed names stand for, in a sentence's words: "R′ is the depthwise map from R"."""
    first = hidden_names(channels, depth_multiplier)[0]
    return f"{first} is the depthwise map from {channel_names(channels)[0]}" + (
        " made by kernel 1" if depth_multiplier > 1 else "")


def weight_notes(config: SlidingConfig, channels: int, preset: str) -> tuple[tuple[str, ...], ...]:
    """Per stage, what each output channel's preset weights are: pattern, turn and channel mix (dsconv.sliding.kernels)."""
    names, size = channel_names(channels), config.kernel_size
    if config.mode == "standard":
        return (tuple(kernels.filter_descriptions(preset, names, config.out_channels, size)),)
    if config.mode == "grouped":
        per_in, per_out = channels // config.groups, config.out_channels // config.groups
        return (tuple(note for g in range(config.groups)
                      for note in kernels.filter_descriptions(preset, names[g * per_in:(g + 1) * per_in], per_out,
                                                              size)),)
    if config.mode == "pointwise":
        return (tuple(kernels.pointwise_descriptions(preset, names, config.out_channels)),)
    copies = kernels.depthwise_descriptions(preset, config.depth_multiplier, size)
    depthwise = tuple(f"{copies[j]} on {name} alone" for name in names for j in range(config.depth_multiplier))
    if config.mode == "depthwise":
        return (depthwise,)
    hidden = hidden_names(channels, config.depth_multiplier)
    return depthwise, tuple(kernels.pointwise_descriptions(preset, hidden, config.out_channels))


def weight_rules(config: SlidingConfig, channels: int, preset: str) -> list[str]:
    """How this mode builds its preset weights, in words, with this layer's number of channel mixes. What happens
    after the last mix is said only where this layer has filters past it ("after the 18 mixes" stood over 4 outputs),
    and the kernel copies are counted from 1, as the figure names them ("copy j is the pattern turned j × 90°" stood
    over "kernel 1: Sobel edge", not turned). At 1 x 1 the pattern is a single weight, which no turn changes, as the
    filters' list says: "copy 2 turned 90°, copy 3 turned 180°" stood over "the weight 1 ... again (a single weight
    has nothing to turn)"."""
    if preset == "random":
        return ["Random weights: each one drawn on its own from the seed, from -1 to 1, to one decimal."]
    rules = []
    filters = config.out_channels
    single = config.kernel_size == 1  # (kernels._turned: a single weight turned is the same weight)
    if config.mode in ("standard", "grouped"):
        groups = config.groups if config.mode == "grouped" else 1
        per_group = channels // groups
        mixes = len(kernels.mix_names(channel_names(channels)[:per_group]))
        if mixes > 1:
            rules.append("A filter is a k x k pattern times a channel mix: × (R + G + B) / 3 puts the pattern divided "
                         "by 3 in each channel's slice, × (R − G) puts it in R and its negative in G."
                         + ("" if filters // groups <= mixes else
                            f" After the {mixes} mixes they start again on the same single weight: a single weight has "
                            "nothing to turn." if single else
                            f" After the {mixes} mixes the pattern turns by 90° and the mixes start again."))
        else:  # one channel a group: no mix to speak of (the mixes' sentence did not apply)
            rules.append("Each group reads one channel, so its filter is the k x k pattern itself on that channel"
                         + ("." if filters // groups == 1 else
                            "; the group's next filter is the same single weight again: a single weight has nothing to "
                            "turn." if single else "; the group's next filter turns the pattern by 90°."))
    if config.mode in ("depthwise", "separable"):
        copies = config.depth_multiplier
        if single:
            rules.append("Every channel gets the same single weight" + (
                f"; its {copies} kernel copies are that weight again: a single weight has nothing to turn."
                if copies > 1 else "."))
        else:
            turns = ", copy 2 turned 90°" + (", copy 3 turned 180°" if copies > 2 else "")
            rules.append("Every channel gets the same pattern" + (f"; its {copies} kernel copies: copy 1 as it is"
                                                                  f"{turns}." if copies > 1 else "."))
    if config.mode in ("pointwise", "separable"):
        read = hidden_names(channels, config.depth_multiplier) if config.mode == "separable" else channel_names(channels)
        mixes = len(kernels.mix_names(read))
        rules.append(f"A pointwise filter is a channel mix of the {len(read)} channels it reads"
                     + (f"; after the {mixes} mixes the same mixes come back with their sign flipped."
                        if filters > mixes else ".")
                     + (f" It reads the depthwise maps: {hidden_names_note(channels, config.depth_multiplier)}, and "
                        "so on." if config.mode == "separable" else ""))
    return rules


def build_layer(image: np.ndarray, config: SlidingConfig, preset: str = "box_blur", seed: int = 0) -> Layer:
    """Check the configuration, make the preset's weights and run the layer on the image."""
    height, width, channels = np.shape(image)
    config.cost(height, width, channels)  # a sentence about the layer before any weights are made
    layer = run_layer(image, config, layer_weights(config, channels, preset, seed))
    return replace(layer, notes=weight_notes(config, channels, preset))


def combined_kernels(layer: Layer) -> np.ndarray:
    """A separable layer as one standard convolution's kernels (k, k, C, N), from the weights it ran with: output n
    of depthwise + pointwise is sum_c P[c, n] (D_c * x_c) = (D P[., n]) * x, so W[i, j, c, n] is the sum over the m
    copies of D[i, j, c, copy] P[c, copy, n]."""
    depthwise, pointwise = layer.stages
    channels, copies = layer.image.shape[2], layer.config.depth_multiplier
    kernel = np.stack([f[:, :, 0] for f in depthwise.filters], axis=-1)  # (k, k, C m): channel c's copy j at c m + j
    kernel = kernel.reshape(*kernel.shape[:2], channels, copies)
    mixes = np.stack([f[0, 0] for f in pointwise.filters], axis=-1).reshape(channels, copies, -1)  # (C, m, N)
    return np.einsum("ijcm,cmn->ijcn", kernel, mixes)


def standard_twins(layer: Layer, preset: str, seed: int = 0) -> tuple[int, ...]:
    """Outputs of a separable layer whose kernel is the same-numbered filter of a standard convolution with the preset.

    Output n of depthwise + pointwise is a standard filter whose kernel is W[..., n] (combined_kernels). It is a twin
    when W is the standard filter's kernel, so the two agree on every picture. Comparing the outputs on the page's picture found
    "twins" that were not: on the linear gradient, Sobel minus Sobel turned 90 degrees gives the same map as Sobel
    on R minus Sobel on G. A zero kernel (a 1 x 1 Sobel) equals a zero filter by no merit: not a twin.
    """
    config = layer.config
    if config.mode != "separable":
        return ()
    channels, count = layer.image.shape[2], config.out_channels
    combined = combined_kernels(layer)
    standard = kernels.preset_filters(preset, config.kernel_size, channels, count, seed)  # (k, k, C, N)
    return tuple(n for n in range(count) if np.any(np.abs(standard[..., n]) > 1e-12)
                 and np.allclose(combined[..., n], standard[..., n], rtol=0, atol=1e-12))


def cancelled_outputs(layer: Layer) -> tuple[tuple[int, ...], bool]:
    """The outputs of a separable layer that are 0 on every picture, and whether each of them only subtracts one of a
    channel's depthwise maps from an equal one. An output is 0 on every picture when its standard kernel (each
    channel's depthwise kernels times their pointwise weights, added up: combined_kernels) is 0 while its weights
    are not: with a symmetric preset and depth multiplier 2, a channel's two kernel copies are the same, and the
    pointwise mix "copy 1 - copy 2" cancels (Outputs 2 and 4 of the Box blur were drawn white, unexplained)."""
    if layer.config.mode != "separable" or not any(np.any(kernel) for kernel in layer.stages[0].filters):
        return (), False
    depthwise, pointwise = layer.stages
    copies = layer.config.depth_multiplier
    combined = combined_kernels(layer)
    cancelled, equal_pairs = [], True
    for n, weights in enumerate(pointwise.filters):
        mix = weights[0, 0]
        if not np.any(mix) or np.any(np.abs(combined[..., n]) > 1e-12):
            continue
        cancelled.append(n)
        used = np.flatnonzero(mix)
        equal_pairs &= bool(len(used) == 2 and used[0] // copies == used[1] // copies
                            and mix[used[0]] == -mix[used[1]]
                            and np.array_equal(depthwise.filters[used[0]], depthwise.filters[used[1]]))
    return tuple(cancelled), bool(cancelled) and equal_pairs


def zero_note(layer: Layer, preset: str) -> str | None:
    """Why every output is 0, where it is: a step whose every weight is 0 (any step: a separable layer's random
    pointwise weights, all 0, went unsaid), with advice that this step can take (a pointwise kernel was told to
    grow), or a picture of one colour under kernels whose weights add up to 0 (a 1 x 1 upload's blank maps)."""
    for stage in layer.stages:
        if not any(np.any(kernel) for kernel in stage.filters):
            sobel = preset == "sobel" and stage.name != "pointwise"
            why = " (a Sobel edge compares neighbours, and a 1 x 1 kernel has none)" if sobel else ""
            advice = ("Pick a larger kernel or another preset." if sobel else
                      "Pick another seed or preset." if preset == "random" else "Pick another preset.")
            return f"Every weight of the {stage.name} kernels is 0 here{why}, so every output is 0. {advice}"
    if np.any(layer.output):
        return None
    if not np.any(layer.image):  # nothing cancels there: every product is 0 ("the products cancel" was said of it)
        return ("Every output is 0: every pixel of the picture is 0 (black), so every product is 0. A picture with "
                "something in it shows what the kernels do.")
    flat = np.ptp(layer.image, axis=(0, 1)).max() == 0
    balanced = all(abs(float(np.sum(kernel))) < 1e-9 for kernel in layer.stages[0].filters)
    if flat and balanced:
        return ("Every output is 0: the picture is one colour, and each kernel's weights add up to 0, so every "
                "window they cover sums to 0. A picture with edges shows what the kernels find.")
    return "Every output is 0 on this picture: at every position the products cancel."


FAINT_SHARE = 0.01  # a map whose largest value is at most this share of its step's largest map's reads as nearly 0


def faint_maps(output: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(zero, faint): the maps of one step that are 0 everywhere, and those that are not but whose largest |value| is
    at most FAINT_SHARE of the step's largest map's. Each map is coloured on its own scale, so a faint map looks as
    strong as the others: with the Sobel preset and depth multiplier 2 on the gradient, a separable layer's Output 1
    reached 0.33 against 292 in Output 2 and was drawn in full colour, and its Output 3, 0 everywhere, was drawn
    white, neither said."""
    peaks = np.nanmax(np.abs(np.asarray(output, np.float64)).reshape(-1, np.shape(output)[-1]), axis=0)
    top = float(peaks.max(initial=0.0))
    if top == 0:  # every map is 0: there is nothing to compare with (the page says why where the weights are 0)
        return (), ()
    zero = tuple(int(n) for n in np.flatnonzero(peaks <= 1e-9 * top))
    faint = tuple(int(n) for n in np.flatnonzero((peaks > 1e-9 * top) & (peaks <= FAINT_SHARE * top)))
    return zero, faint


ALIKE_COSINE = 0.999  # maps this close to one another's multiples show the same picture, each on its own colour scale


def maps_alike(output: np.ndarray) -> bool:
    """True when the layer's two or more output maps are all multiples of one map (to ALIKE_COSINE): each map is
    coloured on its own scale, so they look identical. On the shape sample (one disc, the same in every channel)
    the four standard filters, Sobel x (R + G + B) / 3, x (R - G), x (G - B) and x R, gave four identical maps beside
    a caption that said N filters give N different ones. Maps that are all zero are not said to be alike."""
    maps = np.asarray(output, np.float64).reshape(-1, np.shape(output)[-1]).T
    norms = np.linalg.norm(maps, axis=1)
    if len(maps) < 2 or np.any(norms == 0):
        return False
    unit = maps / norms[:, None]
    return bool(np.all(np.abs(unit @ unit[0]) >= ALIKE_COSINE))


def alike_note(layer: Layer, preset: str, seed: int = 0) -> str | None:
    """Why the layer's output maps look identical, where they are multiples of one another (maps_alike), and a preset
    whose maps differ on its picture, where one does; None where the maps are not alike. On the shape sample the four
    Sobel filters' maps looked the same under "N filters give N maps"."""
    with ONE_AT_A_TIME:
        from dsconv.sliding.kernels import PRESET_LABELS, PRESETS

    if not maps_alike(layer.output):
        return None

    def differ(name: str) -> bool:
        """Whether two of the preset's maps that are not all 0 differ: blank maps differ from no map in what they
        show (on a one-colour picture the Identity preset, offered as differing, gave two blank maps and two alike)."""
        output = build_layer(layer.image, layer.config, name, seed).output
        shown = output[..., [n for n in range(output.shape[-1]) if np.any(output[..., n])]]
        return shown.shape[-1] >= 2 and not maps_alike(shown)

    count = layer.output.shape[2]
    other = next((name for name in PRESETS if name != preset and differ(name)), None)
    elsewhere = (f"With the {PRESET_LABELS[other]} preset they differ." if other else
                 "Every preset gives maps like these here: another picture, or your own photo, can make them differ.")
    maps = np.asarray(layer.output, np.float64).reshape(-1, count).T
    if np.allclose(maps, maps[0], rtol=1e-9, atol=1e-9 * float(np.max(np.abs(maps)))):
        # "but their numbers differ (hover over or tap a map)" was false of a grey upload in Depthwise mode
        image = np.asarray(layer.image)
        grey = image.ndim == 3 and image.shape[2] > 1 and bool(np.all(image == image[..., :1]))
        return (f"On this picture the {count} output maps are identical, number for number"
                + ("; the picture's red, green and blue are equal (a grey picture). " if grey else ". ") + elsewhere)
    # A negative multiple is drawn in the other colours (violet for orange): "they look alike" was false of it
    negative = int(np.sum(maps @ maps[0] < 0))
    look = ("so they look alike" if not negative else
            f"so they show one picture, {'one' if negative == 1 else negative} of them in swapped colours, violet for "
            f"orange ({'a negative multiple' if negative == 1 else 'negative multiples'} of the first)")
    return (f"On this picture the {count} output maps are multiples of one another. Each map is coloured on its own "
            f"scale, {look}, but their numbers differ (hover over or tap a map). " + elsewhere)
