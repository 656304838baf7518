"""Streamlit helpers shared by every page: page set-up, projector mode, URL-shareable settings, errors.

The engine (`dsconv`) never imports Streamlit; this package is the thin layer between the two.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dsconv import ONE_AT_A_TIME
from dsconv.figures import page_width_px, text_em
from dsconv.safe_text import listed, markdown_table, plain, sendable, typed_number
from dsconv_ui import link_keys

ROOT = Path(__file__).resolve().parents[1]
# The app's pages in teaching order: (file relative to app.py, label, icon). A page whose file is
# not there is left out of the navigation.
PAGES = (
    ("app.py", "Home", "🏠"),
    ("pages/1_Parameter_lab.py", "Parameter lab", "🧮"),
    ("pages/2_Sliding_kernels.py", "Sliding kernels", "🎞️"),
    ("pages/3_Training_arena.py", "Training arena", "🏋️"),
    ("pages/4_Filters_on_your_image.py", "Filters on your image", "🖼️"),
    ("pages/5_Speed_lab.py", "Speed lab", "⏱️"),
    ("pages/7_Real_networks.py", "Real networks", "🏗️"),
    ("pages/6_Quiz.py", "Quiz", "❓"),
)

PRESENT_KEY = "present"  # URL and widget key of projector mode
# Every setting's widget takes these: Streamlit keeps its value in the address (under the widget's key, gone while
# it is the default, ignored when invalid), so the address bar is always a link to the page as it is, and keeps it
# when the student visits another page and comes back.
BOUND = {"bind": "query-params", "persist_state": "session"}
_ARRIVED = "_link_arrived"  # the address's settings when this run began
_PENDING = "_link_pending"  # settings of an older link, for the widgets of the next run
_TRIED = "_link_tried"  # what the last run asked the widgets to take from an older link
_NOTES = "_link_notes"
_IGNORED = "_link_ignored"  # settings refused on a run that was followed at once by another
_LAST = "_link_last"  # the address's settings that the last run's controls met
_ENDLESS = "_link_endless"  # settings that were an endless number, taken out of the address before the widgets ran
_PAGE = "_link_page"  # the page this run draws (page_setup's title)
_SOURCE = "_link_source"  # the file of the page this run draws
_SAID = "_link_said"  # the refused settings last said, and the controls' values then: said again while they stay
_DEFAULT = "<dsconv: the widget's default>"  # a pending value that means "forget the value"
SHARE_KEY = "share_link_open"  # widget key of the share-link expander (its link is built only while it is open)


def _registration(key: str) -> Any:
    """Streamlit's registration of the widget with this key in this run (its value type, its reading of a text, its
    options), or None where this Streamlit keeps it elsewhere: then no text is taken for a default, and no older
    spelling is tried on a picker, which only costs a warning."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    state = getattr(getattr(get_script_run_ctx(), "session_state", None), "_state", None)
    ids, widgets = getattr(state, "_key_id_mapper", None), getattr(state, "_new_widget_state", None)
    try:
        # (not `ids and widgets`: both have a length, and the widget state counts none before a widget changes)
        return widgets.widget_metadata.get(ids.get_id_from_key(key)) if None not in (ids, widgets) else None
    except (AttributeError, KeyError, TypeError):
        return None


def _spells_default(registration: Any, texts: list[str], current: Any) -> bool:
    """Whether the address's text is the widget's default, as the widget writes it, and the widget holds it: Streamlit
    drops such a setting from the address, exactly as it drops one the widget refused, so ?quiz_q=1 looked ignored.
    A text the widget reads as its default only because it refused it (a slider's 99, an unknown label) is not one."""
    from streamlit.runtime.state.query_params import parse_url_param

    try:
        default = registration.deserializer(None)
        parsed = parse_url_param(texts[0] if len(texts) == 1 else texts, registration.value_type)
        return bool(current == default and parsed == registration.serializer(default))
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        return False


def _spelling(key: str, value: Any) -> tuple[Any, str] | None:
    """How the widget `key` writes `value` in the address, with Streamlit's type of the value (_write_link_setting),
    or None where not known."""
    registration = _registration(key)
    try:
        return registration.serializer(value), registration.value_type
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        return None


def _reader(registration: Any) -> Any:
    """The object that reads a picker's values (its options and their shown labels), or None."""
    return getattr(getattr(registration, "deserializer", None), "__self__", None)


def _options(registration: Any) -> Sequence[Any] | None:
    """The values a picker can hold (a tab bar's are its labels), or None for other widgets and where not known."""
    options = getattr(_reader(registration), "options", None)
    return options if options is not None else getattr(registration, "formatted_options", None)


def _labels(registration: Any) -> dict[str, Any]:
    """A picker's shown labels, each with its option (for a link that mixes them with older labels), or nothing."""
    reader = _reader(registration)
    options, labels = getattr(reader, "options", None), getattr(reader, "formatted_options", None)
    by_label = getattr(reader, "formatted_option_to_index", None)  # a select slider's: label -> its option's index
    try:
        if options is not None and labels is None and isinstance(by_label, dict):
            return {label: options[index] for label, index in by_label.items()}
        return dict(zip(labels, options)) if options is not None and labels is not None else {}
    except (TypeError, IndexError):  # unhashable labels, or labels the options do not match: nothing to look up
        return {}


MAX_QUOTED_CHOICES = 8  # a refused picker's choices are quoted up to this many; past it, the warning counts them,
MAX_QUOTED_CHARACTERS = 40  # unless they are this short in all (a select slider's nine sizes, 4 to 224)


def _nearest(text: str | None, labels: list[str]) -> str | None:
    """The label most like a link's text, ignoring case ("resnet" -> "ResNet50"), or None where none is close."""
    if not text or len(text) > 100:  # no name is that long
        return None
    found = difflib.get_close_matches(text.casefold(), [label.casefold() for label in labels], n=1, cutoff=0.6)
    return next(label for label in labels if label.casefold() == found[0]) if found else None


