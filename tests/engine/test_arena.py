"""dsconv.arena.job: limits from settings, the shared training slot, time estimates, and the background job
(a tiny synthetic training that completes, one that is stopped, one whose tab goes quiet)."""

import concurrent.futures
import io
import json
import time
import zipfile

import numpy as np
import pytest

from dsconv.arena import (
    ArenaBusy,
    ArenaError,
    ArenaLimits,
    LaunchSettings,
    Speed,
    TrainingJob,
    TrainingSlots,
    estimate_launch,
    estimates,
    train_and_val_sizes,
)
from dsconv.arena import estimates as arena
from dsconv.arena import settings as arena_settings
from dsconv.training.engine import TrainConfig
from dsconv.training.models import ModelConfig
from dsconv.training.runs import load_run

TINY = LaunchSettings(train_size=500, test_size=100,
                      train=TrainConfig(epochs=1, batch_size=64, architectures=("separable",)))
PATIENT = ArenaLimits(heartbeat_seconds=600)  # tests do not send heartbeats


def test_limits_default_to_a_community_cloud_cpu():
    limits = ArenaLimits.from_settings({}, environ={})
    assert (limits.max_concurrent, limits.max_train_images, limits.max_epochs) == (1, 10_000, 20)


def test_limits_read_settings_then_environment():
    limits = ArenaLimits.from_settings({"max_epochs": 5, "max_concurrent": "2", "allow_server_folders": False},
                                       environ={"DSCONV_ARENA_MAX_EPOCHS": "7", "DSCONV_ARENA_HEARTBEAT_SECONDS": "2.5"})
    assert limits.max_epochs == 7 and limits.max_concurrent == 2
    assert limits.heartbeat_seconds == 2.5 and limits.allow_server_folders is False


@pytest.mark.parametrize("environ, phrase", [({"DSCONV_ARENA_MAX_EPOCHS": "many"}, "must be a int"),
                                             ({"DSCONV_ARENA_MAX_CONCURRENT": "0"}, "at least 1 training"),
                                             ({"DSCONV_ARENA_ALLOW_SERVER_FOLDERS": "maybe"}, "must be a bool")])
def test_bad_limit_settings_are_refused_with_a_sentence(environ, phrase):
    with pytest.raises(ArenaError, match=phrase):
        ArenaLimits.from_settings({}, environ=environ)


@pytest.mark.parametrize("settings, phrase", [
    (LaunchSettings(train_size=10_001), "training images must be between 500 and 10,000"),
    (LaunchSettings(train_size=20), "training images must be between 500 and 10,000"),
    (LaunchSettings(train=TrainConfig(epochs=21)), "epochs must be between 1 and 20"),
    (LaunchSettings(test_size=20), "test images must be between 100"),
    (LaunchSettings(train=TrainConfig(batch_size=1024)), "batch size"),
    (LaunchSettings(train=TrainConfig(architectures=())), "at least one architecture"),
    (LaunchSettings(source="folder"), "Type the folder"),
    (LaunchSettings(train=TrainConfig(model=ModelConfig.of(width_multiplier=0.01))), "width multiplier must be between 0.25 and 2"),
])
def test_launches_beyond_the_limits_are_refused(settings, phrase):
    with pytest.raises(ArenaError, match=phrase):
        settings.check(ArenaLimits())


def test_server_folders_can_be_switched_off():
    with pytest.raises(ArenaError, match="does not read folders"):
        LaunchSettings(source="cifar10-local", data_dir="/tmp").check(ArenaLimits(allow_server_folders=False))


def test_slots_admit_at_most_capacity_and_say_when_one_frees():
    class FakeJob:
        def __init__(self, remaining):
            self.remaining = remaining

        def snapshot(self):
            return self

    slots = TrainingSlots(capacity=1)
    first, second = FakeJob(150.0), FakeJob(None)
    assert slots.try_claim(first) and not slots.try_claim(second)
    assert slots.is_full() and "at most 1 at a time" in slots.busy_message()
    assert "frees in about 2 min" in slots.busy_message() and slots.seconds_until_free() == 150.0
    slots.set_capacity(2)
    assert slots.try_claim(second) and slots.is_full()
    slots.release(first)
    slots.release(first)  # harmless twice
    assert slots.running() == [second] and not slots.is_full()


def test_estimate_follows_its_formula():
    settings = LaunchSettings(train_size=1000, test_size=300,
                              train=TrainConfig(epochs=4, architectures=("standard", "separable")))
    speeds = {"standard": Speed(0.01, 5.0, "probe"), "separable": Speed(0.004, 3.0, "recorded")}
    train, val = train_and_val_sizes(settings)
    assert (train, val) == (900, 100)
    estimate = estimate_launch(settings, speeds)
    by_hand_standard = 5.0 + 4 * (900 + 100 / 3) * 0.01 + 300 / 3 * 0.01
    by_hand_separable = 3.0 + 4 * (900 + 100 / 3) * 0.004 + 300 / 3 * 0.004
    assert estimate.per_architecture["standard"] == pytest.approx(by_hand_standard)
    assert estimate.total_seconds == pytest.approx(arena.DATA_SECONDS + by_hand_standard + by_hand_separable)
    assert estimate.sources == ("probe", "recorded")
    assert train_and_val_sizes(LaunchSettings(train_size=500, test_size=80, train=TrainConfig(validate_on_test=True))) == (500, 80)


