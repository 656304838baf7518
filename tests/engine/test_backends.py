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

import numpy as np
import pytest

from conftest import ROOT

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


def test_roof_kernels_on_jax_compute_a_product_and_a_copy(probe):
    np.testing.assert_allclose(probe["roof/matmul"], probe["roof/a"] @ probe["roof/b"], rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(probe["roof/copy"], probe["roof/a"] + 1.0)


@pytest.mark.parametrize("kind", ["standard", "separable", "depthwise_pointwise", "depthwise", "pointwise"])
def test_speed_steps_on_jax_compute_what_tf_nn_computes(probe, kind):
    from backend_probe import SETUP
    from dsconv.speed import LayerSetup
    from speed_reference import same_inputs, tf_reference

    setup = LayerSetup(**SETUP)
    x, upstream = same_inputs(setup, kind, seed=7)  # what make_step drew for seed 7

    def arrays(pass_name, prefix):
        found = sorted((k for k in probe if k.startswith(f"{kind}/{pass_name}/{prefix}")), key=lambda k: int(k[len(
            f"{kind}/{pass_name}/{prefix}"):]))
        return [probe[k] for k in found]

    expected, _ = tf_reference(kind, arrays("forward", "w"), x, upstream)
    np.testing.assert_allclose(arrays("forward", "out")[0], expected, rtol=1e-4, atol=1e-5)
    _, gradients = tf_reference(kind, arrays("forward_backward", "w"), x, upstream)
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
    from dsconv.images.learned import model_batch
    from dsconv.training.pretrained import available_pretrained, load_pretrained

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
