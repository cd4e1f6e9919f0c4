"""The kerb now: occupancy per bay from check-ins and bookings, as JSON and as a stream
of Server-Sent Events, agreeing with the database after a burst of check-ins."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.db import connection
from django.test import Client

from bookings.models import Booking
from bookings.services import booking_cancel, booking_check_in, booking_check_out, booking_create
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory
from tests.races import race

pytestmark = pytest.mark.django_db
URL = "/api/v1/bays/occupancy/"
NOW = at(FRIDAY, "08:10")


def book(bay, start="08:00", end="08:30"):
    vehicle = VehicleFactory()
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(FRIDAY, start), end=at(FRIDAY, end))


@pytest.fixture
def street(frozen_now):
    bay, quiet = BayFactory(max_vehicles=3), BayFactory(max_vehicles=2)
    standing, coming, cancelled = book(bay), book(bay), book(quiet)
    book(bay, "09:00", "09:30")  # later today: neither standing nor expected now
    booking_cancel(booking=cancelled, now=at(FRIDAY, "07:00"))
    booking_check_in(booking=standing, now=at(FRIDAY, "08:01"))
    return {"bay": bay, "quiet": quiet, "coming": coming}


def occupancy(**params):
    with time_machine.travel(NOW, tick=False):
        response = Client().get(URL, params)
    assert response.status_code == 200, response.content
    return {row["bay"]: row for row in response.json()}


def test_each_bay_counts_who_stands_there_and_who_is_expected_now(street):
    found = occupancy()
    bay = found[street["bay"].pk]
    assert (bay["occupied"], bay["expected"], bay["capacity"], bay["free"]) == (1, 1, 3, 1)
    quiet = found[street["quiet"].pk]
    assert (quiet["occupied"], quiet["expected"], quiet["free"]) == (0, 0, 2)


def test_the_feed_names_no_plate_organisation_or_booking(street):
    row = occupancy()[street["bay"].pk]
    assert set(row) == {"bay", "code", "zone", "latitude", "longitude", "capacity",
                        "occupied", "expected", "free"}


def test_the_feed_can_be_narrowed_to_a_zone(street):
    found = occupancy(zone=street["quiet"].zone_id)
    assert set(found) == {street["quiet"].pk}


@pytest.mark.parametrize("value", ["abc", "0", "-1", "9" * 30, "1\x00"])
def test_a_bad_zone_is_refused_with_a_problem_document(street, value):
    response = Client().get(URL, {"zone": value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_stream_sends_a_snapshot_then_only_what_changed(street, settings):
    settings.OCCUPANCY_STREAM_SECONDS = 5
    settings.OCCUPANCY_STREAM_INTERVAL_SECONDS = 0.01
    with time_machine.travel(NOW, tick=False):
        response = Client().get(URL + "stream/")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        events = iter(response.streaming_content)
        assert next(events).decode().startswith("retry: ")
        snapshot = next(events).decode()
        assert snapshot.startswith("event: snapshot\n")
        assert len(json.loads(snapshot.split("data: ", 1)[1])) == 2
        assert next(events).decode().startswith(":"), "nothing changed yet"
        booking_check_in(booking=street["coming"])
        change = next(events).decode()
    assert change.startswith("event: occupancy\n")
    (bay,) = json.loads(change.split("data: ", 1)[1])
    assert (bay["bay"], bay["occupied"], bay["expected"]) == (street["bay"].pk, 2, 0)


@pytest.mark.skipif(connection.vendor == "sqlite",
                    reason="SQLite serialises every write: there is no burst to race.")
@pytest.mark.django_db(transaction=True)
def test_feeds_agree_with_the_database_after_a_burst_of_check_ins_and_releases(frozen_now):
    bays = [BayFactory(max_vehicles=3) for _ in range(4)]
    bookings = [book(bays[n % 4]) for n in range(12)]

    def arrive(number):
        booking = bookings[number]
        booking_check_in(booking=booking, now=at(FRIDAY, "08:05"))
        if number % 3 == 0:
            booking_check_out(booking=Booking.objects.get(pk=booking.pk),
                              now=at(FRIDAY, "08:08"))
        return "done"

    assert race(12, arrive) == {"done": 12}
    found = occupancy()
    for bay in bays:
        standing = Booking.objects.filter(bay=bay, status=Booking.Status.CHECKED_IN).count()
        assert found[bay.pk]["occupied"] == standing
        assert found[bay.pk]["expected"] == 0
    assert sum(row["occupied"] for row in found.values()) == 8
    with time_machine.travel(NOW, tick=False):
        events = Client().get("/cds/events/events").json()["data"]["events"]
    kinds = [e["event_type"] for e in events]
    assert kinds.count("park_start") == 12 and kinds.count("park_end") == 4
