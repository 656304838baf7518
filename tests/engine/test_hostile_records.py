"""Hostile run records: every field has a type and a range, nothing but RunFileError escapes load_run, every
record that loads can be shown, and the replay figure grows linearly with the epochs.

The cases at the top are issue #14's: each loaded (or raised something other than RunFileError) before."""

from __future__ import annotations

import copy
import json
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsconv.figures.training import MAX_FRAMES, frame_epochs, frames_note, replay_figure
from dsconv.training import comparison, replay
from dsconv.training.runs import MAX_RECORD_EPOCHS, RunFileError, load_run
from rendered import literal
from run_records import arch, record_dict

EPOCHS = [(1.5, 0.40, 1.3, 0.45, 10.0), (1.2, 0.55, 1.1, 0.52, 9.5), (1.0, 0.62, 1.0, 0.55, 9.0)]


def valid() -> dict:
    return record_dict([arch("standard", EPOCHS, test_accuracy=0.5, params=8000, macs=80_000),
                        arch("separable", EPOCHS, test_accuracy=0.5, params=1000, macs=10_000)],
                       recipe={"learning_rate": 0.001, "input_scaling": "unit"})


def raw(data: dict) -> bytes:
    return json.dumps(data).encode()


def shown(record) -> None:
    """Everything the Training arena computes from a record, as the page does it."""
    run = replay.LoadedRun("upload:x.json", replay.run_label(record, "x.json"), "upload", record)
    rows = replay.table_rows(replay.summary_rows(run))
    assert len(rows) == len(record.architectures)
    replay.about_run(record)
    series = [item for item in replay.all_series([run]) if item.epochs]
    if series:
        replay_figure(series).to_json()
        frames_note(series)
        comparison.negative_first_gap(series)
    for other in ("separable", "depthwise_pointwise", "mobilenet"):
        found = comparison.compare(run, other)
        if found is not None:
            for sentence in (comparison.overfitting_sentence, comparison.accuracy_sentence,
                             comparison.behind_sentence, comparison.time_sentence):
                sentence(found)
    comparison.seed_note(comparison.seeds_per_model([run]))


def test_the_valid_record_loads_and_shows():
    shown(load_run(raw(valid())))


def _set(path, value):
    def mutate(data):
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        target[last] = value
    return mutate


def _every_epoch(key, value):
    def mutate(data):
        for part in data["architectures"]:
            for epoch in part["epochs"]:
                epoch[key] = value
    return mutate


@pytest.mark.parametrize("mutate, field", [
    (_every_epoch("seconds", 1e308), "seconds"),  # round(inf) in the table's total time
    # the time axis's ticks started at 10 ** -324, which is 0: the page hung and the server's memory grew for ever
    (_set(("architectures", 0, "epochs", 0, "seconds"), 5e-324), "seconds must be 0 or at least 0.001"),
    (_set(("recipe", "epochs"), -5), "recipe.epochs"),  # shown as "3 of -5"
    (_set(("recipe", "epochs"), 2), "more than recipe.epochs"),  # 3 epochs of a planned 2
    (_set(("schema_version",), True), "schema version true"),  # True == 1 in Python
    (_set(("schema_version",), 1.0), "schema version 1.0"),
    (_set(("architectures", 0, "params"), 0), "params"),  # divides in "x fewer parameters"
    (_set(("architectures", 0, "name"), "made_up"), "architectures[0].name"),
    (_set(("architectures", 1, "name"), "standard"), "same architecture twice"),
    (_set(("architectures", 0, "epochs", 0, "loss"), 1e300), "loss"),
    (_set(("architectures", 0, "test_loss"), -1), "test_loss"),
    (_set(("data", "train_size"), 2.5), "data.train_size"),
    (_set(("data", "validation_on_test"), "yes"), "data.validation_on_test"),
    (_set(("data", "class_names"), ["cat"] * 5000), "data.class_names"),
    (_set(("data", "class_names"), [{"a": 1}]), "data.class_names[0]"),
    (_set(("data", "seed"), 0.5), "data.seed"),
    (_set(("recipe", "learning_rate"), 0), "recipe.learning_rate"),
    (_set(("recipe", "batch_size"), 10**30), "recipe.batch_size"),
    (_set(("recipe", "optimizer"), {"nested": [1, 2]}), "recipe.optimizer"),
    (_set(("recipe", "![x](http://127.0.0.1:9/p.png)"), 1), "field name"),
    (_set(("device", "count"), -1), "device.count"),
    (_set(("title",), "t" * 10_000), "title"),
    (_set(("created",), "yesterday"), "created"),
    (_set(("source",), {"title": "A blog", "year": "2022; DROP"}), "source.year"),
    # "²²²²".isdigit() is true and int() refuses it: a ValueError, and a traceback on the page
    (_set(("source",), {"title": "A blog", "year": "²²²²"}), "source.year"),
    (_set(("source",), {"title": "A blog", "year": "٢٠٢٢"}), "source.year"),  # Arabic-Indic digits: int() reads 2022
    (_set(("architectures", 0, "model", "width_multiplier"), 0), "width_multiplier"),
    (_set(("architectures", 0, "weights"), ".hidden.weights.h5"), "weights"),
])
def test_out_of_range_fields_are_refused_naming_the_field(mutate, field):
    data = valid()
    mutate(data)
    with pytest.raises(RunFileError, match="run record") as info:
        load_run(raw(data))
    assert field in str(info.value)


