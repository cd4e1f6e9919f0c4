"""Schemathesis generates requests from the OpenAPI schema: no 5xx, answers match the schema.

On PostgreSQL this also proves that text with NUL bytes is refused with a 400
instead of reaching the database (where it raises a DataError).
"""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
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
                   zero_emission=True, start=localtime.later(start, 60),
                   end=localtime.later(start, 90))
    _api_key, key = api_key_create(organisation=carrier, name="fuzz")
    return key


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_within_its_schema(case, demo_key, settings):
    settings.API_THROTTLE_RATE = "100000/minute"
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {demo_key}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
