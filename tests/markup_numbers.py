"""Numbers meant for machines, found localised: "390,0" where an SVG, a form or a file
reader expects "390.0".

Under Dutch formatting Django writes a float or Decimal with a decimal comma wherever a
template prints it; an SVG coordinate, a hidden form value or a CSV cell then breaks.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

#: SVG attributes that hold numbers; "points" pairs them as x,y
SVG_NUMBERS = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width",
               "height", "viewbox", "d", "transform", "dx", "dy", "stroke-width", "font-size"}
NUMBER = r"-?\d+(?:\.\d+)?"
POINTS = re.compile(rf"^\s*(?:{NUMBER},{NUMBER}\s*)*$")
DECIMAL_COMMA = re.compile(r"\d,\d")
LOCALISED_NUMBER = re.compile(r"^-?[\d.]*\d,\d+$")


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            value = value or ""
            if name == "points" and not POINTS.match(value):
                self.found.append(f'<{tag} points="{value}">')
            elif ((name in SVG_NUMBERS or name.startswith("data-"))
                  and DECIMAL_COMMA.search(value)):
                self.found.append(f'<{tag} {name}="{value}">')
        if (tag == "input" and attributes.get("type") == "hidden"
                and LOCALISED_NUMBER.match(attributes.get("value") or "")):
            self.found.append(f'<input type="hidden" name="{attributes.get("name")}" '
                              f'value="{attributes["value"]}">')


def localised_numbers_in_html(html: str) -> list[str]:
    """Numeric attributes (SVG, data-, hidden form values) written with a decimal comma."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found


def localised_numbers_in_csv(text: str, delimiter: str = ",") -> list[str]:
    """CSV cells holding a number written with a decimal comma."""
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            for cell in row if LOCALISED_NUMBER.match(cell.strip())]
