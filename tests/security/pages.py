"""What a page asks of its visitor: its forms as a browser would send them, and the query
parameters its view reads.

Both are found, not listed, so that a new form, field or parameter is fuzzed as
soon as it exists:
- forms_on() reads the HTML of a page: every <form> with its fields and the values
  a browser would send unchanged (hidden values, selected options, ticked boxes,
  the first named submit button);
- ReadParameters records which query-string and POST keys a view asks for while
  it answers (forms bound to request.GET read each of their fields).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict


@dataclass
class Form:
    method: str
    action: str
    # (name, value) in document order, as a browser sends them; a name may repeat.
    values: list[tuple[str, str]] = field(default_factory=list)
    # Every field name, sent unchanged or not (unticked boxes, other buttons).
    names: set[str] = field(default_factory=set)
    # Each field's input type ("select" for a select, "textarea") and a select's options.
    kinds: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)

    def filled(self, samples: dict[str, str]) -> list[tuple[str, str]]:
        """The values, with each empty field given a sample of its kind (or a select's first
        option that is not empty), as a person filling in the whole form would."""
        result = []
        for name, value in self.values:
            if value == "":
                kind = self.kinds.get(name, "text")
                options = [o for o in self.options.get(name, []) if o]
                value = options[0] if kind == "select" and options else samples.get(kind, "")
            result.append((name, value))
        return result

    @property
    def key(self) -> tuple:
        return self.method, urlsplit(self.action).path, tuple(sorted(self.names))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text = ""
        self.button_sent = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.form = Form((a.get("method") or "get").lower(), action)
            self.button_sent = False
            return
        if self.form is None or not a.get("name") and tag != "option":
            return
        name = a.get("name")
        if tag == "input":
            self._input(name, a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._submit(name, a.get("value", ""))
        elif tag == "select":
            self.form.names.add(name)
            self.form.kinds[name] = "select"
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.form.options.setdefault(self.select, []).append(value)
            if self.select_first is None:
                self.select_first = value
            if "selected" in a:
                self.form.values.append((self.select, value))
                self.select_chosen = True
        elif tag == "textarea":
            self.form.names.add(name)
            self.form.kinds[name] = "textarea"
            self.textarea, self.text = name, ""

    def _input(self, name, a):
        kind = a.get("type", "text").lower()
        self.form.names.add(name)
        self.form.kinds[name] = kind
        if kind in ("submit", "image"):
            self._submit(name, a.get("value", ""))
        elif kind in ("checkbox", "radio"):
            if "checked" in a:
                self.form.values.append((name, a.get("value", "on")))
        elif kind != "file":
            self.form.values.append((name, a.get("value", "")))

    def _submit(self, name, value):
        if name:
            self.form.names.add(name)
            if not self.button_sent:
                self.form.values.append((name, value))
                self.button_sent = True

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.form.values.append((self.select, self.select_first))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.form.values.append((self.textarea, self.text))
            self.textarea = None


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


class _RecordingQueryDict(QueryDict):
    """A QueryDict that notes each key a view asks for in ReadParameters.seen."""

    def __getitem__(self, key):
        ReadParameters.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        ReadParameters.seen.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        ReadParameters.seen.add(key)
        return super().getlist(key, default)


class ReadParameters:
    """Within `recording()`, every key read from request.GET or request.POST is in `seen`."""

    seen: set[str] = set()

    @classmethod
    @contextlib.contextmanager
    def recording(cls):
        cls.seen = set()
        original_get = WSGIRequest.__dict__["GET"]
        original_post = WSGIRequest.POST

        def recorded(query: QueryDict) -> QueryDict:
            copy = _RecordingQueryDict(mutable=True)
            for key, values in query.lists():
                copy.setlist(key, values)
            copy._mutable = False
            return copy

        # Setting the encoding deletes the cached GET; this one is made anew each time anyway.
        WSGIRequest.GET = property(lambda request: recorded(original_get.__get__(request)),
                                   None, lambda request: None)
        WSGIRequest.POST = property(lambda request: recorded(original_post.fget(request)),
                                    original_post.fset)
        try:
            yield cls.seen
        finally:
            WSGIRequest.GET = original_get
            WSGIRequest.POST = original_post
