"""The zero-emission decision, from RDW rows in the published export format, at dates on both
sides of every boundary, and on every path that books: the service, the API, the portal, the
allocation's apply, the routing's apply and enforcement."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from access import errors as access_errors
from access import regime as regime_module
from access import services
from access.enforcement import Scope, Verdict, enforcement_check
from access.models import DayExemptionUse, Exemption
from access.services import Basis, zero_emission_access
from bookings.models import Booking
from bookings.services import booking_create
from places.localtime import LOCAL
from tests.access.factories import ExemptionFactory, RegisteredVehicleFactory
from tests.access.test_rdw_regime_import import load_regime_fixture
from tests.api.conftest import key_client
from tests.conftest import at
from tests.factories import (
    BayFactory,
    MembershipFactory,
    OrganisationFactory,
    VehicleFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def zone():
    """A zone like Gouda's: zero-emission from 2025-01-01, fines from 2025-07-01."""
    load_regime_fixture()
    return ZoneFactory(zero_emission_from=D(2025, 1, 1),
                       zero_emission_enforced_from=D(2025, 7, 1))


def decide(plate, zone, day, **kw):
    access = zero_emission_access(plate, zone, day, **kw)
    return access.allowed, access.basis, access.allowed_until, access.code


CASES = [
    # plate, day, allowed, basis, allowed_until, code
    ("ZE101V", D(2031, 1, 1), True, Basis.ZERO_EMISSION, None, None),
    ("ZE102T", D(2031, 1, 1), True, Basis.ZERO_EMISSION, None, None),
    ("PA606C", D(2031, 1, 1), True, Basis.NOT_SUBJECT, None, None),
    ("AM404B", D(2026, 1, 1), True, Basis.NOT_SUBJECT, None, None),   # national exemption
    ("VN404E", D(2025, 7, 1), False, None, None, "van_emission_class_too_low"),
    ("VN505E", D(2026, 12, 31), True, Basis.TRANSITIONAL, D(2027, 1, 1), None),
    ("VN505E", D(2027, 1, 1), False, None, None, "van_transition_ended"),
    ("VN606E", D(2027, 12, 31), True, Basis.TRANSITIONAL, D(2029, 1, 1), None),
    ("VN606E", D(2028, 1, 1), True, Basis.TRANSITIONAL, D(2029, 1, 1), None),
    ("VN606E", D(2028, 12, 31), True, Basis.TRANSITIONAL, D(2029, 1, 1), None),
    ("VN606E", D(2029, 1, 1), False, None, None, "van_transition_ended"),
    ("VN625N", D(2025, 7, 1), False, None, None, "registered_from_2025_not_zero_emission"),
    ("VT618T", D(2029, 12, 31), True, Basis.TRANSITIONAL, D(2030, 1, 1), None),
    ("VT618T", D(2030, 1, 1), False, None, None, "truck_transition_ended"),
    ("VR621B", D(2029, 12, 31), True, Basis.TRANSITIONAL, D(2030, 1, 1), None),
    ("VR621B", D(2030, 1, 1), False, None, None, "truck_transition_ended"),
    ("VR618B", D(2027, 12, 31), True, Basis.TRANSITIONAL, D(2028, 1, 1), None),
    ("VR618B", D(2028, 1, 1), False, None, None, "truck_transition_ended"),
    ("VR614B", D(2025, 7, 1), False, None, None, "truck_not_in_transition"),
    ("GV123B", D(2025, 7, 1), False, None, None, "not_registered"),
    ("", D(2025, 7, 1), False, None, None, "no_plate"),
]


@pytest.mark.parametrize("plate, day, allowed, basis, until, code", CASES)
def test_the_decision_by_plate_and_day(zone, plate, day, allowed, basis, until, code):
    assert decide(plate, zone, day) == (allowed, basis, until, code)


def test_the_extension_to_2029_is_a_data_change(zone, monkeypatch):
    # A day before the extension was published says what the rule then said.
    assert decide("VN606E", zone, D(2025, 3, 13))[2] == D(2028, 1, 1)
    assert decide("VN606E", zone, D(2025, 3, 14))[2] == D(2029, 1, 1)
    data = json.loads(regime_module.DATA_FILE.read_text())
    without = copy.deepcopy(data)
    without["rules"] = [r for r in without["rules"] if r["id"] != "van_class_6_extended"]
    next(r for r in without["rules"] if r["id"] == "van_class_6")["valid_until"] = None
    monkeypatch.setattr(services, "national_regime",
                        lambda: regime_module.regime_from_data(without))
    assert decide("VN606E", zone, D(2027, 12, 31))[0] is True
    assert decide("VN606E", zone, D(2028, 1, 1)) == (False, None, None, "van_transition_ended")


