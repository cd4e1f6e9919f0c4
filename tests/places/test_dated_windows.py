"""Dated windows and vehicle limits: every reader uses the version in force on the booking's
local day.

The zone's windows change on Sunday 29 March 2026, the night the clocks go forward:
until Saturday all vehicles may load 07:00-11:00; from Sunday 00:00-04:00 and 14:00-16:00.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from bookings import errors
from bookings.allocation import apply_plan, build_instance
from bookings.models import AllocationRun, Booking, BookingRequest
from bookings.selectors import availability
from bookings.services import booking_create, booking_reschedule
from places.localtime import LOCAL
from places.models import TimeWindow, VehicleLimit
from places.selectors import vehicle_limits_in_force, windows_in_force
from portal.selectors import NearBay, bays_today
from tests.allocation.helpers import a_request
from tests.conftest import FRIDAY, at
from tests.factories import BayFactory, VehicleFactory, ZoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)
SPRING = dt.date(2026, 3, 29)  # Sunday; 02:00 becomes 03:00
OLD = [(dt.time(7), dt.time(11))]
NEW = [(dt.time(0), dt.time(4)), (dt.time(14), dt.time(16))]


def versioned_zone(change=SPRING):
    zone = ZoneFactory(standard_windows=False, max_stay_minutes=120)
    for weekday in range(7):
        for start, end in OLD:
            TimeWindow.objects.create(zone=zone, weekday=weekday, start=start, end=end,
                                      valid_until=change)
        for start, end in NEW:
            TimeWindow.objects.create(zone=zone, weekday=weekday, start=start, end=end,
                                      valid_from=change)
    return zone


@pytest.fixture
def bay():
    return BayFactory(zone=versioned_zone(), kerb_length_m=Decimal("14"), max_vehicles=1)


@pytest.fixture
def van():
    return VehicleFactory(length_m=Decimal("6"), zero_emission=False)


def hours(windows):
    return [(w.start, w.end) for w in windows]


def book(bay, van, day, start, end):
    return booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                          start=at(day, start), end=at(day, end))


# --- The selector -----------------------------------------------------------------------------


def test_the_selector_takes_the_old_version_until_the_day_before_and_the_new_from_its_day(bay):
    assert hours(windows_in_force([bay], SATURDAY)[bay.pk]) == OLD
    assert hours(windows_in_force([bay], SPRING)[bay.pk]) == NEW
    assert hours(windows_in_force([bay], SPRING + dt.timedelta(days=365))[bay.pk]) == NEW
    assert hours(windows_in_force([bay], dt.date(2020, 1, 1))[bay.pk]) == OLD


def test_a_bays_own_dated_windows_replace_the_zones_only_while_in_force(bay):
    TimeWindow.objects.create(bay=bay, weekday=SPRING.weekday(), start=dt.time(9),
                              end=dt.time(10), valid_from=SPRING,
                              valid_until=SPRING + dt.timedelta(days=7))
    assert hours(windows_in_force([bay], SPRING)[bay.pk]) == [(dt.time(9), dt.time(10))]
    assert hours(windows_in_force([bay], SPRING + dt.timedelta(days=7))[bay.pk]) == NEW
    assert hours(windows_in_force([bay], SPRING - dt.timedelta(days=7))[bay.pk]) == OLD


def test_the_database_refuses_a_version_that_ends_before_it_starts(bay):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeWindow.objects.create(zone=bay.zone, weekday=0, start=dt.time(7), end=dt.time(8),
                                  valid_from=SPRING, valid_until=SPRING)
    TimeWindow.objects.create(zone=bay.zone, weekday=0, start=dt.time(7), end=dt.time(8),
                              valid_from=SPRING, valid_until=SPRING + dt.timedelta(days=1))


# --- Booking paths ------------------------------------------------------------------------------


def test_a_booking_just_after_midnight_local_uses_the_new_days_version(bay, van):
    # 00:30 on Sunday is 23:30 UTC on Saturday: the local day decides.
    booking = book(bay, van, SPRING, "00:30", "01:30")
    assert booking.start.astimezone(dt.UTC).date() == SATURDAY
    with pytest.raises(errors.OutsideWindow):
        book(bay, van, SATURDAY, "00:30", "01:30")


def test_a_stay_across_the_missing_hour_fits_the_new_night_window(bay, van):
    booking = booking_create(bay=bay, organisation=van.organisation, vehicle=van,
                             start=at(SPRING, "01:30"),
                             end=dt.datetime(2026, 3, 29, 3, 30, tzinfo=LOCAL))
    assert booking.pk


def test_booking_follows_the_version_on_both_sides_of_the_change(bay, van):
    assert book(bay, van, SATURDAY, "08:00", "08:30").pk
    with pytest.raises(errors.OutsideWindow):
        book(bay, van, SPRING, "08:00", "08:30")
    assert book(bay, van, SPRING, "14:00", "14:30").pk
    with pytest.raises(errors.OutsideWindow):
        book(bay, van, SATURDAY, "14:00", "14:30")
    assert Booking.objects.count() == 2


def test_a_reschedule_into_the_new_version_must_fit_its_windows(bay, van):
    booking = book(bay, van, SATURDAY, "08:00", "08:30")
    with pytest.raises(errors.OutsideWindow):
        booking_reschedule(booking=booking, start=at(SPRING, "08:00"), end=at(SPRING, "08:30"))
    booking.refresh_from_db()
    assert booking.start == at(SATURDAY, "08:00")
    moved = booking_reschedule(booking=booking, start=at(SPRING, "14:00"),
                               end=at(SPRING, "14:30"))
    assert moved.start == at(SPRING, "14:00")


def test_availability_offers_each_days_version_and_skips_the_missing_hour(bay):
    [saturday] = availability(day=SATURDAY, duration_minutes=30, vehicle_length_m=6,
                              zero_emission=False, bays=[bay])
    [sunday] = availability(day=SPRING, duration_minutes=30, vehicle_length_m=6,
                            zero_emission=False, bays=[bay])
    saturday_times = [s.astimezone(LOCAL).strftime("%H:%M") for s in saturday.starts]
    sunday_times = [s.astimezone(LOCAL).strftime("%H:%M") for s in sunday.starts]
    assert saturday_times[0] == "07:00" and saturday_times[-1] == "10:30"
    assert "00:00" in sunday_times and "14:00" in sunday_times and "15:30" in sunday_times
    assert not any(t.startswith(("02:", "07:", "08:", "10:")) for t in sunday_times)


def test_the_portal_shows_each_days_windows(bay):
    [saturday] = bays_today([NearBay(bay=bay, distance=None)], SATURDAY)
    [sunday] = bays_today([NearBay(bay=bay, distance=None)], SPRING)
    assert hours(saturday.windows) == OLD
    assert hours(sunday.windows) == NEW


# --- Allocation ---------------------------------------------------------------------------------


def test_the_allocation_instance_holds_the_version_of_its_day():
    zone = versioned_zone(change=SATURDAY)
    BayFactory(zone=zone)
    friday_open = build_instance(zone=zone, day=FRIDAY).instance["bays"][0]["open"]
    saturday_open = build_instance(zone=zone, day=SATURDAY).instance["bays"][0]["open"]
    assert [(i["start"], i["end"]) for i in friday_open] == [(420, 660)]
    assert [(i["start"], i["end"]) for i in saturday_open] == [(0, 240), (840, 960)]


def test_the_allocation_apply_refuses_a_plan_outside_the_version_in_force():
    zone = versioned_zone(change=SATURDAY)
    bay = BayFactory(zone=zone)
    outside = a_request(zone, [bay], SATURDAY, earliest="07:00", latest="16:00", duration=30)
    inside = a_request(zone, [bay], SATURDAY, earliest="07:00", latest="16:00", duration=30)
    run = AllocationRun.objects.create(zone=zone, day=SATURDAY, trigger="manual",
                                       status=AllocationRun.Status.RUNNING, attempts=1)
    built = build_instance(zone=zone, day=SATURDAY)
    solution = {"assignments": [
        {"request": outside.reference, "bay": bay.code, "start": 8 * 60},
        {"request": inside.reference, "bay": bay.code, "start": 14 * 60},
    ]}
    assert apply_plan(run_id=run.pk, attempt=1, built=built, solution=solution)
    outside.refresh_from_db()
    inside.refresh_from_db()
    assert inside.status == BookingRequest.Status.ALLOCATED
    assert inside.booking.start == at(SATURDAY, "14:00")
    assert outside.status == BookingRequest.Status.REFUSED
    assert outside.booking is None


# --- Dated vehicle limits -----------------------------------------------------------------------


@pytest.fixture
def limited(bay):
    """From Sunday the zone takes vehicles up to 7 m and 3,000 kg (until then 12 m, 18 t)."""
    VehicleLimit.objects.create(zone=bay.zone, max_vehicle_length_m=Decimal("7"),
                                max_vehicle_weight_kg=3000, valid_from=SPRING)
    return bay


def test_the_limits_selector_takes_the_dated_limit_only_while_in_force(limited):
    bay = limited
    VehicleLimit.objects.create(bay=bay, max_vehicle_length_m=Decimal("5"),
                                valid_from=SPRING + dt.timedelta(days=7),
                                valid_until=SPRING + dt.timedelta(days=14))
    on = {day: vehicle_limits_in_force([bay], day)[bay.pk]
          for day in (SATURDAY, SPRING, SPRING + dt.timedelta(days=7),
                      SPRING + dt.timedelta(days=14))}
    assert [(v.max_length_m, v.max_weight_kg) for v in on.values()] == [
        (Decimal("10"), 18000), (Decimal("7"), 3000), (Decimal("5"), 3000), (Decimal("7"), 3000)]


def test_the_database_refuses_a_limit_that_says_nothing_or_weighs_a_bay(bay):
    for fields in ({"zone": bay.zone}, {"bay": bay, "max_vehicle_weight_kg": 3000},
                   {"zone": bay.zone, "max_vehicle_length_m": Decimal("7"),
                    "valid_from": SPRING, "valid_until": SPRING}):
        with pytest.raises(IntegrityError), transaction.atomic():
            VehicleLimit.objects.create(**fields)
    assert not VehicleLimit.objects.exists()


def test_booking_follows_the_dated_length_and_mass_limits(limited):
    long_van = VehicleFactory(length_m=Decimal("8"), weight_kg=2500, zero_emission=False)
    assert book(limited, long_van, SATURDAY, "08:00", "08:30").pk
    with pytest.raises(errors.VehicleTooLong):
        book(limited, long_van, SPRING, "14:00", "14:30")
    heavy = VehicleFactory(length_m=Decimal("6"), weight_kg=3500, zero_emission=False)
    assert book(limited, heavy, SATURDAY, "09:00", "09:30").pk
    with pytest.raises(errors.VehicleTooHeavy):
        book(limited, heavy, SPRING, "14:00", "14:30")
    light = VehicleFactory(length_m=Decimal("6"), weight_kg=2500, zero_emission=False)
    assert book(limited, light, SPRING, "14:00", "14:30").pk
    booking = Booking.objects.get(vehicle=long_van)
    with pytest.raises(errors.VehicleTooLong):
        booking_reschedule(booking=booking, start=at(SPRING, "15:00"), end=at(SPRING, "15:30"))


def test_availability_and_the_allocation_follow_the_dated_length_limit(bay):
    [sunday_before] = availability(day=SPRING, duration_minutes=30, vehicle_length_m=8,
                                   zero_emission=False, bays=[bay])
    assert sunday_before.starts  # read (and cached) before the limit is published
    VehicleLimit.objects.create(zone=bay.zone, max_vehicle_length_m=Decimal("7"),
                                valid_from=SPRING)
    [sunday] = availability(day=SPRING, duration_minutes=30, vehicle_length_m=8,
                            zero_emission=False, bays=[bay])
    [saturday] = availability(day=SATURDAY, duration_minutes=30, vehicle_length_m=8,
                              zero_emission=False, bays=[bay])
    assert sunday.starts == [] and saturday.starts
    request = a_request(bay.zone, [bay], SPRING, earliest="14:00", latest="16:00", length="8")
    [entry] = build_instance(zone=bay.zone, day=SPRING).instance["requests"]
    assert entry["id"] == request.reference and entry["options"] == []


def test_the_curb_feed_holds_the_windows_in_force_on_the_day_asked(bay):
    from cds.curbs import CurbData

    saturday = CurbData.load(as_of=at(SATURDAY, "12:00"))
    sunday = CurbData.load(as_of=at(SPRING, "12:00"))
    assert {(w.start, w.end) for w in saturday.windows} == set(OLD)
    assert {(w.start, w.end) for w in sunday.windows} == set(NEW)


def test_enforcement_judges_a_stay_by_the_windows_in_force_today():
    from access.enforcement import Scope, Verdict, enforcement_check

    bay = BayFactory(zone=versioned_zone(change=SATURDAY), kerb_length_m=Decimal("14"))
    van = VehicleFactory(length_m=Decimal("6"), zero_emission=False, plate="VB123K")
    friday = book(bay, van, FRIDAY, "08:00", "08:30")  # the old version: 07:00-11:00
    answer = enforcement_check(plate="VB123K", bay_code=bay.code, now=at(FRIDAY, "08:10"),
                               scope=Scope(None))
    assert answer.booking == friday and answer.verdict == Verdict.ALLOWED
    assert (answer.window.start, answer.window.end) == OLD[0]
    # Were that stay on Saturday, the new version holds: 08:00 is outside its windows.
    Booking.objects.filter(pk=friday.pk).update(start=at(SATURDAY, "08:00"),
                                                end=at(SATURDAY, "08:30"))
    answer = enforcement_check(plate="VB123K", bay_code=bay.code, now=at(SATURDAY, "08:10"),
                               scope=Scope(None))
    assert answer.verdict == Verdict.OUTSIDE_WINDOW and answer.window is None
