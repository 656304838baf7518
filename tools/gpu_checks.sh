#!/usr/bin/env bash
# The GPU measurements issue #7 asks for, as one short script for a lent GPU machine (minutes; not yet timed on a GPU).
# Keras runs on JAX there (no TensorFlow). Results go to $OUT (default ./gpu_out):
#   gpu.json      the Speed lab's bundled GPU timings: copy it to dsconv/assets/speed/gpu.json
#   training.txt  engine vs the tutorial's model.fit, and the variants (mixed precision included on a GPU)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-gpu_out}"
mkdir -p "$OUT"
export KERAS_BACKEND="${KERAS_BACKEND:-jax}" PYTHONUNBUFFERED=1
python3 -c "import keras, jax; print('keras', keras.__version__, 'jax', jax.__version__, jax.devices())" \
  || { echo "This needs keras, jax, h5py and pillow installed (the GPU machine has no network)." >&2; exit 1; }
python3 -m dsconv.bench layers --out "$OUT/gpu.json" --note "Lent GPU machine, Keras on $KERAS_BACKEND."
python3 -m dsconv.bench training --explore --steps "${STEPS:-16}" --repeats "${REPEATS:-3}" | tee "$OUT/training.txt"