@pytest.mark.parametrize("created, words", [
    ("2024-02-30T10:00:00+00:00", "created '2024-02-30' is not a day of the calendar; write the day the run was"),
    ("2024-13-01", "created '2024-13-01' is not a day of the calendar"),
    ("yesterday", "created must start with a date written YYYY-MM-DD, such as 2026-11-25")])
def test_a_date_that_is_not_a_day_is_told_so(created, words):
    """created "2024-02-30" was told it "must start with a date written YYYY-MM-DD", which it is."""
    data = valid()
    data["created"] = created
    with pytest.raises(RunFileError) as info:
        load_run(raw(data))
    assert words in str(info.value), str(info.value)


def test_huge_numbers_in_the_file_text_are_refused_as_run_file_errors():
    text = raw(valid()).decode()
    for literal_number, field in (("1" + "0" * 400, "multiply_adds"), ("9" * 5000, None)):
        hostile = text.replace('"multiply_adds": 80000', f'"multiply_adds": {literal_number}')
        assert hostile != text
        with pytest.raises(RunFileError) as info:  # not OverflowError, not Python's own ValueError
            load_run(hostile.encode())
        assert field is None or field in str(info.value)


def test_a_record_holds_at_most_max_record_epochs_per_model():
    many = [(1.0, 0.5, 1.0, 0.5, 1.0)] * (MAX_RECORD_EPOCHS + 100)
    with pytest.raises(RunFileError, match=f"at most {MAX_RECORD_EPOCHS}"):
        load_run(raw(record_dict([arch("standard", many)], epochs=len(many))))
    enough = many[:MAX_RECORD_EPOCHS]
    load_run(raw(record_dict([arch("standard", enough)], epochs=len(enough))))


def test_the_replay_figure_grows_linearly_with_the_epochs():
    """600 epochs took about 70 s to draw and 400 made a 24 MB figure: a frame per epoch, each holding every
    earlier one. Now the frames are capped and stride, carry only x and y, and the page says so."""
    sizes = {}
    for count in (100, 200, 400):
        epochs = [(1 / (i + 1), i / count, 1.1 / (i + 1), 0.9 * i / count, 10.0 + i % 3) for i in range(count)]
        record = load_run(raw(record_dict([arch("standard", epochs), arch("separable", epochs)], epochs=count)))
        series = replay.all_series([replay.LoadedRun("r", "r", "upload", record)])
        fig = replay_figure(series)
        assert len(fig.frames) <= MAX_FRAMES + 1
        last = fig.frames[-1]
        assert int(last.name) == count and list(last.data[1].x) == list(range(1, count + 1))  # all, at the end
        assert all(set(trace.to_plotly_json()) <= {"type", "x", "y"} for frame in fig.frames for trace in frame.data)
        sizes[count] = len(fig.to_json())
        note = frames_note(series)
        assert note and f"{count:,} epochs" in note and f"{len(fig.frames)} steps" in note
    assert sizes[400] < 2.5 * sizes[200] < 6.25 * sizes[100]  # linear give or take, never quadratic
    assert sizes[400] < 2_000_000


