"""Streamlit's script runner calls keras.backend.clear_session() after every run once Keras is imported (its
`_clean_problem_modules`). In Keras 3 that is a full gc.collect() under the interpreter lock (about 0.2 s with
TensorFlow loaded, for every re-run of every session), TensorFlow's kernel cache dropped and Keras's global state
reset, under a training thread too. The app's pages leave Keras alone."""

from __future__ import annotations

import pytest

from conftest import open_page


@pytest.mark.parametrize("page", ["app.py", "pages/6_Quiz.py", "pages/3_Training_arena.py"])
def test_a_page_run_leaves_keras_global_state_alone(page):
    import keras

    before = keras.backend.get_uid("dsconv_state_probe")
    at = open_page(page)
    assert not at.exception
    assert keras.backend.get_uid("dsconv_state_probe") == before + 1  # clear_session would have reset it to 1


def test_a_page_run_never_calls_clear_session(monkeypatch):
    import keras

    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: calls.append((args, kwargs)))
    at = open_page("pages/6_Quiz.py")
    assert not at.exception
    at.number_input(key="quiz_seed").set_value(99).run()  # a re-run too
    assert not at.exception
    assert calls == []


def test_an_explicit_clear_session_still_clears():
    import keras

    open_page("pages/6_Quiz.py")
    keras.backend.get_uid("dsconv_state_probe")
    keras.backend.clear_session(free_memory=False)  # the arena's time estimate does this in its own process
    assert keras.backend.get_uid("dsconv_state_probe") == 1