def test_recorded_speeds_come_from_epoch_seconds_and_beat_probes():
    from dsconv.training.runs import run_from_dict

    data = {"schema": "dsconv-run", "schema_version": 1, "title": "t", "kind": "measured",
            "created": "2026-01-01T00:00:00+00:00",
            "data": {"train_size": 4500, "val_size": 500}, "recipe": {}, "device": {"description": "CPU X"},
            "versions": {}, "architectures": [{"name": "separable", "model": {"width_multiplier": 0.5},
                                                 "params": 1, "multiply_adds": 1, "epochs": [
                {"epoch": 1, "loss": 1, "accuracy": 0.5, "val_loss": 1, "val_accuracy": 0.5, "seconds": 100},
                {"epoch": 2, "loss": 1, "accuracy": 0.5, "val_loss": 1, "val_accuracy": 0.5, "seconds": 80}]}]}
    speeds = arena.speeds_from_record(run_from_dict(data))
    speed = speeds[("CPU X", "separable", 0.5)]
    assert speed.seconds_per_image == pytest.approx(90 / (4500 + 500 / 3)) and speed.source == "recorded"
    arena.remember_speed("CPU X", "separable", 0.5, Speed(1.0, 1.0, "probe"))
    arena.remember_speed("CPU X", "separable", 0.5, speed)
    arena.remember_speed("CPU X", "separable", 0.5, Speed(2.0, 1.0, "probe"))  # a probe never replaces a record
    assert arena.known_speed("CPU X", "separable", 0.5) == speed
    data["data"]["train_size"] = 100  # tiny runs are mostly fixed costs: not used
    assert arena.speeds_from_record(run_from_dict(data)) == {}


def test_folder_images_are_counted_with_a_stop(tmp_path):
    for split, name, count in (("train", "cats", 3), ("train", "dogs", 2), ("test", "cats", 2)):
        (tmp_path / split / name).mkdir(parents=True)
        for index in range(count):
            (tmp_path / split / name / f"{index}.png").write_bytes(b"x")
    (tmp_path / "train" / "cats" / "notes.txt").write_text("x")
    assert arena_settings.count_folder_images(tmp_path, 100) == (5, 2)  # training and test images
    assert arena_settings.count_folder_images(tmp_path, 2) == (3, 0)


def test_only_the_folders_the_image_source_reads_are_counted(tmp_path):
    """"/" typed as the image folder was walked whole (8,293 images and 90 s here, the launch's slot held) before
    the loader found no train/ in it. The count now looks where the loader reads, train/<class>/ and
    test/<class>/, one level each."""
    deep = tmp_path / "elsewhere" / "a" / "b"
    deep.mkdir(parents=True)
    for index in range(50):
        (deep / f"{index}.jpg").write_bytes(b"x")
        (tmp_path / f"{index}.png").write_bytes(b"x")
    (tmp_path / "train" / "cats" / "nested").mkdir(parents=True)
    (tmp_path / "train" / "cats" / "nested" / "0.png").write_bytes(b"x")  # the loader does not read it either
    (tmp_path / "train" / "cats" / "1.png").write_bytes(b"x")
    assert arena_settings.count_folder_images(tmp_path, 10) == (1, None)  # no test/
    assert arena_settings.count_folder_images(tmp_path / "missing", 10) == (None, None)
    (tmp_path / "train").rename(tmp_path / "test")
    assert arena_settings.count_folder_images(tmp_path, 10) == (None, 1)  # no train/, then a test/ to count


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("in_subprocess", [False, True], ids=["thread", "subprocess"])
def test_a_tiny_launch_completes_and_keeps_record_weights_and_model(in_subprocess):
    slots = TrainingSlots(1)
    limits = ArenaLimits(heartbeat_seconds=600, train_in_subprocess=in_subprocess)
    job = TrainingJob(TINY, limits, slots=slots).start()
    with pytest.raises(ArenaBusy, match="already training"):
        TrainingJob(TINY, limits, slots=slots).start()
    assert job.join(600)
    snap = job.snapshot()
    assert snap.state == "complete", snap.message
    assert snap.fraction == 1.0 and snap.remaining == 0.0 and slots.running() == []
    time.sleep(0.3)  # "Launch 1 finished in 6 s" read "46 s" forty seconds later: the time stops with the job
    assert job.snapshot().elapsed == snap.elapsed
    part = job.record.architectures[0]
    assert len(part.epochs) == 1 and part.test_accuracy is not None
    assert snap.curves["separable"]["x"][-1] == pytest.approx(1.0)  # the last batch of epoch 1
    assert snap.curves["separable"]["val_accuracy"] == [part.epochs[0].val_accuracy]
    saved = load_run(job.record_json())
    assert saved.architectures[0].epochs[0].val_accuracy == part.epochs[0].val_accuracy
    assert saved.data["train_size"] == 450 and saved.data["val_size"] == 50  # a tenth held out of 500
    names = zipfile.ZipFile(io.BytesIO(job.weights_zip())).namelist()
    assert f"{job.run_name}.json" in names and f"{job.run_name}_separable.weights.h5" in names
    model = job.models["separable"]
    assert model.count_params() == part.params
    assert (job.process_id is not None) == in_subprocess


