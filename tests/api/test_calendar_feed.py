"""Calendar apps subscribe to an organisation's bookings with the secret token in the URL."""

import pytest
from icalendar import Calendar

from bookings.services import booking_cancel, booking_create
from tests.conftest import FRIDAY, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_the_feed_lists_the_organisations_bookings_and_parses(anonymous, carrier, bay, van,
                                                              e_van):
    kept = booking_create(bay=bay, organisation=carrier, vehicle=van,
                          start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    dropped = booking_create(bay=bay, organisation=carrier, vehicle=e_van,
                             start=at(FRIDAY, "12:00"), end=at(FRIDAY, "12:45"))
    booking_cancel(booking=dropped)
    response = anonymous.get(f"/api/v1/calendar/{carrier.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{kept.reference}@venster", f"{dropped.reference}@venster"}
    event = events[f"{kept.reference}@venster"]
    assert event.decoded("dtstart") == at(FRIDAY, "08:00")
    assert event.decoded("dtend") == at(FRIDAY, "08:30")
    assert str(events[f"{dropped.reference}@venster"]["status"]) == "CANCELLED"


def test_another_organisations_bookings_are_not_in_the_feed(anonymous, carrier, stranger, bay):
    from tests.factories import VehicleFactory

    theirs = VehicleFactory(organisation=stranger.organisation)
    booking_create(bay=bay, organisation=stranger.organisation, vehicle=theirs,
                   start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    response = anonymous.get(f"/api/v1/calendar/{carrier.calendar_token}.ics")
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


@pytest.mark.parametrize("token", ["wrong-token-of-enough-length-123", "short", "a%00b" * 8])
def test_a_wrong_token_answers_404(anonymous, carrier, token):
    assert anonymous.get(f"/api/v1/calendar/{token}.ics").status_code == 404
