"""Bookings and availability stay right on the nights the clocks change."""

import datetime as dt

import pytest

from bookings import errors
from bookings.selectors import availability
from bookings.services import booking_create
from places import localtime
from places.localtime import LOCAL
from tests.conftest import at
from tests.factories import BayFactory, VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SPRING = dt.date(2026, 3, 29)


@pytest.fixture
def night_bay():
    """A bay open all night, so that the clock changes fall inside its window."""
    bay = BayFactory(zone__standard_windows=False, zone__max_stay_minutes=240)
    for weekday in range(7):
        bay.zone.windows.create(weekday=weekday, start=dt.time(0), end=dt.time(23, 59))
    return bay


def test_free_starts_on_the_spring_change_skip_the_missing_hour(night_bay):
    [free] = availability(day=SPRING, duration_minutes=30, vehicle_length_m=5,
                          zero_emission=False, bays=[night_bay])
    local_times = [start.strftime("%H:%M") for start in free.starts]
    assert "01:55" in local_times and "03:00" in local_times
    assert not any(t.startswith("02:") for t in local_times)
    assert all(start.tzinfo is not None for start in free.starts)


def test_a_stay_across_the_spring_change_lasts_its_real_duration(night_bay):
    vehicle = VehicleFactory()
    start = at(SPRING, "01:30")
    end = dt.datetime(2026, 3, 29, 3, 30, tzinfo=LOCAL)  # one real hour later
    booking = booking_create(bay=night_bay, organisation=vehicle.organisation, vehicle=vehicle,
                             start=start, end=end)
    assert localtime.elapsed(booking.start, booking.end) == dt.timedelta(hours=1)


def test_a_time_in_the_spring_gap_is_refused_with_a_clear_reason(night_bay):
    vehicle = VehicleFactory()
    gap = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with pytest.raises(errors.InvalidLocalTime) as refused:
        booking_create(bay=night_bay, organisation=vehicle.organisation, vehicle=vehicle,
                       start=gap, end=gap + dt.timedelta(minutes=30))
    assert "02:30" in refused.value.message


def test_windows_on_the_autumn_change_are_held_in_wall_clock_time():
    bay = BayFactory()
    autumn = dt.date(2026, 10, 25)
    [free] = availability(day=autumn, duration_minutes=30, vehicle_length_m=5,
                          zero_emission=False, bays=[bay],
                          now=dt.datetime(2026, 10, 20, 8, 0, tzinfo=LOCAL))
    assert free.starts[0].strftime("%H:%M") == "07:00"
    assert free.starts[-1].strftime("%H:%M") == "10:30"
