"""Clock changes in Europe/Amsterdam: windows, availability, bookings and allocation stay right.

The last Sundays of March (23 hours: 02:00 jumps to 03:00) and October (25
hours: 03:00 falls back to 02:00) of 2026 and 2027. Every check asks for wall
times (07:00 opens, 08:00 is booked) and looks at the stored instants, so a
mistake of one hour anywhere shows.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from api.services import api_key_create
from bookings import allocation
from bookings.allocation import build_instance
from bookings.models import AllocationRun, Booking
from bookings.selectors import availability
from organisations.models import Membership, Organisation
from places import localtime
from tests.allocation.helpers import a_request
from tests.factories import (
    BayFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

SPRING = [dt.date(2026, 3, 29), dt.date(2027, 3, 28)]
AUTUMN = [dt.date(2026, 10, 25), dt.date(2027, 10, 31)]
CHANGES = SPRING + AUTUMN
# Local midnight to 07:00 on each change day, in real minutes: one hour less or more.
SEVEN = {**dict.fromkeys(SPRING, 6 * 60), **dict.fromkeys(AUTUMN, 8 * 60)}


def wall(day, hhmm) -> dt.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return localtime.make_local(day, dt.time(hours, minutes))


@pytest.fixture(params=CHANGES, ids=str)
def change_day(request):
    """A clock-change day, seen from the Wednesday before at 06:00."""
    day = request.param
    with time_machine.travel(wall(day - dt.timedelta(days=4), "06:00"), tick=False):
        yield day


@pytest.fixture
def bay():
    zone = ZoneFactory(book_ahead_days=28)  # 07:00-11:00 for all, 11:00-18:00 zero-emission
    return BayFactory(zone=zone, kerb_length_m=Decimal("14"), max_vehicles=2)


@pytest.fixture
def carrier():
    return OrganisationFactory(slug="klok-vervoer")


@pytest.fixture
def api(carrier):
    _key, key = api_key_create(organisation=carrier, name="dst")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_the_change_days_are_the_ones_meant():
    assert [localtime.day_minutes(day) for day in CHANGES] == [1380, 1380, 1500, 1500]


def test_free_starts_are_the_same_wall_times_as_on_an_ordinary_day(change_day, bay):
    ordinary = change_day - dt.timedelta(days=1)
    starts = {}
    for day in (ordinary, change_day):
        (free,) = availability(day=day, duration_minutes=30, vehicle_length_m=Decimal("6"),
                               zero_emission=False, bays=[bay])
        starts[day] = free.starts
    as_wall = {day: [f"{s.astimezone(localtime.LOCAL):%H:%M}" for s in found]
               for day, found in starts.items()}
    assert as_wall[change_day] == as_wall[ordinary]
    assert as_wall[change_day][0] == "07:00" and as_wall[change_day][-1] == "10:30"
    offset = dt.timedelta(hours=2 if change_day in SPRING else 1)
    assert all(s.utcoffset() == offset for s in starts[change_day])


def test_the_availability_api_answers_wall_times_with_the_new_offset(change_day, bay, api,
                                                                     carrier):
    van = VehicleFactory(organisation=carrier, zero_emission=True)
    response = api.get("/api/v1/availability/", {"bay": bay.pk, "date": change_day.isoformat(),
                                                  "duration_minutes": 60, "vehicle": van.pk})
    assert response.status_code == 200, response.content
    (answer,) = response.json()["results"] if "results" in response.json() else [
        response.json()]
    offset = "+02:00" if change_day in SPRING else "+01:00"
    assert answer["starts"][0] == f"{change_day.isoformat()}T07:00:00{offset}"
    assert answer["starts"][-1] == f"{change_day.isoformat()}T17:00:00{offset}"


def test_a_booking_through_the_api_lands_at_the_wall_time_asked(change_day, bay, api, carrier):
    van = VehicleFactory(organisation=carrier)
    offset = "+02:00" if change_day in SPRING else "+01:00"
    response = api.post("/api/v1/bookings/", {
        "bay": bay.pk, "vehicle": van.pk, "start": f"{change_day}T08:00:00{offset}",
        "end": f"{change_day}T08:30:00{offset}"}, format="json")
    assert response.status_code == 201, response.content
    booking = Booking.objects.get(reference=response.json()["reference"])
    assert booking.start == wall(change_day, "08:00")
    assert localtime.elapsed(booking.start, booking.end) == dt.timedelta(minutes=30)


@pytest.mark.parametrize("start", ["T02:30:00", "T02:00:00"])
def test_a_wall_time_that_does_not_exist_or_happens_twice_is_a_clear_refusal(change_day, bay,
                                                                              api, carrier,
                                                                              start):
    van = VehicleFactory(organisation=carrier)
    before = Booking.objects.count()
    response = api.post("/api/v1/bookings/", {
        "bay": bay.pk, "vehicle": van.pk, "start": f"{change_day}{start}",
        "end": f"{change_day}T03:30:00"}, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert Booking.objects.count() == before


def test_a_booking_through_the_portal_lands_at_the_wall_time_of_its_cell(change_day, bay):
    shop = OrganisationFactory(kind=Organisation.Kind.SHOP, latitude=bay.latitude,
                               longitude=bay.longitude)
    user = UserFactory()
    MembershipFactory(user=user, organisation=shop, role=Membership.Role.MANAGER)
    client = APIClient()
    client.force_login(user)
    eight = SEVEN[change_day] + 60
    grid = client.get("/portal/book/", {"day": change_day.isoformat(), "duration": 30,
                                        "vehicle_length_m": "6", "vehicle_mass_kg": 3500})
    assert grid.status_code == 200
    assert f"{bay.pk}@{eight}".encode() in grid.content  # the 08:00 cell
    response = client.post("/portal/book/confirm/", {
        "day": change_day.isoformat(), "duration": 30, "vehicle_length_m": "6",
        "vehicle_mass_kg": 3500,
        "slot": f"{bay.pk}@{eight}", "token": "dst-once"})
    assert response.status_code == 302, response.content[:2000]
    booking = Booking.objects.get(organisation=shop)
    assert booking.start == wall(change_day, "08:00")
    assert localtime.elapsed(booking.start, booking.end) == dt.timedelta(minutes=30)


@pytest.mark.parametrize("hhmm", ["02:30", "08:00"])
def test_rescheduling_in_the_portal_to_any_wall_time_never_fails_badly(change_day, bay, hhmm):
    shop = OrganisationFactory(kind=Organisation.Kind.SHOP, latitude=bay.latitude,
                               longitude=bay.longitude)
    user = UserFactory()
    MembershipFactory(user=user, organisation=shop, role=Membership.Role.MANAGER)
    from bookings.services import booking_create

    booking = booking_create(bay=bay, organisation=shop, vehicle_length_m=Decimal("4"),
                             vehicle_mass_kg=3500,
                             zero_emission=True, start=wall(change_day, "09:00"),
                             end=wall(change_day, "09:30"))
    client = APIClient()
    client.force_login(user)
    response = client.post(f"/portal/bookings/{booking.reference}/reschedule/", {
        "day": change_day.isoformat(), "start_time": hhmm, "duration": 30, "bay": bay.pk})
    assert response.status_code < 500
    booking.refresh_from_db()
    if hhmm == "08:00":
        assert booking.start == wall(change_day, "08:00")
    else:  # 02:30 does not exist in March, happens twice in October, and the bay is closed
        assert booking.start == wall(change_day, "09:00")


# --- Allocation: minutes after local midnight on a 23- and a 25-hour day -----------------


def test_the_allocation_instance_counts_real_minutes_from_midnight(change_day, bay):
    built = build_instance(zone=bay.zone, day=change_day)
    (bay_entry,) = built.instance["bays"]
    seven = SEVEN[change_day]
    assert [(i["start"], i["end"], i["zero_emission_only"]) for i in bay_entry["open"]] == [
        (seven, seven + 4 * 60, False), (seven + 4 * 60, seven + 11 * 60, True)]


def electric_van():
    """A van the register lists as electric: the late request lies in a zero-emission-only
    window, which a declaration alone does not open."""
    from tests.access.factories import RegisteredVehicleFactory

    van = VehicleFactory(zero_emission=True)
    RegisteredVehicleFactory(plate=van.plate, fuels=["Elektriciteit"], zero_emission=True)
    return van


def test_allocated_bookings_land_at_the_wall_times_requested(change_day, bay):
    vans = [electric_van() for _ in range(3)]
    requests = [a_request(bay.zone, [bay], change_day, earliest="09:00", latest="10:00",
                          duration=30, vehicle=van) for van in vans]
    late = a_request(bay.zone, [bay], change_day, earliest="17:00", latest="18:00",
                     duration=60, vehicle=electric_van())
    built = build_instance(zone=bay.zone, day=change_day)
    by_id = {r["id"]: r for r in built.instance["requests"]}
    assert by_id[requests[0].reference]["earliest_start"] == SEVEN[change_day] + 120
    assert by_id[late.reference]["latest_end"] == SEVEN[change_day] + 11 * 60
    run = allocation.allocation_run_start(zone=bay.zone, day=change_day,
                                          trigger=AllocationRun.Trigger.COMMAND, enqueue=False)
    allocation.allocation_run_execute(run_id=run.pk, task_id="dst", time_limit=2, workers=1)
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.APPLIED, run.error
    booked = list(Booking.objects.filter(channel=Booking.Channel.OPTIMISER).order_by("start"))
    assert len(booked) == 4  # two places: 09:00 twice and 09:30 once, and the late one
    offset = dt.timedelta(hours=2 if change_day in SPRING else 1)
    assert all(booking.start.astimezone(localtime.LOCAL).utcoffset() == offset
               for booking in booked)
    late.refresh_from_db()
    assert late.booking.start == wall(change_day, "17:00")
    assert late.booking.end == wall(change_day, "18:00")
    for request in requests:
        request.refresh_from_db()
        assert wall(change_day, "09:00") <= request.booking.start
        assert request.booking.end <= wall(change_day, "10:00")


def test_on_the_25_hour_day_the_last_hour_is_refused_by_allocation_never_misplaced():
    """The exchange format has 1440 minutes; on the October night minute 1440 is 23:00.

    A request for 23:10-23:50 cannot be planned then: it is refused (with instant
    booking still open to it), and nothing is booked an hour off. The same request on
    an ordinary day is allocated at its wall time.
    """
    from places.models import TimeWindow

    day, ordinary = AUTUMN[0], AUTUMN[0] - dt.timedelta(days=7)
    zone = ZoneFactory(book_ahead_days=28, standard_windows=False)
    for weekday in range(7):
        TimeWindow.objects.create(zone=zone, weekday=weekday, start=dt.time(20),
                                  end=dt.time(23, 59), zero_emission_only=False)
    bay = BayFactory(zone=zone, kerb_length_m=Decimal("14"), max_vehicles=2)
    outcome = {}
    for when in (ordinary, day):
        with time_machine.travel(wall(when - dt.timedelta(days=4), "06:00"), tick=False):
            request = a_request(zone, [bay], when, earliest="23:10", latest="23:50",
                                duration=30, vehicle=VehicleFactory())
            run = allocation.allocation_run_start(zone=zone, day=when,
                                                  trigger=AllocationRun.Trigger.COMMAND,
                                                  enqueue=False)
            allocation.allocation_run_execute(run_id=run.pk, task_id="late", time_limit=2,
                                              workers=1)
            request.refresh_from_db()
            outcome[when] = request
    assert outcome[ordinary].status == "allocated"
    assert wall(ordinary, "23:10") <= outcome[ordinary].booking.start
    assert outcome[day].status == "refused"
    assert not Booking.objects.filter(bay=bay, start__date__gte=day).exists()
