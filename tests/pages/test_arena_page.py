"""The Training arena page under AppTest: the summary table of every bundled run against the run files
read with json, uploads (a malformed one shows an error and the page keeps working), and a tiny
synthetic launch that completes and shows its final numbers.

AppTest does not run `st.fragment(run_every=...)` on a timer, so the launch test waits for the job
itself and reruns the page, which then renders the finished launch exactly as a browser would."""

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from conftest import ROOT, leaves, open_page, shown_tables
from dsconv.kinds import KINDS, NETWORK_KINDS
from dsconv.training import replay
from rendered import literal

PAGE = "pages/3_Training_arena.py"


def expected_rows(path: Path) -> list[dict]:
    """The table's numbers computed straight from the JSON file."""
    data = json.loads(path.read_text())
    rows = []
    # Standard first, whatever order the file lists them in (the better recipe's file has separable first).
    for part in sorted(data["architectures"], key=lambda part: NETWORK_KINDS.index(part["name"])):
        vals = [e["val_accuracy"] for e in part["epochs"] if e["val_accuracy"] is not None]
        best = max(vals) if vals else None
        rows.append({
            "Model": KINDS[part["name"]].word, "Params": f"{part['params']:,}",
            "Multiply-adds / image": f"{part['multiply_adds'] / 1e6:,.1f} M" if part["multiply_adds"] >= 10**6 else
            f"{part['multiply_adds']:,}",
            "Best val accuracy (epoch)": "—" if best is None else
            f"{best:.4f} ({next(e['epoch'] for e in part['epochs'] if e['val_accuracy'] == best)})",
            "Final val accuracy": f"{part['epochs'][-1]['val_accuracy']:.4f}",
            "Test accuracy": "not recorded" if part.get("test_accuracy") is None else f"{part['test_accuracy']:.4f}"
            # A run validated on the test set has no test accuracy but its last epoch's validation figure.
            + (" (= final val)" if data["data"].get("validation_on_test")
               and part["test_accuracy"] == part["epochs"][-1]["val_accuracy"] else ""),
            "seconds": sum(e["seconds"] for e in part["epochs"]),
        })
    return rows


# The line above each run's table: "**<run>**, on <device>, validated on the <split>:"
RUN_LINE = re.compile(r"\*\*(?P<run>.+)\*\*, on (?P<device>.+), (?:validated on the (?P<split>test set|held-out split)|"
                      r"with (?P<none>no validation accuracy)):", re.S)


def run_lines(at: AppTest) -> list[dict[str, str]]:
    """Each summary table's run, device and split, as the line above the table says them to a reader."""
    lines = [RUN_LINE.fullmatch(m.value) for m in at.markdown]
    return [{"run": literal(line["run"]), "device": literal(line["device"]), "split": line["split"] or line["none"]}
            for line in lines if line]


def table(at: AppTest) -> list[dict]:
    """The summary's rows as the reader sees them (one table a run), each with its run's name, from the line above
    its table, as "Run"."""
    tables, lines = shown_tables(at), run_lines(at)
    assert len(tables) == len(lines), (len(tables), lines)
    return [{"Run": line["run"], **row} for line, shown in zip(lines, tables) for row in shown.to_dict("records")]


def test_the_default_replay_names_its_negative_first_gaps_readably():
    """The caption listed four "architecture · run: title" labels joined by commas, which read as one garbled list."""
    at = open_page(PAGE)
    assert not at.exception
    note = next(c.value for c in at.caption if c.value.startswith("At epoch 1 the gap is negative"))
    assert note.startswith("At epoch 1 the gap is negative for every curve shown:"), note  # the default's four


def test_every_bundled_run_replays_with_the_numbers_of_its_file():
    files = replay.bundled_files()
    assert files, "no bundled run files in dsconv/assets/runs"
    at = open_page(PAGE)
    assert not at.exception
    at.multiselect(key="arena_runs").set_value([p.stem for p in files]).run()
    assert not at.exception
    shown = table(at)
    expected = [row for path in files for row in expected_rows(path)]
    assert len(shown) == len(expected)
    for got, want in zip(shown, expected):
        for column, value in want.items():
            if column != "seconds":
                assert got[column] == value, (column, got, want)
        assert got["Total time"] == replay._duration(want["seconds"])
        assert "Device" not in got and "Validated on" not in got  # said once a run, above its table
    # Where each run ran and what it validated on, from the files: "<title> on <device>, validated on the <...>".
    from dsconv.devices import device_name

    labels = {run.key: run.label for run in replay.load_bundled()[0]}  # the runs' names, as the picker has them
    wanted = []
    for path in files:
        data = json.loads(path.read_text())
        split = "test set" if data["data"].get("validation_on_test") else "held-out split"
        device = device_name(data["device"]["description"])  # "the AMD EPYC with 2 cores": test_speed_text.py
        wanted.append({"run": labels[path.stem], "device": device, "split": split})
    assert run_lines(at) == wanted
    assert len(at.get("plotly_chart")) == 1
    if any(json.loads(p.read_text())["data"].get("validation_on_test") for p in files):
        assert any("validated on the test set" in w.value for w in at.warning)


@pytest.fixture
def run_file(tmp_path):
    data = {"schema": "dsconv-run", "schema_version": 1, "title": "Uploaded run", "kind": "measured",
            "created": "2026-01-01T00:00:00+00:00", "data": {"source": "synthetic", "validation_on_test": False},
            "recipe": {"epochs": 2}, "device": {"description": "A GPU"}, "versions": {}, "status": "complete",
            "architectures": [{"name": "mobilenet", "model": {}, "params": 12345, "multiply_adds": 2_500_000,
                               "status": "complete", "test_accuracy": 0.8125, "epochs": [
                {"epoch": 1, "loss": 1.2, "accuracy": 0.6, "val_loss": 1.0, "val_accuracy": 0.7, "seconds": 3.0},
                {"epoch": 2, "loss": 0.9, "accuracy": 0.75, "val_loss": 0.95, "val_accuracy": 0.69, "seconds": 2.5}]}]}
    path = tmp_path / "gpu_run.json"
    path.write_text(json.dumps(data))
    return path


