"""The rulebook on every path: each rule of README's table, tried through every path that books
kerb time, is refused there with the same code.

A case (RULES) arranges a world in which one booking — the carrier's van at the bay on Saturday
09:00-09:30, unless the case moves it — breaks one rule. A path (PATHS) tries to make that
booking its own way and answers the refusal codes it saw (an API's problem code, a service's
error code, the allocation's refusal event, or for pages the codes whose message the page
shows). Nothing is booked by a refused attempt.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.test import Client

import access.errors  # noqa: F401  (its refusals are among those a page may show)
from bookings import allocation, errors
from bookings.allocation import apply_plan, build_instance
from bookings.models import AllocationRun, Booking, BookingRequest, Quota, WaitlistEntry
from bookings.recurring import booking_series_create
from bookings.requests import request_submit
from bookings.services import booking_create, new_reference
from bookings.waitlist import waitlist_claim as claim_offer
from hubs.services.chains import chain_create
from notifications.models import Notification
from places import localtime
from places.models import Closure
from tests.access.factories import RegisteredVehicleFactory
from tests.api.conftest import key_client
from tests.conftest import FRIDAY, at
from tests.factories import (
    BayFactory,
    HubFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VehicleFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
SATURDAY = FRIDAY + dt.timedelta(days=1)


@dataclass
class World:
    bay: object
    carrier: object
    van: object
    start: str = "09:00"
    end: str = "09:30"
    declared: dict = field(default_factory=dict)  # set: book without a plate, with these

    @property
    def zone(self):
        return self.bay.zone

    def vehicle_kwargs(self) -> dict:
        return dict(self.declared) if self.declared else {"vehicle": self.van}

    def times(self):
        return at(SATURDAY, self.start), at(SATURDAY, self.end)


def a_world() -> World:
    """One bay with room for one vehicle (07:00-11:00 for all, 11:00-18:00 zero-emission only),
    and a carrier's electric van, 6 m and 3.5 t by the register."""
    bay = BayFactory(kerb_length_m=Decimal("20"), max_vehicles=1)
    carrier = OrganisationFactory()
    van = VehicleFactory(organisation=carrier, length_m=Decimal("6"), weight_kg=3500,
                         zero_emission=True)
    RegisteredVehicleFactory(plate=van.plate, fuels=["Elektriciteit"], zero_emission=True,
                             max_mass_kg=3500, length_cm=600)
    return World(bay=bay, carrier=carrier, van=van)


def _register(world, **facts):
    from access.models import RegisteredVehicle

    RegisteredVehicle.objects.filter(plate=world.van.plate).update(**facts)


def _another_booking(world, *, bay=None, organisation=None, vehicle=None, start=None, end=None):
    """Someone's stay, made as the service makes it (before the rule under test bites)."""
    organisation = organisation or OrganisationFactory()
    vehicle = vehicle or VehicleFactory(organisation=organisation)
    return booking_create(bay=bay or world.bay, organisation=organisation, vehicle=vehicle,
                          start=at(SATURDAY, start or world.start),
                          end=at(SATURDAY, end or world.end))


# --- The rules: (code, how the world breaks it) ---------------------------------------------

def outside_window(world):
    world.start, world.end = "19:00", "19:30"


def bay_closed(world):
    Closure.objects.create(bay=world.bay, reason=Closure.Reason.ROADWORKS, start_date=SATURDAY,
                           end_date=SATURDAY)


def bay_full(world):
    _another_booking(world)


def vehicle_too_long(world):
    _register(world, length_cm=1650)  # the register's 16.5 m, though typed as 6 m


def vehicle_too_heavy(world):
    _register(world, max_mass_kg=40000)  # the register's 40 t, though typed as 3.5 t


def vehicle_mass_required(world):
    world.declared = {"vehicle_length_m": Decimal("6"), "zero_emission": True}


def too_far_ahead(world):
    world.zone.book_ahead_days = 0
    world.zone.save()


def stay_too_long(world):
    world.zone.max_stay_minutes = 20
    world.zone.save()


def register_not_zero_emission(world):
    world.start, world.end = "12:00", "12:30"  # zero-emission only
    _register(world, fuels=["Diesel"], zero_emission=False)  # typed as electric


