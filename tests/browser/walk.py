"""The walk's eyes: what one page load is checked for, in a real Chromium.

A page fails the walk on a Content-Security-Policy violation, a JavaScript console
error or uncaught exception, a 4xx/5xx answer to the page or any sub-resource, a
page wider than the viewport, an axe-core violation of the WCAG 2.1 A and AA rules,
or (on a Dutch page) an English message of the catalogs shown verbatim.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Reports every CSP violation to the test through an exposed binding, which the page's
# policy cannot block, from before the page's first script runs.
REPORT_CSP = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.__vensterCsp(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
                      + ` at ${event.sourceFile || ''}:${event.lineNumber || ''}`);
});
"""

# A transparent 1x1 PNG: map tiles are served from here, as the walk has no network.
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# Visible texts and the texts assistive technology reads out.
VISIBLE_TEXTS = """
() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    if (!parent.checkVisibility()) continue;
    texts.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], img[alt]')) {
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      if (el.hasAttribute(name)) texts.push(el.getAttribute(name).trim());
    }
  }
  texts.push(document.title.trim());
  return texts.filter(Boolean);
}
"""


@dataclass
class Problems:
    """Everything the walk saw go wrong, one line per fault, keyed by page."""

    found: dict[str, list[str]] = field(default_factory=dict)
    known_seen: set = field(default_factory=set)

    def add(self, where: str, problem: str) -> None:
        self.found.setdefault(where, []).append(problem)

    def lines(self) -> list[str]:
        return [f"{where}: {problem}" for where, problems in self.found.items()
                for problem in problems]


class Eyes:
    """Listens to one browser page; `look` checks the page now loaded."""

    def __init__(self, page, *, base: str):
        self.page, self.base = page, base
        self.heard: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.heard.append(f"uncaught exception: {exc}"))
        page.on("response", self._response)
        page.on("requestfailed", lambda request: self.heard.append(
            f"request failed: {request.url} ({request.failure})"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.heard.append(f"console error: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.heard.append(f"HTTP {response.status} for {response.url}")

    def look(self, url: str, *, dutch: bool) -> list[str]:
        """Open `url` and return what is wrong with it."""
        self.heard.clear()
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        seen = list(self.heard)
        if response is None or not response.ok:
            seen.append(f"the page answered {response.status if response else 'nothing'}")
            return seen
        seen += too_wide(self.page)
        seen += axe_violations(self.page)
        if dutch:
            seen += [f"untranslated: {text!r}" for text in untranslated(self.page)]
        return seen + [heard for heard in self.heard if heard not in seen]


def too_wide(page) -> list[str]:
    width, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    return [f"{width} px wide in a {viewport} px viewport"] if width > viewport else []


@functools.cache
def axe_source() -> str:
    return AXE.read_text()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations, one line per rule with its first elements.

    The source is evaluated by Playwright through the DevTools protocol, which the
    page's Content-Security-Policy does not govern; a <script> tag would be blocked.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations.map(v => [v.id, v.help,"
        " v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' '))])",
        WCAG_21_A_AA,
    )
    return [f"axe {rule} ({count}x): {help} at {', '.join(targets)}"
            for rule, help, count, targets in violations]


@functools.cache
def english_msgids() -> frozenset[str]:
    """The English messages that the Dutch catalogs translate into something else."""
    with translation.override("nl"):
        catalog = translation.trans_real.translation("nl")._catalog
    msgids = set()
    for key, translated in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]  # drop a message context
        if msgid and msgid != translated and re.search(r"[A-Za-z]{3}", msgid) and "%" not in msgid:
            msgids.add(msgid.strip())
    return frozenset(msgids)


def untranslated(page) -> list[str]:
    english = english_msgids()
    return sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in english})


def route_tiles_here(context) -> None:
    """The walk has no network: map tiles are blank images from here, not failures."""
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(
        status=200, content_type="image/png", body=BLANK_TILE))
