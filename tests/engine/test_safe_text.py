"""Markdown made safe: `plain` and `markdown_table`, read back by an independent CommonMark parser (markdown-it-py,
with GitHub-flavoured tables), which is what a reader of the page would see."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import shown_tables
from dsconv.safe_text import Fixed, markdown_table, number_text, over_limit, plain
from rendered import read_power_of_ten


class Page:
    """Just enough of an AppTest for shown_tables: Markdown elements with a value."""

    def __init__(self, *texts: str) -> None:
        self.markdown = [type("Markdown", (), {"value": text})() for text in texts]


def rendered(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(text)


def test_a_table_reads_back_cell_for_cell_with_columns_in_first_seen_order():
    rows = [{"Kind": "Standard Conv2D", "Params": "1,792", "Output shape": "30 x 30 x 64"},
            {"Kind": "SeparableConv2D", "Params": "283", "Note": "two steps"}]
    frame = shown_tables(Page(markdown_table(rows)))[0]
    assert list(frame.columns) == ["Kind", "Params", "Output shape", "Note"]
    assert frame.to_dict("records") == [
        {"Kind": "Standard Conv2D", "Params": "1,792", "Output shape": "30 x 30 x 64", "Note": ""},
        {"Kind": "SeparableConv2D", "Params": "283", "Output shape": "", "Note": "two steps"}]


def test_columns_of_numbers_are_right_aligned_and_text_columns_left():
    html = rendered(markdown_table([{"Kind": "Standard", "Params": "1,792", "Ratio": "6.3x", "Share": "95 %",
                                     "Multiply-adds": "152.8 M"},
                                    {"Kind": "Pointwise", "Params": "—", "Ratio": "0.158", "Share": "-2.5",
                                     "Multiply-adds": "18.3 M"}]))
    header = html.split("</thead>")[0]
    assert header.count('style="text-align:right"') == 4 and header.count('style="text-align:left"') == 1
    # a column with no number at all, a figure that is not one number, or more words than numbers, is text
    html = rendered(markdown_table([{"a": "30 x 30 x 64", "b": "—", "c": "two"},
                                    {"a": "1,792", "b": "—", "c": "one"},
                                    {"a": "5", "b": "—", "c": "3"}]))
    assert 'style="text-align:right"' not in html


def test_a_column_of_numbers_with_a_word_for_a_missing_one_stays_right_aligned():
    """The Parameter lab's comparison writes "invalid here" where a kind cannot be built: its column of counts was
    left-aligned, so the class could not compare the counts' lengths. Sizes in KiB and MiB are numbers too."""
    rows = [{"Kind": kind, "Params": params, "Activation memory": memory} for kind, params, memory in
            [("Standard", "1,792", "225.0 KiB"), ("Depthwise", "invalid here", "—"),
             ("Separable", "283", "12.3 MiB")]]
    header = rendered(markdown_table(rows)).split("</thead>")[0]
    assert header.count('style="text-align:right"') == 2 and header.count('style="text-align:left"') == 1


def test_numbers_get_thousands_separators_and_none_is_empty():
    frame = shown_tables(Page(markdown_table([{"n": 1792, "x": None, "ms": 1234.5, "r": 0.125, "b": True}])))[0]
    assert frame.to_dict("records") == [{"n": "1,792", "x": "", "ms": "1,234.5", "r": "0.125", "b": "True"}]
    assert 'style="text-align:right"' in rendered(markdown_table([{"n": 1792}, {"n": 12.5}, {"n": None}]))


def test_the_floats_of_a_column_show_as_many_decimals_as_its_longest():
    rows = [{"x": 1.0, "ms": 3.247, "n": 15, "tiny": 1e-05}, {"x": 7.89, "ms": 0.23, "n": 3, "tiny": 0.5},
            {"x": None, "ms": 1234.5, "n": None, "tiny": None}]
    frame = shown_tables(Page(markdown_table(rows)))[0]
    assert list(frame["x"]) == ["1.00", "7.89", ""]
    assert list(frame["ms"]) == ["3.247", "0.230", "1,234.500"]
    assert list(frame["n"]) == ["15", "3", ""]
    assert list(frame["tiny"]) == ["1e-05", "0.5", ""]  # written as Python writes them: no place count fits both