def _takes(registration: Any, shown: str | None = None) -> str | None:
    """What a control takes, in words, for the warning about a link it refused: "a whole number from 1 to 11", "true
    or false", "'valid' or 'same'"; None where Streamlit does not say. The warning said only "not one of the values its
    control takes here", and a teacher who had typed ?lab_k=13 was not told that 11 is the largest."""
    reader = _reader(registration)
    try:
        default = registration.deserializer(None)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        default = None
    low, high = getattr(reader, "min_value", None), getattr(reader, "max_value", None)
    # Only bounds a page gave: without them Streamlit's own are about ±9e15, no help to a teacher.
    if all(isinstance(bound, (int, float)) and not isinstance(bound, bool) and abs(bound) < 1e9
           for bound in (low, high)):
        kind = "a whole number" if isinstance(default, int) else "a number"
        return f"{kind} from {typed_number(low)} to {typed_number(high)}"
    if getattr(registration, "value_type", None) == "bool_value":
        return "true or false"
    labels = [str(label) for label in getattr(reader, "formatted_options", None)
              or getattr(reader, "formatted_option_to_index", None)  # a select slider's labels, in order
              or getattr(registration, "formatted_options", None) or ()]  # a tab bar: its labels
    if not labels:
        return None
    if len(labels) > MAX_QUOTED_CHOICES and sum(map(len, labels)) > MAX_QUOTED_CHARACTERS:  # short ones are all said
        nearest = _nearest(shown, labels)  # a link typed by hand: ?rn_model=resnet was told only "14 choices"
        return (f"one of the {len(labels)} choices in its list, written as the picker shows them" +
                (f" (the nearest is '{plain(nearest)}')" if nearest else ""))
    quoted = [f"'{plain(label)}'" for label in labels]
    if isinstance(default, list):  # a multiselect
        return "any of " + (quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}")
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _quoted_items(items: list[str]) -> list[str]:
    """A link's items as a warning quotes them: the first MAX_QUOTED_CHOICES, and how many others ("3 others": "and
    2 more more than once" was one such warning)."""
    more = [f"{len(items) - MAX_QUOTED_CHOICES:,} others"] if len(items) > MAX_QUOTED_CHOICES else []
    return [_quoted(item) for item in items[:MAX_QUOTED_CHOICES]] + more


def _partial_note(key: str, texts: list[str], kept: list[str]) -> str:
    """The warning's sentence for a list picker that took some of a link's items (`kept`) and left out the rest:
    it had said the whole setting was ignored and the control kept its default, while it held the items taken."""
    dropped = [text for text in texts if text not in kept]
    takes = _takes(_registration(key))
    return (f"Took part of the link's setting {plain(key)}={_quoted(','.join(texts))}: its control took "
            f"{listed(_quoted_items(list(dict.fromkeys(kept))))}; it left out {listed(_quoted_items(dropped))}"
            + (f", since it takes {takes}." if takes else ".")
            + " Change the link, or the control, if you meant more.")


def _cut_to_whole(text: str, value: Any) -> bool:
    """Whether a whole-number control took a link's fraction by cutting it (?lab_h=31.9 set 31, saying nothing)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    try:  # exact: 1e-400 is 0.0 as a float, and ?quiz_seed=1e-400 set question set 0 without a word
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        # an exponent past Decimal's own limits (1e-99999999999999999999): a fraction where its digits are not all 0
        tiny = _TINY.fullmatch(text.strip().replace("_", ""))  # Python's 1_0 digits, as float() reads them
        return bool(tiny) and any(digit not in "0." for digit in tiny.group(1))
    return number.is_finite() and number != number.to_integral_value()


_TINY = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE]-\d+")  # a number with a negative exponent


def _cut_note(key: str, shown: str, value: int) -> str:
    """The warning's sentence for a fraction a whole-number control took as `value`."""
    takes = _takes(_registration(key)) or "a whole number"
    return (f"Read the link's setting {plain(key)}={plain(repr(shown))} as {value:,}: its control takes {takes}. "
            "Change the link's number, or the control, if you meant another.")


def _refusal(key: str, shown: str, endless: bool = False) -> str:
    """The warning's sentence for the setting `key`={`shown`} of a link that its control refused, or that was an
    `endless` number ('inf', '1e400'), whatever its control. The link's text is shown literally: ?lab_pad=[click](...)
    made a link inside the app's own warning."""
    takes = _takes(_registration(key), shown)
    if endless:
        # 'inf' is endless; a 400-digit seed or 1e400 is a number, too large for a float (it reads as inf)
        what = "an endless number" if shown.strip().lstrip("+-").lower() in ("inf", "infinity") else \
            "a number beyond the largest a computer's number holds (about 1.8 × 10³⁰⁸)"
        said = f"{what}, and its control takes {takes}" if takes else f"{what}, which no control here takes"
    else:
        said = f"its control takes {takes}" if takes else "it is not one of the values its control takes here"
    kept = _default_label(_registration(key))  # said, so that a class does not read the default's numbers as the link's
    return (f"Ignored the link's setting {plain(key)}={_quoted(shown)}: {said}, so the control keeps its default"
            + (f", {kept}." if kept else "."))


MAX_LINK_NOTES = 24  # a link's notes drawn in full (a page has up to 19 settings, each may be said); past it, the
# first 23 and a count of the rest
MAX_QUOTED = 80  # a link's text longer than this is quoted in part: 5,000 characters buried the page under a warning


def _quoted(text: str) -> str:
    """A link's text quoted literally, its start only where it is long: "'aaaa...' (5,000 characters)"."""
    if len(text) <= MAX_QUOTED:
        return plain(repr(text))
    start = repr(text[:MAX_QUOTED - 20])
    return f"{plain(start[:-1] + '...' + start[-1])} ({len(text):,} characters)"


def _default_label(registration: Any) -> str | None:
    """A control's default as the warning says it: a picker's label, quoted ("'MobileNet V1, width 1'"), a number
    ("8"); None for other controls (a switch, a multiselect's list) and where it is not known."""
    try:
        default = registration.deserializer(None)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        return None
    labels = _labels(registration)  # a picker's: each shown label with its option
    if labels:
        return next((f"'{plain(str(label))}'" for label, option in labels.items() if option == default), None)
    # A number box or slider (it has bounds); a select slider's options are not numbers even where they look it
    numeric = isinstance(default, (int, float)) and not isinstance(default, bool) and math.isfinite(default)
    return typed_number(default) if numeric and getattr(_reader(registration), "min_value", None) is not None else None


_OLDER_LABELS: dict[str, dict[str, Any]] = {}  # widget key -> {a label it showed before: the option it meant}


def older_labels(key: str, labels: Mapping[str, Any]) -> None:
    """Labels the picker `key` showed before they were shortened, each with the option it meant. A picker's address
    holds its shown label, so links saved then spell these: they keep setting the picker."""
    _OLDER_LABELS[key] = dict(labels)


