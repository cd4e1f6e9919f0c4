import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.selectors import availability
from bookings.services import booking_create
from places.models import Closure
from tests.conftest import FRIDAY, NOW, at
from tests.factories import BayFactory, VehicleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def hhmm(starts):
    return [s.strftime("%H:%M") for s in starts]


def free_starts(bay, *, duration=30, length=6, clean=False, day=FRIDAY):
    [result] = availability(day=day, duration_minutes=duration, vehicle_length_m=length,
                            zero_emission=clean, bays=[bay])
    return hhmm(result.starts)


def test_a_fossil_vehicle_is_offered_only_the_window_open_to_all():
    starts = free_starts(BayFactory())
    assert starts[0] == "07:00" and starts[-1] == "10:30"
    assert len(starts) == 43  # every 5 minutes from 07:00 to 10:30


def test_a_zero_emission_vehicle_is_offered_the_whole_day():
    starts = free_starts(BayFactory(), clean=True)
    assert starts[0] == "07:00" and starts[-1] == "17:30"
    assert "10:45" in starts


def test_starts_that_would_overfill_the_bay_are_not_offered():
    bay = BayFactory(max_vehicles=1)
    vehicle = VehicleFactory()
    booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                   start=at(FRIDAY, "08:00"), end=at(FRIDAY, "08:30"))
    starts = free_starts(bay)
    assert "07:30" in starts and "08:30" in starts
    assert not {"07:35", "07:55", "08:00", "08:25"} & set(starts)


def test_a_short_vehicle_still_fits_beside_a_long_one():
    bay = BayFactory(kerb_length_m=Decimal("12"), max_vehicles=2)
    vehicle = VehicleFactory(length_m=Decimal("8"))
    booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                   start=at(FRIDAY, "08:00"), end=at(FRIDAY, "09:00"))
    assert "08:00" in free_starts(bay, length=3)
    assert "08:00" not in free_starts(bay, length=5)


def test_closed_hours_are_not_offered():
    bay = BayFactory()
    Closure.objects.create(bay=bay, reason="roadworks", start_date=FRIDAY, end_date=FRIDAY,
                           start_time=dt.time(9), end_time=dt.time(10))
    starts = free_starts(bay)
    assert "08:30" in starts and "10:00" in starts
    assert "08:35" not in starts and "09:30" not in starts


def test_times_already_past_are_not_offered():
    later = NOW.replace(hour=9, minute=2)
    [result] = availability(day=FRIDAY, duration_minutes=30, vehicle_length_m=6,
                            zero_emission=False, bays=[BayFactory()], now=later)
    assert hhmm(result.starts)[0] == "09:05"


def test_a_stay_longer_than_allowed_gets_no_starts():
    assert free_starts(BayFactory(), duration=90) == []


def test_a_zone_query_answers_for_each_active_bay_in_a_fixed_number_of_queries(
        django_assert_max_num_queries):
    first = BayFactory()
    BayFactory(zone=first.zone)
    BayFactory(zone=first.zone, is_active=False)
    # Bays, the day's vehicle limits, windows, closures, bookings; the rules then come from
    # the rules cache, and only bays and bookings are read.
    with django_assert_max_num_queries(5):
        result = availability(day=FRIDAY, duration_minutes=30, vehicle_length_m=6,
                              zero_emission=False, zone=first.zone)
    with django_assert_max_num_queries(2):
        again = availability(day=FRIDAY, duration_minutes=30, vehicle_length_m=6,
                             zero_emission=False, zone=first.zone)
    assert len(result) == 2 and again == result


def test_the_sql_of_occupying_stays_returns_what_the_orm_query_returns():
    bay, other = BayFactory(), BayFactory()
    vehicle = VehicleFactory(zero_emission=True)
    for start, end in (("07:00", "07:30"), ("08:00", "08:45"), ("09:00", "09:15")):
        booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                       start=at(FRIDAY, start), end=at(FRIDAY, end))
    booking_create(bay=other, organisation=vehicle.organisation, vehicle_length_m=Decimal("4.5"),
                   vehicle_mass_kg=3500,
                   zero_emission=True, start=at(FRIDAY, "10:00"), end=at(FRIDAY, "10:30"))
    Booking.objects.filter(start=at(FRIDAY, "09:00")).update(status=Booking.Status.CANCELLED)
    window = (at(FRIDAY, "07:15"), at(FRIDAY, "10:01"))
    expected = sorted(Booking.objects.occupying().filter(bay__in=[bay, other])
                      .overlapping(*window)
                      .values_list("pk", "bay_id", "start", "end", "vehicle_length_m"))
    stays = sorted(Booking.objects.occupying_stays([bay.pk, other.pk], *window))
    assert stays == expected and len(stays) == 3
    assert all(start.utcoffset() is not None for _pk, _bay, start, _end, _length in stays)
