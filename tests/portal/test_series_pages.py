"""The portal's recurring bookings: changed as a whole or ended (after a confirmation page)."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking, BookingSeries
from bookings.recurring import booking_series_create
from bookings.services import booking_create
from tests.conftest import FRIDAY, at

from .conftest import english_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def series(shop, bay):
    return booking_series_create(
        organisation=shop, bay=bay, weekdays=[FRIDAY.weekday()], start_time=dt.time(9),
        duration_minutes=30, first_day=FRIDAY, until=FRIDAY + dt.timedelta(weeks=3),
        vehicle_length_m=Decimal("6"), vehicle_mass_kg=3500, zero_emission=False).series


def test_the_bookings_page_offers_change_and_end_for_each_series(client_owner, series):
    page = client_owner.get("/portal/bookings/").content.decode()
    assert f"/portal/recurring/{series.pk}/change/" in page
    assert f"/portal/recurring/{series.pk}/end/" in page


def test_changing_the_start_time_moves_the_coming_bookings_and_lists_those_that_stay(
        client_owner, series, bay, stranger_shop):
    blocked = FRIDAY + dt.timedelta(weeks=2)
    booking_create(bay=bay, organisation=stranger_shop, start=at(blocked, "10:00"),
                   end=at(blocked, "10:30"), vehicle_length_m=6, vehicle_mass_kg=3500,
                   zero_emission=False)
    response = client_owner.post(f"/portal/recurring/{series.pk}/change/",
                                 {"start_time": "10:00", "duration": "30", "bay": bay.pk},
                                 follow=True)
    page = response.content.decode()
    assert "3 bookings moved" in page
    assert "stays as it was" in page and "The bay is full at this time." in page
    starts = sorted(b.start.astimezone(at(FRIDAY, "00:00").tzinfo).strftime("%H:%M")
                    for b in Booking.objects.filter(series=series))
    assert starts == ["09:00", "10:00", "10:00", "10:00"]


def test_ending_asks_first_then_cancels_the_coming_bookings(client_owner, series):
    url = f"/portal/recurring/{series.pk}/end/"
    question = client_owner.get(url)
    assert "End the recurring booking" in question.content.decode()
    client_owner.post(url, {})  # no confirmation: nothing happens
    assert BookingSeries.objects.get(pk=series.pk).ended_at is None
    done = client_owner.post(url, {"confirmed": "yes"}, follow=True)
    assert "4 bookings cancelled" in done.content.decode()
    assert set(Booking.objects.filter(series=series).values_list("status", flat=True)) == {
        Booking.Status.CANCELLED}
    assert "/change/" not in client_owner.get(f"/portal/recurring/{series.pk}/").content.decode()


def test_the_pages_speak_dutch(owner, series):
    client = english_client(owner)
    client.cookies["django_language"] = "nl"
    assert "Ja, terugkerende reservering beëindigen" in client.get(
        f"/portal/recurring/{series.pk}/end/").content.decode()
    assert "Reeks wijzigen" in client.get(
        f"/portal/recurring/{series.pk}/change/").content.decode()


def test_another_shop_cannot_change_or_end_a_series(client_stranger, series):
    for url in (f"/portal/recurring/{series.pk}/change/", f"/portal/recurring/{series.pk}/end/"):
        assert client_stranger.get(url).status_code == 404
    assert client_stranger.post(f"/portal/recurring/{series.pk}/end/",
                                {"confirmed": "yes"}).status_code == 404
    assert client_stranger.post(f"/portal/recurring/{series.pk}/change/",
                                {"start_time": "11:00", "duration": "30"}).status_code == 404
    series.refresh_from_db()
    assert series.ended_at is None and series.start_time == dt.time(9)