def test_an_empty_table_is_refused():
    with pytest.raises(ValueError, match="at least one row"):
        markdown_table([])


HOSTILE = ["![x](http://127.0.0.1:9/p.png)", "a | b", "**loud**", "<script>alert(1)</script>", "$x^2$",
           "line\nbreak", "[link](javascript:alert(1))", "`code`", "\\|", "www.example.com", "a@b.c", "| --- |"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_cell_or_header_shows_as_written_and_makes_no_image_link_or_tag(text):
    html = rendered(markdown_table([{text: text, "n": "1"}]))
    assert "<img" not in html and "<a " not in html and "<script" not in html and "<code" not in html
    frame = shown_tables(Page(markdown_table([{text: text, "n": "1"}])))[0]
    assert list(frame.columns) == [text.replace("\n", " "), "n"]
    assert frame.iloc[0, 0] == text.replace("\n", " ")


@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
                .map(str.strip), min_size=1, max_size=4))
def test_any_printable_text_in_a_cell_reads_back_unchanged(texts):
    rows = [{f"c{i}": text for i, text in enumerate(texts)}]
    frame = shown_tables(Page(markdown_table(rows)))[0]
    seen = [" ".join(text.replace("\u2060", "").split()) for text in texts]  # a word joiner is invisible
    assert [" ".join(cell.split()) for cell in frame.iloc[0]] == seen


def test_plain_text_in_a_paragraph_reads_back_unchanged():
    for text in HOSTILE:
        html = rendered(plain(text))
        assert "<img" not in html and "<a " not in html and "<script" not in html


def test_a_short_cell_keeps_its_words_together_and_a_long_one_may_wrap():
    note = "its pointwise (1x1) step, on the depthwise output"
    html = rendered(markdown_table([{"shape": "30 x 30 x 64", "note": note}]))
    assert "30\u00a0x\u00a030\u00a0x\u00a064" in html
    assert "its pointwise (1x1) step, on the depthwise output" in html


def test_an_address_gets_a_word_joiner_so_no_markdown_flavour_links_it():
    # GitHub-flavoured Markdown (Streamlit's) links bare addresses even when escaped; the CommonMark parser above
    # does not, so the joiner itself is checked: after "://", "www" and "@", in a paragraph and in a table.
    for text, joined in (("see http://127.0.0.1:9/p.png", "/\u2060127"), ("www.example.com", "www\u2060"),
                         ("mail a@b.co", "@\u2060"), ("HTTPS://X.ORG", "/\u2060X"), ("WWW.X.ORG", "WWW\u2060")):
        assert joined in plain(text)
        assert joined in markdown_table([{"cell": text, "name at length": text + " and some more words"}])


def test_numpy_numbers_are_written_like_pythons():
    import numpy as np

    frame = shown_tables(Page(markdown_table([{"n": np.int64(1792), "x": np.float64(1.5)},
                                              {"n": np.int32(3), "x": np.float32(7.25)}])))[0]
    assert frame.to_dict("records") == [{"n": "1,792", "x": "1.50"}, {"n": "3", "x": "7.25"}]


def test_an_empty_table_shows_nothing_on_a_page():
    from streamlit.testing.v1 import AppTest

    def page():
        from dsconv_ui.common import show_table

        show_table([])

    at = AppTest.from_function(page).run()
    assert not at.exception and not at.markdown


def test_a_fixed_number_keeps_its_places_in_a_table_and_through_a_pickle():
    """A column of plain floats shows the most places any of them has: 139.1 beside 9.1 in one table, 72.42 in the
    next. A Fixed number is rounded to its places and always shows them."""
    rows = [{"x": Fixed(139.1, 2), "y": 1.0}, {"x": Fixed(9.125, 2), "y": 7.891}]
    lines = markdown_table(rows).splitlines()
    assert "139\\.10" in lines[2] and "9\\.12" in lines[3]  # round half to even on the float 9.125: 9.12
    assert "1\\.000" in lines[2]  # plain floats still take the column's most places
    copied = pickle.loads(pickle.dumps(Fixed(2 / 3, 3)))
    assert copied == 0.667 and copied.places == 3 and number_text(copied, decimals=1) == "0.667"
    assert number_text(Fixed(1234.5, 0)) == "1,234" and number_text(Fixed(1235.5, 0)) == "1,236"


