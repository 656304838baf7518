"""One pass of one layer kind as a no-argument function, written once per Keras backend.

The layers are backend-neutral Keras 3; only the gradient step differs: tf.GradientTape in a traced
tf.function (TensorFlow), jax.vjp under jax.jit (JAX), torch.autograd.grad (PyTorch). Each step waits
until the device is done, so a clock around it measures the work. Keras is imported inside the functions.
TensorFlow and JAX are tested against tf.nn (tests/test_speed.py, tests/test_backends.py); PyTorch is not.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from dsconv import ONE_AT_A_TIME
from dsconv.kinds import keras_layers
from dsconv.speed.setup import PASSES, LayerSetup, SpeedConfigError


def build_layers(kind: str, setup: LayerSetup) -> list[Any]:
    """The Keras layers of one kind, built for the setup's input (no activation: only the convolution is timed)."""
    made = keras_layers(kind, out_channels=setup.out_channels, kernel_size=setup.kernel_size, padding="same")
    shape = setup.input_shape()
    for layer in made:
        layer.build(shape)
        shape = layer.compute_output_shape(shape)
    return made


def make_step(kind: str, pass_name: str, setup: LayerSetup, seed: int = 0) -> Callable[[], Any]:
    """A no-argument function that runs one pass on a fixed random batch and waits until the device is done."""
    with ONE_AT_A_TIME:
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
    with ONE_AT_A_TIME:
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
    """A jax.jit-compiled stateless call; the backward pass uses jax.vjp."""
    with ONE_AT_A_TIME:
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
    with ONE_AT_A_TIME:
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


def make_array_step(function: Callable[..., Any], *arrays: Any) -> Callable[[], Any]:
    """A no-argument call of `function` (written with keras.ops) on fixed arrays, compiled and awaited like a step.

    TensorFlow: a traced tf.function; JAX: jax.jit and block_until_ready; PyTorch: eager, then synchronised.
    The roofline's matrix product and array copy run through here (dsconv.speed.roofline.measure_roofs).
    """
    with ONE_AT_A_TIME:
        import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        with ONE_AT_A_TIME:
            import tensorflow as tf

        tensors = [tf.constant(a) for a in arrays]
        compiled = tf.function(function)
        gpu = bool(tf.config.list_logical_devices("GPU"))

        def run():
            result = compiled(*tensors)
            if gpu:
                tf.test.experimental.sync_devices()
            return result

        return run
    if backend == "jax":
        with ONE_AT_A_TIME:
            import jax

        tensors = [jax.numpy.asarray(a) for a in arrays]
        compiled = jax.jit(function)
        return lambda: jax.block_until_ready(compiled(*tensors))
    if backend == "torch":
        with ONE_AT_A_TIME:
            import torch

        tensors = [keras.ops.convert_to_tensor(a) for a in arrays]

        def run_torch():
            with torch.no_grad():
                result = function(*tensors)
            if tensors[0].device.type == "cuda":
                torch.cuda.synchronize()
            return result

        return run_torch
    raise SpeedConfigError(f"The Keras backend {backend!r} cannot be timed here; use tensorflow, jax or torch.")


_STARTED_BACKENDS: set[str] = set()


def start_backend() -> float:
    """Run one tiny layer so the backend's one-time start-up (thread pools, kernel set-up) is not timed; seconds."""
    with ONE_AT_A_TIME:
        import keras

    backend = keras.backend.backend()
    if backend in _STARTED_BACKENDS:
        return 0.0
    began = time.perf_counter()
    make_step("standard", "forward_backward", LayerSetup(height=4, width=4, in_channels=1, out_channels=1,
                                                         kernel_size=1, batch=1))()
    _STARTED_BACKENDS.add(backend)
    return time.perf_counter() - began
