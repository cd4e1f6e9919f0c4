"""An affected booking in the API and the calendar feed, and taking an offered alternative."""

import datetime as dt

import pytest
from icalendar import Calendar

from bookings.affected import closure_save
from bookings.models import Booking
from bookings.services import booking_create
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory

from .conftest import problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def affected(bay, carrier, van):
    """The carrier's 08:00 booking, hit by a closure of its bay from 07:00 to 09:00."""
    BayFactory(zone=bay.zone, code="NEXT-1", latitude=bay.latitude + 0.0005,
               longitude=bay.longitude)
    booking = booking_create(bay=bay, organisation=carrier, vehicle=van,
                             start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    closure_save(Closure(bay=bay, reason="roadworks", start_date=FRIDAY, end_date=FRIDAY,
                         start_time=dt.time(7), end_time=dt.time(9)))
    booking.refresh_from_db()
    assert booking.is_affected
    return booking


def url(booking, action=""):
    return f"/api/v1/bookings/{booking.reference}/{action}"


def test_the_booking_says_it_is_affected_with_the_reason_and_the_alternatives(owner, affected):
    body = owner.get(url(affected)).json()
    assert body["affected"] is True
    assert body["affected_reason"] == "bay_closed"
    assert body["affected_at"] == "2026-03-27T06:00:00+01:00"
    first = body["alternatives"][0]
    assert first["bay_code"] == "NEXT-1"
    assert first["start"] == at(FRIDAY, "08:00").isoformat()
    assert set(first) == {"bay", "bay_code", "street", "distance_m", "start", "end"}
    assert 1 <= len(body["alternatives"]) <= 3


def test_an_unaffected_booking_says_so(owner, bay, carrier, e_van):
    booking = booking_create(bay=bay, organisation=carrier, vehicle=e_van,
                             start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:30"))
    body = owner.get(url(booking)).json()
    assert (body["affected"], body["affected_reason"], body["affected_at"],
            body["alternatives"]) == (False, "", None, [])


def accept(client, booking, option):
    return client.post(url(booking, "accept-alternative/"),
                       {"bay": option["bay"], "start": option["start"]}, format="json")


def test_accepting_an_offered_alternative_moves_the_booking_and_clears_the_mark(owner,
                                                                                affected):
    option = owner.get(url(affected)).json()["alternatives"][0]
    response = accept(owner, affected, option)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bay"] == option["bay"] and body["start"] == option["start"]
    assert body["affected"] is False and body["alternatives"] == []
    moved = Booking.objects.get(pk=affected.pk)
    assert moved.bay_id == option["bay"] and moved.end == at(FRIDAY, "08:30")
    # offered once: the same alternative cannot be taken a second time
    again = accept(owner, affected, option)
    assert again.status_code == 422
    assert problem(again)["code"] == "alternative_not_offered"


def test_a_slot_that_was_not_offered_is_refused_and_nothing_changes(owner, affected, bay):
    option = owner.get(url(affected)).json()["alternatives"][0]
    other_time = {**option, "start": at(FRIDAY, "10:00").isoformat()}
    response = accept(owner, affected, other_time)
    assert response.status_code == 422
    assert problem(response)["code"] == "alternative_not_offered"
    unchanged = Booking.objects.get(pk=affected.pk)
    assert (unchanged.bay_id, unchanged.start) == (bay.pk, at(FRIDAY, "08:00"))
    assert unchanged.is_affected


def test_an_alternative_taken_since_it_was_offered_is_refused(owner, affected, bay):
    option = owner.get(url(affected)).json()["alternatives"][0]
    taken_bay = Booking.objects.get(pk=affected.pk).affected_alternatives[0]["bay_id"]
    from places.models import LoadingBay

    taken = LoadingBay.objects.get(pk=taken_bay)
    for _index in range(taken.max_vehicles):
        other = VehicleFactory()
        booking_create(bay=taken, organisation=other.organisation, vehicle=other,
                       start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    response = accept(owner, affected, option)
    assert response.status_code == 409
    assert problem(response)["code"] == "alternative_no_longer_free"
    assert Booking.objects.get(pk=affected.pk).bay_id == bay.pk


def test_another_organisations_booking_cannot_take_its_alternative(stranger, owner, affected,
                                                                   bay):
    option = owner.get(url(affected)).json()["alternatives"][0]
    response = accept(stranger, affected, option)
    assert response.status_code == 404
    assert Booking.objects.get(pk=affected.pk).bay_id == bay.pk


def test_the_calendar_feed_shows_an_affected_booking_as_tentative_with_the_reason(
        anonymous, carrier, affected):
    response = anonymous.get(f"/api/v1/calendar/{carrier.calendar_token}.ics")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["status"]) == "TENTATIVE"
    assert str(Booking.AffectedReason.BAY_CLOSED.label) in str(event["description"])
