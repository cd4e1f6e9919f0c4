"""Hostile input in every form and query parameter of every page: never a 500, never a write.

The pages, their forms and their parameters are found, not listed (see pages.py):
every route of the resolver outside the API and the admin is opened by the role
that uses it; each <form> on the page (and on the page its GET forms lead to)
is taken as a browser would send it, with every empty field filled in, and the
query parameters the view reads are recorded. Then one field at a time is
spoilt with a hostile value: a day in year 1 or 9999, a number of thirty digits,
a NUL byte, a lone surrogate sent as the bytes %ED%A0%80, a superscript digit,
and each number of a compound value (a slot, bay@minute) made huge. Hypothesis
draws more: text, integers, dates, floats and the rest of the zoo (year 0 and
10000, negatives, twenty digits, deep brackets, huge text, NaN, ...), with fixed
examples in CI (derandomize).

Every answer must be below 500. A GET must never write a row, nor a POST that is
refused (4xx); writes are seen at the database connection (writes.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from urllib.parse import quote_from_bytes, urlsplit

import pytest
import time_machine
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.security.cast import SATURDAY
from tests.security.pages import Form, ReadParameters, forms_on
from tests.security.routes import all_routes, url_of
from tests.security.writes import rows_written

pytestmark = pytest.mark.usefixtures("db", "frozen_now")

# The role that uses the pages of each namespace; the rest are public.
ROLE_OF_NAMESPACE = {"portal": "shopkeeper", "console": "leiden_admin",
                     "enforcement": "enforcer", "hubs": "collector"}
# The API, with its schema and documentation pages, has its own fuzz tests (test_bad_input,
# tests/api/test_schema_fuzz); the admin is Django's own.
NOT_PAGES = ("api:", "admin", "^static", "schema", "redoc", "swagger-ui")

LONE_SURROGATE = "\ud800"
# Tried in every field; the drawn values of hypothesis add the rest of the zoo.
HOSTILE = ["0001-01-01", "9999-12-31", str(10**30), "a\x00b", LONE_SURROGATE, "²"]
ZOO = [*HOSTILE, "0000-01-01", "10000-01-01", "-1", "99999999999999999999", "1e308", "NaN",
       "[" * 1000 + "]" * 1000, "x" * 10_000, "", " ", "١٢", "25:61", "2026-03-29T02:30"]
# What a person fills an empty field with, by its input type.
SAMPLES = {"date": (SATURDAY + dt.timedelta(days=7)).isoformat(), "time": "10:00",
           "number": "1", "text": "x", "textarea": "x", "email": "fuzz@example.org",
           "tel": "0612345678", "url": "https://example.org/", "password": "x"}
DAY_OR_TIME = re.compile(r"\d{4}-\d\d-\d\d|\d\d:\d\d(:\d\d)?")
FORMSET_FIELD = re.compile(r".+-[1-9][0-9]*-.+")

EXAMPLES = settings(max_examples=5, deadline=None, database=None,
                    derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def page_routes() -> list[str]:
    return sorted(key for key in all_routes() if not key.startswith(NOT_PAGES))


def role_of(key: str) -> str:
    return ROLE_OF_NAMESPACE.get(key.partition(":")[0] if ":" in key else "", "anonymous")


def route_of(url: str) -> str | None:
    """The key of the route an address leads to, as all_routes() names it."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else match.route


# --- Finding the forms and parameters ------------------------------------------------------


@pytest.fixture(scope="module")
def targets(cast, django_db_blocker):
    """{route key: [(role, method, url, baseline values, field names)]}, found by visiting
    every page once as its role, on the cast's Friday; what the probes change is rolled back."""
    found: dict[str, list] = {}
    seen_forms = set()
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        for key in page_routes():
            role, url = role_of(key), url_of(key, cast)
            with transaction.atomic():
                page_forms, read_on_get, read_on_post = _visit(cast.client(role), url)
                transaction.set_rollback(True)
            found.setdefault(key, []).append((role, "get", url, [], sorted(read_on_get)))
            if read_on_post:
                found[key].append((role, "post", url, [], sorted(read_on_post)))
            for form in page_forms:
                target = route_of(form.action)
                if form.key in seen_forms or target is None or target.startswith(NOT_PAGES):
                    continue
                seen_forms.add(form.key)
                found.setdefault(target, []).append(
                    (role, form.method, form.action, form.filled(SAMPLES), sorted(form.names)))
    return found


def _visit(client, url) -> tuple[list[Form], set[str], set[str]]:
    """The forms behind a page and the parameters its view reads on GET and on POST."""
    client.raise_request_exception = False  # a page that fails now fails its test below
    with ReadParameters.recording() as read_on_get:
        response = client.get(url, {"_probe": "1"})
    with ReadParameters.recording() as read_on_post:
        client.post(url, {"_probe": "1"})
    return (_forms_behind(client, response, url), read_on_get - {"_probe"},
            read_on_post - {"_probe"})


