"""What a reader sees of a Markdown string in which punctuation was backslash-escaped (CommonMark's rule)."""

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before any ASCII punctuation character


def literal(markdown: str) -> str:
    """`markdown` with its backslash escapes removed: the text as the page renders it."""
    return _ESCAPE.sub(r"\1", markdown)