def test_the_warning_period_allows_with_a_warning_and_the_code_to_come(zone):
    access = zero_emission_access("VN404E", zone, D(2025, 6, 30))
    assert (access.allowed, access.basis, access.warning) == (True, Basis.TRANSITIONAL, True)
    assert (access.allowed_until, access.code) == (D(2025, 7, 1), "van_emission_class_too_low")
    assert not zero_emission_access("VN404E", zone, D(2025, 7, 1)).allowed


def test_before_the_zones_start_everyone_enters_and_learns_when_that_ends(zone):
    zone.zero_emission_from, zone.zero_emission_enforced_from = D(2026, 4, 1), None
    assert decide("VN404E", zone, D(2026, 3, 31)) == (True, Basis.NOT_SUBJECT, D(2026, 4, 1),
                                                      None)
    assert decide("VN404E", zone, D(2026, 4, 1))[0] is False
    assert decide("VN505E", zone, D(2026, 3, 31))[2] == D(2027, 1, 1)
    zone.zero_emission_zone = False
    assert decide("VN404E", zone, D(2031, 1, 1)) == (True, Basis.NOT_SUBJECT, None, None)
    zone.zero_emission_zone, zone.zero_emission_from = True, None
    assert decide("", zone, D(2031, 1, 1))[0] is True  # no start date: not in force


def test_exemptions_come_on_top(zone):
    day = D(2026, 3, 27)
    ExemptionFactory(plate="VN404E", municipality=zone.municipality,
                     valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31))
    assert decide("VN404E", zone, day)[:3] == (True, Basis.EXEMPTION, D(2027, 1, 1))
    day_exemption = ExemptionFactory(plate="VR614B", municipality=zone.municipality,
                                     kind=Exemption.Kind.DAY, days_per_year=1,
                                     valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31))
    assert decide("VR614B", zone, day)[:2] == (True, Basis.DAY_EXEMPTION_AVAILABLE)
    DayExemptionUse.objects.create(plate="VR614B", municipality=zone.municipality,
                                   exemption=day_exemption, day=D(2026, 2, 2))
    assert decide("VR614B", zone, day) == (False, None, None, "day_exemptions_used_up")


def test_a_cargo_bike_is_not_subject(zone):
    assert decide("", zone, D(2031, 1, 1), category="cargo_bike")[:2] == (True,
                                                                           Basis.NOT_SUBJECT)


# The paths that book ------------------------------------------------------------------------

def fleet(zone, organisation=None):
    organisation = organisation or OrganisationFactory()
    bay = BayFactory(zone=zone, kerb_length_m=Decimal("30"), max_vehicles=3)
    vehicles = {plate: VehicleFactory(organisation=organisation, plate=plate, category=category,
                                      length_m=Decimal("6"), weight_kg=3500)
                for plate, category in [("VN505E", "van"), ("VN404E", "van"),
                                        ("ZE101V", "van"), ("VN606E", "van")]}
    return organisation, bay, vehicles


def book_at(bay, vehicle, day, now):
    return booking_create(bay=bay, organisation=vehicle.organisation, vehicle=vehicle,
                          start=at(day, "08:00"), end=at(day, "08:30"), now=now)


@pytest.mark.parametrize("plate, day, code", [
    ("VN505E", D(2026, 12, 31), None), ("VN505E", D(2027, 1, 1), "van_transition_ended"),
    ("VN606E", D(2028, 12, 31), None), ("VN606E", D(2029, 1, 1), "van_transition_ended"),
    ("VN404E", D(2025, 6, 30), None), ("VN404E", D(2025, 7, 1), "van_emission_class_too_low"),
    ("ZE101V", D(2031, 1, 1), None),
])
def test_the_booking_service_asks_the_decision_on_both_sides_of_each_boundary(zone, plate, day,
                                                                              code):
    _org, bay, vehicles = fleet(zone)
    now = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(6), tzinfo=LOCAL)
    if code is None:
        assert book_at(bay, vehicles[plate], day, now).status == Booking.Status.CONFIRMED
    else:
        with pytest.raises(access_errors.ZeroEmissionZoneRefused) as refused:
            book_at(bay, vehicles[plate], day, now)
        assert refused.value.code == code
        assert not Booking.objects.exists()