@pytest.mark.parametrize("value, shown", [
    (4.76837158203125e-07, "4.8 × 10⁻⁷"), (0.0, "0"), (0.25, "0.25"), (1234.0, "1,200"), (3e-3, "3.0 × 10⁻³"),
    (2.5e12, "2.5 × 10¹²"), (-6.02e-23, "-6.0 × 10⁻²³")])
def test_a_tiny_or_huge_number_reads_with_a_power_of_ten_not_an_e(value, shown):
    """The Filters page showed '4.8e-07' beside the counts 30 and 27: a class reads 'e' as a letter."""
    from dsconv.safe_text import power_of_ten

    assert power_of_ten(value) == shown
    assert read_power_of_ten(shown) == pytest.approx(value, rel=0.06)


def _page_with_an_undecodable_name() -> None:
    from dsconv.training.dataset import DataError
    from dsconv_ui.common import show_error

    name = b"caf\xe9.jpg".decode("utf-8", "surrogateescape")  # a cp1252 name from an old zip, as os.listdir gives it
    show_error(DataError(f"{name} is not a picture this app reads."), literal=True)
    show_error(DataError(f"{name} is not a picture this app reads."))


def test_a_file_name_that_is_not_utf8_is_shown_not_a_traceback():
    """A data folder holding a cp1252 "café.jpg": Python gives its name with a lone surrogate (\\udce9), and st.error
    could not send it ("surrogates not allowed"): a traceback, and the arena's launcher never drawn again in that tab.
    The name is shown with a replacement character instead."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_with_an_undecodable_name).run()
    assert not at.exception, at.exception
    assert len(at.error) == 2 and all("caf\ufffd" in error.value for error in at.error), [e.value for e in at.error]
    assert "caf\ufffd" in plain(b"caf\xe9".decode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("number, article", [(1, "a"), (3, "a"), (8, "an"), (11, "an"), (18, "an"), (80, "an"),
                                             (83, "an"), (100, "a"), (110, "a"), (800, "an"), (11_000, "an"),
                                             (18_500, "an"), (1_100, "a"), (7, "a")])
def test_a_number_takes_the_article_it_is_read_with(number, article):
    """The Parameter lab read "a 11 x 11 separable layer" and "a 8 x 8"."""
    from dsconv.safe_text import number_article

    assert number_article(number) == article


@pytest.mark.parametrize("value, limit, places, shown", [
    (2.04, 2, 1, "2.04"),  # a 2,040,000-byte run file over the 2 MB cap read "2.0 MB"
    (3.00288, 3, 2, "3.003"),  # 3,002,880,000 multiply-adds read "3.00 billion, above the 3 billion"
    (64 + 1 / 2**20, 64, 0, "64.000001"),  # a CIFAR batch one byte over 64 MiB read "64 MB"
    (20.3, 20, 0, "20.3"), (25.6, 20, 0, "26"), (1234.5, 1000, 0, "1,234"),  # apart already: as before
    (2 + 1e-9, 2, 0, "just over 2"), (20 + 1e-9, 20, 0, "just over 20"), (0.5 + 1e-9, 0.5, 1, "just over 0.5")])
def test_an_amount_over_a_limit_reads_over_it(value, limit, places, shown):
    assert over_limit(value, limit, places) == shown


def test_a_tiny_layers_speed_keeps_two_significant_digits():
    """64 FLOPs in 1.223 ms is 0.000052 GFLOP/s: it read "0.0001", twice its size, and a step of 0.00022 read
    "0.0002" beside it in the timing table."""
    from dsconv.safe_text import rate, rate_places

    assert 64 / 1.223e-3 / 1e9 == pytest.approx(5.23e-5, rel=1e-3)
    assert rate(64 / 1.223e-3 / 1e9) == "0.000052"
    assert rate(2.2e-4) == "0.00022"
    assert rate_places([5.23e-5, 2.2e-4, 3.0], 1) == 6  # one table column, places for its smallest
    assert rate(213.4) == "213" and rate(0.14) == "0.14"  # as before