def test_every_epoch_gets_a_frame_when_there_are_few():
    record = load_run(raw(valid()))
    series = replay.all_series([replay.LoadedRun("r", "r", "upload", record)])
    assert frame_epochs(series) == [1, 2, 3] and frames_note(series) is None


def test_record_text_is_shown_literally_never_as_markdown():
    data = valid()
    data["title"] = "![pixel](http://127.0.0.1:9/p.png) **loud** $x^2$ [link](http://127.0.0.1:9)"
    data["notes"] = "line one\n\n# a heading\n<img src=x>"
    data["source"] = {"title": "`code` and _under_", "site": "[a](b)", "year": 2022}
    record = load_run(raw(data))
    first, source, notes = replay.about_run(record)
    title = first[2:first.index("**. ")]  # between the page's own bold markers
    assert literal(title) == data["title"] and every_punctuation_escaped(title)
    assert source == "Source: " + r"\`code\` and \_under\_ (\[a\]\(b\), 2022)."
    assert literal(notes) == "line one  # a heading <img src=x>" and every_punctuation_escaped(notes)
    assert "http\\:\\/\\/\u2060127" in title  # an address cannot become a link (GFM's autolinks)


def test_recipe_and_data_source_values_are_literal_and_unknown_ones_shown_as_they_are():
    data = valid()
    data["data"]["source"] = "**bold** [a](http://127.0.0.1:9)"
    data["recipe"] = {"optimizer": "*sgd*", "input_scaling": "_half_", "warmup_steps": "`5`", "multi_gpu": True}
    first, *_ = replay.about_run(load_run(raw(data)))
    data_part = first[first.index("Data: ") + 6:first.index("; 900 training images")]
    assert literal(data_part) == data["data"]["source"] and every_punctuation_escaped(data_part)
    recipe = first[first.index("Recipe: ") + 8:-1]
    assert literal(recipe) == ("optimizer *sgd*, input scaling _half_, warmup steps `5`, on every GPU at once "
                               "(MirroredStrategy)")
    assert all(every_punctuation_escaped(part) for part in recipe.split(", "))  # the page's own commas apart


@pytest.mark.parametrize("title", ["", "   "])
def test_a_blank_title_reads_as_the_page_names_the_run_and_one_image_is_one(title):
    """A title of "" or spaces read "****." and "**   **." above the run (the rest of the page named it by its file);
    a record of one training image read "1 training images"."""
    data = valid()
    data["title"] = title
    data["data"]["train_size"] = 1
    first = literal(replay.about_run(load_run(raw(data)), "run.json")[0])
    assert first.startswith("**run.json**. ") and "; 1 training image. " in first, first
    assert literal(replay.about_run(load_run(raw(data)))[0]).startswith("**Untitled run**. ")


def test_a_list_where_a_word_is_expected_is_shown_as_it_is():
    """A record may hold a short list of numbers in any recipe or data field; looking a list up among the known words
    raised "unhashable type" and the arena showed a traceback on every run."""
    data = valid()
    data["data"]["source"] = [1, 2]
    data["recipe"].update(optimizer=[3], input_scaling=[4, 5], depthwise_init=[6], loss=[7])
    behind = [(0.9, 0.5, 1.0, 0.3, 5.0)]  # the separable model clearly behind: the sentence quotes the recipe
    data["architectures"][1]["epochs"] = [dict(zip(("epoch", "loss", "accuracy", "val_loss", "val_accuracy",
                                                    "seconds"), (1, *values))) for values in behind]
    record = load_run(raw(data))
    shown(record)
    first = literal(replay.about_run(record)[0])
    assert "Data: [1, 2]; 900 training images" in first
    assert ("Recipe: 3 epochs, batch 32, learning rate 0.001, input scaling [4, 5], optimizer [3], depthwise "
            "initializer [6], loss [7].") in first
    run = replay.LoadedRun("upload:x.json", "x", "upload", record)
    why = literal(comparison.behind_sentence(comparison.compare(run)))
    assert "it starts from the depthwise initializer [6]" in why and "input scaling ([4, 5])" in why


def every_punctuation_escaped(markdown: str) -> bool:
    """True when no ASCII punctuation character is left bare (so none can start Markdown syntax)."""
    index = 0
    while index < len(markdown):
        if markdown[index] == "\\":
            index += 2
            continue
        if markdown[index] in string.punctuation or markdown[index] == "\n":
            return False
        index += 1
    return True


