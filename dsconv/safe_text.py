"""Text that came from a file or a user, made safe to show in Streamlit Markdown and in Plotly labels.

Streamlit renders Markdown in st.markdown, st.caption, st.info and friends, and in table cells. A run
record's title such as `![x](http://tracker/pixel.png)` would otherwise make the browser fetch an image from
another server, and `**` or `$` would restyle the page. `plain` backslash-escapes every ASCII punctuation
character (CommonMark lets any of them be escaped) and breaks bare web and mail addresses with an invisible
word joiner, so the reader sees the text as it was written, and nothing in it is a link.
"""

from __future__ import annotations

import codecs
import decimal
import math
import numbers
import re
import string
from typing import Any, Callable, Mapping, Sequence

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # how a text saved as UTF-16 (Windows' "Unicode") starts
_ESCAPED = {ord(char): "\\" + char for char in string.punctuation}
_ESCAPED.update({ord(char): " " for char in "\n\r\t\v\f\x85\u2028\u2029"})  # no new block from a newline


# GitHub-flavoured Markdown turns bare addresses into links even when escaped (http://..., www...., a@b.c).
# A word joiner (U+2060, invisible) after "//", "www" and "@" keeps them text: a file cannot plant a link.
_AUTOLINK = re.compile(r"(://|(?<![A-Za-z0-9])www(?=\.)|@)", re.IGNORECASE)


def sendable(text: Any) -> str:
    """`text` (shown with str) as UTF-8 can carry it: a file name that is not UTF-8 (a cp1252 "café.jpg" from an old
    zip) comes from the system with a lone surrogate for each odd byte, which Streamlit could not send ("surrogates
    not allowed"): a traceback. Each such byte is shown as a replacement character."""
    text = str(text)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no byte stands for
        return text.encode("utf-8", "replace").decode("utf-8")


def lone_surrogate_at(data: Any) -> str | None:
    """Where parsed JSON holds text with a lone surrogate, as "title", "layers[2].name" or "a key of config" ("" for
    the whole value), or None.
    JSON may escape half of a UTF-16 pair on its own ("\\ud800"): json reads it as a character no UTF-8 can carry,
    and a run record titled so, or a model with a layer named so, made Streamlit raise "surrogates not allowed" when
    the page sent it (the arena's every rerun, until the browser reloaded). Files are refused with this place named."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, place = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return place
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                named = f"{place}.{key}" if place else str(key)
                try:
                    str(key).encode("utf-8")
                except UnicodeEncodeError:
                    return f"a key of {place}" if place else "a key"
                stack.append((item, named))
        elif isinstance(value, list):
            stack.extend((item, f"{place}[{index}]") for index, item in reversed(list(enumerate(value))))
    return None


def plain(text: Any) -> str:
    """`text` (any value, shown with str) as Markdown that renders it literally, on one line, with no links."""
    return _AUTOLINK.sub("\\1\u2060", sendable(text)).translate(_ESCAPED)


def plotly_text(text: Any) -> str:
    """`text` as Plotly shows it literally: no tags (Plotly draws <b>, <a href>, <span style>), no %{...} fields."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%{", "%&#123;")


# A cell that is a number as the app writes them ("1,792", "0.158", "6.3x", "95 %", "18.3 M", "-2.5"), or a dash.
_NUMBER = re.compile(r"^(?:[-+−]?[\d,]*\.?\d+(?:e[-+]?\d+)?\s?(?:%|x|×|k|M|G|B|KiB|MiB|GiB)?|—|–|-)$")


