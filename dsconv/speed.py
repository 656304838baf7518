"""Timing one convolution layer three ways on the current device: Conv2D, SeparableConv2D, DepthwiseConv2D + 1x1.

A measurement runs each layer's forward pass (and forward + backward pass) a few times to warm up (the
first call traces the function), then repeats it and keeps every sample, so the page can show the median
and the spread (interquartile range). The whole click shares one time cap: a call that would not fit
in what is left is not started, and its row says so. Counts of multiply-adds come from dsconv.arithmetic.
Keras (and so its backend) is imported inside the functions. The code is backend-neutral Keras 3 except
the gradient step, written once per backend (TensorFlow, JAX, PyTorch) behind `make_step`; only the
TensorFlow one is tested in this project.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from dsconv.arithmetic import KIND_LABELS, LayerConfigError, LayerCost, layer_cost
from dsconv.intensity import COMPARED_KINDS, STEP_KINDS

KINDS = COMPARED_KINDS + STEP_KINDS
PASSES = ("forward", "forward_backward")
PASS_LABELS = {"forward": "forward", "forward_backward": "forward + backward"}
# The backward pass computes two gradients, each as much work as the forward pass: for the input
# (a transposed convolution) and for the weights (a correlation of input and output gradient).
# Forward + backward = 3 x forward multiply-adds (the rule behind "6N FLOPs per token", Kaplan et al., 2020).
BACKWARD_WORK_FACTOR = 3
SWEEP_PARAMETERS = {"out_channels": "output channels", "kernel_size": "kernel size"}
SWEEP_VALUES = {"out_channels": (8, 16, 32, 64, 128, 256), "kernel_size": (1, 3, 5, 7, 9, 11)}
Progress = Callable[[float, str], None]


class SpeedConfigError(LayerConfigError):
    """A layer too large (or malformed) to time within a click, explained with what to change."""


@dataclass(frozen=True)
class Limits:
    """Sizes a click may time; they keep one click near 10 s and under ~200 MB on a small cloud CPU."""

    max_side: int = 256  # input height and width
    max_channels: int = 1024  # input and output channels
    max_kernel: int = 11  # kernel size
    max_batch: int = 256  # images per call
    max_tensor_elements: int = 4_194_304  # batch x H x W x max(C_in, C_out): one 16 MiB float32 tensor
    max_multiply_adds: int = 3_000_000_000  # Conv2D forward: ~0.3-1 s per forward+backward on 2 slow cores


@dataclass(frozen=True)
class LayerSetup:
    """The configured layer: B images of H x W x C_in in, C_out channels out, k x k kernel, stride 1, "same"."""

    height: int = 32  # CIFAR-10's size, the tutorial's first block
    width: int = 32
    in_channels: int = 64  # the tutorial's second layer: 64 -> 64
    out_channels: int = 64
    kernel_size: int = 3  # the tutorial's 3x3 kernels
    batch: int = 8  # small enough that a whole click stays well under the cap on a cloud CPU

    def cost(self, kind: str) -> LayerCost:
        """Params and multiply-adds per image of one layer kind (padding "same", with biases, as Keras's default)."""
        return layer_cost(kind, height=self.height, width=self.width, in_channels=self.in_channels,
                          out_channels=self.out_channels, kernel_size=self.kernel_size, padding="same")

    def input_shape(self) -> tuple[int, int, int, int]:
        """(B, H, W, C_in), channels last as Keras."""
        return (self.batch, self.height, self.width, self.in_channels)

    def replace(self, **changes: int) -> "LayerSetup":
        """A copy with some sizes changed."""
        return LayerSetup(**{**asdict(self), **changes})

    def validate(self, limits: Limits = Limits()) -> None:
        """Raise SpeedConfigError with a sentence when the layer is malformed or too large to time in a click."""
        bounds = {"height": limits.max_side, "width": limits.max_side, "in_channels": limits.max_channels,
                  "out_channels": limits.max_channels, "kernel_size": limits.max_kernel, "batch": limits.max_batch}
        for name, high in bounds.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise SpeedConfigError(f"{name.replace('_', ' ')} must be a whole number from 1 to {high}; got {value!r}.")
        elements = self.batch * self.height * self.width * max(self.in_channels, self.out_channels)
        if elements > limits.max_tensor_elements:
            raise SpeedConfigError(
                f"batch x height x width x channels is {elements:,}, above the {limits.max_tensor_elements:,} "
                "this page times in one click. Lower the batch, the input size or the channels.")
        work = self.batch * self.cost("standard").multiply_adds
        if work > limits.max_multiply_adds:
            raise SpeedConfigError(
                f"The Conv2D forward pass would take {work / 1e9:.2f} billion multiply-adds, above the "
                f"{limits.max_multiply_adds / 1e9:.0f} billion that fit in a click. Lower the batch, the input "
                "size, the channels or the kernel size.")


@dataclass(frozen=True)
class TimingSettings:
    """How a click measures; every default is chosen for a ~10 s click."""

    warmup: int = 2  # the first call traces the function, the second warms caches; neither is kept
    repeats: int = 10  # enough samples for a median and quartiles
    min_repeats: int = 3  # fewer samples give no spread: such a row is skipped instead
    time_cap_s: float = 10.0  # the whole click, every layer kind and pass together

    def validate(self) -> None:
        """Raise SpeedConfigError if the settings cannot give a median and a spread."""
        if self.warmup < 1 or self.min_repeats < 1 or self.repeats < self.min_repeats or not self.time_cap_s > 0:
            raise SpeedConfigError(f"Use at least 1 warm-up, at least {self.min_repeats} repeats and a positive time cap.")


@dataclass(frozen=True)
class Timing:
    """The samples of one layer kind and pass at one setup; `skipped` says why there are none."""

    kind: str
    pass_name: str
    setup: LayerSetup
    samples_ms: tuple[float, ...] = ()
    skipped: str = ""

    @property
    def label(self) -> str:
        """The Keras name of the layer kind."""
        return KIND_LABELS[self.kind]

    @property
    def multiply_adds(self) -> int:
        """Multiply-adds of this pass over the batch: forward x B, times 3 with the backward pass."""
        factor = BACKWARD_WORK_FACTOR if self.pass_name == "forward_backward" else 1
        return factor * self.setup.batch * self.setup.cost(self.kind).multiply_adds

    @property
    def measured(self) -> bool:
        return bool(self.samples_ms)

    def quartiles_ms(self) -> tuple[float, float, float]:
        """(first quartile, median, third quartile) of the samples, in ms ('inclusive' method)."""
        if len(self.samples_ms) < 2:
            value = self.samples_ms[0] if self.samples_ms else math.nan
            return (value, value, value)
        q1, median, q3 = statistics.quantiles(self.samples_ms, n=4, method="inclusive")
        return (q1, median, q3)

    @property
    def median_ms(self) -> float:
        return self.quartiles_ms()[1]

    @property
    def iqr_ms(self) -> float:
        """Interquartile range: the middle half of the samples spans this many ms."""
        q1, _, q3 = self.quartiles_ms()
        return q3 - q1

    @property
    def gflops_per_s(self) -> float:
        """Achieved speed: 2 x multiply-adds / median time, in GFLOP/s."""
        return 2 * self.multiply_adds / (self.median_ms * 1e6) if self.measured else math.nan

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields."""
        return {"kind": self.kind, "pass_name": self.pass_name, "setup": asdict(self.setup),
                "samples_ms": [round(s, 4) for s in self.samples_ms], "skipped": self.skipped}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Timing":
        """Inverse of to_dict."""
        return cls(data["kind"], data["pass_name"], LayerSetup(**data["setup"]),
                   tuple(float(s) for s in data.get("samples_ms", ())), data.get("skipped", ""))


@dataclass
class SpeedReport:
    """Every timing of one click, with the device and backend they came from."""

    timings: list[Timing]
    device: str
    backend: str
    elapsed_s: float
    notes: list[str] = field(default_factory=list)
    startup_s: float = 0.0  # the backend's one-time start-up before the clock started (first click only)

    def get(self, kind: str, pass_name: str, setup: LayerSetup | None = None) -> Timing | None:
        """The timing of one kind and pass (at one setup, for sweeps)."""
        for timing in self.timings:
            if timing.kind == kind and timing.pass_name == pass_name and (setup is None or timing.setup == setup):
                return timing
        return None


def build_layers(kind: str, setup: LayerSetup) -> list[Any]:
    """The Keras layers of one kind, built for the setup's input (no activation: only the convolution is timed)."""
    from keras import layers

    k, n = setup.kernel_size, setup.out_channels
    made = {
        "standard": lambda: [layers.Conv2D(n, k, padding="same")],
        "separable": lambda: [layers.SeparableConv2D(n, k, padding="same")],
        "depthwise_pointwise": lambda: [layers.DepthwiseConv2D(k, padding="same"), layers.Conv2D(n, 1)],
        "depthwise": lambda: [layers.DepthwiseConv2D(k, padding="same")],
        "pointwise": lambda: [layers.Conv2D(n, 1)],
    }[kind]()
    shape = setup.input_shape()
    for layer in made:
        layer.build(shape)
        shape = layer.compute_output_shape(shape)
    return made


def make_step(kind: str, pass_name: str, setup: LayerSetup, seed: int = 0) -> Callable[[], Any]:
    """A no-argument function that runs one pass on a fixed random batch and waits until the device is done."""
    import keras
    import numpy as np

    if pass_name not in PASSES:
        raise SpeedConfigError(f"Unknown pass {pass_name!r}; choose forward or forward_backward.")
    layers = build_layers(kind, setup)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal(setup.input_shape(), dtype=np.float32)
    out_h, out_w, out_c = setup.cost(kind).output_shape
    # The gradient arriving from the layer above, as in the middle of a network.
    upstream = rng.standard_normal((setup.batch, out_h, out_w, out_c), dtype=np.float32)
    builders = {"tensorflow": _tensorflow_step, "jax": _jax_step, "torch": _torch_step}
    backend = keras.backend.backend()
    if backend not in builders:
        raise SpeedConfigError(f"The Keras backend {backend!r} cannot be timed here; use tensorflow, jax or torch.")
    step = builders[backend](layers, inputs, upstream, pass_name == "forward_backward")
    step.layers = layers  # so a test can compare the result with a reference computed from the same weights
    return step


def _tensorflow_step(layers: list[Any], inputs: Any, upstream: Any, backward: bool) -> Callable[[], Any]:
    """A traced tf.function (as model.fit runs); the backward pass uses tf.GradientTape."""
    import tensorflow as tf

    x, dy = tf.constant(inputs), tf.constant(upstream)
    weights = [v for layer in layers for v in layer.trainable_variables]

    def forward(a):
        for layer in layers:
            a = layer(a)
        return a

    @tf.function
    def step(a):
        if not backward:
            return forward(a)
        with tf.GradientTape() as tape:
            tape.watch(a)
            out = forward(a)
        return tape.gradient(out, [a] + weights, output_gradients=dy)  # vector-Jacobian product

    gpu = bool(tf.config.list_logical_devices("GPU"))

    def run():
        result = step(x)
        if gpu:  # kernels run asynchronously on a GPU: wait for them before reading the clock
            tf.test.experimental.sync_devices()
        return result

    return run


def _jax_step(layers: list[Any], inputs: Any, upstream: Any, backward: bool) -> Callable[[], Any]:
    """A jax.jit-compiled stateless call; the backward pass uses jax.vjp (untested in this project)."""
    import jax

    trainable = [[v.value for v in layer.trainable_variables] for layer in layers]
    frozen = [[v.value for v in layer.non_trainable_variables] for layer in layers]

    def forward(params, a):
        for layer, weights, others in zip(layers, params, frozen):
            a, _ = layer.stateless_call(weights, others, a)
        return a

    def forward_backward(params, a):
        _, pullback = jax.vjp(forward, params, a)
        return pullback(upstream)

    step = jax.jit(forward_backward if backward else forward)
    x = jax.numpy.asarray(inputs)
    return lambda: jax.block_until_ready(step(trainable, x))


def _torch_step(layers: list[Any], inputs: Any, upstream: Any, backward: bool) -> Callable[[], Any]:
    """Eager PyTorch; the backward pass uses torch.autograd.grad (untested in this project)."""
    import torch

    weights = [v.value for layer in layers for v in layer.trainable_variables]
    device = weights[0].device
    x = torch.as_tensor(inputs, device=device)
    dy = torch.as_tensor(upstream, device=device)

    def forward(a):
        for layer in layers:
            a = layer(a)
        return a

    def run():
        if backward:
            a = x.detach().requires_grad_(True)
            result = torch.autograd.grad(forward(a), [a] + weights, grad_outputs=dy)
        else:
            with torch.no_grad():
                result = forward(x)
        if device.type == "cuda":
            torch.cuda.synchronize()
        return result

    return run


def time_steps(tasks: Sequence[tuple[str, str, LayerSetup]], settings: TimingSettings = TimingSettings(),
               progress: Progress | None = None, make: Callable[..., Callable[[], Any]] = make_step,
               clock: Callable[[], float] = time.perf_counter) -> list[Timing]:
    """Time each (kind, pass, setup) within one shared cap; a step that would not fit is skipped, not started.

    Steps of the same setup are timed in rounds, one call of each per round, so that a change in the
    machine's load (a shared CPU) hits every layer kind alike. Setups take their turns one after another,
    each with an even share of the time left; a step that cannot get settings.min_repeats calls is skipped.
    """
    settings.validate()
    start = clock()
    deadline = start + settings.time_cap_s
    setups = list(dict.fromkeys(setup for _, _, setup in tasks))
    results: dict[int, Timing] = {}
    shortest_preparation = 0.0  # building, tracing and warming up never took less: a lower bound for the next

    def report(fraction: float, text: str) -> None:
        if progress:
            progress(min(fraction, 1.0), text)

    for group, setup in enumerate(setups):
        # An even share of what is left sets the number of rounds; time a setup does not use passes on to the
        # next ones, and one whose preparation overran its share still gets its minimum rounds if the cap allows.
        group_deadline = clock() + (deadline - clock()) / (len(setups) - group)
        members = [(i, task) for i, task in enumerate(tasks) if task[2] == setup]
        base, width = group / len(setups), 1 / len(setups)
        prepared = []  # [task index, step, seconds per call]
        for done, (i, (kind, pass_name, _)) in enumerate(members):
            report(base + 0.3 * width * done / len(members),
                   f"Warming up {KIND_LABELS[kind]}, {PASS_LABELS[pass_name]}")
            if clock() + shortest_preparation >= deadline:
                results[i] = Timing(kind, pass_name, setup, skipped="time cap reached before it started")
                continue
            began = clock()
            step = make(kind, pass_name, setup)
            for _ in range(settings.warmup):
                call_began = clock()
                step()
                call_s = clock() - call_began  # the last warm-up predicts the timed calls
            preparation = clock() - began
            shortest_preparation = min(shortest_preparation, preparation) if shortest_preparation else preparation
            prepared.append([i, step, call_s])
        # The slowest steps give way until the minimum number of rounds fits in what is left of the cap.
        while prepared and settings.min_repeats * sum(p[2] for p in prepared) > deadline - clock():
            i, _, call_s = max(prepared, key=lambda p: p[2])
            prepared = [p for p in prepared if p[0] != i]
            kind, pass_name, _ = tasks[i]
            results[i] = Timing(kind, pass_name, setup, skipped=f"one call takes {call_s * 1e3:.0f} ms: "
                                f"{settings.min_repeats} of them do not fit in the time cap")
        round_s = sum(p[2] for p in prepared)
        affordable = int(max(group_deadline - clock(), 0.0) / round_s) if round_s > 0 else settings.repeats
        rounds = min(settings.repeats, max(settings.min_repeats, affordable))
        samples: dict[int, list[float]] = {p[0]: [] for p in prepared}
        for number in range(rounds):
            if number >= settings.min_repeats and clock() + round_s > group_deadline:
                break  # the calls ran slower than the warm-up promised
            report(base + width * (0.3 + 0.7 * number / rounds), f"Timing round {number + 1} of {rounds}"
                   + (f", layer {group + 1} of {len(setups)}" if len(setups) > 1 else ""))
            for i, step, _ in prepared:
                began = clock()
                step()
                samples[i].append((clock() - began) * 1e3)
        for i, values in samples.items():
            kind, pass_name, _ = tasks[i]
            results[i] = Timing(kind, pass_name, setup, tuple(values))
    report(1.0, f"Done in {clock() - start:.1f} s")
    return [results[i] for i in range(len(tasks))]


def device_name() -> str:
    """The device the Keras backend computes on: a GPU's name, else the CPU model and its cores."""
    from dsconv.devices import describe_device

    return str(describe_device()["description"])


_STARTED_BACKENDS: set[str] = set()


def start_backend() -> float:
    """Run one tiny layer so the backend's one-time start-up (thread pools, kernel set-up) is not timed; seconds."""
    import keras

    backend = keras.backend.backend()
    if backend in _STARTED_BACKENDS:
        return 0.0
    began = time.perf_counter()
    make_step("standard", "forward_backward", LayerSetup(height=4, width=4, in_channels=1, out_channels=1,
                                                         kernel_size=1, batch=1))()
    _STARTED_BACKENDS.add(backend)
    return time.perf_counter() - began


def measure(setup: LayerSetup, kinds: Sequence[str] = COMPARED_KINDS, passes: Sequence[str] = PASSES,
            settings: TimingSettings = TimingSettings(), limits: Limits = Limits(),
            progress: Progress | None = None) -> SpeedReport:
    """Time forward and forward+backward of each layer kind for one configured layer."""
    setup.validate(limits)
    import keras

    startup_s = start_backend()
    began = time.perf_counter()
    timings = time_steps([(kind, pass_name, setup) for pass_name in passes for kind in kinds], settings, progress)
    return SpeedReport(timings, device_name(), keras.backend.backend(), time.perf_counter() - began,
                       startup_s=startup_s)


def sweep_setups(setup: LayerSetup, parameter: str, values: Sequence[int] | None = None,
                 limits: Limits = Limits()) -> tuple[list[LayerSetup], list[str]]:
    """The setups of a sweep over output channels or kernel size, and a note for each value left out."""
    if parameter not in SWEEP_PARAMETERS:
        raise SpeedConfigError(f"A sweep varies {' or '.join(SWEEP_PARAMETERS.values())}, not {parameter!r}.")
    setups, notes = [], []
    for value in values or SWEEP_VALUES[parameter]:
        candidate = setup.replace(**{parameter: value})
        try:
            candidate.validate(limits)
        except SpeedConfigError as exc:
            notes.append(f"{SWEEP_PARAMETERS[parameter]} {value} left out: {exc}")
            continue
        setups.append(candidate)
    return setups, notes


def sweep(setup: LayerSetup, parameter: str, pass_name: str = "forward", kinds: Sequence[str] = COMPARED_KINDS,
          values: Sequence[int] | None = None, settings: TimingSettings = TimingSettings(),
          limits: Limits = Limits(), progress: Progress | None = None) -> SpeedReport:
    """Time each layer kind while one size (output channels or kernel size) steps through its values."""
    setups, notes = sweep_setups(setup, parameter, values, limits)
    import keras

    startup_s = start_backend()
    began = time.perf_counter()
    timings = time_steps([(kind, pass_name, s) for s in setups for kind in kinds], settings, progress)
    return SpeedReport(timings, device_name(), keras.backend.backend(), time.perf_counter() - began, notes,
                       startup_s)


def read_measurements(path: str | Path) -> dict[str, Any]:
    """A bundled measurement file: {'meta': {...}, 'sets': {name: {'title', 'timings': [Timing]}}}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    sets = {name: {**entry, "timings": [Timing.from_dict(t) for t in entry["timings"]]}
            for name, entry in data["sets"].items()}
    return {"meta": data["meta"], "sets": sets}


def speed_ratios(timings: Sequence[Timing], baseline: str = "standard") -> list[dict[str, Any]]:
    """For each measured kind and pass beside the baseline: times fewer multiply-adds and times faster.

    mac_ratio = baseline multiply-adds / kind multiply-adds; speed_ratio = baseline median ms / kind median ms.
    """
    rows = []
    for timing in timings:
        base = next((t for t in timings if t.kind == baseline and t.pass_name == timing.pass_name
                     and t.setup == timing.setup), None)
        if timing.kind == baseline or base is None or not (timing.measured and base.measured):
            continue
        rows.append({"kind": timing.kind, "label": timing.label, "pass_name": timing.pass_name, "setup": timing.setup,
                     "mac_ratio": base.multiply_adds / timing.multiply_adds,
                     "speed_ratio": base.median_ms / timing.median_ms})
    return rows