@pytest.mark.slow
def test_stop_keeps_finished_epochs_and_a_quiet_tab_stops_its_job():
    settings = LaunchSettings(train_size=500, test_size=100,
                              train=TrainConfig(epochs=20, batch_size=16, architectures=("separable",)))
    job = TrainingJob(settings, PATIENT, slots=TrainingSlots(1)).start()
    assert wait_until(lambda: job.snapshot().epoch >= 2, 600), job.snapshot()
    asked = time.monotonic()
    job.request_stop()
    epoch_when_asked = job.snapshot().epoch  # no epoch starts after the request: it stops after this batch
    assert job.join(600)
    stopped_after = time.monotonic() - asked
    snap = job.snapshot()
    assert snap.state == "stopped" and snap.message == "Stopped with the Stop button."
    part = job.record.architectures[0]
    assert part.status == "stopped" and 1 <= len(part.epochs) < 20
    assert json.loads(job.record_json())["status"] == "stopped"
    assert "separable" in job.models  # rebuilt from the last finished epoch's weights
    process_ended = job.training_ended_at - asked
    print(f"training ended {process_ended:.2f} s after the stop request; job finished (models rebuilt) "
          f"after {stopped_after:.2f} s")
    # Stopped within the epoch that was running: no later epoch was trained (about a second on an idle CPU; the
    # time is printed, not asserted, so a loaded machine cannot fail this).
    assert len(part.epochs) <= epoch_when_asked

    quiet = TrainingJob(settings, ArenaLimits(heartbeat_seconds=0.2), slots=TrainingSlots(1),
                        alive=lambda: False).start()
    assert quiet.join(600)
    assert quiet.snapshot().state == "stopped"
    assert "tab was closed" in quiet.snapshot().message


def test_finished_runs_teach_the_estimator_their_speeds():
    from dsconv.training.runs import run_from_dict
    from run_records import arch, record_dict

    epochs = [(1.0, 0.5, 1.0, 0.5, 60.0), (1.0, 0.5, 1.0, 0.5, 40.0)]
    record = record_dict([arch("mobilenet", epochs)])
    record["data"]["train_size"], record["device"]["description"] = 4500, "CPU learn-test"
    tiny = record_dict([arch("standard", epochs)])
    tiny["data"]["train_size"] = arena.MIN_RECORDED_IMAGES - 1  # too few to count: fixed costs dominate
    assert estimates.learn_from_records([run_from_dict(record), run_from_dict(tiny)]) == 1
    learned = estimates.known_speed("CPU learn-test", "mobilenet", 1.0)
    assert learned.source == "recorded" and learned.seconds_per_image == pytest.approx(50 / (4500 + 100 / 3))
    assert estimates.known_speed("Test CPU, 2 cores", "standard", 1.0) is None


def test_a_launch_is_estimated_only_when_every_model_has_a_speed(monkeypatch):
    settings = LaunchSettings(train_size=1000, test_size=300,
                              train=TrainConfig(epochs=2, architectures=("standard", "separable")))
    calls = []

    def machine_profile(architectures, width_multiplier, probe=True):
        calls.append((architectures, width_multiplier, probe))
        known = {"standard": Speed(0.01, 5.0, "recorded")}
        if probe:
            known["separable"] = Speed(0.004, 3.0, "probe")
        return "CPU Y", known

    monkeypatch.setattr(estimates, "machine_profile", machine_profile)
    device, estimate = estimates.launch_estimate(settings)
    assert device == "CPU Y"
    assert estimate == estimate_launch(settings, machine_profile(("standard", "separable"), 1.0)[1])
    assert calls[0] == (("standard", "separable"), 1.0, True)
    device, estimate = estimates.launch_estimate(settings, probe=False)  # the server is training: no probe now
    assert device == "CPU Y" and estimate is None


