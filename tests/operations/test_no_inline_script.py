"""No page carries script the Content-Security-Policy would block (script-src 'self').

The browser silently ignores an inline <script> or an on...= handler under that policy, so
a control wired that way does nothing. Every template of the project is parsed; behaviour
belongs in static files.
"""

from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

#: <script> types a browser does not execute: data blocks are allowed under the policy
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def project_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(path for path in base.rglob("*.html")
                  if not {".venv", "node_modules", "staticfiles", "var"} & set(path.parts))


class InlineScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"line {line}: <{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip(
                    ).lower().startswith("javascript:"):
                self.found.append(f"line {line}: <{tag} {name}=javascript:...>")
        attributes = dict(attrs)
        if (tag == "script" and not attributes.get("src")
                and attributes.get("type") not in DATA_BLOCK_TYPES):
            self.found.append(f"line {line}: inline <script>")


def inline_scripts(source: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(source)
    finder.close()
    return finder.found


def test_the_finder_sees_handlers_inline_scripts_and_javascript_links():
    page = ('<select onchange="this.form.submit()"></select><script>go()</script>'
            '<a href="javascript:go()">x</a><script src="/static/a.js"></script>'
            '<script type="application/json">{}</script>')
    assert inline_scripts(page) == ["line 1: <select onchange=...>", "line 1: inline <script>",
                                    "line 1: <a href=javascript:...>"]


def test_no_template_has_an_inline_script_or_event_handler():
    templates = project_templates()
    assert len(templates) > 30  # the scan found the project's templates
    found = {str(path.relative_to(settings.BASE_DIR)): inline_scripts(path.read_text())
             for path in templates}
    assert {path: lines for path, lines in found.items() if lines} == {}