def _older_spelling(texts: list[str], current: Any, options: Sequence[Any] | None, older: Mapping[str, Any],
                    fresh: bool = True) -> Any:
    """The value an older dsconv link meant where a widget refused its text, or None: "1"/"0" for a switch, "a,b" for
    a multiselect, an option's own name where the widget's address now holds its label (Separable for separable),
    a number a numeric picker labels another way (16.0 for 16),
    and a label the picker showed before (`older`, from older_labels), for a multiselect's items too.
    A picker's value is only ever one of its `options` (None: not known, so nothing is tried): a picker hands any
    value in the session state to the page, which would fail on a name it does not know."""
    if isinstance(current, bool):
        return {"1": True, "0": False}.get(texts[0]) if len(texts) == 1 else None
    if isinstance(current, (int, float)) and len(texts) == 1 and fresh:
        # a select slider of numbers (?net_filters=16.0), on the first run its control meets the link's text; a
        # picker the student moved since is not set back where the address still holds that text (AppTest's does)
        return next((option for option in options or () if _same_number(option, texts[0])), None)
    if isinstance(current, list):
        items = [older.get(item, item) for text in texts for item in text.split(",") if item]
        return items if options is not None and all(item in options for item in items) else None
    if isinstance(current, str) and len(texts) == 1:
        value = older.get(texts[0], texts[0])
        return value if options is not None and value in options else None
    return None


def _same_number(option: Any, text: str) -> bool:
    """Whether a picker's numeric option is the number a link wrote another way ("16.0" for 16, "1" for 1.0): the
    picker reads only its own label, and ?net_filters=16.0 was refused while ?net_blocks=2.0 set a slider."""
    if isinstance(option, bool) or not isinstance(option, (int, float)):
        return False
    try:
        return float(text) == option
    except ValueError:
        return False


def _open_link(text_settings: Sequence[str] = ()) -> None:
    """Before the page's widgets: note the address's settings, and hand the widgets an older link's values.
    `text_settings`: the keys of the page's text boxes, which take any text, "inf" too."""
    for key, (value, spelling) in st.session_state.pop(_PENDING, {}).items():
        if value is _DEFAULT:
            st.session_state.pop(key, None)  # an older link's value the widget only half took: back to the default
        else:
            st.session_state[key] = value
            _write_link_setting(key, spelling)
    arrived = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state[_ARRIVED] = arrived
    # Streamlit's number inputs raise on an endless number: such a setting never reaches its widget (a text box
    # takes "inf" as text, and its page says what is wrong with it: ?fil_kernel=inf was told the page "takes it from
    # no link"; a multiselect drops an item it does not know, so only a setting that is one endless number is taken
    # out)
    # (the last text of a repeated key too: a control of one value reads the last, and ?lab_h=32&lab_h=inf raised)
    endless = [key for key, texts in arrived.items() if texts and _infinite(texts[-1]) and key not in text_settings]
    for key in endless:
        _forget_link_setting(key)
    st.session_state[_ENDLESS] = endless
    st.session_state[_NOTES] = st.container()  # warnings about the link go at the top of the page


def _write_link_setting(key: str, spelling: tuple[Any, str] | None) -> None:
    """Put an older link's setting back in the address the way its widget writes it (`spelling`: the text and
    Streamlit's type of the value), so that the address, and the share link made from it, open the page as it is:
    Streamlit drops the text its widget refused and writes nothing for a value handed to the widget this way
    (?sl_mode=pointwise showed Pointwise, and its share link opened Standard). Through Streamlit's own correction of
    a bound setting (st.query_params refuses to set one); where this Streamlit has none, the address keeps it out."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    state = getattr(getattr(get_script_run_ctx(), "session_state", None), "_state", None)
    correct = getattr(getattr(state, "query_params", None), "set_corrected_value", None)
    if spelling is None or correct is None:
        return
    try:
        correct(key, *spelling)
    except (TypeError, ValueError, KeyError, AttributeError):
        return


def _forget_link_setting(key: str) -> None:
    """Drop `key` from the address, and from the copy Streamlit keeps of it to seed the widgets on their first run
    (where this Streamlit keeps it; elsewhere the widget reads it, as before)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    del st.query_params[key]
    state = getattr(getattr(get_script_run_ctx(), "session_state", None), "_state", None)
    initial = getattr(getattr(state, "query_params", None), "_initial_query_params", None)
    if isinstance(initial, dict):
        initial.pop(key, None)


def _infinite(text: str) -> bool:
    """Whether a link's text reads as an infinite number ('inf', '1e400'): a whole-number control's reading of it
    raised OverflowError, and ?lab_h=1e400 showed a traceback instead of the page."""
    try:
        return math.isinf(float(text))
    except ValueError:
        return False