def vehicle_busy(world):
    _another_booking(world, bay=BayFactory(zone=world.zone), organisation=world.carrier,
                     vehicle=world.van)


def quota_exceeded(world):
    Quota.objects.create(zone=world.zone, organisation=world.carrier, max_minutes_per_day=30)
    _another_booking(world, bay=BayFactory(zone=world.zone), organisation=world.carrier,
                     start="07:00", end="07:30")


RULES = {
    "outside_window": outside_window,
    "bay_closed": bay_closed,
    "bay_full": bay_full,
    "vehicle_too_long": vehicle_too_long,
    "vehicle_too_heavy": vehicle_too_heavy,
    "vehicle_mass_required": vehicle_mass_required,
    "too_far_ahead": too_far_ahead,
    "stay_too_long": stay_too_long,
    "register_not_zero_emission": register_not_zero_emission,
    "vehicle_busy": vehicle_busy,
    "quota_exceeded": quota_exceeded,
}


# --- The paths: each tries the world's booking and answers the codes it refused with --------

def _codes_of(call) -> set[str]:
    try:
        call()
    except errors.BookingError as exc:
        return {exc.code}
    return set()


def _api_body(world) -> dict:
    start, end = world.times()
    body = {"bay": world.bay.pk, "start": start.isoformat(), "end": end.isoformat()}
    if world.declared:
        return {**body, **{k: str(v) if isinstance(v, Decimal) else v
                           for k, v in world.declared.items()}}
    return {**body, "vehicle": world.van.pk}


def _problem_code(response) -> set[str]:
    if response.status_code < 400:
        return set()
    return {response.json().get("code")}


def api_booking(world):
    response = key_client(world.carrier).post("/api/v1/bookings/", _api_body(world),
                                              format="json")
    return _problem_code(response)


def _kept_booking(world) -> Booking:
    """The carrier's booking at the bay late in the evening, stored as it was made before
    today's rules: the thing to move."""
    vehicle = None if world.declared else world.van
    return Booking.objects.create(
        reference=new_reference(), bay=world.bay, organisation=world.carrier, vehicle=vehicle,
        plate=vehicle.plate if vehicle else "", start=at(SATURDAY, "20:30"),
        end=at(SATURDAY, "20:45"), vehicle_length_m=world.declared.get("vehicle_length_m",
                                                                       Decimal("6")),
        vehicle_mass_kg=world.declared.get("vehicle_mass_kg"),
        zero_emission=True, channel=Booking.Channel.API)


def api_reschedule(world):
    booking = _kept_booking(world)
    start, end = world.times()
    response = key_client(world.carrier).post(
        f"/api/v1/bookings/{booking.reference}/reschedule/",
        {"start": start.isoformat(), "end": end.isoformat(), "bay": world.bay.pk}, format="json")
    return _problem_code(response)


def _all_refusals():
    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)
    return [cls for cls in walk(errors.BookingError) if "default_message" in cls.__dict__]


def _codes_on_page(response) -> set[str]:
    """The refusals whose message the page shows (pages show messages, not codes)."""
    if response.status_code in (301, 302):
        return set()
    page = response.content.decode()
    from django.utils.html import escape
    return {cls.code for cls in _all_refusals() if escape(str(cls.default_message)) in page}


def portal_booking(world):
    client = Client()
    client.force_login(MembershipFactory(organisation=world.carrier).user)
    start, _end = world.times()
    minute = localtime.minute_of_day(SATURDAY, start)
    vehicle = ({"vehicle_length_m": world.declared["vehicle_length_m"],
                "zero_emission": "on"} if world.declared else {"vehicle": world.van.pk})
    response = client.post("/portal/book/confirm/", {
        "day": SATURDAY.isoformat(), "duration": "30", "slot": f"{world.bay.pk}@{minute}",
        "token": "rulebook-1", **vehicle})
    return _codes_on_page(response)


def admin_booking(world):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    start, end = world.times()
    data = {"bay": world.bay.pk, "organisation": world.carrier.pk,
            "vehicle_length_m": "6", "zero_emission": "on", "status": "confirmed",
            "channel": "portal", "start_0": SATURDAY.isoformat(), "start_1": world.start,
            "end_0": SATURDAY.isoformat(), "end_1": world.end}
    if not world.declared:
        data["vehicle"] = world.van.pk
    response = client.post("/admin/bookings/booking/add/", data)
    return _codes_on_page(response)


