"""Rolling series forward: each date that comes inside the horizon is booked once, refusals
reach the owner in their language, and pickups roll forward the same way."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from bookings import errors
from bookings.models import Booking
from bookings.recurring import booking_series_create, roll_forward_all, series_roll_forward
from bookings.tasks import roll_series_forward
from hubs.models import PickupRequest
from hubs.services.pickups import pickup_request_create, roll_pickup_series_forward
from notifications.models import Notification
from places.models import Closure
from tests.conftest import FRIDAY, NOW
from tests.factories import BayFactory, OrganisationFactory
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.django_db]
FRI = 4


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("7"), max_vehicles=1)


def weekly_series(bay, organisation, weeks=10):
    with time_machine.travel(NOW, tick=False):
        return booking_series_create(
            organisation=organisation, bay=bay, weekdays=[FRI], start_time=dt.time(8),
            duration_minutes=30, first_day=FRIDAY, until=FRIDAY + dt.timedelta(weeks=weeks),
            vehicle_length_m=Decimal("6"), vehicle_mass_kg=3500, zero_emission=False,
        ).series


def days_later(days):
    return NOW + dt.timedelta(days=days)


def booked_days(series):
    return sorted(b.start.date() for b in Booking.objects.filter(series=series))


def test_a_new_series_books_up_to_the_horizon_and_the_roll_forward_books_what_comes_inside(bay):
    series = weekly_series(bay, OrganisationFactory())
    assert booked_days(series) == [FRIDAY + dt.timedelta(weeks=w) for w in range(5)]
    with time_machine.travel(days_later(7), tick=False):
        result = series_roll_forward(series.pk)
    assert [b.start.date() for b in result.booked] == [FRIDAY + dt.timedelta(weeks=5)]
    series.refresh_from_db()
    assert series.booked_through == FRIDAY + dt.timedelta(days=35)


def test_rolling_forward_twice_books_each_date_once(bay):
    series = weekly_series(bay, OrganisationFactory())
    with time_machine.travel(days_later(14), tick=False):
        first = roll_forward_all()
        second = roll_forward_all()
        roll_series_forward()
    assert len(first) == 1 and len(first[0].booked) == 2
    assert second == []
    days = booked_days(series)
    assert len(days) == len(set(days)) == 7


def test_the_constraint_refuses_a_second_booking_of_a_series_date(bay):
    from django.db import IntegrityError, transaction

    series = weekly_series(bay, OrganisationFactory())
    booking = Booking.objects.filter(series=series).first()
    twin = Booking(reference="VTWIN001", bay=bay, organisation=booking.organisation,
                   start=booking.start, end=booking.end, vehicle_length_m=Decimal("6"),
                   vehicle_mass_kg=3500,
                   zero_emission=False, series=series)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_an_ended_series_is_not_rolled_forward(bay):
    series = weekly_series(bay, OrganisationFactory())
    series.ended_at = NOW
    series.save()
    with time_machine.travel(days_later(14), tick=False):
        assert roll_forward_all() == []
    assert len(booked_days(series)) == 5


def test_refused_dates_are_told_to_the_owner_in_their_language_with_the_reason(bay):
    owner = OrganisationFactory(preferred_language="nl")
    WebhookEndpoint.objects.create(organisation=owner, url="https://example.org/hook")
    series = weekly_series(bay, owner)
    market = FRIDAY + dt.timedelta(weeks=6)
    Closure.objects.create(bay=bay, reason=Closure.Reason.MARKET, start_date=market,
                           end_date=market)
    with time_machine.travel(days_later(14), tick=False):
        result = series_roll_forward(series.pk)
    assert [(item.day, item.code) for item in result.not_booked] == [
        (market, errors.BayClosed.code)]
    notice = Notification.objects.get(organisation=owner, kind="series.roll_forward_failed")
    assert market.isoformat() in notice.body
    assert "niet" in notice.title  # Dutch: "... datums niet geboekt"
    event = WebhookEvent.objects.get(organisation=owner, event_type="series.roll_forward_failed")
    assert event.payload["not_booked"][0]["code"] == errors.BayClosed.code
    series.refresh_from_db()
    assert series.not_booked[-1]["day"] == market.isoformat()


def test_a_repeating_pickup_requests_four_weeks_and_rolls_forward_each_day_once():
    shop = OrganisationFactory(latitude=52.16, longitude=4.49)
    with time_machine.travel(NOW, tick=False):
        first = pickup_request_create(
            organisation=shop, stream="paper_cardboard", volume_litres=240, day=FRIDAY,
            window_start=dt.time(8), window_end=dt.time(10), recurrence_weekdays=[FRI],
            recurrence_until=FRIDAY + dt.timedelta(weeks=10))
    assert PickupRequest.objects.filter(organisation=shop).count() == 5
    with time_machine.travel(days_later(14), tick=False):
        made = roll_pickup_series_forward()
        again = roll_pickup_series_forward()
    assert [p.day for p in made] == [FRIDAY + dt.timedelta(weeks=5),
                                     FRIDAY + dt.timedelta(weeks=6)]
    assert again == []
    days = list(PickupRequest.objects.filter(organisation=shop).values_list("day", flat=True))
    assert len(days) == len(set(days)) == 7
    first.refresh_from_db()
    assert first.rolled_through == FRIDAY + dt.timedelta(days=42)


@pytest.mark.django_db(transaction=True)
def test_rolling_forward_at_once_from_several_workers_books_each_date_once(bay):
    """On PostgreSQL the runs really overlap; the series' row lock lets one of them book."""
    from django.db import connection

    from tests.races import race

    series = weekly_series(bay, OrganisationFactory())
    later = days_later(21)
    contenders = 4 if connection.vendor == "postgresql" else 2

    def roll(_number):
        result = series_roll_forward(series.pk, now=later)
        return 0 if result is None else len(result.booked)

    outcomes = race(contenders, roll)
    assert outcomes == {3: 1, 0: contenders - 1}
    days = booked_days(series)
    assert len(days) == len(set(days)) == 8
