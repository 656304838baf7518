"""What a reader sees: of a Markdown string in which punctuation was backslash-escaped (CommonMark's rule), and of a
number written with a power of ten."""

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before any ASCII punctuation character


def literal(markdown: str) -> str:
    """`markdown` with its backslash escapes and invisible word joiners (U+2060) removed: what a reader sees."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


SUPERSCRIPT_DIGITS = dict(zip("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))


def read_power_of_ten(text: str) -> float:
    """'4.8 × 10⁻⁷' as a float, read the way a student reads it (an independent parser, not the writer's inverse)."""
    if " × 10" not in text:
        return float(text.replace(",", ""))
    mantissa, power = text.split(" × 10")
    return float(mantissa) * 10.0 ** int("".join(SUPERSCRIPT_DIGITS[char] for char in power))