def test_uploads_good_and_malformed(run_file):
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value([("gpu_run.json", run_file.read_bytes(), "application/json"),
                        ("broken.json", b'{"schema": "dsconv-run", "schema_version": 1, "kind": "meas',
                         "application/json")]).run()
    assert not at.exception
    errors = [literal(e.value) for e in at.error]
    assert any("broken.json" in e and "not JSON" in e for e in errors), errors
    assert at.multiselect(key="arena_mine").value == ["upload:gpu_run.json"]
    row = table(at)[0]
    assert row["Model"] == "MobileNet" and row["Best val accuracy (epoch)"] == "0.7000 (1)"
    assert row["Test accuracy"] == "0.8125" and row["Params"] == "12,345"
    assert run_lines(at) == [{"run": "Uploaded run", "device": "a GPU", "split": "held-out split"}]

    at.file_uploader(key="arena_upload").set_value(("wrong.json", json.dumps({"schema": "other"}).encode(),
                                                     "application/json")).run()
    assert any("wrong.json" in literal(e.value) and "not a dsconv run record" in e.value for e in at.error)
    assert not at.exception
    assert table(at)[0]["Model"] == "MobileNet"  # the good upload stays


def test_a_run_stopped_before_any_epoch_finished_still_shows_its_table(run_file):
    """A run file whose models finished no epoch (stopped in its first: the record is written before that epoch
    ends) showed one line, "The chosen runs have no finished epoch for these architectures; pick other
    architectures": no table, no "stopped" note, and other architectures the run does not hold."""
    data = json.loads(run_file.read_text())
    data["status"] = "stopped"
    data["architectures"][0].update(status="stopped", epochs=[], test_accuracy=None)
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value(("stopped.json", json.dumps(data).encode(),
                                                     "application/json")).run()
    assert not at.exception and not at.error
    said = [literal(info.value) for info in at.info]
    assert "MobileNet finished no epoch in the chosen run, so it has no line here." in said[0], said
    assert not any("pick other" in text for text in said), said
    assert any("none of its epochs had finished when it was written" in text for text in said), said
    [row] = table(at)
    assert row["Model"] == "MobileNet" and row["Epochs"] == "0 of 2 (stopped)" and row["Total time"] == "—"
    assert not at.get("plotly_chart")


