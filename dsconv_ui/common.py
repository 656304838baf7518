"""Streamlit helpers shared by every page: page set-up, projector mode, URL-shareable settings, errors.

The engine (`dsconv`) never imports Streamlit; this package is the thin layer between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

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
    ("pages/6_Quiz.py", "Quiz", "❓"),
)

PRESENT_KEY = "present"  # URL and widget key of projector mode
_WRITTEN_PREFIX = "_url_written:"
_KEPT_PREFIX = "_kept:"  # copies of settings: Streamlit forgets a widget's value on a run of another page


@dataclass(frozen=True)
class Param:
    """One widget setting that round-trips through the URL; the default's type decides the parsing."""

    key: str
    default: Any
    choices: Sequence[Any] | None = None  # allowed values (for lists: allowed items)
    low: float | None = None  # smallest allowed number
    high: float | None = None  # largest allowed number

    def parse(self, text: str) -> Any:
        """Turn the URL's text into a value of the default's type; ValueError if it is not allowed."""
        if isinstance(self.default, bool):
            lowered = text.strip().lower()
            if lowered not in ("1", "0", "true", "false"):
                raise ValueError(f"{self.key} must be 1 or 0")
            return lowered in ("1", "true")
        if isinstance(self.default, (list, tuple)):
            items = [item for item in text.split(",") if item]
            for item in items:
                if self.choices is not None and item not in self.choices:
                    raise ValueError(f"{self.key} has an unknown item {item!r}")
            return type(self.default)(items)
        if isinstance(self.default, int):
            value: Any = int(text)
        elif isinstance(self.default, float):
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"{self.key} must be a finite number")
        else:
            value = text
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"{self.key} must be one of {', '.join(map(str, self.choices))}")
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            raise ValueError(f"{self.key} must be between {self.low} and {self.high}")
        return value

    def encode(self, value: Any) -> str:
        """The URL text for a value."""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (list, tuple)):
            return ",".join(map(str, value))
        return str(value)


def _written_key(params: Sequence[Param]) -> str:
    return _WRITTEN_PREFIX + ",".join(sorted(p.key for p in params))


def restore_from_url(params: Sequence[Param]) -> list[str]:
    """Seed st.session_state from st.query_params when the URL is new to this session; return warnings.

    A value that does not parse, or is out of range, is skipped with a warning and the widget keeps
    its default: a broken link never breaks the page.
    """
    current = st.query_params.to_dict()
    if st.session_state.get(_written_key(params)) == current:
        return []  # the URL is the one this page wrote: widgets already hold these values
    warnings = []
    for param in params:
        if param.key not in current:
            continue
        try:
            st.session_state[param.key] = param.parse(current[param.key])
        except ValueError as exc:
            warnings.append(f"Ignored the link's setting {param.key}={current[param.key]!r}: {exc}.")
    return warnings


def seed_defaults(params: Sequence[Param]) -> None:
    """Give every setting its value in st.session_state, so widgets need no `value=` argument: the value
    the student left it at on an earlier visit to this page, else the default."""
    for param in params:
        if param.key not in st.session_state:
            st.session_state[param.key] = st.session_state.get(_KEPT_PREFIX + param.key, param.default)


def url_query(params: Sequence[Param]) -> dict[str, str]:
    """The query a link needs to reproduce the current settings: every value that is not its default."""
    query = {}
    for param in params:
        text = param.encode(st.session_state.get(param.key, param.default))
        if text != param.encode(param.default):
            query[param.key] = text
    if st.session_state.get(PRESENT_KEY):
        query[PRESENT_KEY] = "1"
    return query


def write_to_url(params: Sequence[Param]) -> None:
    """Put the non-default settings into the browser's URL, so the address bar is always a preset link."""
    query = url_query(params)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    st.session_state[_written_key(params)] = query
    for param in params:  # remembered for the next visit (see seed_defaults)
        if param.key in st.session_state:
            st.session_state[_KEPT_PREFIX + param.key] = st.session_state[param.key]


def page_link_url(params: Sequence[Param]) -> str:
    """The full shareable address of this page with its current settings."""
    base = str(st.context.url or "").split("?")[0] or "http://localhost:8501/"
    query = url_query(params)
    return base + ("?" + urlencode(query) if query else "")


def share_link(params: Sequence[Param]) -> None:
    """Show the page's preset link, ready to copy (the code block has a copy button)."""
    with st.expander("Share these settings (link for a class)", expanded=False):
        st.caption("Anyone who opens this link sees the page exactly as it is set now.")
        st.code(page_link_url(params), language=None)


def is_presenting() -> bool:
    """True in projector mode: sidebar hidden, larger text and figures."""
    return bool(st.session_state.get(PRESENT_KEY, False))


_PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
html { font-size: 21px; }  /* Streamlit's text is 0.875rem: 18.4 px here, readable from the back row */
.block-container { max-width: 96vw; padding-top: 2rem; }
[data-testid="stMarkdownContainer"] code { font-size: 1em; }
[data-testid="stHeader"] { display: none; }
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


def page_setup(title: str, icon: str) -> None:
    """Configure the page, draw the navigation and offer projector mode (also ?present=1 in the URL)."""
    st.set_page_config(page_title=f"{title} · dsconv", page_icon=icon, layout="wide")
    navigation()
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) in ("1", "true")
    st.toggle(
        "Projector mode",
        key=PRESENT_KEY,
        help="Hides the sidebar and enlarges text and figures for a classroom projector. "
        "The settings stay as they are; turn this off to change them.",
    )
    if is_presenting():
        st.markdown(_PROJECTOR_CSS, unsafe_allow_html=True)


def projector_bar(spec: int | list[float]) -> list | None:
    """In projector mode, columns (a count, or their widths) at the top of the page for its most important
    settings (the sidebar is hidden there, and a teacher must still change them live); None otherwise, when they
    stay in the sidebar."""
    if not is_presenting():
        return None
    return list(st.columns(spec, vertical_alignment="bottom"))


def figure_scale() -> float:
    """How much to enlarge figures and their fonts: 1.0 normally, more in projector mode."""
    return 1.35 if is_presenting() else 1.0


def show_error(exc: Exception) -> None:
    """Show a bad-input error as the sentence it carries, never as a traceback."""
    st.error(str(exc), icon="⚠️")


def show_warnings(messages: Sequence[str]) -> None:
    """Show the warnings collected while restoring a link."""
    for message in messages:
        st.warning(message, icon="🔗")
