"""Fleet readiness: the day each vehicle loses access to each zone, what is booked after it,
on the portal and the API, and notices 90 and 30 days ahead, each sent once."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from access.readiness import access_end, fleet_readiness, notify_access_ending, zone_readiness
from access.tasks import notify_zero_emission_access_ending
from bookings.models import Booking, BookingSeries
from bookings.services import booking_create
from notifications.models import Notification
from places.localtime import LOCAL
from tests.access.factories import ExemptionFactory
from tests.access.test_rdw_regime_import import load_regime_fixture
from tests.api.conftest import key_client
from tests.conftest import at
from tests.factories import (
    BayFactory,
    MembershipFactory,
    OrganisationFactory,
    VehicleFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 10, 1)  # 92 days before Euro 5 vans lose access on 2027-01-01


@pytest.fixture
def world():
    load_regime_fixture()
    zone = ZoneFactory(zero_emission_from=D(2025, 1, 1), book_ahead_days=120)
    ZoneFactory(zero_emission_zone=False)  # no zero-emission zone: not listed
    carrier = OrganisationFactory(kind="carrier")
    vehicles = {plate: VehicleFactory(organisation=carrier, plate=plate, category="van",
                                      length_m=Decimal("5.5"))
                for plate in ("VN505E", "VN606E", "ZE101V")}
    bay = BayFactory(zone=zone, kerb_length_m=Decimal("30"), max_vehicles=3)
    return zone, carrier, vehicles, bay


def book(bay, vehicle, day, now):
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(day, "08:00"), end=at(day, "08:30"), now=now)


def test_each_vehicle_gets_the_day_it_loses_access_and_its_bookings_after(world):
    zone, carrier, vehicles, bay = world
    now = dt.datetime(2026, 12, 20, 6, tzinfo=LOCAL)
    before = book(bay, vehicles["VN505E"], D(2026, 12, 31), now)
    after = Booking.objects.create(  # booked before the rule; the regime refuses it now
        bay=bay, organisation=carrier, vehicle=vehicles["VN505E"], plate="VN505E",
        start=at(D(2027, 1, 4), "08:00"), end=at(D(2027, 1, 4), "08:30"),
        vehicle_length_m=Decimal("5.5"), zero_emission=False, reference="B-AFTER-1")
    series = BookingSeries.objects.create(
        organisation=carrier, bay=bay, vehicle=vehicles["VN505E"],
        vehicle_length_m=Decimal("5.5"), zero_emission=False, weekdays=[0],
        start_time=dt.time(8), duration_minutes=30, first_day=D(2026, 10, 5),
        until=D(2027, 3, 1))
    rows = {r.vehicle.plate: r for r in fleet_readiness(carrier, TODAY)}
    (euro5,) = rows["VN505E"].zones
    assert (euro5.zone, euro5.end.day, euro5.end.code) == (zone, D(2027, 1, 1),
                                                           "van_transition_ended")
    assert euro5.bookings == [after] and before not in euro5.bookings
    assert euro5.series == [series]
    assert rows["VN606E"].zones[0].end.day == D(2029, 1, 1)
    assert rows["ZE101V"].zones[0].end.day is None
    assert zone_readiness(zone, TODAY) == [(D(2027, 1, 1), "van_transition_ended", 1)]


def test_an_exemption_carries_access_past_the_regimes_end(world):
    zone, _carrier, vehicles, _bay = world
    ExemptionFactory(plate="VN505E", municipality=zone.municipality,
                     valid_from=D(2027, 1, 1), valid_until=D(2027, 6, 30))
    end = access_end(vehicles["VN505E"], zone, TODAY)
    assert (end.day, end.code) == (D(2027, 7, 1), "van_transition_ended")


def test_notices_90_and_30_days_ahead_each_once(world):
    zone, carrier, vehicles, bay = world
    Booking.objects.create(
        bay=bay, organisation=carrier, vehicle=vehicles["VN505E"], plate="VN505E",
        start=at(D(2027, 1, 4), "08:00"), end=at(D(2027, 1, 4), "08:30"),
        vehicle_length_m=Decimal("5.5"), zero_emission=False, reference="B-AFTER-2")
    assert notify_access_ending(D(2026, 10, 2)) == 0   # 91 days ahead: not yet
    assert notify_access_ending(D(2026, 10, 3)) == 1   # 90 days
    assert notify_access_ending(D(2026, 10, 4)) == 0   # told already
    assert notify_access_ending(D(2026, 12, 2)) == 1   # 30 days
    with time_machine.travel(dt.datetime(2026, 12, 3, 6, tzinfo=LOCAL), tick=False):
        assert notify_zero_emission_access_ending() == 0
    notes = Notification.objects.filter(organisation=carrier,
                                        kind=Notification.Kind.ZERO_EMISSION_ACCESS_ENDING)
    assert notes.count() == 2
    assert all(n.payload["bookings"] == ["B-AFTER-2"] for n in notes)
    assert "2027-01-01" in notes.first().title


def test_the_portal_and_the_api_show_readiness(world):
    _zone, carrier, _vehicles, _bay = world
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=LOCAL), tick=False):
        client = Client()
        client.force_login(MembershipFactory(organisation=carrier).user)
        page = client.get("/portal/zero-emission/", HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert "1 January 2027" in page.content.decode()
        answer = key_client(carrier).get("/api/v1/vehicles/readiness/")
        assert answer.status_code == 200
        by_plate = {row["plate"]: row["zones"][0] for row in answer.json()}
        assert by_plate["VN505E"]["access_ends"] == "2027-01-01"
        assert by_plate["VN505E"]["code"] == "van_transition_ended"
        assert by_plate["ZE101V"]["access_ends"] is None
        other = key_client(OrganisationFactory()).get("/api/v1/vehicles/readiness/")
        assert other.json() == []  # another organisation sees none of these vehicles