def test_an_uploaded_run_stays_chosen_after_a_visit_to_another_page(run_file):
    """A run file uploaded, the Quiz visited, the arena opened again: "Your runs" was empty and the run had left the
    replay (Streamlit forgets the uploader it does not draw, and the picker was not kept for the session)."""
    at = open_page("app.py", timeout=300)
    at.switch_page("pages/3_Training_arena.py").run()
    at.file_uploader(key="arena_upload").set_value(("gpu_run.json", run_file.read_bytes(), "application/json")).run()
    assert at.multiselect(key="arena_mine").value == ["upload:gpu_run.json"]
    at.switch_page("pages/6_Quiz.py").run()
    at.switch_page("pages/3_Training_arena.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="arena_mine").value == ["upload:gpu_run.json"]
    assert any(row["Model"] == "MobileNet" and row["Params"] == "12,345" for row in table(at))


def test_two_run_files_of_one_name_in_one_upload_are_both_kept(run_file):
    """Two run files, both called run.json (from two folders), uploaded together: the second replaced the first
    without a word, and the Monday class's run was gone. Each is kept, the second under "run.json (2)"."""
    data = json.loads(run_file.read_text())
    monday, tuesday = (json.dumps({**data, "title": f"{day} class run"}).encode() for day in ("Monday", "Tuesday"))
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value([("run.json", monday, "application/json"),
                                                     ("run.json", tuesday, "application/json")]).run()
    assert not at.exception and not at.error
    mine = at.multiselect(key="arena_mine")
    assert mine.value == ["upload:run.json", "upload:run.json (2)"]
    shown = [literal(option) for option in mine.options]
    assert any("Monday class run" in option for option in shown) and any("Tuesday class run" in option
                                                                         for option in shown), shown
    at.run()  # the next run keeps both, under the same keys
    assert at.multiselect(key="arena_mine").value == ["upload:run.json", "upload:run.json (2)"]


def test_removing_the_first_of_two_files_of_one_name_leaves_the_other_run_as_it_was(run_file):
    """Monday's and Tuesday's run.json uploaded together, then Monday's removed with the ×: Tuesday's file, now the
    first of its name, took Monday's key, and its run replaced Monday's there: the table showed Tuesday twice and
    Monday nowhere, without a word. A file read before keeps its run under its own key; a third run.json added then
    takes a key no file in the uploader holds, and replaces no run of a file still there."""
    data = json.loads(run_file.read_text())
    monday, tuesday, wednesday = (json.dumps({**data, "title": f"{day} class run"}).encode()
                                  for day in ("Monday", "Tuesday", "Wednesday"))
    at = open_page(PAGE, arena_runs="")
    uploader = at.file_uploader(key="arena_upload").set_value([("run.json", monday, "application/json"),
                                                                ("run.json", tuesday, "application/json")])
    both = list(uploader._files)  # the browser's files, each with its file id
    uploader.run()

    def labels() -> dict[str, str]:
        return {key: run.label for key, (_, run) in at.session_state["arena_uploads"].items()}

    assert labels() == {"upload:run.json": "Monday class run", "upload:run.json (2)": "Tuesday class run"}
    at.file_uploader(key="arena_upload")._files = both[1:]  # Monday's removed; Tuesday's file, its id unchanged
    at.run()
    assert not at.exception and not at.error
    assert labels() == {"upload:run.json": "Monday class run", "upload:run.json (2)": "Tuesday class run"}
    uploader = at.file_uploader(key="arena_upload").set_value(("run.json", wednesday, "application/json"))
    uploader._files = [both[1], *uploader._files]  # Tuesday's file still there, and a new one of its name
    at.run()
    assert labels() == {"upload:run.json": "Wednesday class run", "upload:run.json (2)": "Tuesday class run"}


def test_two_uploads_with_one_title_are_told_apart_everywhere(run_file):
    """Two run files with one title ("Uploaded run"), other seeds: the picker offered "Uploaded run" twice, the table
    and "What these runs say" named both alike, and their curves shared one legend entry's group, so a click hid
    both. Each now adds its file's name, in the picker, the table, the sentences and the legend."""
    data = json.loads(run_file.read_text())
    first, second = (json.dumps({**data, "title": "Uploaded run", "data": {**data["data"], "seed": seed}}).encode()
                     for seed in (1, 2))
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value([("a.json", first, "application/json"),
                                                     ("b.json", second, "application/json")]).run()
    assert not at.exception and not at.error
    mine = at.multiselect(key="arena_mine")
    assert [literal(option) for option in mine.options] == ["Uploaded run (a.json)", "Uploaded run (b.json)"]
    shown = {row["Run"] for row in table(at)}
    assert shown == {"Uploaded run (a.json)", "Uploaded run (b.json)"}, shown
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    groups = {trace.get("legendgroup") for trace in figure["data"] if trace.get("showlegend", True)}
    assert len(groups) >= 2, groups


def test_runs_that_share_a_label_get_one_that_tells_them_apart():
    """Uploads add their file's name; any still alike, and bundled runs alike, a number from 2; the rest keep
    theirs."""
    record = replay.load_run(replay.bundled_files()[0])
    runs = [replay.LoadedRun("tutorial_published", "Tutorial", "bundled", record),
            replay.LoadedRun("other", "Tutorial", "bundled", record),
            replay.LoadedRun("upload:run.json", "Tutorial", "upload", record),
            replay.LoadedRun("upload:x.json", "Mine", "upload", record),
            replay.LoadedRun("session:1", "Launch 1: 3 epochs", "session", record)]
    assert [run.label for run in replay.distinct_labels(runs)] == [
        "Tutorial", "Tutorial (2)", "Tutorial (run.json)", "Mine", "Launch 1: 3 epochs"]
    assert replay.distinct_labels(runs[3:]) == runs[3:]


def test_a_link_naming_a_run_twice_replays_it_once_and_says_so():
    """?arena_runs=tutorial_published&arena_runs=tutorial_published chose the run twice: every table row, sentence,
    warning and curve of it stood twice, without a word, and the share link kept both."""
    at = open_page(PAGE, arena_runs=["tutorial_published", "tutorial_published"])
    assert not at.exception
    assert at.multiselect(key="arena_runs").value == ["tutorial_published"]
    notes = [literal(w.value) for w in at.warning if w.icon == "🔗"]
    assert notes == ["The link names 'tutorial_published' more than once in arena_runs; each is chosen once. Name "
                     "each once in the link."], notes
    runs = [row["Run"] for row in table(at)]
    assert len(runs) == len(set(zip(runs, (row["Model"] for row in table(at))))), runs
    written = at.query_params["arena_runs"]  # the address the share link is made from: one item, a text
    assert isinstance(written, str) or len(written) == 1, written


def test_a_run_without_a_device_in_words_ran_on_an_unrecorded_device(run_file):
    """Device descriptions null, "", 5 and "   " read "on the None", "on ,", "on 5" and "on    ", and "An NVIDIA
    A100" read "on the An NVIDIA A100"."""
    data = json.loads(run_file.read_text())
    files = [(f"r{n}.json", json.dumps({**data, "title": f"Run {n}", "device": {"description": described}}).encode(),
              "application/json") for n, described in enumerate([None, "", 5, "   ", "An NVIDIA A100"])]
    files.append(("r5.json", json.dumps({**data, "title": "Run 5", "device": {}}).encode(), "application/json"))
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value(files).run()
    assert not at.exception and not at.error
    devices = {line["run"]: line["device"] for line in run_lines(at)}
    assert devices == {**{f"Run {n}": "an unrecorded device" for n in (0, 1, 2, 3, 5)}, "Run 4": "an NVIDIA A100"}


def test_a_broken_file_named_like_an_uploaded_run_leaves_that_run(run_file):
    """A good gpu_run.json and then a broken file of the same name: the good run left the replay without a word, and
    the refusal did not say which of the two it meant."""
    at = open_page(PAGE, arena_runs="")
    good = ("gpu_run.json", run_file.read_bytes(), "application/json")
    at.file_uploader(key="arena_upload").set_value(good).run()
    at.file_uploader(key="arena_upload").set_value([good, ("gpu_run.json", b'{"schema": "dsc', "application/json")]
                                                    ).run()
    assert not at.exception
    errors = [literal(e.value) for e in at.error]
    assert any("gpu_run.json" in e and "not JSON" in e and "read earlier from a file of the same name stays" in e
               for e in errors), errors
    assert at.multiselect(key="arena_mine").value == ["upload:gpu_run.json"]
    assert table(at)[0]["Model"] == "MobileNet"


def launcher_page(monkeypatch, batch: int, in_app: bool = False, **more: str) -> tuple[AppTest, str]:
    """The page with the launcher open on 500 synthetic images, 1 epoch, the separable model; and the device.
    `in_app`: opened from the app's home page, with the app's other pages (for links to them)."""
    monkeypatch.setenv("DSCONV_ARENA_HEARTBEAT_SECONDS", "900")  # AppTest sends no heartbeats
    import dsconv.arena as arena
    from dsconv.arena import estimates as arena_estimates
    from dsconv.devices import cpu_model

    # The server-wide training slot free, whatever ran before in this process: a job still holding it made the page
    # refuse the launch as busy, and the test found no job (a held slot is another session's, and waited for).
    for holder in arena.SLOTS.running():
        assert not hasattr(holder, "join") or holder.join(600), f"a job of an earlier test still trains: {holder}"
    assert not arena.SLOTS.running(), f"the training slot is held by {arena.SLOTS.running()}"
    # This machine's device and a probe's speed, so the page spends no time probing in a subprocess.
    device = arena_estimates._DEVICE[0] if arena_estimates._DEVICE else cpu_model()
    arena_estimates._DEVICE[:] = [device]
    arena.remember_speed(device, "separable", 1.0, arena.Speed(0.005, 3.0, "probe", 64, 0.0))
    query = dict(arena_launch="1", arena_train="500", arena_test="100", arena_epochs="1", arena_batch=str(batch),
                 arena_launch_archs="separable", arena_runs="", **more)
    if not in_app:
        return open_page(PAGE, query), device
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in query.items():
        at.query_params[key] = value
    return at.switch_page(PAGE).run(), device


def click_launch(at: AppTest):
    """Click Launch and return the job it started: still training (`arena_job`), or already collected as
    `arena_last_job` when it ended before the click's run drew the page. A folder whose first batch is not a pickle
    fails in milliseconds; on CI that once beat the page's run, and the test found no `arena_job`."""
    state = at.session_state
    before = state["arena_last_job"] if "arena_last_job" in state else None
    at.button(key="arena_launch_button").click().run()
    if "arena_job" in state:
        return state["arena_job"]
    job = state["arena_last_job"] if "arena_last_job" in state else None
    assert job is not None and job is not before, \
        ["no job started"] + [literal(e.value) for e in at.error] + [w.value for w in at.warning]
    return job


@pytest.mark.slow
def test_a_tiny_synthetic_launch_completes_and_shows_its_numbers(monkeypatch):
    at, device = launcher_page(monkeypatch, batch=64, in_app=True)
    assert not at.exception
    assert any(m.label == "Estimated time" for m in at.metric)
    assert any(device in m.value for m in at.markdown)
    job = click_launch(at)
    assert not at.exception
    assert job.join(600)
    at.run()
    assert not at.exception
    assert job.snapshot().state == "complete"
    part = job.record.architectures[0]
    metric = next(m for m in at.metric if m.label.endswith("test accuracy"))
    assert metric.value == f"{part.test_accuracy:.3f}"
    assert any("finished" in s.value for s in at.success)
    assert "session:1" in at.multiselect(key="arena_mine").value  # this tab's first launch
    rows = table(at)  # the replay table now holds the launch
    assert rows[0]["Model"] == "Separable"
    assert rows[0]["Best val accuracy (epoch)"].startswith(f"{part.best_val_accuracy():.4f} (")
    models = at.session_state["arena_models"]
    assert list(models) == ["Separable model (launch 1)"]
    model, class_names = models["Separable model (launch 1)"]  # the Filters page takes (model, class names)
    assert model.count_params() == part.params
    assert class_names == tuple(job.record.data["class_names"]) and len(class_names) == 10
    # Its learned filters are one click away in this tab, whose session holds the model: a Markdown link opened a
    # new tab, a new session without it
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert ("See its learned filters", "Filters_on_your_image") in links, links
    assert not any("](/Filters_on_your_image)" in m.value for m in at.markdown)
    # The launcher keeps its settings after the run (it once fell back to 2,000 images and 3 epochs).
    assert at.number_input(key="arena_train").value == 500 and at.slider(key="arena_epochs").value == 1


def test_the_bundled_runs_all_cleared_stay_cleared_in_the_address():
    """Streamlit's browser side writes nothing for an emptied list picker: the address and the share link then
    opened the bundled runs the student had cleared."""
    from dsconv_ui.common import SHARE_KEY

    at = open_page(PAGE, session={SHARE_KEY: True})
    at.multiselect(key="arena_runs").set_value([]).run()
    assert not at.exception
    for _ in range(2):  # and on a run the student did not start
        assert at.query_params.get("arena_runs") in ("", [""]), dict(at.query_params)
        assert any(code.value.endswith("?arena_runs=") for code in at.code), [code.value for code in at.code]
        at.run()
    assert open_page(PAGE, arena_runs="").multiselect(key="arena_runs").value == []  # the link opens them cleared


@pytest.mark.slow
def test_the_address_keeps_the_launchers_settings_while_a_launch_runs(monkeypatch):
    """The launcher was not drawn while its launch ran, and Streamlit takes a control that is not drawn out of the
    address: a link copied then opened the launcher's defaults. Its controls are now drawn, greyed out."""
    import dsconv.arena.job

    def held(*args):  # the training, held until Stop: the page is drawn while it runs, whatever the machine's speed
        args[-1].wait(600)

    monkeypatch.setattr(dsconv.arena.job, "child_train", held)
    at, _ = launcher_page(monkeypatch, batch=8)
    before = dict(at.query_params)
    assert before.get("arena_train") == "500" and before.get("arena_launch") == "true", before
    job = click_launch(at)
    try:
        assert not at.exception, at.exception
        assert not job.snapshot().finished  # this run drew the running launch
        assert any("locked while it trains" in expander.label for expander in at.expander)
        assert dict(at.query_params) == before
        shown = at.number_input(key="arena_train")
        assert shown.value == 500 and shown.disabled and at.toggle(key="arena_launch").disabled
    finally:
        job.request_stop()
        assert job.join(600)


@pytest.mark.slow
def test_a_second_visitor_sees_busy_with_an_estimate_while_the_slot_is_taken():
    import dsconv.arena as arena

    class OtherVisitorsJob:  # holds the only slot, as another session's launch would
        def snapshot(self):
            return type("Snapshot", (), {"remaining": 200.0})()

    other = OtherVisitorsJob()
    arena.SLOTS.set_capacity(1)
    assert arena.SLOTS.try_claim(other)
    try:
        at = open_page(PAGE, arena_launch="1", arena_launch_archs="mobilenet", arena_alpha="0.25", arena_runs="")
        assert not at.exception
        assert any("already training" in w.value and "about 3 min" in w.value for w in at.warning)
        assert at.button(key="arena_launch_button").disabled
        assert any(m.label == "Estimated time" and m.value == "—" for m in at.metric)  # no probe on a busy CPU
    finally:
        arena.SLOTS.release(other)


def test_replay_choices_left_on_an_earlier_visit_come_back():
    # Every setting's widget keeps its value while another page runs (persist_state="session").
    at = open_page("app.py", timeout=300)
    at.switch_page("pages/3_Training_arena.py").run()
    at.multiselect(key="arena_archs").set_value(["separable"]).run()
    at.switch_page("pages/6_Quiz.py").run()
    at.switch_page("pages/3_Training_arena.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="arena_archs").value == ["separable"]


def test_no_architecture_chosen_says_to_choose_one():
    """With the Architectures box emptied, the page said "The chosen runs have no finished epoch for these
    architectures", which blamed the runs."""
    at = open_page(PAGE)
    at.multiselect(key="arena_archs").set_value([]).run()
    assert not at.exception, at.exception
    said = " ".join(info.value for info in at.info)
    assert "Pick at least one architecture in the “Architectures” box" in said and "no finished epoch" not in said


def test_claims_come_from_the_replayed_runs():
    # The default replay: the tutorial's published logs and our better-recipe run.
    at = open_page(PAGE)
    assert not at.exception
    said = "\n".join(m.value for m in at.markdown)
    # Published: gaps 0.9126 - 0.7484 = 0.16 (standard) and 0.8485 - 0.7458 = 0.10 (separable) at epoch 10.
    assert "the separable model **overfits less** than the standard model (its gap is 6.2 points smaller)" in said
    # Better recipe: gaps 0.20 and 0.19 at epoch 10; test accuracy 0.683 against 0.751.
    assert "overfits **about as much**" in said
    assert "Test accuracy, measured once after the last epoch: 0.683 against 0.751, 6.8 points lower" in said
    assert "is **not known**" in said
    assert "less room to memorise" not in said and "never means 8x faster" not in said
    assert any("Training accuracy is averaged over an epoch" in c.value for c in at.caption)
    assert any("have one run each, with one seed" in i.value for i in at.info)
    assert any("Published 2022 (transcribed 2026-11-25)" in literal(m.value) for m in at.markdown)


def test_hostile_uploads_show_sentences_and_the_bundled_replay_stays(run_file):
    """Each of these made the page show an exception (and lose the bundled replay), or put the file's Markdown on
    the page: a number too large for a float, one of 5,000 digits, and a title that is an image from elsewhere."""
    good = run_file.read_text()
    huge = good.replace('"multiply_adds": 2500000', '"multiply_adds": 1' + "0" * 400)
    digits = good.replace('"params": 12345', '"params": ' + "9" * 5000)
    pixel = json.loads(good)
    pixel["title"] = "![pixel](http://127.0.0.1:9/p.png) **loud**"
    assert huge != good and digits != good
    at = open_page(PAGE)
    bundled_rows = table(at)
    at.file_uploader(key="arena_upload").set_value([
        ("huge.json", huge.encode(), "application/json"), ("digits.json", digits.encode(), "application/json"),
        ("pixel.json", json.dumps(pixel).encode(), "application/json")]).run()
    assert not at.exception
    errors = [literal(e.value) for e in at.error]
    assert any(e.startswith("huge.json:") and "multiply_adds" in e for e in errors), errors
    assert any(e.startswith("digits.json:") and "digits long" in e for e in errors), errors
    rows = table(at)
    assert rows[:len(bundled_rows)] == bundled_rows  # the bundled replay is still there
    assert rows[-1]["Run"] == pixel["title"] and rows[-1]["Model"] == "MobileNet"
    texts = [m.value for m in (*at.markdown, *at.caption, *at.warning, *at.info)]
    assert any(pixel["title"] in literal(text) for text in texts)
    assert not any("![pixel]" in text for text in texts)
    rendered = [MarkdownIt("commonmark").enable("table").render(m.value) for m in at.markdown]  # the table too
    assert not any("<img" in html or "<a " in html for html in rendered)


@pytest.mark.slow
def test_a_stop_before_the_first_epoch_says_that_nothing_finished(monkeypatch):
    """It said "The epochs that finished are kept below and in the replay above" and showed "0 of 1 (stopped)"."""
    at, _ = launcher_page(monkeypatch, batch=8)
    job = click_launch(at)
    job.request_stop()  # before the first batch: no epoch can finish
    assert job.join(600)
    at.run()
    assert not at.exception
    assert job.snapshot().state == "stopped"
    assert not any(part.epochs for part in job.record.architectures)
    warnings = [w.value for w in at.warning]
    assert any("No epoch had finished, so nothing was kept" in w for w in warnings), warnings
    assert not any("The epochs that finished are kept" in w for w in warnings)
    assert shown_tables(at) == []
    assert at.multiselect(key="arena_mine").value == []


def test_the_caption_describes_the_figure_it_sits_above():
    """The caption said "dashed lines are measured on the training images", after the figure had changed to one
    dash per run and thin lines with open circles for training."""
    at = open_page(PAGE)
    caption = next(c.value for c in at.caption if "Press ▶ Play" in c.value)
    assert "dashed lines are measured on the training" not in caption
    assert "Thin lines with open circles are measured on the training images" in caption
    assert "dash the run" in caption
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = [t for t in figure["data"] if t.get("hovertemplate", "").split("<br>")[-1].startswith("epoch")]
    training = [t for t in traces if "}: training " in t["hovertemplate"]]
    validation = [t for t in traces if "}: validation " in t["hovertemplate"]]
    assert training and validation
    assert {t["marker"]["symbol"] for t in training} == {"circle-open"}
    assert max(t["line"]["width"] for t in training) < min(t["line"]["width"] for t in validation)
    for trace in training:  # a run's training and validation lines share its dash
        twin = next(v for v in validation if v["name"] == trace["name"])
        assert twin["line"]["dash"] == trace["line"]["dash"]


def test_the_models_have_one_name_each_on_the_whole_page():
    """The picker said "Conv2D" and "SeparableConv2D", the legend, table and sentences "standard" and "separable",
    and "About these runs" quoted raw settings ("cifar10-local", "multi gpu False")."""
    at = open_page(PAGE)
    assert not at.exception
    words = [KINDS[kind].word for kind in NETWORK_KINDS]
    assert at.multiselect(key="arena_archs").options == words
    assert {row["Model"] for row in table(at)} == {"Standard", "Separable"}
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    legend = {trace["name"].split(" · ")[0] for trace in figure["data"] if trace.get("showlegend", True)}
    assert legend <= set(words), legend
    said = "\n".join(m.value for m in at.markdown)
    assert "separable against standard:" in said
    expander = next(e for e in at.expander if e.label.startswith("About these runs"))
    about = "\n".join(literal(m.value) for m in expander.markdown)
    assert "Data: CIFAR-10 on the server; 45,000 training images" in about
    for raw_value in ("cifar10-local", "multi gpu", "per_channel", "sparse_categorical"):
        assert raw_value not in about


def test_the_launchers_folder_stays_typed_while_another_source_is_chosen():
    """The folder typed for an image-folder launch was emptied when the data source changed and changed back, or
    the launcher was closed and opened: it was the only launcher control not kept while hidden."""
    at = open_page(PAGE, arena_launch="1", arena_source="Image folder on the server")
    at.text_input(key="arena_dir").set_value("/data/my_pictures").run()
    at.selectbox(key="arena_source").set_value("synthetic").run()
    at.selectbox(key="arena_source").set_value("folder").run()
    assert not at.exception
    assert at.text_input(key="arena_dir").value == "/data/my_pictures"
    assert "my_pictures" not in str(dict(at.query_params))  # a server's path stays out of the page's link


def test_architectures_that_no_chosen_run_trained_are_said():
    """The Architectures box picks all four kinds by default; the bundled runs trained two, and the other two drew
    nothing, without a word. Which kinds each run trained is read from its JSON file."""
    trained = {path.stem: {part["name"] for part in json.loads(path.read_text())["architectures"]}
               for path in replay.BUNDLED_DIR.glob("*.json")}
    at = open_page(PAGE)
    chosen = at.multiselect(key="arena_runs").value
    held = set().union(*(trained[key] for key in chosen))
    missing = [kind for kind in NETWORK_KINDS if kind not in held]
    assert missing, "the bundled runs now train every kind: this test needs another case"
    said = [literal(c.value) for c in at.caption if "here: launch a training below" in literal(c.value)]
    ran = " and ".join(KINDS[kind].word for kind in NETWORK_KINDS if kind in held)
    words = " and ".join(KINDS[kind].word for kind in missing)
    # said as what the runs hold: "No chosen run trained ...: nothing is drawn for them" read as a fault
    assert said == [f"The chosen runs trained {ran}, so {words} have no lines here: launch a training below to see "
                    "them."], said
    # only kinds no run trained: the page says so, and does not blame unfinished epochs
    at.multiselect(key="arena_archs").set_value(missing[-1:]).run()
    assert not at.exception
    info = " ".join(literal(i.value) for i in at.info)
    assert f"so {KINDS[missing[-1]].word} has no line here: launch a training below to see it." in info, info
    assert "no finished epoch" not in info
    # every kind picked was trained: nothing to say
    at.multiselect(key="arena_archs").set_value(sorted(held, key=NETWORK_KINDS.index)).run()
    assert not [c.value for c in at.caption if "here: launch a training below" in literal(c.value)]


def test_a_server_that_reads_no_folders_offers_none(monkeypatch):
    """With allow_server_folders off (the README's setting for a public app) the launcher still offered both folder
    sources, which then refused at launch. A link that names one says it was ignored and keeps the default."""
    monkeypatch.setenv("DSCONV_ARENA_ALLOW_SERVER_FOLDERS", "false")
    at = open_page(PAGE, arena_launch="1", arena_source="Image folder on the server")
    assert not at.exception
    picker = at.selectbox(key="arena_source")
    assert picker.options == ["Synthetic shapes", "CIFAR-10, downloaded"] and picker.value == "synthetic"
    assert not any(box.label == "Folder on the server" for box in at.text_input)
    assert any("arena_source='Image folder on the server'" in literal(w.value) for w in at.warning)


@pytest.mark.slow
def test_a_stop_in_the_first_model_names_every_model_left_out(monkeypatch):
    """Stop pressed while the first of two models trained its second epoch: the page kept the first model's epoch but
    named no model as left out, as the second never started and so was in no record; the launch asked for both."""
    import threading

    import dsconv.arena.job
    from dsconv.arena.child import child_train

    jobs: list = []
    drawn = threading.Event()

    def stop_after_the_first_epoch(settings, limits, work_dir, run_name, messages, stop):
        class Watched:  # the real training; Stop is pressed, as on the page, once its first epoch has ended
            def put(self, message):
                messages.put(message)
                if message[0] == "progress" and message[1]["event"] == "epoch" and not stop.is_set():
                    drawn.wait(600)
                    jobs[0].request_stop()

        child_train(settings, limits, work_dir, run_name, Watched(), stop)

    monkeypatch.setattr(dsconv.arena.job, "child_train", stop_after_the_first_epoch)
    import dsconv.arena as arena
    from dsconv.arena import estimates as arena_estimates
    from dsconv.devices import cpu_model

    monkeypatch.setenv("DSCONV_ARENA_HEARTBEAT_SECONDS", "900")
    device = arena_estimates._DEVICE[0] if arena_estimates._DEVICE else cpu_model()
    arena_estimates._DEVICE[:] = [device]
    for kind in ("separable", "mobilenet"):
        arena.remember_speed(device, kind, 1.0, arena.Speed(0.005, 3.0, "probe", 64, 0.0))
    at = open_page(PAGE, dict(arena_launch="1", arena_train="500", arena_test="100", arena_epochs="2", arena_batch="64",
                              arena_launch_archs=["separable", "mobilenet"], arena_runs=""))
    job = click_launch(at)
    jobs.append(job)
    drawn.set()
    assert job.join(600)
    at.run()
    assert not at.exception, at.exception
    assert job.snapshot().state == "stopped"
    trained = {part.name: len(part.epochs) for part in job.record.architectures}
    assert trained == {"separable": 1}, trained  # the second model never started: it is in no record
    warning = next(w.value for w in at.warning if "kept below" in w.value)
    assert warning.endswith(f"so left out: {KINDS['mobilenet'].word}."), warning


@pytest.mark.slow
def test_projector_mode_and_the_finished_launch_say_the_same_of_where_the_run_is(monkeypatch):
    """In projector mode the page said "Turn projector mode off to ... replay the runs you uploaded or launched"
    while a finished launch said "it is in the replay above, under 'Your runs'": the run was in the replay, and
    'Your runs' was in the hidden sidebar."""
    at, _ = launcher_page(monkeypatch, batch=64, present="1")
    job = click_launch(at)
    assert job.join(600)
    at.run()
    assert not at.exception, at.exception
    assert job.snapshot().state == "complete"
    assert any(row["Run"].startswith("Launch 1:") for row in table(at))  # replayed, in projector mode
    said = [s.value for s in at.success] + [c.value for c in at.caption if "projector mode off" in c.value]
    assert any("Launch 1 finished" in text and "in the replay above" in text for text in said), said
    assert not any("Your runs" in text for text in said), said  # a box the projector hides
    assert not any("off to" in text and "replay the runs you" in text for text in said), said


@pytest.mark.slow
def download_names(at) -> dict[str, str]:
    """The file name each download button offers (its data is made when clicked: Streamlit keeps the name beside the
    callable, under the button's deferred file id)."""
    import gc

    from streamlit.runtime.media_file_manager import MediaFileManager

    kept = [manager._deferred_callables for manager in gc.get_objects() if isinstance(manager, MediaFileManager)]
    return {button.proto.label: entry["filename"] for button in at.get("download_button")
            for callables in kept if (entry := callables.get(button.proto.deferred_file_id))}


def test_a_data_folder_is_said_as_it_is_typed_and_a_failed_launch_takes_no_number(monkeypatch, tmp_path):
    """A CIFAR-10 folder without its test batch was said only after Launch, by the training; its error stayed up once
    the folder was fixed; and the next launch that trained was "Launch 2", the first run in the replay."""
    at, _ = launcher_page(monkeypatch, batch=64)
    at.selectbox(key="arena_source").set_value("cifar10-local").run()
    names = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch")
    for name in names[:-1]:
        (tmp_path / name).write_bytes(b"not a pickle")
    at.text_input(key="arena_dir").set_value(str(tmp_path)).run()
    assert not at.exception, at.exception
    errors = [literal(e.value) for e in at.error]
    assert any(f"{tmp_path} is not in the CIFAR-10 python-batches layout: test_batch missing" in e for e in errors), \
        errors
    assert not [b for b in at.button if b.key == "arena_launch_button"]  # no launch, and no estimate, for it
    assert not any(m.label == "Estimated time" for m in at.metric)
    (tmp_path / names[-1]).write_bytes(b"not a pickle")  # every batch there: the check passes, the reading fails
    at.run()
    assert not any("python-batches layout" in literal(e.value) for e in at.error)
    assert click_launch(at).join(600)
    at.run()
    assert at.session_state["arena_last_job"].snapshot().state == "failed"
    assert any("is not a readable CIFAR-10 python batch" in literal(e.value) for e in at.error)
    at.selectbox(key="arena_source").set_value("synthetic").run()  # another setting: the error was about the folder
    assert not any("CIFAR-10 python batch" in literal(e.value) for e in at.error), [e.value for e in at.error]
    job = click_launch(at)
    assert job.join(600)
    at.run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Launch 1 finished") for s in at.success), [s.value for s in at.success]
    assert [row["Run"].split(":")[0] for row in table(at)] == ["Launch 1"] * 2  # in the replay, and under the launch
    # and its downloads are named so (they were arena_<the server's count of launches>.json)
    names = download_names(at)
    assert names["Download the run record (JSON)"] == "launch_1.json", names
    assert names["Download the weights (.zip)"] == "launch_1_weights.zip", names


def test_a_launch_that_fails_before_its_page_is_drawn_is_said_on_that_run(monkeypatch, tmp_path):
    """A folder whose batches are not pickles fails in milliseconds, sometimes before the click's run draws the page
    (it did on CI). The failure is then said on that very run, and the job is kept as the last one, not lost."""
    from dsconv.arena.job import TrainingJob

    started = TrainingJob.start

    def start_and_end(self):  # the race, every time: the job has ended when the page is drawn
        job = started(self)
        assert job.join(600)
        return job

    monkeypatch.setattr(TrainingJob, "start", start_and_end)
    at, _ = launcher_page(monkeypatch, batch=64)
    at.selectbox(key="arena_source").set_value("cifar10-local").run()
    for name in ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"):
        (tmp_path / name).write_bytes(b"not a pickle")
    at.text_input(key="arena_dir").set_value(str(tmp_path)).run()
    job = click_launch(at)
    assert not at.exception, at.exception
    assert job.snapshot().state == "failed"
    assert "arena_job" not in at.session_state and at.session_state["arena_last_job"] is job
    assert any("is not a readable CIFAR-10 python batch" in literal(e.value) for e in at.error), \
        [literal(e.value) for e in at.error]
    assert [b for b in at.button if b.key == "arena_launch_button"]  # the launcher is back, for the fixed folder


def test_a_run_at_a_guess_s_accuracy_is_too_early_to_compare_on_the_page():
    """A run whose models never left a guess's accuracy (ten classes, 0.10-0.12) read as if they had learned: which
    overfits less, which is behind and why. The page says it is too early, and still gives the time."""
    from run_records import arch, record_dict

    record = record_dict([arch("standard", [(2.3, 0.10, 2.3, 0.11, 4.0), (2.29, 0.11, 2.3, 0.12, 4.0)]),
                          arch("separable", [(2.3, 0.10, 2.3, 0.10, 2.0), (2.3, 0.10, 2.3, 0.101, 2.0)],
                               macs=10_000)])
    record["data"].update(class_names=[f"class {i}" for i in range(10)], val_size=5000)
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value(("guess.json", json.dumps(record).encode(),
                                                     "application/json")).run()
    assert not at.exception
    said = "\n".join(literal(m.value) for m in at.markdown)
    assert "Too early to compare: the best validation accuracies, 0.101 for the separable model and 0.120 for the " \
           "standard model, are at most 5 points above a guess's (0.100 with 10 classes)" in said
    assert "Overfitting:" not in said and "Accuracy: best" not in said and "is behind here" not in said
    assert "Time: the separable model does 5.00x fewer multiply-adds" in said


def _launcher_with(monkeypatch, speeds: dict, **query):
    """The launcher with these speeds for its models (no probe in a subprocess), and the probe flags it asked with."""
    from dsconv.arena import estimates as arena_estimates

    asked = []

    def machine_profile(architectures, width_multiplier, probe=True):
        asked.append(probe)
        return "Test CPU, 2 cores", {arch: speeds[arch] for arch in architectures if arch in speeds}

    monkeypatch.setattr(arena_estimates, "machine_profile", machine_profile)
    at = open_page(PAGE, {**dict(arena_launch="1", arena_train="500", arena_test="100", arena_epochs="1",
                                 arena_launch_archs="separable", arena_runs=""), **query})
    assert not at.exception, at.exception
    return at, asked


@pytest.mark.parametrize("batch, said", [("512", True), ("8", False)])
def test_the_launcher_says_when_its_estimate_comes_from_another_batch(monkeypatch, batch, said):
    """One probe's batch stood behind every later estimate, whatever the launch's batch: a speed that cannot be
    carried to the launch's batch (a run's, for a model not probed) is said under the estimate, by its model."""
    import dsconv.arena as arena

    at, _ = _launcher_with(monkeypatch, {"separable": arena.Speed(0.005, 3.0, "recorded", 8)}, arena_batch=batch)
    captions = [literal(c.value) for c in at.caption]
    note = (f"The separable model's speed was timed at batch 8; this launch trains at batch {batch}, and a step's "
            "time per image changes with the batch, so the launch may take more or less.")
    assert (note in captions) == said, captions


@pytest.mark.parametrize("sources, said", [
    (("probe",), "from a few timed steps"),
    (("recorded",), "from runs recorded on a machine like this"),  # bundled files: "earlier runs here" was said
    (("launched",), "from launches on this server"),
    (("probe", "recorded"), "from a few timed steps and runs recorded on a machine like this")])
def test_the_estimate_says_where_its_speeds_come_from(monkeypatch, sources, said):
    import dsconv.arena as arena

    speeds = {arch: arena.Speed(0.005, 3.0, source, 32) for arch, source in zip(("standard", "separable"), sources)}
    at, _ = _launcher_with(monkeypatch, speeds, arena_launch_archs=list(speeds))
    [metric] = [m for m in at.metric if m.label == "Estimated time"]
    assert metric.proto.delta == said, metric.proto.delta


def test_no_probe_runs_beside_a_training_even_with_a_free_slot(monkeypatch):
    """With two training slots and one launch training, the launcher probed the models on the busy CPU, and kept the
    slow speeds for the server's life."""
    import types

    import dsconv.arena as arena

    monkeypatch.setenv("DSCONV_ARENA_MAX_CONCURRENT", "2")
    elsewhere = types.SimpleNamespace(snapshot=lambda: types.SimpleNamespace(remaining=100.0))
    for holder in arena.SLOTS.running():
        assert not hasattr(holder, "join") or holder.join(600), f"a job of an earlier test still trains: {holder}"
    try:
        _, asked = _launcher_with(monkeypatch, {})
        assert asked and all(asked)
        arena.SLOTS.set_capacity(2)
        assert arena.SLOTS.try_claim(elsewhere)
        _, asked = _launcher_with(monkeypatch, {})
        assert asked and not any(asked)
    finally:
        arena.SLOTS.release(elsewhere)
        arena.SLOTS.set_capacity(1)  # the server's default, as the next page run sets it


def test_a_batch_cap_under_the_smallest_choice_is_the_one_choice(monkeypatch):
    """A server's cap of 4 (DSCONV_ARENA_MAX_BATCH_SIZE) left the batch picker no choice, and the page raised an
    error."""
    import dsconv.arena as arena

    monkeypatch.setenv("DSCONV_ARENA_MAX_BATCH_SIZE", "4")
    at, _ = _launcher_with(monkeypatch, {"separable": arena.Speed(0.005, 3.0, "probe", 64, 0.0)})
    assert not at.error, [e.value for e in at.error]
    assert at.select_slider(key="arena_batch").value == 4


def test_the_test_set_warning_stands_under_the_summary_it_qualifies():
    """The 🔎 warning that the published run picked its best epoch on the test set stood after "What these runs say",
    1,700 px below the table's accuracies at 1024 x 768: a projected summary showed them without it."""
    at = open_page(PAGE)

    order = [(node.type, str(getattr(node, "value", "")), getattr(node, "icon", None)) for node in leaves(at.main)]
    table = max(i for i, (kind, value, _) in enumerate(order) if kind == "markdown" and "| Model" in value)
    warning = next(i for i, (kind, _, icon) in enumerate(order) if kind == "warning" and icon == "🔎")
    says = next(i for i, (_, value, _) in enumerate(order) if value == "What these runs say")
    assert table < warning < says, order[table:says + 1]


def test_a_run_without_validation_is_not_headed_as_validated(run_file):
    """A run trained without a validation split (dsconv.train --val-split 0) was headed "validated on the held-out
    split" over its "—" cells."""
    data = json.loads(run_file.read_text())
    for epoch in data["architectures"][0]["epochs"]:
        epoch.update(val_accuracy=None, val_loss=None)
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value(("plain.json", json.dumps(data).encode(), "application/json")).run()
    assert not at.exception and not at.error
    assert run_lines(at) == [{"run": "Uploaded run", "device": "a GPU", "split": "no validation accuracy"}]
    assert table(at)[0]["Best val accuracy (epoch)"] == "—"


def test_a_run_marked_validated_on_the_test_set_without_validation_gets_no_test_set_warning(run_file):
    """A record marked validation_on_test whose epochs read no validation accuracy was headed "with no validation
    accuracy" and warned that its best validation accuracy was picked on the test images."""
    data = json.loads(run_file.read_text())
    data["data"]["validation_on_test"] = True
    for epoch in data["architectures"][0]["epochs"]:
        epoch.update(val_accuracy=None, val_loss=None)
    at = open_page(PAGE, arena_runs="")
    at.file_uploader(key="arena_upload").set_value(("plain.json", json.dumps(data).encode(), "application/json")).run()
    assert not at.exception and not at.error
    assert run_lines(at)[0]["split"] == "no validation accuracy"
    assert not [w.value for w in at.warning if w.icon == "🔎"]