def test_a_refused_launch_names_the_choices_as_the_pickers_show_them():
    """The launcher's pickers say "Standard" and "Synthetic shapes"; the refusal listed "standard, separable,
    depthwise_pointwise, mobilenet"."""
    from dataclasses import replace

    from dsconv.arena import ArenaError, ArenaLimits, LaunchSettings

    settings = LaunchSettings()
    no_models = replace(settings, train=replace(settings.train, architectures=()))
    with pytest.raises(ArenaError, match="Pick at least one architecture from Standard, Separable, Depthwise \\+ 1x1, "
                                         "MobileNet\\."):
        no_models.check(ArenaLimits())
    with pytest.raises(ArenaError, match="Choose a data source from Synthetic shapes, CIFAR-10, downloaded"):
        replace(settings, source="elsewhere").check(ArenaLimits())


def image_folder(root, train_per_class: int, test_per_class: int, classes: int = 10):
    """FOLDER/train/<class>/*.png and FOLDER/test/<class>/*.png of tiny pictures."""
    from PIL import Image

    picture = Image.new("RGB", (8, 8), (120, 30, 200))
    for split, count in (("train", train_per_class), ("test", test_per_class)):
        for label in range(classes):
            folder = root / split / f"class{label}"
            folder.mkdir(parents=True)
            for index in range(count):
                picture.save(folder / f"{index}.png")
    return root


def test_a_folder_with_fewer_images_than_asked_is_refused_with_what_to_set(tmp_path):
    """A folder of 600 training and 150 test images, asked for 2,000 and 500, trained on 540 without a word under a
    title saying "1,800 images"; one of 30 and 30 trained on 27, far below the page's own minimum of 500."""
    from dsconv.training.data import DataError

    limits = ArenaLimits()
    folder = image_folder(tmp_path / "mid", 60, 15)
    asked = LaunchSettings(source="folder", data_dir=str(folder), train_size=2000, test_size=500)
    with pytest.raises(DataError) as refused:
        arena_settings.load_dataset(asked, limits)
    assert str(refused.value) == ("The data holds 600 training images and 150 test images; the launch asked for "
                                  "2,000 and 500. Set Training images to at most 600 and Test images to at most 150, "
                                  "or give it a folder with more.")
    small = image_folder(tmp_path / "small", 3, 3)
    with pytest.raises(DataError, match="The data holds 30 training images and 30 test images; .* The arena trains on "
                                        "at least 500 training and 100 test images"):
        arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=str(small), train_size=500,
                                                   test_size=100), limits)
    # enough images: the sizes asked for, as before
    data = arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=str(folder), train_size=500,
                                                      test_size=100), limits)
    assert len(data.y_train) + len(data.y_val) == 500 and len(data.y_test) == 100


def test_the_download_failing_points_to_the_pages_choices_and_a_long_path_gets_a_sentence(monkeypatch, tmp_path):
    """Offline, the page said "Use --data cifar10-local --data-dir FOLDER", flags a web page does not have; a folder
    path too long for the system showed "[Errno 36] File name too long: '/data/a/a/a/..." with all 4,000 characters."""
    from dsconv.training import data as training_data
    from dsconv.training.data import DataError

    def offline(*args, **kwargs):
        try:
            raise OSError("[Errno -2] Name or service not known")
        except OSError as cause:
            raise DataError("Could not download CIFAR-10 (no internet?). Use --data cifar10-local ...") from cause

    monkeypatch.setattr(training_data, "load_cifar10_download", offline)
    with pytest.raises(DataError) as refused:
        arena_settings.load_dataset(LaunchSettings(source="cifar10", train_size=500, test_size=100), ArenaLimits())
    said = str(refused.value)
    assert "--data" not in said and "Under Data, choose “CIFAR-10 on the server”" in said, said
    assert "choose “Synthetic shapes”, which needs no download" in said and "Name or service not known" in said
    no_folders = ArenaLimits(allow_server_folders=False)
    with pytest.raises(DataError) as refused:
        arena_settings.load_dataset(LaunchSettings(source="cifar10", train_size=500, test_size=100), no_folders)
    assert "on the server" not in str(refused.value)
    long_path = str(tmp_path) + "/a" * 2100
    with pytest.raises(DataError) as refused:
        arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=long_path, train_size=500,
                                                   test_size=100), ArenaLimits())
    said = str(refused.value)
    assert len(said) < 200 and "/a/a/a" not in said and "type a shorter path" in said, said


def test_a_folder_the_system_refuses_for_another_reason_is_not_told_to_shorten_its_path(monkeypatch, tmp_path):
    """Every system error on the folder was told "type a shorter path", a permission error too (a root test cannot
    make one on disk: the loader is made to raise it)."""
    import errno

    from dsconv.training.data import DataError

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    from dsconv.training import data as training_data

    monkeypatch.setattr(training_data, "load_source", denied)
    with pytest.raises(DataError) as refused:
        arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=str(tmp_path), train_size=500,
                                                   test_size=100), ArenaLimits())
    assert str(refused.value) == ("The folder cannot be read (Permission denied): check that this server may read "
                                  "it, or type another folder.")


