"""Hub instants across the clock changes: an offset is required, an unclear wall time refused.

The spring-forward (29 March 2026, 28 March 2027) and fall-back (25 October 2026,
31 October 2027) nights, each seen from the Wednesday before. The hub API reads
instants with the bookings API's field (api.fields.AwareDateTimeField): a time without
its UTC offset is refused, and so is a wall time the night skips or repeats; with its
offset, a time is exact and durations are real time.
"""

import datetime as dt

import pytest
import time_machine

from bookings import errors as booking_errors
from bookings.models import Booking
from hubs.models import DockReservation, HubOpeningHours, LastMileChain
from hubs.services import chain_create, chain_move_inbound
from places import localtime
from tests.factories import BayFactory, HubFactory, OrganisationFactory

from .test_api import client_for

pytestmark = pytest.mark.django_db

SPRING = [dt.date(2026, 3, 29), dt.date(2027, 3, 28)]
AUTUMN = [dt.date(2026, 10, 25), dt.date(2027, 10, 31)]


def wall(day, hhmm) -> dt.datetime:
    return localtime.make_local(day, dt.time(*map(int, hhmm.split(":"))))


def offset(day) -> str:
    """The UTC offset of the day's working hours: summer time after the spring change."""
    return "+02:00" if day in SPRING else "+01:00"


@pytest.fixture(params=SPRING + AUTUMN, ids=str)
def change_day(request):
    day = request.param
    with time_machine.travel(wall(day - dt.timedelta(days=4), "06:00"), tick=False):
        yield day


@pytest.fixture
def hub():
    """Open from midnight, so that the night's changed hour is inside the opening hours."""
    hub = HubFactory()
    HubOpeningHours.objects.filter(hub=hub).update(opens=dt.time(0))
    return hub


@pytest.fixture
def carrier():
    return OrganisationFactory()


@pytest.fixture
def api(carrier):
    return client_for(carrier)


@pytest.fixture
def chain(change_day, hub, carrier):
    """A chain booked for the change day: dock 08:00-08:30, delivery 09:30-09:50."""
    return chain_create(
        hub=hub, organisation=carrier, vehicle_length_m=12, delivery_bay=BayFactory(),
        delivery_vehicle_length_m=4, delivery_vehicle_mass_kg=3500,
        inbound_start=wall(change_day, "08:00"), inbound_end=wall(change_day, "08:30"),
        delivery_start=wall(change_day, "09:30"), delivery_end=wall(change_day, "09:50"),
    )


def unclear_starts(day) -> dict[str, str]:
    """Start times that must be refused, with the code that says why."""
    changed_hour = "nonexistent_local_time" if day in SPRING else "ambiguous_local_time"
    return {
        f"{day}T08:00:00": "offset_required",
        f"{day}T02:30:00": "offset_required",
        f"{day}T02:30:00+01:00": changed_hour,
    }


def post_with_start(api, endpoint, *, hub, day, start, chain=None):
    """POST to one of the hub API's endpoints that take an instant, with `start` as given."""
    end, after = f"{day}T09:00:00{offset(day)}", f"{day}T11:00:00{offset(day)}"
    if endpoint == "dock":
        return api.post("/api/v1/hub-dock-reservations/", {
            "hub": hub.pk, "start": start, "end": end, "vehicle_length_m": "7"}, format="json")
    if endpoint == "chain":
        return api.post("/api/v1/hub-chains/", {
            "hub": hub.pk, "inbound_start": start, "inbound_end": end, "vehicle_length_m": "12",
            "delivery_vehicle_mass_kg": 3500,
            "delivery_bay": BayFactory().pk, "delivery_start": after,
            "delivery_end": f"{day}T11:20:00{offset(day)}"}, format="json")
    return api.post(f"/api/v1/hub-chains/{chain.pk}/{endpoint}/", {"start": start, "end": after},
                    format="json")


def what_is_booked():
    return (list(DockReservation.objects.values_list("pk", "start", "end", "status")),
            list(Booking.objects.values_list("pk", "start", "end", "status")),
            list(LastMileChain.objects.values_list("pk", "status")))


@pytest.mark.parametrize("endpoint", ["dock", "chain", "move-inbound", "move-delivery"])
def test_a_time_without_offset_or_in_the_changed_hour_is_refused_and_nothing_changes(
        change_day, hub, api, chain, endpoint):
    before = what_is_booked()
    for start, code in unclear_starts(change_day).items():
        response = post_with_start(api, endpoint, hub=hub, day=change_day, start=start,
                                   chain=chain)
        assert response.status_code == 400, (start, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        (error,) = response.json()["errors"]
        assert error["code"] == code, (start, error)
        assert error["field"] in {"start", "inbound_start"}
        assert what_is_booked() == before


def test_with_its_offset_a_dock_slot_on_the_change_day_lands_at_the_wall_time_asked(
        change_day, hub, api):
    response = api.post("/api/v1/hub-dock-reservations/", {
        "hub": hub.pk, "start": f"{change_day}T08:00:00{offset(change_day)}",
        "end": f"{change_day}T08:30:00{offset(change_day)}", "vehicle_length_m": "7",
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["start"] == f"{change_day}T08:00:00{offset(change_day)}"
    reservation = DockReservation.objects.get()
    assert reservation.start == wall(change_day, "08:00")
    assert localtime.elapsed(reservation.start, reservation.end) == dt.timedelta(minutes=30)


def test_a_dock_stay_across_the_changed_hour_lasts_its_real_time(change_day, hub, api):
    """01:00 to 03:00 on the wall clock is one real hour in March and three in October;
    the hub allows two."""
    before = "+01:00" if change_day in SPRING else "+02:00"
    response = api.post("/api/v1/hub-dock-reservations/", {
        "hub": hub.pk, "start": f"{change_day}T01:00:00{before}",
        "end": f"{change_day}T03:00:00{offset(change_day)}", "vehicle_length_m": "7",
    }, format="json")
    if change_day in SPRING:
        assert response.status_code == 201, response.content
        reservation = DockReservation.objects.get()
        assert localtime.elapsed(reservation.start, reservation.end) == dt.timedelta(hours=1)
    else:
        assert response.status_code == 422, response.content
        assert response.json()["code"] == "dock_stay_too_long"
        assert not DockReservation.objects.exists()


@pytest.mark.parametrize("start", ["naive", "changed hour"])
def test_moving_a_chain_s_dock_slot_to_an_unclear_time_is_a_refusal_that_moves_nothing(
        change_day, chain, start):
    """The service itself refuses (as a BookingError, which every interface can show)."""
    instant = (dt.datetime.combine(change_day, dt.time(8)) if start == "naive"
               else dt.datetime(change_day.year, change_day.month, change_day.day, 2, 30,
                                tzinfo=dt.timezone(dt.timedelta(hours=1))))
    before = what_is_booked()
    with pytest.raises(booking_errors.InvalidLocalTime):
        chain_move_inbound(chain=chain, start=instant, end=wall(change_day, "09:00"))
    assert what_is_booked() == before
