"""Recurring bookings: every matching date booked on its own, refusals kept with their reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from bookings import errors
from bookings.models import Booking
from bookings.recurring import booking_series_create, series_days
from bookings.services import booking_create
from places.models import Closure
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
TUESDAY, FRI = 1, 4


@pytest.fixture
def bay():
    return BayFactory(kerb_length_m=Decimal("7"), max_vehicles=1)


def series(bay, organisation, **changes):
    fields = dict(
        organisation=organisation, bay=bay, weekdays=[TUESDAY, FRI], start_time=dt.time(8),
        duration_minutes=30, first_day=FRIDAY, until=FRIDAY + dt.timedelta(days=14),
        vehicle_length_m=Decimal("6"), vehicle_mass_kg=3500, zero_emission=False,
    )
    fields.update(changes)
    return booking_series_create(**fields)


def test_series_days_are_the_chosen_weekdays_between_the_dates():
    days = series_days(FRIDAY, FRIDAY + dt.timedelta(days=14), [TUESDAY, FRI])
    assert [d.isoformat() for d in days] == [
        "2026-03-27", "2026-03-31", "2026-04-03", "2026-04-07", "2026-04-10",
    ]


def test_every_tuesday_and_friday_at_eight_is_booked_until_the_date(bay):
    result = series(bay, OrganisationFactory())
    assert len(result.booked) == 5 and result.not_booked == []
    assert all(b.series == result.series for b in result.booked)
    assert all(b.start.astimezone(at(FRIDAY, "08:00").tzinfo).hour == 8 for b in result.booked)


def test_dates_that_cannot_be_booked_are_listed_with_their_reason_not_dropped(bay):
    market = FRIDAY + dt.timedelta(days=7)
    Closure.objects.create(bay=bay, reason=Closure.Reason.MARKET, start_date=market,
                           end_date=market)
    tuesday = FRIDAY + dt.timedelta(days=4)
    booking_create(bay=bay, organisation=OrganisationFactory(), start=at(tuesday, "08:00"),
                   end=at(tuesday, "08:30"), vehicle_length_m=6,
                   vehicle_mass_kg=3500, zero_emission=False)
    with translation.override("en"):
        result = series(bay, OrganisationFactory())
    missed = {item.day: item.code for item in result.not_booked}
    assert missed == {market: errors.BayClosed.code, tuesday: errors.BayFull.code}
    assert len(result.booked) == 3
    result.series.refresh_from_db()
    assert [item["day"] for item in result.series.not_booked] == [
        tuesday.isoformat(), market.isoformat()
    ]
    assert result.series.not_booked[0]["message"] == "The bay is full at this time."


def test_dates_beyond_the_booking_horizon_wait_for_the_roll_forward_not_refused(bay):
    result = series(bay, OrganisationFactory(), until=FRIDAY + dt.timedelta(days=40))
    assert result.not_booked == []
    assert all(b.start.date() <= FRIDAY + dt.timedelta(days=28) for b in result.booked)
    assert result.series.booked_through == FRIDAY + dt.timedelta(days=28)


def test_a_time_that_does_not_exist_on_the_clock_change_day_is_listed_not_guessed(bay):
    sunday = FRIDAY + dt.timedelta(days=2)  # 29 March 2026: 02:00-03:00 does not exist
    bay.zone.windows.update(start=dt.time(0, 0))
    result = series(bay, OrganisationFactory(), weekdays=[6], start_time=dt.time(2, 30),
                    until=sunday)
    assert [(i.day, i.code) for i in result.not_booked] == [
        (sunday, errors.InvalidLocalTime.code)
    ]


def test_a_series_without_weekdays_or_ending_before_it_starts_is_refused(bay):
    with pytest.raises(errors.BookingError):
        series(bay, OrganisationFactory(), weekdays=[])
    with pytest.raises(errors.BookingError):
        series(bay, OrganisationFactory(), until=FRIDAY - dt.timedelta(days=1))
    assert not Booking.objects.exists()