def test_a_folder_typed_with_a_tilde_is_read_from_the_home_folder(monkeypatch, tmp_path):
    """"~/pictures" was read as a folder named "~" in the server's working folder: "does not exist"."""
    monkeypatch.setenv("HOME", str(tmp_path))
    image_folder(tmp_path / "pictures", 60, 15)
    LaunchSettings(source="folder", data_dir="~/pictures", train_size=500, test_size=100).check(ArenaLimits())
    (tmp_path / "cifar").mkdir()  # the check before a launch looks at the batch files' names only
    for name in ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"):
        (tmp_path / "cifar" / name).write_bytes(b"")
    LaunchSettings(source="cifar10-local", data_dir="~/cifar").check(ArenaLimits())
    data = arena_settings.load_dataset(LaunchSettings(source="folder", data_dir="~/pictures", train_size=500,
                                                      test_size=100), ArenaLimits())
    assert len(data.y_train) + len(data.y_val) == 500 and len(data.y_test) == 100


@pytest.mark.parametrize("source", ["folder", "cifar10-local"])
def test_a_folder_name_with_a_nul_character_is_refused_in_words(source):
    """"/tmp/a\\x00b" raised ValueError ("embedded null byte"), shown as "Training failed unexpectedly"."""
    from dsconv.training.data import DataError

    typed = LaunchSettings(source=source, data_dir="/tmp/a\x00b", train_size=500, test_size=100)
    with pytest.raises(ArenaError, match=r"NUL character \(\\x00\), which no path can hold; type the folder again"):
        typed.check(ArenaLimits())
    with pytest.raises(DataError, match="NUL character"):  # the loader refuses it too, launched or from the CLI
        arena_settings.load_dataset(typed, ArenaLimits())


def test_stop_ends_the_reading_of_a_data_folder(monkeypatch, tmp_path):
    """On a thread, Stop did nothing while a data folder loaded: the launch's slot stayed held until every image was
    read (117 s for a reviewer's folder), then training began and stopped. Now the reading stops at the next image."""
    from dsconv.training import data as training_data

    folder = image_folder(tmp_path / "pictures", 60, 15)
    job, read = [], []

    def read_image(path):  # the fifth image read is where the student presses Stop
        read.append(path)
        if len(read) == 5:
            job[0].request_stop()
        return np.zeros((32, 32, 3), np.uint8)

    monkeypatch.setattr(training_data, "_read_image", read_image)
    slots = TrainingSlots(1)
    settings = LaunchSettings(source="folder", data_dir=str(folder), train_size=500, test_size=100,
                              train=TrainConfig(epochs=1, architectures=("standard",)))
    job.append(TrainingJob(settings, ArenaLimits(heartbeat_seconds=600), slots=slots).start())
    assert job[0].join(600)
    snap = job[0].snapshot()
    assert snap.state == "stopped" and snap.message == "Stopped with the Stop button.", snap
    assert len(read) == 5 and job[0].record is None and slots.running() == []


def test_a_folder_with_too_few_images_is_refused_before_any_is_read(monkeypatch, tmp_path):
    """A folder too small was found only after every image in it had been read."""
    from dsconv.training import data as training_data
    from dsconv.training.data import DataError

    def read_image(path):
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(training_data, "_read_image", read_image)
    folder = image_folder(tmp_path / "pictures", 60, 15)
    with pytest.raises(DataError, match="The data holds 600 training images and 150 test images; the launch asked for "
                                        "2,000 and 100"):
        arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=str(folder), train_size=2000,
                                                   test_size=100), ArenaLimits())


def test_the_count_before_reading_leaves_out_what_the_loader_leaves_out(tmp_path):
    """A folder copied from a Mac holds a hidden "._0.png" twin of every picture: counted by suffix alone, 600
    training images were said where 300 are read ("Set Training images to at most 600", which then failed again),
    and a folder under the size cap was refused as over it. Hidden class folders and folders named "x.png" too."""
    folder = image_folder(tmp_path / "mac", 60, 15)
    for split in ("train", "test"):
        for picture in list((folder / split).glob("*/*.png")):
            (picture.parent / f"._{picture.name}").write_bytes(b"\x00\x05\x16\x07")  # AppleDouble
        (folder / split / "class0" / "folder.png").mkdir()
        (folder / split / ".hidden").mkdir()
        (folder / split / ".hidden" / "0.png").write_bytes(b"x")
    assert arena_settings.count_folder_images(folder, 10_000) == (600, 150)
    with pytest.raises(Exception, match="The data holds 600 training images and 150 test images"):
        arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=str(folder), train_size=1000,
                                                   test_size=100), ArenaLimits())
    arena_settings.load_dataset(LaunchSettings(source="folder", data_dir=str(folder), train_size=500, test_size=100),
                                ArenaLimits(max_folder_images=800))  # 750 pictures: under the cap


