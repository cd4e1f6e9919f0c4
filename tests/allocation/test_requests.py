"""Requests are collected until the cut-off, with a sound window and bays of their zone."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings import errors
from bookings.requests import cutoff_instant, request_submit, request_withdraw
from places.localtime import LOCAL
from tests.conftest import FRIDAY, NOW, at
from tests.factories import BayFactory, OrganisationFactory, VehicleFactory

from .helpers import a_zone_with_bays

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)
SUNDAY = FRIDAY + dt.timedelta(days=2)  # 29 March 2026: 02:00-03:00 does not exist


@pytest.fixture
def zone_and_bays():
    return a_zone_with_bays(2)


def submit(zone, bays, *, day=SATURDAY, earliest="08:00", latest="10:00", **kwargs):
    fields = {"organisation": OrganisationFactory(), "zone": zone, "bays": bays,
              "earliest_start": at(day, earliest) if isinstance(earliest, str) else earliest,
              "latest_end": at(day, latest) if isinstance(latest, str) else latest,
              "duration_minutes": 30, "vehicle_length_m": Decimal("6"), "vehicle_mass_kg": 3500,
              "zero_emission": False, **kwargs}
    return request_submit(**fields)


def test_a_sound_request_is_collected_as_pending(zone_and_bays):
    zone, bays = zone_and_bays
    request = submit(zone, bays, preferred_start=at(SATURDAY, "08:30"))
    assert request.status == "pending"
    assert request.day == SATURDAY
    assert set(request.bays.all()) == set(bays)
    assert request.reference.startswith("R")


def test_the_preferred_start_defaults_to_the_earliest(zone_and_bays):
    zone, bays = zone_and_bays
    assert submit(zone, bays).preferred_start == at(SATURDAY, "08:00")


def test_requests_close_at_the_cut_off_on_the_day_before(zone_and_bays):
    zone, bays = zone_and_bays
    assert cutoff_instant(zone, SATURDAY) == at(FRIDAY, "16:00")
    submit(zone, bays, now=at(FRIDAY, "15:59"))
    with pytest.raises(errors.AfterCutoff):
        submit(zone, bays, now=at(FRIDAY, "16:00"))


def test_a_request_for_today_is_after_the_cut_off(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.AfterCutoff):
        submit(zone, bays, day=FRIDAY, earliest="10:00", latest="11:00")


def test_a_request_too_far_ahead_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.TooFarAhead):
        submit(zone, bays, day=FRIDAY + dt.timedelta(days=zone.book_ahead_days + 1))


def test_a_window_shorter_than_the_stay_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.InvalidRequestWindow):
        submit(zone, bays, earliest="08:00", latest="08:20")


def test_a_window_that_ends_before_it_starts_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.EndBeforeStart):
        submit(zone, bays, earliest="10:00", latest="08:00")


def test_a_window_over_two_days_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.InvalidRequestWindow) as refused:
        submit(zone, bays, earliest="23:00", latest=at(SUNDAY, "01:00"))
    assert refused.value.details["reason"] == "spans_days"


def test_a_preferred_start_that_leaves_no_room_for_the_stay_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.InvalidRequestWindow) as refused:
        submit(zone, bays, preferred_start=at(SATURDAY, "09:45"))
    assert refused.value.details["reason"] == "preferred_outside_window"


def test_a_stay_longer_than_the_zone_allows_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.StayTooLong):
        submit(zone, bays, duration_minutes=zone.max_stay_minutes + 5)


def test_a_stay_shorter_than_five_minutes_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.InvalidRequestWindow):
        submit(zone, bays, duration_minutes=3)


def test_times_off_the_whole_minute_are_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.NotOnGrid):
        submit(zone, bays, earliest=at(SATURDAY, "08:00") + dt.timedelta(seconds=30))


def test_a_weight_out_of_range_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.RequestError):
        submit(zone, bays, weight=9)


def test_a_bay_of_another_zone_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.NoAcceptedBays):
        submit(zone, [*bays, BayFactory()])


def test_an_inactive_bay_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    bays[0].is_active = False
    bays[0].save()
    with pytest.raises(errors.NoAcceptedBays):
        submit(zone, bays)


def test_no_bays_at_all_is_refused(zone_and_bays):
    zone, _ = zone_and_bays
    with pytest.raises(errors.NoAcceptedBays):
        submit(zone, [])


def test_a_vehicle_too_long_for_the_bays_is_refused_as_an_instant_booking_is(zone_and_bays):
    zone, bays = zone_and_bays
    truck = VehicleFactory(length_m=Decimal("11.5"))
    with pytest.raises(errors.VehicleTooLong):
        submit(zone, bays, organisation=truck.organisation, vehicle=truck,
               vehicle_length_m=None, zero_emission=None)


def test_the_vehicle_gives_length_and_zero_emission(zone_and_bays):
    zone, bays = zone_and_bays
    e_van = VehicleFactory(length_m=Decimal("5.5"), zero_emission=True)
    request = submit(zone, bays, organisation=e_van.organisation, vehicle=e_van,
                     vehicle_length_m=None, zero_emission=None)
    assert (request.vehicle_length_m, request.zero_emission) == (Decimal("5.5"), True)


def test_a_time_that_does_not_exist_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    skipped = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with pytest.raises(errors.InvalidLocalTime):
        submit(zone, bays, day=SUNDAY, earliest=skipped, latest="04:00",
               now=NOW)


def test_a_time_without_offset_is_refused(zone_and_bays):
    zone, bays = zone_and_bays
    with pytest.raises(errors.InvalidLocalTime):
        submit(zone, bays, earliest=dt.datetime(2026, 3, 28, 8, 0))


def test_a_time_in_the_repeated_october_hour_is_refused():
    zone, bays = a_zone_with_bays(1)
    zone.book_ahead_days = 400
    zone.save()
    repeated = dt.datetime(2026, 10, 25, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with pytest.raises(errors.InvalidLocalTime):
        submit(zone, bays, day=dt.date(2026, 10, 25), earliest=repeated,
               latest=dt.datetime(2026, 10, 25, 6, 0, tzinfo=LOCAL))


def test_a_window_across_the_spring_change_counts_real_minutes(zone_and_bays):
    zone, bays = zone_and_bays
    # 01:30-03:15 local on the spring night is only 45 real minutes.
    with pytest.raises(errors.InvalidRequestWindow):
        submit(zone, bays, day=SUNDAY, earliest="01:30", latest="03:15",
               duration_minutes=60)


def test_a_cut_off_inside_the_skipped_hour_still_has_an_instant():
    zone, _ = a_zone_with_bays(1)
    zone.allocation_cutoff = dt.time(2, 30)
    zone.save()
    monday = SUNDAY + dt.timedelta(days=1)
    assert cutoff_instant(zone, monday) == dt.datetime(2026, 3, 29, 3, 30, tzinfo=LOCAL)


def test_a_pending_request_can_be_withdrawn_once(zone_and_bays):
    zone, bays = zone_and_bays
    request = submit(zone, bays)
    assert request_withdraw(request=request).status == "withdrawn"
    with pytest.raises(errors.InvalidState):
        request_withdraw(request=request)