SHORT_CELL = 18  # characters: a figure this short ("30 x 30 x 64", "1 min 43 s") never wraps


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """'1 filter', '4 filters', '1,024 channels', '1 bias': a count and its noun (`plural` where it is not the noun and
    an s), as every sentence and figure says them ("1 filters" and "the 1 biases" were once shown)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


class Fixed(float):
    """A table's number with its own count of decimal places: rounded to them, and shown with them whatever the
    column's other numbers hold. A column of plain floats shows as many places as the most any of them has, so a
    table whose rows change with a setting changed its places: "FLOPs per byte" read 139.1 for one layer and 72.42
    for the next, "x fewer" 1.0 for one and 1.00 for the next."""

    places: int

    def __new__(cls, value: float, places: int) -> Fixed:
        number = super().__new__(cls, round(float(value), places) + 0.0)  # + 0.0: never "-0.000"
        number.places = places
        return number

    def __reduce__(self) -> tuple:  # copies and st.cache_data's pickles keep the places
        return Fixed, (float(self), self.places)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def with_article(noun: str) -> str:
    """'a cat', 'an airplane': the noun after the article its first letter's sound takes (by its spelling, which
    holds for every name the app says this way: CIFAR-10's ten classes)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def number_article(number: int) -> str:
    """'a' or 'an' before a whole number as it is read: "an 8 x 8", "an 11 x 11", "an 18", "an 80", "a 3", "a 110"."""
    digits = str(abs(int(number)))
    return "an" if digits[0] == "8" or (len(digits) % 3 == 2 and digits[:2] in ("11", "18")) else "a"


def power_of_ten(value: float, digits: int = 2) -> str:
    """A number written for reading, in `digits` significant digits: as it is between 0.01 and 100,000 ("0.25"),
    else with a power of ten ("4.8 × 10⁻⁷"): "4.8e-07" read as a code to a class."""
    value = float(value)
    if value == 0:
        return "0"
    if 0.01 <= abs(value) < 1e5:
        places = digits - 1 - math.floor(math.log10(abs(value)))
        return f"{round(value, places):,.{max(places, 0)}f}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def library_words(error: BaseException, limit: int = 160) -> str:
    """A library's own words for a failure, as text of at most about `limit` characters: cut at a word's end with
    "...", and every bracket it opens closed ("(truncated file: eof = 6800, sblock->base_addr)." was cut inside the
    library's own bracket, which the sentence's then seemed to close)."""
    text = " ".join(str(error).split()) or type(error).__name__
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    depth = 0
    for char in text:
        depth = depth + 1 if char == "(" else max(depth - 1, 0) if char == ")" else depth
    return text + ")" * depth


def digits_apart_from_one(ratio: float, digits: int = 1, most: int = 4) -> int:
    """Decimals enough for a ratio that is not 1 never to read as 1 (1.02, 0.998), up to `most` (a table's four)."""
    while ratio != 1 and round(ratio, digits) == 1 and digits < most:
        digits += 1
    return digits


def told_apart(values: Sequence[float], write: Callable[[float, int], str], most: int = 8) -> list[str]:
    """Each of `values` as `write(value, extra)` writes it (extra: digits more than its own), where it reads like
    another value of a different size with the digits more that tell them apart, up to `most`; the others keep their
    own. Equal values read alike. A column's ratios ("0.068" for two layers' different params), its total times
    ("14 s" for 13.6 s and 14.4 s) and a sentence's two epoch times ("10.0 s against 10.0 s" under "1.01x faster")
    each had a loop of their own for this."""
    extra = [0] * len(values)
    for _ in range(most):
        texts = [write(value, more) for value, more in zip(values, extra)]
        clashing = {i for i, (text, value) in enumerate(zip(texts, values))
                    if any(other_text == text and other != value for other_text, other in zip(texts, values))}
        if not clashing:
            break
        extra = [more + (i in clashing) for i, more in enumerate(extra)]
    return texts


def over_limit(value: float, limit: float, places: int = 0, most: int = 6) -> str:
    """`value`, above `limit`, with decimals enough to read above it (thousands separated): `places`, or more, up to
    `most` ("just over 3" past them). A refusal that names the amount and the limit read "run.json is 2.0 MB; ... (at
    most 2 MB)" for 2,040,000 bytes, and "3.00 billion multiply-adds, above the 3 billion" for 3,002,880,000."""
    while places < most and f"{value:.{places}f}" == f"{limit:.{places}f}":
        places += 1
    if f"{value:.{places}f}" == f"{limit:.{places}f}":  # over by less than `most` decimals show
        text = f"{limit:,.{places}f}"
        return "just over " + (text.rstrip("0").rstrip(".") if "." in text else text)
    return f"{value:,.{places}f}"


