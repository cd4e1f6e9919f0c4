"""What a browser sends when a form on a page is submitted as the page shows it.

Tests that post hand-made data miss what a page preselects (a <select> always sends its
selected option, or its first); this reads the form from the page's HTML instead.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, index: int):
        super().__init__()
        self.index, self.seen, self.inside = index, -1, False
        self.data: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.seen += 1
            self.inside = self.seen == self.index
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.data.append((name, attributes.get("value", "on")))
            elif kind not in {"submit", "button", "file", "reset", "image"}:
                self.data.append((name, attributes.get("value") or ""))
        elif tag == "select" and name:
            self.select = {"name": name, "first": None, "chosen": [],
                           "multiple": "multiple" in attributes}
        elif tag == "option" and self.select is not None:
            value = attributes.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attributes:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not self.select["multiple"] and not chosen and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.data.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], "".join(self.textarea[1]).lstrip("\n")))
            self.textarea = None


def form_data(html: str, index: int = 0) -> dict[str, list[str]]:
    """The fields the index-th <form> of the page sends, as the Django test client posts them."""
    reader = _FormReader(index)
    reader.feed(html)
    reader.close()
    sent: dict[str, list[str]] = {}
    for name, value in reader.data:
        sent.setdefault(name, []).append(value)
    return sent


def form_with(html: str, field: str) -> dict[str, list[str]]:
    """The data of the page's first form that has this field."""
    index = 0
    while True:
        data = form_data(html, index)
        if field in data:
            return data
        if index > html.count("<form"):
            raise AssertionError(f"no form on the page has a field {field!r}")
        index += 1
