"""What a reader sees of a Markdown string in which punctuation was backslash-escaped (CommonMark's rule)."""

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before any ASCII punctuation character


def literal(markdown: str) -> str:
    """`markdown` with its backslash escapes and invisible word joiners (U+2060) removed: what a reader sees."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")