@pytest.mark.parametrize("source", ["cifar10-local", "folder"])
def test_a_folder_name_the_system_refuses_is_said_not_raised(source):
    """A 300-character folder name raised OSError (File name too long) out of the check that runs on every change:
    a traceback on the page."""
    with pytest.raises(ArenaError, match=r"The server cannot read the folder 'a+' \(File name too long\): type "
                                         "another folder."):
        LaunchSettings(source=source, data_dir="a" * 300, train_size=500, test_size=100).check(ArenaLimits())


def test_a_data_folder_is_checked_by_its_names_before_a_launch(tmp_path):
    """A CIFAR-10 folder without its batch files, or an image folder without test/ or with too few images, passed
    the check before a launch and was said only by the training, after Launch. The check reads no file."""
    limits = ArenaLimits()
    cifar = tmp_path / "cifar"
    cifar.mkdir()
    names = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch")
    for name in names[:-1]:
        (cifar / name).write_bytes(b"not read")
    with pytest.raises(ArenaError, match=f"{cifar} is not in the CIFAR-10 python-batches layout: test_batch missing"):
        LaunchSettings(source="cifar10-local", data_dir=str(cifar)).check(limits)
    (cifar / names[-1]).write_bytes(b"not read")
    LaunchSettings(source="cifar10-local", data_dir=str(cifar)).check(limits)  # found: its bytes are the loader's
    folder = image_folder(tmp_path / "pictures", 60, 15)
    asked = LaunchSettings(source="folder", data_dir=str(folder), train_size=2000, test_size=500)
    with pytest.raises(ArenaError, match="Set Training images to at most 600 and Test images to at most 150"):
        asked.check(limits)
    import shutil

    shutil.rmtree(folder / "test")
    with pytest.raises(ArenaError, match=f"needs a subfolder test/ with one folder per class; {folder / 'test'} is "
                                         "missing"):
        LaunchSettings(source="folder", data_dir=str(folder), train_size=500, test_size=100).check(limits)


def test_an_estimate_from_a_speed_timed_at_another_batch_says_so():
    """Speeds are kept per model, and the first launch's probe batch stood behind every later estimate: batch 8 and
    batch 512 were both estimated at 23.7 s, where they took 21.4 s and 14.0 s. The estimate carries the batches its
    speeds were timed at, and a launch at another batch is told it may take more or less."""
    from dataclasses import replace

    from dsconv.arena.estimates import batch_note
    from dsconv.training.runs import run_from_dict

    settings = LaunchSettings(train_size=1000, test_size=300,
                              train=TrainConfig(epochs=1, batch_size=512, architectures=("standard", "separable")))
    speeds = {"standard": Speed(0.01, 5.0, "recorded", 8), "separable": Speed(0.004, 3.0, "recorded", 8)}
    estimate = estimate_launch(settings, speeds)
    assert estimate.unscaled == (("standard", 8), ("separable", 8))
    assert batch_note(estimate, 512) == ("The standard model's speed was timed at batch 8 and the separable model's "
                                         "speed was timed at batch 8; this launch trains at batch 512, and a step's "
                                         "time per image changes with the batch, so the launch may take more or less.")
    assert batch_note(estimate, 8) is None
    # a model whose speed is carried to the launch's batch is not named (the note said "The speed behind this
    # estimate" where only the separable model's could not be carried)
    mixed = estimate_launch(settings, {**speeds, "standard": arena.fitted_speed({8: 0.04, 64: 0.278}, 2.5)})
    assert mixed.unscaled == (("separable", 8),)
    assert batch_note(mixed, 512).startswith("The separable model's speed was timed at batch 8; this launch trains")
    assert batch_note(estimate_launch(settings, {k: replace(s, batch=None) for k, s in speeds.items()}), 512) is None
    # a finished run's speed is timed at its recipe's batch
    data = {"schema": "dsconv-run", "schema_version": 1, "title": "t", "kind": "measured",
            "created": "2026-01-01T00:00:00+00:00", "data": {"train_size": 4500, "val_size": 500},
            "recipe": {"batch_size": 64}, "device": {"description": "CPU X"}, "versions": {},
            "architectures": [{"name": "separable", "model": {}, "params": 1, "multiply_adds": 1, "epochs": [
                {"epoch": 1, "loss": 1, "accuracy": 0.5, "val_loss": 1, "val_accuracy": 0.5, "seconds": 100}]}]}
    assert arena.speeds_from_record(run_from_dict(data))[("CPU X", "separable", 1.0)].batch == 64


