"""count_upload: a student's file counted at the size picked and at its own; which failures refuse the file (it is
no model) and which only say the size is at fault. The counts are worked by hand in each test."""

from __future__ import annotations

import json

import pytest

from dsconv.profile import CountedUpload, ModelFileError, ProfileError, UnknownInputSize, count_upload


def sequential(*layers: dict, batch_shape: list | None = None) -> bytes:
    body = [{"class_name": "InputLayer", "config": {"name": "in", "batch_shape": batch_shape}}] if batch_shape else []
    return json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": body + list(layers)}}).encode()


CONV = {"class_name": "Conv2D", "config": {"name": "c1", "filters": 8, "kernel_size": [3, 3], "strides": [1, 1],
                                           "padding": "same", "use_bias": True}}
POOL = {"class_name": "GlobalAveragePooling2D", "config": {"name": "g"}}
DENSE = {"class_name": "Dense", "config": {"name": "d", "units": 10}}
CONV_PARAMS = 3 * 3 * 3 * 8 + 8 + 8 * 10 + 10  # 314 at any picture size: the pooling leaves 8 values


def test_a_file_at_its_own_size_has_one_profile():
    counted = count_upload(sequential(CONV, POOL, DENSE, batch_shape=[None, 32, 32, 3]), "net.json")
    assert counted.problem is None and counted.own is None
    assert counted.profile.params == CONV_PARAMS
    assert counted.profile.rows[0].output_shape == (32, 32, 8)


def test_at_a_picked_size_it_has_both_profiles():
    counted = count_upload(sequential(CONV, POOL, DENSE, batch_shape=[None, 32, 32, 1]), "grey.json", 96)
    assert counted.problem is None
    assert counted.profile.rows[0].output_shape == (96, 96, 8)  # the file's one channel kept
    assert counted.profile.params == counted.own.params == 3 * 3 * 1 * 8 + 8 + 8 * 10 + 10
    assert counted.own.rows[0].output_shape == (32, 32, 8)


def test_a_file_that_names_no_size_is_taken_and_asks_for_one():
    data = sequential(CONV, POOL, DENSE)  # saved before it was built
    counted = count_upload(data, "unbuilt.json")
    assert counted == CountedUpload(None, None, counted.problem) and isinstance(counted.problem, UnknownInputSize)
    picked = count_upload(data, "unbuilt.json", 224)
    assert picked.problem is None and picked.own is None and picked.profile.params == CONV_PARAMS


def test_a_size_that_does_not_fit_the_file_is_said_not_refused():
    mlp = sequential({"class_name": "Dense", "config": {"name": "hidden", "units": 3}}, batch_shape=[None, 4])
    assert count_upload(mlp, "mlp.json").profile.params == 4 * 3 + 3
    counted = count_upload(mlp, "mlp.json", 96)
    assert counted.profile is None and counted.own is None
    assert "is not a picture (height, width, channels)" in str(counted.problem)


@pytest.mark.parametrize("size", [0, 96])
@pytest.mark.parametrize("data", [b"{}", b"[1, 2]", b'{"class_name": "Sequential", "config": {"layers": []}}'])
def test_a_file_that_is_no_model_at_any_size_is_refused(data, size):
    with pytest.raises(ProfileError) as refused:
        count_upload(data, "nothing.json", size)
    assert not isinstance(refused.value, UnknownInputSize)


def test_a_file_that_cannot_be_read_is_refused_as_a_file():
    with pytest.raises(ModelFileError):
        count_upload(b"\xff\xd8\xff\xe0 a photo", "photo.keras", 96)
