"""Run the engine under another Keras backend (KERAS_BACKEND=jax) and save what it computed, for
tests/engine/test_backends.py.

The GPU machines have no TensorFlow: training and the Speed lab's recorder run there on JAX or PyTorch.
This script exercises those paths on whatever backend the environment selects and writes an .npz:
- the Speed lab's forward and forward+backward steps of each layer kind, with the layers' weights, and the
  roofline's matrix product and array copy;
- the shipped pretrained models' softmax outputs for a fixed picture;
- the training engine's run record on synthetic data (as JSON text).
The test then recomputes every array with TensorFlow (tf.nn ops, or the same weights on the TF backend).

Usage: KERAS_BACKEND=jax python tests/backend_probe.py OUT.npz
Run it with an interpreter that has no TensorFlow (as on the GPU machines) to prove nothing falls back on it:
tests/engine/test_backends.py takes that interpreter from DSCONV_PROBE_PYTHON.
"""

import json
import sys
from dataclasses import asdict

import numpy as np

SETUP = dict(height=5, width=6, in_channels=2, out_channels=3, kernel_size=3, batch=2)
PICTURE_SEED = 3


def picture() -> np.ndarray:
    """A fixed 32 x 32 x 3 picture, 0-255."""
    return np.random.default_rng(PICTURE_SEED).integers(0, 256, (32, 32, 3)).astype(np.float32)


def main(out_path: str) -> None:
    import keras

    from dsconv.images.learned import model_batch
    from dsconv.speed import TIMED_KINDS, LayerSetup, TimingSettings, measure
    from dsconv.speed.steps import make_step
    from dsconv.training.engine import TrainConfig, train_run
    from dsconv.training.models import ModelConfig
    from dsconv.training.pretrained import available_pretrained, load_pretrained
    from dsconv.training.synthetic import synthetic_dataset

    arrays: dict[str, np.ndarray] = {"backend": np.array(keras.backend.backend())}
    setup = LayerSetup(**SETUP)
    for kind in TIMED_KINDS:
        for pass_name in ("forward", "forward_backward"):
            step = make_step(kind, pass_name, setup, seed=7)
            result = step()
            results = result if isinstance(result, (list, tuple)) else [result]
            if pass_name == "forward_backward" and isinstance(result, (list, tuple)) and len(result) == 2 \
                    and isinstance(result[0], (list, tuple)):
                results = list(result[1:]) + [w for layer in result[0] for w in layer]  # jax: (params, input)
            for i, value in enumerate(results):
                arrays[f"{kind}/{pass_name}/out{i}"] = keras.ops.convert_to_numpy(value)
            weights = [v for layer in step.layers for v in layer.trainable_variables]
            for i, value in enumerate(weights):
                arrays[f"{kind}/{pass_name}/w{i}"] = keras.ops.convert_to_numpy(value)
    from dsconv.speed.steps import make_array_step

    rng = np.random.default_rng(5)  # the roofline's two kernels: a matrix product and x + 1
    a, b = rng.standard_normal((40, 24), dtype=np.float32), rng.standard_normal((24, 16), dtype=np.float32)
    arrays["roof/a"], arrays["roof/b"] = a, b
    arrays["roof/matmul"] = keras.ops.convert_to_numpy(make_array_step(keras.ops.matmul, a, b)())
    arrays["roof/copy"] = keras.ops.convert_to_numpy(make_array_step(lambda v: v + 1.0, a)())
    report = measure(setup, settings=TimingSettings(warmup=1, repeats=3, time_cap_s=120))
    arrays["timings_ms"] = np.array([[t.median_ms for t in report.timings]])
    arrays["timing_backend"] = np.array(report.backend)
    for name in available_pretrained():
        model = load_pretrained(name)
        arrays[f"pretrained/{name}"] = np.asarray(model.predict_on_batch(model_batch(model, picture())))
    dataset = synthetic_dataset(train_size=600, test_size=200, seed=0)
    record = train_run(dataset, TrainConfig(architectures=("separable",), epochs=3, batch_size=32, seed=0,
                                            model=ModelConfig.of(filters=16), validate_on_test=True))
    arrays["record"] = np.array(json.dumps(asdict(record)))
    np.savez(out_path, **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