def test_a_probe_carries_its_speed_to_any_batch_size():
    """The probe times steps at two batch sizes, so an estimate is made at the launch's own batch: one probe's speed
    at batch 8 stood behind a launch at batch 512 (estimated 23.7 s; it took 14.0 s). A step's time is a fixed cost
    plus a cost per image, a straight line through the two timed steps."""
    from dsconv.arena.estimates import batch_note, fitted_speed

    speed = fitted_speed({64: 0.278, 8: 0.040}, 2.5)
    assert (speed.source, speed.batch, speed.overhead_seconds) == ("probe", 64, 2.5)
    # the line through (8, 0.040) and (64, 0.278): slope 0.238 / 56 per image, 0.006 s at batch 0
    assert speed.step_seconds == pytest.approx(0.006)
    for batch in (8, 16, 64, 512):
        assert speed.per_image(batch) * batch == pytest.approx(0.006 + batch * 0.238 / 56)
    assert speed.per_image(8) == pytest.approx(0.040 / 8) and speed.per_image(64) == pytest.approx(0.278 / 64)
    # a step that costs less per image at the small batch (noise) has no fixed cost, not a negative one
    assert fitted_speed({8: 0.010, 64: 0.160}, 1.0).step_seconds == 0.0
    recipe = dict(epochs=2, architectures=("separable",))
    for batch in (8, 512):
        settings = LaunchSettings(train_size=1000, test_size=300, train=TrainConfig(batch_size=batch, **recipe))
        estimate = estimate_launch(settings, {"separable": speed})
        per_image = (0.006 + batch * 0.238 / 56) / batch
        assert estimate.per_architecture["separable"] == pytest.approx(2.5 + 2 * (900 + 100 / 3) * per_image
                                                                       + 300 / 3 * per_image)
        assert estimate.unscaled == () and batch_note(estimate, batch) is None


@pytest.mark.parametrize("probe_first", [True, False])
def test_a_finished_runs_speed_is_carried_by_the_probes_curve(probe_first):
    """A finished run times one batch size; where this server probed the model, the probe's curve, scaled to pass
    through the run's speed, carries it to other batches, whichever came first (a recorded speed held before the
    probe kept its one batch: the bundled runs' machine never had a speed carried). Scaled, not shifted: the probe's
    step cost taken whole made a fast run's time per image 0 at batch 64. A probe never replaces a recorded speed."""
    device = f"CPU step-test {probe_first}"
    probe = arena.fitted_speed({8: 0.040, 64: 0.278}, 2.5)
    recorded = Speed(0.005, 3.0, "recorded", 32)
    for speed in ((probe, recorded) if probe_first else (recorded, probe)):
        arena.remember_speed(device, "standard", 1.0, speed)
    kept = arena.known_speed(device, "standard", 1.0)
    assert (kept.source, kept.seconds_per_image, kept.batch, kept.overhead_seconds) == ("recorded", 0.005, 32, 3.0)
    assert kept.rescales() and arena.probed(device, "standard", 1.0)
    ratio = 0.005 / probe.per_image(32)
    for batch in (8, 32, 64, 512):
        assert kept.per_image(batch) == pytest.approx(ratio * probe.per_image(batch))
    fast = arena.carried(Speed(0.0006, 3.0, "recorded", 8), probe)  # a run 8 times faster than the probe
    assert fast.per_image(64) == pytest.approx(0.0006 / probe.per_image(8) * probe.per_image(64))
    assert fast.per_image(64) > 0
    arena.remember_speed(device, "standard", 1.0, arena.fitted_speed({8: 0.08, 64: 0.5}, 1.0))  # a second probe
    assert arena.known_speed(device, "standard", 1.0) == kept
    # with no probe, a recorded speed stays at its batch
    assert not recorded.rescales() and recorded.per_image(512) == 0.005
    assert arena.known_speed("CPU never probed", "standard", 1.0) is None


def test_a_launchs_own_speed_outranks_a_bundled_runs():
    """The page reads the bundled runs on every run, and each replaced the speed a launch on this server had just
    timed (batch 32, 0.0030 s an image, back to a bundled run's batch 128, 0.00389 s)."""
    device = "CPU rank-test"
    launched = Speed(0.0030, 3.0, "launched", 32)
    arena.remember_speed(device, "separable", 1.0, Speed(0.00389, 3.0, "recorded", 128))
    arena.remember_speed(device, "separable", 1.0, launched)
    arena.remember_speed(device, "separable", 1.0, Speed(0.00389, 3.0, "recorded", 128))
    arena.remember_speed(device, "separable", 1.0, Speed(0.009, 1.0, "probe", 64, 0.0))
    assert arena.known_speed(device, "separable", 1.0).seconds_per_image == 0.0030
    newer = Speed(0.0028, 3.0, "launched", 64)
    arena.remember_speed(device, "separable", 1.0, newer)
    assert arena.known_speed(device, "separable", 1.0).seconds_per_image == 0.0028
    assert list(arena.SOURCES) == ["probe", "recorded", "launched"]