def _close_link() -> None:
    """After the page's widgets: a setting of the address that its widget refused is either an older link's spelling
    (the page runs once more with it) or named in a warning; a broken link never breaks the page."""
    arrived = st.session_state.pop(_ARRIVED, {})
    last = st.session_state.get(_LAST, {})  # each setting the last run's controls met, as the address wrote it
    tried = st.session_state.pop(_TRIED, {})
    endless = st.session_state.pop(_ENDLESS, [])
    fixes, ignored = {}, []
    for key, texts in arrived.items():
        if key in endless:
            ignored.append(_refusal(key, texts[-1], endless=True))
            continue
        registration = _registration(key)
        # no control of this run took it (another page's, or no page's), or one that the address does not set (the
        # arena's own runs, the width probe): ?arena_mine=... stayed in the address and the share link unsaid
        if getattr(registration, "bind", None) != "query-params":
            stray = _stray(key, texts, unbound=registration is not None)
            if stray:
                ignored.append(stray)
                continue
        given = texts
        # A control of one value given several (?lab_h=abc&lab_h=40) reads the last, or (a slider) none: it set 40
        # without a word, and the share link carried both. Said, and written once; judged on the last from here.
        repeated = len(texts) > 1 and registration is not None and not _holds_a_list(key)
        if repeated:
            texts = texts[-1:]
            if key in st.query_params and key in st.session_state:
                _write_link_setting(key, _spelling(key, st.session_state[key]))
        # A multiselect takes the items it knows and drops the others: only all of them is taken.
        taken = key in st.query_params and (len(texts) < 2 or set(st.query_params.get_all(key)) >= set(texts))
        if repeated and key in st.session_state and key not in tried and (taken or _spells_default(
                registration, texts, st.session_state[key])):
            ignored.append(_repeated_note(key, given))
        if taken and len(texts) == 1 and key in st.session_state and _cut_to_whole(texts[0], st.session_state[key]):
            ignored.append(_cut_note(key, texts[0], st.session_state[key]))
            continue
        if taken or key not in st.session_state or key in tried:
            continue  # the widget took it, or it is not a setting of this page
        if registration is not None and _spells_default(registration, texts, st.session_state[key]):
            continue  # the link wrote the widget's default, which the widget holds and the address never keeps
        older = {**_labels(registration), **_OLDER_LABELS.get(key, {})}
        value = _older_spelling(texts, st.session_state[key], _options(registration), older, last.get(key) != texts)
        # A list picker's link naming one item twice (?arena_runs=a&arena_runs=a), which Streamlit refuses, was read
        # here as it stood: every row, sentence and curve of that run stood twice, without a word, and the share link
        # kept both. Chosen once, and said.
        if isinstance(value, list) and len(dict.fromkeys(value)) < len(value):
            value = list(dict.fromkeys(value))
            ignored.append(_twice_note(key, texts))
        # what a list picker took of the link's items: Streamlit keeps those it knows, drops the rest
        kept = st.query_params.get_all(key) if _holds_a_list(key) and key in st.query_params else []
        if value is None and kept and set(kept) < set(texts):
            ignored.append(_partial_note(key, texts, kept))
        elif value is None:
            ignored.append(_repeated_note(key, given, _default_label(registration) or "") if repeated else
                           _refusal(key, ','.join(texts)))
        elif value != st.session_state[key]:
            fixes[key] = value
            if repeated:  # an older spelling of the last (?sl_mode=Standard&sl_mode=pointwise), set on the next run
                ignored.append(_repeated_note(key, given))
    # a setting whose control is drawn later (after an upload, in another tab) is new to it then
    st.session_state[_LAST] = {key: texts for key, texts in arrived.items() if _registration(key) is not None}
    refused = {key: value for key, value in tried.items() if st.session_state.get(key) != value}
    # Said as the link wrote them: `refused` holds what the older spelling was read as (True, ['a', 'b']).
    ignored += [_refusal(key, ",".join(arrived.get(key, [str(value)]))) for key, value in refused.items()]
    ignored = st.session_state.pop(_IGNORED, []) + ignored
    fixes.update({key: _DEFAULT for key in refused})
    if fixes:
        st.session_state[_PENDING] = {key: (value, None if value is _DEFAULT else _spelling(key, value))
                                      for key, value in fixes.items()}
        st.session_state[_TRIED] = {key: value for key, value in fixes.items() if value is not _DEFAULT}
        st.session_state[_IGNORED] = ignored  # to be said on the run that follows
        st.rerun()
    _write_empty_lists()
    # Said until a setting changes: on a run the page starts by itself (the browser telling its width) every control
    # kept its value, and the warnings vanished on it.
    settings = {key: st.session_state[key] for key in list(st.session_state)
                if isinstance(key, str) and not key.startswith("_") and _registration(key) is not None}
    said, page = st.session_state.get(_SAID), st.session_state.get(_PAGE)
    if ignored:
        st.session_state[_SAID] = (ignored, settings, page)
    elif said and said[2] == page and _same(said[1], settings):  # not on another page: the link was this one's
        ignored = said[0]
    else:
        st.session_state.pop(_SAID, None)
    notes = st.session_state.pop(_NOTES, None)
    # A link of 1,000 made-up keys drew 1,000 warnings, 18-28 s for a browser to settle: the first few, then a count
    shown = ignored if len(ignored) <= MAX_LINK_NOTES else ignored[:MAX_LINK_NOTES - 1]
    for sentence in shown:
        (notes or st).warning(sentence, icon="🔗")
    if len(shown) < len(ignored):
        more = len(ignored) - len(shown)
        (notes or st).warning(f"And {more:,} more of the link's settings were left out or mended, each for a reason "
                              "like those above.", icon="🔗")


def _write_empty_lists() -> None:
    """Write `key=` in the address for each list picker of this run that the student emptied where its default is
    not empty: Streamlit's browser side writes nothing for an empty list, and the address (and the share link) then
    opened the picker's default choices (the Training arena's bundled runs, all cleared, came back)."""
    for key in [key for key in st.session_state if isinstance(key, str) and not key.startswith("_")]:
        registration = _registration(key)
        if getattr(registration, "bind", None) != "query-params" or st.session_state[key] != [] \
                or st.query_params.get_all(key):  # (Streamlit holds the emptied picker as an empty list)
            continue
        try:
            empty_by_default = registration.deserializer(None) == []
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            continue
        if not empty_by_default:
            _write_link_setting(key, ("", registration.value_type))


def _holds_a_list(key: str) -> bool:
    """Whether the control `key` holds a list (a multiselect) or a pair (a range slider), which a link sets by
    repeating its key. Read from the value it holds: Streamlit keeps a slider of one number as an array too, and
    ?lab_k=3&lab_k=5 was refused as "'3,5'" instead of said to be repeated."""
    return isinstance(st.session_state.get(key), (list, tuple))


def _twice_note(key: str, texts: list[str]) -> str:
    """The warning's sentence for a link that names an item of a list picker more than once."""
    twice = [text for text in dict.fromkeys(texts) if texts.count(text) > 1]
    return (f"The link names {listed(_quoted_items(twice))} more than once in {plain(key)}; each is chosen once. Name "
            "each once in the link.")


def _repeated_note(key: str, texts: list[str], kept: str | None = None) -> str:
    """The warning's sentence for a link that gives a control of one value several (?lab_h=abc&lab_h=40): the page
    read the last, or (`kept`: the default's label, or "") its control took none of them and keeps its default."""
    said = (f"The link sets {plain(key)} {len(texts):,} times ({', '.join(_quoted_items(texts))}); its control holds "
            "one value")
    keep = f"Keep one {plain(key)}= in the link."
    if kept is None:
        return f"{said}, so the page read the last, {_quoted(texts[-1])}. {keep}"
    return f"{said} and took none of them, so it keeps its default{f', {kept}' if kept else ''}. {keep}"