def test_a_plate_less_declaration_never_clears_the_zone(zone):
    bay = BayFactory(zone=zone)
    now = dt.datetime(2026, 3, 26, 6, tzinfo=LOCAL)
    with pytest.raises(access_errors.ZoneNoPlate):
        booking_create(bay=bay, organisation=OrganisationFactory(), vehicle_length_m=6,
                       vehicle_mass_kg=3500, zero_emission=True, start=at(D(2026, 3, 27), "08:00"),
                       end=at(D(2026, 3, 27), "08:30"), now=now)
    assert not Booking.objects.exists()


def test_a_day_exemption_is_spent_when_only_it_admits_the_vehicle(zone):
    _org, bay, vehicles = fleet(zone)
    ExemptionFactory(plate="VN404E", municipality=zone.municipality, kind=Exemption.Kind.DAY,
                     valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31))
    book_at(bay, vehicles["VN404E"], D(2026, 3, 27), dt.datetime(2026, 3, 26, 6, tzinfo=LOCAL))
    assert DayExemptionUse.objects.filter(plate="VN404E", day=D(2026, 3, 27)).exists()


@pytest.fixture
def on_new_years_eve_2026():
    with time_machine.travel(dt.datetime(2026, 12, 30, 6, tzinfo=LOCAL), tick=False):
        yield


def test_the_api_books_by_the_decision(zone, on_new_years_eve_2026):
    organisation, bay, vehicles = fleet(zone)
    client = key_client(organisation)

    def post(plate, day, key):
        return client.post("/api/v1/bookings/", {
            "bay": bay.pk, "vehicle": vehicles[plate].pk, "start": at(day, "08:00").isoformat(),
            "end": at(day, "08:30").isoformat()}, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert post("VN505E", D(2026, 12, 31), "k1").status_code == 201
    refused = post("VN505E", D(2027, 1, 1), "k2")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "van_transition_ended"
    assert Booking.objects.count() == 1


def test_the_portal_books_by_the_decision(zone, on_new_years_eve_2026):
    organisation, bay, vehicles = fleet(zone)
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation).user)

    def post(plate, day, token):
        minute = 8 * 60
        return client.post("/portal/book/confirm/", {
            "day": day.isoformat(), "vehicle": vehicles[plate].pk, "duration": "30",
            "slot": f"{bay.pk}@{minute}", "token": token}, HTTP_ACCEPT_LANGUAGE="en")

    post("VN505E", D(2026, 12, 31), "t1")
    assert Booking.objects.count() == 1
    page = post("VN505E", D(2027, 1, 1), "t2").content.decode()
    assert Booking.objects.count() == 1
    assert "transitional access of this van" in page


def test_the_check_endpoint_answers_the_decision(zone, on_new_years_eve_2026):
    client = key_client(OrganisationFactory())
    answer = client.get("/api/v1/zero-emission/check",
                        {"plate": "vn-505-e", "zone": zone.slug, "date": "2026-12-31"})
    assert answer.status_code == 200
    assert answer.json() == {"plate": "VN505E", "zone": zone.slug, "date": "2026-12-31",
                             "allowed": True, "basis": "transitional",
                             "allowed_until": "2027-01-01", "code": None, "warning": False}
    refused = client.get("/api/v1/zero-emission/check",
                         {"plate": "VN505E", "zone": zone.pk, "date": "2027-01-01"}).json()
    assert (refused["allowed"], refused["basis"], refused["code"]) == (
        False, None, "van_transition_ended")


@pytest.mark.parametrize("query", [
    {"plate": "VN505E", "zone": "nowhere", "date": "2027-01-01"},
    {"plate": "not a plate", "date": "2027-01-01"},
    {"plate": "VN505E", "date": "31-12-2026"},
    {"plate": "", "date": "2027-01-01"},
    {"plate": "VN505E", "zone": "99999999999999999999999", "date": "2027-01-01"},
])
def test_the_check_endpoint_refuses_bad_input_with_a_problem(zone, query):
    client = key_client(OrganisationFactory())
    query = {"zone": zone.slug, **query}
    answer = client.get("/api/v1/zero-emission/check", query)
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/problem+json")


