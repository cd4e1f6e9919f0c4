"""Schemathesis generates requests from the OpenAPI schema: no 5xx, answers match the schema.

On PostgreSQL this also proves that text with NUL bytes is refused with a 400
instead of reaching the database (where it raises a DataError).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api.services import api_key_create
from bookings.services import booking_create
from config.wsgi import application
from places import localtime
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory
from tests.security.writes import rows_written

MAX_EXAMPLES = 25


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The WSGI handler closes database connections after each request (Django's test
    client switches that off); the fuzzer calls the real handler, inside the test's
    transaction, so switch it off here too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded through the WSGI app when the module is collected (the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def demo_key(db, wsgi_keeps_the_test_connection):
    """A carrier with a key, a vehicle, a bay and a booking for the fuzzer to find."""
    carrier = OrganisationFactory(slug="fuzz-carrier")
    van = VehicleFactory(organisation=carrier, zero_emission=True)
    bay = BayFactory(zone__book_ahead_days=30)
    start = localtime.make_local(localtime.now().date() + dt.timedelta(days=2), dt.time(8))
    booking_create(bay=bay, organisation=carrier, vehicle=van, start=start,
                   end=localtime.later(start, 30))
    booking_create(bay=bay, organisation=carrier, vehicle_length_m=Decimal("4"),
                   vehicle_mass_kg=3500,
                   zero_emission=True, start=localtime.later(start, 60),
                   end=localtime.later(start, 90))
    _api_key, key = api_key_create(organisation=carrier, name="fuzz")
    return key


# The occupancy stream is Server-Sent Events, whose events schemathesis checks one by one
# against the whole response schema; tests/bookings/test_live_occupancy.py reads it instead.
@pytest.mark.slow
@pytest.mark.django_db
@schema.exclude(path="/api/v1/bays/occupancy/stream/").parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_within_its_schema(case, demo_key, settings):
    settings.API_THROTTLE_RATE = "100000/minute"
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {demo_key}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )


# --- Every JSON body of the schema, spoilt property by property ----------------------------
#
# Schemathesis draws values that fit the schema's types; these are the ones that do not fit
# anything and once gave a 500: JSON nested a thousand levels deep (RecursionError), numbers
# and days off the calendar, NUL bytes and lone surrogates. The operations and their
# properties come from the schema, so a new endpoint is covered when it is documented.

DEEP = "[" * 1_000 + "]" * 1_000
HOSTILE_BODIES = [DEEP, "[" * 65 + "]" * 65, '{"a": ' * 1_000 + "1" + "}" * 1_000]
HOSTILE_VALUES = [DEEP, '"9999-12-31"', '"0001-01-01T00:00:00+00:00"', str(10**30),
                  "-99999999999999999999", '"a\\u0000b"', '"\\ud800"', '"²"']


def _resolved(node: dict) -> dict:
    while "$ref" in node:
        node = schema.raw_schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def json_body_operations() -> list[tuple[str, str, list[str]]]:
    """(method, path, property names) of every operation that takes a JSON body."""
    found = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                fields = _resolved(body["schema"]).get("properties", {})
                properties = sorted(n for n, f in fields.items() if not f.get("readOnly"))
                found.append((method, path, properties))
    return found


def _raw_body(properties: list[str], spoilt: str, value: str) -> str:
    """A JSON object with every property a harmless 1 and the spoilt one the hostile value;
    for the spoilt name "" the hostile value is the whole body."""
    if not spoilt:
        return value
    return "{" + ", ".join(f'"{name}": {value if name == spoilt else "1"}'
                           for name in properties) + "}"


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "properties"), json_body_operations(),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_every_json_body_refuses_hostile_values_with_a_problem_and_writes_nothing(
        demo_key, settings, method, path, properties):
    settings.API_THROTTLE_RATE = "100000/minute"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {demo_key}")
    address = re.sub(r"\{[^}]+\}", "1", path)
    tries = [("", body) for body in HOSTILE_BODIES]
    tries += [(name, value) for name in properties for value in HOSTILE_VALUES]
    for spoilt, value in tries:
        with rows_written() as written:
            response = getattr(client, method)(address, _raw_body(properties, spoilt, value),
                                               content_type="application/json")
        where = f"{method.upper()} {path} {spoilt or 'body'}={value[:30]}"
        assert response.status_code < 500, (where, response.content[:300])
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/problem+json"), where
            assert not written, (where, written)