def _stray(key: str, texts: list[str], unbound: bool = False) -> str | None:
    """Where `key` is no setting of this page (another page's, or no page's), take it out of the address and return
    the warning's sentence (None for what a site adds to track a link, ?fbclid=...); None for this page's own
    settings (a control in a closed tab, or one drawn after an upload) and Streamlit's. ?foo=bar and the Quiz's
    ?lab_h=20 stayed in the address without a word, and were carried into the share link, under "Anyone who opens
    this link sees the page exactly as it is set now". `unbound`: a control of this run has that key, one the
    address does not carry (the arena's runs of one tab)."""
    source = st.session_state.get(_SOURCE)
    pages = [((ROOT / file).resolve(), label) for file, label, _ in PAGES]
    shared = (Path(__file__).resolve(),)  # projector mode's switch, which every page draws
    if source not in [file for file, _ in pages] or link_keys.owner(key, [(source, "")], shared) is not None:
        return None  # a page the app does not list (a test's script) is not judged
    page = link_keys.owner(key, pages, shared)
    try:
        _forget_link_setting(key)
    except (KeyError, StreamlitAPIException):  # bound to a control after all: its own check speaks for it
        return None
    if link_keys.is_tracking(key):
        return None  # taken out without a word: a site added it, not a teacher
    shown = f"{_quoted(key) if len(key) > MAX_QUOTED else plain(key)}={_quoted(','.join(texts))}"
    if unbound:  # a control this run drew that the address does not carry (?arena_mine: the runs of one tab)
        return (f"Left out the link's setting {shown}: this page has a control of that name, but a link does not set "
                "it. Choose it on the page.")
    if page:
        return (f"Left out the link's setting {shown}: it is a setting of the {page} page, not of this one. "
                f"Open the {page} page to use it.")
    nearest = _nearest(key, link_keys.every_key(pages, shared))
    return (f"Left out the link's setting {shown}: no page of this app has a setting called that"
            + (f" (the nearest is {plain(nearest)})." if nearest else "."))


def _same(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether every control there both times holds the value it held (one drawn after the check, such as the share
    link's, is there only the second time; a value that cannot be compared counts as changed)."""
    try:
        return all(bool(before[key] == now[key]) for key in before.keys() & now.keys())
    except (TypeError, ValueError):  # an array's ambiguous truth, say
        return False


def share_link() -> None:
    """Check the address's settings (see _close_link), then show the page's link, ready to copy: the address with
    every setting that is not at its default."""
    _close_link()
    query = urlencode([(key, value) for key in st.query_params for value in st.query_params.get_all(key)])
    base = str(st.context.url or "").split("?")[0] or "http://localhost:8501/"
    # Drawn only while open: st.code makes the browser load its code highlighter (1.5 MB of script, about 0.3 s
    # of a page's first paint on a 2-core machine) for a link that most visits never look at.
    box = st.expander("Share these settings (link for a class)", key=SHARE_KEY, on_change="rerun")
    if box.open:
        with box:
            st.caption("Anyone who opens this link sees the page exactly as it is set now.")
            st.code(base + ("?" + query if query else ""), language=None)


_ROOMY_PROJECTOR_CSS = """
<style>
@media (max-width: 1200px) { .block-container { max-width: 100vw; padding-left: 1rem; padding-right: 1rem; } }
</style>
"""


def roomy_on_a_small_projector() -> None:
    """In projector mode in a window up to 1,200 px wide (a 1024 x 768 projector), this page keeps 1rem a side rather
    than 5rem: 982 px for its content rather than 773, which hid two of the Real networks layer table's 8 columns.
    Only pages whose figures are laid out for the width they are shown at (shown_width) call it: the Sliding kernels
    animation is sized for a 773 px page there, to fit the window's height."""
    if is_presenting():
        st.html(_ROOMY_PROJECTOR_CSS)


def is_presenting() -> bool:
    """True in projector mode: sidebar hidden, larger text and figures."""
    return bool(st.session_state.get(PRESENT_KEY, False))


_PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
html { font-size: 21px; }  /* Streamlit's text is 0.875rem: 18.4 px here, readable from the back row */
.block-container { max-width: 96vw; padding-top: 2rem; }
[data-testid="stMarkdownContainer"] code, [data-testid="stCaptionContainer"] code { font-size: 1em !important; }
[data-testid="stHeader"] { display: none; }
</style>
"""
# On every page: a metric's label and its note wrap rather than ending in "..." ("Multiply-adds pe...", "1,555,200
# multiply..." in four columns of a 1024 px projector; "fewer params; 7.9x fewer mult..." on the home page at 1400 px),
# and the width probes are hidden.
_METRIC_CSS = """
<style>
/* The width probes (shown_width) take no room: a style element of their own pushed the page's title 20 px down */
[class*="st-key-_shown_width_"] { display: none; }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p { white-space: normal !important; }
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"] p { white-space: normal !important; }
/* In a row of metrics every label has room for two lines, its text at the bottom: where one label wrapped and the
   next did not, their numbers stood a line apart (the home page's 1,792 above 283, 286 and 6.3x at 1024 px) */
[data-testid="stHorizontalBlock"] [data-testid="stMetricLabel"] { min-height: 2.7em; align-items: flex-end; }
/* A number too wide for its column wraps at its space ("63.7 / MiB"): Streamlit cut it ("63.7 ...") in a quarter of
   a 1024 px page beside the sidebar */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { white-space: normal !important; }
/* Tabs that do not fit in one row take two: on a phone the Parameter lab's "Whole network" and "Code" lay past the
   page's edge, behind a scroll arrow */
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }
/* A page link's label wraps: on a phone the Quiz's "Sliding kernels: watch the kernel visit every output position"
   was cut after "output", with no ellipsis */
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"] p {
  white-space: normal !important; overflow-wrap: anywhere; }
[data-testid="stMain"] [data-testid="stPageLink-NavLink"],
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] > span { height: auto; overflow: visible; }
/* Where the keyboard is, as the playback buttons show it: a focused radio option or switch had only a pale
   background (1.2:1 against its own), and a focused page link none beside the current page's */