def _forms_behind(client, response, url) -> list[Form]:
    """The forms of a page, and those of the pages its GET forms lead to (the booking grid
    shows its slots only after its search form is sent)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    forms = forms_on(response.content.decode(), f"http://testserver{url}")
    behind = []
    for form in forms:
        if form.method == "get" and form.values:
            result = client.get(form.action, form.filled(SAMPLES))
            if result.status_code == 200 and "html" in result.get("Content-Type", ""):
                behind += forms_on(result.content.decode(), form.action)
    return forms + behind


# --- Sending and checking ------------------------------------------------------------------


def encode(pairs) -> str:
    """As a browser sends text: UTF-8, percent-encoded; a lone surrogate as its raw bytes."""
    def quoted(text: str) -> str:
        return quote_from_bytes(text.encode("utf-8", "surrogatepass"))

    return "&".join(f"{quoted(name)}={quoted(value)}" for name, value in pairs)


def spoil(values, name: str, value: str) -> list[tuple[str, str]]:
    kept = [(n, v) for n, v in values if n != name]
    return [*kept, (name, value)]


def send_and_check(client, method, url, pairs):
    body = encode(pairs)
    with rows_written() as written:
        if method == "get":
            response = client.get(f"{urlsplit(url).path}?{body}")
        else:
            response = client.post(urlsplit(url).path, body,
                                   content_type="application/x-www-form-urlencoded")
    field = pairs[-1][0]
    assert response.status_code < 500, (method, url, field, response.content[:300])
    if method == "get" or response.status_code >= 400:
        assert not written, (f"{method.upper()} {url} with a hostile {field} answered "
                             f"{response.status_code} and wrote: {written}")
    return response


def variations(value: str) -> list[str]:
    """The field's own value made hostile where a hostile value alone would not do: each
    number in a compound value (a slot, bay@minute) made huge."""
    if not re.fullmatch(r".*\d\D+\d.*", value) or DAY_OR_TIME.fullmatch(value):
        return []
    return [value[:m.start()] + "99999999999999999999" + value[m.end():]
            for m in re.finditer(r"\d+", value)]


def fuzzable(names) -> list[str]:
    """The fields worth spoiling: of a formset's forms the first stands for all (they share
    one form class); Django's CSRF token is not checked by the test client."""
    return [name for name in names
            if not FORMSET_FIELD.fullmatch(name) and name != "csrfmiddlewaretoken"]


def fields_of(values, names) -> list[tuple[str, list[str]]]:
    """Each field worth spoiling with the hostile values it gets."""
    baseline = dict(values)
    return [(name, HOSTILE + variations(baseline.get(name, ""))) for name in fuzzable(names)]


# --- The tests -----------------------------------------------------------------------------


def test_every_portal_and_console_page_has_something_to_fuzz(targets):
    """A check on the finding itself: the forms and parameters the task names are found."""
    def names(key, method):
        return {n for t in targets.get(key, []) if t[1] == method for n in t[4]}

    assert {"day", "duration", "vehicle_length_m"} <= names("portal:grid", "get")
    assert "slot" in names("portal:book", "post")
    assert {"first_day", "until", "weekdays"} <= names("portal:series_create", "post")
    assert {"volume_litres", "day", "recurrence_until"} <= names("portal:pickups", "post")
    assert "id" in names("portal:notifications", "post")
    assert {"bay", "version"} <= names("console:whatif", "get")
    assert "valid_from" in names("console:zone_windows_next", "post")
    assert {"start", "end", "zone"} <= names("console:dashboard", "get")
    assert {"start_date", "end_date"} <= names("console:closure_new", "post")
    assert {"time", "min_lat"} <= names("cds:zones", "get")
    assert "page" in names("cds:events", "get")


@pytest.mark.parametrize("key", page_routes())
def test_every_field_refuses_each_hostile_value_without_a_change(cast, targets, key):
    for role, method, url, values, names in targets.get(key, []):
        client = cast.client(role)
        for name, hostile in fields_of(values, names):
            for value in hostile:
                send_and_check(client, method, url, spoil(values, name, value))


@pytest.mark.parametrize("key", page_routes())
@EXAMPLES
@given(data=st.data())
def test_drawn_values_in_any_field_never_cause_a_server_error(cast, targets, key, data):
    chosen = [t for t in targets.get(key, []) if fuzzable(t[4])]
    if not chosen:
        return
    role, method, url, values, names = data.draw(st.sampled_from(chosen), label="target")
    name = data.draw(st.sampled_from(fuzzable(names)), label="field")
    value = data.draw(st.one_of(
        st.text(max_size=30), st.integers().map(str), st.dates().map(str),
        st.floats().map(str), st.sampled_from(ZOO)), label="value")
    send_and_check(cast.client(role), method, url, spoil(values, name, value))