def half_up(value: float, places: int) -> str:
    """`value` with `places` decimals, a half rounded up as by hand: Python's format rounds an exact half to even
    (0.0625 -> "0.062"). The float's shortest form is what is rounded (0.1575 is 0.15749999... in binary, and reads
    0.158 here, as 1,575 / 10,000 would by hand)."""
    if not math.isfinite(value) or abs(value) >= 1e50:  # (past Decimal's room below: as Python writes it)
        return f"{value:.{places}f}"
    with decimal.localcontext(decimal.Context(prec=120)):
        exact = decimal.Decimal(repr(float(value))).quantize(decimal.Decimal(1).scaleb(-places),
                                                             decimal.ROUND_HALF_UP)
    return f"{exact:.{places}f}"


def typed_number(value: float) -> str:
    """A number someone typed, said back with every digit they typed: whole ones with thousands separators, others as
    Python keeps them ("123,456.5"). Format's "g" keeps six digits: 123,456.5 read "123,456 is not a whole number",
    and 1,234,567.5 read "1.23457e+06"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def significant(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant digits, a half rounded up as by hand, with no exponent and no trailing zeros
    (112.5 -> "113", 1.50 -> "1.5", 0.977 -> "0.977"). Python's "g" format rounds an exact half to even (112.5 read
    "112") and writes 999.5 as "1e+03"; a caller that wants three digits checks for 1000 and takes the next unit."""
    if not math.isfinite(value) or value == 0:
        return f"{value:g}"
    with decimal.localcontext(decimal.Context(prec=120)):
        exact = decimal.Decimal(repr(float(value)))
        rounded = exact.quantize(decimal.Decimal(1).scaleb(exact.adjusted() - digits + 1), decimal.ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def in_units(value: float, units: Sequence[tuple[str, float]]) -> str:
    """`value` in the largest of `units` ((name, size), as COUNT_UNITS) it is at least 1 of, to three significant
    digits (significant), or in the next unit where those round to 1,000 of this one (999,500 -> "1 M", not
    "1000 k"); past the largest, whole with separators. The bars' and tables' short counts all read this way."""
    ordered = sorted(units, key=lambda unit: unit[1])
    index = max((i for i, (_, size) in enumerate(ordered) if abs(value) >= size), default=0)
    if index + 1 < len(ordered) and abs(float(significant(value / ordered[index][1]))) >= 1000:
        index += 1
    name, size = ordered[index]
    digits = significant(value / size)
    return f"{digits} {name}" if abs(float(digits)) < 1000 else f"{value / size:,.0f} {name}"


def times_text(ratio: float, places: int = 2) -> str:
    """A ratio as "2.04x": `places` decimals, or the few more that keep one that is not 1 off 1 (C = N = 4096 with
    k = 1: the standard layer does 0.9998x the separable one's multiply-adds, and read "1.00x")."""
    return f"{ratio:.{digits_apart_from_one(ratio, places)}f}x"


def ratio_cell(ratio: float, places: int = 2) -> Fixed:
    """A table's ratio ("x fewer multiply-adds"): `places` decimals, or the few more that keep a ratio that is not 1
    off 1.00 (with a 1 x 1 kernel and 256 outputs SeparableConv2D does 1.004 times Conv2D's work: its 0.996 read
    1.00 under "x fewer")."""
    return Fixed(ratio, digits_apart_from_one(ratio, places))


def listed(names: Sequence[str], joiner: str = "and") -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C" (or "A or B" with `joiner` "or")."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"


def rate_places(values: Sequence[float], places: int = 0, digits: int = 2, most: int = 8) -> int:
    """Decimals for measured speeds (GFLOP/s, GB/s): `places`, or more where the smallest non-zero value would show
    fewer than `digits` significant digits (0.14, 0.035), up to `most`. A small layer's 0.14 GFLOP/s read "0"; with
    four places at most, a 1 x 4 x 4 x 1 layer's 0.000052 GFLOP/s read "0.0001", and 0.00022 "0.0002"."""
    smallest = min((abs(v) for v in values if v and math.isfinite(v)), default=0.0)
    if not smallest:
        return places
    return min(most, max(places, digits - 1 - math.floor(math.log10(smallest))))


def rate(value: float, places: int = 0) -> str:
    """A measured speed with at least two significant digits (rate_places): 213, 22, 5.3, 0.14, 0.035."""
    return f"{value:,.{rate_places([value], places)}f}"


COUNT_UNITS = (("G", 1e9), ("M", 1e6), ("k", 1e3), ("", 1.0))  # billions, millions, thousands, ones
COUNT_WORDS = {"G": "billion", "M": "million", "k": "thousand", "": ""}  # the same, in words
BYTE_UNITS = (("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("bytes", 1.0))  # decimal, as bandwidths are counted (GB/s)


def column_unit(values: Sequence[float], units: Sequence[tuple[str, float]] = COUNT_UNITS) -> tuple[str, float, int]:
    """The unit for a column (or a sentence) of these values, with the decimals to show them in: the largest in
    which the smallest non-zero one is at least 1 (so at least three digits show), two decimals, or the last unit,
    whole numbers. A tiny layer's 1,936 multiply-adds and 616 bytes read "0.00" in millions and MB."""
    smallest = min((abs(value) for value in values if value), default=0.0)
    for name, size in units[:-1]:
        if smallest >= size:
            return name, size, 2
    name, size = units[-1]
    return name, size, 0


def number_text(value: Any, decimals: int | None = None) -> str:
    """A table cell's text: a number with thousands separators (1792 -> "1,792", 1234.5 -> "1,234.5"), a float with
    its own places (Fixed), else `decimals` places if given, else the digits it has; nothing for None, anything else
    as str."""
    if value is None:
        return ""
    if isinstance(value, Fixed):
        return f"{float(value):,.{value.places}f}"
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, numbers.Integral):  # numpy's numbers too, written as Python's
        return f"{int(value):,}"
    return f"{float(value):,}" if decimals is None else f"{float(value):,.{decimals}f}"


def _decimals(values: Sequence[Any]) -> int | None:
    """The most decimal places among a column's floats, so that they all show as many (1.0 and 7.89: 1.00, 7.89);
    None where the column has no float, or one Python writes with an exponent."""
    floats = [repr(float(value)) for value in values
              if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral))]
    if not floats or any("e" in text or "n" in text for text in floats):  # 1e-05, nan, inf
        return None
    return max(len(text.partition(".")[2]) for text in floats)


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """`rows` (one mapping per row; columns in the order they first appear) as a GitHub-flavoured Markdown table whose
    every cell renders literally (`plain`). A column of numbers is right-aligned, also where words without digits stand
    for missing ones ("invalid here"), as long as they are no more than the numbers; a figure (a cell with a digit) of
    at most SHORT_CELL characters stays on one line (no-break spaces), while words may wrap, so that a wide table still
    fits a projector's page. Numbers are written by `number_text`; a missing cell is empty, and a cell's outer spaces
    are trimmed (mark a sub-row with "↳", not an indent). For the small static tables of the pages: unlike st.table,
    it needs no pandas on the server (0.3 s of a fresh server's first page) and no Arrow script in the browser
    (0.9 MB)."""
    if not rows:
        raise ValueError("a table needs at least one row")
    columns = list(dict.fromkeys(key for row in rows for key in row))
    places = {key: _decimals([row.get(key) for row in rows]) for key in columns}
    cells = [[number_text(row.get(key), places[key]) for key in columns] for row in rows]

    def numeric(index: int) -> bool:  # numbers, and words in place of a few missing ones ("invalid here")
        column = [line[index].strip() for line in cells if line[index].strip()]
        numbers = [cell for cell in column if _NUMBER.match(cell) and any(char.isdigit() for char in cell)]
        words = [cell for cell in column if not _NUMBER.match(cell)]
        return (bool(numbers) and len(words) <= len(numbers)
                and not any(char.isdigit() for cell in words for char in cell))

    align = ["---:" if numeric(index) else ":---" for index in range(len(columns))]

    def cell_text(text: str) -> str:  # a short figure ("30 x 30 x 64", "225.0 KiB") stays on one line; words wrap
        together = len(text) <= SHORT_CELL and any(char.isdigit() for char in text)
        return plain(text).replace(" ", "\u00a0") if together else plain(text)

    lines = [[plain(key) for key in columns], align, *([cell_text(cell) for cell in line] for line in cells)]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