def test_record_text_in_the_comparison_is_literal():
    data = valid()
    data["recipe"].update(input_scaling="![p](http://127.0.0.1:9/p.png)", depthwise_init="**x**")
    behind = [(1.5, 0.40, 1.3, 0.30, 9.0), (1.2, 0.50, 1.2, 0.35, 9.0), (1.0, 0.60, 1.1, 0.40, 9.0)]
    data["architectures"][1] = arch("separable", behind, params=1000, macs=10_000)  # 15 points behind
    record = load_run(raw(data))
    found = comparison.compare(replay.LoadedRun("r", "r", "upload", record), "separable")
    behind = comparison.behind_sentence(found)
    assert "![" not in behind and "**x**" not in behind
    assert "![p](http://127.0.0.1:9/p.png)" in literal(behind)


# --- Property tests ----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30)


def _within_a_second(content: bytes):
    begin = time.perf_counter()
    try:
        record = load_run(content)
    except RunFileError:
        record = None
    assert time.perf_counter() - begin < 1.0
    if record is not None:
        shown(record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_random_json_gives_a_record_or_a_run_file_error(value):
    _within_a_second(json.dumps(value).encode())


def _paths(value, prefix=()):
    """Every path into a JSON value, including the root's children."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


VALID_PATHS = list(_paths(valid()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(VALID_PATHS), JSON), min_size=1, max_size=3))
def test_a_valid_record_with_fields_replaced_gives_a_record_or_a_run_file_error(changes):
    data = copy.deepcopy(valid())
    for path, value in changes:
        try:
            _set(path, value)(data)
        except (KeyError, IndexError, TypeError):  # an earlier change removed the path
            continue
    _within_a_second(json.dumps(data).encode())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_give_a_run_file_error(content):
    with pytest.raises(RunFileError):
        load_run(content)


def test_record_titles_reach_the_figure_as_text_not_tags():
    data = valid()
    data["title"] = '<a href="http://127.0.0.1:9">x</a> <b>bold</b> %{y}'
    record = load_run(raw(data))
    fig = replay_figure(replay.all_series([replay.LoadedRun("r", replay.run_label(record, "r"), "upload", record)]))
    for trace in fig.data:
        assert "<a" not in trace.name and "<b>" not in trace.name and "%{y}" not in trace.hovertemplate
        assert "&lt;b&gt;bold&lt;/b&gt;" in trace.name


def test_a_record_saved_with_a_byte_order_mark_loads_and_utf16_is_told_to_be_utf8():
    """A record re-saved by Windows' Notepad starts with a byte-order mark: it was refused with "Unexpected UTF-8 BOM
    (decode using utf-8-sig)". One saved as UTF-16, or in Latin-1, was told it was not JSON, in Python's words."""
    record = load_run(b"\xef\xbb\xbf" + raw(valid()))
    assert record.architectures
    with pytest.raises(RunFileError, match=r"text in UTF-16, not JSON in UTF-8 as a run record is\. Save it as UTF-8"):
        load_run(raw(valid()).decode().encode("utf-16"))
    with pytest.raises(RunFileError, match=r"not JSON in UTF-8, so it cannot be a run record\. A text file saved in"):
        load_run(raw(valid()).replace(b'"title": "', b'"title": "caf\xe9 '))


@pytest.mark.parametrize("field", ["title", "notes"])
def test_an_escaped_lone_surrogate_is_refused_in_words(field):
    """A title of "\\ud800" (valid JSON) made the arena raise "surrogates not allowed" on every rerun, until the
    browser reloaded: the "Your runs" list could not be sent."""
    data = valid()
    data[field] = "A run \ud800"
    with pytest.raises(RunFileError) as refused:
        load_run(json.dumps(data).encode())  # json.dumps writes the escape, as a hostile file would
    assert str(refused.value) == (f"This file holds text that is not valid Unicode in “{field}”: an escaped half of "
                                  "a character pair (such as \\ud800) that stands for no character. No run record has "
                                  "one: remove it.")
    data[field] = "A run \U0001F600"  # a pair that makes a character is fine
    assert load_run(json.dumps(data).encode())
