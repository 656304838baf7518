"""Text that came from a file or a user, made safe to show in Streamlit Markdown and in Plotly labels.

Streamlit renders Markdown in st.markdown, st.caption, st.info and friends, and in st.table's cells. A run
record's title such as `![x](http://tracker/pixel.png)` would otherwise make the browser fetch an image from
another server, and `**` or `$` would restyle the page. `plain` backslash-escapes every ASCII punctuation
character (CommonMark lets any of them be escaped) and breaks bare web and mail addresses with an invisible
word joiner, so the reader sees the text as it was written, and nothing in it is a link.
"""

from __future__ import annotations

import re
import string
from typing import Any, Mapping, Sequence

_ESCAPED = {ord(char): "\\" + char for char in string.punctuation}
_ESCAPED.update({ord(char): " " for char in "\n\r\t\v\f\x85\u2028\u2029"})  # no new block from a newline


# GitHub-flavoured Markdown turns bare addresses into links even when escaped (http://..., www...., a@b.c).
# A word joiner (U+2060, invisible) after "//", "www" and "@" keeps them text: a file cannot plant a link.
_AUTOLINK = re.compile(r"(://|(?<![A-Za-z0-9])www(?=\.)|@)", re.IGNORECASE)


def plain(text: Any) -> str:
    """`text` (any value, shown with str) as Markdown that renders it literally, on one line, with no links."""
    return _AUTOLINK.sub("\\1\u2060", str(text)).translate(_ESCAPED)


def plain_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Table rows with the named columns' cells made literal (st.table renders Markdown in cells)."""
    return [{key: plain(value) if key in columns else value for key, value in row.items()} for row in rows]


def plotly_text(text: Any) -> str:
    """`text` as Plotly shows it literally: no tags (Plotly draws <b>, <a href>, <span style>), no %{...} fields."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%{", "%&#123;")