def request_and_allocation(world):
    start, end = world.times()
    try:
        request = request_submit(
            organisation=world.carrier, zone=world.zone, earliest_start=start, latest_end=end,
            duration_minutes=30, bays=[world.bay], **world.vehicle_kwargs())
    except errors.BookingError as exc:
        return {exc.code}
    run = allocation.allocation_run_start(zone=world.zone, day=SATURDAY,
                                          trigger=AllocationRun.Trigger.COMMAND, enqueue=False)
    _, attempt = allocation._claim(run.pk, "rulebook")
    built = build_instance(zone=world.zone, day=SATURDAY)
    # the plan puts the request where it asked to be: the apply's own checks must refuse it
    plan = {"assignments": [{"request": request.reference, "bay": world.bay.code,
                             "start": localtime.minute_of_day(SATURDAY, start)}]}
    apply_plan(run_id=run.pk, attempt=attempt, built=built, solution=plan)
    request.refresh_from_db()
    if request.status == BookingRequest.Status.ALLOCATED:
        return set()
    refused = Notification.objects.get(payload__request=request.reference,
                                       kind="request.refused")
    return {refused.payload["reason"]}


def recurring_series(world):
    start, _end = world.times()
    result = booking_series_create(
        organisation=world.carrier, bay=world.bay, weekdays=[SATURDAY.weekday()],
        start_time=start.time(), duration_minutes=30, first_day=SATURDAY, until=SATURDAY,
        **world.vehicle_kwargs())
    return {n.code for n in result.not_booked}


def waitlist_claim(world):
    start, end = world.times()
    declared = world.declared
    entry = WaitlistEntry.objects.create(
        organisation=world.carrier, bay=world.bay, vehicle=None if declared else world.van,
        vehicle_length_m=declared.get("vehicle_length_m", Decimal("6")),
        vehicle_mass_kg=declared.get("vehicle_mass_kg"), zero_emission=True, start=start,
        end=end, status=WaitlistEntry.Status.OFFERED, offered_at=localtime.now(),
        offer_expires_at=localtime.later(localtime.now(), 15))
    return _codes_of(lambda: claim_offer(entry=entry))


def last_mile_chain(world):
    start, end = world.times()
    if world.declared:
        delivery = {"delivery_vehicle_length_m": world.declared["vehicle_length_m"],
                    "delivery_vehicle_mass_kg": world.declared.get("vehicle_mass_kg")}
    else:
        delivery = {"delivery_vehicle": world.van}
    return _codes_of(lambda: chain_create(
        hub=HubFactory(), organisation=world.carrier, inbound_start=at(SATURDAY, "07:00"),
        inbound_end=at(SATURDAY, "07:30"), vehicle_length_m=Decimal("12"),
        delivery_bay=world.bay, delivery_start=start, delivery_end=end, **delivery))


PATHS = {
    "api booking": api_booking,
    "api reschedule": api_reschedule,
    "portal booking": portal_booking,
    "admin booking": admin_booking,
    "request and allocation": request_and_allocation,
    "recurring series": recurring_series,
    "waitlist claim": waitlist_claim,
    "last-mile chain": last_mile_chain,
}


# A series books only the dates inside the booking horizon; later dates are not refused but
# left to the nightly roll forward, which books them through booking_create when they come
# inside (tests/bookings/test_series_roll_forward.py).
NOT_REFUSED = {("too_far_ahead", "recurring series")}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("code", RULES)
def test_every_path_refuses_with_the_rules_code(code, path):
    world = a_world()
    RULES[code](world)
    assert PATHS[path](world) == (set() if (code, path) in NOT_REFUSED else {code})
    assert not Booking.objects.filter(organisation=world.carrier, bay=world.bay,
                                      start=at(SATURDAY, world.start)).exists()


@pytest.mark.parametrize("path", PATHS)
def test_every_path_books_when_no_rule_is_broken(path):
    """The control: the same world without a broken rule books on each path."""
    world = a_world()
    assert PATHS[path](world) == set()
    assert Booking.objects.filter(bay=world.bay, start=at(SATURDAY, "09:00")).exists()
