"""The engine on the JAX backend (as on the GPU machines, which have no TensorFlow), checked against TensorFlow.

tests/backend_probe.py runs in a subprocess with KERAS_BACKEND=jax and saves what the Speed lab's steps,
the shipped models and the training engine computed there. Here every array is recomputed with
TensorFlow: the steps with tf.nn ops and a GradientTape on the probe's own weights, the models with the
same weight files on the TensorFlow backend.

The interpreter is this one (JAX comes with requirements-test.txt), or DSCONV_PROBE_PYTHON: point it at a
virtual environment with keras, jax, h5py and pillow but no TensorFlow to prove that nothing needs it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE_PYTHON = os.environ.get("DSCONV_PROBE_PYTHON", sys.executable)


def _has_jax() -> bool:
    found = subprocess.run([PROBE_PYTHON, "-c", "import jax"], capture_output=True)
    return found.returncode == 0


pytestmark = [pytest.mark.slow, pytest.mark.skipif(not _has_jax(), reason="JAX is not installed (requirements-test.txt)")]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    out = tmp_path_factory.mktemp("probe") / "probe.npz"
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([PROBE_PYTHON, str(ROOT / "tests" / "backend_probe.py"), str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as arrays:
        return {name: arrays[name] for name in arrays.files}


def test_probe_ran_on_jax(probe):
    assert str(probe["backend"]) == "jax"
    record = json.loads(str(probe["record"]))
    assert record["versions"]["backend"] == "jax"


def _tf_reference(kind, weights, x, upstream):
    """The layer's output and the gradients of <output, upstream> with respect to the input and each weight."""
    import tensorflow as tf

    x = tf.constant(x)
    weights = [tf.constant(w) for w in weights]
    with tf.GradientTape() as tape:
        tape.watch([x] + weights)
        if kind == "standard":
            out = tf.nn.conv2d(x, weights[0], strides=1, padding="SAME") + weights[1]
        elif kind == "pointwise":
            out = tf.nn.conv2d(x, weights[0], strides=1, padding="VALID") + weights[1]
        elif kind == "separable":
            out = tf.nn.separable_conv2d(x, weights[0], weights[1], strides=[1, 1, 1, 1], padding="SAME") + weights[2]
        else:  # depthwise, then (depthwise_pointwise) a 1x1 convolution
            out = tf.nn.depthwise_conv2d(x, weights[0], strides=[1, 1, 1, 1], padding="SAME") + weights[1]
            if kind == "depthwise_pointwise":
                out = tf.nn.conv2d(out, weights[2], strides=1, padding="VALID") + weights[3]
    gradients = tape.gradient(out, [x] + weights, output_gradients=tf.constant(upstream))
    return out.numpy(), [g.numpy() for g in gradients]


@pytest.mark.parametrize("kind", ["standard", "separable", "depthwise_pointwise", "depthwise", "pointwise"])
def test_speed_steps_on_jax_compute_what_tf_nn_computes(probe, kind):
    from backend_probe import SETUP

    from dsconv.speed import LayerSetup

    setup = LayerSetup(**SETUP)
    rng = np.random.default_rng(7)  # make_step's draws for seed 7: the input batch, then the upstream gradient
    x = rng.standard_normal(setup.input_shape(), dtype=np.float32)
    out_channels = setup.in_channels if kind == "depthwise" else setup.out_channels
    upstream = rng.standard_normal((setup.batch, setup.height, setup.width, out_channels), dtype=np.float32)

    def arrays(pass_name, prefix):
        found = sorted((k for k in probe if k.startswith(f"{kind}/{pass_name}/{prefix}")), key=lambda k: int(k[len(
            f"{kind}/{pass_name}/{prefix}"):]))
        return [probe[k] for k in found]

    expected, _ = _tf_reference(kind, arrays("forward", "w"), x, upstream)
    np.testing.assert_allclose(arrays("forward", "out")[0], expected, rtol=1e-4, atol=1e-5)
    _, gradients = _tf_reference(kind, arrays("forward_backward", "w"), x, upstream)
    got = arrays("forward_backward", "out")
    assert len(got) == len(gradients)  # the input's gradient, then one per weight
    for mine, reference in zip(got, gradients):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-4)


def test_speed_lab_measures_on_jax(probe):
    assert str(probe["timing_backend"]) == "jax"
    timings = probe["timings_ms"][0]
    assert len(timings) == 6 and (timings > 0).all()  # three layer kinds, two passes


def test_shipped_models_predict_the_same_on_jax_and_tensorflow(probe):
    from backend_probe import picture

    from dsconv.features import model_batch
    from dsconv.pretrained import available_pretrained, load_pretrained

    names = available_pretrained()
    assert names and all(f"pretrained/{name}" in probe for name in names)
    for name in names:
        model = load_pretrained(name)
        expected = np.asarray(model.predict_on_batch(model_batch(model, picture())))
        np.testing.assert_allclose(probe[f"pretrained/{name}"], expected, rtol=1e-3, atol=1e-5)


def test_training_engine_learns_on_jax(probe):
    record = json.loads(str(probe["record"]))
    assert record["status"] == "complete"
    (part,) = record["architectures"]
    epochs = part["epochs"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert epochs[-1]["loss"] < epochs[0]["loss"]
    # Ten balanced classes: chance is 0.1. Three short epochs on 600 pictures get well past it.
    assert epochs[-1]["val_accuracy"] > 0.3
    assert 0 <= part["test_accuracy"] <= 1
