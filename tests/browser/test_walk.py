"""Every screen as its user meets it: each demo role walks all its pages in Chromium.

For each role, at 1280 and 360 px, in Dutch and in English, the walk signs in and
opens every page of the role: the pages named below (every URL of the project is
either someone's page or listed as not walked, with why) and every link of the
navigation it meets on the way. Each page is checked by `walk.Eyes.look`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from places.demo import DEMO_PASSWORD

from .walk import Eyes, Problems, route_tiles_here

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"desktop": (1280, 900), "phone": (360, 780)}
LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}

SHOP_PAGES = [
    "portal:home", "portal:profile", "portal:map", "portal:grid", "portal:book",
    "portal:bookings", "portal:booking", "portal:booking_reschedule", "portal:series_create",
    "portal:series", "portal:series_change", "portal:requests", "portal:notifications",
    "portal:api_keys", "portal:readiness", "portal:waitlist",
    # The confirmation pages of the destructive actions (and of claiming an offer).
    "portal:booking_cancel", "portal:request_withdraw", "portal:api_key_revoke",
    "portal:series_end", "portal:waitlist_claim", "portal:waitlist_leave",
]
MUNICIPAL_PAGES = [
    "console:index", "console:zone_windows", "console:zone_windows_next", "console:bay_windows",
    "console:whatif", "console:zone_zero_emission", "places:zone_rules",
    "console:closure_list", "console:closure_new", "console:closure_detail",
    "console:bays_import", "console:history", "console:dashboard", "hubs:bundling-report",
]

# The pages of each role, by URL name; the links of their navigation are walked as well.
PAGES = {
    "anonymous": ["home", "login", "password_reset", "password_reset_done",
                  "password_reset_confirm", "password_reset_complete", "places:zone_rules"],
    "winkel": ["home", *SHOP_PAGES, "portal:pickups", "portal:pickup_cancel"],
    "vervoerder": ["home", *SHOP_PAGES, "portal:docks"],
    "inzamelaar": ["home", "hubs:routes", "hubs:run-sheet", "hubs:bundling-report"],
    "gemeente": ["home", *MUNICIPAL_PAGES],
    "beheer-gouda": ["home", *MUNICIPAL_PAGES],
    "handhaver": ["home", "enforcement:page"],
}
MUNICIPAL_PAGES.append("enforcement:page")

# URLs that are nobody's page to walk, and why.
NOT_WALKED = {
    "set_language": "a POST-only form target",
    "health": "a JSON health check for the load balancer",
    "logout": "a POST-only form target",
    "password_change": "Django's own form in the admin's templates; no page links to it",
    "password_change_done": "Django's own page in the admin's templates; no page links to it",
    "console:bays_export": "a CSV or GeoJSON download, not a page",
    "console:closure_announce": "a POST-only action of the closure page",
    "enforcement:action": "a POST-only action of the enforcement page",
    "portal:calendar_renew": "a POST-only action of the bookings page",
    "portal:booking_alternative": "a POST-only action of the booking page",
    "hubs:pickup-collected": "a POST-only form of the run sheet",
    "hubs:pickup-missed": "a POST-only form of the run sheet",
    "schema": "the OpenAPI document (YAML), not a page",
    "swagger-ui": "drf-spectacular's Swagger UI, a third-party page",
    "redoc": "drf-spectacular's ReDoc, a third-party page",
}
NOT_WALKED_PREFIXES = {
    "api/v1/": "the JSON API (tests/api checks it against its schema)",
    "cds/": "the CDS JSON API (tests/cds)",
    "admin/": "Django's admin (tests/console checks its scoping)",
    "static/": "static files, checked as sub-resources of every page",
}


@dataclass(frozen=True)
class Known:
    """A fault the walk finds that is being fixed elsewhere; the list empties as fixes land.

    Each entry must still occur: once its fix lands, the walk fails until it is removed.
    """

    fault: str
    roles: frozenset[str]
    page: str  # a regular expression on "<path> <width> <language>"
    problem: str  # a regular expression on the problem's line


ALL_ROLES = frozenset(PAGES)
KNOWN: list[Known] = []


def test_every_url_of_the_project_is_someones_page_or_explained():
    walked = {name for names in PAGES.values() for name in names}
    unexplained = [
        f"{name or '(unnamed)'} {route}" for name, route in url_names()
        if name not in walked and name not in NOT_WALKED
        and not route.startswith(tuple(NOT_WALKED_PREFIXES))
    ]
    assert unexplained == []


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_of_the_role_passes_the_walk(role, browser, live_server, world):
    started = time.monotonic()
    problems, visited = Problems(), 0
    for width_name, (width, height) in WIDTHS.items():
        for language, locale in LANGUAGES.items():
            context = browser.new_context(locale=locale, viewport={"width": width,
                                                                   "height": height})
            try:
                visited += walk_role(context, role, world, live_server.url, language,
                                     problems, label=f"{width_name} {language}")
            finally:
                context.close()
    print(f"walk {role}: {visited} page loads in {time.monotonic() - started:.1f} s")
    assert not known_faults_for(role) - problems.known_seen, (
        "These known faults no longer occur; remove them from KNOWN: "
        f"{sorted(k.fault for k in known_faults_for(role) - problems.known_seen)}")
    if problems.lines():
        pytest.fail("The walk found:\n" + "\n".join(problems.lines()), pytrace=False)


def walk_role(context, role, world, base, language, problems, *, label) -> int:
    from .walk import REPORT_CSP

    csp: list[str] = []
    context.expose_function("__vensterCsp", lambda violation: csp.append(violation))
    context.add_init_script(REPORT_CSP)
    route_tiles_here(context)
    page = context.new_page()
    eyes = Eyes(page, base=base)
    if role != "anonymous":
        sign_in(page, base, role)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    queue = [page_url(name, role, world) for name in PAGES[role]]
    seen = set(queue)
    while queue:
        path = queue.pop(0)
        csp.clear()
        found = eyes.look(base + path, dutch=language == "nl")
        found += [f"CSP violation: {violation}" for violation in csp]
        for problem in found:
            record(problems, role, f"{path} {label}", problem)
        for link in navigation_links(page, base):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return len(seen)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")


def navigation_links(page, base: str) -> list[str]:
    """The same-site links of every <nav> on the page, as paths, minus the unwalked ones."""
    hrefs = page.eval_on_selector_all("nav a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.lstrip("/").startswith(tuple(NOT_WALKED_PREFIXES)):
            paths.append(path)
    return paths


def record(problems: Problems, role: str, where: str, problem: str) -> None:
    for known in known_faults_for(role):
        if re.search(known.page, where) and re.search(known.problem, problem):
            problems.known_seen.add(known)
            return
    problems.add(f"{role} {where}", problem)


def known_faults_for(role: str) -> set[Known]:
    return {known for known in KNOWN if role in known.roles}


def page_url(name: str, role: str, world) -> str:
    """The URL of a page, its kwargs filled with the role's own demo objects."""
    things = world.of(role)
    if name == "password_reset_confirm":
        user = get_user_model().objects.get(username="winkel")
        return reverse(name, kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                     "token": default_token_generator.make_token(user)})
    kwargs = {
        "portal:booking": lambda: {"reference": things["booking"].reference},
        "portal:booking_reschedule": lambda: {"reference": things["booking"].reference},
        "portal:booking_cancel": lambda: {"reference": things["booking"].reference},
        "portal:request_withdraw": lambda: {"reference": things["request"].reference},
        "portal:pickup_cancel": lambda: {"pk": things["pickup"].pk},
        "portal:api_key_revoke": lambda: {"pk": things["api_key"].pk},
        "portal:series": lambda: {"pk": things["series"].pk},
        "portal:series_change": lambda: {"pk": things["series"].pk},
        "portal:series_end": lambda: {"pk": things["series"].pk},
        "portal:waitlist_claim": lambda: {"pk": things["offer"].pk},
        "portal:waitlist_leave": lambda: {"pk": things["waiting"].pk},
        "hubs:run-sheet": lambda: {"pk": things["route"].pk},
        "console:zone_windows": lambda: {"pk": things["zone"].pk},
        "console:zone_windows_next": lambda: {"pk": things["zone"].pk},
        "places:zone_rules": lambda: {"key": things["zone"].slug},
        "console:whatif": lambda: {"pk": things["zone"].pk},
        "console:zone_zero_emission": lambda: {"pk": things["zone"].pk},
        "console:bay_windows": lambda: {"pk": things["bay"].pk},
        "console:closure_detail": lambda: {"pk": things["closure"].pk},
        "console:history": lambda: {"kind": "zone", "pk": things["zone"].pk},
    }.get(name, dict)()
    return reverse(name, kwargs=kwargs)


def url_names(patterns=None, prefix: str = "", namespace: str = ""):
    """(namespaced name, route) of every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from url_names(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route.lstrip("^")
