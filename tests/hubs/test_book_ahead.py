"""A hub is reserved at most its book_ahead_days ahead (28, as a zone's bays): one rule in the
service for dock slots, chains and storage, refused with the bookings' code too_far_ahead."""

import datetime as dt

import pytest

from bookings import errors as booking_errors
from bookings.models import Booking
from hubs.models import DockReservation, LastMileChain, StorageReservation
from hubs.services import storage_reservation_create
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, HubFactory, OrganisationFactory

from .test_api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

LAST_DAY = FRIDAY + dt.timedelta(days=28)  # Friday 24 April 2026
TOO_FAR = LAST_DAY + dt.timedelta(days=1)


@pytest.fixture
def hub():
    return HubFactory(book_ahead_days=28)


@pytest.fixture
def api():
    return client_for(OrganisationFactory())


def test_storage_may_start_on_the_hub_s_last_bookable_day_and_not_a_day_later(hub):
    carrier = OrganisationFactory()
    kept = storage_reservation_create(hub=hub, organisation=carrier, pallets=2,
                                      start_date=LAST_DAY, end_date=LAST_DAY)
    with pytest.raises(booking_errors.TooFarAhead) as refused:
        storage_reservation_create(hub=hub, organisation=carrier, pallets=2,
                                   start_date=TOO_FAR, end_date=TOO_FAR)
    assert refused.value.details == {"last_day": "2026-04-24"}
    assert list(StorageReservation.objects.all()) == [kept]


@pytest.mark.parametrize("first, last", [
    ("9999-12-30", "9999-12-31"), ("9999-12-31", "9999-12-31"), (TOO_FAR, TOO_FAR),
])
def test_storage_far_ahead_is_refused_through_the_api_and_nothing_is_stored(hub, api,
                                                                            first, last):
    response = api.post("/api/v1/hub-storage-reservations/", {
        "hub": hub.pk, "pallets": 1, "start_date": str(first), "end_date": str(last)},
        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"], body["last_day"]) == ("too_far_ahead", "2026-04-24")
    assert body["detail"] == "This hub cannot be reserved that far ahead."
    assert not StorageReservation.objects.exists()


def test_the_refusal_speaks_dutch_by_default(hub, api):
    response = api.post("/api/v1/hub-storage-reservations/", {
        "hub": hub.pk, "pallets": 1, "start_date": str(TOO_FAR), "end_date": str(TOO_FAR)},
        format="json")
    assert response.json()["detail"] == "Deze hub kan niet zo ver vooruit worden gereserveerd."


def test_a_dock_slot_and_a_chain_past_the_last_bookable_day_are_refused_alike(hub, api):
    inbound = {"hub": hub.pk, "start": at(TOO_FAR, "08:00").isoformat(),
               "end": at(TOO_FAR, "08:30").isoformat(), "vehicle_length_m": "7"}
    dock = api.post("/api/v1/hub-dock-reservations/", inbound, format="json")
    chain = api.post("/api/v1/hub-chains/", {
        "hub": hub.pk, "inbound_start": inbound["start"], "inbound_end": inbound["end"],
        "vehicle_length_m": "12", "delivery_vehicle_mass_kg": 3500, "delivery_bay": BayFactory().pk,
        "delivery_start": at(TOO_FAR, "09:30").isoformat(),
        "delivery_end": at(TOO_FAR, "09:50").isoformat()}, format="json")
    for response in (dock, chain):
        assert response.status_code == 422, response.content
        assert (response.json()["code"], response.json()["last_day"]) == (
            "too_far_ahead", "2026-04-24")
    assert not DockReservation.objects.exists()
    assert not Booking.objects.exists() and not LastMileChain.objects.exists()
    inbound.update(start=at(LAST_DAY, "08:00").isoformat(), end=at(LAST_DAY, "08:30").isoformat())
    assert api.post("/api/v1/hub-dock-reservations/", inbound, format="json").status_code == 201


@pytest.mark.parametrize("day", [str(FRIDAY - dt.timedelta(days=1)), str(TOO_FAR)])
def test_dock_availability_offers_nothing_before_today_or_past_the_last_bookable_day(hub, api,
                                                                                     day):
    response = api.get(f"/api/v1/hubs/{hub.pk}/dock-availability/", {"day": day})
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dock_availability_refuses_a_day_outside_the_calendar(hub, api, day):
    response = api.get(f"/api/v1/hubs/{hub.pk}/dock-availability/", {"day": day})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["code"] == "out_of_range"


def test_dock_availability_offers_the_last_bookable_day(hub, api):
    response = api.get(f"/api/v1/hubs/{hub.pk}/dock-availability/", {"day": str(LAST_DAY)})
    assert response.status_code == 200
    assert response.json()[0]["start"] == f"{LAST_DAY}T06:00:00+02:00"
