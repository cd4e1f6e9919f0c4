"""The Events API: check-ins are park_start, check-outs park_end, with no plate published."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from bookings.services import booking_check_in, booking_check_out, booking_create
from cds import ids
from cds.query import to_millis
from tests.access.factories import RegisteredVehicleFactory
from tests.cds import schemas
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

pytestmark = pytest.mark.django_db
CDS = "application/vnd.cds+json;version=1.0"


@pytest.fixture
def visits(frozen_now):
    bay, other = BayFactory(), BayFactory()
    RegisteredVehicleFactory(plate="VF789M", fuels=["Benzine", "Elektriciteit"])
    # Zero-emission-only windows need a plate the register clears.
    RegisteredVehicleFactory(plate="GV123B", fuels=["Elektriciteit"], zero_emission=True)
    hybrid = VehicleFactory(plate="VF789M", zero_emission=False, length_m=Decimal("4.54"))
    e_van = VehicleFactory(plate="GV123B", zero_emission=True)
    first = booking_create(bay=bay, organisation=hybrid.organisation, vehicle=hybrid,
                           start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    second = booking_create(bay=other, organisation=e_van.organisation, vehicle=e_van,
                            start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:30"))
    booking_check_in(booking=first, now=at(FRIDAY, "08:02"))
    booking_check_out(booking=first, now=at(FRIDAY, "08:21"))
    booking_check_in(booking=second, now=at(FRIDAY, "12:01"))
    return {"bay": bay, "other": other, "first": first, "second": second}


def events(**params):
    response = Client().get("/cds/events/events", params, HTTP_ACCEPT=CDS)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CDS
    body = response.json()
    assert schemas.response_problems("/events/events", body) == []
    return body


def test_every_event_has_the_required_fields_and_types(visits):
    found = events()["data"]["events"]
    assert len(found) == 3
    for event in found:
        assert schemas.problems(event, schemas.CURB_EVENT) == []


def test_check_in_and_check_out_become_park_start_and_park_end_most_recent_first(visits):
    found = events()["data"]["events"]
    assert [e["event_type"] for e in found] == ["park_start", "park_end", "park_start"]
    assert [e["event_time"] for e in found] == [
        to_millis(at(FRIDAY, "12:01")), to_millis(at(FRIDAY, "08:21")),
        to_millis(at(FRIDAY, "08:02"))]
    hybrid_start = found[2]
    assert hybrid_start["curb_zone_id"] == ids.curb_zone_id(visits["bay"].pk)
    assert hybrid_start["vehicle_length"] == 454
    assert hybrid_start["vehicle_propulsion_types"] == ["electric", "combustion"]
    assert hybrid_start["vehicle_type"] == "van"
    assert found[0]["vehicle_propulsion_types"] == ["electric"]


def test_no_plate_organisation_or_reference_is_published(visits):
    text = json.dumps(events())
    for secret in ["VF789M", "GV123B", visits["first"].reference,
                   visits["first"].organisation.name]:
        assert secret not in text


def test_events_filter_by_curb_zone_area_and_space(visits):
    zone_id = ids.curb_zone_id(visits["other"].pk)
    assert [e["event_type"] for e in events(curb_zone_id=zone_id)["data"]["events"]] == [
        "park_start"]
    space_id = ids.curb_space_id(visits["bay"].pk, 1)
    assert len(events(curb_space_id=space_id)["data"]["events"]) == 2
    area_id = ids.curb_area_id(visits["bay"].zone_id)
    assert len(events(curb_area_id=area_id)["data"]["events"]) == 2


def test_the_last_page_says_so(visits):
    body = events()
    assert body["links"]["next"] is None and body["links"]["prev"] is None
    assert body["last_updated"] == to_millis(at(FRIDAY, "12:01"))


def test_events_are_public(visits):
    with time_machine.travel(at(FRIDAY + dt.timedelta(days=1), "09:00"), tick=False):
        assert Client().get("/cds/events/events").status_code == 200
