"""Bad input over the whole API: no server error, a problem document, and nothing changed.

Hypothesis takes a valid request for each endpoint and spoils one field at a
time: wrong types, far-past and far-future times, times inside the spring
clock change, reversed intervals, ids that do not exist or belong to another
organisation, NUL bytes and odd unicode. Whatever comes back must be below 500;
a refusal must be an RFC 9457 problem document and must leave the database as
it was. On PostgreSQL this also proves that NUL bytes never reach the database
(where they raise DataError instead of being stored, as SQLite does).
"""

import datetime as dt
import json
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking, BookingRequest, WaitlistEntry
from hubs.models import DockReservation, StorageReservation
from organisations.models import Vehicle
from tests.factories import VehicleFactory
from tests.security.cast import SATURDAY
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.usefixtures("db", "frozen_now")

# Fixed examples in CI (a run there must not fail by chance); new ones on every other run.
EXAMPLES = settings(max_examples=40, deadline=None, database=None,
                    derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def t(hhmm: str, day: dt.date = SATURDAY) -> str:
    return f"{day.isoformat()}T{hhmm}:00+01:00"


# Each endpoint with a valid request; the tests spoil it.
def endpoints(cast, foreign_vehicle):
    c = cast
    return {
        "booking": ("post", "/api/v1/bookings/",
                    {"bay": c.bay.pk, "vehicle": c.van.pk, "start": t("10:00"),
                     "end": t("10:30")}),
        "reschedule": ("post", f"/api/v1/bookings/{c.booking.reference}/reschedule/",
                       {"start": t("10:30"), "end": t("11:00")}),
        "request": ("post", "/api/v1/requests/",
                    {"zone": c.zone.slug, "earliest_start": t("09:00"),
                     "latest_end": t("10:30"), "duration_minutes": 30, "bays": [c.bay.pk],
                     "vehicle": c.van.pk}),
        "waitlist": ("post", "/api/v1/waitlist/",
                     {"bay": c.bay.pk, "vehicle": c.van.pk, "start": t("08:00"),
                      "end": t("08:30")}),
        "vehicle": ("post", "/api/v1/vehicles/",
                    {"plate": "12-ABC-3", "category": "van", "length_m": "6.00",
                     "weight_kg": 3000, "zero_emission": True}),
        "vehicle_change": ("patch", f"/api/v1/vehicles/{c.van.pk}/", {"length_m": "6.50"}),
        "webhook": ("post", "/api/v1/webhooks/endpoints/",
                    {"url": "https://carrier.invalid/hook2", "event_types": ["booking.confirmed"],
                     "description": "planning"}),
        "dock": ("post", "/api/v1/hub-dock-reservations/",
                 {"hub": c.hub.pk, "start": t("10:00"), "end": t("10:30"),
                  "vehicle": c.van.pk}),
        "storage": ("post", "/api/v1/hub-storage-reservations/",
                    {"hub": c.hub.pk, "pallets": 1, "start_date": SATURDAY.isoformat(),
                     "end_date": SATURDAY.isoformat()}),
        "availability": ("get", "/api/v1/availability/",
                         {"bay": c.bay.pk, "date": SATURDAY.isoformat(),
                          "duration_minutes": 30, "vehicle": c.van.pk}),
        "nearest": ("get", "/api/v1/availability/nearest/",
                    {"latitude": 52.158, "longitude": 4.492, "earliest": t("08:00"),
                     "latest": t("12:00"), "duration_minutes": 30, "vehicle": c.van.pk}),
        "dock_availability": ("get", f"/api/v1/hubs/{c.hub.pk}/dock-availability/",
                              {"day": SATURDAY.isoformat(), "duration_minutes": 30}),
    }


NUL_AND_ODD = st.sampled_from([
    "\x00", "abc\x00def", "\ud800", "\u202e12-ABC-3", "ẞ" * 300, "😀", "\r\n", " ",
    "' OR 1=1 --", "<script>", "NaN", "Infinity", "１２３",
])
TIMES = st.sampled_from([
    "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00", "1900-01-01T08:00:00+00:19",
    "2026-03-29T02:30:00", "2026-03-29T02:30:00+01:00", "2026-10-25T02:30:00",
    "2026-03-28T08:00:00", "2026-03-28", "08:00", "2026-02-30T08:00:00+01:00",
    "2026-03-28T08:00:00+25:00", "2099-01-01T08:00:00+01:00", "1970-01-01T00:00:00Z",
])
NUMBERS = st.one_of(
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(),
)
NASTY = st.one_of(
    NUL_AND_ODD, TIMES, NUMBERS, st.text(max_size=40), st.none(), st.booleans(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
)


@pytest.fixture
def foreign_vehicle():
    """Another carrier's van: its id must not work for our carrier."""
    return VehicleFactory(plate="99XXX9")


def counts():
    return tuple(model.objects.count() for model in (
        Booking, BookingRequest, WaitlistEntry, Vehicle, WebhookEndpoint, DockReservation,
        StorageReservation))


def state(cast):
    cast.booking.refresh_from_db()
    cast.van.refresh_from_db()
    return counts(), cast.booking.start, cast.booking.end, cast.booking.status, cast.van.length_m


def send(client, method, url, body, *, raw=None):
    """As a client would send it: JSON with escapes (a lone surrogate stays a \\ud800 escape),
    query strings as UTF-8 bytes (a lone surrogate becomes bytes that are not UTF-8)."""
    if method == "get":
        query = urlencode({key: (value if isinstance(value, str) else json.dumps(value))
                           .encode("utf-8", "surrogatepass") for key, value in body.items()})
        return client.get(f"{url}?{query}")
    if raw is None:
        raw = json.dumps(body)
    return getattr(client, method)(url, raw, content_type="application/json")


def assert_answered_well(response, before, after):
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json"), response.content
        body = response.json()
        assert body["status"] == response.status_code
        assert body["type"] and body["title"]
        assert after == before, "a refused request changed the database"


ENDPOINTS = ["booking", "reschedule", "request", "waitlist", "vehicle", "vehicle_change",
             "webhook", "dock", "storage", "availability", "nearest", "dock_availability"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_valid_request_of_each_endpoint_is_accepted(cast, foreign_vehicle, name):
    """The baseline the other tests spoil is itself right."""
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    response = send(cast.client("carrier_key"), method, url, body)
    if name == "webhook":
        # The address must resolve to a public host; no name resolves here.
        assert response.json()["errors"][0]["code"] == "unsafe_url"
        return
    assert response.status_code in (200, 201), response.content[:500]


@pytest.mark.parametrize("name", ENDPOINTS)
@EXAMPLES
@given(data=st.data())
def test_one_spoiled_field_never_causes_a_server_error_or_a_change(cast, foreign_vehicle, name,
                                                                     data):
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    field = data.draw(st.sampled_from(sorted(body)), label="field")
    spoiled = {**body, field: data.draw(NASTY, label="value")}
    if method == "get":
        spoiled = {k: v for k, v in spoiled.items() if v is not None}
    before = state(cast)
    response = send(cast.client("carrier_key"), method, url, spoiled)
    assert_answered_well(response, before, state(cast))


@pytest.mark.parametrize("name", [n for n in ENDPOINTS if n not in (
    "availability", "nearest", "dock_availability")])
@pytest.mark.parametrize("raw", [
    b"{", b"{'bay': 1}", b"[1, 2", b"\xff\xfe{}", b'{"start": NaN}', b"null", b"[]", b'"text"',
    b'{"a": 1}' * 3, b"",
])
def test_malformed_json_is_a_problem_and_changes_nothing(cast, foreign_vehicle, name, raw):
    method, url, _body = endpoints(cast, foreign_vehicle)[name]
    before = state(cast)
    response = send(cast.client("carrier_key"), method, url, None, raw=raw)
    if method == "patch" and raw == b"":
        # An empty PATCH changes nothing and is answered as such.
        assert response.status_code == 200 and state(cast) == before
        return
    assert 400 <= response.status_code < 500
    assert_answered_well(response, before, state(cast))


@pytest.mark.parametrize("name", ["booking", "vehicle", "webhook"])
def test_a_huge_body_is_refused_with_a_problem(cast, foreign_vehicle, name):
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    huge = json.dumps({**body, "note": "x" * (6 * 1024 * 1024)})
    before = state(cast)
    response = send(cast.client("carrier_key"), method, url, None, raw=huge)
    assert response.status_code in (400, 413)
    assert_answered_well(response, before, state(cast))


@pytest.mark.parametrize(("name", "first", "second"), [
    ("booking", "start", "end"), ("reschedule", "start", "end"), ("waitlist", "start", "end"),
    ("dock", "start", "end"), ("request", "earliest_start", "latest_end"),
    ("nearest", "earliest", "latest"), ("storage", "start_date", "end_date"),
])
def test_a_reversed_interval_is_refused(cast, foreign_vehicle, name, first, second):
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    if name == "storage":
        body = {**body, "end_date": (SATURDAY - dt.timedelta(days=1)).isoformat()}
    else:
        body = {**body, first: body[second], second: body[first]}
    before = state(cast)
    response = send(cast.client("carrier_key"), method, url, body)
    assert response.status_code in (400, 409, 422)
    assert_answered_well(response, before, state(cast))


@pytest.mark.parametrize(("name", "field"), [
    ("booking", "vehicle"), ("waitlist", "vehicle"), ("request", "vehicle"), ("dock", "vehicle"),
    ("availability", "vehicle"), ("nearest", "vehicle"),
])
def test_another_organisations_vehicle_is_refused_as_if_it_did_not_exist(cast, foreign_vehicle,
                                                                       name, field):
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    before = state(cast)
    client = cast.client("carrier_key")
    foreign = send(client, method, url, {**body, field: foreign_vehicle.pk})
    missing = send(client, method, url, {**body, field: 987654})
    assert foreign.status_code == missing.status_code
    assert 400 <= foreign.status_code < 500
    assert_answered_well(foreign, before, state(cast))
    assert_answered_well(missing, before, state(cast))


@pytest.mark.parametrize("address", [
    "/api/v1/bookings/NOSUCH01/", "/api/v1/bookings/NOSUCH01/cancel/",
    "/api/v1/requests/NOSUCH01/withdraw/", "/api/v1/waitlist/987654/withdraw/",
    "/api/v1/vehicles/987654/", "/api/v1/webhooks/endpoints/987654/",
    "/api/v1/hub-dock-reservations/987654/cancel/", "/api/v1/bays/987654/",
    "/api/v1/bookings/%00/", "/api/v1/bookings/%E2%80%AE/",
])
def test_ids_that_do_not_exist_are_a_404_problem(cast, address):
    client = cast.client("carrier_key")
    before = state(cast)
    response = client.post(address, {}, format="json") if address.endswith(
        ("cancel/", "withdraw/")) else client.get(address)
    # A NUL byte in the address is refused before any lookup (400); the rest are not found.
    assert response.status_code == (400 if "%00" in address else 404)
    assert_answered_well(response, before, state(cast))


@pytest.mark.parametrize(("name", "field"), [
    ("booking", "note"), ("vehicle", "plate"), ("vehicle", "name"), ("webhook", "description"),
    ("webhook", "url"), ("request", "zone"), ("dock", "note"), ("vehicle_change", "length_m"),
    ("nearest", "address"),
])
@pytest.mark.parametrize("text", ["abc\x00def", "\ud800", "\u202eevil"])
def test_nul_bytes_and_odd_unicode_in_text_never_reach_the_database_badly(
        cast, foreign_vehicle, name, field, text):
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    before = state(cast)
    response = send(cast.client("carrier_key"), method, url, {**body, field: text})
    assert_answered_well(response, before, state(cast))
    if "\x00" in text:
        assert response.status_code == 400


@pytest.mark.parametrize("name", ["vehicle", "booking", "webhook", "request"])
def test_a_lone_surrogate_in_any_field_is_refused_as_malformed(cast, foreign_vehicle, name):
    """Echoed in an error answer, it once made the answer itself fail to encode (a 500)."""
    method, url, body = endpoints(cast, foreign_vehicle)[name]
    before = state(cast)
    for field in body:
        response = send(cast.client("carrier_key"), method, url, {**body, field: "\ud800"})
        assert response.status_code == 400, (field, response.content[:300])
        assert_answered_well(response, before, state(cast))