def test_the_check_endpoint_needs_a_key(zone):
    answer = Client().get("/api/v1/zero-emission/check",
                          {"plate": "VN505E", "zone": zone.slug, "date": "2027-01-01"})
    assert answer.status_code in (401, 403)


def test_allocation_plans_and_applies_by_the_decision(zone, on_new_years_eve_2026, monkeypatch):
    from bookings import allocation
    from bookings.models import AllocationRun, BookingRequest
    from tests.allocation.helpers import a_request

    organisation, bay, vehicles = fleet(zone)
    day = D(2027, 1, 1)
    admitted = a_request(zone, [bay], day, vehicle=vehicles["ZE101V"])
    refused = a_request(zone, [bay], day, vehicle=vehicles["VN505E"])
    entries = allocation.build_instance(zone=zone, day=day).instance["requests"]
    options = {e["id"]: e["options"] for e in entries}
    assert options[refused.reference] == [] and options[admitted.reference]
    # Had the planner offered it a bay, the apply refuses it all the same.
    monkeypatch.setattr(allocation, "may_enter_zone", lambda **kw: True)
    run = allocation.allocation_run_start(zone=zone, day=day,
                                          trigger=AllocationRun.Trigger.COMMAND, enqueue=False)
    allocation.allocation_run_execute(run_id=run.pk, task_id="t", time_limit=2, workers=1)
    admitted.refresh_from_db()
    refused.refresh_from_db()
    assert admitted.status == BookingRequest.Status.ALLOCATED
    assert refused.status == BookingRequest.Status.REFUSED
    assert not Booking.objects.filter(vehicle=vehicles["VN505E"]).exists()


def test_routing_apply_books_by_the_decision(on_new_years_eve_2026, monkeypatch):
    from hubs import routing
    from hubs.models import PickupRequest
    from hubs.services import planning
    from tests.hubs.helpers import collectors_day

    load_regime_fixture()
    day = D(2027, 1, 2)
    cv, bays, _pickups = collectors_day(day)
    zone = bays[0].zone
    zone.zero_emission_from = D(2025, 1, 1)
    zone.save()
    cv.vehicle.zero_emission = True  # the carrier says so; the register says Euro 5 diesel
    cv.vehicle.save()
    RegisteredVehicleFactory(plate=cv.vehicle.plate, eu_category="N1", emission_class=5,
                             first_admission=D(2013, 6, 20))
    run = planning.planning_run_start(collector=cv.organisation, day=day, time_limit_seconds=2)
    planning.planning_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.planned_count == 0  # planned nowhere: the decision keeps it out
    # Had the planner let it in, the apply's bookings refuse it all the same.
    monkeypatch.setattr(routing, "may_enter_zone", lambda **kw: True)
    run = planning.planning_run_start(collector=cv.organisation, day=day, time_limit_seconds=2)
    planning.planning_run_execute(run_id=run.pk)
    assert not Booking.objects.occupying().exists()
    assert not PickupRequest.objects.filter(status=PickupRequest.Status.PLANNED).exists()


def test_enforcement_shows_the_zone_decision(zone):
    organisation, bay, vehicles = fleet(zone)
    day = D(2026, 12, 31)
    booking = book_at(bay, vehicles["VN505E"], day, dt.datetime(2026, 12, 30, 6, tzinfo=LOCAL))
    answer = enforcement_check(plate="VN505E", scope=Scope(None),
                               now=at(day, "08:10"))
    assert answer.verdict == Verdict.ALLOWED and answer.booking == booking
    assert answer.zone_access.allowed_until == D(2027, 1, 1)
    # A booking that outlived the van's access: the officer sees it refused.
    Booking.objects.filter(pk=booking.pk).update(start=at(D(2027, 1, 1), "08:00"),
                                                 end=at(D(2027, 1, 1), "08:30"))
    answer = enforcement_check(plate="VN505E", scope=Scope(None),
                               now=at(D(2027, 1, 1), "08:10"))
    assert answer.verdict == Verdict.NOT_ADMITTED_TO_ZONE
    assert answer.zone_access.code == "van_transition_ended"
