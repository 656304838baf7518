"""Which machine a run used: the CPU model, or the GPU the active Keras backend sees; and library versions.

Timings mean nothing without the machine, so every run record carries this description.
Keras and its backend are imported inside the functions.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from dsconv import ONE_AT_A_TIME
from dsconv.safe_text import counted


def device_name(device: str) -> str:
    """A device's label as a sentence names it: "AMD EPYC, 2 cores" reads "the AMD EPYC with 2 cores" ("AMD EPYC, 2
    cores reaches 213 GFLOP/s" read as a list; "(2 cores)" stood inside the sentences' own brackets), without the
    (R) and (TM) marks of CPU names; a label that starts with a count or an article keeps its start."""
    name, _, detail = device.replace("(R)", "").replace("(TM)", "").replace("(tm)", "").partition(", ")
    text = " ".join((f"{name} with {detail}" if detail else name).split())  # the marks' spaces closed up
    article, _, rest = text.partition(" ")
    if article in ("A", "An", "The", "This") and rest:  # "on An NVIDIA A100", mid-sentence
        return f"{article.lower()} {rest}"
    return text if not text or text[0].isdigit() or text.lower().startswith(("the ", "this ", "a ", "an ")) \
        else f"the {text}"


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else platform.processor(), with the core count."""
    name = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    name = name or platform.processor() or platform.machine() or "unknown CPU"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{name}, {counted(cores, 'core')}" if cores else name  # a one-core machine read "1 cores"


def gpu_names() -> list[str]:
    """Names of the GPUs the active Keras backend can use (empty on a CPU-only machine)."""
    with ONE_AT_A_TIME:
        import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            with ONE_AT_A_TIME:
                import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            return [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
        if backend == "jax":
            with ONE_AT_A_TIME:
                import jax

            return [device.device_kind for device in jax.devices() if device.platform == "gpu"]
        if backend == "torch":
            with ONE_AT_A_TIME:
                import torch

            return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except (RuntimeError, ValueError):  # a backend without a usable GPU runtime
        return []
    return []


def describe_device() -> dict[str, object]:
    """{'description', 'kind' ('cpu' or 'gpu'), 'count'} for the run record."""
    gpus = gpu_names()
    if gpus:
        label = gpus[0] if len(set(gpus)) == 1 else ", ".join(gpus)
        return {"description": f"{len(gpus)} x {label}" if len(gpus) > 1 else label, "kind": "gpu",
                "count": len(gpus), "cpu": cpu_model()}
    return {"description": cpu_model(), "kind": "cpu", "count": 1}


def library_versions() -> dict[str, str]:
    """Versions of Python, NumPy, Keras and the Keras backend."""
    with ONE_AT_A_TIME:
        import keras
        import numpy

    backend = keras.backend.backend()
    module_name = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend)
    backend_version = getattr(sys.modules.get(module_name) or __import__(module_name), "__version__", "unknown")
    return {"python": platform.python_version(), "numpy": numpy.__version__, "keras": keras.__version__,
            "backend": backend, "backend_version": str(backend_version)}