[data-testid="stPageLink-NavLink"]:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible,
[data-testid="stRadio"] label:has(input:focus-visible), [data-testid="stCheckbox"] label:has(input:focus-visible) {
  outline: 3px solid #c2410c; outline-offset: 2px; border-radius: 0.25rem; }
</style>
"""


# A chosen option longer than its box (a run's title in the sidebar) wraps inside its chip: Streamlit cuts it with an
# ellipsis ("Published: the tutor..."), and a teacher cannot tell which runs are chosen. The box grows with its chips:
# Streamlit stops it at about five rows and hides the rest, to be scrolled to inside it.
_CHIP_CSS = """
<style>
[data-testid="stMultiSelect"] [data-tag] { max-width: 100%; height: auto; white-space: normal; }
[data-testid="stMultiSelect"] [data-tag] > [title] { white-space: normal; overflow-wrap: anywhere; }
[data-testid="stMultiSelect"] div:has(> [data-testid="stMultiSelectTagsContainer"]) { max-height: none; }
[data-testid="stMultiSelectTagsContainer"] { max-height: none; overflow-y: visible; }
</style>
"""


def wrap_long_chips() -> None:
    """Let every multiselect on the page show all its chosen options in full, over several lines (style only)."""
    st.markdown(_CHIP_CSS, unsafe_allow_html=True)


# The small tables (show_table) as compact as Streamlit's st.table: smaller text, tight cells, numbers on one line;
# a table wider than the page scrolls inside itself instead of pushing the page sideways.
_TABLE_CSS = """
<style>
[data-testid="stMarkdownContainer"] table { font-size: 0.875rem; display: block; max-width: 100%; overflow-x: auto;
  /* A table wider than the page (a phone) scrolls sideways: a shadow at the right edge says that more columns lie
     beyond it. The white cover travels with the columns and hides the shadow once the last one is in view. */
  background: linear-gradient(to left, #fff 40%, rgba(255, 255, 255, 0)) right / 1.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 100% 50%, rgba(17, 24, 39, 0.28), rgba(17, 24, 39, 0)) right / 0.75rem 100%
    no-repeat scroll; }
[data-testid="stMarkdownContainer"] :is(th, td) { padding: 0.25rem 0.15rem; }
[data-testid="stMarkdownContainer"] td[style*="right"] { white-space: nowrap; }
/* The first column names the row: it stays in view while the others scroll under it. Chromium paints a sticky cell
   of a table with collapsed borders under the cells that scroll past it: the borders are drawn a side a cell here,
   the sticky cell's opaque (Streamlit's 10 % of the text colour over white), or the lines under it show through. */
[data-testid="stMarkdownContainer"] table { border-collapse: separate; border-spacing: 0; }
[data-testid="stMarkdownContainer"] :is(th, td) { border-width: 0 1px 1px 0; }
[data-testid="stMarkdownContainer"] thead :is(th, td) { border-top-width: 1px; }
[data-testid="stMarkdownContainer"] :is(th, td):first-child { position: sticky; left: 0; z-index: 1;
  background: #fff; border-left-width: 1px; border-color: #e7e8e9; border-right-color: #b8babe; }
@media (max-width: 640px) { [data-testid="stMarkdownContainer"] table { font-size: 0.8rem; } }
</style>
"""


def navigation() -> None:
    """The sidebar's page list, with readable names (Streamlit's own would call the home page "app")."""
    try:
        for source, label, icon in PAGES:
            if (ROOT / source).exists():
                st.sidebar.page_link(source, label=label, icon=icon)
    except StreamlitAPIException:
        pass  # a page run on its own (as in AppTest) has no other pages to link to
    st.sidebar.divider()


def _clean_after_a_run() -> None:
    """What Streamlit's runner cleans after a run, less Keras: it closes matplotlib's figures, and leaves Keras's
    session as it is."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def leave_keras_alone() -> None:
    """Stop Streamlit from clearing Keras's session after every script run (once per process).

    Once Keras is imported, Streamlit's script runner calls keras.backend.clear_session() after each run and each
    fragment run of every session (its `_clean_problem_modules`, written for Keras 2's graphs). In Keras 3 that is
    a full gc.collect(): 0.22 s with TensorFlow loaded (2-core AMD EPYC), holding the interpreter lock that every
    other session's run waits for, on every slider move from then on. It also drops TensorFlow's kernel cache and
    resets Keras's global state, under a Training arena thread too, whose graph tracing it stalled for minutes.
    The app keeps its models in st.session_state and st.cache_resource: it has nothing for Keras to clear.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if getattr(script_runner, "_clean_problem_modules", _clean_after_a_run) is not _clean_after_a_run:
        script_runner._clean_problem_modules = _clean_after_a_run


def page_setup(title: str, icon: str, text_settings: Sequence[str] = ()) -> None:
    """Configure the page, draw the navigation and offer projector mode (?present=true in the URL). Every page
    ends with share_link(), which checks the link's settings once the widgets have taken them. `text_settings`: the
    keys of the page's text boxes bound to the address."""
    leave_keras_alone()
    st.session_state[_PAGE] = title
    caller = sys._getframe(1).f_globals.get("__file__")  # the page's file, whose controls are this page's settings
    st.session_state[_SOURCE] = Path(caller).resolve() if caller else None
    st.set_page_config(page_title=f"{title} · dsconv", page_icon=icon, layout="wide")
    navigation()
    _open_link(text_settings)
    older = st.query_params.get(PRESENT_KEY)
    taken = PRESENT_KEY not in st.session_state and older in ("1", "0")
    if taken:  # a projector link from before the binding:
        st.session_state[PRESENT_KEY] = older == "1"  # taken at once, so the page is not drawn twice
    elif older is None and st.session_state.get(PRESENT_KEY) is True:
        # The switch set by a link (?present=true) and never touched is on in the session but not carried to the next
        # page's address by Streamlit where the page had no second run, and a bound switch missing from the address
        # reads its default: the home page opened in projector mode lost it at its first link. Set again, so that the
        # switch takes the session's value over the address's missing one.
        st.session_state[PRESENT_KEY] = True
        _write_link_setting(PRESENT_KEY, (True, "bool_value"))
    st.toggle(
        "Projector mode",
        value=False,
        key=PRESENT_KEY,
        help="Hides the sidebar and enlarges text and figures for a classroom projector. "
        "The settings stay as they are; turn this off to change them.",
        **BOUND,
    )
    if taken and older == "1":  # and the address says it the switch's way, for the share link
        _write_link_setting(PRESENT_KEY, _spelling(PRESENT_KEY, True))
    if is_presenting():
        st.markdown(_METRIC_CSS + _PROJECTOR_CSS, unsafe_allow_html=True)
    else:  # in the sidebar, under the pages' links: an element at the top of the page pushed the title 17 px down
        st.sidebar.markdown(_METRIC_CSS, unsafe_allow_html=True)


def projector_bar(spec: int | list[float], hidden: str = "") -> list | None:
    """In projector mode, columns (a count, or their widths) at the top of the page for its most important
    settings (the sidebar is hidden there, and a teacher must still change them live), and under them what else the
    hidden sidebar holds (`hidden`: "change the batch"); None otherwise, when they stay in the sidebar."""
    if not is_presenting():
        return None
    columns = list(st.columns(spec, vertical_alignment="bottom"))
    if hidden:
        st.caption(f"Turn projector mode off to {hidden}.")
    return columns


def figure_scale() -> float:
    """How much to enlarge figures and their fonts: 1.0 normally, more in projector mode."""
    return 1.35 if is_presenting() else 1.0


# The browser measures the width a figure as wide as the page is shown at, and tells the page when it is not the one
# the page laid its figures out for: page_width_px assumes the 1400 x 1000 window (sidebar open) and the 1280 x 800
# projector, and at 1024 x 768 the sliding-kernel figure's text ran past its edge and into its maps. A width must stay
# for 0.3 s before it is told (the sidebar hides a moment after projector mode starts), and only a change of more than
# 2 % is told; resizing the window tells the new width.
_WIDTH_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const box = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!box) return;
  // Streamlit calls this again with each run's data, without the cleanup: one observer per probe reads the latest.
  const probes = window.dsconvWidth = window.dsconvWidth || {};
  const probe = probes[data.key] = probes[data.key] || {};
  probe.shown = data.shown;
  probe.stacked = data.stacked;
  probe.tell = setStateValue;
  if (!probe.observer) {
    let timer = null;
    const contentWidth = () => {
      const style = getComputedStyle(box);
      return Math.round(box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    };
    const report = () => {  // whether it told a new width (the page then runs again)
      // a width outside the range is told as its nearest end: a 320 px phone's 288 px page was not told at all, and
      // its figures were laid out for 900 px. A page not laid out (0 px wide) tells nothing.
      const shown = contentWidth();
      if (shown <= 0) return false;
      const width = Math.min(data.high, Math.max(data.low, shown));
      // Streamlit stands columns one above another in a window of at most 640 px, whatever the page's width: beside
      // the sidebar a 1024 px window's page is 535 px, its columns side by side
      const stacked = window.matchMedia(`(max-width: ${data.columns_px}px)`).matches;
      if (width === probe.measured && stacked === probe.measuredStacked) return false;  // measured and answered
      probe.measured = width;
      probe.measuredStacked = stacked;
      let told = false;
      if (stacked !== probe.stacked) {
        probe.tell('stacked', stacked);
        told = true;
      }
      if (Math.abs(width - probe.shown) > Math.max(8, 0.02 * probe.shown)) {
        probe.tell('width', width);
        told = true;
      }
      return told;
    };
    // `pending` while a measure waits for the layout to settle, and after it told a width until the run it asked
    // for begins (at most 3 s): the browser tests wait for it.
    probe.check = () => {
      clearTimeout(timer);
      probe.pending = true;
      timer = setTimeout(() => {
        if (report()) timer = setTimeout(() => { probe.pending = false; }, 3000);
        else probe.pending = false;
      }, 300);
    };
    // Only a change of width starts the wait again: the page growing as its figures are drawn (a change of height)
    // held the measure back until the last figure was drawn, and the page's second run with it.
    probe.observer = new ResizeObserver(() => {
      const width = contentWidth();
      if (width !== probe.seen) { probe.seen = width; probe.check(); }
    });
    probe.observer.observe(box);
    probe.stop = () => {
      clearTimeout(timer);
      probe.pending = false;
      probe.observer.disconnect();
      delete probes[data.key];
    };
  }
  probe.measured = null;  // each run checks once more against the width it laid its figures out for
  probe.check();
  return () => { if (probes[data.key] === probe) probe.stop(); };
}
"""
# The widths a page's figures are laid out for: the probe tells a width outside these as the nearest end, and a width
# told outside them is not taken (a browser may say anything). 240: a folded phone's page (280 px, less the page's
# 1 rem a side); a 320 px phone's is 288 px.
WIDTH_RANGE_PX = (240, 4000)


@cache
def _width_probe() -> Callable:
    return st.components.v2.component("dsconv_shown_width", js=_WIDTH_JS)


def _told() -> tuple[str, float, bool]:
    """The probe's key in this mode, the width figures are laid out for, and whether columns stand one above
    another: what the browser told, or page_width_px(figure_scale()) and a guess from it until it has."""
    key = f"_shown_width_{int(is_presenting())}"  # one measure per mode: the sidebar is hidden in projector mode
    told = st.session_state.get(key)
    told = told if isinstance(told, Mapping) else {}
    width, stacked = told.get("width"), told.get("stacked")
    low, high = WIDTH_RANGE_PX
    used = float(round(width / 10) * 10) if isinstance(width, (int, float)) and low <= width <= high else \
        page_width_px(figure_scale())
    return key, used, stacked if isinstance(stacked, bool) else used < STACKED_BELOW_PX


def shown_width() -> float:
    """The width, in px, that a figure as wide as the page is shown at: page_width_px(figure_scale()), or the width the
    browser measured where that is not it (a 1024 x 768 projector, a narrow laptop), in steps of 10 px. The browser
    also tells whether columns stand one above another there (columns_stacked)."""
    key, used, stacked = _told()
    low, high = WIDTH_RANGE_PX
    _width_probe()(key=key, data={"shown": used, "stacked": stacked, "columns_px": COLUMNS_STACK_AT_PX, "key": key,
                                  "low": low, "high": high},
                   default={"width": None, "stacked": None}, on_width_change=_nothing, on_stacked_change=_nothing)
    return used


def columns_stacked() -> bool:
    """Whether st.columns stand one above another in this browser (a window of at most 640 px), as the page's width
    probe (shown_width) told; until it has, a guess from the page's width."""
    return _told()[2]


# A picker's text (Streamlit's 0.875 rem, as Chromium draws it): normally, and in projector mode (html at 21 px).
PICKER_TEXT_PX = 14.875
PROJECTOR_PICKER_TEXT_PX = 18.375


def side_by_side(choices: Sequence[str], width_px: float, count: int = 2) -> bool:
    """Whether `count` pickers standing side by side across a page `width_px` wide (shown_width()) each show the
    longest of `choices` in full. At half of a 1024 x 768 projector's page a model picker read "Pretrained standard
    model (the tutorial's..."; where they would not fit, a page stacks them."""
    font = PROJECTOR_PICKER_TEXT_PX if is_presenting() else PICKER_TEXT_PX
    column = (width_px - font / 0.875 * (count - 1)) / count  # the columns' gap is 1 rem
    # The choice's text, 8 % to spare (Chromium drew it 4 % wider than text_em), and the box's padding and arrow.
    return column >= max(map(text_em, choices), default=0.0) * font * 1.08 + 3 * font


# Streamlit stands st.columns one above another in a window of at most 640 px (its theme's breakpoint), where the page
# is under 610 px: the guess from a page's width until the browser has told (columns_stacked). Beside the open sidebar
# a window of 640 to about 1,100 px has a page under 600 px and its columns side by side.
COLUMNS_STACK_AT_PX = 640
STACKED_BELOW_PX = 600


def column_width(width_px: float, count: int, stacked: bool | None = None) -> float:
    """The width of one of `count` columns across a page `width_px` wide (shown_width()), or the page's own where
    the columns stand one above another (`stacked`, default columns_stacked(): a phone: the Filters page laid its
    depthwise maps out for half a 356 px page, and their labels "from R", "from G", "from B" ran into one another at
    the whole page's width; and the other way at 1024 px beside the sidebar, its 535 px page taken for a phone's)."""
    stacked = columns_stacked() if stacked is None else stacked
    return width_px if stacked else width_px / count


def _nothing() -> None:
    """A component's state callback: the new width is read on the run it starts."""


@cache
def shared_figure(builder: Callable, max_entries: int = 64) -> Callable:
    """`builder` (a dsconv.figures function) with its figures shared by every session, one per setting
    (st.cache_resource: st.plotly_chart only reads them). Wrapped once per server: a page's script runs on every
    click, and wrapping the builder there would read its source again each time (about 1 ms a builder)."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False)(builder)


@dataclass(frozen=True)
class KeptFile:
    """A file a student chose earlier, read as Streamlit's uploaded file is (its name, bytes and id)."""

    name: str
    data: bytes
    file_id: str

    def getvalue(self) -> bytes:
        return self.data


def kept_upload(uploader: Callable[..., Any], *args: Any, key: str, reader: Callable[[Any], Any] | None = None,
                refused: type[Exception] | tuple[type[Exception], ...] = (), literal: bool = False,
                **kwargs: Any) -> Any:
    """`uploader(*args, key=key, **kwargs)` (st.file_uploader, st.camera_input, or the sidebar's): its file, or the
    one chosen earlier while the uploader, drawn anew after a run without it, is empty. Streamlit forgets a widget it
    does not draw: a student who picked a sample picture and then their own again found their photo gone. Removing
    the file with the uploader's x forgets it here too (the uploader held it on the run before, and now holds none).
    `reader(file)` reads a new file once (the page's own, cached reader); where it raises one of `refused`, the file
    is refused with that sentence, and the file used before stays (a text file named .jpg, chosen after a photo,
    threw the photo away). The browser replaces a file in two runs, the first with the uploader empty: the file it
    held is set aside then, for a refused file that follows. `literal`: the refusal quotes the file (its names),
    shown as written (show_error). None where there is none."""
    kept_key, held_key, aside_key = f"_kept_{key}", f"_held_{key}", f"_aside_{key}"
    drawn_before = key in st.session_state  # else Streamlit dropped it (or the page has just opened)
    upload = uploader(*args, key=key, **kwargs)
    held = drawn_before and st.session_state.get(held_key, False)  # it showed a file on the run before
    st.session_state[held_key] = upload is not None
    problem = None
    if upload is not None and reader is not None and upload.file_id != getattr(st.session_state.get(kept_key),
                                                                                "file_id", None):
        try:
            reader(upload)
        except refused as exc:
            problem = exc
    if upload is not None and problem is None:
        st.session_state[kept_key] = KeptFile(upload.name, upload.getvalue(), upload.file_id)
        st.session_state.pop(aside_key, None)
        return upload
    if problem is not None:
        show_error(problem, literal=literal)
        kept = st.session_state.get(kept_key) or st.session_state.pop(aside_key, None)
    elif held:  # removed with the x, or the first of a replacement's two runs
        kept = None
        if kept_key in st.session_state:
            st.session_state[aside_key] = st.session_state.pop(kept_key)
    else:
        kept = st.session_state.get(kept_key)
    if kept is None:
        return None
    st.session_state[kept_key] = kept
    # under the uploader, in the sidebar where it is there
    getattr(uploader, "__self__", st).caption(f"Still using your file {plain(repr(kept.name))}: choose another to "
                                              "replace it.")
    return kept


def show_error(exc: Exception, literal: bool = False) -> None:
    """Show a bad-input error as the sentence it carries, never as a traceback. `literal`: the sentence quotes
    something from outside (a file's names, a folder's paths), shown as written, never as Markdown."""
    st.error(plain(exc) if literal else sendable(exc), icon="⚠️")


def show_table(rows: Sequence[Mapping[str, Any]]) -> None:
    """A small static table (every cell shown as written) as Markdown: no pandas import on the server and no Arrow
    script in the browser, which st.table needs. For tables a student sorts or scrolls, use st.dataframe."""
    if not rows:
        return
    st.html(_TABLE_CSS)  # style only: it takes no room (and loads a 29 kB script, so only pages with a table have it)
    st.markdown(markdown_table(rows))


def arrow_table(rows: Sequence[Mapping[str, Any]]):
    """`rows` (one mapping per row) as a pyarrow Table for st.dataframe, columns in the order they first appear.
    Handed a list, Streamlit builds a pandas DataFrame from it on every run (0.6 ms a table; in a burst of 30
    sessions, tables were a fifth of a Parameter lab re-run's CPU). A column that mixes text and numbers is shown as
    text."""
    with ONE_AT_A_TIME:
        import pyarrow as pa

    columns = {}
    for key in dict.fromkeys(key for row in rows for key in row):
        values = [row.get(key) for row in rows]
        kinds = {float if isinstance(value, float) else type(value) for value in values if value is not None}
        numbers = kinds <= {int, float, bool}
        columns[key] = values if len(kinds) <= 1 or numbers and bool not in kinds else \
            [None if value is None else str(value) for value in values]
    return pa.table(columns)

