"""Keeping Keras's global state intact while a Training arena job trains on a thread of the server.

The count of training threads is per server process: every session and every job share this one module.
"""

from __future__ import annotations

import threading
from typing import Any

_TRAINING_LOCK = threading.Lock()
_TRAINING_THREADS = 0  # training threads running in this process


def guard_clear_session() -> None:
    """Make keras.backend.clear_session() a no-op while a job trains in this process.

    Streamlit calls keras.backend.clear_session() after every script run (and every fragment rerun) once
    Keras is imported. That resets TensorFlow's default graph, its kernel cache and runs gc.collect(): on a
    training thread it stalls graph tracing for minutes. The guard skips those calls while training runs.
    """
    import keras

    original = keras.backend.clear_session
    if getattr(original, "_dsconv_guard", False):
        return

    def guarded(*args: Any, **kwargs: Any) -> Any:
        with _TRAINING_LOCK:
            if _TRAINING_THREADS:
                return None
            return original(*args, **kwargs)

    guarded._dsconv_guard = True  # type: ignore[attr-defined]
    keras.backend.clear_session = guarded


def training_started() -> None:
    """A training thread begins: install the guard and hold off clear_session until training_ended()."""
    global _TRAINING_THREADS
    guard_clear_session()
    with _TRAINING_LOCK:  # also waits for a clear_session already running to end
        _TRAINING_THREADS += 1


def training_ended() -> None:
    """A training thread (or a model rebuild) has ended: clear_session works again once none is left."""
    global _TRAINING_THREADS
    with _TRAINING_LOCK:
        _TRAINING_THREADS -= 1