class InlinePool:
    """A stand-in for the probe's process pool: the probe runs in the calling thread, at once."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, function, *args):
        done = concurrent.futures.Future()
        done.set_result(function(*args))
        return done


def test_a_model_with_a_recorded_speed_is_probed_once_to_carry_it(monkeypatch):
    """machine_profile probed only models without any speed: one recorded at batch 128 was never carried."""
    from dsconv.arena import estimates

    probes = []

    def probe_child(architectures, width_multiplier):
        probes.append(architectures)
        return "CPU probe-test", {a: estimates.fitted_speed({8: 0.04, 64: 0.278}, 2.5) for a in architectures}

    monkeypatch.setattr(estimates, "_probe_child", probe_child)
    monkeypatch.setattr(estimates.concurrent.futures, "ProcessPoolExecutor", InlinePool)
    monkeypatch.setattr(estimates, "_DEVICE", ["CPU probe-test"])
    estimates.remember_speed("CPU probe-test", "mobilenet", 0.5, Speed(0.003, 3.0, "recorded", 128))
    device, speeds = estimates.machine_profile(("mobilenet",), 0.5)
    assert probes == [("mobilenet",)] and speeds["mobilenet"].source == "recorded" and speeds["mobilenet"].rescales()
    estimates.machine_profile(("mobilenet",), 0.5)
    assert probes == [("mobilenet",)]  # once a server
    assert estimates.machine_profile(("standard",), 0.5, probe=False) == ("CPU probe-test", {})
    assert probes == [("mobilenet",)]


@pytest.mark.slow
def test_the_probe_times_two_batch_sizes_with_keras():
    speed = arena.probe_speed("separable", 0.25)
    assert (speed.source, speed.batch) == ("probe", max(arena.PROBE_BATCHES))
    assert speed.seconds_per_image > 0 and speed.overhead_seconds > 0 and speed.step_seconds >= 0
    assert speed.rescales() and speed.per_image(8) >= speed.per_image(512)


def test_a_probe_whose_big_batch_took_no_longer_carries_nothing():
    """Batch 64 timed faster than batch 8 (the load changed mid-probe): the line's cost per image fell below 0, and a
    launch at batch 512 was estimated at its overhead alone (4.5 s)."""
    noisy = arena.fitted_speed({8: 0.050, 64: 0.040}, 2.5)
    assert (noisy.seconds_per_image, noisy.batch, noisy.step_seconds) == (0.040 / 64, 64, None)
    assert not noisy.rescales() and noisy.per_image(512) == 0.040 / 64
    assert arena.carried(Speed(0.004, 3.0, "recorded", 128), noisy).per_image(512) == 0.004


def test_the_estimates_sources_are_named_in_their_order():
    settings = LaunchSettings(train_size=1000, test_size=300,
                              train=TrainConfig(architectures=("standard", "separable", "mobilenet")))
    speeds = {"standard": Speed(0.01, 3.0, "launched"), "separable": Speed(0.01, 3.0, "probe"),
              "mobilenet": Speed(0.01, 3.0, "recorded")}
    assert estimate_launch(settings, speeds).sources == ("probe", "recorded", "launched")


def test_a_batch_larger_than_the_training_set_is_one_step_of_the_set():
    """A step's fixed cost was spread over a 512-image batch where the set holds 450 images."""
    speed = arena.fitted_speed({8: 0.040, 64: 0.278}, 2.5)
    settings = LaunchSettings(train_size=500, test_size=100, train=TrainConfig(epochs=1, batch_size=512,
                                                                                architectures=("standard",)))
    train, val = arena_settings.train_and_val_sizes(settings)
    assert train == 450
    per_image = speed.per_image(450)
    assert estimate_launch(settings, {"standard": speed}).per_architecture["standard"] == pytest.approx(
        2.5 + (450 + val / 3) * per_image + 100 / 3 * per_image)


def test_sessions_that_open_the_launcher_together_start_one_probe(monkeypatch):
    """Each session that arrived at once started its own probe process on the same cores, and the first to finish,
    timed beside the others, was kept for the server's life."""
    import threading

    from dsconv.arena import estimates

    started, gate = [], threading.Event()

    def probe_child(architectures, width_multiplier):
        started.append(architectures)
        gate.wait(5)
        return "CPU crowd-test", {a: estimates.fitted_speed({8: 0.04, 64: 0.278}, 2.5) for a in architectures}

    monkeypatch.setattr(estimates, "_probe_child", probe_child)
    monkeypatch.setattr(estimates.concurrent.futures, "ProcessPoolExecutor", InlinePool)
    monkeypatch.setattr(estimates, "_DEVICE", [])
    found = []
    sessions = [threading.Thread(target=lambda: found.append(estimates.machine_profile(("standard",), 0.75)))
                for _ in range(4)]
    for session in sessions:
        session.start()
    gate.set()
    for session in sessions:
        session.join(10)
    assert started == [("standard",)], started
    assert len(found) == 4 and all(device == "CPU crowd-test" and "standard" in speeds for device, speeds in found)
